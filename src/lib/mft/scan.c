/* scan.c: the one-pass $MFT scan: sequential chunked reads, fixups, attribute walk, filling the link model. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>  /* declares time(), which libntfs-3g's ntfstime.h uses undeclared */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/unistr.h>
#include "image/volume_int.h"
#include "mft/bounds_int.h"
#include "mft/model_int.h"
#include "mft/readahead_int.h"
#include "mft/reparse_tags_int.h"
#include "base/endian_int.h"

#define CHUNK_BYTES (1u << 20)   /* bytes of $MFT read per call */
#define REPARSE_READ_MAX 65536   /* larger non-resident reparse data is not read */

struct scan {
	struct nl_model *m;
	nl_volume *vol;
	const struct nl_scan_options *opt;
	const char *source;
	uint32_t rs;
	bool deleted;
	uint16_t *lc_tmp;             /* header link counts during the pass */
	/* extension records met before their base: processed after the pass */
	uint32_t *deferred;
	size_t ndeferred, deferred_cap;
	struct reparse_tags tags;     /* for reparse data that cannot be read */
	/* records whose $REPARSE_POINT is non-resident */
	uint32_t *rp_pending;
	size_t nrp_pending, rp_pending_cap;
	/* records that could not be read, as one range reported when it ends
	 * (it may span chunks) */
	uint64_t bad_from, bad_to;    /* bad_from == UINT64_MAX: none pending */
	int bad_err;
	char short_image[96];         /* "" or why reads fail: the image is truncated */
	int err;                      /* -ENOMEM etc.: stop */
	bool quiet;                   /* the record being parsed is not in use: no reports */
	bool raw;                     /* a raw $MFT: reparse data may be unreadable */
	uint64_t per;                 /* records per chunk */
	uint8_t *bufs[2];             /* the chunk being parsed and the one read ahead */
};

static void problem(struct scan *s, uint64_t mft, const char *reason)
{
	if (s->quiet) {
		if (mft < s->m->nrec)
			s->m->recs[mft].flags |= NL_REC_PROBLEM;
		return;
	}
	s->m->st.problems++;
	if (s->opt->problem)
		s->opt->problem(s->opt->problem_ctx, s->source, mft, NULL, reason);
	if (mft < s->m->nrec)
		s->m->recs[mft].flags |= NL_REC_PROBLEM;
}

static int push_u32(uint32_t **arr, size_t *n, size_t *cap, uint32_t v)
{
	if (grow_array((void **)arr, cap, *n + 1, sizeof(uint32_t)) < 0)
		return -ENOMEM;
	(*arr)[(*n)++] = v;
	return 0;
}

/* full_of_names: true when record @owner holds NL_NAMES_MAX names already (reported once). */
static bool full_of_names(struct scan *s, uint32_t owner)
{
	struct mrec *r = &s->m->recs[owner];
	uint32_t id = r->first;
	unsigned n = 0;
	char msg[64];

	if (r->flags & MR_MANY_NAMES)
		return true;
	for (; id != NO_NAME && !(id & NEXT_OWNER) && n < NL_NAMES_MAX; n++)
		id = nm_next(s->m, id);
	if (n < NL_NAMES_MAX)
		return false;
	r->flags |= MR_MANY_NAMES;
	snprintf(msg, sizeof(msg), "more than %u names: the rest are left out", NL_NAMES_MAX);
	problem(s, owner, msg);
	return true;
}

/* add_name: append a name to record @owner (prepended to its list; lists are
 * reversed into disk order after the pass); past NL_NAMES_MAX names, left out. */
static int add_name(struct scan *s, uint32_t owner, const struct nl_file_name *fn)
{
	struct nl_model *m = s->m;
	size_t need = NAME_HDR + NL_WTF8_SIZE(NL_NAME_MAX_UNITS) + 1;

	if (full_of_names(s, owner))
		return 0;

	if (grow_array((void **)&m->arena, &m->arena_cap, m->arena_len + need, 1) < 0)
		return -ENOMEM;
	if (m->arena_len + need >= NEXT_OWNER)
		return -EOVERFLOW;
	uint32_t id = (uint32_t)m->arena_len;
	ssize_t len = nl_utf16le_to_wtf8_buf(fn->name, fn->name_len, (char *)m->arena + id + NAME_HDR,
					     m->arena_cap - id - NAME_HDR);

	if (len < 0)
		return (int)len;
	struct mrec *r = &m->recs[owner];
	uint64_t prec = NL_MREF_RECORD(fn->parent_ref);
	struct mname n = {
		.next = r->first ? r->first : (NEXT_OWNER | owner),
		.parent = prec >= NEXT_OWNER ? BAD_PARENT : (uint32_t)prec,
		.parent_seq = NL_MREF_SEQ(fn->parent_ref),
		.lenns = (uint16_t)((size_t)len << 2 | (fn->name_space & 3)),
	};

	memcpy(m->arena + id, &n, sizeof(n));
	m->arena_len += (NAME_HDR + (size_t)len + 1 + 1) & ~(size_t)1;
	r->first = id;
	return 0;
}

