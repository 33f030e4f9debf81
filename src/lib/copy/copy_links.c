/* copy_links.c: links in a copy: where each one leads on its source (cp_link_resolve), the
 * policies for links whose target is outside the copy (crop, splice, unroll), the targets written. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/unistr.h>

#include "copy/copy_engine_int.h"

#define MAX_HOPS 40		/* links followed while resolving one target path */

/* ---- links: where do they point? -------------------------------------------------- */

static int split_path(const char *path, char ***out, size_t *n)
{
	char **v = NULL;
	size_t k = 0, len;
	const char *q = path, *c;

	while ((len = cp_next_comp(&q, &c))) {
		char **nv = realloc(v, (k + 1) * sizeof(*v));

		if (!nv)
			goto nomem;
		v = nv;
		v[k] = strndup(c, len);
		if (!v[k])
			goto nomem;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
nomem:
	for (size_t i = 0; i < k; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The absolute source path a link entry @st in folder @dir (canonical) points
 * at, without following anything. Fills @desc's description when given.
 * Returns 0, -EXDEV (another volume), -ENOENT (above the root), -EINVAL
 * (undecodable), -ENOMEM.
 */
static int link_abs(struct cp_src *s, char src_drive, const struct cp_stat *st, const char *dir,
		    char **abs, struct cp_target *desc)
{
	struct nl_reparse *rp = NULL;
	struct nl_target t;
	int rc;

	*abs = NULL;
	if (st->type == CP_T_LSYMLINK) {
		if (desc) {
			desc->relative = st->lnk[0] != '/';
			desc->junction = false;
			if (desc->relative && !(desc->orig_rel = strdup(st->lnk)))
				return -ENOMEM;
		}
		*abs = st->lnk[0] == '/' ? strdup(st->lnk) : path_join(dir, st->lnk);
		return *abs ? 0 : -ENOMEM;
	}
	rc = nl_reparse_decode(st->reparse, st->reparse_len, &rp);
	if (rc || !rp) {
		nl_reparse_free(&rp);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if (rp->type == NL_RP_MOUNT_POINT) {
		if (desc)
			desc->junction = true;
		nl_reparse_free(&rp);
		return -EXDEV;
	}
	if ((rp->type != NL_RP_JUNCTION && rp->type != NL_RP_SYMLINK) || !rp->substitute_name) {
		nl_reparse_free(&rp);
		return -EINVAL;
	}
	if (desc) {
		desc->junction = rp->type == NL_RP_JUNCTION;
		desc->print_empty = !rp->print_name || !*rp->print_name;
	}
	memset(&t, 0, sizeof(t));
	rc = nl_target_parse(rp->substitute_name, rp->relative, &t);
	nl_reparse_free(&rp);
	if (rc)
		return rc;
	switch (t.kind) {
	case NL_TGT_DRIVE:
		if ((t.drive & ~0x20) != src_drive) {
			rc = -EXDEV;
			break;
		}
		/* fall through */
	case NL_TGT_ROOTED:
		*abs = s->mnt ? path_join(s->mnt, t.path + 1) : strdup(t.path);
		rc = *abs ? 0 : -ENOMEM;
		break;
	case NL_TGT_RELATIVE: {
		bool above = false;

		if (desc) {
			desc->relative = true;
			if (!(desc->orig_rel = strdup(t.path))) {
				rc = -ENOMEM;
				break;
			}
		}
		rc = nl_path_resolve(dir, t.path, abs, &above);
		if (rc == 0 && above) {
			free(*abs);
			*abs = NULL;
			rc = -ENOENT;
		}
		break;
	}
	case NL_TGT_NONE:
		rc = -EINVAL;
		break;
	default:
		rc = -EXDEV;
		break;
	}
	nl_target_clear(&t);
	return rc;
}

/*
 * Resolve the absolute source path @path on source @s, following links in
 * every component but the last. On success *@canon is the path made of the
 * names as stored and @out the entry. Returns 0, -ENOENT (nothing there),
 * -ELOOP, -EXDEV (through a link to another volume), -errno.
 */
static int resolve(struct cp_src *s, char src_drive, const char *path, int hops, char **canon,
		   struct cp_stat *out)
{
	char **comp = NULL, **names = NULL;
	uint64_t *mrefs = NULL;
	size_t ncomp = 0, depth = 0;
	struct cp_stat cur;
	struct cp_loc loc;
	char *curpath = NULL;
	int rc;

	memset(&cur, 0, sizeof(cur));
	rc = split_path(path, &comp, &ncomp);
	if (rc)
		return rc;
	names = calloc(ncomp + 1, sizeof(*names));
	mrefs = calloc(ncomp + 1, sizeof(*mrefs));
	curpath = strdup("/");
	if (!names || !mrefs || !curpath) {
		rc = -ENOMEM;
		goto out;
	}
	mrefs[0] = 5;	/* the root folder's record */
	loc.mref = 5;
	loc.path = curpath;
	rc = s->ops->stat(s, &loc, &cur);
	if (rc)
		goto out;
	for (size_t i = 0; i < ncomp; i++) {
		struct cp_stat nx;
		char *real = NULL, *np;

		if (!strcmp(comp[i], "."))
			continue;
		if (!strcmp(comp[i], "..")) {
			if (depth) {
				free(names[--depth]);
				names[depth] = NULL;
			}
			np = path_dirname(curpath);
			if (!np) {
				rc = -ENOMEM;
				goto out;
			}
			free(curpath);
			curpath = np;
			loc.mref = mrefs[depth];
			loc.path = curpath;
			cp_stat_clear(&cur);
			rc = s->ops->stat(s, &loc, &cur);
			if (rc)
				goto out;
			continue;
		}
		if (!cur.is_dir || cur.type == CP_T_LSYMLINK) {
			rc = -ENOENT;
			goto out;
		}
		loc.mref = mrefs[depth];
		loc.path = curpath;
		rc = s->ops->lookup(s, &loc, comp[i], &nx, &real);
		if (rc)
			goto out;
		if (is_link_stat(&nx) && i + 1 < ncomp) {
			char *abs = NULL, *rest = NULL;

			if (hops >= MAX_HOPS) {
				cp_stat_clear(&nx);
				free(real);
				rc = -ELOOP;
				goto out;
			}
			rc = link_abs(s, src_drive, &nx, curpath, &abs, NULL);
			cp_stat_clear(&nx);
			free(real);
			if (rc)
				goto out;
			for (size_t j = i + 1; j < ncomp && abs; j++) {
				np = path_join(abs, comp[j]);
				free(abs);
				abs = np;
			}
			if (!abs) {
				rc = -ENOMEM;
				goto out;
			}
			rest = abs;
			rc = resolve(s, src_drive, rest, hops + 1, canon, out);
			free(rest);
			goto out_resolved;
		}
		np = path_join(curpath, real);
		if (!np) {
			free(real);
			cp_stat_clear(&nx);
			rc = -ENOMEM;
			goto out;
		}
		free(curpath);
		curpath = np;
		names[depth++] = real;
		mrefs[depth] = nx.mref;
		cp_stat_clear(&cur);
		cur = nx;
	}
	*canon = curpath;
	curpath = NULL;
	*out = cur;
	memset(&cur, 0, sizeof(cur));
	rc = 0;
	goto out;
out_resolved:
	;
out:
	cp_stat_clear(&cur);
	free(curpath);
	free_strv(comp, ncomp);
	if (names)
		for (size_t i = 0; i < ncomp + 1; i++)
			free(names[i]);
	free(names);
	free(mrefs);
	return rc;
}

int cp_link_resolve(struct cp_src *s, char src_drive, const struct cp_stat *st, const char *dir,
		    struct cp_target *t)
{
	char *abs = NULL;
	int rc;

	free(t->orig_rel);
	t->orig_rel = NULL;
	rc = link_abs(s, src_drive, st, dir, &abs, t);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		t->rc = rc;
		free(abs);
		return 0;
	}
	t->rc = resolve(s, src_drive, abs, 0, &t->canon, &t->tst);
	if (t->rc == -ENOMEM) {
		free(abs);
		return -ENOMEM;
	}
	if (t->rc) {
		/* keep the lexical path: a dangling target inside the copy is still inner */
		char *lex = NULL;
		bool above = false;

		if (nl_path_resolve("/", abs, &lex, &above) == 0 && !above)
			t->canon = lex;
		else
			free(lex);
	}
	free(abs);
	return 0;
}

void cp_target_clear(struct cp_target *t)
{
	t->rc = 0;
	free(t->canon);
	t->canon = NULL;
	free(t->orig_rel);
	t->orig_rel = NULL;
	cp_stat_clear(&t->tst);
}

/* Work out the target of pending link @li once, and what to show as its target. */
static int link_examine(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	char *self, *dir;
	int rc;

	if (li->done)
		return 0;
	li->done = true;
	self = cp_node_srcpath(n);
	if (!self)
		return -ENOMEM;
	dir = path_dirname(self);
	free(self);
	if (!dir)
		return -ENOMEM;
	rc = cp_link_resolve(n->src, c->o.src_drive, &n->st, dir, &li->t);
	free(dir);
	if (rc)
		return rc;
	if (!n->target) {
		/* the print name, else the substitute name, else the Linux text */
		if (n->st.type == CP_T_LSYMLINK) {
			n->target = strdup(n->st.lnk);
		} else {
			struct nl_reparse *rp = NULL;

			if (nl_reparse_decode(n->st.reparse, n->st.reparse_len, &rp) == 0 && rp)
				n->target = strdup(rp->print_name && *rp->print_name ? rp->print_name
						   : rp->substitute_name ? rp->substitute_name : "");
			nl_reparse_free(&rp);
		}
	}
	return 0;
}

/* ---- links: policies ------------------------------------------------------------- */

void cp_link_reset(struct cp_link *li)
{
	li->done = false;
	cp_target_clear(&li->t);
	li->map = NULL;
}

void cp_link_free(struct cp_link *li)
{
	cp_link_reset(li);
	for (int i = 0; i < li->nvisited; i++)
		free(li->visited[i]);
	free(li);
}

static bool is_self_or_ancestor(struct cp_node *n, const char *canon)
{
	char *self = cp_node_srcpath(n);
	bool r = self && path_under(self, canon);

	free(self);
	return r;
}

static bool visited(const struct cp_link *li, const char *canon)
{
	for (int i = 0; i < li->nvisited; i++)
		if (!strcmp(li->visited[i], canon))
			return true;
	return false;
}

static void set_reason(struct cp_node *n, const char *r)
{
	free(n->reason);
	n->reason = r ? strdup(r) : NULL;
}

/* Replace link node @n by a copy of its target (unroll). */
static int unroll(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	struct cp_stat ts = li->t.tst;
	char *orig = NULL;
	int rc;

	if (li->nvisited == 0 && is_link_stat(&ts)) {
		/* remember where a chain of links started */
		orig = cp_node_srcpath(n);
		if (!orig)
			return -ENOMEM;
		li->visited[li->nvisited++] = orig;
	}
	memset(&li->t.tst, 0, sizeof(li->t.tst));
	if (!n->link_source && !(n->link_source = cp_node_srcdisplay(n)))
		return -ENOMEM;
	/* the copy keeps the link's own name (and 8.3 alias) */
	free(ts.dos_name);
	ts.dos_name = n->st.dos_name;
	n->st.dos_name = NULL;
	ts.name_space = n->st.name_space;
	cp_stat_clear(&n->st);
	n->st = ts;
	free(n->anchor);
	n->anchor = strdup(li->t.canon);
	if (!n->anchor)
		return -ENOMEM;
	n->unrolled = true;
	if (is_link_stat(&n->st)) {
		/* a link to a link: the copy is that link, examined from its own place */
		if (li->nvisited >= MAX_CHAIN) {
			n->action = NL_COPY_ACT_LOOP;
			n->create = false;
			set_reason(n, "too many links in a chain");
			return 0;
		}
		li->visited[li->nvisited] = strdup(li->t.canon);
		if (!li->visited[li->nvisited])
			return -ENOMEM;
		li->nvisited++;
		cp_link_reset(li);
		return cp_pend_push(c, li);
	}
	rc = cp_classify(c, n);
	if (rc)
		return rc;
	if (n->action != NL_COPY_ACT_ERROR)
		n->action = NL_COPY_ACT_UNROLLED;
	if (n->st.is_dir)
		rc = cp_map_add(c, n->src->vol_key, li->t.canon, n, false);
	return rc;
}

/* Outer links and everything not decided by an anchor. */
static int decide_outer(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;

	switch (li->t.rc) {
	case 0:
		if (is_self_or_ancestor(n, li->t.canon) || visited(li, li->t.canon)) {
			n->action = NL_COPY_ACT_LOOP;
			n->create = false;
			set_reason(n, "the target contains the link: not followed");
			return 0;
		}
		switch (c->o.outer) {
		case NL_COPY_CROP:
			n->action = NL_COPY_ACT_CROPPED;
			n->create = false;
			set_reason(n, "target outside the copied set");
			return 0;
		case NL_COPY_SPLICE:
			n->action = NL_COPY_ACT_SPLICED;
			n->create = true;
			li->splice = true;
			return 0;
		case NL_COPY_UNROLL:
			if (li->t.tst.type == CP_T_OTHER) {
				cp_node_fail(c, n, "target is a device, fifo or socket");
				return 0;
			}
			return unroll(c, li);
		}
		break;
	case -ENOENT:
		n->action = NL_COPY_ACT_DANGLING;
		n->create = c->o.outer != NL_COPY_CROP;
		li->splice = n->create;
		set_reason(n, n->create ? "target does not exist: recreated unchanged"
				       : "target does not exist: left out");
		return 0;
	case -ELOOP:
		n->action = NL_COPY_ACT_LOOP;
		n->create = false;
		set_reason(n, "the target path loops");
		return 0;
	case -EXDEV:
		if (c->o.outer == NL_COPY_CROP) {
			n->action = NL_COPY_ACT_CROPPED;
			n->create = false;
			set_reason(n, "target on another volume");
		} else {
			n->action = NL_COPY_ACT_SPLICED;
			n->create = true;
			li->splice = true;
			set_reason(n, c->o.outer == NL_COPY_UNROLL ?
				   "target on another volume: cannot be unrolled, spliced" : NULL);
		}
		return 0;
	case -EINVAL:
		/* not a link we understand: copied as raw reparse data */
		n->kind = NL_COPY_KIND_REPARSE;
		n->action = NL_COPY_ACT_COPIED;
		n->create = true;
		set_reason(n, "link target not understood: copied raw");
		return n->st.is_dir ? 0 : cp_group_add(c, n);
	default:
		cp_node_fail(c, n, "cannot follow the target: %s", strerror(-li->t.rc));
		return 0;
	}
	return 0;
}

int cp_plan_links(struct nl_copy *c)
{
	size_t head = 0;
	int rc;

	for (;;) {
		struct cp_link **todo;
		size_t nt;

		rc = cp_drain_walk(c, &head);
		if (rc)
			return rc;
		if (!c->npend)
			return 0;
		todo = c->pend;
		nt = c->npend;
		c->pend = NULL;
		c->npend = 0;
		c->cappend = 0;
		for (size_t i = 0; i < nt && !rc; i++) {
			struct cp_link *li = todo[i];
			struct cp_node *n = li->n;
			struct cp_map *m = NULL;

			rc = link_examine(c, li);
			if (rc)
				break;
			if ((li->t.rc == 0 || li->t.rc == -ENOENT) && li->t.canon)
				m = cp_map_find(c, n->src->vol_key, li->t.canon, n);
			if (m && li->t.rc == 0) {
				char *self = cp_node_srcpath(n);
				bool same = self && !strcmp(self, li->t.canon);

				free(self);
				if (same || visited(li, li->t.canon)) {
					n->action = NL_COPY_ACT_LOOP;
					n->create = false;
					set_reason(n, "the link leads back to itself");
					continue;
				}
				/* inside the copy (a link to its own ancestor stays a cycle,
				 * as in the source) */
				n->action = rp_tag(&n->st) == NL_TAG_MOUNT_POINT ? NL_COPY_ACT_JUNCTION
										 : NL_COPY_ACT_SYMLINK;
				n->create = true;
				li->inner = true;
				li->map = m;
				continue;
			}
			if (m && li->t.rc == -ENOENT) {
				n->action = NL_COPY_ACT_DANGLING;
				n->create = true;
				li->inner = true;
				li->map = m;
				set_reason(n, "target does not exist");
				continue;
			}
			rc = decide_outer(c, li);
		}
		free(todo);
		if (rc)
			return rc;
	}
}

/* ---- links: rewritten targets ---------------------------------------------------- */

/* Relative path from folder @from to @to (both '/'-separated, relative to the top). */
static char *rel_path(const char *from, const char *to)
{
	char **a = NULL, **b = NULL, *out = NULL;
	size_t na = 0, nb = 0, k = 0, len = 0;

	if (split_path(from, &a, &na) || split_path(to, &b, &nb))
		goto out;
	while (k < na && k < nb && !strcmp(a[k], b[k]))
		k++;
	len = (na - k) * 3 + 2;
	for (size_t i = k; i < nb; i++)
		len += strlen(b[i]) + 1;
	out = malloc(len);
	if (!out)
		goto out;
	out[0] = 0;
	for (size_t i = k; i < na; i++)
		strcat(out, i + 1 < na || k < nb ? "../" : "..");
	for (size_t i = k; i < nb; i++) {
		strcat(out, b[i]);
		if (i + 1 < nb)
			strcat(out, "/");
	}
	if (!*out)
		strcpy(out, ".");
out:
	free_strv(a, na);
	free_strv(b, nb);
	return out;
}

static void to_backslash(char *s)
{
	for (; *s; s++)
		if (*s == '/')
			*s = '\\';
}

static char dest_drive(struct nl_copy *c)
{
	return c->o.dest_drive ? c->o.dest_drive : c->o.src_drive;
}

/* "\??\X:\a\b" and "X:\a\b" for volume path @vp ("/a/b"). */
static int win_abs(struct nl_copy *c, const char *vp, char **subst, char **print)
{
	char *p = xasprintf("%c:%s", dest_drive(c), vp);

	if (!p)
		return -ENOMEM;
	to_backslash(p);
	*subst = xasprintf("\\??\\%s", p);
	*print = p;
	return *subst ? 0 : -ENOMEM;
}

static int build_symlink(struct nl_copy *c, struct cp_node *n, bool junction, bool relative,
			 bool print_empty, const char *text_or_vp)
{
	char *subst = NULL, *print = NULL;
	int rc;

	if (relative) {
		subst = strdup(text_or_vp);
		print = strdup(text_or_vp);
		if (!subst || !print) {
			rc = -ENOMEM;
			goto out;
		}
		to_backslash(subst);
		to_backslash(print);
	} else {
		rc = win_abs(c, text_or_vp, &subst, &print);
		if (rc)
			goto out;
	}
	free(n->rp);
	n->rp = NULL;
	rc = nl_reparse_build_link(junction ? NL_TAG_MOUNT_POINT : NL_TAG_SYMLINK, subst,
				   junction && print_empty ? "" : print, relative ? 1 : 0,
				   &n->rp, &n->rp_len);
	if (rc == 0) {
		free(n->new_target);
		n->new_target = subst;
		subst = NULL;
	}
out:
	free(subst);
	free(print);
	return rc;
}

static int rewrite_inner(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	char *mrel = cp_node_destrel(li->map->node), *prel = cp_node_destrel(n->parent);
	const char *rest = li->t.canon + strlen(li->map->path);
	char *trel = NULL, *text = NULL;
	int rc = -ENOMEM;

	while (*rest == '/')
		rest++;
	if (!mrel || !prel)
		goto out;
	trel = *mrel ? (*rest ? xasprintf("%s/%s", mrel, rest) : strdup(mrel)) : strdup(rest);
	if (!trel)
		goto out;
	if (li->t.relative || !c->dst->ntfs) {
		text = rel_path(prel, trel);
		if (!text)
			goto out;
		if (li->t.orig_rel) {
			/* keep the text as it was when it still leads to the same place */
			char *pa = xasprintf("/%s", prel), *ta = xasprintf("/%s", trel), *r = NULL;
			bool above = false;

			if (pa && ta && nl_path_resolve(pa, li->t.orig_rel, &r, &above) == 0 &&
			    !above && !strcmp(r, ta)) {
				free(text);
				text = strdup(li->t.orig_rel);
			}
			free(pa);
			free(ta);
			free(r);
			if (!text)
				goto out;
		}
	}
	if (!c->dst->ntfs) {
		n->linux_symlink = true;
		free(n->new_target);
		n->new_target = text;
		text = NULL;
		rc = 0;
	} else if (li->t.relative) {
		rc = build_symlink(c, n, false, true, false, text);
	} else {
		char *vp;

		if (!c->dst->vol_path) {
			cp_node_fail(c, n, "the destination's path inside its volume is unknown");
			rc = 0;
			goto out;
		}
		vp = *trel ? path_join(c->dst->vol_path, trel) : strdup(c->dst->vol_path);
		if (!vp)
			goto out;
		rc = build_symlink(c, n, li->t.junction, false, li->t.print_empty, vp);
		free(vp);
	}
out:
	free(mrel);
	free(prel);
	free(trel);
	free(text);
	return rc;
}

static int rewrite_splice(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;

	if (c->dst->ntfs) {
		if (n->st.type == CP_T_REPARSE) {
			n->rp = malloc(n->st.reparse_len);
			if (!n->rp)
				return -ENOMEM;
			memcpy(n->rp, n->st.reparse, n->st.reparse_len);
			n->rp_len = n->st.reparse_len;
			free(n->new_target);
			n->new_target = xstrdup(n->target);
			return 0;
		}
		/* a Linux symlink: relative stays relative, absolute gets the drive letter */
		return build_symlink(c, n, false, n->st.lnk[0] != '/', false, n->st.lnk);
	}
	n->linux_symlink = true;
	free(n->new_target);
	if (n->st.type == CP_T_LSYMLINK)
		n->new_target = strdup(n->st.lnk);
	else if (li->t.relative && li->t.orig_rel)
		n->new_target = strdup(li->t.orig_rel);
	else
		n->new_target = strdup(n->target ? n->target : "");
	return n->new_target ? 0 : -ENOMEM;
}

int cp_rewrite_links(struct nl_copy *c)
{
	for (size_t i = 0; i < c->nlinks; i++) {
		struct cp_link *li = c->links[i];
		int rc = 0;

		if (!li->n->create || li->n->failed || !is_link_stat(&li->n->st))
			continue;
		if (li->inner)
			rc = rewrite_inner(c, li);
		else if (li->splice)
			rc = rewrite_splice(c, li);
		if (rc == -ENOMEM)
			return rc;
		if (rc)
			cp_node_fail(c, li->n, "cannot build the link: %s", strerror(-rc));
	}
	return 0;
}
