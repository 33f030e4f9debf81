/* writer_names.c: the writer's name operations: lookup, create, hard links, unlink, DOS names and namespaces. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "writer/writer_int.h"

#include <ntfs-3g/dir.h>
#include <ntfs-3g/index.h>

#include <ntfslinks/unistr.h>

/* A $FILE_NAME used as an index key: header plus room for 255 units. */
struct fn_key {
	FILE_NAME_ATTR fn;
	ntfschar name[256];
};

static void make_key(struct fn_key *k, const uint16_t *name, size_t len)
{
	memset(&k->fn, 0, sizeof(k->fn));
	k->fn.file_name_length = (u8)len;
	memcpy(k->fn.file_name, name, len * sizeof(ntfschar));
}

/* Is there an entry with exactly NAME (same units) in DIR's index?
 * Returns 1 with *ref set, 0 if not, or -errno. */
static int index_has(struct nl_writer *w, ntfs_inode *dir, const uint16_t *name,
		     size_t len, uint64_t *ref)
{
	ntfs_index_context *ictx;
	struct fn_key k;
	int found;

	make_key(&k, name, len);
	ictx = ntfs_index_ctx_get(dir, NTFS_INDEX_I30, 4);
	if (!ictx)
		return nl_w_errno();
	found = !ntfs_index_lookup(&k, sizeof(FILE_NAME_ATTR) + len * 2, ictx);
	if (found) {
		FILE_NAME_ATTR *e = &ictx->entry->key.file_name;
		/* the collation ignores case first; insist on the exact units */
		found = e->file_name_length == len &&
			!memcmp(e->file_name, name, len * 2);
		if (found && ref)
			*ref = le64_to_cpu(ictx->entry->indexed_file);
	} else if (errno != ENOENT) {
		int rc = nl_w_errno();
		ntfs_index_ctx_put(ictx);
		return rc;
	}
	ntfs_index_ctx_put(ictx);
	return found;
}

static bool win32_illegal(uint16_t c)
{
	return c < 0x20 || c == '"' || c == '*' || c == ':' || c == '<' ||
	       c == '>' || c == '?' || c == '\\' || c == '|';
}

static int check_name(struct nl_writer *w, const uint16_t *name, size_t len,
		      enum nl_name_space ns)
{
	size_t i;

	if (!name || len == 0)
		return nl_w_fail(w, -EINVAL, "empty name");
	if (len > NL_NAME_MAX_UNITS)
		return nl_w_fail(w, -ENAMETOOLONG, "name longer than 255 units");
	if ((unsigned)ns > NL_NS_WIN32_AND_DOS)
		return nl_w_fail(w, -EINVAL, "bad namespace %d", (int)ns);
	for (i = 0; i < len; i++) {
		uint16_t c = le16_to_cpu(name[i]);
		if (c == 0 || c == '/')
			return nl_w_fail(w, -EINVAL, "name contains NUL or '/'");
		if (ns != NL_NS_POSIX && win32_illegal(c))
			return nl_w_fail(w, -EINVAL, "name not valid in the Win32 namespace");
	}
	return 0;
}

/* @d is a folder whose index libntfs-3g may walk (nl_w_index_ok). */
static int need_dir(struct nl_writer *w, struct wnode *d)
{
	if (!(d->ni->mrec->flags & MFT_RECORD_IS_DIRECTORY))
		return nl_w_fail(w, -ENOTDIR, "record %llu is not a directory",
				 (unsigned long long)d->no);
	return nl_w_index_ok(w, d->ni);
}

/* The cached nodes of REF (*@f) and of the directory PARENT (*@d).
 * Returns 0, or -errno as nl_w_get() and need_dir() do. */
static int get_node_in_dir(struct nl_writer *w, uint64_t ref, uint64_t parent,
			   struct wnode **f, struct wnode **d)
{
	int rc = nl_w_get(w, ref, f);

	if (!rc)
		rc = nl_w_get(w, parent, d);
	if (!rc)
		rc = need_dir(w, *d);
	return rc;
}

/* Move CTX to NI's $FILE_NAME NAME (LEN units) in directory DNO and return
 * its value, or NULL if NI has no such name. */
