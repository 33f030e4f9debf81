#!/bin/sh
# copy-dir.sh: 'ntfslinks copy' between images and plain Linux folders: image to folder (links as relative symlinks, streams, times, names), folder to image, round trip, and a hostile image that tries to escape the destination.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

COPYDUMP=${COPYDUMP:-$(dirname "$NTFSLINKS")/../../tests/copydump}
CRAFTIMG=${CRAFTIMG:-$(dirname "$NTFSLINKS")/../../tests/craftimg}
[ -x "$COPYDUMP" ] && [ -x "$CRAFTIMG" ] || skip "tests/copydump or tests/craftimg is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
need_cmd python3 getfattr

empty_image() {
	printf 'image size=%s\n' "${2:-64M}" >"$T_TMP/empty.spec"
	build_fixture "$T_TMP/empty.spec" "$1"
}
dump() { "$COPYDUMP" "$@" 2>&1; }
# fnv FILE: the content hash copydump prints
fnv() {
	python3 -c 'import sys
h = 1469598103934665603
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 1099511628211) & 0xffffffffffffffff
print("%016x" % h)' "$1"
}
# listing DIR: one line per entry: path, and the symlink target, or the
# hardlink count, mtime and content
listing() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r f; do
		if [ -L "$f" ]; then printf '%s -> %s\n' "$f" "$(readlink "$f")"
		elif [ -d "$f" ]; then printf '%s/\n' "$f"
		else printf '%s %s %s\n' "$f" "$(stat -c '%h' "$f")" "$(head -c 40 "$f" | tr '\n' '|')"
		fi
	done)
}

# ---- image to folder: hardlinks stay hardlinks, inner links become relative
#      Linux symlinks, unrolled folders are real folders
build_fixture copy-links "$T_TMP/links.img"
h=$(hash_of "$T_TMP/links.img")
run_nl copy --unroll "$T_TMP/links.img:/src" "$T_TMP/x1"
expect_rc "image to folder: exit status" 0
listing "$T_TMP/x1" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
./LongFileName.txt 1 long|
./a.txt 2 a|
./j-dangling -> C:\nothing
./j-inner -> sub
./j-outer/
./j-outer/back -> .
./j-outer/o-link.txt -> o.txt
./j-outer/o.txt 1 outer|
./j-outer/to-src -> ../sub
./j-outer2 -> j-outer
./s-abs -> sub
./s-file-rel.txt 2 f|
./s-file.txt 2 f|
./s-other -> D:\x
./s-rel.txt -> sub/a-link.txt
./s-up-rel -> sub
./sub/
./sub/a-link.txt 2 a|
EOF
expect_file_eq "image to folder: tree" "$T_TMP/want" "$T_TMP/got"
expect_eq "image to folder: a.txt and sub/a-link.txt are one file" \
	"$(stat -c %i "$T_TMP/x1/a.txt")" "$(stat -c %i "$T_TMP/x1/sub/a-link.txt")"
expect_eq "image to folder: two links to one outer file are one file" \
	"$(stat -c %i "$T_TMP/x1/s-file.txt")" "$(stat -c %i "$T_TMP/x1/s-file-rel.txt")"
expect_eq "image to folder: mtime kept (2014-01-02T03:04:05Z)" 1388631845 "$(stat -c %Y "$T_TMP/x1/a.txt")"
expect_eq "image to folder: symbolic links keep their times (2015-06-07T08:09:10Z)" \
	"1433664550 1433664550 1433664550" \
	"$(stat -c %Y "$T_TMP/x1/j-inner" "$T_TMP/x1/s-rel.txt" "$T_TMP/x1/j-outer/back" | tr '\n' ' ' | sed 's/ $//')"
expect_match "image to folder: the stream of a.txt was dropped with a warning" \
	"^ntfslinks: '.*links\.img:/src/a\.txt': warning: 1 named stream dropped$" "$T_ERR"
expect_eq "source never written" "$h" "$(hash_of "$T_TMP/links.img")"

