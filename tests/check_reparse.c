/* check_reparse.c: Check suite for reparse buffer decoding/building and target parsing (reparse.h). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/reparse.h>
#include <ntfslinks/record.h>
#include "testutil.h"

/* ---- helpers: hand-made buffers ------------------------------------------- */

struct buf {
	uint8_t b[512];
	size_t n;
};

static void b8(struct buf *x, uint8_t v) { x->b[x->n++] = v; }
static void b16(struct buf *x, uint16_t v) { b8(x, (uint8_t)v); b8(x, (uint8_t)(v >> 8)); }
static void b32(struct buf *x, uint32_t v) { b16(x, (uint16_t)v); b16(x, (uint16_t)(v >> 16)); }
static void bu16s(struct buf *x, const char *ascii)
{
	while (*ascii)
		b16(x, (uint8_t)*ascii++);
}

/* ---- tag table ------------------------------------------------------------- */

static const struct {
	uint32_t tag;
	const char *name;
	bool ms, ns, dir;
} tag_cases[] = {
	{ 0xA0000003, "junction", true, true, false },
	{ 0xA000000C, "symlink", true, true, false },
	{ 0x80000017, "wof", true, false, false },
	{ 0x80000013, "dedup", true, false, false },
	{ 0x9000001A, "cloud", true, false, true },
	{ 0x9000101A, "cloud", true, false, true },
	{ 0x9000F01A, "cloud", true, false, true },
	{ 0x8000001B, "appexeclink", true, false, false },
	{ 0xA000001D, "wsl_symlink", true, true, false },
	{ 0x80000023, "af_unix", true, false, false },
	{ 0x80000024, "wsl_fifo", true, false, false },
	{ 0x80000025, "wsl_chr", true, false, false },
	{ 0x80000026, "wsl_blk", true, false, false },
	{ 0x80000014, "nfs", true, false, false },
	{ 0xC0000004, "hsm", true, false, false },
	{ 0x80000007, "sis", true, false, false },
	{ 0x8000000A, "dfs", true, false, false },
	{ 0x80000012, "dfsr", true, false, false },
	{ 0x9000101B, "unknown", true, false, true },
	{ 0x00001234, "unknown", false, false, false },
	{ 0x2000ABCD, "unknown", false, true, false },
};

START_TEST(test_tags)
{
	struct buf x = { .n = 0 };
	struct nl_reparse *r = NULL;
	int rc;

	ck_assert_str_eq(nl_reparse_tag_name(tag_cases[_i].tag), tag_cases[_i].name);
	/* decode a buffer with 3 opaque data bytes (only the link tags look inside) */
	b32(&x, tag_cases[_i].tag);
	b16(&x, 3);
	b16(&x, 0);
	b8(&x, 0xDE); b8(&x, 0xAD); b8(&x, 0x01);
	rc = nl_reparse_decode(x.b, x.n, &r);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->tag, tag_cases[_i].tag);
	ck_assert(r->microsoft == tag_cases[_i].ms);
	ck_assert(r->name_surrogate == tag_cases[_i].ns);
	ck_assert(r->directory == tag_cases[_i].dir);
	if (tag_cases[_i].ms) {
		ck_assert_uint_eq(r->data_size, 3);
		ck_assert_mem_eq(r->data, "\xDE\xAD\x01", 3);
	}
	if (!tag_cases[_i].ms) {
		/* third-party tags need a GUID before their data */
		ck_assert_int_eq(rc, -EINVAL);
		ck_assert_str_eq(r->problem, "third-party reparse point shorter than its guid");
		ck_assert(!r->has_guid);
		ck_assert_uint_eq(r->data_size, 0);
	} else if (strcmp(tag_cases[_i].name, "junction") == 0 || strcmp(tag_cases[_i].name, "symlink") == 0 ||
	    strcmp(tag_cases[_i].name, "wof") == 0 || strcmp(tag_cases[_i].name, "appexeclink") == 0 ||
	    strcmp(tag_cases[_i].name, "wsl_symlink") == 0 || strcmp(tag_cases[_i].name, "dedup") == 0 ||
	    strcmp(tag_cases[_i].name, "cloud") == 0) {
		/* 3 bytes are too short for those (appexeclink: no version) */
		ck_assert_int_eq(rc, -EINVAL);
		ck_assert_ptr_nonnull(r->problem);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_ptr_null(r->problem);
		ck_assert_str_eq(r->name, tag_cases[_i].name);
	}
	nl_reparse_free(&r);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_int_eq(nl_reparse_type_from_name("mount_point"), NL_RP_MOUNT_POINT);
	ck_assert_int_eq(nl_reparse_type_from_name("junction"), NL_RP_JUNCTION);
	ck_assert_int_eq(nl_reparse_type_from_name("unknown"), NL_RP_UNKNOWN);
	ck_assert_int_eq(nl_reparse_type_from_name("wsl_blk"), NL_RP_WSL_BLK);
	ck_assert_int_eq(nl_reparse_type_from_name("bogus"), -ENOENT);
	ck_assert_str_eq(nl_reparse_type_name(NL_RP_MOUNT_POINT), "mount_point");
	ck_assert_str_eq(nl_reparse_type_name((enum nl_rp_type)999), "unknown");
}
END_TEST

