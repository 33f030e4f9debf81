#!/bin/sh
# audit-input.sh: every kind of input: MBR and GPT disk images (IMAGE@N, --partition, --offset),
# a raw $MFT, 4096-byte records; unopenable inputs.  (Loop devices: audit-loopdev.sh.)
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 ntfscat

# Two small volumes with different hardlinks, to tell them apart.
cat >"$T_TMP/v1.spec" <<'EOF'
image size=8M
file -p /one/a.txt text=first
link /one/a.txt /one/b.txt
EOF
cat >"$T_TMP/v2.spec" <<'EOF'
image size=8M
file -p /two/x.txt text=second
link /two/x.txt /two/y.txt
link /two/x.txt /z.txt
EOF
build_fixture "$T_TMP/v1.spec" "$T_TMP/v1.img"
build_fixture "$T_TMP/v2.spec" "$T_TMP/v2.img"
g1="/one/a.txt|/one/b.txt"
g2="/two/x.txt|/two/y.txt|/z.txt"

# shellcheck disable=SC1091 # mkdisk
. "$TESTS_SRCDIR/audit-disk.sh"

groups() { jfields hardlink_group names <"$T_TMP/out" | paste -sd' '; }

# --- MBR disk with one NTFS partition and a Linux one ----------------------------------
disk=$T_TMP/mbr1.img
mkdisk "$disk" mbr "07:2048:16384:$T_TMP/v1.img" "83:18432:2048"
hd=$(hash_of "$disk")
nl_json partitions "$disk"
expect_rc "partitions" 0
json_ok "partitions --json" "$T_TMP/out"
expect_eq "partitions of an MBR disk" "1	ntfs	1048576	8388608	true	0x07
2	linux	9437184	1048576	false	0x83" \
	"$(jfields partition number partition_type start size ntfs type_id <"$T_TMP/out")"
expect_eq "disk summary" "mbr	512	2" "$(jfields disk scheme sector_size partitions <"$T_TMP/out")"
run_nl partitions "$disk"
expect_match "partitions text" '^1 +ntfs +1048576 +8M +true' "$T_OUT"
run_nl partitions --bytes "$disk"
expect_match "partitions text in bytes" '^1 +ntfs +1048576 +8388608 +true' "$T_OUT"
run_nl partitions --csv "$disk"
expect_eq "partitions --csv" "number,partition_type,start,size,ntfs,type_id,name
1,ntfs,1048576,8388608,true,0x07,
2,linux,9437184,1048576,false,0x83," "$(tr -d '\r' <"$T_TMP/out")"

nl_json hardlinks "$disk"
expect_rc "the only NTFS partition is used" 0
expect_eq "the only NTFS partition is used: groups" "$g1" "$(groups)"
for spec in "$disk@1" "--partition=1 $disk" "--offset 1048576 $disk" "--offset 2048s $disk" "--offset 0x100000 $disk"; do
	# shellcheck disable=SC2086
	nl_json hardlinks $spec
	expect_rc "hardlinks $spec" 0
	expect_eq "hardlinks $spec: groups" "$g1" "$(groups)"
done
run_nl hardlinks "$disk@2"
expect_rc "a partition that is not NTFS" 2
expect_eq "a partition that is not NTFS: message" "ntfslinks: '$disk@2': partition 2 is not ntfs; partitions: 1 ntfs at 1048576 (8388608 bytes), 2 linux at 9437184 (1048576 bytes)" "$T_ERR"
run_nl hardlinks "$disk@3"
expect_rc "no such partition" 2
expect_match "no such partition: message names the image and lists the partitions" "^ntfslinks: '$disk@3': no partition 3; partitions: 1 ntfs at 1048576" "$T_ERR"
run_nl hardlinks --offset 4096 "$disk"
expect_rc "--offset where there is no NTFS" 2
expect_match "--offset where there is no NTFS: message" "^ntfslinks: '$disk': " "$T_ERR"
run_nl hardlinks --offset 12q "$disk"
expect_rc "bad --offset" 2
expect_eq "bad --offset: message" "ntfslinks: invalid offset '12q'
Try 'ntfslinks help hardlinks' for more information." "$T_ERR"
run_nl hardlinks --partition 0 "$disk"
expect_rc "--partition 0" 2
expect_eq "--partition 0: message" "ntfslinks: '$disk': invalid partition number '0' (partitions are numbered from 1)" "$T_ERR"
run_nl hardlinks "$disk@0"
expect_rc "IMAGE@0" 2
expect_eq "IMAGE@0: the message of --partition 0" "ntfslinks: '$disk@0': invalid partition number '0' (partitions are numbered from 1)" "$T_ERR"
run_nl hardlinks --partition x1 "$disk"
expect_rc "--partition x1" 2
expect_eq "--partition x1: message" "ntfslinks: '$disk': invalid partition number 'x1' (partitions are numbered from 1)" "$T_ERR"
run_nl hardlinks --partition 1 --offset 0 "$disk"
expect_rc "--partition with --offset" 2
ro_check "MBR disk" "$disk" "$hd"

# --- MBR disk with two NTFS partitions: one must be chosen ------------------------------
disk2=$T_TMP/mbr2.img
mkdisk "$disk2" mbr "07:2048:16384:$T_TMP/v1.img" "07:18432:16384:$T_TMP/v2.img"
hd2=$(hash_of "$disk2")
run_nl hardlinks "$disk2"
expect_rc "two NTFS partitions, none chosen" 2
expect_match "two NTFS partitions: the message lists them" \
	"^ntfslinks: '$disk2': .*1 ntfs at 1048576 \\(8388608 bytes\\), 2 ntfs at 9437184 \\(8388608 bytes\\)" "$T_ERR"
