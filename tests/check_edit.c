/* check_edit.c: Check suite for the edit layer: which names a new link may get, paths split into folder and name, and opening an image for editing (dry run read-only, an image in use refused). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/edit.h>
#include <ntfslinks/writer.h>
#include "edit/edit_int.h"
#include "testutil.h"

static char tmp[256], img[300];

static void setup(void)
{
	struct nl_format_opts fo = { .size = 8u << 20 };
	struct nl_writer *w = NULL;
	char err[256];
	uint64_t a;

	ck_assert(tu_mkdtemp(tmp, sizeof(tmp), "check_edit"));
	snprintf(img, sizeof(img), "%s/e.img", tmp);
	ck_assert_msg(nl_writer_format(img, &fo, err, sizeof(err)) == 0, "format: %s", err);
	ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "a", NL_NS_WIN32, NL_NODE_DIR, &a), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "f.txt", NL_NS_WIN32, NL_NODE_FILE, NULL), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, a, "p.txt", NL_NS_POSIX, NL_NODE_FILE, NULL), 0);
	ck_assert_int_eq(nl_writer_close(&w), 0);
}

static void teardown(void)
{
	tu_rmtree(tmp);
}

/* One name and what nl_edit_check_name says of it, without and with NL_EDIT_POSIX. */
struct name_case {
	const char *name;
	int rc;                 /* without NL_EDIT_POSIX */
	int rc_posix;           /* with it */
	int ns_posix;           /* the namespace with it */
};

static const struct name_case names[] = {
	{ "report.txt", 0, 0, NL_NS_POSIX },
	{ "\xc3\xa9t\xc3\xa9 \xe2\x82\xac.txt", 0, 0, NL_NS_POSIX },     /* été €.txt */
	{ "\xed\xa0\x80lone", 0, 0, NL_NS_POSIX },                      /* U+D800 unpaired */
	{ "\xf0\x9f\x98\x80", 0, 0, NL_NS_POSIX },                      /* U+1F600 */
	{ "aux", -EINVAL, 0, NL_NS_POSIX },
	{ "AUX", -EINVAL, 0, NL_NS_POSIX },
	{ "con", -EINVAL, 0, NL_NS_POSIX },
	{ "nul.txt", -EINVAL, 0, NL_NS_POSIX },
	{ "Com1", -EINVAL, 0, NL_NS_POSIX },
	{ "lpt9.log", -EINVAL, 0, NL_NS_POSIX },
	{ "com\xc2\xb9", -EINVAL, 0, NL_NS_POSIX },                     /* COM¹ */
	{ "aux .txt", -EINVAL, 0, NL_NS_POSIX },
	{ "com0", 0, 0, NL_NS_POSIX },
	{ "auxiliary", 0, 0, NL_NS_POSIX },
	{ "console.txt", 0, 0, NL_NS_POSIX },
	{ "trailing.", -EINVAL, 0, NL_NS_POSIX },
	{ "trailing ", -EINVAL, 0, NL_NS_POSIX },
	{ "a:b", -EINVAL, 0, NL_NS_POSIX },
	{ "a*b?c", -EINVAL, 0, NL_NS_POSIX },
	{ "a<b>c|d\"e", -EINVAL, 0, NL_NS_POSIX },
	{ "tab\there", -EINVAL, 0, NL_NS_POSIX },
	{ "", -EINVAL, -EINVAL, 0 },
	{ "a/b", -EINVAL, -EINVAL, 0 },
	{ "\xff", -EILSEQ, -EILSEQ, 0 },
	{ "\xed\xa0\xbd\xed\xb8\x80", -EILSEQ, -EILSEQ, 0 },            /* a pair as two halves */
};

START_TEST(test_check_name)
{
	const struct name_case *c = &names[_i];
	enum nl_name_space ns = 99;
	char why[256] = "";

	ck_assert_msg(nl_edit_check_name(c->name, 0, &ns, why, sizeof(why)) == c->rc,
		      "'%s': %s", c->name, why);
	if (c->rc == 0)
		ck_assert_int_eq(ns, NL_NS_POSIX);
	else
		ck_assert_msg(*why, "'%s': no reason given", c->name);
	ns = 99;
	ck_assert_int_eq(nl_edit_check_name(c->name, NL_EDIT_POSIX, &ns, NULL, 0), c->rc_posix);
	if (c->rc_posix == 0)
		ck_assert_int_eq(ns, c->ns_posix);
}
END_TEST

