/* fe_audit.c: option parsing, volume opening, paths and sorting shared by the audit commands. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/analysis.h>

#include "fe.h"
#include "fe_audit.h"
#include "progress.h"

enum {
	OPT_JSON = 0x100, OPT_CSV, OPT_BODYFILE, OPT_WINPATHS, OPT_DRIVE, OPT_DELETED,
	OPT_PARTITION, OPT_OFFSET, OPT_UNDER, OPT_CLASS, OPT_TAG, OPT_WRAP, OPT_IMGFMT, OPT_VERIFY,
};

struct optdef {
	unsigned mask;
	struct option opt;
};

static const struct optdef optdefs[] = {
	{ FE_A_JSON, { "json", no_argument, NULL, OPT_JSON } },
	{ FE_A_CSV, { "csv", no_argument, NULL, OPT_CSV } },
	{ FE_A_BODYFILE, { "bodyfile", no_argument, NULL, OPT_BODYFILE } },
	{ FE_A_NUL, { "null", no_argument, NULL, '0' } },
	{ FE_A_PATHS, { "windows-paths", no_argument, NULL, OPT_WINPATHS } },
	{ FE_A_PATHS, { "drive", required_argument, NULL, OPT_DRIVE } },
	{ FE_A_DELETED, { "deleted", no_argument, NULL, OPT_DELETED } },
	{ FE_A_VOLUME, { "partition", required_argument, NULL, OPT_PARTITION } },
	{ FE_A_VOLUME, { "offset", required_argument, NULL, OPT_OFFSET } },
	{ FE_A_UNDER, { "under", required_argument, NULL, OPT_UNDER } },
	{ FE_A_CLASS, { "class", required_argument, NULL, OPT_CLASS } },
	{ FE_A_TAG, { "tag", required_argument, NULL, OPT_TAG } },
	{ FE_A_IMGFMT, { "format", required_argument, NULL, OPT_IMGFMT } },
	{ FE_A_VERIFY, { "verify", no_argument, NULL, OPT_VERIFY } },
};

/* The global options, accepted after the command as before it, and the table options every
 * audit command takes. */
static const struct option global_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "output", required_argument, NULL, 'o' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "bytes", no_argument, NULL, 'b' },
	{ "width", required_argument, NULL, 'w' },
	{ "wrap", no_argument, NULL, OPT_WRAP },
};

#define NOPTDEFS (sizeof(optdefs) / sizeof(optdefs[0]))
#define NGLOBAL (sizeof(global_opts) / sizeof(global_opts[0]))

void fe_audit_nomem(void)
{
	fe_error(NULL, "out of memory");
	exit(FE_EXIT_USAGE);
}

static void set_format(struct fe_audit *a, enum fe_format f, const char *name)
{
	static const char *const names[] = {
		[FE_FMT_TEXT] = "", [FE_FMT_JSON] = "--json", [FE_FMT_CSV] = "--csv",
		[FE_FMT_BODYFILE] = "--bodyfile", [FE_FMT_NUL] = "-0",
	};
	static const unsigned masks[] = {
		[FE_FMT_JSON] = FE_A_JSON, [FE_FMT_CSV] = FE_A_CSV,
		[FE_FMT_BODYFILE] = FE_A_BODYFILE, [FE_FMT_NUL] = FE_A_NUL,
	};

	if (!(a->accept & masks[f])) {
		char list[64] = "text";

		for (size_t i = FE_FMT_JSON; i < sizeof(masks) / sizeof(masks[0]); i++)
			if (a->accept & masks[i]) {
				strcat(list, ", ");
				strcat(list, names[i]);
			}
		fe_usage_error(a->cmd->name, "%s writes %s, not %s", a->cmd->name, list, name);
	}
	if (a->format != FE_FMT_TEXT && a->format != f)
		fe_usage_error(a->cmd->name, "%s and %s cannot be used together",
			       names[a->format], name);
	a->format = f;
}

/* BYTES: decimal or 0x hex, optionally followed by 's' (512-byte sectors),
 * 'K', 'M' or 'G' (binary multiples). */