# ---- a partition of a whole-disk image, as source and as destination
python3 - "$T_TMP/links.img" "$T_TMP/disk.img" <<'PY' || { echo "FAIL: could not build the disk image"; exit 99; }
import struct, sys
img = open(sys.argv[1], "rb").read()
mbr = bytearray(1024 * 1024)
mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\0\0\0", 0x07, b"\0\0\0", 2048, len(img) // 512)
mbr[510:512] = b"\x55\xaa"
open(sys.argv[2], "wb").write(bytes(mbr) + img)
PY
run_nl copy "$T_TMP/disk.img@1:/src/sub" "$T_TMP/part"
expect_rc "partition source: exit status" 0
expect_eq "partition source: copied" "a|" "$(cat "$T_TMP/part/a-link.txt" | tr '\n' '|')"
run_nl copy "$T_TMP/links.img:/outer2" "$T_TMP/disk.img@1:/copied"
expect_rc "partition destination: exit status" 0
run_nl copy "$T_TMP/disk.img:/copied" "$T_TMP/part2"
expect_rc "partition destination: read back (the one NTFS partition)" 0
expect_eq "partition destination: contents" "deep|" "$(cat "$T_TMP/part2/deep.txt" | tr '\n' '|')"

# ---- streams as extended attributes, sparse files, times, read-only
build_fixture basic "$T_TMP/basic.img"
run_nl copy --streams=xattr "$T_TMP/basic.img:/docs" "$T_TMP/docs"
expect_rc "streams=xattr: a stream over 64 KiB fails its file" 1
expect_match "streams=xattr: message" "docs/hello\.txt': stream 'big' too large for an extended attribute" "$T_ERR"
expect_eq "streams=xattr: the incomplete file was removed" no "$([ -e "$T_TMP/docs/hello.txt" ] && echo yes || echo no)"
expect_eq "streams=xattr: folder stream kept" "on a directory|" \
	"$(getfattr --only-values -n 'user.dir stream' "$T_TMP/docs" 2>/dev/null | tr '\n' '|')"
expect_eq "folder times: docs/sub 2011-01-02T03:04:05.1234567Z" "2011-01-02 03:04:05.123456700 +0000" \
	"$(TZ=UTC stat -c %y "$T_TMP/docs/sub")"
run_nl copy --dry-run "$T_TMP/basic.img" "$T_TMP/all"
dry=$(printf '%s\n' "$T_OUT" | tail -n 1)
run_nl copy "$T_TMP/basic.img" "$T_TMP/all"
expect_rc "drop streams: exit status" 0
# the files' data with the sparse file's holes (16947786), no dropped stream
expect_eq "dry run bytes: the copy's" "13 files copied (16947786 bytes)" "$(printf '%s\n' "$T_OUT" | tail -n 1 | sed 's/,.*//')"
expect_eq "dry run bytes: the dry run's" "dry run: 13 files copied (16947786 bytes)" "$(printf '%s\n' "$dry" | sed 's/,.*//')"
expect_match "drop streams: hello.txt" "docs/hello\.txt': warning: 3 named streams dropped$" "$T_ERR"
expect_eq "hello.txt content" "$(fnv "$T_TMP/all/docs/hello.txt")" \
	"$(dump "$T_TMP/basic.img" /docs | sed -n 's/^hello\.txt file data=13:\([0-9a-f]*\).*/\1/p')"
expect_eq "sparse.bin content" "$(fnv "$T_TMP/all/sparse.bin")" \
	"$(dump "$T_TMP/basic.img" | sed -n 's/^sparse\.bin file data=16777216:\([0-9a-f]*\).*/\1/p')"
blocks=$(stat -c %b "$T_TMP/all/sparse.bin")
expect_eq "sparse.bin stays sparse (under 1 MiB allocated)" yes "$([ "$blocks" -lt 2048 ] && echo yes || echo no)"
expect_eq "read-only attribute: no write bits" 444 "$(stat -c %a "$T_TMP/all/attr/readonly.txt")"
expect_eq "four times: mtime of times.txt (2002-03-04T05:06:07.5Z)" "2002-03-04 05:06:07.500000000 +0000" \
	"$(TZ=UTC stat -c %y "$T_TMP/all/times.txt")"
expect_eq "four times: atime of times.txt (2004-05-06T07:08:09Z)" "2004-05-06 07:08:09.000000000 +0000" \
	"$(TZ=UTC stat -c %x "$T_TMP/all/times.txt")"
expect_eq "empty folder" "" "$(ls -A "$T_TMP/all/docs/empty-dir")"

# ---- other reparse tags into a Linux folder: data copied, the point dropped with a warning
build_fixture reparse "$T_TMP/reparse.img"
run_nl copy "$T_TMP/reparse.img" "$T_TMP/rp"
expect_rc "reparse to a folder: exit status" 0
expect_eq "reparse to a folder: one warning per raw tag" 8 "$(grep -c ': warning: reparse point 0x[0-9a-f]* dropped$' "$T_TMP/err")"
expect_match "reparse to a folder: the WOF stream too" "wof\\.dll': warning: 1 named stream dropped$" "$T_ERR"
expect_eq "reparse to a folder: the cloud placeholder folder is a folder" yes \
	"$([ -d "$T_TMP/rp/cloud" ] && [ ! -L "$T_TMP/rp/cloud" ] && echo yes || echo no)"