/* ---- links: build, exact layout, decode ---------------------------------------- */

START_TEST(test_junction_build_decode)
{
	uint8_t *b = NULL;
	size_t n = 0;
	struct nl_reparse *r = NULL;
	struct buf want = { .n = 0 };
	const char *subst = "\\??\\C:\\Users\\Public", *print = "C:\\Users\\Public";

	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_MOUNT_POINT, subst, print, 0, &b, &n), 0);
	/* as mklink /J lays it out: substitute, NUL, print, NUL */
	b32(&want, 0xA0000003);
	b16(&want, (uint16_t)(8 + 2 * 19 + 2 + 2 * 15 + 2));
	b16(&want, 0);
	b16(&want, 0);
	b16(&want, 38);
	b16(&want, 40);
	b16(&want, 30);
	bu16s(&want, subst);
	b16(&want, 0);
	bu16s(&want, print);
	b16(&want, 0);
	ck_assert_uint_eq(n, want.n);
	ck_assert_mem_eq(b, want.b, n);

	ck_assert_int_eq(nl_reparse_decode(b, n, &r), 0);
	ck_assert_int_eq(r->type, NL_RP_JUNCTION);
	ck_assert_str_eq(r->name, "junction");
	ck_assert_str_eq(r->substitute_name, subst);
	ck_assert_uint_eq(r->substitute_len, 19);
	ck_assert_str_eq(r->print_name, print);
	ck_assert(!r->relative);
	ck_assert(r->name_surrogate);
	ck_assert_ptr_null(r->problem);
	nl_reparse_free(&r);
	free(b);
}
END_TEST

START_TEST(test_mount_point)
{
	uint8_t *b = NULL;
	size_t n = 0;
	struct nl_reparse *r = NULL;
	const char *s = "\\??\\Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}\\";

	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_MOUNT_POINT, s, NULL, 0, &b, &n), 0);
	ck_assert_uint_eq(n, 8 + 8 + 2 * strlen(s) + 4);
	ck_assert_int_eq(nl_reparse_decode(b, n, &r), 0);
	ck_assert_int_eq(r->type, NL_RP_MOUNT_POINT);
	ck_assert_str_eq(r->name, "mount_point");
	ck_assert_str_eq(r->substitute_name, s);
	ck_assert_str_eq(r->print_name, "");
	nl_reparse_free(&r);
	free(b);
}
END_TEST

START_TEST(test_symlink_build_decode)
{
	uint8_t *b = NULL;
	size_t n = 0;
	struct nl_reparse *r = NULL;
	struct buf want = { .n = 0 };

	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, "\\??\\UNC\\srv\\sh\\f",
					       "\\\\srv\\sh\\f", 0, &b, &n), 0);
	/* as CreateSymbolicLink lays it out: print name first, no NULs */
	b32(&want, 0xA000000C);
	b16(&want, (uint16_t)(12 + 2 * 10 + 2 * 16));
	b16(&want, 0);
	b16(&want, 20);
	b16(&want, 32);
	b16(&want, 0);
	b16(&want, 20);
	b32(&want, 0);
	bu16s(&want, "\\\\srv\\sh\\f");
	bu16s(&want, "\\??\\UNC\\srv\\sh\\f");
	ck_assert_uint_eq(n, want.n);
	ck_assert_mem_eq(b, want.b, n);
	ck_assert_int_eq(nl_reparse_decode(b, n, &r), 0);
	ck_assert_int_eq(r->type, NL_RP_SYMLINK);
	ck_assert_str_eq(r->substitute_name, "\\??\\UNC\\srv\\sh\\f");
	ck_assert_str_eq(r->print_name, "\\\\srv\\sh\\f");
	ck_assert(!r->relative);
	ck_assert_uint_eq(r->symlink_flags, 0);
	nl_reparse_free(&r);
	free(b);

	/* non-ASCII and a lone surrogate survive */
	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, "..\\r\xC3\xA9s\xED\xA0\x80",
					       "..\\r\xC3\xA9s\xED\xA0\x80", 1, &b, &n), 0);
	ck_assert_int_eq(nl_reparse_decode(b, n, &r), 0);
	ck_assert_str_eq(r->substitute_name, "..\\r\xC3\xA9s\xED\xA0\x80");
	ck_assert(r->relative);
	nl_reparse_free(&r);
	free(b);
}
END_TEST

