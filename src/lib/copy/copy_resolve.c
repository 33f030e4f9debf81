/* copy_resolve.c: where a link of a copy leads, through the link resolver with the copy source as
 * its lookup, so that a copy classes every link as the audit commands do. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/copy.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>

#include "copy/copy_engine_int.h"
#include "links/resolve_int.h"
#include "mft/model_int.h"

/* What an nl_rnode handed to the resolver points to, kept until the link is classified. */
struct held {
	struct held *next;
	char *name;
	struct nl_target t;
};

/* One source as the resolver's lookup. */
struct cp_lookup {
	struct cp_src *s;
	struct nl_resolver *r;
	struct held *held;
	char *host;             /* ntfs-3g sources: the mount's path + a volume path */
	size_t host_cap;
	struct nl_drive_guess drive;
	uint64_t *loops;        /* records of the links the volume's analysis calls loops, sorted */
	size_t nloops;
	uint32_t most_names;    /* the most names (not DOS) a file of the volume has; 0: not known */
};

/* The identity of a source entry: its MFT reference, or its inode and device. */
static uint64_t entry_id(const struct cp_src *s, const struct cp_stat *st)
{
	if (s->kind == CP_EP_IMAGE)
		return st->mref;
	return st->ino ^ (st->dev * 0x9E3779B97F4A7C15ull);
}

/* The host path of volume path @vp on an ntfs-3g source (its mount + @vp), else @vp. */
static const char *host_path(struct cp_lookup *lk, const char *vp)
{
	size_t ml, need;

	if (!lk->s->mnt || !vp)
		return vp;
	ml = strlen(lk->s->mnt);
	need = ml + strlen(vp) + 1;
	if (need > lk->host_cap) {
		char *nb = realloc(lk->host, need);

		if (!nb)
			return NULL;
		lk->host = nb;
		lk->host_cap = need;
	}
	memcpy(lk->host, lk->s->mnt, ml);
	strcpy(lk->host + ml, strcmp(vp, "/") ? vp : "");
	if (!lk->host[0])
		strcpy(lk->host, "/");
	return lk->host;
}

/* The volume path of host path @hp on an ntfs-3g source; NULL when it is not on it. */
static const char *volume_path(const struct cp_lookup *lk, const char *hp)
{
	size_t ml;

	if (!lk->s->mnt)
		return hp;
	if (!path_under(hp, lk->s->mnt))
		return NULL;
	ml = strlen(lk->s->mnt);
	if (ml == 1)
		return hp;
	return hp[ml] ? hp + ml : "/";
}

/*
 * The target of link entry @st, parsed into @t: 1 when it is a link the
 * resolver follows, 0 when it is none (or cannot be decoded), -ENOMEM.  A
 * Linux symlink on an ntfs-3g mount that names a host path is made a path on
 * the volume, or, outside it, a target on another volume.
 */
static int entry_target(const struct cp_lookup *lk, const struct cp_stat *st, struct nl_target *t)
{
	struct nl_reparse *rp = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!is_link_stat(st))
		return 0;
	if (st->type == CP_T_LSYMLINK) {
		const char *p = st->lnk;

		if (p[0] == '/' && lk->s->mnt) {
			p = volume_path(lk, st->lnk);
			if (!p)
				return nl_target_parse("\\??\\GLOBALROOT\\host", false, t) ? -ENOMEM : 1;
		}
		return nl_target_parse_posix(p, t) ? -ENOMEM : 1;
	}
	rc = nl_reparse_decode(st->reparse, st->reparse_len, &rp);
	if (rc == -ENOMEM)
		return rc;
	if (rc || !rp || !rp->substitute_name || !*rp->substitute_name ||
	    (rp->type != NL_RP_JUNCTION && rp->type != NL_RP_MOUNT_POINT &&
	     rp->type != NL_RP_SYMLINK)) {
		nl_reparse_free(&rp);
		return 0;
	}
	rc = nl_target_parse(rp->substitute_name, rp->relative, t);
	nl_reparse_free(&rp);
	if (rc)
		return -ENOMEM;
	return t->kind != NL_TGT_NONE;
}

