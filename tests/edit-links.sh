#!/bin/sh
# edit-links.sh: junction, symlink, mountpoint and retarget on images built by mkfixture: the
# scan before and after differs by exactly the link made or changed, ntfsfix -n is clean, times
# are kept by retarget, refused operations leave the image as it was, --dry-run writes nothing.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd ntfsfix ntfsinfo python3

G=0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963
cat >"$T_TMP/t.spec" <<'EOF'
image size=16M
default-time 2015-06-07T08:09:10Z
dir /Data
dir /Data/sub
file /Data/f.txt text="hello"
junction /Old "\??\C:\Data" ctime=2001-02-03T04:05:06Z mtime=2002-03-04T05:06:07Z
symlink /Data/rel.txt "f.txt" relative
symlink /Data/abs.txt "\??\C:\Data\f.txt" time=2003-01-01T00:00:00Z
symlink /Data/other "\??\D:\Elsewhere" dir
EOF
build_fixture "$T_TMP/t.spec" "$T_TMP/base.img"

# rows IMAGE: the links of a scan, one line each, sorted (what a change must show and nothing else)
rows() {
	"$NTFSLINKS" scan --json "$1" | jfields reparse path mft tag_name class target substitute_name \
		print_name relative directory | sort
}
# changed BEFORE AFTER: the rows that went (-) and came (+)
changed() {
	diff "$1" "$2" | sed -n 's/^\([<>]\) /\1 /p' | sed 's/^</-/; s/^>/+/'
}
# fsck WHAT IMAGE: ntfsfix -n finds nothing to fix
fsck() {
	PATH="$PATH:/usr/sbin:/sbin" ntfsfix -n "$2" >"$T_TMP/fix" 2>&1
	expect_match "$1: ntfsfix -n" "processed successfully" "$(cat "$T_TMP/fix")"
}
# fresh: a new copy of the base image in $IMG, its rows in $T_TMP/before
fresh() {
	IMG=$T_TMP/t.img
	cp "$T_TMP/base.img" "$IMG"
	rows "$IMG" >"$T_TMP/before"
}
# after WHAT EXPECTED-CHANGE: the scan differs by exactly that, and ntfsfix is happy
after() {
	rows "$IMG" >"$T_TMP/after"
	expect_eq "$1: the scan differs by exactly the change" "$2" "$(changed "$T_TMP/before" "$T_TMP/after")"
	fsck "$1" "$IMG"
}
T=$(printf '\t')

# ---- junction: a path on this volume, written with the inferred drive C:
fresh
run_nl junction "$IMG:/J" /Data/sub
expect_rc "junction /Data/sub" 0
expect_eq "junction: the action log" "create      /J -> C:\\Data\\sub (junction)
1 change" "$T_OUT"
m=$(mft_of "$IMG" /J)
after "junction /Data/sub" "+ /J$T$m${T}junction${T}inner$T/Data/sub$T\\??\\C:\\Data\\sub${T}C:\\Data\\sub$T-${T}true"

# --drive E: says this volume is E:, so a C: target is not looked up here (the scan still infers C:)
fresh
run_nl junction --drive E: "$IMG:/J2" "C:\\Data"
expect_rc "junction --drive E: C:\\Data" 0
m=$(mft_of "$IMG" /J2)
after "junction --drive E:" "+ /J2$T$m${T}junction${T}inner$T/Data$T\\??\\C:\\Data${T}C:\\Data$T-${T}true"

# ---- symlink: a file, relative, to a file on this volume
fresh
run_nl symlink --relative "$IMG:/Data/sub/s.txt" /Data/f.txt
expect_rc "symlink --relative" 0
expect_eq "symlink --relative: the action log" "create      /Data/sub/s.txt -> ..\\f.txt (symlink, file)
1 change" "$T_OUT"
m=$(mft_of "$IMG" /Data/sub/s.txt)
after "symlink --relative" "+ /Data/sub/s.txt$T$m${T}symlink${T}inner$T/Data/f.txt$T..\\f.txt$T..\\f.txt${T}true${T}false"

# a folder symlink: its target is a folder; a missing target: a warning, made anyway, a file
fresh
run_nl symlink "$IMG:/sd" "C:\\Data\\sub"
expect_rc "symlink to a folder" 0
run_nl symlink "$IMG:/missing" "..\\nothing.txt"
expect_rc "symlink to a missing target" 0
expect_eq "symlink to a missing target: the warning" \
	"ntfslinks: '/missing': warning: the target does not exist" "$T_ERR"
