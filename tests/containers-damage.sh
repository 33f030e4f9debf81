#!/bin/sh
# containers-damage.sh: a damaged primary boot sector is read from its backup and a damaged $MFTMirr is skipped:
# the volume still opens, gives what the undamaged image gives, and stderr says what was used or skipped.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3

cat >"$T_TMP/d.spec" <<'EOF'
image size=8M
file -p /a/one.txt text=hello
link /a/one.txt /a/two.txt
junction -p /j/to-a \??\C:\a
EOF
mkdir "$T_TMP/good" "$T_TMP/boot" "$T_TMP/mirr" "$T_TMP/both" "$T_TMP/none"
build_fixture "$T_TMP/d.spec" "$T_TMP/good/v.img"
for d in boot mirr both none; do cp "$T_TMP/good/v.img" "$T_TMP/$d/v.img"; done

# damage IMAGE WHAT: 'boot' overwrites the OEM id of the primary boot sector, 'backup' that of the
# backup (last sector), 'mirr' the first record of $MFTMirr
damage() {
	python3 - "$1" "$2" <<'EOF2'
import struct, sys
path, what = sys.argv[1], sys.argv[2]
with open(path, "r+b") as f:
    bs = f.read(512)
    cs = struct.unpack_from("<H", bs, 11)[0] * bs[13]
    size = f.seek(0, 2)
    at = {"boot": 3, "backup": size - 512 + 3, "mirr": struct.unpack_from("<Q", bs, 0x38)[0] * cs}[what]
    f.seek(at)
    f.write(b"XXXXXXXX")
EOF2
}
damage "$T_TMP/boot/v.img" boot
damage "$T_TMP/mirr/v.img" mirr
damage "$T_TMP/both/v.img" boot
damage "$T_TMP/both/v.img" mirr
damage "$T_TMP/none/v.img" boot
damage "$T_TMP/none/v.img" backup

cd "$T_TMP/good" && "$NTFSLINKS" scan --json v.img >"$T_TMP/want" 2>"$T_TMP/want.err"
expect_eq "undamaged: nothing on stderr" "" "$(cat "$T_TMP/want.err")"
backup_msg="primary boot sector damaged (bad oem id); the backup boot sector at byte 8388096 was used"
mirr_msg="\$MFTMirr damaged (a record of it is unreadable); it was skipped"
for d in boot mirr both; do
	case $d in
	boot) msg=$backup_msg ;;
	mirr) msg=$mirr_msg ;;
	both) msg="$backup_msg; $mirr_msg" ;;
	esac
	cd "$T_TMP/$d" || exit 99
	h=$(hash_of v.img)
	run_nl scan --json v.img
	expect_rc "$d damaged: scan exit status" 0
	expect_eq "$d damaged: the warning" "ntfslinks: 'v.img': $msg" "$T_ERR"
	expect_file_eq "$d damaged: the same scan as the undamaged image" "$T_TMP/want" "$T_TMP/out"
	nl_json siblings v.img /a/one.txt
	expect_eq "$d damaged: siblings" "/a/one.txt
/a/two.txt" "$(jfields name path <"$T_TMP/out")"
	ro_check "$d damaged" v.img "$h"
done

# both boot sectors damaged: not an NTFS volume any more
cd "$T_TMP/none" || exit 99
run_nl scan v.img
expect_rc "both boot sectors damaged: exit status" 2
expect_eq "both boot sectors damaged: message" \
	"ntfslinks: 'v.img': not an ntfs volume (bad oem id), no partition table, not a raw \$MFT" "$T_ERR"

# a damaged boot sector in a partition: its backup at the end of the partition
# shellcheck disable=SC1091 # mkdisk
. "$TESTS_SRCDIR/audit-disk.sh"
mkdisk "$T_TMP/disk.img" mbr "07:2048:16384:$T_TMP/boot/v.img"
run_nl hardlinks --json "$T_TMP/disk.img@1"
expect_rc "damaged boot sector in a partition: exit status" 0
expect_eq "damaged boot sector in a partition: the warning" \
	"ntfslinks: '$T_TMP/disk.img@1': primary boot sector damaged (bad oem id); the backup boot sector at byte 9436672 was used" "$T_ERR"
expect_eq "damaged boot sector in a partition: the group" "/a/one.txt|/a/two.txt" \
	"$(jfields hardlink_group names <"$T_TMP/out")"

finish
