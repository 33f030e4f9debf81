/* cmd_symlink.c: 'ntfslinks symlink': make a symbolic link inside an image, as mklink does. */
#include "config.h"

#include <stdio.h>

#include "commands.h"
#include "fe_edit.h"
#include "fe_edit_links.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks symlink [OPTIONS] IMAGE:/path TARGET\n"
		"\n"
		"Make PATH a symbolic link to TARGET, laid out as mklink writes it. TARGET\n"
		"is ..\\x (relative to the link's folder), C:\\x, \\??\\C:\\x,\n"
		"\\\\server\\share\\x, Volume{GUID}\\x, or /x: a path on this volume, written\n"
		"with its drive letter. The link is a folder when its target on this\n"
		"volume is a folder, else a file, unless --dir or --file says otherwise. A\n"
		"target on this volume that does not exist is reported as a warning; the\n"
		"link is made.\n"
		"\n"
		"Options:\n"
		"      --dir             a folder symbolic link (mklink /D)\n"
		"      --file            a file symbolic link\n"
		"      --relative        write a target on this volume relative to the\n"
		"                        link's folder (..\\x)\n"
		FE_DRIVE_HELP
		"%s"
		"\n"
		"See ntfslinks-edit(1).\n", fe_edit_common_help);
}

static int run(int argc, char **argv)
{
	return fe_make_link_main(NL_LINK_SYMLINK, argc, argv, usage);
}

const struct fe_command fe_cmd_symlink = {
	.name = "symlink",
	.summary = "make a symbolic link inside an image",
	.run = run,
	.usage = usage,
};
