#!/bin/sh
# fuzz-contain.sh: a damaged $MFT runlist (record 0) or $AttrDef record (4), or one without its $DATA, is
# refused by the library's own checks before libntfs-3g mounts the volume
# (whose error paths leak on such input: the ASan run of the suite catches
# that): every command exits 2 with the image, the record and the reason,
# a copy into such an image is refused, and the image is not changed.  Sizes
# the image gives are bounded before anything is allocated for them.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"

clean=$T_TMP/clean.img
"$MKFIXTURE" "$FUZZ_SRCDIR/seeds/links.spec" "$clean" >/dev/null || fail "cannot build the image"

# damage IMAGE RECORD HOW: change the unnamed $DATA attribute of a system
# record (and of its copy in $MFTMirr for records 0-3), fixups kept right.
#   past-end  one run whose first cluster lies far past the end of the volume
#   bad-pair  a pair header without length bytes
#   short     the runs end before the attribute's last VCN
#   attr-len  the attribute claims to run past the end of the record
#   no-data   the attribute is gone (the end marker in its place)
damage() {
	python3 - "$@" <<'EOF2'
import struct, sys
path, rec, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
f = open(path, "r+b")
head = f.read(512)
cl = struct.unpack_from("<H", head, 0x0B)[0] * head[0x0D]
c = struct.unpack_from("<b", head, 0x40)[0]
rs = cl * c if c > 0 else 1 << -c
offs = [struct.unpack_from("<Q", head, 0x30)[0] * cl + rec * rs]
if rec < 4:
    offs.append(struct.unpack_from("<Q", head, 0x38)[0] * cl + rec * rs)
for off in offs:
    f.seek(off)
    r = bytearray(f.read(rs))
    usa, cnt = struct.unpack_from("<HH", r, 4)
    for i in range(1, cnt):
        r[512 * i - 2:512 * i] = r[usa + 2 * i:usa + 2 * i + 2]
    a = struct.unpack_from("<H", r, 0x14)[0]
    while not (struct.unpack_from("<I", r, a)[0] == 0x80 and r[a + 9] == 0):
        a += struct.unpack_from("<I", r, a + 4)[0]
    mp = a + struct.unpack_from("<H", r, a + 0x20)[0]
    if how == "past-end":
        r[mp:mp + 6] = bytes([0x31, r[mp + 1], 0xff, 0xff, 0x7f, 0])
    elif how == "bad-pair":
        r[mp] = 0xF0
    elif how == "short":
        struct.pack_into("<Q", r, a + 0x18, struct.unpack_from("<Q", r, a + 0x18)[0] + 8)
    elif how == "attr-len":
        struct.pack_into("<I", r, a + 4, rs)
    elif how == "no-data":
        struct.pack_into("<I", r, a, 0xFFFFFFFF)
    for i in range(1, cnt):
        r[usa + 2 * i:usa + 2 * i + 2] = r[512 * i - 2:512 * i]
        r[512 * i - 2:512 * i] = r[usa:usa + 2]
    f.seek(off)
    f.write(r)
EOF2
}

for case in "0 past-end runlist runs past the end of the volume" \
	    "0 bad-pair bad runlist pair header" \
	    "0 short runlist length does not match the attribute" \
	    "0 attr-len attribute runs past the record" \
	    "4 past-end runlist runs past the end of the volume" \
	    "4 bad-pair bad runlist pair header" \
	    "4 short runlist length does not match the attribute" \
	    "4 attr-len attribute runs past the record" \
	    "4 no-data no \$DATA attribute"; do
	# shellcheck disable=SC2086 # RECORD HOW REASON...
	set -- $case
	rec=$1 how=$2
	shift 2
	reason=$*
	name='$MFT'
	[ "$rec" = 4 ] && name='$AttrDef'
	img=$T_TMP/r$rec-$how.img
	cp "$clean" "$img"
	damage "$img" "$rec" "$how"
	h=$(hash_of "$img")
	want="ntfslinks: '$img': damaged ntfs volume at offset 0: record $rec ($name): $reason"
	for cmd in scan hardlinks reparse "siblings /Users/alice/a.txt" "truesize /Users" \
		   "info /Users/alice/a.txt"; do
		# shellcheck disable=SC2086 # COMMAND [PATH]
		set -- $cmd
		c=$1
		shift
		run_nl "$c" "$img" "$@"
		expect_rc "$c, record $rec $how: refused" 2
		expect_eq "$c, record $rec $how: the message" "$want" "$T_ERR"
	done
	run_nl copy --dry-run "$img:/Users" "$T_TMP/dest"
	expect_rc "copy from it, record $rec $how: refused" 2
	expect_eq "copy from it, record $rec $how: the message" \
		"ntfslinks: '$img:/Users': damaged ntfs volume at offset 0: record $rec ($name): $reason" "$T_ERR"
	run_nl copy "$clean:/Users" "$img:/x"
	expect_rc "copy into it, record $rec $how: refused" 2
	expect_eq "copy into it, record $rec $how: the message" \
		"ntfslinks: '$img:/x': cannot open the image for writing: damaged ntfs volume: record $rec ($name): $reason" "$T_ERR"
	ro_check "record $rec $how" "$img" "$h"
done
[ -e "$T_TMP/dest" ] && fail "a refused dry-run copy created its destination"

# A non-resident reparse point whose sizes claim 1 TiB is not read (libntfs-3g
# would allocate what it says): reported, and the scan goes on.
big=$T_TMP/big-reparse.img
"$MKFIXTURE" "$FUZZ_SRCDIR/seeds/names.spec" "$big" >/dev/null || fail "cannot build the image"
rec=$(python3 - "$big" <<'EOF2'
import struct, sys
f = open(sys.argv[1], "r+b")
h = f.read(512)
cl = struct.unpack_from("<H", h, 0x0B)[0] * h[0x0D]
c = struct.unpack_from("<b", h, 0x40)[0]
rs = cl * c if c > 0 else 1 << -c
mft = struct.unpack_from("<Q", h, 0x30)[0] * cl
for rec in range(16, 400):
    f.seek(mft + rec * rs)
    r = bytearray(f.read(rs))
    if r[:4] != b"FILE":
        continue
    usa, cnt = struct.unpack_from("<HH", r, 4)
    for i in range(1, cnt):
        r[512 * i - 2:512 * i] = r[usa + 2 * i:usa + 2 * i + 2]
    a = struct.unpack_from("<H", r, 0x14)[0]
    while struct.unpack_from("<I", r, a)[0] not in (0xC0, 0xFFFFFFFF):
        a += struct.unpack_from("<I", r, a + 4)[0]
    if struct.unpack_from("<I", r, a)[0] == 0xC0 and r[a + 8]:
        for field in (0x28, 0x30, 0x38):  # allocated, data and initialized size
            struct.pack_into("<Q", r, a + field, 1 << 40)
        for i in range(1, cnt):
            r[usa + 2 * i:usa + 2 * i + 2] = r[512 * i - 2:512 * i]
            r[512 * i - 2:512 * i] = r[usa:usa + 2]
        f.seek(mft + rec * rs)
        f.write(r)
        print(rec)
        break
EOF2
)
run_nl reparse "$big"
expect_rc "reparse, data claiming 1 TiB: reported" 1
expect_eq "reparse, data claiming 1 TiB: the messages" \
	"ntfslinks: '$big': record $rec: cannot read the non-resident reparse data: bad length
ntfslinks: '$big': record $rec: reparse data could not be read" "$T_ERR"
finish
