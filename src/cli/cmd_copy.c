/* cmd_copy.c: 'ntfslinks copy': Smart Copy of trees between NTFS images, directories and ntfs-3g mounts. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/copy.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/unistr.h>

#include "commands.h"
#include "fe.h"
#include "fe_actions.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks copy [OPTIONS] SOURCE... DEST\n"
		"\n"
		"Smart Copy: copy folders (or files) keeping their link structure, like\n"
		"Link Shell Extension's ln.exe --copy. Hardlinked files stay hardlinked,\n"
		"junctions and symbolic links that point inside the copied set point\n"
		"inside the copy, and links that point outside are handled by a policy.\n"
		"\n"
		"SOURCE and DEST are each IMAGE:/path (a folder inside an NTFS image or\n"
		"block device; IMAGE@N:/path for partition N), IMAGE (its root), or a\n"
		"directory, plain Linux or on an ntfs-3g mount. Several sources form one\n"
		"common root. DEST is created; if it exists the copy goes inside it under\n"
		"the source's name (\"name - Copy\" on a clash, said on stderr). Sources are\n"
		"never written. An IMAGE: destination must exist unless --create-image.\n"
		"\n"
		"Outer links (pointing outside the sources):\n"
		"      --crop            leave them out and list them (default)\n"
		"      --splice          recreate them pointing at the original target\n"
		"      --unroll          copy what they point to in their place, recursively\n"
		"\n"
		"Options:\n"
		"      --into            copy the contents of the sources into DEST\n"
		"  -p, --parents         create the missing folders above DEST\n"
		"      --create-image SIZE  format a missing IMAGE: destination of SIZE\n"
		"                        bytes (K, M, G suffixes) as mkntfs -T does\n"
		"  -n, --dry-run         list what would be done, write nothing\n"
		"      --exclude PATTERN leave out files and folders matching PATTERN (glob,\n"
		"                        on the name or the path below the source); may be\n"
		"                        repeated; @FILE reads patterns from FILE\n"
		"      --include PATTERN copy only files matching PATTERN (folders are still\n"
		"                        entered); may be repeated; @FILE as for --exclude\n"
		"      --drive X:        drive letter of the source volume for absolute link\n"
		"                        targets (default: inferred from its links, as\n"
		"                        'reparse' does)\n"
		"      --dest-drive X:   drive letter written into rewritten absolute links\n"
		"                        (default: the source's)\n"
		"      --no-acl          do not copy security descriptors\n"
		"      --streams=MODE    named streams into a plain Linux folder: drop (warn,\n"
		"                        default) or xattr (as user.NAME extended attributes)\n"
		"      --list            list every action (default: only the notable ones)\n"
		"      --json            one JSON object per action, then a summary\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"Exit status: 0 all copied, 1 some entries failed (listed), 2 misuse, a\n"
		"source or the destination could not be opened, or the destination is\n"
		"inside a source. See ntfslinks-copy(1).\n");
}

/* The command being run: "copy", "clone" or "mirror" (the same front end
 * with the clone or mirror options; see cmd_clone.c, cmd_mirror.c). */
static const char *cmd = "copy";

/* The listing: the actions and the summary, then the drive letters assumed. */
struct copy_fe {
	struct fe_actions acts;
	nl_emit *em;
	nl_table *tdrive;
};

/* The patterns of --exclude and --include. */
struct patterns {
	const char **v;
	size_t n;
};

enum { D_WHAT, D_SOURCE, D_NOTE, D_NCOLS };

#define TXT_LINE (NL_COL_NO_JSON | NL_COL_NO_CSV)

/* Text only: the drive letter assumed for a source. */
static const struct nl_column drive_cols[D_NCOLS] = {
	[D_WHAT] = { "what", NULL, TXT_LINE, 10 },
	[D_SOURCE] = { "source", NULL, TXT_LINE | NL_ROLE_NAME, 0 },
	[D_NOTE] = { "note", NULL, TXT_LINE, 0 },
};

