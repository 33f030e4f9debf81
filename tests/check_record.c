/* check_record.c: Check suite for the MFT record parser (fixups, header layouts, attribute walk, decoders). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/record.h>
#include "recbuild.h"
#include "testutil.h"

#define REF(rec, seq) (((uint64_t)(seq) << 48) | (uint64_t)(rec))

/* A name long enough that its UTF-16 crosses the end of the first 512-byte stride. */
static const char *long_name =
	"a-rather-long-file-name-that-crosses-the-sector-boundary-of-the-record-"
	"so-that-fixups-matter-0123456789";

/* build_sample: a typical in-use file record (3.1 layout unless !v31). */
static void build_sample(struct rb *r, size_t size, bool v31)
{
	static const uint16_t zone[] = { 'Z', 'o', 'n', 'e' };
	static const uint8_t rp[] = { 0x03, 0x00, 0x00, 0xA0, 0x08, 0x00, 0x00, 0x00,
				      1, 2, 3, 4, 5, 6, 7, 8 };

	rb_init(r, size, v31, 42, 7, 0x0001, 0);
	rb_link_count(r, 3);
	rb_std_info(r, 130000000000000000LL, 0x20 | 0x400);
	rb_file_name(r, REF(5, 5), "LONGNA~1.TXT", 2, 0x20);
	rb_file_name(r, REF(5, 5), long_name, 1, 0x20);
	rb_file_name(r, REF(30, 2), "second", 0, 0x20);
	rb_resident(r, 0x80, NULL, 0, "hello", 5);
	rb_nonresident(r, 0x80, zone, 4, 8192, 5000, 0, 0);
	rb_resident(r, 0xC0, NULL, 0, rp, sizeof(rp));
	rb_finish(r, 0x0BAD);
}

struct walk {
	int nattrs, nnames, ndata;
	struct nl_std_info si;
	struct nl_file_name fn[8];
	struct nl_attr data[4];
	uint32_t tag;
	size_t rplen;
};

/* parse: fixup + header + walk; returns 0 or the first error. */
static int parse(uint8_t *buf, size_t size, struct nl_rec_header *h, struct walk *w,
		 const char **reason)
{
	int rc;
	size_t pos = 0;
	struct nl_attr a;

	memset(w, 0, sizeof(*w));
	if ((rc = nl_record_fixup(buf, size, reason)) < 0)
		return rc;
	if ((rc = nl_record_header(buf, size, h, reason)) < 0)
		return rc;
	while ((rc = nl_record_attr_next(buf, size, h, &pos, &a, reason)) == 0) {
		w->nattrs++;
		if (a.type == NL_AT_STANDARD_INFORMATION &&
		    (rc = nl_attr_std_info(&a, &w->si, reason)) < 0)
			return rc;
		if (a.type == NL_AT_FILE_NAME && w->nnames < 8 &&
		    (rc = nl_attr_file_name(&a, &w->fn[w->nnames++], reason)) < 0)
			return rc;
		if (a.type == NL_AT_DATA && w->ndata < 4)
			w->data[w->ndata++] = a;
		if (a.type == NL_AT_REPARSE_POINT &&
		    (rc = nl_attr_reparse(&a, &w->tag, NULL, &w->rplen, reason)) < 0)
			return rc;
	}
	return rc < 0 ? rc : 0;
}

