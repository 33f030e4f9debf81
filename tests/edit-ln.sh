#!/bin/sh
# edit-ln.sh: 'ntfslinks ln': one more hard link, several files into a folder, --auto-rename, and every refusal (a taken name, a folder, the 1023-name limit, names Windows forbids) leaving the image as it was; the scan before and after differs by the new names only.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/edit-lib.sh"
need_cmd ntfsfix python3

IMG=$T_TMP/l.img
cat >"$T_TMP/l.spec" <<'EOS'
image size=16M
namespace win32
dir /a
dir /b
dir /b/sub
file /a/f.txt text="f\n"
file /a/g.txt text="gg\n"
link /a/g.txt /b/g.txt
file /max/f0000.txt -p text="max\n"
link /max/f0000.txt /max/f{0001..1022}.txt
EOS
build_fixture "$T_TMP/l.spec" "$IMG"
# the records, in the order mkfixture creates them: /a 64, /b 65, /b/sub 66,
# /a/f.txt 67, /a/g.txt 68, /max 69, /max/f0000.txt 70; 1045 names in all
# with the system files'; 2 groups: /a/g.txt's 2 names, /max's 1023
run_nl siblings "$IMG" /a/f.txt
expect_match "fixture: /a/f.txt is record 67" '^ 67 ' "$T_OUT"

# ---- one more name
scan "$IMG" "$T_TMP/s0"
run_nl ln "$IMG:/a/f.txt" "$IMG:/b/f2.txt"
expect_rc "ln: exit status" 0
expect_eq "ln: the action log" "link        /b/f2.txt -> /a/f.txt (2 names)
1 change" "$T_OUT"
scan "$IMG" "$T_TMP/s1"
expect_eq "ln: the scan differs by the new group only" \
'+ hardlink_group 67 2 /a/f.txt,/b/f2.txt
summary name_count: 1045 -> 1046
summary hardlink_groups: 2 -> 3
summary hardlink_names: 1025 -> 1027' "$(scan_diff "$T_TMP/s0" "$T_TMP/s1")"
fsck_ok "ln" "$IMG"
run_nl siblings "$IMG" /b/f2.txt
expect_eq "ln: the new name is a POSIX name without a DOS alias, as Windows 10 writes it" \
"win32      /a/f.txt   -|posix      /b/f2.txt  -" "$(printf '%s\n' "$T_OUT" | tail -n +2 | cut -c 11- | paste -sd'|')"

# ---- several files into a folder, as JSON
run_nl ln --json "$IMG:/a/f.txt" "$IMG:/a/g.txt" "$IMG:/b/sub/"
expect_rc "ln into a folder: exit status" 0
expect_eq "ln into a folder: the JSON action log" \
'{"type":"action","action":"link","path":"/b/sub/f.txt","target":"/a/f.txt","detail":"3 names","mft":67,"dry_run":false}
{"type":"action","action":"link","path":"/b/sub/g.txt","target":"/a/g.txt","detail":"3 names","mft":68,"dry_run":false}
{"type":"summary","changes":2,"warnings":0,"dry_run":false}' "$T_OUT"
# an existing folder as the last of two arguments: the name goes inside
run_nl ln "$IMG:/a/f.txt" "$IMG:/max"
expect_rc "ln FILE FOLDER: exit status" 0
expect_eq "ln FILE FOLDER: the name inside the folder" "link        /max/f.txt -> /a/f.txt (4 names)
1 change" "$T_OUT"
fsck_ok "ln into a folder" "$IMG"

# ---- refusals: exit 1, the image unchanged
h=$(hash_of "$IMG")
refused() { # refused WHAT MESSAGE ARGS...
	what=$1 msg=$2
	shift 2
	run_nl ln "$@"
	expect_rc "$what: exit status" 1
	expect_eq "$what: the reason" "$msg" "$T_ERR"
	expect_eq "$what: nothing written" "$h" "$(hash_of "$IMG")"
}
refused "a taken name (in another case)" \
	"ntfslinks: '$IMG:/b/G.TXT': exists (--auto-rename picks a free name)" "$IMG:/a/f.txt" "$IMG:/b/G.TXT"
refused "a folder" \
	"ntfslinks: '$IMG:/b/sub': a folder cannot be hard-linked (a junction can point to it)" "$IMG:/b/sub" "$IMG:/b/sub2"
refused "the 1024th name" \
	"ntfslinks: '$IMG:/max/f0000.txt': has 1023 names: 1 more would pass the limit of 1023 names of a file" \
	"$IMG:/max/f0000.txt" "$IMG:/b/one-more.txt"
refused "several files, the last one over the limit: none is linked" \
	"ntfslinks: '$IMG:/max/f0000.txt': has 1023 names: 1 more would pass the limit of 1023 names of a file" \
	"$IMG:/a/g.txt" "$IMG:/max/f0000.txt" "$IMG:/"
