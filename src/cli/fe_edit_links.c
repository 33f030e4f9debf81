/* fe_edit_links.c: what junction, symlink, mountpoint and retarget share: --drive, the volume's drive letter (given, or inferred by one scan), targets as typed, and making one link. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>

#include "fe.h"
#include "fe_edit.h"
#include "fe_edit_links.h"

int fe_links_read(const struct fe_endpoint *ep, bool under, char drive, struct nl_edit_links **out)
{
	char err[NL_ERRMSG_SIZE];
	int rc = nl_edit_links_read(ep->image, under ? ep->path : NULL, drive, out, err, sizeof(err));

	if (rc == 0)
		return FE_EXIT_OK;
	if (rc == -ENOENT || rc == -ENOTDIR) {
		fe_error(ep->arg, "%s", err);
		return FE_EXIT_PARTIAL;
	}
	fe_error(ep->image, "%s", err);
	return FE_EXIT_USAGE;
}

int fe_target_parse(enum nl_link_kind kind, const char *text, char drive, struct nl_target *t)
{
	const char *why = NULL;
	int rc = nl_link_target_parse(kind, text, drive, t, &why);

	if (rc == 0)
		return FE_EXIT_OK;
	fe_error(text, "%s", why ? why : strerror(-rc));
	return FE_EXIT_PARTIAL;
}

bool fe_target_needs_drive(const char *text)
{
	struct nl_target t;
	bool need;

	if (nl_target_parse(text, false, &t))
		return true;
	need = t.kind == NL_TGT_DRIVE || t.kind == NL_TGT_ROOTED;
	nl_target_clear(&t);
	return need;
}

/* The folder of PATH inside the volume ("/a" for "/a/b", "/" at the root), malloc'ed. */
static char *folder_of(const char *path)
{
	char *norm = NULL, *slash;

	if (nl_path_resolve("/", path, &norm, NULL))
		return NULL;
	slash = strrchr(norm, '/');
	slash[slash == norm ? 1 : 0] = '\0';
	return norm;
}

/* --relative: TARGET on this volume made relative to the folder of the new link PATH. */
static int make_relative(const char *cmd, struct nl_target *t, char drive, const char *path)
{
	struct nl_target rel;
	char *dir = folder_of(path);
	int rc;

	if (!dir) {
		fe_error(NULL, "out of memory");
		return FE_EXIT_USAGE;
	}
	rc = nl_target_to_relative(t, drive, NULL, dir, &rel);
	free(dir);
	if (rc < 0) {
		fe_error(NULL, "out of memory");
		return FE_EXIT_USAGE;
	}
	if (rc == 0)
		fe_usage_error(cmd, "--relative: the target is not on this volume (drive %c:)", drive);
	nl_target_clear(t);
	*t = rel;
	return FE_EXIT_OK;
}

enum { OPT_DRIVE = FE_EDIT_OPT_FIRST_OWN, OPT_DIR, OPT_FILE, OPT_RELATIVE };

static const struct option make_opts[] = {
	FE_EDIT_LONGOPTS,
	{ "drive", required_argument, NULL, OPT_DRIVE },
	{ "dir", no_argument, NULL, OPT_DIR },
	{ "file", no_argument, NULL, OPT_FILE },
	{ "relative", no_argument, NULL, OPT_RELATIVE },
	{ NULL, 0, NULL, 0 },
};

/* Make one link: the target parsed, the image opened, the link made. */
static int make_one(struct fe_edit *f, enum nl_link_kind kind, const struct fe_endpoint *ep,
		    const char *text, char drive, bool relative, unsigned flags)
{
	struct nl_edit_link_options o = { .flags = flags };
	struct nl_edit_links *l = NULL;
	struct nl_target t;
	int status;

	if (kind != NL_LINK_MOUNT_POINT && !drive && fe_target_needs_drive(text)) {
		status = fe_links_read(ep, false, 0, &l);
		if (status)
			return status;
		drive = l->drive;
		nl_edit_links_free(&l);
	}
	o.drive = drive;
	status = fe_target_parse(kind, text, drive, &t);
	if (status)
		return status;
	if (relative && t.kind != NL_TGT_RELATIVE)
		status = make_relative(f->cmd, &t, drive, ep->path);
	if (!status)
		status = fe_edit_open(f, ep->image);
	if (!status && nl_edit_make_link(f->e, ep->path, kind, &t, &o)) {
		fe_edit_failed(f, ep->arg);
		status = FE_EXIT_PARTIAL;
	}
	nl_target_clear(&t);
	return status;
}

int fe_make_link_main(enum nl_link_kind kind, int argc, char **argv, void (*usage)(FILE *out))
{
	struct fe_edit f = { .cmd = nl_link_kind_name(kind) };
	struct fe_endpoint ep;
	unsigned flags = 0;
	bool relative = false;
	char drive = 0;
	int ch, status;

	while ((ch = getopt_long(argc, argv, FE_EDIT_SHORTOPTS, make_opts, NULL)) != -1) {
		if (fe_edit_option(&f, ch, usage))
			continue;
		if (ch == OPT_DRIVE && kind != NL_LINK_MOUNT_POINT)
			drive = fe_drive_arg(f.cmd, "--drive", optarg);
		else if (ch == OPT_DIR && kind == NL_LINK_SYMLINK)
			flags |= NL_EDIT_LINK_DIR;
		else if (ch == OPT_FILE && kind == NL_LINK_SYMLINK)
			flags |= NL_EDIT_LINK_FILE;
		else if (ch == OPT_RELATIVE && kind == NL_LINK_SYMLINK)
			relative = true;
		else if (ch == '?' || ch == ':')
			fe_bad_option(f.cmd, argv);
		else
			fe_usage_error(f.cmd, "option '%s' is not for %s", argv[optind - 1], f.cmd);
	}
	if (flags == (NL_EDIT_LINK_DIR | NL_EDIT_LINK_FILE))
		fe_usage_error(f.cmd, "--dir and --file exclude each other");
	if (argc - optind != 2)
		fe_usage_error(f.cmd, "expected IMAGE:/path and a target");
	fe_endpoint_parse(&f, argv[optind], &ep);
	status = make_one(&f, kind, &ep, argv[optind + 1], drive, relative, flags);
	status = fe_edit_finish(&f, status);
	fe_endpoint_free(&ep);
	return status;
}
