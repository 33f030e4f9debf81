#!/bin/sh
# copy-sameimage.sh: 'ntfslinks copy IMG:/a IMG:/b' within one image: one read-write mount serves source and destination, the copy is exact, the source is never written, refusals hold for any spelling of the image, several sources in and outside the image, an unrolled target that holds the destination.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

COPYDUMP=${COPYDUMP:-$(dirname "$NTFSLINKS")/../../tests/copydump}
[ -x "$COPYDUMP" ] || skip "tests/copydump is not built"
[ -x "$MKFIXTURE" ] || skip "fixtures/mkfixture is not built"
need_cmd ntfsfix fls icat

dump() { "$COPYDUMP" "$@" 2>&1; }

# The source /a: hardlinks (one name outside /a), a DOS name, streams on a
# file and a folder, a sparse file, inner junction and symlinks (absolute and
# relative), an outer junction, and 1500 files in one folder (more inodes
# than the writer keeps open, so source inodes pass through its cache).
{
	cat <<'EOF'
image size=48M label=SAME
default-time 2016-01-02T03:04:05Z
dir /a
dir /a/sub
dir /a/many
dir /out
file /a/f.txt text="f\n" mtime=2014-01-02T03:04:05Z
link /a/f.txt /a/sub/f-link.txt
link /a/f.txt /out/f-out.txt
file /a/LongFileName.txt text="long\n"
dosname /a/LongFileName.txt LONGFI~1.TXT
stream /a/f.txt meta text="stream of f\n"
stream /a/sub "dir stream" text="on a folder\n"
file /a/sparse.bin sparse size=8M chunk=1M:8192:SPARSE chunk=6M:100:tail
junction /a/j-inner "\??\C:\a\sub"
symlink /a/s-abs "\??\C:\a\sub" dir
symlink /a/s-rel.txt "sub\f-link.txt" relative
junction /a/j-out "\??\C:\out"
file /out/o.txt text="outer\n"
EOF
	i=0
	while [ $i -lt 1500 ]; do
		printf 'file /a/many/f%d.txt text="%d\\n"\n' $i $i
		i=$((i + 1))
	done
} >"$T_TMP/same.spec"
build_fixture "$T_TMP/same.spec" "$T_TMP/orig.img"

# /a as the copy at /DEST must look: inner targets rewritten, j-out cropped.
want_copy() {
	grep -v '^j-out ' "$T_TMP/a.before" | sed "s/C:\\\\a\\\\/C:\\\\$1\\\\/g"
}

# records IMAGE: sha256 of the MFT records of /a and everything below it,
# and of the index allocations of its folders (the bytes of the source).
records() {
	a=$(fls -f ntfs "$1" | awk '$NF == "a" { sub(":", "", $2); sub("-.*", "", $2); print $2 }')
	[ -n "$a" ] || { echo "no /a"; return; }
	icat -f ntfs "$1" 0 >"$T_TMP/mft"
	{
		echo "d/d $a"
		fls -r -u -f ntfs "$1" "$a" | sed 's/^[+ ]*//' | awk '{ sub(":", "", $2); sub("-.*", "", $2); print $1, $2 }'
	} | sort -k2n -u >"$T_TMP/recs"
	{
		python3 - "$T_TMP/mft" "$T_TMP/recs" <<'PY'
import hashlib, sys
mft = open(sys.argv[1], "rb").read()
for line in open(sys.argv[2]):
    n = int(line.split()[1])
    print(n, hashlib.sha256(mft[n * 1024:(n + 1) * 1024]).hexdigest()[:16])
PY
		awk '$1 == "d/d" { print $2 }' "$T_TMP/recs" | while read -r n; do
			printf '%s ' "$n"
			icat -f ntfs "$1" "$n-160" 2>/dev/null | sha256sum | cut -c1-16
		done
	} | sha256sum | cut -d' ' -f1
}

