/* scan.h: the one-pass $MFT scan and the link model it builds (records, names, paths, reparse points). */
#ifndef NTFSLINKS_SCAN_H
#define NTFSLINKS_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <ntfslinks/common.h>
#include <ntfslinks/ondisk.h>
#include <ntfslinks/volume.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * nl_scan() reads $MFT once, in large sequential chunks (the next chunk is
 * read in a second thread while this one is parsed), and builds an nl_model:
 * for every record that holds at least one $FILE_NAME (plus the root), its
 * header facts, sizes, file attributes, its names (in a string
 * pool, WTF-8) and its reparse point.  Attributes found in extension records
 * are credited to their base record via base_mft_record.  No path strings are
 * stored: paths are built on demand from parent references.
 *
 * Identity of a file is its MFT record number (with its sequence number);
 * hardlink siblings are its non-DOS names.  A DOS (8.3) name is attached as
 * the alias of the Win32 name with the same parent, never counted as a link.
 *
 * The model keeps a pointer to the volume: close the model before the volume.
 * A model is read-only after nl_scan() returns; concurrent readers are fine
 * except for the first call of nl_model_lookup_child()/nl_model_lookup_path()
 * which builds the child index (call nl_model_index_children() first to be safe).
 */

typedef struct nl_model nl_model;

/* Flags for nl_scan_options.flags. */
#define NL_SCAN_DELETED    0x1  /* keep records not in use that still hold names */
#define NL_SCAN_NO_REPARSE_READ 0x2  /* do not read non-resident reparse data (mark unreadable) */

struct nl_scan_options {
	unsigned flags;                /* NL_SCAN_* */
	nl_problem_fn problem;         /* per-record problems (may be NULL) */
	void *problem_ctx;
	nl_progress_fn progress;       /* records done / total (may be NULL) */
	void *progress_ctx;
	unsigned threads;              /* ignored, set 0: the calling thread parses while
	                                  one more thread reads the next chunk of $MFT */
};

/**
 * nl_scan - scan the whole $MFT of @vol and build a model.
 * @out: receives the model (free with nl_model_free()); NULL on failure
 * Corrupt records (bad fixup, attribute overruns, absurd lengths...) are
 * reported through opt->problem with their record number and a reason, and
 * skipped; the scan goes on.  nl_model_stats() counts them (problems != 0
 * means the caller should exit 1).
 * Non-resident reparse data is read through libntfs-3g after the pass.  It
 * cannot be read from a raw $MFT (nor for deleted records, nor with
 * NL_SCAN_NO_REPARSE_READ): such records are flagged
 * NL_REC_REPARSE_UNREADABLE and counted in reparse_unreadable, but NOT
 * reported through opt->problem: the caller reports them, once per entry it
 * lists.  A read that fails on a volume IS reported as a problem here.
 * The tag of data that was not read is taken from copies, in this order of
 * preference (the first found of each kind): the record's own $FILE_NAMEs
 * (file attribute 0x400 with the tag in the EA-size field, as Windows
 * writes them; libntfs-3g does not), the keys of
 * $Extend/$Reparse:$R, the $I30 entries of resident directory index roots
 * (Microsoft tags only: libntfs-3g writes 0xC0 there for non-resident
 * data); index copies only when their file reference (sequence number
 * included) is this record's.  Copies in non-resident indexes are not read:
 * the tag is then 0 (unknown).
 * Incomplete input is reported too, and the scan goes on with what it has:
 * records that cannot be read (a truncated image, bad sectors) as one
 * problem per run of consecutive records, with the first record's number:
 * "cannot read records 4092-4155: Input/output error" (a truncated image
 * file adds " (the image is truncated: N of M bytes)"); a raw $MFT file
 * that ends inside a record as "truncated record (868 of 1024 bytes)" with
 * that record's number (= the number of whole records).
 * Progress is reported after every chunk of about 1 MiB of $MFT.
 * Returns 0 (read errors are problems, as above, even when no record could
 * be read); -ECANCELED if the progress callback asked to stop; -ENOMEM;
 * -EFBIG (2^31 MFT records or more) or -EOVERFLOW (over 2 GiB of names):
 * more than the model can hold; -EINVAL (no volume or @out, or an MFT
 * record size over 1 MiB).
 */
int nl_scan(nl_volume *vol, const struct nl_scan_options *opt, nl_model **out);

/** nl_model_free - free @*m (NULL is fine) and set *m to NULL. */
void nl_model_free(nl_model **m);

/** nl_model_volume - the volume the model was built from (not owned). */
nl_volume *nl_model_volume(const nl_model *m);

