#!/bin/sh
# delorean-guard.sh: 'ntfslinks delorean' stops before writing when a file of the newest set would pass 1023 names in a new one: a source file with 300 names reaches the limit at the fourth set; another name starts a new series; a file that gains names in the source between sets is counted with the names the mirror gives it (stopped at 1024, made at 1023).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"

cat >"$T_TMP/src.spec" <<'EOS'
image size=16M
default-time 2016-02-03T04:05:06Z
file /many/f001 -p text="m\n"
link /many/f001 /many/f{002..300}
file /many/other.txt text="o\n"
EOS
build_fixture "$T_TMP/src.spec" "$T_TMP/src.img"
printf 'image size=32M\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/bk.img"
SRC=$T_TMP/src.img BK=$T_TMP/bk.img

# three sets: the file has 300, 600, then 900 names
for day in 01 02 03; do
	run_nl delorean --time "2026-01-$day 00-00-00" "$SRC:/many" "$BK:/g"
	expect_rc "set $day: exit status" 0
done
run_nl siblings "$BK" "/g/many 2026-01-03 00-00-00/f001"
expect_eq "three sets: 900 names, 300 in each set" "900 300 300 300" \
	"$(printf '%s\n' "$T_OUT" | awk -F'  +' 'NR > 1 { n++; c[substr($4, 1, 27)]++ } END { printf "%d", n; for (k in c) printf " %d", c[k] }')"

# the fourth would give it 300 more: 1200
h=$(hash_of "$BK")
run_nl delorean --time '2026-01-04 00-00-00' "$SRC:/many" "$BK:/g"
expect_rc "guard: exit status" 1
expect_eq "guard: the file named, and why" \
	"ntfslinks: '$BK:/g/many 2026-01-03 00-00-00/f001': the file has 900 names, the clone would give it 300 more: over 1023
ntfslinks: '$BK:/g': 1 file of '$BK:/g/many 2026-01-03 00-00-00' would pass 1023 names in a new set: nothing was made" "$T_ERR"
expect_eq "guard: nothing written" "$h" "$(hash_of "$BK")"
run_nl ls "$BK:/g"
expect_eq "guard: three sets, no incomplete one" "many 2026-01-01 00-00-00/
many 2026-01-02 00-00-00/
many 2026-01-03 00-00-00/" "$T_OUT"

# a new series under another name starts with a copy
run_nl delorean --name many2 --time '2026-01-04 00-00-00' "$SRC:/many" "$BK:/g"
expect_rc "new series: exit status" 0
run_nl siblings "$BK" "/g/many2 2026-01-04 00-00-00/f001"
expect_eq "new series: a file of its own with 300 names" "300" \
	"$(printf '%s\n' "$T_OUT" | awk 'NR > 1' | wc -l | tr -d ' ')"

# a group that grows: 300 names in two sets (600), then 424 in the source:
# the clone gives the file 300 more (900, within the limit), the mirror 124
# more (1024)
grow_spec() {
	cat <<EOS
image size=16M
default-time 2016-02-03T04:05:06Z
file /many/f001 -p text="m\n"
link /many/f001 /many/f{002..$1}
EOS
}
for n in 300 423 424; do
	grow_spec $n >"$T_TMP/g$n.spec"
	build_fixture "$T_TMP/g$n.spec" "$T_TMP/g$n.img"
done
build_fixture "$T_TMP/empty.spec" "$T_TMP/bk2.img"
BK2=$T_TMP/bk2.img
for day in 01 02; do
	run_nl delorean --time "2026-02-$day 00-00-00" "$T_TMP/g300.img:/many" "$BK2:/g"
	expect_rc "growing group, set $day: exit status" 0
done
h=$(hash_of "$BK2")
run_nl delorean --time '2026-02-03 00-00-00' "$T_TMP/g424.img:/many" "$BK2:/g"
expect_rc "growing group, guard: exit status" 1
expect_eq "growing group, guard: the file named, with the mirror's names" \
	"ntfslinks: '$BK2:/g/many 2026-02-02 00-00-00/f001': the file has 600 names, the clone would give it 300 more and the mirror 124 more: over 1023
ntfslinks: '$BK2:/g': 1 file of '$BK2:/g/many 2026-02-02 00-00-00' would pass 1023 names in a new set: nothing was made" "$T_ERR"
expect_eq "growing group, guard: nothing written" "$h" "$(hash_of "$BK2")"

# one name fewer reaches 1023 exactly: made
run_nl delorean --time '2026-02-03 00-00-00' "$T_TMP/g423.img:/many" "$BK2:/g"
expect_rc "growing group, 1023 names: exit status" 0
run_nl siblings "$BK2" "/g/many 2026-02-03 00-00-00/f001"
expect_eq "growing group, 1023 names: 300, 300 and 423 in the sets" "1023 300 300 423" \
	"$(printf '%s\n' "$T_OUT" | awk -F'  +' 'NR > 1 { print substr($4, 1, 27) }' | sort |
	   uniq -c | awk '{ n += $1; c = c " " $1 } END { print n c }')"

finish
