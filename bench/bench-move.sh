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
#   WORKDIR where images are kept between runs     (default $BUILD_DIR/bench-images)
#
# The image with the links is built once (LINKS junction commands, each one
# open of the image) and copied for each run; the move is timed against
# 'ntfslinks scan --json' of the same image: it should cost one scan plus
# the writes (seconds, not minutes).  Not run by 'make check'.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
build=$(cd "$build" && pwd)
N=${N:-1000000}
LINKS=${LINKS:-400}
SEED=${SEED:-1}
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

now() { date +%s.%N; }
cp --sparse=always "$linked" "$tmp/m.img"
t0=$(now)
"$ntfslinks" scan --json "$tmp/m.img" >/dev/null
t1=$(now)
"$ntfslinks" move --json "$tmp/m.img:/$src" "$tmp/m.img:/$src-moved" >"$tmp/log"
t2=$(now)
retargeted=$(grep -c '"action":"retarget"' "$tmp/log" || true)
ntfsfix -n "$tmp/m.img" >/dev/null 2>&1 || die "ntfsfix -n finds the moved image damaged"
printf 'files %s  links %s  retargeted %s\n' "$N" "$LINKS" "$retargeted"
printf 'scan  %.2f s\n' "$(echo "$t1 - $t0" | bc)"
printf 'move  %.2f s  (one scan plus the writes)\n' "$(echo "$t2 - $t1" | bc)"
[ "$retargeted" -ge "$LINKS" ] || die "expected at least $LINKS links retargeted, got $retargeted"
