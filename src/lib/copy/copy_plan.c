/* copy_plan.c: the copy plan: one node per destination entry, hardlink groups, anchors, the walk of the sources. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/unistr.h>

#include "copy/copy_engine_int.h"

struct cp_node *cp_node_new(struct nl_copy *c, struct cp_node *parent, struct cp_src *s,
			    const char *name)
{
	struct cp_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name ? name : "");
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->src = s;
	n->dh.fd = -1;
	n->parent = parent;
	if (parent) {
		n->depth = parent->depth + 1;
		if (parent->last)
			parent->last->next = n;
		else
			parent->child = n;
		parent->last = n;
		c->st.items_total++;
	}
	return n;
}

void cp_node_free_tree(struct cp_node *root)
{
	struct cp_node *n = root;

	/* iterative post-order: trees can be deep */
	while (n) {
		struct cp_node *p;

		if (n->child) {
			struct cp_node *ch = n->child;

			n->child = ch->next;
			n = ch;
			continue;
		}
		p = n == root ? NULL : n->parent;
		cp_stat_clear(&n->st);
		free(n->name);
		free(n->anchor);
		free(n->src_name);
		free(n->link_source);
		free(n->rp);
		free(n->target);
		free(n->new_target);
		free(n->reason);
		free(n);
		n = p;
	}
}

/* Source path of @n: its anchor, or the nearest anchor above plus the names below it. */
char *cp_node_srcpath(const struct cp_node *n)
{
	const struct cp_node *p;
	size_t len = 0, k = 0;
	char *out, *q;

	for (p = n; p && !p->anchor; p = p->parent) {
		len += strlen(p->src_name ? p->src_name : p->name) + 1;
		k++;
	}
	if (!p)
		return NULL;
	len += strlen(p->anchor) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	strcpy(out, p->anchor);
	q = out + strlen(out);
	while (k > 0) {
		const struct cp_node *x = n;
		size_t i;

		for (i = 1; i < k; i++)
			x = x->parent;
		if (q > out && q[-1] != '/')
			*q++ = '/';
		strcpy(q, x->src_name ? x->src_name : x->name);
		q += strlen(q);
		k--;
	}
	return out;
}

/* Path of @n in the destination, relative to the top folder ("" for the top). */
char *cp_node_destrel(const struct cp_node *n)
{
	size_t len = 0;
	char *out;

	for (const struct cp_node *p = n; p && p->parent; p = p->parent)
		len += strlen(p->name) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	if (len)
		len--;	/* no separator before the first name */
	out[len] = 0;
	for (const struct cp_node *p = n; p && p->parent; p = p->parent) {
		size_t l = strlen(p->name);

		len -= l;
		memcpy(out + len, p->name, l);
		if (len)
			out[--len] = '/';
	}
	return out;
}

/* Path of @n below the copy of its source root (for --exclude / --include). */
static char *node_relpath(const struct cp_node *n)
{
	size_t len = 0;
	char *out;
	const struct cp_node *p;

	for (p = n; p && p->parent && !p->is_root; p = p->parent)
		len += strlen(p->src_name ? p->src_name : p->name) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	if (len)
		len--;
	out[len] = 0;
	for (p = n; p && p->parent && !p->is_root; p = p->parent) {
		const char *nm = p->src_name ? p->src_name : p->name;
		size_t l = strlen(nm);

		len -= l;
		memcpy(out + len, nm, l);
		if (len)
			out[--len] = '/';
	}
	return out;
}

static const char *src_display(const struct cp_src *s)
{
	return s->kind == CP_EP_IMAGE ? s->image : "";
}

/* "IMAGE:/path" or "/host/path" of a node's source, for reports (malloc'ed). */
char *cp_node_srcdisplay(const struct cp_node *n)
{
	char *p, *r;

	if (!n->src)
		return NULL;
	p = cp_node_srcpath(n);
	if (!p)
		return NULL;
	if (n->src->kind != CP_EP_IMAGE)
		return p;
	r = xasprintf("%s:%s", src_display(n->src), p);
	free(p);
	return r;
}

