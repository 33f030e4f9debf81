#!/bin/sh
# diff.sh: 'ntfslinks diff' on fixtures/diff.spec (one difference of each kind between /a and /b), on a copy, through an ntfs-3g mount and on Linux folders; exit statuses, JSON and CSV; the images are only read.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"

build_fixture diff "$T_TMP/diff.img"
IMG=$T_TMP/diff.img
h=$(hash_of "$IMG")

# ---- names, hardlink groups, types and links (no contents): the 1023-name
#      groups of sat/ are equal, the junctions j-in, j-dangling and j-loop
#      point to the same place relative to each root, the deep path is
#      longer than 260 characters
run_nl diff "$IMG:/a" "$IMG:/b"
expect_rc "a b: they differ" 1
cat >"$T_TMP/want" <<'EOF'
WHAT        PATH        A                   B              DETAIL
only-a      gone.txt    file                -              -
hardlinks   h1.txt      h1.txt, sub/h2.txt  h1.txt         -
target      j-moved     inner /sub          inner /sat     -
type        kind        file                folder         -
only-b      new         -                   folder         -
reparse     raw         reparse:dedup       reparse:dedup  the reparse data differs
hardlinks   sub/h2.txt  h1.txt, sub/h2.txt  sub/h2.txt     -
different: 1050 entries in A, 1051 in B, 1049 compared, 7 differences, 0 errors
EOF
printf '%s\n' "$T_OUT" >"$T_TMP/got"
expect_file_eq "a b: names, groups, types, links" "$T_TMP/want" "$T_TMP/got"
expect_eq "a b: nothing on stderr" "" "$T_ERR"

# ---- with the contents
run_nl diff --content "$IMG:/a" "$IMG:/b"
expect_rc "a b --content: they differ" 1
cat >"$T_TMP/want-content" <<'EOF'
WHAT        PATH          A                             B                             DETAIL
dos-name    LongName.txt  LONGNA~1.TXT                  LONGNA~2.TXT                  -
attributes  attr.txt      0x00000000                    0x00000002                    -
data        data.txt      3                             3                             -
only-a      gone.txt      file                          -                             -
hardlinks   h1.txt        h1.txt, sub/h2.txt            h1.txt                        -
target      j-moved       inner /sub                    inner /sat                    -
type        kind          file                          folder                        -
only-b      new           -                             folder                        -
reparse     raw           reparse:dedup                 reparse:dedup                 the reparse data differs
security    sec.txt       80 bytes e764d674a48f2690     80 bytes 7486a7d442fcc631     -
streams     size.txt      :3                            :4                            -
data        st.txt        0                             0                             meta
hardlinks   sub/h2.txt    h1.txt, sub/h2.txt            sub/h2.txt                    -
times       time.txt      2016-02-03T04:05:06.0000000Z  2020-01-01T00:00:00.0000000Z  modification
different: 1050 entries in A, 1051 in B, 1049 compared, 14 differences, 0 errors
EOF
printf '%s\n' "$T_OUT" >"$T_TMP/got"
expect_file_eq "a b --content: every kind of difference" "$T_TMP/want-content" "$T_TMP/got"

# ---- equal trees, JSON, CSV, quiet
run_nl diff --content "$IMG:/a" "$IMG:/a"
expect_rc "a a: equal" 0
expect_eq "a a: the summary" "equal: 1050 entries in A, 1050 in B, 1050 compared, 0 differences, 0 errors" "$T_OUT"
run_nl diff --json "$IMG:/a" "$IMG:/b"
expect_eq "json: the first and the last rows" \
	'{"type":"difference","what":"only-a","path":"gone.txt","a":"file","b":null,"detail":null}
{"type":"summary","entries_a":1050,"entries_b":1051,"compared":1049,"differences":7,"errors":0,"bytes_compared":0,"equal":false}' \
	"$(printf '%s\n' "$T_OUT" | sed -n '1p;$p')"
run_nl diff --csv "$IMG:/a" "$IMG:/b"
expect_eq "csv: header, a row with a quoted group, 7 rows" \
	'what,path,a,b,detail
hardlinks,h1.txt,"h1.txt, sub/h2.txt",h1.txt,
8' "$(printf '%s\n' "$T_OUT" | tr -d '\r' | sed -n '1p;3p'; printf '%s\n' "$T_OUT" | wc -l | tr -d ' ')"
run_nl diff -q "$IMG:/a" "$IMG:/b"
expect_rc "quiet: exit status" 1
expect_eq "quiet: no output" "" "$T_OUT"

