/* diff_content.c: comparing what two entries hold: data streams byte for byte, times, attributes, security descriptors. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ondisk.h>

#include "diff/diff_int.h"

/* The attribute bits compared: all but these, which copies and mounts set their own way. */
#define DF_FA_IGNORED (NL_FA_NORMAL | NL_FA_DIRECTORY | NL_FA_ARCHIVE | NL_FA_DUP_DIRECTORY)

/* An entry opened for reading. */
struct df_open {
	struct cp_src *s;
	void *fh;
	const struct cp_stream *streams;
	size_t n;
	size_t first;		/* streams before this one are left out */
};

static int open_entry(struct nl_diff *d, int side, const struct df_entry *e, struct df_open *o)
{
	struct df_tree *t = &d->t[side];
	struct cp_loc loc = { .mref = e->st.mref };
	char *path = df_src_path(t, e->rel);
	int rc;

	memset(o, 0, sizeof(*o));
	o->s = t->s;
	if (!path)
		return -ENOMEM;
	loc.path = path;
	rc = t->s->ops->open(t->s, &loc, &e->st, &o->fh);
	free(path);
	if (!rc)
		rc = t->s->ops->streams(t->s, o->fh, &o->streams, &o->n);
	if (!rc && e->st.type == CP_T_REPARSE && o->n && !o->streams[0].name &&
	    !o->streams[0].size) {
		/* an empty unnamed stream of a reparse point counts as none (an
		   ntfs-3g mount opens no data of a symbolic link) */
		o->first = 1;
	}
	if (rc && o->fh) {
		t->s->ops->close(t->s, o->fh);
		o->fh = NULL;
	}
	return rc;
}

static void close_entry(struct df_open *o)
{
	if (o->fh)
		o->s->ops->close(o->s, o->fh);
	o->fh = NULL;
}

/* The index of stream @name in @o, or SIZE_MAX. */
static size_t find_stream(const struct df_open *o, const char *name)
{
	for (size_t i = o->first; i < o->n; i++)
		if ((!name && !o->streams[i].name) ||
		    (name && o->streams[i].name && !strcmp(name, o->streams[i].name)))
			return i;
	return SIZE_MAX;
}

static int name_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x ? x : "", y ? y : "");
}

/* "NAME:SIZE, ..." of the streams of @o in name order, the unnamed one as ":SIZE" (malloc'ed). */
static char *stream_list(const struct df_open *o)
{
	const char **names = malloc((o->n + 1) * sizeof(*names));
	char *s = strdup(""), *ns;

	if (!names || !s) {
		free(names);
		free(s);
		return NULL;
	}
	for (size_t i = o->first; i < o->n; i++)
		names[i - o->first] = o->streams[i].name;
	qsort(names, o->n - o->first, sizeof(*names), name_cmp);
	for (size_t i = 0; i < o->n - o->first && s; i++) {
		size_t k = find_stream(o, names[i]);

		ns = xasprintf("%s%s%s:%" PRIu64, s, *s ? ", " : "", names[i] ? names[i] : "",
			       o->streams[k].size);
		free(s);
		s = ns;
	}
	free(names);
	return s;
}

/* Read @n bytes at @off of stream @i into @buf (zeros past the end). 0 or -errno. */
static int read_full(struct df_open *o, size_t i, uint64_t off, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = o->s->ops->read(o->s, o->fh, i, off + got, buf + got, n - got);

		if (r < 0)
			return (int)r;
		if (r == 0) {
			memset(buf + got, 0, n - got);
			break;
		}
		got += (size_t)r;
	}
	return 0;
}

/* Compare the bytes of stream @name (the same size on both sides). */
static int compare_stream(struct nl_diff *d, const struct df_entry *ea, struct df_open *oa,
			  struct df_open *ob, const char *name)
{
	size_t ia = find_stream(oa, name), ib = find_stream(ob, name);
	uint64_t size = oa->streams[ia].size;
	char at[32];

	for (uint64_t off = 0; off < size;) {
		size_t n = size - off < d->bufsz ? (size_t)(size - off) : d->bufsz;
		int ra = read_full(oa, ia, off, d->buf[0], n);
		int rb = ra ? 0 : read_full(ob, ib, off, d->buf[1], n);

		if (ra || rb) {
			if (ra == -ENOMEM || rb == -ENOMEM)
				return -ENOMEM;
			df_report(d, NL_DIFF_ERROR, ea->rel, ra ? "a" : NULL, ra ? NULL : "b",
				  strerror(-(ra ? ra : rb)));
			return 0;
		}
		d->st.bytes_compared += n;
		if (memcmp(d->buf[0], d->buf[1], n)) {
			size_t k = 0;

			while (d->buf[0][k] == d->buf[1][k])
				k++;
			snprintf(at, sizeof(at), "%" PRIu64, off + k);
			df_report(d, NL_DIFF_DATA, ea->rel, at, at, name);
			return 0;
		}
		off += n;
	}
	return 0;
}

