/* recbuild.h: build MFT records by hand for the record, scan and fuzz tests (header-only test helper). */
#ifndef NL_TESTS_RECBUILD_H
#define NL_TESTS_RECBUILD_H

#include <stdint.h>
#include <stdbool.h>
#include <string.h>

struct rb {
	uint8_t buf[4096];
	size_t size;       /* record size */
	size_t pos;        /* where the next attribute goes */
	uint16_t usa_ofs, usa_count;
	uint16_t instance;
};

static inline void rb_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void rb_put32(uint8_t *p, uint32_t v) { rb_put16(p, (uint16_t)v); rb_put16(p + 2, (uint16_t)(v >> 16)); }
static inline void rb_put64(uint8_t *p, uint64_t v) { rb_put32(p, (uint32_t)v); rb_put32(p + 4, (uint32_t)(v >> 32)); }

/* rb_init: start a record of @size bytes; @v31: NTFS 3.1 layout (usa at 0x30,
 * record number at 0x2C) else 3.0 (usa at 0x2A). */
static inline void rb_init(struct rb *r, size_t size, bool v31, uint32_t recno, uint16_t seq,
			   uint16_t flags, uint64_t base_ref)
{
	memset(r, 0, sizeof(*r));
	r->size = size;
	memcpy(r->buf, "FILE", 4);
	r->usa_ofs = v31 ? 0x30 : 0x2A;
	r->usa_count = (uint16_t)(size / 512 + 1);
	rb_put16(r->buf + 4, r->usa_ofs);
	rb_put16(r->buf + 6, r->usa_count);
	rb_put64(r->buf + 8, 0x1122334455ULL);
	rb_put16(r->buf + 0x10, seq);
	rb_put16(r->buf + 0x12, 1);
	rb_put16(r->buf + 0x16, flags);
	rb_put32(r->buf + 0x1C, (uint32_t)size);
	rb_put64(r->buf + 0x20, base_ref);
	if (v31)
		rb_put32(r->buf + 0x2C, recno);
	r->pos = ((size_t)r->usa_ofs + 2u * r->usa_count + 7) & ~(size_t)7;
	rb_put16(r->buf + 0x14, (uint16_t)r->pos);
}

static inline void rb_link_count(struct rb *r, uint16_t n) { rb_put16(r->buf + 0x12, n); }

/* rb_resident: append a resident attribute; @name16 is @nlen UTF-16LE units or NULL.
 * Returns the attribute's offset. */
static inline size_t rb_resident(struct rb *r, uint32_t type, const uint16_t *name16, uint8_t nlen,
				 const void *value, uint32_t vlen)
{
	size_t at = r->pos, nameofs = 0x18, vofs = (0x18 + 2u * nlen + 7) & ~7u;
	size_t len = (vofs + vlen + 7) & ~(size_t)7;
	uint8_t *a = r->buf + at;

	memset(a, 0, len);
	rb_put32(a, type);
	rb_put32(a + 4, (uint32_t)len);
	a[8] = 0;
	a[9] = nlen;
	rb_put16(a + 0x0A, nlen ? (uint16_t)nameofs : 0);
	rb_put16(a + 0x0E, r->instance++);
	rb_put32(a + 0x10, vlen);
	rb_put16(a + 0x14, (uint16_t)vofs);
	for (unsigned i = 0; i < nlen; i++)
		rb_put16(a + nameofs + 2 * i, name16[i]);
	if (vlen)
		memcpy(a + vofs, value, vlen);
	r->pos += len;
	return at;
}

