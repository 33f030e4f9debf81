/* emit.c: the table model and its renderings: aligned text, JSON Lines, CSV, TSK bodyfile, NUL-separated names. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	int err;
	bool any_text;      /* text written: next block starts with a blank line */
	nl_table *tables;
	nl_table *text_cur; /* table whose block is open in text */
};

/* ---- output ------------------------------------------------------------------ */

/* Make room for @n more bytes plus a NUL; false (and oom set) if impossible. */
static bool ob_grow(struct obuf *b, size_t n)
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

static inline void ob_add(struct obuf *b, const char *p, size_t n)
{
	if (!ob_reserve(b, n))
		return;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void ob_adds(struct obuf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

static void ob_pad(struct obuf *b, size_t n)
{
	static const char sp[] = "                                ";

	while (n) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		ob_add(b, sp, k);
		n -= k;
	}
}

/* Append @s escaped visibly (with @flags): one pass when the room suffices
 * (it does for most names: escapes are rare), a second one otherwise. */
static void ob_escaped(struct obuf *b, const char *s, size_t len, unsigned flags)
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

static int file_write(void *ctx, const void *buf, size_t len)
{
	FILE *fp = ctx;

	if (len && fwrite(buf, 1, len, fp) != len)
		return errno ? -errno : -EIO;
	if (ferror(fp))
		return -EIO;
	return 0;
}

/* Send @b to the output and empty it.  Returns 0 or the (sticky) error. */
static int emit_out(nl_emit *e, struct obuf *b)
{
	int rc;

	if (b->oom) {
		b->n = 0;
		b->oom = false;
		if (!e->err)
			e->err = -ENOMEM;
		return e->err;
	}
	if (e->err) {
		b->n = 0;
		return e->err;
	}
	rc = b->n ? e->fn(e->ctx, b->p, b->n) : 0;
	b->n = 0;
	if (rc)
		e->err = rc < 0 ? rc : -EIO;
	return e->err;
}

/* ---- open / close -------------------------------------------------------------- */

int nl_emit_format_from_name(const char *name)
{
	static const char *const names[] = { "text", "json", "csv", "bodyfile", "nul" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

int nl_emit_open_cb(enum nl_emit_format fmt, nl_write_fn fn, void *ctx,
		    const struct nl_emit_options *opt, nl_emit **out)
{
	nl_emit *e;

	*out = NULL;
	if ((unsigned)fmt > NL_EMIT_NUL || !fn)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->fmt = fmt;
	e->fn = fn;
	e->ctx = ctx;
	e->flags = opt ? opt->flags : 0;
	e->text_rows = opt && opt->text_buffer_rows ? opt->text_buffer_rows : DEFAULT_TEXT_ROWS;
	*out = e;
	return 0;
}

int nl_emit_open(enum nl_emit_format fmt, FILE *fp, const struct nl_emit_options *opt,
		 nl_emit **out)
{
	int rc;

	if (!fp)
		return -EINVAL;
	rc = nl_emit_open_cb(fmt, file_write, fp, opt, out);
	if (rc == 0)
		(*out)->fp = fp;
	return rc;
}

enum nl_emit_format nl_emit_get_format(const nl_emit *e)
{
	return e->fmt;
}

/* Empty @c (null), keeping its buffers for the next row. */
static void cell_clear(struct cell *c)
{
	c->type = C_NULL;
	c->slen = 0;
	c->n = 0;
}

static void cell_free(struct cell *c)
{
	free(c->s);
	free(c->off);
	free(c->len);
	memset(c, 0, sizeof(*c));
}

/* Room for @n more bytes (plus a NUL) in c->s.  Returns false on ENOMEM. */
static bool cell_room(struct cell *c, size_t n)
{
	size_t nc;
	char *np;

	if (c->slen + n + 1 <= c->scap)
		return true;
	nc = c->scap ? c->scap : 64;
	while (nc < c->slen + n + 1)
		nc *= 2;
	np = realloc(c->s, nc);
	if (!np)
		return false;
	c->s = np;
	c->scap = nc;
	return true;
}

static void free_rows(nl_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	t->nrows = 0;
}

static int text_flush_table(nl_table *t);

int nl_emit_flush(nl_emit *e)
{
	if (e->text_cur) {
		text_flush_table(e->text_cur);
		e->text_cur->block_open = false;
		e->text_cur->streaming = false;
		e->text_cur = NULL;
	}
	return e->err;
}

int nl_emit_close(nl_emit **ep)
{
	nl_emit *e;
	int rc;

	if (!ep || !*ep)
		return 0;
	e = *ep;
	nl_emit_flush(e);
	if (e->fp && !e->err && ferror(e->fp))
		e->err = -EIO;
	rc = e->err;
	while (e->tables) {
		nl_table *t = e->tables;

		e->tables = t->next;
		free_rows(t);
		free(t->rows);
		for (size_t c = 0; c < t->ncols; c++)
			cell_free(&t->cur[c]);
		free(t->cur);
		free(t->cols);
		free(t->widths);
		free(t);
	}
	free(e->row.p);
	free(e->tmp.p);
	free(e);
	*ep = NULL;
	return rc;
}

/* ---- tables and cells ------------------------------------------------------------ */

int nl_emit_table(nl_emit *e, const char *type, const struct nl_column *cols,
		  size_t ncols, unsigned flags, nl_table **out)
{
	nl_table *t;

	*out = NULL;
	if (!ncols || !cols || !type)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cols = malloc(ncols * sizeof(*cols));
	t->cur = calloc(ncols, sizeof(*t->cur));
	t->widths = calloc(ncols, sizeof(*t->widths));
	if (!t->cols || !t->cur || !t->widths) {
		free(t->cols);
		free(t->cur);
		free(t->widths);
		free(t);
		return -ENOMEM;
	}
	memcpy(t->cols, cols, ncols * sizeof(*cols));
	t->ncols = ncols;
	t->type = type;
	t->flags = flags;
	t->e = e;
	t->next = e->tables;
	e->tables = t;
	*out = t;
	return 0;
}

static struct cell *cell_at(nl_table *t, size_t col)
{
	if (!t || col >= t->ncols)
		return NULL;
	cell_clear(&t->cur[col]);
	return &t->cur[col];
}

int nl_cell_null(nl_table *t, size_t col)
{
	return cell_at(t, col) ? 0 : -ERANGE;
}

int nl_cell_strn(nl_table *t, size_t col, const char *s, size_t len)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	if (!s)
		return 0;
	if (!cell_room(c, len))
		return -ENOMEM;
	memcpy(c->s, s, len);
	c->s[len] = '\0';
	c->slen = len;
	c->type = C_STR;
	return 0;
}

int nl_cell_str(nl_table *t, size_t col, const char *s)
{
	return nl_cell_strn(t, col, s, s ? strlen(s) : 0);
}

int nl_cell_int(nl_table *t, size_t col, int64_t v)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	c->type = C_INT;
	c->i = v;
	return 0;
}

int nl_cell_uint(nl_table *t, size_t col, uint64_t v)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	c->type = C_UINT;
	c->u = v;
	return 0;
}

