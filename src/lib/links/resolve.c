/* resolve.c: the link resolver shared by the audit analysis and the copy engine (see resolve_int.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "links/resolve_int.h"

/* A growing string buffer, kept from one link to the next. */
struct sbuf {
	char *p;
	size_t len, cap;
};

/* A walk's position: the folders from the root to where it stands, with the
 * offset of each one's end in @canon (paths only). */
struct walkpos {
	uint64_t *stk;
	size_t *coff;
	size_t depth, cap;
	struct nl_rnode top;    /* the entry it stands on */
	struct sbuf canon;
};

struct nl_resolver {
	const struct nl_resolve_lookup *ops;
	void *ctx;
	unsigned max_hops;
	uint64_t anchor;        /* 0: the root */
	bool paths, posix_here, folders;
	char *volume_guid;
	/* drive letter */
	char drive;
	bool drive_given;
	uint64_t support[26], seen[26], drive_targets;
	struct walkpos w;       /* where the resolution stands */
	struct walkpos aux;     /* the walk to the folder holding the link */
	struct sbuf work, next; /* the path still to walk, and the next one being built */
	struct sbuf hop;        /* the first hop, for the result */
	struct sbuf found_path; /* the path the first hop was found by */
	bool self_done;         /* aux holds the folders holding the link (nself of them) */
	size_t nself;
	/* the links followed for the link being classified */
	uint64_t *vis;
	size_t nvis;
	char reason[64];
};

/* Parents followed up from a link before its chain is taken for a loop. */
#define PARENT_DEPTH_MAX 4096

/* Outcomes of a walk, beside 0 (found) and -errno. */
enum walk_res { W_FOUND = 0, W_MISSING, W_LOOP, W_OTHER, W_UNREADABLE };

/* Where a link's target starts. */
enum hop { HOP_HERE, HOP_OTHER, HOP_DANGLING, HOP_BAD };

/* ---- class names ----------------------------------------------------------------- */

static const char *const class_names[NL_CLASS_COUNT] = {
	"none", "inner", "outer", "other-volume", "dangling", "loop", "unknown",
};

const char *nl_link_class_name(enum nl_link_class c)
{
	return (unsigned)c < NL_CLASS_COUNT ? class_names[c] : "unknown";
}

int nl_link_class_from_name(const char *name)
{
	for (int i = 0; i < NL_CLASS_COUNT; i++)
		if (strcmp(name, class_names[i]) == 0)
			return i;
	return -EINVAL;
}

/* ---- buffers ----------------------------------------------------------------------- */

static int sb_reserve(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		char *np;

		while (nc < need)
			nc *= 2;
		np = realloc(b->p, nc);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = nc;
	}
	return 0;
}

static int sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (sb_reserve(b, n))
		return -ENOMEM;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int sb_set(struct sbuf *b, const char *s)
{
	b->len = 0;
	return sb_add(b, s, strlen(s));
}

/* Append component @c (@n bytes) to the path in @b ("" or "/..."). */
static int sb_add_comp(struct sbuf *b, const char *c, size_t n)
{
	if (sb_add(b, "/", 1))
		return -ENOMEM;
	return sb_add(b, c, n);
}

/* The next '/'-separated component of *@p ("." skipped): its start in *@c,
 * its length returned (0 at the end). */
static size_t next_comp(const char **p, const char **c)
{
	for (;;) {
		const char *q = *p;

		while (*q == '/')
			q++;
		*c = q;
		while (*q && *q != '/')
			q++;
		*p = q;
		if (q - *c != 1 || **c != '.')
			return (size_t)(q - *c);
	}
}

/*
 * Append the relative path @rel to the path in @b lexically: "." dropped,
 * ".." removes the last component of @b or, when @b has none left, counts
 * in *@up.  @b holds "" or "/a/b".
 */
static int sb_add_relative(struct sbuf *b, const char *rel, unsigned *up)
{
	const char *p = rel, *c;
	size_t n;

	while ((n = next_comp(&p, &c))) {
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			char *s = b->len ? memrchr(b->p, '/', b->len) : NULL;

			if (s) {
				b->len = (size_t)(s - b->p);
				b->p[b->len] = '\0';
			} else {
				(*up)++;
			}
			continue;
		}
		if (sb_add_comp(b, c, n))
			return -ENOMEM;
	}
	return 0;
}

/* ---- the walk's position --------------------------------------------------------- */

