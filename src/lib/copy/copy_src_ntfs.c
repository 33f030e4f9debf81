/* copy_src_ntfs.c: copy source backend reading a folder of an NTFS image through libntfs-3g (read-only). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/security.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/record.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/writer.h>

#include "copy/copy_backend_int.h"
#include "copy/copy_sdcache_int.h"
#include "image/volume_int.h"
#include "mft/bounds_int.h"
#include "mft/index_guard_int.h"
#include "writer/writer_src_int.h"

struct src_ntfs {
	nl_volume *nv;		/* our own read-only mount, or NULL when shared */
	ntfs_volume *vol;
	struct nl_writer *w;	/* shared: the destination's writer (borrowed) */
	struct cp_sdcache sds;	/* want_sd: descriptor hashes by security id */
	struct cp_scan *scan;	/* list_scan: the volume's scan, once made */
	bool scan_tried;
	struct nl_ixguard *ixg;	/* own mount: the folders whose index was checked */
};

struct src_ntfs_stream {
	ntfschar *uname;
	size_t ulen;
};

struct src_ntfs_file {
	ntfs_inode *ni;
	struct cp_stream *streams;
	struct src_ntfs_stream *un;
	size_t n;
	ntfs_attr *na;		/* attribute of stream cur, opened on demand */
	size_t cur;
};

static uint64_t src_ntfs_sd_hash(struct src_ntfs *p, ntfs_inode *ni);

static int neg_errno(int def)
{
	return errno > 0 ? -errno : -def;
}

/*
 * Open inode @mref for reading. When the source lives in the destination
 * image, the inode comes from the writer's cache, so that libntfs-3g never
 * has one record open twice (the writer may hold it, e.g. the folder that
 * receives the copy); it stays pinned (no eviction) until src_ntfs_iput().
 * Returns NULL with errno set on failure.
 */
static ntfs_inode *src_ntfs_iget(struct src_ntfs *p, uint64_t mref)
{
	ntfs_inode *ni;
	int rc;

	if (!p->vol) {
		errno = ESTALE;	/* detached: the volume is gone */
		return NULL;
	}
	if (!p->w)
		return ntfs_inode_open(p->vol, mref);
	rc = nl_w_inode_pin(p->w, mref, &ni);
	if (rc) {
		errno = -rc;
		return NULL;
	}
	return ni;
}

/* 0 when libntfs-3g may walk the index of folder @dni (nl_ixguard_check, through the
 * writer's verdicts when shared); else -EUCLEAN with the reason in s->why, or -ENOMEM. */
static int src_ntfs_index_ok(struct cp_src *s, struct src_ntfs *p, ntfs_inode *dni)
{
	return p->w ? nl_w_index_check(p->w, dni, s->why, sizeof(s->why))
		    : nl_ixguard_check(&p->ixg, dni, s->why, sizeof(s->why));
}

/* Done with an inode of src_ntfs_iget(). */
static void src_ntfs_iput(struct src_ntfs *p, ntfs_inode *ni)
{
	if (!p->w)
		ntfs_inode_close(ni);
	else
		nl_w_inode_unpin(p->w);	/* the writer closes it when it leaves its cache */
}

/* The next $FILE_NAME of @ctx's inode, decoded by the record parser into @fn
 * (non-resident or malformed ones are skipped). false at the end. */
static bool src_ntfs_next_name(ntfs_attr_search_ctx *ctx, struct nl_file_name *fn)
{
	while (ntfs_attr_lookup(AT_FILE_NAME, NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx) == 0) {
		const ATTR_RECORD *a = ctx->attr;
		struct nl_attr na = { .type = NL_AT_FILE_NAME, .length = le32_to_cpu(a->length) };
		size_t off;

		if (a->non_resident)
			continue;
		off = le16_to_cpu(a->value_offset);
		na.value_len = le32_to_cpu(a->value_length);
		if (off + na.value_len > na.length)
			continue;
		na.value = (const uint8_t *)a + off;
		if (nl_attr_file_name(&na, fn, NULL) == 0)
			return true;
	}
	return false;
}

/* The DOS name of @ni in folder @parent and the count of non-DOS names; -EFBIG past
 * NL_NAMES_MAX names in all (the scan's bound: only a damaged image has more). */
