/* check_copy_dst.c: Check suite for the Linux folder destination of the copy engine: the last check that no symbolic link it makes leads out of the destination. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copy/copy_backend_int.h"
#include "testutil.h"

static char tmp[256];

static void setup(void)
{
	ck_assert(tu_mkdtemp(tmp, sizeof(tmp), "check_copy_dst"));
}

static void teardown(void)
{
	tu_rmtree(tmp);
}

static struct cp_dst *open_dst(const char *rel)
{
	struct cp_dst *d = calloc(1, sizeof(*d));
	char err[256] = "";

	ck_assert_ptr_nonnull(d);
	ck_assert_msg(cp_dst_dir_open(d, tu_str("%s/%s", tmp, rel), false, false, err,
				      sizeof(err)) == 0, "%s", err);
	return d;
}

static void close_dst(struct cp_dst *d)
{
	d->ops->free(d);
	free(d->path);
	free(d->vol_key);
	free(d->leaf);
	free(d);
}

/* symlink @name -> @target in @d's root folder, which is @parent_rel below the top. */
static int mk(struct cp_dst *d, const char *parent_rel, const char *name, const char *target,
	      bool may_leave)
{
	return d->ops->symlink(d, &d->root, parent_rel, name, target, may_leave, NULL);
}

/* The text of link @rel under the test folder, or "" when there is none. */
static const char *link_text(const char *rel)
{
	static char buf[256];
	ssize_t n = readlink(tu_str("%s/%s", tmp, rel), buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* An existing destination folder: it is the top; nothing may climb above it. */
START_TEST(test_existing_dest)
{
	struct cp_dst *d;

	ck_assert_int_eq(mkdir(tu_str("%s/D", tmp), 0755), 0);
	d = open_dst("D");
	ck_assert(d->exists);
	ck_assert_int_eq(mk(d, "", "up", "../x", false), -EPERM);
	ck_assert_str_eq(d->ops->errmsg(d), "refused: the link would lead out of the destination");
	ck_assert_int_eq(mk(d, "", "abs", "/etc", false), -EPERM);
	ck_assert_int_eq(mk(d, "", "zigzag", "a/../../x", false), -EPERM);
	ck_assert_int_eq(mk(d, "", "dots", "./.././x", false), -EPERM);
	ck_assert_int_eq(mk(d, "", "empty", "", false), -EPERM);
	/* the links named in the top folder are not there */
	ck_assert_str_eq(link_text("D/up"), "");
	ck_assert_str_eq(link_text("D/abs"), "");
	ck_assert_str_eq(link_text("D/zigzag"), "");
	/* inside: made as given ("a/b" is where the link is, two levels down) */
	ck_assert_int_eq(mk(d, "", "in", "a/../b", false), 0);
	ck_assert_str_eq(link_text("D/in"), "a/../b");
	ck_assert_int_eq(mk(d, "a/b", "deep", "../../c", false), 0);
	ck_assert_str_eq(link_text("D/deep"), "../../c");
	ck_assert_int_eq(mk(d, "a/b", "deep-out", "../../../c", false), -EPERM);
	ck_assert_int_eq(mk(d, "", "back", "C:\\..\\..\\x", false), 0);	/* one name to Linux */
	ck_assert_str_eq(link_text("D/back"), "C:\\..\\..\\x");
	/* asked for (--splice): made */
	ck_assert_int_eq(mk(d, "", "kept", "../../../etc", true), 0);
	ck_assert_str_eq(link_text("D/kept"), "../../../etc");
	close_dst(d);
}
END_TEST

/* A new destination folder D: the top is its parent, and the links stay under D. */
START_TEST(test_new_dest)
{
	struct cp_dst *d = open_dst("N");

	ck_assert(!d->exists);
	ck_assert_str_eq(d->leaf, "N");
	ck_assert_int_eq(mkdir(tu_str("%s/N", tmp), 0755), 0);
	/* the link is made in the parent's handle here; what counts is the path given */
	ck_assert_int_eq(mk(d, "N", "up", "..", false), -EPERM);
	ck_assert_int_eq(mk(d, "N", "sibling", "../N2/x", false), -EPERM);
	ck_assert_int_eq(mk(d, "N", "again", "../N/x", false), -EPERM);
	ck_assert_int_eq(mk(d, "N/sub", "ok", "../x", false), 0);
	ck_assert_str_eq(link_text("ok"), "../x");
	ck_assert_int_eq(mk(d, "N/sub", "out", "../../x", false), -EPERM);
	ck_assert_str_eq(link_text("out"), "");
	close_dst(d);
}
END_TEST

static Suite *copy_dst_suite(void)
{
	Suite *s = suite_create("copy_dst");
	TCase *tc = tcase_create("symlinks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_existing_dest);
	tcase_add_test(tc, test_new_dest);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(copy_dst_suite());
}
