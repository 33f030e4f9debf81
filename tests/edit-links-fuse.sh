#!/bin/sh
# edit-links-fuse.sh: links made and retargeted by ntfslinks, read back through an ntfs-3g mount:
# system.ntfs_reparse_data byte for byte against the layouts Windows writes (built here in
# Python from the documented formats, not by ntfslinks), and the folder/file bit of each link.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

need_root "mounts with ntfs-3g"
need_cmd ntfs-3g getfattr python3
[ -c /dev/fuse ] || skip "no /dev/fuse here (an ntfs-3g mount is impossible)"

MNT=$T_TMP/mnt
mkdir -p "$MNT"
mounted=
cleanup() {
	[ -n "$mounted" ] && { umount "$MNT" 2>/dev/null || fusermount -u "$MNT" 2>/dev/null; }
	rm -rf "$T_TMP"
}
trap cleanup EXIT

G=0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963
cat >"$T_TMP/t.spec" <<'EOF'
image size=16M
dir /Data
dir /Data/sub
file /Data/f.txt text="hello"
junction /Old "\??\C:\Data"
EOF
IMG=$T_TMP/t.img
build_fixture "$T_TMP/t.spec" "$IMG"

mk() { run_nl "$@"; expect_rc "$*" 0; }
mk junction "$IMG:/J" /Data/sub
mk symlink "$IMG:/Data/rel.txt" f.txt
mk symlink "$IMG:/abs" /Data/sub
mk symlink "$IMG:/unc" '\\server\share\dir'
mk mountpoint "$IMG:/M" "\\\\?\\Volume{$G}\\"
mk retarget "$IMG:/Old" 'D:\Moved'

# the Windows layouts (MS-FSCC 2.1.2.4 and 2.1.2.5; mklink /J and mountvol put the substitute
# name first, each name followed by a NUL; CreateSymbolicLink the print name first, no NULs)
cat >"$T_TMP/rp.py" <<'EOF'
import struct, sys
def u16(s):
    return s.encode('utf-16le')
def junction(subst, pr):
    s, p = u16(subst), u16(pr)
    body = struct.pack('<HHHH', 0, len(s), len(s) + 2, len(p)) + s + b'\0\0' + p + b'\0\0'
    return struct.pack('<IHH', 0xA0000003, len(body), 0) + body
def symlink(subst, pr, flags):
    s, p = u16(subst), u16(pr)
    body = struct.pack('<HHHHI', len(p), len(s), 0, len(p), flags) + p + s
    return struct.pack('<IHH', 0xA000000C, len(body), 0) + body
kind, args = sys.argv[1], sys.argv[2:]
if kind == 'junction':
    print(junction(*args).hex())
else:
    print(symlink(args[0], args[1], int(args[2])).hex())
EOF
want() { python3 "$T_TMP/rp.py" "$@"; }

ntfs-3g -o ro "$IMG" "$MNT" 2>"$T_TMP/mount.err" || {
	if grep -qi "fuse" "$T_TMP/mount.err"; then skip "ntfs-3g cannot mount here: $(head -c 200 "$T_TMP/mount.err")"; fi
	echo "FAIL: cannot mount $IMG"; cat "$T_TMP/mount.err"; exit 1
}
mounted=1
rpx() { getfattr -h --only-values -n system.ntfs_reparse_data -e hex "$MNT$1" 2>/dev/null |
	od -An -tx1 | tr -d ' \n'; }
# isdir PATH: the NTFS directory bit, which ntfs-3g shows in the attributes (0x10)
isdir() { getfattr -h --only-values -n system.ntfs_attrib_be -e hex "$MNT$1" 2>/dev/null |
	od -An -tx1 | tr -d ' \n' | python3 -c 'import sys; print("dir" if int(sys.stdin.read(), 16) & 0x10 else "file")'; }

expect_eq "junction /J" "$(want junction '\??\C:\Data\sub' 'C:\Data\sub')" "$(rpx /J)"
expect_eq "relative symlink /Data/rel.txt" "$(want symlink 'f.txt' 'f.txt' 1)" "$(rpx /Data/rel.txt)"
expect_eq "absolute symlink /abs" "$(want symlink '\??\C:\Data\sub' 'C:\Data\sub' 0)" "$(rpx /abs)"
expect_eq "network symlink /unc" "$(want symlink '\??\UNC\server\share\dir' '\\server\share\dir' 0)" "$(rpx /unc)"
expect_eq "mount point /M" "$(want junction "\\??\\Volume{$G}\\" '')" "$(rpx /M)"
expect_eq "retargeted junction /Old" "$(want junction '\??\D:\Moved' 'D:\Moved')" "$(rpx /Old)"
expect_eq "folder or file: junction, symlinks, mount point" "dir file dir file dir dir" \
	"$(isdir /J) $(isdir /Data/rel.txt) $(isdir /abs) $(isdir /unc) $(isdir /M) $(isdir /Old)"
expect_eq "ntfs-3g follows the relative symlink" "hello" "$(cat "$MNT/Data/rel.txt")"

finish
