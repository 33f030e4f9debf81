/* fe_audit_links.c: the hardlink-group and reparse-point listings shared by scan, hardlinks and reparse. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/analysis.h>

#include "fe.h"
#include "fe_audit.h"

#define HIDE (NL_COL_NO_TEXT | NL_COL_NO_JSON | NL_COL_NO_CSV)

/* Emit a summary table now (text: before the listing) or later (JSON: last). */
static bool summary_first(const struct fe_audit *a)
{
	return a->format == FE_FMT_TEXT;
}

static void cell_path(struct fe_audit *a, nl_table *t, size_t col, const char *path, char drive)
{
	nl_cell_str(t, col, fe_audit_display(a, path, drive));
}

/* ---- hardlinks ---------------------------------------------------------------- */

enum {
	H_MFT, H_SEQ, H_NAMES, H_INSIDE, H_SATURATED, H_SIZE, H_PATH, H_DOS, H_IN,
	H_DELETED, H_CRTIME, H_MTIME, H_CTIME, H_ATIME, H_NCOLS
};

static const struct nl_column hl_cols[H_NCOLS] = {
	[H_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_ROLE_INODE, 0 },
	[H_SEQ] = { "seq", "SEQ", NL_COL_RIGHT | NL_ROLE_SEQ, 0 },
	[H_NAMES] = { "name_count", "NAMES", NL_COL_RIGHT, 0 },
	[H_INSIDE] = { "inside", "INSIDE", NL_COL_RIGHT, 0 },
	[H_SATURATED] = { "saturated", "SATURATED", 0, 0 },
	[H_SIZE] = { "size", "SIZE", NL_COL_RIGHT | NL_COL_BYTES | NL_ROLE_SIZE, 0 },
	[H_PATH] = { "path", "PATH", NL_COL_TRUNC | NL_ROLE_NAME, 0 },
	[H_DOS] = { "dos_alias", "DOS", 0, 0 },
	[H_IN] = { "name_inside", "IN", 0, 0 },
	[H_DELETED] = { "deleted", "DELETED", NL_ROLE_DELETED, 0 },
	[H_CRTIME] = { "crtime", "CRTIME", HIDE | NL_ROLE_CRTIME, 0 },
	[H_MTIME] = { "mtime", "MTIME", HIDE | NL_ROLE_MTIME, 0 },
	[H_CTIME] = { "ctime", "CTIME", HIDE | NL_ROLE_CTIME, 0 },
	[H_ATIME] = { "atime", "ATIME", HIDE | NL_ROLE_ATIME, 0 },
};

enum {
	G_MFT, G_SEQ, G_COUNT, G_SIZE, G_NAMES, G_DOS, G_INSIDE, G_TOTAL, G_SATURATED,
	G_OUTSIDE, G_DELETED, G_NCOLS
};

static const struct nl_column grp_cols[G_NCOLS] = {
	[G_MFT] = { "mft", NULL, 0, 0 },
	[G_SEQ] = { "seq", NULL, 0, 0 },
	[G_COUNT] = { "count", NULL, 0, 0 },
	[G_SIZE] = { "size", NULL, 0, 0 },
	[G_NAMES] = { "names", NULL, 0, 0 },
	[G_DOS] = { "dos_aliases", NULL, 0, 0 },
	[G_INSIDE] = { "inside", NULL, 0, 0 },
	[G_TOTAL] = { "total", NULL, 0, 0 },
	[G_SATURATED] = { "saturated", NULL, 0, 0 },
	[G_OUTSIDE] = { "outside", NULL, 0, 0 },
	[G_DELETED] = { "deleted", NULL, 0, 0 },
};

const struct fe_listing fe_listing_hardlink = { "hardlink", hl_cols, H_NCOLS };
const struct fe_listing fe_listing_hardlink_group = { "hardlink_group", grp_cols, G_NCOLS };

enum { HS_GROUPS, HS_NAMES, HS_UNDER, HS_SATURATED, HS_UNSATURATED, HS_DELETED, HS_NCOLS };

static const struct nl_column hsum_cols[HS_NCOLS] = {
	[HS_GROUPS] = { "groups", "Hardlink groups", 0, 0 },
	[HS_NAMES] = { "name_count", "Names in them", 0, 0 },
	[HS_UNDER] = { "under", "Under", 0, 0 },
	[HS_SATURATED] = { "saturated", "Saturated", 0, 0 },
	[HS_UNSATURATED] = { "unsaturated", "Unsaturated", 0, 0 },
	[HS_DELETED] = { "deleted", "Deleted", 0, 0 },
};

