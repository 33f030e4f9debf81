/* copy_engine_int.h: the copy engine's own types (the job, the plan, pending links) and the
 * functions its files share: copy_job.c (the job, endpoints), copy_plan.c (nodes, hardlink
 * groups, anchors, the walk), copy_resolve.c (where a link leads, through the link resolver),
 * copy_links.c (link policies, rewritten targets), copy_exec.c (making the plan),
 * copy_run.c (nl_copy_run). Backends never include it: they see copy_backend_int.h. */
#ifndef NTFSLINKS_COPY_ENGINE_INT_H
#define NTFSLINKS_COPY_ENGINE_INT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/reparse.h>

#include "copy/copy_backend_int.h"

#define NL_COPY_ERRLEN_INTERNAL 1024	/* messages from the backends */

/* The plan: one node per destination entry. */
struct cp_group;

struct cp_node {
	struct cp_node *parent, *child, *last, *next;
	struct cp_src *src;
	char *name;		/* destination name (WTF-8) */
	char *anchor;		/* source path of this entry when it does not follow from the
				   parent (roots, unrolled targets); NULL otherwise */
	char *src_name;		/* source name when it differs from the destination name */
	char *link_source;	/* unrolled: where the link itself was (for reports) */
	struct cp_stat st;
	enum nl_copy_action action;	/* planned action */
	enum nl_copy_kind kind;
	bool create;		/* something is made in the destination */
	bool is_root;		/* a source root (or the --into folder) */
	bool failed;
	bool linux_symlink;	/* create as a Linux symlink (directory destinations) */
	bool unrolled;		/* an outer link replaced by a copy of its target */
	bool outside;		/* linux_symlink: leads out of the destination (--splice) */
	bool renamed;		/* a "name - Copy" name: the name was taken (see reason) */
	bool clone_link;	/* hardlink clone: made as a new name of the source file */
	uint8_t *rp;		/* reparse buffer to write (rewritten or raw), or NULL */
	size_t rp_len;
	char *target;		/* links: the target as stored */
	char *new_target;	/* links: the target written (reported) */
	char *reason;
	struct cp_group *group;
	struct cp_dh dh;
	uint32_t depth;
	/* mirror (copy_mirror*.c) */
	size_t have;		/* 1 + the destination entry at this path, 0: none */
	uint32_t upd;		/* what of that entry is set in place (MR_UPD_* bits) */
	bool kept;		/* that entry stays (create is false) */
	bool dirty;		/* kept folder: something inside it was added or removed */
};

struct cp_group {
	struct cp_group *hnext;
	unsigned src;
	uint64_t dev, ino;
	struct cp_node *first;	/* the name whose data was written */
	uint32_t planned, made;
	int state;		/* 0 not yet, 1 made, -1 failed */
	struct nl_times t;
	uint32_t attrs;
	uint32_t clone_names;	/* hardlink clone: names the clone gives the file */
	size_t mirror_file;	/* mirror: 1 + the destination file it keeps, 0: none */
	bool mirror_meta;	/* mirror: that file's own metadata was seen to */
};

/* An anchor: a copied source folder that inner links may point into. */
struct cp_map {
	const char *vol_key;
	char *path;		/* canonical source path of the anchor */
	struct cp_node *node;
	bool global;		/* a source root: holds for every link; an unrolled
				   target holds only for the links copied inside it */
};

/* What a link entry points at (cp_link_resolve), as the link resolver classed it. */
struct cp_target {
	int rc;			/* 0 (inner or outer), -ENOENT dangling, -ELOOP, -EXDEV other
				   volume, -EINVAL not a link we understand, -EIO unknown,
				   another -errno when the source could not be read */
	enum nl_link_class cls;
	bool self;		/* the target is the link itself */
	bool junction;
	bool relative;
	bool print_empty;
	char *canon;		/* the target's source path, names as stored, when found;
				   else its lexical path when it is on the volume, or NULL */
	struct cp_stat tst;	/* the target entry (rc 0) */
	char *orig_rel;		/* relative targets: the text, '/'-separated */
	char *reason;		/* the resolver's reason (dangling, loop, unknown) */
};

/* A pending link of the plan, its target worked out once. */
struct cp_link {
	struct cp_node *n;
	bool done;		/* resolved */
	struct cp_target t;
	struct cp_map *map;	/* inner: the anchor it falls under */
	bool inner;		/* decided: recreate pointing into the copy */
	bool splice;		/* decided: recreate with the original target */
};

/* A source folder the walk has entered (cp_dir_guard): its record or inode,
 * within the copy of one anchored tree. */
struct cp_dirseen {
	const struct cp_node *scope;	/* the nearest node with an anchor */
	const char *vol_key;
	uint64_t dev, ino;
	const struct cp_node *node;	/* where it was copied */
};

