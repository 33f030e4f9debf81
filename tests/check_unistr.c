/* check_unistr.c: Check suite for WTF-8 conversion, case folding and the visible escaping (unistr.h). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/unistr.h>
#include "testutil.h"

/* Build a little-endian byte image of host-order units. */
static void to_le(const uint16_t *u, size_t n, uint8_t *b)
{
	for (size_t i = 0; i < n; i++) {
		b[2 * i] = (uint8_t)(u[i] & 0xFF);
		b[2 * i + 1] = (uint8_t)(u[i] >> 8);
	}
}

static const struct {
	uint16_t u[6];
	size_t n;
	const char *w;
	size_t wlen;
} conv_cases[] = {
	{ { 'a', 'b', 'c' }, 3, "abc", 3 },
	{ { 0 }, 0, "", 0 },
	{ { 0xE9, 0x20AC }, 2, "\xC3\xA9\xE2\x82\xAC", 5 },
	{ { 0xD83D, 0xDE00 }, 2, "\xF0\x9F\x98\x80", 4 },               /* pair */
	{ { 'x', 0xD800, 'y' }, 3, "x\xED\xA0\x80y", 5 },                /* lone high */
	{ { 0xDC00 }, 1, "\xED\xB0\x80", 3 },                            /* lone low */
	{ { 0xDC00, 0xD800 }, 2, "\xED\xB0\x80\xED\xA0\x80", 6 },        /* reversed pair */
	{ { 0xD800, 0xD800, 0xDC00 }, 3, "\xED\xA0\x80\xF0\x90\x80\x80", 7 },
	{ { 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF }, 5,
	  "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF", 11 },
};

START_TEST(test_conv_roundtrip)
{
	uint8_t le[12];
	char buf[32];
	uint16_t back[8];
	char *dup = NULL;
	size_t duplen = 0;
	ssize_t n;

	to_le(conv_cases[_i].u, conv_cases[_i].n, le);
	n = nl_utf16le_to_wtf8_buf(le, conv_cases[_i].n, buf, sizeof(buf));
	ck_assert_int_eq(n, (ssize_t)conv_cases[_i].wlen);
	ck_assert_mem_eq(buf, conv_cases[_i].w, conv_cases[_i].wlen);
	ck_assert_int_eq(buf[n], 0);
	ck_assert(nl_wtf8_valid(buf, (size_t)n));

	ck_assert_int_eq(nl_utf16le_to_wtf8(le, conv_cases[_i].n, &dup, &duplen), 0);
	ck_assert_uint_eq(duplen, conv_cases[_i].wlen);
	ck_assert_mem_eq(dup, conv_cases[_i].w, duplen);
	free(dup);

	n = nl_wtf8_to_utf16le_buf(conv_cases[_i].w, conv_cases[_i].wlen, back, 8);
	ck_assert_int_eq(n, (ssize_t)conv_cases[_i].n);
	ck_assert_mem_eq(back, le, 2 * conv_cases[_i].n);
}
END_TEST

START_TEST(test_conv_limits)
{
	uint8_t le[2 * 300];
	char *big = malloc(NL_WTF8_SIZE(300));
	uint16_t *u = NULL;
	size_t units = 0;
	char small[4];

	for (int i = 0; i < 300; i++) {
		le[2 * i] = 0xAC;
		le[2 * i + 1] = 0x20; /* U+20AC, 3 bytes each */
	}
	ck_assert_int_eq(nl_utf16le_to_wtf8_buf(le, 300, big, NL_WTF8_SIZE(300)), 900);
	/* exactly enough / one short */
	ck_assert_int_eq(nl_utf16le_to_wtf8_buf(le, 1, small, 4), 3);
	ck_assert_int_eq(nl_utf16le_to_wtf8_buf(le, 1, small, 3), -ENOSPC);
	ck_assert_int_eq(nl_utf16le_to_wtf8_buf(le, 0, small, 0), -ENOSPC);

	ck_assert_int_eq(nl_wtf8_to_utf16le(big, 900, NL_NAME_MAX_UNITS, &u, &units), -ENAMETOOLONG);
	ck_assert_int_eq(nl_wtf8_to_utf16le(big, 3 * 255, NL_NAME_MAX_UNITS, &u, &units), 0);
	ck_assert_uint_eq(units, 255);
	ck_assert_uint_eq(u[255], 0);
	free(u);
	/* a pair needs two units: does not fit into one */
	{
		uint16_t one[1];

		ck_assert_int_eq(nl_wtf8_to_utf16le_buf("\xF0\x9F\x98\x80", 4, one, 1), -ENAMETOOLONG);
	}
	free(big);
}
END_TEST

