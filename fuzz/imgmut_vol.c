/* imgmut_vol.c: mutations of the image as a whole: boot sector, system files' data, truncation, partition tables, raw $MFT. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ondisk.h>

#include "base/endian_int.h"
#include "imgmut_int.h"

#define DISK_GAP (1u << 20)  /* where the partition starts on a disk made from a volume */

void fz_tweak_boot(uint8_t *img, size_t size, struct fz_rng *r)
{
	/* bytes per sector, sectors per cluster, reserved sectors, total sectors,
	 * $MFT and $MFTMirr clusters, record and index sizes, the signature */
	static const uint16_t at[] = { 0x0B, 0x0D, 0x0E, 0x28, 0x30, 0x38, 0x40, 0x44, 0x1FE };
	static const uint8_t wd[] = { 2, 1, 2, 8, 8, 8, 1, 1, 2 };
	size_t k = fz_below(r, sizeof(at) / sizeof(at[0]));

	if (size < 512)
		return;
	if (wd[k] == 1 && fz_below(r, 2))  /* the signed size codes: 2^-n bytes */
		img[at[k]] = (uint8_t)(0xF0 + fz_below(r, 16));
	else
		fz_tweak(img + at[k], wd[k], size / 4096, r);
}

/* The first record of the image that says it is record @num. */
static const uint8_t *find_record(const uint8_t *img, const struct fz_layout *l, uint32_t num)
{
	for (size_t i = 0; i < l->nrec; i++)
		if (nl_le32(img + l->rec[i] + 0x2C) == num)
			return img + l->rec[i];
	return NULL;
}

/* The runs of the unnamed non-resident $DATA of record @num, as byte
 * ranges of the image (at most @max).  Returns how many. */
static size_t data_runs(const uint8_t *img, const struct fz_layout *l, uint32_t num,
			uint64_t *off, uint64_t *len, size_t max)
{
	const uint8_t *rec = find_record(img, l, num);
	size_t rs = l->rec_size, offs[32], na, n = 0;
	uint8_t tmp[4096];
	struct fz_usa u;

	if (!rec || rs > sizeof(tmp) || !l->cluster)
		return 0;
	memcpy(tmp, rec, rs);
	if (!fz_unfix(tmp, rs, &u))
		return 0;
	na = fz_attrs(tmp, rs, offs, 32);
	for (size_t i = 0; i < na; i++) {
		const uint8_t *a = tmp + offs[i], *end = a + nl_le32(a + 4), *p;
		int64_t lcn = 0;

		if (nl_le32(a) != NL_AT_DATA || !a[8] || a[9] || end - a < 0x42)
			continue;
		for (p = a + nl_le16(a + 0x20); p < end && *p && n < max;) {
			size_t lb = *p & 15, ob = *p >> 4;

			if (lb == 0 || lb > 8 || ob > 8 || p + 1 + lb + ob > end)
				break;
			uint64_t cl = fz_get(p + 1, (unsigned)lb), d = fz_get(p + 1 + lb, (unsigned)ob);

			if (ob && (p[lb + ob] & 0x80) && ob < 8)
				d |= ~0ull << (8 * ob);  /* sign extension */
			lcn += (int64_t)d;
			if (ob) {
				off[n] = (uint64_t)lcn * l->cluster;
				len[n++] = cl * l->cluster;
			}
			p += 1 + lb + ob;
		}
		break;
	}
	return n;
}

void fz_tweak_region(uint8_t *img, const struct fz_layout *l, struct fz_rng *r)
{
	/* $MFT, $MFTMirr, $LogFile, $AttrDef, $Bitmap, $UpCase */
	static const uint32_t files[] = { 0, 1, 2, 4, 6, 10 };
	uint32_t num = files[fz_below(r, sizeof(files) / sizeof(files[0]))];
	uint64_t off, len;
	int changes = 1 + (int)fz_below(r, 8);

	if (!data_runs(img, l, num, &off, &len, 1) || off >= l->size || !len)
		return;
	if (len > l->size - off)
		len = l->size - off;
	while (changes-- > 0) {
		uint64_t at = off + fz_below(r, len);

		if (num == 10 && at + 2 <= l->size)  /* an upcase entry */
			fz_tweak(img + (at & ~1ull), 2, 0x61, r);
		else
			img[at] = (uint8_t)fz_rand(r);
	}
}

void fz_truncate(size_t *size, const struct fz_layout *l, struct fz_rng *r)
{
	if (!*size)
		return;
	if (l->nrec && fz_below(r, 2)) {
		uint64_t at = l->rec[fz_below(r, l->nrec)] + fz_below(r, l->rec_size);

		if (at < *size)
			*size = at;
		return;
	}
	*size = fz_below(r, *size);
}

