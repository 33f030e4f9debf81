#!/bin/sh
# copy-manpage.sh: ntfslinks-copy(1) as man renders it: its quote marks around '#' and its place in ntfslinks(1)'s SEE ALSO.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

need_cmd groff
MAN=$TESTS_SRCDIR/../man
# one line per paragraph: no wrapping, no hyphenation
render() { LC_ALL=C.UTF-8 groff -mandoc -Tutf8 -rLL=2000n -rHY=0 "$1" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g'; }

render "$MAN/ntfslinks-copy.1" >"$T_TMP/copy.txt"
expect_match "copy(1): the comment mark of a pattern file is quoted alone" \
	"blank lines and lines starting with ‘#’ are ignored\\." "$(cat "$T_TMP/copy.txt")"
expect_match "copy(1): a rename on a clash, quoted whole" \
	"\\(‘ntfslinks: 'src\\.img:/sub': copied as 'out\\.img:/sub - Copy' \\(renamed: 'sub' is taken\\)’\\)" \
	"$(cat "$T_TMP/copy.txt")"
expect_eq "copy(1): every opening quote mark is closed on its line" "" \
	"$(awk '{ o = gsub(/‘/, "&"); c = gsub(/’/, "&"); if (o != c) print NR": "$0 }' "$T_TMP/copy.txt")"
render "$MAN/ntfslinks.1" >"$T_TMP/main.txt"
expect_match "ntfslinks(1): SEE ALSO lists ntfslinks-copy(1)" "ntfslinks-copy\\(1\\)" \
	"$(sed -n '/^SEE ALSO/,/^[A-Z]/p' "$T_TMP/main.txt")"

finish
