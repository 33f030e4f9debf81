/* check_edit_links.c: Check suite for the targets of new and changed links (reparse.h: nl_link_*, nl_target_map_prefix, _to_volume, _to_relative). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/edit.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/writer.h>
#include "testutil.h"

#define GUID "{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}"

/* ---- hand-made buffers: what Windows writes ---------------------------- */

struct buf {
	uint8_t b[1024];
	size_t n;
};

static void b8(struct buf *x, uint8_t v) { x->b[x->n++] = v; }
static void b16(struct buf *x, uint16_t v) { b8(x, (uint8_t)v); b8(x, (uint8_t)(v >> 8)); }
static void b32(struct buf *x, uint32_t v) { b16(x, (uint16_t)v); b16(x, (uint16_t)(v >> 16)); }
static void bu16s(struct buf *x, const char *ascii)
{
	while (*ascii)
		b16(x, (uint8_t)*ascii++);
}

/* mklink /J and mountvol: substitute, NUL, print, NUL; offsets and lengths without the NULs. */
static void want_mount(struct buf *x, const char *subst, const char *print)
{
	size_t sn = strlen(subst), pn = strlen(print);

	b32(x, 0xA0000003);
	b16(x, (uint16_t)(8 + 2 * sn + 2 + 2 * pn + 2));
	b16(x, 0);
	b16(x, 0);
	b16(x, (uint16_t)(2 * sn));
	b16(x, (uint16_t)(2 * sn + 2));
	b16(x, (uint16_t)(2 * pn));
	bu16s(x, subst);
	b16(x, 0);
	bu16s(x, print);
	b16(x, 0);
}

/* CreateSymbolicLink: print name first, then the substitute name, no NULs, after the flags. */
static void want_symlink(struct buf *x, const char *subst, const char *print, uint32_t flags)
{
	size_t sn = strlen(subst), pn = strlen(print);

	b32(x, 0xA000000C);
	b16(x, (uint16_t)(12 + 2 * sn + 2 * pn));
	b16(x, 0);
	b16(x, (uint16_t)(2 * pn));
	b16(x, (uint16_t)(2 * sn));
	b16(x, 0);
	b16(x, (uint16_t)(2 * pn));
	b32(x, flags);
	bu16s(x, print);
	bu16s(x, subst);
}

/* ---- parsing what the user gives ---------------------------------------- */

static const struct {
	enum nl_link_kind kind;
	const char *in;
	char drive;
	const char *subst, *print;
	uint32_t flags;
} ok_cases[] = {
	{ NL_LINK_JUNCTION, "C:\\Users\\x", 0, "\\??\\C:\\Users\\x", "C:\\Users\\x", 0 },
	{ NL_LINK_JUNCTION, "\\??\\d:\\Data\\", 0, "\\??\\D:\\Data", "D:\\Data", 0 },
	{ NL_LINK_JUNCTION, "\\\\?\\E:\\", 0, "\\??\\E:\\", "E:\\", 0 },
	{ NL_LINK_JUNCTION, "/Users/a b", 'c', "\\??\\C:\\Users\\a b", "C:\\Users\\a b", 0 },
	{ NL_LINK_JUNCTION, "\\Users", 'F', "\\??\\F:\\Users", "F:\\Users", 0 },
	{ NL_LINK_JUNCTION, "/", 'C', "\\??\\C:\\", "C:\\", 0 },
	{ NL_LINK_JUNCTION, "Volume" GUID "\\x", 0, "\\??\\Volume" GUID "\\x",
	  "\\\\?\\Volume" GUID "\\x", 0 },
	{ NL_LINK_SYMLINK, "..\\target.txt", 0, "..\\target.txt", "..\\target.txt", 1 },
	{ NL_LINK_SYMLINK, "target.txt", 0, "target.txt", "target.txt", 1 },
	{ NL_LINK_SYMLINK, "C:\\ProgramData", 0, "\\??\\C:\\ProgramData", "C:\\ProgramData", 0 },
	{ NL_LINK_SYMLINK, "\\\\server\\share\\x", 0, "\\??\\UNC\\server\\share\\x",
	  "\\\\server\\share\\x", 0 },
	{ NL_LINK_SYMLINK, "\\??\\UNC\\srv\\sh", 0, "\\??\\UNC\\srv\\sh", "\\\\srv\\sh", 0 },
	{ NL_LINK_SYMLINK, "/a/./b/../c", 'D', "\\??\\D:\\a\\c", "D:\\a\\c", 0 },
	{ NL_LINK_MOUNT_POINT, "Volume{0B1E5A3C-1D2F-11EE-9A4B-806E6F6E6963}\\", 0,
	  "\\??\\Volume" GUID "\\", "", 0 },
	{ NL_LINK_MOUNT_POINT, "\\\\?\\Volume" GUID "\\", 0, "\\??\\Volume" GUID "\\", "", 0 },
	{ NL_LINK_MOUNT_POINT, "\\??\\Volume" GUID "\\", 0, "\\??\\Volume" GUID "\\", "", 0 },
	{ NL_LINK_MOUNT_POINT, GUID, 0, "\\??\\Volume" GUID "\\", "", 0 },
	{ NL_LINK_JUNCTION, "\\\\?\\Volume" GUID "\\", 0, "\\??\\Volume" GUID "\\", "", 0 },
};

