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

/* $MFTMirr against the first records of $MFT, compared as libntfs-3g does
 * when it mounts (each record's bytes in use, fixups applied; it refuses
 * the volume on any difference). */
enum nl_mirror_state {
	NL_MIRROR_SAME,         /* libntfs-3g accepts the mirror */
	NL_MIRROR_DIFFERS,      /* a record of it is readable but not $MFT's */
	NL_MIRROR_UNREADABLE,   /* a record of it is no FILE record, or torn */
	NL_MIRROR_MISSING,      /* a record of it lies past the end of the image */
};
#define NL_MIRROR_MAX 16384u   /* the most mirror bytes compared here */
struct nl_mirror {
	enum nl_mirror_state state;
	uint64_t record;        /* the first record that differs or is unreadable */
	uint64_t off;           /* where $MFTMirr starts: bytes from the volume's start */
	uint32_t len;           /* bytes of it libntfs-3g compares */
	uint8_t mft[NL_MIRROR_MAX]; /* $MFT's first @len bytes as the image holds them */
};

/**
 * nl_validate_mirror - compare $MFTMirr with the first records of $MFT.
 * @read, @ctx, @boot: as for nl_validate_ntfs() (run that first)
 * @m: receives the state, the first record found different, and $MFT's
 *     records that can stand in for the mirror
 * Returns 0, or -EINVAL when no comparison can be made here ($MFT's own
 * records damaged or past the end of the image, the mirror larger than
 * NL_MIRROR_MAX): libntfs-3g decides then; -ENOMEM or the -errno of a read.
 */
int nl_validate_mirror(nl_volume_read_fn read, void *ctx, const uint8_t *boot,
		       struct nl_mirror *m);

/* nl_mirror_describe - "$MFTMirr differs from $MFT at record 2", "$MFTMirr
 * record 0 is unreadable", "$MFTMirr record 0 lies past the end of the
 * image" (or that it matches) into @buf. */
void nl_mirror_describe(const struct nl_mirror *m, char *buf, size_t len);

struct nl_bytesource;

/* nl_validate_source - nl_validate_ntfs() on the volume at byte @offset of
 * byte source @src. */
int nl_validate_source(struct nl_bytesource *src, uint64_t offset, const uint8_t *boot,
		       char *why, size_t whylen);

/* nl_validate_mirror_source - nl_validate_mirror() on the volume at byte
 * @offset of byte source @src. */
int nl_validate_mirror_source(struct nl_bytesource *src, uint64_t offset, const uint8_t *boot,
			      struct nl_mirror *m);

/* nl_validate_file - what a writer needs of the volume at byte @offset of
 * the file or device @path (its own boot sector): nl_validate_ntfs() (@why:
 * "damaged ntfs volume: record 4 ..."), the whole volume in the file ("image
 * is truncated: 41943040 of 67108864 bytes", the sizes the audit commands
 * warn with), and a $MFTMirr without unreadable records (nl_validate_mirror():
 * "$MFTMirr record 0 is unreadable; repair the volume (chkdsk) ..."; one that
 * is readable but differs is the writer's to bring in line).  Returns 0,
 * -EINVAL (refused, @why says why) or the -errno of a read. */
int nl_validate_file(const char *path, uint64_t offset, char *why, size_t whylen);

#endif
