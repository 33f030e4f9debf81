#!/bin/sh
# copy-image.sh: 'ntfslinks copy' image to image: exact copies, the link policies on nested and looping links, dry run, auto-rename, several sources, --into, exclusion, refusals, the 1023-link limit.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

COPYDUMP=${COPYDUMP:-$(dirname "$NTFSLINKS")/../../tests/copydump}
[ -x "$COPYDUMP" ] || skip "tests/copydump is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"

# empty_image IMAGE [SIZE]: a freshly formatted image (reproducible).
empty_image() {
	printf 'image size=%s\n' "${2:-64M}" >"$T_TMP/empty.spec"
	build_fixture "$T_TMP/empty.spec" "$1"
}
dump() { "$COPYDUMP" "$@" 2>&1; }

# ---- exact copies: contents, sparse, streams, attributes, times, security,
#      DOS names, 1023 hardlinks (the whole volume, image to image)
for spec in basic copy-names hardlinks; do
	build_fixture $spec "$T_TMP/$spec.img"
	h=$(hash_of "$T_TMP/$spec.img")
	empty_image "$T_TMP/out.img" 128M
	run_nl copy "$T_TMP/$spec.img" "$T_TMP/out.img:/copy"
	expect_rc "$spec: copy of the volume" 0
	dump -t -a -S "$T_TMP/$spec.img" >"$T_TMP/want"
	dump -t -a -S "$T_TMP/out.img" /copy >"$T_TMP/got"
	expect_file_eq "$spec: the copy is identical (names, groups, data, streams, attributes, times, security)" \
		"$T_TMP/want" "$T_TMP/got"
	expect_eq "$spec: source unchanged" "$h" "$(hash_of "$T_TMP/$spec.img")"
done
expect_eq "hardlinks: summary" \
	"5 files copied (13018 bytes), 1065 hardlinked, 9 folders, 0 junctions, 0 symlinks; cropped 0, spliced 0, unrolled 0, dangling 0, loops 0, excluded 0, warnings 0, errors 0" \
	"$T_OUT"
expect_match "copy-names: the deep path is longer than 2,000 characters" '^n/(a-long-folder[^/]*/){11}a-long[^/]*/deep\.txt #1/2 file' \
	"$(dump "$T_TMP/copy-names.img")"

# ---- security descriptors: copied image to image, not with --no-acl
expect_match "acl: Case has its own descriptor in the source" '^n/Case file .* sd=82842362e6aa7b87$' \
	"$(dump -S "$T_TMP/copy-names.img")"
empty_image "$T_TMP/out.img"
run_nl copy --no-acl "$T_TMP/copy-names.img:/n" "$T_TMP/out.img:/n"
expect_rc "no-acl: exit status" 0
expect_eq "no-acl: Case gets the default descriptor like its siblings" \
	"$(dump -S "$T_TMP/out.img" /n | sed -n 's/^case file .* sd=//p')" \
	"$(dump -S "$T_TMP/out.img" /n | sed -n 's/^Case file .* sd=//p')"

# ---- every reparse tag: raw tags copied as they are, inner links rewritten
build_fixture reparse "$T_TMP/reparse.img"
empty_image "$T_TMP/out.img"
run_nl copy --splice "$T_TMP/reparse.img" "$T_TMP/out.img:/r"
expect_rc "reparse: copy" 0
dump -a "$T_TMP/reparse.img" | grep -E ' reparse ' >"$T_TMP/want"
dump -a "$T_TMP/out.img" /r | grep -E ' reparse ' >"$T_TMP/got"
expect_file_eq "reparse: raw tags (wof, dedup, cloud, appexeclink, wsl, unknown) byte for byte" "$T_TMP/want" "$T_TMP/got"
expect_eq "reparse: raw tags counted" 8 "$(wc -l <"$T_TMP/got" | tr -d ' ')"
dump "$T_TMP/out.img" /r | grep -E '^(junction|junction-noprint|junction-other-drive|mount|link-rel.txt|link-up.txt|link-dir|link-unc) ' |
	sed 's/ dos==//' >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
