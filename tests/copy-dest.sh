#!/bin/sh
# copy-dest.sh: 'ntfslinks copy' destinations that trip a first-time user: an IMAGE: that does not exist (an error that says how to make one, or --create-image), missing parent folders (-p), renames on a clash announced, and a Linux folder without the room for the copy.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

COPYDUMP=${COPYDUMP:-$(dirname "$NTFSLINKS")/../../tests/copydump}
[ -x "$COPYDUMP" ] || skip "tests/copydump is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
dump() { "$COPYDUMP" "$@" 2>&1; }

# everything happens in a folder of its own, so that what appears in it can be listed
mkdir "$T_TMP/w" && cd "$T_TMP/w" || exit 99
build_fixture copy-links "$T_TMP/w/links.img"

# ---- IMAGE: that does not exist: an error, no host folder named 'new.img:'
for dest in new.img: new.img:/x 'new.img@2:/x'; do
	run_nl copy links.img:/src/sub "$dest"
	expect_rc "missing image $dest: exit status" 2
	expect_eq "missing image $dest: nothing made" "links.img" "$(ls)"
done
run_nl copy links.img:/src/sub new.img:
expect_eq "missing image: the message says how to make one" \
	"ntfslinks: 'new.img:': no such image 'new.img': create it with --create-image SIZE (or mkntfs -F -f -q -T, on a file of that size)" \
	"$T_ERR"
run_nl copy missing.img:/src links.img:/dst
expect_rc "missing source image: exit status" 2
expect_eq "missing source image: message" "ntfslinks: 'missing.img:/src': no such image 'missing.img'" "$T_ERR"

# ---- --create-image SIZE formats it (mkntfs -T), then copies
run_nl copy --create-image 8M --dry-run links.img:/src/sub new.img:/x
expect_rc "create-image, dry run: exit status" 2
expect_eq "create-image, dry run: nothing made" "links.img" "$(ls)"
run_nl copy --create-image 8x links.img:/src/sub new.img:/x
expect_rc "create-image: a bad size is misuse" 2
run_nl copy --create-image 8M links.img:/src/sub new.img:
expect_rc "create-image: exit status" 0
expect_eq "create-image: the image has the size asked for" 8388608 "$(stat -c %s new.img)"
expect_eq "create-image: the copy" "sub dir
sub/a-link.txt file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97" "$(dump new.img)"
run_nl copy --create-image 16M links.img:/src/sub new.img:
expect_rc "create-image: an existing image is used as it is" 0
expect_eq "create-image: the existing image keeps its size" 8388608 "$(stat -c %s new.img)"

# ---- renames on a clash are announced (stderr, --json)
expect_eq "rename: announced on stderr" \
	"ntfslinks: 'links.img:/src/sub': copied as 'new.img:/sub - Copy' (renamed: 'sub' is taken)" "$T_ERR"
run_nl copy --json links.img:/src/sub new.img:
expect_eq "rename: in the JSON action" \
	'{"type":"action","action":"folder","kind":"folder","source":"links.img:/src/sub","dest":"new.img:/sub - Copy (2)","target":null,"new_target":null,"reason":"renamed: '"'sub'"' is taken","bytes":0,"mft":65}' \
	"$(printf '%s\n' "$T_OUT" | head -n 1)"
expect_eq "rename: JSON leaves stderr alone" "" "$T_ERR"
mkdir into
printf 'x\n' >into/a.txt
run_nl copy --into links.img:/src/sub/a-link.txt into
run_nl copy --into links.img:/src/sub into
expect_eq "rename with --into: announced (the named stream is dropped: a Linux folder)" \
	"ntfslinks: 'links.img:/src/sub/a-link.txt': copied as '$T_TMP/w/into/a-link - Copy.txt' (renamed: 'a-link.txt' is taken)
ntfslinks: 'links.img:/src/sub/a-link.txt': warning: 1 named stream dropped" "$T_ERR"

# ---- -p / --parents: missing folders above the destination
run_nl copy links.img:/src/sub new.img:/a/b/c
expect_rc "parents: without -p the parent must exist (a missing path: 1)" 1
expect_eq "parents: the message says so" \
	"ntfslinks: 'new.img:/a/b/c': the folder '/a/b' does not exist in the image (-p makes it)" "$T_ERR"
h=$(hash_of new.img)
run_nl copy -n -p links.img:/src/sub new.img:/a/b/c
expect_rc "parents: dry run" 0
expect_eq "parents: the dry run writes nothing" "$h" "$(hash_of new.img)"
run_nl copy -p links.img:/src/sub new.img:/a/b/c
expect_rc "parents: exit status" 0
expect_eq "parents: the folders and the copy" "b dir
b/c dir
b/c/a-link.txt file data=2:9babf300c65b0f64 stream meta=12:dc03df39bfc55d97" "$(dump new.img /a)"
run_nl copy -n --parents links.img:/src/sub host/d/e
expect_rc "parents: a dry run on the host (a missing path: 1)" 1
expect_eq "parents: a dry run on the host makes nothing and says so" \
	"ntfslinks: 'host/d/e': the folder 'host/d' does not exist: -p makes it, a dry run does not" \
	"$T_ERR$(ls -d host 2>/dev/null)"
run_nl copy --parents links.img:/src/sub host/d/e
expect_rc "parents: on the host" 0
expect_eq "parents: the host folders" "a-link.txt" "$(ls host/d/e)"

# ---- a Linux folder without the room: one message before anything is
#      written (a 1 MiB tmpfs; the source has a 2 MiB file)
if [ "$(id -u)" = 0 ] && mkdir small && mount -t tmpfs -o size=1M tmpfs small 2>/dev/null; then
	printf '%s\n' 'image size=16M' 'file /d/big.bin -p size=2097152 pattern=big' \
		'file /d/small.txt text="s\n"' >room.spec
	build_fixture "$T_TMP/w/room.spec" room.img
	run_nl copy room.img:/d small/d
	expect_rc "linux folder full: exit status" 1
	expect_eq "linux folder full: one message" \
		"ntfslinks: 'small/d': not enough room: the copy needs at least 2048 KiB, the destination has 1024 KiB free; nothing was copied" \
		"$T_ERR"
	expect_eq "linux folder full: nothing written" "" "$(ls -A small)"
	umount small
else
	echo "SKIP (part): cannot mount a tmpfs here: the Linux folder's room is not checked"
fi

finish
