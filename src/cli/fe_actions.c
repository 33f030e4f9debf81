/* fe_actions.c: the listing of a copy-family run (copy, clone, mirror, delorean): one row per action, then the summary. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/unistr.h>

#include "fe.h"
#include "fe_actions.h"

enum {
	C_ACTION, C_KIND, C_SOURCE, C_DEST, C_TARGET, C_NEW_TARGET, C_REASON, C_BYTES, C_MFT,
	C_TXT_DEST, C_TXT_TARGET, C_TXT_REASON, C_NCOLS
};
/* delorean's text column, in the place of copy's three */
enum { C_TXT_PATH = C_TXT_DEST, C_PATH_NCOLS };

#define TXT_ONLY (NL_COL_NO_JSON | NL_COL_NO_CSV | NL_COL_OPTIONAL)

/* Text: "ACTION     KIND     SOURCE -> DEST [TARGET => NEW] (REASON)". */
static const struct nl_column act_cols[C_NCOLS] = {
	[C_ACTION] = { "action", "ACTION", 0, 10 },
	[C_KIND] = { "kind", "KIND", 0, 8 },
	[C_SOURCE] = { "source", "SOURCE", NL_ROLE_NAME, 0 },
	[C_DEST] = { "dest", "DEST", NL_COL_NO_TEXT, 0 },
	[C_TARGET] = { "target", "TARGET", NL_COL_NO_TEXT, 0 },
	[C_NEW_TARGET] = { "new_target", "NEW TARGET", NL_COL_NO_TEXT, 0 },
	[C_REASON] = { "reason", "REASON", NL_COL_NO_TEXT, 0 },
	[C_BYTES] = { "bytes", "BYTES", NL_COL_RIGHT | NL_COL_NO_TEXT, 0 },
	[C_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_COL_NO_TEXT, 0 },
	[C_TXT_DEST] = { "dest_text", NULL, TXT_ONLY, 0 },
	[C_TXT_TARGET] = { "target_text", NULL, TXT_ONLY, 0 },
	[C_TXT_REASON] = { "reason_text", NULL, TXT_ONLY, 0 },
};

/* delorean's text: "ACTION KIND PATH", PATH the source, or what was deleted
 * or updated in the set (the rest in JSON, as for copy). */
static const struct nl_column path_col = {
	"path", "PATH", NL_COL_NO_JSON | NL_COL_NO_CSV | NL_ROLE_NAME, 0
};

/* copy's and clone's summary; a mirror's has its own columns after S_LINE */
enum { S_OUTSIDE = 15, S_DRY_RUN, S_LINE, S_CLONED, S_NCOLS };
enum { M_DELETED = S_LINE + 1, M_UPDATED, M_UNCHANGED, M_NCOLS };

static const struct nl_column sum_cols[S_NCOLS] = {
	{ "copied", "Copied", NL_COL_NO_TEXT, 0 },
	{ "folder", "Folders", NL_COL_NO_TEXT, 0 },
	{ "hardlinked", "Hardlinked", NL_COL_NO_TEXT, 0 },
	{ "junction", "Junctions", NL_COL_NO_TEXT, 0 },
	{ "symlink", "Symlinks", NL_COL_NO_TEXT, 0 },
	{ "cropped", "Cropped", NL_COL_NO_TEXT, 0 },
	{ "spliced", "Spliced", NL_COL_NO_TEXT, 0 },
	{ "unrolled", "Unrolled", NL_COL_NO_TEXT, 0 },
	{ "dangling", "Dangling", NL_COL_NO_TEXT, 0 },
	{ "loop", "Loops", NL_COL_NO_TEXT, 0 },
	{ "excluded", "Excluded", NL_COL_NO_TEXT, 0 },
	{ "warning", "Warnings", NL_COL_NO_TEXT, 0 },
	{ "error", "Errors", NL_COL_NO_TEXT, 0 },
	{ "bytes", "Bytes", NL_COL_NO_TEXT, 0 },
	{ "items", "Items", NL_COL_NO_TEXT, 0 },
	[S_OUTSIDE] = { "outside", "Outside", NL_COL_NO_TEXT, 0 },
	[S_DRY_RUN] = { "dry_run", "Dry run", NL_COL_NO_TEXT, 0 },
	[S_LINE] = { "line", NULL, NL_COL_NO_JSON | NL_COL_NO_CSV, 0 },
	[S_CLONED] = { "cloned", "Cloned", NL_COL_NO_TEXT, 0 },	/* clone only */
};

