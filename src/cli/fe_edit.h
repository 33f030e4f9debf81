/* fe_edit.h: what the commands that edit an image share: IMAGE:/path endpoints, their common options, and the action log as text or JSON. */
#ifndef NTFSLINKS_FE_EDIT_H
#define NTFSLINKS_FE_EDIT_H

#include <stdbool.h>
#include <stdio.h>

#include <ntfslinks/edit.h>
#include <ntfslinks/emit.h>

/* One IMAGE:/path (or IMAGE@N:/path) argument. */
struct fe_endpoint {
	char *image;            /* "IMAGE" or "IMAGE@N", as nl_edit_open takes it */
	char *path;             /* inside the volume, unescaped WTF-8 ("/" at least) */
	const char *arg;        /* the argument as given (for messages) */
};

/* The state of one edit command. */
struct fe_edit {
	const char *cmd;        /* "ln", "rm", ... (for messages) */
	bool json;              /* --json */
	bool dry_run;           /* -n, --dry-run */
	bool posix;             /* --posix */
	nl_edit *e;
	const char *image;      /* as given to fe_edit_open */
	nl_emit *em;
	nl_table *tact, *tsum;
	unsigned long long changes;
	unsigned long long warnings;
};

/* Long options every edit command takes; a command's own table starts with
 * these (FE_EDIT_LONGOPTS) and its own getopt string with FE_EDIT_SHORTOPTS. */
enum { FE_EDIT_OPT_JSON = 1000, FE_EDIT_OPT_POSIX, FE_EDIT_OPT_FIRST_OWN };
#define FE_EDIT_SHORTOPTS "nhv"
#define FE_EDIT_LONGOPTS \
	{ "json", no_argument, NULL, FE_EDIT_OPT_JSON }, \
	{ "dry-run", no_argument, NULL, 'n' }, \
	{ "posix", no_argument, NULL, FE_EDIT_OPT_POSIX }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "verbose", no_argument, NULL, 'v' }

/* The lines of --help for the common options (ends with a newline). */
extern const char fe_edit_common_help[];

/* Handle option CH if it is a common one (-h prints USAGE and exits 0).
 * Returns true if it was; any other option is the command's. */
bool fe_edit_option(struct fe_edit *f, int ch, void (*usage)(FILE *out));

/* Parse ARG as IMAGE:/path or IMAGE@N:/path into @ep; misuse (no image,
 * a path that cannot be a name) exits 2. Free with fe_endpoint_free(). */
void fe_endpoint_parse(struct fe_edit *f, const char *arg, struct fe_endpoint *ep);
void fe_endpoint_free(struct fe_endpoint *ep);

/* Check that the N endpoints EP name one image (else misuse, exit 2). */
void fe_endpoints_one_image(struct fe_edit *f, const struct fe_endpoint *ep, size_t n);

/* Open IMAGE for editing with the options given and the action log on
 * stdout. Returns 0, or prints why and returns FE_EXIT_USAGE. */
int fe_edit_open(struct fe_edit *f, const char *image);

/* A failed operation: "ntfslinks: 'IMAGE:PATH': <edit error>" with the
 * path the failure is about (nl_edit_error_path), else ARG; exit status 1
 * remembered. */
void fe_edit_failed(struct fe_edit *f, const char *arg);

/* Close the image (writing everything out; a failure is reported), the
 * summary row, the listing. Returns the exit status: STATUS, or 1 when
 * closing or writing failed. */
int fe_edit_finish(struct fe_edit *f, int status);

#endif
