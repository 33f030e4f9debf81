#!/bin/sh
# fault-image.sh: a copy into an image whose device fails from its Nth write on (ENOSPC, EIO), for every N: 'ntfsfix -n' accepts the image and 'ntfslinks scan' reads it (as it was before the copy while $MFT's first records are not written), except at the write of $MFTMirr that follows the write of $MFT's first records (the two lie apart; no order keeps them equal there), where ntfsfix names the mirror exactly and the next write command brings the mirror in line; the source is unchanged.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

FAULTCOPY=${FAULTCOPY:-$(dirname "$NTFSLINKS")/../../tests/faultcopy}
[ -x "$FAULTCOPY" ] || skip "tests/faultcopy is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
PATH="$PATH:/sbin:/usr/sbin"
need_cmd ntfsfix

cat >"$T_TMP/small.spec" <<'EOS'
image size=16M
default-time 2016-01-02T03:04:05Z
dir /src
dir /src/sub
file /src/a.txt text="a\n"
file /src/big.bin size=300000 pattern=0123456789
link /src/a.txt /src/a2.txt
file /src/sub/b.txt text="b\n"
EOS
build_fixture "$T_TMP/small.spec" "$T_TMP/small.img"
hs=$(hash_of "$T_TMP/small.img")
printf 'image size=16M\n' >"$T_TMP/e.spec"
build_fixture "$T_TMP/e.spec" "$T_TMP/empty.img"
cp "$T_TMP/empty.img" "$T_TMP/d.img"
"$FAULTCOPY" 0 EIO "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" >"$T_TMP/out" 2>/dev/null
writes=$(sed -n 's/^result 0 writes \([0-9]*\) mirror [0-9]*$/\1/p' "$T_TMP/out")
mirror=$(sed -n 's/^result 0 writes [0-9]* mirror \([0-9]*\)$/\1/p' "$T_TMP/out")
[ -n "$writes" ] || { echo "FAIL: the copy without a fault failed"; exit 99; }
# the copy makes $MFT grow (record 0 changes): the mirror is written, after the new records and
# before the indexes that name them
expect_match "no fault: \$MFTMirr is written before the last write" "^[1-9]" "$mirror"
[ "$mirror" -lt "$writes" ] || fail "no fault: \$MFTMirr is written before the last write"
run_nl diff "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst"
expect_rc "no fault: the copy is complete" 0

# the image as the copy found it and as it leaves it
"$NTFSLINKS" scan "$T_TMP/empty.img" >"$T_TMP/scan-before"
"$NTFSLINKS" scan "$T_TMP/d.img" >"$T_TMP/scan-after"

for err in ENOSPC EIO; do
	n=1
	while [ "$n" -le "$writes" ]; do
		cp "$T_TMP/empty.img" "$T_TMP/d.img"
		"$FAULTCOPY" "$n" "$err" "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" >/dev/null 2>&1
		ntfsfix -n "$T_TMP/d.img" >"$T_TMP/fix" 2>&1
		rc=$?
		if [ "$n" -ne "$mirror" ]; then
			expect_eq "$err at write $n: ntfsfix -n accepts the image" "0" "$rc"
			"$NTFSLINKS" scan "$T_TMP/d.img" >"$T_TMP/scan" 2>"$T_TMP/err"
			expect_eq "$err at write $n: scan reads the image" "0" "$?"
		fi
		if [ "$n" -lt "$mirror" ]; then
			# nothing that $MFT's first records on the image name was reached
			expect_eq "$err at write $n: the scan is the one of the image before" \
				"$(sed 1d "$T_TMP/scan-before")" "$(sed 1d "$T_TMP/scan")"
			run_nl diff "$T_TMP/empty.img:/" "$T_TMP/d.img:/"
			expect_rc "$err at write $n: the tree is the one before" 0
		elif [ "$n" -gt "$mirror" ]; then
			# the new records are in $MFT; the indexes that name them are partly written
			expect_eq "$err at write $n: the image holds more records than before" \
				"$(sed -n 's/^MFT records: *//p' "$T_TMP/scan-after")" \
				"$(sed -n 's/^MFT records: *//p' "$T_TMP/scan")"
		else
			expect_eq "$err at write $n (\$MFTMirr): ntfsfix -n refuses" "1" "$rc"
			expect_eq "$err at write $n: ntfsfix names the mirror" \
				"Mounting volume... \$MFTMirr does not match \$MFT (record 0)." \
				"$(sed -n 1p "$T_TMP/fix")"
			# the next write command copies $MFT's first records over the mirror
			"$FAULTCOPY" 0 EIO "$T_TMP/small.img:/src/sub" "$T_TMP/d.img:/sub" >/dev/null 2>&1
			expect_eq "$err at write $n: a later copy completes" "0" "$?"
			ntfsfix -n "$T_TMP/d.img" >"$T_TMP/fix" 2>&1
			expect_eq "$err at write $n: then ntfsfix -n accepts the image" "0" "$?"
			run_nl diff "$T_TMP/small.img:/src/sub" "$T_TMP/d.img:/sub"
			expect_rc "$err at write $n: the later copy is complete" 0
		fi
		n=$((n + 1))
	done
done
expect_eq "faults: the source is unchanged" "$hs" "$(hash_of "$T_TMP/small.img")"

finish