static size_t ghash(const char *vk, uint64_t dev, uint64_t ino)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *q = vk; *q; q++)
		h = (h ^ (uint8_t)*q) * 1099511628211ULL;
	h ^= dev * 0x9E3779B97F4A7C15ULL;
	h ^= ino * 0xC2B2AE3D27D4EB4FULL;
	return (size_t)(h ^ (h >> 29));
}

int cp_group_add(struct nl_copy *c, struct cp_node *n)
{
	const char *vk = n->src->vol_key;
	struct cp_group *g;
	size_t h;

	if (c->ngroups * 2 >= c->htcap) {
		size_t nc = c->htcap ? c->htcap * 2 : 1024;
		struct cp_group **nt = calloc(nc, sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		for (size_t i = 0; i < c->htcap; i++)
			while (c->ht[i]) {
				struct cp_group *x = c->ht[i];
				struct cp_node *f = x->first;

				c->ht[i] = x->hnext;
				h = ghash(f->src->vol_key, x->dev, x->ino) % nc;
				x->hnext = nt[h];
				nt[h] = x;
			}
		free(c->ht);
		c->ht = nt;
		c->htcap = nc;
	}
	h = ghash(vk, n->st.dev, n->st.ino) % c->htcap;
	for (g = c->ht[h]; g; g = g->hnext)
		if (g->dev == n->st.dev && g->ino == n->st.ino && !strcmp(g->first->src->vol_key, vk))
			break;
	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g)
			return -ENOMEM;
		g->dev = n->st.dev;
		g->ino = n->st.ino;
		g->src = n->src->index;
		g->first = n;	/* plan-time representative; re-chosen in DFS order */
		g->hnext = c->ht[h];
		c->ht[h] = g;
		c->ngroups++;
	}
	g->planned++;
	n->group = g;
	return 0;
}

int cp_map_add(struct nl_copy *c, const char *vol_key, const char *path, struct cp_node *n,
	       bool global)
{
	if (c->nmaps == c->capmaps) {
		size_t nc = c->capmaps ? c->capmaps * 2 : 16;
		struct cp_map *nm = realloc(c->maps, nc * sizeof(*nm));

		if (!nm)
			return -ENOMEM;
		c->maps = nm;
		c->capmaps = nc;
	}
	c->maps[c->nmaps].vol_key = vol_key;
	c->maps[c->nmaps].path = strdup(path);
	c->maps[c->nmaps].node = n;
	c->maps[c->nmaps].global = global;
	if (!c->maps[c->nmaps].path)
		return -ENOMEM;
	c->nmaps++;
	return 0;
}

static bool node_is_ancestor(const struct cp_node *a, const struct cp_node *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

/* The anchor with the longest path that holds @path on volume @vk and applies
 * to link node @n (source roots, and unrolled targets @n was copied inside). */
struct cp_map *cp_map_find(struct nl_copy *c, const char *vk, const char *path,
			   const struct cp_node *n)
{
	struct cp_map *best = NULL;

	for (size_t i = 0; i < c->nmaps; i++) {
		struct cp_map *m = &c->maps[i];

		if (strcmp(m->vol_key, vk) || !path_under(path, m->path))
			continue;
		if (!m->global && !node_is_ancestor(m->node, n->parent))
			continue;
		if (!best || strlen(m->path) > strlen(best->path))
			best = m;
	}
	return best;
}

struct cp_map *cp_map_find_unrolled(struct nl_copy *c, const char *vk, const char *path)
{
	struct cp_map *best = NULL;

	for (size_t i = 0; i < c->nmaps; i++) {
		struct cp_map *m = &c->maps[i];

		if (m->global || strcmp(m->vol_key, vk) || !path_under(path, m->path))
			continue;
		if (!best || strlen(m->path) > strlen(best->path))
			best = m;
	}
	return best;
}

static int walk_push(struct nl_copy *c, struct cp_node *n)
{
	if (c->nq == c->capq) {
		size_t nc = c->capq ? c->capq * 2 : 256;
		struct cp_node **nq = realloc(c->walkq, nc * sizeof(*nq));

		if (!nq)
			return -ENOMEM;
		c->walkq = nq;
		c->capq = nc;
	}
	c->walkq[c->nq++] = n;
	return 0;
}

/* Append @li to the array *@v (*@n used of *@cap). 0 or -ENOMEM. */
static int link_vec_push(struct cp_link ***v, size_t *n, size_t *cap, struct cp_link *li)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct cp_link **nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = li;
	return 0;
}

