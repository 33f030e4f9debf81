#!/bin/sh
# delorean-host.sh: 'ntfslinks delorean' into a Linux folder and into a folder on an ntfs-3g mount: the first set a copy, the second after the source changed (unchanged files hard links of the first set's, the changed one not, the deleted one gone, the added one there, a group that gained a name), an incomplete set removed, each set equal to its source by diff; on the mount an inner junction retargeted when its set is renamed complete.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

# The source, a Linux folder: a hardlink group, a relative symbolic link.
S=$T_TMP/data
mkdir -p "$S/sub"
printf 'same\n' >"$S/same.txt"
printf 'old\n' >"$S/mod.txt"
printf 'gone\n' >"$S/gone.txt"
printf 'h\n' >"$S/h1.txt"
ln "$S/h1.txt" "$S/sub/h2.txt"
ln -s sub/h2.txt "$S/s-rel.txt"
touch -d '2016-02-03 04:05:06' "$S"/*.txt "$S/sub/h2.txt"
# the changes between the sets (the new data has another size)
change_source() {
	printf 'changed\n' >"$S/mod.txt"
	rm "$S/gone.txt"
	printf 'added\n' >"$S/added.txt"
	ln "$S/h1.txt" "$S/h3.txt"
}
ino() { stat -c %i "$1"; }
lines() { printf '%s\n' "$@"; }

# delorean_into BK LABEL: two sets in folder BK, checked; BK is a Linux
# folder or a folder on an ntfs-3g mount
delorean_into() {
	bk=$1 what=$2
	S1="$bk/data 2026-03-01 00-00-00" S2="$bk/data 2026-03-02 00-00-00"
	run_nl delorean --time '2026-03-01 00-00-00' "$S" "$bk"
	expect_rc "$what, first set: exit status" 0
	expect_eq "$what, first set: the sets" "data 2026-03-01 00-00-00" "$(ls "$bk")"
	run_nl diff "$S" "$S1"
	expect_eq "$what, first set: equal to the source" "0" "$T_RC"
	expect_eq "$what, first set: h1.txt and sub/h2.txt one file" "$(ino "$S1/h1.txt")" \
		"$(ino "$S1/sub/h2.txt")"

	change_source
	# a set left incomplete by a killed run: removed, never the newest
	mkdir -p "$bk/data 2026-03-01 12-00-00.incomplete/sub"
	printf 'half\n' >"$bk/data 2026-03-01 12-00-00.incomplete/sub/half.txt"
	run_nl delorean --time '2026-03-02 00-00-00' "$S" "$bk"
	expect_rc "$what, second set: exit status" 0
	expect_eq "$what, second set: the steps" "$(lines \
		"stale      $bk/data 2026-03-01 12-00-00.incomplete" \
		"newest     $S1" \
		"clone      $S2.incomplete" \
		"mirror     $S2.incomplete" \
		"rename     $S2")" "$(printf '%s\n' "$T_OUT" | head -n 5 | sed 's/ *$//')"
	expect_eq "$what, second set: the sets" "$(lines "data 2026-03-01 00-00-00" \
		"data 2026-03-02 00-00-00")" "$(ls "$bk")"
	run_nl diff "$S" "$S2"
	expect_eq "$what, second set: equal to the source" "0" "$T_RC"
	expect_eq "$what: unchanged same.txt is the first set's file" "$(ino "$S1/same.txt")" \
		"$(ino "$S2/same.txt")"
	[ "$(ino "$S1/mod.txt")" != "$(ino "$S2/mod.txt")" ] && ok ||
		fail "$what: changed mod.txt is still the first set's file"
	expect_eq "$what: the first set's mod.txt as it was" "old" "$(cat "$S1/mod.txt")"
	expect_eq "$what: the second set's mod.txt" "changed" "$(cat "$S2/mod.txt")"
	[ ! -e "$S2/gone.txt" ] && [ -e "$S1/gone.txt" ] && ok ||
		fail "$what: gone.txt not only in the first set"
	expect_eq "$what: added.txt in the second set" "added" "$(cat "$S2/added.txt")"
	expect_eq "$what: the group, its new name, both sets: one file of 5 names" \
		"$(lines "$(ino "$S1/h1.txt") 5" "$(ino "$S1/h1.txt") 5" "$(ino "$S1/h1.txt") 5" \
			 "$(ino "$S1/h1.txt") 5")" \
		"$(stat -c '%i %h' "$S1/sub/h2.txt" "$S2/h1.txt" "$S2/sub/h2.txt" "$S2/h3.txt")"
	expect_eq "$what: same.txt has 2 names" "2" "$(stat -c %h "$S2/same.txt")"
}

delorean_into "$T_TMP/bk" "Linux folder"
expect_eq "Linux folder: the symbolic link" "sub/h2.txt" \
	"$(readlink "$T_TMP/bk/data 2026-03-02 00-00-00/s-rel.txt")"

# ---- a folder on an ntfs-3g mount
if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ] || ! command -v ntfs-3g >/dev/null 2>&1; then
	echo "SKIP: $T_NAME: the ntfs-3g part needs root, /dev/fuse and ntfs-3g"
	finish
fi
[ -x "$MKFIXTURE" ] || { echo "SKIP: $T_NAME: the ntfs-3g part needs fixtures/mkfixture"; finish; }
printf 'image size=32M label=BACKUP\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/bk.img"
cat >"$T_TMP/j.spec" <<'EOS'
image size=16M
dir /j
dir /j/sub
file /j/sub/f.txt text="f\n"
junction /j/in "\??\C:\j\sub"
EOS
build_fixture "$T_TMP/j.spec" "$T_TMP/j.img"
mkdir -p "$T_TMP/m"
if ! ntfs-3g -o noatime "$T_TMP/bk.img" "$T_TMP/m" 2>"$T_TMP/mnt.err"; then
	echo "SKIP: $T_NAME: ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
	finish
fi
# the source as it was
printf 'old\n' >"$S/mod.txt"
printf 'gone\n' >"$S/gone.txt"
rm "$S/added.txt" "$S/h3.txt"
touch -d '2016-02-03 04:05:06' "$S"/*.txt "$S/sub/h2.txt"
delorean_into "$T_TMP/m/sets" "ntfs-3g mount"
# an inner junction (absolute) follows its set when it is renamed complete
for day in 01 02; do
	run_nl delorean --time "2026-03-$day 00-00-00" "$T_TMP/j.img:/j" "$T_TMP/m/jsets"
	expect_rc "ntfs-3g mount, junction, set $day: exit status" 0
	expect_eq "ntfs-3g mount, junction, set $day: into its own set" \
		"$T_TMP/m/jsets/j 2026-03-$day 00-00-00/sub" \
		"$(readlink "$T_TMP/m/jsets/j 2026-03-$day 00-00-00/in")"
done
umount "$T_TMP/m" || fusermount -u "$T_TMP/m"
n=0
while pgrep -f "ntfs-3g.*$T_TMP/bk.img" >/dev/null && [ "$n" -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
run_nl diff "$S" "$T_TMP/bk.img:/sets/data 2026-03-02 00-00-00"
expect_eq "ntfs-3g mount: the image's second set equal to the source" "0" "$T_RC"
run_nl diff "$T_TMP/j.img:/j" "$T_TMP/bk.img:/jsets/j 2026-03-02 00-00-00"
expect_eq "ntfs-3g mount: the image's second set with the junction equal to the source" \
	"0" "$T_RC"
finish
