/* index_guard.c: a folder's index read through libntfs-3g for nl_index_check() before libntfs-3g itself walks it, and the verdicts kept per folder record. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>

#include "mft/index_check_int.h"
#include "mft/index_guard_int.h"

#define WHY_MAX 160

struct verdict {
	uint64_t key;		/* record | sequence << 48, + 1 (0: a free slot) */
	char *why;		/* NULL: sound; else why it is damaged */
};

struct nl_ixguard {
	struct verdict *v;	/* open addressing, a power of two */
	size_t n, cap;
};

static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)(key * 0x9E3779B97F4A7C15ULL) & (cap - 1);
}

static struct verdict *find(struct nl_ixguard *g, uint64_t key)
{
	if (!g || !g->cap)
		return NULL;
	for (size_t i = slot_of(key, g->cap); g->v[i].key; i = (i + 1) & (g->cap - 1))
		if (g->v[i].key == key)
			return &g->v[i];
	return NULL;
}

/* Keep @why (NULL: sound) for @key.  0 or -ENOMEM. */
static int keep(struct nl_ixguard **gp, uint64_t key, const char *why)
{
	struct nl_ixguard *g = *gp;
	size_t i;

	if (!g && !(g = *gp = calloc(1, sizeof(*g))))
		return -ENOMEM;
	if ((g->n + 1) * 2 > g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		struct verdict *v = calloc(cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (size_t k = 0; k < g->cap; k++) {
			if (!g->v[k].key)
				continue;
			for (i = slot_of(g->v[k].key, cap); v[i].key; i = (i + 1) & (cap - 1))
				;
			v[i] = g->v[k];
		}
		free(g->v);
		g->v = v;
		g->cap = cap;
	}
	for (i = slot_of(key, g->cap); g->v[i].key; i = (i + 1) & (g->cap - 1))
		;
	g->v[i].key = key;
	g->v[i].why = NULL;
	if (why && !(g->v[i].why = strdup(why))) {
		g->v[i].key = 0;
		return -ENOMEM;
	}
	g->n++;
	return 0;
}

void nl_ixguard_free(struct nl_ixguard **g)
{
	if (!*g)
		return;
	for (size_t i = 0; i < (*g)->cap; i++)
		free((*g)->v[i].why);
	free((*g)->v);
	free(*g);
	*g = NULL;
}

static int read_alloc(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	ntfs_attr *na = ctx;

	if (ntfs_attr_pread(na, (s64)off, (s64)len, buf) != (s64)len)
		return -EIO;
	return 0;
}

/* The resident $INDEX_ROOT value of @dir, copied into *@root.  NULL or the reason. */
static const char *read_root(ntfs_inode *dir, uint8_t **root, size_t *len)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(dir, NULL);
	const char *r = NULL;

	*root = NULL;
	if (!ctx)
		return errno == ENOMEM ? "" : "cannot read the index root";
	if (ntfs_attr_lookup(AT_INDEX_ROOT, NTFS_INDEX_I30, 4, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		r = "no index root";
	} else if (ctx->attr->non_resident) {
		r = "index root not resident";
	} else {
		size_t alen = le32_to_cpu(ctx->attr->length);
		size_t off = le16_to_cpu(ctx->attr->value_offset);

		*len = le32_to_cpu(ctx->attr->value_length);
		if (off > alen || *len > alen - off)
			r = "index root value out of range";
		else if (!(*root = malloc(*len ? *len : 1)))
			r = "";
		else
			memcpy(*root, (const uint8_t *)ctx->attr + off, *len);
	}
	ntfs_attr_put_search_ctx(ctx);
	return r;
}

/* The index's $BITMAP of @dir (none: NULL), no longer than @alloc bytes of blocks of
 * @block bytes need.  NULL or the reason ("" for no memory). */
static const char *read_bitmap(ntfs_inode *dir, uint64_t alloc, uint32_t block, uint8_t **bm,
			       size_t *len)
{
	ntfs_attr *na = ntfs_attr_open(dir, AT_BITMAP, NTFS_INDEX_I30, 4);
	uint64_t most = (alloc / block + 7) / 8 + 8;	/* rounded up to 8 bytes on disk */
	const char *r = NULL;

	*bm = NULL;
	*len = 0;
	if (!na)
		return errno == ENOENT ? NULL : "cannot read the index bitmap";
	if ((uint64_t)na->data_size > most)
		r = "index bitmap longer than its allocation needs";
	else if (!(*bm = malloc(na->data_size ? (size_t)na->data_size : 1)))
		r = "";
	else if (ntfs_attr_pread(na, 0, na->data_size, *bm) != na->data_size)
		r = "cannot read the index bitmap";
	else
		*len = (size_t)na->data_size;
	ntfs_attr_close(na);
	return r;
}

/* Walk the index of @dir: 0, -EUCLEAN with the reason in @why, -ENOMEM. */
static int check_dir(ntfs_inode *dir, char *why, size_t whylen)
{
	ntfs_volume *vol = dir->vol;
	struct nl_index_src s = { .cluster = vol->cluster_size, .read = read_alloc };
	uint64_t vol_bytes = (uint64_t)vol->nr_clusters << vol->cluster_size_bits;
	uint8_t *root = NULL, *bm = NULL;
	ntfs_attr *na = NULL;
	const char *r;
	int rc = -EUCLEAN;

	r = read_root(dir, &root, &s.root_len);
	if (!r && s.root_len >= 12) {
		s.root = root;
		na = ntfs_attr_open(dir, AT_INDEX_ALLOCATION, NTFS_INDEX_I30, 4);
		if (!na && errno != ENOENT)
			r = "cannot read the index allocation";
		else if (na && (na->data_size < 0 || (uint64_t)na->data_size > vol_bytes))
			r = "index allocation larger than the volume";
	}
	if (!r && na) {
		uint32_t block = le32_to_cpu(*(const le32 *)(root + 8));

		s.has_alloc = true;
		s.alloc_len = (uint64_t)na->data_size;
		s.ctx = na;
		if (block >= 512)
			r = read_bitmap(dir, s.alloc_len, block, &bm, &s.bitmap_len);
		s.bitmap = bm;
	}
	if (r && !*r)
		rc = -ENOMEM;
	else if (r)
		snprintf(why, whylen, "%s", r);
	else
		rc = nl_index_check(&s, why, whylen);
	if (na)
		ntfs_attr_close(na);
	free(bm);
	free(root);
	return rc;
}

int nl_ixguard_check(struct nl_ixguard **g, ntfs_inode *dir, char *why, size_t whylen)
{
	uint64_t key = (dir->mft_no | (uint64_t)le16_to_cpu(dir->mrec->sequence_number) << 48) + 1;
	struct verdict *v = find(*g, key);
	char reason[WHY_MAX];
	int rc;

	if (!v) {
		if (!(dir->mrec->flags & MFT_RECORD_IS_DIRECTORY))
			return 0;
		rc = check_dir(dir, reason, sizeof(reason));
		if (rc == -ENOMEM)
			return rc;
		if (keep(g, key, rc ? reason : NULL))
			return -ENOMEM;
		v = find(*g, key);
	}
	if (!v->why)
		return 0;
	snprintf(why, whylen, "record %llu: damaged folder index: %s",
		 (unsigned long long)dir->mft_no, v->why);
	return -EUCLEAN;
}
