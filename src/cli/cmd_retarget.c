/* cmd_retarget.c: 'ntfslinks retarget': give a junction, symbolic link or mount point a new target in place, or rewrite the targets of every link under a folder (--map, --to-guid, --relative). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>

#include "commands.h"
#include "fe.h"
#include "fe_edit.h"
#include "fe_edit_links.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks retarget [OPTIONS] IMAGE:/link NEWTARGET\n"
		"       ntfslinks retarget [OPTIONS] --map OLD=NEW|--to-guid|--relative\n"
		"                          --under IMAGE:/folder\n"
		"\n"
		"Point an existing junction, symbolic link or mount point at NEWTARGET in\n"
		"place: its record, names, times and security stay as they were. NEWTARGET\n"
		"takes the forms of 'junction' and 'symlink'. With --under, rewrite the\n"
		"target of every link in the folder and below it that the rule applies to.\n"
		"\n"
		"Options:\n"
		"      --map OLD=NEW     a target that is OLD or lies under it gets NEW in its\n"
		"                        place (D:\\Data=E:\\Data; names compared as Windows\n"
		"                        compares them, whole names only)\n"
		"      --to-guid         targets with this volume's drive letter get the form\n"
		"                        \\??\\Volume{GUID}\\... (needs --guid)\n"
		"      --relative        absolute targets on this volume of symbolic links\n"
		"                        become relative to the link's folder (with\n"
		"                        NEWTARGET: write it relative)\n"
		"      --under IMAGE:/folder  the links to rewrite: those in the folder and\n"
		"                        below it\n"
		"      --guid {GUID}     this volume's GUID (the image does not hold it:\n"
		"                        Windows' mount manager keeps it in the registry)\n"
		FE_DRIVE_HELP
		"%s"
		"\n"
		"See ntfslinks-edit(1).\n", fe_edit_common_help);
}

enum { OPT_DRIVE = FE_EDIT_OPT_FIRST_OWN, OPT_MAP, OPT_TO_GUID, OPT_RELATIVE, OPT_UNDER, OPT_GUID };

static const struct option longopts[] = {
	FE_EDIT_LONGOPTS,
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "to-guid", no_argument, NULL, OPT_TO_GUID },
	{ "relative", no_argument, NULL, OPT_RELATIVE },
	{ "under", required_argument, NULL, OPT_UNDER },
	{ "guid", required_argument, NULL, OPT_GUID },
	{ NULL, 0, NULL, 0 },
};

struct rt_args {
	char drive;
	const char *map, *under, *guid;
	bool to_guid, relative;
};

/* The rule of the bulk form; misuse exits 2, a bad target returns FE_EXIT_PARTIAL. */
static int make_rule(struct fe_edit *f, const struct rt_args *a, char drive,
		     struct nl_retarget_rule *r)
{
	int status;

	memset(r, 0, sizeof(*r));
	r->drive = drive;
	r->guid = a->guid;
	if (a->to_guid) {
		r->how = NL_RETARGET_TO_GUID;
		return FE_EXIT_OK;
	}
	if (a->relative) {
		r->how = NL_RETARGET_RELATIVE;
		return FE_EXIT_OK;
	}
	r->how = NL_RETARGET_MAP;
	{
		const char *eq = strchr(a->map, '=');
		char *old;

		if (!eq || eq == a->map || !eq[1])
			fe_usage_error(f->cmd, "--map wants OLD=NEW, not '%s'", a->map);
		old = strndup(a->map, (size_t)(eq - a->map));
		if (!old) {
			fe_error(NULL, "out of memory");
			return FE_EXIT_USAGE;
		}
		status = fe_target_parse(NL_LINK_SYMLINK, old, drive, &r->from);
		free(old);
		if (!status)
			status = fe_target_parse(NL_LINK_SYMLINK, eq + 1, drive, &r->to);
	}
	return status;
}

/* The bulk form: one scan, then each link the rule applies to, in path order. */
static int bulk(struct fe_edit *f, const struct rt_args *a)
{
	struct fe_endpoint ep;
	struct nl_edit_links *l = NULL;
	struct nl_retarget_rule r = { 0 };
	int status;

	fe_endpoint_parse(f, a->under, &ep);
	status = fe_links_read(&ep, true, a->drive, &l);
	if (!status)
		status = make_rule(f, a, l->drive, &r);
	if (!status)
		status = fe_edit_open(f, ep.image);
	for (size_t i = 0; !status && i < l->n; i++) {
		struct nl_target t;
		int rc = nl_retarget_rule_apply(&r, &l->v[i], &t);

		if (rc < 0) {
			fe_error(NULL, "out of memory");
			status = FE_EXIT_USAGE;
		} else if (rc == 1) {
			/* one that fails midway drops everything: the rest are not tried */
			rc = nl_edit_retarget_ref(f->e, l->v[i].ref, l->v[i].path, &t);
			nl_target_clear(&t);
			if (rc == -ECANCELED)
				break;
			if (rc)
				fe_edit_failed(f, l->v[i].path);
		}
	}
	nl_target_clear(&r.from);
	nl_target_clear(&r.to);
	nl_edit_links_free(&l);
	fe_endpoint_free(&ep);
	return status;
}

