/* copy_exec.c: making the copy plan in the destination: folders, files and their contents, links, metadata, reports. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/writer.h>

#include "copy/copy_engine_int.h"

static char *node_destdisplay(struct nl_copy *c, const struct cp_node *n, const char *top)
{
	char *rel = cp_node_destrel(n), *r;

	if (!rel)
		return NULL;
	if (!*rel)
		return rel;
	r = xasprintf("%s%s%s", top, top[strlen(top) - 1] == '/' ? "" : "/", rel);
	free(rel);
	(void)c;
	return r;
}

int cp_progress(struct nl_copy *c)
{
	if (c->o.progress && c->o.progress(c->o.progress_ctx, &c->st)) {
		c->stop = true;
		return -ECANCELED;
	}
	return 0;
}

static void report(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n,
		   enum nl_copy_action a, const char *reason, uint64_t bytes, bool item)
{
	struct nl_copy_event ev;
	char *src, *dst = NULL;

	if (c->problems_only && a != NL_COPY_ACT_ERROR && a != NL_COPY_ACT_WARNING) {
		c->st.actions[a]++;
		c->st.items_done += item;
		cp_progress(c);
		return;
	}
	src = n->link_source ? strdup(n->link_source) : cp_node_srcdisplay(n);
	memset(&ev, 0, sizeof(ev));
	if ((n->create || n->kept) && a != NL_COPY_ACT_ERROR)
		dst = node_destdisplay(c, n, x->top_display);
	ev.action = a;
	ev.kind = n->kind;
	ev.source = src;
	ev.dest = dst;
	ev.target = n->target;
	ev.new_target = a == NL_COPY_ACT_JUNCTION || a == NL_COPY_ACT_SYMLINK ||
			a == NL_COPY_ACT_SPLICED || a == NL_COPY_ACT_DANGLING ||
			a == NL_COPY_ACT_CLONED ? n->new_target : NULL;
	ev.reason = reason ? reason : n->reason;
	ev.bytes = bytes;
	ev.mft = n->src && n->src->kind == CP_EP_IMAGE ? n->st.ino : UINT64_MAX;
	ev.renamed = n->renamed && a != NL_COPY_ACT_ERROR && a != NL_COPY_ACT_WARNING;
	c->st.actions[a]++;
	if (item)
		c->st.items_done++;
	if (a == NL_COPY_ACT_ERROR)
		c->partial = true;
	if (c->o.on_action)
		c->o.on_action(c->o.action_ctx, &ev);
	if (a == NL_COPY_ACT_ERROR && c->o.problem && n->src) {
		char *sp = cp_node_srcpath(n);

		c->o.problem(c->o.problem_ctx, n->src->kind == CP_EP_IMAGE ? n->src->image : sp,
			     ev.mft, n->src->kind == CP_EP_IMAGE ? sp : NULL,
			     ev.reason ? ev.reason : "failed");
		free(sp);
	}
	free(src);
	free(dst);
	cp_progress(c);
}

static void fail_now(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n, const char *what)
{
	char *r = xasprintf("%s", what && *what ? what : "failed");

	free(n->reason);
	n->reason = r;
	n->failed = true;
	n->create = false;
	report(c, x, n, NL_COPY_ACT_ERROR, NULL, 0, true);
}

/* Count (as handled) the planned entries below a folder that could not be made. */
static void skip_subtree(struct nl_copy *c, struct cp_node *n)
{
	for (struct cp_node *k = n->child; k; k = cp_next_pre(k, n, true))
		c->st.items_done++;
}

static struct cp_loc node_loc(struct cp_node *n, char **pathbuf)
{
	struct cp_loc loc = { .mref = n->st.mref, .path = NULL };

	*pathbuf = NULL;
	if (n->src->kind != CP_EP_IMAGE) {
		*pathbuf = cp_node_srcpath(n);
		loc.path = *pathbuf;
	}
	return loc;
}

static bool wants_acl(struct nl_copy *c, struct cp_node *n)
{
	return !c->o.no_acl && c->dst->ntfs && n->src && n->src->kind != CP_EP_DIR;
}

