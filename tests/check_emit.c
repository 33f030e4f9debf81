/* check_emit.c: Check suite for the table emitter (emit.h): exact output of every format. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/emit.h>
#include "testutil.h"

/* Output collected in memory through the callback interface. */
struct mem {
	char buf[8192];
	size_t n;
	int fail; /* error to return from the next write, 0: none */
};

static int mem_write(void *ctx, const void *p, size_t len)
{
	struct mem *m = ctx;

	if (m->fail)
		return m->fail;
	ck_assert_uint_le(m->n + len, sizeof(m->buf) - 1);
	memcpy(m->buf + m->n, p, len);
	m->n += len;
	m->buf[m->n] = '\0';
	return 0;
}

#define T0 116444736000000000LL /* 1970-01-01 in NTFS time */

enum { C_MFT, C_PATH, C_TAG, C_REL, C_NAMES, C_TARGET, C_TIME, C_MODE, C_NCOLS };

static const struct nl_column cols[] = {
	[C_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_ROLE_INODE, 0 },
	[C_PATH] = { "path", "PATH", NL_ROLE_NAME, 0 },
	[C_TAG] = { "tag", "TAG", 0, 0 },
	[C_REL] = { "relative", "REL", 0, 0 },
	[C_NAMES] = { "names", "NAMES", 0, 0 },
	[C_TARGET] = { "target", "TARGET", NL_ROLE_LINK_TARGET, 0 },
	[C_TIME] = { "mtime", "MTIME", NL_COL_NO_TEXT | NL_ROLE_MTIME, 0 },
	[C_MODE] = { "mode", NULL, NL_COL_NO_TEXT | NL_COL_NO_JSON | NL_COL_NO_CSV | NL_ROLE_MODE, 0 },
};

static const struct nl_column sum_cols[] = {
	{ "links", "Links", 0, 0 },
	{ "drive", "Drive letter", 0, 0 },
};

/* Emit the same three rows and a summary through format @fmt. */
static void emit_sample(enum nl_emit_format fmt, const struct nl_emit_options *opt, struct mem *m)
{
	nl_emit *e = NULL;
	nl_table *t = NULL, *s = NULL;

	ck_assert_int_eq(nl_emit_open_cb(fmt, mem_write, m, opt, &e), 0);
	ck_assert_int_eq(nl_emit_table(e, "reparse", cols, C_NCOLS, 0, &t), 0);
	ck_assert_int_eq(nl_emit_table(e, "summary", sum_cols, 2, NL_TABLE_SUMMARY, &s), 0);

	nl_cell_uint(t, C_MFT, 64);
	nl_cell_str(t, C_PATH, "/Users/All Users");
	nl_cell_hex(t, C_TAG, 0xA000000C, 8);
	nl_cell_bool(t, C_REL, false);
	nl_cell_strs_add(t, C_NAMES, "a", 1);
	nl_cell_strs_add(t, C_NAMES, "b,\"c\"", 5);
	nl_cell_str(t, C_TARGET, "/ProgramData");
	nl_cell_time(t, C_TIME, T0 + 10000000LL * 1000 + 5);
	nl_cell_str(t, C_MODE, "l/lrwxrwxrwx");
	ck_assert_int_eq(nl_row_end(t), 0);

	nl_cell_uint(t, C_MFT, 1234567);
	nl_cell_strn(t, C_PATH, "/x\xED\xA0\x80\x1b|y", 8);
	nl_cell_hex(t, C_TAG, 0xA0000003, 8);
	nl_cell_bool(t, C_REL, true);
	nl_cell_strs_empty(t, C_NAMES);
	ck_assert_int_eq(nl_row_end(t), 0);

	nl_cell_uint(t, C_MFT, 7);
	nl_cell_str(t, C_PATH, "/\xE6\x97\xA5");
	nl_cell_hex(t, C_TAG, 0x1234, 8);
	nl_cell_null(t, C_REL);
	ck_assert_int_eq(nl_row_end(t), 0);

	nl_cell_uint(s, 0, 3);
	nl_cell_str(s, 1, "C:");
	ck_assert_int_eq(nl_row_end(s), 0);
	ck_assert_int_eq(nl_emit_close(&e), 0);
	ck_assert_ptr_null(e);
}

