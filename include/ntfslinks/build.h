/* build.h: build NTFS images from a spec (a small text language) or in bulk from a seed, with their ground truth. */
#ifndef NTFSLINKS_BUILD_H
#define NTFSLINKS_BUILD_H

#include <stdint.h>
#include <stdio.h>

#include <ntfslinks/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The image builder behind 'ntfslinks mkimage' (its spec language and the
 * ground-truth format are in ntfslinks-mkimage(1)). It formats an image
 * (nl_writer_format) and writes everything through the writer (writer.h).
 * The image is written to IMAGE.tmp and renamed at the end; on failure
 * nothing is left behind (IMAGE, IMAGE.tmp and the ground-truth file are
 * removed).
 *
 * Reproducibility: libntfs-3g stamps what it creates with the current time
 * (new records, directory entries, and leftovers of both in slack space that
 * the spec's own times do not cover). For the same spec to give the same
 * bytes every time, the caller makes libntfs-3g's clock (clock_gettime with
 * CLOCK_REALTIME, and time()) answer the time the builder asks for through
 * the freeze_clock callback; the library cannot do that itself. Without a
 * callback the images are valid but differ in those stamps.
 *
 * Every function returns 0 or -errno; on failure @err (@errsize bytes)
 * holds the message, like "'SPEC:LINE': reason" or "'IMAGE': reason",
 * without the program's prefix. Out of memory is -ENOMEM. The builder
 * keeps state in globals of its own: run one build at a time.
 */

/** A parsed spec (opaque); from nl_spec_parse, freed by nl_spec_free. */
struct nl_spec;

/**
 * nl_spec_parse - read and parse the spec file @file into a new *@out, which
 * the caller frees with nl_spec_free(). Returns 0, -EINVAL for a bad spec
 * (the message names the line) or the -errno of reading it.
 */
int nl_spec_parse(const char *file, struct nl_spec **out, char *err, size_t errsize);

/** nl_spec_free - free *@sp (NULL allowed) and set *@sp to NULL. */
void nl_spec_free(struct nl_spec **sp);

/** Called with @frozen true and the NTFS time (100 ns units since 1601)
 * that libntfs-3g must see as the current time before a build writes, and
 * with @frozen false when it is done. */
typedef void (*nl_build_clock_fn)(bool frozen, int64_t ntfs_time, void *arg);

/** Options of nl_spec_build(). */
struct nl_build_opts {
	const char *truth;              /* write the ground truth (with MFT
					   record numbers) here; NULL: none */
	nl_build_clock_fn freeze_clock; /* NULL: the clock is not frozen */
	void *clock_arg;
};

/**
 * nl_spec_build - build the image @image from @sp. @opts may be NULL.
 * Returns 0, -EINVAL when a statement cannot be carried out (the message
 * names its line) or the error of formatting or writing.
 */
int nl_spec_build(struct nl_spec *sp, const char *image, const struct nl_build_opts *opts,
		  char *err, size_t errsize);

/**
 * nl_spec_describe - write to @out the ground truth of what @sp builds,
 * without building anything (MFT record numbers are "-"). Returns 0 or
 * -EINVAL when a statement could not be carried out (as nl_spec_build would
 * fail), -EIO when writing to @out failed.
 */
int nl_spec_describe(struct nl_spec *sp, FILE *out, char *err, size_t errsize);

/** Called now and then during a bulk build with the files written so far. */
typedef void (*nl_bulk_progress_fn)(uint64_t done, uint64_t total, void *arg);

/** Options of nl_build_bulk(). */
struct nl_bulk_opts {
	uint64_t files;                 /* number of files */
	uint64_t seed;                  /* the same seed gives the same image */
	uint64_t avg_size;              /* mean file size in bytes, 0: 4096 */
	nl_build_clock_fn freeze_clock; /* as in nl_build_opts */
	void *clock_arg;
	nl_bulk_progress_fn progress;   /* NULL: none */
	void *progress_arg;
};

/** What nl_build_bulk() built. */
struct nl_bulk_result {
	uint64_t files, extra_links, deleted;
	uint32_t folders, reparse_points;
	uint64_t image_size;
};

/**
 * nl_build_bulk - build a large Windows-like volume into @image and its
 * ground truth into IMAGE.truth (the layout is described in
 * ntfslinks-mkimage(1), --bulk). @res may be NULL. Returns 0 or -errno.
 */
int nl_build_bulk(const char *image, const struct nl_bulk_opts *opts,
		  struct nl_bulk_result *res, char *err, size_t errsize);

#ifdef __cplusplus
}
#endif

#endif
