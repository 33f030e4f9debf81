/* cmd_mountpoint.c: 'ntfslinks mountpoint': make a volume mount point inside an image, as mountvol does. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "fe_edit.h"
#include "fe_edit_links.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks mountpoint [OPTIONS] IMAGE:/path VOLUME{GUID}\n"
		"\n"
		"Make the folder PATH a mount point of the volume Volume{GUID}\\ (also given\n"
		"as \\\\?\\Volume{GUID}\\ or {GUID}), laid out as mountvol writes it: the\n"
		"substitute name \\??\\Volume{GUID}\\ and an empty print name.\n"
		"\n"
		"Options:\n"
		"%s"
		"\n"
		"See ntfslinks-edit(1).\n", fe_edit_common_help);
}

static int run(int argc, char **argv)
{
	return fe_make_link_main(NL_LINK_MOUNT_POINT, argc, argv, usage);
}

const struct fe_command fe_cmd_mountpoint = {
	.name = "mountpoint",
	.summary = "make a volume mount point inside an image",
	.run = run,
	.usage = usage,
};
