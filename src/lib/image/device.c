/* device.c: libntfs-3g device operations over a byte range of a byte source (read-only) or of a raw file (read-write, for the writer), no loop device; and the error-message helper of the image layer. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include <ntfs-3g/cache.h>

#include "image/bytesource_int.h"
#include "image/device_int.h"

/* One allocation: libntfs-3g's ntfs_device_free() frees the device with a
 * single free(), which then releases our fields too, whoever calls it. */
struct nl_dev {
	struct ntfs_device dev;   /* must stay first */
	int fd;                   /* read-write: the raw file; else -1 */
	struct nl_bytesource *src; /* read-only: where reads come from */
	bool own_src;             /* opened by nd_open() from d_name, closed by nd_close() */
	bool rw;
	struct nl_dev_patch patch[NL_DEV_PATCHES]; /* read instead of what the source holds */
	uint8_t patch_data[NL_DEV_PATCHES][NL_DEV_PATCH_MAX];
	uint64_t offset;          /* where the volume starts in the file */
	uint64_t size;            /* bytes of the volume; 0 until opened if "to the end" */
	bool size_to_end;
	s64 pos;                  /* for seek/read/write */
};

/* to_nl_dev: our device around libntfs-3g's (its first member). */
static inline struct nl_dev *to_nl_dev(struct ntfs_device *dev) { return (struct nl_dev *)dev; }

int nl_device_fd(struct ntfs_device *dev)
{
	struct nl_dev *d = to_nl_dev(dev);

	if (!NDevOpen(dev))
		return -1;
	return d->fd >= 0 ? d->fd : d->src ? d->src->fd : -1;
}

/* open_rw: the raw file of a read-write device; a container is refused. */
static int open_rw(struct nl_dev *d, uint64_t *fsize)
{
	d->fd = open(d->dev.d_name, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return -1;
	if (nl_fd_size(d->fd, fsize) < 0)
		return -1;
	if (nl_image_format_detect(d->fd) != NL_FORMAT_RAW) {
		errno = EROFS;  /* containers are read-only */
		return -1;
	}
	return 0;
}

static int nd_open(struct ntfs_device *dev, int flags)
{
	struct nl_dev *d = to_nl_dev(dev);
	int acc = flags & O_ACCMODE;
	uint64_t fsize = 0;
	bool block = false;

	if (NDevOpen(dev)) {
		errno = EBUSY;
		return -1;
	}
	if (acc != O_RDONLY && !d->rw) {
		errno = EROFS;
		return -1;
	}
	if (acc != O_RDONLY) {
		struct stat st;

		if (open_rw(d, &fsize) < 0 || fstat(d->fd, &st) < 0)
			goto fail;
		block = S_ISBLK(st.st_mode);
	} else {
		if (!d->src) {
			int rc = nl_bytesource_open(dev->d_name, NL_FORMAT_AUTO, &d->src, NULL, 0);

			if (rc < 0) {
				errno = -rc;
				goto fail;
			}
			d->own_src = true;
			if (d->rw && d->src->format != NL_FORMAT_RAW) {
				errno = EROFS;  /* a writer's device: never a container */
				goto fail;
			}
		}
		fsize = d->src->size;
		block = d->src->is_block;
	}
	if (d->offset > fsize) {
		errno = EINVAL;
		goto fail;
	}
	if (d->size_to_end || d->offset + d->size > fsize)
		d->size = fsize - d->offset;
	if (block)
		NDevSetBlock(dev);
	if (acc == O_RDONLY)
		NDevSetReadOnly(dev);
	else
		NDevClearReadOnly(dev);
	d->pos = 0;
	NDevSetOpen(dev);
	return 0;
fail:;
	int e = errno;

	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->own_src)
		nl_bytesource_close(&d->src);
	d->own_src = false;
	errno = e;
	return -1;
}

