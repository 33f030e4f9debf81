/* fuzz_image.c: libFuzzer harness for a whole image: open, scan, analysis and every output format. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>

#include "imgmut.h"

/*
 * The input is an image (see imgmut.h: raw or sparse), opened from memory
 * (nl_volume_open_memory: no file).  Its option bits:
 *   1   scan deleted records too
 *   2   do not read non-resident reparse data
 *   4   assume drive C: instead of inferring the letter
 *   8   anchor the analysis at the first directory below the root
 * Every record the model keeps becomes a row (path, names, sizes, times,
 * reparse target and link class) written in text, JSON, CSV, bodyfile and
 * NUL form to nowhere.  LLVMFuzzerCustomMutator is imgmut.c's.
 */
#define ROW_BUDGET 4096

static void ignore(void *ctx, const char *source, uint64_t mft, const char *path,
		   const char *reason)
{
	(void)ctx; (void)source; (void)mft; (void)path; (void)reason;
}

static int discard(void *ctx, const void *buf, size_t len)
{
	(void)ctx; (void)buf; (void)len;
	return 0;
}

enum { C_PATH, C_MFT, C_MODE, C_SIZE, C_MTIME, C_CTIME, C_ATIME, C_CRTIME, C_NAMES,
       C_TAG, C_TARGET, C_CLASS, C_REASON, C_DELETED, C_COUNT };

static const struct nl_column cols[C_COUNT] = {
	[C_PATH] = { "path", "PATH", NL_ROLE_NAME, 0 },
	[C_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_ROLE_INODE, 0 },
	[C_MODE] = { "mode", NULL, NL_ROLE_MODE | NL_COL_NO_TEXT, 0 },
	[C_SIZE] = { "size", "SIZE", NL_COL_RIGHT | NL_ROLE_SIZE, 0 },
	[C_MTIME] = { "mtime", NULL, NL_ROLE_MTIME, 0 },
	[C_CTIME] = { "chtime", NULL, NL_ROLE_CTIME | NL_COL_NO_TEXT, 0 },
	[C_ATIME] = { "atime", NULL, NL_ROLE_ATIME | NL_COL_NO_TEXT, 0 },
	[C_CRTIME] = { "crtime", NULL, NL_ROLE_CRTIME | NL_COL_NO_TEXT, 0 },
	[C_NAMES] = { "names", "NAMES", 0, 0 },
	[C_TAG] = { "tag", "TAG", 0, 0 },
	[C_TARGET] = { "target", "TARGET", NL_ROLE_LINK_TARGET, 0 },
	[C_CLASS] = { "class", "CLASS", 0, 0 },
	[C_REASON] = { "reason", NULL, NL_COL_OPTIONAL, 0 },
	[C_DELETED] = { "deleted", NULL, NL_ROLE_DELETED | NL_COL_NO_TEXT, 0 },
};

struct run {
	nl_model *m;
	nl_analysis *an;
	uint64_t *mfts;
	size_t n;
	char path[NL_PATH_BUF];
};

/* The cells of record run->mfts[@item]. */
static int fill(void *ctx, unsigned worker, nl_table *t, size_t item)
{
	struct run *ru = ctx;
	uint64_t mft = ru->mfts[item], cur = 0;
	struct nl_record_info ri;
	struct nl_times tm;
	struct nl_link_info li;
	struct nl_name nm;
	size_t len;
	unsigned pf;
	char *tgt = NULL;

	(void)worker;  /* one thread: the path buffer is shared */
	if (nl_model_record_path(ru->m, mft, ru->path, sizeof(ru->path), &len, &pf) == 0)
		nl_cell_strn(t, C_PATH, ru->path, len);
	nl_cell_uint(t, C_MFT, mft);
	if (nl_model_record(ru->m, mft, &ri) == 0) {
		nl_cell_str(t, C_MODE, (ri.flags & NL_REC_DIRECTORY) ? "d/drwxrwxrwx" : "r/rrwxrwxrwx");
		nl_cell_uint(t, C_SIZE, ri.data_size + ri.streams_size);
		nl_cell_bool(t, C_DELETED, !(ri.flags & NL_REC_IN_USE));
	}
	if (nl_model_times(ru->m, mft, &tm) == 0) {
		nl_cell_time(t, C_MTIME, tm.mtime);
		nl_cell_time(t, C_CTIME, tm.ctime);
		nl_cell_time(t, C_ATIME, tm.atime);
		nl_cell_time(t, C_CRTIME, tm.crtime);
	}
	nl_cell_strs_empty(t, C_NAMES);
	while (nl_model_name_next(ru->m, mft, NL_NAMES_WITH_DOS, &cur, &nm) == 0)
		nl_cell_strs_add(t, C_NAMES, nm.name, nm.len);
	if (ru->an && nl_analysis_link(ru->an, mft, &li) == 0) {
		nl_cell_hex(t, C_TAG, li.tag, 8);
		if (li.target && nl_target_format(li.target, NL_TSTYLE_WIN32, &tgt) == 0)
			nl_cell_str(t, C_TARGET, tgt);
		free(tgt);
		nl_cell_str(t, C_CLASS, nl_link_class_name(li.cls));
		nl_cell_str(t, C_REASON, li.reason);
	}
	return nl_row_end(t);
}

