/* fe_audit.h: what the audit commands (scan, siblings, hardlinks, reparse, truesize, info, partitions) share. */
#ifndef NTFSLINKS_FE_AUDIT_H
#define NTFSLINKS_FE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/analysis.h>

#include "commands.h"

/* A table whose columns -o/--output chooses: its JSON type and its columns. */
struct fe_listing {
	const char *type;
	const struct nl_column *cols;
	size_t ncols;
};

/* The listings of fe_audit_hardlinks() and fe_audit_reparse(). */
extern const struct fe_listing fe_listing_hardlink, fe_listing_hardlink_group,
	fe_listing_reparse;

/* Output formats. */
enum fe_format {
	FE_FMT_TEXT = 0,	/* aligned text (default) */
	FE_FMT_JSON,		/* --json: JSON Lines */
	FE_FMT_CSV,		/* --csv */
	FE_FMT_BODYFILE,	/* --bodyfile: TSK mactime body format */
	FE_FMT_NUL,		/* -0: NUL-terminated paths */
};

/* Which options a command accepts (fe_audit_parse() @accept). */
#define FE_A_JSON	0x0001	/* --json */
#define FE_A_CSV	0x0002	/* --csv */
#define FE_A_BODYFILE	0x0004	/* --bodyfile */
#define FE_A_NUL	0x0008	/* -0, --null */
#define FE_A_PATHS	0x0010	/* --windows-paths, --drive */
#define FE_A_DELETED	0x0020	/* --deleted */
#define FE_A_VOLUME	0x0040	/* --partition, --offset */
#define FE_A_UNDER	0x0080	/* --under DIR */
#define FE_A_CLASS	0x0100	/* --class */
#define FE_A_TAG	0x0200	/* --tag */
#define FE_A_IMGFMT	0x0400	/* --format FMT (with FE_A_VOLUME too) */
#define FE_A_VERIFY	0x0800	/* --verify: check the hashes a container stores */
#define FE_A_FORMATS	(FE_A_JSON | FE_A_CSV | FE_A_BODYFILE | FE_A_NUL)

/* One audit run: options, then the open volume and its model. */
struct fe_audit {
	const struct fe_command *cmd;
	unsigned accept;		/* FE_A_* the command takes */
	enum fe_format format;
	bool windows_paths;
	char drive;			/* --drive letter (upper case), 0 if not given */
	bool deleted;
	bool verify;			/* --verify */
	struct nl_open_options open;
	const char *under;		/* --under DIR, NULL if not given */
	const char *partition_arg;	/* --partition as given, NULL if not given */
	char *class_name;		/* --class in lower case, NULL if not given */
	char *tag;			/* --tag in lower case, NULL if not given */
	const char *output;		/* -o/--output COLUMNS, NULL if not given */
	bool noheadings;		/* -n/--noheadings */
	bool bytes;			/* -b/--bytes: sizes in exact bytes in text */
	bool wrap;			/* --wrap: long values wrapped, not cut */
	long width;			/* -w/--width, -1 if not given */
	int npos;			/* positional arguments */
	char **pos;

	const char *image;		/* pos[0]: the volume spec as given */
	nl_volume *vol;
	nl_model *model;
	struct nl_scan_stats stats;
	uint64_t problems;		/* problems reported so far */

	nl_analysis *an;		/* after fe_audit_analyse() */
	uint64_t anchor;		/* --under DIR as a record number (root if none) */
	struct nl_drive_guess guess;	/* drive letter used or inferred */
	nl_emit *emit;			/* after fe_audit_emit_open() */

	char *pathbuf;			/* for fe_audit_name_path() */
	size_t pathcap;
	char *winbuf;			/* for fe_audit_display() */
	size_t wincap;
	nl_path_index *pix;		/* sorted directory paths, for fe_rows_add() */
};

/*
 * fe_audit_parse - parse the options of @cmd (argv[0] is the command name).
 * Accepts --help and the options in @accept; exactly @min_pos..@max_pos
 * positional arguments.  Misuse exits 2 with the hint; --help prints the
 * usage and exits 0.  Zeroes @a first.
 */
void fe_audit_parse(struct fe_audit *a, const struct fe_command *cmd, unsigned accept,
		    int argc, char **argv, int min_pos, int max_pos);

/*
 * fe_audit_open - open a->image read-only.  On failure prints
 * "ntfslinks: 'IMAGE': reason" and exits 2.
 */
void fe_audit_open(struct fe_audit *a);

/*
 * fe_audit_scan - open (if not yet) and scan the volume; per-record problems
 * go to fe_problem (exit status 1 at the end), progress to the terminal.
 * If $MFT cannot be read at all: message and exit 2.  Fills a->stats.
 */
void fe_audit_scan(struct fe_audit *a);

/*
 * fe_audit_anchor - resolve --under (if given) to a->anchor, else the root.
 * On failure prints why and exits 2 (it is a usage mistake about the volume).
 */
void fe_audit_anchor(struct fe_audit *a);

