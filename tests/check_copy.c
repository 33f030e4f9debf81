/* check_copy.c: Check suite for the copy engine's API (copy.h), on host folders built by the test. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ntfslinks/copy.h>
#include "testutil.h"

static char tmp[256];

struct seen {
	int n[NL_COPY_ACT__COUNT];
	char last_src[1024];
	char events[8192];
};

static void on_action(void *ctx, const struct nl_copy_event *ev)
{
	struct seen *s = ctx;
	size_t l = strlen(s->events);
	const char *src = ev->source ? strrchr(ev->source, '/') : NULL;

	s->n[ev->action]++;
	snprintf(s->last_src, sizeof(s->last_src), "%s", ev->source ? ev->source : "");
	snprintf(s->events + l, sizeof(s->events) - l, "%s:%s:%s%s%s\n",
		 nl_copy_action_name(ev->action), nl_copy_kind_name(ev->kind),
		 src ? src + 1 : "-", ev->new_target ? "=>" : "",
		 ev->new_target ? ev->new_target : "");
}

/* path: @rel under the test's folder (see tu_str for how long it lasts) */
static const char *path(const char *rel)
{
	return tu_str("%s/%s", tmp, rel);
}

static void put(const char *rel, const char *text)
{
	ck_assert_int_eq(tu_write_text(path(rel), text), 0);
}

static void mk(const char *rel)
{
	ck_assert_int_eq(mkdir(path(rel), 0755), 0);
}

static void lnk(const char *from, const char *to, int sym)
{
	ck_assert_int_eq(sym ? symlink(from, path(to)) : link(path(from), path(to)), 0);
}

static void setup(void)
{
	ck_assert(tu_mkdtemp(tmp, sizeof(tmp), "check_copy"));
	mk("src");
	mk("src/sub");
	mk("src/empty");
	put("src/a.txt", "alpha\n");
	lnk("src/a.txt", "src/sub/a2.txt", 0);
	put("src/b.txt", "0123456789abcdefghijklmnopqrstuvwxyz\n");
	lnk("sub/a2.txt", "src/rel", 1);	/* inner, relative */
	lnk("../../outside", "src/sub/out", 1);	/* outer */
	mk("outside");
	put("outside/o.txt", "outer\n");
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}

static ino_t ino(const char *rel)
{
	struct stat sb;

	ck_assert_int_eq(lstat(path(rel), &sb), 0);
	return sb.st_ino;
}

static int run_copy(struct nl_copy_options *o, struct seen *s, const char *src, const char *dst)
{
	struct nl_copy *c = NULL;
	int rc;

	o->on_action = on_action;
	o->action_ctx = s;
	ck_assert_int_eq(nl_copy_new(o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, path(src)), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, path(dst)), 0);
	rc = nl_copy_run(c);
	nl_copy_free(&c);
	ck_assert_ptr_null(c);
	return rc;
}

START_TEST(test_names)
{
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_COPIED), "copied");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_HARDLINKED), "hardlinked");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_JUNCTION), "junction");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_SYMLINK), "symlink");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_CROPPED), "cropped");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_SPLICED), "spliced");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_UNROLLED), "unrolled");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_DANGLING), "dangling");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_LOOP), "loop");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT_ERROR), "error");
	ck_assert_str_eq(nl_copy_action_name(NL_COPY_ACT__COUNT), "unknown");
	ck_assert_str_eq(nl_copy_kind_name(NL_COPY_KIND_JUNCTION), "junction");
	ck_assert_str_eq(nl_copy_kind_name(NL_COPY_KIND_FOLDER), "folder");
}
END_TEST

START_TEST(test_options)
{
	struct nl_copy_options o;
	struct nl_copy *c = (struct nl_copy *)&o;

	nl_copy_options_init(&o);
	ck_assert_int_eq(o.outer, NL_COPY_CROP);
	ck_assert_int_eq(o.streams, NL_COPY_STREAMS_DROP);
	ck_assert_int_eq(o.src_drive, 0);	/* inferred from the source volume */
	ck_assert(!o.dry_run && !o.into && !o.no_acl);
	o.outer = 7;
	ck_assert_int_eq(nl_copy_new(&o, &c), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(nl_copy_new(NULL, &c), -EINVAL);
}
END_TEST

START_TEST(test_bad_endpoints)
{
	struct nl_copy_options o;
	struct nl_copy *c;

	nl_copy_options_init(&o);
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_run(c), -EINVAL);
	ck_assert_str_eq(nl_copy_error(c), "no source");
	nl_copy_free(&c);

	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, path("nowhere")), -ENOENT);
	ck_assert_str_eq(nl_copy_error(c), "No such file or directory");
	ck_assert_int_eq(nl_copy_set_dest(c, path("no/such/parent")), -ENOENT);
	nl_copy_free(&c);

	/* destination inside the source, and the other way round */
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, path("src")), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, path("src/sub/copy")), 0);
	ck_assert_int_eq(nl_copy_run(c), -ELOOP);
	ck_assert(strstr(nl_copy_error(c), "is inside the source") != NULL);
	nl_copy_free(&c);
	ck_assert_int_eq(access(path("src/sub/copy"), F_OK), -1);

	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, path("src/sub")), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, path("src")), 0);
	ck_assert_int_eq(nl_copy_run(c), -ELOOP);
	nl_copy_free(&c);
	nl_copy_free(&c);	/* NULL is fine */
}
END_TEST

