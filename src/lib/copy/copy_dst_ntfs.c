/* copy_dst_ntfs.c: copy destination backend for NTFS images: a thin adapter over the writer module. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/dir.h>

#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/writer.h>

#include "copy/copy_backend_int.h"
#include "image/validate_int.h"
#include "image/volume_int.h"
#include "mft/index_guard_int.h"
#include "writer/writer_src_int.h"

struct dst_ntfs {
	struct nl_writer *w;	/* NULL in a dry run */
	nl_volume *ro;		/* dry run: the image opened read-only */
	struct nl_ixguard *ixg;	/* dry run: the folders whose index was checked */
	uint16_t sname[NL_NAME_MAX_UNITS];
};

/* Dry runs: does @path exist in the read-only volume p->ro?  Each folder on the way is
 * looked into by libntfs-3g once its index was checked (nl_ixguard_check).  0, -ENOENT,
 * -EUCLEAN (a damaged folder index, the reason in @why), -errno. */
static int ro_lookup(struct dst_ntfs *p, const char *path, bool *is_dir, char *why,
		     size_t whylen)
{
	ntfs_volume *vol = nl_volume_ntfs(p->ro);
	ntfs_inode *ni = vol ? ntfs_inode_open(vol, FILE_root) : NULL;
	const char *c = path;
	int rc = 0;

	if (!ni)
		return vol ? (errno > 0 ? -errno : -EIO) : -EINVAL;
	while (!rc) {
		uint16_t *u = NULL;
		size_t len, ulen;
		u64 mref;

		while (*c == '/' || *c == '\\')
			c++;
		if (!*c)
			break;
		len = strcspn(c, "/\\");
		rc = nl_wtf8_to_utf16le(c, len, NL_NAME_MAX_UNITS, &u, &ulen);
		c += len;
		if (!rc)
			rc = nl_ixguard_check(&p->ixg, ni, why, whylen);
		mref = rc ? (u64)-1 : ntfs_inode_lookup_by_name(ni, (ntfschar *)u, (int)ulen);
		free(u);
		ntfs_inode_close(ni);
		ni = NULL;
		if (!rc && mref == (u64)-1)
			rc = errno == ENOENT ? -ENOENT : errno > 0 ? -errno : -EIO;
		if (!rc && !(ni = ntfs_inode_open(vol, mref)))
			rc = errno > 0 ? -errno : -EIO;
	}
	if (ni) {
		*is_dir = (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) != 0;
		ntfs_inode_close(ni);
	}
	return rc == -ENAMETOOLONG || rc == -EILSEQ ? -ENOENT : rc;
}

static int werr(struct cp_dst *d, int rc, const char *what)
{
	struct dst_ntfs *p = d->priv;
	const char *m = p->w ? nl_writer_error(p->w) : "";

	if (m && *m)
		snprintf(d->err, sizeof(d->err), "%s: %s", what, m);
	else
		snprintf(d->err, sizeof(d->err), "%s: %s", what, strerror(-rc));
	return rc;
}

/* WTF-8 stream name to UTF-16 in p->sname; NULL stays NULL. */
static int sname(struct cp_dst *d, const char *stream, const uint16_t **u, size_t *len)
{
	struct dst_ntfs *p = d->priv;
	ssize_t n;

	if (!stream) {
		*u = NULL;
		*len = 0;
		return 0;
	}
	n = nl_wtf8_to_utf16le_buf(stream, strlen(stream), p->sname, NL_NAME_MAX_UNITS);
	if (n < 0) {
		snprintf(d->err, sizeof(d->err), "bad stream name");
		return (int)n;
	}
	*u = p->sname;
	*len = (size_t)n;
	return 0;
}

static enum nl_name_space create_ns(uint8_t ns)
{
	/* names are made in the name space they had (a DOS alias is added later) */
	return ns == NL_NS_WIN32 || ns == NL_NS_WIN32_AND_DOS ? (enum nl_name_space)ns
							      : NL_NS_POSIX;
}

