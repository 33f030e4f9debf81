/* cmd_copy.c: 'ntfslinks copy': Smart Copy of trees between NTFS images, directories and ntfs-3g mounts. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/copy.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/unistr.h>

#include "commands.h"
#include "fe.h"
#include "progress.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks copy [OPTIONS] SOURCE... DEST\n"
		"\n"
		"Smart Copy: copy folders (or files) keeping their link structure, like\n"
		"Link Shell Extension's ln.exe --copy. Hardlinked files stay hardlinked,\n"
		"junctions and symbolic links that point inside the copied set point\n"
		"inside the copy, and links that point outside are handled by a policy.\n"
		"\n"
		"SOURCE and DEST are each IMAGE:/path (a folder inside an NTFS image or\n"
		"block device; IMAGE@N:/path for partition N), IMAGE (its root), or a\n"
		"directory, plain Linux or on an ntfs-3g mount. Several sources form one\n"
		"common root. DEST is created; if it exists the copy goes inside it under\n"
		"the source's name (\"name - Copy\" on a clash, said on stderr). Sources are\n"
		"never written. An IMAGE: destination must exist unless --create-image.\n"
		"\n"
		"Outer links (pointing outside the sources):\n"
		"      --crop            leave them out and list them (default)\n"
		"      --splice          recreate them pointing at the original target\n"
		"      --unroll          copy what they point to in their place, recursively\n"
		"\n"
		"Options:\n"
		"      --into            copy the contents of the sources into DEST\n"
		"  -p, --parents         create the missing folders above DEST\n"
		"      --create-image SIZE  format a missing IMAGE: destination of SIZE\n"
		"                        bytes (K, M, G suffixes) as mkntfs -T does\n"
		"  -n, --dry-run         list what would be done, write nothing\n"
		"      --exclude PATTERN leave out files and folders matching PATTERN (glob,\n"
		"                        on the name or the path below the source); may be\n"
		"                        repeated; @FILE reads patterns from FILE\n"
		"      --include PATTERN copy only files matching PATTERN (folders are still\n"
		"                        entered); may be repeated; @FILE as for --exclude\n"
		"      --drive X:        drive letter of the source volume for absolute link\n"
		"                        targets (default: inferred from its links, as\n"
		"                        'reparse' does)\n"
		"      --dest-drive X:   drive letter written into rewritten absolute links\n"
		"                        (default: the source's)\n"
		"      --no-acl          do not copy security descriptors\n"
		"      --streams=MODE    named streams into a plain Linux folder: drop (warn,\n"
		"                        default) or xattr (as user.NAME extended attributes)\n"
		"      --list            list every action (default: only the notable ones)\n"
		"      --json            one JSON object per action, then a summary\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"Exit status: 0 all copied, 1 some entries failed (listed), 2 misuse, a\n"
		"source or the destination could not be opened, or the destination is\n"
		"inside a source. See ntfslinks-copy(1).\n");
}

/* The command being run: "copy", "clone" or "mirror" (the same front end
 * with the clone or mirror options; see cmd_clone.c, cmd_mirror.c). */
static const char *cmd = "copy";

/* The listing: one "action" row per action (text: the notable ones, or all
 * with --list or --dry-run), then one "summary" row. */
struct copy_fe {
	bool json;
	bool list;
	bool dry_run;
	nl_emit *em;
	nl_table *tact, *tsum, *tdrive;
	struct fe_progress prog;
	bool clone;		/* the clone command */
	char cloned[48];	/* its part of the summary line */
	bool mirror;		/* the mirror command */
	const char *dest;	/* its destination, as given */
};

/* The patterns of --exclude and --include. */
struct patterns {
	const char **v;
	size_t n;
};

enum {
	C_ACTION, C_KIND, C_SOURCE, C_DEST, C_TARGET, C_NEW_TARGET, C_REASON, C_BYTES, C_MFT,
	C_TXT_DEST, C_TXT_TARGET, C_TXT_REASON, C_NCOLS
};

#define TXT_ONLY (NL_COL_NO_JSON | NL_COL_NO_CSV | NL_COL_OPTIONAL)

