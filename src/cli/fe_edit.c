/* fe_edit.c: what the commands that edit an image share: IMAGE:/path endpoints, the common options, opening and closing the image, and the action log as text or JSON. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfslinks/ntfslinks.h>

#include "fe.h"
#include "fe_edit.h"

const char fe_edit_common_help[] =
	"  -n, --dry-run         check everything and list what would be done;\n"
	"                        the image is only read\n"
	"      --posix           allow names Windows refuses (aux, nul, com1, a\n"
	"                        trailing dot or space, < > : \" | ? *)\n"
	"      --json            the action log as JSON Lines: one object per change,\n"
	"                        then a summary\n"
	"  -h, --help            display this help and exit\n";

bool fe_edit_option(struct fe_edit *f, int ch, void (*usage)(FILE *out))
{
	switch (ch) {
	case 'n': f->dry_run = true; return true;
	case FE_EDIT_OPT_JSON: f->json = true; return true;
	case FE_EDIT_OPT_POSIX: f->posix = true; return true;
	case 'v': fe_more_verbose(); return true;
	case 'h':
		usage(stdout);
		exit(FE_EXIT_OK);
	default:
		return false;
	}
}

/* ---- endpoints ------------------------------------------------------------ */

/* Is @p an image: an existing regular file or block device, or such a file
 * followed by "@N"? */
static bool is_image(const char *p)
{
	struct stat sb;
	const char *at = strrchr(p, '@');
	char *base;
	bool r;

	if (stat(p, &sb) == 0)
		return S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode);
	if (!at || !at[1] || strspn(at + 1, "0123456789") != strlen(at + 1))
		return false;
	base = strndup(p, (size_t)(at - p));
	r = base && stat(base, &sb) == 0 && (S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode));
	free(base);
	return r;
}

void fe_endpoint_parse(struct fe_edit *f, const char *arg, struct fe_endpoint *ep)
{
	char *path = NULL;
	size_t len = 0;

	memset(ep, 0, sizeof(*ep));
	ep->arg = arg;
	/* the first ':' after which the part before names an image */
	for (const char *q = strchr(arg, ':'); q; q = strchr(q + 1, ':')) {
		char *img = strndup(arg, (size_t)(q - arg));

		if (!img) {
			fe_error(NULL, "out of memory");
			exit(FE_EXIT_USAGE);
		}
		if (*img && is_image(img)) {
			ep->image = img;
			if (nl_unescape(q + 1, strlen(q + 1), &path, &len)) {
				fe_error(NULL, "out of memory");
				exit(FE_EXIT_USAGE);
			}
			break;
		}
		free(img);
	}
	if (!ep->image)
		fe_usage_error(f->cmd, "'%s': not IMAGE:/path (no such image file or device)", arg);
	if (strlen(path) != len)
		fe_usage_error(f->cmd, "'%s': a path cannot hold a NUL byte", arg);
	if (!nl_wtf8_valid(path, len))
		fe_usage_error(f->cmd, "'%s': the path is not valid UTF-8 (or WTF-8)", arg);
	ep->path = path;
}

void fe_endpoint_free(struct fe_endpoint *ep)
{
	free(ep->image);
	free(ep->path);
	memset(ep, 0, sizeof(*ep));
}