/** Totals collected by the scan. */
struct nl_scan_stats {
	uint64_t mft_records;      /* records in $MFT */
	uint64_t in_use;           /* base records in use */
	uint64_t extension;        /* extension records in use (credited to a base) */
	uint64_t files;            /* in-use records kept with names, directories included */
	uint64_t directories;      /* in-use directories kept */
	uint64_t deleted;          /* not-in-use records kept (only with NL_SCAN_DELETED) */
	uint64_t names;            /* non-DOS names kept (all kept records) */
	uint64_t dos_names;        /* DOS-namespace names kept */
	uint64_t hardlink_groups;  /* in-use records with >= 2 non-DOS names */
	uint64_t hardlink_names;   /* names in those groups */
	uint64_t reparse_points;   /* kept records with a reparse point */
	uint64_t reparse_unreadable; /* ... whose data could not be read */
	uint64_t problems;         /* problems reported */
	uint64_t bytes_read;       /* bytes of $MFT read */
};

/** nl_model_stats - fill @st.  Returns 0. */
int nl_model_stats(const nl_model *m, struct nl_scan_stats *st);

/* ---- records ------------------------------------------------------------- */

/* nl_record_info.flags */
#define NL_REC_IN_USE      0x0001  /* record header says in use */
#define NL_REC_DIRECTORY   0x0002  /* record header says directory */
#define NL_REC_DELETED     0x0004  /* not in use, kept because of NL_SCAN_DELETED */
#define NL_REC_ATTR_LIST   0x0008  /* has an $ATTRIBUTE_LIST */
#define NL_REC_REPARSE     0x0010  /* has a $REPARSE_POINT */
#define NL_REC_REPARSE_UNREADABLE 0x0020 /* ... whose data could not be read */
#define NL_REC_PROBLEM     0x0040  /* something about it (or an extension) was corrupt */
#define NL_REC_HAS_SI      0x0080  /* $STANDARD_INFORMATION was seen */
#define NL_REC_NAMED_STREAMS 0x0100 /* has named $DATA streams */
#define NL_REC_DATA_NONRES 0x0200  /* unnamed $DATA is non-resident */

/** Facts about one record (the base record, extensions merged in). */
struct nl_record_info {
	uint64_t mft;              /* record number */
	uint16_t seq;              /* sequence number */
	uint16_t flags;            /* NL_REC_* */
	uint16_t link_count;       /* header link count (for 'info' only; counts DOS names) */
	uint16_t names;            /* non-DOS names (= hardlinks) */
	uint16_t dos_names;        /* DOS-namespace names */
	uint32_t file_attributes;  /* from $STANDARD_INFORMATION (NL_FA_*, ondisk.h) */
	uint32_t reparse_tag;      /* 0 if none */
	uint64_t data_size;        /* logical size of the unnamed $DATA */
	uint64_t streams_size;     /* logical size of all named $DATA streams */
	uint64_t alloc_size;       /* bytes allocated on disk for all $DATA streams
	                              (compressed/sparse: clusters really used;
	                              resident: 0) */
	uint32_t stream_count;     /* named $DATA streams */
};

/**
 * nl_model_record - look up record @mft.
 * Returns 0 and fills @info; -ENOENT if the model has no such record (never
 * seen, not in use and not kept with NL_SCAN_DELETED, or no names and not
 * the root).
 */
int nl_model_record(const nl_model *m, uint64_t mft, struct nl_record_info *info);

/**
 * nl_model_times - the four $STANDARD_INFORMATION times of record @mft.
 * Re-reads the record from the volume (raw $MFT files included).
 * Returns 0, -ENOENT (no such record or no $STANDARD_INFORMATION), -EIO,
 * -ENOMEM.
 */
int nl_model_times(const nl_model *m, uint64_t mft, struct nl_times *t);

/**
 * nl_model_reparse - the reparse point of record @mft.
 * @tag:  receives the tag
 * @data, @len: receive the whole attribute value: le32 tag, le16 data
 *        length, le16 reserved, then the data (the same bytes as the
 *        system.ntfs_reparse_data xattr); owned by the model
 * Returns 0; -ENOENT if the record has no reparse point; -EIO if the data
 * could not be read (non-resident data from a raw $MFT, read error): @tag is
 * still set, from the copies described at nl_scan() (0 when none was
 * found), and *@data is NULL.
 */
int nl_model_reparse(const nl_model *m, uint64_t mft, uint32_t *tag,
		     const uint8_t **data, size_t *len);

