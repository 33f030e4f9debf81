/* check_index.c: Check suite for the bounded walk of a folder's index (mft/index_check.c) over indexes built in memory. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/endian_int.h"
#include "mft/index_check_int.h"
#include "testutil.h"

#define NOSUB INT64_MIN		/* an entry without a subnode */
#define MAXBLOCKS 40

/* An index: its root, its allocation of blocks of @block bytes, its bitmap. */
struct tix {
	uint32_t block, cluster;
	uint8_t root[256];
	size_t root_len;
	uint8_t alloc[MAXBLOCKS * 1024];
	size_t nblocks;
	uint8_t bitmap[8];
	bool no_bitmap, fail_reads;
};

static int tix_read(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	struct tix *t = ctx;

	ck_assert_uint_le(off + len, t->nblocks * t->block);
	if (t->fail_reads)
		return -EIO;
	memcpy(buf, t->alloc + off, len);
	return 0;
}

/* Entries after the index header at @h: @nkeys keys (each naming subs[i], or NOSUB), then
 * the end entry naming @endsub; the header's allocated size @alloc (0: what they take). */
static void put_node(uint8_t *h, uint32_t first, uint32_t alloc, size_t nkeys,
		     const int64_t *subs, int64_t endsub)
{
	size_t pos = first;

	for (size_t i = 0; i <= nkeys; i++) {
		int64_t sub = i < nkeys ? subs[i] : endsub;
		bool end = i == nkeys;
		size_t len = (end ? 0x10 : 0x20) + (sub != NOSUB ? 8 : 0);
		uint8_t *e = h + pos;

		memset(e, 0, len);
		nl_put_le16(e + 8, (uint16_t)len);
		nl_put_le16(e + 10, end ? 0 : 0x10);
		nl_put_le16(e + 12, (uint16_t)((end ? 2 : 0) | (sub != NOSUB ? 1 : 0)));
		if (sub != NOSUB)
			nl_put_le64(e + len - 8, (uint64_t)sub);
		pos += len;
	}
	nl_put_le32(h, first);
	nl_put_le32(h + 4, (uint32_t)pos);
	nl_put_le32(h + 8, alloc ? alloc : (uint32_t)pos);
}

static void tix_init(struct tix *t, uint32_t block, uint32_t cluster, size_t nblocks)
{
	memset(t, 0, sizeof(*t));
	t->block = block;
	t->cluster = cluster;
	t->nblocks = nblocks;
	memset(t->bitmap, 0xFF, sizeof(t->bitmap));
	nl_put_le32(t->root, 0x30);
	nl_put_le32(t->root + 4, 1);
	nl_put_le32(t->root + 8, block);
	t->root[12] = 1;
}

/* The root names subs[0 .. nkeys) and @endsub. */
static void tix_root(struct tix *t, size_t nkeys, const int64_t *subs, int64_t endsub)
{
	put_node(t->root + 0x10, 0x10, 0, nkeys, subs, endsub);
	t->root_len = 0x10 + nl_le32(t->root + 0x14);
}

/* Block @b (at VCN @vcn as its header says) names @endsub from its end entry after one key
 * naming @keysub, its update sequence applied as on disk. */
static void tix_block(struct tix *t, size_t b, int64_t vcn, int64_t keysub, int64_t endsub)
{
	uint8_t *blk = t->alloc + b * t->block;
	size_t strides = t->block / 512;

	memset(blk, 0, t->block);
	memcpy(blk, "INDX", 4);
	nl_put_le16(blk + 4, 0x28);
	nl_put_le16(blk + 6, (uint16_t)(strides + 1));
	nl_put_le64(blk + 0x10, (uint64_t)vcn);
	put_node(blk + 0x18, 0x28, t->block - 0x18, 1, &keysub, endsub);
	nl_put_le16(blk + 0x28, 7);	/* the update sequence number */
	for (size_t i = 1; i <= strides; i++) {
		memcpy(blk + 0x28 + 2 * i, blk + 512 * i - 2, 2);
		nl_put_le16(blk + 512 * i - 2, 7);
	}
}

