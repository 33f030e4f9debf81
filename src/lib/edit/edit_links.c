/* edit_links.c: make a junction, symbolic link or mount point, and point an existing one somewhere else in place (the Replacement operation). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/reparse.h>

#include "edit/edit_int.h"

#define REF_NO(ref) ((ref) & 0xFFFFFFFFFFFFULL)

/* The target as the log shows it: the print-name form (C:\x, \\s\sh\x, ..\x, \\?\Volume{..}\). */
static char *shown(const struct nl_target *t)
{
	char *s = NULL;

	if (nl_target_format(t, NL_TSTYLE_WIN32, &s))
		return NULL;
	return s;
}

/* Where a target lies on this volume ("/x/y", malloc'ed) for a link in
 * folder @dir, or NULL when it is elsewhere (or not known to be here). */
static char *path_here(const struct nl_target *t, const char *dir, char drive)
{
	char *p = NULL;

	if (t->kind == NL_TGT_RELATIVE) {
		if (nl_path_resolve(dir, t->path, &p, NULL))
			return NULL;
		return p;
	}
	if (t->kind == NL_TGT_DRIVE && drive && t->drive == (char)(drive & ~0x20))
		return strdup(t->path);
	return NULL;
}

/*
 * What the new link's target is on this volume: *@found, *@is_dir.  A
 * target elsewhere is neither found nor missing (*@here false).
 */
static void look_at_target(struct nl_edit *e, const struct nl_target *t, const char *dir,
			   char drive, bool *here, bool *found, bool *is_dir)
{
	char *p = path_here(t, dir, drive);
	uint64_t ref;

	*here = p != NULL;
	*found = *is_dir = false;
	if (p && nl_writer_lookup_path(e->w, p, &ref) == 0) {
		*found = true;
		*is_dir = nl_writer_is_dir(e->w, ref) == 1;
	}
	free(p);
}

/* The checks before anything is written: the folder, the name, the target. */
static int check_new(struct nl_edit *e, const struct nl_e_path *p, uint64_t *parent,
		     enum nl_name_space *ns)
{
	char why[512];
	uint64_t ref;
	int rc;

	if (p->len == 0)
		return nl_e_fail(e, -EEXIST, "the root folder exists");
	rc = nl_edit_check_name(p->name, e->o.flags, ns, why, sizeof(why));
	if (rc)
		return nl_e_fail(e, rc, "%s", why);
	rc = nl_writer_lookup_path(e->w, p->dir, parent);
	if (rc == -ENOENT)
		return nl_e_fail(e, rc, "no such folder");
	if (rc == -ENOTDIR)
		return nl_e_fail(e, rc, "a name on the way is not a folder");
	if (rc)
		return nl_e_fail_writer(e, rc, "cannot look up its folder");
	if (nl_writer_is_dir(e->w, *parent) != 1)
		return nl_e_fail(e, -ENOTDIR, "its folder is not a folder");
	rc = nl_writer_lookup(e->w, *parent, p->units, p->len, &ref);
	if (rc == 0)
		return nl_e_fail(e, -EEXIST, "already exists");
	if (rc != -ENOENT)
		return nl_e_fail_writer(e, rc, "cannot look it up");
	return 0;
}

/* Is the new link a folder?  Also reports a target on this volume that is missing or of the other kind. */
static bool new_is_dir(struct nl_edit *e, enum nl_link_kind kind, const struct nl_target *t,
		       const struct nl_e_path *p, const struct nl_edit_link_options *o)
{
	bool here, found, is_dir;
	bool dir = kind != NL_LINK_SYMLINK || (o->flags & NL_EDIT_LINK_DIR);

	look_at_target(e, t, p->dir, o->drive, &here, &found, &is_dir);
	if (kind == NL_LINK_SYMLINK && !(o->flags & (NL_EDIT_LINK_DIR | NL_EDIT_LINK_FILE)) && found)
		dir = is_dir;
	if (here && !found)
		nl_e_log(e, NL_EDIT_ACT_WARNING, p->norm, NULL, "the target does not exist", UINT64_MAX);
	else if (here && kind == NL_LINK_JUNCTION && !is_dir)
		nl_e_log(e, NL_EDIT_ACT_WARNING, p->norm, NULL, "the target is not a folder", UINT64_MAX);
	else if (here && kind == NL_LINK_SYMLINK && dir != is_dir)
		nl_e_log(e, NL_EDIT_ACT_WARNING, p->norm, NULL, dir ?
			 "a folder symbolic link to a file" : "a file symbolic link to a folder", UINT64_MAX);
	return dir;
}

static const char *kind_detail(enum nl_link_kind kind, bool dir)
{
	if (kind == NL_LINK_SYMLINK)
		return dir ? "symlink, folder" : "symlink, file";
	return nl_link_kind_name(kind);
}