/* sizes: 32 bits in the slot, else in the "big" side table */
static struct mbig *find_big(struct nl_model *m, uint32_t mft)
{
	for (size_t i = m->nbig; i-- > 0;)
		if (m->big[i].mft == mft)
			return &m->big[i];
	return NULL;
}

static int add_sizes(struct scan *s, uint32_t owner, bool set_data, uint64_t data, uint64_t alloc)
{
	struct nl_model *m = s->m;
	struct mrec *r = &m->recs[owner];

	if (r->flags & MR_BIGSIZE) {
		struct mbig *b = find_big(m, owner);

		if (b) {
			if (set_data)
				b->data = data;
			b->alloc += alloc;
		}
		return 0;
	}
	uint64_t nd = set_data ? data : r->data, na = (uint64_t)r->alloc + alloc;

	if (nd < SIZE32_BIG && na < SIZE32_BIG) {
		r->data = (uint32_t)nd;
		r->alloc = (uint32_t)na;
		return 0;
	}
	if (grow_array((void **)&m->big, &m->big_cap, m->nbig + 1, sizeof(*m->big)) < 0)
		return -ENOMEM;
	m->big[m->nbig++] = (struct mbig){ owner, nd, na };
	r->data = r->alloc = SIZE32_BIG;
	r->flags |= MR_BIGSIZE;
	return 0;
}

static int add_stream(struct scan *s, uint32_t owner, uint64_t size)
{
	struct nl_model *m = s->m;

	if (m->nstreams && m->streams[m->nstreams - 1].mft == owner) {
		m->streams[m->nstreams - 1].count++;
		m->streams[m->nstreams - 1].size += size;
		return 0;
	}
	if (grow_array((void **)&m->streams, &m->streams_cap, m->nstreams + 1, sizeof(*m->streams)) < 0)
		return -ENOMEM;
	m->streams[m->nstreams++] = (struct mstream){ owner, 1, size };
	return 0;
}

static int add_reparse(struct scan *s, uint32_t owner, uint32_t tag, const uint8_t *data, size_t len)
{
	struct nl_model *m = s->m;
	struct mreparse rp = { owner, tag, RP_UNREADABLE, 0 };

	if (data) {
		if (grow_array((void **)&m->rpdata, &m->rpdata_cap, m->rpdata_len + len, 1) < 0)
			return -ENOMEM;
		memcpy(m->rpdata + m->rpdata_len, data, len);
		rp.off = (uint32_t)m->rpdata_len;
		rp.len = (uint32_t)len;
		m->rpdata_len += len;
	}
	if (grow_array((void **)&m->rps, &m->rps_cap, m->nrps + 1, sizeof(*m->rps)) < 0)
		return -ENOMEM;
	m->rps[m->nrps++] = rp;
	m->recs[owner].flags |= NL_REC_REPARSE;
	if (!data)
		m->recs[owner].flags |= NL_REC_REPARSE_UNREADABLE;
	return 0;
}

/* note_std_info: the file attributes from $STANDARD_INFORMATION. */
static void note_std_info(struct scan *s, uint64_t recno, struct mrec *r, const struct nl_attr *a)
{
	struct nl_std_info si;
	const char *reason = NULL;

	if (nl_attr_std_info(a, &si, &reason) < 0) {
		problem(s, recno, reason);
		return;
	}
	r->fattr = si.file_attributes;
	r->flags |= NL_REC_HAS_SI;
	if (s->m->facts) {
		struct mfacts *f = &s->m->facts[r - s->m->recs];

		f->t = si.times;
		f->secid = si.has_v3 ? si.security_id : 0;
	}
}

/* note_index_root: the reparse tags an index root holds, needed only when
 * reparse data may be unreadable. */