refused "two files under one name: none is linked" \
	"ntfslinks: '$IMG:/g.txt': exists (--auto-rename picks a free name)" "$IMG:/a/f.txt" "$IMG:/b/g.txt" "$IMG:/a/g.txt" "$IMG:/"
refused "no such file" "ntfslinks: '$IMG:/a/none.txt': no such file or folder" "$IMG:/a/none.txt" "$IMG:/b/x"
refused "no such folder" "ntfslinks: '$IMG:/c': no such file or folder" "$IMG:/a/f.txt" "$IMG:/c/x"
refused "a reserved device name" \
	"ntfslinks: '$IMG:/b/aux.txt': 'aux.txt' is a reserved device name on Windows (--posix allows it)" \
	"$IMG:/a/f.txt" "$IMG:/b/aux.txt"
refused "a trailing dot" \
	"ntfslinks: '$IMG:/b/x.': 'x.': Windows does not allow a name ending in a dot or a space (--posix allows it)" \
	"$IMG:/a/f.txt" "$IMG:/b/x."
refused "a reserved character" \
	"ntfslinks: '$IMG:/b/a?b': 'a?b': Windows does not allow < > : \" \\ | ? * or control characters in a name (--posix allows them)" \
	"$IMG:/a/f.txt" "$IMG:/b/a?b"
run_nl ln "$IMG:/a/f.txt" "$T_TMP/other.img:/x"
expect_rc "not an image: misuse" 2
cp "$IMG" "$T_TMP/copy.img"
run_nl ln "$IMG:/a/f.txt" "$T_TMP/copy.img:/b/x"
expect_rc "two images: misuse" 2
expect_eq "two images: the reason" "ntfslinks: '$IMG:/a/f.txt' and '$T_TMP/copy.img:/b/x' are not in one image: ln works inside one volume
Try 'ntfslinks help ln' for more information." "$T_ERR"

# ---- a dry run lists and writes nothing
run_nl ln -n "$IMG:/a/f.txt" "$IMG:/b/dry.txt"
expect_rc "dry run: exit status" 0
expect_eq "dry run: the log" "link        /b/dry.txt -> /a/f.txt (5 names)
dry run: 1 change (nothing written)" "$T_OUT"
expect_eq "dry run: nothing written" "$h" "$(hash_of "$IMG")"

# ---- --auto-rename: Explorer's names
run_nl ln --auto-rename "$IMG:/a/f.txt" "$IMG:/b/g.txt"
expect_eq "auto-rename: first" "link        /b/g - Hardlink.txt -> /a/f.txt (5 names)" "$(printf '%s\n' "$T_OUT" | head -1)"
run_nl ln --auto-rename "$IMG:/a/f.txt" "$IMG:/b/g.txt"
expect_eq "auto-rename: second" "link        /b/g - Hardlink (2).txt -> /a/f.txt (6 names)" "$(printf '%s\n' "$T_OUT" | head -1)"

# ---- names: --posix, and an unpaired surrogate through the escape syntax
run_nl ln --posix "$IMG:/a/f.txt" "$IMG:/b/aux"
expect_rc "--posix: exit status" 0
run_nl ln "$IMG:/a/f.txt" "$IMG:/b/\\u{d800}lone"
expect_rc "an unpaired surrogate: exit status" 0
run_nl siblings "$IMG" /a/f.txt
expect_eq "the names of /a/f.txt" "win32      /a/f.txt                 -
posix      /b/aux                   -
posix      /b/f2.txt                -
posix      /b/g - Hardlink (2).txt  -
posix      /b/g - Hardlink.txt      -
posix      /b/sub/f.txt             -
posix      /b/\\u{d800}lone          -
posix      /max/f.txt               -" "$(printf '%s\n' "$T_OUT" | tail -n +2 | cut -c 11-)"
fsck_ok "after every ln" "$IMG"

# ---- the independent view: ntfs-3g sees one inode with 8 links
if can_fuse && mnt "$IMG" "$T_TMP/m" ro; then
	expect_eq "ntfs-3g: link count and inode of every name" \
"8 67|8 67|8 67|8 67|8 67|8 67" \
	"$(cd "$T_TMP/m" && stat -c '%h %i' a/f.txt b/aux b/f2.txt 'b/g - Hardlink (2).txt' b/sub/f.txt max/f.txt | paste -sd'|')"
	expect_eq "ntfs-3g: the content through a new name" "f" "$(cat "$T_TMP/m/b/sub/f.txt")"
	expect_eq "ntfs-3g: /a/g.txt has 3 links" "3 68" "$(stat -c '%h %i' "$T_TMP/m/b/sub/g.txt")"
	unmnt "$T_TMP/m"
else
	echo "SKIP (part): no ntfs-3g mount here (needs root and /dev/fuse): link counts through ntfs-3g left out"
fi

finish
