#!/bin/sh
# index-bounds.sh: a folder whose $I30 index is damaged behind correct fixups (a subnode that is its own block, one that leads back to a block above it, one past the index allocation, a chain of 47 blocks, deeper than 32 levels) is never handed to libntfs-3g: copy (into a folder, into an image, within the image, into the damaged folder, also as a dry run), diff, mirror and ln each report 'record N: damaged folder index: REASON', handle everything else, end within seconds, exit 1 (2 where the folder lies on the path of an argument) and leave the source image as it was.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
need_cmd python3 timeout ntfsinfo

# /src/big: 480 long names, 47 INDX blocks of 4 KiB, two levels below its root
cat >"$T_TMP/ix.spec" <<'EOF'
image size=16M
default-time 2016-01-02T03:04:05Z
dir /src
file /src/top.txt text="top\n"
dir /src/big
file /src/big/a-name-long-enough-to-fill-index-blocks-soon-{001..480}.txt text="x\n"
dir /src/big/sub
file /src/big/sub/s.txt text="s\n"
dir /src/c
file /src/c/c.txt text="c\n"
EOF
build_fixture "$T_TMP/ix.spec" "$T_TMP/clean.img"
printf 'image size=16M\n' >"$T_TMP/e.spec"
build_fixture "$T_TMP/e.spec" "$T_TMP/empty.img"
BIG=$(mft_of "$T_TMP/clean.img" /src/big)
[ -n "$BIG" ] || { echo "FAIL: ntfsinfo cannot find /src/big"; exit 99; }

run_nl copy "$T_TMP/clean.img:/src" "$T_TMP/whole"
expect_rc "clean image: copied" 0
expect_eq "clean image: /src/big copied whole" 482 "$(find "$T_TMP/whole/big" -mindepth 1 | wc -l)"