int nl_cell_bool(nl_table *t, size_t col, bool v)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	c->type = C_BOOL;
	c->u = v;
	return 0;
}

int nl_cell_hex(nl_table *t, size_t col, uint64_t v, unsigned digits)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	c->type = C_HEX;
	c->u = v;
	c->digits = digits > 16 ? 16 : digits;
	return 0;
}

int nl_cell_time(nl_table *t, size_t col, int64_t ntfs_time)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	c->type = C_TIME;
	c->i = ntfs_time;
	return 0;
}

int nl_cell_strs_empty(nl_table *t, size_t col)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	c->type = C_STRS;
	return 0;
}

int nl_cell_strs_add(nl_table *t, size_t col, const char *s, size_t len)
{
	struct cell *c;

	if (!t || col >= t->ncols)
		return -ERANGE;
	c = &t->cur[col];
	if (c->type != C_STRS) {
		cell_clear(c);
		c->type = C_STRS;
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 4;
		size_t *no = realloc(c->off, nc * sizeof(*no)), *nl;

		if (!no)
			return -ENOMEM;
		c->off = no;
		nl = realloc(c->len, nc * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		c->len = nl;
		c->cap = nc;
	}
	if (!cell_room(c, len))
		return -ENOMEM;
	if (len)
		memcpy(c->s + c->slen, s, len);
	c->off[c->n] = c->slen;
	c->len[c->n] = len;
	c->slen += len;
	c->s[c->slen] = '\0';
	c->n++;
	return 0;
}

/* ---- times ----------------------------------------------------------------------- */

#define NTFS_UNIX_DELTA 116444736000000000LL /* 100-ns ticks from 1601 to 1970 */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t nl_ntfs_time_to_unix(int64_t t)
{
	/* split to avoid overflow near INT64_MIN */
	return floor_div(t, 10000000) - NTFS_UNIX_DELTA / 10000000;
}

size_t nl_format_ntfs_time(int64_t t, char *buf, size_t size)
{
	int64_t secs = nl_ntfs_time_to_unix(t);
	int64_t frac = t - floor_div(t, 10000000) * 10000000;
	time_t tt = (time_t)secs;
	struct tm tm;
	int n;

	if (!gmtime_r(&tt, &tm)) {
		n = snprintf(buf, size, "%" PRId64, t);
		return n < 0 ? 0 : (size_t)n;
	}
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%07" PRId64 "Z",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, frac);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- rendering of one value --------------------------------------------------------- */

/* Decimal digits of @v, ending at @end; returns where they start. */
static char *fmt_u64(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

/* Scalar (non-string, non-null) value as text. */
static void scalar_text(const struct cell *c, struct obuf *b)
{
	char tmp[64], *p;

	switch (c->type) {
	case C_INT:
		p = fmt_u64(tmp + sizeof(tmp), c->i < 0 ? 0 - (uint64_t)c->i : (uint64_t)c->i);
		if (c->i < 0)
			*--p = '-';
		ob_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
		return;
	case C_UINT:
		p = fmt_u64(tmp + sizeof(tmp), c->u);
		ob_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
		return;
	case C_BOOL:
		snprintf(tmp, sizeof(tmp), "%s", c->u ? "true" : "false");
		break;
	case C_HEX:
		snprintf(tmp, sizeof(tmp), "0x%0*" PRIx64, (int)c->digits, c->u);
		break;
	case C_TIME:
		nl_format_ntfs_time(c->i, tmp, sizeof(tmp));
		break;
	default:
		tmp[0] = '\0';
		break;
	}
	ob_adds(b, tmp);
}

/* Text/CSV rendering of a cell (escaped), null as @null_text. */
static void cell_plain(const struct cell *c, struct obuf *b, const char *null_text,
		       const char *join)
{
	switch (c->type) {
	case C_NULL:
		ob_adds(b, null_text);
		break;
	case C_STR:
		ob_escaped(b, c->s, c->slen, 0);
		break;
	case C_STRS:
		for (size_t i = 0; i < c->n; i++) {
			if (i)
				ob_adds(b, join);
			ob_escaped(b, c->s + c->off[i], c->len[i], 0);
		}
		break;
	default:
		scalar_text(c, b);
		break;
	}
}

/* Bytes that need more than a copy in a JSON string: C0 controls, '"',
 * '\\', DEL and everything >= 0x80 (bit 0); '"' and '\\' need JSON's own
 * escaping after the visible one (bit 1). */
static const uint8_t json_class[256] = {
	[0x00 ... 0x1F] = 1, ['"'] = 3, ['\\'] = 3, [0x7F ... 0xFF] = 1,
};

/* Append @s[0..n) with JSON's escaping of '"' and '\\' (@s is already
 * visibly escaped: no control characters, valid UTF-8). */
static void json_quote_escaped(struct obuf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && !(json_class[(uint8_t)s[j]] & 2))
			j++;
		ob_add(b, s + i, j - i);
		if (j < n) {
			char q[2] = { '\\', s[j] };

			ob_add(b, q, 2);
			j++;
		}
		i = j;
	}
}

/* JSON string: the visible escaping, then JSON's own for '"' and '\\'.
 * Plain printable ASCII (nearly every name) is copied in one go. */
static void json_string(nl_emit *e, struct obuf *b, const char *s, size_t len)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = 0;

	while (i < len && !json_class[u[i]])
		i++;
	if (!ob_reserve(b, len + 2))
		return;
	b->p[b->n++] = '"';
	if (i == len) {
		memcpy(b->p + b->n, s, len);
		b->n += len;
	} else {
		e->tmp.n = 0;
		ob_escaped(&e->tmp, s, len, 0);
		if (e->tmp.oom) {
			e->tmp.oom = false;
			b->oom = true;
			return;
		}
		json_quote_escaped(b, e->tmp.p, e->tmp.n);
	}
	ob_add(b, "\"", 1);
}