/* Text: "ACTION     KIND     SOURCE -> DEST [TARGET => NEW] (REASON)". */
static const struct nl_column act_cols[C_NCOLS] = {
	[C_ACTION] = { "action", "ACTION", 0, 10 },
	[C_KIND] = { "kind", "KIND", 0, 8 },
	[C_SOURCE] = { "source", "SOURCE", NL_ROLE_NAME, 0 },
	[C_DEST] = { "dest", "DEST", NL_COL_NO_TEXT, 0 },
	[C_TARGET] = { "target", "TARGET", NL_COL_NO_TEXT, 0 },
	[C_NEW_TARGET] = { "new_target", "NEW TARGET", NL_COL_NO_TEXT, 0 },
	[C_REASON] = { "reason", "REASON", NL_COL_NO_TEXT, 0 },
	[C_BYTES] = { "bytes", "BYTES", NL_COL_RIGHT | NL_COL_NO_TEXT, 0 },
	[C_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_COL_NO_TEXT, 0 },
	[C_TXT_DEST] = { "dest_text", NULL, TXT_ONLY, 0 },
	[C_TXT_TARGET] = { "target_text", NULL, TXT_ONLY, 0 },
	[C_TXT_REASON] = { "reason_text", NULL, TXT_ONLY, 0 },
};

enum { D_WHAT, D_SOURCE, D_NOTE, D_NCOLS };

#define TXT_LINE (NL_COL_NO_JSON | NL_COL_NO_CSV)

/* Text only: the drive letter assumed for a source. */
static const struct nl_column drive_cols[D_NCOLS] = {
	[D_WHAT] = { "what", NULL, TXT_LINE, 10 },
	[D_SOURCE] = { "source", NULL, TXT_LINE | NL_ROLE_NAME, 0 },
	[D_NOTE] = { "note", NULL, TXT_LINE, 0 },
};

enum { S_OUTSIDE = 15, S_DRY_RUN, S_LINE, S_CLONED, S_NCOLS };
/* A mirror's summary: the columns up to S_LINE, then these. */
enum { M_DELETED = S_LINE + 1, M_UPDATED, M_UNCHANGED, M_NCOLS };

static const struct nl_column sum_cols[S_NCOLS] = {
	{ "copied", "Copied", NL_COL_NO_TEXT, 0 },
	{ "folder", "Folders", NL_COL_NO_TEXT, 0 },
	{ "hardlinked", "Hardlinked", NL_COL_NO_TEXT, 0 },
	{ "junction", "Junctions", NL_COL_NO_TEXT, 0 },
	{ "symlink", "Symlinks", NL_COL_NO_TEXT, 0 },
	{ "cropped", "Cropped", NL_COL_NO_TEXT, 0 },
	{ "spliced", "Spliced", NL_COL_NO_TEXT, 0 },
	{ "unrolled", "Unrolled", NL_COL_NO_TEXT, 0 },
	{ "dangling", "Dangling", NL_COL_NO_TEXT, 0 },
	{ "loop", "Loops", NL_COL_NO_TEXT, 0 },
	{ "excluded", "Excluded", NL_COL_NO_TEXT, 0 },
	{ "warning", "Warnings", NL_COL_NO_TEXT, 0 },
	{ "error", "Errors", NL_COL_NO_TEXT, 0 },
	{ "bytes", "Bytes", NL_COL_NO_TEXT, 0 },
	{ "items", "Items", NL_COL_NO_TEXT, 0 },
	[S_OUTSIDE] = { "outside", "Outside", NL_COL_NO_TEXT, 0 },
	[S_DRY_RUN] = { "dry_run", "Dry run", NL_COL_NO_TEXT, 0 },
	[S_LINE] = { "line", NULL, NL_COL_NO_JSON | NL_COL_NO_CSV, 0 },
	[S_CLONED] = { "cloned", "Cloned", NL_COL_NO_TEXT, 0 },	/* clone only */
};

static const struct nl_column mirror_cols[M_NCOLS - S_LINE - 1] = {
	{ "deleted", "Deleted", NL_COL_NO_TEXT, 0 },
	{ "updated", "Updated", NL_COL_NO_TEXT, 0 },
	{ "unchanged", "Unchanged", NL_COL_NO_TEXT, 0 },
};