/* The rows in every output format. */
static void emit_all(struct run *ru)
{
	for (int fmt = NL_EMIT_TEXT; fmt <= NL_EMIT_NUL; fmt++) {
		struct nl_emit_options eo = { .flags = fmt == NL_EMIT_NUL ? NL_EMIT_RAW_NAMES : 0 };
		nl_emit *e = NULL;
		nl_table *t = NULL, *sum = NULL;
		static const struct nl_column sc[] = { { "records", "Records", 0, 0 } };
		struct nl_emit_rows_options ro = { .threads = 1 };

		if (nl_emit_open_cb((enum nl_emit_format)fmt, discard, NULL, &eo, &e) < 0)
			continue;
		if (nl_emit_table(e, "entry", cols, C_COUNT, 0, &t) == 0)
			(void)nl_emit_rows(t, ru->n, fill, ru, &ro);
		if (nl_emit_table(e, "summary", sc, 1, NL_TABLE_SUMMARY, &sum) == 0) {
			nl_cell_uint(sum, 0, ru->n);
			nl_row_end(sum);
		}
		nl_emit_close(&e);
	}
}

/* Paths in sorted order, sizes, saturation, streams: the audit commands' lookups. */
static int count_stream(void *ctx, const struct nl_stream *s)
{
	*(uint64_t *)ctx += s->size;
	return 0;
}

static void lookups(struct run *ru)
{
	nl_path_index *ix = NULL;
	struct nl_truesize ts;
	struct nl_saturation sat;
	uint64_t bytes = 0, found;

	(void)nl_truesize(ru->m, NL_ROOT_MFT, &ts);
	if (nl_path_index_build(ru->m, NL_ITER_DELETED, &ix) < 0)
		ix = NULL;
	for (size_t i = 0; i < ru->n; i++) {
		uint64_t cur = 0, mft = ru->mfts[i];
		struct nl_name nm;
		struct nl_path_key key;
		size_t len;

		(void)nl_hardlink_saturation(ru->m, mft, NL_ROOT_MFT, &sat);
		(void)nl_model_streams(ru->m, mft, count_stream, &bytes);
		(void)nl_truesize(ru->m, mft, &ts);
		while (nl_model_name_next(ru->m, mft, 0, &cur, &nm) == 0) {
			if (ix && nl_path_key(ix, &nm, NL_PATH_KEY_BY_DIR, &key) == 0 &&
			    nl_path_key_path(ix, &key, ru->path, sizeof(ru->path), &len) == 0)
				(void)nl_model_lookup_path(ru->m, ru->path, &found);
			(void)nl_model_lookup_child(ru->m, nm.parent, nm.name, nm.len, &found, NULL);
		}
	}
	nl_path_index_free(&ix);
}

static void analyse(nl_volume *v, uint32_t opts)
{
	struct nl_scan_options so = { .problem = ignore };
	struct nl_analysis_options ao = { .problem = ignore };
	struct run *ru = calloc(1, sizeof(*ru));
	uint64_t cur = 0, mft;

	if (!ru)
		return;
	so.flags = ((opts & 1) ? NL_SCAN_DELETED : 0) | ((opts & 2) ? NL_SCAN_NO_REPARSE_READ : 0);
	if (nl_scan(v, &so, &ru->m) < 0)
		goto out;
	ru->mfts = malloc(ROW_BUDGET * sizeof(*ru->mfts));
	while (ru->mfts && ru->n < ROW_BUDGET && nl_model_next(ru->m, NL_ITER_DELETED, &cur, &mft) == 0)
		ru->mfts[ru->n++] = mft;
	ao.drive = (opts & 4) ? 'C' : 0;
	for (size_t i = 0; (opts & 8) && i < ru->n; i++) {
		struct nl_record_info ri;
		struct nl_name nm;
		uint64_t nc = 0;

		if (nl_model_record(ru->m, ru->mfts[i], &ri) == 0 && (ri.flags & NL_REC_DIRECTORY) &&
		    nl_model_name_next(ru->m, ru->mfts[i], 0, &nc, &nm) == 0 &&
		    nm.parent == NL_ROOT_MFT && ru->mfts[i] != NL_ROOT_MFT) {
			ao.anchor = ru->mfts[i];
			break;
		}
	}
	if (nl_analysis_open(ru->m, &ao, &ru->an) == 0) {
		size_t c = 0;
		struct nl_link_info li;
		struct nl_drive_guess g;
		uint64_t counts[NL_CLASS_COUNT];

		while (nl_analysis_next(ru->an, &c, &li) == 0)
			;
		nl_analysis_counts(ru->an, counts);
		nl_analysis_drive(ru->an, &g);
	}
	lookups(ru);
	emit_all(ru);
out:
	nl_analysis_close(&ru->an);
	nl_model_free(&ru->m);
	free(ru->mfts);
	free(ru);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	struct nl_volume_info info;
	uint8_t *img;
	size_t n;
	uint32_t opts;

	if (fz_decode(data, size, &img, &n, &opts) < 0)
		return 0;
	if (nl_volume_open_memory(img, n, "fuzz", NULL, &v, err, sizeof(err)) == 0) {
		nl_volume_get_info(v, &info);
		analyse(v, opts);
	}
	nl_volume_close(&v);
	free(img);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
	return fz_custom_mutate(data, size, max, seed);
}
