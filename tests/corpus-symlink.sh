#!/bin/sh
# corpus-symlink.sh: one MFT record made by Windows 10 (a relative symbolic link link.txt ->
# target.txt), placed at its own record number in the $MFT of a fixture that has /target.txt.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
sample=${CORPUS_DIR:-}/win10-symlink-record.bin
[ -f "$sample" ] || skip "no corpus sample $sample"
need_cmd python3 ntfscat

cat >"$T_TMP/t.spec" <<'EOF2'
image size=8M
file /target.txt text=target
EOF2
build_fixture "$T_TMP/t.spec" "$T_TMP/t.img"
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$T_TMP/t.img" '$MFT' >"$T_TMP/base.mft" 2>/dev/null
m_target=$(mft_of "$T_TMP/t.img" /target.txt)

# The record's own facts, decoded here independently: number, parent, name, reparse names.
python3 - "$sample" "$T_TMP/base.mft" "$T_TMP/mft" >"$T_TMP/facts" <<'EOF2'
import struct, sys
rec = bytearray(open(sys.argv[1], "rb").read())
base = open(sys.argv[2], "rb").read()
n = struct.unpack_from("<I", rec, 0x2C)[0]
seq = struct.unpack_from("<H", rec, 0x10)[0]
uo, uc = struct.unpack_from("<HH", rec, 4)
fixed = bytearray(rec)
for i in range(1, uc):
    fixed[i * 512 - 2:i * 512] = rec[uo + 2 * i:uo + 2 * i + 2]
a = struct.unpack_from("<H", fixed, 0x14)[0]
name = subst = prnt = None
while struct.unpack_from("<I", fixed, a)[0] != 0xFFFFFFFF:
    t, ln = struct.unpack_from("<II", fixed, a)
    v = a + struct.unpack_from("<H", fixed, a + 0x14)[0]
    if t == 0x30:
        parent = struct.unpack_from("<Q", fixed, v)[0] & 0xFFFFFFFFFFFF
        name = fixed[v + 0x42:v + 0x42 + 2 * fixed[v + 0x40]].decode("utf-16-le")
    elif t == 0xC0:
        tag = struct.unpack_from("<I", fixed, v)[0]
        so, sl, po, pl, flags = struct.unpack_from("<HHHHI", fixed, v + 8)
        pb = v + 20
        subst = fixed[pb + so:pb + so + sl].decode("utf-16-le")
        prnt = fixed[pb + po:pb + po + pl].decode("utf-16-le")
    a += ln
mft = bytearray(base[:n * 1024].ljust(n * 1024, b"\0")) + rec
open(sys.argv[3], "wb").write(mft)
print("\t".join([str(n), str(parent), name, "0x%08x" % tag, subst, prnt, "true" if flags & 1 else "false", str(seq)]))
EOF2
IFS='	' read -r n parent name tag subst prnt rel seq <"$T_TMP/facts"
expect_eq "the sample is a relative symlink link.txt in the root (sanity)" "5 link.txt true" "$parent $name $rel"
h0=$(hash_of "$T_TMP/mft")

nl_json reparse "$T_TMP/mft"
expect_rc "reparse" 0
expect_eq "the Windows 10 symlink, decoded and resolved" \
	"$n	/$name	symlink	$tag	$subst	$prnt	$rel	inner	/target.txt	$m_target" \
	"$(jfields reparse mft path tag_name tag substitute_name print_name relative class target target_mft <"$T_TMP/out")"
nl_json info "$T_TMP/mft" "/$name"
expect_eq "info on it" "$n	symlink	$subst	/target.txt" "$(jfields info mft tag_name substitute_name target <"$T_TMP/out")"
run_nl reparse --bodyfile "$T_TMP/mft"
expect_eq "bodyfile" "0|/$name -> /target.txt|$n-$seq|l/lrwxrwxrwx" "$(printf '%s\n' "$T_OUT" | cut -d'|' -f1-4)"
ro_check "the \$MFT with the sample" "$T_TMP/mft" "$h0"
finish
