/* mem_int.h: memory and error messages of the image builder (build_mem.c). */
#ifndef NL_BUILD_MEM_INT_H
#define NL_BUILD_MEM_INT_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The builder has no use for a half-built image, so its allocations do not
 * return NULL: when memory runs out, build_nomem() jumps back to the public
 * entry point that is running (each of them sets build_oom_jump with
 * setjmp), which frees its context and returns -ENOMEM.  Blocks held only
 * in local variables at that moment are not freed.
 */
extern _Thread_local jmp_buf *build_oom_jump;

/* build_nomem: unwind to the running entry point (see above). */
void build_nomem(void) __attribute__((noreturn));

/* malloc, calloc, realloc and strdup that call build_nomem() instead of
 * returning NULL. */
void *build_malloc(size_t n);
void *build_calloc(size_t n, size_t sz);
void *build_realloc(void *p, size_t n);
char *build_strdup(const char *s);

/* build_msg: format a message into @err (@errsize bytes, may be 0),
 * truncated to fit; the caller's prefix ("ntfslinks: ") is not included. */
void build_msg(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* BUILD_ENTER(jb, prev): in a public entry point, make out-of-memory unwind
 * to the 'if (setjmp(jb))' that follows it (nonzero after an unwinding);
 * @prev keeps the previous target, put back by BUILD_LEAVE(prev) on every
 * way out.  Objects the entry point changes after setjmp must not be
 * automatic variables (keep them in heap memory it holds a pointer to). */
#define BUILD_ENTER(jb, prev) ((prev) = build_oom_jump, build_oom_jump = &(jb))
#define BUILD_LEAVE(prev) (build_oom_jump = (prev))

#endif
