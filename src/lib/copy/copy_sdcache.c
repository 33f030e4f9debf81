/* copy_sdcache.c: hashes of security descriptors by security id (open addressing). */
#include "config.h"

#include <stdlib.h>

#include "copy/copy_sdcache_int.h"

struct cp_sd_slot {
	uint32_t id;		/* 0: free slot */
	uint64_t hash;
};

static size_t home(uint32_t id, size_t cap)
{
	return (size_t)(id * 2654435761u % cap);
}

bool cp_sdcache_find(const struct cp_sdcache *c, uint32_t id, uint64_t *hash)
{
	if (!id || !c->cap)
		return false;
	for (size_t h = home(id, c->cap); c->slot[h].id; h = (h + 1) % c->cap)
		if (c->slot[h].id == id) {
			*hash = c->slot[h].hash;
			return true;
		}
	return false;
}

/* Twice the room, the slots placed again: false when out of memory. */
static bool grow(struct cp_sdcache *c)
{
	size_t nc = c->cap ? c->cap * 2 : 64, h;
	struct cp_sd_slot *nt = calloc(nc, sizeof(*nt));

	if (!nt)
		return false;
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->slot[i].id)
			continue;
		for (h = home(c->slot[i].id, nc); nt[h].id; h = (h + 1) % nc)
			;
		nt[h] = c->slot[i];
	}
	free(c->slot);
	c->slot = nt;
	c->cap = nc;
	return true;
}

void cp_sdcache_put(struct cp_sdcache *c, uint32_t id, uint64_t hash)
{
	size_t h;

	if (!id || ((c->n + 1) * 2 > c->cap && !grow(c)))
		return;
	for (h = home(id, c->cap); c->slot[h].id; h = (h + 1) % c->cap)
		;
	c->slot[h].id = id;
	c->slot[h].hash = hash;
	c->n++;
}

void cp_sdcache_free(struct cp_sdcache *c)
{
	free(c->slot);
	c->slot = NULL;
	c->n = c->cap = 0;
}
