#!/bin/sh
# audit-hardlinks.sh: hardlinks, siblings, info and truesize on a volume whose every name is known.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"

img=$T_TMP/hl.img
cat >"$T_TMP/hl.spec" <<'EOF'
# audit-hardlinks.sh: hardlinks in one and several folders, DOS names, 40 and 1023 names
image size=24M
file -p /a/one.txt text=hello
dir /b
dir "/c d"
link /a/one.txt /b/one-b.txt
link /a/one.txt "/c d/one c.txt"
file /a/two.txt size=5000 pattern=xy
link /a/two.txt /a/two-again.txt
file /b/single.txt text=x
file "/b/Long File Name.txt" text=dd
dosname "/b/Long File Name.txt" LONGFI~1.TXT
link "/b/Long File Name.txt" /a/second-name.txt
file /b/short.txt ns=win32+dos text=s
file -p /many/f00.txt text=m
link /many/f00.txt /many/f{01..39}.txt
file -p /big/n0000 text=b
link /big/n0000 /big/n{0001..1022}
EOF
build_fixture "$T_TMP/hl.spec" "$img"
h0=$(hash_of "$img")

# Record numbers by libntfs-3g's own path lookup (not by ntfslinks).
m_one=$(mft_of "$img" /a/one.txt)
r_one=$(ref_of "$img" /a/one.txt)
m_two=$(mft_of "$img" /a/two.txt)
m_long=$(mft_of "$img" "/b/Long File Name.txt")
m_many=$(mft_of "$img" /many/f00.txt)
m_big=$(mft_of "$img" /big/n0000)
m_short=$(mft_of "$img" /b/short.txt)
[ -n "$m_one" ] && [ -n "$m_big" ] || { echo "FAIL: ntfsinfo could not find the fixture's files"; exit 99; }

many=$(for i in $(seq 0 39); do printf '/many/f%02d.txt|' "$i"; done)
many=${many%|}
big=$(for i in $(seq 0 1022); do printf '/big/n%04d|' "$i"; done)
big=${big%|}
empties() { n=$1; s=; while [ "$n" -gt 1 ]; do s="$s|"; n=$((n - 1)); done; printf '%s' "$s"; }

# --- every group, name for name, DOS names as aliases -----------------------
nl_json hardlinks "$img"
expect_rc "hardlinks --json" 0
json_ok "hardlinks --json" "$T_TMP/out"
expect_eq "hardlink groups" "$m_one	3	/a/one.txt|/b/one-b.txt|/c d/one c.txt	||
$m_long	2	/a/second-name.txt|/b/Long File Name.txt	|LONGFI~1.TXT
$m_two	2	/a/two-again.txt|/a/two.txt	|
$m_big	1023	$big	$(empties 1023)
$m_many	40	$many	$(empties 40)" \
	"$(jfields hardlink_group mft count names dos_aliases <"$T_TMP/out")"
expect_eq "hardlinks summary is last" "summary	5	1070" \
	"$(tail -n 1 "$T_TMP/out" | jfields summary type groups name_count)"
ro_check "hardlinks --json" "$img" "$h0"

# text: a header and one line per name
run_nl hardlinks "$img"
expect_rc "hardlinks (text)" 0
expect_match "text header" '^ *MFT +SEQ +NAMES +SIZE +PATH +DOS' "$T_OUT"
expect_match "text line for a name with a space (the size as lsblk writes it)" "^ *$m_one +[0-9]+ +3 +5B +/c d/one c.txt" "$T_OUT"
expect_match "text line with a DOS alias" "/b/Long File Name.txt +LONGFI~1.TXT *$" "$T_OUT"
expect_match "text summary" '^Hardlink groups: 5$' "$T_OUT"
expect_eq "text: one line per name" 1070 "$(printf '%s\n' "$T_OUT" | grep -c "^ *[0-9]\+ \+[0-9]\+ \+[0-9]\+ \+[0-9.]\+[BKMG] \+/")"
ro_check "hardlinks" "$img" "$h0"

# --- --under: saturation -----------------------------------------------------
nl_json hardlinks --under /a "$img"
expect_rc "hardlinks --under /a" 0
expect_eq "groups under /a" "$m_one	1	3	false	/b/one-b.txt|/c d/one c.txt
$m_long	1	2	false	/b/Long File Name.txt
$m_two	2	2	true	" \
	"$(jfields hardlink_group mft inside total saturated outside <"$T_TMP/out")"
expect_eq "summary under /a" "3	7	/a	1	2" \
	"$(jfields summary groups name_count under saturated unsaturated <"$T_TMP/out")"