/* The copy job. */
struct nl_copy {
	struct nl_copy_options o;
	struct cp_src **src;
	size_t nsrc;
	struct cp_dst *dst;
	struct cp_node *top;
	struct cp_map *maps;
	size_t nmaps, capmaps;
	struct cp_group **ht;
	size_t htcap, ngroups;
	struct cp_link **pend;
	size_t npend, cappend;
	struct cp_node **walkq;
	size_t nq, capq;
	struct cp_dirseen *seen;	/* open-addressing set of the folders entered */
	size_t nseen, capseen;
	struct cp_link **links;	/* every link record, for freeing */
	struct cp_lookup **lookups;	/* per source (by index): its resolver and drive letter */
	size_t nlookups;
	size_t nlinks, caplinks;
	struct nl_copy_stats st;
	uint8_t *buf;
	size_t bufsz;
	char err[512];
	bool ran;
	bool partial;
	bool stop;
	bool guard_links;	/* mirror dry run: only check that no file of the destination
				   passes the name limit in a hardlink clone of it mirrored
				   (mirror_guard.c) */
	/* called once the plan is made and checked, before anything is written; a
	   nonzero return ends the run with it */
	int (*before_exec)(void *ctx, struct nl_copy *c);
	void *before_ctx;
	bool problems_only;	/* on_action hears of errors and warnings only (the rest
				   counted, never described) */
	bool list_scan;		/* image sources list their folders from one scan of the
				   volume while planned (DeLorean's clone of the newest set;
				   the order of names in a folder then is the index's order,
				   not libntfs-3g's listing order) */
	bool reclaim;		/* name_taken() removes a marked folder in the existing destination */
	bool reclaimed;		/* ... and did */
	int reclaim_err;	/* ... and failed (-errno) */
};

/* ---- small inline functions -------------------------------------------------- */

static inline char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static inline uint32_t rp_tag(const struct cp_stat *st)
{
	const uint8_t *b = st->reparse;

	if (!b || st->reparse_len < 4)
		return 0;
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline bool is_link_stat(const struct cp_stat *st)
{
	uint32_t t;

	if (st->type == CP_T_LSYMLINK)
		return true;
	if (st->type != CP_T_REPARSE)
		return false;
	t = rp_tag(st);
	return t == NL_TAG_MOUNT_POINT || t == NL_TAG_SYMLINK;
}

/* "/a/b" + "c" */
static inline char *path_join(const char *a, const char *b)
{
	size_t al = strlen(a);

	if (!*b)
		return strdup(a);
	return xasprintf("%s%s%s", a, al && a[al - 1] == '/' ? "" : "/", b);
}

static inline char *path_dirname(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s || s == p)
		return strdup("/");
	return strndup(p, (size_t)(s - p));
}

/* Is @p equal to or under @dir (component-wise)? */
static inline bool path_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return p[0] == '/';
	return !strncmp(p, dir, n) && (p[n] == 0 || p[n] == '/');
}

/* The state of an execution: where reports say things go. */
struct exec_ctx {
	char *top_display;	/* destination folder that holds the copies */
	struct cp_dh mark;	/* CP_PARTIAL_MARK in the folder made as the destination */
	bool marked;
};

/* ---- copy_job.c ----------------------------------------------------------------- */