static void cell_json(nl_emit *e, const struct cell *c, struct obuf *b)
{
	switch (c->type) {
	case C_NULL:
		ob_adds(b, "null");
		break;
	case C_STR:
		json_string(e, b, c->s, c->slen);
		break;
	case C_STRS:
		ob_add(b, "[", 1);
		for (size_t i = 0; i < c->n; i++) {
			if (i)
				ob_add(b, ",", 1);
			json_string(e, b, c->s + c->off[i], c->len[i]);
		}
		ob_add(b, "]", 1);
		break;
	case C_HEX:
	case C_TIME:
		ob_add(b, "\"", 1);
		scalar_text(c, b);
		ob_add(b, "\"", 1);
		break;
	default:
		scalar_text(c, b);
		break;
	}
}

/* ---- per format ---------------------------------------------------------------------- */

static bool col_in_text(const nl_table *t, size_t i)
{
	return !(t->cols[i].flags & NL_COL_NO_TEXT);
}

static const char *col_header(const nl_table *t, size_t i)
{
	return t->cols[i].header ? t->cols[i].header : t->cols[i].key;
}

static int row_json(nl_table *t)
{
	nl_emit *e = t->e;
	struct obuf *b = &e->row;

	b->n = 0;
	ob_adds(b, "{\"type\":");
	json_string(e, b, t->type, strlen(t->type));
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & NL_COL_NO_JSON)
			continue;
		ob_add(b, ",", 1);
		json_string(e, b, t->cols[i].key, strlen(t->cols[i].key));
		ob_add(b, ":", 1);
		cell_json(e, &t->cur[i], b);
	}
	ob_add(b, "}\n", 2);
	return emit_out(e, b);
}

