# audit-lib.sh: helpers for the audit command tests (sourced after lib.sh).

# The system's python3 first: a version manager's shim can cost 0.3 s a call.
if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
python3() { "$PYTHON" "$@"; }

# jfields TYPE FIELD...: reads JSON Lines on stdin (every line must parse),
# prints the FIELDs of each object of TYPE tab-separated: arrays joined by
# '|', null as '-', booleans as true/false, a missing key as '<missing>'.
jfields() {
	python3 -c '
import json, sys
t = sys.argv[1]
fields = sys.argv[2:]
for line in sys.stdin:
    o = json.loads(line)
    if o.get("type") != t:
        continue
    out = []
    for k in fields:
        v = o.get(k, "<missing>")
        if isinstance(v, list):
            v = "|".join(str(x) for x in v)
        elif v is None:
            v = "-"
        elif isinstance(v, bool):
            v = "true" if v else "false"
        out.append(str(v))
    print("\t".join(out))
' "$@"
}

# json_ok WHAT FILE: every line of FILE is a JSON object with a "type".
json_ok() {
	T_CHECKS=$((T_CHECKS + 1))
	if ! python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(l)
    assert isinstance(o, dict) and "type" in o, l
    n += 1
' "$2" 2>"$T_TMP/json.err"; then
		echo "FAIL: $1: output is not JSON Lines"
		head -n 5 "$T_TMP/json.err"
		T_FAILS=$((T_FAILS + 1))
	fi
}

# csv_rows FILE: parses FILE as CSV (RFC 4180) and prints each row's fields
# joined by tabs; fails the test if it does not parse.
csv_rows() {
	python3 -c '
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f, strict=True):
        print("\t".join(row))
' "$1"
}

# nl_json ARGS...: run ntfslinks with --json, output in $T_TMP/out (and $T_OUT).
nl_json() { run_nl "$@" --json; }

# ro_check WHAT FILE HASH: FILE still has sha256 HASH.
ro_check() { expect_eq "$1: input unchanged (sha256)" "$3" "$(hash_of "$2")"; }

# mft_of IMAGE PATH: the MFT record number of PATH by libntfs-3g's own
# lookup (ntfsinfo), independent of ntfslinks.
mft_of() {
	PATH="$PATH:/usr/sbin:/sbin" ntfsinfo -F "$2" "$1" 2>/dev/null |
		sed -n 's/^Dumping Inode \([0-9]*\).*/\1/p' | head -n 1
}

# ref_of IMAGE PATH: "record-seq" of PATH (the bodyfile's inode), the record by mft_of and its
# sequence number as ntfsinfo reads it, independent of ntfslinks.
ref_of() {
	_rec=$(mft_of "$1" "$2")
	printf '%s-%s\n' "$_rec" "$(PATH="$PATH:/usr/sbin:/sbin" ntfsinfo -i "$_rec" "$1" 2>/dev/null |
		sed -n 's/^[[:space:]]*MFT Record Seq. Numb.:[[:space:]]*\([0-9]*\).*/\1/p')"
}

