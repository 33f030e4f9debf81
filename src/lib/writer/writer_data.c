/* writer_data.c: the writer's content operations: streams, sparse data, reparse points, attributes, times, security. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "writer/writer_int.h"

#include <ntfs-3g/reparse.h>
#include <ntfs-3g/security.h>

#include <ntfslinks/unistr.h>

/* Open (and cache on the node) the $DATA stream NAME of node N, creating it
 * when CREATE. Returns 0 or -errno. */
static int get_stream(struct nl_writer *w, struct wnode *n,
		      const uint16_t *name, size_t len, bool create,
		      ntfs_attr **out)
{
	ntfschar *copy = NULL;
	ntfs_attr *na;
	int rc;

	if (len > NL_NAME_MAX_UNITS || (len && !name))
		return nl_w_fail(w, -EINVAL, "bad stream name");
	if (n->na && n->na_len == len &&
	    (len == 0 || !memcmp(n->na_name, name, len * 2))) {
		*out = n->na;
		return 0;
	}
	rc = nl_w_release_stream(w, n);
	if (rc)
		return rc;
	if (len == 0 && (n->ni->mrec->flags & MFT_RECORD_IS_DIRECTORY))
		return nl_w_fail(w, -EISDIR, "a directory has no unnamed data stream");
	if (len) {
		copy = malloc(len * sizeof(ntfschar));
		if (!copy)
			return nl_w_fail(w, -ENOMEM, "out of memory");
		memcpy(copy, name, len * sizeof(ntfschar));
	}
	na = ntfs_attr_open(n->ni, AT_DATA, len ? copy : AT_UNNAMED, (u32)len);
	if (!na && errno == ENOENT && create) {
		if (ntfs_attr_add(n->ni, AT_DATA, len ? copy : AT_UNNAMED, (u8)len,
				  NULL, 0)) {
			rc = nl_w_errno();
			free(copy);
			return nl_w_fail(w, rc, "record %llu: cannot add stream: %s",
					 (unsigned long long)n->no, strerror(-rc));
		}
		na = ntfs_attr_open(n->ni, AT_DATA, len ? copy : AT_UNNAMED, (u32)len);
	}
	if (!na) {
		rc = nl_w_errno();
		free(copy);
		return nl_w_fail(w, rc, "record %llu: cannot open stream: %s",
				 (unsigned long long)n->no, strerror(-rc));
	}
	n->na = na;
	n->na_name = copy;
	n->na_len = (uint32_t)len;
	*out = na;
	return 0;
}

int nl_writer_write(struct nl_writer *w, uint64_t ref, const uint16_t *stream,
		    size_t slen, uint64_t offset, const void *buf, size_t n)
{
	const char *p = buf;
	struct wnode *node;
	ntfs_attr *na;
	s64 r;
	int rc;

	if (offset > (uint64_t)INT64_MAX - n)
		return nl_w_fail(w, -EFBIG, "offset too large");
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc)
		rc = get_stream(w, node, stream, slen, true, &na);
	while (!rc && n > 0) {
		r = ntfs_attr_pwrite(na, (s64)offset, (s64)n, p);
		if (r <= 0) {
			rc = r < 0 ? nl_w_errno() : -EIO;
			nl_w_fail(w, rc, "record %llu: write failed: %s",
				  (unsigned long long)node->no, strerror(-rc));
			break;
		}
		p += r;
		n -= (size_t)r;
		offset += (uint64_t)r;
	}
	nl_w_end(w);
	return rc;
}

int nl_writer_add_stream(struct nl_writer *w, uint64_t ref,
			 const uint16_t *stream, size_t slen)
{
	struct wnode *node;
	ntfs_attr *na;
	int rc;

	if (!slen)
		return nl_w_fail(w, -EINVAL, "empty stream name");
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc)
		rc = get_stream(w, node, stream, slen, true, &na);
	nl_w_end(w);
	return rc;
}

