#!/bin/sh
# builder-specs.sh: every shipped spec builds, reproducibly, into an image that
# ntfsfix, The Sleuth Kit and ntfsinfo read as the spec says.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

need_cmd ntfsfix fls istat icat ntfsinfo sha256sum
PATH="$PATH:/sbin:/usr/sbin"

specs="basic hardlinks dosnames reparse deleted names sector4k winlike"

# fls lines "TYPE MFT-TYPE-ID:<TAB>path" -> "MFT<TAB>path" (in-use names only)
fls_names() { fls -r -p "$1" | grep -v '^[^ ]* \*' | sed -n 's/^[^ ]* \([0-9]*\)-[^:]*:\t/\1\t/p'; }
# The Sleuth Kit needs seconds to list the folder of the 1023-name file:
# in hardlinks.img list the other top folders one by one
fls_names_hardlinks() {
	for d in a b c many; do
		fls -r -p "$1" "$(ifind -n "$d" "$1")" |
			sed -n "s|^[^ ]* \\([0-9]*\\)-[^:]*:\t|\\1\t$d/|p"
	done
}

for s in $specs; do
	img=$T_TMP/$s.img
	"$MKFIXTURE" --truth "$T_TMP/$s.truth" "$FIXTURES_DIR/$s.spec" "$img" >"$T_TMP/out" 2>&1
	expect_eq "$s: builds" "0" "$?"
	[ -f "$img" ] || { cat "$T_TMP/out"; fail "$s: no image"; continue; }
	# the same spec twice gives the same bytes
	"$MKFIXTURE" "$FIXTURES_DIR/$s.spec" "$T_TMP/$s-again.img"
	expect_eq "$s: byte-identical rebuild" "$(hash_of "$img")" "$(hash_of "$T_TMP/$s-again.img")"
	rm -f "$T_TMP/$s-again.img"
	ntfsfix -n "$img" >"$T_TMP/fix" 2>&1
	expect_eq "$s: ntfsfix -n status" "0" "$?"
	expect_match "$s: ntfsfix -n" "processed successfully" "$(cat "$T_TMP/fix")"
	# --describe tells the same as the built image's truth, minus record numbers
	"$MKFIXTURE" --describe "$FIXTURES_DIR/$s.spec" >"$T_TMP/$s.desc"
	expect_eq "$s: --describe status" "0" "$?"
	awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $NF = "-" } { print }' "$T_TMP/$s.truth" |
		sed '1s/cluster=[0-9]*\tmft-record=[0-9]*/CLUSTER/' >"$T_TMP/a"
	sed '1s/cluster=[a-z0-9]*\tmft-record=[0-9]*/CLUSTER/' "$T_TMP/$s.desc" >"$T_TMP/b"
	expect_file_eq "$s: --describe equals the truth" "$T_TMP/a" "$T_TMP/b"
	# every hard link of the truth is a name of that record for The Sleuth Kit
	if [ "$s" = hardlinks ]; then
		fls_names_hardlinks "$img" >"$T_TMP/$s.fls"
		skip_re='^/max/'
	else
		fls_names "$img" >"$T_TMP/$s.fls"
		skip_re='^$'
	fi
	awk -F'\t' -v skip="$skip_re" '$1 == "hardlink" && $3 !~ /\\/ && $3 !~ skip { print $5 "\t" substr($3, 2) }' \
		"$T_TMP/$s.truth" | sort >"$T_TMP/want"
	grep -F -x -f "$T_TMP/want" "$T_TMP/$s.fls" | sort >"$T_TMP/got"
	expect_file_eq "$s: hard links as fls sees them" "$T_TMP/want" "$T_TMP/got"
done

