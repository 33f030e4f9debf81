/* adler32.c: the Adler-32 checksum (RFC 1950), in plain C and with AVX2 where the processor has it. */
#include "config.h"

#include "base/adler32_int.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ADLER_AVX2 1
#endif

#define ADLER_MOD 65521u
/* The most bytes that can be summed before the second sum, starting below
 * ADLER_MOD, could pass 2^32 (RFC 1950's NMAX). */
#define ADLER_NMAX 5552u

uint32_t nl_adler32_portable(uint32_t adler, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t s1 = adler & 0xffff, s2 = adler >> 16;

	while (len) {
		size_t n = len < ADLER_NMAX ? len : ADLER_NMAX;

		len -= n;
		for (; n >= 4; n -= 4, p += 4) {
			s1 += p[0];
			s2 += s1;
			s1 += p[1];
			s2 += s1;
			s1 += p[2];
			s2 += s1;
			s1 += p[3];
			s2 += s1;
		}
		for (; n; n--) {
			s1 += *p++;
			s2 += s1;
		}
		s1 %= ADLER_MOD;
		s2 %= ADLER_MOD;
	}
	return s2 << 16 | s1;
}

#ifdef ADLER_AVX2
/* hsum64: the sum of the four 64-bit lanes of @v. */
__attribute__((target("avx2"))) static uint64_t hsum64(__m256i v)
{
	__m128i x = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));

	return (uint64_t)_mm_cvtsi128_si64(x) + (uint64_t)_mm_extract_epi64(x, 1);
}

/* hsum32: the sum of the eight 32-bit lanes of @v. */
__attribute__((target("avx2"))) static uint32_t hsum32(__m256i v)
{
	__m128i x = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));

	x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4e));
	x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xb1));
	return (uint32_t)_mm_cvtsi128_si32(x);
}

/*
 * In 32-byte blocks: over a block b[0..31] that starts with sums (s1, s2),
 * s1 grows by the sum of the bytes and s2 by 32 * s1 plus the sum of
 * (32 - i) * b[i].  The byte sums, the byte sums of the blocks before each
 * block and the weighted sums are kept in vector lanes over at most
 * ADLER_NMAX bytes, then folded into (s1, s2).
 */
__attribute__((target("avx2"))) static uint32_t adler32_avx2(uint32_t adler, const uint8_t *p,
							       size_t len)
{
	const __m256i weights = _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21,
						 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8,
						 7, 6, 5, 4, 3, 2, 1);
	const __m256i ones = _mm256_set1_epi16(1), zero = _mm256_setzero_si256();
	uint32_t s1 = adler & 0xffff, s2 = adler >> 16;

	while (len >= 32) {
		size_t blocks = len / 32 < ADLER_NMAX / 32 ? len / 32 : ADLER_NMAX / 32;
		__m256i sum = zero, before = zero, weighted = zero;

		len -= blocks * 32;
		for (size_t b = 0; b < blocks; b++, p += 32) {
			__m256i d = _mm256_loadu_si256((const __m256i *)(const void *)p);

			before = _mm256_add_epi64(before, sum);
			sum = _mm256_add_epi64(sum, _mm256_sad_epu8(d, zero));
			weighted = _mm256_add_epi32(
				weighted, _mm256_madd_epi16(_mm256_maddubs_epi16(d, weights), ones));
		}
		s2 = (uint32_t)((s2 + (uint64_t)s1 * blocks * 32 + 32 * hsum64(before) +
				 hsum32(weighted)) % ADLER_MOD);
		s1 = (uint32_t)((s1 + hsum64(sum)) % ADLER_MOD);
	}
	return nl_adler32_portable(s2 << 16 | s1, p, len);
}
#endif

uint32_t nl_adler32(uint32_t adler, const void *data, size_t len)
{
#ifdef ADLER_AVX2
	if (__builtin_cpu_supports("avx2"))
		return adler32_avx2(adler, data, len);
#endif
	return nl_adler32_portable(adler, data, len);
}
