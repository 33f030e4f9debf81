/* check_partition.c: Check suite for partition tables (image/partition.c): MBR with extended and logical partitions, GPT, 4096-byte sectors, broken tables. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/volume.h>
#include "image/volume_int.h"
#include "testutil.h"

#define DISK_SIZE (16ULL << 20)

static char tmpdir[4096];

/* a fresh sparse disk of DISK_SIZE bytes for the running test */
static const char *disk(char *buf, size_t len)
{
	static int n;

	snprintf(buf, len, "%s/disk%d.img", tmpdir, n++);
	ck_assert_int_eq(tu_write_zeros(buf, DISK_SIZE), 0);
	return buf;
}

/* an NTFS boot sector at byte @off */
static void ntfs_at(const char *path, uint64_t off)
{
	uint8_t bs[512];

	tu_boot_sector(bs, 512);
	ck_assert_int_eq(tu_write_at(path, off, bs, sizeof(bs)), 0);
}

static struct nl_partition_table *read_table(const char *path)
{
	struct nl_partition_table *t = NULL;
	char err[NL_ERRMSG_SIZE] = "";

	ck_assert_msg(nl_partitions_read(path, &t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(t);
	return t;
}

static void expect_part(const struct nl_partition *p, unsigned number, const char *type,
			uint64_t offset, uint64_t size, bool is_ntfs)
{
	ck_assert_uint_eq(p->number, number);
	ck_assert_str_eq(p->type, type);
	ck_assert_uint_eq(p->offset, offset);
	ck_assert_uint_eq(p->size, size);
	ck_assert_int_eq(p->is_ntfs, is_ntfs);
}

static void expect_described(const struct nl_partition_table *t, const char *want)
{
	char buf[1024];

	nl_partitions_describe(t, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

/* ---- MBR ------------------------------------------------------------------------ */

START_TEST(test_mbr_primary)
{
	char p[4300];
	static const struct tu_mbr_entry e[4] = {
		{ 0x07, 2048, 4096 },   /* with an NTFS boot sector */
		{ 0x07, 6144, 1024 },   /* type 7, no boot sector */
		{ 0x83, 8192, 2048 },
		{ 0x42, 12288, 100 },
	};
	struct nl_partition_table *t;

	disk(p, sizeof(p));
	ntfs_at(p, 2048 * 512);
	ck_assert_int_eq(tu_write_mbr(p, 0, e, 4), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	ck_assert_uint_eq(t->sector_size, 512);
	ck_assert_uint_eq(t->disk_size, DISK_SIZE);
	ck_assert_uint_eq(t->count, 4);
	expect_part(&t->part[0], 1, "ntfs", 2048 * 512, 4096 * 512, true);
	expect_part(&t->part[1], 2, "ntfs", 6144 * 512, 1024 * 512, false);
	expect_part(&t->part[2], 3, "linux", 8192 * 512, 2048 * 512, false);
	expect_part(&t->part[3], 4, "0x42", 12288 * 512, 100 * 512, false);
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(t->part[i].mbr_type, e[i].type);
		ck_assert_str_eq(t->part[i].name, "");
		for (int k = 0; k < 16; k++)
			ck_assert_uint_eq(t->part[i].gpt_type[k], 0);
	}
	expect_described(t, "1 ntfs at 1048576 (2097152 bytes), 2 ntfs at 3145728 (524288 bytes), "
			 "3 linux at 4194304 (1048576 bytes), 4 0x42 at 6291456 (51200 bytes)");
	nl_partitions_free(&t);
	ck_assert_ptr_null(t);
	nl_partitions_free(&t);   /* NULL is fine */
	nl_partitions_free(NULL);
}
END_TEST

/* primary 1, an extended partition in slot 3 holding a chain of three
 * extended boot records; the last one points back into the chain */
START_TEST(test_mbr_extended)
{
	char p[4300];
	const uint32_t ext = 8192;
	const struct tu_mbr_entry mbr[3] = { { 0x07, 2048, 2048 }, { 0 }, { 0x0F, ext, 16384 } };
	const struct tu_mbr_entry ebr1[2] = { { 0x07, 63, 1000 }, { 0x05, 4096, 5000 } };
	const struct tu_mbr_entry ebr2[2] = { { 0x83, 63, 500 }, { 0x05, 8192, 100 } };
	const struct tu_mbr_entry ebr3[2] = { { 0x0B, 2048, 200 }, { 0x05, 4096, 100 } };
	struct nl_partition_table *t;

	disk(p, sizeof(p));
	ntfs_at(p, 2048 * 512);
	ntfs_at(p, (ext + 63) * 512ULL);
	ck_assert_int_eq(tu_write_mbr(p, ext * 512ULL, ebr1, 2), 0);
	ck_assert_int_eq(tu_write_mbr(p, (ext + 4096) * 512ULL, ebr2, 2), 0);
	ck_assert_int_eq(tu_write_mbr(p, (ext + 8192) * 512ULL, ebr3, 2), 0);
	ck_assert_int_eq(tu_write_mbr(p, 0, mbr, 3), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	ck_assert_uint_eq(t->count, 5);
	expect_part(&t->part[0], 1, "ntfs", 2048 * 512, 2048 * 512, true);
	expect_part(&t->part[1], 3, "extended", ext * 512ULL, 16384 * 512, false);
	ck_assert_uint_eq(t->part[1].mbr_type, 0x0F);
	/* logical partitions: numbered from 5, each relative to its own EBR */
	expect_part(&t->part[2], 5, "ntfs", (ext + 63) * 512ULL, 1000 * 512, true);
	expect_part(&t->part[3], 6, "linux", (ext + 4096 + 63) * 512ULL, 500 * 512, false);
	expect_part(&t->part[4], 7, "fat32", (ext + 8192 + 2048) * 512ULL, 200 * 512, false);
	nl_partitions_free(&t);

	/* an extended partition whose first EBR has no signature holds nothing */
	ck_assert_int_eq(tu_write_zeros(p, DISK_SIZE), 0);
	ck_assert_int_eq(tu_write_mbr(p, 0, mbr, 3), 0);
	t = read_table(p);
	ck_assert_uint_eq(t->count, 2);
	ck_assert_str_eq(t->part[1].type, "extended");
	nl_partitions_free(&t);
}
END_TEST

/* 4Kn: the LBAs are in 4096-byte units when that is where NTFS is found */
START_TEST(test_mbr_4k_sectors)
{
	char p[4300];
	static const struct tu_mbr_entry e[2] = { { 0x07, 256, 1024 }, { 0x83, 2048, 10 } };
	struct nl_partition_table *t;

	disk(p, sizeof(p));
	ntfs_at(p, 256 * 4096);
	ck_assert_int_eq(tu_write_mbr(p, 0, e, 2), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	ck_assert_uint_eq(t->sector_size, 4096);
	ck_assert_uint_eq(t->count, 2);
	expect_part(&t->part[0], 1, "ntfs", 256 * 4096, 1024 * 4096, true);
	expect_part(&t->part[1], 2, "linux", 2048 * 4096, 10 * 4096, false);
	nl_partitions_free(&t);

	/* NTFS under 512-byte units as well: 512 wins */
	ntfs_at(p, 256 * 512);
	t = read_table(p);
	ck_assert_uint_eq(t->sector_size, 512);
	expect_part(&t->part[0], 1, "ntfs", 256 * 512, 1024 * 512, true);
	nl_partitions_free(&t);
}
END_TEST

/* ---- GPT ------------------------------------------------------------------------ */

static const uint8_t guid_basic[16] = TU_GUID_BASIC, guid_efi[16] = TU_GUID_EFI,
		     guid_linux[16] = TU_GUID_LINUX;
static const uint8_t guid_other[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

START_TEST(test_gpt)
{
	char p[4300];
	struct tu_gpt_entry e[7] = {
		{ TU_GUID_EFI, 2048, 4095, "EFI system partition" },
		{ TU_GUID_BASIC, 4096, 12287, "Basic data partition" },   /* NTFS */
		{ { 0 }, 12288, 12300, "unused" },                        /* no type: skipped */
		{ TU_GUID_LINUX, 12288, 14335, "root" },
		{ { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, 14336, 14336,
		  "\xe9t\xe9" },                                          /* Latin-1 units */
		{ TU_GUID_BASIC, 16384, 18431, "a name of forty characters, cut at 36" },
		{ TU_GUID_LINUX, 20000, 19999, "last before first" },     /* skipped */
	};
	struct nl_partition_table *t;

	disk(p, sizeof(p));
	ntfs_at(p, 4096 * 512);
	ck_assert_int_eq(tu_write_gpt(p, e, 7), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_GPT);
	ck_assert_uint_eq(t->sector_size, 512);
	ck_assert_uint_eq(t->disk_size, DISK_SIZE);
	ck_assert_uint_eq(t->count, 5);
	expect_part(&t->part[0], 1, "efi", 2048 * 512, 2048 * 512, false);
	expect_part(&t->part[1], 2, "ntfs", 4096 * 512, 8192 * 512, true);
	expect_part(&t->part[2], 4, "linux", 12288 * 512, 2048 * 512, false);
	expect_part(&t->part[3], 5, "other", 14336 * 512, 512, false);
	expect_part(&t->part[4], 6, "basic-data", 16384 * 512, 2048 * 512, false);
	ck_assert_str_eq(t->part[0].name, "EFI system partition");
	ck_assert_str_eq(t->part[1].name, "Basic data partition");
	ck_assert_str_eq(t->part[2].name, "root");
	ck_assert_str_eq(t->part[3].name, "\xc3\xa9t\xc3\xa9");   /* "été" in UTF-8 */
	ck_assert_str_eq(t->part[4].name, "a name of forty characters, cut at 3");
	ck_assert_int_eq(memcmp(t->part[0].gpt_type, guid_efi, 16), 0);
	ck_assert_int_eq(memcmp(t->part[1].gpt_type, guid_basic, 16), 0);
	ck_assert_int_eq(memcmp(t->part[2].gpt_type, guid_linux, 16), 0);
	ck_assert_int_eq(memcmp(t->part[3].gpt_type, guid_other, 16), 0);
	for (size_t i = 0; i < t->count; i++)
		ck_assert_uint_eq(t->part[i].mbr_type, 0);
	nl_partitions_free(&t);
}
END_TEST

START_TEST(test_gpt_4k_sectors)
{
	char p[4300];
	struct tu_gpt_entry e[2] = {
		{ TU_GUID_EFI, 6, 255, "EFI" },
		{ TU_GUID_BASIC, 256, 1279, "data" },
	};
	struct nl_partition_table *t;

	disk(p, sizeof(p));
	ntfs_at(p, 256 * 4096);
	ck_assert_int_eq(tu_write_gpt_ss(p, 4096, e, 2), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_GPT);
	ck_assert_uint_eq(t->sector_size, 4096);
	ck_assert_uint_eq(t->count, 2);
	expect_part(&t->part[0], 1, "efi", 6 * 4096, 250 * 4096, false);
	expect_part(&t->part[1], 2, "ntfs", 256 * 4096, 1024 * 4096, true);
	ck_assert_str_eq(t->part[1].name, "data");
	nl_partitions_free(&t);
}
END_TEST

/* a disk that ends inside the entry array: the entries past the end are empty */
START_TEST(test_gpt_truncated)
{
	char p[4300];
	struct tu_gpt_entry e[3] = {
		{ TU_GUID_BASIC, 40, 99, "one" },
		{ TU_GUID_LINUX, 100, 199, "two" },
		{ TU_GUID_LINUX, 200, 299, "three" },
	};
	struct nl_partition_table *t;

	disk(p, sizeof(p));
	ck_assert_int_eq(tu_write_gpt(p, e, 3), 0);
	ck_assert_int_eq(truncate(p, 1024 + 2 * 128), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_GPT);
	ck_assert_uint_eq(t->disk_size, 1024 + 2 * 128);
	ck_assert_uint_eq(t->count, 2);
	expect_part(&t->part[0], 1, "basic-data", 40 * 512, 60 * 512, false);
	expect_part(&t->part[1], 2, "linux", 100 * 512, 100 * 512, false);
	nl_partitions_free(&t);
}
END_TEST

/* ---- no table, broken tables ------------------------------------------------------ */

static void expect_none(const char *path, uint64_t disk_size)
{
	struct nl_partition_table *t = read_table(path);

	ck_assert_int_eq(t->scheme, NL_PT_NONE);
	ck_assert_uint_eq(t->count, 0);
	ck_assert_uint_eq(t->sector_size, 512);
	ck_assert_uint_eq(t->disk_size, disk_size);
	expect_described(t, "none");
	nl_partitions_free(&t);
}

START_TEST(test_no_table)
{
	char p[4300];
	uint8_t s[512];
	static const struct tu_mbr_entry one = { 0x07, 2048, 4096 }, zero_count = { 0x07, 2048, 0 };

	disk(p, sizeof(p));
	expect_none(p, DISK_SIZE);                         /* zeros */
	ck_assert_int_eq(tu_write_zeros(p, 100), 0);
	expect_none(p, 100);                               /* shorter than a sector */
	ck_assert_int_eq(tu_write_zeros(p, 0), 0);
	expect_none(p, 0);
	disk(p, sizeof(p));
	ntfs_at(p, 0);
	expect_none(p, DISK_SIZE);                         /* a bare volume */

	/* signature and entries, but implausible */
	disk(p, sizeof(p));
	ck_assert_int_eq(tu_write_mbr(p, 0, &one, 1), 0);
	s[0] = 0x12;                                       /* boot indicator neither 0 nor 0x80 */
	ck_assert_int_eq(tu_write_at(p, 0x1BE, s, 1), 0);
	expect_none(p, DISK_SIZE);
	ck_assert_int_eq(tu_write_mbr(p, 0, &zero_count, 1), 0);
	expect_none(p, DISK_SIZE);
	ck_assert_int_eq(tu_write_mbr(p, 0, NULL, 0), 0);  /* no entry at all */
	expect_none(p, DISK_SIZE);
	ck_assert_int_eq(tu_write_mbr(p, 0, &one, 1), 0);
	s[0] = 0x55;
	s[1] = 0xAB;                                       /* no 55 AA */
	ck_assert_int_eq(tu_write_at(p, 510, s, 2), 0);
	expect_none(p, DISK_SIZE);
}
END_TEST

/* a protective MBR without a usable GPT is read as the MBR it is */
START_TEST(test_broken_gpt)
{
	char p[4300];
	uint8_t v[4];
	struct tu_gpt_entry e = { TU_GUID_BASIC, 40, 99, "one" };
	static const struct tu_mbr_entry pm = { 0xEE, 1, 0xFFFFFFFF };
	struct nl_partition_table *t;

	disk(p, sizeof(p));
	ck_assert_int_eq(tu_write_mbr(p, 0, &pm, 1), 0);   /* no "EFI PART" header */
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	ck_assert_uint_eq(t->count, 1);
	expect_part(&t->part[0], 1, "gpt-protective", 512, 0xFFFFFFFFULL * 512, false);
	nl_partitions_free(&t);

	/* entry size 100: not a multiple of 8 */
	ck_assert_int_eq(tu_write_gpt(p, &e, 1), 0);
	tu_put32(v, 100);
	ck_assert_int_eq(tu_write_at(p, 512 + 0x54, v, 4), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	ck_assert_uint_eq(t->count, 1);
	ck_assert_str_eq(t->part[0].type, "gpt-protective");
	nl_partitions_free(&t);

	/* the entries claimed to start at LBA 1, over the header */
	ck_assert_int_eq(tu_write_gpt(p, &e, 1), 0);
	tu_put32(v, 1);
	ck_assert_int_eq(tu_write_at(p, 512 + 0x48, v, 4), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	nl_partitions_free(&t);

	/* the unchanged table reads as GPT */
	ck_assert_int_eq(tu_write_gpt(p, &e, 1), 0);
	t = read_table(p);
	ck_assert_int_eq(t->scheme, NL_PT_GPT);
	ck_assert_uint_eq(t->count, 1);
	nl_partitions_free(&t);
}
END_TEST

START_TEST(test_errors)
{
	char p[4300], err[NL_ERRMSG_SIZE] = "";
	struct nl_partition_table *t = (struct nl_partition_table *)&t;

	snprintf(p, sizeof(p), "%s/no-such-disk.img", tmpdir);
	ck_assert_int_eq(nl_partitions_read(p, &t, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(err, strerror(ENOENT));
	ck_assert_int_eq(nl_partitions_read(p, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(nl_partitions_read(p, &t, NULL, 0), -ENOENT);
}
END_TEST

static Suite *partition_suite(void)
{
	Suite *s = suite_create("partition");
	TCase *tc = tcase_create("partition");

	tcase_add_test(tc, test_mbr_primary);
	tcase_add_test(tc, test_mbr_extended);
	tcase_add_test(tc, test_mbr_4k_sectors);
	tcase_add_test(tc, test_gpt);
	tcase_add_test(tc, test_gpt_4k_sectors);
	tcase_add_test(tc, test_gpt_truncated);
	tcase_add_test(tc, test_no_table);
	tcase_add_test(tc, test_broken_gpt);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	if (!tu_mkdtemp(tmpdir, sizeof(tmpdir), "check_partition")) {
		perror("check_partition: mkdtemp");
		return 99;
	}
	rc = tu_run_suite(partition_suite());
	tu_rmtree(tmpdir);
	return rc;
}
