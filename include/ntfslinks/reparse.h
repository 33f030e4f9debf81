/* reparse.h: decode and build NTFS reparse buffers, and parse link targets into structured form. */
#ifndef NTFSLINKS_REPARSE_H
#define NTFSLINKS_REPARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A reparse buffer is the value of a $REPARSE_POINT attribute, byte for byte
 * the system.ntfs_reparse_data extended attribute of an ntfs-3g mount:
 *   le32 tag, le16 data length, le16 reserved, then "data length" bytes.
 * All strings handed out here are WTF-8 (see unistr.h).
 */

/* ---- tags ------------------------------------------------------------------ */

#define NL_TAG_MOUNT_POINT   0xA0000003u /* junction or volume mount point */
#define NL_TAG_HSM           0xC0000004u
#define NL_TAG_HSM2          0x80000006u
#define NL_TAG_SIS           0x80000007u
#define NL_TAG_DFS           0x8000000Au
#define NL_TAG_SYMLINK       0xA000000Cu
#define NL_TAG_DFSR          0x80000012u
#define NL_TAG_DEDUP         0x80000013u
#define NL_TAG_NFS           0x80000014u
#define NL_TAG_WOF           0x80000017u
#define NL_TAG_CLOUD         0x9000001Au /* and 0x9000X01A: see NL_TAG_IS_CLOUD */
#define NL_TAG_APPEXECLINK   0x8000001Bu
#define NL_TAG_PROJFS        0x9000001Cu
#define NL_TAG_LX_SYMLINK    0xA000001Du /* WSL symbolic link */
#define NL_TAG_AF_UNIX       0x80000023u
#define NL_TAG_LX_FIFO       0x80000024u
#define NL_TAG_LX_CHR        0x80000025u
#define NL_TAG_LX_BLK        0x80000026u

#define NL_TAG_IS_CLOUD(t)   (((t) & 0xFFFF0FFFu) == NL_TAG_CLOUD)
/* Tag bits */
#define NL_TAG_BIT_MICROSOFT      0x80000000u
#define NL_TAG_BIT_NAME_SURROGATE 0x20000000u
#define NL_TAG_BIT_DIRECTORY      0x10000000u

/** What a decoded buffer is. */
enum nl_rp_type {
	NL_RP_UNKNOWN = 0,
	NL_RP_JUNCTION,      /* 0xA0000003 with a drive/other target */
	NL_RP_MOUNT_POINT,   /* 0xA0000003 with substitute name \??\Volume{GUID}\ */
	NL_RP_SYMLINK,       /* 0xA000000C */
	NL_RP_WSL_SYMLINK,   /* 0xA000001D */
	NL_RP_WOF,
	NL_RP_DEDUP,
	NL_RP_CLOUD,
	NL_RP_APPEXECLINK,
	NL_RP_AF_UNIX,
	NL_RP_WSL_FIFO,
	NL_RP_WSL_CHR,
	NL_RP_WSL_BLK,
	NL_RP_NFS,
	NL_RP_HSM,
	NL_RP_HSM2,
	NL_RP_SIS,
	NL_RP_DFS,
	NL_RP_DFSR,
	NL_RP_PROJFS,
};

/**
 * nl_reparse_tag_name - short lowercase name of @tag, used in every output:
 * "junction" (the tag's name when the data is not looked at; see
 * nl_reparse.name for the decoded one), "symlink", "wsl_symlink", "wof",
 * "dedup", "cloud", "appexeclink", "af_unix", "wsl_fifo", "wsl_chr",
 * "wsl_blk", "nfs", "hsm", "hsm2", "sis", "dfs", "dfsr", "projfs" or
 * "unknown".  Static storage.
 */
const char *nl_reparse_tag_name(uint32_t tag);

/**
 * nl_reparse_type_from_name - the type for a name accepted by --tag
 * ("junction", "mount_point", "symlink", ...; also "unknown").
 * Returns the type, or -ENOENT for a name not in the table.
 */
int nl_reparse_type_from_name(const char *name);

/** nl_reparse_type_name - the name of @type (static; "mount_point" for NL_RP_MOUNT_POINT). */
const char *nl_reparse_type_name(enum nl_rp_type type);

/* ---- decoding ----------------------------------------------------------- */

