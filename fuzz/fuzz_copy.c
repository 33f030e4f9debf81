/* fuzz_copy.c: libFuzzer harness for the copy engine: a damaged image copied into a throw-away folder or a fresh image. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/writer.h>

#include "imgmut.h"
#include "imgsource.h"

/*
 * The input is an image (imgmut.h) copied with the copy engine.  Its option
 * bits: 16 and 32 pick crop, splice or unroll for outer links; 64 copies
 * into a fresh 2 MiB image (formatted once, copied for every run) instead of
 * a folder; 128 only plans (dry run); 256 keeps named streams as extended
 * attributes in a folder.  Everything happens in one temporary folder
 * (FUZZ_TMPDIR or TMPDIR, else /tmp), emptied after every run; an entry
 * written beside the destination there is a finding (abort).  With
 * FUZZ_VERBOSE set, each copy's last error is shown.
 * LLVMFuzzerCustomMutator is imgmut.c's.
 */
#define DEST_IMAGE_SIZE (2u << 20)

static char work[4096];        /* the temporary folder */
static uint8_t *blank;         /* a freshly formatted image */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

static void empty_work(void)
{
	nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	empty_work();
	rmdir(work);
}

/* The temporary folder and the blank image, once. */
static int setup(void)
{
	const char *tmp = getenv("FUZZ_TMPDIR");
	char img[4200], err[256];
	struct nl_format_opts fo = { .size = DEST_IMAGE_SIZE };
	int fd;

	if (work[0])
		return blank ? 0 : -1;
	if (!tmp)
		tmp = getenv("TMPDIR");
	snprintf(work, sizeof(work), "%s/fuzz-copy.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(work))
		return -1;
	atexit(cleanup);
	snprintf(img, sizeof(img), "%s/blank.img", work);
	if (nl_writer_format(img, &fo, err, sizeof(err)) < 0 || !(blank = malloc(DEST_IMAGE_SIZE)))
		return -1;
	fd = open(img, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, blank, DEST_IMAGE_SIZE) != (ssize_t)DEST_IMAGE_SIZE) {
		free(blank);
		blank = NULL;
	}
	if (fd >= 0)
		close(fd);
	unlink(img);
	return blank ? 0 : -1;
}

/* The destination: a folder that does not exist yet, or a fresh image. */
static int make_dest(bool image, char *spec, size_t len)
{
	if (!image) {
		snprintf(spec, len, "%s/dst", work);
		return 0;
	}
	snprintf(spec, len, "%s/dst.img", work);
	int fd = open(spec, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, blank, DEST_IMAGE_SIZE) == (ssize_t)DEST_IMAGE_SIZE;

	if (fd >= 0)
		close(fd);
	strncat(spec, ":/dst", len - strlen(spec) - 1);
	return ok ? 0 : -1;
}

/* Only the destination may appear in the temporary folder. */
static void check_work(void)
{
	DIR *d = opendir(work);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "dst") && strcmp(e->d_name, "dst.img")) {
			fprintf(stderr, "fuzz_copy: '%s/%s' written beside the destination\n", work,
				e->d_name);
			abort();
		}
	if (d)
		closedir(d);
}

static void ignore(void *ctx, const char *source, uint64_t mft, const char *path,
		   const char *reason)
{
	(void)ctx; (void)source; (void)mft; (void)path; (void)reason;
}

static void on_action(void *ctx, const struct nl_copy_event *ev)
{
	(void)ctx; (void)ev;
}

static void copy_one(const char *src_image, uint32_t opts)
{
	static const enum nl_copy_outer_policy outer[4] = { NL_COPY_CROP, NL_COPY_SPLICE,
							    NL_COPY_UNROLL, NL_COPY_CROP };
	struct nl_copy_options o;
	char src[128], dst[4200];
	nl_copy *c = NULL;
	bool image = opts & 64;

	nl_copy_options_init(&o);
	o.outer = outer[(opts >> 4) & 3];
	o.dry_run = opts & 128;
	o.streams = (opts & 256) ? NL_COPY_STREAMS_XATTR : NL_COPY_STREAMS_DROP;
	o.buffer_size = 65536;
	o.problem = ignore;
	o.on_action = on_action;
	snprintf(src, sizeof(src), "%s:/", src_image);
	if (make_dest(image, dst, sizeof(dst)) < 0 || nl_copy_new(&o, &c) < 0)
		return;
	if (nl_copy_add_source(c, src) == 0 && nl_copy_set_dest(c, dst) == 0)
		(void)nl_copy_run(c);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_copy: %s -> %s: %s\n", src, dst, nl_copy_error(c));
	nl_copy_free(&c);
	check_work();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_source s;

	if (setup() < 0) {
		fprintf(stderr, "fuzz_copy: cannot set up '%s'\n", work);
		abort();
	}
	if (fz_source_open(&s, data, size) < 0)
		return 0;
	copy_one(s.spec, s.opts);
	fz_source_close(&s);
	empty_work();
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
	return fz_custom_mutate(data, size, max, seed);
}
