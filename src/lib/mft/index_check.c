/* index_check.c: a folder's $I30 B-tree walked from its root through its INDX blocks with bounds (depth, cycles, blocks named twice, entries inside their block). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian_int.h"
#include "mft/index_check_int.h"
#include "mft/record_int.h"

#define ENTRY_NODE 0x01		/* the entry ends with a subnode VCN */
#define ENTRY_END  0x02		/* the last entry of a node */
#define BLOCK_HDR  0x18		/* an INDX block's header before its index header */

/* A node being walked: the root, or a block on the path down from it. */
struct node {
	const uint8_t *hdr;	/* its index header */
	size_t pos, end;	/* the next entry and index_length, from hdr */
	int64_t vcn;		/* -1: the root */
	bool done;		/* its end entry was taken */
};

struct walk {
	const struct nl_index_src *s;
	uint32_t block, vcn_size;
	struct node path[NL_INDEX_DEPTH_MAX + 1];
	uint8_t *bufs[NL_INDEX_DEPTH_MAX + 1];	/* one block buffer per level */
	unsigned depth;		/* nodes on the path: 1 = the root alone */
	uint64_t *seen;		/* blocks read (block number + 1), open addressing */
	size_t nseen, seen_cap;
	char *why;
	size_t whylen;
};

static int damaged(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int damaged(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->why, w->whylen, fmt, ap);
	va_end(ap);
	return -EUCLEAN;
}

