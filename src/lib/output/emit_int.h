/* emit_int.h: the emitter's tables, cells and output buffers, shared by the output layer's files. */
#ifndef NTFSLINKS_EMIT_INT_H
#define NTFSLINKS_EMIT_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/emit.h>
#include <ntfslinks/unistr.h>

#define DEFAULT_TEXT_ROWS 4096

enum cell_type { C_NULL = 0, C_STR, C_INT, C_UINT, C_BOOL, C_HEX, C_TIME, C_STRS };

/*
 * A cell keeps its buffers from row to row (cleared, not freed), so a
 * stream of rows allocates nothing once the buffers have grown.
 */
struct cell {
	enum cell_type type;
	int64_t i;
	uint64_t u;
	unsigned digits;
	char *s;            /* C_STR: the string; C_STRS: all elements back to back */
	size_t slen, scap;  /* bytes used (C_STR: the string's length), allocated */
	size_t *off;        /* C_STRS: element k is s[off[k] .. off[k] + len[k]) */
	size_t *len;
	size_t n, cap;      /* C_STRS: elements, room in off/len */
};

/* A growing byte buffer. */
struct obuf {
	char *p;
	size_t n, cap;
	bool oom;
};

struct nl_table {
	nl_emit *e;
	nl_table *next;
	const char *type;
	struct nl_column *cols;
	size_t ncols;
	unsigned flags;
	struct cell *cur;
	size_t *order;      /* the columns written, in this order (nl_table_select()) */
	size_t norder;
	bool picked;        /* order was chosen: shown whatever NL_COL_NO_* say */
	/* text */
	char ***rows;       /* held-back rows: ncols escaped strings each */
	size_t nrows, rcap;
	size_t *widths;
	bool streaming;     /* widths fixed, rows written as they come */
	bool block_open;    /* a header for the current block was written */
	/* csv */
	bool csv_header;
};

struct nl_emit {
	struct obuf row;    /* the row being formatted (reused) */
	struct obuf tmp;    /* escaping scratch (reused) */
	enum nl_emit_format fmt;
	nl_write_fn fn;
	void *ctx;
	FILE *fp;
	unsigned flags;
	size_t text_rows;
	size_t text_width;  /* fit text tables into this many columns; 0: no limit */
	int err;
	bool any_text;      /* text written: next block starts with a blank line */
	nl_table *tables;
	nl_table *text_cur; /* table whose block is open in text */
};

/* ---- output buffers ---- */

/* Make room for @n more bytes plus a NUL; false (and oom set) if impossible. */
static inline bool ob_grow(struct obuf *b, size_t n)
{
	size_t nc = b->cap ? b->cap : 256;
	char *np;

	if (b->oom)
		return false;
	while (nc < b->n + n + 1)
		nc *= 2;
	np = realloc(b->p, nc);
	if (!np) {
		b->oom = true;
		return false;
	}
	b->p = np;
	b->cap = nc;
	return true;
}

static inline bool ob_reserve(struct obuf *b, size_t n)
{
	if (b->n + n + 1 <= b->cap && !b->oom)
		return true;
	return ob_grow(b, n);
}

/* ob_extend: @n more bytes at the end of @b (still terminated), to be filled by the caller; NULL
 * when out of memory. */
static inline char *ob_extend(struct obuf *b, size_t n)
{
	char *d;

	if (!ob_reserve(b, n))
		return NULL;
	d = b->p + b->n;
	b->n += n;
	b->p[b->n] = '\0';
	return d;
}

static inline void ob_add(struct obuf *b, const char *p, size_t n)
{
	char *d = ob_extend(b, n);

	if (d)
		memcpy(d, p, n);
}

static inline void ob_adds(struct obuf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

static inline void ob_pad(struct obuf *b, size_t n)
{
	char *d = ob_extend(b, n);

	if (d)
		memset(d, ' ', n);
}

/* Append @s escaped visibly (with @flags): one pass when the room suffices
 * (it does for most names: escapes are rare), a second one otherwise. */
static inline void ob_escaped(struct obuf *b, const char *s, size_t len, unsigned flags)
{
	size_t need;

	if (!ob_reserve(b, len + 16))
		return;
	need = nl_escape(s, len, flags, b->p + b->n, b->cap - b->n);
	if (need + 1 > b->cap - b->n) {
		if (!ob_reserve(b, need))
			return;
		nl_escape(s, len, flags, b->p + b->n, need + 1);
	}
	b->n += need;
}

/* col_shown - column @i of @t is written in the format whose NL_COL_NO_* flag is @no (the
 * loops go over t->order). */
static inline bool col_shown(const nl_table *t, size_t i, unsigned no)
{
	return t->picked || !(t->cols[i].flags & no);
}

/* emit_cell_plain - the text or CSV rendering of cell @c (escaped), null as @null_text, the
 * elements of an array joined by @join. */
void emit_cell_plain(const struct cell *c, struct obuf *b, const char *null_text, const char *join);

/* emit_cell_text - the text rendering of column @i of the current row of @t: as
 * emit_cell_plain(), a number of bytes of an NL_COL_BYTES column as lsblk writes sizes (1.1M)
 * unless NL_EMIT_EXACT_BYTES. */
void emit_cell_text(const nl_table *t, size_t i, struct obuf *b, const char *null_text,
		    const char *join);

/* emit_file_write - the write callback of nl_emit_open(): fwrite to the FILE * @ctx. */
int emit_file_write(void *ctx, const void *buf, size_t len);

/* emit_out - send @b to the output and empty it.  Returns 0 or the (sticky) error. */
int emit_out(nl_emit *e, struct obuf *b);

/* emit_free_rows - free the rows @t holds back for text widths. */
void emit_free_rows(nl_table *t);

/* The renderings of the current row of @t (emit_format.c).  Each returns 0
 * or the emitter's (sticky) error. */
int emit_row_text(nl_table *t);
int emit_row_json(nl_table *t);
int emit_row_csv(nl_table *t);
int emit_csv_header(nl_table *t);
/* emit_csv_headers - the header rows of the NL_TABLE_CSV_HEADER tables of @e that have none yet. */
int emit_csv_headers(nl_emit *e);
int emit_row_bodyfile(nl_table *t);
int emit_row_nul(nl_table *t);

/* emit_text_flush - write the rows @t holds back (computing widths over
 * them) and switch it to streaming. */
int emit_text_flush(nl_table *t);

#endif
