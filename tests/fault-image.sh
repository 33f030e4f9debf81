#!/bin/sh
# fault-image.sh: a copy into an image whose device fails from its Nth write on (ENOSPC, EIO), for every N: 'ntfsfix -n' accepts the image and 'ntfslinks scan' reads it, except at a write of $MFTMirr that follows the write of $MFT's first records (the two lie apart; no order keeps them equal there), where ntfsfix names the mirror exactly; a folder the copy made is either complete or holds .ntfslinks-partial; the same command run again frees the records the failed run left in use with no name pointing at them, removes what was left and completes the copy ('ntfslinks diff' finds the copy equal to its source, ntfsfix -n accepts the image, nothing else is left in it: the root holds one name and as many records are in use as after a copy without a fault); the source is unchanged.
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
writes=$(sed -n 's/^result 0 writes \([0-9]*\) mirror [0-9,]*$/\1/p' "$T_TMP/out")
mirror=$(sed -n 's/^result 0 writes [0-9]* mirror \([0-9,]*\)$/\1/p' "$T_TMP/out")
[ -n "$writes" ] || { echo "FAIL: the copy without a fault failed"; exit 99; }
# the copy makes $MFT grow (record 0 changes): the mirror is written
expect_match "no fault: \$MFTMirr is written" "^[1-9]" "$mirror"
run_nl diff "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst"
expect_rc "no fault: the copy is complete" 0
expect_eq "no fault: the image holds the copy and nothing else" "dst/" \
	"$("$NTFSLINKS" ls "$T_TMP/d.img:/" 2>&1)"
# records in use: the empty image's and one per file or folder copied (a link is a name)
inuse() { "$NTFSLINKS" scan "$1" 2>/dev/null | sed -n 's/^In use: *//p'; }
used0=$(inuse "$T_TMP/empty.img")
expect_eq "no fault: the records in use are the empty image's and the copy's five (dst, sub, a.txt, big.bin, b.txt)" \
	"$((used0 + 5))" "$(inuse "$T_TMP/d.img")"

# EIO at every write; ENOSPC (the same device state, the other error) at
# the first and last write, the mirror's and every other one between
for err in ENOSPC EIO; do
	n=0
	while [ "$n" -lt "$writes" ]; do
		n=$((n + 1))
		if [ "$err" = ENOSPC ] && [ $((n % 2)) = 0 ] && [ "$n" != "$writes" ]; then
			case ",$mirror," in *",$n,"*) ;; *) continue ;; esac
		fi
		cp "$T_TMP/empty.img" "$T_TMP/d.img"
		"$FAULTCOPY" "$n" "$err" "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" >/dev/null 2>&1
		expect_eq "$err at write $n: the copy fails" 1 "$?"
		ntfsfix -n "$T_TMP/d.img" >"$T_TMP/fix" 2>&1
		rc=$?
		case ",$mirror," in
		*",$n,"*)
			expect_eq "$err at write $n (\$MFTMirr): ntfsfix -n refuses" "1" "$rc"
			expect_eq "$err at write $n: ntfsfix names the mirror" \
				"Mounting volume... \$MFTMirr does not match \$MFT (record 0)." \
				"$(sed -n 1p "$T_TMP/fix")"
			;;
		*)
			expect_eq "$err at write $n: ntfsfix -n accepts the image" "0" "$rc"
			"$NTFSLINKS" scan "$T_TMP/d.img" >/dev/null 2>"$T_TMP/err"
			expect_eq "$err at write $n: scan reads the image" "0" "$?"
			top=$("$NTFSLINKS" ls "$T_TMP/d.img:/" 2>&1)
			case $top in
			"") ;;
			dst/)
				if ! "$NTFSLINKS" diff "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" \
					>/dev/null 2>&1; then
					expect_match "$err at write $n: an unfinished /dst is marked" \
						'^\.ntfslinks-partial$' \
						"$("$NTFSLINKS" ls "$T_TMP/d.img:/dst" 2>&1 | grep partial)"
				fi ;;
			*) fail "$err at write $n: the root holds '$top'" ;;
			esac
			;;
		esac
		# the same command again completes the copy (unless only the removal of the mark
		# failed: the copy is then finished, and run again it would go inside it, as cp does)
		if [ "$err" = EIO ] && ! "$NTFSLINKS" diff "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" \
			>/dev/null 2>&1; then
			"$FAULTCOPY" 0 EIO "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" >/dev/null 2>&1
			expect_eq "$err at write $n: run again, the copy completes" "0" "$?"
			ntfsfix -n "$T_TMP/d.img" >"$T_TMP/fix" 2>&1
			expect_eq "$err at write $n: run again, ntfsfix -n accepts the image" "0" "$?"
			run_nl diff "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst"
			expect_rc "$err at write $n: run again, the copy equals its source" 0
			# 'ls' reads names from records: a record left in use whose entry never
			# reached the image would show as a second dst/
			expect_eq "$err at write $n: run again, the image holds the copy and nothing else" \
				"dst/" "$("$NTFSLINKS" ls "$T_TMP/d.img:/" 2>&1)"
			expect_eq "$err at write $n: run again, no record is left in use without a name" \
				"$((used0 + 5))" "$(inuse "$T_TMP/d.img")"
		fi
	done
done
expect_eq "faults: the source is unchanged" "$hs" "$(hash_of "$T_TMP/small.img")"

finish
