/* check_scan_truth.c: Check suite for nl_scan against ground truth established elsewhere: a bulk image from the fixture builder and its truth file, the Windows XP $MFT sample of the corpus. */
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

/* ---- a bulk image from the project's builder, against its ground truth ----------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		ck_assert_ptr_nonnull(l->v);
	}
	l->v[l->n] = strdup(s);
	ck_assert_ptr_nonnull(l->v[l->n]);
	l->n++;
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

START_TEST(test_bulk_ground_truth)
{
	const char *mk = getenv("MKFIXTURE");
	char p[4300], cmd[9000], line[16384], path[NL_PATH_BUF];
	struct lines want_hl = { 0 }, got_hl = { 0 }, want_rp = { 0 }, got_rp = { 0 };
	struct lines want_dos = { 0 }, got_dos = { 0 };
	nl_volume *v = NULL;
	struct probs pr;
	FILE *f;

	snprintf(p, sizeof(p), "%s/bulk.img", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' --bulk 3000 --seed 7 '%s' >/dev/null", mk, p);
	ck_assert_int_eq(system(cmd), 0);
	/* truth lines: hardlink PATH0 PATH N MFT / reparse PATH TAG ... MFT / dosname PATH ALIAS KIND MFT */
	snprintf(cmd, sizeof(cmd), "%s.truth", p);
	f = fopen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *fld[10];
		int n = 0;

		line[strcspn(line, "\n")] = 0;
		for (char *t = line, *e; n < 10; t = e + 1) {
			fld[n++] = t;
			if (!(e = strchr(t, '\t')))
				break;
			*e = 0;
		}
		char buf[16500];

		if (!strcmp(fld[0], "hardlink") && n == 5) {
			snprintf(buf, sizeof(buf), "%s %s", fld[4], fld[2]);
			lines_add(&want_hl, buf);
		} else if (!strcmp(fld[0], "reparse") && n >= 4) {
			snprintf(buf, sizeof(buf), "%s %s %s", fld[n - 1], fld[1], fld[2]);
			lines_add(&want_rp, buf);
		} else if (!strcmp(fld[0], "dosname") && n == 5) {
			snprintf(buf, sizeof(buf), "%s %s [%s]", fld[4], fld[1], fld[2]);
			lines_add(&want_dos, buf);
		}
	}
	fclose(f);
	ck_assert_uint_gt(want_hl.n, 100);
	ck_assert_uint_gt(want_rp.n, 0);
	ck_assert_uint_gt(want_dos.n, 100);

	nl_model *m = scan(p, 0, &v, &pr);
	uint64_t cur = 0, mft;

	ck_assert_int_eq(pr.n, 0);
	while (nl_model_next(m, NL_ITER_ALL, &cur, &mft) == 0) {
		struct nl_record_info ri;
		struct nl_name n;
		uint64_t nc = 0;
		char buf[NL_PATH_BUF + 64];

		nl_model_record(m, mft, &ri);
		while (nl_model_name_next(m, mft, 0, &nc, &n) == 0) {
			size_t len;

			ck_assert_int_eq(nl_model_name_path(m, n.id, path, sizeof(path), &len, NULL), 0);
			if (ri.names >= 2) {
				snprintf(buf, sizeof(buf), "%llu %s", (unsigned long long)mft, path);
				lines_add(&got_hl, buf);
			}
			if (n.dos_alias) {
				snprintf(buf, sizeof(buf), "%llu %s [%s]", (unsigned long long)mft, path,
					 n.dos_alias);
				lines_add(&got_dos, buf);
			}
			/* every path leads back to its record */
			uint64_t back = 0;

			ck_assert_int_eq(nl_model_lookup_path(m, path, &back), 0);
			ck_assert_uint_eq(back, mft);
		}
		if (ri.flags & NL_REC_REPARSE) {
			size_t len;

			ck_assert_int_eq(nl_model_record_path(m, mft, path, sizeof(path), &len, NULL), 0);
			snprintf(buf, sizeof(buf), "%llu %s 0x%08x", (unsigned long long)mft, path,
				 ri.reparse_tag);
			lines_add(&got_rp, buf);
		}
	}
	struct lines *pairs[3][2] = { { &want_hl, &got_hl }, { &want_rp, &got_rp },
				      { &want_dos, &got_dos } };

	for (int k = 0; k < 3; k++) {
		struct lines *w = pairs[k][0], *g = pairs[k][1];

		qsort(w->v, w->n, sizeof(char *), cmp_str);
		qsort(g->v, g->n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < w->n && i < g->n; i++)
			ck_assert_str_eq(g->v[i], w->v[i]);
		ck_assert_uint_eq(g->n, w->n);
		lines_free(w);
		lines_free(g);
	}
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* ---- corpus -------------------------------------------------------------------- */

