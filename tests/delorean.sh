#!/bin/sh
# delorean.sh: 'ntfslinks delorean' into a backup image: the first set (a Smart Copy checked with diff, links retargeted when the set is renamed complete), sets left incomplete by killed runs (never the newest, removed by the next run), dry runs, refusals, long paths.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
KILLDELOREAN=${KILLDELOREAN:-$(dirname "$NTFSLINKS")/../../tests/killdelorean}
[ -x "$KILLDELOREAN" ] || skip "tests/killdelorean is not built"

# The source at its first state: a hardlink group, an inner junction and
# symbolic link, an outer symbolic link (cropped), a named stream, a path of
# more than 260 characters.
cat >"$T_TMP/v1.spec" <<'EOS'
image size=32M label=SRC
default-time 2016-02-03T04:05:06Z
set LONG a-folder-name-that-is-rather-long-to-pass-the-limits-of-windows-paths
dir /outside
file /outside/o.txt text="o\n"
dir /data
dir /data/sub
file /data/same.txt text="same\n"
file /data/mod.txt text="old\n"
file /data/gone.txt text="gone\n"
file /data/h1.txt text="h\n"
link /data/h1.txt /data/sub/h2.txt
file /data/solo.txt text="h\n"
junction /data/j-in "\??\C:\data\sub"
symlink /data/s-rel.txt "sub\h2.txt" relative
symlink /data/s-out "\??\C:\outside" dir
file /data/st.txt text="st\n"
stream /data/st.txt meta text="m\n"
file /data/${LONG}/${LONG}/${LONG}/${LONG}/deep.txt -p text="deep\n"
EOS
build_fixture "$T_TMP/v1.spec" "$T_TMP/v1.img"
printf 'image size=64M label=BACKUP\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/bk.img"
V1=$T_TMP/v1.img BK=$T_TMP/bk.img
S1="data 2026-01-01 02-30-00"
h1=$(hash_of "$V1")

# ---- a dry run writes nothing and says what the copy would do
hb=$(hash_of "$BK")
run_nl delorean -n --time '2026-01-01 02-30-00' "$V1:/data" "$BK:/sets"
expect_rc "dry run: exit status" 0
expect_eq "dry run: the steps" "copy       $BK:/sets/$S1.incomplete" "$(printf '%s\n' "$T_OUT" | head -n 1)"
expect_eq "dry run: the summary" \
	"dry run: '$BK:/sets/$S1': copied 7, folder 6, hardlinked 1, junction 1, symlink 1, cropped 1" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
expect_eq "dry run: nothing written" "$hb" "$(hash_of "$BK")"

# ---- a run killed as the rename begins leaves the set incomplete
"$KILLDELOREAN" rename "$(date -u -d '2026-01-01 01:00:00' +%s)" "$V1:/data" "$BK:/sets" >/dev/null 2>&1
expect_eq "killed: by SIGKILL" "137" "$?"
run_nl ls "$BK:/sets"
expect_eq "killed: the set stays incomplete" "data 2026-01-01 01-00-00.incomplete/" "$T_OUT"

# ---- the first set: the incomplete one is no set (a first run again) and is removed
run_nl delorean --time '2026-01-01 02-30-00' "$V1:/data" "$BK:/sets"
expect_rc "first: exit status" 0
cat >"$T_TMP/want" <<EOF
stale      $BK:/sets/data 2026-01-01 01-00-00.incomplete
copy       $BK:/sets/$S1.incomplete
cropped    symlink  $V1:/data/s-out
rename     $BK:/sets/$S1
made '$BK:/sets/$S1': copied 7, folder 6, hardlinked 1, junction 1, symlink 1, cropped 1
EOF
printf '%s\n' "$T_OUT" >"$T_TMP/got"
expect_file_eq "first: steps and summary" "$T_TMP/want" "$T_TMP/got"
run_nl ls "$BK:/sets"
expect_eq "first: only the complete set is left" "$S1/" "$T_OUT"
run_nl diff --content "$V1:/data" "$BK:/sets/$S1"
expect_eq "first: the set is the source (the outer link cropped)" \
	"WHAT        PATH   A                 B  DETAIL
