/* check_bytesource.c: Check suite for byte sources: raw files, buffers, split raw sets, format names, volumes opened from a buffer, backup boot sectors, E01 reads (chunks read directly, reads shared by two libewf handles, damaged chunks and tables). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/volume.h>
#include "base/adler32_int.h"
#include "base/endian_int.h"
#include "image/bytesource_int.h"
#include "image/volume_int.h"
#include "testutil.h"

/* LeakSanitizer (the sanitizer build): libewf (Debian 12's 20140813) does
 * not free what it allocated for a chunk it failed to read (a cut segment,
 * a table entry out of place: test_ewf_layouts; tests/lsan-libewf.supp),
 * its chunk buffer and its list element.  Unused in other builds. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libewf_chunk_data_initialize\nleak:libmfdata_list_element_initialize\n";
}

static char tmpdir[4096];
static char base_img[4200];     /* 8 MiB mkntfs image */
static const uint64_t IMG_SIZE = 8ULL << 20;
static char pattern_file[4200]; /* PATTERN_SIZE bytes, byte i = pattern(i) */
#define PATTERN_SIZE 100000u

static uint8_t pattern(uint64_t i) { return (uint8_t)(i * 7 + (i >> 8)); }

static void global_setup(void)
{
	uint8_t *b = malloc(PATTERN_SIZE);
	FILE *f;

	if (!b || !tu_mkdtemp(tmpdir, sizeof(tmpdir), "check_bytesource")) {
		perror("check_bytesource");
		exit(EXIT_FAILURE);
	}
	snprintf(base_img, sizeof(base_img), "%s/base.img", tmpdir);
	snprintf(pattern_file, sizeof(pattern_file), "%s/pattern.bin", tmpdir);
	for (uint64_t i = 0; i < PATTERN_SIZE; i++)
		b[i] = pattern(i);
	f = fopen(pattern_file, "wb");
	if (!f || fwrite(b, 1, PATTERN_SIZE, f) != PATTERN_SIZE || fclose(f) != 0 ||
	    tu_mkntfs(base_img, IMG_SIZE, NULL) != 0) {
		fprintf(stderr, "check_bytesource: cannot build the test files\n");
		tu_rmtree(tmpdir);
		exit(EXIT_FAILURE);
	}
	free(b);
}

/* read_file: the whole of @path (malloc'ed), its size in *@len. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* write_part: bytes [@from, @from + @len) of the pattern into @path */
static void write_part(const char *path, uint64_t from, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < len; i++)
		b[i] = pattern(from + i);
	ck_assert_uint_eq(fwrite(b, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(b);
}

static void expect_pattern(const uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		ck_assert_msg(buf[i] == pattern(off + i), "byte %zu of a read at %llu", i,
			      (unsigned long long)off);
}

/* reads anywhere in @bs, which must present the pattern, and past its end */
static void check_reads(struct nl_bytesource *bs)
{
	static const uint64_t offs[] = { 0, 1, 4095, 29999, 30000, 30001, 59990, 99000 };
	uint8_t buf[3000];

	ck_assert_uint_eq(bs->size, PATTERN_SIZE);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t want = offs[i] + sizeof(buf) <= PATTERN_SIZE ? sizeof(buf)
								     : PATTERN_SIZE - offs[i];

		memset(buf, 0xEE, sizeof(buf));
		ck_assert_int_eq(nl_bytesource_pread(bs, buf, sizeof(buf), offs[i]), (ssize_t)want);
		expect_pattern(buf, want, offs[i]);
		for (size_t k = want; k < sizeof(buf); k++)
			ck_assert_uint_eq(buf[k], 0);  /* past the end: zeros */
	}
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 10, PATTERN_SIZE), 0);
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 10, 1ULL << 40), 0);
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 0, 0), 0);
}