/* Check @t: the result, the reason in @why. */
static int tix_check(struct tix *t, char *why, size_t len)
{
	struct nl_index_src s = {
		.root = t->root, .root_len = t->root_len,
		.bitmap = t->no_bitmap ? NULL : t->bitmap, .bitmap_len = sizeof(t->bitmap),
		.has_alloc = t->nblocks > 0, .alloc_len = t->nblocks * t->block,
		.cluster = t->cluster, .read = tix_read, .ctx = t,
	};

	return nl_index_check(&s, why, len);
}

#define EXPECT(t, rc, reason) do { \
	char why_[256] = "-"; \
	ck_assert_int_eq(tix_check((t), why_, sizeof(why_)), (rc)); \
	ck_assert_str_eq(why_, (reason)); \
} while (0)

static struct tix T;

START_TEST(test_sound)
{
	static const int64_t k[] = { 0 };

	/* the root alone; then two leaves below it */
	tix_init(&T, 512, 512, 0);
	tix_root(&T, 0, NULL, NOSUB);
	EXPECT(&T, 0, "");
	tix_init(&T, 512, 512, 2);
	tix_root(&T, 1, k, 1);
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	tix_block(&T, 1, 1, NOSUB, NOSUB);
	EXPECT(&T, 0, "");
	/* blocks of 4 KiB in 4 KiB clusters: VCN 1 is the second block; no bitmap */
	tix_init(&T, 4096, 4096, 2);
	T.no_bitmap = true;
	tix_root(&T, 1, k, 1);
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	tix_block(&T, 1, 1, NOSUB, NOSUB);
	EXPECT(&T, 0, "");
	/* blocks of 1 KiB in 4 KiB clusters: VCNs count 512 bytes, the second block is VCN 2 */
	tix_init(&T, 1024, 4096, 2);
	tix_root(&T, 1, k, 2);
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	tix_block(&T, 1, 2, NOSUB, NOSUB);
	EXPECT(&T, 0, "");
}
END_TEST

START_TEST(test_cycles)
{
	/* a block that is its own subnode */
	tix_init(&T, 512, 512, 1);
	tix_root(&T, 0, NULL, 0);
	tix_block(&T, 0, 0, NOSUB, 0);
	EXPECT(&T, -EUCLEAN, "subnode vcn 0 is its own block");
	/* 0 -> 1 -> 2 -> 0: back to a block above */
	tix_init(&T, 512, 512, 3);
	tix_root(&T, 0, NULL, 0);
	tix_block(&T, 0, 0, NOSUB, 1);
	tix_block(&T, 1, 1, NOSUB, 2);
	tix_block(&T, 2, 2, 0, NOSUB);
	EXPECT(&T, -EUCLEAN, "subnode vcn 0 leads back to a block above it (a cycle)");
	/* one block named by two entries (no cycle, but reached twice) */
	tix_init(&T, 512, 512, 2);
	tix_root(&T, 0, NULL, 0);
	tix_block(&T, 0, 0, 1, 1);
	tix_block(&T, 1, 1, NOSUB, NOSUB);
	EXPECT(&T, -EUCLEAN, "index block at vcn 1 is named twice");
}
END_TEST

/* A chain of @n blocks below the root, each the end subnode of the one above. */
static void chain(size_t n)
{
	tix_init(&T, 512, 512, n);
	tix_root(&T, 0, NULL, 0);
	for (size_t b = 0; b < n; b++)
		tix_block(&T, b, (int64_t)b, NOSUB, b + 1 < n ? (int64_t)b + 1 : NOSUB);
}

START_TEST(test_depth)
{
	char want[64];

	chain(NL_INDEX_DEPTH_MAX);
	EXPECT(&T, 0, "");
	chain(NL_INDEX_DEPTH_MAX + 1);
	snprintf(want, sizeof(want), "index deeper than %d levels", NL_INDEX_DEPTH_MAX);
	EXPECT(&T, -EUCLEAN, want);
}
END_TEST