static bool name_is(const struct nl_file_name *fn, const char *ascii)
{
	size_t n = strlen(ascii);

	if (fn->name_len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (fn->name[2 * i] != (uint8_t)ascii[i] || fn->name[2 * i + 1] != 0)
			return false;
	return true;
}

static void check_sample(size_t size, bool v31)
{
	struct rb r;
	struct nl_rec_header h;
	struct walk w;
	const char *reason = NULL;

	build_sample(&r, size, v31);
	/* after protection the stride ends hold the update sequence number */
	ck_assert_uint_eq(r.buf[510], 0xAD);
	ck_assert_uint_eq(r.buf[511], 0x0B);
	ck_assert_int_eq(parse(r.buf, r.size, &h, &w, &reason), 0);
	ck_assert_ptr_null(reason);
	ck_assert_uint_eq(h.seq, 7);
	ck_assert_uint_eq(h.link_count, 3);
	ck_assert_uint_eq(h.flags, 1);
	ck_assert_uint_eq(h.base_ref, 0);
	ck_assert_uint_eq(h.bytes_allocated, size);
	ck_assert_int_eq(h.has_recno, v31);
	if (v31)
		ck_assert_uint_eq(h.recno, 42);
	ck_assert_int_eq(w.nattrs, 7);
	ck_assert_int_eq(w.si.times.crtime, 130000000000000000LL);
	ck_assert_int_eq(w.si.times.atime, 130000000000000003LL);
	ck_assert_uint_eq(w.si.file_attributes, 0x420);
	ck_assert(w.si.has_v3);
	ck_assert_uint_eq(w.si.security_id, 0x100);
	ck_assert_int_eq(w.nnames, 3);
	ck_assert(name_is(&w.fn[0], "LONGNA~1.TXT"));
	ck_assert_uint_eq(w.fn[0].name_space, NL_NS_DOS);
	ck_assert(name_is(&w.fn[1], long_name)); /* restored across the stride end */
	ck_assert_uint_eq(w.fn[1].name_space, NL_NS_WIN32);
	ck_assert_uint_eq(w.fn[1].parent_ref, REF(5, 5));
	ck_assert_uint_eq(w.fn[2].parent_ref, REF(30, 2));
	ck_assert(name_is(&w.fn[2], "second"));
	ck_assert_int_eq(w.ndata, 2);
	ck_assert(!w.data[0].non_resident);
	ck_assert_uint_eq(w.data[0].value_len, 5);
	ck_assert_mem_eq(w.data[0].value, "hello", 5);
	ck_assert(w.data[1].non_resident);
	ck_assert_uint_eq(w.data[1].name_len, 4);
	ck_assert_uint_eq(w.data[1].name[0], 'Z');
	ck_assert_uint_eq(w.data[1].data_size, 5000);
	ck_assert_uint_eq(w.data[1].alloc_size, 8192);
	ck_assert_uint_eq(w.data[1].compressed_size, 8192);
	ck_assert_uint_eq(w.tag, 0xA0000003u);
	ck_assert_uint_eq(w.rplen, 16);
}

START_TEST(test_v31_1024) { check_sample(1024, true); }
END_TEST
START_TEST(test_v30_1024) { check_sample(1024, false); }
END_TEST
START_TEST(test_v31_4096) { check_sample(4096, true); }
END_TEST
START_TEST(test_v30_4096) { check_sample(4096, false); }
END_TEST

START_TEST(test_4096_strides)
{
	/* a 4096-byte record: 9 update sequence entries, every stride restored */
	struct rb r;
	struct nl_rec_header h;
	uint8_t copy[4096];

	build_sample(&r, 4096, true);
	ck_assert_uint_eq(r.usa_count, 9);
	/* put a recognizable byte pattern at every stride end before protection */
	rb_init(&r, 4096, true, 1, 1, 1, 0);
	{
		uint8_t big[3000];

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (uint8_t)(i * 7 + 3);
		rb_resident(&r, 0x80, NULL, 0, big, sizeof(big));
		rb_finish(&r, 0x4242);
		for (unsigned i = 1; i <= 6; i++)
			ck_assert_uint_eq(r.buf[512 * i - 1], 0x42);
		memcpy(copy, r.buf, 4096);
		ck_assert_int_eq(nl_record_fixup(copy, 4096, NULL), 0);
		ck_assert_int_eq(nl_record_header(copy, 4096, &h, NULL), 0);
		size_t pos = 0;
		struct nl_attr a;

		ck_assert_int_eq(nl_record_attr_next(copy, 4096, &h, &pos, &a, NULL), 0);
		ck_assert_uint_eq(a.value_len, sizeof(big));
		ck_assert_mem_eq(a.value, big, sizeof(big));
		ck_assert_int_eq(nl_record_attr_next(copy, 4096, &h, &pos, &a, NULL), 1);
	}
}
END_TEST

START_TEST(test_bad_fixup)
{
	struct rb r;
	const char *reason = NULL;

	build_sample(&r, 1024, true);
	r.buf[1023] ^= 0x01; /* torn second sector */
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, &reason), -EILSEQ);
	ck_assert_str_eq(reason, "update sequence mismatch");
	/* applying twice: the second time the record is recognised as done */
	build_sample(&r, 1024, true);
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, NULL), 0);
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, NULL), 1);
	r.buf[511] ^= 0x10; /* now neither protected nor restored */
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, &reason), -EILSEQ);
	/* a torn 4096-byte record in its last stride */
	build_sample(&r, 4096, false);
	r.buf[4094] ^= 0x80;
	reason = NULL;
	ck_assert_int_eq(nl_record_fixup(r.buf, 4096, &reason), -EILSEQ);
	ck_assert_str_eq(reason, "update sequence mismatch");
}
END_TEST

