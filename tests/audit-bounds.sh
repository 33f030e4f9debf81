#!/bin/sh
# audit-bounds.sh: sizes and counts a hostile image gives are bounded by the library's own parser: a record whose attribute list claims 1 TiB (never read, nor handed to libntfs-3g, by the scan and by copy into a folder and into an image) and a file credited with 2,100 names by extension records (2,048 kept; copy, which reads them through libntfs-3g from an attribute list naming them, refuses the file) are each reported with the image, the record and the reason, the other records are still listed, the exit status is 1, and each run ends within seconds in little memory.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 timeout

cat >"$T_TMP/b.spec" <<'EOF'
image size=8M
file -p /a/one.txt text=hello
dir /b
link /a/one.txt /b/one.txt
file /a/two.txt text=two
link /a/two.txt /a/two-b.txt
file /a/three.txt text=three
link /a/three.txt /a/three-b.txt
junction -p /j/to-a \??\C:\a
EOF
build_fixture "$T_TMP/b.spec" "$T_TMP/good.img"
m_two=$(mft_of "$T_TMP/good.img" /a/two.txt)

# add_attr_list IMAGE RECORD SIZE: put a non-resident $ATTRIBUTE_LIST of SIZE bytes (one
# cluster allocated) into the record after its $STANDARD_INFORMATION, fixups applied again.
add_attr_list() {
	# shellcheck disable=SC2046 # OFFSET SIZE, two words
	python3 - "$1" $(mft_record_at "$1" "$2") "$3" <<'EOF2'
import struct, sys
path, off, rs, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
f = open(path, "r+b")
f.seek(off)
r = bytearray(f.read(rs))
assert r[:4] == b"FILE"
usa, cnt = struct.unpack_from("<HH", r, 4)
for i in range(1, cnt):
    r[512 * i - 2:512 * i] = r[usa + 2 * i:usa + 2 * i + 2]
a = struct.unpack_from("<H", r, 0x14)[0]
assert struct.unpack_from("<I", r, a)[0] == 0x10
at = a + struct.unpack_from("<I", r, a + 4)[0]
used = struct.unpack_from("<I", r, 0x18)[0]
inst = struct.unpack_from("<H", r, 0x28)[0]
attr = bytearray(0x48)
struct.pack_into("<IIBBHHH", attr, 0, 0x20, 0x48, 1, 0, 0x40, 0, inst)
struct.pack_into("<qqH", attr, 0x10, 0, 0, 0x40)
struct.pack_into("<QQQ", attr, 0x28, 4096, size, size)
attr[0x40:0x44] = bytes([0x11, 0x01, 0x01, 0x00])
assert used + len(attr) <= rs
r[at:used + len(attr)] = attr + r[at:used]
struct.pack_into("<I", r, 0x18, used + len(attr))
struct.pack_into("<H", r, 0x28, inst + 1)
for i in range(1, cnt):
    r[usa + 2 * i:usa + 2 * i + 2] = r[512 * i - 2:512 * i]
    r[512 * i - 2:512 * i] = r[usa:usa + 2]
f.seek(off)
f.write(r)
EOF2
}

img=$T_TMP/attrlist.img
cp "$T_TMP/good.img" "$img"
add_attr_list "$img" "$m_two" 1099511627776 || { echo "FAIL: could not patch the record"; exit 99; }
h=$(hash_of "$img")
want="ntfslinks: '$img': record $m_two: attribute list of 1099511627776 bytes, more than 262144"
T_RC=0
timeout 10 "$NTFSLINKS" hardlinks --json "$img" >"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
expect_rc "attribute list of 1 TiB: exit status" 1
expect_eq "attribute list of 1 TiB: the message" "$want" "$(cat "$T_TMP/err")"
expect_eq "attribute list of 1 TiB: every group is listed" "/a/one.txt|/b/one.txt
/a/three-b.txt|/a/three.txt
/a/two-b.txt|/a/two.txt" "$(jfields hardlink_group names <"$T_TMP/out" | sort)"
T_RC=0
timeout 10 "$NTFSLINKS" reparse --json "$img" >"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
expect_rc "attribute list of 1 TiB, reparse: exit status" 1
expect_eq "attribute list of 1 TiB, reparse: the message" "$want" "$(cat "$T_TMP/err")"
expect_eq "attribute list of 1 TiB, reparse: the junction is listed" "/j/to-a	/a	inner" \
	"$(jfields reparse path target class <"$T_TMP/out")"
