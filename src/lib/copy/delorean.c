/* delorean.c: DeLorean Copy: the sets of a folder in BACKUPDIR (names, the newest complete one, incomplete ones), the first run's Smart Copy, later runs' clone and mirror, the rename that completes a set. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ntfslinks/delorean.h>
#include <ntfslinks/edit.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/writer.h>

#include "copy/copy_engine_int.h"
#include "copy/delorean_int.h"
#include "edit/edit_int.h"

#define STAMP_LEN 19		/* "YYYY-MM-DD HH-MM-SS" */
#define INCOMPLETE ".incomplete"

struct nl_delorean {
	struct nl_delorean_options o;
	char *src, *backupdir;
	char *image;		/* BACKUPDIR's image ("FILE" or "FILE@N"); NULL: a host folder */
	char *dir;		/* BACKUPDIR's path inside it, or on the host */
	char *name;		/* NAME of the sets */
	char stamp[STAMP_LEN + 1];
	char newest_stamp[STAMP_LEN + 1];	/* "" when there is no complete set */
	char **stale;		/* names of incomplete sets */
	size_t nstale;
	char *set, *set_incomplete, *newest;	/* "IMAGE:/path", or host paths */
	char *set_path, *set_incomplete_path;	/* their paths inside the image */
	char drive;		/* the backup volume's drive letter */
	struct nl_copy_stats st;
	uint64_t clone_errors;
	uint32_t limit;		/* the most names a file may have in BACKUPDIR */
	uint32_t src_most;	/* the most names a file of SRC's volume has; 0: not known */
	int held;		/* the clone stopped before writing: -EAGAIN (the bound on
				   the names did not hold), or the step's -ECANCELED */
	bool bounded;		/* the clone checks the bound (clone_ready) */
	bool in_clone;
	bool in_guard;		/* the limit checked: only the files of the newest set told */
	char err[NL_ERRMSG_SIZE];
};

static const char *const step_names[NL_DELOREAN__COUNT] = {
	"stale", "newest", "copy", "clone", "mirror", "rename",
};

const char *nl_delorean_step_name(enum nl_delorean_step s)
{
	return (unsigned)s < NL_DELOREAN__COUNT ? step_names[s] : "unknown";
}

void nl_delorean_options_init(struct nl_delorean_options *o)
{
	memset(o, 0, sizeof(*o));
	nl_copy_options_init(&o->copy);
	o->when = NL_DELOREAN_NOW;
}

static int fail(struct nl_delorean *d, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct nl_delorean *d, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	return rc;
}

/* The last name of path @p ('/' or '\' separated, trailing ones ignored), malloc'ed. */
static char *last_name(const char *p)
{
	size_t end = strlen(p), start;

	while (end && (p[end - 1] == '/' || p[end - 1] == '\\'))
		end--;
	start = end;
	while (start && p[start - 1] != '/' && p[start - 1] != '\\')
		start--;
	return strndup(p + start, end - start);
}

/* SRC's own name: the last name of its path; an image's root: the image
 * file's name without "@N" and extension. */
static char *source_name(const char *src)
{
	char *image = NULL, *path = NULL, *n;

	if (!cp_image_spec_split(src, &image, &path))
		return last_name(src);
	n = last_name(path);
	if (n && !*n) {
		char *at = strrchr(image, '@'), *dot;

		free(n);
		if (at)
			*at = 0;
		n = last_name(image);
		dot = n ? strrchr(n, '.') : NULL;
		if (dot && dot != n)
			*dot = 0;
	}
	free(image);
	free(path);
	return n;
}

