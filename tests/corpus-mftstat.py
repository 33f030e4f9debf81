#!/usr/bin/env python3
# corpus-mftstat.py: an independent $MFT reader for the tests (shares no code with ntfslinks).
#
#   corpus-mftstat.py MFTFILE [--deleted] summary|groups|reparse|names
#
# Reads a raw $MFT (as extracted by 'icat IMAGE 0' or 'ntfscat IMAGE $MFT'),
# applies fixups, credits extension records to their base record, and prints:
#   summary  key=value lines: records, in_use, bad (records failing fixups),
#            files (in-use base records with a non-DOS name), names (non-DOS
#            names), dos_names, groups (files with 2+ non-DOS names), reparse
#   groups   "MFT SEQ COUNT" for each file with 2+ non-DOS names
#   reparse  "MFT 0xTAG" for each in-use base record with a $REPARSE_POINT
#   names    "MFT PARENT NAMESPACE NAME" for every $FILE_NAME of in-use records
#   deleted  "MFT" of every record not in use that still holds a non-DOS name
#   paths    "MFT<TAB>PATH<TAB>DOS" for every non-DOS name of an in-use record whose
#            parent chain reaches the root through in-use folders with matching
#            sequence numbers; DOS is the 8.3 alias in the same folder, or "-"
import struct
import sys


def records(data):
    if len(data) < 0x30 or data[0:4] != b"FILE":
        sys.exit("not an MFT: first record has no FILE signature")
    size = struct.unpack_from("<I", data, 0x1C)[0]
    if size not in (1024, 2048, 4096):
        sys.exit("odd record size %d" % size)
    for n in range(len(data) // size):
        yield n, bytearray(data[n * size:(n + 1) * size])


def fixup(rec):
    usa_ofs, usa_cnt = struct.unpack_from("<HH", rec, 4)
    if usa_cnt < 2 or usa_ofs + 2 * usa_cnt > len(rec):
        return False
    usn = rec[usa_ofs:usa_ofs + 2]
    for i in range(1, usa_cnt):
        end = i * 512
        if end > len(rec) or rec[end - 2:end] != usn:
            return False
        rec[end - 2:end] = rec[usa_ofs + 2 * i:usa_ofs + 2 * i + 2]
    return True


def attrs(rec):
    off = struct.unpack_from("<H", rec, 0x14)[0]
    used = struct.unpack_from("<I", rec, 0x18)[0]
    end = min(used, len(rec))
    while off + 8 <= end:
        atype, alen = struct.unpack_from("<II", rec, off)
        if atype == 0xFFFFFFFF or alen < 16 or off + alen > end:
            return
        nonres = rec[off + 8]
        if not nonres:
            vlen, voff = struct.unpack_from("<IH", rec, off + 0x10)
            yield atype, False, bytes(rec[off + voff:off + voff + vlen])
        else:
            yield atype, True, None
        off += alen


def main():
    args = sys.argv[1:]
    deleted = "--deleted" in args
    args = [a for a in args if a != "--deleted"]
    path, what = args
    with open(path, "rb") as f:
        data = f.read()
    files = {}      # base record -> dict(seq, inuse, names[], dos, reparse)
    bad = 0
    total = 0
    for n, rec in records(data):
        total += 1
        if rec[0:4] != b"FILE":
            continue
        if not fixup(rec):
            bad += 1
            continue
        seq, _, _, flags = struct.unpack_from("<HHHH", rec, 0x10)
        inuse = bool(flags & 1)
        base = struct.unpack_from("<Q", rec, 0x20)[0] & 0xFFFFFFFFFFFF
        owner = base if base else n
        ent = files.setdefault(owner, {"seq": None, "inuse": None, "names": [],
                                       "dos": 0, "reparse": None})
        if not base:
            ent["seq"], ent["inuse"] = seq, inuse
        elif not inuse:
            continue
        for atype, nonres, val in attrs(rec):
            if atype == 0x30 and val is not None and len(val) >= 0x42:
                parent = struct.unpack_from("<Q", val, 0)[0]
                nlen, ns = val[0x40], val[0x41]
                name = val[0x42:0x42 + 2 * nlen].decode("utf-16-le", "surrogatepass")
                if ns == 2:
                    ent["dos"] += 1
                    ent.setdefault("dosnames", []).append((parent & 0xFFFFFFFFFFFF, name))
                else:
                    ent["names"].append((parent & 0xFFFFFFFFFFFF, ns, name))
                    ent.setdefault("pseq", []).append(parent >> 48)
            elif atype == 0xC0:
                tag = struct.unpack_from("<I", val, 0)[0] if val else None
                ent["reparse"] = tag
    live = {k: v for k, v in files.items()
            if v["seq"] is not None and (v["inuse"] or deleted)}
    if what == "summary":
        print("records=%d" % total)
        print("in_use=%d" % sum(1 for v in live.values() if v["inuse"]))
        print("bad=%d" % bad)
        print("files=%d" % sum(1 for v in live.values() if v["names"]))
        print("names=%d" % sum(len(v["names"]) for v in live.values()))
        print("dos_names=%d" % sum(v["dos"] for v in live.values()))
        print("groups=%d" % sum(1 for v in live.values() if len(v["names"]) > 1))
        print("reparse=%d" % sum(1 for v in live.values() if v["reparse"] is not None))
        print("deleted=%d" % sum(1 for v in files.values()
                                 if v["seq"] is not None and not v["inuse"] and v["names"]))
    elif what == "deleted":
        for k in sorted(files):
            v = files[k]
            if v["seq"] is not None and not v["inuse"] and v["names"]:
                print(k)
    elif what == "paths":
        def dirpath(rec, depth=0):
            if rec == 5:
                return ""
            v = files.get(rec)
            if v is None or not v["inuse"] or not v["names"] or depth > 256:
                return None
            (parent, ns, name), pseq = v["names"][0], v.get("pseq", [0])[0]
            pv = files.get(parent)
            if pv is None or pv["seq"] != pseq:
                return None
            up = dirpath(parent, depth + 1)
            return None if up is None else up + "/" + name
        for k in sorted(files):
            v = files[k]
            if k == 5 or v["seq"] is None or not v["inuse"]:
                continue
            for (parent, ns, name), pseq in zip(v["names"], v.get("pseq", [])):
                pv = files.get(parent)
                if pv is None or pv["seq"] != pseq:
                    continue
                up = dirpath(parent)
                if up is None:
                    continue
                dos = [d for p, d in v.get("dosnames", []) if p == parent and ns == 1]
                print("%d\t%s/%s\t%s" % (k, up, name, dos[0] if dos else "-"))
    elif what == "groups":
        for k in sorted(live):
            v = live[k]
            if len(v["names"]) > 1:
                print(k, v["seq"], len(v["names"]))
    elif what == "reparse":
        for k in sorted(live):
            if live[k]["reparse"] is not None:
                print(k, "0x%08x" % live[k]["reparse"])
    elif what == "names":
        for k in sorted(live):
            for parent, ns, name in live[k]["names"]:
                print(k, parent, ns, name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    else:
        sys.exit("unknown request " + what)


main()
