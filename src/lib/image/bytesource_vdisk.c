/* bytesource_vdisk.c: virtual disks: VHD and VHDX through libvhdi, VMDK (with its extent files) through libvmdk, QCOW through libqcow. */
#include "config.h"

#if defined(HAVE_LIBVHDI) || defined(HAVE_LIBVMDK) || defined(HAVE_LIBQCOW)
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "image/bytesource_int.h"
#include "image/device_int.h"

/* What the three libraries share: an opened file, read under a lock. */
struct vdisk {
	void *handle;
	pthread_mutex_t mu;       /* one read at a time through the handle */
};

/* vdisk_new: the state of a virtual disk in @bs, or -ENOMEM. */
static int vdisk_new(struct nl_bytesource *bs)
{
	struct vdisk *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	if (pthread_mutex_init(&v->mu, NULL) != 0) {
		free(v);
		return -ENOMEM;
	}
	bs->priv = v;
	return 0;
}

/* vdisk_free: the state of @bs, once its handle is released. */
static void vdisk_free(struct nl_bytesource *bs)
{
	struct vdisk *v = bs->priv;

	pthread_mutex_destroy(&v->mu);
	free(v);
	bs->priv = NULL;
}

/* VDISK_READ: the pread operation of library @lib over its read function. */
#define VDISK_READ(name, type, readfn, errfree)                                              \
	static ssize_t name(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off)    \
	{                                                                                      \
		struct vdisk *v = bs->priv;                                                    \
		ssize_t n;                                                                     \
		type *error = NULL;                                                            \
                                                                                               \
		pthread_mutex_lock(&v->mu);                                                    \
		n = readfn(v->handle, buf, len, (off64_t)off, &error);                         \
		pthread_mutex_unlock(&v->mu);                                                  \
		if (n < 0) {                                                                   \
			errfree(&error);                                                       \
			return -EIO;                                                           \
		}                                                                              \
		return n;                                                                      \
	}

#ifdef HAVE_LIBVHDI
#include <libvhdi.h>

static bool vhdi_probe(const uint8_t *head, size_t n, const uint8_t *tail)
{
	return (n >= 8 && (memcmp(head, "vhdxfile", 8) == 0 || memcmp(head, "conectix", 8) == 0)) ||
	       (tail && memcmp(tail, "conectix", 8) == 0);
}

VDISK_READ(vhdi_pread, libvhdi_error_t, libvhdi_file_read_buffer_at_offset, libvhdi_error_free)

static void vhdi_close(struct nl_bytesource *bs)
{
	struct vdisk *v = bs->priv;
	libvhdi_file_t *f = v->handle;

	if (f) {
		libvhdi_file_close(f, NULL);
		libvhdi_file_free(&f, NULL);
	}
	vdisk_free(bs);
}

static const struct nl_bytesource_ops vhdi_ops = { .pread = vhdi_pread, .close = vhdi_close };

static int vhdi_open(struct nl_bytesource *bs, const char *path, char *err, size_t errlen)
{
	libvhdi_file_t *f = NULL;
	size64_t size = 0;
	int rc = vdisk_new(bs);

	if (rc < 0)
		return rc;
	if (libvhdi_file_initialize(&f, NULL) != 1) {
		vdisk_free(bs);
		return -ENOMEM;
	}
	((struct vdisk *)bs->priv)->handle = f;
	if (libvhdi_file_open(f, path, LIBVHDI_OPEN_READ, NULL) != 1 ||
	    libvhdi_file_get_media_size(f, &size, NULL) != 1) {
		nl_set_err(err, errlen, "damaged or unsupported vhd container");
		libvhdi_file_free(&f, NULL);
		vdisk_free(bs);
		return -EINVAL;
	}
	bs->ops = &vhdi_ops;
	bs->size = size;
	return 0;
}

const struct nl_bytesource_backend nl_bs_vhdi = {
	.format = NL_FORMAT_VHD, .probe = vhdi_probe, .open = vhdi_open,
};
#endif

#ifdef HAVE_LIBVMDK
#include <libvmdk.h>

static bool vmdk_probe(const uint8_t *head, size_t n, const uint8_t *tail)
{
	(void)tail;
	return n >= 21 && (memcmp(head, "KDMV", 4) == 0 || memcmp(head, "COWD", 4) == 0 ||
			   memcmp(head, "# Disk DescriptorFile", 21) == 0);
}

