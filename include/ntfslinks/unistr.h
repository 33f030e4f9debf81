/* unistr.h: names as WTF-8, lossless UTF-16LE conversion, NTFS case folding, and the one visible escaping. */
#ifndef NTFSLINKS_UNISTR_H
#define NTFSLINKS_UNISTR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Names inside the library are WTF-8: UTF-8 in which an unpaired UTF-16
 * surrogate (U+D800..U+DFFF) is encoded like any other BMP code point, as a
 * three-byte sequence ED A0..BF 80..BF.  A surrogate *pair* is always
 * encoded as the four-byte sequence of the supplementary code point, never as
 * two three-byte sequences, so every UTF-16 string has exactly one WTF-8 form
 * and the round trip UTF-16 -> WTF-8 -> UTF-16 is the identity.
 *
 * UTF-16 strings are arrays of uint16_t holding *little-endian* units, the
 * same layout as libntfs-3g's ntfschar (on-disk order).  Inputs given as
 * "const void *" may be unaligned (straight from an MFT record).
 */

/** Longest NTFS file name, in UTF-16 units. */
#define NL_NAME_MAX_UNITS 255

/** Bytes needed to hold the WTF-8 form of @units UTF-16 units, NUL included. */
#define NL_WTF8_SIZE(units) ((size_t)(units) * 3 + 1)

/**
 * nl_utf16le_to_wtf8_buf - convert UTF-16LE to WTF-8 into a caller buffer.
 * @src:   @units little-endian UTF-16 units (any alignment; may be NULL if 0)
 * @dst:   output buffer of @cap bytes; NL_WTF8_SIZE(units) always suffices
 * Never fails on content: every unit sequence has a WTF-8 form.
 * Returns the length written (without the terminating NUL, which is always
 * written), or -ENOSPC if @cap is too small (dst then holds nothing useful).
 */
ssize_t nl_utf16le_to_wtf8_buf(const void *src, size_t units, char *dst, size_t cap);

/**
 * nl_utf16le_to_wtf8 - convert UTF-16LE to a newly allocated WTF-8 string.
 * @out:    receives a malloc'ed NUL-terminated string; the caller frees it
 * @outlen: if not NULL, receives its length in bytes
 * Returns 0, or -ENOMEM.
 */
int nl_utf16le_to_wtf8(const void *src, size_t units, char **out, size_t *outlen);

/**
 * nl_wtf8_to_utf16le_buf - convert WTF-8 to UTF-16LE into a caller array.
 * @src, @len: the WTF-8 bytes (need not be NUL-terminated)
 * @dst:       array of @cap units (little-endian on output); @len units always
 *             suffice.  Not NUL-terminated.
 * Returns the number of units written, -EILSEQ if @src is not valid WTF-8
 * (bad or overlong sequence, code point above U+10FFFF, or a surrogate pair
 * spelled as two three-byte sequences), or -ENAMETOOLONG if more than @cap
 * units would be needed (pass NL_NAME_MAX_UNITS to enforce the NTFS limit).
 */
ssize_t nl_wtf8_to_utf16le_buf(const char *src, size_t len, uint16_t *dst, size_t cap);

/**
 * nl_wtf8_to_utf16le - convert WTF-8 to a newly allocated UTF-16LE array.
 * @out:   receives a malloc'ed array of *@units units plus one 0 unit (not
 *         counted); the caller frees it
 * @max_units: limit (e.g. NL_NAME_MAX_UNITS), 0 for none
 * Returns 0, -EILSEQ, -ENAMETOOLONG (over @max_units) or -ENOMEM.
 */
int nl_wtf8_to_utf16le(const char *src, size_t len, size_t max_units,
		       uint16_t **out, size_t *units);

/**
 * nl_wtf8_next - decode one code point of WTF-8.
 * @pos: index into @s; advanced past the sequence on success
 * @cp:  receives the code point (U+D800..U+DFFF for an encoded lone surrogate)
 * Returns 0, -EILSEQ (invalid sequence at *@pos; *@pos unchanged) or 1 at
 * the end (*@pos == @len).  A surrogate pair spelled as two three-byte
 * sequences is accepted here one half at a time; use nl_wtf8_valid() to
 * check a whole string.
 */
int nl_wtf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp);

/** nl_wtf8_valid - true if @s[0..len) is valid WTF-8 (as defined above). */
bool nl_wtf8_valid(const char *s, size_t len);

/** nl_utf8_valid - true if @s[0..len) is strict UTF-8 (no surrogates at all). */
bool nl_utf8_valid(const char *s, size_t len);

/*
 * Case-insensitive comparison the NTFS way: each UTF-16 unit is mapped
 * through an upcase table and the units are compared as unsigned numbers
 * (this is the order of NTFS directory indexes; supplementary characters
 * compare by their surrogate units and are not folded).
 *
 * @upcase is a table of @upcase_len little-endian units, e.g. libntfs-3g's
 * vol->upcase / vol->upcase_len (65536 entries); units at or past
 * @upcase_len map to themselves.  With @upcase NULL a small built-in table is
 * used: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic basic letters,
 * fullwidth Latin.
 */

