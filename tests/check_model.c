/* check_model.c: Check suite for the link model (mft/model.c, mft/pathindex.c) on an image built from a spec by $MKFIXTURE. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include "testutil.h"

/*
 * The image.  A fresh volume gives the spec's objects the records from 64 on,
 * in the order they are created (the deleted file's record is freed last and
 * not taken again).  Every expected value below follows from these lines.
 */
#define UNICODE_TXT "\xc3\x9c" "n" "\xc3\xaf" "c" "\xc3\xb6" "d" "\xc3\xa9" ".txt"   /* Ünïcödé.txt */

static const char SPEC[] =
	"image size=16M label=MODEL\n"
	"default-time 2012-03-04T05:06:07Z\n"
	"dir /Docs\n"                                               /* 64 */
	"dir /Other\n"                                              /* 65 */
	"file /Docs/Report.txt text=\"report\\n\"\n"                /* 66 */
	"link /Docs/Report.txt /Docs/Report2.txt\n"
	"link /Docs/Report.txt /Other/Copy.txt\n"
	"stream /Docs/Report.txt Zone.Identifier text=\"[ZoneTransfer]\\r\\nZoneId=3\\r\\n\"\n"
	"stream /Docs/Report.txt Meta size=5000 pattern=ab\n"
	"file \"/Docs/Long File Name.txt\" text=\"long\\n\" ctime=2001-02-03T04:05:06Z "
	"mtime=2002-03-04T05:06:07Z chtime=2003-04-05T06:07:08Z atime=2004-05-06T07:08:09Z\n" /* 67 */
	"dosname \"/Docs/Long File Name.txt\" LONGFI~1.TXT\n"
	"namespace win32+dos\n"
	"file /Other/SHORT.TXT text=\"s\\n\"\n"                     /* 68 */
	"namespace posix\n"
	"file \"/Other/" UNICODE_TXT "\" text=\"u\\n\"\n" /* 69: Ünïcödé.txt */
	"file /Big.bin size=100000 pattern=x\n"                     /* 70 */
	"file /Sparse.bin sparse size=1048576 chunk=8192:4096\n"    /* 71 */
	"junction /Docs/Link \"\\??\\C:\\Other\"\n"                 /* 72 */
	"symlink /Docs/s.txt \"Report.txt\" relative\n"             /* 73 */
	"file /Other/gone.txt text=\"gone\\n\"\n"                   /* 74 */
	"delete /Other/gone.txt\n";

enum {
	DOCS = 64, OTHER, REPORT, LONGNAME, SHORT, UNICODE_NAME, BIG, SPARSE, LINK, SYMLINK, GONE,
};

static char tmpdir[4096], img[4200], empty_img[4200];
static nl_volume *vol, *empty_vol;
static nl_model *model, *plain_model, *empty_model;  /* plain: the image scanned without NL_SCAN_DELETED */

/* nt_time: a UTC date as NTFS time (100 ns units since 1601). */
static int64_t nt_time(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return ((int64_t)timegm(&tm) + 11644473600LL) * 10000000LL;
}

static void path_of(uint64_t mft, char *buf, unsigned *pflags)
{
	size_t len = 0;

	ck_assert_int_eq(nl_model_record_path(model, mft, buf, NL_PATH_BUF, &len, pflags), 0);
	ck_assert_uint_eq(len, strlen(buf));
}

/* ---- records ------------------------------------------------------------------ */

START_TEST(test_record_hardlinked_file)
{
	struct nl_record_info ri;

	ck_assert_int_eq(nl_model_record(model, REPORT, &ri), 0);
	ck_assert_uint_eq(ri.mft, REPORT);
	ck_assert_uint_eq(ri.flags & (NL_REC_IN_USE | NL_REC_DIRECTORY | NL_REC_DELETED |
				      NL_REC_REPARSE | NL_REC_NAMED_STREAMS | NL_REC_DATA_NONRES |
				      NL_REC_HAS_SI | NL_REC_PROBLEM),
			  NL_REC_IN_USE | NL_REC_NAMED_STREAMS | NL_REC_HAS_SI);
	ck_assert_uint_eq(ri.names, 3);
	ck_assert_uint_eq(ri.dos_names, 0);
	ck_assert_uint_eq(ri.link_count, 3);
	ck_assert_uint_eq(ri.file_attributes, NL_FA_ARCHIVE);
	ck_assert_uint_eq(ri.reparse_tag, 0);
	ck_assert_uint_eq(ri.data_size, 7);               /* "report\n" */
	ck_assert_uint_eq(ri.streams_size, 26 + 5000);    /* Zone.Identifier, Meta */
	ck_assert_uint_eq(ri.stream_count, 2);
	ck_assert_uint_eq(ri.alloc_size, 8192);           /* Meta: two 4096-byte clusters */
}
END_TEST