static void free_patterns(struct patterns *p)
{
	for (size_t i = 0; i < p->n; i++)
		free((char *)p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Add @pat to @p; out of memory frees @p and @other and exits. */
static void add_pattern(struct patterns *p, struct patterns *other, const char *pat)
{
	const char **v = realloc(p->v, (p->n + 1) * sizeof(*v));

	if (v)
		p->v = v;
	if (!v || !(v[p->n] = strdup(pat))) {
		free_patterns(p);
		free_patterns(other);
		fe_error(NULL, "out of memory");
		exit(FE_EXIT_USAGE);
	}
	p->n++;
}

/* Patterns from an argument: PATTERN, or @FILE with one pattern per line.  A
 * file that cannot be read frees @p and @other and exits as misuse. */
static void add_patterns(struct patterns *p, struct patterns *other, const char *arg)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (arg[0] != '@') {
		add_pattern(p, other, arg);
		return;
	}
	fp = fopen(arg + 1, "r");
	if (!fp) {
		int err = errno;

		free_patterns(p);
		free_patterns(other);
		fe_usage_error(cmd, "cannot read '%s': %s", arg + 1, strerror(err));
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (len && line[0] != '#')
			add_pattern(p, other, line);
	}
	free(line);
	fclose(fp);
}

/* The drive letter inferred for each source with drive-letter targets, as
 * 'reparse' says it: "drive      SOURCE (C: inferred: ...)" (text only). */
static void drive_notes(struct copy_fe *f, nl_copy *c, char **srcs, size_t n)
{
	struct nl_drive_guess g;
	char note[160];

	for (size_t i = 0; i < n; i++) {
		if (nl_copy_source_drive(c, i, &g) < 0 || g.given || !g.drive || !g.drive_targets)
			continue;
		snprintf(note, sizeof(note),
			 "(%c: inferred: %llu of %llu drive-letter targets resolve on this volume with it)",
			 g.drive, (unsigned long long)g.support, (unsigned long long)g.drive_targets);
		nl_cell_str(f->tdrive, D_WHAT, "drive");
		nl_cell_str(f->tdrive, D_SOURCE, srcs[i]);
		nl_cell_str(f->tdrive, D_NOTE, note);
		nl_row_end(f->tdrive);
	}
}

enum {
	OPT_CROP = 256, OPT_SPLICE, OPT_UNROLL, OPT_INTO, OPT_EXCLUDE, OPT_INCLUDE, OPT_DRIVE,
	OPT_DEST_DRIVE, OPT_NO_ACL, OPT_STREAMS, OPT_LIST, OPT_JSON, OPT_CREATE_IMAGE,
	OPT_SYMBOLIC, OPT_COPY_OVER_LIMIT, OPT_CHECKSUM,
};

static const struct option longopts[] = {
	{ "crop", no_argument, NULL, OPT_CROP },
	{ "splice", no_argument, NULL, OPT_SPLICE },
	{ "unroll", no_argument, NULL, OPT_UNROLL },
	{ "into", no_argument, NULL, OPT_INTO },
	{ "parents", no_argument, NULL, 'p' },
	{ "create-image", required_argument, NULL, OPT_CREATE_IMAGE },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "include", required_argument, NULL, OPT_INCLUDE },
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "dest-drive", required_argument, NULL, OPT_DEST_DRIVE },
	{ "no-acl", no_argument, NULL, OPT_NO_ACL },
	{ "streams", required_argument, NULL, OPT_STREAMS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "symbolic", no_argument, NULL, OPT_SYMBOLIC },	/* clone only */
	{ "copy-over-limit", no_argument, NULL, OPT_COPY_OVER_LIMIT },	/* clone only */
	{ "checksum", no_argument, NULL, OPT_CHECKSUM },	/* mirror only */
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },	/* the global option, after the command */
	{ NULL, 0, NULL, 0 }
};

/* A size with an optional K, M or G suffix (powers of 1024), at least 1 MiB. */
static uint64_t size_arg(const char *opt, const char *a)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(a, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || end == a || *end || a[0] == '-' || v > (UINT64_MAX >> shift) ||
	    (v << shift) < (1u << 20))
		fe_usage_error(cmd, "%s wants a size of at least 1M like 64M, not '%s'", opt, a);
	return (uint64_t)v << shift;
}

/* One option @ch of the command line into @o, @a.  Returns the number of
 * outer-link policies it gave (0 or 1). */
