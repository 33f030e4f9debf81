/* analysis.h: classify links relative to a folder, infer the drive letter, hardlink saturation, true size. */
#ifndef NTFSLINKS_ANALYSIS_H
#define NTFSLINKS_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <ntfslinks/common.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/reparse.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Link classes (of name-surrogate reparse points: junctions, mount points,
 * symlinks, WSL symlinks), relative to an anchor folder (default the root):
 *
 *   inner         the target is this volume's anchor folder or under it
 *   outer         the target is on this volume, outside the anchor
 *   other-volume  another drive letter, a volume GUID (unless it is this
 *                 volume's, see options), a UNC path, any other NT path, an
 *                 absolute WSL path
 *   dangling      the target is on this volume but nothing is there
 *                 (relative ".." above the root included)
 *   loop          following the link (and the links it leads to, and links
 *                 met on the way through the path) comes back to a link
 *                 already followed, or to the link itself or one of its
 *                 ancestor folders, or needs more than max_depth hops; or
 *                 following links from it (into the folder it leads to and
 *                 anything below it) comes back to it: two junctions that
 *                 each point at a folder holding the other are both loops.
 *                 A link that only leads into such a loop keeps its class
 *                 and has reaches_loop set
 *   unknown       the reparse data is malformed or unreadable, or the
 *                 target cannot be parsed or placed: unreadable data (a
 *                 non-resident $REPARSE_POINT in a bare $MFT) whose tag is
 *                 a name surrogate or is not known at all (tag 0: it may
 *                 be a link); a relative target of a link whose own path
 *                 does not reach the root (orphaned); any target on this
 *                 volume when the model has no root folder (see
 *                 nl_analysis_open); the target, or a folder on the way,
 *                 is in a record the scan could not read that its folder's
 *                 index still names (reason "record N unreadable"; a bare
 *                 $MFT has no indexes: such a link is dangling there)
 *
 * Precedence: unknown, other-volume (first hop), dangling (first hop),
 * loop, dangling (further hops), then inner/outer by where the first hop
 * lands.  A path is resolved component by component, NTFS
 * case-insensitively; a name-surrogate link met in the middle of a path is
 * followed (as Windows does), one at the end is the target itself.  Inner
 * or outer follows the path, not the record: a target reached through a
 * name outside the anchor is outer even when the file has another name
 * under it.  The same resolver classes links for the copy engine.
 *
 * The drive letter: absolute drive targets (\??\C:\...) point into this
 * volume only if their letter is this volume's letter.  It is given
 * (options.drive, from --drive) or inferred: every drive-letter target whose
 * path resolves on this volume supports its letter; the letter with most
 * support wins (ties: alphabetical).  If no target resolves, the most
 * frequent letter is assumed with support 0; with no drive targets at all
 * no letter is needed (drive 0).  nl_analysis_drive() reports the
 * assumption for the report header and the JSON summary.
 */

enum nl_link_class {
	NL_CLASS_NONE = 0,      /* not a name surrogate: not classified */
	NL_CLASS_INNER,
	NL_CLASS_OUTER,
	NL_CLASS_OTHER_VOLUME,
	NL_CLASS_DANGLING,
	NL_CLASS_LOOP,
	NL_CLASS_UNKNOWN,
	NL_CLASS_COUNT
};

/** nl_link_class_name - "none", "inner", "outer", "other-volume", "dangling", "loop", "unknown" (static). */
const char *nl_link_class_name(enum nl_link_class c);

/** nl_link_class_from_name - the class for one of those names; -EINVAL if none. */
int nl_link_class_from_name(const char *name);

typedef struct nl_analysis nl_analysis;

struct nl_analysis_options {
	uint64_t anchor;        /* record number of the anchor folder; 0 = root (NL_ROOT_MFT) */
	char drive;             /* this volume's drive letter ('C' or 'c'); 0 = infer */
	const char *volume_guid; /* "{GUID}" of this volume if known (case-insensitive), or NULL */
	unsigned max_depth;     /* hops to follow before calling it a loop; 0 = 64 */
	nl_problem_fn problem;  /* malformed reparse data is reported here (may be NULL) */
	void *problem_ctx;
	const char *source;     /* image name passed to @problem */
};

/**
 * nl_analysis_open - decode every reparse point of @m, infer the drive
 * letter and classify every name-surrogate link.
 * @m must outlive the analysis (it is used for lookups; not modified except
 * that its child index is built).
 * @opt may be NULL (root anchor, inferred drive).
 * Without an anchor in @opt the root is the anchor.  If the model has no
 * root folder (a carved fragment of a $MFT without record 5) the analysis is
 * still made: links to other volumes are other-volume, links whose target
 * would be on this volume are unknown (nothing there can be resolved), and
 * nothing is inner, outer, dangling or loop.  An explicit @opt->anchor must
 * be a directory of the model.
 * Returns 0, -EINVAL (bad drive letter, explicit anchor not a directory of
 * the model), -ENOMEM.
 */
int nl_analysis_open(nl_model *m, const struct nl_analysis_options *opt, nl_analysis **out);

/** nl_analysis_close - free @*a (NULL is fine) and set *a to NULL. */
void nl_analysis_close(nl_analysis **a);

/** The drive-letter assumption. */
struct nl_drive_guess {
	char drive;             /* upper-case letter, or 0 when none was needed */
	bool given;             /* true when it came from the options */
	uint64_t support;       /* drive targets that resolved with this letter */
	uint64_t drive_targets; /* all drive-letter targets seen */
};

/** nl_analysis_drive - fill @g.  Returns 0. */
int nl_analysis_drive(const nl_analysis *a, struct nl_drive_guess *g);

/** What the analysis knows about one reparse point.  Pointers are owned by the analysis. */
struct nl_link_info {
	uint64_t mft;                     /* the link's record */
	uint32_t tag;
	const struct nl_reparse *rp;      /* decoded data; NULL if unreadable */
	const struct nl_target *target;   /* parsed substitute name (NULL: not a link) */
	enum nl_link_class cls;
	const char *target_path;          /* the first hop as a path on this volume
	                                     ("/x/y"), NULL if it is not on it */
	bool target_found;                /* the first hop exists */
	uint64_t target_mft;              /* its record, if found */
	const char *reason;               /* static text for dangling/loop/unknown
	                                     ("no such file", "points to a folder that
	                                     contains it", "links under its target lead
	                                     back to it", ...);
	                                     NULL else */
	bool reaches_loop;                /* not a loop, but following it leads to one */
};

/**
 * nl_analysis_link - the facts for the reparse point of record @mft.
 * Returns 0, -ENOENT (no reparse point on that record).
 */
int nl_analysis_link(const nl_analysis *a, uint64_t mft, struct nl_link_info *out);

/**
 * nl_analysis_next - iterate over all reparse points in record order.
 * @cursor: 0 before the first call.  Returns 0 with @out filled, or 1 at the end.
 */
int nl_analysis_next(const nl_analysis *a, size_t *cursor, struct nl_link_info *out);

/** nl_analysis_counts - links per class (indexed by enum nl_link_class).  Returns 0. */
int nl_analysis_counts(const nl_analysis *a, uint64_t counts[NL_CLASS_COUNT]);

/* ---- hardlink saturation ---------------------------------------------------- */

struct nl_saturation {
	uint32_t total;      /* non-DOS names of the file */
	uint32_t inside;     /* ... that are under the folder */
	bool saturated;      /* inside == total (and total > 0) */
};

/**
 * nl_hardlink_saturation - how many names of record @mft are under folder
 * @dir (record number; the folder itself counts as under).
 * Returns 0, -ENOENT (no such record).
 */
int nl_hardlink_saturation(const nl_model *m, uint64_t mft, uint64_t dir,
			   struct nl_saturation *s);

/* ---- true size ---------------------------------------------------------------- */

/*
 * Sizes count, per file: bytes = logical size of the unnamed $DATA plus all
 * named $DATA streams (data_size + streams_size), and alloc = clusters
 * allocated to them (alloc_size; 0 for resident data).  Directories count
 * as entries but add no bytes; reparse points are not followed (a link
 * counts its own, usually empty, data).  "naive" adds a file once per name
 * under the folder (what tools that ignore hardlinks report); "true" adds it
 * once.  DOS names are not names here.
 */
struct nl_truesize {
	uint64_t names;           /* non-DOS names under the folder (folder itself not counted) */
	uint64_t files;           /* distinct non-directory records among them */
	uint64_t dirs;            /* distinct directories among them */
	uint64_t hardlinked;      /* files with more than one name under the folder */
	uint64_t naive_bytes, true_bytes;
	uint64_t naive_alloc, true_alloc;
	uint64_t freed_bytes, freed_alloc; /* what deleting the folder would free: the
	                                      files all of whose names are under it */
};

/**
 * nl_truesize - sizes under folder @dir (record number). NTFS metadata files
 * (records 0-15 such as $MFT, $LogFile, $BadClus, and everything under
 * $Extend) are never counted, even under the root.
 * Returns 0, -ENOENT (@dir not in the model), -ENOTDIR, -ENOMEM.
 */
int nl_truesize(const nl_model *m, uint64_t dir, struct nl_truesize *out);

#ifdef __cplusplus
}
#endif
#endif