static char *esc(const char *s)
{
	char *out = NULL;

	if (!s)
		return NULL;
	if (nl_escape_dup(s, strlen(s), 0, &out))
		return NULL;
	return out;
}

/* Shown without --list: the outer-link policies at work, and links made to
 * point somewhere other than the plain inner rewrite (they carry a reason). */
static bool notable(const struct nl_copy_event *ev)
{
	switch (ev->action) {
	case NL_COPY_ACT_JUNCTION:
	case NL_COPY_ACT_SYMLINK:
		return ev->reason != NULL;
	case NL_COPY_ACT_CROPPED:
	case NL_COPY_ACT_SPLICED:
	case NL_COPY_ACT_UNROLLED:
	case NL_COPY_ACT_DANGLING:
	case NL_COPY_ACT_LOOP:
		return true;
	default:
		return false;
	}
}

/* An error or a warning goes to stderr, escaped. */
static void report(const struct nl_copy_event *ev)
{
	char *s = esc(ev->source), *r = esc(ev->reason);

	if (ev->action == NL_COPY_ACT_ERROR)
		fe_warn_entry(s, "%s", r ? r : "failed");
	else
		fe_error(s, "warning: %s", r ? r : "");
	free(s);
	free(r);
}

/* Cell @col: @pre @s [@mid @s2] @post, or null if @s is NULL. */
static void cell_join(nl_table *t, size_t col, const char *pre, const char *s, const char *mid,
		      const char *s2, const char *post)
{
	char *v;

	if (!s)
		return;
	if (asprintf(&v, "%s%s%s%s%s", pre, s, s2 ? mid : "", s2 ? s2 : "", post) < 0) {
		fe_error(NULL, "out of memory");
		exit(FE_EXIT_USAGE);
	}
	nl_cell_str(t, col, v);
	free(v);
}

static void on_action(void *ctx, const struct nl_copy_event *ev)
{
	struct copy_fe *f = ctx;
	nl_table *t = f->tact;
	bool problem = ev->action == NL_COPY_ACT_ERROR || ev->action == NL_COPY_ACT_WARNING;

	fe_progress_end(&f->prog);
	if (problem) {
		report(ev);
	} else if (ev->renamed && !f->json) {
		char *s = esc(ev->source), *d = esc(ev->dest), *r = esc(ev->reason);

		fe_error(s, "copied as '%s' (%s)", d ? d : "", r ? r : "renamed");
		free(s);
		free(d);
		free(r);
	}
	if (!f->json && (problem || !(f->list || f->dry_run || notable(ev))))
		return;
	nl_cell_str(t, C_ACTION, nl_copy_action_name(ev->action));
	nl_cell_str(t, C_KIND, nl_copy_kind_name(ev->kind));
	nl_cell_str(t, C_SOURCE, ev->source);
	nl_cell_str(t, C_DEST, ev->dest);
	nl_cell_str(t, C_TARGET, ev->target);
	nl_cell_str(t, C_NEW_TARGET, ev->new_target);
	nl_cell_str(t, C_REASON, ev->reason);
	nl_cell_uint(t, C_BYTES, ev->bytes);
	if (ev->mft != UINT64_MAX)
		nl_cell_uint(t, C_MFT, ev->mft);
	cell_join(t, C_TXT_DEST, "-> ", ev->dest, NULL, NULL, "");
	cell_join(t, C_TXT_TARGET, "[", ev->target, " => ", ev->new_target, "]");
	cell_join(t, C_TXT_REASON, "(", ev->reason, NULL, NULL, ")");
	nl_row_end(t);
}

static int on_progress(void *ctx, const struct nl_copy_stats *st)
{
	struct copy_fe *f = ctx;

	fe_progress_bytes(&f->prog, st->items_done, st->items_total, st->bytes_done,
			  st->bytes_total);
	return 0;
}

