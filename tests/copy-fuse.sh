#!/bin/sh
# copy-fuse.sh: 'ntfslinks copy' between folders on ntfs-3g FUSE mounts (reparse data, times, attributes, 8.3 names and streams through the mount's extended attributes), and mount to image.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

COPYDUMP=${COPYDUMP:-$(dirname "$NTFSLINKS")/../../tests/copydump}
[ -x "$COPYDUMP" ] || skip "tests/copydump is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
need_root "mounting with ntfs-3g"
[ -c /dev/fuse ] || skip "no /dev/fuse"
need_cmd ntfs-3g

dump() { "$COPYDUMP" "$@" 2>&1; }
MOUNTED=
cleanup() {
	for m in $MOUNTED; do umount "$m" 2>/dev/null || fusermount -u "$m" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap cleanup EXIT
mnt() { # mnt IMAGE DIR [ro]
	mkdir -p "$2"
	ntfs-3g ${3:+-o ro} "$1" "$2" 2>"$T_TMP/mnt.err" || skip "ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mnt.err")"
	MOUNTED="$2 $MOUNTED"
}
unmnt() {
	umount "$1"
	expect_eq "unmount $1" 0 "$?"
	MOUNTED=$(printf '%s\n' $MOUNTED | grep -v -x -F "$1" | tr '\n' ' ')
}

build_fixture copy-links "$T_TMP/links.img"
h=$(hash_of "$T_TMP/links.img")
printf 'image size=64M\n' >"$T_TMP/empty.spec"
build_fixture "$T_TMP/empty.spec" "$T_TMP/dst.img"
mnt "$T_TMP/links.img" "$T_TMP/m1" ro
mnt "$T_TMP/dst.img" "$T_TMP/m2"

# mount -> mount, unroll: the same result as image -> image
run_nl copy --unroll "$T_TMP/m1/src" "$T_TMP/m2/dst"
expect_rc "mount to mount: exit status" 0
expect_match "mount to mount: an inner junction inside an unrolled folder" \
	"^junction +junction +$T_TMP/m1/outer/to-src -> $T_TMP/m2/dst-dry/j-outer/to-src \[C:\\\\src\\\\sub => \\\\\?\?\\\\C:\\\\dst-dry\\\\sub\]$" \
	"$(run_nl copy --unroll --list --dry-run "$T_TMP/m1/src" "$T_TMP/m2/dst-dry"; printf '%s\n' "$T_OUT")"
unmnt "$T_TMP/m2"
dump "$T_TMP/dst.img" /dst >"$T_TMP/got"
# copy-links.spec's /src unrolled: the same listing as copy-image.sh's
unrolled=$TESTS_SRCDIR/expected/copy-links-unroll.txt
expect_file_eq "mount to mount: destination" "$unrolled" "$T_TMP/got"
# creation, modification and access times come through system.ntfs_times
# (ntfs-3g itself sets the MFT change time)
expect_match "mount to mount: times of a.txt" \
	'^a\.txt .* times=130781381500000000,130331054450000000,[0-9]+,130781381500000000$' "$(dump -t "$T_TMP/dst.img" /dst)"

# mount -> image: the same again through the writer
build_fixture "$T_TMP/empty.spec" "$T_TMP/dst2.img"
run_nl copy --unroll "$T_TMP/m1/src" "$T_TMP/dst2.img:/dst"
expect_rc "mount to image: exit status" 0
dump "$T_TMP/dst2.img" /dst >"$T_TMP/got"
expect_file_eq "mount to image: destination" "$unrolled" "$T_TMP/got"

# image -> mount, and the security descriptors and attributes of basic.spec
build_fixture basic "$T_TMP/basic.img"
build_fixture "$T_TMP/empty.spec" "$T_TMP/dst3.img"
mnt "$T_TMP/dst3.img" "$T_TMP/m3"
run_nl copy "$T_TMP/basic.img:/attr" "$T_TMP/m3/attr"
expect_rc "image to mount: exit status" 0
unmnt "$T_TMP/m3"
dump -a -S "$T_TMP/basic.img" /attr >"$T_TMP/want"
dump -a -S "$T_TMP/dst3.img" /attr >"$T_TMP/got"
expect_file_eq "image to mount: attributes (compression too), data, security" "$T_TMP/want" "$T_TMP/got"

# mount -> image: a dry run's byte total is the copy's, a folder's named
# stream (a "user." attribute) counted as from an image: docs without
# hello.txt (its stream is over 64 KiB) 100000+6+0+5000+5 and the folder's
# 15, attr 4*2+65536
mnt "$T_TMP/basic.img" "$T_TMP/m4" ro
build_fixture "$T_TMP/empty.spec" "$T_TMP/dst4.img"
set -- --exclude hello.txt "$T_TMP/m4/docs" "$T_TMP/m4/attr" "$T_TMP/dst4.img:/b"
run_nl copy --dry-run "$@"
dry=$(printf '%s\n' "$T_OUT" | tail -n 1)
run_nl copy "$@"
expect_rc "mount to image, bytes: exit status" 0
expect_eq "mount to image, bytes: the dry run's total is the copy's" "dry run: $T_OUT" "$dry"
expect_match "mount to image, bytes: streams and holes" '^10 files copied \(170570 bytes\)' "$T_OUT"
unmnt "$T_TMP/m4"

unmnt "$T_TMP/m1"
expect_eq "source image never written" "$h" "$(hash_of "$T_TMP/links.img")"
finish
