#!/bin/sh
# audit-fixtures.sh: the audit commands on the shipped specs (hardlinks, reparse, winlike, basic):
# every hardlink and reparse point equals the builder's ground truth; the Windows-like volume's
# classes, saturation and true size; DOS aliases; times, attributes and streams in info.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3

for s in hardlinks reparse winlike basic; do
	"$MKFIXTURE" --truth "$T_TMP/$s.truth" "$FIXTURES_DIR/$s.spec" "$T_TMP/$s.img" ||
		{ echo "FAIL: could not build $s.spec"; exit 99; }
	eval "h_$s=\$(hash_of \"\$T_TMP/\$s.img\")"
	"$NTFSLINKS" hardlinks --json "$T_TMP/$s.img" >"$T_TMP/$s.h" 2>"$T_TMP/err"
	expect_eq "$s: hardlinks exit status" "0 " "$? $(cat "$T_TMP/err")"
	"$NTFSLINKS" reparse --json "$T_TMP/$s.img" >"$T_TMP/$s.r" 2>"$T_TMP/err"
	expect_eq "$s: reparse exit status" "0 " "$? $(cat "$T_TMP/err")"
	expect_eq "$s: every hardlink and reparse point as the builder made it" "" \
		"$(truth_diff "$T_TMP/$s.truth" "$T_TMP/$s.h" "$T_TMP/$s.r")"
	# DOS names: each is the alias of its long name (or the name is its own alias)
	grep '^dosname	' "$T_TMP/$s.truth" >"$T_TMP/dos"
	while IFS='	' read -r _ path short kind mft; do
		nl_json siblings "$T_TMP/$s.img" "$path"
		if [ "$kind" = "win32+dos" ]; then
			expect_eq "$s: $path is a Win32+DOS name" "$mft	$path	win32_dos	-" \
				"$(jfields name mft path namespace dos_alias <"$T_TMP/out" | grep -F "	$path	")"
		else
			expect_eq "$s: $path has the DOS alias $short" "$mft	$path	win32	$short" \
				"$(jfields name mft path namespace dos_alias <"$T_TMP/out" | grep -F "	$path	")"
		fi
		nl_json siblings "$T_TMP/$s.img" "$(dirname "$path")/$short"
		expect_eq "$s: lookup by the DOS name $short" "$path" \
			"$(jfields name path <"$T_TMP/out" | grep -Fx "$path")"
	done <"$T_TMP/dos"
done
expect_eq "the specs have DOS names" 9 "$(cat "$T_TMP"/*.truth | grep -c '^dosname	')"

# --- hardlinks.spec ----------------------------------------------------------------------------
img=$T_TMP/hardlinks.img
expect_eq "hardlinks.spec: groups and sizes" "4	/a/one-again.txt|/a/one.txt|/b/one.txt|/c/one-in-c.txt
2	/b/pair-2.dat|/b/pair.dat
40	/many/d1/name-01.bin
1023	/max/f0000.txt" \
	"$(jfields hardlink_group count names <"$T_TMP/hardlinks.h" | sed 's/|\/max\/f0001.*//; s/|\/many\/d1\/name-02.*//')"
run_nl hardlinks --bodyfile "$img"
expect_eq "hardlinks.spec: bodyfile times (default-time 2010-01-01T00:00:00Z)" \
	"0|/b/pair-2.dat|$(ref_of "$img" /b/pair.dat)|r/rrwxrwxrwx|0|0|10000|1262304000|1262304000|1262304000|1262304000" \
	"$(printf '%s\n' "$T_OUT" | grep '/b/pair-2.dat')"
nl_json truesize "$img" /many
# 40 names of one 3000-byte file and the 3 folder names d1, d2, d3
expect_eq "hardlinks.spec: truesize /many" "43	1	3	1	120000	3000" \
	"$(jfields truesize name_count files directories hardlinked naive_bytes true_bytes <"$T_TMP/out")"
nl_json hardlinks --under /many/d2 "$img"
expect_eq "hardlinks.spec: 40 names, 13 under /many/d2" "13	40	false" \
	"$(jfields hardlink_group inside total saturated <"$T_TMP/out")"
nl_json info "$img" /many/d3/name-39.bin
expect_eq "hardlinks.spec: info of the 40-name file" "40	true	3000" \
	"$(jfields info name_count attribute_list size <"$T_TMP/out")"
nl_json info "$img" /max/f0500.txt
expect_eq "hardlinks.spec: info of the 1023-name file" "1023	4" "$(jfields info name_count size <"$T_TMP/out")"

# --- reparse.spec ------------------------------------------------------------------------------
expect_eq "reparse.spec: tag names and classes" "/cloud	cloud	-
/cloud-file.docx	cloud	-
/dedup.dat	dedup	-
/junction	junction	inner
/junction-noprint	junction	inner
/junction-other-drive	junction	other-volume
/link-abs.txt	symlink	inner
/link-dangling.txt	symlink	dangling
/link-dir	symlink	inner
/link-dir-rel	symlink	inner
/link-long	symlink	dangling
/link-rel.txt	symlink	inner
/link-unc	symlink	other-volume
/link-up.txt	symlink	dangling
/mount	mount_point	other-volume
/unknown-3rd-party.bin	unknown	-
/unknown-ms.bin	unknown	-
/wof.dll	wof	-
/wsl-link	wsl_symlink	other-volume
/wt.exe	appexeclink	-" "$(jfields reparse path tag_name class <"$T_TMP/reparse.r")"

