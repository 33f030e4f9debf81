/* cmd_clone.c: 'ntfslinks clone': Hardlink Clone and Symbolic Clone, run by the copy front end with the clone options. */
#include "config.h"

#include <stdio.h>

#include "commands.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks clone [OPTIONS] SOURCE DEST\n"
		"\n"
		"Hardlink Clone: recreate the folder tree of SOURCE at DEST with every file\n"
		"a new hard link of the source file, like Link Shell Extension's Hardlink\n"
		"Clone. SOURCE and DEST must be on one volume: the same image (IMAGE:/path),\n"
		"or folders on one file system on the host (Linux, or an ntfs-3g mount;\n"
		"made with link(2)). Junctions and symbolic links inside SOURCE are\n"
		"recreated pointing inside DEST, outer ones by the policy, as 'copy' does.\n"
		"Before anything is written every file is checked against the limit of\n"
		"names (1023 on NTFS, else the file system's): those that would pass it\n"
		"are listed and nothing is done, unless --copy-over-limit.\n"
		"\n"
		"With --symbolic every file becomes a symbolic link to its source file\n"
		"(\\??\\X:\\path, X: the source volume's drive letter): DEST may then be\n"
		"in another image or on an ntfs-3g mount, SOURCE in an image or on an\n"
		"ntfs-3g mount.\n"
		"\n"
		"Outer links (pointing outside SOURCE):\n"
		"      --crop            leave them out and list them (default)\n"
		"      --splice          recreate them pointing at the original target\n"
		"      --unroll          clone what they point to in their place\n"
		"\n"
		"Options:\n"
		"      --symbolic        symbolic links to the source files instead of\n"
		"                        hard links\n"
		"      --copy-over-limit copy the files that would pass 1023 names\n"
		"      --into            clone the contents of SOURCE into DEST\n"
		"  -p, --parents         create the missing folders above DEST\n"
		"  -n, --dry-run         list what would be done, write nothing\n"
		"      --exclude PATTERN leave out files and folders matching PATTERN (glob,\n"
		"                        on the name or the path below the source); may be\n"
		"                        repeated; @FILE reads patterns from FILE\n"
		"      --include PATTERN clone only files matching PATTERN; as --exclude\n"
		"      --drive X:        drive letter of the source volume (default:\n"
		"                        inferred from its links, as 'reparse' does)\n"
		"      --dest-drive X:   drive letter written into rewritten absolute links\n"
		"      --no-acl          do not copy security descriptors of folders and links\n"
		"      --list            list every action (default: only the notable ones)\n"
		"      --json            one JSON object per action, then a summary\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"Exit status: 0 all cloned, 1 some entries failed or files would pass 1023\n"
		"names (listed; nothing written), 2 misuse, SOURCE or DEST could not be\n"
		"opened, or they are not on one volume (without --symbolic). See\n"
		"ntfslinks-clone(1).\n");
}

const struct fe_command fe_cmd_clone = {
	.name = "clone",
	.summary = "Hardlink Clone: the tree again, every file a new hard link",
	.run = fe_copy_run,
	.usage = usage,
};