junction rdir junction \??\C:\r\target print=C:\r\target
junction-noprint rdir junction \??\C:\r\target print=
junction-other-drive rdir junction \??\D:\Data print=D:\Data
link-dir rdir symlink \??\C:\r\target print=C:\r\target flags=0
link-rel.txt rfile data=0:14650fb0739d0383 symlink target\file.txt print=target\file.txt flags=1
link-unc rdir symlink \??\UNC\server\share\folder print=\\server\share\folder flags=0
link-up.txt rfile data=0:14650fb0739d0383 symlink ..\target\file.txt print=..\target\file.txt flags=1
mount rdir junction \??\Volume{4f1e5a2c-9d3b-11e0-a5c1-806e6f6e6963}\ print=
EOF
expect_file_eq "reparse: inner links rewritten, outer ones spliced" "$T_TMP/want" "$T_TMP/got"

# ---- the link policies on /src of copy-links.spec
build_fixture copy-links "$T_TMP/links.img"
h=$(hash_of "$T_TMP/links.img")

cat >"$T_TMP/common" <<'EOF'
LongFileName.txt file dos=LONGFI~1.TXT data=5:14488476eaeb4595
a.txt #1/2 file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97
j-inner rdir junction \??\C:\dst\sub print=C:\dst\sub
s-abs rdir symlink \??\C:\dst\sub print=C:\dst\sub flags=0
s-rel.txt rfile data=0:14650fb0739d0383 symlink sub\a-link.txt print=sub\a-link.txt flags=1
s-up-rel rdir symlink sub print=sub flags=1
sub dir
sub/a-link.txt #1/2 file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97
EOF

# crop: outer links left out
empty_image "$T_TMP/out.img"
run_nl copy --crop "$T_TMP/links.img:/src" "$T_TMP/out.img:/dst"
expect_rc "crop: exit status" 0
dump "$T_TMP/out.img" /dst >"$T_TMP/got"
expect_file_eq "crop: destination" "$T_TMP/common" "$T_TMP/got"
printf '%s\n' "$T_OUT" | sed "s|$T_TMP/||g" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
loop       symlink  links.img:/src/c1 [C:\cyc\c2] (link chain comes back to the link or a folder containing it)
dangling   junction links.img:/src/j-dangling [C:\nothing] (target does not exist: left out)
cropped    junction links.img:/src/j-outer [C:\outer] (target outside the copied set)
cropped    junction links.img:/src/j-outer2 [C:\outer] (target outside the copied set)
loop       junction links.img:/src/j-root [C:\] (points to a folder that contains it)
cropped    symlink  links.img:/src/s-file-rel.txt [..\files\f.txt] (target outside the copied set)
cropped    symlink  links.img:/src/s-file.txt [C:\files\f.txt] (target outside the copied set)
cropped    symlink  links.img:/src/s-other [D:\x] (target on another volume)
drive      links.img:/src (C: inferred: 13 of 15 drive-letter targets resolve on this volume with it)
2 files copied (19 bytes), 1 hardlinked, 2 folders, 1 junction, 3 symlinks; cropped 5, spliced 0, unrolled 0, dangling 1, loops 2, excluded 0, warnings 0, errors 0
EOF
expect_file_eq "crop: report" "$T_TMP/want" "$T_TMP/got"

