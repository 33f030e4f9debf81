#!/bin/sh
# audit-paths.sh: path arguments and options of the audit commands: names that differ only in
# case, exit status of missing paths, option values in any case, global options after the command.
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
junction -p /j/to-posix \??\C:\posix
symlink /j/elsewhere \??\D:\x
junction /j/to-j \??\C:\j
junction /j/gone \??\C:\nothing
junction /loopa \??\C:\loopb
junction /loopb \??\C:\loopa
file "/tab{U+0009}name" text=tab
link "/tab{U+0009}name" "/back\x{slash}"
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

# --- exit status: a missing path on the command line is 1 ---------------------------------------
for cmd in hardlinks reparse; do
	run_nl $cmd --under /nope "$img"
	expect_rc "$cmd --under a missing folder" 1
	expect_eq "$cmd --under a missing folder: message" "ntfslinks: '$img': '/nope': no such file or directory" "$T_ERR"
	expect_eq "$cmd --under a missing folder: nothing listed" "" "$T_OUT"
done
run_nl reparse --under /posix/README "$img"
expect_rc "--under a file" 1
expect_eq "--under a file: message" "ntfslinks: '$img': '/posix/README': not a directory" "$T_ERR"
for cmd in siblings info truesize; do
	run_nl $cmd "$img" /nope
	expect_rc "$cmd of a missing path" 1
	expect_eq "$cmd of a missing path: message" "ntfslinks: '$img': '/nope': no such file or directory" "$T_ERR"
done

# copy: a missing source path (in the image or on the host), or a destination whose folder is
# missing or a file, is 1; a missing image stays 2 (it cannot be opened)
run_nl copy "$img:/nope" "$T_TMP/dst"
expect_rc "copy of a missing path in the image" 1
expect_eq "copy of a missing path in the image: message" \
	"ntfslinks: '$img:/nope': no such file or folder in the image" "$T_ERR"
run_nl copy -n "$img:/posix/README/x" "$T_TMP/dst"
expect_rc "copy of a path through a file" 1
expect_eq "copy of a path through a file: message" \
	"ntfslinks: '$img:/posix/README/x': '/posix/README' is not a folder" "$T_ERR"
run_nl copy "$T_TMP/nope" "$T_TMP/dst"
expect_rc "copy of a missing host path" 1
expect_eq "copy of a missing host path: message" \
	"ntfslinks: '$T_TMP/nope': no such file or directory" "$T_ERR"
run_nl copy -n "$img:/posix" "$img:/nope/deeper/x"
expect_rc "copy into a missing folder of the image" 1
run_nl copy "$img:/posix" "$T_TMP/nope/deeper/x"
expect_rc "copy into a missing host folder" 1
run_nl copy "$T_TMP/nope.img:/x" "$T_TMP/dst"
expect_rc "copy from a missing image" 2
expect_eq "nothing was copied by the refused copies" "" "$(ls "$T_TMP" | grep -x -e dst -e nope)"

# --- a path through a junction resolves as Windows opens it, and says so; or says what is in the way
nl_json info "$img" /j/to-posix/README
expect_rc "info through a junction" 0
expect_eq "info through a junction: the record at its target" "9	/posix/README|/posix/upper-too" "$(info_of)"
expect_eq "info through a junction: said once" \
	"ntfslinks: '/j/to-posix/README': resolved through junction '/j/to-posix' to '/posix'" "$T_ERR"
nl_json siblings "$img" 'C:\j\to-j\to-posix\Readme'
expect_rc "siblings through two junctions" 0
expect_eq "siblings through two junctions: the names" "/posix/Readme|/posix/mixed-too" \
	"$(jfields name path <"$T_TMP/out" | paste -sd'|')"
expect_eq "siblings through two junctions: each one said" \
	"ntfslinks: 'C:\j\to-j\to-posix\Readme': resolved through junction '/j/to-j' to '/j'
ntfslinks: 'C:\j\to-j\to-posix\Readme': resolved through junction '/j/to-posix' to '/posix'" "$T_ERR"
nl_json truesize "$img" /j/to-j
expect_eq "the last component is the link itself, not followed" "/j/to-j" "$(jfields truesize path <"$T_TMP/out")"
run_nl hardlinks --under /j/to-posix/ "$img"
expect_rc "--under through a junction (its last component)" 0
run_nl siblings "$img" /j/elsewhere/x
expect_rc "through a link to another volume" 1
expect_eq "through a link to another volume: what is in the way" \
	"ntfslinks: '$img': '/j/elsewhere/x': a symbolic link is in the way: '/j/elsewhere' (its target is not on this volume)" "$T_ERR"