static int src_ntfs_names(ntfs_inode *ni, uint64_t parent, char **dos, uint32_t *nlink)
{
	ntfs_attr_search_ctx *ctx;
	struct nl_file_name fn;
	unsigned all = 0;
	int rc = 0;

	*nlink = 0;
	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx)
		return -ENOMEM;
	while (src_ntfs_next_name(ctx, &fn)) {
		if (++all > NL_NAMES_MAX) {
			rc = -EFBIG;
			break;
		}
		if (fn.name_space != NL_NS_DOS) {
			(*nlink)++;
			continue;
		}
		if (dos && !*dos && NL_MREF_RECORD(fn.parent_ref) == MREF(parent)) {
			rc = nl_utf16le_to_wtf8(fn.name, fn.name_len, dos, NULL);
			if (rc)
				break;
		}
	}
	ntfs_attr_put_search_ctx(ctx);
	return rc;
}

static void src_ntfs_fill_times(ntfs_inode *ni, struct nl_times *t)
{
	t->crtime = sle64_to_cpu(ni->creation_time);
	t->mtime = sle64_to_cpu(ni->last_data_change_time);
	t->ctime = sle64_to_cpu(ni->last_mft_change_time);
	t->atime = sle64_to_cpu(ni->last_access_time);
}

/* Sum of the data sizes of all $DATA attributes; *@named gets those of the
 * named ones, *@alloc the bytes they take on disk (sparse and compressed:
 * what is allocated; resident: their size). */
static uint64_t src_ntfs_data_size(ntfs_inode *ni, uint64_t *named, uint64_t *alloc)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	uint64_t sum = 0;

	*named = 0;
	*alloc = 0;
	if (!ctx)
		return 0;
	while (ntfs_attr_lookup(AT_DATA, NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx) == 0) {
		const ATTR_RECORD *a = ctx->attr;
		uint64_t n = 0, on_disk = 0;

		if (a->non_resident) {
			if (a->lowest_vcn == 0) {
				n = (uint64_t)sle64_to_cpu(a->data_size);
				on_disk = (uint64_t)sle64_to_cpu(a->flags & (ATTR_IS_COMPRESSED |
						ATTR_IS_SPARSE) ? a->compressed_size : a->allocated_size);
			}
		} else {
			n = on_disk = le32_to_cpu(a->value_length);
		}
		sum += n;
		*alloc += on_disk < n ? on_disk : n;
		if (a->name_length)
			*named += n;
	}
	ntfs_attr_put_search_ctx(ctx);
	return sum;
}

/* Fill @st from the open inode @ni found in folder @parent (-EFBIG: too many names, the
 * reason in s->why). */
static int src_ntfs_fill(struct cp_src *s, ntfs_inode *ni, uint64_t parent, int name_type,
			 struct cp_stat *st)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->mref = ni->mft_no | ((uint64_t)le16_to_cpu(ni->mrec->sequence_number) << 48);
	st->ino = ni->mft_no;
	st->is_dir = (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) != 0;
	st->attrs = le32_to_cpu(ni->flags) & 0xFFFFu;
	if (st->is_dir)
		st->attrs |= NL_FA_DIRECTORY;
	else
		st->attrs &= ~NL_FA_DIRECTORY;
	st->name_space = (uint8_t)name_type;
	st->has_times = true;
	src_ntfs_fill_times(ni, &st->t);
	rc = src_ntfs_names(ni, parent, name_type == FILE_NAME_WIN32 ? &st->dos_name : NULL,
			    &st->nlink);
	if (rc == -EFBIG)
		snprintf(s->why, sizeof(s->why), "record %llu: more than %u names",
			 (unsigned long long)ni->mft_no, NL_NAMES_MAX);
	if (rc) {
		free(st->dos_name);
		st->dos_name = NULL;
		return rc;
	}
	st->size = src_ntfs_data_size(ni, &st->named_size, &st->alloc);
	if (ni->flags & FILE_ATTR_REPARSE_POINT) {
		s64 len = 0;
		void *rp = ntfs_attr_readall(ni, AT_REPARSE_POINT, AT_UNNAMED, 0, &len);

		if (!rp || len < 8) {
			free(rp);
			cp_stat_clear(st);
			return -EIO;
		}
		st->reparse = rp;
		st->reparse_len = (size_t)len;
		st->type = CP_T_REPARSE;
	} else {
		st->type = st->is_dir ? CP_T_DIR : CP_T_FILE;
	}
	return 0;
}