# splice: outer links recreated with their targets; a relative one made
# absolute, so that it still leads to the same file from its new place
empty_image "$T_TMP/out.img"
run_nl copy --splice "$T_TMP/links.img:/src" "$T_TMP/out.img:/dst"
expect_rc "splice: exit status" 0
dump "$T_TMP/out.img" /dst >"$T_TMP/got"
{ cat "$T_TMP/common"; cat <<'EOF'
j-dangling rdir junction \??\C:\nothing print=C:\nothing
j-outer rdir junction \??\C:\outer print=C:\outer
j-outer2 rdir junction \??\C:\outer print=C:\outer
s-file-rel.txt rfile data=0:14650fb0739d0383 symlink \??\C:\files\f.txt print=C:\files\f.txt flags=0
s-file.txt rfile data=0:14650fb0739d0383 symlink \??\C:\files\f.txt print=C:\files\f.txt flags=0
s-other rdir symlink \??\D:\x print=D:\x flags=0
EOF
} | LC_ALL=C sort >"$T_TMP/want"
LC_ALL=C sort "$T_TMP/got" >"$T_TMP/got.s"
expect_file_eq "splice: destination" "$T_TMP/want" "$T_TMP/got.s"
expect_match "splice: the relative link reported with its new target" \
	'^spliced +symlink +links\.img:/src/s-file-rel\.txt -> out\.img:/dst/s-file-rel\.txt \[\.\.\\files\\f\.txt => \\\?\?\\C:\\files\\f\.txt\]$' \
	"$(printf '%s\n' "$T_OUT" | sed "s|$T_TMP/||g")"

# unroll: outer junction holding inner junctions, a symlink that becomes
# inner because its target's folder is unrolled, two junctions to one folder
# (copied once, the second a junction to that copy) and two links to one
# file (hardlinked copies), a cycle between two outer folders
# (/outer/level2 -> /outer2, /outer2/up -> /outer: a loop, not unrolled), a
# link chain that returns to itself, a link to an ancestor, another volume.
empty_image "$T_TMP/out.img"
run_nl copy --unroll "$T_TMP/links.img:/src" "$T_TMP/out.img:/dst"
expect_rc "unroll: exit status" 0
dump "$T_TMP/out.img" /dst >"$T_TMP/got"
expect_file_eq "unroll: destination" "$TESTS_SRCDIR/expected/copy-links-unroll.txt" "$T_TMP/got"
printf '%s\n' "$T_OUT" | sed "s|$T_TMP/||g" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
loop       symlink  links.img:/src/c1 [C:\cyc\c2] (link chain comes back to the link or a folder containing it)
dangling   junction links.img:/src/j-dangling -> out.img:/dst/j-dangling [C:\nothing => C:\nothing] (target does not exist: recreated unchanged)
unrolled   folder   links.img:/src/j-outer -> out.img:/dst/j-outer [C:\outer]
loop       junction links.img:/outer/level2 [C:\outer2] (links under its target lead back to it)
junction   junction links.img:/src/j-outer2 -> out.img:/dst/j-outer2 [C:\outer => \??\C:\dst\j-outer] (target already unrolled: points to its copy)
loop       junction links.img:/src/j-root [C:\] (points to a folder that contains it)
unrolled   file     links.img:/src/s-file-rel.txt -> out.img:/dst/s-file-rel.txt [..\files\f.txt]
unrolled   file     links.img:/src/s-file.txt -> out.img:/dst/s-file.txt [C:\files\f.txt]
spliced    symlink  links.img:/src/s-other -> out.img:/dst/s-other [D:\x => D:\x] (target on another volume: cannot be unrolled, spliced)
drive      links.img:/src (C: inferred: 13 of 15 drive-letter targets resolve on this volume with it)
3 files copied (27 bytes), 1 hardlinked, 2 folders, 4 junctions, 4 symlinks; cropped 0, spliced 1, unrolled 3, dangling 1, loops 3, excluded 0, warnings 0, errors 0
EOF
expect_file_eq "unroll: report" "$T_TMP/want" "$T_TMP/got"
# times come along: a.txt was built with mtime 2014-01-02T03:04:05Z
expect_match "unroll: times of a.txt" '^a\.txt .* times=130781381500000000,130331054450000000,130781381500000000,130781381500000000$' \
	"$(dump -t "$T_TMP/out.img" /dst)"
