#!/bin/sh
# corpus-win10.sh: a whole-disk image made by Windows 10 (MBR, NTFS at sector 128): partitions,
# the automatic choice of the NTFS partition, IMAGE@1, --offset, and the scan checked against
# The Sleuth Kit (mmls, icat) and an independent $MFT reader.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
sample=${CORPUS_DIR:-}/win10-volume.raw.gz
[ -f "$sample" ] || skip "no corpus sample $sample"
need_cmd gzip python3 mmls icat

disk=$T_TMP/win10.raw
gzip -dc "$sample" | cp --sparse=always /dev/stdin "$disk" || { echo "FAIL: cannot decompress $sample"; exit 99; }
h0=$(hash_sparse "$disk")

# partitions, against mmls
start=$(mmls "$disk" | awk '$2 ~ /^000:000$/ {print $3 + 0}')
len=$(mmls "$disk" | awk '$2 ~ /^000:000$/ {print $5 + 0}')
expect_eq "mmls finds the NTFS partition at sector 128 (sanity)" 128 "$start"
nl_json partitions "$disk"
expect_rc "partitions" 0
expect_eq "partitions against mmls" "1	ntfs	$((start * 512))	$((len * 512))	true	0x07" \
	"$(jfields partition number partition_type start size ntfs type_id <"$T_TMP/out")"
expect_eq "the disk" "mbr	1" "$(jfields disk scheme partitions <"$T_TMP/out")"

# the scan, against TSK's copy of the $MFT read by the independent reader
tsk_mftstat "$disk" "$start"
nl_json scan "$disk"
expect_rc "scan (the only NTFS partition)" 0
expect_eq "scan summary against icat + the independent reader" \
	"ntfs	1	$((start * 512))	$(want records)	$(want in_use)	$(want files)	$(want names)	$(want dos_names)	$(want groups)	$(want reparse)	0" \
	"$(jfields summary input partition offset mft_records in_use files_and_directories name_count dos_names hardlink_groups reparse_points problems <"$T_TMP/out")"
cp "$T_TMP/out" "$T_TMP/scan1"
for spec in "$disk@1" "--partition 1 $disk" "--offset $((start * 512)) $disk" "--offset ${start}s $disk"; do
	# shellcheck disable=SC2086
	"$NTFSLINKS" scan --json $spec | sed 's/"image":"[^"]*",//; s/"partition":[0-9a-z]*,//' >"$T_TMP/scan2"
	sed 's/"image":"[^"]*",//; s/"partition":[0-9a-z]*,//' "$T_TMP/scan1" >"$T_TMP/scan1n"
	expect_file_eq "scan $spec gives the same report" "$T_TMP/scan1n" "$T_TMP/scan2"
done

# every name TSK's fls lists (files and folders, not streams) resolves to the same record
fls -r -p -o "$start" "$disk" | grep -v '^[^\t]*\*' | sed -n 's/^[^ ]* \([0-9]*\)-[^\t]*\t\([^:]*\)$/\1\t\/\2/p' |
	grep -v '	/\$OrphanFiles' | LC_ALL=C sort -u >"$T_TMP/fls"
: >"$T_TMP/sib"
while IFS='	' read -r m p; do
	"$NTFSLINKS" siblings --json "$disk" "$p" >>"$T_TMP/sib" 2>/dev/null
done <"$T_TMP/fls"
jfields name mft path <"$T_TMP/sib" | LC_ALL=C sort -u >"$T_TMP/ours"
expect_file_eq "siblings finds every name fls lists, with its record" "$T_TMP/fls" "$T_TMP/ours"
expect_eq "fls lists names (sanity)" yes "$([ "$(wc -l <"$T_TMP/fls")" -gt 20 ] && echo yes)"
nl_json siblings "$disk" /test/test.txt
expect_eq "a user file" "/test/test.txt" "$(jfields name path <"$T_TMP/out")"
expect_eq "Windows 10 disk: input unchanged (sha256 of its data)" "$h0" "$(hash_sparse "$disk")"
finish