/* The identity of an image spec: device and inode of its file, and "@N". */
static bool same_image(const char *a, const char *b)
{
	struct stat sa, sb;
	const char *pa = strrchr(a, '@'), *pb = strrchr(b, '@');
	char *fa = pa ? strndup(a, (size_t)(pa - a)) : strdup(a);
	char *fb = pb ? strndup(b, (size_t)(pb - b)) : strdup(b);
	bool r;

	/* a file whose name holds '@' is itself, not a partition */
	if (fa && stat(a, &sa) == 0) {
		free(fa);
		fa = strdup(a);
		pa = NULL;
	}
	if (fb && stat(b, &sb) == 0) {
		free(fb);
		fb = strdup(b);
		pb = NULL;
	}
	r = fa && fb && stat(fa, &sa) == 0 && stat(fb, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && sa.st_rdev == sb.st_rdev &&
	    strcmp(pa ? pa : "", pb ? pb : "") == 0;
	free(fa);
	free(fb);
	return r;
}

void fe_endpoints_one_image(struct fe_edit *f, const struct fe_endpoint *ep, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (!same_image(ep[0].image, ep[i].image))
			fe_usage_error(f->cmd, "'%s' and '%s' are not in one image: %s works inside "
				       "one volume", ep[0].arg, ep[i].arg, f->cmd);
}

/* ---- the action log ------------------------------------------------------- */

enum { A_ACTION, A_PATH, A_TARGET, A_DETAIL, A_MFT, A_DRY_RUN,
       A_TXT_TARGET, A_TXT_DETAIL, A_NCOLS };

#define TXT_ONLY (NL_COL_NO_JSON | NL_COL_NO_CSV | NL_COL_OPTIONAL)

/* Text: "ACTION      PATH [-> TARGET] [(DETAIL)]". */
static const struct nl_column act_cols[A_NCOLS] = {
	[A_ACTION] = { "action", "ACTION", 0, 11 },
	[A_PATH] = { "path", "PATH", NL_ROLE_NAME, 0 },
	[A_TARGET] = { "target", "TARGET", NL_COL_NO_TEXT, 0 },
	[A_DETAIL] = { "detail", "DETAIL", NL_COL_NO_TEXT, 0 },
	[A_MFT] = { "mft", "MFT", NL_COL_RIGHT | NL_COL_NO_TEXT, 0 },
	[A_DRY_RUN] = { "dry_run", "DRY RUN", NL_COL_NO_TEXT, 0 },
	[A_TXT_TARGET] = { "target_text", NULL, TXT_ONLY, 0 },
	[A_TXT_DETAIL] = { "detail_text", NULL, TXT_ONLY, 0 },
};

enum { S_CHANGES, S_WARNINGS, S_DRY_RUN, S_LINE, S_NCOLS };

static const struct nl_column sum_cols[S_NCOLS] = {
	[S_CHANGES] = { "changes", "Changes", NL_COL_NO_TEXT, 0 },
	[S_WARNINGS] = { "warnings", "Warnings", NL_COL_NO_TEXT, 0 },
	[S_DRY_RUN] = { "dry_run", "Dry run", NL_COL_NO_TEXT, 0 },
	[S_LINE] = { "line", NULL, NL_COL_NO_JSON | NL_COL_NO_CSV, 0 },
};

/* "PRE S POST" into cell COL of @t (nothing when S is NULL). */
static void cell_wrap(nl_table *t, size_t col, const char *pre, const char *s, const char *post)
{
	char *v;

	if (!s)
		return;
	if (asprintf(&v, "%s%s%s", pre, s, post) < 0) {
		fe_error(NULL, "out of memory");
		exit(FE_EXIT_USAGE);
	}
	nl_cell_str(t, col, v);
	free(v);
}

static void on_action(void *ctx, const struct nl_edit_event *ev)
{
	struct fe_edit *f = ctx;
	nl_table *t = f->tact;

	if (ev->action == NL_EDIT_ACT_WARNING) {
		char *p = NULL;

		f->warnings++;
		nl_escape_dup(ev->path, strlen(ev->path), 0, &p);
		fe_error(p ? p : ev->path, "warning: %s", ev->detail ? ev->detail : "");
		free(p);
		if (!f->json)
			return;
	} else {
		f->changes++;
	}
	nl_cell_str(t, A_ACTION, nl_edit_action_name(ev->action));
	nl_cell_str(t, A_PATH, ev->path);
	nl_cell_str(t, A_TARGET, ev->target);
	nl_cell_str(t, A_DETAIL, ev->detail);
	if (ev->mft != UINT64_MAX)
		nl_cell_uint(t, A_MFT, ev->mft);
	nl_cell_bool(t, A_DRY_RUN, ev->dry_run);
	cell_wrap(t, A_TXT_TARGET, "-> ", ev->target, "");
	cell_wrap(t, A_TXT_DETAIL, "(", ev->detail, ")");
	nl_row_end(t);
}

int fe_edit_open(struct fe_edit *f, const char *image)
{
	struct nl_edit_options o = {
		.flags = (f->dry_run ? NL_EDIT_DRY_RUN : 0) | (f->posix ? NL_EDIT_POSIX : 0),
		.log = on_action,
		.log_ctx = f,
	};
	char err[NL_ERRMSG_SIZE];
	int rc;

	if (nl_emit_open(f->json ? NL_EMIT_JSON : NL_EMIT_TEXT, stdout, NULL, &f->em) ||
	    nl_emit_table(f->em, "action", act_cols, A_NCOLS, NL_TABLE_LINES, &f->tact) ||
	    nl_emit_table(f->em, "summary", sum_cols, S_NCOLS,
			  NL_TABLE_SUMMARY | NL_TABLE_LINES, &f->tsum)) {
		fe_error(NULL, "out of memory");
		return FE_EXIT_USAGE;
	}
	f->image = image;
	rc = nl_edit_open(image, &o, &f->e, err, sizeof(err));
	if (rc) {
		fe_error(image, "%s", err);
		return FE_EXIT_USAGE;
	}
	return FE_EXIT_OK;
}

void fe_edit_failed(struct fe_edit *f, const char *arg)
{
	const char *path = nl_edit_error_path(f->e);
	char *where = NULL, *shown = NULL;

	if (path && asprintf(&where, "%s:%s", f->image, path) >= 0)
		nl_escape_dup(where, strlen(where), 0, &shown);
	fe_warn_entry(shown ? shown : arg, "%s", nl_edit_error(f->e));
	free(where);
	free(shown);
}

static void summary(struct fe_edit *f)
{
	char line[160];

	nl_cell_uint(f->tsum, S_CHANGES, f->changes);
	nl_cell_uint(f->tsum, S_WARNINGS, f->warnings);
	nl_cell_bool(f->tsum, S_DRY_RUN, f->dry_run);
	snprintf(line, sizeof(line), "%s%llu %s%s", f->dry_run ? "dry run: " : "", f->changes,
		 f->changes == 1 ? "change" : "changes",
		 f->dry_run ? " (nothing written)" : "");
	nl_cell_str(f->tsum, S_LINE, line);
	nl_row_end(f->tsum);
}

int fe_edit_finish(struct fe_edit *f, int status)
{
	char err[NL_ERRMSG_SIZE];

	if (f->e && nl_edit_close(&f->e, err, sizeof(err))) {
		fe_error(NULL, "%s", err);
		status = FE_EXIT_PARTIAL;
		f->changes = 0;
	}
	if (f->em && status != FE_EXIT_USAGE)
		summary(f);
	return fe_emit_close(&f->em, status);
}
