/* fuzz_container.c: libFuzzer harness for images inside containers (E01, VHD/VHDX, VMDK, QCOW2): the container opened by its content through its library, its partition table read, the volume in it opened and scanned, and its media hashed. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>

/*
 * The input is the container file itself.  It is written to a file of its
 * own (in FUZZ_TMPDIR, else TMPDIR, else /tmp; removed at exit) whose name
 * ends in .E01, the first segment of an EWF set by its name (the other
 * libraries do not look at the name); the format is found by content as
 * ntfslinks finds it.  A media larger than VERIFY_LIMIT is hashed only up
 * to there.  LLVMFuzzerCustomMutator changes header fields, bytes and the
 * length the way damaged or truncated containers differ from good ones.
 */
#define VERIFY_LIMIT (16u << 20)

static char path[4096];

static void remove_file(void) { unlink(path); }

/* write_input: @data into the input file; false when it cannot be written. */
static bool write_input(const uint8_t *data, size_t size)
{
	int fd;
	bool ok;

	if (!path[0]) {
		const char *dir = getenv("FUZZ_TMPDIR");

		if (!dir)
			dir = getenv("TMPDIR");
		snprintf(path, sizeof(path), "%s/fuzz-container-%ld.E01", dir ? dir : "/tmp",
			 (long)getpid());
		atexit(remove_file);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	ok = size == 0 || write(fd, data, size) == (ssize_t)size;
	return close(fd) == 0 && ok;
}

static void ignore(void *ctx, const char *source, uint64_t mft, const char *p, const char *reason)
{
	(void)ctx; (void)source; (void)mft; (void)p; (void)reason;
}

static int stop_at_limit(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx; (void)total;
	return done >= VERIFY_LIMIT;
}

/* scan_volume: open @spec and scan it (every record, deleted ones too). */
static void scan_volume(const char *spec)
{
	char err[NL_ERRMSG_SIZE];
	struct nl_scan_options so = { .problem = ignore, .flags = NL_SCAN_DELETED };
	struct nl_volume_info info;
	nl_volume *v = NULL;
	nl_model *m = NULL;

	if (nl_volume_open(spec, NULL, &v, err, sizeof(err)) == 0) {
		nl_volume_get_info(v, &info);
		if (nl_scan(v, &so, &m) == 0)
			nl_model_free(&m);
	}
	nl_volume_close(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NL_ERRMSG_SIZE], spec[4200];
	struct nl_partition_table *pt = NULL;
	struct nl_image_verify vr;

	if (!write_input(data, size))
		return 0;
	if (nl_partitions_read(path, &pt, err, sizeof(err)) == 0) {
		/* the first NTFS partition, as IMAGE@N */
		for (size_t i = 0; i < pt->count; i++)
			if (pt->part[i].is_ntfs) {
				snprintf(spec, sizeof(spec), "%s@%u", path, pt->part[i].number);
				scan_volume(spec);
				break;
			}
		nl_partitions_free(&pt);
	}
	scan_volume(path);
	(void)nl_image_verify(path, NL_FORMAT_AUTO, stop_at_limit, NULL, &vr, err, sizeof(err));
	return 0;
}

/* The mutator's own generator (xorshift), seeded per call. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* pick_offset: where to change: mostly in the first 4 KiB and the last 512
 * bytes, where the containers keep their headers and footers. */
static size_t pick_offset(uint32_t *s, size_t size)
{
	switch (next_rand(s) % 4) {
	case 0: return next_rand(s) % (size < 4096 ? size : 4096);
	case 1: return size > 512 ? size - 512 + next_rand(s) % 512 : next_rand(s) % size;
	default: return next_rand(s) % size;
	}
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
	static const uint32_t values[] = { 0, 1, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 512, 4096 };
	uint32_t s = seed * 2654435761u + 1;
	size_t at;

	if (size == 0)
		return 0;
	at = pick_offset(&s, size);
	switch (next_rand(&s) % 5) {
	case 0:	/* a bit */
		data[at] ^= (uint8_t)(1u << (next_rand(&s) % 8));
		break;
	case 1:	/* a byte */
		data[at] = (uint8_t)next_rand(&s);
		break;
	case 2: {	/* a 32-bit field set to a boundary value, either byte order */
		uint32_t v = values[next_rand(&s) % (sizeof(values) / sizeof(values[0]))];

		at &= ~(size_t)3;
		for (size_t i = 0; i < 4 && at + i < size; i++)
			data[at + i] = (uint8_t)(next_rand(&s) & 1 ? v >> (8 * i) : v >> (24 - 8 * i));
		break;
	}
	case 3:	/* a run of bytes zeroed */
		memset(data + at, 0, size - at < 64 ? size - at : 64);
		break;
	default:	/* cut short; not a QCOW, which Debian's libqcow over-reads when
			 * cut inside a cluster (doc/HARDENING.md, open findings) */
		if (size < 4 || memcmp(data, "QFI\xfb", 4) != 0)
			return at ? at : 1;
		memset(data + at, 0, size - at < 64 ? size - at : 64);
		break;
	}
	return size <= max ? size : max;
}
