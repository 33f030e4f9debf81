/* imgmut.c: the structure-aware mutator of the image fuzzers: records, attributes, runlists and index entries behind their fixups. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ondisk.h>

#include "base/endian_int.h"
#include "imgmut.h"
#include "imgmut_int.h"

/* ---- where things are ------------------------------------------------------ */

/* A cluster or record size from a boot sector byte: clusters, or 2^-n bytes. */
static uint32_t boot_units(int8_t v, uint32_t cluster)
{
	if (v > 0)
		return (uint32_t)v * cluster;
	if (v < -6 && v > -20)
		return 1u << -v;
	return 0;
}

static bool pow2_in(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v >= lo && v <= hi && !(v & (v - 1));
}

/* Parse the boot sector at @img (when it looks like one) into @l. */
static void boot_layout(const uint8_t *img, size_t size, struct fz_layout *l)
{
	l->rec_size = 1024;
	l->idx_size = 4096;
	if (size < 512 || memcmp(img + 3, "NTFS    ", 8) != 0)
		return;
	uint32_t bps = nl_le16(img + 0x0B), spc = img[0x0D];

	if (spc > 0x80)
		spc = spc >= 0xF4 ? 1u << (256 - spc) : 0;
	if (!pow2_in(bps, 256, 4096) || !spc)
		return;
	l->is_volume = true;
	l->cluster = bps * spc;
	uint32_t rs = boot_units((int8_t)img[0x40], l->cluster);
	uint32_t is = boot_units((int8_t)img[0x44], l->cluster);

	if (pow2_in(rs, 512, 65536))
		l->rec_size = rs;
	if (pow2_in(is, 512, 65536))
		l->idx_size = is;
	l->mft_off = nl_le64(img + 0x30) * l->cluster;
}

int fz_layout_scan(const uint8_t *img, size_t size, struct fz_layout *l)
{
	memset(l, 0, sizeof(*l));
	boot_layout(img, size, l);
	if (!l->is_volume && size >= 0x20 && memcmp(img, "FILE", 4) == 0 &&
	    pow2_in(nl_le32(img + 0x1C), 512, 65536))
		l->rec_size = nl_le32(img + 0x1C);  /* a raw $MFT */
	for (size_t off = 0; off + 512 <= size;) {
		if (memcmp(img + off, "FILE", 4) == 0 && off + l->rec_size <= size &&
		    l->nrec < FZ_MAX_BLOCKS) {
			l->rec[l->nrec++] = off;
			off += l->rec_size;
		} else if (memcmp(img + off, "INDX", 4) == 0 && off + l->idx_size <= size &&
			   l->nidx < FZ_MAX_BLOCKS) {
			l->idx[l->nidx++] = off;
			off += l->idx_size;
		} else {
			off += 512;
		}
	}
	return 0;
}

/* ---- update sequences ------------------------------------------------------ */

bool fz_unfix(uint8_t *b, size_t size, struct fz_usa *u)
{
	u->ofs = nl_le16(b + 4);
	u->cnt = nl_le16(b + 6);
	if (u->cnt != size / 512 + 1 || u->ofs < 8 || u->ofs + 2u * u->cnt > size)
		return false;
	for (size_t i = 1; i < u->cnt; i++)
		memcpy(b + 512 * i - 2, b + u->ofs + 2 * i, 2);
	return true;
}

void fz_fix(uint8_t *b, const struct fz_usa *u)
{
	for (size_t i = 1; i < u->cnt; i++) {
		memcpy(b + u->ofs + 2 * i, b + 512 * i - 2, 2);
		memcpy(b + 512 * i - 2, b + u->ofs, 2);
	}
}

/* ---- values ------------------------------------------------------------------ */

