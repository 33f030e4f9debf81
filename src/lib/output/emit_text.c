/* emit_text.c: the text rendering: aligned columns fitted to a width (cut or wrapped), "Header: value" summaries, one-line events. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/emit_int.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column wide */

static bool col_in_text(const nl_table *t, size_t i)
{
	return col_shown(t, i, NL_COL_NO_TEXT);
}

static const char *col_header(const nl_table *t, size_t i)
{
	return t->cols[i].header ? t->cols[i].header : t->cols[i].key;
}

static void text_sep_block(nl_emit *e, struct obuf *b)
{
	if (e->any_text)
		ob_add(b, "\n", 1);
	e->any_text = true;
}

/* The bytes of the longest start of @s[0..len) no wider than @maxw columns; its width in *@w. */
static size_t cut_at(const char *s, size_t len, size_t maxw, size_t *w)
{
	size_t pos = 0, width = 0;

	while (pos < len) {
		size_t next = pos, cw;
		uint32_t cp;

		if (nl_wtf8_next(s, len, &next, &cp) != 0)
			next = pos + 1;
		cw = nl_display_width(s + pos, next - pos);
		if (width + cw > maxw)
			break;
		width += cw;
		pos = next;
	}
	*w = width;
	return pos;
}

/* Is column @i of @t one whose values are cut or wrapped at its width? */
static bool col_fitted(const nl_table *t, size_t i)
{
	return t->e->text_width && (t->cols[i].flags & NL_COL_TRUNC);
}

/* One cell (@s, @len bytes, @w columns wide) into column @i, padded unless @last.  Returns
 * where its text ends in @b. */
static size_t put_cell(struct obuf *b, const nl_table *t, size_t i, const char *s, size_t len,
		       size_t w, bool last)
{
	size_t cw = t->widths[i], end;

	if (t->cols[i].flags & NL_COL_RIGHT) {
		if (w < cw)
			ob_pad(b, cw - w);
		ob_add(b, s, len);
		return b->n;
	}
	ob_add(b, s, len);
	end = b->n;
	if (!last && w < cw)
		ob_pad(b, cw - w);
	return end;
}

/*
 * Write one text line from escaped cell strings @v using the table widths.  A value of a
 * fitted column wider than its column is cut with an ellipsis, or with NL_EMIT_WRAP continued
 * on further lines (each holding the next piece of every such value, blanks elsewhere).
 */
static void text_line(nl_table *t, char **v, struct obuf *b)
{
	size_t last = 0, *done = NULL;
	bool more = true, wrap = (t->e->flags & NL_EMIT_WRAP) != 0;

	for (size_t k = 0; k < t->norder; k++)
		if (col_in_text(t, t->order[k]))
			last = t->order[k];
	if (wrap && t->e->text_width) {
		done = calloc(t->ncols, sizeof(*done)); /* bytes of each value written so far */
		if (!done) {
			b->oom = true;
			return;
		}
	}
	for (unsigned line = 0; more; line++) {
		size_t end = b->n; /* after the last value piece of the line */
		bool first = true;

		more = false;
		for (size_t k = 0; k < t->norder; k++) {
			size_t i = t->order[k], len, w, off = done ? done[i] : 0;
			const char *s = v[i] + off;

			if (!col_in_text(t, i))
				continue;
			if (!first)
				ob_add(b, "  ", 2);
			first = false;
			len = strlen(s);
			w = nl_display_width(s, len);
			if (line > 0 && !col_fitted(t, i)) {
				len = w = 0; /* continuation line: only wrapped values go on */
			} else if (col_fitted(t, i) && w > t->widths[i]) {
				if (done) {
					len = cut_at(s, len, t->widths[i], &w);
					if (!len) /* a character wider than the column: it goes on its own */
						len = cut_at(s, strlen(s), 2, &w);
					done[i] += len;
					more = true;
				} else {
					len = cut_at(s, len, t->widths[i] ? t->widths[i] - 1 : 0, &w);
					put_cell(b, t, i, s, len, w, true);
					ob_adds(b, ELLIPSIS);
					end = b->n;
					w++;
					if (i != last && w < t->widths[i])
						ob_pad(b, t->widths[i] - w);
					continue;
				}
			} else if (done) {
				done[i] += len;
			}
			if (len)
				end = put_cell(b, t, i, s, len, w, i == last);
			else
				put_cell(b, t, i, s, len, w, i == last);
		}
		if (line > 0 && !b->oom) /* a continuation line ends with its last piece */
			b->n = end;
		ob_add(b, "\n", 1);
	}
	free(done);
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

/* The narrowest a fitted column gets: its header (one column without headers). */
static size_t min_width(const nl_table *t, size_t i)
{
	size_t hw = (t->e->flags & NL_EMIT_NO_HEADER) ? 1 : strlen(col_header(t, i));

	return hw ? hw : 1;
}

static void text_init_widths(nl_table *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		size_t hw = (t->e->flags & NL_EMIT_NO_HEADER) ? 0 : strlen(col_header(t, i));

		t->widths[i] = t->cols[i].width > hw ? t->cols[i].width : hw;
	}
}

