# fuzz-lib.sh: the fuzz replays' shared steps, sourced after lib.sh by tests/fuzz-*.sh.
# A replay runs fuzz/replay_NAME (the harness without libFuzzer) over
# fuzz/corpus-image (the findings) and over seed images built from
# fuzz/seeds/*.spec (the first also as an MBR disk, a GPT disk and a raw
# $MFT), each followed by N structure-aware mutants from a fixed seed, every
# run under a time limit (and, in a LeakSanitizer build, checked for leaks).
# A failing input is left in the build directory as
# replay-failed-N.bin: 'fuzz/fuzzimg decode' turns it into an image to run
# ntfslinks on.

# fuzz_seeds: build the seed images into $T_TMP/seeds.
fuzz_seeds() {
	mkdir -p "$T_TMP/seeds"
	for spec in "$FUZZ_SRCDIR"/seeds/*.spec; do
		"$MKFIXTURE" "$spec" "$T_TMP/seeds/$(basename "$spec" .spec).img" >/dev/null ||
			fail "cannot build a seed from $spec"
	done
	for how in mbr gpt mft; do
		"$FUZZ_BUILDDIR/fuzzimg" "$how" "$T_TMP/seeds/links.img" "$T_TMP/seeds/links-$how.img" ||
			fail "fuzzimg $how"
	done
}

# fuzz_replay NAME N: replay fuzz/replay_NAME with N mutants of every input;
# it must end without a failure having run every input and mutant.
fuzz_replay() {
	seeds=$(find "$T_TMP/seeds" -name '*.img' | sort)
	corpus=$(find "$FUZZ_SRCDIR/corpus-image" -type f | wc -l)
	# shellcheck disable=SC2086 # one argument per seed image
	FUZZ_MUTATIONS=$2 FUZZ_RUN_TIMEOUT=20 FUZZ_TMPDIR=$T_TMP FUZZ_LEAK_EACH=1 \
		timeout 1200 "$FUZZ_BUILDDIR/replay_$1" $seeds >"$T_TMP/log" 2>&1
	T_RC=$?
	expect_rc "replay_$1 ends without a failure" 0
	[ "$T_RC" = 0 ] || tail -n 40 "$T_TMP/log"
	files=$((corpus + $(echo "$seeds" | wc -l)))
	expect_eq "replay_$1 ran every input and mutant" \
		"replay: $files files, $((files * ($2 + 1))) runs" "$(tail -n 1 "$T_TMP/log")"
}
