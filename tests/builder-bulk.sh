#!/bin/sh
# builder-bulk.sh: mkfixture --bulk is deterministic and its IMAGE.truth matches the image as The Sleuth Kit reads it.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

need_cmd ntfsfix fls istat
PATH="$PATH:/sbin:/usr/sbin"

img=$T_TMP/bulk.img
"$MKFIXTURE" --bulk 2000 --seed 5 "$img" 2>"$T_TMP/err"
expect_eq "bulk: status" "0" "$?"
expect_match "bulk: summary" "^mkfixture: .*bulk.img: 2000 files, 45 folders, [0-9]+ extra hard links, 10 junctions/symlinks, [0-9]+ deleted" "$(cat "$T_TMP/err")"
[ -f "$img" ] && [ -f "$img.truth" ] || { echo "FAIL: no image or truth"; exit 1; }

# the same seed, the same bytes; another seed, another volume
"$MKFIXTURE" --bulk 2000 --seed 5 "$T_TMP/again.img" 2>/dev/null
expect_eq "bulk: same seed, same image" "$(hash_of "$img")" "$(hash_of "$T_TMP/again.img")"
expect_eq "bulk: same seed, same truth" "$(hash_of "$img.truth")" "$(hash_of "$T_TMP/again.img.truth")"
"$MKFIXTURE" --bulk 2000 --seed 6 "$T_TMP/again.img" 2>/dev/null
[ "$(hash_of "$img.truth")" != "$(hash_of "$T_TMP/again.img.truth")" ]
expect_eq "bulk: another seed, another truth" "0" "$?"
rm -f "$T_TMP/again.img" "$T_TMP/again.img.truth"

ntfsfix -n "$img" >"$T_TMP/fix" 2>&1
expect_match "bulk: ntfsfix -n" "processed successfully" "$(cat "$T_TMP/fix")"

truth=$img.truth
expect_match "bulk: volume line" "^volume	size=[0-9]+	sector=512	cluster=4096	mft-record=1024$" "$(head -n 1 "$truth")"
# about 10% of the files have 2 to 26 names
groups=$(awk -F'\t' '$1 == "hardlink" { print $2 }' "$truth" | sort -u | wc -l)
[ "$groups" -ge 150 ] && [ "$groups" -le 260 ]
expect_eq "bulk: about 200 hard-linked files ($groups)" "0" "$?"
awk -F'\t' '$1 == "hardlink" && ($4 < 2 || $4 > 26) { bad++ } END { print bad + 0 }' "$truth" >"$T_TMP/bad"
expect_eq "bulk: group sizes within 2..26" "0" "$(cat "$T_TMP/bad")"
awk -F'\t' '$1 == "hardlink" { split($3, a, "/"); split($2, b, "/"); if (a[2] != b[2]) x++ } END { print (x > 0) }' "$truth" >"$T_TMP/x"
expect_eq "bulk: some groups span top-level folders" "1" "$(cat "$T_TMP/x")"
expect_eq "bulk: ten junctions and symlinks" "10" "$(grep -c '^reparse' "$truth")"
for kind in '\\??\\C:' '\\??\\D:' '\\??\\UNC\\' '\\??\\Volume{' 'Missing' '..\\'; do
	expect_eq "bulk: a link target like $kind" "1" "$(awk -F'\t' -v k="$kind" '$1 == "reparse" && index($6, k) { n++ } END { print (n > 0) }' "$truth")"
done
expect_match "bulk: DOS names" "^dosname	" "$(cat "$truth")"

# every name of every hard-linked file, with its record number, as fls lists it
fls -r -p "$img" | grep -v '^[^ ]* \*' | sed -n 's/^[^ ]* \([0-9]*\)-[^:]*:\t/\1\t/p' | sort >"$T_TMP/fls"
awk -F'\t' '$1 == "hardlink" { print $5 "\t" substr($3, 2) }' "$truth" | sort >"$T_TMP/want"
grep -F -x -f "$T_TMP/want" "$T_TMP/fls" >"$T_TMP/got"
expect_file_eq "bulk: hard links in fls" "$T_TMP/want" "$T_TMP/got"
# and no other name of those records
cut -f1 "$T_TMP/want" | sort -u >"$T_TMP/recs"
awk -F'\t' 'NR == FNR { r[$1] = 1; next } ($1 in r) && $2 !~ /:/' "$T_TMP/recs" "$T_TMP/fls" | sort >"$T_TMP/all"
expect_file_eq "bulk: hard-linked records have no other names" "$T_TMP/want" "$T_TMP/all"
# the junction and symlink folders exist with their record numbers and a $REPARSE_POINT
awk -F'\t' '$1 == "reparse" { print $9 "\t" substr($2, 2) }' "$truth" | sort >"$T_TMP/want"
grep -F -x -f "$T_TMP/want" "$T_TMP/fls" >"$T_TMP/got"
expect_file_eq "bulk: reparse points in fls" "$T_TMP/want" "$T_TMP/got"
bad=0
for m in $(cut -f1 "$T_TMP/want"); do
	istat "$img" "$m" | grep -q 'Type: \$REPARSE_POINT' || bad=$((bad + 1))
done
expect_eq "bulk: every reparse record has \$REPARSE_POINT" "0" "$bad"
# deleted files: free records with their names
fls -r -p -d "$img" | grep -v ':Zone.Identifier$' | sed -n 's/^[^ ]* \* \([0-9]*\)-[^:]*:\t/\1\t/p' | sort >"$T_TMP/got"
awk -F'\t' '$1 == "deleted" { print $4 "\t" substr($2, 2) }' "$truth" | sort >"$T_TMP/want"
expect_file_eq "bulk: deleted files in fls -d" "$T_TMP/want" "$T_TMP/got"

# a bulk build that cannot be written leaves nothing behind
"$MKFIXTURE" --bulk 10 --seed 1 "$T_TMP/no/such/dir/x.img" 2>"$T_TMP/err"
expect_eq "bulk: bad image path status" "1" "$?"
expect_eq "bulk: nothing left" "" "$(ls "$T_TMP" | grep '^x.img')"

finish