/*
 * fe_audit_analyse - classify the reparse points against a->anchor with
 * --drive or an inferred drive; fills a->an and a->guess.  Exits 2 on
 * failure (out of memory).
 */
void fe_audit_analyse(struct fe_audit *a);

/* fe_audit_drive - the drive letter for --windows-paths: --drive, else the
 * one inferred by the analysis (run on demand), else 0. */
char fe_audit_drive(struct fe_audit *a);

/* fe_audit_emit_open - start a->emit in the chosen format on stdout. */
void fe_audit_emit_open(struct fe_audit *a);

/* fe_audit_emit_close - finish the output; a write error is reported and
 * makes the exit status 1. */
void fe_audit_emit_close(struct fe_audit *a);

/* fe_audit_table - declare a table (with the columns of -o when it is one of the
 * command's listings); exits on out of memory. */
nl_table *fe_audit_table(struct fe_audit *a, const char *type, const struct nl_column *cols,
			 size_t ncols, unsigned flags);

/* fe_audit_select - the columns of -o on @t (of JSON type @type) when it is one of the
 * command's listings (fe_audit_table() does it for the tables it declares). */
void fe_audit_select(struct fe_audit *a, nl_table *t, const char *type);

/* fe_audit_fill_drive - the drive-letter cells of a summary row: the letter,
 * how it was chosen (given or inferred, with its support), and the raw
 * given/support/targets numbers, into the columns named. */
void fe_audit_fill_drive(struct fe_audit *a, nl_table *t, size_t c_drive, size_t c_src,
			 size_t c_given, size_t c_support, size_t c_targets);

/* fe_audit_row_end - end a row; a write error stops the program (exit 1). */
void fe_audit_row_end(struct fe_audit *a, nl_table *t);

/* fe_audit_fail - what fe_audit_row_end() does with error @rc (< 0) of
 * nl_row_end() or of writing to stdout: out of memory, or a write error
 * (exit 1; a closed pipe exits quietly).  Does not return. */
void fe_audit_fail(struct fe_audit *a, int rc) __attribute__((noreturn));

/* fe_audit_exit - close everything and return the exit status. */
int fe_audit_exit(struct fe_audit *a);

/* The decoded fields of tags that are not links, in FE_TAG_FIELDS columns from
 * @col: AppExecLink package, app user model id and target exe; WOF provider and
 * algorithm (names, or the number when unknown); cloud files revision, compressed
 * and number of elements; dedup chunk store GUID and size.  Cells of other tags
 * stay null. */
#define FE_TAG_FIELDS 10
struct nl_reparse;
void fe_tag_fields(nl_table *t, size_t col, const struct nl_reparse *rp);

/* fe_body_mode - the bodyfile mode of a record: a folder or a file. */
const char *fe_body_mode(const struct nl_record_info *ri);

/* fe_audit_times - set the time cells crtime, mtime, ctime, atime (columns
 * @col_crtime .. @col_crtime + 3) of record @mft when its times can be
 * read; else they stay null. */
void fe_audit_times(struct fe_audit *a, nl_table *t, size_t col_crtime, uint64_t mft);

/* fe_audit_problem - the nl_problem_fn of the audit commands (@ctx is the
 * struct fe_audit): counts, then reports like fe_problem(). */
void fe_audit_problem(void *ctx, const char *source, uint64_t mft, const char *path,
		      const char *reason);

/* fe_audit_close - free the model, close the volume, free the buffers. */
void fe_audit_close(struct fe_audit *a);

/*
 * fe_audit_name_path / fe_audit_record_path - the '/'-path of a name or a
 * record, in a buffer owned by @a (valid until the next call of either).
 * @len, @pflags may be NULL.  On failure (no such name) returns NULL.
 */
const char *fe_audit_name_path(struct fe_audit *a, uint32_t id, size_t *len, unsigned *pflags);
const char *fe_audit_record_path(struct fe_audit *a, uint64_t mft, size_t *len, unsigned *pflags);

/*
 * fe_audit_display - @path as it is printed: unchanged, or with
 * --windows-paths "C:\dir\name" (letter from @drive, none if 0).  Returns
 * @path itself or a buffer owned by @a (valid until the next call).
 */
const char *fe_audit_display(struct fe_audit *a, const char *path, char drive);

/*
 * fe_audit_resolve - find the record a user names: "#N" (a record number),
 * or a path inside the volume ('/' or '\' separated, "C:\..." accepted),
 * looked up case-insensitively like Windows does.  @what is used in the
 * message ("path", "directory").  On failure prints
 * "ntfslinks: 'IMAGE': 'ARG': reason" and returns a negative errno.
 */
int fe_audit_resolve(struct fe_audit *a, const char *arg, uint64_t *mft);

