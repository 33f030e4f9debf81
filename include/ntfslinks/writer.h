/* writer.h: format NTFS images and write files, names, streams and reparse points through libntfs-3g. */
#ifndef NTFSLINKS_WRITER_H
#define NTFSLINKS_WRITER_H

#include <ntfslinks/common.h>
#include <ntfslinks/ondisk.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The writer module creates NTFS content offline, directly through
 * libntfs-3g (no FUSE, no mount, no root). It is used by the fixture builder
 * (fixtures/mkfixture) and by the copy engine as its destination backend.
 *
 * Objects are addressed by MFT reference (NL_MREF_MAKE(record, sequence), as
 * returned by the create calls), never by path, so bulk work does no path
 * lookups. The writer keeps a bounded cache of open inodes (directories being
 * filled stay open); callers never see libntfs-3g inodes. Below libntfs-3g
 * it keeps a bounded write-back cache of small blocks (index blocks, bitmaps,
 * records), so that metadata rewritten for every new file reaches the image
 * once; file contents are written straight through.
 *
 * Names are UTF-16 code units (uint16_t, little-endian as on disk, like
 * unistr.h; the same as host order on the machines we build for) with an explicit length,
 * so unpaired surrogates and any other unit sequence are written exactly;
 * the *_u8 variants take WTF-8 (see unistr.h) and convert losslessly.
 *
 * Every function returns 0 on success or -errno. After a failure,
 * nl_writer_error() describes it. Data reaches the image only when
 * nl_writer_close() (or nl_writer_flush()) succeeds: always check it.
 *
 * Times are NTFS times: 100 ns units since 1601-01-01 UTC. Nothing the writer
 * writes comes from the clock: timestamps that libntfs-3g sets from the clock
 * while creating (a new file, a directory that received an entry) must be
 * overwritten by nl_writer_set_times() afterwards if the image is to be
 * reproducible; set a directory's times after its contents are complete.
 */

/** Opaque handle of a volume open for writing. */
typedef struct nl_writer nl_writer;

/** What nl_writer_create() makes. */
enum nl_node_type {
	NL_NODE_FILE = 0,
	NL_NODE_DIR = 1
};

/** Options of nl_writer_format(). Zero means the default. */
struct nl_format_opts {
	uint64_t size;          /* image size in bytes (required, >= 1 MiB) */
	uint32_t cluster_size;  /* bytes per cluster, 0: mkntfs chooses */
	uint32_t sector_size;   /* 512 (default) or 4096; 4096 also gives
				   4096-byte MFT records */
	const char *label;      /* volume label (UTF-8), NULL: none */
};