START_TEST(test_bad_headers)
{
	struct rb r;
	const char *reason;
	struct nl_rec_header h;
	uint8_t save[1024];

	build_sample(&r, 1024, true);
	memcpy(save, r.buf, 1024);

	memcpy(r.buf, "BAAD", 4);
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, &reason), -EINVAL);
	ck_assert_str_eq(reason, "baad record");
	memcpy(r.buf, "INDX", 4);
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, &reason), -EINVAL);
	ck_assert_str_eq(reason, "bad magic");

	memcpy(r.buf, save, 1024);
	rb_put16(r.buf + 6, 9); /* usa count for 4096 in a 1024 record */
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, &reason), -EINVAL);
	ck_assert_str_eq(reason, "update sequence count does not match record size");

	memcpy(r.buf, save, 1024);
	rb_put16(r.buf + 4, 0x1FA); /* usa over the end of the first stride */
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, &reason), -EINVAL);
	ck_assert_str_eq(reason, "update sequence array out of range");

	ck_assert_int_eq(nl_record_fixup(r.buf, 1000, &reason), -EINVAL);
	ck_assert_str_eq(reason, "bad record size");

	/* header checks on a fixed-up record */
	memcpy(r.buf, save, 1024);
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, NULL), 0);
	memcpy(save, r.buf, 1024);
	rb_put32(r.buf + 0x1C, 4096);
	ck_assert_int_eq(nl_record_header(r.buf, 1024, &h, &reason), -EINVAL);
	ck_assert_str_eq(reason, "allocated size does not match record size");
	memcpy(r.buf, save, 1024);
	rb_put32(r.buf + 0x18, 2000);
	ck_assert_int_eq(nl_record_header(r.buf, 1024, &h, &reason), -EINVAL);
	ck_assert_str_eq(reason, "bytes in use out of range");
	memcpy(r.buf, save, 1024);
	rb_put16(r.buf + 0x14, 0x3F8);
	ck_assert_int_eq(nl_record_header(r.buf, 1024, &h, &reason), -EINVAL);
	ck_assert_str_eq(reason, "attribute offset out of range");
	memcpy(r.buf, save, 1024);
	rb_put16(r.buf + 0x14, 0x10); /* inside the header */
	ck_assert_int_eq(nl_record_header(r.buf, 1024, &h, &reason), -EINVAL);
	ck_assert_str_eq(reason, "attribute offset out of range");
}
END_TEST

/* Corrupting one field of the second attribute ($FILE_NAME, DOS) of the sample. */
struct mutation {
	size_t field;       /* offset inside the attribute */
	int width;          /* 1, 2 or 4 bytes */
	uint32_t value;
	int expect;         /* expected return code of the walk */
	const char *reason;
};

static const struct mutation mutations[] = {
	{ 4, 4, 0xFFFFFFF0u, -EINVAL, "attribute runs past the record" },
	{ 4, 4, 0x800, -EINVAL, "attribute runs past the record" },
	{ 4, 4, 0, -EINVAL, "zero attribute length" },
	{ 4, 4, 0x13, -EINVAL, "misaligned attribute length" },
	{ 4, 4, 0x10, -EINVAL, "attribute too short" },
	{ 8, 1, 7, -EINVAL, "bad non-resident flag" },
	{ 8, 1, 1, -EINVAL, "mapping pairs out of range" }, /* resident attr read as non-resident */
	{ 9, 1, 200, -EINVAL, "attribute name out of range" },
	{ 0x10, 4, 0x7FFFFFFF, -EINVAL, "resident value out of range" },
	{ 0x14, 2, 0xFFF0, -EINVAL, "resident value out of range" },
	{ 0x10, 4, 0x20, -EINVAL, "file name too short" },
	{ 0x18 + 0x40, 1, 0xFF, -EINVAL, "file name length out of range" },
	{ 0x18 + 0x40, 1, 0, -EINVAL, "empty file name" },
	{ 0x18 + 0x41, 1, 4, -EINVAL, "bad file name namespace" },
};

