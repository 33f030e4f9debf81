/* copy.c: the Smart Copy engine: plan (walk, hardlink groups, link classification, policies), then execute. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>

#include "copy/copy_int.h"

#define FUSE_SUPER_MAGIC 0x65735546
#define NTFS_EPOCH_OFFSET 116444736000000000LL	/* 1601 -> 1970 in 100 ns */
#define MAX_HOPS 40
#define MAX_CHAIN 32

/* ---- small helpers ---------------------------------------------------------- */

void cp_stat_clear(struct cp_stat *st)
{
	free(st->dos_name);
	free(st->reparse);
	free(st->lnk);
	st->dos_name = NULL;
	st->reparse = NULL;
	st->lnk = NULL;
}

int64_t cp_unix_to_ntfs(int64_t sec, long nsec)
{
	return sec * 10000000LL + nsec / 100 + NTFS_EPOCH_OFFSET;
}

void cp_ntfs_to_unix(int64_t t, struct timespec *ts)
{
	int64_t u = t - NTFS_EPOCH_OFFSET;
	int64_t s = u / 10000000LL, r = u % 10000000LL;

	if (r < 0) {
		r += 10000000LL;
		s--;
	}
	ts->tv_sec = (time_t)s;
	ts->tv_nsec = (long)(r * 100);
}

bool cp_is_ntfs3g_dir(const char *path, char **mount_root)
{
	struct statfs sf;
	uint8_t b[4];
	struct stat sb, pb;
	char *p, *slash;

	if (statfs(path, &sf) || sf.f_type != FUSE_SUPER_MAGIC)
		return false;
	if (getxattr(path, XA_ATTRIB, b, sizeof(b)) != 4)
		return false;
	if (!mount_root)
		return true;
	/* The mount root: walk up while the device stays the same. */
	p = realpath(path, NULL);
	if (!p)
		return false;
	if (stat(p, &sb)) {
		free(p);
		return false;
	}
	while (strcmp(p, "/") && (slash = strrchr(p, '/'))) {
		char save = slash[slash == p ? 1 : 0];

		slash[slash == p ? 1 : 0] = 0;
		if (stat(p, &pb) || pb.st_dev != sb.st_dev) {
			slash[slash == p ? 1 : 0] = save;
			break;
		}
	}
	*mount_root = p;
	return true;
}

/*
 * A loop device stands for its backing file: *@sb becomes the file's stat and
 * *@off grows by the loop's offset. Returns true when that was done.
 */
static bool loop_backing(struct stat *sb, uint64_t *off)
{
	char p[128], line[4096];
	unsigned long long loff = 0;
	struct stat fb;
	size_t n;
	FILE *f;

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/loop/backing_file", major(sb->st_rdev),
		 minor(sb->st_rdev));
	f = fopen(p, "re");
	if (!f)
		return false;
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = 0;
	line[strcspn(line, "\n")] = 0;
	if (!*line || stat(line, &fb) || !S_ISREG(fb.st_mode))
		return false;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/loop/offset", major(sb->st_rdev),
		 minor(sb->st_rdev));
	f = fopen(p, "re");
	if (f) {
		if (fscanf(f, "%llu", &loff) != 1)
			loff = 0;
		fclose(f);
	}
	*sb = fb;
	*off += loff;
	return true;
}

