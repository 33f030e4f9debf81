#!/bin/sh
# bench-copy.sh: time 'ntfslinks copy' image to image against rsync, cp -a, wimlib and a tmpfs cp -a (warm cache), with peak RSS.
#
#   bench/bench-copy.sh [BUILD_DIR]
#
# BUILD_DIR is an out-of-tree build (default: build/ next to this script's
# parent).  Builds (once, kept in WORKDIR) a bulk source image with
# 'mkfixture --bulk FILES --seed SEED --avg-size AVG_SIZE' (hardlinks,
# junctions, symlinks, DOS names, streams, deleted records), then, page cache
# warm, copies its whole tree into a freshly formatted image of the same size
# with each method and prints one table:
#
#   ntfslinks   ntfslinks copy SRC.img:/ DST.img:/tree
#   rsync       ntfs-3g mounts of SRC (ro) and DST, rsync -aHAX, unmount
#   cp          the same with cp -a
#   wimlib      wimcapture SRC.img X.wim --compress=none; wimapply X.wim 1 DST.img
#   tmpfs       cp -a of the extracted tree between two folders on tmpfs
#   baseline    the same copy by another build's program (BASELINE), in the
#               same rounds, so that a change is judged side by side
#   rss         ntfslinks copy of a second source with the same tree and files
#               8x smaller on average: peak RSS must not grow with file sizes
#
# Mounts, unmounts and the ntfs-3g daemons' exit are inside the timed part
# for rsync and cp; formatting DST (mkntfs) is outside for every method.
# Each timed run starts after 'sync' and with the source image read once.
# wall-s is elapsed time; cpu-s is user + system time of every process the
# method ran (ntfs-3g daemons and wimlib included), a figure that depends
# less on other load on the machine. The targets are judged on wall time.
#
# Environment:
#   FILES     files in the source image                   (default 50000)
#   AVG_SIZE  mean file size in bytes (--avg-size)        (default 30000, ~1.5 GB)
#   SEED      bulk seed                                   (default 1)
#   WORKDIR   where images are kept between runs          (default $BUILD_DIR/bench-images)
#   RUNS      rounds (each method once per round, so all see the same
#             background load); the best round per method counts (default 1)
#   SKIP      methods to leave out: rsync cp wimlib tmpfs rss (default none)
#   BASELINE  another build's ntfslinks program (e.g. of an earlier version) to
#             time as the method 'baseline'                (default none)
#   TMPFS     a tmpfs folder to use for 'tmpfs'           (default: mount one if root,
#             else /dev/shm)
#
# Targets (issue 4): ntfslinks >= 10x faster than rsync, faster than cp -a,
# >= 2x faster than wimlib, at most 3x the time of the tmpfs cp -a, and peak
# RSS not growing with file sizes (here: at most 10% + 4 MB more for 8x larger
# files).
#
# Bench-only dependencies (not needed to build or test ntfslinks; Debian
# packages): time, ntfs-3g (mkntfs, ntfs-3g), rsync, coreutils, util-linux
# (mountpoint, umount), wimtools (wimcapture, wimapply). rsync and cp need root
# and /dev/fuse; methods whose tools or privileges are missing are skipped with
# the reason.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
build=$(cd "$build" && pwd)
FILES=${FILES:-50000}
AVG_SIZE=${AVG_SIZE:-30000}
SEED=${SEED:-1}
WORKDIR=${WORKDIR:-$build/bench-images}
RUNS=${RUNS:-1}
SKIP=${SKIP:-}
TMPFS=${TMPFS:-}
BASELINE=${BASELINE:-}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench-copy: $*"; exit 1; }

mkfixture=$build/fixtures/mkfixture
ntfslinks=$build/src/cli/ntfslinks
[ -x "$mkfixture" ] || die "$mkfixture not built (make -C $build)"
[ -x "$ntfslinks" ] || die "$ntfslinks not built (make -C $build)"
"$ntfslinks" help copy >/dev/null 2>&1 || die "$ntfslinks has no copy command"
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || die "BASELINE $BASELINE is not a program"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"
command -v mkntfs >/dev/null || die "mkntfs missing: apt-get install ntfs-3g"

skipped=
# skip METHOD REASON
skip() { skipped="$skipped$1: $2
"; }
wanted() { case " $SKIP " in *" $1 "*) return 1 ;; esac; return 0; }

for m in rsync cp wimlib tmpfs rss; do
	wanted $m || skip $m "SKIP"
