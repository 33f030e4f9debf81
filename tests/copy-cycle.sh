#!/bin/sh
# copy-cycle.sh: 'ntfslinks copy' of a damaged image whose folder index leads back to the folder itself, to a folder above it, or to one folder twice: every mode ends, reports the entry and copies the rest; an entry back to its own folder flagged a reparse point (libntfs-3g then opens the folder twice) leaks nothing (the sanitizer run), also within one image.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
need_cmd python3 timeout

# repoint IMAGE FOLDER_RECORD NAME NEW_RECORD [ATTRS]: the index entry NAME of the
# folder in MFT record FOLDER_RECORD (in its $INDEX_ROOT, or in an INDX block of
# its $INDEX_ALLOCATION) is made to point at record NEW_RECORD (with that record's
# sequence number), the file attribute bits ATTRS (hex) added to its key, the
# update sequence fixups of the changed record or block applied again.  Exactly
# one entry must match.
repoint() {
	# shellcheck disable=SC2046 # OFFSET SIZE, two words each
	python3 - "$1" "$2" "$3" "$4" $(mft_record_at "$1" "$2") $(mft_record_at "$1" "$4") "${5:-0}" <<'EOF2'
import struct, sys
path, folder, name, new = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
foff, rs, noff = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
attrs = int(sys.argv[9], 16)
img = bytearray(open(path, "rb").read())

def unfix(b):
    uo, uc = struct.unpack_from("<HH", b, 4)
    usn = b[uo:uo + 2]
    for i in range(1, uc):
        end = i * 512
        assert b[end - 2:end] == usn, "torn block"
        b[end - 2:end] = b[uo + 2 * i:uo + 2 * i + 2]

def refix(b):
    uo, uc = struct.unpack_from("<HH", b, 4)
    usn = b[uo:uo + 2]
    for i in range(1, uc):
        end = i * 512
        b[uo + 2 * i:uo + 2 * i + 2] = b[end - 2:end]
        b[end - 2:end] = usn

def entries(b, hdr):
    # the index entries after the index header at @hdr of @b
    pos = hdr + struct.unpack_from("<I", b, hdr)[0]
    end = hdr + struct.unpack_from("<I", b, hdr + 4)[0]
    while pos < end:
        length, keylen, flags = struct.unpack_from("<HHH", b, pos + 8)
        if flags & 2:
            return
        yield pos
        pos += length

def matches(b, e):
    parent = struct.unpack_from("<Q", b, e + 16)[0] & 0xFFFFFFFFFFFF
    nlen = b[e + 16 + 0x40]
    nm = b[e + 16 + 0x42:e + 16 + 0x42 + 2 * nlen].decode("utf-16-le")
    return parent == folder and nm == name

nrec = bytearray(img[noff:noff + rs])
seq = struct.unpack_from("<H", nrec, 0x10)[0]
ref = new | seq << 48
hits = []
rec = bytearray(img[foff:foff + rs])
assert rec[:4] == b"FILE"
unfix(rec)
a = struct.unpack_from("<H", rec, 0x14)[0]
while struct.unpack_from("<I", rec, a)[0] != 0xFFFFFFFF:
    if struct.unpack_from("<I", rec, a)[0] == 0x90:
        v = a + struct.unpack_from("<H", rec, a + 0x14)[0]
        for e in entries(rec, v + 0x10):
            if matches(rec, e):
                struct.pack_into("<Q", rec, e, ref)
                fa = struct.unpack_from("<I", rec, e + 16 + 0x38)[0]
                struct.pack_into("<I", rec, e + 16 + 0x38, fa | attrs)
                hits.append(("root", e))
    a += struct.unpack_from("<I", rec, a + 4)[0]
if hits:
    refix(rec)
    img[foff:foff + rs] = rec
for off in range(0, len(img), 512):
    if img[off:off + 4] != b"INDX":
        continue
    uc = struct.unpack_from("<H", img, off + 6)[0]
    blk = bytearray(img[off:off + (uc - 1) * 512])
    unfix(blk)
    found = False
    for e in entries(blk, 0x18):
        if matches(blk, e):
            struct.pack_into("<Q", blk, e, ref)
            fa = struct.unpack_from("<I", blk, e + 16 + 0x38)[0]
            struct.pack_into("<I", blk, e + 16 + 0x38, fa | attrs)
            hits.append(("indx", off + e))
            found = True
    if found:
        refix(blk)
        img[off:off + len(blk)] = blk
assert len(hits) == 1, "%d entries match" % len(hits)
open(path, "wb").write(img)
EOF2
}