static int parse_offset(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 's': mul = 512; break;
		case 'K': case 'k': mul = 1024; break;
		case 'M': mul = 1024ULL * 1024; break;
		case 'G': mul = 1024ULL * 1024 * 1024; break;
		default: return -EINVAL;
		}
		if (end[1])
			return -EINVAL;
	}
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

/* --partition N: a number the library takes as IMAGE@N, or 0 when @arg is
 * none (fe_audit_parse() then refuses it as nl_volume_open() refuses IMAGE@0). */
static unsigned parse_partition(const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v > NL_PARTITION_MAX || !isdigit((unsigned char)arg[0]))
		return 0;
	return (unsigned)v;
}

/* strdup(@s) in lower case (class and tag names are taken in any case). */
static char *lower_dup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		fe_audit_nomem();
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Option @ch, if it says where and how to open the image, into @a.
 * Returns whether it was one. */
static bool parse_open_option(struct fe_audit *a, const struct fe_command *cmd, int ch)
{
	switch (ch) {
	case OPT_PARTITION:
		a->open.partition = parse_partition(optarg);
		a->partition_arg = optarg;
		return true;
	case OPT_OFFSET:
		if (parse_offset(optarg, &a->open.offset) < 0)
			fe_usage_error(cmd->name, "invalid offset '%s'", optarg);
		a->open.has_offset = true;
		return true;
	case OPT_IMGFMT:
		if (nl_image_format_parse(optarg, &a->open.format) < 0)
			fe_usage_error(cmd->name, "unknown image format '%s' (raw, split, ewf, vhd, vmdk, qcow)",
				       optarg);
		if (!nl_image_format_supported(a->open.format))
			fe_usage_error(cmd->name, "this build cannot read %s images (see ntfslinks --version)",
				       optarg);
		return true;
	default:
		return false;
	}
}

/* Option @ch, if it shapes a text table (-o, -n, -b, -w, --wrap), into @a.
 * Returns whether it was one. */
static bool parse_table_option(struct fe_audit *a, const struct fe_command *cmd, int ch)
{
	char *end;

	switch (ch) {
	case 'o':
		a->output = optarg;
		return true;
	case 'n':
		a->noheadings = true;
		return true;
	case 'b':
		a->bytes = true;
		return true;
	case 'w':
		errno = 0;
		a->width = strtol(optarg, &end, 10);
		if (errno || end == optarg || *end || a->width < 0 || !isdigit((unsigned char)*optarg))
			fe_usage_error(cmd->name, "invalid width '%s'", optarg);
		return true;
	case OPT_WRAP:
		a->wrap = true;
		return true;
	default:
		return false;
	}
}

/* --class NAME, in any case, into @a. */
static void parse_class(struct fe_audit *a, const struct fe_command *cmd)
{
	int c;

	free(a->class_name);
	a->class_name = lower_dup(optarg);
	c = nl_link_class_from_name(a->class_name);
	if (c < 0 || c == NL_CLASS_NONE)
		fe_usage_error(cmd->name,
			       "invalid class '%s' (expected inner, outer, other-volume, dangling, loop or unknown)",
			       optarg);
}

/* One option @ch (from getopt_long(), optarg set) into @a. */
static void parse_option(struct fe_audit *a, const struct fe_command *cmd, int ch, char **argv)
{
	switch (ch) {
	case 'h':
		cmd->usage(stdout);
		exit(FE_EXIT_OK);
	case 'v':
		fe_more_verbose();
		break;
	case OPT_JSON:
		set_format(a, FE_FMT_JSON, "--json");
		break;
	case OPT_CSV:
		set_format(a, FE_FMT_CSV, "--csv");
		break;
	case OPT_BODYFILE:
		set_format(a, FE_FMT_BODYFILE, "--bodyfile");
		break;
	case '0':
		set_format(a, FE_FMT_NUL, "-0");
		break;
	case OPT_WINPATHS:
		a->windows_paths = true;
		break;
	case OPT_DRIVE:
		if (!isalpha((unsigned char)optarg[0]) ||
		    (optarg[1] && (optarg[1] != ':' || optarg[2])))
			fe_usage_error(cmd->name, "invalid drive '%s' (expected a letter like C:)",
				       optarg);
		a->drive = (char)toupper((unsigned char)optarg[0]);
		break;
	case OPT_DELETED:
		a->deleted = true;
		break;
	case OPT_UNDER:
		a->under = optarg;
		break;
	case OPT_CLASS:
		parse_class(a, cmd);
		break;
	case OPT_TAG:
		free(a->tag);
		a->tag = lower_dup(optarg);
		break;
	default:
		if (!parse_open_option(a, cmd, ch) && !parse_table_option(a, cmd, ch))
			fe_bad_option(cmd->name, argv);
	}
}

