/* cmd_rm.c: 'ntfslinks rm': remove names, folders and trees inside an image, links removed as links and never followed; --links-only takes the reparse points off a tree. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <ntfslinks/edit.h>

#include "commands.h"
#include "fe.h"
#include "fe_edit.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks rm [OPTIONS] IMAGE:/path...\n"
		"       ntfslinks rm --links-only [OPTIONS] IMAGE:/folder...\n"
		"\n"
		"Remove names inside an NTFS image. A junction, symbolic link or mount\n"
		"point is removed as a link and never followed: what it points to is not\n"
		"touched. A file loses the name given; with its last name it is freed\n"
		"(record and clusters). A Win32 name and its DOS 8.3 alias go together.\n"
		"A folder must be empty unless -r. Each path is one operation, checked\n"
		"whole before anything is written.\n"
		"\n"
		"Options:\n"
		"  -r, --recursive       remove folders with everything in them; links\n"
		"                        inside are removed as links, never followed\n"
		"      --links-only      remove nothing but the reparse points of the\n"
		"                        junctions, symbolic links and mount points at and\n"
		"                        under each path (they become plain folders and\n"
		"                        files, as 'fsutil reparsepoint delete' leaves them)\n"
		"%s"
		"\n"
		"Exit status: 0 done, 1 some path refused or failed, 2 misuse or the image\n"
		"could not be opened for writing. See ntfslinks-edit(1).\n", fe_edit_common_help);
}

enum { OPT_LINKS_ONLY = FE_EDIT_OPT_FIRST_OWN };

static const struct option longopts[] = {
	FE_EDIT_LONGOPTS,
	{ "recursive", no_argument, NULL, 'r' },
	{ "links-only", no_argument, NULL, OPT_LINKS_ONLY },
	{ NULL, 0, NULL, 0 }
};

static int run(int argc, char **argv)
{
	struct fe_edit f = { .cmd = "rm" };
	struct fe_endpoint *ep;
	unsigned flags = 0;
	int ch, n, status;

	while ((ch = getopt_long(argc, argv, FE_EDIT_SHORTOPTS "r", longopts, NULL)) != -1) {
		if (fe_edit_option(&f, ch, usage))
			continue;
		if (ch == 'r')
			flags |= NL_EDIT_RECURSIVE;
		else if (ch == OPT_LINKS_ONLY)
			flags |= NL_EDIT_LINKS_ONLY;
		else
			fe_bad_option("rm", argv);
	}
	n = argc - optind;
	if (n < 1)
		fe_usage_error("rm", "no path given");
	if ((flags & NL_EDIT_RECURSIVE) && (flags & NL_EDIT_LINKS_ONLY))
		fe_usage_error("rm", "-r and --links-only exclude each other");
	ep = calloc((size_t)n, sizeof(*ep));
	if (!ep) {
		fe_error(NULL, "out of memory");
		return FE_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++)
		fe_endpoint_parse(&f, argv[optind + i], &ep[i]);
	fe_endpoints_one_image(&f, ep, (size_t)n);
	status = fe_edit_open(&f, ep[0].image);
	/* each path on its own: a refused one does not stop the others (one
	 * that fails midway drops everything: the rest are not tried) */
	for (int i = 0; i < n && status == FE_EXIT_OK; i++) {
		int rc = nl_edit_remove(f.e, ep[i].path, flags);

		if (rc == -ECANCELED)
			break;
		if (rc)
			fe_edit_failed(&f, ep[i].arg);
	}
	status = fe_edit_finish(&f, status);
	for (int i = 0; i < n; i++)
		fe_endpoint_free(&ep[i]);
	free(ep);
	return status;
}

const struct fe_command fe_cmd_rm = {
	.name = "rm",
	.summary = "remove names, folders and links inside an image (links never followed)",
	.run = run,
	.usage = usage,
};