static int note_index_root(struct scan *s, const struct nl_attr *a)
{
	if (!s->raw || !a->value)
		return 0;
	if (a->name_len == 2 && !memcmp(a->name, "$\0R\0", 4))
		return reparse_tags_from_index(&s->tags, a, true, s->m->nrec);
	if (a->name_len == 4 && !memcmp(a->name, "$\0I\0" "3\0" "0\0", 8))
		return reparse_tags_from_index(&s->tags, a, false, s->m->nrec);
	return 0;
}

/* note_file_name: a name of @owner; the first one that repeats a reparse tag
 * also notes the tag (*@fn_tagged). */
static int note_file_name(struct scan *s, uint64_t recno, uint32_t owner, const struct nl_attr *a,
			  bool *fn_tagged)
{
	struct nl_file_name fn;
	const char *reason = NULL;
	int rc;

	if (nl_attr_file_name(a, &fn, &reason) < 0) {
		problem(s, recno, reason);
		return 0;
	}
	/* seq 0: any; only in-use records are looked up */
	if ((fn.file_attributes & NL_FA_REPARSE_POINT) && fn.reparse_tag && !*fn_tagged) {
		*fn_tagged = true;
		if ((rc = reparse_tags_add(&s->tags, owner, fn.reparse_tag, TAG_FROM_FILE_NAME)) < 0)
			return rc;
	}
	return add_name(s, owner, &fn);
}

/* note_data: the sizes of a $DATA attribute (from its first extent), and
 * the named streams. */
static int note_data(struct scan *s, uint32_t owner, const struct nl_attr *a)
{
	struct mrec *r = &s->m->recs[owner];
	uint64_t size = 0, alloc = 0;
	int rc;

	if (a->non_resident) {
		if (a->lowest_vcn != 0)
			return 0;  /* sizes are in the first extent only */
		size = a->data_size;
		alloc = (a->flags & (0x00FF | 0x8000)) ? a->compressed_size : a->alloc_size;
	} else {
		size = a->value_len;
	}
	if ((rc = add_sizes(s, owner, !a->name_len, size, alloc)) < 0)
		return rc;
	if (s->m->facts) {
		/* as a copy counts it: compressed (unit 0x0001) or sparse data by what it holds */
		uint64_t on_disk = !a->non_resident ? size :
				   (a->flags & 0x8001) ? a->compressed_size : a->alloc_size;

		s->m->facts[owner].alloc += on_disk < size ? on_disk : size;
	}
	if (a->name_len) {
		r->flags |= NL_REC_NAMED_STREAMS;
		return add_stream(s, owner, size);
	}
	if (a->non_resident)
		r->flags |= NL_REC_DATA_NONRES;
	return 0;
}

/* note_reparse: a resident $REPARSE_POINT is kept; a non-resident one is
 * read through libntfs-3g after the pass. */
static int note_reparse(struct scan *s, uint64_t recno, uint32_t owner, const struct nl_attr *a)
{
	uint32_t tag = 0;
	const uint8_t *data;
	size_t len;
	const char *reason = NULL;
	int rc;

	if (s->m->recs[owner].flags & NL_REC_REPARSE)
		return 0;  /* only one per file; a second extent adds nothing */
	if (a->non_resident) {
		if ((rc = add_reparse(s, owner, 0, NULL, 0)) < 0)
			return rc;
		return push_u32(&s->rp_pending, &s->nrp_pending, &s->rp_pending_cap, owner);
	}
	if (nl_attr_reparse(a, &tag, &data, &len, &reason) < 0) {
		problem(s, recno, reason);
		return 0;
	}
	return add_reparse(s, owner, tag, data, len);
}

/* note_attr_list: an $ATTRIBUTE_LIST longer than NL_ATTR_LIST_MAX is reported, and its record
 * never handed to libntfs-3g (which would read, or refuse, what the size says). */
static void note_attr_list(struct scan *s, uint64_t recno, struct mrec *r, const struct nl_attr *a)
{
	uint64_t len = a->non_resident ? a->data_size : a->value_len;
	char msg[96];

	r->flags |= NL_REC_ATTR_LIST;
	if (len <= NL_ATTR_LIST_MAX)
		return;
	r->flags |= MR_BAD_LIST;
	snprintf(msg, sizeof(msg), "attribute list of %" PRIu64 " bytes, more than %u", len,
		 NL_ATTR_LIST_MAX);
	problem(s, recno, msg);
}