run_nl symlink "$IMG:/unc" "\\\\server\\share\\x"
expect_rc "symlink to a network path" 0
m1=$(mft_of "$IMG" /sd) m2=$(mft_of "$IMG" /missing) m3=$(mft_of "$IMG" /unc)
after "symlinks: folder, missing, network" "+ /missing$T$m2${T}symlink${T}dangling$T../nothing.txt$T..\\nothing.txt$T..\\nothing.txt${T}true${T}false
+ /sd$T$m1${T}symlink${T}inner$T/Data/sub$T\\??\\C:\\Data\\sub${T}C:\\Data\\sub${T}false${T}true
+ /unc$T$m3${T}symlink${T}other-volume$T//server/share/x$T\\??\\UNC\\server\\share\\x$T\\\\server\\share\\x${T}false${T}false"

# ---- mountpoint: \??\Volume{GUID}\ and an empty print name, as mountvol writes it
fresh
run_nl mountpoint "$IMG:/Data/M" "Volume{$G}\\"
expect_rc "mountpoint" 0
m=$(mft_of "$IMG" /Data/M)
after "mountpoint" "+ /Data/M$T$m${T}mount_point${T}other-volume${T}Volume{$G}/$T\\??\\Volume{$G}\\$T$T-${T}true"

# ---- refused: nothing is written (the image keeps its hash), exit 1, the reason
fresh
h=$(hash_of "$IMG")
run_nl junction "$IMG:/Old" /Data
expect_rc "an existing name" 1
expect_eq "an existing name: why" "ntfslinks: '$IMG:/Old': already exists" "$T_ERR"
run_nl junction "$IMG:/J" "..\\x"
expect_rc "a relative junction" 1
expect_eq "a relative junction: why" \
	"ntfslinks: '..\\x': a relative target can only be the target of a symbolic link" "$T_ERR"
run_nl mountpoint "$IMG:/M" "Volume{$G}\\sub"
expect_rc "a mount point below a volume's root" 1
run_nl junction "$IMG:/nofolder/J" /Data
expect_rc "a missing folder" 1
expect_eq "a missing folder: why" "ntfslinks: '$IMG:/nofolder/J': no such folder" "$T_ERR"
run_nl junction "$IMG:/aux" /Data
expect_rc "a reserved name" 1
run_nl symlink --dir --file "$IMG:/x" /Data
expect_rc "--dir and --file" 2
run_nl mountpoint --drive C: "$IMG:/x" "{$G}"
expect_rc "mountpoint takes no --drive" 2
long=$(python3 -c 'print("C:\\" + "a" * 5000)')
run_nl junction "$IMG:/long" "$long"
expect_rc "a target over 16 KiB of reparse data" 1
expect_match "a target over 16 KiB: why" "target too long for a reparse point \\(16 KiB\\)" "$T_ERR"
run_nl junction -n "$IMG:/J" /Data/sub
expect_rc "junction --dry-run" 0
expect_eq "junction --dry-run: the log" "create      /J -> C:\\Data\\sub (junction)
dry run: 1 change (nothing written)" "$T_OUT"
ro_check "refused and dry-run operations" "$IMG" "$h"

# ---- retarget: in place; the record, its times and its other names stay
fresh
ntfsinfo -i "$(mft_of "$IMG" /Old)" "$IMG" 2>/dev/null | grep -i "time" >"$T_TMP/times.before"
run_nl retarget "$IMG:/Old" /Data/sub
expect_rc "retarget /Old" 0
expect_eq "retarget: the action log" "retarget    /Old -> C:\\Data\\sub (C:\\Data)
1 change" "$T_OUT"
m=$(mft_of "$IMG" /Old)
after "retarget /Old" "- /Old$T$m${T}junction${T}inner$T/Data$T\\??\\C:\\Data${T}C:\\Data$T-${T}true
+ /Old$T$m${T}junction${T}inner$T/Data/sub$T\\??\\C:\\Data\\sub${T}C:\\Data\\sub$T-${T}true"
ntfsinfo -i "$m" "$IMG" 2>/dev/null | grep -i "time" >"$T_TMP/times.after"
expect_file_eq "retarget keeps every time of the record" "$T_TMP/times.before" "$T_TMP/times.after"
run_nl retarget "$IMG:/Data/f.txt" /Data
expect_rc "retarget of a file that is no link" 1
expect_eq "retarget of no link: why" \
	"ntfslinks: '$IMG:/Data/f.txt': not a junction, symbolic link or mount point" "$T_ERR"