static void free_patterns(struct patterns *p)
{
	for (size_t i = 0; i < p->n; i++)
		free((char *)p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Add @pat to @p; out of memory frees @p and @other and exits. */
static void add_pattern(struct patterns *p, struct patterns *other, const char *pat)
{
	const char **v = realloc(p->v, (p->n + 1) * sizeof(*v));

	if (v)
		p->v = v;
	if (!v || !(v[p->n] = strdup(pat))) {
		free_patterns(p);
		free_patterns(other);
		fe_error(NULL, "out of memory");
		exit(FE_EXIT_USAGE);
	}
	p->n++;
}

/* Patterns from an argument: PATTERN, or @FILE with one pattern per line.  A
 * file that cannot be read frees @p and @other and exits as misuse. */
static void add_patterns(struct patterns *p, struct patterns *other, const char *arg)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (arg[0] != '@') {
		add_pattern(p, other, arg);
		return;
	}
	fp = fopen(arg + 1, "r");
	if (!fp) {
		int err = errno;

		free_patterns(p);
		free_patterns(other);
		fe_usage_error(cmd, "cannot read '%s': %s", arg + 1, strerror(err));
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (len && line[0] != '#')
			add_pattern(p, other, line);
	}
	free(line);
	fclose(fp);
}

static char drive_arg(const char *opt, const char *a)
{
	if (((a[0] >= 'A' && a[0] <= 'Z') || (a[0] >= 'a' && a[0] <= 'z')) &&
	    (a[1] == 0 || (a[1] == ':' && a[2] == 0)))
		return (char)(a[0] & ~0x20);
	fe_usage_error(cmd, "%s wants a drive letter like C:, not '%s'", opt, a);
}

/* The drive letter inferred for each source with drive-letter targets, as
 * 'reparse' says it: "drive      SOURCE (C: inferred: ...)" (text only). */
static void drive_notes(struct copy_fe *f, nl_copy *c, char **srcs, size_t n)
{
	struct nl_drive_guess g;
	char note[160];

	for (size_t i = 0; i < n; i++) {
		if (nl_copy_source_drive(c, i, &g) < 0 || g.given || !g.drive || !g.drive_targets)
			continue;
		snprintf(note, sizeof(note),
			 "(%c: inferred: %llu of %llu drive-letter targets resolve on this volume with it)",
			 g.drive, (unsigned long long)g.support, (unsigned long long)g.drive_targets);
		nl_cell_str(f->tdrive, D_WHAT, "drive");
		nl_cell_str(f->tdrive, D_SOURCE, srcs[i]);
		nl_cell_str(f->tdrive, D_NOTE, note);
		nl_row_end(f->tdrive);
	}
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The end of a mirror's summary row: its own columns and line ("nothing to
 * do" when nothing was, or would be, written). */
static void mirror_summary(struct copy_fe *f, const struct nl_copy_stats *st, uint64_t bytes,
			   char *line, size_t len)
{
	static const enum nl_copy_action writes[] = {
		NL_COPY_ACT_COPIED, NL_COPY_ACT_FOLDER, NL_COPY_ACT_HARDLINKED,
		NL_COPY_ACT_JUNCTION, NL_COPY_ACT_SYMLINK, NL_COPY_ACT_SPLICED,
		NL_COPY_ACT_UNROLLED, NL_COPY_ACT_DELETED, NL_COPY_ACT_UPDATED,
	};
	const uint64_t *n = st->actions;
	uint64_t changes = 0;

	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		changes += n[writes[i]];
	nl_cell_uint(f->tsum, M_DELETED, n[NL_COPY_ACT_DELETED]);
	nl_cell_uint(f->tsum, M_UPDATED, n[NL_COPY_ACT_UPDATED]);
	nl_cell_uint(f->tsum, M_UNCHANGED, st->unchanged);
	if (!changes && !n[NL_COPY_ACT_ERROR]) {
		snprintf(line, len, "nothing to do: '%s' is up to date (%llu %s unchanged)",
			 f->dest, (unsigned long long)st->unchanged,
			 plural(st->unchanged, "entry", "entries"));
	} else {
		snprintf(line, len,
			 "%s%llu %s copied (%llu %s), %llu hardlinked, %llu %s, %llu %s, %llu %s; "
			 "%llu deleted, %llu updated, %llu unchanged; cropped %llu, spliced %llu, "
			 "unrolled %llu, excluded %llu, warnings %llu, errors %llu",
			 f->dry_run ? "dry run: " : "", (unsigned long long)n[NL_COPY_ACT_COPIED],
			 plural(n[NL_COPY_ACT_COPIED], "file", "files"),
			 (unsigned long long)bytes, plural(bytes, "byte", "bytes"),
			 (unsigned long long)n[NL_COPY_ACT_HARDLINKED],
			 (unsigned long long)n[NL_COPY_ACT_FOLDER],
			 plural(n[NL_COPY_ACT_FOLDER], "folder", "folders"),
			 (unsigned long long)n[NL_COPY_ACT_JUNCTION],
			 plural(n[NL_COPY_ACT_JUNCTION], "junction", "junctions"),
			 (unsigned long long)n[NL_COPY_ACT_SYMLINK],
			 plural(n[NL_COPY_ACT_SYMLINK], "symlink", "symlinks"),
			 (unsigned long long)n[NL_COPY_ACT_DELETED],
			 (unsigned long long)n[NL_COPY_ACT_UPDATED], (unsigned long long)st->unchanged,
			 (unsigned long long)n[NL_COPY_ACT_CROPPED],
			 (unsigned long long)n[NL_COPY_ACT_SPLICED],
			 (unsigned long long)n[NL_COPY_ACT_UNROLLED],
			 (unsigned long long)n[NL_COPY_ACT_EXCLUDED],
			 (unsigned long long)n[NL_COPY_ACT_WARNING],
			 (unsigned long long)n[NL_COPY_ACT_ERROR]);
	}
	nl_cell_str(f->tsum, S_LINE, line);
}

static void summary(struct copy_fe *f, const struct nl_copy_stats *st)
{
	static const enum nl_copy_action order[] = {
		NL_COPY_ACT_COPIED, NL_COPY_ACT_FOLDER, NL_COPY_ACT_HARDLINKED,
		NL_COPY_ACT_JUNCTION, NL_COPY_ACT_SYMLINK, NL_COPY_ACT_CROPPED,
		NL_COPY_ACT_SPLICED, NL_COPY_ACT_UNROLLED, NL_COPY_ACT_DANGLING,
		NL_COPY_ACT_LOOP, NL_COPY_ACT_EXCLUDED, NL_COPY_ACT_WARNING, NL_COPY_ACT_ERROR,
	};
	const uint64_t *n = st->actions;
	nl_table *t = f->tsum;

	/* a dry run says what the copy would write */
	uint64_t bytes = f->dry_run ? st->bytes_total : st->bytes_done;
	char line[512], out[64] = "";
	size_t i;

	if (f->clone)
		snprintf(f->cloned, sizeof(f->cloned), "%llu %s cloned",
			 (unsigned long long)n[NL_COPY_ACT_CLONED],
			 plural(n[NL_COPY_ACT_CLONED], "file", "files"));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		nl_cell_uint(t, i, n[order[i]]);
	nl_cell_uint(t, i++, bytes);
	nl_cell_uint(t, i++, st->items_done);
	nl_cell_uint(t, S_OUTSIDE, st->outside);
	nl_cell_bool(t, S_DRY_RUN, f->dry_run);
	if (st->outside)
		snprintf(out, sizeof(out), "; %llu %s out of the destination",
			 (unsigned long long)st->outside,
			 plural(st->outside, "symlink leads", "symlinks lead"));
	if (f->mirror) {
		mirror_summary(f, st, bytes, line, sizeof(line));
		nl_row_end(t);
		return;
	}
	nl_cell_uint(t, S_CLONED, n[NL_COPY_ACT_CLONED]);
	snprintf(line, sizeof(line),
		 "%s%s%s%llu %s copied (%llu %s), %llu hardlinked, %llu %s, %llu %s, %llu %s; "
		 "cropped %llu, spliced %llu, unrolled %llu, dangling %llu, loops %llu, "
		 "excluded %llu, warnings %llu, errors %llu%s",
		 f->dry_run ? "dry run: " : "", f->clone ? f->cloned : "", f->clone ? ", " : "",
		 (unsigned long long)n[NL_COPY_ACT_COPIED],
		 plural(n[NL_COPY_ACT_COPIED], "file", "files"),
		 (unsigned long long)bytes, plural(bytes, "byte", "bytes"),
		 (unsigned long long)n[NL_COPY_ACT_HARDLINKED],
		 (unsigned long long)n[NL_COPY_ACT_FOLDER],
		 plural(n[NL_COPY_ACT_FOLDER], "folder", "folders"),
		 (unsigned long long)n[NL_COPY_ACT_JUNCTION],
		 plural(n[NL_COPY_ACT_JUNCTION], "junction", "junctions"),
		 (unsigned long long)n[NL_COPY_ACT_SYMLINK],
		 plural(n[NL_COPY_ACT_SYMLINK], "symlink", "symlinks"),
		 (unsigned long long)n[NL_COPY_ACT_CROPPED],
		 (unsigned long long)n[NL_COPY_ACT_SPLICED],
		 (unsigned long long)n[NL_COPY_ACT_UNROLLED],
		 (unsigned long long)n[NL_COPY_ACT_DANGLING],
		 (unsigned long long)n[NL_COPY_ACT_LOOP],
		 (unsigned long long)n[NL_COPY_ACT_EXCLUDED],
		 (unsigned long long)n[NL_COPY_ACT_WARNING],
		 (unsigned long long)n[NL_COPY_ACT_ERROR], out);
	nl_cell_str(t, S_LINE, line);
	nl_row_end(t);
}

enum {
	OPT_CROP = 256, OPT_SPLICE, OPT_UNROLL, OPT_INTO, OPT_EXCLUDE, OPT_INCLUDE, OPT_DRIVE,
	OPT_DEST_DRIVE, OPT_NO_ACL, OPT_STREAMS, OPT_LIST, OPT_JSON, OPT_CREATE_IMAGE,
	OPT_SYMBOLIC, OPT_COPY_OVER_LIMIT, OPT_CHECKSUM,
};

static const struct option longopts[] = {
	{ "crop", no_argument, NULL, OPT_CROP },
	{ "splice", no_argument, NULL, OPT_SPLICE },
	{ "unroll", no_argument, NULL, OPT_UNROLL },
	{ "into", no_argument, NULL, OPT_INTO },
	{ "parents", no_argument, NULL, 'p' },
	{ "create-image", required_argument, NULL, OPT_CREATE_IMAGE },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "include", required_argument, NULL, OPT_INCLUDE },
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "dest-drive", required_argument, NULL, OPT_DEST_DRIVE },
	{ "no-acl", no_argument, NULL, OPT_NO_ACL },
	{ "streams", required_argument, NULL, OPT_STREAMS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "symbolic", no_argument, NULL, OPT_SYMBOLIC },	/* clone only */
	{ "copy-over-limit", no_argument, NULL, OPT_COPY_OVER_LIMIT },	/* clone only */
	{ "checksum", no_argument, NULL, OPT_CHECKSUM },	/* mirror only */
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },	/* the global option, after the command */
	{ NULL, 0, NULL, 0 }
};