struct src_ntfs_dirent {
	ntfschar *name;
	int len;
	int type;
	uint64_t mref;
};

struct src_ntfs_list {
	struct src_ntfs_dirent *e;
	size_t n, cap;
	int err;
	ntfs_volume *vol;
};

static int src_ntfs_filldir(void *dirent, const ntfschar *name, const int name_len,
			    const int name_type, const s64 pos, const MFT_REF mref,
			    const unsigned dt_type)
{
	struct src_ntfs_list *l = dirent;
	struct src_ntfs_dirent *e;

	(void)pos;
	(void)dt_type;
	/* ntfs_readdir() may have opened and closed the entry's record by itself: that inode
	 * leaves libntfs-3g's cache of closed inodes (read-only mounts have none), where it would
	 * make the cache lose (leak) the writer's when a damaged index names a folder held open */
	ntfs_inode_invalidate(l->vol, mref);
	if (name_type == FILE_NAME_DOS)
		return 0;
	if ((name_len == 1 && le16_to_cpu(name[0]) == '.') ||
	    (name_len == 2 && le16_to_cpu(name[0]) == '.' && le16_to_cpu(name[1]) == '.'))
		return 0;
	if (MREF(mref) < FILE_first_user)
		return 0;	/* $MFT ... $Extend and the reserved records */
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		void *ne = realloc(l->e, nc * sizeof(*l->e));

		if (!ne) {
			l->err = -ENOMEM;
			return -1;
		}
		l->e = ne;
		l->cap = nc;
	}
	e = &l->e[l->n];
	e->name = malloc((size_t)name_len * sizeof(ntfschar) + 2);
	if (!e->name) {
		l->err = -ENOMEM;
		return -1;
	}
	memcpy(e->name, name, (size_t)name_len * sizeof(ntfschar));
	e->len = name_len;
	e->type = name_type;
	e->mref = mref;
	l->n++;
	return 0;
}

int cp_src_ntfs_entry(struct cp_src *s, uint64_t mref, uint64_t parent, int name_type,
		      struct cp_stat *st)
{
	struct src_ntfs *p = s->priv;
	ntfs_inode *ni = NULL;
	/* an attribute list longer than the scan takes: -EFBIG, the reason in s->why */
	int r = p->vol ? nl_attr_list_check(p->vol, MREF(mref), s->why, sizeof(s->why)) : 0;

	if (!r && !(ni = src_ntfs_iget(p, mref)))
		r = neg_errno(EIO);
	if (ni) {
		r = src_ntfs_fill(s, ni, parent, name_type, st);
		if (!r && s->want_sd)
			st->sd_hash = src_ntfs_sd_hash(p, ni);
		src_ntfs_iput(p, ni);
	}
	if (r) {
		memset(st, 0, sizeof(*st));
		st->type = CP_T_OTHER;
		st->ino = MREF(mref);
		st->mref = mref;
		st->err = r;
		st->size = UINT64_MAX;
	}
	return 0;
}

void cp_src_ntfs_take_scan(struct cp_src *s, struct cp_scan *sc)
{
	struct src_ntfs *p = s->priv;

	if (s->kind != CP_EP_IMAGE || !p || p->w || !p->vol) {
		cp_scan_free(&sc);
		return;
	}
	cp_scan_free(&p->scan);
	p->scan = sc;
	p->scan_tried = true;
}

/* Make the volume's scan for list() (once): 0 when there is one. */
static int src_ntfs_scan(struct cp_src *s, struct src_ntfs *p)
{
	int rc;

	if (!p->scan_tried) {
		p->scan_tried = true;
		/* through the writer: what it holds reaches the file first */
		rc = p->w ? nl_writer_flush(p->w) : 0;
		if (!rc)
			rc = cp_scan_open(p->nv, s->image, &p->scan);
		if (rc == -ENOMEM || rc == -ECANCELED)
			return rc;
	}
	return p->scan ? 0 : -ENOENT;
}

