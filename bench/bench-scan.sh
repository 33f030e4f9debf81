#!/bin/sh
# bench-scan.sh: time the one-pass scan against fls and ntfscat on bulk images (warm cache), with peak RSS and scaling.
#
#   bench/bench-scan.sh [BUILD_DIR]
#
# BUILD_DIR is an out-of-tree build (default: build/ next to this script's
# parent).  Environment:
#   SIZES   file counts of the bulk images     (default "100000 1000000")
#   SEED    bulk seed                           (default 1)
#   WORKDIR where images are kept between runs  (default $BUILD_DIR/bench-images)
#   RUNS    timed runs per command, best taken  (default 3)
#   NO_FLS  set to skip fls (it takes minutes on 1M files)
#   BASELINE another build's ntfslinks program (e.g. of an earlier version):
#           timed in the same run, interleaved with this one, and shown as
#           base-s and base/scan, so that a change is judged side by side
#           under the same load
#
# Targets (issue 3): scan >= 20x faster than 'fls -r -p', no slower than
# 'ntfscat IMAGE $MFT', peak RSS <= 96 MB on 1M files, time(1M)/time(100k) <= 11.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
build=$(cd "$build" && pwd)
SIZES=${SIZES:-"100000 1000000"}
SEED=${SEED:-1}
WORKDIR=${WORKDIR:-$build/bench-images}
RUNS=${RUNS:-3}
BASELINE=${BASELINE:-}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench-scan: $*"; exit 1; }

mkfixture=$build/fixtures/mkfixture
ntfslinks=$build/src/cli/ntfslinks
scandump=$build/tests/scandump
[ -x "$mkfixture" ] || die "$mkfixture not built (make -C $build)"
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || die "BASELINE $BASELINE is not a program"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"
command -v ntfscat >/dev/null || die "ntfscat missing: apt-get install ntfs-3g"
have_fls=yes
command -v fls >/dev/null || have_fls=no
[ -n "${NO_FLS:-}" ] && have_fls=no

# The scan command if the program has it, else the library driver used by the tests.
[ -x "$scandump" ] || make -C "$build" tests/scandump >/dev/null
if [ -x "$ntfslinks" ] && "$ntfslinks" help scan >/dev/null 2>&1; then
	scan_name="ntfslinks scan --json"
else
	scan_name="scandump -s (library scan + every group and reparse path)"
fi

mkdir -p "$WORKDIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# measure NAME CMD...: best wall time (s) and its peak RSS (KB) over RUNS runs,
# stdout to /dev/null.  Sets $best_s and $best_kb.
measure() {
	best_s=; best_kb=
	i=0
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
			{ cat "$tmp/err" >&2; die "failed: $*"; }
		read -r s kb <"$tmp/t"
		if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then
			best_s=$s; best_kb=$kb
		fi
		i=$((i + 1))
	done
}

ratio() { awk "BEGIN{ if ($2 > 0) printf \"%.1f\", $1 / $2; else print \"inf\" }"; }

printf '%-10s %-12s %8s %8s %8s %8s %10s %8s %8s %10s %12s %8s %10s\n' files mft-records lib-s lib-MB \
	scan-s scan-MB ntfscat-s fls-s fls-MB fls/scan ntfscat/scan base-s base/scan
prev_n=; prev_s=; prev_lib=
for n in $SIZES; do
	img=$WORKDIR/bulk-$n-$SEED.img
	if [ ! -f "$img" ]; then
		say "bench-scan: building $img"
		"$mkfixture" --bulk "$n" --seed "$SEED" "$img" >&2
	fi
	# warm the page cache with the whole image (sparse: only data is read)
	cat "$img" >/dev/null
	records=$("$scandump" -q "$img" | sed -n 's/^records \([0-9]*\) .*/\1/p')

	measure ntfscat "$img" '$MFT'; cat_s=$best_s
	measure "$scandump" -q "$img"; lib_s=$best_s; lib_kb=$best_kb
	if [ "$scan_name" = "ntfslinks scan --json" ]; then
		measure "$ntfslinks" scan --json "$img"
	else
		measure "$scandump" -s "$img"
	fi
	scan_s=$best_s; scan_kb=$best_kb
	base_s=-; r_base=-
	if [ -n "$BASELINE" ]; then
		measure "$BASELINE" scan --json "$img"; base_s=$best_s
		# this build once more, so that both saw the same load
		measure "$ntfslinks" scan --json "$img"
		awk "BEGIN{exit !($best_s < $scan_s)}" && { scan_s=$best_s; scan_kb=$best_kb; }
		r_base=$(ratio "$base_s" "$scan_s")
	fi
	fls_s=-; fls_kb=-; r_fls=-
	if [ $have_fls = yes ]; then
		RUNS_SAVE=$RUNS; RUNS=1
		measure fls -r -p "$img"; fls_s=$best_s; fls_kb=$best_kb
		RUNS=$RUNS_SAVE
		r_fls=$(ratio "$fls_s" "$scan_s")
	fi
	printf '%-10s %-12s %8s %8s %8s %8s %10s %8s %8s %10s %12s %8s %10s\n' "$n" "$records" "$lib_s" \
		"$((lib_kb / 1024))" "$scan_s" "$((scan_kb / 1024))" "$cat_s" "$fls_s" \
		"$( [ "$fls_kb" = - ] && echo - || echo $((fls_kb / 1024)))" "$r_fls" \
		"$(ratio "$cat_s" "$scan_s")" "$base_s" "$r_base"
	if [ -n "$prev_n" ]; then
		printf 'scaling %s -> %s files (x%s): scan time x%s, lib time x%s\n' "$prev_n" "$n" \
			"$(ratio "$n" "$prev_n")" "$(ratio "$scan_s" "$prev_s")" "$(ratio "$lib_s" "$prev_lib")"
	fi
	prev_n=$n; prev_s=$scan_s; prev_lib=$lib_s
done
printf 'lib: the library scan alone (tests/scandump -q); scan: %s\n' "$scan_name"
printf 'best of %s runs, warm cache; fls once; MB = peak RSS\n' "$RUNS"
[ -z "$BASELINE" ] || printf 'base: %s scan --json (base/scan > 1: this build is faster)\n' "$BASELINE"
