/* copy_clone.c: Hardlink Clone and Symbolic Clone: after the plan, the files of a copy become new hard links of their source files (the 1023-name limit checked first) or symbolic links to them. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/reparse.h>

#include "copy/copy_engine_int.h"

/* Is @n a file of the plan that the clone makes as a link to its source file? */
static bool clone_candidate(const struct cp_node *n)
{
	return n->create && !n->failed && n->src && !n->st.is_dir && n->st.type != CP_T_LSYMLINK &&
	       n->st.type != CP_T_OTHER && !is_link_stat(&n->st);
}

/* Tell about file @n that would pass the limit: an error event, no node failed. */
static void report_over(struct nl_copy *c, const struct cp_node *n, uint32_t names,
			uint32_t limit)
{
	struct nl_copy_event ev;
	char *src = cp_node_srcdisplay(n), *why;

	why = xasprintf("the file has %u names, the clone would give it %u more: over %u",
			(unsigned)n->st.nlink, (unsigned)names, (unsigned)limit);
	memset(&ev, 0, sizeof(ev));
	ev.action = NL_COPY_ACT_ERROR;
	ev.kind = n->kind;
	ev.source = src;
	ev.reason = why;
	ev.mft = n->st.ino;
	c->st.actions[NL_COPY_ACT_ERROR]++;
	if (c->o.on_action)
		c->o.on_action(c->o.action_ctx, &ev);
	free(src);
	free(why);
}

/* The nearest folder of the host path @p that exists (malloc'ed), its
 * status in *@sb; NULL when out of memory or none. */
static char *existing_folder(const char *p, struct stat *sb)
{
	char *q = strdup(p);

	while (q && stat(q, sb) != 0 && strcmp(q, "/") && strcmp(q, ".")) {
		char *up = path_dirname(q);

		free(q);
		q = up;
	}
	return q;
}

/* The most names a file may have in the destination: NTFS's 1023 (images,
 * ntfs-3g mounts), else what the host file system allows (pathconf). */
uint32_t cp_link_limit(const struct cp_dst *d)
{
	struct stat sb;
	char *q;
	long v;

	if (d->ntfs)
		return NL_MAX_LINKS;
	q = existing_folder(d->path, &sb);
	v = q ? pathconf(q, _PC_LINK_MAX) : -1;
	free(q);
	return v <= 0 ? 1 : v > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Is source @s on the destination's volume? An image source is when it is
 * read through the destination's writer (or, in a dry run, is the same
 * image); a host folder when it is on the file system of the destination. */
static bool on_dest_volume(const struct nl_copy *c, const struct cp_src *s)
{
	struct stat a, b;
	bool same;
	char *q;

	if (s->shared)
		return true;
	if (s->kind == CP_EP_IMAGE || c->dst->kind == CP_EP_IMAGE)
		return c->o.dry_run && s->kind == CP_EP_IMAGE && c->dst->kind == CP_EP_IMAGE &&
		       s->vol_key && c->dst->vol_key && !strcmp(s->vol_key, c->dst->vol_key);
	q = existing_folder(c->dst->path, &b);
	same = q && stat(s->root, &a) == 0 && a.st_dev == b.st_dev;
	free(q);
	return same;
}

/*
 * Hardlink clone: every source must be on the destination's volume (in its
 * image, read through its writer, or a host folder on its file system).
 * Count the names each file gets; a file that would pass the limit (1023 on
 * NTFS) is reported and the run stops, or with copy_over_limit its names
 * are copied as usual. The others are made as new names of the source file.
 */
static int prepare_hardlinks(struct nl_copy *c)
{
	uint32_t limit = cp_link_limit(c->dst);
	uint64_t over = 0;

	for (size_t i = 0; i < c->nsrc; i++)
		if (!on_dest_volume(c, c->src[i])) {
			cp_set_err(c, "'%.400s' is not on the destination's volume: a hardlink "
				   "clone stays on one volume (--symbolic crosses volumes)",
				   c->src[i]->spec);
			return -EXDEV;
		}
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create))
		if (clone_candidate(n) && n->group)
			n->group->clone_names = 0;
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create))
		if (clone_candidate(n) && n->group)
			n->group->clone_names++;
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create)) {
		struct cp_group *g = n->group;

		if (!clone_candidate(n) || !g)
			continue;
		if ((uint64_t)n->st.nlink + g->clone_names <= limit) {
			n->clone_link = true;
			n->action = NL_COPY_ACT_CLONED;
		} else if (g->first == n && !c->o.copy_over_limit) {
			report_over(c, n, g->clone_names, limit);
			over++;
		}
	}
	if (over) {
		cp_set_err(c, "%llu file%s would pass %u names: nothing was written "
			   "(--copy-over-limit copies them)", (unsigned long long)over,
			   over == 1 ? "" : "s", (unsigned)limit);
		return -EMLINK;
	}
	return 0;
}

