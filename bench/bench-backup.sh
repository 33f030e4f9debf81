#!/bin/sh
# bench-backup.sh: time 'ntfslinks clone' against cp -al across an ntfs-3g mount, 'ntfslinks diff' and a 'ntfslinks mirror' with nothing to do, of two equal trees, against one scan of each volume, and a second 'ntfslinks delorean' set against rsync --link-dest across two ntfs-3g mounts and a mirror with nothing to do (ratios, one run; not part of the test suite).
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
#   delorean    ntfslinks delorean NEW:/tree BK:/sets, BK holding a first
#               set of the tree; NEW is the tree with 1% of its files
#               changed, 0.5% deleted and 0.5% added (through an ntfs-3g
#               mount, not timed)
#   rsync       NEW and BK (as it was before) mounted with ntfs-3g, rsync -aH
#               --link-dest=THE-FIRST-SET NEW/tree/ BK/sets/SECOND/, both
#               unmounted (mounts, unmounts and the daemons' exit timed)
#   mirror-noop ntfslinks mirror NEW:/tree BK:/sets/SECOND after delorean
#               (nothing to do)
#
# (diff, mirror and scan ROUNDS times in turn, the best wall time of each kept) and prints
# the wall and CPU (user + system) seconds, the load average around the three, and the
# ratios the issue sets as targets:
#   clone >= 10x faster than cp -al across an ntfs-3g mount;
#   mirror with nothing changed: <= 2x one scan of both volumes (and diff of
#   two equal trees, the part of it that reads both sides, beside it);
#   delorean's second set >= 10x faster than rsync --link-dest and <= 3x the
#   mirror with nothing to do.
#
# Environment:
#   FILES     files in the image                 (default 50000)
#   AVG_SIZE  mean file size in bytes            (default 3000)
#   SEED      bulk seed                          (default 1)
#   ROUNDS    rounds of diff, mirror and scan    (default 3; the best of each kept)
#   WORKDIR   where the image is kept            (default $BUILD_DIR/bench-images)
#
# Bench-only dependencies (Debian packages): time, ntfs-3g, coreutils,
# util-linux (mountpoint), rsync. cp-al, delorean and rsync need root and
# /dev/fuse; they are skipped with the reason when they are missing.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
build=$(cd "$build" && pwd)
FILES=${FILES:-50000}
AVG_SIZE=${AVG_SIZE:-3000}
SEED=${SEED:-1}
ROUNDS=${ROUNDS:-3}
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
	for m in "$tmp/m" "$tmp/m1" "$tmp/m2"; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
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

# timed NAME CMD...: "wall user system" seconds of CMD into $tmp/NAME
timed() {
	name=$1
	shift
	sync
	/usr/bin/time -f '%e %U %S' -o "$tmp/$name" "$@" >/dev/null 2>"$tmp/$name.err" ||
		{ cat "$tmp/$name.err" >&2; die "$name failed"; }
}
# wall NAME, cpu NAME: the wall seconds and the CPU seconds (user + system) of run NAME
wall() { awk '{ print $1 }' "$tmp/$1"; }
cpu() { awk '{ printf "%.2f\n", $2 + $3 }' "$tmp/$1"; }
# best NAME: of the runs NAME.1 ... NAME.$ROUNDS, the one with the least wall time, as NAME
best() { for r in $(seq 1 "$ROUNDS"); do cat "$tmp/$1.$r"; done | sort -n | head -1 >"$tmp/$1"; }
load() { cut -d' ' -f1 /proc/loadavg; }
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
	cpal=$(wall cp-al)
else
	say "bench-backup: cp-al skipped: needs root, /dev/fuse and ntfs-3g"
fi

fresh
cp --sparse=always "$src" "$tmp/copy"
hcopy=$(sha256sum "$tmp/copy" | cut -d' ' -f1)
load0=$(load)
# ROUNDS rounds of the three in turn, the best of each kept (runs well under a second,
# where a busy machine moves single runs most)
for r in $(seq 1 "$ROUNDS"); do
	timed "diff.$r" "$ntfslinks" diff "$tmp/img:/tree" "$tmp/copy:/tree"
	timed "mirror.$r" "$ntfslinks" mirror "$tmp/img:/tree" "$tmp/copy:/tree"
	[ "$(sha256sum "$tmp/copy" | cut -d' ' -f1)" = "$hcopy" ] || die "mirror with nothing to do wrote"
	timed "scan.$r" sh -c "'$ntfslinks' scan '$tmp/img' && '$ntfslinks' scan '$tmp/copy'"