/* Is @name (@len bytes) the key of a column of listing @l that -o can choose? */
static bool listing_has(const struct fe_listing *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->ncols; i++)
		if ((l->cols[i].flags & NL_COL_HIDDEN) != NL_COL_HIDDEN &&
		    strlen(l->cols[i].key) == len && strncasecmp(l->cols[i].key, name, len) == 0)
			return true;
	return false;
}

/* '--output help': the columns of each listing of the command, on stdout. */
static void list_columns(const struct fe_command *cmd)
{
	printf("Columns of 'ntfslinks %s' for -o, --output (the JSON keys; any case):\n", cmd->name);
	for (const struct fe_listing *const *l = cmd->listings; l && *l; l++) {
		printf("  %s:", (*l)->type);
		for (size_t i = 0; i < (*l)->ncols; i++)
			if (((*l)->cols[i].flags & NL_COL_HIDDEN) != NL_COL_HIDDEN)
				printf(" %s", (*l)->cols[i].key);
		putchar('\n');
	}
}

/* -o: 'help' lists the columns (exit 0); a name no listing of the command has is misuse. */
static void check_columns(struct fe_audit *a)
{
	const struct fe_command *cmd = a->cmd;

	if (strcmp(a->output, "help") == 0) {
		list_columns(cmd);
		exit(FE_EXIT_OK);
	}
	for (const char *p = a->output; *p || p == a->output;) {
		size_t len = strcspn(p, ",");
		bool found = false;

		for (const struct fe_listing *const *l = cmd->listings; l && *l && !found; l++)
			found = listing_has(*l, p, len);
		if (!found)
			fe_usage_error(cmd->name, "unknown column '%.*s' ('ntfslinks %s --output help' lists them)",
				       (int)len, p, cmd->name);
		if (!p[len])
			break;
		p += len + 1;
	}
}

void fe_audit_parse(struct fe_audit *a, const struct fe_command *cmd, unsigned accept,
		    int argc, char **argv, int min_pos, int max_pos)
{
	struct option longopts[NOPTDEFS + NGLOBAL + 1];
	char shortopts[16];
	size_t n = 0;
	int ch;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	if (accept & FE_A_VOLUME)
		accept |= FE_A_IMGFMT;
	a->accept = accept;
	a->width = -1;
	/* Every format option is known, so that one the command does not
	 * write is refused with the list of those it does. */
	for (size_t i = 0; i < NOPTDEFS; i++)
		if (optdefs[i].mask & (accept | FE_A_FORMATS))
			longopts[n++] = optdefs[i].opt;
	for (size_t i = 0; i < NGLOBAL; i++)
		longopts[n++] = global_opts[i];
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	strcpy(shortopts, "hv0o:nbw:");

	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == OPT_VERIFY)
			a->verify = true;
		else
			parse_option(a, cmd, ch, argv);
	}
	if (a->output)
		check_columns(a);
	if (a->open.has_offset && a->open.partition)
		fe_usage_error(cmd->name, "--offset and --partition cannot be used together");
	a->npos = argc - optind;
	a->pos = argv + optind;
	if (a->npos < min_pos) {
		if (a->npos == 0)
			fe_usage_error(cmd->name, "no image given");
		fe_usage_error(cmd->name, "missing argument");
	}
	if (a->npos > max_pos)
		fe_usage_error(cmd->name, "unexpected argument '%s'", a->pos[max_pos]);
	a->image = a->npos ? a->pos[0] : NULL;
	if (a->partition_arg && !a->open.partition) {
		/* in the words of nl_volume_open() for IMAGE@0 */
		fe_error(a->image, "invalid partition number '%s' (partitions are numbered from 1)",
			 a->partition_arg);
		exit(FE_EXIT_USAGE);
	}
}

