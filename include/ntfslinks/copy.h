/* copy.h: Smart Copy: copy trees between NTFS images, directories and ntfs-3g mounts, keeping links. */
#ifndef NTFSLINKS_COPY_H
#define NTFSLINKS_COPY_H

#include <ntfslinks/analysis.h>
#include <ntfslinks/common.h>
#include <ntfslinks/ondisk.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Calling protocol (like ln.exe --copy):
 *
 *   struct nl_copy_options o;
 *   nl_copy_options_init(&o);           // defaults: crop, drop streams on dirs
 *   o.outer = NL_COPY_UNROLL; ...
 *   nl_copy *c;
 *   nl_copy_new(&o, &c);
 *   nl_copy_add_source(c, "disk.img:/Users");     // once per source
 *   nl_copy_add_source(c, "/srv/tree");
 *   nl_copy_set_dest(c, "out.img:/backup");
 *   rc = nl_copy_run(c);                  // plan, then execute (or only plan: dry_run)
 *   nl_copy_get_stats(c, &stats);
 *   nl_copy_free(&c);                     // closes everything; checked close is in run
 *
 * Endpoints are strings:
 *   IMAGE:/path       a folder inside an NTFS image file or block device;
 *   IMAGE@N:/path     the same in partition N of a partitioned disk image;
 *   IMAGE             (an existing regular file or block device) its root folder;
 *   DIR               a directory: plain Linux, or a folder on an ntfs-3g FUSE
 *                     mount (detected; reparse data, attributes, times and
 *                     streams then go through the mount's system.ntfs_* and
 *                     user.* extended attributes).
 * Paths inside images use '/' (or '\'); names are WTF-8.
 *
 * Several sources form one common root: links between them are inner. The
 * destination folder is created when missing; when it exists, each source is
 * copied inside it under the source's own name (auto-renamed "name - Copy",
 * "name - Copy (2)" on a clash), or with 'into' its contents go straight in.
 *
 * Nothing in the source is ever written. Errors with single entries are
 * reported through the action callback (NL_COPY_ACT_ERROR) and the problem
 * callback; the copy continues where that is safe and nl_copy_run() returns 1.
 */

/*
 * Smart Mirror (options.mirror): one source folder, and a destination folder
 * that exists (no auto-rename, no --into: the destination is the copy of the
 * source folder itself). nl_copy_run() then makes the destination match the
 * plan a copy of the source would make, writing only what differs:
 *   - an entry whose path is in both and whose kind, size and modification
 *     time (with checksum: contents) are the same is left as it is; its
 *     attributes, times, DOS name and security descriptor are set in place
 *     when they differ (NL_COPY_ACT_UPDATED), except on a file that has
 *     names outside the destination (a hardlink clone of an older backup):
 *     that is replaced instead, never changed through the shared record;
 *   - what is new is copied as copy does; what is no longer in the source,
 *     and outer links the crop policy leaves out, are deleted
 *     (NL_COPY_ACT_DELETED); entries excluded by the patterns, or that could
 *     not be read in the source, are left alone in the destination;
 *   - hardlink groups: the names of a source file share one file in the
 *     destination, kept when it is the same, with names added and removed;
 *     a destination name that left the group is removed and made anew, so
 *     the file it shared stays as it was;
 *   - junctions and symbolic links: the link the copy would make, compared
 *     by its reparse data (or Linux symlink text), replaced when it differs.
 * Deletions come first (deepest first), then the plan in order. A dry run
 * reports every action and writes nothing. Each action is reported through
 * on_action; entries left unchanged are only counted (stats.unchanged).
 */

/** Opaque handle of a copy job. */
typedef struct nl_copy nl_copy;

/** What to do with junctions and symbolic links that point outside the copied set. */
enum nl_copy_outer_policy {
	NL_COPY_CROP = 0,	/* leave them out, report them (default) */
	NL_COPY_SPLICE,		/* recreate them pointing at the original target */
	NL_COPY_UNROLL,		/* copy what they point to in their place, recursively */
};

/** What becomes of files: copies, or a clone of links to the source files. */
enum nl_copy_clone {
	NL_COPY_CLONE_NONE = 0,	/* copy them */
	NL_COPY_CLONE_HARDLINK,	/* each name a new hard link of the source file: the
				   source must be in the destination image; a file
				   that would pass 1023 names stops the run before
				   anything is written (nl_copy_run() -EMLINK, the
				   files reported as errors), or with
				   copy_over_limit is copied */
	NL_COPY_CLONE_SYMBOLIC,	/* each name a symbolic link to the source file, with
				   the absolute target \??\X:\path on the source's
				   volume (X: the given or inferred drive letter;
				   none: -EINVAL); NTFS sources and destinations */
};

/** Named streams when the destination is a plain Linux directory. */
enum nl_copy_streams_policy {
	NL_COPY_STREAMS_DROP = 0,	/* dropped, with a warning per file */
	NL_COPY_STREAMS_XATTR,		/* kept as user.NAME extended attributes */
};