nl_json hardlinks "$img" --under '\MANY'
expect_eq "--under is case-insensitive and takes backslashes" "$m_many	40	40	true" \
	"$(jfields hardlink_group mft inside total saturated <"$T_TMP/out")"
run_nl hardlinks --under "/c d" --csv "$img"
expect_rc "hardlinks --under --csv" 0
expect_eq "csv under /c d" "mft	seq	name_count	inside	saturated	size	path	dos_alias	name_inside
$m_one	SEQ	3	1	false	5	/a/one.txt		false
$m_one	SEQ	3	1	false	5	/b/one-b.txt		false
$m_one	SEQ	3	1	false	5	/c d/one c.txt		true" \
	"$(csv_rows "$T_TMP/out" | awk -F'\t' 'BEGIN{OFS="\t"} NR>1{$2="SEQ"} {print}')"
run_nl hardlinks --under /nope "$img"
expect_rc "--under a missing folder" 1
expect_eq "--under a missing folder: message" "ntfslinks: '$img': '/nope': no such file or directory" "$T_ERR"
run_nl hardlinks --under /a/one.txt "$img"
expect_rc "--under a file" 1
expect_eq "--under a file: message" "ntfslinks: '$img': '/a/one.txt': not a directory" "$T_ERR"
ro_check "hardlinks --under" "$img" "$h0"

# --- other formats ---------------------------------------------------------------
run_nl hardlinks --csv "$img"
expect_rc "hardlinks --csv" 0
csv_rows "$T_TMP/out" >"$T_TMP/csv" || fail "hardlinks --csv does not parse"
expect_eq "csv header" "mft	seq	name_count	size	path	dos_alias" "$(head -n 1 "$T_TMP/csv")"
expect_eq "csv rows" 1071 "$(wc -l <"$T_TMP/csv" | tr -d ' ')"
expect_eq "csv DOS alias" "$m_long	2	2	/b/Long File Name.txt	LONGFI~1.TXT" \
	"$(grep 'Long File' "$T_TMP/csv" | cut -f1,3-)"
expect_eq "csv uses CRLF" "0d" "$(head -n 1 "$T_TMP/out" | tail -c 2 | head -c 1 | od -An -tx1 | tr -d ' ')"

"$NTFSLINKS" hardlinks -0 "$img" >"$T_TMP/nul" 2>"$T_TMP/err"
expect_eq "-0 exit status" 0 "$?"
expect_eq "-0: the paths in group order, NUL-terminated" \
	"$(printf '%s\n' /a/one.txt /b/one-b.txt "/c d/one c.txt" /a/second-name.txt "/b/Long File Name.txt" \
		/a/two-again.txt /a/two.txt; printf '%s' "$big" | tr '|' '\n'; echo; printf '%s' "$many" | tr '|' '\n'; echo)" \
	"$(tr '\0' '\n' <"$T_TMP/nul")"
expect_eq "-0: last byte is NUL" "00" "$(tail -c 1 "$T_TMP/nul" | od -An -tx1 | tr -d ' ')"

run_nl hardlinks --bodyfile "$img"
expect_rc "hardlinks --bodyfile" 0
expect_eq "bodyfile: 11 fields on every line" "" \
	"$(printf '%s\n' "$T_OUT" | awk -F'|' 'NF != 11')"
expect_eq "bodyfile lines for one.txt (md5|name|inode|mode|uid|gid|size)" \
	"0|/a/one.txt|$r_one|r/rrwxrwxrwx|0|0|5
0|/b/one-b.txt|$r_one|r/rrwxrwxrwx|0|0|5
0|/c d/one c.txt|$r_one|r/rrwxrwxrwx|0|0|5" \
	"$(printf '%s\n' "$T_OUT" | grep "|$r_one|" | cut -d'|' -f1-7)"
expect_eq "bodyfile: 1070 lines" 1070 "$(printf '%s\n' "$T_OUT" | wc -l | tr -d ' ')"
expect_eq "bodyfile: times are Unix seconds" "" \
	"$(printf '%s\n' "$T_OUT" | awk -F'|' '$8 !~ /^[0-9]+$/ || $9 !~ /^[0-9]+$/ || $10 !~ /^[0-9]+$/ || $11 !~ /^[0-9]+$/')"

nl_json hardlinks --windows-paths --drive c: "$img"
expect_eq "--windows-paths --drive c:" 'C:\a\second-name.txt|C:\b\Long File Name.txt' \
	"$(jfields hardlink_group names <"$T_TMP/out" | sed -n 2p)"
