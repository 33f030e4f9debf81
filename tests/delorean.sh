#!/bin/sh
# delorean.sh: 'ntfslinks delorean' into a backup image: the first set (a Smart Copy checked with diff, links retargeted when the set is renamed complete); later sets after the source changed (clone of the newest set, mirror of the source: unchanged files share records with the set before, changed ones do not; checked with diff, hardlinks and an ntfs-3g mount); sets left incomplete by killed runs (never the newest, removed by the next run); dry runs, refusals, long paths.
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
file /data/attr.txt text="a\n"
file /data/${LONG}/${LONG}/${LONG}/${LONG}/deep.txt -p text="deep\n"
EOS
build_fixture "$T_TMP/v1.spec" "$T_TMP/v1.img"
printf 'image size=64M label=BACKUP\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/bk.img"
V1=$T_TMP/v1.img BK=$T_TMP/bk.img
S1="data 2026-01-01 02-30-00"
L=a-folder-name-that-is-rather-long-to-pass-the-limits-of-windows-paths
L4=$L/$L/$L/$L
h1=$(hash_of "$V1")

# ---- a dry run writes nothing and says what the copy would do
hb=$(hash_of "$BK")
run_nl delorean -n --time '2026-01-01 02-30-00' "$V1:/data" "$BK:/sets"
expect_rc "dry run: exit status" 0
expect_eq "dry run: the steps" "copy       $BK:/sets/$S1.incomplete" "$(printf '%s\n' "$T_OUT" | head -n 1)"
expect_eq "dry run: the summary" \
	"dry run: '$BK:/sets/$S1': copied 8, folder 6, hardlinked 1, junction 1, symlink 1, cropped 1" \
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
made '$BK:/sets/$S1': copied 8, folder 6, hardlinked 1, junction 1, symlink 1, cropped 1
EOF
printf '%s\n' "$T_OUT" >"$T_TMP/got"
expect_file_eq "first: steps and summary" "$T_TMP/want" "$T_TMP/got"
run_nl ls "$BK:/sets"
expect_eq "first: only the complete set is left" "$S1/" "$T_OUT"
run_nl diff --content "$V1:/data" "$BK:/sets/$S1"
expect_eq "first: the set is the source (the outer link cropped)" \
	"WHAT        PATH   A                 B  DETAIL
