/* writer_orphans.c: records that an interrupted write-back left in use with no index entry naming them (orphans), found and freed when the volume is next opened for writing. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfs-3g/bitmap.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/index.h>
#include <ntfs-3g/lcnalloc.h>
#include <ntfs-3g/mft.h>
#include <ntfs-3g/object_id.h>
#include <ntfs-3g/reparse.h>
#include <ntfs-3g/runlist.h>

#include "writer/writer_int.h"

/*
 * The write-back writes $MFT's $BITMAP last and only with the whole cache (writer_order.c):
 * when a record's bit reaches the image, so has every index entry made before it. A record
 * in use on the image whose bit is clear there was therefore made after the last complete
 * write-back (libntfs-3g and Windows set the bit first). Such a record is an orphan when
 * none of its names has its entry in its folder, or each such folder is an orphan itself:
 * it is freed (its clusters too). The others get their bit.
 */

/* One name of a candidate: its folder, and whether the folder's index names the record. */
struct o_name {
	uint64_t parent;        /* record number */
	bool indexed;
};

struct o_rec {
	uint64_t no;
	bool orphan;
	bool keep;              /* has an attribute list: left as it is, given its bit */
	size_t first, n;        /* its names: names[first .. first + n) */
};

struct o_set {
	struct o_rec *v;
	size_t n, cap;
	struct o_name *names;
	size_t nnames, capnames;
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	p = realloc(*v, c * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

/* Does DIR's index hold the entry of name FN (a $FILE_NAME value) naming record NO? An entry
 * that collates equal under another spelling counts as one, and so does a damaged index
 * (nl_w_index_check): the record is kept, never freed on a guess. */
static int indexed(struct nl_writer *w, uint64_t dir, const FILE_NAME_ATTR *fn, uint64_t no)
{
	ntfs_inode *d = ntfs_inode_open(w->vol, (MFT_REF)dir);
	ntfs_index_context *ictx;
	char why[256];
	int found, rc;

	if (!d)
		return errno == ENOENT || errno == EIO ? 0 : nl_w_errno();
	rc = nl_w_index_check(w, d, why, sizeof(why));
	if (rc) {
		ntfs_inode_close(d);
		return rc == -EUCLEAN ? 1 : rc;
	}
	ictx = ntfs_index_ctx_get(d, NTFS_INDEX_I30, 4);
	if (!ictx) {
		rc = nl_w_errno();
		ntfs_inode_close(d);
		return rc;
	}
	found = !ntfs_index_lookup(fn, (int)(sizeof(*fn) + fn->file_name_length * 2), ictx);
	if (found) {
		const FILE_NAME_ATTR *e = &ictx->entry->key.file_name;

		if (e->file_name_length == fn->file_name_length &&
		    !memcmp(e->file_name, fn->file_name, fn->file_name_length * 2u))
			found = MREF_LE(ictx->entry->indexed_file) == no;
	} else if (errno != ENOENT) {
		rc = nl_w_errno();
	}
	ntfs_index_ctx_put(ictx);
	if (ntfs_inode_close(d) && !rc)
		rc = nl_w_errno();
	return rc ? rc : found;
}

/* The names of record NO into @s (a new candidate). 0 or -errno. */
static int add_candidate(struct nl_writer *w, struct o_set *s, uint64_t no)
{
	ntfs_volume *vol = w->vol;
	ntfs_inode *ni = ntfs_inode_open(vol, (MFT_REF)no);
	ntfs_attr_search_ctx *ctx;
	struct o_rec *r;
	FILE_NAME_ATTR *fn;
	int rc = 0;

	if (!ni)
		return 0;	/* not a record libntfs-3g reads: left alone */
	if (grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v))) {
		ntfs_inode_close(ni);
		return -ENOMEM;
	}
	r = &s->v[s->n++];
	*r = (struct o_rec){ .no = no, .first = s->nnames, .keep = NInoAttrList(ni) };
	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx)
		rc = -ENOMEM;
	while (!rc && (fn = nl_w_next_fn(ctx))) {
		uint64_t parent = MREF_LE(fn->parent_directory);
		int in;

		if (grow((void **)&s->names, &s->capnames, s->nnames + 1, sizeof(*s->names))) {
			rc = -ENOMEM;
			break;
		}
		in = parent == no ? 0 : indexed(w, parent, fn, no);
		if (in < 0)
			rc = in;
		else
			s->names[s->nnames++] = (struct o_name){ parent, in == 1 };
		r->n++;
	}
	if (!rc && errno != ENOENT)
		rc = nl_w_errno();
	if (ctx)
		ntfs_attr_put_search_ctx(ctx);
	ntfs_inode_close(ni);
	return rc;
}

/* Is record NO an orphan of @s? */
static bool is_orphan(const struct o_set *s, uint64_t no)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].no == no)
			return s->v[i].orphan;
	return false;
}