START_TEST(test_parse_ok)
{
	struct nl_target t;
	const char *why = NULL;
	char *s = NULL, *p = NULL;
	uint32_t flags = 7;

	ck_assert_int_eq(nl_link_target_parse(ok_cases[_i].kind, ok_cases[_i].in, ok_cases[_i].drive,
					      &t, &why), 0);
	ck_assert_int_eq(nl_link_names(ok_cases[_i].kind, &t, &s, &p, &flags), 0);
	ck_assert_str_eq(s, ok_cases[_i].subst);
	ck_assert_str_eq(p, ok_cases[_i].print);
	ck_assert_uint_eq(flags, ok_cases[_i].flags);
	free(s);
	free(p);
	nl_target_clear(&t);
}
END_TEST

static const struct {
	enum nl_link_kind kind;
	const char *in;
	char drive;
	int rc;
	const char *why;
} bad_cases[] = {
	{ NL_LINK_JUNCTION, "..\\x", 0, -EINVAL,
	  "a relative target can only be the target of a symbolic link" },
	{ NL_LINK_MOUNT_POINT, "..\\x", 0, -EINVAL,
	  "a relative target can only be the target of a symbolic link" },
	{ NL_LINK_JUNCTION, "\\\\server\\share", 0, -EINVAL,
	  "a network path can only be the target of a symbolic link" },
	{ NL_LINK_SYMLINK, "\\\\server", 0, -EINVAL, "a network path needs \\\\server\\share" },
	{ NL_LINK_MOUNT_POINT, "C:\\x", 0, -EINVAL,
	  "a mount point's target is a volume (Volume{GUID}\\)" },
	{ NL_LINK_MOUNT_POINT, "Volume" GUID "\\x", 0, -EINVAL,
	  "a mount point's target is the root of a volume" },
	{ NL_LINK_MOUNT_POINT, "Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e696}\\", 0, -EINVAL,
	  "volume name is not Volume{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" },
	{ NL_LINK_MOUNT_POINT, "Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e696g}\\", 0, -EINVAL,
	  "volume name is not Volume{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" },
	{ NL_LINK_JUNCTION, "/x", 0, -EINVAL,
	  "no drive letter for a target on this volume (give --drive)" },
	{ NL_LINK_JUNCTION, "C:\\a*b", 0, -EINVAL,
	  "character not allowed in a windows path in the target" },
	{ NL_LINK_SYMLINK, "a\tb", 0, -EINVAL, "control character in the target" },
	{ NL_LINK_JUNCTION, "\\Device\\HarddiskVolume1\\x", 'C', -EINVAL,
	  "target is not a drive, volume, network or relative path" },
	{ NL_LINK_SYMLINK, "\\??\\GLOBALROOT\\Device\\x", 0, -EINVAL,
	  "target is not a drive, volume, network or relative path" },
	{ NL_LINK_SYMLINK, "", 0, -EINVAL, "empty target" },
	{ NL_LINK_SYMLINK, "C:\\\xff", 0, -EILSEQ, "target is not valid utf-8" },
};

START_TEST(test_parse_bad)
{
	struct nl_target t;
	const char *why = NULL;

	ck_assert_int_eq(nl_link_target_parse(bad_cases[_i].kind, bad_cases[_i].in, bad_cases[_i].drive,
					      &t, &why), bad_cases[_i].rc);
	ck_assert_str_eq(why, bad_cases[_i].why);
	ck_assert_int_eq(t.kind, NL_TGT_NONE);
	ck_assert_ptr_null(t.path);
}
END_TEST