/** nl_upcase_unit - the upper-case unit for @c (host order in, host order out). */
uint16_t nl_upcase_unit(uint16_t c, const uint16_t *upcase, size_t upcase_len);

/**
 * nl_utf16le_casecmp - compare two UTF-16LE strings case-insensitively.
 * Returns <0, 0 or >0; a proper prefix sorts first.
 */
int nl_utf16le_casecmp(const void *a, size_t alen, const void *b, size_t blen,
		       const uint16_t *upcase, size_t upcase_len);

/**
 * nl_wtf8_casecmp - compare two NUL-terminated WTF-8 strings like
 * nl_utf16le_casecmp() compares their UTF-16 forms.  Invalid bytes compare
 * as themselves, after any valid unit (never fails).
 */
int nl_wtf8_casecmp(const char *a, const char *b,
		    const uint16_t *upcase, size_t upcase_len);

/*
 * THE visible escaping.  Every output format passes names through
 * nl_escape(); JSON and CSV then apply their own quoting to its result, so a
 * name looks the same in every format.  Input is any byte string (normally
 * WTF-8); output is valid UTF-8 without control characters:
 *
 *   - valid, printable UTF-8 passes unchanged (U+0020..U+007E, and
 *     everything from U+00A0 up except the code points listed next);
 *   - a byte that is not part of a valid UTF-8 sequence, and every C0
 *     control (0x00..0x1F) and DEL (0x7F), becomes "\x{HH}" (exactly two
 *     hex digits): "\x{1b}", "\x{0a}", "\x{ff}";
 *   - an encoded lone surrogate becomes "\u{d800}" (exactly four hex
 *     digits), each half of a pair spelled as two three-byte sequences
 *     separately; C1 controls (U+0080..U+009F), the line/paragraph
 *     separators U+2028, U+2029, the bidirectional controls U+200E, U+200F,
 *     U+202A..U+202E, U+2066..U+2069 and U+FEFF become "\u{0085}",
 *     "\u{202e}" and so on, so a name cannot reorder or break the line it
 *     is printed on.  Hex digits are always lowercase;
 *   - backslashes pass through unchanged, except that a run of backslashes
 *     is written doubled when what follows it is an escape or the literal
 *     text "x{" or "u{".  So "C:\users\u.txt", "\\server\share" and
 *     "\??\C:\x86" print as they are, while "a\x{" -> "a\\x{",
 *     "\\" + ESC (0x1b) -> "\\\\\x{1b}" (two doubled, then the escape).
 *
 * Reading back (nl_unescape): a run of N backslashes followed by "x{" or
 * "u{" stands for N/2 backslashes, and when N is odd the last one starts an
 * escape: "\x{HH}" is the byte HH, "\u{HHHH}" the code point HHHH in its
 * WTF-8 form; any other run of backslashes is itself.  The parity of the
 * run is what tells a literal "\x{" from an escape, so unescape(escape(s))
 * == s for every byte string s, and the output of nl_escape is the input
 * unchanged whenever the input is valid printable UTF-8 in which no
 * backslash stands right before "x{" or "u{".
 */

/** Flags for nl_escape(). */
#define NL_ESC_ALL_BACKSLASHES 0x1 /* write every backslash doubled (not read back
                                      by nl_unescape: for display only) */
#define NL_ESC_PIPE            0x2 /* also write '|' as "\x{7c}" (bodyfile fields) */

/**
 * nl_escape - escape @src[0..len) visibly into @dst, snprintf-style.
 * Writes at most @cap bytes including a terminating NUL (nothing if @cap is
 * 0).  Returns the full length of the escaped string (without NUL); the
 * output was truncated if that is >= @cap.  Never fails.
 */
size_t nl_escape(const char *src, size_t len, unsigned flags, char *dst, size_t cap);

/**
 * nl_escape_dup - like nl_escape() into a new malloc'ed string (caller frees).
 * Returns 0 or -ENOMEM.
 */
int nl_escape_dup(const char *src, size_t len, unsigned flags, char **out);

/** nl_escape_needed - true if nl_escape(@src, @len, 0, ..) would change it. */
bool nl_escape_needed(const char *src, size_t len);

/**
 * nl_unescape - reverse nl_escape().
 * @out: receives a malloc'ed NUL-terminated string (caller frees); it may
 *       contain NUL bytes, so *@outlen gives its length
 * Returns 0 or -ENOMEM; malformed escapes are taken literally (never fails
 * otherwise).
 */
int nl_unescape(const char *src, size_t len, char **out, size_t *outlen);

/**
 * nl_display_width - terminal columns needed for the UTF-8 string @s[0..len)
 * (apply to the escaped form).  East Asian wide and fullwidth characters
 * count 2, combining marks and zero-width characters 0, others 1; invalid
 * bytes count 1 each.  Independent of the locale.
 */
size_t nl_display_width(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
