#!/bin/sh
# copy-args.sh: 'ntfslinks copy' command lines that end early (misuse, a pattern file that cannot be read, a source or destination that cannot be opened) with --exclude/--include patterns given: one message, exit status 2 (1 for a missing path), and nothing left allocated (under AddressSanitizer's leak check the report would follow the message).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
build_fixture basic "$T_TMP/basic.img"
printf '# comment\n*.tmp\nTemp\n' >"$T_TMP/pat"
: >"$T_TMP/afile"

# ends WHAT STATUS MESSAGE ARGS...: copy ARGS exits with STATUS and exactly
# MESSAGE on stderr (and the hint at the help on misuse), nothing on stdout.
HINT="Try 'ntfslinks help copy' for more information."
ends() {
	what=$1 status=$2 msg=$3
	shift 3
	run_nl copy "$@"
	expect_rc "$what: exit status" "$status"
	expect_eq "$what: the one message" "$msg" "$(grep -vxF "$HINT" "$T_TMP/err")"
	expect_eq "$what: nothing on stdout" "" "$T_OUT"
}

P="--exclude a --exclude @$T_TMP/pat --include b --include @$T_TMP/pat"
# shellcheck disable=SC2086 # $P is several words
{
ends "two policies" 2 "ntfslinks: --crop, --splice and --unroll exclude each other" \
	$P --crop --splice "$T_TMP/basic.img" "$T_TMP/d"
ends "no destination" 2 "ntfslinks: no destination given" $P "$T_TMP/basic.img"
ends "no source" 2 "ntfslinks: no source given" $P
ends "bad --streams" 2 "ntfslinks: --streams is drop or xattr, not 'x'" \
	$P --streams=x "$T_TMP/basic.img" "$T_TMP/d"
ends "bad --drive" 2 "ntfslinks: --drive wants a drive letter like C:, not '7'" \
	$P --drive 7 "$T_TMP/basic.img" "$T_TMP/d"
ends "unknown option" 2 "ntfslinks: unrecognized option '--bogus'" \
	$P --bogus "$T_TMP/basic.img" "$T_TMP/d"
ends "pattern file missing, after other patterns" 2 \
	"ntfslinks: cannot read '$T_TMP/none': no such file or directory" \
	$P --exclude "@$T_TMP/none" "$T_TMP/basic.img" "$T_TMP/d"
ends "include file missing, before other patterns" 2 \
	"ntfslinks: cannot read '$T_TMP/none': no such file or directory" \
	--include "@$T_TMP/none" $P "$T_TMP/basic.img" "$T_TMP/d"
ends "missing source" 1 "ntfslinks: '$T_TMP/basic.img:/nothing': no such file or folder in the image" \
	$P "$T_TMP/basic.img:/nothing" "$T_TMP/d"
ends "destination not an image" 2 \
	"ntfslinks: '$T_TMP/afile:/x': too small to hold an ntfs volume (0 bytes)" \
	$P "$T_TMP/basic.img" "$T_TMP/afile:/x"
ends "missing destination parent" 1 "ntfslinks: '$T_TMP/no/d': no such file or directory" \
	$P "$T_TMP/basic.img" "$T_TMP/no/d"
}
expect_eq "nothing was made" "" "$(find "$T_TMP" -name d)"

# the patterns still apply when given before and after the operands
run_nl copy --exclude '*.bin' "$T_TMP/basic.img:/" "$T_TMP/d" --exclude "@$T_TMP/pat" -n --json
expect_rc "patterns around the operands: exit status" 0
expect_match "patterns around the operands: excluded" '"excluded":[1-9]' "$T_OUT"

run_nl copy --help --exclude a
expect_rc "--help with a pattern: exit status" 0
expect_eq "--help with a pattern: nothing on stderr" "" "$T_ERR"

finish
