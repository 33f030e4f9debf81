#!/bin/sh
# containers-verify.sh: 'partitions --verify' checks the MD5 and SHA-1 an E01 stores against its media (made with
# ewfacquire from a built image; digests from md5sum and sha1sum): all match, one chunk's data changed, only a chunk
# checksum changed, an E01 with MD5 alone, no stored hash, misuse; progress on a terminal; the E01 left unchanged.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd ewfacquire md5sum sha1sum
case $("$NTFSLINKS" --version | sed -n 's/^image formats: //p') in
*ewf*) ;;
*) skip "built without libewf" ;;
esac

cat >"$T_TMP/v.spec" <<'EOF'
image size=8M
file -p /a/one.txt text=hello
link /a/one.txt /b-one.txt
file -p /a/big.bin size=300000 pattern=verify
EOF
build_fixture "$T_TMP/v.spec" "$T_TMP/vol.img"
cd "$T_TMP" || exit 99

md5() { md5sum <"$1" | cut -d' ' -f1; }
sha1() { sha1sum <"$1" | cut -d' ' -f1; }
# acquire RAW NAME [DIGEST]: an uncompressed E01 of RAW, chunks of 64 sectors (32768 bytes)
acquire() {
	ewfacquire -u -t "$2" -f encase6 -c none -b 64 ${3:+-d "$3"} "$1" >/dev/null 2>&1 ||
		{ echo "FAIL: ewfacquire $1"; exit 99; }
}
# chunk0 E01: where the first chunk's data (the boot sector first) lies in the E01
chunk0() {
	python3 -c 'import sys; r = open(sys.argv[1], "rb").read(512); print(open(sys.argv[2], "rb").read().find(r))' \
		vol.img "$1"
}
# flip FILE OFFSET: invert the byte at OFFSET
flip() {
	python3 -c 'import sys
f = open(sys.argv[1], "r+b"); o = int(sys.argv[2]); f.seek(o); b = f.read(1); f.seek(o); f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}

acquire vol.img vol sha1
vmd5=$(md5 vol.img) vsha1=$(sha1 vol.img)
h=$(hash_of vol.E01)

# every stored hash matches
nl_json partitions --verify vol.E01
expect_rc "E01: verified" 0
expect_eq "E01: hashes" "md5	$vmd5	$vmd5	true
sha1	$vsha1	$vsha1	true" "$(jfields hash hash stored computed match <out)"
expect_eq "E01: verdict" "vol.E01	8388608	0	match" "$(jfields verify image bytes bad_checksum_bytes result <out)"
expect_eq "E01: nothing on stderr" "" "$T_ERR"
ro_check "E01 verified" vol.E01 "$h"
run_nl partitions --verify vol.E01
expect_rc "E01 in text: verified" 0
expect_eq "E01 in text: the hash table" "HASH  STORED                                    COMPUTED                                  MATCH
md5   $vmd5          $vmd5          true
sha1  $vsha1  $vsha1  true" "$(sed -n '/^HASH /,/^$/p' out | sed '/^$/d')"
expect_eq "E01 in text: verdict" "Verified:            vol.E01
Media read:          8M
Bad chunk checksums: 0B
Result:              match" "$(sed -n '/^Verified:/,$p' out)"
# the partition listing is unchanged by --verify
"$NTFSLINKS" partitions --json vol.E01 >plain
"$NTFSLINKS" partitions --verify --json vol.E01 | grep -v -e '"type":"hash"' -e '"type":"verify"' >listed
expect_file_eq "E01: the listing with --verify is the listing without" plain listed

# one chunk's data changed (its checksum no longer fits): both hashes differ; the bytes are hashed as stored
c0=$(chunk0 vol.E01)
expect_match "E01: the first chunk found" '^[0-9]+$' "$c0"
cp vol.E01 data.E01 && flip data.E01 $((c0 + 100))
cp vol.img data.img && flip data.img 100
nl_json partitions --verify data.E01
expect_rc "changed chunk: mismatch" 1
expect_eq "changed chunk: hashes" "md5	$vmd5	$(md5 data.img)	false
sha1	$vsha1	$(sha1 data.img)	false" "$(jfields hash hash stored computed match <out)"
expect_eq "changed chunk: verdict" "32768	mismatch" "$(jfields verify bad_checksum_bytes result <out)"
expect_eq "changed chunk: message" "ntfslinks: 'data.E01': the media does not match the md5 and sha1 stored in the container
ntfslinks: 'data.E01': 32768 bytes in 1 range fail their stored chunk checksum, the first at byte 0" "$T_ERR"