START_TEST(test_copy_crop)
{
	struct nl_copy_options o;
	struct seen s;
	char buf[64];
	ssize_t n;

	memset(&s, 0, sizeof(s));
	nl_copy_options_init(&o);
	o.buffer_size = 7;	/* many small chunks: memory does not depend on file size */
	ck_assert_int_eq(run_copy(&o, &s, "src", "dst"), 0);
	ck_assert_str_eq(s.events,
			 "folder:folder:src\n"
			 "copied:file:a.txt\n"
			 "copied:file:b.txt\n"
			 "folder:folder:empty\n"
			 "symlink:symlink:rel=>sub/a2.txt\n"
			 "folder:folder:sub\n"
			 "hardlinked:file:a2.txt\n"
			 "cropped:symlink:out\n");
	ck_assert_int_eq(s.n[NL_COPY_ACT_COPIED], 2);
	ck_assert_int_eq(s.n[NL_COPY_ACT_HARDLINKED], 1);
	ck_assert_int_eq(ino("dst/a.txt"), ino("dst/sub/a2.txt"));
	ck_assert_int_ne(ino("dst/a.txt"), ino("src/a.txt"));
	n = readlink(path("dst/rel"), buf, sizeof(buf) - 1);
	ck_assert_int_eq(n, 10);
	buf[n] = 0;
	ck_assert_str_eq(buf, "sub/a2.txt");
	ck_assert_int_eq(access(path("dst/sub/out"), F_OK), -1);
	{
		FILE *f = fopen(path("dst/b.txt"), "r");

		ck_assert_ptr_nonnull(f);
		ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
		fclose(f);
		ck_assert_str_eq(buf, "0123456789abcdefghijklmnopqrstuvwxyz\n");
	}
}
END_TEST

START_TEST(test_copy_unroll_and_splice)
{
	struct nl_copy_options o;
	struct seen s;
	char buf[600];
	ssize_t n;

	memset(&s, 0, sizeof(s));
	nl_copy_options_init(&o);
	o.outer = NL_COPY_UNROLL;
	ck_assert_int_eq(run_copy(&o, &s, "src", "dst"), 0);
	ck_assert_int_eq(s.n[NL_COPY_ACT_UNROLLED], 1);
	ck_assert_int_eq(access(path("dst/sub/out/o.txt"), F_OK), 0);

	memset(&s, 0, sizeof(s));
	o.outer = NL_COPY_SPLICE;
	ck_assert_int_eq(run_copy(&o, &s, "src", "dst2"), 0);
	ck_assert_int_eq(s.n[NL_COPY_ACT_SPLICED], 1);
	/* the relative link is made absolute: from its new place it leads to the same folder */
	n = readlink(path("dst2/sub/out"), buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = 0;
	ck_assert_str_eq(buf, path("outside"));
}
END_TEST

START_TEST(test_existing_dest_and_dry_run)
{
	struct nl_copy_options o;
	struct seen s;

	nl_copy_options_init(&o);
	mk("out");
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(run_copy(&o, &s, "src", "out"), 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(run_copy(&o, &s, "src", "out"), 0);
	ck_assert_int_eq(access(path("out/src/a.txt"), F_OK), 0);
	ck_assert_int_eq(access(path("out/src - Copy/a.txt"), F_OK), 0);

	memset(&s, 0, sizeof(s));
	o.dry_run = true;
	ck_assert_int_eq(run_copy(&o, &s, "src", "out"), 0);
	ck_assert_int_eq(s.n[NL_COPY_ACT_COPIED], 2);
	ck_assert_int_eq(access(path("out/src - Copy (2)"), F_OK), -1);

	memset(&s, 0, sizeof(s));
	o.dry_run = false;
	o.into = true;
	ck_assert_int_eq(run_copy(&o, &s, "src/sub", "out"), 0);
	ck_assert_int_eq(access(path("out/a2.txt"), F_OK), 0);
}
END_TEST

static int stop_at_once(void *ctx, const struct nl_copy_stats *st)
{
	(void)ctx;
	return st->items_done > 0;
}

START_TEST(test_cancel_and_exclude)
{
	struct nl_copy_options o;
	struct nl_copy *c;
	struct nl_copy_stats st;
	const char *ex[] = { "b.txt", "sub" };

	nl_copy_options_init(&o);
	o.progress = stop_at_once;
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, path("src")), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, path("stopped")), 0);
	ck_assert_int_eq(nl_copy_run(c), -ECANCELED);
	nl_copy_get_stats(c, &st);
	ck_assert_uint_eq(st.items_total, 8);
	nl_copy_free(&c);

	nl_copy_options_init(&o);
	o.exclude = ex;
	o.n_exclude = 2;
	ck_assert_int_eq(nl_copy_new(&o, &c), 0);
	ck_assert_int_eq(nl_copy_add_source(c, path("src")), 0);
	ck_assert_int_eq(nl_copy_set_dest(c, path("ex")), 0);
	ck_assert_int_eq(nl_copy_run(c), 0);
	nl_copy_get_stats(c, &st);
	ck_assert_uint_eq(st.actions[NL_COPY_ACT_EXCLUDED], 2);
	ck_assert_uint_eq(st.actions[NL_COPY_ACT_COPIED], 1);
	/* the link into the excluded folder is inner: recreated, dangling in the copy */
	ck_assert_uint_eq(st.actions[NL_COPY_ACT_SYMLINK], 1);
	nl_copy_free(&c);
	ck_assert_int_eq(access(path("ex/sub"), F_OK), -1);
	ck_assert_int_eq(access(path("ex/b.txt"), F_OK), -1);
}
END_TEST

static Suite *copy_suite(void)
{
	Suite *s = suite_create("copy");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_bad_endpoints);
	tcase_add_test(tc, test_copy_crop);
	tcase_add_test(tc, test_copy_unroll_and_splice);
	tcase_add_test(tc, test_existing_dest_and_dry_run);
	tcase_add_test(tc, test_cancel_and_exclude);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(copy_suite());
}