# check_damage HOW REASON: the checks on a copy of the clean image damaged by
# tests/ixdamage.py HOW ($INFO: what it printed, for REASON).
check_damage() {
	how=$1 reason="record $BIG: damaged folder index: $2"
	img=$T_TMP/$how.img
	h=$(hash_of "$img")

	# ---- copy into a Linux folder: /src/big is an error, the rest copied
	rm -rf "$T_TMP/d"
	T_RC=0
	timeout 10 "$NTFSLINKS" copy "$img:/src" "$T_TMP/d" >"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "$how: copy into a folder, exit status" 1
	expect_eq "$how: copy into a folder, the message" "ntfslinks: '$img:/src/big': $reason" \
		"$(cat "$T_TMP/err")"
	expect_eq "$how: copy into a folder, the rest copied" "./c
./c/c.txt
./top.txt" "$(cd "$T_TMP/d" && find . -mindepth 1 | LC_ALL=C sort)"

	# ---- copy into an image
	cp "$T_TMP/empty.img" "$T_TMP/dst.img"
	T_RC=0
	timeout 10 "$NTFSLINKS" copy "$img:/src" "$T_TMP/dst.img:/d" >"$T_TMP/out" 2>"$T_TMP/err" ||
		T_RC=$?
	expect_rc "$how: copy into an image, exit status" 1
	expect_eq "$how: copy into an image, the message" "ntfslinks: '$img:/src/big': $reason" \
		"$(cat "$T_TMP/err")"
	expect_eq "$how: copy into an image, the rest copied" "c/
top.txt" "$("$NTFSLINKS" ls "$T_TMP/dst.img:/d" 2>&1)"

	# ---- a source path through the folder: diff and mirror refuse it
	T_RC=0
	timeout 10 "$NTFSLINKS" diff "$img:/src/big/sub" "$T_TMP/clean.img:/src/big/sub" \
		>"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "$how: diff through the folder, exit status" 2
	expect_eq "$how: diff through the folder, the message" \
		"ntfslinks: '$img:/src/big/sub': $reason" "$(cat "$T_TMP/err")"
	rm -rf "$T_TMP/m"
	mkdir "$T_TMP/m"
	T_RC=0
	timeout 10 "$NTFSLINKS" mirror "$img:/src/big/sub" "$T_TMP/m" >"$T_TMP/out" 2>"$T_TMP/err" ||
		T_RC=$?
	expect_rc "$how: mirror from the folder, exit status" 2
	expect_eq "$how: mirror from the folder, the message" \
		"ntfslinks: '$img:/src/big/sub': $reason" "$(cat "$T_TMP/err")"
	# diff lists both trees from a scan of the records, not through the index: all equal
	T_RC=0
	timeout 10 "$NTFSLINKS" diff "$img:/src" "$T_TMP/clean.img:/src" >"$T_TMP/out" 2>"$T_TMP/err" ||
		T_RC=$?
	expect_rc "$how: diff of the whole tree, exit status" 0
	expect_eq "$how: diff of the whole tree, the summary" \
		"equal: 487 entries in A, 487 in B, 487 compared, 0 differences, 0 errors" \
		"$(cat "$T_TMP/out")"
	expect_eq "$how: the source is unchanged" "$h" "$(hash_of "$img")"

	# ---- the writer: a name into the folder is refused, one elsewhere made; a copy within
	# the image reads the source through the writer
	cp "$img" "$T_TMP/w.img"
	T_RC=0
	timeout 10 "$NTFSLINKS" ln "$T_TMP/w.img:/src/top.txt" "$T_TMP/w.img:/src/big/new.txt" \
		>"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "$how: ln into the folder, exit status" 1
	expect_eq "$how: ln into the folder, the message" \
		"ntfslinks: '$T_TMP/w.img:/src/big/new.txt': cannot read the folder: $reason" \
		"$(cat "$T_TMP/err")"
	expect_eq "$how: ln into the folder, the image unchanged" "$h" "$(hash_of "$T_TMP/w.img")"
	# a copy into the folder: refused when it is to hold the copy (also in a dry run, which
	# looks read-only), the copy an error when it is the destination
	for opt in --dry-run --list; do
		T_RC=0
		timeout 10 "$NTFSLINKS" copy $opt "$T_TMP/clean.img:/src/c" "$T_TMP/w.img:/src/big/x" \
			>"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
		expect_rc "$how: copy $opt into the folder, exit status" 2
		expect_eq "$how: copy $opt into the folder, the message" \
			"ntfslinks: '$T_TMP/w.img:/src/big/x': $reason" "$(cat "$T_TMP/err")"
	done
	expect_eq "$how: copy into the folder, the image unchanged" "$h" "$(hash_of "$T_TMP/w.img")"
	T_RC=0
	timeout 10 "$NTFSLINKS" copy "$T_TMP/clean.img:/src/c" "$T_TMP/w.img:/src/big" \
		>"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "$how: copy into the folder as the destination, exit status" 1
	expect_eq "$how: copy into the folder as the destination, the message" \
		"ntfslinks: '$T_TMP/clean.img:/src/c': cannot create folder: $reason" "$(cat "$T_TMP/err")"
	T_RC=0
	timeout 10 "$NTFSLINKS" mirror "$T_TMP/clean.img:/src/c" "$T_TMP/w.img:/src/big" \
		>"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "$how: mirror into the folder, exit status" 1
	expect_eq "$how: mirror into the folder, the file refused" \
		"ntfslinks: '$T_TMP/clean.img:/src/c/c.txt': cannot create file: $reason" \
		"$(grep -F "/src/c/c.txt" "$T_TMP/err")"
	T_RC=0
	timeout 10 "$NTFSLINKS" ln "$T_TMP/w.img:/src/top.txt" "$T_TMP/w.img:/src/c/new.txt" \
		>"$T_TMP/out" 2>"$T_TMP/err" || T_RC=$?
	expect_rc "$how: ln elsewhere, exit status" 0
	T_RC=0
	timeout 10 "$NTFSLINKS" copy "$T_TMP/w.img:/src" "$T_TMP/w.img:/d" >"$T_TMP/out" \
		2>"$T_TMP/err" || T_RC=$?
	expect_rc "$how: copy within the image, exit status" 1
	expect_eq "$how: copy within the image, the message" \
		"ntfslinks: '$T_TMP/w.img:/src/big': $reason" "$(cat "$T_TMP/err")"
	expect_eq "$how: copy within the image, the rest copied" "c/
top.txt" "$("$NTFSLINKS" ls "$T_TMP/w.img:/d" 2>&1)"
}

for how in self up beyond deep; do
	cp "$T_TMP/clean.img" "$T_TMP/$how.img"
	INFO=$(python3 "$TESTS_SRCDIR/ixdamage.py" "$T_TMP/$how.img" "$BIG" "$how") ||
		{ echo "FAIL: could not damage the index ($how)"; exit 99; }
	set -- $INFO
	case $how in
	self) check_damage self "subnode vcn $1 is its own block" ;;
	up) check_damage up "subnode vcn $1 leads back to a block above it (a cycle)" ;;
	beyond) check_damage beyond "subnode vcn $1 outside the index allocation of $2 bytes" ;;
	deep)
		expect_eq "deep: the chain holds every block of the index" 47 "$1"
		check_damage deep "index deeper than 32 levels" ;;
	esac
done

finish
