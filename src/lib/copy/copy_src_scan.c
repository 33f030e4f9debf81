/* copy_src_scan.c: the folders of an NTFS image source listed from one sequential scan of its volume's $MFT (the scanner's model), with what the folder-by-folder listing through libntfs-3g gives. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <ntfslinks/ondisk.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>

#include "base/endian_int.h"
#include "copy/copy_backend_int.h"
#include "mft/model_int.h"

#define FIRST_USER_RECORD 16	/* $MFT ... $Extend and the reserved records come before */

struct cp_scan {
	nl_volume *own;		/* a read-only mount of our own, or NULL */
	nl_model *m;
	unsigned long fallbacks;	/* entries read through libntfs-3g instead */
};

unsigned long cp_scan_fallbacks(const struct cp_scan *sc)
{
	return sc->fallbacks;
}

void cp_scan_free(struct cp_scan **scp)
{
	struct cp_scan *sc = *scp;

	if (!sc)
		return;
	nl_model_free(&sc->m);
	nl_volume_close(&sc->own);
	free(sc);
	*scp = NULL;
}

/* Take @*vol (NULL: not ours) and @*m into *@out, unless the volume has corrupt records (a
 * volume with corrupt records is read folder by folder, as its index says: -EIO). */
static int keep(nl_volume **vol, nl_model **m, struct cp_scan **out)
{
	struct cp_scan *sc = calloc(1, sizeof(*sc));
	struct nl_scan_stats st;
	int rc;

	*out = NULL;
	rc = sc ? nl_model_index_children(*m) : -ENOMEM;
	if (!rc && (nl_model_stats(*m, &st), st.problems))
		rc = -EIO;
	if (!rc && !(*m)->facts)
		rc = -EINVAL;
	if (rc) {
		free(sc);
		nl_model_free(m);
		nl_volume_close(vol);
		return rc;
	}
	sc->own = *vol;
	sc->m = *m;
	*vol = NULL;
	*m = NULL;
	*out = sc;
	return 0;
}

int cp_scan_adopt(nl_volume **vol, nl_model **m, struct cp_scan **out)
{
	return keep(vol, m, out);
}

int cp_scan_open(nl_volume *vol, const char *image, struct cp_scan **out)
{
	struct nl_scan_options so = { .flags = NL_SCAN_FACTS };
	nl_volume *own = NULL;
	nl_model *m = NULL;
	int rc = 0;

	*out = NULL;
	if (!vol) {
		rc = nl_volume_open(image, NULL, &own, NULL, 0);
		vol = own;
	}
	if (!rc)
		rc = nl_scan(vol, &so, &m);
	if (rc) {
		nl_volume_close(&own);
		return rc;
	}
	return keep(&own, &m, out);
}

/* One name of a folder, with its UTF-16 form for the index order. */
struct kid {
	uint32_t id, owner;
	uint16_t len;
	uint16_t up[NL_NAME_MAX_UNITS];	/* upper-cased */
	uint16_t raw[NL_NAME_MAX_UNITS];
};

/* The order of a folder's $I30 index: upper-cased units, then as stored. */
static int kid_cmp(const void *pa, const void *pb)
{
	const struct kid *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;

	for (size_t i = 0; i < n; i++)
		if (a->up[i] != b->up[i])
			return a->up[i] < b->up[i] ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	for (size_t i = 0; i < n; i++)
		if (a->raw[i] != b->raw[i])
			return a->raw[i] < b->raw[i] ? -1 : 1;
	return 0;
}

static uint32_t owner_of(const struct nl_model *m, uint32_t id)
{
	uint32_t v;

	while (!((v = nm_next(m, id)) & NEXT_OWNER))
		id = v;
	return v & ~NEXT_OWNER;
}

/* The names listed in folder @dir (not DOS names, not system records), in index order,
 * into *@out (malloc'ed). The count, or -errno. */
