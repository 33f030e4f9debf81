/* edit.h: change the links inside an NTFS image offline: hard links, names, reparse points (ln, rm, move, junction, symlink, mountpoint, retarget). */
#ifndef NTFSLINKS_EDIT_H
#define NTFSLINKS_EDIT_H

#include <ntfslinks/common.h>
#include <ntfslinks/ondisk.h>
#include <ntfslinks/reparse.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * An edit handle is one NTFS volume open for writing through the writer
 * (writer.h: libntfs-3g, no FUSE, no mount) on which link operations run.
 * Paths inside the volume are WTF-8 (unistr.h), '/' or '\' between names,
 * starting at the root; reparse points on the way are never followed.
 *
 * Each operation checks everything it can before it writes anything (names,
 * existence, the 1,023-name limit, the encoding of a target), so that a
 * refused operation leaves the volume as it was. Every change is held in
 * memory until nl_edit_close(); should libntfs-3g fail in the middle of an
 * operation, nothing at all is written: the changes of earlier operations
 * on the handle are dropped too, later operations fail with -ECANCELED,
 * and nl_edit_close() returns -ECANCELED. nl_edit_close() writes every
 * change as one commit (the blocks it changes first rewritten as they are,
 * so that a full or failing device is found before anything changed; put
 * back should a write fail midway). Every change is reported to the log
 * callback as it is made (with NL_EDIT_DRY_RUN: as it would be made, and
 * nothing is written: the volume is then mounted read-only).
 *
 * Protocol:
 *   nl_edit_open("disk.img@2", &opts, &e, err, sizeof(err));
 *   nl_edit_link(e, "/a/f.txt", "/b/f.txt", 0); ...
 *   nl_edit_close(&e);       // writes everything out: check it
 *
 * Every function returns 0 or -errno; after a failure nl_edit_error() says
 * why. Data reaches the image only when nl_edit_close() succeeds.
 */

typedef struct nl_edit nl_edit;

/* nl_edit_options.flags */
#define NL_EDIT_DRY_RUN 0x1  /* check and report every change, write nothing */
#define NL_EDIT_POSIX   0x2  /* accept names Windows refuses (nl_edit_check_name);
				they are written in the POSIX namespace */

/** What one change did (the log's "action"). */
enum nl_edit_action {
	NL_EDIT_ACT_LINK = 0,   /* a name added to a file: path the new name, target the file's name used */
	NL_EDIT_ACT_UNLINK,     /* a name removed (its object keeps other names) */
	NL_EDIT_ACT_FREE,       /* the last name removed: the record and its clusters freed */
	NL_EDIT_ACT_RMDIR,      /* a folder removed (its record freed) */
	NL_EDIT_ACT_UNLINK_LINK, /* a junction, symbolic link or mount point removed as a link */
	NL_EDIT_ACT_UNREPARSE,  /* the reparse point of path removed, the object stays */
	NL_EDIT_ACT_RENAME,     /* path renamed or moved to target */
	NL_EDIT_ACT_RETARGET,   /* the link at path now points at target (detail: the old target) */
	NL_EDIT_ACT_CREATE,     /* a junction, symbolic link or mount point made at path -> target */
	NL_EDIT_ACT_WARNING,    /* nothing changed: detail says what to look at */
	NL_EDIT_ACT_COUNT
};

/** nl_edit_action_name - "link", "unlink", "free", "rmdir", "unlink-link",
 * "unreparse", "rename", "retarget", "create", "warning" (static), or NULL. */
const char *nl_edit_action_name(enum nl_edit_action a);

/** One change, as handed to the log callback. Strings are WTF-8 (path and
 * target; detail is plain text), owned by the library, valid during the
 * call; target and detail may be NULL. */
struct nl_edit_event {
	enum nl_edit_action action;
	const char *path;       /* the name changed, inside the volume */
	const char *target;     /* new name, the other name, or a link target */
	const char *detail;     /* e.g. "junction", "record 42 freed, 3 clusters" */
	uint64_t mft;           /* the record concerned, UINT64_MAX when none */
	bool dry_run;           /* reported by a dry run: not written */
};

/** nl_edit_log_fn - called once per change, in the order they are made. */
typedef void (*nl_edit_log_fn)(void *ctx, const struct nl_edit_event *ev);

/** Options of nl_edit_open(); all-zero means the defaults. */
struct nl_edit_options {
	unsigned flags;         /* NL_EDIT_* */
	nl_edit_log_fn log;     /* may be NULL */
	void *log_ctx;
};