# the memory a scan of this 8 MiB image takes stays small (the size claimed is never allocated)
if [ -x /usr/bin/time ]; then
	T_RC=0
	/usr/bin/time -f '%M' -o "$T_TMP/rss" timeout 10 "$NTFSLINKS" scan "$img" >/dev/null 2>&1 || T_RC=$?
	expect_rc "attribute list of 1 TiB, scan: exit status" 1
	expect_match "attribute list of 1 TiB, scan: less than 400 MB of memory" \
		'^([0-9]{1,5}|[1-3][0-9]{5})$' "$(tail -n 1 "$T_TMP/rss")"
fi
ro_check "attribute list of 1 TiB" "$img" "$h"
# copy reads through libntfs-3g: the same bound, checked before libntfs-3g opens the record;
# both names of the file are refused, everything else copied
for dst in "$T_TMP/c" "$T_TMP/c.img:/c"; do
	rm -rf "$T_TMP/c"
	printf 'image size=8M\n' >"$T_TMP/e.spec"
	build_fixture "$T_TMP/e.spec" "$T_TMP/c.img"
	T_RC=0
	timeout 10 "$NTFSLINKS" copy "$img:/" "$dst" >"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "attribute list of 1 TiB, copy to $dst: exit status" 1
	expect_eq "attribute list of 1 TiB, copy to $dst: the messages" \
		"ntfslinks: '$img:/a/two-b.txt': record $m_two: attribute list of 1099511627776 bytes, more than 262144
ntfslinks: '$img:/a/two.txt': record $m_two: attribute list of 1099511627776 bytes, more than 262144" \
		"$(cat "$T_TMP/err")"
	# the junction: a junction in the image ('ls' marks it a folder), a symbolic link here
	case $dst in
	*.img:*) got=$(for d in a b j; do "$NTFSLINKS" ls "$T_TMP/c.img:/c/$d" 2>&1; done) j=to-a/ ;;
	*) got=$(cd "$T_TMP/c" && find . -mindepth 2 | LC_ALL=C sort | sed 's|.*/||') j=to-a ;;
	esac
	expect_eq "attribute list of 1 TiB, copy to $dst: the rest copied" "one.txt
three-b.txt
three.txt
one.txt
$j" "$got"
done
ro_check "attribute list of 1 TiB, copy" "$img" "$h"