expect_eq "reparse to a folder: inner links as relative symlinks, a link above the root left out" "target target/file.txt none" \
	"$(readlink "$T_TMP/rp/junction") $(readlink "$T_TMP/rp/link-rel.txt") $(readlink "$T_TMP/rp/link-up.txt" 2>/dev/null || echo none)"

# ---- names: an unpaired surrogate as WTF-8 bytes, a name too long for Linux
printf '%s\n' 'image size=16M' 'set C 中' 'file /n/{100*${C}}.txt -p text="cjk\n"' \
	'file "/n/{U+D800}lone" text="lone\n"' >"$T_TMP/names.spec"
build_fixture "$T_TMP/names.spec" "$T_TMP/names.img"
run_nl copy "$T_TMP/names.img:/n" "$T_TMP/names"
expect_rc "names: one name does not fit" 1
expect_match "names: message" "name too long for a linux folder \(304 bytes\)$" "$T_ERR"
expect_eq "names: lone surrogate kept as WTF-8" "ed a0 80 6c 6f 6e 65" \
	"$(ls "$T_TMP/names" | od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ 0a $//; s/ $//')"

# ---- names: case-only differences, Win32-forbidden characters, a path of
#      about 2,400 characters; all byte for byte (WTF-8) in the Linux folder
build_fixture copy-names "$T_TMP/cnames.img"
run_nl copy "$T_TMP/cnames.img:/n" "$T_TMP/cn"
expect_rc "copy-names to a folder: exit status" 0
expect_eq "copy-names: names in the folder" \
	"Case LONGNAME.TXT|Long File Name.txt|a-long|a:b*c?d<e>f\\g\\h|case|deep-link.txt|lone-low\\xed\\xb0\\x80|smile 😀.txt|trailing. |\\xed\\xa0\\x80lone-high|\\xed\\xbf\\xbf\\xed\\xa0\\x80reversed" \
	"$(ls "$T_TMP/cn" | sed 's/^a-long.*/a-long/' | tr '\n' '|' | sed 's/|$//; s/^Case|/Case /' | python3 -c 'import sys; b=sys.stdin.buffer.read(); print(b.decode("utf-8","backslashreplace").replace("|g\\h","\\g\\h"))')"
deep=$(cd "$T_TMP/cn" && find . -name deep.txt)
expect_eq "copy-names: the deep file is a hardlink of deep-link.txt" "$(stat -c %i "$T_TMP/cn/deep-link.txt")" \
	"$(stat -c %i "$T_TMP/cn/$deep")"
expect_eq "copy-names: deep path length" 2386 "${#deep}"

# ---- folder to image: Linux hardlinks, symlinks (relative stays relative,
#      absolute gets the drive letter), sparse, times; specials are errors
mkdir -p "$T_TMP/t/sub" "$T_TMP/t/d"
printf 'hello\n' >"$T_TMP/t/f.txt"
touch -m -d '2001-02-03 04:05:06 UTC' "$T_TMP/t/f.txt"
printf 'h\n' >"$T_TMP/t/hard1"
ln "$T_TMP/t/hard1" "$T_TMP/t/sub/hard2"
ln -s ../f.txt "$T_TMP/t/sub/rel"
ln -s "$T_TMP/t/sub" "$T_TMP/t/abs"
ln -s /etc "$T_TMP/t/out"
ln -s nothing "$T_TMP/t/dang"
truncate -s 1M "$T_TMP/t/sparse" && printf x >>"$T_TMP/t/sparse"
mkfifo "$T_TMP/t/fifo" 2>/dev/null || true
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T_TMP/t/sock" 2>/dev/null || true
empty_image "$T_TMP/out.img"
run_nl copy --drive D: "$T_TMP/t" "$T_TMP/out.img:/t"
expect_rc "folder to image: exit status" 0
if [ -p "$T_TMP/t/fifo" ] && [ -S "$T_TMP/t/sock" ]; then
	expect_eq "folder to image: the fifo and the socket are skipped with a warning" \
		"ntfslinks: '$T_TMP/t/fifo': warning: skipped: a fifo
ntfslinks: '$T_TMP/t/sock': warning: skipped: a socket" "$T_ERR"
	expect_match "folder to image: counted as warnings" 'warnings 2, errors 0$' "$T_OUT"
