/* progress.h: the one progress line of the long commands (scan, copy) on a terminal. */
#ifndef NTFSLINKS_PROGRESS_H
#define NTFSLINKS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Progress goes to stderr, only when stderr is a terminal, NTFSLINKS_NO_PROGRESS
 * is not set and the work has run longer than fe_progress_delay(); at most ten
 * updates a second.  Both are user settings documented in ntfslinks(1).
 * fe_progress_end() clears the line (call it before printing anything else).
 */
struct fe_progress {
	const char *what;	/* e.g. "scanning" */
	const char *unit;	/* e.g. "records" */
	bool enabled;
	bool shown;
	double start;
	double last;
};

void fe_progress_init(struct fe_progress *p, const char *what, const char *unit);

/* Seconds a long operation runs before progress is shown: 0.25, or
 * NTFSLINKS_PROGRESS_DELAY_MS. */
double fe_progress_delay(void);

/* An nl_progress_fn (@ctx: a struct fe_progress): "what: done/total unit
 * (pct%), rate/s, eta Ns", or "what: done unit" without a total.  Returns 0. */
int fe_progress_cb(void *ctx, uint64_t done, uint64_t total);

/* The same line with the bytes too: "what: done/total unit, bytes/total,
 * rate/s, eta Ns" (bytes in B, KiB, MiB...; the rate and eta from the bytes). */
void fe_progress_bytes(struct fe_progress *p, uint64_t done, uint64_t total,
		       uint64_t bytes_done, uint64_t bytes_total);

/* Clear the line if one is shown. */
void fe_progress_end(struct fe_progress *p);

#endif
