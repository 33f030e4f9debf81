/* edit_names.c: which names a new link may get: valid on NTFS, and (unless POSIX names are asked for) valid on Windows; the namespace they are written in. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ntfslinks/edit.h>
#include <ntfslinks/unistr.h>

/* Characters Win32 refuses in a name (besides controls below U+0020). */
static bool win32_reserved_char(uint16_t c)
{
	return c < 0x20 || (c < 0x80 && strchr("<>:\"/\\|?*", (int)c) != NULL);
}

static uint16_t ascii_upper(uint16_t c)
{
	return c >= 'a' && c <= 'z' ? (uint16_t)(c - 32) : c;
}

/* Does the name U[0..n) start with the device name DEV (ASCII, upper case)? */
static bool starts_with(const uint16_t *u, size_t n, const char *dev)
{
	size_t k = strlen(dev);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (ascii_upper(u[i]) != (uint16_t)dev[i])
			return false;
	return true;
}

/*
 * Is U[0..n) a reserved device name: CON, PRN, AUX, NUL, or COM/LPT and a
 * digit 1-9 or a superscript ¹ ² ³ (Windows reserves those too), alone or
 * before a dot ("nul.txt" is NUL as well)? Trailing blanks before the dot
 * count as nothing ("aux .txt").
 */
static bool reserved_device(const uint16_t *u, size_t n)
{
	static const char *const three[] = { "CON", "PRN", "AUX", "NUL" };
	size_t k = 0;

	for (size_t i = 0; i < 4 && !k; i++)
		if (starts_with(u, n, three[i]))
			k = 3;
	if (!k && (starts_with(u, n, "COM") || starts_with(u, n, "LPT")) && n > 3 &&
	    ((u[3] >= '1' && u[3] <= '9') || u[3] == 0xB9 || u[3] == 0xB2 || u[3] == 0xB3))
		k = 4;
	if (!k)
		return false;
	while (k < n && u[k] == ' ')
		k++;
	return k == n || u[k] == '.';
}

/* Fill @why (if any) and return RC. */
static int refuse(char *why, size_t whylen, int rc, const char *fmt, const char *name)
{
	char shown[64];

	if (why && whylen) {
		nl_escape(name, strlen(name), 0, shown, sizeof(shown));
		snprintf(why, whylen, fmt, shown);
	}
	return rc;
}

int nl_edit_check_name(const char *name, unsigned flags, enum nl_name_space *ns,
		       char *why, size_t whylen)
{
	uint16_t u[NL_NAME_MAX_UNITS];
	ssize_t n;
	bool win = true;
	size_t i;

	if (!name || !*name)
		return refuse(why, whylen, -EINVAL, "empty name%s", "");
	n = nl_wtf8_to_utf16le_buf(name, strlen(name), u, NL_NAME_MAX_UNITS);
	if (n == -ENAMETOOLONG)
		return refuse(why, whylen, -ENAMETOOLONG,
			      "'%s...': name longer than 255 UTF-16 units", name);
	if (n < 0)
		return refuse(why, whylen, -EILSEQ, "'%s': name is not valid WTF-8", name);
	for (i = 0; i < (size_t)n; i++) {
		if (u[i] == 0 || u[i] == '/')
			return refuse(why, whylen, -EINVAL, "'%s': a name cannot hold NUL or '/'", name);
		if (win32_reserved_char(u[i]))
			win = false;
	}
	if (win && (reserved_device(u, (size_t)n) || u[n - 1] == '.' || u[n - 1] == ' '))
		win = false;
	if (!win && !(flags & NL_EDIT_POSIX)) {
		if (reserved_device(u, (size_t)n))
			return refuse(why, whylen, -EINVAL, "'%s' is a reserved device name on Windows "
				      "(--posix allows it)", name);
		if (u[n - 1] == '.' || u[n - 1] == ' ')
			return refuse(why, whylen, -EINVAL, "'%s': Windows does not allow a name ending "
				      "in a dot or a space (--posix allows it)", name);
		return refuse(why, whylen, -EINVAL, "'%s': Windows does not allow < > : \" \\ | ? * "
			      "or control characters in a name (--posix allows them)", name);
	}
	/* Windows writes a name for which it makes no 8.3 alias in the POSIX
	 * namespace (the Win32 rules are the ones checked above) */
	if (ns)
		*ns = NL_NS_POSIX;
	return 0;
}