int cp_image_key(const char *file, uint64_t off, char **key)
{
	struct stat sb;
	int r;

	if (stat(file, &sb))
		r = asprintf(key, "path:%s@%llu", file, (unsigned long long)off);
	else if (S_ISBLK(sb.st_mode) && !loop_backing(&sb, &off))
		r = asprintf(key, "blk:%llx@%llu", (unsigned long long)sb.st_rdev,
			     (unsigned long long)off);
	else
		r = asprintf(key, "file:%llx:%llx@%llu", (unsigned long long)sb.st_dev,
			     (unsigned long long)sb.st_ino, (unsigned long long)off);
	if (r < 0) {
		*key = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The volume identity (cp_image_key) of image spec @image, without mounting. */
static int image_key(const char *image, char **key)
{
	char err[256], *file = NULL;
	uint64_t off = 0, size = 0;
	unsigned part = 0;
	enum nl_volume_kind kind;
	int rc = nl_volume_locate(image, NULL, &file, &off, &size, &part, &kind, err, sizeof(err));

	if (rc == 0)
		rc = cp_image_key(file, off, key);
	free(file);
	return rc;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static uint32_t rp_tag(const struct cp_stat *st)
{
	const uint8_t *b = st->reparse;

	if (!b || st->reparse_len < 4)
		return 0;
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static bool is_link_stat(const struct cp_stat *st)
{
	uint32_t t;

	if (st->type == CP_T_LSYMLINK)
		return true;
	if (st->type != CP_T_REPARSE)
		return false;
	t = rp_tag(st);
	return t == NL_TAG_MOUNT_POINT || t == NL_TAG_SYMLINK;
}

/* "/a/b" + "c" */
static char *path_join(const char *a, const char *b)
{
	size_t al = strlen(a);

	if (!*b)
		return strdup(a);
	return xasprintf("%s%s%s", a, al && a[al - 1] == '/' ? "" : "/", b);
}

static char *path_dirname(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s || s == p)
		return strdup("/");
	return strndup(p, (size_t)(s - p));
}

/* Is @p equal to or under @dir (component-wise)? */
static bool path_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return p[0] == '/';
	return !strncmp(p, dir, n) && (p[n] == 0 || p[n] == '/');
}

/* ---- names and events -------------------------------------------------------- */

static const char *const action_names[NL_COPY_ACT__COUNT] = {
	[NL_COPY_ACT_COPIED] = "copied",
	[NL_COPY_ACT_FOLDER] = "folder",
	[NL_COPY_ACT_HARDLINKED] = "hardlinked",
	[NL_COPY_ACT_JUNCTION] = "junction",
	[NL_COPY_ACT_SYMLINK] = "symlink",
	[NL_COPY_ACT_CROPPED] = "cropped",
	[NL_COPY_ACT_SPLICED] = "spliced",
	[NL_COPY_ACT_UNROLLED] = "unrolled",
	[NL_COPY_ACT_DANGLING] = "dangling",
	[NL_COPY_ACT_LOOP] = "loop",
	[NL_COPY_ACT_EXCLUDED] = "excluded",
	[NL_COPY_ACT_WARNING] = "warning",
	[NL_COPY_ACT_ERROR] = "error",
};

const char *nl_copy_action_name(enum nl_copy_action a)
{
	return (unsigned)a < NL_COPY_ACT__COUNT ? action_names[a] : "unknown";
}

const char *nl_copy_kind_name(enum nl_copy_kind k)
{
	switch (k) {
	case NL_COPY_KIND_FILE: return "file";
	case NL_COPY_KIND_FOLDER: return "folder";
	case NL_COPY_KIND_JUNCTION: return "junction";
	case NL_COPY_KIND_SYMLINK: return "symlink";
	case NL_COPY_KIND_REPARSE: return "reparse";
	case NL_COPY_KIND_OTHER: return "other";
	}
	return "other";
}

void nl_copy_options_init(struct nl_copy_options *o)
{
	memset(o, 0, sizeof(*o));
	o->outer = NL_COPY_CROP;
	o->streams = NL_COPY_STREAMS_DROP;
	o->src_drive = 'C';
}

/* ---- the job ---------------------------------------------------------------- */

struct cp_map {
	const char *vol_key;
	char *path;		/* canonical source path of the anchor */
	struct cp_node *node;
	bool global;		/* a source root: holds for every link; an unrolled
				   target holds only for the links copied inside it */
};

/* What a link points at, worked out once per pending link. */
struct cp_link {
	struct cp_node *n;
	bool done;		/* resolved */
	int rc;			/* 0, -ENOENT dangling, -ELOOP, -EXDEV other volume, -EINVAL bad */
	bool junction;
	bool relative;
	bool print_empty;
	char *canon;		/* resolved target (canonical source path) */
	struct cp_stat tst;	/* the target entry */
	char *orig_rel;		/* relative targets: the text, '/'-separated */
	struct cp_map *map;	/* inner: the anchor it falls under */
	bool inner;		/* decided: recreate pointing into the copy */
	bool splice;		/* decided: recreate with the original target */
	char *visited[MAX_CHAIN];
	int nvisited;
};

struct nl_copy {
	struct nl_copy_options o;
	struct cp_src **src;
	size_t nsrc;
	struct cp_dst *dst;
	struct cp_node *top;
	struct cp_map *maps;
	size_t nmaps, capmaps;
	struct cp_group **ht;
	size_t htcap, ngroups;
	struct cp_link **pend;
	size_t npend, cappend;
	struct cp_node **walkq;
	size_t nq, capq;
	struct cp_link **links;	/* every link record, for freeing */
	size_t nlinks, caplinks;
	struct nl_copy_stats st;
	uint8_t *buf;
	size_t bufsz;
	char err[512];
	bool ran;
	bool partial;
	bool stop;
};

static void set_err(struct nl_copy *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct nl_copy *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

int nl_copy_new(struct nl_copy **out, const struct nl_copy_options *opt)
{
	struct nl_copy *c;

	*out = NULL;
	if (!opt || opt->outer > NL_COPY_UNROLL || opt->streams > NL_COPY_STREAMS_XATTR)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->o = *opt;
	if (!c->o.src_drive)
		c->o.src_drive = 'C';
	c->o.src_drive = (char)(c->o.src_drive & ~0x20);
	if (c->o.dest_drive)
		c->o.dest_drive = (char)(c->o.dest_drive & ~0x20);
	c->bufsz = c->o.buffer_size ? c->o.buffer_size : 1u << 20;
	*out = c;
	return 0;
}

const char *nl_copy_error(const struct nl_copy *c)
{
	return c ? c->err : "";
}

void nl_copy_get_stats(const struct nl_copy *c, struct nl_copy_stats *st)
{
	*st = c->st;
}

/* ---- endpoints ---------------------------------------------------------------- */

static bool is_image_file(const char *p)
{
	struct stat sb;
	const char *at;

	if (stat(p, &sb) == 0)
		return S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode);
	/* IMAGE@N */
	at = strrchr(p, '@');
	if (at && at[1]) {
		char *base = strndup(p, (size_t)(at - p));
		bool r = false;

		for (const char *q = at + 1; *q; q++)
			if (*q < '0' || *q > '9')
				goto out;
		r = base && stat(base, &sb) == 0 && (S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode));
out:
		free(base);
		return r;
	}
	return false;
}

/* Split SPEC into an image and a path inside it; false for a host directory. */
static bool parse_image_spec(const char *spec, char **image, char **path)
{
	for (const char *q = strchr(spec, ':'); q; q = strchr(q + 1, ':')) {
		char *img = strndup(spec, (size_t)(q - spec));

		if (!img)
			return false;
		if (*img && is_image_file(img)) {
			*image = img;
			*path = strdup(q[1] ? q + 1 : "/");
			return *path != NULL;
		}
		free(img);
	}
	if (is_image_file(spec)) {
		struct stat sb;

		/* a bare existing regular file or block device: its root */
		if (stat(spec, &sb) == 0 || strchr(spec, '@')) {
			*image = strdup(spec);
			*path = strdup("/");
			return *image && *path;
		}
	}
	return false;
}

static void src_free(struct cp_src *s)
{
	if (!s)
		return;
	if (s->ops && s->ops->free)
		s->ops->free(s);
	cp_stat_clear(&s->root_st);
	free(s->spec);
	free(s->image);
	free(s->root);
	free(s->vol_key);
	free(s->mnt);
	free(s);
}

int nl_copy_add_source(struct nl_copy *c, const char *spec)
{
	struct cp_src *s = calloc(1, sizeof(*s)), **ns;
	char *image = NULL, *path = NULL;
	char err[NL_COPY_ERRLEN_INTERNAL] = "";
	int rc;

	if (!s)
		return -ENOMEM;
	s->spec = strdup(spec);
	s->index = (unsigned)c->nsrc;
	if (!s->spec) {
		free(s);
		return -ENOMEM;
	}
	if (parse_image_spec(spec, &image, &path)) {
		struct nl_writer *w = c->dst ? cp_dst_ntfs_writer(c->dst) : NULL;
		char *key = NULL;

		s->image = image;
		if (w && image_key(image, &key) == 0 && !strcmp(key, c->dst->vol_key)) {
			/* in the destination image: read through its writer */
			s->shared = true;
			rc = cp_src_ntfs_open_shared(s, w, key, path, err, sizeof(err));
		} else {
			rc = cp_src_ntfs_open(s, image, path, err, sizeof(err));
		}
		free(key);
		free(path);
	} else {
		struct stat sb;
		char *mnt = NULL;
		bool n3g;

		free(image);
		free(path);
		if (lstat(spec, &sb)) {
			rc = -errno;
			snprintf(err, sizeof(err), "%s", strerror(errno));
			goto out;
		}
		n3g = cp_is_ntfs3g_dir(spec, &mnt);
		s->mnt = mnt;
		s->image = strdup(spec);
		rc = cp_src_dir_open(s, spec, n3g, err, sizeof(err));
	}
out:
	if (rc) {
		set_err(c, "%s", *err ? err : strerror(-rc));
		src_free(s);
		return rc;
	}
	if (s->root_st.type == CP_T_OTHER || (s->kind == CP_EP_IMAGE && is_link_stat(&s->root_st))) {
		set_err(c, "%s", s->root_st.type == CP_T_OTHER ? "not a file or folder" :
			"the source is a junction or symbolic link: name its target");
		src_free(s);
		return -EINVAL;
	}
	ns = realloc(c->src, (c->nsrc + 1) * sizeof(*ns));
	if (!ns) {
		src_free(s);
		return -ENOMEM;
	}
	c->src = ns;
	c->src[c->nsrc++] = s;
	return 0;
}

static void dst_free(struct cp_dst *d)
{
	if (!d)
		return;
	if (d->ops && d->ops->free)
		d->ops->free(d);
	free(d->spec);
	free(d->image);
	free(d->path);
	free(d->vol_path);
	free(d->vol_key);
	free(d->leaf);
	free(d);
}

/*
 * After the destination image @d was opened (status @rc), let the sources
 * marked in @moved (unmounted by cp_src_ntfs_detach) read through its writer;
 * when that is not possible, close the destination and mount them read-only
 * again. Returns @rc or the first error (message in @err).
 */
static int move_sources(struct nl_copy *c, struct cp_dst *d, const bool *moved, int rc,
			char *err, size_t errlen)
{
	struct nl_writer *w = rc ? NULL : cp_dst_ntfs_writer(d);
	char e[NL_COPY_ERRLEN_INTERNAL];

	for (size_t i = 0; i < c->nsrc && !rc; i++)
		if (moved[i]) {
			rc = cp_src_ntfs_attach(c->src[i], w, e, sizeof(e));
			if (rc)
				snprintf(err, errlen, "'%.200s': %.700s", c->src[i]->spec, e);
			c->src[i]->shared = !rc;
		}
	if (!rc)
		return 0;
	for (size_t i = 0; i < c->nsrc; i++)
		if (moved[i]) {
			cp_src_ntfs_detach(c->src[i]);
			c->src[i]->shared = false;
		}
	d->ops->free(d);	/* the writer's mount goes first */
	for (size_t i = 0; i < c->nsrc; i++)
		if (moved[i])
			(void)cp_src_ntfs_attach(c->src[i], NULL, e, sizeof(e));
	return rc;
}

int nl_copy_set_dest(struct nl_copy *c, const char *spec)
{
	struct cp_dst *d = calloc(1, sizeof(*d));
	char *image = NULL, *path = NULL;
	char err[NL_COPY_ERRLEN_INTERNAL] = "";
	int rc;

	if (!d)
		return -ENOMEM;
	d->root.fd = -1;
	if (c->dst) {
		set_err(c, "only one destination");
		free(d);
		return -EINVAL;
	}
	d->spec = strdup(spec);
	if (!d->spec) {
		free(d);
		return -ENOMEM;
	}
	if (parse_image_spec(spec, &image, &path)) {
		bool *moved = NULL;
		char *key = NULL;

		d->image = image;
		rc = 0;
		if (!c->o.dry_run && c->nsrc && image_key(image, &key) == 0) {
			moved = calloc(c->nsrc, sizeof(*moved));
			if (!moved)
				rc = -ENOMEM;
			for (size_t i = 0; moved && i < c->nsrc; i++)
				if (c->src[i]->kind == CP_EP_IMAGE && !strcmp(c->src[i]->vol_key, key)) {
					/* unmount it before the writer mounts the same volume */
					cp_src_ntfs_detach(c->src[i]);
					moved[i] = true;
				}
		}
		if (!rc)
			rc = cp_dst_ntfs_open(d, image, path, c->o.dry_run, err, sizeof(err));
		if (moved)
			rc = move_sources(c, d, moved, rc, err, sizeof(err));
		free(moved);
		free(key);
		free(path);
	} else {
		char *probe, *mnt = NULL;
		bool n3g;
		struct stat sb;

		free(image);
		free(path);
		d->image = strdup(spec);
		probe = stat(spec, &sb) == 0 ? strdup(spec) : path_dirname(spec);
		if (probe && !strchr(spec, '/')) {
			if (stat(spec, &sb) != 0) {
				free(probe);
				probe = strdup(".");
			}
		}
		n3g = probe && cp_is_ntfs3g_dir(probe, &mnt);
		free(probe);
		rc = cp_dst_dir_open(d, spec, n3g, c->o.dry_run, err, sizeof(err));
		if (rc == 0 && n3g && d->path) {
			/* the folder that holds the copies, as a path inside the ntfs-3g volume */
			const char *top = d->exists ? d->path : NULL;
			char *tp = top ? strdup(top) : path_dirname(d->path);
			size_t ml = strlen(mnt);

			if (tp && path_under(tp, mnt))
				d->vol_path = strdup(tp[ml] ? tp + (ml == 1 ? 0 : ml) : "/");
			free(tp);
		}
		free(mnt);
	}
	if (rc) {
		set_err(c, "%s", *err ? err : strerror(-rc));
		dst_free(d);
		return rc;
	}
	d->xattr_streams = !d->ntfs && c->o.streams == NL_COPY_STREAMS_XATTR;
	c->dst = d;
	return 0;
}

/* ---- the plan: nodes, groups, anchors ------------------------------------------- */

static struct cp_node *node_new(struct nl_copy *c, struct cp_node *parent, struct cp_src *s,
				const char *name)
{
	struct cp_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name ? name : "");
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->src = s;
	n->dh.fd = -1;
	n->parent = parent;
	if (parent) {
		n->depth = parent->depth + 1;
		if (parent->last)
			parent->last->next = n;
		else
			parent->child = n;
		parent->last = n;
		c->st.items_total++;
	}
	return n;
}