/* Set the job's error message. */
void cp_set_err(struct nl_copy *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Split endpoint @spec into an existing image ("FILE" or "FILE@N") and the
 * path inside it (both malloc'ed); false (both NULL) for a host path. */
bool cp_image_spec_split(const char *spec, char **image, char **path);
/* Free a source (or a destination read as a source, as mirror does) and its backend. */
void cp_src_free(struct cp_src *s);

/* ---- copy_plan.c ---------------------------------------------------------------- */

/* A new plan node @name (copied) below @parent (NULL for the top), from source @s. */
struct cp_node *cp_node_new(struct nl_copy *c, struct cp_node *parent, struct cp_src *s,
			    const char *name);
void cp_node_free_tree(struct cp_node *root);
/* Paths of a node (malloc'ed, NULL when out of memory): in its source, in the
 * destination below the top folder, and "IMAGE:/path" or "/host/path" for reports. */
char *cp_node_srcpath(const struct cp_node *n);
char *cp_node_destrel(const struct cp_node *n);
char *cp_node_srcdisplay(const struct cp_node *n);
/* Mark @n failed with a reason; the run ends partial. */
void cp_node_fail(struct nl_copy *c, struct cp_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Next node after @n in pre-order below @root (into @n's children when @descend). */
struct cp_node *cp_next_pre(struct cp_node *n, const struct cp_node *root, bool descend);
/* File @n joins its hardlink group. 0 or -ENOMEM. */
int cp_group_add(struct nl_copy *c, struct cp_node *n);
/* Record source folder @path (volume @vol_key), copied as @n, as an anchor. */
int cp_map_add(struct nl_copy *c, const char *vol_key, const char *path, struct cp_node *n,
	       bool global);
struct cp_map *cp_map_find(struct nl_copy *c, const char *vk, const char *path,
			   const struct cp_node *n);
/* The unrolled folder copied first (wherever it is) that holds @path, or NULL. */
struct cp_map *cp_map_find_unrolled(struct nl_copy *c, const char *vk, const char *path);
/* Pending links: queue @li again, forget its target, free it. */
int cp_pend_push(struct nl_copy *c, struct cp_link *li);
void cp_link_reset(struct cp_link *li);
void cp_link_free(struct cp_link *li);
/* Folder @n may be entered: 0; 1 when it is refused (a directory cycle, or a
 * folder record listed twice in one tree: @n is failed); -ENOMEM. */
int cp_dir_guard(struct nl_copy *c, struct cp_node *n);
/* Decide what a freshly planned node is; folders and links are queued. */
int cp_classify(struct nl_copy *c, struct cp_node *n);
/* Plan the entries of source folder @dirst below @attach. */
int cp_walk_dir(struct nl_copy *c, struct cp_node *attach, struct cp_src *s,
		const struct cp_stat *dirst, const char *into_base);
/* Plan the queued folders. */
int cp_drain_walk(struct nl_copy *c, size_t *head);
/* @name, or a free "name - Copy" variant of it in @parent (malloc'ed). */
char *cp_auto_name(struct nl_copy *c, struct cp_node *parent, const char *name, bool is_dir);
/* The data bytes the copy of @n writes (its streams that are kept, holes included). */
uint64_t cp_node_bytes(const struct nl_copy *c, const struct cp_node *n);
/* After the walk: the first name of each hardlink group, link limits, total bytes. */
void cp_finalize(struct nl_copy *c);

/* ---- copy_resolve.c ------------------------------------------------------------- */

/*
 * Where link entry @st, found in folder @dir (its source path) of source @s,
 * leads, through the link resolver with the source as its lookup: fills @t
 * (t->rc says how it ended; see struct cp_target).  The source's drive
 * letter is the one given, else inferred as the audit commands infer it.
 * Returns 0, or -ENOMEM (then @t is partly filled; cp_target_clear() frees it).
 */
int cp_link_resolve(struct nl_copy *c, struct cp_src *s, const struct cp_stat *st,
		    const char *dir, struct cp_target *t);
void cp_target_clear(struct cp_target *t);
/* Source @s was just added: its drive letter (given, or inferred from its
 * volume as the audit commands infer it) and its resolver.  0 or -errno. */
int cp_source_prepare(struct nl_copy *c, struct cp_src *s);
/* The drive letter of source @s: given, or inferred (g->drive 0: no drive targets). */
int cp_source_drive(struct nl_copy *c, struct cp_src *s, struct nl_drive_guess *g);
/* The most names (not DOS names) a file has on the volume of image source
 * @index, from the scan cp_source_prepare() made of it; 0 when not known. */
uint32_t cp_source_most_names(const struct nl_copy *c, size_t index);
/* Free every source's resolver. */
void cp_lookups_free(struct nl_copy *c);

/* ---- copy_links.c --------------------------------------------------------------- */

/* Resolve the pending links and apply the policies, planning what they bring in. */
int cp_plan_links(struct nl_copy *c);
/* The reparse data (or Linux symlink text) of every link that is made. */
int cp_rewrite_links(struct nl_copy *c);

/* ---- copy_clone.c --------------------------------------------------------------- */

/* A clone (options.clone): after the plan, mark the files made as hard links
 * of their source files (checking that none passes 1023 names) or turn them
 * into symbolic links to them. 0, -EMLINK (files reported), -EINVAL,
 * -ENOMEM; the message is in the job. */
int cp_clone_prepare(struct nl_copy *c);

/* ---- copy_job.c (endpoints) ------------------------------------------------------ */

/* Is @path on an ntfs-3g mount? *@mount_root (when given) gets the mount's root (malloc'ed). */
bool cp_is_ntfs3g_dir(const char *path, char **mount_root);
/* The most names a file may have in destination @d: 1023 on NTFS, else the
 * host file system's limit (pathconf _PC_LINK_MAX). */
uint32_t cp_link_limit(const struct cp_dst *d);

/* ---- copy_run.c ----------------------------------------------------------------- */

/* The whole plan: roots, everything below them, the links, first names and
 * link targets. 0 or -errno. */
int cp_plan(struct nl_copy *c);
/* Done with the destination: sources read through its writer are let go, then
 * it is finished (checked unmount of images). 0 or -errno (message set). */
int cp_finish(struct nl_copy *c);

/* ---- mirror_exec.c ---------------------------------------------------------------- */

/* nl_copy_run() of a mirror, once the endpoints were checked. Returns as nl_copy_run(). */
int cp_mirror_run(struct nl_copy *c);

/* ---- copy_exec.c ---------------------------------------------------------------- */

/* Execution in steps: the context (0 or -ENOMEM), one node of the plan made
 * (a folder with all below it; a dry run only reports), one report about
 * it, and the end (times owed to hardlinked files; frees the context). */
int cp_exec_begin(struct nl_copy *c, struct exec_ctx *x);
void cp_exec_node(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n);
void cp_exec_report(struct nl_copy *c, struct exec_ctx *x, struct cp_node *n,
		    enum nl_copy_action a, const char *reason);
void cp_exec_end(struct nl_copy *c, struct exec_ctx *x);

/* Report progress; -ECANCELED (and the job stops) when the callback says so. */
int cp_progress(struct nl_copy *c);
/* Make the plan in the destination (a dry run only reports). 0 or -ENOMEM. */
int cp_execute(struct nl_copy *c);

#endif
