#!/bin/sh
# bench-backup.sh: time 'ntfslinks clone' against cp -al across an ntfs-3g mount, and 'ntfslinks diff' and a 'ntfslinks mirror' with nothing to do, of two equal trees, against one scan of each volume (ratios, one run; not part of the test suite).
#
#   bench/bench-backup.sh [BUILD_DIR]
#
# BUILD_DIR is an out-of-tree build (default: build/ next to this script's
# parent).  Builds (once, kept in WORKDIR) a bulk image with
# 'mkfixture --bulk FILES --seed SEED --avg-size AVG_SIZE', then, page cache
# warm, each run on a fresh copy of it (the copy is made outside the timed
# part):
#
#   clone       ntfslinks clone --copy-over-limit IMG:/tree IMG:/clone
#   cp-al       ntfs-3g mount of IMG, cp -al /tree /clone, unmount (mount,
#               unmount and the daemon's exit timed)
#   diff        ntfslinks diff IMG:/tree COPY:/tree (COPY: the same image,
#               another file)
#   mirror      ntfslinks mirror IMG:/tree COPY:/tree (nothing to do: the
#               trees are equal; COPY is opened for writing and left as it was)
#   scan        ntfslinks scan IMG, then ntfslinks scan COPY
#
# and prints the times and the ratios the issue sets as targets:
#   clone >= 10x faster than cp -al across an ntfs-3g mount;
#   mirror with nothing changed: <= 2x one scan of both volumes (and diff of
#   two equal trees, the part of it that reads both sides, beside it).
# delorean is not measured here.
#
# Environment:
#   FILES     files in the image                 (default 50000)
#   AVG_SIZE  mean file size in bytes            (default 3000)
#   SEED      bulk seed                          (default 1)
#   WORKDIR   where the image is kept            (default $BUILD_DIR/bench-images)
#
# Bench-only dependencies (Debian packages): time, ntfs-3g, coreutils,
# util-linux (mountpoint). cp-al needs root and /dev/fuse; it is skipped with
# the reason when they are missing.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
build=$(cd "$build" && pwd)
FILES=${FILES:-50000}
AVG_SIZE=${AVG_SIZE:-3000}
SEED=${SEED:-1}
WORKDIR=${WORKDIR:-$build/bench-images}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench-backup: $*"; exit 1; }

mkfixture=$build/fixtures/mkfixture
ntfslinks=$build/src/cli/ntfslinks
[ -x "$mkfixture" ] || die "$mkfixture not built (make -C $build)"
[ -x "$ntfslinks" ] || die "$ntfslinks not built (make -C $build)"
"$ntfslinks" help clone >/dev/null 2>&1 || die "$ntfslinks has no clone command"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"

mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
tmp=$(mktemp -d)
cleanup() {
	set +e
	mountpoint -q "$tmp/m" 2>/dev/null && umount "$tmp/m"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bulk=$WORKDIR/backup-bulk-$FILES-$SEED-$AVG_SIZE.img
src=$WORKDIR/backup-$FILES-$SEED-$AVG_SIZE.img
if [ ! -f "$src" ]; then
	say "bench-backup: building $src"
	[ -f "$bulk" ] || "$mkfixture" --bulk "$FILES" --seed "$SEED" --avg-size "$AVG_SIZE" "$bulk" >&2
	# the whole volume as the folder /tree of an image twice its size (a
	# clone cannot go inside its own source)
	"$ntfslinks" copy --create-image "$(( $(stat -c %s "$bulk") * 2 ))" "$bulk:/" "$src.tmp:/tree" \
		>/dev/null || die "cannot copy $bulk into $src"
	mv "$src.tmp" "$src"
fi
cat "$src" >/dev/null

# timed NAME CMD...: wall seconds of CMD into $tmp/NAME
timed() {
	name=$1
	shift
	sync
	/usr/bin/time -f '%e' -o "$tmp/$name" "$@" >/dev/null 2>"$tmp/$name.err" ||
		{ cat "$tmp/$name.err" >&2; die "$name failed"; }
}
fresh() { cp --sparse=always "$src" "$tmp/img"; sync; }

fresh
timed clone "$ntfslinks" clone --copy-over-limit "$tmp/img:/tree" "$tmp/img:/clone"

cpal=
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null; then
	fresh
	mkdir -p "$tmp/m"
	export tmp
	timed cp-al sh -c '
		ntfs-3g "$tmp/img" "$tmp/m" || exit 1
		cp -al "$tmp/m/tree" "$tmp/m/clone"
		rc=$?
		umount "$tmp/m"
		while pgrep -f "ntfs-3g $tmp/img" >/dev/null; do sleep 0.05; done
		exit $rc'
	cpal=$(cat "$tmp/cp-al")
else
	say "bench-backup: cp-al skipped: needs root, /dev/fuse and ntfs-3g"
fi

fresh
cp --sparse=always "$src" "$tmp/copy"
timed diff "$ntfslinks" diff "$tmp/img:/tree" "$tmp/copy:/tree"
hcopy=$(sha256sum "$tmp/copy" | cut -d' ' -f1)
timed mirror "$ntfslinks" mirror "$tmp/img:/tree" "$tmp/copy:/tree"
[ "$(sha256sum "$tmp/copy" | cut -d' ' -f1)" = "$hcopy" ] || die "mirror with nothing to do wrote"
timed scan sh -c "'$ntfslinks' scan '$tmp/img' && '$ntfslinks' scan '$tmp/copy'"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '%-8s %8s\n' method wall-s
printf '%-8s %8s\n' clone "$(cat "$tmp/clone")"
[ -z "$cpal" ] || printf '%-8s %8s\n' cp-al "$cpal"
printf '%-8s %8s\n' diff "$(cat "$tmp/diff")" mirror "$(cat "$tmp/mirror")" scan "$(cat "$tmp/scan")"
[ -z "$cpal" ] || printf 'cp -al / clone: %sx (target >= 10)\n' "$(ratio "$cpal" "$(cat "$tmp/clone")")"
printf 'diff / scan of both: %sx (the reading part of a mirror no-op)\n' \
	"$(ratio "$(cat "$tmp/diff")" "$(cat "$tmp/scan")")"
printf 'mirror no-op / scan of both: %sx (target <= 2)\n' \
	"$(ratio "$(cat "$tmp/mirror")" "$(cat "$tmp/scan")")"