START_TEST(test_build_errors)
{
	uint8_t *b = NULL;
	size_t n = 0;
	char *big = malloc(8200);

	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_WOF, "x", "x", 0, &b, &n), -EINVAL);
	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, "\xFF", "", 0, &b, &n), -EILSEQ);
	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, "x", "\xC0\x80", 0, &b, &n), -EILSEQ);
	memset(big, 'a', 8199);
	big[8199] = 0;
	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, big, "", 0, &b, &n), -EINVAL);
	big[(16384 - 8 - 12) / 2] = 0; /* 8182 units: exactly the 16 KiB maximum */
	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, big, "", 0, &b, &n), 0);
	ck_assert_uint_eq(n, 16384);
	free(b);
	ck_assert_int_eq(nl_reparse_build_raw(0x80000017, "\x01\x00\x00\x00", 4, &b, &n), 0);
	ck_assert_uint_eq(n, 12);
	ck_assert_mem_eq(b, "\x17\x00\x00\x80\x04\x00\x00\x00\x01\x00\x00\x00", 12);
	free(b);
	ck_assert_int_eq(nl_reparse_build_raw(1, big, 16384, &b, &n), -EINVAL);
	free(big);
}
END_TEST

/* ---- other decoders ----------------------------------------------------------- */

START_TEST(test_wsl_symlink)
{
	struct buf x = { .n = 0 };
	struct nl_reparse *r = NULL;

	b32(&x, 0xA000001D);
	b16(&x, 4 + 13);
	b16(&x, 0);
	b32(&x, 2);
	memcpy(x.b + x.n, "/mnt/c/target", 13);
	x.n += 13;
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert_str_eq(r->name, "wsl_symlink");
	ck_assert_uint_eq(r->version, 2);
	ck_assert_str_eq(r->substitute_name, "/mnt/c/target");
	ck_assert_uint_eq(r->substitute_len, 13);
	ck_assert_ptr_null(r->print_name);
	ck_assert(!r->relative);
	nl_reparse_free(&r);

	x.n = 0;
	b32(&x, 0xA000001D);
	b16(&x, 4 + 6);
	b16(&x, 0);
	b32(&x, 2);
	memcpy(x.b + x.n, "../a/b", 6);
	x.n += 6;
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert(r->relative);
	ck_assert_str_eq(r->substitute_name, "../a/b");
	nl_reparse_free(&r);
}
END_TEST

START_TEST(test_appexeclink)
{
	struct buf x = { .n = 0 };
	struct nl_reparse *r = NULL;
	size_t lenpos;

	b32(&x, 0x8000001B);
	lenpos = x.n;
	b16(&x, 0);
	b16(&x, 0);
	b32(&x, 3);
	bu16s(&x, "Microsoft.App_8wekyb3d8bbwe");
	b16(&x, 0);
	bu16s(&x, "Microsoft.App_8wekyb3d8bbwe!App");
	b16(&x, 0);
	bu16s(&x, "C:\\Program Files\\WindowsApps\\app.exe");
	b16(&x, 0);
	bu16s(&x, "0");
	b16(&x, 0);
	x.b[lenpos] = (uint8_t)(x.n - 8);
	x.b[lenpos + 1] = (uint8_t)((x.n - 8) >> 8);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert_str_eq(r->name, "appexeclink");
	ck_assert_uint_eq(r->version, 3);
	ck_assert_uint_eq(r->nstrings, 4);
	ck_assert_str_eq(r->strings[0], "Microsoft.App_8wekyb3d8bbwe");
	ck_assert_str_eq(r->strings[1], "Microsoft.App_8wekyb3d8bbwe!App");
	ck_assert_str_eq(r->strings[2], "C:\\Program Files\\WindowsApps\\app.exe");
	ck_assert_str_eq(r->strings[3], "0");
	nl_reparse_free(&r);

	/* last string without its NUL still counts */
	x.n -= 2;
	x.b[lenpos] = (uint8_t)(x.n - 8);
	x.b[lenpos + 1] = (uint8_t)((x.n - 8) >> 8);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert_uint_eq(r->nstrings, 4);
	ck_assert_str_eq(r->strings[3], "0");
	nl_reparse_free(&r);
}
END_TEST

START_TEST(test_wof)
{
	struct buf x = { .n = 0 };
	struct nl_reparse *r = NULL;
	char *hex = NULL;

	b32(&x, 0x80000017);
	b16(&x, 16);
	b16(&x, 0);
	b32(&x, 1);
	b32(&x, 2);
	b32(&x, 1);
	b32(&x, 1);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert_str_eq(r->name, "wof");
	ck_assert_uint_eq(r->wof_provider, 2);
	ck_assert_uint_eq(r->wof_algorithm, 1);
	ck_assert_int_eq(nl_hex(r->data, r->data_size, &hex), 0);
	ck_assert_str_eq(hex, "01000000020000000100000001000000");
	free(hex);
	nl_reparse_free(&r);
}
END_TEST

/* A buffer of @tag holding @data[0..n). */
static void raw_buf(struct buf *x, uint32_t tag, const uint8_t *data, size_t n)
{
	x->n = 0;
	b32(x, tag);
	b16(x, (uint16_t)n);
	b16(x, 0);
	for (size_t i = 0; i < n; i++)
		b8(x, data[i]);
}

