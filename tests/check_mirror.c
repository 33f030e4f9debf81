/* check_mirror.c: Check suite for Smart Mirror through the copy API: misuse answers, a mirror checked with nl_diff, the no-op, a group that gains a name and a file that leaves one, a dry run that writes nothing; the most names a file of a source's volume has (DeLorean's bound on the names a mirror links to one file). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/diff.h>
#include <ntfslinks/writer.h>
#include "copy/copy_engine_int.h"
#include "testutil.h"

static char tmp[256], img[300];

/* The actions of a mirror: "action dest-or-source" lines; not the folders
 * whose times are set, which the writer takes from the clock. */
static char events[4096];

static void on_action(void *ctx, const struct nl_copy_event *ev)
{
	size_t n = strlen(events);
	const char *p = ev->dest ? ev->dest : ev->source;

	(void)ctx;
	if (ev->action == NL_COPY_ACT_UPDATED && ev->kind == NL_COPY_KIND_FOLDER)
		return;
	p = p && strstr(p, ":/") ? strstr(p, ":/") + 1 : p;
	snprintf(events + n, sizeof(events) - n, "%s %s\n", nl_copy_action_name(ev->action),
		 p ? p : "-");
}

/* /a: f.txt with a second name sub/g.txt, x.txt; /b: y.txt; /c: a file. */
static void setup(void)
{
	struct nl_format_opts fo = { .size = 32u << 20 };
	struct nl_writer *w = NULL;
	uint64_t a, b, sub, f;
	char err[256];

	ck_assert(tu_mkdtemp(tmp, sizeof(tmp), "check_mirror"));
	snprintf(img, sizeof(img), "%s/t.img", tmp);
	ck_assert_msg(nl_writer_format(img, &fo, err, sizeof(err)) == 0, "format: %s", err);
	ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "a", NL_NS_POSIX, NL_NODE_DIR, &a), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "b", NL_NS_POSIX, NL_NODE_DIR, &b), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "sub", NL_NS_POSIX, NL_NODE_DIR, &sub), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "f.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "hello\n", 6), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, sub, "g.txt", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "x.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "x\n", 2), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, b, "y.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "c", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_close(&w), 0);
	events[0] = 0;
}

static void teardown(void)
{
	tu_rmtree(tmp);
}

/* Mirror /a onto @dest; returns nl_copy_run()'s answer, the totals in @st. */
static int mirror(const char *dest, bool dry_run, struct nl_copy_stats *st)
{
	struct nl_copy_options o;
	nl_copy *c = NULL;
	int rc;

	nl_copy_options_init(&o);
	o.mirror = true;
	o.dry_run = dry_run;
	o.on_action = on_action;
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, tu_str("%s:/a", img)), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, tu_str("%s:%s", img, dest)), 0);
	rc = nl_copy_run(c);
	nl_copy_get_stats(c, st);
	nl_copy_free(&c);
	return rc;
}

/* Compare /a with @other by names, hardlinks and links: nl_diff_run()'s answer. */
static int same_as_a(const char *other)
{
	struct nl_diff_options o;
	nl_diff *d = NULL;
	int rc;

	nl_diff_options_init(&o);
	o.content = true;
	ck_assert_int_eq(nl_diff_new(&o, &d), 0);
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:/a", img)), 0);
	ck_assert_int_eq(nl_diff_add_tree(d, tu_str("%s:%s", img, other)), 0);
	rc = nl_diff_run(d);
	nl_diff_free(&d);
	return rc;
}

START_TEST(test_misuse)
{
	struct nl_copy_options o;
	nl_copy *c = NULL;

	nl_copy_options_init(&o);
	o.mirror = true;
	o.clone = NL_COPY_CLONE_HARDLINK;
	ck_assert_int_eq(nl_copy_new(&o, &c), -EINVAL);
	o.clone = NL_COPY_CLONE_NONE;
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, tu_str("%s:/a", img)), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, tu_str("%s:/nothing", img)), 0);
	ck_assert_int_eq(nl_copy_run(c), -ENOENT);
	ck_assert_str_eq(nl_copy_error(c), tu_str("the destination '%s:/nothing' does not exist: a "
				"mirror updates an existing folder ('copy' makes one)", img));
	nl_copy_free(&c);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, tu_str("%s:/c", img)), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, tu_str("%s:/b", img)), 0);
	ck_assert_int_eq(nl_copy_run(c), -ENOTDIR);
	nl_copy_free(&c);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, tu_str("%s:/a/sub", img)), 0);
	ck_assert_int_eq(nl_copy_add_source(c, tu_str("%s:/c", img)), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, tu_str("%s:/b", img)), 0);
	ck_assert_int_eq(nl_copy_run(c), -EINVAL);
	ck_assert_str_eq(nl_copy_error(c), "a mirror has one source");
	nl_copy_free(&c);
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_DELETED), "deleted");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_UPDATED), "updated");
}
END_TEST

