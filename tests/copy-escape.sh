#!/bin/sh
# copy-escape.sh: 'ntfslinks copy' into a plain Linux folder makes no symbolic link that leads out of it under --crop and --unroll; --splice keeps such links as they are and counts them; names Linux cannot hold (a NUL, more than 255 bytes) are refused one by one. The exact tree (with link texts) for each policy, from an image and from a Linux folder.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
need_cmd python3

# tree DIR: every entry below DIR with its type and, for links, the text
tree() { (cd "$1" && find . -mindepth 1 -printf '%P %y %l\n' | LC_ALL=C sort); }

LONG=$(python3 -c 'print("é" * 200)')
cat >"$T_TMP/esc.spec" <<'EOF'
image size=16M
default-time 2016-01-02T03:04:05Z
dir /src
dir /src/d
file /src/f.txt text="f\n"
file /src/a_b text="nul\n"
file /src/{200*é} text="long\n"
dir /other
file /other/o.txt text="o\n"
symlink /src/d/s-up "..\..\..\etc" relative
symlink /src/s-up2 "..\..\etc" relative dir
symlink /src/s-out "..\other\o.txt" relative
symlink /src/s-abs "\??\C:\other" dir
junction /src/j-out "\??\C:\other"
symlink /src/s-in "d" relative dir
symlink /src/d/s-in-up "..\f.txt" relative
symlink /src/s-dang "nothing" relative
symlink /src/s-dangabs "\??\C:\nothing\x"
EOF
build_fixture "$T_TMP/esc.spec" "$T_TMP/esc.img"
# the name a_b becomes "a", NUL, "b" in its record and in the folder's index
python3 - "$T_TMP/esc.img" <<'EOF' || { echo "FAIL: could not put a NUL into a name"; exit 99; }
import sys
data = bytearray(open(sys.argv[1], "rb").read())
old, new = "a_b".encode("utf-16-le"), "a\0b".encode("utf-16-le")
pos, hits = 0, 0
while True:
    pos = data.find(old, pos)
    if pos < 0:
        break
    assert pos % 512 < 512 - len(old) - 2, "the name crosses an update sequence slot"
    data[pos:pos + len(old)] = new
    hits += 1
open(sys.argv[1], "wb").write(data)
sys.exit(0 if hits >= 2 else 1)  # its record, its index entry (and stale copies)
EOF
h=$(hash_of "$T_TMP/esc.img")
IMG="$T_TMP/esc.img:/src"
NUL_MSG="ntfslinks: '$IMG/a␀b': name holds a NUL character (shown as U+2400): not copied"
LONG_MSG="ntfslinks: '$IMG/$LONG': name too long for a linux folder (400 bytes)"

# ---- --crop (the default): outer and dangling-above links are left out
run_nl copy --crop "$IMG" "$T_TMP/crop"
expect_rc "crop: exit status (two names refused)" 1
tree "$T_TMP/crop" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
d d 
d/s-in-up l ../f.txt
f.txt f 
s-dang l nothing
s-in l d
EOF
expect_file_eq "crop: the tree" "$T_TMP/want" "$T_TMP/got"
expect_eq "crop: the refused names" "$NUL_MSG
$LONG_MSG" "$T_ERR"
expect_match "crop: s-up left out" \
	'^dangling   symlink  .*:/src/d/s-up \[\.\.\\\.\.\\\.\.\\etc\] \(target does not exist: left out\)$' "$T_OUT"
expect_match "crop: summary" \
	'errors 2$' "$T_OUT"

# ---- --unroll: outer targets copied; dangling links that climb out left out
run_nl copy --unroll "$IMG" "$T_TMP/unroll"
expect_rc "unroll: exit status" 1
tree "$T_TMP/unroll" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
d d 
d/s-in-up l ../f.txt
f.txt f 
j-out d 
j-out/o.txt f 
s-abs l j-out
s-dang l nothing
s-dangabs l C:\nothing\x
s-in l d
s-out l j-out/o.txt
EOF
expect_file_eq "unroll: the tree" "$T_TMP/want" "$T_TMP/got"
expect_match "unroll: s-up left out, said why" \
	'/src/d/s-up \[.*\] \(target does not exist: left out, it would lead out of the destination\)$' "$T_OUT"
