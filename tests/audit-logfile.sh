#!/bin/sh
# audit-logfile.sh: a volume whose $LogFile is not clean (as after a crash on Windows) is read
# read-only with the same results as the clean volume, and is not changed or "fixed".
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd istat fsstat python3

cat >"$T_TMP/v.spec" <<'EOF2'
image size=8M
file -p /two/x.txt text=second
link /two/x.txt /two/y.txt
link /two/x.txt /z.txt
junction /j \??\C:\two
symlink /s \??\C:\nothing
EOF2
build_fixture "$T_TMP/v.spec" "$T_TMP/clean.img"
cp "$T_TMP/clean.img" "$T_TMP/v.img"

# Overwrite both restart pages of $LogFile (record 2) with a restart page header
# followed by noise: libntfs-3g then finds no valid restart area in a log that
# is not empty, i.e. a log that was not closed cleanly.
csize=$(fsstat "$T_TMP/v.img" | sed -n 's/^Cluster Size: //p')
lcn=$(istat "$T_TMP/v.img" 2 | sed -n '/^Type: \$DATA/,$p' | sed -n 2p | awk '{print $1}')
[ -n "$csize" ] && [ -n "$lcn" ] || { echo "FAIL: cannot locate \$LogFile with TSK"; exit 99; }
python3 - "$T_TMP/v.img" "$((lcn * csize))" <<'EOF2'
import random, struct, sys
random.seed(7)
with open(sys.argv[1], 'r+b') as f:
    for page in (0, 4096):
        f.seek(int(sys.argv[2]) + page)
        f.write(b'RSTR' + struct.pack('<HH', 0x1e, 9) +
                bytes(random.getrandbits(8) for _ in range(4096 - 8)))
EOF2

# Witness, independent of ntfslinks: a read-write ntfs-3g mount refusing to
# recover the log falls back to read-only because the volume is unsafe.
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null 2>&1; then
	cp "$T_TMP/v.img" "$T_TMP/w.img"
	mkdir "$T_TMP/mnt"
	ntfs-3g -o norecover "$T_TMP/w.img" "$T_TMP/mnt" >"$T_TMP/mnt.out" 2>&1 &&
		umount "$T_TMP/mnt"
	expect_match "ntfs-3g sees an unclean log" 'unsafe state|unclean' "$(cat "$T_TMP/mnt.out")"
else
	echo "SKIP: the ntfs-3g witness of the unclean log needs root and /dev/fuse"
fi

h0=$(hash_of "$T_TMP/v.img")
for cmd in scan hardlinks reparse; do
	nl_json "$cmd" "$T_TMP/clean.img"
	sed "s|$T_TMP/clean.img|IMG|g" "$T_TMP/out" >"$T_TMP/want"
	nl_json "$cmd" "$T_TMP/v.img"
	expect_rc "$cmd on a volume with an unclean \$LogFile" 0
	expect_eq "$cmd prints nothing on stderr" "" "$T_ERR"
	sed "s|$T_TMP/v.img|IMG|g" "$T_TMP/out" >"$T_TMP/got"
	expect_file_eq "$cmd: same results as on the clean volume" "$T_TMP/want" "$T_TMP/got"
done
nl_json hardlinks "$T_TMP/v.img"
expect_eq "the hardlink group is read" "/two/x.txt|/two/y.txt|/z.txt" \
	"$(jfields hardlink_group names <"$T_TMP/out")"
expect_eq "the unclean volume is not changed" "$h0" "$(hash_of "$T_TMP/v.img")"

finish
