/* pathindex.c: the sorted directory paths of a model, and the keys that sort names by path without their paths. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/scan.h>

#define ARENA_BLOCK (1u << 20)

/* A directory record and the index of its path among the sorted ones. */
struct dir_rank {
	uint64_t mft;
	uint32_t idx;
};

/* Paths in an arena, with their lengths and records (UINT64_MAX: a prefix). */
struct dir_list {
	const char **p;
	uint32_t *len;
	uint64_t *mft;
	size_t n, cap;
	char **blocks;
	size_t nblocks, used;
};

struct nl_path_index {
	const nl_model *m;
	struct dir_list d;	/* sorted */
	uint32_t *end;		/* end of each path's subtree */
	uint16_t *slashes;	/* '/' in each path */
	struct dir_rank *rank;	/* by record number: the directories keys are built on */
	size_t nrank;
};

static int list_grow(struct dir_list *d)
{
	size_t cap = d->cap ? d->cap * 2 : 1024;
	const char **p = realloc(d->p, cap * sizeof(*p));
	uint32_t *l;
	uint64_t *m;

	if (!p)
		return -ENOMEM;
	d->p = p;
	l = realloc(d->len, cap * sizeof(*l));
	if (!l)
		return -ENOMEM;
	d->len = l;
	m = realloc(d->mft, cap * sizeof(*m));
	if (!m)
		return -ENOMEM;
	d->mft = m;
	d->cap = cap;
	return 0;
}

/* Room for @len + 1 bytes in the arena; NULL on ENOMEM. */
static char *list_space(struct dir_list *d, size_t len)
{
	size_t sz;
	char **b;

	if (d->nblocks && d->used + len + 1 <= ARENA_BLOCK) {
		d->used += len + 1;
		return d->blocks[d->nblocks - 1] + d->used - len - 1;
	}
	sz = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
	b = realloc(d->blocks, (d->nblocks + 1) * sizeof(*b));
	if (!b)
		return NULL;
	d->blocks = b;
	b[d->nblocks] = malloc(sz);
	if (!b[d->nblocks])
		return NULL;
	d->used = len + 1 > ARENA_BLOCK ? sz : len + 1;
	return b[d->nblocks++];
}

static int list_add(struct dir_list *d, const char *path, size_t len, uint64_t mft)
{
	char *dst;

	if (d->n == d->cap && list_grow(d) < 0)
		return -ENOMEM;
	dst = list_space(d, len);
	if (!dst)
		return -ENOMEM;
	memcpy(dst, path, len);
	dst[len] = '\0';
	d->p[d->n] = dst;
	d->len[d->n] = (uint32_t)len;
	d->mft[d->n] = mft;
	d->n++;
	return 0;
}

static void list_free(struct dir_list *d)
{
	for (size_t i = 0; i < d->nblocks; i++)
		free(d->blocks[i]);
	free(d->blocks);
	free(d->p);
	free(d->len);
	free(d->mft);
	memset(d, 0, sizeof(*d));
}

/* Move the paths of @src (and its arena blocks) to the end of @dst; empties @src. */
static int list_adopt(struct dir_list *dst, struct dir_list *src)
{
	char **b = realloc(dst->blocks, (dst->nblocks + src->nblocks + 1) * sizeof(*b));

	if (!b)
		return -ENOMEM;
	dst->blocks = b;
	for (size_t i = 0; i < src->nblocks; i++)
		dst->blocks[dst->nblocks++] = src->blocks[i];
	src->nblocks = 0;
	dst->used = ARENA_BLOCK; /* a later list_add() starts a block of its own */
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n == dst->cap && list_grow(dst) < 0)
			return -ENOMEM;
		dst->p[dst->n] = src->p[i];
		dst->len[dst->n] = src->len[i];
		dst->mft[dst->n] = src->mft[i];
		dst->n++;
	}
	list_free(src);
	return 0;
}

/* ---- collecting the paths (two threads) ---------------------------------------- */

/* One thread's share: the directories among records lo .. hi-1. */
struct part {
	const nl_model *m;
	unsigned filter;
	uint64_t lo, hi;
	struct dir_list d;
	int rc;
};