START_TEST(test_record_kinds)
{
	struct nl_record_info ri;

	ck_assert_int_eq(nl_model_record(model, NL_ROOT_MFT, &ri), 0);
	ck_assert(ri.flags & NL_REC_DIRECTORY);
	ck_assert_int_eq(nl_model_record(model, DOCS, &ri), 0);
	ck_assert_uint_eq(ri.flags & (NL_REC_IN_USE | NL_REC_DIRECTORY), NL_REC_IN_USE | NL_REC_DIRECTORY);
	ck_assert_uint_eq(ri.file_attributes, 0);         /* directories: no attributes by default */
	ck_assert_uint_eq(ri.data_size, 0);

	ck_assert_int_eq(nl_model_record(model, LONGNAME, &ri), 0);
	ck_assert_uint_eq(ri.names, 1);
	ck_assert_uint_eq(ri.dos_names, 1);
	ck_assert_uint_eq(ri.link_count, 2);              /* the header counts the DOS name */

	ck_assert_int_eq(nl_model_record(model, BIG, &ri), 0);
	ck_assert(ri.flags & NL_REC_DATA_NONRES);
	ck_assert_uint_eq(ri.data_size, 100000);
	ck_assert_uint_eq(ri.alloc_size, 102400);         /* 25 clusters */
	ck_assert_uint_eq(ri.stream_count, 0);

	ck_assert_int_eq(nl_model_record(model, SPARSE, &ri), 0);
	ck_assert_uint_eq(ri.data_size, 1048576);
	ck_assert_uint_eq(ri.alloc_size, 4096);           /* only the written chunk */

	ck_assert_int_eq(nl_model_record(model, LINK, &ri), 0);
	ck_assert_uint_eq(ri.flags & (NL_REC_DIRECTORY | NL_REC_REPARSE),
			  NL_REC_DIRECTORY | NL_REC_REPARSE);
	ck_assert_uint_eq(ri.reparse_tag, 0xA0000003);
	ck_assert(ri.file_attributes & NL_FA_REPARSE_POINT);
	ck_assert_int_eq(nl_model_record(model, SYMLINK, &ri), 0);
	ck_assert_uint_eq(ri.flags & (NL_REC_DIRECTORY | NL_REC_REPARSE), NL_REC_REPARSE);
	ck_assert_uint_eq(ri.reparse_tag, 0xA000000C);

	/* the deleted file is kept only by a scan with NL_SCAN_DELETED */
	ck_assert_int_eq(nl_model_record(plain_model, GONE, &ri), -ENOENT);
	ck_assert_int_eq(nl_model_record(model, GONE, &ri), 0);
	ck_assert_uint_eq(ri.flags & (NL_REC_IN_USE | NL_REC_DELETED), NL_REC_DELETED);
	ck_assert_int_eq(nl_model_record(model, 75, &ri), -ENOENT);
	ck_assert_int_eq(nl_model_record(model, 1ULL << 40, &ri), -ENOENT);
}
END_TEST

START_TEST(test_times)
{
	struct nl_times t;
	int64_t def = nt_time(2012, 3, 4, 5, 6, 7);

	ck_assert_int_eq(nl_model_times(model, LONGNAME, &t), 0);
	ck_assert_int_eq(t.crtime, nt_time(2001, 2, 3, 4, 5, 6));
	ck_assert_int_eq(t.mtime, nt_time(2002, 3, 4, 5, 6, 7));
	ck_assert_int_eq(t.ctime, nt_time(2003, 4, 5, 6, 7, 8));
	ck_assert_int_eq(t.atime, nt_time(2004, 5, 6, 7, 8, 9));
	ck_assert_int_eq(nl_model_times(model, BIG, &t), 0);
	ck_assert_int_eq(t.crtime, def);
	ck_assert_int_eq(t.mtime, def);
	ck_assert_int_eq(t.atime, def);
	ck_assert_int_eq(nl_model_times(model, 75, &t), -ENOENT);
}
END_TEST

