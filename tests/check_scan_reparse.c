/* check_scan_reparse.c: Check suite for the reparse data of a scan: not read on request, and where the tag of unreadable reparse data comes from in a raw $MFT ($FILE_NAME, $R, $I30). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/runlist.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/analysis.h>
#include "image/device_int.h"
#include "testutil.h"
#include "scan_util.h"

START_TEST(test_no_reparse_read)
{
	nl_volume *v = NULL;
	struct probs pr;
	uint32_t tag = 0;
	const uint8_t *data = (const uint8_t *)1;
	size_t len = 1;
	struct nl_scan_stats st;
	nl_model *m = scan(img, NL_SCAN_NO_REPARSE_READ, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.reparse_points, 3);
	ck_assert_uint_eq(st.reparse_unreadable, 2);
	ck_assert_uint_eq(st.problems, 0);
	ck_assert_int_eq(nl_model_reparse(m, fx.nr, &tag, &data, &len), -EIO);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(nl_model_reparse(m, fx.j, &tag, &data, &len), 0);
	ck_assert_uint_eq(tag, 0xA0000003u);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* ---- where the tag of unreadable reparse data comes from (raw $MFT) ------------ */

static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) | (uint32_t)g16(p + 2) << 16; }

/* patch_raw: let @fn change record @mft of the raw $MFT file @path: fixups
 * are applied before and the update sequence protection is redone after */
static void patch_raw(const char *path, uint64_t mft, void (*fn)(uint8_t *rec, const void *arg),
		      const void *arg)
{
	uint8_t rec[1024];
	int fd = open(path, O_RDWR);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, rec, sizeof(rec), (off_t)(mft * 1024)), 1024);
	ck_assert_int_ge(nl_record_fixup(rec, sizeof(rec), NULL), 0);
	fn(rec, arg);
	uint16_t uo = g16(rec + 4), uc = g16(rec + 6);

	for (unsigned i = 1; i < uc; i++) {
		memcpy(rec + uo + 2 * i, rec + i * 512 - 2, 2);
		memcpy(rec + i * 512 - 2, rec + uo, 2);
	}
	ck_assert_int_eq(pwrite(fd, rec, sizeof(rec), (off_t)(mft * 1024)), 1024);
	close(fd);
}

/* the attributes of a fixed-up record: calls @fn for each of type @type */
static void each_attr(uint8_t *rec, uint32_t type, void (*fn)(uint8_t *a, const void *arg),
		      const void *arg)
{
	for (size_t pos = g16(rec + 0x14); pos + 8 <= 1024 && g32(rec + pos) != 0xFFFFFFFFu;
	     pos += g32(rec + pos + 4)) {
		ck_assert_uint_ge(g32(rec + pos + 4), 24);
		if (g32(rec + pos) == type)
			fn(rec + pos, arg);
	}
}

/* every $FILE_NAME: reparse-point attribute set and the tag *@arg, as Windows writes them */
static void fn_tag_one(uint8_t *a, const void *arg)
{
	uint8_t *v = a + g16(a + 0x14);

	tu_put32(v + 0x38, g32(v + 0x38) | NL_FA_REPARSE_POINT);
	tu_put32(v + 0x3C, *(const uint32_t *)arg);
}

static void fn_tag(uint8_t *rec, const void *arg)
{
	each_attr(rec, 0x30, fn_tag_one, arg);
}

/* index root entries naming record arg->mft: $R keys (tag, ref) or $I30
 * keys ($FILE_NAME): tag set to arg->tag (0: no tag), the reference's
 * sequence number to arg->seq unless 0 */
struct ix_patch {
	uint64_t mft;
	uint32_t tag;
	uint16_t seq;
	int done;
};

