/* reparse_tags_int.h (internal): where the scan finds the tag of a reparse point whose data cannot be read. */
#ifndef NL_REPARSE_TAGS_INT_H
#define NL_REPARSE_TAGS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntfslinks/record.h>
#include "mft/model_int.h"

/*
 * A raw $MFT holds no clusters, so non-resident reparse data cannot be read;
 * the tag is still known from elsewhere.  During the pass the scan notes
 * every (file reference, tag) it meets, each with where it came from; after
 * the pass reparse_tags_apply() gives each unreadable reparse point the
 * best one.
 */

/* Where a tag came from, best first. */
enum {
	TAG_FROM_FILE_NAME = 0,   /* the record's own $FILE_NAME */
	TAG_FROM_REPARSE_INDEX,   /* a key of $Extend/$Reparse:$R */
	TAG_FROM_DIR_INDEX,       /* a $FILE_NAME copy in a directory's $I30 */
};

struct reparse_tag {
	uint32_t mft, tag, ord;   /* ord: order of arrival */
	uint16_t seq;             /* 0: any */
	uint8_t from;
};

struct reparse_tags {
	struct reparse_tag *v;
	size_t n, cap;
};

/* reparse_tags_add: note @tag for file @ref (seq 0: any).  Returns 0 or -ENOMEM. */
int reparse_tags_add(struct reparse_tags *t, uint64_t ref, uint32_t tag, uint8_t from);

/* reparse_tags_from_index: the tags in the resident index root @a
 * ($Extend/$Reparse:$R if @r_index, else a directory's $I30) of files below
 * record @nrec.  Entries in a non-resident $INDEX_ALLOCATION are not seen.
 * Returns 0 or -ENOMEM. */
int reparse_tags_from_index(struct reparse_tags *t, const struct nl_attr *a, bool r_index,
			    uint64_t nrec);

/* reparse_tags_apply: give each reparse point of @m that has neither data
 * nor a tag the best tag noted for it (same sequence number, or seq 0). */
void reparse_tags_apply(struct reparse_tags *t, struct nl_model *m);

/* reparse_tags_free: release @t's memory. */
void reparse_tags_free(struct reparse_tags *t);

#endif
