/* edit.c: the edit handle: opening a volume for editing through the writer, failure texts, the action log, and paths inside the volume. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/volume.h>

#include "edit/edit_int.h"
#include "image/validate_int.h"
#include "writer/writer_int.h"

int nl_e_fail(struct nl_edit *e, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->errpath[0] = 0;
	return rc;
}

int nl_e_fail_at(struct nl_edit *e, int rc, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	snprintf(e->errpath, sizeof(e->errpath), "%s", path ? path : "");
	return rc;
}

int nl_e_fail_writer(struct nl_edit *e, int rc, const char *what)
{
	const char *why = nl_writer_error(e->w);

	return nl_e_fail(e, rc, "%s: %s", what, *why ? why : strerror(-rc));
}

const char *nl_edit_error(const struct nl_edit *e)
{
	return e ? e->msg : "";
}

const char *nl_edit_error_path(const struct nl_edit *e)
{
	return e && e->errpath[0] ? e->errpath : NULL;
}

unsigned nl_edit_flags(const struct nl_edit *e)
{
	return e->o.flags;
}

const char *nl_edit_action_name(enum nl_edit_action a)
{
	static const char *const names[NL_EDIT_ACT_COUNT] = {
		[NL_EDIT_ACT_LINK] = "link",
		[NL_EDIT_ACT_UNLINK] = "unlink",
		[NL_EDIT_ACT_FREE] = "free",
		[NL_EDIT_ACT_RMDIR] = "rmdir",
		[NL_EDIT_ACT_UNLINK_LINK] = "unlink-link",
		[NL_EDIT_ACT_UNREPARSE] = "unreparse",
		[NL_EDIT_ACT_RENAME] = "rename",
		[NL_EDIT_ACT_RETARGET] = "retarget",
		[NL_EDIT_ACT_CREATE] = "create",
		[NL_EDIT_ACT_WARNING] = "warning",
	};

	return (unsigned)a < NL_EDIT_ACT_COUNT ? names[a] : NULL;
}

void nl_e_log(struct nl_edit *e, enum nl_edit_action action, const char *path,
	      const char *target, const char *detail, uint64_t mft)
{
	struct nl_edit_event ev = {
		.action = action, .path = path, .target = target, .detail = detail,
		.mft = mft, .dry_run = nl_e_dry(e),
	};

	if (e->o.log)
		e->o.log(e->o.log_ctx, &ev);
}

static void edit_free(struct nl_edit *e)
{
	free(e->spec);
	free(e->image);
	free(e);
}

/* Why nl_writer_open() refused @image (its -errno @rc). */
static const char *open_reason(int rc)
{
	switch (rc) {
	case -EBUSY:
		return "the image is mounted or in use";
	case -EPERM:
		return "the volume is dirty or hibernated (run ntfsfix, or boot Windows and shut it down)";
	case -EINVAL:
		return "no NTFS volume there";
	default:
		return strerror(-rc);
	}
}

int nl_edit_open(const char *spec, const struct nl_edit_options *opt, struct nl_edit **out,
		 char *err, size_t errlen)
{
	struct nl_edit *e;
	enum nl_volume_kind kind;
	uint64_t size = 0;
	unsigned part = 0;
	char why[NL_ERRMSG_SIZE] = "";
	int rc;

	if (!spec || !out)
		return -EINVAL;
	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->spec = strdup(spec))) {
		free(e);
		return -ENOMEM;
	}
	if (opt)
		e->o = *opt;
	rc = nl_volume_locate(spec, NULL, &e->image, &e->offset, &size, &part, &kind,
			      why, sizeof(why));
	if (!rc && kind != NL_VOLUME_NTFS) {
		snprintf(why, sizeof(why), "a raw $MFT cannot be edited: it is not a volume");
		rc = -EINVAL;
	}
	if (!rc) {
		char damage[NL_ERRMSG_SIZE / 2];

		rc = nl_writer_open(e->image, e->offset,
				    nl_e_dry(e) ? NL_WRITER_RDONLY : NL_W_HOLD, &e->w);
		if (rc == -EUCLEAN && nl_validate_file(e->image, e->offset, damage, sizeof(damage)) == -EINVAL)
			snprintf(why, sizeof(why), "cannot open for writing: %s", damage);
		else if (rc)
			snprintf(why, sizeof(why), "cannot open for writing: %s", open_reason(rc));
	}
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s", *why ? why : strerror(-rc));
		edit_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

int nl_e_begin(struct nl_edit *e)
{
	if (e->spoiled)
		return nl_e_fail(e, -ECANCELED, "not done: a change failed midway before it, "
				 "so nothing is written");
	if (e->depth++ == 0)
		e->writing = false;
	return 0;
}

int nl_e_end(struct nl_edit *e, int rc)
{
	if (--e->depth > 0)
		return rc;
	if (rc && e->writing && !nl_e_dry(e)) {
		size_t n = strlen(e->msg);

		e->spoiled = true;
		nl_w_discard(e->w);
		snprintf(e->msg + n, sizeof(e->msg) - n, "%s (nothing is written: every change is "
			 "dropped, the image stays as it was)", nl_w_full(e->w) ?
			 ": more changes than can be held in memory until the end" : "");
	}
	e->writing = false;
	return rc;
}