/**
 * nl_edit_open - open the NTFS volume SPEC for editing: an image file or
 * block device, "PATH@N" for partition N of a partitioned disk (as
 * nl_volume_open() takes it).
 * @opt:  may be NULL (defaults)
 * @out:  receives the new handle; release it with nl_edit_close()
 * @err, @errlen: a one-line explanation on failure (NL_ERRMSG_SIZE suffices)
 * Returns 0, -ENOENT, -EINVAL (no NTFS there), -EBUSY (the image is mounted
 * or in use: see nl_writer_open()), -EROFS, or -errno.
 */
int nl_edit_open(const char *spec, const struct nl_edit_options *opt, nl_edit **out,
		 char *err, size_t errlen);

/**
 * nl_edit_close - write every change out as one commit, unmount, free the
 * handle and set *e to NULL (NULL is fine: 0). Every write, inode close and
 * the unmount are checked: returns 0 only if all changes reached the image,
 * else the first error (its text in @err, @errlen bytes, when not NULL):
 * -ECANCELED when an operation failed midway (nothing was written), or the
 * error of a write (the image was left as it was, unless the device also
 * failed to take the old blocks back, which the text then says).
 */
int nl_edit_close(nl_edit **e, char *err, size_t errlen);

/** nl_edit_error - the text of the last failure (lowercase, no full stop),
 * "" when none; owned by @e, valid until the next call. */
const char *nl_edit_error(const nl_edit *e);

/** nl_edit_error_path - the path inside the volume the last failure is
 * about (WTF-8, owned by @e, valid until the next call), or NULL when it is
 * about none. */
const char *nl_edit_error_path(const nl_edit *e);

/** nl_edit_flags - the NL_EDIT_* flags @e was opened with. */
unsigned nl_edit_flags(const nl_edit *e);

/**
 * nl_edit_lookup - the MFT reference of PATH (links on the way not
 * followed). Returns 0, -ENOENT, -ENOTDIR, -EILSEQ.
 */
int nl_edit_lookup(nl_edit *e, const char *path, uint64_t *ref);

/**
 * nl_edit_check_name - is the WTF-8 NAME a name a new link may get?
 * Any name of 1 to 255 UTF-16 units without NUL or '/' is valid on NTFS
 * (unpaired surrogates included). Without NL_EDIT_POSIX in @flags, names
 * Windows refuses are refused too: the characters < > : " \ | ? * and
 * controls below U+0020, a trailing dot or space, and the reserved device
 * names CON, PRN, AUX, NUL, COM1..COM9, LPT1..LPT9 (also with superscript
 * digits ¹²³, in any case, alone or before a dot or an extension).
 * @ns: receives the namespace the name is written in: NL_NS_POSIX, as
 *      Windows 10 writes a name it makes no 8.3 alias for (8.3 creation
 *      off, the default on data volumes; the Win32 rules are checked here
 *      instead) (may be NULL)
 * @why, @whylen: the reason when refused, e.g. "'aux' is a reserved device
 *      name on Windows (use --posix to allow it)" (may be NULL)
 * Returns 0, -EINVAL, -EILSEQ (not WTF-8), -ENAMETOOLONG (> 255 units).
 */
int nl_edit_check_name(const char *name, unsigned flags, enum nl_name_space *ns,
		       char *why, size_t whylen);

/* ---- junctions, symbolic links and mount points (edit_links.c) ------------ */

/* nl_edit_link_options.flags */
#define NL_EDIT_LINK_DIR  0x1   /* a symbolic link that is a folder (mklink /D) */
#define NL_EDIT_LINK_FILE 0x2   /* a symbolic link that is a file, whatever its target */

/** Options of nl_edit_make_link(); all-zero means the defaults. */
struct nl_edit_link_options {
	unsigned flags;         /* NL_EDIT_LINK_* (symbolic links only) */
	char drive;             /* this volume's drive letter: targets with it are
				   looked up here (0: none are) */
};

/**
 * nl_edit_make_link - make PATH a junction, symbolic link or mount point
 * (@kind) to @t (from nl_link_target_parse()), its reparse data laid out as
 * Windows writes it (nl_link_build()). Junctions and mount points are
 * folders; a symbolic link is a folder with NL_EDIT_LINK_DIR, a file with
 * NL_EDIT_LINK_FILE, else what its target on this volume is (relative, or
 * with @opt->drive; looked up without following links), else a file, as
 * mklink makes it. A target on this volume that does not exist (or a
 * junction to a file) is logged as NL_EDIT_ACT_WARNING and the link is
 * made. Logs NL_EDIT_ACT_CREATE (target: the print-name form C:\x; detail
 * "junction", "mountpoint", "symlink, folder" or "symlink, file").
 * @opt may be NULL.
 * Returns 0, -EEXIST (PATH exists), -ENOENT (no such folder), -ENOTDIR,
 * -EINVAL (name or target refused), -ENAMETOOLONG, -ENOSPC, -errno.
 */