/* the statistics count exactly what the spec added to an empty volume */
START_TEST(test_stats)
{
	struct nl_scan_stats st, st0;

	ck_assert_int_eq(nl_model_stats(model, &st), 0);
	ck_assert_int_eq(nl_model_stats(empty_model, &st0), 0);
	ck_assert_uint_eq(st.files - st0.files, 10);          /* 64..73 */
	ck_assert_uint_eq(st.directories - st0.directories, 3); /* Docs, Other, Link */
	ck_assert_uint_eq(st.deleted, 1);
	ck_assert_int_eq(nl_model_stats(plain_model, &st0), 0);
	ck_assert_uint_eq(st0.deleted, 0);
	ck_assert_int_eq(nl_model_stats(empty_model, &st0), 0);
	/* 3 names of Report.txt, 1 each for the other 9, and gone.txt */
	ck_assert_uint_eq(st.names - st0.names, 3 + 9 + 1);
	ck_assert_uint_eq(st.dos_names - st0.dos_names, 1);
	ck_assert_uint_eq(st.hardlink_groups - st0.hardlink_groups, 1);
	ck_assert_uint_eq(st.hardlink_names - st0.hardlink_names, 3);
	ck_assert_uint_eq(st.reparse_points - st0.reparse_points, 2);
	ck_assert_uint_eq(st.problems, 0);
	ck_assert_ptr_eq(nl_model_volume(model), vol);
}
END_TEST

/* ---- names and paths ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_names_of_hardlinks)
{
	struct nl_name nm;
	uint64_t cur = 0;
	char paths[4][NL_PATH_BUF / 16], *sorted[4];
	int n = 0, rc;

	while ((rc = nl_model_name_next(model, REPORT, 0, &cur, &nm)) == 0) {
		size_t len = 0;
		unsigned pf = 99;

		ck_assert_int_lt(n, 4);
		ck_assert_uint_eq(nm.mft, REPORT);
		ck_assert_uint_eq(nm.name_space, NL_NS_POSIX);
		ck_assert(!nm.orphan);
		ck_assert_ptr_null(nm.dos_alias);
		ck_assert_uint_eq(nm.len, strlen(nm.name));
		ck_assert_int_eq(nl_model_name_path(model, nm.id, paths[n], sizeof(paths[n]), &len, &pf), 0);
		ck_assert_uint_eq(pf, 0);
		/* the parent reference is the directory the name is in */
		ck_assert_uint_eq(nm.parent, strncmp(paths[n], "/Docs/", 6) ? OTHER : DOCS);
		ck_assert_uint_eq(nm.parent_seq, 1);
		sorted[n] = paths[n];
		n++;
	}
	ck_assert_int_eq(rc, 1);
	ck_assert_int_eq(n, 3);
	qsort(sorted, 3, sizeof(*sorted), cmp_str);
	ck_assert_str_eq(sorted[0], "/Docs/Report.txt");
	ck_assert_str_eq(sorted[1], "/Docs/Report2.txt");
	ck_assert_str_eq(sorted[2], "/Other/Copy.txt");
	cur = 0;
	ck_assert_int_eq(nl_model_name_next(model, 75, 0, &cur, &nm), -ENOENT);
}
END_TEST

START_TEST(test_dos_names)
{
	struct nl_name nm, again;
	uint64_t cur = 0;

	/* a separate DOS name: the alias of the Win32 name, an entry only on request */
	ck_assert_int_eq(nl_model_name_next(model, LONGNAME, 0, &cur, &nm), 0);
	ck_assert_str_eq(nm.name, "Long File Name.txt");
	ck_assert_uint_eq(nm.name_space, NL_NS_WIN32);
	ck_assert_str_eq(nm.dos_alias, "LONGFI~1.TXT");
	ck_assert_uint_eq(nm.dos_len, 12);
	ck_assert_int_eq(nl_model_name_next(model, LONGNAME, 0, &cur, &nm), 1);

	int win32 = 0, dos = 0;

	cur = 0;
	while (nl_model_name_next(model, LONGNAME, NL_NAMES_WITH_DOS, &cur, &nm) == 0) {
		if (nm.name_space == NL_NS_DOS) {
			ck_assert_str_eq(nm.name, "LONGFI~1.TXT");
			dos++;
		} else {
			ck_assert_str_eq(nm.name, "Long File Name.txt");
			win32++;
		}
		ck_assert_int_eq(nl_model_name_get(model, nm.id, &again), 0);
		ck_assert_str_eq(again.name, nm.name);
		ck_assert_uint_eq(again.mft, LONGNAME);
	}
	ck_assert_int_eq(win32, 1);
	ck_assert_int_eq(dos, 1);

	/* one name valid as both: its own alias */
	cur = 0;
	ck_assert_int_eq(nl_model_name_next(model, SHORT, 0, &cur, &nm), 0);
	ck_assert_str_eq(nm.name, "SHORT.TXT");
	ck_assert_uint_eq(nm.name_space, NL_NS_WIN32_AND_DOS);
	ck_assert_ptr_null(nm.dos_alias);
	ck_assert_int_eq(nl_model_name_get(model, UINT32_MAX, &nm), -ENOENT);
}
END_TEST

