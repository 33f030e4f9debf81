#!/bin/sh
# mirror.sh: 'ntfslinks mirror' from fixtures/mirror.spec to mirror2.spec and back into another image: each change (data, attributes, times, added, deleted, a group that gains or loses a name, a retargeted junction, a stream, a security descriptor), edits made with ln, rm, junction and symlink, a file shared with a hardlink clone replaced and not written through, checked with diff, siblings and an ntfs-3g mount; the no-op and the dry run write nothing; a Linux folder; an entry only in the destination that cannot be removed named by its destination path; refusals.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"

build_fixture mirror "$T_TMP/v1.img"
build_fixture mirror2 "$T_TMP/v2.img"
printf 'image size=32M label=DEST\ndir /dst\n' >"$T_TMP/dst.spec"
build_fixture "$T_TMP/dst.spec" "$T_TMP/dst.img"
V1=$T_TMP/v1.img
V2=$T_TMP/v2.img
D=$T_TMP/dst.img
h1=$(hash_of "$V1")
h2=$(hash_of "$V2")

# diff of a source and the mirror: the same but for the outer junction the
# crop policy leaves out
same_but_outer() {
	run_nl diff --content "$1" "$2"
	expect_eq "$3: diff exit status" "1" "$T_RC"
	expect_eq "$3: diff" "only-a j-out junction - -" \
		"$(printf '%s\n' "$T_OUT" | sed -n 2p | sed 's/  */ /g')"
	expect_match "$3: diff summary" "1 difference, 0 errors" "$T_OUT"
}
last() { printf '%s\n' "$T_OUT" | tail -n 1; }

# ---- the first run fills the empty folder
run_nl mirror "$V1:/src" "$D:/dst"
expect_rc "first run: exit status" 0
expect_eq "first run: summary" \
	"12 files copied (57 bytes), 3 hardlinked, 4 folders, 1 junction, 1 symlink; 0 deleted, 1 updated, 0 unchanged; cropped 1, spliced 0, unrolled 0, excluded 0, warnings 0, errors 0" \
	"$(last)"
same_but_outer "$V1:/src" "$D:/dst" "first run"

# ---- nothing changed: nothing is written, and it says so
hd=$(hash_of "$D")
run_nl mirror "$V1:/src" "$D:/dst"
expect_rc "no-op: exit status" 0
expect_eq "no-op: says so" "nothing to do: '$D:/dst' is up to date (21 entries unchanged)" "$(last)"
expect_eq "no-op: the destination image is unchanged" "$hd" "$(hash_of "$D")"

# ---- a dry run lists every action and writes nothing
run_nl mirror -n "$V2:/src" "$D:/dst"
expect_rc "dry run: exit status" 0
cat >"$T_TMP/want" <<EOF2
deleted    file     - -> $D:/dst/st.txt (replaced: the data differs)
deleted    junction - -> $D:/dst/j-in (replaced: the source has another kind of entry or link there)
deleted    file     - -> $D:/dst/gonedir/x.txt (inside a folder that goes)
deleted    folder   - -> $D:/dst/gonedir (not in the source)
deleted    file     - -> $D:/dst/gone.txt (not in the source)
deleted    file     - -> $D:/dst/g2/c.txt (replaced: the name belongs to another file now)
deleted    file     - -> $D:/dst/data.txt (replaced: the data differs)
updated    file     $V2:/src/attr.txt -> $D:/dst/attr.txt (attributes)
updated    file     $V2:/src/ctime.txt -> $D:/dst/ctime.txt (times)
copied     file     $V2:/src/data.txt -> $D:/dst/data.txt
hardlinked file     $V2:/src/g1/c.txt -> $D:/dst/g1/c.txt
copied     file     $V2:/src/g2/c.txt -> $D:/dst/g2/c.txt
junction   junction $V2:/src/j-in -> $D:/dst/j-in [C:\\src\\g1 => \\??\\C:\\dst\\g1]
cropped    junction $V2:/src/j-out [C:\\outside] (target outside the copied set)
copied     file     $V2:/src/new.txt -> $D:/dst/new.txt
folder     folder   $V2:/src/newdir -> $D:/dst/newdir
copied     file     $V2:/src/newdir/n.txt -> $D:/dst/newdir/n.txt
updated    file     $V2:/src/sec.txt -> $D:/dst/sec.txt (security descriptor)
copied     file     $V2:/src/st.txt -> $D:/dst/st.txt
drive      $V2:/src (C: inferred: 2 of 2 drive-letter targets resolve on this volume with it)
dry run: 5 files copied (27 bytes), 1 hardlinked, 1 folder, 1 junction, 0 symlinks; 7 deleted, 3 updated, 11 unchanged; cropped 1, spliced 0, unrolled 0, excluded 0, warnings 0, errors 0
EOF2
printf '%s\n' "$T_OUT" >"$T_TMP/got"
expect_file_eq "dry run: the actions" "$T_TMP/want" "$T_TMP/got"
expect_eq "dry run: the destination image is unchanged" "$hd" "$(hash_of "$D")"
run_nl mirror -n --json "$V2:/src" "$D:/dst"
expect_match "dry run --json: a deletion" \
	"\"action\":\"deleted\",\"kind\":\"folder\",\"source\":null,\"dest\":\"$D:/dst/gonedir\",.*\"reason\":\"not in the source\"" "$T_OUT"