static const struct {
	const char *s;
	size_t len;
} bad_wtf8[] = {
	{ "\x80", 1 },                    /* stray continuation */
	{ "\xC0\xAF", 2 },                /* overlong '/' */
	{ "\xE0\x80\xAF", 3 },            /* overlong */
	{ "\xF0\x80\x80\xAF", 4 },        /* overlong */
	{ "\xF4\x90\x80\x80", 4 },        /* above U+10FFFF */
	{ "\xF5\x80\x80\x80", 4 },
	{ "\xC3", 1 },                    /* truncated */
	{ "a\xE2\x82", 3 },               /* truncated */
	{ "\xED\xA0\xBD\xED\xB8\x80", 6 }, /* pair spelled as two surrogates */
	{ "\xFF", 1 },
};

START_TEST(test_conv_invalid)
{
	uint16_t out[16];
	uint16_t *dyn = NULL;

	ck_assert(!nl_wtf8_valid(bad_wtf8[_i].s, bad_wtf8[_i].len));
	ck_assert_int_eq(nl_wtf8_to_utf16le_buf(bad_wtf8[_i].s, bad_wtf8[_i].len, out, 16), -EILSEQ);
	ck_assert_int_eq(nl_wtf8_to_utf16le(bad_wtf8[_i].s, bad_wtf8[_i].len, 0, &dyn, NULL), -EILSEQ);
	ck_assert_ptr_null(dyn);
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert(nl_utf8_valid("abc\xC3\xA9", 5));
	ck_assert(!nl_utf8_valid("\xED\xA0\x80", 3));
	ck_assert(nl_wtf8_valid("\xED\xA0\x80", 3));
	ck_assert(nl_wtf8_valid("\xED\xB0\x80\xED\xA0\x80", 6)); /* low then high: two lone ones */
	ck_assert(nl_utf8_valid("", 0));
}
END_TEST

START_TEST(test_wtf8_next)
{
	size_t pos = 0;
	uint32_t cp = 0;

	ck_assert_int_eq(nl_wtf8_next("a\xF0\x9F\x98\x80\x80", 6, &pos, &cp), 0);
	ck_assert_uint_eq(cp, 'a');
	ck_assert_int_eq(nl_wtf8_next("a\xF0\x9F\x98\x80\x80", 6, &pos, &cp), 0);
	ck_assert_uint_eq(cp, 0x1F600);
	ck_assert_uint_eq(pos, 5);
	ck_assert_int_eq(nl_wtf8_next("a\xF0\x9F\x98\x80\x80", 6, &pos, &cp), -EILSEQ);
	ck_assert_uint_eq(pos, 5);
	pos = 6;
	ck_assert_int_eq(nl_wtf8_next("a\xF0\x9F\x98\x80\x80", 6, &pos, &cp), 1);
}
END_TEST