/* Bytes [@start, @end) of stream @i of the open source file @fh to @n->dh, through c->buf. */
static int copy_region(struct nl_copy *c, struct cp_node *n, void *fh, size_t i,
		       const char *stream, uint64_t start, uint64_t end, uint64_t *bytes,
		       char *why, size_t whylen)
{
	struct cp_dst *d = c->dst;
	struct cp_src *s = n->src;
	int rc = 0;

	for (uint64_t off = start; off < end && !rc;) {
		size_t want = end - off < c->bufsz ? (size_t)(end - off) : c->bufsz;
		ssize_t got = s->ops->read(s, fh, i, off, c->buf, want);

		if (got < 0) {
			rc = (int)got;
			snprintf(why, whylen, "cannot read source: %s", strerror(-rc));
			break;
		}
		if (got == 0) {
			rc = -EIO;
			snprintf(why, whylen, "source shorter than its size");
			break;
		}
		rc = d->ops->write(d, &n->dh, stream, off, c->buf, (size_t)got);
		if (rc) {
			snprintf(why, whylen, "%s", d->ops->errmsg(d));
			break;
		}
		off += (uint64_t)got;
		*bytes += (uint64_t)got;
		c->st.bytes_done += (uint64_t)got;
		if (cp_progress(c))
			rc = -ECANCELED;
	}
	return rc;
}

/* Stream @i (@st) of the open source file @fh to @n->dh: its allocated regions, then its size. */
static int copy_stream(struct nl_copy *c, struct cp_node *n, void *fh, size_t i,
		       const struct cp_stream *st, uint64_t *bytes, char *why, size_t whylen)
{
	struct cp_dst *d = c->dst;
	struct cp_src *s = n->src;
	uint64_t off = 0, a, b;
	int rc = 0;

	if (st->sparse && d->ntfs) {
		rc = d->ops->set_sparse(d, &n->dh, st->name);
		if (rc)
			return rc;
	}
	while (!rc && !c->stop) {
		int r = s->ops->region(s, fh, i, off, &a, &b);

		if (r == 1)
			break;
		if (r < 0) {
			rc = r;
			snprintf(why, whylen, "cannot read source: %s", strerror(-r));
			break;
		}
		/* a hole counts as copied: the totals are the streams' sizes */
		*bytes += a - off;
		c->st.bytes_done += a - off;
		rc = copy_region(c, n, fh, i, st->name, a, b, bytes, why, whylen);
		off = b;
	}
	if (!rc && !c->stop && off < st->size) {
		*bytes += st->size - off;
		c->st.bytes_done += st->size - off;
	}
	if (!rc && c->stop)
		rc = -ECANCELED;
	if (!rc) {
		rc = d->ops->set_size(d, &n->dh, st->name, st->size);
		if (rc)
			snprintf(why, whylen, "%s", d->ops->errmsg(d));
	}
	return rc;
}

/* The security descriptor of the open source file @fh to @n->dh (none to copy is fine). */
static int copy_security(struct nl_copy *c, struct cp_node *n, void *fh, char *why,
			 size_t whylen)
{
	struct cp_dst *d = c->dst;
	uint8_t *sd = NULL;
	size_t sl = 0;
	int rc = 0;

	if (n->src->ops->security(n->src, fh, &sd, &sl) == 0) {
		rc = d->ops->set_security(d, &n->dh, sd, sl);
		if (rc)
			snprintf(why, whylen, "%s", d->ops->errmsg(d));
	}
	free(sd);
	return rc;
}

