/* model.c: queries on the link model: records, names, on-demand paths, ancestry, child lookup, iteration. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/unistr.h>
#include "image/volume_int.h"
#include "mft/index_guard_int.h"
#include "mft/model_int.h"

void nl_model_free(nl_model **mp)
{
	struct nl_model *m;

	if (!mp || !*mp)
		return;
	m = *mp;
	free(m->recs);
	free(m->arena);
	free(m->big);
	free(m->lc);
	free(m->streams);
	free(m->rps);
	free(m->rpdata);
	free(m->exts);
	free(m->facts);
	free(m->kid_start);
	free(m->kids);
	free(m->kid_sorted);
	nl_ixguard_free(&m->ixg);
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

/* Index of the first of the @n entries of @size bytes at @base (sorted by
 * their leading uint32_t mft field) whose mft is not below @mft; @n if none. */
static inline size_t mft_lower_bound(const void *base, size_t n, size_t size, uint64_t mft)
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t v;

		memcpy(&v, b + mid * size, sizeof(v));
		if (v < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* mft_lower_bound() over the array @a of @n entries (a struct whose first
 * member is the uint32_t mft). */
#define MFT_LOWER_BOUND(a, n, mft) mft_lower_bound((a), (n), sizeof(*(a)), (mft))
_Static_assert(offsetof(struct mbig, mft) == 0 && offsetof(struct mlc, mft) == 0 &&
	       offsetof(struct mstream, mft) == 0 && offsetof(struct mreparse, mft) == 0,
	       "mft_lower_bound() reads the mft field at offset 0");

const struct mreparse *nl_model_find_reparse(const struct nl_model *m, uint64_t mft)
{
	size_t lo = MFT_LOWER_BOUND(m->rps, m->nrps, mft);

	return lo < m->nrps && m->rps[lo].mft == mft ? &m->rps[lo] : NULL;
}

const struct mstream *nl_model_find_stream(const struct nl_model *m, uint64_t mft)
{
	size_t lo = MFT_LOWER_BOUND(m->streams, m->nstreams, mft);

	return lo < m->nstreams && m->streams[lo].mft == mft ? &m->streams[lo] : NULL;
}

void nl_model_sizes(const struct nl_model *m, uint64_t mft, uint64_t *data, uint64_t *alloc)
{
	const struct mrec *r = &m->recs[mft];

	*data = r->data;
	*alloc = r->alloc;
	if (!(r->flags & MR_BIGSIZE))
		return;
	size_t lo = MFT_LOWER_BOUND(m->big, m->nbig, mft);

	if (lo < m->nbig && m->big[lo].mft == mft) {
		*data = m->big[lo].data;
		*alloc = m->big[lo].alloc;
	}
}

unsigned nl_model_count_names(const struct nl_model *m, const struct mrec *r, unsigned *ndos)
{
	unsigned n = 0, d = 0;

	for (uint32_t k = r->first; k != NO_NAME; k = nm_step(m, k)) {
		struct mname nm = nm_load(m, k);

		if (mn_ns(&nm) == NL_NS_DOS)
			d++;
		else
			n++;
	}
	if (ndos)
		*ndos = d;
	return n;
}

static uint16_t link_count(const struct nl_model *m, uint64_t mft, unsigned names)
{
	if (!(m->recs[mft].flags & MR_LC_SIDE))
		return (uint16_t)names;
	size_t lo = MFT_LOWER_BOUND(m->lc, m->nlc, mft);

	return lo < m->nlc && m->lc[lo].mft == mft ? m->lc[lo].link_count : (uint16_t)names;
}

int nl_model_record(const nl_model *m, uint64_t mft, struct nl_record_info *info)
{
	const struct mrec *r = kept(m, mft);
	unsigned ndos = 0, n;

	if (!r)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	n = nl_model_count_names(m, r, &ndos);
	info->mft = mft;
	info->seq = r->seq;
	info->flags = r->flags & MR_PUBLIC;
	info->names = (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
	info->dos_names = (uint16_t)(ndos > UINT16_MAX ? UINT16_MAX : ndos);
	info->link_count = link_count(m, mft, n + ndos);
	info->file_attributes = r->fattr;
	nl_model_sizes(m, mft, &info->data_size, &info->alloc_size);
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
			*t = si.times;
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

/* ---- streams -------------------------------------------------------------- */

/* read_checked: record @mft into @buf (@rs bytes), fixups applied, header decoded. */
static int read_checked(const struct nl_model *m, uint64_t mft, uint8_t *buf, uint32_t rs,
			struct nl_rec_header *h)
{
	if (nl_volume_read_record(m->vol, mft, buf) < 0 || nl_record_fixup(buf, rs, NULL) < 0 ||
	    nl_record_header(buf, rs, h, NULL) < 0)
		return -EIO;
	return 0;
}

/* find_extensions: the extension records credited to @mft are
 * exts[*first .. *first + count); returns count. */
static size_t find_extensions(const struct nl_model *m, uint64_t mft, size_t *first)
{
	size_t lo = 0, hi = m->nexts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->exts[mid].base < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo < m->nexts && m->exts[lo].base == mft)
		lo++;
	return lo - *first;
}

/* record_streams: call @fn for each first extent of a $DATA attribute in the
 * checked record @buf (record number @in_record).  Returns 0, the callback's
 * nonzero value or -EIO. */
static int record_streams(const uint8_t *buf, uint32_t rs, const struct nl_rec_header *h,
			  uint64_t in_record, nl_model_stream_fn fn, void *ctx)
{
	char name[NL_WTF8_SIZE(NL_NAME_MAX_UNITS)];
	size_t pos = 0;
	struct nl_attr a;
	int step, rc;

	while ((step = nl_record_attr_next(buf, rs, h, &pos, &a, NULL)) == 0) {
		struct nl_stream st;
		ssize_t len;

		if (a.type != NL_AT_DATA || (a.non_resident && a.lowest_vcn != 0))
			continue;
		len = nl_utf16le_to_wtf8_buf(a.name, a.name_len, name, sizeof(name));
		if (len < 0)
			return -EIO;
		memset(&st, 0, sizeof(st));
		st.name = name;
		st.name_len = (size_t)len;
		st.resident = !a.non_resident;
		st.sparse = a.flags & 0x8000;
		st.compressed = a.flags & 0x00FF;
		st.encrypted = a.flags & 0x4000;
		st.in_record = in_record;
		if (a.non_resident) {
			st.size = a.data_size;
			st.alloc_size = (st.sparse || st.compressed) ? a.compressed_size : a.alloc_size;
		} else {
			st.size = a.value_len;
		}
		if ((rc = fn(ctx, &st)) != 0)
			return rc;
	}
	return step < 0 ? -EIO : 0;
}

int nl_model_streams(const nl_model *m, uint64_t mft, nl_model_stream_fn fn, void *ctx)
{
	const struct mrec *r = kept(m, mft);
	uint32_t rs = nl_volume_record_size(m->vol);
	size_t first, nrec;
	struct nl_rec_header *hdr = NULL;
	uint8_t *bufs = NULL;
	int rc = 0;

	if (!r)
		return -ENOENT;
	nrec = 1 + find_extensions(m, mft, &first);
	bufs = malloc(nrec * rs);
	hdr = malloc(nrec * sizeof(*hdr));
	if (!bufs || !hdr) {
		rc = -ENOMEM;
		goto out;
	}
	/* read and check them all before the first callback */
	for (size_t i = 0; i < nrec; i++) {
		uint64_t rec = i ? m->exts[first + i - 1].ext : mft;

		if ((rc = read_checked(m, rec, bufs + i * rs, rs, &hdr[i])) < 0)
			goto out;
		if (i && NL_MREF_RECORD(hdr[i].base_ref) != mft) {
			rc = -EIO;
			goto out;
		}
	}
	for (size_t i = 0; i < nrec && rc == 0; i++)
		rc = record_streams(bufs + i * rs, rs, &hdr[i], i ? m->exts[first + i - 1].ext : mft,
				    fn, ctx);
out:
	free(bufs);
	free(hdr);
	return rc;
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

/* owner: the record a name belongs to (the tag at the end of its list) */
static uint32_t owner_of(const struct nl_model *m, uint32_t id)
{
	uint32_t v = nm_next(m, id);

	while (!(v & NEXT_OWNER))
		v = nm_next(m, v);
	return v & ~NEXT_OWNER;
}

/* valid_id: is @id the start of a name of a kept record?  Ids come from the
 * caller, so check it is one we handed out: walk the owner's list. */
static bool valid_id(const struct nl_model *m, uint32_t id)
{
	if (id == NO_NAME || id & 1 || (size_t)id + NAME_HDR >= m->arena_len)
		return false;
	uint32_t v = nm_next(m, id), steps = 0;

	while (!(v & NEXT_OWNER)) {
		if ((size_t)v + NAME_HDR >= m->arena_len || ++steps > 100000)
			return false;
		v = nm_next(m, v);
	}
	v &= ~NEXT_OWNER;
	const struct mrec *r = kept(m, v);

	if (!r)
		return false;
	for (uint32_t k = r->first; k != NO_NAME; k = nm_step(m, k))
		if (k == id)
			return true;
	return false;
}

static const char *dos_alias(const struct nl_model *m, const struct mrec *r,
			     const struct mname *n, size_t *len)
{
	if (mn_ns(n) != NL_NS_WIN32)
		return NULL;
	for (uint32_t k = r->first; k != NO_NAME; k = nm_step(m, k)) {
		struct mname d = nm_load(m, k);

		if (mn_ns(&d) == NL_NS_DOS && d.parent == n->parent && d.parent_seq == n->parent_seq) {
			*len = mn_len(&d);
			return nm_text(m, k);
		}
	}
	return NULL;
}

static void fill_name(const struct nl_model *m, uint32_t id, uint32_t owner, struct nl_name *out)
{
	struct mname n = nm_load(m, id);
	const struct mrec *r = &m->recs[owner];

	memset(out, 0, sizeof(*out));
	out->id = id;
	out->mft = owner;
	out->name = nm_text(m, id);
	out->len = mn_len(&n);
	out->parent = n.parent == BAD_PARENT ? UINT64_MAX : n.parent;
	out->parent_seq = n.parent_seq;
	out->name_space = (uint8_t)mn_ns(&n);
	out->orphan = owner != NL_ROOT_MFT && !parent_ok(m, n.parent, n.parent_seq);
	out->dos_alias = dos_alias(m, r, &n, &out->dos_len);
}

int nl_model_name_next(const nl_model *m, uint64_t mft, unsigned flags,
		       uint64_t *cursor, struct nl_name *out)
{
	const struct mrec *r = kept(m, mft);
	uint32_t k;

	if (!r)
		return -ENOENT;
	if (*cursor == UINT64_MAX)
		return 1;
	k = *cursor == 0 ? r->first : (uint32_t)*cursor;
	for (; k != NO_NAME; k = nm_step(m, k)) {
		struct mname n = nm_load(m, k);

		if (!(flags & NL_NAMES_WITH_DOS) && mn_ns(&n) == NL_NS_DOS)
			continue;
		fill_name(m, k, (uint32_t)mft, out);
		uint32_t next = nm_step(m, k);

		*cursor = next == NO_NAME ? UINT64_MAX : next;
		return 0;
	}
	*cursor = UINT64_MAX;
	return 1;
}

int nl_model_name_get(const nl_model *m, uint32_t id, struct nl_name *out)
{
	if (!valid_id(m, id))
		return -ENOENT;
	fill_name(m, id, owner_of(m, id), out);
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
	for (uint32_t k = r->first; k != NO_NAME; k = nm_step(m, k)) {
		struct mname n = nm_load(m, k);

		if (mn_ns(&n) != NL_NS_DOS)
			return k;
		if (any == NO_NAME)
			any = k;
	}
	return any;
}

/* ---- paths ---------------------------------------------------------------- */

/* chain: the components from @id (a name of record @owner) up to (not
 * including) the root, leaf first.  Returns the number of components (at most
 * NL_PATH_DEPTH_MAX), sets *pflags. */
static size_t chain(const struct nl_model *m, uint32_t id, uint32_t owner, uint32_t *comp,
		    unsigned *pflags)
{
	size_t n = 0;
	uint32_t cur = id;

	*pflags = 0;
	while (1) {
		struct mname nm = nm_load(m, cur);

		if (m->recs[owner].flags & NL_REC_DELETED)
			*pflags |= NL_PATH_DELETED;
		if (n == NL_PATH_DEPTH_MAX) {
			*pflags |= NL_PATH_LOOP | NL_PATH_ORPHAN;
			return n;
		}
		comp[n++] = cur;
		if (nm.parent == NL_ROOT_MFT && parent_ok(m, nm.parent, nm.parent_seq))
			return n;
		if (nm.parent == owner) {
			*pflags |= NL_PATH_LOOP | NL_PATH_ORPHAN;
			return n;
		}
		if (!parent_ok(m, nm.parent, nm.parent_seq)) {
			*pflags |= NL_PATH_ORPHAN;
			return n;
		}
		owner = nm.parent;
		cur = dir_name(m, owner);
		if (cur == NO_NAME) {
			*pflags |= NL_PATH_ORPHAN;
			return n;
		}
	}
}

static int build_path(const nl_model *m, uint32_t id, uint32_t owner, char *buf, size_t bufsize,
		      size_t *len, unsigned *pflags)
{
	unsigned pf = 0;
	size_t need = 0, n;
	uint32_t comp[NL_PATH_DEPTH_MAX];
	const char *prefix = "";

	if (owner == NL_ROOT_MFT) {
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
	n = chain(m, id, owner, comp, &pf);
	if (pf & NL_PATH_LOOP) {
		/* a loop: only the name itself, under a marked folder */
		prefix = NL_ORPHAN_PREFIX "/$Loop";
		n = 1;
	} else if (pf & NL_PATH_ORPHAN) {
		prefix = NL_ORPHAN_PREFIX;
	}
	need = strlen(prefix);
	for (size_t i = 0; i < n; i++) {
		struct mname nm = nm_load(m, comp[i]);

		need += 1 + mn_len(&nm);
	}
	if (len)
		*len = need;
	if (pflags)
		*pflags = pf;
	if (need + 1 > bufsize)
		return -ERANGE;
	size_t at = strlen(prefix);

	memcpy(buf, prefix, at);
	for (size_t i = n; i-- > 0;) {
		struct mname nm = nm_load(m, comp[i]);

		buf[at++] = '/';
		memcpy(buf + at, nm_text(m, comp[i]), mn_len(&nm));
		at += mn_len(&nm);
	}
	buf[at] = 0;
	return 0;
}

int nl_model_name_path(const nl_model *m, uint32_t id, char *buf, size_t bufsize,
		       size_t *len, unsigned *pflags)
{
	if (!valid_id(m, id))
		return -ENOENT;
	return build_path(m, id, owner_of(m, id), buf, bufsize, len, pflags);
}

int nl_model_record_path(const nl_model *m, uint64_t mft, char *buf, size_t bufsize,
			 size_t *len, unsigned *pflags)
{
	uint32_t id;

	if (!kept(m, mft))
		return -ENOENT;
	if (mft == NL_ROOT_MFT)
		return build_path(m, NO_NAME, NL_ROOT_MFT, buf, bufsize, len, pflags);
	id = dir_name(m, mft);
	if (id == NO_NAME)
		return -ENOENT;
	return build_path(m, id, (uint32_t)mft, buf, bufsize, len, pflags);
}

static int name_is_under(const nl_model *m, uint32_t id, uint32_t owner, uint64_t dir)
{
	if (owner == dir)
		return 1;
	uint32_t cur = id;

	for (unsigned depth = 0; depth < NL_PATH_DEPTH_MAX; depth++) {
		struct mname nm = nm_load(m, cur);

		if (!parent_ok(m, nm.parent, nm.parent_seq))
			return 0;
		if (nm.parent == dir)
			return 1;
		if (nm.parent == NL_ROOT_MFT || nm.parent == owner)
			return 0;
		owner = nm.parent;
		cur = dir_name(m, owner);
		if (cur == NO_NAME)
			return 0;
	}
	return 0;
}

int nl_model_name_is_under(const nl_model *m, uint32_t id, uint64_t dir)
{
	if (!valid_id(m, id))
		return 0;
	return name_is_under(m, id, owner_of(m, id), dir);
}

int nl_model_is_under(const nl_model *m, uint64_t mft, uint64_t dir)
{
	const struct mrec *r = kept(m, mft);

	if (!r)
		return 0;
	if (mft == dir)
		return 1;
	for (uint32_t k = r->first; k != NO_NAME; k = nm_step(m, k)) {
		struct mname nm = nm_load(m, k);

		if (mn_ns(&nm) != NL_NS_DOS && name_is_under(m, k, (uint32_t)mft, dir))
			return 1;
	}
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
	while (pos < len) {
		uint8_t c = (uint8_t)s[pos];

		if (c < 0x80) {
			/* ASCII: the common case, without the decoder */
			cp = nl_upcase_unit(c, m->upcase, m->upcase_len);
			pos++;
		} else if ((rc = nl_wtf8_next(s, len, &pos, &cp)) < 0) {
			cp = 0x110000u + c;  /* invalid byte: as itself */
			pos++;
		} else if (cp < 0x10000) {
			cp = nl_upcase_unit((uint16_t)cp, m->upcase, m->upcase_len);
		}
		h ^= cp;
		h *= 16777619u;
	}
	h ^= h >> 15;
	h *= 0x2c1b3c6dU;
	h ^= h >> 12;
	return h;
}

/* Directories with more children than this are searched by hash. */
#define KIDS_LINEAR 32

int nl_model_index_children(nl_model *m)
{
	uint32_t *start, *kids = NULL;
	uint8_t *sorted;
	uint64_t sum = 0;

	if (m->kid_start)
		return 0;
	if (m->nrec >= UINT32_MAX - 2)
		return -ENOMEM;
	start = calloc(m->nrec + 2, sizeof(*start));
	sorted = calloc(m->nrec ? m->nrec : 1, 1);
	if (!start || !sorted)
		goto nomem;
	/* Two walks over the arena (every name in it belongs to a kept
	 * record): count the children of each parent into start[p + 2], sum,
	 * then place each id at start[p + 1]++, which leaves start[p] at the
	 * first child of p (a counting sort, stable: arena order per parent). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t at = 4; at < m->arena_len; ) {
			uint32_t id = (uint32_t)at;
			struct mname nm = nm_load(m, id);

			at += (NAME_HDR + mn_len(&nm) + 1 + 1) & ~(size_t)1;
			if (nm.parent >= m->nrec ||
			    (nm.parent == NL_ROOT_MFT && mn_len(&nm) == 1 && nm_text(m, id)[0] == '.'))
				continue;  /* no directory of this model; the root's own name */
			if (pass == 0)
				start[nm.parent + 2]++;
			else
				kids[start[nm.parent + 1]++] = id;
		}
		if (pass == 0) {
			for (uint64_t d = 2; d < m->nrec + 2; d++) {
				sum += start[d];
				if (sum >= UINT32_MAX)
					goto nomem;
				start[d] = (uint32_t)sum;
			}
			kids = malloc((sum ? sum : 1) * sizeof(*kids));
			if (!kids)
				goto nomem;
		}
	}
	m->kids = kids;
	m->kid_sorted = sorted;
	m->kid_start = start;
	return 0;
nomem:
	free(start);
	free(kids);
	free(sorted);
	return -ENOMEM;
}

struct hashed {
	uint32_t hash, id;
};

static int cmp_hashed(const void *a, const void *b)
{
	const struct hashed *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static uint32_t kid_hash(const struct nl_model *m, uint32_t dir, uint32_t id)
{
	struct mname nm = nm_load(m, id);

	return name_hash(m, dir, nm_text(m, id), mn_len(&nm));
}

/*
 * Sort the children of @dir by (name hash, id) the first time it is looked
 * up, so that lookups in a large directory are binary searches.  The only
 * change a lookup makes to the model: done under a lock, published with
 * release/acquire, so concurrent lookups stay safe.
 */
static pthread_mutex_t kid_lock = PTHREAD_MUTEX_INITIALIZER;

static int sort_kids(struct nl_model *m, uint32_t dir)
{
	uint32_t *v = m->kids + m->kid_start[dir];
	size_t n = m->kid_start[dir + 1] - m->kid_start[dir];
	int rc = 0;

	if (__atomic_load_n(&m->kid_sorted[dir], __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&kid_lock);
	if (!m->kid_sorted[dir]) {
		struct hashed *h = malloc(n * sizeof(*h));

		if (!h) {
			rc = -ENOMEM;
		} else {
			for (size_t i = 0; i < n; i++)
				h[i] = (struct hashed){ kid_hash(m, dir, v[i]), v[i] };
			qsort(h, n, sizeof(*h), cmp_hashed);
			for (size_t i = 0; i < n; i++)
				v[i] = h[i].id;
			free(h);
			__atomic_store_n(&m->kid_sorted[dir], 1, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&kid_lock);
	return rc;
}

int nl_model_lookup_child(nl_model *m, uint64_t dir, const char *name, size_t len,
			  uint64_t *mft, uint32_t *id)
{
	char key[NL_WTF8_SIZE(NL_NAME_MAX_UNITS)];
	uint32_t best = NO_NAME;
	int best_rank = 0;
	const struct mrec *d = kept(m, dir);
	int rc;

	if (!d || len == 0 || len >= sizeof(key) || dir >= BAD_PARENT)
		return -ENOENT;
	if ((rc = nl_model_index_children(m)) < 0)
		return rc;
	memcpy(key, name, len);
	key[len] = 0;

	/* the candidates, in arena order (or, when sorted, in (hash, arena)
	 * order: names that compare equal have equal hashes, so the matches
	 * come in arena order either way) */
	const uint32_t *v = m->kids + m->kid_start[dir];
	size_t lo = 0, hi = m->kid_start[dir + 1] - m->kid_start[dir];
	uint32_t h = 0;
	bool hashed = hi > KIDS_LINEAR;

	if (hashed) {
		if ((rc = sort_kids(m, (uint32_t)dir)) < 0)
			return rc;
		h = name_hash(m, (uint32_t)dir, key, len);
		for (size_t n = hi; lo < n; ) {
			size_t mid = lo + (n - lo) / 2;

			if (kid_hash(m, (uint32_t)dir, v[mid]) < h)
				lo = mid + 1;
			else
				n = mid;
		}
	}
	for (size_t i = lo; i < hi; i++) {
		uint32_t k = v[i];
		struct mname n = nm_load(m, k);

		if (hashed && kid_hash(m, (uint32_t)dir, k) != h)
			break;
		if ((d->flags & NL_REC_IN_USE) && n.parent_seq != d->seq)
			continue;  /* a stale name of a reused directory */
		if (nl_wtf8_casecmp(nm_text(m, k), key, m->upcase, m->upcase_len) != 0)
			continue;
		/* rank: in use before deleted, then the exact spelling before
		 * another case; the first in arena order among equals */
		int rank = (m->recs[owner_of(m, k)].flags & NL_REC_DELETED) ? 1 : 3;

		if (mn_len(&n) == len && memcmp(nm_text(m, k), key, len) == 0)
			rank++;
		if (rank > best_rank) {
			best = k;
			best_rank = rank;
			if (rank == 4)
				break;
		}
	}
	if (best == NO_NAME)
		return -ENOENT;
	*mft = owner_of(m, best);
	if (id)
		*id = best;
	return 0;
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
				struct mname n;

				if (k == NO_NAME)
					return -ENOENT;
				n = nm_load(m, k);
				if (!parent_ok(m, n.parent, n.parent_seq))
					return -ENOENT;
				cur = n.parent;
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

/* two_names: at least two non-DOS names? */
static bool two_names(const struct nl_model *m, const struct mrec *r)
{
	unsigned n = 0;

	for (uint32_t k = r->first; k != NO_NAME; k = nm_step(m, k)) {
		struct mname nm = nm_load(m, k);

		if (mn_ns(&nm) != NL_NS_DOS && ++n == 2)
			return true;
	}
	return false;
}

static bool matches(const struct nl_model *m, const struct mrec *r, unsigned filter)
{
	if (!(r->flags & MR_KEPT))
		return false;
	if (r->flags & NL_REC_DELETED) {
		if (!(filter & (NL_ITER_DELETED | NL_ITER_ONLY_DELETED)))
			return false;
	} else if (filter & NL_ITER_ONLY_DELETED) {
		return false;
	}
	if ((filter & NL_ITER_DIRS) && !(r->flags & NL_REC_DIRECTORY))
		return false;
	unsigned what = filter & (NL_ITER_HARDLINKS | NL_ITER_REPARSE);

	if (!what)
		return true;
	if ((what & NL_ITER_REPARSE) && (r->flags & NL_REC_REPARSE))
		return true;
	return (what & NL_ITER_HARDLINKS) && two_names(m, r);
}

int nl_model_next(const nl_model *m, unsigned filter, uint64_t *cursor, uint64_t *mft)
{
	for (uint64_t i = *cursor; i < m->nrec; i++) {
		if (matches(m, &m->recs[i], filter)) {
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
		if (!matches(m, &m->recs[i], filter))
			continue;
		int rc = fn(ctx, m, i);

		if (rc)
			return rc;
	}
	return 0;
}