START_TEST(test_paths)
{
	char buf[NL_PATH_BUF];
	unsigned pf = 99;
	size_t len = 0;
	struct nl_name nm;
	uint64_t cur = 0;

	path_of(NL_ROOT_MFT, buf, &pf);
	ck_assert_str_eq(buf, "/");
	ck_assert_uint_eq(pf, 0);
	path_of(LINK, buf, &pf);
	ck_assert_str_eq(buf, "/Docs/Link");
	path_of(UNICODE_NAME, buf, &pf);
	ck_assert_str_eq(buf, "/Other/" UNICODE_TXT);
	path_of(GONE, buf, &pf);
	ck_assert_str_eq(buf, "/Other/gone.txt");
	ck_assert_uint_eq(pf, NL_PATH_DELETED);

	/* too small a buffer: -ERANGE and the length needed */
	ck_assert_int_eq(nl_model_record_path(model, LONGNAME, buf, 10, &len, NULL), -ERANGE);
	ck_assert_uint_eq(len, strlen("/Docs/Long File Name.txt"));
	ck_assert_int_eq(nl_model_name_next(model, LONGNAME, 0, &cur, &nm), 0);
	ck_assert_int_eq(nl_model_name_path(model, nm.id, buf, len, &len, NULL), -ERANGE);
	ck_assert_int_eq(nl_model_name_path(model, nm.id, buf, len + 1, &len, NULL), 0);
	ck_assert_str_eq(buf, "/Docs/Long File Name.txt");
	ck_assert_int_eq(nl_model_record_path(model, 75, buf, sizeof(buf), &len, NULL), -ENOENT);
}
END_TEST

START_TEST(test_is_under)
{
	struct nl_name nm;
	uint64_t cur = 0;
	int in_docs = 0, in_other = 0;

	ck_assert_int_eq(nl_model_is_under(model, REPORT, DOCS), 1);
	ck_assert_int_eq(nl_model_is_under(model, REPORT, OTHER), 1);   /* /Other/Copy.txt */
	ck_assert_int_eq(nl_model_is_under(model, LONGNAME, OTHER), 0);
	ck_assert_int_eq(nl_model_is_under(model, LONGNAME, NL_ROOT_MFT), 1);
	ck_assert_int_eq(nl_model_is_under(model, DOCS, DOCS), 1);
	ck_assert_int_eq(nl_model_is_under(model, DOCS, OTHER), 0);
	ck_assert_int_eq(nl_model_is_under(model, BIG, DOCS), 0);
	/* the junction /Docs/Link points at /Other: not followed */
	ck_assert_int_eq(nl_model_is_under(model, SHORT, LINK), 0);
	ck_assert_int_eq(nl_model_is_under(model, LINK, DOCS), 1);
	/* per name: two of Report.txt's names are in /Docs, one in /Other */
	while (nl_model_name_next(model, REPORT, 0, &cur, &nm) == 0) {
		in_docs += nl_model_name_is_under(model, nm.id, DOCS);
		in_other += nl_model_name_is_under(model, nm.id, OTHER);
	}
	ck_assert_int_eq(in_docs, 2);
	ck_assert_int_eq(in_other, 1);
}
END_TEST

/* ---- lookups -------------------------------------------------------------------- */

