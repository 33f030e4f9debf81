#!/bin/sh
# fault-copy.sh: a copy that is killed (SIGKILL) midway into a plain Linux folder leaves no file under its real name that is not complete (files are written under .ntfslinks-PID-N.tmp and renamed when complete) and its folder marked with .ntfslinks-partial; the same command run again completes it (diff equal, nothing left over); killed midway into an image, the same; the same into a folder that exists already (the folder made there is marked, and run again, the copy takes its place instead of going beside it); killed as it makes its folder in a Linux folder (made under a temporary name, marked, then renamed), the run again removes the temporary folder and copies; a copy into an image whose device fails (ENOSPC, EIO injected at each write in turn) says so and never touches the source.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

FAULTCOPY=${FAULTCOPY:-$(dirname "$NTFSLINKS")/../../tests/faultcopy}
[ -x "$FAULTCOPY" ] || skip "tests/faultcopy is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"

cat >"$T_TMP/src.spec" <<'EOF'
image size=32M
default-time 2016-01-02T03:04:05Z
dir /src
dir /src/sub
file /src/big{1..6}.bin size=2M pattern=0123456789abcdef
file /src/small{1..20}.txt text="small\n"
file /src/sub/s.txt text="s\n"
link /src/big1.bin /src/sub/big1-link.bin
EOF
build_fixture "$T_TMP/src.spec" "$T_TMP/src.img"
h=$(hash_of "$T_TMP/src.img")

# ---- into a Linux folder, killed at increasing delays
run_nl copy "$T_TMP/src.img:/src" "$T_TMP/ref"
expect_rc "reference copy" 0
expect_eq "reference copy: no temporary file left" "" \
	"$(find "$T_TMP/ref" -name '.ntfslinks-*' | head -n 1)"
interrupted=0
# Each copy is killed as soon as a temporary file shows in its destination
# (the copy is then in the middle of a file); a copy that ends first is
# tried again (at most 40 tries).
i=0
while [ "$i" -lt 40 ] && [ "$interrupted" -lt 3 ]; do
	i=$((i + 1))
	d="$T_TMP/k$i"
	"$NTFSLINKS" copy "$T_TMP/src.img:/src" "$d" >/dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		[ -n "$(find "$d" -name '.ntfslinks-*.tmp' 2>/dev/null | head -n 1)" ] && break
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ -d "$d" ] || continue
	# every file under a real name is the reference file; others are temporary
	bad=$(cd "$d" && find . -type f | while IFS= read -r f; do
		case ${f##*/} in
		.ntfslinks-*-*.tmp) ;;
		.ntfslinks-partial) [ "$f" = ./.ntfslinks-partial ] || echo "$f" ;;
		*) cmp -s "$f" "$T_TMP/ref/$f" || echo "$f" ;;
		esac
	done)
	expect_eq "killed copy $i: no incomplete file under its name" "" "$bad"
	if [ "$(cd "$d" && find . -type f ! -name '.ntfslinks-*' | wc -l)" -lt 28 ]; then
		interrupted=$((interrupted + 1))
		expect_eq "killed copy $i: the folder is marked unfinished" "$d/.ntfslinks-partial" \
			"$(ls -d "$d/.ntfslinks-partial" 2>&1)"
	fi
	# the same command again removes what was left and completes the copy (a copy that
	# ended before it was killed is finished: run again, it would go inside, as cp does)
	if [ -f "$d/.ntfslinks-partial" ]; then
		run_nl copy "$T_TMP/src.img:/src" "$d"
		expect_rc "killed copy $i: run again, exit status" 0
	fi
	run_nl diff "$T_TMP/src.img:/src" "$d"
	expect_rc "killed copy $i: the copy equals its source" 0
	expect_eq "killed copy $i: no temporary file or mark left" "" \
		"$(find "$d" -name '.ntfslinks-*' | head -n 1)"
done
expect_eq "copies killed midway were checked (three)" 3 "$interrupted"
expect_eq "killed copies: the source is unchanged" "$h" "$(hash_of "$T_TMP/src.img")"

