/* copy_backend_int.h: the interface between the copy engine and its source and destination
 * backends: entry types, operation tables and the functions the backends share (not public). */
#ifndef NTFSLINKS_COPY_BACKEND_INT_H
#define NTFSLINKS_COPY_BACKEND_INT_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/ondisk.h>
#include <ntfslinks/volume.h>

/* The NL_FA_ file attribute bits a destination may set directly. */
#define CP_FA_SETTABLE   0x00003DA7u

/* Extended attributes of an ntfs-3g mount (directory sources and
 * destinations); named streams are "user." + name. */
#define XA_REPARSE "system.ntfs_reparse_data"
#define XA_ATTRIB "system.ntfs_attrib"
#define XA_TIMES "system.ntfs_times"
#define XA_DOS "system.ntfs_dos_name"
#define XA_ACL "system.ntfs_acl"
#define XA_STREAM_PREFIX "user."

/* The next component of the '/' or '\' separated path *@p: *@c gets its
 * start and *@p moves past it. Returns its length, 0 at the end. */
static inline size_t cp_next_comp(const char **p, const char **c)
{
	const char *q = *p;

	while (*q == '/' || *q == '\\')
		q++;
	*c = q;
	while (*q && *q != '/' && *q != '\\')
		q++;
	*p = q;
	return (size_t)(q - *c);
}

/** What a source entry is. */
enum cp_type {
	CP_T_DIR = 0,	/* folder without reparse point */
	CP_T_FILE,	/* file without reparse point */
	CP_T_REPARSE,	/* file or folder with an NTFS reparse point (see is_dir) */
	CP_T_LSYMLINK,	/* Linux symbolic link (directory sources) */
	CP_T_OTHER,	/* device, fifo, socket: not copied */
};

/** A source entry, as listed or looked up by a source backend. */
struct cp_stat {
	enum cp_type type;
	bool is_dir;		/* folder (also for reparse points and symlinks to folders) */
	bool has_times;
	uint8_t name_space;	/* NL_NS_* of the name it was found by */
	uint32_t attrs;		/* NTFS attribute bits (derived for Linux sources) */
	uint32_t nlink;		/* names of the file (non-DOS) */
	uint64_t ino;		/* identity: MFT record number, or st_ino */
	uint64_t dev;		/* identity: 0, or st_dev */
	uint64_t mref;		/* NTFS: full MFT reference */
	uint64_t size;		/* data bytes of all streams (for progress) */
	uint64_t named_size;	/* of those, the bytes of named streams */
	uint64_t alloc;		/* bytes the data takes on disk (holes and compression
				   left out), at most @size */
	struct nl_times t;
	char *dos_name;		/* 8.3 alias of that name (malloc'ed) or NULL */
	uint8_t *reparse;	/* raw reparse buffer (malloc'ed) or NULL */
	size_t reparse_len;
	char *lnk;		/* Linux symlink text (malloc'ed) or NULL */
	int err;		/* list(): this entry could not be read (-errno; -EILSEQ:
				   its name holds a NUL) */
	uint32_t ftype;		/* CP_T_OTHER of directory sources: st_mode & S_IFMT */
	uint64_t sd_hash;	/* cp_src.want_sd: cp_hash64() of the security descriptor,
				   0: none read (plain Linux folders) */
};

/* A 64-bit FNV-1a hash of @n bytes, never 0 (0 stands for none). */
static inline uint64_t cp_hash64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h ? h : 1;
}

struct cp_src;
struct cp_dst;

/* A source location: where a backend finds an entry again. */
struct cp_loc {
	uint64_t mref;		/* NTFS sources */
	const char *path;	/* directory sources: absolute path on the host */
};

/* Callback of list(): @name is WTF-8 (directory sources: the raw bytes),
 * owned by the backend; @st is handed over (the callee takes its pointers).
 * Return nonzero to stop. */
