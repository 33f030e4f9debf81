#!/bin/sh
# edit-rm.sh: 'ntfslinks rm': a name, a junction removed as a link (its target kept), a tree with -r never followed through its links, a DOS alias and its long name together, the last name freeing the record, --links-only; refusals leave the image as it was; the scan before and after differs by exactly what was removed.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/edit-lib.sh"
need_cmd ntfsfix python3

cat >"$T_TMP/r.spec" <<'EOS'
image size=16M cluster=4096
namespace win32
dir /keep
file /keep/target.txt text="t\n"
dir /tree
dir /tree/sub
file /tree/a.txt size=10000 pattern=A
file /tree/sub/b.txt text="b\n"
link /tree/sub/b.txt /keep/b-outside.txt
junction /tree/j "\??\C:\keep"
symlink /tree/sub/s.txt "..\..\keep\target.txt" relative
junction /jroot "\??\C:\tree"
file "/dos/Long File Name.txt" -p text="x"
dosname "/dos/Long File Name.txt" LONGFI~1.TXT
dir /empty
EOS
# records in the order of the spec: /keep 64, /keep/target.txt 65, /tree 66,
# /tree/sub 67, /tree/a.txt 68 (10000 bytes: 3 clusters), /tree/sub/b.txt 69,
# /tree/j 70, /tree/sub/s.txt 71, /jroot 72, /dos 73, its file 74, /empty 75
IMG=$T_TMP/r.img
build_fixture "$T_TMP/r.spec" "$IMG"
cp "$IMG" "$T_TMP/orig.img"
h=$(hash_of "$IMG")

# ---- refusals: exit 1, nothing written
run_nl rm "$IMG:/tree"
expect_rc "a folder that is not empty: exit status" 1
expect_eq "a folder that is not empty: the reason" \
	"ntfslinks: '$IMG:/tree': folder not empty (-r removes it with everything in it, never following a link)" "$T_ERR"
run_nl rm "$IMG:/"
expect_rc "the root: exit status" 1
expect_eq "the root: the reason" "ntfslinks: '$IMG:/': the root folder cannot be removed" "$T_ERR"
run_nl rm -r "$IMG:/none"
expect_rc "no such name: exit status" 1
expect_eq "no such name: the reason" "ntfslinks: '$IMG:/none': no such file or folder" "$T_ERR"
run_nl rm -n -r "$IMG:/tree"
expect_rc "dry run: exit status" 0
expect_eq "refusals and a dry run write nothing" "$h" "$(hash_of "$IMG")"
run_nl rm -r --links-only "$IMG:/tree"
expect_rc "-r with --links-only: misuse" 2

# ---- a junction is removed as a link: what it points to stays
scan "$IMG" "$T_TMP/s0"
run_nl rm "$IMG:/jroot"
expect_rc "junction: exit status" 0
expect_eq "junction: the log" "unlink-link /jroot -> C:\\tree (junction, record 72 freed)
1 change" "$T_OUT"
scan "$IMG" "$T_TMP/s1"
expect_eq "junction: the scan loses the link only" \
"- reparse 72 /jroot junction /tree inner
summary in_use: 31 -> 30
summary files_and_directories: 27 -> 26
summary directories: 9 -> 8
summary name_count: 28 -> 27
summary reparse_points: 3 -> 2
summary inner: 3 -> 2
summary drive_support: 2 -> 1
summary drive_targets: 2 -> 1" "$(scan_diff "$T_TMP/s0" "$T_TMP/s1")"
fsck_ok "junction" "$IMG"

# ---- -r: the tree goes, the links in it as links; b.txt keeps its name outside
run_nl rm -r "$IMG:/tree"
expect_rc "-r: exit status" 0
expect_eq "-r: the log, deepest names first" \
"free        /tree/a.txt (record 68 freed, 3 clusters)
unlink-link /tree/j -> C:\\keep (junction, record 70 freed)
unlink      /tree/sub/b.txt (1 name left)
unlink-link /tree/sub/s.txt -> ..\\..\\keep\\target.txt (symlink, record 71 freed)
rmdir       /tree/sub (record 67 freed, 0 clusters)
rmdir       /tree (record 66 freed, 0 clusters)
6 changes" "$T_OUT"
scan "$IMG" "$T_TMP/s2"
expect_eq "-r: the scan loses the tree only" \
"- hardlink_group 69 2 /keep/b-outside.txt,/tree/sub/b.txt
- reparse 70 /tree/j junction /keep inner
- reparse 71 /tree/sub/s.txt symlink /keep/target.txt inner
summary in_use: 30 -> 25
summary files_and_directories: 26 -> 21
summary directories: 8 -> 5
summary name_count: 27 -> 21
summary hardlink_groups: 1 -> 0
summary hardlink_names: 2 -> 0
summary reparse_points: 2 -> 0
summary inner: 2 -> 0
summary drive: \"C:\" -> null
summary drive_support: 1 -> 0
summary drive_targets: 1 -> 0" "$(scan_diff "$T_TMP/s1" "$T_TMP/s2")"
fsck_ok "-r" "$IMG"