/* Cloud files: the flags word's revision and compressed bit; the number of elements of
 * uncompressed FeRp data; every length checked against the buffer. */
START_TEST(test_cloud)
{
	static const uint8_t file[] = {
		0x01, 0x00, 0x20, 0x00,                         /* revision 1, length 32 */
		'F', 'e', 'R', 'p', 0, 0, 0, 0, 0x1c, 0, 0, 0,  /* signature, crc, length 28 */
		0x00, 0x00, 0x01, 0x00,                         /* flags, 1 element */
		0x07, 0x00, 0x01, 0x00, 0x18, 0, 0, 0,          /* a byte at 0x18 */
		0x01, 0, 0, 0,
	};
	static const uint8_t packed[] = { 0x01, 0x80, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef };
	uint8_t bad[sizeof(file)];
	struct buf x = { .n = 0 };
	struct nl_reparse *r = NULL;

	raw_buf(&x, 0x9000301A, file, sizeof(file));
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert_str_eq(r->name, "cloud");
	ck_assert_uint_eq(r->cloud_flags, 1);
	ck_assert(!r->cloud_compressed);
	ck_assert_uint_eq(r->cloud_elements, 1);
	nl_reparse_free(&r);

	raw_buf(&x, NL_TAG_CLOUD, packed, sizeof(packed));
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert(r->cloud_compressed);
	ck_assert_uint_eq(r->cloud_flags & 0xFF, 1);
	ck_assert_uint_eq(r->cloud_elements, 0);
	nl_reparse_free(&r);

	memcpy(bad, file, sizeof(file));
	bad[4] = 'X';
	raw_buf(&x, NL_TAG_CLOUD, bad, sizeof(bad));
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), -EINVAL);
	ck_assert_str_eq(r->problem, "cloud data without its FeRp or BtRp signature");
	nl_reparse_free(&r);

	memcpy(bad, file, sizeof(file));
	bad[18] = 9; /* 9 elements of 8 bytes: past the 32 bytes */
	raw_buf(&x, NL_TAG_CLOUD, bad, sizeof(bad));
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), -EINVAL);
	ck_assert_str_eq(r->problem, "cloud data elements run past the buffer");
	nl_reparse_free(&r);

	raw_buf(&x, NL_TAG_CLOUD, file, 12); /* the hsm header cut */
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), -EINVAL);
	ck_assert_str_eq(r->problem, "cloud data length runs past the buffer");
	nl_reparse_free(&r);
}
END_TEST

/* CRC-32 (IEEE) for building dedup data, computed bit by bit. */
static uint32_t test_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Dedup: the format, the chunk store GUID (short and long format), the size (short format),
 * the checksum and every offset checked. */
START_TEST(test_dedup)
{
	static const uint8_t guid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	uint8_t d[152];
	struct buf x = { .n = 0 };
	struct nl_reparse *r = NULL;
	uint32_t crc;

	/* the short format, 48 bytes: size 12345 at 0x08, GUID at 0x18 */
	memset(d, 0, sizeof(d));
	d[0] = 0x01; d[1] = 0x02; d[2] = 48;
	d[8] = 0x39; d[9] = 0x30;
	memcpy(d + 0x18, guid, 16);
	crc = test_crc32(d, 44);
	ck_assert_uint_eq(crc, 0x6c635888u); /* as zlib's crc32() gives it */
	put32(d + 44, crc);
	raw_buf(&x, NL_TAG_DEDUP, d, 48);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert_str_eq(r->name, "dedup");
	ck_assert_uint_eq(r->dedup_format, 0x0201);
	ck_assert_str_eq(r->dedup_store, "{33221100-5544-7766-8899-aabbccddeeff}");
	ck_assert_uint_eq(r->dedup_size, 12345);
	nl_reparse_free(&r);

	d[47] ^= 1; /* the checksum no longer matches */
	raw_buf(&x, NL_TAG_DEDUP, d, 48);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), -EINVAL);
	ck_assert_str_eq(r->problem, "dedup data checksum mismatch");
	nl_reparse_free(&r);

	/* the long format, 152 bytes: GUID at 0x74, no size */
	memset(d, 0, sizeof(d));
	d[0] = 0x02; d[1] = 0x01; d[2] = 152;
	memcpy(d + 0x74, guid, 16);
	put32(d + 148, test_crc32(d, 148));
	raw_buf(&x, NL_TAG_DEDUP, d, 152);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), 0);
	ck_assert_uint_eq(r->dedup_format, 0x0102);
	ck_assert_str_eq(r->dedup_store, "{33221100-5544-7766-8899-aabbccddeeff}");
	ck_assert_uint_eq(r->dedup_size, 0);
	nl_reparse_free(&r);

	/* the long format cut before its GUID (length and checksum kept right) */
	d[2] = 64;
	put32(d + 60, test_crc32(d, 60));
	raw_buf(&x, NL_TAG_DEDUP, d, 64);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), -EINVAL);
	ck_assert_str_eq(r->problem, "dedup data shorter than its chunk store guid");
	ck_assert_str_eq(r->dedup_store, "");
	nl_reparse_free(&r);

	d[0] = 0x03; /* a format not known */
	raw_buf(&x, NL_TAG_DEDUP, d, 64);
	ck_assert_int_eq(nl_reparse_decode(x.b, x.n, &r), -EINVAL);
	ck_assert_ptr_nonnull(r->problem);
	nl_reparse_free(&r);
}
END_TEST