/* Describe entry @st (taking @real and clearing @st) as @out. */
static int to_rnode(struct cp_lookup *lk, struct cp_stat *st, char *real, struct nl_rnode *out)
{
	struct held *h = calloc(1, sizeof(*h));
	int rc;

	if (!h) {
		free(real);
		cp_stat_clear(st);
		return -ENOMEM;
	}
	h->name = real;
	h->next = lk->held;
	lk->held = h;
	rc = entry_target(lk, st, &h->t);
	out->id = entry_id(lk->s, st);
	out->is_dir = st->is_dir && st->type != CP_T_LSYMLINK;
	out->target = rc > 0 ? &h->t : NULL;
	out->name = real;
	out->name_len = real ? strlen(real) : 0;
	cp_stat_clear(st);
	return rc < 0 ? rc : 0;
}

static void release(struct cp_lookup *lk)
{
	while (lk->held) {
		struct held *h = lk->held;

		lk->held = h->next;
		free(h->name);
		nl_target_clear(&h->t);
		free(h);
	}
}

/* Where the source volume's root is: the image's root folder, the ntfs-3g
 * mount, or the host's root for a plain Linux folder. */
static struct cp_loc root_loc(const struct cp_src *s)
{
	struct cp_loc loc = { .mref = 5, .path = s->mnt ? s->mnt : "/" };

	return loc;
}

static int lk_root(void *ctx, struct nl_rnode *out)
{
	struct cp_lookup *lk = ctx;
	struct cp_loc loc = root_loc(lk->s);
	struct cp_stat st;
	int rc = lk->s->ops->stat(lk->s, &loc, &st);

	if (rc)
		return rc == -ENOENT ? -EIO : rc;
	return to_rnode(lk, &st, NULL, out);
}

static int lk_child(void *ctx, uint64_t dir, const char *dir_path, const char *name, size_t len,
		    struct nl_rnode *out)
{
	struct cp_lookup *lk = ctx;
	struct cp_loc loc = { .mref = dir, .path = host_path(lk, dir_path) };
	struct cp_stat st;
	char *nm, *real = NULL;
	int rc;

	if (!loc.path || !(nm = strndup(name, len)))
		return -ENOMEM;
	memset(&st, 0, sizeof(st));
	rc = lk->s->ops->lookup(lk->s, &loc, nm, &st, &real);
	free(nm);
	if (rc == -EIO && st.ino) {
		out->id = st.ino;  /* the resolver reports it as "record N unreadable" */
		return -EIO;
	}
	if (rc == -EIO)
		return -EUCLEAN;  /* not "unreadable entry N": the backend does not say which */
	if (rc)
		return rc;
	return to_rnode(lk, &st, real, out);
}

static const struct nl_resolve_lookup source_lookup = {
	.root = lk_root,
	.child = lk_child,
};

/* Keep the records of the links that analysis @a calls loops (in record order). */
static int keep_loops(struct cp_lookup *lk, const nl_analysis *a)
{
	struct nl_link_info li;
	size_t cursor = 0, n = 0;
	uint64_t counts[NL_CLASS_COUNT];

	nl_analysis_counts(a, counts);
	if (!counts[NL_CLASS_LOOP])
		return 0;
	lk->loops = malloc(counts[NL_CLASS_LOOP] * sizeof(*lk->loops));
	if (!lk->loops)
		return -ENOMEM;
	while (nl_analysis_next(a, &cursor, &li) == 0)
		if (li.cls == NL_CLASS_LOOP && n < counts[NL_CLASS_LOOP])
			lk->loops[n++] = li.mft;
	lk->nloops = n;
	return 0;
}

/* The most names (not DOS names) any file of model @m has. */
static uint32_t most_names(const nl_model *m)
{
	struct nl_record_info ri;
	uint64_t cursor = 0, mft;
	uint32_t most = 1;

	while (nl_model_next(m, NL_ITER_HARDLINKS, &cursor, &mft) == 0)
		if (nl_model_record(m, mft, &ri) == 0 && !(ri.flags & NL_REC_DIRECTORY) &&
		    ri.names > most)
			most = ri.names;
	return most;
}