/* walk: the attributes of a fixed-up record, credited to @owner. */
static void walk(struct scan *s, uint64_t recno, uint32_t owner, const uint8_t *buf,
		 const struct nl_rec_header *h)
{
	struct mrec *r = &s->m->recs[owner];
	size_t pos = 0;
	struct nl_attr a;
	const char *reason = NULL;
	bool fn_tagged = false;  /* the reparse tag the $FILE_NAMEs repeat was noted */
	int rc;

	while ((rc = nl_record_attr_next(buf, s->rs, h, &pos, &a, &reason)) == 0) {
		int err = 0;

		switch (a.type) {
		case NL_AT_STANDARD_INFORMATION:
			note_std_info(s, recno, r, &a);
			break;
		case NL_AT_ATTRIBUTE_LIST:
			note_attr_list(s, recno, r, &a);
			break;
		case NL_AT_INDEX_ROOT:
			err = note_index_root(s, &a);
			break;
		case NL_AT_FILE_NAME:
			err = note_file_name(s, recno, owner, &a, &fn_tagged);
			break;
		case NL_AT_DATA:
			err = note_data(s, owner, &a);
			break;
		case NL_AT_REPARSE_POINT:
			err = note_reparse(s, recno, owner, &a);
			break;
		default:
			break;
		}
		if (err < 0) {
			s->err = err;
			return;
		}
	}
	if (rc < 0)
		problem(s, recno, reason);
}

/* unused_or_bad: true if @buf is not a FILE record (a never-used record is
 * all zero; anything else is reported). */
static bool unused_or_bad(struct scan *s, uint64_t recno, const uint8_t *buf)
{
	if (memcmp(buf, "FILE", 4) == 0)
		return false;
	if (memcmp(buf, "BAAD", 4) == 0)
		problem(s, recno, "baad record (torn write found by chkdsk)");
	else if (nl_le64(buf) != 0)
		problem(s, recno, "bad magic");
	return true;
}

/* credit_extension: the base record an extension record @recno is credited
 * to, into *@owner.  Returns false when the record is skipped: a bad base
 * reference, or a base that comes later in the pass (@recno is deferred to
 * after it unless @late). */
static bool credit_extension(struct scan *s, uint64_t recno, const struct nl_rec_header *h,
			     bool in_use, bool late, uint32_t *owner)
{
	struct nl_model *m = s->m;
	uint64_t base = NL_MREF_RECORD(h->base_ref);
	int rc;

	if (base >= m->nrec || base == recno) {
		if (in_use)
			problem(s, recno, "bad base record reference");
		return false;
	}
	if (base > recno && !late) {
		if ((rc = push_u32(&s->deferred, &s->ndeferred, &s->deferred_cap,
				   (uint32_t)recno)) < 0)
			s->err = rc;
		return false;
	}
	struct mrec *b = &m->recs[base];
	bool base_ok = (b->flags & (NL_REC_IN_USE | NL_REC_DELETED)) &&
		       b->seq == NL_MREF_SEQ(h->base_ref) &&
		       (in_use == !!(b->flags & NL_REC_IN_USE));

	if (!base_ok) {
		if (in_use)
			problem(s, recno, "extension record of a base record not in use");
		return false;
	}
	if (in_use)
		m->st.extension++;
	if (grow_array((void **)&m->exts, &m->exts_cap, m->nexts + 1, sizeof(*m->exts)) < 0) {
		s->err = -ENOMEM;
		return false;
	}
	m->exts[m->nexts++] = (struct mext){ (uint32_t)base, (uint32_t)recno };
	*owner = (uint32_t)base;
	return true;
}

/* fill_slot: the slot of base record @recno from its header. */
static void fill_slot(struct scan *s, uint64_t recno, const struct nl_rec_header *h, bool in_use)
{
	struct mrec *r = &s->m->recs[recno];

	r->seq = h->seq;
	s->lc_tmp[recno] = h->link_count;
	r->flags = (uint16_t)((r->flags & NL_REC_PROBLEM) |
			      (in_use ? NL_REC_IN_USE : NL_REC_DELETED) |
			      ((h->flags & NL_MFT_DIRECTORY) ? NL_REC_DIRECTORY : 0));
	if (in_use)
		s->m->st.in_use++;
}

/* process: one raw record @recno in @buf (s->rs bytes, modified in place).
 * @late: it is an extension record processed after the pass. */
