#!/bin/sh
# audit-reparse.sh: reparse and scan: every tag, each class with and without --under, the drive
# letter, non-resident reparse data (also from a raw $MFT), filters, formats, info on links.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 ntfscat

appexec=$(python3 -c 'print((b"\x03\x00\x00\x00" + "Microsoft.App_8wekyb3d8bbwe\0Microsoft.App_8wekyb3d8bbwe!App\0C:\\Program Files\\WindowsApps\\app.exe\0".encode("utf-16-le")).hex())')
wsl=$(python3 -c 'print((b"\x02\x00\x00\x00" + b"../Data/target.txt").hex())')
cat >"$T_TMP/rp.spec" <<EOF
# audit-reparse.sh: links of every class, every kind of target, raw tags
image size=16M
dir -p /Users/alice/Documents
file /Users/alice/doc.txt text=hi
dir /ProgramData
dir /Data
file /Data/target.txt text=t
junction "/Documents and Settings" \\??\\C:\\Users
symlink "/Users/All Users" \\??\\C:\\ProgramData dir
junction "/ProgramData/Application Data" \\??\\C:\\ProgramData
junction "/Users/alice/My Data" \\??\\C:\\Data
junction /Users/alice/Docs \\??\\C:\\Users\\alice\\Documents
symlink /Data/rel.txt ..\\Data\\target.txt relative
symlink /Data/up.txt ..\\..\\..\\nowhere.txt relative
junction /Data/gone \\??\\C:\\Missing\\Folder
junction /Data/other \\??\\D:\\Stuff
mountpoint /Data/mnt \\??\\Volume{01234567-89ab-cdef-0123-456789abcdef}\\
symlink /Data/share \\??\\UNC\\server\\share\\dir dir
junction /Data/noprint \\??\\C:\\Users print=""
file -p /Data/{200*x}/{200*y}/t.txt text=deep
symlink /Data/long.txt \\??\\C:\\Data\\{200*x}\\{200*y}\\t.txt
junction /Loop1 \\??\\C:\\Loop2
junction /Loop2 \\??\\C:\\Loop1
reparse /Data/wof.dll tag=0x80000017 data=01000000020000000100000001000000
reparse /Data/dedup.bin tag=0x80000013 data=01023000000000003930000000000000000000000000000000112233445566778899aabbccddeeff000000008858636c
reparse /Data/cloud.txt tag=0x9000001a data=0100200046655270000000001c00000000000100070001001800000001000000
reparse /Data/app.exe tag=0x8000001b data=$appexec
reparse /Data/wsl tag=0xa000001d data=$wsl
reparse /Data/unknown tag=0x00001234 guid=00112233445566778899aabbccddeeff data=cafe
EOF
img=$T_TMP/rp.img
"$MKFIXTURE" --truth "$T_TMP/truth" "$T_TMP/rp.spec" "$img" || { echo "FAIL: could not build the fixture"; exit 99; }
h0=$(hash_of "$img")
X=$(printf '%0200d' 0 | tr 0 x)
Y=$(printf '%0200d' 0 | tr 0 y)

# --- the whole listing, root anchor ------------------------------------------------------------
nl_json reparse "$img"
expect_rc "reparse" 0
json_ok "reparse --json" "$T_TMP/out"
cp "$T_TMP/out" "$T_TMP/all.json"
expect_eq "every reparse point: tag name, class, target" "/Data/app.exe	appexeclink	-	-
/Data/cloud.txt	cloud	-	-
/Data/dedup.bin	dedup	-	-
/Data/gone	junction	dangling	/Missing/Folder
/Data/long.txt	symlink	inner	/Data/$X/$Y/t.txt
/Data/mnt	mount_point	other-volume	Volume{01234567-89ab-cdef-0123-456789abcdef}/
/Data/noprint	junction	loop	/Users
/Data/other	junction	other-volume	D:/Stuff
/Data/rel.txt	symlink	inner	/Data/target.txt
/Data/share	symlink	other-volume	//server/share/dir
/Data/unknown	unknown	-	-
/Data/up.txt	symlink	dangling	../../../nowhere.txt
/Data/wof.dll	wof	-	-
/Data/wsl	wsl_symlink	inner	/Data/target.txt
/Documents and Settings	junction	inner	/Users
/Loop1	junction	loop	/Loop2
/Loop2	junction	loop	/Loop1
/ProgramData/Application Data	junction	loop	/ProgramData
/Users/All Users	symlink	inner	/ProgramData
/Users/alice/Docs	junction	inner	/Users/alice/Documents
/Users/alice/My Data	junction	loop	/Data" \
	"$(jfields reparse path tag_name class target <"$T_TMP/out")"
