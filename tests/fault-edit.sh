#!/bin/sh
# fault-edit.sh: every edit command (ln of several files, rm, rm -r, move with links to retarget, junction, symlink, mountpoint, retarget --map) run with a write fault at its writes in turn (tests/faultedit; the first and last of the room check and of the commit, every other one between): a full file system (ENOSPC) leaves the image byte for byte as it was or, once the commit has its space, exactly as after; a write that fails once (EIO) leaves it as it was; a device that dies (EIO from then on) leaves it as it was or says that it may hold part of the change, ntfsfix -n accepting what is left but at the mirror's write; a change that fails midway inside libntfs-3g (more than the writer may hold) writes nothing.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/edit-lib.sh"

FAULTEDIT=${FAULTEDIT:-$(dirname "$NTFSLINKS")/../../tests/faultedit}
[ -x "$FAULTEDIT" ] || skip "tests/faultedit is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
need_cmd ntfsfix python3

G=4f1e5a2c-9d3b-11e0-a5c1-806e6f6e6963
cat >"$T_TMP/f.spec" <<'EOS'
image size=4M
namespace win32
default-time 2016-01-02T03:04:05Z
dir /a
file /a/f.txt text="f\n"
file /a/g.txt text="g\n"
dir /b
dir /tree
dir /tree/sub
file /tree/x.txt text="x\n"
file /tree/sub/y.bin size=20000 pattern=0123456789
link /a/f.txt /tree/sub/f-link.txt
junction /tree/j "\??\C:\a"
junction /j-into "\??\C:\tree\sub"
symlink /s-rel "tree\x.txt" relative
junction /jd "\??\D:\Data\x"
symlink /sd "\??\D:\Data\y"
file /big/m{1..80}.txt -p text="m\n"
EOS
build_fixture "$T_TMP/f.spec" "$T_TMP/base.img"
IMG=$T_TMP/w.img

# fsck_clean IMAGE: ntfsfix -n accepts it (0) or not (1)
fsck_clean() { PATH="$PATH:/sbin:/usr/sbin" ntfsfix -n "$1" >/dev/null 2>&1; }

# fe N ERR KIND CAP ARGS...: the command on a fresh copy of the base image
# (IMAGE in ARGS stands for it); sets RC, WRITES and ERRTEXT.
# (in the shell alone: it runs a few hundred times)
fe() {
	local n=$1 err=$2 kind=$3 cap=$4 a line
	shift 4
	cp "$T_TMP/base.img" "$IMG"
	for a; do
		shift
		case $a in IMAGE*) a=$IMG${a#IMAGE} ;; esac
		set -- "$@" "$a"
	done
	"$FAULTEDIT" "$n" "$err" "$kind" "$cap" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	WRITES= ERRTEXT=
	while IFS= read -r line; do
		case $line in
		"faultedit: status "*" writes "*) WRITES=${line##* } ;;
		"faultedit: "*) ;;
		*) ERRTEXT=$line ;;
		esac
	done <"$T_TMP/err"
}

# base: the image is byte for byte the base image ("same") or not
base() { cmp -s "$T_TMP/base.img" "$IMG" && echo same || echo differs; }
scan "$T_TMP/base.img" "$T_TMP/s-before"

