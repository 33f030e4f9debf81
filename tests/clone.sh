#!/bin/sh
# clone.sh: 'ntfslinks clone' on fixtures/diff.spec: the 1023-name guard before anything is written, --copy-over-limit, the clone checked with diff, siblings and an ntfs-3g mount, --symbolic into another image, refusals.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"

build_fixture diff "$T_TMP/diff.img"
IMG=$T_TMP/diff.img
cp "$IMG" "$T_TMP/pristine.img"
h=$(hash_of "$IMG")

# ---- the guard: /a/sat holds a file with 1023 names; cloning /a would give
#      it 1023 more. It is named and nothing is written.
run_nl clone "$IMG:/a" "$IMG:/ca"
expect_rc "guard: exit status" 1
expect_eq "guard: the file and the refusal" \
	"ntfslinks: '$IMG:/a/sat/f0420': the file has 1023 names, the clone would give it 1023 more: over 1023
ntfslinks: '$IMG:/ca': 1 file would pass 1023 names: nothing was written (--copy-over-limit copies them)" "$T_ERR"
expect_eq "guard: nothing was written" "$h" "$(hash_of "$IMG")"
run_nl clone -n --copy-over-limit "$IMG:/a" "$IMG:/ca"
expect_rc "dry run: exit status" 0
expect_eq "dry run: nothing was written" "$h" "$(hash_of "$IMG")"

# ---- with --copy-over-limit that file is copied (its names hardlinked to the
#      copy), every other file is a new name of its source file
run_nl clone --copy-over-limit "$IMG:/a" "$IMG:/ca"
expect_rc "clone: exit status" 0
expect_eq "clone: summary" \
	"14 files cloned, 1 file copied (2 bytes), 1022 hardlinked, 7 folders, 2 junctions, 1 symlink; cropped 1, spliced 0, unrolled 0, dangling 1, loops 1, excluded 0, warnings 0, errors 0" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
run_nl diff --content "$IMG:/a" "$IMG:/ca"
expect_rc "clone: diff exit status" 1
# a new name gets no DOS name; the outer link is cropped, the loop left out
cat >"$T_TMP/want" <<'EOF'
WHAT        PATH          A                 B  DETAIL
dos-name    LongName.txt  LONGNA~1.TXT      -  -
only-a      j-loop        junction          -  -
only-a      s-out         symlink (folder)  -  -
different: 1050 entries in A, 1048 in B, 1048 compared, 3 differences, 0 errors
EOF
printf '%s\n' "$T_OUT" >"$T_TMP/got"
expect_file_eq "clone: diff against the source" "$T_TMP/want" "$T_TMP/got"
run_nl diff --content "$T_TMP/pristine.img:/a" "$IMG:/a"
expect_rc "clone: the source's contents, times, attributes and security are as built" 0
run_nl siblings "$IMG" /a/h1.txt
expect_eq "clone: a group of two gained the clone's two names" \
	"/a/h1.txt /a/sub/h2.txt /ca/h1.txt /ca/sub/h2.txt" "$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $4 }' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "clone: one record" "1" "$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $1 }' | sort -u | wc -l | tr -d ' ')"
run_nl siblings "$IMG" /ca/sat/f0001
expect_eq "clone: the saturated file was copied: one record, its 1023 names under /ca/sat" \
	"1 1023 0" "$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $1 }' | sort -u | wc -l | tr -d ' ') $(printf '%s\n' "$T_OUT" | grep -c ' /ca/sat/f') $(printf '%s\n' "$T_OUT" | grep -c ' /a/sat/')"
run_nl reparse "$IMG"
expect_eq "clone: the inner junction points inside the clone" "/ca/sub" \
	"$(printf '%s\n' "$T_OUT" | awk '$4 == "/ca/j-in" { print $5 }')"

# ---- an ntfs-3g mount shows the same: shared inode numbers, the same names
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null 2>&1; then
	mkdir -p "$T_TMP/m"
	if ntfs-3g -o ro,noatime "$IMG" "$T_TMP/m" 2>"$T_TMP/mnt.err"; then
		expect_eq "mount: a cloned file shares the source's inode" \
			"$(stat -c %i "$T_TMP/m/a/data.txt")" "$(stat -c %i "$T_TMP/m/ca/data.txt")"
		expect_eq "mount: names of the group of h1.txt" "4" "$(stat -c %h "$T_TMP/m/ca/sub/h2.txt")"
		[ "$(stat -c %i "$T_TMP/m/a/sat/f0001")" != "$(stat -c %i "$T_TMP/m/ca/sat/f0001")" ] &&
			ok || fail "mount: the saturated file was copied"
		run_nl diff "$T_TMP/m/a" "$T_TMP/m/ca"
		expect_eq "mount: diff of the mounted trees" "only-a j-loop junction - -
