/* volume.h: opening an NTFS volume (image, device, partition of a disk, raw $MFT file) read-only. */
#ifndef NTFSLINKS_VOLUME_H
#define NTFSLINKS_VOLUME_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <ntfslinks/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A "volume spec" names what to open.  It is a path to
 *   - an image file or block device holding one NTFS volume;
 *   - a whole-disk image or device with an MBR or GPT partition table: if
 *     exactly one partition holds NTFS it is used, otherwise the spec must
 *     pick one as "PATH@N" (or nl_open_options.partition = N);
 *   - an extracted raw $MFT file (starts with "FILE" records, no boot sector);
 *     only the MFT is available then (nl_volume_is_raw_mft() is true).
 * "PATH@N" is taken as a partition number only when PATH itself exists and
 * the whole string does not (a file really named "x@2" still opens).
 *
 * Partition numbers follow Linux: MBR primaries 1-4, logical partitions inside
 * extended ones from 5 on; GPT entries by their 1-based slot in the table.
 * "PATH@0" (or any other number outside 1..NL_PARTITION_MAX) with PATH
 * existing is refused with -EINVAL and "invalid partition number '0'
 * (partitions are numbered from 1)".
 *
 * Everything is opened read-only (NTFS_MNT_RDONLY | NTFS_MNT_FORENSIC); a
 * dirty, hibernated or unclean-log volume still opens.  Nothing is ever
 * written to the input.
 */

/** The largest partition number a spec or nl_open_options.partition takes. */
#define NL_PARTITION_MAX 99999u

/** Opaque handle of an open volume. */
typedef struct nl_volume nl_volume;

/**
 * How the bytes of a spec's file are held.  With NL_FORMAT_AUTO the content
 * decides (magic bytes; a split raw set by the name of its first segment,
 * "disk.001" or "disk.aa", when the next segment exists).  Containers are
 * read-only: they can be audited and copied from, never written.
 */
enum nl_image_format {
	NL_FORMAT_AUTO = 0,
	NL_FORMAT_RAW,      /* a plain image file or block device */
	NL_FORMAT_SPLIT,    /* a split raw image given its first segment (.001/.002..., .aa/.ab...) */
	NL_FORMAT_EWF,      /* EnCase E01 / Ex01 (libewf) */
	NL_FORMAT_VHD,      /* VHD / VHDX (libvhdi) */
	NL_FORMAT_VMDK,     /* VMDK, with its extents (libvmdk) */
	NL_FORMAT_QCOW,     /* QCOW / QCOW2 (libqcow) */
	NL_FORMAT_MEMORY,   /* a caller's buffer (nl_volume_open_memory()) */
};

/** nl_image_format_name - "auto", "raw", "split", "ewf", "vhd", "vmdk", "qcow", "memory". */
const char *nl_image_format_name(enum nl_image_format fmt);

/**
 * nl_image_format_parse - the format named @name: one of the names above, or
 * "e01", "ex01", "vhdx", "qcow2" (case-insensitive).  Returns 0 or -EINVAL.
 */
int nl_image_format_parse(const char *name, enum nl_image_format *fmt);

/** nl_image_format_supported - true if this build reads @fmt (libewf, libvhdi,
 *  libvmdk and libqcow are optional at build time). */
bool nl_image_format_supported(enum nl_image_format fmt);

/** What an evidence container says about its acquisition (EWF); empty
 *  strings when it says nothing (and for every other format). */
struct nl_image_meta {
	char case_number[256];
	char evidence_number[256];
	char examiner[256];
	char description[256];
	char notes[256];
	char acquired[64];        /* acquisition date as the container stores it */
	char md5[33];             /* stored MD5 of the media, lowercase hex */
	char sha1[41];            /* stored SHA-1 of the media, lowercase hex */
};

/** What nl_image_verify() found: the hashes the container stores and those of
 *  the media as read now. */
struct nl_image_verify {
	enum nl_image_format format; /* how the file holds the media (never AUTO) */
	uint64_t size;            /* bytes of media read */
	char stored_md5[33];      /* stored in the container, lowercase hex ("" if none) */
	char stored_sha1[41];
	char md5[33];             /* computed over the media, lowercase hex */
	char sha1[41];
	/* media whose stored chunk checksum failed as it was read (EWF keeps one
	 * per chunk; 0 for the other formats): @bad_bytes in @bad_ranges runs,
	 * the first at byte @bad_first */
	uint64_t bad_bytes;
	uint64_t bad_ranges;
	uint64_t bad_first;
};

/**
 * nl_image_verify - read the whole media of @path (format @fmt; NL_FORMAT_AUTO:
 * by its content) once, computing its MD5 and SHA-1, to check them against
 * the hashes an evidence container stores (nl_image_meta).  A "PATH@N"
 * suffix is not taken: the media is the whole disk.
 * @progress: called with bytes done / total (may be NULL); nonzero stops
 * the reading (-ECANCELED).
 * Returns 0 with @out filled, or -errno with a reason in @err: the image
 * could not be opened, or the media could not be read (the byte named).
 * Never writes.
 */
