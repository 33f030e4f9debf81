/* edit_move.c: Smart Move inside one volume: rename or move a file or folder, then give every junction and symbolic link whose target lies in the moved tree the target of the same object. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit/edit_int.h"

/* One link to rewrite after the move. */
struct mv_link {
	const struct nl_edit_link *l;
	char *path;             /* where the link is after the move */
	struct nl_target t;     /* its new target */
};

/* Is PATH the folder DIR or below it (whole components, without regard to
 * case)? Returns the rest ("" or "/x/y") or NULL. */
static const char *under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	char *head;
	int cmp;

	if (strcmp(dir, "/") == 0)
		return path;
	if (strlen(path) < n || (path[n] && path[n] != '/'))
		return NULL;
	head = strndup(path, n);
	if (!head)
		return NULL;
	cmp = nl_wtf8_casecmp(head, dir, NULL, 0);
	free(head);
	return cmp ? NULL : path + n;
}

/* PATH with its leading FROM replaced by TO (PATH under FROM), or a copy. */
static char *relocated(const char *path, const char *from, const char *to)
{
	const char *rest = under(path, from);
	char *s;

	if (!rest)
		return strdup(path);
	if (asprintf(&s, "%s%s", strcmp(to, "/") || !*rest ? to : "", rest) < 0)
		return NULL;
	return s;
}

static void links_free(struct mv_link *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		nl_target_clear(&v[i].t);
	}
	free(v);
}

/* The links of @links whose target changes with the move FROM -> TO, each
 * checked as a target for its kind. */
static int plan_links(struct nl_edit *e, const struct nl_edit_links *links, const char *from,
		      const char *to, struct mv_link **out, size_t *nout)
{
	struct mv_link *v = calloc(links && links->n ? links->n : 1, sizeof(*v));
	size_t n = 0;
	int rc = 0;

	*out = v;
	*nout = 0;
	if (!v)
		return nl_e_fail(e, -ENOMEM, "out of memory");
	for (size_t i = 0; links && i < links->n && !rc; i++) {
		const struct nl_edit_link *l = &links->v[i];
		char *new_dir = relocated(l->dir, from, to);
		const char *why = NULL;
		int r;

		if (!new_dir)
			return nl_e_fail(e, -ENOMEM, "out of memory");
		r = nl_target_relocate(&l->target, links->drive, *links->guid ? links->guid : NULL,
				       l->dir, new_dir, from, to, &v[n].t);
		free(new_dir);
		if (r < 0)
			return nl_e_fail(e, r, "out of memory");
		if (r == 0)
			continue;
		v[n].l = l;
		v[n].path = relocated(l->path, from, to);
		*nout = ++n;
		if (!v[n - 1].path)
			return nl_e_fail(e, -ENOMEM, "out of memory");
		if (nl_link_target_check(l->kind, &v[n - 1].t, &why))
			rc = nl_e_fail_at(e, -EINVAL, l->path, "its new target cannot be written: %s "
					  "(nothing was moved)", why ? why : "not a valid target");
	}
	return rc;
}

/* Is REF a reparse point? */
static bool is_reparse(struct nl_edit *e, uint64_t ref)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = nl_writer_get_reparse(e->w, ref, &data, &len);

	free(data);
	return rc != -ENODATA;
}

/* Where FROM goes: TO, or inside TO when TO is an existing folder. The new
 * folder into @dir and @dirref, the new name checked into @name, @ns. */
static int destination(struct nl_edit *e, const struct nl_e_path *fp, uint64_t ref,
		       const struct nl_e_path *tp, char **dir, uint64_t *dirref,
		       const char **name, enum nl_name_space *ns)
{
	char why[512];
	uint64_t t;
	int rc;

	/* an existing folder (not a link: nothing goes into a link) takes it */
	if (nl_writer_lookup_path(e->w, tp->norm, &t) == 0 && nl_writer_is_dir(e->w, t) == 1 &&
	    NL_MREF_RECORD(t) != NL_MREF_RECORD(ref) && !is_reparse(e, t)) {
		*dir = strdup(tp->norm);
		*dirref = t;
		*name = fp->name;
	} else {
		*dir = strdup(tp->dir);
		*name = tp->name;
		rc = nl_edit_lookup(e, tp->dir, dirref);
		if (rc)
			return rc;
		if (nl_writer_is_dir(e->w, *dirref) != 1)
			return nl_e_fail_at(e, -ENOTDIR, tp->dir, "not a folder");
	}
	if (!*dir)
		return nl_e_fail(e, -ENOMEM, "out of memory");
	rc = nl_edit_check_name(*name, e->o.flags, ns, why, sizeof(why));
	if (rc)
		return nl_e_fail_at(e, rc, tp->norm, "%s", why);
	return 0;
}

