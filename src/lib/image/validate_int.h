/* validate_int.h (internal): checking what libntfs-3g will trust in a volume (boot sector, $MFT, system records) before it mounts it. */
#ifndef NL_VALIDATE_INT_H
#define NL_VALIDATE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* nl_volume_read_fn - read @len bytes at byte @off of the volume into @buf.
 * Returns the bytes read (fewer at the end of the image) or -errno. */
typedef ssize_t (*nl_volume_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

/**
 * nl_validate_ntfs - refuse a volume libntfs-3g must not be handed.
 * libntfs-3g mounts healthy volumes; on damaged ones its error paths leak or
 * worse.  Checked here with the library's own bounds-checked parsers:
 * the boot sector (sector, cluster, record and index block sizes, the
 * volume's cluster count, where $MFT and $MFTMirr start); record 0 ($MFT):
 * its fixups, header and attributes, and its $DATA runlist (not resident,
 * starting at VCN 0, no holes, every run inside the volume, the runs as long
 * as the attribute says, sizes in order); then the system records libntfs-3g
 * opens while mounting (1-11: $MFTMirr ... $Extend), found through that
 * runlist: fixups, header, attributes and every runlist inside the volume.
 * A record past the end of the image is not refused (the audit commands
 * report a truncated image themselves).
 * @read, @ctx: how to read the volume
 * @boot: the boot sector to use (a backup standing in for a damaged
 *        primary), or NULL to read the first sector
 * @why, @whylen: receives the reason, e.g. "record 4 ($AttrDef): runlist
 *        runs past the attribute" or "bad sectors per cluster"
 * Returns 0, -EINVAL (refused, @why says why) or the -errno of a read.
 */
int nl_validate_ntfs(nl_volume_read_fn read, void *ctx, const uint8_t *boot, char *why,
		     size_t whylen);

struct nl_bytesource;

/* nl_validate_source - nl_validate_ntfs() on the volume at byte @offset of
 * byte source @src. */
int nl_validate_source(struct nl_bytesource *src, uint64_t offset, const uint8_t *boot,
		       char *why, size_t whylen);

/* nl_validate_file - nl_validate_ntfs() on the volume at byte @offset of
 * the file or device @path (its own boot sector). */
int nl_validate_file(const char *path, uint64_t offset, char *why, size_t whylen);

#endif
