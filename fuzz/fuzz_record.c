/* fuzz_record.c: libFuzzer harness for the MFT record parser and, on small raw $MFTs, the whole scan and model. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <ntfslinks/record.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>

/*
 * Input: one mode byte, then data.
 *   mode & 3: record size 1024, 4096, 512, 1024
 *   mode & 4: rewrite the update sequence so that the fixups pass (the
 *             mutations then reach the attribute walk instead of dying at
 *             the fixup check)
 *   mode & 8: the data is a raw $MFT of such records: scan it through a
 *             memfd and exercise the model (paths, lookups, ancestry)
 */

static void protect(uint8_t *r, size_t size)
{
	size_t usa = (size_t)(r[4] | r[5] << 8), cnt = size / 512 + 1;

	if (usa < 0x28 || usa + 2 * cnt > 510)
		return;
	r[6] = (uint8_t)cnt;
	r[7] = (uint8_t)(cnt >> 8);
	for (size_t i = 1; i < cnt; i++) {
		uint8_t *end = r + 512 * i - 2;

		r[usa + 2 * i] = end[0];
		r[usa + 2 * i + 1] = end[1];
		end[0] = r[usa];
		end[1] = r[usa + 1];
	}
}

static void parse_one(uint8_t *rec, size_t size)
{
	struct nl_rec_header h;
	struct nl_attr a;
	size_t pos = 0;
	const char *reason;
	char name[NL_WTF8_SIZE(NL_NAME_MAX_UNITS)];

	if (nl_record_fixup(rec, size, &reason) < 0)
		return;
	if (nl_record_header(rec, size, &h, &reason) < 0)
		return;
	while (nl_record_attr_next(rec, size, &h, &pos, &a, &reason) == 0) {
		struct nl_std_info si;
		struct nl_file_name fn;
		uint32_t tag;
		const uint8_t *d;
		size_t len;

		if (a.name_len)
			(void)nl_utf16le_to_wtf8_buf(a.name, a.name_len, name, sizeof(name));
		switch (a.type) {
		case NL_AT_STANDARD_INFORMATION:
			(void)nl_attr_std_info(&a, &si, &reason);
			break;
		case NL_AT_FILE_NAME:
			if (nl_attr_file_name(&a, &fn, &reason) == 0)
				(void)nl_utf16le_to_wtf8_buf(fn.name, fn.name_len, name, sizeof(name));
			break;
		case NL_AT_REPARSE_POINT:
			if (nl_attr_reparse(&a, &tag, &d, &len, &reason) == 0 && len)
				name[0] = (char)d[len - 1];
			break;
		default:
			break;
		}
	}
}

static void ignore(void *ctx, const char *source, uint64_t mft, const char *path,
		   const char *reason)
{
	(void)ctx; (void)source; (void)mft; (void)path; (void)reason;
}

static void scan_mft(const uint8_t *data, size_t size)
{
	char path[64], err[NL_ERRMSG_SIZE];
	static char buf[NL_PATH_BUF];
	int fd = memfd_create("fuzz-mft", MFD_CLOEXEC);
	nl_volume *v = NULL;
	nl_model *m = NULL;
	struct nl_scan_options o = { .flags = NL_SCAN_DELETED, .problem = ignore };

	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (nl_volume_open(path, NULL, &v, err, sizeof(err)) < 0)
		goto out;
	if (nl_scan(v, &o, &m) < 0)
		goto out;
	uint64_t cur = 0, mft;
	unsigned budget = 256;

	while (nl_model_next(m, NL_ITER_DELETED, &cur, &mft) == 0 && budget) {
		struct nl_record_info ri;
		struct nl_times t;
		struct nl_name n;
		uint64_t nc = 0, found;
		size_t len;
		unsigned pf;
		const uint8_t *d;
		uint32_t tag;

		(void)nl_model_record(m, mft, &ri);
		(void)nl_model_times(m, mft, &t);
		(void)nl_model_reparse(m, mft, &tag, &d, &len);
		(void)nl_model_is_under(m, mft, NL_ROOT_MFT);
		(void)nl_model_record_path(m, mft, buf, sizeof(buf), &len, &pf);
		while (budget && nl_model_name_next(m, mft, NL_NAMES_WITH_DOS, &nc, &n) == 0) {
			budget--;
			if (nl_model_name_path(m, n.id, buf, sizeof(buf), &len, &pf) == 0)
				(void)nl_model_lookup_path(m, buf, &found);
			(void)nl_model_name_is_under(m, n.id, n.parent);
			(void)nl_model_lookup_child(m, n.parent, n.name, n.len, &found, NULL);
		}
	}
out:
	nl_model_free(&m);
	nl_volume_close(&v);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[4] = { 1024, 4096, 512, 1024 };

	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	size_t rs = sizes[mode & 3];

	data++;
	size--;
	if (mode & 8) {
		/* at most 64 records, whole records only */
		size_t n = size / rs;

		if (n == 0 || n > 64)
			return 0;
		uint8_t *mft = malloc(n * rs);

		if (!mft)
			return 0;
		memcpy(mft, data, n * rs);
		if (mode & 4)
			for (size_t i = 0; i < n; i++)
				protect(mft + i * rs, rs);
		scan_mft(mft, n * rs);
		free(mft);
		return 0;
	}
	uint8_t *rec = calloc(1, rs);

	if (!rec)
		return 0;
	memcpy(rec, data, size < rs ? size : rs);
	if (mode & 4)
		protect(rec, rs);
	parse_one(rec, rs);
	free(rec);
	return 0;
}