static void collect_range(struct part *p)
{
	size_t cap = 4096, len;
	char *buf = malloc(cap);
	uint64_t cursor = p->lo, mft;
	int rc;

	if (!buf) {
		p->rc = -ENOMEM;
		return;
	}
	while (nl_model_next(p->m, p->filter, &cursor, &mft) == 0 && mft < p->hi) {
		rc = nl_model_record_path(p->m, mft, buf, cap, &len, NULL);
		if (rc == -ERANGE) {
			char *nb = malloc(len + 1);

			if (!nb) {
				p->rc = -ENOMEM;
				break;
			}
			free(buf);
			buf = nb;
			cap = len + 1;
			rc = nl_model_record_path(p->m, mft, buf, cap, &len, NULL);
		}
		if (rc == 0 && list_add(&p->d, buf, len, mft) < 0) {
			p->rc = -ENOMEM;
			break;
		}
	}
	free(buf);
}

static void *collect_worker(void *arg)
{
	collect_range(arg);
	return NULL;
}

/* The orphan prefixes, then every directory: this thread the first half of
 * the records, a worker the second half. */
static int collect_dirs(const nl_model *m, unsigned flags, struct dir_list *out)
{
	struct nl_scan_stats st;
	struct part p1, p2;
	pthread_t th;
	bool threaded = false;
	int rc;

	memset(&p1, 0, sizeof(p1));
	memset(&p2, 0, sizeof(p2));
	p1.m = p2.m = m;
	p1.filter = p2.filter = NL_ITER_DIRS | (flags & NL_ITER_DELETED);
	p1.hi = p2.hi = UINT64_MAX;
	if (list_add(&p1.d, NL_ORPHAN_PREFIX, strlen(NL_ORPHAN_PREFIX), UINT64_MAX) < 0 ||
	    list_add(&p1.d, NL_ORPHAN_PREFIX "/$Loop", strlen(NL_ORPHAN_PREFIX "/$Loop"),
		     UINT64_MAX) < 0) {
		list_free(&p1.d);
		return -ENOMEM;
	}
	nl_model_stats(m, &st);
	if (st.mft_records > 1) {
		p2.lo = st.mft_records / 2;
		if (pthread_create(&th, NULL, collect_worker, &p2) == 0) {
			threaded = true;
			p1.hi = p2.lo;
		}
	}
	collect_range(&p1);
	if (threaded)
		pthread_join(th, NULL);
	rc = p1.rc ? p1.rc : p2.rc;
	if (rc == 0)
		rc = list_adopt(&p1.d, &p2.d);
	list_free(&p2.d);
	if (rc < 0) {
		list_free(&p1.d);
		return rc;
	}
	*out = p1.d;
	return 0;
}

/* ---- sorting them ----------------------------------------------------------------- */

int nl_path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen, i = 0;

	/* skip the common prefix a word at a time */
	while (i + 8 <= n) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
		i += 8;
	}
	for (; i < n; i++) {
		unsigned ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (ca == cb)
			continue;
		if (ca == '/')
			return -1;
		if (cb == '/')
			return 1;
		return ca < cb ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int idx_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct dir_list *d = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return nl_path_cmp(d->p[a], d->len[a], d->p[b], d->len[b]);
}

static int rank_cmp(const void *pa, const void *pb)
{
	const struct dir_rank *a = pa, *b = pb;

	return a->mft < b->mft ? -1 : a->mft > b->mft;
}

/* Sort the paths of @d in place (through an index: paths, lengths and
 * records move together). */
