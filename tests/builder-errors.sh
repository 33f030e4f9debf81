#!/bin/sh
# builder-errors.sh: a bad spec gets "mkfixture: 'SPEC:LINE': reason", exit status 1, and no image.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

# bad_spec NAME LINE REASON: build $T_TMP/NAME.spec (written by the caller)
# over an existing image; expect the message, status 1, and no image left.
bad_spec() {
	spec=$T_TMP/$1.spec img=$T_TMP/$1.img
	echo "stale" >"$img"
	"$MKFIXTURE" "$spec" "$img" >"$T_TMP/out" 2>"$T_TMP/err"
	expect_eq "$1: exit status" "1" "$?"
	expect_eq "$1: message" "mkfixture: '$spec:$2': $3" "$(cat "$T_TMP/err")"
	expect_eq "$1: nothing on stdout" "" "$(cat "$T_TMP/out")"
	[ ! -e "$img" ] && [ ! -e "$img.tmp" ]
	expect_eq "$1: no image left behind" "0" "$?"
	"$MKFIXTURE" --describe "$spec" >"$T_TMP/out" 2>"$T_TMP/err"
	expect_eq "$1: --describe exit status" "1" "$?"
	expect_eq "$1: --describe message" "mkfixture: '$spec:$2': $3" "$(cat "$T_TMP/err")"
}

cat >"$T_TMP/unknown.spec" <<'EOF'
image size=16M
dir /a
# a comment
frobnicate /a/b
EOF
bad_spec unknown 4 "unknown keyword 'frobnicate'"

cat >"$T_TMP/missing.spec" <<'EOF'
image size=16M
dir /a
file /a/x.txt text="x"
link /a/y.txt /a/z.txt
EOF
bad_spec missing 4 "no such file or directory: /a/y.txt"

cat >"$T_TMP/toomany.spec" <<'EOF'
image size=32M
dir /d
file /d/f0 text="x"
link /d/f0 /d/f{1..1022}
link /d/f0 /d/one-too-many
EOF
bad_spec toomany 5 "too many links: /d/f0 already has 1023 names (the limit is 1023)"

cat >"$T_TMP/quote.spec" <<'EOF'
image size=16M
file "/unterminated text="x"
EOF
bad_spec quote 2 "unterminated quote"

cat >"$T_TMP/option.spec" <<'EOF'
image size=16M
dir /a colour=blue
EOF
bad_spec option 2 "unknown option 'colour' for 'dir'"

cat >"$T_TMP/parent.spec" <<'EOF'
image size=16M
file /no/such/dir/file.txt text="x"
EOF
bad_spec parent 2 "no such directory: /no/such/dir"

cat >"$T_TMP/time.spec" <<'EOF'
image size=16M
file /t ctime=yesterday
EOF
bad_spec time 2 "bad time 'yesterday' (want YYYY-MM-DDTHH:MM:SS[.fffffff]Z or nt:N)"

cat >"$T_TMP/dup.spec" <<'EOF'
image size=16M
dir /a
dir /a
EOF
bad_spec dup 3 "already exists: /a"

cat >"$T_TMP/dos.spec" <<'EOF'
image size=16M
file /a.txt text="x"
dosname /a.txt toolongforeightdotthree.txt
EOF
bad_spec dos 3 "DOS name toolongforeightdotthree.txt for /a.txt: not a valid upper-case 8.3 name"

cat >"$T_TMP/range.spec" <<'EOF'
image size=16M
dir /d
file /d/{1..3}-{1..2} text="x"
EOF
bad_spec range 3 "ranges on one line must have the same length"

# a spec file that does not exist
"$MKFIXTURE" "$T_TMP/nope.spec" "$T_TMP/nope.img" >/dev/null 2>"$T_TMP/err"
expect_eq "missing spec: status" "1" "$?"
expect_eq "missing spec: message" "mkfixture: '$T_TMP/nope.spec': No such file or directory" "$(cat "$T_TMP/err")"

# usage errors
"$MKFIXTURE" >/dev/null 2>"$T_TMP/err"
expect_eq "no arguments: status" "2" "$?"
expect_match "no arguments: usage" "^Usage: mkfixture" "$(cat "$T_TMP/err")"
"$MKFIXTURE" --bogus x y >/dev/null 2>"$T_TMP/err"
expect_eq "bad option: status" "2" "$?"
expect_match "bad option: message" "^mkfixture: unknown option '--bogus'" "$(cat "$T_TMP/err")"
"$MKFIXTURE" --help >"$T_TMP/out"
expect_eq "--help: status" "0" "$?"
expect_match "--help: usage on stdout" "^Usage: mkfixture" "$(cat "$T_TMP/out")"

finish