START_TEST(test_raw)
{
	struct nl_bytesource *bs = NULL;
	char err[NL_ERRMSG_SIZE];

	ck_assert_int_eq(nl_bytesource_open(pattern_file, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ck_assert_int_eq(bs->format, NL_FORMAT_RAW);
	ck_assert_str_eq(bs->name, pattern_file);
	ck_assert_int_ge(bs->fd, 0);
	ck_assert(!bs->is_block);
	ck_assert_str_eq(bs->meta.md5, "");
	check_reads(bs);
	nl_bytesource_close(&bs);
	ck_assert_ptr_null(bs);
	nl_bytesource_close(&bs);
	nl_bytesource_close(NULL);

	ck_assert_int_eq(nl_bytesource_open(pattern_file, NL_FORMAT_RAW, &bs, err, sizeof(err)), 0);
	check_reads(bs);
	nl_bytesource_close(&bs);

	ck_assert_int_eq(nl_bytesource_open("/nonexistent/x.img", NL_FORMAT_AUTO, &bs, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_null(bs);
	ck_assert_str_eq(err, "No such file or directory");
}
END_TEST

START_TEST(test_memory)
{
	struct nl_bytesource *bs = NULL;
	size_t len;
	uint8_t *b = read_file(pattern_file, &len);

	ck_assert_int_eq(nl_bytesource_memory(b, len, "buf", &bs), 0);
	ck_assert_int_eq(bs->format, NL_FORMAT_MEMORY);
	ck_assert_str_eq(bs->name, "buf");
	ck_assert_int_eq(bs->fd, -1);
	check_reads(bs);
	nl_bytesource_close(&bs);
	ck_assert_int_eq(nl_bytesource_memory(NULL, 0, NULL, &bs), 0);
	ck_assert_str_eq(bs->name, "memory");
	ck_assert_uint_eq(bs->size, 0);
	nl_bytesource_close(&bs);
	free(b);
}
END_TEST

/* a split set in three segments of unequal size, numbered and lettered */
START_TEST(test_split)
{
	static const char *const names[][4] = {
		{ "d.001", "d.002", "d.003", "d.004" },
		{ "e.000", "e.001", "e.002", "e.003" },
		{ "f.img.aa", "f.img.ab", "f.img.ac", "f.img.ad" },
		{ "xaa", "xab", "xac", "xad" },
	};
	static const size_t sizes[] = { 30000, 30000, PATTERN_SIZE - 60000 };
	struct nl_bytesource *bs = NULL;
	char err[NL_ERRMSG_SIZE], p[4300];

	for (size_t set = 0; set < sizeof(names) / sizeof(names[0]); set++) {
		uint64_t from = 0;

		for (int i = 0; i < 3; i++) {
			snprintf(p, sizeof(p), "%s/%s", tmpdir, names[set][i]);
			write_part(p, from, sizes[i]);
			from += sizes[i];
		}
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[set][0]);
		ck_assert_msg(nl_split_is_first_segment(p), "%s", p);
		ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
		ck_assert_int_eq(bs->format, NL_FORMAT_SPLIT);
		check_reads(bs);
		nl_bytesource_close(&bs);
		/* forced: the same; as raw, the first segment alone */
		ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_SPLIT, &bs, err, sizeof(err)), 0);
		ck_assert_uint_eq(bs->size, PATTERN_SIZE);
		nl_bytesource_close(&bs);
		ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_RAW, &bs, err, sizeof(err)), 0);
		ck_assert_uint_eq(bs->size, 30000);
		nl_bytesource_close(&bs);
		/* a later segment is not a first one */
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[set][1]);
		ck_assert(!nl_split_is_first_segment(p) || set == 1);
	}
	/* a lone first segment is a plain file */
	snprintf(p, sizeof(p), "%s/lone.001", tmpdir);
	write_part(p, 0, 1000);
	ck_assert(!nl_split_is_first_segment(p));
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ck_assert_int_eq(bs->format, NL_FORMAT_RAW);
	nl_bytesource_close(&bs);
	/* forced on a name without a counter */
	ck_assert_int_eq(nl_bytesource_open(pattern_file, NL_FORMAT_SPLIT, &bs, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "not the first segment of a split image (x.001, x.000 or x.aa)");
}
END_TEST

START_TEST(test_format_names)
{
	enum nl_image_format f = NL_FORMAT_AUTO;

	ck_assert_str_eq(nl_image_format_name(NL_FORMAT_RAW), "raw");
	ck_assert_str_eq(nl_image_format_name(NL_FORMAT_EWF), "ewf");
	ck_assert_str_eq(nl_image_format_name(NL_FORMAT_QCOW), "qcow");
	ck_assert_str_eq(nl_image_format_name((enum nl_image_format)99), "unknown");
	ck_assert_int_eq(nl_image_format_parse("E01", &f), 0);
	ck_assert_int_eq(f, NL_FORMAT_EWF);
	ck_assert_int_eq(nl_image_format_parse("vhdx", &f), 0);
	ck_assert_int_eq(f, NL_FORMAT_VHD);
	ck_assert_int_eq(nl_image_format_parse("qcow2", &f), 0);
	ck_assert_int_eq(f, NL_FORMAT_QCOW);
	ck_assert_int_eq(nl_image_format_parse("split", &f), 0);
	ck_assert_int_eq(f, NL_FORMAT_SPLIT);
	ck_assert_int_eq(nl_image_format_parse("memory", &f), -EINVAL);
	ck_assert_int_eq(nl_image_format_parse("zip", &f), -EINVAL);
	ck_assert_int_eq(nl_image_format_parse(NULL, &f), -EINVAL);
	ck_assert(nl_image_format_supported(NL_FORMAT_RAW));
	ck_assert(nl_image_format_supported(NL_FORMAT_SPLIT));
#ifdef HAVE_LIBEWF
	ck_assert(nl_image_format_supported(NL_FORMAT_EWF));
#else
	ck_assert(!nl_image_format_supported(NL_FORMAT_EWF));
#endif
}
END_TEST