# ---- killed as it makes its folder: the folder is made as .NAME.ntfslinks-tmp, the mark made
# in it, then renamed, so a kill there leaves that folder (empty, or holding the mark) and
# nothing under the real name; the same command again removes it and copies
for state in empty marked; do
	d="$T_TMP/t-$state"
	mkdir "$T_TMP/.t-$state.ntfslinks-tmp"
	[ "$state" = marked ] && : >"$T_TMP/.t-$state.ntfslinks-tmp/.ntfslinks-partial"
	run_nl copy "$T_TMP/src.img:/src" "$d"
	expect_rc "killed as its folder was made ($state): run again, exit status" 0
	run_nl diff "$T_TMP/src.img:/src" "$d"
	expect_rc "killed as its folder was made ($state): the copy equals its source" 0
	expect_eq "killed as its folder was made ($state): no temporary folder or mark left" "" \
		"$(find "$T_TMP" -maxdepth 1 -name ".t-$state.*"; find "$d" -name '.ntfslinks-*')"
done
# the same below an existing folder
mkdir "$T_TMP/have0" "$T_TMP/have0/.src.ntfslinks-tmp"
: >"$T_TMP/have0/.src.ntfslinks-tmp/.ntfslinks-partial"
run_nl copy "$T_TMP/src.img:/src" "$T_TMP/have0"
expect_rc "existing folder, killed as its folder was made: run again, exit status" 0
expect_eq "existing folder, killed as its folder was made: one copy, nothing else" "src" \
	"$(ls -A "$T_TMP/have0")"

# ---- into an image: the device fails from the Nth write on
cat >"$T_TMP/small.spec" <<'EOF'
image size=16M
default-time 2016-01-02T03:04:05Z
dir /src
dir /src/sub
file /src/a.txt text="a\n"
file /src/big.bin size=300000 pattern=0123456789
link /src/a.txt /src/a2.txt
file /src/sub/b.txt text="b\n"
EOF
build_fixture "$T_TMP/small.spec" "$T_TMP/small.img"
hs=$(hash_of "$T_TMP/small.img")
printf 'image size=16M\n' >"$T_TMP/e.spec"
build_fixture "$T_TMP/e.spec" "$T_TMP/empty.img"
cp "$T_TMP/empty.img" "$T_TMP/d.img"
"$FAULTCOPY" 0 EIO "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" >"$T_TMP/out" 2>"$T_TMP/err"
expect_eq "no fault: the copy completes" 0 "$?"
writes=$(sed -n 's/^result 0 writes \([0-9]*\) .*$/\1/p' "$T_TMP/out")
expect_match "no fault: the writes are counted" '^[1-9][0-9]*$' "$writes"
for err in ENOSPC EIO; do
	case $err in
	ENOSPC) text="no space left on device" ;;
	EIO) text="input/output error" ;;
	esac
	n=1
	while [ "$n" -le "${writes:-0}" ]; do
		cp "$T_TMP/empty.img" "$T_TMP/d.img"
		"$FAULTCOPY" "$n" "$err" "$T_TMP/small.img:/src" "$T_TMP/d.img:/dst" >"$T_TMP/out" 2>"$T_TMP/err"
		expect_eq "$err at write $n: the copy fails" 1 "$?"
		expect_eq "$err at write $n: and says why" "faultcopy: cannot write the image out: $text" \
			"$(tr 'A-Z' 'a-z' <"$T_TMP/err")"
		n=$((n + 1))
	done
done
expect_eq "faults: the source is unchanged" "$hs" "$(hash_of "$T_TMP/small.img")"

# ---- into an image, killed after increasing delays, then the same command again
PATH="$PATH:/sbin:/usr/sbin"
printf 'image size=48M\n' >"$T_TMP/e48.spec"
build_fixture "$T_TMP/e48.spec" "$T_TMP/e48.img"
for delay in 0.1 0.3 0.6 1; do
	cp "$T_TMP/e48.img" "$T_TMP/k.img"
	"$NTFSLINKS" copy "$T_TMP/src.img:/src" "$T_TMP/k.img:/dst" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# run again unless the copy ended before it was killed
	if ! "$NTFSLINKS" diff "$T_TMP/src.img:/src" "$T_TMP/k.img:/dst" >/dev/null 2>&1; then
		run_nl copy "$T_TMP/src.img:/src" "$T_TMP/k.img:/dst"
		expect_rc "image killed after ${delay}s: run again, exit status" 0
	fi
	run_nl diff "$T_TMP/src.img:/src" "$T_TMP/k.img:/dst"
	expect_rc "image killed after ${delay}s: the copy equals its source" 0
	expect_eq "image killed after ${delay}s: the image holds the copy alone" "dst/" \
		"$("$NTFSLINKS" ls "$T_TMP/k.img:/" 2>&1)"
	if command -v ntfsfix >/dev/null 2>&1; then
		ntfsfix -n "$T_TMP/k.img" >"$T_TMP/fix" 2>&1
		expect_eq "image killed after ${delay}s: run again, ntfsfix -n accepts the image" 0 "$?"
	fi
