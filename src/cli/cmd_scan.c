/* cmd_scan.c: 'ntfslinks scan': the one-pass report: summary, every hardlink group, every reparse point. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/analysis.h>

#include "commands.h"
#include "fe.h"
#include "fe_audit.h"

#define HIDE (NL_COL_NO_TEXT | NL_COL_NO_JSON | NL_COL_NO_CSV)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks scan [OPTIONS] IMAGE\n"
		"\n"
		"Read the $MFT of IMAGE once and report: summary counts, the drive-letter\n"
		"assumption, every hardlink group (files with several names) and every\n"
		"reparse point (junctions, symbolic links, mount points, all other tags)\n"
		"with its decoded target and class.  IMAGE is an NTFS image or device, a\n"
		"partitioned disk image (IMAGE@N) or an extracted raw $MFT file.\n"
		"\n"
		"Options:\n"
		"      --deleted         also report records not in use that still hold\n"
		"                        names (flagged as deleted)\n"
		FE_AUDIT_FORMAT_HELP FE_AUDIT_TABLE_HELP FE_AUDIT_PATHS_HELP FE_AUDIT_VOLUME_HELP
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-audit(1).\n");
}

enum {
	S_IMAGE, S_KIND, S_PARTITION, S_OFFSET, S_VERSION, S_RECORD_SIZE, S_MFT_RECORDS,
	S_IN_USE, S_FILES, S_DIRS, S_NAMES, S_DOS, S_GROUPS, S_GROUP_NAMES, S_REPARSE,
	S_UNREADABLE, S_INNER, S_OUTER, S_OTHER, S_DANGLING, S_LOOP, S_UNKNOWN, S_NOT_LINKS,
	S_DRIVE, S_DRIVE_SRC, S_DRIVE_GIVEN, S_DRIVE_SUPPORT, S_DRIVE_TARGETS, S_DELETED,
	S_PROBLEMS, S_NCOLS
};

static const struct nl_column sum_cols[S_NCOLS] = {
	[S_IMAGE] = { "image", "Image", 0, 0 },
	[S_KIND] = { "input", "Input", 0, 0 },
	[S_PARTITION] = { "partition", "Partition", 0, 0 },
	[S_OFFSET] = { "offset", "Offset", 0, 0 },
	[S_VERSION] = { "ntfs_version", "NTFS version", 0, 0 },
	[S_RECORD_SIZE] = { "record_size", "Record size", 0, 0 },
	[S_MFT_RECORDS] = { "mft_records", "MFT records", 0, 0 },
	[S_IN_USE] = { "in_use", "In use", 0, 0 },
	[S_FILES] = { "files_and_directories", "Files and directories", 0, 0 },
	[S_DIRS] = { "directories", "Directories", 0, 0 },
	[S_NAMES] = { "name_count", "Names", 0, 0 },
	[S_DOS] = { "dos_names", "DOS names", 0, 0 },
	[S_GROUPS] = { "hardlink_groups", "Hardlink groups", 0, 0 },
	[S_GROUP_NAMES] = { "hardlink_names", "Names in them", 0, 0 },
	[S_REPARSE] = { "reparse_points", "Reparse points", 0, 0 },
	[S_UNREADABLE] = { "unreadable", "Unreadable", 0, 0 },
	[S_INNER] = { "inner", "Inner", 0, 0 },
	[S_OUTER] = { "outer", "Outer", 0, 0 },
	[S_OTHER] = { "other_volume", "Other volume", 0, 0 },
	[S_DANGLING] = { "dangling", "Dangling", 0, 0 },
	[S_LOOP] = { "loop", "Loop", 0, 0 },
	[S_UNKNOWN] = { "unknown", "Unknown", 0, 0 },
	[S_NOT_LINKS] = { "not_links", "Not links", 0, 0 },
	[S_DRIVE] = { "drive", "Drive", 0, 0 },
	[S_DRIVE_SRC] = { "drive_assumption", "Drive assumption", NL_COL_NO_JSON, 0 },
	[S_DRIVE_GIVEN] = { "drive_given", "Drive given", NL_COL_NO_TEXT, 0 },
	[S_DRIVE_SUPPORT] = { "drive_support", "Drive support", NL_COL_NO_TEXT, 0 },
	[S_DRIVE_TARGETS] = { "drive_targets", "Drive targets", NL_COL_NO_TEXT, 0 },
	[S_DELETED] = { "deleted", "Deleted records", 0, 0 },
	[S_PROBLEMS] = { "problems", "Problems", 0, 0 },
};

static void summary(struct fe_audit *a)
{
	struct nl_column cols[S_NCOLS];
	struct nl_volume_info vi;
	uint64_t counts[NL_CLASS_COUNT];
	char buf[160];
	nl_table *t;

	memcpy(cols, sum_cols, sizeof(cols));
	nl_volume_get_info(a->vol, &vi);
	if (!a->deleted)
		cols[S_DELETED].flags = HIDE;
	t = fe_audit_table(a, "summary", cols, S_NCOLS, NL_TABLE_SUMMARY);
	nl_cell_str(t, S_IMAGE, a->image);
	nl_cell_str(t, S_KIND, vi.kind == NL_VOLUME_RAW_MFT ? "raw-mft" : "ntfs");
	if (vi.partition)
		nl_cell_uint(t, S_PARTITION, vi.partition);
	nl_cell_uint(t, S_OFFSET, vi.offset);
	if (vi.major_ver || vi.minor_ver) {
		snprintf(buf, sizeof(buf), "%u.%u", vi.major_ver, vi.minor_ver);
		nl_cell_str(t, S_VERSION, buf);
	}
	nl_cell_uint(t, S_RECORD_SIZE, vi.record_size);
	nl_cell_uint(t, S_MFT_RECORDS, a->stats.mft_records);
	nl_cell_uint(t, S_IN_USE, a->stats.in_use);
	nl_cell_uint(t, S_FILES, a->stats.files);
	nl_cell_uint(t, S_DIRS, a->stats.directories);
	nl_cell_uint(t, S_NAMES, a->stats.names);
	nl_cell_uint(t, S_DOS, a->stats.dos_names);
	nl_cell_uint(t, S_GROUPS, a->stats.hardlink_groups);
	nl_cell_uint(t, S_GROUP_NAMES, a->stats.hardlink_names);
	nl_cell_uint(t, S_REPARSE, a->stats.reparse_points);
	nl_cell_uint(t, S_UNREADABLE, a->stats.reparse_unreadable);
	nl_analysis_counts(a->an, counts);
	nl_cell_uint(t, S_INNER, counts[NL_CLASS_INNER]);
	nl_cell_uint(t, S_OUTER, counts[NL_CLASS_OUTER]);
	nl_cell_uint(t, S_OTHER, counts[NL_CLASS_OTHER_VOLUME]);
	nl_cell_uint(t, S_DANGLING, counts[NL_CLASS_DANGLING]);
	nl_cell_uint(t, S_LOOP, counts[NL_CLASS_LOOP]);
	nl_cell_uint(t, S_UNKNOWN, counts[NL_CLASS_UNKNOWN]);
	nl_cell_uint(t, S_NOT_LINKS, counts[NL_CLASS_NONE]);
	fe_audit_fill_drive(a, t, S_DRIVE, S_DRIVE_SRC, S_DRIVE_GIVEN, S_DRIVE_SUPPORT,
			    S_DRIVE_TARGETS);
	if (a->deleted)
		nl_cell_uint(t, S_DELETED, a->stats.deleted);
	nl_cell_uint(t, S_PROBLEMS, a->problems);
	fe_audit_row_end(a, t);
}

enum { D_MFT, D_SEQ, D_PATH, D_DOS, D_DIR, D_DELETED, D_MODE, D_SIZE,
       D_CRTIME, D_MTIME, D_CTIME, D_ATIME, D_NCOLS };

static const struct nl_column del_cols[D_NCOLS] = {
	[D_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_ROLE_INODE, 0 },
	[D_SEQ] = { "seq", "SEQ", NL_COL_RIGHT | NL_ROLE_SEQ, 0 },
	[D_PATH] = { "path", "PATH", NL_COL_TRUNC | NL_ROLE_NAME, 0 },
	[D_DOS] = { "dos_alias", "DOS", 0, 0 },
	[D_DIR] = { "directory", "DIRECTORY", 0, 0 },
	/* for the bodyfile: every row here is a deleted name */
	[D_DELETED] = { "deleted", "DELETED", HIDE | NL_ROLE_DELETED, 0 },
	[D_MODE] = { "mode", "MODE", HIDE | NL_ROLE_MODE, 0 },
	[D_SIZE] = { "size", "SIZE", HIDE | NL_ROLE_SIZE, 0 },
	[D_CRTIME] = { "crtime", "CRTIME", HIDE | NL_ROLE_CRTIME, 0 },
	[D_MTIME] = { "mtime", "MTIME", HIDE | NL_ROLE_MTIME, 0 },
	[D_CTIME] = { "ctime", "CTIME", HIDE | NL_ROLE_CTIME, 0 },
	[D_ATIME] = { "atime", "ATIME", HIDE | NL_ROLE_ATIME, 0 },
};

