/* resolve_int.h: the link resolver: where a link points and what class it is, over a lookup interface (audits and copies). */
#ifndef NTFSLINKS_RESOLVE_INT_H
#define NTFSLINKS_RESOLVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/reparse.h>

/*
 * One resolver follows links through any tree a lookup can describe: the
 * scan model for the audit commands, a copy source for copies.  It owns the
 * hop limit, the visited set, the drive-letter inference and the definition
 * of each class of enum nl_link_class (the rules are in analysis.h), so the
 * audits and the copy engine cannot disagree about a link.
 *
 * Calling protocol:
 *
 *   struct nl_resolver *r;
 *   nl_resolver_new(&lookup, ctx, &opt, &r);   // lookup and ctx are borrowed
 *   for each link on the volume:               // only when opt.drive is 0 and
 *       nl_resolver_drive_vote(r, &target);    // the drive is to be inferred
 *   nl_resolver_drive_settle(r);               // pick the letter (or keep the given one)
 *   for each link:
 *       nl_resolver_classify(r, &link, &res);  // res points into r until the next call
 *   nl_resolver_free(&r);
 *   nl_resolve_cycles(v, n, pool);             // optional, over every link of the volume
 *                                              // (with opt.folders: res.folders, res.end_id)
 *
 * Ids: the lookup names every entry by a 64-bit id that is unique on the
 * volume and stable while the resolver lives (MFT record number, inode).
 * Paths handed to the resolver are absolute, '/'-separated, from the root of
 * the volume ("/a/b"; the root is "/"); names are WTF-8.
 *
 * The resolver never prints; classifying allocates only when a buffer must
 * grow (buffers are reused from one link to the next).  Errors are -errno.
 */

/** The reason given for a link that loops through several links (nl_resolve_cycles()). */
#define NL_REASON_CYCLE "links under its target lead back to it"

/** A resolver (opaque). */
struct nl_resolver;

/** The maximum number of links followed for one link, unless the options say otherwise. */
#define NL_RESOLVE_MAX_HOPS 64

/**
 * struct nl_rnode - one entry as the lookup describes it.  Pointers are owned
 * by the lookup and must stay valid until the nl_resolver_classify() or
 * nl_resolver_drive_vote() call that asked for them returns.
 * @id:       identity on the volume
 * @is_dir:   a folder (a link counts as a folder when its own entry is one)
 * @target:   a link the resolver follows: its parsed target; NULL for
 *            anything else (files, folders, reparse points that are no links)
 * @name:     the name as stored (@name_len bytes, not NUL-terminated), used
 *            only when the options ask for paths; NULL otherwise
 */
struct nl_rnode {
	uint64_t id;
	bool is_dir;
	const struct nl_target *target;
	const char *name;
	size_t name_len;
};

/** struct nl_resolve_lookup - the tree, through callbacks taking the caller's @ctx. */
struct nl_resolve_lookup {
	/* The root folder.  0, -ENOENT (no root: nothing on the volume can be
	 * resolved), or another -errno, which stops the resolver. */
	int (*root)(void *ctx, struct nl_rnode *out);
	/* The entry @name (@len bytes) in folder @dir, matched as the volume
	 * matches names (NTFS: case-insensitively).  @dir_path is the path of
	 * @dir (NUL-terminated) when the options ask for paths, else NULL.
	 * 0; -ENOENT (no such name, or @dir is not a folder); -EIO (the name is
	 * there but its entry cannot be read: out->id says which); another
	 * -errno stops the resolver. */
	int (*child)(void *ctx, uint64_t dir, const char *dir_path, const char *name, size_t len,
		     struct nl_rnode *out);
	/* Optional (may be NULL): the folder holding entry @id (by its first
	 * name) into *@parent.  0; -ENOENT when it has none (the root, an
	 * orphan); another -errno stops the resolver.  Without it, the folders
	 * holding a link are found by walking its dir_path name by name. */
	int (*parent)(void *ctx, uint64_t id, uint64_t *parent);
};

/** Options of a resolver. */
struct nl_resolve_options {
	char drive;              /* this volume's drive letter ('C' or 'c'); 0: infer it */
	const char *volume_guid; /* this volume's GUID ("{...}", "Volume{...}", "\\?\Volume{...}\"), or NULL */
	unsigned max_hops;       /* links followed before calling it a loop; 0: NL_RESOLVE_MAX_HOPS */
	uint64_t anchor;         /* id of the folder that decides inner/outer; 0: the root */
	bool paths;              /* keep the path a resolution went through (nl_resolution.target_path) */
	bool posix_here;         /* absolute POSIX targets are on this volume (a Linux tree);
				    otherwise they are other-volume (WSL links on NTFS) */
	bool folders;            /* give the folders holding each link (nl_resolution.folders),
				    what nl_resolve_cycles() needs */
};

