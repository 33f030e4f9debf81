#!/usr/bin/env python3
"""ixdamage.py: damage the $I30 index of one folder of an NTFS image behind correct update
sequence fixups, for the tests of the index check.

Usage: ixdamage.py IMAGE RECORD HOW
  self    the end entry of the first block of the top node (the root, or the block below
          it when it names one only) gets a subnode: that block
  up      the first two blocks of the top node get each other as subnode of their end
          entry (the walk meets the first again below the second: a cycle)
  beyond  the end entry of the first block of the top node gets a subnode just past the
          allocation
  deep    the root holds only its end entry, naming block 0; the end entry of each block
          names the next one: a chain of every block of the allocation (at least 34)
Prints what the index check is to say: "VCN" (self, up: the VCN met again), "VCN BYTES"
(beyond: the VCN and the allocation's size), "BLOCKS" (deep: blocks in the chain).
"""
import struct
import sys

path, recno, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
img = bytearray(open(path, "rb").read())
cl = struct.unpack_from("<H", img, 0x0B)[0] * img[0x0D]
c = struct.unpack_from("<b", img, 0x40)[0]
rs = cl * c if c > 0 else 1 << -c
roff = struct.unpack_from("<Q", img, 0x30)[0] * cl + recno * rs  # $MFT in one run


def unfix(b):
    uo, uc = struct.unpack_from("<HH", b, 4)
    for i in range(1, uc):
        assert b[512 * i - 2:512 * i] == b[uo:uo + 2], "torn block"
        b[512 * i - 2:512 * i] = b[uo + 2 * i:uo + 2 * i + 2]


def refix(b):
    uo, uc = struct.unpack_from("<HH", b, 4)
    for i in range(1, uc):
        b[uo + 2 * i:uo + 2 * i + 2] = b[512 * i - 2:512 * i]
        b[512 * i - 2:512 * i] = b[uo:uo + 2]


rec = bytearray(img[roff:roff + rs])
assert rec[:4] == b"FILE"
unfix(rec)
root = alloc = bitmap = None
a = struct.unpack_from("<H", rec, 0x14)[0]
while struct.unpack_from("<I", rec, a)[0] != 0xFFFFFFFF:
    t, ln = struct.unpack_from("<II", rec, a)
    if t == 0x90:
        root = a + struct.unpack_from("<H", rec, a + 0x14)[0]
    elif t == 0xA0:
        alloc = a
    elif t == 0xB0 and not rec[a + 8]:
        v = a + struct.unpack_from("<H", rec, a + 0x14)[0]
        bitmap = rec[v:v + struct.unpack_from("<I", rec, a + 0x10)[0]]
    a += ln
assert root is not None and alloc is not None, "the folder has no INDX blocks"
bsize = struct.unpack_from("<I", rec, root + 8)[0]
vsize = cl if cl <= bsize else 512
alen = struct.unpack_from("<Q", rec, alloc + 0x30)[0]
runs, p, lcn = [], alloc + struct.unpack_from("<H", rec, alloc + 0x20)[0], 0
while rec[p]:
    nl, no = rec[p] & 15, rec[p] >> 4
    n = int.from_bytes(rec[p + 1:p + 1 + nl], "little")
    lcn += int.from_bytes(rec[p + 1 + nl:p + 1 + nl + no], "little", signed=True)
    runs.append((lcn, n))
    p += 1 + nl + no


def block_off(vcn):
    """The image offset of the block at @vcn."""
    off = vcn * vsize
    for lc, n in runs:
        if off < n * cl:
            return lc * cl + off
        off -= n * cl
    raise AssertionError("vcn %d outside the runs" % vcn)


def entries(b, hdr):
    """(offset, length, flags) of the entries after the index header at @hdr."""
    pos = hdr + struct.unpack_from("<I", b, hdr)[0]
    while True:
        ln, _, fl = struct.unpack_from("<HHH", b, pos + 8)
        yield pos, ln, fl
        if fl & 2:
            return
        pos += ln


def subnodes(b, hdr):
    return [struct.unpack_from("<q", b, e + ln - 8)[0]
            for e, ln, fl in entries(b, hdr) if fl & 1]


def load(vcn):
    o = block_off(vcn)
    b = bytearray(img[o:o + bsize])
    assert b[:4] == b"INDX"
    unfix(b)
    return b


def store(vcn, b):
    refix(b)
    o = block_off(vcn)
    img[o:o + bsize] = b


def relink(vcn, target, leaves=False):
    """The end entry of the block at @vcn names @target as its subnode (None: no subnode);
    with @leaves its other entries name none."""
    b = load(vcn)
    hdr = 0x18
    out = bytearray()
    for e, ln, fl in entries(b, hdr):
        ent = bytearray(b[e:e + ln])
        if fl & 1 and (leaves or fl & 2):
            ent, fl = ent[:-8], fl & ~1
        if fl & 2 and target is not None:
            ent, fl = ent + struct.pack("<q", target), fl | 1
        struct.pack_into("<H", ent, 8, len(ent))
        struct.pack_into("<H", ent, 12, fl)
        out += ent
    first = struct.unpack_from("<I", b, hdr)[0]
    assert first + len(out) <= struct.unpack_from("<I", b, hdr + 8)[0], "block full"
    b[hdr + first:hdr + first + len(out)] = out
    struct.pack_into("<I", b, hdr + 4, first + len(out))
    if target is not None:
        b[hdr + 12] |= 1  # the block has subnodes
    store(vcn, b)


top = subnodes(rec, root + 0x10)
while len(top) == 1:  # a root (or block) that names one block: the tree starts below
    top = subnodes(load(top[0]), 0x18)
assert len(top) >= 2, "no node names two blocks"
if how == "self":
    relink(top[0], top[0])
    print(top[0])
elif how == "up":
    relink(top[0], top[1])
    relink(top[1], top[0])
    print(top[0])
elif how == "beyond":
    relink(top[0], alen // vsize)
    print(alen // vsize, alen)
elif how == "deep":
    chain = [v for v in range(0, alen // vsize, bsize // vsize)
             if bitmap is None or bitmap[v * vsize // bsize // 8] >> (v * vsize // bsize % 8) & 1]
    assert len(chain) >= 34, "only %d blocks" % len(chain)
    hdr = root + 0x10
    first = struct.unpack_from("<I", rec, hdr)[0]
    e = hdr + first
    struct.pack_into("<QHHH", rec, e, 0, 0x18, 0, 3)
    struct.pack_into("<H", rec, e + 14, 0)
    struct.pack_into("<q", rec, e + 0x10, chain[0])
    struct.pack_into("<I", rec, hdr + 4, first + 0x18)
    rec[hdr + 12] |= 1
    for v, nxt in zip(chain, chain[1:] + [None]):
        relink(v, nxt, True)
    print(len(chain))
else:
    sys.exit("ixdamage.py: unknown damage '%s'" % how)
refix(rec)
img[roff:roff + rs] = rec
open(path, "wb").write(img)
