/* fuzzimg.c: the image fuzzers' inputs by hand: encode an image, decode an input back to an image, mutate. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgmut.h"
#include "imgmut_int.h"

/*
 * fuzzimg encode IMAGE INPUT [OPTS]   the sparse encoding of IMAGE (option bits OPTS)
 * fuzzimg decode INPUT IMAGE          the image an input stands for (to run
 *                                     ntfslinks on a finding)
 * fuzzimg mutate INPUT OUTPUT SEED [N]  N (default 1) rounds of the mutator
 * fuzzimg mbr|gpt IMAGE DISK          the volume IMAGE in a partitioned disk
 * fuzzimg mft IMAGE MFT               the raw $MFT of the volume IMAGE
 * Exit 0, 1 on failure, 2 on misuse.
 */

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(b = malloc((size_t)len + 1)) || fread(b, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "fuzzimg: '%s': cannot read\n", path);
		free(b);
		b = NULL;
	}
	*n = b ? (size_t)len : 0;
	if (f)
		fclose(f);
	return b;
}

static int spill(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "fuzzimg: '%s': cannot write\n", path);
		return 1;
	}
	return 0;
}

/* A disk or a raw $MFT made from the volume @in[0..@n), written to @out. */
static int reshape(const char *how, uint8_t *in, size_t n, const char *out)
{
	struct fz_layout *l = malloc(sizeof(*l));
	struct fz_rng r;
	uint8_t *img = malloc(n ? n : 1);
	size_t size = n;
	int rc = 1;

	fz_rng_seed(&r, 1);
	if (l && img) {
		memcpy(img, in, n);
		fz_layout_scan(img, size, l);
		if ((how[1] == 'f' ? fz_cut_mft(&img, &size, l) : fz_wrap_disk(&img, &size, how[0] == 'g', &r)) == 0 &&
		    size != n)
			rc = spill(out, img, size);
	}
	if (rc)
		fprintf(stderr, "fuzzimg: cannot make a %s from the image\n", how);
	free(img);
	free(l);
	return rc;
}

int main(int argc, char **argv)
{
	size_t n, isz, max = FZ_IMAGE_MAX + (FZ_IMAGE_MAX >> 3);
	uint8_t *in, *out, *img;
	uint32_t opts;
	int rc = 1;

	static const char *const cmds[] = { "encode", "decode", "mutate", "mbr", "gpt", "mft" };
	size_t k = 0;

	while (argc >= 4 && k < 6 && strcmp(argv[1], cmds[k]) != 0)
		k++;
	if (argc < 4 || k == 6) {
		fprintf(stderr, "usage: fuzzimg encode|decode|mutate|mbr|gpt|mft IN OUT [SEED|OPTS] [N]\n");
		return 2;
	}
	if (!(in = slurp(argv[2], &n)))
		return 1;
	if (k >= 3) {
		rc = reshape(argv[1], in, n, argv[3]);
		free(in);
		return rc;
	}
	if (!strcmp(argv[1], "decode")) {
		if (fz_decode(in, n, &img, &isz, &opts) == 0) {
			rc = spill(argv[3], img, isz);
			free(img);
		}
	} else if (!(out = malloc(max))) {
		fprintf(stderr, "fuzzimg: out of memory\n");
	} else if (!strcmp(argv[1], "encode")) {
		size_t len = fz_encode(in, n, argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 0, out, max);

		rc = len ? spill(argv[3], out, len) : 1;
		free(out);
	} else {
		unsigned seed = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 0) : 0;
		int rounds = argc > 5 ? atoi(argv[5]) : 1;

		memcpy(out, in, n < max ? n : max);
		n = n < max ? n : max;
		while (rounds-- > 0)
			n = fz_custom_mutate(out, n, max, seed++);
		rc = spill(argv[3], out, n);
		free(out);
	}
	free(in);
	return rc;
}
