/* ntfslinks.c: the ntfslinks program: global options and dispatch to subcommands. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>

#include "commands.h"
#include "fe.h"

/* Keep in the order shown by --help. */
static const struct fe_command *const commands[] = {
	&fe_cmd_scan,
	&fe_cmd_siblings,
	&fe_cmd_hardlinks,
	&fe_cmd_reparse,
	&fe_cmd_truesize,
	&fe_cmd_info,
	&fe_cmd_partitions,
	&fe_cmd_copy,
	&fe_cmd_ln,
	&fe_cmd_rm,
	&fe_cmd_move,
	&fe_cmd_junction,
	&fe_cmd_symlink,
	&fe_cmd_mountpoint,
	&fe_cmd_retarget,
	&fe_cmd_mkimage,
	&fe_cmd_diff,
	&fe_cmd_ls,
	&fe_cmd_clone,
	&fe_cmd_delorean,
	&fe_cmd_mirror,
	NULL
};

static const struct fe_command *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Read NTFS volumes offline (image files, block devices, disk images,\n"
		"extracted $MFT files): list hardlink siblings and reparse points\n"
		"(junctions, symbolic links, mount points, every other tag), find the\n"
		"links that escape a folder, and copy trees keeping their links.\n"
		"\n"
		"Commands:\n", fe_progname);
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-11s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
		"  %-11s %s\n"
		"\n"
		"Options (before the command, or -v after it):\n"
		"  -v, --verbose   show libntfs-3g's own messages on stderr\n"
		"  -h, --help      display this help and exit\n"
		"  -V, --version   display version information and exit\n"
		"\n"
		"Run '%s help COMMAND' for the options of one command.\n"
		"Exit status: 0 all done, 1 some entries failed, 2 misuse or the volume\n"
		"could not be opened. See ntfslinks(1).\n",
		"help", "show the help of a command", fe_progname);
}

static int cmd_help(int argc, char **argv)
{
	const struct fe_command *c;

	if (argc < 2) {
		usage(stdout);
		return FE_EXIT_OK;
	}
	if (argc > 2)
		fe_usage_error(NULL, "help takes one command name");
	if (strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return FE_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		fe_usage_error(NULL, "unknown command '%s'", argv[1]);
	c->usage(stdout);
	return FE_EXIT_OK;
}

/* print_image_formats: the image formats this build reads, for --version. */
static void print_image_formats(void)
{
	static const enum nl_image_format all[] = {
		NL_FORMAT_RAW, NL_FORMAT_SPLIT, NL_FORMAT_EWF, NL_FORMAT_VHD, NL_FORMAT_VMDK,
		NL_FORMAT_QCOW,
	};
	const char *sep = "";

	printf("image formats:");
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (nl_image_format_supported(all[i])) {
			printf("%s %s", sep, nl_image_format_name(all[i]));
			sep = ",";
		}
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const struct fe_command *c;
	int ch;

	fe_close_stdout_atexit();
	opterr = 0;
	/* Stop at the first non-option: the rest belongs to the command. */
	while ((ch = getopt_long(argc, argv, "+hVv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return FE_EXIT_OK;
		case 'V':
			printf("%s %s (library %s)\n", PACKAGE_NAME, PACKAGE_VERSION,
			       nl_version());
			print_image_formats();
			return FE_EXIT_OK;
		case 'v':
			fe_more_verbose();
			break;
		default:
			fe_bad_option(NULL, argv);
		}
	}
	if (optind >= argc)
		fe_usage_error(NULL, "no command given");
	fe_ntfs_logging_init();
	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "help") == 0)
		return cmd_help(argc, argv);
	c = find_command(argv[0]);
	if (!c)
		fe_usage_error(NULL, "unknown command '%s'", argv[0]);
	optind = 0;	/* reset getopt for the command; opterr stays 0 */
	return c->run(argc, argv);
}