void fe_audit_open(struct fe_audit *a)
{
	struct nl_volume_info vi;
	char err[NL_ERRMSG_SIZE];
	int rc;

	if (a->vol)
		return;
	err[0] = '\0';
	rc = nl_volume_open(a->image, &a->open, &a->vol, err, sizeof(err));
	if (rc < 0) {
		fe_error(a->image, "%s", err[0] ? err : strerror(-rc));
		exit(FE_EXIT_USAGE);
	}
	nl_volume_get_info(a->vol, &vi);
	if (vi.repaired[0])
		fe_error(a->image, "%s", vi.repaired);  /* a warning: the volume was read */
	if (vi.image_bytes < vi.volume_bytes) {
		/* a warning; an error (exit 1) when records are lost with it */
		fe_error(a->image, "image is truncated: %" PRIu64 " of %" PRIu64 " bytes%s",
			 vi.image_bytes, vi.volume_bytes,
			 vi.mft_truncated ? "; records of $MFT past the end are not read" : "");
		if (vi.mft_truncated)
			fe_had_errors = true;
	}
}

void fe_audit_scan(struct fe_audit *a)
{
	struct nl_scan_options so;
	struct fe_progress prog;
	int rc;

	fe_audit_open(a);
	memset(&so, 0, sizeof(so));
	so.flags = a->deleted ? NL_SCAN_DELETED : 0;
	so.problem = fe_audit_problem;
	so.problem_ctx = a;
	fe_progress_init(&prog, "scanning", "records");
	so.progress = fe_progress_cb;
	so.progress_ctx = &prog;
	rc = nl_scan(a->vol, &so, &a->model);
	fe_progress_end(&prog);
	if (rc < 0) {
		fe_error(a->image, "cannot scan $MFT: %s", strerror(-rc));
		fe_audit_close(a);
		exit(FE_EXIT_USAGE);
	}
	nl_model_stats(a->model, &a->stats);
}

void fe_audit_problem(void *ctx, const char *source, uint64_t mft, const char *path,
		      const char *reason)
{
	struct fe_audit *a = ctx;

	if (a)
		a->problems++;
	fe_problem(NULL, source, mft, path, reason);
}

void fe_audit_close(struct fe_audit *a)
{
	nl_path_index_free(&a->pix);
	nl_analysis_close(&a->an);
	nl_model_free(&a->model);
	nl_volume_close(&a->vol);
	free(a->pathbuf);
	a->pathbuf = NULL;
	a->pathcap = 0;
	free(a->winbuf);
	a->winbuf = NULL;
	a->wincap = 0;
	free(a->class_name);
	a->class_name = NULL;
	free(a->tag);
	a->tag = NULL;
}

/* path_grow: a new a->pathbuf of at least @need bytes: 4 KiB the first time, then at least twice
 * the last (what it held is dropped). */
static void path_grow(struct fe_audit *a, size_t need)
{
	size_t cap = a->pathbuf ? a->pathcap * 2 : 4096;

	free(a->pathbuf);
	a->pathcap = need > cap ? need : cap;
	a->pathbuf = malloc(a->pathcap);
	if (!a->pathbuf)
		fe_audit_nomem();
}

static const char *build_path(struct fe_audit *a, bool is_name, uint64_t key,
			      size_t *lenp, unsigned *pflags)
{
	size_t len = 0;
	unsigned fl = 0;
	int rc;

	if (!a->pathbuf)
		path_grow(a, 0);
	for (;;) {
		if (is_name)
			rc = nl_model_name_path(a->model, (uint32_t)key, a->pathbuf, a->pathcap,
						&len, &fl);
		else
			rc = nl_model_record_path(a->model, key, a->pathbuf, a->pathcap, &len, &fl);
		if (rc != -ERANGE)
			break;
		path_grow(a, len + 1);
	}
	if (rc < 0)
		return NULL;
	if (lenp)
		*lenp = len;
	if (pflags)
		*pflags = fl;
	return a->pathbuf;
}