/* Can @n name the sets? Not empty, no separator or character Windows forbids. */
static bool good_name(const char *n)
{
	if (!*n || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (const unsigned char *q = (const unsigned char *)n; *q; q++)
		if (*q < 0x20 || strchr("/\\:*?\"<>|", *q))
			return false;
	return nl_wtf8_valid(n, strlen(n));
}

int nl_delorean_new(const struct nl_delorean_options *opt, const char *src,
		    const char *backupdir, nl_delorean **out)
{
	struct nl_delorean *d = calloc(1, sizeof(*d));

	*out = d;
	if (!d)
		return -ENOMEM;
	d->o = *opt;
	d->src = strdup(src);
	d->backupdir = strdup(backupdir);
	d->name = opt->name ? strdup(opt->name) : source_name(src);
	if (!d->src || !d->backupdir || !d->name)
		return -ENOMEM;
	d->o.name = NULL;
	if (!good_name(d->name))
		return fail(d, -EINVAL, "'%.400s' cannot name a backup set: give one with --name",
			    d->name);
	if (!cp_image_spec_split(backupdir, &d->image, &d->dir)) {
		size_t len = strlen(backupdir);

		while (len > 1 && backupdir[len - 1] == '/')
			len--;
		d->dir = strndup(backupdir, len);	/* a host folder */
		if (!d->dir)
			return -ENOMEM;
	}
	return 0;
}

void nl_delorean_free(nl_delorean **dp)
{
	struct nl_delorean *d = *dp;

	if (!d)
		return;
	for (size_t i = 0; i < d->nstale; i++)
		free(d->stale[i]);
	free(d->stale);
	free(d->src);
	free(d->backupdir);
	free(d->image);
	free(d->dir);
	free(d->name);
	free(d->set);
	free(d->set_incomplete);
	free(d->set_path);
	free(d->set_incomplete_path);
	free(d->newest);
	free(d);
	*dp = NULL;
}

const char *nl_delorean_error(const nl_delorean *d)
{
	return d->err;
}

const char *nl_delorean_set(const nl_delorean *d)
{
	return d->set;
}

const char *nl_delorean_newest(const nl_delorean *d)
{
	return d->newest;
}

void nl_delorean_get_stats(const nl_delorean *d, struct nl_copy_stats *st)
{
	*st = d->st;
}

/* ---- the sets in BACKUPDIR ------------------------------------------------------ */

/* Is @s a stamp "YYYY-MM-DD HH-MM-SS" (digits where digits go)? */
static bool is_stamp(const char *s)
{
	static const char form[] = "dddd-dd-dd dd-dd-dd";

	for (size_t i = 0; i < STAMP_LEN; i++)
		if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != form[i])
			return false;
	return true;
}

/* The stamp of time @when (UTC). */
static int make_stamp(struct nl_delorean *d)
{
	time_t t = d->o.when == NL_DELOREAN_NOW ? time(NULL) : (time_t)d->o.when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1601)
		return fail(d, -EINVAL, "the time of the new set is out of range");
	strftime(d->stamp, sizeof(d->stamp), "%Y-%m-%d %H-%M-%S", &tm);
	return 0;
}

/* "DIR/NAME" inside the image, and "IMAGE:DIR/NAME" (malloc'ed). */
static char *in_dir(const struct nl_delorean *d, const char *name)
{
	return path_join(d->dir, name);
}

static char *spec_of(const struct nl_delorean *d, const char *path)
{
	return d->image ? xasprintf("%s:%s", d->image, path) : strdup(path);
}

/* One name @u8 of BACKUPDIR (malloc'ed, taken): a set of NAME (complete or
 * not) is noted. */
static int note_name(struct nl_delorean *d, char *u8)
{
	size_t nl = strlen(d->name), len = strlen(u8);
	char *st = u8 + nl + 1;
	int rc = 0;

	if (len < nl + 1 + STAMP_LEN || strncmp(u8, d->name, nl) || u8[nl] != ' ' ||
	    !is_stamp(st))
		goto out;
	if (!st[STAMP_LEN]) {
		if (strcmp(st, d->newest_stamp) > 0)
			memcpy(d->newest_stamp, st, STAMP_LEN + 1);
	} else if (!strcmp(st + STAMP_LEN, INCOMPLETE)) {
		char **v = realloc(d->stale, (d->nstale + 1) * sizeof(*v));

		if (!v) {
			rc = -ENOMEM;
			goto out;
		}
		d->stale = v;
		v[d->nstale++] = u8;
		return 0;
	}
out:
	free(u8);
	return rc;
}

static int list_one(void *ctx, const struct nl_dirent *de)
{
	char *u8 = NULL;
	size_t len;
	int rc = nl_utf16le_to_wtf8(de->name, de->len, &u8, &len);

	return rc ? rc : note_name(ctx, u8);
}

static int list_host(void *ctx, const char *name)
{
	char *u8 = strdup(name);

	return u8 ? note_name(ctx, u8) : -ENOMEM;
}

