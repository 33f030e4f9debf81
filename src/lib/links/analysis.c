/* analysis.c: classify links against an anchor folder, infer the drive letter, hardlink saturation, true size. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/unistr.h>

#define DEFAULT_DEPTH 64

struct entry {
	uint64_t mft;
	uint32_t tag;
	struct nl_reparse *rp;
	struct nl_target target;
	bool has_target;        /* a link type whose target was parsed */
	enum nl_link_class cls;
	char *hop_path;         /* first hop on this volume */
	bool found;
	uint64_t target_mft;
	const char *reason;
};

struct nl_analysis {
	nl_model *m;
	uint64_t anchor;
	bool no_root;           /* the model has no root folder: nothing on this volume resolves */
	char drive;
	bool drive_given;
	uint64_t support, drive_targets;
	char *volume_guid;
	unsigned max_depth;
	struct entry *e;
	size_t n;
	/* the links followed so far while classifying one link */
	uint64_t *visited;
	size_t nvisited;
};

static const char *const class_names[NL_CLASS_COUNT] = {
	"none", "inner", "outer", "other-volume", "dangling", "loop", "unknown",
};

const char *nl_link_class_name(enum nl_link_class c)
{
	return (unsigned)c < NL_CLASS_COUNT ? class_names[c] : "unknown";
}

int nl_link_class_from_name(const char *name)
{
	for (int i = 0; i < NL_CLASS_COUNT; i++)
		if (strcmp(name, class_names[i]) == 0)
			return i;
	return -EINVAL;
}

