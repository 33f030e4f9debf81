/* bytesource_split.c: split raw images: the segments "x.001", "x.002", ... (or "x.aa", "x.ab", ...) read as one disk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "image/bytesource_int.h"
#include "image/device_int.h"

/* Segments beyond this are not looked for (a set that long is not a disk). */
#define SPLIT_MAX_SEGMENTS 100000

struct segment {
	int fd;
	uint64_t start, size;   /* where it lies in the whole */
};

struct split {
	struct segment *seg;
	size_t count;
};

/* suffix_of: where the segment counter of @path starts and its kind: digits
 * after a dot (two or more), or a run of two or more letters ending the name.
 * Returns the length of the counter, 0 if the name has none. */
static size_t suffix_of(const char *path, bool *digits)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(path), n = 0;

	base = base ? base + 1 : path;
	while (n < len && path + len - n > base && path[len - n - 1] >= '0' && path[len - n - 1] <= '9')
		n++;
	if (n >= 2 && path + len - n > base && path[len - n - 1] == '.') {
		*digits = true;
		return n;
	}
	n = 0;
	while (path + len - n > base && path[len - n - 1] == 'a')
		n++;
	*digits = false;
	return n >= 2 ? n : 0;
}

/* next_name: advance the counter of @name (its last @n characters) in place;
 * false when it would overflow its width. */
static bool next_name(char *name, size_t n, bool digits)
{
	char *p = name + strlen(name) - 1;

	for (size_t i = 0; i < n; i++, p--) {
		char top = digits ? '9' : 'z', bottom = digits ? '0' : 'a';

		if (*p != top) {
			(*p)++;
			return true;
		}
		*p = bottom;
	}
	return false;
}

/* is_first: the counter of @path is the first one (0 or 1; "aa...") */
static bool is_first(const char *path, size_t n, bool digits)
{
	const char *c = path + strlen(path) - n;

	for (size_t i = 0; i + 1 < n; i++)
		if (c[i] != (digits ? '0' : 'a'))
			return false;
	return digits ? (c[n - 1] == '0' || c[n - 1] == '1') : c[n - 1] == 'a';
}

bool nl_split_is_first_segment(const char *path)
{
	bool digits;
	size_t n = suffix_of(path, &digits);
	struct stat st;
	char *next;
	bool r;

	if (!n || !is_first(path, n, digits))
		return false;
	next = strdup(path);
	if (!next)
		return false;
	r = next_name(next, n, digits) && stat(next, &st) == 0 && S_ISREG(st.st_mode);
	free(next);
	return r;
}

static ssize_t split_pread(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off)
{
	struct split *s = bs->priv;
	size_t lo = 0, hi = s->count;

	while (hi - lo > 1) {  /* the last segment starting at or before @off */
		size_t mid = lo + (hi - lo) / 2;

		if (s->seg[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	const struct segment *g = &s->seg[lo];
	uint64_t in = off - g->start;

	if (in >= g->size)
		return 0;
	if (len > g->size - in)
		len = (size_t)(g->size - in);
	for (;;) {
		ssize_t n = pread(g->fd, buf, len, (off_t)in);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

static void split_close(struct nl_bytesource *bs)
{
	struct split *s = bs->priv;

	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++)
		close(s->seg[i].fd);
	free(s->seg);
	free(s);
	bs->priv = NULL;
}

static const struct nl_bytesource_ops split_ops = { .pread = split_pread, .close = split_close };

/* add_segment: open @name as the next segment of @s.  -ENOENT ends the set. */
static int add_segment(struct split *s, const char *name, size_t *cap)
{
	uint64_t size;
	int fd, rc;

	if (s->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct segment *ns = realloc(s->seg, ncap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		s->seg = ns;
		*cap = ncap;
	}
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((rc = nl_fd_size(fd, &size)) < 0) {
		close(fd);
		return rc;
	}
	s->seg[s->count].fd = fd;
	s->seg[s->count].start = s->count ? s->seg[s->count - 1].start + s->seg[s->count - 1].size : 0;
	s->seg[s->count].size = size;
	s->count++;
	return 0;
}

static int split_open(struct nl_bytesource *bs, const char *path, char *err, size_t errlen)
{
	bool digits;
	size_t n = suffix_of(path, &digits), cap = 0;
	struct split *s = calloc(1, sizeof(*s));
	char *name = strdup(path);
	int rc = 0;

	if (!s || !name) {
		free(s);
		free(name);
		return -ENOMEM;
	}
	if (!n || !is_first(path, n, digits)) {
		nl_set_err(err, errlen, "not the first segment of a split image (x.001, x.000 or x.aa)");
		rc = -EINVAL;
	}
	for (size_t i = 0; rc == 0 && i < SPLIT_MAX_SEGMENTS; i++) {
		rc = add_segment(s, name, &cap);
		if (rc == -ENOENT && i > 0) {
			rc = 0;
			break;
		}
		if (rc < 0)
			nl_set_err(err, errlen, "segment '%s': %s", name, strerror(-rc));
		else if (!next_name(name, n, digits))
			break;
	}
	free(name);
	bs->priv = s;
	if (rc < 0) {
		split_close(bs);
		return rc;
	}
	bs->ops = &split_ops;
	bs->size = s->seg[s->count - 1].start + s->seg[s->count - 1].size;
	return 0;
}

const struct nl_bytesource_backend nl_bs_split = {
	.format = NL_FORMAT_SPLIT,
	.probe = NULL,
	.open = split_open,
};