const char *fe_audit_name_path(struct fe_audit *a, uint32_t id, size_t *len, unsigned *pflags)
{
	return build_path(a, true, id, len, pflags);
}

const char *fe_audit_record_path(struct fe_audit *a, uint64_t mft, size_t *len, unsigned *pflags)
{
	return build_path(a, false, mft, len, pflags);
}

const char *fe_audit_display(struct fe_audit *a, const char *path, char drive)
{
	size_t len, need, o = 0;

	if (!a->windows_paths)
		return path;
	len = strlen(path);
	need = len + 4;
	if (need > a->wincap) {
		free(a->winbuf);
		a->wincap = need * 2;
		a->winbuf = malloc(a->wincap);
		if (!a->winbuf)
			fe_audit_nomem();
	}
	if (drive) {
		a->winbuf[o++] = drive;
		a->winbuf[o++] = ':';
	}
	for (size_t i = 0; i < len; i++)
		a->winbuf[o++] = path[i] == '/' ? '\\' : path[i];
	if (o == 0 || (drive && o == 2))
		a->winbuf[o++] = '\\';
	a->winbuf[o] = '\0';
	return a->winbuf;
}

int fe_audit_resolve(struct fe_audit *a, const char *arg, uint64_t *mft)
{
	struct nl_record_info ri;
	int rc;

	if (arg[0] == '#') {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(arg + 1, &end, 10);
		if (errno || end == arg + 1 || *end || !isdigit((unsigned char)arg[1])) {
			fe_error(a->image, "'%s': not a record number", arg);
			return -EINVAL;
		}
		rc = nl_model_record(a->model, v, &ri);
		if (rc < 0) {
			fe_error(a->image, "'%s': no such record with names%s", arg,
				 a->deleted ? "" : " in use");
			return rc;
		}
		*mft = v;
		return 0;
	}
	/* the escapes of the output read back ('/tab\x{09}name'); a link's
	 * substitute name as written ("\??\C:\Users"); the drive is skipped
	 * by the lookup */
	char *path;
	size_t plen;

	if (nl_unescape(arg, strlen(arg), &path, &plen) < 0)
		fe_audit_nomem();
	if (strlen(path) != plen) {
		free(path);
		fe_error(a->image, "'%s': a name cannot hold a NUL byte", arg);
		return -EINVAL;
	}
	rc = nl_model_lookup_path(a->model, strncmp(path, "\\??\\", 4) ? path : path + 4, mft);
	if (rc == -ENOENT || rc == -ENOTDIR) {
		/* through a junction or symbolic link, as Windows opens it */
		int lrc = fe_audit_resolve_links(a, arg, strncmp(path, "\\??\\", 4) ? path : path + 4,
						 mft);

		if (lrc <= 0) {
			free(path);
			return lrc;
		}
	}
	free(path);
	if (rc < 0) {
		fe_error(a->image, "'%s': %s", arg,
			 rc == -ENOENT ? "no such file or directory" : strerror(-rc));
		return rc;
	}
	return 0;
}

const char *fe_namespace_name(unsigned ns)
{
	switch (ns) {
	case NL_NS_POSIX: return "posix";
	case NL_NS_WIN32: return "win32";
	case NL_NS_DOS: return "dos";
	case NL_NS_WIN32_AND_DOS: return "win32_dos";
	default: return "unknown";
	}
}

/* ---- rows sorted by path ----------------------------------------------------------- */

static int key_cmp(const void *x, const void *y)
{
	return nl_path_key_cmp(x, y);
}

nl_rows *fe_rows_new(size_t reserve)
{
	nl_rows *r = NULL;

	if (nl_rows_new(sizeof(struct nl_path_key), key_cmp, &r) < 0 ||
	    (reserve && nl_rows_reserve(r, reserve) < 0))
		fe_audit_nomem();
	return r;
}