/* A size with an optional K, M or G suffix (powers of 1024), at least 1 MiB. */
static uint64_t size_arg(const char *opt, const char *a)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(a, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || end == a || *end || a[0] == '-' || v > (UINT64_MAX >> shift) ||
	    (v << shift) < (1u << 20))
		fe_usage_error(cmd, "%s wants a size of at least 1M like 64M, not '%s'", opt, a);
	return (uint64_t)v << shift;
}

/* One option @ch of the command line into @o, @f.  Returns the number of
 * outer-link policies it gave (0 or 1). */
static int parse_option(int ch, char **argv, struct nl_copy_options *o, struct copy_fe *f)
{
	switch (ch) {
	case OPT_CROP:
	case OPT_SPLICE:
	case OPT_UNROLL:
		o->outer = ch == OPT_CROP ? NL_COPY_CROP :
			   ch == OPT_SPLICE ? NL_COPY_SPLICE : NL_COPY_UNROLL;
		return 1;
	case OPT_INTO:
	case 'p':
	case OPT_CREATE_IMAGE:
		if (f->mirror)	/* a mirror's destination exists and is the copy itself */
			fe_bad_option(cmd, argv);
		if (ch == OPT_INTO)
			o->into = true;
		else if (ch == 'p')
			o->parents = true;
		else
			o->create_image = size_arg("--create-image", optarg);
		break;
	case OPT_CHECKSUM:
		if (!f->mirror)
			fe_bad_option(cmd, argv);
		o->checksum = true;
		break;
	case 'n': o->dry_run = true; break;
	case OPT_EXCLUDE:
	case OPT_INCLUDE:
		break;	/* read by parse_patterns() once the command line is known good */
	case OPT_DRIVE: o->src_drive = drive_arg("--drive", optarg); break;
	case OPT_DEST_DRIVE: o->dest_drive = drive_arg("--dest-drive", optarg); break;
	case OPT_NO_ACL: o->no_acl = true; break;
	case OPT_STREAMS:
		if (!strcmp(optarg, "drop"))
			o->streams = NL_COPY_STREAMS_DROP;
		else if (!strcmp(optarg, "xattr"))
			o->streams = NL_COPY_STREAMS_XATTR;
		else
			fe_usage_error(cmd, "--streams is drop or xattr, not '%s'", optarg);
		break;
	case OPT_LIST: f->list = true; break;
	case OPT_JSON: f->json = true; break;
	case OPT_SYMBOLIC:
	case OPT_COPY_OVER_LIMIT:
		if (!f->clone)
			fe_bad_option(cmd, argv);
		if (ch == OPT_SYMBOLIC)
			o->clone = NL_COPY_CLONE_SYMBOLIC;
		else
			o->copy_over_limit = true;
		break;
	case 'h':
		if (f->mirror)
			fe_cmd_mirror.usage(stdout);
		else if (f->clone)
			fe_cmd_clone.usage(stdout);
		else
			usage(stdout);
		exit(FE_EXIT_OK);
	case 'v': fe_more_verbose(); break;
	default:
		fe_bad_option(cmd, argv);
	}
	return 0;
}