int nl_image_verify(const char *path, enum nl_image_format fmt, nl_progress_fn progress,
		    void *ctx, struct nl_image_verify *out, char *err, size_t errlen);

/** Options for nl_volume_open(); all-zero (or NULL) means "auto". */
struct nl_open_options {
	/** Partition number to use (1-based, see above); 0: auto / from "@N". */
	unsigned partition;
	/** Use @offset (bytes from the start of the file) instead of looking
	 *  for a partition table. */
	bool has_offset;
	uint64_t offset;
	/** Refuse raw $MFT files (only NTFS volumes accepted). */
	bool no_raw_mft;
	/** How the file holds the bytes; NL_FORMAT_AUTO (0): by its content. */
	enum nl_image_format format;
	/** The caller will write to the volume (nl_volume_locate() for the copy
	 *  engine): a container is refused with -EROFS. */
	bool writable;
};

/** What kind of input a volume came from. */
enum nl_volume_kind {
	NL_VOLUME_NTFS = 0,     /* an NTFS file system (possibly at an offset) */
	NL_VOLUME_RAW_MFT = 1,  /* a bare $MFT file: records only */
};

/** Facts about an open volume, filled in by nl_volume_get_info(). */
struct nl_volume_info {
	enum nl_volume_kind kind;
	const char *path;        /* file or device opened (without "@N"); owned by the volume */
	uint64_t offset;         /* byte offset of the file system inside it */
	uint64_t size;           /* bytes of the file system (raw MFT: file size) */
	unsigned partition;      /* partition number used, 0 if none */
	uint32_t record_size;    /* MFT record size: 1024, 4096, ... */
	uint32_t cluster_size;   /* 0 for a raw $MFT */
	uint32_t sector_size;    /* 0 for a raw $MFT */
	uint64_t mft_records;    /* records in $MFT (from its data size) */
	uint64_t serial;         /* volume serial number (0 for a raw $MFT) */
	uint8_t major_ver, minor_ver;  /* NTFS version, e.g. 3.1 (0.0 if unknown) */
	bool dirty;              /* the volume's dirty flag was set */
	char label[128 * 3 + 1]; /* volume label in WTF-8, "" if none */
	/* A truncated image: it holds @image_bytes of the @volume_bytes the
	 * boot sector gives (sectors and the backup boot sector); equal when
	 * whole, both 0 for a raw $MFT.  Reads past the end give zeros. */
	uint64_t image_bytes;
	uint64_t volume_bytes;
	bool mft_truncated;      /* part of $MFT lies past the end: records unreadable */
	enum nl_image_format format;     /* how the file holds the bytes (never AUTO) */
	const struct nl_image_meta *meta; /* the container's acquisition facts; owned by the volume */
	/* What was read around damage at open time; "" when nothing was:
	 * "primary boot sector damaged (bad oem id); the backup boot sector
	 * at byte 8388096 was used" (the byte counted in the file), and/or
	 * "$MFTMirr differs from $MFT at record 2; the mirror is ignored"
	 * ("$MFTMirr record 0 is unreadable; ..."): the first records of
	 * $MFT were read in its place.  Every record is read all the same. */
	char repaired[256];
};

/**
 * nl_volume_open - open a volume read-only.
 * @out:    receives the handle; set to NULL on failure
 * @spec:   the volume spec (see above)
 * @opt:    options, or NULL for defaults
 * @err:    buffer for a one-line lowercase explanation on failure (e.g.
 *          "2 ntfs partitions, pick one with IMAGE@N; partitions: 1 ntfs at
 *          1048576 (10485760 bytes), ...", or "no ntfs boot sector at offset
 *          4096: bad oem id"); may be NULL
 * @errlen: size of @err; NL_ERRMSG_SIZE always suffices
 * Returns 0, or -errno: -ENOENT (no such file), -EINVAL (no NTFS found /
 * ambiguous / bad partition number; @err says which), -EIO, -ENOMEM, or the
 * error libntfs-3g reported.  The volume must be closed with nl_volume_close().
 */
int nl_volume_open(const char *spec, const struct nl_open_options *opt, nl_volume **out,
		   char *err, size_t errlen);

/**
 * nl_volume_open_memory - nl_volume_open() on the @len bytes at @buf (an
 * image, a disk with a partition table, or a raw $MFT) with no file: @buf
 * must stay valid and unchanged until the volume is closed (nothing is
 * copied).  @name stands for the spec in nl_volume_source() and messages
 * (NULL: "memory").  @opt as for nl_volume_open() (its format is ignored).
 */
int nl_volume_open_memory(const void *buf, size_t len, const char *name,
			  const struct nl_open_options *opt, nl_volume **out,
			  char *err, size_t errlen);

/** nl_volume_close - close @*vol (NULL is fine) and set *vol to NULL. */
void nl_volume_close(nl_volume **vol);

/**
 * nl_volume_get_info - fill @info.  Strings point into the volume handle and
 * stay valid until it is closed.  Returns 0.
 */
int nl_volume_get_info(const nl_volume *vol, struct nl_volume_info *info);