# NEWTARGET written relative with --relative; a target already relative is taken as it is
fresh
run_nl retarget --relative "$IMG:/Data/abs.txt" /Data/sub/../f.txt
expect_rc "retarget --relative NEWTARGET" 0
expect_eq "retarget --relative NEWTARGET: the log" "retarget    /Data/abs.txt -> f.txt (C:\\Data\\f.txt)
1 change" "$T_OUT"
run_nl symlink --relative "$IMG:/Data/sub/r2" "..\\f.txt"
expect_rc "symlink --relative to a relative target" 0
expect_eq "symlink --relative to a relative target: the log" "create      /Data/sub/r2 -> ..\\f.txt (symlink, file)
1 change" "$T_OUT"
fsck "retarget and symlink --relative" "$IMG"

# bulk --map: --dry-run lists every change and writes nothing, then the real run
fresh
h=$(hash_of "$IMG")
run_nl retarget -n --map "c:\\DATA=E:\\New" --under "$IMG:/"
expect_rc "retarget --map --dry-run" 0
expect_eq "retarget --map --dry-run: every change" "retarget    /Data/abs.txt -> E:\\New\\f.txt (C:\\Data\\f.txt)
retarget    /Old -> E:\\New (C:\\Data)
dry run: 2 changes (nothing written)" "$T_OUT"
ro_check "retarget --dry-run" "$IMG" "$h"
nl_json retarget --map "c:\\DATA=E:\\New" --under "$IMG:/"
expect_rc "retarget --map" 0
expect_eq "retarget --map --json" "retarget	/Data/abs.txt	E:\\New\\f.txt	C:\\Data\\f.txt	false
retarget	/Old	E:\\New	C:\\Data	false" "$(jfields action action path target detail dry_run <"$T_TMP/out")"
m1=$(mft_of "$IMG" /Data/abs.txt) m2=$(mft_of "$IMG" /Old)
rows "$IMG" >"$T_TMP/after"
expect_eq "retarget --map: the targets, now on another drive" \
	"/Data/abs.txt	\\??\\E:\\New\\f.txt	E:\\New\\f.txt
/Old	\\??\\E:\\New	E:\\New" \
	"$(grep -e "^/Data/abs.txt$T" -e "^/Old$T" "$T_TMP/after" | cut -f1,6,7)"
expect_eq "retarget --map: nothing else changed" "4" \
	"$(changed "$T_TMP/before" "$T_TMP/after" | wc -l | tr -d ' ')"
fsck "retarget --map" "$IMG"

# a rule that gives one link a target it cannot hold: that link is reported, the others change
fresh
run_nl retarget --map 'C:\Data=\\srv\share' --under "$IMG:/"
expect_rc "retarget --map to a network path" 1
expect_eq "retarget --map to a network path: the symbolic link changed" \
	"retarget    /Data/abs.txt -> \\\\srv\\share\\f.txt (C:\\Data\\f.txt)
1 change" "$T_OUT"
expect_eq "retarget --map to a network path: the junction refused" \
	"ntfslinks: '/Old': a network path can only be the target of a symbolic link" "$T_ERR"
m=$(mft_of "$IMG" /Data/abs.txt)
after "retarget --map to a network path" "- /Data/abs.txt$T$m${T}symlink${T}inner$T/Data/f.txt$T\\??\\C:\\Data\\f.txt${T}C:\\Data\\f.txt${T}false${T}false
+ /Data/abs.txt$T$m${T}symlink${T}other-volume$T//srv/share/f.txt$T\\??\\UNC\\srv\\share\\f.txt$T\\\\srv\\share\\f.txt${T}false${T}false"

# --to-guid needs --guid; with it, C: targets get this volume's GUID
fresh
run_nl retarget --to-guid --under "$IMG:/"
expect_rc "--to-guid without --guid" 2
run_nl retarget --to-guid --guid "{$G}" --under "$IMG:/Data"
expect_rc "retarget --to-guid" 0
expect_eq "retarget --to-guid: the links under /Data with C: targets" \
	"retarget    /Data/abs.txt -> \\\\?\\Volume{$G}\\Data\\f.txt (C:\\Data\\f.txt)
1 change" "$T_OUT"
fsck "retarget --to-guid" "$IMG"

# --relative: absolute symbolic links on this volume become relative; junctions cannot
fresh
run_nl retarget --relative --under "$IMG:/"
expect_rc "retarget --relative" 0
expect_eq "retarget --relative" "retarget    /Data/abs.txt -> f.txt (C:\\Data\\f.txt)
1 change" "$T_OUT"
m=$(mft_of "$IMG" /Data/abs.txt)
after "retarget --relative" "- /Data/abs.txt$T$m${T}symlink${T}inner$T/Data/f.txt$T\\??\\C:\\Data\\f.txt${T}C:\\Data\\f.txt${T}false${T}false
+ /Data/abs.txt$T$m${T}symlink${T}inner$T/Data/f.txt${T}f.txt${T}f.txt${T}true${T}false"

finish
