/* ewf_chunks_int.h (internal): the chunks of an EWF-E01 set that are stored plainly (uncompressed, in order), found from the sections of its segment files and read from them directly. */
#ifndef NL_EWF_CHUNKS_INT_H
#define NL_EWF_CHUNKS_INT_H

#include <stdint.h>

/*
 * Each segment file is a chain of sections; a "sectors" section holds
 * chunks, each followed by the Adler-32 of its bytes, and the "table"
 * section after it gives where each chunk starts (a 32-bit offset from the
 * table's base; the top bit marks a compressed chunk).  A table whose
 * chunks lie one after the other, uncompressed, filling its sectors section
 * exactly, is read here without libewf: straight into the caller's buffer,
 * each chunk checked against its Adler-32.  Anything else (a compressed
 * chunk, a damaged table, Ex01, an unexpected layout) is left to libewf.
 */
struct nl_ewf_chunks;

/**
 * nl_ewf_chunks_open - the tables of the segment files @names (@count of
 * them, segment 1 first; kept by the caller until the close) of an EWF-E01
 * set whose media holds @media_size bytes in chunks of @chunk_size.
 * Every count and offset the files give is checked against the files'
 * sizes and the media's chunks.  Returns 0 with *@out set, -EINVAL when the
 * set is laid out otherwise (the caller reads through libewf alone),
 * -ENOMEM, or the error of opening a segment.
 */
int nl_ewf_chunks_open(char *const *names, int count, uint32_t chunk_size, uint64_t media_size,
		       struct nl_ewf_chunks **out);

/**
 * nl_ewf_chunks_read - media chunks @first to @first + @n - 1 into @buf
 * (@chunk_size bytes each, the last chunk of the media as long as the media
 * leaves it), each checked against its stored Adler-32.  Returns how many
 * chunks from @first were read and found good: fewer than @n at the first
 * chunk that is not stored plainly, fails its checksum or cannot be read,
 * which the caller reads another way (libewf, which reports its damage).
 * Safe from several threads at once.
 */
uint64_t nl_ewf_chunks_read(struct nl_ewf_chunks *c, uint8_t *buf, uint64_t first, uint64_t n);

/** nl_ewf_chunks_close - release @*c (NULL is fine) and set it to NULL. */
void nl_ewf_chunks_close(struct nl_ewf_chunks **c);

#endif
