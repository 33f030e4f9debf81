/* check_device.c: Check suite for byte sources (image/device.c): whole reads, sizes, the boot-sector check and the libntfs-3g device operations over a byte range of a file. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/volume.h>

#include "image/device_int.h"
#include "testutil.h"

#define FILE_SIZE 65536

static char tmpdir[4096], pattern_file[4200], ntfs_img[4200], ntfs_at_1m[4200];

/* byte @off of the pattern file */
static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + off / 256);
}

static int open_pattern(void)
{
	int fd = open(pattern_file, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* ---- whole reads and sizes ---------------------------------------------------------- */

START_TEST(test_pread_full)
{
	uint8_t buf[300];
	int fd = open_pattern();

	ck_assert_int_eq(nl_pread_full(fd, buf, 256, 1000), 256);
	for (int i = 0; i < 256; i++)
		ck_assert_uint_eq(buf[i], pattern(1000 + (uint64_t)i));
	ck_assert_int_eq(nl_pread_full(fd, buf, 0, 0), 0);
	close(fd);
}
END_TEST

/* a read that crosses the end: the bytes read, the rest zero-filled */
START_TEST(test_pread_short_and_past_end)
{
	uint8_t buf[300];
	int fd = open_pattern();

	memset(buf, 0xAA, sizeof(buf));
	ck_assert_int_eq(nl_pread_full(fd, buf, 300, FILE_SIZE - 100), 100);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(buf[i], pattern(FILE_SIZE - 100 + (uint64_t)i));
	for (int i = 100; i < 300; i++)
		ck_assert_uint_eq(buf[i], 0);
	memset(buf, 0xAA, sizeof(buf));
	ck_assert_int_eq(nl_pread_full(fd, buf, 300, FILE_SIZE), 0);
	ck_assert_int_eq(nl_pread_full(fd, buf, 300, FILE_SIZE * 4ULL), 0);
	for (int i = 0; i < 300; i++)
		ck_assert_uint_eq(buf[i], 0);
	close(fd);
	ck_assert_int_eq(nl_pread_full(fd, buf, 10, 0), -EBADF);
}
END_TEST

START_TEST(test_fd_size)
{
	char p[4300];
	uint64_t size = 1;
	int fd = open_pattern();

	ck_assert_int_eq(nl_fd_size(fd, &size), 0);
	ck_assert_uint_eq(size, FILE_SIZE);
	close(fd);
	ck_assert_int_eq(nl_fd_size(fd, &size), -EBADF);
	/* a sparse file: its logical size */
	snprintf(p, sizeof(p), "%s/sparse", tmpdir);
	ck_assert_int_eq(tu_write_zeros(p, 5ULL << 30), 0);
	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(nl_fd_size(fd, &size), 0);
	ck_assert_uint_eq(size, 5ULL << 30);
	close(fd);
	unlink(p);
}
END_TEST

/* ---- the boot-sector check ------------------------------------------------------------ */

START_TEST(test_boot_sector_check)
{
	uint8_t bs[512];
	static const struct { unsigned off; uint8_t val; const char *why; } bad[] = {
		{ 3, 'X', "bad oem id" },
		{ 0x0C, 0x00, "bad bytes per sector" },          /* 0 */
		{ 0x0C, 0x03, "bad bytes per sector" },          /* 768: not a power of two */
		{ 0x0C, 0x20, "bad bytes per sector" },          /* 8192 */
		{ 0x0D, 0, "bad sectors per cluster" },
		{ 0x0D, 3, "bad sectors per cluster" },
		{ 0x0D, 0x81, "bad sectors per cluster" },       /* negative exponents start at 0xF4 */
		{ 0x40, 0, "bad mft record size" },
		{ 0x40, 3, "bad mft record size" },              /* 3 clusters */
		{ 0x40, 0xF9, "bad mft record size" },           /* 2^7 bytes */
		{ 0x40, 0xE0, "bad mft record size" },           /* 2^32 bytes */
	};
	static const struct { unsigned off; uint8_t val; } good[] = {
		{ 0x0C, 0x01 },                                  /* 256 bytes per sector */
		{ 0x0C, 0x10 },                                  /* 4096 */
		{ 0x0D, 1 }, { 0x0D, 0x80 }, { 0x0D, 0xF4 }, { 0x0D, 0xFF },
		{ 0x40, 1 }, { 0x40, 2 }, { 0x40, 0xF8 }, { 0x40, 0xE1 },
	};

	tu_boot_sector(bs, 512);
	ck_assert_ptr_null(nl_boot_sector_check(bs));
	tu_boot_sector(bs, 4096);
	ck_assert_ptr_null(nl_boot_sector_check(bs));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tu_boot_sector(bs, 512);
		bs[bad[i].off] = bad[i].val;
		ck_assert_msg(nl_boot_sector_check(bs) && !strcmp(nl_boot_sector_check(bs), bad[i].why),
			      "byte 0x%x = 0x%02x: want \"%s\"", bad[i].off, bad[i].val, bad[i].why);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		tu_boot_sector(bs, 512);
		bs[good[i].off] = good[i].val;
		ck_assert_msg(nl_boot_sector_check(bs) == NULL, "byte 0x%x = 0x%02x: %s", good[i].off,
			      good[i].val, nl_boot_sector_check(bs));
	}
}
END_TEST

/* ---- the device operations over a byte range --------------------------------------------- */

static struct ntfs_device *open_dev(const char *path, uint64_t offset, uint64_t size, bool rw,
				    int flags)
{
	struct ntfs_device *dev = nl_device_new(path, offset, size, rw);

	ck_assert_ptr_nonnull(dev);
	ck_assert_str_eq(dev->d_name, path);
	ck_assert_int_eq(dev->d_ops->open(dev, flags), 0);
	ck_assert(NDevOpen(dev));
	return dev;
}

static void close_dev(struct ntfs_device *dev)
{
	ck_assert_int_eq(dev->d_ops->close(dev), 0);
	ck_assert(!NDevOpen(dev));
	errno = 0;
	ck_assert_int_eq(dev->d_ops->close(dev), -1);
	ck_assert_int_eq(errno, EBADF);
	ntfs_device_free(dev);
}

static void expect_pattern(const uint8_t *buf, size_t len, uint64_t file_off)
{
	for (size_t i = 0; i < len; i++)
		ck_assert_msg(buf[i] == pattern(file_off + i), "byte %zu of a read at %llu", i,
			      (unsigned long long)file_off);
}

START_TEST(test_device_new_refuses)
{
	errno = 0;
	ck_assert_ptr_null(nl_device_new(NULL, 0, 0, false));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(nl_device_new(pattern_file, (uint64_t)LLONG_MAX + 1, 0, false));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(nl_device_new(pattern_file, 4096, (uint64_t)LLONG_MAX, false));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* reads at offsets inside [4096, 4096 + 8192) of the file, clipped at its end */
START_TEST(test_device_reads)
{
	struct ntfs_device *dev = open_dev(pattern_file, 4096, 8192, false, O_RDONLY);
	const struct ntfs_device_operations *ops = dev->d_ops;
	uint8_t buf[64];
	struct stat st;
	uint64_t size64 = 0;
	unsigned long sectors = 0;
	int ssz = 0;

	ck_assert(NDevReadOnly(dev));
	ck_assert_int_eq(ops->pread(dev, buf, 16, 0), 16);
	expect_pattern(buf, 16, 4096);
	ck_assert_int_eq(ops->pread(dev, buf, 64, 1000), 64);
	expect_pattern(buf, 64, 4096 + 1000);
	ck_assert_int_eq(ops->pread(dev, buf, 16, 8190), 2);      /* clipped to the range */
	expect_pattern(buf, 2, 4096 + 8190);
	ck_assert_int_eq(ops->pread(dev, buf, 16, 8192), 0);      /* at the end */
	ck_assert_int_eq(ops->pread(dev, buf, 16, 1 << 20), 0);
	errno = 0;
	ck_assert_int_eq(ops->pread(dev, buf, 16, -1), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* seek and read move the position */
	ck_assert_int_eq(ops->seek(dev, 100, SEEK_SET), 100);
	ck_assert_int_eq(ops->read(dev, buf, 10), 10);
	expect_pattern(buf, 10, 4096 + 100);
	ck_assert_int_eq(ops->seek(dev, 5, SEEK_CUR), 115);
	ck_assert_int_eq(ops->read(dev, buf, 4), 4);
	expect_pattern(buf, 4, 4096 + 115);
	ck_assert_int_eq(ops->seek(dev, -8, SEEK_END), 8184);
	ck_assert_int_eq(ops->read(dev, buf, 64), 8);
	expect_pattern(buf, 8, 4096 + 8184);
	ck_assert_int_eq(ops->read(dev, buf, 64), 0);
	errno = 0;
	ck_assert_int_eq(ops->seek(dev, -1, SEEK_SET), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ops->seek(dev, 0, 99), -1);

	/* the volume looks like a regular file of the range's size */
	ck_assert_int_eq(ops->stat(dev, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, 8192);
	ck_assert_int_eq(ops->ioctl(dev, BLKGETSIZE64, &size64), 0);
	ck_assert_uint_eq(size64, 8192);
	ck_assert_int_eq(ops->ioctl(dev, BLKGETSIZE, &sectors), 0);
	ck_assert_uint_eq(sectors, 16);
	ck_assert_int_eq(ops->ioctl(dev, BLKSSZGET, &ssz), 0);
	ck_assert_int_eq(ssz, 512);
	errno = 0;
	ck_assert_int_eq(ops->ioctl(dev, BLKFLSBUF, NULL), -1);
	ck_assert_int_eq(errno, ENOTTY);

	/* read-only: every write refused */
	errno = 0;
	ck_assert_int_eq(ops->pwrite(dev, buf, 4, 0), -1);
	ck_assert_int_eq(errno, EROFS);
	errno = 0;
	ck_assert_int_eq(ops->write(dev, buf, 4), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(ops->sync(dev), 0);
	/* opened twice */
	errno = 0;
	ck_assert_int_eq(ops->open(dev, O_RDONLY), -1);
	ck_assert_int_eq(errno, EBUSY);
	close_dev(dev);
}
END_TEST

START_TEST(test_device_ranges)
{
	struct ntfs_device *dev;
	uint8_t buf[16];
	uint64_t size64 = 0;

	/* size 0: to the end of the file */
	dev = open_dev(pattern_file, 60000, 0, false, O_RDONLY);
	ck_assert_int_eq(dev->d_ops->ioctl(dev, BLKGETSIZE64, &size64), 0);
	ck_assert_uint_eq(size64, FILE_SIZE - 60000);
	ck_assert_int_eq(dev->d_ops->pread(dev, buf, 16, FILE_SIZE - 60000 - 4), 4);
	expect_pattern(buf, 4, FILE_SIZE - 4);
	close_dev(dev);
	/* a range past the end of the file: cut at the end */
	dev = open_dev(pattern_file, FILE_SIZE - 1000, 1 << 20, false, O_RDONLY);
	ck_assert_int_eq(dev->d_ops->ioctl(dev, BLKGETSIZE64, &size64), 0);
	ck_assert_uint_eq(size64, 1000);
	close_dev(dev);
	/* starting past the end of the file: the open fails */
	dev = nl_device_new(pattern_file, FILE_SIZE + 1, 0, false);
	ck_assert_ptr_nonnull(dev);
	errno = 0;
	ck_assert_int_eq(dev->d_ops->open(dev, O_RDONLY), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(!NDevOpen(dev));
	ntfs_device_free(dev);
	/* a read-only device refuses to be opened for writing */
	dev = nl_device_new(pattern_file, 0, 0, false);
	errno = 0;
	ck_assert_int_eq(dev->d_ops->open(dev, O_RDWR), -1);
	ck_assert_int_eq(errno, EROFS);
	ntfs_device_free(dev);
	/* a file that does not exist */
	dev = nl_device_new("/nonexistent/disk.img", 0, 0, false);
	errno = 0;
	ck_assert_int_eq(dev->d_ops->open(dev, O_RDONLY), -1);
	ck_assert_int_eq(errno, ENOENT);
	ntfs_device_free(dev);
}
END_TEST

/* stand-ins (nl_dev_patch) are read in place of the source, and where the
 * source ends before one, the read goes on through it */
START_TEST(test_device_patches)
{
	const uint64_t size = FILE_SIZE - 4096;  /* the device: [4096, end of file) */
	uint8_t a[100], b[300], buf[512];
	const struct nl_dev_patch p[2] = { { 100, sizeof(a), a }, { size - 100, sizeof(b), b } };
	struct nl_bytesource *src = NULL;
	struct ntfs_device *dev;

	memset(a, 0xA1, sizeof(a));
	memset(b, 0xB2, sizeof(b));
	ck_assert_int_eq(nl_bytesource_open(pattern_file, NL_FORMAT_RAW, &src, NULL, 0), 0);
	dev = nl_device_new_source(src, 4096, 0, p, 2);
	ck_assert_ptr_nonnull(dev);
	memset(a, 0, sizeof(a));  /* the device keeps its own copy */
	ck_assert_int_eq(dev->d_ops->open(dev, O_RDONLY), 0);
	/* across the start of the first */
	ck_assert_int_eq(dev->d_ops->pread(dev, buf, 16, 90), 16);
	expect_pattern(buf, 10, 4096 + 90);
	for (int i = 10; i < 16; i++)
		ck_assert_uint_eq(buf[i], 0xA1);
	/* across the end of the source into the second: 100 bytes of the file,
	 * then all 300 of the stand-in, 200 of them past the end */
	ck_assert_int_eq(dev->d_ops->pread(dev, buf, sizeof(buf), (s64)size - 200), 400);
	expect_pattern(buf, 100, 4096 + size - 200);
	for (int i = 100; i < 400; i++)
		ck_assert_uint_eq(buf[i], 0xB2);
	/* inside the stand-in past the end; past it, nothing */
	ck_assert_int_eq(dev->d_ops->pread(dev, buf, 16, (s64)size + 190), 10);
	ck_assert_uint_eq(buf[9], 0xB2);
	ck_assert_int_eq(dev->d_ops->pread(dev, buf, 16, (s64)size + 200), 0);
	close_dev(dev);
	nl_bytesource_close(&src);
}
END_TEST

/* a read-write device writes inside its range only */
START_TEST(test_device_writes)
{
	char p[4300];
	uint8_t buf[16], back[32];
	struct ntfs_device *dev;
	int fd;

	/* work on a copy of the pattern file */
	snprintf(p, sizeof(p), "%s/rw.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(pattern_file, p, 0), 0);
	memset(buf, 0x5A, sizeof(buf));
	dev = open_dev(p, 4096, 8192, true, O_RDWR);
	ck_assert(!NDevReadOnly(dev));
	ck_assert_int_eq(dev->d_ops->pwrite(dev, buf, 16, 100), 16);
	ck_assert(NDevDirty(dev));
	ck_assert_int_eq(dev->d_ops->pwrite(dev, buf, 16, 8192 - 4), 4);   /* clipped */
	errno = 0;
	ck_assert_int_eq(dev->d_ops->pwrite(dev, buf, 16, 8192), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(dev->d_ops->seek(dev, 200, SEEK_SET), 200);
	ck_assert_int_eq(dev->d_ops->write(dev, buf, 2), 2);
	ck_assert_int_eq(dev->d_ops->seek(dev, 0, SEEK_CUR), 202);
	ck_assert_int_eq(dev->d_ops->sync(dev), 0);
	ck_assert(!NDevDirty(dev));
	close_dev(dev);

	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(nl_pread_full(fd, back, 32, 4096 + 92), 32);
	expect_pattern(back, 8, 4096 + 92);
	for (int i = 8; i < 24; i++)
		ck_assert_uint_eq(back[i], 0x5A);
	expect_pattern(back + 24, 8, 4096 + 116);
	ck_assert_int_eq(nl_pread_full(fd, back, 8, 4096 + 8192 - 4), 8);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(back[i], 0x5A);
	expect_pattern(back + 4, 4, 4096 + 8192);                     /* past the range: unchanged */
	ck_assert_int_eq(nl_pread_full(fd, back, 3, 4096 + 199), 3);
	ck_assert_uint_eq(back[0], pattern(4096 + 199));
	ck_assert_uint_eq(back[1], 0x5A);
	ck_assert_uint_eq(back[2], 0x5A);
	close(fd);
	unlink(p);
}
END_TEST

/* ---- mounting --------------------------------------------------------------------- */

START_TEST(test_mount_at_offset)
{
	ntfs_volume *vol = (ntfs_volume *)&vol;
	char h1[65], h2[65];

	ck_assert_int_eq(tu_sha256_file(ntfs_at_1m, h1), 0);
	ck_assert_int_eq(nl_device_mount(ntfs_at_1m, 1 << 20, 0, false, 0, &vol), 0);
	ck_assert_ptr_nonnull(vol);
	ck_assert_uint_eq(vol->mft_record_size, 1024);
	ck_assert_uint_eq(vol->cluster_size, 4096);
	ck_assert_int_eq(vol->nr_clusters, (8 << 20) / 4096 - 1);   /* mkntfs keeps the last
								      cluster for the backup boot sector */
	ck_assert(NVolReadOnly(vol));
	ck_assert_int_eq(nl_device_umount(&vol), 0);
	ck_assert_ptr_null(vol);
	ck_assert_int_eq(nl_device_umount(&vol), 0);
	ck_assert_int_eq(nl_device_umount(NULL), 0);
	ck_assert_int_eq(tu_sha256_file(ntfs_at_1m, h2), 0);
	ck_assert_str_eq(h1, h2);   /* a read-only mount writes nothing */

	/* the same volume, offset 0: no NTFS there */
	vol = (ntfs_volume *)&vol;
	ck_assert_int_lt(nl_device_mount(ntfs_at_1m, 0, 0, false, 0, &vol), 0);
	ck_assert_ptr_null(vol);
	ck_assert_int_eq(nl_device_mount("/nonexistent/disk.img", 0, 0, false, 0, &vol), -ENOENT);
	ck_assert_ptr_null(vol);
}
END_TEST

START_TEST(test_mount_read_write)
{
	ntfs_volume *vol = NULL;
	char p[4300];

	snprintf(p, sizeof(p), "%s/rw-ntfs.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(ntfs_img, p, 0), 0);
	tu_lsan_off();
	ck_assert_int_eq(nl_device_mount(p, 0, 0, true, 0, &vol), 0);
	ck_assert(!NVolReadOnly(vol));
	ck_assert_int_eq(nl_device_umount(&vol), 0);
	tu_lsan_on();
	ck_assert_ptr_null(vol);
	unlink(p);
}
END_TEST

static Suite *device_suite(void)
{
	Suite *s = suite_create("device");
	TCase *tc = tcase_create("device");

	tcase_add_test(tc, test_pread_full);
	tcase_add_test(tc, test_pread_short_and_past_end);
	tcase_add_test(tc, test_fd_size);
	tcase_add_test(tc, test_boot_sector_check);
	tcase_add_test(tc, test_device_new_refuses);
	tcase_add_test(tc, test_device_reads);
	tcase_add_test(tc, test_device_ranges);
	tcase_add_test(tc, test_device_patches);
	tcase_add_test(tc, test_device_writes);
	tcase_add_test(tc, test_mount_at_offset);
	tcase_add_test(tc, test_mount_read_write);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

static int global_setup(void)
{
	uint8_t buf[FILE_SIZE];
	int fd;

	if (!tu_mkdtemp(tmpdir, sizeof(tmpdir), "check_device"))
		return -errno;
	snprintf(pattern_file, sizeof(pattern_file), "%s/pattern.bin", tmpdir);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(i);
	fd = open(pattern_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || close(fd) < 0)
		return -EIO;
	/* an 8 MiB NTFS volume, alone and 1 MiB into a bigger file */
	snprintf(ntfs_img, sizeof(ntfs_img), "%s/ntfs.img", tmpdir);
	snprintf(ntfs_at_1m, sizeof(ntfs_at_1m), "%s/ntfs-at-1m.img", tmpdir);
	if (tu_mkntfs(ntfs_img, 8 << 20, NULL) || tu_write_zeros(ntfs_at_1m, 10 << 20) ||
	    tu_copy_file(ntfs_img, ntfs_at_1m, 1 << 20))
		return -EIO;
	return 0;
}

int main(void)
{
	int rc;

	if (global_setup()) {
		fprintf(stderr, "check_device: building the test files failed\n");
		if (tmpdir[0])
			tu_rmtree(tmpdir);
		return 99;
	}
	rc = tu_run_suite(device_suite());
	tu_rmtree(tmpdir);
	return rc;
}
