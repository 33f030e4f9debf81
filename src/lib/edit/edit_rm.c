/* edit_rm.c: removing names, folders, trees and reparse points, never following a junction, symbolic link or mount point. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/reparse.h>

#include "edit/edit_int.h"

/* Folders deeper than this are taken as a damaged volume (a cycle). */
#define RM_DEPTH_MAX 2048
/* Records below this are the volume's own files ($MFT ... $Extend). */
#define RM_FIRST_USER 16

enum rm_kind { RM_FILE, RM_DIR, RM_LINK, RM_UNREPARSE };

/* One removal, planned before anything is written. */
struct rm_step {
	enum rm_kind kind;
	uint64_t ref, parent;
	uint16_t units[NL_NAME_MAX_UNITS];
	size_t len;
	char *path;
	char *what;             /* links: "junction", "symlink", "mount_point", ... */
	char *target;           /* links: where it points (print name), or NULL */
	int names;              /* files: non-DOS names when planned */
	uint64_t clusters;      /* what the record holds */
	size_t prior;           /* earlier steps on the same record */
};

struct rm_plan {
	struct nl_edit *e;
	struct rm_step *v;
	size_t n, cap;
	bool links_only;
};

static void plan_free(struct rm_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].what);
		free(p->v[i].target);
	}
	free(p->v);
}

static struct rm_step *plan_add(struct rm_plan *p)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct rm_step *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->v = v;
		p->cap = cap;
	}
	memset(&p->v[p->n], 0, sizeof(p->v[0]));
	return &p->v[p->n++];
}

/* Is REF a junction, symbolic link or mount point (a name-surrogate reparse
 * point)? 1 with *what and *target set (malloc'ed; target may be NULL), 0,
 * or -errno. */
static int link_kind(struct nl_edit *e, uint64_t ref, char **what, char **target)
{
	struct nl_reparse *rp = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = nl_writer_get_reparse(e->w, ref, &data, &len);

	*what = *target = NULL;
	if (rc == -ENODATA)
		return 0;
	if (rc)
		return rc;
	nl_reparse_decode(data, len, &rp);
	free(data);
	if (!rp)
		return -ENOMEM;
	if (rp->name_surrogate) {
		const char *t = rp->print_name && *rp->print_name ? rp->print_name : rp->substitute_name;

		*what = strdup(rp->name);
		*target = t ? strdup(t) : NULL;
		rc = *what ? 1 : -ENOMEM;
	}
	nl_reparse_free(&rp);
	return rc;
}

/* A directory's entries, copied (the walk changes nothing meanwhile). */
struct rm_entries {
	struct nl_dirent *v;
	uint16_t (*names)[NL_NAME_MAX_UNITS];
	size_t n, cap;
};

static int collect(void *ctx, const struct nl_dirent *d)
{
	struct rm_entries *l = ctx;

	if (NL_MREF_RECORD(d->ref) < RM_FIRST_USER)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct nl_dirent *v = realloc(l->v, cap * sizeof(*v));
		uint16_t (*nm)[NL_NAME_MAX_UNITS];

		if (!v)
			return -ENOMEM;
		l->v = v;
		nm = realloc(l->names, cap * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		l->names = nm;
		l->cap = cap;
		for (size_t i = 0; i < l->n; i++)	/* the names moved */
			l->v[i].name = l->names[i];
	}
	l->v[l->n] = *d;
	memcpy(l->names[l->n], d->name, d->len * 2);
	l->v[l->n].name = l->names[l->n];
	l->n++;
	return 0;
}

static int plan_walk(struct rm_plan *p, uint64_t dir, const char *dirpath, int depth);

