/* digest_int.h (internal): MD5 (RFC 1321) and SHA-1 (FIPS 180-4) over a stream of bytes, to check the hashes an evidence container stores. */
#ifndef NL_DIGEST_INT_H
#define NL_DIGEST_INT_H

#include <stddef.h>
#include <stdint.h>

/* Both digests at once: the media is read once for both. */
struct nl_digest {
	uint32_t md5[4];
	uint32_t sha1[5];
	uint64_t bytes;          /* fed so far */
	uint8_t block[64];       /* a partial block */
	size_t fill;             /* bytes in @block */
};

/* nl_digest_init - start both digests. */
void nl_digest_init(struct nl_digest *d);

/* nl_digest_update - feed @len bytes at @buf. */
void nl_digest_update(struct nl_digest *d, const void *buf, size_t len);

/* nl_digest_final - end both digests and write them as lowercase hex into
 * @md5 (33 bytes) and @sha1 (41 bytes).  @d must be started again to reuse. */
void nl_digest_final(struct nl_digest *d, char md5[33], char sha1[41]);

#endif