typedef int (*cp_list_fn)(void *ctx, const char *name, struct cp_stat *st);

/* One data stream of an open source file. */
struct cp_stream {
	char *name;		/* NULL: the unnamed stream; WTF-8 (malloc'ed) */
	uint64_t size;
	bool sparse;		/* has holes worth keeping */
	bool compressed;
};

struct cp_src_ops {
	/* Entries of folder @dir (not "." or ".."); 0 or -errno. */
	int (*list)(struct cp_src *s, const struct cp_loc *dir, cp_list_fn fn, void *ctx);
	/* Look @name up in folder @dir (case-insensitively on NTFS); on success
	 * fills @st and *@real (the name as stored, malloc'ed). 0, -ENOENT, -errno;
	 * -EIO with st->ino set (not 0): the folder names that entry, whose
	 * record cannot be read. */
	int (*lookup)(struct cp_src *s, const struct cp_loc *dir, const char *name,
		      struct cp_stat *st, char **real);
	/* Stat of the entry at @loc itself (roots). */
	int (*stat)(struct cp_src *s, const struct cp_loc *loc, struct cp_stat *st);
	/* Open for reading data; *fh is backend data. */
	int (*open)(struct cp_src *s, const struct cp_loc *loc, const struct cp_stat *st, void **fh);
	/* The streams of @fh (array owned by fh). */
	int (*streams)(struct cp_src *s, void *fh, const struct cp_stream **list, size_t *n);
	/* Next allocated region of stream @i at or after @off: [*start, *end).
	 * Returns 0, or 1 when there is no more data (the rest is a hole). */
	int (*region)(struct cp_src *s, void *fh, size_t i, uint64_t off,
		      uint64_t *start, uint64_t *end);
	/* Read up to @n bytes; returns bytes read (>0), 0 at end, -errno. */
	ssize_t (*read)(struct cp_src *s, void *fh, size_t i, uint64_t off, void *buf, size_t n);
	/* Security descriptor (malloc'ed) or -ENODATA. */
	int (*security)(struct cp_src *s, void *fh, uint8_t **sd, size_t *len);
	void (*close)(struct cp_src *s, void *fh);
	void (*free)(struct cp_src *s);
};

/* Kinds of endpoints. */
enum cp_ep_kind { CP_EP_IMAGE = 0, CP_EP_DIR, CP_EP_NTFS3G };

struct cp_src {
	const struct cp_src_ops *ops;
	enum cp_ep_kind kind;
	unsigned index;		/* position among the sources (identity) */
	char *spec;		/* as given */
	char *image;		/* image spec (IMAGE or IMAGE@N) or directory path */
	char *root;		/* path of the source folder: inside the volume ("/a/b",
				   canonical) or absolute on the host (directories) */
	struct cp_loc root_loc;
	struct cp_stat root_st;
	char *vol_key;		/* identifies the volume (for same-volume tests) */
	char *mnt;		/* ntfs-3g sources: host path of the mount's root */
	bool shared;		/* in the destination image: read through its writer */
	bool want_sd;		/* list() fills cp_stat.sd_hash */
	bool list_scan;		/* images: list() answers from one scan of the volume
				   (set while nothing is written to it) */
	char why[256];		/* what list() or lookup() failing with -EUCLEAN found damaged, or
				   why an entry failed with -EFBIG (a bound of the image's sizes) */
	void *priv;
};

/* Destination handles: an MFT reference (images) or an fd (directories). */
struct cp_dh {
	uint64_t ref;
	int fd;
};

/* Room in a destination (cp_dst_ops.space). */
struct cp_space {
	uint64_t free_bytes;	/* for new data */
	uint32_t unit;		/* allocation unit: cluster or fragment size */
	uint32_t record;	/* bytes of an MFT record (NTFS), 0 */
	uint64_t free_records;	/* MFT records free without growing it (NTFS), or
				   inodes free (Linux; UINT64_MAX: no limit) */
};