done
best diff
best mirror
best scan
load1=$(load)

# ---- delorean: the second set of a changed tree
dl=
if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null &&
	command -v rsync >/dev/null; then
	cp --sparse=always "$src" "$tmp/new"
	mkdir -p "$tmp/m" "$tmp/m1" "$tmp/m2"
	ntfs-3g "$tmp/new" "$tmp/m" || die "cannot mount $tmp/new"
	# every 100th file (by path) changed, every 200th deleted, as many added
	(cd "$tmp/m" && find tree -type f | LC_ALL=C sort) >"$tmp/files"
	awk 'NR % 100 == 50' "$tmp/files" | while IFS= read -r f; do
		printf 'changed\n' >>"$tmp/m/$f"; done
	awk 'NR % 200 == 1' "$tmp/files" | while IFS= read -r f; do rm -f "$tmp/m/$f"; done
	awk 'NR % 200 == 99' "$tmp/files" | while IFS= read -r f; do
		printf 'added\n' >"$tmp/m/$f.added"; done
	umount "$tmp/m"
	while pgrep -f "ntfs-3g $tmp/new" >/dev/null; do sleep 0.05; done
	"$ntfslinks" mkimage --empty "$(( $(stat -c %s "$src") * 2 ))" "$tmp/bk" >/dev/null ||
		die "cannot make the backup image"
	"$ntfslinks" delorean --time '2026-01-01 00-00-00' "$tmp/img:/tree" "$tmp/bk:/sets" >/dev/null ||
		die "the first set failed"
	cp --sparse=always "$tmp/bk" "$tmp/bk0"
	sync
	timed delorean "$ntfslinks" delorean --time '2026-01-02 00-00-00' "$tmp/new:/tree" "$tmp/bk:/sets"
	timed mirror-noop "$ntfslinks" mirror "$tmp/new:/tree" "$tmp/bk:/sets/tree 2026-01-02 00-00-00"
	export tmp
	timed rsync sh -c '
		ntfs-3g -o ro "$tmp/new" "$tmp/m1" || exit 1
		ntfs-3g "$tmp/bk0" "$tmp/m2" || exit 1
		rsync -aH --link-dest="$tmp/m2/sets/tree 2026-01-01 00-00-00" "$tmp/m1/tree/" \
			"$tmp/m2/sets/tree 2026-01-02 00-00-00/"
		rc=$?
		umount "$tmp/m1"; umount "$tmp/m2"
		while pgrep -f "ntfs-3g.*$tmp/(new|bk0)" >/dev/null; do sleep 0.05; done
		exit $rc'
	dl=$(wall delorean)
else
	say "bench-backup: delorean and rsync skipped: need root, /dev/fuse, ntfs-3g and rsync"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '%-8s %8s %8s\n' method wall-s cpu-s
printf '%-8s %8s %8s\n' clone "$(wall clone)" "$(cpu clone)"
[ -z "$cpal" ] || printf '%-8s %8s %8s\n' cp-al "$cpal" "$(cpu cp-al)"
for m in diff mirror scan; do printf '%-8s %8s %8s\n' "$m" "$(wall "$m")" "$(cpu "$m")"; done
printf 'diff, mirror, scan: best of %s rounds; load average %s before, %s after\n' \
	"$ROUNDS" "$load0" "$load1"
[ -z "$cpal" ] || printf 'cp -al / clone: %sx (target >= 10)\n' "$(ratio "$cpal" "$(wall clone)")"
printf 'diff / scan of both: %sx wall, %sx cpu (the reading part of a mirror no-op)\n' \
	"$(ratio "$(wall diff)" "$(wall scan)")" "$(ratio "$(cpu diff)" "$(cpu scan)")"
printf 'mirror no-op / scan of both: %sx wall, %sx cpu (target <= 2)\n' \
	"$(ratio "$(wall mirror)" "$(wall scan)")" "$(ratio "$(cpu mirror)" "$(cpu scan)")"
if [ -n "$dl" ]; then
	printf '%-11s %8s\n' delorean "$dl" rsync "$(wall rsync)" mirror-noop "$(wall mirror-noop)"
	printf 'rsync --link-dest / delorean: %sx (target >= 10)\n' "$(ratio "$(wall rsync)" "$dl")"
	printf 'delorean / mirror no-op: %sx (target <= 3)\n' "$(ratio "$dl" "$(wall mirror-noop)")"
fi
