#!/bin/sh
# copy-links-agree.sh: 'copy' and 'reparse' class the links of one image alike (one resolver): the drive letter inferred from links that say D:, a link classed by the path it resolves through, loops through several links.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

COPYDUMP=${COPYDUMP:-$(dirname "$NTFSLINKS")/../../tests/copydump}
[ -x "$COPYDUMP" ] || skip "tests/copydump is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
dump() { "$COPYDUMP" "$@" 2>&1; }

# The volume was drive D: its absolute links say D:\..., and three of the
# four drive-letter targets exist with that letter (j-c's does too, with C:).
# /outside/o.txt has a second name under /src, but s-out.txt names it by its
# path outside /src.
cat >"$T_TMP/agree.spec" <<'EOF'
image size=16M label=AGREE
dir /src
dir /src/sub
file /src/sub/f.txt text="f\n"
dir /outside
file /outside/o.txt text="o\n"
link /outside/o.txt /src/o-name.txt
junction /src/j-d "\??\D:\src\sub"
symlink /src/s-d.txt "\??\D:\src\sub\f.txt"
symlink /src/s-out.txt "\??\D:\outside\o.txt"
symlink /src/s-rel.txt "sub\f.txt" relative
junction /src/j-c "\??\C:\src\sub"
EOF
build_fixture "$T_TMP/agree.spec" "$T_TMP/a.img"
printf 'image size=16M\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/out.img"
h=$(hash_of "$T_TMP/a.img")

# ---- reparse: D: inferred; the D: links inner, the C: one on another volume,
#      s-out.txt outer (its path leaves /src)
run_nl reparse --under /src "$T_TMP/a.img"
expect_rc "reparse: exit status" 0
printf '%s\n' "$T_OUT" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
Reparse points:   5
Under:            /src
Drive:            D:
Drive assumption: D: inferred: 3 of 4 drive-letter targets resolve on this volume with it
Inner:            3
Outer:            1
Other volume:     1
Dangling:         0
Loop:             0
Unknown:          0
Not links:        0
Unreadable:       0

MFT  TYPE      CLASS         PATH            TARGET          REASON
 73  junction  other-volume  /src/j-c        C:/src/sub      -
 69  junction  inner         /src/j-d        /src/sub        -
 70  symlink   inner         /src/s-d.txt    /src/sub/f.txt  -
 71  symlink   outer         /src/s-out.txt  /outside/o.txt  -
 72  symlink   inner         /src/s-rel.txt  /src/sub/f.txt  -
EOF
expect_file_eq "reparse: classes under /src" "$T_TMP/want" "$T_TMP/got"

# ---- copy: the same classes: the D: links recreated inside the copy (with
#      D:), s-out.txt cropped as outer, j-c cropped as on another volume; the
#      drive assumption said as 'reparse' says it
run_nl copy "$T_TMP/a.img:/src" "$T_TMP/out.img:/dst"
expect_rc "copy: exit status" 0
printf '%s\n' "$T_OUT" | sed "s|$T_TMP/||g" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
cropped    junction a.img:/src/j-c [C:\src\sub] (target on another volume)
cropped    symlink  a.img:/src/s-out.txt [D:\outside\o.txt] (target outside the copied set)
drive      a.img:/src (D: inferred: 3 of 4 drive-letter targets resolve on this volume with it)
2 files copied (4 bytes), 0 hardlinked, 2 folders, 1 junction, 2 symlinks; cropped 2, spliced 0, unrolled 0, dangling 0, loops 0, excluded 0, warnings 0, errors 0
EOF
expect_file_eq "copy: the same classes as reparse" "$T_TMP/want" "$T_TMP/got"
dump "$T_TMP/out.img" /dst >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
j-d rdir junction \??\D:\dst\sub print=D:\dst\sub
o-name.txt file data=2:9bcdf300c677f5ca
s-d.txt rfile data=0:14650fb0739d0383 symlink \??\D:\dst\sub\f.txt print=D:\dst\sub\f.txt flags=0
s-rel.txt rfile data=0:14650fb0739d0383 symlink sub\f.txt print=sub\f.txt flags=1
sub dir
sub/f.txt file data=2:9bb61500c6639daf
EOF
expect_file_eq "copy: inner D: links point into the copy, with D:" "$T_TMP/want" "$T_TMP/got"

