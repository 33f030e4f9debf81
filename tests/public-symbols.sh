#!/bin/sh
# public-symbols.sh: the shared library exports exactly the functions declared in include/ntfslinks/*.h, as the compiler sees them.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

: "${LIBNTFSLINKS_SO:?run this test through make check}" "${PUBLIC_INCLUDE:?run this test through make check}"
: "${HEADERS_CC:?run this test through make check}"
[ -f "$LIBNTFSLINKS_SO" ] || skip "the shared library is not built (configured with --disable-shared)"

# The declarations, from the compiler (GCC's -aux-info lists every function
# declared in a translation unit with the file it comes from): the extern
# ones of the public headers, that is without static inline helpers.
printf '#include <ntfslinks/ntfslinks.h>\n' >"$T_TMP/tu.c"
$HEADERS_CC -std=c11 -I"$PUBLIC_INCLUDE" -fsyntax-only -aux-info "$T_TMP/aux" "$T_TMP/tu.c" \
	>/dev/null 2>&1 || skip "$HEADERS_CC cannot list declarations (-aux-info)"
grep -F "$PUBLIC_INCLUDE/ntfslinks/" "$T_TMP/aux" |
	sed -n 's/^\/\*[^*]*\*\/ extern .*[ *]\([A-Za-z_][A-Za-z0-9_]*\) (.*/\1/p' |
	LC_ALL=C sort -u >"$T_TMP/declared"
[ "$(wc -l <"$T_TMP/declared")" -ge 100 ] || { echo "FAIL: too few declarations found"; exit 99; }

# Defined dynamic symbols, without their version, except the version nodes.
${NM:-nm} -D --defined-only "$LIBNTFSLINKS_SO" |
	awk 'NF >= 3 && $2 != "A" { sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort -u >"$T_TMP/exported"

expect_file_eq "the shared library exports the declared functions, nothing else" \
	"$T_TMP/declared" "$T_TMP/exported"
finish