# mounts TRACE IMAGE[|PATH...]: checks an strace -f -e trace=openat,close
# log: the image (under any of the |-separated names) is opened read-write
# exactly once, and never while another descriptor of it is open (no second
# mount next to the writer's). Prints "ok" or the reason.
mounts() {
	awk -v img="$2" '
	BEGIN { nn = split(img, names, "|") }
	function hit(l,  i) { for (i = 1; i <= nn; i++) if (index(l, "\"" names[i] "\"")) return 1; return 0 }
	/openat\(/ && hit($0) && /= [0-9]+$/ {
		fd = $NF; pid = $1
		if (rw_open) bad = bad "opened again while mounted read-write; "
		if ($0 ~ /O_RDWR|O_WRONLY/) {
			rw++
			for (k in open) if (open[k]) bad = bad "another descriptor open at the read-write open; "
			rw_open = pid " " fd
		}
		open[pid " " fd] = 1
		next
	}
	/close\(/ {
		pid = $1; fd = $0; sub(/.*close\(/, "", fd); sub(/\).*/, "", fd)
		if ((pid " " fd) in open) { delete open[pid " " fd]; if (rw_open == pid " " fd) rw_open = "" }
	}
	END {
		if (rw != 1) bad = bad "read-write opens: " rw "; "
		print bad == "" ? "ok" : bad
	}' "$1"
}

STRACE=
if command -v strace >/dev/null 2>&1 && strace -f -e trace=openat -o /dev/null true 2>/dev/null; then
	STRACE=strace
else
	echo "SKIP (part): strace is not installed or cannot trace here: one-mount checks left out"
fi
# traced ARGS...: run_nl under strace when available (log in $T_TMP/trace).
# LeakSanitizer cannot run under ptrace: off for these runs (the unroll case
# below runs the same code untraced).
traced() {
	if [ -n "$STRACE" ]; then
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -e trace=openat,close -o "$T_TMP/trace" "$NTFSLINKS" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
		T_RC=$?
		T_OUT=$(cat "$T_TMP/out")
		T_ERR=$(cat "$T_TMP/err")
	else
		run_nl "$@"
	fi
}

# ---- IMG:/a -> IMG:/b
cp "$T_TMP/orig.img" "$T_TMP/img"
IMG=$T_TMP/img
dump -t -a -S "$IMG" /a >"$T_TMP/a.before"
dump -t -a -S "$IMG" /out >"$T_TMP/out.before"
expect_eq "fixture: /a has every entry" 1510 "$(wc -l <"$T_TMP/a.before" | tr -d ' ')"
rec_before=$(records "$IMG")
traced copy "$IMG:/a" "$IMG:/b"
expect_rc "same image: exit status" 0
# bytes: f.txt 2 + its stream 12, LongFileName.txt 5, the sparse file's
# 8 MiB with its holes 8388608, the folder stream 12, many/f0..f1499 6390
expect_eq "same image: summary" \
	"1503 files copied (8395029 bytes), 1 hardlinked, 3 folders, 1 junction, 2 symlinks; cropped 1, spliced 0, unrolled 0, dangling 0, loops 0, excluded 0, warnings 0, errors 0" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
want_copy b >"$T_TMP/want"
dump -t -a -S "$IMG" /b >"$T_TMP/got"
expect_file_eq "same image: /b is /a (names, groups, DOS names, data, sparse, streams, attributes, times, security; inner links to /b; j-out cropped)" \
	"$T_TMP/want" "$T_TMP/got"
expect_match "same image: the inner junction points into the copy" \
	'^j-inner rdir attrs=0x400 junction \\\?\?\\C:\\b\\sub print=C:\\b\\sub ' "$(cat "$T_TMP/got")"
dump -t -a -S "$IMG" /a >"$T_TMP/a.after"
expect_file_eq "same image: /a unchanged (listing)" "$T_TMP/a.before" "$T_TMP/a.after"
expect_eq "same image: /a unchanged (its MFT records and index blocks, byte for byte)" \
	"$rec_before" "$(records "$IMG")"
dump -t -a -S "$IMG" /out >"$T_TMP/out.after"
expect_file_eq "same image: /out (f-out.txt is in the group of /a/f.txt) unchanged" \
	"$T_TMP/out.before" "$T_TMP/out.after"
ntfsfix -n "$IMG" >"$T_TMP/fix" 2>&1
T_RC=$?
expect_rc "same image: ntfsfix -n accepts the image" 0
[ -n "$STRACE" ] && expect_eq "same image: one read-write mount, never a second one" ok "$(mounts "$T_TMP/trace" "$IMG")"

# ---- refusals, whatever the spelling of the image (a symlink, ./)
ln -s "$IMG" "$T_TMP/alias.img"
h=$(hash_of "$IMG")
run_nl copy "$T_TMP/alias.img:/a" "$IMG:/a/sub/x"
expect_rc "alias: destination inside the source: misuse" 2
expect_match "alias: destination inside the source: message" "is inside the source" "$T_ERR"
run_nl copy "$IMG:/a/sub" "$T_TMP/alias.img:/A"
expect_rc "alias: source inside the destination (any case): misuse" 2
expect_match "alias: source inside the destination: message" "is inside the destination" "$T_ERR"
(cd "$T_TMP" && "$NTFSLINKS" copy ./img:/a "$IMG:/a/new" >/dev/null 2>&1)
T_RC=$?
expect_rc "./ spelling: destination inside the source: misuse" 2
expect_eq "refusals never write the image" "$h" "$(hash_of "$IMG")"

# ---- dry run in one image: nothing written, nothing mounted read-write
traced copy --dry-run "$IMG:/a" "$IMG:/c"
expect_rc "dry run: exit status" 0
expect_eq "dry run: image unchanged" "$h" "$(hash_of "$IMG")"
[ -n "$STRACE" ] && expect_eq "dry run: never opened for writing" 0 \
	"$(grep -F "\"$IMG\"" "$T_TMP/trace" | grep -c 'O_RDWR\|O_WRONLY')"

# ---- several sources: two folders of the image, one of another image and a
#      Linux folder; links between the image's sources are inner
printf 'image size=16M label=OTHER\ndir /x\nfile /x/x.txt text="x\\n"\nlink /x/x.txt /x/x2.txt\n' >"$T_TMP/other.spec"
build_fixture "$T_TMP/other.spec" "$T_TMP/other.img"
ho=$(hash_of "$T_TMP/other.img")
mkdir -p "$T_TMP/host/h"
printf 'host\n' >"$T_TMP/host/h/h.txt"
cp "$T_TMP/orig.img" "$IMG"
rec_before=$(records "$IMG")
traced copy "$IMG:/a" "$T_TMP/other.img:/x" "$IMG:/out" "$T_TMP/host/h" "$IMG:/m"
expect_rc "several sources: exit status" 0
dump -t -a -S "$IMG" /m >"$T_TMP/got"
{
	sed 's/C:\\a\\/C:\\m\\a\\/g; s/C:\\out/C:\\m\\out/g; s/^/a\//' "$T_TMP/a.before"
	dump -t -a -S "$T_TMP/other.img" /x | sed 's/^/x\//'
} | sed 's/^\(a\/f.txt\|a\/sub\/f-link.txt\) #1\/2 /\1 #1\/3 /' >"$T_TMP/want.part"
grep -E '^(a|x)/' "$T_TMP/got" | grep -v '^x/' >"$T_TMP/got.a"
grep -v '^x/' "$T_TMP/want.part" >"$T_TMP/want.a"
expect_file_eq "several sources: /m/a is /a (j-out inner now, the hardlink group has its name in /m/out too)" \
	"$T_TMP/want.a" "$T_TMP/got.a"
expect_eq "several sources: /m/x is the other image's /x (its own group)" \
	"$(grep '^x/' "$T_TMP/want.part" | sed 's/#1\//#2\//')" "$(grep '^x/' "$T_TMP/got")"
expect_eq "several sources: /m/out holds both files, f-out.txt in the group of /m/a/f.txt" \
	"out dir|out/f-out.txt #1/3|out/o.txt" \
	"$(grep '^out' "$T_TMP/got" | awk '{ print ($2 ~ /^#/) ? $1 " " $2 : $1 " " ($2 == "dir" ? "dir" : "") }' | sed 's/ $//' | paste -sd'|')"
expect_match "several sources: the Linux folder's file" '^h/h.txt file .*data=5:' "$(cat "$T_TMP/got")"
expect_match "several sources: j-out is inner now (its target is a source)" \
	'^a/j-out rdir attrs=0x400 junction \\\?\?\\C:\\m\\out print=C:\\m\\out ' "$(cat "$T_TMP/got")"
expect_eq "several sources: /a unchanged" "$rec_before" "$(records "$IMG")"
expect_eq "several sources: the other image unchanged" "$ho" "$(hash_of "$T_TMP/other.img")"
ntfsfix -n "$IMG" >"$T_TMP/fix" 2>&1
T_RC=$?
expect_rc "several sources: ntfsfix -n accepts the image" 0
if [ -n "$STRACE" ]; then
	expect_eq "several sources: one read-write mount of the image" ok "$(mounts "$T_TMP/trace" "$IMG")"
	expect_eq "several sources: the other image only read" 0 \
		"$(grep -F "\"$T_TMP/other.img\"" "$T_TMP/trace" | grep -c 'O_RDWR\|O_WRONLY')"