# ---- --drive C: says otherwise: both commands then call the D: links other-volume
run_nl reparse --under /src --drive C: --class other-volume "$T_TMP/a.img"
expect_eq "reparse --drive C: the D: links are on another volume" \
	"/src/j-d /src/s-d.txt /src/s-out.txt" \
	"$(printf '%s\n' "$T_OUT" | awk '$1 ~ /^[0-9]+$/ { print $4 }' | tr '\n' ' ' | sed 's/ $//')"
printf 'image size=16M\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/out2.img"
run_nl copy --drive C: --dry-run "$T_TMP/a.img:/src" "$T_TMP/out2.img:/dst"
expect_rc "copy --drive C: exit status" 0
expect_eq "copy --drive C: the D: links cropped as on another volume" \
	"a.img:/src/j-d a.img:/src/s-d.txt a.img:/src/s-out.txt" \
	"$(printf '%s\n' "$T_OUT" | sed "s|$T_TMP/||g" | grep 'target on another volume' | awk '{ print $3 }' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "source never written" "$h" "$(hash_of "$T_TMP/a.img")"

# ---- loops through several links: /src/ca/to-cb points at /cb, which holds
#      /cb/to-ca, which points back at /src/ca: both loop; /src/into-cycle
#      only leads into that loop: it keeps its class and says so
cat >"$T_TMP/cycle.spec" <<'EOF'
image size=16M label=CYCLE
dir -p /src/ca
dir /cb
file /src/f.txt text="f\n"
junction /src/ca/to-cb "\??\C:\cb"
junction /cb/to-ca "\??\C:\src\ca"
junction /src/into-cycle "\??\C:\cb"
EOF
build_fixture "$T_TMP/cycle.spec" "$T_TMP/c.img"
run_nl reparse --json "$T_TMP/c.img"
expect_rc "reparse: loops through several links" 0
printf '%s\n' "$T_OUT" >"$T_TMP/out"
. "$TESTS_SRCDIR/audit-lib.sh"
expect_eq "reparse: both links of the cycle loop, the one leading into it reaches a loop" \
"/cb/to-ca	loop	links under its target lead back to it	false
/src/ca/to-cb	loop	links under its target lead back to it	false
/src/into-cycle	inner	-	true" \
	"$(jfields reparse path class reason reaches_loop <"$T_TMP/out")"
build_fixture "$T_TMP/empty.spec" "$T_TMP/out3.img"
run_nl copy --unroll "$T_TMP/c.img:/src" "$T_TMP/out3.img:/dst"
expect_rc "copy --unroll: exit status" 0
printf '%s\n' "$T_OUT" | sed "s|$T_TMP/||g" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
loop       junction c.img:/src/ca/to-cb [C:\cb] (links under its target lead back to it)
unrolled   folder   c.img:/src/into-cycle -> out3.img:/dst/into-cycle [C:\cb]
drive      c.img:/src (C: inferred: 3 of 3 drive-letter targets resolve on this volume with it)
1 file copied (2 bytes), 0 hardlinked, 2 folders, 1 junction, 0 symlinks; cropped 0, spliced 0, unrolled 1, dangling 0, loops 1, excluded 0, warnings 0, errors 0
EOF
expect_file_eq "copy --unroll: the cycle is a loop, not unrolled; what only leads into it is" \
	"$T_TMP/want" "$T_TMP/got"
dump "$T_TMP/out3.img" /dst >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
ca dir
f.txt file data=2:9bb61500c6639daf
into-cycle dir
into-cycle/to-ca rdir junction \??\C:\dst\ca print=C:\dst\ca
EOF
expect_file_eq "copy --unroll: destination" "$T_TMP/want" "$T_TMP/got"

finish