static int make_link(struct nl_edit *e, const char *path, enum nl_link_kind kind,
		     const struct nl_target *t, const struct nl_edit_link_options *opt)
{
	struct nl_edit_link_options o = { 0 };
	struct nl_e_path p;
	enum nl_name_space ns = NL_NS_WIN32;
	const char *why = NULL;
	uint64_t parent = 0, ref = 0;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *text = NULL;
	bool dir;
	int rc;

	if (opt)
		o = *opt;
	rc = nl_e_path_split(e, path, &p);
	if (rc)
		return rc;
	rc = nl_link_build(kind, t, &buf, &len, &why);
	if (rc) {
		rc = nl_e_fail(e, rc, "%s", why ? why : strerror(-rc));
		goto out;
	}
	rc = check_new(e, &p, &parent, &ns);
	if (rc)
		goto out;
	text = shown(t);
	if (!text) {
		rc = nl_e_fail(e, -ENOMEM, "out of memory");
		goto out;
	}
	dir = new_is_dir(e, kind, t, &p, &o);
	nl_e_writing(e);
	if (!nl_e_dry(e)) {
		rc = nl_writer_create(e->w, parent, p.units, p.len, ns,
				      dir ? NL_NODE_DIR : NL_NODE_FILE, &ref);
		if (rc) {
			rc = nl_e_fail_writer(e, rc, "cannot create it");
			goto out;
		}
		rc = nl_writer_set_reparse(e->w, ref, buf, len);
		if (rc) {
			rc = nl_e_fail_writer(e, rc, "cannot make it a link");
			goto out;
		}
	}
	nl_e_log(e, NL_EDIT_ACT_CREATE, p.norm, text, kind_detail(kind, dir),
		 nl_e_dry(e) ? UINT64_MAX : REF_NO(ref));
out:
	free(text);
	free(buf);
	nl_e_path_free(&p);
	return rc;
}

int nl_edit_make_link(struct nl_edit *e, const char *path, enum nl_link_kind kind,
		      const struct nl_target *t, const struct nl_edit_link_options *opt)
{
	if (nl_e_begin(e))
		return -ECANCELED;
	return nl_e_end(e, make_link(e, path, kind, t, opt));
}

/* The kind an existing link keeps when it is given a new target, from its reparse data. */
static int kind_of(struct nl_edit *e, const uint8_t *data, size_t len, enum nl_link_kind *kind,
		   struct nl_target *old)
{
	struct nl_reparse *r = NULL;
	int rc = nl_reparse_decode(data, len, &r);

	memset(old, 0, sizeof(*old));
	if (rc == -ENOMEM)
		return nl_e_fail(e, rc, "out of memory");
	if (r->tag != NL_TAG_MOUNT_POINT && r->tag != NL_TAG_SYMLINK) {
		rc = nl_e_fail(e, -EINVAL, "not a junction, symbolic link or mount point "
			       "(its reparse point is %s)", r->name);
	} else {
		/* mount points take any junction target: a volume root keeps mountvol's layout */
		*kind = r->tag == NL_TAG_SYMLINK ? NL_LINK_SYMLINK : NL_LINK_JUNCTION;
		rc = r->substitute_name ? nl_target_parse(r->substitute_name, r->relative, old) : 0;
		if (rc)
			rc = nl_e_fail(e, rc, "out of memory");
	}
	nl_reparse_free(&r);
	return rc;
}

static int retarget_ref(struct nl_edit *e, uint64_t ref, const char *path,
			const struct nl_target *t)
{
	enum nl_link_kind kind = NL_LINK_JUNCTION;
	struct nl_target old;
	uint8_t *cur = NULL, *buf = NULL;
	size_t curlen = 0, len = 0;
	char *text = NULL, *was = NULL, label[40];
	const char *why = NULL;
	int rc;

	if (!path) {
		snprintf(label, sizeof(label), "record %llu", (unsigned long long)REF_NO(ref));
		path = label;
	}
	memset(&old, 0, sizeof(old));
	rc = nl_writer_get_reparse(e->w, ref, &cur, &curlen);
	if (rc == -ENODATA)
		return nl_e_fail(e, -EINVAL, "not a junction, symbolic link or mount point");
	if (rc)
		return nl_e_fail_writer(e, rc, "cannot read its reparse point");
	rc = kind_of(e, cur, curlen, &kind, &old);
	if (rc)
		goto out;
	rc = nl_link_build(kind, t, &buf, &len, &why);
	if (rc) {
		rc = nl_e_fail(e, rc, "%s", why ? why : strerror(-rc));
		goto out;
	}
	text = shown(t);
	was = shown(&old);
	if (!text || !was) {
		rc = nl_e_fail(e, -ENOMEM, "out of memory");
		goto out;
	}
	if (len == curlen && memcmp(buf, cur, len) == 0)
		goto out;       /* already so: nothing to write or report */
	nl_e_writing(e);
	if (!nl_e_dry(e)) {
		rc = nl_writer_replace_reparse(e->w, ref, buf, len);
		if (rc) {
			nl_e_fail_writer(e, rc, "cannot change its target");
			goto out;
		}
	}
	nl_e_log(e, NL_EDIT_ACT_RETARGET, path, text, was, REF_NO(ref));
out:
	nl_target_clear(&old);
	free(text);
	free(was);
	free(buf);
	free(cur);
	return rc;
}

int nl_edit_retarget_ref(struct nl_edit *e, uint64_t ref, const char *path,
			 const struct nl_target *t)
{
	if (nl_e_begin(e))
		return -ECANCELED;
	return nl_e_end(e, retarget_ref(e, ref, path, t));
}

int nl_edit_retarget(struct nl_edit *e, const char *path, const struct nl_target *t)
{
	struct nl_e_path p;
	uint64_t ref;
	int rc = nl_e_path_split(e, path, &p);

	if (rc)
		return rc;
	rc = nl_edit_lookup(e, p.norm, &ref);
	if (!rc)
		rc = nl_edit_retarget_ref(e, ref, p.norm, t);
	nl_e_path_free(&p);
	return rc;
}