# A tree with a small folder (its index in the record) and a big one (INDX blocks).
cat >"$T_TMP/cyc.spec" <<'EOF'
image size=16M
default-time 2016-01-02T03:04:05Z
dir /src
dir /src/a
dir /src/a/b
file /src/a/b/f.txt text="f\n"
file /src/a/b/g.txt text="g\n"
file /src/top.txt text="top\n"
dir /src/big
file /src/big/file{001..120}.txt text="x\n"
dir /src/c
file /src/c/c.txt text="c\n"
EOF
build_fixture "$T_TMP/cyc.spec" "$T_TMP/clean.img"
SRC=$(mft_of "$T_TMP/clean.img" /src)
A=$(mft_of "$T_TMP/clean.img" /src/a)
B=$(mft_of "$T_TMP/clean.img" /src/a/b)
BIG=$(mft_of "$T_TMP/clean.img" /src/big)
C=$(mft_of "$T_TMP/clean.img" /src/c)
[ -n "$SRC" ] && [ -n "$A" ] && [ -n "$B" ] && [ -n "$BIG" ] && [ -n "$C" ] ||
	{ echo "FAIL: ntfsinfo cannot find the folders"; exit 99; }

empty() { printf 'image size=16M\n' >"$T_TMP/e.spec"; build_fixture "$T_TMP/e.spec" "$1"; }

# check_damaged IMAGE WHAT ENTRY REASON: every mode ends (within 10 s), reports
# ENTRY with REASON, exits 1, copies everything else and never writes the image.
check_damaged() {
	img=$1 what=$2 entry=$3 reason=$4
	h=$(hash_of "$img")
	for mode in --crop --splice --unroll; do
		rm -rf "$T_TMP/d"
		T_RC=0
		timeout 10 "$NTFSLINKS" copy $mode "$img:/src" "$T_TMP/d" >"$T_TMP/out" 2>"$T_TMP/err" ||
			T_RC=$?
		T_ERR=$(cat "$T_TMP/err")
		expect_rc "$what $mode: into a folder, exit status" 1
		expect_eq "$what $mode: into a folder, the message" \
			"ntfslinks: '$img:/src/$entry': $reason" "$T_ERR"
		(cd "$T_TMP/d" && find . -mindepth 1 | LC_ALL=C sort) >"$T_TMP/got"
		grep -v "^\./$entry\$" "$T_TMP/tree" >"$T_TMP/want"
		expect_file_eq "$what $mode: the rest copied" "$T_TMP/want" "$T_TMP/got"
	done
	T_RC=0
	timeout 10 "$NTFSLINKS" copy --dry-run --json "$img:/src" "$T_TMP/dry" >"$T_TMP/out" 2>"$T_TMP/err" ||
		T_RC=$?
	expect_rc "$what: --dry-run ends, exit status" 1
	expect_eq "$what: --dry-run reports the entry as an error" \
		"$(printf 'error\tfolder\t%s\t%s' "$img:/src/$entry" "$reason")" \
		"$(jfields action action kind source reason <"$T_TMP/out" | grep '^error')"
	expect_eq "$what: --dry-run summary" 1 "$(jfields summary error <"$T_TMP/out")"
	empty "$T_TMP/dst.img"
	T_RC=0
	timeout 10 "$NTFSLINKS" copy "$img:/src" "$T_TMP/dst.img:/d" >"$T_TMP/out" 2>"$T_TMP/err" ||
		T_RC=$?
	expect_rc "$what: into an image, exit status" 1
	"$NTFSLINKS" scan "$T_TMP/dst.img" >/dev/null 2>&1
	expect_eq "$what: the image copy is readable" 0 "$?"
	expect_eq "$what: the source is unchanged" "$h" "$(hash_of "$img")"
}