/** One action of the copy, as ln.exe reports it (see nl_copy_action_name()). */
enum nl_copy_action {
	NL_COPY_ACT_COPIED = 0,	/* file (or other reparse point, raw) copied with its streams */
	NL_COPY_ACT_FOLDER,	/* folder created */
	NL_COPY_ACT_HARDLINKED,	/* another name of a file already copied */
	NL_COPY_ACT_JUNCTION,	/* inner junction recreated, pointing into the copy */
	NL_COPY_ACT_SYMLINK,	/* inner symbolic link recreated, pointing into the copy */
	NL_COPY_ACT_CROPPED,	/* outer link left out (crop) */
	NL_COPY_ACT_SPLICED,	/* outer link recreated with its original target (splice) */
	NL_COPY_ACT_UNROLLED,	/* outer link replaced by a copy of its target (unroll) */
	NL_COPY_ACT_DANGLING,	/* link whose target does not exist */
	NL_COPY_ACT_LOOP,	/* link that leads back into itself: not followed */
	NL_COPY_ACT_EXCLUDED,	/* left out by --exclude / --include */
	NL_COPY_ACT_WARNING,	/* copied, but something was lost (e.g. dropped streams) */
	NL_COPY_ACT_ERROR,	/* failed; nothing incomplete was left behind */
	NL_COPY_ACT_CLONED,	/* clone: the file made a new hard link of the source file
				   (NL_COPY_CLONE_HARDLINK) or a symbolic link to it
				   (NL_COPY_CLONE_SYMBOLIC) */
	NL_COPY_ACT_DELETED,	/* mirror: an entry of the destination removed (no longer in
				   the source, or in the way of what replaces it: @dest is
				   it, @reason says why); for a file with other names only
				   this name goes */
	NL_COPY_ACT_UPDATED,	/* mirror: attributes, times, DOS name or security
				   descriptor of an entry set in place (@reason lists them) */
	NL_COPY_ACT__COUNT
};

/** The kind of source entry an action is about. */
enum nl_copy_kind {
	NL_COPY_KIND_FILE = 0,
	NL_COPY_KIND_FOLDER,
	NL_COPY_KIND_JUNCTION,	/* includes volume mount points */
	NL_COPY_KIND_SYMLINK,
	NL_COPY_KIND_REPARSE,	/* any other reparse tag */
	NL_COPY_KIND_OTHER,	/* device, fifo, socket on a Linux source */
};

/**
 * struct nl_copy_event - one reported action. All strings are owned by the
 * library and valid only during the callback; any may be NULL.
 * @source:     the source entry, as "ENDPOINT-ROOT/relative/path" (WTF-8)
 * @dest:       what was (or with dry_run would be) created: "IMAGE:/path" or
 *              a host path, '/'-separated; NULL when nothing was
 * @target:     for links, the target as stored in the source
 * @new_target: for recreated links, the target written in the destination
 * @reason:     for errors, warnings, loops, dangling and cropped links
 */
struct nl_copy_event {
	enum nl_copy_action action;
	enum nl_copy_kind kind;
	const char *source;
	const char *dest;
	const char *target;
	const char *new_target;
	const char *reason;
	uint64_t bytes;		/* data bytes written for this entry (all streams) */
	uint64_t mft;		/* source record number, UINT64_MAX for directory sources */
	bool renamed;		/* @dest got a "name - Copy" name because the name was
				   taken (@reason says which) */
};

typedef void (*nl_copy_action_fn)(void *ctx, const struct nl_copy_event *ev);

/** Running totals, for progress and the closing summary. */
struct nl_copy_stats {
	uint64_t items_done, items_total;	/* planned entries handled / planned */
	uint64_t bytes_done, bytes_total;	/* data bytes written / planned */
	uint64_t actions[NL_COPY_ACT__COUNT];	/* count of each action */
	uint64_t outside;	/* symbolic links made in a Linux folder that lead out of
				   it (only --splice makes them: spliced or dangling) */
	uint64_t unchanged;	/* mirror: entries of the destination left as they were */
};

/** Progress callback: called now and then during nl_copy_run(); nonzero stops the copy. */
typedef int (*nl_copy_progress_fn)(void *ctx, const struct nl_copy_stats *st);