static FILE_NAME_ATTR *seek_name(ntfs_attr_search_ctx *ctx, uint64_t dno,
				 const uint16_t *name, size_t len)
{
	FILE_NAME_ATTR *fn;

	while ((fn = nl_w_next_fn(ctx)))
		if (MREF_LE(fn->parent_directory) == dno &&
		    fn->file_name_length == len &&
		    !memcmp(fn->file_name, name, len * 2))
			return fn;
	return NULL;
}

/*
 * Change the namespace of NI's name NAME in directory DIR, in the
 * $FILE_NAME and in the index entry. Returns 0, -ENOENT or -errno.
 */
static int set_ns(struct nl_writer *w, ntfs_inode *ni, ntfs_inode *dir,
		  const uint16_t *name, size_t len, unsigned ns)
{
	ntfs_attr_search_ctx *actx;
	ntfs_index_context *ictx;
	FILE_NAME_ATTR *fn;
	int rc = 0;

	actx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!actx)
		return nl_w_errno();
	fn = seek_name(actx, dir->mft_no, name, len);
	if (!fn) {
		ntfs_attr_put_search_ctx(actx);
		return nl_w_fail(w, -ENOENT, "no such name in record %llu",
				 (unsigned long long)ni->mft_no);
	}
	ictx = ntfs_index_ctx_get(dir, NTFS_INDEX_I30, 4);
	if (!ictx) {
		rc = nl_w_errno();
	} else {
		if (ntfs_index_lookup(fn, sizeof(FILE_NAME_ATTR) + len * 2, ictx)) {
			rc = errno == ENOENT ? -EIO : nl_w_errno();
			nl_w_fail(w, rc, "name of record %llu missing in directory %llu",
				  (unsigned long long)ni->mft_no,
				  (unsigned long long)dir->mft_no);
		} else {
			((FILE_NAME_ATTR *)ictx->data)->file_name_type = (u8)ns;
			fn->file_name_type = (u8)ns;
			ntfs_inode_mark_dirty(actx->ntfs_ino);
			ntfs_index_entry_mark_dirty(ictx);
		}
		ntfs_index_ctx_put(ictx);
	}
	ntfs_attr_put_search_ctx(actx);
	return rc;
}

/* Count the non-DOS $FILE_NAMEs of NI. Returns the count or -errno. */
static int count_links(ntfs_inode *ni)
{
	ntfs_attr_search_ctx *ctx;
	FILE_NAME_ATTR *fn;
	int count = 0;

	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx)
		return nl_w_errno();
	while ((fn = nl_w_next_fn(ctx))) {
		if (fn->file_name_type != FILE_NAME_DOS)
			count++;
	}
	if (errno != ENOENT) {
		int rc = nl_w_errno();
		ntfs_attr_put_search_ctx(ctx);
		return rc;
	}
	ntfs_attr_put_search_ctx(ctx);
	return count;
}

int nl_writer_link_count(struct nl_writer *w, uint64_t ref)
{
	struct wnode *n;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, ref, &n);
	if (!rc)
		rc = count_links(n->ni);
	nl_w_end(w);
	return rc;
}

int nl_writer_lookup(struct nl_writer *w, uint64_t parent,
		     const uint16_t *name, size_t len, uint64_t *ref)
{
	struct wnode *d;
	uint64_t found = 0;
	u64 r;
	int rc;

	if (!name || !len || len > NL_NAME_MAX_UNITS)
		return nl_w_fail(w, -ENOENT, "no such name");
	nl_w_begin(w);
	rc = nl_w_get(w, parent, &d);
	if (!rc)
		rc = need_dir(w, d);
	if (!rc) {
		rc = index_has(w, d->ni, name, len, &found);
		if (rc == 1) {
			rc = 0;
		} else if (rc == 0) {
			/* then without regard to case, as Windows opens names:
			 * libntfs-3g does that on a volume it takes as
			 * case-insensitive */
			bool cs = NVolCaseSensitive(w->vol);

			NVolClearCaseSensitive(w->vol);
			r = ntfs_inode_lookup_by_name(d->ni, (const ntfschar *)name, (int)len);
			if (cs)
				NVolSetCaseSensitive(w->vol);
			if (r == (u64)-1)
				rc = nl_w_fail(w, -ENOENT, "no such name");
			else
				found = r;
		}
	}
	if (!rc && ref)
		*ref = found;
	nl_w_end(w);
	return rc;
}

