/* emit.h: one table model, several renderings (aligned text, JSON Lines, CSV, TSK bodyfile, NUL-separated paths). */
#ifndef NTFSLINKS_EMIT_H
#define NTFSLINKS_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#include <ntfslinks/ondisk.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The caller (the front end) owns the output stream: it hands the emitter a
 * FILE * or a write callback; the emitter writes only there and never
 * closes it.  Output is a sequence of *rows*, each belonging to a *table*
 * (a record type: "reparse", "hardlink_group", "summary", ...) that fixes
 * the columns and their order.  Every string cell is WTF-8 and goes through
 * nl_escape() (unistr.h) exactly once, in every format, so a name looks the
 * same everywhere; JSON and CSV quoting is applied on top of that.
 *
 * Protocol:
 *   nl_emit_open(NL_EMIT_JSON, stdout, NULL, &e);
 *   nl_emit_table(e, "reparse", cols, ncols, 0, &t);   // once per table
 *   for each row: nl_cell_*(t, COL, ...) ...; nl_row_end(t);
 *   nl_emit_close(&e);                                   // flushes; check it
 *
 * Renderings of a row, by format:
 *   NL_EMIT_TEXT  aligned columns under a header line (the column headers);
 *                 tables are separated by a blank line.  Widths are computed
 *                 over the first text_buffer_rows rows of each table (held
 *                 back until then), after which rows stream with those widths
 *                 (a wider later value pushes its line, it is never cut); a
 *                 column's `width` is its minimum.  text_buffer_rows =
 *                 SIZE_MAX buffers everything (exact widths); 0 means 4096.
 *                 With a text_width, lines are fitted into that many
 *                 columns: the widest NL_COL_TRUNC columns are narrowed (one
 *                 column at a time, never below their header) until the
 *                 line fits, and a longer value is cut with "…" as its last
 *                 character, or with NL_EMIT_WRAP continued on the next
 *                 lines within its column (the others blank there).
 *                 Summary tables print one "Header: value" line per column
 *                 (only the values with NL_EMIT_NO_HEADER); they are never
 *                 cut.  Numbers of NL_COL_BYTES columns read like lsblk's
 *                 sizes (binary multiples, one decimal: 512B, 4K, 1.1M)
 *                 unless NL_EMIT_EXACT_BYTES.
 *   NL_EMIT_JSON  one object per row on one line: "type":"<table type>"
 *                 first, then the columns in their order, keys = column keys.
 *   NL_EMIT_CSV   RFC 4180: a header row of column keys before a table's
 *                 first row, fields quoted when they contain '"', ',', CR or
 *                 LF ("" doubles a quote), CRLF line ends.  Meant for one
 *                 table per output: a second table starts with its own
 *                 header row.  Summary tables are not written.
 *   NL_EMIT_BODYFILE  TSK mactime body format, one line per row of tables
 *                 that have a column with role NL_ROLE_NAME:
 *                   MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime
 *                 MD5 is 0, UID and GID 0; inode is the MFT record number
 *                 (NL_ROLE_INODE) followed by "-" and the record's sequence
 *                 number when an NL_ROLE_SEQ cell is set: "64-3", the file
 *                 reference, which tells a deleted record from its reuse (TSK
 *                 writes record-type-id; readers of the format take the
 *                 number before the first "-" as the record);
 *                 mode from NL_ROLE_MODE (default "r/rrwxrwxrwx"); a row
 *                 whose NL_ROLE_DELETED cell is true gets " (deleted)" after
 *                 its name and "-" as the mode's first letter; times in
 *                 Unix seconds (NTFS 100-ns ticks since 1601 converted and
 *                 rounded down; 0 when null); name gets " -> target" appended
 *                 when an NL_ROLE_LINK_TARGET cell is set.  A '|' in a name is
 *                 written as "\x{7c}" so the line keeps 11 fields.  Other
 *                 tables are not written.
 *   NL_EMIT_NUL   the NL_ROLE_NAME cell of each row followed by a NUL byte
 *                 (escaped like everywhere unless NL_EMIT_RAW_NAMES); rows
 *                 of tables without that role are not written.
 *
 * Value rendering (text / JSON / CSV):
 *   null     "-"          / null          / empty
 *   string   escaped      / "escaped"     / escaped, quoted if needed
 *   int      decimal      / number        / decimal
 *   bool     true|false   / true|false    / true|false
 *   hex      0x%0*x (lowercase, at least the digits given) / "0x..." string / 0x...
 *   time     2023-04-05T06:07:08.1234567Z (UTC, 100-ns) / same as a string / same
 *   strings  joined by ", " / [ "a", "b" ] / joined by "; "
 */

