#!/bin/sh
# audit-deleted.sh: --deleted (records not in use that still hold names) and orphans
# (names whose parent folder is gone), checked against The Sleuth Kit's fls.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 fls

cat >"$T_TMP/del.spec" <<'EOF'
image size=16M
dir -p /keep/sub
file /keep/a.txt text=a
link /keep/a.txt /keep/sub/b.txt
file /gone.txt text=gone
delete /gone.txt
dir /d
file /d/f.txt text=f
delete /d/f.txt
delete /d
file /reuse.txt text=r
dir /e
file /e/pair1.txt text=p
link /e/pair1.txt /e/pair2.txt
delete /e/pair1.txt
delete /e/pair2.txt
dir /olddir
delete /olddir
EOF
img=$T_TMP/del.img
build_fixture "$T_TMP/del.spec" "$img"
h0=$(hash_of "$img")

# patch IMAGE RECORD ACTION [ARG]: change one MFT record in place, fixups kept valid.
#   unuse             clear the in-use flag (the file looks deleted)
#   parentseq NAME N  set the sequence number in the parent reference of $FILE_NAME NAME to N
patch() {
	_img=$1 _rec=$2
	shift 2
	# shellcheck disable=SC2046 # OFFSET SIZE, two words
	python3 - "$_img" $(mft_record_at "$_img" "$_rec") "$@" <<'EOF'
import struct, sys
path, off, rs, action, args = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:]
with open(path, "r+b") as f:
    f.seek(off)
    r = bytearray(f.read(rs))
    uo, uc = struct.unpack_from("<HH", r, 4)
    usn = r[uo:uo + 2]
    for i in range(1, uc):                       # undo the fixups
        assert r[i * 512 - 2:i * 512] == usn
        r[i * 512 - 2:i * 512] = r[uo + 2 * i:uo + 2 * i + 2]
    if action == "unuse":
        r[0x16] &= 0xFE
    elif action == "parentseq":
        a = struct.unpack_from("<H", r, 0x14)[0]
        while struct.unpack_from("<I", r, a)[0] != 0xFFFFFFFF:
            t, ln = struct.unpack_from("<II", r, a)
            if t == 0x30:
                v = a + struct.unpack_from("<H", r, a + 0x14)[0]
                n = r[v + 0x40]
                if r[v + 0x42:v + 0x42 + 2 * n].decode("utf-16-le") == args[0]:
                    struct.pack_into("<H", r, v + 6, int(args[1]))
            a += ln
    for i in range(1, uc):                       # redo them
        r[uo + 2 * i:uo + 2 * i + 2] = r[i * 512 - 2:i * 512]
        r[i * 512 - 2:i * 512] = usn
    f.seek(off)
    f.write(r)
EOF
}

# --- deleted names, against fls -d ----------------------------------------------------------
fls -r -p -d "$img" | sed -n 's|^[^ ]* \* \([0-9]*\)[-0-9]*:\t\(.*\)$|/\2\t\1|p' |
	grep -v '/OrphanFile-[0-9]*	' | LC_ALL=C sort >"$T_TMP/fls-deleted"
expect_eq "fls finds the deleted names (sanity)" 3 "$(wc -l <"$T_TMP/fls-deleted" | tr -d ' ')"
nl_json scan --deleted "$img"
expect_rc "scan --deleted" 0
json_ok "scan --deleted" "$T_TMP/out"
jfields deleted path mft <"$T_TMP/out" | LC_ALL=C sort >"$T_TMP/ours-deleted"
expect_file_eq "scan --deleted lists what fls -d lists" "$T_TMP/fls-deleted" "$T_TMP/ours-deleted"
expect_eq "the orphan is under the orphan prefix" "/\$OrphanFiles/f.txt	false" \
	"$(jfields deleted path directory <"$T_TMP/out" | grep OrphanFiles)"
expect_eq "a deleted folder" "/olddir	true" "$(jfields deleted path directory <"$T_TMP/out" | grep olddir)"
expect_eq "summary: deleted records" 3 "$(jfields summary deleted <"$T_TMP/out")"
nl_json scan "$img"
expect_eq "scan without --deleted: no deleted rows" "" "$(jfields deleted path <"$T_TMP/out")"
expect_eq "scan without --deleted: no deleted key" "<missing>" "$(jfields summary deleted <"$T_TMP/out")"
run_nl scan --deleted "$img"
expect_match "scan --deleted text: the orphan" '^ *[0-9]+ +[0-9]+ +/\$OrphanFiles/f.txt' "$T_OUT"

m_orphan=$(grep OrphanFiles "$T_TMP/fls-deleted" | cut -f2)
nl_json siblings --deleted "$img" "#$m_orphan"
expect_rc "siblings --deleted of a deleted record" 0
expect_eq "siblings --deleted of a deleted record" "/\$OrphanFiles/f.txt	true" "$(jfields name path deleted <"$T_TMP/out")"
run_nl siblings "$img" "#$m_orphan"
expect_rc "siblings of a deleted record without --deleted" 1
expect_eq "siblings of a deleted record without --deleted: message" \
	"ntfslinks: '$img': '#$m_orphan': no such record with names in use" "$T_ERR"
nl_json info --deleted "$img" /e/pair2.txt
expect_eq "info --deleted on a deleted name" "false	true	/e/pair2.txt" "$(jfields info in_use deleted path <"$T_TMP/out")"