run_nl info "$img" /j/gone/x
expect_rc "through a dangling junction" 1
expect_eq "through a dangling junction: what is in the way" \
	"ntfslinks: '$img': '/j/gone/x': a junction is in the way: '/j/gone' (its target does not exist)" "$T_ERR"
run_nl info "$img" /loopa/x
expect_rc "through two junctions pointing at each other" 1
# 63 links followed (/loopa, /loopb, ... /loopa): the 64th, /loopb, is not
expect_eq "through two junctions pointing at each other: what is in the way" \
	"ntfslinks: '$img': '/loopa/x': a junction is in the way: '/loopb' (too many links on the way)" "$T_ERR"
run_nl info "$img" /j/to-posix/nope
expect_rc "a missing name behind a junction" 1
expect_eq "a missing name behind a junction: message" \
	"ntfslinks: '$img': '/j/to-posix/nope': no such file or directory ('/posix/nope', through junction '/j/to-posix')" "$T_ERR"
run_nl reparse --under /j/to-j/nope "$img"
expect_rc "--under a missing folder behind a junction" 1

# --- --class and --tag in any case -----------------------------------------------------------------
for v in inner INNER Inner; do
	nl_json reparse --class $v "$img"
	expect_rc "--class $v" 0
	expect_eq "--class $v" "/j/to-posix	inner" "$(jfields reparse path class <"$T_TMP/out")"
done
for v in symlink SYMLINK SymLink 0XA000000C; do
	nl_json reparse --tag $v "$img"
	expect_rc "--tag $v" 0
	expect_eq "--tag $v" "/j/elsewhere	other-volume" "$(jfields reparse path class <"$T_TMP/out")"
done
run_nl reparse --class INNERS "$img"
expect_rc "--class INNERS" 2
expect_eq "--class INNERS: message" "ntfslinks: invalid class 'INNERS' (expected inner, outer, other-volume, dangling, loop or unknown)
Try 'ntfslinks help reparse' for more information." "$T_ERR"

# --- global options after the command --------------------------------------------------------------
run_nl -v hardlinks "$img" --json
expect_rc "-v before the command" 0
cp "$T_TMP/out" "$T_TMP/before"
for args in "hardlinks -v $img --json" "hardlinks $img --json --verbose" "hardlinks --json $img -v"; do
	# shellcheck disable=SC2086
	run_nl $args
	expect_rc "$args" 0
	expect_file_eq "$args: as with -v before the command" "$T_TMP/before" "$T_TMP/out"
done
expect_eq "-v before the command: the groups" '/back\\x{slash}|/tab\x{09}name
/posix/README|/posix/upper-too
/posix/Readme|/posix/mixed-too' "$(jfields hardlink_group names <"$T_TMP/before")"
run_nl copy -v -n "$img:/posix" "$T_TMP/copied"
expect_rc "copy -v" 0

# --- -0 writes names as stored; escaped, C:\ and \??\C:\ paths are read ----------------------------
run_nl siblings -0 "$img" '/tab\x{09}name'
expect_rc "siblings -0 of an escaped path" 0
expect_eq "siblings -0: raw names, NUL after each" "$(printf '/back\\x{slash}|/tab\tname|')" \
	"$("$NTFSLINKS" siblings -0 "$img" '/tab\x{09}name' | tr '\0' '|')"
run_nl siblings "$img" '/tab\x{09}name'
expect_eq "siblings text: the escaped names (what is read back)" '/back\\x{slash}
/tab\x{09}name' "$(printf '%s\n' "$T_OUT" | awk 'NR > 1 {print $4}')"
for p in 'C:\tab\x{09}name' '\??\C:\tab\x{09}name' 'c:/TAB\x{09}NAME'; do
	nl_json siblings "$img" "$p"
	expect_rc "siblings '$p'" 0
	expect_eq "siblings '$p'" '/back\\x{slash}|/tab\x{09}name' "$(jfields name path <"$T_TMP/out" | paste -sd'|')"
done
run_nl siblings "$img" '/tab\x{00}name'
expect_rc "a NUL in a path" 1
expect_eq "a NUL in a path: message" "ntfslinks: '$img': '/tab\\x{00}name': a name cannot hold a NUL byte" "$T_ERR"

ro_check "names that differ in case" "$img" "$h0"

finish