static int src_ntfs_list(struct cp_src *s, const struct cp_loc *dir, cp_list_fn fn, void *ctx)
{
	struct src_ntfs *p = s->priv;
	struct src_ntfs_list l = { .vol = p->vol };
	ntfs_inode *dni;
	s64 pos = 0;
	int rc = 0;

	if (s->list_scan && p->vol) {
		rc = src_ntfs_scan(s, p);
		if (rc == -ENOMEM || rc == -ECANCELED)
			return rc;
		if (!rc && (rc = cp_scan_list(p->scan, s, dir, fn, ctx)) != -ENOENT)
			return rc;
		rc = 0;	/* not known to the scan: through libntfs-3g */
	}

	dni = src_ntfs_iget(p, dir->mref);
	if (!dni)
		return neg_errno(EIO);
	l.err = src_ntfs_index_ok(s, p, dni);
	if (!l.err && ntfs_readdir(dni, &pos, &l, src_ntfs_filldir) && !l.err)
		l.err = neg_errno(EIO);
	src_ntfs_iput(p, dni);
	rc = l.err;
	for (size_t i = 0; i < l.n && !rc; i++) {
		struct cp_stat st;
		char *name = NULL;
		bool nul = false;
		int r;

		/* a NUL would cut the name short: shown as U+2400, and refused */
		for (int k = 0; k < l.e[i].len; k++)
			if (!l.e[i].name[k]) {
				l.e[i].name[k] = const_cpu_to_le16(0x2400);
				nul = true;
			}
		r = nl_utf16le_to_wtf8(l.e[i].name, (size_t)l.e[i].len, &name, NULL);
		if (r) {
			rc = r;
			break;
		}
		if (nul) {
			memset(&st, 0, sizeof(st));
			st.type = CP_T_OTHER;
			st.ino = MREF(l.e[i].mref);
			st.mref = l.e[i].mref;
			st.err = -EILSEQ;
			st.size = UINT64_MAX;
		} else {
			rc = cp_src_ntfs_entry(s, l.e[i].mref, dir->mref, l.e[i].type, &st);
		}
		r = rc ? 0 : fn(ctx, name, &st);
		if (!rc)
			cp_stat_clear(&st);
		free(name);
		if (r)
			break;
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.e[i].name);
	free(l.e);
	return rc;
}

/* Find the stored name of @ni in @parent matching @u (exactly, else ignoring case). */
static int src_ntfs_real_name(struct src_ntfs *p, ntfs_inode *ni, uint64_t parent,
			      const ntfschar *u, size_t ulen, char **real, int *ns)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	struct nl_file_name fn;
	ntfschar fname[256];
	int best = 0, rc = -ENOENT;
	bool dos_hit = false;

	if (!ctx)
		return -ENOMEM;
	*real = NULL;
	while (src_ntfs_next_name(ctx, &fn)) {
		int score;

		if (NL_MREF_RECORD(fn.parent_ref) != MREF(parent))
			continue;
		memcpy(fname, fn.name, fn.name_len * sizeof(ntfschar));
		if (fn.name_len == ulen &&
		    !memcmp(fname, u, ulen * sizeof(ntfschar)))
			score = 3;
		else if (ntfs_names_are_equal(fname, fn.name_len, u, ulen,
					      IGNORE_CASE, p->vol->upcase, p->vol->upcase_len))
			score = 2;
		else if (fn.name_space != NL_NS_DOS)
			score = 1;	/* a long name, in case u was the DOS alias */
		else
			continue;
		if (fn.name_space == NL_NS_DOS) {
			if (score >= 2)
				dos_hit = true;
			continue;
		}
		if (score > best) {
			free(*real);
			*real = NULL;
			rc = nl_utf16le_to_wtf8(fname, fn.name_len, real, NULL);
			if (rc)
				break;
			best = score;
			*ns = fn.name_space;
		}
	}
	ntfs_attr_put_search_ctx(ctx);
	if (rc == 0 && best == 1 && !dos_hit) {
		free(*real);
		*real = NULL;
		rc = -ENOENT;
	}
	return rc;
}

static int src_ntfs_lookup(struct cp_src *s, const struct cp_loc *dir, const char *name,
			   struct cp_stat *st, char **real)
{
	struct src_ntfs *p = s->priv;
	uint16_t *u = NULL;
	size_t ulen;
	ntfs_inode *dni, *ni;
	u64 mref;
	int rc, ns = FILE_NAME_POSIX;