fi

# ---- the image as a loop device (source) and as its file (destination): one
#      volume, one mount
dev=
if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null 2>&1; then
	cp "$T_TMP/orig.img" "$IMG"
	dev=$(losetup -r -f --show "$IMG" 2>/dev/null) || dev=
fi
if [ -n "$dev" ] && [ -b "$dev" ]; then
	trap 'losetup -d "$dev" 2>/dev/null; rm -rf "$T_TMP"' EXIT
	traced copy "$dev:/a" "$IMG:/l"
	expect_rc "loop device: exit status" 0
	want_copy l >"$T_TMP/want"
	dump -t -a -S "$IMG" /l >"$T_TMP/got"
	expect_file_eq "loop device: /l is /a" "$T_TMP/want" "$T_TMP/got"
	[ -n "$STRACE" ] && expect_eq "loop device: its read-only mount is closed before the file is mounted read-write" \
		ok "$(mounts "$T_TMP/trace" "$IMG|$dev")"
	run_nl copy "$dev:/a" "$IMG:/a/sub/x"
	expect_rc "loop device: destination inside the source: misuse" 2
	losetup -d "$dev"
	trap 'rm -rf "$T_TMP"' EXIT
else
	echo "SKIP (part): no read-only loop device (needs root and losetup): loop-device case left out"
fi

# ---- unroll into a folder inside the unrolled target: the plan is the tree
#      before the copy (the copy does not contain itself)
cp "$T_TMP/orig.img" "$IMG"
run_nl copy --unroll "$IMG:/a" "$IMG:/out/copy"
expect_rc "unroll into the target: exit status" 0
expect_eq "unroll into the target: the unrolled /out as it was" \
	"j-out|j-out/f-out.txt #1/3|j-out/o.txt" \
	"$(dump "$IMG" /out/copy | grep '^j-out' | awk '{ print ($2 ~ /^#/) ? $1 " " $2 : $1 }' | paste -sd'|')"
expect_eq "unroll into the target: /out itself" "copy|f-out.txt|o.txt" \
	"$(dump "$IMG" /out | grep -v / | awk '{ print $1 }' | paste -sd'|')"
ntfsfix -n "$IMG" >"$T_TMP/fix" 2>&1
T_RC=$?
expect_rc "unroll into the target: ntfsfix -n accepts the image" 0

finish