/* a volume from a buffer gives what the file gives */
START_TEST(test_volume_memory)
{
	nl_volume *v = NULL, *f = NULL;
	char err[NL_ERRMSG_SIZE];
	struct nl_volume_info vi, fi;
	size_t len;
	uint8_t *b = read_file(base_img, &len);
	uint8_t r1[1024], r2[1024];

	ck_assert_int_eq(nl_volume_open_memory(b, len, "buf.img", NULL, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(nl_volume_open(base_img, NULL, &f, err, sizeof(err)), 0);
	nl_volume_get_info(v, &vi);
	nl_volume_get_info(f, &fi);
	ck_assert_str_eq(nl_volume_source(v), "buf.img");
	ck_assert_int_eq(vi.format, NL_FORMAT_MEMORY);
	ck_assert_int_eq(fi.format, NL_FORMAT_RAW);
	ck_assert_uint_eq(vi.serial, fi.serial);
	ck_assert_uint_eq(vi.size, fi.size);
	ck_assert_uint_eq(vi.mft_records, fi.mft_records);
	ck_assert_uint_eq(vi.image_bytes, IMG_SIZE);
	ck_assert_uint_eq(vi.volume_bytes, IMG_SIZE);
	ck_assert_str_eq(vi.repaired, "");
	for (uint64_t m = 0; m < 16; m++) {
		ck_assert_int_eq(nl_volume_read_record(v, m, r1), 0);
		ck_assert_int_eq(nl_volume_read_record(f, m, r2), 0);
		ck_assert_mem_eq(r1, r2, sizeof(r1));
	}
	nl_volume_close(&v);
	nl_volume_close(&f);
	/* not a volume, and nothing at all */
	memset(b, 0, 4096);
	ck_assert_int_eq(nl_volume_open_memory(b, 4096, NULL, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "not an ntfs volume (bad oem id), no partition table, not a raw $MFT");
	ck_assert_ptr_null(v);
	ck_assert_int_eq(nl_volume_open_memory(NULL, 0, NULL, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "too small to hold an ntfs volume (0 bytes)");
	free(b);
}
END_TEST

/* a damaged primary boot sector: the backup in the last sector is read instead */
START_TEST(test_backup_boot)
{
	nl_volume *v = NULL;
	char err[NL_ERRMSG_SIZE], p[4300], h1[65], h2[65], want[200];
	struct nl_volume_info vi;
	uint8_t junk[8] = { 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X' };

	snprintf(p, sizeof(p), "%s/badboot.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(base_img, p, 0), 0);
	ck_assert_int_eq(tu_write_at(p, 3, junk, sizeof(junk)), 0);  /* the OEM id */
	ck_assert_int_eq(tu_sha256_file(p, h1), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	nl_volume_get_info(v, &vi);
	snprintf(want, sizeof(want), "primary boot sector damaged (bad oem id); the backup boot "
		 "sector at byte %llu was used", (unsigned long long)(IMG_SIZE - 512));
	ck_assert_str_eq(vi.repaired, want);
	ck_assert_uint_ge(vi.mft_records, 16);
	ck_assert_uint_eq(vi.volume_bytes, IMG_SIZE);
	nl_volume_close(&v);
	ck_assert_int_eq(tu_sha256_file(p, h2), 0);
	ck_assert_str_eq(h1, h2);
	/* the backup damaged too: refused as before */
	ck_assert_int_eq(tu_write_at(p, IMG_SIZE - 512 + 3, junk, sizeof(junk)), 0);
	ck_assert_int_eq(nl_volume_open(p, NULL, &v, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "not an ntfs volume (bad oem id), no partition table, not a raw $MFT");
}
END_TEST

#ifdef HAVE_LIBEWF
/*
 * An uncompressed E01 of EWF_MEDIA bytes (each 8-byte word holds its own
 * index, so a byte read from the wrong place never passes), in 1 MiB
 * segments (ewfacquire's least: four of them, 31 chunks of 32 KiB in each)
 * so that reads cross segment boundaries.  Reads of 256 KiB and more are
 * shared by the backend's two readers in pieces of four chunks, smaller
 * ones are not.
 */
#define EWF_MEDIA ((3u << 20) + 2560u)
#define EWF_CHUNK 32768u

/* ewf_make: the media at @dir/NAME.bin and its E01 at @dir/NAME.E01 (false
 * when ewfacquire is missing); the media's bytes into @media. */
static bool ewf_make(const char *name, uint8_t *media)
{
	char raw[4300], cmd[9000];

	for (uint64_t i = 0; i < EWF_MEDIA / 8; i++) {
		uint64_t w = i ^ 0x5a5a5a5a5a5a5a5aULL;

		for (int k = 0; k < 8; k++)
			media[i * 8 + k] = (uint8_t)(w >> (8 * k));
	}
	snprintf(raw, sizeof(raw), "%s/%s.bin", tmpdir, name);
	FILE *f = fopen(raw, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(media, 1, EWF_MEDIA, f), EWF_MEDIA);
	ck_assert_int_eq(fclose(f), 0);
	if (system("command -v ewfacquire >/dev/null 2>&1") != 0)
		return false;
	snprintf(cmd, sizeof(cmd),
		 "ewfacquire -u -t '%s/%s' -f encase6 -c none -b 64 -S 1048576 '%s' >/dev/null 2>&1",
		 tmpdir, name, raw);
	ck_assert_int_eq(system(cmd), 0);
	return true;
}

/* all_zero: @len bytes at @b are zeros */
static bool all_zero(const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/* ewf_expect: @len bytes at @off of @bs are the media's (zeros past its end) */
static void ewf_expect(struct nl_bytesource *bs, const uint8_t *media, uint64_t off, size_t len)
{
	uint8_t *buf = malloc(len);
	size_t in = off >= EWF_MEDIA ? 0 : len < EWF_MEDIA - off ? len : (size_t)(EWF_MEDIA - off);

	ck_assert_ptr_nonnull(buf);
	memset(buf, 0xEE, len);
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, len, off), (ssize_t)in);
	ck_assert_msg(in == 0 || memcmp(buf, media + off, in) == 0, "a read of %zu at %llu", len,
		      (unsigned long long)off);
	ck_assert(all_zero(buf + in, len - in));
	free(buf);
}

/* ewf_read_all: reads of every kind through the E01 @p of @media */
static void ewf_read_all(const char *p, const uint8_t *media)
{
	static const size_t smalls[] = { 1, 512, 1024, 4096, EWF_CHUNK - 1, EWF_CHUNK + 1 };
	struct nl_bytesource *bs = NULL;
	char err[NL_ERRMSG_SIZE];
	uint64_t seed = 12345;

	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ck_assert_int_eq(bs->format, NL_FORMAT_EWF);
	ck_assert_uint_eq(bs->size, EWF_MEDIA);
	/* forward in 1 MiB pieces as the scan reads $MFT, then backward, at
	 * chunk boundaries and off them */
	for (uint64_t off = 0; off < EWF_MEDIA; off += 1u << 20)
		ewf_expect(bs, media, off, 1u << 20);
	for (uint64_t off = EWF_MEDIA - 1000; off > (1u << 20); off -= 1u << 20)
		ewf_expect(bs, media, off - (1u << 20), 1u << 20);
	for (uint64_t off = 3u << 20; off > 300000; off -= 300000)
		ewf_expect(bs, media, off - 12345, 300000);
	/* the whole media at once, across every segment; just over and under
	 * the size that is shared */
	ewf_expect(bs, media, 0, EWF_MEDIA);
	ewf_expect(bs, media, 5, EWF_MEDIA + 100);
	ewf_expect(bs, media, 31 * EWF_CHUNK - 7, 256u << 10);
	ewf_expect(bs, media, 62 * EWF_CHUNK - 7, (256u << 10) - 1);
	/* small reads anywhere, and past the end */
	for (int i = 0; i < 300; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		ewf_expect(bs, media, (seed >> 33) % EWF_MEDIA, smalls[i % 6]);
	}
	ewf_expect(bs, media, EWF_MEDIA - 3000, 1u << 20);
	ewf_expect(bs, media, EWF_MEDIA, 4096);
	nl_bytesource_close(&bs);
	ck_assert_ptr_null(bs);
}

START_TEST(test_ewf_reads)
{
	uint8_t *media = malloc(EWF_MEDIA);
	struct nl_image_verify v;
	char err[NL_ERRMSG_SIZE], p[4300];

	ck_assert_ptr_nonnull(media);
	if (!ewf_make("reads", media)) {
		free(media);
		return;  /* ewf-tools missing: nothing to build the E01 with */
	}
	snprintf(p, sizeof(p), "%s/reads.E04", tmpdir);
	ck_assert_int_eq(access(p, F_OK), 0);  /* four segments */
	snprintf(p, sizeof(p), "%s/reads.E01", tmpdir);
	/* whole chunks read directly; through libewf alone, shared as it
	 * comes, then wholly by the helper's handle */
	ewf_read_all(p, media);
	nl_bs_ewf_direct(false);
	ewf_read_all(p, media);
	nl_bs_ewf_helper_only(true);
	ewf_read_all(p, media);
	nl_bs_ewf_helper_only(false);
	nl_bs_ewf_direct(true);
	/* verified: the stored MD5, nothing damaged */
	ck_assert_int_eq(nl_image_verify(p, NL_FORMAT_AUTO, NULL, NULL, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v.size, EWF_MEDIA);
	ck_assert_str_eq(v.md5, v.stored_md5);
	ck_assert_uint_eq(v.bad_bytes, 0);
	ck_assert_uint_eq(v.bad_ranges, 0);
	free(media);
}
END_TEST

/* find_in: where the @n bytes at @want first lie in the file @path (-1: nowhere) */
static int64_t find_in(const char *path, const uint8_t *want, size_t n)
{
	size_t len;
	uint8_t *b = read_file(path, &len);
	const uint8_t *hit = memmem(b, len, want, n);
	int64_t at = hit ? (int64_t)(hit - b) : -1;

	free(b);
	return at;
}

/* ewf_flip: invert byte @at of media chunk @chunk where the E01 @name stores it */
static void ewf_flip(const char *name, const uint8_t *media, uint64_t chunk, size_t at)
{
	const uint8_t *want = media + chunk * EWF_CHUNK;

	for (int seg = 1; seg <= 4; seg++) {
		char p[4300];
		int64_t where;
		uint8_t c = (uint8_t)(want[at] ^ 0xFF);

		snprintf(p, sizeof(p), "%s/%s.E%02d", tmpdir, name, seg);
		where = find_in(p, want, 64);
		if (where >= 0) {
			ck_assert_int_eq(tu_write_at(p, (uint64_t)where + at, &c, 1), 0);
			return;
		}
	}
	ck_abort_msg("chunk %llu not found in %s", (unsigned long long)chunk, name);
}

/* ewf_read_damaged: the first two MiB of the E01 "bad" through @bs, read as
 * libewf does by default: chunks 15, 16 and 40 as zeros */
static void ewf_read_damaged(struct nl_bytesource *bs, const uint8_t *media, uint8_t *buf)
{
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 1u << 20, 1u << 20), 1u << 20);
	ck_assert_int_eq(memcmp(buf, media + (1u << 20), (40 - 32) * EWF_CHUNK), 0);
	ck_assert(all_zero(buf + (40 - 32) * EWF_CHUNK, EWF_CHUNK));
	ck_assert_int_eq(memcmp(buf + (41 - 32) * EWF_CHUNK, media + 41 * EWF_CHUNK,
				(64 - 41) * EWF_CHUNK), 0);
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 1u << 20, 0), 1u << 20);
	ck_assert_int_eq(memcmp(buf, media, 15 * EWF_CHUNK), 0);
	ck_assert(all_zero(buf + 15 * EWF_CHUNK, 2 * EWF_CHUNK));
	ck_assert_int_eq(memcmp(buf + 17 * EWF_CHUNK, media + 17 * EWF_CHUNK,
				(1u << 20) - 17 * EWF_CHUNK), 0);
}

/* ewf_expect_damage: chunks 15 to 16 and 40 reported by @bs (or @v) */
static void ewf_expect_damage(struct nl_bytesource *bs, struct nl_image_verify *v)
{
	struct nl_image_verify d = { 0 };

	if (!v) {
		bs->ops->damage(bs, &d);
		v = &d;
	}
	ck_assert_uint_eq(v->bad_ranges, 2);
	ck_assert_uint_eq(v->bad_bytes, 3 * EWF_CHUNK);
	ck_assert_uint_eq(v->bad_first, 15 * EWF_CHUNK);
}

/* ewf_expect_stored: 1 MiB at @off as stored (the flipped bytes of chunks
 * 15, 16 and 40 inverted) */
static void ewf_expect_stored(struct nl_bytesource *bs, const uint8_t *media, uint8_t *buf,
			      uint64_t off)
{
	static const uint64_t flips[] = { 15 * EWF_CHUNK + 100, 16 * EWF_CHUNK + 200,
					  40 * EWF_CHUNK + 300 };

	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 1u << 20, off), 1u << 20);
	for (int i = 0; i < 3; i++)
		if (flips[i] >= off && flips[i] < off + (1u << 20))
			buf[flips[i] - off] ^= 0xFF;
	ck_assert_int_eq(memcmp(buf, media + off, 1u << 20), 0);
}

/* chunks whose checksum fails: zeros when read (libewf's default) or as
 * stored (verifying), through libewf's either handle; damage noted by both
 * handles reported once, runs that touch joined; the same when the chunks
 * are read directly (a chunk failing there is read again through libewf) */
START_TEST(test_ewf_damage)
{
	uint8_t *media = malloc(EWF_MEDIA), *buf = malloc(1u << 20);
	struct nl_bytesource *bs = NULL;
	struct nl_image_verify v;
	char err[NL_ERRMSG_SIZE], p[4300];

	ck_assert_ptr_nonnull(media);
	ck_assert_ptr_nonnull(buf);
	if (!ewf_make("bad", media)) {
		free(media);
		free(buf);
		return;
	}
	/* chunks 15 and 16 lie either side of a boundary between pieces,
	 * chunk 40 inside the second MiB */
	ewf_flip("bad", media, 15, 100);
	ewf_flip("bad", media, 16, 200);
	ewf_flip("bad", media, 40, 300);
	snprintf(p, sizeof(p), "%s/bad.E01", tmpdir);
	/* through libewf alone: shared as it comes, each read twice */
	nl_bs_ewf_direct(false);
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ewf_read_damaged(bs, media, buf);
	ewf_read_damaged(bs, media, buf);
	ewf_expect_damage(bs, NULL);
	nl_bytesource_close(&bs);
	/* chunk 15 read alone through the main handle, then everything by the
	 * helper's: the damage both noted, once */
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 4096, 15 * EWF_CHUNK), 4096);
	ck_assert(all_zero(buf, 4096));
	nl_bs_ewf_helper_only(true);
	ewf_read_damaged(bs, media, buf);
	ewf_expect_damage(bs, NULL);
	nl_bytesource_close(&bs);
	/* chunk 16 noted by the main handle, chunk 15 by the helper's: one run */
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 4096, 16 * EWF_CHUNK), 4096);
	ck_assert_int_eq(nl_bytesource_pread(bs, buf, 16 * EWF_CHUNK, 0), 16 * EWF_CHUNK);
	ck_assert(all_zero(buf + 15 * EWF_CHUNK, EWF_CHUNK));
	memset(&v, 0, sizeof(v));
	bs->ops->damage(bs, &v);
	ck_assert_uint_eq(v.bad_ranges, 1);
	ck_assert_uint_eq(v.bad_bytes, 2 * EWF_CHUNK);
	ck_assert_uint_eq(v.bad_first, 15 * EWF_CHUNK);
	nl_bytesource_close(&bs);
	/* as stored, set before the helper starts and after */
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	bs->ops->as_stored(bs);
	ewf_expect_stored(bs, media, buf, 0);
	nl_bytesource_close(&bs);
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ewf_expect_stored(bs, media, buf, 2u << 20);
	bs->ops->as_stored(bs);
	ewf_expect_stored(bs, media, buf, 1u << 20);
	nl_bytesource_close(&bs);
	nl_bs_ewf_helper_only(false);
	/* verifying: the whole media read, in 1 MiB pieces */
	ck_assert_int_eq(nl_image_verify(p, NL_FORMAT_AUTO, NULL, NULL, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v.size, EWF_MEDIA);
	ewf_expect_damage(NULL, &v);
	nl_bs_ewf_direct(true);

	/* read directly: chunks 32 to 39 of the second MiB, 0 to 14 of the
	 * first; from the damaged chunk on through libewf */
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ewf_read_damaged(bs, media, buf);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), (8 + 15) * EWF_CHUNK);
	ewf_read_damaged(bs, media, buf);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), 2 * (8 + 15) * EWF_CHUNK);
	ewf_expect_damage(bs, NULL);
	nl_bytesource_close(&bs);
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	bs->ops->as_stored(bs);
	ewf_expect_stored(bs, media, buf, 0);
	ewf_expect_stored(bs, media, buf, 1u << 20);
	ewf_expect_stored(bs, media, buf, 2u << 20);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), (15 + 8 + 32) * EWF_CHUNK);
	ewf_expect_damage(bs, NULL);
	nl_bytesource_close(&bs);
	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(nl_image_verify(p, NL_FORMAT_AUTO, NULL, NULL, &v, err, sizeof(err)), 0);
	ewf_expect_damage(NULL, &v);
	ck_assert_str_ne(v.md5, v.stored_md5);
	free(media);
	free(buf);
}
END_TEST

