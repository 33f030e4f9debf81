#!/bin/sh
# builder-fuse.sh: images built by mkfixture, mounted read-only with ntfs-3g: reparse data byte
# for byte, hard links, DOS names, times, attributes and streams as the specs say.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

need_root "mounts with ntfs-3g"
need_cmd ntfs-3g getfattr python3 stat
[ -c /dev/fuse ] || skip "no /dev/fuse here (an ntfs-3g mount is impossible)"

MNT=$T_TMP/mnt
mkdir -p "$MNT"
mounted=
cleanup() {
	[ -n "$mounted" ] && { umount "$MNT" 2>/dev/null || fusermount -u "$MNT" 2>/dev/null; }
	rm -rf "$T_TMP"
}
trap cleanup EXIT

mount_img() {
	ntfs-3g -o ro "$1" "$MNT" 2>"$T_TMP/mount.err" || {
		if grep -qi "fuse" "$T_TMP/mount.err"; then skip "ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mount.err")"; fi
		echo "FAIL: cannot mount $1"; cat "$T_TMP/mount.err"; exit 1
	}
	mounted=1
}
umount_img() { umount "$MNT" || fusermount -u "$MNT"; mounted=; }
# attrib PATH: the file attributes of PATH as 0x%08x
attrib() { getfattr -h -n system.ntfs_attrib_be -e hex "$MNT$1" 2>/dev/null | sed -n 's/^system.ntfs_attrib_be=//p'; }

# rpx PATH: the reparse data of PATH (on the mount) in hex
rpx() { getfattr -h --only-values -n system.ntfs_reparse_data -e hex "$MNT$1" 2>/dev/null |
	od -An -tx1 | tr -d ' \n'; }

# Independent reparse buffers: the Windows layouts, written out here in
# Python from the spec's words, not by the writer's code.
cat >"$T_TMP/rp.py" <<'EOF'
import struct, sys