# basic: names, times, attributes, contents, streams, sparse data, compression
img=$T_TMP/basic.img
mft_of() { awk -F'\t' -v p="$2" '$2 == p { print $1; exit }' "$T_TMP/$1.fls"; }
cut -f2 "$T_TMP/basic.fls" | grep -v '^\$' | grep -v ':' | sort >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF'
attr
attr/compressed-dir
attr/compressed.txt
attr/hidden.txt
attr/none.txt
attr/readonly.txt
attr/system.txt
docs
docs/bytes.bin
docs/default.dat
docs/empty-dir
docs/empty.txt
docs/hello.txt
docs/pattern.bin
docs/sub
docs/sub/deep.txt
sparse.bin
times.txt
EOF
expect_file_eq "basic: the names fls lists" "$T_TMP/want" "$T_TMP/got"
m=$(mft_of basic times.txt)
istat "$img" "$m" | sed -n '/STANDARD_INFORMATION/,/Accessed/p' | grep -E '^(Created|File Modified|MFT Modified|Accessed)' >"$T_TMP/got"
printf 'Created:\t2001-02-03 04:05:06.000000000 (UTC)\nFile Modified:\t2002-03-04 05:06:07.500000000 (UTC)\nMFT Modified:\t2003-04-05 06:07:08.000000000 (UTC)\nAccessed:\t2004-05-06 07:08:09.000000000 (UTC)\n' >"$T_TMP/want"
expect_file_eq "basic: the four times of times.txt" "$T_TMP/want" "$T_TMP/got"
m=$(mft_of basic docs/sub)
expect_match "basic: docs/sub times with 100 ns" "^Created:.2011-01-02 03:04:05.123456700" "$(istat "$img" "$m")"
m=$(mft_of basic docs/hello.txt)
expect_eq "basic: hello.txt contents" "hello, world" "$(icat "$img" "$m")"
expect_eq "basic: hello.txt:Zone.Identifier" "$(printf '[ZoneTransfer]\r\nZoneId=3\r')" "$(icat "$img" "$m-128-4")"
expect_eq "basic: hello.txt:big size" "200000" "$(icat "$img" "$m-128-5" | wc -c)"
expect_eq "basic: hello.txt:big contents" "$(yes ADS | tr -d '\n' | head -c 200000 | sha256sum)" "$(icat "$img" "$m-128-5" | sha256sum)"
m=$(mft_of basic docs/pattern.bin)
expect_eq "basic: pattern.bin" "$(yes 0123456789abcdef | tr -d '\n' | head -c 100000 | sha256sum)" "$(icat "$img" "$m" | sha256sum)"
m=$(mft_of basic docs/bytes.bin)
expect_eq "basic: bytes.bin" "00ff10ab7f80" "$(icat "$img" "$m" | od -An -tx1 | tr -d ' \n')"
m=$(mft_of basic docs/default.dat)
expect_eq "basic: default content" "$(yes /docs/default.dat | head -c 5000 | sha256sum)" "$(icat "$img" "$m" | sha256sum)"
m=$(mft_of basic docs/empty.txt)
expect_eq "basic: empty file" "0" "$(icat "$img" "$m" | wc -c)"
for f in readonly:Read\ Only hidden:Hidden system:System none: ; do
	n=${f%%:*}; flag=${f#*:}
	m=$(mft_of basic "attr/$n.txt")
	line=$(istat "$img" "$m" | sed -n '/STANDARD_INFORMATION/,/Flags/p' | grep '^Flags:')
	case $n in
	none) expect_eq "basic: attrs=none" "Flags: " "$line" ;;
	*) expect_match "basic: attrs=$n" "^Flags: .*$flag" "$line" ;;
	esac
done
m=$(mft_of basic attr/compressed.txt)
ntfsinfo -F /attr/compressed.txt "$img" >"$T_TMP/ni" 2>&1
expect_match "basic: compressed.txt is compressed" "File attributes:.*COMPRESSED" "$(cat "$T_TMP/ni")"
expect_match "basic: compressed.txt has a compression unit" "Compression unit:.*4" "$(cat "$T_TMP/ni")"
expect_eq "basic: compressed.txt reads back" "$(yes 'compress me ' | tr -d '\n' | head -c 65536 | sha256sum)" "$(icat "$img" "$m" | sha256sum)"
ntfsinfo -F /sparse.bin "$img" >"$T_TMP/ni" 2>&1
expect_match "basic: sparse.bin is sparse" "File attributes:.*SPARSE" "$(cat "$T_TMP/ni")"
expect_match "basic: sparse.bin 16 MiB" "Data size:.*16777216" "$(cat "$T_TMP/ni")"
alloc=$(sed -n 's/^[[:space:]]*Compressed size:[[:space:]]*\([0-9]*\).*/\1/p' "$T_TMP/ni")
expect_eq "basic: sparse.bin allocates 3 clusters" "12288" "$alloc"
m=$(mft_of basic sparse.bin)
icat "$img" "$m" >"$T_TMP/sparse"
expect_eq "basic: sparse chunk 1" "$(yes SPARSE | tr -d '\n' | head -c 8192)" "$(dd if="$T_TMP/sparse" bs=1024 skip=1024 count=8 2>/dev/null)"
expect_eq "basic: sparse chunk 2" "$(yes tail | tr -d '\n' | head -c 100)" "$(dd if="$T_TMP/sparse" bs=1 skip=12582912 count=100 2>/dev/null)"
expect_eq "basic: sparse hole reads as zeros" "0" "$(dd if="$T_TMP/sparse" bs=1M skip=2 count=8 2>/dev/null | tr -d '\000' | wc -c)"