int nl_writer_lookup_path(struct nl_writer *w, const char *path, uint64_t *ref)
{
	uint16_t units[NL_NAME_MAX_UNITS];
	uint64_t cur = NL_WRITER_ROOT;
	const char *p = path ? path : "", *e;
	ssize_t n;
	int rc;

	for (;;) {
		while (*p == '/' || *p == '\\')
			p++;
		if (!*p)
			break;
		e = p;
		while (*e && *e != '/' && *e != '\\')
			e++;
		n = nl_wtf8_to_utf16le_buf(p, (size_t)(e - p), units, NL_NAME_MAX_UNITS);
		if (n < 0)
			return nl_w_fail(w, (int)n, "bad name in path");
		rc = nl_writer_lookup(w, cur, units, (size_t)n, &cur);
		if (rc)
			return rc;
		p = e;
	}
	if (ref)
		*ref = cur;
	return 0;
}

/* The WTF-8 NAME as UTF-16LE in UNITS. Returns the number of units,
 * -EINVAL (NULL), -EILSEQ or -ENAMETOOLONG (recorded as "bad name"). */
static ssize_t u8_name(struct nl_writer *w, const char *name,
		       uint16_t units[NL_NAME_MAX_UNITS])
{
	ssize_t n;

	if (!name)
		return -EINVAL;
	n = nl_wtf8_to_utf16le_buf(name, strlen(name), units, NL_NAME_MAX_UNITS);
	if (n < 0)
		return nl_w_fail(w, (int)n, "bad name");
	return n;
}

int nl_writer_create(struct nl_writer *w, uint64_t parent,
		     const uint16_t *name, size_t len, enum nl_name_space ns,
		     enum nl_node_type type, uint64_t *ref)
{
	struct wnode *d, *n;
	ntfs_inode *ni;
	int rc;

	rc = check_name(w, name, len, ns);
	if (rc)
		return rc;
	if (ns == NL_NS_DOS)
		return nl_w_fail(w, -EINVAL, "a DOS name cannot stand alone");
	if (type != NL_NODE_FILE && type != NL_NODE_DIR)
		return nl_w_fail(w, -EINVAL, "bad node type");
	nl_w_begin(w);
	rc = nl_w_get(w, parent, &d);
	if (!rc)
		rc = need_dir(w, d);
	if (!rc) {
		rc = index_has(w, d->ni, name, len, NULL);
		if (rc == 1)
			rc = nl_w_fail(w, -EEXIST, "name exists");
	}
	if (!rc) {
		ni = ntfs_create(d->ni, const_cpu_to_le32(0), (const ntfschar *)name,
				 (u8)len, type == NL_NODE_DIR ? S_IFDIR : S_IFREG);
		if (!ni) {
			rc = nl_w_errno();
			nl_w_fail(w, rc, "cannot create: %s", strerror(-rc));
		} else {
			rc = nl_w_insert(w, ni, &n);
			if (!rc && ns != NL_NS_POSIX)
				rc = set_ns(w, ni, d->ni, name, len, ns);
			if (!rc && ref)
				*ref = nl_w_ref(ni);
		}
	}
	nl_w_end(w);
	return rc;
}

int nl_writer_create_u8(struct nl_writer *w, uint64_t parent, const char *name,
			enum nl_name_space ns, enum nl_node_type type,
			uint64_t *ref)
{
	uint16_t units[NL_NAME_MAX_UNITS];
	ssize_t n = u8_name(w, name, units);

	if (n < 0)
		return (int)n;
	return nl_writer_create(w, parent, units, (size_t)n, ns, type, ref);
}

/* A name added to a reparse point gets the reparse bit and tag (in the
 * record and in the index) when the node is closed, like its other names. */