START_TEST(test_third_party_guid)
{
	static const uint8_t guid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	uint8_t in[18], *b = NULL;
	size_t n = 0;
	struct nl_reparse *r = NULL;

	memcpy(in, guid, 16);
	in[16] = 0xCA;
	in[17] = 0xFE;
	ck_assert_int_eq(nl_reparse_build_raw(0x00001234, in, 18, &b, &n), 0);
	ck_assert_uint_eq(n, 26);
	ck_assert_mem_eq(b, "\x34\x12\x00\x00\x02\x00\x00\x00", 8); /* data length excludes the GUID */
	ck_assert_int_eq(nl_reparse_decode(b, n, &r), 0);
	ck_assert(r->has_guid);
	ck_assert_mem_eq(r->guid, guid, 16);
	ck_assert_str_eq(r->guid_text, "{33221100-5544-7766-8899-aabbccddeeff}");
	ck_assert_uint_eq(r->data_size, 2);
	ck_assert_mem_eq(r->data, "\xCA\xFE", 2);
	ck_assert_str_eq(r->name, "unknown");
	nl_reparse_free(&r);
	free(b);
	ck_assert_int_eq(nl_reparse_build_raw(0x00001234, in, 15, &b, &n), -EINVAL);
	/* Microsoft tags have no GUID */
	ck_assert_int_eq(nl_reparse_build_raw(0x80000099, in, 2, &b, &n), 0);
	ck_assert_int_eq(nl_reparse_decode(b, n, &r), 0);
	ck_assert(!r->has_guid);
	ck_assert_str_eq(r->guid_text, "");
	nl_reparse_free(&r);
	free(b);
}
END_TEST

/* ---- malformed buffers ------------------------------------------------------------- */

struct bad_case {
	const char *what;
	uint8_t b[40];
	size_t n;
	const char *problem; /* NULL: *out must be NULL */
};

static const struct bad_case bad_cases[] = {
	{ "no tag", { 0x03, 0x00, 0x00 }, 3, NULL },
	{ "no header", { 0x03, 0x00, 0x00, 0xA0, 0x00 }, 5, "reparse buffer shorter than its 8-byte header" },
	{ "data length past end", { 0x17, 0, 0, 0x80, 0x10, 0, 0, 0, 1, 2 }, 10,
	  "data length runs past the buffer" },
	{ "junction short", { 0x03, 0, 0, 0xA0, 4, 0, 0, 0, 0, 0, 2, 0 }, 12,
	  "junction data shorter than its 8-byte header" },
	{ "symlink short", { 0x0C, 0, 0, 0xA0, 8, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0 }, 16,
	  "symlink data shorter than its 12-byte header" },
	{ "substitute past", { 0x03, 0, 0, 0xA0, 12, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 'a', 0, 'b', 0 }, 20,
	  "substitute name runs past the buffer" },
	{ "offset past", { 0x03, 0, 0, 0xA0, 12, 0, 0, 0, 0xFE, 0xFF, 2, 0, 0, 0, 0, 0, 'a', 0, 'b', 0 }, 20,
	  "substitute name runs past the buffer" },
	{ "odd substitute", { 0x03, 0, 0, 0xA0, 12, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 'a', 0, 'b', 0 }, 20,
	  "odd substitute name length" },
	{ "print past", { 0x03, 0, 0, 0xA0, 12, 0, 0, 0, 0, 0, 2, 0, 2, 0, 4, 0, 'a', 0, 'b', 0 }, 20,
	  "print name runs past the buffer" },
	{ "odd print", { 0x03, 0, 0, 0xA0, 12, 0, 0, 0, 0, 0, 2, 0, 2, 0, 1, 0, 'a', 0, 'b', 0 }, 20,
	  "odd print name length" },
	{ "empty substitute", { 0x0C, 0, 0, 0xA0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 0, 0, 'a', 0, 'b', 0 }, 24,
	  "empty substitute name" },
	{ "symlink offset past", { 0x0C, 0, 0, 0xA0, 16, 0, 0, 0, 2, 0, 4, 0, 0, 0, 2, 0, 1, 0, 0, 0, 'a', 0, 'b', 0 }, 24,
	  "substitute name runs past the buffer" },
	{ "wsl no version", { 0x1D, 0, 0, 0xA0, 2, 0, 0, 0, 2, 0 }, 10,
	  "wsl symlink data shorter than its version field" },
	{ "wsl empty", { 0x1D, 0, 0, 0xA0, 4, 0, 0, 0, 2, 0, 0, 0 }, 12, "empty wsl symlink target" },
	{ "wsl nul", { 0x1D, 0, 0, 0xA0, 7, 0, 0, 0, 2, 0, 0, 0, 'a', 0, 'b' }, 15, "nul byte in wsl symlink target" },
	{ "appexec odd", { 0x1B, 0, 0, 0x80, 7, 0, 0, 0, 3, 0, 0, 0, 'a', 0, 'b' }, 15,
	  "odd appexeclink string area length" },
	{ "wof short", { 0x17, 0, 0, 0x80, 4, 0, 0, 0, 1, 0, 0, 0 }, 12, "wof data shorter than its 8-byte header" },
};

