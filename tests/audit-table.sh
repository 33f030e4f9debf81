#!/bin/sh
# audit-table.sh: text tables fitted to a width (values cut with an ellipsis, or wrapped), -o to
# choose and order columns, --noheadings, sizes as lsblk writes them or in bytes (--bytes).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"

# A symbolic link whose target is 60 folder names (/data/segment00/.../segment59: 16 + 59 * 10
# = 606 characters), a junction with a short one, two hardlinked files of 1500 and 1300000 bytes.
long=$(awk 'BEGIN { for (i = 0; i < 60; i++) printf "%s%s", (i ? "\\" : ""), sprintf("segment%02d", i) }')
cat >"$T_TMP/t.spec" <<EOF
image size=8M
dir -p /data/sub
file /data/a.txt size=1500
link /data/a.txt /data/sub/b.txt
file /data/big.bin size=1300000
link /data/big.bin /data/big-too.bin
junction /short "\\??\\C:\\data"
symlink /data/sub/very-long-target "\\??\\C:\\data\\$long"
EOF
img=$T_TMP/t.img
build_fixture "$T_TMP/t.spec" "$img"
h0=$(hash_of "$img")
target=/data/$(printf '%s' "$long" | tr '\\' /)
m_long=$(mft_of "$img" /data/sub/very-long-target)
m_short=$(mft_of "$img" /short)
# table: the text table of the last run (after the summary's blank line)
table() { printf '%s\n' "$T_OUT" | sed '1,/^$/d'; }

# --- not a terminal: full values, whatever COLUMNS says --------------------------------------------
COLUMNS=40 run_nl reparse "$img"
expect_rc "reparse, not a terminal" 0
expect_eq "not a terminal: the full target, the line as wide as it" \
	" $m_long  symlink   dangling  /data/sub/very-long-target  $target  no such file" \
	"$(table | grep very-long)"

# --- --width: the widest path, target and reason columns narrowed to fit, values cut with '…'
run_nl reparse -w 60 "$img"
expect_rc "reparse -w 60" 0
expect_eq "-w 60: 3 + 8 + 8 + 10 + 10 + 11 columns and five gaps of 2" \
	"MFT  TYPE      CLASS     PATH        TARGET      REASON
 $m_long  symlink   dangling  /data/sub…  /data/seg…  no such fi…
 $m_short  junction  inner     /short      /data       -" "$(table)"
expect_eq "-w 60: no line wider" "" "$(table | sed 's/…/./g' | awk 'length > 60')"
run_nl reparse -w 60 -n -o mft,path,target,class "$img"
expect_eq "-w 60 -n -o: only the listing, in that order, cut to fit" \
	"$m_long  /data/sub/very-long-t…  /data/segment00/segme…  dangling
$m_short  /short                  /data                   inner" "$T_OUT"
run_nl reparse -w 10 -o class,path "$img"
expect_eq "too narrow: a column is never narrower than its header" \
	"CLASS     PATH
dangling  /da…
inner     /sh…" "$T_OUT"
run_nl reparse -w 0 -o target "$img"
expect_eq "-w 0: no limit" "TARGET
$target
/data" "$T_OUT"

# --- --wrap: every character kept, the value continued within its column ----------------------------
run_nl reparse -w 40 --wrap -o path,target "$img"
expect_rc "--wrap" 0
expect_eq "--wrap: first lines" "PATH                 TARGET
/data/sub/very-long  /data/segment00/seg
-target              ment01/segment02/se
                     gment03/segment04/s" "$(printf '%s\n' "$T_OUT" | head -n 4)"
expect_eq "--wrap: the target's pieces make the target" "$target" \
	"$(printf '%s\n' "$T_OUT" | sed '1d;$d' | cut -c22- | tr -d '\n')"
expect_eq "--wrap: the last line" "/short               /data" "$(printf '%s\n' "$T_OUT" | tail -n 1)"
expect_eq "--wrap: no line wider, none ending in a blank" "" "$(printf '%s\n' "$T_OUT" | awk 'length > 40 || / $/')"