fi
dump -t "$T_TMP/out.img" /t | sed 's/ times=[0-9]*,\([0-9]*\),.*/ m=\1/' >"$T_TMP/got"
e=14650fb0739d0383
cat >"$T_TMP/want" <<EOF
abs rdir symlink \\??\\D:\\t\\sub print=D:\\t\\sub flags=0 m=$(dump -t "$T_TMP/out.img" /t | sed -n 's/^abs .* times=[0-9]*,\([0-9]*\),.*/\1/p')
d dir m=$(python3 -c "import os;s=os.stat('$T_TMP/t/d');print(s.st_mtime_ns//100+116444736000000000)")
dang rfile data=0:$e symlink nothing print=nothing flags=1 m=$(dump -t "$T_TMP/out.img" /t | sed -n 's/^dang .* times=[0-9]*,\([0-9]*\),.*/\1/p')
f.txt file data=6:$(fnv "$T_TMP/t/f.txt") m=126256467060000000
hard1 #1/2 file data=2:$(fnv "$T_TMP/t/hard1") m=$(python3 -c "import os;s=os.stat('$T_TMP/t/hard1');print(s.st_mtime_ns//100+116444736000000000)")
sparse file data=1048577:$(fnv "$T_TMP/t/sparse"):sparse m=$(python3 -c "import os;s=os.stat('$T_TMP/t/sparse');print(s.st_mtime_ns//100+116444736000000000)")
sub dir m=$(python3 -c "import os;s=os.stat('$T_TMP/t/sub');print(s.st_mtime_ns//100+116444736000000000)")
sub/hard2 #1/2 file data=2:$(fnv "$T_TMP/t/hard1") m=$(python3 -c "import os;s=os.stat('$T_TMP/t/hard1');print(s.st_mtime_ns//100+116444736000000000)")
sub/rel rfile data=0:$e symlink ..\\f.txt print=..\\f.txt flags=1 m=$(dump -t "$T_TMP/out.img" /t | sed -n 's/^sub\/rel .* times=[0-9]*,\([0-9]*\),.*/\1/p')
EOF
expect_file_eq "folder to image: destination" "$T_TMP/want" "$T_TMP/got"
expect_match "folder to image: the outer symlink is cropped" "^cropped +symlink +$T_TMP/t/out \[/etc\]" "$T_OUT"

# ---- round trip: folder -> image -> folder gives the same tree
rm -f "$T_TMP/t/fifo" "$T_TMP/t/sock"
empty_image "$T_TMP/rt.img"
run_nl copy --splice "$T_TMP/t" "$T_TMP/rt.img:/t"
expect_rc "round trip: to the image" 0
run_nl copy --splice "$T_TMP/rt.img:/t" "$T_TMP/back"
expect_rc "round trip: back" 0
listing "$T_TMP/t" | sed "s|$T_TMP/t/sub|sub|" >"$T_TMP/want"
listing "$T_TMP/back" | sed 's|D:\\etc|/etc|; s|C:\\etc|/etc|' >"$T_TMP/got"
expect_file_eq "round trip: same tree (the absolute inner link comes back relative)" "$T_TMP/want" "$T_TMP/got"

# ---- outer links into a plain Linux folder: a spliced relative one still
#      leads to the same file (made absolute); only --splice makes a link
#      that leads out of the destination
mkdir -p "$T_TMP/sp/in" "$T_TMP/sp/other"
printf 'o\n' >"$T_TMP/sp/other/o.txt"
ln -s ../other/o.txt "$T_TMP/sp/in/rel"
ln -s ../nothing "$T_TMP/sp/in/dang"
ln -s "$T_TMP/sp/nothing" "$T_TMP/sp/in/dang-abs"
run_nl copy --splice "$T_TMP/sp/in" "$T_TMP/sp-splice"
expect_rc "splice into a folder: exit status" 0
expect_eq "splice into a folder: the relative link made absolute, dangling ones as they were" \
	"../nothing $T_TMP/sp/nothing $T_TMP/sp/other/o.txt" \
	"$(readlink "$T_TMP/sp-splice/dang" "$T_TMP/sp-splice/dang-abs" "$T_TMP/sp-splice/rel" | tr '\n' ' ' | sed 's/ $//')"
run_nl copy --unroll "$T_TMP/sp/in" "$T_TMP/sp-unroll"
expect_rc "unroll into a folder: exit status" 0
expect_eq "unroll into a folder: no link out of the destination" "rel" "$(ls "$T_TMP/sp-unroll")"
expect_eq "unroll into a folder: the report" \
	"dangling   symlink  $T_TMP/sp/in/dang [../nothing] (target does not exist: left out, it would lead out of the destination)
