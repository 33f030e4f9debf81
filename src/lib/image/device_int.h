/* device_int.h (internal): byte sources: reads of files and block devices, and libntfs-3g device operations over a byte range of one. */
#ifndef NL_DEVICE_INT_H
#define NL_DEVICE_INT_H

#include <stdint.h>
#include <stdbool.h>

#include <sys/types.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/volume.h>

/*
 * The device maps offsets 0..size of the NTFS volume onto
 * [offset, offset + size) of the file @path (size 0: to the end of the file).
 * No loop device is used.  Read-only devices refuse every write (EROFS).
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

/**
 * nl_pread_full - read exactly @len bytes at @off of @fd, retrying short
 * reads; what lies past the end of the file is zero-filled.
 * Returns the bytes really read (< @len at the end of the file) or -errno.
 */
ssize_t nl_pread_full(int fd, void *buf, size_t len, uint64_t off);

/** nl_fd_size - the size of a regular file or block device.  Returns 0 or -errno. */
int nl_fd_size(int fd, uint64_t *size);

/* nl_set_err: format a message into @err (@errlen bytes; nothing if NULL or 0). */
void nl_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
