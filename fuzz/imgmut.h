/* imgmut.h: the image fuzzers' input encoding (a sparse image) and their structure-aware mutator. */
#ifndef FZ_IMGMUT_H
#define FZ_IMGMUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * An input of the image fuzzers is either a raw image (any bytes), or a
 * sparse image: the magic "NLFZIMG1", the image size (le64), option bits for
 * the harness (le32), then operations up to the end of the input:
 *   1 OFFSET LEN DATA   LEN bytes of DATA at byte OFFSET (le32 each)
 *   2 OFFSET LEN BYTE   LEN bytes of BYTE
 *   3 OFFSET            the default $UpCase table (128 KiB)
 * Everything not written is zero; writes past the size are clipped; an
 * unknown operation ends the list.  A 2 MiB image built by mkntfs takes
 * a few tens of KiB this way, so whole images fit libFuzzer's inputs.
 */
#define FZ_IMAGE_MAX (16u << 20)   /* larger images are cut to this size */

/* fz_decode - the image that input @in[0..@n) stands for, in a new buffer
 * (*@img, free it) of *@size bytes, and its option bits (0 for a raw image).
 * Returns 0, or -1 when out of memory. */
int fz_decode(const uint8_t *in, size_t n, uint8_t **img, size_t *size, uint32_t *opts);

/* fz_encode - the sparse encoding of @img[0..@size) with @opts into
 * @out[0..@max).  Returns its length, or 0 if it does not fit. */
size_t fz_encode(const uint8_t *img, size_t size, uint32_t opts, uint8_t *out, size_t max);

/* A small deterministic generator (xorshift64*): the replay and libFuzzer's
 * seed give the same mutations everywhere. */
struct fz_rng {
	uint64_t s;
};
void fz_rng_seed(struct fz_rng *r, uint64_t seed);
uint32_t fz_rand(struct fz_rng *r);
/* fz_below - a number in [0, @n) (0 when @n is 0). */
uint64_t fz_below(struct fz_rng *r, uint64_t n);

/*
 * fz_mutate_image - one to three mutations of the NTFS image (or disk, or raw
 * $MFT) in *@img (malloc'ed, *@size bytes; it may be reallocated and its size
 * change).  The mutations know the layout: the boot sector fields; MFT
 * records and INDX blocks, which are mutated behind their update-sequence
 * fixups (undone first, applied again after) so that the parsers see the
 * change; headers, attributes, lengths, runlists ($MFT's own in record 0
 * among them), $FILE_NAME and reparse values, index entries (references to
 * other records of the image, which make loops); the data of $UpCase,
 * $MFTMirr and $AttrDef; truncation; wrapping the volume in an MBR or GPT
 * disk; cutting out the raw $MFT; and plain byte changes.
 * Returns 0, or -1 when out of memory (the image is then unchanged).
 */
int fz_mutate_image(uint8_t **img, size_t *size, struct fz_rng *r);

/*
 * fz_custom_mutate - LLVMFuzzerCustomMutator for both image fuzzers: decode
 * @data[0..@size), fz_mutate_image() with @seed, encode into @data (at most
 * @max bytes); the option bits change now and then.  When the result does
 * not fit, or the input is not an image, bytes are changed instead.
 * Returns the new size.
 */
size_t fz_custom_mutate(uint8_t *data, size_t size, size_t max, unsigned seed);

#endif
