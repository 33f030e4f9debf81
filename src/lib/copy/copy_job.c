/* copy_job.c: the copy job and its public API: options, names of actions and kinds, sources and destination, freeing. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/writer.h>

#include "copy/copy_engine_int.h"

#define FUSE_SUPER_MAGIC 0x65735546

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
	[NL_COPY_ACT_CLONED] = "cloned",
	[NL_COPY_ACT_DELETED] = "deleted",
	[NL_COPY_ACT_UPDATED] = "updated",
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
}

/* ---- the job ---------------------------------------------------------------- */

void cp_set_err(struct nl_copy *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

int nl_copy_new(const struct nl_copy_options *opt, struct nl_copy **out)
{
	struct nl_copy *c;

	*out = NULL;
	if (!opt || opt->outer > NL_COPY_UNROLL || opt->streams > NL_COPY_STREAMS_XATTR ||
	    opt->clone > NL_COPY_CLONE_SYMBOLIC || (opt->mirror && opt->clone))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->o = *opt;
	if (c->o.mirror)
		c->o.into = true;	/* the destination is the copy of the source folder */
	if (c->o.src_drive)
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

bool cp_image_spec_split(const char *spec, char **image, char **path)
{
	*image = *path = NULL;
	if (parse_image_spec(spec, image, path))
		return true;
	free(*image);
	free(*path);
	*image = *path = NULL;
	return false;
}

/*
 * Does @spec name an image that does not exist: "NAME:" or "NAME:/path" (or
 * "NAME@N:..."), NAME not on the host while the spec as a whole is no host
 * path either? *@image gets NAME (malloc'ed) when it does.
 */
static bool missing_image_spec(const char *spec, char **image)
{
	const char *q = strchr(spec, ':');
	struct stat sb;
	char *img, *at;
	bool r;

	*image = NULL;
	if (!q || q == spec || (q[1] && q[1] != '/' && q[1] != '\\') || lstat(spec, &sb) == 0)
		return false;
	img = strndup(spec, (size_t)(q - spec));
	if (!img)
		return false;
	at = strrchr(img, '@');
	if (at && at[1] && strspn(at + 1, "0123456789") == strlen(at + 1))
		*at = 0;	/* IMAGE@N: the image file is IMAGE */
	r = lstat(img, &sb) != 0 && errno == ENOENT;
	if (at)
		*at = '@';
	if (r)
		*image = img;
	else
		free(img);
	return r;
}

void cp_src_free(struct cp_src *s)
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
	if (missing_image_spec(spec, &image)) {
		snprintf(err, sizeof(err), "no such image '%.900s'", image);
		free(image);
		rc = -ENXIO;
		goto out;
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
		cp_set_err(c, "%s", *err ? err : strerror(-rc));
		cp_src_free(s);
		return rc;
	}
	if (s->root_st.type == CP_T_OTHER || (s->kind == CP_EP_IMAGE && is_link_stat(&s->root_st))) {
		cp_set_err(c, "%s", s->root_st.type == CP_T_OTHER ? "not a file or folder" :
			"the source is a junction or symbolic link: name its target");
		cp_src_free(s);
		return -EINVAL;
	}
	ns = realloc(c->src, (c->nsrc + 1) * sizeof(*ns));
	if (!ns) {
		cp_src_free(s);
		return -ENOMEM;
	}
	c->src = ns;
	c->src[c->nsrc++] = s;
	return cp_source_prepare(c, s);
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

/*
 * Open the image destination @d (@image, folder @path in it). Image sources
 * of the same volume are unmounted first and then read through its writer.
 */
static int dest_open_image(struct nl_copy *c, struct cp_dst *d, const char *image,
			   const char *path, char *err, size_t errlen)
{
	bool *moved = NULL;
	char *key = NULL;
	int rc = 0;

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
		rc = cp_dst_ntfs_open(d, image, path, c->o.dry_run, c->o.parents, err, errlen);
	if (moved)
		rc = move_sources(c, d, moved, rc, err, errlen);
	free(moved);
	free(key);
	return rc;
}

/* Make the missing folders above host path @path (mkdir -p of its folder). */
static int make_parents(const char *path, char *err, size_t errlen)
{
	char *p = path_dirname(path);
	int rc = 0;

	if (!p)
		return -ENOMEM;
	for (char *q = p + 1; !rc; q++) {
		char save = *q;

		if (save && save != '/')
			continue;
		*q = 0;
		if (mkdir(p, 0777) && errno != EEXIST) {
			rc = -errno;
			snprintf(err, errlen, "cannot create the folder '%.900s': %s", p,
				 strerror(errno));
		}
		*q = save;
		if (!save)
			break;
	}
	free(p);
	return rc;
}

/* Open the host folder destination @d (@spec), on an ntfs-3g mount or not. */
static int dest_open_dir(struct nl_copy *c, struct cp_dst *d, const char *spec, char *err,
			 size_t errlen)
{
	char *probe, *mnt = NULL;
	bool n3g, removed = false;
	struct stat sb;
	int rc;

	d->image = strdup(spec);
	if (!c->o.dry_run && (rc = cp_partial_clear_dir(spec)) != 0) {
		if (rc < 0) {
			snprintf(err, errlen, "cannot remove the unfinished copy an earlier run "
				 "left: %s", strerror(-rc));
			return rc;
		}
		removed = true;
	}
	if (c->o.parents && stat(spec, &sb) != 0) {
		char *up = path_dirname(spec);
		bool missing = up && strchr(spec, '/') && stat(up, &sb) != 0;

		if (missing && c->o.dry_run)
			snprintf(err, errlen, "the folder '%.900s' does not exist: -p makes it, "
				 "a dry run does not", up);
		free(up);
		if (missing && c->o.dry_run)
			return -ENOENT;
		rc = c->o.dry_run ? 0 : make_parents(spec, err, errlen);
		if (rc)
			return rc;
	}
	probe = stat(spec, &sb) == 0 ? strdup(spec) : path_dirname(spec);
	if (probe && !strchr(spec, '/')) {
		if (stat(spec, &sb) != 0) {
			free(probe);
			probe = strdup(".");
		}
	}
	n3g = probe && cp_is_ntfs3g_dir(probe, &mnt);
	free(probe);
	rc = cp_dst_dir_open(d, spec, n3g, c->o.dry_run, err, errlen);
	d->partial_removed = removed;
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
	return rc;
}

/* The destination image @image does not exist: format it (create_image), else say how. */
static int create_image(struct nl_copy *c, const char *image, char *err, size_t errlen)
{
	struct nl_format_opts fo = { .size = c->o.create_image };
	char e[NL_COPY_ERRLEN_INTERNAL] = "";
	int rc;

	if (!c->o.create_image) {
		snprintf(err, errlen, "no such image '%.400s': create it with --create-image SIZE "
			 "(or mkntfs -F -f -q -T, on a file of that size)", image);
		return -ENXIO;
	}
	if (strchr(image, '@')) {
		snprintf(err, errlen, "no such image '%.400s': a partition cannot be created", image);
		return -ENXIO;
	}
	if (c->o.dry_run) {
		snprintf(err, errlen, "no such image '%.400s': a dry run does not create it", image);
		return -ENXIO;
	}
	rc = nl_writer_format(image, &fo, e, sizeof(e));
	if (rc)
		snprintf(err, errlen, "cannot create the image '%.400s': %.500s", image,
			 *e ? e : strerror(-rc));
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
		cp_set_err(c, "only one destination");
		free(d);
		return -EINVAL;
	}
	d->spec = strdup(spec);
	if (!d->spec) {
		free(d);
		return -ENOMEM;
	}
	if (missing_image_spec(spec, &image)) {
		rc = create_image(c, image, err, sizeof(err));
		free(image);
		image = NULL;
		if (rc)
			goto out;
	}
	if (parse_image_spec(spec, &image, &path)) {
		d->image = image;
		rc = dest_open_image(c, d, image, path, err, sizeof(err));
	} else {
		free(image);
		rc = dest_open_dir(c, d, spec, err, sizeof(err));
	}
out:
	free(path);
	if (rc) {
		cp_set_err(c, "%s", *err ? err : strerror(-rc));
		dst_free(d);
		return rc;
	}
	d->xattr_streams = !d->ntfs && c->o.streams == NL_COPY_STREAMS_XATTR;
	c->dst = d;
	return 0;
}

void nl_copy_free(struct nl_copy **cp)
{
	struct nl_copy *c = cp ? *cp : NULL;

	if (!c)
		return;
	if (c->top) {
		c->top->dh.fd = -1;	/* the destination's own handle */
		cp_node_free_tree(c->top);
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
		cp_link_free(c->links[i]);
	cp_lookups_free(c);
	free(c->links);
	free(c->pend);
	free(c->walkq);
	free(c->seen);
	dst_free(c->dst);
	for (size_t i = 0; i < c->nsrc; i++)
		cp_src_free(c->src[i]);
	free(c->src);
	free(c->buf);
	free(c);
	*cp = NULL;
}
