/* check_diff.c: Check suite for the tree comparison: path order, the API's misuse answers, the events of hardlink and data differences (past the first buffer). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/diff.h>
#include <ntfslinks/writer.h>
#include "diff/diff_int.h"
#include "testutil.h"

static char tmp[256], img[300];

/* The events of a comparison, one "what path a b detail" line each; not the
 * times, which the writer takes from the clock. */
static char events[4096];

static void on_diff(void *ctx, const struct nl_diff_event *ev)
{
	size_t n = strlen(events);

	(void)ctx;
	if (ev->what == NL_DIFF_TIMES)
		return;
	snprintf(events + n, sizeof(events) - n, "%s %s %s %s %s\n", nl_diff_what_name(ev->what),
		 ev->path, ev->a ? ev->a : "-", ev->b ? ev->b : "-", ev->detail ? ev->detail : "-");
}

/* 3 MiB of a pattern, with byte @diff_at changed unless it is SIZE_MAX, as @name in @dir. */
static void big_file(struct nl_writer *w, uint64_t dir, const char *name, size_t diff_at)
{
	size_t n = 3u << 20;
	uint8_t *b = malloc(n);
	uint64_t f;

	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7);
	if (diff_at != SIZE_MAX)
		b[diff_at] ^= 0xFF;
	ck_assert_int_eq(nl_writer_create_u8(w, dir, name, NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, b, n), 0);
	free(b);
}

/* /a: f.txt with a second name sub/g.txt, big; /b: f.txt and sub/g.txt apart, big changed. */
static void setup(void)
{
	struct nl_format_opts fo = { .size = 32u << 20 };
	struct nl_writer *w = NULL;
	uint64_t a, b, asub, bsub, f;
	char err[256];

	ck_assert(tu_mkdtemp(tmp, sizeof(tmp), "check_diff"));
	snprintf(img, sizeof(img), "%s/t.img", tmp);
	ck_assert_msg(nl_writer_format(img, &fo, err, sizeof(err)) == 0, "format: %s", err);
	ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "a", NL_NS_POSIX, NL_NODE_DIR, &a), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "b", NL_NS_POSIX, NL_NODE_DIR, &b), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "sub", NL_NS_POSIX, NL_NODE_DIR, &asub), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, b, "sub", NL_NS_POSIX, NL_NODE_DIR, &bsub), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "f.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "hello\n", 6), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, asub, "g.txt", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, b, "f.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "hello\n", 6), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, bsub, "g.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "hello\n", 6), 0);
	big_file(w, a, "big", SIZE_MAX);
	big_file(w, b, "big", 2500000);
	ck_assert_int_eq(nl_writer_close(&w), 0);
	events[0] = 0;
}

static void teardown(void)
{
	tu_rmtree(tmp);
}

START_TEST(test_path_order)
{
	ck_assert_int_lt(df_path_cmp("", "/a"), 0);
	ck_assert_int_lt(df_path_cmp("/a", "/a/b"), 0);
	ck_assert_int_lt(df_path_cmp("/a/b", "/a.txt"), 0);	/* contents right after the folder */
	ck_assert_int_lt(df_path_cmp("/a/z", "/a b"), 0);
	ck_assert_int_gt(df_path_cmp("/a.txt", "/a"), 0);
	ck_assert_int_lt(df_path_cmp("/A", "/a"), 0);
	ck_assert_int_eq(df_path_cmp("/a/b", "/a/b"), 0);
	ck_assert_str_eq(df_display(""), ".");
	ck_assert_str_eq(df_display("/a/b"), "a/b");
}
END_TEST

START_TEST(test_misuse)
{
	struct nl_diff_options o;
	nl_diff *d = NULL;

	nl_diff_options_init(&o);
	ck_assert_int_eq(nl_diff_new(NULL, &d), -EINVAL);
	ck_assert_int_eq(nl_diff_new(&o, &d), 0);
	ck_assert_int_eq(nl_diff_run(d), -EINVAL);
	ck_assert_str_eq(nl_diff_error(d), "two trees are needed");
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:/nothing", img)), -ENOENT);
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:/a", img)), 0);
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:/b", img)), 0);
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:/a", img)), -EINVAL);
	ck_assert_str_eq(nl_diff_error(d), "only two trees are compared");
	nl_diff_free(&d);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(nl_diff_what_name(NL_DIFF_ONLY_A), "only-a");
	ck_assert_str_eq(nl_diff_what_name(NL_DIFF_DOS_NAME), "dos-name");
	ck_assert_str_eq(nl_diff_what_name(NL_DIFF__COUNT), "unknown");
}
END_TEST

/* Compare /a with /b of the image; returns nl_diff_run()'s answer. */
static int compare(bool content, struct nl_diff_stats *st)
{
	struct nl_diff_options o;
	nl_diff *d = NULL;
	int rc;

	nl_diff_options_init(&o);
	o.content = content;
	o.on_diff = on_diff;
	ck_assert_int_eq(nl_diff_new(&o, &d), 0);
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:/a", img)), 0);
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:/b", img)), 0);
	rc = nl_diff_run(d);
	nl_diff_get_stats(d, st);
	nl_diff_free(&d);
	return rc;
}

START_TEST(test_events)
{
	struct nl_diff_stats st;

	ck_assert_int_eq(compare(false, &st), 1);
	ck_assert_str_eq(events,
			 "hardlinks f.txt f.txt, sub/g.txt f.txt -\n"
			 "hardlinks sub/g.txt f.txt, sub/g.txt sub/g.txt -\n");
	ck_assert_uint_eq(st.entries_a, 5);
	ck_assert_uint_eq(st.entries_b, 5);
	ck_assert_uint_eq(st.compared, 5);
	ck_assert_uint_eq(st.counts[NL_DIFF_HARDLINKS], 2);
	ck_assert_uint_eq(st.bytes_compared, 0);
	events[0] = 0;
	/* the data: the byte changed in the third MiB; f.txt once, sub/g.txt
	   compared again with its own peer */
	ck_assert_int_eq(compare(true, &st), 1);
	ck_assert_str_eq(events,
			 "data big 2500000 2500000 -\n"
			 "hardlinks f.txt f.txt, sub/g.txt f.txt -\n"
			 "hardlinks sub/g.txt f.txt, sub/g.txt sub/g.txt -\n");
	ck_assert_uint_eq(st.bytes_compared, (2u << 20) + (1u << 20) + 6 + 6);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_path_order);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_misuse);
	tcase_add_test(tc, test_events);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
