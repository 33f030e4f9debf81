/* cmd_junction.c: 'ntfslinks junction': make a directory junction inside an image, as mklink /J does. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "fe_edit.h"
#include "fe_edit_links.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks junction [OPTIONS] IMAGE:/path TARGET\n"
		"\n"
		"Make the folder PATH a directory junction to TARGET, laid out as mklink /J\n"
		"writes it. TARGET is C:\\x, \\??\\C:\\x, Volume{GUID}\\x, or /x: a path on\n"
		"this volume, written with its drive letter. A target on this volume that\n"
		"does not exist is reported as a warning; the junction is made.\n"
		"\n"
		"Options:\n"
		FE_DRIVE_HELP
		"%s"
		"\n"
		"See ntfslinks-edit(1).\n", fe_edit_common_help);
}

static int run(int argc, char **argv)
{
	return fe_make_link_main(NL_LINK_JUNCTION, argc, argv, usage);
}

const struct fe_command fe_cmd_junction = {
	.name = "junction",
	.summary = "make a directory junction inside an image",
	.run = run,
	.usage = usage,
};