# hardlinks: link counts and the $ATTRIBUTE_LIST of the 40-name file
img=$T_TMP/hardlinks.img
m=$(ifind -n max/f0000.txt "$img")
expect_eq "hardlinks: the 1023-name file is the truth's" "$m" "$(awk -F'\t' '$3 == "/max/f1022.txt" { print $5 }' "$T_TMP/hardlinks.truth")"
expect_match "hardlinks: 1023 links" "^Links: 1023$" "$(istat "$img" "$m")"
expect_eq "hardlinks: 1023 names in the truth" "1023" "$(awk -F'\t' -v m="$m" '$1 == "hardlink" && $5 == m' "$T_TMP/hardlinks.truth" | wc -l)"
m=$(mft_of hardlinks many/forty.bin)
istat "$img" "$m" >"$T_TMP/is"
expect_match "hardlinks: 40 links" "^Links: 40$" "$(cat "$T_TMP/is")"
expect_match "hardlinks: names behind an attribute list" '^Type: \$ATTRIBUTE_LIST' "$(cat "$T_TMP/is")"
expect_eq "hardlinks: c/pair.dat is not linked" "1" "$(istat "$img" "$(mft_of hardlinks c/pair.dat)" | sed -n 's/^Links: //p')"
expect_eq "hardlinks: groups" "4" "$(awk -F'\t' '$1 == "hardlink" { print $2 }' "$T_TMP/hardlinks.truth" | sort -u | wc -l)"

# dosnames: namespaces as ntfsinfo shows them
img=$T_TMP/dosnames.img
ns_of() { ntfsinfo -F "$2" "$T_TMP/$1.img" 2>/dev/null | sed -n "s/^[[:space:]]*Namespace:[[:space:]]*//p" | tr '\n' ' '; }
expect_eq "dosnames: Win32 + DOS pair" "Win32 DOS " "$(ns_of dosnames "/WINDOWS/Long Name With Spaces.txt")"
expect_eq "dosnames: one Win32&DOS name" "Win32 & DOS " "$(ns_of dosnames /WINDOWS/NOTEPAD.EXE)"
expect_eq "dosnames: DOS names per folder" "DOS DOS Win32 Win32" "$(ns_of dosnames "/WINDOWS/Two Aliases.txt" | tr ' ' '\n' | sort | xargs)"
expect_eq "dosnames: a DOS name on one of two links" "3" "$(istat "$img" "$(mft_of dosnames "WINDOWS/Linked Document.txt")" | sed -n 's/^Links: //p')"

# deleted: free records keep their names
img=$T_TMP/deleted.img
fls -r -p -d "$img" | grep -v ':Zone.Identifier$' | sed -n 's/^[^ ]* \* \([0-9]*\)-[^:]*:\t/\1\t/p' | sort >"$T_TMP/got"
awk -F'\t' '$1 == "deleted" { print $4 "\t" substr($2, 2) }' "$T_TMP/deleted.truth" | sort >"$T_TMP/want"
expect_file_eq "deleted: fls -d lists the deleted names" "$T_TMP/want" "$T_TMP/got"
expect_eq "deleted: six freed records" "6" "$(wc -l <"$T_TMP/want")"
expect_eq "deleted: linked.txt keeps two names" "2" "$(istat "$img" "$(mft_of deleted keep/linked.txt)" | sed -n 's/^Links: //p')"

# a record freed by a delete and taken by a later new object is no longer a
# deleted record: the truth says what fls -d finds
cat >"$T_TMP/reuse.spec" <<'EOF'
image size=16M
dir /keep
file /keep/small-gone.txt text="small"
file /keep/big-gone.bin size=50000 pattern=BIG
delete /keep/small-gone.txt
delete /keep/big-gone.bin
dir /gone-dir
file /gone-dir/inner.txt text="inner"
delete /gone-dir/inner.txt
delete /gone-dir
file /keep/linked.txt text="linked"
file /keep/after.txt text="after"
EOF
"$MKFIXTURE" --truth "$T_TMP/reuse.truth" "$T_TMP/reuse.spec" "$T_TMP/reuse.img"
expect_eq "reuse: builds" "0" "$?"
fls -r -p -d "$T_TMP/reuse.img" | sed -n 's/^[^ ]* \* \([0-9]*\)-[^:]*:\t/\1\t/p' | sort >"$T_TMP/got"
awk -F'\t' '$1 == "deleted" { print $4 "\t" substr($2, 2) }' "$T_TMP/reuse.truth" | sort >"$T_TMP/want"
expect_file_eq "reuse: the deleted records fls sees" "$T_TMP/want" "$T_TMP/got"
[ "$(wc -l <"$T_TMP/want")" -lt 4 ]
expect_eq "reuse: some freed records were taken again" "0" "$?"
expect_eq "reuse: --describe lists every delete" "4" "$("$MKFIXTURE" --describe "$T_TMP/reuse.spec" | grep -c '^deleted')"

