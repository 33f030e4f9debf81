/* cmd_siblings.c: 'ntfslinks siblings': all names of one file, like 'fsutil hardlink list'. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/record.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/emit.h>

#include "commands.h"
#include "fe.h"
#include "fe_audit.h"

#define HIDE (NL_COL_NO_TEXT | NL_COL_NO_JSON | NL_COL_NO_CSV)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks siblings [OPTIONS] IMAGE PATH|#MFT\n"
		"\n"
		"List all names (hardlinks) of the file at PATH inside IMAGE, or of MFT\n"
		"record number MFT, like 'fsutil hardlink list'.  PATH uses '/' or '\\',\n"
		"may start with a drive (C:\\...), and is looked up case-insensitively.\n"
		"An 8.3 DOS name is shown as the alias of its long name, not as a sibling.\n"
		"\n"
		"Options:\n"
		"      --deleted         also find records not in use\n"
		FE_AUDIT_FORMAT_HELP FE_AUDIT_TABLE_HELP FE_AUDIT_PATHS_HELP FE_AUDIT_VOLUME_HELP
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-audit(1).\n");
}

enum { C_MFT, C_SEQ, C_NAMESPACE, C_PATH, C_DOS, C_DELETED, C_MODE, C_SIZE,
       C_CRTIME, C_MTIME, C_CTIME, C_ATIME, C_NCOLS };

static const struct nl_column cols_def[C_NCOLS] = {
	[C_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_ROLE_INODE, 0 },
	[C_SEQ] = { "seq", "SEQ", NL_COL_RIGHT | NL_ROLE_SEQ, 0 },
	[C_NAMESPACE] = { "namespace", "NAMESPACE", 0, 0 },
	[C_PATH] = { "path", "PATH", NL_COL_TRUNC | NL_ROLE_NAME, 0 },
	[C_DOS] = { "dos_alias", "DOS", 0, 0 },
	[C_DELETED] = { "deleted", "DELETED", NL_ROLE_DELETED, 0 },
	[C_MODE] = { "mode", "MODE", HIDE | NL_ROLE_MODE, 0 },
	[C_SIZE] = { "size", "SIZE", HIDE | NL_ROLE_SIZE, 0 },
	[C_CRTIME] = { "crtime", "CRTIME", HIDE | NL_ROLE_CRTIME, 0 },
	[C_MTIME] = { "mtime", "MTIME", HIDE | NL_ROLE_MTIME, 0 },
	[C_CTIME] = { "ctime", "CTIME", HIDE | NL_ROLE_CTIME, 0 },
	[C_ATIME] = { "atime", "ATIME", HIDE | NL_ROLE_ATIME, 0 },
};

static int run(int argc, char **argv)
{
	struct nl_column cols[C_NCOLS];
	nl_rows *rows;
	struct nl_record_info ri;
	struct fe_audit a;
	struct nl_name nm;
	uint64_t mft, nc = 0;
	char drive;
	nl_table *t;

	fe_audit_parse(&a, &fe_cmd_siblings,
		       FE_A_FORMATS | FE_A_PATHS | FE_A_DELETED | FE_A_VOLUME, argc, argv, 2, 2);
	fe_audit_scan(&a);
	if (fe_audit_resolve(&a, a.pos[1], &mft) < 0 || nl_model_record(a.model, mft, &ri) < 0) {
		fe_audit_close(&a);
		return FE_EXIT_PARTIAL;
	}
	rows = fe_rows_new(0);
	while (nl_model_name_next(a.model, mft, 0, &nc, &nm) == 0)
		fe_rows_add(&a, rows, &nm, 0);
	fe_rows_sort(rows);
	drive = a.windows_paths ? fe_audit_drive(&a) : 0;
	memcpy(cols, cols_def, sizeof(cols));
	if (!a.deleted)
		cols[C_DELETED].flags = HIDE;
	fe_audit_emit_open(&a);
	t = fe_audit_table(&a, "name", cols, C_NCOLS, 0);
	for (size_t i = 0; i < nl_rows_count(rows); i++) {
		const struct nl_path_key *r = nl_rows_at(rows, i);

		if (nl_model_name_get(a.model, r->name_id, &nm) < 0)
			continue;
		nl_cell_uint(t, C_MFT, mft);
		nl_cell_uint(t, C_SEQ, ri.seq);
		nl_cell_str(t, C_NAMESPACE, fe_namespace_name(nm.name_space));
		nl_cell_str(t, C_PATH, fe_audit_display(&a, fe_key_path(&a, r), drive));
		if (nm.dos_alias)
			nl_cell_strn(t, C_DOS, nm.dos_alias, nm.dos_len);
		if (a.deleted)
			nl_cell_bool(t, C_DELETED, (ri.flags & NL_REC_DELETED) != 0);
		if (a.format == FE_FMT_BODYFILE) {
			nl_cell_str(t, C_MODE, fe_body_mode(&ri));
			nl_cell_uint(t, C_SIZE, ri.data_size);
			fe_audit_times(&a, t, C_CRTIME, mft);
		}
		fe_audit_row_end(&a, t);
	}
	nl_rows_free(&rows);
	return fe_audit_exit(&a);
}

static const struct fe_listing listing_name = { "name", cols_def, C_NCOLS };
static const struct fe_listing *const listings[] = { &listing_name, NULL };

const struct fe_command fe_cmd_siblings = {
	.name = "siblings",
	.summary = "list all names of one file (its hardlinks)",
	.run = run,
	.usage = usage,
	.listings = listings,
};
