/* bytesource.c: byte sources: choosing the backend by content, raw files and block devices, caller's buffers, and the format names. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "image/bytesource_int.h"
#include "image/device_int.h"

/* The container backends of this build, tried in order on the content. */
static const struct nl_bytesource_backend *const backends[] = {
#ifdef HAVE_LIBEWF
	&nl_bs_ewf,
#endif
#ifdef HAVE_LIBVHDI
	&nl_bs_vhdi,
#endif
#ifdef HAVE_LIBVMDK
	&nl_bs_vmdk,
#endif
#ifdef HAVE_LIBQCOW
	&nl_bs_qcow,
#endif
	NULL,
};

static const char *const format_names[] = {
	[NL_FORMAT_AUTO] = "auto",  [NL_FORMAT_RAW] = "raw",   [NL_FORMAT_SPLIT] = "split",
	[NL_FORMAT_EWF] = "ewf",    [NL_FORMAT_VHD] = "vhd",   [NL_FORMAT_VMDK] = "vmdk",
	[NL_FORMAT_QCOW] = "qcow",  [NL_FORMAT_MEMORY] = "memory",
};

const char *nl_image_format_name(enum nl_image_format fmt)
{
	if ((unsigned)fmt < sizeof(format_names) / sizeof(format_names[0]))
		return format_names[fmt];
	return "unknown";
}

int nl_image_format_parse(const char *name, enum nl_image_format *fmt)
{
	static const struct { const char *name; enum nl_image_format fmt; } aliases[] = {
		{ "e01", NL_FORMAT_EWF }, { "ex01", NL_FORMAT_EWF }, { "vhdx", NL_FORMAT_VHD },
		{ "qcow2", NL_FORMAT_QCOW },
	};

	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcasecmp(name, format_names[i]) == 0 && i != NL_FORMAT_MEMORY) {
			*fmt = (enum nl_image_format)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].name) == 0) {
			*fmt = aliases[i].fmt;
			return 0;
		}
	return -EINVAL;
}

/* find_backend: the compiled-in backend of @fmt, or NULL. */
static const struct nl_bytesource_backend *find_backend(enum nl_image_format fmt)
{
	for (size_t i = 0; backends[i]; i++)
		if (backends[i]->format == fmt)
			return backends[i];
	return NULL;
}