static void node_free_tree(struct cp_node *root)
{
	struct cp_node *n = root;

	/* iterative post-order: trees can be deep */
	while (n) {
		struct cp_node *p;

		if (n->child) {
			struct cp_node *ch = n->child;

			n->child = ch->next;
			n = ch;
			continue;
		}
		p = n == root ? NULL : n->parent;
		cp_stat_clear(&n->st);
		free(n->name);
		free(n->anchor);
		free(n->src_name);
		free(n->link_source);
		free(n->rp);
		free(n->target);
		free(n->new_target);
		free(n->reason);
		free(n);
		n = p;
	}
}

/* Source path of @n: its anchor, or the nearest anchor above plus the names below it. */
static char *node_srcpath(const struct cp_node *n)
{
	const struct cp_node *p;
	size_t len = 0, k = 0;
	char *out, *q;

	for (p = n; p && !p->anchor; p = p->parent) {
		len += strlen(p->src_name ? p->src_name : p->name) + 1;
		k++;
	}
	if (!p)
		return NULL;
	len += strlen(p->anchor) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	strcpy(out, p->anchor);
	q = out + strlen(out);
	while (k > 0) {
		const struct cp_node *x = n;
		size_t i;

		for (i = 1; i < k; i++)
			x = x->parent;
		if (q > out && q[-1] != '/')
			*q++ = '/';
		strcpy(q, x->src_name ? x->src_name : x->name);
		q += strlen(q);
		k--;
	}
	return out;
}

/* Path of @n in the destination, relative to the top folder ("" for the top). */
static char *node_destrel(const struct cp_node *n)
{
	size_t len = 0;
	char *out;

	for (const struct cp_node *p = n; p && p->parent; p = p->parent)
		len += strlen(p->name) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	if (len)
		len--;	/* no separator before the first name */
	out[len] = 0;
	for (const struct cp_node *p = n; p && p->parent; p = p->parent) {
		size_t l = strlen(p->name);

		len -= l;
		memcpy(out + len, p->name, l);
		if (len)
			out[--len] = '/';
	}
	return out;
}

/* Path of @n below the copy of its source root (for --exclude / --include). */
static char *node_relpath(const struct cp_node *n)
{
	size_t len = 0;
	char *out;
	const struct cp_node *p;

	for (p = n; p && p->parent && !p->is_root; p = p->parent)
		len += strlen(p->src_name ? p->src_name : p->name) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	if (len)
		len--;
	out[len] = 0;
	for (p = n; p && p->parent && !p->is_root; p = p->parent) {
		const char *nm = p->src_name ? p->src_name : p->name;
		size_t l = strlen(nm);

		len -= l;
		memcpy(out + len, nm, l);
		if (len)
			out[--len] = '/';
	}
	return out;
}

static const char *src_display(const struct cp_src *s)
{
	return s->kind == CP_EP_IMAGE ? s->image : "";
}

/* "IMAGE:/path" or "/host/path" of a node's source, for reports (malloc'ed). */
static char *node_srcdisplay(const struct cp_node *n)
{
	char *p, *r;

	if (!n->src)
		return NULL;
	p = node_srcpath(n);
	if (!p)
		return NULL;
	if (n->src->kind != CP_EP_IMAGE)
		return p;
	r = xasprintf("%s:%s", src_display(n->src), p);
	free(p);
	return r;
}

static size_t ghash(const char *vk, uint64_t dev, uint64_t ino)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *q = vk; *q; q++)
		h = (h ^ (uint8_t)*q) * 1099511628211ULL;
	h ^= dev * 0x9E3779B97F4A7C15ULL;
	h ^= ino * 0xC2B2AE3D27D4EB4FULL;
	return (size_t)(h ^ (h >> 29));
}

static int group_add(struct nl_copy *c, struct cp_node *n)
{
	const char *vk = n->src->vol_key;
	struct cp_group *g;
	size_t h;

	if (c->ngroups * 2 >= c->htcap) {
		size_t nc = c->htcap ? c->htcap * 2 : 1024;
		struct cp_group **nt = calloc(nc, sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		for (size_t i = 0; i < c->htcap; i++)
			while (c->ht[i]) {
				struct cp_group *x = c->ht[i];
				struct cp_node *f = x->first;

				c->ht[i] = x->hnext;
				h = ghash(f->src->vol_key, x->dev, x->ino) % nc;
				x->hnext = nt[h];
				nt[h] = x;
			}
		free(c->ht);
		c->ht = nt;
		c->htcap = nc;
	}
	h = ghash(vk, n->st.dev, n->st.ino) % c->htcap;
	for (g = c->ht[h]; g; g = g->hnext)
		if (g->dev == n->st.dev && g->ino == n->st.ino && !strcmp(g->first->src->vol_key, vk))
			break;
	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g)
			return -ENOMEM;
		g->dev = n->st.dev;
		g->ino = n->st.ino;
		g->src = n->src->index;
		g->first = n;	/* plan-time representative; re-chosen in DFS order */
		g->hnext = c->ht[h];
		c->ht[h] = g;
		c->ngroups++;
	}
	g->planned++;
	n->group = g;
	return 0;
}

static int map_add(struct nl_copy *c, const char *vol_key, const char *path, struct cp_node *n,
		   bool global)
{
	if (c->nmaps == c->capmaps) {
		size_t nc = c->capmaps ? c->capmaps * 2 : 16;
		struct cp_map *nm = realloc(c->maps, nc * sizeof(*nm));

		if (!nm)
			return -ENOMEM;
		c->maps = nm;
		c->capmaps = nc;
	}
	c->maps[c->nmaps].vol_key = vol_key;
	c->maps[c->nmaps].path = strdup(path);
	c->maps[c->nmaps].node = n;
	c->maps[c->nmaps].global = global;
	if (!c->maps[c->nmaps].path)
		return -ENOMEM;
	c->nmaps++;
	return 0;
}

static bool node_is_ancestor(const struct cp_node *a, const struct cp_node *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

/* The anchor with the longest path that holds @path on volume @vk and applies
 * to link node @n (source roots, and unrolled targets @n was copied inside). */
static struct cp_map *map_find(struct nl_copy *c, const char *vk, const char *path,
			       const struct cp_node *n)
{
	struct cp_map *best = NULL;

	for (size_t i = 0; i < c->nmaps; i++) {
		struct cp_map *m = &c->maps[i];

		if (strcmp(m->vol_key, vk) || !path_under(path, m->path))
			continue;
		if (!m->global && !node_is_ancestor(m->node, n->parent))
			continue;
		if (!best || strlen(m->path) > strlen(best->path))
			best = m;
	}
	return best;
}

static int walk_push(struct nl_copy *c, struct cp_node *n)
{
	if (c->nq == c->capq) {
		size_t nc = c->capq ? c->capq * 2 : 256;
		struct cp_node **nq = realloc(c->walkq, nc * sizeof(*nq));

		if (!nq)
			return -ENOMEM;
		c->walkq = nq;
		c->capq = nc;
	}
	c->walkq[c->nq++] = n;
	return 0;
}

/* Append @li to the array *@v (*@n used of *@cap). 0 or -ENOMEM. */
static int link_vec_push(struct cp_link ***v, size_t *n, size_t *cap, struct cp_link *li)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct cp_link **nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = li;
	return 0;
}

static struct cp_link *link_new(struct nl_copy *c, struct cp_node *n)
{
	struct cp_link *li = calloc(1, sizeof(*li));

	if (!li)
		return NULL;
	li->n = n;
	if (link_vec_push(&c->links, &c->nlinks, &c->caplinks, li)) {
		free(li);
		return NULL;
	}
	return li;
}

static void link_reset(struct cp_link *li)
{
	li->done = false;
	li->rc = 0;
	free(li->canon);
	li->canon = NULL;
	free(li->orig_rel);
	li->orig_rel = NULL;
	cp_stat_clear(&li->tst);
	li->map = NULL;
}

static void link_free(struct cp_link *li)
{
	link_reset(li);
	for (int i = 0; i < li->nvisited; i++)
		free(li->visited[i]);
	free(li);
}

static int pend_push(struct nl_copy *c, struct cp_link *li)
{
	return link_vec_push(&c->pend, &c->npend, &c->cappend, li);
}

