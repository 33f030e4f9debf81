/* emit.c: the table model: emitters, tables and cells (renderings in emit_format.c, the output sink in emit_sink.c). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "output/emit_int.h"

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
	e->text_width = opt ? opt->text_width : 0;
	*out = e;
	return 0;
}

int nl_emit_open(enum nl_emit_format fmt, FILE *fp, const struct nl_emit_options *opt,
		 nl_emit **out)
{
	int rc;

	if (!fp)
		return -EINVAL;
	rc = nl_emit_open_cb(fmt, emit_file_write, fp, opt, out);
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

int nl_emit_close(nl_emit **ep)
{
	nl_emit *e;
	int rc;

	if (!ep || !*ep)
		return 0;
	e = *ep;
	nl_emit_flush(e);
	if (e->fmt == NL_EMIT_CSV)
		emit_csv_headers(e);
	if (e->fp && !e->err && ferror(e->fp))
		e->err = -EIO;
	rc = e->err;
	while (e->tables) {
		nl_table *t = e->tables;

		e->tables = t->next;
		emit_free_rows(t);
		free(t->rows);
		for (size_t c = 0; c < t->ncols; c++)
			cell_free(&t->cur[c]);
		free(t->cur);
		free(t->cols);
		free(t->widths);
		free(t->order);
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
	t->order = malloc(ncols * sizeof(*t->order));
	if (!t->cols || !t->cur || !t->widths || !t->order) {
		free(t->cols);
		free(t->cur);
		free(t->widths);
		free(t->order);
		free(t);
		return -ENOMEM;
	}
	memcpy(t->cols, cols, ncols * sizeof(*cols));
	for (size_t i = 0; i < ncols; i++)
		t->order[i] = i;
	t->norder = ncols;
	t->ncols = ncols;
	t->type = type;
	t->flags = flags;
	t->e = e;
	t->next = e->tables;
	e->tables = t;
	*out = t;
	return 0;
}

/* The column of @t whose key is @name[0..len) in any case, or ncols. */
static size_t col_named(const nl_table *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->ncols; i++)
		if ((t->cols[i].flags & NL_COL_HIDDEN) != NL_COL_HIDDEN &&
		    strlen(t->cols[i].key) == len && strncasecmp(t->cols[i].key, name, len) == 0)
			return i;
	return t->ncols;
}

int nl_table_select(nl_table *t, const char *list)
{
	size_t n = 0;

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ","), i = col_named(t, p, len);
		bool dup = false;

		for (size_t k = 0; k < n; k++)
			dup |= t->order[k] == i;
		if (i < t->ncols && !dup)
			t->order[n++] = i;
		p += len + (p[len] == ',');
	}
	t->norder = n;
	t->picked = true;
	return (int)n;
}

/* The header rows of the CSV tables that asked for one and have had no row. */
int emit_csv_headers(nl_emit *e)
{
	for (nl_table *t = e->tables; t; t = t->next)
		if ((t->flags & NL_TABLE_CSV_HEADER) && !t->csv_header)
			emit_csv_header(t);
	return e->err;
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

/* cell_num: column @col of the current row holds a number of @type: @i for C_INT and C_TIME,
 * @u (shown with at least @digits digits for C_HEX) for the others. */
static int cell_num(nl_table *t, size_t col, enum cell_type type, int64_t i, uint64_t u,
		    unsigned digits)
{
	struct cell *c = cell_at(t, col);

	if (!c)
		return -ERANGE;
	c->type = type;
	c->i = i;
	c->u = u;
	c->digits = digits;
	return 0;
}

int nl_cell_int(nl_table *t, size_t col, int64_t v)
{
	return cell_num(t, col, C_INT, v, 0, 0);
}

int nl_cell_uint(nl_table *t, size_t col, uint64_t v)
{
	return cell_num(t, col, C_UINT, 0, v, 0);
}

int nl_cell_bool(nl_table *t, size_t col, bool v)
{
	return cell_num(t, col, C_BOOL, 0, v, 0);
}

int nl_cell_hex(nl_table *t, size_t col, uint64_t v, unsigned digits)
{
	return cell_num(t, col, C_HEX, 0, v, digits > 16 ? 16 : digits);
}

int nl_cell_time(nl_table *t, size_t col, int64_t ntfs_time)
{
	return cell_num(t, col, C_TIME, ntfs_time, 0, 0);
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

int nl_row_end(nl_table *t)
{
	int rc;

	switch (t->e->fmt) {
	case NL_EMIT_TEXT:
		rc = emit_row_text(t);
		break;
	case NL_EMIT_JSON:
		rc = emit_row_json(t);
		break;
	case NL_EMIT_CSV:
		rc = emit_row_csv(t);
		break;
	case NL_EMIT_BODYFILE:
		rc = emit_row_bodyfile(t);
		break;
	default:
		rc = emit_row_nul(t);
		break;
	}
	for (size_t i = 0; i < t->ncols; i++)
		cell_clear(&t->cur[i]);
	return rc;
}
