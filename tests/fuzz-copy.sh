#!/bin/sh
# fuzz-copy.sh: the copy fuzzer (a damaged image copied into a throw-away
# folder or a fresh image) replayed without libFuzzer over its corpus, seeds
# and FUZZ_COPY_MUTATIONS (default 150) mutants of each (tests/fuzz-lib.sh).
. "${TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"
. "$TESTS_SRCDIR/fuzz-lib.sh"

fuzz_seeds
fuzz_replay copy "${FUZZ_COPY_MUTATIONS:-150}"
finish