int nl_edit_make_link(nl_edit *e, const char *path, enum nl_link_kind kind,
		      const struct nl_target *t, const struct nl_edit_link_options *opt);

/**
 * nl_edit_retarget_ref - point the junction, symbolic link or mount point in
 * record @ref (an MFT reference) at @t, in place: the record, its names,
 * times and security stay (nl_writer_replace_reparse()). A symbolic link
 * stays one (relative when @t is relative); a junction or mount point stays
 * a junction-tag link (a volume root is written as mountvol writes it).
 * @path names the link in the log (NULL: "record N"). Logs
 * NL_EDIT_ACT_RETARGET (target: the new target, detail: the old one, both
 * in the print-name form); a link that already has exactly this reparse
 * data is left alone and not logged.
 * Returns 0, -EINVAL (not such a link, or @t not possible for it: see
 * nl_link_target_check()), -ENAMETOOLONG, -errno.
 */
int nl_edit_retarget_ref(nl_edit *e, uint64_t ref, const char *path, const struct nl_target *t);

/** nl_edit_retarget - nl_edit_retarget_ref() on the link at PATH. Also -ENOENT. */
int nl_edit_retarget(nl_edit *e, const char *path, const struct nl_target *t);

/* ---- the links of a volume, for rewriting many (edit_retarget.c) ---------- */

/** One junction, symbolic link or mount point, as nl_edit_links_read() found it. */
struct nl_edit_link {
	uint64_t ref;               /* its MFT reference (record and sequence) */
	char *path;                 /* its path, through its first name */
	char *dir;                  /* the folder holding that name */
	enum nl_link_kind kind;     /* NL_LINK_SYMLINK, or NL_LINK_JUNCTION (mount points too) */
	struct nl_target target;    /* its target as stored (the substitute name) */
};

/** The links under a folder, and the volume's drive letter. Owned by the struct. */
struct nl_edit_links {
	char drive;                 /* given, or inferred as the audit infers it; 'C'
				       when the links tell nothing */
	bool drive_given;
	char guid[39];              /* this volume's "{GUID}" when the caller knows it
				       (copied in after nl_edit_links_read(): an image
				       does not hold it), else "": with it,
				       \??\Volume{GUID}\ targets are on this volume */
	size_t n;
	struct nl_edit_link *v;     /* in path order */
};

/**
 * nl_edit_links_read - read the volume SPEC with one scan (read-only, before
 * it is opened with nl_edit_open()) for its drive letter (@drive, or 0:
 * inferred) and the well-formed junctions, symbolic links and mount points
 * in folder @under and below it (@under NULL: none, only the letter).
 * @out: receives the list (nl_edit_links_free()); @err: why, on failure.
 * Returns 0, -ENOENT/-ENOTDIR (no such folder @under), or the error of
 * opening or scanning the volume.
 */
int nl_edit_links_read(const char *spec, const char *under, char drive,
		       struct nl_edit_links **out, char *err, size_t errlen);

/** nl_edit_links_free - free @*l (NULL is fine) and set it to NULL. */
void nl_edit_links_free(struct nl_edit_links **l);

/** How nl_retarget_rule_apply() rewrites targets. */
enum nl_retarget_how {
	NL_RETARGET_MAP = 1,        /* from -> to (nl_target_map_prefix) */
	NL_RETARGET_TO_GUID,        /* drive letter -> \??\Volume{guid}\ (nl_target_to_volume) */
	NL_RETARGET_RELATIVE,       /* absolute on this volume -> relative, symbolic links only */
};

struct nl_retarget_rule {
	enum nl_retarget_how how;
	struct nl_target from, to;  /* NL_RETARGET_MAP */
	const char *guid;           /* this volume's "{GUID}": needed by TO_GUID; for
				       RELATIVE it makes Volume{guid} targets local too */
	char drive;                 /* this volume's drive letter */
};

/**
 * nl_retarget_rule_apply - the new target of link @l under rule @r.
 * Returns 1 with @out filled (nl_target_clear() it), 0 when the rule does
 * not apply to @l (@out zeroed), -ENOMEM, -EINVAL (unknown rule).
 */
int nl_retarget_rule_apply(const struct nl_retarget_rule *r, const struct nl_edit_link *l,
			   struct nl_target *out);

/* ---- hard links and names ------------------------------------------------ */

/* Flags of nl_edit_link() and nl_edit_link_into() */
#define NL_EDIT_AUTO_RENAME 0x10  /* a taken name becomes "name - Hardlink.ext",
				     "name - Hardlink (2).ext", ... */