static struct entry *find_entry(const nl_analysis *a, uint64_t mft)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->e[mid].mft == mft)
			return &a->e[mid];
		if (a->e[mid].mft < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Is the entry a link we follow (decoded, with a target)? */
static bool is_link(const struct entry *x)
{
	return x && x->has_target;
}

/* ---- first hop ------------------------------------------------------------------ */

enum hop { HOP_HERE, HOP_OTHER, HOP_DANGLING, HOP_BAD, HOP_NOMEM };

/* The folder holding the link: its record path minus the last component.
 * -ENOENT when the link has no path from the root (orphaned, a loop). */
static int link_dir(const nl_analysis *a, uint64_t mft, char **out)
{
	char *buf = malloc(NL_PATH_BUF);
	size_t len = 0;
	unsigned pf = 0;
	char *slash;
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = nl_model_record_path(a->m, mft, buf, NL_PATH_BUF, &len, &pf);
	if (!rc && (pf & (NL_PATH_ORPHAN | NL_PATH_LOOP)))
		rc = -ENOENT;
	if (rc) {
		free(buf);
		return rc;
	}
	slash = strrchr(buf, '/');
	if (slash == buf)
		buf[1] = '\0';
	else if (slash)
		*slash = '\0';
	*out = buf;
	return 0;
}

/*
 * Where does link @x point first?  HOP_HERE with a malloc'ed volume path in
 * *@path, HOP_OTHER (another volume), HOP_DANGLING (relative above the
 * root), HOP_BAD (nothing usable), HOP_NOMEM.
 */
static enum hop first_hop(const nl_analysis *a, const struct entry *x, char **path,
			  const char **reason)
{
	const struct nl_target *t = &x->target;
	char *dir = NULL;
	bool above = false;
	int rc;

	*path = NULL;
	switch (t->kind) {
	case NL_TGT_DRIVE:
		if (!a->drive || t->drive != a->drive) {
			*reason = "target on another drive letter";
			return HOP_OTHER;
		}
		break;
	case NL_TGT_VOLUME:
		if (!a->volume_guid || strcasecmp(a->volume_guid, t->volume) != 0) {
			*reason = "target on another volume";
			return HOP_OTHER;
		}
		break;
	case NL_TGT_ROOTED:
		break;
	case NL_TGT_UNC:
		*reason = "target on a network share";
		return HOP_OTHER;
	case NL_TGT_NT_OTHER:
		*reason = "target is a device path";
		return HOP_OTHER;
	case NL_TGT_POSIX:
		if (t->path[0] == '/') {
			*reason = "absolute wsl target";
			return HOP_OTHER;
		}
		/* relative like a Windows relative target */
		__attribute__((fallthrough));
	case NL_TGT_RELATIVE:
		rc = link_dir(a, x->mft, &dir);
		if (rc == -ENOMEM)
			return HOP_NOMEM;
		if (rc) {
			*reason = "the link is not connected to the root: its relative target cannot be placed";
			return HOP_BAD;
		}
		rc = nl_path_resolve(dir, t->path, path, &above);
		free(dir);
		if (rc)
			return HOP_NOMEM;
		if (above) {
			free(*path);
			*path = NULL;
			*reason = "relative target goes above the root";
			return HOP_DANGLING;
		}
		return HOP_HERE;
	default:
		*reason = "empty target";
		return HOP_BAD;
	}
	*path = strdup(t->path);
	return *path ? HOP_HERE : HOP_NOMEM;
}

/* ---- resolution ----------------------------------------------------------------- */

enum res { RES_FOUND, RES_MISSING, RES_LOOP, RES_OTHER, RES_NOMEM };

static bool visited(const nl_analysis *a, uint64_t mft)
{
	for (size_t i = 0; i < a->nvisited; i++)
		if (a->visited[i] == mft)
			return true;
	return false;
}

static bool push_visited(nl_analysis *a, uint64_t mft)
{
	if (a->nvisited >= (size_t)a->max_depth + 2)
		return false;
	a->visited[a->nvisited++] = mft;
	return true;
}

/*
 * Resolve the absolute volume path @path component by component from the
 * root, NTFS case-insensitively, following name-surrogate links met before
 * the last component.  @hops counts links followed (shared with the chain).
 */
static enum res resolve(nl_analysis *a, const char *path, unsigned *hops, uint64_t *out,
			const char **reason)
{
	uint64_t cur = NL_ROOT_MFT;
	const char *p = path;
	size_t saved = a->nvisited;
	enum res r = RES_FOUND;

	for (;;) {
		const char *c;
		size_t n;
		uint64_t child;
		struct entry *x;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - c);
		if (nl_model_lookup_child(a->m, cur, c, n, &child, NULL) != 0) {
			*reason = "no such file";
			r = RES_MISSING;
			break;
		}
		while (*p == '/')
			p++;
		x = find_entry(a, child);
		if (*p && is_link(x)) {
			char *hop = NULL, *np;
			const char *why = NULL;
			enum hop h;

			if (visited(a, child)) {
				*reason = "path runs through a link already followed";
				r = RES_LOOP;
				break;
			}
			if (++*hops > a->max_depth || !push_visited(a, child)) {
				*reason = "too many links to follow";
				r = RES_LOOP;
				break;
			}
			h = first_hop(a, x, &hop, &why);
			if (h == HOP_NOMEM) {
				r = RES_NOMEM;
				break;
			}
			if (h != HOP_HERE) {
				*reason = h == HOP_OTHER ? "path runs through a link to another volume"
					: "path runs through a broken link";
				r = h == HOP_OTHER ? RES_OTHER : RES_MISSING;
				break;
			}
			np = malloc(strlen(hop) + strlen(p) + 2);
			if (!np) {
				free(hop);
				r = RES_NOMEM;
				break;
			}
			strcpy(np, hop);
			strcat(np, "/");
			strcat(np, p);
			free(hop);
			r = resolve(a, np, hops, out, reason);
			free(np);
			a->nvisited = saved;
			return r;
		}
		cur = child;
	}
	if (r == RES_FOUND)
		*out = cur;
	a->nvisited = saved;
	return r;
}

/* Is @target the link itself or a folder holding it? */
static bool is_self_or_ancestor(const nl_analysis *a, uint64_t link, uint64_t target)
{
	return link == target || nl_model_is_under(a->m, link, target) == 1;
}

