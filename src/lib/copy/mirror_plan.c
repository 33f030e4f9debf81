/* mirror_plan.c: Smart Mirror's plan: the destination folder read as a tree, each node of the copy plan set against the entry at its path (kept, set in place, or made anew), hardlink groups matched to the files that keep them, and what of the destination goes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/ondisk.h>

#include "copy/mirror_int.h"

/* Attribute bits set in place: those a destination sets, but for the ones
 * that mounts and copies set their own way; compression and sparseness
 * belong to the data (a file that differs in them is copied again). */
#define MR_FA_META (CP_FA_SETTABLE & ~(NL_FA_ARCHIVE | NL_FA_NORMAL | NL_FA_REPARSE_POINT | \
				       NL_FA_COMPRESSED))
#define MR_FA_DATA (NL_FA_COMPRESSED | NL_FA_SPARSE | NL_FA_ENCRYPTED)

/* ---- the destination's tree --------------------------------------------------------- */

static int load_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)done;
	(void)total;
	return cp_progress(ctx);
}

/* The destination folder opened as a source: through the writer of an image
 * (or read-only in a dry run), or as a host folder. */
static int open_dest(struct mirror *m)
{
	struct nl_copy *c = m->c;
	struct cp_dst *d = c->dst;
	struct cp_src *s = calloc(1, sizeof(*s));
	char err[NL_COPY_ERRLEN_INTERNAL] = "";
	int rc;

	if (!s)
		return -ENOMEM;
	m->ds = s;
	s->index = UINT32_MAX;
	s->spec = strdup(d->spec);
	s->image = strdup(d->image);
	if (!s->spec || !s->image)
		return -ENOMEM;
	if (d->kind == CP_EP_IMAGE) {
		struct nl_writer *w = cp_dst_ntfs_writer(d);

		s->shared = w != NULL;
		rc = w ? cp_src_ntfs_open_shared(s, w, d->vol_key, d->path, err, sizeof(err))
		       : cp_src_ntfs_open(s, d->image, d->path, err, sizeof(err));
	} else {
		rc = cp_src_dir_open(s, d->path, d->kind == CP_EP_NTFS3G, err, sizeof(err));
	}
	if (rc)
		cp_set_err(c, "cannot read the destination: %s", *err ? err : strerror(-rc));
	return rc;
}