int fz_wrap_disk(uint8_t **img, size_t *size, bool gpt, struct fz_rng *r)
{
	static const uint8_t basic_data[16] = { 0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44,
						0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7 };
	size_t nsize = *size + DISK_GAP, nsec = *size / 512;
	uint8_t *d;

	if (nsize > FZ_IMAGE_MAX || !(d = calloc(1, nsize)))
		return nsize > FZ_IMAGE_MAX ? 0 : -1;
	memcpy(d + DISK_GAP, *img, *size);
	d[510] = 0x55;
	d[511] = 0xAA;
	d[446 + 4] = gpt ? 0xEE : 0x07;
	nl_put_le32(d + 446 + 8, gpt ? 1 : DISK_GAP / 512);
	nl_put_le32(d + 446 + 12, gpt ? (uint32_t)(nsize / 512 - 1) : (uint32_t)nsec);
	if (gpt) {
		uint8_t *h = d + 512, *e = d + 1024;

		memcpy(h, "EFI PART", 8);
		nl_put_le32(h + 8, 0x10000);
		nl_put_le32(h + 12, 92);
		nl_put_le64(h + 0x18, 1);
		nl_put_le64(h + 0x20, nsize / 512 - 1);
		nl_put_le64(h + 0x28, 34);
		nl_put_le64(h + 0x30, nsize / 512 - 34);
		nl_put_le64(h + 0x48, 2);
		nl_put_le32(h + 0x50, 128);
		nl_put_le32(h + 0x54, 128);
		memcpy(e, basic_data, 16);
		for (int i = 0; i < 16; i++)
			e[16 + i] = (uint8_t)fz_rand(r);
		nl_put_le64(e + 32, DISK_GAP / 512);
		nl_put_le64(e + 40, DISK_GAP / 512 + nsec - 1);
	}
	free(*img);
	*img = d;
	*size = nsize;
	return 0;
}

int fz_cut_mft(uint8_t **img, size_t *size, const struct fz_layout *l)
{
	uint64_t off[16], len[16], total = 0;
	size_t n = data_runs(*img, l, 0, off, len, 16);
	uint8_t *d;

	for (size_t i = 0; i < n; i++) {
		if (off[i] >= *size)
			len[i] = 0;
		else if (len[i] > *size - off[i])
			len[i] = *size - off[i];
		total += len[i];
	}
	if (!total || !(d = malloc(total)))
		return total ? -1 : 0;
	total = 0;
	for (size_t i = 0; i < n; total += len[i], i++)
		memcpy(d + total, *img + off[i], len[i]);
	free(*img);
	*img = d;
	*size = total;
	return 0;
}

int fz_reshape(uint8_t **img, size_t *size, const struct fz_layout *l, struct fz_rng *r)
{
	if (!l->is_volume)
		return 0;
	switch (fz_below(r, 3)) {
	case 0: return fz_wrap_disk(img, size, false, r);
	case 1: return fz_wrap_disk(img, size, true, r);
	default: return fz_cut_mft(img, size, l);
	}
}

void fz_tweak_bytes(uint8_t *img, size_t size, const struct fz_layout *l, struct fz_rng *r)
{
	int changes = 1 + (int)fz_below(r, 8);
	uint64_t base = 0, span = size;

	if (!size)
		return;
	if (l->nrec && fz_below(r, 2)) {  /* inside one record, fixups and all */
		base = l->rec[fz_below(r, l->nrec)];
		span = l->rec_size;
	}
	while (changes-- > 0) {
		uint64_t at = base + fz_below(r, span);

		switch (fz_below(r, 3)) {
		case 0: img[at] ^= (uint8_t)(1u << fz_below(r, 8)); break;
		case 1: img[at] = (uint8_t)fz_rand(r); break;
		default: img[at] = fz_below(r, 2) ? 0xFF : 0x00; break;
		}
	}
}

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max) __attribute__((weak));

/* Plain byte changes (libFuzzer's own when it is there). */
static size_t mutate_bytes(uint8_t *data, size_t size, size_t max, struct fz_rng *r)
{
	if (LLVMFuzzerMutate)
		return LLVMFuzzerMutate(data, size, max);
	if (!size)
		return 0;
	for (int k = 1 + (int)fz_below(r, 4); k > 0; k--)
		data[fz_below(r, size)] = (uint8_t)fz_rand(r);
	return size;
}

size_t fz_custom_mutate(uint8_t *data, size_t size, size_t max, unsigned seed)
{
	struct fz_rng r;
	uint8_t *img = NULL, *out = NULL;
	size_t isz, n = 0;
	uint32_t opts;

	fz_rng_seed(&r, seed);
	if (fz_decode(data, size, &img, &isz, &opts) == 0 && isz >= 512 &&
	    fz_mutate_image(&img, &isz, &r) == 0 && (out = malloc(max))) {
		if (fz_below(&r, 16) == 0)
			opts ^= 1u << fz_below(&r, 8);
		n = fz_encode(img, isz, opts, out, max);
		if (n)
			memcpy(data, out, n);
	}
	free(out);
	free(img);
	return n ? n : mutate_bytes(data, size, max, &r);
}