struct cp_dst_ops {
	/* Create folder @name in @parent; *out open until close(). */
	int (*mkdir)(struct cp_dst *d, struct cp_dh *parent, const char *name,
		     uint8_t ns, struct cp_dh *out);
	/* Create folder @name in @parent already holding an empty CP_PARTIAL_MARK: made as
	 * CP_TMPDIR_PREFIX @name CP_TMPDIR_SUFFIX in @parent, the mark made in it, then
	 * renamed, so that a run killed meanwhile leaves no folder under @name without its
	 * mark (cp_partial_clear_dir removes the leftover); *out open until close(). NULL:
	 * mkdir(), then the mark. 0 or -errno. */
	int (*mkdir_marked)(struct cp_dst *d, struct cp_dh *parent, const char *name,
			    struct cp_dh *out);
	/* Create an empty file. */
	int (*create)(struct cp_dst *d, struct cp_dh *parent, const char *name,
		      uint8_t ns, struct cp_dh *out);
	/* Open the existing folder (dest root, --into). */
	int (*open_dir)(struct cp_dst *d, struct cp_dh *parent, const char *name, struct cp_dh *out);
	/* Open the existing file or folder @name in @parent (a link is not
	 * followed: a Linux symbolic link cannot be opened), to set what it
	 * holds or its metadata; *out open until close(). 0 or -errno. */
	int (*open_entry)(struct cp_dst *d, struct cp_dh *parent, const char *name,
			  struct cp_dh *out);
	/* Does @name exist in @parent? 1 yes, 0 no, -errno. */
	int (*exists)(struct cp_dst *d, struct cp_dh *parent, const char *name);
	/* Another name @name in @parent for the file @file, first created as
	 * @first_rel (its path below the destination's top folder, '/'-separated;
	 * given to directory destinations only, NULL for images). A hardlink
	 * clone into a directory gives the source file's absolute host path. */
	int (*link)(struct cp_dst *d, struct cp_dh *file, const char *first_rel,
		    struct cp_dh *parent, const char *name, uint8_t ns);
	/* Linux symbolic link (directory destinations only) with times @t (or NULL)
	 * in @parent, whose path below the destination's top folder is @parent_rel
	 * ('/'-separated): 0, 1 when it was made but its times could not be set,
	 * -errno.  Unless @may_leave, a @target that leads out of the destination
	 * folder read lexically (absolute, or climbing above it) is refused. */
	int (*symlink)(struct cp_dst *d, struct cp_dh *parent, const char *parent_rel,
		       const char *name, const char *target, bool may_leave,
		       const struct nl_times *t);
	int (*set_reparse)(struct cp_dst *d, struct cp_dh *h, const uint8_t *rp, size_t len);
	int (*set_sparse)(struct cp_dst *d, struct cp_dh *h, const char *stream);
	int (*write)(struct cp_dst *d, struct cp_dh *h, const char *stream, uint64_t off,
		     const void *buf, size_t n);
	int (*set_size)(struct cp_dst *d, struct cp_dh *h, const char *stream, uint64_t size);
	int (*set_dos_name)(struct cp_dst *d, struct cp_dh *h, struct cp_dh *parent,
			    const char *name, const char *dos);
	int (*set_attrs)(struct cp_dst *d, struct cp_dh *h, uint32_t attrs, bool early);
	int (*set_times)(struct cp_dst *d, struct cp_dh *h, const struct nl_times *t);
	/* Turn the compression bit of folder @h on or off (may be NULL): ntfs-3g
	 * compresses only files created in a compressed folder. Returns 1 if the
	 * bit changed, 0 if it was already so, -errno. */
	int (*folder_compress)(struct cp_dst *d, struct cp_dh *h, bool on);
	int (*set_security)(struct cp_dst *d, struct cp_dh *h, const uint8_t *sd, size_t len);
	/* A file made by create() is complete: it gets its name @name in @parent
	 * (plain Linux folders write it under a temporary name until then, so
	 * that a copy killed midway leaves no partial file under a real name).
	 * NULL: files are made under their names. 0 or -errno. */
	int (*commit)(struct cp_dst *d, struct cp_dh *parent, struct cp_dh *h, const char *name);
	/* Remove what was created as @name in @parent (failure clean-up). */
	int (*remove)(struct cp_dst *d, struct cp_dh *parent, struct cp_dh *h, const char *name,
		      bool is_dir);
	/* Done with @h (closes an fd; images: nothing or flush). */
	int (*close)(struct cp_dst *d, struct cp_dh *h);
	/* Finish: everything written? (unmount of images, checked). */
	int (*finish)(struct cp_dst *d);
	const char *(*errmsg)(struct cp_dst *d);
	/* The room left (also in a dry run): 0, or -errno when unknown. */
	int (*space)(struct cp_dst *d, struct cp_space *sp);
	void (*free)(struct cp_dst *d);
};

