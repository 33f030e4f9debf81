/* mirror_exec.c: carrying out a Smart Mirror: the destination's entries that go (deepest first), then the plan in order: kept entries set in place, new ones made by the copy executor; reports, and nl_copy_run() of a mirror. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/reparse.h>

#include "copy/mirror_int.h"

static const char *const why_text[] = {
	[MR_WHY_GONE] = "not in the source",
	[MR_WHY_INSIDE] = "inside a folder that goes",
	[MR_WHY_KIND] = "replaced: the source has another kind of entry or link there",
	[MR_WHY_DATA] = "replaced: the data differs",
	[MR_WHY_GROUP] = "replaced: the name belongs to another file now",
	[MR_WHY_SHARED] = "replaced: changed, and its file has names outside the destination",
	[MR_WHY_DOS] = "replaced: the dos name differs",
	[MR_WHY_LEFT_OUT] = "the link is left out of the copy",
};

static enum nl_copy_kind kind_of(const struct cp_stat *st)
{
	switch (st->type) {
	case CP_T_DIR: return NL_COPY_KIND_FOLDER;
	case CP_T_FILE: return NL_COPY_KIND_FILE;
	case CP_T_LSYMLINK: return NL_COPY_KIND_SYMLINK;
	case CP_T_OTHER: return NL_COPY_KIND_OTHER;
	case CP_T_REPARSE: break;
	}
	if (rp_tag(st) == NL_TAG_MOUNT_POINT)
		return NL_COPY_KIND_JUNCTION;
	return rp_tag(st) == NL_TAG_SYMLINK ? NL_COPY_KIND_SYMLINK : NL_COPY_KIND_REPARSE;
}

/* Report action @a about entry @i of the destination (no source entry). */
static void report_dest(struct mirror *m, size_t i, enum nl_copy_action a, const char *reason)
{
	struct nl_copy *c = m->c;
	const char *top = m->x.top_display, *rel = m->t->e[i].rel;
	size_t tl = strlen(top);
	struct nl_copy_event ev;
	char *dst = xasprintf("%s%s", top, tl && top[tl - 1] == '/' && *rel ? rel + 1 : rel);

	memset(&ev, 0, sizeof(ev));
	ev.action = a;
	ev.kind = kind_of(&m->t->e[i].st);
	ev.dest = dst;
	ev.reason = reason;
	ev.mft = UINT64_MAX;
	c->st.actions[a]++;
	c->st.items_done++;
	if (a == NL_COPY_ACT_ERROR)
		c->partial = true;
	if (c->o.on_action)
		c->o.on_action(c->o.action_ctx, &ev);
	free(dst);
	cp_progress(c);
}

/* The folder @rel ("" the top, "/a/b" below it) of the destination, opened
 * by its names from the top; *@h to be closed. 0 or -errno. */
static int open_folder(struct mirror *m, const char *rel, struct cp_dh *h)
{
	struct cp_dst *d = m->c->dst;
	struct cp_dh cur;
	const char *q = rel, *comp;
	size_t len;
	int rc = d->ops->open_dir(d, &d->root, NULL, &cur);

	while (!rc && (len = cp_next_comp(&q, &comp))) {
		char *name = strndup(comp, len);
		struct cp_dh next;

		rc = name ? d->ops->open_dir(d, &cur, name, &next) : -ENOMEM;
		free(name);
		d->ops->close(d, &cur);
		if (rc)
			break;
		cur = next;
	}
	if (!rc)
		*h = cur;
	return rc;
}

/* The folder that holds entry @i, opened once for the entries of one folder. */
struct parent_cache {
	char *rel;
	struct cp_dh h;
	int rc;
};

static int parent_of(struct mirror *m, const char *prel, struct parent_cache *pc)
{
	struct cp_dst *d = m->c->dst;

	if (pc->rel && !strcmp(pc->rel, prel))
		return pc->rc;
	if (pc->rel && !pc->rc)
		d->ops->close(d, &pc->h);
	free(pc->rel);
	pc->rel = strdup(prel);
	pc->rc = pc->rel ? open_folder(m, prel, &pc->h) : -ENOMEM;
	if (!pc->rel)
		return -ENOMEM;
	return pc->rc;
}

/* The node of the kept folder that holds entry @rel (its folder is @prel). */
static void mark_dirty(struct mirror *m, const char *prel)
{
	size_t p = mr_find(m, prel);

	if (p == 0)
		m->c->top->dirty = true;
	else if (p != SIZE_MAX && m->node_of[p])
		m->node_of[p]->dirty = true;
}