static void csv_field(struct obuf *b, const char *s, size_t n)
{
	if (!memchr(s, '"', n) && !memchr(s, ',', n) && !memchr(s, '\r', n) && !memchr(s, '\n', n)) {
		ob_add(b, s, n);
		return;
	}
	ob_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			ob_add(b, "\"", 1);
		ob_add(b, s + i, 1);
	}
	ob_add(b, "\"", 1);
}

static int row_csv(nl_table *t)
{
	struct obuf b = { 0 }, f = { 0 };
	bool first = true;
	int rc;

	if (t->flags & NL_TABLE_SUMMARY)
		return t->e->err;
	if (!t->csv_header && !(t->e->flags & NL_EMIT_NO_HEADER)) {
		for (size_t i = 0; i < t->ncols; i++) {
			if (t->cols[i].flags & NL_COL_NO_CSV)
				continue;
			if (!first)
				ob_add(&b, ",", 1);
			csv_field(&b, t->cols[i].key, strlen(t->cols[i].key));
			first = false;
		}
		ob_add(&b, "\r\n", 2);
	}
	t->csv_header = true;
	first = true;
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & NL_COL_NO_CSV)
			continue;
		if (!first)
			ob_add(&b, ",", 1);
		f.n = 0;
		ob_add(&f, "", 0);
		cell_plain(&t->cur[i], &f, "", "; ");
		if (f.oom)
			b.oom = true;
		else
			csv_field(&b, f.p, f.n);
		first = false;
	}
	ob_add(&b, "\r\n", 2);
	rc = emit_out(t->e, &b);
	free(b.p);
	free(f.p);
	return rc;
}

static const struct cell *role_cell(const nl_table *t, unsigned role)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].flags & role)
			return &t->cur[i];
	return NULL;
}

static int64_t cell_int(const struct cell *c)
{
	if (!c)
		return 0;
	switch (c->type) {
	case C_INT:
		return c->i;
	case C_UINT:
	case C_HEX:
		return c->u > INT64_MAX ? INT64_MAX : (int64_t)c->u;
	default:
		return 0;
	}
}

