/* unistr.c: WTF-8 <-> UTF-16LE conversion, NTFS-style case folding, visible escaping, display width. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/unistr.h>
#include "base/unistr_int.h"

/* Read little-endian unit @i of an unaligned UTF-16LE array. */
static inline uint16_t get_unit(const uint8_t *p, size_t i)
{
	return (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8));
}

/* Store a host-order unit as little-endian into a uint16_t slot. */
static inline void put_unit(uint16_t *dst, uint16_t u)
{
	uint8_t *b = (uint8_t *)dst;

	b[0] = (uint8_t)(u & 0xFF);
	b[1] = (uint8_t)(u >> 8);
}

/* Encode @cp (<= 0x10FFFF, surrogates allowed) at @d; returns bytes used. */
static size_t put_cp(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

ssize_t nl_utf16le_to_wtf8_buf(const void *src, size_t units, char *dst, size_t cap)
{
	const uint8_t *p = src;
	size_t i, o = 0, need;

	if (cap == 0)
		return -ENOSPC;
	for (i = 0; i < units; i++) {
		uint32_t cp = get_unit(p, i);

		if (cp < 0x80 && o + 2 <= cap) {  /* ASCII, room for it and the NUL */
			dst[o++] = (char)cp;
			continue;
		}
		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units) {
			uint16_t lo = get_unit(p, i + 1);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
		}
		need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (o + need + 1 > cap) { /* room for this sequence plus the NUL */
			dst[0] = '\0';
			return -ENOSPC;
		}
		o += put_cp(dst + o, cp);
	}
	dst[o] = '\0';
	return (ssize_t)o;
}

int nl_utf16le_to_wtf8(const void *src, size_t units, char **out, size_t *outlen)
{
	size_t cap = NL_WTF8_SIZE(units);
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = nl_utf16le_to_wtf8_buf(src, units, buf, cap);
	if (n < 0) { /* cannot happen: cap is always enough */
		free(buf);
		return (int)n;
	}
	*out = buf;
	if (outlen)
		*outlen = (size_t)n;
	return 0;
}

int nl_wtf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = *pos, n;
	uint32_t c, min;
	uint8_t b;

	if (i >= len)
		return 1;
	b = p[i];
	if (b < 0x80) {
		*cp = b;
		*pos = i + 1;
		return 0;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2; c = b & 0x1F; min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3; c = b & 0x0F; min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4; c = b & 0x07; min = 0x10000;
	} else {
		return -EILSEQ;
	}
	if (len - i < n)
		return -EILSEQ;
	for (size_t k = 1; k < n; k++) {
		if ((p[i + k] & 0xC0) != 0x80)
			return -EILSEQ;
		c = (c << 6) | (p[i + k] & 0x3F);
	}
	if (c < min || c > 0x10FFFF)
		return -EILSEQ;
	*cp = c;
	*pos = i + n;
	return 0;
}

bool nl_wtf8_valid(const char *s, size_t len)
{
	size_t pos = 0;
	uint32_t cp;
	bool prev_high = false;
	int r;

	while ((r = nl_wtf8_next(s, len, &pos, &cp)) == 0) {
		if (prev_high && cp >= 0xDC00 && cp <= 0xDFFF)
			return false;
		prev_high = cp >= 0xD800 && cp <= 0xDBFF;
	}
	return r == 1;
}

bool nl_utf8_valid(const char *s, size_t len)
{
	size_t pos = 0;
	uint32_t cp;
	int r;

	while ((r = nl_wtf8_next(s, len, &pos, &cp)) == 0)
		if (cp >= 0xD800 && cp <= 0xDFFF)
			return false;
	return r == 1;
}

ssize_t nl_wtf8_to_utf16le_buf(const char *src, size_t len, uint16_t *dst, size_t cap)
{
	size_t pos = 0, o = 0;
	uint32_t cp;
	bool prev_high = false;
	int r;

	while ((r = nl_wtf8_next(src, len, &pos, &cp)) == 0) {
		if (prev_high && cp >= 0xDC00 && cp <= 0xDFFF)
			return -EILSEQ; /* a pair must be one 4-byte sequence */
		prev_high = cp >= 0xD800 && cp <= 0xDBFF;
		if (cp >= 0x10000) {
			if (o + 2 > cap)
				return -ENAMETOOLONG;
			cp -= 0x10000;
			put_unit(dst + o, (uint16_t)(0xD800 + (cp >> 10)));
			put_unit(dst + o + 1, (uint16_t)(0xDC00 + (cp & 0x3FF)));
			o += 2;
		} else {
			if (o + 1 > cap)
				return -ENAMETOOLONG;
			put_unit(dst + o, (uint16_t)cp);
			o++;
		}
	}
	if (r < 0)
		return -EILSEQ;
	return (ssize_t)o;
}

