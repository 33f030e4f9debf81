/* diff_int.h: the trees a comparison loads (diff_tree.c), comparing contents (diff_content.c) and the comparison itself (diff.c). */
#ifndef NTFSLINKS_DIFF_INT_H
#define NTFSLINKS_DIFF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntfslinks/diff.h>

#include "copy/copy_engine_int.h"

/* One entry of a tree: a name below the root (or the root itself). */
struct df_entry {
	char *rel;		/* "" for the root, else "/a/b" below it */
	struct cp_stat st;	/* as the source backend listed it */
	size_t file;		/* index of its file in df_tree.files (files only), else SIZE_MAX */
	char *target;		/* links: where it leads, relative to the root (see diff.h) */
	bool skip;		/* inside an entry reported as only on this side */
};

/* One file with all its names inside the root (a hardlink group). */
struct df_file {
	uint64_t dev, ino;
	size_t first;		/* the entry of its first name in path order */
	size_t nnames;
	char *names;		/* "a.txt, sub/b.txt": its names, in path order */
	size_t peer;		/* the file of the other tree it was compared with, or SIZE_MAX */
};

/* A loaded tree. */
struct df_tree {
	struct cp_src *s;
	struct df_entry *e;	/* sorted by df_path_cmp() once loaded */
	size_t n, cap;
	struct df_file *files;
	size_t nfiles, capfiles;
	size_t *ht;		/* (dev, ino) -> file index + 1; 0 empty */
	size_t htcap;
	bool no_targets;	/* links are not resolved (target stays NULL) */
};

struct nl_diff {
	struct nl_diff_options o;
	nl_copy *job;		/* holds the two sources and their link resolvers */
	struct df_tree t[2];
	struct nl_diff_stats st;
	uint8_t *buf[2];
	size_t bufsz;
	char err[512];
};

/* ---- diff_tree.c ----------------------------------------------------------------- */

/* Path order: byte order with '/' before every other byte (a folder's
 * contents come right after it). */
int df_path_cmp(const char *a, const char *b);
/* The display form of @rel: "." for the root, else without the leading '/'. */
const char *df_display(const char *rel);
/* The path of entry @rel in its source: volume path (images) or host path (malloc'ed). */
char *df_src_path(const struct df_tree *t, const char *rel);
/* Load tree @side of @d: every entry, its hardlink group, where links lead.
 * Entries that cannot be read are reported as NL_DIFF_ERROR events.
 * 0 or -ENOMEM / -ECANCELED. */
int df_tree_load(struct nl_diff *d, int side);
void df_tree_free(struct df_tree *t);
/* The kind of entry @st as reported: "file", "folder", "junction", "symlink",
 * "reparse:TAG", "other" (static or owned by @buf). */
const char *df_kind(const struct cp_stat *st, char *buf, size_t len);
/* Report a difference. */
void df_report(struct nl_diff *d, enum nl_diff_what w, const char *rel, const char *a,
	       const char *b, const char *detail);

/* ---- diff_content.c -------------------------------------------------------------- */

/* Compare the contents (streams, data, times, attributes, security) of the
 * files or folders of entries @ea (tree A) and @eb (tree B). 0 or -ENOMEM. */
int df_compare_content(struct nl_diff *d, const struct df_entry *ea, const struct df_entry *eb);

#endif
