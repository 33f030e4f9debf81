#!/bin/sh
# progress-tty.sh: progress lines appear on stderr only when it is a terminal (scan and copy).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
need_cmd script
# make check sets NTFSLINKS_NO_PROGRESS for every test; this one wants progress
unset NTFSLINKS_NO_PROGRESS

cat >"$T_TMP/v.spec" <<'EOF2'
image size=8M
file -p /t/a.txt text=one
link /t/a.txt /t/b.txt
file -p /t/c.bin size=70000 pattern=xyz
EOF2
build_fixture "$T_TMP/v.spec" "$T_TMP/v.img"
mkdir "$T_TMP/out"

# on a terminal (a pty from script(1)), with no delay: progress is shown
NTFSLINKS_PROGRESS_DELAY_MS=0 script -qec "'$NTFSLINKS' scan '$T_TMP/v.img' >/dev/null" /dev/null \
	>"$T_TMP/tty-scan" 2>&1
expect_match "scan shows progress on a terminal" 'scanning: [0-9]+/[0-9]+ records' "$(tr '\r' '\n' <"$T_TMP/tty-scan")"
NTFSLINKS_PROGRESS_DELAY_MS=0 script -qec "'$NTFSLINKS' copy '$T_TMP/v.img:/t' '$T_TMP/out/t' >/dev/null" /dev/null \
	>"$T_TMP/tty-copy" 2>&1
# 4 items (the folder and its three names); 70003 bytes of contents, the
# hardlinked file counted once: 68.4 KiB
expect_match "copy shows items, bytes, rate and eta on a terminal" \
	'copying: [0-4]/4 items, [0-9.]+ [KMG]?i?B/68\.4 KiB, [0-9.]+ [KMG]?i?B/s, eta [0-9]+s' \
	"$(tr '\r' '\n' <"$T_TMP/tty-copy")"
expect_eq "the copy itself is complete" "one" "$(cat "$T_TMP/out/t/b.txt")"

# on a terminal, with the default delay, a short run shows nothing
script -qec "'$NTFSLINKS' scan '$T_TMP/v.img' >/dev/null" /dev/null >"$T_TMP/tty-quiet" 2>&1
expect_eq "a short scan shows no progress" "" "$(tr -d '\r\n' <"$T_TMP/tty-quiet")"

# not a terminal: never, whatever the delay
NTFSLINKS_PROGRESS_DELAY_MS=0 "$NTFSLINKS" scan "$T_TMP/v.img" >/dev/null 2>"$T_TMP/err"
expect_eq "no progress when stderr is not a terminal" "" "$(cat "$T_TMP/err")"
# a terminal, but NTFSLINKS_NO_PROGRESS set
NTFSLINKS_NO_PROGRESS=1 NTFSLINKS_PROGRESS_DELAY_MS=0 script -qec "'$NTFSLINKS' scan '$T_TMP/v.img' >/dev/null" /dev/null \
	>"$T_TMP/tty-off" 2>&1
expect_eq "NTFSLINKS_NO_PROGRESS turns it off" "" "$(tr -d '\r\n' <"$T_TMP/tty-off")"

finish