# ---- names: 2,100 records made extension records of one file, whose names all become its
cat >"$T_TMP/n.spec" <<'EOF'
image size=16M
file -p /a/one.txt text=hello
link /a/one.txt /a/one-b.txt
file -p /x/f{0001..2100}.txt text=x
EOF
build_fixture "$T_TMP/n.spec" "$T_TMP/names.img"
img=$T_TMP/names.img
base=$(python3 - "$img" <<'EOF2'
import struct, sys
f = open(sys.argv[1], "r+b")
h = f.read(512)
cl = struct.unpack_from("<H", h, 0x0B)[0] * h[0x0D]
c = struct.unpack_from("<b", h, 0x40)[0]
rs = cl * c if c > 0 else 1 << -c
def fix(r):
    usa, cnt = struct.unpack_from("<HH", r, 4)
    for i in range(1, cnt):
        r[512 * i - 2:512 * i] = r[usa + 2 * i:usa + 2 * i + 2]
def refix(r):
    usa, cnt = struct.unpack_from("<HH", r, 4)
    for i in range(1, cnt):
        r[usa + 2 * i:usa + 2 * i + 2] = r[512 * i - 2:512 * i]
        r[512 * i - 2:512 * i] = r[usa:usa + 2]
def attrs(r):
    a = struct.unpack_from("<H", r, 0x14)[0]
    while struct.unpack_from("<I", r, a)[0] != 0xFFFFFFFF:
        yield a
        a += struct.unpack_from("<I", r, a + 4)[0]
# $MFT's runs, from its unnamed $DATA in record 0
f.seek(struct.unpack_from("<Q", h, 0x30)[0] * cl)
r0 = bytearray(f.read(rs))
fix(r0)
runs = []
for a in attrs(r0):
    if struct.unpack_from("<I", r0, a)[0] == 0x80 and r0[a + 9] == 0:
        p = a + struct.unpack_from("<H", r0, a + 0x20)[0]
        lcn = 0
        while r0[p]:
            nl, no = r0[p] & 15, r0[p] >> 4
            ln = int.from_bytes(r0[p + 1:p + 1 + nl], "little")
            lcn += int.from_bytes(r0[p + 1 + nl:p + 1 + nl + no], "little", signed=True)
            runs.append((lcn, ln))
            p += 1 + nl + no
recs = []
for lcn, ln in runs:
    for off in range(lcn * cl, (lcn + ln) * cl, rs):
        recs.append(off)
found = {}
for num, off in enumerate(recs):
    f.seek(off)
    r = bytearray(f.read(rs))
    if r[:4] != b"FILE" or not struct.unpack_from("<H", r, 0x16)[0] & 1:
        continue
    fix(r)
    for a in attrs(r):
        if struct.unpack_from("<I", r, a)[0] == 0x30:
            v = a + struct.unpack_from("<H", r, a + 0x14)[0]
            nm = r[v + 0x42:v + 0x42 + 2 * r[v + 0x40]].decode("utf-16-le")
            if nm.startswith("f") and nm.endswith(".txt") and len(nm) == 9:
                found[nm] = (num, off, struct.unpack_from("<H", r, 0x10)[0])
assert len(found) == 2100, len(found)
bnum, boff, bseq = found["f0001.txt"]
for nm, (num, off, seq) in found.items():
    if nm == "f0001.txt":
        continue
    f.seek(off)
    r = bytearray(f.read(rs))
    fix(r)
    struct.pack_into("<Q", r, 0x20, bnum | bseq << 48)
    refix(r)
    f.seek(off)
    f.write(r)
print(bnum)
EOF2
) || { echo "FAIL: could not patch the records"; exit 99; }
h=$(hash_of "$img")
T_RC=0
timeout 20 "$NTFSLINKS" hardlinks --json "$img" >"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
expect_rc "2,100 names on one file: exit status" 1
expect_eq "2,100 names on one file: the message" \
	"ntfslinks: '$img': record $base: more than 2048 names: the rest are left out" "$(cat "$T_TMP/err")"
jfields hardlink_group names <"$T_TMP/out" >"$T_TMP/groups"
expect_eq "2,100 names on one file: the other group is listed" "/a/one-b.txt|/a/one.txt" \
	"$(grep '^/a/' "$T_TMP/groups")"
expect_eq "2,100 names on one file: 2,048 of its names are listed" 2048 \
	"$(grep '^/x/' "$T_TMP/groups" | tr '|' '\n' | wc -l)"
if [ -x /usr/bin/time ]; then
	T_RC=0
	/usr/bin/time -f '%M' -o "$T_TMP/rss" timeout 20 "$NTFSLINKS" siblings "$img" /x/f0001.txt \
		>"$T_TMP/out" 2>/dev/null || T_RC=$?
	expect_rc "2,100 names on one file, siblings: exit status" 1
	expect_eq "2,100 names on one file, siblings: the names kept (the first 2,048)" \
		"2048 /x/f0001.txt /x/f2048.txt" \
		"$(tail -n +2 "$T_TMP/out" | awk '{ n++; if (n == 1) a = $4; b = $4 } END { print n, a, b }')"
	expect_match "2,100 names on one file, siblings: less than 400 MB of memory" \
		'^([0-9]{1,5}|[1-3][0-9]{5})$' "$(tail -n 1 "$T_TMP/rss")"