/** A decoded reparse buffer.  Everything is owned by the struct. */
struct nl_reparse {
	uint32_t tag;
	enum nl_rp_type type;
	const char *name;         /* nl_reparse_type_name(type): "junction", "mount_point", ... */
	bool microsoft;           /* tag bit 31 */
	bool name_surrogate;      /* tag bit 29: stands for another name */
	bool directory;           /* tag bit 28 */
	uint16_t data_len;        /* data length field as stored */
	uint16_t reserved;        /* reserved field as stored */

	/* Junction, mount point, symlink: both names (WTF-8, NUL-terminated,
	 * "" when empty, NULL when not decoded).  WSL symlink: substitute_name is
	 * the target exactly as stored (UTF-8 bytes, may be invalid), print_name
	 * NULL. */
	char *substitute_name;
	size_t substitute_len;
	char *print_name;
	size_t print_len;
	uint32_t symlink_flags;   /* symlink flags word */
	bool relative;            /* symlink flag 1; WSL: target does not start with '/' */

	uint32_t version;         /* WSL symlink, AppExecLink, WOF: version field */
	/* AppExecLink: the NUL-separated UTF-16 strings (package id, app user
	 * model id, target exe, ...), WTF-8; NULL/0 when absent or undecodable. */
	char **strings;
	size_t nstrings;
	uint32_t wof_provider;    /* WOF: 1 WIM, 2 file */
	uint32_t wof_algorithm;   /* WOF file provider: 0 XPRESS4K, 1 LZX, 2 XPRESS8K, 3 XPRESS16K */

	uint8_t *data;            /* a copy of the tag-specific data (what was in the buffer;
	                             after the GUID for third-party tags) */
	size_t data_size;         /* its length (may be less than data_len if truncated) */

	/* NULL when the buffer is well formed; else a static lowercase reason
	 * ("substitute name runs past the buffer", ...).  The fields above hold
	 * whatever could be decoded safely. */
	const char *problem;

	/* Third-party tags (bit 31 clear) carry a GUID between the 8-byte header
	 * and the data (REPARSE_GUID_DATA_BUFFER; the data length does not count
	 * it).  guid is as stored; guid_text is its usual spelling
	 * "{00112233-...}" (first three fields little-endian), "" if none. */
	bool has_guid;
	uint8_t guid[16];
	char guid_text[39];

	/* Cloud files placeholders (OneDrive and other sync providers; tag 0x9000001A and its
	 * 0x9000X01A variants), laid out as the cloud filter writes them (not published by
	 * Microsoft; as reverse-engineered): le16 flags (revision in the low byte, 0x8000: the rest
	 * is LZNT1-compressed), le16 length of the whole, then unless compressed the HSM data:
	 * le32 signature "FeRp" (file) or "BtRp" (bitmap), le32 CRC-32, le32 length, le16 flags,
	 * le16 number of elements, 8 bytes per element.  cloud_elements is set only when the
	 * data is not compressed and carries one of the two signatures. */
	uint16_t cloud_flags;
	bool cloud_compressed;
	uint16_t cloud_elements;

	/* Data deduplication (tag 0x80000013), as the ntfs-3g dedup plugin reads it: le16
	 * format (0x0102 long, 0x0201 short), le16 length (the data length), the chunk store's
	 * GUID at data offset 0x74 (long) or 0x18 (short), the file's size as le64 at data
	 * offset 0x08 (short only), and a CRC-32 of the rest as the last 4 bytes.
	 * dedup_store is "{GUID}" ("" when not decoded): the folder
	 * "System Volume Information/Dedup/ChunkStore/{GUID}.ddp" holds the file's chunks. */
	uint16_t dedup_format;
	char dedup_store[39];
	uint64_t dedup_size;      /* short format: the file's size; else 0 */
};

/**
 * nl_reparse_decode - decode the reparse buffer @buf[0..len).
 * @out: receives a new struct (free with nl_reparse_free()), also on -EINVAL
 * Never reads outside @buf; every offset and length is checked.
 * Returns 0; -EINVAL when the buffer is malformed ((*out)->problem says why;
 * tag, flags and the raw data that is there are still filled in, so the
 * caller can list it; *out is NULL only if @len < 4, where even the tag is
 * missing); -ENOMEM (*out NULL).
 */