/* The longest target that fits: a junction takes 8 + 8 + 2 * (s + 1) + 2 * (p + 1)
 * bytes, the substitute name s = p + 4 units ("\??\" more), at most 16384. */
START_TEST(test_parse_length)
{
	char *in = malloc(9000);
	struct nl_target t;
	const char *why = NULL;
	uint8_t *b = NULL;
	size_t n = 0, p;

	p = (16384 - 16 - 2 - 8 - 2) / 4;   /* 4089 */
	memcpy(in, "C:\\", 3);
	memset(in + 3, 'a', p - 3);
	in[p] = '\0';
	ck_assert_int_eq(nl_link_target_parse(NL_LINK_JUNCTION, in, 0, &t, &why), 0);
	ck_assert_int_eq(nl_link_build(NL_LINK_JUNCTION, &t, &b, &n, &why), 0);
	ck_assert_uint_eq(n, 16384);
	free(b);
	nl_target_clear(&t);
	in[p] = 'a';
	in[p + 1] = '\0';
	ck_assert_int_eq(nl_link_target_parse(NL_LINK_JUNCTION, in, 0, &t, &why), -ENAMETOOLONG);
	ck_assert_str_eq(why, "target too long for a reparse point (16 KiB)");
	free(in);
}
END_TEST

/* ---- whole buffers, byte for byte ----------------------------------------- */

static void build_eq(enum nl_link_kind kind, const char *in, char drive, const struct buf *want)
{
	struct nl_target t;
	const char *why = NULL;
	uint8_t *b = NULL;
	size_t n = 0;

	ck_assert_int_eq(nl_link_target_parse(kind, in, drive, &t, &why), 0);
	ck_assert_int_eq(nl_link_build(kind, &t, &b, &n, &why), 0);
	ck_assert_uint_eq(n, want->n);
	ck_assert_mem_eq(b, want->b, n);
	free(b);
	nl_target_clear(&t);
}

START_TEST(test_build_bytes)
{
	struct buf w = { .n = 0 };

	want_mount(&w, "\\??\\C:\\Users\\Public", "C:\\Users\\Public");
	build_eq(NL_LINK_JUNCTION, "C:\\Users\\Public", 0, &w);
	w.n = 0;
	want_mount(&w, "\\??\\Volume" GUID "\\", "");
	build_eq(NL_LINK_MOUNT_POINT, "Volume" GUID "\\", 0, &w);
	w.n = 0;
	want_symlink(&w, "\\??\\C:\\ProgramData", "C:\\ProgramData", 0);
	build_eq(NL_LINK_SYMLINK, "/ProgramData", 'C', &w);
	w.n = 0;
	want_symlink(&w, "..\\a\\b.txt", "..\\a\\b.txt", 1);
	build_eq(NL_LINK_SYMLINK, "../a/b.txt", 0, &w);
	w.n = 0;
	want_symlink(&w, "\\??\\UNC\\srv\\sh\\d", "\\\\srv\\sh\\d", 0);
	build_eq(NL_LINK_SYMLINK, "\\\\srv\\sh\\d", 0, &w);
}
END_TEST

/* ---- rewriting ------------------------------------------------------------ */

static void parse_any(const char *s, struct nl_target *t)
{
	ck_assert_int_eq(nl_target_parse(s, true, t), 0);
}

static const struct {
	const char *target, *from, *to, *out; /* out NULL: does not apply */
} map_cases[] = {
	{ "\\??\\D:\\Data\\x", "D:\\Data", "E:\\Data", "E:\\Data\\x" },
	{ "\\??\\D:\\data", "d:\\DATA\\", "E:\\New", "E:\\New" },
	{ "\\??\\D:\\Database", "D:\\Data", "E:\\Data", NULL },
	{ "\\??\\C:\\Data\\x", "D:\\Data", "E:\\Data", NULL },
	{ "\\??\\D:\\a\\b", "D:\\", "\\\\srv\\sh", "\\\\srv\\sh\\a\\b" },
	{ "\\??\\D:\\a\\b", "D:\\a\\b", "E:\\", "E:\\" },
	{ "\\??\\UNC\\Srv\\Sh\\p", "\\\\srv\\sh", "\\\\new\\sh", "\\\\new\\sh\\p" },
	{ "\\??\\Volume" GUID "\\d\\e", "Volume" GUID "\\d", "F:\\", "F:\\e" },
	{ "..\\old\\f", "..\\old", "..\\new", "..\\new\\f" },
	{ "..\\old\\f", "..\\old", ".", "f" },
	{ "\\??\\D:\\\xc3\xa9t\xc3\xa9\\x", "D:\\\xc3\x89T\xc3\x89", "E:\\s", "E:\\s\\x" },
};