/* Streams, reparse data and security of one file or folder, from the source to @n->dh. */
static int copy_contents(struct nl_copy *c, struct cp_node *n, uint64_t *bytes, unsigned *lost,
			 char *why, size_t whylen)
{
	struct cp_dst *d = c->dst;
	struct cp_src *s = n->src;
	const struct cp_stream *sv;
	size_t ns = 0;
	void *fh = NULL;
	char *pb;
	struct cp_loc loc = node_loc(n, &pb);
	int rc;

	*bytes = 0;
	*lost = 0;
	rc = s->ops->open(s, &loc, &n->st, &fh);
	free(pb);
	if (rc) {
		snprintf(why, whylen, "cannot open source: %s", strerror(-rc));
		return rc;
	}
	rc = s->ops->streams(s, fh, &sv, &ns);
	for (size_t i = 0; i < ns && !rc; i++) {
		if (sv[i].name && !d->ntfs && !d->xattr_streams) {
			(*lost)++;
			continue;
		}
		if (!sv[i].name && n->st.is_dir)
			continue;
		rc = copy_stream(c, n, fh, i, &sv[i], bytes, why, whylen);
	}
	if (!rc && wants_acl(c, n))
		rc = copy_security(c, n, fh, why, whylen);
	s->ops->close(s, fh);
	if (!rc && n->st.type == CP_T_REPARSE && d->ntfs) {
		rc = d->ops->set_reparse(d, &n->dh, n->st.reparse, n->st.reparse_len);
		if (rc)
			snprintf(why, whylen, "%s", d->ops->errmsg(d));
	}
	if (rc == -ECANCELED)
		snprintf(why, whylen, "stopped");
	return rc;
}

static void set_meta(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n, bool times)
{
	struct cp_dst *d = c->dst;
	uint32_t attrs = n->st.attrs;

	if (!n->src)
		return;
	if (!d->ntfs && n->st.type == CP_T_REPARSE)
		attrs &= ~NL_FA_READONLY;
	if (d->ops->set_attrs(d, &n->dh, attrs, false))
		report(c, x, n, NL_COPY_ACT_WARNING, d->ops->errmsg(d), 0, false);
	if (times && n->st.has_times && d->ops->set_times(d, &n->dh, &n->st.t))
		report(c, x, n, NL_COPY_ACT_WARNING, d->ops->errmsg(d), 0, false);
}

static void set_dos(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;

	const char *dos = n->st.dos_name;

	/* an ntfs-3g mount makes a Win32-and-DOS name from a DOS name equal to the name */
	if (!dos && n->st.name_space == NL_NS_WIN32_AND_DOS && d->kind == CP_EP_NTFS3G)
		dos = n->name;
	if (!d->ntfs || !dos || n->src_name)
		return;
	if (d->ops->set_dos_name(d, &n->dh, &n->parent->dh, n->name, dos))
		report(c, x, n, NL_COPY_ACT_WARNING, d->ops->errmsg(d), 0, false);
}

static void exec_node(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n);

static void exec_children(struct nl_copy *c, struct exec_ctx *x, struct cp_node *dir)
{
	for (struct cp_node *k = dir->child; k && !c->stop; k = k->next)
		exec_node(c, x, k);
}

/* Another name @n for the file first made as @first. */
static int link_name(struct cp_dst *d, struct cp_node *first, struct cp_node *n)
{
	char *first_rel = NULL;
	int rc;

	/* directory destinations reach the first name by its path */
	if (d->kind != CP_EP_IMAGE && !(first_rel = cp_node_destrel(first)))
		return -ENOMEM;
	rc = d->ops->link(d, &first->dh, first_rel, &n->parent->dh, n->name,
			  n->st.name_space);
	free(first_rel);
	return rc;
}

/* A new name of the source file itself, on the same volume (clone). */
static void exec_clone_name(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	struct cp_dh src = { .ref = n->st.mref, .fd = -1 };
	char *path = d->kind == CP_EP_IMAGE ? NULL : cp_node_srcpath(n);	/* host: linkat */
	int rc = d->kind != CP_EP_IMAGE && !path ? -ENOMEM
		 : d->ops->link(d, &src, path, &n->parent->dh, n->name, n->st.name_space);

	free(path);
	if (rc)
		fail_now(c, x, n, rc == -ENOMEM ? strerror(ENOMEM) : d->ops->errmsg(d));
	else
		report(c, x, n, NL_COPY_ACT_CLONED, NULL, 0, true);
}