struct hl_sum {
	uint64_t groups, names, saturated, unsaturated, deleted;
};

static void hardlinks_summary(struct fe_audit *a, const struct hl_sum *s)
{
	struct nl_column cols[HS_NCOLS];
	nl_table *t;

	memcpy(cols, hsum_cols, sizeof(cols));
	if (!a->under)
		cols[HS_UNDER].flags = cols[HS_SATURATED].flags = cols[HS_UNSATURATED].flags = HIDE;
	if (!a->deleted)
		cols[HS_DELETED].flags = HIDE;
	t = fe_audit_table(a, "summary", cols, HS_NCOLS, NL_TABLE_SUMMARY);
	nl_cell_uint(t, HS_GROUPS, s->groups);
	nl_cell_uint(t, HS_NAMES, s->names);
	if (a->under) {
		const char *p = fe_audit_record_path(a, a->anchor, NULL, NULL);

		if (p)
			cell_path(a, t, HS_UNDER, p, fe_audit_drive(a));
		nl_cell_uint(t, HS_SATURATED, s->saturated);
		nl_cell_uint(t, HS_UNSATURATED, s->unsaturated);
	}
	if (a->deleted)
		nl_cell_uint(t, HS_DELETED, s->deleted);
	fe_audit_row_end(a, t);
}

/* The record info a group's row needs (seq, size, flags). */
static void group_info(struct fe_audit *a, uint64_t mft, struct nl_record_info *ri)
{
	if (nl_model_record(a->model, mft, ri) < 0)
		memset(ri, 0, sizeof(*ri));
}

/* One thread's share of the collection: the hardlinked records lo .. hi-1. */
struct cpart {
	struct fe_audit *a;	/* the thread's own (its path buffer) */
	uint64_t lo, hi;
	nl_rows *rows;
	unsigned key_flags;	/* NL_PATH_KEY_BY_DIR without --under */
	struct hl_sum s;
};

static void collect_range(struct cpart *p)
{
	struct fe_audit *a = p->a;
	unsigned filter = NL_ITER_HARDLINKS | (a->deleted ? NL_ITER_DELETED : 0);
	uint64_t cursor = p->lo, mft;

	while (nl_model_next(a->model, filter, &cursor, &mft) == 0) {
		struct nl_saturation sat = { 0, 0, false };
		struct nl_record_info ri;
		struct nl_name nm;
		uint64_t nc = 0;
		unsigned names = 0;

		if (mft >= p->hi)
			break;
		if (nl_model_record(a->model, mft, &ri) < 0)
			continue;
		if (a->under) {
			if (nl_hardlink_saturation(a->model, mft, a->anchor, &sat) < 0 ||
			    sat.inside == 0)
				continue;
			if (sat.saturated)
				p->s.saturated++;
			else
				p->s.unsaturated++;
		}
		while (nl_model_name_next(a->model, mft, 0, &nc, &nm) == 0)
			names += fe_rows_add(a, p->rows, &nm, p->key_flags);
		fe_rows_group_end(p->rows);
		if (names) {
			p->s.groups++;
			p->s.names += names;
			if (ri.flags & NL_REC_DELETED)
				p->s.deleted++;
		}
	}
}

static void *collect_worker(void *arg)
{
	struct cpart *p = arg;

	collect_range(p);
	fe_rows_sort(p->rows);
	return NULL;
}

/*
 * Collect one row per non-DOS name of every hardlinked record (filtered by
 * --under), sorted by group.  Without --under two threads share the work:
 * this one the first half of the records, a worker the second half into
 * rows of its own; each sorts its groups, and the two orders are merged.
 */
static nl_rows *collect_hardlinks(struct fe_audit *a, struct hl_sum *s)
{
	struct cpart p1, p2;
	struct fe_audit a2;
	pthread_t th;
	bool threaded = false;
	uint64_t mid = a->stats.mft_records / 2;

	fe_rows_prepare(a);
	memset(&p1, 0, sizeof(p1));
	memset(&p2, 0, sizeof(p2));
	p1.a = a;
	p1.lo = 0;
	p1.hi = UINT64_MAX;
	p1.rows = fe_rows_new(a->stats.hardlink_names / 2 + 1);
	p1.key_flags = a->under ? 0 : NL_PATH_KEY_BY_DIR;	/* --under needs the name ids */
	if (!a->under && mid > 0) {
		a2 = *a;
		a2.pathbuf = a2.winbuf = NULL;
		a2.pathcap = a2.wincap = 0;
		p2.a = &a2;
		p2.lo = mid;
		p2.hi = UINT64_MAX;
		p2.rows = fe_rows_new(a->stats.hardlink_names / 2 + 1);
		p2.key_flags = p1.key_flags;
		if (pthread_create(&th, NULL, collect_worker, &p2) == 0) {
			threaded = true;
			p1.hi = mid;
		} else {
			nl_rows_free(&p2.rows);
		}
	}
	collect_range(&p1);
	fe_rows_sort(p1.rows);
	*s = p1.s;
	if (threaded) {
		pthread_join(th, NULL);
		free(a2.pathbuf);
		free(a2.winbuf);
		if (nl_rows_merge(p1.rows, &p2.rows) < 0)
			fe_audit_nomem();
		s->groups += p2.s.groups;
		s->names += p2.s.names;
		s->deleted += p2.s.deleted;
		s->saturated += p2.s.saturated;
		s->unsaturated += p2.s.unsaturated;
	}
	return p1.rows;
}