typedef struct nl_emit nl_emit;
typedef struct nl_table nl_table;

enum nl_emit_format {
	NL_EMIT_TEXT = 0,
	NL_EMIT_JSON,
	NL_EMIT_CSV,
	NL_EMIT_BODYFILE,
	NL_EMIT_NUL,
};

/**
 * nl_write_fn - output callback: write all of @buf[0..len).
 * Returns 0 or -errno (the emitter then stops writing and reports it).
 */
typedef int (*nl_write_fn)(void *ctx, const void *buf, size_t len);

/* nl_emit_options.flags */
#define NL_EMIT_NO_HEADER 0x1  /* text and CSV: no header rows */
#define NL_EMIT_RAW_NAMES 0x2  /* NUL format only: write names as stored, unescaped */
#define NL_EMIT_EXACT_BYTES 0x4 /* text: NL_COL_BYTES numbers exact, not 1.1M */
#define NL_EMIT_WRAP      0x8  /* text with text_width: wrap long values within
                                  their column instead of cutting them */

struct nl_emit_options {
	unsigned flags;             /* NL_EMIT_* */
	size_t text_buffer_rows;    /* see above; 0 = 4096, SIZE_MAX = all */
	size_t text_width;          /* text tables fit this many columns; 0: no limit */
};

/**
 * nl_emit_open - start an emitter writing to @fp (not owned; never closed;
 * written with fwrite, errors seen through ferror()).
 * @opt may be NULL for the defaults.
 * Returns 0 or -ENOMEM / -EINVAL (unknown format).
 */
int nl_emit_open(enum nl_emit_format fmt, FILE *fp, const struct nl_emit_options *opt,
		 nl_emit **e);

/** nl_emit_open_cb - the same, writing through @fn(@ctx, ...). */
int nl_emit_open_cb(enum nl_emit_format fmt, nl_write_fn fn, void *ctx,
		    const struct nl_emit_options *opt, nl_emit **e);

/**
 * nl_emit_flush - write out rows held back for text widths (a later row of
 * the same table then starts a new block with its own header).  Does not
 * fflush the FILE.  Returns 0 or the first write error (-errno).
 */
int nl_emit_flush(nl_emit *e);

/**
 * nl_emit_close - flush, free the emitter and its tables, set *e to NULL.
 * Returns 0, or the first error seen by any call (write error, -ENOMEM):
 * a front end must check it before exiting 0.  NULL *e is fine (returns 0).
 */
int nl_emit_close(nl_emit **e);

/**
 * nl_emit_format_from_name - "text", "json", "csv", "bodyfile", "nul".
 * Returns the format or -EINVAL.
 */
int nl_emit_format_from_name(const char *name);

/** nl_emit_get_format - the format @e was opened with. */
enum nl_emit_format nl_emit_get_format(const nl_emit *e);

/* ---- tables ------------------------------------------------------------- */

/* nl_column.flags: alignment, visibility and the column's role. */
#define NL_COL_RIGHT     0x0001  /* text: right-align (numbers) */
#define NL_COL_NO_TEXT   0x0002  /* not shown in text */
#define NL_COL_NO_JSON   0x0004  /* not written in JSON */
#define NL_COL_NO_CSV    0x0008  /* not written in CSV */
#define NL_ROLE_NAME     0x0100  /* the path: bodyfile name, NUL output */
#define NL_ROLE_INODE    0x0200  /* bodyfile inode (int) */
#define NL_ROLE_MODE     0x0400  /* bodyfile mode string, e.g. "l/lrwxrwxrwx" */
#define NL_ROLE_SIZE     0x0800  /* bodyfile size (int) */
#define NL_ROLE_ATIME    0x1000  /* bodyfile times (time cells) */
#define NL_ROLE_MTIME    0x2000
#define NL_ROLE_CTIME    0x4000
#define NL_ROLE_CRTIME   0x8000
#define NL_ROLE_LINK_TARGET 0x10000 /* bodyfile: "name -> target" */
#define NL_COL_OPTIONAL  0x20000 /* NL_TABLE_LINES text: left out (with its
                                    space) when null, instead of "-" */