static int parse_option(int ch, char **argv, struct nl_copy_options *o, struct fe_actions *a)
{
	switch (ch) {
	case OPT_CROP:
	case OPT_SPLICE:
	case OPT_UNROLL:
		o->outer = ch == OPT_CROP ? NL_COPY_CROP :
			   ch == OPT_SPLICE ? NL_COPY_SPLICE : NL_COPY_UNROLL;
		return 1;
	case OPT_INTO:
	case 'p':
	case OPT_CREATE_IMAGE:
		if (a->cmd == FE_COPY_CMD_MIRROR)	/* a mirror's destination exists and is the copy itself */
			fe_bad_option(cmd, argv);
		if (ch == OPT_INTO)
			o->into = true;
		else if (ch == 'p')
			o->parents = true;
		else
			o->create_image = size_arg("--create-image", optarg);
		break;
	case OPT_CHECKSUM:
		if (a->cmd != FE_COPY_CMD_MIRROR)
			fe_bad_option(cmd, argv);
		o->checksum = true;
		break;
	case 'n': o->dry_run = true; break;
	case OPT_EXCLUDE:
	case OPT_INCLUDE:
		break;	/* read by parse_patterns() once the command line is known good */
	case OPT_DRIVE: o->src_drive = fe_drive_arg(cmd, "--drive", optarg); break;
	case OPT_DEST_DRIVE: o->dest_drive = fe_drive_arg(cmd, "--dest-drive", optarg); break;
	case OPT_NO_ACL: o->no_acl = true; break;
	case OPT_STREAMS:
		if (!strcmp(optarg, "drop"))
			o->streams = NL_COPY_STREAMS_DROP;
		else if (!strcmp(optarg, "xattr"))
			o->streams = NL_COPY_STREAMS_XATTR;
		else
			fe_usage_error(cmd, "--streams is drop or xattr, not '%s'", optarg);
		break;
	case OPT_LIST: a->list = true; break;
	case OPT_JSON: a->json = true; break;
	case OPT_SYMBOLIC:
	case OPT_COPY_OVER_LIMIT:
		if (a->cmd != FE_COPY_CMD_CLONE)
			fe_bad_option(cmd, argv);
		if (ch == OPT_SYMBOLIC)
			o->clone = NL_COPY_CLONE_SYMBOLIC;
		else
			o->copy_over_limit = true;
		break;
	case 'h':
		if (a->cmd == FE_COPY_CMD_MIRROR)
			fe_cmd_mirror.usage(stdout);
		else if (a->cmd == FE_COPY_CMD_CLONE)
			fe_cmd_clone.usage(stdout);
		else
			usage(stdout);
		exit(FE_EXIT_OK);
	case 'v': fe_more_verbose(); break;
	default:
		fe_bad_option(cmd, argv);
	}
	return 0;
}

/*
 * The patterns of --exclude and --include, read in a second pass over the
 * options once every other misuse has been ruled out, so that no exit on a
 * misuse leaves them allocated.  The first pass left argv permuted, options
 * first: the second one finds the same options and ends at the same place.
 */
static void parse_patterns(int argc, char **argv, struct patterns *excl, struct patterns *incl)
{
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "nphv", longopts, NULL)) != -1)
		if (ch == OPT_EXCLUDE)
			add_patterns(excl, incl, optarg);
		else if (ch == OPT_INCLUDE)
			add_patterns(incl, excl, optarg);
}

/* The command line into @o and @f; misuse exits 2. */
static void parse_args(int argc, char **argv, struct nl_copy_options *o, struct fe_actions *a,
		       struct patterns *excl, struct patterns *incl)
{
	int ch, policies = 0;

	while ((ch = getopt_long(argc, argv, "nphv", longopts, NULL)) != -1)
		policies += parse_option(ch, argv, o, a);
	if (policies > 1)
		fe_usage_error(cmd, "--crop, --splice and --unroll exclude each other");
	if (o->clone == NL_COPY_CLONE_SYMBOLIC && o->copy_over_limit)
		fe_usage_error(cmd, "--copy-over-limit is for hardlink clones, not --symbolic");
	if (argc - optind < 2)
		fe_usage_error(cmd, argc - optind ? "no destination given" : "no source given");
	if (a->cmd == FE_COPY_CMD_CLONE && argc - optind > 2)
		fe_usage_error(cmd, "a clone has one source");
	if (a->cmd == FE_COPY_CMD_MIRROR && argc - optind > 2)
		fe_usage_error(cmd, "a mirror has one source");
	a->dest = argv[argc - 1];
	a->list |= a->cmd == FE_COPY_CMD_MIRROR;
	parse_patterns(argc, argv, excl, incl);
	o->exclude = excl->v;
	o->n_exclude = excl->n;
	o->include = incl->v;
	o->n_include = incl->n;
	o->on_action = fe_actions_on_action;
	o->action_ctx = a;
	o->progress = fe_actions_on_progress;
	o->progress_ctx = a;
	a->dry_run = o->dry_run;
}

