/* delorean.h: DeLorean Copy: timestamped backup sets of a folder in an NTFS image, each set sharing the files that did not change with the set before it. */
#ifndef NTFSLINKS_DELOREAN_H
#define NTFSLINKS_DELOREAN_H

#include <ntfslinks/copy.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A DeLorean Copy (Link Shell Extension's name) keeps backup sets of SRC in
 * BACKUPDIR, a folder in an NTFS image (IMAGE:/path, IMAGE@N:/path), one
 * folder per run named "NAME YYYY-MM-DD HH-MM-SS": NAME is SRC's own name
 * (or the one given), the time is UTC (sortable as text; '-' between hours,
 * minutes and seconds as Windows names have no ':').
 *
 *   - The first run (no complete set of NAME in BACKUPDIR) Smart-Copies SRC
 *     into the new set (nl_copy_run() with the given options).
 *   - A later run hardlink-clones the newest complete set into the new set
 *     (every file a new name of the file in the newest set, its links
 *     recreated inside the new set), then mirrors SRC onto it (options.mirror):
 *     unchanged files stay names of the files of the sets before, changed ones
 *     are replaced (never written through the record the sets share),
 *     deleted ones removed.
 *   - Before anything is made, each file of the newest set is checked against
 *     NTFS's 1023 names: its names in all the sets, plus the names the new
 *     set gives it. Files that would pass it are reported through
 *     options.copy.on_action (NL_COPY_ACT_ERROR, named by their path in the
 *     newest set) and the run stops with -EMLINK, nothing made.
 *   - The new set is made as "NAME STAMP.incomplete" and renamed to its name
 *     (links inside it that point into it retargeted, as nl_edit_move() does)
 *     only when it is complete. A run that is interrupted leaves that folder;
 *     the next run never takes it as the newest set and removes it (and
 *     every other "NAME STAMP.incomplete") before it makes its own.
 *
 * The drive letter of the backup volume, written into absolute targets, is
 * options.copy.dest_drive, else the source's (given or inferred as the copy
 * infers it); keep it the same from run to run.
 */

/** Opaque handle of one DeLorean run. */
typedef struct nl_delorean nl_delorean;

/** The steps of a run, in their order, as reported to nl_delorean_step_fn. */
enum nl_delorean_step {
	NL_DELOREAN_STALE = 0,	/* @path: an incomplete set of an interrupted run removed */
	NL_DELOREAN_NEWEST,	/* @path: the newest complete set, the base of this run */
	NL_DELOREAN_COPY,	/* @path: the new set (incomplete): SRC is Smart-Copied into it */
	NL_DELOREAN_CLONE,	/* @path: the new set (incomplete): the newest set is cloned into it */
	NL_DELOREAN_MIRROR,	/* @path: the new set (incomplete): SRC is mirrored onto it */
	NL_DELOREAN_RENAME,	/* @path: the new set, complete: its incomplete folder
				   is renamed to it */
	NL_DELOREAN__COUNT
};

/** One step; strings owned by the library, valid during the call. */
struct nl_delorean_event {
	enum nl_delorean_step step;
	const char *path;	/* "IMAGE:/path" of the set */
	bool dry_run;		/* reported by a dry run: not done */
};

/** Called before each step is done; nonzero stops the run there
 * (nl_delorean_run() -ECANCELED), leaving what was made. */
typedef int (*nl_delorean_step_fn)(void *ctx, const struct nl_delorean_event *ev);

struct nl_delorean_options {
	/* the copy and mirror of SRC: outer-link policy, drive letters,
	 * patterns, no_acl, dry_run and the callbacks (actions of the clone
	 * are not reported but for errors and warnings) */
	struct nl_copy_options copy;
	const char *name;	/* NAME of the sets; NULL: SRC's own name (an image's
				   root: the image file's name without extension) */
	int64_t when;		/* the time of the new set, seconds since 1970 (UTC);
				   NL_DELOREAN_NOW: the clock */
	nl_delorean_step_fn on_step;
	void *step_ctx;
};

#define NL_DELOREAN_NOW INT64_MIN

/** nl_delorean_options_init - the defaults: the copy's, the clock, SRC's name. */
void nl_delorean_options_init(struct nl_delorean_options *o);

/**
 * nl_delorean_new - a run of @src into @backupdir (strings copied, @opt
 * copied; its pattern arrays must live until nl_delorean_free()). Checks
 * the syntax only. Returns 0 and sets *@out, -ENOMEM, or -EINVAL (see
 * nl_delorean_error(); *@out is then set too, to be freed).
 */
int nl_delorean_new(const struct nl_delorean_options *opt, const char *src,
		    const char *backupdir, nl_delorean **out);

/**
 * nl_delorean_run - make the new set (see above). A dry run reports the
 * steps and, through the copy's callbacks, what the copy (first run) or the
 * mirror of SRC onto the newest set (later runs) would do; nothing is
 * written. Returns 0, 1 when some entries failed (each reported; the set is
 * still made complete: they are missing from it or hold the previous
 * version), or -errno: -EINVAL (BACKUPDIR is not a folder in an image, a
 * bad NAME), -EEXIST (a set as new as this run's time exists), -EMLINK (the
 * 1023-name guard), -ECANCELED, or the error of a step; see
 * nl_delorean_error(). A new set that was begun then stays incomplete.
 */
int nl_delorean_run(nl_delorean *d);

/** nl_delorean_set - "IMAGE:/path" of the new set (once nl_delorean_run() has
 * named it), else NULL; owned by @d. */
const char *nl_delorean_set(const nl_delorean *d);

/** nl_delorean_newest - "IMAGE:/path" of the newest complete set before the
 * run, or NULL (a first run); owned by @d. */
const char *nl_delorean_newest(const nl_delorean *d);

/** nl_delorean_get_stats - the totals of the copy or mirror of SRC; into *@st. */
void nl_delorean_get_stats(const nl_delorean *d, struct nl_copy_stats *st);

/** nl_delorean_error - a short lowercase reason for the last failure, or "". */
const char *nl_delorean_error(const nl_delorean *d);

/** nl_delorean_step_name - "stale", "newest", "copy", "clone", "mirror", "rename". */
const char *nl_delorean_step_name(enum nl_delorean_step s);

/** nl_delorean_free - release the run; clears *@d (NULL is fine). */
void nl_delorean_free(nl_delorean **d);

#ifdef __cplusplus
}
#endif
#endif
