/* copy_dst_dir.c: copy destination backend writing into a host directory (plain Linux or an ntfs-3g mount). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/endian_int.h"
#include "copy/copy_backend_int.h"

/*
 * Safety: every object is created and opened relative to a directory fd
 * that this backend made itself (or the endpoint the user named), with
 * O_NOFOLLOW / AT_SYMLINK_NOFOLLOW and O_EXCL, and every name is checked to
 * be one path component. Nothing a source contains can make the copy create
 * or change anything outside the destination folder.
 */

#define XATTR_MAX 65536

/* A file being written under a temporary name (plain Linux folders). */
struct dst_tmp {
	bool used;
	char name[32];		/* ".ntfslinks-PID-N.tmp" in the file's folder */
};

struct dst_dir {
	bool ntfs3g;
	bool dry;
	struct dst_tmp *tmp;	/* indexed by cp_dh.ref - 1 */
	size_t ntmp;
	unsigned long tmpseq;
	uint8_t *xbuf;		/* named stream being assembled */
	size_t xlen;
	int xfd;
	char *xname;
	int rp_fd;		/* ntfs-3g: the handle whose reparse data was just set */
	char *rp_path;		/* and its path, looked up again once it is closed */
};

static int fail(struct cp_dst *d, int rc, const char *what)
{
	snprintf(d->err, sizeof(d->err), "%s: %s", what, strerror(-rc));
	return rc;
}

