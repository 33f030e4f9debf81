/* emit_format.c: the renderings of a row: aligned text, JSON Lines, CSV, TSK bodyfile, NUL-separated names. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/emit_int.h"

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

int emit_row_json(nl_table *t)
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

/* The header row of @t into @b, once per table (none with NL_EMIT_NO_HEADER). */
static void csv_header(nl_table *t, struct obuf *b)
{
	bool first = true;

	if (t->csv_header || (t->e->flags & NL_EMIT_NO_HEADER)) {
		t->csv_header = true;
		return;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & NL_COL_NO_CSV)
			continue;
		if (!first)
			ob_add(b, ",", 1);
		csv_field(b, t->cols[i].key, strlen(t->cols[i].key));
		first = false;
	}
	ob_add(b, "\r\n", 2);
	t->csv_header = true;
}

int emit_csv_header(nl_table *t)
{
	struct obuf b = { 0 };
	int rc;

	if (t->flags & NL_TABLE_SUMMARY)
		return t->e->err;
	csv_header(t, &b);
	if (!b.n && !b.oom)
		return t->e->err;
	rc = emit_out(t->e, &b);
	free(b.p);
	return rc;
}

int emit_row_csv(nl_table *t)
{
	struct obuf b = { 0 }, f = { 0 };
	bool first = true;
	int rc;

	if (t->flags & NL_TABLE_SUMMARY)
		return t->e->err;
	csv_header(t, &b);
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

int emit_row_bodyfile(nl_table *t)
{
	const struct cell *name = role_cell(t, NL_ROLE_NAME), *target, *mode, *del, *seq;
	struct obuf b = { 0 };
	char tmp[160];
	bool deleted;
	int rc;

	if (!name || (t->flags & NL_TABLE_SUMMARY))
		return t->e->err;
	target = role_cell(t, NL_ROLE_LINK_TARGET);
	mode = role_cell(t, NL_ROLE_MODE);
	del = role_cell(t, NL_ROLE_DELETED);
	deleted = del && del->type == C_BOOL && del->u;
	ob_adds(&b, "0|");
	if (name->type == C_STR)
		ob_escaped(&b, name->s, name->slen, NL_ESC_PIPE);
	if (deleted)
		ob_adds(&b, " (deleted)");
	if (target && target->type == C_STR) {
		ob_adds(&b, " -> ");
		ob_escaped(&b, target->s, target->slen, NL_ESC_PIPE);
	}
	seq = role_cell(t, NL_ROLE_SEQ);
	if (seq && seq->type != C_NULL)
		snprintf(tmp, sizeof(tmp), "|%" PRId64 "-%" PRId64 "|",
			 cell_int(role_cell(t, NL_ROLE_INODE)), cell_int(seq));
	else
		snprintf(tmp, sizeof(tmp), "|%" PRId64 "|", cell_int(role_cell(t, NL_ROLE_INODE)));
	ob_adds(&b, tmp);
	/* A deleted name's own type is unknown: "-" before the '/', as fls -m writes it. */
	if (mode && mode->type == C_STR && mode->slen > 1 && deleted) {
		ob_adds(&b, "-");
		ob_escaped(&b, mode->s + 1, mode->slen - 1, NL_ESC_PIPE);
	} else if (mode && mode->type == C_STR) {
		ob_escaped(&b, mode->s, mode->slen, NL_ESC_PIPE);
	} else {
		ob_adds(&b, deleted ? "-/rrwxrwxrwx" : "r/rrwxrwxrwx");
	}
	snprintf(tmp, sizeof(tmp), "|0|0|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "\n",
		 cell_int(role_cell(t, NL_ROLE_SIZE)), cell_unix(role_cell(t, NL_ROLE_ATIME)),
		 cell_unix(role_cell(t, NL_ROLE_MTIME)), cell_unix(role_cell(t, NL_ROLE_CTIME)),
		 cell_unix(role_cell(t, NL_ROLE_CRTIME)));
	ob_adds(&b, tmp);
	rc = emit_out(t->e, &b);
	free(b.p);
	return rc;
}

int emit_row_nul(nl_table *t)
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
int emit_text_flush(nl_table *t)
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
	emit_free_rows(t);
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

/* A row of an NL_TABLE_LINES table: one line of its own. */
static int row_text_lines(nl_table *t)
{
	struct obuf b = { 0 };
	bool first = true;
	int rc;

	nl_emit_flush(t->e);
	for (size_t i = 0; i < t->ncols; i++) {
		const struct cell *c = &t->cur[i];
		size_t start;

		if (!col_in_text(t, i) ||
		    (c->type == C_NULL && (t->cols[i].flags & NL_COL_OPTIONAL)))
			continue;
		if (!first)
			ob_add(&b, " ", 1);
		first = false;
		start = b.n;
		cell_plain(c, &b, "-", ", ");
		if (!b.oom && t->cols[i].width) {
			size_t w = nl_display_width(b.p + start, b.n - start);

			if (w < t->cols[i].width)
				ob_pad(&b, t->cols[i].width - w);
		}
	}
	ob_add(&b, "\n", 1);
	rc = emit_out(t->e, &b);
	free(b.p);
	return rc;
}

int emit_row_text(nl_table *t)
{
	nl_emit *e = t->e;
	char **v;

	if (t->flags & NL_TABLE_LINES)
		return row_text_lines(t);
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
		return emit_text_flush(t);
	return e->err;
}

/* ---- the rows held back for text widths ---- */

void emit_free_rows(nl_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	t->nrows = 0;
}

int nl_emit_flush(nl_emit *e)
{
	if (e->text_cur) {
		emit_text_flush(e->text_cur);
		e->text_cur->block_open = false;
		e->text_cur->streaming = false;
		e->text_cur = NULL;
	}
	return e->err;
}