struct cp_dst {
	const struct cp_dst_ops *ops;
	enum cp_ep_kind kind;
	char *spec;
	char *image;		/* image spec or host directory path of the endpoint */
	char *path;		/* folder inside the volume ("/x/y", images), or host path */
	char *vol_path;		/* NTFS destinations: the endpoint's path inside its volume,
				   used for absolute link targets ("/x/y"; "/" root) */
	bool exists;		/* the endpoint folder exists already */
	bool ntfs;		/* keeps reparse points, streams, DOS names (image, ntfs-3g) */
	bool times_after_links;	/* file times must be set after the last name */
	bool xattr_streams;	/* directory destinations: --streams=xattr */
	char *vol_key;
	struct cp_dh root;	/* parent of the endpoint folder (or the folder with into) */
	char *leaf;		/* name of the endpoint folder in its parent, NULL with the root */
	bool partial_removed;	/* what an interrupted copy left there was removed first */
	void *priv;
	char err[256];
};

/* ---- opening the backends (the engine calls these) ---------------------------- */

/* Each fills the endpoint's ops, kind and priv; on failure the endpoint's
 * free() (when set) releases what was made, and @err may hold a message. */
int cp_src_ntfs_open(struct cp_src *s, const char *image, const char *path, char *err,
		     size_t errlen);
/* Sources in the destination image: one read-write mount serves both (two
 * mounts of one volume, one of them writing, would read stale records).
 * open_shared reads through the writer @w (borrowed, see
 * nl_writer_ntfs_volume(); inodes are taken from the writer's cache) and never
 * mounts; @vol_key as from cp_image_key(). A source opened read-only before
 * the destination was set is moved over: detach() unmounts it (before the
 * writer mounts), attach() reads through @w, or with NULL mounts it
 * read-only again; both check that the source folder is still there.
 * The source side never writes. */
struct nl_writer;
int cp_src_ntfs_open_shared(struct cp_src *s, struct nl_writer *w, const char *vol_key,
			    const char *path, char *err, size_t errlen);
void cp_src_ntfs_detach(struct cp_src *s);
int cp_src_ntfs_attach(struct cp_src *s, struct nl_writer *w, char *err, size_t errlen);
int cp_src_dir_open(struct cp_src *s, const char *path, bool ntfs3g, char *err, size_t errlen);
/* @parents: missing folders above the endpoint folder are created (only looked
 * at in a dry run). */
int cp_dst_ntfs_open(struct cp_dst *d, const char *image, const char *path, bool dry_run,
		     bool parents, char *err, size_t errlen);
/* The writer of an image destination (NULL in a dry run). */
struct nl_writer *cp_dst_ntfs_writer(struct cp_dst *d);
int cp_dst_dir_open(struct cp_dst *d, const char *path, bool ntfs3g, bool dry_run,
		    char *err, size_t errlen);