expect_match "unroll: times of an unrolled folder's file" '^j-outer/o\.txt .* times=130781381500000000,130781381500000000,130781381500000000,130781381500000000$' \
	"$(dump -t "$T_TMP/out.img" /dst)"

# JSON: one object per action, a summary last
run_nl copy --unroll --json --dry-run "$T_TMP/links.img:/src" "$T_TMP/out.img:/dst2"
expect_rc "json dry run: exit status" 0
expect_eq "json: summary line" \
	'{"type":"summary","copied":3,"folder":2,"hardlinked":1,"junction":4,"symlink":4,"cropped":0,"spliced":1,"unrolled":3,"dangling":1,"loop":3,"excluded":0,"warning":0,"error":0,"bytes":27,"items":22,"outside":0,"dry_run":true}' \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
expect_match "json: an inner junction inside an unrolled folder" \
	'^\{"type":"action","action":"junction","kind":"junction","source":"[^"]*links\.img:/outer/to-src","dest":"[^"]*out\.img:/dst2/j-outer/to-src","target":"C:\\\\src\\\\sub","new_target":"\\\\\?\?\\\\C:\\\\dst2\\\\sub","reason":null,"bytes":0,"mft":[0-9]+\}$' \
	"$T_OUT"
expect_eq "json: one line per planned entry plus the summary" 23 "$(printf '%s\n' "$T_OUT" | wc -l | tr -d ' ')"
expect_eq "source never written" "$h" "$(hash_of "$T_TMP/links.img")"

# ---- dry run: the same plan, nothing written
empty_image "$T_TMP/out.img"
ho=$(hash_of "$T_TMP/out.img")
run_nl copy --unroll --list --dry-run "$T_TMP/links.img:/src" "$T_TMP/out.img:/dst"
expect_rc "dry run: exit status" 0
expect_eq "dry run: destination untouched" "$ho" "$(hash_of "$T_TMP/out.img")"
printf '%s\n' "$T_OUT" | sed '$d' >"$T_TMP/dry"
run_nl copy --unroll --list "$T_TMP/links.img:/src" "$T_TMP/out.img:/dst"
printf '%s\n' "$T_OUT" | sed '$d' >"$T_TMP/real"
expect_file_eq "dry run lists what the copy does" "$T_TMP/dry" "$T_TMP/real"
# the byte total of a dry run is the copy's: streams of files and folders,
# a sparse file of 16 MiB with its holes (basic.spec)
empty_image "$T_TMP/out.img"
run_nl copy --dry-run "$T_TMP/basic.img" "$T_TMP/out.img:/b"
dry=$(printf '%s\n' "$T_OUT" | tail -n 1)
run_nl copy "$T_TMP/basic.img" "$T_TMP/out.img:/b"
expect_rc "dry run bytes: the copy" 0
expect_eq "dry run bytes: the same summary as the copy" "dry run: $T_OUT" "$dry"
# 13 files: 13+100000+6+0+5000+5 (docs) + 16777216 (sparse) + 4*2+65536 (attr)
# + 2 (times); streams 26+200000+0 (hello.txt) + 15 (docs)
expect_match "dry run bytes: holes and streams counted" '^13 files copied \(17147827 bytes\)' "$T_OUT"

# ---- existing destination: copies go inside, auto-renamed on a clash
empty_image "$T_TMP/out.img"
for i in 1 2 3; do
	run_nl copy "$T_TMP/links.img:/src/sub" "$T_TMP/out.img:/"
	expect_rc "rename: copy $i" 0
done
run_nl copy "$T_TMP/links.img:/src/a.txt" "$T_TMP/out.img:/"
run_nl copy "$T_TMP/links.img:/src/a.txt" "$T_TMP/out.img:/"
expect_rc "rename: a file" 0
printf '%s\n' 'a - Copy.txt' a.txt sub 'sub - Copy' 'sub - Copy (2)' \
	'sub - Copy (2)/a-link.txt' 'sub - Copy/a-link.txt' sub/a-link.txt >"$T_TMP/want"
