/* model.c: queries on the link model: records, names, on-demand paths, ancestry, child lookup, iteration. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/unistr.h>
#include "volume_int.h"
#include "model_int.h"

void nl_model_free(nl_model **mp)
{
	struct nl_model *m;

	if (!mp || !*mp)
		return;
	m = *mp;
	free(m->recs);
	free(m->names);
	free(m->pool);
	free(m->streams);
	free(m->rps);
	free(m->rpdata);
	free(m->hbuckets);
	free(m->hnext);
	free(m);
	*mp = NULL;
}

nl_volume *nl_model_volume(const nl_model *m) { return m->vol; }

int nl_model_stats(const nl_model *m, struct nl_scan_stats *st)
{
	*st = m->st;
	return 0;
}

static inline const struct mrec *kept(const struct nl_model *m, uint64_t mft)
{
	if (mft >= m->nrec || !(m->recs[mft].flags & MR_KEPT))
		return NULL;
	return &m->recs[mft];
}

const struct mreparse *nl_model_find_reparse(const struct nl_model *m, uint64_t mft)
{
	size_t lo = 0, hi = m->nrps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->rps[mid].mft < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nrps && m->rps[lo].mft == mft ? &m->rps[lo] : NULL;
}

const struct mstream *nl_model_find_stream(const struct nl_model *m, uint64_t mft)
{
	size_t lo = 0, hi = m->nstreams;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->streams[mid].mft < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nstreams && m->streams[lo].mft == mft ? &m->streams[lo] : NULL;
}

int nl_model_record(const nl_model *m, uint64_t mft, struct nl_record_info *info)
{
	const struct mrec *r = kept(m, mft);

	if (!r)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	info->mft = mft;
	info->seq = r->seq;
	info->flags = r->flags & (uint16_t)~MR_KEPT;
	info->link_count = r->link_count;
	info->names = r->nnames;
	for (uint32_t k = r->first; k != NO_NAME; k = m->names[k].next)
		info->dos_names += mn_ns(&m->names[k]) == NL_NS_DOS;
	info->file_attributes = r->fattr;
	info->data_size = r->data_size;
	info->alloc_size = r->alloc_size;
	if (r->flags & NL_REC_REPARSE) {
		const struct mreparse *rp = nl_model_find_reparse(m, mft);

		if (rp)
			info->reparse_tag = rp->tag;
	}
	if (r->flags & NL_REC_NAMED_STREAMS) {
		const struct mstream *st = nl_model_find_stream(m, mft);

		if (st) {
			info->stream_count = st->count;
			info->streams_size = st->size;
		}
	}
	return 0;
}

int nl_model_times(const nl_model *m, uint64_t mft, struct nl_times *t)
{
	const struct mrec *r = kept(m, mft);
	uint32_t rs = nl_volume_record_size(m->vol);
	uint8_t *buf;
	struct nl_rec_header h;
	struct nl_attr a;
	struct nl_std_info si;
	size_t pos = 0;
	int rc = -ENOENT;

	if (!r || !(r->flags & NL_REC_HAS_SI))
		return -ENOENT;
	buf = malloc(rs);
	if (!buf)
		return -ENOMEM;
	if (nl_volume_read_record(m->vol, mft, buf) < 0 || nl_record_fixup(buf, rs, NULL) < 0 ||
	    nl_record_header(buf, rs, &h, NULL) < 0) {
		free(buf);
		return -EIO;
	}
	while (nl_record_attr_next(buf, rs, &h, &pos, &a, NULL) == 0)
		if (a.type == NL_AT_STANDARD_INFORMATION && nl_attr_std_info(&a, &si, NULL) == 0) {
			t->crtime = si.crtime;
			t->mtime = si.mtime;
			t->ctime = si.ctime;
			t->atime = si.atime;
			rc = 0;
			break;
		}
	free(buf);
	return rc;
}

int nl_model_reparse(const nl_model *m, uint64_t mft, uint32_t *tag,
		     const uint8_t **data, size_t *len)
{
	const struct mrec *r = kept(m, mft);
	const struct mreparse *rp;

	if (!r || !(r->flags & NL_REC_REPARSE) || !(rp = nl_model_find_reparse(m, mft)))
		return -ENOENT;
	if (tag)
		*tag = rp->tag;
	if (rp->off == RP_UNREADABLE) {
		if (data)
			*data = NULL;
		if (len)
			*len = 0;
		return -EIO;
	}
	if (data)
		*data = m->rpdata + rp->off;
	if (len)
		*len = rp->len;
	return 0;
}

/* ---- names ---------------------------------------------------------------- */