/** nl_volume_source - the spec as given to nl_volume_open() (owned by @vol),
 *  for messages. */
const char *nl_volume_source(const nl_volume *vol);

/** nl_volume_is_raw_mft - true if only a bare $MFT is available. */
bool nl_volume_is_raw_mft(const nl_volume *vol);

/** nl_volume_record_size - MFT record size in bytes. */
uint32_t nl_volume_record_size(const nl_volume *vol);

/** nl_volume_record_count - number of records in $MFT (data size / record size). */
uint64_t nl_volume_record_count(const nl_volume *vol);

/**
 * nl_volume_upcase - the volume's $UpCase table (little-endian units), for
 * nl_utf16le_casecmp() / nl_wtf8_casecmp().  For a raw $MFT, the default
 * table libntfs-3g builds.
 * @len receives the number of entries.  Owned by @vol.
 */
const uint16_t *nl_volume_upcase(const nl_volume *vol, size_t *len);

/**
 * nl_volume_read_record - read MFT record @mft raw (fixups NOT applied) into
 * @buf of nl_volume_record_size() bytes.
 * Returns 0, -ENOENT (past the end of $MFT), -EIO (or the read's own
 * -errno).  Works on raw $MFTs too.
 */
int nl_volume_read_record(nl_volume *vol, uint64_t mft, void *buf);

/**
 * nl_volume_read_mft - read @count whole records starting at @first into
 * @buf (count * record size bytes), raw (fixups NOT applied).  Used by the
 * scanner for large sequential reads.  Returns the number of whole records
 * read (fewer than @count at the end of $MFT, or when the rest cannot be
 * read, e.g. a truncated image), or -errno.
 */
int64_t nl_volume_read_mft(nl_volume *vol, uint64_t first, uint64_t count, void *buf);

/* ---- partition tables ---------------------------------------------------- */

enum nl_pt_scheme {
	NL_PT_NONE = 0,   /* no partition table found */
	NL_PT_MBR = 1,
	NL_PT_GPT = 2,
};

/** One partition.  Strings are NUL-terminated and owned by the table. */
struct nl_partition {
	unsigned number;       /* Linux-style number, as used by "PATH@N" */
	uint64_t offset;       /* bytes from the start of the disk */
	uint64_t size;         /* bytes */
	uint8_t mbr_type;      /* MBR type byte (0x07 NTFS, 0x05/0x0f extended, 0xee GPT...), 0 for GPT */
	uint8_t gpt_type[16];  /* GPT type GUID as stored on disk, zero for MBR */
	bool is_ntfs;          /* its first sector is an NTFS boot sector */
	char type[24];         /* short type name: "ntfs", "basic-data", "efi", "extended",
	                          "linux", "msr", "recovery", "0x83", ... */
	char name[112];        /* GPT partition name (UTF-8), "" for MBR */
};

/** A partition table as read by nl_partitions_read(). */
struct nl_partition_table {
	enum nl_pt_scheme scheme;
	uint32_t sector_size;     /* 512 (or 4096 where the GPT header says so) */
	uint64_t disk_size;       /* bytes of the file or device */
	size_t count;             /* entries in part[] (extended containers included) */
	struct nl_partition *part; /* count entries, in the table's own allocation */
	enum nl_image_format format; /* how the file holds the disk (never AUTO) */
	struct nl_image_meta meta;   /* the container's acquisition facts */
};

/**
 * nl_partitions_read - read the MBR / GPT of the file or device @path.
 * @out: receives a malloc'ed table (free with nl_partitions_free()); with no
 *       partition table it has scheme NL_PT_NONE and count 0 (return 0).
 * @err, @errlen: as for nl_volume_open()
 * Returns 0 or -errno (-ENOENT, -EACCES, -EIO, -ENOMEM...).  Never writes.
 */
int nl_partitions_read(const char *path, struct nl_partition_table **out,
		       char *err, size_t errlen);

/** nl_partitions_read_as - nl_partitions_read() with the file read as
 *  format @fmt (NL_FORMAT_AUTO: by its content). */
int nl_partitions_read_as(const char *path, enum nl_image_format fmt,
			  struct nl_partition_table **out, char *err, size_t errlen);

/** nl_partitions_free - free @*t (NULL is fine) and set *t to NULL. */
void nl_partitions_free(struct nl_partition_table **t);

/**
 * nl_volume_locate - resolve a volume spec to a file and byte range without
 * opening the file system (what nl_volume_open() does first).  The copy
 * engine uses it to find the volume it writes to.
 * @path:   receives a malloc'ed path without "@N" (caller frees)
 * @offset, @size: byte range of the chosen volume (size 0: to the end)
 * @partition: receives the partition number used, or 0
 * @kind:   NL_VOLUME_NTFS or NL_VOLUME_RAW_MFT
 * Returns 0 or -errno with @err filled as for nl_volume_open().
 */
int nl_volume_locate(const char *spec, const struct nl_open_options *opt,
		     char **path, uint64_t *offset, uint64_t *size, unsigned *partition,
		     enum nl_volume_kind *kind, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
