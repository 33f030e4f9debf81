/* fe.c: messages, exit codes and libntfs-3g logging for the front ends. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/logging.h>

#include "fe.h"

const char *fe_progname = "ntfslinks";
int fe_verbose;
bool fe_had_errors;

/* The highest errno whose strerror() text fe_lower_errtext() looks for. */
#define FE_ERRNO_MAX 140

/* Does @p start with the text of an errno, ending there, at a ':' or ';', or
 * before a remark in parentheses? */
static bool at_errtext(const char *p)
{
	for (int e = 1; e <= FE_ERRNO_MAX; e++) {
		const char *t = strerror(e);
		size_t n = strlen(t);

		if (strncmp(p, t, n) == 0 &&
		    (p[n] == '\0' || p[n] == ':' || p[n] == ';' || (p[n] == ' ' && p[n + 1] == '(')))
			return true;
	}
	return false;
}

void fe_lower_errtext(char *msg)
{
	for (char *p = msg; p; p = strstr(p, ": ")) {
		if (p != msg)
			p += 2;
		/* "No such file": a capital before a small letter, not "NTFS" */
		if (p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'a' && p[1] <= 'z' && at_errtext(p))
			p[0] = (char)(p[0] - 'A' + 'a');
	}
}

/* "PREFIX@fmt" formatted, errno texts in lower case, on stderr with a newline. */
static void vput(const char *prefix, const char *fmt, va_list ap)
{
	char small[512], *msg = small;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
	if (!msg)
		msg = small;
	fe_lower_errtext(msg);
	fprintf(stderr, "%s%s\n", prefix, msg);
	if (msg != small)
		free(msg);
}

static void vmsg(const char *path, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (path)
		fprintf(stderr, "%s: '%s': ", fe_progname, path);
	else
		fprintf(stderr, "%s: ", fe_progname);
	vput("", fmt, ap);
}

void fe_error(const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(path, fmt, ap);
	va_end(ap);
}

void fe_warn_entry(const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(path, fmt, ap);
	va_end(ap);
	fe_had_errors = true;
}

static void putf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput("", fmt, ap);
	va_end(ap);
}

void fe_problem(void *ctx, const char *source, uint64_t mft,
		const char *path, const char *reason)
{
	(void)ctx;
	fflush(stdout);
	fprintf(stderr, "%s: '%s': ", fe_progname, source ? source : "?");
	if (mft != UINT64_MAX)
		fprintf(stderr, "record %llu: ", (unsigned long long)mft);
	if (path)
		fprintf(stderr, "'%s': ", path);
	putf("%s", reason);
	fe_had_errors = true;
}

void fe_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", fe_progname);
	va_start(ap, fmt);
	vput("", fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "Try '%s help %s' for more information.\n",
			fe_progname, cmd);
	else
		fprintf(stderr, "Try '%s --help' for more information.\n",
			fe_progname);
	exit(FE_EXIT_USAGE);
}

void fe_bad_option(const char *cmd, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && arg && arg[0] == '-' && arg[1] != '-')
		fe_usage_error(cmd, "invalid option -- '%c'", optopt);
	if (optopt && arg && strncmp(arg, "--", 2) == 0 && !strchr(arg, '='))
		fe_usage_error(cmd, "option '%s' requires an argument", arg);
	fe_usage_error(cmd, "unrecognized option '%s'", arg ? arg : "?");
}

int fe_emit_close(nl_emit **em, int status)
{
	int rc = nl_emit_close(em);

	if (rc < 0 && rc != -EPIPE) {
		fe_error(NULL, "write error on standard output: %s", strerror(-rc));
		status = FE_EXIT_PARTIAL;
	}
	if (status == FE_EXIT_OK && fe_had_errors)
		status = FE_EXIT_PARTIAL;
	return status;
}

char fe_drive_arg(const char *cmd, const char *opt, const char *arg)
{
	if (((arg[0] >= 'A' && arg[0] <= 'Z') || (arg[0] >= 'a' && arg[0] <= 'z')) &&
	    (arg[1] == 0 || (arg[1] == ':' && arg[2] == 0)))
		return (char)(arg[0] & ~0x20);
	fe_usage_error(cmd, "%s wants a drive letter like C:, not '%s'", opt, arg);
}

static int fe_ntfs_log(const char *function, const char *file, int line,
			    u32 level, void *data, const char *format,
			    va_list args)
{
	int err = errno;
	char msg[1024];
	size_t n;

	(void)function; (void)file; (void)line; (void)data;
	if (!fe_verbose)
		return 0;
	vsnprintf(msg, sizeof(msg), format, args);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (!n)
		return 0;
	/* One line per message, as libntfs-3g's own handlers write them: a
	 * perror message gets its errno text. */
	if (level & NTFS_LOG_LEVEL_PERROR) {
		putf("libntfs-3g: %s: %s", msg, strerror(err));
		return 1;
	}
	return fprintf(stderr, "libntfs-3g: %s\n", msg);
}

void fe_ntfs_logging_init(void)
{
	ntfs_log_set_handler(fe_ntfs_log);
	if (fe_verbose)
		ntfs_log_set_levels(NTFS_LOG_LEVEL_INFO | NTFS_LOG_LEVEL_ERROR |
				    NTFS_LOG_LEVEL_PERROR | NTFS_LOG_LEVEL_WARNING |
				    NTFS_LOG_LEVEL_CRITICAL);
}

void fe_more_verbose(void)
{
	fe_verbose++;
	fe_ntfs_logging_init();
}

static void close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno == EPIPE)
			_exit(fe_exit_status());
		/* not fe_error(): stdout is closed, it must not be flushed */
		fprintf(stderr, "%s: ", fe_progname);
		putf("write error on standard output: %s", strerror(errno ? errno : EIO));
		_exit(FE_EXIT_PARTIAL);
	}
}

void fe_close_stdout_atexit(void)
{
	atexit(close_stdout);
}

int fe_exit_status(void)
{
	return fe_had_errors ? FE_EXIT_PARTIAL : FE_EXIT_OK;
}