/* Declare the hardlink_group table on @e. */
static nl_table *groups_table(struct fe_audit *a, nl_emit *e)
{
	struct nl_column cols[G_NCOLS];
	nl_table *t = NULL;

	memcpy(cols, grp_cols, sizeof(cols));
	if (!a->under)
		cols[G_INSIDE].flags = cols[G_TOTAL].flags = cols[G_SATURATED].flags =
			cols[G_OUTSIDE].flags = HIDE;
	if (!a->deleted)
		cols[G_DELETED].flags = HIDE;
	if (nl_emit_table(e, "hardlink_group", cols, G_NCOLS, 0, &t) < 0)
		return NULL;
	fe_audit_select(a, t, "hardlink_group");
	return t;
}

/* One hardlink_group object per group g0 .. g1-1.  Returns 0 or the first
 * error of nl_row_end(). */
static int groups_json(struct fe_audit *a, nl_table *t, const nl_rows *rows,
		       char drive, size_t g0, size_t g1)
{
	size_t n, j;
	int rc;

	for (size_t g = g0; g < g1; g++) {
		const struct nl_path_key *v = nl_rows_group(rows, g, &n);
		uint64_t mft = v->mft;
		struct nl_record_info ri;
		uint64_t inside = 0;

		group_info(a, mft, &ri);
		nl_cell_uint(t, G_MFT, mft);
		nl_cell_uint(t, G_SEQ, ri.seq);
		nl_cell_uint(t, G_SIZE, ri.data_size);
		nl_cell_strs_empty(t, G_NAMES);
		nl_cell_strs_empty(t, G_DOS);
		if (a->under)
			nl_cell_strs_empty(t, G_OUTSIDE);
		for (j = 0; j < n; j++) {
			const struct nl_path_key *r = &v[j];
			const char *d = fe_audit_display(a, fe_key_path(a, r), drive);
			size_t doslen = 0;
			const char *dos = fe_key_dos(a, r, &doslen);

			nl_cell_strs_add(t, G_NAMES, d, strlen(d));
			nl_cell_strs_add(t, G_DOS, dos ? dos : "", dos ? doslen : 0);
			if (a->under) {
				if (nl_model_name_is_under(a->model, r->name_id, a->anchor) == 1)
					inside++;
				else
					nl_cell_strs_add(t, G_OUTSIDE, d, strlen(d));
			}
		}
		nl_cell_uint(t, G_COUNT, n);
		if (a->under) {
			nl_cell_uint(t, G_INSIDE, inside);
			nl_cell_uint(t, G_TOTAL, n);
			nl_cell_bool(t, G_SATURATED, inside == n);
		}
		if (a->deleted)
			nl_cell_bool(t, G_DELETED, (ri.flags & NL_REC_DELETED) != 0);
		rc = nl_row_end(t);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* What the two threads formatting the hardlink_group objects share: each
 * its own copy of struct fe_audit (its path buffers). */
struct groups_job {
	struct fe_audit *aud[2];
	const nl_rows *rows;
	char drive;
};

static int group_fill(void *ctx, unsigned worker, nl_table *t, size_t g)
{
	struct groups_job *job = ctx;

	return groups_json(job->aud[worker], t, job->rows, job->drive, g, g + 1);
}

static void emit_groups_json(struct fe_audit *a, const nl_rows *rows, char drive)
{
	nl_table *t = groups_table(a, a->emit);
	struct fe_audit wa = *a;
	struct groups_job job = { { a, &wa }, rows, drive };
	int rc;

	if (!t)
		fe_audit_nomem();
	wa.pathbuf = wa.winbuf = NULL;
	wa.pathcap = wa.wincap = 0;
	rc = nl_emit_rows(t, nl_rows_groups(rows), group_fill, &job, NULL);
	free(wa.pathbuf);
	free(wa.winbuf);
	if (rc < 0)
		fe_audit_fail(a, rc);
}

static void emit_names(struct fe_audit *a, const nl_rows *rows, char drive)
{
	struct nl_column cols[H_NCOLS];
	bool body = a->format == FE_FMT_BODYFILE;
	nl_table *t;
	size_t n;

	memcpy(cols, hl_cols, sizeof(cols));
	if (!a->under)
		cols[H_INSIDE].flags = cols[H_SATURATED].flags = cols[H_IN].flags = HIDE;
	if (!a->deleted)
		cols[H_DELETED].flags = HIDE;
	t = fe_audit_table(a, "hardlink", cols, H_NCOLS, 0);
	for (size_t g = 0; g < nl_rows_groups(rows); g++) {
		const struct nl_path_key *v = nl_rows_group(rows, g, &n);
		uint64_t mft = v->mft, inside = 0;
		struct nl_record_info ri;

		group_info(a, mft, &ri);
		for (size_t k = 0; k < n; k++)
			if (a->under && nl_model_name_is_under(a->model, v[k].name_id, a->anchor) == 1)
				inside++;
		for (size_t k = 0; k < n; k++) {
			const struct nl_path_key *r = &v[k];
			const char *dos;
			size_t doslen = 0;

			nl_cell_uint(t, H_MFT, mft);
			nl_cell_uint(t, H_SEQ, ri.seq);
			nl_cell_uint(t, H_NAMES, n);
			nl_cell_uint(t, H_SIZE, ri.data_size);
			cell_path(a, t, H_PATH, fe_key_path(a, r), drive);
			dos = fe_key_dos(a, r, &doslen);
			if (dos)
				nl_cell_strn(t, H_DOS, dos, doslen);
			if (a->under) {
				nl_cell_uint(t, H_INSIDE, inside);
				nl_cell_bool(t, H_SATURATED, inside == n);
				nl_cell_bool(t, H_IN, nl_model_name_is_under(a->model, r->name_id,
									    a->anchor) == 1);
			}
			if (a->deleted)
				nl_cell_bool(t, H_DELETED, (ri.flags & NL_REC_DELETED) != 0);
			if (body)
				fe_audit_times(a, t, H_CRTIME, mft);
			fe_audit_row_end(a, t);
		}
	}
}

uint64_t fe_audit_hardlinks(struct fe_audit *a, bool summary)
{
	struct hl_sum s = { 0 };
	char drive = a->windows_paths ? fe_audit_drive(a) : 0;
	nl_rows *rows = collect_hardlinks(a, &s);
	if (summary && summary_first(a))
		hardlinks_summary(a, &s);
	if (a->format == FE_FMT_JSON)
		emit_groups_json(a, rows, drive);
	else
		emit_names(a, rows, drive);
	if (summary && !summary_first(a))
		hardlinks_summary(a, &s);
	nl_rows_free(&rows);
	return s.groups;
}

/* ---- reparse points -------------------------------------------------------- */

void fe_tag_fields(nl_table *t, size_t col, const struct nl_reparse *rp)
{
	static const char *const providers[] = { [1] = "wim", [2] = "file" };
	static const char *const algorithms[] = { "xpress4k", "lzx", "xpress8k", "xpress16k" };

	if (rp->type == NL_RP_APPEXECLINK)
		for (size_t i = 0; i < 3 && i < rp->nstrings; i++)
			if (rp->strings[i])
				nl_cell_str(t, col + i, rp->strings[i]);
	if (rp->type == NL_RP_CLOUD) {
		nl_cell_uint(t, col + 5, rp->cloud_flags & 0xFF);
		nl_cell_bool(t, col + 6, rp->cloud_compressed);
		if (!rp->cloud_compressed && rp->cloud_elements)
			nl_cell_uint(t, col + 7, rp->cloud_elements);
	}
	if (rp->type == NL_RP_DEDUP && rp->dedup_store[0]) {
		nl_cell_str(t, col + 8, rp->dedup_store);
		if (rp->dedup_size)
			nl_cell_uint(t, col + 9, rp->dedup_size);
	}
	if (rp->type != NL_RP_WOF)
		return;
	if (rp->wof_provider == 1 || rp->wof_provider == 2)
		nl_cell_str(t, col + 3, providers[rp->wof_provider]);
	else
		nl_cell_uint(t, col + 3, rp->wof_provider);
	if (rp->wof_provider == 2 && rp->wof_algorithm < 4)
		nl_cell_str(t, col + 4, algorithms[rp->wof_algorithm]);
	else if (rp->wof_provider == 2)
		nl_cell_uint(t, col + 4, rp->wof_algorithm);
}

enum {
	R_MFT, R_SEQ, R_TYPE, R_TYPE_TEXT, R_CLASS, R_PATH, R_TARGET, R_REASON, R_TAG, R_SUBST,
	R_PRINT, R_RELATIVE, R_SURROGATE, R_TAG_DIR, R_IS_DIR, R_TARGET_MFT, R_DATA, R_DELETED, R_MODE,
	R_SIZE, R_CRTIME, R_MTIME, R_CTIME, R_ATIME, R_REACHES_LOOP, R_TAG_FIELDS,
	R_NCOLS = R_TAG_FIELDS + FE_TAG_FIELDS
};

#define TXT_HIDE NL_COL_NO_TEXT

static const struct nl_column rp_cols[R_NCOLS] = {
	[R_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_ROLE_INODE, 0 },
	[R_SEQ] = { "seq", "SEQ", TXT_HIDE | NL_ROLE_SEQ, 0 },
	[R_TYPE] = { "tag_name", "TYPE", TXT_HIDE, 0 },
	/* text: a directory symbolic link is "symlinkd", as 'dir /al' shows it */
	[R_TYPE_TEXT] = { "type", "TYPE", NL_COL_NO_JSON | NL_COL_NO_CSV, 0 },
	[R_CLASS] = { "class", "CLASS", 0, 0 },
	[R_PATH] = { "path", "PATH", NL_COL_TRUNC | NL_ROLE_NAME, 0 },
	[R_TARGET] = { "target", "TARGET", NL_COL_TRUNC | NL_ROLE_LINK_TARGET, 0 },
	[R_REASON] = { "reason", "REASON", NL_COL_TRUNC, 0 },
	[R_TAG] = { "tag", "TAG", TXT_HIDE, 0 },
	[R_SUBST] = { "substitute_name", "SUBSTITUTE", TXT_HIDE, 0 },
	[R_PRINT] = { "print_name", "PRINT", TXT_HIDE, 0 },
	[R_RELATIVE] = { "relative", "RELATIVE", TXT_HIDE, 0 },
	[R_SURROGATE] = { "name_surrogate", "SURROGATE", TXT_HIDE, 0 },
	[R_TAG_DIR] = { "tag_directory_bit", "TAG_DIRECTORY_BIT", TXT_HIDE, 0 },
	[R_IS_DIR] = { "directory", "DIRECTORY", TXT_HIDE, 0 },
	[R_TARGET_MFT] = { "target_mft", "TARGET_MFT", TXT_HIDE, 0 },
	[R_DATA] = { "data", "DATA", TXT_HIDE, 0 },
	[R_DELETED] = { "deleted", "DELETED", NL_ROLE_DELETED, 0 },
	[R_MODE] = { "mode", "MODE", HIDE | NL_ROLE_MODE, 0 },
	[R_SIZE] = { "size", "SIZE", HIDE | NL_ROLE_SIZE, 0 },
	[R_CRTIME] = { "crtime", "CRTIME", HIDE | NL_ROLE_CRTIME, 0 },
	[R_MTIME] = { "mtime", "MTIME", HIDE | NL_ROLE_MTIME, 0 },
	[R_CTIME] = { "ctime", "CTIME", HIDE | NL_ROLE_CTIME, 0 },
	[R_ATIME] = { "atime", "ATIME", HIDE | NL_ROLE_ATIME, 0 },
	[R_REACHES_LOOP] = { "reaches_loop", "REACHES_LOOP", TXT_HIDE, 0 },
	[R_TAG_FIELDS] = { "app_package", "APP_PACKAGE", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 1] = { "app_user_model_id", "APP_USER_MODEL_ID", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 2] = { "app_target", "APP_TARGET", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 3] = { "wof_provider", "WOF_PROVIDER", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 4] = { "wof_algorithm", "WOF_ALGORITHM", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 5] = { "cloud_revision", "CLOUD_REVISION", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 6] = { "cloud_compressed", "CLOUD_COMPRESSED", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 7] = { "cloud_elements", "CLOUD_ELEMENTS", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 8] = { "dedup_chunk_store", "DEDUP_CHUNK_STORE", TXT_HIDE, 0 },
	[R_TAG_FIELDS + 9] = { "dedup_size", "DEDUP_SIZE", TXT_HIDE | NL_COL_BYTES, 0 },
};

const struct fe_listing fe_listing_reparse = { "reparse", rp_cols, R_NCOLS };

enum {
	RS_COUNT, RS_UNDER, RS_DRIVE, RS_DRIVE_SRC, RS_DRIVE_GIVEN, RS_DRIVE_SUPPORT,
	RS_DRIVE_TARGETS, RS_INNER, RS_OUTER, RS_OTHER, RS_DANGLING, RS_LOOP, RS_UNKNOWN,
	RS_OTHER_TAGS, RS_UNREADABLE, RS_NCOLS
};

static const struct nl_column rsum_cols[RS_NCOLS] = {
	[RS_COUNT] = { "reparse_points", "Reparse points", 0, 0 },
	[RS_UNDER] = { "under", "Under", 0, 0 },
	[RS_DRIVE] = { "drive", "Drive", 0, 0 },
	[RS_DRIVE_SRC] = { "drive_assumption", "Drive assumption", NL_COL_NO_JSON, 0 },
	[RS_DRIVE_GIVEN] = { "drive_given", "Drive given", NL_COL_NO_TEXT, 0 },
	[RS_DRIVE_SUPPORT] = { "drive_support", "Drive support", NL_COL_NO_TEXT, 0 },
	[RS_DRIVE_TARGETS] = { "drive_targets", "Drive targets", NL_COL_NO_TEXT, 0 },
	[RS_INNER] = { "inner", "Inner", 0, 0 },
	[RS_OUTER] = { "outer", "Outer", 0, 0 },
	[RS_OTHER] = { "other_volume", "Other volume", 0, 0 },
	[RS_DANGLING] = { "dangling", "Dangling", 0, 0 },
	[RS_LOOP] = { "loop", "Loop", 0, 0 },
	[RS_UNKNOWN] = { "unknown", "Unknown", 0, 0 },
	[RS_OTHER_TAGS] = { "not_links", "Not links", 0, 0 },
	[RS_UNREADABLE] = { "unreadable", "Unreadable", 0, 0 },
};

/* The listing's filter from --class and --tag. */
struct rp_filter {
	int cls;		/* -1: any */
	int type;		/* -1: any */
	bool by_tag;		/* match @tag exactly (hex given) */
	uint32_t tag;
};

struct rp_sum {
	uint64_t count, unreadable;
	uint64_t cls[NL_CLASS_COUNT];
};

void fe_audit_fill_drive(struct fe_audit *a, nl_table *t, size_t c_drive, size_t c_src,
			 size_t c_given, size_t c_support, size_t c_targets)
{
	const struct nl_drive_guess *g = &a->guess;
	char buf[160], d[3] = { g->drive, ':', 0 };

	if (g->drive)
		nl_cell_str(t, c_drive, d);
	if (g->given)
		snprintf(buf, sizeof(buf), "%s given with --drive", d);
	else if (!g->drive)
		snprintf(buf, sizeof(buf), "none needed: no drive-letter targets");
	else
		snprintf(buf, sizeof(buf),
			 "%s inferred: %" PRIu64 " of %" PRIu64 " drive-letter targets resolve on this volume with it",
			 d, g->support, g->drive_targets);
	nl_cell_str(t, c_src, buf);
	nl_cell_bool(t, c_given, g->given);
	nl_cell_uint(t, c_support, g->support);
	nl_cell_uint(t, c_targets, g->drive_targets);
}

static void reparse_summary(struct fe_audit *a, const struct rp_sum *s)
{
	struct nl_column cols[RS_NCOLS];
	nl_table *t;

	memcpy(cols, rsum_cols, sizeof(cols));
	if (!a->under)
		cols[RS_UNDER].flags = HIDE;
	t = fe_audit_table(a, "summary", cols, RS_NCOLS, NL_TABLE_SUMMARY);
	nl_cell_uint(t, RS_COUNT, s->count);
	if (a->under) {
		const char *p = fe_audit_record_path(a, a->anchor, NULL, NULL);

		if (p)
			cell_path(a, t, RS_UNDER, p, fe_audit_drive(a));
	}
	fe_audit_fill_drive(a, t, RS_DRIVE, RS_DRIVE_SRC, RS_DRIVE_GIVEN, RS_DRIVE_SUPPORT,
		   RS_DRIVE_TARGETS);
	nl_cell_uint(t, RS_INNER, s->cls[NL_CLASS_INNER]);
	nl_cell_uint(t, RS_OUTER, s->cls[NL_CLASS_OUTER]);
	nl_cell_uint(t, RS_OTHER, s->cls[NL_CLASS_OTHER_VOLUME]);
	nl_cell_uint(t, RS_DANGLING, s->cls[NL_CLASS_DANGLING]);
	nl_cell_uint(t, RS_LOOP, s->cls[NL_CLASS_LOOP]);
	nl_cell_uint(t, RS_UNKNOWN, s->cls[NL_CLASS_UNKNOWN]);
	nl_cell_uint(t, RS_OTHER_TAGS, s->cls[NL_CLASS_NONE]);
	nl_cell_uint(t, RS_UNREADABLE, s->unreadable);
	fe_audit_row_end(a, t);
}

static void parse_filter(struct fe_audit *a, struct rp_filter *f)
{
	f->cls = -1;
	f->type = -1;
	f->by_tag = false;
	if (a->class_name)
		f->cls = nl_link_class_from_name(a->class_name);
	if (a->tag) {
		if (a->tag[0] == '0' && (a->tag[1] == 'x' || a->tag[1] == 'X')) {
			char *end;
			unsigned long long v = strtoull(a->tag, &end, 16);

			if (*end || end == a->tag + 2 || v > UINT32_MAX)
				fe_usage_error(a->cmd->name, "invalid tag '%s'", a->tag);
			f->by_tag = true;
			f->tag = (uint32_t)v;
		} else {
			f->type = nl_reparse_type_from_name(a->tag);
			if (f->type < 0)
				fe_usage_error(a->cmd->name,
					       "unknown tag name '%s' (see ntfslinks-audit(1))",
					       a->tag);
		}
	}
}

void fe_audit_reparse_check(struct fe_audit *a)
{
	struct rp_filter f;

	parse_filter(a, &f);
}

static int link_type(const struct nl_link_info *li)
{
	if (li->rp)
		return (int)li->rp->type;
	/* unreadable: the type the tag alone gives */
	return nl_reparse_type_from_name(nl_reparse_tag_name(li->tag));
}

static bool keep_link(const struct rp_filter *f, const struct nl_link_info *li)
{
	if (f->cls >= 0 && (int)li->cls != f->cls)
		return false;
	if (f->by_tag && li->tag != f->tag)
		return false;
	if (f->type >= 0 && link_type(li) != f->type)
		return false;
	return true;
}

static char *link_target(struct fe_audit *a, const struct nl_link_info *li, char drive)
{
	char *s = NULL;

	if (li->target_path)
		return strdup(fe_audit_display(a, li->target_path, drive));
	if (!li->target)
		return NULL;
	if (li->target->kind == NL_TGT_POSIX)
		return li->target->path ? strdup(li->target->path) : NULL;
	if (nl_target_format(li->target, a->windows_paths ? NL_TSTYLE_WIN32 : NL_TSTYLE_SLASH,
			     &s) < 0)
		return NULL;
	return s;
}

/* The data after the 8-byte reparse header, in hex, as stored (GUID included). */
static void cell_raw_data(struct fe_audit *a, nl_table *t, size_t col, uint64_t mft)
{
	const uint8_t *data;
	uint32_t tag;
	size_t len;
	char *hex = NULL;

	if (nl_model_reparse(a->model, mft, &tag, &data, &len) < 0 || !data || len < 8)
		return;
	if (nl_hex(data + 8, len - 8, &hex) == 0)
		nl_cell_str(t, col, hex);
	free(hex);
}

static const char *unreadable_reason(struct fe_audit *a)
{
	return nl_volume_is_raw_mft(a->vol)
		? "non-resident reparse data cannot be read from a bare $MFT"
		: "reparse data could not be read";
}

static void emit_link(struct fe_audit *a, nl_table *t, const struct nl_path_key *r,
		      const struct nl_link_info *li, char drive)
{
	const struct nl_reparse *rp = li->rp;
	struct nl_record_info ri;
	const char *reason = li->reason, *type;
	char *target;

	if (nl_model_record(a->model, li->mft, &ri) < 0)
		memset(&ri, 0, sizeof(ri));
	nl_cell_uint(t, R_MFT, li->mft);
	nl_cell_uint(t, R_SEQ, ri.seq);
	type = rp ? rp->name : nl_reparse_tag_name(li->tag ? li->tag : ri.reparse_tag);
	nl_cell_str(t, R_TYPE, type);
	if (a->format == FE_FMT_TEXT)
		nl_cell_str(t, R_TYPE_TEXT, rp && rp->type == NL_RP_SYMLINK &&
				(ri.flags & NL_REC_DIRECTORY) ? "symlinkd" : type);
	if (li->cls != NL_CLASS_NONE)
		nl_cell_str(t, R_CLASS, nl_link_class_name(li->cls));
	cell_path(a, t, R_PATH, fe_key_path(a, r), drive);
	target = link_target(a, li, drive);
	if (target)
		nl_cell_str(t, R_TARGET, target);
	free(target);
	if (!rp)
		reason = unreadable_reason(a);
	else if (!reason && rp->problem)
		reason = rp->problem;
	if (reason)
		nl_cell_str(t, R_REASON, reason);
	nl_cell_hex(t, R_TAG, li->tag, 8);
	nl_cell_bool(t, R_SURROGATE, (li->tag & NL_TAG_BIT_NAME_SURROGATE) != 0);
	nl_cell_bool(t, R_TAG_DIR, (li->tag & NL_TAG_BIT_DIRECTORY) != 0);
	nl_cell_bool(t, R_IS_DIR, (ri.flags & NL_REC_DIRECTORY) != 0);
	if (rp) {
		if (rp->substitute_name)
			nl_cell_strn(t, R_SUBST, rp->substitute_name, rp->substitute_len);
		if (rp->print_name)
			nl_cell_strn(t, R_PRINT, rp->print_name, rp->print_len);
		if (rp->type == NL_RP_SYMLINK || rp->type == NL_RP_WSL_SYMLINK)
			nl_cell_bool(t, R_RELATIVE, rp->relative);
		if ((rp->type != NL_RP_JUNCTION && rp->type != NL_RP_MOUNT_POINT &&
		     rp->type != NL_RP_SYMLINK) || rp->problem)
			cell_raw_data(a, t, R_DATA, li->mft);
		fe_tag_fields(t, R_TAG_FIELDS, rp);
	}
	if (li->target_found)
		nl_cell_uint(t, R_TARGET_MFT, li->target_mft);
	if (li->cls != NL_CLASS_NONE)
		nl_cell_bool(t, R_REACHES_LOOP, li->reaches_loop);
	if (a->deleted)
		nl_cell_bool(t, R_DELETED, (ri.flags & NL_REC_DELETED) != 0);
	if (a->format == FE_FMT_BODYFILE) {
		bool dir = (ri.flags & NL_REC_DIRECTORY) != 0;
		bool link = (li->tag & NL_TAG_BIT_NAME_SURROGATE) != 0;

		nl_cell_str(t, R_MODE, link ? (dir ? "d/lrwxrwxrwx" : "l/lrwxrwxrwx")
				       : (dir ? "d/drwxrwxrwx" : "r/rrwxrwxrwx"));
		nl_cell_uint(t, R_SIZE, ri.data_size);
		fe_audit_times(a, t, R_CRTIME, li->mft);
	}
	fe_audit_row_end(a, t);
}

uint64_t fe_audit_reparse(struct fe_audit *a, bool summary)
{
	struct nl_column cols[R_NCOLS];
	nl_rows *rows = fe_rows_new(0);
	struct rp_sum s = { 0 };
	struct rp_filter f;
	struct nl_link_info li;
	size_t cursor = 0;
	char drive;
	nl_table *t;

	parse_filter(a, &f);
	fe_audit_analyse(a);
	drive = a->windows_paths ? fe_audit_drive(a) : 0;
	while (nl_analysis_next(a->an, &cursor, &li) == 0) {
		struct nl_record_info ri;
		struct nl_name nm;
		uint64_t nc = 0;
		bool any = false;

		if (nl_model_record(a->model, li.mft, &ri) < 0)
			continue;
		if ((ri.flags & NL_REC_DELETED) && !a->deleted)
			continue;
		if (!keep_link(&f, &li))
			continue;
		while (nl_model_name_next(a->model, li.mft, 0, &nc, &nm) == 0) {
			if (a->under && nl_model_name_is_under(a->model, nm.id, a->anchor) != 1)
				continue;
			any |= fe_rows_add(a, rows, &nm, 0);
		}
		if (!any)
			continue;
		s.count++;
		s.cls[li.cls < NL_CLASS_COUNT ? li.cls : NL_CLASS_UNKNOWN]++;
		if (!li.rp) {
			s.unreadable++;
			fe_audit_problem(a, a->image, li.mft, NULL, unreadable_reason(a));
		}
	}
	fe_rows_sort(rows);
	if (summary && summary_first(a))
		reparse_summary(a, &s);
	memcpy(cols, rp_cols, sizeof(cols));
	if (!a->deleted)
		cols[R_DELETED].flags = HIDE;
	t = fe_audit_table(a, "reparse", cols, R_NCOLS, 0);
	for (size_t i = 0; i < nl_rows_count(rows); i++) {
		const struct nl_path_key *r = nl_rows_at(rows, i);

		if (nl_analysis_link(a->an, r->mft, &li) < 0)
			continue;
		emit_link(a, t, r, &li, drive);
	}
	if (summary && !summary_first(a))
		reparse_summary(a, &s);
	nl_rows_free(&rows);
	return s.count;
}