static void ix_one(uint8_t *a, const void *arg)
{
	struct ix_patch *ip = (struct ix_patch *)arg;
	uint8_t nlen = a[9];
	const uint8_t *name = a + g16(a + 10);
	bool r = nlen == 2 && !memcmp(name, "$\0R\0", 4);
	bool i30 = nlen == 4 && !memcmp(name, "$\0I\0" "3\0" "0\0", 8);
	uint8_t *v = a + g16(a + 0x14), *hdr = v + 0x10;

	if (!r && !i30)
		return;
	for (uint8_t *e = hdr + g32(hdr); e < hdr + g32(hdr + 4) && !(g16(e + 12) & 2);
	     e += g16(e + 8)) {
		uint8_t *k = e + 0x10, *ref = r ? k + 4 : e;

		if (NL_MREF_RECORD(g32(ref) | (uint64_t)g16(ref + 4) << 32) != ip->mft)
			continue;
		if (r) {
			tu_put32(k, ip->tag);
		} else {
			tu_put32(k + 0x38, ip->tag ? g32(k + 0x38) | NL_FA_REPARSE_POINT
						  : g32(k + 0x38) & ~(uint32_t)NL_FA_REPARSE_POINT);
			tu_put32(k + 0x3C, ip->tag);
		}
		if (ip->seq) {
			ref[6] = (uint8_t)ip->seq;
			ref[7] = (uint8_t)(ip->seq >> 8);
		}
		ip->done++;
	}
}

static void ix_tag(uint8_t *rec, const void *arg)
{
	each_attr(rec, 0x90, ix_one, arg);
}

/* the class and reason the analysis gives the link of record @mft */
static void link_class(nl_model *m, uint64_t mft, uint32_t tag, enum nl_link_class cls,
		       const char *reason)
{
	nl_analysis *a = NULL;
	struct nl_link_info li;

	ck_assert_int_eq(nl_analysis_open(m, NULL, &a), 0);
	ck_assert_int_eq(nl_analysis_link(a, mft, &li), 0);
	ck_assert_uint_eq(li.tag, tag);
	ck_assert_ptr_null(li.rp);
	ck_assert_ptr_null(li.target);
	ck_assert_str_eq(nl_link_class_name(li.cls), nl_link_class_name(cls));
	if (reason)
		ck_assert_str_eq(li.reason, reason);
	else
		ck_assert_ptr_null(li.reason);
	nl_analysis_close(&a);
}

/* the tag nl_model_reparse() gives for @mft (which must be unreadable) */
static uint32_t raw_tag(const nl_model *m, uint64_t mft)
{
	uint32_t tag = 1;
	const uint8_t *data = (const uint8_t *)1;
	struct nl_record_info ri;

	ck_assert_int_eq(nl_model_reparse(m, mft, &tag, &data, NULL), -EIO);
	ck_assert_ptr_null(data);
	ck_assert_int_eq(nl_model_record(m, mft, &ri), 0);
	ck_assert(ri.flags & NL_REC_REPARSE_UNREADABLE);
	ck_assert_uint_eq(ri.reparse_tag, tag);
	return tag;
}

/* the index entries for @mft in record @rec of the raw $MFT @p: the tag set
 * to @tag, the sequence number to @seq unless 0; exactly one entry */
