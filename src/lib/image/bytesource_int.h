/* bytesource_int.h (internal): byte sources: read-only random access to the bytes of a disk or volume image, whatever holds them (a file, a device, a buffer, a container). */
#ifndef NL_BYTESOURCE_INT_H
#define NL_BYTESOURCE_INT_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include <ntfslinks/volume.h>

/*
 * A byte source presents @size bytes that can be read at any offset.  It is
 * opened by nl_bytesource_open() (the backend chosen by the content of the
 * file, or forced), or over a caller's buffer by nl_bytesource_memory(), and
 * closed by nl_bytesource_close().  Sources are read-only.  Reads may come
 * from two threads at once (the scan's read-ahead): backends that are not
 * safe for that serialise their reads themselves.
 */
struct nl_bytesource;

/* What a backend implements. */
struct nl_bytesource_ops {
	/* read up to @len bytes at @off (< size); returns the bytes read (short
	 * only at the end of the source) or -errno */
	ssize_t (*pread)(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off);
	/* release the backend's state (bs->priv); the source itself is freed by
	 * the caller */
	void (*close)(struct nl_bytesource *bs);
	/* optional: what the reads so far found damaged by the container's own
	 * checksums (the bad_* fields of @v) */
	void (*damage)(struct nl_bytesource *bs, struct nl_image_verify *v);
	/* optional: later reads give the bytes as stored where the container's
	 * checksum fails (by default its library may give zeros there) */
	void (*as_stored)(struct nl_bytesource *bs);
};

struct nl_bytesource {
	const struct nl_bytesource_ops *ops;
	enum nl_image_format format;
	char *name;          /* the path, or the name given to a buffer */
	uint64_t size;       /* bytes of the disk or volume it presents */
	int fd;              /* a raw file or device: its descriptor; else -1 */
	bool is_block;       /* a raw block device */
	void *priv;          /* the backend's state */
	struct nl_image_meta meta; /* what the container says about the acquisition */
};

/*
 * A container backend: @probe looks at the first bytes of the file (@head,
 * @n of them, zero-padded to 4096) and at its last 512 (@tail, NULL when the
 * file is shorter); @open fills @bs (size, ops, priv, meta) for @path, with a
 * reason in @err on failure.
 */
struct nl_bytesource_backend {
	enum nl_image_format format;
	bool (*probe)(const uint8_t *head, size_t n, const uint8_t *tail);
	int (*open)(struct nl_bytesource *bs, const char *path, char *err, size_t errlen);
};

/**
 * nl_bytesource_open - open @path read-only as format @fmt (NL_FORMAT_AUTO:
 * decided by its content, and by its name for split raw sets).
 * Returns 0 with *@out set, or -errno with a lowercase reason in @err.
 */
int nl_bytesource_open(const char *path, enum nl_image_format fmt, struct nl_bytesource **out,
		       char *err, size_t errlen);

/**
 * nl_bytesource_memory - a byte source over @len bytes at @buf, which the
 * caller keeps unchanged until the source is closed (no copy is made).
 * @name is used in messages (copied).  Returns 0 or -ENOMEM.
 */
int nl_bytesource_memory(const void *buf, size_t len, const char *name,
			 struct nl_bytesource **out);

/**
 * nl_bytesource_pread - read exactly @len bytes at @off, retrying short
 * reads; what lies past the end is zero-filled.  Returns the bytes really
 * read (< @len at the end) or -errno.
 */
ssize_t nl_bytesource_pread(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off);

/** nl_bytesource_close - close @*bs (NULL is fine) and set it to NULL. */
void nl_bytesource_close(struct nl_bytesource **bs);

/**
 * nl_image_format_detect - the container format of the open file @fd by its
 * content (NL_FORMAT_RAW when none is recognised).  Used to refuse writing
 * into a container.
 */
enum nl_image_format nl_image_format_detect(int fd);

/**
 * nl_pread_full - read exactly @len bytes at @off of @fd, retrying short
 * reads; what lies past the end of the file is zero-filled.
 * Returns the bytes really read (< @len at the end of the file) or -errno.
 */
ssize_t nl_pread_full(int fd, void *buf, size_t len, uint64_t off);

/** nl_fd_size - the size of a regular file or block device.  Returns 0 or -errno. */
int nl_fd_size(int fd, uint64_t *size);

/* The backends: split raw (always built; chosen by name, its probe is
 * NULL) and the containers, each built when its library was found. */
extern const struct nl_bytesource_backend nl_bs_split, nl_bs_ewf, nl_bs_vhdi, nl_bs_vmdk,
	nl_bs_qcow;

/* nl_bs_ewf_helper_only - for tests (never set by the library itself): the
 * E01 reads that are shared (256 KiB and more) are read wholly by the helper
 * thread's handle, so that its settings and the damage it notes are seen
 * whatever the timing.  Process-wide; set before the reads. */
void nl_bs_ewf_helper_only(bool on);

/* nl_bs_ewf_direct - for tests (on by default): whether E01 chunks stored
 * plainly are read directly from the segment files rather than through
 * libewf.  Process-wide; set before the reads.
 * nl_bs_ewf_direct_bytes - the bytes of the E01 source @bs read so. */
void nl_bs_ewf_direct(bool on);
uint64_t nl_bs_ewf_direct_bytes(struct nl_bytesource *bs);

/* nl_split_is_first_segment - @path names the first segment of a split raw
 * set ("x.001", "x.000", "x.aa", "xaa") and the second segment exists. */
bool nl_split_is_first_segment(const char *path);

#endif