/* Streams: the same names and sizes, then the bytes of each. */
static int compare_streams(struct nl_diff *d, const struct df_entry *ea, struct df_open *oa,
			   struct df_open *ob)
{
	char *la = stream_list(oa), *lb = stream_list(ob);
	int rc = la && lb ? 0 : -ENOMEM;

	if (!rc && strcmp(la, lb))
		df_report(d, NL_DIFF_STREAMS, ea->rel, la, lb, NULL);
	for (size_t i = oa->first; i < oa->n && !rc; i++) {
		size_t k = find_stream(ob, oa->streams[i].name);

		if (k != SIZE_MAX && ob->streams[k].size == oa->streams[i].size)
			rc = compare_stream(d, ea, oa, ob, oa->streams[i].name);
	}
	free(la);
	free(lb);
	return rc;
}

/* A 64-bit FNV-1a hash, to show that two descriptors differ. */
static uint64_t fnv64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static int compare_security(struct nl_diff *d, const struct df_entry *ea, struct df_open *oa,
			    struct df_open *ob)
{
	uint8_t *sa = NULL, *sb = NULL;
	size_t la = 0, lb = 0;
	int ra = oa->s->ops->security(oa->s, oa->fh, &sa, &la);
	int rb = ob->s->ops->security(ob->s, ob->fh, &sb, &lb);
	char va[64], vb[64];
	int rc = 0;

	if (ra == -ENOMEM || rb == -ENOMEM) {
		rc = -ENOMEM;
	} else if ((ra && ra != -ENODATA) || (rb && rb != -ENODATA)) {
		df_report(d, NL_DIFF_ERROR, ea->rel, ra && ra != -ENODATA ? "a" : NULL,
			  ra && ra != -ENODATA ? NULL : "b",
			  strerror(-(ra && ra != -ENODATA ? ra : rb)));
	} else if (ra != rb || la != lb || (!ra && memcmp(sa, sb, la))) {
		snprintf(va, sizeof(va), "%zu bytes %016" PRIx64, la, fnv64(sa, la));
		snprintf(vb, sizeof(vb), "%zu bytes %016" PRIx64, lb, fnv64(sb, lb));
		df_report(d, NL_DIFF_SECURITY, ea->rel, ra ? NULL : va, rb ? NULL : vb, NULL);
	}
	free(sa);
	free(sb);
	return rc;
}

static void compare_time(struct nl_diff *d, const char *rel, int64_t a, int64_t b,
			 const char *which)
{
	char ta[40], tb[40];

	if (a == b)
		return;
	nl_format_ntfs_time(a, ta, sizeof(ta));
	nl_format_ntfs_time(b, tb, sizeof(tb));
	df_report(d, NL_DIFF_TIMES, rel, ta, tb, which);
}

/* Times and attribute bits, from the listing. */
static void compare_meta(struct nl_diff *d, const struct df_entry *ea, const struct df_entry *eb)
{
	uint32_t aa = ea->st.attrs & ~DF_FA_IGNORED, ab = eb->st.attrs & ~DF_FA_IGNORED;
	char va[16], vb[16];

	if (ea->st.has_times && eb->st.has_times) {
		compare_time(d, ea->rel, ea->st.t.crtime, eb->st.t.crtime, "creation");
		compare_time(d, ea->rel, ea->st.t.mtime, eb->st.t.mtime, "modification");
		compare_time(d, ea->rel, ea->st.t.atime, eb->st.t.atime, "access");
	}
	if (aa != ab) {
		snprintf(va, sizeof(va), "0x%08x", (unsigned)aa);
		snprintf(vb, sizeof(vb), "0x%08x", (unsigned)ab);
		df_report(d, NL_DIFF_ATTRIBUTES, ea->rel, va, vb, NULL);
	}
}

int df_compare_content(struct nl_diff *d, const struct df_entry *ea, const struct df_entry *eb)
{
	struct df_open oa, ob;
	int ra, rb, rc = 0;

	compare_meta(d, ea, eb);
	if (ea->st.type == CP_T_LSYMLINK || eb->st.type == CP_T_LSYMLINK ||
	    ea->st.type == CP_T_OTHER || eb->st.type == CP_T_OTHER)
		return 0;	/* nothing to open: a Linux symlink or a device */
	ra = open_entry(d, 0, ea, &oa);
	rb = open_entry(d, 1, eb, &ob);
	if (ra == -ENOMEM || rb == -ENOMEM) {
		rc = -ENOMEM;
	} else if (ra || rb) {
		df_report(d, NL_DIFF_ERROR, ea->rel, ra ? "a" : NULL, ra ? NULL : "b",
			  strerror(-(ra ? ra : rb)));
	} else {
		rc = compare_streams(d, ea, &oa, &ob);
		if (!rc)
			rc = compare_security(d, ea, &oa, &ob);
	}
	close_entry(&oa);
	close_entry(&ob);
	return rc;
}