/* whole chunks are read directly (counted), partial ones and reads inside
 * one chunk through libewf; the short last chunk of the media; reads across
 * every segment */
START_TEST(test_ewf_direct)
{
	uint8_t *media = malloc(EWF_MEDIA);
	struct nl_bytesource *bs = NULL;
	char err[NL_ERRMSG_SIZE], p[4300];
	uint64_t want = 0;

	ck_assert_ptr_nonnull(media);
	if (!ewf_make("direct", media)) {
		free(media);
		return;
	}
	snprintf(p, sizeof(p), "%s/direct.E01", tmpdir);
	ck_assert_int_eq(nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, err, sizeof(err)), 0);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), 0);
	ewf_expect(bs, media, 0, 1u << 20);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), want += 1u << 20);
	ewf_expect(bs, media, 12345, 1u << 20);  /* chunks 1 to 31 whole */
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), want += 31 * EWF_CHUNK);
	ewf_expect(bs, media, 5 * EWF_CHUNK + 10, EWF_CHUNK);  /* parts of two */
	ewf_expect(bs, media, 7 * EWF_CHUNK + 10, 4096);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), want);
	/* the last chunk holds 2560 bytes; the read goes past the end */
	ewf_expect(bs, media, EWF_MEDIA - 3000, 1u << 20);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), want += 2560);
	ewf_expect(bs, media, 0, EWF_MEDIA);
	ck_assert_uint_eq(nl_bs_ewf_direct_bytes(bs), want += EWF_MEDIA);
	nl_bytesource_close(&bs);
	free(media);
}
END_TEST