nl_json hardlinks --windows-paths "$img"
expect_eq "--windows-paths without a drive letter" '\a\second-name.txt|\b\Long File Name.txt' \
	"$(jfields hardlink_group names <"$T_TMP/out" | sed -n 2p)"

# Windows paths and NT targets print with single backslashes; the visible escaping
# (unistr.h) doubles a run of backslashes only right before an escape or a
# literal "x{" / "u{": here the separator before a name starting with ESC.
cat >"$T_TMP/win.spec" <<'EOF'
image size=16M
file -p /users/u.txt text=u
dir /x86
link /users/u.txt /x86/{U+001B}.txt
link /users/u.txt /x86/u{U+007B}x.txt
junction /j86 \??\C:\x86 print=C:\x86
symlink /unc \??\UNC\server\share dir print=\\server\share
EOF
build_fixture "$T_TMP/win.spec" "$T_TMP/win.img"
nl_json hardlinks --windows-paths --drive C: "$T_TMP/win.img"
expect_eq "--windows-paths: backslashes single, doubled only before an escape or a literal u{" \
	'C:\users\u.txt|C:\x86\\\x{1b}.txt|C:\x86\\u{x.txt' \
	"$(jfields hardlink_group names <"$T_TMP/out")"
expect_eq "--windows-paths: JSON doubles each backslash once more" \
	'"names":["C:\\users\\u.txt","C:\\x86\\\\\\x{1b}.txt","C:\\x86\\\\u{x.txt"]' \
	"$(grep -o '"names":\[[^]]*\]' "$T_TMP/out")"
run_nl hardlinks --windows-paths --drive C: "$T_TMP/win.img"
expect_eq "--windows-paths: text" 'C:\users\u.txt|C:\x86\\\x{1b}.txt|C:\x86\\u{x.txt' \
	"$(printf '%s\n' "$T_OUT" | sed -n 's/^ *[0-9][0-9]*  *1  *3  *1B  \(C:.*[^ ]\)  *-$/\1/p' | tr '\n' '|' | sed 's/|$//')"
nl_json reparse --drive C: "$T_TMP/win.img"
expect_eq "NT and UNC targets print as they are" \
	'/j86	\??\C:\x86	C:\x86
/unc	\??\UNC\server\share	\\server\share' \
	"$(jfields reparse path substitute_name print_name <"$T_TMP/out")"

# More than 1 MiB of folder paths (the sorted folder paths are kept in 1 MiB
# blocks): 4,600 folders of 238-byte paths, one file linked into 600 of them
# with names that sort the other way round from the folders.
cat >"$T_TMP/arena.spec" <<'EOF'
image size=64M
set D {230*d}
dir -p /${D}/x{0001..4600}
file /${D}/x4600/f.txt text=f
link /${D}/x4600/f.txt /${D}/x{4001..4599}/n{599..1}.txt
EOF
build_fixture "$T_TMP/arena.spec" "$T_TMP/arena.img"
nl_json hardlinks "$T_TMP/arena.img"
D=$(printf '%230s' '' | tr ' ' d)
expect_eq "1 MiB of folder paths: the 600 names in path order" \
	"$(i=4001; while [ $i -le 4599 ]; do printf '/%s/x%d/n%d.txt|' "$D" $i $((4600 - i)); i=$((i + 1)); done; printf '/%s/x4600/f.txt' "$D")" \
	"$(jfields hardlink_group names <"$T_TMP/out")"

run_nl hardlinks --json --csv "$img"
expect_rc "two formats at once" 2
expect_eq "two formats: message" "ntfslinks: --json and --csv cannot be used together
Try 'ntfslinks help hardlinks' for more information." "$T_ERR"

# stable output: twice the same bytes
"$NTFSLINKS" hardlinks "$img" >"$T_TMP/a1" 2>&1
"$NTFSLINKS" hardlinks "$img" >"$T_TMP/a2" 2>&1
expect_file_eq "same output twice" "$T_TMP/a1" "$T_TMP/a2"
ro_check "hardlinks formats" "$img" "$h0"

# --- siblings ---------------------------------------------------------------------
nl_json siblings "$img" "/b/Long File Name.txt"
expect_rc "siblings" 0
expect_eq "siblings: two names, the DOS name as an alias" "$m_long	/a/second-name.txt	-
$m_long	/b/Long File Name.txt	LONGFI~1.TXT" \
	"$(jfields name mft path dos_alias <"$T_TMP/out")"
expect_eq "siblings: namespace of a name with a DOS alias" "win32" \
	"$(jfields name namespace <"$T_TMP/out" | sed -n 2p)"