	rc = nl_wtf8_to_utf16le(name, strlen(name), NL_NAME_MAX_UNITS, &u, &ulen);
	if (rc)
		return rc == -ENAMETOOLONG || rc == -EILSEQ ? -ENOENT : rc;
	dni = src_ntfs_iget(p, dir->mref);
	if (!dni) {
		free(u);
		return neg_errno(EIO);
	}
	rc = src_ntfs_index_ok(s, p, dni);
	if (rc) {
		src_ntfs_iput(p, dni);
		free(u);
		return rc;
	}
	mref = ntfs_inode_lookup_by_name(dni, (ntfschar *)u, (int)ulen);
	if (mref == (u64)-1) {
		rc = errno == ENOENT ? -ENOENT : neg_errno(EIO);
		src_ntfs_iput(p, dni);
		free(u);
		return rc;
	}
	src_ntfs_iput(p, dni);
	if (MREF(mref) < FILE_first_user && MREF(mref) != FILE_root) {
		free(u);
		return -ENOENT;	/* metadata files are not part of any copy */
	}
	rc = p->vol ? nl_attr_list_check(p->vol, MREF(mref), s->why, sizeof(s->why)) : 0;
	if (rc) {
		free(u);
		return rc;
	}
	ni = src_ntfs_iget(p, MREF(mref));
	if (!ni) {
		free(u);
		st->ino = MREF(mref);	/* the index names it, its record cannot be read */
		st->mref = mref;
		return -EIO;
	}
	rc = src_ntfs_real_name(p, ni, dir->mref, (ntfschar *)u, ulen, real, &ns);
	if (rc == 0) {
		rc = src_ntfs_fill(s, ni, dir->mref, ns, st);
		if (rc) {
			free(*real);
			*real = NULL;
		}
	}
	src_ntfs_iput(p, ni);
	free(u);
	return rc;
}

static int src_ntfs_stat(struct cp_src *s, const struct cp_loc *loc, struct cp_stat *st)
{
	struct src_ntfs *p = s->priv;
	ntfs_inode *ni = src_ntfs_iget(p, loc->mref);
	int rc;

	if (!ni)
		return neg_errno(EIO);
	rc = src_ntfs_fill(s, ni, 0, FILE_NAME_POSIX, st);
	src_ntfs_iput(p, ni);
	return rc;
}

static void src_ntfs_close(struct cp_src *s, void *fh)
{
	struct src_ntfs_file *f = fh;

	if (!f)
		return;
	if (f->na)
		ntfs_attr_close(f->na);
	for (size_t i = 0; i < f->n; i++) {
		free(f->streams[i].name);
		free(f->un[i].uname);
	}
	free(f->streams);
	free(f->un);
	if (f->ni)
		src_ntfs_iput(s->priv, f->ni);
	free(f);
}