int nl_reparse_decode(const void *buf, size_t len, struct nl_reparse **out);

/** nl_reparse_free - free @*rp (NULL is fine) and set *rp to NULL. */
void nl_reparse_free(struct nl_reparse **rp);

/**
 * nl_hex - lowercase hex of @p[0..n) into a new malloc'ed string (caller frees).
 * Returns 0 or -ENOMEM.
 */
int nl_hex(const void *p, size_t n, char **out);

/* ---- building ------------------------------------------------------------ */

/** Largest reparse buffer NTFS accepts (header included). */
#define NL_REPARSE_MAX 16384

/**
 * nl_reparse_build_link - build a junction/mount-point (@tag
 * NL_TAG_MOUNT_POINT) or symbolic link (NL_TAG_SYMLINK) buffer the way
 * Windows writes it:
 *   - junction / mount point (mklink /J, mountvol): substitute name at
 *     offset 0, a NUL unit, print name, a NUL unit; the lengths exclude the
 *     NULs;
 *   - symbolic link (CreateSymbolicLink): print name at offset 0, then the
 *     substitute name, no NULs, preceded by the le32 @flags word (1 = relative).
 * @substitute, @print: WTF-8, NUL-terminated (@print may be "" or NULL: empty)
 * @out: receives a malloc'ed buffer (header included); caller frees
 * @outlen: its length
 * Returns 0, -EINVAL (other tag, or over NL_REPARSE_MAX), -EILSEQ (a name is
 * not WTF-8), -ENOMEM.
 */
int nl_reparse_build_link(uint32_t tag, const char *substitute, const char *print,
			  uint32_t flags, uint8_t **out, size_t *outlen);

/**
 * nl_reparse_build_raw - wrap @data[0..n) under @tag into a buffer with the
 * 8-byte header (reserved 0).  For a third-party tag (bit 31 clear) @data
 * must start with the 16-byte GUID, which the data length field does not
 * count.  Returns 0, -EINVAL (too long, or no room for the GUID), -ENOMEM.
 */
int nl_reparse_build_raw(uint32_t tag, const void *data, size_t n,
			 uint8_t **out, size_t *outlen);

/* ---- targets ------------------------------------------------------------- */

/** Kinds of link targets. */
enum nl_target_kind {
	NL_TGT_NONE = 0,     /* empty */
	NL_TGT_DRIVE,        /* \??\C:\x\y, \\?\C:\x, C:\x          drive='C', path="/x/y" */
	NL_TGT_VOLUME,       /* \??\Volume{GUID}\rest               volume="{GUID}", path="/rest" */
	NL_TGT_UNC,          /* \??\UNC\server\share\p, \\server\share\p  server, share, path="/p" */
	NL_TGT_RELATIVE,     /* ..\target.txt (symlink flag 1)      path="../target.txt" */
	NL_TGT_ROOTED,       /* \x\y: root of the link's own volume path="/x/y" */
	NL_TGT_NT_OTHER,     /* any other NT path (\Device\..., \??\GLOBALROOT\...) path = all of it, '/'-separated */
	NL_TGT_POSIX,        /* WSL symlink targets: path as stored ("/mnt/c/x" or "x/y") */
};

/** A parsed target.  Strings are malloc'ed, owned by the struct. */
struct nl_target {
	enum nl_target_kind kind;
	char drive;          /* upper-case letter for NL_TGT_DRIVE, else 0 */
	char *volume;        /* "{GUID}" for NL_TGT_VOLUME (case kept), else NULL */
	char *server;        /* NL_TGT_UNC */
	char *share;         /* NL_TGT_UNC */
	char *path;          /* '/'-separated; absolute kinds: starts with '/', "." and
	                        ".." resolved lexically, no trailing '/', root "/";
	                        relative: components kept ("../a"), '\' -> '/' */
};

/**
 * nl_target_parse - parse a substitute (or print) name into @t.
 * @name:     WTF-8, NUL-terminated
 * @relative: the symlink's relative flag: a name without a drive, prefix or
 *            leading '\' is NL_TGT_RELATIVE when it is set, and also when it
 *            is not (a junction cannot be relative; such a name is still
 *            reported as relative, which the caller can treat as invalid).
 * Returns 0 or -ENOMEM (@t is then cleared).  Call nl_target_clear() after use.
 */