START_TEST(test_mutations)
{
	const struct mutation *m = &mutations[_i];
	struct rb r;
	struct nl_rec_header h;
	struct walk w;
	const char *reason = NULL;
	size_t at;

	rb_init(&r, 1024, true, 42, 7, 1, 0);
	rb_std_info(&r, 1, 0);
	at = rb_file_name(&r, REF(5, 5), "name.txt", 3, 0x20);
	rb_resident(&r, 0x80, NULL, 0, "x", 1);
	/* the mutation is applied before protection: it is what the disk holds */
	if (m->width == 1)
		r.buf[at + m->field] = (uint8_t)m->value;
	else if (m->width == 2)
		rb_put16(r.buf + at + m->field, (uint16_t)m->value);
	else
		rb_put32(r.buf + at + m->field, m->value);
	rb_finish(&r, 3);
	ck_assert_int_eq(parse(r.buf, r.size, &h, &w, &reason), m->expect);
	ck_assert_ptr_nonnull(reason);
	ck_assert_str_eq(reason, m->reason);
}
END_TEST

START_TEST(test_extension_record)
{
	struct rb r;
	struct nl_rec_header h;
	struct walk w;

	rb_init(&r, 1024, true, 77, 3, 1, REF(42, 7));
	for (int i = 0; i < 8; i++) {
		char n[16];

		snprintf(n, sizeof(n), "link%02d", i);
		rb_file_name(&r, REF(100 + i, 1), n, 1, 0x20);
	}
	rb_finish(&r, 9);
	ck_assert_int_eq(parse(r.buf, r.size, &h, &w, NULL), 0);
	ck_assert_uint_eq(h.base_ref, REF(42, 7));
	ck_assert_int_eq(w.nnames, 8);
	ck_assert(name_is(&w.fn[7], "link07"));
	ck_assert_uint_eq(w.fn[7].parent_ref, REF(107, 1));
}
END_TEST

START_TEST(test_surrogates_kept)
{
	/* an unpaired surrogate and a pair: the parser hands the UTF-16 through */
	static const uint16_t n[] = { 'a', 0xD800, 'b', 0xD83D, 0xDE00 };
	struct rb r;
	struct nl_rec_header h;
	struct walk w;

	rb_init(&r, 1024, true, 30, 1, 1, 0);
	rb_file_name16(&r, REF(5, 5), n, 5, 0, 0);
	rb_finish(&r, 1);
	ck_assert_int_eq(parse(r.buf, r.size, &h, &w, NULL), 0);
	ck_assert_uint_eq(w.fn[0].name_len, 5);
	ck_assert_uint_eq(w.fn[0].name[2], 0x00);
	ck_assert_uint_eq(w.fn[0].name[3], 0xD8);
}
END_TEST

START_TEST(test_nonresident_reparse_and_sparse)
{
	struct rb r;
	struct nl_rec_header h;
	size_t pos = 0;
	struct nl_attr a;
	const char *reason = NULL;
	uint32_t tag = 0;

	rb_init(&r, 1024, true, 30, 1, 1, 0);
	rb_nonresident(&r, 0xC0, NULL, 0, 4096, 3000, 0, 0);
	rb_nonresident(&r, 0x80, NULL, 0, 1 << 20, 1 << 20, 0x8000, 8192);
	rb_finish(&r, 1);
	ck_assert_int_eq(nl_record_fixup(r.buf, 1024, NULL), 0);
	ck_assert_int_eq(nl_record_header(r.buf, 1024, &h, NULL), 0);
	ck_assert_int_eq(nl_record_attr_next(r.buf, 1024, &h, &pos, &a, NULL), 0);
	ck_assert_int_eq(nl_attr_reparse(&a, &tag, NULL, NULL, &reason), -ENODATA);
	ck_assert_uint_eq(a.data_size, 3000);
	ck_assert_int_eq(nl_record_attr_next(r.buf, 1024, &h, &pos, &a, NULL), 0);
	ck_assert_uint_eq(a.flags, 0x8000);
	ck_assert_uint_eq(a.compressed_size, 8192);
	ck_assert_uint_eq(a.alloc_size, 1 << 20);
	ck_assert_int_eq(nl_record_attr_next(r.buf, 1024, &h, &pos, &a, NULL), 1);
}
END_TEST

START_TEST(test_reparse_short)
{
	struct rb r;
	struct nl_rec_header h;
	struct walk w;
	const char *reason = NULL;
	static const uint8_t rp[] = { 0x0C, 0, 0, 0xA0, 0x40, 0, 0, 0, 1, 2, 3, 4 };

	rb_init(&r, 1024, true, 30, 1, 1, 0);
	rb_resident(&r, 0xC0, NULL, 0, rp, sizeof(rp));
	rb_finish(&r, 1);
	ck_assert_int_eq(parse(r.buf, r.size, &h, &w, &reason), -EINVAL);
	ck_assert_str_eq(reason, "reparse data length mismatch");
	rb_init(&r, 1024, true, 30, 1, 1, 0);
	rb_resident(&r, 0xC0, NULL, 0, rp, 6);
	rb_finish(&r, 1);
	ck_assert_int_eq(parse(r.buf, r.size, &h, &w, &reason), -EINVAL);
	ck_assert_str_eq(reason, "reparse point too short");
}
END_TEST