START_TEST(test_corpus_xp)
{
	char p[4300], buf[1024];
	nl_volume *v = NULL;
	struct probs pr;
	struct nl_scan_stats st;
	uint64_t mft;

	snprintf(p, sizeof(p), "%s/xp.mft", tmpdir);
	ck_assert_int_eq(tu_corpus_unpack("winxp-system.mft.xz", p), 0);
	/* counts established independently (tests/corpus-mftstat.py, a separate
	 * Python reader): 20528 records, 17429 files, 17429 names, 3306 DOS names;
	 * with deleted records 20482 names and 4202 DOS names */
	nl_model *m = scan(p, 0, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.mft_records, 20528);
	ck_assert_uint_eq(st.files, 17429);
	ck_assert_uint_eq(st.names, 17429);
	ck_assert_uint_eq(st.dos_names, 3306);
	ck_assert_uint_eq(st.hardlink_groups, 0);
	ck_assert_uint_eq(st.reparse_points, 0);
	ck_assert_int_eq(nl_model_lookup_path(m, "/WINDOWS/Driver Cache", &mft), 0);
	path_of(m, mft, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/WINDOWS/Driver Cache");
	uint64_t cur = 0;
	struct nl_name nm;

	ck_assert_int_eq(nl_model_name_next(m, mft, 0, &cur, &nm), 0);
	ck_assert_str_eq(nm.dos_alias, "DRIVER~1");
	uint64_t m2;

	ck_assert_int_eq(nl_model_lookup_path(m, "C:\\windows\\DRIVER~1", &m2), 0);
	ck_assert_uint_eq(m2, mft);
	nl_model_free(&m);
	nl_volume_close(&v);

	m = scan(p, NL_SCAN_DELETED, &v, &pr);
	ck_assert_int_eq(pr.n, 0);
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.files + st.deleted, 20482);
	ck_assert_uint_eq(st.names, 20482);
	ck_assert_uint_eq(st.dos_names, 4202);
	nl_model_free(&m);
	nl_volume_close(&v);
	unlink(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scan_truth");
	const char *mk = getenv("MKFIXTURE");

	if (mk && access(mk, X_OK) == 0) {
		TCase *bc = tcase_create("bulk");

		tcase_set_timeout(bc, 120);
		tcase_add_test(bc, test_bulk_ground_truth);
		suite_add_tcase(s, bc);
	} else {
		fprintf(stderr, "check_scan_truth: bulk ground-truth test skipped: no $MKFIXTURE\n");
	}
	TCase *cc = tcase_create("corpus");

	tcase_set_timeout(cc, 120);
	tu_add_corpus_test(cc, test_corpus_xp, "winxp-system.mft.xz", "check_scan_truth");
	suite_add_tcase(s, cc);
	return s;
}

int main(void)
{
	int rc;

	scan_fixture_setup("check_scan_truth", 0);
	rc = tu_run_suite(suite());
	scan_fixture_cleanup("check_scan_truth");
	return rc;
}
