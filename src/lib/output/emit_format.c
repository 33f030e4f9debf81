/* emit_format.c: the renderings of a value and of a row in JSON Lines, CSV, TSK bodyfile and NUL-separated names (text in emit_text.c). */
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

/* A list of strings joined by @join; an empty element (a name with no DOS
 * alias, kept so that the list stays parallel to another) is @null_text, and
 * a list of empty elements only is @null_text once. */
static void strs_plain(const struct cell *c, struct obuf *b, const char *null_text,
		       const char *join)
{
	size_t i = 0;

	while (i < c->n && c->len[i] == 0)
		i++;
	if (c->n && i == c->n && *null_text) {
		ob_adds(b, null_text);
		return;
	}
	for (i = 0; i < c->n; i++) {
		if (i)
			ob_adds(b, join);
		if (c->len[i])
			ob_escaped(b, c->s + c->off[i], c->len[i], 0);
		else
			ob_adds(b, null_text);
	}
}

void emit_cell_plain(const struct cell *c, struct obuf *b, const char *null_text, const char *join)
{
	switch (c->type) {
	case C_NULL:
		ob_adds(b, null_text);
		break;
	case C_STR:
		ob_escaped(b, c->s, c->slen, 0);
		break;
	case C_STRS:
		strs_plain(c, b, null_text, join);
		break;
	default:
		scalar_text(c, b);
		break;
	}
}

/* human_bytes - @v bytes as lsblk writes sizes: binary multiples with one decimal, rounded,
 * ".0" left out (512B, 4K, 1.1M). */
static void human_bytes(uint64_t v, char *buf, size_t n)
{
	static const char units[] = "BKMGTPE";
	unsigned exp = 0;
	uint64_t unit, whole, tenth;

	while (exp < 6 && v >> (10 * (exp + 1)))
		exp++;
	unit = (uint64_t)1 << (10 * exp);
	whole = v / unit;
	tenth = exp ? ((v % unit) * 10 + unit / 2) / unit : 0; /* (v % unit) * 10 < 2^64 */
	if (tenth == 10) {
		whole++;
		tenth = 0;
		if (whole == 1024 && exp < 6) {
			whole = 1;
			exp++;
		}
	}
	if (tenth)
		snprintf(buf, n, "%" PRIu64 ".%" PRIu64 "%c", whole, tenth, units[exp]);
	else
		snprintf(buf, n, "%" PRIu64 "%c", whole, units[exp]);
}

void emit_cell_text(const nl_table *t, size_t i, struct obuf *b, const char *null_text,
		    const char *join)
{
	const struct cell *c = &t->cur[i];
	char tmp[32];

	if (!(t->cols[i].flags & NL_COL_BYTES) || (t->e->flags & NL_EMIT_EXACT_BYTES) ||
	    (c->type != C_UINT && (c->type != C_INT || c->i < 0))) {
		emit_cell_plain(c, b, null_text, join);
		return;
	}
	human_bytes(c->type == C_UINT ? c->u : (uint64_t)c->i, tmp, sizeof(tmp));
	ob_adds(b, tmp);
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

int emit_row_json(nl_table *t)
{
	nl_emit *e = t->e;
	struct obuf *b = &e->row;

	if (t->picked && !t->norder)
		return e->err;
	b->n = 0;
	ob_adds(b, "{\"type\":");
	json_string(e, b, t->type, strlen(t->type));
	for (size_t k = 0; k < t->norder; k++) {
		size_t i = t->order[k];

		if (!col_shown(t, i, NL_COL_NO_JSON))
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
	for (size_t k = 0; k < t->norder; k++) {
		size_t i = t->order[k];

		if (!col_shown(t, i, NL_COL_NO_CSV))
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

	if ((t->flags & NL_TABLE_SUMMARY) || (t->picked && !t->norder))
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

	if ((t->flags & NL_TABLE_SUMMARY) || (t->picked && !t->norder))
		return t->e->err;
	csv_header(t, &b);
	for (size_t k = 0; k < t->norder; k++) {
		size_t i = t->order[k];

		if (!col_shown(t, i, NL_COL_NO_CSV))
			continue;
		if (!first)
			ob_add(&b, ",", 1);
		f.n = 0;
		ob_add(&f, "", 0);
		emit_cell_plain(&t->cur[i], &f, "", "; ");
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

