/* writer_src_int.h (internal): what a reader of the volume needs from the writer: its libntfs-3g
 * volume, inodes from the writer's cache (a copy source in the destination image) and the device's read cache. */
#ifndef NL_WRITER_SRC_INT_H
#define NL_WRITER_SRC_INT_H

#include <stdint.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>
#include <ntfs-3g/inode.h>

#include <ntfslinks/writer.h>

/**
 * nl_writer_ntfs_volume - the libntfs-3g volume the writer has mounted
 * read-write, so that one mount can also be read from (the copy engine reads
 * a source folder of the destination image through it instead of mounting
 * the image a second time).  Borrowed: owned by @w, valid until
 * nl_writer_close(); never unmount it, and never open an inode the writer
 * may hold open (libntfs-3g corrupts an inode opened twice).
 */
ntfs_volume *nl_writer_ntfs_volume(const struct nl_writer *w);

/* The open inode of @ref from @w's cache (opened if needed; checks the
 * sequence number when @ref carries one). Nothing leaves the cache until the
 * matching nl_w_inode_unpin(), so *@ni stays valid until then; the writer
 * closes it. Returns 0, -ESTALE, -ENOENT or -errno (nothing to unpin). */
int nl_w_inode_pin(struct nl_writer *w, uint64_t ref, ntfs_inode **ni);
void nl_w_inode_unpin(struct nl_writer *w);

/* The verdict on the index of folder @dir, an inode of @w (nl_ixguard_check() in
 * mft/index_guard_int.h, with the writer's verdicts): 0, -EUCLEAN with @why, -ENOMEM. */
int nl_w_index_check(struct nl_writer *w, ntfs_inode *dir, char *why, size_t whylen);

/* Put a read cache of CAP 4 KiB blocks (see nl_w_dev_cap) in front of the
 * device of the read-only volume VOL (e.g. a copy source: libntfs-3g reads
 * every record and index block by itself, one pread each). It goes away
 * when the volume is unmounted. Returns 0, -EINVAL (not read-only, or
 * already cached), -ENOMEM. */
int nl_w_dev_read_cache(ntfs_volume *vol, unsigned cap);

#endif
