#!/bin/sh
# edit-move.sh: 'ntfslinks move' (Smart Move): a folder moved, every link that pointed into it rewritten to the same object (absolute stays absolute, relative recomputed for links inside and outside the tree), links that did not point into it left alone, targets \??\Volume{GUID}\... of this volume rewritten only with --guid; refusals (into itself, a taken name, the root) and a dry run leave the image as it was.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/edit-lib.sh"
need_cmd ntfsfix python3

cat >"$T_TMP/m.spec" <<'EOS'
image size=16M
namespace win32
dir /data
dir /data/sub
file /data/sub/f.txt text="f\n"
junction /j-abs "\??\C:\data\sub"
symlink /s-rel "data\sub\f.txt" relative
symlink /data/inside-rel "sub\f.txt" relative
symlink /data/out-rel "..\other\o.txt" relative
file /other/o.txt -p text="o\n"
junction /j-other "\??\C:\other"
dir /archive
EOS
# records in the order of the spec: /data 64, /data/sub 65, f.txt 66,
# /j-abs 67, /s-rel 68, /data/inside-rel 69, /data/out-rel 70, /other 71,
# o.txt 72, /j-other 73, /archive 74
IMG=$T_TMP/m.img
build_fixture "$T_TMP/m.spec" "$IMG"
h=$(hash_of "$IMG")

# ---- refusals and a dry run: nothing written
run_nl move "$IMG:/data" "$IMG:/data/sub/x"
expect_rc "into itself: exit status" 1
expect_eq "into itself: the reason" "ntfslinks: '$IMG:/data': cannot move a folder into itself ('/data/sub/x')" "$T_ERR"
run_nl move "$IMG:/data" "$IMG:/j-other"
expect_rc "a taken name: exit status" 1
expect_eq "a taken name: the reason" "ntfslinks: '$IMG:/j-other': exists" "$T_ERR"
run_nl move "$IMG:/" "$IMG:/x"
expect_rc "the root: exit status" 1
run_nl move "$IMG:/none" "$IMG:/x"
expect_rc "no such name: exit status" 1
expect_eq "no such name: the reason" "ntfslinks: '$IMG:/none': no such file or folder" "$T_ERR"
run_nl move -n "$IMG:/data" "$IMG:/archive/data2"
expect_rc "dry run: exit status" 0
expect_eq "dry run: the last line" "dry run: 4 changes (nothing written)" "$(printf '%s\n' "$T_OUT" | tail -1)"
expect_eq "refusals and a dry run write nothing" "$h" "$(hash_of "$IMG")"

# ---- the move
scan "$IMG" "$T_TMP/s0"
run_nl move "$IMG:/data" "$IMG:/archive/data2"
expect_rc "move: exit status" 0
expect_eq "move: the log" \
"rename      /data -> /archive/data2 (3 links to retarget)
retarget    /archive/data2/out-rel -> ..\\..\\other\\o.txt (..\\other\\o.txt)
retarget    /j-abs -> C:\\archive\\data2\\sub (C:\\data\\sub)
retarget    /s-rel -> archive\\data2\\sub\\f.txt (data\\sub\\f.txt)
4 changes" "$T_OUT"
scan "$IMG" "$T_TMP/s1"
expect_eq "move: every link still leads to the same object, nothing else changed" \
"- reparse 69 /data/inside-rel symlink /data/sub/f.txt inner
- reparse 70 /data/out-rel symlink /other/o.txt inner
- reparse 67 /j-abs junction /data/sub inner
- reparse 68 /s-rel symlink /data/sub/f.txt inner
+ reparse 69 /archive/data2/inside-rel symlink /archive/data2/sub/f.txt inner
+ reparse 70 /archive/data2/out-rel symlink /other/o.txt inner
+ reparse 67 /j-abs junction /archive/data2/sub inner
+ reparse 68 /s-rel symlink /archive/data2/sub/f.txt inner" "$(scan_diff "$T_TMP/s0" "$T_TMP/s1")"
fsck_ok "move" "$IMG"