static ssize_t folder_kids(const struct nl_model *m, uint32_t dir, struct kid **out)
{
	uint32_t from = m->kid_start[dir], to = m->kid_start[dir + 1];
	struct kid *v = malloc((to > from ? to - from : 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (uint32_t k = from; k < to; k++) {
		uint32_t id = m->kids[k];
		struct mname nm = nm_load(m, id);
		struct kid *e = &v[n];
		ssize_t u;

		if (mn_ns(&nm) == NL_NS_DOS || (nm.parent_seq && nm.parent_seq != m->recs[dir].seq))
			continue;
		e->id = id;
		e->owner = owner_of(m, id);
		if (e->owner < FIRST_USER_RECORD || !(m->recs[e->owner].flags & NL_REC_IN_USE))
			continue;
		u = nl_wtf8_to_utf16le_buf(nm_text(m, id), mn_len(&nm), e->raw, NL_NAME_MAX_UNITS);
		if (u < 0) {
			free(v);
			return u;
		}
		e->len = (uint16_t)u;
		for (ssize_t i = 0; i < u; i++) {
			e->raw[i] = nl_le16((const uint8_t *)&e->raw[i]);
			e->up[i] = nl_upcase_unit(e->raw[i], m->upcase, m->upcase_len);
		}
		n++;
	}
	qsort(v, n, sizeof(*v), kid_cmp);
	*out = v;
	return (ssize_t)n;
}

/* Can the model say all the libntfs-3g listing says of record @mft? */
static bool model_knows(const struct nl_model *m, uint32_t mft)
{
	const struct mrec *r = &m->recs[mft];
	const struct mreparse *rp;

	if ((r->flags & (NL_REC_PROBLEM | NL_REC_HAS_SI)) != NL_REC_HAS_SI)
		return false;
	if (!(r->fattr & NL_FA_REPARSE_POINT))
		return true;
	rp = nl_model_find_reparse(m, mft);
	return rp && rp->off != RP_UNREADABLE && rp->len >= 8;
}

/* The DOS name of @mft in folder @dir (malloc'ed), NULL when none. */
static int dos_in(const struct nl_model *m, uint32_t mft, uint32_t dir, char **dos)
{
	for (uint32_t k = m->recs[mft].first; k != NO_NAME; k = nm_step(m, k)) {
		struct mname nm = nm_load(m, k);

		if (mn_ns(&nm) == NL_NS_DOS && nm.parent == dir) {
			*dos = strndup(nm_text(m, k), mn_len(&nm));
			return *dos ? 0 : -ENOMEM;
		}
	}
	return 0;
}

/* Fill @st for the name @e of folder @dir from the model (model_knows() holds). */
static int fill(struct cp_src *s, const struct nl_model *m, const struct kid *e, uint32_t dir,
		uint8_t ns, struct cp_stat *st)
{
	const struct mrec *r = &m->recs[e->owner];
	const struct mfacts *f = &m->facts[e->owner];
	const struct mstream *ms = nl_model_find_stream(m, e->owner);
	uint64_t data, alloc;

	memset(st, 0, sizeof(*st));
	st->ino = e->owner;
	st->mref = e->owner | (uint64_t)r->seq << 48;
	st->is_dir = r->flags & NL_REC_DIRECTORY;
	st->attrs = (r->fattr & 0xFFFFu & ~NL_FA_DIRECTORY) | (st->is_dir ? NL_FA_DIRECTORY : 0);
	st->name_space = ns;
	st->has_times = true;
	st->t = f->t;
	st->nlink = nl_model_count_names(m, r, NULL);
	nl_model_sizes(m, e->owner, &data, &alloc);
	st->named_size = ms ? ms->size : 0;
	st->size = data + st->named_size;
	st->alloc = f->alloc;
	if (ns == NL_NS_WIN32 && dos_in(m, e->owner, dir, &st->dos_name))
		return -ENOMEM;
	if (r->fattr & NL_FA_REPARSE_POINT) {
		const struct mreparse *rp = nl_model_find_reparse(m, e->owner);

		st->reparse = malloc(rp->len);
		if (!st->reparse)
			return -ENOMEM;
		memcpy(st->reparse, m->rpdata + rp->off, rp->len);
		st->reparse_len = rp->len;
		st->type = CP_T_REPARSE;
	} else {
		st->type = st->is_dir ? CP_T_DIR : CP_T_FILE;
	}
	if (s->want_sd)
		st->sd_hash = cp_src_ntfs_sd_hash(s, st->mref, f->secid);
	return 0;
}

/* A name holding a NUL (the model keeps it whole): shown with U+2400 for it, and refused,
 * as the listing through libntfs-3g does. */
static int nul_entry(const struct nl_model *m, const struct kid *e, char **name,
		     struct cp_stat *st)
{
	struct mname nm = nm_load(m, e->id);
	const char *t = nm_text(m, e->id);
	size_t len = mn_len(&nm), o = 0;
	char *out = malloc(len * 3 + 1);

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		if (t[i]) {
			out[o++] = t[i];
		} else {
			memcpy(out + o, "\xe2\x90\x80", 3);
			o += 3;
		}
	}
	out[o] = '\0';
	*name = out;
	memset(st, 0, sizeof(*st));
	st->type = CP_T_OTHER;
	st->ino = e->owner;
	st->mref = e->owner | (uint64_t)m->recs[e->owner].seq << 48;
	st->err = -EILSEQ;
	st->size = UINT64_MAX;
	return 0;
}

int cp_scan_list(struct cp_scan *sc, struct cp_src *s, const struct cp_loc *dir, cp_list_fn fn,
		 void *ctx)
{
	const struct nl_model *m = sc->m;
	uint64_t d = NL_MREF_RECORD(dir->mref);
	struct kid *v = NULL;
	ssize_t n;
	int rc = 0;

	if (d >= m->nrec || !(m->recs[d].flags & MR_KEPT) ||
	    !(m->recs[d].flags & NL_REC_DIRECTORY) ||
	    (NL_MREF_SEQ(dir->mref) && NL_MREF_SEQ(dir->mref) != m->recs[d].seq))
		return -ENOENT;
	n = folder_kids(m, (uint32_t)d, &v);
	if (n < 0)
		return (int)n;
	for (ssize_t i = 0; i < n && !rc; i++) {
		struct mname nm = nm_load(m, v[i].id);
		struct cp_stat st;
		char *name = NULL;

		if (strlen(nm_text(m, v[i].id)) < mn_len(&nm))
			rc = nul_entry(m, &v[i], &name, &st);
		else if (!(name = strndup(nm_text(m, v[i].id), mn_len(&nm))))
			rc = -ENOMEM;
		else if (model_knows(m, v[i].owner))
			rc = fill(s, m, &v[i], (uint32_t)d, (uint8_t)mn_ns(&nm), &st);
		else if (++sc->fallbacks)
			rc = cp_src_ntfs_entry(s, v[i].owner | (uint64_t)m->recs[v[i].owner].seq << 48,
					       dir->mref, (int)mn_ns(&nm), &st);
		if (!rc && fn(ctx, name, &st))
			rc = 1;
		if (name)
			cp_stat_clear(&st);
		free(name);
	}
	free(v);
	return rc > 0 ? 0 : rc;
}
