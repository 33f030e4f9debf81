/* volume_int.h (internal): the nl_volume structure and helpers shared by volume.c, partition.c and scan.c. */
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
	int fd;                    /* raw $MFT: the file; else -1 */
	uint32_t record_size;
	uint64_t record_count;
	uint16_t *upcase;          /* default table for raw $MFT (malloc'ed) */
	size_t upcase_len;
	uint64_t serial;
	uint8_t major_ver, minor_ver;
	bool dirty;
	char label[128 * 3 + 1];
};

void nl_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
ssize_t nl_pread_full(int fd, void *buf, size_t len, uint64_t off);
int nl_fd_size(int fd, uint64_t *size);
int nl_partitions_read_fd(int fd, struct nl_partition_table **out);
void nl_partitions_describe(const struct nl_partition_table *t, char *buf, size_t len);

#endif