# ---- misuse and trees that cannot be opened: 2
run_nl diff "$IMG:/a"
expect_rc "one tree: misuse" 2
run_nl diff --json --csv "$IMG:/a" "$IMG:/b"
expect_rc "two formats: misuse" 2
run_nl diff "$IMG:/a" "$IMG:/nothing"
expect_rc "missing folder: exit status" 2
expect_match "missing folder: the message names it" "^ntfslinks: '.*diff\\.img:/nothing': " "$T_ERR"
run_nl diff "$IMG:/a" "$T_TMP/no.img:/x"
expect_rc "missing image: exit status" 2
expect_eq "the image was only read" "$h" "$(hash_of "$IMG")"

# ---- a copy of /a: equal but for the outer link (cropped) and the loop (left out)
printf 'image size=32M\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/out.img"
run_nl copy "$IMG:/a" "$T_TMP/out.img:/c"
expect_rc "copy of a" 0
run_nl diff --content "$IMG:/a" "$T_TMP/out.img:/c"
expect_rc "copy: differs by the left-out links" 1
expect_eq "copy: only those" "only-a j-loop junction - -
only-a s-out symlink (folder) - -
different: 1050 entries in A, 1048 in B, 1048 compared, 2 differences, 0 errors" \
	"$(printf '%s\n' "$T_OUT" | sed -n '2,$p' | sed 's/  */ /g; s/ *$//')"
run_nl diff --content "$T_TMP/out.img:/c/sub" "$IMG:/a/sub"
expect_rc "copy: a folder of it is equal" 0

# ---- Linux folders: hardlinks and symbolic links relative to each root
mkdir -p "$T_TMP/l1/d" "$T_TMP/l2/d"
printf 'x\n' >"$T_TMP/l1/f"; ln "$T_TMP/l1/f" "$T_TMP/l1/d/g"; ln -s f "$T_TMP/l1/l"; ln -s "$T_TMP/l1/d" "$T_TMP/l1/abs"
printf 'x\n' >"$T_TMP/l2/f"; printf 'x\n' >"$T_TMP/l2/d/g"; ln -s d/g "$T_TMP/l2/l"; ln -s "$T_TMP/l2/d" "$T_TMP/l2/abs"
run_nl diff "$T_TMP/l1" "$T_TMP/l2"
expect_rc "linux: they differ" 1
expect_eq "linux: the group and one link differ; the absolute links lead to the same place" \
	"hardlinks d/g d/g, f d/g
hardlinks f d/g, f f
target l inner /f inner /d/g" \
	"$(printf '%s\n' "$T_OUT" | sed -n '2,4p' | sed 's/  */ /g; s/ - *$//')"

# ---- through an ntfs-3g mount: the same answers as from the image
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null 2>&1; then
	mkdir -p "$T_TMP/m"
	if ntfs-3g -o ro,noatime "$IMG" "$T_TMP/m" 2>"$T_TMP/mnt.err"; then
		run_nl diff --content "$T_TMP/m/a" "$T_TMP/m/b"
		printf '%s\n' "$T_OUT" >"$T_TMP/got"
		expect_file_eq "mount: a b --content as from the image" "$T_TMP/want-content" "$T_TMP/got"
		run_nl diff --content "$IMG:/b" "$T_TMP/m/b"
		expect_rc "mount: image b and mounted b are equal" 0
		umount "$T_TMP/m" || fusermount -u "$T_TMP/m"
		expect_eq "mount: the image was only read" "$h" "$(hash_of "$IMG")"
	else
		echo "SKIP: $T_NAME: ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
	fi
else
	echo "SKIP: $T_NAME: the ntfs-3g part needs root, /dev/fuse and ntfs-3g"
fi

# ---- progress on a terminal (a pty from script(1)), through the one progress line
if command -v script >/dev/null 2>&1; then
	(unset NTFSLINKS_NO_PROGRESS; NTFSLINKS_PROGRESS_DELAY_MS=0 script -qec \
		"'$NTFSLINKS' diff --content '$IMG:/a' '$IMG:/b' >/dev/null" /dev/null >"$T_TMP/tty" 2>&1)
	expect_match "progress: entries listed so far (every 1024)" \
		'comparing: 1024 entries' "$(tr '\r' '\n' <"$T_TMP/tty")"
fi

# ---- the manual: every opening quote mark is closed on its line
if command -v groff >/dev/null 2>&1; then
	LC_ALL=C.UTF-8 groff -mandoc -Tutf8 -rLL=2000n -rHY=0 "$TESTS_SRCDIR/../man/ntfslinks-diff.1" 2>/dev/null |
		sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g' >"$T_TMP/man.txt"
	expect_eq "diff(1): quote marks closed" "" \
		"$(awk '{ o = gsub(/‘/, "&"); c = gsub(/’/, "&"); if (o != c) print NR": "$0 }' "$T_TMP/man.txt")"
	expect_match "diff(1): the classes of links that lead nowhere, quoted one by one" \
		"\\(‘dangling’, ‘loop’, ‘other-volume’ or ‘unknown’\\)" "$(cat "$T_TMP/man.txt")"
fi

finish