static int report_step(struct nl_delorean *d, enum nl_delorean_step s, const char *path)
{
	struct nl_delorean_event ev = { s, path, d->o.copy.dry_run };

	if (d->o.on_step && d->o.on_step(d->o.step_ctx, &ev))
		return fail(d, -ECANCELED, "stopped before step '%s'", nl_delorean_step_name(s));
	return 0;
}

/* Remove the incomplete sets of interrupted runs (a dry run only reports
 * them): through @e in an image, else on the host. */
static int remove_stale(struct nl_delorean *d, nl_edit *e)
{
	for (size_t i = 0; i < d->nstale; i++) {
		char *p = in_dir(d, d->stale[i]), *spec = p ? spec_of(d, p) : NULL;
		int rc = spec ? report_step(d, NL_DELOREAN_STALE, spec) : -ENOMEM;

		if (!rc && !d->o.copy.dry_run && !e) {
			rc = dl_host_remove(p);
			if (rc)
				fail(d, rc, "cannot remove the incomplete set '%.400s': %s", spec,
				     strerror(-rc));
		} else if (!rc && !d->o.copy.dry_run) {
			rc = nl_edit_remove(e, p, NL_EDIT_RECURSIVE);
			if (rc)
				fail(d, rc, "cannot remove the incomplete set '%.400s': %.500s", spec,
				     nl_edit_error(e));
		}
		free(p);
		free(spec);
		if (rc)
			return rc;
	}
	return 0;
}

/* The newest set must be older than this run's. */
static int check_newest(struct nl_delorean *d)
{
	if (strcmp(d->stamp, d->newest_stamp) <= 0)
		return fail(d, -EEXIST, "the set '%.300s %s' is not older than this run's time "
			    "(%s UTC)", d->name, d->newest_stamp, d->stamp);
	return 0;
}

/* scan_sets() of a host folder. */
static int scan_host(struct nl_delorean *d)
{
	int rc = dl_host_list(d->dir, list_host, d);

	if (rc)
		return fail(d, rc, "cannot read '%.400s': %s", d->backupdir, strerror(-rc));
	rc = check_newest(d);
	return rc ? rc : remove_stale(d, NULL);
}

/* Read BACKUPDIR (missing: no sets), find the newest complete set, remove the
 * incomplete ones. */
static int scan_sets(struct nl_delorean *d)
{
	struct nl_edit_options eo = { .flags = d->o.copy.dry_run ? NL_EDIT_DRY_RUN : 0 };
	char err[NL_ERRMSG_SIZE] = "";
	nl_edit *e = NULL;
	uint64_t ref;
	int rc;

	if (!d->image)
		return scan_host(d);
	rc = nl_edit_open(d->image, &eo, &e, err, sizeof(err));
	if (rc)
		return fail(d, rc, "cannot open '%.400s': %.500s", d->image, err);
	rc = nl_edit_lookup(e, d->dir, &ref);
	if (rc == -ENOENT) {
		rc = 0;
	} else if (rc) {
		fail(d, rc, "'%.400s': %.500s", d->backupdir, nl_edit_error(e));
	} else {
		rc = nl_writer_list(e->w, ref, list_one, d);
		if (rc)
			fail(d, rc, "cannot read '%.400s': %s", d->backupdir, strerror(-rc));
	}
	if (!rc)
		rc = check_newest(d);
	if (!rc)
		rc = remove_stale(d, e);
	if (nl_edit_close(&e, err, sizeof(err)) && !rc)
		rc = fail(d, -EIO, "cannot write '%.400s': %.500s", d->image, err);
	return rc;
}

/* ---- the copy jobs ------------------------------------------------------------ */

/* The clone's actions stay quiet but for errors and warnings (counted); the
 * limit check's but for the files it names. */
static void on_action(void *ctx, const struct nl_copy_event *ev)
{
	struct nl_delorean *d = ctx;

	if (d->in_guard && (ev->action != NL_COPY_ACT_ERROR || !ev->source ||
			    strncmp(ev->source, d->newest, strlen(d->newest))))
		return;		/* the mirror that follows tells the rest */
	if (d->in_guard)
		d->clone_errors++;
	if (d->in_clone && ev->action != NL_COPY_ACT_ERROR && ev->action != NL_COPY_ACT_WARNING)
		return;
	if (d->in_clone && ev->action == NL_COPY_ACT_ERROR)
		d->clone_errors++;
	if (d->o.copy.on_action)
		d->o.copy.on_action(d->o.copy.action_ctx, ev);
}