START_TEST(test_json)
{
	struct mem m = { .n = 0 };

	emit_sample(NL_EMIT_JSON, NULL, &m);
	ck_assert_str_eq(m.buf,
		"{\"type\":\"reparse\",\"mft\":64,\"path\":\"/Users/All Users\",\"tag\":\"0xa000000c\","
		"\"relative\":false,\"names\":[\"a\",\"b,\\\"c\\\"\"],\"target\":\"/ProgramData\","
		"\"mtime\":\"1970-01-01T00:16:40.0000005Z\"}\n"
		"{\"type\":\"reparse\",\"mft\":1234567,\"path\":\"/x\\\\u{d800}\\\\x{1b}|y\",\"tag\":\"0xa0000003\","
		"\"relative\":true,\"names\":[],\"target\":null,\"mtime\":null}\n"
		"{\"type\":\"reparse\",\"mft\":7,\"path\":\"/\xE6\x97\xA5\",\"tag\":\"0x00001234\","
		"\"relative\":null,\"names\":null,\"target\":null,\"mtime\":null}\n"
		"{\"type\":\"summary\",\"links\":3,\"drive\":\"C:\"}\n");
}
END_TEST

START_TEST(test_text_buffered)
{
	struct mem m = { .n = 0 };

	emit_sample(NL_EMIT_TEXT, NULL, &m);
	/* widths over all rows; the wide character counts 2 columns; last column not padded */
	ck_assert_str_eq(m.buf,
		"    MFT  PATH                TAG         REL    NAMES     TARGET\n"
		"     64  /Users/All Users    0xa000000c  false  a, b,\"c\"  /ProgramData\n"
		"1234567  /x\\u{d800}\\x{1b}|y  0xa0000003  true             -\n"
		"      7  /\xE6\x97\xA5                 0x00001234  -      -         -\n"
		"\n"
		"Links:        3\n"
		"Drive letter: C:\n");
}
END_TEST

START_TEST(test_text_streaming)
{
	struct mem m = { .n = 0 };
	struct nl_emit_options o = { .flags = 0, .text_buffer_rows = 1 };

	emit_sample(NL_EMIT_TEXT, &o, &m);
	/* widths from the first row only; later rows push their lines */
	ck_assert_str_eq(m.buf,
		"MFT  PATH              TAG         REL    NAMES     TARGET\n"
		" 64  /Users/All Users  0xa000000c  false  a, b,\"c\"  /ProgramData\n"
		"1234567  /x\\u{d800}\\x{1b}|y  0xa0000003  true             -\n"
		"  7  /\xE6\x97\xA5               0x00001234  -      -         -\n"
		"\n"
		"Links:        3\n"
		"Drive letter: C:\n");
}
END_TEST

START_TEST(test_text_min_width_and_blocks)
{
	static const struct nl_column c2[] = {
		{ "n", "N", NL_COL_RIGHT, 5 },
		{ "name", "NAME", 0, 6 },
		{ "x", "X", 0, 0 },
	};
	static const struct nl_column c3[] = { { "k", NULL, 0, 0 } };
	struct mem m = { .n = 0 };
	nl_emit *e = NULL;
	nl_table *a = NULL, *b = NULL;

	ck_assert_int_eq(nl_emit_open_cb(NL_EMIT_TEXT, mem_write, &m, NULL, &e), 0);
	ck_assert_int_eq(nl_emit_table(e, "a", c2, 3, 0, &a), 0);
	ck_assert_int_eq(nl_emit_table(e, "b", c3, 1, 0, &b), 0);
	nl_cell_int(a, 0, -3);
	nl_cell_str(a, 1, "ab");
	nl_cell_str(a, 2, "z");
	nl_row_end(a);
	nl_cell_str(b, 0, "v");
	nl_row_end(b);
	nl_cell_int(a, 0, 1);
	nl_row_end(a);
	ck_assert_int_eq(nl_cell_str(a, 3, "x"), -ERANGE);
	ck_assert_int_eq(nl_emit_close(&e), 0);
	ck_assert_str_eq(m.buf,
		"    N  NAME    X\n"
		"   -3  ab      z\n"
		"\n"
		"k\n"
		"v\n"
		"\n"
		"    N  NAME    X\n"
		"    1  -       -\n");
}
END_TEST

