/* copy_partial.c: the mark of an unfinished copy (a file CP_PARTIAL_MARK in the folder a copy made as its destination, there until everything below it is written) and, when the same command runs again, the removal of what the interrupted run left. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ntfslinks/scan.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/writer.h>

#include "copy/copy_backend_int.h"

/* ---- a Linux folder ---------------------------------------------------- */

/* Remove @name in the folder open at @dirfd with everything in it; symbolic links are removed,
 * never followed. 0 or -errno. */
static int rm_tree_at(int dirfd, const char *name, unsigned depth)
{
	struct dirent *e;
	DIR *dir;
	int fd, rc = 0;

	if (depth >= NL_PATH_DEPTH_MAX)
		return -ELOOP;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while (!rc && (e = readdir(dir))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			rc = -errno;
		else if (S_ISDIR(st.st_mode))
			rc = rm_tree_at(fd, e->d_name, depth + 1);
		else if (unlinkat(fd, e->d_name, 0))
			rc = -errno;
	}
	closedir(dir);
	if (!rc && unlinkat(dirfd, name, AT_REMOVEDIR))
		rc = -errno;
	return rc;
}

/* Remove the temporary folder CP_TMPDIR_PREFIX @leaf CP_TMPDIR_SUFFIX in the folder open at
 * @fd, what a copy killed before it renamed its new folder left: 1 removed, 0 none, -errno. */
static int clear_tmpdir(int fd, const char *leaf)
{
	char tmp[NAME_MAX + 1];
	struct stat st;
	int rc;

	if (snprintf(tmp, sizeof(tmp), CP_TMPDIR_PREFIX "%s" CP_TMPDIR_SUFFIX, leaf) >=
	    (int)sizeof(tmp) || fstatat(fd, tmp, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
		return 0;
	rc = rm_tree_at(fd, tmp, 0);
	return rc ? rc : 1;
}

int cp_partial_clear_dir(const char *path)
{
	char *dir = strdup(path), *leaf, mark[NAME_MAX + sizeof("/" CP_PARTIAL_MARK)];
	struct stat st;
	int rc = 0, r, fd;
	size_t n;

	if (!dir)
		return -ENOMEM;
	for (n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
		dir[n - 1] = 0;
	leaf = strrchr(dir, '/');
	if (leaf && !leaf[1])
		goto out;	/* the file system's root */
	if (leaf) {
		*leaf++ = 0;
		fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		leaf = dir;
		fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0) {
		rc = errno == ENOENT ? 0 : -errno;	/* no folder to hold a copy yet */
		goto out;
	}
	rc = clear_tmpdir(fd, leaf);
	if (rc >= 0 && snprintf(mark, sizeof(mark), "%s/" CP_PARTIAL_MARK, leaf) < (int)sizeof(mark) &&
	    !fstatat(fd, leaf, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode) &&
	    !fstatat(fd, mark, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode)) {
		/* the folder holds the mark: what a copy killed midway left */
		r = rm_tree_at(fd, leaf, 0);
		rc = r ? r : 1;
	}
	close(fd);
out:
	free(dir);
	return rc;
}

/* ---- a folder in an image ------------------------------------------------ */

struct img_name {
	uint64_t ref;
	uint16_t *name;
	size_t len;
};

struct img_list {
	struct img_name *v;
	size_t n, cap;
};

static int collect(void *ctx, const struct nl_dirent *d)
{
	struct img_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct img_name *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].name = malloc(d->len * sizeof(uint16_t) + 1);
	if (!l->v[l->n].name)
		return -ENOMEM;
	memcpy(l->v[l->n].name, d->name, d->len * sizeof(uint16_t));
	l->v[l->n].len = d->len;
	l->v[l->n].ref = d->ref;
	l->n++;
	return 0;
}

/* Remove the folder @dir, named @name in @parent, with everything in it; junctions and
 * symbolic links are removed as links. 0 or -errno. */
static int img_rm_tree(nl_writer *w, uint64_t dir, uint64_t parent, const uint16_t *name,
		       size_t len, unsigned depth)
{
	struct img_list l = { 0 };
	int rc;

	if (depth >= NL_PATH_DEPTH_MAX)
		return -ELOOP;
	/* the names first: the folder must not change while it is listed */
	rc = nl_writer_list(w, dir, collect, &l);
	for (size_t i = 0; i < l.n && !rc; i++) {
		uint32_t attrs = 0;
		int isdir = nl_writer_is_dir(w, l.v[i].ref);

		if (isdir < 0 || (rc = nl_writer_get_attributes(w, l.v[i].ref, &attrs)))
			rc = isdir < 0 ? isdir : rc;
		else if (isdir && !(attrs & NL_FA_REPARSE_POINT))
			rc = img_rm_tree(w, l.v[i].ref, dir, l.v[i].name, l.v[i].len, depth + 1);
		else
			rc = nl_writer_unlink(w, l.v[i].ref, dir, l.v[i].name, l.v[i].len);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	return rc ? rc : nl_writer_unlink(w, dir, parent, name, len);
}

int cp_partial_clear_image(nl_writer *w, const char *parent, const char *leaf)
{
	uint16_t u[NL_NAME_MAX_UNITS], mark[sizeof(CP_PARTIAL_MARK)];
	uint64_t pref, ref, mref;
	ssize_t n, m;
	int rc;

	if (!leaf || !*leaf)
		return 0;	/* the root */
	n = nl_wtf8_to_utf16le_buf(leaf, strlen(leaf), u, NL_NAME_MAX_UNITS);
	m = nl_wtf8_to_utf16le_buf(CP_PARTIAL_MARK, strlen(CP_PARTIAL_MARK), mark,
				   sizeof(CP_PARTIAL_MARK));
	if (n <= 0 || m <= 0)
		return 0;	/* not a name: nothing of ours there */
	if (nl_writer_lookup_path(w, parent, &pref) ||
	    nl_writer_lookup(w, pref, u, (size_t)n, &ref) || nl_writer_is_dir(w, ref) != 1 ||
	    nl_writer_lookup(w, ref, mark, (size_t)m, &mref) || nl_writer_is_dir(w, mref) != 0)
		return 0;	/* a finished copy, or no copy at all */
	rc = img_rm_tree(w, ref, pref, u, (size_t)n, 0);
	return rc ? rc : 1;
}

/* ---- below an existing destination folder ------------------------------------ */

int cp_partial_clear_below(struct cp_dst *d, const char *name)
{
	struct nl_writer *w;
	char *path;
	int rc;

	if (!d->exists || !d->path || !*name || strchr(name, '/'))
		return 0;
	if (d->kind == CP_EP_IMAGE) {
		w = cp_dst_ntfs_writer(d);
		return w ? cp_partial_clear_image(w, d->path, name) : 0;
	}
	path = malloc(strlen(d->path) + strlen(name) + 2);
	if (!path)
		return -ENOMEM;
	strcpy(path, d->path);
	if (strcmp(d->path, "/"))
		strcat(path, "/");
	strcat(path, name);
	rc = cp_partial_clear_dir(path);
	free(path);
	return rc;
}
