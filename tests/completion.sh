#!/bin/bash
# completion.sh: the bash completion (completion/ntfslinks) driven as bash drives it (COMP_LINE, COMP_WORDS, COMP_CWORD): commands and options as the help texts list them, IMAGE:/path inside the demo image through 'ntfslinks ls'; and 'ntfslinks ls' itself.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

COMPLETION=$TESTS_SRCDIR/../completion/ntfslinks
cd "$T_TMP" || exit 99
build_fixture winlike demo.img
BEFORE=$(hash_of demo.img)

# complete LINE: the completions bash would offer at the end of LINE, one
# per line.  The words are split as readline splits them: at unescaped
# blanks, and with ':' (in COMP_WORDBREAKS) a word of its own.
cat >driver.bash <<'DRIVER'
. "$1" || exit 99
prog=$2 line=$3
words=() w=""
for ((i = 0; i < ${#line}; i++)); do
	ch=${line:i:1}
	if [[ $ch == "\\" ]]; then w+=$ch${line:i+1:1}; i=$((i + 1))
	elif [[ $ch == " " ]]; then [[ -n $w ]] && words+=("$w"); w=""
	elif [[ $ch == ":" ]]; then [[ -n $w ]] && words+=("$w"); words+=(":"); w=""
	else w+=$ch; fi
done
words+=("$w")
words[0]=$prog
COMP_WORDS=("${words[@]}")
COMP_CWORD=$((${#words[@]} - 1))
COMP_LINE=$prog${line#ntfslinks}
COMP_POINT=${#COMP_LINE}
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
_ntfslinks
printf '%s\n' "${COMPREPLY[@]}"
DRIVER
complete() {
	bash driver.bash "$COMPLETION" "$NTFSLINKS" "$1" | LC_ALL=C sort
}

# the commands: those of 'ntfslinks --help', read here with awk
want=$("$NTFSLINKS" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' | LC_ALL=C sort)
expect_eq "commands" "$want" "$(complete 'ntfslinks ')"
expect_match "the commands include mkimage" '^mkimage$' "$want"
expect_eq "a command from its start" "mkimage" "$(complete 'ntfslinks mki')"
expect_eq "help COMMAND" "scan
siblings
symlink" "$(complete 'ntfslinks help s')"
expect_eq "global options" "--help
--verbose
--version" "$(complete 'ntfslinks --')"

# the options of every command: the long ones of its help text's option lines
for cmd in $want; do
	[ "$cmd" = help ] && continue
	want_opts=$("$NTFSLINKS" help "$cmd" | grep -E '^ +-' | grep -oE -- '--[a-z0-9][a-z0-9-]*' | LC_ALL=C sort -u)
	got=$(complete "ntfslinks $cmd --" | LC_ALL=C sort -u)
	expect_eq "options of $cmd" "$want_opts" "$got"
done
expect_eq "mkimage --fr" "--from-dir" "$(complete 'ntfslinks mkimage --fr')"
expect_eq "partitions --ve" "--verify" "$(complete 'ntfslinks partitions --ve')"
expect_eq "--verify takes no value: an option follows" "--json" "$(complete 'ntfslinks partitions --verify --js')"
expect_match "the commands include mirror" '^mirror$' "$want"
expect_eq "mirror --ch" "--checksum" "$(complete 'ntfslinks mirror --ch')"
expect_eq "ls: its options" "--all
--help" "$(complete 'ntfslinks ls --')"
expect_eq "ls: all options" "--all
--help
-a
-h" "$(complete 'ntfslinks ls -')"

# a value of an option: files
touch spec-one.spec spec-two.spec
expect_eq "the value of --truth is a file" "spec-one.spec
spec-two.spec" "$(complete 'ntfslinks mkimage --truth spec-')"

# IMAGE:/path: the root of the demo image (fixtures/winlike.spec), after
# the ':' as bash replaces only the word after it
expect_eq "IMAGE:/ lists the root" "/Data/
/Documents\\ and\\ Settings/
/Mount/
/ProgramData/
/Program\\ Files/
/Users/
/Windows/
/pagefile.sys" "$(complete 'ntfslinks scan demo.img:/')"
expect_eq "IMAGE: alone is its root" "$(complete 'ntfslinks scan demo.img:/')" "$(complete 'ntfslinks scan demo.img:')"
expect_eq "IMAGE:/Pro" "/ProgramData/
/Program\\ Files/" "$(complete 'ntfslinks copy demo.img:/Pro')"
expect_eq "IMAGE:/Users/a" "/Users/alice/" "$(complete 'ntfslinks info demo.img:/Users/a')"
expect_eq "a name with blanks, escaped" "/Program\\ Files/Common\\ Files/" \
	"$(complete 'ntfslinks ls demo.img:/Program\ Files/Com')"
expect_eq "no such image: no names" "" "$(complete 'ntfslinks scan nosuch.img:/')"
expect_eq "completion read the image only" "$BEFORE" "$(hash_of demo.img)"

# ---- ntfslinks ls ----------------------------------------------------------------
run_nl ls demo.img:/Users
expect_rc "ls" 0
expect_eq "ls: a folder, sorted, folders with /" "All Users/
Default User/
Public/
alice/" "$T_OUT"
run_nl ls demo.img
expect_eq "ls IMAGE: the root" "$(printf '%s\n' Data/ 'Documents and Settings/' Mount/ 'Program Files/' ProgramData/ Users/ Windows/ pagefile.sys)" "$T_OUT"
run_nl ls -a demo.img:/
expect_eq "ls -a: NTFS's own files too" '$AttrDef
$BadClus
$Bitmap
$Boot
$Extend/
$LogFile
$MFT
$MFTMirr
$Secure
$UpCase
$Volume' "$(printf '%s\n' "$T_OUT" | grep '^\$')"
run_nl ls demo.img:/nosuch
expect_eq "ls: a missing folder" "1 ntfslinks: 'demo.img:/nosuch': no such file or directory" "$T_RC $T_ERR"
run_nl ls demo.img:/pagefile.sys
expect_eq "ls: a file" "1 ntfslinks: 'demo.img:/pagefile.sys': not a directory" "$T_RC $T_ERR"
run_nl ls nosuch.img:/
expect_rc "ls: no such image" 2
expect_eq "ls left the image as it was" "$BEFORE" "$(hash_of demo.img)"
# fast enough for a keypress
start=$(date +%s%N)
"$NTFSLINKS" ls demo.img:/Users/alice >/dev/null
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 2000 ] && ok || fail "ls of the demo image took $ms ms"

finish
