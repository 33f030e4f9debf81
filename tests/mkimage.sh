#!/bin/sh
# mkimage.sh: 'ntfslinks mkimage': a spec build (the same bytes as mkfixture, exact ground truth and scan), --describe, --empty, --from-dir of a Linux tree with hardlinks and symbolic links, and bad specs reported with their line.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

cd "$T_TMP" || exit 99

# ---- a spec build ----------------------------------------------------------
cat >ci.spec <<'SPEC'
image size=16M label=CI
file /data/a.txt -p text="hello\n"
link /data/a.txt /data/b.txt
dir "/other dir"
link /data/a.txt "/other dir/c.txt"
junction /old "\??\C:\data"
SPEC
run_nl mkimage --truth ci.truth ci.spec ci.img
expect_rc "spec build" 0
expect_eq "spec build: quiet" "" "$T_OUT$T_ERR"
# a.txt is the first record after the 64 system and reserved ones (64..),
# /data is 64, so a.txt 65, "/other dir" 66, /old 67
TAB=$(printf '\t')
expect_eq "ground truth" "volume${TAB}size=16777216${TAB}sector=512${TAB}cluster=4096${TAB}mft-record=1024
hardlink${TAB}/data/a.txt${TAB}/data/a.txt${TAB}3${TAB}65
hardlink${TAB}/data/a.txt${TAB}/data/b.txt${TAB}3${TAB}65
hardlink${TAB}/data/a.txt${TAB}/other dir/c.txt${TAB}3${TAB}65
reparse${TAB}/old${TAB}0xa0000003${TAB}junction${TAB}0${TAB}\\??\\C:\\data${TAB}C:\\data${TAB}-${TAB}67" "$(cat ci.truth)"
expect_eq "image size" 16777216 "$(stat -c %s ci.img)"
expect_eq "no temporary file left" "" "$(ls ci.img.tmp 2>/dev/null)"
run_nl hardlinks --csv ci.img
T_OUT=$(printf '%s\n' "$T_OUT" | tr -d '\r')
expect_eq "scan of the built image: hardlinks" "mft,seq,name_count,size,path,dos_alias
65,1,3,6,/data/a.txt,
65,1,3,6,/data/b.txt,
65,1,3,6,/other dir/c.txt," "$T_OUT"
run_nl reparse --csv ci.img
expect_match "scan of the built image: the junction" '^67,1,junction,inner,/old,/data,' "$T_OUT"
# the fixture builder is the same code: the same bytes
"$MKFIXTURE" --truth fx.truth ci.spec fx.img
expect_eq "mkfixture builds the same image" "$(hash_of fx.img)" "$(hash_of ci.img)"
expect_eq "mkfixture writes the same ground truth" "$(cat fx.truth)" "$(cat ci.truth)"

run_nl mkimage --describe ci.spec
expect_rc "--describe" 0
expect_eq "--describe: no record numbers, cluster auto" "volume${TAB}size=16777216${TAB}sector=512${TAB}cluster=auto${TAB}mft-record=1024
hardlink${TAB}/data/a.txt${TAB}/data/a.txt${TAB}3${TAB}-
hardlink${TAB}/data/a.txt${TAB}/data/b.txt${TAB}3${TAB}-
hardlink${TAB}/data/a.txt${TAB}/other dir/c.txt${TAB}3${TAB}-
reparse${TAB}/old${TAB}0xa0000003${TAB}junction${TAB}0${TAB}\\??\\C:\\data${TAB}C:\\data${TAB}-${TAB}-" "$T_OUT"

# ---- bad specs: the line, status 1, nothing left behind ----------------------
# bad SPECTEXT LINE REASON
bad() {
	printf '%s\n' "$1" >bad.spec
	echo stale >bad.img
	run_nl mkimage bad.spec bad.img
	expect_rc "bad spec ($3)" 1
	expect_eq "bad spec message ($3)" "ntfslinks: 'bad.spec:$2': $3" "$T_ERR"
	[ ! -e bad.img ] && [ ! -e bad.img.tmp ]
	expect_eq "bad spec ($3): no image left" 0 "$?"
	run_nl mkimage --describe bad.spec
	expect_eq "bad spec, --describe ($3)" "1 ntfslinks: 'bad.spec:$2': $3" "$T_RC $T_ERR"
}
bad 'image size=16M
dir /a
# a comment
frobnicate /a/b' 4 "unknown keyword 'frobnicate'"
bad 'image size=16M
file /a/x.txt -p text="x"
link /a/y.txt /a/z.txt' 3 "no such file or directory: /a/y.txt"
bad 'image size=16M
file "/unterminated text="x"' 2 "unterminated quote"
bad 'dir /a
image size=16M' 2 "'image' must come before everything else"
run_nl mkimage missing.spec out.img
expect_eq "missing spec" "1 ntfslinks: 'missing.spec': no such file or directory" "$T_RC $T_ERR"