#define NL_ROLE_DELETED  0x40000 /* bodyfile: when true (a bool cell), the name
                                    gets " (deleted)" and the mode's name type
                                    is "-", as fls -m writes deleted names */
#define NL_ROLE_SEQ      0x80000 /* bodyfile: the sequence number (int), written
                                    after the inode as "record-seq" */
#define NL_COL_TRUNC     0x100000 /* text: may be narrowed to fit text_width (a
                                    path, a target, a reason) */
#define NL_COL_BYTES     0x200000 /* text: a number of bytes, shown like 1.1M
                                    unless NL_EMIT_EXACT_BYTES */
#define NL_COL_HIDDEN (NL_COL_NO_TEXT | NL_COL_NO_JSON | NL_COL_NO_CSV)
                                 /* all three: a column only for a role (bodyfile) */

/** One column.  Strings must stay valid while the table is used (use literals). */
struct nl_column {
	const char *key;      /* JSON key and CSV header, e.g. "tag_name" */
	const char *header;   /* text header, e.g. "TAG" (NULL: the key) */
	unsigned flags;       /* NL_COL_* | NL_ROLE_* */
	unsigned width;       /* text: minimum width (0: the header's) */
};

/* nl_emit_table() flags */
#define NL_TABLE_SUMMARY 0x1  /* key/value block: "Header: value" lines in text;
                                 JSON as usual; skipped in CSV, bodyfile, NUL */
#define NL_TABLE_LINES   0x2  /* text: each row is a line of its own, written at
                                 once: its text cells separated by one space,
                                 each padded to the column's width; no header,
                                 no blank line around, no alignment with other
                                 rows (a log of events); before SUMMARY */
#define NL_TABLE_CSV_HEADER 0x4 /* CSV: a table without rows still has its header
                                 row (written when the emitter is closed) */

/**
 * nl_emit_table - declare a table (a row type).
 * @type: the JSON "type" value, e.g. "reparse"; must outlive the emitter
 * @cols, @ncols: its columns (copied; their strings must outlive the emitter)
 * @t: receives the table, owned by @e (freed by nl_emit_close())
 * Returns 0, -EINVAL (ncols 0), -ENOMEM.
 */
int nl_emit_table(nl_emit *e, const char *type, const struct nl_column *cols,
		  size_t ncols, unsigned flags, nl_table **t);

/**
 * nl_table_select - show only the columns of @t whose keys are in @list
 * (comma-separated, any case), in the order of @list, in text, JSON and CSV
 * (a column hidden in one of them by default is shown when named; columns
 * with NL_COL_HIDDEN cannot be named).  Names that @t does not have are
 * skipped.  Call before the first row.  Bodyfile and NUL output are not
 * changed.  Returns the number of columns chosen (with 0, @t writes no rows
 * in text, JSON and CSV), or -ENOMEM.
 */
int nl_table_select(nl_table *t, const char *list);

/*
 * Cells of the current row, by column index.  Setting a cell twice replaces
 * it (string arrays: nl_cell_strs_add appends).  Unset cells are null.
 * Strings are copied.  Each returns 0, -ERANGE (bad column), -ENOMEM.
 */
int nl_cell_null(nl_table *t, size_t col);
int nl_cell_str(nl_table *t, size_t col, const char *s);              /* NULL: null */
int nl_cell_strn(nl_table *t, size_t col, const char *s, size_t len); /* may hold NULs */
int nl_cell_int(nl_table *t, size_t col, int64_t v);
int nl_cell_uint(nl_table *t, size_t col, uint64_t v);
int nl_cell_bool(nl_table *t, size_t col, bool v);
int nl_cell_hex(nl_table *t, size_t col, uint64_t v, unsigned digits);
int nl_cell_time(nl_table *t, size_t col, int64_t ntfs_time);          /* 100 ns since 1601 */
int nl_cell_strs_add(nl_table *t, size_t col, const char *s, size_t len); /* makes it an array */
int nl_cell_strs_empty(nl_table *t, size_t col);                       /* an empty array */

/**
 * nl_row_end - emit (or hold back, in text) the current row and start a new
 * empty one.  Returns 0, -ENOMEM, or a write error (-errno).
 */
int nl_row_end(nl_table *t);