static int dst_ntfs_make(struct cp_dst *d, struct cp_dh *parent, const char *name, uint8_t ns,
			 enum nl_node_type type, struct cp_dh *out)
{
	struct dst_ntfs *p = d->priv;
	int rc;

	rc = nl_writer_create_u8(p->w, parent->ref, name, create_ns(ns), type, &out->ref);
	if (rc)
		return werr(d, rc, type == NL_NODE_DIR ? "cannot create folder" : "cannot create file");
	out->fd = -1;
	return 0;
}

static int dst_ntfs_mkdir(struct cp_dst *d, struct cp_dh *parent, const char *name, uint8_t ns,
			  struct cp_dh *out)
{
	return dst_ntfs_make(d, parent, name, ns, NL_NODE_DIR, out);
}

static int dst_ntfs_create(struct cp_dst *d, struct cp_dh *parent, const char *name, uint8_t ns,
			   struct cp_dh *out)
{
	return dst_ntfs_make(d, parent, name, ns, NL_NODE_FILE, out);
}

static int dst_ntfs_lookup(struct cp_dst *d, struct cp_dh *parent, const char *name, uint64_t *ref)
{
	struct dst_ntfs *p = d->priv;
	uint16_t u[NL_NAME_MAX_UNITS];
	ssize_t n = nl_wtf8_to_utf16le_buf(name, strlen(name), u, NL_NAME_MAX_UNITS);

	if (n < 0)
		return (int)n;
	return nl_writer_lookup(p->w, parent->ref, u, (size_t)n, ref);
}

static int dst_ntfs_open_dir(struct cp_dst *d, struct cp_dh *parent, const char *name,
			     struct cp_dh *out)
{
	int rc;

	out->fd = -1;
	if (!name) {
		out->ref = parent->ref;
		return 0;
	}
	rc = dst_ntfs_lookup(d, parent, name, &out->ref);
	if (rc)
		return werr(d, rc, "cannot open folder");
	return 0;
}

static int dst_ntfs_open_entry(struct cp_dst *d, struct cp_dh *parent, const char *name,
			       struct cp_dh *out)
{
	int rc;

	out->fd = -1;
	rc = dst_ntfs_lookup(d, parent, name, &out->ref);
	return rc ? werr(d, rc, "cannot open") : 0;
}

static int dst_ntfs_exists(struct cp_dst *d, struct cp_dh *parent, const char *name)
{
	struct dst_ntfs *p = d->priv;
	uint64_t ref;
	int rc;

	if (!p->w) {
		/* dry run: only the folder that holds the copies is asked about */
		char *path, why[256];
		bool isdir;

		if (!p->ro || !d->vol_path ||
		    asprintf(&path, "%s%s%s", d->vol_path, strcmp(d->vol_path, "/") ? "/" : "",
			     name) < 0)
			return 0;
		rc = ro_lookup(p, path, &isdir, why, sizeof(why));
		free(path);
		return rc == 0 ? 1 : 0;
	}
	rc = dst_ntfs_lookup(d, parent, name, &ref);
	if (rc == 0)
		return 1;
	return rc == -ENOENT ? 0 : rc;
}

static int dst_ntfs_link(struct cp_dst *d, struct cp_dh *file, const char *first_rel,
			 struct cp_dh *parent, const char *name, uint8_t ns)
{
	struct dst_ntfs *p = d->priv;
	int rc;

	(void)first_rel;
	rc = nl_writer_link_u8(p->w, file->ref, parent->ref, name, create_ns(ns));
	if (rc)
		return werr(d, rc, "cannot make hard link");
	return 0;
}

static int dst_ntfs_symlink(struct cp_dst *d, struct cp_dh *parent, const char *parent_rel,
			    const char *name, const char *target, bool may_leave,
			    const struct nl_times *t)
{
	(void)parent;
	(void)parent_rel;
	(void)name;
	(void)target;
	(void)may_leave;
	(void)t;
	snprintf(d->err, sizeof(d->err), "linux symbolic links cannot be made in an image");
	return -EOPNOTSUPP;
}