only-a s-out symlink (folder) - -" "$(printf '%s\n' "$T_OUT" | sed -n '2,3p' | sed 's/  */ /g')"
		umount "$T_TMP/m" || fusermount -u "$T_TMP/m"
	else
		echo "SKIP: $T_NAME: ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
	fi
else
	echo "SKIP: $T_NAME: the ntfs-3g part needs root, /dev/fuse and ntfs-3g"
fi

# ---- --symbolic into another image: symbolic links to the source files by
#      their Windows paths; the source is only read
h=$(hash_of "$T_TMP/pristine.img")
printf 'image size=32M\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/out.img"
run_nl clone --symbolic --json "$T_TMP/pristine.img:/a/sub" "$T_TMP/out.img:/s"
expect_rc "symbolic: exit status" 0
expect_eq "symbolic: the action and the summary" \
	"{\"type\":\"action\",\"action\":\"folder\",\"kind\":\"folder\",\"source\":\"$T_TMP/pristine.img:/a/sub\",\"dest\":\"$T_TMP/out.img:/s\",\"target\":null,\"new_target\":null,\"reason\":null,\"bytes\":0,\"mft\":67}
{\"type\":\"action\",\"action\":\"cloned\",\"kind\":\"file\",\"source\":\"$T_TMP/pristine.img:/a/sub/h2.txt\",\"dest\":\"$T_TMP/out.img:/s/h2.txt\",\"target\":null,\"new_target\":\"\\\\??\\\\C:\\\\a\\\\sub\\\\h2.txt\",\"reason\":null,\"bytes\":0,\"mft\":71}
{\"type\":\"summary\",\"copied\":0,\"folder\":1,\"hardlinked\":0,\"junction\":0,\"symlink\":0,\"cropped\":0,\"spliced\":0,\"unrolled\":0,\"dangling\":0,\"loop\":0,\"excluded\":0,\"warning\":0,\"error\":0,\"bytes\":0,\"items\":2,\"outside\":0,\"dry_run\":false,\"cloned\":1}" \
	"$T_OUT"
expect_eq "symbolic: the source was only read" "$h" "$(hash_of "$T_TMP/pristine.img")"
run_nl reparse --json "$T_TMP/out.img"
expect_match "symbolic: a file symlink with the absolute target" \
	'"tag_name":"symlink".*"path":"/s/h2.txt".*"substitute_name":"\\\\\?\?\\\\C:\\\\a\\\\sub\\\\h2.txt"' "$T_OUT"
run_nl clone --symbolic --drive E: "$T_TMP/pristine.img:/a/sub" "$T_TMP/out.img:/e"
run_nl reparse --json "$T_TMP/out.img"
expect_match "symbolic: --drive sets the letter" '"path":"/e/h2.txt".*"substitute_name":"\\\\\?\?\\\\E:\\\\a' "$T_OUT"

# ---- progress on a terminal, as for copy
if command -v script >/dev/null 2>&1; then
	(unset NTFSLINKS_NO_PROGRESS; NTFSLINKS_PROGRESS_DELAY_MS=0 script -qec \
		"'$NTFSLINKS' clone --symbolic '$T_TMP/pristine.img:/a' '$T_TMP/out.img:/p' >/dev/null" \
		/dev/null >"$T_TMP/tty" 2>&1)
	expect_match "progress: cloning items" 'cloning: [0-9]+/[0-9]+ items' "$(tr '\r' '\n' <"$T_TMP/tty")"
fi

# ---- refusals: exit 2, nothing written
h=$(hash_of "$T_TMP/out.img")
run_nl clone "$T_TMP/pristine.img:/a" "$T_TMP/out.img:/x"
expect_rc "another image without --symbolic" 2
expect_match "another image: the reason" "is not on the destination's volume: a hardlink clone stays on one volume" "$T_ERR"
expect_eq "another image: nothing written" "$h" "$(hash_of "$T_TMP/out.img")"
run_nl clone --symbolic "$T_TMP/pristine.img:/a" "$T_TMP/linux"
expect_rc "symbolic into a Linux folder" 2
[ -e "$T_TMP/linux" ] && fail "symbolic into a Linux folder: it was created" || ok
run_nl clone --symbolic --copy-over-limit "$IMG:/a" "$IMG:/x"
expect_rc "--symbolic --copy-over-limit" 2
run_nl clone "$IMG:/a" "$IMG:/b" "$IMG:/x"
expect_rc "two sources" 2
run_nl copy --symbolic "$IMG:/a" "$IMG:/x"
expect_rc "copy has no --symbolic" 2

finish
