#!/bin/sh
# corpus-server2003.sh: a whole-disk image of Windows Server 2003 (MBR, NTFS at sector 63, 128 GiB
# sparse): Win32+DOS name pairs, Cyrillic names, deleted records; checked against The Sleuth Kit.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
sample=${CORPUS_DIR:-}/winserver2003-disk.raw.tgz
[ -f "$sample" ] || skip "no corpus sample $sample"
need_cmd tar python3 mmls icat fls

(cd "$T_TMP" && tar -xzSf "$sample") || { echo "FAIL: cannot extract $sample"; exit 99; }
disk=$(find "$T_TMP" -maxdepth 1 -name '*.raw' | head -n 1)
[ -n "$disk" ] || { echo "FAIL: no .raw in $sample"; exit 99; }
h0=$(hash_sparse "$disk")
start=$(mmls "$disk" | awk '$2 ~ /^000:000$/ {print $3 + 0}')
expect_eq "mmls: NTFS at sector 63 (sanity)" 63 "$start"

nl_json partitions "$disk"
expect_eq "partitions" "1	ntfs	$((start * 512))	true" "$(jfields partition number partition_type start ntfs <"$T_TMP/out")"

tsk_mftstat "$disk" "$start"
nl_json scan "$disk"
expect_rc "scan" 0
expect_eq "scan summary against icat + the independent reader" \
	"$(want records)	$(want in_use)	$(want files)	$(want names)	$(want dos_names)	0	0" \
	"$(jfields summary mft_records in_use files_and_directories name_count dos_names hardlink_groups reparse_points <"$T_TMP/out")"
nl_json scan --deleted "$disk"
expect_rc "scan --deleted" 0
cp "$T_TMP/out" "$T_TMP/scan"
expect_eq "deleted records against the independent reader" "$(want deleted)" "$(jfields summary deleted <"$T_TMP/scan")"

# in-use names: the paths and DOS aliases of the independent reader
python3 "$TESTS_SRCDIR/corpus-mftstat.py" "$T_TMP/mft" paths | awk -F'\t' '$1 >= 24' >"$T_TMP/want"
: >"$T_TMP/sib"
cut -f1 "$T_TMP/want" | while read -r m; do
	"$NTFSLINKS" siblings --json "$disk" "#$m" >>"$T_TMP/sib"
done
jfields name mft path dos_alias <"$T_TMP/sib" >"$T_TMP/ours"
expect_file_eq "every user name with its DOS alias" "$T_TMP/want" "$T_TMP/ours"
expect_eq "Cyrillic names are there (sanity)" yes "$(grep -q 'Текстовый документ' "$T_TMP/want" && echo yes)"
nl_json siblings "$disk" "/ТЕКСТОВЫЙ ДОКУМЕНТ.TXT"
expect_eq "case-insensitive lookup of a Cyrillic name" "/Текстовый документ.txt" "$(jfields name path <"$T_TMP/out")"

# deleted names against fls -d (names of records not reused)
fls -r -p -d -o "$start" "$disk" | sed -n 's|^[^ ]* \* \([0-9][0-9]*\)-[^\t]*\t\([^:]*\)$|\1\t/\2|p' | LC_ALL=C sort -u >"$T_TMP/fls-del"
jfields deleted mft path <"$T_TMP/scan" | LC_ALL=C sort -u >"$T_TMP/our-del"
expect_eq "deleted names that fls finds are listed" "" \
	"$(LC_ALL=C comm -23 "$T_TMP/fls-del" "$T_TMP/our-del")"
expect_eq "fls finds deleted names (sanity)" yes "$([ "$(wc -l <"$T_TMP/fls-del")" -gt 10 ] && echo yes)"
expect_eq "Server 2003 disk: input unchanged (sha256 of its data)" "$h0" "$(hash_sparse "$disk")"
finish