static int dst_ntfs_set_reparse(struct cp_dst *d, struct cp_dh *h, const uint8_t *rp, size_t len)
{
	struct dst_ntfs *p = d->priv;
	int rc = nl_writer_set_reparse(p->w, h->ref, rp, len);

	return rc ? werr(d, rc, "cannot set reparse point") : 0;
}

static int dst_ntfs_set_sparse(struct cp_dst *d, struct cp_dh *h, const char *stream)
{
	struct dst_ntfs *p = d->priv;
	const uint16_t *u = NULL;
	size_t n = 0;
	int rc = sname(d, stream, &u, &n);

	if (rc)
		return rc;
	rc = nl_writer_set_sparse(p->w, h->ref, u, n);
	return rc ? werr(d, rc, "cannot make stream sparse") : 0;
}

static int dst_ntfs_write(struct cp_dst *d, struct cp_dh *h, const char *stream, uint64_t off,
			  const void *buf, size_t len)
{
	struct dst_ntfs *p = d->priv;
	const uint16_t *u = NULL;
	size_t n = 0;
	int rc = sname(d, stream, &u, &n);

	if (rc)
		return rc;
	rc = nl_writer_write(p->w, h->ref, u, n, off, buf, len);
	return rc ? werr(d, rc, "write error") : 0;
}

static int dst_ntfs_set_size(struct cp_dst *d, struct cp_dh *h, const char *stream, uint64_t size)
{
	struct dst_ntfs *p = d->priv;
	const uint16_t *u = NULL;
	size_t n = 0;
	int rc = sname(d, stream, &u, &n);

	if (rc)
		return rc;
	rc = nl_writer_set_size(p->w, h->ref, u, n, size);
	return rc ? werr(d, rc, "cannot set stream size") : 0;
}

static int dst_ntfs_set_dos_name(struct cp_dst *d, struct cp_dh *h, struct cp_dh *parent,
				 const char *name, const char *dos)
{
	struct dst_ntfs *p = d->priv;
	uint16_t lu[NL_NAME_MAX_UNITS], du[NL_NAME_MAX_UNITS];
	ssize_t ln, dl;
	int rc;

	ln = nl_wtf8_to_utf16le_buf(name, strlen(name), lu, NL_NAME_MAX_UNITS);
	dl = nl_wtf8_to_utf16le_buf(dos, strlen(dos), du, NL_NAME_MAX_UNITS);
	if (ln < 0 || dl < 0)
		return -EILSEQ;
	rc = nl_writer_set_dos_name(p->w, h->ref, parent->ref, lu, (size_t)ln, du, (size_t)dl);
	return rc ? werr(d, rc, "cannot set dos name") : 0;
}

static int dst_ntfs_set_attrs(struct cp_dst *d, struct cp_dh *h, uint32_t attrs, bool early)
{
	struct dst_ntfs *p = d->priv;
	int rc;

	if (early) {
		if (!(attrs & NL_FA_COMPRESSED))
			return 0;
		attrs = NL_FA_COMPRESSED | (attrs & NL_FA_ARCHIVE);
	}
	rc = nl_writer_set_attributes(p->w, h->ref, attrs & CP_FA_SETTABLE);
	return rc ? werr(d, rc, "cannot set attributes") : 0;
}

static int dst_ntfs_set_times(struct cp_dst *d, struct cp_dh *h, const struct nl_times *t)
{
	struct dst_ntfs *p = d->priv;
	int rc = nl_writer_set_times(p->w, h->ref, t);

	return rc ? werr(d, rc, "cannot set times") : 0;
}

static int dst_ntfs_set_security(struct cp_dst *d, struct cp_dh *h, const uint8_t *sd, size_t len)
{
	struct dst_ntfs *p = d->priv;
	int rc = nl_writer_set_security(p->w, h->ref, sd, len);

	return rc ? werr(d, rc, "cannot set security descriptor") : 0;
}

