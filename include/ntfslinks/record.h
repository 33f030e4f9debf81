/* record.h: pure parsing of one MFT ("FILE") record held in a byte buffer: fixups, header, attributes. */
#ifndef NTFSLINKS_RECORD_H
#define NTFSLINKS_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <ntfslinks/common.h>
#include <ntfslinks/ondisk.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every function here works on a caller-owned buffer, never allocates, never
 * reads outside [buf, buf + size), and on failure returns -EINVAL (or
 * -EILSEQ for a fixup mismatch) and sets *@reason to a static lowercase
 * string without a full stop ("attribute runs past the record").  @reason
 * may be NULL.  Pointers handed out point into the buffer and stay valid as
 * long as it does.  Multi-byte fields on disk are little-endian; results are
 * in host order.  Sizes: records of 512..65536 bytes, multiples of 512 (1024
 * and 4096 in practice) are accepted; any other size fails with "bad record
 * size".
 */

/**
 * nl_record_fixup - apply the update sequence array in place.
 * Checks the "FILE" magic (a "BAAD" record is refused), that usa_ofs and
 * usa_count fit the record and match its size (one entry per 512-byte stride
 * plus one), then that the last two bytes of every stride equal the update
 * sequence number, and restores them from the array.
 * A record whose stride ends already hold the saved values (fixups applied
 * before, as in "ntfscat IMAGE '$MFT'" output) is accepted as is: returns 1.
 * Returns 0 (fixups applied), 1 (already applied); -EINVAL for a bad header
 * (reason "bad magic", "baad record", "update sequence array out of range",
 * "update sequence count does not match record size"); -EILSEQ for a torn
 * record ("update sequence mismatch").  On failure the buffer is left as it
 * was (every stride is checked before any is restored).
 */
int nl_record_fixup(uint8_t *buf, size_t size, const char **reason);

/** Decoded record header. */
struct nl_rec_header {
	uint16_t usa_ofs, usa_count;
	uint64_t lsn;
	uint16_t seq;            /* sequence number */
	uint16_t link_count;     /* header link count (counts DOS names too: do not trust) */
	uint16_t attrs_offset;   /* first attribute */
	uint16_t flags;          /* NL_MFT_* */
	uint32_t bytes_in_use;
	uint32_t bytes_allocated;
	uint64_t base_ref;       /* base record reference; 0 for a base record */
	uint16_t next_attr_instance;
	bool has_recno;          /* NTFS 3.1 layout: record number stored at 0x2C */
	uint32_t recno;          /* that record number (valid if has_recno) */
};

/**
 * nl_record_header - decode and sanity-check the header of a record whose
 * fixups were applied.  Accepts the NTFS 1.2/3.0 layout (usa at 0x2A, no
 * record number) and 3.1 (usa at 0x30, record number at 0x2C): has_recno is
 * set when usa_ofs >= 0x30.  Checks attrs_offset and bytes_in_use lie within
 * the record and bytes_allocated equals @size.
 * Returns 0 or -EINVAL with @reason.
 */
int nl_record_header(const uint8_t *buf, size_t size, struct nl_rec_header *h,
		     const char **reason);

/** One attribute record as found in an MFT record. */
struct nl_attr {
	uint32_t type;           /* NL_AT_* */
	uint32_t length;         /* bytes of the attribute record */
	size_t offset;           /* its offset in the MFT record */
	bool non_resident;
	uint8_t name_len;        /* in UTF-16 units */
	const uint8_t *name;     /* name_len UTF-16LE units, unaligned; NULL if none */
	uint16_t flags;          /* 0x00FF compression, 0x4000 encrypted, 0x8000 sparse */
	uint16_t instance;
	/* resident: */
	const uint8_t *value;    /* NULL for non-resident */
	uint32_t value_len;
	/* non-resident: */
	int64_t lowest_vcn, highest_vcn;
	uint64_t alloc_size, data_size, init_size;
	uint64_t compressed_size;    /* only if compressed or sparse, else = alloc_size */
	const uint8_t *mapping_pairs;
	size_t mapping_pairs_len;
};

/**
 * nl_record_attr_next - step to the next attribute.
 * @buf, @size, @h: the record (fixups applied) and its decoded header
 * @pos:   cursor; set it to 0 before the first call (it then starts at
 *         h->attrs_offset)
 * @a:     receives the attribute
 * Checks: the attribute header and its length lie inside bytes_in_use,
 * length is at least the minimal header, a multiple of 8 (zero length never
 * loops), name offset/length within the attribute, resident value within
 * the attribute, non-resident mapping pairs within the attribute (every
 * attribute is at least 0x18 bytes, so a walk ends within size / 0x18 steps).
 * Returns 0 (an attribute), 1 at the end marker, -EINVAL with @reason.
 */
int nl_record_attr_next(const uint8_t *buf, size_t size, const struct nl_rec_header *h,
			size_t *pos, struct nl_attr *a, const char **reason);

/** Decoded $STANDARD_INFORMATION (times are NTFS times: 100 ns since 1601, UTC). */
struct nl_std_info {
	struct nl_times times;
	uint32_t file_attributes;             /* NL_FA_* */
	bool has_v3;                          /* NTFS 3.x extended fields present */
	uint32_t owner_id, security_id;
	uint64_t quota_charged, usn;
};

/** nl_attr_std_info - decode a resident $STANDARD_INFORMATION.
 *  Returns 0 or -EINVAL ("standard information too short", "... not resident"). */
int nl_attr_std_info(const struct nl_attr *a, struct nl_std_info *si, const char **reason);

/** Decoded $FILE_NAME; name points into the record (UTF-16LE, unaligned). */
struct nl_file_name {
	uint64_t parent_ref;     /* parent MFT reference (record | seq << 48) */
	struct nl_times times;
	uint64_t alloc_size, data_size;
	uint32_t file_attributes;
	uint32_t reparse_tag;    /* the "EA size / reparse tag" field when NL_FA_REPARSE_POINT */
	uint8_t name_len;        /* in UTF-16 units, 1..255 (0 refused) */
	uint8_t name_space;      /* enum nl_name_space (values above 3 are refused) */
	const uint8_t *name;
};

/** nl_attr_file_name - decode a resident $FILE_NAME.  The name's UTF-16 is not
 *  validated (unpaired surrogates are legal).  Returns 0 or -EINVAL
 *  ("file name too short", "file name length out of range", "bad file name
 *  namespace", "file name not resident", "empty file name"). */
int nl_attr_file_name(const struct nl_attr *a, struct nl_file_name *fn, const char **reason);

/**
 * nl_attr_reparse - decode a resident $REPARSE_POINT value: @tag, and the
 * whole value (8-byte header + data, as in system.ntfs_reparse_data) in
 * @data / @len (pointing into the record).  Checks that the data length
 * field fits the value (8 + length for Microsoft tags; other tags carry a
 * 16-byte GUID too).  Returns 0, -EINVAL ("reparse point too short",
 * "reparse data length mismatch"), -ENODATA when the attribute is
 * non-resident (read it through libntfs-3g).
 */
int nl_attr_reparse(const struct nl_attr *a, uint32_t *tag, const uint8_t **data,
		    size_t *len, const char **reason);

/** nl_attr_is_named - true if the attribute has a name (a named stream for $DATA). */
static inline bool nl_attr_is_named(const struct nl_attr *a) { return a->name_len != 0; }

#ifdef __cplusplus
}
#endif
#endif