static int pos_reserve(struct walkpos *w, size_t depth)
{
	if (depth >= w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 64;
		uint64_t *ns;
		size_t *no;

		while (nc <= depth)
			nc *= 2;
		ns = realloc(w->stk, nc * sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		w->stk = ns;
		no = realloc(w->coff, nc * sizeof(*no));
		if (!no)
			return -ENOMEM;
		w->coff = no;
		w->cap = nc;
	}
	return 0;
}

static void pos_free(struct walkpos *w)
{
	free(w->stk);
	free(w->coff);
	free(w->canon.p);
}

/* Stand on the root.  0, -ENOENT (no root), -errno. */
static int go_root(struct nl_resolver *r, struct walkpos *w)
{
	int rc = r->ops->root(r->ctx, &w->top);

	if (rc)
		return rc;
	if ((rc = pos_reserve(w, 0)) != 0)
		return rc;
	w->stk[0] = w->top.id;
	w->depth = 0;
	if (r->paths && sb_set(&w->canon, "/"))
		return -ENOMEM;
	w->coff[0] = w->canon.len;
	return 0;
}

/* Step down into @nd, found in the folder @w stands on. */
static int go_down(struct nl_resolver *r, struct walkpos *w, const struct nl_rnode *nd)
{
	int rc = pos_reserve(w, w->depth + 1);

	if (rc)
		return rc;
	w->stk[++w->depth] = nd->id;
	if (r->paths) {
		if (w->canon.len == 1)
			w->canon.len = 0;   /* "/" + "a" is "/a" */
		if (sb_add_comp(&w->canon, nd->name ? nd->name : "", nd->name ? nd->name_len : 0))
			return -ENOMEM;
	}
	w->coff[w->depth] = w->canon.len;
	w->top = *nd;
	return 0;
}

/* Step up @n folders (n <= depth).  The folders a walk went down through are
 * never links (links met on the way are followed, not entered). */
static void go_up(struct nl_resolver *r, struct walkpos *w, size_t n)
{
	w->depth -= n;
	if (r->paths) {
		w->canon.len = w->coff[w->depth];
		w->canon.p[w->canon.len] = '\0';
	}
	w->top.id = w->stk[w->depth];
	w->top.is_dir = true;
	w->top.target = NULL;
	w->top.name = NULL;
	w->top.name_len = 0;
}

/* ---- first hops ------------------------------------------------------------------ */

/* Does target @t point into this volume, and is it absolute?  HOP_HERE with
 * *@relative set or not, or where it goes instead with *@why. */
static enum hop hop_kind(const struct nl_resolver *r, const struct nl_target *t, bool *relative,
			 const char **why)
{
	*relative = false;
	switch (t->kind) {
	case NL_TGT_DRIVE:
		if (!r->drive || t->drive != r->drive) {
			*why = "target on another drive letter";
			return HOP_OTHER;
		}
		return HOP_HERE;
	case NL_TGT_VOLUME:
		if (!r->volume_guid || strcasecmp(r->volume_guid, t->volume) != 0) {
			*why = "target on another volume";
			return HOP_OTHER;
		}
		return HOP_HERE;
	case NL_TGT_ROOTED:
		return HOP_HERE;
	case NL_TGT_UNC:
		*why = "target on a network share";
		return HOP_OTHER;
	case NL_TGT_NT_OTHER:
		*why = "target is a device path";
		return HOP_OTHER;
	case NL_TGT_POSIX:
		if (t->path[0] == '/') {
			if (r->posix_here)
				return HOP_HERE;
			*why = "absolute wsl target";
			return HOP_OTHER;
		}
		*relative = true;
		return HOP_HERE;
	case NL_TGT_RELATIVE:
		*relative = true;
		return HOP_HERE;
	default:
		*why = "empty target";
		return HOP_BAD;
	}
}

/*
 * Follow link @t met by walk @w: set the position where its target starts
 * (the root, or @up folders above the folder holding the link, which is
 * where @w stands) and put the target followed by @rest into r->work.
 * Returns HOP_HERE, or where it goes instead with *@why; *@err a -errno.
 */
static enum hop follow(struct nl_resolver *r, struct walkpos *w, const struct nl_target *t,
		       const char *rest, const char **why, int *err)
{
	bool relative;
	unsigned up = 0;
	enum hop h = hop_kind(r, t, &relative, why);
	struct sbuf tmp;

	*err = 0;
	if (h != HOP_HERE)
		return h;
	r->next.len = 0;
	if (relative)
		*err = sb_add_relative(&r->next, t->path, &up);
	else
		*err = sb_add(&r->next, t->path, strlen(t->path));
	if (!*err && *rest)
		*err = sb_add_comp(&r->next, rest, strlen(rest));
	if (!*err && !r->next.len)
		*err = sb_set(&r->next, "");
	if (*err)
		return HOP_BAD;
	if (relative && up > w->depth) {
		*why = "relative target goes above the root";
		return HOP_DANGLING;
	}
	if (relative)
		go_up(r, w, up);
	else if ((*err = go_root(r, w)) != 0)
		return HOP_BAD;
	tmp = r->work;
	r->work = r->next;
	r->next = tmp;
	return HOP_HERE;
}

/* ---- walking ---------------------------------------------------------------------- */

static bool was_visited(const struct nl_resolver *r, uint64_t id)
{
	for (size_t i = 0; i < r->nvis; i++)
		if (r->vis[i] == id)
			return true;
	return false;
}

static bool push_visited(struct nl_resolver *r, uint64_t id)
{
	if (r->nvis >= (size_t)r->max_hops + 2)
		return false;
	r->vis[r->nvis++] = id;
	return true;
}

/* A link met before the last name of the path: follow it (r->work then
 * holds the rest to walk), or say why not. */
static int walk_through(struct nl_resolver *r, struct walkpos *w, const struct nl_rnode *nd,
			const char *rest, unsigned *hops, const char **why)
{
	enum hop h;
	int err;

	if (was_visited(r, nd->id)) {
		*why = "path runs through a link already followed";
		return W_LOOP;
	}
	if (++*hops > r->max_hops || !push_visited(r, nd->id)) {
		*why = "too many links to follow";
		return W_LOOP;
	}
	h = follow(r, w, nd->target, rest, why, &err);
	if (err)
		return err;
	if (h == HOP_OTHER) {
		*why = "path runs through a link to another volume";
		return W_OTHER;
	}
	if (h != HOP_HERE) {
		*why = "path runs through a broken link";
		return W_MISSING;
	}
	return W_FOUND;
}

/*
 * Walk the path in r->work from where @w stands, name by name; with
 * @follow_links, links met before the last name are followed (counted in
 * *@hops; each at most once on the way).  Afterwards w->top is the entry
 * reached.  Returns W_FOUND, W_MISSING, W_LOOP, W_OTHER, W_UNREADABLE (with
 * w->top.id the unreadable entry), with *@why; or -errno.
 */
static int walk(struct nl_resolver *r, struct walkpos *w, bool follow_links, unsigned *hops,
		const char **why)
{
	size_t saved = r->nvis;
	const char *p = r->work.p ? r->work.p : "", *c;
	size_t n;
	int res = W_FOUND;

	while ((n = next_comp(&p, &c))) {
		struct nl_rnode nd;
		int rc;

		memset(&nd, 0, sizeof(nd));
		rc = r->ops->child(r->ctx, w->stk[w->depth], r->paths ? w->canon.p : NULL, c, n, &nd);
		while (*p == '/')
			p++;
		if (rc == -ENOENT || rc == -ENOTDIR || (rc == 0 && *p && !nd.is_dir && !nd.target)) {
			*why = "no such file";
			res = W_MISSING;
			break;
		}
		if (rc == -EIO) {
			w->top.id = nd.id;
			res = W_UNREADABLE;
			break;
		}
		if (rc) {
			res = rc;
			break;
		}
		if (*p && nd.target && follow_links) {
			res = walk_through(r, w, &nd, p, hops, why);
			if (res != W_FOUND)
				break;
			p = r->work.p;
			continue;
		}
		if ((rc = go_down(r, w, &nd)) != 0) {
			res = rc;
			break;
		}
	}
	r->nvis = saved;
	return res;
}

/* ---- the link's own place ---------------------------------------------------------- */

/* The folders holding the link: r->aux after walking its dir_path (once per
 * link, on demand; nself 0 when it has no path from the root). */
/* The folders holding the link by the lookup's parents (the link's first
 * name), into r->aux.stk, root first; none when the chain does not reach the root. */
static int parent_folders(struct nl_resolver *r, const struct nl_rlink *l)
{
	struct nl_rnode root;
	uint64_t id = l->id;
	size_t n = 0;
	int rc = r->ops->root(r->ctx, &root);

	if (rc)
		return rc == -ENOENT ? 0 : rc;
	while (id != root.id) {
		if (n >= PARENT_DEPTH_MAX || (rc = r->ops->parent(r->ctx, id, &id)) == -ENOENT)
			return 0;
		if (rc || (rc = pos_reserve(&r->aux, n)) != 0)
			return rc;
		r->aux.stk[n++] = id;
	}
	for (size_t i = 0; i < n / 2; i++) {
		uint64_t t = r->aux.stk[i];

		r->aux.stk[i] = r->aux.stk[n - 1 - i];
		r->aux.stk[n - 1 - i] = t;
	}
	r->nself = n;
	return 0;
}

static int self_folders(struct nl_resolver *r, const struct nl_rlink *l)
{
	unsigned hops = 0;
	const char *why;
	int rc;

	if (r->self_done)
		return 0;
	r->self_done = true;
	r->nself = 0;
	if (r->ops->parent)
		return parent_folders(r, l);
	if (!l->dir_path)
		return 0;
	if ((rc = go_root(r, &r->aux)) != 0 || (rc = sb_set(&r->work, l->dir_path)) != 0)
		return rc == -ENOENT ? 0 : rc;
	rc = walk(r, &r->aux, false, &hops, &why);
	if (rc < 0)
		return rc;
	if (rc == W_FOUND)
		r->nself = r->aux.depth + 1;
	return 0;
}

/* Is entry @id the link itself or a folder holding it?  1, 0, -errno. */
static int holds_link(struct nl_resolver *r, const struct nl_rlink *l, uint64_t id, bool is_dir)
{
	int rc;

	if (id == l->id)
		return 1;
	if (!is_dir)
		return 0;
	if ((rc = self_folders(r, l)) != 0)
		return rc;
	for (size_t i = 0; i < r->nself; i++)
		if (r->aux.stk[i] == id)
			return 1;
	return 0;
}

/* ---- classification ------------------------------------------------------------------ */

static void set_class(struct nl_resolution *res, enum nl_link_class cls, const char *why)
{
	res->cls = cls;
	res->reason = why;
}

static void set_unreadable(struct nl_resolver *r, struct nl_resolution *res, uint64_t id)
{
	snprintf(r->reason, sizeof(r->reason), "record %" PRIu64 " unreadable", id);
	res->unreadable = true;
	res->unreadable_id = id;
	set_class(res, NL_CLASS_UNKNOWN, r->reason);
}

/*
 * Where the link's first hop is, as a path in r->hop: 1 when it is on this
 * volume, 0 with the class set when it is not (other volume, above the root,
 * cannot be placed), -ENOMEM.
 */
static int first_hop(struct nl_resolver *r, const struct nl_rlink *l, struct nl_resolution *res)
{
	const char *why = NULL;
	bool relative;
	unsigned up = 0;
	enum hop h = hop_kind(r, l->target, &relative, &why);

	if (h == HOP_OTHER) {
		set_class(res, NL_CLASS_OTHER_VOLUME, NULL);
		return 0;
	}
	if (h == HOP_BAD) {
		set_class(res, NL_CLASS_UNKNOWN, why);
		return 0;
	}
	if (!relative)
		return sb_set(&r->hop, l->target->path) ? -ENOMEM : 1;
	if (!l->dir_path) {
		set_class(res, NL_CLASS_UNKNOWN,
			  "the link is not connected to the root: its relative target cannot be placed");
		return 0;
	}
	r->hop.len = 0;
	if (sb_add_relative(&r->hop, l->dir_path, &up) ||
	    sb_add_relative(&r->hop, l->target->path, &up))
		return -ENOMEM;
	if (up) {
		set_class(res, NL_CLASS_DANGLING, "relative target goes above the root");
		return 0;
	}
	if (!r->hop.len && sb_set(&r->hop, "/"))
		return -ENOMEM;
	return 1;
}

/* Is the anchor among the folders walk @w went through (or where it stands)? */
static bool under_anchor(const struct nl_resolver *r, const struct walkpos *w)
{
	if (!r->anchor)
		return true;
	for (size_t i = 0; i <= w->depth; i++)
		if (w->stk[i] == r->anchor)
			return true;
	return false;
}

/* The class for the outcome @rc of a walk that did not find its path. */
static void set_walk_class(struct nl_resolver *r, struct nl_resolution *res, int rc,
			   const char *why, const char *dangling)
{
	switch (rc) {
	case W_MISSING:
		set_class(res, NL_CLASS_DANGLING, dangling ? dangling : why);
		break;
	case W_LOOP:
		set_class(res, NL_CLASS_LOOP, why);
		break;
	case W_OTHER:
		set_class(res, NL_CLASS_OTHER_VOLUME, NULL);
		break;
	default:
		set_unreadable(r, res, r->w.top.id);
		break;
	}
}

/*
 * Follow the chain of links the target (where r->w stands) leads to.
 * Returns 1 when the chain ends in a file or folder (or leaves the volume,
 * or cannot be followed: the first hop decides), 0 with the class set
 * (dangling, loop, unknown), -errno.
 */
static int follow_chain(struct nl_resolver *r, const struct nl_rlink *l, unsigned *hops,
			struct nl_resolution *res)
{
	struct walkpos *w = &r->w;

	while (w->top.target) {
		const struct nl_target *t = w->top.target;
		const char *why = NULL;
		enum hop h;
		int rc, err;

		if (was_visited(r, w->top.id)) {
			set_class(res, NL_CLASS_LOOP, "link chain comes back to a link already followed");
			return 0;
		}
		if (++*hops > r->max_hops || !push_visited(r, w->top.id)) {
			set_class(res, NL_CLASS_LOOP, "too many links to follow");
			return 0;
		}
		go_up(r, w, 1);    /* a relative target starts in the folder holding the link */
		h = follow(r, w, t, "", &why, &err);
		if (err)
			return err;
		if (h == HOP_OTHER || h == HOP_BAD)
			return 1;
		if (h == HOP_DANGLING) {
			set_class(res, NL_CLASS_DANGLING, "link chain ends at a missing target");
			return 0;
		}
		rc = walk(r, w, true, hops, &why);
		if (rc < 0)
			return rc;
		if (rc == W_OTHER)
			return 1;
		if (rc != W_FOUND) {
			set_walk_class(r, res, rc, why, "link chain ends at a missing target");
			return 0;
		}
		rc = holds_link(r, l, w->top.id, w->top.is_dir);
		if (rc < 0)
			return rc;
		if (rc) {
			set_class(res, NL_CLASS_LOOP,
				  "link chain comes back to the link or a folder containing it");
			return 0;
		}
	}
	if (w->top.is_dir)
		res->end_id = w->top.id;
	return 1;
}

/* Class a link whose first hop, r->hop, is on this volume. */
static int classify_here(struct nl_resolver *r, const struct nl_rlink *l, struct nl_resolution *res)
{
	const char *why = NULL;
	unsigned hops = 0;
	bool inner;
	int rc;

	rc = go_root(r, &r->w);
	if (rc == -ENOENT) {
		set_class(res, NL_CLASS_UNKNOWN,
			  "the root folder is not in the model: targets on this volume cannot be resolved");
		return 0;
	}
	if (rc || (rc = sb_set(&r->work, r->hop.p)) != 0)
		return rc;
	r->nvis = 0;
	push_visited(r, l->id);
	rc = walk(r, &r->w, true, &hops, &why);
	if (rc < 0)
		return rc;
	if (rc != W_FOUND) {
		set_walk_class(r, res, rc, why, NULL);
		return 0;
	}
	res->found = true;
	res->target_id = r->w.top.id;
	res->target_is_dir = r->w.top.is_dir;
	inner = under_anchor(r, &r->w);
	if (r->paths) {
		if (sb_set(&r->found_path, r->w.canon.p))
			return -ENOMEM;
		res->target_path = r->found_path.p;
	}
	if (r->w.top.id == l->id) {
		set_class(res, NL_CLASS_LOOP, "points to itself");
		return 0;
	}
	rc = holds_link(r, l, r->w.top.id, r->w.top.is_dir);
	if (rc < 0)
		return rc;
	if (rc) {
		res->end_id = r->w.top.id;
		set_class(res, NL_CLASS_LOOP, "points to a folder that contains it");
		return 0;
	}
	rc = follow_chain(r, l, &hops, res);
	if (rc <= 0)
		return rc;
	set_class(res, inner ? NL_CLASS_INNER : NL_CLASS_OUTER, NULL);
	return 0;
}

int nl_resolver_classify(struct nl_resolver *r, const struct nl_rlink *l, struct nl_resolution *res)
{
	int rc;

	memset(res, 0, sizeof(*res));
	r->self_done = false;
	r->nself = 0;
	if (r->folders) {
		rc = self_folders(r, l);
		if (rc)
			return rc;
		res->folders = r->aux.stk;
		res->nfolders = r->nself;
	}
	rc = first_hop(r, l, res);
	if (rc <= 0)
		return rc;
	res->hop_path = r->hop.p;
	return classify_here(r, l, res);
}

/* ---- drive letter ---------------------------------------------------------------------- */

int nl_resolver_drive_vote(struct nl_resolver *r, const struct nl_target *t)
{
	unsigned hops = 0;
	const char *why;
	int d, rc;

	if (t->kind != NL_TGT_DRIVE)
		return 0;
	d = t->drive - 'A';
	if (d < 0 || d >= 26)
		return 0;
	r->drive_targets++;
	r->seen[d]++;
	rc = go_root(r, &r->aux);
	if (rc == -ENOENT)
		return 0;
	if (rc || (rc = sb_set(&r->work, t->path)) != 0)
		return rc;
	rc = walk(r, &r->aux, false, &hops, &why);
	if (rc < 0)
		return rc;
	if (rc == W_FOUND)
		r->support[d]++;
	return 0;
}

void nl_resolver_drive_settle(struct nl_resolver *r)
{
	int best = -1;

	if (r->drive_given)
		return;
	for (int d = 0; d < 26; d++)
		if (r->support[d] && (best < 0 || r->support[d] > r->support[best]))
			best = d;
	if (best < 0)
		for (int d = 0; d < 26; d++)
			if (r->seen[d] && (best < 0 || r->seen[d] > r->seen[best]))
				best = d;
	r->drive = best >= 0 ? (char)('A' + best) : 0;
}

void nl_resolver_drive(const struct nl_resolver *r, struct nl_drive_guess *g)
{
	g->drive = r->drive;
	g->given = r->drive_given;
	g->support = r->drive ? r->support[r->drive - 'A'] : 0;
	g->drive_targets = r->drive_targets;
}

/* ---- life cycle ------------------------------------------------------------------------ */

/* "{GUID}" out of "{GUID}", "Volume{GUID}" or "\\?\Volume{GUID}\". */
static int set_guid(struct nl_resolver *r, const char *g)
{
	const char *b = strchr(g, '{'), *e = b ? strchr(b, '}') : NULL;

	if (!b || !e)
		return -EINVAL;
	r->volume_guid = strndup(b, (size_t)(e + 1 - b));
	return r->volume_guid ? 0 : -ENOMEM;
}

int nl_resolver_new(const struct nl_resolve_lookup *lookup, void *ctx,
		    const struct nl_resolve_options *opt, struct nl_resolver **out)
{
	struct nl_resolver *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->ops = lookup;
	r->ctx = ctx;
	r->max_hops = opt && opt->max_hops ? opt->max_hops : NL_RESOLVE_MAX_HOPS;
	if (opt) {
		r->anchor = opt->anchor;
		r->paths = opt->paths;
		r->posix_here = opt->posix_here;
		r->folders = opt->folders;
	}
	if (opt && opt->drive) {
		char d = (char)(opt->drive & ~0x20);

		if (d < 'A' || d > 'Z') {
			free(r);
			return -EINVAL;
		}
		r->drive = d;
		r->drive_given = true;
	}
	rc = opt && opt->volume_guid ? set_guid(r, opt->volume_guid) : 0;
	if (!rc) {
		r->vis = malloc(((size_t)r->max_hops + 2) * sizeof(*r->vis));
		rc = r->vis ? 0 : -ENOMEM;
	}
	if (rc) {
		nl_resolver_free(&r);
		return rc;
	}
	*out = r;
	return 0;
}

void nl_resolver_free(struct nl_resolver **rp)
{
	struct nl_resolver *r;

	if (!rp || !*rp)
		return;
	r = *rp;
	pos_free(&r->w);
	pos_free(&r->aux);
	free(r->work.p);
	free(r->next.p);
	free(r->hop.p);
	free(r->found_path.p);
	free(r->vis);
	free(r->volume_guid);
	free(r);
	*rp = NULL;
}