/** Flags of nl_writer_open(). */
#define NL_WRITER_KEEP_OPEN_MAX 0   /* reserved, pass 0 */
#define NL_WRITER_RDONLY 0x1        /* mount read-only: lookups only, every
				       change fails (a dry run's checks) */

/** The root directory's MFT reference (record 5, sequence 5). */
#define NL_WRITER_ROOT NL_MREF_MAKE(NL_ROOT_MFT, NL_ROOT_MFT)

/**
 * nl_writer_format - create (or overwrite) IMAGE as a sparse file of
 * opts->size bytes and format it with mkntfs -F -f -q -T.
 * Identical inputs give byte-identical images. On failure up to errsize-1
 * bytes of explanation (mkntfs' own message when it failed) are put in err
 * (may be NULL). Returns 0 or -errno (-EINVAL for bad options, -EIO when
 * mkntfs failed).
 */
int nl_writer_format(const char *image, const struct nl_format_opts *opts,
		     char *err, size_t errsize);

/**
 * nl_writer_open - mount the NTFS volume at byte OFFSET of IMAGE read-write
 * (OFFSET 0: IMAGE is the volume; otherwise, e.g., a partition inside a disk
 * image, reached without a loop device). IMAGE may be a block device.
 * @flags: 0 or NL_WRITER_RDONLY.
 * An image that is mounted or in use is refused with -EBUSY: one that
 * /proc/self/mountinfo (or a regular /etc/mtab) lists as a mount source,
 * itself or through a loop device backed by it, or that another program
 * holds locked, as an ntfs-3g mount does. The writer locks the whole file
 * in turn (a read lock when NL_WRITER_RDONLY), and opens a block device
 * exclusively, until nl_writer_close().
 * On success *wp is a new handle the caller must pass to nl_writer_close().
 * Returns 0, -EBUSY, or the error of libntfs-3g's mount (e.g. -EINVAL no
 * NTFS there, -EPERM dirty/hibernated); -EUCLEAN for a damaged volume
 * refused before libntfs-3g is handed it (boot sector, $MFT runlist,
 * system records).
 */
int nl_writer_open(const char *image, uint64_t offset, unsigned flags,
		   nl_writer **wp);

/**
 * nl_writer_close - write everything out, unmount and free the handle.
 * Every inode close and the unmount are checked; returns 0 only if all data
 * reached the image, else the first error (-EIO when none more specific),
 * including errors remembered from earlier background closes. Clears *wp
 * (NULL is accepted and returns 0).
 */
int nl_writer_close(nl_writer **wp);

/**
 * nl_writer_flush - close every cached inode (writing it out) and write
 * the writer's block cache to the image file (no fsync; nl_writer_close
 * does that), so that another reader of the file sees everything written
 * so far. Returns 0 or the first error (also remembered for
 * nl_writer_close).
 */
int nl_writer_flush(nl_writer *w);

/**
 * nl_writer_error - text describing the last failure (lowercase, no full
 * stop), or "" when none. Owned by the handle, valid until the next call.
 */
const char *nl_writer_error(const nl_writer *w);

/**
 * nl_writer_geometry - cluster size, MFT record size and sector size of the
 * open volume, any pointer may be NULL. Returns 0.
 */
int nl_writer_geometry(const nl_writer *w, uint32_t *cluster_size,
		       uint32_t *mft_record_size, uint32_t *sector_size);

/**
 * nl_writer_lookup - find NAME in directory PARENT: the exact units, else
 * a name equal to it without regard to case (through the volume's upcase
 * table), as Windows opens names. Sets *ref to its MFT reference.
 * Returns 0, -ENOENT, -ENOTDIR.
 */
int nl_writer_lookup(nl_writer *w, uint64_t parent,
		     const uint16_t *name, size_t len, uint64_t *ref);

/**
 * nl_writer_lookup_path - resolve a WTF-8 path relative to the root ('/' or
 * '\' separate components; empty path or "/" is the root). Reparse points
 * are not followed. Returns 0, -ENOENT, -ENOTDIR, -EILSEQ (bad WTF-8).
 */
int nl_writer_lookup_path(nl_writer *w, const char *path,
			  uint64_t *ref);

/**
 * nl_writer_create - make a file or directory NAME in directory PARENT with
 * the given namespace (use NL_NS_POSIX for names Win32 forbids; a
 * NL_NS_WIN32 name should get a DOS name with nl_writer_set_dos_name; a
 * NL_NS_DOS name alone is refused with -EINVAL). The new object gets an
 * inherited default security descriptor, attribute ARCHIVE for files, and
 * clock times (see the note on times above).
 * @ref: receives the new object's MFT reference (may be NULL).
 * Returns 0, -EEXIST (name taken), -ENAMETOOLONG (> 255 units), -EINVAL
 * (empty name, name containing '/' or NUL), -ENOTDIR, -ENOSPC.
 */
int nl_writer_create(nl_writer *w, uint64_t parent,
		     const uint16_t *name, size_t len, enum nl_name_space ns,
		     enum nl_node_type type, uint64_t *ref);

/** nl_writer_create_u8 - nl_writer_create() with a WTF-8 name (-EILSEQ if bad). */
int nl_writer_create_u8(nl_writer *w, uint64_t parent, const char *name,
			enum nl_name_space ns, enum nl_node_type type,
			uint64_t *ref);

/**
 * nl_writer_link - add hard link NAME in directory PARENT to existing file
 * REF (directories cannot be linked: -EPERM). -EMLINK when the file already
 * has NL_MAX_LINKS (1023) non-DOS names. Other errors as nl_writer_create.
 */
int nl_writer_link(nl_writer *w, uint64_t ref, uint64_t parent,
		   const uint16_t *name, size_t len, enum nl_name_space ns);

/** nl_writer_link_u8 - nl_writer_link() with a WTF-8 name. */
int nl_writer_link_u8(nl_writer *w, uint64_t ref, uint64_t parent,
		      const char *name, enum nl_name_space ns);

/**
 * nl_writer_link_count - number of non-DOS names ($FILE_NAME attributes not
 * in the DOS namespace) of REF, i.e. the hard links as Windows counts them.
 * Returns the count (>= 0) or -errno.
 */
int nl_writer_link_count(nl_writer *w, uint64_t ref);

/**
 * nl_writer_unlink - remove name NAME in directory PARENT of REF (and the
 * DOS name that belongs to it). When it was the last name the record is
 * freed the way Windows does: it is marked not in use but keeps its last
 * $FILE_NAME and other resident attributes (a "deleted record").
 * Directories must be empty (-ENOTEMPTY). Returns 0, -ENOENT.
 */
int nl_writer_unlink(nl_writer *w, uint64_t ref, uint64_t parent,
		     const uint16_t *name, size_t len);

/**
 * nl_writer_rename - move REF's name OLDNAME in OLDPARENT to NEWNAME in
 * NEWPARENT (a file or a folder with all it holds; the DOS alias of the old
 * name goes with it, the new name gets none), in namespace NS. The new
 * name is added first, then the old one removed; if that fails the new one
 * is removed again. Returns 0, -EEXIST (NEWNAME taken), -ENOENT, -EINVAL,
 * -ENOTDIR, -errno.
 */
int nl_writer_rename(nl_writer *w, uint64_t ref, uint64_t oldparent,
		     const uint16_t *oldname, size_t oldlen, uint64_t newparent,
		     const uint16_t *newname, size_t newlen, enum nl_name_space ns);

/**
 * nl_writer_set_dos_name - give the Win32 name LONG (in PARENT) of REF an
 * 8.3 alias DOSNAME: if DOSNAME equals LONG (same units) the long name
 * becomes one NL_NS_WIN32_AND_DOS name; otherwise DOSNAME is added as a
 * NL_NS_DOS name and LONG becomes NL_NS_WIN32. DOSNAME must be a valid
 * upper-case 8.3 name (-EINVAL). Returns 0, -ENOENT (no such long name),
 * -EEXIST (DOSNAME taken in PARENT or REF already has a DOS name there).
 */
int nl_writer_set_dos_name(nl_writer *w, uint64_t ref, uint64_t parent,
			   const uint16_t *longname, size_t longlen,
			   const uint16_t *dosname, size_t doslen);

/**
 * nl_writer_set_name_space - change the namespace of the existing name NAME
 * (in PARENT) of REF, in its $FILE_NAME and in the directory index, without
 * any check of consistency (for copying names exactly as found).
 * Returns 0, -ENOENT.
 */
int nl_writer_set_name_space(nl_writer *w, uint64_t ref,
			     uint64_t parent, const uint16_t *name, size_t len,
			     enum nl_name_space ns);

/**
 * nl_writer_write - write N bytes of BUF at OFFSET into a data stream of
 * file REF: the unnamed stream when STREAM is NULL, else the named stream
 * STREAM (SLEN units), created on first use. The stream grows as needed;
 * in a sparse stream (nl_writer_set_sparse) skipped ranges stay holes.
 * Returns 0, -ENOSPC, -EISDIR (unnamed stream of a directory), -EFBIG.
 */
int nl_writer_write(nl_writer *w, uint64_t ref, const uint16_t *stream,
		    size_t slen, uint64_t offset, const void *buf, size_t n);

/**
 * nl_writer_add_stream - create the (empty) stream STREAM of REF if it does
 * not exist. Directories may carry named streams. Returns 0 or -errno.
 */
int nl_writer_add_stream(nl_writer *w, uint64_t ref,
			 const uint16_t *stream, size_t slen);

/**
 * nl_writer_set_size - set the size of a stream of REF (NULL: the unnamed
 * one), creating the stream if needed. Growing a sparse stream adds a hole;
 * growing another one writes zeros. Returns 0 or -errno.
 */
int nl_writer_set_size(nl_writer *w, uint64_t ref,
		       const uint16_t *stream, size_t slen, uint64_t size);

/**
 * nl_writer_set_sparse - mark a stream of REF (NULL: unnamed) sparse, so
 * that what is never written stays unallocated, and set the file's sparse
 * attribute. Must be called before data is written. Returns 0 or -errno.
 */
int nl_writer_set_sparse(nl_writer *w, uint64_t ref,
			 const uint16_t *stream, size_t slen);

/**
 * nl_writer_set_reparse - set the raw reparse point of REF to the LEN bytes
 * of DATA (tag le32, data length le16, reserved le16, then the tag's data;
 * the data length field must equal LEN - 8, else -EINVAL). Long data is
 * stored non-resident as libntfs-3g decides. Sets the reparse attribute bit
 * and the tag in the $FILE_NAMEs and indexes, and $Extend/$Reparse.
 * Returns 0, -EINVAL, -EEXIST (already a reparse point), -errno.
 */
int nl_writer_set_reparse(nl_writer *w, uint64_t ref, const void *data,
			  size_t len);

/**
 * nl_writer_get_reparse - the reparse data of REF (as nl_writer_set_reparse
 * takes it) into a new malloc'ed *DATA of *LEN bytes; the caller frees it.
 * Returns 0, -ENODATA (REF is not a reparse point), -errno.
 */
int nl_writer_get_reparse(nl_writer *w, uint64_t ref, uint8_t **data, size_t *len);

/**
 * nl_writer_replace_reparse - replace the reparse data of REF, which must
 * already be a reparse point (-ENODATA), with the LEN bytes of DATA
 * (checked as by nl_writer_set_reparse), in place: the record, its names,
 * times and security stay as they were; $Extend/$Reparse follows the new
 * tag, and so do the $FILE_NAMEs and their index entries when the tag
 * changes. Returns 0, -EINVAL, -ENODATA, -ENOSPC, -errno.
 */
int nl_writer_replace_reparse(nl_writer *w, uint64_t ref, const void *data,
			      size_t len);

/**
 * nl_writer_set_attributes - set the file attribute bits of REF to ATTRS
 * (the NL_FA_* bits READONLY, HIDDEN, SYSTEM, ARCHIVE, NORMAL, TEMPORARY,
 * OFFLINE, NOT_INDEXED, COMPRESSED; DIRECTORY, SPARSE and REPARSE_POINT
 * are ignored, they follow the object's state). Turning COMPRESSED on for
 * a file compresses its unnamed stream from then on (-EOPNOTSUPP with
 * clusters above 4 KiB, -EBUSY if it already holds data); for a directory
 * it only sets the flag that new files inherit. Returns 0 or -errno.
 */
int nl_writer_set_attributes(nl_writer *w, uint64_t ref, uint32_t attrs);

/**
 * nl_writer_get_attributes - the attribute bits of REF into *attrs.
 * Returns 0 or -errno.
 */
int nl_writer_get_attributes(nl_writer *w, uint64_t ref,
			     uint32_t *attrs);

/** nl_writer_is_dir - 1 if REF is a directory, 0 if not, or -errno. */
int nl_writer_is_dir(nl_writer *w, uint64_t ref);

/**
 * nl_writer_set_times - set the four timestamps of REF in
 * $STANDARD_INFORMATION, in all its $FILE_NAMEs and in their directory
 * index entries. Later libntfs-3g activity (adding entries to a directory)
 * may set clock times again: set a directory's times last.
 * Returns 0 or -errno.
 */
int nl_writer_set_times(nl_writer *w, uint64_t ref,
			const struct nl_times *t);

/**
 * nl_writer_set_security - replace the security descriptor of REF with
 * the LEN bytes of the self-relative descriptor SD (validated: -EINVAL).
 * Returns 0 or -errno.
 */
int nl_writer_set_security(nl_writer *w, uint64_t ref, const void *sd,
			   size_t len);

/* ---- walking and removing (writer_tree.c) ---------------------------- */

/** One name in a directory, as nl_writer_list() hands it out. */
struct nl_dirent {
	uint64_t ref;               /* the object's MFT reference */
	const uint16_t *name;       /* its name (UTF-16LE, valid during the call) */
	size_t len;                 /* units */
	enum nl_name_space ns;      /* never NL_NS_DOS: aliases are left out */
};

/** nl_dirent_fn - called per name; nonzero stops the walk and is returned.
 * The directory must not be changed during the walk. */
typedef int (*nl_dirent_fn)(void *ctx, const struct nl_dirent *d);

/**
 * nl_writer_list - call FN for each name in directory DIR, in index order,
 * except DOS aliases (they belong to a Win32 name) and "." and "..".
 * Returns 0, FN's nonzero value, -ENOTDIR or -errno.
 */
int nl_writer_list(nl_writer *w, uint64_t dir, nl_dirent_fn fn, void *ctx);

/**
 * nl_writer_clusters - the clusters REF holds: the allocation of all its
 * non-resident attributes (data streams, a large reparse point or index),
 * what is freed with it. Returns 0 or -errno.
 */
int nl_writer_clusters(nl_writer *w, uint64_t ref, uint64_t *clusters);

/**
 * nl_writer_remove_reparse - take the reparse point off REF (as
 * 'fsutil reparsepoint delete'): the attribute, the reparse bit, the entry
 * in $Extend/$Reparse and the tag in its names go; the object stays, with
 * its data, names, times and security. Returns 0, -ENODATA (REF is not a
 * reparse point), -errno.
 */
int nl_writer_remove_reparse(nl_writer *w, uint64_t ref);

#ifdef __cplusplus
}
#endif
#endif
