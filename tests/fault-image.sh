#!/bin/sh
# fault-image.sh: after a copy into an image whose device fails from its Nth write on (ENOSPC, EIO), 'ntfsfix -n' accepts the image and 'ntfslinks scan' reads it. Expected to fail (XFAIL_TESTS): the writer flushes its cache at unmount without an order that keeps $MFT and $MFTMirr equal at every point, so a device that dies in the middle leaves '$MFTMirr does not match $MFT'.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

FAULTCOPY=${FAULTCOPY:-$(dirname "$NTFSLINKS")/../../tests/faultcopy}
[ -x "$FAULTCOPY" ] || skip "tests/faultcopy is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
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
printf 'image size=16M\n' >"$T_TMP/e.spec"
build_fixture "$T_TMP/e.spec" "$T_TMP/empty.img"
cp "$T_TMP/empty.img" "$T_TMP/d.img"
writes=$("$FAULTCOPY" 0 EIO "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" 2>/dev/null |
	sed -n 's/^result 0 writes \([0-9]*\)$/\1/p')
[ -n "$writes" ] || { echo "FAIL: the copy without a fault failed"; exit 99; }
for err in ENOSPC EIO; do
	n=1
	while [ "$n" -le "$writes" ]; do
		cp "$T_TMP/empty.img" "$T_TMP/d.img"
		"$FAULTCOPY" "$n" "$err" "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" >/dev/null 2>&1
		PATH="$PATH:/sbin:/usr/sbin" ntfsfix -n "$T_TMP/d.img" >"$T_TMP/fix" 2>&1
		expect_eq "$err at write $n: ntfsfix -n accepts the image" "0" "$?"
		run_nl scan "$T_TMP/d.img"
		expect_rc "$err at write $n: scan reads the image" 0
		n=$((n + 1))
	done
done

finish