/**
 * nl_resolver_new - a resolver over @lookup (with @ctx), both borrowed until
 * nl_resolver_free().  @opt may be NULL (root anchor, inferred drive).
 * Returns 0, -EINVAL (a drive that is not a letter, a GUID without braces),
 * -ENOMEM.
 */
int nl_resolver_new(const struct nl_resolve_lookup *lookup, void *ctx,
		    const struct nl_resolve_options *opt, struct nl_resolver **out);

/** nl_resolver_free - free @*r (NULL is fine) and set *r to NULL. */
void nl_resolver_free(struct nl_resolver **r);

/**
 * nl_resolver_drive_vote - count @t towards the drive-letter inference: a
 * drive-letter target supports its letter when its path exists on the volume
 * (looked up name by name, links not followed).  Other kinds are ignored.
 * Returns 0 or a -errno of the lookup.
 */
int nl_resolver_drive_vote(struct nl_resolver *r, const struct nl_target *t);

/**
 * nl_resolver_drive_settle - fix the drive letter after the votes: the given
 * one, else the letter with most support (ties: alphabetical), else the most
 * frequent letter (support 0), else none (no drive targets).
 */
void nl_resolver_drive_settle(struct nl_resolver *r);

/** nl_resolver_drive - the drive-letter assumption (after nl_resolver_drive_settle). */
void nl_resolver_drive(const struct nl_resolver *r, struct nl_drive_guess *g);

/**
 * struct nl_rlink - the link to classify.
 * @id:       its own id (a link pointing at itself or at a folder holding it loops)
 * @target:   its parsed target (not NULL)
 * @dir_path: the path of the folder holding it, names as stored; NULL when
 *            it has none (not connected to the root).  Needed to place a
 *            relative target, and, when the lookup has no parent callback,
 *            to find the folders holding the link; may be NULL otherwise
 */
struct nl_rlink {
	uint64_t id;
	const struct nl_target *target;
	const char *dir_path;
};

/**
 * struct nl_resolution - what nl_resolver_classify() found.  Strings are
 * owned by the resolver and valid until its next call.
 * @cls:             the class (never NL_CLASS_NONE)
 * @reason:          why, for dangling, loop and unknown; NULL otherwise
 * @hop_path:        the first hop as a path on this volume, resolved
 *                   lexically ("/x/y"); NULL when it is not on this volume
 * @found:           the first hop exists (followed through links on its way)
 * @target_id:       its id, if found
 * @target_is_dir:   it is a folder
 * @target_path:     with the paths option: the path it was found by (names
 *                   as stored, after the links on the way); else NULL
 * @end_id:          the folder that following the link leads into (the end
 *                   of its chain of links, or the folder holding it that it
 *                   points to); 0 when it leads into none
 * @folders:         with the folders option: the ids of the folders holding
 *                   the link, the root first (@nfolders of them; 0 when it
 *                   has no path from the root)
 * @unreadable:      unknown because an entry on the way could not be read:
 *                   @reason is "record N unreadable", N = @unreadable_id
 */
struct nl_resolution {
	enum nl_link_class cls;
	const char *reason;
	const char *hop_path;
	bool found;
	uint64_t target_id;
	bool target_is_dir;
	const char *target_path;
	uint64_t end_id;
	const uint64_t *folders;
	size_t nfolders;
	bool unreadable;
	uint64_t unreadable_id;
};

/**
 * nl_resolver_classify - resolve @link and class it.  A path is resolved
 * name by name from the root; a link met before the last name is followed,
 * one at the end is the target itself; from the target, the chain of links
 * it leads to is followed to find dangling ends and loops.  Inner or outer is
 * decided by the folders the resolution of the first hop went through.
 * Returns 0 with @res filled, or a -errno from the lookup or -ENOMEM (@res
 * is then undefined).
 */
int nl_resolver_classify(struct nl_resolver *r, const struct nl_rlink *link,
			 struct nl_resolution *res);

/**
 * struct nl_rcycle - one link for nl_resolve_cycles().
 * @end:          nl_resolution.end_id (0: it leads into no folder)
 * @folders:      offset of nl_resolution.folders in the caller's pool
 * @nfolders:     how many
 * @loop:         in: classed loop already; out: also set when following
 *                links from it (into its folder and anything below) comes
 *                back to it
 * @reaches_loop: out: not a loop, but following it leads to a link that is
 */
struct nl_rcycle {
	uint64_t end;
	size_t folders, nfolders;
	bool loop;
	bool reaches_loop;
};

/**
 * nl_resolve_cycles - find the links that loop through several links: a
 * link leads to every link under the folder it leads into; a link on a cycle
 * of that relation is a loop (one leading into a folder that holds it is the
 * cycle of one link).  @v: every link of the volume, @pool: their folders.
 * Time and memory grow with the links and the depth of their folders (and
 * with how many links lie under each folder a link leads into).
 * Returns 0 or -ENOMEM.
 */
int nl_resolve_cycles(struct nl_rcycle *v, size_t n, const uint64_t *pool);

#endif
