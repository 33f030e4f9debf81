#!/bin/sh
# public-headers.sh: every public header compiles alone, and all of them together in both orders, as C11 and as C++ (-Wall -Wextra -Werror -pedantic); none uses libntfs-3g.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

: "${HEADERS_CC:?run this test through make check}" "${PUBLIC_INCLUDE:?run this test through make check}"
dir=$PUBLIC_INCLUDE/ntfslinks
headers=$(cd "$dir" && ls -- *.h | LC_ALL=C sort)
[ "$(echo "$headers" | wc -l)" -ge 12 ] || { echo "FAIL: headers missing in $dir"; exit 99; }

# compiles WHAT LANG COMPILER STD: compiles $T_TMP/tu (not in a pipe: the
# counts must stay in this shell).
compiles() {
	T_CHECKS=$((T_CHECKS + 1))
	if ! $3 -std="$4" -Wall -Wextra -Werror -pedantic -I"$PUBLIC_INCLUDE" -fsyntax-only \
		-x "$2" "$T_TMP/tu" >"$T_TMP/cc.err" 2>&1; then
		echo "FAIL: $1 ($2)"
		head -n 20 "$T_TMP/cc.err"
		T_FAILS=$((T_FAILS + 1))
	fi
}

# includes HEADER...: a translation unit that includes each, twice (include guards).
includes() { for h in "$@"; do printf '#include <ntfslinks/%s>\n#include <ntfslinks/%s>\n' "$h" "$h"; done; }

check_lang() {
	for h in $headers; do
		includes "$h" >"$T_TMP/tu"
		compiles "$h alone" "$1" "$2" "$3"
	done
	# shellcheck disable=SC2086
	includes $headers >"$T_TMP/tu"
	compiles "all headers in order" "$1" "$2" "$3"
	# shellcheck disable=SC2086
	includes $(echo "$headers" | LC_ALL=C sort -r) >"$T_TMP/tu"
	compiles "all headers in reverse order" "$1" "$2" "$3"
}

check_lang c "$HEADERS_CC" c11
if [ -n "${HEADERS_CXX:-}" ]; then
	check_lang c++ "$HEADERS_CXX" c++11
else
	echo "SKIP: public-headers: no C++ compiler found, the headers were not compiled as C++"
fi

# The umbrella header includes every other public header; the others
# declare C linkage for C++.
for h in $headers; do
	[ "$h" = ntfslinks.h ] && continue
	grep -qx "#include <ntfslinks/$h>" "$dir/ntfslinks.h" && ok ||
		fail "ntfslinks.h does not include $h"
	grep -qx 'extern "C" {' "$dir/$h" && ok || fail "$h has no extern \"C\" block"
done
# No libntfs-3g header or type in the public API: a user needs only <ntfslinks/...>.
expect_eq "no libntfs-3g header or type in the public headers" "" \
	"$(grep -nE '#include <ntfs-3g/|struct _ntfs_|ntfs_(volume|inode|attr) *\*|ntfschar *\*' "$dir"/*.h)"
finish
