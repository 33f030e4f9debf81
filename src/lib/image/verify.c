/* verify.c: the whole media of an image read once and hashed, to check the hashes an evidence container stores. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/volume.h>

#include "base/digest_int.h"
#include "image/bytesource_int.h"
#include "image/device_int.h"

#define VERIFY_BLOCK (1u << 20)
/* Chunks failing their checksum past which the media is not read further:
 * libewf (Debian 12's) does not free the buffer of such a chunk, so a
 * truncated E01 would cost as much memory as its media. */
#define VERIFY_MAX_BAD (16u << 20)

/* too_damaged: the reads so far found more than VERIFY_MAX_BAD bytes that
 * fail the container's checksums (said in @err). */
static bool too_damaged(struct nl_bytesource *bs, uint64_t off, char *err, size_t errlen)
{
	struct nl_image_verify d = { 0 };

	if (!bs->ops->damage)
		return false;
	bs->ops->damage(bs, &d);
	if (d.bad_bytes <= VERIFY_MAX_BAD)
		return false;
	nl_set_err(err, errlen,
		   "damaged or incomplete %s container: over %u MiB fail their chunk checksum in the first %llu bytes, from byte %llu",
		   nl_image_format_name(bs->format), VERIFY_MAX_BAD >> 20,
		   (unsigned long long)off, (unsigned long long)d.bad_first);
	return true;
}

/* hash_media: every byte of @bs through @d, in order. */
static int hash_media(struct nl_bytesource *bs, struct nl_digest *d, nl_progress_fn progress,
		      void *ctx, char *err, size_t errlen)
{
	uint8_t *buf = malloc(VERIFY_BLOCK);
	uint64_t off = 0;
	int rc = 0;

	if (!buf) {
		nl_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (off < bs->size) {
		size_t want = bs->size - off < VERIFY_BLOCK ? (size_t)(bs->size - off) : VERIFY_BLOCK;
		ssize_t n = nl_bytesource_pread(bs, buf, want, off);

		if (n < 0 || (size_t)n < want) {
			rc = n < 0 ? (int)n : -EIO;
			nl_set_err(err, errlen, "cannot read the media at byte %llu: %s",
				   (unsigned long long)(off + (n > 0 ? (uint64_t)n : 0)),
				   strerror(-rc));
			break;
		}
		nl_digest_update(d, buf, want);
		off += want;
		if (too_damaged(bs, off, err, errlen)) {
			rc = -EIO;
			break;
		}
		if (progress && progress(ctx, off, bs->size) != 0) {
			rc = -ECANCELED;
			nl_set_err(err, errlen, "verification stopped");
			break;
		}
	}
	free(buf);
	return rc;
}

int nl_image_verify(const char *path, enum nl_image_format fmt, nl_progress_fn progress,
		    void *ctx, struct nl_image_verify *out, char *err, size_t errlen)
{
	struct nl_bytesource *bs = NULL;
	struct nl_digest d;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = nl_bytesource_open(path, fmt, &bs, err, errlen);
	if (rc < 0)
		return rc;
	out->format = bs->format;
	out->size = bs->size;
	memcpy(out->stored_md5, bs->meta.md5, sizeof(out->stored_md5));
	memcpy(out->stored_sha1, bs->meta.sha1, sizeof(out->stored_sha1));
	if (bs->ops->as_stored)
		bs->ops->as_stored(bs);
	nl_digest_init(&d);
	rc = hash_media(bs, &d, progress, ctx, err, errlen);
	if (rc == 0) {
		nl_digest_final(&d, out->md5, out->sha1);
		if (bs->ops->damage)
			bs->ops->damage(bs, out);
	}
	nl_bytesource_close(&bs);
	return rc;
}
