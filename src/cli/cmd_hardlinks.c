/* cmd_hardlinks.c: 'ntfslinks hardlinks': every hardlink group with its names, saturation with --under. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/analysis.h>

#include "commands.h"
#include "fe.h"
#include "fe_audit.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks hardlinks [OPTIONS] IMAGE\n"
		"\n"
		"List every file with more than one name (hardlink group): its MFT\n"
		"record, sequence number, and all its names with their 8.3 DOS alias.\n"
		"DOS names are aliases, never siblings.  Groups are ordered by their\n"
		"first path, names by path.\n"
		"\n"
		"Options:\n"
		"      --under DIR       only groups with a name under DIR; mark each\n"
		"                        saturated (all names under DIR) or not, with the\n"
		"                        number of names inside and the total\n"
		"      --deleted         also list records not in use that still hold names\n"
		FE_AUDIT_FORMAT_HELP FE_AUDIT_TABLE_HELP FE_AUDIT_PATHS_HELP FE_AUDIT_VOLUME_HELP
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-audit(1).\n");
}

static int run(int argc, char **argv)
{
	struct fe_audit a;

	fe_audit_parse(&a, &fe_cmd_hardlinks,
		       FE_A_FORMATS | FE_A_PATHS | FE_A_DELETED | FE_A_VOLUME | FE_A_UNDER,
		       argc, argv, 1, 1);
	fe_audit_scan(&a);
	fe_audit_anchor(&a);
	fe_audit_emit_open(&a);
	fe_audit_hardlinks(&a, true);
	return fe_audit_exit(&a);
}

static const struct fe_listing *const listings[] = {
	&fe_listing_hardlink, &fe_listing_hardlink_group, NULL
};

const struct fe_command fe_cmd_hardlinks = {
	.name = "hardlinks",
	.summary = "list every hardlink group (files with several names)",
	.run = run,
	.usage = usage,
	.listings = listings,
};