int nl_target_parse(const char *name, bool relative, struct nl_target *t);

/** nl_target_parse_posix - parse a WSL symlink target (kind NL_TGT_POSIX).  Returns 0 or -ENOMEM. */
int nl_target_parse_posix(const char *name, struct nl_target *t);

/** nl_target_clear - free the strings of @t and zero it. */
void nl_target_clear(struct nl_target *t);

/* Styles for nl_target_format(). */
enum nl_target_style {
	NL_TSTYLE_NT,     /* the substitute-name form: \??\C:\x, \??\UNC\s\sh\p, ..\x */
	NL_TSTYLE_WIN32,  /* the print-name form:     C:\x, \\s\sh\p, ..\x, \??\Volume{..}\ stays NT */
	NL_TSTYLE_SLASH,  /* '/'-form for listings:   C:/x, //s/sh/p, Volume{..}/x, ../x */
};

/**
 * nl_target_format - spell @t in @style into a new malloc'ed string (caller frees).
 * Returns 0, -EINVAL (NL_TGT_NONE in the NT/WIN32 styles gives ""), -ENOMEM.
 */
int nl_target_format(const struct nl_target *t, enum nl_target_style style, char **out);

/**
 * nl_path_resolve - resolve the relative path @rel ('/' or '\' separated)
 * against the absolute directory @dir ("/a/b"), lexically: "." dropped, ".."
 * removes one component.
 * @out:        receives a new malloc'ed absolute path ("/a/x"); caller frees
 * @above_root: set true if ".." tried to go above the root (the result then
 *              stays at the root for the rest; callers treat it as dangling)
 * An absolute @rel (leading '/' or '\') is resolved from the root instead.
 * Returns 0 or -ENOMEM.
 */
int nl_path_resolve(const char *dir, const char *rel, char **out, bool *above_root);

/* ---- targets of new or changed links ------------------------------------ */

/** What kind of link a target is for. */
enum nl_link_kind {
	NL_LINK_JUNCTION = 1,   /* mklink /J: tag 0xA0000003 */
	NL_LINK_SYMLINK,        /* mklink [/D]: tag 0xA000000C */
	NL_LINK_MOUNT_POINT,    /* mountvol: tag 0xA0000003 to \??\Volume{GUID}\ */
};

/** nl_link_kind_name - "junction", "symlink" or "mountpoint" (static). */
const char *nl_link_kind_name(enum nl_link_kind kind);

/** nl_guid_valid - true if @s is "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (hex digits, any case). */
bool nl_guid_valid(const char *s);

/**
 * nl_link_target_parse - parse a target as a user gives it for a new link of
 * @kind and check that it can be encoded:
 *   C:\x, \??\C:\x, \\?\C:\x        drive path (junction, symlink)
 *   ..\x, x\y                       relative (symlink only)
 *   \\server\share\x, \??\UNC\...   network path (symlink only)
 *   Volume{GUID}\, \\?\Volume{GUID}\, \??\Volume{GUID}\, {GUID}
 *                                   volume (mount point: its root only)
 *   /x, \x                          a path on this volume, written as
 *                                   @drive:\x (@drive 0 refuses it)
 * Paths are normalised lexically ("." and ".." of absolute paths resolved,
 * no trailing separator); a GUID is written in lower case, as the mount
 * manager names volumes.
 * @t:   receives the target (nl_target_clear() it after use)
 * @why: on failure, a static lowercase reason (may be NULL)
 * Returns 0, -EINVAL (form not allowed for @kind, bad GUID, a character
 * Windows forbids, no drive letter for a path on this volume), -EILSEQ (not
 * UTF-8/WTF-8), -ENAMETOOLONG (the reparse data would exceed 16 KiB),
 * -ENOMEM.  @t is cleared on failure.
 */
int nl_link_target_parse(enum nl_link_kind kind, const char *text, char drive,
			 struct nl_target *t, const char **why);

/**
 * nl_link_target_check - whether a link of @kind can have target @t (the
 * forms of nl_link_target_parse, a valid GUID, no forbidden characters).
 * Returns 0 or -EINVAL with *@why (may be NULL) set to a static reason.
 */