START_TEST(test_csv)
{
	struct mem m = { .n = 0 };

	emit_sample(NL_EMIT_CSV, NULL, &m);
	ck_assert_str_eq(m.buf,
		"mft,path,tag,relative,names,target,mtime\r\n"
		"64,/Users/All Users,0xa000000c,false,\"a; b,\"\"c\"\"\",/ProgramData,1970-01-01T00:16:40.0000005Z\r\n"
		"1234567,/x\\u{d800}\\x{1b}|y,0xa0000003,true,,,\r\n"
		"7,/\xE6\x97\xA5,0x00001234,,,,\r\n");
}
END_TEST

START_TEST(test_bodyfile)
{
	struct mem m = { .n = 0 };

	emit_sample(NL_EMIT_BODYFILE, NULL, &m);
	ck_assert_str_eq(m.buf,
		"0|/Users/All Users -> /ProgramData|64|l/lrwxrwxrwx|0|0|0|0|1000|0|0\n"
		"0|/x\\u{d800}\\x{1b}\\x{7c}y|1234567|r/rrwxrwxrwx|0|0|0|0|0|0|0\n"
		"0|/\xE6\x97\xA5|7|r/rrwxrwxrwx|0|0|0|0|0|0|0\n");
}
END_TEST

START_TEST(test_nul)
{
	struct mem m = { .n = 0 };
	struct nl_emit_options raw = { .flags = NL_EMIT_RAW_NAMES, .text_buffer_rows = 0 };
	static const char want[] = "/Users/All Users\0/x\\u{d800}\\x{1b}|y\0/\xE6\x97\xA5\0";
	static const char want_raw[] = "/Users/All Users\0/x\xED\xA0\x80\x1b|y\0/\xE6\x97\xA5\0";

	emit_sample(NL_EMIT_NUL, NULL, &m);
	ck_assert_uint_eq(m.n, sizeof(want) - 1);
	ck_assert_mem_eq(m.buf, want, m.n);
	m.n = 0;
	emit_sample(NL_EMIT_NUL, &raw, &m);
	ck_assert_uint_eq(m.n, sizeof(want_raw) - 1);
	ck_assert_mem_eq(m.buf, want_raw, m.n);
}
END_TEST

START_TEST(test_write_error)
{
	struct mem m = { .n = 0, .fail = -ENOSPC };
	nl_emit *e = NULL;
	nl_table *t = NULL;

	ck_assert_int_eq(nl_emit_open_cb(NL_EMIT_JSON, mem_write, &m, NULL, &e), 0);
	ck_assert_int_eq(nl_emit_table(e, "x", sum_cols, 2, 0, &t), 0);
	nl_cell_int(t, 0, 1);
	ck_assert_int_eq(nl_row_end(t), -ENOSPC);
	m.fail = 0;
	ck_assert_int_eq(nl_row_end(t), -ENOSPC); /* sticky */
	ck_assert_uint_eq(m.n, 0);
	ck_assert_int_eq(nl_emit_close(&e), -ENOSPC);

	/* text: the error shows when held-back rows are written, at the latest by close */
	m.fail = -EIO;
	ck_assert_int_eq(nl_emit_open_cb(NL_EMIT_TEXT, mem_write, &m, NULL, &e), 0);
	ck_assert_int_eq(nl_emit_table(e, "x", sum_cols, 2, 0, &t), 0);
	ck_assert_int_eq(nl_row_end(t), 0);
	ck_assert_int_eq(nl_emit_close(&e), -EIO);
}
END_TEST

