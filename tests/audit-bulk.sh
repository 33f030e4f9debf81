#!/bin/sh
# audit-bulk.sh: hardlinks, reparse and scan --deleted on a bulk Windows-like image equal the
# builder's ground truth (IMAGE.truth), name for name.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3

img=$T_TMP/bulk.img
"$MKFIXTURE" --bulk 12000 --seed 7 "$img" >/dev/null || { echo "FAIL: could not build the bulk image"; exit 99; }
[ -s "$img.truth" ] || { echo "FAIL: no $img.truth"; exit 99; }
h0=$(hash_of "$img")
expect_eq "the truth has hardlinks and reparse points" "yes yes" \
	"$(grep -q '^hardlink	' "$img.truth" && echo yes) $(grep -q '^reparse	' "$img.truth" && echo yes)"

"$NTFSLINKS" hardlinks --json "$img" >"$T_TMP/h" 2>"$T_TMP/err"
expect_eq "hardlinks --json: exit status and stderr" "0 " "$? $(cat "$T_TMP/err")"
"$NTFSLINKS" reparse --json "$img" >"$T_TMP/r" 2>"$T_TMP/err"
expect_eq "reparse --json: exit status and stderr" "0 " "$? $(cat "$T_TMP/err")"
expect_eq "hardlinks and reparse points equal the ground truth" "" "$(truth_diff "$img.truth" "$T_TMP/h" "$T_TMP/r")"
expect_eq "as many hardlink names as the truth" "$(grep -c '^hardlink	' "$img.truth")" \
	"$(jfields hardlink_group count <"$T_TMP/h" | awk '{s += $1} END {print s}')"
# JSON groups are formatted by two threads in chunks of 1024 groups (check_emit runs
# other chunk sizes): with more than one chunk every check here covers both threads
expect_eq "more than 1024 groups" yes \
	"$([ "$(grep -c '"type":"hardlink_group"' "$T_TMP/h")" -gt 1024 ] && echo yes)"

# deleted records: path, kind and record as the builder deleted them
grep '^deleted	' "$img.truth" | LC_ALL=C sort >"$T_TMP/truth.del"
nl_json scan --deleted "$img"
expect_rc "scan --deleted" 0
python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["type"] == "deleted":
        print("deleted\t%s\t%s\t%d" % (o["path"], "dir" if o["directory"] else "file", o["mft"]))
' <"$T_TMP/out" | LC_ALL=C sort >"$T_TMP/ours.del"
expect_file_eq "deleted names equal the ground truth" "$T_TMP/truth.del" "$T_TMP/ours.del"
expect_eq "scan: the same groups as hardlinks" "$(grep '"type":"hardlink_group"' "$T_TMP/h")" \
	"$(grep '"type":"hardlink_group"' "$T_TMP/out" | sed 's/,"deleted":false}/}/')"

# sorted output: paths in order, and the same bytes on a second run
jfields reparse path <"$T_TMP/r" >"$T_TMP/paths"
python3 -c '
import sys
p = [l.rstrip("\n").encode() for l in open(sys.argv[1], encoding="utf-8")]
key = lambda s: s.replace(b"/", b"\x00")
sys.exit(0 if p == sorted(p, key=key) else 1)
' "$T_TMP/paths"
expect_eq "reparse points sorted by path, component by component" 0 "$?"
python3 -c '
import json, sys
key = lambda s: s.encode().replace(b"/", b"\x00")
groups = [json.loads(l)["names"] for l in open(sys.argv[1]) if "hardlink_group" in l]
ok = all(g == sorted(g, key=key) for g in groups)
firsts = [g[0] for g in groups]
sys.exit(0 if ok and firsts == sorted(firsts, key=key) and len(groups) > 1024 else 1)
' "$T_TMP/h"
expect_eq "hardlink names sorted in each group, groups by their first path" 0 "$?"
"$NTFSLINKS" hardlinks --json "$img" >"$T_TMP/h2" 2>/dev/null
expect_file_eq "hardlinks: the same output twice" "$T_TMP/h" "$T_TMP/h2"
ro_check "bulk" "$img" "$h0"
finish
