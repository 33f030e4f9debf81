/* cmd_copy.c: 'ntfslinks copy': Smart Copy of trees between NTFS images, directories and ntfs-3g mounts. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/copy.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/unistr.h>

#include "commands.h"
#include "fe.h"

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
		"the source's name (\"name - Copy\" on a clash). Sources are never written.\n"
		"\n"
		"Outer links (pointing outside the sources):\n"
		"      --crop            leave them out and list them (default)\n"
		"      --splice          recreate them pointing at the original target\n"
		"      --unroll          copy what they point to in their place, recursively\n"
		"\n"
		"Options:\n"
		"      --into            copy the contents of the sources into DEST\n"
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

struct copy_fe {
	bool json;
	bool list;
	bool dry_run;
	nl_emit *em;
	nl_table *tact, *tsum;
	struct fe_progress prog;
	bool prog_shown;
	double prog_last;
	double start;
};

enum { C_ACTION, C_KIND, C_SOURCE, C_DEST, C_TARGET, C_NEW_TARGET, C_REASON, C_BYTES, C_MFT };

static const struct nl_column act_cols[] = {
	{ "action", "ACTION", 0, 0 },
	{ "kind", "KIND", 0, 0 },
	{ "source", "SOURCE", NL_ROLE_NAME, 0 },
	{ "dest", "DEST", 0, 0 },
	{ "target", "TARGET", 0, 0 },
	{ "new_target", "NEW TARGET", 0, 0 },
	{ "reason", "REASON", 0, 0 },
	{ "bytes", "BYTES", NL_COL_RIGHT, 0 },
	{ "mft", "MFT", NL_COL_RIGHT, 0 },
};

static const struct nl_column sum_cols[] = {
	{ "copied", "Copied", 0, 0 },
	{ "folder", "Folders", 0, 0 },
	{ "hardlinked", "Hardlinked", 0, 0 },
	{ "junction", "Junctions", 0, 0 },
	{ "symlink", "Symlinks", 0, 0 },
	{ "cropped", "Cropped", 0, 0 },
	{ "spliced", "Spliced", 0, 0 },
	{ "unrolled", "Unrolled", 0, 0 },
	{ "dangling", "Dangling", 0, 0 },
	{ "loop", "Loops", 0, 0 },
	{ "excluded", "Excluded", 0, 0 },
	{ "warning", "Warnings", 0, 0 },
	{ "error", "Errors", 0, 0 },
	{ "bytes", "Bytes", 0, 0 },
	{ "items", "Items", 0, 0 },
	{ "dry_run", "Dry run", 0, 0 },
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress_clear(struct copy_fe *f)
{
	if (f->prog_shown)
		fputs("\r\033[K", stderr);
	f->prog_shown = false;
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

static bool notable(enum nl_copy_action a)
{
	switch (a) {
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

static void on_action(void *ctx, const struct nl_copy_event *ev)
{
	struct copy_fe *f = ctx;

	progress_clear(f);
	if (ev->action == NL_COPY_ACT_ERROR || ev->action == NL_COPY_ACT_WARNING) {
		char *s = esc(ev->source), *r = esc(ev->reason);

		if (ev->action == NL_COPY_ACT_ERROR)
			fe_warn_entry(s, "%s", r ? r : "failed");
		else
			fe_error(s, "warning: %s", r ? r : "");
		free(s);
		free(r);
	}
	if (f->json) {
		nl_table *t = f->tact;

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
		nl_row_end(t);
		return;
	}
	if (ev->action == NL_COPY_ACT_ERROR || ev->action == NL_COPY_ACT_WARNING)
		return;
	if (f->list || f->dry_run || notable(ev->action)) {
		char *s = esc(ev->source), *d = esc(ev->dest), *t = esc(ev->target);
		char *nt = esc(ev->new_target), *r = esc(ev->reason);

		printf("%-10s %-8s %s", nl_copy_action_name(ev->action),
		       nl_copy_kind_name(ev->kind), s ? s : "-");
		if (d)
			printf(" -> %s", d);
		if (t)
			printf(" [%s%s%s]", t, nt ? " => " : "", nt ? nt : "");
		if (r)
			printf(" (%s)", r);
		putchar('\n');
		free(s);
		free(d);
		free(t);
		free(nt);
		free(r);
	}
}

static void human_bytes(uint64_t b, char *buf, size_t n)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static int on_progress(void *ctx, const struct nl_copy_stats *st)
{
	struct copy_fe *f = ctx;
	double t, el, rate, eta;
	char done[32], total[32], rb[32];

	if (!f->prog.enabled)
		return 0;
	t = now_s();
	el = t - f->start;
	if (el < fe_progress_delay() || t - f->prog_last < 0.1)
		return 0;
	f->prog_last = t;
	f->prog_shown = true;
	rate = st->bytes_done / (el > 0 ? el : 1);
	eta = rate > 0 && st->bytes_total > st->bytes_done ?
	      (double)(st->bytes_total - st->bytes_done) / rate : 0;
	human_bytes(st->bytes_done, done, sizeof(done));
	human_bytes(st->bytes_total, total, sizeof(total));
	human_bytes((uint64_t)rate, rb, sizeof(rb));
	fprintf(stderr, "\rcopying: %llu/%llu items, %s/%s, %s/s, eta %.0fs \033[K",
		(unsigned long long)st->items_done, (unsigned long long)st->items_total,
		done, total, rb, eta);
	return 0;
}

/* Patterns from an argument: PATTERN, or @FILE with one pattern per line. */
static void add_patterns(const char ***v, size_t *n, const char *arg)
{
	if (arg[0] == '@') {
		FILE *fp = fopen(arg + 1, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;

		if (!fp)
			fe_usage_error("copy", "cannot read '%s': %s", arg + 1, strerror(errno));
		while ((len = getline(&line, &cap, fp)) >= 0) {
			while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = 0;
			if (!len || line[0] == '#')
				continue;
			*v = realloc(*v, (*n + 1) * sizeof(**v));
			if (!*v || !((*v)[*n] = strdup(line))) {
				fe_error(NULL, "out of memory");
				exit(FE_EXIT_USAGE);
			}
			(*n)++;
		}
		free(line);
		fclose(fp);
		return;
	}
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v || !((*v)[*n] = strdup(arg))) {
		fe_error(NULL, "out of memory");
		exit(FE_EXIT_USAGE);
	}
	(*n)++;
}