/* Mark the orphans: no name indexed, or only in folders that are orphans (repeated until
 * nothing changes: a folder and what it holds, made by one interrupted write-back). */
static void find_orphans(struct o_set *s)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < s->n; i++) {
			struct o_rec *r = &s->v[i];
			bool reached = r->keep;

			for (size_t k = 0; k < r->n && !reached; k++) {
				const struct o_name *nm = &s->names[r->first + k];

				reached = nm->indexed && !is_orphan(s, nm->parent);
			}
			if (!reached && !r->orphan) {
				r->orphan = true;
				changed = true;
			}
		}
	}
}

/* Free record NO with its clusters (it has no attribute list). 0 or -errno. */
static int free_record(ntfs_volume *vol, uint64_t no)
{
	ntfs_inode *ni = ntfs_inode_open(vol, (MFT_REF)no);
	ntfs_attr_search_ctx *ctx;
	int rc = 0;

	if (!ni)
		return nl_w_errno();
	/* its entries in $Extend's indexes, if any (none is an error) */
	ntfs_delete_reparse_index(ni);
	ntfs_delete_object_id_index(ni);
	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx)
		rc = -ENOMEM;
	while (!rc && !ntfs_attrs_walk(ctx)) {
		runlist *rl;

		if (!ctx->attr->non_resident)
			continue;
		rl = ntfs_mapping_pairs_decompress(vol, ctx->attr, NULL);
		if (!rl || ntfs_cluster_free_from_rl(vol, rl))
			rc = nl_w_errno();
		free(rl);
	}
	if (ctx)
		ntfs_attr_put_search_ctx(ctx);
	if (rc) {
		ntfs_inode_close(ni);
		return rc;
	}
	/* clears the in-use flag, writes the record and closes the inode */
	return ntfs_mft_record_free(vol, ni) ? nl_w_errno() : 0;
}

/* The bit of record NO in $MFT's $BITMAP as read into @bm (@len bytes). */
static bool bit_set(const uint8_t *bm, size_t len, uint64_t no)
{
	return no / 8 < len && (bm[no / 8] >> (no % 8)) & 1;
}

/* The records in use whose bit is clear: base records into @s, extent records given their
 * bit at once (their base is not freed: one with an attribute list is kept). */
static int collect(struct nl_writer *w, struct o_set *s, int *changed)
{
	ntfs_volume *vol = w->vol;
	uint64_t nrec = (uint64_t)vol->mft_na->initialized_size >> vol->mft_record_size_bits;
	size_t len = (size_t)((nrec + 7) / 8);
	uint8_t *bm = calloc(len ? len : 1, 1), *rec = malloc(vol->mft_record_size);
	int rc = 0;

	if (!bm || !rec) {
		rc = -ENOMEM;
		goto out;
	}
	if (ntfs_attr_pread(vol->mftbmp_na, 0, (s64)len, bm) < 0) {
		rc = nl_w_errno();
		goto out;
	}
	for (uint64_t no = FILE_first_user; no < nrec && !rc; no++) {
		const MFT_RECORD *m = (const MFT_RECORD *)rec;

		if (bit_set(bm, len, no))
			continue;
		if (ntfs_attr_pread(vol->mft_na, (s64)(no << vol->mft_record_size_bits),
				    vol->mft_record_size, rec) != vol->mft_record_size) {
			rc = nl_w_errno();
			break;
		}
		if (!ntfs_is_file_record(m->magic) || !(m->flags & MFT_RECORD_IN_USE))
			continue;
		if (m->base_mft_record) {
			if (ntfs_bitmap_set_bit(vol->mftbmp_na, (s64)no))
				rc = nl_w_errno();
			*changed = 1;
		} else {
			rc = add_candidate(w, s, no);
		}
	}
out:
	free(bm);
	free(rec);
	return rc;
}

int nl_w_orphans_clear(struct nl_writer *w, unsigned long *freed)
{
	ntfs_volume *vol = w->vol;
	struct o_set s = { 0 };
	int rc, changed = 0;

	*freed = 0;
	rc = collect(w, &s, &changed);
	if (!rc)
		find_orphans(&s);
	for (size_t i = 0; i < s.n && !rc; i++) {
		changed = 1;
		if (s.v[i].orphan) {
			rc = free_record(vol, s.v[i].no);
			if (!rc)
				(*freed)++;
		} else if (ntfs_bitmap_set_bit(vol->mftbmp_na, (s64)s.v[i].no)) {
			rc = nl_w_errno();
		}
	}
	free(s.v);
	free(s.names);
	if (rc)
		return nl_w_fail(w, rc, "cannot free the records an interrupted write left: %s",
				 strerror(-rc));
	/* written at once: nothing the job allocates next may take the clusters freed here
	 * while the image still gives them to the orphans */
	return changed ? nl_writer_flush(w) : 0;
}
