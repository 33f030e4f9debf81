# lib.sh: helpers sourced by the command-level shell tests (run by 'make check').
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

set -u
: "${NTFSLINKS:?run these tests through make check}"
: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")" && pwd)}"

T_NAME=$(basename "$0" .sh)
T_FAILS=0
T_CHECKS=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ntfslinks-$T_NAME.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

skip() { echo "SKIP: $T_NAME: $*"; exit 77; }
fail() { echo "FAIL: $*"; T_FAILS=$((T_FAILS + 1)); }
ok() { T_CHECKS=$((T_CHECKS + 1)); }

# need_root REASON: skip unless running as root.
need_root() { [ "$(id -u)" = 0 ] || skip "needs root ($*)"; }
# need_cmd CMD...: skip unless every command exists.
need_cmd() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin" command -v "$c" >/dev/null 2>&1 ||
			skip "'$c' is not installed"
	done
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	T_CHECKS=$((T_CHECKS + 1))
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1"
		echo "  expected: $(printf '%s' "$2" | head -c 2000)"
		echo "  actual:   $(printf '%s' "$3" | head -c 2000)"
		T_FAILS=$((T_FAILS + 1))
	fi
}

# expect_file_eq WHAT EXPECTED_FILE ACTUAL_FILE: compare with a diff on failure.
expect_file_eq() {
	T_CHECKS=$((T_CHECKS + 1))
	if ! diff -u "$2" "$3" >"$T_TMP/diff" 2>&1; then
		echo "FAIL: $1"
		head -n 60 "$T_TMP/diff"
		T_FAILS=$((T_FAILS + 1))
	fi
}

# run_nl ARGS...: runs ntfslinks, keeping stdout in $T_OUT, stderr in $T_ERR, status in $T_RC.
run_nl() {
	"$NTFSLINKS" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	T_RC=$?
	T_OUT=$(cat "$T_TMP/out")
	T_ERR=$(cat "$T_TMP/err")
}

# expect_rc WHAT CODE: the last run_nl exited with CODE.
expect_rc() {
	T_CHECKS=$((T_CHECKS + 1))
	if [ "$T_RC" != "$2" ]; then
		echo "FAIL: $1: exit status $T_RC, expected $2"
		echo "  stderr: $(head -c 1000 "$T_TMP/err")"
		T_FAILS=$((T_FAILS + 1))
	fi
}

# expect_match WHAT REGEX TEXT
expect_match() {
	T_CHECKS=$((T_CHECKS + 1))
	if ! printf '%s\n' "$3" | grep -Eq -- "$2"; then
		echo "FAIL: $1: no line matches /$2/ in:"
		printf '%s\n' "$3" | head -n 20 | sed 's/^/  /'
		T_FAILS=$((T_FAILS + 1))
	fi
}

# hash_of FILE: sha256 of a file (to prove read-only commands change nothing).
hash_of() { sha256sum "$1" | cut -d' ' -f1; }

# build_fixture SPEC OUT: builds an image from fixtures/SPEC.spec (or a path).
build_fixture() {
	local spec=$1 out=$2
	case $spec in */*) ;; *) spec="$FIXTURES_DIR/$spec.spec" ;; esac
	"$MKFIXTURE" "$spec" "$out" || { echo "FAIL: could not build $spec"; exit 99; }
}

# finish: prints the count and exits with the automake status.
finish() {
	echo "$T_NAME: $T_CHECKS checks, $T_FAILS failed"
	[ "$T_FAILS" = 0 ] || exit 1
	[ "$T_CHECKS" -gt 0 ] || { echo "FAIL: $T_NAME checked nothing"; exit 99; }
	exit 0
}