expect_match "unroll: s-up2 left out, said why" \
	'/src/s-up2 \[.*\] \(target does not exist: left out, it would lead out of the destination\)$' "$T_OUT"
expect_match "unroll: nothing leads out (no count)" 'errors 2$' "$T_OUT"

# ---- --splice: kept as they are, said per link and counted
run_nl copy --splice "$IMG" "$T_TMP/splice"
expect_rc "splice: exit status" 1
tree "$T_TMP/splice" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
d d 
d/s-in-up l ../f.txt
d/s-up l ../../../etc
f.txt f 
j-out l C:\other
s-abs l C:\other
s-dang l nothing
s-dangabs l C:\nothing\x
s-in l d
s-out l C:\other\o.txt
s-up2 l ../../etc
EOF
expect_file_eq "splice: the tree" "$T_TMP/want" "$T_TMP/got"
expect_match "splice: s-up said to lead out" \
	'/src/d/s-up -> .*/splice/d/s-up \[.*\] \(target does not exist: recreated unchanged, leads out of the destination\)$' \
	"$T_OUT"
expect_match "splice: summary counts them" \
	'; cropped 0, spliced 3, unrolled 0, dangling 4, loops 0, excluded 0, warnings 0, errors 2; 2 symlinks lead out of the destination$' \
	"$T_OUT"
run_nl copy --splice --json "$IMG" "$T_TMP/splice-json"
expect_eq "splice: JSON summary counts them" "3	4	2" "$(jfields summary spliced dangling outside <"$T_TMP/out")"
run_nl copy --splice --json --dry-run "$IMG" "$T_TMP/splice-dry"
expect_eq "splice: a dry run counts them too" "2	true" "$(jfields summary outside dry_run <"$T_TMP/out")"
run_nl copy --json "$IMG" "$T_TMP/crop-json"
expect_eq "crop: JSON count is 0" "0" "$(jfields summary outside <"$T_TMP/out")"
expect_eq "the source is unchanged" "$h" "$(hash_of "$T_TMP/esc.img")"

# ---- into an existing folder: the same rule one level down
mkdir "$T_TMP/exist"
run_nl copy --unroll "$IMG" "$T_TMP/exist"
expect_rc "existing destination: exit status" 1
tree "$T_TMP/exist/src" >"$T_TMP/got"
tree "$T_TMP/unroll" >"$T_TMP/want"
expect_file_eq "existing destination: the tree as above" "$T_TMP/want" "$T_TMP/got"

# ---- from a Linux folder: links that climb out or are absolute
mkdir -p "$T_TMP/ls/src/sub"
printf 'f\n' >"$T_TMP/ls/src/f"
printf 'outside\n' >"$T_TMP/ls/outside.txt"
ln -s ../../etc "$T_TMP/ls/src/up"
ln -s "$T_TMP/ls/outside.txt" "$T_TMP/ls/src/abs"
ln -s sub/../f "$T_TMP/ls/src/in"
ln -s ../f "$T_TMP/ls/src/sub/in-up"
ln -s ../src/f "$T_TMP/ls/src/sideways"
for mode in crop unroll splice; do
	run_nl copy --$mode "$T_TMP/ls/src" "$T_TMP/l-$mode"
	expect_rc "linux source, $mode: exit status" 0
	tree "$T_TMP/l-$mode" >"$T_TMP/got-$mode"
done
cat >"$T_TMP/want" <<'EOF'
f f 
in l sub/../f
sideways l f
sub d 
sub/in-up l ../f
EOF
expect_file_eq "linux source, crop: the tree" "$T_TMP/want" "$T_TMP/got-crop"
{ echo "abs f "; cat "$T_TMP/want"; } >"$T_TMP/want-unroll"
expect_file_eq "linux source, unroll: the tree" "$T_TMP/want-unroll" "$T_TMP/got-unroll"
expect_eq "linux source, unroll: the outer file copied" outside "$(cat "$T_TMP/l-unroll/abs")"
{ echo "abs l $T_TMP/ls/outside.txt"; cat "$T_TMP/want"; echo "up l ../../etc"; } >"$T_TMP/want-splice"
expect_file_eq "linux source, splice: the tree" "$T_TMP/want-splice" "$T_TMP/got-splice"
expect_match "linux source, splice: counted" '; 2 symlinks lead out of the destination$' "$T_OUT"

finish