# truth_diff TRUTH JSONL...: compares the hardlink and reparse lines of a
# builder ground-truth file (mkfixture --truth / --bulk) with the
# hardlink_group and reparse objects in the JSON Lines files; prints one line
# per difference (nothing when they agree).  Reparse points are compared by
# path, tag and record, plus substitute name, print name and relative flag
# for links or the raw data for other tags.
truth_diff() {
	python3 - "$@" <<'EOF2'
import json, sys
truth_h, truth_r, ours_h, ours_r = set(), {}, set(), {}
for l in open(sys.argv[1], encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    if f[0] == "hardlink":
        truth_h.add("\t".join(f))
    elif f[0] == "reparse":
        path, tag, kind, flags, subst, prnt, hexd, mft = f[1:]
        truth_r[path] = (tag, mft, hexd) if kind == "raw" else (tag, mft, flags, subst, prnt)
for fn in sys.argv[2:]:
    for l in open(fn, encoding="utf-8"):
        o = json.loads(l)
        if o["type"] == "hardlink_group":
            names = sorted(o["names"])
            for n in names:
                ours_h.add("hardlink\t%s\t%s\t%d\t%d" % (names[0], n, len(names), o["mft"]))
        elif o["type"] == "reparse":
            t = truth_r.get(o["path"])
            if t is not None and len(t) == 3:
                ours_r[o["path"]] = (o["tag"], str(o["mft"]), o["data"])
            else:
                ours_r[o["path"]] = (o["tag"], str(o["mft"]), "1" if o["relative"] else "0",
                                     o["substitute_name"], o["print_name"])
for l in sorted(truth_h - ours_h):
    print("missing: " + l)
for l in sorted(ours_h - truth_h):
    print("extra:   " + l)
for p in sorted(set(truth_r) | set(ours_r)):
    if truth_r.get(p) != ours_r.get(p):
        print("reparse %s: truth %r, ntfslinks %r" % (p, truth_r.get(p), ours_r.get(p)))
EOF2
}

# hash_sparse FILE: sha256 over the data regions of FILE and their offsets
# (holes read as zeros, so this proves the same as hashing every byte), for
# big sparse disk images where reading the holes would take minutes.
hash_sparse() {
	python3 - "$1" <<'EOF2'
import hashlib, os, sys
h = hashlib.sha256()
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
h.update(b"size %d\n" % size)
off = 0
while off < size:
    try:
        start = os.lseek(fd, off, os.SEEK_DATA)
    except OSError:
        break
    end = os.lseek(fd, start, os.SEEK_HOLE)
    h.update(b"data %d %d\n" % (start, end))
    pos = start
    while pos < end:
        b = os.pread(fd, min(1 << 20, end - pos), pos)
        if not b:
            break
        h.update(b)
        pos += len(b)
    off = end
print(h.hexdigest())
EOF2
}

# mftstat MFT: the independent reader's (corpus-mftstat.py) summary of the $MFT file MFT, in
# $T_TMP/stat for want.
mftstat() {
	python3 "$TESTS_SRCDIR/corpus-mftstat.py" "$1" summary >"$T_TMP/stat" ||
		{ echo "FAIL: corpus-mftstat.py"; exit 99; }
}

# want KEY: the value of KEY in the last mftstat summary.
want() { sed -n "s/^$1=//p" "$T_TMP/stat"; }

# tsk_mftstat IMAGE START: the $MFT of the NTFS volume at sector START of IMAGE as TSK's icat reads
# it, in $T_TMP/mft, and its mftstat summary.
tsk_mftstat() {
	icat -o "$2" "$1" 0 >"$T_TMP/mft" || { echo "FAIL: icat"; exit 99; }
	mftstat "$T_TMP/mft"
}

# mft_record_at IMAGE|MFTFILE RECORD: "OFFSET SIZE", where MFT record RECORD lies in the NTFS image
# (its $MFT taken as one run from the boot sector's start cluster) or in the raw $MFT file.
mft_record_at() {
	python3 - "$@" <<'EOF2'
import struct, sys
path, rec = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as f:
    head = f.read(512)
if head[:4] == b"FILE":          # a raw $MFT
    rs = struct.unpack_from("<I", head, 0x1C)[0]
    off = rec * rs
else:
    cl = struct.unpack_from("<H", head, 0x0B)[0] * head[0x0D]
    c = struct.unpack_from("<b", head, 0x40)[0]
    rs = cl * c if c > 0 else 1 << -c
    off = struct.unpack_from("<Q", head, 0x30)[0] * cl + rec * rs
print(off, rs)
EOF2
}

# corrupt IMAGE|MFTFILE RECORD HOW: damage one MFT record in place.
#   fixup    the last two bytes of its first sector no longer match the update sequence number
#   attrlen  its first attribute claims to run past the end of the record
#   namelen  its $FILE_NAME claims a name longer than the attribute
corrupt() {
	# shellcheck disable=SC2046 # OFFSET SIZE, two words
	python3 - "$1" $(mft_record_at "$1" "$2") "$3" <<'EOF2'
import struct, sys
path, off, rs, how = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with open(path, "r+b") as f:
    f.seek(off)
    r = bytearray(f.read(rs))
    assert r[:4] == b"FILE", "no FILE record at %d" % off
    a = struct.unpack_from("<H", r, 0x14)[0]
    if how == "fixup":
        r[510] ^= 0xFF
    elif how == "attrlen":
        struct.pack_into("<I", r, a + 4, 0x7FF0)
    elif how == "namelen":
        while struct.unpack_from("<I", r, a)[0] != 0x30:
            a += struct.unpack_from("<I", r, a + 4)[0]
        v = a + struct.unpack_from("<H", r, a + 0x14)[0]
        r[v + 0x40] = 0xFF
    f.seek(off)
    f.write(r)
EOF2
}