done
need_mounts() {
	wanted "$1" || return 1
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
		skip "$1" "needs root and /dev/fuse for ntfs-3g mounts"; return 1
	fi
	command -v ntfs-3g >/dev/null || { skip "$1" "ntfs-3g missing: apt-get install ntfs-3g"; return 1; }
	command -v mountpoint >/dev/null || { skip "$1" "mountpoint missing: apt-get install util-linux"; return 1; }
	return 0
}
do_rsync=no; do_cp=no; do_wim=no; do_tmpfs=no; do_rss=no
if need_mounts rsync; then
	if command -v rsync >/dev/null; then do_rsync=yes
	else skip rsync "rsync missing: apt-get install rsync"; fi
fi
need_mounts cp && do_cp=yes
if wanted wimlib; then
	if command -v wimcapture >/dev/null && command -v wimapply >/dev/null; then do_wim=yes
	else skip wimlib "wimcapture/wimapply missing: apt-get install wimtools"; fi
fi
wanted tmpfs && do_tmpfs=yes
wanted rss && do_rss=yes

mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
tmp=$(mktemp -d)
mnt_pids=
own_tmpfs=
cleanup() {
	set +e
	for d in "$tmp/m-src" "$tmp/m-dst"; do
		mountpoint -q "$d" 2>/dev/null && umount "$d"
	done
	for p in $mnt_pids; do wait "$p" 2>/dev/null; done
	if [ -n "$own_tmpfs" ] && mountpoint -q "$own_tmpfs"; then umount "$own_tmpfs"; fi
	rm -rf "$tmp" "$WORKDIR/bench-copy-dst.img" "$WORKDIR/bench-copy.wim"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

src=$WORKDIR/copy-$FILES-$SEED-$AVG_SIZE.img
src_small=$WORKDIR/copy-$FILES-$SEED-$((AVG_SIZE / 8)).img
dst=$WORKDIR/bench-copy-dst.img
wim=$WORKDIR/bench-copy.wim

build_src() { # IMAGE AVG
	if [ ! -f "$1" ]; then
		say "bench-copy: building $1"
		/usr/bin/time -f '%e' -o "$tmp/bt" "$mkfixture" --bulk "$FILES" --seed "$SEED" \
			--avg-size "$2" "$1" >&2
		say "bench-copy: built in $(cat "$tmp/bt") s"
	fi
}
build_src "$src" "$AVG_SIZE"
[ $do_rss = yes ] && build_src "$src_small" $((AVG_SIZE / 8))
imgsize=$(stat -c %s "$src")

fresh_dst() {
	rm -f "$dst"
	truncate -s "$imgsize" "$dst"
	mkntfs -F -f -q -T "$dst" >"$tmp/mkntfs.log" 2>&1 ||
		{ cat "$tmp/mkntfs.log" >&2; die "mkntfs $dst failed"; }
}
warm() { cat "$src" >/dev/null; sync; }
now() { date +%s.%N; }
sub() { awk "BEGIN{printf \"%.2f\", $1 - $2}"; }

# mount_ntfs IMAGE DIR [ro]: an ntfs-3g mount whose daemon we can wait for.
mount_ntfs() {
	mkdir -p "$2"
	ntfs-3g -o "no_detach${3:+,$3}" "$1" "$2" >>"$tmp/ntfs-3g.log" 2>&1 &
	mnt_pids="$mnt_pids $!"
	eval "pid_$(basename "$2" | tr - _)=$!"
	n=0
	until mountpoint -q "$2"; do
		n=$((n + 1))
		[ $n -lt 500 ] || die "ntfs-3g mount of $1 did not appear (see $tmp/ntfs-3g.log)"
		sleep 0.01
	done
}
# umount_ntfs DIR: unmount and wait until the daemon has written and exited.
umount_ntfs() {
	umount "$1"
	eval "p=\$pid_$(basename "$1" | tr - _)"
	wait "$p" || say "bench-copy: ntfs-3g for $1 exited with status $?"
}

# CPU seconds (user + system) of everything the shell has waited for so far:
# with the ntfs-3g daemons and wimlib's programs, they count too.
# ('times' must run in this shell, not in a command substitution.)
cpu_read() {
	awk 'END { t = 0; for (i = 1; i <= NF; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
		printf "%.2f", t }' "$tmp/times"
}
# timer_start / timer_stop: wall and CPU time of the part in between (run_s, run_cpu)
timer_start() { times >"$tmp/times"; c0=$(cpu_read); t0=$(now); }
timer_stop() { run_s=$(sub "$(now)" "$t0"); times >"$tmp/times"; run_cpu=$(sub "$(cpu_read)" "$c0"); }