/**
 * nl_row_fill_fn - callback of nl_emit_rows(): set the cells of the row(s)
 * of item @item on @t and end each with nl_row_end().  @worker (0 or 1)
 * says which thread calls: 0 is the caller's; keep scratch space per worker.
 * Returns 0, or -errno to stop the listing (nl_emit_rows() returns it).
 */
typedef int (*nl_row_fill_fn)(void *ctx, unsigned worker, nl_table *t, size_t item);

struct nl_emit_rows_options {
	unsigned threads;           /* 1: the caller's thread only; 0 or 2: two */
	size_t chunk;               /* items a thread formats in one go (0: 1024) */
};

/**
 * nl_emit_rows - emit the rows of items 0 .. @n-1 of table @t, in that
 * order, filled by @fill.  In JSON, bodyfile and NUL output (where a row's
 * rendering depends on no other row) two threads share the work when there
 * is more than one chunk: the caller's thread fills the even chunks into
 * @t, a second thread the odd ones into a table of its own (the same
 * columns), whose rows are formatted in memory and written by the emitter
 * in turn: the output is the same bytes as one thread gives, for every
 * chunk size.  @fill may then be called from both threads at once, never
 * twice at once with the same @worker.  Text and CSV use the caller's
 * thread.  @opt may be NULL for the defaults.
 * Returns 0 or the first error (of @fill, a write error, -ENOMEM).
 */
int nl_emit_rows(nl_table *t, size_t n, nl_row_fill_fn fill, void *ctx,
		 const struct nl_emit_rows_options *opt);

/* nl_ntfs_time_to_unix() and nl_format_ntfs_time() are in ondisk.h. */

/* ---- sorted rows ---------------------------------------------------------- */

/*
 * A listing sorted before it is emitted collects one small fixed-size key
 * per row (e.g. a struct nl_path_key), asks the row set to sort, then emits
 * its rows in that order.  Rows may be added in groups (a group: the rows
 * added since the last nl_rows_group_end(); e.g. the names of one file):
 * sorting then orders the rows inside each group, and the groups by their
 * first row.  A row set belongs to one thread; two sets filled by two
 * threads are joined with nl_rows_merge().
 */
typedef struct nl_rows nl_rows;

/** nl_row_cmp_fn - the order of two rows: <0, 0, >0. */
typedef int (*nl_row_cmp_fn)(const void *a, const void *b);

/**
 * nl_rows_new - an empty row set of rows of @size bytes in the order @cmp.
 * Returns 0 or -ENOMEM / -EINVAL (size 0).
 */
int nl_rows_new(size_t size, nl_row_cmp_fn cmp, nl_rows **out);

/** nl_rows_free - free @*r (NULL is fine) and set *r to NULL. */
void nl_rows_free(nl_rows **r);

/** nl_rows_reserve - make room for @n more rows (a hint).  Returns 0 or -ENOMEM. */
int nl_rows_reserve(nl_rows *r, size_t n);

/**
 * nl_rows_add - append a row: a copy of @row (@size bytes).
 * Returns 0 or -ENOMEM.
 */
int nl_rows_add(nl_rows *r, const void *row);

/**
 * nl_rows_group_end - the rows added since the last call (if any) form a
 * group.  Returns 0 or -ENOMEM.
 */
int nl_rows_group_end(nl_rows *r);

/**
 * nl_rows_sort - sort: all rows, or with groups the rows inside each group
 * and the groups by their first rows.  Equal rows keep no particular order.
 * Returns 0 or -ENOMEM.
 */
int nl_rows_sort(nl_rows *r);

/**
 * nl_rows_merge - append the rows and groups of @src to @dst, both sorted
 * with groups, merging the two group orders as if sorted together.  Frees
 * @src (its memory is given back as its rows are copied, so the two never
 * hold much more than the rows).  Returns 0 or -ENOMEM (@src is freed anyway).
 */
int nl_rows_merge(nl_rows *dst, nl_rows **src);

/** nl_rows_count - the number of rows. */
size_t nl_rows_count(const nl_rows *r);

/** nl_rows_at - row @i (owned by @r; valid until it changes). */
const void *nl_rows_at(const nl_rows *r, size_t i);

/** nl_rows_groups - the number of groups (after nl_rows_sort()). */
size_t nl_rows_groups(const nl_rows *r);

/**
 * nl_rows_group - group @g in sorted order: its first row (the others
 * follow it, @size bytes apart); *@n receives its number of rows.
 */
const void *nl_rows_group(const nl_rows *r, size_t g, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
