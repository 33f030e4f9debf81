/* fe_audit_path.c: a path argument that passes through a junction or symbolic link, followed as Windows opens it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/analysis.h>

#include "fe.h"
#include "fe_audit.h"

/* Links followed for one argument at most (Windows gives up after 63 reparse points). */
#define FE_MAX_HOPS 63

/* One link passed on the way: its path and where it led. */
struct hop {
	char *link;
	char *target;
	const char *kind;
};

struct walk {
	struct fe_audit *a;
	nl_analysis *an;		/* root-anchored: only targets are asked */
	struct hop hops[FE_MAX_HOPS];
	size_t nhops;
	char *at;			/* the path walked so far, as the volume spells it */
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		fe_audit_nomem();
	return d;
}

/* walk->at with "/@name[0..len)" appended. */
static void walk_append(struct walk *w, const char *name, size_t len)
{
	size_t n = strlen(w->at);
	char *p = malloc(n + len + 2);

	if (!p)
		fe_audit_nomem();
	memcpy(p, w->at, n);
	p[n] = '/';
	memcpy(p + n + 1, name, len);
	p[n + 1 + len] = '\0';
	free(w->at);
	w->at = p;
}

static const char *link_kind(const struct nl_link_info *li)
{
	if (li->rp && li->rp->type == NL_RP_SYMLINK)
		return "symbolic link";
	return li->rp ? li->rp->name : "link";
}

/*
 * While record *@cur (at w->at) is a link, follow it to its target on this volume.  Returns 0,
 * or -ELOOP / -EXDEV / -ENOENT after saying which link is in the way.
 */
static int follow(struct walk *w, const char *arg, uint64_t *cur)
{
	struct nl_record_info ri;
	struct nl_link_info li;

	while (nl_model_record(w->a->model, *cur, &ri) == 0 && (ri.flags & NL_REC_REPARSE) &&
	       nl_analysis_link(w->an, *cur, &li) == 0 && li.target) {
		if (w->nhops == FE_MAX_HOPS) {
			fe_error(w->a->image, "'%s': a %s is in the way: '%s' (too many links on the way)",
				 arg, link_kind(&li), w->at);
			return -ELOOP;
		}
		if (!li.target_path || !li.target_found) {
			fe_error(w->a->image, "'%s': a %s is in the way: '%s' (%s)", arg,
				 link_kind(&li), w->at,
				 !li.target_path ? "its target is not on this volume" :
				 "its target does not exist");
			return li.target_path ? -ENOENT : -EXDEV;
		}
		w->hops[w->nhops++] = (struct hop){ xstrdup(w->at), xstrdup(li.target_path),
						    link_kind(&li) };
		free(w->at);
		w->at = xstrdup(strcmp(li.target_path, "/") ? li.target_path : "");
		*cur = li.target_mft;
	}
	return 0;
}

/* Walk the components of @path (drive and "\??\" gone) from the root, following every link met
 * before the last one.  Returns 0 (*@mft set), 1 when no link was met (the lookup's own error
 * stands), or a negative errno after its message. */
static int walk_path(struct walk *w, const char *arg, const char *path, uint64_t *mft)
{
	uint64_t cur = NL_ROOT_MFT;
	const char *p = path;

	while (*p) {
		size_t len = strcspn(p, "/\\");
		const char *next = p + len + (p[len] != '\0');
		bool last = strspn(next, "/\\") == strlen(next);
		uint64_t child;
		int rc;

		if (len == 0 || (len == 1 && p[0] == '.')) {
			p = next;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 1; /* ".." after a link: not followed */
		rc = nl_model_lookup_child(w->a->model, cur, p, len, &child, NULL);
		if (rc == -ENOMEM)
			fe_audit_nomem();
		if (rc < 0) {
			if (!w->nhops)
				return 1;
			walk_append(w, p, len);
			fe_error(w->a->image, "'%s': no such file or directory ('%s', through %s '%s')",
				 arg, w->at, w->hops[w->nhops - 1].kind, w->hops[w->nhops - 1].link);
			return rc;
		}
		walk_append(w, p, len);
		cur = child;
		if (!last && (rc = follow(w, arg, &cur)) < 0)
			return rc;
		p = next;
	}
	if (!w->nhops)
		return 1;
	*mft = cur;
	return 0;
}

int fe_audit_resolve_links(struct fe_audit *a, const char *arg, const char *path, uint64_t *mft)
{
	struct nl_analysis_options ao;
	struct walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(&ao, 0, sizeof(ao));
	w.a = a;
	ao.anchor = NL_ROOT_MFT;
	ao.drive = a->drive;
	ao.source = a->image;
	rc = nl_analysis_open(a->model, &ao, &w.an);
	if (rc == -ENOMEM)
		fe_audit_nomem();
	if (rc < 0)
		return 1;
	if (path[0] && path[1] == ':')
		path += 2;
	w.at = xstrdup("");
	rc = walk_path(&w, arg, path, mft);
	for (size_t i = 0; i < w.nhops; i++) {
		if (rc == 0)
			fe_error(arg, "resolved through %s '%s' to '%s'", w.hops[i].kind, w.hops[i].link,
				 w.hops[i].target);
		free(w.hops[i].link);
		free(w.hops[i].target);
	}
	free(w.at);
	nl_analysis_close(&w.an);
	return rc;
}