START_TEST(test_mirror)
{
	struct nl_copy_stats st;
	struct nl_writer *w = NULL;
	uint64_t f, sub;
	char before[65], after[65];

	/* a dry run lists and writes nothing */
	ck_assert_int_eq(tu_sha256_file(img, before), 0);
	ck_assert_int_eq(mirror("/b", true, &st), 0);
	ck_assert_str_eq(events, "deleted /b/y.txt\ncopied /b/f.txt\nfolder /b/sub\n"
			 "hardlinked /b/sub/g.txt\ncopied /b/x.txt\n");
	ck_assert_int_eq(tu_sha256_file(img, after), 0);
	ck_assert_str_eq(after, before);
	/* the mirror: then /b is /a (nl_diff: names, hardlinks, contents) */
	events[0] = 0;
	ck_assert_int_eq(mirror("/b", false, &st), 0);
	ck_assert_uint_eq(st.actions[NL_COPY_ACT_DELETED], 1);
	ck_assert_uint_eq(st.actions[NL_COPY_ACT_COPIED], 2);
	ck_assert_uint_eq(st.actions[NL_COPY_ACT_HARDLINKED], 1);
	ck_assert_int_eq(same_as_a("/b"), 0);
	/* nothing changed: every entry unchanged, nothing written */
	events[0] = 0;
	ck_assert_int_eq(tu_sha256_file(img, before), 0);
	ck_assert_int_eq(mirror("/b", false, &st), 0);
	ck_assert_str_eq(events, "");
	ck_assert_uint_eq(st.unchanged, 4);
	ck_assert_int_eq(tu_sha256_file(img, after), 0);
	ck_assert_str_eq(after, before);
	/* x.txt joins the group of f.txt; sub/g.txt leaves it (a file of its own) */
	ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/a/sub/g.txt", &f), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/a/sub", &sub), 0);
	ck_assert_int_eq(nl_writer_unlink(w, f, sub, (const uint16_t *)"g\0.\0t\0x\0t\0", 5), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, sub, "g.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "other\n", 6), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/a/x.txt", &f), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/a", &sub), 0);
	ck_assert_int_eq(nl_writer_unlink(w, f, sub, (const uint16_t *)"x\0.\0t\0x\0t\0", 5), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/a/f.txt", &f), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, sub, "x.txt", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_close(&w), 0);
	events[0] = 0;
	ck_assert_int_eq(mirror("/b", false, &st), 0);
	ck_assert_str_eq(events, "deleted /b/x.txt\ndeleted /b/sub/g.txt\ncopied /b/sub/g.txt\n"
			 "hardlinked /b/x.txt\n");
	ck_assert_int_eq(same_as_a("/b"), 0);
}
END_TEST

/* The most names of a file on an image source's volume: f.txt's, given two
 * more in /b, outside the source folder /a (the whole volume counts); not
 * known for a host folder, nor for a source that is not there. */
START_TEST(test_most_names)
{
	struct nl_writer *w = NULL;
	struct nl_copy_options o;
	nl_copy *c = NULL;
	uint64_t f, b;

	ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/a/f.txt", &f), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/b", &b), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, b, "f2.txt", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, b, "f3.txt", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_close(&w), 0);
	nl_copy_options_init(&o);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, tu_str("%s:/a", img)), 0);
	ck_assert_uint_eq(cp_source_most_names(c, 0), 4);
	ck_assert_uint_eq(cp_source_most_names(c, 1), 0);
	ck_assert_int_eq(nl_copy_add_source(c, tmp), 0);
	ck_assert_uint_eq(cp_source_most_names(c, 1), 0);
	nl_copy_free(&c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mirror");
	TCase *tc = tcase_create("core");

	/* several mirrors and comparisons of an image: more than Check's 4 s under load */
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_misuse);
	tcase_add_test(tc, test_mirror);
	tcase_add_test(tc, test_most_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