/* The backup volume's drive letter, unless given: SRC's, as the first job that
 * reads it (job @c) infers it (else C:). */
static void take_drive(struct nl_delorean *d, struct nl_copy *c)
{
	struct nl_drive_guess g;

	if (d->drive)
		return;
	d->drive = nl_copy_source_drive(c, 0, &g) == 0 && g.drive ? g.drive : 'C';
	c->o.dest_drive = d->drive;
}

/*
 * The clone of the newest set is planned (c->before_exec): when bounded, no
 * file may pass the limit with the names it has, the clone's and as many
 * more as any file of SRC has (the most the mirror can link to one file), or
 * the clone stops here, nothing written, for the exact check (check_limit);
 * then the clone step is told.
 */
static int clone_ready(void *ctx, struct nl_copy *c)
{
	struct nl_delorean *d = ctx;

	d->limit = cp_link_limit(c->dst);
	for (struct cp_node *n = c->top->child; d->bounded && n;
	     n = cp_next_pre(n, c->top, n->create)) {
		if (!n->group || !n->create || n->failed)
			continue;
		/* a name not made as a link: over the limit (copied, as the bounded
		   clone allows), or not a file */
		if (!n->clone_link ||
		    (uint64_t)n->st.nlink + n->group->clone_names + d->src_most > d->limit) {
			cp_set_err(c, "the name limit is checked file by file");
			return d->held = -EAGAIN;
		}
	}
	d->held = report_step(d, NL_DELOREAN_CLONE, d->set_incomplete);
	return d->held;
}

/* Run one job from @src to @dest with options @o; the totals of the job that
 * copies or mirrors SRC are kept; @guard: a mirror that only checks the name
 * limit (mirror_guard.c). Returns nl_copy_run()'s result. */
static int run_job(struct nl_delorean *d, const struct nl_copy_options *o, const char *src,
		   const char *dest, bool keep_stats, bool guard)
{
	struct nl_copy_options jo = *o;
	nl_copy *c = NULL;
	int rc;

	jo.on_action = on_action;
	jo.action_ctx = d;
	rc = nl_copy_new(&jo, &c);
	if (rc)
		return fail(d, rc, "%s", strerror(-rc));
	c->guard_links = guard;
	if (d->in_clone) {
		/* the newest set: its folders from one scan of the backup volume */
		c->list_scan = true;
		c->problems_only = true;	/* on_action() tells only those of the clone */
		c->before_exec = clone_ready;
		c->before_ctx = d;
	}
	rc = nl_copy_add_source(c, src);
	if (rc)
		fail(d, rc, "'%.400s': %.500s", src, nl_copy_error(c));
	if (!rc)
		take_drive(d, c);
	if (!rc) {
		rc = nl_copy_set_dest(c, dest);
		if (rc)
			fail(d, rc, "'%.400s': %.500s", dest, nl_copy_error(c));
	}
	if (!rc) {
		d->held = 0;
		rc = nl_copy_run(c);
		if (rc < 0 && (!d->held || rc != d->held))
			fail(d, rc, "'%.400s': %.500s", dest, nl_copy_error(c));
		if (keep_stats)
			nl_copy_get_stats(c, &d->st);
		if (guard)
			d->limit = cp_link_limit(c->dst);
	}
	nl_copy_free(&c);
	return rc;
}

/* Later runs: the newest set cloned into the new one (its links that point
 * outside it kept as they are); @bounded: see clone_ready(). -EAGAIN when
 * the bound did not hold (nothing made). */
static int clone_newest(struct nl_delorean *d, bool bounded)
{
	struct nl_copy_options o;
	int rc;

	nl_copy_options_init(&o);
	o.clone = NL_COPY_CLONE_HARDLINK;
	o.outer = NL_COPY_SPLICE;
	o.copy_over_limit = bounded;	/* files over the limit fail the bound instead */
	o.src_drive = o.dest_drive = d->drive;
	o.progress = d->o.copy.progress;
	o.progress_ctx = d->o.copy.progress_ctx;
	d->in_clone = true;
	d->bounded = bounded;
	d->clone_errors = 0;
	rc = run_job(d, &o, d->newest, d->set_incomplete, false, false);
	d->in_clone = false;
	if (rc == -EAGAIN && d->held == -EAGAIN)
		return rc;
	if (rc == -EMLINK)
		fail(d, rc, "%llu file%s of '%.400s' would pass %u names in a new set: "
		     "nothing was made", (unsigned long long)d->clone_errors,
		     d->clone_errors == 1 ? "" : "s", d->newest, (unsigned)d->limit);
	return rc;
}