static void process(struct scan *s, uint64_t recno, uint8_t *buf, bool late)
{
	const char *reason = NULL;
	struct nl_rec_header h;
	uint32_t owner = (uint32_t)recno;

	if (unused_or_bad(s, recno, buf))
		return;
	uint16_t hflags = nl_le16(buf + 0x16);  /* not covered by the update sequence */
	bool in_use = hflags & NL_MFT_IN_USE;

	if (!in_use && !s->deleted)
		return;
	if (nl_record_fixup(buf, s->rs, &reason) < 0 ||
	    nl_record_header(buf, s->rs, &h, &reason) < 0) {
		if (in_use)
			problem(s, recno, reason);
		return;
	}
	if (h.has_recno && h.recno != (uint32_t)recno && in_use) {
		/* a record stored in the wrong place: still parse it where it is */
		problem(s, recno, "record number in the header does not match its position");
	}
	if (h.base_ref) {
		if (!credit_extension(s, recno, &h, in_use, late, &owner))
			return;
	} else {
		fill_slot(s, recno, &h, in_use);
	}
	s->quiet = !in_use;
	walk(s, recno, owner, buf, &h);
	s->quiet = false;
}

/* flush_bad: report the pending range of unreadable records, if any. */
static void flush_bad(struct scan *s)
{
	char msg[256];

	if (s->bad_from == UINT64_MAX)
		return;
	if (s->bad_from == s->bad_to)
		snprintf(msg, sizeof(msg), "cannot read record %llu: %s%s",
			 (unsigned long long)s->bad_from, strerror(-s->bad_err), s->short_image);
	else
		snprintf(msg, sizeof(msg), "cannot read records %llu-%llu: %s%s",
			 (unsigned long long)s->bad_from, (unsigned long long)s->bad_to,
			 strerror(-s->bad_err), s->short_image);
	problem(s, s->bad_from, msg);
	s->bad_from = UINT64_MAX;
}

/* Parse the @count records from @first in @buf, where reading them all at
 * once gave @n (records read, or -errno). */
static int chunk(struct scan *s, uint64_t first, uint64_t count, uint8_t *buf, int64_t n)
{
	if (n < 0 || (uint64_t)n < count) {
		/* read what can be read record by record; the rest is reported
		 * as ranges of record numbers */
		for (uint64_t i = 0; i < count; i++) {
			uint8_t *rb = buf + i * s->rs;
			int rc = nl_volume_read_record(s->vol, first + i, rb);

			if (rc == 0) {
				flush_bad(s);
				s->m->st.bytes_read += s->rs;
				process(s, first + i, rb, false);
				if (s->err)
					return s->err;
				continue;
			}
			if (first + i < s->m->nrec)
				s->m->recs[first + i].flags |= NL_REC_PROBLEM;
			if (s->bad_from == UINT64_MAX) {
				s->bad_from = first + i;
				s->bad_err = rc;
			}
			s->bad_to = first + i;
		}
		return 0;
	}
	flush_bad(s);
	s->m->st.bytes_read += (uint64_t)n * s->rs;
	for (uint64_t i = 0; i < count; i++) {
		process(s, first + i, buf + i * s->rs, false);
		if (s->err)
			return s->err;
	}
	return 0;
}

/* read_bounded: the value of the unnamed $REPARSE_POINT of @ni (malloc'ed,
 * *@size bytes), read only when its size is plausible: the size comes from
 * the image, and libntfs-3g's ntfs_attr_readall() would allocate whatever it
 * says.  NULL with *@size set when it is not (errno set otherwise). */
static uint8_t *read_bounded(ntfs_inode *ni, s64 *size)
{
	ntfs_attr *na = ntfs_attr_open(ni, AT_REPARSE_POINT, AT_UNNAMED, 0);
	uint8_t *data = NULL;

	*size = 0;
	if (!na)
		return NULL;
	*size = na->data_size;
	if (*size >= 8 && *size <= REPARSE_READ_MAX && (data = malloc((size_t)*size)) &&
	    ntfs_attr_pread(na, 0, *size, data) != *size) {
		free(data);
		data = NULL;
		*size = 0;
	}
	ntfs_attr_close(na);
	return data;
}