static void node_fail(struct nl_copy *c, struct cp_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void node_fail(struct nl_copy *c, struct cp_node *n, const char *fmt, ...)
{
	va_list ap;
	char *r = NULL;

	va_start(ap, fmt);
	if (vasprintf(&r, fmt, ap) < 0)
		r = NULL;
	va_end(ap);
	free(n->reason);
	n->reason = r;
	n->action = NL_COPY_ACT_ERROR;
	n->create = false;
	n->failed = true;
	c->partial = true;
}

/* Decide what a freshly planned node is; links are queued for later. */
static int classify(struct nl_copy *c, struct cp_node *n)
{
	int rc = 0;

	switch (n->st.type) {
	case CP_T_DIR:
		n->kind = NL_COPY_KIND_FOLDER;
		n->action = NL_COPY_ACT_FOLDER;
		n->create = true;
		rc = walk_push(c, n);
		break;
	case CP_T_FILE:
		n->kind = NL_COPY_KIND_FILE;
		n->action = NL_COPY_ACT_COPIED;
		n->create = true;
		rc = group_add(c, n);
		break;
	case CP_T_REPARSE:
	case CP_T_LSYMLINK:
		if (is_link_stat(&n->st)) {
			struct cp_link *li;

			n->kind = rp_tag(&n->st) == NL_TAG_MOUNT_POINT ? NL_COPY_KIND_JUNCTION
								       : NL_COPY_KIND_SYMLINK;
			li = link_new(c, n);
			if (!li)
				return -ENOMEM;
			rc = pend_push(c, li);
			break;
		}
		n->kind = NL_COPY_KIND_REPARSE;
		n->action = NL_COPY_ACT_COPIED;
		n->create = true;
		rc = n->st.is_dir ? walk_push(c, n) : group_add(c, n);
		break;
	case CP_T_OTHER:
		n->kind = NL_COPY_KIND_OTHER;
		node_fail(c, n, "not copied: device, fifo or socket");
		break;
	}
	return rc;
}

/* ---- exclusion and auto-rename ------------------------------------------------- */

static bool match_any(const char *const *pat, size_t n, const char *name, const char *rel)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = pat[i];

		if (!fnmatch(p, name, 0) || !fnmatch(p, rel, FNM_PATHNAME) ||
		    (p[0] == '/' && !fnmatch(p + 1, rel, FNM_PATHNAME)))
			return true;
	}
	return false;
}

static bool excluded(struct nl_copy *c, struct cp_node *n)
{
	char *rel;
	bool ex = false;

	if (!c->o.n_exclude && !c->o.n_include)
		return false;
	rel = node_relpath(n);
	if (!rel)
		return false;
	if (c->o.n_exclude && match_any(c->o.exclude, c->o.n_exclude, n->name, rel))
		ex = true;
	else if (c->o.n_include && n->st.type != CP_T_DIR &&
		 !match_any(c->o.include, c->o.n_include, n->name, rel))
		ex = true;
	free(rel);
	return ex;
}

static bool name_taken(struct nl_copy *c, struct cp_node *parent, const char *name)
{
	for (struct cp_node *s = parent->child; s; s = s->next) {
		if (!s->create && s->action != NL_COPY_ACT_FOLDER)
			continue;
		if (c->dst->ntfs ? !nl_wtf8_casecmp(s->name, name, NULL, 0) : !strcmp(s->name, name))
			return true;
	}
	if (parent == c->top && c->dst->exists)
		return c->dst->ops->exists(c->dst, &c->dst->root, name) > 0;
	return false;
}

/* Windows-style: "name - Copy", "name - Copy (2)", ... (files: before the extension). */
static char *auto_name(struct nl_copy *c, struct cp_node *parent, const char *name, bool is_dir)
{
	const char *dot = is_dir ? NULL : strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	const char *ext = dot && dot != name ? dot : "";

	if (!name_taken(c, parent, name))
		return strdup(name);
	for (unsigned i = 1; i < 100000; i++) {
		char *cand = i == 1 ? xasprintf("%.*s - Copy%s", (int)stem, name, ext)
				    : xasprintf("%.*s - Copy (%u)%s", (int)stem, name, i, ext);

		if (!cand || !name_taken(c, parent, cand))
			return cand;
		free(cand);
	}
	return NULL;
}

/* ---- walking the sources ------------------------------------------------------- */

struct walk_ctx {
	struct nl_copy *c;
	struct cp_node *attach;	/* plan node that receives the entries */
	struct cp_src *src;
	const char *into_base;	/* --into: source path of the listed folder (children get anchors) */
	int rc;
};

static int walk_cb(void *ctx, const char *name, struct cp_stat *st)
{
	struct walk_ctx *w = ctx;
	struct nl_copy *c = w->c;
	struct cp_node *n;
	char *dname = NULL;

	if (w->into_base) {
		dname = auto_name(c, w->attach, name, st->is_dir);
		if (!dname) {
			w->rc = -ENOMEM;
			return 1;
		}
	}
	n = node_new(c, w->attach, w->src, dname ? dname : name);
	if (!n) {
		free(dname);
		w->rc = -ENOMEM;
		return 1;
	}
	if (dname && strcmp(dname, name)) {
		n->src_name = strdup(name);
		st->name_space = CP_NS_POSIX;
		free(st->dos_name);
		st->dos_name = NULL;
	}
	free(dname);
	if (w->into_base) {
		n->anchor = path_join(w->into_base, name);
		if (!n->anchor) {
			w->rc = -ENOMEM;
			return 1;
		}
	}
	n->st = *st;
	memset(st, 0, sizeof(*st));
	if (n->st.err) {
		n->kind = n->st.is_dir ? NL_COPY_KIND_FOLDER : NL_COPY_KIND_FILE;
		node_fail(c, n, "cannot read: %s", strerror(-n->st.err));
		return 0;
	}
	if (excluded(c, n)) {
		n->action = NL_COPY_ACT_EXCLUDED;
		n->kind = n->st.type == CP_T_DIR ? NL_COPY_KIND_FOLDER : NL_COPY_KIND_FILE;
		n->create = false;
		return 0;
	}
	w->rc = classify(c, n);
	return w->rc ? 1 : 0;
}

static int walk_dir(struct nl_copy *c, struct cp_node *attach, struct cp_src *s,
		    const struct cp_stat *dirst, const char *into_base)
{
	struct walk_ctx w = { .c = c, .attach = attach, .src = s, .into_base = into_base };
	struct cp_loc loc = { .mref = dirst->mref, .path = NULL };
	char *path = NULL;
	int rc;

	if (s->kind != CP_EP_IMAGE) {
		path = into_base ? strdup(into_base) : node_srcpath(attach);
		if (!path)
			return -ENOMEM;
		loc.path = path;
	}
	rc = s->ops->list(s, &loc, walk_cb, &w);
	free(path);
	if (w.rc)
		return w.rc;
	if (rc && rc != -ENOMEM) {
		/* the contents are missing: the folder is an error, and is not made */
		if (attach->src)
			node_fail(c, attach, "cannot list folder: %s", strerror(-rc));
		else
			c->partial = true;
		return 0;
	}
	return rc;
}

/* ---- links: where do they point? -------------------------------------------------- */

