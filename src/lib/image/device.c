/* device.c: byte sources: whole reads of files and block devices, libntfs-3g device operations over a byte range of one (no loop device), and the error-message helper of the image layer. */
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

#include "image/device_int.h"

/* One allocation: libntfs-3g's ntfs_device_free() frees the device with a
 * single free(), which then releases our fields too, whoever calls it. */
struct nl_dev {
	struct ntfs_device dev;   /* must stay first */
	int fd;
	bool rw;
	uint64_t offset;          /* where the volume starts in the file */
	uint64_t size;            /* bytes of the volume; 0 until opened if "to the end" */
	bool size_to_end;
	s64 pos;                  /* for seek/read/write */
};

/* to_nl_dev: our device around libntfs-3g's (its first member). */
static inline struct nl_dev *to_nl_dev(struct ntfs_device *dev) { return (struct nl_dev *)dev; }

int nl_device_fd(struct ntfs_device *dev)
{
	return NDevOpen(dev) ? to_nl_dev(dev)->fd : -1;
}

ssize_t nl_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (done < len)
		memset((char *)buf + done, 0, len - done);
	return (ssize_t)done;
}

int nl_fd_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0)
			return -errno;
		return 0;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static int nd_open(struct ntfs_device *dev, int flags)
{
	struct nl_dev *d = to_nl_dev(dev);
	int acc = flags & O_ACCMODE;
	struct stat st;
	uint64_t fsize = 0;

	if (NDevOpen(dev)) {
		errno = EBUSY;
		return -1;
	}
	if (acc != O_RDONLY && !d->rw) {
		errno = EROFS;
		return -1;
	}
	d->fd = open(dev->d_name, (acc == O_RDONLY ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0)
		return -1;
	if (fstat(d->fd, &st) < 0 || nl_fd_size(d->fd, &fsize) < 0)
		goto fail;
	if (d->offset > fsize) {
		errno = EINVAL;
		goto fail;
	}
	if (d->size_to_end || d->offset + d->size > fsize)
		d->size = fsize - d->offset;
	if (S_ISBLK(st.st_mode))
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

	close(d->fd);
	d->fd = -1;
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
	if (!NDevReadOnly(dev) && fsync(d->fd) < 0 && errno != EINVAL)
		rc = -1;
	if (close(d->fd) < 0)
		rc = -1;
	d->fd = -1;
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

static s64 nd_pread(struct ntfs_device *dev, void *buf, s64 count, s64 offset)
{
	struct nl_dev *d = to_nl_dev(dev);
	s64 done = 0;

	if (count < 0 || offset < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)offset >= d->size)
		return 0;
	if ((uint64_t)count > d->size - (uint64_t)offset)
		count = (s64)(d->size - (uint64_t)offset);
	while (done < count) {
		ssize_t n = pread(d->fd, (char *)buf + done, (size_t)(count - done),
				  (off_t)(d->offset + (uint64_t)offset + (uint64_t)done));
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

	if (fstat(d->fd, st) < 0)
		return -1;
	/* present the volume as a regular file of its own size */
	st->st_mode = (st->st_mode & ~(mode_t)S_IFMT) | S_IFREG;
	st->st_size = (off_t)d->size;
	return 0;
}

static int nd_ioctl(struct ntfs_device *dev, unsigned long request, void *argp)
{
	struct nl_dev *d = to_nl_dev(dev);

	switch (request) {
	case BLKGETSIZE64:
		*(uint64_t *)argp = d->size;
		return 0;
	case BLKGETSIZE:
		*(unsigned long *)argp = (unsigned long)(d->size / 512);
		return 0;
	case BLKSSZGET:
		if (NDevBlock(dev))
			return ioctl(d->fd, BLKSSZGET, argp);
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

struct ntfs_device *nl_device_new(const char *path, uint64_t offset, uint64_t size, bool rw)
{
	struct nl_dev *d;

	if (!path) {
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
	d->dev.d_name = strdup(path);
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
	return &d->dev;
}

int nl_device_mount(const char *path, uint64_t offset, uint64_t size, bool rw,
		    unsigned long extra, ntfs_volume **out)
{
	struct ntfs_device *dev;
	ntfs_volume *vol;
	/* read-only: a dirty or hibernated volume, or one with an unclean
	 * $LogFile, must open too; nothing is ever replayed or reset */
	unsigned long flags = rw ? NTFS_MNT_NONE
				 : (NTFS_MNT_RDONLY | NTFS_MNT_FORENSIC | NTFS_MNT_IGNORE_HIBERFILE);
	int err;

	*out = NULL;
	dev = nl_device_new(path, offset, size, rw);
	if (!dev)
		return -errno;
	vol = ntfs_device_mount(dev, (ntfs_mount_flags)(flags | extra));
	if (!vol) {
		err = errno ? errno : EIO;
		if (NDevOpen(dev))
			dev->d_ops->close(dev);
		ntfs_device_free(dev);
		return -err;
	}
	/* what ntfs_mount() does after ntfs_device_mount(): without these caches
	 * some updates (e.g. reparse data) fail with EINVAL */
	ntfs_create_lru_caches(vol);
	*out = vol;
	return 0;
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