# case_ NAME ARGS...: the command without a fault (it changes the image, the
# scan after is kept), then its writes failing in turn: of its W writes, W/2
# check the commit's room (the blocks rewritten as they are), W/2 write it.
# The first and last write of each half fail, and every other write between
# them: the even ones for one command, the odd ones for the next (the
# commands that make a link write alike).
CASE=0
case_() {
	local name=$1 w n half before after mirr tried_before tried_after
	shift
	fe 0 EIO sticky 0 "$@"
	expect_eq "$name: without a fault the command succeeds" 0 "$RC"
	w=$WRITES half=$((WRITES / 2))
	scan "$IMG" "$T_TMP/s-after"
	expect_eq "$name: it changes the scan" 1 \
		"$(cmp -s "$T_TMP/s-before" "$T_TMP/s-after" && echo 0 || echo 1)"
	expect_eq "$name: ntfsfix -n accepts the result" 0 "$(fsck_clean "$IMG"; echo $?)"
	before=0 after=0 mirr=0 n=0 tried_before=0 tried_after=0
	CASE=$((CASE + 1))
	while [ "$n" -lt "$w" ]; do
		n=$((n + 1))
		case $n in
		1 | "$half" | $((half + 1)) | "$w") ;;
		*) [ $(((n + CASE) % 2)) = 0 ] || continue ;;
		esac
		if [ "$n" -le "$half" ]; then
			tried_before=$((tried_before + 1))
		else
			tried_after=$((tried_after + 1))
		fi
		# ENOSPC as a full file system under a sparse image: before or after
		fe "$n" ENOSPC full 0 "$@"
		if [ "$RC" = 1 ]; then
			expect_eq "$name: ENOSPC at write $n of $w: the image as it was, said" \
				"same|ntfslinks: cannot write the changes to the image: no space left on device (nothing was changed)" \
				"$(base)|$ERRTEXT"
			before=$((before + 1))
		else
			scan "$IMG" "$T_TMP/s-x"
			expect_eq "$name: ENOSPC at write $n of $w: exit 0, the image exactly as after" \
				"0 0" "$RC $(cmp -s "$T_TMP/s-after" "$T_TMP/s-x"; echo $?)"
			[ "$n" -lt "$w" ] || expect_eq "$name: ENOSPC at the last write: ntfsfix -n accepts the result" \
				0 "$(fsck_clean "$IMG"; echo $?)"
			after=$((after + 1))
		fi
		# a dead device: as it was while the room is checked, then said
		fe "$n" EIO sticky 0 "$@"
		if [ "$n" -le "$half" ]; then
			expect_eq "$name: a dead device at write $n of $w: the image as it was, said" \
				"1 same|ntfslinks: cannot write the changes to the image: input/output error (nothing was changed)" \
				"$RC $(base)|$ERRTEXT"
		else
			expect_eq "$name: a dead device at write $n of $w: said that it cannot be undone" \
				"1 ntfslinks: cannot write the changes to the image: input/output error (the image may hold part of the changes: check it with ntfsfix -n)" \
				"$RC $ERRTEXT"
			# what is left is what an interrupted write-back leaves: ntfsfix
			# accepts it, but where the device died between $MFT's first
			# records and their mirror
			if ! fsck_clean "$IMG"; then
				mirr=$((mirr + 1))
				expect_match "$name: a dead device at write $n: ntfsfix -n finds the mirror behind" \
					'MFTMirr does not match .MFT' \
					"$(PATH="$PATH:/sbin:/usr/sbin" ntfsfix -n "$IMG" 2>&1)"
			fi
			# a write that fails once: every block put back
			fe "$n" EIO once 0 "$@"
			expect_eq "$name: EIO once at write $n of $w: exit 1, the image as it was" \
				"1 same" "$RC $(base)"
		fi
	done
	expect_eq "$name: ENOSPC: as before while the commit checks its room, after once it has it" \
		"$tried_before $tried_after" "$before $after"
	expect_eq "$name: a dead device: ntfsfix -n rejects what is left at one write at most" \
		yes "$([ "$mirr" -le 1 ] && echo yes)"
}

case_ "ln of two files" ln IMAGE:/a/f.txt IMAGE:/a/g.txt IMAGE:/b/
case_ "rm" rm IMAGE:/a/g.txt
case_ "rm -r" rm -r IMAGE:/tree
case_ "move" move IMAGE:/tree IMAGE:/b/tree2
case_ "junction" junction --drive C: IMAGE:/newj 'C:\a'
case_ "symlink" symlink --drive C: IMAGE:/a/news 'C:\tree\x.txt'
case_ "mountpoint" mountpoint IMAGE:/newm "Volume{$G}\\"
case_ "retarget --map" retarget --map 'D:\Data=E:\Data' --under IMAGE:/

# ---- a change that fails midway inside libntfs-3g: the writer may hold
# 16 blocks of changes, fewer than 80 files removed or linked need
many=$(i=1; while [ "$i" -le 80 ]; do printf 'IMAGE:/big/m%d.txt ' "$i"; i=$((i + 1)); done)
for c in "rm -r|rm -r IMAGE:/big" "ln|ln $many IMAGE:/b/"; do
	name=${c%%|*}
	fe 0 EIO sticky 16 ${c#*|}
	expect_eq "$name of 80 files, more than the writer may hold: exit status" 1 "$RC"
	expect_match "$name of 80 files, more than the writer may hold: said" \
		"more changes than can be held in memory until the end" \
		"$(cat "$T_TMP/err")"
	expect_eq "$name of 80 files, more than the writer may hold: nothing written" "0 same" \
		"$WRITES $(base)"
	fe 0 EIO sticky 0 ${c#*|}
	expect_eq "$name of 80 files, the writer's usual room: exit status" 0 "$RC"
done

finish