/* Remove entry @i of the destination (its folder's contents went first). */
static void delete_entry(struct mirror *m, size_t i, struct parent_cache *pc)
{
	struct nl_copy *c = m->c;
	struct cp_dst *d = c->dst;
	struct df_entry *e = &m->t->e[i];
	const char *leaf = strrchr(e->rel, '/') + 1;
	char *prel = strndup(e->rel, (size_t)(leaf - 1 - e->rel)), why[300];
	bool dir = e->st.type == CP_T_DIR || (e->st.type == CP_T_REPARSE && e->st.is_dir);
	int rc = prel ? 0 : -ENOMEM;

	if (!rc && !c->o.dry_run) {
		struct cp_dh h = { .ref = d->kind == CP_EP_IMAGE ? e->st.mref : 0, .fd = -1 };

		rc = parent_of(m, prel, pc);
		if (!rc)
			rc = d->ops->remove(d, &pc->h, &h, leaf, dir);
		if (rc == -ENOTDIR && dir)	/* a junction on an ntfs-3g mount reads as a symlink */
			rc = d->ops->remove(d, &pc->h, &h, leaf, false);
	}
	if (rc) {
		snprintf(why, sizeof(why), "cannot delete: %s", strerror(-rc));
		report_dest(m, i, NL_COPY_ACT_ERROR, why);
	} else {
		report_dest(m, i, NL_COPY_ACT_DELETED, why_text[m->why[i]]);
		mark_dirty(m, prel);
	}
	free(prel);
}

/* Everything of the destination that goes, deepest first (the path order
 * puts a folder's contents after it). */
static void delete_all(struct mirror *m)
{
	struct parent_cache pc = { 0 };

	for (size_t i = m->t->n; i-- > 1 && !m->c->stop;)
		if (m->fate[i] == MR_DELETE)
			delete_entry(m, i, &pc);
	if (pc.rel && !pc.rc)
		m->c->dst->ops->close(m->c->dst, &pc.h);
	free(pc.rel);
}

/* "attributes, times" of the bits @u (static buffer of the caller). */
static const char *upd_text(uint32_t u, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", u & MR_UPD_ATTRS ? "attributes" : "",
		 u & MR_UPD_ATTRS && u & ~MR_UPD_ATTRS ? ", " : "",
		 u & MR_UPD_TIMES ? "times" : "",
		 u & MR_UPD_TIMES && u & MR_UPD_SECURITY ? ", " : "",
		 u & MR_UPD_SECURITY ? "security descriptor" : "");
	return buf;
}

/* The security descriptor of @n's source to @h. 0 or -errno. */
static int set_security(struct mirror *m, struct cp_node *n, struct cp_dh *h)
{
	struct cp_dst *d = m->c->dst;
	struct cp_src *s = n->src;
	struct cp_loc loc = { .mref = n->st.mref };
	char *path = s->kind == CP_EP_IMAGE ? NULL : cp_node_srcpath(n);
	uint8_t *sd = NULL;
	size_t sl = 0;
	void *fh = NULL;
	int rc;

	loc.path = path;
	rc = s->ops->open(s, &loc, &n->st, &fh);
	free(path);
	if (rc)
		return rc;
	rc = s->ops->security(s, fh, &sd, &sl);
	if (!rc)
		rc = d->ops->set_security(d, h, sd, sl);
	else if (rc == -ENODATA)
		rc = 0;
	free(sd);
	s->ops->close(s, fh);
	return rc;
}

/* Set what @u says of @n (and its times when @times) on @h. 0 or -errno. */
static int apply(struct mirror *m, struct cp_node *n, const struct cp_stat *st, uint32_t u,
		 bool times, struct cp_dh *h)
{
	struct cp_dst *d = m->c->dst;
	uint32_t attrs = st->attrs;
	int rc = 0;

	if (!d->ntfs && st->type == CP_T_REPARSE)
		attrs &= ~NL_FA_READONLY;
	if (u & MR_UPD_SECURITY && n)
		rc = set_security(m, n, h);
	if (!rc && u & MR_UPD_ATTRS)
		rc = d->ops->set_attrs(d, h, attrs, false);
	if (!rc && times && st->has_times)
		rc = d->ops->set_times(d, h, &st->t);
	return rc;
}

/* A kept entry: what differs set in place, or counted unchanged. @h: its
 * handle when open (folders), else it is opened here. */
static void update_node(struct mirror *m, struct cp_node *n, struct cp_dh *h)
{
	struct nl_copy *c = m->c;
	struct cp_dst *d = c->dst;
	struct cp_group *g = n->group;
	uint32_t u = n->upd;
	bool times = (u & MR_UPD_TIMES) || n->dirty;
	struct cp_dh own = { .fd = -1 };
	char buf[64];
	int rc = 0;

	if (g && g->mirror_meta)
		u = 0, times = false;	/* the file's own metadata: once, at its first name */
	if (g)
		g->mirror_meta = true;
	if (!c->o.dry_run && (u || times)) {
		if (!h && !(rc = d->ops->open_entry(d, &n->parent->dh, n->name, &own)))
			h = &own;
		if (!rc)
			rc = apply(m, n, &n->st, u, times, h);
		if (h == &own)
			d->ops->close(d, &own);
	}
	if (rc) {
		snprintf(buf, sizeof(buf), "cannot update: %s", d->ops->errmsg(d));
		cp_exec_report(c, &m->x, n, NL_COPY_ACT_ERROR, buf);
	} else if (u) {
		cp_exec_report(c, &m->x, n, NL_COPY_ACT_UPDATED, upd_text(u, buf, sizeof(buf)));
	} else {
		c->st.unchanged++;
		c->st.items_done++;
		if (!(c->st.items_done & 1023))
			cp_progress(c);
	}
}

