/* check_writer_device.c: Check suite for the writer's device: a close that cannot write, the inode cache, the device and read caches, a volume at an offset in a disk image. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/index.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/mft.h>
#include <ntfs-3g/security.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/writer.h>

#include "image/device_int.h"
#include "writer/writer_int.h"

#include "testutil.h"
#include "writer_util.h"

/* Data that cannot reach the image makes nl_writer_close fail. */
START_TEST(test_close_error)
{
	struct nl_writer *w = wopen();
	struct rlimit rl = { 4096, 4096 }, old;
	uint64_t f;
	int rc;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "doomed", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "data", 4), 0);
	/* from now on no write past 4 KiB succeeds: the records, at 16 KiB and
	 * beyond, are written when inodes are closed */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	rc = nl_writer_close(&w);
	setrlimit(RLIMIT_FSIZE, &old);
	ck_assert_msg(rc < 0, "close reported success although nothing could be written");
	ck_assert_ptr_null(w);
	ck_assert_int_eq(nl_writer_close(&w), 0);
}
END_TEST

START_TEST(test_many_files_cache)
{
	/* more files than the inode cache holds, each in its own directory and
	 * all linked into one: exercises eviction while names are synced */
	struct nl_writer *w = wopen();
	uint64_t hub, d, f;
	char name[32];
	ntfs_volume *v;
	ntfs_inode *ni;
	int i;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "hub", NL_NS_POSIX, NL_NODE_DIR, &hub), 0);
	for (i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "dir%04d", i);
		ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, name, NL_NS_POSIX, NL_NODE_DIR, &d), 0);
		ck_assert_int_eq(nl_writer_create_u8(w, d, "file", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
		ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, name, strlen(name)), 0);
		ck_assert_int_eq(nl_writer_link_u8(w, f, hub, name, NL_NS_POSIX), 0);
	}
	ck_assert_int_eq(nl_writer_flush(w), 0);
	/* after a flush the image file holds everything, the writer still open
	 * (read through the library's device: libntfs-3g's own would find the
	 * file locked by the writer) */
	ck_assert_int_eq(ntfs_mount(image, NTFS_MNT_RDONLY) == NULL && errno == EAGAIN, 1);
	ck_assert_int_eq(nl_device_mount(image, 0, 0, false, 0, &v), 0);
	ntfs_inode_close(lookup(v, "/dir1499/file"));
	ntfs_inode_close(lookup(v, "/hub/dir1499"));
	ck_assert_int_eq(nl_device_umount(&v), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, hub, "after flush", NL_NS_POSIX), 0);
	wclose(&w);

	v = ro();
	ntfs_inode_close(lookup(v, "/hub/after flush"));
	ni = lookup(v, "/hub/dir1234");
	{
		char back[16] = {0};
		s64 size;
		ck_assert_int_eq(read_stream(ni, NULL, back, 7, &size), 7);
		ck_assert_int_eq(size, 7);
		ck_assert_str_eq(back, "dir1234");
	}
	ntfs_inode_close(ni);
	ntfs_inode_close(lookup(v, "/dir0000/file"));
	ro_done(v);
}
END_TEST

/* deterministic pseudo-random numbers for the cache test */
static uint32_t rnd_state;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/*
 * The writer's device cache (writer_dev.c) against a plain model: random
 * reads and writes of every size class (1-byte bitmap updates, records,
 * blocks, I/O large enough to bypass the cache) over free clusters of the
 * volume, with a cache of only 16 blocks so that dirty blocks are evicted
 * and merged all the time. Every read must see the latest writes; after
 * the unmount the image file must hold exactly the model.
 */
START_TEST(test_device_cache)
{
	const uint64_t base = 12u << 20, len = 2u << 20;	/* free: 12-14 MiB */
	static uint8_t model[2u << 20], got[64 * 1024], data[64 * 1024];
	unsigned old_cap = nl_w_dev_cap;
	ntfs_volume *vol;
	int fd, i;
	size_t k;

	fd = open(image, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, model, len, (off_t)base), (ssize_t)len);
	close(fd);
	nl_w_dev_cap = 16;
	ck_assert_int_eq(nl_w_dev_mount(image, 0, false, &vol), 0);
	nl_w_dev_cap = old_cap;
	rnd_state = 42;
	for (i = 0; i < 4000; i++) {
		uint32_t kind = rnd() % 8, n;
		uint64_t off;

		switch (rnd() % 4) {
		case 0: n = 1 + rnd() % 8; break;		/* bitmap bytes */
		case 1: n = 1024 * (1 + rnd() % 4); break;	/* records, blocks */
		case 2: n = 1 + rnd() % 12000; break;		/* anything cached */
		default: n = 16 * 1024 + rnd() % (48 * 1024); break; /* direct */
		}
		off = rnd() % (len - n);
		if (rnd() % 2)
			off &= ~(uint64_t)1023;
		if (kind < 4) {
			for (k = 0; k < n; k++)
				data[k] = (uint8_t)rnd();
			ck_assert_int_eq(ntfs_pwrite(vol->dev, (s64)(base + off), n, data), n);
			memcpy(model + off, data, n);
		} else {
			ck_assert_int_eq(ntfs_pread(vol->dev, (s64)(base + off), n, got), n);
			ck_assert_msg(!memcmp(got, model + off, n),
				      "op %d: read of %u bytes at %llu differs", i, n,
				      (unsigned long long)off);
		}
	}
	ck_assert_int_eq(ntfs_umount(vol, FALSE), 0);
	fd = open(image, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	for (k = 0; k < len; k += sizeof(got)) {
		ck_assert_int_eq(pread(fd, got, sizeof(got), (off_t)(base + k)), (ssize_t)sizeof(got));
		ck_assert_msg(!memcmp(got, model + k, sizeof(got)), "image differs at %zu", k);
	}
	close(fd);
}
END_TEST

