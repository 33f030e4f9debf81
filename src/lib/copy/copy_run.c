/* copy_run.c: nl_copy_run: checks, the plan (roots, walk, links), execution, the destination's finish. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>

#include "copy/copy_engine_int.h"

static bool same_volume_path_under(const char *vk1, const char *p1, const char *vk2, const char *p2,
				   bool ntfs)
{
	char *a, *b;
	bool r;

	if (strcmp(vk1, vk2))
		return false;
	a = strdup(p1);
	b = strdup(p2);
	if (!a || !b) {
		free(a);
		free(b);
		return false;
	}
	for (char *q = a; *q; q++)
		if (*q == '\\')
			*q = '/';
	for (char *q = b; *q; q++)
		if (*q == '\\')
			*q = '/';
	while (strlen(a) > 1 && a[strlen(a) - 1] == '/')
		a[strlen(a) - 1] = 0;
	while (strlen(b) > 1 && b[strlen(b) - 1] == '/')
		b[strlen(b) - 1] = 0;
	if (ntfs) {
		/* NTFS paths compare without case (good enough for the ASCII letters) */
		for (char *q = a; *q; q++)
			if (*q >= 'a' && *q <= 'z')
				*q = (char)(*q - 32);
		for (char *q = b; *q; q++)
			if (*q >= 'a' && *q <= 'z')
				*q = (char)(*q - 32);
	}
	r = path_under(a, b);
	free(a);
	free(b);
	return r;
}

/* Name of a source's copy: its last component, or the image's name for a volume root. */
static char *root_name(const struct cp_src *s)
{
	const char *b = strrchr(s->root, '/');
	char *r;

	if (b && b[1])
		return strdup(b + 1);
	if (s->kind != CP_EP_IMAGE)
		return strdup("root");
	b = strrchr(s->image, '/');
	r = strdup(b ? b + 1 : s->image);
	if (r) {
		char *dot = strrchr(r, '.'), *at = strrchr(r, '@');

		if (at)
			*at = 0;
		if (dot && dot != r)
			*dot = 0;
	}
	return r;
}

static int stat_dup(struct cp_stat *dst, const struct cp_stat *src)
{
	*dst = *src;
	dst->dos_name = NULL;
	dst->reparse = NULL;
	dst->lnk = NULL;
	if (src->reparse) {
		dst->reparse = malloc(src->reparse_len);
		if (!dst->reparse)
			return -ENOMEM;
		memcpy(dst->reparse, src->reparse, src->reparse_len);
	}
	if (src->lnk && !(dst->lnk = strdup(src->lnk)))
		return -ENOMEM;
	return 0;
}

static int plan_root(struct nl_copy *c, struct cp_node *attach, struct cp_src *s, const char *name)
{
	struct cp_node *n;
	char *dn = name ? strdup(name) : NULL, *rn = NULL;
	int rc;

	if (!dn) {
		rn = root_name(s);
		if (!rn)
			return -ENOMEM;
		c->reclaim = attach == c->top;
		c->reclaimed = false;
		dn = cp_auto_name(c, attach, rn, s->root_st.is_dir);
		c->reclaim = false;
		if (!dn || c->reclaim_err) {
			free(rn);
			free(dn);
			if (!c->reclaim_err)
				return -ENOMEM;
			cp_set_err(c, "cannot remove the unfinished copy an earlier run left: %s",
				   strerror(-c->reclaim_err));
			return c->reclaim_err;
		}
	}
	n = cp_node_new(c, attach, s, dn);
	if (n && rn && strcmp(rn, dn)) {
		n->renamed = true;
		n->reason = xasprintf("renamed: '%s' is taken", rn);
	} else if (n && rn && c->reclaimed) {
		n->reason = xasprintf("what an interrupted copy left here was removed");
	}
	free(dn);
	free(rn);
	if (!n)
		return -ENOMEM;
	n->is_root = true;
	n->anchor = strdup(s->root);
	if (!n->anchor)
		return -ENOMEM;
	rc = stat_dup(&n->st, &s->root_st);
	if (rc)
		return rc;
	n->st.name_space = NL_NS_POSIX;
	rc = cp_classify(c, n);
	if (rc)
		return rc;
	if (n->st.is_dir)
		rc = cp_map_add(c, s->vol_key, s->root, n, true);
	return rc;
}