/** One $DATA attribute of a record, as handed to an nl_model_streams() callback. */
struct nl_stream {
	const char *name;          /* WTF-8, NUL-terminated; "" = the unnamed $DATA */
	size_t name_len;           /* bytes */
	uint64_t size;             /* logical size (resident: the value length) */
	uint64_t alloc_size;       /* bytes of clusters allocated to it (compressed or
	                              sparse: the clusters really used); 0 if resident */
	bool resident;
	bool sparse;               /* attribute flag 0x8000 */
	bool compressed;           /* attribute flags 0x00FF */
	bool encrypted;            /* attribute flag 0x4000 */
	uint64_t in_record;        /* the MFT record holding its header (the base record
	                              or one of its extension records) */
};

/** nl_model_stream_fn - callback of nl_model_streams(): return 0 to go on;
 *  anything else stops the walk and is returned by nl_model_streams(). */
typedef int (*nl_model_stream_fn)(void *ctx, const struct nl_stream *s);

/**
 * nl_model_streams - call @fn for every $DATA attribute (stream) of record @mft.
 * The record is re-read from the volume, and so are its extension records
 * (the ones the scan credited to it): nothing per stream is kept in the
 * model.  Works the same on a raw $MFT: everything comes from the attribute
 * headers.  A non-resident stream split over several records is reported
 * once, from its first extent (the one that holds the sizes).  Order: the
 * base record's attributes as on disk, then each extension record's, by
 * record number.
 * @s and its strings are owned by the library and valid only during the call.
 * Returns 0 when all were visited (also for a record without $DATA, e.g. a
 * directory); the callback's nonzero value; -ENOENT (no such record in the
 * model); -EIO (a record could not be read, failed its fixups or has a
 * corrupt attribute: nothing more is reported after that point); -ENOMEM.
 */
int nl_model_streams(const nl_model *m, uint64_t mft, nl_model_stream_fn fn, void *ctx);

/* ---- names ---------------------------------------------------------------- */

/** One name of a record, as handed out by nl_model_name_next(). */
struct nl_name {
	uint32_t id;               /* name id: for nl_model_name_path() etc. */
	uint64_t mft;              /* record it belongs to */
	const char *name;          /* WTF-8, NUL-terminated, owned by the model */
	size_t len;                /* bytes */
	uint64_t parent;           /* parent record number */
	uint16_t parent_seq;       /* sequence number in the parent reference */
	uint8_t name_space;        /* enum nl_name_space (ondisk.h) */
	bool orphan;               /* parent missing or its sequence does not match */
	const char *dos_alias;     /* the 8.3 DOS name attached to this name, or NULL;
	                              for NL_NS_WIN32_AND_DOS this is NULL (the name is its own alias) */
	size_t dos_len;
};

/* Flags for nl_model_name_next(). */
#define NL_NAMES_WITH_DOS 0x1  /* also return DOS-namespace names as entries */

/**
 * nl_model_name_next - iterate over the names of record @mft.
 * @cursor: set *cursor to 0 (or the first record number to consider)
 *          before the first call
 * Without NL_NAMES_WITH_DOS returns only the non-DOS names (the hardlinks),
 * each with its DOS alias.  Order: the order found on disk.
 * Returns 0 with @out filled, 1 at the end, -ENOENT for an unknown record.
 */
int nl_model_name_next(const nl_model *m, uint64_t mft, unsigned flags,
		       uint64_t *cursor, struct nl_name *out);

/**
 * nl_model_name_get - fetch name @id (from nl_name.id).
 * Returns 0 or -ENOENT.
 */
int nl_model_name_get(const nl_model *m, uint32_t id, struct nl_name *out);

/* ---- paths ---------------------------------------------------------------- */

/* Path flags (nl_model_*_path @pflags). */
#define NL_PATH_ORPHAN   0x1  /* a parent is missing or reused: under NL_ORPHAN_PREFIX */
#define NL_PATH_LOOP     0x2  /* the parent chain loops or is deeper than NL_PATH_DEPTH_MAX */
#define NL_PATH_DELETED  0x4  /* the record or a directory on the path is deleted */

/**
 * Orphans: when walking up the parent references meets a parent that is not
 * in the model, is not a directory, or whose sequence number differs from
 * the reference, the part walked so far is put under this prefix:
 * "/$OrphanFiles/dir/name".  A looping or too deep chain is put under
 * "/$OrphanFiles/$Loop/...".  (NTFS forbids '$' nowhere, but no real root
 * entry is named "$OrphanFiles"; the flags say for sure.)
 */