static int nd_close(struct ntfs_device *dev)
{
	struct nl_dev *d = to_nl_dev(dev);
	int rc = 0;

	if (!NDevOpen(dev)) {
		errno = EBADF;
		return -1;
	}
	if (d->fd >= 0) {
		if (!NDevReadOnly(dev) && fsync(d->fd) < 0 && errno != EINVAL)
			rc = -1;
		if (close(d->fd) < 0)
			rc = -1;
	}
	d->fd = -1;
	if (d->own_src)
		nl_bytesource_close(&d->src);
	d->own_src = false;
	NDevClearOpen(dev);
	return rc;
}

static s64 nd_seek(struct ntfs_device *dev, s64 offset, int whence)
{
	struct nl_dev *d = to_nl_dev(dev);
	s64 np;

	switch (whence) {
	case SEEK_SET: np = offset; break;
	case SEEK_CUR: np = d->pos + offset; break;
	case SEEK_END: np = (s64)d->size + offset; break;
	default: errno = EINVAL; return -1;
	}
	if (np < 0) {
		errno = EINVAL;
		return -1;
	}
	d->pos = np;
	return np;
}

/* read_range: @count bytes at @pos of the source or the raw file. */
static s64 read_range(struct nl_dev *d, void *buf, s64 count, uint64_t pos)
{
	s64 done = 0;

	while (done < count) {
		ssize_t n;

		if (d->fd >= 0)
			n = pread(d->fd, (char *)buf + done, (size_t)(count - done),
				  (off_t)(pos + (uint64_t)done));
		else if ((n = d->src->ops->pread(d->src, (char *)buf + done, (size_t)(count - done),
						 pos + (uint64_t)done)) < 0) {
			errno = (int)-n;
			n = -1;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return done ? done : -1;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* apply_patches: the stand-ins (backup boot sector, $MFT for its mirror)
 * over the @done bytes read at @offset, into @buf of @count bytes; a
 * stand-in that continues where the read stopped (the image ends before
 * it) extends it.  Returns the bytes now in @buf. */
static s64 apply_patches(const struct nl_dev *d, uint8_t *buf, s64 count, uint64_t offset,
			 s64 done)
{
	bool grew = true;

	while (grew) {
		grew = false;
		for (size_t i = 0; i < NL_DEV_PATCHES; i++) {
			const struct nl_dev_patch *p = &d->patch[i];
			uint64_t from = p->off > offset ? p->off : offset;
			uint64_t end = offset + (uint64_t)count;

			if (p->off + p->len < end)
				end = p->off + p->len;
			if (!p->len || from >= end || from > offset + (uint64_t)done)
				continue;
			memcpy(buf + (from - offset), d->patch_data[i] + (from - p->off),
			       (size_t)(end - from));
			if (end > offset + (uint64_t)done) {
				done = (s64)(end - offset);
				grew = true;
			}
		}
	}
	return done;
}

static s64 nd_pread(struct ntfs_device *dev, void *buf, s64 count, s64 offset)
{
	struct nl_dev *d = to_nl_dev(dev);
	s64 done = 0, avail = count;

	if (count < 0 || offset < 0 || (uint64_t)count > UINT64_MAX - (uint64_t)offset) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)offset >= d->size)
		avail = 0;
	else if ((uint64_t)count > d->size - (uint64_t)offset)
		avail = (s64)(d->size - (uint64_t)offset);
	if (avail && (done = read_range(d, buf, avail, d->offset + (uint64_t)offset)) < 0)
		return done;
	return apply_patches(d, buf, count, (uint64_t)offset, done);
}

static s64 nd_pwrite(struct ntfs_device *dev, const void *buf, s64 count, s64 offset)
{
	struct nl_dev *d = to_nl_dev(dev);
	s64 done = 0;

	if (!d->rw || NDevReadOnly(dev)) {
		errno = EROFS;
		return -1;
	}
	if (count < 0 || offset < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)offset >= d->size) {
		errno = ENOSPC;
		return -1;
	}
	if ((uint64_t)count > d->size - (uint64_t)offset)
		count = (s64)(d->size - (uint64_t)offset);
	NDevSetDirty(dev);
	while (done < count) {
		ssize_t n = pwrite(d->fd, (const char *)buf + done, (size_t)(count - done),
				   (off_t)(d->offset + (uint64_t)offset + (uint64_t)done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return done ? done : -1;
		}
		done += n;
	}
	return done;
}

static s64 nd_read(struct ntfs_device *dev, void *buf, s64 count)
{
	s64 n = nd_pread(dev, buf, count, to_nl_dev(dev)->pos);

	if (n > 0)
		to_nl_dev(dev)->pos += n;
	return n;
}

static s64 nd_write(struct ntfs_device *dev, const void *buf, s64 count)
{
	s64 n = nd_pwrite(dev, buf, count, to_nl_dev(dev)->pos);

	if (n > 0)
		to_nl_dev(dev)->pos += n;
	return n;
}

static int nd_sync(struct ntfs_device *dev)
{
	struct nl_dev *d = to_nl_dev(dev);

	if (NDevReadOnly(dev) || !NDevDirty(dev))
		return 0;
	if (fsync(d->fd) < 0 && errno != EINVAL)
		return -1;
	NDevClearDirty(dev);
	return 0;
}

static int nd_stat(struct ntfs_device *dev, struct stat *st)
{
	struct nl_dev *d = to_nl_dev(dev);
	int fd = d->fd >= 0 ? d->fd : d->src ? d->src->fd : -1;

	if (fd >= 0) {
		if (fstat(fd, st) < 0)
			return -1;
	} else {
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFREG | 0444;
		st->st_blksize = 4096;
	}
	/* present the volume as a regular file of its own size */
	st->st_mode = (st->st_mode & ~(mode_t)S_IFMT) | S_IFREG;
	st->st_size = (off_t)d->size;
	return 0;
}

static int nd_ioctl(struct ntfs_device *dev, unsigned long request, void *argp)
{
	struct nl_dev *d = to_nl_dev(dev);
	int fd = d->fd >= 0 ? d->fd : d->src ? d->src->fd : -1;

	switch (request) {
	case BLKGETSIZE64:
		*(uint64_t *)argp = d->size;
		return 0;
	case BLKGETSIZE:
		*(unsigned long *)argp = (unsigned long)(d->size / 512);
		return 0;
	case BLKSSZGET:
		if (NDevBlock(dev) && fd >= 0)
			return ioctl(fd, BLKSSZGET, argp);
		*(int *)argp = 512;
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

static struct ntfs_device_operations nl_dev_ops = {
	.open = nd_open,
	.close = nd_close,
	.seek = nd_seek,
	.read = nd_read,
	.write = nd_write,
	.pread = nd_pread,
	.pwrite = nd_pwrite,
	.sync = nd_sync,
	.stat = nd_stat,
	.ioctl = nd_ioctl,
};

/* new_dev: a device named @name over [@offset, @offset + @size). */
static struct nl_dev *new_dev(const char *name, uint64_t offset, uint64_t size, bool rw)
{
	struct nl_dev *d;

	if (!name) {
		errno = EINVAL;
		return NULL;
	}
	if (offset > (uint64_t)LLONG_MAX || size > (uint64_t)LLONG_MAX - offset) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->dev.d_name = strdup(name);
	if (!d->dev.d_name) {
		free(d);
		errno = ENOMEM;
		return NULL;
	}
	d->dev.d_ops = &nl_dev_ops;
	d->dev.d_private = d;
	d->dev.d_heads = -1;
	d->dev.d_sectors_per_track = -1;
	d->fd = -1;
	d->rw = rw;
	d->offset = offset;
	d->size = size;
	d->size_to_end = size == 0;
	return d;
}

struct ntfs_device *nl_device_new(const char *path, uint64_t offset, uint64_t size, bool rw)
{
	struct nl_dev *d = new_dev(path, offset, size, rw);

	return d ? &d->dev : NULL;
}

struct ntfs_device *nl_device_new_source(struct nl_bytesource *src, uint64_t offset,
					 uint64_t size, const struct nl_dev_patch *patch, size_t npatch)
{
	struct nl_dev *d;

	if (!src || npatch > NL_DEV_PATCHES) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < npatch; i++)
		if (patch[i].len > NL_DEV_PATCH_MAX) {
			errno = EINVAL;
			return NULL;
		}
	d = new_dev(src->name, offset, size, false);
	if (!d)
		return NULL;
	d->src = src;
	for (size_t i = 0; i < npatch; i++) {
		d->patch[i] = patch[i];
		memcpy(d->patch_data[i], patch[i].data, patch[i].len);
		d->patch[i].data = d->patch_data[i];
	}
	return &d->dev;
}

/* mount_dev: mount @dev (freed on failure). */
static int mount_dev(struct ntfs_device *dev, bool rw, unsigned long extra, ntfs_volume **out)
{
	ntfs_volume *vol;
	/* read-only: a dirty or hibernated volume, or one with an unclean
	 * $LogFile, must open too; nothing is ever replayed or reset */
	unsigned long flags = rw ? NTFS_MNT_NONE
				 : (NTFS_MNT_RDONLY | NTFS_MNT_FORENSIC | NTFS_MNT_IGNORE_HIBERFILE);
	int err;

	vol = ntfs_device_mount(dev, (ntfs_mount_flags)(flags | extra));
	if (!vol) {
		err = errno ? errno : EIO;
		if (NDevOpen(dev))
			dev->d_ops->close(dev);
		ntfs_device_free(dev);
		return -err;
	}
	/* what ntfs_mount() does after ntfs_device_mount(): without these caches
	 * some updates (e.g. reparse data) fail with EINVAL. Read-only mounts
	 * go without: the cache of closed inodes keeps one per record and loses
	 * (leaks) a second one closed for the same record, which libntfs-3g
	 * opens by itself when an index entry leads back to the folder being
	 * read (ntfs_readdir() asks the entry's inode for its type) */
	if (rw)
		ntfs_create_lru_caches(vol);
	*out = vol;
	return 0;
}

int nl_device_mount(const char *path, uint64_t offset, uint64_t size, bool rw,
		    unsigned long extra, ntfs_volume **out)
{
	struct ntfs_device *dev;

	*out = NULL;
	dev = nl_device_new(path, offset, size, rw);
	if (!dev)
		return -errno;
	return mount_dev(dev, rw, extra, out);
}

int nl_device_mount_source(struct nl_bytesource *src, uint64_t offset, uint64_t size,
			   const struct nl_dev_patch *patch, size_t npatch, ntfs_volume **out)
{
	struct ntfs_device *dev;

	*out = NULL;
	dev = nl_device_new_source(src, offset, size, patch, npatch);
	if (!dev)
		return -errno;
	return mount_dev(dev, false, 0, out);
}

int nl_device_umount(ntfs_volume **vol)
{
	if (!vol || !*vol)
		return 0;
	/* ntfs_umount() syncs, closes and frees the device (ntfs_device_free) */
	int rc = ntfs_umount(*vol, FALSE);
	int err = errno;

	*vol = NULL;
	return rc ? -(err ? err : EIO) : 0;
}

const char *nl_boot_sector_check(const uint8_t *bs)
{
	unsigned bps = (unsigned)(bs[0x0B] | bs[0x0C] << 8);
	unsigned spc = bs[0x0D];
	int8_t cpm = (int8_t)bs[0x40];

	if (memcmp(bs + 3, "NTFS    ", 8) != 0)
		return "bad oem id";
	if (bps < 256 || bps > 4096 || (bps & (bps - 1)))
		return "bad bytes per sector";
	if (!(spc && (spc <= 0x80 ? (spc & (spc - 1)) == 0 : spc >= 0xF4)))
		return "bad sectors per cluster";
	if (cpm == 0 || (cpm > 0 && (cpm & (cpm - 1))) || (cpm < 0 && (cpm < -31 || cpm > -8)))
		return "bad mft record size";
	return NULL;
}

void nl_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