START_TEST(test_map_prefix)
{
	struct nl_target t, from, to, out;
	char *s = NULL;
	int rc;

	parse_any(map_cases[_i].target, &t);
	if (strncmp(map_cases[_i].from, "Volume", 6) == 0) {
		char nt[128];

		snprintf(nt, sizeof(nt), "\\??\\%s", map_cases[_i].from);
		parse_any(nt, &from);
	} else {
		parse_any(map_cases[_i].from, &from);
	}
	parse_any(map_cases[_i].to, &to);
	rc = nl_target_map_prefix(&t, &from, &to, &out);
	if (!map_cases[_i].out) {
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(out.kind, NL_TGT_NONE);
	} else {
		ck_assert_int_eq(rc, 1);
		ck_assert_int_eq(nl_target_format(&out, NL_TSTYLE_WIN32, &s), 0);
		ck_assert_str_eq(s, map_cases[_i].out);
		free(s);
	}
	nl_target_clear(&out);
	nl_target_clear(&t);
	nl_target_clear(&from);
	nl_target_clear(&to);
}
END_TEST

START_TEST(test_to_volume)
{
	struct nl_target t, out;
	char *s = NULL;

	parse_any("\\??\\C:\\Users\\x", &t);
	ck_assert_int_eq(nl_target_to_volume(&t, 'c', "{0B1E5A3C-1D2F-11EE-9A4B-806E6F6E6963}", &out), 1);
	ck_assert_int_eq(nl_target_format(&out, NL_TSTYLE_NT, &s), 0);
	ck_assert_str_eq(s, "\\??\\Volume" GUID "\\Users\\x");
	free(s);
	nl_target_clear(&out);
	ck_assert_int_eq(nl_target_to_volume(&t, 'D', GUID, &out), 0);
	ck_assert_int_eq(out.kind, NL_TGT_NONE);
	nl_target_clear(&t);
	parse_any("..\\x", &t);
	ck_assert_int_eq(nl_target_to_volume(&t, 'C', GUID, &out), 0);
	nl_target_clear(&t);
}
END_TEST

static const struct {
	const char *target, *dir, *out; /* out NULL: does not apply */
} rel_cases[] = {
	{ "\\??\\C:\\a\\c\\x", "/a/b", "..\\c\\x" },
	{ "\\??\\C:\\A\\B\\x", "/a/b", "x" },
	{ "\\??\\C:\\a", "/a/b", ".." },
	{ "\\??\\C:\\a\\b", "/a/b", "." },
	{ "\\??\\C:\\x", "/", "x" },
	{ "\\??\\C:\\", "/a/b/c", "..\\..\\.." },
	{ "\\??\\C:\\p\\q", "/a/b", "..\\..\\p\\q" },
	{ "\\??\\Volume" GUID "\\a\\y", "/a", "y" },
	{ "\\??\\D:\\x", "/", NULL },
	{ "\\??\\UNC\\s\\h\\x", "/", NULL },
	{ "..\\x", "/a", NULL },
};

START_TEST(test_to_relative)
{
	struct nl_target t, out;
	char *s = NULL;
	int rc;

	parse_any(rel_cases[_i].target, &t);
	rc = nl_target_to_relative(&t, 'C', GUID, rel_cases[_i].dir, &out);
	if (!rel_cases[_i].out) {
		ck_assert_int_eq(rc, 0);
	} else {
		ck_assert_int_eq(rc, 1);
		ck_assert_int_eq(out.kind, NL_TGT_RELATIVE);
		ck_assert_int_eq(nl_target_format(&out, NL_TSTYLE_WIN32, &s), 0);
		ck_assert_str_eq(s, rel_cases[_i].out);
		free(s);
	}
	nl_target_clear(&out);
	nl_target_clear(&t);
}
END_TEST

