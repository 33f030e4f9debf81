#!/bin/sh
# cli-basics.sh: --help, --version, 'help COMMAND' and misuse of the ntfslinks program.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

run_nl --help
expect_rc "--help exits 0" 0
expect_match "--help prints usage on stdout" '^Usage: ntfslinks ' "$T_OUT"
expect_eq "--help prints nothing on stderr" "" "$T_ERR"

run_nl --version
expect_rc "--version exits 0" 0
expect_match "--version names the package" '^ntfslinks [0-9]+\.[0-9]+' "$T_OUT"

run_nl help
expect_rc "help without command exits 0" 0
expect_match "help without command prints usage" '^Usage: ntfslinks ' "$T_OUT"

run_nl
expect_rc "no command is misuse" 2
expect_eq "no command message" "ntfslinks: no command given
Try 'ntfslinks --help' for more information." "$T_ERR"

run_nl frobnicate
expect_rc "unknown command is misuse" 2
expect_eq "unknown command message" "ntfslinks: unknown command 'frobnicate'
Try 'ntfslinks --help' for more information." "$T_ERR"
expect_eq "misuse prints nothing on stdout" "" "$T_OUT"

run_nl --frobnicate
expect_rc "unknown long option is misuse" 2
expect_eq "unknown long option message" "ntfslinks: unrecognized option '--frobnicate'
Try 'ntfslinks --help' for more information." "$T_ERR"

run_nl -Z
expect_rc "unknown short option is misuse" 2
expect_eq "unknown short option message" "ntfslinks: invalid option -- 'Z'
Try 'ntfslinks --help' for more information." "$T_ERR"

run_nl help frobnicate
expect_rc "help for an unknown command is misuse" 2

# Every command listed in --help has 'help CMD' and 'CMD --help' that agree.
for cmd in $("$NTFSLINKS" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ {print $1}'); do
	[ "$cmd" = help ] && continue
	run_nl help "$cmd"
	expect_rc "help $cmd exits 0" 0
	expect_match "help $cmd prints usage" "^Usage: ntfslinks $cmd" "$T_OUT"
	h1=$T_OUT
	run_nl "$cmd" --help
	expect_rc "$cmd --help exits 0" 0
	expect_eq "$cmd --help equals help $cmd" "$h1" "$T_OUT"
	run_nl "$cmd" --no-such-option
	expect_rc "$cmd with a bad option is misuse" 2
	expect_match "$cmd misuse hints at help" "^Try 'ntfslinks help $cmd' for more information.$" "$T_ERR"
	# every long option in the help text is documented in a man page (mdoc "Fl -name")
	for o in $(printf '%s\n' "$h1" | sed -n 's/^ \{1,\}\(-[[:alnum:]], \)\{0,1\}--\([[:alnum:]][[:alnum:]-]*\).*/\2/p' | sort -u); do
		if grep -qE "Fl -$o([^[:alnum:]-]|\$)" "$TESTS_SRCDIR/../man/"*.1; then ok; else fail "$cmd: option --$o is not in the man pages"; fi
	done
	# the man page documents each command
	grep -q "^\.It Cm $cmd\b\|^\.Sh.*$cmd\|^\.Ss $cmd\b\|Nm ntfslinks Cm $cmd" "$TESTS_SRCDIR/../man/"*.1 ||
		fail "no man page documents '$cmd'"
done

# Writing to a full stdout is an error, not a silent success.
if [ -w /dev/full ]; then
	"$NTFSLINKS" --help >/dev/full 2>"$T_TMP/err"
	rc=$?
	expect_eq "--help to a full disk fails" 1 "$rc"
	expect_match "full-disk error message" '^ntfslinks: write error on standard output' "$(cat "$T_TMP/err")"
fi

finish