/* parent_ok: does the reference (parent, pseq) of a name point to a kept
 * directory with that sequence number?  A deleted directory had its sequence
 * number bumped when it was freed, so one less matches too. */
static bool parent_ok(const struct nl_model *m, uint32_t parent, uint16_t pseq)
{
	const struct mrec *p = kept(m, parent);

	if (!p || !(p->flags & NL_REC_DIRECTORY))
		return false;
	if (p->seq == pseq)
		return true;
	return (p->flags & NL_REC_DELETED) && (uint16_t)(p->seq - 1) == pseq;
}

static const char *dos_alias(const struct nl_model *m, const struct mrec *r,
			     const struct mname *n, size_t *len)
{
	if (mn_ns(n) != NL_NS_WIN32)
		return NULL;
	for (uint32_t k = r->first; k != NO_NAME; k = m->names[k].next) {
		const struct mname *d = &m->names[k];

		if (mn_ns(d) == NL_NS_DOS && d->parent == n->parent && d->parent_seq == n->parent_seq) {
			*len = mn_len(d);
			return m->pool + d->str;
		}
	}
	return NULL;
}

static void fill_name(const struct nl_model *m, uint32_t id, struct nl_name *out)
{
	const struct mname *n = &m->names[id];
	const struct mrec *r = &m->recs[n->mft];

	memset(out, 0, sizeof(*out));
	out->id = id;
	out->mft = n->mft;
	out->name = m->pool + n->str;
	out->len = mn_len(n);
	out->parent = n->parent == BAD_PARENT ? UINT64_MAX : n->parent;
	out->parent_seq = n->parent_seq;
	out->name_space = (uint8_t)mn_ns(n);
	out->orphan = n->mft != NL_ROOT_MFT && !parent_ok(m, n->parent, n->parent_seq);
	out->dos_alias = dos_alias(m, r, n, &out->dos_len);
}

int nl_model_name_next(const nl_model *m, uint64_t mft, unsigned flags,
		       uint64_t *cursor, struct nl_name *out)
{
	const struct mrec *r = kept(m, mft);
	uint32_t k;

	if (!r)
		return -ENOENT;
	k = *cursor == 0 ? r->first : (uint32_t)(*cursor == UINT64_MAX ? NO_NAME : *cursor);
	for (; k != NO_NAME; k = m->names[k].next) {
		if (!(flags & NL_NAMES_WITH_DOS) && mn_ns(&m->names[k]) == NL_NS_DOS)
			continue;
		fill_name(m, k, out);
		*cursor = m->names[k].next == NO_NAME ? UINT64_MAX : m->names[k].next;
		return 0;
	}
	*cursor = UINT64_MAX;
	return 1;
}

int nl_model_name_get(const nl_model *m, uint32_t id, struct nl_name *out)
{
	if (id == NO_NAME || id >= m->nnames || !kept(m, m->names[id].mft))
		return -ENOENT;
	fill_name(m, id, out);
	return 0;
}

/* dir_name: the name used for directory @mft on paths: its first non-DOS
 * name, else any.  NO_NAME if none. */