uint64_t fz_get(const uint8_t *p, unsigned w)
{
	uint64_t v = 0;

	for (unsigned i = w; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

void fz_put(uint8_t *p, unsigned w, uint64_t v)
{
	for (unsigned i = 0; i < w; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* A reference (record number and sequence number) to a record of the image. */
uint64_t fz_some_ref(const uint8_t *img, const struct fz_layout *l, struct fz_rng *r)
{
	if (!l->nrec)
		return fz_below(r, 64);
	const uint8_t *b = img + l->rec[fz_below(r, l->nrec)];

	return (uint64_t)nl_le32(b + 0x2C) | (uint64_t)nl_le16(b + 0x10) << 48;
}

/* A value a parser may trip on, for a field of @w bytes holding @v now. */
uint64_t fz_interesting(uint64_t v, unsigned w, uint64_t scale, struct fz_rng *r)
{
	uint64_t top = w >= 8 ? UINT64_MAX : (1ull << (8 * w)) - 1;

	switch (fz_below(r, 12)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return v + 1;
	case 3: return v - 1;
	case 4: return v * 2;
	case 5: return v / 2;
	case 6: return top;
	case 7: return top >> 1;
	case 8: return (top >> 1) + 1;
	case 9: return scale + fz_below(r, 3) - 1;
	case 10: return v + fz_below(r, 64) - 32;
	default: return (uint64_t)fz_rand(r) << 32 | fz_rand(r);
	}
}

/* Set the @w-byte field at @p to an interesting value (@scale: a size nearby). */
void fz_tweak(uint8_t *p, unsigned w, uint64_t scale, struct fz_rng *r)
{
	fz_put(p, w, fz_interesting(fz_get(p, w), w, scale, r));
}

/* ---- records ----------------------------------------------------------------- */

/* The offsets of the attributes of record @b (at most @max). */
size_t fz_attrs(const uint8_t *b, size_t rs, size_t *offs, size_t max)
{
	size_t o = nl_le16(b + 0x14), n = 0;

	while (n < max && o + 16 <= rs && nl_le32(b + o) != NL_AT_END) {
		uint32_t len = nl_le32(b + o + 4);

		if (len < 16 || len > rs - o)
			break;
		offs[n++] = o;
		o += len;
	}
	return n;
}

static void tweak_header(uint8_t *b, size_t rs, const uint8_t *img, const struct fz_layout *l,
			 struct fz_rng *r)
{
	static const uint8_t at[] = { 0x10, 0x12, 0x14, 0x16, 0x18, 0x1C, 0x20, 0x28, 0x2C };
	static const uint8_t wd[] = { 2, 2, 2, 2, 4, 4, 8, 2, 4 };
	size_t k = fz_below(r, sizeof(at));

	if (at[k] == 0x20 && fz_below(r, 2))
		fz_put(b + 0x20, 8, fz_some_ref(img, l, r));  /* an extension of another record */
	else
		fz_tweak(b + at[k], wd[k], at[k] == 0x14 ? 0x38 : rs, r);
}

/* Mutate the mapping pairs at @mp..@end: headers, lengths, offsets, ends. */
void fz_tweak_runlist(uint8_t *mp, uint8_t *end, uint64_t clusters, struct fz_rng *r)
{
	uint8_t *runs[64], *p = mp;
	size_t n = 0;

	while (p < end && *p && n < 64) {
		runs[n++] = p;
		p += 1 + (*p & 15) + (*p >> 4);
	}
	if (p < end && n < 64)
		runs[n++] = p;  /* the terminator */
	if (!n)
		return;
	uint8_t *run = runs[fz_below(r, n)];
	size_t lb = *run & 15, ob = *run >> 4;

	switch (fz_below(r, 5)) {
	case 0: {
		static const uint8_t hdr[] = { 0x00, 0x11, 0x21, 0x0F, 0xF0, 0x88, 0x48, 0x01, 0x31 };

		*run = fz_below(r, 2) ? hdr[fz_below(r, sizeof(hdr))] : (uint8_t)fz_rand(r);
		break;
	}
	case 1:  /* the length */
		if (lb && run + 1 + lb <= end)
			fz_tweak(run + 1, (unsigned)lb, clusters, r);
		break;
	case 2:  /* the offset */
		if (ob && run + 1 + lb + ob <= end)
			fz_tweak(run + 1 + lb, (unsigned)ob, clusters, r);
		break;
	case 3:  /* end here */
		*run = 0;
		break;
	default:  /* one byte anywhere in it */
		if (run + 1 + lb + ob <= end)
			run[fz_below(r, 1 + lb + ob)] = (uint8_t)fz_rand(r);
		break;
	}
}

/* Mutate a value field of attribute @a (@alen bytes) of record @b. */
static void tweak_attr_header(uint8_t *a, size_t alen, size_t rs, uint64_t clusters,
			      struct fz_rng *r)
{
	static const uint8_t at[] = { 0, 4, 8, 9, 10, 12, 14 };
	static const uint8_t wd[] = { 4, 4, 1, 1, 2, 2, 2 };
	static const uint8_t nr_at[] = { 0x10, 0x18, 0x20, 0x22, 0x28, 0x30, 0x38 };
	static const uint8_t nr_wd[] = { 8, 8, 2, 1, 8, 8, 8 };
	static const uint32_t types[] = { 0x10, 0x20, 0x30, 0x80, 0x90, 0xA0, 0xB0, 0xC0, 0x100 };

	if (a[8] && alen >= 0x40 && fz_below(r, 2)) {
		size_t k = fz_below(r, sizeof(nr_at));

		fz_tweak(a + nr_at[k], nr_wd[k], k < 2 ? clusters : alen, r);
		return;
	}
	if (!a[8] && alen >= 0x18 && fz_below(r, 2)) {
		if (fz_below(r, 2))
			fz_tweak(a + 0x10, 4, alen, r);
		else
			fz_tweak(a + 0x14, 2, 0x18, r);
		return;
	}
	size_t k = fz_below(r, sizeof(at));

	if (k == 0 && fz_below(r, 2))
		nl_put_le32(a, types[fz_below(r, sizeof(types) / sizeof(types[0]))]);
	else
		fz_tweak(a + at[k], wd[k], k == 1 ? rs : alen, r);
}

/* Mutate inside the value of resident attribute @a: $FILE_NAME's parent,
 * lengths and namespace; reparse tags and lengths; any word. */
static void tweak_value(uint8_t *a, size_t alen, const uint8_t *img, const struct fz_layout *l,
			struct fz_rng *r)
{
	size_t vo = nl_le16(a + 0x14), vl = nl_le32(a + 0x10);

	if (vo >= alen || vl > alen - vo || vl == 0)
		return;
	uint8_t *v = a + vo;
	uint32_t type = nl_le32(a);

	if (type == NL_AT_FILE_NAME && vl >= 0x42 && fz_below(r, 2)) {
		switch (fz_below(r, 4)) {
		case 0: fz_put(v, 8, fz_some_ref(img, l, r)); return;
		case 1: fz_tweak(v + 0x40, 1, vl / 2, r); return;
		case 2: v[0x41] = (uint8_t)fz_below(r, 5); return;
		default: fz_tweak(v + 0x38, 4, 0x400, r); return;
		}
	}
	if (type == NL_AT_REPARSE_POINT && vl >= 8 && fz_below(r, 2)) {
		static const uint32_t tags[] = { 0xA0000003, 0xA000000C, 0x8000001B, 0x80000017, 0 };

		if (fz_below(r, 3) == 0)
			nl_put_le32(v, tags[fz_below(r, 5)]);
		else  /* the data length or one of the name offsets and lengths */
			fz_tweak(v + 4 + 2 * fz_below(r, vl >= 16 ? 6 : 2), 2, vl, r);
		return;
	}
	if (type == NL_AT_INDEX_ROOT && vl >= 0x20 && fz_below(r, 2)) {
		fz_tweak_index(v + 0x10, vl - 0x10, img, l, r);
		return;
	}
	unsigned w = 1u << fz_below(r, 4);

	if (vl >= w)
		fz_tweak(v + fz_below(r, vl - w + 1), w, vl, r);
}

/* Copy attribute @src (@len bytes) into record @b before its attribute at @at,
 * moving the rest up (what no longer fits is cut). */
static void insert_attr(uint8_t *b, size_t rs, size_t at, const uint8_t *src, size_t len)
{
	if (at + len + 8 > rs)
		return;
	memmove(b + at + len, b + at, rs - at - len);
	memmove(b + at, src, len);
	nl_put_le32(b + 0x18, (uint32_t)(nl_le32(b + 0x18) + len));
}

/* A copy of an attribute of some record of the image in front of the one at
 * @at of record @b. */
static void copy_attr(uint8_t *b, size_t rs, size_t at, const uint8_t *img,
		      const struct fz_layout *l, struct fz_rng *r)
{
	const uint8_t *o = img + l->rec[fz_below(r, l->nrec)];
	size_t on, offs[64], pick;
	struct fz_usa u;
	uint8_t tmp[4096];

	if (o == b || rs > sizeof(tmp))
		return;
	memcpy(tmp, o, rs);
	if (!fz_unfix(tmp, rs, &u) || !(on = fz_attrs(tmp, rs, offs, 64)))
		return;
	pick = offs[fz_below(r, on)];
	insert_attr(b, rs, at, tmp + pick, nl_le32(tmp + pick + 4));
}

/* One mutation of the record at @b (fixups undone). */
static void tweak_record(uint8_t *b, size_t rs, uint8_t *img, const struct fz_layout *l,
			 struct fz_rng *r)
{
	size_t offs[64], n = fz_attrs(b, rs, offs, 64);
	uint64_t clusters = l->cluster ? l->size / l->cluster : l->size / 4096;

	if (!n || fz_below(r, 8) == 0) {
		tweak_header(b, rs, img, l, r);
		return;
	}
	size_t k = fz_below(r, n);
	uint8_t *a = b + offs[k];
	size_t alen = nl_le32(a + 4);

	switch (fz_below(r, 6)) {
	case 0:
		tweak_attr_header(a, alen, rs, clusters, r);
		break;
	case 1:
		if (a[8] && alen >= 0x42)
			fz_tweak_runlist(a + nl_le16(a + 0x20) % alen, a + alen, clusters, r);
		else
			tweak_value(a, alen, img, l, r);
		break;
	case 2: case 3:
		if (a[8])
			tweak_attr_header(a, alen, rs, clusters, r);
		else
			tweak_value(a, alen, img, l, r);
		break;
	case 4:  /* end the list here */
		nl_put_le32(a, NL_AT_END);
		break;
	default:
		copy_attr(b, rs, offs[k], img, l, r);
		break;
	}
}

/* ---- index entries ---------------------------------------------------------- */

void fz_tweak_index(uint8_t *h, size_t hlen, const uint8_t *img, const struct fz_layout *l,
		    struct fz_rng *r)
{
	uint8_t *ents[128];
	size_t n = 0, o = nl_le32(h), end = nl_le32(h + 4);

	if (end > hlen)
		end = hlen;
	while (o + 16 <= end && n < 128) {
		size_t len = nl_le16(h + o + 8);

		ents[n++] = h + o;
		if (len < 16 || (nl_le16(h + o + 12) & 2))
			break;
		o += len;
	}
	if (!n || fz_below(r, 8) == 0) {  /* the index header: offsets, lengths, flags */
		fz_tweak(h + 4 * fz_below(r, 4), 4, hlen, r);
		return;
	}
	uint8_t *e = ents[fz_below(r, n)];
	size_t elen = nl_le16(e + 8), room = (size_t)(h + hlen - e);

	switch (fz_below(r, 6)) {
	case 0:  /* a loop: the entry names the folder itself (the key's parent) */
		if (elen >= 24 && room >= 24)
			memcpy(e, e + 16, 8);
		break;
	case 1:
		fz_put(e, 8, fz_some_ref(img, l, r));
		break;
	case 2:
		fz_tweak(e + 8 + 2 * fz_below(r, 3), 2, elen, r);
		break;
	case 3:  /* the subnode's VCN */
		if (elen >= 24 && elen <= room)
			fz_tweak(e + elen - 8, 8, 4, r);
		break;
	case 4:  /* the key's parent, name length or namespace */
		if (elen >= 16 + 0x42 && room >= 16 + 0x42) {
			size_t f = fz_below(r, 3);

			if (f == 0)
				fz_put(e + 16, 8, fz_some_ref(img, l, r));
			else
				fz_tweak(e + 16 + 0x3F + f, 1, 32, r);
		}
		break;
	default:
		if (elen > 1 && elen <= room)
			e[fz_below(r, elen)] = (uint8_t)fz_rand(r);
		break;
	}
}

/* ---- one mutation ----------------------------------------------------------- */

/* libntfs-3g refuses a volume whose first records differ from their copies
 * in $MFTMirr: the copies of the record at @off (same number, below 4) are
 * made the same, so that the mutation reaches further. */
static void sync_mirror(uint8_t *img, const struct fz_layout *l, uint64_t off)
{
	uint32_t num = nl_le32(img + off + 0x2C);

	if (num >= 4)
		return;
	for (size_t i = 0; i < l->nrec; i++)
		if (l->rec[i] != off && nl_le32(img + l->rec[i] + 0x2C) == num)
			memcpy(img + l->rec[i], img + off, l->rec_size);
}

/* A record or an INDX block, mutated behind its fixups. */
static void tweak_block(uint8_t *img, struct fz_layout *l, bool index, struct fz_rng *r)
{
	size_t bs = index ? l->idx_size : l->rec_size;
	uint64_t off;

	if (index ? !l->nidx : !l->nrec)
		return;
	if (!index && fz_below(r, 8) == 0)
		off = l->rec[0];  /* $MFT's own record, whose runlist libntfs-3g trusts first */
	else
		off = index ? l->idx[fz_below(r, l->nidx)] : l->rec[fz_below(r, l->nrec)];
	uint8_t *b = img + off;
	struct fz_usa u;
	bool fixed = fz_unfix(b, bs, &u);

	if (index)
		fz_tweak_index(b + 0x18, bs - 0x18, img, l, r);
	else
		tweak_record(b, bs, img, l, r);
	if (fixed && fz_below(r, 32))
		fz_fix(b, &u);
	if (!index && fz_below(r, 4))
		sync_mirror(img, l, off);
}

int fz_mutate_image(uint8_t **img, size_t *size, struct fz_rng *r)
{
	struct fz_layout *l = malloc(sizeof(*l));
	int rounds = 1 + (int)fz_below(r, 3), rc = 0;

	if (!l)
		return -1;
	while (rounds-- > 0 && rc == 0) {
		fz_layout_scan(*img, *size, l);
		l->size = *size;
		switch (fz_below(r, 16)) {
		case 0: case 1: case 2: case 3: case 4: case 5:
			tweak_block(*img, l, false, r);
			break;
		case 6: case 7: case 8:
			tweak_block(*img, l, true, r);
			break;
		case 9:
			fz_tweak_boot(*img, *size, r);
			break;
		case 10: case 11:
			fz_tweak_region(*img, l, r);
			break;
		case 12:
			fz_truncate(size, l, r);
			break;
		case 13:
			rc = fz_reshape(img, size, l, r);
			break;
		default:
			fz_tweak_bytes(*img, *size, l, r);
			break;
		}
	}
	free(l);
	return rc;
}