run_ntfslinks() { # [SOURCE_IMAGE [PROGRAM]]
	s=${1:-$src}
	fresh_dst; cat "$s" >/dev/null; sync
	timer_start
	/usr/bin/time -f '%e %M' -o "$tmp/t" "${2:-$ntfslinks}" copy "$s:/" "$dst:/tree" \
		>"$tmp/ntfslinks.out" 2>"$tmp/ntfslinks.err" || run_st=$?
	timer_stop
	read -r run_s run_kb <"$tmp/t"
	[ $run_st = 0 ] || { say "bench-copy: ntfslinks copy exit $run_st:"; tail -5 "$tmp/ntfslinks.err" >&2; }
}
run_rss_small() { run_ntfslinks "$src_small"; }
run_baseline() { run_ntfslinks "$src" "$BASELINE"; }
run_mounted() { # TOOL: rsync or cp between two ntfs-3g mounts
	fresh_dst; warm
	timer_start
	mount_ntfs "$src" "$tmp/m-src" ro
	mount_ntfs "$dst" "$tmp/m-dst"
	mkdir "$tmp/m-dst/tree"
	if [ "$1" = rsync ]; then
		rsync -aHAX "$tmp/m-src/" "$tmp/m-dst/tree/" 2>"$tmp/$1.err" || run_st=$?
	else
		cp -a "$tmp/m-src/." "$tmp/m-dst/tree/" 2>"$tmp/$1.err" || run_st=$?
	fi
	umount_ntfs "$tmp/m-src"
	umount_ntfs "$tmp/m-dst"
	timer_stop
	[ $run_st = 0 ] || { say "bench-copy: $1 exit $run_st:"; tail -3 "$tmp/$1.err" >&2; }
}
run_rsync() { run_mounted rsync; }
run_cp() { run_mounted cp; }
run_wimlib() {
	fresh_dst; rm -f "$wim"; warm
	timer_start
	wimcapture "$src" "$wim" --compress=none >"$tmp/wim.out" 2>&1 || run_st=$?
	[ $run_st != 0 ] || wimapply "$wim" 1 "$dst" >>"$tmp/wim.out" 2>&1 || run_st=$?
	timer_stop
	[ $run_st = 0 ] || { say "bench-copy: wimlib exit $run_st:"; tail -3 "$tmp/wim.out" >&2; }
	rm -f "$wim"
}
run_tmpfs() {
	rm -rf "$tfs/b"; mkdir "$tfs/b"; sync
	timer_start
	cp -a "$tfs/a/tree" "$tfs/b/tree" 2>"$tmp/tmpfs.err" || run_st=$?
	timer_stop
	[ $run_st = 0 ] || { say "bench-copy: tmpfs cp -a exit $run_st:"; tail -3 "$tmp/tmpfs.err" >&2; }
}

# one METHOD: run it once and keep the best wall time (with its CPU, RSS, status)
one() {
	run_s=; run_cpu=; run_kb=-; run_st=0
	"run_$1"
	say "bench-copy: $1: $run_s s, cpu $run_cpu s (exit $run_st; load $(cut -d' ' -f1-3 /proc/loadavg))"
	eval "b=\${best_$1:-}"
	if [ -z "$b" ] || awk "BEGIN{exit !($run_s < $b)}"; then
		eval "best_$1=\$run_s cpu_$1=\$run_cpu kb_$1=\$run_kb st_$1=\$run_st"
	fi
}

say "bench-copy: source $src ($FILES files, avg-size $AVG_SIZE, image $((imgsize >> 20)) MiB)"
methods=ntfslinks
[ -z "$BASELINE" ] || methods="$methods baseline"
[ $do_rsync = no ] || methods="$methods rsync"
[ $do_cp = no ] || methods="$methods cp"
[ $do_wim = no ] || methods="$methods wimlib"
if [ $do_tmpfs = yes ]; then
	methods="$methods tmpfs"
	tfs=$TMPFS
	if [ -z "$tfs" ]; then
		if [ "$(id -u)" = 0 ]; then
			tfs=$tmp/tmpfs; mkdir "$tfs"
			mount -t tmpfs -o size=$((imgsize * 2 / 1048576 + 256))m bench-copy "$tfs"
			own_tmpfs=$tfs
		else
			tfs=/dev/shm/bench-copy.$$; mkdir "$tfs"
		fi
	fi
	[ "$(stat -f -c %T "$tfs")" = tmpfs ] || say "bench-copy: warning: $tfs is not tmpfs"
	rm -rf "$tfs/a" "$tfs/b"; mkdir "$tfs/a"
	# the extracted tree: the same files, hardlinks and links, as Linux sees them
	"$ntfslinks" copy "$src:/" "$tfs/a/tree" >/dev/null 2>"$tmp/extract.err" ||
		say "bench-copy: extracting the tree to tmpfs: exit $? ($(tail -n 1 "$tmp/extract.err"))"
	tree_mb=$(du -sm "$tfs/a/tree" | cut -f1)
	tree_n=$(find "$tfs/a/tree" | wc -l)