START_TEST(test_upcase)
{
	static uint16_t table[65536];
	uint8_t a[8], b[8];
	uint16_t ua[] = { 'r', 0xE9, 's' }, ub[] = { 'R', 0xC9, 'S' };

	ck_assert_uint_eq(nl_upcase_unit('a', NULL, 0), 'A');
	ck_assert_uint_eq(nl_upcase_unit('Z', NULL, 0), 'Z');
	ck_assert_uint_eq(nl_upcase_unit(0xE9, NULL, 0), 0xC9);
	ck_assert_uint_eq(nl_upcase_unit(0xF7, NULL, 0), 0xF7);
	ck_assert_uint_eq(nl_upcase_unit(0xFF, NULL, 0), 0x178);
	ck_assert_uint_eq(nl_upcase_unit(0x101, NULL, 0), 0x100);
	ck_assert_uint_eq(nl_upcase_unit(0x13A, NULL, 0), 0x139);
	ck_assert_uint_eq(nl_upcase_unit(0x17E, NULL, 0), 0x17D);
	ck_assert_uint_eq(nl_upcase_unit(0x3B1, NULL, 0), 0x391);
	ck_assert_uint_eq(nl_upcase_unit(0x3C2, NULL, 0), 0x3A3);
	ck_assert_uint_eq(nl_upcase_unit(0x436, NULL, 0), 0x416);
	ck_assert_uint_eq(nl_upcase_unit(0x451, NULL, 0), 0x401);
	ck_assert_uint_eq(nl_upcase_unit(0xD800, NULL, 0), 0xD800);

	/* a table in on-disk (little-endian) order, like vol->upcase */
	for (uint32_t i = 0; i < 65536; i++) {
		uint16_t v = (uint16_t)i;

		if (i == 'q')
			v = 'Q';
		((uint8_t *)&table[i])[0] = (uint8_t)(v & 0xFF);
		((uint8_t *)&table[i])[1] = (uint8_t)(v >> 8);
	}
	ck_assert_uint_eq(nl_upcase_unit('q', table, 65536), 'Q');
	ck_assert_uint_eq(nl_upcase_unit('a', table, 65536), 'a'); /* table rules, not the built-in */
	ck_assert_uint_eq(nl_upcase_unit('q', table, 'q'), 'q');   /* past the table: itself */

	to_le(ua, 3, a);
	to_le(ub, 3, b);
	ck_assert_int_eq(nl_utf16le_casecmp(a, 3, b, 3, NULL, 0), 0);
	ck_assert_int_lt(nl_utf16le_casecmp(a, 2, b, 3, NULL, 0), 0);
	ck_assert_int_gt(nl_utf16le_casecmp(a, 3, b, 2, NULL, 0), 0);
	ck_assert_int_ne(nl_utf16le_casecmp(a, 3, b, 3, table, 65536), 0);

	ck_assert_int_eq(nl_wtf8_casecmp("Program Files", "PROGRAM FILES", NULL, 0), 0);
	ck_assert_int_eq(nl_wtf8_casecmp("r\xC3\xA9sum\xC3\xA9", "R\xC3\x89SUM\xC3\x89", NULL, 0), 0);
	ck_assert_int_lt(nl_wtf8_casecmp("abc", "abd", NULL, 0), 0);
	ck_assert_int_lt(nl_wtf8_casecmp("ab", "ABC", NULL, 0), 0);
	ck_assert_int_gt(nl_wtf8_casecmp("b", "A", NULL, 0), 0);
	/* NTFS order is by UTF-16 unit: U+1F600 (D83D..) sorts before U+FF21 */
	ck_assert_int_lt(nl_wtf8_casecmp("\xF0\x9F\x98\x80", "\xEF\xBC\xA1", NULL, 0), 0);
	ck_assert_int_eq(nl_wtf8_casecmp("\xED\xA0\x80", "\xED\xA0\x80", NULL, 0), 0);
	/* an invalid byte sorts after every unit */
	ck_assert_int_gt(nl_wtf8_casecmp("\xFF", "\xEF\xBF\xBF", NULL, 0), 0);
	ck_assert_int_eq(nl_wtf8_casecmp("Q", "q", table, 65536), 0);
	ck_assert_int_ne(nl_wtf8_casecmp("A", "a", table, 65536), 0);
}
END_TEST

static const struct {
	const char *in;
	size_t len;
	const char *out;
} esc_cases[] = {
	{ "plain.txt", 9, "plain.txt" },
	{ "", 0, "" },
	{ "caf\xC3\xA9 \xE6\x97\xA5\xF0\x9F\x98\x80", 13, "caf\xC3\xA9 \xE6\x97\xA5\xF0\x9F\x98\x80" },
	{ "a\x1b[31m", 6, "a\\x{1b}[31m" },
	{ "tab\there\n", 9, "tab\\x{09}here\\x{0a}" },
	{ "nul\0x", 5, "nul\\x{00}x" },
	{ "del\x7f", 4, "del\\x{7f}" },
	{ "bad\xFF\xFE", 5, "bad\\x{ff}\\x{fe}" },
	{ "\xC3", 1, "\\x{c3}" },
	{ "\xE0\x80\xAF", 3, "\\x{e0}\\x{80}\\x{af}" },
	{ "x\xED\xA0\x80y", 5, "x\\u{d800}y" },
	{ "\xED\xA0\xBD\xED\xB8\x80", 6, "\\u{d83d}\\u{de00}" },
	{ "c1\xC2\x85", 4, "c1\\u{0085}" },
	{ "rtl\xE2\x80\xAEgpj.exe", 13, "rtl\\u{202e}gpj.exe" },
	{ "\xEF\xBB\xBF" "bom", 6, "\\u{feff}bom" },
	/* backslashes: doubled only as a run right before an escape or "x{"/"u{" */
	{ "a\\b", 3, "a\\b" },
	{ "a\\", 2, "a\\" },
	{ "a\\x", 3, "a\\x" },
	{ "a\\u", 3, "a\\u" },
	{ "\\\\", 2, "\\\\" },
	{ "\\x1b", 4, "\\x1b" },
	{ "C:\\Users\\Public", 15, "C:\\Users\\Public" },
	{ "C:\\users\\u.txt", 14, "C:\\users\\u.txt" },
	{ "\\\\server\\share", 14, "\\\\server\\share" },
	{ "\\??\\C:\\x86", 10, "\\??\\C:\\x86" },
	{ "\\X\\U", 4, "\\X\\U" },
	{ "x{1b}u{d800}", 12, "x{1b}u{d800}" },
	{ "a\\}", 3, "a\\}" },
	{ "a\\x{", 4, "a\\\\x{" },
	{ "\\x{1b}", 6, "\\\\x{1b}" },
	{ "\\\\u{d800}", 9, "\\\\\\\\u{d800}" },
	{ "\\\x1b", 2, "\\\\\\x{1b}" },
	{ "\\\\\\\x1b", 4, "\\\\\\\\\\\\\\x{1b}" },
	{ "\\\xFF", 2, "\\\\\\x{ff}" },
	{ "\\\xED\xA0\x80", 4, "\\\\\\u{d800}" },
	{ "\x1b\\x{", 4, "\\x{1b}\\\\x{" },
};