/* Narrow the widest fitted column, one column at a time, until a line fits e->text_width or
 * no fitted column can give more. */
static void text_fit_widths(nl_table *t)
{
	size_t total = 0, shown = 0;

	for (size_t k = 0; k < t->norder; k++)
		if (col_in_text(t, t->order[k])) {
			total += t->widths[t->order[k]];
			shown++;
		}
	total += shown ? 2 * (shown - 1) : 0;
	while (total > t->e->text_width) {
		size_t best = t->ncols;

		for (size_t k = 0; k < t->norder; k++) {
			size_t i = t->order[k];

			if (col_in_text(t, i) && col_fitted(t, i) && t->widths[i] > min_width(t, i) &&
			    (best == t->ncols || t->widths[i] > t->widths[best]))
				best = i;
		}
		if (best == t->ncols)
			break;
		t->widths[best]--;
		total--;
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
	if (t->e->text_width)
		text_fit_widths(t);
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

/* A row of a summary table: "Header: value" lines (only the values without headers). */
static int row_text_summary(nl_table *t)
{
	bool heads = !(t->e->flags & NL_EMIT_NO_HEADER);
	struct obuf b = { 0 };
	size_t lw = 0;
	int rc;

	nl_emit_flush(t->e);
	for (size_t k = 0; k < t->norder; k++) {
		size_t i = t->order[k];

		if (col_in_text(t, i) && strlen(col_header(t, i)) > lw)
			lw = strlen(col_header(t, i));
	}
	if (heads)
		text_sep_block(t->e, &b);
	for (size_t k = 0; k < t->norder; k++) {
		size_t i = t->order[k];

		if (!col_in_text(t, i))
			continue;
		if (heads) {
			ob_adds(&b, col_header(t, i));
			ob_add(&b, ":", 1);
			ob_pad(&b, lw - strlen(col_header(t, i)) + 1);
		}
		emit_cell_text(t, i, &b, "-", ", ");
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
	for (size_t k = 0; k < t->norder; k++) {
		size_t i = t->order[k], start;
		const struct cell *c = &t->cur[i];

		if (!col_in_text(t, i) ||
		    (c->type == C_NULL && (t->cols[i].flags & NL_COL_OPTIONAL)))
			continue;
		if (!first)
			ob_add(&b, " ", 1);
		first = false;
		start = b.n;
		emit_cell_text(t, i, &b, "-", ", ");
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

/* The text of every cell of the current row of @t (NULL when out of memory). */
static char **row_strings(nl_table *t)
{
	char **v = calloc(t->ncols, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < t->ncols; i++) {
		struct obuf b = { 0 };

		ob_add(&b, "", 0);
		emit_cell_text(t, i, &b, "-", ", ");
		if (b.oom) {
			for (size_t k = 0; k < i; k++)
				free(v[k]);
			free(v);
			free(b.p);
			return NULL;
		}
		v[i] = b.p;
	}
	return v;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int emit_row_text(nl_table *t)
{
	nl_emit *e = t->e;
	char **v;

	if (t->picked && !t->norder)
		return e->err;
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
	v = row_strings(t);
	if (!v)
		return e->err = -ENOMEM;
	if (t->streaming) {
		struct obuf b = { 0 };
		int rc;

		text_line(t, v, &b);
		free_strings(v, t->ncols);
		rc = emit_out(e, &b);
		free(b.p);
		return rc;
	}
	if (t->nrows == t->rcap) {
		size_t nc = t->rcap ? 2 * t->rcap : 64;
		char ***nr = realloc(t->rows, nc * sizeof(*nr));

		if (!nr) {
			free_strings(v, t->ncols);
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
	for (size_t r = 0; r < t->nrows; r++)
		free_strings(t->rows[r], t->ncols);
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
