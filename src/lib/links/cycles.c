/* cycles.c: links that lead back to themselves through other links (nl_resolve_cycles, see resolve_int.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "links/resolve_int.h"

/* A link in a folder: the edges of a link leading into that folder. */
struct held_by {
	uint64_t folder;
	size_t link;
};

static int cmp_held_by(const void *a, const void *b)
{
	const struct held_by *x = a, *y = b;

	if (x->folder != y->folder)
		return x->folder < y->folder ? -1 : 1;
	return x->link < y->link ? -1 : x->link > y->link;
}

/* The links under folder @end (or in it): [*lo, *hi) of @hb. */
static void links_under(const struct held_by *hb, size_t nhb, uint64_t end, size_t *lo, size_t *hi)
{
	size_t a = 0, b = nhb;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (hb[mid].folder < end)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < nhb && hb[a].folder == end)
		a++;
	*hi = end ? a : *lo;
}

/* Every folder holding each link, sorted by folder (the edges, grouped by where they start). */
static int build_edges(const struct nl_rcycle *v, size_t n, const uint64_t *pool,
		       struct held_by **out, size_t *nout)
{
	size_t total = 0, k = 0;
	struct held_by *hb;

	for (size_t i = 0; i < n; i++)
		total += v[i].nfolders;
	hb = malloc((total ? total : 1) * sizeof(*hb));
	if (!hb)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < v[i].nfolders; j++)
			hb[k++] = (struct held_by){ pool[v[i].folders + j], i };
	qsort(hb, total, sizeof(*hb), cmp_held_by);
	*out = hb;
	*nout = total;
	return 0;
}

/* The working state of the strongly connected components (Tarjan, without recursion). */
struct scc {
	const struct held_by *hb;
	size_t nhb;
	size_t *index, *low, *comp, *stack, *frame_node, *frame_pos, *frame_end;
	bool *on_stack, *comp_reach;
	size_t counter, nstack, ncomp;
};

/* Close the component rooted at @root: a cycle (several links, or one
 * leading into a folder that holds it) makes each member a loop; a member
 * that is none reaches a loop when a link it leads to is or does. */
static void close_component(struct scc *g, struct nl_rcycle *v, size_t root)
{
	size_t first = g->nstack, c = g->ncomp++;
	bool cycle, reach = false;

	do
		first--;
	while (g->stack[first] != root);
	cycle = g->nstack - first > 1;
	for (size_t k = first; k < g->nstack; k++) {
		size_t m = g->stack[k], lo, hi;

		g->on_stack[m] = false;
		g->comp[m] = c;
		links_under(g->hb, g->nhb, v[m].end, &lo, &hi);
		for (size_t e = lo; e < hi; e++)
			if (g->hb[e].link == m)
				cycle = true;
	}
	for (size_t k = first; k < g->nstack; k++) {
		size_t m = g->stack[k], lo, hi;

		if (cycle)
			v[m].loop = true;
		links_under(g->hb, g->nhb, v[m].end, &lo, &hi);
		for (size_t e = lo; e < hi && !v[m].loop; e++) {
			size_t t = g->hb[e].link;

			if (g->comp[t] != c && g->comp_reach[g->comp[t]])
				v[m].reaches_loop = true;
		}
		reach = reach || v[m].loop || v[m].reaches_loop;
	}
	g->comp_reach[c] = reach;
	g->nstack = first;
}

/* Visit every link reachable from @start, closing components on the way. */
static void visit(struct scc *g, struct nl_rcycle *v, size_t start)
{
	size_t depth = 0;

	g->frame_node[0] = start;
	g->index[start] = g->low[start] = g->counter++;
	g->stack[g->nstack++] = start;
	g->on_stack[start] = true;
	links_under(g->hb, g->nhb, v[start].end, &g->frame_pos[0], &g->frame_end[0]);
	for (;;) {
		size_t u = g->frame_node[depth];

		if (g->frame_pos[depth] < g->frame_end[depth]) {
			size_t w = g->hb[g->frame_pos[depth]++].link;

			if (g->index[w] == SIZE_MAX) {
				depth++;
				g->frame_node[depth] = w;
				g->index[w] = g->low[w] = g->counter++;
				g->stack[g->nstack++] = w;
				g->on_stack[w] = true;
				links_under(g->hb, g->nhb, v[w].end, &g->frame_pos[depth],
					    &g->frame_end[depth]);
			} else if (g->on_stack[w] && g->index[w] < g->low[u]) {
				g->low[u] = g->index[w];
			}
			continue;
		}
		if (g->low[u] == g->index[u])
			close_component(g, v, u);
		if (!depth)
			return;
		depth--;
		if (g->low[u] < g->low[g->frame_node[depth]])
			g->low[g->frame_node[depth]] = g->low[u];
	}
}

int nl_resolve_cycles(struct nl_rcycle *v, size_t n, const uint64_t *pool)
{
	struct scc g = { 0 };
	struct held_by *hb = NULL;
	size_t *mem;
	int rc;

	if (!n)
		return 0;
	rc = build_edges(v, n, pool, &hb, &g.nhb);
	if (rc)
		return rc;
	g.hb = hb;
	mem = malloc(8 * n * sizeof(*mem));
	g.on_stack = calloc(n, sizeof(*g.on_stack));
	g.comp_reach = calloc(n, sizeof(*g.comp_reach));
	if (!mem || !g.on_stack || !g.comp_reach) {
		rc = -ENOMEM;
		goto out;
	}
	g.index = mem;
	g.low = mem + n;
	g.comp = mem + 2 * n;
	g.stack = mem + 3 * n;
	g.frame_node = mem + 4 * n;
	g.frame_pos = mem + 5 * n;
	g.frame_end = mem + 6 * n;
	for (size_t i = 0; i < n; i++) {
		g.index[i] = SIZE_MAX;
		g.comp[i] = SIZE_MAX;
	}
	for (size_t i = 0; i < n; i++)
		if (g.index[i] == SIZE_MAX)
			visit(&g, v, i);
out:
	free(hb);
	free(mem);
	free(g.on_stack);
	free(g.comp_reach);
	return rc;
}