/* No destination inside a source, source inside the destination, or source inside another source. */
static int check_nesting(struct nl_copy *c)
{
	struct cp_dst *d = c->dst;

	for (size_t i = 0; i < c->nsrc; i++) {
		struct cp_src *s = c->src[i];
		bool ntfs = s->kind == CP_EP_IMAGE;

		if (same_volume_path_under(d->vol_key, d->path, s->vol_key, s->root, ntfs)) {
			cp_set_err(c, "the destination '%s' is inside the source '%s'", d->spec, s->spec);
			return -ELOOP;
		}
		if (same_volume_path_under(s->vol_key, s->root, d->vol_key, d->path, ntfs)) {
			cp_set_err(c, "the source '%s' is inside the destination '%s'", s->spec, d->spec);
			return -ELOOP;
		}
		for (size_t j = 0; j < c->nsrc; j++)
			if (i != j && same_volume_path_under(s->vol_key, s->root, c->src[j]->vol_key,
							    c->src[j]->root, ntfs)) {
				cp_set_err(c, "the source '%s' is inside the source '%s'", s->spec,
					   c->src[j]->spec);
				return -EINVAL;
			}
	}
	return 0;
}

/* The copies of the source roots below the top (in a new folder for several sources). */
static int plan_roots(struct nl_copy *c)
{
	struct cp_dst *d = c->dst;
	struct cp_node *attach = c->top;
	int rc = 0;

	if (!d->exists && c->nsrc == 1)
		return plan_root(c, c->top, c->src[0], d->leaf);
	if (!d->exists) {
		attach = cp_node_new(c, c->top, NULL, d->leaf);
		if (!attach)
			return -ENOMEM;
		attach->kind = NL_COPY_KIND_FOLDER;
		attach->action = NL_COPY_ACT_FOLDER;
		attach->create = true;
	}
	for (size_t i = 0; i < c->nsrc && !rc; i++) {
		struct cp_src *s = c->src[i];

		if (c->o.into && s->root_st.is_dir) {
			attach->is_root = true;
			rc = cp_map_add(c, s->vol_key, s->root, attach, true);
			if (!rc)
				rc = cp_walk_dir(c, attach, s, &s->root_st, s->root);
		} else {
			rc = plan_root(c, attach, s, NULL);
		}
	}
	return rc;
}

int cp_plan(struct nl_copy *c)
{
	int rc;

	c->top = cp_node_new(c, NULL, NULL, "");
	if (!c->top)
		return -ENOMEM;
	c->top->dh = c->dst->root;
	c->top->create = true;
	rc = plan_roots(c);
	if (!rc && c->dst->partial_removed && c->top->child && !c->top->child->reason &&
	    !(c->top->child->reason = xasprintf("what an interrupted copy left here was removed")))
		rc = -ENOMEM;
	if (!rc)
		rc = cp_plan_links(c);
	if (rc)
		return rc;
	cp_finalize(c);
	return cp_rewrite_links(c);
}

/* The least room the data of @n takes in a destination with room @sp: its
 * kept streams as allocated in the source, in whole allocation units; on NTFS
 * nothing for what fits in its MFT record (it may stay resident), elsewhere
 * only the full units (small files may be stored inline). */
static uint64_t data_need(const struct nl_copy *c, const struct cp_node *n,
			  const struct cp_space *sp)
{
	uint64_t b = cp_node_bytes(c, n), x = n->st.alloc < b ? n->st.alloc : b;

	if (sp->record)
		return x < sp->record ? 0 : (x + sp->unit - 1) / sp->unit * sp->unit;
	return x / sp->unit * sp->unit;
}

