/* unistr_int.h: character helpers of the base layer shared by the library and the fixture builder. */
#ifndef NL_BASE_UNISTR_INT_H
#define NL_BASE_UNISTR_INT_H

/* nl_hexval: the value of the hex digit @c (either case), or -1 if it is none. */
static inline int nl_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
