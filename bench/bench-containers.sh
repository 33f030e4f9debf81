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
# ratio to the raw image's best, the median wall time and its ratio to the
# raw image's median, and the CPU time (user + system) of the best run and
# its ratio, which depends less on other load.  The three are timed in turn
# in each round (a load that changes falls on all three).  Size-MB is the
# space on disk (the raw image is sparse; every segment of the E01).  Not
# run by 'make check'.
#
# Environment:
#   FILES    files in the bulk image               (default 1000000)
#   SEED     bulk seed                              (default 1)
#   WORKDIR  where images are kept between runs     (default $BUILD_DIR/bench-images)
#   RUNS     timed runs of each input               (default 3)
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

# timed CONTAINER: "wall cpu" seconds of one scan of CONTAINER (cpu: user +
# system of every thread; output discarded)
timed() {
	/usr/bin/time -f '%e %U %S' -o "$tmp/t" "$ntfslinks" scan --json "$1" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; die "failed: scan $1"; }
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$tmp/t"
}
# median FILE: the median of the first column of FILE (one "WALL CPU" a line)
median() {
	sort -n "$1" | awk '{ w[NR] = $1 } END { if (NR % 2) print w[(NR + 1) / 2]; else printf "%.2f\n", (w[NR / 2] + w[NR / 2 + 1]) / 2 }'
}

# RUNS rounds, each timing the three inputs one after the other, so that a
# change of the machine's load falls on all three alike
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$tmp/img.times"
: >"$tmp/E01.times"
: >"$tmp/qcow2.times"
i=0
while [ $i -lt "$RUNS" ]; do
	timed "$img" >>"$tmp/img.times"
	timed "$base.E01" >>"$tmp/E01.times"
	timed "$base.qcow2" >>"$tmp/qcow2.times"
	i=$((i + 1))
done
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# the fastest run of each input ("WALL CPU") and the median wall time
best() { sort -n "$tmp/$1.times" | head -n 1; }
raw_s=$(best img)
raw_med=$(median "$tmp/img.times")
printf '%-8s %10s %8s %8s %8s %8s %8s %8s\n' input size-MB scan-s ratio median med-ratio cpu-s cpu-ratio
for c in "$img" "$base.E01" "$base.qcow2"; do
	case $c in
	*.E01) mb=$(du -cmL "$base".E[0-9][0-9] | tail -n 1 | cut -f1) ;;
	*) mb=$(du -mL "$c" | cut -f1) ;;
	esac
	s=$(best "${c##*.}")
	med=$(median "$tmp/${c##*.}.times")
	printf '%-8s %10s %8s %8s %8s %8s %8s %8s\n' "${c##*.}" "$mb" "${s% *}" \
		"$(awk "BEGIN{ if (${raw_s% *} > 0) printf \"%.2f\", ${s% *} / ${raw_s% *}; else print \"-\" }")" \
		"$med" "$(awk "BEGIN{ if ($raw_med > 0) printf \"%.2f\", $med / $raw_med; else print \"-\" }")" \
		"${s#* }" \
		"$(awk "BEGIN{ if (${raw_s#* } > 0) printf \"%.2f\", ${s#* } / ${raw_s#* }; else print \"-\" }")"
done
