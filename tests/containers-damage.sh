#!/bin/sh
# containers-damage.sh: a damaged primary boot sector is read from its backup and a $MFTMirr that is
# unreadable or disagrees with $MFT is ignored: the volume still opens, gives exactly what the undamaged
# image gives (exit 0), and stderr says what was used or ignored; a write command refuses an unreadable
# mirror and brings one that differs in line.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 ntfsfix

cat >"$T_TMP/d.spec" <<'EOF'
image size=8M
file -p /a/one.txt text=hello
link /a/one.txt /a/two.txt
junction -p /j/to-a \??\C:\a
EOF
mkdir "$T_TMP/good" "$T_TMP/boot" "$T_TMP/mirr" "$T_TMP/both" "$T_TMP/none" "$T_TMP/differs"
build_fixture "$T_TMP/d.spec" "$T_TMP/good/v.img"
for d in boot mirr both none differs; do cp "$T_TMP/good/v.img" "$T_TMP/$d/v.img"; done

# damage IMAGE WHAT: 'boot' overwrites the OEM id of the primary boot sector, 'backup' that of the
# backup (last sector), 'mirr' the magic of record 0 of $MFTMirr, 'differs' 8 bytes inside the
# attributes of record 2 of $MFTMirr (the record stays readable: its fixups are untouched)
damage() {
	python3 - "$1" "$2" <<'EOF2'
import struct, sys
path, what = sys.argv[1], sys.argv[2]
with open(path, "r+b") as f:
    bs = f.read(512)
    cs = struct.unpack_from("<H", bs, 11)[0] * bs[13]
    size = f.seek(0, 2)
    mirr = struct.unpack_from("<Q", bs, 0x38)[0] * cs
    at = {"boot": 3, "backup": size - 512 + 3, "mirr": mirr, "differs": mirr + 2 * 1024 + 0x100}[what]
    f.seek(at)
    f.write(b"XXXXXXXX")
EOF2
}
damage "$T_TMP/boot/v.img" boot
damage "$T_TMP/mirr/v.img" mirr
damage "$T_TMP/both/v.img" boot
damage "$T_TMP/both/v.img" mirr
damage "$T_TMP/none/v.img" boot
damage "$T_TMP/none/v.img" backup
damage "$T_TMP/differs/v.img" differs

cd "$T_TMP/good" && "$NTFSLINKS" scan --json v.img >"$T_TMP/want" 2>"$T_TMP/want.err"
expect_eq "undamaged: nothing on stderr" "" "$(cat "$T_TMP/want.err")"
backup_msg="primary boot sector damaged (bad oem id); the backup boot sector at byte 8388096 was used"
mirr_msg="\$MFTMirr record 0 is unreadable; the mirror is ignored"
for d in boot mirr both differs; do
	case $d in
	boot) msg=$backup_msg ;;
	mirr) msg=$mirr_msg ;;
	both) msg="$backup_msg; $mirr_msg" ;;
	differs) msg="\$MFTMirr differs from \$MFT at record 2; the mirror is ignored" ;;
	esac
	cd "$T_TMP/$d" || exit 99
	h=$(hash_of v.img)
	run_nl scan --json v.img
	expect_rc "$d damaged: scan exit status" 0
	expect_eq "$d damaged: the warning" "ntfslinks: 'v.img': $msg" "$T_ERR"
	expect_file_eq "$d damaged: the same scan as the undamaged image" "$T_TMP/want" "$T_TMP/out"
	nl_json siblings v.img /a/one.txt
	expect_eq "$d damaged: siblings" "/a/one.txt
/a/two.txt" "$(jfields name path <"$T_TMP/out")"
	ro_check "$d damaged" v.img "$h"
done

# writing: a mirror with an unreadable record is refused (ntfsfix does not mend it either); one that
# is readable but differs is brought in line with $MFT first, as ntfsfix does, and then written
mkdir "$T_TMP/src" && printf 'new\n' >"$T_TMP/src/new.txt"
cd "$T_TMP/mirr" || exit 99
why="\$MFTMirr record 0 is unreadable; repair the volume (chkdsk) before writing to it"
h=$(hash_of v.img)
run_nl copy "$T_TMP/src" v.img:/x
expect_rc "unreadable mirror: copy into it" 2
expect_eq "unreadable mirror: copy into it: the message" \
	"ntfslinks: 'v.img:/x': cannot open the image for writing: $why" "$T_ERR"
run_nl copy --dry-run "$T_TMP/src" v.img:/x
expect_rc "unreadable mirror: copy --dry-run into it, refused as the copy is" 2
expect_eq "unreadable mirror: copy --dry-run into it: the message" \
	"ntfslinks: 'v.img:/x': cannot open the image for writing: $why" "$T_ERR"
run_nl ln v.img:/a/one.txt v.img:/a/three.txt
expect_rc "unreadable mirror: ln inside it" 2
expect_eq "unreadable mirror: ln inside it: the message" "ntfslinks: 'v.img': cannot open for writing: $why" "$T_ERR"
ro_check "unreadable mirror: writes refused" v.img "$h"
cd "$T_TMP/differs" || exit 99
run_nl copy "$T_TMP/src" v.img:/x
expect_rc "mirror that differs: copied into" 0
run_nl scan --json v.img
expect_eq "mirror that differs: in line after the copy, no warning" "" "$T_ERR"
PATH="$PATH:/usr/sbin:/sbin" ntfsfix -n v.img >/dev/null 2>&1
expect_eq "mirror that differs: ntfsfix -n accepts the volume after the copy" 0 "$?"
run_nl info v.img /x/new.txt
expect_rc "mirror that differs: the copied file is there" 0

# both boot sectors damaged: not an NTFS volume any more
cd "$T_TMP/none" || exit 99
run_nl scan v.img
expect_rc "both boot sectors damaged: exit status" 2
expect_eq "both boot sectors damaged: message" \
	"ntfslinks: 'v.img': not an ntfs volume (bad oem id), no partition table, not a raw \$MFT" "$T_ERR"

# a damaged boot sector in a partition: its backup at the end of the partition
# shellcheck disable=SC1091 # mkdisk
. "$TESTS_SRCDIR/audit-disk.sh"
mkdisk "$T_TMP/disk.img" mbr "07:2048:16384:$T_TMP/boot/v.img"
run_nl hardlinks --json "$T_TMP/disk.img@1"
expect_rc "damaged boot sector in a partition: exit status" 0
expect_eq "damaged boot sector in a partition: the warning" \
	"ntfslinks: '$T_TMP/disk.img@1': primary boot sector damaged (bad oem id); the backup boot sector at byte 9436672 was used" "$T_ERR"
expect_eq "damaged boot sector in a partition: the group" "/a/one.txt|/a/two.txt" \
	"$(jfields hardlink_group names <"$T_TMP/out")"

finish