VDISK_READ(vmdk_pread, libvmdk_error_t, libvmdk_handle_read_buffer_at_offset, libvmdk_error_free)

static void vmdk_close(struct nl_bytesource *bs)
{
	struct vdisk *v = bs->priv;
	libvmdk_handle_t *h = v->handle;

	if (h) {
		libvmdk_handle_close(h, NULL);
		libvmdk_handle_free(&h, NULL);
	}
	vdisk_free(bs);
}

static const struct nl_bytesource_ops vmdk_ops = { .pread = vmdk_pread, .close = vmdk_close };

/* vmdk_extents: open the extent files, which lie beside the descriptor @path. */
static int vmdk_extents(libvmdk_handle_t *h, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup(".");
	int ok;

	if (!dir)
		return -ENOMEM;
	ok = libvmdk_handle_set_extent_data_files_path(h, dir, strlen(dir), NULL) == 1 &&
	     libvmdk_handle_open_extent_data_files(h, NULL) == 1;
	free(dir);
	return ok ? 0 : -EINVAL;
}

static int vmdk_open(struct nl_bytesource *bs, const char *path, char *err, size_t errlen)
{
	libvmdk_handle_t *h = NULL;
	size64_t size = 0;
	int rc = vdisk_new(bs);

	if (rc < 0)
		return rc;
	if (libvmdk_handle_initialize(&h, NULL) != 1) {
		vdisk_free(bs);
		return -ENOMEM;
	}
	((struct vdisk *)bs->priv)->handle = h;
	if (libvmdk_handle_open(h, path, LIBVMDK_OPEN_READ, NULL) != 1) {
		nl_set_err(err, errlen, "damaged or unsupported vmdk container");
		rc = -EINVAL;
	} else if ((rc = vmdk_extents(h, path)) < 0) {
		nl_set_err(err, errlen, "vmdk container: an extent file is missing or damaged");
	} else if (libvmdk_handle_get_media_size(h, &size, NULL) != 1) {
		nl_set_err(err, errlen, "damaged vmdk container: no media size");
		rc = -EINVAL;
	}
	if (rc < 0) {
		vmdk_close(bs);
		return rc;
	}
	bs->ops = &vmdk_ops;
	bs->size = size;
	return 0;
}

const struct nl_bytesource_backend nl_bs_vmdk = {
	.format = NL_FORMAT_VMDK, .probe = vmdk_probe, .open = vmdk_open,
};
#endif

#ifdef HAVE_LIBQCOW
#include <libqcow.h>

static bool qcow_probe(const uint8_t *head, size_t n, const uint8_t *tail)
{
	(void)tail;
	return n >= 4 && memcmp(head, "QFI\xfb", 4) == 0;
}

VDISK_READ(qcow_pread, libqcow_error_t, libqcow_file_read_buffer_at_offset, libqcow_error_free)

static void qcow_close(struct nl_bytesource *bs)
{
	struct vdisk *v = bs->priv;
	libqcow_file_t *f = v->handle;

	if (f) {
		libqcow_file_close(f, NULL);
		libqcow_file_free(&f, NULL);
	}
	vdisk_free(bs);
}

static const struct nl_bytesource_ops qcow_ops = { .pread = qcow_pread, .close = qcow_close };

static int qcow_open(struct nl_bytesource *bs, const char *path, char *err, size_t errlen)
{
	libqcow_file_t *f = NULL;
	size64_t size = 0;
	int rc = vdisk_new(bs);

	if (rc < 0)
		return rc;
	if (libqcow_file_initialize(&f, NULL) != 1) {
		vdisk_free(bs);
		return -ENOMEM;
	}
	((struct vdisk *)bs->priv)->handle = f;
	if (libqcow_file_open(f, path, LIBQCOW_OPEN_READ, NULL) != 1 ||
	    libqcow_file_get_media_size(f, &size, NULL) != 1) {
		nl_set_err(err, errlen, "damaged or unsupported qcow container");
		libqcow_file_free(&f, NULL);
		vdisk_free(bs);
		return -EINVAL;
	}
	bs->ops = &qcow_ops;
	bs->size = size;
	return 0;
}

const struct nl_bytesource_backend nl_bs_qcow = {
	.format = NL_FORMAT_QCOW, .probe = qcow_probe, .open = qcow_open,
};
#endif
#endif
