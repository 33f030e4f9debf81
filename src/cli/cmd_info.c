/* cmd_info.c: 'ntfslinks info': everything about one name: record, siblings, attributes, times, reparse data. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/record.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/ondisk.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/analysis.h>

#include "commands.h"
#include "fe.h"
#include "fe_audit.h"

#define HIDE (NL_COL_NO_TEXT | NL_COL_NO_JSON | NL_COL_NO_CSV)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks info [OPTIONS] IMAGE PATH|#MFT\n"
		"\n"
		"Show everything about one file: record and sequence number, the header's\n"
		"link count (which counts DOS names too), every name (hardlink) with its\n"
		"8.3 DOS alias, file attributes, data and stream sizes, the four\n"
		"$STANDARD_INFORMATION times, security id, owner id and USN, its reparse\n"
		"point decoded and classified, a table of its $FILE_NAME attributes (name,\n"
		"name space, parent record and sequence, their own four times) and one of\n"
		"its data streams (name, size, allocated, resident, sparse, compressed,\n"
		"encrypted; the unnamed stream has the name \"\").\n"
		"\n"
		"Options:\n"
		"      --json            JSON Lines: one object\n"
		"      --deleted         also find records not in use\n"
		FE_AUDIT_TABLE_HELP FE_AUDIT_PATHS_HELP FE_AUDIT_VOLUME_HELP
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-audit(1).\n");
}

enum {
	I_PATH, I_MFT, I_SEQ, I_IN_USE, I_DIRECTORY, I_DELETED, I_ATTR_LIST, I_LINK_COUNT,
	I_NNAMES, I_NAMES, I_DOS, I_NAMESPACES, I_ATTRS, I_ATTR_NAMES, I_SIZE, I_ALLOC,
	I_STREAMS, I_STREAMS_SIZE, I_CRTIME, I_MTIME, I_CTIME, I_ATIME, I_SECURITY_ID,
	I_OWNER_ID, I_USN, I_TAG, I_TAG_NAME,
	I_SURROGATE, I_SUBST, I_PRINT, I_RELATIVE, I_TARGET, I_TARGET_MFT, I_CLASS, I_REASON,
	I_TAG_FIELDS, I_DATA = I_TAG_FIELDS + FE_TAG_FIELDS, I_NCOLS
};

static const struct nl_column cols_def[I_NCOLS] = {
	[I_PATH] = { "path", "Path", 0, 0 },
	[I_MFT] = { "mft", "MFT record", 0, 0 },
	[I_SEQ] = { "seq", "Sequence", 0, 0 },
	[I_IN_USE] = { "in_use", "In use", 0, 0 },
	[I_DIRECTORY] = { "directory", "Directory", 0, 0 },
	[I_DELETED] = { "deleted", "Deleted", 0, 0 },
	[I_ATTR_LIST] = { "attribute_list", "Attribute list", 0, 0 },
	[I_LINK_COUNT] = { "link_count", "Header link count", 0, 0 },
	[I_NNAMES] = { "name_count", "Names", 0, 0 },
	[I_NAMES] = { "names", "Paths", 0, 0 },
	[I_DOS] = { "dos_aliases", "DOS aliases", 0, 0 },
	[I_NAMESPACES] = { "namespaces", "Namespaces", 0, 0 },
	[I_ATTRS] = { "attributes", "Attributes", 0, 0 },
	[I_ATTR_NAMES] = { "attribute_names", "Attribute names", 0, 0 },
	[I_SIZE] = { "size", "Size", NL_COL_BYTES, 0 },
	[I_ALLOC] = { "allocated", "Allocated", NL_COL_BYTES, 0 },
	[I_STREAMS] = { "streams", "Named streams", 0, 0 },
	[I_STREAMS_SIZE] = { "streams_size", "Named streams size", NL_COL_BYTES, 0 },
	[I_CRTIME] = { "crtime", "Created", 0, 0 },
	[I_MTIME] = { "mtime", "Modified", 0, 0 },
	[I_CTIME] = { "ctime", "MFT changed", 0, 0 },
	[I_ATIME] = { "atime", "Accessed", 0, 0 },
	[I_SECURITY_ID] = { "security_id", "Security ID", 0, 0 },
	[I_OWNER_ID] = { "owner_id", "Owner ID", 0, 0 },
	[I_USN] = { "usn", "USN", 0, 0 },
	[I_TAG] = { "tag", "Reparse tag", 0, 0 },
	[I_TAG_NAME] = { "tag_name", "Reparse type", 0, 0 },
	[I_SURROGATE] = { "name_surrogate", "Name surrogate", 0, 0 },
	[I_SUBST] = { "substitute_name", "Substitute name", 0, 0 },
	[I_PRINT] = { "print_name", "Print name", 0, 0 },
	[I_RELATIVE] = { "relative", "Relative", 0, 0 },
	[I_TARGET] = { "target", "Target", 0, 0 },
	[I_TARGET_MFT] = { "target_mft", "Target record", 0, 0 },
	[I_CLASS] = { "class", "Class", 0, 0 },
	[I_REASON] = { "reason", "Reason", 0, 0 },
	[I_TAG_FIELDS] = { "app_package", "App package", 0, 0 },
	[I_TAG_FIELDS + 1] = { "app_user_model_id", "App user model ID", 0, 0 },
	[I_TAG_FIELDS + 2] = { "app_target", "App target", 0, 0 },
	[I_TAG_FIELDS + 3] = { "wof_provider", "WOF provider", 0, 0 },
	[I_TAG_FIELDS + 4] = { "wof_algorithm", "WOF algorithm", 0, 0 },
	[I_TAG_FIELDS + 5] = { "cloud_revision", "Cloud revision", 0, 0 },
	[I_TAG_FIELDS + 6] = { "cloud_compressed", "Cloud compressed", 0, 0 },
	[I_TAG_FIELDS + 7] = { "cloud_elements", "Cloud elements", 0, 0 },
	[I_TAG_FIELDS + 8] = { "dedup_chunk_store", "Dedup chunk store", 0, 0 },
	[I_TAG_FIELDS + 9] = { "dedup_size", "Dedup size", NL_COL_BYTES, 0 },
	[I_DATA] = { "reparse_data", "Reparse data", 0, 0 },
};

static const struct { uint32_t bit; const char *name; } attr_names[] = {
	{ 0x00000001, "readonly" }, { 0x00000002, "hidden" }, { 0x00000004, "system" },
	{ 0x00000010, "directory" }, { 0x00000020, "archive" }, { 0x00000040, "device" },
	{ 0x00000080, "normal" }, { 0x00000100, "temporary" }, { 0x00000200, "sparse" },
	{ 0x00000400, "reparse_point" }, { 0x00000800, "compressed" },
	{ 0x00001000, "offline" }, { 0x00002000, "not_content_indexed" },
	{ 0x00004000, "encrypted" }, { 0x00008000, "integrity_stream" },
	{ 0x00010000, "virtual" }, { 0x00020000, "no_scrub_data" },
	{ 0x00040000, "recall_on_open" }, { 0x00080000, "pinned" },
	{ 0x00100000, "unpinned" }, { 0x00400000, "recall_on_data_access" },
};

enum { ST_MFT, ST_NAME, ST_SIZE, ST_ALLOC, ST_RESIDENT, ST_SPARSE, ST_COMPRESSED,
       ST_ENCRYPTED, ST_NCOLS };

static const struct nl_column st_cols[ST_NCOLS] = {
	[ST_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_COL_NO_TEXT, 0 },
	[ST_NAME] = { "name", "STREAM", NL_COL_TRUNC, 0 },
	[ST_SIZE] = { "size", "SIZE", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[ST_ALLOC] = { "allocated", "ALLOCATED", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[ST_RESIDENT] = { "resident", "RESIDENT", 0, 0 },
	[ST_SPARSE] = { "sparse", "SPARSE", 0, 0 },
	[ST_COMPRESSED] = { "compressed", "COMPRESSED", 0, 0 },
	[ST_ENCRYPTED] = { "encrypted", "ENCRYPTED", 0, 0 },
};

struct stream_ctx {
	struct fe_audit *a;
	nl_table *t;
	uint64_t mft;
};

static int stream_row(void *ctx, const struct nl_stream *st)
{
	struct stream_ctx *c = ctx;

	nl_cell_uint(c->t, ST_MFT, c->mft);
	nl_cell_strn(c->t, ST_NAME, st->name, st->name_len);
	nl_cell_uint(c->t, ST_SIZE, st->size);
	nl_cell_uint(c->t, ST_ALLOC, st->alloc_size);
	nl_cell_bool(c->t, ST_RESIDENT, st->resident);
	nl_cell_bool(c->t, ST_SPARSE, st->sparse);
	nl_cell_bool(c->t, ST_COMPRESSED, st->compressed);
	nl_cell_bool(c->t, ST_ENCRYPTED, st->encrypted);
	fe_audit_row_end(c->a, c->t);
	return 0;
}

/* One "stream" row per $DATA attribute (the unnamed one has the name ""). */
static void streams(struct fe_audit *a, uint64_t mft)
{
	struct stream_ctx c = { a, NULL, mft };
	int rc;

	c.t = fe_audit_table(a, "stream", st_cols, ST_NCOLS, 0);
	rc = nl_model_streams(a->model, mft, stream_row, &c);
	if (rc == -ENOMEM)
		fe_audit_nomem();
	if (rc < 0)
		fe_audit_problem(a, a->image, mft, NULL, "cannot read the data streams");
}