expect_eq "reasons of dangling links and loops" "/Data/gone	true
/Data/noprint	true
/Data/up.txt	true
/Loop1	true
/Loop2	true
/ProgramData/Application Data	true
/Users/alice/My Data	true" \
	"$(python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["type"] == "reparse" and o["class"] in ("dangling", "loop"):
        print(o["path"] + "\t" + str(bool(o["reason"])).lower())
' <"$T_TMP/out")"
# two junctions that each point at a folder holding the other loop; links
# leading into a loop keep their class and say so
expect_eq "loops through several links: the reason" "/Data/noprint	links under its target lead back to it
/Users/alice/My Data	links under its target lead back to it" \
	"$(jfields reparse path reason <"$T_TMP/out" | grep -e '^/Data/noprint' -e '^/Users/alice/My Data')"
expect_eq "links that lead into a loop" "/Documents and Settings
/Users/All Users" \
	"$(jfields reparse path reaches_loop <"$T_TMP/out" | grep 'true$' | cut -f1)"
expect_eq "the target's record" "$(mft_of "$img" /Users)" \
	"$(jfields reparse path target_mft <"$T_TMP/out" | grep '^/Documents and Settings' | cut -f2)"
expect_eq "summary: counts per class and the drive assumption" "21	6	0	3	2	5	0	5	C:	false	9	11" \
	"$(jfields summary reparse_points inner outer other_volume dangling loop unknown not_links drive drive_given drive_support drive_targets <"$T_TMP/out")"

# Cross-check with the builder's ground truth: path, tag, record, and the
# substitute name, print name and relative flag of links, or the raw data.
python3 - "$T_TMP/truth" "$T_TMP/out" >"$T_TMP/xcheck" <<'EOF'
import json, sys
truth = {}
for l in open(sys.argv[1], encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    if f[0] != "reparse":
        continue
    path, tag, kind, flags, subst, prnt, hexd, mft = f[1:]
    if kind == "raw":
        truth[path] = (tag, mft, hexd)
    else:
        truth[path] = (tag, mft, flags, subst, prnt)
ours = {}
for l in open(sys.argv[2], encoding="utf-8"):
    o = json.loads(l)
    if o["type"] != "reparse":
        continue
    t = truth.get(o["path"])
    if t is not None and len(t) == 3:
        ours[o["path"]] = (o["tag"], str(o["mft"]), o["data"])
    else:
        ours[o["path"]] = (o["tag"], str(o["mft"]), "1" if o["relative"] else "0",
                           o["substitute_name"], o["print_name"])
for p in sorted(set(truth) | set(ours)):
    if truth.get(p) != ours.get(p):
        print("%s: truth %r, ntfslinks %r" % (p, truth.get(p), ours.get(p)))
EOF
expect_eq "reparse equals the builder's ground truth" "" "$(cat "$T_TMP/xcheck")"

# text: the report header says which drive letter was assumed and why
run_nl reparse "$img"
expect_rc "reparse (text)" 0
expect_match "drive assumption in the header" '^Drive assumption: C: inferred: 9 of 11 drive-letter targets resolve on this volume with it$' "$T_OUT"
expect_match "text line of a junction" '^ *[0-9]+ +junction +inner +/Documents and Settings +/Users' "$T_OUT"
expect_eq "the header comes first" "Reparse points:   21" "$(printf '%s\n' "$T_OUT" | head -n 1)"
ro_check "reparse" "$img" "$h0"

# --- --under: the anchor --------------------------------------------------------------------
nl_json reparse --under /Users "$img"
expect_rc "reparse --under /Users" 0
expect_eq "classes under /Users" "/Users/All Users	outer	/ProgramData
/Users/alice/Docs	inner	/Users/alice/Documents
/Users/alice/My Data	loop	/Data" "$(jfields reparse path class target <"$T_TMP/out")"
expect_eq "summary under /Users" "3	/Users	1	1" "$(jfields summary reparse_points under inner outer <"$T_TMP/out")"
nl_json reparse --under /Data "$img"
expect_eq "classes under /Data" "/Data/app.exe	-
/Data/cloud.txt	-
/Data/dedup.bin	-
/Data/gone	dangling
/Data/long.txt	inner
/Data/mnt	other-volume
/Data/noprint	loop
/Data/other	other-volume
/Data/rel.txt	inner
/Data/share	other-volume
/Data/unknown	-
/Data/up.txt	dangling
/Data/wof.dll	-
/Data/wsl	inner" "$(jfields reparse path class <"$T_TMP/out")"
nl_json reparse --under /ProgramData --class loop "$img"
expect_eq "loop under /ProgramData" "/ProgramData/Application Data	loop" "$(jfields reparse path class <"$T_TMP/out")"
nl_json reparse --under /Users/alice --class loop "$img"
expect_eq "loop under /Users/alice" "/Users/alice/My Data	/Data" "$(jfields reparse path target <"$T_TMP/out")"
run_nl reparse --under /Users/alice/doc.txt "$img"
expect_rc "--under a file" 1

# --- filters ---------------------------------------------------------------------------------------
sel() { jfields reparse path <"$T_TMP/out" | paste -sd' '; }
nl_json reparse --class loop "$img"
expect_eq "--class loop" "/Data/noprint /Loop1 /Loop2 /ProgramData/Application Data /Users/alice/My Data" "$(sel)"
nl_json reparse --class dangling "$img"
expect_eq "--class dangling" "/Data/gone /Data/up.txt" "$(sel)"
nl_json reparse --class other-volume "$img"
expect_eq "--class other-volume" "/Data/mnt /Data/other /Data/share" "$(sel)"
nl_json reparse --class outer "$img"
expect_eq "--class outer at the root: none" "" "$(sel)"
nl_json reparse --tag junction "$img"
expect_eq "--tag junction" "/Data/gone /Data/noprint /Data/other /Documents and Settings /Loop1 /Loop2 /ProgramData/Application Data /Users/alice/Docs /Users/alice/My Data" "$(sel)"
nl_json reparse --tag mount_point "$img"
expect_eq "--tag mount_point" "/Data/mnt" "$(sel)"
nl_json reparse --tag 0xA0000003 --under /Data "$img"
expect_eq "--tag 0xA0000003" "/Data/gone /Data/mnt /Data/noprint /Data/other" "$(sel)"
nl_json reparse --tag symlink "$img"
expect_eq "--tag symlink" "/Data/long.txt /Data/rel.txt /Data/share /Data/up.txt /Users/All Users" "$(sel)"
for t in wof:/Data/wof.dll dedup:/Data/dedup.bin cloud:/Data/cloud.txt appexeclink:/Data/app.exe \
	 wsl_symlink:/Data/wsl unknown:/Data/unknown; do
	nl_json reparse --tag "${t%%:*}" "$img"
	expect_eq "--tag ${t%%:*}" "${t#*:}" "$(sel)"
done
nl_json reparse --tag wof --class inner "$img"
expect_eq "--tag wof --class inner: nothing" "" "$(sel)"
run_nl reparse --tag bogus "$img"
expect_rc "--tag bogus" 2
expect_eq "--tag bogus: message" "ntfslinks: unknown tag name 'bogus' (see ntfslinks-audit(1))
Try 'ntfslinks help reparse' for more information." "$T_ERR"
run_nl reparse --class sideways "$img"
expect_rc "--class sideways" 2
expect_match "--class sideways: message" "^ntfslinks: invalid class 'sideways'" "$T_ERR"

# --- tag data ------------------------------------------------------------------------------------
nl_json reparse --tag unknown "$img"
expect_eq "unknown tag: raw data in hex, GUID included" "0x00001234	false	00112233445566778899aabbccddeeffcafe" \
	"$(jfields reparse tag name_surrogate data <"$T_TMP/out")"
nl_json reparse --tag wof "$img"
expect_eq "wof: raw data in hex" "0x80000017	01000000020000000100000001000000" "$(jfields reparse tag data <"$T_TMP/out")"
nl_json reparse --tag cloud "$img"
expect_eq "cloud: revision 1, not compressed, one element of FeRp data" "/Data/cloud.txt	1	false	1	-	-" \
	"$(jfields reparse path cloud_revision cloud_compressed cloud_elements dedup_chunk_store wof_provider <"$T_TMP/out")"
nl_json reparse --tag dedup "$img"
expect_eq "dedup: the short format's chunk store GUID and size" \
	"/Data/dedup.bin	{33221100-5544-7766-8899-aabbccddeeff}	12345	-" \
	"$(jfields reparse path dedup_chunk_store dedup_size cloud_revision <"$T_TMP/out")"
nl_json info "$img" /Data/dedup.bin
expect_eq "info: the same dedup fields" "{33221100-5544-7766-8899-aabbccddeeff}	12345" \
	"$(jfields info dedup_chunk_store dedup_size <"$T_TMP/out")"
nl_json reparse --tag mount_point "$img"
expect_eq "mount point: names" "\\??\\Volume{01234567-89ab-cdef-0123-456789abcdef}\\	" \
	"$(jfields reparse substitute_name print_name <"$T_TMP/out")"
nl_json reparse --tag symlink --class dangling "$img"
expect_eq "relative symlink: flag and names" "true	..\\..\\..\\nowhere.txt	..\\..\\..\\nowhere.txt" \
	"$(jfields reparse relative substitute_name print_name <"$T_TMP/out")"

# --- non-resident reparse data ---------------------------------------------------------------------
expect_eq "the long symlink's reparse data is non-resident (ntfsinfo)" "No" \
	"$(PATH="$PATH:/usr/sbin:/sbin" ntfsinfo -F /Data/long.txt "$img" 2>/dev/null | sed -n '/\$REPARSE_POINT/,/Resident:/s/^[[:space:]]*Resident:[[:space:]]*//p')"
m_long=$(mft_of "$img" /Data/long.txt)
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$img" '$MFT' >"$T_TMP/mft.raw" 2>/dev/null
# Like Windows, the writer repeats the reparse tag in every $FILE_NAME of the record (file
# attribute 0x400 and the tag in the EA-size field), so the tag of the unreadable data is known.
hm=$(hash_of "$T_TMP/mft.raw")
nl_json reparse "$T_TMP/mft.raw"
expect_rc "reparse on a raw \$MFT with non-resident data" 1
expect_eq "raw \$MFT: message for the entry that cannot be read" \
	"ntfslinks: '$T_TMP/mft.raw': record $m_long: non-resident reparse data cannot be read from a bare \$MFT" "$T_ERR"
expect_eq "raw \$MFT: the unreadable entry" "/Data/long.txt	symlink	unknown	non-resident reparse data cannot be read from a bare \$MFT" \
	"$(jfields reparse path tag_name class reason <"$T_TMP/out" | grep '^/Data/long.txt')"
expect_eq "raw \$MFT: every other entry as from the volume" \
	"$(jfields reparse path tag_name class target <"$T_TMP/all.json" | grep -v '^/Data/long.txt')" \
	"$(jfields reparse path tag_name class target <"$T_TMP/out" | grep -v '^/Data/long.txt')"
expect_eq "raw \$MFT: summary" "1	1" "$(jfields summary unreadable unknown <"$T_TMP/out")"
ro_check "raw \$MFT" "$T_TMP/mft.raw" "$hm"

# --- the drive letter ------------------------------------------------------------------------------
nl_json reparse --drive D: "$img"
expect_eq "--drive D: summary" "D:	true	0	11	2	2	12	0" \
	"$(jfields summary drive drive_given drive_support drive_targets inner dangling other_volume loop <"$T_TMP/out")"
expect_eq "--drive D: C: targets are another volume, D:\\Stuff is dangling" "/Data/other	dangling
/Documents and Settings	other-volume" \
	"$(jfields reparse path class <"$T_TMP/out" | grep -e '^/Data/other' -e '^/Documents')"
run_nl reparse --drive D "$img"
expect_match "--drive given: header" '^Drive assumption: D: given with --drive$' "$T_OUT"
run_nl reparse --drive 7: "$img"
expect_rc "--drive 7:" 2

# --- formats ------------------------------------------------------------------------------------------
run_nl reparse --csv "$img"
expect_rc "reparse --csv" 0
csv_rows "$T_TMP/out" >"$T_TMP/csv" || fail "reparse --csv does not parse"
expect_eq "csv header" "mft	seq	tag_name	class	path	target	reason	tag	substitute_name	print_name	relative	name_surrogate	tag_directory_bit	directory	target_mft	data	reaches_loop	app_package	app_user_model_id	app_target	wof_provider	wof_algorithm	cloud_revision	cloud_compressed	cloud_elements	dedup_chunk_store	dedup_size" \
	"$(head -n 1 "$T_TMP/csv")"
expect_eq "csv: one row per reparse point" 21 "$(($(wc -l <"$T_TMP/csv") - 1))"
expect_eq "csv row of a junction" "junction	inner	/Documents and Settings	/Users	" \
	"$(grep 'Documents and' "$T_TMP/csv" | cut -f3-7)"
run_nl reparse --bodyfile --under /Users "$img"
expect_rc "reparse --bodyfile" 0
m_all=$(ref_of "$img" "/Users/All Users")
expect_eq "bodyfile: links typed as links, with their target" "0|/Users/All Users -> /ProgramData|$m_all|d/lrwxrwxrwx|0|0|0" \
	"$(printf '%s\n' "$T_OUT" | grep 'All Users' | cut -d'|' -f1-7)"
expect_eq "bodyfile: 11 fields" "" "$(printf '%s\n' "$T_OUT" | awk -F'|' 'NF != 11')"
run_nl reparse --bodyfile --tag wof "$img"
expect_eq "bodyfile: other tags are regular files" "0|/Data/wof.dll|$(ref_of "$img" /Data/wof.dll)|r/rrwxrwxrwx" \
	"$(printf '%s\n' "$T_OUT" | cut -d'|' -f1-4)"
"$NTFSLINKS" reparse -0 --class loop "$img" >"$T_TMP/nul"
expect_eq "-0" "/Data/noprint /Loop1 /Loop2 /ProgramData/Application Data /Users/alice/My Data " "$(tr '\0' ' ' <"$T_TMP/nul")"
nl_json reparse --windows-paths --class inner --under /Users "$img"
expect_eq "--windows-paths: paths and targets" 'C:\Users\alice\Docs	C:\Users\alice\Documents' \
	"$(jfields reparse path target <"$T_TMP/out")"
nl_json reparse --windows-paths --class other-volume "$img"
expect_eq "--windows-paths: other volumes" 'D:\Stuff' "$(jfields reparse target <"$T_TMP/out" | sed -n 2p)"
ro_check "formats" "$img" "$h0"

# --- scan: the one-pass report ---------------------------------------------------------------------
nl_json scan "$img"
expect_rc "scan" 0
json_ok "scan --json" "$T_TMP/out"
expect_eq "scan: the reparse objects are those of 'reparse'" \
	"$(grep '"type":"reparse"' "$T_TMP/all.json")" "$(grep '"type":"reparse"' "$T_TMP/out")"
expect_eq "scan: summary is last" "summary	ntfs	1024	0	21	6	3	2	5	5	C:	9	11	0" \
	"$(tail -n 1 "$T_TMP/out" | jfields summary type input record_size hardlink_groups reparse_points inner other_volume dangling loop not_links drive drive_support drive_targets problems)"
run_nl scan "$img"
expect_rc "scan (text)" 0
expect_match "scan text: drive assumption in the header" '^Drive assumption: +C: inferred: 9 of 11' "$T_OUT"
expect_match "scan text: a loop" '^ *[0-9]+ +junction +loop +/ProgramData/Application Data +/ProgramData' "$T_OUT"

# --- info on links ----------------------------------------------------------------------------------
nl_json info "$img" "/Documents and Settings"
expect_rc "info on a junction" 0
expect_eq "info on a junction" "0xa0000003	junction	\\??\\C:\\Users	C:\\Users	/Users	inner" \
	"$(jfields info tag tag_name substitute_name print_name target class <"$T_TMP/out")"
nl_json info "$img" /Data/long.txt
expect_eq "info on the non-resident symlink" "symlink	inner	false	/Data/$X/$Y/t.txt" \
	"$(jfields info tag_name class relative target <"$T_TMP/out")"
nl_json info "$T_TMP/mft.raw" /Data/long.txt
expect_rc "info on a raw \$MFT, non-resident data" 1
expect_eq "info on a raw \$MFT: why" "non-resident reparse data cannot be read from a bare \$MFT" \
	"$(jfields info reason <"$T_TMP/out")"
ro_check "scan and info" "$img" "$h0"

finish