/* Plan the removal of the name UNITS (LEN) of REF in PARENT, at PATH. */
static int plan_name(struct rm_plan *p, uint64_t ref, uint64_t parent, const uint16_t *units,
		     size_t len, const char *path, int depth)
{
	struct nl_edit *e = p->e;
	char *what = NULL, *target = NULL;
	struct rm_step *s;
	int rc = link_kind(e, ref, &what, &target), isdir = 0;

	if (rc < 0)
		return nl_e_fail_at(e, rc, path, "cannot read its reparse point: %s",
				    nl_writer_error(e->w));
	if (rc == 0) {
		isdir = nl_writer_is_dir(e->w, ref);
		if (isdir < 0)
			return nl_e_fail_at(e, isdir, path, "cannot read it");
		/* a folder: its contents first, never through a link */
		if (isdir && (rc = plan_walk(p, ref, path, depth + 1)))
			return rc;
		if (p->links_only)
			return 0;
	} else if (!p->links_only && nl_writer_is_dir(e->w, ref) == 1) {
		/* a folder link is removed as a link: it must hold nothing */
		struct rm_entries l = { 0 };

		rc = nl_writer_list(e->w, ref, collect, &l);
		free(l.v);
		free(l.names);
		if (rc < 0)
			rc = nl_e_fail_at(e, rc, path, "cannot read it: %s", nl_writer_error(e->w));
		else if (l.n)
			rc = nl_e_fail_at(e, -ENOTEMPTY, path, "a %s that holds names of its own: "
					  "not removed (nothing was)", what);
		if (rc) {
			free(what);
			free(target);
			return rc;
		}
	}
	s = plan_add(p);
	if (!s) {
		free(what);
		free(target);
		return nl_e_fail(e, -ENOMEM, "out of memory");
	}
	s->kind = what ? (p->links_only ? RM_UNREPARSE : RM_LINK) : isdir ? RM_DIR : RM_FILE;
	s->ref = ref;
	s->parent = parent;
	memcpy(s->units, units, len * 2);
	s->len = len;
	s->what = what;
	s->target = target;
	s->path = strdup(path);
	if (!s->path)
		return nl_e_fail(e, -ENOMEM, "out of memory");
	s->names = nl_writer_link_count(e->w, ref);
	if (s->names < 0 || nl_writer_clusters(e->w, ref, &s->clusters))
		return nl_e_fail_at(e, s->names < 0 ? s->names : -EIO, path, "cannot read it");
	return 0;
}

/* Plan the removal of everything in folder DIR, the deepest names first. */
static int plan_walk(struct rm_plan *p, uint64_t dir, const char *dirpath, int depth)
{
	struct nl_edit *e = p->e;
	struct rm_entries l = { 0 };
	char name[NL_WTF8_SIZE(NL_NAME_MAX_UNITS)];
	int rc;

	if (depth > RM_DEPTH_MAX)
		return nl_e_fail_at(e, -ELOOP, dirpath, "folders nested deeper than %d: a damaged "
				    "volume", RM_DEPTH_MAX);
	rc = nl_writer_list(e->w, dir, collect, &l);
	if (rc)
		nl_e_fail_at(e, rc, dirpath, "cannot read the folder: %s", nl_writer_error(e->w));
	for (size_t i = 0; i < l.n && !rc; i++) {
		char *path;

		nl_utf16le_to_wtf8_buf(l.v[i].name, l.v[i].len, name, sizeof(name));
		path = nl_e_path_join(dirpath, name);
		if (!path)
			rc = nl_e_fail(e, -ENOMEM, "out of memory");
		else
			rc = plan_name(p, l.v[i].ref, dir, l.v[i].name, l.v[i].len, path, depth);
		free(path);
	}
	free(l.v);
	free(l.names);
	return rc;
}