/* Room for one more stream in @f, *@cap allocated. */
static int src_ntfs_grow(struct src_ntfs_file *f, size_t *cap)
{
	size_t nc;
	void *n1, *n2;

	if (f->n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 4;
	n1 = realloc(f->streams, nc * sizeof(*f->streams));
	if (!n1)
		return -ENOMEM;
	f->streams = n1;
	n2 = realloc(f->un, nc * sizeof(*f->un));
	if (!n2)
		return -ENOMEM;
	f->un = n2;
	*cap = nc;
	return 0;
}

/* The $DATA attribute record @a as the next stream of @f (room made). */
static int src_ntfs_add_stream(struct src_ntfs_file *f, const ATTR_RECORD *a)
{
	struct cp_stream *cs = &f->streams[f->n];
	int rc;

	memset(cs, 0, sizeof(*cs));
	memset(&f->un[f->n], 0, sizeof(f->un[f->n]));
	if (a->name_length) {
		const ntfschar *nm = (const ntfschar *)((const u8 *)a + le16_to_cpu(a->name_offset));

		rc = nl_utf16le_to_wtf8(nm, a->name_length, &cs->name, NULL);
		if (rc)
			return rc;
		f->un[f->n].uname = malloc(a->name_length * sizeof(ntfschar));
		if (!f->un[f->n].uname) {
			free(cs->name);
			return -ENOMEM;
		}
		memcpy(f->un[f->n].uname, nm, a->name_length * sizeof(ntfschar));
		f->un[f->n].ulen = a->name_length;
	}
	if (a->non_resident) {
		cs->size = (uint64_t)sle64_to_cpu(a->data_size);
		cs->compressed = (a->flags & ATTR_IS_COMPRESSED) != 0;
		cs->sparse = !cs->compressed && (a->flags & ATTR_IS_SPARSE);
	} else {
		cs->size = le32_to_cpu(a->value_length);
	}
	f->n++;
	return 0;
}

static int src_ntfs_open(struct cp_src *s, const struct cp_loc *loc, const struct cp_stat *st,
			 void **fh)
{
	struct src_ntfs *p = s->priv;
	struct src_ntfs_file *f = calloc(1, sizeof(*f));
	ntfs_attr_search_ctx *ctx;
	size_t cap = 0;
	int rc = 0;

	(void)st;
	if (!f)
		return -ENOMEM;
	f->ni = src_ntfs_iget(p, loc->mref);
	if (!f->ni) {
		rc = neg_errno(EIO);
		free(f);
		return rc;
	}
	ctx = ntfs_attr_get_search_ctx(f->ni, NULL);
	if (!ctx) {
		src_ntfs_close(s, f);
		return -ENOMEM;
	}
	while (!rc && ntfs_attr_lookup(AT_DATA, NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx) == 0) {
		const ATTR_RECORD *a = ctx->attr;

		if (a->non_resident && a->lowest_vcn != 0)
			continue;	/* continuation of a fragmented attribute */
		rc = src_ntfs_grow(f, &cap);
		if (!rc)
			rc = src_ntfs_add_stream(f, a);
	}
	ntfs_attr_put_search_ctx(ctx);
	if (rc) {
		src_ntfs_close(s, f);
		return rc;
	}
	f->cur = SIZE_MAX;
	*fh = f;
	return 0;
}

static int src_ntfs_streams(struct cp_src *s, void *fh, const struct cp_stream **list, size_t *n)
{
	struct src_ntfs_file *f = fh;

	(void)s;
	*list = f->streams;
	*n = f->n;
	return 0;
}

static int src_ntfs_attr(struct src_ntfs_file *f, size_t i)
{
	if (f->cur == i && f->na)
		return 0;
	if (f->na)
		ntfs_attr_close(f->na);
	f->na = ntfs_attr_open(f->ni, AT_DATA, f->un[i].uname ? f->un[i].uname : AT_UNNAMED,
			       (u32)f->un[i].ulen);
	f->cur = i;
	if (!f->na)
		return neg_errno(EIO);
	return 0;
}

static int src_ntfs_region(struct cp_src *s, void *fh, size_t i, uint64_t off,
			   uint64_t *start, uint64_t *end)
{
	struct src_ntfs_file *f = fh;
	struct src_ntfs *p = s->priv;
	uint64_t size = f->streams[i].size;
	int rc;

	if (off >= size)
		return 1;
	if (!f->streams[i].sparse) {
		*start = off;
		*end = size;
		return 0;
	}
	rc = src_ntfs_attr(f, i);
	if (rc)
		return rc;
	if (ntfs_attr_map_whole_runlist(f->na))
		return neg_errno(EIO);
	for (const runlist_element *rl = f->na->rl; rl && rl->length; rl++) {
		uint64_t rs = (uint64_t)rl->vcn << p->vol->cluster_size_bits;
		uint64_t re = (uint64_t)(rl->vcn + rl->length) << p->vol->cluster_size_bits;

		if (rl->lcn < 0 && rl->lcn != LCN_RL_NOT_MAPPED)
			continue;	/* a hole */
		if (re <= off)
			continue;
		if (rs >= size)
			break;
		*start = rs > off ? rs : off;
		*end = re < size ? re : size;
		return 0;
	}
	return 1;
}

static ssize_t src_ntfs_read(struct cp_src *s, void *fh, size_t i, uint64_t off, void *buf,
			     size_t n)
{
	struct src_ntfs_file *f = fh;
	s64 r;
	int rc;

	(void)s;
	rc = src_ntfs_attr(f, i);
	if (rc)
		return rc;
	r = ntfs_attr_pread(f->na, (s64)off, (s64)n, buf);
	if (r < 0)
		return neg_errno(EIO);
	return (ssize_t)r;
}

/* The security descriptor of @ni (malloc'ed), -ENODATA when it has none. */
static int src_ntfs_read_sd(struct src_ntfs *p, ntfs_inode *ni, uint8_t **sd, size_t *len)
{
	struct SECURITY_CONTEXT scx;
	size_t cap = 4096;
	int r;

	memset(&scx, 0, sizeof(scx));
	scx.vol = p->vol;
	for (;;) {
		char *b = malloc(cap);

		if (!b)
			return -ENOMEM;
		errno = 0;
		r = ntfs_get_ntfs_acl(&scx, ni, b, cap);
		if (r <= 0) {
			free(b);
			return r < 0 ? r : -ENODATA;
		}
		if ((size_t)r <= cap) {
			*sd = (uint8_t *)b;
			*len = (size_t)r;
			return 0;
		}
		free(b);
		cap = (size_t)r;
	}
}

static int src_ntfs_security(struct cp_src *s, void *fh, uint8_t **sd, size_t *len)
{
	struct src_ntfs_file *f = fh;

	return src_ntfs_read_sd(s->priv, f->ni, sd, len);
}

uint64_t cp_src_ntfs_sd_hash(struct cp_src *s, uint64_t mref, uint32_t secid)
{
	struct src_ntfs *p = s->priv;
	ntfs_inode *ni;
	uint64_t hash;

	if (cp_sdcache_find(&p->sds, secid, &hash))
		return hash;
	ni = src_ntfs_iget(p, mref);
	if (!ni)
		return 0;
	hash = src_ntfs_sd_hash(p, ni);
	src_ntfs_iput(p, ni);
	return hash;
}

/* The hash of @ni's security descriptor, read once per security id (0: none;
 * security id 0 is a descriptor of its own, NTFS 1.x, never shared). */
static uint64_t src_ntfs_sd_hash(struct src_ntfs *p, ntfs_inode *ni)
{
	uint32_t id = le32_to_cpu(ni->security_id);
	uint8_t *sd = NULL;
	size_t len = 0;
	uint64_t hash;

	if (cp_sdcache_find(&p->sds, id, &hash))
		return hash;
	if (src_ntfs_read_sd(p, ni, &sd, &len))
		return 0;
	hash = cp_hash64(sd, len);
	free(sd);
	cp_sdcache_put(&p->sds, id, hash);
	return hash;
}

static void src_ntfs_free(struct cp_src *s)
{
	struct src_ntfs *p = s->priv;

	if (p) {
		cp_scan_free(&p->scan);
		nl_volume_close(&p->nv);
		nl_ixguard_free(&p->ixg);
		cp_sdcache_free(&p->sds);
		free(p);
	}
	s->priv = NULL;
}

static const struct cp_src_ops src_ntfs_ops = {
	.list = src_ntfs_list,
	.lookup = src_ntfs_lookup,
	.stat = src_ntfs_stat,
	.open = src_ntfs_open,
	.streams = src_ntfs_streams,
	.region = src_ntfs_region,
	.read = src_ntfs_read,
	.security = src_ntfs_security,
	.close = src_ntfs_close,
	.free = src_ntfs_free,
};

/* Our own read-only mount of @image into @p. */
static int src_ntfs_mount(struct src_ntfs *p, const char *image, char *err, size_t errlen)
{
	int rc = nl_volume_open(image, NULL, &p->nv, err, errlen);
	struct nl_volume_info vi;

	if (rc)
		return rc;
	if (nl_volume_is_raw_mft(p->nv)) {
		snprintf(err, errlen, "a bare $MFT holds no file contents");
		return -EINVAL;
	}
	nl_volume_get_info(p->nv, &vi);
	if (vi.image_bytes < vi.volume_bytes) {
		/* contents past the end would read as zeros: refuse, as the audit warns */
		snprintf(err, errlen, "image is truncated: %" PRIu64 " of %" PRIu64 " bytes",
			 vi.image_bytes, vi.volume_bytes);
		return -EIO;
	}
	p->vol = nl_volume_ntfs(p->nv);
	/* libntfs-3g reads each record and index block by itself, several
	 * times per file: a read cache of 8 MiB saves most of those reads
	 * (without it, only slower) */
	(void)nl_w_dev_read_cache(p->vol, 2048);
	return 0;
}

static int src_ntfs_walk_root(struct cp_src *s, const char *path, char *err, size_t errlen);

int cp_src_ntfs_open(struct cp_src *s, const char *image, const char *path, char *err, size_t errlen)
{
	struct src_ntfs *p = calloc(1, sizeof(*p));
	struct nl_volume_info info;
	int rc;

	if (!p)
		return -ENOMEM;
	s->ops = &src_ntfs_ops;
	s->kind = CP_EP_IMAGE;
	s->priv = p;
	rc = src_ntfs_mount(p, image, err, errlen);
	if (rc)
		return rc;
	nl_volume_get_info(p->nv, &info);
	rc = cp_image_key(info.path, info.offset, &s->vol_key);
	if (rc)
		return rc;
	return src_ntfs_walk_root(s, path, err, errlen);
}

int cp_src_ntfs_open_shared(struct cp_src *s, struct nl_writer *w, const char *vol_key,
			    const char *path, char *err, size_t errlen)
{
	struct src_ntfs *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	s->ops = &src_ntfs_ops;
	s->kind = CP_EP_IMAGE;
	s->priv = p;
	p->w = w;
	p->vol = (ntfs_volume *)nl_writer_ntfs_volume(w);
	s->vol_key = strdup(vol_key);
	if (!s->vol_key)
		return -ENOMEM;
	return src_ntfs_walk_root(s, path, err, errlen);
}

void cp_src_ntfs_detach(struct cp_src *s)
{
	struct src_ntfs *p = s->priv;

	if (!p)
		return;
	cp_scan_free(&p->scan);	/* the volume may be written from here on */
	p->scan_tried = false;
	nl_volume_close(&p->nv);
	nl_ixguard_free(&p->ixg);
	p->vol = NULL;
	p->w = NULL;
}

int cp_src_ntfs_attach(struct cp_src *s, struct nl_writer *w, char *err, size_t errlen)
{
	struct src_ntfs *p = s->priv;
	struct cp_stat st;
	int rc;

	memset(&st, 0, sizeof(st));
	if (w) {
		p->w = w;
		p->vol = (ntfs_volume *)nl_writer_ntfs_volume(w);
	} else {
		rc = src_ntfs_mount(p, s->image, err, errlen);
		if (rc)
			return rc;
	}
	/* the source folder must still be the one found before */
	rc = src_ntfs_stat(s, &s->root_loc, &st);
	if (rc == 0 && st.mref != s->root_st.mref)
		rc = -ESTALE;
	cp_stat_clear(&st);
	if (rc)
		snprintf(err, errlen, "the source folder changed in the image");
	return rc;
}

/* Find @path from the root, keeping the names as stored: s->root, root_loc, root_st. */
static int src_ntfs_walk_root(struct cp_src *s, const char *path, char *err, size_t errlen)
{
	struct cp_loc loc;
	char *canon = NULL;
	size_t clen = 0;
	const char *q, *c;
	size_t len;
	int rc;

	/* Walk the path from the root, keeping the names as stored. */
	loc.mref = FILE_root;
	loc.path = NULL;
	canon = strdup("/");
	if (!canon)
		return -ENOMEM;
	clen = 1;
	rc = src_ntfs_stat(s, &loc, &s->root_st);
	if (rc) {
		free(canon);
		snprintf(err, errlen, "cannot read the root folder");
		return rc;
	}
	q = path;
	while ((len = cp_next_comp(&q, &c))) {
		char *comp, *real = NULL, *nc;
		struct cp_stat st;

		comp = strndup(c, len);
		if (!comp) {
			free(canon);
			return -ENOMEM;
		}
		if (!s->root_st.is_dir || s->root_st.type == CP_T_REPARSE) {
			snprintf(err, errlen, "'%s' is not a folder", canon);
			free(comp);
			free(canon);
			return -ENOTDIR;
		}
		rc = src_ntfs_lookup(s, &loc, comp, &st, &real);
		free(comp);
		if (rc) {
			snprintf(err, errlen, "%s", rc == -EUCLEAN || rc == -EFBIG ? s->why :
				 "no such file or folder in the image");
			free(canon);
			return rc;
		}
		nc = malloc(clen + strlen(real) + 2);
		if (!nc) {
			free(real);
			free(canon);
			cp_stat_clear(&st);
			return -ENOMEM;
		}
		sprintf(nc, "%s%s%s", canon, clen > 1 ? "/" : "", real);
		free(canon);
		free(real);
		canon = nc;
		clen = strlen(canon);
		cp_stat_clear(&s->root_st);
		s->root_st = st;
		loc.mref = st.mref;
	}
	s->root = canon;
	s->root_loc.mref = loc.mref;
	s->root_loc.path = NULL;
	return 0;
}