nl_json siblings "$img" /b/LONGFI~1.TXT
expect_eq "siblings by the DOS name" "/a/second-name.txt|/b/Long File Name.txt" \
	"$(jfields name path <"$T_TMP/out" | paste -sd'|')"
nl_json siblings "$img" 'C:\B\long file name.TXT'
expect_eq "siblings by a Windows path, any case" "/a/second-name.txt|/b/Long File Name.txt" \
	"$(jfields name path <"$T_TMP/out" | paste -sd'|')"
nl_json siblings "$img" "#$m_one"
expect_eq "siblings by record number" "/a/one.txt|/b/one-b.txt|/c d/one c.txt" \
	"$(jfields name path <"$T_TMP/out" | paste -sd'|')"
nl_json siblings "$img" /b/short.txt
expect_eq "siblings of a win32+dos name" "$m_short	/b/short.txt	win32_dos	-" \
	"$(jfields name mft path namespace dos_alias <"$T_TMP/out")"
nl_json siblings "$img" /many/f17.txt
expect_eq "siblings of a 40-name file (attribute list)" "$many" \
	"$(jfields name path <"$T_TMP/out" | paste -sd'|')"
run_nl siblings -0 "$img" /big/n0500
expect_eq "siblings of the 1023-name file" "$(printf '%s' "$big" | tr '|' '\n')" "$(tr '\0' '\n' <"$T_TMP/out")"
run_nl siblings "$img" /b/nothing.txt
expect_rc "siblings of a missing path" 1
expect_eq "siblings of a missing path: message" "ntfslinks: '$img': '/b/nothing.txt': no such file or directory" "$T_ERR"
run_nl siblings "$img"
expect_rc "siblings without a path" 2
ro_check "siblings" "$img" "$h0"

# --- info --------------------------------------------------------------------------
nl_json info "$img" "/b/Long File Name.txt"
expect_rc "info" 0
expect_eq "info" "$m_long	true	false	2	/a/second-name.txt|/b/Long File Name.txt	|LONGFI~1.TXT	2" \
	"$(jfields info mft in_use directory name_count names dos_aliases size <"$T_TMP/out")"
run_nl info "$img" "/b/Long File Name.txt"
expect_eq "info text: one DOS alias per name, '-' for none" "DOS aliases:        -, LONGFI~1.TXT" \
	"$(grep '^DOS aliases:' "$T_TMP/out")"
run_nl info "$img" /a/one.txt
expect_eq "info text: no DOS alias at all" "DOS aliases:        -" "$(grep '^DOS aliases:' "$T_TMP/out")"
nl_json info "$img" /many/f00.txt
expect_eq "info of the 40-name file: attribute list" "40	true" \
	"$(jfields info name_count attribute_list <"$T_TMP/out")"
nl_json info "$img" /b
expect_eq "info of a folder" "true	1	/b" "$(jfields info directory name_count path <"$T_TMP/out")"
ro_check "info" "$img" "$h0"

# --- truesize ------------------------------------------------------------------------
cluster=$(PATH="$PATH:/usr/sbin:/sbin" ntfsinfo -m "$img" 2>/dev/null | sed -n 's/^[[:space:]]*Cluster Size:[[:space:]]*\([0-9]*\).*/\1/p' | head -n 1)
alloc_two=$(( (5000 + cluster - 1) / cluster * cluster ))
nl_json truesize "$img" /a
expect_rc "truesize" 0
# /a: one.txt (5 bytes, resident), two.txt and two-again.txt (one file of 5000
# bytes), second-name.txt (2 bytes, resident)
expect_eq "truesize /a" "/a	4	3	0	1	10007	5007	5000	$((2 * alloc_two))	$alloc_two" \
	"$(jfields truesize path name_count files directories hardlinked naive_bytes true_bytes saved_bytes naive_alloc true_alloc <"$T_TMP/out")"
nl_json truesize "$img" /big
expect_eq "truesize /big" "1023	1	1023	1" "$(jfields truesize name_count files naive_bytes true_bytes <"$T_TMP/out")"
run_nl truesize --csv "$img" /many
expect_eq "truesize --csv" "/many,40,1,0,1,40,1,39,0,0,1,0" "$(sed -n 2p "$T_TMP/out" | tr -d '\r')"
run_nl truesize "$img" /a/one.txt
expect_rc "truesize of a file" 1
expect_eq "truesize of a file: message" "ntfslinks: '$img': '/a/one.txt': not a directory" "$T_ERR"
ro_check "truesize" "$img" "$h0"

finish