/* One path component that Linux accepts, and that stays in its folder. */
static int check_name(struct cp_dst *d, const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || !strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/')) {
		snprintf(d->err, sizeof(d->err), "name cannot be used in a linux folder");
		return -EINVAL;
	}
	if (n > 255) {
		snprintf(d->err, sizeof(d->err), "name too long for a linux folder (%zu bytes)", n);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* opened: @out is the newly opened @fd, or the failure @what when it is none. */
static int opened(struct cp_dst *d, int fd, struct cp_dh *out, const char *what)
{
	if (fd < 0)
		return fail(d, -errno, what);
	out->fd = fd;
	out->ref = 0;
	return 0;
}

static int dst_dir_mkdir(struct cp_dst *d, struct cp_dh *parent, const char *name, uint8_t ns,
			 struct cp_dh *out)
{
	int rc, fd;

	(void)ns;
	rc = check_name(d, name);
	if (rc)
		return rc;
	if (mkdirat(parent->fd, name, 0755))
		return fail(d, -errno, "cannot create folder");
	fd = openat(parent->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return opened(d, fd, out, "cannot open new folder");
}

static int dst_dir_mkdir_marked(struct cp_dst *d, struct cp_dh *parent, const char *name,
				struct cp_dh *out)
{
	struct dst_dir *p = d->priv;
	char tmp[NAME_MAX + 1];
	int rc, fd, mfd;

	rc = check_name(d, name);
	if (rc)
		return rc;
	if (p->ntfs3g || snprintf(tmp, sizeof(tmp), CP_TMPDIR_PREFIX "%s" CP_TMPDIR_SUFFIX, name) >=
	    (int)sizeof(tmp)) {
		/* an ntfs-3g mount (whose rename cannot refuse to replace) or no room for the
		 * temporary name: the folder, then its mark */
		rc = dst_dir_mkdir(d, parent, name, 0, out);
		if (rc)
			return rc;
		mfd = openat(out->fd, CP_PARTIAL_MARK, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     0644);
		return mfd < 0 || close(mfd) ? fail(d, -errno, "cannot create file") : 0;
	}
	if (mkdirat(parent->fd, tmp, 0755))
		return fail(d, -errno, "cannot create folder");
	fd = openat(parent->fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	mfd = fd < 0 ? -1 : openat(fd, CP_PARTIAL_MARK, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				   0644);
	if (mfd < 0 || close(mfd) || renameat2(parent->fd, tmp, parent->fd, name, RENAME_NOREPLACE)) {
		rc = fail(d, -errno, "cannot create folder");
		if (fd >= 0) {
			unlinkat(fd, CP_PARTIAL_MARK, 0);
			close(fd);
		}
		unlinkat(parent->fd, tmp, AT_REMOVEDIR);
		return rc;
	}
	return opened(d, fd, out, "cannot open new folder");
}

/* A free slot of the temporary names (its index), or -ENOMEM. */
static int tmp_slot(struct dst_dir *p)
{
	struct dst_tmp *nt;
	size_t i;

	for (i = 0; i < p->ntmp; i++)
		if (!p->tmp[i].used)
			return (int)i;
	if (p->ntmp >= 1024)
		return -ENOMEM;	/* files are committed or removed one at a time */
	nt = realloc(p->tmp, (p->ntmp + 8) * sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	memset(nt + p->ntmp, 0, 8 * sizeof(*nt));
	p->tmp = nt;
	p->ntmp += 8;
	return (int)i;
}

/*
 * Files of a plain Linux folder are written under a temporary name in their
 * folder (".ntfslinks-PID-N.tmp", made with O_EXCL) and renamed to their
 * name by commit() once complete; out->ref is the slot + 1.  The name is
 * checked here, and not taken when create() returns (it is again at
 * commit(), which refuses to replace anything).
 */
static int dst_dir_create(struct cp_dst *d, struct cp_dh *parent, const char *name, uint8_t ns,
			  struct cp_dh *out)
{
	struct dst_dir *p = d->priv;
	struct dst_tmp *t;
	int rc, fd, slot;

	(void)ns;
	rc = check_name(d, name);
	if (rc)
		return rc;
	/* the mark of an unfinished copy has no content that could be cut
	   short: made under its name at once, so that a copy killed as it
	   makes it leaves the mark or nothing, never a temporary file alone */
	if (p->ntfs3g || !strcmp(name, CP_PARTIAL_MARK)) {
		fd = openat(parent->fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		return opened(d, fd, out, "cannot create file");
	}
	if (faccessat(parent->fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return fail(d, -EEXIST, "cannot create file");
	slot = tmp_slot(p);
	if (slot < 0)
		return fail(d, slot, "cannot create file");
	t = &p->tmp[slot];
	do {
		snprintf(t->name, sizeof(t->name), ".ntfslinks-%ld-%lu.tmp", (long)getpid(),
			 ++p->tmpseq);
		fd = openat(parent->fd, t->name,
			    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	} while (fd < 0 && errno == EEXIST);
	rc = opened(d, fd, out, "cannot create file");
	if (rc)
		return rc;
	t->used = true;
	out->ref = (uint64_t)slot + 1;
	return 0;
}

/* The temporary name of @h, or NULL when it has its name. */
static struct dst_tmp *tmp_of(struct cp_dst *d, const struct cp_dh *h)
{
	struct dst_dir *p = d->priv;

	if (!p || !h->ref || h->ref > p->ntmp || !p->tmp[h->ref - 1].used)
		return NULL;
	return &p->tmp[h->ref - 1];
}

static int dst_dir_commit(struct cp_dst *d, struct cp_dh *parent, struct cp_dh *h,
			  const char *name)
{
	struct dst_tmp *t = tmp_of(d, h);

	if (!t)
		return 0;
	if (renameat2(parent->fd, t->name, parent->fd, name, RENAME_NOREPLACE))
		return fail(d, -errno, "cannot give the file its name");
	t->used = false;
	h->ref = 0;
	return 0;
}

static int dst_dir_open_dir(struct cp_dst *d, struct cp_dh *parent, const char *name,
			    struct cp_dh *out)
{
	int fd;

	if (!name) {
		fd = fcntl(parent->fd, F_DUPFD_CLOEXEC, 0);
	} else {
		int rc = check_name(d, name);

		if (rc)
			return rc;
		fd = openat(parent->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return opened(d, fd, out, "cannot open folder");
}

static int dst_dir_open_entry(struct cp_dst *d, struct cp_dh *parent, const char *name,
			      struct cp_dh *out)
{
	int rc = check_name(d, name), fd;

	if (rc)
		return rc;
	fd = openat(parent->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return opened(d, fd, out, "cannot open");
}

static int dst_dir_exists(struct cp_dst *d, struct cp_dh *parent, const char *name)
{
	struct stat sb;

	(void)d;
	if (parent->fd < 0)
		return 0;
	if (fstatat(parent->fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

/*
 * Open the folder that holds @rel (a '/'-separated path below the top
 * folder), walking from the top without following links; *@leaf gets the
 * last name of @rel. Returns the fd or -errno.
 */
static int open_parent_of(struct cp_dst *d, const char *rel, const char **leaf)
{
	char name[256];
	const char *slash;
	unsigned depth = 0;
	int fd;

	fd = fcntl(d->root.fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	while ((slash = strchr(rel, '/'))) {
		size_t n = (size_t)(slash - rel);
		int nfd;

		if (n >= sizeof(name) || ++depth > 4096) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(name, rel, n);
		name[n] = 0;
		nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (nfd < 0)
			return -errno;
		fd = nfd;
		rel = slash + 1;
	}
	*leaf = rel;
	return fd;
}

static int dst_dir_link(struct cp_dst *d, struct cp_dh *file, const char *first_rel,
			struct cp_dh *parent, const char *name, uint8_t ns)
{
	const char *first_name;
	int rc, fd;

	(void)file;
	(void)ns;
	rc = check_name(d, name);
	if (rc)
		return rc;
	if (first_rel[0] == '/') {	/* a hardlink clone: the source file's host path */
		if (linkat(AT_FDCWD, first_rel, parent->fd, name, 0))
			return fail(d, -errno, "cannot make hard link");
		return 0;
	}
	fd = open_parent_of(d, first_rel, &first_name);
	if (fd < 0)
		return fail(d, fd, "cannot reach the first name");
	rc = linkat(fd, first_name, parent->fd, name, 0) ? -errno : 0;
	close(fd);
	if (rc)
		return fail(d, rc, "cannot make hard link");
	return 0;
}

/*
 * Does symbolic link text @target, made in the folder @parent_rel below the
 * top folder, lead out of the destination folder, read lexically ('/'
 * separates, ".." climbs)?  The destination folder is the top folder when it
 * existed, else its first component.  Whether the path passes through other
 * links of the copy is for the engine to judge; this is the last check.
 */
static bool lexically_out(const struct cp_dst *d, const char *parent_rel, const char *target)
{
	long depth = 0, floor = d->exists ? 0 : 1;
	const char *q = parent_rel, *c;
	size_t len;

	if (target[0] == '/' || !target[0])
		return true;
	while ((len = strcspn(q, "/")) || *q) {
		if (len)
			depth++;
		q += len;
		q += *q == '/';
	}
	for (q = target; *q;) {
		c = q;
		len = strcspn(q, "/");
		q += len;
		q += *q == '/';
		if (!len || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			if (--depth < floor)
				return true;
			continue;
		}
		depth++;
	}
	return false;
}

static int dst_dir_symlink(struct cp_dst *d, struct cp_dh *parent, const char *parent_rel,
			   const char *name, const char *target, bool may_leave,
			   const struct nl_times *t)
{
	struct timespec ts[2];
	int rc = check_name(d, name);

	if (rc)
		return rc;
	if (!may_leave && lexically_out(d, parent_rel, target)) {
		snprintf(d->err, sizeof(d->err), "refused: the link would lead out of the destination");
		return -EPERM;
	}
	if (symlinkat(target, parent->fd, name))
		return fail(d, -errno, "cannot create symbolic link");
	if (!t)
		return 0;
	/* the link's own times, never its target's */
	cp_ntfs_to_unix(t->atime, &ts[0]);
	cp_ntfs_to_unix(t->mtime, &ts[1]);
	if (utimensat(parent->fd, name, ts, AT_SYMLINK_NOFOLLOW)) {
		fail(d, -errno, "cannot set times");
		return 1;
	}
	return 0;
}

/*
 * An entry made on an ntfs-3g mount as a file or folder and then given reparse
 * data is a symbolic link to ntfs-3g from then on, but the kernel keeps the
 * inode of the type it was made as for the entry's cache time, and a stat in
 * that time fails (EIO) on the type that changed. Once it is closed, a
 * lookup the kernel must check with ntfs-3g (an exclusive create, refused:
 * the name exists) drops that inode, and the next lookup reads the link.
 */
static char *fd_path(int fd)
{
	char proc[64], buf[PATH_MAX];
	ssize_t len;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	len = readlink(proc, buf, sizeof(buf) - 1);
	if (len <= 0 || buf[0] != '/')
		return NULL;
	buf[len] = 0;
	return strdup(buf);
}

static void forget_path(struct dst_dir *p)
{
	free(p->rp_path);
	p->rp_path = NULL;
	p->rp_fd = -1;
}

static void look_up_again(struct dst_dir *p)
{
	int fd = open(p->rp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd >= 0) {		/* the entry is gone: what was made here is not kept */
		close(fd);
		unlink(p->rp_path);
	}
	forget_path(p);
}

static int dst_dir_set_reparse(struct cp_dst *d, struct cp_dh *h, const uint8_t *rp, size_t len)
{
	struct dst_dir *p = d->priv;

	if (!p->ntfs3g)
		return -EOPNOTSUPP;
	if (fsetxattr(h->fd, XA_REPARSE, rp, len, 0))
		return fail(d, -errno, "cannot set reparse data");
	forget_path(p);
	p->rp_path = fd_path(h->fd);
	p->rp_fd = p->rp_path ? h->fd : -1;
	return 0;
}

static int dst_dir_set_sparse(struct cp_dst *d, struct cp_dh *h, const char *stream)
{
	(void)d;
	(void)h;
	(void)stream;
	return 0;	/* holes are simply not written */
}

static int dst_dir_write(struct cp_dst *d, struct cp_dh *h, const char *stream, uint64_t off,
			 const void *buf, size_t n)
{
	struct dst_dir *p = d->priv;

	if (!stream) {
		const char *b = buf;

		while (n) {
			ssize_t w = pwrite(h->fd, b, n, (off_t)off);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				return fail(d, -errno, "write error");
			}
			b += w;
			off += (uint64_t)w;
			n -= (size_t)w;
		}
		return 0;
	}
	/* Named stream as a user. extended attribute: assembled in memory (at most 64 KiB). */
	if (p->xfd != h->fd || !p->xname || strcmp(p->xname, stream)) {
		free(p->xbuf);
		free(p->xname);
		p->xbuf = NULL;
		p->xlen = 0;
		p->xname = strdup(stream);
		p->xfd = h->fd;
		if (!p->xname)
			return -ENOMEM;
	}
	if (off + n > XATTR_MAX) {
		snprintf(d->err, sizeof(d->err), "stream '%s' too large for an extended attribute",
			 stream);
		return -E2BIG;
	}
	if (off + n > p->xlen) {
		uint8_t *nb = realloc(p->xbuf, (size_t)(off + n));

		if (!nb)
			return -ENOMEM;
		memset(nb + p->xlen, 0, (size_t)(off + n) - p->xlen);
		p->xbuf = nb;
		p->xlen = (size_t)(off + n);
	}
	memcpy(p->xbuf + off, buf, n);
	return 0;
}

static int dst_dir_set_size(struct cp_dst *d, struct cp_dh *h, const char *stream, uint64_t size)
{
	struct dst_dir *p = d->priv;
	char *xn;
	int rc = 0;

	if (!stream) {
		if (ftruncate(h->fd, (off_t)size))
			return fail(d, -errno, "cannot set file size");
		return 0;
	}
	if (size > XATTR_MAX) {
		snprintf(d->err, sizeof(d->err), "stream '%s' too large for an extended attribute",
			 stream);
		return -E2BIG;
	}
	if (p->xfd != h->fd || !p->xname || strcmp(p->xname, stream)) {
		free(p->xbuf);
		p->xbuf = NULL;
		p->xlen = 0;
	}
	if (size > p->xlen) {
		uint8_t *nb = realloc(p->xbuf, (size_t)size ? (size_t)size : 1);

		if (!nb)
			return -ENOMEM;
		memset(nb + p->xlen, 0, (size_t)size - p->xlen);
		p->xbuf = nb;
	}
	xn = malloc(strlen(stream) + sizeof(XA_STREAM_PREFIX));
	if (!xn)
		return -ENOMEM;
	sprintf(xn, XA_STREAM_PREFIX "%s", stream);
	if (fsetxattr(h->fd, xn, p->xbuf ? (const void *)p->xbuf : "", (size_t)size, 0))
		rc = fail(d, -errno, "cannot write stream as extended attribute");
	free(xn);
	free(p->xbuf);
	free(p->xname);
	p->xbuf = NULL;
	p->xname = NULL;
	p->xlen = 0;
	p->xfd = -1;
	return rc;
}

static int dst_dir_set_dos_name(struct cp_dst *d, struct cp_dh *h, struct cp_dh *parent,
				const char *name, const char *dos)
{
	struct dst_dir *p = d->priv;

	(void)parent;
	(void)name;
	if (!p->ntfs3g)
		return 0;
	if (fsetxattr(h->fd, XA_DOS, dos, strlen(dos), 0))
		return fail(d, -errno, "cannot set dos name");
	return 0;
}

static int dst_dir_set_attrs(struct cp_dst *d, struct cp_dh *h, uint32_t attrs, bool early)
{
	struct dst_dir *p = d->priv;
	struct stat sb;

	if (h->fd < 0)
		return 0;
	if (p->ntfs3g) {
		uint8_t b[4];

		if (early && !(attrs & NL_FA_COMPRESSED))
			return 0;
		nl_put_le32(b, attrs & (early ? NL_FA_COMPRESSED : CP_FA_SETTABLE));
		if (early) {
			uint8_t cur[4];

			if (fgetxattr(h->fd, XA_ATTRIB, cur, 4) == 4)
				nl_put_le32(b, nl_le32(cur) | NL_FA_COMPRESSED);
		}
		if (fsetxattr(h->fd, XA_ATTRIB, b, 4, 0))
			return fail(d, -errno, "cannot set attributes");
		return 0;
	}
	if (early || !(attrs & NL_FA_READONLY))
		return 0;
	if (fstat(h->fd, &sb) || S_ISDIR(sb.st_mode))
		return 0;	/* read-only folders stay writable on Linux */
	if (fchmod(h->fd, sb.st_mode & ~(mode_t)0222))
		return fail(d, -errno, "cannot make read-only");
	return 0;
}

static int dst_dir_folder_compress(struct cp_dst *d, struct cp_dh *h, bool on)
{
	struct dst_dir *p = d->priv;
	uint8_t b[4];
	uint32_t a;

	if (!p->ntfs3g || h->fd < 0)
		return 0;
	if (fgetxattr(h->fd, XA_ATTRIB, b, 4) != 4)
		return -errno;
	a = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (!(a & NL_FA_COMPRESSED) == !on)
		return 0;
	nl_put_le32(b, on ? a | NL_FA_COMPRESSED : a & ~NL_FA_COMPRESSED);
	if (fsetxattr(h->fd, XA_ATTRIB, b, 4, 0))
		return fail(d, -errno, "cannot set attributes");
	return 1;
}

static int dst_dir_set_times(struct cp_dst *d, struct cp_dh *h, const struct nl_times *t)
{
	struct dst_dir *p = d->priv;

	if (h->fd < 0)
		return 0;
	if (p->ntfs3g) {
		uint8_t b[32];

		nl_put_le64(b, (uint64_t)t->crtime);
		nl_put_le64(b + 8, (uint64_t)t->mtime);
		nl_put_le64(b + 16, (uint64_t)t->atime);
		nl_put_le64(b + 24, (uint64_t)t->ctime);
		if (fsetxattr(h->fd, XA_TIMES, b, sizeof(b), 0))
			return fail(d, -errno, "cannot set times");
		return 0;
	} else {
		struct timespec ts[2];

		cp_ntfs_to_unix(t->atime, &ts[0]);
		cp_ntfs_to_unix(t->mtime, &ts[1]);
		if (futimens(h->fd, ts))
			return fail(d, -errno, "cannot set times");
	}
	return 0;
}

static int dst_dir_set_security(struct cp_dst *d, struct cp_dh *h, const uint8_t *sd, size_t len)
{
	struct dst_dir *p = d->priv;

	if (!p->ntfs3g)
		return 0;
	if (fsetxattr(h->fd, XA_ACL, sd, len, 0))
		return fail(d, -errno, "cannot set security descriptor");
	return 0;
}

static int dst_dir_remove(struct cp_dst *d, struct cp_dh *parent, struct cp_dh *h, const char *name,
			  bool is_dir)
{
	struct dst_tmp *t = tmp_of(d, h);

	if (t) {
		t->used = false;
		h->ref = 0;
		return unlinkat(parent->fd, t->name, 0) ? -errno : 0;
	}
	if (check_name(d, name))
		return -EINVAL;
	if (unlinkat(parent->fd, name, is_dir ? AT_REMOVEDIR : 0))
		return -errno;
	return 0;
}

static int dst_dir_close(struct cp_dst *d, struct cp_dh *h)
{
	struct dst_dir *p = d->priv;
	bool again = p && h->fd >= 0 && h->fd == p->rp_fd;
	int rc = 0;

	if (h->fd >= 0 && close(h->fd))
		rc = -errno;
	h->fd = -1;
	if (again)
		look_up_again(p);
	return rc;
}

static int dst_dir_finish(struct cp_dst *d)
{
	(void)d;
	return 0;
}

static const char *dst_dir_errmsg(struct cp_dst *d)
{
	return d->err;
}

/* What the file system of the destination folder has left for an unprivileged user. */
static int dst_dir_space(struct cp_dst *d, struct cp_space *sp)
{
	struct statvfs sv;

	if (fstatvfs(d->root.fd, &sv))
		return -errno;
	sp->unit = (uint32_t)(sv.f_frsize ? sv.f_frsize : sv.f_bsize);
	sp->record = 0;
	sp->free_bytes = (uint64_t)sv.f_bavail * sp->unit;
	sp->free_records = sv.f_files ? (uint64_t)sv.f_favail : UINT64_MAX;
	return 0;
}

static void dst_dir_free(struct cp_dst *d)
{
	struct dst_dir *p = d->priv;

	if (d->root.fd >= 0)
		close(d->root.fd);
	d->root.fd = -1;
	if (p) {
		free(p->tmp);
		free(p->xbuf);
		free(p->xname);
		free(p->rp_path);
		free(p);
	}
	d->priv = NULL;
}

static const struct cp_dst_ops dst_dir_ops = {
	.mkdir = dst_dir_mkdir,
	.mkdir_marked = dst_dir_mkdir_marked,
	.create = dst_dir_create,
	.open_dir = dst_dir_open_dir,
	.open_entry = dst_dir_open_entry,
	.exists = dst_dir_exists,
	.link = dst_dir_link,
	.symlink = dst_dir_symlink,
	.set_reparse = dst_dir_set_reparse,
	.set_sparse = dst_dir_set_sparse,
	.write = dst_dir_write,
	.set_size = dst_dir_set_size,
	.set_dos_name = dst_dir_set_dos_name,
	.set_attrs = dst_dir_set_attrs,
	.set_times = dst_dir_set_times,
	.folder_compress = dst_dir_folder_compress,
	.set_security = dst_dir_set_security,
	.commit = dst_dir_commit,
	.remove = dst_dir_remove,
	.close = dst_dir_close,
	.finish = dst_dir_finish,
	.errmsg = dst_dir_errmsg,
	.space = dst_dir_space,
	.free = dst_dir_free,
};

/* The endpoint is the existing folder @path. */
static int dst_dir_open_existing(struct cp_dst *d, const char *path, const struct stat *sb,
				 char *err, size_t errlen)
{
	int fd;

	if (!S_ISDIR(sb->st_mode)) {
		snprintf(err, errlen, "not a folder");
		return -ENOTDIR;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -errno;
	}
	d->root.fd = fd;
	d->exists = true;
	d->path = realpath(path, NULL);
	d->leaf = NULL;
	return d->path ? 0 : -errno;
}

/* The endpoint is @path, to be made in its existing parent folder. */
static int dst_dir_open_new(struct cp_dst *d, const char *path, char *err, size_t errlen)
{
	char *copy, *dir, *base, *rd;
	int fd;

	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = 0;
	base = strrchr(copy, '/');
	if (base) {
		*base++ = 0;
		dir = *copy ? copy : "/";
	} else {
		base = copy;
		dir = ".";
	}
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, errlen, "bad destination name");
		free(copy);
		return -EINVAL;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s", strerror(e));
		free(copy);
		return -e;
	}
	d->root.fd = fd;
	d->exists = false;
	d->leaf = strdup(base);
	rd = realpath(dir, NULL);
	if (rd && d->leaf && asprintf(&d->path, "%s%s%s", rd, strcmp(rd, "/") ? "/" : "",
				     d->leaf) < 0)
		d->path = NULL;
	free(rd);
	free(copy);
	if (!d->leaf || !d->path)
		return -ENOMEM;
	return 0;
}

int cp_dst_dir_open(struct cp_dst *d, const char *path, bool ntfs3g, bool dry_run,
		    char *err, size_t errlen)
{
	struct dst_dir *p = calloc(1, sizeof(*p));
	struct stat sb;

	if (!p)
		return -ENOMEM;
	p->ntfs3g = ntfs3g;
	p->dry = dry_run;
	p->xfd = -1;
	p->rp_fd = -1;
	d->ops = &dst_dir_ops;
	d->kind = ntfs3g ? CP_EP_NTFS3G : CP_EP_DIR;
	d->priv = p;
	d->ntfs = ntfs3g;
	d->root.fd = -1;
	d->vol_key = strdup("host");
	if (!d->vol_key)
		return -ENOMEM;
	if (stat(path, &sb) == 0)
		return dst_dir_open_existing(d, path, &sb, err, errlen);
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -errno;
	}
	return dst_dir_open_new(d, path, err, errlen);
}