expect_match "dry run --json: the summary" "\"deleted\":7,\"updated\":3,\"unchanged\":11" "$T_OUT"
expect_eq "dry run --json: the destination image is unchanged" "$hd" "$(hash_of "$D")"

# ---- the changes made
run_nl mirror "$V2:/src" "$D:/dst"
expect_rc "changes: exit status" 0
expect_eq "changes: summary" \
	"5 files copied (27 bytes), 1 hardlinked, 1 folder, 1 junction, 0 symlinks; 7 deleted, 3 updated, 11 unchanged; cropped 1, spliced 0, unrolled 0, excluded 0, warnings 0, errors 0" \
	"$(last)"
same_but_outer "$V2:/src" "$D:/dst" "changes"
run_nl siblings "$D" /dst/g1/a.txt
expect_eq "changes: g1 gained c.txt: three names, one record" "1 /dst/g1/a.txt /dst/g1/b.txt /dst/g1/c.txt" \
	"$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $1 }' | sort -u | wc -l | tr -d ' ') $(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $4 }' | tr '\n' ' ' | sed 's/ $//')"
g2=$(printf '%s\n' "$T_OUT" | awk 'NR == 2 { print $1 }')
run_nl siblings "$D" /dst/g2/a.txt
expect_eq "changes: g2 lost c.txt" "/dst/g2/a.txt /dst/g2/b.txt" \
	"$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $4 }' | tr '\n' ' ' | sed 's/ $//')"
run_nl mirror "$V2:/src" "$D:/dst"
expect_eq "changes: then nothing to do" "nothing to do: '$D:/dst' is up to date (22 entries unchanged)" "$(last)"
expect_eq "changes: the sources were only read" "$h1 $h2" "$(hash_of "$V1") $(hash_of "$V2")"

# ---- the source edited: a file gains a name, a group loses one, a new
#      junction and symbolic link (rm changes the time of the folder g1)
run_nl ln "$V2:/src/keep.txt" "$V2:/src/sub/keep2.txt"
run_nl rm "$V2:/src/g1/b.txt"
run_nl junction "$V2:/src/j-new" 'C:\src\newdir'
run_nl symlink "$V2:/src/sub/s2.txt" '..\keep.txt'
h2=$(hash_of "$V2")
run_nl mirror "$V2:/src" "$D:/dst"
expect_rc "edits: exit status" 0
expect_eq "edits: the actions" \
"deleted    file     - -> $D:/dst/g1/b.txt (not in the source)
updated    folder   $V2:/src/g1 -> $D:/dst/g1 (times)
junction   junction $V2:/src/j-new -> $D:/dst/j-new [C:\\src\\newdir => \\??\\C:\\dst\\newdir]
hardlinked file     $V2:/src/sub/keep2.txt -> $D:/dst/sub/keep2.txt
symlink    symlink  $V2:/src/sub/s2.txt -> $D:/dst/sub/s2.txt [..\\keep.txt => ..\\keep.txt]" \
	"$(printf '%s\n' "$T_OUT" | grep -v '^cropped\|^drive\|^[0-9]')"
same_but_outer "$V2:/src" "$D:/dst" "edits"
run_nl siblings "$D" /dst/keep.txt
expect_eq "edits: keep.txt and its new name share a record" "1 2" \
	"$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $1 }' | sort -u | wc -l | tr -d ' ') $(printf '%s\n' "$T_OUT" | awk 'NR > 1' | wc -l | tr -d ' ')"
