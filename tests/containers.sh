#!/bin/sh
# containers.sh: images inside containers (split raw, E01, VHD, VHDX, VMDK, QCOW2) made with Debian's own tools
# give every audit command's output byte for byte as the raw image does; partitions inside them; copy from them;
# writing into them refused; damaged containers named in a clear error.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/audit-lib.sh"
need_cmd python3 split

formats=$("$NTFSLINKS" --version | sed -n 's/^image formats: //p' | tr -d ,)
have() { case " $formats " in *" $1 "*) return 0 ;; esac; return 1; }
tools=
command -v qemu-img >/dev/null 2>&1 && tools="$tools qemu"
command -v ewfacquire >/dev/null 2>&1 && tools="$tools ewf"
uses() { case " $tools " in *" $1 "*) return 0 ;; esac; return 1; }
have ewf && ! uses ewf && echo "containers: E01 parts skipped: ewfacquire (ewf-tools) is not installed"
have ewf || echo "containers: E01 parts skipped: built without libewf"
for f in vhd vmdk qcow; do
	have $f || echo "containers: $f parts skipped: built without lib$f"
done
uses qemu || echo "containers: VHD, VMDK and QCOW2 parts skipped: qemu-img (qemu-utils) is not installed"

cat >"$T_TMP/v1.spec" <<'EOF'
image size=8M
file -p /a/one.txt text=hello
dir /b
link /a/one.txt /b/one.txt
file /a/two.txt text=two
link /a/two.txt /a/two-b.txt
junction -p /j/to-a \??\C:\a
symlink -p /s/out \??\C:\elsewhere
EOF
cat >"$T_TMP/v2.spec" <<'EOF'
image size=8M
file -p /two/x.txt text=second
link /two/x.txt /two/y.txt
link /two/x.txt /z.txt
junction -p /j/up \??\C:\two
EOF
build_fixture "$T_TMP/v1.spec" "$T_TMP/vol.img"
build_fixture "$T_TMP/v2.spec" "$T_TMP/v2.img"
# shellcheck disable=SC1091 # mkdisk
. "$TESTS_SRCDIR/audit-disk.sh"
mkdisk "$T_TMP/mbr.img" mbr "07:2048:16384:$T_TMP/vol.img" "07:18432:16384:$T_TMP/v2.img"
mkdisk "$T_TMP/gpt.img" gpt "linux:2048:2048" "data:4096:16384:$T_TMP/v2.img"

cd "$T_TMP" || exit 99

# wrap RAW FORMAT: the container of FORMAT made from RAW; prints its name (empty when skipped)
wrap() {
	base=${1%.img}
	case $2 in
	split)
		mkdir -p "$base.parts" && split -b 3M "$1" "$base.parts/$base.img." && echo "$base.parts/$base.img.aa" ;;
	ewf)
		have ewf && uses ewf || return 0
		ewfacquire -u -t "$base" -f encase6 -c none -C "CASE-7" -e "A. Examiner" -E "EV-1" \
			-D "test disk" -N "no notes" -d sha1 "$1" >/dev/null 2>&1 && echo "$base.E01" ;;
	vpc|vhdx|qcow2|vmdk)
		case $2 in vpc|vhdx) lib=vhd ;; qcow2) lib=qcow ;; *) lib=vmdk ;; esac
		have $lib && uses qemu || return 0
		# force_size: VHD keeps the size exact (no rounding to a CHS geometry)
		o=; [ "$2" = vpc ] && o="-o force_size=on"
		# shellcheck disable=SC2086 # $o: none or two words
		qemu-img convert -O "$2" $o "$1" "$base.$2" && echo "$base.$2" ;;
	vmdk-split)
		have vmdk && uses qemu || return 0
		qemu-img convert -O vmdk -o subformat=twoGbMaxExtentSparse "$1" "$base-s.vmdk" &&
			echo "$base-s.vmdk" ;;
	esac
}

# same WHAT RAW CONTAINER ARGS...: the command gives the same output and status on both
# (the container's name in the output stands for the raw image's)
same() {
	what=$1 raw=$2 ctr=$3
	shift 3
	"$NTFSLINKS" "$@" "$raw" >"$T_TMP/want" 2>"$T_TMP/want.err"
	want_rc=$?
	"$NTFSLINKS" "$@" "$ctr" >"$T_TMP/got.raw" 2>"$T_TMP/got.err"
	got_rc=$?
	sed "s|$ctr|$raw|g" "$T_TMP/got.raw" >"$T_TMP/got"
	expect_eq "$what: status" "$want_rc" "$got_rc"
	expect_file_eq "$what: output" "$T_TMP/want" "$T_TMP/got"
	expect_eq "$what: nothing on stderr" "" "$(cat "$T_TMP/got.err")"
}