START_TEST(test_escape)
{
	char buf[64], *dup = NULL, *back = NULL;
	size_t n, backlen = 0;
	bool needed;

	n = nl_escape(esc_cases[_i].in, esc_cases[_i].len, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, esc_cases[_i].out);
	ck_assert_uint_eq(n, strlen(esc_cases[_i].out));
	ck_assert(nl_utf8_valid(buf, n));
	needed = strcmp(esc_cases[_i].out, esc_cases[_i].in) != 0 ||
		 esc_cases[_i].len != strlen(esc_cases[_i].in);
	ck_assert(nl_escape_needed(esc_cases[_i].in, esc_cases[_i].len) == needed);

	ck_assert_int_eq(nl_escape_dup(esc_cases[_i].in, esc_cases[_i].len, 0, &dup), 0);
	ck_assert_str_eq(dup, esc_cases[_i].out);

	ck_assert_int_eq(nl_unescape(dup, strlen(dup), &back, &backlen), 0);
	ck_assert_uint_eq(backlen, esc_cases[_i].len);
	ck_assert_mem_eq(back, esc_cases[_i].in, backlen);
	free(dup);
	free(back);
}
END_TEST

START_TEST(test_escape_truncate_and_flags)
{
	char buf[5];

	ck_assert_uint_eq(nl_escape("ab\x1b" "cd", 5, 0, buf, sizeof(buf)), 10);
	ck_assert_str_eq(buf, "ab\\x");
	ck_assert_uint_eq(nl_escape("abc", 3, 0, NULL, 0), 3);
	ck_assert_uint_eq(nl_escape("a\\b", 3, NL_ESC_ALL_BACKSLASHES, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "a\\\\b");
	{
		char big[32], *back = NULL;
		size_t n;

		ck_assert_uint_eq(nl_escape("a\\|b|", 5, NL_ESC_PIPE, big, sizeof(big)), 16);
		ck_assert_str_eq(big, "a\\\\\\x{7c}b\\x{7c}");
		ck_assert_int_eq(nl_unescape(big, strlen(big), &back, &n), 0);
		ck_assert_str_eq(back, "a\\|b|");
		free(back);
		nl_escape("a|b", 3, 0, big, sizeof(big));
		ck_assert_str_eq(big, "a|b");
	}
}
END_TEST

/* Exhaustive-ish round trip: every 2-byte string and pseudo-random longer ones. */
START_TEST(test_escape_roundtrip_random)
{
	char in[12], *esc = NULL, *back = NULL;
	size_t backlen;
	uint32_t seed = 12345;

	for (int a = 0; a < 256; a++) {
		for (int b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			ck_assert_int_eq(nl_escape_dup(in, 2, 0, &esc), 0);
			ck_assert(nl_utf8_valid(esc, strlen(esc)));
			ck_assert_int_eq(nl_unescape(esc, strlen(esc), &back, &backlen), 0);
			ck_assert_uint_eq(backlen, 2);
			ck_assert_mem_eq(back, in, 2);
			free(esc);
			free(back);
		}
	}
	for (int it = 0; it < 20000; it++) {
		static const char alphabet[] = "\\\\xuXU{}0aF\x1b\xED\xA0\xB0\x80\xC3\xA9\xF0\x9F\xE2";
		size_t len = (size_t)(it % 12);

		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			in[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		ck_assert_int_eq(nl_escape_dup(in, len, 0, &esc), 0);
		ck_assert_int_eq(nl_unescape(esc, strlen(esc), &back, &backlen), 0);
		ck_assert_uint_eq(backlen, len);
		ck_assert_mem_eq(back, in, len);
		free(esc);
		free(back);
	}
}
END_TEST

/*
 * Every string of up to 5 bytes over the characters that matter to the
 * backslash rule (with and without NL_ESC_PIPE): escape, then unescape.
 */
START_TEST(test_escape_roundtrip_small_alphabet)
{
	static const char alpha[] = { '\\', 'x', 'u', '{', '}', '1', '|', '\x1b', '\xED', '\xA0', '\x80' };
	const size_t na = sizeof(alpha);
	char in[5], *esc = NULL, *back = NULL;
	size_t backlen;

	for (size_t len = 0; len <= 5; len++) {
		size_t total = 1;

		for (size_t k = 0; k < len; k++)
			total *= na;
		for (size_t v = 0; v < total; v++) {
			size_t x = v;

			for (size_t k = 0; k < len; k++, x /= na)
				in[k] = alpha[x % na];
			for (unsigned fl = 0; fl <= NL_ESC_PIPE; fl += NL_ESC_PIPE) {
				ck_assert_int_eq(nl_escape_dup(in, len, fl, &esc), 0);
				ck_assert_int_eq(nl_unescape(esc, strlen(esc), &back, &backlen), 0);
				ck_assert_uint_eq(backlen, len);
				ck_assert_mem_eq(back, in, len);
				if (fl == 0)
					ck_assert(nl_escape_needed(in, len) ==
						  (strlen(esc) != len || memcmp(esc, in, len) != 0));
				free(esc);
				free(back);
			}
		}
	}
}
END_TEST

START_TEST(test_unescape_literal)
{
	char *out = NULL;
	size_t n;

	/* no brace: not an escape */
	ck_assert_int_eq(nl_unescape("\\xZZ\\u12\\x1b", 12, &out, &n), 0);
	ck_assert_str_eq(out, "\\xZZ\\u12\\x1b");
	free(out);
	/* malformed braced forms are taken literally */
	ck_assert_int_eq(nl_unescape("\\x{ZZ}\\u{110000}\\x{123}\\u{}", 27, &out, &n), 0);
	ck_assert_str_eq(out, "\\x{ZZ}\\u{110000}\\x{123}\\u{}");
	free(out);
	/* upper-case digits and other digit counts are read too */
	ck_assert_int_eq(nl_unescape("\\u{D800}", 8, &out, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(out, "\xED\xA0\x80", 3);
	free(out);
	ck_assert_int_eq(nl_unescape("\\u{1f600}\\x{A}", 14, &out, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(out, "\xF0\x9F\x98\x80\n", 5);
	free(out);
	/* parity: even run = literal backslashes, odd = the last starts an escape */
	ck_assert_int_eq(nl_unescape("\\\\x{41}", 7, &out, &n), 0);
	ck_assert_str_eq(out, "\\x{41}");
	free(out);
	ck_assert_int_eq(nl_unescape("\\\\\\x{41}", 8, &out, &n), 0);
	ck_assert_str_eq(out, "\\A");
	free(out);
}
END_TEST

START_TEST(test_display_width)
{
	ck_assert_uint_eq(nl_display_width("abc", 3), 3);
	ck_assert_uint_eq(nl_display_width("\xE6\x97\xA5\xE6\x9C\xAC", 6), 4);
	ck_assert_uint_eq(nl_display_width("e\xCC\x81", 3), 1);
	ck_assert_uint_eq(nl_display_width("\xC3\xA9", 2), 1);
	ck_assert_uint_eq(nl_display_width("\xFF", 1), 1);
	ck_assert_uint_eq(nl_display_width("\xF0\x9F\x98\x80", 4), 2);
}
END_TEST

static Suite *unistr_suite(void)
{
	Suite *s = suite_create("unistr");
	TCase *tc = tcase_create("conv");

	tcase_add_loop_test(tc, test_conv_roundtrip, 0, sizeof(conv_cases) / sizeof(conv_cases[0]));
	tcase_add_test(tc, test_conv_limits);
	tcase_add_loop_test(tc, test_conv_invalid, 0, sizeof(bad_wtf8) / sizeof(bad_wtf8[0]));
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_wtf8_next);
	suite_add_tcase(s, tc);

	tc = tcase_create("case");
	tcase_add_test(tc, test_upcase);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_escape, 0, sizeof(esc_cases) / sizeof(esc_cases[0]));
	tcase_add_test(tc, test_escape_truncate_and_flags);
	tcase_add_test(tc, test_escape_roundtrip_random);
	tcase_add_test(tc, test_escape_roundtrip_small_alphabet);
	tcase_add_test(tc, test_unescape_literal);
	tcase_add_test(tc, test_display_width);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(unistr_suite());
}
