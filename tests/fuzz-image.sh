#!/bin/sh
# fuzz-image.sh: the image fuzzer (open, scan, analysis, every output
# format) replayed without libFuzzer over its corpus, seeds and
# FUZZ_MUTATIONS (default 500) mutants of each (tests/fuzz-lib.sh).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/fuzz-lib.sh"

fuzz_seeds
fuzz_replay image "${FUZZ_MUTATIONS:-500}"
finish