n=0
for fmt in split ewf vpc vhdx vmdk vmdk-split qcow2; do
	c=$(wrap vol.img $fmt)
	[ -n "$c" ] || continue
	n=$((n + 1))
	h=$(hash_of "$c")
	for o in "" --json --csv; do
		same "plain volume in $fmt: scan $o" vol.img "$c" scan $o
	done
	for cmd in hardlinks reparse; do
		same "plain volume in $fmt: $cmd" vol.img "$c" $cmd --json
	done
	for cmd in siblings info; do
		"$NTFSLINKS" $cmd --json vol.img /a/one.txt >want 2>&1
		"$NTFSLINKS" $cmd --json "$c" /a/one.txt 2>&1 | sed "s|$c|vol.img|g" >got
		expect_file_eq "plain volume in $fmt: $cmd" want got
	done
	"$NTFSLINKS" truesize --json vol.img /a >want 2>&1
	"$NTFSLINKS" truesize --json "$c" /a 2>&1 | sed "s|$c|vol.img|g" >got
	expect_file_eq "plain volume in $fmt: truesize" want got
	ro_check "plain volume in $fmt" "$c" "$h"

	cm=$(wrap mbr.img $fmt)
	cg=$(wrap gpt.img $fmt)
	"$NTFSLINKS" partitions --json mbr.img >want
	"$NTFSLINKS" partitions --json "$cm" | grep -v '"type":"container"' | sed "s|$cm|mbr.img|g" >got
	expect_file_eq "MBR disk in $fmt: partitions" want got
	for p in 1 2; do
		same "MBR disk in $fmt: scan @$p" "mbr.img@$p" "$cm@$p" scan --json
	done
	same "MBR disk in $fmt: --partition 2" "mbr.img" "$cm" hardlinks --partition 2
	"$NTFSLINKS" partitions --json "$cg" | grep -v '"type":"container"' | sed "s|$cg|gpt.img|g" >got.json
	"$NTFSLINKS" partitions --json gpt.img >want.json
	expect_file_eq "GPT disk in $fmt: partitions" want.json got.json
	same "GPT disk in $fmt: scan (the one NTFS partition)" gpt.img "$cg" scan --json

	# copy from a partition inside the container, as from the raw disk
	rm -rf from-raw from-ctr
	run_nl copy "mbr.img@2:/two" from-raw
	run_nl copy "$cm@2:/two" from-ctr
	expect_rc "MBR disk in $fmt: copy from partition 2" 0
	expect_eq "MBR disk in $fmt: copy gives the same tree" "" "$(diff -r from-raw from-ctr)"
	expect_eq "MBR disk in $fmt: the hardlink kept" "$(stat -c %h from-raw/x.txt)" "$(stat -c %h from-ctr/x.txt)"
	# never a destination
	mkdir -p src && echo data >src/new.txt
	hc=$(hash_of "$cm")
	run_nl copy src "$cm@2:/new"
	expect_rc "MBR disk in $fmt: copy into it refused" 2
	case $fmt in vmdk-split) lbl=vmdk ;; vpc|vhdx) lbl=vhd ;; qcow2) lbl=qcow ;; *) lbl=$fmt ;; esac
	expect_eq "MBR disk in $fmt: copy into it: message" \
		"ntfslinks: '$cm@2:/new': a container is read-only ($lbl): convert it to a raw image to write to it" "$T_ERR"
	ro_check "MBR disk in $fmt (copy refused)" "$cm" "$hc"
done
[ "$n" -gt 0 ] || skip "no container could be made"

# --format forces a reading; the wrong one is an error naming the image
if have qcow && uses qemu; then
	run_nl scan --format raw vol.qcow2
	expect_rc "a QCOW2 read as raw" 2
	expect_match "a QCOW2 read as raw: message" "^ntfslinks: 'vol.qcow2': not an ntfs volume" "$T_ERR"
	run_nl scan --format qcow2 vol.img
	expect_rc "a raw image read as QCOW2" 2
	expect_eq "a raw image read as QCOW2: message" "ntfslinks: 'vol.img': damaged or unsupported qcow container" "$T_ERR"
	# a damaged header
	cp vol.qcow2 bad.qcow2
	printf 'XXXXXXXXXXXXXXXXXXXXXXXX' | dd of=bad.qcow2 bs=1 seek=8 conv=notrunc 2>/dev/null
	run_nl scan bad.qcow2
	expect_rc "a damaged QCOW2" 2
	expect_eq "a damaged QCOW2: message" "ntfslinks: 'bad.qcow2': damaged or unsupported qcow container" "$T_ERR"
fi

# E01: what it says about the acquisition; a truncated one
if have ewf && uses ewf; then
	nl_json partitions vol.E01
	expect_eq "E01 facts" "ewf	CASE-7	EV-1	A. Examiner	test disk	no notes	$(md5sum <vol.img | cut -d' ' -f1)	$(sha1sum <vol.img | cut -d' ' -f1)" \
		"$(jfields container format case_number evidence_number examiner description notes md5 sha1 <out)"
	run_nl partitions vol.E01
	expect_match "E01 facts in text" "^Case number: +CASE-7$" "$T_OUT"
	head -c 3000000 vol.E01 >cut.E01
	# libewf leaks its chunk buffer when a read fails (tests/lsan-libewf.supp)
	saved_lsan=${LSAN_OPTIONS-}
	LSAN_OPTIONS="${saved_lsan:+$saved_lsan:}suppressions=$TESTS_SRCDIR/lsan-libewf.supp:print_suppressions=0"
	export LSAN_OPTIONS
	run_nl scan cut.E01
	LSAN_OPTIONS=$saved_lsan
	expect_rc "a truncated E01" 2
	expect_eq "a truncated E01: message names it" \
		"ntfslinks: 'cut.E01': cannot read the partition table: input/output error; a damaged or incomplete ewf container" "$T_ERR"
fi

# split raw: the last segment missing is a truncated image
rm -f vol.parts/vol.img.ac
run_nl scan vol.parts/vol.img.aa
expect_rc "split set without its last segment" 0
expect_eq "split set without its last segment: warning" \
	"ntfslinks: 'vol.parts/vol.img.aa': image is truncated: 6291456 of 8388608 bytes" "$T_ERR"

finish