static struct cp_link *link_new(struct nl_copy *c, struct cp_node *n)
{
	struct cp_link *li = calloc(1, sizeof(*li));

	if (!li)
		return NULL;
	li->n = n;
	if (link_vec_push(&c->links, &c->nlinks, &c->caplinks, li)) {
		free(li);
		return NULL;
	}
	return li;
}

int cp_pend_push(struct nl_copy *c, struct cp_link *li)
{
	return link_vec_push(&c->pend, &c->npend, &c->cappend, li);
}

void cp_node_fail(struct nl_copy *c, struct cp_node *n, const char *fmt, ...)
{
	va_list ap;
	char *r = NULL;

	va_start(ap, fmt);
	if (vasprintf(&r, fmt, ap) < 0)
		r = NULL;
	va_end(ap);
	free(n->reason);
	n->reason = r;
	n->action = NL_COPY_ACT_ERROR;
	n->create = false;
	n->failed = true;
	c->partial = true;
}

/* ---- the folders entered: no directory cycle, no folder copied twice ------------- */

static size_t seen_hash(const struct cp_node *scope, uint64_t dev, uint64_t ino)
{
	uint64_t h = (uint64_t)(uintptr_t)scope * 0x9E3779B97F4A7C15ULL;

	h ^= dev * 0xC2B2AE3D27D4EB4FULL;
	h ^= ino * 0x165667B19E3779F9ULL;
	return (size_t)(h ^ (h >> 31));
}

static bool seen_same(const struct cp_dirseen *e, const struct cp_node *scope, const char *vk,
		      uint64_t dev, uint64_t ino)
{
	return e->scope == scope && e->dev == dev && e->ino == ino && !strcmp(e->vol_key, vk);
}