static const struct nl_column mirror_cols[M_NCOLS - S_LINE - 1] = {
	{ "deleted", "Deleted", NL_COL_NO_TEXT, 0 },
	{ "updated", "Updated", NL_COL_NO_TEXT, 0 },
	{ "unchanged", "Unchanged", NL_COL_NO_TEXT, 0 },
};

/* delorean's summary: the count of every action, then these */
enum { L_UNCHANGED = NL_COPY_ACT__COUNT, L_SET, L_NEWEST, L_DRY_RUN, L_LINE, L_NCOLS };

_Static_assert(C_NCOLS <= FE_ACTIONS_ACT_MAX && M_NCOLS <= FE_ACTIONS_SUM_MAX &&
	       L_NCOLS <= FE_ACTIONS_SUM_MAX, "struct fe_actions holds every column");

/* The action columns of @a into a->act_cols; returns their number. */
static size_t action_columns(struct fe_actions *a)
{
	struct nl_column *ac = a->act_cols;

	memcpy(ac, act_cols, sizeof(act_cols));
	if (a->cmd != FE_COPY_CMD_DELOREAN)
		return C_NCOLS;
	ac[C_SOURCE].flags = NL_COL_NO_TEXT;
	ac[C_TXT_PATH] = path_col;
	return C_PATH_NCOLS;
}

/* The summary columns of @a into a->sum_cols; returns their number. */
static size_t summary_columns(struct fe_actions *a)
{
	struct nl_column *sc = a->sum_cols;

	switch (a->cmd) {
	case FE_COPY_CMD_COPY:
		memcpy(sc, sum_cols, S_CLONED * sizeof(*sc));
		return S_CLONED;
	case FE_COPY_CMD_CLONE:
		memcpy(sc, sum_cols, sizeof(sum_cols));
		return S_NCOLS;
	case FE_COPY_CMD_MIRROR:
		memcpy(sc, sum_cols, (S_LINE + 1) * sizeof(*sc));
		memcpy(sc + S_LINE + 1, mirror_cols, sizeof(mirror_cols));
		return M_NCOLS;
	case FE_COPY_CMD_DELOREAN:
		break;
	}
	for (int i = 0; i < NL_COPY_ACT__COUNT; i++)
		sc[i] = (struct nl_column){ nl_copy_action_name((enum nl_copy_action)i), NULL,
					    NL_COL_NO_TEXT, 0 };
	sc[L_UNCHANGED] = (struct nl_column){ "unchanged", NULL, NL_COL_NO_TEXT, 0 };
	sc[L_SET] = (struct nl_column){ "set", NULL, NL_COL_NO_TEXT, 0 };
	sc[L_NEWEST] = (struct nl_column){ "newest", NULL, NL_COL_NO_TEXT, 0 };
	sc[L_DRY_RUN] = (struct nl_column){ "dry_run", NULL, NL_COL_NO_TEXT, 0 };
	sc[L_LINE] = (struct nl_column){ "line", NULL, NL_COL_NO_JSON | NL_COL_NO_CSV, 0 };
	return L_NCOLS;
}