int nl_link_target_check(enum nl_link_kind kind, const struct nl_target *t, const char **why);

/**
 * nl_link_names - the substitute name, print name and symlink flags Windows
 * writes for a link of @kind to @t: substitute \??\C:\x, \??\UNC\s\sh\x,
 * \??\Volume{GUID}\x or the relative text; print name C:\x, \\s\sh\x,
 * \\?\Volume{GUID}\x or the relative text, empty for a junction or mount
 * point to the root of a volume (as mountvol writes it); flags 1 for a
 * relative symlink.  @substitute and @print are malloc'ed (caller frees).
 * Returns 0, -EINVAL (NL_TGT_NONE or an unknown kind), -ENOMEM.
 */
int nl_link_names(enum nl_link_kind kind, const struct nl_target *t,
		  char **substitute, char **print, uint32_t *flags);

/**
 * nl_link_build - the whole reparse buffer of a link of @kind to @t, laid
 * out as nl_reparse_build_link() describes (mklink /J, mountvol,
 * CreateSymbolicLink).  @buf is malloc'ed (caller frees), @len its length.
 * Returns 0, -EINVAL (see nl_link_target_check; *@why set), -ENAMETOOLONG
 * (over NL_REPARSE_MAX), -EILSEQ, -ENOMEM.
 */
int nl_link_build(enum nl_link_kind kind, const struct nl_target *t,
		  uint8_t **buf, size_t *len, const char **why);

/*
 * Rewriting targets.  Each returns 1 and fills @out (a new target the
 * caller clears) when it applies to @t, 0 (@out zeroed) when it does not,
 * or -ENOMEM.  Names compare case-insensitively as NTFS compares them,
 * whole components only.
 */

/**
 * nl_target_map_prefix - if @t is @from or lies under it (same kind, drive,
 * volume, server and share, and @from's path is a leading run of @t's path
 * components), @out is @to followed by the rest of @t's path.  "D:\Data" to
 * "E:\Data" maps D:\Data\x to E:\Data\x, not D:\Database.
 */
int nl_target_map_prefix(const struct nl_target *t, const struct nl_target *from,
			 const struct nl_target *to, struct nl_target *out);

/**
 * nl_target_to_volume - a drive target whose letter is @drive (this
 * volume's) rewritten to \??\Volume@guid\path; @guid is "{...}" (written in
 * lower case).  Other targets do not apply.
 */
int nl_target_to_volume(const struct nl_target *t, char drive, const char *guid,
			struct nl_target *out);

/**
 * nl_target_to_relative - an absolute target on this volume (drive letter
 * @drive, or volume @guid when not NULL) made relative to the folder
 * @link_dir ("/a/b") that holds the link: /a/c/x gives ../c/x.
 */
int nl_target_to_relative(const struct nl_target *t, char drive, const char *guid,
			  const char *link_dir, struct nl_target *out);

/**
 * nl_target_relocate - the target of a link after a move inside this volume
 * (Smart Move): the tree @from ("/a/b") is now @to ("/x/y"), and the link,
 * whose folder was @old_dir, is now in @new_dir (the same folder when the
 * link itself did not move).  An absolute target on this volume (drive
 * letter @drive, or volume @guid when not NULL) in @from gets the same
 * place under @to and stays absolute; a relative target is resolved from
 * @old_dir, moved if it lies in @from, and written relative to @new_dir
 * again (so a link moved with or without its target still leads to it).
 * Returns 1 with @out filled when the target changes, 0 when it stays
 * (other volumes, targets outside @from, a relative target above the
 * root), -ENOMEM.
 */
int nl_target_relocate(const struct nl_target *t, char drive, const char *guid,
		       const char *old_dir, const char *new_dir,
		       const char *from, const char *to, struct nl_target *out);

/**
 * nl_path_relative - the relative path ('/'-separated) from folder @dir to
 * @target, both absolute volume paths; components compare
 * case-insensitively.  "." when they are the same.  @out is malloc'ed.
 * Returns 0 or -ENOMEM.
 */
int nl_path_relative(const char *dir, const char *target, char **out);

#ifdef __cplusplus
}
#endif
#endif
