#!/bin/sh
# example-hardlinks.sh: examples/hardlinks (EXAMPLE_HARDLINKS) lists the hardlink groups of an image built from examples/hardlinks.spec, exactly.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

: "${EXAMPLE_HARDLINKS:?run this test through make check or make installcheck}"
[ -x "$EXAMPLE_HARDLINKS" ] || skip "examples/hardlinks is not built"
examples=$TESTS_SRCDIR/../examples

build_fixture "$examples/hardlinks.spec" "$T_TMP/example.img"
before=$(hash_of "$T_TMP/example.img")
"$EXAMPLE_HARDLINKS" "$T_TMP/example.img" >"$T_TMP/out" 2>"$T_TMP/err"
expect_eq "exit status on the example image" 0 "$?"
expect_eq "nothing on stderr" "" "$(cat "$T_TMP/err")"
# records 64 and 65 are the folders, 66 report.txt, 67 single.txt, 68 pair.dat
expect_file_eq "the hardlink groups of examples/hardlinks.spec" \
	"$examples/hardlinks.expected" "$T_TMP/out"
expect_eq "the image is left unchanged" "$before" "$(hash_of "$T_TMP/example.img")"

"$EXAMPLE_HARDLINKS" "$T_TMP/missing.img" >"$T_TMP/out" 2>"$T_TMP/err"
expect_eq "exit status for a missing image" 1 "$?"
expect_eq "message for a missing image" \
	"hardlinks: '$T_TMP/missing.img': No such file or directory" "$(cat "$T_TMP/err")"
expect_eq "nothing on stdout for a missing image" "" "$(cat "$T_TMP/out")"
finish
