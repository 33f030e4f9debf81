/* check_sdcache.c: Check suite for the copy engine's descriptor hashes by security id. */
#include "config.h"

#include <check.h>
#include <stdint.h>

#include "copy/copy_sdcache_int.h"
#include "testutil.h"

/* A hash that tells the ids apart and is never 0. */
static uint64_t hash_of(uint32_t id)
{
	return ((uint64_t)id << 32) ^ 0x9e3779b97f4a7c15u;
}

START_TEST(test_empty)
{
	struct cp_sdcache c = { 0 };
	uint64_t h = 7;

	ck_assert(!cp_sdcache_find(&c, 256, &h));
	ck_assert_uint_eq(h, 7);
	cp_sdcache_free(&c);
}
END_TEST

START_TEST(test_many_ids)
{
	struct cp_sdcache c = { 0 };
	uint64_t h;

	/* ids spread and clustered, through several growths of the table */
	for (uint32_t id = 256; id < 256 + 3000; id++)
		cp_sdcache_put(&c, id, hash_of(id));
	for (uint32_t id = 1u << 31; id < (1u << 31) + 100; id += 7)
		cp_sdcache_put(&c, id, hash_of(id));
	ck_assert_uint_eq(c.n, 3000 + 15);
	for (uint32_t id = 256; id < 256 + 3000; id++) {
		ck_assert(cp_sdcache_find(&c, id, &h));
		ck_assert_uint_eq(h, hash_of(id));
	}
	for (uint32_t id = 1u << 31; id < (1u << 31) + 100; id++)
		ck_assert_int_eq(cp_sdcache_find(&c, id, &h), (id - (1u << 31)) % 7 == 0);
	ck_assert(!cp_sdcache_find(&c, 255, &h));
	ck_assert(!cp_sdcache_find(&c, 256 + 3000, &h));
	cp_sdcache_free(&c);
	ck_assert_uint_eq(c.n, 0);
	ck_assert(!cp_sdcache_find(&c, 256, &h));
}
END_TEST

START_TEST(test_id_zero)
{
	struct cp_sdcache c = { 0 };
	uint64_t h;

	/* id 0: a descriptor of the file's own (NTFS 1.x), never kept */
	cp_sdcache_put(&c, 0, 42);
	ck_assert_uint_eq(c.n, 0);
	ck_assert(!cp_sdcache_find(&c, 0, &h));
	cp_sdcache_put(&c, 300, 42);
	ck_assert(!cp_sdcache_find(&c, 0, &h));
	ck_assert(cp_sdcache_find(&c, 300, &h));
	ck_assert_uint_eq(h, 42);
	cp_sdcache_free(&c);
}
END_TEST

static Suite *sdcache_suite(void)
{
	Suite *s = suite_create("sdcache");
	TCase *tc = tcase_create("ids");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_many_ids);
	tcase_add_test(tc, test_id_zero);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(sdcache_suite());
}