static uint64_t child(uint64_t dir, const char *name, int want_rc)
{
	uint64_t mft = 0;
	uint32_t id = UINT32_MAX;

	ck_assert_int_eq(nl_model_lookup_child(model, dir, name, strlen(name), &mft, &id), want_rc);
	if (!want_rc) {
		struct nl_name nm;

		ck_assert_int_eq(nl_model_name_get(model, id, &nm), 0);
		ck_assert_uint_eq(nm.mft, mft);
		ck_assert_uint_eq(nm.parent, dir);
	}
	return mft;
}

static uint64_t lookup(const char *path, int want_rc)
{
	uint64_t mft = 0;

	ck_assert_int_eq(nl_model_lookup_path(model, path, &mft), want_rc);
	return mft;
}

START_TEST(test_lookup_child)
{
	ck_assert_int_eq(nl_model_index_children(model), 0);
	ck_assert_uint_eq(child(NL_ROOT_MFT, "Docs", 0), DOCS);
	ck_assert_uint_eq(child(DOCS, "Report2.txt", 0), REPORT);
	ck_assert_uint_eq(child(OTHER, "Copy.txt", 0), REPORT);
	/* case-insensitive through $UpCase, beyond ASCII too */
	ck_assert_uint_eq(child(NL_ROOT_MFT, "DOCS", 0), DOCS);
	ck_assert_uint_eq(child(DOCS, "rEpOrT.TXT", 0), REPORT);
	ck_assert_uint_eq(child(OTHER, "\xc3\xbc" "N" "\xc3\x8f" "C" "\xc3\x96" "D" "\xc3\x89" ".TXT", 0), UNICODE_NAME);
	/* DOS names match too */
	ck_assert_uint_eq(child(DOCS, "LONGFI~1.TXT", 0), LONGNAME);
	ck_assert_uint_eq(child(DOCS, "longfi~1.txt", 0), LONGNAME);
	/* a name in another folder, a prefix, a longer name */
	child(DOCS, "Copy.txt", -ENOENT);
	child(DOCS, "Report", -ENOENT);
	child(DOCS, "Report.txt.", -ENOENT);
	/* deleted records are found when nothing in use matches */
	ck_assert_uint_eq(child(OTHER, "gone.txt", 0), GONE);
}
END_TEST

START_TEST(test_lookup_path)
{
	ck_assert_uint_eq(lookup("/", 0), NL_ROOT_MFT);
	ck_assert_uint_eq(lookup("/Docs/Report.txt", 0), REPORT);
	ck_assert_uint_eq(lookup("C:\\docs\\long file name.TXT", 0), LONGNAME);
	ck_assert_uint_eq(lookup("docs//./LONGFI~1.TXT", 0), LONGNAME);
	ck_assert_uint_eq(lookup("/Docs/../Other/copy.txt", 0), REPORT);
	ck_assert_uint_eq(lookup("/../../Big.bin", 0), BIG);    /* ".." stays at the root */
	ck_assert_uint_eq(lookup("/Docs/Link", 0), LINK);
	lookup("/Docs/Link/SHORT.TXT", -ENOENT);                /* the junction is not followed */
	lookup("/Docs/Report.txt/x", -ENOTDIR);
	lookup("/Nothing/Report.txt", -ENOENT);
	lookup("/Docs/nothing", -ENOENT);
}
END_TEST

/* ---- iteration -------------------------------------------------------------------- */

struct seen {
	uint64_t mft[128];
	int n;
};

static void iterate(unsigned filter, struct seen *s)
{
	uint64_t cur = 0, mft, prev = 0;
	int rc;

	s->n = 0;
	while ((rc = nl_model_next(model, filter, &cur, &mft)) == 0) {
		ck_assert_int_lt(s->n, 128);
		if (s->n)
			ck_assert_uint_gt(mft, prev);
		prev = mft;
		s->mft[s->n++] = mft;
	}
	ck_assert_int_eq(rc, 1);
	ck_assert_int_eq(nl_model_next(model, filter, &cur, &mft), 1);
}

/* the records of the spec among @s, in order */
static void spec_records(const struct seen *s, const uint64_t *want, int nwant)
{
	int k = 0;

	for (int i = 0; i < s->n; i++) {
		if (s->mft[i] < DOCS)
			continue;
		ck_assert_int_lt(k, nwant);
		ck_assert_uint_eq(s->mft[i], want[k]);
		k++;
	}
	ck_assert_int_eq(k, nwant);
}

