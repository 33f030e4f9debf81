/* replay.c: run a libFuzzer harness without libFuzzer over committed seeds and derived mutations (a 'make check' regression test). */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Build with the harness source and -DFUZZ_SEED_DIR='"/abs/dir"'.  Every
 * file in that directory is fed to LLVMFuzzerTestOneInput as is, then every
 * prefix of it, then REPLAY_MUTATIONS copies with pseudo-random byte
 * changes (fixed seed: the run is reproducible).  Extra arguments are files
 * to replay as well (e.g. a crash file from a fuzzing run).  Exits 0, or 99
 * if the seed directory cannot be read; a crash or sanitizer report fails
 * the test by itself.
 */
#ifndef REPLAY_MUTATIONS
#define REPLAY_MUTATIONS 300
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t rng = 0x2545F491u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static int replay_file(const char *path, unsigned long *runs)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *mut;
	size_t n = 0, cap = 0, got;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s'\n", path);
		return -1;
	}
	do {
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);

	LLVMFuzzerTestOneInput(buf, n);
	(*runs)++;
	for (size_t k = 0; k < n; k++, (*runs)++)
		LLVMFuzzerTestOneInput(buf, k);
	mut = malloc(n ? n : 1);
	for (int m = 0; mut && n && m < REPLAY_MUTATIONS; m++, (*runs)++) {
		int changes = 1 + (int)(next_rand() % 4);

		memcpy(mut, buf, n);
		while (changes--) {
			size_t at = next_rand() % n;

			switch (next_rand() % 3) {
			case 0: mut[at] ^= (uint8_t)(1u << (next_rand() % 8)); break;
			case 1: mut[at] = (uint8_t)next_rand(); break;
			default: mut[at] = (uint8_t)(next_rand() & 1 ? 0xFF : 0x00); break;
			}
		}
		LLVMFuzzerTestOneInput(mut, n);
	}
	free(mut);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	DIR *d = opendir(FUZZ_SEED_DIR);
	struct dirent *e;
	unsigned long runs = 0, files = 0;
	int bad = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open seed directory '%s'\n", FUZZ_SEED_DIR);
		return 99;
	}
	while ((e = readdir(d))) {
		char path[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", FUZZ_SEED_DIR, e->d_name);
		if (replay_file(path, &runs) < 0)
			bad = 1;
		files++;
	}
	closedir(d);
	for (int i = 1; i < argc; i++, files++)
		if (replay_file(argv[i], &runs) < 0)
			bad = 1;
	printf("replay: %lu files, %lu runs\n", files, runs);
	if (files == 0) {
		fprintf(stderr, "replay: no seeds in '%s'\n", FUZZ_SEED_DIR);
		return 99;
	}
	return bad ? 99 : 0;
}
