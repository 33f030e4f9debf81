/* bounds.c: a record's attribute list measured by the record parser before libntfs-3g opens it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/record.h>
#include "mft/bounds_int.h"

int nl_attr_list_check(ntfs_volume *vol, uint64_t mft, char *why, size_t whylen)
{
	uint32_t rs = vol->mft_record_size;
	uint8_t *buf = malloc(rs ? rs : 1);
	struct nl_rec_header h;
	struct nl_attr a;
	size_t pos = 0;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	if (!vol->mft_na || ntfs_attr_pread(vol->mft_na, (s64)(mft << vol->mft_record_size_bits),
					    rs, buf) != (s64)rs ||
	    nl_record_fixup(buf, rs, NULL) < 0 || nl_record_header(buf, rs, &h, NULL) < 0) {
		free(buf);
		return 0;
	}
	while (!rc && nl_record_attr_next(buf, rs, &h, &pos, &a, NULL) == 0) {
		uint64_t len = a.non_resident ? a.data_size : a.value_len;

		if (a.type != NL_AT_ATTRIBUTE_LIST || len <= NL_ATTR_LIST_MAX)
			continue;
		snprintf(why, whylen, "record %llu: attribute list of %llu bytes, more than %u",
			 (unsigned long long)mft, (unsigned long long)len, NL_ATTR_LIST_MAX);
		rc = -EFBIG;
	}
	free(buf);
	return rc;
}