expect_eq "edits: the source was only read" "$h2" "$(hash_of "$V2")"

# ---- a hardlink clone of the mirror (as a DeLorean backup set makes): its
#      files have names outside the destination. Back to mirror.spec: what
#      changed is replaced, never written through the shared records.
run_nl clone "$D:/dst" "$D:/old"
expect_rc "shared: the clone" 0
cp "$D" "$T_TMP/before.img"
run_nl mirror "$V1:/src" "$D:/dst"
expect_rc "shared: exit status" 0
expect_match "shared: attributes alone make a replacement" \
	"deleted    file     - -> $D:/dst/attr.txt \\(replaced: changed, and its file has names outside the destination\\)" "$T_OUT"
same_but_outer "$V1:/src" "$D:/dst" "shared"
run_nl diff --content "$T_TMP/before.img:/old" "$D:/old"
expect_rc "shared: the older set is as it was" 0
run_nl siblings "$D" /dst/keep.txt
expect_eq "shared: an unchanged file stays shared with the older set" \
	"/dst/keep.txt /old/keep.txt /old/sub/keep2.txt" \
	"$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $4 }' | sort | tr '\n' ' ' | sed 's/ $//')"
run_nl siblings "$D" /dst/attr.txt
expect_eq "shared: the replaced file is a record of its own" "/dst/attr.txt" \
	"$(printf '%s\n' "$T_OUT" | awk 'NR > 1 { print $4 }' | tr '\n' ' ' | sed 's/ $//')"

