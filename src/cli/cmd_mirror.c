/* cmd_mirror.c: 'ntfslinks mirror': Smart Mirror, run by the copy front end with the mirror option. */
#include "config.h"

#include <stdio.h>

#include "commands.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks mirror [OPTIONS] SOURCE DEST\n"
		"\n"
		"Smart Mirror: make the existing folder DEST hold what the folder SOURCE\n"
		"holds, like Link Shell Extension's Smart Mirror, writing only what differs:\n"
		"files that are new or differ in size or modification time (with\n"
		"--checksum: in contents) are copied, what is no longer in SOURCE is\n"
		"deleted, attributes, times and security descriptors are set in place.\n"
		"Hardlinked files stay hardlinked exactly as in SOURCE: a group that gained\n"
		"or lost names gains or loses them in DEST, and a name that left a group is\n"
		"made anew, never written through the file it shared. Junctions and\n"
		"symbolic links inside SOURCE point inside DEST; outer ones follow the\n"
		"policy, as 'copy' does. A second run with nothing changed in SOURCE\n"
		"writes nothing and says so.\n"
		"\n"
		"SOURCE and DEST are each IMAGE:/path, IMAGE (its root), or a directory,\n"
		"plain Linux or on an ntfs-3g mount. SOURCE is never written; nothing is\n"
		"written outside DEST.\n"
		"\n"
		"Outer links (pointing outside SOURCE):\n"
		"      --crop            leave them out (and delete them in DEST; default)\n"
		"      --splice          recreate them pointing at the original target\n"
		"      --unroll          copy what they point to in their place, recursively\n"
		"\n"
		"Options:\n"
		"      --checksum        compare the contents of files of the same size and\n"
		"                        time, byte for byte\n"
		"  -n, --dry-run         list what would be done, write nothing\n"
		"      --exclude PATTERN leave out files and folders matching PATTERN (glob,\n"
		"                        on the name or the path below SOURCE; DEST keeps\n"
		"                        them as they are); may be repeated; @FILE reads\n"
		"                        patterns from FILE\n"
		"      --include PATTERN mirror only files matching PATTERN; as --exclude\n"
		"      --drive X:        drive letter of the source volume (default:\n"
		"                        inferred from its links, as 'reparse' does)\n"
		"      --dest-drive X:   drive letter written into rewritten absolute links\n"
		"      --no-acl          do not copy security descriptors\n"
		"      --streams=MODE    named streams into a plain Linux folder: drop (warn,\n"
		"                        default) or xattr\n"
		"      --list            list every action (the default for a mirror)\n"
		"      --json            one JSON object per action, then a summary\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"Exit status: 0 DEST matches SOURCE (or would, with --dry-run), 1 some\n"
		"entries failed (listed), 2 misuse, SOURCE or DEST could not be opened, DEST\n"
		"does not exist, or one is inside the other. See ntfslinks-mirror(1).\n");
}

const struct fe_command fe_cmd_mirror = {
	.name = "mirror",
	.summary = "Smart Mirror: make a folder match another, writing only what differs",
	.run = fe_copy_run,
	.usage = usage,
};
