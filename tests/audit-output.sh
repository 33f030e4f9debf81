#!/bin/sh
# audit-output.sh: how the audit commands write: formats a command refuses, empty CSV tables,
# libntfs-3g's messages under -v, 'help help', the escapes the man page shows.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3

cat >"$T_TMP/out.spec" <<'SPEC'
image size=16M
file "/a|b.txt" text=pipe
SPEC
img=$T_TMP/out.img
build_fixture "$T_TMP/out.spec" "$img"
h0=$(hash_of "$img")

# --- 'help help' --------------------------------------------------------------------------
run_nl help help
expect_rc "help help" 0
expect_eq "help help prints the program's usage" "$("$NTFSLINKS" --help)" "$T_OUT"

# --- a format the command does not write is refused, naming those it does ---------------------
run_nl info --csv "$img" "/a|b.txt"
expect_rc "info --csv" 2
expect_eq "info --csv: message" "ntfslinks: info writes text, --json, not --csv
Try 'ntfslinks help info' for more information." "$T_ERR"
run_nl partitions --bodyfile "$img"
expect_rc "partitions --bodyfile" 2
expect_eq "partitions --bodyfile: message" "ntfslinks: partitions writes text, --json, --csv, not --bodyfile
Try 'ntfslinks help partitions' for more information." "$T_ERR"
run_nl truesize -0 "$img" /
expect_eq "truesize -0: message" "ntfslinks: truesize writes text, --json, --csv, not -0
Try 'ntfslinks help truesize' for more information." "$T_ERR"

# --- partitions --csv of a disk without partitions: the header row alone ---------------------
run_nl partitions --csv "$img"
expect_rc "partitions --csv, no partitions" 0
expect_eq "partitions --csv, no partitions: the header" \
	"number,partition_type,start,size,ntfs,type_id,name" "$(printf '%s\n' "$T_OUT" | tr -d '\r')"