static void patch_index(const char *p, uint64_t rec, uint64_t mft, uint32_t tag, uint16_t seq)
{
	struct ix_patch ip = { mft, tag, seq, 0 };

	patch_raw(p, rec, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
}

/* the tag a scan of the raw $MFT @p gives the unreadable record @mft; the
 * unreadable reparse data is no problem of the scan */
static uint32_t tag_of(const char *p, uint64_t mft)
{
	nl_volume *v = NULL;
	struct probs pr;
	nl_model *m = scan(p, 0, &v, &pr);
	uint32_t tag = raw_tag(m, mft);

	ck_assert_int_eq(pr.n, 0);
	nl_model_free(&m);
	nl_volume_close(&v);
	return tag;
}

START_TEST(test_raw_tag_sources)
{
	char p[4300], cmd[9000];
	nl_volume *v = NULL;
	struct probs pr;
	uint64_t rmft = 0;
	const uint32_t sym = 0xA000000Cu, junc = 0xA0000003u;
	struct nl_record_info ri;
	nl_model *m;

	snprintf(p, sizeof(p), "%s/tags.mft", tmpdir);
	snprintf(cmd, sizeof(cmd), "ntfscat '%s' '$MFT' > '%s'", img, p);
	ck_assert_int_eq(system(cmd), 0);
	m = scan(p, 0, &v, &pr);
	ck_assert_int_eq(nl_model_lookup_path(m, "/$Extend/$Reparse", &rmft), 0);
	ck_assert_int_eq(nl_model_record(m, fx.far, &ri), 0);
	/* as libntfs-3g wrote it: no tag in the files' own $FILE_NAMEs, both
	 * in the resident root of $Reparse:$R */
	ck_assert_uint_eq(raw_tag(m, fx.nr), sym);
	ck_assert_uint_eq(raw_tag(m, fx.far), sym);
	ck_assert_int_eq(pr.n, 0);  /* unreadable reparse data is no problem of the scan */
	nl_model_free(&m);
	nl_volume_close(&v);

	/* without $R: longlink's folder /dir2 has a non-resident index, so its
	 * tag is not in this $MFT at all; /few's resident $I30 has an entry for
	 * "far" with the reparse attribute but 0xC0 as the tag (libntfs-3g puts
	 * the attribute type there for non-resident data): not a tag */
	patch_index(p, rmft, fx.nr, 0, 0);
	patch_index(p, rmft, fx.far, 0, 0);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.nr), 0);
	ck_assert_uint_eq(raw_tag(m, fx.far), 0);
	ck_assert_int_eq(pr.n, 0);
	/* no tag, no data: it may be a link, so the analysis cannot say "none" */
	link_class(m, fx.nr, 0, NL_CLASS_UNKNOWN, "reparse data unreadable and its tag unknown");
	nl_model_free(&m);
	nl_volume_close(&v);

	/* the $I30 copy with the tag, as Windows writes it */
	patch_index(p, fx.few, fx.far, sym, 0);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.far), sym);
	link_class(m, fx.far, sym, NL_CLASS_UNKNOWN, "reparse data unreadable");
	nl_model_free(&m);
	nl_volume_close(&v);
	/* $R comes before $I30 */
	patch_index(p, rmft, fx.far, junc, 0);
	ck_assert_uint_eq(tag_of(p, fx.far), junc);
	/* copies that name another sequence number (a reused record) do not count */
	patch_index(p, rmft, fx.far, junc, (uint16_t)(ri.seq + 1));
	patch_index(p, fx.few, fx.far, sym, (uint16_t)(ri.seq + 1));
	ck_assert_uint_eq(tag_of(p, fx.far), 0);

	/* the tag in the record's own $FILE_NAMEs, as Windows writes it ... */
	patch_raw(p, fx.nr, fn_tag, &sym);
	ck_assert_uint_eq(tag_of(p, fx.nr), sym);
	/* ... comes before any index copy */
	patch_index(p, rmft, fx.nr, junc, 0);
	ck_assert_uint_eq(tag_of(p, fx.nr), sym);
	/* a tag that is no name surrogate (WOF): unreadable, but no link */
	const uint32_t wof = 0x80000017u;

	patch_raw(p, fx.nr, fn_tag, &wof);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.nr), wof);
	link_class(m, fx.nr, wof, NL_CLASS_NONE, NULL);
	nl_model_free(&m);
	nl_volume_close(&v);
	unlink(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scan_reparse");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_no_reparse_read);
	tcase_add_test(tc, test_raw_tag_sources);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	scan_fixture_setup("check_scan_reparse", SCAN_FX_512);
	rc = tu_run_suite(suite());
	scan_fixture_cleanup("check_scan_reparse");
	return rc;
}