/* A later name @n of a hardlink group whose first file is made. */
static void exec_group_name(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	struct cp_group *g = n->group;
	int rc = link_name(d, g->first, n);

	if (rc) {
		fail_now(c, x, n, rc == -ENOMEM ? strerror(ENOMEM) : d->ops->errmsg(d));
		return;
	}
	n->dh = g->first->dh;
	n->dh.fd = -1;
	set_dos(c, x, n);
	g->made++;
	report(c, x, n, n->unrolled ? NL_COPY_ACT_UNROLLED : NL_COPY_ACT_HARDLINKED, NULL, 0, true);
	if (d->times_after_links && g->made == g->planned)
		set_meta(c, x, g->first, true);
}

/* The file @n, created under its name, made with its contents: 0, or -errno. */
static int create_file(struct nl_copy *c, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	int rc, changed;

	if (!d->ops->folder_compress || !(n->st.attrs & NL_FA_COMPRESSED))
		return d->ops->create(d, &n->parent->dh, n->name, n->st.name_space, &n->dh);
	/* created in a (for now) compressed folder, the file is compressed */
	changed = d->ops->folder_compress(d, &n->parent->dh, true);
	rc = d->ops->create(d, &n->parent->dh, n->name, n->st.name_space, &n->dh);
	if (changed > 0)
		d->ops->folder_compress(d, &n->parent->dh, false);
	return rc;
}

/* The file @n, created but not complete, removed; its group has no first file yet. */
static void abandon_file(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n, const char *why)
{
	struct cp_dst *d = c->dst;

	d->ops->close(d, &n->dh);
	d->ops->remove(d, &n->parent->dh, &n->dh, n->name, false);
	fail_now(c, x, n, why);
	if (n->group)
		n->group->state = 0;
}

/* What a copied file @n lost on the way: named streams, a reparse point. */
static void report_dropped(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n, unsigned lost)
{
	char msg[96];

	if (lost) {
		snprintf(msg, sizeof(msg), "%u named stream%s dropped", lost, lost == 1 ? "" : "s");
		report(c, x, n, NL_COPY_ACT_WARNING, msg, 0, false);
	}
	if (n->st.type == CP_T_REPARSE && !c->dst->ntfs) {
		snprintf(msg, sizeof(msg), "reparse point 0x%08x dropped", rp_tag(&n->st));
		report(c, x, n, NL_COPY_ACT_WARNING, msg, 0, false);
	}
}

static void exec_file(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	struct cp_group *g = n->group;
	char why[512] = "";
	uint64_t bytes = 0;
	unsigned lost = 0;

	if (n->clone_link) {
		exec_clone_name(c, x, n);
		return;
	}
	if (g && g->state == 1) {
		exec_group_name(c, x, n);
		return;
	}
	if (create_file(c, n)) {
		fail_now(c, x, n, d->ops->errmsg(d));
		return;
	}
	set_dos(c, x, n);
	if (d->ntfs && (n->st.attrs & NL_FA_COMPRESSED))
		d->ops->set_attrs(d, &n->dh, n->st.attrs, true);
	if (copy_contents(c, n, &bytes, &lost, why, sizeof(why))) {
		abandon_file(c, x, n, why);
		return;
	}
	if (g) {
		g->state = 1;
		g->first = n;
		g->made = 1;
	}
	set_meta(c, x, n, !d->times_after_links || !g || g->planned <= 1);
	if (d->ops->commit && d->ops->commit(d, &n->parent->dh, &n->dh, n->name)) {
		snprintf(why, sizeof(why), "%s", d->ops->errmsg(d));
		abandon_file(c, x, n, why);
		return;
	}
	report(c, x, n, n->unrolled ? NL_COPY_ACT_UNROLLED : NL_COPY_ACT_COPIED, NULL, bytes, true);
	report_dropped(c, x, n, lost);
	d->ops->close(d, &n->dh);
}

