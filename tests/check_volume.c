/* check_volume.c: Check suite for opening volumes: images, offsets, MBR/GPT disks, raw $MFT files, corpus disks. */
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
#include <ntfs-3g/layout.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/record.h>
#include "image/device_int.h"
#include "image/volume_int.h"
#include "testutil.h"

static char tmpdir[4096];
static char base_img[4200];     /* 8 MiB mkntfs image */
static const uint64_t IMG_SIZE = 8ULL << 20;

static void global_setup(void)
{
	if (!tu_mkdtemp(tmpdir, sizeof(tmpdir), "check_volume")) {
		perror("mkdtemp");
		exit(EXIT_FAILURE);
	}
	snprintf(base_img, sizeof(base_img), "%s/base.img", tmpdir);
	if (tu_mkntfs(base_img, IMG_SIZE, NULL) != 0) {
		fprintf(stderr, "check_volume: mkntfs failed\n");
		tu_rmtree(tmpdir);
		exit(EXIT_FAILURE);
	}
}

START_TEST(test_plain_image)
{
	nl_volume *v = NULL;
	char err[NL_ERRMSG_SIZE];
	struct nl_volume_info info;
	char hash_before[65], hash_after[65];
	uint8_t rec[1024];
	size_t ulen = 0;

	ck_assert_int_eq(tu_sha256_file(base_img, hash_before), 0);
	ck_assert_int_eq(nl_volume_open(base_img, NULL, &v, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(nl_volume_get_info(v, &info), 0);
	ck_assert_int_eq(info.kind, NL_VOLUME_NTFS);
	ck_assert_str_eq(info.path, base_img);
	ck_assert_uint_eq(info.offset, 0);
	ck_assert_uint_eq(info.partition, 0);
	ck_assert_uint_eq(info.record_size, 1024);
	ck_assert_uint_eq(info.cluster_size, 4096);
	ck_assert_uint_eq(info.sector_size, 512);
	ck_assert_uint_eq(info.major_ver, 3);
	ck_assert_uint_eq(info.minor_ver, 1);
	ck_assert(!info.dirty);
	ck_assert_uint_ge(info.mft_records, 16);
	ck_assert_uint_eq(nl_volume_record_count(v), info.mft_records);
	ck_assert(!nl_volume_is_raw_mft(v));
	ck_assert_ptr_nonnull(nl_volume_ntfs(v));
	ck_assert_str_eq(nl_volume_source(v), base_img);
	ck_assert_ptr_nonnull(nl_volume_upcase(v, &ulen));
	ck_assert_uint_eq(ulen, 65536);
	ck_assert_int_eq(nl_volume_read_record(v, 5, rec), 0);
	ck_assert_mem_eq(rec, "FILE", 4);
	ck_assert_int_eq(nl_record_fixup(rec, sizeof(rec), NULL), 0);
	ck_assert_int_eq(nl_volume_read_record(v, info.mft_records, rec), -ENOENT);
	nl_volume_close(&v);
	ck_assert_ptr_null(v);
	nl_volume_close(&v); /* NULL is fine */
	ck_assert_int_eq(tu_sha256_file(base_img, hash_after), 0);
	ck_assert_str_eq(hash_before, hash_after);
}
END_TEST

START_TEST(test_errors)
{
	nl_volume *v = (nl_volume *)1;
	char err[NL_ERRMSG_SIZE], p[4300];

	snprintf(p, sizeof(p), "%s/nonexistent", tmpdir);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(err, "No such file or directory");

	/* zeros: neither ntfs, nor a partition table, nor a raw $MFT */
	snprintf(p, sizeof(p), "%s/zeros.img", tmpdir);
	ck_assert_int_eq(tu_write_zeros(p, 1 << 20), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "not an ntfs volume (bad oem id), no partition table, not a raw $MFT");

	/* a partition number on an image without a table */
	snprintf(p, sizeof(p), "%s@1", base_img);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "no partition table, so no partition 1");

	/* a bad offset */
	struct nl_open_options o = { .has_offset = true, .offset = 4096 };

	ck_assert_int_eq(nl_volume_open(base_img, &o, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "no ntfs boot sector at offset 4096: bad oem id");

	/* tiny file */
	snprintf(p, sizeof(p), "%s/tiny.img", tmpdir);
	ck_assert_int_eq(tu_write_zeros(p, 100), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "too small to hold an ntfs volume (100 bytes)");

	/* an NTFS boot sector with a broken $MFT location: refused before mounting */
	snprintf(p, sizeof(p), "%s/badmft.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(base_img, p, 0), 0);
	{
		int fd = open(p, O_RDWR);
		uint8_t lcn[8] = { 0xF0, 0xFF, 0xFF, 0x0F, 0, 0, 0, 0 };

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(pwrite(fd, lcn, 8, 0x30), 8); /* $MFT LCN far outside */
		ck_assert_int_eq(pwrite(fd, lcn, 8, 0x38), 8); /* and $MFTMirr */
		close(fd);
	}
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(err, "damaged ntfs volume at offset 0: "
			 "$MFT or $MFTMirr starts past the end of the volume");
}
END_TEST

START_TEST(test_offset)
{
	char p[4300], err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	struct nl_open_options o = { .has_offset = true, .offset = 3 << 20 };
	char h1[65], h2[65];

	snprintf(p, sizeof(p), "%s/offset.img", tmpdir);
	ck_assert_int_eq(tu_write_zeros(p, 3 << 20), 0);
	ck_assert_int_eq(tu_copy_file(base_img, p, 3 << 20), 0);
	ck_assert_int_eq(tu_sha256_file(p, h1), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(nl_volume_open(p, &o, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.offset, 3 << 20);
	ck_assert_uint_eq(info.size, IMG_SIZE - 4096); /* the last sector holds the backup boot sector */
	ck_assert_uint_ge(info.mft_records, 16);
	nl_volume_close(&v);
	ck_assert_int_eq(tu_sha256_file(p, h2), 0);
	ck_assert_str_eq(h1, h2);
}
END_TEST

/* mbr_disk: 1 MiB MBR gap, then the base image as partition 1 (type 0x07),
 * optionally a second copy (partition 2) and an extended partition holding a
 * linux partition (5) and a third ntfs copy (6). */
static void mbr_disk(const char *p, int ntfs_copies, bool extended)
{
	uint64_t sect = IMG_SIZE / 512;
	struct tu_mbr_entry e[4] = { { 0 } };

	ck_assert_int_eq(tu_write_zeros(p, 1 << 20), 0);
	e[0] = (struct tu_mbr_entry){ 0x07, 2048, (uint32_t)sect };
	ck_assert_int_eq(tu_copy_file(base_img, p, 1 << 20), 0);
	if (ntfs_copies > 1) {
		e[1] = (struct tu_mbr_entry){ 0x07, (uint32_t)(2048 + sect), (uint32_t)sect };
		ck_assert_int_eq(tu_copy_file(base_img, p, (1 << 20) + IMG_SIZE), 0);
	}
	if (extended) {
		/* extended container after the primaries: EBR1 -> linux (1 MiB), EBR2 -> ntfs */
		uint32_t ext = (uint32_t)(2048 + 2 * sect);
		uint32_t ebr2 = 2048 + 2048; /* relative to ext */

		e[2] = (struct tu_mbr_entry){ 0x0F, ext, 2048 + 2048 + 2048 + (uint32_t)sect };
		struct tu_mbr_entry l1[2] = { { 0x83, 2048, 2048 }, { 0x05, ebr2, 2048 + (uint32_t)sect } };
		struct tu_mbr_entry l2[2] = { { 0x07, 2048, (uint32_t)sect }, { 0, 0, 0 } };

		ck_assert_int_eq(tu_write_mbr(p, (uint64_t)ext * 512, l1, 2), 0);
		ck_assert_int_eq(tu_write_mbr(p, (uint64_t)(ext + ebr2) * 512, l2, 2), 0);
		ck_assert_int_eq(tu_copy_file(base_img, p, (uint64_t)(ext + ebr2 + 2048) * 512), 0);
	}
	ck_assert_int_eq(tu_write_mbr(p, 0, e, 4), 0);
}

START_TEST(test_mbr_single)
{
	char p[4300], err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	char h1[65], h2[65];

	snprintf(p, sizeof(p), "%s/mbr1.img", tmpdir);
	mbr_disk(p, 1, false);
	ck_assert_int_eq(tu_sha256_file(p, h1), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.partition, 1);
	ck_assert_uint_eq(info.offset, 1 << 20);
	ck_assert_uint_eq(info.record_size, 1024);
	nl_volume_close(&v);
	ck_assert_int_eq(tu_sha256_file(p, h2), 0);
	ck_assert_str_eq(h1, h2);
}
END_TEST

START_TEST(test_mbr_several)
{
	char p[4300], spec[4400], err[NL_ERRMSG_SIZE], want[1024];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	struct nl_partition_table *t = NULL;
	uint64_t ext = (2048 + 2 * (IMG_SIZE / 512)) * 512;

	snprintf(p, sizeof(p), "%s/mbr3.img", tmpdir);
	mbr_disk(p, 2, true);
	ck_assert_int_eq(nl_partitions_read(p, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	ck_assert_uint_eq(t->count, 5);
	ck_assert_uint_eq(t->part[0].number, 1);
	ck_assert_str_eq(t->part[0].type, "ntfs");
	ck_assert(t->part[0].is_ntfs);
	ck_assert_uint_eq(t->part[1].number, 2);
	ck_assert_uint_eq(t->part[1].offset, (1 << 20) + IMG_SIZE);
	ck_assert_uint_eq(t->part[2].number, 3);
	ck_assert_str_eq(t->part[2].type, "extended");
	ck_assert(!t->part[2].is_ntfs);
	ck_assert_uint_eq(t->part[3].number, 5);
	ck_assert_str_eq(t->part[3].type, "linux");
	ck_assert_uint_eq(t->part[3].offset, ext + (1 << 20));
	ck_assert_uint_eq(t->part[3].size, 1 << 20);
	ck_assert_uint_eq(t->part[4].number, 6);
	ck_assert_str_eq(t->part[4].type, "ntfs");
	ck_assert_uint_eq(t->part[4].offset, ext + (4096 + 2048) * 512ULL);
	ck_assert_uint_eq(t->part[4].size, IMG_SIZE);
	nl_partitions_free(&t);
	ck_assert_ptr_null(t);

	snprintf(want, sizeof(want),
		 "3 ntfs partitions, pick one with IMAGE@N; partitions: "
		 "1 ntfs at 1048576 (8388608 bytes), 2 ntfs at 9437184 (8388608 bytes), "
		 "3 extended at 17825792 (11534336 bytes), 5 linux at 18874368 (1048576 bytes), "
		 "6 ntfs at 20971520 (8388608 bytes)");
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, want);

	snprintf(spec, sizeof(spec), "%s@4", p);
	ck_assert_int_eq(nl_volume_open(spec, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strncmp(err, "no partition 4; partitions: 1 ntfs at 1048576", 45) == 0, "%s", err);
	snprintf(spec, sizeof(spec), "%s@5", p);
	ck_assert_int_eq(nl_volume_open(spec, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strncmp(err, "partition 5 is not ntfs; partitions: ", 37) == 0, "%s", err);

	snprintf(spec, sizeof(spec), "%s@2", p);
	ck_assert_int_eq(nl_volume_open(spec, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.partition, 2);
	ck_assert_uint_eq(info.offset, (1 << 20) + IMG_SIZE);
	nl_volume_close(&v);

	struct nl_open_options o = { .partition = 6 };

	ck_assert_int_eq(nl_volume_open(p, &o, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.partition, 6);
	ck_assert_uint_eq(info.offset, ext + (4096 + 2048) * 512ULL);
	ck_assert_str_eq(nl_volume_source(v), p);
	nl_volume_close(&v);
	/* @N and the option disagree */
	ck_assert_int_eq(nl_volume_open(spec, &o, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "partition 2 given twice, as @2 and 6");
}
END_TEST

START_TEST(test_gpt)
{
	char p[4300], spec[4400], err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	struct nl_partition_table *t = NULL;
	uint64_t sect = IMG_SIZE / 512;
	struct tu_gpt_entry ents[3] = {
		{ TU_GUID_EFI, 2048, 4095, "EFI system partition" },
		{ TU_GUID_BASIC, 4096, 4096 + sect - 1, "Basic data partition" },
		{ TU_GUID_LINUX, 4096 + sect, 4096 + sect + 2047, "" },
	};
	char h1[65], h2[65];

	snprintf(p, sizeof(p), "%s/gpt.img", tmpdir);
	ck_assert_int_eq(tu_write_zeros(p, (4096 + sect + 2048 + 64) * 512), 0);
	ck_assert_int_eq(tu_copy_file(base_img, p, 4096 * 512), 0);
	ck_assert_int_eq(tu_write_gpt(p, ents, 3), 0);
	ck_assert_int_eq(nl_partitions_read(p, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(t->scheme, NL_PT_GPT);
	ck_assert_uint_eq(t->count, 3);
	ck_assert_str_eq(t->part[0].type, "efi");
	ck_assert_str_eq(t->part[0].name, "EFI system partition");
	ck_assert_uint_eq(t->part[0].offset, 2048 * 512);
	ck_assert_uint_eq(t->part[0].size, 2048 * 512);
	ck_assert_str_eq(t->part[1].type, "ntfs");
	ck_assert(t->part[1].is_ntfs);
	ck_assert_str_eq(t->part[1].name, "Basic data partition");
	ck_assert_uint_eq(t->part[1].number, 2);
	ck_assert_str_eq(t->part[2].type, "linux");
	ck_assert_str_eq(t->part[2].name, "");
	nl_partitions_free(&t);

	ck_assert_int_eq(tu_sha256_file(p, h1), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.partition, 2);
	ck_assert_uint_eq(info.offset, 4096 * 512);
	nl_volume_close(&v);
	snprintf(spec, sizeof(spec), "%s@1", p);
	ck_assert_int_eq(nl_volume_open(spec, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "partition 1 is not ntfs; partitions: 1 efi at 1048576 (1048576 bytes), "
			      "2 ntfs at 2097152 (8388608 bytes), 3 linux at 10485760 (1048576 bytes)");
	ck_assert_int_eq(tu_sha256_file(p, h2), 0);
	ck_assert_str_eq(h1, h2);
}
END_TEST

START_TEST(test_raw_mft)
{
	char p[4300], cmd[20000], err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL, *full = NULL;
	struct nl_volume_info info, finfo;
	uint8_t rec[1024], rec2[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s/mft.raw", tmpdir);
	snprintf(cmd, sizeof(cmd), "ntfscat '%s' '$MFT' > '%s'", base_img, p);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	ck_assert(nl_volume_is_raw_mft(v));
	ck_assert_ptr_null(nl_volume_ntfs(v));
	nl_volume_get_info(v, &info);
	ck_assert_int_eq(info.kind, NL_VOLUME_RAW_MFT);
	ck_assert_uint_eq(info.record_size, 1024);
	ck_assert_uint_eq(info.mft_records, (uint64_t)st.st_size / 1024);
	ck_assert_uint_eq(info.major_ver, 3);
	ck_assert_uint_eq(info.minor_ver, 1);
	ck_assert_uint_eq(info.cluster_size, 0);
	ck_assert_ptr_nonnull(nl_volume_upcase(v, NULL));
	/* the same records as through the volume */
	ck_assert_int_eq(nl_volume_open(base_img, NULL, &full, err, sizeof(err)), 0);
	nl_volume_get_info(full, &finfo);
	ck_assert_uint_eq(finfo.mft_records, info.mft_records);
	for (uint64_t r = 0; r < info.mft_records; r++) {
		ck_assert_int_eq(nl_volume_read_record(v, r, rec), 0);
		ck_assert_int_eq(nl_volume_read_record(full, r, rec2), 0);
		/* ntfscat writes the records with their fixups applied */
		if (rec2[0] == 'F') {
			ck_assert_int_eq(nl_record_fixup(rec, 1024, NULL), 1);
			ck_assert_int_eq(nl_record_fixup(rec2, 1024, NULL), 0);
		}
		ck_assert_mem_eq(rec, rec2, 1024);
	}
	nl_volume_close(&full);
	nl_volume_close(&v);
	/* refused when only volumes are wanted */
	struct nl_open_options o = { .no_raw_mft = true };

	ck_assert_int_eq(nl_volume_open(p, &o, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "a raw $MFT file, not a volume");
}
END_TEST

START_TEST(test_4k_sectors)
{
	char p[4300], err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	struct nl_volume_info info;

	snprintf(p, sizeof(p), "%s/4k.img", tmpdir);
	ck_assert_int_eq(tu_mkntfs(p, 16ULL << 20, "-s 4096"), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.sector_size, 4096);
	ck_assert_uint_eq(info.record_size, 4096);
	nl_volume_close(&v);
}
END_TEST


/* a dirty volume with an active hibernation file still opens read-only, unchanged */
START_TEST(test_dirty_hibernated)
{
	char p[4300], err[NL_ERRMSG_SIZE], h1[65], h2[65];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	ntfs_volume *w = NULL;

	snprintf(p, sizeof(p), "%s/dirty.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(base_img, p, 0), 0);
	/* libntfs-3g 2022.10 leaks the root inode of this read-write session
	 * (plain ntfs_mount()/ntfs_umount() do the same): not ours to report */
	tu_lsan_off();
	ck_assert_int_eq(nl_device_mount(p, 0, 0, true, 0, &w), 0);
	{
		/* hiberfil.sys starting with "hibr": Windows is hibernated */
		ntfs_inode *root = ntfs_pathname_to_inode(w, NULL, "/"), *ni;
		ntfschar *u = NULL;
		int len = ntfs_mbstoucs("hiberfil.sys", &u);
		char data[4096];

		ck_assert_ptr_nonnull(root);
		ni = ntfs_create(root, const_cpu_to_le32(0), u, (u8)len, S_IFREG);
		ck_assert_ptr_nonnull(ni);
		free(u);
		memset(data, 0x5A, sizeof(data));
		memcpy(data, "hibr", 4);
		ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);

		ck_assert_ptr_nonnull(na);
		ck_assert_int_eq(ntfs_attr_pwrite(na, 0, sizeof(data), data), sizeof(data));
		ntfs_attr_close(na);
		ck_assert_int_eq(ntfs_inode_close(ni), 0);
		ck_assert_int_eq(ntfs_inode_close(root), 0);
	}
	ck_assert_int_eq(ntfs_volume_write_flags(w, VOLUME_IS_DIRTY), 0);
	ck_assert_int_eq(nl_device_umount(&w), 0);
	tu_lsan_on();
	/* libntfs-3g itself refuses it read-write */
	ck_assert_int_ne(nl_device_mount(p, 0, 0, true, 0, &w), 0);
	ck_assert_ptr_null(w);

	ck_assert_int_eq(tu_sha256_file(p, h1), 0);
	ck_assert_msg(nl_volume_open(p, NULL, &v, err, sizeof(err)) == 0, "%s", err);
	nl_volume_get_info(v, &info);
	ck_assert(info.dirty);
	nl_volume_close(&v);
	ck_assert_int_eq(tu_sha256_file(p, h2), 0);
	ck_assert_str_eq(h1, h2);
}
END_TEST

START_TEST(test_locate)
{
	char spec[4400], err[NL_ERRMSG_SIZE], *path = NULL;
	uint64_t off = 1, size = 1;
	unsigned part = 9;
	enum nl_volume_kind kind;

	snprintf(spec, sizeof(spec), "%s/mbrloc.img", tmpdir);
	mbr_disk(spec, 2, false);
	strcat(spec, "@2");
	ck_assert_int_eq(nl_volume_locate(spec, NULL, &path, &off, &size, &part, &kind, err, sizeof(err)), 0);
	ck_assert_uint_eq(off, (1 << 20) + IMG_SIZE);
	ck_assert_uint_eq(size, IMG_SIZE);
	ck_assert_uint_eq(part, 2);
	ck_assert_int_eq(kind, NL_VOLUME_NTFS);
	ck_assert_uint_eq(strlen(path), strlen(spec) - 2);
	free(path);
}
END_TEST

/* ---- the real disks of the corpus ------------------------------------------ */


START_TEST(test_corpus_win10)
{
	char p[4300], err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	struct nl_partition_table *t = NULL;

	snprintf(p, sizeof(p), "%s/win10.raw", tmpdir);
	ck_assert_int_eq(tu_corpus_unpack("win10-volume.raw.gz", p), 0);
	ck_assert_int_eq(nl_partitions_read(p, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(t->scheme, NL_PT_MBR);
	ck_assert_uint_eq(t->count, 1);
	ck_assert_uint_eq(t->part[0].offset, 128 * 512);
	ck_assert(t->part[0].is_ntfs);
	nl_partitions_free(&t);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.partition, 1);
	ck_assert_uint_eq(info.offset, 65536);
	ck_assert_uint_eq(info.record_size, 1024);
	ck_assert_uint_eq(info.major_ver, 3);
	ck_assert_uint_eq(info.minor_ver, 1);
	nl_volume_close(&v);
	unlink(p);
}
END_TEST

START_TEST(test_corpus_win2003)
{
	char dir[4300], cmd[20000], err[NL_ERRMSG_SIZE], p[4700];
	nl_volume *v = NULL;
	struct nl_volume_info info;

	snprintf(dir, sizeof(dir), "%s/w2003", tmpdir);
	ck_assert_int_eq(tu_corpus_unpack("winserver2003-disk.raw.tgz", dir), 0);
	ck_assert(tu_first_file(dir, p, sizeof(p)));
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_uint_eq(info.partition, 1);
	ck_assert_uint_eq(info.offset, 63 * 512);
	ck_assert_uint_eq(info.record_size, 1024);
	ck_assert_uint_eq(info.major_ver, 3);
	ck_assert_uint_eq(info.minor_ver, 1);
	nl_volume_close(&v);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_corpus_xp_mft)
{
	char p[4300], err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	struct stat st;

	snprintf(p, sizeof(p), "%s/xp.mft", tmpdir);
	ck_assert_int_eq(tu_corpus_unpack("winxp-system.mft.xz", p), 0);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &info);
	ck_assert_int_eq(info.kind, NL_VOLUME_RAW_MFT);
	ck_assert_uint_eq(info.record_size, 1024);
	ck_assert_uint_eq(info.mft_records, (uint64_t)st.st_size / 1024);
	ck_assert_uint_eq(info.major_ver, 3);
	ck_assert_uint_eq(info.minor_ver, 1);
	nl_volume_close(&v);
	unlink(p);
}
END_TEST

static Suite *volume_suite(void)
{
	Suite *s = suite_create("volume");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_plain_image);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_offset);
	tcase_add_test(tc, test_mbr_single);
	tcase_add_test(tc, test_mbr_several);
	tcase_add_test(tc, test_gpt);
	tcase_add_test(tc, test_raw_mft);
	tcase_add_test(tc, test_4k_sectors);
	tcase_add_test(tc, test_locate);
	tcase_add_test(tc, test_dirty_hibernated);
	suite_add_tcase(s, tc);

	TCase *cc = tcase_create("corpus");

	tcase_set_timeout(cc, 120);
	tu_add_corpus_test(cc, test_corpus_win10, "win10-volume.raw.gz", "check_volume");
	tu_add_corpus_test(cc, test_corpus_win2003, "winserver2003-disk.raw.tgz", "check_volume");
	tu_add_corpus_test(cc, test_corpus_xp_mft, "winxp-system.mft.xz", "check_volume");
	suite_add_tcase(s, cc);
	return s;
}

int main(void)
{
	int rc;

	global_setup();
	rc = tu_run_suite(volume_suite());
	tu_rmtree(tmpdir);
	return rc;
}