/*
 * fe_audit_resolve_links - @path (@arg as given, unescaped, without "\??\") that does not
 * resolve as it is, walked as Windows opens it: a junction or symbolic link before the last
 * component is followed to its target on this volume (the analysis's resolver), at most 63
 * times; each link followed is said on stderr ("'ARG': resolved through junction 'J' to 'T'").
 * Returns 0 (*@mft set), 1 when no link is on the way (the caller reports its own error), or
 * a negative errno after saying which link is in the way (target on another volume or
 * missing, too many links).
 */
int fe_audit_resolve_links(struct fe_audit *a, const char *arg, const char *path, uint64_t *mft);

/* Option help shared by the commands' usage texts. */
#define FE_AUDIT_FORMAT_HELP \
	"      --json            JSON Lines: one object per line\n" \
	"      --csv             CSV (RFC 4180) with a header row\n" \
	"      --bodyfile        The Sleuth Kit's mactime body format\n" \
	"  -0, --null            only the paths, unescaped, each followed by a NUL\n" \
	"                        byte (for xargs -0)\n"
#define FE_AUDIT_PATHS_HELP \
	"      --windows-paths   print paths as C:\\dir\\name\n" \
	"      --drive X:        this volume's drive letter (default: inferred from\n" \
	"                        the absolute link targets)\n"
#define FE_AUDIT_TABLE_HELP \
	"  -o, --output COLUMNS  the columns to show, comma-separated, in that order\n" \
	"                        ('--output help' lists them)\n" \
	"  -n, --noheadings      no header line (text and CSV)\n" \
	"  -b, --bytes           sizes in bytes in text, not like 1.1M\n" \
	"  -w, --width NUM       fit text tables into NUM columns (default: the\n" \
	"                        terminal's; no limit when not a terminal or 0)\n" \
	"      --wrap            wrap long values within their column, do not cut them\n"
#define FE_AUDIT_VOLUME_HELP \
	"      --partition N     use partition N of a disk image (also IMAGE@N)\n" \
	"      --offset BYTES    the NTFS volume starts BYTES into the image\n" \
	"                        (suffix s: 512-byte sectors; K, M, G)\n" \
	FE_AUDIT_IMGFMT_HELP
#define FE_AUDIT_IMGFMT_HELP \
	"      --format FORMAT   read IMAGE as raw, split, ewf (E01), vhd (VHDX too),\n" \
	"                        vmdk or qcow (QCOW2) (default: by its content)\n"

/* fe_namespace_name - "posix", "win32", "dos", "win32_dos" for a $FILE_NAME namespace. */
const char *fe_namespace_name(unsigned ns);

/* ---- the listings shared by scan, hardlinks and reparse ------------------- */

/*
 * fe_audit_hardlinks - emit every hardlink group (with --under: those with a
 * name under a->anchor, with saturation).  JSON: one hardlink_group object
 * per group; other formats: one row per name.  With @summary, a summary
 * table follows.  Returns the number of groups.
 */
uint64_t fe_audit_hardlinks(struct fe_audit *a, bool summary);

/*
 * fe_audit_reparse - emit the reparse points (with --under: those under
 * a->anchor; --class / --tag filter), classified by a->an (run first).
 * With @summary, a summary table follows.  Returns the number listed.
 */
uint64_t fe_audit_reparse(struct fe_audit *a, bool summary);

/* fe_audit_reparse_check - check --tag before any work (usage error, exit 2). */
void fe_audit_reparse_check(struct fe_audit *a);

/* ---- rows sorted by path ----------------------------------------------- */

/*
 * The listings sorted by path collect one struct nl_path_key per row in an
 * nl_rows (emit.h), placed by a->pix, the model's path index (scan.h), then
 * ask the rows to sort.  All of these exit on out of memory.
 */

/* fe_rows_new - an empty row set of path keys, with room for @reserve rows. */
nl_rows *fe_rows_new(size_t reserve);

/* fe_rows_prepare - build a->pix if not yet (done by the first fe_rows_add()
 * otherwise; call it first when threads add rows: they only read it then). */
void fe_rows_prepare(struct fe_audit *a);

/* fe_rows_add - append the key of name @nm (from nl_model_name_next(); its
 * text must stay valid: the model's) with nl_path_key() @flags.  Returns
 * false for a name without a path (skipped). */
bool fe_rows_add(struct fe_audit *a, nl_rows *r, const struct nl_name *nm, unsigned flags);

/* fe_rows_group_end, fe_rows_sort - nl_rows_group_end(), nl_rows_sort(). */
void fe_rows_group_end(nl_rows *r);
void fe_rows_sort(nl_rows *r);

/* fe_key_path - the '/'-path of a row, in a buffer of @a (as
 * fe_audit_name_path()); NULL if it has none. */
const char *fe_key_path(struct fe_audit *a, const struct nl_path_key *key);

/* fe_key_dos - the DOS alias of a row's name (NULL if none; *@len its
 * length), owned by the model. */
const char *fe_key_dos(struct fe_audit *a, const struct nl_path_key *key, size_t *len);

/* Out-of-memory: message and exit 2 (nothing sensible can go on). */
void fe_audit_nomem(void) __attribute__((noreturn));

#endif