START_TEST(test_file_output)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);
	nl_emit *e = NULL;
	nl_table *t = NULL;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(nl_emit_open(NL_EMIT_JSON, f, NULL, &e), 0);
	ck_assert_int_eq(nl_emit_get_format(e), NL_EMIT_JSON);
	ck_assert_int_eq(nl_emit_table(e, "summary", sum_cols, 2, NL_TABLE_SUMMARY, &t), 0);
	nl_cell_int(t, 0, -1);
	ck_assert_int_eq(nl_row_end(t), 0);
	ck_assert_int_eq(nl_emit_close(&e), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(p, "{\"type\":\"summary\",\"links\":-1,\"drive\":null}\n");
	free(p);
	ck_assert_int_eq(nl_emit_open(NL_EMIT_JSON, NULL, NULL, &e), -EINVAL);
	ck_assert_int_eq(nl_emit_open_cb((enum nl_emit_format)42, mem_write, NULL, NULL, &e), -EINVAL);
}
END_TEST

START_TEST(test_formats_and_times)
{
	char buf[40];

	ck_assert_int_eq(nl_emit_format_from_name("text"), NL_EMIT_TEXT);
	ck_assert_int_eq(nl_emit_format_from_name("json"), NL_EMIT_JSON);
	ck_assert_int_eq(nl_emit_format_from_name("csv"), NL_EMIT_CSV);
	ck_assert_int_eq(nl_emit_format_from_name("bodyfile"), NL_EMIT_BODYFILE);
	ck_assert_int_eq(nl_emit_format_from_name("nul"), NL_EMIT_NUL);
	ck_assert_int_eq(nl_emit_format_from_name("xml"), -EINVAL);

	ck_assert_int_eq(nl_ntfs_time_to_unix(T0), 0);
	ck_assert_int_eq(nl_ntfs_time_to_unix(132000000000000123LL), 1555526400);
	ck_assert_int_eq(nl_ntfs_time_to_unix(T0 - 1), -1);
	ck_assert_int_eq(nl_ntfs_time_to_unix(0), -11644473600LL);
	nl_format_ntfs_time(132000000000000123LL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2019-04-17T18:40:00.0000123Z");
	nl_format_ntfs_time(-1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1600-12-31T23:59:59.9999999Z");
	ck_assert_uint_eq(nl_format_ntfs_time(0, buf, sizeof(buf)), 28);
	ck_assert_str_eq(buf, "1601-01-01T00:00:00.0000000Z");
}
END_TEST

/* ---- sorted rows ---- */

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* The rows of @r group by group, e.g. "1 2 9|3 5|4". */
static void rows_text(const nl_rows *r, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t g = 0; g < nl_rows_groups(r); g++) {
		size_t n;
		const int *v = nl_rows_group(r, g, &n);

		for (size_t k = 0; k < n; k++)
			o += (size_t)snprintf(buf + o, size - o, "%s%d", k ? " " : g ? "|" : "", v[k]);
	}
}

static nl_rows *int_rows(const int *v, size_t n)
{
	nl_rows *r = NULL;

	ck_assert_int_eq(nl_rows_new(sizeof(int), int_cmp, &r), 0);
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0)
			ck_assert_int_eq(nl_rows_group_end(r), 0);
		else
			ck_assert_int_eq(nl_rows_add(r, &v[i]), 0);
	}
	return r;
}