/* The read cache (nl_w_dev_read_cache) on a read-only mount: random reads
 * of record, index-block, byte and file-content sizes all over the image,
 * with 16 cached blocks, must return what the image file holds. */
START_TEST(test_read_cache)
{
	static uint8_t img[16u << 20], got[64 * 1024];
	const uint32_t sizes[] = { 1, 3, 80, 1024, 4096, 5000, 20000 };
	ntfs_volume *vol;
	int fd, i;

	fd = open(image, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, img, sizeof(img), 0), (ssize_t)sizeof(img));
	close(fd);
	ck_assert_int_eq(nl_device_mount(image, 0, 0, false, 0, &vol), 0);
	ck_assert_int_eq(nl_w_dev_read_cache(vol, 16), 0);
	ck_assert_int_eq(nl_w_dev_read_cache(vol, 16), -EINVAL);	/* once */
	rnd_state = 7;
	for (i = 0; i < 3000; i++) {
		uint32_t n = sizes[rnd() % 7];
		uint64_t off = rnd() % (sizeof(img) - n);

		if (rnd() % 2)
			off &= ~(uint64_t)1023;
		ck_assert_int_eq(ntfs_pread(vol->dev, (s64)off, n, got), n);
		ck_assert_msg(!memcmp(got, img + off, n), "read %d: %u bytes at %llu differ",
			      i, n, (unsigned long long)off);
	}
	ck_assert_int_eq(ntfs_pwrite(vol->dev, 0, 1, got), -1);	/* read-only */
	ck_assert_int_eq(nl_device_umount(&vol), 0);
}
END_TEST

/* A volume inside a disk image, 1 MiB in: written at its offset only. */
START_TEST(test_offset)
{
	char disk[320], part[320], cmd[1024];
	unsigned char head[4096];
	struct nl_writer *w = NULL;
	uint64_t f;
	ntfs_volume *v;
	ntfs_inode *ni;
	FILE *fp;
	size_t i;

	snprintf(disk, sizeof(disk), "%s/disk.img", tmpdir);
	snprintf(part, sizeof(part), "%s/part.img", tmpdir);
	/* 1 MiB of 0xAB, then the formatted volume */
	snprintf(cmd, sizeof(cmd), "head -c 1048576 /dev/zero | tr '\\000' '\\253' >'%s' && cat '%s' >>'%s'",
		 disk, image, disk);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(nl_writer_open(disk, 1 << 20, 0, &w), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "in-partition.txt", NL_NS_POSIX,
					     NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "offset", 6), 0);
	wclose(&w);
	/* the bytes before the partition are untouched */
	fp = fopen(disk, "rb");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < 256; i++) {
		ck_assert_uint_eq(fread(head, 1, sizeof(head), fp), sizeof(head));
		for (size_t k = 0; k < sizeof(head); k++)
			ck_assert_uint_eq(head[k], 0xAB);
	}
	fclose(fp);
	/* the partition, cut out, is a volume holding the file */
	snprintf(cmd, sizeof(cmd), "tail -c +1048577 '%s' >'%s'", disk, part);
	ck_assert_int_eq(system(cmd), 0);
	v = ntfs_mount(part, NTFS_MNT_RDONLY);
	ck_assert_ptr_nonnull(v);
	ni = ntfs_pathname_to_inode(v, NULL, "/in-partition.txt");
	ck_assert_ptr_nonnull(ni);
	{
		char back[8] = {0};
		s64 size;
		ck_assert_int_eq(read_stream(ni, NULL, back, 6, &size), 6);
		ck_assert_str_eq(back, "offset");
	}
	ntfs_inode_close(ni);
	ck_assert_int_eq(ntfs_umount(v, FALSE), 0);
	/* no NTFS at the wrong offset */
	ck_assert_int_ne(nl_writer_open(disk, 4096, 0, &w), 0);
	ck_assert_ptr_null(w);
	unlink(disk);
	unlink(part);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("writer_device");
	TCase *tc = writer_tcase();

	tcase_add_test(tc, test_close_error);
	tcase_add_test(tc, test_many_files_cache);
	tcase_add_test(tc, test_offset);
	tcase_add_test(tc, test_device_cache);
	tcase_add_test(tc, test_read_cache);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
