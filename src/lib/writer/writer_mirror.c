/* writer_mirror.c: before a volume is mounted for writing, a $MFTMirr older than the first records of $MFT (a write-back that stopped between the two) is brought in line, as ntfsfix does. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/record.h>
#include "base/endian_int.h"
#include "writer/writer_int.h"

#define MIRROR_MAX 65536u	/* what a mirror holds at most: one 64 KiB cluster */

/* N bytes at OFF of FD, all of them: 0 or -errno. */
static int read_all(int fd, uint8_t *buf, size_t n, uint64_t off)
{
	ssize_t r = pread(fd, buf, n, (off_t)off);

	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -EIO;
}

/* Whether the RS-byte records at A (from $MFT) and B (from $MFTMirr) differ as libntfs-3g
 * compares them: A's bytes in use, fixups applied.  *SOUND: whether A is a readable record. */
static bool record_differs(const uint8_t *a, const uint8_t *b, uint64_t rs, bool *sound)
{
	uint8_t x[MIRROR_MAX / 4], y[MIRROR_MAX / 4];
	uint32_t used;

	memcpy(x, a, (size_t)rs);
	memcpy(y, b, (size_t)rs);
	*sound = memcmp(x, "FILE", 4) == 0 && nl_record_fixup(x, (size_t)rs, NULL) >= 0;
	if (!*sound)
		return false;
	used = nl_le32(x + 0x18) < rs ? nl_le32(x + 0x18) : (uint32_t)rs;
	nl_record_fixup(y, (size_t)rs, NULL);	/* a torn copy differs anyway */
	return memcmp(x, y, used) != 0;
}

int nl_w_mirror_repair(const char *image, uint64_t offset)
{
	uint8_t bs[512], head[MIRROR_MAX], mirr[MIRROR_MAX];
	uint64_t spc, cs, rs, len, mft_off, mirr_off;
	bool differs = false, sound;
	int8_t cpm;
	int fd, rc;

	/* read-only: the image is opened for writing once, by the mount, unless a repair is due */
	fd = open(image, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = read_all(fd, bs, sizeof(bs), offset);
	if (rc)
		goto out;
	/* the boot sector passed nl_validate_file(): its sizes are sane */
	spc = bs[0x0D] <= 0x80 ? bs[0x0D] : 1ULL << (256 - bs[0x0D]);
	cs = nl_le16(bs + 0x0B) * spc;
	cpm = (int8_t)bs[0x40];
	rs = cpm > 0 ? (uint64_t)cpm * cs : 1ULL << -cpm;
	len = 4 * rs > cs ? 4 * rs : cs;	/* libntfs-3g's mftmirr_size records */
	mft_off = offset + nl_le64(bs + 0x30) * cs;
	mirr_off = offset + nl_le64(bs + 0x38) * cs;
	if (len > MIRROR_MAX || rs > MIRROR_MAX / 4 || rs < 256)
		goto out;	/* left for libntfs-3g to judge */
	rc = read_all(fd, head, (size_t)len, mft_off);
	if (!rc)
		rc = read_all(fd, mirr, (size_t)len, mirr_off);
	if (rc)
		goto out;
	for (uint64_t r = 0; r < len; r += rs) {
		if (record_differs(head + r, mirr + r, rs, &sound))
			differs = true;
		if (!sound)
			goto out;	/* $MFT itself is damaged: nothing to copy */
	}
	if (!differs)
		goto out;
	close(fd);
	fd = open(image, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (pwrite(fd, head, (size_t)len, (off_t)mirr_off) != (ssize_t)len || fdatasync(fd))
		rc = errno ? -errno : -EIO;
	else
		rc = 1;
out:
	close(fd);
	return rc;
}
