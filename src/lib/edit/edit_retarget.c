/* edit_retarget.c: the links of a volume read by one scan before it is opened for editing (with the drive letter the audit infers), and the rules that give them new targets (--map, --to-guid, --relative). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>

#include "edit/edit_int.h"

void nl_edit_links_free(struct nl_edit_links **lp)
{
	struct nl_edit_links *l;

	if (!lp || !*lp)
		return;
	l = *lp;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].dir);
		nl_target_clear(&l->v[i].target);
	}
	free(l->v);
	free(l);
	*lp = NULL;
}

static int by_path(const void *a, const void *b)
{
	const struct nl_edit_link *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* A copy of @src into @dst (strings duplicated). */
static int copy_target(const struct nl_target *src, struct nl_target *dst)
{
	char *nt = NULL;
	int rc;

	/* the NT spelling parses back to the same target */
	rc = nl_target_format(src, NL_TSTYLE_NT, &nt);
	if (rc)
		return rc;
	rc = nl_target_parse(nt, src->kind == NL_TGT_RELATIVE, dst);
	free(nt);
	return rc;
}

/* Add the link @li (a junction, mount point or symbolic link) to @l. */
static int add_link(struct nl_edit_links *l, const nl_model *m, const struct nl_link_info *li,
		    size_t *cap, char *path)
{
	struct nl_record_info ri;
	struct nl_edit_link *k;
	size_t len;
	unsigned pf;
	int rc;

	if (nl_model_record(m, li->mft, &ri) ||
	    nl_model_record_path(m, li->mft, path, NL_PATH_BUF, &len, &pf))
		return 0;       /* no name to show: not reachable by path, left alone */
	if (l->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct nl_edit_link *nv = realloc(l->v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		*cap = nc;
	}
	k = &l->v[l->n];
	memset(k, 0, sizeof(*k));
	k->ref = NL_MREF_MAKE(li->mft, ri.seq);
	k->kind = li->tag == NL_TAG_SYMLINK ? NL_LINK_SYMLINK : NL_LINK_JUNCTION;
	k->path = strdup(path);
	k->dir = strdup(path);
	if (!k->path || !k->dir) {
		free(k->path);
		free(k->dir);
		return -ENOMEM;
	}
	{
		char *slash = strrchr(k->dir, '/');

		slash[slash == k->dir ? 1 : 0] = '\0';
	}
	rc = copy_target(li->target, &k->target);
	if (rc) {
		free(k->path);
		free(k->dir);
		return rc;
	}
	l->n++;
	return 0;
}

/* The links under @under (record number) from analysis @a. */
static int collect(struct nl_edit_links *l, const nl_model *m, const nl_analysis *a,
		   uint64_t under)
{
	struct nl_link_info li;
	size_t cursor = 0, cap = 0;
	char *path = malloc(NL_PATH_BUF);
	int rc;

	if (!path)
		return -ENOMEM;
	while ((rc = nl_analysis_next(a, &cursor, &li)) == 0) {
		if ((li.tag != NL_TAG_MOUNT_POINT && li.tag != NL_TAG_SYMLINK) || !li.rp ||
		    li.rp->problem || !li.target || li.target->kind == NL_TGT_NONE)
			continue;
		if (!nl_model_is_under(m, li.mft, under))
			continue;
		rc = add_link(l, m, &li, &cap, path);
		if (rc)
			break;
	}
	free(path);
	if (rc < 0)
		return rc;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_path);
	return 0;
}

int nl_edit_links_read(const char *spec, const char *under, char drive,
		       struct nl_edit_links **out, char *err, size_t errlen)
{
	struct nl_analysis_options ao = { .drive = drive };
	struct nl_scan_options so = { 0 };
	struct nl_drive_guess g = { 0 };
	struct nl_edit_links *l;
	nl_volume *vol = NULL;
	nl_model *m = NULL;
	nl_analysis *a = NULL;
	uint64_t dir = 0;
	char why[NL_ERRMSG_SIZE] = "";
	int rc;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = nl_volume_open(spec, NULL, &vol, why, sizeof(why));
	if (!rc)
		rc = nl_scan(vol, &so, &m);
	if (!rc)
		rc = nl_analysis_open(m, &ao, &a);
	if (!rc)
		rc = nl_analysis_drive(a, &g);
	if (rc && !*why)
		snprintf(why, sizeof(why), "cannot read the volume: %s", strerror(-rc));
	if (!rc && under) {
		rc = nl_model_lookup_path(m, under, &dir);
		if (rc == -ENOENT || rc == -ENOTDIR)
			snprintf(why, sizeof(why), "no such folder");
		if (!rc)
			rc = collect(l, m, a, dir);
	}
	if (!rc) {
		l->drive_given = g.given;
		l->drive = g.drive ? g.drive : 'C';
	}
	nl_analysis_close(&a);
	nl_model_free(&m);
	nl_volume_close(&vol);
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s", *why ? why : strerror(-rc));
		nl_edit_links_free(&l);
		return rc;
	}
	*out = l;
	return 0;
}

int nl_retarget_rule_apply(const struct nl_retarget_rule *r, const struct nl_edit_link *l,
			   struct nl_target *out)
{
	memset(out, 0, sizeof(*out));
	switch (r->how) {
	case NL_RETARGET_MAP:
		return nl_target_map_prefix(&l->target, &r->from, &r->to, out);
	case NL_RETARGET_TO_GUID:
		return nl_target_to_volume(&l->target, r->drive, r->guid, out);
	case NL_RETARGET_RELATIVE:
		/* a junction or mount point cannot hold a relative target */
		if (l->kind != NL_LINK_SYMLINK)
			return 0;
		return nl_target_to_relative(&l->target, r->drive, r->guid, l->dir, out);
	}
	return -EINVAL;
}
