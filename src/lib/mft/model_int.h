/* model_int.h (internal): the compact in-memory link model: its layout, shared by the scan that builds it and the queries (model.c). */
#ifndef NL_MODEL_INT_H
#define NL_MODEL_INT_H

#include <stdint.h>
#include <stdbool.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/scan.h>

/*
 * Memory layout (the budget is about 80 bytes per file on a Windows-like
 * volume, names included):
 *  - one 20-byte slot per MFT record (struct mrec);
 *  - names in one arena: a 12-byte header followed by the NUL-terminated
 *    WTF-8 text, 2-byte aligned; a name's id is its byte offset in the arena.
 *    The names of a record form a list through "next"; the last one's next
 *    holds the owner record number with NEXT_OWNER set, so the owner of any
 *    name is found by walking to the end of its list (no per-name owner);
 *  - sizes that do not fit 32 bits, header link counts that differ from the
 *    number of names, reparse data and named-stream totals in small sorted
 *    side tables;
 *  - the extension records credited to each base record (8 bytes each, a
 *    sorted side table), so that a record's attributes can be re-read on
 *    demand (nl_model_streams) instead of being kept.
 */

/* Internal record flags, above the public NL_REC_* bits (low 10 bits). */
#define MR_MANY_NAMES 0x0800 /* more than NL_NAMES_MAX names: the rest were left out */
#define MR_BAD_LIST 0x1000  /* its $ATTRIBUTE_LIST is longer than NL_ATTR_LIST_MAX
			       (bounds_int.h): never handed to libntfs-3g */
#define MR_BIGSIZE 0x2000   /* sizes are in the "big" side table */
#define MR_LC_SIDE 0x4000   /* header link count is in the "lc" side table */
#define MR_KEPT    0x8000   /* slot holds a record the model keeps */
#define MR_PUBLIC  0x03FF

#define NO_NAME 0u                /* name id 0 is never used */
#define NEXT_OWNER 0x80000000u    /* "next" of the last name: owner record | this bit */
#define BAD_PARENT UINT32_MAX     /* parent record number did not fit */
#define SIZE32_BIG UINT32_MAX     /* marker in mrec.data / mrec.alloc */
#define NAME_HDR 12u

/* One slot per MFT record: 20 bytes. */
struct mrec {
	uint32_t first;              /* first name id, NO_NAME if none */
	uint32_t fattr;              /* $STANDARD_INFORMATION file attributes */
	uint32_t data;               /* unnamed $DATA size, or SIZE32_BIG */
	uint32_t alloc;              /* allocated bytes of all $DATA, or SIZE32_BIG */
	uint16_t seq;
	uint16_t flags;              /* NL_REC_* | MR_* */
};

/* A name header as stored (unaligned in the arena: use nm_load/nm_store). */
struct mname {
	uint32_t next;               /* next name id, or NEXT_OWNER | owner */
	uint32_t parent;             /* parent record number (BAD_PARENT if >= 2^31) */
	uint16_t parent_seq;
	uint16_t lenns;              /* text length in bytes << 2 | namespace */
};

struct mbig {
	uint32_t mft;
	uint64_t data, alloc;
};

struct mlc {
	uint32_t mft;
	uint16_t link_count;
};

struct mstream {
	uint32_t mft;
	uint32_t count;              /* named $DATA streams */
	uint64_t size;               /* their logical sizes */
};

struct mext {
	uint32_t base;               /* base record */
	uint32_t ext;                /* an extension record credited to it */
};

/* Internal scan flag (above the public NL_SCAN_* bits): keep struct mfacts for
 * every record, what a copy source lists of a file besides its names. */
#define NL_SCAN_FACTS 0x40000000u

/* One per record with NL_SCAN_FACTS (40 bytes), filled from its attributes. */
struct mfacts {
	struct nl_times t;           /* $STANDARD_INFORMATION times */
	uint32_t secid;              /* its security id (NTFS 3.x), 0 if none */
	uint32_t pad;
	uint64_t alloc;              /* over all $DATA: the smaller of the bytes on disk
	                                (resident: the size) and the size, summed */
};