def unesc(s):
    # the visible escaping of unistr.h: a run of N backslashes before "x{" or
    # "u{" stands for N/2 backslashes, and an odd N starts an escape
    # ("\\x{HH}" a byte, "\\u{HHHH}" a code point); any other run is itself
    out, i = [], 0
    while i < len(s):
        if s[i] != '\\':
            out.append(s[i]); i += 1; continue
        j = i
        while j < len(s) and s[j] == '\\':
            j += 1
        n = j - i
        if s[j:j + 2] in ('x{', 'u{') and '}' in s[j:]:
            out.append('\\' * (n // 2))
            if n % 2:
                k = s.index('}', j)
                out.append(chr(int(s[j + 2:k], 16)))
                i = k + 1
                continue
        else:
            out.append('\\' * n)
        i = j
    return ''.join(out)

def u16(s):
    return s.encode('utf-16le', 'surrogatepass')

def junction(tag, subst, pr):
    s, p = u16(subst), u16(pr)
    body = struct.pack('<HHHH', 0, len(s), len(s) + 2, len(p)) + s + b'\0\0' + p + b'\0\0'
    return struct.pack('<IHH', tag, len(body), 0) + body

def symlink(tag, subst, pr, flags):
    s, p = u16(subst), u16(pr)
    body = struct.pack('<HHHHI', len(p), len(s), 0, len(p), flags) + p + s
    return struct.pack('<IHH', tag, len(body), 0) + body

def raw(tag, data):
    return struct.pack('<IHH', tag, len(data) - (0 if tag & 0x80000000 else 16), 0) + data

# truth lines on stdin: print "path<TAB>hex" for every reparse line
def main():
    for line in sys.stdin:
        f = line.rstrip('\n').split('\t')
        if f[0] != 'reparse':
            continue
        path, tag, kind = unesc(f[1]), int(f[2], 16), f[3]
        if kind == 'raw':
            b = raw(tag, bytes.fromhex(f[7]))
        elif kind in ('junction', 'mountpoint'):
            b = junction(tag, unesc(f[5]), unesc(f[6]))
        else:
            b = symlink(tag, unesc(f[5]), unesc(f[6]), int(f[4]))
        print(path + '\t' + b.hex())

if __name__ == '__main__':
    main()
EOF

check_reparse_truth() {
	python3 "$T_TMP/rp.py" <"$T_TMP/$1.truth" >"$T_TMP/rp.want"
	n=0
	while IFS="$(printf '\t')" read -r p hex; do
		expect_eq "$1: reparse data of $p" "$hex" "$(rpx "$p")"
		n=$((n + 1))
	done <"$T_TMP/rp.want"
	expect_eq "$1: reparse points checked" "$2" "$n"
}

check_links_truth() {
	awk -F'\t' '$1 == "hardlink" { print $5 "\t" $3 }' "$T_TMP/$1.truth" >"$T_TMP/hl"
	bad=0
	while IFS="$(printf '\t')" read -r mft p; do
		i=$(stat -c %i "$MNT$p" 2>/dev/null)
		[ "$i" = "$mft" ] || { bad=$((bad + 1)); echo "  $p: inode '$i', truth $mft"; }
	done <"$T_TMP/hl"
	expect_eq "$1: every hard link is its record's name ($(wc -l <"$T_TMP/hl") names)" "0" "$bad"
}

for s in reparse winlike basic dosnames hardlinks names; do
	"$MKFIXTURE" --truth "$T_TMP/$s.truth" "$FIXTURES_DIR/$s.spec" "$T_TMP/$s.img" ||
		{ echo "FAIL: cannot build $s"; exit 99; }
done

# reparse.spec
mount_img "$T_TMP/reparse.img"
check_reparse_truth reparse 20
# the same, straight from the spec's words
expect_eq "reparse: /junction as in the spec" \
	"$(python3 -c "import sys; sys.path.insert(0, '$T_TMP'); from rp import junction; print(junction(0xA0000003, r'\\??\\C:\\target', r'C:\\target').hex())")" \
	"$(rpx /junction)"
expect_eq "reparse: /junction-noprint has an empty print name" \
	"$(python3 -c "import sys; sys.path.insert(0, '$T_TMP'); from rp import junction; print(junction(0xA0000003, r'\\??\\C:\\target', '').hex())")" \
	"$(rpx /junction-noprint)"
expect_eq "reparse: /link-rel.txt as in the spec" \
	"$(python3 -c "import sys; sys.path.insert(0, '$T_TMP'); from rp import symlink; print(symlink(0xA000000C, r'target\\file.txt', r'target\\file.txt', 1).hex())")" \
	"$(rpx /link-rel.txt)"
expect_eq "reparse: /link-unc as in the spec" \
	"$(python3 -c "import sys; sys.path.insert(0, '$T_TMP'); from rp import symlink; print(symlink(0xA000000C, r'\\??\\UNC\\server\\share\\folder', r'\\\\server\\share\\folder', 0).hex())")" \
	"$(rpx /link-unc)"
expect_eq "reparse: /wof.dll" "170000801000000001000000020000000100000001000000" "$(rpx /wof.dll)"
expect_eq "reparse: /unknown-3rd-party.bin keeps its GUID" "341200000200000000112233445566778899aabbccddeeffcafe" \
	"$(rpx /unknown-3rd-party.bin)"
expect_eq "reparse: long symlink data size" "7076" "$(rpx /link-long | awk '{ print length($0) / 2 }')"
umount_img

# winlike.spec: the Windows 7 shapes
mount_img "$T_TMP/winlike.img"
check_reparse_truth winlike 10
check_links_truth winlike
expect_eq "winlike: notepad.exe inode shared" "$(stat -c %i "$MNT/Windows/notepad.exe")" "$(stat -c %i "$MNT/Windows/System32/notepad.exe")"
expect_eq "winlike: DOS name of Documents and Settings" "DOCUME~1" \
	"$(getfattr -h --only-values -n system.ntfs_dos_name "$MNT/Documents and Settings")"
expect_eq "winlike: junction attributes (hidden, system, reparse, directory)" "0x00000416" \
	"$(attrib "/Documents and Settings")"
umount_img

# basic.spec: times, attributes, streams
mount_img "$T_TMP/basic.img"
# system.ntfs_times: creation, modification, access, change (le64 each)
want=$(python3 -c "
import datetime, struct
def nt(s, frac=0):
    d = datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    return int((d - datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)).total_seconds()) * 10000000 + frac
print(struct.pack('<QQQQ', nt('2001-02-03T04:05:06'), nt('2002-03-04T05:06:07', 5000000),
                  nt('2004-05-06T07:08:09'), nt('2003-04-05T06:07:08')).hex())")
expect_eq "basic: the four times of times.txt" "$want" \
	"$(getfattr --only-values -n system.ntfs_times -e hex "$MNT/times.txt" | od -An -tx1 | tr -d ' \n')"
for f in readonly.txt:0x00000021 hidden.txt:0x00000002 system.txt:0x00000006 none.txt:0x00000080 compressed.txt:0x00000820; do
	expect_eq "basic: attributes of ${f%%:*}" "${f#*:}" \
		"$(attrib "/attr/${f%%:*}")"
done
expect_eq "basic: sparse.bin attributes" "0x00000220" "$(attrib /sparse.bin)"
expect_eq "basic: Zone.Identifier stream" "$(printf '[ZoneTransfer]\r\nZoneId=3\r\n' | od -An -tx1 | tr -d ' \n')" \
	"$(getfattr --only-values -n user.Zone.Identifier "$MNT/docs/hello.txt" | od -An -tx1 | tr -d ' \n')"
expect_eq "basic: stream on a folder" "on a directory" "$(getfattr --only-values -n 'user.dir stream' "$MNT/docs")"
expect_eq "basic: sparse.bin uses 12 KiB" "24" "$(stat -c %b "$MNT/sparse.bin")"
expect_eq "basic: empty folder" "" "$(ls -A "$MNT/docs/empty-dir")"
umount_img

# dosnames.spec
mount_img "$T_TMP/dosnames.img"
# ntfs-3g shows DOS names only of files with one name (EMLINK otherwise)
awk -F'\t' 'NR == FNR { if ($1 == "hardlink") linked[$3] = 1; next }
	$1 == "dosname" && !linked[$2] { print $2 "\t" $3 }' \
	"$T_TMP/dosnames.truth" "$T_TMP/dosnames.truth" >"$T_TMP/dos"
while IFS="$(printf '\t')" read -r p d; do
	expect_eq "dosnames: DOS name of $p" "$d" "$(getfattr -h --only-values -n system.ntfs_dos_name "$MNT$p")"
done <"$T_TMP/dos"
expect_eq "dosnames: checked" "6" "$(wc -l <"$T_TMP/dos")"
check_links_truth dosnames
umount_img

# hardlinks.spec: link counts as the kernel sees them
mount_img "$T_TMP/hardlinks.img"
check_links_truth hardlinks
expect_eq "hardlinks: 1023 names in /max" "1023" "$(ls "$MNT/max" | wc -l)"
expect_eq "hardlinks: st_nlink 1023" "1023" "$(stat -c %h "$MNT/max/f0500.txt")"
expect_eq "hardlinks: st_nlink 40" "40" "$(stat -c %h "$MNT/many/d2/name-20.bin")"
expect_eq "hardlinks: contents through another name" "one" "$(cat "$MNT/c/one-in-c.txt")"
umount_img

# names.spec: exact names as the kernel gets them
mount_img "$T_TMP/names.img"
ls "$MNT/posix" >"$T_TMP/got"
printf '%s\n' '<angle>' CON README Readme 'a:b' 'back\slash' 'pipe|' 'quote"' readme 'star*' \
	"$(printf 'tab\tname')" 'trailing dot.' 'trailing space ' 'what?' | LC_ALL=C sort >"$T_TMP/want"
LC_ALL=C sort "$T_TMP/got" >"$T_TMP/got2"
expect_file_eq "names: the POSIX names" "$T_TMP/want" "$T_TMP/got2"
expect_eq "names: emoji name" "emoji" "$(cat "$MNT/unicode/😀 smile.txt")"
expect_eq "names: 255 x" "255 units" "$(cat "$MNT/unicode/$(printf 'x%.0s' $(seq 255))")"
umount_img

# a small bulk volume against its IMAGE.truth
"$MKFIXTURE" --bulk 2000 --seed 11 "$T_TMP/bulk.img" 2>/dev/null || { echo "FAIL: bulk build"; exit 99; }
cp "$T_TMP/bulk.img.truth" "$T_TMP/bulk.truth"
mount_img "$T_TMP/bulk.img"
check_reparse_truth bulk 10
check_links_truth bulk
gone=0
for p in $(awk -F'\t' '$1 == "deleted" { gsub(/ /, "?", $2); print $2 }' "$T_TMP/bulk.truth"); do
	# shellcheck disable=SC2086
	set -- $MNT$p
	[ -e "$1" ] && gone=$((gone + 1))
done
expect_eq "bulk: deleted files are gone" "0" "$gone"
awk -F'\t' 'NR == FNR { if ($1 == "hardlink") linked[$3] = 1; next }
	$1 == "dosname" && !linked[$2] { print $2 "\t" $3 }' "$T_TMP/bulk.truth" "$T_TMP/bulk.truth" | head -50 >"$T_TMP/dos"
bad=0
while IFS="$(printf '\t')" read -r p d; do
	[ "$(getfattr -h --only-values -n system.ntfs_dos_name "$MNT$p" 2>/dev/null)" = "$d" ] || bad=$((bad + 1))
done <"$T_TMP/dos"
expect_eq "bulk: DOS names ($(wc -l <"$T_TMP/dos") checked)" "0" "$bad"
umount_img

finish
