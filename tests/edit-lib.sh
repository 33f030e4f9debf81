# edit-lib.sh: helpers sourced by the edit-*.sh tests (after lib.sh): ntfs-3g mounts that are undone at exit, loop devices.

MOUNTED=
LOOPS=
edit_cleanup() {
	for m in $MOUNTED; do umount "$m" 2>/dev/null || fusermount -u "$m" 2>/dev/null; done
	for d in $LOOPS; do PATH="$PATH:/sbin:/usr/sbin" losetup -d "$d" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap edit_cleanup EXIT

# can_fuse: true when ntfs-3g can mount here (root, /dev/fuse, ntfs-3g).
can_fuse() {
	[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v ntfs-3g >/dev/null 2>&1
}

# mnt SOURCE DIR [ro]: mount with ntfs-3g, undone at exit; 1 if it cannot.
mnt() {
	mkdir -p "$2"
	ntfs-3g ${3:+-o ro} "$1" "$2" 2>"$T_TMP/mnt.err" || return 1
	MOUNTED="$2 $MOUNTED"
}

# unmnt DIR: unmount what mnt mounted.
unmnt() {
	umount "$1" 2>/dev/null || fusermount -u "$1"
	MOUNTED=$(printf '%s\n' $MOUNTED | grep -v -x -F "$1" | tr '\n' ' ')
}

# loopdev IMAGE: attach IMAGE to a free loop device (detached at exit) and
# print it; 1 if that cannot be done here.
loopdev() {
	local d
	[ "$(id -u)" = 0 ] || return 1
	d=$(PATH="$PATH:/sbin:/usr/sbin" losetup -f --show "$1" 2>/dev/null) || return 1
	[ -b "$d" ] || return 1
	LOOPS="$d $LOOPS"
	printf '%s\n' "$d"
}

# scan IMAGE OUT: 'ntfslinks scan --json IMAGE' into OUT.
scan() { "$NTFSLINKS" scan --json "$1" >"$2" 2>/dev/null; }

# scan_diff BEFORE AFTER: what changed between two scans (scan's output),
# one line each: "- ROW" or "+ ROW" for hardlink groups ("hardlink_group
# MFT COUNT NAME,NAME...") and reparse points ("reparse MFT PATH TAG TARGET
# CLASS") that went, came or changed, then "summary KEY: OLD -> NEW" for
# each changed count.
scan_diff() {
	python3 - "$1" "$2" <<'PY'
import json, sys
def row(o):
    if o["type"] == "hardlink_group":
        return "hardlink_group %d %d %s" % (o["mft"], o["count"], ",".join(o["names"]))
    return "reparse %d %s %s %s %s" % (o["mft"], o["path"], o["tag_name"], o["target"], o["class"])
def load(p):
    rows, summ = [], {}
    for line in open(p):
        o = json.loads(line)
        if o["type"] == "summary":
            summ = o
        else:
            rows.append(line.rstrip("\n"))
    return rows, summ
(ra, sa), (rb, sb) = load(sys.argv[1]), load(sys.argv[2])
for l in ra:
    if l not in rb:
        print("-", row(json.loads(l)))
for l in rb:
    if l not in ra:
        print("+", row(json.loads(l)))
for k in sa:
    if sa[k] != sb.get(k):
        print("summary %s: %s -> %s" % (k, json.dumps(sa[k]), json.dumps(sb.get(k))))
PY
}

# fsck_ok WHAT IMAGE: ntfsfix -n finds nothing to fix.
fsck_ok() {
	ntfsfix -n "$2" >"$T_TMP/fix" 2>&1
	T_RC=$?
	expect_rc "$1: ntfsfix -n" 0
}
