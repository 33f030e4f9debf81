/* cmd_truesize.c: 'ntfslinks truesize': bytes under a folder counting each hardlinked file once. */
#include "config.h"

#include <errno.h>
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
		"Usage: ntfslinks truesize [OPTIONS] IMAGE DIR\n"
		"\n"
		"Add up the bytes used under DIR counting each hardlinked file once (the\n"
		"true size), next to the naive sum that counts it once per name, both for\n"
		"the logical size of all data streams and for the clusters allocated,\n"
		"and the bytes that deleting DIR would free (the files all of whose\n"
		"names are under it).  Reparse points are not followed.\n"
		"\n"
		"Options:\n"
		"      --json            JSON Lines: one object\n"
		"      --csv             CSV (RFC 4180) with a header row\n"
		FE_AUDIT_TABLE_HELP FE_AUDIT_PATHS_HELP FE_AUDIT_VOLUME_HELP
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-audit(1).\n");
}

enum { T_PATH, T_NAMES, T_FILES, T_DIRS, T_HARDLINKED, T_NAIVE, T_TRUE, T_SAVED,
       T_NAIVE_ALLOC, T_TRUE_ALLOC, T_FREED, T_FREED_ALLOC, T_NCOLS };

static const struct nl_column cols[T_NCOLS] = {
	[T_PATH] = { "path", "Folder", 0, 0 },
	[T_NAMES] = { "name_count", "Names", NL_COL_RIGHT, 0 },
	[T_FILES] = { "files", "Files", NL_COL_RIGHT, 0 },
	[T_DIRS] = { "directories", "Directories", NL_COL_RIGHT, 0 },
	[T_HARDLINKED] = { "hardlinked", "Hardlinked files", NL_COL_RIGHT, 0 },
	[T_NAIVE] = { "naive_bytes", "Naive bytes", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[T_TRUE] = { "true_bytes", "True bytes", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[T_SAVED] = { "saved_bytes", "Saved by hardlinks", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[T_NAIVE_ALLOC] = { "naive_alloc", "Naive allocated", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[T_TRUE_ALLOC] = { "true_alloc", "True allocated", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[T_FREED] = { "freed_bytes", "Freed by deleting", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[T_FREED_ALLOC] = { "freed_alloc", "Freed allocated", NL_COL_RIGHT | NL_COL_BYTES, 0 },
};

static int run(int argc, char **argv)
{
	struct nl_truesize ts;
	struct fe_audit a;
	uint64_t dir;
	const char *p;
	nl_table *t;
	int rc;

	fe_audit_parse(&a, &fe_cmd_truesize, FE_A_JSON | FE_A_CSV | FE_A_PATHS | FE_A_VOLUME,
		       argc, argv, 2, 2);
	fe_audit_scan(&a);
	if (fe_audit_resolve(&a, a.pos[1], &dir) < 0) {
		fe_audit_close(&a);
		return FE_EXIT_PARTIAL;
	}
	rc = nl_truesize(a.model, dir, &ts);
	if (rc < 0) {
		fe_error(a.image, "'%s': %s", a.pos[1],
			 rc == -ENOTDIR ? "not a directory" : strerror(-rc));
		fe_audit_close(&a);
		return rc == -ENOMEM ? FE_EXIT_USAGE : FE_EXIT_PARTIAL;
	}
	fe_audit_emit_open(&a);
	t = fe_audit_table(&a, "truesize", cols, T_NCOLS,
			   a.format == FE_FMT_CSV ? 0 : NL_TABLE_SUMMARY);
	p = fe_audit_record_path(&a, dir, NULL, NULL);
	if (p)
		nl_cell_str(t, T_PATH, fe_audit_display(&a, p, a.windows_paths ? fe_audit_drive(&a) : 0));
	nl_cell_uint(t, T_NAMES, ts.names);
	nl_cell_uint(t, T_FILES, ts.files);
	nl_cell_uint(t, T_DIRS, ts.dirs);
	nl_cell_uint(t, T_HARDLINKED, ts.hardlinked);
	nl_cell_uint(t, T_NAIVE, ts.naive_bytes);
	nl_cell_uint(t, T_TRUE, ts.true_bytes);
	nl_cell_uint(t, T_SAVED, ts.naive_bytes - ts.true_bytes);
	nl_cell_uint(t, T_NAIVE_ALLOC, ts.naive_alloc);
	nl_cell_uint(t, T_TRUE_ALLOC, ts.true_alloc);
	nl_cell_uint(t, T_FREED, ts.freed_bytes);
	nl_cell_uint(t, T_FREED_ALLOC, ts.freed_alloc);
	fe_audit_row_end(&a, t);
	return fe_audit_exit(&a);
}

static const struct fe_listing listing_truesize = { "truesize", cols, T_NCOLS };
static const struct fe_listing *const listings[] = { &listing_truesize, NULL };

const struct fe_command fe_cmd_truesize = {
	.name = "truesize",
	.summary = "bytes under a folder counting hardlinked files once",
	.run = run,
	.usage = usage,
	.listings = listings,
};