static int split_path(const char *path, char ***out, size_t *n)
{
	char **v = NULL;
	size_t k = 0, len;
	const char *q = path, *c;

	while ((len = cp_next_comp(&q, &c))) {
		char **nv = realloc(v, (k + 1) * sizeof(*v));

		if (!nv)
			goto nomem;
		v = nv;
		v[k] = strndup(c, len);
		if (!v[k])
			goto nomem;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
nomem:
	for (size_t i = 0; i < k; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The absolute source path a link entry @st in folder @dir (canonical) points
 * at, without following anything. Fills @li's description when given.
 * Returns 0, -EXDEV (another volume), -ENOENT (above the root), -EINVAL
 * (undecodable), -ENOMEM.
 */
static int link_abs(struct nl_copy *c, struct cp_src *s, const struct cp_stat *st,
		    const char *dir, char **abs, struct cp_link *li)
{
	struct nl_reparse *rp = NULL;
	struct nl_target t;
	int rc;

	*abs = NULL;
	if (st->type == CP_T_LSYMLINK) {
		if (li) {
			li->relative = st->lnk[0] != '/';
			li->junction = false;
			if (li->relative && !(li->orig_rel = strdup(st->lnk)))
				return -ENOMEM;
		}
		*abs = st->lnk[0] == '/' ? strdup(st->lnk) : path_join(dir, st->lnk);
		return *abs ? 0 : -ENOMEM;
	}
	rc = nl_reparse_decode(st->reparse, st->reparse_len, &rp);
	if (rc || !rp) {
		nl_reparse_free(&rp);
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if (rp->type == NL_RP_MOUNT_POINT) {
		if (li)
			li->junction = true;
		nl_reparse_free(&rp);
		return -EXDEV;
	}
	if ((rp->type != NL_RP_JUNCTION && rp->type != NL_RP_SYMLINK) || !rp->substitute_name) {
		nl_reparse_free(&rp);
		return -EINVAL;
	}
	if (li) {
		li->junction = rp->type == NL_RP_JUNCTION;
		li->print_empty = !rp->print_name || !*rp->print_name;
	}
	memset(&t, 0, sizeof(t));
	rc = nl_target_parse(rp->substitute_name, rp->relative, &t);
	nl_reparse_free(&rp);
	if (rc)
		return rc;
	switch (t.kind) {
	case NL_TGT_DRIVE:
		if ((t.drive & ~0x20) != c->o.src_drive) {
			rc = -EXDEV;
			break;
		}
		/* fall through */
	case NL_TGT_ROOTED:
		*abs = s->mnt ? path_join(s->mnt, t.path + 1) : strdup(t.path);
		rc = *abs ? 0 : -ENOMEM;
		break;
	case NL_TGT_RELATIVE: {
		bool above = false;

		if (li) {
			li->relative = true;
			if (!(li->orig_rel = strdup(t.path))) {
				rc = -ENOMEM;
				break;
			}
		}
		rc = nl_path_resolve(dir, t.path, abs, &above);
		if (rc == 0 && above) {
			free(*abs);
			*abs = NULL;
			rc = -ENOENT;
		}
		break;
	}
	case NL_TGT_NONE:
		rc = -EINVAL;
		break;
	default:
		rc = -EXDEV;
		break;
	}
	nl_target_clear(&t);
	return rc;
}

/*
 * Resolve the absolute source path @path on source @s, following links in
 * every component but the last. On success *@canon is the path made of the
 * names as stored and @out the entry. Returns 0, -ENOENT (nothing there),
 * -ELOOP, -EXDEV (through a link to another volume), -errno.
 */
static int resolve(struct nl_copy *c, struct cp_src *s, const char *path, int hops,
		   char **canon, struct cp_stat *out)
{
	char **comp = NULL, **names = NULL;
	uint64_t *mrefs = NULL;
	size_t ncomp = 0, depth = 0;
	struct cp_stat cur;
	struct cp_loc loc;
	char *curpath = NULL;
	int rc;

	memset(&cur, 0, sizeof(cur));
	rc = split_path(path, &comp, &ncomp);
	if (rc)
		return rc;
	names = calloc(ncomp + 1, sizeof(*names));
	mrefs = calloc(ncomp + 1, sizeof(*mrefs));
	curpath = strdup("/");
	if (!names || !mrefs || !curpath) {
		rc = -ENOMEM;
		goto out;
	}
	mrefs[0] = 5;	/* the root folder's record */
	loc.mref = 5;
	loc.path = curpath;
	rc = s->ops->stat(s, &loc, &cur);
	if (rc)
		goto out;
	for (size_t i = 0; i < ncomp; i++) {
		struct cp_stat nx;
		char *real = NULL, *np;

		if (!strcmp(comp[i], "."))
			continue;
		if (!strcmp(comp[i], "..")) {
			if (depth) {
				free(names[--depth]);
				names[depth] = NULL;
			}
			np = path_dirname(curpath);
			if (!np) {
				rc = -ENOMEM;
				goto out;
			}
			free(curpath);
			curpath = np;
			loc.mref = mrefs[depth];
			loc.path = curpath;
			cp_stat_clear(&cur);
			rc = s->ops->stat(s, &loc, &cur);
			if (rc)
				goto out;
			continue;
		}
		if (!cur.is_dir || cur.type == CP_T_LSYMLINK) {
			rc = -ENOENT;
			goto out;
		}
		loc.mref = mrefs[depth];
		loc.path = curpath;
		rc = s->ops->lookup(s, &loc, comp[i], &nx, &real);
		if (rc)
			goto out;
		if (is_link_stat(&nx) && i + 1 < ncomp) {
			char *abs = NULL, *rest = NULL;

			if (hops >= MAX_HOPS) {
				cp_stat_clear(&nx);
				free(real);
				rc = -ELOOP;
				goto out;
			}
			rc = link_abs(c, s, &nx, curpath, &abs, NULL);
			cp_stat_clear(&nx);
			free(real);
			if (rc)
				goto out;
			for (size_t j = i + 1; j < ncomp && abs; j++) {
				np = path_join(abs, comp[j]);
				free(abs);
				abs = np;
			}
			if (!abs) {
				rc = -ENOMEM;
				goto out;
			}
			rest = abs;
			rc = resolve(c, s, rest, hops + 1, canon, out);
			free(rest);
			goto out_resolved;
		}
		np = path_join(curpath, real);
		if (!np) {
			free(real);
			cp_stat_clear(&nx);
			rc = -ENOMEM;
			goto out;
		}
		free(curpath);
		curpath = np;
		names[depth++] = real;
		mrefs[depth] = nx.mref;
		cp_stat_clear(&cur);
		cur = nx;
	}
	*canon = curpath;
	curpath = NULL;
	*out = cur;
	memset(&cur, 0, sizeof(cur));
	rc = 0;
	goto out;
out_resolved:
	;
out:
	cp_stat_clear(&cur);
	free(curpath);
	free_strv(comp, ncomp);
	if (names)
		for (size_t i = 0; i < ncomp + 1; i++)
			free(names[i]);
	free(names);
	free(mrefs);
	return rc;
}

/* Work out the target of pending link @li once. */
static int link_examine(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	char *self, *dir, *abs = NULL;
	int rc;

	if (li->done)
		return 0;
	li->done = true;
	self = node_srcpath(n);
	if (!self)
		return -ENOMEM;
	dir = path_dirname(self);
	free(self);
	if (!dir)
		return -ENOMEM;
	free(li->orig_rel);
	li->orig_rel = NULL;
	rc = link_abs(c, n->src, &n->st, dir, &abs, li);
	free(dir);
	if (rc == -ENOMEM)
		return rc;
	if (!n->target) {
		/* what to show: the print name, else the substitute name, else the Linux text */
		if (n->st.type == CP_T_LSYMLINK) {
			n->target = strdup(n->st.lnk);
		} else {
			struct nl_reparse *rp = NULL;

			if (nl_reparse_decode(n->st.reparse, n->st.reparse_len, &rp) == 0 && rp)
				n->target = strdup(rp->print_name && *rp->print_name ? rp->print_name
						   : rp->substitute_name ? rp->substitute_name : "");
			nl_reparse_free(&rp);
		}
	}
	if (rc) {
		li->rc = rc;
		free(abs);
		return 0;
	}
	li->rc = resolve(c, n->src, abs, 0, &li->canon, &li->tst);
	if (li->rc == -ENOMEM) {
		free(abs);
		return -ENOMEM;
	}
	if (li->rc) {
		/* keep the lexical path: a dangling target inside the copy is still inner */
		char *lex = NULL;
		bool above = false;

		if (nl_path_resolve("/", abs, &lex, &above) == 0 && !above)
			li->canon = lex;
		else
			free(lex);
	}
	free(abs);
	return 0;
}

/* ---- links: policies ------------------------------------------------------------- */

static bool is_self_or_ancestor(struct cp_node *n, const char *canon)
{
	char *self = node_srcpath(n);
	bool r = self && path_under(self, canon);

	free(self);
	return r;
}

static bool visited(const struct cp_link *li, const char *canon)
{
	for (int i = 0; i < li->nvisited; i++)
		if (!strcmp(li->visited[i], canon))
			return true;
	return false;
}

static void set_reason(struct cp_node *n, const char *r)
{
	free(n->reason);
	n->reason = r ? strdup(r) : NULL;
}

/* Replace link node @n by a copy of its target (unroll). */
static int unroll(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	struct cp_stat ts = li->tst;
	char *orig = NULL;
	int rc;

	if (li->nvisited == 0 && is_link_stat(&ts)) {
		/* remember where a chain of links started */
		orig = node_srcpath(n);
		if (!orig)
			return -ENOMEM;
		li->visited[li->nvisited++] = orig;
	}
	memset(&li->tst, 0, sizeof(li->tst));
	if (!n->link_source && !(n->link_source = node_srcdisplay(n)))
		return -ENOMEM;
	/* the copy keeps the link's own name (and 8.3 alias) */
	free(ts.dos_name);
	ts.dos_name = n->st.dos_name;
	n->st.dos_name = NULL;
	ts.name_space = n->st.name_space;
	cp_stat_clear(&n->st);
	n->st = ts;
	free(n->anchor);
	n->anchor = strdup(li->canon);
	if (!n->anchor)
		return -ENOMEM;
	n->unrolled = true;
	if (is_link_stat(&n->st)) {
		/* a link to a link: the copy is that link, examined from its own place */
		if (li->nvisited >= MAX_CHAIN) {
			n->action = NL_COPY_ACT_LOOP;
			n->create = false;
			set_reason(n, "too many links in a chain");
			return 0;
		}
		li->visited[li->nvisited] = strdup(li->canon);
		if (!li->visited[li->nvisited])
			return -ENOMEM;
		li->nvisited++;
		link_reset(li);
		return pend_push(c, li);
	}
	rc = classify(c, n);
	if (rc)
		return rc;
	if (n->action != NL_COPY_ACT_ERROR)
		n->action = NL_COPY_ACT_UNROLLED;
	if (n->st.is_dir)
		rc = map_add(c, n->src->vol_key, li->canon, n, false);
	return rc;
}

/* Outer links and everything not decided by an anchor. */
static int decide_outer(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;

	switch (li->rc) {
	case 0:
		if (is_self_or_ancestor(n, li->canon) || visited(li, li->canon)) {
			n->action = NL_COPY_ACT_LOOP;
			n->create = false;
			set_reason(n, "the target contains the link: not followed");
			return 0;
		}
		switch (c->o.outer) {
		case NL_COPY_CROP:
			n->action = NL_COPY_ACT_CROPPED;
			n->create = false;
			set_reason(n, "target outside the copied set");
			return 0;
		case NL_COPY_SPLICE:
			n->action = NL_COPY_ACT_SPLICED;
			n->create = true;
			li->splice = true;
			return 0;
		case NL_COPY_UNROLL:
			if (li->tst.type == CP_T_OTHER) {
				node_fail(c, n, "target is a device, fifo or socket");
				return 0;
			}
			return unroll(c, li);
		}
		break;
	case -ENOENT:
		n->action = NL_COPY_ACT_DANGLING;
		n->create = c->o.outer != NL_COPY_CROP;
		li->splice = n->create;
		set_reason(n, n->create ? "target does not exist: recreated unchanged"
				       : "target does not exist: left out");
		return 0;
	case -ELOOP:
		n->action = NL_COPY_ACT_LOOP;
		n->create = false;
		set_reason(n, "the target path loops");
		return 0;
	case -EXDEV:
		if (c->o.outer == NL_COPY_CROP) {
			n->action = NL_COPY_ACT_CROPPED;
			n->create = false;
			set_reason(n, "target on another volume");
		} else {
			n->action = NL_COPY_ACT_SPLICED;
			n->create = true;
			li->splice = true;
			set_reason(n, c->o.outer == NL_COPY_UNROLL ?
				   "target on another volume: cannot be unrolled, spliced" : NULL);
		}
		return 0;
	case -EINVAL:
		/* not a link we understand: copied as raw reparse data */
		n->kind = NL_COPY_KIND_REPARSE;
		n->action = NL_COPY_ACT_COPIED;
		n->create = true;
		set_reason(n, "link target not understood: copied raw");
		return n->st.is_dir ? 0 : group_add(c, n);
	default:
		node_fail(c, n, "cannot follow the target: %s", strerror(-li->rc));
		return 0;
	}
	return 0;
}

static int drain_walk(struct nl_copy *c, size_t *head)
{
	while (*head < c->nq) {
		struct cp_node *d = c->walkq[(*head)++];
		int rc = walk_dir(c, d, d->src, &d->st, NULL);

		if (rc)
			return rc;
	}
	c->nq = 0;
	*head = 0;
	return 0;
}

static int plan_links(struct nl_copy *c)
{
	size_t head = 0;
	int rc;

	for (;;) {
		struct cp_link **todo;
		size_t nt;

		rc = drain_walk(c, &head);
		if (rc)
			return rc;
		if (!c->npend)
			return 0;
		todo = c->pend;
		nt = c->npend;
		c->pend = NULL;
		c->npend = 0;
		c->cappend = 0;
		for (size_t i = 0; i < nt && !rc; i++) {
			struct cp_link *li = todo[i];
			struct cp_node *n = li->n;
			struct cp_map *m = NULL;

			rc = link_examine(c, li);
			if (rc)
				break;
			if ((li->rc == 0 || li->rc == -ENOENT) && li->canon)
				m = map_find(c, n->src->vol_key, li->canon, n);
			if (m && li->rc == 0) {
				char *self = node_srcpath(n);
				bool same = self && !strcmp(self, li->canon);

				free(self);
				if (same || visited(li, li->canon)) {
					n->action = NL_COPY_ACT_LOOP;
					n->create = false;
					set_reason(n, "the link leads back to itself");
					continue;
				}
				/* inside the copy (a link to its own ancestor stays a cycle,
				 * as in the source) */
				n->action = rp_tag(&n->st) == NL_TAG_MOUNT_POINT ? NL_COPY_ACT_JUNCTION
										 : NL_COPY_ACT_SYMLINK;
				n->create = true;
				li->inner = true;
				li->map = m;
				continue;
			}
			if (m && li->rc == -ENOENT) {
				n->action = NL_COPY_ACT_DANGLING;
				n->create = true;
				li->inner = true;
				li->map = m;
				set_reason(n, "target does not exist");
				continue;
			}
			rc = decide_outer(c, li);
		}
		free(todo);
		if (rc)
			return rc;
	}
}

/* ---- after the walk: first names, link limits, rewritten targets ------------------ */

static struct cp_node *next_pre(struct cp_node *n, const struct cp_node *root, bool descend)
{
	if (descend && n->child)
		return n->child;
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

static void finalize(struct nl_copy *c)
{
	for (size_t i = 0; i < c->htcap; i++)
		for (struct cp_group *g = c->ht[i]; g; g = g->hnext) {
			g->first = NULL;
			g->planned = 0;
		}
	for (struct cp_node *n = c->top->child; n; n = next_pre(n, c->top, n->create)) {
		struct cp_group *g = n->group;

		if (!g || !n->create)
			continue;
		if (!g->first) {
			g->first = n;
			c->st.bytes_total += n->st.size;
		} else if (c->dst->ntfs && g->planned >= NL_MAX_LINKS) {
			node_fail(c, n, "more than %d hard links to one file", NL_MAX_LINKS);
			continue;
		} else if (!n->unrolled) {
			n->action = NL_COPY_ACT_HARDLINKED;
		}
		g->planned++;
	}
}

/* Relative path from folder @from to @to (both '/'-separated, relative to the top). */
static char *rel_path(const char *from, const char *to)
{
	char **a = NULL, **b = NULL, *out = NULL;
	size_t na = 0, nb = 0, k = 0, len = 0;

	if (split_path(from, &a, &na) || split_path(to, &b, &nb))
		goto out;
	while (k < na && k < nb && !strcmp(a[k], b[k]))
		k++;
	len = (na - k) * 3 + 2;
	for (size_t i = k; i < nb; i++)
		len += strlen(b[i]) + 1;
	out = malloc(len);
	if (!out)
		goto out;
	out[0] = 0;
	for (size_t i = k; i < na; i++)
		strcat(out, i + 1 < na || k < nb ? "../" : "..");
	for (size_t i = k; i < nb; i++) {
		strcat(out, b[i]);
		if (i + 1 < nb)
			strcat(out, "/");
	}
	if (!*out)
		strcpy(out, ".");
out:
	free_strv(a, na);
	free_strv(b, nb);
	return out;
}

static void to_backslash(char *s)
{
	for (; *s; s++)
		if (*s == '/')
			*s = '\\';
}

static char dest_drive(struct nl_copy *c)
{
	return c->o.dest_drive ? c->o.dest_drive : c->o.src_drive;
}

/* "\??\X:\a\b" and "X:\a\b" for volume path @vp ("/a/b"). */
static int win_abs(struct nl_copy *c, const char *vp, char **subst, char **print)
{
	char *p = xasprintf("%c:%s", dest_drive(c), vp);

	if (!p)
		return -ENOMEM;
	to_backslash(p);
	*subst = xasprintf("\\??\\%s", p);
	*print = p;
	return *subst ? 0 : -ENOMEM;
}

static int build_symlink(struct nl_copy *c, struct cp_node *n, bool junction, bool relative,
			 bool print_empty, const char *text_or_vp)
{
	char *subst = NULL, *print = NULL;
	int rc;

	if (relative) {
		subst = strdup(text_or_vp);
		print = strdup(text_or_vp);
		if (!subst || !print) {
			rc = -ENOMEM;
			goto out;
		}
		to_backslash(subst);
		to_backslash(print);
	} else {
		rc = win_abs(c, text_or_vp, &subst, &print);
		if (rc)
			goto out;
	}
	free(n->rp);
	n->rp = NULL;
	rc = nl_reparse_build_link(junction ? NL_TAG_MOUNT_POINT : NL_TAG_SYMLINK, subst,
				   junction && print_empty ? "" : print, relative ? 1 : 0,
				   &n->rp, &n->rp_len);
	if (rc == 0) {
		free(n->new_target);
		n->new_target = subst;
		subst = NULL;
	}
out:
	free(subst);
	free(print);
	return rc;
}

static int rewrite_inner(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;
	char *mrel = node_destrel(li->map->node), *prel = node_destrel(n->parent);
	const char *rest = li->canon + strlen(li->map->path);
	char *trel = NULL, *text = NULL;
	int rc = -ENOMEM;

	while (*rest == '/')
		rest++;
	if (!mrel || !prel)
		goto out;
	trel = *mrel ? (*rest ? xasprintf("%s/%s", mrel, rest) : strdup(mrel)) : strdup(rest);
	if (!trel)
		goto out;
	if (li->relative || !c->dst->ntfs) {
		text = rel_path(prel, trel);
		if (!text)
			goto out;
		if (li->orig_rel) {
			/* keep the text as it was when it still leads to the same place */
			char *pa = xasprintf("/%s", prel), *ta = xasprintf("/%s", trel), *r = NULL;
			bool above = false;

			if (pa && ta && nl_path_resolve(pa, li->orig_rel, &r, &above) == 0 &&
			    !above && !strcmp(r, ta)) {
				free(text);
				text = strdup(li->orig_rel);
			}
			free(pa);
			free(ta);
			free(r);
			if (!text)
				goto out;
		}
	}
	if (!c->dst->ntfs) {
		n->linux_symlink = true;
		free(n->new_target);
		n->new_target = text;
		text = NULL;
		rc = 0;
	} else if (li->relative) {
		rc = build_symlink(c, n, false, true, false, text);
	} else {
		char *vp;

		if (!c->dst->vol_path) {
			node_fail(c, n, "the destination's path inside its volume is unknown");
			rc = 0;
			goto out;
		}
		vp = *trel ? path_join(c->dst->vol_path, trel) : strdup(c->dst->vol_path);
		if (!vp)
			goto out;
		rc = build_symlink(c, n, li->junction, false, li->print_empty, vp);
		free(vp);
	}
out:
	free(mrel);
	free(prel);
	free(trel);
	free(text);
	return rc;
}

static int rewrite_splice(struct nl_copy *c, struct cp_link *li)
{
	struct cp_node *n = li->n;

	if (c->dst->ntfs) {
		if (n->st.type == CP_T_REPARSE) {
			n->rp = malloc(n->st.reparse_len);
			if (!n->rp)
				return -ENOMEM;
			memcpy(n->rp, n->st.reparse, n->st.reparse_len);
			n->rp_len = n->st.reparse_len;
			free(n->new_target);
			n->new_target = xstrdup(n->target);
			return 0;
		}
		/* a Linux symlink: relative stays relative, absolute gets the drive letter */
		return build_symlink(c, n, false, n->st.lnk[0] != '/', false, n->st.lnk);
	}
	n->linux_symlink = true;
	free(n->new_target);
	if (n->st.type == CP_T_LSYMLINK)
		n->new_target = strdup(n->st.lnk);
	else if (li->relative && li->orig_rel)
		n->new_target = strdup(li->orig_rel);
	else
		n->new_target = strdup(n->target ? n->target : "");
	return n->new_target ? 0 : -ENOMEM;
}

static int rewrite_links(struct nl_copy *c)
{
	for (size_t i = 0; i < c->nlinks; i++) {
		struct cp_link *li = c->links[i];
		int rc = 0;

		if (!li->n->create || li->n->failed || !is_link_stat(&li->n->st))
			continue;
		if (li->inner)
			rc = rewrite_inner(c, li);
		else if (li->splice)
			rc = rewrite_splice(c, li);
		if (rc == -ENOMEM)
			return rc;
		if (rc)
			node_fail(c, li->n, "cannot build the link: %s", strerror(-rc));
	}
	return 0;
}

/* ---- executing the plan ------------------------------------------------------------ */

struct exec_ctx {
	char *top_display;	/* destination folder that holds the copies */
};

static char *node_destdisplay(struct nl_copy *c, const struct cp_node *n, const char *top)
{
	char *rel = node_destrel(n), *r;

	if (!rel)
		return NULL;
	if (!*rel)
		return rel;
	r = xasprintf("%s%s%s", top, top[strlen(top) - 1] == '/' ? "" : "/", rel);
	free(rel);
	(void)c;
	return r;
}

static int progress(struct nl_copy *c)
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
	char *src = n->link_source ? strdup(n->link_source) : node_srcdisplay(n);
	char *dst = NULL;

	memset(&ev, 0, sizeof(ev));
	if (n->create && a != NL_COPY_ACT_ERROR)
		dst = node_destdisplay(c, n, x->top_display);
	ev.action = a;
	ev.kind = n->kind;
	ev.source = src;
	ev.dest = dst;
	ev.target = n->target;
	ev.new_target = a == NL_COPY_ACT_JUNCTION || a == NL_COPY_ACT_SYMLINK ||
			a == NL_COPY_ACT_SPLICED || a == NL_COPY_ACT_DANGLING ? n->new_target : NULL;
	ev.reason = reason ? reason : n->reason;
	ev.bytes = bytes;
	ev.mft = n->src && n->src->kind == CP_EP_IMAGE ? n->st.ino : UINT64_MAX;
	c->st.actions[a]++;
	if (item)
		c->st.items_done++;
	if (a == NL_COPY_ACT_ERROR)
		c->partial = true;
	if (c->o.on_action)
		c->o.on_action(c->o.action_ctx, &ev);
	if (a == NL_COPY_ACT_ERROR && c->o.problem && n->src) {
		char *sp = node_srcpath(n);

		c->o.problem(c->o.problem_ctx, n->src->kind == CP_EP_IMAGE ? n->src->image : sp,
			     ev.mft, n->src->kind == CP_EP_IMAGE ? sp : NULL,
			     ev.reason ? ev.reason : "failed");
		free(sp);
	}
	free(src);
	free(dst);
	progress(c);
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
	for (struct cp_node *k = n->child; k; k = next_pre(k, n, true))
		c->st.items_done++;
}

static struct cp_loc node_loc(struct cp_node *n, char **pathbuf)
{
	struct cp_loc loc = { .mref = n->st.mref, .path = NULL };

	*pathbuf = NULL;
	if (n->src->kind != CP_EP_IMAGE) {
		*pathbuf = node_srcpath(n);
		loc.path = *pathbuf;
	}
	return loc;
}

static bool wants_acl(struct nl_copy *c, struct cp_node *n)
{
	return !c->o.no_acl && c->dst->ntfs && n->src && n->src->kind != CP_EP_DIR;
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
		const struct cp_stream *st = &sv[i];
		uint64_t off = 0, a, b;

		if (st->name && !d->ntfs && !d->xattr_streams) {
			(*lost)++;
			continue;
		}
		if (!st->name && n->st.is_dir)
			continue;
		if (st->sparse && d->ntfs) {
			rc = d->ops->set_sparse(d, &n->dh, st->name);
			if (rc)
				break;
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
			for (off = a; off < b && !rc;) {
				size_t want = b - off < c->bufsz ? (size_t)(b - off) : c->bufsz;
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
				rc = d->ops->write(d, &n->dh, st->name, off, c->buf, (size_t)got);
				if (rc) {
					snprintf(why, whylen, "%s", d->ops->errmsg(d));
					break;
				}
				off += (uint64_t)got;
				*bytes += (uint64_t)got;
				c->st.bytes_done += (uint64_t)got;
				if (progress(c))
					rc = -ECANCELED;
			}
			off = b;
		}
		if (!rc && c->stop)
			rc = -ECANCELED;
		if (!rc) {
			rc = d->ops->set_size(d, &n->dh, st->name, st->size);
			if (rc)
				snprintf(why, whylen, "%s", d->ops->errmsg(d));
		}
	}
	if (!rc && wants_acl(c, n)) {
		uint8_t *sd = NULL;
		size_t sl = 0;

		if (s->ops->security(s, fh, &sd, &sl) == 0) {
			rc = d->ops->set_security(d, &n->dh, sd, sl);
			if (rc)
				snprintf(why, whylen, "%s", d->ops->errmsg(d));
		}
		free(sd);
	}
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
		attrs &= ~CP_FA_READONLY;
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
	if (!dos && n->st.name_space == CP_NS_WIN32_AND_DOS && d->kind == CP_EP_NTFS3G)
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

static void exec_file(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	struct cp_group *g = n->group;
	char why[512] = "";
	uint64_t bytes = 0;
	unsigned lost = 0;
	int rc;

	if (g && g->state == 1) {
		rc = d->ops->link(d, g->first, &g->first->dh, &n->parent->dh, n->name,
				  n->st.name_space);
		if (rc) {
			fail_now(c, x, n, d->ops->errmsg(d));
			return;
		}
		n->dh = g->first->dh;
		n->dh.fd = -1;
		set_dos(c, x, n);
		g->made++;
		report(c, x, n, n->unrolled ? NL_COPY_ACT_UNROLLED : NL_COPY_ACT_HARDLINKED, NULL, 0,
		       true);
		if (d->times_after_links && g->made == g->planned)
			set_meta(c, x, g->first, true);
		return;
	}
	if (d->ops->folder_compress && (n->st.attrs & CP_FA_COMPRESSED)) {
		/* created in a (for now) compressed folder, the file is compressed */
		int changed = d->ops->folder_compress(d, &n->parent->dh, true);

		rc = d->ops->create(d, &n->parent->dh, n->name, n->st.name_space, &n->dh);
		if (changed > 0)
			d->ops->folder_compress(d, &n->parent->dh, false);
	} else {
		rc = d->ops->create(d, &n->parent->dh, n->name, n->st.name_space, &n->dh);
	}
	if (rc) {
		fail_now(c, x, n, d->ops->errmsg(d));
		return;
	}
	set_dos(c, x, n);
	if (d->ntfs && (n->st.attrs & CP_FA_COMPRESSED))
		d->ops->set_attrs(d, &n->dh, n->st.attrs, true);
	rc = copy_contents(c, n, &bytes, &lost, why, sizeof(why));
	if (rc) {
		d->ops->close(d, &n->dh);
		d->ops->remove(d, &n->parent->dh, &n->dh, n->name, false);
		fail_now(c, x, n, why);
		if (g)
			g->state = 0;
		return;
	}
	if (g) {
		g->state = 1;
		g->first = n;
		g->made = 1;
	}
	set_meta(c, x, n, !d->times_after_links || !g || g->planned <= 1);
	report(c, x, n, n->unrolled ? NL_COPY_ACT_UNROLLED : NL_COPY_ACT_COPIED, NULL, bytes, true);
	if (lost) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%u named stream%s dropped", lost, lost == 1 ? "" : "s");
		report(c, x, n, NL_COPY_ACT_WARNING, msg, 0, false);
	}
	if (n->st.type == CP_T_REPARSE && !d->ntfs) {
		char msg[96];

		snprintf(msg, sizeof(msg), "reparse point 0x%08x dropped", rp_tag(&n->st));
		report(c, x, n, NL_COPY_ACT_WARNING, msg, 0, false);
	}
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
		rc = d->ops->symlink(d, &n->parent->dh, n->name, n->new_target);
		if (rc)
			fail_now(c, x, n, d->ops->errmsg(d));
		else
			report(c, x, n, n->action, NULL, 0, true);
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

static void exec_dir(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n)
{
	struct cp_dst *d = c->dst;
	char why[512] = "";
	uint64_t bytes = 0;
	unsigned lost = 0;
	int rc;

	rc = d->ops->mkdir(d, &n->parent->dh, n->name, n->st.name_space, &n->dh);
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
		report(c, x, n, n->action, NULL, n->group && n->group->first == n ? n->st.size : 0,
		       true);
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

/* ---- run ------------------------------------------------------------------------------ */

static bool same_volume_path_under(const char *vk1, const char *p1, const char *vk2, const char *p2,
				   bool ntfs)
{
	char *a, *b;
	bool r;

	if (strcmp(vk1, vk2))
		return false;
	a = strdup(p1);
	b = strdup(p2);
	if (!a || !b) {
		free(a);
		free(b);
		return false;
	}
	for (char *q = a; *q; q++)
		if (*q == '\\')
			*q = '/';
	for (char *q = b; *q; q++)
		if (*q == '\\')
			*q = '/';
	while (strlen(a) > 1 && a[strlen(a) - 1] == '/')
		a[strlen(a) - 1] = 0;
	while (strlen(b) > 1 && b[strlen(b) - 1] == '/')
		b[strlen(b) - 1] = 0;
	if (ntfs) {
		/* NTFS paths compare without case (good enough for the ASCII letters) */
		for (char *q = a; *q; q++)
			if (*q >= 'a' && *q <= 'z')
				*q = (char)(*q - 32);
		for (char *q = b; *q; q++)
			if (*q >= 'a' && *q <= 'z')
				*q = (char)(*q - 32);
	}
	r = path_under(a, b);
	free(a);
	free(b);
	return r;
}

/* Name of a source's copy: its last component, or the image's name for a volume root. */
static char *root_name(const struct cp_src *s)
{
	const char *b = strrchr(s->root, '/');
	char *r;

	if (b && b[1])
		return strdup(b + 1);
	if (s->kind != CP_EP_IMAGE)
		return strdup("root");
	b = strrchr(s->image, '/');
	r = strdup(b ? b + 1 : s->image);
	if (r) {
		char *dot = strrchr(r, '.'), *at = strrchr(r, '@');

		if (at)
			*at = 0;
		if (dot && dot != r)
			*dot = 0;
	}
	return r;
}

static int stat_dup(struct cp_stat *dst, const struct cp_stat *src)
{
	*dst = *src;
	dst->dos_name = NULL;
	dst->reparse = NULL;
	dst->lnk = NULL;
	if (src->reparse) {
		dst->reparse = malloc(src->reparse_len);
		if (!dst->reparse)
			return -ENOMEM;
		memcpy(dst->reparse, src->reparse, src->reparse_len);
	}
	if (src->lnk && !(dst->lnk = strdup(src->lnk)))
		return -ENOMEM;
	return 0;
}

static int plan_root(struct nl_copy *c, struct cp_node *attach, struct cp_src *s, const char *name)
{
	struct cp_node *n;
	char *dn = name ? strdup(name) : NULL;
	int rc;

	if (!dn) {
		char *rn = root_name(s);

		if (!rn)
			return -ENOMEM;
		dn = auto_name(c, attach, rn, s->root_st.is_dir);
		free(rn);
		if (!dn)
			return -ENOMEM;
	}
	n = node_new(c, attach, s, dn);
	free(dn);
	if (!n)
		return -ENOMEM;
	n->is_root = true;
	n->anchor = strdup(s->root);
	if (!n->anchor)
		return -ENOMEM;
	rc = stat_dup(&n->st, &s->root_st);
	if (rc)
		return rc;
	n->st.name_space = CP_NS_POSIX;
	rc = classify(c, n);
	if (rc)
		return rc;
	if (n->st.is_dir)
		rc = map_add(c, s->vol_key, s->root, n, true);
	return rc;
}

int nl_copy_run(struct nl_copy *c)
{
	struct cp_dst *d = c->dst;
	struct exec_ctx x = { 0 };
	struct cp_node *attach;
	int rc;

	if (c->ran) {
		set_err(c, "the copy has already run");
		return -EINVAL;
	}
	c->ran = true;
	if (!c->nsrc || !d) {
		set_err(c, c->nsrc ? "no destination" : "no source");
		return -EINVAL;
	}
	for (size_t i = 0; i < c->nsrc; i++) {
		struct cp_src *s = c->src[i];
		bool ntfs = s->kind == CP_EP_IMAGE;

		if (same_volume_path_under(d->vol_key, d->path, s->vol_key, s->root, ntfs)) {
			set_err(c, "the destination '%s' is inside the source '%s'", d->spec, s->spec);
			return -ELOOP;
		}
		if (same_volume_path_under(s->vol_key, s->root, d->vol_key, d->path, ntfs)) {
			set_err(c, "the source '%s' is inside the destination '%s'", s->spec, d->spec);
			return -ELOOP;
		}
		for (size_t j = 0; j < c->nsrc; j++)
			if (i != j && same_volume_path_under(s->vol_key, s->root, c->src[j]->vol_key,
							    c->src[j]->root, ntfs)) {
				set_err(c, "the source '%s' is inside the source '%s'", s->spec,
					c->src[j]->spec);
				return -EINVAL;
			}
	}
	c->buf = malloc(c->bufsz);
	c->top = node_new(c, NULL, NULL, "");
	if (!c->buf || !c->top)
		return -ENOMEM;
	c->top->dh = d->root;
	c->top->create = true;
	if (d->kind == CP_EP_IMAGE) {
		const char *vp = d->vol_path ? d->vol_path : "/";

		x.top_display = xasprintf("%s:%s", d->image, vp);
	} else {
		x.top_display = d->exists ? strdup(d->path) : path_dirname(d->path);
	}
	if (!x.top_display)
		return -ENOMEM;

	/* The roots. */
	attach = c->top;
	rc = 0;
	if (!d->exists && c->nsrc == 1) {
		rc = plan_root(c, c->top, c->src[0], d->leaf);
	} else {
		if (!d->exists) {
			attach = node_new(c, c->top, NULL, d->leaf);
			if (!attach) {
				rc = -ENOMEM;
				goto out;
			}
			attach->kind = NL_COPY_KIND_FOLDER;
			attach->action = NL_COPY_ACT_FOLDER;
			attach->create = true;
		}
		for (size_t i = 0; i < c->nsrc && !rc; i++) {
			struct cp_src *s = c->src[i];

			if (c->o.into && s->root_st.is_dir) {
				attach->is_root = true;
				rc = map_add(c, s->vol_key, s->root, attach, true);
				if (!rc)
					rc = walk_dir(c, attach, s, &s->root_st, s->root);
			} else {
				rc = plan_root(c, attach, s, NULL);
			}
		}
	}
	if (!rc)
		rc = plan_links(c);
	if (rc)
		goto out;
	finalize(c);
	rc = rewrite_links(c);
	if (rc)
		goto out;
	progress(c);

	/* Execute (a dry run only reports). */
	exec_children(c, &x, c->top);
	owed_times(c, &x);
	if (!c->o.dry_run) {
		/* sources read through the writer are done before it unmounts */
		for (size_t i = 0; i < c->nsrc; i++)
			if (c->src[i]->shared)
				cp_src_ntfs_detach(c->src[i]);
		rc = d->ops->finish(d);
		if (rc) {
			set_err(c, "%s", d->ops->errmsg(d));
			goto out;
		}
	}
	if (c->stop) {
		set_err(c, "stopped");
		rc = -ECANCELED;
		goto out;
	}
	rc = c->partial ? 1 : 0;
out:
	if (rc < 0 && !*c->err)
		set_err(c, "%s", strerror(-rc));
	free(x.top_display);
	return rc;
}

void nl_copy_free(struct nl_copy **cp)
{
	struct nl_copy *c = cp ? *cp : NULL;

	if (!c)
		return;
	if (c->top) {
		c->top->dh.fd = -1;	/* the destination's own handle */
		node_free_tree(c->top);
	}
	for (size_t i = 0; i < c->nmaps; i++)
		free(c->maps[i].path);
	free(c->maps);
	for (size_t i = 0; i < c->htcap; i++)
		while (c->ht[i]) {
			struct cp_group *g = c->ht[i];

			c->ht[i] = g->hnext;
			free(g);
		}
	free(c->ht);
	for (size_t i = 0; i < c->nlinks; i++)
		link_free(c->links[i]);
	free(c->links);
	free(c->pend);
	free(c->walkq);
	dst_free(c->dst);
	for (size_t i = 0; i < c->nsrc; i++)
		src_free(c->src[i]);
	free(c->src);
	free(c->buf);
	free(c);
	*cp = NULL;
}
