#!/bin/sh
# audit-truncated.sh: images shorter than their volume. The audit commands read what is there and name
# the shortfall (exit 0 while all of $MFT is in the image, 1 when records of it are lost); copy and
# the edit commands refuse such an image, as source or destination, naming it; nothing is changed.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 ntfsinfo

mkdir "$T_TMP/src" && printf 'new\n' >"$T_TMP/src/new.txt"

# refuse_writes IMAGE WANT: copy into IMAGE (and its dry run) and ln inside it are refused with
# "cannot open ... for writing: WANT", exit 2, IMAGE unchanged.
refuse_writes() {
	h=$(hash_of "$1")
	run_nl copy "$T_TMP/src" "$1:/x"
	expect_rc "copy into $1: refused" 2
	expect_eq "copy into $1: the message" \
		"ntfslinks: '$1:/x': cannot open the image for writing: $2" "$T_ERR"
	run_nl copy --dry-run "$T_TMP/src" "$1:/x"
	expect_rc "copy --dry-run into $1: refused as the copy is" 2
	expect_eq "copy --dry-run into $1: the message" \
		"ntfslinks: '$1:/x': cannot open the image for writing: $2" "$T_ERR"
	run_nl ln "$1:/a/one.txt" "$1:/a/more.txt"
	expect_rc "ln inside $1: refused" 2
	expect_eq "ln inside $1: the message" "ntfslinks: '$1': cannot open for writing: $2" "$T_ERR"
	ro_check "writes refused: $1" "$1" "$h"
}

# --- an image cut after its $MFT and $MFTMirr: read, with a warning that names the shortfall -----
cat >"$T_TMP/t.spec" <<'EOF2'
image size=64M
file -p /a/one.txt text=hello
link /a/one.txt /a/two.txt
EOF2
mkdir "$T_TMP/whole" "$T_TMP/t40" "$T_TMP/t24"
build_fixture "$T_TMP/t.spec" "$T_TMP/whole/t.img"
head -c 40M "$T_TMP/whole/t.img" >"$T_TMP/t40/t.img"
t40=$T_TMP/t40/t.img
h2=$(hash_of "$t40")
for cmd in scan hardlinks reparse; do
	nl_json $cmd "$t40"
	expect_rc "$cmd on an image cut after its \$MFT: exit status" 0
	expect_eq "$cmd on an image cut after its \$MFT: warning" \
		"ntfslinks: '$t40': image is truncated: 41943040 of 67108864 bytes" "$T_ERR"
done
nl_json hardlinks "$t40"
expect_eq "an image cut after its \$MFT: the groups" "/a/one.txt|/a/two.txt" "$(jfields hardlink_group names <"$T_TMP/out")"
nl_json hardlinks "$T_TMP/whole/t.img"
expect_eq "the whole image: no warning" "" "$T_ERR"
run_nl copy "$t40:/a" "$T_TMP/copied"
expect_rc "copy from an image cut after its \$MFT: refused" 2
expect_eq "copy from an image cut after its \$MFT: message" \
	"ntfslinks: '$t40:/a': image is truncated: 41943040 of 67108864 bytes" "$T_ERR"
expect_eq "copy from an image cut after its \$MFT: nothing written" "" "$(ls "$T_TMP/copied" 2>/dev/null)"
ro_check "image cut after its \$MFT" "$t40" "$h2"
refuse_writes "$t40" "image is truncated: 41943040 of 67108864 bytes"

# --- cut before $MFTMirr (the middle of the volume): $MFT's first records stand in for it --------
head -c 24M "$T_TMP/whole/t.img" >"$T_TMP/t24/t.img"
h3=$(hash_of "$T_TMP/t24/t.img")
cd "$T_TMP/whole" && "$NTFSLINKS" scan --json t.img >"$T_TMP/want" 2>/dev/null
cd "$T_TMP/t24" || exit 99
run_nl scan --json t.img
expect_rc "cut before \$MFTMirr: exit status" 0
expect_eq "cut before \$MFTMirr: the warnings" \
	"ntfslinks: 't.img': \$MFTMirr record 0 lies past the end of the image; the mirror is ignored
ntfslinks: 't.img': image is truncated: 25165824 of 67108864 bytes" "$T_ERR"
expect_file_eq "cut before \$MFTMirr: the scan of the whole image" "$T_TMP/want" "$T_TMP/out"
ro_check "cut before \$MFTMirr" t.img "$h3"
refuse_writes t.img "image is truncated: 25165824 of 67108864 bytes"