static void reparse_cells(struct fe_audit *a, nl_table *t, uint64_t mft, char drive)
{
	struct nl_link_info li;
	const struct nl_reparse *rp;
	const char *reason;
	char *s = NULL;

	if (nl_analysis_link(a->an, mft, &li) < 0)
		return;
	rp = li.rp;
	reason = li.reason;
	nl_cell_hex(t, I_TAG, li.tag, 8);
	nl_cell_str(t, I_TAG_NAME, rp ? rp->name : nl_reparse_tag_name(li.tag));
	nl_cell_bool(t, I_SURROGATE, (li.tag & NL_TAG_BIT_NAME_SURROGATE) != 0);
	if (li.cls != NL_CLASS_NONE)
		nl_cell_str(t, I_CLASS, nl_link_class_name(li.cls));
	if (li.target_path) {
		nl_cell_str(t, I_TARGET, fe_audit_display(a, li.target_path, drive));
	} else if (li.target && li.target->kind == NL_TGT_POSIX) {
		nl_cell_str(t, I_TARGET, li.target->path);
	} else if (li.target &&
		   nl_target_format(li.target, a->windows_paths ? NL_TSTYLE_WIN32 : NL_TSTYLE_SLASH,
				    &s) == 0) {
		nl_cell_str(t, I_TARGET, s);
		free(s);
		s = NULL;
	}
	if (li.target_found)
		nl_cell_uint(t, I_TARGET_MFT, li.target_mft);
	if (!rp) {
		reason = nl_volume_is_raw_mft(a->vol)
			? "non-resident reparse data cannot be read from a bare $MFT"
			: "reparse data could not be read";
		fe_audit_problem(a, a->image, mft, NULL, reason);
	} else {
		if (!reason)
			reason = rp->problem;
		if (rp->substitute_name)
			nl_cell_strn(t, I_SUBST, rp->substitute_name, rp->substitute_len);
		if (rp->print_name)
			nl_cell_strn(t, I_PRINT, rp->print_name, rp->print_len);
		if (rp->type == NL_RP_SYMLINK || rp->type == NL_RP_WSL_SYMLINK)
			nl_cell_bool(t, I_RELATIVE, rp->relative);
		fe_tag_fields(t, I_TAG_FIELDS, rp);
		const uint8_t *raw;
		uint32_t tag;
		size_t len;

		if (nl_model_reparse(a->model, mft, &tag, &raw, &len) == 0 && raw && len >= 8 &&
		    nl_hex(raw + 8, len - 8, &s) == 0)
			nl_cell_str(t, I_DATA, s);
		free(s);
	}
	if (reason)
		nl_cell_str(t, I_REASON, reason);
}

