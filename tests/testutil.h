/* testutil.h: helpers shared by the Check suites: temporary files, images (mkntfs, $MKFIXTURE, the
 * Windows samples), partition tables, leak checking around libntfs-3g, running a suite
 * (header-only). */
#ifndef NL_TESTS_TESTUTIL_H
#define NL_TESTS_TESTUTIL_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "config.h"

/* tu_mkdtemp: a fresh directory under $TMPDIR (or /tmp). */
static inline bool tu_mkdtemp(char *buf, size_t len, const char *tag)
{
	const char *t = getenv("TMPDIR");

	snprintf(buf, len, "%s/%s.XXXXXX", t && *t ? t : "/tmp", tag);
	return mkdtemp(buf) != NULL;
}

/* tu_str: printf into the next of four static buffers, so that a few results can be used in one
 * call (the fifth call reuses the first buffer). */
static inline const char *tu_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline const char *tu_str(const char *fmt, ...)
{
	static char buf[4][4400];
	static int i;
	va_list ap;

	i = (i + 1) % 4;
	va_start(ap, fmt);
	vsnprintf(buf[i], sizeof(buf[i]), fmt, ap);
	va_end(ap);
	return buf[i];
}

static inline void tu_rmtree(const char *dir)
{
	char cmd[8800];

	if (!dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* tu_write_zeros: create (or truncate) @path as a sparse file of @size bytes. */
static inline int tu_write_zeros(const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -errno;
	}
	return close(fd) ? -errno : 0;
}

/* tu_mkntfs: a fresh reproducible NTFS image of @size bytes; @extra: more mkntfs options or NULL. */
static inline int tu_mkntfs(const char *path, uint64_t size, const char *extra)
{
	char cmd[8400];
	int rc = tu_write_zeros(path, size);

	if (rc)
		return rc;
	snprintf(cmd, sizeof(cmd), "'%s' -F -f -q -T %s '%s' >/dev/null 2>&1", MKNTFS_PATH,
		 extra ? extra : "", path);
	return system(cmd) == 0 ? 0 : -EIO;
}

/* tu_copy_file: copy all of @src into @dst at byte @off (dst is not truncated). */
static inline int tu_copy_file(const char *src, const char *dst, uint64_t off)
{
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT, 0644);
	static char buf[1 << 16];
	ssize_t n;
	int rc = 0;

	if (in < 0 || out < 0)
		rc = -errno;
	while (!rc && (n = read(in, buf, sizeof(buf))) > 0) {
		/* keep zeros sparse */
		bool zero = true;

		for (ssize_t i = 0; i < n && zero; i++)
			zero = buf[i] == 0;
		if (!zero && pwrite(out, buf, (size_t)n, (off_t)off) != n)
			rc = -EIO;
		off += (uint64_t)n;
	}
	if (!rc) {
		struct stat st;

		if (fstat(out, &st) == 0 && (uint64_t)st.st_size < off && ftruncate(out, (off_t)off) < 0)
			rc = -errno;
	}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0)
		rc = -errno;
	return rc;
}

/* tu_sha256_file: hex SHA-256 of a file (sha256sum), in @hex[65]. */
static inline int tu_sha256_file(const char *path, char *hex)
{
	char cmd[8800];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	if (fscanf(p, "%64s", hex) != 1) {
		pclose(p);
		return -EIO;
	}
	return pclose(p) == 0 ? 0 : -EIO;
}

struct tu_mbr_entry {
	uint8_t type;
	uint32_t lba, count;
};

static inline void tu_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void tu_put64(uint8_t *p, uint64_t v) { tu_put32(p, (uint32_t)v); tu_put32(p + 4, (uint32_t)(v >> 32)); }

/* tu_write_mbr: write a partition sector (MBR or EBR) at byte @off with @n entries. */
static inline int tu_write_mbr(const char *path, uint64_t off, const struct tu_mbr_entry *e, int n)
{
	uint8_t s[512] = { 0 };
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -errno;
	for (int i = 0; i < n && i < 4; i++) {
		uint8_t *p = s + 0x1BE + 16 * i;

		if (!e[i].type)
			continue;
		p[4] = e[i].type;
		tu_put32(p + 8, e[i].lba);
		tu_put32(p + 12, e[i].count);
	}
	s[510] = 0x55;
	s[511] = 0xAA;
	int rc = pwrite(fd, s, 512, (off_t)off) == 512 ? 0 : -EIO;

	close(fd);
	return rc;
}

#define TU_GUID_BASIC { 0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44, 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7 }
#define TU_GUID_EFI   { 0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11, 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B }
#define TU_GUID_LINUX { 0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47, 0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4 }

struct tu_gpt_entry {
	uint8_t type[16];
	uint64_t first, last;
	const char *name;   /* ASCII */
};

/* tu_write_gpt_ss: protective MBR, GPT header at LBA 1, 128 entries at LBA 2, in sectors of
 * @ss bytes.  CRCs are left zero (the reader does not depend on them). */
