/* copy_src_dir.c: copy source backend reading a host directory (plain Linux or an ntfs-3g mount; read-only). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "copy/copy_backend_int.h"

struct src_dir {
	bool ntfs3g;
	bool want_sd;		/* the source's want_sd, as of the last list() */
};

struct src_dir_file {
	int fd;
	char *path;
	struct cp_stream *streams;
	size_t n;
	uint8_t *xbuf;		/* value of the named stream last read */
	size_t xlen;
	size_t xcur;
};

static char *join(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	char *p = malloc(dl + strlen(name) + 2);

	if (p)
		sprintf(p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
	return p;
}

static uint32_t le32(const uint8_t *b)
{
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static int64_t le64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return (int64_t)v;
}

/* lgetxattr into a new buffer. Returns length or -errno. */
static ssize_t get_xattr(const char *path, const char *name, uint8_t **out)
{
	ssize_t n = lgetxattr(path, name, NULL, 0);
	uint8_t *b;

	if (n < 0)
		return -errno;
	b = malloc((size_t)n + 1);
	if (!b)
		return -ENOMEM;
	n = lgetxattr(path, name, b, (size_t)n);
	if (n < 0) {
		int e = errno;

		free(b);
		return -e;
	}
	b[n] = 0;
	*out = b;
	return n;
}

/* The Linux times of @path (@sb) as NTFS times; the birth time, when known, as creation. */
static void src_dir_fill_times(const char *path, const struct stat *sb, struct cp_stat *st)
{
	struct statx sx;

	st->has_times = true;
	st->t.mtime = cp_unix_to_ntfs(sb->st_mtim.tv_sec, sb->st_mtim.tv_nsec);
	st->t.atime = cp_unix_to_ntfs(sb->st_atim.tv_sec, sb->st_atim.tv_nsec);
	st->t.ctime = cp_unix_to_ntfs(sb->st_ctim.tv_sec, sb->st_ctim.tv_nsec);
	st->t.crtime = st->t.mtime;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &sx) == 0 &&
	    (sx.stx_mask & STATX_BTIME))
		st->t.crtime = cp_unix_to_ntfs(sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec);
}

/* The symbolic link @path (@sb): its text, and whether it leads to a folder. */
static int src_dir_fill_symlink(const char *path, const struct stat *sb, struct cp_stat *st)
{
	struct stat tb;
	char *t = malloc((size_t)sb->st_size + PATH_MAX + 1);
	ssize_t n;

	if (!t)
		return -ENOMEM;
	n = readlink(path, t, (size_t)sb->st_size + PATH_MAX);
	if (n < 0) {
		free(t);
		return -errno;
	}
	t[n] = 0;
	st->type = CP_T_LSYMLINK;
	st->lnk = t;
	st->is_dir = stat(path, &tb) == 0 && S_ISDIR(tb.st_mode);
	st->attrs = NL_FA_REPARSE_POINT | (st->is_dir ? NL_FA_DIRECTORY : NL_FA_ARCHIVE);
	return 0;
}

/* On an ntfs-3g mount: attributes, times, reparse point and DOS name from its xattrs. */
/* The bytes of the named streams of @path on an ntfs-3g mount (its "user." attributes). */
static uint64_t src_dir_named_size(const char *path)
{
	ssize_t len = llistxattr(path, NULL, 0);
	uint64_t sum = 0;
	char *names;

	if (len <= 0 || !(names = malloc((size_t)len)))
		return 0;
	len = llistxattr(path, names, (size_t)len);
	for (ssize_t o = 0; o < len; o += (ssize_t)strlen(names + o) + 1) {
		ssize_t vs;

		if (strncmp(names + o, XA_STREAM_PREFIX, strlen(XA_STREAM_PREFIX)))
			continue;
		vs = lgetxattr(path, names + o, NULL, 0);
		if (vs > 0)
			sum += (uint64_t)vs;
	}
	free(names);
	return sum;
}