static uint32_t dir_name(const struct nl_model *m, uint64_t mft)
{
	const struct mrec *r = kept(m, mft);
	uint32_t any = NO_NAME;

	if (!r)
		return NO_NAME;
	for (uint32_t k = r->first; k != NO_NAME; k = m->names[k].next) {
		if (mn_ns(&m->names[k]) != NL_NS_DOS)
			return k;
		if (any == NO_NAME)
			any = k;
	}
	return any;
}

/* ---- paths ---------------------------------------------------------------- */

/* chain: the components from @id up to (not including) the root, leaf first.
 * Returns the number of components (at most NL_PATH_DEPTH_MAX), sets *pflags. */
static size_t chain(const struct nl_model *m, uint32_t id, uint32_t *comp, unsigned *pflags)
{
	size_t n = 0;
	uint32_t cur = id;

	*pflags = 0;
	while (1) {
		const struct mname *nm = &m->names[cur];

		if (m->recs[nm->mft].flags & NL_REC_DELETED)
			*pflags |= NL_PATH_DELETED;
		if (n == NL_PATH_DEPTH_MAX) {
			*pflags |= NL_PATH_LOOP | NL_PATH_ORPHAN;
			return n;
		}
		comp[n++] = cur;
		if (nm->parent == NL_ROOT_MFT && parent_ok(m, nm->parent, nm->parent_seq))
			return n;
		if (nm->parent == nm->mft) {
			*pflags |= NL_PATH_LOOP | NL_PATH_ORPHAN;
			return n;
		}
		if (!parent_ok(m, nm->parent, nm->parent_seq)) {
			*pflags |= NL_PATH_ORPHAN;
			return n;
		}
		cur = dir_name(m, nm->parent);
		if (cur == NO_NAME) {
			*pflags |= NL_PATH_ORPHAN;
			return n;
		}
	}
}

int nl_model_name_path(const nl_model *m, uint32_t id, char *buf, size_t bufsize,
		       size_t *len, unsigned *pflags)
{
	unsigned pf = 0;
	size_t need = 0, n;
	uint32_t *comp;
	const char *prefix = "";

	if (id == NO_NAME || id >= m->nnames || !kept(m, m->names[id].mft))
		return -ENOENT;
	if (m->names[id].mft == NL_ROOT_MFT) {
		/* the root's own name "." */
		if (pflags)
			*pflags = 0;
		if (len)
			*len = 1;
		if (bufsize < 2)
			return -ERANGE;
		memcpy(buf, "/", 2);
		return 0;
	}
	comp = malloc(NL_PATH_DEPTH_MAX * sizeof(*comp));
	if (!comp)
		return -ENOMEM;
	n = chain(m, id, comp, &pf);
	if (pf & NL_PATH_LOOP) {
		/* a loop: only the name itself, under a marked folder */
		prefix = NL_ORPHAN_PREFIX "/$Loop";
		n = 1;
	} else if (pf & NL_PATH_ORPHAN) {
		prefix = NL_ORPHAN_PREFIX;
	}
	need = strlen(prefix);
	for (size_t i = 0; i < n; i++)
		need += 1 + mn_len(&m->names[comp[i]]);
	if (len)
		*len = need;
	if (pflags)
		*pflags = pf;
	if (need + 1 > bufsize) {
		free(comp);
		return -ERANGE;
	}
	size_t at = strlen(prefix);

	memcpy(buf, prefix, at);
	for (size_t i = n; i-- > 0;) {
		const struct mname *nm = &m->names[comp[i]];

		buf[at++] = '/';
		memcpy(buf + at, m->pool + nm->str, mn_len(nm));
		at += mn_len(nm);
	}
	buf[at] = 0;
	free(comp);
	return 0;
}