/* read_reparse: the non-resident $REPARSE_POINT of @mft through libntfs-3g. */
static void read_reparse(struct scan *s, uint32_t mft)
{
	struct nl_model *m = s->m;
	ntfs_volume *nv = nl_volume_ntfs(s->vol);
	struct mrec *r = &m->recs[mft];
	struct mreparse *rp = (struct mreparse *)nl_model_find_reparse(m, mft);
	char msg[160];

	if (!rp)
		return;
	if (!nv || (s->opt->flags & NL_SCAN_NO_REPARSE_READ)) {
		m->st.reparse_unreadable++;
		return;  /* raw $MFT: the data lives in clusters we do not have */
	}
	if (!(r->flags & NL_REC_IN_USE)) {
		m->st.reparse_unreadable++;
		return;  /* deleted: its clusters may belong to someone else now */
	}
	if (r->flags & MR_BAD_LIST) {
		m->st.reparse_unreadable++;
		return;  /* reported: its attribute list claims too much */
	}
	ntfs_inode *ni = ntfs_inode_open(nv, MK_MREF(mft, r->seq));
	s64 size = 0;
	uint8_t *data = NULL;

	if (ni) {
		data = read_bounded(ni, &size);
		ntfs_inode_close(ni);
	}
	if (!data || size < 8 || size > REPARSE_READ_MAX ||
	    (size_t)nl_le16(data + 4) + 8 > (size_t)size) {
		snprintf(msg, sizeof(msg), "cannot read the non-resident reparse data: %s",
			 data || size ? "bad length" : strerror(errno ? errno : EIO));
		free(data);
		m->st.reparse_unreadable++;
		problem(s, mft, msg);
		return;
	}
	if (grow_array((void **)&m->rpdata, &m->rpdata_cap, m->rpdata_len + (size_t)size, 1) < 0) {
		free(data);
		s->err = -ENOMEM;
		return;
	}
	memcpy(m->rpdata + m->rpdata_len, data, (size_t)size);
	rp->off = (uint32_t)m->rpdata_len;
	rp->len = (uint32_t)size;
	rp->tag = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
		  (uint32_t)data[3] << 24;
	m->rpdata_len += (size_t)size;
	r->flags &= (uint16_t)~NL_REC_REPARSE_UNREADABLE;
	free(data);
}

static int cmp_stream(const void *a, const void *b)
{
	uint32_t x = ((const struct mstream *)a)->mft, y = ((const struct mstream *)b)->mft;

	return x < y ? -1 : x > y;
}

static int cmp_big(const void *a, const void *b)
{
	uint32_t x = ((const struct mbig *)a)->mft, y = ((const struct mbig *)b)->mft;

	return x < y ? -1 : x > y;
}

static int cmp_ext(const void *a, const void *b)
{
	const struct mext *x = a, *y = b;

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return x->ext < y->ext ? -1 : x->ext > y->ext;
}

static int cmp_reparse(const void *a, const void *b)
{
	uint32_t x = ((const struct mreparse *)a)->mft, y = ((const struct mreparse *)b)->mft;

	return x < y ? -1 : x > y;
}

/* merge_streams: one entry per record (extension records add theirs later). */
static void merge_streams(struct nl_model *m)
{
	size_t w = 0;

	if (m->nstreams)
		qsort(m->streams, m->nstreams, sizeof(*m->streams), cmp_stream);
	for (size_t i = 0; i < m->nstreams; i++) {
		if (w && m->streams[w - 1].mft == m->streams[i].mft) {
			m->streams[w - 1].count += m->streams[i].count;
			m->streams[w - 1].size += m->streams[i].size;
		} else {
			m->streams[w++] = m->streams[i];
		}
	}
	m->nstreams = w;
}

/* reverse_names: the name list of @r into disk order; the owner tag moves
 * to the end. */
static void reverse_names(struct nl_model *m, struct mrec *r, uint32_t owner)
{
	uint32_t prev = NEXT_OWNER | owner, cur = r->first;

	if (cur == NO_NAME)
		return;
	while (!(cur & NEXT_OWNER)) {
		uint32_t next = nm_next(m, cur);

		nm_set_next(m, cur, prev);
		prev = cur;
		cur = next;
	}
	r->first = prev;
}

/* keep_record: mark record @i kept (a named or root record in use or
 * deleted), note a header link count that differs from its names, count it. */
static int keep_record(struct scan *s, uint64_t i)
{
	struct nl_model *m = s->m;
	struct mrec *r = &m->recs[i];

	if (!(r->flags & (NL_REC_IN_USE | NL_REC_DELETED)))
		return 0;
	if (r->first == NO_NAME && !(i == NL_ROOT_MFT && (r->flags & NL_REC_IN_USE)))
		return 0;
	r->flags |= MR_KEPT;
	unsigned ndos = 0, nnames = nl_model_count_names(m, r, &ndos);

	if (s->lc_tmp[i] != nnames + ndos) {
		if (grow_array((void **)&m->lc, &m->lc_cap, m->nlc + 1, sizeof(*m->lc)) < 0)
			return -ENOMEM;
		m->lc[m->nlc++] = (struct mlc){ (uint32_t)i, s->lc_tmp[i] };
		r->flags |= MR_LC_SIDE;
	}
	m->st.names += nnames;
	m->st.dos_names += ndos;
	if (r->flags & NL_REC_DELETED) {
		m->st.deleted++;
	} else {
		m->st.files++;
		if (r->flags & NL_REC_DIRECTORY)
			m->st.directories++;
		if (nnames >= 2) {
			m->st.hardlink_groups++;
			m->st.hardlink_names += nnames;
		}
	}
	if (r->flags & NL_REC_REPARSE)
		m->st.reparse_points++;
	return 0;
}