/* ewf_section: where the first section of type @type starts in the segment
 * file @path (following the chain of section descriptors) */
static uint64_t ewf_section(const char *path, const char *type)
{
	size_t len;
	uint8_t *b = read_file(path, &len);
	uint64_t off = 13;

	for (int i = 0; i < 64 && off + 76 <= len; i++) {
		if (strcmp((const char *)b + off, type) == 0) {
			free(b);
			return off;
		}
		off = nl_le64(b + off + 16);
	}
	free(b);
	ck_abort_msg("no %s section in %s", type, path);
	return 0;
}

/* ewf_edit_table: in both tables ("table" and "table2") of segment @seg of
 * the E01 @name, entry @k set to @value (the entry count when @k is -1),
 * their checksums made right again */
static void ewf_edit_table(const char *name, int seg, int k, uint32_t value)
{
	static const char *const types[] = { "table", "table2" };
	char p[4300];

	snprintf(p, sizeof(p), "%s/%s.E%02d", tmpdir, name, seg);
	for (int i = 0; i < 2; i++) {
		uint64_t at = ewf_section(p, types[i]) + 76;
		size_t len;
		uint8_t *b = read_file(p, &len), *h = b + at, *e = h + 24;
		uint32_t count = nl_le32(h);

		if (k < 0) {
			nl_put_le32(h, value);
			nl_put_le32(h + 20, nl_adler32(NL_ADLER32_INIT, h, 20));
			ck_assert_int_eq(tu_write_at(p, at, h, 24), 0);
		} else {
			nl_put_le32(e + 4 * k, value);
			nl_put_le32(e + 4 * count, nl_adler32(NL_ADLER32_INIT, e, 4 * count));
			ck_assert_int_eq(tu_write_at(p, at + 24, e, 4 * count + 4), 0);
		}
		free(b);
	}
}