static int dst_ntfs_remove(struct cp_dst *d, struct cp_dh *parent, struct cp_dh *h, const char *name,
			   bool is_dir)
{
	struct dst_ntfs *p = d->priv;
	uint16_t u[NL_NAME_MAX_UNITS];
	ssize_t n = nl_wtf8_to_utf16le_buf(name, strlen(name), u, NL_NAME_MAX_UNITS);

	(void)is_dir;
	if (n < 0)
		return (int)n;
	return nl_writer_unlink(p->w, h->ref, parent->ref, u, (size_t)n);
}

static int dst_ntfs_close(struct cp_dst *d, struct cp_dh *h)
{
	(void)d;
	(void)h;
	return 0;	/* the writer caches inodes; nl_writer_close() checks them all */
}

static int dst_ntfs_finish(struct cp_dst *d)
{
	struct dst_ntfs *p = d->priv;
	int rc;

	if (!p->w)
		return 0;
	rc = nl_writer_close(&p->w);
	if (rc)
		snprintf(d->err, sizeof(d->err), "cannot write the image out: %s", strerror(-rc));
	return rc;
}

static const char *dst_ntfs_errmsg(struct cp_dst *d)
{
	return d->err;
}

/* Free clusters and MFT records, from the volume's bitmaps (as the writer
 * sees them, or read-only in a dry run). */
static int dst_ntfs_space(struct cp_dst *d, struct cp_space *sp)
{
	struct dst_ntfs *p = d->priv;
	ntfs_volume *vol = p->w ? nl_writer_ntfs_volume(p->w) : p->ro ? nl_volume_ntfs(p->ro) : NULL;

	if (!vol)
		return -EINVAL;
	if (ntfs_volume_get_free_space(vol))
		return -errno ? -errno : -EIO;
	sp->unit = vol->cluster_size;
	sp->record = vol->mft_record_size;
	sp->free_bytes = vol->free_clusters > 0 ? (uint64_t)vol->free_clusters * vol->cluster_size
						: 0;
	sp->free_records = vol->free_mft_records > 0 ? (uint64_t)vol->free_mft_records : 0;
	return 0;
}

static void dst_ntfs_free(struct cp_dst *d)
{
	struct dst_ntfs *p = d->priv;

	if (p) {
		if (p->w)
			(void)nl_writer_close(&p->w);
		nl_volume_close(&p->ro);
		nl_ixguard_free(&p->ixg);
		free(p);
	}
	d->priv = NULL;
}

static const struct cp_dst_ops dst_ntfs_ops = {
	.mkdir = dst_ntfs_mkdir,
	.create = dst_ntfs_create,
	.open_dir = dst_ntfs_open_dir,
	.open_entry = dst_ntfs_open_entry,
	.exists = dst_ntfs_exists,
	.link = dst_ntfs_link,
	.symlink = dst_ntfs_symlink,
	.set_reparse = dst_ntfs_set_reparse,
	.set_sparse = dst_ntfs_set_sparse,
	.write = dst_ntfs_write,
	.set_size = dst_ntfs_set_size,
	.set_dos_name = dst_ntfs_set_dos_name,
	.set_attrs = dst_ntfs_set_attrs,
	.set_times = dst_ntfs_set_times,
	.set_security = dst_ntfs_set_security,
	.remove = dst_ntfs_remove,
	.close = dst_ntfs_close,
	.finish = dst_ntfs_finish,
	.errmsg = dst_ntfs_errmsg,
	.space = dst_ntfs_space,
	.free = dst_ntfs_free,
};

struct nl_writer *cp_dst_ntfs_writer(struct cp_dst *d)
{
	struct dst_ntfs *p = d && d->kind == CP_EP_IMAGE && d->ops == &dst_ntfs_ops ? d->priv
										: NULL;

	return p ? p->w : NULL;
}