/* Grow the set to twice its size (kept at most half full). 0 or -ENOMEM. */
static int seen_grow(struct nl_copy *c)
{
	size_t nc = c->capseen ? c->capseen * 2 : 256;
	struct cp_dirseen *nt = calloc(nc, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (size_t i = 0; i < c->capseen; i++) {
		const struct cp_dirseen *e = &c->seen[i];
		size_t h;

		if (!e->node)
			continue;
		for (h = seen_hash(e->scope, e->dev, e->ino) % nc; nt[h].node; h = (h + 1) % nc)
			;
		nt[h] = *e;
	}
	free(c->seen);
	c->seen = nt;
	c->capseen = nc;
	return 0;
}

/* The folder above @n that is the same folder of the same volume, or NULL. */
static const struct cp_node *same_above(const struct cp_node *n)
{
	for (const struct cp_node *p = n->parent; p; p = p->parent)
		if (p->src && p->st.is_dir && p->st.ino == n->st.ino && p->st.dev == n->st.dev &&
		    !strcmp(p->src->vol_key, n->src->vol_key))
			return p;
	return NULL;
}

/* Refuse folder @n, found again as @other (above it when @cycle). 1 or -ENOMEM. */
static int dir_refuse(struct nl_copy *c, struct cp_node *n, const struct cp_node *other,
		      bool cycle)
{
	const char *what = n->src->kind == CP_EP_IMAGE ? "record" : "inode";
	char *op = cp_node_srcpath(other);

	if (!op)
		return -ENOMEM;
	if (cycle)
		cp_node_fail(c, n, "directory cycle: the entry leads to %s %llu, the folder '%s' "
			     "above it", what, (unsigned long long)n->st.ino, op);
	else
		cp_node_fail(c, n, "the entry leads to %s %llu, the folder '%s' already copied",
			     what, (unsigned long long)n->st.ino, op);
	free(op);
	return n->reason ? 1 : -ENOMEM;
}

/*
 * In a sound volume a folder has one name, so a walk that meets a folder it
 * is already inside (an index entry of a damaged image pointing at the folder
 * itself or above it) would never end, and one that meets a folder twice in
 * one copied tree copies it twice, each copy with all of it again.  Linux
 * sources may reach one folder twice legitimately (bind mounts): only cycles
 * are refused there.
 */
int cp_dir_guard(struct nl_copy *c, struct cp_node *n)
{
	const struct cp_node *scope = n, *other = same_above(n);
	struct cp_dirseen *e;
	size_t h;

	if (other)
		return dir_refuse(c, n, other, true);
	if (n->src->kind != CP_EP_IMAGE)
		return 0;
	while (scope && !scope->anchor)
		scope = scope->parent;
	if ((c->nseen + 1) * 2 > c->capseen && seen_grow(c))
		return -ENOMEM;
	for (h = seen_hash(scope, n->st.dev, n->st.ino) % c->capseen; c->seen[h].node;
	     h = (h + 1) % c->capseen) {
		e = &c->seen[h];
		if (seen_same(e, scope, n->src->vol_key, n->st.dev, n->st.ino))
			return dir_refuse(c, n, e->node, false);
	}
	e = &c->seen[h];
	e->scope = scope;
	e->vol_key = n->src->vol_key;
	e->dev = n->st.dev;
	e->ino = n->st.ino;
	e->node = n;
	c->nseen++;
	return 0;
}

/* What a special file of a Linux source is, for the warning that skips it. */
static const char *other_name(uint32_t ftype)
{
	switch (ftype) {
	case S_IFIFO: return "a fifo";
	case S_IFSOCK: return "a socket";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	}
	return "not a file, folder or symbolic link";
}

int cp_classify(struct nl_copy *c, struct cp_node *n)
{
	int rc = 0;

	switch (n->st.type) {
	case CP_T_DIR:
		n->kind = NL_COPY_KIND_FOLDER;
		rc = cp_dir_guard(c, n);
		if (rc)
			return rc < 0 ? rc : 0;
		n->action = NL_COPY_ACT_FOLDER;
		n->create = true;
		rc = walk_push(c, n);
		break;
	case CP_T_FILE:
		n->kind = NL_COPY_KIND_FILE;
		n->action = NL_COPY_ACT_COPIED;
		n->create = true;
		rc = cp_group_add(c, n);
		break;
	case CP_T_REPARSE:
	case CP_T_LSYMLINK:
		if (is_link_stat(&n->st)) {
			struct cp_link *li;

			n->kind = rp_tag(&n->st) == NL_TAG_MOUNT_POINT ? NL_COPY_KIND_JUNCTION
								       : NL_COPY_KIND_SYMLINK;
			li = link_new(c, n);
			if (!li)
				return -ENOMEM;
			rc = cp_pend_push(c, li);
			break;
		}
		n->kind = NL_COPY_KIND_REPARSE;
		if (n->st.is_dir && (rc = cp_dir_guard(c, n)) != 0)
			return rc < 0 ? rc : 0;
		n->action = NL_COPY_ACT_COPIED;
		n->create = true;
		rc = n->st.is_dir ? walk_push(c, n) : cp_group_add(c, n);
		break;
	case CP_T_OTHER:
		/* nothing of it can be copied: left out with a warning */
		n->kind = NL_COPY_KIND_OTHER;
		n->action = NL_COPY_ACT_WARNING;
		n->create = false;
		free(n->reason);
		n->reason = xasprintf("skipped: %s", other_name(n->st.ftype));
		if (!n->reason)
			rc = -ENOMEM;
		break;
	}
	return rc;
}

/* ---- exclusion and auto-rename ------------------------------------------------- */

static bool match_any(const char *const *pat, size_t n, const char *name, const char *rel)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = pat[i];

		if (!fnmatch(p, name, 0) || !fnmatch(p, rel, FNM_PATHNAME) ||
		    (p[0] == '/' && !fnmatch(p + 1, rel, FNM_PATHNAME)))
			return true;
	}
	return false;
}

