/* record.c: pure, bounds-checked parsing of one MFT record in a buffer (fixups, header, attributes, values). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <ntfslinks/record.h>
#include "base/endian_int.h"
#include "mft/record_int.h"

#define SET_REASON(r, s) do { if (r) *(r) = (s); } while (0)
#define FAIL(r, s) do { SET_REASON(r, s); return -EINVAL; } while (0)

#define STRIDE 512u

static bool size_ok(size_t size)
{
	return size >= STRIDE && size <= 65536 && size % STRIDE == 0;
}

int nl_usa_fixup(uint8_t *buf, size_t size, const char *magic, const char **reason)
{
	if (!buf || !size_ok(size))
		FAIL(reason, "bad record size");
	if (memcmp(buf, "BAAD", 4) == 0)
		FAIL(reason, "baad record");
	if (memcmp(buf, magic, 4) != 0)
		FAIL(reason, "bad magic");
	size_t usa_ofs = nl_le16(buf + 4), usa_count = nl_le16(buf + 6);

	if (usa_ofs < 0x28 || usa_ofs % 2 || usa_ofs + 2 * usa_count > STRIDE - 2)
		FAIL(reason, "update sequence array out of range");
	if (usa_count != size / STRIDE + 1)
		FAIL(reason, "update sequence count does not match record size");
	const uint8_t *usa = buf + usa_ofs;
	/* check every stride first so that a torn record is left as it was */
	for (size_t i = 1; i < usa_count; i++) {
		const uint8_t *end = buf + i * STRIDE - 2;

		if (end[0] != usa[0] || end[1] != usa[1]) {
			/* a record copied out with its fixups already applied
			 * (e.g. "ntfscat IMAGE '$MFT'") holds the saved values */
			for (i = 1; i < usa_count; i++) {
				end = buf + i * STRIDE - 2;
				if (end[0] != usa[2 * i] || end[1] != usa[2 * i + 1]) {
					SET_REASON(reason, "update sequence mismatch");
					return -EILSEQ;
				}
			}
			return 1;
		}
	}
	for (size_t i = 1; i < usa_count; i++) {
		uint8_t *end = buf + i * STRIDE - 2;

		end[0] = usa[2 * i];
		end[1] = usa[2 * i + 1];
	}
	return 0;
}

int nl_record_fixup(uint8_t *buf, size_t size, const char **reason)
{
	return nl_usa_fixup(buf, size, "FILE", reason);
}

int nl_record_header(const uint8_t *buf, size_t size, struct nl_rec_header *h,
		     const char **reason)
{
	if (!buf || !h || !size_ok(size))
		FAIL(reason, "bad record size");
	if (memcmp(buf, "FILE", 4) != 0)
		FAIL(reason, "bad magic");
	memset(h, 0, sizeof(*h));
	h->usa_ofs = nl_le16(buf + 4);
	h->usa_count = nl_le16(buf + 6);
	h->lsn = nl_le64(buf + 8);
	h->seq = nl_le16(buf + 0x10);
	h->link_count = nl_le16(buf + 0x12);
	h->attrs_offset = nl_le16(buf + 0x14);
	h->flags = nl_le16(buf + 0x16);
	h->bytes_in_use = nl_le32(buf + 0x18);
	h->bytes_allocated = nl_le32(buf + 0x1C);
	h->base_ref = nl_le64(buf + 0x20);
	h->next_attr_instance = nl_le16(buf + 0x28);
	if (h->usa_ofs >= 0x30) {
		h->has_recno = true;
		h->recno = nl_le32(buf + 0x2C);
	}
	if (h->usa_ofs < 0x28 || (size_t)h->usa_ofs + 2u * h->usa_count > size)
		FAIL(reason, "update sequence array out of range");
	if (h->bytes_allocated != size)
		FAIL(reason, "allocated size does not match record size");
	if (h->bytes_in_use > size || h->bytes_in_use < 0x30 || h->bytes_in_use % 8)
		FAIL(reason, "bytes in use out of range");
	if (h->attrs_offset % 8 || h->attrs_offset < (size_t)h->usa_ofs + 2u * h->usa_count ||
	    (size_t)h->attrs_offset + 4 > h->bytes_in_use)
		FAIL(reason, "attribute offset out of range");
	return 0;
}