/* NEWTARGET written relative to the folder of the link at @path. */
static int relative_to_link(struct fe_edit *f, struct nl_target *t, char drive, const char *path)
{
	struct nl_target rel;
	char *dir = NULL, *slash;
	int rc;

	if (nl_path_resolve("/", path, &dir, NULL)) {
		fe_error(NULL, "out of memory");
		return FE_EXIT_USAGE;
	}
	slash = strrchr(dir, '/');
	slash[slash == dir ? 1 : 0] = '\0';
	rc = nl_target_to_relative(t, drive, NULL, dir, &rel);
	free(dir);
	if (rc == 0)
		fe_usage_error(f->cmd, "--relative: the target is not on this volume (drive %c:)", drive);
	if (rc < 0) {
		fe_error(NULL, "out of memory");
		return FE_EXIT_USAGE;
	}
	nl_target_clear(t);
	*t = rel;
	return FE_EXIT_OK;
}

/* The single form: one link, one new target. */
static int single(struct fe_edit *f, const struct rt_args *a, const char *link, const char *text)
{
	struct fe_endpoint ep;
	struct nl_edit_links *l = NULL;
	struct nl_target t;
	char drive = a->drive;
	int status = FE_EXIT_OK;

	fe_endpoint_parse(f, link, &ep);
	if (!drive && (a->relative || fe_target_needs_drive(text))) {
		status = fe_links_read(&ep, false, 0, &l);
		if (!status)
			drive = l->drive;
		nl_edit_links_free(&l);
	}
	/* the link's own kind is checked when it is read: parse with the widest */
	if (!status)
		status = fe_target_parse(NL_LINK_SYMLINK, text, drive, &t);
	if (!status) {
		if (a->relative && t.kind != NL_TGT_RELATIVE)
			status = relative_to_link(f, &t, drive, ep.path);
		if (!status)
			status = fe_edit_open(f, ep.image);
		if (!status && nl_edit_retarget(f->e, ep.path, &t)) {
			fe_edit_failed(f, ep.arg);
			status = FE_EXIT_PARTIAL;
		}
		nl_target_clear(&t);
	}
	fe_endpoint_free(&ep);
	return status;
}

static int run(int argc, char **argv)
{
	struct fe_edit f = { .cmd = "retarget" };
	struct rt_args a = { 0 };
	int ch, rules, status;

	while ((ch = getopt_long(argc, argv, FE_EDIT_SHORTOPTS, longopts, NULL)) != -1) {
		if (fe_edit_option(&f, ch, usage))
			continue;
		switch (ch) {
		case OPT_DRIVE: a.drive = fe_drive_arg(f.cmd, "--drive", optarg); break;
		case OPT_MAP: a.map = optarg; break;
		case OPT_TO_GUID: a.to_guid = true; break;
		case OPT_RELATIVE: a.relative = true; break;
		case OPT_UNDER: a.under = optarg; break;
		case OPT_GUID: a.guid = optarg; break;
		default: fe_bad_option(f.cmd, argv);
		}
	}
	if (a.guid && !nl_guid_valid(a.guid))
		fe_usage_error(f.cmd, "--guid wants {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, not '%s'",
			       a.guid);
	rules = (a.map != NULL) + a.to_guid + a.relative;
	if (a.under) {
		if (argc != optind)
			fe_usage_error(f.cmd, "--under takes no other IMAGE:/link or target");
		if (rules != 1)
			fe_usage_error(f.cmd, "--under needs one of --map, --to-guid and --relative");
		if (a.to_guid && !a.guid)
			fe_usage_error(f.cmd, "--to-guid needs --guid: an image does not hold its "
				       "volume's GUID (Windows' mount manager keeps it in the registry)");
		status = bulk(&f, &a);
	} else {
		if (a.map || a.to_guid)
			fe_usage_error(f.cmd, "--map and --to-guid work over a folder: give --under");
		if (argc - optind != 2)
			fe_usage_error(f.cmd, "expected IMAGE:/link and a new target");
		status = single(&f, &a, argv[optind], argv[optind + 1]);
	}
	return fe_edit_finish(&f, status);
}

const struct fe_command fe_cmd_retarget = {
	.name = "retarget",
	.summary = "give junctions, symbolic links and mount points new targets",
	.run = run,
	.usage = usage,
};