/* What reading an E01 in 1 MiB pieces gave. */
struct ewf_outcome {
	int open;                     /* the open's result, its message in err */
	char err[NL_ERRMSG_SIZE];
	ssize_t rc[4];                /* each read's result */
	struct nl_image_verify bad;   /* the damage noted */
	uint64_t direct;              /* bytes read directly */
	uint8_t bytes[EWF_MEDIA];     /* what the reads gave */
};

/* ewf_outcome: the E01 @name read in 1 MiB pieces, chunks read directly
 * where they can be (@direct) or all through libewf, into @o */
static void ewf_outcome(const char *name, bool direct, struct ewf_outcome *o)
{
	struct nl_bytesource *bs = NULL;
	char p[4300];

	snprintf(p, sizeof(p), "%s/%s.E01", tmpdir, name);
	memset(o, 0, sizeof(*o));
	nl_bs_ewf_direct(direct);
	o->open = nl_bytesource_open(p, NL_FORMAT_AUTO, &bs, o->err, sizeof(o->err));
	for (int i = 0; o->open == 0 && i < 4; i++) {
		size_t len = i < 3 ? 1u << 20 : EWF_MEDIA - (3u << 20);

		o->rc[i] = nl_bytesource_pread(bs, o->bytes + ((size_t)i << 20), len, (uint64_t)i << 20);
	}
	if (bs) {
		o->direct = nl_bs_ewf_direct_bytes(bs);
		bs->ops->damage(bs, &o->bad);
	}
	nl_bytesource_close(&bs);
	nl_bs_ewf_direct(true);
}