START_TEST(test_rows_sort)
{
	/* -1: end of a group; the second one ends an empty group (none made) */
	static const int grouped[] = { 5, 3, -1, -1, 1, 9, 2, -1, 40, 30, 20, 10, 0, 50, 60, 70, 80,
				       90, 11, 12, 13, 14, 15, 16, 17, -1, 4 };
	static const int plain[] = { 7, 1, 5, 3 };
	nl_rows *r = int_rows(grouped, sizeof(grouped) / sizeof(grouped[0]));
	char buf[256];

	ck_assert_int_eq(nl_rows_sort(r), 0);
	ck_assert_uint_eq(nl_rows_groups(r), 4);
	ck_assert_uint_eq(nl_rows_count(r), 23);
	rows_text(r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0 10 11 12 13 14 15 16 17 20 30 40 50 60 70 80 90|1 2 9|3 5|4");
	nl_rows_free(&r);
	ck_assert_ptr_null(r);

	r = int_rows(plain, 4);
	ck_assert_int_eq(nl_rows_sort(r), 0);
	ck_assert_uint_eq(nl_rows_groups(r), 0);
	ck_assert_int_eq(*(const int *)nl_rows_at(r, 0), 1);
	ck_assert_int_eq(*(const int *)nl_rows_at(r, 1), 3);
	ck_assert_int_eq(*(const int *)nl_rows_at(r, 2), 5);
	ck_assert_int_eq(*(const int *)nl_rows_at(r, 3), 7);
	nl_rows_free(&r);
	ck_assert_int_eq(nl_rows_new(0, int_cmp, &r), -EINVAL);
}
END_TEST

START_TEST(test_rows_merge)
{
	static const int a[] = { 8, 6, -1, 2, 12, -1, 20 };
	static const int b[] = { 7, -1, 1, 30, -1, 9, 10 };
	nl_rows *ra = int_rows(a, 7), *rb = int_rows(b, 7);
	char buf[256];

	ck_assert_int_eq(nl_rows_sort(ra), 0);
	ck_assert_int_eq(nl_rows_sort(rb), 0);
	ck_assert_int_eq(nl_rows_merge(ra, &rb), 0);
	ck_assert_ptr_null(rb);
	ck_assert_uint_eq(nl_rows_groups(ra), 6);
	ck_assert_uint_eq(nl_rows_count(ra), 10);
	rows_text(ra, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1 30|2 12|6 8|7|9 10|20");
	nl_rows_free(&ra);
}
END_TEST

/* ---- rows formatted by two threads ---- */

/* Output collected in a growing buffer. */
struct gmem {
	char *p;
	size_t n, cap;
};

static int gmem_write(void *ctx, const void *p, size_t len)
{
	struct gmem *m = ctx;

	if (m->n + len + 1 > m->cap) {
		m->cap = (m->n + len + 1) * 2;
		m->p = realloc(m->p, m->cap);
		ck_assert_ptr_nonnull(m->p);
	}
	memcpy(m->p + m->n, p, len);
	m->n += len;
	m->p[m->n] = '\0';
	return 0;
}

struct fill_ctx {
	char scratch[2][64];	/* one per worker */
	size_t calls[2];
	size_t fail_at;		/* item whose fill fails with -EIO (SIZE_MAX: none) */
};

static const struct nl_column item_cols[] = {
	{ "item", "ITEM", NL_COL_RIGHT, 0 },
	{ "name", "NAME", NL_ROLE_NAME, 0 },
};

static int item_fill(void *ctx, unsigned worker, nl_table *t, size_t i)
{
	struct fill_ctx *f = ctx;

	f->calls[worker]++;
	if (i == f->fail_at)
		return -EIO;
	snprintf(f->scratch[worker], sizeof(f->scratch[worker]), "/d%zu/\"n\"\x01%zu", i % 7, i);
	nl_cell_uint(t, 0, i);
	nl_cell_str(t, 1, f->scratch[worker]);
	return nl_row_end(t);
}

/* Emit @n items in @fmt through nl_emit_rows() with @opt; the output in @m. */
static int emit_items(enum nl_emit_format fmt, size_t n, const struct nl_emit_rows_options *opt,
		      struct fill_ctx *f, struct gmem *m)
{
	nl_emit *e = NULL;
	nl_table *t = NULL;
	int rc, rc2;

	m->n = 0;
	ck_assert_int_eq(nl_emit_open_cb(fmt, gmem_write, m, NULL, &e), 0);
	ck_assert_int_eq(nl_emit_table(e, "item", item_cols, 2, 0, &t), 0);
	rc = nl_emit_rows(t, n, item_fill, f, opt);
	rc2 = nl_emit_close(&e);
	return rc ? rc : rc2;
}

START_TEST(test_emit_rows_threads)
{
	static const size_t chunks[] = { 1, 7, 100, 0 };
	static const enum nl_emit_format fmts[] = { NL_EMIT_JSON, NL_EMIT_NUL, NL_EMIT_TEXT,
						    NL_EMIT_CSV };
	struct nl_emit_rows_options one = { 1, 0 };
	struct gmem ref = { 0 }, got = { 0 };

	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		struct fill_ctx f = { .fail_at = SIZE_MAX };
		bool threaded = fmts[k] == NL_EMIT_JSON || fmts[k] == NL_EMIT_NUL;

		ck_assert_int_eq(emit_items(fmts[k], 300, &one, &f, &ref), 0);
		ck_assert_uint_eq(f.calls[0], 300);
		ck_assert_uint_eq(f.calls[1], 0);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct nl_emit_rows_options two = { 2, chunks[c] };

			memset(f.calls, 0, sizeof(f.calls));
			ck_assert_int_eq(emit_items(fmts[k], 300, &two, &f, &got), 0);
			ck_assert_str_eq(got.p, ref.p);
			ck_assert_uint_eq(f.calls[0] + f.calls[1], 300);
			/* the odd chunks go to the second thread: 150 items in chunks of
			 * 1, 147 in chunks of 7 (43 chunks, 21 odd), 100 in chunks of 100;
			 * one chunk of 1024: the caller's thread only */
			ck_assert_uint_eq(f.calls[1], !threaded ? 0 : chunks[c] == 1 ? 150 :
					  chunks[c] == 7 ? 147 : chunks[c] == 100 ? 100 : 0);
		}
	}
	{
		const char *want = "item,name\r\n0,\"/d0/\"\"n\"\"\\x{01}0\"\r\n1,";

		ck_assert_int_eq(strncmp(ref.p, want, strlen(want)), 0);
	}
	emit_items(NL_EMIT_JSON, 300, &one, &(struct fill_ctx){ .fail_at = SIZE_MAX }, &ref);
	{
		const char *want = "{\"type\":\"item\",\"item\":0,\"name\":\"/d0/\\\"n\\\"\\\\x{01}0\"}\n"
				   "{\"type\":\"item\",\"item\":1,";

		ck_assert_int_eq(strncmp(ref.p, want, strlen(want)), 0);
	}
	free(ref.p);
	free(got.p);
}
END_TEST