#define NL_ORPHAN_PREFIX "/$OrphanFiles"
#define NL_PATH_DEPTH_MAX 4096

/** Enough for any path the model builds (NL_PATH_DEPTH_MAX components would
 *  be more, but then -ERANGE is returned with the needed length). */
#define NL_PATH_BUF 65536

/**
 * nl_model_name_path - build the full path of name @id into @buf.
 * Paths start with '/', use '/' between components; the root is "/".
 * @len:    receives the path length (without NUL); on -ERANGE, the length
 *          needed
 * @pflags: receives NL_PATH_* (may be NULL)
 * Returns 0, -ERANGE (@bufsize too small), -ENOENT (no such name).
 */
int nl_model_name_path(const nl_model *m, uint32_t id, char *buf, size_t bufsize,
		       size_t *len, unsigned *pflags);

/**
 * nl_model_record_path - the path of record @mft through its first non-DOS
 * name (directories have exactly one); the root gives "/".
 * Returns as nl_model_name_path(), -ENOENT for a record without names.
 */
int nl_model_record_path(const nl_model *m, uint64_t mft, char *buf, size_t bufsize,
			 size_t *len, unsigned *pflags);

/**
 * nl_model_is_under - is record @mft (any of its non-DOS names) inside
 * directory @dir (or @dir itself)?  Walks parent references with a loop
 * guard; orphans are under nothing but the root only if their chain reaches it.
 * Returns 1 yes, 0 no.
 */
int nl_model_is_under(const nl_model *m, uint64_t mft, uint64_t dir);

/** nl_model_name_is_under - the same for the single name @id.  Returns 1 or 0. */
int nl_model_name_is_under(const nl_model *m, uint32_t id, uint64_t dir);

/* ---- lookups -------------------------------------------------------------- */

/**
 * nl_model_index_children - build the name -> child index used by the
 * lookups (done automatically on first use; costs about 4 bytes per name
 * and 5 per MFT record).
 * Returns 0 or -ENOMEM.
 */
int nl_model_index_children(nl_model *m);

/**
 * nl_model_lookup_child - find @name (WTF-8, @len bytes) in directory @dir,
 * NTFS case-insensitively (the volume's $UpCase; libntfs-3g's default table
 * for a raw $MFT), an exact match first: of two POSIX names that differ only
 * in case ("README", "Readme") the one spelled as @name wins, and another
 * case is taken only when no name has that exact spelling.  DOS names match
 * too.  Deleted records are only found when no in-use record matches.
 * @mft: receives the record number
 * @id:  receives the matching name id (may be NULL)
 * Returns 0, -ENOENT, -ENOMEM (building the index failed).
 */
int nl_model_lookup_child(nl_model *m, uint64_t dir, const char *name, size_t len,
			  uint64_t *mft, uint32_t *id);

/**
 * nl_model_lookup_path - resolve @path (WTF-8) from the root: components
 * separated by '/' or '\\', empty and "." components skipped, ".." goes to
 * the parent (stays at the root).  Reparse points are NOT followed.  A
 * leading drive ("C:") is skipped; "\\??\\" prefixes are not understood (the
 * caller strips them).
 * @mft: receives the record number of the last component.
 * Returns 0, -ENOENT (a component is missing), -ENOTDIR (a middle component
 * is not a directory), -ENOMEM.
 */
int nl_model_lookup_path(nl_model *m, const char *path, uint64_t *mft);

/* ---- iteration over records ---------------------------------------------- */

/* Filters for nl_model_next(). */
#define NL_ITER_ALL       0x0  /* every kept record (in use) */
#define NL_ITER_HARDLINKS 0x1  /* records with >= 2 non-DOS names */
#define NL_ITER_REPARSE   0x2  /* records with a reparse point */
#define NL_ITER_DELETED   0x4  /* include deleted records (kept with NL_SCAN_DELETED) */
#define NL_ITER_ONLY_DELETED 0x8 /* only deleted records */
#define NL_ITER_DIRS      0x10 /* only directories (with any of the above) */

/**
 * nl_model_next - iterate over kept records in ascending record number.
 * @cursor: set *cursor to 0 before the first call
 * @filter: NL_ITER_* (HARDLINKS and REPARSE together: records with either)
 * @mft:    receives the next record number
 * Returns 0, or 1 at the end.
 */
int nl_model_next(const nl_model *m, unsigned filter, uint64_t *cursor, uint64_t *mft);

/** nl_model_record_fn - callback of nl_model_foreach(): return 0 to go on,
 *  anything else stops the walk and is returned by nl_model_foreach(). */