/* Classify entry @x. Returns 0 or -ENOMEM. */
static int classify(nl_analysis *a, struct entry *x)
{
	const char *why = NULL;
	enum hop h;
	enum res r;
	unsigned hops = 0;
	uint64_t t, cur;
	struct entry *y;

	if (!x->rp) {
		/* unreadable (or undecodable) data: a link we cannot follow,
		 * unless the tag says it is no link; with no tag known it may be */
		if (x->tag && !(x->tag & NL_TAG_BIT_NAME_SURROGATE)) {
			x->cls = NL_CLASS_NONE;
			x->reason = NULL;
		} else {
			x->cls = NL_CLASS_UNKNOWN;
			x->reason = x->tag ? "reparse data unreadable"
					   : "reparse data unreadable and its tag unknown";
		}
		return 0;
	}
	if (!x->has_target) {
		if (x->rp->name_surrogate) {
			x->cls = NL_CLASS_UNKNOWN;
			x->reason = x->rp->problem ? x->rp->problem : "target not decoded for this tag";
		}
		return 0;
	}
	h = first_hop(a, x, &x->hop_path, &why);
	switch (h) {
	case HOP_NOMEM:
		return -ENOMEM;
	case HOP_OTHER:
		x->cls = NL_CLASS_OTHER_VOLUME;
		x->reason = NULL;
		return 0;
	case HOP_DANGLING:
		x->cls = NL_CLASS_DANGLING;
		x->reason = why;
		return 0;
	case HOP_BAD:
		x->cls = NL_CLASS_UNKNOWN;
		x->reason = why;
		return 0;
	case HOP_HERE:
		break;
	}
	if (a->no_root) {
		x->cls = NL_CLASS_UNKNOWN;
		x->reason = "the root folder is not in the model: targets on this volume cannot be resolved";
		return 0;
	}
	a->nvisited = 0;
	push_visited(a, x->mft);
	r = resolve(a, x->hop_path, &hops, &t, &why);
	if (r == RES_NOMEM)
		return -ENOMEM;
	if (r != RES_FOUND) {
		x->cls = r == RES_MISSING ? NL_CLASS_DANGLING : r == RES_LOOP ? NL_CLASS_LOOP
			 : NL_CLASS_OTHER_VOLUME;
		x->reason = r == RES_OTHER ? NULL : why;
		return 0;
	}
	x->found = true;
	x->target_mft = t;
	if (t == x->mft) {
		x->cls = NL_CLASS_LOOP;
		x->reason = "points to itself";
		return 0;
	}
	if (is_self_or_ancestor(a, x->mft, t)) {
		x->cls = NL_CLASS_LOOP;
		x->reason = "points to a folder that contains it";
		return 0;
	}
	/* follow the chain of links the target leads to */
	cur = t;
	while ((y = find_entry(a, cur)) && is_link(y)) {
		char *hop = NULL;
		uint64_t next;

		if (visited(a, cur)) {
			x->cls = NL_CLASS_LOOP;
			x->reason = "link chain comes back to a link already followed";
			return 0;
		}
		if (++hops > a->max_depth || !push_visited(a, cur)) {
			x->cls = NL_CLASS_LOOP;
			x->reason = "too many links to follow";
			return 0;
		}
		h = first_hop(a, y, &hop, &why);
		if (h == HOP_NOMEM)
			return -ENOMEM;
		if (h == HOP_OTHER || h == HOP_BAD)
			break; /* leaves the volume (or cannot be followed): first hop decides */
		if (h == HOP_DANGLING) {
			x->cls = NL_CLASS_DANGLING;
			x->reason = "link chain ends at a missing target";
			return 0;
		}
		r = resolve(a, hop, &hops, &next, &why);
		free(hop);
		if (r == RES_NOMEM)
			return -ENOMEM;
		if (r == RES_MISSING) {
			x->cls = NL_CLASS_DANGLING;
			x->reason = "link chain ends at a missing target";
			return 0;
		}
		if (r == RES_LOOP) {
			x->cls = NL_CLASS_LOOP;
			x->reason = why;
			return 0;
		}
		if (r == RES_OTHER)
			break;
		if (is_self_or_ancestor(a, x->mft, next)) {
			x->cls = NL_CLASS_LOOP;
			x->reason = "link chain comes back to the link or a folder containing it";
			return 0;
		}
		cur = next;
	}
	x->cls = nl_model_is_under(a->m, t, a->anchor) == 1 ? NL_CLASS_INNER : NL_CLASS_OUTER;
	x->reason = NULL;
	return 0;
}

/* ---- drive letter --------------------------------------------------------------- */

static void infer_drive(nl_analysis *a)
{
	uint64_t support[26] = { 0 }, seen[26] = { 0 };
	int best = -1;

	for (size_t i = 0; i < a->n; i++) {
		struct entry *x = &a->e[i];
		uint64_t mft;
		int d;

		if (!x->has_target || x->target.kind != NL_TGT_DRIVE)
			continue;
		d = x->target.drive - 'A';
		if (d < 0 || d >= 26)
			continue;
		a->drive_targets++;
		seen[d]++;
		if (nl_model_lookup_path(a->m, x->target.path, &mft) == 0)
			support[d]++;
	}
	if (a->drive_given) {
		a->support = support[a->drive - 'A'];
		return;
	}
	for (int d = 0; d < 26; d++)
		if (support[d] && (best < 0 || support[d] > support[best]))
			best = d;
	if (best < 0)
		for (int d = 0; d < 26; d++)
			if (seen[d] && (best < 0 || seen[d] > seen[best]))
				best = d;
	if (best >= 0) {
		a->drive = (char)('A' + best);
		a->support = support[best];
	}
}