enum { FN_MFT, FN_NAME, FN_NAMESPACE, FN_PARENT, FN_PARENT_SEQ, FN_CRTIME, FN_MTIME,
       FN_CTIME, FN_ATIME, FN_NCOLS };

static const struct nl_column fn_cols[FN_NCOLS] = {
	[FN_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_COL_NO_TEXT, 0 },
	[FN_NAME] = { "name", "NAME", NL_COL_TRUNC, 0 },
	[FN_NAMESPACE] = { "namespace", "NAMESPACE", 0, 0 },
	[FN_PARENT] = { "parent", "PARENT", NL_COL_RIGHT, 0 },
	[FN_PARENT_SEQ] = { "parent_seq", "PSEQ", NL_COL_RIGHT, 0 },
	[FN_CRTIME] = { "crtime", "CREATED", 0, 0 },
	[FN_MTIME] = { "mtime", "MODIFIED", 0, 0 },
	[FN_CTIME] = { "ctime", "MFT CHANGED", 0, 0 },
	[FN_ATIME] = { "atime", "ACCESSED", 0, 0 },
};

/* The base record of @mft read again, fixups applied, with its header; NULL
 * (the problem reported) when it cannot be read. */
static uint8_t *read_base(struct fe_audit *a, uint64_t mft, struct nl_rec_header *h)
{
	uint32_t rs = nl_volume_record_size(a->vol);
	uint8_t *buf = malloc(rs);
	const char *reason = "cannot read the record";

	if (!buf)
		fe_audit_nomem();
	if (nl_volume_read_record(a->vol, mft, buf) == 0 &&
	    nl_record_fixup(buf, rs, &reason) == 0 && nl_record_header(buf, rs, h, &reason) == 0)
		return buf;
	fe_audit_problem(a, a->image, mft, NULL, reason);
	free(buf);
	return NULL;
}