"$COPYDUMP" "$T_TMP/out.img" | while read -r line; do
	case $line in
	*" dir"*) printf '%s\n' "${line% dir*}" ;;
	*" file "*) printf '%s\n' "${line%% file *}" ;;
	esac
done | sed 's/ #[0-9]*\/[0-9]*$//' >"$T_TMP/got"
expect_file_eq "rename: Windows-style names" "$T_TMP/want" "$T_TMP/got"
run_nl copy --dry-run "$T_TMP/links.img:/src/sub" "$T_TMP/out.img:/"
expect_match "rename: the dry run sees the names taken" "^folder +folder +.*links\.img:/src/sub -> .*out\.img:/sub - Copy \(3\) \(renamed: 'sub' is taken\)$" "$T_OUT"

# ---- several sources are one root: links between them are inner
empty_image "$T_TMP/out.img"
run_nl copy "$T_TMP/links.img:/src/sub" "$T_TMP/links.img:/outer" "$T_TMP/out.img:/multi"
expect_rc "several sources: exit status" 0
dump "$T_TMP/out.img" /multi >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
outer dir
outer/back rdir junction \??\C:\multi\outer print=C:\multi\outer
outer/o-link.txt rfile data=0:14650fb0739d0383 symlink \??\C:\multi\outer\o.txt print=C:\multi\outer\o.txt flags=0
outer/o.txt file data=6:a7b9f71e4a8e7004
outer/to-src rdir junction \??\C:\multi\sub print=C:\multi\sub
sub dir
sub/a-link.txt file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97
EOF
expect_file_eq "several sources: destination" "$T_TMP/want" "$T_TMP/got"
expect_match "several sources: the second level loops back through /outer2/up" '^loop +junction .*links\.img:/outer/level2 \[C:\\outer2\] \(links under its target lead back to it\)$' "$T_OUT"

# two volumes never mix: the same record numbers in two images are two files
cp "$T_TMP/links.img" "$T_TMP/links2.img"
empty_image "$T_TMP/two.img"
run_nl copy "$T_TMP/links.img:/src/a.txt" "$T_TMP/links2.img:/src/a.txt" "$T_TMP/links.img:/src/sub" "$T_TMP/two.img:/t"
expect_rc "two volumes: exit status" 0
dump "$T_TMP/two.img" /t >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
a - Copy.txt file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97
a.txt #1/2 file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97
sub dir
sub/a-link.txt #1/2 file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97
EOF
expect_file_eq "two volumes: a file of each volume, hardlinked only within its own" "$T_TMP/want" "$T_TMP/got"

# --into: the contents go straight into an existing folder
run_nl copy --into --dest-drive E: "$T_TMP/links.img:/outer2" "$T_TMP/out.img:/multi/sub"
expect_rc "into: exit status" 0
dump "$T_TMP/out.img" /multi/sub >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
a-link.txt file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97
deep.txt file data=5:87863a55136f26f5
EOF
expect_file_eq "into: contents merged" "$T_TMP/want" "$T_TMP/got"
run_nl copy --into --splice --dest-drive E: "$T_TMP/links.img:/outer" "$T_TMP/out.img:/multi/sub"
expect_match "into: clash renamed" '^o\.txt$|o - Copy' "$(dump "$T_TMP/out.img" /multi/sub | sed 's/ .*//')"
expect_match "dest-drive: absolute inner targets get the letter" \
	'^back rdir junction \\\?\?\\E:\\multi\\sub print=E:\\multi\\sub$' "$(dump "$T_TMP/out.img" /multi/sub)"