/* drop_unkept: the reparse and extension entries of records not kept. */
static void drop_unkept(struct nl_model *m)
{
	size_t w = 0;

	for (size_t i = 0; i < m->nrps; i++)
		if (m->recs[m->rps[i].mft].flags & MR_KEPT)
			m->rps[w++] = m->rps[i];
	m->nrps = w;
	w = 0;
	for (size_t i = 0; i < m->nexts; i++)
		if (m->recs[m->exts[i].base].flags & MR_KEPT)
			m->exts[w++] = m->exts[i];
	m->nexts = w;
}

/* finish: sort side tables, reverse name lists, decide what is kept, count. */
static void finish(struct scan *s)
{
	struct nl_model *m = s->m;

	merge_streams(m);
	if (m->nrps)
		qsort(m->rps, m->nrps, sizeof(*m->rps), cmp_reparse);
	for (uint64_t i = 0; i < m->nrec; i++) {
		reverse_names(m, &m->recs[i], (uint32_t)i);
		if (keep_record(s, i) < 0) {
			s->err = -ENOMEM;
			return;
		}
	}
	if (m->nbig)
		qsort(m->big, m->nbig, sizeof(*m->big), cmp_big);
	drop_unkept(m);
	if (m->nexts)
		qsort(m->exts, m->nexts, sizeof(*m->exts), cmp_ext);
}

/* scan_begin: the model (its slots and name arena) and the scan's buffers.
 * On failure after the model exists, scan_end() and nl_model_free() clean up. */
static int scan_begin(struct scan *s, nl_volume *vol, const struct nl_scan_options *opt)
{
	struct nl_model *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->vol = vol;
	m->scan_flags = opt->flags;
	m->nrec = nl_volume_record_count(vol);
	m->st.mft_records = m->nrec;
	m->upcase = nl_volume_upcase(vol, &m->upcase_len);
	s->rs = nl_volume_record_size(vol);
	if (m->nrec >= NEXT_OWNER || !s->rs || s->rs > CHUNK_BYTES) {
		int rc = m->nrec >= NEXT_OWNER ? -EFBIG : -EINVAL;

		free(m);
		return rc;
	}
	s->m = m;
	s->vol = vol;
	s->opt = opt;
	s->source = nl_volume_source(vol);
	s->deleted = opt->flags & NL_SCAN_DELETED;
	s->raw = nl_volume_is_raw_mft(vol) || (opt->flags & NL_SCAN_NO_REPARSE_READ);
	s->bad_from = UINT64_MAX;
	s->per = CHUNK_BYTES / s->rs;
	m->recs = calloc(m->nrec ? m->nrec : 1, sizeof(*m->recs));
	s->lc_tmp = calloc(m->nrec ? m->nrec : 1, sizeof(*s->lc_tmp));
	if (opt->flags & NL_SCAN_FACTS) {
		m->facts = calloc(m->nrec ? m->nrec : 1, sizeof(*m->facts));
		if (!m->facts)
			return -ENOMEM;
	}
	m->arena_cap = 1 << 16;
	m->arena = malloc(m->arena_cap);
	m->arena_len = 4;  /* id 0 means "none" */
	s->bufs[0] = malloc((size_t)s->per * s->rs);
	s->bufs[1] = malloc((size_t)s->per * s->rs);
	if (!m->recs || !s->lc_tmp || !m->arena || !s->bufs[0] || !s->bufs[1])
		return -ENOMEM;
	memset(m->arena, 0, 4);
	return 0;
}

/* scan_end: free what only the scan needed. */
static void scan_end(struct scan *s)
{
	free(s->bufs[0]);
	free(s->bufs[1]);
	free(s->deferred);
	free(s->rp_pending);
	free(s->lc_tmp);
	reparse_tags_free(&s->tags);
}

/* note_short_image: an image shorter than its volume (the sizes the audit's
 * warning gives); the records that cannot be read say so. */