# --- cut inside $MFT: the records past the end are named, the others read, exit 1 ----------------
# 1200 files outgrow $MFT's zone: its later runs lie after $UpCase and the folder's index, so a cut
# at the start of its third run keeps everything mounting needs and loses the records from there on.
mkdir "$T_TMP/frag" "$T_TMP/fcut"
printf 'image size=8M\nfile -p /d/f{0001..1200}.txt\n' >"$T_TMP/f.spec"
build_fixture "$T_TMP/f.spec" "$T_TMP/frag/f.img"
# from libntfs-3g's view of the whole image: the cut, the records lost, how many of them are in use
PATH="$PATH:/usr/sbin:/sbin" ntfsinfo -i 0 -v "$T_TMP/frag/f.img" >"$T_TMP/mft0" 2>/dev/null
# shellcheck disable=SC2046 # CUT FIRST LAST LOST WHOLE
set -- $(python3 - "$T_TMP/frag/f.img" "$T_TMP/mft0" <<'EOF2'
import re, struct, sys
img, info = sys.argv[1], open(sys.argv[2]).read()
data = info[info.index("Dumping attribute $DATA"):]
size = int(re.search(r"Data size:\s+(\d+)", data).group(1))
runs = [tuple(int(x, 16) for x in m.groups())
        for m in re.finditer(r"^\t+(0x[0-9a-f]+)\t+(0x[0-9a-f]+)\t+(0x[0-9a-f]+)$",
                             data.split("Dumping attribute", 2)[1], re.M)]
f = open(img, "rb")
bs = f.read(512)
cs = struct.unpack_from("<H", bs, 11)[0] * bs[13]
assert len(runs) >= 3 and all(runs[i][1] < runs[i + 1][1] for i in range(len(runs) - 1))
cut = runs[2][1] * cs
first, count = runs[2][0] * cs // 1024, size // 1024
in_use = 0
for vcn, lcn, n in runs[2:]:
    for r in range(vcn * cs // 1024, min((vcn + n) * cs // 1024, count)):
        f.seek(lcn * cs + (r * 1024 - vcn * cs))
        rec = f.read(1024)
        in_use += rec[:4] == b"FILE" and rec[0x16] & 1
print(cut, first, count - 1, in_use, f.seek(0, 2))
EOF2
)
cut=$1 first=$2 last=$3 lost=$4 whole=$5
head -c "$cut" "$T_TMP/frag/f.img" >"$T_TMP/fcut/f.img"
h4=$(hash_of "$T_TMP/fcut/f.img")
cd "$T_TMP/frag" && "$NTFSLINKS" scan --json f.img >"$T_TMP/want" 2>/dev/null
cd "$T_TMP/fcut" || exit 99
run_nl scan --json f.img
expect_rc "cut inside \$MFT: exit status" 1
expect_eq "cut inside \$MFT: the warnings and the records not read" \
	"ntfslinks: 'f.img': \$MFTMirr record 0 lies past the end of the image; the mirror is ignored
ntfslinks: 'f.img': image is truncated: $cut of $whole bytes; records of \$MFT past the end are not read
ntfslinks: 'f.img': record $first: cannot read records $first-$last: input/output error (the image is truncated: $cut of $whole bytes)" "$T_ERR"
want_in_use=$(($(jfields summary in_use <"$T_TMP/want") - lost))
want_files=$(($(jfields summary files_and_directories <"$T_TMP/want") - lost))
expect_eq "cut inside \$MFT: records in use read" "$want_in_use" "$(jfields summary in_use <"$T_TMP/out")"
expect_eq "cut inside \$MFT: files read" "$want_files" "$(jfields summary files_and_directories <"$T_TMP/out")"
expect_eq "cut inside \$MFT: all records counted" "$(jfields summary mft_records <"$T_TMP/want")" "$(jfields summary mft_records <"$T_TMP/out")"
expect_eq "cut inside \$MFT: one problem" 1 "$(jfields summary problems <"$T_TMP/out")"
T_CHECKS=$((T_CHECKS + 1))
[ "$lost" -gt 100 ] || fail "cut inside \$MFT: only $lost records in use lost, the cut is not inside the files"
run_nl copy "f.img:/d" "$T_TMP/copied2"
expect_rc "copy from an image cut inside \$MFT: refused" 2
expect_eq "copy from an image cut inside \$MFT: message" \
	"ntfslinks: 'f.img:/d': image is truncated: $cut of $whole bytes" "$T_ERR"
ro_check "cut inside \$MFT" f.img "$h4"
h4=$(hash_of f.img)
run_nl copy "$T_TMP/src" "f.img:/x"
expect_rc "copy into an image cut inside \$MFT: refused" 2
expect_eq "copy into an image cut inside \$MFT: the message" \
	"ntfslinks: 'f.img:/x': cannot open the image for writing: image is truncated: $cut of $whole bytes" "$T_ERR"
ro_check "copy into an image cut inside \$MFT" f.img "$h4"

# --- cut before the data libntfs-3g reads to mount ($UpCase): not opened, the shortfall named -----
head -c 40000 "$T_TMP/whole/t.img" >"$T_TMP/cut.img"
h1=$(hash_of "$T_TMP/cut.img")
for cmd in scan hardlinks reparse; do
	run_nl $cmd "$T_TMP/cut.img"
	expect_rc "$cmd on an image cut before \$UpCase: exit status" 2
	expect_eq "$cmd on an image cut before \$UpCase: message" \
		"ntfslinks: '$T_TMP/cut.img': cannot open the ntfs volume at offset 0: input/output error (the image is truncated: 40000 of 67108864 bytes)" "$T_ERR"
	expect_eq "$cmd on an image cut before \$UpCase: nothing on stdout" "" "$T_OUT"
done
run_nl siblings "$T_TMP/cut.img" /a/one.txt
expect_rc "siblings on an image cut before \$UpCase" 2
ro_check "image cut before \$UpCase" "$T_TMP/cut.img" "$h1"

finish