/* The path of @n's source on its volume (malloc'ed): an image's own path, or
 * below an ntfs-3g mount's root; NULL when out of memory. */
static char *volume_path_of(const struct cp_node *n)
{
	char *p = cp_node_srcpath(n), *v;
	size_t ml = n->src->mnt ? strlen(n->src->mnt) : 0;

	if (!p || !ml || ml == 1)
		return p;
	v = strdup(p[ml] ? p + ml : "/");
	free(p);
	return v;
}

/* File @n becomes a symbolic link "\??\X:\path" to its source file. */
static int make_symbolic(struct nl_copy *c, struct cp_node *n, char drive)
{
	char *vp = volume_path_of(n), *sub, *print;
	uint8_t *rp = NULL;
	size_t len = 0;
	int rc;

	if (!vp)
		return -ENOMEM;
	for (char *q = vp; *q; q++)
		if (*q == '/')
			*q = '\\';
	sub = xasprintf("\\??\\%c:%s", drive, vp);
	free(vp);
	if (!sub)
		return -ENOMEM;
	print = sub + 4;
	rc = nl_reparse_build_link(NL_TAG_SYMLINK, sub, print, 0, &rp, &len);
	if (rc) {
		if (rc != -ENOMEM)
			cp_node_fail(c, n, "cannot make a symbolic link to '%s'", print);
		free(sub);
		return rc == -ENOMEM ? rc : 0;
	}
	cp_stat_clear(&n->st);
	n->st.type = CP_T_REPARSE;
	n->st.reparse = rp;
	n->st.reparse_len = len;
	n->st.attrs |= NL_FA_REPARSE_POINT;
	n->st.size = n->st.named_size = n->st.alloc = 0;
	n->group = NULL;
	n->action = NL_COPY_ACT_CLONED;
	free(n->new_target);
	n->new_target = strdup(sub);
	free(sub);
	return n->new_target ? 0 : -ENOMEM;
}

/* Symbolic clone: NTFS sources with a drive letter, an NTFS destination. */
static int prepare_symbolic(struct nl_copy *c)
{
	if (!c->dst->ntfs) {
		cp_set_err(c, "a symbolic clone needs an NTFS destination (an image or an "
			   "ntfs-3g mount)");
		return -EINVAL;
	}
	for (size_t i = 0; i < c->nsrc; i++) {
		struct nl_drive_guess g;

		if (c->src[i]->kind == CP_EP_DIR) {
			cp_set_err(c, "'%.400s' is no NTFS folder: a symbolic clone links to files "
				   "by their Windows paths", c->src[i]->spec);
			return -EINVAL;
		}
		if (cp_source_drive(c, c->src[i], &g) || !g.drive) {
			cp_set_err(c, "the drive letter of '%.400s' is not known: give it with "
				   "--drive", c->src[i]->spec);
			return -EINVAL;
		}
	}
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create)) {
		struct nl_drive_guess g;
		int rc;

		if (!clone_candidate(n))
			continue;
		rc = cp_source_drive(c, n->src, &g);
		if (!rc)
			rc = make_symbolic(c, n, g.drive);
		if (rc)
			return rc;
	}
	return 0;
}

/* The data bytes the plan writes, once the clone changed it. */
static void recount_bytes(struct nl_copy *c)
{
	c->st.bytes_total = 0;
	for (struct cp_node *n = c->top->child; n; n = cp_next_pre(n, c->top, n->create))
		if (n->create && !n->failed && (!n->group || n->group->first == n))
			c->st.bytes_total += cp_node_bytes(c, n);
}

int cp_clone_prepare(struct nl_copy *c)
{
	int rc = c->o.clone == NL_COPY_CLONE_HARDLINK ? prepare_hardlinks(c) : prepare_symbolic(c);

	if (!rc)
		recount_bytes(c);
	return rc;
}
