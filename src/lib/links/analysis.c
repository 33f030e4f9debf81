/* analysis.c: classify every link of a scan model (through the resolver), hardlink saturation, true size. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/unistr.h>

#include "links/resolve_int.h"
#include "mft/model_int.h"

#define NO_STRING SIZE_MAX

struct entry {
	uint64_t mft;
	uint32_t tag;
	struct nl_reparse *rp;
	struct nl_target target;
	bool has_target;        /* a link type whose target was parsed */
	enum nl_link_class cls;
	size_t hop_off;         /* first hop on this volume, in the pool (NO_STRING: none) */
	bool found;
	uint64_t target_mft;
	const char *reason;     /* static text, unless reason_off says it is in the pool */
	size_t reason_off;
	bool reaches_loop;
};

struct nl_analysis {
	nl_model *m;
	bool no_root;           /* the model has no root folder: nothing on this volume resolves */
	struct nl_resolver *r;
	struct entry *e;
	size_t n;
	char *pool;             /* the strings of the entries, NUL-terminated */
	size_t pool_len, pool_cap;
	char *dirbuf;           /* NL_PATH_BUF bytes: the folder of the link being classified */
	struct nl_rcycle *cyc;  /* per entry: what the cycle pass needs */
	uint64_t *folders;      /* the folders holding each link (nl_rcycle.folders) */
	size_t nfolders, cap_folders;
};

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

/* ---- the model as the resolver's lookup ------------------------------------------- */

static void model_node(const nl_analysis *a, uint64_t mft, struct nl_rnode *out)
{
	unsigned flags = mft < a->m->nrec ? a->m->recs[mft].flags : 0;
	const struct entry *x = (flags & NL_REC_REPARSE) ? find_entry(a, mft) : NULL;

	out->id = mft;
	out->is_dir = (flags & MR_KEPT) && (flags & NL_REC_DIRECTORY);
	out->target = is_link(x) ? &x->target : NULL;
	out->name = NULL;
	out->name_len = 0;
}

static int model_root(void *ctx, struct nl_rnode *out)
{
	nl_analysis *a = ctx;

	if (a->no_root)
		return -ENOENT;
	model_node(a, NL_ROOT_MFT, out);
	return 0;
}

static int model_child(void *ctx, uint64_t dir, const char *dir_path, const char *name,
		       size_t len, struct nl_rnode *out)
{
	nl_analysis *a = ctx;
	uint64_t mft;
	int rc;

	(void)dir_path;
	rc = nl_model_lookup_child(a->m, dir, name, len, &mft, NULL);
	if (rc == -ENOENT && nl_model_unreadable_child(a->m, dir, name, len, &mft) == 0) {
		out->id = mft;
		return -EIO;  /* the folder's index names a record the scan could not read */
	}
	if (rc)
		return rc;
	model_node(a, mft, out);
	return 0;
}

static int model_parent(void *ctx, uint64_t id, uint64_t *parent)
{
	nl_analysis *a = ctx;
	struct nl_name nm;
	uint64_t cursor = 0;

	if (nl_model_name_next(a->m, id, 0, &cursor, &nm) != 0 || nm.orphan)
		return -ENOENT;
	*parent = nm.parent;
	return 0;
}

static const struct nl_resolve_lookup model_lookup = {
	.root = model_root,
	.child = model_child,
	.parent = model_parent,
};

/* ---- classification ------------------------------------------------------------- */

/* Keep @s in the analysis' string pool; its offset in *@off. 0 or -ENOMEM. */
static int pool_add(nl_analysis *a, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;

	if (a->pool_len + n > a->pool_cap) {
		size_t nc = a->pool_cap ? 2 * a->pool_cap : 4096;
		char *np;

		while (nc < a->pool_len + n)
			nc *= 2;
		np = realloc(a->pool, nc);
		if (!np)
			return -ENOMEM;
		a->pool = np;
		a->pool_cap = nc;
	}
	memcpy(a->pool + a->pool_len, s, n);
	*off = a->pool_len;
	a->pool_len += n;
	return 0;
}

/* The class of a reparse point whose data gives no target to follow. */
static void classify_undecoded(struct entry *x)
{
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
	} else if (x->rp->name_surrogate) {
		x->cls = NL_CLASS_UNKNOWN;
		x->reason = x->rp->problem ? x->rp->problem : "target not decoded for this tag";
	}
}

/* The path of the folder holding the link into a->dirbuf; NULL when it has
 * no path from the root (orphaned, or its parent chain loops). */