static const struct {
	const char *target, *old_dir, *new_dir, *from, *to, *out; /* out NULL: stays */
} reloc_cases[] = {
	/* absolute, into the moved tree: same place under the new name */
	{ "\\??\\C:\\a\\b\\x", "/", "/", "/a/b", "/z", "C:\\z\\x" },
	{ "\\??\\C:\\A\\B", "/", "/", "/a/b", "/z/y", "C:\\z\\y" },
	{ "\\??\\C:\\a\\bc", "/", "/", "/a/b", "/z", NULL },
	{ "\\??\\D:\\a\\b", "/", "/", "/a/b", "/z", NULL },
	{ "\\??\\Volume" GUID "\\a\\b\\f", "/", "/", "/a/b", "/", "\\\\?\\Volume" GUID "\\f" },
	/* relative, the link outside, its target moved */
	{ "..\\a\\b\\f", "/q", "/q", "/a/b", "/z", "..\\z\\f" },
	/* relative, link and target moved together: unchanged */
	{ "..\\f", "/a/b/c", "/z/c", "/a/b", "/z", NULL },
	/* relative, the link moved out of its target's tree */
	{ "..\\f", "/a/b/c", "/z/c", "/a/b/c", "/z/c", "..\\..\\a\\b\\f" },
	/* relative above the root: left alone; UNC: left alone */
	{ "..\\..\\f", "/q", "/z", "/q", "/z", NULL },
	{ "\\??\\UNC\\s\\h\\a\\b", "/", "/", "/a/b", "/z", NULL },
};

START_TEST(test_relocate)
{
	struct nl_target t, out;
	char *s = NULL;
	int rc;

	parse_any(reloc_cases[_i].target, &t);
	rc = nl_target_relocate(&t, 'C', GUID, reloc_cases[_i].old_dir, reloc_cases[_i].new_dir,
				reloc_cases[_i].from, reloc_cases[_i].to, &out);
	if (!reloc_cases[_i].out) {
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(out.kind, NL_TGT_NONE);
	} else {
		ck_assert_int_eq(rc, 1);
		ck_assert_int_eq(nl_target_format(&out, NL_TSTYLE_WIN32, &s), 0);
		ck_assert_str_eq(s, reloc_cases[_i].out);
		free(s);
	}
	nl_target_clear(&out);
	nl_target_clear(&t);
}
END_TEST

START_TEST(test_guid_valid)
{
	ck_assert(nl_guid_valid(GUID));
	ck_assert(nl_guid_valid("{0B1E5A3C-1D2F-11EE-9A4B-806E6F6E6963}"));
	ck_assert(!nl_guid_valid("0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963"));
	ck_assert(!nl_guid_valid("{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}x"));
	ck_assert(!nl_guid_valid("{0b1e5a3c1d2f-11ee-9a4b-806e6f6e6963}"));
	ck_assert(!nl_guid_valid(""));
	ck_assert_str_eq(nl_link_kind_name(NL_LINK_MOUNT_POINT), "mountpoint");
}
END_TEST

/* ---- the writer: replacing the reparse data of a link in place ----------- */

static char tmpdir[4096];

static const char replace_spec[] =
	"image size=8M\n"
	"default-time 2012-03-04T05:06:07Z\n"
	"dir /t\n"
	"dir /u\n"
	"junction /j \"\\??\\C:\\t\" ctime=2001-01-01T00:00:00Z mtime=2002-02-02T00:00:00Z\n"
	"symlink /s.txt \"..\\x.txt\" relative\n";

static void build_image(const char *spec, char *image, size_t len)
{
	char path[4300];

	snprintf(path, sizeof(path), "%s/t.spec", tmpdir);
	snprintf(image, len, "%s/t.img", tmpdir);
	ck_assert_int_eq(tu_write_text(path, spec), 0);
	ck_assert_int_eq(tu_mkfixture(path, image), 0);
}

/* The reparse data and SI times of PATH, read back by the scanner. */
static void read_back(const char *image, const char *path, uint8_t **data, size_t *len,
		      struct nl_times *t)
{
	char err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	nl_model *m = NULL;
	struct nl_scan_options so = { 0 };
	const uint8_t *d = NULL;
	uint64_t mft;
	uint32_t tag;