START_TEST(test_malformed)
{
	const struct bad_case *c = &bad_cases[_i];
	struct nl_reparse *r = (struct nl_reparse *)1;

	ck_assert_int_eq(nl_reparse_decode(c->b, c->n, &r), -EINVAL);
	if (!c->problem) {
		ck_assert_ptr_null(r);
		return;
	}
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->problem && strcmp(r->problem, c->problem) == 0,
		      "%s: problem '%s', expected '%s'", c->what, r->problem ? r->problem : "(null)", c->problem);
	ck_assert_uint_eq(r->tag, (uint32_t)c->b[0] | (uint32_t)c->b[1] << 8 |
			  (uint32_t)c->b[2] << 16 | (uint32_t)c->b[3] << 24);
	nl_reparse_free(&r);
}
END_TEST

START_TEST(test_truncated_valid)
{
	/* every prefix of a valid symlink buffer decodes without crashing; only the full one is clean */
	uint8_t *b = NULL;
	size_t n = 0;

	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, "\\??\\C:\\a\\b", "C:\\a\\b", 0, &b, &n), 0);
	for (size_t k = 0; k <= n; k++) {
		uint8_t *copy = malloc(k ? k : 1);
		struct nl_reparse *r = NULL;
		int rc;

		memcpy(copy, b, k);
		rc = nl_reparse_decode(copy, k, &r);
		if (k == n) {
			ck_assert_int_eq(rc, 0);
		} else {
			ck_assert_int_eq(rc, -EINVAL);
			if (k >= 4)
				ck_assert_ptr_nonnull(r->problem);
		}
		nl_reparse_free(&r);
		free(copy);
	}
	free(b);
}
END_TEST

/* ---- the real Windows 10 record -------------------------------------------------------- */

START_TEST(test_corpus_win10_symlink)
{
	const char *dir = getenv("CORPUS_DIR");
	char path[4096];
	uint8_t rec[1024];
	FILE *f;
	struct nl_rec_header h;
	struct nl_attr a;
	const char *why = NULL;
	size_t pos = 0;
	const uint8_t *val = NULL;
	size_t vlen = 0;
	uint32_t tag = 0;
	struct nl_reparse *r = NULL;
	uint8_t *b = NULL;
	size_t n = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/win10-symlink-record.bin", dir ? dir : ".");
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_uint_eq(fread(rec, 1, sizeof(rec), f), sizeof(rec));
	fclose(f);
	ck_assert_int_eq(nl_record_fixup(rec, sizeof(rec), &why), 0);
	ck_assert_int_eq(nl_record_header(rec, sizeof(rec), &h, &why), 0);
	while ((rc = nl_record_attr_next(rec, sizeof(rec), &h, &pos, &a, &why)) == 0)
		if (a.type == NL_AT_REPARSE_POINT)
			break;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(nl_attr_reparse(&a, &tag, &val, &vlen, &why), 0);
	ck_assert_uint_eq(tag, NL_TAG_SYMLINK);

	ck_assert_int_eq(nl_reparse_decode(val, vlen, &r), 0);
	ck_assert_str_eq(r->name, "symlink");
	ck_assert_str_eq(r->substitute_name, "target.txt");
	ck_assert_str_eq(r->print_name, "target.txt");
	ck_assert(r->relative);
	ck_assert_uint_eq(r->symlink_flags, 1);
	ck_assert(r->name_surrogate);
	ck_assert_ptr_null(r->problem);
	nl_reparse_free(&r);

	/* our builder makes byte for byte what Windows made */
	ck_assert_int_eq(nl_reparse_build_link(NL_TAG_SYMLINK, "target.txt", "target.txt", 1, &b, &n), 0);
	ck_assert_uint_eq(n, vlen);
	ck_assert_mem_eq(b, val, n);
	free(b);

	/* and so does a new symlink to the target as a user types it (ntfslinks symlink) */
	{
		struct nl_target t;

		ck_assert_int_eq(nl_link_target_parse(NL_LINK_SYMLINK, "target.txt", 0, &t, &why), 0);
		ck_assert_int_eq(nl_link_build(NL_LINK_SYMLINK, &t, &b, &n, &why), 0);
		ck_assert_uint_eq(n, vlen);
		ck_assert_mem_eq(b, val, n);
		free(b);
		nl_target_clear(&t);
	}
}
END_TEST

