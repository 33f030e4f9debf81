/* fe_actions.h: the listing of a copy-family run (copy, clone, mirror, delorean): one row per action, then the summary. */
#ifndef NTFSLINKS_FE_ACTIONS_H
#define NTFSLINKS_FE_ACTIONS_H

#include <stdbool.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/emit.h>

#include "progress.h"

/* The command whose run is listed: it decides the text layout of an action
 * and the columns of the summary. */
enum fe_copy_cmd {
	FE_COPY_CMD_COPY,	/* "ACTION KIND SOURCE -> DEST [TARGET => NEW] (REASON)" */
	FE_COPY_CMD_CLONE,	/* as copy; the summary counts the files cloned */
	FE_COPY_CMD_MIRROR,	/* as copy; the summary counts deleted, updated, unchanged */
	FE_COPY_CMD_DELOREAN,	/* "ACTION KIND PATH"; the summary names the set */
};

/* Room for the action columns, and the widest summary: delorean's (every
 * action, then five more). */
#define FE_ACTIONS_ACT_MAX 12
#define FE_ACTIONS_SUM_MAX (NL_COPY_ACT__COUNT + 5)

/*
 * An "action" row per action (in text only the notable ones unless --list or
 * --dry-run; errors and warnings go to stderr instead), then one "summary"
 * row.  Set the first fields, then fe_actions_open().
 */
struct fe_actions {
	enum fe_copy_cmd cmd;
	bool json;		/* --json: every action, as JSON */
	bool list;		/* --list: every action in text too */
	bool dry_run;
	const char *dest;	/* mirror: the destination as given */
	struct fe_progress prog;	/* ended before anything is printed */
	nl_table *tact, *tsum;
	struct nl_column act_cols[FE_ACTIONS_ACT_MAX];
	struct nl_column sum_cols[FE_ACTIONS_SUM_MAX];
};

/* The "action" and "summary" tables of @a in @em (in this order).  0, or
 * -ENOMEM with the message printed. */
int fe_actions_open(struct fe_actions *a, nl_emit *em);

/* An nl_copy_action_fn (@ctx: a struct fe_actions): the action's row, an
 * error or a warning on stderr (an error makes the exit status 1), and a
 * file copied under another name said on stderr. */
void fe_actions_on_action(void *ctx, const struct nl_copy_event *ev);

/* An nl_copy_progress_fn (@ctx: a struct fe_actions): the progress line. */
int fe_actions_on_progress(void *ctx, const struct nl_copy_stats *st);

/* The summary row of a copy, clone or mirror that ended with @st. */
void fe_actions_summary(struct fe_actions *a, const struct nl_copy_stats *st);

/* The summary row of a DeLorean run with @st that made the set @set from
 * the set @newest (NULL: the first set). */
void fe_actions_delorean_summary(struct fe_actions *a, const struct nl_copy_stats *st,
				 const char *set, const char *newest);

#endif
