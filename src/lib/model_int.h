/* model_int.h (internal): the compact in-memory link model shared by scan.c (builder) and model.c (queries). */
#ifndef NL_MODEL_INT_H
#define NL_MODEL_INT_H

#include <stdint.h>
#include <stdbool.h>

#include <ntfslinks/scan.h>

/* Internal record flag: slot holds a record the model keeps (in addition to
 * the public NL_REC_* bits, which fit in the low 10 bits). */
#define MR_KEPT 0x8000

#define NO_NAME 0u               /* name index 0 is unused: "none" */
#define BAD_PARENT UINT32_MAX    /* parent record number did not fit 32 bits */

/* One slot per MFT record: 32 bytes. */
struct mrec {
	uint64_t data_size;          /* unnamed $DATA logical size */
	uint64_t alloc_size;         /* allocated bytes of all $DATA streams */
	uint32_t first;              /* first name index, NO_NAME if none */
	uint32_t fattr;              /* $STANDARD_INFORMATION file attributes */
	uint16_t seq;
	uint16_t flags;              /* NL_REC_* | MR_KEPT */
	uint16_t link_count;         /* header link count */
	uint16_t nnames;             /* non-DOS names */
};

/* One name: 20 bytes; the text lives in the string pool. */
struct mname {
	uint32_t next;               /* next name of the same record, NO_NAME at the end */
	uint32_t mft;                /* owner record */
	uint32_t parent;             /* parent record number (BAD_PARENT if >= 2^32) */
	uint32_t str;                /* offset of the NUL-terminated WTF-8 text in the pool */
	uint16_t parent_seq;
	uint16_t lenns;              /* length in bytes << 2 | namespace */
};

static inline unsigned mn_len(const struct mname *n) { return n->lenns >> 2; }
static inline unsigned mn_ns(const struct mname *n) { return n->lenns & 3; }

/* Side tables, sorted by mft after the scan. */
struct mstream {
	uint32_t mft;
	uint32_t count;              /* named $DATA streams */
	uint64_t size;               /* their logical sizes */
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

	struct mname *names;         /* names[0] unused */
	uint32_t nnames, names_cap;
	char *pool;
	size_t pool_len, pool_cap;

	struct mstream *streams;
	size_t nstreams, streams_cap;
	struct mreparse *rps;
	size_t nrps, rps_cap;
	uint8_t *rpdata;
	size_t rpdata_len, rpdata_cap;

	/* child index, built on demand */
	uint32_t *hbuckets;          /* hmask + 1 heads */
	uint32_t *hnext;             /* per name */
	uint32_t hmask;

	const uint16_t *upcase;
	size_t upcase_len;

	struct nl_scan_stats st;
};

/* model.c helpers used by scan.c */
const struct mreparse *nl_model_find_reparse(const struct nl_model *m, uint64_t mft);
const struct mstream *nl_model_find_stream(const struct nl_model *m, uint64_t mft);

#endif