/* The entry of record @mref found in folder @parent by a name of namespace @name_type, read
 * through libntfs-3g as list() does (an entry that cannot be read gets st->err). 0, -ENOMEM. */
int cp_src_ntfs_entry(struct cp_src *s, uint64_t mref, uint64_t parent, int name_type,
		      struct cp_stat *st);
/* The hash of the security descriptor of record @mref whose security id is @secid (0:
 * none), read once per security id. 0 when it cannot be read. */
uint64_t cp_src_ntfs_sd_hash(struct cp_src *s, uint64_t mref, uint32_t secid);

/* ---- an image source's folders from one scan of its volume (copy_src_scan.c) ----- */

struct cp_scan;
/* Scan @vol (NULL: a read-only mount of @image of its own) for listing. 0, -errno (-EIO:
 * the volume has corrupt records: list it folder by folder). */
int cp_scan_open(nl_volume *vol, const char *image, struct cp_scan **out);
/* The same from the scan @*m of volume @*vol (NULL: not to be closed), made with the scan
 * flag NL_SCAN_FACTS (mft/model_int.h), both taken over (set to NULL, also on failure). */
struct nl_model;
int cp_scan_adopt(nl_volume **vol, struct nl_model **m, struct cp_scan **out);
/* Image source @s lists its folders from @sc (taken over) while s->list_scan is set; a
 * source read through the destination's writer does not take it (freed). */
void cp_src_ntfs_take_scan(struct cp_src *s, struct cp_scan *sc);
/* The entries of folder @dir of @s, as its list() gives them. -ENOENT: the scan does not
 * know the folder. */
int cp_scan_list(struct cp_scan *sc, struct cp_src *s, const struct cp_loc *dir, cp_list_fn fn,
		 void *ctx);
void cp_scan_free(struct cp_scan **sc);
/* How many entries cp_scan_list() read through libntfs-3g (what the scan could not say). */
unsigned long cp_scan_fallbacks(const struct cp_scan *sc);

/* ---- unfinished copies (copy_partial.c) ---------------------------------------- */

/* A file of this name lies in the folder a copy made as its destination until everything
 * below it is written: a folder that holds it is what a copy killed midway left. */
#define CP_PARTIAL_MARK ".ntfslinks-partial"
/* The temporary name of the folder a copy makes as its destination in a host folder, until
 * it holds the mark: ".NAME.ntfslinks-tmp". */
#define CP_TMPDIR_PREFIX "."
#define CP_TMPDIR_SUFFIX ".ntfslinks-tmp"
/* When the host folder @path holds CP_PARTIAL_MARK, remove it with everything in it (links
 * removed, never followed), and the same for its temporary name (CP_TMPDIR_PREFIX) beside
 * it: 1 when it did, 0 when there was nothing to remove, -errno. */
int cp_partial_clear_dir(const char *path);
/* The same for folder @leaf of the folder @parent (a volume path) in an image. */
int cp_partial_clear_image(struct nl_writer *w, const char *parent, const char *leaf);
/* The same for the folder @name in the existing destination folder of @d (a copy into it
 * marks the folder it makes there): 1 removed, 0 nothing to remove (or a dry run), -errno. */
int cp_partial_clear_below(struct cp_dst *d, const char *name);

/* ---- shared by the backends (copy_backend.c) ------------------------------------- */

/* Free the malloc'ed members of @st and set them to NULL. */
void cp_stat_clear(struct cp_stat *st);
/* Identity of the volume at byte @off of the file or block device @file
 * (device and inode, or the block device's number, and the offset), so that
 * two spellings of one image compare equal. 0 or -ENOMEM; *@key malloc'ed. */
int cp_image_key(const char *file, uint64_t off, char **key);
/* Linux times to NTFS times and back. */
struct timespec;
int64_t cp_unix_to_ntfs(int64_t sec, long nsec);
void cp_ntfs_to_unix(int64_t t, struct timespec *ts);

#endif