/* rb_nonresident: append a non-resident attribute with a one-run mapping pairs array. */
static inline size_t rb_nonresident(struct rb *r, uint32_t type, const uint16_t *name16, uint8_t nlen,
				    uint64_t alloc, uint64_t data, uint16_t flags, uint64_t compressed)
{
	size_t at = r->pos;
	bool comp = flags & (0x00FF | 0x8000);
	size_t nameofs = comp ? 0x48 : 0x40;
	size_t mp = (nameofs + 2u * nlen + 7) & ~7u;
	size_t len = mp + 8;
	uint8_t *a = r->buf + at;

	memset(a, 0, len);
	rb_put32(a, type);
	rb_put32(a + 4, (uint32_t)len);
	a[8] = 1;
	a[9] = nlen;
	rb_put16(a + 0x0A, nlen ? (uint16_t)nameofs : 0);
	rb_put16(a + 0x0C, flags);
	rb_put16(a + 0x0E, r->instance++);
	rb_put64(a + 0x10, 0);
	rb_put64(a + 0x18, alloc ? alloc / 4096 - 1 : (uint64_t)-1);
	rb_put16(a + 0x20, (uint16_t)mp);
	rb_put64(a + 0x28, alloc);
	rb_put64(a + 0x30, data);
	rb_put64(a + 0x38, data);
	if (comp)
		rb_put64(a + 0x40, compressed);
	for (unsigned i = 0; i < nlen; i++)
		rb_put16(a + nameofs + 2 * i, name16[i]);
	/* one run: length 1 byte, lcn 1 byte */
	a[mp] = 0x11;
	a[mp + 1] = (uint8_t)(alloc / 4096);
	a[mp + 2] = 0x20;
	r->pos += len;
	return at;
}

/* rb_std_info: $STANDARD_INFORMATION with times base+0..3 and @fa. */
static inline size_t rb_std_info(struct rb *r, int64_t base, uint32_t fa)
{
	uint8_t v[0x48] = {0};

	for (int i = 0; i < 4; i++)
		rb_put64(v + 8 * i, (uint64_t)(base + i));
	rb_put32(v + 0x20, fa);
	rb_put32(v + 0x34, 0x100);
	return rb_resident(r, 0x10, NULL, 0, v, sizeof(v));
}

/* rb_file_name: $FILE_NAME in @parent (reference) named by ASCII/UTF-16 @name. */
static inline size_t rb_file_name16(struct rb *r, uint64_t parent, const uint16_t *name, uint8_t nlen,
				    uint8_t ns, uint32_t fa)
{
	uint8_t v[0x42 + 2 * 255] = {0};

	rb_put64(v, parent);
	for (int i = 0; i < 4; i++)
		rb_put64(v + 8 + 8 * i, 1000 + i);
	rb_put32(v + 0x38, fa);
	v[0x40] = nlen;
	v[0x41] = ns;
	for (unsigned i = 0; i < nlen; i++)
		rb_put16(v + 0x42 + 2 * i, name[i]);
	return rb_resident(r, 0x30, NULL, 0, v, 0x42u + 2u * nlen);
}

static inline size_t rb_file_name(struct rb *r, uint64_t parent, const char *name, uint8_t ns, uint32_t fa)
{
	uint16_t u[255];
	size_t n = strlen(name);

	for (size_t i = 0; i < n && i < 255; i++)
		u[i] = (uint8_t)name[i];
	return rb_file_name16(r, parent, u, (uint8_t)(n > 255 ? 255 : n), ns, fa);
}

/* rb_finish: end marker, bytes in use, then apply the update sequence ("protect")
 * with sequence number @usn, as a disk would hold it. */
static inline void rb_finish(struct rb *r, uint16_t usn)
{
	rb_put32(r->buf + r->pos, 0xFFFFFFFFu);
	rb_put32(r->buf + r->pos + 4, 0);
	rb_put32(r->buf + 0x18, (uint32_t)(r->pos + 8));
	rb_put16(r->buf + 0x28, r->instance);
	uint8_t *usa = r->buf + r->usa_ofs;

	rb_put16(usa, usn);
	for (unsigned i = 1; i < r->usa_count; i++) {
		uint8_t *end = r->buf + 512 * i - 2;

		usa[2 * i] = end[0];
		usa[2 * i + 1] = end[1];
		rb_put16(end, usn);
	}
}

#endif