# --- deleted names in a timeline, against fls -m: the name with " (deleted)", the record
# number (we add -seq, fls -type-id: compared without them, then -seq against istat), the type ("-" for the unknown name type), the file's size, the
# $STANDARD_INFORMATION times. fls also lists the $FILE_NAME times and, for a folder, the size
# of its index root: those lines and that size are left out of the comparison.
fls -m / -r -d "$img" | grep -v '(\$FILE_NAME)' | grep -v '/OrphanFile-[0-9]* ' |
	awk -F'|' -v OFS='|' '{ sub(/-.*/, "", $3); if ($4 ~ /^-\/d/) $7 = "-"; $5 = "0"; print }' |
	LC_ALL=C sort >"$T_TMP/fls-body"
expect_eq "fls -m finds the deleted names (sanity)" 3 "$(wc -l <"$T_TMP/fls-body" | tr -d ' ')"
run_nl scan --deleted --bodyfile "$img"
expect_rc "scan --deleted --bodyfile" 0
printf '%s\n' "$T_OUT" | grep ' (deleted)|' |
	awk -F'|' -v OFS='|' '{ sub(/-.*/, "", $3); if ($4 ~ /^-\/d/) $7 = "-"; print }' |
	LC_ALL=C sort >"$T_TMP/ours-body"
expect_file_eq "scan --deleted --bodyfile: the deleted names as fls -m writes them" \
	"$T_TMP/fls-body" "$T_TMP/ours-body"
m_pair=$(grep '/e/pair2.txt' "$T_TMP/fls-deleted" | cut -f2)
m_pair=$m_pair-$(istat "$img" "$m_pair" | sed -n 's/^Entry: *[0-9]* *Sequence: *\([0-9]*\).*/\1/p')
expect_match "the deleted record's reference (sanity: its sequence number was raised)" '^[0-9]+-2$' "$m_pair"
expect_eq "scan --deleted --bodyfile: a deleted file" \
	"0|/e/pair2.txt (deleted)|$m_pair|-/rrwxrwxrwx|0|0|1|1262304000|1262304000|1262304000|1262304000" \
	"$(printf '%s\n' "$T_OUT" | grep '^0|/e/pair2.txt')"
expect_eq "scan --deleted --bodyfile: a deleted folder" "/olddir (deleted)|-/drwxrwxrwx|1262304000" \
	"$(printf '%s\n' "$T_OUT" | grep '^0|/olddir' | cut -d'|' -f2,4,8)"
expect_eq "scan --deleted --bodyfile: names in use are not marked" "" \
	"$(printf '%s\n' "$T_OUT" | grep '^0|/keep/' | grep -F '(deleted)')"
run_nl siblings --deleted --bodyfile "$img" /e/pair2.txt
expect_eq "siblings --deleted --bodyfile: the same line" \
	"0|/e/pair2.txt (deleted)|$m_pair|-/rrwxrwxrwx|0|0|1|1262304000|1262304000|1262304000|1262304000" "$T_OUT"
run_nl siblings --bodyfile "$img" /keep
expect_eq "siblings --bodyfile of a folder: typed as a folder" "0|/keep|d/drwxrwxrwx" \
	"$(printf '%s\n' "$T_OUT" | cut -d'|' -f1,2,4)"
ro_check "deleted" "$img" "$h0"

# --- a deleted file that still holds two names: a deleted hardlink group ----------------------
img2=$T_TMP/unused.img
cp "$img" "$img2"
m_a=$(mft_of "$img" /keep/a.txt)
patch "$img2" "$m_a" unuse
nl_json hardlinks "$img2"
expect_eq "hardlinks: a record not in use is not a group" "" "$(jfields hardlink_group names <"$T_TMP/out")"
nl_json hardlinks --deleted "$img2"
expect_eq "hardlinks --deleted: the deleted group, flagged" "$m_a	/keep/a.txt|/keep/sub/b.txt	true" \
	"$(jfields hardlink_group mft names deleted <"$T_TMP/out")"
expect_eq "hardlinks --deleted: summary" "1	1" "$(jfields summary groups deleted <"$T_TMP/out")"
run_nl hardlinks --deleted "$img2"
expect_match "hardlinks --deleted (text): flag column" '/keep/sub/b.txt +- +true$' "$T_OUT"
nl_json scan --deleted "$img2"
expect_eq "scan --deleted: both names of the deleted file" "/keep/a.txt
/keep/sub/b.txt" "$(jfields deleted path mft <"$T_TMP/out" | grep "	$m_a\$" | cut -f1)"

# --- an orphan in use: a folder whose parent reference has the wrong sequence number ---------
img3=$T_TMP/orphan.img
cp "$img" "$img3"
m_sub=$(mft_of "$img" /keep/sub)
patch "$img3" "$m_sub" parentseq sub 9
nl_json hardlinks "$img3"
expect_rc "hardlinks with an orphaned folder" 0
expect_eq "hardlinks with an orphaned folder" "/\$OrphanFiles/sub/b.txt|/keep/a.txt" \
	"$(jfields hardlink_group names <"$T_TMP/out")"
nl_json hardlinks --under /keep "$img3"
expect_eq "--under: the orphaned name is outside" "1	2	false	/\$OrphanFiles/sub/b.txt" \
	"$(jfields hardlink_group inside total saturated outside <"$T_TMP/out")"
nl_json hardlinks --windows-paths --drive C: "$img3"
expect_eq "orphans with --windows-paths" 'C:\$OrphanFiles\sub\b.txt|C:\keep\a.txt' \
	"$(jfields hardlink_group names <"$T_TMP/out")"

finish
