/* cmd_delorean.c: 'ntfslinks delorean': DeLorean Copy, timestamped backup sets of a folder in an image, each sharing unchanged files with the set before. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ntfslinks/delorean.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/unistr.h>

#include "commands.h"
#include "fe.h"
#include "fe_actions.h"

static const char *const cmd = "delorean";

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks delorean [OPTIONS] SOURCE BACKUPDIR\n"
		"\n"
		"DeLorean Copy, like Link Shell Extension's: keep timestamped backup sets\n"
		"of SOURCE in BACKUPDIR, a folder in an NTFS image (IMAGE:/path), a Linux\n"
		"folder or a folder on an ntfs-3g mount, one folder per run named\n"
		"'NAME YYYY-MM-DD HH-MM-SS' (NAME: SOURCE's name,\n"
		"the time in UTC). The first run Smart-Copies SOURCE into its set. Each\n"
		"later run hardlink-clones the newest complete set into a new one and\n"
		"mirrors SOURCE onto it: unchanged files stay hard links to the sets\n"
		"before, changed ones are replaced, deleted ones removed. Before anything\n"
		"is made, files that would pass 1023 names are listed and the run stops.\n"
		"A set is made as 'NAME STAMP.incomplete' and renamed once complete; the\n"
		"next run removes such a folder left by an interrupted run.\n"
		"SOURCE is an image folder, a Linux folder or an ntfs-3g mount, as for\n"
		"'copy'; it is never written.\n"
		"\n"
		"Outer links (pointing outside SOURCE):\n"
		"      --crop            leave them out and list them (default)\n"
		"      --splice          recreate them pointing at the original target\n"
		"      --unroll          copy what they point to in their place\n"
		"\n"
		"Options:\n"
		"      --name NAME       name the sets NAME instead of SOURCE's name\n"
		"      --time STAMP      the new set's time, 'YYYY-MM-DD HH-MM-SS' (UTC),\n"
		"                        instead of the clock\n"
		"  -n, --dry-run         list what would be done, write nothing\n"
		"      --drive X:        drive letter of the source volume (default:\n"
		"                        inferred from its links, as 'reparse' does)\n"
		"      --dest-drive X:   drive letter of the backup volume, written into\n"
		"                        absolute links (default: the source's)\n"
		"      --no-acl          do not copy security descriptors\n"
		"      --checksum        later runs: compare files of equal size and time\n"
		"                        byte for byte too (else they are unchanged)\n"
		"      --list            list every action (default: the steps and the\n"
		"                        notable actions)\n"
		"      --json            one JSON object per step and action, then a summary\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"Exit status: 0 the set was made, 1 some entries failed (listed; the set is\n"
		"made without them), files would pass 1023 names (listed; nothing made) or\n"
		"a step failed (the set stays incomplete), 2 misuse or SOURCE or BACKUPDIR\n"
		"could not be opened. See ntfslinks-delorean(1).\n");
}

enum { T_STEP, T_PATH, T_DRY_RUN, T_NCOLS };

static const struct nl_column step_cols[T_NCOLS] = {
	[T_STEP] = { "step", "STEP", 0, 10 },
	[T_PATH] = { "path", "PATH", NL_ROLE_NAME, 0 },
	[T_DRY_RUN] = { "dry_run", "DRY RUN", NL_COL_NO_TEXT, 0 },
};

struct delorean_fe {
	struct fe_actions acts;
	nl_emit *em;
	nl_table *tstep;
};

static int on_step(void *ctx, const struct nl_delorean_event *ev)
{
	struct delorean_fe *f = ctx;

	fe_progress_end(&f->acts.prog);
	nl_cell_str(f->tstep, T_STEP, nl_delorean_step_name(ev->step));
	nl_cell_str(f->tstep, T_PATH, ev->path);
	nl_cell_bool(f->tstep, T_DRY_RUN, ev->dry_run);
	nl_row_end(f->tstep);
	return 0;
}

/* "YYYY-MM-DD HH-MM-SS" (UTC) into seconds since 1970. */
static int64_t time_arg(const char *a)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(a, "%Y-%m-%d %H-%M-%S", &tm);
	if (!end || *end || strlen(a) != 19)
		fe_usage_error(cmd, "--time wants 'YYYY-MM-DD HH-MM-SS', not '%s'", a);
	return (int64_t)timegm(&tm);
}

enum {
	OPT_CROP = 256, OPT_SPLICE, OPT_UNROLL, OPT_NAME, OPT_TIME, OPT_DRIVE, OPT_DEST_DRIVE,
	OPT_NO_ACL, OPT_LIST, OPT_JSON, OPT_CHECKSUM,
};

