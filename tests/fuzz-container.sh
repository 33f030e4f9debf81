#!/bin/sh
# fuzz-container.sh: the container fuzzer (fuzz/fuzz_container.c: partitions, volume opening, scan and --verify's
# hashing through libewf, libvhdi, libvmdk and libqcow) replayed without libFuzzer over fuzz/corpus-container and over
# an E01 (compressed and not), VHD, VHDX, VMDK and QCOW2 of a small image made at test time, FUZZ_MUTATIONS (default 60) mutants of each.
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

formats=$("$NTFSLINKS" --version | sed -n 's/^image formats: //p' | tr -d ,)
have() { case " $formats " in *" $1 "*) return 0 ;; esac; return 1; }

cat >"$T_TMP/c.spec" <<'EOS'
image size=2M
file -p /a/one.txt text=hello
link /a/one.txt /b-one.txt
junction -p /j/to-a \??\C:\a
EOS
build_fixture "$T_TMP/c.spec" "$T_TMP/vol.img"
mkdir "$T_TMP/seeds"
cd "$T_TMP/seeds" || exit 99
if have ewf && command -v ewfacquire >/dev/null 2>&1; then
	ewfacquire -u -t vol -f encase6 -c best -d sha1 ../vol.img >/dev/null 2>&1 || fail "ewfacquire"
	# uncompressed: its chunks are read straight from the file, not through libewf
	ewfacquire -u -t plain -f encase6 -c none ../vol.img >/dev/null 2>&1 || fail "ewfacquire -c none"
fi
if command -v qemu-img >/dev/null 2>&1; then
	have vhd && qemu-img convert -O vpc ../vol.img vol.vhd && qemu-img convert -O vhdx ../vol.img vol.vhdx
	have vmdk && qemu-img convert -O vmdk ../vol.img vol.vmdk
	have qcow && qemu-img convert -O qcow2 ../vol.img vol.qcow2
fi
seeds=$(find "$T_TMP/seeds" -type f | sort)
[ -n "$seeds" ] || skip "no container could be made (ewfacquire, qemu-img or the libraries missing)"

n=${FUZZ_MUTATIONS:-60}
corpus=$(find "$FUZZ_SRCDIR/corpus-container" -type f | wc -l)
# libewf does not free its chunk buffer when a read fails (tests/lsan-libewf.supp)
# shellcheck disable=SC2086 # one argument per seed
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$TESTS_SRCDIR/lsan-libewf.supp:print_suppressions=0" \
FUZZ_MUTATIONS=$n FUZZ_RUN_TIMEOUT=20 FUZZ_TMPDIR=$T_TMP FUZZ_LEAK_EACH=1 \
	timeout 600 "$FUZZ_BUILDDIR/replay_container" $seeds >"$T_TMP/log" 2>&1
T_RC=$?
expect_rc "replay_container ends without a failure" 0
[ "$T_RC" = 0 ] || tail -n 40 "$T_TMP/log"
files=$((corpus + $(echo "$seeds" | wc -l)))
expect_eq "replay_container ran every input and mutant" \
	"replay: $files files, $((files * (n + 1))) runs" "$(tail -n 1 "$T_TMP/log")"
finish