/* The $STANDARD_INFORMATION fields of NTFS 3.x: security id, owner id, USN. */
static void cell_std_info(struct fe_audit *a, nl_table *t, const uint8_t *buf,
			  const struct nl_rec_header *h)
{
	uint32_t rs = nl_volume_record_size(a->vol);
	const char *reason;
	struct nl_std_info si;
	struct nl_attr at;
	size_t pos = 0;

	while (nl_record_attr_next(buf, rs, h, &pos, &at, &reason) == 0)
		if (at.type == NL_AT_STANDARD_INFORMATION) {
			if (nl_attr_std_info(&at, &si, &reason) == 0 && si.has_v3) {
				nl_cell_uint(t, I_SECURITY_ID, si.security_id);
				nl_cell_uint(t, I_OWNER_ID, si.owner_id);
				nl_cell_uint(t, I_USN, si.usn);
			}
			return;
		}
}

/* One "file_name" row per $FILE_NAME attribute of the base record: the name,
 * its parent reference and its own four times (Windows seldom updates them:
 * compared with $STANDARD_INFORMATION's they show timestamp changes). */
static void file_names(struct fe_audit *a, uint64_t mft, const uint8_t *buf,
		       const struct nl_rec_header *h)
{
	uint32_t rs = nl_volume_record_size(a->vol);
	nl_table *t = fe_audit_table(a, "file_name", fn_cols, FN_NCOLS, 0);
	const char *reason;
	struct nl_file_name fn;
	struct nl_attr at;
	size_t pos = 0, len;
	char *name;

	while (nl_record_attr_next(buf, rs, h, &pos, &at, &reason) == 0) {
		if (at.type != NL_AT_FILE_NAME || nl_attr_file_name(&at, &fn, &reason) < 0)
			continue;
		if (nl_utf16le_to_wtf8(fn.name, fn.name_len, &name, &len) < 0)
			fe_audit_nomem();
		nl_cell_uint(t, FN_MFT, mft);
		nl_cell_strn(t, FN_NAME, name, len);
		free(name);
		nl_cell_str(t, FN_NAMESPACE, fe_namespace_name(fn.name_space));
		nl_cell_uint(t, FN_PARENT, fn.parent_ref & 0xFFFFFFFFFFFFull);
		nl_cell_uint(t, FN_PARENT_SEQ, fn.parent_ref >> 48);
		nl_cell_time(t, FN_CRTIME, fn.times.crtime);
		nl_cell_time(t, FN_MTIME, fn.times.mtime);
		nl_cell_time(t, FN_CTIME, fn.times.ctime);
		nl_cell_time(t, FN_ATIME, fn.times.atime);
		fe_audit_row_end(a, t);
	}
}

/* The names of record @mft, sorted by path: their paths, DOS aliases and
 * name spaces, as three arrays. */
static void cell_names(struct fe_audit *a, nl_table *t, uint64_t mft, char drive)
{
	nl_rows *rows = fe_rows_new(0);
	struct nl_name nm;
	uint64_t nc = 0;

	while (nl_model_name_next(a->model, mft, 0, &nc, &nm) == 0)
		fe_rows_add(a, rows, &nm, 0);
	fe_rows_sort(rows);
	nl_cell_strs_empty(t, I_NAMES);
	nl_cell_strs_empty(t, I_DOS);
	nl_cell_strs_empty(t, I_NAMESPACES);
	for (size_t i = 0; i < nl_rows_count(rows); i++) {
		const struct nl_path_key *r = nl_rows_at(rows, i);
		const char *d = fe_audit_display(a, fe_key_path(a, r), drive);
		const char *ns;

		nl_cell_strs_add(t, I_NAMES, d, strlen(d));
		if (nl_model_name_get(a->model, r->name_id, &nm) < 0)
			continue;
		if (nm.dos_alias)
			nl_cell_strs_add(t, I_DOS, nm.dos_alias, nm.dos_len);
		else
			nl_cell_strs_add(t, I_DOS, "", 0);
		ns = fe_namespace_name(nm.name_space);
		nl_cell_strs_add(t, I_NAMESPACES, ns, strlen(ns));
	}
	nl_rows_free(&rows);
}