# ---- --exclude / --include
empty_image "$T_TMP/out.img"
printf '%s\n' '# links' 'j-*' 's-*' >"$T_TMP/patterns"
run_nl copy --exclude @"$T_TMP/patterns" --exclude c1 "$T_TMP/links.img:/src" "$T_TMP/out.img:/x"
expect_rc "exclude: exit status" 0
expect_eq "exclude: what is left" "LongFileName.txt a.txt sub sub/a-link.txt" \
	"$(dump "$T_TMP/out.img" /x | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
expect_match "exclude: summary" 'excluded 12,' "$T_OUT"
run_nl copy --include 'a*.txt' "$T_TMP/links.img:/src" "$T_TMP/out.img:/y"
expect_rc "include: exit status" 0
expect_eq "include: only matching files, folders entered" "a.txt sub sub/a-link.txt" \
	"$(dump "$T_TMP/out.img" /y | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"

# ---- source and destination in the same image (one volume, two handles)
cp "$T_TMP/links.img" "$T_TMP/same.img"
run_nl copy "$T_TMP/same.img:/src" "$T_TMP/same.img:/dst"
expect_rc "same image: exit status" 0
dump "$T_TMP/same.img" /dst >"$T_TMP/got"
expect_file_eq "same image: destination" "$T_TMP/common" "$T_TMP/got"

# ---- an unreadable source record is an error for that entry only
cp "$T_TMP/links.img" "$T_TMP/bad.img"
python3 - "$T_TMP/bad.img" <<'PY' || { echo "FAIL: could not damage the record"; exit 99; }
import sys
name = "LongFileName.txt".encode("utf-16-le")
data = bytearray(open(sys.argv[1], "rb").read())
pos, hits = 0, 0
while True:
    pos = data.find(name, pos)
    if pos < 0:
        break
    rec = pos - pos % 1024
    if data[rec:rec + 4] == b"FILE" and not data[rec + 0x16] & 2:  # a file's record, not its folder's
        data[rec:rec + 4] = b"BAAD"
        hits += 1
    pos += 1
open(sys.argv[1], "wb").write(data)
sys.exit(0 if hits == 1 else 1)
PY
empty_image "$T_TMP/out.img"
run_nl copy "$T_TMP/bad.img:/src" "$T_TMP/out.img:/dst"
expect_rc "unreadable record: some entries failed" 1
expect_match "unreadable record: message" "bad\\.img:/src/LongFileName\\.txt': cannot read: " "$T_ERR"
grep -v '^LongFileName' "$T_TMP/common" >"$T_TMP/want"
dump "$T_TMP/out.img" /dst >"$T_TMP/got"
expect_file_eq "unreadable record: the rest is copied" "$T_TMP/want" "$T_TMP/got"

# ---- refusals
run_nl copy "$T_TMP/links.img:/src" "$T_TMP/links.img:/src/sub/inner"
expect_rc "destination inside the source: misuse" 2
expect_match "destination inside the source: message" "is inside the source" "$T_ERR"
run_nl copy "$T_TMP/links.img:/src/sub" "$T_TMP/links.img:/src"
expect_rc "source inside the destination: misuse" 2
run_nl copy "$T_TMP/links.img:/nowhere" "$T_TMP/out.img:/z"
expect_rc "missing source: exit 1 (a missing path)" 1
expect_match "missing source: message" "^ntfslinks: '.*links\.img:/nowhere': " "$T_ERR"
run_nl copy "$T_TMP/links.img:/src" "$T_TMP/out.img:/no/such/parent"
expect_rc "missing destination parent: exit 1 (a missing path)" 1
run_nl copy --crop --unroll "$T_TMP/links.img:/src" "$T_TMP/out.img:/z"
expect_rc "two policies: misuse" 2
expect_eq "refusals never write the source" "$h" "$(hash_of "$T_TMP/links.img")"

