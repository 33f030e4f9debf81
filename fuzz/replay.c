/* replay.c: run a libFuzzer harness without libFuzzer over committed seeds and derived mutations (a 'make check' regression test). */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Build with the harness source and -DFUZZ_SEED_DIR='"/abs/dir"'.  Every
 * file in that directory is fed to LLVMFuzzerTestOneInput as is, then every
 * prefix of it, then REPLAY_MUTATIONS copies with pseudo-random byte
 * changes (fixed seed: the run is reproducible).  A harness that defines
 * LLVMFuzzerCustomMutator gets its own mutations instead of prefixes and
 * byte changes: each mutant is the seed or the mutant before it mutated
 * once more (seed n of the mutator is the n-th run).  Extra arguments are
 * files to replay as well (e.g. a crash file from a fuzzing run).
 * FUZZ_MUTATIONS in the environment overrides the count per file.  A run
 * that takes over FUZZ_RUN_TIMEOUT seconds (default 10) is a failure.  On
 * a failure (a sanitizer report, a timeout) the input is written to
 * replay-failed-N.bin in the current directory; with FUZZ_LEAK_EACH set
 * (LeakSanitizer builds) leaks are looked for after every run, to name the
 * input that leaks.  Exits 0, or 99 if the seed
 * directory cannot be read; a crash or sanitizer report fails the test by
 * itself.
 */
#ifndef REPLAY_MUTATIONS
#define REPLAY_MUTATIONS 300
#endif
#define REPLAY_MAX_INPUT (8u << 20)  /* what a custom mutator may grow an input to */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
	__attribute__((weak));
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static uint32_t rng = 0x2545F491u;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The input being run, kept for the failure report. */
static const uint8_t *cur_data;
static size_t cur_size;
static unsigned long cur_run;

static void save_input(void)
{
	char name[64];
	int fd;

	if (!cur_data)
		return;  /* between runs (a leak found at exit): no single input to blame */

	snprintf(name, sizeof(name), "replay-failed-%lu.bin", cur_run);
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, cur_data, cur_size) != (ssize_t)cur_size)
			(void)0;
		close(fd);
	}
	fprintf(stderr, "replay: run %lu failed; its input is in %s\n", cur_run, name);
}

static void on_timeout(int sig)
{
	(void)sig;
	fprintf(stderr, "replay: run %lu takes too long\n", cur_run);
	save_input();
	_exit(1);
}

static void run_one(const uint8_t *data, size_t size, unsigned long *runs)
{
	static unsigned timeout;

	if (!timeout) {
		const char *t = getenv("FUZZ_RUN_TIMEOUT");

		timeout = t && atoi(t) > 0 ? (unsigned)atoi(t) : 10;
		signal(SIGALRM, on_timeout);
	}
	cur_data = data;
	cur_size = size;
	cur_run = *runs;
	alarm(timeout);
	LLVMFuzzerTestOneInput(data, size);
	alarm(0);
	if (__lsan_do_recoverable_leak_check && getenv("FUZZ_LEAK_EACH") &&
	    __lsan_do_recoverable_leak_check())
		save_input();
	cur_data = NULL;
	(*runs)++;
}

static unsigned long mutations(void)
{
	const char *m = getenv("FUZZ_MUTATIONS");

	return m && *m ? strtoul(m, NULL, 10) : REPLAY_MUTATIONS;
}

/* The harness's own mutator: chains of mutants from @buf. */
static void replay_custom(const uint8_t *buf, size_t n, unsigned long *runs)
{
	uint8_t *mut = malloc(REPLAY_MAX_INPUT);
	size_t len = 0;

	for (unsigned long m = 0; mut && m < mutations(); m++) {
		if (len == 0 || next_rand() % 4 == 0) {  /* start again from the seed */
			len = n < REPLAY_MAX_INPUT ? n : REPLAY_MAX_INPUT;
			memcpy(mut, buf, len);
		}
		len = LLVMFuzzerCustomMutator(mut, len, REPLAY_MAX_INPUT, next_rand());
		run_one(mut, len, runs);
	}
	free(mut);
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

	run_one(buf, n, runs);
	if (LLVMFuzzerCustomMutator) {
		replay_custom(buf, n, runs);
		free(buf);
		return 0;
	}
	for (size_t k = 0; k < n; k++)
		run_one(buf, k, runs);
	mut = malloc(n ? n : 1);
	for (unsigned long m = 0; mut && n && m < mutations(); m++) {
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
		run_one(mut, n, runs);
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

	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(save_input);
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
