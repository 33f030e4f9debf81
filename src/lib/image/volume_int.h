/* volume_int.h (internal): the nl_volume structure and its libntfs-3g volume, error messages and partition helpers shared inside the library. */
#ifndef NL_VOLUME_INT_H
#define NL_VOLUME_INT_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/volume.h>

struct nl_volume {
	char *source;              /* spec as given */
	char *path;                /* file or device */
	enum nl_volume_kind kind;
	uint64_t offset, size;
	unsigned partition;
	ntfs_volume *vol;          /* NTFS: libntfs-3g volume */
	struct nl_bytesource *src; /* the bytes: the volume's device reads them */
	uint32_t record_size;
	uint64_t record_count;
	uint16_t *upcase;          /* default table for raw $MFT (malloc'ed) */
	size_t upcase_len;
	uint64_t serial;
	uint8_t major_ver, minor_ver;
	bool dirty;
	char label[128 * 3 + 1];
	uint64_t image_bytes;      /* bytes of the file system the image holds */
	uint64_t volume_bytes;     /* bytes the boot sector says it has (with its backup) */
	bool mft_truncated;        /* part of $MFT lies past the end of the image */
	char repaired[256];        /* what was read around damage at open, "" */
};

/* nl_volume_ntfs - the libntfs-3g volume of @vol, for reading files, streams
 * and reparse data through libntfs-3g.  Owned by @vol: never unmount it.
 * NULL for a raw $MFT. */
ntfs_volume *nl_volume_ntfs(const nl_volume *vol);

struct nl_bytesource;

/* nl_partitions_read_source: nl_partitions_read() on an open byte source. */
int nl_partitions_read_source(struct nl_bytesource *src, struct nl_partition_table **out);
/* nl_partitions_describe: "1 ntfs at 1048576 (10485760 bytes), ..." (or "none") into @buf. */
void nl_partitions_describe(const struct nl_partition_table *t, char *buf, size_t len);

#endif