/*
 * What the links of image source @s's whole volume say, by the same scan and
 * analysis as the audit commands: the drive letter, inferred from all of them
 * unless given, and which links loop through several links (which a copy,
 * seeing only the links it copies, could not tell).  The volume is read here,
 * once, before any destination is opened read-write; with @keep the scan goes to
 * image source @s, which lists its folders from it.
 */
static int analyse_volume(struct cp_lookup *lk, const char *spec, char drive, bool keep)
{
	struct nl_analysis_options ao = { .drive = drive };
	struct nl_scan_options so = { .flags = keep ? NL_SCAN_FACTS : 0 };
	nl_volume *vol = NULL;
	nl_model *m = NULL;
	nl_analysis *a = NULL;
	int rc;

	rc = nl_volume_open(spec, NULL, &vol, NULL, 0);
	if (!rc)
		rc = nl_scan(vol, &so, &m);
	if (!rc)
		rc = nl_analysis_open(m, &ao, &a);
	if (!rc)
		rc = nl_analysis_drive(a, &lk->drive);
	if (!rc)
		rc = keep_loops(lk, a);
	if (!rc)
		lk->most_names = most_names(m);
	nl_analysis_close(&a);
	if (!rc && keep) {
		struct cp_scan *sc = NULL;

		/* the source's folders listed from this scan (-EIO: corrupt records) */
		rc = cp_scan_adopt(&vol, &m, &sc);
		if (!rc)
			cp_src_ntfs_take_scan(lk->s, sc);
		rc = rc == -ENOMEM ? rc : 0;
	}
	nl_model_free(&m);
	nl_volume_close(&vol);
	return rc;
}

/* Undo the octal escapes (\040) of a /proc/self/mountinfo field, in place. */
static void unescape_field(char *f)
{
	char *o = f;

	for (; *f; f++) {
		if (f[0] == '\\' && f[1] >= '0' && f[1] <= '3' && f[2] >= '0' && f[2] <= '7' &&
		    f[3] >= '0' && f[3] <= '7') {
			*o++ = (char)((f[1] - '0') << 6 | (f[2] - '0') << 3 | (f[3] - '0'));
			f += 3;
		} else {
			*o++ = *f;
		}
	}
	*o = '\0';
}

/* The image file or device an ntfs-3g mount at @mnt reads (malloc'ed), or NULL. */
static char *mount_source(const char *mnt)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *found = NULL;
	size_t cap = 0;

	if (!fp)
		return NULL;
	while (!found && getline(&line, &cap, fp) > 0) {
		char *save = NULL, *f[5], *sep = strstr(line, " - "), *src;
		int k = 0;

		if (!sep)
			continue;
		for (char *t = strtok_r(line, " ", &save); t && k < 5; t = strtok_r(NULL, " ", &save))
			f[k++] = t;
		if (k < 5)
			continue;
		unescape_field(f[4]);
		if (strcmp(f[4], mnt) != 0)
			continue;
		strtok_r(sep + 3, " ", &save);          /* the file system type */
		src = strtok_r(NULL, " ", &save);
		if (src) {
			unescape_field(src);
			found = strdup(src);
		}
	}
	free(line);
	fclose(fp);
	return found;
}

/* What to read source @s's volume from (malloc'ed): the image, or what its
 * ntfs-3g mount reads; NULL when there is none (or it is in use read-write
 * as the destination). */
static char *volume_spec(const struct cp_src *s)
{
	struct stat sb;
	char *src;

	if (s->kind == CP_EP_IMAGE)
		return s->shared ? NULL : strdup(s->image);
	if (s->kind != CP_EP_NTFS3G || !s->mnt || !(src = mount_source(s->mnt)))
		return NULL;
	if (stat(src, &sb) || !(S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode))) {
		free(src);
		return NULL;
	}
	return src;
}

