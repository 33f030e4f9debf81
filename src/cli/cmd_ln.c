/* cmd_ln.c: 'ntfslinks ln': one more hard link (name) of a file inside an image, or several files into a folder. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/edit.h>

#include "commands.h"
#include "fe.h"
#include "fe_edit.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks ln [OPTIONS] IMAGE:/existing IMAGE:/new\n"
		"       ntfslinks ln [OPTIONS] IMAGE:/file... IMAGE:/folder/\n"
		"\n"
		"Give a file one more hard link (name) inside an NTFS image, like\n"
		"'fsutil hardlink create' or 'mklink /H': the new name shares the file's\n"
		"record, data and other names. With several files, or a last argument\n"
		"that is an existing folder (or ends in '/'), each file gets a name of its\n"
		"own name in that folder. Folders cannot be hard-linked. All paths are\n"
		"in one image (IMAGE@N:/path for partition N). Everything is checked\n"
		"before anything is written: a taken name, the limit of 1023 names of a\n"
		"file. No DOS 8.3 name is made for the new name.\n"
		"\n"
		"Options:\n"
		"      --auto-rename     a taken name becomes 'name - Hardlink.ext', then\n"
		"                        'name - Hardlink (2).ext' ..., as Explorer names them\n"
		"%s"
		"\n"
		"Exit status: 0 done, 1 refused or failed (the image is unchanged), 2\n"
		"misuse or the image could not be opened for writing. See\n"
		"ntfslinks-edit(1).\n", fe_edit_common_help);
}

enum { OPT_AUTO_RENAME = FE_EDIT_OPT_FIRST_OWN };

static const struct option longopts[] = {
	FE_EDIT_LONGOPTS,
	{ "auto-rename", no_argument, NULL, OPT_AUTO_RENAME },
	{ NULL, 0, NULL, 0 }
};

static int run(int argc, char **argv)
{
	struct fe_edit f = { .cmd = "ln" };
	struct fe_endpoint *ep;
	unsigned flags = 0;
	int ch, n, status, rc;
	const char **srcs;

	while ((ch = getopt_long(argc, argv, FE_EDIT_SHORTOPTS, longopts, NULL)) != -1) {
		if (fe_edit_option(&f, ch, usage))
			continue;
		if (ch == OPT_AUTO_RENAME)
			flags |= NL_EDIT_AUTO_RENAME;
		else
			fe_bad_option("ln", argv);
	}
	n = argc - optind;
	if (n < 2)
		fe_usage_error("ln", n ? "no new name given" : "no file given");
	ep = calloc((size_t)n, sizeof(*ep));
	srcs = calloc((size_t)n, sizeof(*srcs));
	if (!ep || !srcs) {
		fe_error(NULL, "out of memory");
		return FE_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		fe_endpoint_parse(&f, argv[optind + i], &ep[i]);
		srcs[i] = ep[i].path;
	}
	fe_endpoints_one_image(&f, ep, (size_t)n);
	status = fe_edit_open(&f, ep[0].image);
	if (status == FE_EXIT_OK) {
		const char *last = argv[argc - 1];

		if (n > 2 || last[strlen(last) - 1] == '/')
			rc = nl_edit_link_into(f.e, srcs, (size_t)n - 1, ep[n - 1].path, flags);
		else
			rc = nl_edit_link(f.e, ep[0].path, ep[1].path, flags);
		if (rc)
			fe_edit_failed(&f, last);
	}
	status = fe_edit_finish(&f, status);
	for (int i = 0; i < n; i++)
		fe_endpoint_free(&ep[i]);
	free(ep);
	free(srcs);
	return status;
}

const struct fe_command fe_cmd_ln = {
	.name = "ln",
	.summary = "give a file one more hard link inside an image",
	.run = run,
	.usage = usage,
};