only-a      s-out  symlink (folder)  -  -
different: 18 entries in A, 17 in B, 17 compared, 1 difference, 0 errors" "$T_OUT"
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
{\"type\":\"summary\",\"copied\":1,\"folder\":1,\"hardlinked\":0,\"junction\":0,\"symlink\":0,\"cropped\":0,\"spliced\":0,\"unrolled\":0,\"dangling\":0,\"loop\":0,\"excluded\":0,\"warning\":0,\"error\":0,\"cloned\":0,\"deleted\":0,\"updated\":0,\"unchanged\":0,\"set\":\"$BK:/n/Nightly 2026-01-01 03-00-00\",\"newest\":null,\"dry_run\":false}" \
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

# ---- later sets. v2 is v1 changed: mod.txt rewritten, gone.txt deleted,
#      new.txt added, solo.txt now a name of h1.txt's file, h1.txt's group
#      gained sub/h3.txt, st.txt's stream rewritten, attr.txt hidden.
sed -e 's|^file /data/mod.txt text="old\\n"|file /data/mod.txt text="new!\\n"|' \
	-e '/gone.txt/d' -e 's|^file /data/solo.txt text="h\\n"|link /data/h1.txt /data/solo.txt|' \
	-e 's|meta text="m\\n"|meta text="MM\\n"|' -e 's|^file /data/attr.txt text="a\\n"|& attrs=archive,hidden|' \
	"$T_TMP/v1.spec" >"$T_TMP/v2.spec"
printf 'file /data/new.txt text="new\\n"\nlink /data/h1.txt /data/sub/h3.txt\n' >>"$T_TMP/v2.spec"
build_fixture "$T_TMP/v2.spec" "$T_TMP/v2.img"
V2=$T_TMP/v2.img
h2=$(hash_of "$V2")
build_fixture "$T_TMP/empty.spec" "$T_TMP/bk2.img"
BK=$T_TMP/bk2.img
S4="data 2026-01-04 02-30-00"
run_nl delorean --time '2026-01-01 02-30-00' "$V1:/data" "$BK:/sets"
expect_rc "later: the first set" 0
secs() { date -u -d "$1" +%s; }
"$KILLDELOREAN" mirror "$(secs '2026-01-02 02:30:00')" "$V2:/data" "$BK:/sets" >/dev/null 2>&1
expect_eq "killed after the clone: by SIGKILL" "137" "$?"
run_nl siblings "$BK" "/sets/$S1/same.txt"
expect_eq "killed after the clone: the incomplete set holds names of the first set's files" \
	"/sets/$S1/same.txt
/sets/data 2026-01-02 02-30-00.incomplete/same.txt" "$(printf '%s\n' "$T_OUT" | awk -F'  +' 'NR > 1 { print $4 }')"
"$KILLDELOREAN" rename "$(secs '2026-01-03 02:30:00')" "$V2:/data" "$BK:/sets" >/dev/null 2>&1
expect_eq "killed before the rename: by SIGKILL" "137" "$?"
run_nl ls "$BK:/sets"
expect_eq "killed twice: the second run removed the first's incomplete set" \
	"$S1/
data 2026-01-03 02-30-00.incomplete/" "$T_OUT"

run_nl delorean --time '2026-01-04 02-30-00' "$V2:/data" "$BK:/sets"
expect_rc "later: exit status" 0
cat >"$T_TMP/want" <<WANT
stale      $BK:/sets/data 2026-01-03 02-30-00.incomplete
newest     $BK:/sets/$S1
clone      $BK:/sets/$S4.incomplete
mirror     $BK:/sets/$S4.incomplete
cropped    symlink  $V2:/data/s-out
rename     $BK:/sets/$S4
made '$BK:/sets/$S4' from '$BK:/sets/$S1': copied 4, hardlinked 2, cropped 1, deleted 5; 11 unchanged
WANT
printf '%s\n' "$T_OUT" >"$T_TMP/got"
expect_file_eq "later: the incomplete set is no newest set; steps and summary" "$T_TMP/want" "$T_TMP/got"
run_nl ls "$BK:/sets"
expect_eq "later: two sets" "$S1/
$S4/" "$T_OUT"
run_nl diff --content "$V2:/data" "$BK:/sets/$S4"
expect_eq "later: the new set is the changed source" \
	"WHAT        PATH   A                 B  DETAIL
only-a      s-out  symlink (folder)  -  -
different: 19 entries in A, 18 in B, 18 compared, 1 difference, 0 errors" "$T_OUT"
run_nl diff --content "$V1:/data" "$BK:/sets/$S1"
expect_eq "later: the first set is still the first source" \
	"WHAT        PATH   A                 B  DETAIL
only-a      s-out  symlink (folder)  -  -
different: 18 entries in A, 17 in B, 17 compared, 1 difference, 0 errors" "$T_OUT"
# files that share a record: the unchanged ones across both sets, and
# h1.txt's group with the names it gained; nothing changed is among them
run_nl hardlinks --csv "$BK"
expect_eq "later: the records the sets share" \
	"2 /sets/$S1/$L4/deep.txt
2 /sets/$S1/same.txt
2 /sets/$S4/$L4/deep.txt
2 /sets/$S4/same.txt
6 /sets/$S1/h1.txt
6 /sets/$S1/sub/h2.txt
6 /sets/$S4/h1.txt
6 /sets/$S4/solo.txt
6 /sets/$S4/sub/h2.txt
6 /sets/$S4/sub/h3.txt" \
	"$(printf '%s\n' "$T_OUT" | awk -F, 'NR > 1 { print $3 " " $5 }' | LC_ALL=C sort)"
run_nl reparse "$BK"
expect_eq "later: the new set's links point into it" \
	"/sets/$S4/j-in /sets/$S4/sub
/sets/$S4/s-rel.txt /sets/$S4/sub/h2.txt" \
	"$(printf '%s\n' "$T_OUT" | awk -F'  +' -v s="/sets/$S4/" '/inner/ && index($4, s) == 1 { print $4 " " $5 }')"
expect_eq "later: the sources were only read" "$h1 $h2" "$(hash_of "$V1") $(hash_of "$V2")"

# ---- the same through an ntfs-3g mount: inode numbers
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null 2>&1; then
	mkdir -p "$T_TMP/m"
	if ntfs-3g -o ro,noatime "$BK" "$T_TMP/m" 2>"$T_TMP/mnt.err"; then
		ino() { stat -c %i "$T_TMP/m/sets/$1"; }
		expect_eq "mount: an unchanged file is one inode in both sets" \
			"$(ino "$S1/same.txt")" "$(ino "$S4/same.txt")"
		for f in mod.txt st.txt attr.txt; do
			[ "$(ino "$S1/$f")" != "$(ino "$S4/$f")" ] && ok || fail "mount: $f changed: two inodes"
		done
		expect_eq "mount: the first set keeps the old data" "old" "$(cat "$T_TMP/m/sets/$S1/mod.txt")"
		expect_eq "mount: the new set has the new data" "new!" "$(cat "$T_TMP/m/sets/$S4/mod.txt")"
		expect_eq "mount: gone.txt only in the first set" "yes no" \
			"$([ -e "$T_TMP/m/sets/$S1/gone.txt" ] && echo yes || echo no) $([ -e "$T_TMP/m/sets/$S4/gone.txt" ] && echo yes || echo no)"
		expect_eq "mount: solo.txt joined h1.txt's file in the new set only" \
			"$(ino "$S4/h1.txt") 6" "$(ino "$S4/solo.txt") $(stat -c %h "$T_TMP/m/sets/$S1/h1.txt")"
		umount "$T_TMP/m" || fusermount -u "$T_TMP/m"
	else
		echo "SKIP: $T_NAME: ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
	fi
else
	echo "SKIP: $T_NAME: the ntfs-3g part needs root, /dev/fuse and ntfs-3g"
fi

# ---- nothing changed: nothing but the clone; a dry run writes nothing
run_nl delorean --time '2026-01-05 02-30-00' "$V2:/data" "$BK:/sets"
expect_eq "no change: the summary" \
	"made '$BK:/sets/data 2026-01-05 02-30-00' from '$BK:/sets/$S4': cropped 1; 17 unchanged" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
run_nl siblings "$BK" "/sets/$S1/same.txt"
expect_eq "no change: same.txt has a name in each set" "3" "$(printf '%s\n' "$T_OUT" | awk 'NR > 1' | wc -l | tr -d ' ')"
hb=$(hash_of "$BK")
run_nl delorean -n --time '2026-01-06 02-30-00' "$V1:/data" "$BK:/sets"
expect_rc "dry run of a later set: exit status" 0
expect_eq "dry run of a later set: the mirror onto the newest set, and the summary" \
	"newest     $BK:/sets/data 2026-01-05 02-30-00
mirror     $BK:/sets/data 2026-01-05 02-30-00
dry run: '$BK:/sets/data 2026-01-06 02-30-00' from '$BK:/sets/data 2026-01-05 02-30-00': copied 5, cropped 1, deleted 6; 11 unchanged" \
	"$(printf '%s\n' "$T_OUT" | grep -v '^deleted \|^copied \|^cropped ')"
expect_eq "dry run of a later set: nothing written" "$hb" "$(hash_of "$BK")"


# ---- DOS names: a file has one, so an unchanged file with one stays shared
#      (its DOS name with its name in the first set), never copied anew
cat >"$T_TMP/dos.spec" <<'EOS'
image size=32M label=DOS
default-time 2016-02-03T04:05:06Z
dir /d
file "/d/Long Name.txt" text="l\n" ns=win32
dosname "/d/Long Name.txt" LONGNA~1.TXT
file /d/PAIR.TXT text="p\n" ns=win32+dos
file /d/plain.txt text="x\n"
EOS
build_fixture "$T_TMP/dos.spec" "$T_TMP/dos.img"
build_fixture "$T_TMP/empty.spec" "$T_TMP/bk3.img"
run_nl delorean --time '2026-01-01 02-30-00' "$T_TMP/dos.img:/d" "$T_TMP/bk3.img:/s"
expect_rc "dos names: first set" 0
run_nl delorean --time '2026-01-02 02-30-00' "$T_TMP/dos.img:/d" "$T_TMP/bk3.img:/s"
expect_eq "dos names: the second set copies nothing" \
	"made '$T_TMP/bk3.img:/s/d 2026-01-02 02-30-00' from '$T_TMP/bk3.img:/s/d 2026-01-01 02-30-00': nothing to do; 3 unchanged" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
run_nl hardlinks --csv "$T_TMP/bk3.img"
expect_eq "dos names: every file is shared by both sets" \
	"2 /s/d 2026-01-01 02-30-00/Long Name.txt
2 /s/d 2026-01-01 02-30-00/PAIR.TXT
2 /s/d 2026-01-01 02-30-00/plain.txt
2 /s/d 2026-01-02 02-30-00/Long Name.txt
2 /s/d 2026-01-02 02-30-00/PAIR.TXT
2 /s/d 2026-01-02 02-30-00/plain.txt" \
	"$(printf '%s\n' "$T_OUT" | awk -F, 'NR > 1 { print $3 " " $5 }' | LC_ALL=C sort)"
run_nl info "$T_TMP/bk3.img" "/s/d 2026-01-01 02-30-00/Long Name.txt"
expect_eq "dos names: the DOS name stays with the first set's name" \
	"DOS aliases:        LONGNA~1.TXT, -" "$(printf '%s\n' "$T_OUT" | grep '^DOS aliases:')"

finish