static int cmp_record(const void *a, const void *b)
{
	const struct rm_step *const *x = a, *const *y = b;
	uint64_t rx = NL_MREF_RECORD((*x)->ref), ry = NL_MREF_RECORD((*y)->ref);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/* Number each step among the steps on the same record (s->prior). */
static int count_prior(struct rm_plan *p)
{
	struct rm_step **v = malloc((p->n ? p->n : 1) * sizeof(*v));

	if (!v)
		return nl_e_fail(p->e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n; i++)
		v[i] = &p->v[i];
	qsort(v, p->n, sizeof(*v), cmp_record);
	for (size_t i = 1; i < p->n; i++)
		if (NL_MREF_RECORD(v[i]->ref) == NL_MREF_RECORD(v[i - 1]->ref))
			v[i]->prior = v[i - 1]->prior + 1;
	free(v);
	return 0;
}

/* Log step S as done. */
static void log_step(struct nl_edit *e, const struct rm_step *s)
{
	uint64_t rec = NL_MREF_RECORD(s->ref);
	int left = s->names - (int)s->prior - 1;
	char detail[160];

	switch (s->kind) {
	case RM_UNREPARSE:
		nl_e_log(e, NL_EDIT_ACT_UNREPARSE, s->path, s->target, s->what, rec);
		return;
	case RM_DIR:
		snprintf(detail, sizeof(detail), "record %llu freed, %llu cluster%s",
			 (unsigned long long)rec, (unsigned long long)s->clusters,
			 s->clusters == 1 ? "" : "s");
		nl_e_log(e, NL_EDIT_ACT_RMDIR, s->path, NULL, detail, rec);
		return;
	case RM_LINK:
		if (left > 0)
			snprintf(detail, sizeof(detail), "%s, %d names left", s->what, left);
		else
			snprintf(detail, sizeof(detail), "%s, record %llu freed", s->what,
				 (unsigned long long)rec);
		nl_e_log(e, NL_EDIT_ACT_UNLINK_LINK, s->path, s->target, detail, rec);
		return;
	case RM_FILE:
		if (left > 0) {
			snprintf(detail, sizeof(detail), "%d %s left", left, left == 1 ? "name" : "names");
			nl_e_log(e, NL_EDIT_ACT_UNLINK, s->path, NULL, detail, rec);
		} else {
			snprintf(detail, sizeof(detail), "record %llu freed, %llu cluster%s",
				 (unsigned long long)rec, (unsigned long long)s->clusters,
				 s->clusters == 1 ? "" : "s");
			nl_e_log(e, NL_EDIT_ACT_FREE, s->path, NULL, detail, rec);
		}
		return;
	}
}

/* Carry out the plan, logging each step as it is done. */
static int plan_run(struct rm_plan *p)
{
	struct nl_edit *e = p->e;
	int rc;

	for (size_t i = 0; i < p->n; i++) {
		struct rm_step *s = &p->v[i];

		if (s->kind == RM_UNREPARSE && s->prior)
			continue;	/* the same file under another name: done */
		if (!nl_e_dry(e)) {
			nl_e_writing(e);
			rc = s->kind == RM_UNREPARSE ? nl_writer_remove_reparse(e->w, s->ref) :
			     nl_writer_unlink(e->w, s->ref, s->parent, s->units, s->len);
			if (rc)
				return nl_e_fail_at(e, rc, s->path, "cannot remove it: %s",
						    nl_writer_error(e->w));
		}
		log_step(e, s);
	}
	return 0;
}

/* The object at PATH (@pp), its folder, and the name as stored. */
static int locate(struct nl_edit *e, const struct nl_e_path *pp, uint64_t *ref, uint64_t *parent,
		  uint16_t *units, size_t *len)
{
	int rc = nl_edit_lookup(e, pp->dir, parent);

	if (!rc)
		rc = nl_edit_lookup(e, pp->norm, ref);
	if (!rc)
		rc = nl_e_stored_name(e, *parent, *ref, pp->units, pp->len, units, len);
	return rc;
}

static int remove_path(struct nl_edit *e, const char *path, unsigned flags)
{
	struct rm_plan p = { .e = e, .links_only = (flags & NL_EDIT_LINKS_ONLY) != 0 };
	uint16_t units[NL_NAME_MAX_UNITS];
	struct nl_e_path pp;
	uint64_t ref, parent;
	size_t len = 0;
	int rc;

	rc = nl_e_path_split(e, path, &pp);
	if (rc)
		return rc;
	if (!pp.len && !p.links_only)
		rc = nl_e_fail_at(e, -EBUSY, "/", "the root folder cannot be removed");
	else if (!pp.len)
		rc = nl_edit_lookup(e, "/", &ref) ? -EIO : plan_walk(&p, ref, "", 0);
	else
		rc = locate(e, &pp, &ref, &parent, units, &len);
	if (!rc && pp.len && !p.links_only && !(flags & NL_EDIT_RECURSIVE) &&
	    nl_writer_is_dir(e->w, ref) == 1) {
		/* a folder (not a link) must be empty without -r */
		struct rm_entries l = { 0 };
		char *what = NULL, *target = NULL;

		if (link_kind(e, ref, &what, &target) == 0 &&
		    nl_writer_list(e->w, ref, collect, &l) == 0 && l.n)
			rc = nl_e_fail_at(e, -ENOTEMPTY, pp.norm, "folder not empty (-r removes it "
					  "with everything in it, never following a link)");
		free(l.v);
		free(l.names);
		free(what);
		free(target);
	}
	if (!rc && pp.len) {
		/* the name removed as it is stored (PATH may be its DOS alias,
		 * or in another case) */
		char stored[NL_WTF8_SIZE(NL_NAME_MAX_UNITS)], *where;

		nl_utf16le_to_wtf8_buf(units, len, stored, sizeof(stored));
		where = nl_e_path_join(pp.dir, stored);
		rc = where ? plan_name(&p, ref, parent, units, len, where, 0) :
			     nl_e_fail(e, -ENOMEM, "out of memory");
		free(where);
	}
	if (!rc)
		rc = count_prior(&p);
	if (!rc)
		rc = plan_run(&p);
	plan_free(&p);
	nl_e_path_free(&pp);
	return rc;
}

int nl_edit_remove(struct nl_edit *e, const char *path, unsigned flags)
{
	if (!e || !path)
		return -EINVAL;
	if (nl_e_begin(e))
		return -ECANCELED;
	return nl_e_end(e, remove_path(e, path, flags));
}