	ck_assert_int_eq(nl_volume_open(image, NULL, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(nl_scan(v, &so, &m), 0);
	ck_assert_int_eq(nl_model_lookup_path(m, path, &mft), 0);
	ck_assert_int_eq(nl_model_reparse(m, mft, &tag, &d, len), 0);
	*data = malloc(*len);
	memcpy(*data, d, *len);
	ck_assert_int_eq(nl_model_times(m, mft, t), 0);
	nl_model_free(&m);
	nl_volume_close(&v);
}

static void link_bytes(enum nl_link_kind kind, const char *text, uint8_t **b, size_t *n)
{
	struct nl_target t;
	const char *why = NULL;

	ck_assert_int_eq(nl_link_target_parse(kind, text, 0, &t, &why), 0);
	ck_assert_int_eq(nl_link_build(kind, &t, b, n, &why), 0);
	nl_target_clear(&t);
}

START_TEST(test_writer_replace)
{
	char image[4300];
	nl_writer *w = NULL;
	uint64_t ref, dir;
	uint8_t *old = NULL, *nb = NULL, *got = NULL;
	size_t oldn = 0, nn = 0, gotn = 0;
	struct nl_times before, after;

	build_image(replace_spec, image, sizeof(image));
	read_back(image, "/j", &old, &oldn, &before);
	ck_assert_int_eq(nl_writer_open(image, 0, 0, &w), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/j", &ref), 0);
	ck_assert_int_eq(nl_writer_get_reparse(w, ref, &got, &gotn), 0);
	ck_assert_uint_eq(gotn, oldn);
	ck_assert_mem_eq(got, old, oldn);
	free(got);
	link_bytes(NL_LINK_JUNCTION, "C:\\u\\longer name than before", &nb, &nn);
	ck_assert_int_eq(nl_writer_replace_reparse(w, ref, nb, nn), 0);
	/* not a reparse point, and a length field that does not match */
	ck_assert_int_eq(nl_writer_lookup_path(w, "/t", &dir), 0);
	ck_assert_int_eq(nl_writer_is_dir(w, dir), 1);
	ck_assert_int_eq(nl_writer_is_dir(w, ref), 1);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/s.txt", &dir), 0);
	ck_assert_int_eq(nl_writer_is_dir(w, dir), 0);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/t", &dir), 0);
	ck_assert_int_eq(nl_writer_replace_reparse(w, dir, nb, nn), -ENODATA);
	ck_assert_int_eq(nl_writer_get_reparse(w, dir, &got, &gotn), -ENODATA);
	ck_assert_int_eq(nl_writer_replace_reparse(w, ref, nb, nn - 2), -EINVAL);
	ck_assert_int_eq(nl_writer_close(&w), 0);

	read_back(image, "/j", &got, &gotn, &after);
	ck_assert_uint_eq(gotn, nn);
	ck_assert_mem_eq(got, nb, nn);
	ck_assert_int_eq(after.crtime, before.crtime);
	ck_assert_int_eq(after.mtime, before.mtime);
	ck_assert_int_eq(after.ctime, before.ctime);
	ck_assert_int_eq(after.atime, before.atime);
	free(got);
	free(nb);
	free(old);
}
END_TEST

/* ---- the edit handle: one link retargeted by its record -------------------- */

struct events {
	char text[2048];
	size_t n;
};

static void on_event(void *ctx, const struct nl_edit_event *ev)
{
	struct events *x = ctx;
	size_t len = strlen(x->text);

	snprintf(x->text + len, sizeof(x->text) - len, "%s|%s|%s|%s|%lld\n",
		 nl_edit_action_name(ev->action), ev->path, ev->target ? ev->target : "-",
		 ev->detail ? ev->detail : "-", ev->mft == UINT64_MAX ? -1LL : (long long)ev->mft);
	x->n++;
}

START_TEST(test_edit_retarget_ref)
{
	char image[4300], err[NL_ERRMSG_SIZE];
	struct events ev = { .n = 0 };
	struct nl_edit_options o = { .log = on_event, .log_ctx = &ev };
	nl_edit *e = NULL;
	uint64_t j, s, t;
	struct nl_target nt;
	const char *why = NULL;
	uint8_t *want = NULL, *got = NULL;
	size_t wantn = 0, gotn = 0;
	struct nl_times before, after;

	build_image(replace_spec, image, sizeof(image));
	read_back(image, "/s.txt", &got, &gotn, &before);
	free(got);
	ck_assert_int_eq(nl_edit_open(image, &o, &e, err, sizeof(err)), 0);
	ck_assert_int_eq(nl_edit_lookup(e, "/j", &j), 0);
	ck_assert_int_eq(nl_edit_lookup(e, "/s.txt", &s), 0);
	ck_assert_int_eq(nl_edit_lookup(e, "/t", &t), 0);

	/* a junction to another folder, named in the log by the path given */
	ck_assert_int_eq(nl_link_target_parse(NL_LINK_SYMLINK, "/u", 'C', &nt, &why), 0);
	ck_assert_int_eq(nl_edit_retarget_ref(e, j, "/j", &nt), 0);
	/* the same again: nothing to do, nothing logged */
	ck_assert_int_eq(nl_edit_retarget_ref(e, j, "/j", &nt), 0);
	nl_target_clear(&nt);
	/* a symbolic link stays one, relative; no path: "record N" */
	ck_assert_int_eq(nl_link_target_parse(NL_LINK_SYMLINK, "..\\y.txt", 0, &nt, &why), 0);
	ck_assert_int_eq(nl_edit_retarget_ref(e, s, NULL, &nt), 0);
	/* a junction cannot take it; a folder is no link: refused, nothing logged */
	ck_assert_int_eq(nl_edit_retarget_ref(e, j, "/j", &nt), -EINVAL);
	ck_assert_str_eq(nl_edit_error(e), "a relative target can only be the target of a symbolic link");
	ck_assert_int_eq(nl_edit_retarget_ref(e, t, "/t", &nt), -EINVAL);
	ck_assert_str_eq(nl_edit_error(e), "not a junction, symbolic link or mount point");
	nl_target_clear(&nt);
	ck_assert_int_eq(nl_edit_close(&e, err, sizeof(err)), 0);
	ck_assert_uint_eq(ev.n, 2);
	ck_assert_str_eq(ev.text, tu_str("retarget|/j|C:\\u|C:\\t|%llu\n"
					 "retarget|record %llu|..\\y.txt|..\\x.txt|%llu\n",
					 (unsigned long long)(j & 0xFFFFFFFFFFFFULL),
					 (unsigned long long)(s & 0xFFFFFFFFFFFFULL),
					 (unsigned long long)(s & 0xFFFFFFFFFFFFULL)));

	/* what is on disk: the Windows layouts, and the symlink's times kept */
	read_back(image, "/j", &got, &gotn, &after);
	link_bytes(NL_LINK_JUNCTION, "C:\\u", &want, &wantn);
	ck_assert_uint_eq(gotn, wantn);
	ck_assert_mem_eq(got, want, wantn);
	free(got);
	free(want);
	read_back(image, "/s.txt", &got, &gotn, &after);
	link_bytes(NL_LINK_SYMLINK, "..\\y.txt", &want, &wantn);
	ck_assert_uint_eq(gotn, wantn);
	ck_assert_mem_eq(got, want, wantn);
	ck_assert_int_eq(after.crtime, before.crtime);
	ck_assert_int_eq(after.mtime, before.mtime);
	ck_assert_int_eq(after.ctime, before.ctime);
	ck_assert_int_eq(after.atime, before.atime);
	free(got);
	free(want);
}
END_TEST

static void setup_tmp(void)
{
	ck_assert(tu_mkdtemp(tmpdir, sizeof(tmpdir), "edit-links"));
}

static void teardown_tmp(void)
{
	tu_rmtree(tmpdir);
}

static Suite *edit_links_suite(void)
{
	Suite *s = suite_create("edit-links");
	TCase *tc = tcase_create("targets");

	tcase_add_loop_test(tc, test_parse_ok, 0, sizeof(ok_cases) / sizeof(ok_cases[0]));
	tcase_add_loop_test(tc, test_parse_bad, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_parse_length);
	tcase_add_test(tc, test_build_bytes);
	tcase_add_test(tc, test_guid_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("rewrite");
	tcase_add_loop_test(tc, test_map_prefix, 0, sizeof(map_cases) / sizeof(map_cases[0]));
	tcase_add_test(tc, test_to_volume);
	tcase_add_loop_test(tc, test_to_relative, 0, sizeof(rel_cases) / sizeof(rel_cases[0]));
	tcase_add_loop_test(tc, test_relocate, 0, sizeof(reloc_cases) / sizeof(reloc_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_writer_replace);
	tcase_add_test(tc, test_edit_retarget_ref);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(edit_links_suite());
}
