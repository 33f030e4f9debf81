/* check_common.c: Check suite for the definitions in common.h and the version string. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include "testutil.h"

START_TEST(test_version)
{
	ck_assert_str_eq(nl_version(), PACKAGE_VERSION);
}
END_TEST

START_TEST(test_mref)
{
	uint64_t r = NL_MREF_MAKE(0x123456789ABCULL, 0xBEEF);

	ck_assert_uint_eq(NL_MREF_RECORD(r), 0x123456789ABCULL);
	ck_assert_uint_eq(NL_MREF_SEQ(r), 0xBEEF);
	/* a record number wider than 48 bits is truncated, not mixed into the sequence */
	r = NL_MREF_MAKE(0xFFFF000000000005ULL, 1);
	ck_assert_uint_eq(NL_MREF_RECORD(r), 5);
	ck_assert_uint_eq(NL_MREF_SEQ(r), 1);
}
END_TEST

static Suite *common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_mref);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(common_suite());
}