/* The record's own facts: flags, counts, attributes, sizes, times. */
static void cell_record(struct fe_audit *a, nl_table *t, uint64_t mft,
			const struct nl_record_info *ri)
{
	nl_cell_uint(t, I_MFT, mft);
	nl_cell_uint(t, I_SEQ, ri->seq);
	nl_cell_bool(t, I_IN_USE, (ri->flags & NL_REC_IN_USE) != 0);
	nl_cell_bool(t, I_DIRECTORY, (ri->flags & NL_REC_DIRECTORY) != 0);
	nl_cell_bool(t, I_DELETED, (ri->flags & NL_REC_DELETED) != 0);
	nl_cell_bool(t, I_ATTR_LIST, (ri->flags & NL_REC_ATTR_LIST) != 0);
	nl_cell_uint(t, I_LINK_COUNT, ri->link_count);
	nl_cell_uint(t, I_NNAMES, ri->names);
	nl_cell_hex(t, I_ATTRS, ri->file_attributes, 8);
	nl_cell_strs_empty(t, I_ATTR_NAMES);
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (ri->file_attributes & attr_names[i].bit)
			nl_cell_strs_add(t, I_ATTR_NAMES, attr_names[i].name,
					 strlen(attr_names[i].name));
	nl_cell_uint(t, I_SIZE, ri->data_size);
	nl_cell_uint(t, I_ALLOC, ri->alloc_size);
	nl_cell_uint(t, I_STREAMS, ri->stream_count);
	nl_cell_uint(t, I_STREAMS_SIZE, ri->streams_size);
	fe_audit_times(a, t, I_CRTIME, mft);
}

static int run(int argc, char **argv)
{
	struct nl_column cols[I_NCOLS];
	struct nl_record_info ri;
	struct nl_rec_header h;
	struct fe_audit a;
	uint8_t *rec;
	uint64_t mft;
	const char *p;
	char drive;
	nl_table *t;

	fe_audit_parse(&a, &fe_cmd_info, FE_A_JSON | FE_A_PATHS | FE_A_DELETED | FE_A_VOLUME,
		       argc, argv, 2, 2);
	fe_audit_scan(&a);
	if (fe_audit_resolve(&a, a.pos[1], &mft) < 0 || nl_model_record(a.model, mft, &ri) < 0) {
		fe_audit_close(&a);
		return FE_EXIT_PARTIAL;
	}
	fe_audit_anchor(&a);
	fe_audit_analyse(&a);
	drive = a.windows_paths ? fe_audit_drive(&a) : 0;
	memcpy(cols, cols_def, sizeof(cols));
	if (!(ri.flags & NL_REC_REPARSE))
		for (size_t c = I_TAG; c <= I_DATA; c++)
			cols[c].flags = HIDE;
	fe_audit_emit_open(&a);
	t = fe_audit_table(&a, "info", cols, I_NCOLS, NL_TABLE_SUMMARY);
	p = fe_audit_record_path(&a, mft, NULL, NULL);
	if (p)
		nl_cell_str(t, I_PATH, fe_audit_display(&a, p, drive));
	cell_record(&a, t, mft, &ri);
	rec = read_base(&a, mft, &h);
	if (rec)
		cell_std_info(&a, t, rec, &h);
	cell_names(&a, t, mft, drive);
	if (ri.flags & NL_REC_REPARSE)
		reparse_cells(&a, t, mft, drive);
	fe_audit_row_end(&a, t);
	if (rec)
		file_names(&a, mft, rec, &h);
	free(rec);
	if (!(ri.flags & NL_REC_DIRECTORY) || ri.stream_count)
		streams(&a, mft);
	return fe_audit_exit(&a);
}

static const struct fe_listing listing_info = { "info", cols_def, I_NCOLS };
static const struct fe_listing listing_file_name = { "file_name", fn_cols, FN_NCOLS };
static const struct fe_listing listing_stream = { "stream", st_cols, ST_NCOLS };
static const struct fe_listing *const listings[] = {
	&listing_info, &listing_file_name, &listing_stream, NULL
};

const struct fe_command fe_cmd_info = {
	.name = "info",
	.summary = "show everything about one file",
	.run = run,
	.usage = usage,
	.listings = listings,
};