START_TEST(test_where)
{
	static const int64_t k[] = { 0 };

	tix_init(&T, 512, 512, 2);
	tix_root(&T, 1, k, 2);
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	EXPECT(&T, -EUCLEAN, "subnode vcn 2 outside the index allocation of 1024 bytes");
	tix_root(&T, 1, k, -1);
	EXPECT(&T, -EUCLEAN, "subnode vcn -1 outside the index allocation of 1024 bytes");
	tix_root(&T, 1, k, INT64_MAX);
	EXPECT(&T, -EUCLEAN, "subnode vcn 9223372036854775807 outside the index allocation of "
	       "1024 bytes");
	/* the second block is not in use */
	tix_root(&T, 1, k, 1);
	tix_block(&T, 1, 1, NOSUB, NOSUB);
	T.bitmap[0] = 0x01;
	EXPECT(&T, -EUCLEAN, "subnode vcn 1 is not in use in the index bitmap");
	/* blocks of 1 KiB counted in 512-byte VCNs: VCN 1 is inside the first block */
	tix_init(&T, 1024, 4096, 2);
	tix_root(&T, 1, k, 1);
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	EXPECT(&T, -EUCLEAN, "subnode vcn 1 is not at the start of a block");
	/* no allocation at all */
	tix_init(&T, 512, 512, 0);
	tix_root(&T, 0, NULL, 0);
	EXPECT(&T, -EUCLEAN, "subnode vcn 0 but no index allocation");
}
END_TEST

START_TEST(test_blocks)
{
	/* a torn block, one that says it lies elsewhere, one that cannot be read */
	tix_init(&T, 1024, 1024, 1);
	tix_root(&T, 0, NULL, 0);
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	T.alloc[1022] ^= 1;
	EXPECT(&T, -EUCLEAN, "index block at vcn 0: update sequence mismatch");
	tix_block(&T, 0, 5, NOSUB, NOSUB);
	EXPECT(&T, -EUCLEAN, "index block at vcn 0 says it is at vcn 5");
	memcpy(T.alloc, "FILE", 4);
	EXPECT(&T, -EUCLEAN, "index block at vcn 0: bad magic");
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	T.fail_reads = true;
	EXPECT(&T, -EUCLEAN, "index block at vcn 0 cannot be read");
	T.fail_reads = false;
	EXPECT(&T, 0, "");
	/* a block size that is no power of two in the root */
	nl_put_le32(T.root + 8, 1536);
	EXPECT(&T, -EUCLEAN, "index block size 1536 out of range");
}
END_TEST

START_TEST(test_entries)
{
	uint8_t *h;

	/* an entry whose length runs past its block's index */
	tix_init(&T, 512, 512, 1);
	tix_root(&T, 0, NULL, 0);
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	h = T.alloc + 0x18;
	nl_put_le16(h + 0x28 + 8, 0x1F8);
	EXPECT(&T, -EUCLEAN, "index block at vcn 0: index entry length out of range");
	/* a node cut before its end entry */
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	nl_put_le32(h + 4, 0x28 + 0x20);
	EXPECT(&T, -EUCLEAN, "index block at vcn 0: index entry runs past its node (no end "
	       "entry)");
	/* a key longer than its entry, in the root */
	tix_block(&T, 0, 0, NOSUB, NOSUB);
	tix_root(&T, 1, (const int64_t[]){ NOSUB }, 0);
	nl_put_le16(T.root + 0x20 + 10, 0x40);
	EXPECT(&T, -EUCLEAN, "index root: index key runs past its entry");
	/* a root whose entries claim more than the attribute holds */
	tix_root(&T, 0, NULL, 0);
	T.root_len -= 8;
	EXPECT(&T, -EUCLEAN, "index root: index size out of range");
	T.root_len = 0x0F;
	EXPECT(&T, -EUCLEAN, "index root too short");
}
END_TEST

static Suite *index_suite(void)
{
	Suite *s = suite_create("index");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sound);
	tcase_add_test(tc, test_cycles);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_where);
	tcase_add_test(tc, test_blocks);
	tcase_add_test(tc, test_entries);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(index_suite());
}