#define RP_UNREADABLE UINT32_MAX
struct mreparse {
	uint32_t mft;
	uint32_t tag;
	uint32_t off;                /* into rpdata, or RP_UNREADABLE */
	uint32_t len;
};

struct nl_model {
	nl_volume *vol;
	unsigned scan_flags;
	uint64_t nrec;
	struct mrec *recs;           /* nrec slots */

	uint8_t *arena;              /* names */
	size_t arena_len, arena_cap;

	struct mbig *big;
	size_t nbig, big_cap;
	struct mlc *lc;
	size_t nlc, lc_cap;
	struct mstream *streams;
	size_t nstreams, streams_cap;
	struct mreparse *rps;
	size_t nrps, rps_cap;
	uint8_t *rpdata;
	size_t rpdata_len, rpdata_cap;
	struct mfacts *facts;        /* NL_SCAN_FACTS: nrec entries, else NULL */
	struct mext *exts;           /* sorted by (base, ext) */
	size_t nexts, exts_cap;

	/* child index, built on demand: the name ids grouped by parent record
	 * (kids[kid_start[d] .. kid_start[d + 1]), arena order); a large
	 * directory's group is re-sorted by name hash on its first lookup
	 * (kid_sorted[d] set, under a lock: see model.c) */
	uint32_t *kid_start;         /* nrec + 2 entries */
	uint32_t *kids;
	uint8_t *kid_sorted;         /* nrec entries */

	const uint16_t *upcase;
	size_t upcase_len;

	/* the folders whose index nl_model_unreadable_child() checked before libntfs-3g
	 * looked a name up in it (dirindex.c, under its lock) */
	struct nl_ixguard *ixg;

	struct nl_scan_stats st;
};

static inline struct mname nm_load(const struct nl_model *m, uint32_t id)
{
	struct mname n;

	memcpy(&n, m->arena + id, sizeof(n));
	return n;
}

static inline void nm_set_next(struct nl_model *m, uint32_t id, uint32_t next)
{
	memcpy(m->arena + id, &next, sizeof(next));
}

static inline uint32_t nm_next(const struct nl_model *m, uint32_t id)
{
	uint32_t v;

	memcpy(&v, m->arena + id, sizeof(v));
	return v;
}

static inline const char *nm_text(const struct nl_model *m, uint32_t id)
{
	return (const char *)m->arena + id + NAME_HDR;
}

static inline unsigned mn_len(const struct mname *n) { return n->lenns >> 2; }
static inline unsigned mn_ns(const struct mname *n) { return n->lenns & 3; }

/* iterate over the names of a record: for (id = r->first; id; id = nm_step(m, id)) */
static inline uint32_t nm_step(const struct nl_model *m, uint32_t id)
{
	uint32_t v = nm_next(m, id);

	return (v & NEXT_OWNER) ? NO_NAME : v;
}

/* grow_array: make room for @need elements of @elem bytes in *@p (capacity
 * *@cap, doubled as needed).  Returns 0 or -ENOMEM (*@p unchanged). */
static inline int grow_array(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 64;

	while (nc < need)
		nc *= 2;
	void *np = realloc(*p, nc * elem);

	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = nc;
	return 0;
}

/* shared helpers (model.c) */
const struct mreparse *nl_model_find_reparse(const struct nl_model *m, uint64_t mft);
const struct mstream *nl_model_find_stream(const struct nl_model *m, uint64_t mft);
void nl_model_sizes(const struct nl_model *m, uint64_t mft, uint64_t *data, uint64_t *alloc);
unsigned nl_model_count_names(const struct nl_model *m, const struct mrec *r, unsigned *ndos);

/* nl_model_unreadable_child (dirindex.c): for a name the model does not have
 * in folder @dir, the record that the folder's $I30 index gives it when that
 * is a record the scan found corrupt (NL_REC_PROBLEM), into *@mft.  Reads the
 * index through libntfs-3g, once nl_ixguard_check() found it sound (a damaged index:
 * -ENOENT); a raw $MFT has none.  0, -ENOENT, -ENOMEM. */
int nl_model_unreadable_child(const struct nl_model *m, uint64_t dir, const char *name,
			      size_t len, uint64_t *mft);

#endif