void fe_rows_prepare(struct fe_audit *a)
{
	if (!a->pix && nl_path_index_build(a->model, a->deleted ? NL_ITER_DELETED : 0, &a->pix) < 0)
		fe_audit_nomem();
}

bool fe_rows_add(struct fe_audit *a, nl_rows *r, const struct nl_name *nm, unsigned flags)
{
	struct nl_path_key key;
	int rc;

	fe_rows_prepare(a);
	rc = nl_path_key(a->pix, nm, flags, &key);
	if (rc == -ENOMEM || (rc == 0 && nl_rows_add(r, &key) < 0))
		fe_audit_nomem();
	return rc == 0;
}

void fe_rows_group_end(nl_rows *r)
{
	if (nl_rows_group_end(r) < 0)
		fe_audit_nomem();
}

void fe_rows_sort(nl_rows *r)
{
	if (nl_rows_sort(r) < 0)
		fe_audit_nomem();
}

const char *fe_key_path(struct fe_audit *a, const struct nl_path_key *key)
{
	size_t len = 0;
	int rc;

	if (!a->pathbuf)
		path_grow(a, 0);
	while ((rc = nl_path_key_path(a->pix, key, a->pathbuf, a->pathcap, &len)) == -ERANGE)
		path_grow(a, len + 1);
	return rc < 0 ? NULL : a->pathbuf;
}

const char *fe_key_dos(struct fe_audit *a, const struct nl_path_key *key, size_t *len)
{
	return nl_path_key_dos(a->pix, key, len);
}

/* ---- anchor, analysis, output ------------------------------------------------ */

void fe_audit_anchor(struct fe_audit *a)
{
	struct nl_record_info ri;

	a->anchor = NL_ROOT_MFT;
	if (!a->under)
		return;
	/* a path given on the command line that is not there: exit 1, as for siblings */
	if (fe_audit_resolve(a, a->under, &a->anchor) < 0) {
		fe_audit_close(a);
		exit(FE_EXIT_PARTIAL);
	}
	if (nl_model_record(a->model, a->anchor, &ri) < 0 || !(ri.flags & NL_REC_DIRECTORY)) {
		fe_error(a->image, "'%s': not a directory", a->under);
		fe_audit_close(a);
		exit(FE_EXIT_PARTIAL);
	}
}

void fe_audit_analyse(struct fe_audit *a)
{
	struct nl_analysis_options ao;
	int rc;

	if (a->an)
		return;
	if (!a->anchor)
		fe_audit_anchor(a);
	memset(&ao, 0, sizeof(ao));
	ao.anchor = a->anchor;
	ao.drive = a->drive;
	ao.problem = fe_audit_problem;
	ao.problem_ctx = a;
	ao.source = a->image;
	rc = nl_analysis_open(a->model, &ao, &a->an);
	if (rc < 0) {
		fe_error(a->image, "cannot analyse the reparse points: %s", strerror(-rc));
		fe_audit_close(a);
		exit(FE_EXIT_USAGE);
	}
	nl_analysis_drive(a->an, &a->guess);
}

char fe_audit_drive(struct fe_audit *a)
{
	if (a->drive)
		return a->drive;
	if (!a->model)
		return 0;
	fe_audit_analyse(a);
	return a->guess.drive;
}

/* The width text tables fit when stdout is a terminal: its columns (COLUMNS when the terminal
 * does not say, else 80); 0, no limit, when it is not one. */
static size_t terminal_width(void)
{
	struct winsize ws;
	const char *env;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env && atoi(env) > 0)
		return (size_t)atoi(env);
	return 80;
}

