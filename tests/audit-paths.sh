#!/bin/sh
# audit-paths.sh: path arguments of the audit commands: names that differ only in case.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"

# Two POSIX names that differ only in case, each with one more name, in a small folder and in
# one large enough to be searched by hash; "Readme" is created first.  Their sizes tell them apart:
# Readme holds 5 bytes, README 9.
cat >"$T_TMP/case.spec" <<'EOF2'
image size=8M
namespace posix
file -p /posix/Readme text=mixed
file /posix/README text=UPPERCASE
link /posix/README /posix/upper-too
link /posix/Readme /posix/mixed-too
file -p /big/f{01..40} text=f
file /big/Readme text=mixed
file /big/README text=UPPERCASE
EOF2
build_fixture "$T_TMP/case.spec" "$T_TMP/case.img"
img=$T_TMP/case.img
h0=$(hash_of "$img")

# info_of: the size and the names of the record in the last 'info --json'.
info_of() { jfields info size names <"$T_TMP/out"; }

# --- exact-case names first ------------------------------------------------------------------
nl_json siblings "$img" /posix/README
expect_rc "siblings README" 0
expect_eq "siblings README: the record spelled README" "/posix/README
/posix/upper-too" "$(jfields name path <"$T_TMP/out")"
nl_json siblings "$img" /posix/Readme
expect_eq "siblings Readme: the record spelled Readme" "/posix/Readme
/posix/mixed-too" "$(jfields name path <"$T_TMP/out")"
nl_json info "$img" /posix/README
expect_rc "info README" 0
expect_eq "info README: its record" "9	/posix/README|/posix/upper-too" "$(info_of)"
nl_json info "$img" /posix/Readme
expect_eq "info Readme: its record" "5	/posix/Readme|/posix/mixed-too" "$(info_of)"
nl_json info "$img" /POSIX/README
expect_eq "info with another case in the folder: the exact file name still wins" "9	/posix/README|/posix/upper-too" \
	"$(info_of)"
nl_json info "$img" /posix/readme
expect_rc "info readme (no exact match)" 0
expect_eq "info readme: the first name created that matches without case" "5	/posix/Readme|/posix/mixed-too" \
	"$(info_of)"
nl_json info "$img" /big/README
expect_eq "info /big/README (hashed folder)" "9	/big/README" "$(info_of)"
nl_json info "$img" /big/Readme
expect_eq "info /big/Readme (hashed folder)" "5	/big/Readme" "$(info_of)"
ro_check "names that differ in case" "$img" "$h0"

finish