typedef int (*nl_model_record_fn)(void *ctx, const nl_model *m, uint64_t mft);

/** nl_model_foreach - call @fn for every record nl_model_next() would give.
 *  Returns 0 when all were visited, or the callback's nonzero value. */
int nl_model_foreach(const nl_model *m, unsigned filter, nl_model_record_fn fn, void *ctx);

/* ---- sorting by path: the path index ----------------------------------------- */

/*
 * Listings sorted by path hold no path strings: an nl_path_index holds the
 * sorted paths of the model's directories (built once, by two threads), and
 * a name's nl_path_key places it among them: the number of directory paths
 * that sort before the name's path, its depth and its own name.  Names
 * between two consecutive directory paths have parents on one chain of
 * folders, so (position, deeper first, name) is exactly the path order.
 * For a name whose parent is one of those directories (nearly all) the key
 * is found among that directory's subfolders only, and a key made with
 * NL_PATH_KEY_BY_DIR keeps the directory instead of the name id: its path is
 * then that directory's path plus its name, built without walking the
 * parents again.
 *
 * Order: component by component (the contents of a folder follow the
 * folder; names compare byte by byte, so UTF-8 sorts in code point order),
 * then by record number: it does not depend on the locale or on where the
 * records are on disk.  The index and the keys point into the model: free
 * them before it.  An index is read-only once built: threads may share it.
 */
typedef struct nl_path_index nl_path_index;

#define NL_PATH_NO_DIR UINT32_MAX

/** Where a name sorts (32 bytes; the fields are for nl_path_key_*() only). */
struct nl_path_key {
	uint64_t mft : 39;	/* record number (a $MFT of 2^39 records would be 512 TiB) */
	uint64_t by_dir : 1;	/* dir and dos are set, name_id is not */
	uint64_t depth : 13;	/* '/' in the path (at most 4096 + the orphan prefix) */
	uint64_t nlen : 11;	/* length of the name (at most 255 UTF-16 units: 765 bytes) */
	union {
		uint32_t name_id;	/* the name (the path's last component) */
		uint32_t dir;		/* by_dir: index of the parent's sorted path */
	};
	uint32_t pos;		/* directory paths that sort before this path */
	const char *name;	/* the name's text (WTF-8, owned by the model) */
	const char *dos;	/* by_dir: its DOS alias (NUL-terminated) or NULL */
};

/**
 * nl_path_index_build - sort the paths of every directory of @m (and of the
 * orphan prefixes).  @flags: NL_ITER_DELETED to include deleted directories
 * (their names then sort too).  Two threads share the work when they can.
 * @out: receives the index (free with nl_path_index_free()).
 * Returns 0 or -ENOMEM.
 */
int nl_path_index_build(const nl_model *m, unsigned flags, nl_path_index **out);

/** nl_path_index_free - free @*ix (NULL is fine) and set *ix to NULL. */
void nl_path_index_free(nl_path_index **ix);

/* nl_path_key() flags */
#define NL_PATH_KEY_BY_DIR 0x1	/* keep the parent directory rather than the name id
				   when possible (see above) */

/**
 * nl_path_key - the key of name @nm (from nl_model_name_next() or
 * nl_model_name_get(): its text must be the model's).
 * Returns 0; -ENOENT if the name has no path; -ENOMEM.
 */
int nl_path_key(const nl_path_index *ix, const struct nl_name *nm, unsigned flags,
		struct nl_path_key *key);

/** nl_path_key_cmp - the path order of two keys of one index: <0, 0, >0. */
int nl_path_key_cmp(const struct nl_path_key *a, const struct nl_path_key *b);

/**
 * nl_path_key_path - the '/'-path of @key into @buf, as nl_model_name_path().
 * Returns 0, -ERANGE (*@len: the length needed), -ENOENT.
 */
int nl_path_key_path(const nl_path_index *ix, const struct nl_path_key *key, char *buf,
		     size_t bufsize, size_t *len);

/**
 * nl_path_key_dos - the DOS alias of @key's name (owned by the model), NULL
 * if it has none; *@len receives its length.
 */
const char *nl_path_key_dos(const nl_path_index *ix, const struct nl_path_key *key,
			    size_t *len);

/**
 * nl_path_cmp - compare two paths component by component: byte order with
 * '/' below every other byte.  Returns <0, 0, >0.
 */
int nl_path_cmp(const char *a, size_t alen, const char *b, size_t blen);

#ifdef __cplusplus
}
#endif
#endif