# ---- an ntfs-3g mount sees the same: inode numbers show the shared files
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null 2>&1; then
	mkdir -p "$T_TMP/m"
	if ntfs-3g -o ro,noatime "$D" "$T_TMP/m" 2>"$T_TMP/mnt.err"; then
		ino() { stat -c %i "$T_TMP/m/$1"; }
		expect_eq "mount: g1's names share one file" "$(ino dst/g1/a.txt)" "$(ino dst/g1/b.txt)"
		expect_eq "mount: g2/c.txt joined its group again" "$(ino dst/g2/a.txt)" \
			"$(ino dst/g2/c.txt)"
		[ "$(ino old/g2/c.txt)" != "$(ino old/g2/a.txt)" ] && ok ||
			fail "mount: the older set's g2/c.txt is still a file of its own"
		expect_eq "mount: an unchanged file is the older set's" "$(ino old/keep.txt)" "$(ino dst/keep.txt)"
		[ "$(ino dst/attr.txt)" != "$(ino old/attr.txt)" ] && ok ||
			fail "mount: the replaced file is another file"
		expect_eq "mount: names of keep.txt" "3" "$(stat -c %h "$T_TMP/m/dst/keep.txt")"
		umount "$T_TMP/m" || fusermount -u "$T_TMP/m"
	else
		echo "SKIP: $T_NAME: ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
	fi
	# a folder on an ntfs-3g mount as the destination, all in one mount
	# session: each run followed at once by one with nothing to do (the
	# links just made, a junction made as a folder and a symbolic link made
	# as a file, read back as links)
	build_fixture "$T_TMP/dst.spec" "$T_TMP/fuse.img"
	# unmount, and wait until the ntfs-3g daemon has written the image out
	unmount() {
		umount "$T_TMP/m" || fusermount -u "$T_TMP/m"
		n=0
		while pgrep -f "ntfs-3g.*$T_TMP/fuse.img" >/dev/null && [ "$n" -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	}
	if ntfs-3g -o noatime "$T_TMP/fuse.img" "$T_TMP/m" 2>"$T_TMP/mnt.err"; then
		run_nl mirror "$V1:/src" "$T_TMP/m/dst"
		expect_rc "ntfs-3g destination: exit status" 0
		run_nl mirror "$V1:/src" "$T_TMP/m/dst"
		expect_match "ntfs-3g destination, same session: nothing to do" \
			"^nothing to do: '$T_TMP/m/dst' is up to date" "$(last)"
		run_nl mirror "$V2:/src" "$T_TMP/m/dst"
		expect_rc "ntfs-3g destination: the changes" 0
		run_nl mirror "$V2:/src" "$T_TMP/m/dst"
		expect_match "ntfs-3g destination: then nothing to do" \
			"^nothing to do: '$T_TMP/m/dst' is up to date" "$(last)"
		unmount
		same_but_outer "$V2:/src" "$T_TMP/fuse.img:/dst" "ntfs-3g destination"
	else
		echo "SKIP: $T_NAME: ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
	fi
else
	echo "SKIP: $T_NAME: the ntfs-3g part needs root, /dev/fuse and ntfs-3g"
fi

# ---- outer links by the policy, as copy does: spliced, unrolled, then
#      cropped (and so deleted); excluded entries are left alone
printf 'image size=32M label=POLICY\ndir /s\ndir /u\n' >"$T_TMP/pol.spec"
build_fixture "$T_TMP/pol.spec" "$T_TMP/pol.img"
P=$T_TMP/pol.img
run_nl mirror --splice "$V1:/src" "$P:/s"
expect_match "splice: the outer junction" \
	"^spliced    junction $V1:/src/j-out -> $P:/s/j-out \\[C:.outside => C:.outside\\]" "$T_OUT"
run_nl mirror --splice "$V1:/src" "$P:/s"
expect_eq "splice: then nothing to do" "nothing to do: '$P:/s' is up to date (22 entries unchanged)" "$(last)"
run_nl mirror --unroll "$V1:/src" "$P:/u"
expect_match "unroll: the outer junction's target copied" \
	"^copied     file     $V1:/outside/o.txt -> $P:/u/j-out/o.txt" "$T_OUT"
run_nl mirror --unroll "$V1:/src" "$P:/u"
expect_eq "unroll: then nothing to do" "nothing to do: '$P:/u' is up to date (23 entries unchanged)" "$(last)"
run_nl mirror --exclude keep.txt "$V1:/src" "$P:/u"
expect_match "crop: the unrolled folder goes" \
	"^deleted    folder   - -> $P:/u/j-out \\(the link is left out of the copy\\)" "$T_OUT"
expect_match "exclude: the excluded file is left alone" "^excluded   file     $V1:/src/keep.txt" "$T_OUT"
run_nl ls "$P:/u"
expect_match "exclude: keep.txt is still there" "^keep.txt$" "$T_OUT"

# ---- a plain Linux folder as the source: hardlinks and a symbolic link into
#      an image; what a run read is not changed (its access time either), so
#      the next run has nothing to do
mkdir -p "$T_TMP/ls/sub"
printf 'a\n' >"$T_TMP/ls/a.txt"
ln "$T_TMP/ls/a.txt" "$T_TMP/ls/sub/b.txt"
ln -s ../a.txt "$T_TMP/ls/sub/s.txt"
printf 'c\n' >"$T_TMP/ls/c.txt"
run_nl mirror "$T_TMP/ls" "$P:/s"
expect_rc "linux source: exit status" 0
expect_match "linux source: the hardlink" "^hardlinked file     $T_TMP/ls/sub/b.txt -> $P:/s/sub/b.txt" "$T_OUT"
run_nl mirror "$T_TMP/ls" "$P:/s"
expect_eq "linux source: then nothing to do" "nothing to do: '$P:/s' is up to date (5 entries unchanged)" "$(last)"
run_nl diff "$T_TMP/ls" "$P:/s"
expect_rc "linux source: diff" 0

# ---- a plain Linux folder as the destination
mkdir "$T_TMP/lin"
: >"$T_TMP/lin/extra.txt"
run_nl mirror "$V1:/src" "$T_TMP/lin"
expect_rc "linux: exit status" 0
expect_match "linux: what is not in the source is deleted" \
	"deleted    file     - -> $T_TMP/lin/extra.txt \\(not in the source\\)" "$T_OUT"
[ ! -e "$T_TMP/lin/extra.txt" ] && ok || fail "linux: extra.txt is still there"
expect_eq "linux: hardlinks" "$(stat -c %i "$T_TMP/lin/g2/a.txt") 3" \
	"$(stat -c %i "$T_TMP/lin/g2/c.txt") $(stat -c %h "$T_TMP/lin/g2/c.txt")"
run_nl mirror "$V1:/src" "$T_TMP/lin"
expect_match "linux: then nothing to do" "^nothing to do: '$T_TMP/lin' is up to date" "$(last)"

# ---- progress on a terminal, as for copy
if command -v script >/dev/null 2>&1; then
	(unset NTFSLINKS_NO_PROGRESS; NTFSLINKS_PROGRESS_DELAY_MS=0 script -qec \
		"'$NTFSLINKS' mirror -n '$V2:/src' '$D:/dst' >/dev/null" /dev/null >"$T_TMP/tty" 2>&1)
	expect_match "progress: mirroring items" 'mirroring: [0-9]+/[0-9]+ items' "$(tr '\r' '\n' <"$T_TMP/tty")"
fi

# ---- a mirror killed midway into a Linux folder: every file under its name
#      is complete (the old one, or the new one), and the next run finishes
cat >"$T_TMP/k1.spec" <<'EOF2'
image size=32M
default-time 2016-01-02T03:04:05Z
file /k/big{1..4}.bin -p size=2M pattern=0123456789abcdef
EOF2
sed 's/pattern=0123456789abcdef/pattern=fedcba9876543210 mtime=2017-01-01T00:00:00Z/' \
	"$T_TMP/k1.spec" >"$T_TMP/k2.spec"
build_fixture "$T_TMP/k1.spec" "$T_TMP/k1.img"
build_fixture "$T_TMP/k2.spec" "$T_TMP/k2.img"
run_nl copy "$T_TMP/k1.img:/k" "$T_TMP/old"
run_nl copy "$T_TMP/k2.img:/k" "$T_TMP/new"
interrupted=0
i=0
while [ "$i" -lt 20 ] && [ "$interrupted" -lt 1 ]; do
	i=$((i + 1))
	d=$T_TMP/kill$i
	cp -a "$T_TMP/old" "$d"
	"$NTFSLINKS" mirror "$T_TMP/k2.img:/k" "$d" >/dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		[ -n "$(find "$d" -name '.ntfslinks-*.tmp' 2>/dev/null | head -n 1)" ] && break
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	bad=$(cd "$d" && for f in big*.bin; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$T_TMP/new/$f" || cmp -s "$f" "$T_TMP/old/$f" || echo "$f"
	done)
	expect_eq "killed mirror $i: no incomplete file under its name" "" "$bad"
	[ -n "$(find "$d" -name '.ntfslinks-*.tmp' | head -n 1)" ] && interrupted=1
done
expect_eq "a mirror was killed midway" 1 "$interrupted"
run_nl mirror "$T_TMP/k2.img:/k" "$d"
expect_rc "killed mirror: the next run" 0
expect_eq "killed mirror: then the folder holds the new files" "" \
	"$(cd "$d" && for f in big1.bin big2.bin big3.bin big4.bin; do cmp -s "$f" "$T_TMP/new/$f" || echo "$f"; done; ls -A | grep -v '^big[1-4]\.bin$')"

# ---- an entry only in the destination that cannot be removed: its destination path is said
#      (a file made immutable, which root cannot remove either; where chattr cannot, skipped)
run_nl copy "$V1:/src" "$T_TMP/imm"
expect_rc "immutable: the copy to mirror into" 0
mkdir "$T_TMP/imm/only" && : >"$T_TMP/imm/only/x"
if chattr +i "$T_TMP/imm/only/x" 2>/dev/null; then
	run_nl mirror "$V1:/src" "$T_TMP/imm"
	chattr -i "$T_TMP/imm/only/x"
	expect_rc "immutable: exit status" 1
	expect_eq "immutable: each entry that stays is named by its destination path" \
		"ntfslinks: '$T_TMP/imm/only/x': cannot delete: operation not permitted
ntfslinks: '$T_TMP/imm/only': cannot delete: directory not empty" "$T_ERR"
fi

# ---- refusals
run_nl mirror "$V1:/src" "$D:/nothing"
expect_rc "no destination: exit status" 2
expect_eq "no destination: message" \
	"ntfslinks: '$D:/nothing': the destination '$D:/nothing' does not exist: a mirror updates an existing folder ('copy' makes one)" "$T_ERR"
run_nl mirror --into "$V1:/src" "$D:/dst"
expect_rc "--into: exit status" 2
run_nl mirror "$V1:/src" "$V2:/src" "$D:/dst"
expect_rc "two sources: exit status" 2
expect_eq "the sources were never written" "$h1 $h2" "$(hash_of "$V1") $(hash_of "$V2")"

finish