int nl_wtf8_to_utf16le(const char *src, size_t len, size_t max_units,
		       uint16_t **out, size_t *units)
{
	size_t cap = len;
	uint16_t *buf;
	ssize_t n;

	if (max_units && cap > max_units)
		cap = max_units;
	buf = malloc((cap + 1) * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	n = nl_wtf8_to_utf16le_buf(src, len, buf, cap);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	buf[n] = 0;
	*out = buf;
	if (units)
		*units = (size_t)n;
	return 0;
}

/* ------------------------------------------------------------------ case */

/* The built-in fallback upcase for the common alphabets. */
static uint16_t builtin_upcase(uint16_t c)
{
	if (c >= 'a' && c <= 'z')
		return (uint16_t)(c - 0x20);
	if (c < 0xB5)
		return c;
	if (c == 0xB5)
		return 0x039C;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return (uint16_t)(c - 0x20);
	if (c == 0xFF)
		return 0x0178;
	if (c >= 0x0100 && c <= 0x0137)
		return (uint16_t)(c & ~1u);
	if (c >= 0x0139 && c <= 0x0148)
		return (c & 1) ? c : (uint16_t)(c - 1);
	if (c >= 0x014A && c <= 0x0177)
		return (uint16_t)(c & ~1u);
	if (c == 0x017A || c == 0x017C || c == 0x017E)
		return (uint16_t)(c - 1);
	if (c >= 0x03B1 && c <= 0x03CB && c != 0x03C2)
		return (uint16_t)(c - 0x20);
	if (c == 0x03C2)
		return 0x03A3;
	if (c == 0x03AC)
		return 0x0386;
	if (c >= 0x03AD && c <= 0x03AF)
		return (uint16_t)(c - 0x25);
	if (c == 0x03CC)
		return 0x038C;
	if (c == 0x03CD || c == 0x03CE)
		return (uint16_t)(c - 0x3F);
	if (c >= 0x0430 && c <= 0x044F)
		return (uint16_t)(c - 0x20);
	if (c >= 0x0450 && c <= 0x045F)
		return (uint16_t)(c - 0x50);
	if (c >= 0xFF41 && c <= 0xFF5A)
		return (uint16_t)(c - 0x20);
	return c;
}

uint16_t nl_upcase_unit(uint16_t c, const uint16_t *upcase, size_t upcase_len)
{
	if (!upcase)
		return builtin_upcase(c);
	if (c >= upcase_len)
		return c;
	return get_unit((const uint8_t *)upcase, c);
}

int nl_utf16le_casecmp(const void *a, size_t alen, const void *b, size_t blen,
		       const uint16_t *upcase, size_t upcase_len)
{
	const uint8_t *pa = a, *pb = b;
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++) {
		uint16_t ca = nl_upcase_unit(get_unit(pa, i), upcase, upcase_len);
		uint16_t cb = nl_upcase_unit(get_unit(pb, i), upcase, upcase_len);

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

/* Iterator over the UTF-16 units of a NUL-terminated WTF-8 string. */
struct unit_iter {
	const char *s;
	size_t len, pos;
	uint16_t pending; /* low surrogate still to deliver, or 0 */
};

/* Next unit (0..0xFFFF), 0x10000+byte for an invalid byte, or -1 at end. */
static int32_t next_unit(struct unit_iter *it)
{
	uint32_t cp;
	int r;

	if (it->pending) {
		uint16_t u = it->pending;

		it->pending = 0;
		return u;
	}
	r = nl_wtf8_next(it->s, it->len, &it->pos, &cp);
	if (r == 1)
		return -1;
	if (r < 0)
		return 0x10000 + (uint8_t)it->s[it->pos++];
	if (cp >= 0x10000) {
		cp -= 0x10000;
		it->pending = (uint16_t)(0xDC00 + (cp & 0x3FF));
		return (int32_t)(0xD800 + (cp >> 10));
	}
	return (int32_t)cp;
}

int nl_wtf8_casecmp(const char *a, const char *b,
		    const uint16_t *upcase, size_t upcase_len)
{
	struct unit_iter ia = { a, strlen(a), 0, 0 }, ib = { b, strlen(b), 0, 0 };

	for (;;) {
		int32_t ua = next_unit(&ia), ub = next_unit(&ib);

		if (ua < 0 || ub < 0)
			return ua == ub ? 0 : ua < 0 ? -1 : 1;
		if (ua < 0x10000)
			ua = nl_upcase_unit((uint16_t)ua, upcase, upcase_len);
		if (ub < 0x10000)
			ub = nl_upcase_unit((uint16_t)ub, upcase, upcase_len);
		if (ua != ub)
			return ua < ub ? -1 : 1;
	}
}

/* --------------------------------------------------------------- escaping */

enum tok_kind { TOK_PLAIN, TOK_BYTE, TOK_CODE };

struct tok {
	enum tok_kind kind;
	size_t n;     /* input bytes taken */
	uint32_t val; /* byte value or code point */
};

static bool cp_needs_escape(uint32_t cp)
{
	if (cp >= 0x80 && cp <= 0x9F)
		return true;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return true;
	switch (cp) {
	case 0x200E: case 0x200F:
	case 0x2028: case 0x2029:
	case 0x202A: case 0x202B: case 0x202C: case 0x202D: case 0x202E:
	case 0x2066: case 0x2067: case 0x2068: case 0x2069:
	case 0xFEFF:
		return true;
	default:
		return false;
	}
}

/*
 * Bytes that end a run of plain ASCII: C0 controls, DEL, the backslash and
 * every byte >= 0x80 (bit 0); '|' too with NL_ESC_PIPE (bit 1).
 */
static const uint8_t esc_class[256] = {
	[0x00 ... 0x1F] = 1, ['\\'] = 1, ['|'] = 2, [0x7F ... 0xFF] = 1,
};

/* Classify the input at @pos (< len); @s[pos] is not a backslash. */
static struct tok next_tok(const char *s, size_t len, size_t pos, unsigned flags)
{
	struct tok t;
	size_t p = pos;
	uint32_t cp;
	uint8_t b = (uint8_t)s[pos];

	if (b < 0x20 || b == 0x7F || (b == '|' && (flags & NL_ESC_PIPE))) {
		t.kind = TOK_BYTE; t.n = 1; t.val = b;
		return t;
	}
	if (b < 0x80) {
		t.kind = TOK_PLAIN; t.n = 1; t.val = b;
		return t;
	}
	if (nl_wtf8_next(s, len, &p, &cp) != 0) {
		t.kind = TOK_BYTE; t.n = 1; t.val = b;
		return t;
	}
	t.n = p - pos;
	t.val = cp;
	t.kind = cp_needs_escape(cp) ? TOK_CODE : TOK_PLAIN;
	return t;
}

/*
 * True if a run of literal backslashes ending before @s[pos] must be written
 * doubled: what follows is an escape or the literal text "x{" or "u{".
 */
static bool run_needs_doubling(const char *s, size_t len, size_t pos, unsigned flags)
{
	if (pos >= len)
		return false;
	if ((s[pos] == 'x' || s[pos] == 'u') && pos + 1 < len && s[pos + 1] == '{')
		return true;
	return next_tok(s, len, pos, flags).kind != TOK_PLAIN;
}

/* Output sink that counts everything and stores what fits. */
struct sink {
	char *dst;
	size_t cap, n;
};

static inline void sink_put(struct sink *k, const char *p, size_t n)
{
	if (k->n + n < k->cap) {
		memcpy(k->dst + k->n, p, n);
	} else if (k->n + 1 < k->cap) {
		memcpy(k->dst + k->n, p, k->cap - 1 - k->n);
	}
	k->n += n;
}

static inline void sink_backslashes(struct sink *k, size_t n)
{
	static const char bs[] = "\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\";

	while (n) {
		size_t c = n < sizeof(bs) - 1 ? n : sizeof(bs) - 1;

		sink_put(k, bs, c);
		n -= c;
	}
}

size_t nl_escape(const char *src, size_t len, unsigned flags, char *dst, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *u = (const uint8_t *)src;
	uint8_t stop = (flags & NL_ESC_PIPE) ? 3 : 1;
	struct sink k = { dst, cap, 0 };
	size_t pos = 0;

	while (pos < len) {
		size_t run = pos;
		struct tok t;
		char e[8];

		/* fast path: a run of printable ASCII other than '\\' */
		while (run < len && !(esc_class[u[run]] & stop))
			run++;
		if (run > pos) {
			sink_put(&k, src + pos, run - pos);
			pos = run;
			continue;
		}
		if (u[pos] == '\\') {
			while (run < len && u[run] == '\\')
				run++;
			if ((flags & NL_ESC_ALL_BACKSLASHES) ||
			    run_needs_doubling(src, len, run, flags))
				sink_backslashes(&k, 2 * (run - pos));
			else
				sink_backslashes(&k, run - pos);
			pos = run;
			continue;
		}
		t = next_tok(src, len, pos, flags);
		if (t.kind == TOK_BYTE) {
			memcpy(e, "\\x{", 3);
			e[3] = hex[t.val >> 4]; e[4] = hex[t.val & 15];
			e[5] = '}';
			sink_put(&k, e, 6);
		} else if (t.kind == TOK_CODE) {
			memcpy(e, "\\u{", 3);
			e[3] = hex[(t.val >> 12) & 15]; e[4] = hex[(t.val >> 8) & 15];
			e[5] = hex[(t.val >> 4) & 15]; e[6] = hex[t.val & 15];
			e[7] = '}';
			sink_put(&k, e, 8);
		} else {
			sink_put(&k, src + pos, t.n);
		}
		pos += t.n;
	}
	if (cap)
		dst[k.n < cap ? k.n : cap - 1] = '\0';
	return k.n;
}

int nl_escape_dup(const char *src, size_t len, unsigned flags, char **out)
{
	size_t n = nl_escape(src, len, flags, NULL, 0);
	char *buf = malloc(n + 1);

	if (!buf)
		return -ENOMEM;
	nl_escape(src, len, flags, buf, n + 1);
	*out = buf;
	return 0;
}

bool nl_escape_needed(const char *src, size_t len)
{
	const uint8_t *u = (const uint8_t *)src;
	size_t pos = 0;

	while (pos < len) {
		struct tok t;

		if (!(esc_class[u[pos]] & 1)) {
			pos++;
			continue;
		}
		if (u[pos] == '\\') {
			while (pos < len && u[pos] == '\\')
				pos++;
			if (run_needs_doubling(src, len, pos, 0))
				return true;
			continue;
		}
		t = next_tok(src, len, pos, 0);
		if (t.kind != TOK_PLAIN)
			return true;
		pos += t.n;
	}
	return false;
}

/*
 * Parse "\x{H}" / "\x{HH}" or "\u{H..HHHHHH}" (<= 10FFFF) at @s[i] (a
 * backslash).  Returns the bytes taken (0 if malformed); *@out gets the
 * decoded bytes, *@on their number.
 */
static size_t parse_escape(const char *s, size_t len, size_t i, char *out, size_t *on)
{
	size_t j = i + 3, maxd;
	uint32_t v = 0;
	bool is_x;

	if (i + 3 > len || s[i + 2] != '{')
		return 0;
	is_x = s[i + 1] == 'x';
	maxd = is_x ? 2 : 6;
	while (j < len && j - (i + 3) < maxd && nl_hexval((unsigned char)s[j]) >= 0)
		v = v << 4 | (uint32_t)nl_hexval((unsigned char)s[j++]);
	if (j == i + 3 || j >= len || s[j] != '}' || v > 0x10FFFF)
		return 0;
	if (is_x) {
		out[0] = (char)v;
		*on = 1;
	} else {
		*on = put_cp(out, v);
	}
	return j + 1 - i;
}

int nl_unescape(const char *src, size_t len, char **out, size_t *outlen)
{
	char *buf = malloc(len + 1); /* never grows: escapes are longer than what they stand for */
	size_t i = 0, o = 0;

	if (!buf)
		return -ENOMEM;
	while (i < len) {
		size_t j = i, n, lit;

		if (src[i] != '\\') {
			buf[o++] = src[i++];
			continue;
		}
		while (j < len && src[j] == '\\')
			j++;
		n = j - i;
		if (j + 1 < len && (src[j] == 'x' || src[j] == 'u') && src[j + 1] == '{') {
			/* a doubled run; an odd last one starts an escape */
			size_t took = 0, dn = 0;
			char dec[4];

			lit = n / 2;
			memset(buf + o, '\\', lit);
			o += lit;
			if (n & 1) {
				took = parse_escape(src, len, j - 1, dec, &dn);
				if (took) {
					memcpy(buf + o, dec, dn);
					o += dn;
					i = j - 1 + took;
				} else {
					buf[o++] = '\\'; /* malformed: literal */
					i = j;
				}
			} else {
				i = j;
			}
			continue;
		}
		memset(buf + o, '\\', n);
		o += n;
		i = j;
	}
	buf[o] = '\0';
	*out = buf;
	if (outlen)
		*outlen = o;
	return 0;
}

/* ------------------------------------------------------------ display width */

static int cp_width(uint32_t cp)
{
	if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
	    (cp >= 0x0591 && cp <= 0x05BD) || (cp >= 0x0610 && cp <= 0x061A) ||
	    (cp >= 0x064B && cp <= 0x065F) || (cp >= 0x0E31 && cp <= 0x0E3A && cp != 0x0E32 && cp != 0x0E33) ||
	    (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
	    (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	    (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
	    (cp >= 0xE0100 && cp <= 0xE01EF))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	    (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	    (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
	    (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

size_t nl_display_width(const char *s, size_t len)
{
	size_t pos = 0, w = 0;
	uint32_t cp;
	int r;

	while ((r = nl_wtf8_next(s, len, &pos, &cp)) != 1) {
		if (r < 0) {
			pos++;
			w++;
			continue;
		}
		w += (size_t)cp_width(cp);
	}
	return w;
}