static int64_t cell_unix(const struct cell *c)
{
	if (!c || c->type != C_TIME)
		return 0;
	return nl_ntfs_time_to_unix(c->i);
}

static int row_bodyfile(nl_table *t)
{
	const struct cell *name = role_cell(t, NL_ROLE_NAME), *target, *mode;
	struct obuf b = { 0 };
	char tmp[160];
	int rc;

	if (!name || (t->flags & NL_TABLE_SUMMARY))
		return t->e->err;
	target = role_cell(t, NL_ROLE_LINK_TARGET);
	mode = role_cell(t, NL_ROLE_MODE);
	ob_adds(&b, "0|");
	if (name->type == C_STR)
		ob_escaped(&b, name->s, name->slen, NL_ESC_PIPE);
	if (target && target->type == C_STR) {
		ob_adds(&b, " -> ");
		ob_escaped(&b, target->s, target->slen, NL_ESC_PIPE);
	}
	snprintf(tmp, sizeof(tmp), "|%" PRId64 "|", cell_int(role_cell(t, NL_ROLE_INODE)));
	ob_adds(&b, tmp);
	if (mode && mode->type == C_STR)
		ob_escaped(&b, mode->s, mode->slen, NL_ESC_PIPE);
	else
		ob_adds(&b, "r/rrwxrwxrwx");
	snprintf(tmp, sizeof(tmp), "|0|0|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "\n",
		 cell_int(role_cell(t, NL_ROLE_SIZE)), cell_unix(role_cell(t, NL_ROLE_ATIME)),
		 cell_unix(role_cell(t, NL_ROLE_MTIME)), cell_unix(role_cell(t, NL_ROLE_CTIME)),
		 cell_unix(role_cell(t, NL_ROLE_CRTIME)));
	ob_adds(&b, tmp);
	rc = emit_out(t->e, &b);
	free(b.p);
	return rc;
}

static int row_nul(nl_table *t)
{
	const struct cell *name = role_cell(t, NL_ROLE_NAME);
	struct obuf b = { 0 };
	int rc;

	if (!name || (t->flags & NL_TABLE_SUMMARY) || name->type != C_STR)
		return t->e->err;
	if (t->e->flags & NL_EMIT_RAW_NAMES)
		ob_add(&b, name->s, name->slen);
	else
		ob_escaped(&b, name->s, name->slen, 0);
	ob_add(&b, "", 1); /* the NUL (ob_add copies n bytes: one NUL) */
	rc = emit_out(t->e, &b);
	free(b.p);
	return rc;
}

/* ---- text -------------------------------------------------------------------------- */

static void text_sep_block(nl_emit *e, struct obuf *b)
{
	if (e->any_text)
		ob_add(b, "\n", 1);
	e->any_text = true;
}

/* Write one text line from escaped cell strings @v using the table widths. */
static void text_line(nl_table *t, char **v, struct obuf *b)
{
	size_t last = 0;
	bool first = true;

	for (size_t i = 0; i < t->ncols; i++)
		if (col_in_text(t, i))
			last = i;
	for (size_t i = 0; i < t->ncols; i++) {
		size_t w, len;

		if (!col_in_text(t, i))
			continue;
		if (!first)
			ob_add(b, "  ", 2);
		first = false;
		len = strlen(v[i]);
		w = nl_display_width(v[i], len);
		if (t->cols[i].flags & NL_COL_RIGHT) {
			if (w < t->widths[i])
				ob_pad(b, t->widths[i] - w);
			ob_add(b, v[i], len);
		} else {
			ob_add(b, v[i], len);
			if (i != last && w < t->widths[i])
				ob_pad(b, t->widths[i] - w);
		}
	}
	ob_add(b, "\n", 1);
}

static void text_header(nl_table *t, struct obuf *b)
{
	char **h = calloc(t->ncols, sizeof(*h));

	if (!h) {
		b->oom = true;
		return;
	}
	for (size_t i = 0; i < t->ncols; i++)
		h[i] = (char *)col_header(t, i);
	text_line(t, h, b);
	free(h);
}

static void text_init_widths(nl_table *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		size_t hw = (t->e->flags & NL_EMIT_NO_HEADER) ? 0 : strlen(col_header(t, i));

		t->widths[i] = t->cols[i].width > hw ? t->cols[i].width : hw;
	}
}