int nl_record_attr_next(const uint8_t *buf, size_t size, const struct nl_rec_header *h,
			size_t *pos, struct nl_attr *a, const char **reason)
{
	if (!buf || !h || !pos || !a || h->bytes_in_use > size)
		FAIL(reason, "bad arguments");
	size_t end = h->bytes_in_use;
	size_t p = *pos ? *pos : h->attrs_offset;

	if (p < h->attrs_offset || p % 8 || p + 4 > end)
		FAIL(reason, "attribute runs past the record");
	const uint8_t *r = buf + p;
	uint32_t type = nl_le32(r);

	if (type == NL_AT_END) {
		*pos = p;
		return 1;
	}
	if (p + 0x18 > end)
		FAIL(reason, "attribute runs past the record");
	/* the caller's cursor bounds the walk: every attribute is >= 0x18 bytes,
	 * so at most size / 0x18 steps; zero length is refused below */
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->length = nl_le32(r + 4);
	a->offset = p;
	if (a->length == 0)
		FAIL(reason, "zero attribute length");
	if (a->length > end - p)
		FAIL(reason, "attribute runs past the record");
	if (a->length % 8)
		FAIL(reason, "misaligned attribute length");
	if (r[8] > 1)
		FAIL(reason, "bad non-resident flag");
	a->non_resident = r[8] != 0;
	a->name_len = r[9];
	size_t name_ofs = nl_le16(r + 0x0A);
	a->flags = nl_le16(r + 0x0C);
	a->instance = nl_le16(r + 0x0E);
	size_t min = a->non_resident ? 0x40 : 0x18;

	if (a->length < min)
		FAIL(reason, "attribute too short");
	if (a->name_len) {
		if (name_ofs < min || name_ofs + 2u * a->name_len > a->length)
			FAIL(reason, "attribute name out of range");
		a->name = r + name_ofs;
	}
	if (!a->non_resident) {
		a->value_len = nl_le32(r + 0x10);
		size_t vofs = nl_le16(r + 0x14);

		if (vofs > a->length || a->value_len > a->length - vofs)
			FAIL(reason, "resident value out of range");
		if (a->value_len && vofs < 0x18)
			FAIL(reason, "resident value out of range");
		a->value = r + vofs;
	} else {
		a->lowest_vcn = (int64_t)nl_le64(r + 0x10);
		a->highest_vcn = (int64_t)nl_le64(r + 0x18);
		size_t mp = nl_le16(r + 0x20);

		a->alloc_size = nl_le64(r + 0x28);
		a->data_size = nl_le64(r + 0x30);
		a->init_size = nl_le64(r + 0x38);
		a->compressed_size = a->alloc_size;
		if ((a->flags & (0x00FF | 0x8000)) && mp >= 0x48)
			a->compressed_size = nl_le64(r + 0x40);
		if (mp < 0x40 || mp > a->length)
			FAIL(reason, "mapping pairs out of range");
		if (a->lowest_vcn < 0 || a->highest_vcn < a->lowest_vcn - 1)
			FAIL(reason, "bad vcn range");
		if ((int64_t)a->alloc_size < 0 || (int64_t)a->data_size < 0 ||
		    (int64_t)a->init_size < 0)
			FAIL(reason, "absurd attribute size");
		a->mapping_pairs = r + mp;
		a->mapping_pairs_len = a->length - mp;
	}
	*pos = p + a->length;
	return 0;
}

int nl_attr_std_info(const struct nl_attr *a, struct nl_std_info *si, const char **reason)
{
	if (!a || !si || a->type != NL_AT_STANDARD_INFORMATION)
		FAIL(reason, "not a standard information attribute");
	if (a->non_resident || !a->value)
		FAIL(reason, "standard information not resident");
	if (a->value_len < 0x30)
		FAIL(reason, "standard information too short");
	const uint8_t *v = a->value;

	memset(si, 0, sizeof(*si));
	si->times.crtime = (int64_t)nl_le64(v);
	si->times.mtime = (int64_t)nl_le64(v + 0x08);
	si->times.ctime = (int64_t)nl_le64(v + 0x10);
	si->times.atime = (int64_t)nl_le64(v + 0x18);
	si->file_attributes = nl_le32(v + 0x20);
	if (a->value_len >= 0x48) {
		si->has_v3 = true;
		si->owner_id = nl_le32(v + 0x30);
		si->security_id = nl_le32(v + 0x34);
		si->quota_charged = nl_le64(v + 0x38);
		si->usn = nl_le64(v + 0x40);
	}
	return 0;
}

int nl_attr_file_name(const struct nl_attr *a, struct nl_file_name *fn, const char **reason)
{
	if (!a || !fn || a->type != NL_AT_FILE_NAME)
		FAIL(reason, "not a file name attribute");
	if (a->non_resident || !a->value)
		FAIL(reason, "file name not resident");
	if (a->value_len < 0x42)
		FAIL(reason, "file name too short");
	const uint8_t *v = a->value;

	memset(fn, 0, sizeof(*fn));
	fn->parent_ref = nl_le64(v);
	fn->times.crtime = (int64_t)nl_le64(v + 0x08);
	fn->times.mtime = (int64_t)nl_le64(v + 0x10);
	fn->times.ctime = (int64_t)nl_le64(v + 0x18);
	fn->times.atime = (int64_t)nl_le64(v + 0x20);
	fn->alloc_size = nl_le64(v + 0x28);
	fn->data_size = nl_le64(v + 0x30);
	fn->file_attributes = nl_le32(v + 0x38);
	fn->reparse_tag = nl_le32(v + 0x3C);
	fn->name_len = v[0x40];
	fn->name_space = v[0x41];
	if (fn->name_len == 0)
		FAIL(reason, "empty file name");
	if (0x42u + 2u * fn->name_len > a->value_len)
		FAIL(reason, "file name length out of range");
	if (fn->name_space > NL_NS_WIN32_AND_DOS)
		FAIL(reason, "bad file name namespace");
	fn->name = v + 0x42;
	return 0;
}

int nl_attr_reparse(const struct nl_attr *a, uint32_t *tag, const uint8_t **data,
		    size_t *len, const char **reason)
{
	if (!a || a->type != NL_AT_REPARSE_POINT)
		FAIL(reason, "not a reparse point attribute");
	if (a->non_resident) {
		SET_REASON(reason, "reparse data not resident");
		return -ENODATA;
	}
	if (!a->value || a->value_len < 8)
		FAIL(reason, "reparse point too short");
	const uint8_t *v = a->value;
	size_t dlen = nl_le16(v + 4);

	/* Microsoft tags: exactly 8 + dlen; others carry a 16-byte GUID too */
	if (dlen + 8 > a->value_len)
		FAIL(reason, "reparse data length mismatch");
	if (tag)
		*tag = nl_le32(v);
	if (data)
		*data = v;
	if (len)
		*len = a->value_len;
	return 0;
}
