/* check_adler32.c: Check suite for the Adler-32 checksum: known values, both forms against the definition, long runs, carried on across pieces. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/adler32_int.h"
#include "testutil.h"

/* by_definition: RFC 1950's sums, reduced after every byte */
static uint32_t by_definition(uint32_t adler, const uint8_t *p, size_t len)
{
	uint32_t s1 = adler & 0xffff, s2 = adler >> 16;

	for (size_t i = 0; i < len; i++) {
		s1 = (s1 + p[i]) % 65521u;
		s2 = (s2 + s1) % 65521u;
	}
	return s2 << 16 | s1;
}

/* fill: @len pseudo-random bytes from @seed */
static void fill(uint8_t *b, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		b[i] = (uint8_t)(seed >> 56);
	}
}

START_TEST(test_known)
{
	ck_assert_uint_eq(nl_adler32(NL_ADLER32_INIT, "", 0), 1);
	ck_assert_uint_eq(nl_adler32(NL_ADLER32_INIT, "a", 1), 0x00620062);
	ck_assert_uint_eq(nl_adler32(NL_ADLER32_INIT, "abc", 3), 0x024d0127);
	ck_assert_uint_eq(nl_adler32(NL_ADLER32_INIT, "Wikipedia", 9), 0x11e60398);
	ck_assert_uint_eq(nl_adler32_portable(NL_ADLER32_INIT, "Wikipedia", 9), 0x11e60398);
}
END_TEST

/* every length to 400 at every alignment to 32, and odd starting sums */
START_TEST(test_lengths)
{
	uint8_t b[512];

	fill(b, sizeof(b), 7);
	for (size_t at = 0; at < 32; at++)
		for (size_t len = 0; len <= 400; len++) {
			/* both sums near their largest */
			uint32_t s = at ? (65520u - (uint32_t)at) << 16 | (65500u + (uint32_t)at)
					: NL_ADLER32_INIT;
			uint32_t want = by_definition(s, b + at, len);

			ck_assert_uint_eq(nl_adler32(s, b + at, len), want);
			ck_assert_uint_eq(nl_adler32_portable(s, b + at, len), want);
		}
}
END_TEST

/* runs long enough to need every reduction: all 0xff (the largest sums),
 * random bytes; and the checksum carried on over pieces of odd sizes */
START_TEST(test_long)
{
	size_t len = (1u << 20) + 77;
	uint8_t *b = malloc(len);
	uint32_t want, s = NL_ADLER32_INIT;

	ck_assert_ptr_nonnull(b);
	memset(b, 0xff, len);
	want = by_definition(NL_ADLER32_INIT, b, len);
	ck_assert_uint_eq(nl_adler32(NL_ADLER32_INIT, b, len), want);
	ck_assert_uint_eq(nl_adler32_portable(NL_ADLER32_INIT, b, len), want);
	fill(b, len, 99);
	want = by_definition(NL_ADLER32_INIT, b, len);
	ck_assert_uint_eq(nl_adler32(NL_ADLER32_INIT, b, len), want);
	for (size_t at = 0, piece = 1; at < len; at += piece, piece = piece * 3 + 1) {
		size_t n = piece < len - at ? piece : len - at;

		s = nl_adler32(s, b + at, n);
	}
	ck_assert_uint_eq(s, want);
	free(b);
}
END_TEST

static Suite *adler32_suite(void)
{
	Suite *s = suite_create("adler32");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_known);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(adler32_suite());
}
