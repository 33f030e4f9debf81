/* cmd_diff.c: 'ntfslinks diff': compare two trees by names, hardlink groups, links and (--content) contents. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/diff.h>
#include <ntfslinks/emit.h>

#include "commands.h"
#include "fe.h"
#include "progress.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks diff [OPTIONS] A B\n"
		"\n"
		"Compare two trees: which names exist, which names share a file (hardlink\n"
		"groups, relative to each root), the type of every entry, and where each\n"
		"junction and symbolic link leads relative to each root; with --content\n"
		"also the data streams byte for byte, times, attributes, DOS names and\n"
		"security descriptors. Use it to check a copy, a mirror or a backup set.\n"
		"\n"
		"A and B are each IMAGE:/path (a folder inside an NTFS image or block\n"
		"device; IMAGE@N:/path for partition N), IMAGE (its root), or a directory,\n"
		"plain Linux or on an ntfs-3g mount. Both are only read.\n"
		"\n"
		"Options:\n"
		"      --content         compare contents, times, attributes, DOS names and\n"
		"                        security descriptors too\n"
		"      --drive X:        drive letter of both volumes for absolute link\n"
		"                        targets (default: inferred for each, as 'reparse'\n"
		"                        does)\n"
		"  -q, --quiet           print nothing; only the exit status tells\n"
		"      --json            JSON Lines: one object per difference, then a summary\n"
		"      --csv             CSV (RFC 4180) with a header row, no summary\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"Exit status: 0 the trees are equal, 1 they differ, 2 misuse, a tree could\n"
		"not be opened, or an entry could not be read. See ntfslinks-diff(1).\n");
}

enum { C_WHAT, C_PATH, C_A, C_B, C_DETAIL, C_NCOLS };

static const struct nl_column diff_cols[C_NCOLS] = {
	[C_WHAT] = { "what", "WHAT", 0, 10 },
	[C_PATH] = { "path", "PATH", NL_ROLE_NAME, 0 },
	[C_A] = { "a", "A", 0, 0 },
	[C_B] = { "b", "B", 0, 0 },
	[C_DETAIL] = { "detail", "DETAIL", 0, 0 },
};

enum { S_A, S_B, S_COMPARED, S_DIFFERENCES, S_ERRORS, S_BYTES, S_EQUAL, S_LINE, S_NCOLS };

static const struct nl_column sum_cols[S_NCOLS] = {
	[S_A] = { "entries_a", NULL, NL_COL_NO_TEXT, 0 },
	[S_B] = { "entries_b", NULL, NL_COL_NO_TEXT, 0 },
	[S_COMPARED] = { "compared", NULL, NL_COL_NO_TEXT, 0 },
	[S_DIFFERENCES] = { "differences", NULL, NL_COL_NO_TEXT, 0 },
	[S_ERRORS] = { "errors", NULL, NL_COL_NO_TEXT, 0 },
	[S_BYTES] = { "bytes_compared", NULL, NL_COL_NO_TEXT, 0 },
	[S_EQUAL] = { "equal", NULL, NL_COL_NO_TEXT, 0 },
	[S_LINE] = { "line", NULL, NL_COL_NO_JSON | NL_COL_NO_CSV, 0 },
};

struct diff_fe {
	int format;		/* NL_EMIT_TEXT, JSON or CSV */
	bool quiet;
	const char *spec[2];
	nl_emit *em;
	nl_table *tdiff, *tsum;
	struct fe_progress prog;
};

static void on_diff(void *ctx, const struct nl_diff_event *ev)
{
	struct diff_fe *f = ctx;
	nl_table *t = f->tdiff;

	fe_progress_end(&f->prog);
	if (ev->what == NL_DIFF_ERROR) {
		const char *spec = f->spec[ev->a ? 0 : 1];
		char *p = NULL;

		if (asprintf(&p, "%s%s%s", spec, strcmp(ev->path, ".") ? "/" : "",
			     strcmp(ev->path, ".") ? ev->path : "") < 0)
			p = NULL;
		fe_error(p ? p : spec, "%s", ev->detail ? ev->detail : "cannot read");
		free(p);
		if (f->format == NL_EMIT_TEXT)
			return;
	}
	if (f->quiet)
		return;
	nl_cell_str(t, C_WHAT, nl_diff_what_name(ev->what));
	nl_cell_str(t, C_PATH, ev->path);
	nl_cell_str(t, C_A, ev->a);
	nl_cell_str(t, C_B, ev->b);
	nl_cell_str(t, C_DETAIL, ev->detail);
	nl_row_end(t);
}

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct diff_fe *f = ctx;

	return fe_progress_cb(&f->prog, done, total);
}

