/* copy_sdcache_int.h: hashes of security descriptors by security id, so that a
 * descriptor shared by many files is read and hashed once. */
#ifndef NTFSLINKS_COPY_SDCACHE_INT_H
#define NTFSLINKS_COPY_SDCACHE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cp_sd_slot;

struct cp_sdcache {
	struct cp_sd_slot *slot;	/* open addressing; id 0 marks a free slot */
	size_t n, cap;
};

/* The hash kept for security id @id in *@hash: true when there is one. */
bool cp_sdcache_find(const struct cp_sdcache *c, uint32_t id, uint64_t *hash);
/* Keep @hash for @id (non-zero, not kept yet); a failed allocation only
 * means it will be read again. */
void cp_sdcache_put(struct cp_sdcache *c, uint32_t id, uint64_t hash);
void cp_sdcache_free(struct cp_sdcache *c);

#endif