int nl_writer_set_size(struct nl_writer *w, uint64_t ref,
		       const uint16_t *stream, size_t slen, uint64_t size)
{
	struct wnode *node;
	ntfs_attr *na;
	int rc;

	if (size > (uint64_t)INT64_MAX)
		return nl_w_fail(w, -EFBIG, "size too large");
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc)
		rc = get_stream(w, node, stream, slen, true, &na);
	if (!rc && na->data_size != (s64)size && ntfs_attr_truncate(na, (s64)size)) {
		rc = nl_w_errno();
		nl_w_fail(w, rc, "record %llu: cannot set size: %s",
			  (unsigned long long)node->no, strerror(-rc));
	}
	nl_w_end(w);
	return rc;
}

int nl_writer_set_sparse(struct nl_writer *w, uint64_t ref,
			 const uint16_t *stream, size_t slen)
{
	struct wnode *node;
	ntfs_attr *na;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc)
		rc = get_stream(w, node, stream, slen, true, &na);
	if (!rc && na->data_size != 0)
		rc = nl_w_fail(w, -EBUSY, "record %llu: stream already holds data",
			       (unsigned long long)node->no);
	if (!rc && !NAttrNonResident(na) && ntfs_attr_force_non_resident(na)) {
		rc = nl_w_errno();
		nl_w_fail(w, rc, "record %llu: cannot make the stream non-resident: %s",
			  (unsigned long long)node->no, strerror(-rc));
	}
	if (!rc) {
		/* libntfs-3g leaves holes for what is never written (writes
		 * and size changes past the end allocate nothing) and marks
		 * the attribute sparse as soon as it has one; the file
		 * attribute says so from the start, as FSCTL_SET_SPARSE does */
		node->ni->flags |= FILE_ATTR_SPARSE_FILE;
		NInoFileNameSetDirty(node->ni);
		ntfs_inode_mark_dirty(node->ni);
	}
	nl_w_end(w);
	return rc;
}

/* The reparse point check of nl_writer_set_reparse and _replace_reparse. */
static bool reparse_len_ok(const uint8_t *d, size_t len)
{
	return d && len >= 8 && len <= 16384 &&
	       (size_t)(d[4] | d[5] << 8) + 8 + ((d[3] & 0x80) ? 0 : 16) == len;
}

int nl_writer_set_reparse(struct nl_writer *w, uint64_t ref, const void *data,
			  size_t len)
{
	const uint8_t *d = data;
	struct wnode *node;
	int rc;

	if (!reparse_len_ok(d, len))
		return nl_w_fail(w, -EINVAL, "reparse data length field does not match its size");
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc && (node->ni->flags & FILE_ATTR_REPARSE_POINT))
		rc = nl_w_fail(w, -EEXIST, "record %llu is already a reparse point",
			       (unsigned long long)node->no);
	if (!rc)
		rc = nl_w_release_stream(w, node);
	if (!rc && ntfs_set_ntfs_reparse_data(node->ni, (const char *)data, len, 0)) {
		rc = nl_w_errno();
		nl_w_fail(w, rc, "record %llu: cannot set reparse data: %s",
			  (unsigned long long)node->no, strerror(-rc));
	}
	if (!rc)
		NInoFileNameSetDirty(node->ni);
	nl_w_end(w);
	return rc;
}

int nl_writer_get_reparse(struct nl_writer *w, uint64_t ref, uint8_t **data, size_t *len)
{
	struct wnode *node;
	s64 size = 0;
	char *v;
	int rc;

	*data = NULL;
	*len = 0;
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc && !(node->ni->flags & FILE_ATTR_REPARSE_POINT))
		rc = -ENODATA;
	if (!rc) {
		v = ntfs_attr_readall(node->ni, AT_REPARSE_POINT, AT_UNNAMED, 0, &size);
		if (!v)
			rc = nl_w_fail(w, errno == ENOENT ? -ENODATA : nl_w_errno(),
				       "record %llu: cannot read its reparse data",
				       (unsigned long long)node->no);
		else {
			*data = (uint8_t *)v;
			*len = (size_t)size;
		}
	}
	nl_w_end(w);
	return rc;
}