int nl_model_record_path(const nl_model *m, uint64_t mft, char *buf, size_t bufsize,
			 size_t *len, unsigned *pflags)
{
	uint32_t id;

	if (!kept(m, mft))
		return -ENOENT;
	if (mft == NL_ROOT_MFT) {
		if (pflags)
			*pflags = 0;
		if (len)
			*len = 1;
		if (bufsize < 2)
			return -ERANGE;
		memcpy(buf, "/", 2);
		return 0;
	}
	id = dir_name(m, mft);
	if (id == NO_NAME)
		return -ENOENT;
	return nl_model_name_path(m, id, buf, bufsize, len, pflags);
}

int nl_model_name_is_under(const nl_model *m, uint32_t id, uint64_t dir)
{
	if (id == NO_NAME || id >= m->nnames || !kept(m, m->names[id].mft))
		return 0;
	if (m->names[id].mft == dir)
		return 1;
	uint32_t cur = id;

	for (unsigned depth = 0; depth < NL_PATH_DEPTH_MAX; depth++) {
		const struct mname *nm = &m->names[cur];

		if (!parent_ok(m, nm->parent, nm->parent_seq))
			return 0;
		if (nm->parent == dir)
			return 1;
		if (nm->parent == NL_ROOT_MFT || nm->parent == nm->mft)
			return 0;
		cur = dir_name(m, nm->parent);
		if (cur == NO_NAME)
			return 0;
	}
	return 0;
}

int nl_model_is_under(const nl_model *m, uint64_t mft, uint64_t dir)
{
	const struct mrec *r = kept(m, mft);

	if (!r)
		return 0;
	if (mft == dir)
		return 1;
	for (uint32_t k = r->first; k != NO_NAME; k = m->names[k].next)
		if (mn_ns(&m->names[k]) != NL_NS_DOS && nl_model_name_is_under(m, k, dir))
			return 1;
	return 0;
}

/* ---- child index ---------------------------------------------------------- */

static uint32_t name_hash(const struct nl_model *m, uint32_t parent, const char *s, size_t len)
{
	uint32_t h = 2166136261u ^ parent;
	size_t pos = 0;
	uint32_t cp;
	int rc;

	h *= 16777619u;
	while ((rc = nl_wtf8_next(s, len, &pos, &cp)) != 1) {
		if (rc < 0) {
			cp = 0x110000u + (uint8_t)s[pos];  /* invalid byte: as itself */
			pos++;
		} else if (cp < 0x10000) {
			cp = nl_upcase_unit((uint16_t)cp, m->upcase, m->upcase_len);
		}
		h ^= cp;
		h *= 16777619u;
	}
	return h;
}

int nl_model_index_children(nl_model *m)
{
	uint32_t size = 1;

	if (m->hbuckets)
		return 0;
	while (size < m->nnames && size < (1u << 31))
		size <<= 1;
	m->hbuckets = calloc(size, sizeof(uint32_t));
	m->hnext = calloc(m->nnames ? m->nnames : 1, sizeof(uint32_t));
	if (!m->hbuckets || !m->hnext) {
		free(m->hbuckets);
		free(m->hnext);
		m->hbuckets = m->hnext = NULL;
		return -ENOMEM;
	}
	m->hmask = size - 1;
	for (uint32_t i = 1; i < m->nnames; i++) {
		const struct mname *n = &m->names[i];

		if (!kept(m, n->mft) || n->parent == BAD_PARENT)
			continue;
		uint32_t b = name_hash(m, n->parent, m->pool + n->str, mn_len(n)) & m->hmask;

		m->hnext[i] = m->hbuckets[b];
		m->hbuckets[b] = i;
	}
	return 0;
}