static const struct option longopts[] = {
	{ "crop", no_argument, NULL, OPT_CROP },
	{ "splice", no_argument, NULL, OPT_SPLICE },
	{ "unroll", no_argument, NULL, OPT_UNROLL },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "dest-drive", required_argument, NULL, OPT_DEST_DRIVE },
	{ "no-acl", no_argument, NULL, OPT_NO_ACL },
	{ "checksum", no_argument, NULL, OPT_CHECKSUM },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },	/* the global option, after the command */
	{ NULL, 0, NULL, 0 }
};

/* The command line into @o and @f; misuse exits 2. */
static void parse_args(int argc, char **argv, struct nl_delorean_options *o,
		       struct delorean_fe *f)
{
	int ch, policies = 0;

	while ((ch = getopt_long(argc, argv, "nhv", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_CROP: o->copy.outer = NL_COPY_CROP; policies++; break;
		case OPT_SPLICE: o->copy.outer = NL_COPY_SPLICE; policies++; break;
		case OPT_UNROLL: o->copy.outer = NL_COPY_UNROLL; policies++; break;
		case OPT_NAME: o->name = optarg; break;
		case OPT_TIME: o->when = time_arg(optarg); break;
		case 'n': o->copy.dry_run = f->acts.dry_run = true; break;
		case OPT_DRIVE: o->copy.src_drive = fe_drive_arg(cmd, "--drive", optarg); break;
		case OPT_DEST_DRIVE: o->copy.dest_drive = fe_drive_arg(cmd, "--dest-drive", optarg); break;
		case OPT_NO_ACL: o->copy.no_acl = true; break;
		case OPT_CHECKSUM: o->copy.checksum = true; break;
		case OPT_LIST: f->acts.list = true; break;
		case OPT_JSON: f->acts.json = true; break;
		case 'h': usage(stdout); exit(FE_EXIT_OK);
		case 'v': fe_more_verbose(); break;
		default: fe_bad_option(cmd, argv);
		}
	}
	if (policies > 1)
		fe_usage_error(cmd, "--crop, --splice and --unroll exclude each other");
	if (argc - optind != 2)
		fe_usage_error(cmd, argc - optind < 2 ? "a source and a backup folder are needed"
						      : "one source and one backup folder");
	o->copy.on_action = fe_actions_on_action;
	o->copy.action_ctx = &f->acts;
	o->copy.progress = fe_actions_on_progress;
	o->copy.progress_ctx = &f->acts;
	o->on_step = on_step;
	o->step_ctx = f;
}

/* The listing on stdout: JSON or text. */
static int open_listing(struct delorean_fe *f)
{
	if (nl_emit_open(f->acts.json ? NL_EMIT_JSON : NL_EMIT_TEXT, stdout, NULL, &f->em) ||
	    nl_emit_table(f->em, "step", step_cols, T_NCOLS, NL_TABLE_LINES, &f->tstep)) {
		fe_error(NULL, "out of memory");
		return -ENOMEM;
	}
	return fe_actions_open(&f->acts, f->em);
}

/* The exit status of a run that ended with @rc. */
static int run_status(nl_delorean *d, int rc, const char *backupdir)
{
	if (rc > 0)
		return FE_EXIT_PARTIAL;
	if (rc == 0)
		return fe_exit_status();
	fe_error(backupdir, "%s", nl_delorean_error(d));
	return rc == -EINVAL || rc == -ENXIO || rc == -EBUSY ? FE_EXIT_USAGE : FE_EXIT_PARTIAL;
}

static int run(int argc, char **argv)
{
	struct nl_delorean_options o;
	struct delorean_fe f;
	nl_delorean *d = NULL;
	int rc, status;

	memset(&f, 0, sizeof(f));
	nl_delorean_options_init(&o);
	parse_args(argc, argv, &o, &f);
	f.acts.cmd = FE_COPY_CMD_DELOREAN;
	fe_progress_init(&f.acts.prog, "backing up", "items");
	rc = nl_delorean_new(&o, argv[optind], argv[optind + 1], &d);
	if (rc) {
		fe_error(argv[optind + 1], "%s", d && *nl_delorean_error(d) ? nl_delorean_error(d)
									   : strerror(-rc));
		nl_delorean_free(&d);
		return FE_EXIT_USAGE;
	}
	if (open_listing(&f) < 0) {
		nl_delorean_free(&d);
		return FE_EXIT_USAGE;
	}
	rc = nl_delorean_run(d);
	fe_progress_end(&f.acts.prog);
	status = run_status(d, rc, argv[optind + 1]);
	if (rc >= 0) {
		struct nl_copy_stats st;

		nl_delorean_get_stats(d, &st);
		fe_actions_delorean_summary(&f.acts, &st, nl_delorean_set(d), nl_delorean_newest(d));
	}
	nl_delorean_free(&d);
	return fe_emit_close(&f.em, status);
}

const struct fe_command fe_cmd_delorean = {
	.name = "delorean",
	.summary = "DeLorean Copy: timestamped backup sets sharing unchanged files",
	.run = run,
	.usage = usage,
};