done
expect_eq "killed copies: the source is unchanged" "$h" "$(hash_of "$T_TMP/src.img")"


# ---- into a folder that exists already: the folder the copy makes there is marked, and the
# same command run again removes what an interrupted run left and copies afresh (not beside it)
cat >"$T_TMP/have.spec" <<'EOF'
image size=16M
dir /have
file /have/keep.txt text="keep\n"
EOF
build_fixture "$T_TMP/have.spec" "$T_TMP/have.img"
cp "$T_TMP/have.img" "$T_TMP/d.img"
"$FAULTCOPY" 0 EIO "$T_TMP/small.img:/src" "$T_TMP/d.img:/have" >"$T_TMP/out" 2>"$T_TMP/err"
expect_eq "existing folder, no fault: the copy completes" 0 "$?"
writes=$(sed -n 's/^result 0 writes \([0-9]*\) .*$/\1/p' "$T_TMP/out")
marked=0
n=1
while [ "$n" -le "${writes:-0}" ]; do
	cp "$T_TMP/have.img" "$T_TMP/d.img"
	"$FAULTCOPY" "$n" ENOSPC "$T_TMP/small.img:/src" "$T_TMP/d.img:/have" >/dev/null 2>&1
	expect_eq "existing folder, ENOSPC at write $n: the copy fails" 1 "$?"
	if "$NTFSLINKS" ls "$T_TMP/d.img:/have/src" 2>/dev/null | grep -qx '\.ntfslinks-partial'; then
		marked=$((marked + 1))
	fi
	# run again unless only the last write failed ($MFT's $BITMAP, after the mark was
	# removed: the copy is finished, and run again it would go beside it, as cp does)
	if [ "$n" -lt "$writes" ]; then
		run_nl copy "$T_TMP/small.img:/src" "$T_TMP/d.img:/have"
		expect_rc "existing folder, ENOSPC at write $n: run again, exit status" 0
	fi
	expect_eq "existing folder, ENOSPC at write $n: run again, one copy beside the old file" \
		"keep.txt
src/" "$("$NTFSLINKS" ls "$T_TMP/d.img:/have" 2>&1)"
	run_nl diff "$T_TMP/small.img:/src" "$T_TMP/d.img:/have/src"
	expect_rc "existing folder, ENOSPC at write $n: run again, the copy equals its source" 0
	ntfsfix -n "$T_TMP/d.img" >"$T_TMP/fix" 2>&1
	expect_eq "existing folder, ENOSPC at write $n: run again, ntfsfix -n accepts the image" 0 "$?"
	n=$((n + 1))
done
expect_match "existing folder: interrupted copies left their folder marked" '^[1-9]' "$marked"

# the same into an existing Linux folder, killed as a file is being written
i=0
interrupted=0
while [ "$i" -lt 40 ] && [ "$interrupted" -lt 2 ]; do
	i=$((i + 1))
	d="$T_TMP/have$i"
	mkdir "$d" && echo keep >"$d/keep.txt"
	"$NTFSLINKS" copy "$T_TMP/src.img:/src" "$d" >/dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		[ -n "$(find "$d" -name '.ntfslinks-*.tmp' 2>/dev/null | head -n 1)" ] && break
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ -f "$d/src/.ntfslinks-partial" ] || continue
	interrupted=$((interrupted + 1))
	run_nl copy "$T_TMP/src.img:/src" "$d"
	expect_rc "existing Linux folder, killed copy $i: run again, exit status" 0
	expect_eq "existing Linux folder, killed copy $i: run again, one copy beside the old file" \
		"keep.txt src" "$(ls "$d" | tr '\n' ' ' | sed 's/ $//')"
	run_nl diff "$T_TMP/src.img:/src" "$d/src"
	expect_rc "existing Linux folder, killed copy $i: the copy equals its source" 0
	expect_eq "existing Linux folder, killed copy $i: no temporary file or mark left" "" \
		"$(find "$d" -name '.ntfslinks-*' | head -n 1)"
done
expect_eq "existing Linux folder: copies killed midway were checked (two)" 2 "$interrupted"
expect_eq "existing folders: the sources are unchanged" "$h $hs" \
	"$(hash_of "$T_TMP/src.img") $(hash_of "$T_TMP/small.img")"

finish