/* Before anything is made: SRC's mirror planned onto the newest set, which
 * the new set clones, so that the names each of its files would reach (those
 * it has, the clone's, then the mirror's) are known; files that would pass
 * the limit are reported and nothing is made. */
static int check_limit(struct nl_delorean *d)
{
	struct nl_copy_options o = d->o.copy;
	int rc;

	o.mirror = true;
	o.dry_run = true;
	o.dest_drive = d->drive;
	o.progress = NULL;
	d->in_guard = true;
	d->clone_errors = 0;
	rc = run_job(d, &o, d->src, d->newest, false, true);
	d->in_guard = false;
	if (rc == -EMLINK)
		fail(d, rc, "%llu file%s of '%.400s' would pass %u names in a new set: "
		     "nothing was made", (unsigned long long)d->clone_errors,
		     d->clone_errors == 1 ? "" : "s", d->newest, (unsigned)d->limit);
	return rc;
}

/* SRC read as a job's source would read it, for the backup volume's drive
 * letter (unless given) and, from its volume's scan, the most names a file of
 * it has (d->src_most; 0 when not known, or when --unroll may copy a file
 * under more paths than it has names). */
static int probe_source(struct nl_delorean *d)
{
	nl_copy *c = NULL;
	int rc = nl_copy_new(&d->o.copy, &c);

	if (rc)
		return fail(d, rc, "%s", strerror(-rc));
	rc = nl_copy_add_source(c, d->src);
	if (rc)
		fail(d, rc, "'%.400s': %.500s", d->src, nl_copy_error(c));
	if (!rc) {
		take_drive(d, c);
		d->src_most = d->o.copy.outer == NL_COPY_UNROLL ? 0 : cp_source_most_names(c, 0);
	}
	nl_copy_free(&c);
	return rc;
}

/*
 * Later runs: the newest set cloned into the new one within the name limit.
 * The clone checks a bound first (clone_ready()); when it does not hold (or
 * cannot be known), the exact check (check_limit) runs before the clone.
 */
static int clone_checked(struct nl_delorean *d)
{
	int rc = probe_source(d);

	if (!rc && d->src_most) {
		rc = clone_newest(d, true);
		if (rc != -EAGAIN || d->held != -EAGAIN)
			return rc;
		*d->err = '\0';
		rc = 0;
	}
	if (!rc)
		rc = check_limit(d);
	return rc ? rc : clone_newest(d, false);
}

/* SRC mirrored onto the new set (a dry run: onto the newest set, to show what
 * changed since). */
static int mirror_source(struct nl_delorean *d)
{
	struct nl_copy_options o = d->o.copy;
	const char *onto = o.dry_run ? d->newest : d->set_incomplete;
	int rc = report_step(d, NL_DELOREAN_MIRROR, onto);

	if (rc)
		return rc;
	o.mirror = true;
	o.dest_drive = d->drive;
	return run_job(d, &o, d->src, onto, true, false);
}

/* The first run: SRC Smart-Copied into the new set (BACKUPDIR made when missing). */
static int copy_source(struct nl_delorean *d)
{
	struct nl_copy_options o = d->o.copy;
	int rc = report_step(d, NL_DELOREAN_COPY, d->set_incomplete);

	if (rc)
		return rc;
	o.parents = true;
	o.into = false;
	o.dest_drive = d->drive;
	return run_job(d, &o, d->src, d->set_incomplete, true, false);
}

/* The volume path ('\\'-separated) of host path @p on the ntfs-3g mount
 * whose root is @mnt (malloc'ed). */
static char *volume_path(const char *mnt, const char *p)
{
	char *v = xasprintf("%s", p + strlen(mnt));

	for (char *q = v; q && *q; q++)
		if (*q == '/')
			*q = '\\';
	return v;
}