bool nl_image_format_supported(enum nl_image_format fmt)
{
	switch (fmt) {
	case NL_FORMAT_AUTO: case NL_FORMAT_RAW: case NL_FORMAT_SPLIT: case NL_FORMAT_MEMORY:
		return true;
	default:
		return find_backend(fmt) != NULL;
	}
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

/* ---- raw files and block devices ------------------------------------------------------------ */

static ssize_t raw_pread(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off)
{
	for (;;) {
		ssize_t n = pread(bs->fd, buf, len, (off_t)off);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

static void raw_close(struct nl_bytesource *bs)
{
	if (bs->fd >= 0)
		close(bs->fd);
	bs->fd = -1;
}

static const struct nl_bytesource_ops raw_ops = { .pread = raw_pread, .close = raw_close };

/* ---- a caller's buffer ------------------------------------------------------------------------ */

static ssize_t mem_pread(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off)
{
	if (len > bs->size - off)
		len = (size_t)(bs->size - off);
	memcpy(buf, (const uint8_t *)bs->priv + off, len);
	return (ssize_t)len;
}

static void mem_close(struct nl_bytesource *bs) { (void)bs; }

static const struct nl_bytesource_ops mem_ops = { .pread = mem_pread, .close = mem_close };

/* new_source: an empty source named @name. */
static struct nl_bytesource *new_source(const char *name)
{
	struct nl_bytesource *bs = calloc(1, sizeof(*bs));

	if (!bs)
		return NULL;
	bs->fd = -1;
	bs->name = strdup(name);
	if (!bs->name) {
		free(bs);
		return NULL;
	}
	return bs;
}

int nl_bytesource_memory(const void *buf, size_t len, const char *name,
			 struct nl_bytesource **out)
{
	struct nl_bytesource *bs = new_source(name ? name : "memory");

	*out = NULL;
	if (!bs)
		return -ENOMEM;
	bs->ops = &mem_ops;
	bs->format = NL_FORMAT_MEMORY;
	bs->size = buf ? len : 0;
	bs->priv = (void *)(uintptr_t)buf;
	*out = bs;
	return 0;
}

/* ---- choosing the backend --------------------------------------------------------------------- */

/* read_ends: the first 4096 bytes of @fd into @head (zero-padded; *@n of
 * them real) and its last 512 into @tail; false when it has fewer than 512. */
static bool read_ends(int fd, uint64_t size, uint8_t *head, size_t *n, uint8_t *tail)
{
	ssize_t got = nl_pread_full(fd, head, 4096, 0);

	*n = got > 0 ? (size_t)got : 0;
	return size >= 512 && nl_pread_full(fd, tail, 512, size - 512) == 512;
}

/* probe_content: the container backend whose magic the file shows, or NULL. */
static const struct nl_bytesource_backend *probe_content(int fd, uint64_t size)
{
	uint8_t head[4096], tail[512];
	size_t n;
	bool has_tail = read_ends(fd, size, head, &n, tail);

	for (size_t i = 0; backends[i]; i++)
		if (backends[i]->probe(head, n, has_tail ? tail : NULL))
			return backends[i];
	return NULL;
}

/* A recognised container whose library this build lacks: named in the message. */
static const char *unsupported_magic(int fd, uint64_t size)
{
	uint8_t head[4096], tail[512];
	size_t n;
	bool has_tail = read_ends(fd, size, head, &n, tail);

	if (n >= 8 && (memcmp(head, "EVF\x09\x0d\x0a\xff\x00", 8) == 0 ||
		       memcmp(head, "EVF2\x0d\x0a\x81\x00", 8) == 0))
		return "an EWF (E01) container, and this build has no libewf";
	if (n >= 8 && memcmp(head, "vhdxfile", 8) == 0)
		return "a VHDX container, and this build has no libvhdi";
	if ((n >= 8 && memcmp(head, "conectix", 8) == 0) ||
	    (has_tail && memcmp(tail, "conectix", 8) == 0))
		return "a VHD container, and this build has no libvhdi";
	if (n >= 4 && (memcmp(head, "KDMV", 4) == 0 || memcmp(head, "COWD", 4) == 0 ||
		       memcmp(head, "# Disk DescriptorFile", 21) == 0))
		return "a VMDK container, and this build has no libvmdk";
	if (n >= 4 && memcmp(head, "QFI\xfb", 4) == 0)
		return "a QCOW container, and this build has no libqcow";
	return NULL;
}

enum nl_image_format nl_image_format_detect(int fd)
{
	uint64_t size = 0;
	const struct nl_bytesource_backend *b;

	if (nl_fd_size(fd, &size) < 0)
		return NL_FORMAT_RAW;
	b = probe_content(fd, size);
	if (b)
		return b->format;
	return unsupported_magic(fd, size) ? NL_FORMAT_AUTO : NL_FORMAT_RAW;
}

/* open_raw: @bs over the open file @fd. */
static int open_raw(struct nl_bytesource *bs, int fd, char *err, size_t errlen)
{
	struct stat st;
	int rc;

	if (fstat(fd, &st) < 0 || (rc = nl_fd_size(fd, &bs->size)) < 0) {
		rc = -errno;
		nl_set_err(err, errlen, "%s", strerror(errno));
		return rc;
	}
	bs->ops = &raw_ops;
	bs->format = NL_FORMAT_RAW;
	bs->fd = fd;
	bs->is_block = S_ISBLK(st.st_mode);
	return 0;
}

/* open_backend: @b over @path, or why not in @err (naming the format). */
static int open_backend(struct nl_bytesource *bs, const struct nl_bytesource_backend *b,
			const char *path, char *err, size_t errlen)
{
	int rc;

	bs->format = b->format;
	rc = b->open(bs, path, err, errlen);
	if (rc < 0 && err && errlen && !err[0])
		nl_set_err(err, errlen, "cannot read the %s container: %s",
			   nl_image_format_name(b->format), strerror(-rc));
	return rc;
}

/* open_auto: the backend the content (or a split set's name) calls for. */
static int open_auto(struct nl_bytesource *bs, const char *path, int fd, char *err,
		     size_t errlen)
{
	uint64_t size = 0;
	const struct nl_bytesource_backend *b;
	const char *why;
	int rc;

	if ((rc = nl_fd_size(fd, &size)) < 0) {
		nl_set_err(err, errlen, "%s", strerror(-rc));
		close(fd);
		return rc;
	}
	b = probe_content(fd, size);
	if (b) {
		close(fd);
		return open_backend(bs, b, path, err, errlen);
	}
	if ((why = unsupported_magic(fd, size)) != NULL) {
		nl_set_err(err, errlen, "%s", why);
		close(fd);
		return -ENOTSUP;
	}
	if (nl_split_is_first_segment(path)) {
		close(fd);
		return open_backend(bs, &nl_bs_split, path, err, errlen);
	}
	rc = open_raw(bs, fd, err, errlen);
	if (rc < 0)
		close(fd);
	return rc;
}

int nl_bytesource_open(const char *path, enum nl_image_format fmt, struct nl_bytesource **out,
		       char *err, size_t errlen)
{
	struct nl_bytesource *bs;
	int fd, rc;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	bs = new_source(path);
	if (!bs) {
		nl_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (fmt == NL_FORMAT_AUTO || fmt == NL_FORMAT_RAW) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			rc = -errno;
			nl_set_err(err, errlen, "%s", strerror(errno));
		} else if (fmt == NL_FORMAT_AUTO) {
			rc = open_auto(bs, path, fd, err, errlen);
		} else if ((rc = open_raw(bs, fd, err, errlen)) < 0) {
			close(fd);
		}
	} else if (fmt == NL_FORMAT_SPLIT) {
		rc = open_backend(bs, &nl_bs_split, path, err, errlen);
	} else {
		const struct nl_bytesource_backend *b = find_backend(fmt);

		if (b) {
			rc = open_backend(bs, b, path, err, errlen);
		} else {
			nl_set_err(err, errlen, "format %s is not supported by this build",
				   nl_image_format_name(fmt));
			rc = -ENOTSUP;
		}
	}
	if (rc < 0) {
		free(bs->name);
		free(bs);
		return rc;
	}
	*out = bs;
	return 0;
}

ssize_t nl_bytesource_pread(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len && off + done < bs->size) {
		size_t want = len - done;
		ssize_t n;

		if (want > bs->size - (off + done))
			want = (size_t)(bs->size - (off + done));
		n = bs->ops->pread(bs, (char *)buf + done, want, off + done);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (done < len)
		memset((char *)buf + done, 0, len - done);
	return (ssize_t)done;
}

void nl_bytesource_close(struct nl_bytesource **bsp)
{
	struct nl_bytesource *bs;

	if (!bsp || !*bsp)
		return;
	bs = *bsp;
	if (bs->ops)
		bs->ops->close(bs);
	free(bs->name);
	free(bs);
	*bsp = NULL;
}
