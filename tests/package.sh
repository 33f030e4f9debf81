#!/bin/sh
# package.sh: debian/ builds the three packages (dpkg-buildpackage -us -uc -b on a copy of the git tree, tests not run again) with the files each must hold, and lintian finds no error in them.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

# The suite runs three times (plain, sanitizers, distcheck): the package is
# built once, by the plain run, from the git checkout.
[ -z "${ASAN_OPTIONS-}" ] || skip "the sanitizer run: the package is built by the plain run only"
SRC=$(cd "$TESTS_SRCDIR/.." && pwd)
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 ||
	skip "not a git checkout (make distcheck): the package is built from the git tree"
need_cmd git dpkg-buildpackage dh dh_autoreconf lintian dpkg-deb
dpkg-checkbuilddeps "$SRC/debian/control" >"$T_TMP/deps" 2>&1 ||
	skip "build dependencies missing: $(sed -n 's/.*Unmet build dependencies: //p' "$T_TMP/deps")"

# the tree as it is in the work tree: tracked and new files, not ignored ones
mkdir "$T_TMP/ntfslinks"
(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
	tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$T_TMP/ntfslinks" -xf - ||
	{ echo "FAIL: copying the tree"; exit 99; }

cd "$T_TMP/ntfslinks" || exit 99
DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" dpkg-buildpackage -us -uc -b >"$T_TMP/build.log" 2>&1
rc=$?
expect_eq "dpkg-buildpackage -us -uc -b" 0 "$rc"
[ "$rc" = 0 ] || { tail -n 40 "$T_TMP/build.log"; finish; }
cd "$T_TMP" || exit 99
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
expect_eq "the packages" "libntfslinks-dev_0.1.0_$ARCH.deb
libntfslinks0_0.1.0_$ARCH.deb
ntfslinks_0.1.0_$ARCH.deb" "$(ls ./*.deb | sed 's|^\./||' | LC_ALL=C sort)"

# has DEB PATH...: the package holds each PATH
has() {
	deb=$1; shift
	dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T_TMP/list"
	for p in "$@"; do
		grep -qxF "$p" "$T_TMP/list" && ok || fail "$deb does not hold $p"
	done
}
has "ntfslinks_0.1.0_$ARCH.deb" /usr/bin/ntfslinks \
	/usr/share/man/man1/ntfslinks.1.gz /usr/share/man/man1/ntfslinks-mkimage.1.gz \
	/usr/share/man/man1/ntfslinks-copy.1.gz /usr/share/man/man1/ntfslinks-audit.1.gz \
	/usr/share/bash-completion/completions/ntfslinks
has "libntfslinks0_0.1.0_$ARCH.deb" "/usr/lib/$MA/libntfslinks.so.0" "/usr/lib/$MA/libntfslinks.so.0.0.0"
has "libntfslinks-dev_0.1.0_$ARCH.deb" /usr/include/ntfslinks/ntfslinks.h \
	/usr/include/ntfslinks/build.h "/usr/lib/$MA/libntfslinks.so" "/usr/lib/$MA/libntfslinks.a" \
	"/usr/lib/$MA/pkgconfig/ntfslinks.pc" /usr/share/man/man3/ntfslinks.3.gz
# the library alone in the library package, the program alone in its own
expect_eq "the library package holds no program" "" \
	"$(dpkg-deb -c "libntfslinks0_0.1.0_$ARCH.deb" | grep -E '/bin/|/include/')"
expect_eq "the program depends on the library" "1" \
	"$(dpkg-deb -f "ntfslinks_0.1.0_$ARCH.deb" Depends | grep -c 'libntfslinks0')"

lintian --tag-display-limit 0 "ntfslinks_0.1.0_$ARCH.changes" >"$T_TMP/lintian" 2>&1
expect_eq "lintian: no errors" "" "$(grep '^E:' "$T_TMP/lintian")"

finish