/* complete_set() of a host folder; on an ntfs-3g mount the links into the
 * set follow it (a Linux folder's are relative). */
static int complete_host(struct nl_delorean *d)
{
	char *mnt = NULL, *real = NULL, *from = NULL, *to = NULL;
	int rc = dl_host_rename(d->set_incomplete, d->set);

	if (rc)
		return fail(d, rc, "cannot rename '%.400s': %s", d->set_incomplete, strerror(-rc));
	if (!cp_is_ntfs3g_dir(d->set, &mnt))
		return 0;
	real = realpath(d->set, NULL);
	if (!real || strncmp(real, mnt, strlen(mnt))) {
		rc = real ? -EXDEV : -errno;
	} else {
		to = volume_path(strcmp(mnt, "/") ? mnt : "", real);
		from = to ? xasprintf("%s%s", to, INCOMPLETE) : NULL;
		rc = from ? dl_host_retarget(d->set, d->drive, from, to) : -ENOMEM;
	}
	if (rc)
		fail(d, rc, "cannot retarget the links in '%.400s': %s", d->set, strerror(-rc));
	free(mnt);
	free(real);
	free(from);
	free(to);
	return rc;
}

/* The set is complete: "NAME STAMP.incomplete" becomes "NAME STAMP", the links
 * inside it that point into it retargeted. */
static int complete_set(struct nl_delorean *d)
{
	char err[NL_ERRMSG_SIZE] = "";
	const char *from = d->set_incomplete_path;
	struct nl_edit_links *links = NULL;
	nl_edit *e = NULL;
	int rc = report_step(d, NL_DELOREAN_RENAME, d->set);

	if (!rc && !d->image)
		return complete_host(d);
	if (!rc && (rc = nl_edit_links_read(d->image, from, d->drive, &links, err, sizeof(err))))
		fail(d, rc, "cannot read '%.400s': %.500s", d->set_incomplete, err);
	if (!rc && (rc = nl_edit_open(d->image, NULL, &e, err, sizeof(err))))
		fail(d, rc, "cannot open '%.400s': %.500s", d->image, err);
	if (!rc && (rc = nl_edit_move(e, from, d->set_path, links)))
		fail(d, rc, "cannot rename '%.400s': %.500s", d->set_incomplete, nl_edit_error(e));
	if (nl_edit_close(&e, err, sizeof(err)) && !rc)
		rc = fail(d, -EIO, "cannot write '%.400s': %.500s", d->image, err);
	nl_edit_links_free(&links);
	return rc;
}

/* The names of the new set and of the newest one. */
static int name_sets(struct nl_delorean *d)
{
	char *base = xasprintf("%s %s", d->name, d->stamp), *p;

	if (!base)
		return -ENOMEM;
	d->set_path = in_dir(d, base);
	free(base);
	if (!d->set_path)
		return -ENOMEM;
	d->set_incomplete_path = xasprintf("%s%s", d->set_path, INCOMPLETE);
	d->set = spec_of(d, d->set_path);
	d->set_incomplete = d->set_incomplete_path ? spec_of(d, d->set_incomplete_path) : NULL;
	if (!d->set || !d->set_incomplete)
		return -ENOMEM;
	if (!*d->newest_stamp)
		return 0;
	base = xasprintf("%s %s", d->name, d->newest_stamp);
	p = base ? in_dir(d, base) : NULL;
	d->newest = p ? spec_of(d, p) : NULL;
	free(base);
	free(p);
	return d->newest ? 0 : -ENOMEM;
}

int nl_delorean_run(nl_delorean *d)
{
	int rc = make_stamp(d), made = 0;

	if (!rc)
		rc = scan_sets(d);
	if (!rc)
		rc = name_sets(d);
	if (!rc && d->newest)
		rc = report_step(d, NL_DELOREAN_NEWEST, d->newest);
	d->drive = d->o.copy.dest_drive;
	if (!rc && !d->newest)
		made = copy_source(d);
	else if (!rc && !d->o.copy.dry_run)
		made = clone_checked(d);
	if (!rc && made >= 0 && d->newest)
		made = mirror_source(d);
	if (!rc && made < 0)
		rc = made;
	if (!rc && !d->o.copy.dry_run)
		rc = complete_set(d);
	return rc ? rc : made;
}
