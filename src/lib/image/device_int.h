/* device_int.h (internal): libntfs-3g device operations over a byte range of a byte source (or, read-write, of a raw file). */
#ifndef NL_DEVICE_INT_H
#define NL_DEVICE_INT_H

#include <stdint.h>
#include <stdbool.h>

#include <sys/types.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/volume.h>

#include "image/bytesource_int.h"

/*
 * The device maps offsets 0..size of the NTFS volume onto
 * [offset, offset + size) of the file @path (size 0: to the end of the file),
 * read through a byte source (so a read-only device over a container reads
 * the disk it holds).  No loop device is used.  Read-only devices refuse
 * every write (EROFS); a read-write device is a raw file (a container is
 * refused with EROFS).
 */

/**
 * nl_device_new - allocate a libntfs-3g device for @path at @offset.
 * @rw: open the file read-write (for the writer); otherwise O_RDONLY.
 * The file is opened by the device's open operation (ntfs_device_mount does
 * that).  Returns the device (free with ntfs_device_free() if it was never
 * mounted; ntfs_umount() frees it otherwise), or NULL with errno set.
 */
struct ntfs_device *nl_device_new(const char *path, uint64_t offset, uint64_t size, bool rw);

/** nl_device_fd - the file descriptor of the open device @dev (made by
 * nl_device_new()), or -1 when it is not open. */
int nl_device_fd(struct ntfs_device *dev);

/**
 * nl_device_mount - mount the NTFS volume at [@offset, @offset+@size) of @path.
 * @rw:    false: NTFS_MNT_RDONLY | NTFS_MNT_FORENSIC (a dirty, hibernated or
 *         unclean-log volume is still mounted); true: read-write,
 *         NTFS_MNT_EXCLUSIVE is not used (images are plain files)
 * @extra: more ntfs_mount_flags to or in (0 normally)
 * @out:   receives the volume; unmount with nl_device_umount()
 * Returns 0 or -errno (the errno of libntfs-3g).
 */
int nl_device_mount(const char *path, uint64_t offset, uint64_t size, bool rw,
		    unsigned long extra, ntfs_volume **out);

/* A range of the volume read from @data instead of the source: a backup
 * boot sector standing in for a damaged one, or the first records of $MFT
 * for a damaged $MFTMirr.  The device keeps a copy. */
struct nl_dev_patch {
	uint64_t off;           /* bytes from the start of the volume */
	uint32_t len;           /* at most NL_DEV_PATCH_MAX */
	const uint8_t *data;
};
#define NL_DEV_PATCHES 2
#define NL_DEV_PATCH_MAX 16384u

/**
 * nl_device_new_source - a read-only device over [@offset, @offset+@size) of
 * @src (size 0: to its end), which the caller keeps open until the device is
 * freed; the @npatch ranges of @patch (NULL and 0 normally) are read from
 * their data.  Returns the device or NULL with errno set.
 */
struct ntfs_device *nl_device_new_source(struct nl_bytesource *src, uint64_t offset,
					 uint64_t size, const struct nl_dev_patch *patch, size_t npatch);

/**
 * nl_device_mount_source - nl_device_mount() read-only over a device from
 * nl_device_new_source().  Returns 0 or -errno.
 */
int nl_device_mount_source(struct nl_bytesource *src, uint64_t offset, uint64_t size,
			   const struct nl_dev_patch *patch, size_t npatch, ntfs_volume **out);

/**
 * nl_device_umount - unmount @*vol (NULL is fine), free its device, set *vol
 * to NULL.  Returns 0, or -errno if libntfs-3g failed to sync / close (for a
 * read-write volume that means data may not have reached the image).
 */
int nl_device_umount(ntfs_volume **vol);

/**
 * nl_boot_sector_check - is the 512-byte @bs an NTFS boot sector?
 * Returns NULL if yes, else a static lowercase reason ("bad oem id",
 * "bad bytes per sector", "bad sectors per cluster", "bad mft record size").
 */
const char *nl_boot_sector_check(const uint8_t *bs);

/* nl_set_err: format a message into @err (@errlen bytes; nothing if NULL or 0). */
void nl_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