# reparse: attributes and sizes
img=$T_TMP/reparse.img
for p in junction link-rel.txt wof.dll unknown-3rd-party.bin; do
	expect_match "reparse: $p has \$REPARSE_POINT" 'Type: \$REPARSE_POINT' "$(istat "$img" "$(mft_of reparse $p)")"
done
expect_match "reparse: long symlink data is non-resident" 'REPARSE_POINT.*Non-Resident' "$(istat "$img" "$(mft_of reparse link-long)")"
expect_match "reparse: junction data is resident" 'REPARSE_POINT.*Resident' "$(istat "$img" "$(mft_of reparse junction)")"
m=$(mft_of reparse wof.dll)
istat "$img" "$m" | grep -F 'WofCompressedData' >/dev/null
expect_eq "reparse: wof.dll has a WofCompressedData stream" "0" "$?"
expect_eq "reparse: WofCompressedData contents" "0f0e0d0c0b0a09080706050403020100" \
	"$(icat "$img" "$(istat "$img" "$m" | sed -n 's/^Type: \$DATA (\(128-[0-9]*\)) *Name: WofCompressedData.*/\1/p' | sed "s/^/$m-/")" | od -An -tx1 | tr -d ' \n')"
expect_eq "reparse: 20 reparse points" "20" "$(grep -c '^reparse' "$T_TMP/reparse.truth")"

# names: the unusual names as fls spells them, the deep path
img=$T_TMP/names.img
for n in 'posix/a:b' 'posix/what?' 'posix/star*' 'posix/pipe|' 'posix/quote"' 'posix/<angle>' 'posix/back\slash' \
	'posix/trailing dot.' 'posix/trailing space ' 'posix/CON' 'posix/Readme' 'posix/README' 'posix/readme'; do
	expect_eq "names: $n" "1" "$(cut -f2 "$T_TMP/names.fls" | grep -c -x -F "$n")"
done
deep=$(cut -f2 "$T_TMP/names.fls" | grep '/deepest.txt$')
expect_eq "names: path length of deepest.txt" "4037" "$(printf '%s' "/$deep" | wc -c)"
expect_match "names: non-BMP name" "😀 smile.txt" "$(cut -f2 "$T_TMP/names.fls")"

# 4096-byte sectors and records
img=$T_TMP/sector4k.img
ntfsinfo -m "$img" >"$T_TMP/ni" 2>&1
expect_match "sector4k: sector size" "Sector Size: 4096" "$(cat "$T_TMP/ni")"
expect_match "sector4k: record size" "MFT Record Size: 4096" "$(cat "$T_TMP/ni")"
expect_match "sector4k: 120 links" "^Links: 120$" "$(istat "$img" "$(mft_of sector4k data/many/n000.txt)")"

# winlike: the Windows 7 shapes
img=$T_TMP/winlike.img
expect_eq "winlike: notepad.exe names" "3" "$(istat "$img" "$(mft_of winlike Windows/notepad.exe)" | sed -n 's/^Links: //p')"
expect_eq "winlike: disk.sys has 26 names" "26" "$(awk -F'\t' '$1 == "hardlink" && $2 ~ /disk-01.sys$/' "$T_TMP/winlike.truth" | wc -l)"
awk -F'\t' '$1 == "reparse" { print substr($2, 2) ":" $3 }' "$T_TMP/winlike.truth" | sort >"$T_TMP/got"
sort >"$T_TMP/want" <<'EOF'
Data:0xa0000003
Documents and Settings:0xa0000003
Mount/Backup:0xa0000003
ProgramData/Application Data:0xa0000003
ProgramData/Desktop:0xa0000003
Users/All Users:0xa000000c
Users/Default User:0xa0000003
Users/alice/Application Data:0xa0000003
Users/alice/Documents/latest.txt:0xa000000c
Users/alice/My Documents:0xa0000003
EOF
expect_file_eq "winlike: junctions and symlinks" "$T_TMP/want" "$T_TMP/got"

finish