static void summary(struct diff_fe *f, const struct nl_diff_stats *st)
{
	uint64_t diffs = 0, errors = st->counts[NL_DIFF_ERROR];
	nl_table *t = f->tsum;
	char line[256];

	for (int w = 0; w < NL_DIFF__COUNT; w++)
		if (w != NL_DIFF_ERROR)
			diffs += st->counts[w];
	nl_cell_uint(t, S_A, st->entries_a);
	nl_cell_uint(t, S_B, st->entries_b);
	nl_cell_uint(t, S_COMPARED, st->compared);
	nl_cell_uint(t, S_DIFFERENCES, diffs);
	nl_cell_uint(t, S_ERRORS, errors);
	nl_cell_uint(t, S_BYTES, st->bytes_compared);
	nl_cell_bool(t, S_EQUAL, !diffs && !errors);
	snprintf(line, sizeof(line), "%s: %llu %s in A, %llu in B, %llu compared, %llu %s, "
		 "%llu %s",
		 !diffs && !errors ? "equal" : "different",
		 (unsigned long long)st->entries_a, st->entries_a == 1 ? "entry" : "entries",
		 (unsigned long long)st->entries_b, (unsigned long long)st->compared,
		 (unsigned long long)diffs, diffs == 1 ? "difference" : "differences",
		 (unsigned long long)errors, errors == 1 ? "error" : "errors");
	nl_cell_str(t, S_LINE, line);
	nl_row_end(t);
}

enum { OPT_CONTENT = 256, OPT_DRIVE, OPT_JSON, OPT_CSV };

static const struct option longopts[] = {
	{ "content", no_argument, NULL, OPT_CONTENT },
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },	/* the global option, after the command */
	{ NULL, 0, NULL, 0 }
};

static void parse_args(int argc, char **argv, struct nl_diff_options *o, struct diff_fe *f)
{
	int ch, formats = 0;

	while ((ch = getopt_long(argc, argv, "qhv", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_CONTENT: o->content = true; break;
		case OPT_DRIVE: o->drive = fe_drive_arg("diff", "--drive", optarg); break;
		case 'q': f->quiet = true; break;
		case OPT_JSON: f->format = NL_EMIT_JSON; formats++; break;
		case OPT_CSV: f->format = NL_EMIT_CSV; formats++; break;
		case 'h':
			usage(stdout);
			exit(FE_EXIT_OK);
		case 'v': fe_more_verbose(); break;
		default:
			fe_bad_option("diff", argv);
		}
	}
	if (formats > 1)
		fe_usage_error("diff", "--json and --csv exclude each other");
	if (argc - optind != 2)
		fe_usage_error("diff", argc - optind < 2 ? "two trees are needed: A B" :
			       "only two trees are compared");
	f->spec[0] = argv[optind];
	f->spec[1] = argv[optind + 1];
	o->on_diff = on_diff;
	o->ctx = f;
	o->progress = on_progress;
	o->progress_ctx = f;
}

static int open_listing(struct diff_fe *f)
{
	if (f->quiet)
		return 0;
	if (nl_emit_open(f->format, stdout, NULL, &f->em) ||
	    nl_emit_table(f->em, "difference", diff_cols, C_NCOLS,
			  f->format == NL_EMIT_CSV ? NL_TABLE_CSV_HEADER : 0, &f->tdiff) ||
	    nl_emit_table(f->em, "summary", sum_cols, S_NCOLS,
			  NL_TABLE_SUMMARY | NL_TABLE_LINES, &f->tsum)) {
		fe_error(NULL, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* The comparison of the two trees; misuse and open failures return 2. */
static int compare(struct diff_fe *f, const struct nl_diff_options *o)
{
	struct nl_diff_stats st;
	nl_diff *d = NULL;
	int rc = nl_diff_new(o, &d);

	if (rc) {
		fe_error(NULL, "%s", strerror(-rc));
		return FE_EXIT_USAGE;
	}
	for (int i = 0; i < 2; i++) {
		rc = nl_diff_add_tree(d, f->spec[i]);
		if (rc) {
			fe_error(f->spec[i], "%s", nl_diff_error(d));
			nl_diff_free(&d);
			return FE_EXIT_USAGE;
		}
	}
	if (open_listing(f)) {
		nl_diff_free(&d);
		return FE_EXIT_USAGE;
	}
	rc = nl_diff_run(d);
	fe_progress_end(&f->prog);
	nl_diff_get_stats(d, &st);
	if (rc < 0)
		fe_error(NULL, "%s", nl_diff_error(d));
	else if (!f->quiet)
		summary(f, &st);
	nl_diff_free(&d);
	if (rc < 0 || st.counts[NL_DIFF_ERROR])
		return FE_EXIT_USAGE;
	return rc ? FE_EXIT_PARTIAL : FE_EXIT_OK;
}

static int run(int argc, char **argv)
{
	struct nl_diff_options o;
	struct diff_fe f;
	int status, rc;

	memset(&f, 0, sizeof(f));
	f.format = NL_EMIT_TEXT;
	nl_diff_options_init(&o);
	parse_args(argc, argv, &o, &f);
	fe_progress_init(&f.prog, "comparing", "entries");
	status = compare(&f, &o);
	rc = nl_emit_close(&f.em);
	if (rc < 0 && rc != -EPIPE) {
		fe_error(NULL, "write error on standard output: %s", strerror(-rc));
		status = FE_EXIT_USAGE;
	}
	return status;
}

const struct fe_command fe_cmd_diff = {
	.name = "diff",
	.summary = "compare two trees: names, hardlink groups, links, contents",
	.run = run,
	.usage = usage,
};
