/* commands.h: the table of ntfslinks subcommands; one source file per command. */
#ifndef NTFSLINKS_COMMANDS_H
#define NTFSLINKS_COMMANDS_H

#include <stdio.h>

struct fe_listing;

struct fe_command {
	const char *name;
	const char *summary;		/* one line for 'ntfslinks --help' */
	int (*run)(int argc, char **argv);	/* argv[0] is the command name; returns the exit status */
	void (*usage)(FILE *out);	/* full help of the command */
	const struct fe_listing *const *listings; /* the tables -o chooses columns of
						     (NULL-terminated; NULL: none) */
};

/* Each cmd_*.c defines one of these. Add new ones to the table in ntfslinks.c. */
extern const struct fe_command fe_cmd_scan;
extern const struct fe_command fe_cmd_siblings;
extern const struct fe_command fe_cmd_hardlinks;
extern const struct fe_command fe_cmd_reparse;
extern const struct fe_command fe_cmd_truesize;
extern const struct fe_command fe_cmd_info;
extern const struct fe_command fe_cmd_partitions;
extern const struct fe_command fe_cmd_copy;
extern const struct fe_command fe_cmd_ln;
extern const struct fe_command fe_cmd_rm;
extern const struct fe_command fe_cmd_move;
extern const struct fe_command fe_cmd_junction;
extern const struct fe_command fe_cmd_symlink;
extern const struct fe_command fe_cmd_mountpoint;
extern const struct fe_command fe_cmd_retarget;
extern const struct fe_command fe_cmd_mkimage;
extern const struct fe_command fe_cmd_diff;
extern const struct fe_command fe_cmd_ls;
extern const struct fe_command fe_cmd_clone;
extern const struct fe_command fe_cmd_delorean;
extern const struct fe_command fe_cmd_mirror;

/* The copy front end (cmd_copy.c), also run as 'clone' (argv[0]) by cmd_clone.c
 * and as 'mirror' by cmd_mirror.c. */
int fe_copy_run(int argc, char **argv);

#endif