/* Every name of every deleted record (kept with --deleted). */
static void deleted_names(struct fe_audit *a, char drive)
{
	nl_rows *rows = fe_rows_new(0);
	uint64_t cursor = 0, mft;
	nl_table *t;

	while (nl_model_next(a->model, NL_ITER_ONLY_DELETED, &cursor, &mft) == 0) {
		struct nl_name nm;
		uint64_t nc = 0;

		while (nl_model_name_next(a->model, mft, 0, &nc, &nm) == 0)
			fe_rows_add(a, rows, &nm, 0);
	}
	fe_rows_sort(rows);
	t = fe_audit_table(a, "deleted", del_cols, D_NCOLS, 0);
	for (size_t i = 0; i < nl_rows_count(rows); i++) {
		const struct nl_path_key *r = nl_rows_at(rows, i);
		struct nl_record_info ri;
		struct nl_name nm;

		if (nl_model_record(a->model, r->mft, &ri) < 0)
			continue;
		nl_cell_uint(t, D_MFT, r->mft);
		nl_cell_uint(t, D_SEQ, ri.seq);
		nl_cell_str(t, D_PATH, fe_audit_display(a, fe_key_path(a, r), drive));
		if (nl_model_name_get(a->model, r->name_id, &nm) == 0 && nm.dos_alias)
			nl_cell_strn(t, D_DOS, nm.dos_alias, nm.dos_len);
		nl_cell_bool(t, D_DIR, (ri.flags & NL_REC_DIRECTORY) != 0);
		if (a->format == FE_FMT_BODYFILE) {
			nl_cell_bool(t, D_DELETED, true);
			nl_cell_str(t, D_MODE, fe_body_mode(&ri));
			nl_cell_uint(t, D_SIZE, ri.data_size);
			fe_audit_times(a, t, D_CRTIME, r->mft);
		}
		fe_audit_row_end(a, t);
	}
	nl_rows_free(&rows);
}

