/* fe.h: helpers shared by the ntfslinks front ends (messages, exit codes). */
#ifndef NTFSLINKS_FE_H
#define NTFSLINKS_FE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <ntfslinks/emit.h>

/* Exit codes, documented in ntfslinks(1). */
enum {
	FE_EXIT_OK = 0,		/* everything done */
	FE_EXIT_PARTIAL = 1,	/* some entries failed; the rest was done */
	FE_EXIT_USAGE = 2,	/* misuse, or the volume could not be opened */
};

extern const char *fe_progname;	/* "ntfslinks" */
extern int fe_verbose;		/* -v given: show libntfs-3g's own messages */
extern bool fe_had_errors;	/* set by fe_warn_entry(): exit 1 at the end */

/* "ntfslinks: 'path': reason" on stderr. path may be NULL. Sets nothing. */
void fe_error(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same as fe_error(), and remembers that an entry failed (exit status 1). */
void fe_warn_entry(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An nl_problem_fn that prints "ntfslinks: 'image': record N: reason"
 * (or "... 'image': record N ('path'): reason") and marks the run as failed. */
void fe_problem(void *ctx, const char *source, uint64_t mft,
		const char *path, const char *reason);

/* Misuse: prints "ntfslinks: message" and "Try 'ntfslinks --help'" (or
 * "Try 'ntfslinks help CMD'") on stderr and exits 2. cmd may be NULL. */
void fe_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* After getopt_long() returned '?' or ':' (with opterr = 0): reports the
 * offending option like util-linux does and exits 2. */
void fe_bad_option(const char *cmd, char **argv)
	__attribute__((noreturn));

/* The letter of the drive argument @arg of option @opt ("C:" or "c" give
 * 'C'); misuse exits 2. */
char fe_drive_arg(const char *cmd, const char *opt, const char *arg);

/* fe_lower_errtext - lowercase the first letter of each strerror() text in
 * @msg (at its start or after ": "), so that every message is lowercase
 * whoever formatted it.  fe_error() and the others apply it. */
void fe_lower_errtext(char *msg);

/* Installs the libntfs-3g log handler: silent unless fe_verbose. */
void fe_ntfs_logging_init(void);

/* -v given (before or after the command): one more level of fe_verbose,
 * libntfs-3g's messages shown from now on. */
void fe_more_verbose(void);

/* Checks that stdout was written completely; called at exit. */
void fe_close_stdout_atexit(void);

/* The program's exit status from fe_had_errors. */
int fe_exit_status(void);

/* Close the listing @em on standard output, saying a write error (but that of
 * a closed pipe).  Returns @status, or FE_EXIT_PARTIAL after such an error or
 * when @status is FE_EXIT_OK and an entry failed (fe_had_errors). */
int fe_emit_close(nl_emit **em, int status);

#endif
