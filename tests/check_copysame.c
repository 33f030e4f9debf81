/* check_copysame.c: Check suite for copies within one image through the API: the destination set before or after the sources, a failed destination leaving the sources usable. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/writer.h>
#include "testutil.h"

static char tmp[256], img[300], other[300];

/* Format @image and give it /a/f.txt ("hello\n") with a second name /a/sub/g.txt. */
static void make_image(const char *image)
{
	struct nl_format_opts fo = { .size = 16u << 20 };
	struct nl_writer *w = NULL;
	uint64_t a, sub, f;
	char err[256];

	ck_assert_msg(nl_writer_format(image, &fo, err, sizeof(err)) == 0, "format: %s", err);
	ck_assert_int_eq(nl_writer_open(image, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "a", NL_NS_POSIX, NL_NODE_DIR, &a), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "sub", NL_NS_POSIX, NL_NODE_DIR, &sub), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "f.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "hello\n", 6), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, sub, "g.txt", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_close(&w), 0);
}

/* The number of names of @path in @image, or -errno. */
static int names_of(const char *image, const char *path)
{
	struct nl_writer *w = NULL;
	uint64_t ref;
	int rc;

	ck_assert_int_eq(nl_writer_open(image, 0, 0, &w), 0);
	rc = nl_writer_lookup_path(w, path, &ref);
	if (rc == 0)
		rc = nl_writer_link_count(w, ref);
	ck_assert_int_eq(nl_writer_close(&w), 0);
	return rc;
}

/* spec: IMAGE:PATH (see tu_str for how long it lasts) */
static const char *spec(const char *image, const char *path)
{
	return tu_str("%s:%s", image, path);
}

static void setup(void)
{
	ck_assert(tu_mkdtemp(tmp, sizeof(tmp), "check_copysame"));
	snprintf(img, sizeof(img), "%s/one.img", tmp);
	snprintf(other, sizeof(other), "%s/other.img", tmp);
	make_image(img);
	make_image(other);
}

static void teardown(void)
{
	unlink(img);
	unlink(other);
	rmdir(tmp);
}

/* Sources added after the destination never mount the image themselves. */
START_TEST(test_dest_first)
{
	struct nl_copy_options o;
	struct nl_copy *c = NULL;

	nl_copy_options_init(&o);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, spec(img, "/m")), 0);
	ck_assert_int_eq(nl_copy_add_source(c, spec(img, "/a")), 0);
	ck_assert_int_eq(nl_copy_add_source(c, spec(other, "/a/sub")), 0);
	ck_assert_int_eq(nl_copy_run(c), 0);
	nl_copy_free(&c);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(names_of(img, "/m/a/f.txt"), 2);
	ck_assert_int_eq(names_of(img, "/m/a/sub/g.txt"), 2);
	ck_assert_int_eq(names_of(img, "/m/sub/g.txt"), 1);	/* other image: its own file */
	ck_assert_int_eq(names_of(img, "/a/f.txt"), 2);
	ck_assert_int_eq(names_of(other, "/m"), -ENOENT);
}
END_TEST

/* A source added after the destination, inside it: refused at run. */
START_TEST(test_dest_first_refusal)
{
	struct nl_copy_options o;
	struct nl_copy *c = NULL;

	nl_copy_options_init(&o);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, spec(img, "/a/sub/x")), 0);
	ck_assert_int_eq(nl_copy_add_source(c, spec(img, "/a")), 0);
	ck_assert_int_eq(nl_copy_run(c), -ELOOP);
	ck_assert_ptr_nonnull(strstr(nl_copy_error(c), "is inside the source"));
	nl_copy_free(&c);
	ck_assert_int_eq(names_of(img, "/a/sub/x"), -ENOENT);
}
END_TEST

/* A destination in the source's image that cannot be opened: the source is
 * mounted read-only again and serves another destination. */
START_TEST(test_failed_dest_keeps_source)
{
	struct nl_copy_options o;
	struct nl_copy *c = NULL;

	nl_copy_options_init(&o);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, spec(img, "/a")), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, spec(img, "/no/such/b")), -ENOENT);
	ck_assert_int_eq(nl_copy_set_dest(c, spec(other, "/b")), 0);
	ck_assert_int_eq(nl_copy_run(c), 0);
	nl_copy_free(&c);
	ck_assert_int_eq(names_of(other, "/b/f.txt"), 2);
	ck_assert_int_eq(names_of(other, "/b/sub/g.txt"), 2);
	ck_assert_int_eq(names_of(img, "/no"), -ENOENT);
}
END_TEST

/* Then a destination in the same image after the failure: shared again. */
START_TEST(test_failed_dest_then_same)
{
	struct nl_copy_options o;
	struct nl_copy *c = NULL;

	nl_copy_options_init(&o);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, spec(img, "/a")), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, spec(img, "/no/such/b")), -ENOENT);
	ck_assert_int_eq(nl_copy_set_dest(c, spec(img, "/b")), 0);
	ck_assert_int_eq(nl_copy_run(c), 0);
	nl_copy_free(&c);
	ck_assert_int_eq(names_of(img, "/b/f.txt"), 2);
	ck_assert_int_eq(names_of(img, "/b/sub/g.txt"), 2);
	ck_assert_int_eq(names_of(img, "/a/f.txt"), 2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("copysame");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dest_first);
	tcase_add_test(tc, test_dest_first_refusal);
	tcase_add_test(tc, test_failed_dest_keeps_source);
	tcase_add_test(tc, test_failed_dest_then_same);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
