#!/bin/sh
# audit-unreadable.sh: a link whose target is in a corrupt record is unknown ("record N unreadable"), not dangling, in reparse and copy.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 ntfscat

cat >"$T_TMP/u.spec" <<'EOF2'
image size=8M
file -p /t/file.txt text=hello
dir /t/folder
file /t/folder/in.txt text=in
junction -p /l/to-folder \??\C:\t\folder
symlink /l/to-file \??\C:\t\file.txt
symlink /l/to-folder-s \??\C:\t\folder dir
symlink /l/through \??\C:\t\folder\in.txt
symlink /l/nowhere \??\C:\t\none.txt
EOF2
build_fixture "$T_TMP/u.spec" "$T_TMP/good.img"
m_file=$(mft_of "$T_TMP/good.img" /t/file.txt)
m_folder=$(mft_of "$T_TMP/good.img" /t/folder)
m_j=$(mft_of "$T_TMP/good.img" /l/to-folder)
m_f=$(mft_of "$T_TMP/good.img" /l/to-file)
m_s=$(mft_of "$T_TMP/good.img" /l/to-folder-s)
m_t=$(mft_of "$T_TMP/good.img" /l/through)
m_n=$(mft_of "$T_TMP/good.img" /l/nowhere)
m_l=$(mft_of "$T_TMP/good.img" /l)

# the file's record torn (bad fixup), the folder's with an attribute running past its end
img=$T_TMP/bad.img
cp "$T_TMP/good.img" "$img"
corrupt "$img" "$m_file" fixup
corrupt "$img" "$m_folder" attrlen
h0=$(hash_of "$img")
errs="ntfslinks: '$img': record $m_file: update sequence mismatch
ntfslinks: '$img': record $m_folder: attribute runs past the record"

run_nl reparse "$img"
expect_rc "reparse: exit status" 1
expect_eq "reparse: messages" "$errs" "$T_ERR"
expect_eq "reparse: text" "Reparse points:   5
Drive:            C:
Drive assumption: C: inferred: 0 of 5 drive-letter targets resolve on this volume with it
Inner:            0
Outer:            0
Other volume:     0
Dangling:         1
Loop:             0
Unknown:          4
Not links:        0
Unreadable:       0

$(printf '%3s' MFT)  TYPE      CLASS     PATH            TARGET            REASON
$(printf '%3s' "$m_n")  symlink   dangling  /l/nowhere      /t/none.txt       no such file
$(printf '%3s' "$m_t")  symlink   unknown   /l/through      /t/folder/in.txt  record $m_folder unreadable
$(printf '%3s' "$m_f")  symlink   unknown   /l/to-file      /t/file.txt       record $m_file unreadable
$(printf '%3s' "$m_j")  junction  unknown   /l/to-folder    /t/folder         record $m_folder unreadable
$(printf '%3s' "$m_s")  symlinkd  unknown   /l/to-folder-s  /t/folder         record $m_folder unreadable" "$T_OUT"

nl_json reparse "$img"
expect_rc "reparse --json: exit status" 1
json_ok "reparse --json" "$T_TMP/out"
expect_eq "reparse --json: the links" "$m_n	/l/nowhere	/t/none.txt	dangling	no such file	-
$m_t	/l/through	/t/folder/in.txt	unknown	record $m_folder unreadable	-
$m_f	/l/to-file	/t/file.txt	unknown	record $m_file unreadable	-
$m_j	/l/to-folder	/t/folder	unknown	record $m_folder unreadable	-
$m_s	/l/to-folder-s	/t/folder	unknown	record $m_folder unreadable	-" \
	"$(jfields reparse mft path target class reason target_mft <"$T_TMP/out")"
expect_eq "reparse --json: summary" "5	0	0	1	0	4" \
	"$(jfields summary reparse_points inner outer dangling loop unknown <"$T_TMP/out")"
run_nl reparse "$img" --class unknown --json
expect_eq "reparse --class unknown" "/l/through|/l/to-file|/l/to-folder|/l/to-folder-s" \
	"$(jfields reparse path <"$T_TMP/out" | paste -sd'|')"
ro_check "reparse" "$img" "$h0"

# copy resolves through the same resolver: the same reason for each link
run_nl copy --json "$img:/l" "$T_TMP/out.d"
expect_rc "copy: exit status" 1
expect_eq "copy: messages" "ntfslinks: '$img:/l/through': cannot follow the target: record $m_folder unreadable
ntfslinks: '$img:/l/to-file': cannot follow the target: record $m_file unreadable
ntfslinks: '$img:/l/to-folder': cannot follow the target: record $m_folder unreadable
ntfslinks: '$img:/l/to-folder-s': cannot follow the target: record $m_folder unreadable" "$T_ERR"
expect_eq "copy: the links" "folder	$img:/l	$m_l	-
dangling	$img:/l/nowhere	$m_n	target does not exist: left out
error	$img:/l/through	$m_t	cannot follow the target: record $m_folder unreadable
error	$img:/l/to-file	$m_f	cannot follow the target: record $m_file unreadable
error	$img:/l/to-folder	$m_j	cannot follow the target: record $m_folder unreadable
error	$img:/l/to-folder-s	$m_s	cannot follow the target: record $m_folder unreadable" \
	"$(jfields action action source mft reason <"$T_TMP/out")"
ro_check "copy" "$img" "$h0"

# a raw $MFT has no folder indexes: the names of an unreadable record are gone, the links dangle
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$T_TMP/good.img" '$MFT' >"$T_TMP/mft.raw" 2>/dev/null
corrupt "$T_TMP/mft.raw" "$m_file" fixup
corrupt "$T_TMP/mft.raw" "$m_folder" attrlen
nl_json reparse "$T_TMP/mft.raw"
expect_rc "raw \$MFT: exit status" 1
expect_eq "raw \$MFT: the links dangle" "/l/nowhere	dangling	no such file
/l/through	dangling	no such file
/l/to-file	dangling	no such file
/l/to-folder	dangling	no such file
/l/to-folder-s	dangling	no such file" "$(jfields reparse path class reason <"$T_TMP/out")"

finish
