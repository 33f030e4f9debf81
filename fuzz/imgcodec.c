/* imgcodec.c: the image fuzzers' sparse input encoding and their random numbers. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/volume.h>
#include <ntfs-3g/unistr.h>

#include "base/endian_int.h"
#include "imgmut.h"

#define MAGIC "NLFZIMG1"
#define HEADER 20            /* magic, size, options */
#define SECTOR 512u
#define UPCASE_BYTES (65536u * 2)
#define MIN_RUN 32           /* shorter runs of one byte stay in the data */

enum { OP_DATA = 1, OP_FILL = 2, OP_UPCASE = 3 };

void fz_rng_seed(struct fz_rng *r, uint64_t seed)
{
	r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
	if (!r->s)
		r->s = 1;
}

uint32_t fz_rand(struct fz_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 0x2545F4914F6CDD1Dull) >> 32);
}

uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	uint64_t v = (uint64_t)fz_rand(r) << 32 | fz_rand(r);

	return n ? v % n : 0;
}

/* The default $UpCase table, built once. */
static const uint8_t *upcase_table(void)
{
	static uint8_t *table;

	if (!table) {
		table = malloc(UPCASE_BYTES);
		if (table)
			ntfs_upcase_table_build((ntfschar *)table, UPCASE_BYTES);
	}
	return table;
}

/* Copy @len bytes of @src to @off of the image, clipped to its size. */
static void put(uint8_t *img, size_t size, uint64_t off, const uint8_t *src, int fill,
		uint64_t len)
{
	if (off >= size)
		return;
	if (len > size - off)
		len = size - off;
	if (src)
		memcpy(img + off, src, (size_t)len);
	else
		memset(img + off, fill, (size_t)len);
}

int fz_decode(const uint8_t *in, size_t n, uint8_t **img, size_t *size, uint32_t *opts)
{
	uint64_t want;
	size_t pos = HEADER;

	*opts = 0;
	if (n < HEADER || memcmp(in, MAGIC, 8) != 0) {
		*size = n < FZ_IMAGE_MAX ? n : FZ_IMAGE_MAX;
		*img = malloc(*size ? *size : 1);
		if (!*img)
			return -1;
		memcpy(*img, in, *size);
		return 0;
	}
	want = nl_le64(in + 8);
	*opts = nl_le32(in + 16);
	*size = want < FZ_IMAGE_MAX ? (size_t)want : FZ_IMAGE_MAX;
	*img = calloc(1, *size ? *size : 1);
	if (!*img)
		return -1;
	while (pos + 5 <= n) {
		uint8_t op = in[pos];
		uint64_t at = nl_le32(in + pos + 1), len;

		if (op == OP_UPCASE) {
			if (upcase_table())
				put(*img, *size, at, upcase_table(), 0, UPCASE_BYTES);
			pos += 5;
			continue;
		}
		if ((op != OP_DATA && op != OP_FILL) || pos + 9 > n)
			break;
		len = nl_le32(in + pos + 5);
		pos += 9;
		if (op == OP_FILL) {
			if (pos >= n)
				break;
			put(*img, *size, at, NULL, in[pos++], len);
			continue;
		}
		if (len > n - pos)
			len = n - pos;
		put(*img, *size, at, in + pos, 0, len);
		pos += (size_t)len;
	}
	return 0;
}

/* Does the default $UpCase table start at @p? */
static bool upcase_at(const uint8_t *img, size_t size, size_t p)
{
	const uint8_t *t = upcase_table();

	return t && p % SECTOR == 0 && size - p >= UPCASE_BYTES && img[p] == t[0] &&
	       memcmp(img + p, t, UPCASE_BYTES) == 0;
}

/* How many bytes from @p on equal the one at @p (up to an $UpCase table). */
static size_t same_run(const uint8_t *img, size_t size, size_t p)
{
	size_t k = p + 1;

	while (k < size && img[k] == img[p] && !upcase_at(img, size, k))
		k++;
	return k - p;
}

/* Append an operation to @out at *@pos: its header and @len bytes of @data
 * (a fill: one byte); false if it does not fit. */
static bool emit_op(uint8_t *out, size_t max, size_t *pos, uint8_t op, size_t at, size_t len,
		    const uint8_t *data)
{
	size_t need = op == OP_UPCASE ? 5 : 9 + (op == OP_FILL ? 1 : len);

	if (*pos + need > max)
		return false;
	out[*pos] = op;
	nl_put_le32(out + *pos + 1, (uint32_t)at);
	if (op != OP_UPCASE) {
		nl_put_le32(out + *pos + 5, (uint32_t)len);
		memcpy(out + *pos + 9, data, op == OP_FILL ? 1 : len);
	}
	*pos += need;
	return true;
}

size_t fz_encode(const uint8_t *img, size_t size, uint32_t opts, uint8_t *out, size_t max)
{
	size_t pos = HEADER, p = 0;

	if (max < HEADER)
		return 0;
	memcpy(out, MAGIC, 8);
	nl_put_le64(out + 8, size);
	nl_put_le32(out + 16, opts);
	while (p < size) {
		size_t run = same_run(img, size, p), start = p;

		if (upcase_at(img, size, p)) {
			if (!emit_op(out, max, &pos, OP_UPCASE, p, 0, NULL))
				return 0;
			p += UPCASE_BYTES;
			continue;
		}
		if (run >= MIN_RUN) {
			if (img[p] && !emit_op(out, max, &pos, OP_FILL, p, run, img + p))
				return 0;
			p += run;
			continue;
		}
		while (p < size && (run = same_run(img, size, p)) < MIN_RUN && !upcase_at(img, size, p))
			p += run;
		if (!emit_op(out, max, &pos, OP_DATA, start, p - start, img + start))
			return 0;
	}
	return pos;
}