dangling   symlink  $T_TMP/sp/in/dang-abs [$T_TMP/sp/nothing] (target does not exist: left out, it would lead out of the destination)
unrolled   file     $T_TMP/sp/in/rel -> $T_TMP/sp-unroll/rel [../other/o.txt]" \
	"$(printf '%s\n' "$T_OUT" | sed '$d')"

# a dangling link inside the copy whose text passes through a link of the
# copy (sub/up is '..'): lexically it stays inside, Linux would follow it
# out; its text is rewritten to the place it means
printf '%s\n' 'image size=16M' 'dir /h/sub -p' 'symlink /h/sub/up ".." relative dir' \
	'symlink /h/esc "sub\up\sub\up\..\..\..\nothing" relative' >"$T_TMP/climb.spec"
build_fixture "$T_TMP/climb.spec" "$T_TMP/climb.img"
for pol in crop splice unroll; do
	run_nl copy --$pol "$T_TMP/climb.img:/h" "$T_TMP/climb-$pol"
	expect_rc "climb through a link ($pol): exit status" 0
	expect_eq "climb through a link ($pol): the text rewritten" "sub/nothing .." \
		"$(readlink "$T_TMP/climb-$pol/esc") $(readlink "$T_TMP/climb-$pol/sub/up")"
done

# ---- a hostile image: names with '/', '..' components, absolute names, a
#      link to the root, a relative link far above the root; a symlink
#      planted in the destination where the copy would go
printf '%s\n' 'image size=16M' 'dir /hostile/sub -p' 'file /hostile/ok.txt text="ok\n"' \
	'junction /hostile/jroot "\??\C:\"' \
	'symlink /hostile/rel-escape "..\..\..\..\..\..\..\..\tmp" relative dir' >"$T_TMP/hostile.spec"
build_fixture "$T_TMP/hostile.spec" "$T_TMP/hostile.img"
# (empty files: libntfs-3g cannot write data to such names)
"$CRAFTIMG" "$T_TMP/hostile.img" /hostile "a/b" "../../escape.txt" "/abs" \
	"x/../../y/" "sub/.." || { echo "FAIL: craftimg"; exit 99; }
"$CRAFTIMG" "$T_TMP/hostile.img" /hostile/sub "../../../escape2.txt" || { echo "FAIL: craftimg"; exit 99; }
mkdir -p "$T_TMP/dest" "$T_TMP/outside"
ln -s "$T_TMP/outside" "$T_TMP/dest/hostile"
ln -s "$T_TMP/outside" "$T_TMP/dest/sub"
for pol in crop splice unroll; do
	run_nl copy --$pol "$T_TMP/hostile.img:/hostile" "$T_TMP/dest"
	expect_rc "hostile ($pol): bad names are errors" 1
	run_nl copy --$pol --into "$T_TMP/hostile.img:/hostile" "$T_TMP/dest"
	expect_rc "hostile ($pol, into): bad names are errors" 1
done
expect_eq "hostile: nothing appeared outside the destination" "" "$(ls -A "$T_TMP/outside")"
expect_eq "hostile: no escape file anywhere" "" \
	"$(find "$T_TMP" -name 'escape*' ! -path "$T_TMP/dest/*" 2>/dev/null)"
expect_eq "hostile: the planted symlinks are untouched" "$T_TMP/outside $T_TMP/outside" \
	"$(readlink "$T_TMP/dest/hostile") $(readlink "$T_TMP/dest/sub")"
expect_match "hostile: message for a name with '/'" "hostile/a/b': name cannot be used in a linux folder$" "$T_ERR"
listing "$T_TMP/dest" | grep -v -- '-> ' | sed 's/ [0-9] .*//' >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
./hostile - Copy/
./hostile - Copy (2)/
./hostile - Copy (2)/ok.txt
./hostile - Copy (2)/sub/
./hostile - Copy (3)/
./hostile - Copy (3)/ok.txt
./hostile - Copy (3)/sub/
./hostile - Copy/ok.txt
./hostile - Copy/sub/
./ok - Copy (2).txt
./ok - Copy.txt
./ok.txt
./sub - Copy/
./sub - Copy (2)/
./sub - Copy (3)/
EOF
expect_file_eq "hostile: what was copied (clashes renamed, never through the planted links)" "$T_TMP/want" "$T_TMP/got"
expect_eq "hostile: a spliced link far above the root is only text" "../../../../../../../../tmp" \
	"$(readlink "$T_TMP/dest/hostile - Copy (2)/rel-escape")"
expect_eq "hostile: cropped with crop" no \
	"$([ -L "$T_TMP/dest/hostile - Copy/rel-escape" ] && echo yes || echo no)"

finish
