#!/bin/sh
# dev.sh: set up a fresh Debian 12 machine, build ntfslinks, and run the demo or the whole test suite.
#
#   ./dev.sh demo    install what is missing, build, build the demo image, run the main job on it
#   ./dev.sh test    install what is missing, build, run every test (plain build, ASan+UBSan build,
#                    the libFuzzer builds of the fuzz targets, then make distcheck)
#   ./dev.sh build   install what is missing and build only
#
# Builds go to build/ (and build-san/ for the sanitizer run), out of the source tree.
set -eu

top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf 'dev.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Debian packages needed to build and to run every test.
DEPS="build-essential autoconf automake autoconf-archive libtool pkg-config
ntfs-3g ntfs-3g-dev check clang libclang-rt-14-dev sleuthkit attr fuse3 xz-utils gzip tar
util-linux python3 rsync time strace
libewf-dev libvhdi-dev libvmdk-dev libqcow-dev ewf-tools qemu-utils
debhelper lintian bash-completion"

install_deps() {
	missing=
	for p in $DEPS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	say "installing Debian packages:$missing"
	if [ "$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; else
		die "not root and no sudo: install these packages first:$missing"
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq || die "apt-get update failed"
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "apt-get install failed for:$missing"
}

bootstrap() {
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
		say "bootstrapping (autoreconf)"
		autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
	fi
}

# configure_in DIR [ARGS...]: configure an out-of-tree build in DIR once.
configure_in() {
	dir=$1; shift
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ configure -nt "$dir/config.status" ]; then
		say "configuring $dir"
		# objects built under an older configuration (static only, other
		# flags) would be linked as they are: start from a clean tree
		[ ! -f "$dir/Makefile" ] || make -C "$dir" clean >/dev/null 2>&1 || true
		(cd "$dir" && "$top/configure" --enable-werror "$@" >configure.out 2>&1) ||
			{ cat "$dir/configure.out" >&2; die "configure failed in $dir"; }
	fi
}

build() {
	install_deps
	bootstrap
	configure_in build
	say "building"
	make -C build -j"$jobs" >build/make.out 2>&1 || { tail -n 60 build/make.out >&2; die "build failed"; }
	grep -i 'warning:' build/make.out >&2 || true
}

# report DIR LABEL: the per-test results and Check summaries of a 'make check' run.
report() {
	dir=$1; label=$2
	for log in $(find "$dir/tests" -name '*.log' ! -name test-suite.log | sort); do
		if grep -q -E '^[0-9]+%: Checks: ' "$log"; then
			echo "$label $(basename "$log" .log) (Check):"
			grep -h -E '^[0-9]+%: Checks: ' "$log"
		fi
		grep -h -E '^SKIP: ' "$log" | sed "s|^|$label |" || true
	done
	grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$dir/test-suite.log" 2>/dev/null |
		sed "s|^|$label |" || true
}

counts() {
	pass=0; failn=0; skipn=0
	for dir in "$@"; do
		[ -f "$dir/test-suite.log" ] || continue
		p=$(sed -n 's/^# PASS: *//p' "$dir/test-suite.log"); pass=$((pass + ${p:-0}))
		for k in FAIL ERROR XPASS; do
			f=$(sed -n "s/^# $k: *//p" "$dir/test-suite.log"); failn=$((failn + ${f:-0}))
		done
		s=$(sed -n 's/^# SKIP: *//p' "$dir/test-suite.log"); skipn=$((skipn + ${s:-0}))
	done
}

run_check() {
	dir=$1; label=$2
	rc=0
	make -C "$dir" -j"$jobs" check >"$dir/check.out" 2>&1 || rc=$?
	grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS): ' "$dir/check.out" | sed "s|^|$label |" || true
	report "$dir" "$label"
	if [ $rc != 0 ]; then
		for log in $(grep -l -E '^(FAIL|ERROR)' "$dir"/tests/*.log 2>/dev/null); do
			say "---- $log"; tail -n 40 "$log" >&2
		done
		tail -n 30 "$dir/check.out" >&2
	fi
	return $rc
}

case "${1:-}" in
build)
	build
	;;
demo)
	build
	say "building the demo image and scanning it"
	make -C build -s demo
	;;
test)
	build
	status=0
	run_check build plain || status=1
	say "sanitizer build (clang, AddressSanitizer + UndefinedBehaviorSanitizer)"
	configure_in build-san CC=clang \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined"
	if make -C build-san -j"$jobs" >build-san/make.out 2>&1; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
			run_check build-san asan+ubsan || status=1
	else
		tail -n 40 build-san/make.out >&2; say "sanitizer build failed"; status=1
	fi
	counts build build-san
	say "libFuzzer builds of the fuzz targets (clang): a short run of each (make fuzz-smoke)"
	if make -C build-san fuzz-smoke >build-san/fuzz.out 2>&1; then
		echo "fuzz PASS: make fuzz-smoke"
		pass=$((pass + 1))
	else
		tail -n 30 build-san/fuzz.out >&2
		echo "fuzz FAIL: make fuzz-smoke"
		failn=$((failn + 1))
	fi
	say "make distcheck (release tarball: build and test it from a separate tree)"
	if make -C build distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >build/distcheck.out 2>&1; then
		echo "distcheck PASS: make distcheck"
		pass=$((pass + 1))
	else
		grep -E '^(FAIL|ERROR): ' build/distcheck.out | sed 's/^/distcheck /' || true
		tail -n 30 build/distcheck.out >&2
		echo "distcheck FAIL: make distcheck"
		failn=$((failn + 1))
	fi
	echo "tests: $pass passed, $failn failed, $skipn skipped"
	[ "$failn" = 0 ] || status=1
	exit $status
	;;
*)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && exit 0
	exit 2
	;;
esac