/*
 * The patterns of --exclude and --include, read in a second pass over the
 * options once every other misuse has been ruled out, so that no exit on a
 * misuse leaves them allocated.  The first pass left argv permuted, options
 * first: the second one finds the same options and ends at the same place.
 */
static void parse_patterns(int argc, char **argv, struct patterns *excl, struct patterns *incl)
{
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "nphv", longopts, NULL)) != -1)
		if (ch == OPT_EXCLUDE)
			add_patterns(excl, incl, optarg);
		else if (ch == OPT_INCLUDE)
			add_patterns(incl, excl, optarg);
}

/* The command line into @o and @f; misuse exits 2. */
static void parse_args(int argc, char **argv, struct nl_copy_options *o, struct copy_fe *f,
		       struct patterns *excl, struct patterns *incl)
{
	int ch, policies = 0;

	while ((ch = getopt_long(argc, argv, "nphv", longopts, NULL)) != -1)
		policies += parse_option(ch, argv, o, f);
	if (policies > 1)
		fe_usage_error(cmd, "--crop, --splice and --unroll exclude each other");
	if (o->clone == NL_COPY_CLONE_SYMBOLIC && o->copy_over_limit)
		fe_usage_error(cmd, "--copy-over-limit is for hardlink clones, not --symbolic");
	if (argc - optind < 2)
		fe_usage_error(cmd, argc - optind ? "no destination given" : "no source given");
	if (f->clone && argc - optind > 2)
		fe_usage_error(cmd, "a clone has one source");
	if (f->mirror && argc - optind > 2)
		fe_usage_error(cmd, "a mirror has one source");
	f->dest = argv[argc - 1];
	f->list |= f->mirror;
	parse_patterns(argc, argv, excl, incl);
	o->exclude = excl->v;
	o->n_exclude = excl->n;
	o->include = incl->v;
	o->n_include = incl->n;
	o->on_action = on_action;
	o->action_ctx = f;
	o->progress = on_progress;
	o->progress_ctx = f;
	f->dry_run = o->dry_run;
}