static void note_short_image(struct scan *s)
{
	struct nl_volume_info vi;

	nl_volume_get_info(s->vol, &vi);
	if (vi.kind == NL_VOLUME_NTFS && vi.image_bytes < vi.volume_bytes)
		snprintf(s->short_image, sizeof(s->short_image),
			 " (the image is truncated: %llu of %llu bytes)",
			 (unsigned long long)vi.image_bytes, (unsigned long long)vi.volume_bytes);
}

/* read_pass: every record in order.  Chunk k is parsed in bufs[k % 2] while
 * the next one is read ahead, unless this one came short and is read again
 * record by record. */
static int read_pass(struct scan *s)
{
	struct nl_model *m = s->m;
	const struct nl_scan_options *opt = s->opt;
	uint64_t per = s->per;
	struct mft_readahead ra;
	int rc = 0;

	mft_readahead_init(&ra, s->vol);
	if (m->nrec)
		mft_readahead_start(&ra, 0, m->nrec < per ? m->nrec : per, s->bufs[0]);
	for (uint64_t first = 0, k = 0; first < m->nrec; first += per, k ^= 1) {
		uint64_t count = m->nrec - first < per ? m->nrec - first : per;
		uint64_t next = first + per;
		uint64_t ncount = next < m->nrec ? (m->nrec - next < per ? m->nrec - next : per) : 0;
		int64_t n = mft_readahead_wait(&ra);
		bool ahead = ncount && n >= 0 && (uint64_t)n == count;

		if (ahead)
			mft_readahead_start(&ra, next, ncount, s->bufs[k ^ 1]);
		if ((rc = chunk(s, first, count, s->bufs[k], n)) < 0)
			break;
		if (ncount && !ahead)
			mft_readahead_start(&ra, next, ncount, s->bufs[k ^ 1]);
		if (opt->progress && opt->progress(opt->progress_ctx, first + count, m->nrec)) {
			rc = -ECANCELED;
			break;
		}
	}
	mft_readahead_stop(&ra);
	return rc;
}

/* note_raw_mft_tail: a raw $MFT that ends inside a record. */
static void note_raw_mft_tail(struct scan *s)
{
	struct nl_volume_info vi;
	char msg[128];

	nl_volume_get_info(s->vol, &vi);
	if (vi.kind != NL_VOLUME_RAW_MFT || !(vi.size % s->rs))
		return;
	snprintf(msg, sizeof(msg), "truncated record (%llu of %u bytes)",
		 (unsigned long long)(vi.size % s->rs), s->rs);
	problem(s, s->m->nrec, msg);
}

/* process_deferred: the extension records that came before their base. */
static int process_deferred(struct scan *s)
{
	uint8_t *buf = s->bufs[0];

	for (size_t i = 0; i < s->ndeferred; i++) {
		uint64_t recno = s->deferred[i];

		if (nl_volume_read_record(s->vol, recno, buf) == 0)
			process(s, recno, buf, true);
		if (s->err)
			return s->err;
	}
	return 0;
}

/* read_pending_reparse: the non-resident reparse data of the records kept. */
static int read_pending_reparse(struct scan *s)
{
	for (size_t i = 0; i < s->nrp_pending; i++) {
		uint32_t mft = s->rp_pending[i];

		if (s->m->recs[mft].flags & MR_KEPT)
			read_reparse(s, mft);
		if (s->err)
			return s->err;
	}
	return 0;
}

int nl_scan(nl_volume *vol, const struct nl_scan_options *opt, nl_model **out)
{
	static const struct nl_scan_options defaults;
	struct scan s = { 0 };
	int rc;

	if (!out || !vol)
		return -EINVAL;
	*out = NULL;
	if (!opt)
		opt = &defaults;
	if ((rc = scan_begin(&s, vol, opt)) < 0)
		goto fail;
	note_short_image(&s);
	if ((rc = read_pass(&s)) < 0)
		goto fail;
	free(s.bufs[1]);
	s.bufs[1] = NULL;
	flush_bad(&s);
	note_raw_mft_tail(&s);
	if ((rc = process_deferred(&s)) < 0)
		goto fail;
	reparse_tags_apply(&s.tags, s.m);
	finish(&s);
	free(s.lc_tmp);
	s.lc_tmp = NULL;
	if ((rc = s.err) < 0 || (rc = read_pending_reparse(&s)) < 0)
		goto fail;
	scan_end(&s);
	*out = s.m;
	return 0;
fail:
	scan_end(&s);
	nl_model_free(&s.m);
	return rc;
}