# only the chunk's checksum changed: the hashes match, the checksum error still fails it
cp vol.E01 sum.E01 && flip sum.E01 $((c0 + 32768))
nl_json partitions --verify sum.E01
expect_rc "changed checksum: not verified" 1
expect_eq "changed checksum: hashes match" "true|true" "$(jfields hash match <out | paste -sd'|')"
expect_eq "changed checksum: verdict" "32768	checksum errors" "$(jfields verify bad_checksum_bytes result <out)"
expect_eq "changed checksum: message" \
	"ntfslinks: 'sum.E01': 32768 bytes in 1 range fail their stored chunk checksum, the first at byte 0" "$T_ERR"

# an E01 with MD5 alone: SHA-1 computed, not compared
acquire vol.img md5only
nl_json partitions --verify md5only.E01
expect_rc "MD5 alone: verified" 0
expect_eq "MD5 alone: hashes" "md5	$vmd5	$vmd5	true
sha1	-	$vsha1	-" "$(jfields hash hash stored computed match <out)"

# no stored hash: a raw image, and the E01 file itself read as raw
nl_json partitions --verify vol.img
expect_rc "raw image: nothing to verify against" 1
expect_eq "raw image: computed, nothing stored" "md5	-	$vmd5	-
sha1	-	$vsha1	-" "$(jfields hash hash stored computed match <out)"
expect_eq "raw image: verdict" "8388608	-	no stored hash" "$(jfields verify bytes bad_checksum_bytes result <out)"
expect_eq "raw image: message" "ntfslinks: 'vol.img': no hash is stored in the image to verify against" "$T_ERR"
nl_json partitions --verify --format raw vol.E01
expect_rc "E01 read as raw: nothing to verify against" 1
expect_eq "E01 read as raw: the file's own digests" "$(md5 vol.E01)|$(sha1 vol.E01)" \
	"$(jfields hash computed <out | paste -sd'|')"

# a truncated E01: its hash section and chunk table are gone; libewf does not free the buffer of a chunk
# that fails (tests/lsan-libewf.supp), so past 16 MiB of them the reading stops
saved_lsan=${LSAN_OPTIONS-}
LSAN_OPTIONS="${saved_lsan:+$saved_lsan:}suppressions=$TESTS_SRCDIR/lsan-libewf.supp:print_suppressions=0"
export LSAN_OPTIONS
head -c 3000000 vol.E01 >cut.E01
nl_json partitions --verify cut.E01
expect_rc "truncated E01: not verified" 1
expect_eq "truncated E01: verdict" "8388608	no stored hash" "$(jfields verify bad_checksum_bytes result <out)"
expect_eq "truncated E01: messages" "ntfslinks: 'cut.E01': no hash is stored in the image to verify against
ntfslinks: 'cut.E01': 8388608 bytes in 1 range fail their stored chunk checksum, the first at byte 0" "$T_ERR"
printf 'image size=24M\nfile -p /x.txt text=x\n' >big.spec
build_fixture "$T_TMP/big.spec" big.img
ewfacquire -u -t big -f encase6 -c best big.img >/dev/null 2>&1 || { echo "FAIL: ewfacquire big.img"; exit 99; }
head -c 20000 big.E01 >bigcut.E01
run_nl partitions --verify bigcut.E01
expect_rc "truncated E01 over 16 MiB: cannot be verified" 2
expect_eq "truncated E01 over 16 MiB: message" \
	"ntfslinks: 'bigcut.E01': damaged or incomplete ewf container: over 16 MiB fail their chunk checksum in the first 17825792 bytes, from byte 0" \
	"$T_ERR"
expect_eq "truncated E01 over 16 MiB: nothing on stdout" "" "$T_OUT"
LSAN_OPTIONS=$saved_lsan

# misuse and errors
run_nl partitions --verify --csv vol.E01
expect_rc "--verify --csv: misuse" 2
expect_eq "--verify --csv: message" "ntfslinks: --verify and --csv cannot be used together
Try 'ntfslinks help partitions' for more information." "$T_ERR"
run_nl scan --verify vol.E01
expect_rc "scan --verify: misuse" 2
run_nl partitions --verify missing.E01
expect_rc "a missing image" 2
expect_eq "a missing image: message" "ntfslinks: 'missing.E01': no such file or directory" "$T_ERR"
ro_check "E01 after every run" vol.E01 "$h"

# progress on a terminal (a pty from script(1)), with no delay
if command -v script >/dev/null 2>&1; then
	unset NTFSLINKS_NO_PROGRESS
	NTFSLINKS_PROGRESS_DELAY_MS=0 script -qec "'$NTFSLINKS' partitions --verify vol.E01 >/dev/null" /dev/null \
		>tty 2>&1
	expect_match "progress on a terminal" 'verifying: [1-8]/8 MiB \( *[0-9]+%\)' "$(tr '\r' '\n' <tty)"
	"$NTFSLINKS" partitions --verify vol.E01 >/dev/null 2>err
	expect_eq "no progress when stderr is not a terminal" "" "$(cat err)"
fi

finish
