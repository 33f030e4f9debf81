/* diff.h: compare two trees (NTFS image folders, ntfs-3g mounts, Linux folders) by names, hardlink groups, links and contents. */
#ifndef NTFSLINKS_DIFF_H
#define NTFSLINKS_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include <ntfslinks/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Calling protocol:
 *
 *   struct nl_diff_options o;
 *   nl_diff_options_init(&o);
 *   o.content = true; o.on_diff = fn; o.ctx = me;
 *   nl_diff *d;
 *   nl_diff_new(&o, &d);
 *   nl_diff_add_tree(d, "disk.img:/Users");   // tree A
 *   nl_diff_add_tree(d, "/mnt/backup/Users"); // tree B
 *   rc = nl_diff_run(d);                       // 0 equal, 1 different
 *   nl_diff_get_stats(d, &st);
 *   nl_diff_free(&d);
 *
 * Trees are given as copy endpoints are (copy.h): IMAGE:/path, IMAGE@N:/path,
 * IMAGE, or a host directory (plain, or on an ntfs-3g mount). Both are only
 * read. Paths in events are relative to the two roots, '/'-separated, the
 * roots themselves ".". Entries are compared in one order (byte order of the
 * names, a folder's contents right after it); an entry that is only on one
 * side is reported once, without its contents.
 *
 * What is compared for an entry that is on both sides:
 *   - its type: file, folder, junction, symlink, other reparse point
 *     (by tag), device or the like;
 *   - hardlinks (files): the names inside the root that share its file,
 *     relative to the root ("a.txt, sub/b.txt"); names outside the root do
 *     not count;
 *   - links (junctions and symbolic links, NTFS or Linux): where they lead,
 *     through the link resolver of the audit commands: "inner /sub/x" (a
 *     path relative to the root) when the target is inside the root, "outer
 *     /x" (a path on the volume) when it is elsewhere on the volume, else
 *     the class ("dangling", "loop", "other-volume", "unknown") and the
 *     target as stored; the drive letter of absolute targets is the one
 *     given, or inferred per volume as the audit commands infer it;
 *   - other reparse points: their reparse data, byte for byte;
 *   - with @content, per file (once, at its first name in the order above):
 *     the names and sizes of its data streams, the bytes of each, the
 *     creation, modification and access times, the attribute bits (all
 *     but "normal", "directory" and "archive"), the security descriptor;
 *     and per name its DOS (8.3) name (one that is the name itself in
 *     capitals counts as none). An empty unnamed stream of a reparse point
 *     counts as none (an ntfs-3g mount shows no data of a symbolic link).
 *     The MFT change time is not compared: every write changes it.
 */

typedef struct nl_diff nl_diff;

/** What differs (see nl_diff_what_name()). */
enum nl_diff_what {
	NL_DIFF_ONLY_A = 0,	/* "only-a": the entry is only in tree A */
	NL_DIFF_ONLY_B,		/* "only-b" */
	NL_DIFF_TYPE,		/* "type": file, folder, junction, symlink, reparse:TAG */
	NL_DIFF_HARDLINKS,	/* "hardlinks": the names sharing the file */
	NL_DIFF_TARGET,		/* "target": where a link leads */
	NL_DIFF_REPARSE,	/* "reparse": the data of another reparse point */
	NL_DIFF_STREAMS,	/* "streams": names and sizes of the data streams */
	NL_DIFF_DATA,		/* "data": the bytes of a stream (detail: its name,
				   NULL for the unnamed one; a and b: the first
				   offset that differs) */
	NL_DIFF_TIMES,		/* "times" (detail: creation, modification, access) */
	NL_DIFF_ATTRIBUTES,	/* "attributes": hex bit masks */
	NL_DIFF_DOS_NAME,	/* "dos-name" */
	NL_DIFF_SECURITY,	/* "security": size and a 64-bit hash of each descriptor */
	NL_DIFF_ERROR,		/* "error": an entry could not be read (detail: the
				   reason; a or b: "a" or "b", the side) */
	NL_DIFF__COUNT
};

/**
 * struct nl_diff_event - one difference. Strings are owned by the library
 * and valid during the callback; @a, @b and @detail may be NULL.
 * @path: relative path of the entry ("." for the roots)
 * @a, @b: the value on each side (NULL: none there)
 */
struct nl_diff_event {
	enum nl_diff_what what;
	const char *path;
	const char *a;
	const char *b;
	const char *detail;
};

typedef void (*nl_diff_fn)(void *ctx, const struct nl_diff_event *ev);

struct nl_diff_stats {
	uint64_t entries_a, entries_b;	/* entries listed in each tree (roots included) */
	uint64_t compared;		/* entries found on both sides */
	uint64_t bytes_compared;	/* stream bytes read from each side (@content) */
	uint64_t counts[NL_DIFF__COUNT];	/* events of each kind */
};

/** Progress: entries compared so far out of the entries of tree A; nonzero stops. */
typedef int (*nl_diff_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct nl_diff_options {
	bool content;		/* compare data, streams, times, attributes, DOS
				   names and security descriptors too */
	char drive;		/* drive letter of both volumes for absolute link
				   targets; 0: inferred per volume */
	nl_diff_fn on_diff;
	void *ctx;
	nl_diff_progress_fn progress;
	void *progress_ctx;
};

/** nl_diff_options_init - zero @o (names and links only, drives inferred). */
void nl_diff_options_init(struct nl_diff_options *o);

/** nl_diff_new - a comparison with options @o (copied). 0, -EINVAL, -ENOMEM. */
int nl_diff_new(const struct nl_diff_options *o, nl_diff **out);

/**
 * nl_diff_add_tree - open tree A (first call) or B (second call) read-only.
 * Returns 0, -ENOENT, -EINVAL (a third tree, bad syntax, a root that is a
 * link), or another -errno; nl_diff_error() says why.
 */
int nl_diff_add_tree(nl_diff *d, const char *spec);

/**
 * nl_diff_run - compare the two trees, reporting each difference through
 * on_diff. Returns 0 when they are equal, 1 when something differs or an
 * entry could not be read (an NL_DIFF_ERROR event; see the stats), -EINVAL
 * when two trees were not added, -ECANCELED when progress said stop,
 * -ENOMEM.
 */
int nl_diff_run(nl_diff *d);

/** nl_diff_get_stats - the totals so far, copied into *@st. */
void nl_diff_get_stats(const nl_diff *d, struct nl_diff_stats *st);

/** nl_diff_error - a short lowercase reason for the last failed call, or "" (owned by @d). */
const char *nl_diff_error(const nl_diff *d);

/** nl_diff_free - close both trees and free @*d; sets it to NULL. */
void nl_diff_free(nl_diff **d);

/** nl_diff_what_name - "only-a", "only-b", "type", ... (static storage). */
const char *nl_diff_what_name(enum nl_diff_what w);

#ifdef __cplusplus
}
#endif
#endif