# --- on a terminal: its width by default --------------------------------------------------------------
if command -v script >/dev/null 2>&1; then
	script -qec "stty cols 60; '$NTFSLINKS' reparse '$img'" /dev/null >"$T_TMP/tty" 2>&1
	expect_eq "a terminal 60 columns wide: as -w 60" \
		" $m_long  symlink   dangling  /data/sub…  /data/seg…  no such fi…" \
		"$(tr -d '\r' <"$T_TMP/tty" | grep symlink)"
fi

# --- JSON and CSV: always the full values ---------------------------------------------------------------
nl_json reparse -w 20 -o path,target "$img"
expect_eq "JSON -o: those keys, in that order, full" \
	"{\"type\":\"reparse\",\"path\":\"/data/sub/very-long-target\",\"target\":\"$target\"}
{\"type\":\"reparse\",\"path\":\"/short\",\"target\":\"/data\"}" "$T_OUT"
run_nl reparse --csv -w 20 -o TARGET,mft "$img"
expect_eq "CSV -o (any case): header and rows, full" "target,mft
$target,$m_long
/data,$m_short" "$(printf '%s\n' "$T_OUT" | tr -d '\r')"
run_nl reparse --csv -n -o mft,class "$img"
expect_eq "CSV --noheadings" "$m_long,dangling
$m_short,inner" "$(printf '%s\n' "$T_OUT" | tr -d '\r')"
run_nl reparse -o tag,tag_name "$img"
expect_eq "-o shows a column hidden in text by default" "TAG         TYPE
0xa000000c  symlink
0xa0000003  junction" "$T_OUT"

# --- sizes: as lsblk writes them in text, exact with --bytes and in JSON -----------------------------------
m_a=$(mft_of "$img" /data/a.txt)
m_big=$(mft_of "$img" /data/big.bin)
run_nl hardlinks -o path,size,mft "$img"
expect_eq "hardlinks: 1500 bytes read 1.5K, 1300000 bytes 1.2M" "PATH               SIZE  MFT
/data/a.txt        1.5K   $m_a
/data/sub/b.txt    1.5K   $m_a
/data/big-too.bin  1.2M   $m_big
/data/big.bin      1.2M   $m_big" "$T_OUT"
run_nl hardlinks -b -n -o size,path "$img"
expect_eq "hardlinks --bytes --noheadings" "   1500  /data/a.txt
   1500  /data/sub/b.txt
1300000  /data/big-too.bin
1300000  /data/big.bin" "$T_OUT"
run_nl truesize -n -o true_bytes,naive_bytes,files "$img" /data
expect_eq "truesize -n -o: the values alone, in that order (1301500 and 2603000 bytes; the
two files and the symbolic link)" "1.2M
2.5M
3" "$T_OUT"
run_nl truesize -b -o true_bytes "$img" /data
expect_eq "truesize --bytes" "True bytes: 1301500" "$T_OUT"
nl_json truesize -o true_bytes,saved_bytes "$img" /data
expect_eq "truesize JSON: exact" '{"type":"truesize","true_bytes":1301500,"saved_bytes":1301500}' "$T_OUT"

# --- -o names: 'help' lists them, an unknown one is misuse -------------------------------------------
run_nl hardlinks --output help
expect_rc "--output help" 0
expect_eq "--output help: the columns of each listing" \
	"Columns of 'ntfslinks hardlinks' for -o, --output (the JSON keys; any case):
  hardlink: mft seq name_count inside saturated size path dos_alias name_inside deleted
  hardlink_group: mft seq count size names dos_aliases inside total saturated outside deleted" "$T_OUT"
run_nl reparse -o path,nope "$img"
expect_rc "-o with an unknown column" 2
expect_eq "-o with an unknown column: message" \
	"ntfslinks: unknown column 'nope' ('ntfslinks reparse --output help' lists them)
Try 'ntfslinks help reparse' for more information." "$T_ERR"
run_nl reparse -o mode "$img"
expect_rc "-o with a column only the bodyfile uses" 2
run_nl reparse -w x "$img"
expect_rc "--width that is not a number" 2
run_nl scan -n -o path "$img"
expect_eq "scan -o path: every listing's paths, no counts" "/data/a.txt
/data/sub/b.txt
/data/big-too.bin
/data/big.bin

/data/sub/very-long-target
/short" "$T_OUT"
ro_check "table options" "$img" "$h0"
finish