fi
ro_check "2,100 names on one file" "$img" "$h"

# ---- names seen through libntfs-3g: 2,100 $FILE_NAMEs of one file through its attribute list
# (records f0002 ... f2100 made its extension records, a list naming each one's $FILE_NAME);
# copy reads the names through libntfs-3g and takes no more than the scan does
cat >"$T_TMP/l.spec" <<'EOF'
image size=16M
file -p /x/f{0001..2100}.txt text=x
dir /c
link /x/f0001.txt /c/f.txt
file /c/g.txt text=g
EOF
build_fixture "$T_TMP/l.spec" "$T_TMP/list.img"
img=$T_TMP/list.img
base=$(mft_of "$img" /x/f0001.txt)
first=$(mft_of "$img" /x/f0002.txt)
last=$(mft_of "$img" /x/f2100.txt)
[ $((last - first)) = 2098 ] || { echo "FAIL: /x/f0002.txt ... /x/f2100.txt are not records in a row"; exit 99; }
# the list's own clusters: free ones at the end of the volume ($Bitmap is not changed: the
# image is only read)
python3 - "$img" "$base" "$first" "$last" <<'EOF2' || { echo "FAIL: could not patch the records"; exit 99; }
import struct, sys
path, base, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
f = open(path, "r+b")
h = f.read(512)
cl = struct.unpack_from("<H", h, 0x0B)[0] * h[0x0D]
c = struct.unpack_from("<b", h, 0x40)[0]
rs = cl * c if c > 0 else 1 << -c
def fix(r):
    usa, cnt = struct.unpack_from("<HH", r, 4)
    for i in range(1, cnt):
        r[512 * i - 2:512 * i] = r[usa + 2 * i:usa + 2 * i + 2]
def refix(r):
    usa, cnt = struct.unpack_from("<HH", r, 4)
    for i in range(1, cnt):
        r[usa + 2 * i:usa + 2 * i + 2] = r[512 * i - 2:512 * i]
        r[512 * i - 2:512 * i] = r[usa:usa + 2]
def attrs(r):
    a = struct.unpack_from("<H", r, 0x14)[0]
    while struct.unpack_from("<I", r, a)[0] != 0xFFFFFFFF:
        yield a
        a += struct.unpack_from("<I", r, a + 4)[0]
def runs_of(r, a):
    p = a + struct.unpack_from("<H", r, a + 0x20)[0]
    lcn, out = 0, []
    while r[p]:
        nl, no = r[p] & 15, r[p] >> 4
        ln = int.from_bytes(r[p + 1:p + 1 + nl], "little")
        lcn += int.from_bytes(r[p + 1 + nl:p + 1 + nl + no], "little", signed=True)
        out.append((lcn, ln))
        p += 1 + nl + no
    return out
def unnamed_data(r):
    return [a for a in attrs(r) if struct.unpack_from("<I", r, a)[0] == 0x80 and r[a + 9] == 0][0]
f.seek(struct.unpack_from("<Q", h, 0x30)[0] * cl)
r0 = bytearray(f.read(rs))
fix(r0)
recs = [off for lcn, ln in runs_of(r0, unnamed_data(r0)) for off in range(lcn * cl, (lcn + ln) * cl, rs)]
def load(n):
    f.seek(recs[n])
    r = bytearray(f.read(rs))
    assert r[:4] == b"FILE"
    fix(r)
    return r
def store(n, r):
    refix(r)
    f.seek(recs[n])
    f.write(r)