static inline int tu_write_gpt_ss(const char *path, uint32_t ss, const struct tu_gpt_entry *e, int n)
{
	struct tu_mbr_entry pm = { 0xEE, 1, 0xFFFFFFFF };
	uint8_t h[512] = { 0 }, ents[128 * 128] = { 0 };
	int fd, rc;

	if ((rc = tu_write_mbr(path, 0, &pm, 1)) < 0)
		return rc;
	memcpy(h, "EFI PART", 8);
	tu_put32(h + 8, 0x00010000);
	tu_put32(h + 12, 92);
	tu_put64(h + 0x18, 1);
	tu_put64(h + 0x28, 2 + sizeof(ents) / ss);
	tu_put64(h + 0x48, 2);
	tu_put32(h + 0x50, 128);
	tu_put32(h + 0x54, 128);
	for (int i = 0; i < n; i++) {
		uint8_t *p = ents + 128 * i;

		memcpy(p, e[i].type, 16);
		p[16] = (uint8_t)(i + 1);
		tu_put64(p + 32, e[i].first);
		tu_put64(p + 40, e[i].last);
		/* each byte one UTF-16 unit: ASCII, or Latin-1 for U+0080..U+00FF */
		for (size_t k = 0; e[i].name[k] && k < 36; k++)
			p[56 + 2 * k] = (uint8_t)e[i].name[k];
	}
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	rc = (pwrite(fd, h, 512, ss) == 512 &&
	      pwrite(fd, ents, sizeof(ents), 2 * (off_t)ss) == (ssize_t)sizeof(ents)) ? 0 : -EIO;
	close(fd);
	return rc;
}

/* tu_write_gpt: tu_write_gpt_ss() with 512-byte sectors. */
static inline int tu_write_gpt(const char *path, const struct tu_gpt_entry *e, int n)
{
	return tu_write_gpt_ss(path, 512, e, n);
}

/* tu_boot_sector: a minimal NTFS boot sector (@bps bytes per sector, 8 per cluster, 1024-byte
 * MFT records): enough for the boot-sector check, not for mounting. */
static inline void tu_boot_sector(uint8_t bs[512], unsigned bps)
{
	memset(bs, 0, 512);
	bs[0] = 0xEB;
	bs[1] = 0x52;
	bs[2] = 0x90;
	memcpy(bs + 3, "NTFS    ", 8);
	bs[0x0B] = (uint8_t)bps;
	bs[0x0C] = (uint8_t)(bps >> 8);
	bs[0x0D] = 8;
	bs[0x40] = 0xF6;   /* -10: 2^10-byte records */
	bs[510] = 0x55;
	bs[511] = 0xAA;
}

/* tu_write_at: write @len bytes of @buf at byte @off of the existing file @path. */
static inline int tu_write_at(const char *path, uint64_t off, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	int rc;

	if (fd < 0)
		return -errno;
	rc = pwrite(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -EIO;
	return close(fd) ? -errno : rc;
}

/* tu_first_file: path of the first regular file in @dir. */
static inline bool tu_first_file(const char *dir, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		struct stat st;

		snprintf(out, len, "%s/%s", dir, de->d_name);
		found = de->d_name[0] != '.' && stat(out, &st) == 0 && S_ISREG(st.st_mode);
	}
	closedir(d);
	return found;
}

/* tu_mkfixture: build @image from the spec file @spec with $MKFIXTURE (its stdout discarded).
 * Returns 0, -ENOENT when $MKFIXTURE is not set or not executable, or -EIO when it fails. */
static inline int tu_mkfixture(const char *spec, const char *image)
{
	const char *mk = getenv("MKFIXTURE");
	pid_t pid;
	int st;

	if (!mk || access(mk, X_OK) != 0)
		return -ENOENT;
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(mk, mk, spec, image, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -EIO;
	return 0;
}

/* tu_write_text: create (or truncate) @path holding the string @text. */
static inline int tu_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -errno;
	rc = fputs(text, f) < 0 ? -EIO : 0;
	return fclose(f) ? -errno : rc;
}

/* tu_corpus: the path of the Windows sample @name in $CORPUS_DIR, in @buf. */
static inline const char *tu_corpus(const char *name, char *buf, size_t len)
{
	const char *d = getenv("CORPUS_DIR");

	snprintf(buf, len, "%s/%s", d ? d : "/nonexistent", name);
	return buf;
}

/* tu_corpus_unpack: decompress the Windows sample @name: NAME.gz and NAME.xz into the file @dst,
 * NAME.tgz into the directory @dst (created). */
static inline int tu_corpus_unpack(const char *name, const char *dst)
{
	char src[4200], cmd[16384];
	size_t n = strlen(name);

	tu_corpus(name, src, sizeof(src));
	if (n > 4 && !strcmp(name + n - 4, ".tgz"))
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && tar -xzf '%s' -C '%s'", dst, src, dst);
	else if (n > 3 && !strcmp(name + n - 3, ".gz"))
		snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s'", src, dst);
	else if (n > 3 && !strcmp(name + n - 3, ".xz"))
		snprintf(cmd, sizeof(cmd), "xz -dc '%s' > '%s'", src, dst);
	else
		return -EINVAL;
	return system(cmd) == 0 ? 0 : -EIO;
}

/* tu_add_corpus_test: add @test to @tc when the Windows sample @name is in $CORPUS_DIR; otherwise
 * say on stderr that the suite @who skips it. */
static inline void tu_add_corpus_test(TCase *tc, const TTest *test, const char *name, const char *who)
{
	char buf[4300];

	if (access(tu_corpus(name, buf, sizeof(buf)), R_OK) == 0)
		tcase_add_test(tc, test);
	else
		fprintf(stderr, "%s: skipped: %s absent\n", who, buf);
}

/* tu_run_suite: run every test of @s (the runner frees it); EXIT_SUCCESS when none failed. */
static inline int tu_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* tu_lsan_off, tu_lsan_on: pause leak checking (under AddressSanitizer) around libntfs-3g
 * read-write sessions, which leak inodes that are not ours to report. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(TU_ASAN)
#include <sanitizer/lsan_interface.h>
static inline void tu_lsan_off(void) { __lsan_disable(); }
static inline void tu_lsan_on(void) { __lsan_enable(); }
#else
static inline void tu_lsan_off(void) {}
static inline void tu_lsan_on(void) {}
#endif

#endif