static char drive_arg(const char *opt, const char *a)
{
	if (((a[0] >= 'A' && a[0] <= 'Z') || (a[0] >= 'a' && a[0] <= 'z')) &&
	    (a[1] == 0 || (a[1] == ':' && a[2] == 0)))
		return (char)(a[0] & ~0x20);
	fe_usage_error("copy", "%s wants a drive letter like C:, not '%s'", opt, a);
}

/* The drive letter inferred for each source with drive-letter targets, as 'reparse' says it. */
static void drive_notes(nl_copy *c, char **srcs, size_t n)
{
	struct nl_drive_guess g;

	for (size_t i = 0; i < n; i++)
		if (nl_copy_source_drive(c, i, &g) == 0 && !g.given && g.drive && g.drive_targets)
			printf("drive      %s (%c: inferred: %llu of %llu drive-letter targets resolve "
			       "on this volume with it)\n", srcs[i], g.drive,
			       (unsigned long long)g.support, (unsigned long long)g.drive_targets);
}

static void summary(struct copy_fe *f, const struct nl_copy_stats *st)
{
	static const enum nl_copy_action order[] = {
		NL_COPY_ACT_COPIED, NL_COPY_ACT_FOLDER, NL_COPY_ACT_HARDLINKED,
		NL_COPY_ACT_JUNCTION, NL_COPY_ACT_SYMLINK, NL_COPY_ACT_CROPPED,
		NL_COPY_ACT_SPLICED, NL_COPY_ACT_UNROLLED, NL_COPY_ACT_DANGLING,
		NL_COPY_ACT_LOOP, NL_COPY_ACT_EXCLUDED, NL_COPY_ACT_WARNING, NL_COPY_ACT_ERROR,
	};

	if (f->json) {
		nl_table *t = f->tsum;
		size_t i;

		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			nl_cell_uint(t, i, st->actions[order[i]]);
		nl_cell_uint(t, i++, st->bytes_done);
		nl_cell_uint(t, i++, st->items_done);
		nl_cell_bool(t, i, f->dry_run);
		nl_row_end(t);
		return;
	}
	printf("%s%llu files copied (%llu bytes), %llu hardlinked, %llu folders, "
	       "%llu junctions, %llu symlinks; cropped %llu, spliced %llu, unrolled %llu, "
	       "dangling %llu, loops %llu, excluded %llu, warnings %llu, errors %llu\n",
	       f->dry_run ? "dry run: " : "",
	       (unsigned long long)st->actions[NL_COPY_ACT_COPIED],
	       (unsigned long long)(f->dry_run ? st->bytes_total : st->bytes_done),
	       (unsigned long long)st->actions[NL_COPY_ACT_HARDLINKED],
	       (unsigned long long)st->actions[NL_COPY_ACT_FOLDER],
	       (unsigned long long)st->actions[NL_COPY_ACT_JUNCTION],
	       (unsigned long long)st->actions[NL_COPY_ACT_SYMLINK],
	       (unsigned long long)st->actions[NL_COPY_ACT_CROPPED],
	       (unsigned long long)st->actions[NL_COPY_ACT_SPLICED],
	       (unsigned long long)st->actions[NL_COPY_ACT_UNROLLED],
	       (unsigned long long)st->actions[NL_COPY_ACT_DANGLING],
	       (unsigned long long)st->actions[NL_COPY_ACT_LOOP],
	       (unsigned long long)st->actions[NL_COPY_ACT_EXCLUDED],
	       (unsigned long long)st->actions[NL_COPY_ACT_WARNING],
	       (unsigned long long)st->actions[NL_COPY_ACT_ERROR]);
}