/* ewf_layout: the E01 @name, damaged, read directly where it can be: the
 * same open, reads, bytes and damage as through libewf alone, @direct bytes
 * read directly; the outcome into @o */
static void ewf_layout(const char *name, uint64_t direct, struct ewf_outcome *o)
{
	struct ewf_outcome *alone = malloc(sizeof(*alone));

	ck_assert_ptr_nonnull(alone);
	ewf_outcome(name, false, alone);
	ewf_outcome(name, true, o);
	ck_assert_int_eq(o->open, alone->open);
	ck_assert_str_eq(o->err, alone->err);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(o->rc[i], alone->rc[i]);
	ck_assert_int_eq(memcmp(o->bytes, alone->bytes, EWF_MEDIA), 0);
	ck_assert_uint_eq(o->bad.bad_ranges, alone->bad.bad_ranges);
	ck_assert_uint_eq(o->bad.bad_bytes, alone->bad.bad_bytes);
	ck_assert_uint_eq(o->bad.bad_first, alone->bad.bad_first);
	ck_assert_uint_eq(alone->direct, 0);
	ck_assert_uint_eq(o->direct, direct);
	free(alone);
}

/* ewf_reads_full: the four reads of @o gave all they asked for */
static void ewf_reads_full(const struct ewf_outcome *o)
{
	ck_assert_int_eq(o->open, 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(o->rc[i], 1u << 20);
	ck_assert_int_eq(o->rc[3], EWF_MEDIA - (3u << 20));
}

/*
 * Damaged tables and segments: whatever the direct reader does not trust is
 * read through libewf, with the same bytes, errors and damage as libewf
 * alone gives (segment 2 holds media chunks 31 to 61; a stored chunk and
 * its checksum take 32772 bytes, the first 76 bytes from the table's base).
 */
START_TEST(test_ewf_layouts)
{
	uint8_t *media = malloc(EWF_MEDIA);
	struct ewf_outcome *o = malloc(sizeof(*o));
	uint64_t rest = 32 * EWF_CHUNK + 2560;  /* chunks 64 to 96, read directly */
	char p[4300];

	ck_assert_ptr_nonnull(media);
	ck_assert_ptr_nonnull(o);
	if (!ewf_make("past", media) || !ewf_make("count", media) || !ewf_make("cut", media) ||
	    !ewf_make("order", media)) {
		free(media);
		free(o);
		return;
	}
	/* chunk 36 placed past the end of its segment file (the table's
	 * checksums right): chunks 31 on, in its table, through libewf, which
	 * zeroes chunks 35 (its size now wrong) and 36 and notes them */
	ewf_edit_table("past", 2, 5, 0x7ffff000u);
	ewf_layout("past", 31 * EWF_CHUNK + rest, o);
	ewf_reads_full(o);
	ck_assert_int_eq(memcmp(o->bytes, media, 35 * EWF_CHUNK), 0);
	ck_assert(all_zero(o->bytes + 35 * EWF_CHUNK, 2 * EWF_CHUNK));
	ck_assert_int_eq(memcmp(o->bytes + 37 * EWF_CHUNK, media + 37 * EWF_CHUNK,
				EWF_MEDIA - 37 * EWF_CHUNK), 0);
	ck_assert_uint_eq(o->bad.bad_ranges, 1);
	ck_assert_uint_eq(o->bad.bad_bytes, 2 * EWF_CHUNK);
	ck_assert_uint_eq(o->bad.bad_first, 35 * EWF_CHUNK);
	/* chunks 36 and 37 swapped in the table: not one after the other, so
	 * through libewf, which notes chunks 35 to 37 */
	ewf_edit_table("order", 2, 5, 76 + 6 * 32772u);
	ewf_edit_table("order", 2, 6, 76 + 5 * 32772u);
	ewf_layout("order", 31 * EWF_CHUNK + rest, o);
	ewf_reads_full(o);
	ck_assert_int_eq(memcmp(o->bytes, media, 35 * EWF_CHUNK), 0);
	ck_assert_uint_eq(o->bad.bad_ranges, 1);
	ck_assert_uint_eq(o->bad.bad_bytes, 3 * EWF_CHUNK);
	ck_assert_uint_eq(o->bad.bad_first, 35 * EWF_CHUNK);
	/* a table of 2^31 - 1 entries in a 1 MiB segment: libewf refuses the
	 * set, and nothing is read */
	ewf_edit_table("count", 3, -1, 0x7fffffffu);
	ewf_layout("count", 0, o);
	ck_assert_int_eq(o->open, -EINVAL);
	ck_assert_str_eq(o->err, "damaged or incomplete ewf container (4 segments found)");
	/* segment 2 cut inside its chunks: its table and the segments after it
	 * are lost; libewf gives zeros from chunk 31 on and notes them, nothing
	 * is read directly */
	snprintf(p, sizeof(p), "%s/cut.E02", tmpdir);
	ck_assert_int_eq(truncate(p, 600000), 0);
	ewf_layout("cut", 0, o);
	ewf_reads_full(o);
	ck_assert_int_eq(memcmp(o->bytes, media, 31 * EWF_CHUNK), 0);
	ck_assert(all_zero(o->bytes + 31 * EWF_CHUNK, EWF_MEDIA - 31 * EWF_CHUNK));
	ck_assert_uint_eq(o->bad.bad_ranges, 1);
	ck_assert_uint_eq(o->bad.bad_bytes, EWF_MEDIA - 31 * EWF_CHUNK);
	ck_assert_uint_eq(o->bad.bad_first, 31 * EWF_CHUNK);
	free(media);
	free(o);
}
END_TEST

#endif

static Suite *bytesource_suite(void)
{
	Suite *s = suite_create("bytesource");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_memory);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_format_names);
	tcase_add_test(tc, test_volume_memory);
	tcase_add_test(tc, test_backup_boot);
#ifdef HAVE_LIBEWF
	tcase_add_test(tc, test_ewf_reads);
	tcase_add_test(tc, test_ewf_damage);
	tcase_add_test(tc, test_ewf_direct);
	tcase_add_test(tc, test_ewf_layouts);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	global_setup();
	rc = tu_run_suite(bytesource_suite());
	tu_rmtree(tmpdir);
	return rc;
}
