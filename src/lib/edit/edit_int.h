/* edit_int.h (internal): the edit handle and what the edit_*.c operations share: the writer, failure texts, the action log and paths split into folder and name. */
#ifndef NL_EDIT_INT_H
#define NL_EDIT_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <ntfslinks/edit.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/writer.h>

struct nl_edit {
	nl_writer *w;           /* read-only (NL_WRITER_RDONLY) for a dry run */
	char *spec;             /* the volume as given to nl_edit_open */
	char *image;            /* its file or device (without "@N") */
	uint64_t offset;        /* of the volume in it */
	struct nl_edit_options o;
	int depth;              /* operations under way (one may call another) */
	bool writing;           /* the outermost one has begun to write */
	bool spoiled;           /* one failed after it began to write: every change
				   is dropped at nl_edit_close (nl_w_discard) */
	char msg[1024];
	char errpath[1024];     /* the path msg is about, "" when none */
};

/* Record MSG (printf-style) as @e's failure text and return RC. */
int nl_e_fail(struct nl_edit *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* nl_e_fail() about PATH inside the volume (nl_edit_error_path()). */
int nl_e_fail_at(struct nl_edit *e, int rc, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* nl_e_fail() with the writer's own text appended: "WHAT: <writer error>". */
int nl_e_fail_writer(struct nl_edit *e, int rc, const char *what);

/* Is this a dry run (nothing may be written)? */
static inline bool nl_e_dry(const struct nl_edit *e)
{
	return (e->o.flags & NL_EDIT_DRY_RUN) != 0;
}

/*
 * Every public operation runs between nl_e_begin() and nl_e_end(), and calls
 * nl_e_writing() just before its first change. The writer holds every change
 * in memory until nl_edit_close() (NL_W_HOLD), so an operation that fails
 * after it began to write is undone by dropping everything: nl_e_end() makes
 * the handle spoiled, later operations are refused, and nothing reaches the
 * image. A refusal before the first change leaves the others as they were.
 */
/* 0, or -ECANCELED (with the failure text) once the handle is spoiled. */
int nl_e_begin(struct nl_edit *e);
/* The end of the operation begun last: returns RC. */
int nl_e_end(struct nl_edit *e, int rc);
static inline void nl_e_writing(struct nl_edit *e)
{
	e->writing = true;
}

/* Report one change to the log callback (if any). TARGET and DETAIL may be
 * NULL; MFT is a record number or UINT64_MAX. */
void nl_e_log(struct nl_edit *e, enum nl_edit_action action, const char *path,
	      const char *target, const char *detail, uint64_t mft);

/* A path inside the volume split into its folder and its last name. */
struct nl_e_path {
	char *norm;             /* the path normalized: "/a/b", "/" for the root */
	char *dir;              /* "/a" ("/" for a name at the root) */
	const char *name;       /* "b" (points into norm), "" for the root */
	uint16_t units[NL_NAME_MAX_UNITS];  /* the name in UTF-16 */
	size_t len;             /* its units */
};

/* Split PATH ('/' or '\' separated, empty components dropped) into @p.
 * Returns 0, -ENOMEM, -EILSEQ, -ENAMETOOLONG (a name over 255 units); free
 * @p with nl_e_path_free(). */
int nl_e_path_split(struct nl_edit *e, const char *path, struct nl_e_path *p);
void nl_e_path_free(struct nl_e_path *p);

/* The name of REF in folder PARENT as stored, for the name GIVEN (GLEN
 * units) a lookup found it by (perhaps in another case, or its DOS alias):
 * the same units, else the same without regard to case, else REF's only
 * non-DOS name in PARENT. Into OUT (NL_NAME_MAX_UNITS), *OLEN units.
 * Returns 0, -ENOENT or -errno (the failure recorded). */
int nl_e_stored_name(struct nl_edit *e, uint64_t parent, uint64_t ref, const uint16_t *given,
		     size_t glen, uint16_t *out, size_t *olen);

/* "DIR/NAME" (DIR "/" gives "/NAME") as a new string, or NULL. */
char *nl_e_path_join(const char *dir, const char *name);

#endif