/* Split "/a/b/c" into the parent part and the leaf; the root has no leaf. */
static int split_path(const char *path, char **parent, char **leaf)
{
	char *c = strdup(*path ? path : "/");
	char *s;

	if (!c)
		return -ENOMEM;
	for (char *q = c; *q; q++)
		if (*q == '\\')
			*q = '/';
	while (strlen(c) > 1 && c[strlen(c) - 1] == '/')
		c[strlen(c) - 1] = 0;
	if (!strcmp(c, "/")) {
		*parent = c;
		*leaf = NULL;
		return 0;
	}
	s = strrchr(c, '/');
	*leaf = strdup(s ? s + 1 : c);
	if (s)
		s[s == c ? 1 : 0] = 0;
	else
		strcpy(c, "/");
	*parent = c;
	return *leaf ? 0 : -ENOMEM;
}

/* Folder @path of the volume, made with its missing parents (mkdir -p): *@ref. */
static int dst_ntfs_make_path(struct cp_dst *d, const char *path, uint64_t *ref, char *err,
			      size_t errlen)
{
	struct dst_ntfs *p = d->priv;
	const char *q = path, *comp;
	uint64_t cur = NL_WRITER_ROOT;
	size_t len;
	int rc = 0;

	while (!rc && (len = cp_next_comp(&q, &comp))) {
		char *name = strndup(comp, len);
		struct cp_dh ph = { .ref = cur, .fd = -1 };

		if (!name)
			return -ENOMEM;
		rc = dst_ntfs_lookup(d, &ph, name, &cur);
		if (rc == -ENOENT)
			rc = nl_writer_create_u8(p->w, ph.ref, name, NL_NS_POSIX, NL_NODE_DIR, &cur);
		if (rc)
			snprintf(err, errlen, "cannot create the folder '%.200s' in the image: %s",
				 name, rc == -EUCLEAN ? nl_writer_error(p->w) : strerror(-rc));
		free(name);
	}
	*ref = cur;
	return rc;
}

/* The endpoint's folder @parent (made when missing with @parents) and,
 * unless NULL, @leaf in it, through the writer: sets d->exists and d->root. */
static int dst_ntfs_find(struct cp_dst *d, const char *parent, const char *leaf, bool parents,
			 char *err, size_t errlen)
{
	struct dst_ntfs *p = d->priv;
	uint64_t ref, pref;
	int rc = nl_writer_lookup_path(p->w, parent, &pref);

	if (rc == -EUCLEAN) {	/* a damaged folder index on the way: the writer says which */
		snprintf(err, errlen, "%s", nl_writer_error(p->w));
		return rc;
	} else if (rc == -ENOENT && parents) {
		rc = dst_ntfs_make_path(d, parent, &pref, err, errlen);
		if (rc)
			return rc;
	} else if (rc) {
		snprintf(err, errlen, "the folder '%s' does not exist in the image (-p makes it)",
			 parent);
		return rc;
	}
	ref = pref;
	if (!leaf) {
		d->exists = true;
	} else {
		struct cp_dh ph = { .ref = pref, .fd = -1 };

		rc = dst_ntfs_lookup(d, &ph, leaf, &ref);
		if (rc == 0) {
			d->exists = true;
		} else if (rc == -EUCLEAN) {
			snprintf(err, errlen, "%s", nl_writer_error(p->w));
			return rc;
		} else if (rc != -ENOENT) {
			snprintf(err, errlen, "cannot look up the destination");
			return rc;
		}
	}
	d->root.ref = d->exists ? ref : pref;
	return 0;
}

/* Dry run: whether @path (or else its folder @parent, or with @parents
 * nothing) exists, through a read-only lookup. */
