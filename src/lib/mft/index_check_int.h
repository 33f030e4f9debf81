/* index_check_int.h (internal): a folder's $I30 index checked before libntfs-3g walks it: its B-tree from the root through the INDX blocks, with bounds on depth, blocks and entries. */
#ifndef NL_MFT_INDEX_CHECK_INT_H
#define NL_MFT_INDEX_CHECK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The deepest an index may go: levels of INDX blocks below $INDEX_ROOT.  NTFS keeps every
 * leaf of an index at one depth, and a block above the leaves holds at least one entry
 * besides its end entry (two subnodes): d levels hold at least 2^d - 1 entries, so the
 * 2^32 records an MFT can number fit in 32 levels.  Real indexes are far shallower (a
 * 4 KiB block holds dozens of ordinary names: a million names take three or four levels).
 * libntfs-3g's ntfs_index_lookup() stops at the same depth (its MAX_PARENT_VCN); its
 * ntfs_inode_lookup_by_name() has no bound and follows a subnode that leads back to its
 * own block, or to one above it, for ever; its ntfs_readdir() reads the blocks in the
 * order of the $BITMAP, not down the tree.
 */
#define NL_INDEX_DEPTH_MAX 32

/* What nl_index_check() walks: the index's attributes, and a way to read its blocks. */
struct nl_index_src {
	const uint8_t *root;	/* the $INDEX_ROOT value */
	size_t root_len;
	const uint8_t *bitmap;	/* the index's $BITMAP value, NULL when it has none */
	size_t bitmap_len;
	bool has_alloc;		/* it has an $INDEX_ALLOCATION ... */
	uint64_t alloc_len;	/* ... of this many bytes (its data size) */
	uint32_t cluster;	/* the volume's cluster size */
	/* @len bytes of the $INDEX_ALLOCATION from @off into @buf: 0 or -errno */
	int (*read)(void *ctx, uint64_t off, uint8_t *buf, size_t len);
	void *ctx;
};

/*
 * nl_index_check - walk the index of @s from its root through every INDX block a subnode
 * entry names, depth first, as a lookup would descend.  Each block is read once: its
 * update sequence fixups applied (the record parser's own, mft/record_int.h), its header
 * (the VCN it says it is at, sizes) and every entry checked to lie inside it, up to an end
 * entry.  A subnode VCN must be a block boundary inside the $INDEX_ALLOCATION, set in the
 * $BITMAP when there is one, not the block itself or one above it (a cycle), not a block
 * reached before, and no deeper than NL_INDEX_DEPTH_MAX.  Time and memory grow with the
 * blocks read, never with the sizes the index claims.
 * Returns 0 (sound), -EUCLEAN with the reason in @why ("subnode vcn 3 is its own block"),
 * -ENOMEM.  A block that cannot be read is damage too (-EUCLEAN).
 */
int nl_index_check(const struct nl_index_src *s, char *why, size_t whylen);

#endif