/* ---- open / close / queries ------------------------------------------------------------ */

void nl_analysis_close(nl_analysis **ap)
{
	nl_analysis *a;

	if (!ap || !*ap)
		return;
	a = *ap;
	for (size_t i = 0; i < a->n; i++) {
		nl_reparse_free(&a->e[i].rp);
		nl_target_clear(&a->e[i].target);
		free(a->e[i].hop_path);
	}
	free(a->e);
	free(a->visited);
	free(a->volume_guid);
	free(a);
	*ap = NULL;
}

/* Decode the reparse point of @mft into a new entry. */
static int load_entry(nl_analysis *a, uint64_t mft, const struct nl_analysis_options *opt,
		      struct entry *x)
{
	const uint8_t *data = NULL;
	size_t len = 0;
	uint32_t tag = 0;
	int rc;

	memset(x, 0, sizeof(*x));
	x->mft = mft;
	rc = nl_model_reparse(a->m, mft, &tag, &data, &len);
	x->tag = tag;
	if (rc || !data)
		return 0; /* unreadable: rp stays NULL */
	rc = nl_reparse_decode(data, len, &x->rp);
	if (rc == -ENOMEM)
		return rc;
	if (!x->rp)
		return 0;
	if (x->rp->problem && opt && opt->problem) {
		char msg[160];

		snprintf(msg, sizeof(msg), "malformed reparse point (%s): %s", x->rp->name,
			 x->rp->problem);
		opt->problem(opt->problem_ctx, opt->source ? opt->source : "", mft, NULL, msg);
	}
	switch (x->rp->type) {
	case NL_RP_JUNCTION:
	case NL_RP_MOUNT_POINT:
	case NL_RP_SYMLINK:
		if (!x->rp->substitute_name || !x->rp->substitute_len)
			return 0;
		rc = nl_target_parse(x->rp->substitute_name, x->rp->relative, &x->target);
		break;
	case NL_RP_WSL_SYMLINK:
		if (!x->rp->substitute_name || !x->rp->substitute_len || x->rp->problem)
			return 0;
		rc = nl_target_parse_posix(x->rp->substitute_name, &x->target);
		break;
	default:
		return 0;
	}
	if (rc)
		return rc;
	x->has_target = x->target.kind != NL_TGT_NONE;
	return 0;
}

int nl_analysis_open(nl_model *m, const struct nl_analysis_options *opt, nl_analysis **out)
{
	nl_analysis *a;
	struct nl_record_info ri;
	uint64_t cursor = 0, mft;
	size_t cap = 0;
	int rc;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->m = m;
	a->anchor = opt && opt->anchor ? opt->anchor : NL_ROOT_MFT;
	a->max_depth = opt && opt->max_depth ? opt->max_depth : DEFAULT_DEPTH;
	if (opt && opt->drive) {
		char d = (char)(opt->drive & ~0x20);

		if (d < 'A' || d > 'Z') {
			free(a);
			return -EINVAL;
		}
		a->drive = d;
		a->drive_given = true;
	}
	/* no root (a fragment of a $MFT): decode and classify all the same,
	 * but nothing on this volume can be resolved */
	a->no_root = nl_model_record(m, NL_ROOT_MFT, &ri) != 0 || !(ri.flags & NL_REC_DIRECTORY);
	if (opt && opt->anchor &&
	    (nl_model_record(m, a->anchor, &ri) != 0 || !(ri.flags & NL_REC_DIRECTORY))) {
		free(a);
		return -EINVAL;
	}
	if (opt && opt->volume_guid) {
		const char *g = opt->volume_guid;

		/* accept "{GUID}", "Volume{GUID}" and "\\?\Volume{GUID}\" */
		const char *b = strchr(g, '{'), *e = b ? strchr(b, '}') : NULL;

		if (!b || !e) {
			free(a);
			return -EINVAL;
		}
		a->volume_guid = strndup(b, (size_t)(e + 1 - b));
		if (!a->volume_guid) {
			free(a);
			return -ENOMEM;
		}
	}
	a->visited = malloc(((size_t)a->max_depth + 2) * sizeof(*a->visited));
	if (!a->visited) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = nl_model_index_children(m);
	if (rc)
		goto fail;
	while (nl_model_next(m, NL_ITER_REPARSE | NL_ITER_DELETED, &cursor, &mft) == 0) {
		if (a->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct entry *ne = realloc(a->e, nc * sizeof(*ne));

			if (!ne) {
				rc = -ENOMEM;
				goto fail;
			}
			a->e = ne;
			cap = nc;
		}
		rc = load_entry(a, mft, opt, &a->e[a->n]);
		a->n++;
		if (rc)
			goto fail;
	}
	infer_drive(a);
	for (size_t i = 0; i < a->n; i++) {
		rc = classify(a, &a->e[i]);
		if (rc)
			goto fail;
	}
	*out = a;
	return 0;
fail:
	nl_analysis_close(&a);
	return rc;
}