struct nl_copy_options {
	enum nl_copy_outer_policy outer;
	enum nl_copy_streams_policy streams;
	bool into;		/* copy the sources' contents into the existing DST */
	bool dry_run;		/* plan and report, write nothing */
	bool no_acl;		/* do not copy security descriptors (image to image) */
	char src_drive;		/* the source volumes' drive letter; 0 (default): inferred
				   from all the links of each NTFS source's volume (image,
				   or what an ntfs-3g mount reads), as the audit commands
				   infer it; C: for plain folders */
	char dest_drive;	/* drive letter written into absolute links (0: as source) */
	bool parents;		/* create the destination's missing parent folders */
	uint64_t create_image;	/* an IMAGE: destination that does not exist is formatted
				   with this many bytes (mkntfs -T); 0: it must exist */
	/* Glob patterns (fnmatch, matched against the name and against the path
	 * relative to the source root). An entry is left out when it matches an
	 * exclude pattern, or when include patterns are given and a file matches
	 * none of them (folders are still entered). Arrays owned by the caller,
	 * must live until nl_copy_free(). */
	const char *const *exclude;
	size_t n_exclude;
	const char *const *include;
	size_t n_include;
	size_t buffer_size;	/* data buffer in bytes; 0: 1 MiB. Memory does not grow with file sizes */
	enum nl_copy_clone clone;	/* files copied (default) or cloned as links */
	bool copy_over_limit;	/* hardlink clone: copy the files that would pass 1023 names */
	bool mirror;		/* Smart Mirror (see below): make the existing destination
				   folder hold what the one source folder holds */
	bool checksum;		/* mirror: files of equal size and time are compared byte
				   for byte as well */
	nl_copy_action_fn on_action;
	void *action_ctx;
	nl_problem_fn problem;	/* also told about every error, with the source image/record */
	void *problem_ctx;
	nl_copy_progress_fn progress;
	void *progress_ctx;
};

/** nl_copy_options_init - fill @o with the defaults (crop, drop streams, inferred drive). */
void nl_copy_options_init(struct nl_copy_options *o);

/**
 * nl_copy_new - create a copy job. @opt is copied (its arrays are not).
 * Returns 0 and sets *@out (free with nl_copy_free()), or -ENOMEM / -EINVAL.
 */
int nl_copy_new(const struct nl_copy_options *opt, nl_copy **out);

/**
 * nl_copy_add_source - add one source endpoint (see the syntax above).
 * Opens the source read-only at once (in the image of a destination already
 * set, it is read through the destination's handle instead). Returns 0, -ENOENT (missing), -ENOTDIR
 * (not a folder: a single file may be a source, this is only for bad paths), -ENXIO (the image
 * named, IMAGE:..., does not exist),
 * -EINVAL (bad syntax), or another -errno from opening the volume. A short
 * reason for the user is then available from nl_copy_error().
 */
int nl_copy_add_source(nl_copy *c, const char *spec);

/**
 * nl_copy_set_dest - set the destination endpoint. For images the volume is
 * opened read-write unless dry_run. "NAME:" or "NAME:/path" names an image
 * even when NAME does not exist: then it is formatted when create_image is
 * set, else the call fails with -ENXIO (-ENOENT: a missing folder on the
 * path).  When it is the image of a source (same
 * file by device and inode, or same block device, a loop device counting as
 * its backing file, and same partition), one
 * read-write handle serves both: the source's read-only mount is closed
 * first and the source is then only read through the destination's mount
 * (if the destination cannot be opened, the source is mounted read-only
 * again). Returns 0 or -errno; see nl_copy_error().
 */
int nl_copy_set_dest(nl_copy *c, const char *spec);

/**
 * nl_copy_run - plan the copy (walk the sources, group hardlinks, classify
 * links), then execute it unless dry_run. Refuses a destination inside a
 * source or a source inside the destination (-ELOOP, see nl_copy_error()).
 * Returns 0 when everything was copied, 1 when some entries failed or were
 * lost (reported through the callbacks), or -errno when the copy could not
 * start or the destination could not be finished (e.g. the final unmount of a
 * destination image failed): the destination is then not to be trusted.
 */
int nl_copy_run(nl_copy *c);

/** nl_copy_get_stats - the totals so far; copied into *@st. */
void nl_copy_get_stats(const nl_copy *c, struct nl_copy_stats *st);

/**
 * nl_copy_source_drive - the drive letter assumed for source @index (0-based,
 * in the order added): given (src_drive), inferred from all the links of an
 * NTFS source's volume exactly as nl_analysis_open() infers it, else C: (a
 * plain folder, or an image already open read-write as the destination).
 * Returns 0, -ENOENT (no such source).
 */
int nl_copy_source_drive(const nl_copy *c, size_t index, struct nl_drive_guess *g);

/**
 * nl_copy_error - a short lowercase reason for the last failing call of
 * nl_copy_add_source / set_dest / run, or "" (owned by @c).
 */
const char *nl_copy_error(const nl_copy *c);

/** nl_copy_free - release the job and close its volumes (unchecked; use run's result). */
void nl_copy_free(nl_copy **c);

/** nl_copy_action_name - "copied", "hardlinked", ... (static storage). */
const char *nl_copy_action_name(enum nl_copy_action a);

/** nl_copy_kind_name - "file", "folder", "junction", "symlink", "reparse", "other". */
const char *nl_copy_kind_name(enum nl_copy_kind k);

#ifdef __cplusplus
}
#endif
#endif