int nl_writer_replace_reparse(struct nl_writer *w, uint64_t ref, const void *data, size_t len)
{
	struct wnode *node;
	ntfs_inode *ni;
	struct nl_w_times times;
	le32 old_tag = 0;
	int rc;

	if (!reparse_len_ok(data, len))
		return nl_w_fail(w, -EINVAL, "reparse data length field does not match its size");
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (rc)
		goto out;
	ni = node->ni;
	if (!(ni->flags & FILE_ATTR_REPARSE_POINT)) {
		rc = nl_w_fail(w, -ENODATA, "record %llu is not a reparse point",
			       (unsigned long long)node->no);
		goto out;
	}
	rc = nl_w_release_stream(w, node);
	if (rc)
		goto out;
	nl_w_times_keep(ni, &times);
	{
		ntfs_attr *na = ntfs_attr_open(ni, AT_REPARSE_POINT, AT_UNNAMED, 0);

		if (na) {
			if (ntfs_attr_pread(na, 0, 4, &old_tag) != 4)
				old_tag = 0;
			ntfs_attr_close(na);
		}
	}
	if (ntfs_set_ntfs_reparse_data(ni, (const char *)data, len, XATTR_REPLACE)) {
		rc = nl_w_errno();
		nl_w_fail(w, rc, "record %llu: cannot replace reparse data: %s",
			  (unsigned long long)node->no, strerror(-rc));
		goto out;
	}
	/* the record keeps its times, whatever libntfs-3g did to them */
	nl_w_times_put(ni, &times);
	/* the names carry the tag: only a new tag touches them and their index entries */
	if (memcmp(&old_tag, data, 4) != 0)
		NInoFileNameSetDirty(ni);
out:
	nl_w_end(w);
	return rc;
}

#define SETTABLE (NL_FA_READONLY | NL_FA_HIDDEN | NL_FA_SYSTEM | \
		  NL_FA_ARCHIVE | NL_FA_NORMAL | NL_FA_TEMPORARY | \
		  NL_FA_OFFLINE | NL_FA_NOT_INDEXED)

int nl_writer_is_dir(struct nl_writer *w, uint64_t ref)
{
	struct wnode *node;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc)
		rc = (node->ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) ? 1 : 0;
	nl_w_end(w);
	return rc;
}

int nl_writer_get_attributes(struct nl_writer *w, uint64_t ref, uint32_t *attrs)
{
	struct wnode *node;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc) {
		uint32_t a = le32_to_cpu(node->ni->flags) & ~NL_FA_DIRECTORY;
		if (node->ni->mrec->flags & MFT_RECORD_IS_DIRECTORY)
			a |= NL_FA_DIRECTORY;
		*attrs = a;
	}
	nl_w_end(w);
	return rc;
}

int nl_writer_set_attributes(struct nl_writer *w, uint64_t ref, uint32_t attrs)
{
	struct wnode *node;
	ntfs_inode *ni;
	uint32_t cur;
	bool isdir, want_c, have_c;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (rc)
		goto out;
	ni = node->ni;
	isdir = ni->mrec->flags & MFT_RECORD_IS_DIRECTORY;
	cur = le32_to_cpu(ni->flags);
	want_c = attrs & NL_FA_COMPRESSED;
	have_c = cur & NL_FA_COMPRESSED;
	if (want_c != have_c) {
		if (isdir) {
			if (ntfs_attr_set_flags(ni, AT_INDEX_ROOT, NTFS_INDEX_I30, 4,
						want_c ? ATTR_IS_COMPRESSED : const_cpu_to_le16(0),
						ATTR_COMPRESSION_MASK)) {
				rc = nl_w_errno();
				nl_w_fail(w, rc, "record %llu: cannot change compression: %s",
					  (unsigned long long)node->no, strerror(-rc));
				goto out;
			}
		} else {
			rc = nl_w_release_stream(w, node);
			if (rc)
				goto out;
			if (want_c && w->vol->cluster_size > 4096) {
				rc = nl_w_fail(w, -EOPNOTSUPP, "compression needs clusters of at most 4 KiB");
				goto out;
			}
			if (ni->data_size != 0) {
				rc = nl_w_fail(w, -EBUSY, "record %llu: compression can only change on an empty file",
					       (unsigned long long)node->no);
				goto out;
			}
		}
	}
	cur = (cur & ~(SETTABLE | NL_FA_COMPRESSED)) | (attrs & SETTABLE) |
	      (want_c ? NL_FA_COMPRESSED : 0);
	ni->flags = cpu_to_le32(cur);
	NInoFileNameSetDirty(ni);
	ntfs_inode_mark_dirty(ni);
	if (!isdir && want_c != have_c) {
		/* the empty unnamed stream takes its compression state from
		 * the file's flag when it is opened */
		ntfs_attr *na;
		rc = get_stream(w, node, NULL, 0, true, &na);
		if (!rc && want_c && !(na->data_flags & ATTR_COMPRESSION_MASK))
			rc = nl_w_fail(w, -EOPNOTSUPP, "record %llu: the stream could not be made compressed",
				       (unsigned long long)node->no);
	}
out:
	nl_w_end(w);
	return rc;
}