int nl_analysis_drive(const nl_analysis *a, struct nl_drive_guess *g)
{
	g->drive = a->drive;
	g->given = a->drive_given;
	g->support = a->support;
	g->drive_targets = a->drive_targets;
	return 0;
}

static void fill_info(const struct entry *x, struct nl_link_info *o)
{
	memset(o, 0, sizeof(*o));
	o->mft = x->mft;
	o->tag = x->tag;
	o->rp = x->rp;
	o->target = x->has_target ? &x->target : NULL;
	o->cls = x->cls;
	o->target_path = x->hop_path;
	o->target_found = x->found;
	o->target_mft = x->target_mft;
	o->reason = x->reason;
}

int nl_analysis_link(const nl_analysis *a, uint64_t mft, struct nl_link_info *out)
{
	const struct entry *x = find_entry(a, mft);

	if (!x)
		return -ENOENT;
	fill_info(x, out);
	return 0;
}

int nl_analysis_next(const nl_analysis *a, size_t *cursor, struct nl_link_info *out)
{
	if (*cursor >= a->n)
		return 1;
	fill_info(&a->e[*cursor], out);
	(*cursor)++;
	return 0;
}

int nl_analysis_counts(const nl_analysis *a, uint64_t counts[NL_CLASS_COUNT])
{
	memset(counts, 0, NL_CLASS_COUNT * sizeof(counts[0]));
	for (size_t i = 0; i < a->n; i++)
		counts[a->e[i].cls]++;
	return 0;
}

/* ---- hardlinks and sizes ----------------------------------------------------------------- */

int nl_hardlink_saturation(const nl_model *m, uint64_t mft, uint64_t dir,
			   struct nl_saturation *s)
{
	struct nl_name nm;
	uint64_t cursor = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	while ((rc = nl_model_name_next(m, mft, 0, &cursor, &nm)) == 0) {
		s->total++;
		if (nl_model_name_is_under(m, nm.id, dir) == 1)
			s->inside++;
	}
	if (rc < 0)
		return rc;
	s->saturated = s->total > 0 && s->inside == s->total;
	return 0;
}

/* Records 0-15 are the NTFS metadata files ($MFT ... $Extend); record 11 is
 * $Extend, whose contents ($Reparse, $ObjId, $Quota, $UsnJrnl, ...) are
 * metadata too. truesize counts user data only. */
#define NL_FIRST_NON_SYSTEM 16
#define NL_RECORD_EXTEND 11

int nl_truesize(const nl_model *m, uint64_t dir, struct nl_truesize *out)
{
	struct nl_record_info ri;
	uint64_t cursor = 0, mft;

	memset(out, 0, sizeof(*out));
	if (nl_model_record(m, dir, &ri) != 0)
		return -ENOENT;
	if (!(ri.flags & NL_REC_DIRECTORY))
		return -ENOTDIR;
	while (nl_model_next(m, NL_ITER_ALL, &cursor, &mft) == 0) {
		struct nl_name nm;
		uint64_t nc = 0, inside = 0, bytes, alloc;

		if (mft == dir || mft < NL_FIRST_NON_SYSTEM)
			continue;
		while (nl_model_name_next(m, mft, 0, &nc, &nm) == 0) {
			if (nm.parent == NL_RECORD_EXTEND ||
			    nl_model_name_is_under(m, nm.id, NL_RECORD_EXTEND) == 1) {
				inside = 0;	/* NTFS metadata ($Extend\...) */
				break;
			}
			if (nl_model_name_is_under(m, nm.id, dir) == 1)
				inside++;
		}
		if (!inside || nl_model_record(m, mft, &ri) != 0)
			continue;
		out->names += inside;
		if (ri.flags & NL_REC_DIRECTORY) {
			out->dirs++;
			continue;
		}
		out->files++;
		if (inside > 1)
			out->hardlinked++;
		bytes = ri.data_size + ri.streams_size;
		alloc = ri.alloc_size;
		out->true_bytes += bytes;
		out->naive_bytes += inside * bytes;
		out->true_alloc += alloc;
		out->naive_alloc += inside * alloc;
	}
	return 0;
}
