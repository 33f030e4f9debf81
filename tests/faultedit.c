/* faultedit.c: test driver: an edit command of the program (ln, rm, move, junction, symlink, mountpoint, retarget), its own code, run with a write fault injected at the device under libntfs-3g (writer_int.h: nl_w_fault_inject). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fe.h"
#include "writer/writer_int.h"

/*
 * Usage: faultedit N ERR KIND CAP COMMAND [ARGS...]
 * Runs 'ntfslinks COMMAND ARGS...' with the Nth write that reaches an image
 * failing with ERR (ENOSPC or EIO; N 0: no fault) as KIND says: "sticky"
 * (that write and every later one), "once" (that write only) or "full"
 * (later writes fail unless they rewrite what was written: a full file
 * system); CAP, when not 0, is the number of 4 KiB blocks of changes the
 * writer may hold (nl_w_dev_hold_cap). The command writes what it always
 * writes; then a last line on standard error:
 *   faultedit: status S writes W
 * (S: the command's exit status; W: the writes that reached or would have
 * reached the image). Exits with S, 2 on misuse.
 */
static const struct fe_command *const commands[] = {
	&fe_cmd_ln, &fe_cmd_rm, &fe_cmd_move, &fe_cmd_junction, &fe_cmd_symlink,
	&fe_cmd_mountpoint, &fe_cmd_retarget,
};

int main(int argc, char **argv)
{
	const struct fe_command *c = NULL;
	enum nl_w_fault_kind kind;
	unsigned long nth;
	int err, status;

	if (argc < 6) {
		fprintf(stderr, "usage: faultedit N ENOSPC|EIO sticky|once|full CAP COMMAND [ARGS...]\n");
		return 2;
	}
	nth = strtoul(argv[1], NULL, 10);
	if (!strcmp(argv[2], "ENOSPC"))
		err = ENOSPC;
	else if (!strcmp(argv[2], "EIO"))
		err = EIO;
	else
		return 2;
	if (!strcmp(argv[3], "sticky"))
		kind = NL_W_FAULT_STICKY;
	else if (!strcmp(argv[3], "once"))
		kind = NL_W_FAULT_ONCE;
	else if (!strcmp(argv[3], "full"))
		kind = NL_W_FAULT_FULL;
	else
		return 2;
	if (strtoul(argv[4], NULL, 10))
		nl_w_dev_hold_cap = (unsigned)strtoul(argv[4], NULL, 10);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i]->name, argv[5]))
			c = commands[i];
	if (!c)
		return 2;
	fe_ntfs_logging_init();
	nl_w_fault_inject(nth, err);
	nl_w_fault_set_kind(kind);
	status = c->run(argc - 5, argv + 5);
	fflush(stdout);
	fprintf(stderr, "faultedit: status %d writes %lu\n", status, nl_w_fault_writes());
	return status;
}