/* ---- targets ------------------------------------------------------------------------- */

static const struct {
	const char *in;
	enum nl_target_kind kind;
	char drive;
	const char *volume, *server, *share, *path;
	const char *nt, *win32, *slash;
} tgt_cases[] = {
	{ "\\??\\C:\\x\\y", NL_TGT_DRIVE, 'C', NULL, NULL, NULL, "/x/y",
	  "\\??\\C:\\x\\y", "C:\\x\\y", "C:/x/y" },
	{ "\\??\\d:\\", NL_TGT_DRIVE, 'D', NULL, NULL, NULL, "/", "\\??\\D:\\", "D:\\", "D:/" },
	{ "\\??\\C:", NL_TGT_DRIVE, 'C', NULL, NULL, NULL, "/", "\\??\\C:\\", "C:\\", "C:/" },
	{ "\\??\\C:\\a\\.\\b\\..\\c\\\\d\\", NL_TGT_DRIVE, 'C', NULL, NULL, NULL, "/a/c/d",
	  "\\??\\C:\\a\\c\\d", "C:\\a\\c\\d", "C:/a/c/d" },
	{ "\\??\\C:\\..\\..\\x", NL_TGT_DRIVE, 'C', NULL, NULL, NULL, "/x",
	  "\\??\\C:\\x", "C:\\x", "C:/x" },
	{ "C:\\Users\\All Users", NL_TGT_DRIVE, 'C', NULL, NULL, NULL, "/Users/All Users",
	  "\\??\\C:\\Users\\All Users", "C:\\Users\\All Users", "C:/Users/All Users" },
	{ "\\\\?\\E:\\data", NL_TGT_DRIVE, 'E', NULL, NULL, NULL, "/data",
	  "\\??\\E:\\data", "E:\\data", "E:/data" },
	{ "\\??\\Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}\\", NL_TGT_VOLUME, 0,
	  "{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}", NULL, NULL, "/",
	  "\\??\\Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}\\",
	  "\\\\?\\Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}\\",
	  "Volume{0b1e5a3c-1d2f-11ee-9a4b-806e6f6e6963}/" },
	{ "\\??\\volume{ABC}\\dir\\f", NL_TGT_VOLUME, 0, "{ABC}", NULL, NULL, "/dir/f",
	  "\\??\\Volume{ABC}\\dir\\f", "\\\\?\\Volume{ABC}\\dir\\f", "Volume{ABC}/dir/f" },
	{ "\\??\\UNC\\server\\share\\p\\q", NL_TGT_UNC, 0, NULL, "server", "share", "/p/q",
	  "\\??\\UNC\\server\\share\\p\\q", "\\\\server\\share\\p\\q", "//server/share/p/q" },
	{ "\\\\srv\\sh", NL_TGT_UNC, 0, NULL, "srv", "sh", "/",
	  "\\??\\UNC\\srv\\sh", "\\\\srv\\sh", "//srv/sh" },
	{ "..\\target.txt", NL_TGT_RELATIVE, 0, NULL, NULL, NULL, "../target.txt",
	  "..\\target.txt", "..\\target.txt", "../target.txt" },
	{ ".\\a\\\\b\\", NL_TGT_RELATIVE, 0, NULL, NULL, NULL, "a/b", "a\\b", "a\\b", "a/b" },
	{ "target.txt", NL_TGT_RELATIVE, 0, NULL, NULL, NULL, "target.txt",
	  "target.txt", "target.txt", "target.txt" },
	{ "\\Users\\x", NL_TGT_ROOTED, 0, NULL, NULL, NULL, "/Users/x",
	  "\\Users\\x", "\\Users\\x", "/Users/x" },
	{ "\\Device\\HarddiskVolume2\\x", NL_TGT_NT_OTHER, 0, NULL, NULL, NULL,
	  "/Device/HarddiskVolume2/x", "\\Device\\HarddiskVolume2\\x",
	  "\\Device\\HarddiskVolume2\\x", "/Device/HarddiskVolume2/x" },
	{ "\\??\\GLOBALROOT\\Device\\X", NL_TGT_NT_OTHER, 0, NULL, NULL, NULL,
	  "/?\?/GLOBALROOT/Device/X", "\\??\\GLOBALROOT\\Device\\X", "\\??\\GLOBALROOT\\Device\\X",
	  "/?\?/GLOBALROOT/Device/X" },
	{ "\\??\\Volume{unclosed\\x", NL_TGT_NT_OTHER, 0, NULL, NULL, NULL,
	  "/?\?/Volume{unclosed/x", "\\??\\Volume{unclosed\\x", "\\??\\Volume{unclosed\\x",
	  "/?\?/Volume{unclosed/x" },
	{ "", NL_TGT_NONE, 0, NULL, NULL, NULL, NULL, "", "", "" },
};