static const char *link_dir(nl_analysis *a, uint64_t mft)
{
	size_t len = 0;
	unsigned pf = 0;
	char *slash;

	if (nl_model_record_path(a->m, mft, a->dirbuf, NL_PATH_BUF, &len, &pf) != 0 ||
	    (pf & (NL_PATH_ORPHAN | NL_PATH_LOOP)))
		return NULL;
	slash = strrchr(a->dirbuf, '/');
	if (slash == a->dirbuf)
		a->dirbuf[1] = '\0';
	else if (slash)
		*slash = '\0';
	return a->dirbuf;
}

/* What the cycle pass needs of entry @x: where it leads and the folders holding it. */
static int keep_folders(nl_analysis *a, const struct entry *x, const struct nl_resolution *res)
{
	struct nl_rcycle *c = &a->cyc[x - a->e];

	if (a->nfolders + res->nfolders > a->cap_folders) {
		size_t nc = a->cap_folders ? 2 * a->cap_folders : 1024;
		uint64_t *nf;

		while (nc < a->nfolders + res->nfolders)
			nc *= 2;
		nf = realloc(a->folders, nc * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		a->folders = nf;
		a->cap_folders = nc;
	}
	if (res->nfolders)
		memcpy(a->folders + a->nfolders, res->folders, res->nfolders * sizeof(*res->folders));
	c->end = res->end_id;
	c->folders = a->nfolders;
	c->nfolders = res->nfolders;
	c->loop = res->cls == NL_CLASS_LOOP;
	a->nfolders += res->nfolders;
	return 0;
}

/* Links that loop through several links (nl_resolve_cycles); the others
 * that lead into such loops keep their class and say so. */
static int find_cycles(nl_analysis *a)
{
	int rc = nl_resolve_cycles(a->cyc, a->n, a->folders);

	if (rc)
		return rc;
	for (size_t i = 0; i < a->n; i++) {
		struct entry *x = &a->e[i];

		x->reaches_loop = a->cyc[i].reaches_loop;
		if (a->cyc[i].loop && x->cls != NL_CLASS_LOOP) {
			x->cls = NL_CLASS_LOOP;
			x->reason = NL_REASON_CYCLE;
			x->reason_off = NO_STRING;
		}
	}
	free(a->cyc);
	free(a->folders);
	a->cyc = NULL;
	a->folders = NULL;
	return 0;
}

/* Classify entry @x through the resolver. Returns 0 or -errno. */
static int classify(nl_analysis *a, struct entry *x)
{
	struct nl_rlink l = { .id = x->mft, .target = &x->target };
	struct nl_resolution res;
	int rc;

	if (!x->has_target) {
		classify_undecoded(x);
		return 0;
	}
	/* the folder's path places a relative target; the folders holding
	 * the link come from the model's parents */
	if (x->target.kind == NL_TGT_RELATIVE || x->target.kind == NL_TGT_POSIX)
		l.dir_path = link_dir(a, x->mft);
	else
		l.dir_path = NULL;
	rc = nl_resolver_classify(a->r, &l, &res);
	if (!rc)
		rc = keep_folders(a, x, &res);
	if (rc)
		return rc;
	x->cls = res.cls;
	x->reason = res.reason;
	x->found = res.found;
	x->target_mft = res.target_id;
	if (res.hop_path && (rc = pool_add(a, res.hop_path, &x->hop_off)) != 0)
		return rc;
	if (res.unreadable && (rc = pool_add(a, res.reason, &x->reason_off)) != 0)
		return rc;
	return 0;
}

/* ---- drive letter --------------------------------------------------------------- */

static int infer_drive(nl_analysis *a)
{
	for (size_t i = 0; i < a->n; i++) {
		int rc;

		if (a->e[i].has_target && (rc = nl_resolver_drive_vote(a->r, &a->e[i].target)) != 0)
			return rc;
	}
	nl_resolver_drive_settle(a->r);
	return 0;
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
	}
	free(a->e);
	free(a->pool);
	free(a->dirbuf);
	free(a->cyc);
	free(a->folders);
	nl_resolver_free(&a->r);
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
	x->hop_off = NO_STRING;
	x->reason_off = NO_STRING;
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

/* Decode every reparse point of the model, in record order. */
static int load_entries(nl_analysis *a, const struct nl_analysis_options *opt)
{
	uint64_t cursor = 0, mft;
	size_t cap = 0;
	int rc;

	while (nl_model_next(a->m, NL_ITER_REPARSE | NL_ITER_DELETED, &cursor, &mft) == 0) {
		if (a->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct entry *ne = realloc(a->e, nc * sizeof(*ne));

			if (!ne)
				return -ENOMEM;
			a->e = ne;
			cap = nc;
		}
		rc = load_entry(a, mft, opt, &a->e[a->n]);
		a->n++;
		if (rc)
			return rc;
	}
	return 0;
}

/* The resolver's options from the analysis options; -EINVAL for an anchor
 * that is not a directory of the model. */
static int resolver_options(const nl_analysis *a, const struct nl_analysis_options *opt,
			    struct nl_resolve_options *ro)
{
	struct nl_record_info ri;

	memset(ro, 0, sizeof(*ro));
	if (!opt)
		return 0;
	if (opt->anchor &&
	    (nl_model_record(a->m, opt->anchor, &ri) != 0 || !(ri.flags & NL_REC_DIRECTORY)))
		return -EINVAL;
	ro->anchor = opt->anchor == NL_ROOT_MFT ? 0 : opt->anchor;
	ro->drive = opt->drive;
	ro->volume_guid = opt->volume_guid;
	ro->max_hops = opt->max_depth;
	return 0;
}

int nl_analysis_open(nl_model *m, const struct nl_analysis_options *opt, nl_analysis **out)
{
	struct nl_resolve_options ro;
	struct nl_record_info ri;
	nl_analysis *a;
	int rc;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->m = m;
	/* no root (a fragment of a $MFT): decode and classify all the same,
	 * but nothing on this volume can be resolved */
	a->no_root = nl_model_record(m, NL_ROOT_MFT, &ri) != 0 || !(ri.flags & NL_REC_DIRECTORY);
	rc = resolver_options(a, opt, &ro);
	ro.folders = true;
	if (!rc)
		rc = nl_resolver_new(&model_lookup, a, &ro, &a->r);
	if (!rc)
		rc = (a->dirbuf = malloc(NL_PATH_BUF)) ? 0 : -ENOMEM;
	if (!rc)
		rc = nl_model_index_children(m);
	if (!rc)
		rc = load_entries(a, opt);
	if (!rc)
		rc = infer_drive(a);
	if (!rc && !(a->cyc = calloc(a->n ? a->n : 1, sizeof(*a->cyc))))
		rc = -ENOMEM;
	for (size_t i = 0; i < a->n && !rc; i++)
		rc = classify(a, &a->e[i]);
	if (!rc)
		rc = find_cycles(a);
	if (rc) {
		nl_analysis_close(&a);
		return rc;
	}
	*out = a;
	return 0;
}

int nl_analysis_drive(const nl_analysis *a, struct nl_drive_guess *g)
{
	nl_resolver_drive(a->r, g);
	return 0;
}

static void fill_info(const nl_analysis *a, const struct entry *x, struct nl_link_info *o)
{
	memset(o, 0, sizeof(*o));
	o->mft = x->mft;
	o->tag = x->tag;
	o->rp = x->rp;
	o->target = x->has_target ? &x->target : NULL;
	o->cls = x->cls;
	o->target_path = x->hop_off != NO_STRING ? a->pool + x->hop_off : NULL;
	o->target_found = x->found;
	o->target_mft = x->target_mft;
	o->reason = x->reason_off != NO_STRING ? a->pool + x->reason_off : x->reason;
	o->reaches_loop = x->reaches_loop;
}

int nl_analysis_link(const nl_analysis *a, uint64_t mft, struct nl_link_info *out)
{
	const struct entry *x = find_entry(a, mft);

	if (!x)
		return -ENOENT;
	fill_info(a, x, out);
	return 0;
}

int nl_analysis_next(const nl_analysis *a, size_t *cursor, struct nl_link_info *out)
{
	if (*cursor >= a->n)
		return 1;
	fill_info(a, &a->e[*cursor], out);
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
		uint64_t nc = 0, inside = 0, total = 0, bytes, alloc;

		if (mft == dir || mft < NL_FIRST_NON_SYSTEM)
			continue;
		while (nl_model_name_next(m, mft, 0, &nc, &nm) == 0) {
			if (nm.parent == NL_RECORD_EXTEND ||
			    nl_model_name_is_under(m, nm.id, NL_RECORD_EXTEND) == 1) {
				inside = 0;	/* NTFS metadata ($Extend\...) */
				break;
			}
			total++;
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
		if (inside == total) {
			out->freed_bytes += bytes;
			out->freed_alloc += alloc;
		}
	}
	return 0;
}