static void src_dir_fill_ntfs3g(const char *path, struct cp_stat *st)
{
	uint8_t *b = NULL;
	ssize_t n;

	n = get_xattr(path, XA_ATTRIB, &b);
	if (n >= 4)
		st->attrs = le32(b) & 0xFFFFu;
	free(b);
	b = NULL;
	n = get_xattr(path, XA_TIMES, &b);
	if (n >= 32) {
		st->t.crtime = le64(b);
		st->t.mtime = le64(b + 8);
		st->t.atime = le64(b + 16);
		st->t.ctime = le64(b + 24);
	}
	free(b);
	b = NULL;
	n = get_xattr(path, XA_REPARSE, &b);
	if (n >= 8) {
		free(st->lnk);
		st->lnk = NULL;
		st->reparse = b;
		st->reparse_len = (size_t)n;
		st->type = CP_T_REPARSE;
		st->is_dir = (st->attrs & NL_FA_DIRECTORY) != 0;
	} else {
		free(b);
	}
	b = NULL;
	n = get_xattr(path, XA_DOS, &b);
	if (n > 0)
		st->dos_name = (char *)b;
	else
		free(b);
	if (st->dos_name)
		st->name_space = NL_NS_WIN32;
	/* named streams count in the totals as on an image */
	st->named_size = src_dir_named_size(path);
	st->size += st->named_size;
	st->alloc += st->named_size;
}

static int src_dir_fill(struct src_dir *p, const char *path, struct cp_stat *st)
{
	struct stat sb;
	int rc;

	memset(st, 0, sizeof(*st));
	if (lstat(path, &sb))
		return -errno;
	st->ino = sb.st_ino;
	st->dev = sb.st_dev;
	st->nlink = (uint32_t)sb.st_nlink;
	st->name_space = NL_NS_POSIX;
	src_dir_fill_times(path, &sb, st);
	if (S_ISDIR(sb.st_mode)) {
		st->type = CP_T_DIR;
		st->is_dir = true;
		st->attrs = NL_FA_DIRECTORY;
	} else if (S_ISREG(sb.st_mode)) {
		st->type = CP_T_FILE;
		st->attrs = NL_FA_ARCHIVE;
		st->size = (uint64_t)sb.st_size;
		st->alloc = (uint64_t)sb.st_blocks * 512 < st->size ? (uint64_t)sb.st_blocks * 512
								     : st->size;
	} else if (S_ISLNK(sb.st_mode)) {
		rc = src_dir_fill_symlink(path, &sb, st);
		if (rc)
			return rc;
	} else {
		st->type = CP_T_OTHER;
		st->ftype = (uint32_t)(sb.st_mode & S_IFMT);
	}
	if (st->type != CP_T_OTHER && !(sb.st_mode & 0222) && !S_ISLNK(sb.st_mode))
		st->attrs |= NL_FA_READONLY;
	if (p->ntfs3g && st->type != CP_T_OTHER)
		src_dir_fill_ntfs3g(path, st);
	if (p->ntfs3g && p->want_sd && st->type != CP_T_OTHER) {
		uint8_t *b = NULL;
		ssize_t n = get_xattr(path, XA_ACL, &b);

		if (n > 0)
			st->sd_hash = cp_hash64(b, (size_t)n);
		free(b);
	}
	return 0;
}