/* A junction or symbolic link recreated (or spliced, or copied raw). */
static void exec_link(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	const uint8_t *rp = n->rp ? n->rp : n->st.reparse;
	size_t rpl = n->rp ? n->rp_len : n->st.reparse_len;
	int rc;

	if (n->linux_symlink) {
		char *prel = cp_node_destrel(n->parent);

		rc = prel ? d->ops->symlink(d, &n->parent->dh, prel, n->name, n->new_target,
					    n->outside, n->st.has_times ? &n->st.t : NULL) : -ENOMEM;
		free(prel);
		if (rc < 0) {
			fail_now(c, x, n, rc == -ENOMEM ? strerror(ENOMEM) : d->ops->errmsg(d));
			return;
		}
		if (n->outside)
			c->st.outside++;
		report(c, x, n, n->action, NULL, 0, true);
		if (rc > 0)
			report(c, x, n, NL_COPY_ACT_WARNING, d->ops->errmsg(d), 0, false);
		return;
	}
	if (!d->ntfs || !rp) {
		fail_now(c, x, n, "this link cannot be made in the destination");
		return;
	}
	rc = n->st.is_dir ? d->ops->mkdir(d, &n->parent->dh, n->name, n->st.name_space, &n->dh)
			  : d->ops->create(d, &n->parent->dh, n->name, n->st.name_space, &n->dh);
	if (rc) {
		fail_now(c, x, n, d->ops->errmsg(d));
		return;
	}
	set_dos(c, x, n);
	rc = d->ops->set_reparse(d, &n->dh, rp, rpl);
	if (rc) {
		char why[300];

		snprintf(why, sizeof(why), "%s", d->ops->errmsg(d));
		d->ops->close(d, &n->dh);
		d->ops->remove(d, &n->parent->dh, &n->dh, n->name, n->st.is_dir);
		fail_now(c, x, n, why);
		return;
	}
	if (wants_acl(c, n)) {
		void *fh = NULL;
		char *pb;
		struct cp_loc loc = node_loc(n, &pb);

		if (n->src->ops->open(n->src, &loc, &n->st, &fh) == 0) {
			uint8_t *sd = NULL;
			size_t sl = 0;

			if (n->src->ops->security(n->src, fh, &sd, &sl) == 0)
				d->ops->set_security(d, &n->dh, sd, sl);
			free(sd);
			n->src->ops->close(n->src, fh);
		}
		free(pb);
	}
	set_meta(c, x, n, true);
	report(c, x, n, n->action, NULL, 0, true);
	d->ops->close(d, &n->dh);
}

/* The folder @n, made as the destination, holds CP_PARTIAL_MARK until everything below it is
 * written (into an image, the mark reaches it before anything else does). */
static void mark_unfinished(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	struct nl_writer *w = d->kind == CP_EP_IMAGE ? cp_dst_ntfs_writer(d) : NULL;

	if (d->ops->create(d, &n->dh, CP_PARTIAL_MARK, NL_NS_POSIX, &x->mark))
		return;
	if (d->ops->commit && d->ops->commit(d, &n->dh, &x->mark, CP_PARTIAL_MARK)) {
		d->ops->close(d, &x->mark);
		d->ops->remove(d, &n->dh, &x->mark, CP_PARTIAL_MARK, false);
		return;
	}
	d->ops->close(d, &x->mark);
	x->marked = !w || nl_writer_flush(w) == 0;
}

/* Everything below @n is written (into an image: written out): the mark goes. */
static void unmark_finished(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	struct nl_writer *w = d->kind == CP_EP_IMAGE ? cp_dst_ntfs_writer(d) : NULL;

	x->marked = false;
	if (c->stop || (w && nl_writer_flush(w)))
		return;
	if (d->ops->remove(d, &n->dh, &x->mark, CP_PARTIAL_MARK, false))
		report(c, x, n, NL_COPY_ACT_WARNING, "cannot remove " CP_PARTIAL_MARK, 0, false);
}