static bool kept_folder(const struct cp_node *n)
{
	return n->st.is_dir && !is_link_stat(&n->st) && !n->linux_symlink;
}

/* Count (as handled) the planned entries below @n. */
static void skip_below(struct nl_copy *c, struct cp_node *n)
{
	for (struct cp_node *k = n->child; k; k = cp_next_pre(k, n, true))
		c->st.items_done++;
}

/* The plan below the kept folder @dir (open as dir->dh), in order. */
static void exec_dir(struct mirror *m, struct cp_node *dir)
{
	struct nl_copy *c = m->c;
	struct cp_dst *d = c->dst;

	for (struct cp_node *k = dir->child; k && !c->stop; k = k->next) {
		if (!k->kept) {
			dir->dirty |= k->create;
			cp_exec_node(c, &m->x, k);
			continue;
		}
		if (!kept_folder(k)) {
			update_node(m, k, NULL);
			continue;
		}
		if (!c->o.dry_run && d->ops->open_dir(d, &dir->dh, k->name, &k->dh)) {
			cp_exec_report(c, &m->x, k, NL_COPY_ACT_ERROR, d->ops->errmsg(d));
			skip_below(c, k);
			continue;
		}
		exec_dir(m, k);
		update_node(m, k, &k->dh);
		if (!c->o.dry_run)
			d->ops->close(d, &k->dh);
	}
}

/* The destination folder itself: the source folder's attributes and times. */
static void update_root(struct mirror *m)
{
	struct nl_copy *c = m->c;
	const struct cp_stat *want = &c->src[0]->root_st;
	uint32_t u = mr_meta_diff(m, want, &m->t->e[0].st) & (MR_UPD_ATTRS | MR_UPD_TIMES);
	char buf[64];
	int rc = 0;

	if (!u && !c->top->dirty)
		return;
	if (!c->o.dry_run)
		rc = apply(m, NULL, want, u, u & MR_UPD_TIMES || c->top->dirty, &c->dst->root);
	if (rc) {
		snprintf(buf, sizeof(buf), "cannot update: %s", c->dst->ops->errmsg(c->dst));
		report_dest(m, 0, NL_COPY_ACT_ERROR, buf);
	} else if (u) {
		c->st.items_total++;
		report_dest(m, 0, NL_COPY_ACT_UPDATED, upd_text(u, buf, sizeof(buf)));
	}
}

/* One source folder, and a destination folder that exists. */
static int check_endpoints(struct nl_copy *c)
{
	const struct cp_src *s = c->src[0];

	if (c->nsrc != 1) {
		cp_set_err(c, "a mirror has one source");
		return -EINVAL;
	}
	if (!s->root_st.is_dir || is_link_stat(&s->root_st)) {
		cp_set_err(c, "the source '%s' is not a folder", s->spec);
		return -ENOTDIR;
	}
	if (!c->dst->exists) {
		cp_set_err(c, "the destination '%s' does not exist: a mirror updates an existing "
			   "folder ('copy' makes one)", c->dst->spec);
		return -ENOENT;
	}
	return 0;
}

int cp_mirror_run(struct nl_copy *c)
{
	struct mirror m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.c = c;
	rc = check_endpoints(c);
	/* security descriptors compared by their hashes, read with the listing */
	if (!rc) {
		c->src[0]->want_sd = !c->o.no_acl && c->dst->ntfs && c->src[0]->kind != CP_EP_DIR;
		/* an image's folders from one sequential scan of its volume */
		c->src[0]->list_scan = c->src[0]->kind == CP_EP_IMAGE;
		rc = cp_plan(c);
		c->src[0]->list_scan = false;
	}
	if (!rc)
		rc = mr_plan(&m);
	if (!rc && c->guard_links) {
		rc = mr_guard(&m);
		goto out;
	}
	if (!rc)
		rc = cp_exec_begin(c, &m.x);
	if (!rc) {
		cp_progress(c);
		delete_all(&m);
		if (!c->stop)
			exec_dir(&m, c->top);
		if (!c->stop)
			update_root(&m);
		cp_exec_end(c, &m.x);
	}
out:
	if (m.ds && m.ds->shared)
		cp_src_ntfs_detach(m.ds);	/* read through the writer: done before it closes */
	if (!rc && !c->o.dry_run)
		rc = cp_finish(c);
	mr_plan_free(&m);
	cp_src_free(m.ds);
	if (!rc && c->stop) {
		cp_set_err(c, "stopped");
		rc = -ECANCELED;
	}
	return rc ? rc : c->partial ? 1 : 0;
}