static bool excluded(struct nl_copy *c, struct cp_node *n)
{
	char *rel;
	bool ex = false;

	if (!c->o.n_exclude && !c->o.n_include)
		return false;
	rel = node_relpath(n);
	if (!rel)
		return false;
	if (c->o.n_exclude && match_any(c->o.exclude, c->o.n_exclude, n->name, rel))
		ex = true;
	else if (c->o.n_include && n->st.type != CP_T_DIR &&
		 !match_any(c->o.include, c->o.n_include, n->name, rel))
		ex = true;
	free(rel);
	return ex;
}

static bool name_taken(struct nl_copy *c, struct cp_node *parent, const char *name)
{
	for (struct cp_node *s = parent->child; s; s = s->next) {
		if (!s->create && s->action != NL_COPY_ACT_FOLDER)
			continue;
		if (c->dst->ntfs ? !nl_wtf8_casecmp(s->name, name, NULL, 0) : !strcmp(s->name, name))
			return true;
	}
	if (parent == c->top && c->dst->exists && !c->o.mirror) {
		int e = c->dst->ops->exists(c->dst, &c->dst->root, name), r;

		/* a folder an interrupted run of this copy left under the name (or under its
		 * temporary name): removed */
		if (e >= 0 && c->reclaim && !c->o.dry_run && !c->reclaim_err) {
			r = cp_partial_clear_below(c->dst, name);
			if (r > 0) {
				c->reclaimed = true;
				e = c->dst->ops->exists(c->dst, &c->dst->root, name);
			} else if (r < 0) {
				c->reclaim_err = r;
			}
		}
		return e > 0;
	}
	return false;
}

/* Windows-style: "name - Copy", "name - Copy (2)", ... (files: before the extension). */
char *cp_auto_name(struct nl_copy *c, struct cp_node *parent, const char *name, bool is_dir)
{
	const char *dot = is_dir ? NULL : strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	const char *ext = dot && dot != name ? dot : "";

	if (!name_taken(c, parent, name))
		return strdup(name);
	for (unsigned i = 1; i < 100000; i++) {
		char *cand = i == 1 ? xasprintf("%.*s - Copy%s", (int)stem, name, ext)
				    : xasprintf("%.*s - Copy (%u)%s", (int)stem, name, i, ext);

		if (!cand || !name_taken(c, parent, cand))
			return cand;
		free(cand);
	}
	return NULL;
}

/* ---- walking the sources ------------------------------------------------------- */

struct walk_ctx {
	struct nl_copy *c;
	struct cp_node *attach;	/* plan node that receives the entries */
	struct cp_src *src;
	const char *into_base;	/* --into: source path of the listed folder (children get anchors) */
	int rc;
};

static int walk_cb(void *ctx, const char *name, struct cp_stat *st)
{
	struct walk_ctx *w = ctx;
	struct nl_copy *c = w->c;
	struct cp_node *n;
	char *dname = NULL;

	if (w->into_base) {
		dname = cp_auto_name(c, w->attach, name, st->is_dir);
		if (!dname) {
			w->rc = -ENOMEM;
			return 1;
		}
	}
	n = cp_node_new(c, w->attach, w->src, dname ? dname : name);
	if (!n) {
		free(dname);
		w->rc = -ENOMEM;
		return 1;
	}
	if (dname && strcmp(dname, name)) {
		n->renamed = true;
		n->reason = xasprintf("renamed: '%s' is taken", name);
		n->src_name = strdup(name);
		st->name_space = NL_NS_POSIX;
		free(st->dos_name);
		st->dos_name = NULL;
	}
	free(dname);
	if (w->into_base) {
		n->anchor = path_join(w->into_base, name);
		if (!n->anchor) {
			w->rc = -ENOMEM;
			return 1;
		}
	}
	n->st = *st;
	memset(st, 0, sizeof(*st));
	if (n->st.err) {
		n->kind = n->st.is_dir ? NL_COPY_KIND_FOLDER : NL_COPY_KIND_FILE;
		if (n->st.err == -EILSEQ)
			cp_node_fail(c, n, "name holds a NUL character (shown as U+2400): not copied");
		else if (n->st.err == -EFBIG && w->src->why[0])
			cp_node_fail(c, n, "%s", w->src->why);	/* a bound of the source's */
		else
			cp_node_fail(c, n, "cannot read: %s", strerror(-n->st.err));
		return 0;
	}
	if (excluded(c, n)) {
		n->action = NL_COPY_ACT_EXCLUDED;
		n->kind = n->st.type == CP_T_DIR ? NL_COPY_KIND_FOLDER : NL_COPY_KIND_FILE;
		n->create = false;
		return 0;
	}
	w->rc = cp_classify(c, n);
	return w->rc ? 1 : 0;
}

