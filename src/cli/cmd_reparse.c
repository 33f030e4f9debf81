/* cmd_reparse.c: 'ntfslinks reparse': the forensic listing of reparse points, classified against a folder. */
#include "config.h"

#include <stdlib.h>

#include <ntfslinks/ntfslinks.h>

#include "commands.h"
#include "fe.h"
#include "fe_audit.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks reparse [OPTIONS] IMAGE\n"
		"\n"
		"List every reparse point (like 'dir /AL /S' and 'fsutil reparsepoint\n"
		"query' together): its path, tag and tag name, the substitute and print\n"
		"names, the target, and for junctions, mount points and symbolic links\n"
		"its class: inner (target under the anchor folder), outer (elsewhere on\n"
		"this volume), other-volume, dangling (nothing there) or loop.\n"
		"\n"
		"Options:\n"
		"      --under DIR       the anchor folder (default the root): list only\n"
		"                        the reparse points under DIR, classified against it\n"
		"      --class CLASS     only links of CLASS: inner, outer, other-volume,\n"
		"                        dangling, loop (or unknown)\n"
		"      --tag NAME        only this kind: junction, mount_point, symlink,\n"
		"                        wsl_symlink, wof, dedup, cloud, appexeclink, ...,\n"
		"                        unknown, or a tag value like 0xa0000003\n"
		"      --deleted         also list records not in use\n"
		FE_AUDIT_FORMAT_HELP FE_AUDIT_TABLE_HELP FE_AUDIT_PATHS_HELP FE_AUDIT_VOLUME_HELP
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-audit(1).\n");
}

static int run(int argc, char **argv)
{
	struct fe_audit a;

	fe_audit_parse(&a, &fe_cmd_reparse,
		       FE_A_FORMATS | FE_A_PATHS | FE_A_DELETED | FE_A_VOLUME | FE_A_UNDER |
		       FE_A_CLASS | FE_A_TAG, argc, argv, 1, 1);
	fe_audit_reparse_check(&a);
	fe_audit_scan(&a);
	fe_audit_anchor(&a);
	fe_audit_analyse(&a);
	fe_audit_emit_open(&a);
	fe_audit_reparse(&a, true);
	return fe_audit_exit(&a);
}

static const struct fe_listing *const listings[] = { &fe_listing_reparse, NULL };

const struct fe_command fe_cmd_reparse = {
	.name = "reparse",
	.summary = "list reparse points with decoded targets and link classes",
	.run = run,
	.usage = usage,
	.listings = listings,
};
