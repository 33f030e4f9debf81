/* mirror_guard.c: the name limit a DeLorean set must keep: for every file of the destination, the names it has, the names a hardlink clone of the destination adds and those the mirror then adds and removes, checked against the volume's limit before anything is written. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>

#include "copy/mirror_int.h"

/* Tell about file @f of the destination that would pass the limit. */
static void report_over(struct mirror *m, size_t f, uint64_t has, uint64_t clone,
			uint64_t more, uint32_t limit)
{
	struct nl_copy *c = m->c;
	const struct df_entry *e = &m->t->e[m->t->files[f].first];
	struct nl_copy_event ev;
	char *src = xasprintf("%s%s", c->dst->spec, e->rel), *why;

	if (more)
		why = xasprintf("the file has %llu names, the clone would give it %llu more and "
				"the mirror %llu more: over %u", (unsigned long long)has,
				(unsigned long long)clone, (unsigned long long)more,
				(unsigned)limit);
	else
		why = xasprintf("the file has %llu names, the clone would give it %llu more: "
				"over %u", (unsigned long long)has, (unsigned long long)clone,
				(unsigned)limit);
	memset(&ev, 0, sizeof(ev));
	ev.action = NL_COPY_ACT_ERROR;
	ev.kind = NL_COPY_KIND_FILE;
	ev.source = src;
	ev.reason = why;
	ev.mft = c->dst->kind == CP_EP_IMAGE ? e->st.ino : UINT64_MAX;
	c->st.actions[NL_COPY_ACT_ERROR]++;
	if (c->o.on_action)
		c->o.on_action(c->o.action_ctx, &ev);
	free(src);
	free(why);
}

/*
 * The destination is the newest set; a new set is its hardlink clone, then
 * the source mirrored onto that with the plan made here. A file of the set
 * reaches: the names it has on the volume, plus one per name in the set (the
 * clone), then less the names the mirror deletes (deletions come first) plus
 * the names it links to it. Files that would pass the limit (cp_link_limit())
 * are reported; -EMLINK when there are any.
 */
int mr_guard(struct mirror *m)
{
	struct nl_copy *c = m->c;
	size_t nf = m->t->nfiles;
	uint64_t *add = calloc(nf ? nf : 1, sizeof(*add)), *del = calloc(nf ? nf : 1, sizeof(*del));
	uint32_t limit = cp_link_limit(c->dst);
	uint64_t over = 0;

	if (!add || !del) {
		free(add);
		free(del);
		return -ENOMEM;
	}
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create || n->kept))
		if (n->create && !n->unrolled && n->group && n->group->mirror_file)
			add[n->group->mirror_file - 1]++;
	for (size_t i = 1; i < m->t->n; i++)
		if (m->fate[i] == MR_DELETE && m->t->e[i].file != SIZE_MAX)
			del[m->t->e[i].file]++;
	for (size_t f = 0; f < nf; f++) {
		uint64_t has = m->t->e[m->t->files[f].first].st.nlink, clone = m->t->files[f].nnames;
		uint64_t more = add[f] > del[f] ? add[f] - del[f] : 0;

		if (has + clone + more > limit) {
			report_over(m, f, has, clone, more, limit);
			over++;
		}
	}
	free(add);
	free(del);
	if (over) {
		cp_set_err(c, "%llu file%s would pass %u names", (unsigned long long)over,
			   over == 1 ? "" : "s", (unsigned)limit);
		return -EMLINK;
	}
	return 0;
}