int cp_walk_dir(struct nl_copy *c, struct cp_node *attach, struct cp_src *s,
		const struct cp_stat *dirst, const char *into_base)
{
	struct walk_ctx w = { .c = c, .attach = attach, .src = s, .into_base = into_base };
	struct cp_loc loc = { .mref = dirst->mref, .path = NULL };
	char *path = NULL;
	int rc;

	if (s->kind != CP_EP_IMAGE) {
		path = into_base ? strdup(into_base) : cp_node_srcpath(attach);
		if (!path)
			return -ENOMEM;
		loc.path = path;
	}
	rc = s->ops->list(s, &loc, walk_cb, &w);
	free(path);
	if (w.rc)
		return w.rc;
	if (rc && rc != -ENOMEM) {
		/* the contents are missing: the folder is an error, and is not made */
		if (attach->src && rc == -EUCLEAN && s->why[0])
			cp_node_fail(c, attach, "%s", s->why);
		else if (attach->src)
			cp_node_fail(c, attach, "cannot list folder: %s", strerror(-rc));
		else
			c->partial = true;
		return 0;
	}
	return rc;
}

int cp_drain_walk(struct nl_copy *c, size_t *head)
{
	while (*head < c->nq) {
		struct cp_node *d = c->walkq[(*head)++];
		int rc = cp_walk_dir(c, d, d->src, &d->st, NULL);

		if (rc)
			return rc;
	}
	c->nq = 0;
	*head = 0;
	return 0;
}

/* ---- after the walk: first names, link limits ------------------------------------ */

struct cp_node *cp_next_pre(struct cp_node *n, const struct cp_node *root, bool descend)
{
	if (descend && n->child)
		return n->child;
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

uint64_t cp_node_bytes(const struct nl_copy *c, const struct cp_node *n)
{
	uint64_t b;

	if (!n->src || is_link_stat(&n->st) || n->linux_symlink || n->clone_link)
		return 0;
	b = n->st.size;
	if (!c->dst->ntfs && !c->dst->xattr_streams)
		b -= n->st.named_size;	/* dropped */
	if (n->st.is_dir)
		b -= n->st.size - n->st.named_size;	/* a folder has only named streams */
	return b;
}

void cp_finalize(struct nl_copy *c)
{
	for (size_t i = 0; i < c->htcap; i++)
		for (struct cp_group *g = c->ht[i]; g; g = g->hnext) {
			g->first = NULL;
			g->planned = 0;
		}
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create)) {
		struct cp_group *g = n->group;

		if (n->create && !g && cp_node_bytes(c, n))
			c->st.bytes_total += cp_node_bytes(c, n);	/* a folder's streams */
		if (!g || !n->create)
			continue;
		if (!g->first) {
			g->first = n;
			c->st.bytes_total += cp_node_bytes(c, n);
		} else if (c->dst->ntfs && g->planned >= NL_MAX_LINKS) {
			cp_node_fail(c, n, "more than %d hard links to one file", NL_MAX_LINKS);
			continue;
		} else if (!n->unrolled) {
			n->action = NL_COPY_ACT_HARDLINKED;
		}
		g->planned++;
	}
}

