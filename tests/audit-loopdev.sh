#!/bin/sh
# audit-loopdev.sh: the audit commands read a block device (a read-only loop device) and leave it unchanged.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_root "attaching a loop device"
need_cmd losetup

cat >"$T_TMP/v.spec" <<'EOF2'
image size=8M
file -p /two/x.txt text=second
link /two/x.txt /two/y.txt
link /two/x.txt /z.txt
junction /j \??\C:\two
EOF2
build_fixture "$T_TMP/v.spec" "$T_TMP/v.img"
h0=$(hash_of "$T_TMP/v.img")
dev=$(PATH="$PATH:/sbin:/usr/sbin" losetup -r -f --show "$T_TMP/v.img" 2>"$T_TMP/losetup.err") ||
	skip "no loop device available: $(cat "$T_TMP/losetup.err")"
[ -b "$dev" ] || skip "losetup gave no block device"
trap 'PATH="$PATH:/sbin:/usr/sbin" losetup -d "$dev" 2>/dev/null; rm -rf "$T_TMP"' EXIT
hd=$(hash_of "$dev")

nl_json hardlinks "$dev"
expect_rc "hardlinks on $dev" 0
expect_eq "hardlinks on a loop device" "/two/x.txt|/two/y.txt|/z.txt" "$(jfields hardlink_group names <"$T_TMP/out")"
nl_json reparse "$dev"
expect_rc "reparse on $dev" 0
expect_eq "reparse on a loop device" "/j	junction	/two	inner" "$(jfields reparse path tag_name target class <"$T_TMP/out")"
nl_json scan "$dev"
expect_rc "scan on $dev" 0
expect_eq "scan on a loop device: summary" "$dev	ntfs	1	1" "$(jfields summary image input hardlink_groups reparse_points <"$T_TMP/out")"
expect_eq "the device is unchanged" "$hd" "$(hash_of "$dev")"
PATH="$PATH:/sbin:/usr/sbin" losetup -d "$dev"
trap 'rm -rf "$T_TMP"' EXIT
ro_check "the image behind the loop device" "$T_TMP/v.img" "$h0"
finish
