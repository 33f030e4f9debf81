#!/bin/sh
# bench-move.sh: time 'ntfslinks move' (Smart Move) of a folder on the 1,000,000-file bulk image with 400 links to retarget, beside the one scan it costs.
#
#   bench/bench-move.sh [BUILD_DIR]
#
# BUILD_DIR is an out-of-tree build (default: build/ next to this script's
# parent).  Environment:
#   N       files in the bulk image                (default 1000000)
#   LINKS   junctions pointing into the moved tree (default 400)
#   SEED    bulk seed                              (default 1)
#   RUNS    rounds, each on a fresh copy           (default 3)
#   WORKDIR where images are kept between runs     (default $BUILD_DIR/bench-images)
#
# The image with the links is built once (LINKS junction commands, each one
# open of the image) and copied for each round; the move is timed against
# 'ntfslinks scan --json' of the same image: it should cost one scan plus
# the writes (seconds, not minutes).  Each round prints wall and CPU
# seconds and peak RSS of both (from /usr/bin/time) and the load average;
# the move's time includes its one commit and fsync of the image.  Not run
# by 'make check'.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
build=$(cd "$build" && pwd)
N=${N:-1000000}
LINKS=${LINKS:-400}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
WORKDIR=${WORKDIR:-$build/bench-images}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench-move: $*"; exit 1; }

mkfixture=$build/fixtures/mkfixture
ntfslinks=$build/src/cli/ntfslinks
[ -x "$mkfixture" ] || die "$mkfixture not built (make -C $build)"
[ -x "$ntfslinks" ] || die "$ntfslinks not built (make -C $build)"
mkdir -p "$WORKDIR"
tmp=$(mktemp -d "$WORKDIR/move.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

bulk=$WORKDIR/bulk-$N-$SEED.img
if [ ! -f "$bulk" ]; then
	say "building $bulk ($N files)"
	"$mkfixture" --bulk "$N" --seed "$SEED" "$bulk" >&2
fi
# the folder to move: the first folder at the root that is not the system's
src=$("$ntfslinks" ls "$bulk:/" | sed -n '/^[^$].*\/$/{s|/$||;p;q}')
[ -n "$src" ] || die "no folder at the root of $bulk"
linked=$WORKDIR/bulk-$N-$SEED-links$LINKS.img
if [ ! -f "$linked" ]; then
	say "adding $LINKS junctions into /$src"
	cp --sparse=always "$bulk" "$tmp/l.img"
	i=1
	while [ "$i" -le "$LINKS" ]; do
		"$ntfslinks" junction --drive C: "$tmp/l.img:/j$i" "C:\\$src" >/dev/null ||
			die "cannot make junction $i"
		i=$((i + 1))
	done
	mv "$tmp/l.img" "$linked"
fi

[ -x /usr/bin/time ] || die "/usr/bin/time is needed (Debian package 'time')"
# timed OUT CMD...: run CMD with its output in OUT; prints "wall cpu rss-MB"
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$out" || die "failed: $*"
	awk '{ printf "%.2f %.2f %d", $1, $2 + $3, $4 / 1024 }' "$tmp/time"
}
printf '%-5s %-22s %-22s %-10s %s\n' round 'scan: wall cpu MB' 'move: wall cpu MB' retargeted load
r=1
while [ "$r" -le "$RUNS" ]; do
	cp --sparse=always "$linked" "$tmp/m.img"
	sync
	s=$(timed /dev/null "$ntfslinks" scan --json "$tmp/m.img")
	m=$(timed "$tmp/log" "$ntfslinks" move --json "$tmp/m.img:/$src" "$tmp/m.img:/$src-moved")
	retargeted=$(grep -c '"action":"retarget"' "$tmp/log" || true)
	[ "$retargeted" -ge "$LINKS" ] || die "expected at least $LINKS links retargeted, got $retargeted"
	PATH="$PATH:/sbin:/usr/sbin" ntfsfix -n "$tmp/m.img" >/dev/null 2>&1 ||
		die "ntfsfix -n finds the moved image damaged"
	printf '%-5s %-22s %-22s %-10s %s\n' "$r" "$s" "$m" "$retargeted" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	r=$((r + 1))
done
printf 'files %s, junctions into /%s: %s\n' "$N" "$src" "$LINKS"