static int count_cb(void *ctx, const nl_model *m, uint64_t mft)
{
	int *n = ctx;

	(void)m;
	(*n)++;
	return mft == SYMLINK ? 42 : 0;
}

START_TEST(test_iterate)
{
	struct seen s;
	static const uint64_t all[] = { DOCS, OTHER, REPORT, LONGNAME, SHORT, UNICODE_NAME, BIG,
					SPARSE, LINK, SYMLINK };
	static const uint64_t dirs[] = { DOCS, OTHER, LINK };
	static const uint64_t links[] = { REPORT, LINK, SYMLINK };
	static const uint64_t reparse[] = { LINK, SYMLINK };
	static const uint64_t hardlinks[] = { REPORT };
	static const uint64_t with_deleted[] = { DOCS, OTHER, REPORT, LONGNAME, SHORT, UNICODE_NAME,
						 BIG, SPARSE, LINK, SYMLINK, GONE };
	static const uint64_t deleted[] = { GONE };
	int n = 0;

	iterate(NL_ITER_ALL, &s);
	spec_records(&s, all, 10);
	/* below 64: the system files mkntfs wrote, the root among them */
	ck_assert_uint_eq(s.mft[0], 0);
	for (int i = 0; i < s.n && s.mft[i] < DOCS; i++)
		ck_assert(s.mft[i] < 16 || (s.mft[i] >= 24 && s.mft[i] < 27));
	iterate(NL_ITER_DIRS, &s);
	ck_assert_uint_eq(s.mft[0], NL_ROOT_MFT);
	spec_records(&s, dirs, 3);
	iterate(NL_ITER_HARDLINKS, &s);
	ck_assert_int_eq(s.n, 1);
	spec_records(&s, hardlinks, 1);
	iterate(NL_ITER_REPARSE, &s);
	spec_records(&s, reparse, 2);
	iterate(NL_ITER_HARDLINKS | NL_ITER_REPARSE, &s);
	spec_records(&s, links, 3);
	iterate(NL_ITER_REPARSE | NL_ITER_DIRS, &s);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(s.mft[0], LINK);
	iterate(NL_ITER_DELETED, &s);
	spec_records(&s, with_deleted, 11);
	iterate(NL_ITER_ONLY_DELETED, &s);
	ck_assert_int_eq(s.n, 1);
	spec_records(&s, deleted, 1);

	/* foreach: the same records, stopped by the callback's value */
	ck_assert_int_eq(nl_model_foreach(model, NL_ITER_REPARSE, count_cb, &n), 42);
	ck_assert_int_eq(n, 2);
	n = 0;
	ck_assert_int_eq(nl_model_foreach(model, NL_ITER_HARDLINKS, count_cb, &n), 0);
	ck_assert_int_eq(n, 1);
}
END_TEST

/* ---- streams and reparse data ------------------------------------------------------ */

struct strm {
	char name[64];
	uint64_t size, alloc;
	bool resident, sparse;
};

struct strms {
	struct strm s[8];
	int n;
};

static int on_stream(void *ctx, const struct nl_stream *s)
{
	struct strms *c = ctx;

	ck_assert_int_lt(c->n, 8);
	ck_assert_uint_eq(s->name_len, strlen(s->name));
	snprintf(c->s[c->n].name, sizeof(c->s[c->n].name), "%s", s->name);
	c->s[c->n].size = s->size;
	c->s[c->n].alloc = s->alloc_size;
	c->s[c->n].resident = s->resident;
	c->s[c->n].sparse = s->sparse;
	c->n++;
	return 0;
}

static int stop_stream(void *ctx, const struct nl_stream *s)
{
	(void)ctx;
	(void)s;
	return 7;
}