static void reparse_name_sync(struct wnode *f)
{
	if (f->ni->flags & FILE_ATTR_REPARSE_POINT)
		NInoFileNameSetDirty(f->ni);
}

/*
 * Add the hard link NAME (POSIX namespace) to F in directory D. EXISTS and
 * WHAT are the messages for -EEXIST (D has the name: libntfs-3g's index
 * insertion finds exactly equal names only, and then changes nothing) and
 * for another failure of ntfs_link(). Returns 0 or -errno.
 */
static int add_name(struct nl_writer *w, struct wnode *f, struct wnode *d,
		    const uint16_t *name, size_t len, const char *exists, const char *what)
{
	int rc;

	nl_w_release_stream(w, f);
	if (ntfs_link(f->ni, d->ni, (const ntfschar *)name, (u8)len)) {
		rc = nl_w_errno();
		if (rc == -EEXIST)
			return nl_w_fail(w, rc, "%s", exists);
		return nl_w_fail(w, rc, "%s: %s", what, strerror(-rc));
	}
	reparse_name_sync(f);
	return 0;
}

int nl_writer_link(struct nl_writer *w, uint64_t ref, uint64_t parent,
		   const uint16_t *name, size_t len, enum nl_name_space ns)
{
	struct wnode *f, *d;
	int rc;

	rc = check_name(w, name, len, ns);
	if (rc)
		return rc;
	if (ns == NL_NS_DOS)
		return nl_w_fail(w, -EINVAL, "use nl_writer_set_dos_name for DOS names");
	nl_w_begin(w);
	rc = get_node_in_dir(w, ref, parent, &f, &d);
	if (!rc && (f->ni->mrec->flags & MFT_RECORD_IS_DIRECTORY))
		rc = nl_w_fail(w, -EPERM, "cannot hard-link a directory");
	if (!rc && le16_to_cpu(f->ni->mrec->link_count) >= NL_MAX_LINKS) {
		/* the header counts DOS names too: count exactly */
		rc = count_links(f->ni);
		if (rc >= NL_MAX_LINKS)
			rc = nl_w_fail(w, -EMLINK, "record %llu already has %d links (the limit is %d)",
				       (unsigned long long)f->no, rc, NL_MAX_LINKS);
		else if (rc > 0)
			rc = 0;
	}
	if (!rc)
		rc = add_name(w, f, d, name, len, "name exists", "cannot link");
	if (!rc && ns != NL_NS_POSIX)
		rc = set_ns(w, f->ni, d->ni, name, len, ns);
	nl_w_end(w);
	return rc;
}

int nl_writer_link_u8(struct nl_writer *w, uint64_t ref, uint64_t parent,
		      const char *name, enum nl_name_space ns)
{
	uint16_t units[NL_NAME_MAX_UNITS];
	ssize_t n = u8_name(w, name, units);

	if (n < 0)
		return (int)n;
	return nl_writer_link(w, ref, parent, units, (size_t)n, ns);
}

/* Find NI's name NAME in directory DNO; its namespace into *ns.
 * Returns 0 or -ENOENT. */
static int find_name(ntfs_inode *ni, uint64_t dno, const uint16_t *name,
		     size_t len, unsigned *ns)
{
	ntfs_attr_search_ctx *ctx;
	FILE_NAME_ATTR *fn;
	int rc = -ENOENT;

	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx)
		return nl_w_errno();
	fn = seek_name(ctx, dno, name, len);
	if (fn) {
		if (ns)
			*ns = fn->file_name_type;
		rc = 0;
	}
	ntfs_attr_put_search_ctx(ctx);
	return rc;
}

/* find_name() for F's NAME in D, recording the message when it is missing. */
static int name_in_dir(struct nl_writer *w, struct wnode *f, struct wnode *d,
		       const uint16_t *name, size_t len, unsigned *ns)
{
	int rc = find_name(f->ni, d->no, name, len, ns);

	if (rc)
		nl_w_fail(w, rc, "record %llu has no such name in directory %llu",
			  (unsigned long long)f->no, (unsigned long long)d->no);
	return rc;
}