static int run(int argc, char **argv)
{
	struct fe_audit a;
	char drive;

	fe_audit_parse(&a, &fe_cmd_scan,
		       FE_A_FORMATS | FE_A_PATHS | FE_A_DELETED | FE_A_VOLUME, argc, argv, 1, 1);
	fe_audit_scan(&a);
	fe_audit_anchor(&a);
	/* The analysis (and its index of every name) is needed first only for
	 * the text header or a drive letter; otherwise it comes after the
	 * hardlink groups, whose sort keys are freed by then: a lower peak. */
	if (a.format == FE_FMT_TEXT || a.windows_paths)
		fe_audit_analyse(&a);
	drive = a.windows_paths ? fe_audit_drive(&a) : 0;
	fe_audit_emit_open(&a);
	if (a.format == FE_FMT_TEXT)
		summary(&a);
	fe_audit_hardlinks(&a, false);
	fe_audit_analyse(&a);
	fe_audit_reparse(&a, false);
	if (a.deleted)
		deleted_names(&a, drive);
	if (a.format != FE_FMT_TEXT)
		summary(&a);
	return fe_audit_exit(&a);
}

static const struct fe_listing listing_deleted = { "deleted", del_cols, D_NCOLS };
static const struct fe_listing *const listings[] = {
	&fe_listing_hardlink, &fe_listing_hardlink_group, &fe_listing_reparse, &listing_deleted, NULL
};

const struct fe_command fe_cmd_scan = {
	.name = "scan",
	.summary = "report every hardlink group and reparse point of a volume",
	.run = run,
	.usage = usage,
	.listings = listings,
};
