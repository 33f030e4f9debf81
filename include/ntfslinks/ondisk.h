/* ondisk.h: the NTFS on-disk constants every module shares: MFT references, attribute types, name spaces, file attribute bits, the four times. */
#ifndef NTFSLINKS_ONDISK_H
#define NTFSLINKS_ONDISK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Values are as stored on disk (little-endian there, host order here).
 * Reparse tags live in reparse.h with their decoders.
 */

/* ---- MFT references and well-known records ------------------------------ */

/** MFT reference: 48-bit record number and 16-bit sequence number. */
#define NL_MREF_RECORD(r)   ((uint64_t)(r) & 0x0000FFFFFFFFFFFFULL)
#define NL_MREF_SEQ(r)      ((uint16_t)((uint64_t)(r) >> 48))
#define NL_MREF_MAKE(rec, seq) \
	(((uint64_t)(seq) << 48) | ((uint64_t)(rec) & 0x0000FFFFFFFFFFFFULL))

/** Root directory record number (its sequence number is 5 too). */
#define NL_ROOT_MFT 5

/** Windows' limit of hard links to one file, enforced by ln.exe too. */
#define NL_MAX_LINKS 1023

/* ---- MFT records ----------------------------------------------------------- */

/* Attribute type codes (the ones the library cares about). */
#define NL_AT_STANDARD_INFORMATION 0x10
#define NL_AT_ATTRIBUTE_LIST       0x20
#define NL_AT_FILE_NAME            0x30
#define NL_AT_OBJECT_ID            0x40
#define NL_AT_SECURITY_DESCRIPTOR  0x50
#define NL_AT_VOLUME_NAME          0x60
#define NL_AT_VOLUME_INFORMATION   0x70
#define NL_AT_DATA                 0x80
#define NL_AT_INDEX_ROOT           0x90
#define NL_AT_INDEX_ALLOCATION     0xA0
#define NL_AT_BITMAP               0xB0
#define NL_AT_REPARSE_POINT        0xC0
#define NL_AT_EA_INFORMATION       0xD0
#define NL_AT_EA                   0xE0
#define NL_AT_LOGGED_UTILITY_STREAM 0x100
#define NL_AT_END                  0xFFFFFFFFu

/* Record header flags (nl_rec_header.flags in record.h). */
#define NL_MFT_IN_USE     0x0001
#define NL_MFT_DIRECTORY  0x0002
#define NL_MFT_IS_4       0x0004
#define NL_MFT_VIEW_INDEX 0x0008

/* ---- names ----------------------------------------------------------------- */

/** Name space of a $FILE_NAME. */
enum nl_name_space {
	NL_NS_POSIX = 0,        /* case-sensitive, any unit except '/' and NUL */
	NL_NS_WIN32 = 1,        /* long name that has a separate DOS name */
	NL_NS_DOS = 2,          /* 8.3 alias of a Win32 name */
	NL_NS_WIN32_AND_DOS = 3 /* one name that is valid as both */
};

/* ---- file attribute bits ($STANDARD_INFORMATION, $FILE_NAME) --------------- */

#define NL_FA_READONLY      0x00000001u
#define NL_FA_HIDDEN        0x00000002u
#define NL_FA_SYSTEM        0x00000004u
#define NL_FA_DIRECTORY     0x00000010u /* DOS-era bit; NTFS marks directories
                                           with NL_FA_DUP_DIRECTORY in $FILE_NAME */
#define NL_FA_ARCHIVE       0x00000020u
#define NL_FA_NORMAL        0x00000080u
#define NL_FA_TEMPORARY     0x00000100u
#define NL_FA_SPARSE        0x00000200u
#define NL_FA_REPARSE_POINT 0x00000400u
#define NL_FA_COMPRESSED    0x00000800u
#define NL_FA_OFFLINE       0x00001000u
#define NL_FA_NOT_INDEXED   0x00002000u
#define NL_FA_ENCRYPTED     0x00004000u
#define NL_FA_DUP_DIRECTORY 0x10000000u /* "is a directory" copy in $FILE_NAME */

/* ---- times ----------------------------------------------------------------- */

/**
 * struct nl_times - the four NTFS timestamps of a file, in NTFS units
 * (100 ns intervals since 1601-01-01 UTC), in the order of
 * $STANDARD_INFORMATION and $FILE_NAME.  Read by the scanner and the record
 * parser, written by the writer.
 */
struct nl_times {
	int64_t crtime;	/* creation */
	int64_t mtime;	/* last data change */
	int64_t ctime;	/* last $MFT record change */
	int64_t atime;	/* last access */
};

/** 100 ns intervals from 1601-01-01 (NTFS times) to 1970-01-01 (Unix times). */
#define NL_NTFS_UNIX_DELTA 116444736000000000LL

/**
 * nl_ntfs_time_to_unix - NTFS time (100 ns since 1601-01-01 UTC) to Unix
 * seconds, rounded down.
 */
int64_t nl_ntfs_time_to_unix(int64_t ntfs_time);

/**
 * nl_format_ntfs_time - "YYYY-MM-DDTHH:MM:SS.fffffffZ" into @buf (at least
 * 32 bytes).  Returns the length.
 */
size_t nl_format_ntfs_time(int64_t ntfs_time, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