run_nl copy "$T_TMP/clean.img:/src" "$T_TMP/clean"
expect_rc "clean image: copied" 0
(cd "$T_TMP/clean" && find . -mindepth 1 | LC_ALL=C sort) >"$T_TMP/tree"
expect_eq "clean image: the tree" 128 "$(wc -l <"$T_TMP/tree")"

# ---- /src/a/b/g.txt leads to /src/a: a cycle through the index root of /src/a/b
cp "$T_TMP/clean.img" "$T_TMP/up.img"
repoint "$T_TMP/up.img" "$B" g.txt "$A" || { echo "FAIL: could not patch the index"; exit 99; }
# with the entry refused, /src/a/b/g.txt is missing from the copy
check_damaged "$T_TMP/up.img" "entry to a folder above" a/b/g.txt \
	"directory cycle: the entry leads to record $A, the folder '/src/a' above it"

# ---- /src/a/b/f.txt leads to /src/a/b itself
cp "$T_TMP/clean.img" "$T_TMP/self.img"
repoint "$T_TMP/self.img" "$B" f.txt "$B" || { echo "FAIL: could not patch the index"; exit 99; }
check_damaged "$T_TMP/self.img" "entry to its own folder" a/b/f.txt \
	"directory cycle: the entry leads to record $B, the folder '/src/a/b' above it"

# ---- the same, the entry flagged as a reparse point: libntfs-3g's readdir then opens the
# folder a second time to ask its type (its cache of closed inodes lost the first: a leak
# the sanitizer run of this test reports), also when the copy reads through the writer
cp "$T_TMP/clean.img" "$T_TMP/selfrp.img"
repoint "$T_TMP/selfrp.img" "$B" f.txt "$B" 10000400 || { echo "FAIL: could not patch the index"; exit 99; }
check_damaged "$T_TMP/selfrp.img" "entry to its own folder, flagged a reparse point" a/b/f.txt \
	"directory cycle: the entry leads to record $B, the folder '/src/a/b' above it"
# within one image the source is read through the writer, whose inodes stay open: a small
# tree, so that nothing pushes the second inode out of that cache before the end
cat >"$T_TMP/small.spec" <<'EOF'
image size=16M
dir /src
dir /src/a
dir /src/a/b
file /src/a/b/f.txt text="f\n"
file /src/a/b/g.txt text="g\n"
EOF
build_fixture "$T_TMP/small.spec" "$T_TMP/same.img"
SB=$(mft_of "$T_TMP/same.img" /src/a/b)
repoint "$T_TMP/same.img" "$SB" f.txt "$SB" 10000400 || { echo "FAIL: could not patch the index"; exit 99; }
T_RC=0
timeout 10 "$NTFSLINKS" copy "$T_TMP/same.img:/src" "$T_TMP/same.img:/d" >"$T_TMP/out" 2>"$T_TMP/err" ||
	T_RC=$?
expect_rc "entry to its own folder, flagged a reparse point: within the image, exit status" 1
expect_eq "entry to its own folder, flagged a reparse point: within the image, the message" \
	"ntfslinks: '$T_TMP/same.img:/src/a/b/f.txt': directory cycle: the entry leads to record $SB, the folder '/src/a/b' above it" \
	"$(cat "$T_TMP/err")"
expect_eq "entry to its own folder, flagged a reparse point: within the image, the rest copied" \
	"g.txt" "$("$NTFSLINKS" ls "$T_TMP/same.img:/d/a/b" 2>&1)"

# ---- an entry in an INDX block of /src/big leads to /src (the copied root)
cp "$T_TMP/clean.img" "$T_TMP/indx.img"
repoint "$T_TMP/indx.img" "$BIG" file077.txt "$SRC" || { echo "FAIL: could not patch the index"; exit 99; }
check_damaged "$T_TMP/indx.img" "INDX entry to the root" big/file077.txt \
	"directory cycle: the entry leads to record $SRC, the folder '/src' above it"

# ---- /src/top.txt leads to /src/c: one folder twice in the tree
cp "$T_TMP/clean.img" "$T_TMP/twice.img"
repoint "$T_TMP/twice.img" "$SRC" top.txt "$C" || { echo "FAIL: could not patch the index"; exit 99; }
check_damaged "$T_TMP/twice.img" "second entry of a folder" top.txt \
	"the entry leads to record $C, the folder '/src/c' already copied"

finish
