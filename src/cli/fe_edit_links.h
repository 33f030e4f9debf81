/* fe_edit_links.h: what junction, symlink, mountpoint and retarget share: --drive, the volume's drive letter (given, or inferred by one scan as the audit infers it), and making one link. */
#ifndef NTFSLINKS_FE_EDIT_LINKS_H
#define NTFSLINKS_FE_EDIT_LINKS_H

#include <ntfslinks/edit.h>
#include <ntfslinks/reparse.h>

#include "fe_edit.h"

/* The help line of --drive (ends with a newline). */
#define FE_DRIVE_HELP \
	"      --drive X:        this volume's drive letter, for targets on it\n" \
	"                        (default: inferred from its links, as 'reparse'\n" \
	"                        does; C: when they tell nothing)\n"

/* Read the image of @ep with one scan, before it is opened for editing:
 * its drive letter (DRIVE, or 0: inferred) and, when UNDER, the links in
 * the folder @ep names and below. Returns 0, or prints why and returns
 * FE_EXIT_USAGE (the image cannot be read) or FE_EXIT_PARTIAL (no such
 * folder). */
int fe_links_read(const struct fe_endpoint *ep, bool under, char drive,
		  struct nl_edit_links **out);

/* Does the target TEXT need this volume's drive letter: a path on this
 * volume (/x), or a drive path whose letter may be this volume's? */
bool fe_target_needs_drive(const char *text);

/* Parse TEXT as the target of a link of KIND; on failure prints
 * "ntfslinks: 'TEXT': reason" and returns FE_EXIT_PARTIAL, else 0. */
int fe_target_parse(enum nl_link_kind kind, const char *text, char drive, struct nl_target *t);

/* The junction, symlink and mountpoint commands: parse ARGV (options, then
 * IMAGE:/path TARGET) and make the link. Returns the exit status. */
int fe_make_link_main(enum nl_link_kind kind, int argc, char **argv, void (*usage)(FILE *out));

#endif