only-a      s-out  symlink (folder)  -  -
different: 17 entries in A, 16 in B, 16 compared, 1 difference, 0 errors" "$T_OUT"
run_nl siblings "$BK" "/sets/$S1/same.txt"
expect_eq "first: the incomplete set's names are gone" "1" "$(printf '%s\n' "$T_OUT" | awk 'NR > 1' | wc -l | tr -d ' ')"
run_nl reparse "$BK"
expect_eq "first: the links point into the set under its final name" \
	"/sets/$S1/j-in /sets/$S1/sub
/sets/$S1/s-rel.txt /sets/$S1/sub/h2.txt" \
	"$(printf '%s\n' "$T_OUT" | awk -F'  +' '/inner/ { print $4 " " $5 }')"
expect_eq "first: the source was only read" "$h1" "$(hash_of "$V1")"

# ---- refusals
hb=$(hash_of "$BK")
run_nl delorean --time '2026-01-01 02-30-00' "$V1:/data" "$BK:/sets"
expect_rc "the same time again: exit status" 1
expect_eq "the same time again: the reason" \
	"ntfslinks: '$BK:/sets': the set 'data 2026-01-01 02-30-00' is not older than this run's time (2026-01-01 02-30-00 UTC)" "$T_ERR"
run_nl delorean --time '2025-12-31 23-59-59' "$V1:/data" "$BK:/sets"
expect_rc "an older time: exit status" 1
expect_eq "refusals: nothing written" "$hb" "$(hash_of "$BK")"
run_nl delorean "$V1:/data" "$T_TMP/linux"
expect_rc "a Linux backup folder: exit status" 2
expect_eq "a Linux backup folder: the reason" \
	"ntfslinks: '$T_TMP/linux': the backup folder must be a folder in an NTFS image (IMAGE:/path): later sets are hard links to the earlier ones" "$T_ERR"
[ -e "$T_TMP/linux" ] && fail "a Linux backup folder: it was made" || ok
run_nl delorean --time '2026-1-1 00-00-00' "$V1:/data" "$BK:/sets"
expect_rc "a bad --time" 2
run_nl delorean --name 'a:b' "$V1:/data" "$BK:/sets"
expect_rc "a bad --name" 2
run_nl delorean "$V1:/data"
expect_rc "one argument" 2

# ---- --name, an image's root, JSON
run_nl delorean --json --name Nightly --time '2026-01-01 03-00-00' "$V1:/data/sub" "$BK:/n"
expect_eq "json: the steps and the summary" \
	"{\"type\":\"step\",\"step\":\"copy\",\"path\":\"$BK:/n/Nightly 2026-01-01 03-00-00.incomplete\",\"dry_run\":false}
{\"type\":\"step\",\"step\":\"rename\",\"path\":\"$BK:/n/Nightly 2026-01-01 03-00-00\",\"dry_run\":false}
{\"type\":\"summary\",\"copied\":1,\"folder\":1,\"hardlinked\":0,\"junction\":0,\"symlink\":0,\"cropped\":0,\"spliced\":0,\"unrolled\":0,\"dangling\":0,\"loop\":0,\"excluded\":0,\"warning\":0,\"error\":0,\"cloned\":0,\"deleted\":0,\"updated\":0,\"set\":\"$BK:/n/Nightly 2026-01-01 03-00-00\",\"newest\":null,\"dry_run\":false}" \
	"$(printf '%s\n' "$T_OUT" | grep -v '"type":"action"')"
run_nl delorean --time '2026-01-01 03-00-00' "$V1" "$BK:/root"
run_nl ls "$BK:/root"
expect_eq "an image's root: named after the image file" "v1 2026-01-01 03-00-00/" "$T_OUT"

# ---- a path of more than 32,767 characters in all (132 folders of 250)
python3 -c '
n = "n" * 250
print("image size=64M\ndefault-time 2016-02-03T04:05:06Z")
print("file /deep/" + "/".join([n] * 132) + "/f.txt -p text=\"x\\n\"")' >"$T_TMP/deep.spec"
build_fixture "$T_TMP/deep.spec" "$T_TMP/deep.img"
run_nl delorean --time '2026-01-01 04-00-00' "$T_TMP/deep.img:/deep" "$BK:/deep"
expect_rc "deep: exit status" 0
run_nl diff --content "$T_TMP/deep.img:/deep" "$BK:/deep/deep 2026-01-01 04-00-00"
expect_eq "deep: the set is the source" \
	"equal: 134 entries in A, 134 in B, 134 compared, 0 differences, 0 errors" "$T_OUT"

finish