int nl_model_lookup_child(nl_model *m, uint64_t dir, const char *name, size_t len,
			  uint64_t *mft, uint32_t *id)
{
	char key[NL_WTF8_SIZE(NL_NAME_MAX_UNITS)];
	uint32_t found_deleted = NO_NAME;
	const struct mrec *d = kept(m, dir);
	int rc;

	if (!d || len == 0 || len >= sizeof(key) || dir >= BAD_PARENT)
		return -ENOENT;
	if ((rc = nl_model_index_children(m)) < 0)
		return rc;
	memcpy(key, name, len);
	key[len] = 0;
	uint32_t b = name_hash(m, (uint32_t)dir, key, len) & m->hmask;

	for (uint32_t k = m->hbuckets[b]; k != NO_NAME; k = m->hnext[k]) {
		const struct mname *n = &m->names[k];

		if (n->parent != dir)
			continue;
		if ((d->flags & NL_REC_IN_USE) && n->parent_seq != d->seq)
			continue;  /* a stale name of a reused directory */
		if (nl_wtf8_casecmp(m->pool + n->str, key, m->upcase, m->upcase_len) != 0)
			continue;
		if (m->recs[n->mft].flags & NL_REC_DELETED) {
			if (found_deleted == NO_NAME)
				found_deleted = k;
			continue;
		}
		*mft = n->mft;
		if (id)
			*id = k;
		return 0;
	}
	if (found_deleted != NO_NAME) {
		*mft = m->names[found_deleted].mft;
		if (id)
			*id = found_deleted;
		return 0;
	}
	return -ENOENT;
}

int nl_model_lookup_path(nl_model *m, const char *path, uint64_t *mft)
{
	uint64_t cur = NL_ROOT_MFT;
	const char *p = path;
	int rc;

	if (!kept(m, NL_ROOT_MFT))
		return -ENOENT;
	if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':')
		p += 2;
	while (*p) {
		while (*p == '/' || *p == '\\')
			p++;
		if (!*p)
			break;
		const char *e = p;

		while (*e && *e != '/' && *e != '\\')
			e++;
		size_t len = (size_t)(e - p);

		if (!(m->recs[cur].flags & NL_REC_DIRECTORY))
			return -ENOTDIR;
		if (len == 1 && p[0] == '.') {
			/* stay */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (cur != NL_ROOT_MFT) {
				uint32_t k = dir_name(m, cur);

				if (k != NO_NAME && parent_ok(m, m->names[k].parent, m->names[k].parent_seq))
					cur = m->names[k].parent;
				else
					return -ENOENT;
			}
		} else {
			uint64_t next;

			if ((rc = nl_model_lookup_child(m, cur, p, len, &next, NULL)) < 0)
				return rc;
			cur = next;
		}
		p = e;
	}
	*mft = cur;
	return 0;
}

/* ---- iteration ------------------------------------------------------------ */

static bool matches(const struct mrec *r, unsigned filter)
{
	if (!(r->flags & MR_KEPT))
		return false;
	if (r->flags & NL_REC_DELETED) {
		if (!(filter & (NL_ITER_DELETED | NL_ITER_ONLY_DELETED)))
			return false;
	} else if (filter & NL_ITER_ONLY_DELETED) {
		return false;
	}
	unsigned what = filter & (NL_ITER_HARDLINKS | NL_ITER_REPARSE);

	if (!what)
		return true;
	return ((what & NL_ITER_HARDLINKS) && r->nnames >= 2) ||
	       ((what & NL_ITER_REPARSE) && (r->flags & NL_REC_REPARSE));
}

int nl_model_next(const nl_model *m, uint64_t *cursor, unsigned filter, uint64_t *mft)
{
	for (uint64_t i = *cursor; i < m->nrec; i++) {
		if (matches(&m->recs[i], filter)) {
			*mft = i;
			*cursor = i + 1;
			return 0;
		}
	}
	*cursor = m->nrec;
	return 1;
}

int nl_model_foreach(const nl_model *m, unsigned filter, nl_model_record_fn fn, void *ctx)
{
	for (uint64_t i = 0; i < m->nrec; i++) {
		if (!matches(&m->recs[i], filter))
			continue;
		int rc = fn(ctx, m, i);

		if (rc)
			return rc;
	}
	return 0;
}
