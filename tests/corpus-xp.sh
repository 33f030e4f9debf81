#!/bin/sh
# corpus-xp.sh: the raw $MFT of a real Windows XP system volume (thousands of 8.3 DOS names, no
# hardlinks, no reparse points), checked against an independent reader (corpus-mftstat.py).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
sample=${CORPUS_DIR:-}/winxp-system.mft.xz
[ -f "$sample" ] || skip "no corpus sample $sample"
need_cmd xz python3

mft=$T_TMP/xp.mft
xz -dc "$sample" >"$mft" || { echo "FAIL: cannot decompress $sample"; exit 99; }
h0=$(hash_of "$mft")
mftstat "$mft"

nl_json scan "$mft"
expect_rc "scan" 0
json_ok "scan --json" "$T_TMP/out"
expect_eq "summary against the independent reader" \
	"raw-mft	1024	$(want records)	$(want in_use)	$(want files)	$(want names)	$(want dos_names)	0	0	0" \
	"$(jfields summary input record_size mft_records in_use files_and_directories name_count dos_names hardlink_groups reparse_points problems <"$T_TMP/out")"
nl_json scan --deleted "$mft"
expect_rc "scan --deleted" 0
cp "$T_TMP/out" "$T_TMP/scan"
expect_eq "deleted records against the independent reader" "$(want deleted)" "$(jfields summary deleted <"$T_TMP/scan")"
expect_eq "thousands of DOS names" yes "$([ "$(want dos_names)" -gt 3000 ] && echo yes)"

# deleted records: the same record numbers
python3 "$TESTS_SRCDIR/corpus-mftstat.py" "$mft" deleted >"$T_TMP/want-del"
jfields deleted mft <"$T_TMP/scan" | sort -un >"$T_TMP/our-del"
expect_file_eq "deleted records against the independent reader" "$T_TMP/want-del" "$T_TMP/our-del"

# names, paths and DOS aliases of a sample of records (every 400th name)
python3 "$TESTS_SRCDIR/corpus-mftstat.py" "$mft" paths >"$T_TMP/paths"
awk 'NR % 400 == 1' "$T_TMP/paths" >"$T_TMP/want-sample"
: >"$T_TMP/sib"
cut -f1 "$T_TMP/want-sample" | while read -r m; do
	"$NTFSLINKS" siblings --json "$mft" "#$m" >>"$T_TMP/sib" 2>>"$T_TMP/sib.err"
done
jfields name mft path dos_alias <"$T_TMP/sib" >"$T_TMP/our-sample"
expect_file_eq "names, paths and DOS aliases of sampled records" "$T_TMP/want-sample" "$T_TMP/our-sample"
expect_eq "no errors for the sample" "" "$(cat "$T_TMP/sib.err")"

# lookups by long name and by DOS name, in any case
line=$(awk -F'\t' '$3 != "-" && $2 ~ /^\/WINDOWS\/[^\/]+$/' "$T_TMP/paths" | head -n 1)
m=$(printf '%s' "$line" | cut -f1)
p=$(printf '%s' "$line" | cut -f2)
d=$(printf '%s' "$line" | cut -f3)
nl_json siblings "$mft" "$(printf '%s' "$p" | tr 'a-z' 'A-Z')"
expect_eq "lookup of $p in upper case" "$m	$p	$d" "$(jfields name mft path dos_alias <"$T_TMP/out")"
nl_json siblings "$mft" "/windows/$(printf '%s' "$d" | tr 'A-Z' 'a-z')"
expect_eq "lookup by the DOS name $d" "$m	$p" "$(jfields name mft path <"$T_TMP/out")"

nl_json hardlinks "$mft"
expect_eq "no hardlinks" "0	0" "$(jfields summary groups name_count <"$T_TMP/out")"
nl_json reparse "$mft"
expect_eq "no reparse points" "0" "$(jfields summary reparse_points <"$T_TMP/out")"
ro_check "XP \$MFT" "$mft" "$h0"
finish