START_TEST(test_streams)
{
	struct strms c = { .n = 0 };

	/* on disk: the unnamed $DATA, then the named ones by name */
	ck_assert_int_eq(nl_model_streams(model, REPORT, on_stream, &c), 0);
	ck_assert_int_eq(c.n, 3);
	ck_assert_str_eq(c.s[0].name, "");
	ck_assert_uint_eq(c.s[0].size, 7);
	ck_assert(c.s[0].resident);
	ck_assert_str_eq(c.s[1].name, "Meta");
	ck_assert_uint_eq(c.s[1].size, 5000);
	ck_assert(!c.s[1].resident);
	ck_assert_uint_eq(c.s[1].alloc, 8192);
	ck_assert_str_eq(c.s[2].name, "Zone.Identifier");
	ck_assert_uint_eq(c.s[2].size, 26);
	ck_assert(c.s[2].resident);
	ck_assert_uint_eq(c.s[2].alloc, 0);

	c.n = 0;
	ck_assert_int_eq(nl_model_streams(model, SPARSE, on_stream, &c), 0);
	ck_assert_int_eq(c.n, 1);
	ck_assert(c.s[0].sparse);
	ck_assert_uint_eq(c.s[0].size, 1048576);
	ck_assert_uint_eq(c.s[0].alloc, 4096);

	c.n = 0;
	ck_assert_int_eq(nl_model_streams(model, DOCS, on_stream, &c), 0);  /* a directory */
	ck_assert_int_eq(c.n, 0);
	ck_assert_int_eq(nl_model_streams(model, BIG, stop_stream, NULL), 7);
	ck_assert_int_eq(nl_model_streams(model, 75, on_stream, &c), -ENOENT);
}
END_TEST

/* utf16_at: does @p hold the UTF-16LE form of the ASCII @s? */
static bool utf16_at(const uint8_t *p, const char *s)
{
	for (size_t i = 0; s[i]; i++)
		if (p[2 * i] != (uint8_t)s[i] || p[2 * i + 1])
			return false;
	return true;
}

START_TEST(test_reparse_data)
{
	uint32_t tag = 0;
	const uint8_t *d = NULL;
	size_t len = 0;

	/* junction: header (8), four offsets (8), "\??\C:\Other" NUL "C:\Other" NUL */
	ck_assert_int_eq(nl_model_reparse(model, LINK, &tag, &d, &len), 0);
	ck_assert_uint_eq(tag, 0xA0000003);
	ck_assert_uint_eq(len, 8 + 8 + (12 + 1 + 8 + 1) * 2);
	ck_assert_uint_eq(d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24, 0xA0000003);
	ck_assert_uint_eq(d[4] | d[5] << 8, len - 8);
	ck_assert(utf16_at(d + 16, "\\??\\C:\\Other"));
	ck_assert(utf16_at(d + 16 + 26, "C:\\Other"));
	/* symlink: header, four offsets, flags (1: relative), print name, substitute name */
	ck_assert_int_eq(nl_model_reparse(model, SYMLINK, &tag, &d, &len), 0);
	ck_assert_uint_eq(tag, 0xA000000C);
	ck_assert_uint_eq(len, 8 + 12 + 2 * 10 * 2);
	ck_assert_uint_eq(d[16], 1);
	ck_assert(utf16_at(d + 20, "Report.txt"));
	ck_assert_int_eq(nl_model_reparse(model, REPORT, &tag, &d, &len), -ENOENT);
}
END_TEST

/* ---- the path index --------------------------------------------------------------- */

START_TEST(test_path_order)
{
	/* component by component, '/' below every other byte */
	ck_assert_int_lt(nl_path_cmp("/a/b", 4, "/a b", 4), 0);
	ck_assert_int_lt(nl_path_cmp("/a", 2, "/a/b", 4), 0);
	ck_assert_int_gt(nl_path_cmp("/b", 2, "/a/z", 4), 0);
	ck_assert_int_eq(nl_path_cmp("/x/y", 4, "/x/y", 4), 0);
	ck_assert_int_lt(nl_path_cmp("/B", 2, "/a", 2), 0);    /* bytes, not the locale */
}
END_TEST

struct keyed {
	struct nl_path_key key;
	const nl_path_index *ix;
};

static int cmp_keyed(const void *a, const void *b)
{
	return nl_path_key_cmp(&((const struct keyed *)a)->key, &((const struct keyed *)b)->key);
}