/* The job: sources argv[0 .. n-2], destination argv[n-1].  On failure the
 * message is printed and the job freed; returns the exit status: 1 for a path
 * that is missing or passes through a file (as the audit commands), else 2. */
static int open_job(nl_copy **c, const struct nl_copy_options *o, int n, char **argv)
{
	int rc = nl_copy_new(o, c);

	if (rc) {
		fe_error(NULL, "%s", strerror(-rc));
		return FE_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		rc = i < n - 1 ? nl_copy_add_source(*c, argv[i]) : nl_copy_set_dest(*c, argv[i]);
		if (rc) {
			fe_error(argv[i], "%s", nl_copy_error(*c));
			nl_copy_free(c);
			return rc == -ENOENT || rc == -ENOTDIR ? FE_EXIT_PARTIAL : FE_EXIT_USAGE;
		}
	}
	return FE_EXIT_OK;
}

/* The listing on stdout: JSON or text. */
static int open_listing(struct copy_fe *f)
{
	if (nl_emit_open(f->acts.json ? NL_EMIT_JSON : NL_EMIT_TEXT, stdout, NULL, &f->em)) {
		fe_error(NULL, "out of memory");
		return -ENOMEM;
	}
	if (fe_actions_open(&f->acts, f->em) < 0)
		return -ENOMEM;
	if (nl_emit_table(f->em, "drive", drive_cols, D_NCOLS, NL_TABLE_LINES, &f->tdrive)) {
		fe_error(NULL, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int fe_copy_run(int argc, char **argv)
{
	struct nl_copy_options o;
	struct copy_fe f;
	nl_copy *c = NULL;
	struct nl_copy_stats st;
	struct patterns excl = { 0 }, incl = { 0 };
	int rc, status;
	bool clone, mirror;

	memset(&f, 0, sizeof(f));
	nl_copy_options_init(&o);
	clone = !strcmp(argv[0], "clone");
	mirror = !strcmp(argv[0], "mirror");
	cmd = clone ? "clone" : mirror ? "mirror" : "copy";
	f.acts.cmd = clone ? FE_COPY_CMD_CLONE : mirror ? FE_COPY_CMD_MIRROR : FE_COPY_CMD_COPY;
	if (clone)
		o.clone = NL_COPY_CLONE_HARDLINK;
	o.mirror = mirror;
	parse_args(argc, argv, &o, &f.acts, &excl, &incl);
	fe_progress_init(&f.acts.prog, clone ? "cloning" : mirror ? "mirroring" : "copying",
			 "items");
	status = open_job(&c, &o, argc - optind, argv + optind);
	if (status == FE_EXIT_OK && open_listing(&f) < 0) {
		nl_copy_free(&c);
		status = FE_EXIT_USAGE;
	}
	if (status == FE_EXIT_OK) {
		rc = nl_copy_run(c);
		fe_progress_end(&f.acts.prog);
		nl_copy_get_stats(c, &st);
		if (rc < 0) {
			fe_error(argv[argc - 1], "%s", nl_copy_error(c));
			status = rc == -ELOOP || rc == -EINVAL || rc == -EXDEV ||
				 (mirror && (rc == -ENOENT || rc == -ENOTDIR)) ? FE_EXIT_USAGE
										 : FE_EXIT_PARTIAL;
		} else {
			if (!f.acts.json)
				drive_notes(&f, c, argv + optind, (size_t)(argc - 1 - optind));
			fe_actions_summary(&f.acts, &st);
			status = rc > 0 ? FE_EXIT_PARTIAL : fe_exit_status();
		}
		nl_copy_free(&c);
	}
	status = fe_emit_close(&f.em, status);
	free_patterns(&excl);
	free_patterns(&incl);
	return status;
}

const struct fe_command fe_cmd_copy = {
	.name = "copy",
	.summary = "Smart Copy: copy trees keeping hardlinks, junctions and symlinks",
	.run = fe_copy_run,
	.usage = usage,
};
