/* build_mem.c: allocations of the image builder that unwind to the entry point when memory runs out, and its error messages. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/mem_int.h"

_Thread_local jmp_buf *build_oom_jump;

void build_nomem(void)
{
	longjmp(*build_oom_jump, 1);
}

void *build_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		build_nomem();
	return p;
}

void *build_calloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		build_nomem();
	return p;
}

void *build_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		build_nomem();
	return p;
}

char *build_strdup(const char *s)
{
	char *p = build_malloc(strlen(s) + 1);
	strcpy(p, s);
	return p;
}

void build_msg(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (!errsize)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}