# ---- JSON, a file renamed in its folder
run_nl move --json "$IMG:/other/o.txt" "$IMG:/other/renamed.txt"
expect_eq "rename of a file: the JSON log" \
'{"type":"action","action":"rename","path":"/other/o.txt","target":"/other/renamed.txt","detail":"1 link to retarget","mft":72,"dry_run":false}
{"type":"action","action":"retarget","path":"/archive/data2/out-rel","target":"..\\..\\other\\renamed.txt","detail":"..\\..\\other\\o.txt","mft":70,"dry_run":false}
{"type":"summary","changes":2,"warnings":0,"dry_run":false}' "$T_OUT"
fsck_ok "rename" "$IMG"

# ---- the independent view through ntfs-3g
if can_fuse && mnt "$IMG" "$T_TMP/m" ro; then
	expect_eq "ntfs-3g: the moved folder keeps its record" "65" "$(stat -c '%i' "$T_TMP/m/archive/data2/sub")"
	expect_eq "ntfs-3g: the contents through every rewritten link" "f|f|o" \
		"$(cat "$T_TMP/m/s-rel" "$T_TMP/m/archive/data2/inside-rel" "$T_TMP/m/archive/data2/out-rel" | paste -sd'|')"
	unmnt "$T_TMP/m"
else
	echo "SKIP (part): no ntfs-3g mount here (needs root and /dev/fuse): the view through ntfs-3g left out"
fi

# ---- mount-point-style targets naming this volume (\??\Volume{GUID}\...):
# rewritten only when --guid says the GUID is this volume's
G=4f1e5a2c-9d3b-11e0-a5c1-806e6f6e6963
cat >"$T_TMP/g.spec" <<EOS
image size=16M
namespace win32
dir /data
dir /data/sub
junction /j-vol "\\??\\Volume{$G}\\data\\sub"
junction /j-other-vol "\\??\\Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}\\data\\sub"
junction /j-abs "\\??\\C:\\data"
dir /archive
EOS
# records: /data 64, /data/sub 65, /j-vol 66, /j-other-vol 67, /j-abs 68, /archive 69
GIMG=$T_TMP/g.img
build_fixture "$T_TMP/g.spec" "$GIMG"
cp "$GIMG" "$T_TMP/g2.img"
run_nl move "$T_TMP/g2.img:/data" "$T_TMP/g2.img:/archive/data"
expect_rc "move without --guid: exit status" 0
expect_eq "move without --guid: Volume{GUID} targets are another volume's" \
"rename      /data -> /archive/data (1 link to retarget)
retarget    /j-abs -> C:\\archive\\data (C:\\data)
2 changes" "$T_OUT"
run_nl move --guid "{bad}" "$GIMG:/data" "$GIMG:/archive/data"
expect_rc "a malformed --guid: exit status" 2
scan "$GIMG" "$T_TMP/g0"
run_nl move --guid "{$(printf '%s' "$G" | tr a-f A-F)}" "$GIMG:/data" "$GIMG:/archive/data"
expect_rc "move --guid: exit status" 0
expect_eq "move --guid: this volume's Volume{GUID} target rewritten in the same form" \
"rename      /data -> /archive/data (2 links to retarget)
retarget    /j-abs -> C:\\archive\\data (C:\\data)
retarget    /j-vol -> \\\\?\\Volume{$G}\\archive\\data\\sub (\\\\?\\Volume{$G}\\data\\sub)
3 changes" "$T_OUT"
scan "$GIMG" "$T_TMP/g1"
expect_eq "move --guid: the scan shows exactly the two rewritten links" \
"- reparse 68 /j-abs junction /data inner
- reparse 66 /j-vol mount_point Volume{$G}/data/sub other-volume
+ reparse 68 /j-abs junction /archive/data inner
+ reparse 66 /j-vol mount_point Volume{$G}/archive/data/sub other-volume" "$(scan_diff "$T_TMP/g0" "$T_TMP/g1")"
expect_eq "move --guid: substitute and print name as Windows writes a mount point's" \
"\\??\\Volume{$G}\\archive\\data\\sub|\\\\?\\Volume{$G}\\archive\\data\\sub" \
"$("$NTFSLINKS" reparse --json "$GIMG" | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o.get("path") == "/j-vol":
        print(o["substitute_name"] + "|" + o["print_name"])')"
fsck_ok "move --guid" "$GIMG"

finish