START_TEST(test_check_name_reasons)
{
	char why[256];

	ck_assert_int_eq(nl_edit_check_name("aux", 0, NULL, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "'aux' is a reserved device name on Windows (--posix allows it)");
	ck_assert_int_eq(nl_edit_check_name("x.", 0, NULL, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "'x.': Windows does not allow a name ending in a dot or a space "
			 "(--posix allows it)");
	ck_assert_int_eq(nl_edit_check_name("\xed\xa0\x80?", 0, NULL, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "'\\u{d800}?': Windows does not allow < > : \" \\ | ? * or control "
			 "characters in a name (--posix allows them)");
}
END_TEST

/* 255 UTF-16 units are a name, 256 are not; a supplementary character is two units. */
START_TEST(test_check_name_length)
{
	char name[1100];

	memset(name, 'n', 255);
	name[255] = 0;
	ck_assert_int_eq(nl_edit_check_name(name, 0, NULL, NULL, 0), 0);
	name[255] = 'n';
	name[256] = 0;
	ck_assert_int_eq(nl_edit_check_name(name, 0, NULL, NULL, 0), -ENAMETOOLONG);
	/* 127 emoji (254 units) plus one unit: 255 */
	for (int i = 0; i < 127; i++)
		memcpy(name + 4 * i, "\xf0\x9f\x98\x80", 4);
	strcpy(name + 4 * 127, "x");
	ck_assert_int_eq(nl_edit_check_name(name, 0, NULL, NULL, 0), 0);
	strcpy(name + 4 * 127, "xy");
	ck_assert_int_eq(nl_edit_check_name(name, 0, NULL, NULL, 0), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_path_split)
{
	struct nl_edit e;
	struct nl_e_path p;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(nl_e_path_split(&e, "\\a//b\\c.txt", &p), 0);
	ck_assert_str_eq(p.norm, "/a/b/c.txt");
	ck_assert_str_eq(p.dir, "/a/b");
	ck_assert_str_eq(p.name, "c.txt");
	ck_assert_uint_eq(p.len, 5);
	ck_assert_uint_eq(p.units[0], 'c');
	nl_e_path_free(&p);
	ck_assert_int_eq(nl_e_path_split(&e, "x", &p), 0);
	ck_assert_str_eq(p.norm, "/x");
	ck_assert_str_eq(p.dir, "/");
	ck_assert_str_eq(p.name, "x");
	nl_e_path_free(&p);
	ck_assert_int_eq(nl_e_path_split(&e, "//", &p), 0);
	ck_assert_str_eq(p.norm, "/");
	ck_assert_str_eq(p.dir, "/");
	ck_assert_str_eq(p.name, "");
	ck_assert_uint_eq(p.len, 0);
	nl_e_path_free(&p);
	ck_assert_int_eq(nl_e_path_split(&e, "/a/\xff", &p), -EILSEQ);
	ck_assert_str_eq(nl_edit_error(&e), "name is not valid WTF-8");
	{
		char *s = nl_e_path_join("/", "x");

		ck_assert_str_eq(s, "/x");
		free(s);
		s = nl_e_path_join("/a", "x");
		ck_assert_str_eq(s, "/a/x");
		free(s);
	}
}
END_TEST

START_TEST(test_action_names)
{
	ck_assert_str_eq(nl_edit_action_name(NL_EDIT_ACT_LINK), "link");
	ck_assert_str_eq(nl_edit_action_name(NL_EDIT_ACT_FREE), "free");
	ck_assert_str_eq(nl_edit_action_name(NL_EDIT_ACT_UNLINK_LINK), "unlink-link");
	ck_assert_str_eq(nl_edit_action_name(NL_EDIT_ACT_WARNING), "warning");
	ck_assert_ptr_null(nl_edit_action_name(NL_EDIT_ACT_COUNT));
	for (int a = 0; a < NL_EDIT_ACT_COUNT; a++)
		ck_assert_ptr_nonnull(nl_edit_action_name((enum nl_edit_action)a));
}
END_TEST

/* Open, look up, close; a second opener of the same image is refused while
 * the first holds it, a reader is not. */
START_TEST(test_open_exclusive)
{
	nl_edit *e = NULL, *e2 = NULL;
	struct nl_writer *w = NULL;
	char err[NL_ERRMSG_SIZE] = "";
	uint64_t ref = 0, ref2 = 0;

	ck_assert_msg(nl_edit_open(img, NULL, &e, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(nl_edit_flags(e), 0);
	ck_assert_int_eq(nl_edit_lookup(e, "/", &ref), 0);
	ck_assert_uint_eq(NL_MREF_RECORD(ref), NL_ROOT_MFT);
	ck_assert_int_eq(nl_edit_lookup(e, "\\A\\F.TXT", &ref), 0);
	ck_assert_int_eq(nl_edit_lookup(e, "/a//f.txt", &ref2), 0);
	ck_assert_uint_eq(ref, ref2);
	/* a POSIX name too, as Windows opens names */
	ck_assert_int_eq(nl_edit_lookup(e, "/a/p.txt", &ref), 0);
	ck_assert_int_eq(nl_edit_lookup(e, "/a/P.TXT", &ref2), 0);
	ck_assert_uint_eq(ref, ref2);
	ck_assert_int_eq(nl_edit_lookup(e, "/a/q.txt", &ref), -ENOENT);
	ck_assert_str_eq(nl_edit_error_path(e), "/a/q.txt");
	ck_assert_int_eq(nl_edit_lookup(e, "/a/missing", &ref), -ENOENT);
	ck_assert_str_eq(nl_edit_error(e), "no such file or folder");
	ck_assert_int_eq(nl_edit_lookup(e, "/a/f.txt/x", &ref), -ENOTDIR);

	ck_assert_int_eq(nl_edit_open(img, NULL, &e2, err, sizeof(err)), -EBUSY);
	ck_assert_str_eq(err, "cannot open for writing: the image is mounted or in use");
	ck_assert_ptr_null(e2);
	ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), -EBUSY);
	ck_assert_int_eq(nl_writer_open(img, 0, NL_WRITER_RDONLY, &w), -EBUSY);
	ck_assert_ptr_null(w);

	ck_assert_int_eq(nl_edit_close(&e, err, sizeof(err)), 0);
	ck_assert_ptr_null(e);
	ck_assert_int_eq(nl_edit_close(&e, NULL, 0), 0);
	/* free again */
	ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_close(&w), 0);
}
END_TEST

/* A dry run opens the image read-only: two dry runs share it, nothing can
 * be written, and the image is the same bytes afterwards. */
START_TEST(test_dry_run_read_only)
{
	struct nl_edit_options o = { .flags = NL_EDIT_DRY_RUN };
	nl_edit *e = NULL, *e2 = NULL;
	char err[NL_ERRMSG_SIZE] = "", before[65], after[65];
	uint64_t ref;

	ck_assert_int_eq(tu_sha256_file(img, before), 0);
	ck_assert_msg(nl_edit_open(img, &o, &e, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(nl_edit_open(img, &o, &e2, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(nl_edit_flags(e), NL_EDIT_DRY_RUN);
	ck_assert_int_eq(nl_edit_lookup(e, "/a", &ref), 0);
	/* a writer is refused while a dry run reads */
	{
		struct nl_writer *w = NULL;

		ck_assert_int_eq(nl_writer_open(img, 0, 0, &w), -EBUSY);
	}
	ck_assert_int_eq(nl_edit_close(&e2, NULL, 0), 0);
	/* what reaches the writer of a dry run never reaches the image: the
	 * volume is mounted read-only (the hash below) */
	nl_writer_create_u8(e->w, ref, "new", NL_NS_WIN32, NL_NODE_FILE, NULL);
	nl_edit_close(&e, err, sizeof(err));
	ck_assert_int_eq(tu_sha256_file(img, after), 0);
	ck_assert_str_eq(before, after);
}
END_TEST

START_TEST(test_open_errors)
{
	nl_edit *e = NULL;
	char err[NL_ERRMSG_SIZE] = "";

	ck_assert_int_eq(nl_edit_open(tu_str("%s/none.img", tmp), NULL, &e, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_null(e);
	ck_assert_int_eq(tu_write_zeros(tu_str("%s/zero.img", tmp), 2u << 20), 0);
	ck_assert_int_eq(nl_edit_open(tu_str("%s/zero.img", tmp), NULL, &e, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(e);
	ck_assert_msg(*err, "no reason given");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("edit");
	TCase *tn = tcase_create("names");
	TCase *to = tcase_create("open");

	tcase_add_loop_test(tn, test_check_name, 0, (int)(sizeof(names) / sizeof(names[0])));
	tcase_add_test(tn, test_check_name_reasons);
	tcase_add_test(tn, test_check_name_length);
	tcase_add_test(tn, test_path_split);
	tcase_add_test(tn, test_action_names);
	suite_add_tcase(s, tn);
	tcase_add_checked_fixture(to, setup, teardown);
	tcase_add_test(to, test_open_exclusive);
	tcase_add_test(to, test_dry_run_read_only);
	tcase_add_test(to, test_open_errors);
	suite_add_tcase(s, to);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