# --- -v: every libntfs-3g message is a line of its own -----------------------------------------
# The image cut after the first records of $MFT, before the data of $UpCase that libntfs-3g reads
# when it mounts: libntfs-3g says so, then the open fails, naming the shortfall.
bad=$T_TMP/cut.img
cut=$(python3 -c 'import struct, sys
h = open(sys.argv[1], "rb").read(512)
print(struct.unpack_from("<Q", h, 0x30)[0] * struct.unpack_from("<H", h, 0x0B)[0] * h[0x0D] + 24 * 1024)' "$img")
head -c "$cut" "$img" >"$bad"
run_nl -v scan "$bad"
expect_rc "-v scan of an image cut before \$UpCase" 2
expect_eq "-v: each libntfs-3g message ends its line" "libntfs-3g: ntfs_attr_pread_i: ntfs_pread failed: input/output error
libntfs-3g: Failed to read \$UpCase, unexpected length (-1 != 131072).
ntfslinks: '$bad': cannot open the ntfs volume at offset 0: input/output error (the image is truncated: $cut of 16777216 bytes)" "$T_ERR"

# --- the man page's escape for '|' in a bodyfile is the one written ---------------------------
run_nl siblings --bodyfile "$img" "/a|b.txt"
expect_eq "bodyfile: '|' escaped" '0|/a\x{7c}b.txt' "$(printf '%s\n' "$T_OUT" | cut -d'|' -f1-2)"
T_CHECKS=$((T_CHECKS + 1))
grep -qF '.Ql \ex{7c} .' "$TESTS_SRCDIR/../man/ntfslinks-audit.1" ||
	fail "ntfslinks-audit(1) does not show the bodyfile's '|' escape as \\x{7c}"
expect_eq "read-only" "$h0" "$(hash_of "$img")"

# --- truesize: what deleting the folder would free --------------------------------------------
# In /t: x (10000 bytes) also has a name outside, so deleting /t keeps it; y (20000) has its two
# names inside; z (5000) one. 4096-byte clusters: 12288, 20480 and 8192 allocated.
cat >"$T_TMP/free.spec" <<'SPEC'
image size=16M cluster=4096
dir /t
file /t/x size=10000
link /t/x /x-outside
file /t/y size=20000
link /t/y /t/y2
file /t/z size=5000
SPEC
build_fixture "$T_TMP/free.spec" "$T_TMP/free.img"
nl_json truesize "$T_TMP/free.img" /t
expect_rc "truesize /t" 0
expect_eq "truesize: naive, true and freed bytes and clusters" "55000	35000	61440	40960	25000	28672" \
	"$(jfields truesize naive_bytes true_bytes naive_alloc true_alloc freed_bytes freed_alloc <"$T_TMP/out")"
run_nl truesize --bytes "$T_TMP/free.img" /t
expect_match "truesize --bytes text: freed" '^Freed by deleting: +25000$' "$T_OUT"

# --- info: $STANDARD_INFORMATION's security id, owner id and USN; each $FILE_NAME's parent
# and times. The file's $STANDARD_INFORMATION creation and modification times are then set to
# 2030 in place (as a timestamp changer does); its $FILE_NAME times keep 2021.
cat >"$T_TMP/fn.spec" <<'SPEC'
image size=16M
dir /d
file /d/a.txt text=a time=2021-06-01T12:00:00Z
link /d/a.txt /b.txt
times /d/a.txt time=2021-06-01T12:00:00Z
security /d/a.txt sd=0100048014000000240000000000000034000000010200000000000520000000200200000102000000000005200000002002000002001c00010000000000140089001200010100000000000100000000
SPEC
fimg=$T_TMP/fn.img
build_fixture "$T_TMP/fn.spec" "$fimg"
m_a=$(mft_of "$fimg" /d/a.txt)
m_d=$(mft_of "$fimg" /d)
sid=$(PATH="$PATH:/usr/sbin:/sbin" ntfsinfo -F /d/a.txt "$fimg" 2>/dev/null | sed -n 's/^[[:space:]]*Security ID:[[:space:]]*\([0-9]*\) .*/\1/p')
python3 - "$fimg" "$m_a" <<'PY'
import struct, sys
path, rec = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    b = f.read(512)
    cl = struct.unpack_from("<H", b, 0x0B)[0] * b[0x0D]
    c = struct.unpack_from("<b", b, 0x40)[0]
    rs = cl * c if c > 0 else 1 << -c
    off = struct.unpack_from("<Q", b, 0x30)[0] * cl + rec * rs
    f.seek(off)
    r = f.read(512)
    a = struct.unpack_from("<H", r, 0x14)[0]
    assert struct.unpack_from("<I", r, a)[0] == 0x10
    v = a + struct.unpack_from("<H", r, a + 0x14)[0]
    t2030 = (1893456000 + 11644473600) * 10**7
    f.seek(off + v)
    f.write(struct.pack("<QQ", t2030, t2030))
PY
nl_json info "$fimg" /d/a.txt
expect_rc "info" 0
expect_eq "info: security id (as ntfsinfo reads it), owner id, USN" "${sid:-?}	0	0" \
	"$(jfields info security_id owner_id usn <"$T_TMP/out")"
expect_eq "info: the changed \$STANDARD_INFORMATION times" \
	"2030-01-01T00:00:00.0000000Z	2030-01-01T00:00:00.0000000Z	2021-06-01T12:00:00.0000000Z" \
	"$(jfields info crtime mtime atime <"$T_TMP/out")"
expect_eq "info: each \$FILE_NAME, its parent and its own times" \
"b.txt	posix	5	5	2021-06-01T12:00:00.0000000Z	2021-06-01T12:00:00.0000000Z	2021-06-01T12:00:00.0000000Z	2021-06-01T12:00:00.0000000Z
a.txt	posix	$m_d	1	2021-06-01T12:00:00.0000000Z	2021-06-01T12:00:00.0000000Z	2021-06-01T12:00:00.0000000Z	2021-06-01T12:00:00.0000000Z" \
	"$(jfields file_name name namespace parent parent_seq crtime mtime ctime atime <"$T_TMP/out")"
run_nl info "$fimg" /b.txt
expect_match "info text: the \$FILE_NAME table" "^a.txt +posix +$m_d +1 +2021-06-01T12:00:00.0000000Z" "$T_OUT"
expect_match "info text: security id" "^Security ID: +$sid\$" "$T_OUT"

# --- one vocabulary: the tag's directory bit and the record's folder flag under their own
# names; a directory symbolic link is "symlinkd" in text; summary labels are the JSON keys;
# "names" is always an array of paths, counts are "name_count".
cat >"$T_TMP/voc.spec" <<'SPEC'
image size=16M
dir /t
file /f.txt text=x
symlink /sd "\??\C:\t" dir
symlink /sf "\??\C:\f.txt"
junction /j "\??\C:\t"
SPEC
vimg=$T_TMP/voc.img
build_fixture "$T_TMP/voc.spec" "$vimg"
nl_json reparse "$vimg"
expect_eq "reparse --json: tag bits and the record's folder flag" "/j	junction	false	true
/sd	symlink	false	true
/sf	symlink	false	false" "$(jfields reparse path tag_name tag_directory_bit directory <"$T_TMP/out")"
run_nl reparse "$vimg"
expect_eq "reparse text: TYPE as 'dir /al' shows it" "junction /j
symlinkd /sd
symlink /sf" "$(printf '%s\n' "$T_OUT" | awk '$1 ~ /^[0-9]+$/ { print $2, $4 }')"
expect_eq "reparse text: summary labels are the JSON keys" "Unknown:          0
Not links:        0" "$(printf '%s\n' "$T_OUT" | grep -E '^(Unknown|Not links):')"
nl_json scan "$vimg"
# folders: the root, $Extend, /t, and the junction and directory symbolic link
expect_eq "scan --json: keys that say what they count" "5	<missing>	<missing>" \
	"$(jfields summary directories files names <"$T_TMP/out")"
expect_match "scan --json: files_and_directories, name_count" '^[0-9]+	[0-9]+$' \
	"$(jfields summary files_and_directories name_count <"$T_TMP/out")"
nl_json truesize "$vimg" /
expect_eq "truesize --json: name_count" "5	<missing>" "$(jfields truesize name_count names <"$T_TMP/out")"

# --- tags that are not links, decoded: a store app alias (AppExecLink) and a WOF-compressed file
appexec=$(python3 -c 'print((b"\x03\x00\x00\x00" + "Microsoft.App_8wekyb3d8bbwe\0Microsoft.App_8wekyb3d8bbwe!App\0C:\\Program Files\\WindowsApps\\app.exe\0".encode("utf-16-le")).hex())')
cat >"$T_TMP/tags.spec" <<SPEC
image size=16M
reparse /app.exe tag=0x8000001b data=$appexec
reparse /wof.dll tag=0x80000017 data=01000000020000000100000001000000
reparse /wim.dll tag=0x80000017 data=0100000001000000
SPEC
timg=$T_TMP/tags.img
build_fixture "$T_TMP/tags.spec" "$timg"
nl_json reparse "$timg"
expect_eq "reparse --json: AppExecLink and WOF fields" \
'/app.exe	appexeclink	Microsoft.App_8wekyb3d8bbwe	Microsoft.App_8wekyb3d8bbwe!App	C:\Program Files\WindowsApps\app.exe	-	-
/wim.dll	wof	-	-	-	wim	-
/wof.dll	wof	-	-	-	file	lzx' \
	"$(jfields reparse path tag_name app_package app_user_model_id app_target wof_provider wof_algorithm <"$T_TMP/out")"
nl_json info "$timg" /app.exe
expect_eq "info --json: AppExecLink fields" \
	'Microsoft.App_8wekyb3d8bbwe	Microsoft.App_8wekyb3d8bbwe!App	C:\Program Files\WindowsApps\app.exe' \
	"$(jfields info app_package app_user_model_id app_target <"$T_TMP/out")"
run_nl info "$timg" /wof.dll
expect_eq "info text: WOF fields" "WOF provider:       file
WOF algorithm:      lzx" "$(printf '%s\n' "$T_OUT" | grep '^WOF')"
finish
