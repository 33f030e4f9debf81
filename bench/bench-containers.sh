#!/bin/sh
# bench-containers.sh: time 'ntfslinks scan --json' on a bulk image read raw, inside an uncompressed E01 and inside a QCOW2 (warm cache).
#
#   bench/bench-containers.sh [BUILD_DIR]
#
# BUILD_DIR is an out-of-tree build (default: build/ next to this script's
# parent).  Builds (once, kept in WORKDIR) the bulk image with
# 'mkfixture --bulk FILES --seed SEED', its E01 with 'ewfacquire -u -c none'
# and its QCOW2 with 'qemu-img convert -O qcow2', checks that the three scans
# print the same, then prints the best wall time of RUNS runs of each and its
# ratio to the raw image's.  Not run by 'make check'.
#
# Environment:
#   FILES    files in the bulk image               (default 1000000)
#   SEED     bulk seed                              (default 1)
#   WORKDIR  where images are kept between runs     (default $BUILD_DIR/bench-images)
#   RUNS     timed runs per container, best taken   (default 3)
#
# Target (issue 11): E01 and QCOW2 within 1.5x of the raw image's time.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
build=$(cd "$build" && pwd)
FILES=${FILES:-1000000}
SEED=${SEED:-1}
WORKDIR=${WORKDIR:-$build/bench-images}
RUNS=${RUNS:-3}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench-containers: $*"; exit 1; }

mkfixture=$build/fixtures/mkfixture
ntfslinks=$build/src/cli/ntfslinks
[ -x "$mkfixture" ] && [ -x "$ntfslinks" ] || die "build first: make -C $build"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"
command -v ewfacquire >/dev/null || die "ewfacquire missing: apt-get install ewf-tools"
command -v qemu-img >/dev/null || die "qemu-img missing: apt-get install qemu-utils"
formats=$("$ntfslinks" --version | sed -n 's/^image formats: //p')
case $formats in *ewf*qcow*) ;; *) die "this build reads only: $formats (needs libewf and libqcow)" ;; esac

mkdir -p "$WORKDIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

base=$WORKDIR/bulk-$FILES-$SEED
img=$base.img
if [ ! -f "$img" ]; then
	say "building $img"
	"$mkfixture" --bulk "$FILES" --seed "$SEED" "$img" >&2
fi
if [ ! -f "$base.E01" ]; then
	say "building $base.E01 (uncompressed)"
	ewfacquire -u -t "$base" -f encase6 -c none "$img" >/dev/null ||
		die "ewfacquire failed"
fi
if [ ! -f "$base.qcow2" ]; then
	say "building $base.qcow2"
	qemu-img convert -O qcow2 "$img" "$base.qcow2" || die "qemu-img failed"
fi

# the same answer from all three (the image's name aside)
"$ntfslinks" scan --json "$img" >"$tmp/raw"
for c in "$base.E01" "$base.qcow2"; do
	"$ntfslinks" scan --json "$c" | sed "s|$c|$img|g" >"$tmp/c"
	cmp -s "$tmp/raw" "$tmp/c" || die "scan of $c differs from the raw image's"
done

# best wall time of RUNS runs of a scan of $1 (output discarded)
best() {
	b=
	i=0
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f '%e' -o "$tmp/t" "$ntfslinks" scan --json "$1" >/dev/null 2>"$tmp/err" ||
			{ cat "$tmp/err" >&2; die "failed: scan $1"; }
		s=$(cat "$tmp/t")
		if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; fi
		i=$((i + 1))
	done
	echo "$b"
}

raw_s=$(best "$img")
printf '%-8s %10s %8s %8s\n' input size-MB scan-s ratio
for c in "$img" "$base.E01" "$base.qcow2"; do
	s=$raw_s
	[ "$c" = "$img" ] || s=$(best "$c")
	mb=$(du -m "$c" | cut -f1)
	printf '%-8s %10s %8s %8s\n' "${c##*.}" "$mb" "$s" \
		"$(awk "BEGIN{ if ($raw_s > 0) printf \"%.2f\", $s / $raw_s; else print \"-\" }")"
done