static int src_dir_list(struct cp_src *s, const struct cp_loc *dir, cp_list_fn fn, void *ctx)
{
	struct src_dir *p = s->priv;
	DIR *d = opendir(dir->path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	p->want_sd = s->want_sd;

	if (!d)
		return -errno;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nn = realloc(names, nc * sizeof(*names));

			if (!nn) {
				rc = -ENOMEM;
				break;
			}
			names = nn;
			cap = nc;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	if (!rc && errno)
		rc = -errno;
	closedir(d);
	/* Byte order: the same tree always gives the same copy and report. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < n && !rc; i++) {
		struct cp_stat st;
		char *path = join(dir->path, names[i]);
		int r;

		if (!path) {
			rc = -ENOMEM;
			break;
		}
		r = src_dir_fill(p, path, &st);
		free(path);
		if (r) {
			memset(&st, 0, sizeof(st));
			st.type = CP_T_OTHER;
			st.err = r;
		}
		r = fn(ctx, names[i], &st);
		cp_stat_clear(&st);
		if (r)
			break;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int src_dir_lookup(struct cp_src *s, const struct cp_loc *dir, const char *name,
			  struct cp_stat *st, char **real)
{
	char *path = join(dir->path, name);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = src_dir_fill(s->priv, path, st);
	free(path);
	if (rc)
		return rc;
	*real = strdup(name);
	if (!*real) {
		cp_stat_clear(st);
		return -ENOMEM;
	}
	return 0;
}

static int src_dir_stat(struct cp_src *s, const struct cp_loc *loc, struct cp_stat *st)
{
	return src_dir_fill(s->priv, loc->path, st);
}

static void src_dir_close(struct cp_src *s, void *fh)
{
	struct src_dir_file *f = fh;

	(void)s;
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	for (size_t i = 0; i < f->n; i++)
		free(f->streams[i].name);
	free(f->streams);
	free(f->xbuf);
	free(f->path);
	free(f);
}

/* The named streams of @path on an ntfs-3g mount (its user.* stream
 * attributes) added to @f's streams: 0, or -ENOMEM. */
static int src_dir_xattr_streams(struct src_dir_file *f, const char *path)
{
	ssize_t len = llistxattr(path, NULL, 0);
	char *names;
	int rc = 0;

	if (len <= 0 || (names = malloc((size_t)len)) == NULL)
		return 0;
	len = llistxattr(path, names, (size_t)len);
	for (ssize_t o = 0; o < len && !rc; o += (ssize_t)strlen(names + o) + 1) {
		const char *nm = names + o;
		struct cp_stream *ns;
		ssize_t vs;

		if (strncmp(nm, XA_STREAM_PREFIX, strlen(XA_STREAM_PREFIX)))
			continue;
		vs = lgetxattr(path, nm, NULL, 0);
		if (vs < 0)
			continue;
		ns = realloc(f->streams, (f->n + 1) * sizeof(*ns));
		if (!ns) {
			rc = -ENOMEM;
			break;
		}
		f->streams = ns;
		memset(&f->streams[f->n], 0, sizeof(*ns));
		f->streams[f->n].name = strdup(nm + strlen(XA_STREAM_PREFIX));
		f->streams[f->n].size = (uint64_t)vs;
		if (!f->streams[f->n].name)
			rc = -ENOMEM;
		else
			f->n++;
	}
	free(names);
	return rc;
}

static int src_dir_open(struct cp_src *s, const struct cp_loc *loc, const struct cp_stat *st,
			void **fh)
{
	struct src_dir *p = s->priv;
	struct src_dir_file *f = calloc(1, sizeof(*f));
	struct stat sb;
	int rc = 0;

	if (!f)
		return -ENOMEM;
	f->fd = -1;
	f->xcur = SIZE_MAX;
	f->path = strdup(loc->path);
	f->streams = calloc(1, sizeof(*f->streams));
	if (!f->path || !f->streams) {
		src_dir_close(s, f);
		return -ENOMEM;
	}
	f->n = 1;
	if (st->type == CP_T_FILE || (st->type == CP_T_REPARSE && !st->is_dir)) {
		/* reading leaves the access time as it was where we may (owner or
		   root), so that a mirror copies it once and then finds it equal */
		int fl = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

		f->fd = open(loc->path, fl | O_NOATIME);
		if (f->fd < 0 && errno == EPERM)
			f->fd = open(loc->path, fl);
		if (f->fd < 0 && st->type == CP_T_REPARSE) {
			f->n = 0;	/* an ntfs-3g symlink: no data to read */
		} else if (f->fd < 0 || fstat(f->fd, &sb)) {
			rc = -errno;
			src_dir_close(s, f);
			return rc;
		} else if (!S_ISREG(sb.st_mode)) {
			src_dir_close(s, f);
			return -EINVAL;
		} else {
			f->streams[0].size = (uint64_t)sb.st_size;
			f->streams[0].sparse = (uint64_t)sb.st_blocks * 512 < (uint64_t)sb.st_size;
		}
	} else {
		f->n = 0;	/* folders: only named streams */
	}
	if (p->ntfs3g)
		rc = src_dir_xattr_streams(f, loc->path);
	if (rc) {
		src_dir_close(s, f);
		return rc;
	}
	*fh = f;
	return 0;
}

static int src_dir_streams(struct cp_src *s, void *fh, const struct cp_stream **list, size_t *n)
{
	struct src_dir_file *f = fh;

	(void)s;
	*list = f->streams;
	*n = f->n;
	return 0;
}

static int src_dir_region(struct cp_src *s, void *fh, size_t i, uint64_t off,
			  uint64_t *start, uint64_t *end)
{
	struct src_dir_file *f = fh;
	uint64_t size = f->streams[i].size;
	off_t a, b;

	(void)s;
	if (off >= size)
		return 1;
	if (f->streams[i].name || !f->streams[i].sparse) {
		*start = off;
		*end = size;
		return 0;
	}
	a = lseek(f->fd, (off_t)off, SEEK_DATA);
	if (a < 0)
		return errno == ENXIO ? 1 : -errno;
	b = lseek(f->fd, a, SEEK_HOLE);
	if (b < 0)
		return -errno;
	*start = (uint64_t)a;
	*end = (uint64_t)b < size ? (uint64_t)b : size;
	return *start >= size ? 1 : 0;
}

static ssize_t src_dir_read(struct cp_src *s, void *fh, size_t i, uint64_t off, void *buf, size_t n)
{
	struct src_dir_file *f = fh;
	ssize_t r;

	(void)s;
	if (!f->streams[i].name) {
		r = pread(f->fd, buf, n, (off_t)off);
		return r < 0 ? -errno : r;
	}
	if (f->xcur != i) {
		char *xn = malloc(strlen(f->streams[i].name) + sizeof(XA_STREAM_PREFIX));
		uint8_t *b = NULL;

		if (!xn)
			return -ENOMEM;
		sprintf(xn, XA_STREAM_PREFIX "%s", f->streams[i].name);
		r = get_xattr(f->path, xn, &b);
		free(xn);
		if (r < 0)
			return r;
		free(f->xbuf);
		f->xbuf = b;
		f->xlen = (size_t)r;
		f->xcur = i;
	}
	if (off >= f->xlen)
		return 0;
	if (n > f->xlen - off)
		n = f->xlen - (size_t)off;
	memcpy(buf, f->xbuf + off, n);
	return (ssize_t)n;
}

static int src_dir_security(struct cp_src *s, void *fh, uint8_t **sd, size_t *len)
{
	struct src_dir *p = s->priv;
	struct src_dir_file *f = fh;
	uint8_t *b = NULL;
	ssize_t n;

	if (!p->ntfs3g)
		return -ENODATA;
	n = get_xattr(f->path, XA_ACL, &b);
	if (n <= 0) {
		free(b);
		return n < 0 ? (int)n : -ENODATA;
	}
	*sd = b;
	*len = (size_t)n;
	return 0;
}

static void src_dir_free(struct cp_src *s)
{
	free(s->priv);
	s->priv = NULL;
}

static const struct cp_src_ops src_dir_ops = {
	.list = src_dir_list,
	.lookup = src_dir_lookup,
	.stat = src_dir_stat,
	.open = src_dir_open,
	.streams = src_dir_streams,
	.region = src_dir_region,
	.read = src_dir_read,
	.security = src_dir_security,
	.close = src_dir_close,
	.free = src_dir_free,
};

int cp_src_dir_open(struct cp_src *s, const char *path, bool ntfs3g, char *err, size_t errlen)
{
	struct src_dir *p = calloc(1, sizeof(*p));
	char *rp;
	int rc;

	if (!p)
		return -ENOMEM;
	p->ntfs3g = ntfs3g;
	s->ops = &src_dir_ops;
	s->kind = ntfs3g ? CP_EP_NTFS3G : CP_EP_DIR;
	s->priv = p;
	rp = realpath(path, NULL);
	if (!rp) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return rc;
	}
	s->root = rp;
	s->root_loc.path = s->root;
	s->vol_key = strdup("host");
	if (!s->vol_key)
		return -ENOMEM;
	rc = src_dir_fill(p, s->root, &s->root_st);
	if (rc)
		snprintf(err, errlen, "%s", strerror(-rc));
	return rc;
}