void fe_audit_emit_open(struct fe_audit *a)
{
	static const enum nl_emit_format map[] = {
		[FE_FMT_TEXT] = NL_EMIT_TEXT, [FE_FMT_JSON] = NL_EMIT_JSON,
		[FE_FMT_CSV] = NL_EMIT_CSV, [FE_FMT_BODYFILE] = NL_EMIT_BODYFILE,
		[FE_FMT_NUL] = NL_EMIT_NUL,
	};
	struct nl_emit_options eo = { 0 };
	int rc;

	/* -0 is for xargs -0: the names as stored, not escaped */
	if (a->format == FE_FMT_NUL)
		eo.flags |= NL_EMIT_RAW_NAMES;
	if (a->noheadings)
		eo.flags |= NL_EMIT_NO_HEADER;
	if (a->bytes)
		eo.flags |= NL_EMIT_EXACT_BYTES;
	if (a->wrap)
		eo.flags |= NL_EMIT_WRAP;
	eo.text_width = a->width >= 0 ? (size_t)a->width : terminal_width();
	rc = nl_emit_open(map[a->format], stdout, &eo, &a->emit);
	if (rc < 0)
		fe_audit_nomem();
}

/* Is @type one of the command's listings? */
static bool is_listing(const struct fe_audit *a, const char *type)
{
	for (const struct fe_listing *const *l = a->cmd->listings; l && *l; l++)
		if (strcmp((*l)->type, type) == 0)
			return true;
	return false;
}

void fe_audit_select(struct fe_audit *a, nl_table *t, const char *type)
{
	if (a->output && is_listing(a, type) && nl_table_select(t, a->output) < 0)
		fe_audit_nomem();
}

static void write_failed(struct fe_audit *a, int rc)
{
	if (rc == -EPIPE) {
		fe_audit_close(a);
		exit(fe_exit_status());
	}
	fe_error(NULL, "write error on standard output: %s", strerror(-rc));
	fe_had_errors = true;
	nl_emit_close(&a->emit);
	fe_audit_close(a);
	exit(FE_EXIT_PARTIAL);
}

void fe_audit_emit_close(struct fe_audit *a)
{
	int rc;

	if (!a->emit)
		return;
	rc = nl_emit_close(&a->emit);
	if (rc == -ENOMEM)
		fe_audit_nomem();
	if (rc < 0)
		write_failed(a, rc);
}

nl_table *fe_audit_table(struct fe_audit *a, const char *type, const struct nl_column *cols,
			 size_t ncols, unsigned flags)
{
	nl_table *t = NULL;
	int rc = nl_emit_table(a->emit, type, cols, ncols, flags, &t);

	if (rc < 0)
		fe_audit_fail(a, rc);
	/* the counts before or after a listing are left out when its columns are chosen, and
	 * in text without headings: what is left is the plain table */
	if ((flags & NL_TABLE_SUMMARY) && !is_listing(a, type) &&
	    (a->output || (a->noheadings && a->format == FE_FMT_TEXT)))
		nl_table_select(t, "");
	fe_audit_select(a, t, type);
	return t;
}

void fe_audit_row_end(struct fe_audit *a, nl_table *t)
{
	int rc = nl_row_end(t);

	if (rc < 0)
		fe_audit_fail(a, rc);
}

void fe_audit_fail(struct fe_audit *a, int rc)
{
	if (rc == -ENOMEM)
		fe_audit_nomem();
	write_failed(a, rc < 0 ? rc : -EIO);
	exit(FE_EXIT_PARTIAL); /* not reached */
}

const char *fe_body_mode(const struct nl_record_info *ri)
{
	return (ri->flags & NL_REC_DIRECTORY) ? "d/drwxrwxrwx" : "r/rrwxrwxrwx";
}

void fe_audit_times(struct fe_audit *a, nl_table *t, size_t col_crtime, uint64_t mft)
{
	struct nl_times tm;

	if (nl_model_times(a->model, mft, &tm) < 0)
		return;
	nl_cell_time(t, col_crtime, tm.crtime);
	nl_cell_time(t, col_crtime + 1, tm.mtime);
	nl_cell_time(t, col_crtime + 2, tm.ctime);
	nl_cell_time(t, col_crtime + 3, tm.atime);
}

int fe_audit_exit(struct fe_audit *a)
{
	fe_audit_emit_close(a);
	nl_analysis_close(&a->an);
	fe_audit_close(a);
	return fe_exit_status();
}