START_TEST(test_emit_rows_error)
{
	struct nl_emit_rows_options two = { 2, 7 };
	struct gmem m = { 0 };
	size_t fails[] = { 3, 10, 299 };	/* in the caller's chunks and the worker's */

	for (size_t k = 0; k < 3; k++) {
		struct fill_ctx f = { .fail_at = fails[k] };

		ck_assert_int_eq(emit_items(NL_EMIT_JSON, 300, &two, &f, &m), -EIO);
		/* nothing past the failing item's chunk is written */
		ck_assert_uint_le(m.n, (fails[k] / 7 + 1) * 7 * 60);
	}
	free(m.p);
}
END_TEST

/* Sizes in text as lsblk writes them (binary multiples, one decimal, rounded; ".0" left out),
 * exact with NL_EMIT_EXACT_BYTES and in JSON. */
START_TEST(test_text_bytes)
{
	static const struct { uint64_t v; const char *text; } cases[] = {
		{ 0, "0B" }, { 1023, "1023B" }, { 1024, "1K" }, { 1535, "1.5K" }, { 1587, "1.5K" },
		{ 1588, "1.6K" }, { 1048575, "1M" }, { 1300000, "1.2M" }, { 1ULL << 60, "1E" },
		{ UINT64_MAX, "16E" },
	};
	static const struct nl_column bcols[] = { { "size", "Size", NL_COL_BYTES, 0 } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nl_emit_options exact = { .flags = NL_EMIT_EXACT_BYTES | NL_EMIT_NO_HEADER };
		struct nl_emit_options human = { .flags = NL_EMIT_NO_HEADER };
		const struct nl_emit_options *opts[] = { &human, &exact };
		char want[64];

		for (int k = 0; k < 2; k++) {
			struct mem m = { .n = 0 };
			nl_emit *e = NULL;
			nl_table *t = NULL;

			ck_assert_int_eq(nl_emit_open_cb(NL_EMIT_TEXT, mem_write, &m, opts[k], &e), 0);
			ck_assert_int_eq(nl_emit_table(e, "s", bcols, 1, NL_TABLE_SUMMARY, &t), 0);
			nl_cell_uint(t, 0, cases[i].v);
			ck_assert_int_eq(nl_row_end(t), 0);
			ck_assert_int_eq(nl_emit_close(&e), 0);
			snprintf(want, sizeof(want), "%s\n", cases[i].text);
			if (k)
				snprintf(want, sizeof(want), "%llu\n", (unsigned long long)cases[i].v);
			ck_assert_str_eq(m.buf, want);
		}
	}
}
END_TEST

