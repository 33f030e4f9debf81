/* writer_tree.c: the writer's walks and removals over existing objects: the entries of a directory, the clusters an object holds, and taking a reparse point off an object. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "writer/writer_int.h"

#include <ntfs-3g/dir.h>
#include <ntfs-3g/reparse.h>

struct list_ctx {
	nl_dirent_fn fn;
	void *ctx;
	ntfs_volume *vol;
	int rc;                 /* the callback's nonzero return */
};

/* ntfs_readdir's callback: every name except the DOS aliases, "." and "..". */
static int list_one(void *priv, const ntfschar *name, const int len, const int type,
		    const s64 pos, const MFT_REF mref, const unsigned dt_type)
{
	struct list_ctx *l = priv;
	struct nl_dirent d;
	static const ntfschar dot = const_cpu_to_le16('.');

	(void)pos;
	(void)dt_type;
	/* for some entries ntfs_readdir() opens and closes the entry's record by itself, which
	 * leaves that inode in libntfs-3g's cache of closed inodes; when the writer holds the
	 * record open too (the folder itself, or one above it, that a damaged index names), that
	 * cache would lose (leak) the writer's inode when it is closed: the other one goes */
	ntfs_inode_invalidate(l->vol, mref);
	if (type == FILE_NAME_DOS)
		return 0;
	if ((len == 1 && name[0] == dot) || (len == 2 && name[0] == dot && name[1] == dot))
		return 0;
	d.ref = (uint64_t)mref;
	d.name = (const uint16_t *)name;
	d.len = (size_t)len;
	d.ns = (enum nl_name_space)type;
	l->rc = l->fn(l->ctx, &d);
	return l->rc ? -1 : 0;
}

int nl_writer_list(struct nl_writer *w, uint64_t dir, nl_dirent_fn fn, void *ctx)
{
	struct list_ctx l = { fn, ctx, w->vol, 0 };
	struct wnode *d;
	s64 pos = 0;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, dir, &d);
	if (!rc && !(d->ni->mrec->flags & MFT_RECORD_IS_DIRECTORY))
		rc = nl_w_fail(w, -ENOTDIR, "record %llu is not a directory",
			       (unsigned long long)d->no);
	if (!rc)
		rc = nl_w_index_ok(w, d->ni);
	if (!rc && ntfs_readdir(d->ni, &pos, &l, list_one) && !l.rc)
		rc = nl_w_fail(w, nl_w_errno(), "record %llu: cannot read the directory",
			       (unsigned long long)d->no);
	nl_w_end(w);
	return rc ? rc : l.rc;
}

int nl_writer_clusters(struct nl_writer *w, uint64_t ref, uint64_t *clusters)
{
	ntfs_attr_search_ctx *ctx;
	struct wnode *n;
	uint64_t bytes = 0;
	int rc;

	*clusters = 0;
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &n);
	if (!rc)
		rc = nl_w_release_stream(w, n);
	ctx = rc ? NULL : ntfs_attr_get_search_ctx(n->ni, NULL);
	if (!rc && !ctx)
		rc = nl_w_errno();
	while (ctx && !ntfs_attr_lookup(AT_UNUSED, NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		ATTR_RECORD *a = ctx->attr;

		/* a non-resident attribute's size is in its first extent */
		if (!a->non_resident || a->lowest_vcn)
			continue;
		bytes += (uint64_t)sle64_to_cpu(a->flags & (ATTR_IS_COMPRESSED | ATTR_IS_SPARSE) ?
						a->compressed_size : a->allocated_size);
	}
	if (ctx && errno != ENOENT)
		rc = nl_w_errno();
	if (ctx)
		ntfs_attr_put_search_ctx(ctx);
	if (!rc)
		*clusters = bytes / w->vol->cluster_size;
	nl_w_end(w);
	return rc;
}

int nl_writer_remove_reparse(struct nl_writer *w, uint64_t ref)
{
	struct wnode *n;
	ntfs_inode *ni;
	struct nl_w_times times;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, ref, &n);
	if (!rc && !(n->ni->flags & FILE_ATTR_REPARSE_POINT))
		rc = nl_w_fail(w, -ENODATA, "record %llu is not a reparse point",
			       (unsigned long long)n->no);
	if (!rc)
		rc = nl_w_release_stream(w, n);
	if (rc)
		goto out;
	ni = n->ni;
	nl_w_times_keep(ni, &times);
	/* the attribute, the flag and the entry in $Extend/$Reparse */
	if (ntfs_remove_ntfs_reparse_data(ni)) {
		rc = nl_w_errno();
		nl_w_fail(w, rc, "record %llu: cannot remove its reparse point: %s",
			  (unsigned long long)n->no, strerror(-rc));
		goto out;
	}
	nl_w_times_put(ni, &times);
	/* the names and their index entries lose the bit and the tag */
	NInoFileNameSetDirty(ni);
out:
	nl_w_end(w);
	return rc;
}