static void human(uint64_t b, char *buf, size_t n)
{
	if (b >= 10u << 20)
		snprintf(buf, n, "%llu MiB", (unsigned long long)(b >> 20));
	else if (b >= 10u << 10)
		snprintf(buf, n, "%llu KiB", (unsigned long long)(b >> 10));
	else
		snprintf(buf, n, "%llu bytes", (unsigned long long)b);
}

/*
 * Does the copy fit in the destination as it is now? What the plan needs at
 * least (data in allocation units, one MFT record or inode per new file or
 * folder, MFT growth in clusters) against what is free: when it does not fit,
 * one message and -ENOSPC before anything is written.  A destination that
 * cannot say is not checked.
 */
static int check_space(struct nl_copy *c)
{
	struct cp_space sp = { 0 };
	uint64_t need = 0, records = 0;
	char nb[32], fb[32];

	if (!c->dst->ops->space || c->dst->ops->space(c->dst, &sp) || !sp.unit)
		return 0;
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create)) {
		if (!n->create || n->failed || n->clone_link || (n->group && n->group->first != n))
			continue;	/* nothing made, or another name of a file */
		records++;
		need += data_need(c, n, &sp);
	}
	if (sp.record && records > sp.free_records)
		need += ((records - sp.free_records) * sp.record + sp.unit - 1) / sp.unit * sp.unit;
	if (need > sp.free_bytes) {
		human(need, nb, sizeof(nb));
		human(sp.free_bytes, fb, sizeof(fb));
		cp_set_err(c, "not enough room: the copy needs at least %s, the destination has %s "
			   "free; nothing was copied", nb, fb);
		return -ENOSPC;
	}
	if (!sp.record && records > sp.free_records) {
		cp_set_err(c, "not enough room: the copy makes %llu files and folders, the "
			   "destination has %llu inodes free; nothing was copied",
			   (unsigned long long)records, (unsigned long long)sp.free_records);
		return -ENOSPC;
	}
	return 0;
}

int cp_finish(struct nl_copy *c)
{
	struct cp_dst *d = c->dst;
	int rc;

	for (size_t i = 0; i < c->nsrc; i++)
		if (c->src[i]->shared)
			cp_src_ntfs_detach(c->src[i]);
	rc = d->ops->finish(d);
	if (rc)
		cp_set_err(c, "%s", d->ops->errmsg(d));
	return rc;
}

int nl_copy_run(struct nl_copy *c)
{
	int rc;

	if (c->ran) {
		cp_set_err(c, "the copy has already run");
		return -EINVAL;
	}
	c->ran = true;
	if (!c->nsrc || !c->dst) {
		cp_set_err(c, c->nsrc ? "no destination" : "no source");
		return -EINVAL;
	}
	rc = check_nesting(c);
	if (rc)
		return rc;
	c->buf = malloc(c->bufsz);
	if (!c->buf)
		return -ENOMEM;
	if (c->o.mirror) {
		rc = cp_mirror_run(c);
		goto out;
	}
	for (size_t i = 0; i < c->nsrc; i++)
		c->src[i]->list_scan = c->list_scan && c->src[i]->kind == CP_EP_IMAGE;
	rc = cp_plan(c);
	for (size_t i = 0; i < c->nsrc; i++)
		c->src[i]->list_scan = false;
	if (!rc && c->o.clone)
		rc = cp_clone_prepare(c);
	if (!rc)
		rc = check_space(c);
	if (!rc && c->before_exec)
		rc = c->before_exec(c->before_ctx, c);
	if (rc)
		goto out;
	cp_progress(c);
	/* execute (a dry run only reports) */
	rc = cp_execute(c);
	if (!rc && !c->o.dry_run)
		rc = cp_finish(c);
	if (rc)
		goto out;
	if (c->stop) {
		cp_set_err(c, "stopped");
		rc = -ECANCELED;
		goto out;
	}
	rc = c->partial ? 1 : 0;
out:
	if (rc < 0 && !*c->err)
		cp_set_err(c, "%s", strerror(-rc));
	return rc;
}
