#!/bin/sh
# edit-busy.sh: an image that is mounted (itself, or through a loop device) is refused by the writer: 'copy' into it, 'ln' and 'rm' (even a dry run) exit 2 and leave it unchanged.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/edit-lib.sh"

can_fuse || skip "needs root, /dev/fuse and ntfs-3g (an ntfs-3g mount of the image)"
printf 'image size=8M\nfile -p /src/f.txt text="f\\n"\n' >"$T_TMP/src.spec"
build_fixture "$T_TMP/src.spec" "$T_TMP/src.img"
printf 'image size=8M\ndir /d\n' >"$T_TMP/dst.spec"
build_fixture "$T_TMP/dst.spec" "$T_TMP/dst.img"
h=$(hash_of "$T_TMP/dst.img")
busy="ntfslinks: '$T_TMP/dst.img:/d/x': cannot open the image for writing: the image is mounted or in use"

# mounted read-only by ntfs-3g (it locks the file, and mountinfo lists it)
mnt "$T_TMP/dst.img" "$T_TMP/m" ro || skip "ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
run_nl copy "$T_TMP/src.img:/src" "$T_TMP/dst.img:/d/x"
expect_rc "copy into an image mounted read-only: misuse" 2
expect_eq "copy into an image mounted read-only: the reason" "$busy" "$T_ERR"
run_nl ln "$T_TMP/dst.img:/d" "$T_TMP/dst.img:/d2"
expect_rc "ln in an image mounted read-only: misuse" 2
expect_eq "ln in an image mounted read-only: the reason" \
	"ntfslinks: '$T_TMP/dst.img': cannot open for writing: the image is mounted or in use" "$T_ERR"
run_nl rm -n "$T_TMP/dst.img:/d"
expect_rc "a dry run of rm in a mounted image: misuse too" 2
unmnt "$T_TMP/m"
expect_eq "copy, ln and rm into a mounted image: unchanged" "$h" "$(hash_of "$T_TMP/dst.img")"

# mounted read-write through a loop device: only the mount table tells
if dev=$(loopdev "$T_TMP/dst.img"); then
	if mnt "$dev" "$T_TMP/m"; then
		expect_match "mountinfo lists the loop device" "^$dev " "$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") print $(i + 2) " " $(i + 1) }' /proc/self/mountinfo)"
		run_nl copy "$T_TMP/src.img:/src" "$T_TMP/dst.img:/d/x"
		expect_rc "copy into an image mounted through a loop device: misuse" 2
		expect_eq "copy into an image mounted through a loop device: the reason" "$busy" "$T_ERR"
		unmnt "$T_TMP/m"
	else
		echo "SKIP (part): ntfs-3g cannot mount $dev: $(head -c 200 "$T_TMP/mnt.err")"
	fi
	PATH="$PATH:/sbin:/usr/sbin" losetup -d "$dev"
	LOOPS=
else
	echo "SKIP (part): no loop device: the loop-device case left out"
fi
h=$(hash_of "$T_TMP/dst.img")

# once unmounted the copy goes through, and the image is clean
run_nl copy "$T_TMP/src.img:/src" "$T_TMP/dst.img:/d/x"
expect_rc "copy into the image once it is unmounted" 0
ntfsfix -n "$T_TMP/dst.img" >"$T_TMP/fix" 2>&1
expect_eq "ntfsfix -n after the copy" 0 "$?"
mnt "$T_TMP/dst.img" "$T_TMP/m" ro || skip "ntfs-3g cannot mount here"
expect_eq "the copy read through ntfs-3g" "f" "$(cat "$T_TMP/m/d/x/f.txt")"
unmnt "$T_TMP/m"

finish