/* every name of the spec's in-use records, sorted through the index, gives its paths in order */
START_TEST(test_path_index)
{
	static const char *const want[] = {
		"/Big.bin", "/Docs", "/Docs/Link", "/Docs/Long File Name.txt", "/Docs/Report.txt",
		"/Docs/Report2.txt", "/Docs/s.txt", "/Other", "/Other/Copy.txt", "/Other/SHORT.TXT",
		"/Other/" UNICODE_TXT, "/Sparse.bin",
	};
	nl_path_index *ix = NULL;
	struct keyed k[16];
	int n = 0;

	for (unsigned flags = 0; flags <= NL_PATH_KEY_BY_DIR; flags++) {
		ck_assert_int_eq(nl_path_index_build(model, 0, &ix), 0);
		n = 0;
		for (uint64_t mft = DOCS; mft <= SYMLINK; mft++) {
			struct nl_name nm;
			uint64_t cur = 0;

			while (nl_model_name_next(model, mft, 0, &cur, &nm) == 0) {
				ck_assert_int_lt(n, 16);
				ck_assert_int_eq(nl_path_key(ix, &nm, flags, &k[n].key), 0);
				k[n].ix = ix;
				n++;
			}
		}
		ck_assert_int_eq(n, 12);
		qsort(k, (size_t)n, sizeof(k[0]), cmp_keyed);
		for (int i = 0; i < n; i++) {
			char buf[NL_PATH_BUF];
			size_t len = 0, dlen = 0;
			const char *dos = nl_path_key_dos(ix, &k[i].key, &dlen);

			ck_assert_int_eq(nl_path_key_path(ix, &k[i].key, buf, sizeof(buf), &len), 0);
			ck_assert_str_eq(buf, want[i]);
			ck_assert_uint_eq(len, strlen(want[i]));
			if (!strcmp(want[i], "/Docs/Long File Name.txt")) {
				ck_assert_str_eq(dos, "LONGFI~1.TXT");
				ck_assert_uint_eq(dlen, 12);
			} else {
				ck_assert_ptr_null(dos);
			}
			ck_assert_int_eq(nl_path_key_path(ix, &k[i].key, buf, len, &len), -ERANGE);
		}
		nl_path_index_free(&ix);
		ck_assert_ptr_null(ix);
	}
}
END_TEST

/* ---- setup ---------------------------------------------------------------------- */

static int build_and_scan(const char *name, const char *spec, char *image, size_t len,
			  unsigned flags, nl_volume **v, nl_model **m)
{
	char spec_path[4300], err[NL_ERRMSG_SIZE];
	struct nl_scan_options opt = { .flags = flags };
	int rc;

	snprintf(spec_path, sizeof(spec_path), "%s/%s.spec", tmpdir, name);
	snprintf(image, len, "%s/%s.img", tmpdir, name);
	if ((rc = tu_write_text(spec_path, spec)) || (rc = tu_mkfixture(spec_path, image))) {
		fprintf(stderr, "check_model: building %s: %s\n", image, strerror(-rc));
		return rc;
	}
	if ((rc = nl_volume_open(image, NULL, v, err, sizeof(err)))) {
		fprintf(stderr, "check_model: '%s': %s\n", image, err);
		return rc;
	}
	return nl_scan(*v, &opt, m);
}

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_record_hardlinked_file);
	tcase_add_test(tc, test_record_kinds);
	tcase_add_test(tc, test_times);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_names_of_hardlinks);
	tcase_add_test(tc, test_dos_names);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_is_under);
	tcase_add_test(tc, test_lookup_child);
	tcase_add_test(tc, test_lookup_path);
	tcase_add_test(tc, test_iterate);
	tcase_add_test(tc, test_streams);
	tcase_add_test(tc, test_reparse_data);
	tcase_add_test(tc, test_path_order);
	tcase_add_test(tc, test_path_index);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc, status;

	if (!getenv("MKFIXTURE") || access(getenv("MKFIXTURE"), X_OK) != 0) {
		printf("SKIP: check_model: the fixture builder $MKFIXTURE is not available\n");
		return 77;
	}
	if (!tu_mkdtemp(tmpdir, sizeof(tmpdir), "check_model")) {
		perror("check_model: mkdtemp");
		return 99;
	}
	rc = build_and_scan("model", SPEC, img, sizeof(img), NL_SCAN_DELETED, &vol, &model);
	if (!rc) {
		struct nl_scan_options plain = { .flags = 0 };

		rc = nl_scan(vol, &plain, &plain_model);
	}
	if (!rc)
		rc = build_and_scan("empty", "image size=16M label=MODEL\n", empty_img,
				    sizeof(empty_img), 0, &empty_vol, &empty_model);
	if (rc) {
		tu_rmtree(tmpdir);
		return 99;
	}
	status = tu_run_suite(model_suite());
	nl_model_free(&model);
	nl_model_free(&plain_model);
	nl_model_free(&empty_model);
	nl_volume_close(&vol);
	nl_volume_close(&empty_vol);
	tu_rmtree(tmpdir);
	return status;
}
