#!/bin/sh
# audit-corrupt.sh: corrupted inputs and a truncated raw $MFT: a message per bad record, the rest still
# listed, exit 1 (images shorter than their volume: audit-truncated.sh).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 ntfscat

cat >"$T_TMP/c.spec" <<'EOF2'
image size=8M
file -p /a/one.txt text=hello
dir /b
link /a/one.txt /b/one.txt
file /a/two.txt text=two
link /a/two.txt /a/two-b.txt
file /a/three.txt text=three
link /a/three.txt /a/three-b.txt
junction -p /j/to-a \??\C:\a
EOF2
build_fixture "$T_TMP/c.spec" "$T_TMP/good.img"
m_two=$(mft_of "$T_TMP/good.img" /a/two.txt)
m_three=$(mft_of "$T_TMP/good.img" /a/three.txt)


# --- a torn record (bad fixup) ------------------------------------------------------------
img=$T_TMP/fixup.img
cp "$T_TMP/good.img" "$img"
corrupt "$img" "$m_two" fixup
h0=$(hash_of "$img")
nl_json hardlinks "$img"
expect_rc "bad fixup: exit status" 1
expect_eq "bad fixup: message" "ntfslinks: '$img': record $m_two: update sequence mismatch" "$T_ERR"
expect_eq "bad fixup: the other groups are listed" "/a/one.txt|/b/one.txt
/a/three-b.txt|/a/three.txt" "$(jfields hardlink_group names <"$T_TMP/out")"
run_nl hardlinks "$img"
expect_rc "bad fixup (text): exit status" 1
expect_match "bad fixup (text): the rest is printed" '/a/three.txt' "$T_OUT"
nl_json scan "$img"
expect_rc "scan with a bad record: exit status" 1
expect_eq "scan with a bad record: summary" "2	1	1" "$(jfields summary hardlink_groups reparse_points problems <"$T_TMP/out")"
nl_json reparse "$img"
expect_rc "reparse with a bad record: exit status" 1
expect_eq "reparse with a bad record: the junction is listed" "/j/to-a	/a	inner" \
	"$(jfields reparse path target class <"$T_TMP/out")"
ro_check "bad fixup" "$img" "$h0"

# --- an attribute running past the record ----------------------------------------------------
img=$T_TMP/attr.img
cp "$T_TMP/good.img" "$img"
corrupt "$img" "$m_three" attrlen
nl_json hardlinks "$img"
expect_rc "attribute overrun: exit status" 1
expect_match "attribute overrun: message" "^ntfslinks: '$img': record $m_three: [a-z]" "$T_ERR"
expect_eq "attribute overrun: the other groups are listed" "/a/one.txt|/b/one.txt
/a/two-b.txt|/a/two.txt" "$(jfields hardlink_group names <"$T_TMP/out")"

# --- an absurd name length -----------------------------------------------------------------------
img=$T_TMP/name.img
cp "$T_TMP/good.img" "$img"
corrupt "$img" "$m_three" namelen
nl_json hardlinks "$img"
expect_rc "absurd name length: exit status" 1
expect_match "absurd name length: message" "^ntfslinks: '$img': record $m_three: [a-z]" "$T_ERR"
expect_match "absurd name length: the other groups are listed" '/a/two-b.txt\|/a/two.txt' \
	"$(jfields hardlink_group names <"$T_TMP/out")"

# --- the same in a raw $MFT ------------------------------------------------------------------------
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$T_TMP/good.img" '$MFT' >"$T_TMP/mft.raw" 2>/dev/null
corrupt "$T_TMP/mft.raw" "$m_two" fixup
nl_json hardlinks "$T_TMP/mft.raw"
expect_rc "raw \$MFT with a bad record: exit status" 1
expect_eq "raw \$MFT with a bad record: message" "ntfslinks: '$T_TMP/mft.raw': record $m_two: update sequence mismatch" "$T_ERR"
expect_eq "raw \$MFT with a bad record: the rest" "/a/one.txt|/b/one.txt
/a/three-b.txt|/a/three.txt" "$(jfields hardlink_group names <"$T_TMP/out")"

# --- a truncated raw $MFT: the whole records are read, the cut one reported -----------------------
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$T_TMP/good.img" '$MFT' >"$T_TMP/full.raw" 2>/dev/null
head -c $(( m_three * 1024 + 500 )) "$T_TMP/full.raw" >"$T_TMP/cut.raw"
nl_json hardlinks "$T_TMP/cut.raw"
expect_rc "truncated raw \$MFT: exit status" 1
expect_match "truncated raw \$MFT: message" "^ntfslinks: '$T_TMP/cut.raw': record $m_three: " "$T_ERR"
expect_eq "truncated raw \$MFT: the whole records" "/a/one.txt|/b/one.txt
/a/two-b.txt|/a/two.txt" "$(jfields hardlink_group names <"$T_TMP/out")"

finish