/* Does the volume's analysis call the link of record @mft a loop? */
static bool volume_loop(const struct cp_lookup *lk, uint64_t mft)
{
	size_t lo = 0, hi = lk->nloops;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lk->loops[mid] == mft)
			return true;
		if (lk->loops[mid] < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int cp_source_prepare(struct nl_copy *c, struct cp_src *s)
{
	struct nl_resolve_options ro = { .paths = true };
	struct cp_lookup **nl, *lk;
	char *spec;
	int rc = 0;

	nl = realloc(c->lookups, c->nsrc * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	c->lookups = nl;
	c->nlookups = c->nsrc;
	c->lookups[s->index] = NULL;
	lk = calloc(1, sizeof(*lk));
	if (!lk)
		return -ENOMEM;
	lk->s = s;
	spec = volume_spec(s);
	/* a mirror lists an image source from the same scan */
	rc = spec ? analyse_volume(lk, spec, c->o.src_drive,
				   c->o.mirror && s->kind == CP_EP_IMAGE) : -ENODATA;
	free(spec);
	if (rc == -ENOMEM) {
		free(lk->loops);
		free(lk);
		return rc;
	}
	if (rc) {
		memset(&lk->drive, 0, sizeof(lk->drive));
		lk->drive.drive = c->o.src_drive ? (char)(c->o.src_drive & ~0x20) : 'C';
		lk->drive.given = c->o.src_drive != 0;
	}
	ro.drive = lk->drive.drive;
	ro.posix_here = s->kind == CP_EP_DIR;
	rc = nl_resolver_new(&source_lookup, lk, &ro, &lk->r);
	if (rc) {
		free(lk);
		return rc;
	}
	c->lookups[s->index] = lk;
	return 0;
}

/* The lookup of source @s (made by cp_source_prepare()). */
static int source_lookup_of(struct nl_copy *c, struct cp_src *s, struct cp_lookup **out)
{
	if (s->index >= c->nlookups || !c->lookups[s->index])
		return -EINVAL;
	*out = c->lookups[s->index];
	return 0;
}

void cp_lookups_free(struct nl_copy *c)
{
	for (size_t i = 0; i < c->nlookups; i++) {
		struct cp_lookup *lk = c->lookups[i];

		if (!lk)
			continue;
		release(lk);
		nl_resolver_free(&lk->r);
		free(lk->host);
		free(lk->loops);
		free(lk);
	}
	free(c->lookups);
	c->lookups = NULL;
	c->nlookups = 0;
}

int cp_source_drive(struct nl_copy *c, struct cp_src *s, struct nl_drive_guess *g)
{
	struct cp_lookup *lk;
	int rc = source_lookup_of(c, s, &lk);

	if (rc)
		return rc;
	*g = lk->drive;
	return 0;
}

int nl_copy_source_drive(const nl_copy *c, size_t index, struct nl_drive_guess *g)
{
	if (index >= c->nlookups || !c->lookups[index])
		return -ENOENT;
	*g = c->lookups[index]->drive;
	return 0;
}

uint32_t cp_source_most_names(const struct nl_copy *c, size_t index)
{
	return index < c->nlookups && c->lookups[index] ? c->lookups[index]->most_names : 0;
}

/* How link entry @st reads (junction or symlink, empty print name; a Linux
 * symlink's relative text) into @t. */
static int describe(const struct cp_stat *st, struct cp_target *t)
{
	struct nl_reparse *rp = NULL;

	if (st->type == CP_T_LSYMLINK) {
		t->relative = st->lnk[0] != '/';
		t->junction = false;
		if (t->relative && !(t->orig_rel = strdup(st->lnk)))
			return -ENOMEM;
		return 0;
	}
	if (nl_reparse_decode(st->reparse, st->reparse_len, &rp) == -ENOMEM)
		return -ENOMEM;
	if (rp) {
		t->junction = rp->type == NL_RP_JUNCTION || rp->type == NL_RP_MOUNT_POINT;
		t->print_empty = !rp->print_name || !*rp->print_name;
	}
	nl_reparse_free(&rp);
	return 0;
}

/* The host path of the resolution's volume path @vp (malloc'ed into *@out; NULL stays NULL). */
static int keep_path(struct cp_lookup *lk, const char *vp, char **out)
{
	const char *hp;

	*out = NULL;
	if (!vp)
		return 0;
	hp = host_path(lk, vp);
	if (!hp || !(*out = strdup(hp)))
		return -ENOMEM;
	return 0;
}

/* Fill @t from the resolver's answer @res for the link of source @lk. */
static int take_resolution(struct cp_lookup *lk, const struct nl_resolution *res,
			   uint64_t self, struct cp_target *t)
{
	struct cp_loc loc;
	int rc;

	t->cls = res->cls;
	t->self = res->found && res->target_id == self;
	if (res->reason && !(t->reason = strdup(res->reason)))
		return -ENOMEM;
	rc = keep_path(lk, res->found ? res->target_path : res->hop_path, &t->canon);
	if (rc)
		return rc;
	switch (res->cls) {
	case NL_CLASS_INNER:
	case NL_CLASS_OUTER:
		loc.mref = res->target_id;
		loc.path = t->canon;
		rc = lk->s->ops->stat(lk->s, &loc, &t->tst);
		t->rc = rc == -ENOMEM ? 0 : rc;
		return rc == -ENOMEM ? rc : 0;
	case NL_CLASS_DANGLING:
		t->rc = -ENOENT;
		return 0;
	case NL_CLASS_LOOP:
		t->rc = -ELOOP;
		return 0;
	case NL_CLASS_OTHER_VOLUME:
		t->rc = -EXDEV;
		return 0;
	default:
		t->rc = -EIO;
		return 0;
	}
}

int cp_link_resolve(struct nl_copy *c, struct cp_src *s, const struct cp_stat *st,
		    const char *dir, struct cp_target *t)
{
	struct nl_resolution res;
	struct nl_target tgt;
	struct nl_rlink l;
	struct cp_lookup *lk;
	int rc;

	cp_target_clear(t);
	rc = describe(st, t);
	if (!rc)
		rc = source_lookup_of(c, s, &lk);
	if (rc)
		return rc;
	rc = entry_target(lk, st, &tgt);
	if (rc <= 0) {
		t->rc = -EINVAL;        /* not a link we understand: copied raw */
		return rc;
	}
	if (st->type != CP_T_LSYMLINK && tgt.kind == NL_TGT_RELATIVE) {
		/* the text as parsed ('/'-separated), to keep when it still fits */
		t->relative = true;
		if (!(t->orig_rel = strdup(tgt.path))) {
			nl_target_clear(&tgt);
			return -ENOMEM;
		}
	}
	l.id = entry_id(s, st);
	l.target = &tgt;
	l.dir_path = volume_path(lk, dir);
	rc = nl_resolver_classify(lk->r, &l, &res);
	if (rc == -ENOMEM) {
		release(lk);
		nl_target_clear(&tgt);
		return rc;
	}
	if (!rc && (res.cls == NL_CLASS_INNER || res.cls == NL_CLASS_OUTER) &&
	    s->kind != CP_EP_DIR && volume_loop(lk, st->ino)) {
		res.cls = NL_CLASS_LOOP;
		res.reason = NL_REASON_CYCLE;
	}
	if (rc) {
		t->rc = rc;
		t->cls = NL_CLASS_UNKNOWN;
	} else {
		rc = take_resolution(lk, &res, l.id, t);
	}
	release(lk);
	nl_target_clear(&tgt);
	return rc;
}

void cp_target_clear(struct cp_target *t)
{
	t->rc = 0;
	t->cls = NL_CLASS_NONE;
	t->self = false;
	free(t->canon);
	t->canon = NULL;
	free(t->orig_rel);
	t->orig_rel = NULL;
	free(t->reason);
	t->reason = NULL;
	cp_stat_clear(&t->tst);
}