/* The job: sources argv[0 .. n-2], destination argv[n-1].  On failure the
 * message is printed and the job freed; returns the exit status: 1 for a path
 * that is missing or passes through a file (as the audit commands), else 2. */
static int open_job(nl_copy **c, const struct nl_copy_options *o, int n, char **argv)
{
	int rc = nl_copy_new(o, c);

	if (rc) {
		fe_error(NULL, "%s", strerror(-rc));
		return FE_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		rc = i < n - 1 ? nl_copy_add_source(*c, argv[i]) : nl_copy_set_dest(*c, argv[i]);
		if (rc) {
			fe_error(argv[i], "%s", nl_copy_error(*c));
			nl_copy_free(c);
			return rc == -ENOENT || rc == -ENOTDIR ? FE_EXIT_PARTIAL : FE_EXIT_USAGE;
		}
	}
	return FE_EXIT_OK;
}

/* The listing on stdout: JSON or text. */
static int open_listing(struct copy_fe *f)
{
	/* a copy's summary has no clone column: it ends before it; a mirror's
	 * has its own columns in its place */
	static struct nl_column mcols[M_NCOLS];
	size_t nsum = f->mirror ? M_NCOLS : f->clone ? S_NCOLS : S_CLONED;

	memcpy(mcols, sum_cols, (S_LINE + 1) * sizeof(*mcols));
	memcpy(mcols + S_LINE + 1, mirror_cols, sizeof(mirror_cols));
	if (nl_emit_open(f->json ? NL_EMIT_JSON : NL_EMIT_TEXT, stdout, NULL, &f->em) ||
	    nl_emit_table(f->em, "action", act_cols, C_NCOLS, NL_TABLE_LINES, &f->tact) ||
	    nl_emit_table(f->em, "summary", f->mirror ? mcols : sum_cols, nsum,
			  NL_TABLE_SUMMARY | NL_TABLE_LINES, &f->tsum) ||
	    nl_emit_table(f->em, "drive", drive_cols, D_NCOLS, NL_TABLE_LINES, &f->tdrive)) {
		fe_error(NULL, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int fe_copy_run(int argc, char **argv)
{
	struct nl_copy_options o;
	struct copy_fe f;
	nl_copy *c = NULL;
	struct nl_copy_stats st;
	struct patterns excl = { 0 }, incl = { 0 };
	int rc, status;

	memset(&f, 0, sizeof(f));
	nl_copy_options_init(&o);
	f.clone = !strcmp(argv[0], "clone");
	f.mirror = !strcmp(argv[0], "mirror");
	cmd = f.clone ? "clone" : f.mirror ? "mirror" : "copy";
	if (f.clone)
		o.clone = NL_COPY_CLONE_HARDLINK;
	o.mirror = f.mirror;
	parse_args(argc, argv, &o, &f, &excl, &incl);
	fe_progress_init(&f.prog, f.clone ? "cloning" : f.mirror ? "mirroring" : "copying",
			 "items");
	status = open_job(&c, &o, argc - optind, argv + optind);
	if (status == FE_EXIT_OK && open_listing(&f) < 0) {
		nl_copy_free(&c);
		status = FE_EXIT_USAGE;
	}
	if (status == FE_EXIT_OK) {
		rc = nl_copy_run(c);
		fe_progress_end(&f.prog);
		nl_copy_get_stats(c, &st);
		if (rc < 0) {
			fe_error(argv[argc - 1], "%s", nl_copy_error(c));
			status = rc == -ELOOP || rc == -EINVAL || rc == -EXDEV ||
				 (f.mirror && (rc == -ENOENT || rc == -ENOTDIR)) ? FE_EXIT_USAGE
										 : FE_EXIT_PARTIAL;
		} else {
			if (!f.json)
				drive_notes(&f, c, argv + optind, (size_t)(argc - 1 - optind));
			summary(&f, &st);
			status = rc > 0 ? FE_EXIT_PARTIAL : fe_exit_status();
		}
		nl_copy_free(&c);
	}
	rc = nl_emit_close(&f.em);
	if (rc < 0 && rc != -EPIPE) {
		fe_error(NULL, "write error on standard output: %s", strerror(-rc));
		status = FE_EXIT_PARTIAL;
	}
	free_patterns(&excl);
	free_patterns(&incl);
	if (status == FE_EXIT_OK && fe_had_errors)
		status = FE_EXIT_PARTIAL;
	return status;
}

const struct fe_command fe_cmd_copy = {
	.name = "copy",
	.summary = "Smart Copy: copy trees keeping hardlinks, junctions and symlinks",
	.run = fe_copy_run,
	.usage = usage,
};
