/* mirror_int.h: Smart Mirror in the copy engine: the destination read as a tree and set against
 * the copy plan (mirror_plan.c: what stays, what is set in place, what goes), then carried out
 * (mirror_exec.c: deletions, updates, the plan's new entries through the copy executor);
 * the name limit of a DeLorean set (mirror_guard.c). */
#ifndef NTFSLINKS_MIRROR_INT_H
#define NTFSLINKS_MIRROR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "copy/copy_engine_int.h"
#include "diff/diff_int.h"

/* What of a kept entry is set in place (cp_node.upd). */
#define MR_UPD_ATTRS	0x1u
#define MR_UPD_TIMES	0x2u
#define MR_UPD_SECURITY	0x4u
#define MR_CAND		0x80000000u	/* planning only: a file whose data is the same */

/* What becomes of an entry of the destination. */
enum mr_fate {
	MR_DELETE = 0,	/* removed (the default: nothing in the plan keeps it) */
	MR_KEEP,	/* kept by a node of the plan (or the root) */
	MR_LEAVE,	/* left alone with all below it: excluded, or unreadable in the source */
};

/* Why an entry of the destination is deleted (for the report). */
enum mr_why {
	MR_WHY_GONE = 0,	/* not in the source */
	MR_WHY_INSIDE,		/* inside a folder that is deleted */
	MR_WHY_KIND,		/* the source has another kind of entry there */
	MR_WHY_DATA,		/* the file's data differs */
	MR_WHY_GROUP,		/* the name now belongs to another file */
	MR_WHY_SHARED,		/* changed, and its file has names outside the destination */
	MR_WHY_DOS,		/* its DOS name differs */
	MR_WHY_LEFT_OUT,	/* the source's link is left out (crop, dangling, loop) */
};

struct mirror {
	struct nl_copy *c;
	struct cp_src *ds;		/* the destination folder, read as a source */
	struct nl_diff dd;		/* dd.t[0]: the destination's tree (diff_tree.c) */
	struct nl_diff cmp;		/* checksum: the two sides of one file compared */
	struct cp_src src_abs;		/* the source, seen with root "/" (for cmp) */
	struct df_tree *t;		/* &dd.t[0] */
	struct cp_node **node_of;	/* per entry of t: the plan node at its path */
	uint8_t *fate;			/* per entry: enum mr_fate */
	uint8_t *why;			/* per entry: enum mr_why */
	struct cp_group **claim;	/* per file of t: the group that keeps it */
	uint32_t cmp_seen;		/* checksum: the kinds of difference found (1 << what) */
	uint64_t deletions;
	struct exec_ctx x;
};

/* ---- mirror_plan.c ---------------------------------------------------------------- */

/* Read the destination (m->ds, m->t), then decide for every node of the plan
 * and every entry of the destination what is done. 0 or -errno (message set). */
int mr_plan(struct mirror *m);
/* The index of entry @rel ("/a/b") in the destination's tree, or SIZE_MAX. */
size_t mr_find(const struct mirror *m, const char *rel);
/* What of entry @e is to be set to @want in place (MR_UPD_* bits). */
uint32_t mr_meta_diff(const struct mirror *m, const struct cp_stat *want, const struct cp_stat *e);
/* Are security descriptors copied for @n (as the copy does)? */
bool mr_wants_acl(const struct mirror *m, const struct cp_node *n);
/* Free what mr_plan() made. */
void mr_plan_free(struct mirror *m);

/* ---- mirror_guard.c --------------------------------------------------------------- */

/* After mr_plan(): do the files of the destination stay within the name
 * limit through a hardlink clone of it and this mirror? Those that would not
 * are reported; 0, -EMLINK (message set) or -ENOMEM. */
int mr_guard(struct mirror *m);

#endif