size_t mr_find(const struct mirror *m, const char *rel)
{
	size_t lo = 0, hi = m->t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = df_path_cmp(m->t->e[mid].rel, rel);

		if (!r)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/* The entry at the path of node @n, or SIZE_MAX (also when out of memory: then made anew). */
static size_t find_node(const struct mirror *m, const struct cp_node *n)
{
	char *rel = cp_node_destrel(n), *key = rel ? xasprintf("/%s", rel) : NULL;
	size_t i = key ? mr_find(m, key) : SIZE_MAX;

	free(rel);
	free(key);
	return i;
}

/* ---- comparing one node with the entry at its path --------------------------------- */

static bool same_bytes(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	return la == lb && (!la || (a && b && !memcmp(a, b, la)));
}

static bool is_folder(const struct cp_node *n)
{
	return n->st.is_dir && !is_link_stat(&n->st) && !n->linux_symlink;
}

/* Is entry @e what the copy would make of @n (its kind, and for links and
 * other reparse points the data the copy writes)? */
static bool same_kind(const struct mirror *m, const struct cp_node *n, const struct cp_stat *e)
{
	const struct cp_dst *d = m->c->dst;

	if (e->err)
		return false;
	if (n->linux_symlink)
		return e->type == CP_T_LSYMLINK && e->lnk && n->new_target &&
		       !strcmp(e->lnk, n->new_target);
	if (is_link_stat(&n->st))
		return e->type == CP_T_REPARSE && e->is_dir == n->st.is_dir &&
		       same_bytes(n->rp ? n->rp : n->st.reparse, n->rp ? n->rp_len : n->st.reparse_len,
				  e->reparse, e->reparse_len);
	switch (n->st.type) {
	case CP_T_DIR:
		return e->type == CP_T_DIR;
	case CP_T_FILE:
		return e->type == CP_T_FILE;
	case CP_T_REPARSE:
		if (!d->ntfs)	/* the reparse point is dropped */
			return e->type == (n->st.is_dir ? CP_T_DIR : CP_T_FILE);
		return e->type == CP_T_REPARSE && e->is_dir == n->st.is_dir &&
		       same_bytes(n->st.reparse, n->st.reparse_len, e->reparse, e->reparse_len);
	default:
		return false;
	}
}

/* The DOS name of @st found by the name @leaf, NULL when none or when it is
 * the name itself in capitals (as diff counts it). */
static const char *dos_of(const struct cp_stat *st, const char *leaf)
{
	if (!st->dos_name || !strcasecmp(leaf, st->dos_name))
		return NULL;
	return st->dos_name;
}

/* Does the file of entry @e have names outside the destination? */
static bool shared_outside(const struct mirror *m, const struct df_entry *e)
{
	return e->st.nlink > m->t->files[e->file].nnames;
}

/* Does the DOS name of @n (what the copy gives it) differ from that of @e?
 * A file has one DOS name: one that has names outside the destination (an
 * older backup set) and none here keeps it there, so a name without one
 * that should have one is not a difference (replacing the file for it would
 * end the sharing that a DeLorean set is made of). */
static bool dos_differs(const struct mirror *m, const struct cp_node *n, const struct df_entry *e)
{
	const char *leaf = strrchr(e->rel, '/'), *a, *b;

	if (!m->c->dst->ntfs || !leaf)
		return false;
	a = n->src_name ? NULL : dos_of(&n->st, n->name);
	b = dos_of(&e->st, leaf + 1);
	if (a && !b && shared_outside(m, e))
		return false;
	return (a || b) && (!a || !b || strcmp(a, b));
}

uint32_t mr_meta_diff(const struct mirror *m, const struct cp_stat *want, const struct cp_stat *e)
{
	const struct cp_dst *d = m->c->dst;
	/* a folder read on the host has its access time moved by the reading
	   itself (folders listed, links read): only an image's is compared */
	bool atime = m->c->src[0]->kind == CP_EP_IMAGE;
	uint32_t u = 0;

	if (want->has_times && e->has_times &&
	    (want->t.mtime != e->t.mtime || (atime && want->t.atime != e->t.atime) ||
	     (d->ntfs && want->t.crtime != e->t.crtime)))
		u |= MR_UPD_TIMES;
	if (d->ntfs && ((want->attrs ^ e->attrs) & MR_FA_META))
		u |= MR_UPD_ATTRS;
	else if (!d->ntfs && !want->is_dir && ((want->attrs ^ e->attrs) & NL_FA_READONLY))
		u |= MR_UPD_ATTRS;
	return u;
}

static void on_cmp(void *ctx, const struct nl_diff_event *ev)
{
	struct mirror *m = ctx;

	m->cmp_seen |= 1u << ev->what;
}

/* With checksum: the data streams of @n and @e byte for byte, and their
 * security descriptors. false when the data differs (or cannot be read). */
static int checksum_same(struct mirror *m, struct cp_node *n, const struct df_entry *e,
			 bool *same)
{
	const struct cp_dst *d = m->c->dst;
	struct df_entry ea;
	char *sp = cp_node_srcpath(n);
	int rc;

	if (!sp)
		return -ENOMEM;
	memset(&ea, 0, sizeof(ea));
	ea.rel = sp;
	ea.st = n->st;
	m->cmp_seen = 0;
	rc = df_compare_content(&m->cmp, &ea, e);
	free(sp);
	/* a plain Linux folder drops named streams and security descriptors */
	*same = !(m->cmp_seen & (1u << NL_DIFF_DATA | 1u << NL_DIFF_ERROR |
				 (d->ntfs ? 1u << NL_DIFF_STREAMS : 0)));
	if (m->cmp_seen & 1u << NL_DIFF_SECURITY && mr_wants_acl(m, n))
		n->upd |= MR_UPD_SECURITY;
	return rc;
}

bool mr_wants_acl(const struct mirror *m, const struct cp_node *n)
{
	return !m->c->o.no_acl && m->c->dst->ntfs && n->src && n->src->kind != CP_EP_DIR;
}

/* Is the data of file @n that of @e: sizes (of the streams the copy keeps),
 * modification time, and with checksum the bytes? */
static int same_data(struct mirror *m, struct cp_node *n, const struct df_entry *e, bool *same)
{
	const struct cp_dst *d = m->c->dst;
	const struct cp_stat *a = &n->st, *b = &e->st;

	if (d->ntfs)
		*same = a->size == b->size && a->named_size == b->named_size &&
			!((a->attrs ^ b->attrs) & MR_FA_DATA);
	else
		*same = a->size - a->named_size == b->size - b->named_size;
	if (*same && a->has_times && b->has_times)
		*same = a->t.mtime == b->t.mtime;
	if (*same && m->c->o.checksum)
		return checksum_same(m, n, e, same);
	return 0;
}

/* ---- matching the plan with the destination ------------------------------------------ */

/* Entry @i and everything below it are left alone. */
static void leave(struct mirror *m, size_t i)
{
	const char *rel = m->t->e[i].rel;

	m->fate[i] = MR_LEAVE;
	for (size_t k = i + 1; k < m->t->n && path_under(m->t->e[k].rel, rel); k++)
		m->fate[k] = MR_LEAVE;
}

/* Node @n, found as entry @i: kept, a candidate, or made anew (the entry deleted). */
static int match_node(struct mirror *m, struct cp_node *n, size_t i)
{
	struct df_entry *e = &m->t->e[i];
	bool same = false;
	int rc;

	n->have = i + 1;
	m->node_of[i] = n;
	if (!n->create) {
		if (n->action == NL_COPY_ACT_CROPPED || n->action == NL_COPY_ACT_DANGLING ||
		    n->action == NL_COPY_ACT_LOOP)
			m->why[i] = MR_WHY_LEFT_OUT;
		else
			leave(m, i);	/* excluded, or not read: what is there stays */
		return 0;
	}
	m->why[i] = MR_WHY_KIND;
	if (!same_kind(m, n, &e->st))
		return 0;
	if (n->st.sd_hash && e->st.sd_hash && n->st.sd_hash != e->st.sd_hash &&
	    mr_wants_acl(m, n))
		n->upd |= MR_UPD_SECURITY;
	if (dos_differs(m, n, e)) {
		m->why[i] = MR_WHY_DOS;
		return 0;
	}
	if (is_folder(n) || is_link_stat(&n->st) || n->linux_symlink || !n->group) {
		/* a folder, a link, or a reparse point without data: kept as it is */
		n->kept = true;
		n->create = false;
		n->upd |= mr_meta_diff(m, &n->st, &e->st);
		m->fate[i] = MR_KEEP;
		return 0;
	}
	m->why[i] = MR_WHY_DATA;
	rc = same_data(m, n, e, &same);
	if (same)
		n->upd |= MR_CAND | mr_meta_diff(m, &n->st, &e->st);
	return rc;
}

/* Pre-order over the plan, into kept folders only (below a folder made anew
 * everything is new): each node with the entry at its path. */
static int match_all(struct mirror *m)
{
	struct cp_node *top = m->c->top;
	int rc = 0;

	for (struct cp_node *n = top->child; n && !rc; n = cp_next_pre(n, top, n->kept)) {
		size_t i = find_node(m, n);

		if (i != SIZE_MAX)
			rc = match_node(m, n, i);
	}
	return rc;
}


/* Each hardlink group keeps the file of its first candidate, when that file
 * is not another group's and may be set in place (or needs nothing). */
static void claim_files(struct mirror *m)
{
	struct cp_node *top = m->c->top;

	for (struct cp_node *n = top->child; n; n = cp_next_pre(n, top, n->kept)) {
		struct df_entry *e;
		struct cp_group *g = n->group;

		if (!(n->upd & MR_CAND) || !g || g->mirror_file)
			continue;
		e = &m->t->e[n->have - 1];
		if (e->file == SIZE_MAX || m->claim[e->file])
			continue;
		if ((n->upd & ~MR_CAND) && shared_outside(m, e)) {
			m->why[n->have - 1] = MR_WHY_SHARED;
			continue;
		}
		g->mirror_file = e->file + 1;
		m->claim[e->file] = g;
	}
}

/* The names of a group on its kept file stay; a group with none keeps no file. */
static void keep_names(struct mirror *m)
{
	struct cp_node *top = m->c->top;

	for (struct cp_node *n = top->child; n; n = cp_next_pre(n, top, n->kept)) {
		struct cp_group *g = n->group;
		struct df_entry *e;

		if (!(n->upd & MR_CAND))
			continue;
		n->upd &= ~MR_CAND;
		e = &m->t->e[n->have - 1];
		if (!g || g->mirror_file != e->file + 1) {
			m->why[n->have - 1] = m->why[n->have - 1] == MR_WHY_SHARED ? MR_WHY_SHARED
										  : MR_WHY_GROUP;
			continue;
		}
		n->kept = true;
		n->create = false;
		m->fate[n->have - 1] = MR_KEEP;
		/* the copy links the other names to it: by reference in an image */
		n->dh.ref = m->c->dst->kind == CP_EP_IMAGE ? e->st.mref : 0;
		n->dh.fd = -1;
		if (!g->made++) {
			g->state = 1;
			g->first = n;
		}
	}
}

/* After the groups: what a group's names made anew are, and the bytes to write. */
static void settle(struct mirror *m)
{
	struct nl_copy *c = m->c;
	struct cp_node *top = c->top;

	for (size_t h = 0; h < c->htcap; h++)
		for (struct cp_group *g = c->ht[h]; g; g = g->hnext)
			if (g->mirror_file && !g->made) {
				m->claim[g->mirror_file - 1] = NULL;
				g->mirror_file = 0;
			}
	c->st.bytes_total = 0;
	for (struct cp_node *n = top->child; n; n = cp_next_pre(n, top, n->create || n->kept)) {
		struct cp_group *g = n->group;

		if (!n->create)
			continue;
		if (g && g->mirror_file && !n->unrolled)
			n->action = NL_COPY_ACT_HARDLINKED;
		if (!g || (!g->mirror_file && g->first == n))
			c->st.bytes_total += cp_node_bytes(c, n);
	}
}

/* Entries under a deleted folder say so; the deletions are counted. */
static void count_deletions(struct mirror *m)
{
	for (size_t i = 1; i < m->t->n; i++) {
		const char *rel = m->t->e[i].rel, *slash = strrchr(rel, '/');
		size_t p;

		if (m->fate[i] != MR_DELETE)
			continue;
		m->deletions++;
		if (slash && slash != rel) {
			char *up = strndup(rel, (size_t)(slash - rel));

			p = up ? mr_find(m, up) : SIZE_MAX;
			free(up);
			if (p != SIZE_MAX && m->fate[p] == MR_DELETE)
				m->why[i] = MR_WHY_INSIDE;
		}
	}
	m->c->st.items_total += m->deletions;
}

static int plan_arrays(struct mirror *m)
{
	size_t n = m->t->n ? m->t->n : 1;

	m->node_of = calloc(n, sizeof(*m->node_of));
	m->fate = calloc(n, 1);
	m->why = calloc(n, 1);
	m->claim = calloc(m->t->nfiles ? m->t->nfiles : 1, sizeof(*m->claim));
	if (!m->node_of || !m->fate || !m->why || !m->claim)
		return -ENOMEM;
	if (m->t->n)
		m->fate[0] = MR_KEEP;	/* the root */
	return 0;
}

/* The comparison of contents (checksum): the source seen from "/", the destination. */
static int cmp_init(struct mirror *m)
{
	m->src_abs = *m->c->src[0];
	m->src_abs.root = (char *)"/";
	m->cmp.t[0].s = &m->src_abs;
	m->cmp.t[1].s = m->ds;
	m->cmp.o.on_diff = on_cmp;
	m->cmp.o.ctx = m;
	m->cmp.bufsz = 1u << 20;
	m->cmp.buf[0] = malloc(m->cmp.bufsz);
	m->cmp.buf[1] = malloc(m->cmp.bufsz);
	return m->cmp.buf[0] && m->cmp.buf[1] ? 0 : -ENOMEM;
}

int mr_plan(struct mirror *m)
{
	int rc = open_dest(m);

	if (rc)
		return rc;
	m->ds->want_sd = m->c->src[0]->want_sd;
	m->t = &m->dd.t[0];
	m->t->s = m->ds;
	m->t->no_targets = true;
	m->dd.o.progress = load_progress;
	m->dd.o.progress_ctx = m->c;
	rc = df_tree_load(&m->dd, 0);
	if (!rc && m->c->o.checksum)
		rc = cmp_init(m);
	if (!rc)
		rc = plan_arrays(m);
	if (!rc)
		rc = match_all(m);
	if (rc)
		return rc;
	claim_files(m);
	keep_names(m);
	settle(m);
	count_deletions(m);
	return 0;
}

void mr_plan_free(struct mirror *m)
{
	df_tree_free(&m->dd.t[0]);
	free(m->cmp.buf[0]);
	free(m->cmp.buf[1]);
	free(m->node_of);
	free(m->fate);
	free(m->why);
	free(m->claim);
}