int nl_edit_close(struct nl_edit **ep, char *err, size_t errlen)
{
	struct nl_edit *e;
	const char *why = NULL;
	int rc = 0, r;

	if (!ep || !*ep)
		return 0;
	e = *ep;
	*ep = NULL;
	/* one commit of every change (NL_W_HOLD): checked, then the unmount */
	if (e->spoiled) {
		rc = -ECANCELED;
		why = "nothing was written to the image: a change failed midway, and the changes "
		      "listed before it are dropped too";
	} else if (!nl_e_dry(e)) {
		rc = nl_w_commit(e->w);
		if (rc)
			why = nl_w_torn(e->w) ? "the image may hold part of the changes: check it "
			      "with ntfsfix -n" : nl_w_full(e->w) ? "nothing was changed: more "
			      "changes than can be held in memory until the end" : "nothing was changed";
	}
	if (rc)
		nl_w_discard(e->w);
	r = nl_writer_close(&e->w);
	if (!rc && r) {
		rc = r;
		why = "the changes were written, the unmount failed";
	}
	if (rc && err && errlen) {
		if (rc == -ECANCELED)
			snprintf(err, errlen, "%s", why);
		else
			snprintf(err, errlen, "cannot write the changes to the image: %s (%s)",
				 strerror(-rc), why);
	}
	edit_free(e);
	return rc;
}

int nl_edit_lookup(struct nl_edit *e, const char *path, uint64_t *ref)
{
	int rc = nl_writer_lookup_path(e->w, path, ref);

	if (rc == -ENOENT)
		return nl_e_fail_at(e, rc, path, "no such file or folder");
	if (rc == -ENOTDIR)
		return nl_e_fail_at(e, rc, path, "a name on the way is not a folder");
	if (rc) {
		nl_e_fail_writer(e, rc, "cannot look it up");
		snprintf(e->errpath, sizeof(e->errpath), "%s", path);
	}
	return rc;
}

/* ---- paths ---------------------------------------------------------------- */

char *nl_e_path_join(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name) < 0)
		return NULL;
	return s;
}

void nl_e_path_free(struct nl_e_path *p)
{
	free(p->norm);
	free(p->dir);
	memset(p, 0, sizeof(*p));
}

int nl_e_path_split(struct nl_edit *e, const char *path, struct nl_e_path *p)
{
	size_t n = strlen(path), o = 0, last = 0;
	ssize_t units;
	char *norm;

	memset(p, 0, sizeof(*p));
	norm = malloc(n + 2);
	if (!norm)
		return nl_e_fail(e, -ENOMEM, "out of memory");
	/* "/" before each non-empty component, '\' taken as '/' */
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && path[j] != '/' && path[j] != '\\')
			j++;
		if (j > i) {
			last = o;
			norm[o++] = '/';
			memcpy(norm + o, path + i, j - i);
			o += j - i;
		}
		i = j + 1;
	}
	if (o == 0)
		norm[o++] = '/';
	norm[o] = 0;
	p->norm = norm;
	p->dir = last ? strndup(norm, last) : strdup("/");
	if (!p->dir) {
		nl_e_path_free(p);
		return nl_e_fail(e, -ENOMEM, "out of memory");
	}
	p->name = norm + (o > 1 ? last + 1 : o);
	units = nl_wtf8_to_utf16le_buf(p->name, strlen(p->name), p->units, NL_NAME_MAX_UNITS);
	if (units < 0) {
		nl_e_path_free(p);
		return nl_e_fail(e, (int)units, units == -ENAMETOOLONG ?
				 "name longer than 255 UTF-16 units" : "name is not valid WTF-8");
	}
	p->len = (size_t)units;
	return 0;
}

/* What nl_e_stored_name() looks for in a folder. */
struct stored {
	uint64_t record;
	const uint16_t *given;
	size_t glen;
	int rank;               /* of the best name found: 3 exact, 2 case, 1 only name */
	int count;              /* REF's names in the folder */
	uint16_t *out;
	size_t *olen;
};

static int stored_one(void *ctx, const struct nl_dirent *d)
{
	struct stored *s = ctx;
	int rank;

	if (NL_MREF_RECORD(d->ref) != s->record)
		return 0;
	s->count++;
	if (d->len == s->glen && !memcmp(d->name, s->given, d->len * 2))
		rank = 3;
	else if (!nl_utf16le_casecmp(d->name, d->len, s->given, s->glen, NULL, 0))
		rank = 2;
	else
		rank = 1;
	if (rank > s->rank) {
		s->rank = rank;
		memcpy(s->out, d->name, d->len * 2);
		*s->olen = d->len;
	}
	return 0;
}

int nl_e_stored_name(struct nl_edit *e, uint64_t parent, uint64_t ref, const uint16_t *given,
		     size_t glen, uint16_t *out, size_t *olen)
{
	struct stored s = { NL_MREF_RECORD(ref), given, glen, 0, 0, out, olen };
	int rc = nl_writer_list(e->w, parent, stored_one, &s);

	if (rc)
		return nl_e_fail_writer(e, rc, "cannot read the folder");
	/* a name of another case or a DOS alias stands for one name only */
	if (s.rank == 0 || (s.rank == 1 && s.count > 1))
		return nl_e_fail(e, -ENOENT, "no such name in its folder");
	return 0;
}
