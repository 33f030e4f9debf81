/* check_runlist.c: Check suite for the bounded mapping-pairs decoder (mft/runlist.c). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mft/runlist_int.h"
#include "testutil.h"

/* Decode @mp[0..@n) from @vcn0 into @runs (at most 8); returns the last
 * nl_runlist_next() result and the count in *@count. */
static int decode(const uint8_t *mp, size_t n, int64_t vcn0, struct nl_run *runs, size_t *count,
		  const char **reason)
{
	struct nl_runlist_iter it;
	int rc;

	*count = 0;
	nl_runlist_start(&it, mp, n, vcn0);
	while (*count < 8 && (rc = nl_runlist_next(&it, &runs[*count], reason)) == 0)
		(*count)++;
	return rc;
}

START_TEST(test_runs)
{
	/* 0x40 clusters at 4; 0x10 sparse; 8 at 4 + 0xFE = 0x102 (two offset bytes); end */
	static const uint8_t mp[] = { 0x11, 0x40, 0x04, 0x01, 0x10, 0x21, 0x08, 0xFE, 0x00, 0x00 };
	struct nl_run r[8];
	size_t n;
	const char *why = NULL;

	ck_assert_int_eq(decode(mp, sizeof(mp), 0, r, &n, &why), 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(r[0].vcn, 0);
	ck_assert_int_eq(r[0].lcn, 4);
	ck_assert_uint_eq(r[0].len, 0x40);
	ck_assert_int_eq(r[1].vcn, 0x40);
	ck_assert_int_eq(r[1].lcn, -1);
	ck_assert_uint_eq(r[1].len, 0x10);
	ck_assert_int_eq(r[2].vcn, 0x50);
	ck_assert_int_eq(r[2].lcn, 0x102);
	ck_assert_uint_eq(r[2].len, 8);
}
END_TEST

START_TEST(test_start_vcn)
{
	static const uint8_t mp[] = { 0x11, 0x05, 0x20, 0x00 };
	struct nl_run r[8];
	size_t n;

	ck_assert_int_eq(decode(mp, sizeof(mp), 100, r, &n, NULL), 1);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(r[0].vcn, 100);
	ck_assert_int_eq(r[0].lcn, 0x20);
}
END_TEST

/* One refused array per loop index: the reason is exact. */
static const struct {
	uint8_t mp[12];
	size_t n;
	const char *why;
} bad[] = {
	{ { 0x11, 0x40 }, 2, "runlist runs past the attribute" },          /* pair cut short */
	{ { 0x11, 0x40, 0x04 }, 3, "runlist runs past the attribute" },   /* no terminator */
	{ { 0x10, 0x04, 0x00 }, 3, "bad runlist pair header" },           /* no length bytes */
	{ { 0x19, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0 }, 12, "bad runlist pair header" }, /* 9 length bytes */
	{ { 0x11, 0x00, 0x04, 0x00 }, 4, "runlist length out of range" }, /* zero length */
	{ { 0x11, 0xF0, 0x04, 0x00 }, 4, "runlist length out of range" }, /* negative length */
	{ { 0x11, 0x04, 0xFC, 0x00 }, 4, "runlist cluster out of range" }, /* LCN -4 */
};

START_TEST(test_refused)
{
	struct nl_run r[8];
	size_t n;
	const char *why = NULL;

	ck_assert_int_eq(decode(bad[_i].mp, bad[_i].n, 0, r, &n, &why), -EINVAL);
	ck_assert_str_eq(why, bad[_i].why);
}
END_TEST

START_TEST(test_vcn_overflow)
{
	/* a length of 2^62 twice from VCN 2^62: the second would pass 2^63 - 1 */
	static const uint8_t mp[] = { 0x18, 0, 0, 0, 0, 0, 0, 0, 0x40,
				      0x18, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x00 };
	struct nl_run r[8];
	size_t n;
	const char *why = NULL;

	ck_assert_int_eq(decode(mp, sizeof(mp), (int64_t)1 << 62, r, &n, &why), -EINVAL);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(why, "runlist length out of range");
}
END_TEST

static Suite *runlist_suite(void)
{
	Suite *s = suite_create("runlist");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_runs);
	tcase_add_test(tc, test_start_vcn);
	tcase_add_loop_test(tc, test_refused, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_vcn_overflow);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(runlist_suite());
}