/* Does NI have a DOS or Win32+DOS name in directory DNO? 1, 0 or -errno. */
static int has_dos_name(ntfs_inode *ni, uint64_t dno)
{
	ntfs_attr_search_ctx *ctx;
	FILE_NAME_ATTR *fn;
	int found = 0;

	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx)
		return nl_w_errno();
	while ((fn = nl_w_next_fn(ctx))) {
		if (MREF_LE(fn->parent_directory) == dno &&
		    (fn->file_name_type & FILE_NAME_DOS))
			found = 1;
	}
	ntfs_attr_put_search_ctx(ctx);
	return found;
}

static bool valid_dos_name(const uint16_t *s, size_t len)
{
	size_t i, dot = len, base, ext;

	if (len == 0 || len > 12)
		return false;
	for (i = 0; i < len; i++) {
		uint16_t c = le16_to_cpu(s[i]);
		if (c == '.') {
			if (dot != len)
				return false;
			dot = i;
			continue;
		}
		if (c <= 0x20 || (c >= 'a' && c <= 'z') || c == 0x7f ||
		    (c < 0x80 && strchr("\"*+,/:;<=>?[\\]|", (int)c) != NULL))
			return false;
		if (c >= 0xD800 && c <= 0xDFFF)
			return false;
	}
	base = dot;
	ext = dot == len ? 0 : len - dot - 1;
	return base >= 1 && base <= 8 && ext <= 3 && !(dot != len && ext == 0);
}

int nl_writer_set_dos_name(struct nl_writer *w, uint64_t ref, uint64_t parent,
			   const uint16_t *longname, size_t longlen,
			   const uint16_t *dosname, size_t doslen)
{
	struct wnode *f, *d;
	unsigned ns = 0;
	int rc;

	if (!valid_dos_name(dosname, doslen))
		return nl_w_fail(w, -EINVAL, "not a valid upper-case 8.3 name");
	if (!longname || !longlen || longlen > NL_NAME_MAX_UNITS)
		return nl_w_fail(w, -EINVAL, "bad long name");
	nl_w_begin(w);
	rc = get_node_in_dir(w, ref, parent, &f, &d);
	if (!rc) {
		rc = name_in_dir(w, f, d, longname, longlen, &ns);
		if (!rc && ns == FILE_NAME_DOS)
			rc = nl_w_fail(w, -EINVAL, "the long name is a DOS name");
	}
	if (!rc) {
		rc = has_dos_name(f->ni, d->no);
		if (rc == 1)
			rc = nl_w_fail(w, -EEXIST, "record %llu already has a DOS name there",
				       (unsigned long long)f->no);
	}
	if (!rc && doslen == longlen && !memcmp(dosname, longname, doslen * 2)) {
		rc = set_ns(w, f->ni, d->ni, longname, longlen, FILE_NAME_WIN32_AND_DOS);
	} else if (!rc) {
		rc = add_name(w, f, d, dosname, doslen, "DOS name exists in the directory",
			      "cannot add the DOS name");
		if (!rc)
			rc = set_ns(w, f->ni, d->ni, dosname, doslen, FILE_NAME_DOS);
		if (!rc)
			rc = set_ns(w, f->ni, d->ni, longname, longlen, FILE_NAME_WIN32);
	}
	nl_w_end(w);
	return rc;
}

int nl_writer_set_name_space(struct nl_writer *w, uint64_t ref,
			     uint64_t parent, const uint16_t *name, size_t len,
			     enum nl_name_space ns)
{
	struct wnode *f, *d;
	int rc;

	if ((unsigned)ns > NL_NS_WIN32_AND_DOS || !name || !len ||
	    len > NL_NAME_MAX_UNITS)
		return nl_w_fail(w, -EINVAL, "bad arguments");
	nl_w_begin(w);
	rc = get_node_in_dir(w, ref, parent, &f, &d);
	if (!rc)
		rc = set_ns(w, f->ni, d->ni, name, len, ns);
	nl_w_end(w);
	return rc;
}

/* Remove NAME of REF in PARENT; a directory must be empty unless it keeps
 * another name (RENAMING: its new one). */
