/* rows.c: the sort order of a listing's rows (small fixed-size keys), whole or in groups. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <ntfslinks/emit.h>

struct nl_rows {
	char *v;		/* the rows, @size bytes each */
	size_t size, n, cap;
	nl_row_cmp_fn cmp;
	char *tmp;		/* one row: scratch for the insertion sort */
	uint32_t *gstart;	/* groups: first row of each (added order, then sorted) */
	uint32_t *glen;		/* after sorting: rows in each */
	size_t ngroups, gcap;
	size_t grouped;		/* rows in groups so far */
};

#define ROW(r, i) ((r)->v + (size_t)(i) * (r)->size)

int nl_rows_new(size_t size, nl_row_cmp_fn cmp, nl_rows **out)
{
	nl_rows *r;

	*out = NULL;
	if (!size || !cmp)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->tmp = malloc(size);
	if (!r->tmp) {
		free(r);
		return -ENOMEM;
	}
	r->size = size;
	r->cmp = cmp;
	*out = r;
	return 0;
}

void nl_rows_free(nl_rows **rp)
{
	nl_rows *r = *rp;

	if (!r)
		return;
	free(r->v);
	free(r->tmp);
	free(r->gstart);
	free(r->glen);
	free(r);
	*rp = NULL;
}

int nl_rows_reserve(nl_rows *r, size_t n)
{
	char *v;

	if (r->n + n <= r->cap)
		return 0;
	v = realloc(r->v, (r->n + n) * r->size);
	if (!v)
		return -ENOMEM;
	r->v = v;
	r->cap = r->n + n;
	return 0;
}

int nl_rows_add(nl_rows *r, const void *row)
{
	if (r->n == r->cap && nl_rows_reserve(r, r->cap ? r->cap : 256) < 0)
		return -ENOMEM;
	memcpy(ROW(r, r->n), row, r->size);
	r->n++;
	return 0;
}

int nl_rows_group_end(nl_rows *r)
{
	if (r->grouped == r->n)
		return 0;
	if (r->ngroups == r->gcap) {
		size_t cap = r->gcap ? r->gcap * 2 : 256;
		uint32_t *g = realloc(r->gstart, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		r->gstart = g;
		r->gcap = cap;
	}
	r->gstart[r->ngroups++] = (uint32_t)r->grouped;
	r->grouped = r->n;
	return 0;
}

size_t nl_rows_count(const nl_rows *r)
{
	return r->n;
}

const void *nl_rows_at(const nl_rows *r, size_t i)
{
	return ROW(r, i);
}

size_t nl_rows_groups(const nl_rows *r)
{
	return r->ngroups;
}

const void *nl_rows_group(const nl_rows *r, size_t g, size_t *n)
{
	*n = r->glen[g];
	return ROW(r, r->gstart[g]);
}

/* Sort @n rows from @i: insertion sort for the small groups most files have. */
static void sort_run(nl_rows *r, size_t i, size_t n)
{
	if (n > 16) {
		qsort(ROW(r, i), n, r->size, r->cmp);
		return;
	}
	for (size_t k = i + 1; k < i + n; k++) {
		size_t j = k;

		memcpy(r->tmp, ROW(r, k), r->size);
		while (j > i && r->cmp(ROW(r, j - 1), r->tmp) > 0) {
			memcpy(ROW(r, j), ROW(r, j - 1), r->size);
			j--;
		}
		memcpy(ROW(r, j), r->tmp, r->size);
	}
}

/* A group: its first row and its number of rows. */
struct group {
	uint32_t start, len;
};

/* Groups by their first rows (in the rows @ctx). */
static int group_cmp(const void *pa, const void *pb, void *ctx)
{
	const nl_rows *r = ctx;

	return r->cmp(ROW(r, ((const struct group *)pa)->start),
		      ROW(r, ((const struct group *)pb)->start));
}

int nl_rows_sort(nl_rows *r)
{
	struct group *grp;
	uint32_t *len;

	if (r->ngroups && nl_rows_group_end(r) < 0)	/* the last group */
		return -ENOMEM;
	if (!r->ngroups) {
		if (r->n > 1)
			qsort(r->v, r->n, r->size, r->cmp);
		return 0;
	}
	len = realloc(r->glen, r->gcap * sizeof(*len));
	grp = malloc(r->ngroups * sizeof(*grp));
	if (len)
		r->glen = len;
	if (!len || !grp) {
		free(grp);
		return -ENOMEM;
	}
	for (size_t g = 0; g < r->ngroups; g++) {
		size_t end = g + 1 < r->ngroups ? r->gstart[g + 1] : r->n;

		grp[g].start = r->gstart[g];
		grp[g].len = (uint32_t)(end - r->gstart[g]);
		if (grp[g].len > 1)
			sort_run(r, grp[g].start, grp[g].len);
	}
	qsort_r(grp, r->ngroups, sizeof(*grp), group_cmp, r);
	for (size_t g = 0; g < r->ngroups; g++) {
		r->gstart[g] = grp[g].start;
		len[g] = grp[g].len;
	}
	free(grp);
	return 0;
}

/* Copy the rows of @src to the end of @dst, giving back @src's pages as they are copied. */
static void move_rows(nl_rows *dst, nl_rows *src)
{
	const size_t step = (size_t)1 << 20;
	long pg = sysconf(_SC_PAGESIZE);
	size_t bytes = src->n * src->size;

	for (size_t off = 0; off < bytes; off += step) {
		size_t n = bytes - off < step ? bytes - off : step;
		uintptr_t b, e;

		memcpy(ROW(dst, dst->n) + off, src->v + off, n);
		if (pg <= 0)
			continue;
		b = ((uintptr_t)src->v + off + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
		e = ((uintptr_t)src->v + off + n) & ~((uintptr_t)pg - 1);
		if (e > b)
			madvise((void *)b, e - b, MADV_DONTNEED);
	}
}

int nl_rows_merge(nl_rows *dst, nl_rows **srcp)
{
	nl_rows *src = *srcp;
	size_t base = dst->n, i = 0, j = 0, k = 0, ng = dst->ngroups + src->ngroups;
	uint32_t *gs, *gl;
	int rc = -ENOMEM;

	if (nl_rows_reserve(dst, src->n) < 0)
		goto out;
	move_rows(dst, src);
	dst->n += src->n;
	dst->grouped = dst->n;
	gs = malloc((ng + 1) * sizeof(*gs));
	gl = malloc((ng + 1) * sizeof(*gl));
	if (!gs || !gl) {
		free(gs);
		free(gl);
		goto out;
	}
	while (i < dst->ngroups || j < src->ngroups) {
		uint32_t sj = j < src->ngroups ? (uint32_t)(src->gstart[j] + base) : 0;

		if (j >= src->ngroups ||
		    (i < dst->ngroups && dst->cmp(ROW(dst, dst->gstart[i]), ROW(dst, sj)) <= 0)) {
			gs[k] = dst->gstart[i];
			gl[k++] = dst->glen[i++];
		} else {
			gs[k] = sj;
			gl[k++] = src->glen[j++];
		}
	}
	free(dst->gstart);
	free(dst->glen);
	dst->gstart = gs;
	dst->glen = gl;
	dst->ngroups = k;
	dst->gcap = ng + 1;
	rc = 0;
out:
	nl_rows_free(srcp);
	return rc;
}