/* nl_table_select: the columns named (any case), in that order, shown whatever NL_COL_NO_TEXT
 * says; names the table lacks and columns only for a role skipped; none: no rows. */
START_TEST(test_select)
{
	struct mem m = { .n = 0 };
	nl_emit *e = NULL;
	nl_table *t = NULL, *u = NULL;

	ck_assert_int_eq(nl_emit_open_cb(NL_EMIT_TEXT, mem_write, &m, NULL, &e), 0);
	ck_assert_int_eq(nl_emit_table(e, "reparse", cols, C_NCOLS, 0, &t), 0);
	ck_assert_int_eq(nl_table_select(t, "MTIME,nope,path,mode,mft"), 3);
	nl_cell_uint(t, C_MFT, 64);
	nl_cell_str(t, C_PATH, "/a");
	nl_cell_time(t, C_TIME, T0);
	nl_cell_str(t, C_TAG, "hidden");
	ck_assert_int_eq(nl_row_end(t), 0);
	ck_assert_int_eq(nl_emit_table(e, "other", cols, C_NCOLS, 0, &u), 0);
	ck_assert_int_eq(nl_table_select(u, "nope"), 0);
	nl_cell_str(u, C_PATH, "/not shown");
	ck_assert_int_eq(nl_row_end(u), 0);
	ck_assert_int_eq(nl_emit_close(&e), 0);
	ck_assert_str_eq(m.buf, "MTIME                         PATH  MFT\n"
				"1970-01-01T00:00:00.0000000Z  /a     64\n");
}
END_TEST

static Suite *emit_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("formats");

	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_text_buffered);
	tcase_add_test(tc, test_text_streaming);
	tcase_add_test(tc, test_text_bytes);
	tcase_add_test(tc, test_select);
	tcase_add_test(tc, test_text_min_width_and_blocks);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_bodyfile);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_write_error);
	tcase_add_test(tc, test_file_output);
	tcase_add_test(tc, test_formats_and_times);
	suite_add_tcase(s, tc);
	tc = tcase_create("rows");
	tcase_add_test(tc, test_rows_sort);
	tcase_add_test(tc, test_rows_merge);
	tcase_add_test(tc, test_emit_rows_threads);
	tcase_add_test(tc, test_emit_rows_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(emit_suite());
}