/* Write the held-back rows (computing widths over them) and switch to streaming. */
static int text_flush_table(nl_table *t)
{
	struct obuf b = { 0 };
	int rc;

	if (!t->block_open || t->streaming)
		return t->e->err;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t i = 0; i < t->ncols; i++) {
			size_t w = nl_display_width(t->rows[r][i], strlen(t->rows[r][i]));

			if (w > t->widths[i])
				t->widths[i] = w;
		}
	text_sep_block(t->e, &b);
	if (!(t->e->flags & NL_EMIT_NO_HEADER))
		text_header(t, &b);
	for (size_t r = 0; r < t->nrows; r++) {
		text_line(t, t->rows[r], &b);
		if (b.n > 65536 && emit_out(t->e, &b))
			break;
	}
	free_rows(t);
	t->streaming = true;
	rc = emit_out(t->e, &b);
	free(b.p);
	return rc;
}

static int row_text_summary(nl_table *t)
{
	struct obuf b = { 0 };
	size_t lw = 0;
	int rc;

	nl_emit_flush(t->e);
	for (size_t i = 0; i < t->ncols; i++)
		if (col_in_text(t, i) && strlen(col_header(t, i)) > lw)
			lw = strlen(col_header(t, i));
	text_sep_block(t->e, &b);
	for (size_t i = 0; i < t->ncols; i++) {
		if (!col_in_text(t, i))
			continue;
		ob_adds(&b, col_header(t, i));
		ob_add(&b, ":", 1);
		ob_pad(&b, lw - strlen(col_header(t, i)) + 1);
		cell_plain(&t->cur[i], &b, "-", ", ");
		ob_add(&b, "\n", 1);
	}
	rc = emit_out(t->e, &b);
	free(b.p);
	return rc;
}

static int row_text(nl_table *t)
{
	nl_emit *e = t->e;
	char **v;

	if (t->flags & NL_TABLE_SUMMARY)
		return row_text_summary(t);
	if (e->text_cur != t) {
		nl_emit_flush(e);
		e->text_cur = t;
		t->block_open = true;
		t->streaming = false;
		text_init_widths(t);
	}
	v = calloc(t->ncols, sizeof(*v));
	if (!v)
		return e->err = -ENOMEM;
	for (size_t i = 0; i < t->ncols; i++) {
		struct obuf b = { 0 };

		ob_add(&b, "", 0);
		cell_plain(&t->cur[i], &b, "-", ", ");
		if (b.oom) {
			for (size_t k = 0; k < i; k++)
				free(v[k]);
			free(v);
			free(b.p);
			return e->err = -ENOMEM;
		}
		v[i] = b.p;
	}
	if (t->streaming) {
		struct obuf b = { 0 };
		int rc;

		text_line(t, v, &b);
		for (size_t i = 0; i < t->ncols; i++)
			free(v[i]);
		free(v);
		rc = emit_out(e, &b);
		free(b.p);
		return rc;
	}
	if (t->nrows == t->rcap) {
		size_t nc = t->rcap ? 2 * t->rcap : 64;
		char ***nr = realloc(t->rows, nc * sizeof(*nr));

		if (!nr) {
			for (size_t i = 0; i < t->ncols; i++)
				free(v[i]);
			free(v);
			return e->err = -ENOMEM;
		}
		t->rows = nr;
		t->rcap = nc;
	}
	t->rows[t->nrows++] = v;
	if (t->nrows >= e->text_rows)
		return text_flush_table(t);
	return e->err;
}

int nl_row_end(nl_table *t)
{
	int rc;

	switch (t->e->fmt) {
	case NL_EMIT_TEXT:
		rc = row_text(t);
		break;
	case NL_EMIT_JSON:
		rc = row_json(t);
		break;
	case NL_EMIT_CSV:
		rc = row_csv(t);
		break;
	case NL_EMIT_BODYFILE:
		rc = row_bodyfile(t);
		break;
	default:
		rc = row_nul(t);
		break;
	}
	for (size_t i = 0; i < t->ncols; i++)
		cell_clear(&t->cur[i]);
	return rc;
}