/* Add block @b to the blocks read: 1 when it was there already, 0, -ENOMEM. */
static int seen_add(struct walk *w, uint64_t b)
{
	size_t i;

	if ((w->nseen + 1) * 2 > w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 64;
		uint64_t *n = calloc(cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (size_t k = 0; k < w->seen_cap; k++) {
			if (!w->seen[k])
				continue;
			for (i = (size_t)(w->seen[k] * 0x9E3779B97F4A7C15ULL) & (cap - 1); n[i];
			     i = (i + 1) & (cap - 1))
				;
			n[i] = w->seen[k];
		}
		free(w->seen);
		w->seen = n;
		w->seen_cap = cap;
	}
	for (i = (size_t)((b + 1) * 0x9E3779B97F4A7C15ULL) & (w->seen_cap - 1); w->seen[i];
	     i = (i + 1) & (w->seen_cap - 1))
		if (w->seen[i] == b + 1)
			return 1;
	w->seen[i] = b + 1;
	w->nseen++;
	return 0;
}

/* The index header at @h, @room bytes available from it (@exact: its allocated size must
 * be @room, as in a block): sets @n's entries.  NULL, or the reason. */
static const char *node_init(struct node *n, const uint8_t *h, size_t room, bool exact)
{
	size_t first, len, alloc;

	if (room < 0x10)
		return "index header runs past its attribute";
	first = nl_le32(h);
	len = nl_le32(h + 4);
	alloc = nl_le32(h + 8);
	if (exact ? alloc != room : alloc > room)
		return exact ? "index size does not match its block" : "index size out of range";
	if (len > alloc || first < 0x10 || first % 8 || first > len || len - first < 0x10)
		return "index entries out of range";
	n->hdr = h;
	n->pos = first;
	n->end = len;
	n->done = false;
	return NULL;
}

/* The next entry of @n: *@has_sub when it names a subnode, at VCN *@sub.  NULL, or the
 * reason. */
static const char *node_next(struct node *n, bool *has_sub, int64_t *sub)
{
	const uint8_t *e = n->hdr + n->pos;
	size_t len, key;
	unsigned flags;

	if (n->end - n->pos < 0x10)
		return "index entry runs past its node (no end entry)";
	len = nl_le16(e + 8);
	key = nl_le16(e + 10);
	flags = nl_le16(e + 12);
	if (len < 0x10 || len % 8 || len > n->end - n->pos)
		return "index entry length out of range";
	if (!(flags & ENTRY_END) && key > len - 0x10)
		return "index key runs past its entry";
	*has_sub = flags & ENTRY_NODE;
	if (*has_sub) {
		if (len < 0x18 || (!(flags & ENTRY_END) && key > len - 0x18))
			return "subnode vcn runs past its entry";
		*sub = (int64_t)nl_le64(e + len - 8);
	}
	n->pos += len;
	if (flags & ENTRY_END)
		n->done = true;
	return NULL;
}

/* Read the block at @vcn, which node path[depth - 1] names, and put it on the path. */
static int descend(struct walk *w, int64_t vcn)
{
	const struct nl_index_src *s = w->s;
	uint64_t off, b;
	const char *r = NULL;
	uint8_t *buf;
	int rc;

	if (!s->has_alloc)
		return damaged(w, "subnode vcn %" PRId64 " but no index allocation", vcn);
	if (vcn < 0 || s->alloc_len < w->block || (uint64_t)vcn > s->alloc_len / w->vcn_size ||
	    (off = (uint64_t)vcn * w->vcn_size) > s->alloc_len - w->block)
		return damaged(w, "subnode vcn %" PRId64 " outside the index allocation of %" PRIu64
			       " bytes", vcn, s->alloc_len);
	if (off % w->block)
		return damaged(w, "subnode vcn %" PRId64 " is not at the start of a block", vcn);
	b = off / w->block;
	if (s->bitmap && (b / 8 >= s->bitmap_len || !(s->bitmap[b / 8] & (1u << (b % 8)))))
		return damaged(w, "subnode vcn %" PRId64 " is not in use in the index bitmap", vcn);
	if (w->path[w->depth - 1].vcn == vcn)
		return damaged(w, "subnode vcn %" PRId64 " is its own block", vcn);
	for (unsigned i = 1; i + 1 < w->depth; i++)
		if (w->path[i].vcn == vcn)
			return damaged(w, "subnode vcn %" PRId64 " leads back to a block above it "
				       "(a cycle)", vcn);
	rc = seen_add(w, b);
	if (rc < 0)
		return rc;
	if (rc)
		return damaged(w, "index block at vcn %" PRId64 " is named twice", vcn);
	if (w->depth > NL_INDEX_DEPTH_MAX)
		return damaged(w, "index deeper than %d levels", NL_INDEX_DEPTH_MAX);
	if (!w->bufs[w->depth] && !(w->bufs[w->depth] = malloc(w->block)))
		return -ENOMEM;
	buf = w->bufs[w->depth];
	if (s->read(s->ctx, off, buf, w->block) < 0)
		return damaged(w, "index block at vcn %" PRId64 " cannot be read", vcn);
	if (nl_usa_fixup(buf, w->block, "INDX", &r) < 0)
		return damaged(w, "index block at vcn %" PRId64 ": %s", vcn, r);
	if ((int64_t)nl_le64(buf + 0x10) != vcn)
		return damaged(w, "index block at vcn %" PRId64 " says it is at vcn %" PRId64, vcn,
			       (int64_t)nl_le64(buf + 0x10));
	r = node_init(&w->path[w->depth], buf + BLOCK_HDR, w->block - BLOCK_HDR, true);
	if (r)
		return damaged(w, "index block at vcn %" PRId64 ": %s", vcn, r);
	w->path[w->depth++].vcn = vcn;
	return 0;
}

/* The root's block size and the walk down from it. */
static int walk_all(struct walk *w)
{
	const struct nl_index_src *s = w->s;
	const char *r;

	if (s->root_len < 0x10)
		return damaged(w, "index root too short");
	w->block = nl_le32(s->root + 8);
	if (w->block < 512 || w->block > 65536 || (w->block & (w->block - 1)))
		return damaged(w, "index block size %" PRIu32 " out of range", w->block);
	/* as libntfs-3g counts: in clusters, or in 512-byte units when a block is smaller */
	w->vcn_size = s->cluster && s->cluster <= w->block ? s->cluster : 512;
	r = node_init(&w->path[0], s->root + 0x10, s->root_len - 0x10, false);
	if (r)
		return damaged(w, "index root: %s", r);
	w->path[0].vcn = -1;
	w->depth = 1;
	while (w->depth) {
		struct node *n = &w->path[w->depth - 1];
		int64_t sub = 0;
		bool has_sub = false;
		int rc;

		if (n->done) {
			w->depth--;
			continue;
		}
		r = node_next(n, &has_sub, &sub);
		if (r && n->vcn < 0)
			return damaged(w, "index root: %s", r);
		if (r)
			return damaged(w, "index block at vcn %" PRId64 ": %s", n->vcn, r);
		if (has_sub && (rc = descend(w, sub)) != 0)
			return rc;
	}
	return 0;
}

int nl_index_check(const struct nl_index_src *s, char *why, size_t whylen)
{
	struct walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.s = s;
	w.why = why;
	w.whylen = whylen;
	if (whylen)
		why[0] = '\0';
	rc = walk_all(&w);
	for (unsigned i = 0; i <= NL_INDEX_DEPTH_MAX; i++)
		free(w.bufs[i]);
	free(w.seen);
	return rc;
}