fi
# Rounds: every method once per round, so that all of them see the same
# background load; the best round of each counts.
round=1
while [ $round -le "$RUNS" ]; do
	for m in $methods; do one "$m"; done
	[ $round -gt 1 ] || summary=$(tail -n 1 "$tmp/ntfslinks.out")
	round=$((round + 1))
done
if [ $do_tmpfs = yes ]; then
	rm -rf "$tfs/a" "$tfs/b"
	[ -n "$own_tmpfs" ] || [ -n "$TMPFS" ] || rmdir "$tfs"
fi
[ $do_rss = no ] || { methods="$methods rss_small"; one rss_small; }

# Results: one line per method in $tmp/res: NAME SECONDS RSS_KB STATUS CPU
: >"$tmp/res"
for m in $methods; do
	eval "printf '%s %s %s %s %s\n' $m \"\$best_$m\" \"\$kb_$m\" \"\$st_$m\" \"\$cpu_$m\"" >>"$tmp/res"
done

# ---- the table ---------------------------------------------------------------
get() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$tmp/res"; }
ratio() { awk "BEGIN{ if ($2 > 0) printf \"%.1f\", $1 / $2; else print \"inf\" }"; }
verdict() { awk "BEGIN{ print ($1) ? \"met\" : \"NOT met\" }"; }

nl_s=$(get ntfslinks 2); nl_kb=$(get ntfslinks 3); nl_cpu=$(get ntfslinks 5)
echo
printf 'source: %s files (bulk seed %s, avg-size %s), %s; image %s MiB\n' "$FILES" "$SEED" \
	"$AVG_SIZE" "${tree_mb:+extracted tree $tree_mb MiB, $tree_n paths}" "$((imgsize >> 20))"
printf 'ntfslinks copy summary: %s\n' "$summary"
printf '%s, best of %s run(s), page cache warm, load %s\n\n' "$(date -u +%Y-%m-%d)" "$RUNS" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-33s %8s %7s %7s %5s  %-38s %s\n' method wall-s cpu-s RSS-MB exit \
	"ratio (wall; cpu)" "target (wall)"
line() { # NAME LABEL RATIO_TEXT TARGET_TEXT
	s=$(get "$1" 2); [ -n "$s" ] || return 0
	kb=$(get "$1" 3); st=$(get "$1" 4)
	printf '%-33s %8s %7s %7s %5s  %-38s %s\n' "$2" "$s" "$(get "$1" 5)" \
		"$( [ "$kb" = - ] && echo - || echo $((kb / 1024)))" "$st" "$3" "$4"
}
# rt OTHER: "OTHER/ntfslinks" as "wall; cpu"
rt() { printf '%s; %s' "$(ratio "$(get "$1" 2)" "$nl_s")" "$(ratio "$(get "$1" 5)" "$nl_cpu")"; }
line ntfslinks "ntfslinks copy (image -> image)" "-" ""
if [ -n "$(get baseline 2)" ]; then
	line baseline "BASELINE ntfslinks copy" "baseline/ntfslinks = $(rt baseline)" ""
fi
if [ -n "$(get rsync 2)" ]; then
	line rsync "rsync -aHAX (ntfs-3g mounts)" "rsync/ntfslinks = $(rt rsync)" \
		">= 10: $(verdict "$(get rsync 2) >= 10 * $nl_s")"
fi
if [ -n "$(get cp 2)" ]; then
	line cp "cp -a (ntfs-3g mounts)" "cp/ntfslinks = $(rt cp)" \
		"> 1: $(verdict "$(get cp 2) > $nl_s")"
fi
if [ -n "$(get wimlib 2)" ]; then
	line wimlib "wimcapture + wimapply (none)" "wimlib/ntfslinks = $(rt wimlib)" \
		">= 2: $(verdict "$(get wimlib 2) >= 2 * $nl_s")"
fi
if [ -n "$(get tmpfs 2)" ]; then
	line tmpfs "cp -a tmpfs -> tmpfs" \
		"ntfslinks/tmpfs = $(ratio "$nl_s" "$(get tmpfs 2)"); $(ratio "$nl_cpu" "$(get tmpfs 5)")" \
		"<= 3: $(verdict "$nl_s <= 3 * $(get tmpfs 2)")"
fi
if [ -n "$(get rss_small 2)" ]; then
	sk=$(get rss_small 3)
	line rss_small "ntfslinks copy, files 8x smaller" \
		"peak RSS large/small = $(ratio "$nl_kb" "$sk")" \
		"flat: $(verdict "$nl_kb <= $sk * 1.1 + 4096")"
fi
[ -z "$skipped" ] || printf '\nskipped:\n%s' "$skipped"
failed=$(awk '$4 != 0 { printf " %s", $1 }' "$tmp/res")
[ -z "$failed" ] || printf '\nnon-zero exit status:%s (the time still counts; see the messages above)\n' "$failed"
exit 0