# --- winlike.spec: a Windows 7 system drive ------------------------------------------------------
img=$T_TMP/winlike.img
expect_eq "winlike: classes and targets" "/Data	other-volume	D:/Data
/Documents and Settings	inner	/Users
/Mount/Backup	other-volume	Volume{26a21bda-a627-11d7-9931-806e6f6e6963}/
/ProgramData/Application Data	loop	/ProgramData
/ProgramData/Desktop	dangling	/Users/Public/Desktop
/Users/All Users	inner	/ProgramData
/Users/Default User	dangling	/Users/Default
/Users/alice/Application Data	inner	/Users/alice/AppData/Roaming
/Users/alice/Documents/latest.txt	inner	/Users/alice/Documents/letter.txt
/Users/alice/My Documents	inner	/Users/alice/Documents" \
	"$(jfields reparse path class target <"$T_TMP/winlike.r")"
expect_eq "winlike: drive inferred from 5 of 8 targets" "C:	false	5	8" \
	"$(jfields summary drive drive_given drive_support drive_targets <"$T_TMP/winlike.r")"
nl_json reparse --under /Users "$img"
expect_eq "winlike: classes under /Users" "/Users/All Users	outer
/Users/Default User	dangling
/Users/alice/Application Data	inner
/Users/alice/Documents/latest.txt	inner
/Users/alice/My Documents	inner" "$(jfields reparse path class <"$T_TMP/out")"
nl_json hardlinks --under /Windows/System32 "$img"
expect_eq "winlike: saturation under System32" "26	26	true
1	3	false" "$(jfields hardlink_group inside total saturated <"$T_TMP/out")"
nl_json truesize "$img" /Windows
# 31 names of 3 files (3 + 2 + 26 names) and 10 folder names
expect_eq "winlike: true size of /Windows" "41	3	3	4200064	1123904	3076160" \
	"$(jfields truesize name_count files hardlinked naive_bytes true_bytes saved_bytes <"$T_TMP/out")"
nl_json scan "$img"
expect_rc "winlike: scan" 0
expect_eq "winlike: scan summary" "3	31	10	5	2	2	1	C:" \
	"$(jfields summary hardlink_groups hardlink_names reparse_points inner other_volume dangling loop drive <"$T_TMP/out")"
run_nl scan "$img"
expect_match "winlike: scan text names the drive assumption" '^Drive assumption: +C: inferred: 5 of 8 drive-letter targets' "$T_OUT"
nl_json info "$img" "/Users/alice/My Documents"
expect_eq "winlike: info on a junction with a DOS name" "MYDOCU~1	hidden|system|reparse_point	junction	inner" \
	"$(jfields info dos_aliases attribute_names tag_name class <"$T_TMP/out")"

# --- basic.spec: what info shows ------------------------------------------------------------------
img=$T_TMP/basic.img
nl_json info "$img" /times.txt
expect_eq "basic: the four times" "2001-02-03T04:05:06.0000000Z	2002-03-04T05:06:07.5000000Z	2003-04-05T06:07:08.0000000Z	2004-05-06T07:08:09.0000000Z" \
	"$(jfields info crtime mtime ctime atime <"$T_TMP/out")"
nl_json info "$img" /docs/hello.txt
expect_eq "basic: size and named streams" "13	3	200026" "$(jfields info size streams streams_size <"$T_TMP/out")"
expect_eq "basic: the streams of a file, the unnamed one first" "	13	0	true
big	200000	200704	false
empty	0	0	true
Zone.Identifier	26	0	true" "$(jfields stream name size allocated resident <"$T_TMP/out")"
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$img" '$MFT' >"$T_TMP/basic.mft" 2>/dev/null
"$NTFSLINKS" info --json "$T_TMP/basic.mft" /docs/hello.txt | grep '"type":"stream"' >"$T_TMP/raw-streams"
expect_eq "basic: the same streams from a raw \$MFT" "$(grep '"type":"stream"' "$T_TMP/out")" "$(cat "$T_TMP/raw-streams")"
nl_json info "$img" /attr/compressed.txt
expect_eq "basic: a compressed stream" "65536	true	false" "$(jfields stream size compressed resident <"$T_TMP/out")"
nl_json info "$img" /attr/readonly.txt
expect_eq "basic: attributes" "0x00000021	readonly|archive" "$(jfields info attributes attribute_names <"$T_TMP/out")"
nl_json info "$img" /sparse.bin
expect_eq "basic: a sparse file: size and allocated" "16777216	12288" "$(jfields info size allocated <"$T_TMP/out")"
expect_eq "basic: a sparse stream" "16777216	12288	true" "$(jfields stream size allocated sparse <"$T_TMP/out")"
nl_json hardlinks "$img"
expect_eq "basic: no hardlinks" "0	0" "$(jfields summary groups name_count <"$T_TMP/out")"

for s in hardlinks reparse winlike basic; do
	eval "ro_check \"$s\" \"\$T_TMP/$s.img\" \"\$h_$s\""
done
finish
