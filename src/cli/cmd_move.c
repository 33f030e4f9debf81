/* cmd_move.c: 'ntfslinks move': Smart Move inside an image: rename or move a file or folder and give every link that pointed into it the target of the same object. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <ntfslinks/edit.h>

#include "commands.h"
#include "fe.h"
#include "fe_edit.h"
#include "fe_edit_links.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks move [OPTIONS] IMAGE:/from IMAGE:/to\n"
		"\n"
		"Smart Move inside one NTFS image, as Link Shell Extension does it: rename\n"
		"or move a file or folder (into TO when TO is an existing folder), then\n"
		"rewrite every junction and symbolic link anywhere on the volume whose\n"
		"target lies in the moved tree so that it still points at the same object:\n"
		"absolute targets stay absolute in the same form, relative ones are\n"
		"recomputed for links inside and outside the tree. The links are found by\n"
		"one scan of the volume before it is opened for writing; everything is\n"
		"checked before the first write, and undone if a rewrite fails.\n"
		"\n"
		"Options:\n"
		FE_DRIVE_HELP
		"      --guid {GUID}     this volume's GUID: targets \\??\\Volume{GUID}\\... into\n"
		"                        the moved tree are rewritten too (the image does\n"
		"                        not hold it: Windows' mount manager keeps it)\n"
		"%s"
		"\n"
		"Exit status: 0 done, 1 refused or failed (the image is unchanged), 2\n"
		"misuse or the image could not be opened for writing. See\n"
		"ntfslinks-edit(1).\n", fe_edit_common_help);
}

enum { OPT_DRIVE = FE_EDIT_OPT_FIRST_OWN, OPT_GUID };

static const struct option longopts[] = {
	FE_EDIT_LONGOPTS,
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "guid", required_argument, NULL, OPT_GUID },
	{ NULL, 0, NULL, 0 }
};

static int run(int argc, char **argv)
{
	struct fe_edit f = { .cmd = "move" };
	struct fe_endpoint ep[2];
	struct nl_edit_links *links = NULL;
	const char *guid = NULL;
	char drive = 0;
	int ch, status;

	while ((ch = getopt_long(argc, argv, FE_EDIT_SHORTOPTS, longopts, NULL)) != -1) {
		if (fe_edit_option(&f, ch, usage))
			continue;
		if (ch == OPT_DRIVE)
			drive = fe_drive_arg("move", "--drive", optarg);
		else if (ch == OPT_GUID)
			guid = optarg;
		else
			fe_bad_option("move", argv);
	}
	if (guid && !nl_guid_valid(guid))
		fe_usage_error("move", "--guid wants {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, not '%s'",
			       guid);
	if (argc - optind != 2)
		fe_usage_error("move", argc - optind < 2 ? "move takes IMAGE:/from and IMAGE:/to" :
			       "move takes one IMAGE:/from and one IMAGE:/to");
	fe_endpoint_parse(&f, argv[optind], &ep[0]);
	fe_endpoint_parse(&f, argv[optind + 1], &ep[1]);
	fe_endpoints_one_image(&f, ep, 2);
	/* every link of the volume, by one scan, before it is opened for writing */
	status = fe_links_read(&(struct fe_endpoint){ .image = ep[0].image, .path = (char *)"/",
						      .arg = ep[0].arg }, true, drive, &links);
	if (status == FE_EXIT_OK && guid)
		snprintf(links->guid, sizeof(links->guid), "%s", guid);
	if (status == FE_EXIT_OK)
		status = fe_edit_open(&f, ep[0].image);
	if (status == FE_EXIT_OK && nl_edit_move(f.e, ep[0].path, ep[1].path, links))
		fe_edit_failed(&f, ep[0].arg);
	status = fe_edit_finish(&f, status);
	nl_edit_links_free(&links);
	fe_endpoint_free(&ep[0]);
	fe_endpoint_free(&ep[1]);
	return status;
}

const struct fe_command fe_cmd_move = {
	.name = "move",
	.summary = "Smart Move: move inside an image and retarget the links into it",
	.run = run,
	.usage = usage,
};