# ---- misuse ------------------------------------------------------------------
run_nl mkimage ci.spec
expect_rc "one argument without a mode" 2
run_nl mkimage --empty 16M --bulk 10 x.img
expect_rc "two modes" 2
expect_eq "two modes: message" "ntfslinks: --describe, --bulk, --empty and --from-dir exclude each other
Try 'ntfslinks help mkimage' for more information." "$T_ERR"
run_nl mkimage --empty 1M x.img
expect_eq "--empty below 2M" "2 ntfslinks: bad value for --empty: '1M'" "$T_RC $(head -n 1 "$T_TMP/err")"
mkdir adir
run_nl mkimage --empty 16M adir
expect_eq "a folder is no image" "2 ntfslinks: 'adir': not a regular file: mkimage writes image files only" "$T_RC $T_ERR"

# ---- --empty ------------------------------------------------------------------
run_nl mkimage --empty 24M --label SCRATCH --cluster 1024 empty.img
expect_rc "--empty" 0
expect_eq "--empty: the size" 25165824 "$(stat -c %s empty.img)"
run_nl hardlinks empty.img
expect_eq "--empty: nothing in it" "Hardlink groups: 0
Names in them:   0" "$T_OUT"
run_nl info --json empty.img /
expect_rc "--empty: the root can be read" 0

# ---- --from-dir ----------------------------------------------------------------
mkdir -p tree/docs/sub tree/bin
printf 'one\n' >tree/docs/readme.txt
ln tree/docs/readme.txt tree/docs/sub/again.txt
ln tree/docs/readme.txt tree/top.txt
printf 'solo' >tree/bin/tool
ln -s ../docs/readme.txt tree/bin/readme-link
ln -s docs/sub tree/subdir-link
ln -s /etc/hostname tree/outside
ln -s nowhere tree/dangling
run_nl mkimage --from-dir tree tree.img
expect_rc "--from-dir" 0
expect_eq "--from-dir: quiet" "" "$T_OUT$T_ERR"
# the size from the tree: 12 entries (the root too) * 4 KiB, 2 files of
# data in 4 KiB clusters (readme.txt once): 57344; a quarter more: 71680;
# plus 8 MiB: 8460288, rounded up to a MiB: 9 MiB
expect_eq "--from-dir: the size from the tree" 9437184 "$(stat -c %s tree.img)"
run_nl hardlinks --csv tree.img
T_OUT=$(printf '%s\n' "$T_OUT" | tr -d '\r')
expect_eq "--from-dir: hardlinks kept" "mft,seq,name_count,size,path,dos_alias
69,1,3,4,/docs/readme.txt,
69,1,3,4,/docs/sub/again.txt,
69,1,3,4,/top.txt," "$T_OUT"
run_nl reparse --csv tree.img
expect_eq "--from-dir: symbolic links kept" "symlink,inner,/bin/readme-link,/docs/readme.txt,,0xa000000c,..\\docs\\readme.txt,true,false
symlink,dangling,/dangling,/nowhere,no such file,0xa000000c,nowhere,true,false
symlink,dangling,/outside,/etc/hostname,no such file,0xa000000c,\\??\\C:\\etc\\hostname,false,false
symlink,inner,/subdir-link,/docs/sub,,0xa000000c,docs\\sub,true,true" \
	"$(printf '%s\n' "$T_OUT" | tr -d '\r' | sed 1d | cut -d, -f3-9,11,14)"
"$COPYDUMP" tree.img / | sed 's/:[0-9a-f]\{16\}//' >dump.txt
expect_eq "--from-dir: the files, as libntfs-3g reads them" "bin dir
bin/readme-link rfile data=0 symlink ..\\docs\\readme.txt print=..\\docs\\readme.txt flags=1
bin/tool file data=4
dangling rfile data=0 symlink nowhere print=nowhere flags=1
docs dir
docs/readme.txt #1/3 file data=4
docs/sub dir
docs/sub/again.txt #1/3 file data=4
outside rfile data=0 symlink \\??\\C:\\etc\\hostname print=C:\\etc\\hostname flags=0
subdir-link rdir symlink docs\\sub print=docs\\sub flags=1
top.txt #1/3 file data=4" "$(cat dump.txt)"
run_nl mkimage --from-dir tree --size 32M sized.img
expect_eq "--from-dir --size" "0 33554432" "$T_RC $(stat -c %s sized.img)"
run_nl mkimage --from-dir no-such-dir x.img
expect_eq "--from-dir of a missing folder" "2 ntfslinks: 'no-such-dir': no such file or directory" "$T_RC $T_ERR"
expect_eq "--from-dir failed: nothing left" "" "$(ls x.img x.img.tmp 2>/dev/null)"

finish