# free clusters for the list, from $Bitmap (record 6)
r6 = load(6)
bm = bytearray()
for lcn, ln in runs_of(r6, unnamed_data(r6)):
    f.seek(lcn * cl)
    bm += f.read(ln * cl)
total = struct.unpack_from("<Q", h, 0x28)[0] * struct.unpack_from("<H", h, 0x0B)[0] // cl
bseq = struct.unpack_from("<H", load(base), 0x10)[0]
ents = []
for n in range(first, last + 1):
    r = load(n)
    struct.pack_into("<Q", r, 0x20, base | bseq << 48)
    fn = [a for a in attrs(r) if struct.unpack_from("<I", r, a)[0] == 0x30][0]
    ents.append((0x30, 0, n | struct.unpack_from("<H", r, 0x10)[0] << 48,
                 struct.unpack_from("<H", r, fn + 0x0E)[0]))
    store(n, r)
r = load(base)
own = [(struct.unpack_from("<I", r, a)[0], struct.unpack_from("<q", r, a + 0x10)[0] if r[a + 8] else 0,
        base | bseq << 48, struct.unpack_from("<H", r, a + 0x0E)[0]) for a in attrs(r)]
assert all(r[a + 9] == 0 for a in attrs(r)), "named attributes"
lst = bytearray()
for t, vcn, ref, inst in sorted(own + ents, key=lambda e: e[0]):
    lst += struct.pack("<IHBBqQH6x", t, 0x20, 0, 0x1A, vcn, ref, inst)
need = (len(lst) + cl - 1) // cl
run = 0
for lcn in range(total - 1, 0, -1):
    run = run + 1 if not bm[lcn // 8] >> (lcn % 8) & 1 else 0
    if run == need:
        break
assert run == need and need < 256 and lcn < 0x8000
f.seek(lcn * cl)
f.write(lst + bytes(need * cl - len(lst)))
a = [a for a in attrs(r) if struct.unpack_from("<I", r, a)[0] == 0x10][0]
at = a + struct.unpack_from("<I", r, a + 4)[0]
used = struct.unpack_from("<I", r, 0x18)[0]
inst = struct.unpack_from("<H", r, 0x28)[0]
attr = bytearray(0x48)
struct.pack_into("<IIBBHHH", attr, 0, 0x20, 0x48, 1, 0, 0x40, 0, inst)
struct.pack_into("<qqH", attr, 0x10, 0, need - 1, 0x40)
struct.pack_into("<QQQ", attr, 0x28, need * cl, len(lst), len(lst))
attr[0x40:0x45] = bytes([0x21, need, lcn & 0xFF, lcn >> 8, 0])
assert used + len(attr) <= rs
r[at:used + len(attr)] = attr + r[at:used]
struct.pack_into("<I", r, 0x18, used + len(attr))
struct.pack_into("<H", r, 0x28, inst + 1)
store(base, r)
EOF2
h=$(hash_of "$img")
for dst in "$T_TMP/c" "$T_TMP/c.img:/c"; do
	rm -rf "$T_TMP/c"
	build_fixture "$T_TMP/e.spec" "$T_TMP/c.img"
	T_RC=0
	timeout 20 "$NTFSLINKS" copy "$img:/c" "$dst" >"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "2,100 names through an attribute list, copy to $dst: exit status" 1
	expect_eq "2,100 names through an attribute list, copy to $dst: the message" \
		"ntfslinks: '$img:/c/f.txt': record $base: more than 2048 names" "$(cat "$T_TMP/err")"
	case $dst in
	*.img:*) got=$("$NTFSLINKS" ls "$T_TMP/c.img:/c" 2>&1) ;;
	*) got=$(ls "$T_TMP/c") ;;
	esac
	expect_eq "2,100 names through an attribute list, copy to $dst: the other file copied" \
		g.txt "$got"
done
ro_check "2,100 names through an attribute list, copy" "$img" "$h"

finish