expect_eq "two NTFS partitions: nothing on stdout" "" "$T_OUT"
nl_json hardlinks "$disk2@2"
expect_eq "IMAGE@2" "$g2" "$(groups)"
nl_json hardlinks --partition 1 "$disk2"
expect_eq "--partition 1" "$g1" "$(groups)"
nl_json hardlinks --offset $((18432 * 512)) "$disk2"
expect_eq "--offset of the second" "$g2" "$(groups)"
ro_check "MBR disk with two volumes" "$disk2" "$hd2"

# --- GPT disk ------------------------------------------------------------------------------
gpt=$T_TMP/gpt.img
mkdisk "$gpt" gpt "linux:2048:2048" "data:4096:16384:$T_TMP/v2.img"
hg=$(hash_of "$gpt")
nl_json partitions "$gpt"
expect_rc "partitions of a GPT disk" 0
expect_eq "partitions of a GPT disk" "1	linux	1048576	1048576	false	0FC63DAF-8483-4772-8E79-3D69D8477DE4	part1
2	ntfs	2097152	8388608	true	EBD0A0A2-B9E5-4433-87C0-68B6B72699C7	part2" \
	"$(jfields partition number partition_type start size ntfs type_id name <"$T_TMP/out")"
expect_eq "GPT disk summary" "gpt	2" "$(jfields disk scheme partitions <"$T_TMP/out")"
nl_json hardlinks "$gpt"
expect_eq "GPT: the only NTFS partition" "$g2" "$(groups)"
nl_json hardlinks "$gpt@2"
expect_eq "GPT: IMAGE@2" "$g2" "$(groups)"
ro_check "GPT disk" "$gpt" "$hg"

# --- no partition table --------------------------------------------------------------------
nl_json partitions "$T_TMP/v1.img"
expect_rc "partitions of a bare volume" 0
expect_eq "partitions of a bare volume" "none	0" "$(jfields disk scheme partitions <"$T_TMP/out")"

# --- a raw $MFT ----------------------------------------------------------------------------
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$T_TMP/v2.img" '$MFT' >"$T_TMP/mft.raw" 2>/dev/null ||
	{ echo "FAIL: ntfscat could not extract \$MFT"; exit 99; }
hm=$(hash_of "$T_TMP/mft.raw")
nl_json hardlinks "$T_TMP/v2.img"
cp "$T_TMP/out" "$T_TMP/from-image"
nl_json hardlinks "$T_TMP/mft.raw"
expect_rc "hardlinks on a raw \$MFT" 0
expect_file_eq "raw \$MFT gives the same groups as the volume" "$T_TMP/from-image" "$T_TMP/out"
nl_json siblings "$T_TMP/mft.raw" /two/y.txt
expect_eq "siblings on a raw \$MFT" "/two/x.txt|/two/y.txt|/z.txt" "$(jfields name path <"$T_TMP/out" | paste -sd'|')"
run_nl partitions "$T_TMP/mft.raw"
expect_rc "partitions of a raw \$MFT" 0
ro_check "raw \$MFT" "$T_TMP/mft.raw" "$hm"

# --- 4096-byte MFT records (4Kn sectors) ----------------------------------------------------
cat >"$T_TMP/4k.spec" <<'EOF'
image size=32M sector=4096
file -p /d/f.txt text=four
link /d/f.txt /d/g.txt
file -p /many/m00 text=m
link /many/m00 /many/m{01..34}
EOF
build_fixture "$T_TMP/4k.spec" "$T_TMP/4k.img"
h4=$(hash_of "$T_TMP/4k.img")
rs=$(PATH="$PATH:/usr/sbin:/sbin" ntfsinfo -m "$T_TMP/4k.img" 2>/dev/null | sed -n 's/^[[:space:]]*MFT Record Size:[[:space:]]*\([0-9]*\).*/\1/p')
expect_eq "the fixture has 4096-byte records (ntfsinfo)" 4096 "$rs"
nl_json hardlinks "$T_TMP/4k.img"
expect_rc "hardlinks with 4096-byte records" 0
expect_eq "hardlinks with 4096-byte records" "/d/f.txt|/d/g.txt 35" \
	"$(jfields hardlink_group names count <"$T_TMP/out" | sed -n 1p | cut -f1) $(jfields hardlink_group count <"$T_TMP/out" | sed -n 2p)"
PATH="$PATH:/usr/sbin:/sbin" ntfscat "$T_TMP/4k.img" '$MFT' >"$T_TMP/mft4k.raw" 2>/dev/null
nl_json hardlinks "$T_TMP/mft4k.raw"
expect_eq "raw \$MFT with 4096-byte records" "/d/f.txt|/d/g.txt" "$(jfields hardlink_group names <"$T_TMP/out" | sed -n 1p)"
ro_check "4096-byte records" "$T_TMP/4k.img" "$h4"

# --- inputs that cannot be opened ------------------------------------------------------------
run_nl hardlinks "$T_TMP/missing.img"
expect_rc "missing image" 2
expect_match "missing image: message" "^ntfslinks: '$T_TMP/missing.img': " "$T_ERR"
head -c 100000 /dev/zero >"$T_TMP/zero.img"
run_nl hardlinks "$T_TMP/zero.img"
expect_rc "not NTFS" 2
expect_match "not NTFS: message names the image" "^ntfslinks: '$T_TMP/zero.img': " "$T_ERR"
expect_eq "not NTFS: one line" 1 "$(printf '%s\n' "$T_ERR" | wc -l | tr -d ' ')"

finish