static int sort_list(struct dir_list *d)
{
	uint32_t *idx = malloc(d->n * sizeof(*idx));
	const char **p = malloc(d->n * sizeof(*p));
	uint32_t *l = malloc(d->n * sizeof(*l));
	uint64_t *m = malloc(d->n * sizeof(*m));

	if (!idx || !p || !l || !m) {
		free(idx);
		free(p);
		free(l);
		free(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->n; i++)
		idx[i] = (uint32_t)i;
	qsort_r(idx, d->n, sizeof(*idx), idx_cmp, d);
	for (size_t i = 0; i < d->n; i++) {
		p[i] = d->p[idx[i]];
		l[i] = d->len[idx[i]];
		m[i] = d->mft[idx[i]];
	}
	free(idx);
	free(d->p);
	free(d->len);
	free(d->mft);
	d->p = p;
	d->len = l;
	d->mft = m;
	d->cap = d->n;
	return 0;
}

/* Is @path (length @len) below @dir (length @dlen) — inside its subtree? */
static bool path_below(const char *dir, size_t dlen, const char *path, size_t len)
{
	if (dlen == 1) /* the root "/" */
		return len > 1 && path[0] == '/';
	return len > dlen && path[dlen] == '/' && memcmp(dir, path, dlen) == 0;
}

static bool is_orphan_path(const char *p, size_t len)
{
	size_t n = strlen(NL_ORPHAN_PREFIX);

	return len >= n && memcmp(p, NL_ORPHAN_PREFIX, n) == 0 && (len == n || p[n] == '/');
}

static bool same_path(const struct dir_list *d, size_t i, size_t j)
{
	return j < d->n && d->len[i] == d->len[j] && memcmp(d->p[i], d->p[j], d->len[i]) == 0;
}

/* Subtree ends (a stack of the open ancestors), depths, and the record ->
 * index table of the paths keys can be built on: not the orphan ones (their
 * names' paths are built differently) and not two folders with one path. */
static int build_tables(nl_path_index *ix)
{
	const struct dir_list *d = &ix->d;
	uint32_t *stack = malloc(d->n * sizeof(*stack));
	size_t top = 0;

	ix->end = malloc(d->n * sizeof(*ix->end));
	ix->slashes = malloc(d->n * sizeof(*ix->slashes));
	ix->rank = malloc(d->n * sizeof(*ix->rank));
	if (!stack || !ix->end || !ix->slashes || !ix->rank) {
		free(stack);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->n; i++) {
		unsigned sl = 0;

		while (top && !path_below(d->p[stack[top - 1]], d->len[stack[top - 1]],
					  d->p[i], d->len[i]))
			ix->end[stack[--top]] = (uint32_t)i;
		stack[top++] = (uint32_t)i;
		for (size_t k = 0; k < d->len[i]; k++)
			sl += d->p[i][k] == '/';
		ix->slashes[i] = sl > 0xFFFF ? 0xFFFF : (uint16_t)sl;
		if (d->mft[i] == UINT64_MAX || is_orphan_path(d->p[i], d->len[i]) ||
		    (i > 0 && same_path(d, i, i - 1)) || same_path(d, i, i + 1))
			continue;
		ix->rank[ix->nrank].mft = d->mft[i];
		ix->rank[ix->nrank].idx = (uint32_t)i;
		ix->nrank++;
	}
	while (top)
		ix->end[stack[--top]] = (uint32_t)d->n;
	free(stack);
	qsort(ix->rank, ix->nrank, sizeof(*ix->rank), rank_cmp);
	return 0;
}

int nl_path_index_build(const nl_model *m, unsigned flags, nl_path_index **out)
{
	nl_path_index *ix = calloc(1, sizeof(*ix));
	int rc;

	*out = NULL;
	if (!ix)
		return -ENOMEM;
	ix->m = m;
	rc = collect_dirs(m, flags, &ix->d);
	if (rc == 0)
		rc = sort_list(&ix->d);
	if (rc == 0)
		rc = build_tables(ix);
	if (rc < 0) {
		nl_path_index_free(&ix);
		return rc;
	}
	*out = ix;
	return 0;
}

void nl_path_index_free(nl_path_index **ixp)
{
	nl_path_index *ix = *ixp;

	if (!ix)
		return;
	list_free(&ix->d);
	free(ix->end);
	free(ix->slashes);
	free(ix->rank);
	free(ix);
	*ixp = NULL;
}

/* ---- keys --------------------------------------------------------------------- */

/* The index of directory record @mft's path for keys, or NL_PATH_NO_DIR. */
static uint32_t dir_index(const nl_path_index *ix, uint64_t mft)
{
	size_t lo = 0, hi = ix->nrank;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->rank[mid].mft < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nrank && ix->rank[lo].mft == mft ? ix->rank[lo].idx : NL_PATH_NO_DIR;
}

/* Number of directory paths that sort before @path. */
static uint32_t lower_bound(const struct dir_list *d, const char *path, size_t len)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (nl_path_cmp(d->p[mid], d->len[mid], path, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/*
 * Number of directory paths that sort before DIR/NAME, DIR being path @k:
 * every path up to DIR itself, then those of DIR's subtree (the paths right
 * after it) whose part after "DIR/" sorts before NAME.
 */
static uint32_t lower_bound_in(const nl_path_index *ix, uint32_t k, const char *name,
			       size_t nlen)
{
	const struct dir_list *d = &ix->d;
	size_t off = d->len[k] == 1 ? 1 : d->len[k] + 1;
	size_t lo = k + 1, hi = ix->end[k];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (nl_path_cmp(d->p[mid] + off, d->len[mid] - off, name, nlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/* The index of @nm's parent's sorted path when @nm's path is that path plus
 * its name, else NL_PATH_NO_DIR. */
static uint32_t name_dir(const nl_path_index *ix, const struct nl_name *nm)
{
	if (nm->orphan || nm->mft == NL_ROOT_MFT || nm->parent == nm->mft || nm->len > 2047 ||
	    memchr(nm->name, '/', nm->len) != NULL)
		return NL_PATH_NO_DIR;
	return dir_index(ix, nm->parent);
}

/* The position and depth of a name whose path must be built. */
static int key_from_path(const nl_path_index *ix, uint32_t id, uint32_t *pos, uint32_t *depth)
{
	char stackbuf[4096], *buf = stackbuf;
	size_t len;
	int rc = nl_model_name_path(ix->m, id, buf, sizeof(stackbuf), &len, NULL);

	if (rc == -ERANGE) {
		buf = malloc(len + 1);
		if (!buf)
			return -ENOMEM;
		rc = nl_model_name_path(ix->m, id, buf, len + 1, &len, NULL);
	}
	if (rc == 0) {
		*depth = 0;
		for (size_t i = 0; i < len; i++)
			*depth += buf[i] == '/';
		*pos = lower_bound(&ix->d, buf, len);
	}
	if (buf != stackbuf)
		free(buf);
	return rc;
}

int nl_path_key(const nl_path_index *ix, const struct nl_name *nm, unsigned flags,
		struct nl_path_key *key)
{
	uint32_t depth, pos, k = name_dir(ix, nm);

	if (k != NL_PATH_NO_DIR) {
		depth = ix->d.len[k] == 1 ? 1 : ix->slashes[k] + 1u;
		pos = lower_bound_in(ix, k, nm->name, nm->len);
	} else {
		int rc = key_from_path(ix, nm->id, &pos, &depth);

		if (rc < 0)
			return rc;
	}
	key->mft = nm->mft;
	key->name_id = nm->id;
	key->pos = pos;
	key->depth = depth > 0x1FFF ? 0x1FFF : depth;
	key->name = nm->name;
	key->nlen = nm->len > 2047 ? 2047 : nm->len; /* cannot be: 255 units at most */
	key->by_dir = 0;
	key->dos = NULL;
	if ((flags & NL_PATH_KEY_BY_DIR) && k != NL_PATH_NO_DIR &&
	    (!nm->dos_alias || strnlen(nm->dos_alias, nm->dos_len + 1) == nm->dos_len)) {
		key->by_dir = 1;
		key->dir = k;
		key->dos = nm->dos_alias;
	}
	return 0;
}

int nl_path_key_cmp(const struct nl_path_key *a, const struct nl_path_key *b)
{
	int c;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	if (a->depth != b->depth)
		return a->depth > b->depth ? -1 : 1;	/* deeper first */
	/* same folder: compare the names themselves */
	c = memcmp(a->name, b->name, a->nlen < b->nlen ? a->nlen : b->nlen);
	if (c)
		return c;
	if (a->nlen != b->nlen)
		return a->nlen < b->nlen ? -1 : 1;
	if (a->mft != b->mft)
		return a->mft < b->mft ? -1 : 1;
	/* the same name twice in one folder (corrupt): where the model keeps it */
	return (uintptr_t)a->name < (uintptr_t)b->name ? -1 : (uintptr_t)a->name > (uintptr_t)b->name;
}

int nl_path_key_path(const nl_path_index *ix, const struct nl_path_key *key, char *buf,
		     size_t bufsize, size_t *len)
{
	const struct dir_list *d = &ix->d;
	size_t plen;

	if (!key->by_dir || key->dir >= d->n)
		return nl_model_name_path(ix->m, key->name_id, buf, bufsize, len, NULL);
	plen = d->len[key->dir];
	*len = plen + (plen != 1) + key->nlen;
	if (*len + 1 > bufsize)
		return -ERANGE;
	memcpy(buf, d->p[key->dir], plen);
	if (plen != 1)
		buf[plen++] = '/';
	memcpy(buf + plen, key->name, key->nlen);
	buf[plen + key->nlen] = '\0';
	return 0;
}

const char *nl_path_key_dos(const nl_path_index *ix, const struct nl_path_key *key,
			    size_t *len)
{
	struct nl_name nm;

	if (key->by_dir) {
		if (key->dos)
			*len = strlen(key->dos);
		return key->dos;
	}
	if (nl_model_name_get(ix->m, key->name_id, &nm) < 0 || !nm.dos_alias)
		return NULL;
	*len = nm.dos_len;
	return nm.dos_alias;
}
