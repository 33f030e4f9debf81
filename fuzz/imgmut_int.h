/* imgmut_int.h: what the parts of the image mutator share: the layout found in an image, fixups, field tweaks. */
#ifndef FZ_IMGMUT_INT_H
#define FZ_IMGMUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "imgmut.h"

#define FZ_MAX_BLOCKS 4096

/* Where the structures of an image are (found by signature, not trusted). */
struct fz_layout {
	size_t size;
	bool is_volume;             /* starts with an NTFS boot sector */
	uint32_t cluster, rec_size, idx_size;
	uint64_t mft_off;           /* byte offset of $MFT per the boot sector */
	size_t nrec, nidx;
	uint64_t rec[FZ_MAX_BLOCKS];  /* offsets of "FILE" records */
	uint64_t idx[FZ_MAX_BLOCKS];  /* offsets of "INDX" blocks */
};

/* An update sequence array: its offset and count (of 2-byte values). */
struct fz_usa {
	size_t ofs, cnt;
};

int fz_layout_scan(const uint8_t *img, size_t size, struct fz_layout *l);
/* fz_unfix - put the saved sector ends of block @b back; false (nothing done)
 * if its update sequence is out of bounds.  fz_fix() applies it again. */
bool fz_unfix(uint8_t *b, size_t size, struct fz_usa *u);
void fz_fix(uint8_t *b, const struct fz_usa *u);

uint64_t fz_get(const uint8_t *p, unsigned w);
void fz_put(uint8_t *p, unsigned w, uint64_t v);
uint64_t fz_interesting(uint64_t v, unsigned w, uint64_t scale, struct fz_rng *r);
void fz_tweak(uint8_t *p, unsigned w, uint64_t scale, struct fz_rng *r);
uint64_t fz_some_ref(const uint8_t *img, const struct fz_layout *l, struct fz_rng *r);
size_t fz_attrs(const uint8_t *b, size_t rs, size_t *offs, size_t max);
void fz_tweak_runlist(uint8_t *mp, uint8_t *end, uint64_t clusters, struct fz_rng *r);
/* fz_tweak_index - one mutation of the index header at @h (@hlen bytes
 * available) or of one of its entries. */
void fz_tweak_index(uint8_t *h, size_t hlen, const uint8_t *img, const struct fz_layout *l,
		    struct fz_rng *r);

/* imgmut_vol.c: the image as a whole */
void fz_tweak_boot(uint8_t *img, size_t size, struct fz_rng *r);
void fz_tweak_region(uint8_t *img, const struct fz_layout *l, struct fz_rng *r);
void fz_truncate(size_t *size, const struct fz_layout *l, struct fz_rng *r);
int fz_reshape(uint8_t **img, size_t *size, const struct fz_layout *l, struct fz_rng *r);
/* fz_wrap_disk - the volume *@img moved to 1 MiB into a new disk with an MBR
 * or GPT partition table naming it (nothing done past FZ_IMAGE_MAX).
 * Returns 0 or -1 (out of memory). */
int fz_wrap_disk(uint8_t **img, size_t *size, bool gpt, struct fz_rng *r);
/* fz_cut_mft - the volume *@img replaced by its raw $MFT (its runs one after
 * another; nothing done when record 0 shows none).  Returns 0 or -1. */
int fz_cut_mft(uint8_t **img, size_t *size, const struct fz_layout *l);
void fz_tweak_bytes(uint8_t *img, size_t size, const struct fz_layout *l, struct fz_rng *r);

#endif