enum {
	OPT_CROP = 256, OPT_SPLICE, OPT_UNROLL, OPT_INTO, OPT_EXCLUDE, OPT_INCLUDE, OPT_DRIVE,
	OPT_DEST_DRIVE, OPT_NO_ACL, OPT_STREAMS, OPT_LIST, OPT_JSON,
};

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "crop", no_argument, NULL, OPT_CROP },
		{ "splice", no_argument, NULL, OPT_SPLICE },
		{ "unroll", no_argument, NULL, OPT_UNROLL },
		{ "into", no_argument, NULL, OPT_INTO },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "drive", required_argument, NULL, OPT_DRIVE },
		{ "dest-drive", required_argument, NULL, OPT_DEST_DRIVE },
		{ "no-acl", no_argument, NULL, OPT_NO_ACL },
		{ "streams", required_argument, NULL, OPT_STREAMS },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct nl_copy_options o;
	struct copy_fe f;
	struct nl_copy *c = NULL;
	struct nl_copy_stats st;
	const char **excl = NULL, **incl = NULL;
	size_t nex = 0, nin = 0;
	int ch, policies = 0, rc, status;

	memset(&f, 0, sizeof(f));
	nl_copy_options_init(&o);
	while ((ch = getopt_long(argc, argv, "nh", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_CROP:
			o.outer = NL_COPY_CROP;
			policies++;
			break;
		case OPT_SPLICE:
			o.outer = NL_COPY_SPLICE;
			policies++;
			break;
		case OPT_UNROLL:
			o.outer = NL_COPY_UNROLL;
			policies++;
			break;
		case OPT_INTO:
			o.into = true;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case OPT_EXCLUDE:
			add_patterns(&excl, &nex, optarg);
			break;
		case OPT_INCLUDE:
			add_patterns(&incl, &nin, optarg);
			break;
		case OPT_DRIVE:
			o.src_drive = drive_arg("--drive", optarg);
			break;
		case OPT_DEST_DRIVE:
			o.dest_drive = drive_arg("--dest-drive", optarg);
			break;
		case OPT_NO_ACL:
			o.no_acl = true;
			break;
		case OPT_STREAMS:
			if (!strcmp(optarg, "drop"))
				o.streams = NL_COPY_STREAMS_DROP;
			else if (!strcmp(optarg, "xattr"))
				o.streams = NL_COPY_STREAMS_XATTR;
			else
				fe_usage_error("copy", "--streams is drop or xattr, not '%s'", optarg);
			break;
		case OPT_LIST:
			f.list = true;
			break;
		case OPT_JSON:
			f.json = true;
			break;
		case 'h':
			usage(stdout);
			return FE_EXIT_OK;
		default:
			fe_bad_option("copy", argv);
		}
	}
	if (policies > 1)
		fe_usage_error("copy", "--crop, --splice and --unroll exclude each other");
	if (argc - optind < 2)
		fe_usage_error("copy", argc - optind ? "no destination given" : "no source given");
	o.exclude = excl;
	o.n_exclude = nex;
	o.include = incl;
	o.n_include = nin;
	o.on_action = on_action;
	o.action_ctx = &f;
	o.progress = on_progress;
	o.progress_ctx = &f;
	f.dry_run = o.dry_run;
	fe_progress_init(&f.prog, "copying", "items");
	f.start = now_s();

	rc = nl_copy_new(&o, &c);
	if (rc) {
		fe_error(NULL, "%s", strerror(-rc));
		return FE_EXIT_USAGE;
	}
	for (int i = optind; i < argc - 1; i++) {
		rc = nl_copy_add_source(c, argv[i]);
		if (rc) {
			fe_error(argv[i], "%s", nl_copy_error(c));
			nl_copy_free(&c);
			return FE_EXIT_USAGE;
		}
	}
	rc = nl_copy_set_dest(c, argv[argc - 1]);
	if (rc) {
		fe_error(argv[argc - 1], "%s", nl_copy_error(c));
		nl_copy_free(&c);
		return FE_EXIT_USAGE;
	}
	if (f.json) {
		if (nl_emit_open(NL_EMIT_JSON, stdout, NULL, &f.em) ||
		    nl_emit_table(f.em, "action", act_cols, sizeof(act_cols) / sizeof(act_cols[0]),
				  0, &f.tact) ||
		    nl_emit_table(f.em, "summary", sum_cols, sizeof(sum_cols) / sizeof(sum_cols[0]),
				  NL_TABLE_SUMMARY, &f.tsum)) {
			fe_error(NULL, "out of memory");
			nl_copy_free(&c);
			return FE_EXIT_USAGE;
		}
	}
	rc = nl_copy_run(c);
	progress_clear(&f);
	nl_copy_get_stats(c, &st);
	if (rc < 0) {
		fe_error(argv[argc - 1], "%s", nl_copy_error(c));
		status = rc == -ELOOP || rc == -EINVAL ? FE_EXIT_USAGE : FE_EXIT_PARTIAL;
	} else {
		if (!f.json)
			drive_notes(c, argv + optind, (size_t)(argc - 1 - optind));
		summary(&f, &st);
		status = rc > 0 ? FE_EXIT_PARTIAL : fe_exit_status();
	}
	nl_copy_free(&c);
	if (f.em && nl_emit_close(&f.em)) {
		fe_error(NULL, "write error on standard output");
		status = FE_EXIT_PARTIAL;
	}
	for (size_t i = 0; i < nex; i++)
		free((char *)excl[i]);
	for (size_t i = 0; i < nin; i++)
		free((char *)incl[i]);
	free(excl);
	free(incl);
	if (status == FE_EXIT_OK && fe_had_errors)
		status = FE_EXIT_PARTIAL;
	return status;
}

const struct fe_command fe_cmd_copy = {
	.name = "copy",
	.summary = "Smart Copy: copy trees keeping hardlinks, junctions and symlinks",
	.run = run,
	.usage = usage,
};