static void exec_dir(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	char why[512] = "";
	uint64_t bytes = 0;
	unsigned lost = 0;
	/* the folder the copy makes (into an existing folder: each source's folder made there) */
	bool top = n->parent == c->top && (!d->exists || n->is_root);
	bool premarked = top && d->ops->mkdir_marked;
	int rc;

	rc = premarked ? d->ops->mkdir_marked(d, &n->parent->dh, n->name, &n->dh)
		       : d->ops->mkdir(d, &n->parent->dh, n->name, n->st.name_space, &n->dh);
	if (rc) {
		fail_now(c, x, n, d->ops->errmsg(d));
		skip_subtree(c, n);
		return;
	}
	set_dos(c, x, n);
	if (n->src) {
		rc = copy_contents(c, n, &bytes, &lost, why, sizeof(why));
		if (rc) {
			d->ops->close(d, &n->dh);
			d->ops->remove(d, &n->parent->dh, &n->dh, n->name, true);
			fail_now(c, x, n, why);
			skip_subtree(c, n);
			return;
		}
	}
	if (premarked) {
		x->mark = (struct cp_dh){ .ref = 0, .fd = -1 };
		x->marked = true;
	} else if (top) {
		mark_unfinished(c, x, n);
	}
	report(c, x, n, n->unrolled ? NL_COPY_ACT_UNROLLED : NL_COPY_ACT_FOLDER, NULL, bytes, true);
	if (n->st.type == CP_T_REPARSE && !d->ntfs) {
		char msg[96];

		snprintf(msg, sizeof(msg), "reparse point 0x%08x dropped", rp_tag(&n->st));
		report(c, x, n, NL_COPY_ACT_WARNING, msg, 0, false);
	}
	if (lost) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%u named stream%s dropped", lost, lost == 1 ? "" : "s");
		report(c, x, n, NL_COPY_ACT_WARNING, msg, 0, false);
	}
	exec_children(c, x, n);
	if (x->marked && n->parent == c->top)
		unmark_finished(c, x, n);
	set_meta(c, x, n, true);
	d->ops->close(d, &n->dh);
}

static void exec_node(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	if (!n->create) {
		report(c, x, n, n->action, NULL, 0, true);
		return;
	}
	if (c->o.dry_run) {
		if (n->outside)
			c->st.outside++;
		report(c, x, n, n->action, NULL,
		       !n->group || n->group->first == n ? cp_node_bytes(c, n) : 0, true);
		exec_children(c, x, n);
		return;
	}
	if (is_link_stat(&n->st) || n->linux_symlink)
		exec_link(c, x, n);
	else if (n->st.is_dir || !n->src)
		exec_dir(c, x, n);
	else
		exec_file(c, x, n);
}

/* Hardlinked files whose last name failed: their times are still owed. */
static void owed_times(struct nl_copy *c, struct exec_ctx *x)
{
	if (!c->dst->times_after_links || c->o.dry_run)
		return;
	for (size_t i = 0; i < c->htcap; i++)
		for (struct cp_group *g = c->ht[i]; g; g = g->hnext)
			if (g->state == 1 && g->made != g->planned && g->planned > 1)
				set_meta(c, x, g->first, true);
}

int cp_exec_begin(struct nl_copy *c, struct exec_ctx *x)
{
	struct cp_dst *d = c->dst;

	if (d->kind == CP_EP_IMAGE) {
		const char *vp = d->vol_path ? d->vol_path : "/";

		x->top_display = xasprintf("%s:%s", d->image, vp);
	} else {
		x->top_display = d->exists ? strdup(d->path) : path_dirname(d->path);
	}
	return x->top_display ? 0 : -ENOMEM;
}

void cp_exec_end(struct nl_copy *c, struct exec_ctx *x)
{
	owed_times(c, x);
	free(x->top_display);
	x->top_display = NULL;
}

void cp_exec_node(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	exec_node(c, x, n);
}

void cp_exec_report(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n,
		    enum nl_copy_action a, const char *reason)
{
	report(c, x, n, a, reason, 0, true);
}

int cp_execute(struct nl_copy *c)
{
	struct exec_ctx x = { 0 };

	if (cp_exec_begin(c, &x))
		return -ENOMEM;
	exec_children(c, &x, c->top);
	cp_exec_end(c, &x);
	return 0;
}