# ---- the 1023-link limit: a file with 1022 names in /max and one in /other,
#      reached through two junctions to /max (copied once: the second is a
#      junction to that copy) and two symbolic links to /other/g.txt (each
#      one more name): 1024 names, one too many
build_fixture copy-limit "$T_TMP/limit.img"
empty_image "$T_TMP/out.img"
run_nl copy --unroll "$T_TMP/limit.img:/src" "$T_TMP/out.img:/d"
expect_rc "1023 limit: some entries failed" 1
expect_eq "1023 limit: summary" "unrolled   folder   limit.img:/src/j1 -> out.img:/d/j1 [C:\\max]
junction   junction limit.img:/src/j2 -> out.img:/d/j2 [C:\\max => \\??\\C:\\d\\j1] (target already unrolled: points to its copy)
unrolled   file     limit.img:/src/s1.txt -> out.img:/d/s1.txt [C:\\other\\g.txt]
drive      limit.img:/src (C: inferred: 3 of 3 drive-letter targets resolve on this volume with it)
1 file copied (4 bytes), 1021 hardlinked, 1 folder, 1 junction, 0 symlinks; cropped 0, spliced 0, unrolled 2, dangling 0, loops 0, excluded 0, warnings 0, errors 1" \
	"$(printf '%s\n' "$T_OUT" | sed "s|$T_TMP/||g")"
expect_eq "1023 limit: one error, for the name over the limit" \
	"ntfslinks: '$T_TMP/limit.img:/src/s2.txt': more than 1023 hard links to one file" "$T_ERR"
expect_eq "1023 limit: the file has 1023 names in the copy" 1023 \
	"$(dump "$T_TMP/out.img" /d | grep -c ' #1/1023 file ')"
expect_eq "1023 limit: the second junction points to the first copy" \
	'j2 rdir junction \??\C:\d\j1 print=C:\d\j1' "$(dump "$T_TMP/out.img" /d | grep '^j2 ')"

# ---- destination full: the room is checked before anything is written
#      (six files of 700000 bytes need 6 x 171 clusters of 4096 bytes =
#      4104 KiB; the 2 MiB image has 334 clusters free): one message, the
#      image untouched; a copy that fits still goes through
printf '%s\n' 'image size=16M' 'file /big/f{1..6}.bin -p size=700000 pattern=full{1..6}' \
	'file /big/small.txt text="s\n"' >"$T_TMP/full.spec"
build_fixture "$T_TMP/full.spec" "$T_TMP/full.img"
empty_image "$T_TMP/tiny.img" 2M
ht=$(hash_of "$T_TMP/tiny.img")
for dry in "" --dry-run; do
	run_nl copy $dry "$T_TMP/full.img:/big" "$T_TMP/tiny.img:/b"
	expect_rc "destination full$dry: exit status" 1
	expect_eq "destination full$dry: one message" \
		"ntfslinks: '$T_TMP/tiny.img:/b': not enough room: the copy needs at least 4104 KiB, the destination has 1336 KiB free; nothing was copied" \
		"$T_ERR"
	expect_eq "destination full$dry: nothing on stdout" "" "$T_OUT"
done
expect_eq "destination full: the image is untouched" "$ht" "$(hash_of "$T_TMP/tiny.img")"
run_nl copy "$T_TMP/full.img:/big/f1.bin" "$T_TMP/full.img:/big/small.txt" "$T_TMP/tiny.img:/b"
expect_rc "destination full: what fits is copied" 0
dump "$T_TMP/full.img" /big | grep -E '^(f1\.bin|small\.txt) ' >"$T_TMP/want"
dump "$T_TMP/tiny.img" /b >"$T_TMP/got"
expect_file_eq "destination full: the files that fit" "$T_TMP/want" "$T_TMP/got"
if command -v ntfsfix >/dev/null 2>&1 || [ -x /usr/bin/ntfsfix ] || [ -x /sbin/ntfsfix ]; then
	PATH="$PATH:/sbin:/usr/sbin" ntfsfix -n "$T_TMP/tiny.img" >"$T_TMP/fix" 2>&1
	expect_eq "destination full: ntfsfix -n finds the image consistent" 0 "$?"
fi

finish
