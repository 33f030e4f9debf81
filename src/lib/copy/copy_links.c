/* copy_links.c: links in a copy: the policies for links whose target is outside the copy (crop,
 * splice, unroll) after the resolver classed them (copy_resolve.c), and the targets written. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/unistr.h>

#include "copy/copy_engine_int.h"

/* ---- paths ----------------------------------------------------------------------- */

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
	rc = cp_link_resolve(c, n->src, &n->st, dir, &li->t);
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
	free(li);
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
	int rc;

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
		/* a link to a link: the copy is that link, examined from its own
		 * place (the resolver found that the chain ends, so this does too) */
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
		set_reason(n, li->t.reason);
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
	case -EIO:
		cp_node_fail(c, n, "cannot follow the target: %s", li->t.reason);
		return 0;
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
			if ((li->t.rc == 0 || li->t.rc == -ENOENT || li->t.rc == -ELOOP) &&
			    li->t.canon)
				m = cp_map_find(c, n->src->vol_key, li->t.canon, n);
			if (!m && li->t.rc == 0 && c->o.outer == NL_COPY_UNROLL && li->t.canon) {
				/* a folder already unrolled is copied once: links to it
				   (or into it) point to that copy */
				m = cp_map_find_unrolled(c, n->src->vol_key, li->t.canon);
				if (m)
					set_reason(n, "target already unrolled: points to its copy");
			}
			if (m && li->t.self) {
				n->action = NL_COPY_ACT_LOOP;
				n->create = false;
				set_reason(n, li->t.reason);
				continue;
			}
			if (m && (li->t.rc == 0 || li->t.rc == -ELOOP)) {
				/* inside the copy (a link that loops stays a cycle, as
				 * in the source: the copy does not follow it) */
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

/* The drive letter for absolute targets written for link @n: the one given,
 * else its source's (C: when the source has none). */
static char dest_drive(struct nl_copy *c, const struct cp_node *n)
{
	struct nl_drive_guess g;

	if (c->o.dest_drive)
		return c->o.dest_drive;
	if (cp_source_drive(c, n->src, &g) == 0 && g.drive)
		return g.drive;
	return 'C';
}

/* "\??\X:\a\b" and "X:\a\b" for volume path @vp ("/a/b") with drive letter @drive. */
static int win_abs(char drive, const char *vp, char **subst, char **print)
{
	char *p = xasprintf("%c:%s", drive, vp);

	if (!p)
		return -ENOMEM;
	to_backslash(p);
	*subst = xasprintf("\\??\\%s", p);
	*print = p;
	return *subst ? 0 : -ENOMEM;
}

/* The reparse data of link @n: a junction or symbolic link to @text_or_vp, a
 * relative text or a volume path written with drive letter @drive. */
static int build_symlink(struct cp_node *n, char drive, bool junction, bool relative,
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
		rc = win_abs(drive, text_or_vp, &subst, &print);
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

/* The entry @name (length @len) planned in folder @dir, or NULL. */
static const struct cp_node *planned_child(const struct cp_node *dir, const char *name, size_t len)
{
	for (const struct cp_node *k = dir->child; k; k = k->next)
		if (k->create && !k->failed && strlen(k->name) == len && !memcmp(k->name, name, len))
			return k;
	return NULL;
}

/*
 * Could Linux symbolic link text @text, made in the copy of @parent, lead out
 * of the destination folder (the one named, or the one the copy creates)?
 * Followed through the plan the way Linux follows it ('/' separates, a
 * backslash is part of a name): out when it is absolute, climbs above the
 * destination, passes through a link (which may lead anywhere), or names
 * something the copy did not plan in a folder that existed before it.
 */
static bool leaves_dest(const struct nl_copy *c, const struct cp_node *parent, const char *text)
{
	const struct cp_node *base = c->dst->exists || !c->top->child ? c->top : c->top->child;
	const struct cp_node *cur = parent;
	const char *q = text;

	if (*q == '/')
		return true;
	while (*q) {
		const char *comp = q;
		size_t len = strcspn(q, "/");
		const struct cp_node *k;

		q += len;
		while (*q == '/')
			q++;
		if (!len || (len == 1 && comp[0] == '.'))
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			if (cur == base || !cur->parent)
				return true;
			cur = cur->parent;
			continue;
		}
		k = planned_child(cur, comp, len);
		if (!k)
			return cur == c->top && c->dst->exists;	/* there: anything may be */
		if (!*q)
			return false;	/* the last name, inside */
		if (is_link_stat(&k->st) || k->linux_symlink)
			return true;
		if (!k->st.is_dir)
			return false;	/* not a folder: goes no further */
		cur = k;
	}
	return false;
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

			/* (in a Linux folder the text must not pass through a link:
			   Linux follows it where the lexical path does not go) */
			if (pa && ta && nl_path_resolve(pa, li->t.orig_rel, &r, &above) == 0 &&
			    !above && !strcmp(r, ta) &&
			    (c->dst->ntfs || !leaves_dest(c, n->parent, li->t.orig_rel))) {
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
		rc = build_symlink(n, 0, false, true, false, text);
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
		rc = build_symlink(n, dest_drive(c, n), li->t.junction, false, li->t.print_empty, vp);
		free(vp);
	}
out:
	free(mrel);
	free(prel);
	free(trel);
	free(text);
	return rc;
}

/* The drive letter of the source of link @n (C: when it has none). */
static char source_drive(struct nl_copy *c, const struct cp_node *n)
{
	struct nl_drive_guess g;

	if (cp_source_drive(c, n->src, &g) == 0 && g.drive)
		return g.drive;
	return 'C';
}

/*
 * Where the spliced relative link @li leads, as an absolute path: the volume
 * path of its target (image and ntfs-3g sources) or its host path (Linux
 * folders), or NULL when it is not relative or its target was not found:
 * a relative text moved elsewhere would lead somewhere else.
 */
static const char *splice_target(const struct cp_link *li, bool host)
{
	const struct cp_src *s = li->n->src;
	const char *p = li->t.canon;
	size_t ml;

	if (!li->t.relative || li->t.rc != 0 || !p)
		return NULL;
	if (host || !s->mnt)
		return p;
	if (!path_under(p, s->mnt))
		return NULL;
	ml = strlen(s->mnt);
	return ml == 1 ? p : p[ml] ? p + ml : "/";
}

/* An outer link into a plain Linux folder: the Linux symbolic link text. */
static int splice_linux(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	const char *abs = splice_target(li, true);
	int rc = 0;

	free(n->new_target);
	if (n->st.type == CP_T_LSYMLINK) {
		n->new_target = strdup(abs ? abs : n->st.lnk);
	} else if (abs) {
		char *subst = NULL;

		/* in an image: its Windows path, text that Linux never follows */
		rc = win_abs(source_drive(c, n), abs, &subst, &n->new_target);
		free(subst);
	} else if (li->t.relative && li->t.orig_rel) {
		n->new_target = strdup(li->t.orig_rel);
	} else {
		n->new_target = strdup(n->target ? n->target : "");
	}
	if (rc || !n->new_target)
		return -ENOMEM;
	if (leaves_dest(c, n->parent, n->new_target)) {
		if (c->o.outer == NL_COPY_SPLICE) {
			/* kept as it is, as asked; counted and said */
			n->outside = true;
			set_reason(n, n->action == NL_COPY_ACT_DANGLING ?
				   "target does not exist: recreated unchanged, "
				   "leads out of the destination" :
				   "leads out of the destination");
			n->linux_symlink = true;
			return n->reason ? 0 : -ENOMEM;
		}
		/* only --splice makes a link that leads out of the destination */
		n->create = false;
		free(n->new_target);
		n->new_target = NULL;
		set_reason(n, n->action == NL_COPY_ACT_DANGLING ?
			   "target does not exist: left out, it would lead out of the destination" :
			   "left out: it would lead out of the destination "
			   "(only --splice makes such links)");
		return 0;
	}
	n->linux_symlink = true;
	return rc;
}

static int rewrite_splice(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	const char *abs = splice_target(li, false);

	if (!c->dst->ntfs)
		return splice_linux(c, li);
	if (abs)
		return build_symlink(n, source_drive(c, n), false, false, false, abs);
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
	return build_symlink(n, source_drive(c, n), false, n->st.lnk[0] != '/', false, n->st.lnk);
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