/* What nl_edit_move() found out before writing. */
struct mv {
	uint64_t ref, parent, dirref;
	uint16_t oldunits[NL_NAME_MAX_UNITS], newunits[NL_NAME_MAX_UNITS];
	size_t oldlen, newlen;
	enum nl_name_space ns;
	char *newpath;
};

/* Check the move of FP to TP and fill @m; nothing is written. */
static int check_move(struct nl_edit *e, const struct nl_e_path *fp, const struct nl_e_path *tp,
		      struct mv *m)
{
	uint64_t other;
	const char *name;
	char *dir = NULL;
	ssize_t n;
	int rc;

	if (!fp->len)
		return nl_e_fail_at(e, -EBUSY, "/", "the root folder cannot be moved");
	rc = nl_edit_lookup(e, fp->dir, &m->parent);
	if (!rc)
		rc = nl_edit_lookup(e, fp->norm, &m->ref);
	if (!rc)
		rc = nl_e_stored_name(e, m->parent, m->ref, fp->units, fp->len, m->oldunits,
				      &m->oldlen);
	if (!rc)
		rc = destination(e, fp, m->ref, tp, &dir, &m->dirref, &name, &m->ns);
	if (!rc && !(m->newpath = nl_e_path_join(dir, name)))
		rc = nl_e_fail(e, -ENOMEM, "out of memory");
	if (!rc && under(m->newpath, fp->norm) && strlen(m->newpath) > strlen(fp->norm))
		rc = nl_e_fail_at(e, -EINVAL, fp->norm, "cannot move a folder into itself ('%s')",
				  m->newpath);
	if (!rc) {
		n = nl_wtf8_to_utf16le_buf(name, strlen(name), m->newunits, NL_NAME_MAX_UNITS);
		m->newlen = n > 0 ? (size_t)n : 0;
		/* a taken name: only the object itself (a change of case) may hold it */
		if (nl_writer_lookup(e->w, m->dirref, m->newunits, m->newlen, &other) == 0 &&
		    NL_MREF_RECORD(other) != NL_MREF_RECORD(m->ref))
			rc = nl_e_fail_at(e, -EEXIST, m->newpath, "exists");
		else if (m->newlen == m->oldlen && !memcmp(m->newunits, m->oldunits, m->oldlen * 2) &&
			 NL_MREF_RECORD(m->dirref) == NL_MREF_RECORD(m->parent))
			rc = nl_e_fail_at(e, -EEXIST, m->newpath, "is already there");
	}
	free(dir);
	return rc;
}

static int move(struct nl_edit *e, const char *from, const char *to,
		const struct nl_edit_links *links)
{
	struct nl_e_path fp, tp;
	struct mv m = { 0 };
	struct mv_link *v = NULL;
	char detail[64];
	size_t n = 0;
	int rc;

	rc = nl_e_path_split(e, from, &fp);
	if (rc)
		return rc;
	rc = nl_e_path_split(e, to, &tp);
	if (rc) {
		nl_e_path_free(&fp);
		return rc;
	}
	/* everything is checked before the first write: the move, and the new
	 * target of every link that changes */
	rc = check_move(e, &fp, &tp, &m);
	if (!rc)
		rc = plan_links(e, links, fp.norm, m.newpath, &v, &n);
	if (!rc)
		nl_e_writing(e);
	if (!rc && !nl_e_dry(e)) {
		rc = nl_writer_rename(e->w, m.ref, m.parent, m.oldunits, m.oldlen, m.dirref,
				      m.newunits, m.newlen, m.ns);
		if (rc)
			nl_e_fail_at(e, rc, fp.norm, "cannot move it: %s", nl_writer_error(e->w));
	}
	if (!rc) {
		snprintf(detail, sizeof(detail), "%zu link%s to retarget", n, n == 1 ? "" : "s");
		nl_e_log(e, NL_EDIT_ACT_RENAME, fp.norm, m.newpath, detail, NL_MREF_RECORD(m.ref));
	}
	/* a failure midway drops the name and the links with every other
	 * change (nl_e_end) */
	for (size_t i = 0; i < n && !rc; i++)
		rc = nl_edit_retarget_ref(e, v[i].l->ref, v[i].path, &v[i].t);
	links_free(v, n);
	free(m.newpath);
	nl_e_path_free(&fp);
	nl_e_path_free(&tp);
	return rc;
}

int nl_edit_move(struct nl_edit *e, const char *from, const char *to,
		 const struct nl_edit_links *links)
{
	if (!e || !from || !to)
		return -EINVAL;
	if (nl_e_begin(e))
		return -ECANCELED;
	return nl_e_end(e, move(e, from, to, links));
}
