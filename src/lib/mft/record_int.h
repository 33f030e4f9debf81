/* record_int.h (internal): the update sequence fixups shared by MFT records and index blocks. */
#ifndef NL_MFT_RECORD_INT_H
#define NL_MFT_RECORD_INT_H

#include <stddef.h>
#include <stdint.h>

/* nl_usa_fixup - nl_record_fixup() (ntfslinks/record.h) for a block whose first four bytes
 * are @magic ("FILE": an MFT record, "INDX": an index block); the same checks, results and
 * reasons. */
int nl_usa_fixup(uint8_t *buf, size_t size, const char *magic, const char **reason);

#endif