# ---- a DOS alias names the file: both names go; JSON; one path refused, the others done
run_nl rm --json "$IMG:/dos/longfi~1.txt" "$IMG:/none" "$IMG:/empty"
expect_rc "several paths, one missing: exit status" 1
expect_eq "several paths: the JSON log" \
'{"type":"action","action":"free","path":"/dos/Long File Name.txt","target":null,"detail":"record 74 freed, 0 clusters","mft":74,"dry_run":false}
{"type":"action","action":"rmdir","path":"/empty","target":null,"detail":"record 75 freed, 0 clusters","mft":75,"dry_run":false}
{"type":"summary","changes":2,"warnings":0,"dry_run":false}' "$T_OUT"
scan "$IMG" "$T_TMP/s3"
expect_eq "the DOS alias went with its long name" \
"summary in_use: 25 -> 23
summary files_and_directories: 21 -> 19
summary directories: 5 -> 4
summary name_count: 21 -> 19
summary dos_names: 1 -> 0" "$(scan_diff "$T_TMP/s2" "$T_TMP/s3")"
fsck_ok "a DOS alias" "$IMG"

# ---- the independent view: the junction's target and b.txt's other name are intact
if can_fuse && mnt "$IMG" "$T_TMP/m" ro; then
	expect_eq "ntfs-3g: what is left at the root" "dos|keep" "$(ls "$T_TMP/m" | paste -sd'|')"
	expect_eq "ntfs-3g: /keep untouched by the junctions that pointed to it" \
		"b-outside.txt|target.txt" "$(ls "$T_TMP/m/keep" | paste -sd'|')"
	expect_eq "ntfs-3g: b.txt's other name has 1 link, inode 69" "1 69 b" \
		"$(stat -c '%h %i' "$T_TMP/m/keep/b-outside.txt") $(cat "$T_TMP/m/keep/b-outside.txt")"
	unmnt "$T_TMP/m"
else
	echo "SKIP (part): no ntfs-3g mount here (needs root and /dev/fuse): the view through ntfs-3g left out"
fi

# ---- --links-only: the links become plain folders and files
cp "$T_TMP/orig.img" "$IMG"
scan "$IMG" "$T_TMP/l0"
run_nl rm --links-only "$IMG:/"
expect_rc "--links-only: exit status" 0
expect_eq "--links-only: the log" "unreparse   /jroot -> C:\\tree (junction)
unreparse   /tree/j -> C:\\keep (junction)
unreparse   /tree/sub/s.txt -> ..\\..\\keep\\target.txt (symlink)
3 changes" "$T_OUT"
scan "$IMG" "$T_TMP/l1"
expect_eq "--links-only: the scan loses the reparse points only" \
"- reparse 72 /jroot junction /tree inner
- reparse 70 /tree/j junction /keep inner
- reparse 71 /tree/sub/s.txt symlink /keep/target.txt inner
summary reparse_points: 3 -> 0
summary inner: 3 -> 0
summary drive: \"C:\" -> null
summary drive_support: 2 -> 0
summary drive_targets: 2 -> 0" "$(scan_diff "$T_TMP/l0" "$T_TMP/l1")"
fsck_ok "--links-only" "$IMG"
if can_fuse && mnt "$IMG" "$T_TMP/m" ro; then
	expect_eq "ntfs-3g: the junctions are empty folders, the symlink an empty file" \
		"directory|directory|regular empty file" \
		"$(cd "$T_TMP/m" && stat -c '%F' jroot tree/j tree/sub/s.txt | paste -sd'|')"
	expect_eq "ntfs-3g: no reparse data left" "" \
		"$(getfattr -n system.ntfs_reparse_data "$T_TMP/m/jroot" 2>/dev/null)"
	unmnt "$T_TMP/m"
fi

finish