static int unlink_name(struct nl_writer *w, uint64_t ref, uint64_t parent,
		       const uint16_t *name, size_t len, bool renaming)
{
	struct wnode *f, *d;
	ntfs_inode *ni, *dir;
	uint64_t fref, dref;
	unsigned ns = 0;
	int rc;

	if (!name || !len || len > NL_NAME_MAX_UNITS)
		return nl_w_fail(w, -EINVAL, "bad name");
	nl_w_begin(w);
	rc = get_node_in_dir(w, ref, parent, &f, &d);
	if (!rc)
		rc = name_in_dir(w, f, d, name, len, &ns);
	/* libntfs-3g's ntfs_delete() looks for the DOS alias of a Win32 name
	 * and fails without one: such a name is deleted as a POSIX name */
	if (!rc && ns == FILE_NAME_WIN32 && has_dos_name(f->ni, d->no) == 0)
		rc = set_ns(w, f->ni, d->ni, name, len, FILE_NAME_POSIX);
	if (!rc && !renaming && (f->ni->mrec->flags & MFT_RECORD_IS_DIRECTORY)) {
		int e = ntfs_check_empty_dir(f->ni);
		if (e)
			rc = nl_w_fail(w, errno == ENOTEMPTY ? -ENOTEMPTY : nl_w_errno(),
				       "directory not empty");
	}
	if (rc) {
		nl_w_end(w);
		return rc;
	}
	fref = nl_w_ref(f->ni);
	dref = nl_w_ref(d->ni);
	/*
	 * ntfs_delete() closes both inodes, and closing them makes
	 * libntfs-3g open their parent directories by itself: nothing may be
	 * held open in the cache meanwhile.
	 */
	rc = nl_w_close_all(w);
	if (!rc) {
		ni = ntfs_inode_open(w->vol, (MFT_REF)fref);
		dir = ni ? ntfs_inode_open(w->vol, (MFT_REF)dref) : NULL;
		if (!ni || !dir) {
			rc = nl_w_errno();
			if (ni)
				ntfs_inode_close(ni);
			nl_w_fail(w, rc, "cannot reopen for unlink");
		} else if (ntfs_delete(w->vol, NULL, ni, dir, (const ntfschar *)name, (u8)len)) {
			rc = nl_w_errno();
			nl_w_fail(w, rc, "cannot unlink: %s", strerror(-rc));
			nl_w_defer(w, rc);
		}
	}
	nl_w_end(w);
	return rc;
}

int nl_writer_unlink(struct nl_writer *w, uint64_t ref, uint64_t parent,
		     const uint16_t *name, size_t len)
{
	return unlink_name(w, ref, parent, name, len, false);
}

int nl_writer_rename(struct nl_writer *w, uint64_t ref, uint64_t oldparent,
		     const uint16_t *oldname, size_t oldlen, uint64_t newparent,
		     const uint16_t *newname, size_t newlen, enum nl_name_space ns)
{
	struct wnode *f, *d;
	int rc, r;

	rc = check_name(w, newname, newlen, ns);
	if (rc)
		return rc;
	if (ns == NL_NS_DOS || !oldname || !oldlen || oldlen > NL_NAME_MAX_UNITS)
		return nl_w_fail(w, -EINVAL, "bad name");
	nl_w_begin(w);
	rc = get_node_in_dir(w, ref, newparent, &f, &d);
	if (!rc)
		rc = add_name(w, f, d, newname, newlen, "name exists", "cannot add the new name");
	if (!rc && ns != NL_NS_POSIX)
		rc = set_ns(w, f->ni, d->ni, newname, newlen, ns);
	nl_w_end(w);
	if (rc)
		return rc;
	/* a folder keeps its contents: it has two names for a moment */
	rc = unlink_name(w, ref, oldparent, oldname, oldlen, true);
	if (rc) {
		char msg[sizeof(w->msg)];

		memcpy(msg, w->msg, sizeof(msg));
		r = unlink_name(w, ref, newparent, newname, newlen, true);
		memcpy(w->msg, msg, sizeof(msg));
		(void)r;
	}
	return rc;
}
