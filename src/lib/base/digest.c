/* digest.c: MD5 (RFC 1321) and SHA-1 (FIPS 180-4), computed together over one stream of bytes. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/digest_int.h"

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

/* RFC 1321's table: K[i] = floor(abs(sin(i + 1)) * 2^32) */
static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* The message word each MD5 step takes (RFC 1321 3.4). */
static const uint8_t md5_g[64] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	1, 6, 11, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12,
	5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2,
	0, 7, 14, 5, 12, 3, 10, 1, 8, 15, 6, 13, 4, 11, 2, 9,
};

#define MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))
#define MD5_STEP(fn, a, b, c, d, i, s) \
	((a) = (b) + rol((a) + fn(b, c, d) + m[md5_g[i]] + md5_k[i], s))
/* four steps of a round, the roles of a, b, c, d turning */
#define MD5_FOUR(fn, i, s0, s1, s2, s3)               \
	do {                                          \
		MD5_STEP(fn, a, b, c, d, (i), s0);    \
		MD5_STEP(fn, d, a, b, c, (i) + 1, s1); \
		MD5_STEP(fn, c, d, a, b, (i) + 2, s2); \
		MD5_STEP(fn, b, c, d, a, (i) + 3, s3); \
	} while (0)

static void md5_block(uint32_t h[4], const uint8_t *p)
{
	uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3];

	for (int i = 0; i < 16; i++)
		m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (int i = 0; i < 16; i += 4)
		MD5_FOUR(MD5_F, i, 7, 12, 17, 22);
	for (int i = 16; i < 32; i += 4)
		MD5_FOUR(MD5_G, i, 5, 9, 14, 20);
	for (int i = 32; i < 48; i += 4)
		MD5_FOUR(MD5_H, i, 4, 11, 16, 23);
	for (int i = 48; i < 64; i += 4)
		MD5_FOUR(MD5_I, i, 6, 10, 15, 21);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

#define SHA1_CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define SHA1_PARITY(x, y, z) ((x) ^ (y) ^ (z))
#define SHA1_MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define SHA1_STEP(fn, k, a, b, c, d, e, i) \
	((e) += rol(a, 5) + fn(b, c, d) + (k) + w[i], (b) = rol(b, 30))
/* five steps of a round, the roles of a .. e turning */
#define SHA1_FIVE(fn, k, i)                                   \
	do {                                                  \
		SHA1_STEP(fn, k, a, b, c, d, e, (i));         \
		SHA1_STEP(fn, k, e, a, b, c, d, (i) + 1);     \
		SHA1_STEP(fn, k, d, e, a, b, c, (i) + 2);     \
		SHA1_STEP(fn, k, c, d, e, a, b, (i) + 3);     \
		SHA1_STEP(fn, k, b, c, d, e, a, (i) + 4);     \
	} while (0)

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 20; i += 5)
		SHA1_FIVE(SHA1_CH, 0x5A827999u, i);
	for (int i = 20; i < 40; i += 5)
		SHA1_FIVE(SHA1_PARITY, 0x6ED9EBA1u, i);
	for (int i = 40; i < 60; i += 5)
		SHA1_FIVE(SHA1_MAJ, 0x8F1BBCDCu, i);
	for (int i = 60; i < 80; i += 5)
		SHA1_FIVE(SHA1_PARITY, 0xCA62C1D6u, i);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void nl_digest_init(struct nl_digest *d)
{
	static const uint32_t md5_iv[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	static const uint32_t sha1_iv[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476,
					     0xC3D2E1F0 };

	memset(d, 0, sizeof(*d));
	memcpy(d->md5, md5_iv, sizeof(md5_iv));
	memcpy(d->sha1, sha1_iv, sizeof(sha1_iv));
}

/* both_block: one 64-byte block into both digests */
static void both_block(struct nl_digest *d, const uint8_t *p)
{
	md5_block(d->md5, p);
	sha1_block(d->sha1, p);
}

void nl_digest_update(struct nl_digest *d, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	d->bytes += len;
	if (d->fill) {
		size_t take = 64 - d->fill < len ? 64 - d->fill : len;

		memcpy(d->block + d->fill, p, take);
		d->fill += take;
		p += take;
		len -= take;
		if (d->fill < 64)
			return;
		both_block(d, d->block);
		d->fill = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		both_block(d, p);
	memcpy(d->block, p, len);
	d->fill = len;
}

void nl_digest_final(struct nl_digest *d, char md5[33], char sha1[41])
{
	uint64_t bits = d->bytes * 8;
	uint8_t tail[128];
	size_t n = d->fill < 56 ? 64 : 128;

	memset(tail, 0, sizeof(tail));
	memcpy(tail, d->block, d->fill);
	tail[d->fill] = 0x80;
	/* the length: little-endian for MD5, big-endian for SHA-1 */
	for (int i = 0; i < 8; i++)
		tail[n - 8 + i] = (uint8_t)(bits >> (8 * i));
	for (size_t off = 0; off < n; off += 64)
		md5_block(d->md5, tail + off);
	for (int i = 0; i < 8; i++)
		tail[n - 1 - i] = (uint8_t)(bits >> (8 * i));
	for (size_t off = 0; off < n; off += 64)
		sha1_block(d->sha1, tail + off);
	for (int i = 0; i < 16; i++)
		snprintf(md5 + 2 * i, 3, "%02x", (d->md5[i / 4] >> (8 * (i % 4))) & 0xFF);
	for (int i = 0; i < 20; i++)
		snprintf(sha1 + 2 * i, 3, "%02x", (d->sha1[i / 4] >> (24 - 8 * (i % 4))) & 0xFF);
}