int nl_writer_set_times(struct nl_writer *w, uint64_t ref,
			const struct nl_times *t)
{
	ntfs_attr_search_ctx *ctx;
	STANDARD_INFORMATION *si;
	FILE_NAME_ATTR *fn;
	struct wnode *node;
	ntfs_inode *ni;
	int rc;

	if (!t)
		return -EINVAL;
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (rc)
		goto out;
	ni = node->ni;
	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx) {
		rc = nl_w_errno();
		goto out;
	}
	if (ntfs_attr_lookup(AT_STANDARD_INFORMATION, AT_UNNAMED, 0,
			     CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		rc = nl_w_fail(w, nl_w_errno(), "record %llu: no standard information",
			       (unsigned long long)node->no);
		ntfs_attr_put_search_ctx(ctx);
		goto out;
	}
	si = (STANDARD_INFORMATION *)((u8 *)ctx->attr +
				      le16_to_cpu(ctx->attr->value_offset));
	ni->creation_time = si->creation_time = cpu_to_sle64(t->crtime);
	ni->last_data_change_time = si->last_data_change_time = cpu_to_sle64(t->mtime);
	ni->last_mft_change_time = si->last_mft_change_time = cpu_to_sle64(t->ctime);
	ni->last_access_time = si->last_access_time = cpu_to_sle64(t->atime);
	ntfs_inode_mark_dirty(ctx->ntfs_ino);
	ntfs_attr_reinit_search_ctx(ctx);
	while ((fn = nl_w_next_fn(ctx))) {
		fn->creation_time = ni->creation_time;
		fn->last_data_change_time = ni->last_data_change_time;
		fn->last_mft_change_time = ni->last_mft_change_time;
		fn->last_access_time = ni->last_access_time;
		ntfs_inode_mark_dirty(ctx->ntfs_ino);
	}
	ntfs_attr_put_search_ctx(ctx);
	/* keep these times when the inode is synced, whatever libntfs-3g
	 * does to the in-memory times meanwhile */
	ni->state |= 1UL << NI_TimesSet;
	NInoFileNameSetDirty(ni);
out:
	nl_w_end(w);
	return rc;
}

int nl_writer_set_security(struct nl_writer *w, uint64_t ref, const void *sd,
			   size_t len)
{
	struct SECURITY_CONTEXT scx;
	struct PERMISSIONS_CACHE *seccache = NULL;
	struct wnode *node;
	int rc;

	if (!sd || len < 20 || len > 65536)
		return nl_w_fail(w, -EINVAL, "bad security descriptor size");
	nl_w_begin(w);
	rc = nl_w_get(w, ref, &node);
	if (!rc && !w->secure_open) {
		if (ntfs_open_secure(w->vol))
			rc = nl_w_fail(w, -EOPNOTSUPP, "the volume has no usable $Secure");
		else
			w->secure_open = true;
	}
	if (!rc) {
		memset(&scx, 0, sizeof(scx));
		scx.vol = w->vol;
		scx.pseccache = &seccache;
		if (ntfs_set_ntfs_acl(&scx, node->ni, sd, len, 0)) {
			rc = errno == EINVAL ? -EINVAL : nl_w_errno();
			nl_w_fail(w, rc, "record %llu: cannot set the security descriptor: %s",
				  (unsigned long long)node->no, strerror(-rc));
		}
		if (seccache) {
			/* ntfs_set_ntfs_acl may have built a permission cache;
			 * the front end never uses one: free what it built */
			ntfs_destroy_security_context(&scx);
		}
	}
	nl_w_end(w);
	return rc;
}