static void str_or_null(const char *got, const char *want)
{
	if (!want)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, want);
}

START_TEST(test_targets)
{
	struct nl_target t;
	char *s = NULL;

	ck_assert_int_eq(nl_target_parse(tgt_cases[_i].in, false, &t), 0);
	ck_assert_int_eq(t.kind, tgt_cases[_i].kind);
	ck_assert_int_eq(t.drive, tgt_cases[_i].drive);
	str_or_null(t.volume, tgt_cases[_i].volume);
	str_or_null(t.server, tgt_cases[_i].server);
	str_or_null(t.share, tgt_cases[_i].share);
	str_or_null(t.path, tgt_cases[_i].path);
	ck_assert_int_eq(nl_target_format(&t, NL_TSTYLE_NT, &s), 0);
	ck_assert_str_eq(s, tgt_cases[_i].nt);
	free(s);
	ck_assert_int_eq(nl_target_format(&t, NL_TSTYLE_WIN32, &s), 0);
	ck_assert_str_eq(s, tgt_cases[_i].win32);
	free(s);
	ck_assert_int_eq(nl_target_format(&t, NL_TSTYLE_SLASH, &s), 0);
	ck_assert_str_eq(s, tgt_cases[_i].slash);
	free(s);
	nl_target_clear(&t);
	ck_assert_ptr_null(t.path);
}
END_TEST

START_TEST(test_target_posix)
{
	struct nl_target t;
	char *s = NULL;

	ck_assert_int_eq(nl_target_parse_posix("../x/y", &t), 0);
	ck_assert_int_eq(t.kind, NL_TGT_POSIX);
	ck_assert_str_eq(t.path, "../x/y");
	ck_assert_int_eq(nl_target_format(&t, NL_TSTYLE_SLASH, &s), 0);
	ck_assert_str_eq(s, "../x/y");
	free(s);
	nl_target_clear(&t);
}
END_TEST

static const struct {
	const char *dir, *rel, *out;
	bool above;
} res_cases[] = {
	{ "/a/b", "../target.txt", "/a/target.txt", false },
	{ "/a/b", "..\\..\\x", "/x", false },
	{ "/a/b", "..\\..\\..\\x", "/x", true },
	{ "/", "..", "/", true },
	{ "/", "x", "/x", false },
	{ "/", ".", "/", false },
	{ "/a", "./b/./c/", "/a/b/c", false },
	{ "/a/b", "\\c", "/c", false },
	{ "/a/b", "", "/a/b", false },
	{ "/a", "b/../../..", "/", true },
};

START_TEST(test_path_resolve)
{
	char *s = NULL;
	bool above = !res_cases[_i].above;

	ck_assert_int_eq(nl_path_resolve(res_cases[_i].dir, res_cases[_i].rel, &s, &above), 0);
	ck_assert_str_eq(s, res_cases[_i].out);
	ck_assert(above == res_cases[_i].above);
	free(s);
}
END_TEST

static Suite *reparse_suite(void)
{
	Suite *s = suite_create("reparse");
	TCase *tc = tcase_create("decode");

	tcase_add_loop_test(tc, test_tags, 0, sizeof(tag_cases) / sizeof(tag_cases[0]));
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_junction_build_decode);
	tcase_add_test(tc, test_mount_point);
	tcase_add_test(tc, test_symlink_build_decode);
	tcase_add_test(tc, test_build_errors);
	tcase_add_test(tc, test_wsl_symlink);
	tcase_add_test(tc, test_appexeclink);
	tcase_add_test(tc, test_wof);
	tcase_add_test(tc, test_cloud);
	tcase_add_test(tc, test_dedup);
	tcase_add_test(tc, test_third_party_guid);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_truncated_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("targets");
	tcase_add_loop_test(tc, test_targets, 0, sizeof(tgt_cases) / sizeof(tgt_cases[0]));
	tcase_add_test(tc, test_target_posix);
	tcase_add_loop_test(tc, test_path_resolve, 0, sizeof(res_cases) / sizeof(res_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

/* The real-sample test is its own program (check_reparse_corpus, built with
 * NL_CORPUS_TEST) so that it can report a skip (77) when the corpus is absent. */
static Suite *corpus_suite(void)
{
	Suite *s = suite_create("reparse-corpus");
	TCase *tc = tcase_create("win10");

	tcase_add_test(tc, test_corpus_win10_symlink);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
#ifdef NL_CORPUS_TEST
	char path[4300];

	if (access(tu_corpus("win10-symlink-record.bin", path, sizeof(path)), R_OK) != 0) {
		printf("SKIP: check_reparse_corpus: %s is not available\n", path);
		return 77;
	}
	(void)reparse_suite;
	return tu_run_suite(corpus_suite());
#else
	(void)corpus_suite;
	return tu_run_suite(reparse_suite());
#endif
}