/**
 * nl_edit_link - give the file EXISTING one more name NEWPATH (its folder
 * must exist; when NEWPATH is an existing folder the name goes inside it
 * under EXISTING's own name, as ln does), in the namespace
 * nl_edit_check_name() gives (POSIX). No DOS 8.3 name
 * is made (Windows makes one only where 8.3 creation is on; libntfs-3g
 * never does). Refused before anything is written: a folder (-EISDIR), a
 * file that already has NL_MAX_LINKS names (-EMLINK; names counted as
 * Windows counts them: a Win32 name and its DOS alias are one), a taken
 * NEWPATH (-EEXIST, unless NL_EDIT_AUTO_RENAME), a bad name (as
 * nl_edit_check_name()). Logs NL_EDIT_ACT_LINK (path the new name, target
 * EXISTING, detail the file's number of names after it) once the name is
 * there. Returns 0 or -errno.
 */
int nl_edit_link(nl_edit *e, const char *existing, const char *newpath, unsigned flags);

/**
 * nl_edit_link_into - one more name for each of the N files SOURCES in the
 * existing folder DIR, under each source's own name. Every source is
 * checked first (as nl_edit_link(), the limit counting the names this call
 * adds to the same file), then all names are added. Returns 0 or -errno.
 */
int nl_edit_link_into(nl_edit *e, const char *const *sources, size_t n, const char *dir,
		      unsigned flags);

/* ---- removing (edit_rm.c) --------------------------------------------- */

/* Flags of nl_edit_remove() */
#define NL_EDIT_RECURSIVE  0x20   /* a folder with everything in it */
#define NL_EDIT_LINKS_ONLY 0x40   /* only the reparse points of links in a tree */

/**
 * nl_edit_remove - remove the name PATH. A junction, symbolic link or mount
 * point (a name-surrogate reparse point) is removed as a link and never
 * followed: what it points to is not touched, not even read. A file loses
 * this name; when it was the last one the file is freed (its record and
 * clusters), the way Windows deletes. A Win32 name and its DOS alias go
 * together (PATH may be either, in any case).
 * A folder must be empty (-ENOTEMPTY) unless NL_EDIT_RECURSIVE: then
 * everything in it goes first, deepest names first, links inside removed
 * as links, never followed.
 * With NL_EDIT_LINKS_ONLY nothing is removed but the reparse points of the
 * links at and under PATH (not through them): each stays a plain folder or
 * file (as 'fsutil reparsepoint delete'); other reparse points (data of
 * WOF, deduplication, cloud files) are left alone. PATH may be "/".
 * The whole tree is read and checked before the first change (a change
 * that fails midway drops everything, see the top). Logs NL_EDIT_ACT_UNLINK ("N names left"), NL_EDIT_ACT_FREE
 * ("record N freed, C clusters"), NL_EDIT_ACT_RMDIR, NL_EDIT_ACT_UNLINK_LINK
 * (target: where it pointed, detail its kind) or NL_EDIT_ACT_UNREPARSE.
 * Returns 0, -ENOENT, -ENOTEMPTY, -EBUSY (the root), -ELOOP (a damaged
 * volume), -errno.
 */
int nl_edit_remove(nl_edit *e, const char *path, unsigned flags);

/* ---- Smart Move (edit_move.c) ------------------------------------------ */

/**
 * nl_edit_move - rename or move the file or folder FROM to TO inside the
 * volume (inside TO, under its own name, when TO is an existing folder),
 * then give every link of @links (nl_edit_links_read() with under "/",
 * read before the image was opened: one scan) whose target lies in the
 * moved tree the target of the same object (nl_target_relocate: absolute
 * targets stay absolute in the same form, with this volume's drive letter
 * or, when @links->guid is set, its \??\Volume{GUID}\; relative ones are
 * recomputed, for links inside and outside the tree), in place
 * (nl_edit_retarget_ref). @links may be NULL: no link is rewritten.
 * Everything is checked before the first write: that TO is free (a change
 * of case only is allowed), not inside FROM, a valid name, and that every
 * new target can be written. The new name gets no DOS alias (an old
 * one goes with the old name). Logs NL_EDIT_ACT_RENAME (target: the new
 * path, detail: "N links to retarget"), then NL_EDIT_ACT_RETARGET for each
 * link. Returns 0, -ENOENT, -EEXIST, -EINVAL (into itself, a target that
 * cannot be written), -EBUSY (the root), -errno.
 */
int nl_edit_move(nl_edit *e, const char *from, const char *to,
		 const struct nl_edit_links *links);

#ifdef __cplusplus
}
#endif
#endif
