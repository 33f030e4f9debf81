/* common.h: definitions shared by every module of the ntfslinks library. */
#ifndef NTFSLINKS_COMMON_H
#define NTFSLINKS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Conventions of the whole library (prefix nl_; ntfslinks(3) has them all):
 *  - functions return 0 on success and -errno on failure; iterators and
 *    walkers return 1 when they reach the end;
 *  - handles are opaque typedefs (nl_volume, nl_model, ...), created by
 *    nl_X_open()/nl_X_new() and released by nl_X_close(&h)/nl_X_free(&h),
 *    which take the address and clear it;
 *  - arguments: the handle first, then inputs, then out-parameters (the
 *    address of a new handle included); an error-text buffer (err, errlen)
 *    comes last;
 *  - error texts: calls that start from a path fill err/errlen
 *    (NL_ERRMSG_SIZE), a handle keeps the text of its last failure
 *    (nl_writer_error(), nl_copy_error()), parsers of a caller's buffer set
 *    a static *reason;
 *  - the library never prints and never exits; per-entry problems are
 *    handed to an nl_problem_fn callback supplied by the caller;
 *  - every getter says in its header comment who owns returned memory.
 */

/** Size of an error-text buffer (err, errlen) that always holds the whole text. */
#define NL_ERRMSG_SIZE 1024

/**
 * nl_problem_fn - report a problem with one entry and let the work go on.
 * @ctx:    the caller's private pointer
 * @source: what was being read: the image path given by the user
 * @mft:    record number concerned, or UINT64_MAX when none applies
 * @path:   path inside the volume when known, else NULL
 * @reason: lowercase text without a full stop, e.g. "bad fixup in sector 1"
 * All strings are owned by the library and valid only during the call.
 */
typedef void (*nl_problem_fn)(void *ctx, const char *source, uint64_t mft,
			      const char *path, const char *reason);

/**
 * nl_progress_fn - report progress of a long operation.
 * @done, @total: units done so far and expected in all (total 0: unknown).
 * Return nonzero to ask the operation to stop early (it then returns -ECANCELED).
 */
typedef int (*nl_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/** nl_version - the library's version string (static storage). */
const char *nl_version(void);

#ifdef __cplusplus
}
#endif
#endif