int fe_actions_open(struct fe_actions *a, nl_emit *em)
{
	size_t nact = action_columns(a), nsum = summary_columns(a);

	if (nl_emit_table(em, "action", a->act_cols, nact, NL_TABLE_LINES, &a->tact) ||
	    nl_emit_table(em, "summary", a->sum_cols, nsum, NL_TABLE_SUMMARY | NL_TABLE_LINES,
			  &a->tsum)) {
		fe_error(NULL, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static char *esc(const char *s)
{
	char *out = NULL;

	if (!s)
		return NULL;
	if (nl_escape_dup(s, strlen(s), 0, &out))
		return NULL;
	return out;
}

/* Shown in text without --list: the outer-link policies at work, and (where
 * the text shows the reason) links made to point somewhere other than the
 * plain inner rewrite (they carry a reason). */
static bool notable(const struct fe_actions *a, const struct nl_copy_event *ev)
{
	switch (ev->action) {
	case NL_COPY_ACT_JUNCTION:
	case NL_COPY_ACT_SYMLINK:
		return ev->reason != NULL && a->cmd != FE_COPY_CMD_DELOREAN;
	case NL_COPY_ACT_CROPPED:
	case NL_COPY_ACT_SPLICED:
	case NL_COPY_ACT_UNROLLED:
	case NL_COPY_ACT_DANGLING:
	case NL_COPY_ACT_LOOP:
		return true;
	default:
		return false;
	}
}

/* An error or a warning goes to stderr, escaped, with the source path (or the destination's,
 * for an entry only there); a file copied under another name is said there too (the JSON row
 * has it). */
static void report(const struct fe_actions *a, const struct nl_copy_event *ev)
{
	char *s = esc(ev->source ? ev->source : ev->dest), *r = esc(ev->reason), *d = NULL;

	if (ev->action == NL_COPY_ACT_ERROR) {
		fe_warn_entry(s, "%s", r && *r ? r : "failed");
	} else if (ev->action == NL_COPY_ACT_WARNING) {
		fe_error(s, "warning: %s", r ? r : "");
	} else if (ev->renamed && !a->json) {
		d = esc(ev->dest);
		fe_error(s, "copied as '%s' (%s)", d ? d : "", r ? r : "renamed");
	}
	free(s);
	free(r);
	free(d);
}

/* Cell @col: @pre @s [@mid @s2] @post, or null if @s is NULL. */
static void cell_join(nl_table *t, size_t col, const char *pre, const char *s, const char *mid,
		      const char *s2, const char *post)
{
	char *v;

	if (!s)
		return;
	if (asprintf(&v, "%s%s%s%s%s", pre, s, s2 ? mid : "", s2 ? s2 : "", post) < 0) {
		fe_error(NULL, "out of memory");
		exit(FE_EXIT_USAGE);
	}
	nl_cell_str(t, col, v);
	free(v);
}

void fe_actions_on_action(void *ctx, const struct nl_copy_event *ev)
{
	struct fe_actions *a = ctx;
	nl_table *t = a->tact;
	bool problem = ev->action == NL_COPY_ACT_ERROR || ev->action == NL_COPY_ACT_WARNING;

	fe_progress_end(&a->prog);
	report(a, ev);
	if (!a->json && (problem || !(a->list || a->dry_run || notable(a, ev))))
		return;
	nl_cell_str(t, C_ACTION, nl_copy_action_name(ev->action));
	nl_cell_str(t, C_KIND, nl_copy_kind_name(ev->kind));
	nl_cell_str(t, C_SOURCE, ev->source);
	nl_cell_str(t, C_DEST, ev->dest);
	nl_cell_str(t, C_TARGET, ev->target);
	nl_cell_str(t, C_NEW_TARGET, ev->new_target);
	nl_cell_str(t, C_REASON, ev->reason);
	nl_cell_uint(t, C_BYTES, ev->bytes);
	if (ev->mft != UINT64_MAX)
		nl_cell_uint(t, C_MFT, ev->mft);
	if (a->cmd == FE_COPY_CMD_DELOREAN) {
		nl_cell_str(t, C_TXT_PATH, ev->source ? ev->source : ev->dest);
	} else {
		cell_join(t, C_TXT_DEST, "-> ", ev->dest, NULL, NULL, "");
		cell_join(t, C_TXT_TARGET, "[", ev->target, " => ", ev->new_target, "]");
		cell_join(t, C_TXT_REASON, "(", ev->reason, NULL, NULL, ")");
	}
	nl_row_end(t);
}

int fe_actions_on_progress(void *ctx, const struct nl_copy_stats *st)
{
	struct fe_actions *a = ctx;

	fe_progress_bytes(&a->prog, st->items_done, st->items_total, st->bytes_done,
			  st->bytes_total);
	return 0;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* What was made: "3 files copied (20 bytes), 2 hardlinked, 8 folders, 8
 * junctions, 8 symlinks" into @buf. */
static void made_counts(char *buf, size_t len, const uint64_t *n, uint64_t bytes)
{
	snprintf(buf, len, "%llu %s copied (%llu %s), %llu hardlinked, %llu %s, %llu %s, %llu %s",
		 (unsigned long long)n[NL_COPY_ACT_COPIED],
		 plural(n[NL_COPY_ACT_COPIED], "file", "files"),
		 (unsigned long long)bytes, plural(bytes, "byte", "bytes"),
		 (unsigned long long)n[NL_COPY_ACT_HARDLINKED],
		 (unsigned long long)n[NL_COPY_ACT_FOLDER],
		 plural(n[NL_COPY_ACT_FOLDER], "folder", "folders"),
		 (unsigned long long)n[NL_COPY_ACT_JUNCTION],
		 plural(n[NL_COPY_ACT_JUNCTION], "junction", "junctions"),
		 (unsigned long long)n[NL_COPY_ACT_SYMLINK],
		 plural(n[NL_COPY_ACT_SYMLINK], "symlink", "symlinks"));
}

/* The end of a mirror's summary row: its own columns and line ("nothing to
 * do" when nothing was, or would be, written). */
static void mirror_summary(struct fe_actions *a, const struct nl_copy_stats *st, uint64_t bytes,
			   char *line, size_t len)
{
	static const enum nl_copy_action writes[] = {
		NL_COPY_ACT_COPIED, NL_COPY_ACT_FOLDER, NL_COPY_ACT_HARDLINKED,
		NL_COPY_ACT_JUNCTION, NL_COPY_ACT_SYMLINK, NL_COPY_ACT_SPLICED,
		NL_COPY_ACT_UNROLLED, NL_COPY_ACT_DELETED, NL_COPY_ACT_UPDATED,
	};
	const uint64_t *n = st->actions;
	uint64_t changes = 0;
	char made[256];

	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		changes += n[writes[i]];
	nl_cell_uint(a->tsum, M_DELETED, n[NL_COPY_ACT_DELETED]);
	nl_cell_uint(a->tsum, M_UPDATED, n[NL_COPY_ACT_UPDATED]);
	nl_cell_uint(a->tsum, M_UNCHANGED, st->unchanged);
	if (!changes && !n[NL_COPY_ACT_ERROR]) {
		snprintf(line, len, "nothing to do: '%s' is up to date (%llu %s unchanged)",
			 a->dest, (unsigned long long)st->unchanged,
			 plural(st->unchanged, "entry", "entries"));
	} else {
		made_counts(made, sizeof(made), n, bytes);
		snprintf(line, len,
			 "%s%s; %llu deleted, %llu updated, %llu unchanged; cropped %llu, "
			 "spliced %llu, unrolled %llu, excluded %llu, warnings %llu, errors %llu",
			 a->dry_run ? "dry run: " : "", made,
			 (unsigned long long)n[NL_COPY_ACT_DELETED],
			 (unsigned long long)n[NL_COPY_ACT_UPDATED], (unsigned long long)st->unchanged,
			 (unsigned long long)n[NL_COPY_ACT_CROPPED],
			 (unsigned long long)n[NL_COPY_ACT_SPLICED],
			 (unsigned long long)n[NL_COPY_ACT_UNROLLED],
			 (unsigned long long)n[NL_COPY_ACT_EXCLUDED],
			 (unsigned long long)n[NL_COPY_ACT_WARNING],
			 (unsigned long long)n[NL_COPY_ACT_ERROR]);
	}
	nl_cell_str(a->tsum, S_LINE, line);
}

void fe_actions_summary(struct fe_actions *a, const struct nl_copy_stats *st)
{
	static const enum nl_copy_action order[] = {
		NL_COPY_ACT_COPIED, NL_COPY_ACT_FOLDER, NL_COPY_ACT_HARDLINKED,
		NL_COPY_ACT_JUNCTION, NL_COPY_ACT_SYMLINK, NL_COPY_ACT_CROPPED,
		NL_COPY_ACT_SPLICED, NL_COPY_ACT_UNROLLED, NL_COPY_ACT_DANGLING,
		NL_COPY_ACT_LOOP, NL_COPY_ACT_EXCLUDED, NL_COPY_ACT_WARNING, NL_COPY_ACT_ERROR,
	};
	const uint64_t *n = st->actions;
	nl_table *t = a->tsum;
	bool clone = a->cmd == FE_COPY_CMD_CLONE;

	/* a dry run says what the copy would write */
	uint64_t bytes = a->dry_run ? st->bytes_total : st->bytes_done;
	char line[512], out[64] = "", cloned[48] = "", made[256];
	size_t i;

	if (clone)
		snprintf(cloned, sizeof(cloned), "%llu %s cloned, ",
			 (unsigned long long)n[NL_COPY_ACT_CLONED],
			 plural(n[NL_COPY_ACT_CLONED], "file", "files"));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		nl_cell_uint(t, i, n[order[i]]);
	nl_cell_uint(t, i++, bytes);
	nl_cell_uint(t, i++, st->items_done);
	nl_cell_uint(t, S_OUTSIDE, st->outside);
	nl_cell_bool(t, S_DRY_RUN, a->dry_run);
	if (st->outside)
		snprintf(out, sizeof(out), "; %llu %s out of the destination",
			 (unsigned long long)st->outside,
			 plural(st->outside, "symlink leads", "symlinks lead"));
	if (a->cmd == FE_COPY_CMD_MIRROR) {
		mirror_summary(a, st, bytes, line, sizeof(line));
		nl_row_end(t);
		return;
	}
	if (clone)
		nl_cell_uint(t, S_CLONED, n[NL_COPY_ACT_CLONED]);
	made_counts(made, sizeof(made), n, bytes);
	snprintf(line, sizeof(line),
		 "%s%s%s; cropped %llu, spliced %llu, unrolled %llu, dangling %llu, loops %llu, "
		 "excluded %llu, warnings %llu, errors %llu%s",
		 a->dry_run ? "dry run: " : "", cloned, made,
		 (unsigned long long)n[NL_COPY_ACT_CROPPED],
		 (unsigned long long)n[NL_COPY_ACT_SPLICED],
		 (unsigned long long)n[NL_COPY_ACT_UNROLLED],
		 (unsigned long long)n[NL_COPY_ACT_DANGLING],
		 (unsigned long long)n[NL_COPY_ACT_LOOP],
		 (unsigned long long)n[NL_COPY_ACT_EXCLUDED],
		 (unsigned long long)n[NL_COPY_ACT_WARNING],
		 (unsigned long long)n[NL_COPY_ACT_ERROR], out);
	nl_cell_str(t, S_LINE, line);
	nl_row_end(t);
}

/* "made 'SET' from 'NEWEST': copied 3, hardlinked 1, ..." (the actions that happened). */
void fe_actions_delorean_summary(struct fe_actions *a, const struct nl_copy_stats *st,
				 const char *set, const char *newest)
{
	char line[1024];
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), "%s'%s'%s%s%s:", a->dry_run ? "dry run: " : "made ",
			       set ? set : "", newest ? " from '" : "", newest ? newest : "",
			       newest ? "'" : "");
	for (int i = 0; i < NL_COPY_ACT__COUNT; i++) {
		nl_cell_uint(a->tsum, (size_t)i, st->actions[i]);
		if (st->actions[i] && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s %s %llu",
						len && line[len - 1] == ':' ? "" : ",",
						nl_copy_action_name((enum nl_copy_action)i),
						(unsigned long long)st->actions[i]);
	}
	if (len < sizeof(line) && line[len - 1] == ':')
		len += (size_t)snprintf(line + len, sizeof(line) - len, " nothing to do");
	if (len < sizeof(line) && newest)
		snprintf(line + len, sizeof(line) - len, "; %llu unchanged",
			 (unsigned long long)st->unchanged);
	nl_cell_uint(a->tsum, L_UNCHANGED, st->unchanged);
	nl_cell_str(a->tsum, L_SET, set);
	nl_cell_str(a->tsum, L_NEWEST, newest);
	nl_cell_bool(a->tsum, L_DRY_RUN, a->dry_run);
	nl_cell_str(a->tsum, L_LINE, line);
	nl_row_end(a->tsum);
}