START_TEST(test_missing_end_marker)
{
	/* the attribute list runs up to bytes_in_use without an end marker */
	struct rb r;
	struct nl_rec_header h;
	struct walk w;
	const char *reason = NULL;

	rb_init(&r, 1024, true, 30, 1, 1, 0);
	rb_std_info(&r, 1, 0);
	rb_finish(&r, 1);
	rb_put32(r.buf + 0x18, (uint32_t)r.pos); /* end marker outside bytes in use */
	ck_assert_int_eq(parse(r.buf, r.size, &h, &w, &reason), -EINVAL);
	ck_assert_str_eq(reason, "attribute runs past the record");
}
END_TEST

START_TEST(test_corpus_symlink_record)
{
	const char *dir = getenv("CORPUS_DIR");
	char path[4096];
	uint8_t buf[1024];
	FILE *f;
	struct nl_rec_header h;
	struct walk w;
	const uint8_t *rp = NULL;
	size_t rplen = 0, pos = 0;
	struct nl_attr a;

	snprintf(path, sizeof(path), "%s/win10-symlink-record.bin", dir ? dir : "/nonexistent");
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 1024);
	fclose(f);
	ck_assert_int_eq(parse(buf, 1024, &h, &w, NULL), 0);
	ck_assert(h.has_recno);
	ck_assert_uint_eq(h.recno, 106);
	ck_assert_uint_eq(h.seq, 1);
	ck_assert_uint_eq(h.flags, NL_MFT_IN_USE);
	ck_assert_uint_eq(h.link_count, 1);
	ck_assert_int_eq(w.nnames, 1);
	ck_assert(name_is(&w.fn[0], "link.txt"));
	ck_assert_uint_eq(w.fn[0].name_space, NL_NS_POSIX);
	ck_assert_uint_eq(w.fn[0].parent_ref, REF(5, 5));
	ck_assert_uint_eq(w.si.file_attributes, 0x420);
	ck_assert_uint_eq(w.tag, 0xA000000Cu);
	ck_assert_uint_eq(w.rplen, 8 + 0x34);
	while (nl_record_attr_next(buf, 1024, &h, &pos, &a, NULL) == 0)
		if (a.type == NL_AT_REPARSE_POINT)
			ck_assert_int_eq(nl_attr_reparse(&a, NULL, &rp, &rplen, NULL), 0);
	ck_assert_ptr_nonnull(rp);
	/* symlink: substitute name "target.txt" (relative flag 1) */
	ck_assert_uint_eq(rp[8], 0x14);   /* substitute name offset */
	ck_assert_uint_eq(rp[10], 0x14);  /* substitute name length */
	ck_assert_uint_eq(rp[16], 1);     /* flags: relative */
	ck_assert_uint_eq(rp[20 + 0x14], 't');
}
END_TEST

static Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_v31_1024);
	tcase_add_test(tc, test_v30_1024);
	tcase_add_test(tc, test_v31_4096);
	tcase_add_test(tc, test_v30_4096);
	tcase_add_test(tc, test_4096_strides);
	tcase_add_test(tc, test_bad_fixup);
	tcase_add_test(tc, test_bad_headers);
	tcase_add_loop_test(tc, test_mutations, 0, (int)(sizeof(mutations) / sizeof(mutations[0])));
	tcase_add_test(tc, test_extension_record);
	tcase_add_test(tc, test_surrogates_kept);
	tcase_add_test(tc, test_nonresident_reparse_and_sparse);
	tcase_add_test(tc, test_reparse_short);
	tcase_add_test(tc, test_missing_end_marker);
	suite_add_tcase(s, tc);
	/* the real Windows record: only where the corpus is present */
	const char *dir = getenv("CORPUS_DIR");
	char path[4096];

	snprintf(path, sizeof(path), "%s/win10-symlink-record.bin", dir ? dir : "/nonexistent");
	if (access(path, R_OK) == 0) {
		TCase *tcc = tcase_create("corpus");

		tcase_add_test(tcc, test_corpus_symlink_record);
		suite_add_tcase(s, tcc);
	} else {
		fprintf(stderr, "check_record: corpus test skipped: %s absent\n", path);
	}
	return s;
}

int main(void)
{
	return tu_run_suite(record_suite());
}
