/* check_digest.c: Check suite for MD5 and SHA-1 (the test vectors of RFC 1321 and FIPS 180, padding boundaries, data fed in pieces) and nl_image_verify() over raw files. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/volume.h>
#include "base/digest_int.h"
#include "testutil.h"

static char tmpdir[4096];

/* digest_of: both digests of @len bytes at @buf, fed @step bytes at a time (0: at once). */
static void digest_of(const void *buf, size_t len, size_t step, char md5[33], char sha1[41])
{
	struct nl_digest d;
	const char *p = buf;

	nl_digest_init(&d);
	if (!step)
		step = len ? len : 1;
	for (size_t off = 0; off < len; off += step)
		nl_digest_update(&d, p + off, len - off < step ? len - off : step);
	nl_digest_final(&d, md5, sha1);
}

/* The vectors of RFC 1321 (MD5) and FIPS 180 (SHA-1), each with the other digest. */
static const struct { const char *text, *md5, *sha1; } vectors[] = {
	{ "", "d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ "a", "0cc175b9c0f1b6a831c399e269772661", "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8" },
	{ "abc", "900150983cd24fb0d6963f7d28e17f72", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0",
	  "c12252ceda8be8994d5fa0290a47231c1d16aae3" },
	{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b",
	  "32d10c7b8cf96570ca04ce37f2a19d84240d3a89" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	  "d174ab98d277d9f5a5611c2c9f419d9f", "761c457bf73b14d27e9e9265c46f4b4dda11f940" },
	{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
	  "57edf4a22be3c955ac49da2e2107b67a", "50abf5706a150990a08b2c5ea40fa0e585554732" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "8215ef0796a20bcaaae116d3876c664a", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
};

START_TEST(test_vectors)
{
	char md5[33], sha1[41];

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len = strlen(vectors[i].text);

		/* at once, then a byte at a time, then 7 bytes at a time */
		for (size_t step = 0; step <= 7; step += (step ? 6 : 1)) {
			digest_of(vectors[i].text, len, step, md5, sha1);
			ck_assert_str_eq(md5, vectors[i].md5);
			ck_assert_str_eq(sha1, vectors[i].sha1);
		}
	}
}
END_TEST

/* One million 'a' (the long vector of both standards), fed in uneven pieces. */
START_TEST(test_million)
{
	char *a = malloc(1000000), md5[33], sha1[41];

	ck_assert_ptr_nonnull(a);
	memset(a, 'a', 1000000);
	digest_of(a, 1000000, 0, md5, sha1);
	ck_assert_str_eq(md5, "7707d6ae4e027c70eea2a935c2296f21");
	ck_assert_str_eq(sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	digest_of(a, 1000000, 4097, md5, sha1);
	ck_assert_str_eq(md5, "7707d6ae4e027c70eea2a935c2296f21");
	ck_assert_str_eq(sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(a);
}
END_TEST

static uint8_t pattern(uint64_t i) { return (uint8_t)(i * 7 + (i >> 8)); }

/* Lengths around the padding boundaries (55 and 56 bytes: the length fits in
 * the last block or needs another), byte i = pattern(i). */
START_TEST(test_padding)
{
	static const struct { size_t len; const char *md5, *sha1; } cases[] = {
		{ 55, "8d24280288a696559fd8d5aa1b6d8c6e", "aecd1643c9903b9bae8cb94f53c50f8a4e18605b" },
		{ 56, "ef2c72b7254c92459e498eddd4ace573", "f5d65c621c02cc8e785159feff8088e3072da1bc" },
		{ 63, "c4c8c6d513f4e1604eb18508a1769364", "4952f0fe097e4d6410ae9eab4855aa836caf3bff" },
		{ 64, "a2fcb39a253b9b785b1f97518fa37683", "1e17ae1fc093e5daca033553c97a5192ca164486" },
		{ 65, "e49fe82d0bb12967a196c85de313e446", "ac44f5dbe3e9b5d2733fc9537fcad715c3c20bc3" },
		{ 119, "1640deea49ebb258ec6ede18d4b2d2d7", "b4a4e69060d0b1e7e8ebbf7041a4211c63438b57" },
		{ 120, "05f879f7b542a7ebf0605adff67d4423", "b651390c2996406336a3f6647e4b590c18cdd6f8" },
	};
	uint8_t buf[120];
	char md5[33], sha1[41];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(i);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (size_t step = 0; step <= 64; step += (step ? 63 : 1)) {
			digest_of(buf, cases[i].len, step, md5, sha1);
			ck_assert_str_eq(md5, cases[i].md5);
			ck_assert_str_eq(sha1, cases[i].sha1);
		}
}
END_TEST

/* A raw file of 3 MiB + 5 bytes (pattern(i)): not a whole number of the reads. */
#define PATTERN_SIZE (3u * 1024 * 1024 + 5)
static const char PATTERN_MD5[] = "5253d36a589a8008b9bf7e5215c4e214";
static const char PATTERN_SHA1[] = "8ac8bb28f998b0848a6aef6515e4deb12755ec3d";

static void write_pattern(const char *path, size_t len)
{
	uint8_t *b = malloc(len);
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < len; i++)
		b[i] = pattern(i);
	ck_assert_uint_eq(fwrite(b, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	free(b);
}

struct seen {
	uint64_t calls, last_done, total;
	uint64_t stop_after;     /* ask to stop at this call (0: never) */
};

static int count_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;

	ck_assert_uint_gt(done, s->last_done);
	s->calls++;
	s->last_done = done;
	s->total = total;
	return s->stop_after && s->calls == s->stop_after;
}

START_TEST(test_verify_raw)
{
	char path[4200], err[NL_ERRMSG_SIZE];
	struct nl_image_verify v;
	struct seen s = { 0 };

	snprintf(path, sizeof(path), "%s/pattern.img", tmpdir);
	write_pattern(path, PATTERN_SIZE);
	ck_assert_int_eq(nl_image_verify(path, NL_FORMAT_AUTO, count_progress, &s, &v, err,
					 sizeof(err)), 0);
	ck_assert_int_eq(v.format, NL_FORMAT_RAW);
	ck_assert_uint_eq(v.size, PATTERN_SIZE);
	ck_assert_str_eq(v.md5, PATTERN_MD5);
	ck_assert_str_eq(v.sha1, PATTERN_SHA1);
	/* a raw image stores no hash and has no checksums */
	ck_assert_str_eq(v.stored_md5, "");
	ck_assert_str_eq(v.stored_sha1, "");
	ck_assert_uint_eq(v.bad_bytes, 0);
	ck_assert_uint_eq(v.bad_ranges, 0);
	/* progress in reads of 1 MiB: 4 calls, the last at the end */
	ck_assert_uint_eq(s.calls, 4);
	ck_assert_uint_eq(s.last_done, PATTERN_SIZE);
	ck_assert_uint_eq(s.total, PATTERN_SIZE);

	/* stopped by its progress callback */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	ck_assert_int_eq(nl_image_verify(path, NL_FORMAT_AUTO, count_progress, &s, &v, err,
					 sizeof(err)), -ECANCELED);
	ck_assert_uint_eq(s.calls, 2);
}
END_TEST

/* A split raw set (two segments) hashes as the one file it stands for. */
START_TEST(test_verify_split)
{
	char first[4200], second[4200], whole[4200], err[NL_ERRMSG_SIZE];
	struct nl_image_verify v;
	FILE *in, *a, *b;
	int ch;
	size_t n = 0;

	snprintf(whole, sizeof(whole), "%s/whole.img", tmpdir);
	snprintf(first, sizeof(first), "%s/set.001", tmpdir);
	snprintf(second, sizeof(second), "%s/set.002", tmpdir);
	write_pattern(whole, PATTERN_SIZE);
	in = fopen(whole, "rb");
	a = fopen(first, "wb");
	b = fopen(second, "wb");
	ck_assert(in && a && b);
	while ((ch = fgetc(in)) != EOF)
		fputc(ch, n++ < 2u * 1024 * 1024 ? a : b);
	ck_assert_int_eq(fclose(in) | fclose(a) | fclose(b), 0);
	ck_assert_int_eq(nl_image_verify(first, NL_FORMAT_AUTO, NULL, NULL, &v, err, sizeof(err)),
			 0);
	ck_assert_int_eq(v.format, NL_FORMAT_SPLIT);
	ck_assert_uint_eq(v.size, PATTERN_SIZE);
	ck_assert_str_eq(v.md5, PATTERN_MD5);
	ck_assert_str_eq(v.sha1, PATTERN_SHA1);
}
END_TEST

START_TEST(test_verify_missing)
{
	char path[4200], err[NL_ERRMSG_SIZE];
	struct nl_image_verify v;

	snprintf(path, sizeof(path), "%s/none.img", tmpdir);
	ck_assert_int_eq(nl_image_verify(path, NL_FORMAT_AUTO, NULL, NULL, &v, err, sizeof(err)),
			 -ENOENT);
	ck_assert_str_eq(err, strerror(ENOENT));
}
END_TEST

static Suite *digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_million);
	tcase_add_test(tc, test_padding);
	tcase_add_test(tc, test_verify_raw);
	tcase_add_test(tc, test_verify_split);
	tcase_add_test(tc, test_verify_missing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	if (!tu_mkdtemp(tmpdir, sizeof(tmpdir), "check_digest")) {
		perror("check_digest");
		return EXIT_FAILURE;
	}
	rc = tu_run_suite(digest_suite());
	tu_rmtree(tmpdir);
	return rc;
}
