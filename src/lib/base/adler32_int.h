/* adler32_int.h (internal): the Adler-32 checksum (RFC 1950) that EWF containers keep for each chunk. */
#ifndef NL_ADLER32_INT_H
#define NL_ADLER32_INT_H

#include <stddef.h>
#include <stdint.h>

/* The value of no bytes: start a checksum with it. */
#define NL_ADLER32_INIT 1u

/**
 * nl_adler32 - @adler (the checksum of the bytes before, NL_ADLER32_INIT at
 * first) carried on over the @len bytes at @data.  Uses the processor's
 * 256-bit vector instructions where it has them.
 */
uint32_t nl_adler32(uint32_t adler, const void *data, size_t len);

/* nl_adler32_portable - the same in plain C (for tests: both must agree). */
uint32_t nl_adler32_portable(uint32_t adler, const void *data, size_t len);

#endif
