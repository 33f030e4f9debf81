/* check_scan_damage.c: Check suite for scans of damaged images: torn records, truncated images and $MFT files, stale parent references, a fragmented $MFT cut short. */
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

/* corrupt one copy of the image: a torn record and an absurd attribute length */
START_TEST(test_corrupt_records)
{
	char p[4300];
	nl_volume *v = NULL;
	struct probs pr;
	int fd;
	uint8_t rec[1024];

	snprintf(p, sizeof(p), "%s/corrupt.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(img, p, 0), 0);
	fd = open(p, O_RDWR);
	ck_assert_int_ge(fd, 0);
	/* file.txt: flip a byte of the update sequence at the end of sector 1 */
	uint64_t at = fx.mft_offset + fx.f * 1024;

	ck_assert_int_eq(pread(fd, rec, 1024, (off_t)at), 1024);
	rec[510] ^= 0xFF;
	ck_assert_int_eq(pwrite(fd, rec, 1024, (off_t)at), 1024);
	/* Long File Name.txt: first attribute gets an absurd length */
	at = fx.mft_offset + fx.l * 1024;
	ck_assert_int_eq(pread(fd, rec, 1024, (off_t)at), 1024);
	uint16_t ao = (uint16_t)(rec[0x14] | rec[0x15] << 8);

	tu_put32(rec + ao + 4, 0xFFFFFF00u);
	ck_assert_int_eq(pwrite(fd, rec, 1024, (off_t)at), 1024);
	close(fd);

	nl_model *m = scan(p, 0, &v, &pr);
	struct nl_scan_stats st;
	struct nl_record_info ri;
	char buf[1024];

	ck_assert_int_eq(pr.n, 2);
	ck_assert_uint_eq(pr.mft[0], fx.f < fx.l ? fx.f : fx.l);
	ck_assert_uint_eq(pr.mft[1], fx.f < fx.l ? fx.l : fx.f);
	ck_assert_str_eq(pr.reason[fx.f < fx.l ? 0 : 1], "update sequence mismatch");
	ck_assert_str_eq(pr.reason[fx.f < fx.l ? 1 : 0], "attribute runs past the record");
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.problems, 2);
	/* the torn record is gone, the rest is there */
	ck_assert_int_eq(nl_model_record(m, fx.f, &ri), -ENOENT);
	ck_assert_uint_eq(st.hardlink_groups, 1);
	names_of(m, fx.m, buf, sizeof(buf));
	ck_assert(strncmp(buf, "/dir2/m00|", 10) == 0);
	path_of(m, fx.u, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/dir1/na\xc3\xafve-\xc3\xbc.txt");
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

START_TEST(test_truncated)
{
	char p[4300], err[NL_ERRMSG_SIZE], cmd[9000];
	nl_volume *v = NULL;
	struct probs pr;

	/* an image cut inside its $MFT cannot be opened, with a reason */
	snprintf(p, sizeof(p), "%s/trunc.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(img, p, 0), 0);
	ck_assert_int_eq(truncate(p, (off_t)(fx.mft_offset + 20 * 1024)), 0);
	ck_assert_int_lt(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	ck_assert_ptr_null(v);
	ck_assert_msg(strncmp(err, "cannot open the ntfs volume at offset 0: ", 41) == 0, "%s", err);

	/* a raw $MFT cut in the middle of a record: the whole records are scanned */
	snprintf(p, sizeof(p), "%s/trunc.mft", tmpdir);
	snprintf(cmd, sizeof(cmd), "ntfscat '%s' '$MFT' | head -c %llu > '%s'", img,
		 (unsigned long long)(fx.f * 1024 + 1024 + 300), p);
	ck_assert_int_eq(system(cmd), 0);
	nl_model *m = scan(p, 0, &v, &pr);

	ck_assert_uint_eq(nl_volume_record_count(v), fx.f + 1);
	ck_assert_int_eq(pr.n, 1);
	ck_assert_uint_eq(pr.mft[0], fx.f + 1);
	ck_assert_str_eq(pr.reason[0], "truncated record (300 of 1024 bytes)");
	struct nl_record_info ri;

	ck_assert_int_eq(nl_model_record(m, fx.f, &ri), 0);
	ck_assert_uint_eq(ri.names, 3);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* an in-use file whose parent reference has a stale sequence number */
START_TEST(test_orphan)
{
	char p[4300], buf[1024];
	nl_volume *v = NULL;
	struct probs pr;
	int fd;
	uint8_t rec[1024];
	unsigned pf = 0;
	uint64_t at = fx.mft_offset + fx.u * 1024, mft;

	snprintf(p, sizeof(p), "%s/orphan.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(img, p, 0), 0);
	fd = open(p, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, rec, 1024, (off_t)at), 1024);
	/* find the $FILE_NAME and bump the sequence number of its parent reference */
	size_t pos = (size_t)(rec[0x14] | rec[0x15] << 8);

	while (rec[pos] != 0x30)
		pos += (size_t)(rec[pos + 4] | rec[pos + 5] << 8);
	size_t val = pos + (size_t)(rec[pos + 0x14] | rec[pos + 0x15] << 8);

	ck_assert_uint_eq(rec[val] | rec[val + 1] << 8, fx.d1);
	rec[val + 6] ^= 0x40;
	ck_assert_int_eq(pwrite(fd, rec, 1024, (off_t)at), 1024);
	close(fd);

	nl_model *m = scan(p, 0, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	path_of(m, fx.u, buf, sizeof(buf), &pf);
	ck_assert_str_eq(buf, NL_ORPHAN_PREFIX "/na\xc3\xafve-\xc3\xbc.txt");
	ck_assert_uint_eq(pf, NL_PATH_ORPHAN);
	ck_assert_int_eq(nl_model_is_under(m, fx.u, NL_ROOT_MFT), 0);
	ck_assert_int_eq(nl_model_is_under(m, fx.u, fx.d1), 0);
	ck_assert_int_eq(nl_model_lookup_path(m, "/dir1/naïve-ü.txt", &mft), -ENOENT);
	uint64_t cur = 0;
	struct nl_name nm;

	ck_assert_int_eq(nl_model_name_next(m, fx.u, 0, &cur, &nm), 0);
	ck_assert(nm.orphan);
	ck_assert_uint_eq(nm.parent, fx.d1);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* ---- a fragmented $MFT --------------------------------------------------------- */

/* a volume filled with small files until it is full: $MFT has to grow outside
 * its zone, between the files' clusters, and ends up in many runs */
static char imgfrag[4200];
static int frag_files, frag_runs;
static bool frag_exists[5000];
static uint64_t frag_mft[5000];             /* record of /fNNNNN */
static struct { int64_t vcn, lcn, len; } frag_rl[64];  /* $MFT runs (first 64) */
static uint32_t frag_cluster;

static void build_fragmented(const char *path)
{
	ntfs_volume *vol;
	char data[4096];

	memset(data, 7, sizeof(data));
	if (tu_mkntfs(path, 32ULL << 20, NULL) || nl_device_mount(path, 0, 0, true, 0, &vol) < 0)
		die("fragmented image");
	for (int i = 0; i < 5000; i++) {
		ntfs_inode *root = op(vol, "/"), *ni;
		char name[16];
		ntfschar *u = NULL;
		int len;

		snprintf(name, sizeof(name), "f%05d", i);
		len = ntfs_mbstoucs(name, &u);
		ni = ntfs_create(root, const_cpu_to_le32(0), u, (u8)len, S_IFREG);
		free(u);
		if (!ni) {
			cl(root);
			break;  /* the volume is full */
		}
		ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);

		/* near the end the data no longer fits: that is the point */
		if (na) {
			(void)ntfs_attr_pwrite(na, 0, sizeof(data), data);
			ntfs_attr_close(na);
		}
		(void)ntfs_inode_close(ni);
		cl(root);
	}
	if (ntfs_attr_map_whole_runlist(vol->mft_na) == 0)
		for (runlist_element *r = vol->mft_na->rl; r && r->length; r++) {
			if (frag_runs < 64) {
				frag_rl[frag_runs].vcn = r->vcn;
				frag_rl[frag_runs].lcn = r->lcn;
				frag_rl[frag_runs].len = r->length;
			}
			frag_runs++;
		}
	frag_cluster = vol->cluster_size;
	(void)nl_device_umount(&vol);
	/* which names exist: asked of libntfs-3g, through the directory index */
	if (nl_device_mount(path, 0, 0, false, 0, &vol) < 0)
		die("remount");
	for (int i = 0; i < 5000; i++) {
		char name[16];
		ntfs_inode *ni;

		snprintf(name, sizeof(name), "/f%05d", i);
		frag_exists[i] = (ni = ntfs_pathname_to_inode(vol, NULL, name)) != NULL;
		if (ni) {
			frag_mft[i] = ni->mft_no;
			frag_files++;
			cl(ni);
		}
	}
	(void)nl_device_umount(&vol);
}

START_TEST(test_fragmented_mft)
{
	nl_volume *v = NULL;
	struct probs pr;
	int found = 0;
	char want[16];
	uint64_t cur = 0, mft;

	ck_assert_int_ge(frag_runs, 3);
	ck_assert_int_ge(frag_files, 1000);
	nl_model *m = scan(imgfrag, 0, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	/* exactly the files created, each once, under the root */
	/* every name libntfs-3g finds through the directory index is there (a
	 * few more may be: records written before the volume filled up whose
	 * index entries were not) */
	for (int i = 0; i < 5000; i++) {
		snprintf(want, sizeof(want), "/f%05d", i);
		if (frag_exists[i])
			ck_assert_int_eq(nl_model_lookup_path(m, want, &mft), 0);
	}
	while (nl_model_next(m, NL_ITER_ALL, &cur, &mft) == 0) {
		struct nl_name n;
		uint64_t nc = 0;

		while (nl_model_name_next(m, mft, 0, &nc, &n) == 0)
			if (n.parent == NL_ROOT_MFT && n.len == 6 && n.name[0] == 'f')
				found++;
	}
	ck_assert_int_ge(found, frag_files);
	ck_assert_int_le(found, frag_files + 16);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* an image cut inside its (fragmented) $MFT, after everything needed to open
 * it: the records that are gone are reported as ranges, the rest is scanned */
START_TEST(test_truncated_image_mft)
{
	char p[4300], err[NL_ERRMSG_SIZE], want[16][160];
	int nwant = 0;
	nl_volume *v = NULL;
	struct probs pr;
	int64_t cut = -1;
	uint64_t nrec = 0, fsize = 0, per = frag_cluster / 1024;
	struct stat sb;

	ck_assert_int_ge(frag_runs, 3);
	ck_assert_int_le(frag_runs, 64);
	ck_assert_int_eq(stat(imgfrag, &sb), 0);
	fsize = (uint64_t)sb.st_size;
	snprintf(p, sizeof(p), "%s/fragcut.img", tmpdir);
	/* the lowest cluster, among the starts of $MFT runs other than the
	 * first, at which the image can be cut and still be opened */
	for (;;) {
		int64_t best = -1;

		for (int i = 1; i < frag_runs; i++)
			if (frag_rl[i].lcn > cut && (best < 0 || frag_rl[i].lcn < best))
				best = frag_rl[i].lcn;
		ck_assert_msg(best >= 0, "no cut of the image can be opened");
		cut = best;
		ck_assert_int_eq(tu_copy_file(imgfrag, p, 0), 0);
		ck_assert_int_eq(truncate(p, (off_t)(cut * frag_cluster)), 0);
		if (nl_volume_open(p, NULL, &v, err, sizeof(err)) == 0)
			break;
	}
	nrec = nl_volume_record_count(v);
	struct nl_volume_info vi;

	nl_volume_get_info(v, &vi);
	/* mkntfs: whole clusters, less the last sector (backup boot sector) */
	ck_assert_uint_eq(vi.size, (uint64_t)sb.st_size - frag_cluster);
	/* the volume with its backup boot sector: the whole image as built */
	fsize = vi.volume_bytes;
	ck_assert_uint_eq(fsize, (uint64_t)sb.st_size);
	ck_assert_uint_eq(vi.image_bytes, (uint64_t)(cut * frag_cluster));
	nl_volume_close(&v);
	/* expected: the records of every run at or past the cut, adjacent runs
	 * (by VCN) merged into one range, in record order */
	uint64_t from = UINT64_MAX, to = 0;

	for (int i = 0; i < frag_runs; i++) {
		uint64_t r0 = (uint64_t)frag_rl[i].vcn * per, r1 = r0 + (uint64_t)frag_rl[i].len * per;

		if (r1 > nrec)
			r1 = nrec;
		if (frag_rl[i].lcn >= cut && r0 < r1) {
			if (from == UINT64_MAX)
				from = r0;
			to = r1 - 1;
			continue;
		}
		if (from != UINT64_MAX) {
			snprintf(want[nwant++], sizeof(want[0]),
				 "%llu cannot read records %llu-%llu: Input/output error (the image is truncated: %llu of %llu bytes)",
				 (unsigned long long)from, (unsigned long long)from,
				 (unsigned long long)to, (unsigned long long)(cut * frag_cluster),
				 (unsigned long long)fsize);
			from = UINT64_MAX;
		}
	}
	if (from != UINT64_MAX)
		snprintf(want[nwant++], sizeof(want[0]),
			 "%llu cannot read records %llu-%llu: Input/output error (the image is truncated: %llu of %llu bytes)",
			 (unsigned long long)from, (unsigned long long)from, (unsigned long long)to,
			 (unsigned long long)(cut * frag_cluster), (unsigned long long)fsize);
	ck_assert_int_ge(nwant, 1);

	nl_model *m = scan(p, 0, &v, &pr);
	struct nl_scan_stats st;
	int found = 0, lost = 0;

	ck_assert_int_eq(pr.n, nwant);
	for (int i = 0; i < nwant && i < 16; i++) {
		char got[200];

		snprintf(got, sizeof(got), "%llu %s", (unsigned long long)pr.mft[i], pr.reason[i]);
		ck_assert_str_eq(got, want[i]);
	}
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.problems, (uint64_t)nwant);
	/* every file whose record was read is there, the others are not */
	for (int i = 0; i < 5000; i++) {
		char name[16];
		uint64_t mft = 0;
		bool gone = false;

		if (!frag_exists[i])
			continue;
		for (int k = 0; k < frag_runs; k++)
			if (frag_rl[k].lcn >= cut && frag_mft[i] >= (uint64_t)frag_rl[k].vcn * per &&
			    frag_mft[i] < (uint64_t)(frag_rl[k].vcn + frag_rl[k].len) * per)
				gone = true;
		snprintf(name, sizeof(name), "/f%05d", i);
		if (gone) {
			ck_assert_int_eq(nl_model_lookup_path(m, name, &mft), -ENOENT);
			lost++;
		} else {
			ck_assert_int_eq(nl_model_lookup_path(m, name, &mft), 0);
			ck_assert_uint_eq(mft, frag_mft[i]);
			found++;
		}
	}
	ck_assert_int_gt(lost, 0);
	ck_assert_int_gt(found, 1000);
	nl_model_free(&m);
	nl_volume_close(&v);
	unlink(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scan_damage");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_corrupt_records);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_orphan);
	tcase_add_test(tc, test_fragmented_mft);
	tcase_add_test(tc, test_truncated_image_mft);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	scan_fixture_setup("check_scan_damage", SCAN_FX_512);
	snprintf(imgfrag, sizeof(imgfrag), "%s/frag.img", tmpdir);
	/* libntfs-3g does not free inodes whose close failed on a full volume */
	tu_lsan_off();
	build_fragmented(imgfrag);
	tu_lsan_on();
	rc = tu_run_suite(suite());
	scan_fixture_cleanup("check_scan_damage");
	return rc;
}