static int dst_ntfs_find_ro(struct cp_dst *d, const char *path, const char *parent,
			    bool parents, char *err, size_t errlen)
{
	struct dst_ntfs *p = d->priv;
	bool isdir = false;
	char why[256];
	int e = ro_lookup(p, path, &isdir, why, sizeof(why));

	if (e == -EUCLEAN || (e == -ENOENT && !parents &&
			      ro_lookup(p, parent, &isdir, why, sizeof(why)) == -EUCLEAN)) {
		snprintf(err, errlen, "%s", why);
		return -EUCLEAN;
	} else if (e == 0) {
		d->exists = true;
	} else if (e != -ENOENT || (!parents && ro_lookup(p, parent, &isdir, why, sizeof(why)))) {
		snprintf(err, errlen, "the folder '%s' does not exist in the image (-p makes it)",
			 parent);
		return e ? e : -ENOENT;
	}
	d->root.ref = 0;
	return 0;
}

/* d->path, d->leaf (taken from *@leaf) and d->vol_path, once d->exists is known. */
static int dst_ntfs_set_paths(struct cp_dst *d, const char *path, const char *parent,
			      char **leaf)
{
	if (d->exists) {
		d->path = strdup(*path ? path : "/");
		d->leaf = NULL;
	} else {
		d->path = strdup(path);
		d->leaf = *leaf;
		*leaf = NULL;
	}
	if (!d->path)
		return -ENOMEM;
	for (char *q = d->path; *q; q++)
		if (*q == '\\')
			*q = '/';
	/* The folder that holds the copies, as a volume path (for absolute targets). */
	d->vol_path = strdup(d->exists ? d->path : parent);
	return d->vol_path ? 0 : -ENOMEM;
}

int cp_dst_ntfs_open(struct cp_dst *d, const char *image, const char *path, bool dry_run,
		     bool parents, char *err, size_t errlen)
{
	struct dst_ntfs *p = calloc(1, sizeof(*p));
	char *file = NULL, *parent = NULL, *leaf = NULL, damage[NL_ERRMSG_SIZE / 2];
	uint64_t off = 0, size = 0;
	unsigned part = 0;
	enum nl_volume_kind kind;
	int rc;

	if (!p)
		return -ENOMEM;
	d->ops = &dst_ntfs_ops;
	d->kind = CP_EP_IMAGE;
	d->priv = p;
	d->ntfs = true;
	d->times_after_links = true;
	d->root.fd = -1;
	/* writable: a container (E01, VMDK ...) is refused with a message */
	rc = nl_volume_locate(image, &(struct nl_open_options){ .writable = true }, &file, &off,
			      &size, &part, &kind, err, errlen);
	if (rc)
		return rc;
	if (kind != NL_VOLUME_NTFS) {
		snprintf(err, errlen, "not an ntfs volume");
		rc = -EINVAL;
	}
	if (!rc)
		rc = cp_image_key(file, off, &d->vol_key);
	if (!rc)
		rc = split_path(path, &parent, &leaf);
	if (rc)
		goto out;
	if (nl_validate_file(file, off, damage, sizeof(damage)) == -EINVAL) {
		/* what the writer refuses (-EUCLEAN), a dry run refuses too */
		snprintf(err, errlen, "cannot open the image for writing: %s",
			 damage);
		rc = -EUCLEAN;
	} else if (dry_run) {
		/* Read-only look at what exists; nothing is ever opened for writing. */
		rc = nl_volume_open(image, NULL, &p->ro, err, errlen);
		if (!rc)
			rc = dst_ntfs_find_ro(d, path, parent, parents, err, errlen);
	} else {
		rc = nl_writer_open(file, off, 0, &p->w);
		if (rc)
			snprintf(err, errlen, "cannot open the image for writing: %s",
				 rc == -EBUSY ? "the image is mounted or in use" : strerror(-rc));
		else if ((rc = cp_partial_clear_image(p->w, parent, leaf)) < 0)
			snprintf(err, errlen, "cannot remove the unfinished copy an earlier run left: %s",
				 strerror(-rc));
		else {
			d->partial_removed = rc > 0;
			rc = dst_ntfs_find(d, parent, leaf, parents, err, errlen);
		}
	}
	if (!rc)
		rc = dst_ntfs_set_paths(d, path, parent, &leaf);
out:
	free(file);
	free(parent);
	free(leaf);
	return rc;
}
