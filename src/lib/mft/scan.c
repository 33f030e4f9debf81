/* scan.c: the one-pass $MFT scan: sequential chunked reads, fixups, attribute walk, filling the link model. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/unistr.h>
#include "image/volume_int.h"
#include "mft/model_int.h"

#define CHUNK_BYTES (1u << 20)   /* bytes of $MFT read per call */

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

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
	/* (record, tag) pairs from the resident root of $Extend/$Reparse:$R */
	/* reparse tags known from elsewhere, for reparse data that cannot be
	 * read: prio 0 from the record's own $FILE_NAMEs, 1 from the keys of
	 * $Extend/$Reparse:$R, 2 from $I30 entries (resident index roots) */
	struct rtag { uint32_t mft, tag, ord; uint16_t seq; uint8_t prio; } *rtags;
	size_t nrtags, rtags_cap;
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

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 64;

	while (nc < need)
		nc *= 2;
	void *np = realloc(*p, nc * elem);

	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = nc;
	return 0;
}

static int push_u32(uint32_t **arr, size_t *n, size_t *cap, uint32_t v)
{
	if (grow((void **)arr, cap, *n + 1, sizeof(uint32_t)) < 0)
		return -ENOMEM;
	(*arr)[(*n)++] = v;
	return 0;
}

/* add_name: append a name to record @owner (prepended to its list; lists are
 * reversed into disk order after the pass). */
static int add_name(struct scan *s, uint32_t owner, const struct nl_file_name *fn)
{
	struct nl_model *m = s->m;
	size_t need = NAME_HDR + NL_WTF8_SIZE(NL_NAME_MAX_UNITS) + 1;

	if (grow((void **)&m->arena, &m->arena_cap, m->arena_len + need, 1) < 0)
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
	if (grow((void **)&m->big, &m->big_cap, m->nbig + 1, sizeof(*m->big)) < 0)
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
	if (grow((void **)&m->streams, &m->streams_cap, m->nstreams + 1, sizeof(*m->streams)) < 0)
		return -ENOMEM;
	m->streams[m->nstreams++] = (struct mstream){ owner, 1, size };
	return 0;
}

static int add_reparse(struct scan *s, uint32_t owner, uint32_t tag, const uint8_t *data, size_t len)
{
	struct nl_model *m = s->m;
	struct mreparse rp = { owner, tag, RP_UNREADABLE, 0 };

	if (data) {
		if (grow((void **)&m->rpdata, &m->rpdata_cap, m->rpdata_len + len, 1) < 0)
			return -ENOMEM;
		memcpy(m->rpdata + m->rpdata_len, data, len);
		rp.off = (uint32_t)m->rpdata_len;
		rp.len = (uint32_t)len;
		m->rpdata_len += len;
	}
	if (grow((void **)&m->rps, &m->rps_cap, m->nrps + 1, sizeof(*m->rps)) < 0)
		return -ENOMEM;
	m->rps[m->nrps++] = rp;
	m->recs[owner].flags |= NL_REC_REPARSE;
	if (!data)
		m->recs[owner].flags |= NL_REC_REPARSE_UNREADABLE;
	return 0;
}

static int push_rtag(struct scan *s, uint64_t ref, uint32_t tag, uint8_t prio)
{
	if (grow((void **)&s->rtags, &s->rtags_cap, s->nrtags + 1, sizeof(*s->rtags)) < 0)
		return -ENOMEM;
	s->rtags[s->nrtags] = (struct rtag){ (uint32_t)NL_MREF_RECORD(ref), tag, (uint32_t)s->nrtags,
					      NL_MREF_SEQ(ref), prio };
	s->nrtags++;
	return 0;
}

/* index_tags: reparse tags found in a resident index root, for reparse points
 * whose data cannot be read (raw $MFT).  Two kinds:
 *  - $Extend/$Reparse:$R, whose keys are (tag, file reference);
 *  - a directory's $I30, whose keys are $FILE_NAMEs: the copies in the index
 *    carry the file attributes and the reparse tag (the $FILE_NAME in the
 *    file's own record usually does not).  Only tags with the Microsoft
 *    bit and no reserved bits are taken from there: for non-resident
 *    reparse data libntfs-3g writes 0xC0 (the attribute type) in that field.
 * Entries in a non-resident $INDEX_ALLOCATION are not seen. */
static int index_tags(struct scan *s, const struct nl_attr *a, bool r_index)
{
	const uint8_t *v = a->value;
	size_t vlen = a->value_len;

	if (vlen < 0x20)
		return 0;
	size_t hdr = 0x10, pos = hdr + (size_t)(v[hdr] | v[hdr + 1] << 8 | v[hdr + 2] << 16);
	size_t end = hdr + (size_t)(v[hdr + 4] | v[hdr + 5] << 8 | v[hdr + 6] << 16);

	if (end > vlen)
		end = vlen;
	for (int guard = 0; guard < 4096 && pos + 0x10 <= end; guard++) {
		size_t elen = rd16(v + pos + 8), klen = rd16(v + pos + 10);
		uint16_t fl = rd16(v + pos + 12);
		const uint8_t *k = v + pos + 0x10;
		uint32_t tag = 0;
		uint64_t ref = 0;

		if (fl & 2 || elen < 0x10 || pos + elen > end || pos + 0x10 + klen > end)
			break;
		if (r_index && klen >= 12) {
			tag = (uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 |
			      (uint32_t)k[3] << 24;
			ref = rd64(k + 4);
		} else if (!r_index && klen >= 0x42) {
			uint32_t fa = (uint32_t)k[0x38] | (uint32_t)k[0x39] << 8 |
				      (uint32_t)k[0x3A] << 16 | (uint32_t)k[0x3B] << 24;

			if (fa & NL_FA_REPARSE_POINT)
				tag = (uint32_t)k[0x3C] | (uint32_t)k[0x3D] << 8 |
				      (uint32_t)k[0x3E] << 16 | (uint32_t)k[0x3F] << 24;
			if (!(tag & 0x80000000u) || (tag & 0x0FFF0000u))
				tag = 0;
			ref = rd64(v + pos);
		}
		if (tag && NL_MREF_RECORD(ref) < s->m->nrec &&
		    push_rtag(s, ref, tag, r_index ? 1 : 2) < 0)
			return -ENOMEM;
		pos += elen;
	}
	return 0;
}

/* walk: the attributes of a fixed-up record, credited to @owner. */
static void walk(struct scan *s, uint64_t recno, uint32_t owner, const uint8_t *buf,
		 const struct nl_rec_header *h)
{
	struct nl_model *m = s->m;
	struct mrec *r = &m->recs[owner];
	size_t pos = 0;
	struct nl_attr a;
	const char *reason = NULL;
	bool fn_tagged = false;  /* the reparse tag the $FILE_NAMEs repeat was noted */
	int rc;

	while ((rc = nl_record_attr_next(buf, s->rs, h, &pos, &a, &reason)) == 0) {
		switch (a.type) {
		case NL_AT_STANDARD_INFORMATION: {
			struct nl_std_info si;

			if (nl_attr_std_info(&a, &si, &reason) < 0) {
				problem(s, recno, reason);
				break;
			}
			r->fattr = si.file_attributes;
			r->flags |= NL_REC_HAS_SI;
			break;
		}
		case NL_AT_ATTRIBUTE_LIST:
			r->flags |= NL_REC_ATTR_LIST;
			break;
		case NL_AT_INDEX_ROOT:
			/* only needed when reparse data may be unreadable */
			if (!s->raw || !a.value)
				break;
			if (a.name_len == 2 && !memcmp(a.name, "$\0R\0", 4))
				rc = index_tags(s, &a, true);
			else if (a.name_len == 4 && !memcmp(a.name, "$\0I\0" "3\0" "0\0", 8))
				rc = index_tags(s, &a, false);
			if (rc < 0) {
				s->err = rc;
				return;
			}
			break;
		case NL_AT_FILE_NAME: {
			struct nl_file_name fn;

			if (nl_attr_file_name(&a, &fn, &reason) < 0) {
				problem(s, recno, reason);
				break;
			}
			/* seq 0: any; only in-use records are looked up */
			if ((fn.file_attributes & NL_FA_REPARSE_POINT) && fn.reparse_tag && !fn_tagged) {
				fn_tagged = true;
				if ((rc = push_rtag(s, owner, fn.reparse_tag, 0)) < 0) {
					s->err = rc;
					return;
				}
			}
			if ((rc = add_name(s, owner, &fn)) < 0) {
				s->err = rc;
				return;
			}
			break;
		}
		case NL_AT_DATA: {
			uint64_t size = 0, alloc = 0;

			if (a.non_resident) {
				if (a.lowest_vcn != 0)
					break;  /* sizes are in the first extent only */
				size = a.data_size;
				alloc = (a.flags & (0x00FF | 0x8000)) ? a.compressed_size : a.alloc_size;
			} else {
				size = a.value_len;
			}
			if ((rc = add_sizes(s, owner, !a.name_len, size, alloc)) < 0) {
				s->err = rc;
				return;
			}
			if (a.name_len) {
				r->flags |= NL_REC_NAMED_STREAMS;
				if ((rc = add_stream(s, owner, size)) < 0) {
					s->err = rc;
					return;
				}
			} else if (a.non_resident) {
				r->flags |= NL_REC_DATA_NONRES;
			}
			break;
		}
		case NL_AT_REPARSE_POINT: {
			uint32_t tag = 0;
			const uint8_t *data;
			size_t len;

			if (r->flags & NL_REC_REPARSE)
				break;  /* only one per file; a second extent adds nothing */
			if (a.non_resident) {
				if ((rc = add_reparse(s, owner, 0, NULL, 0)) < 0 ||
				    (rc = push_u32(&s->rp_pending, &s->nrp_pending, &s->rp_pending_cap,
						   owner)) < 0) {
					s->err = rc;
					return;
				}
				break;
			}
			if (nl_attr_reparse(&a, &tag, &data, &len, &reason) < 0) {
				problem(s, recno, reason);
				break;
			}
			if ((rc = add_reparse(s, owner, tag, data, len)) < 0) {
				s->err = rc;
				return;
			}
			break;
		}
		default:
			break;
		}
	}
	if (rc < 0)
		problem(s, recno, reason);
}

/* process: one raw record @recno in @buf (s->rs bytes, modified in place).
 * @late: it is an extension record processed after the pass. */
static void process(struct scan *s, uint64_t recno, uint8_t *buf, bool late)
{
	struct nl_model *m = s->m;
	const char *reason = NULL;
	struct nl_rec_header h;
	int rc;

	if (memcmp(buf, "FILE", 4) != 0) {
		if (memcmp(buf, "BAAD", 4) == 0)
			problem(s, recno, "baad record (torn write found by chkdsk)");
		else if (rd64(buf) != 0)
			problem(s, recno, "bad magic");
		return;  /* a never-used record is all zero */
	}
	uint16_t hflags = rd16(buf + 0x16);  /* not covered by the update sequence */
	bool in_use = hflags & NL_MFT_IN_USE;

	if (!in_use && !s->deleted)
		return;
	rc = nl_record_fixup(buf, s->rs, &reason);
	if (rc < 0) {
		if (in_use)
			problem(s, recno, reason);
		return;
	}
	if (nl_record_header(buf, s->rs, &h, &reason) < 0) {
		if (in_use)
			problem(s, recno, reason);
		return;
	}
	if (h.has_recno && h.recno != (uint32_t)recno && in_use) {
		/* a record stored in the wrong place: still parse it where it is */
		problem(s, recno, "record number in the header does not match its position");
	}
	uint32_t owner = (uint32_t)recno;

	if (h.base_ref) {
		uint64_t base = NL_MREF_RECORD(h.base_ref);

		if (base >= m->nrec || base == recno) {
			if (in_use)
				problem(s, recno, "bad base record reference");
			return;
		}
		if (base > recno && !late) {
			if ((rc = push_u32(&s->deferred, &s->ndeferred, &s->deferred_cap,
					   (uint32_t)recno)) < 0)
				s->err = rc;
			return;
		}
		struct mrec *b = &m->recs[base];
		bool base_ok = (b->flags & (NL_REC_IN_USE | NL_REC_DELETED)) &&
			       b->seq == NL_MREF_SEQ(h.base_ref) &&
			       (in_use == !!(b->flags & NL_REC_IN_USE));

		if (!base_ok) {
			if (in_use)
				problem(s, recno, "extension record of a base record not in use");
			return;
		}
		if (in_use)
			m->st.extension++;
		owner = (uint32_t)base;
		if (grow((void **)&m->exts, &m->exts_cap, m->nexts + 1, sizeof(*m->exts)) < 0) {
			s->err = -ENOMEM;
			return;
		}
		m->exts[m->nexts++] = (struct mext){ owner, (uint32_t)recno };
	} else {
		struct mrec *r = &m->recs[recno];

		r->seq = h.seq;
		s->lc_tmp[recno] = h.link_count;
		r->flags = (uint16_t)((r->flags & NL_REC_PROBLEM) |
				      (in_use ? NL_REC_IN_USE : NL_REC_DELETED) |
				      ((h.flags & NL_MFT_DIRECTORY) ? NL_REC_DIRECTORY : 0));
		if (in_use)
			m->st.in_use++;
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

/*
 * Read-ahead: a second thread reads the next chunk of $MFT while this one
 * parses the current one (the kernel's copy is about a third of the pass).
 * It only ever calls nl_volume_read_mft(), and only between pf_start() and
 * the matching pf_wait(); nothing else touches the volume meanwhile (the
 * record-by-record reads of a short chunk come after pf_wait() and before
 * the next pf_start()).  Without the thread, pf_wait() reads itself.
 */
struct prefetch {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool threaded, want, done, quit;
	nl_volume *vol;
	uint64_t first, count;        /* the request */
	uint8_t *buf;
	int64_t n;                    /* its result */
};

static void *pf_main(void *arg)
{
	struct prefetch *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->want && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->quit)
			break;
		p->want = false;
		uint64_t first = p->first, count = p->count;
		uint8_t *buf = p->buf;

		pthread_mutex_unlock(&p->mu);
		int64_t n = nl_volume_read_mft(p->vol, first, count, buf);

		pthread_mutex_lock(&p->mu);
		p->n = n;
		p->done = true;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void pf_init(struct prefetch *p, nl_volume *vol)
{
	memset(p, 0, sizeof(*p));
	p->vol = vol;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		return;
	}
	p->threaded = pthread_create(&p->th, NULL, pf_main, p) == 0;
	if (!p->threaded) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
}

static void pf_start(struct prefetch *p, uint64_t first, uint64_t count, uint8_t *buf)
{
	if (p->threaded)
		pthread_mutex_lock(&p->mu);
	p->first = first;
	p->count = count;
	p->buf = buf;
	p->want = true;
	p->done = false;
	if (p->threaded) {
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

/* The result of the last pf_start(): records read or -errno. */
static int64_t pf_wait(struct prefetch *p)
{
	int64_t n;

	if (!p->threaded) {
		p->want = false;
		return nl_volume_read_mft(p->vol, p->first, p->count, p->buf);
	}
	pthread_mutex_lock(&p->mu);
	while (!p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	p->done = false;
	n = p->n;
	pthread_mutex_unlock(&p->mu);
	return n;
}

/* Stop the thread (after it finishes a read under way). */
static void pf_stop(struct prefetch *p)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	p->threaded = false;
}

/* read_reparse: the non-resident $REPARSE_POINT of @mft through libntfs-3g. */
static void read_reparse(struct scan *s, uint32_t mft)
{
	struct nl_model *m = s->m;
	ntfs_volume *nv = (ntfs_volume *)nl_volume_ntfs(s->vol);
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
	ntfs_inode *ni = ntfs_inode_open(nv, MK_MREF(mft, r->seq));
	s64 size = 0;
	uint8_t *data = NULL;

	if (ni) {
		data = ntfs_attr_readall(ni, AT_REPARSE_POINT, AT_UNNAMED, 0, &size);
		ntfs_inode_close(ni);
	}
	if (!data || size < 8 || size > 65536 || (size_t)rd16(data + 4) + 8 > (size_t)size) {
		snprintf(msg, sizeof(msg), "cannot read the non-resident reparse data: %s",
			 data ? "bad length" : strerror(errno ? errno : EIO));
		free(data);
		m->st.reparse_unreadable++;
		problem(s, mft, msg);
		return;
	}
	if (grow((void **)&m->rpdata, &m->rpdata_cap, m->rpdata_len + (size_t)size, 1) < 0) {
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

static int cmp_rtag(const void *a, const void *b)
{
	const struct rtag *x = a, *y = b;

	if (x->mft != y->mft)
		return x->mft < y->mft ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
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

/* finish: sort side tables, reverse name lists, decide what is kept, count. */
static void finish(struct scan *s)
{
	struct nl_model *m = s->m;

	/* streams: merge entries of one record (extension records add later) */
	if (m->nstreams)
		qsort(m->streams, m->nstreams, sizeof(*m->streams), cmp_stream);
	size_t w = 0;

	for (size_t i = 0; i < m->nstreams; i++) {
		if (w && m->streams[w - 1].mft == m->streams[i].mft) {
			m->streams[w - 1].count += m->streams[i].count;
			m->streams[w - 1].size += m->streams[i].size;
		} else {
			m->streams[w++] = m->streams[i];
		}
	}
	m->nstreams = w;
	if (m->nrps)
		qsort(m->rps, m->nrps, sizeof(*m->rps), cmp_reparse);

	for (uint64_t i = 0; i < m->nrec; i++) {
		struct mrec *r = &m->recs[i];
		uint32_t prev = NEXT_OWNER | (uint32_t)i, cur = r->first;

		/* reverse the list into disk order; the owner tag moves to the end */
		if (cur != NO_NAME) {
			while (!(cur & NEXT_OWNER)) {
				uint32_t next = nm_next(m, cur);

				nm_set_next(m, cur, prev);
				prev = cur;
				cur = next;
			}
			r->first = prev;
		}
		if (!(r->flags & (NL_REC_IN_USE | NL_REC_DELETED)))
			continue;
		if (r->first == NO_NAME && !(i == NL_ROOT_MFT && (r->flags & NL_REC_IN_USE)))
			continue;
		r->flags |= MR_KEPT;
		unsigned ndos = 0, nnames = nl_model_count_names(m, r, &ndos);

		if (s->lc_tmp[i] != nnames + ndos) {
			if (grow((void **)&m->lc, &m->lc_cap, m->nlc + 1, sizeof(*m->lc)) < 0) {
				s->err = -ENOMEM;
				return;
			}
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
	}
	if (m->nbig)
		qsort(m->big, m->nbig, sizeof(*m->big), cmp_big);
	/* drop side-table entries of records not kept */
	w = 0;
	for (size_t i = 0; i < m->nrps; i++)
		if (m->recs[m->rps[i].mft].flags & MR_KEPT)
			m->rps[w++] = m->rps[i];
	m->nrps = w;
	w = 0;
	for (size_t i = 0; i < m->nexts; i++)
		if (m->recs[m->exts[i].base].flags & MR_KEPT)
			m->exts[w++] = m->exts[i];
	m->nexts = w;
	if (m->nexts)
		qsort(m->exts, m->nexts, sizeof(*m->exts), cmp_ext);
}

int nl_scan(nl_volume *vol, const struct nl_scan_options *opt, nl_model **out)
{
	static const struct nl_scan_options defaults;
	struct scan s = { 0 };
	struct nl_model *m;
	struct prefetch pf = { .threaded = false };
	uint8_t *buf = NULL, *bufs[2] = { NULL, NULL };
	int rc = 0;

	if (!out || !vol)
		return -EINVAL;
	*out = NULL;
	if (!opt)
		opt = &defaults;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->vol = vol;
	m->scan_flags = opt->flags;
	m->nrec = nl_volume_record_count(vol);
	m->st.mft_records = m->nrec;
	m->upcase = nl_volume_upcase(vol, &m->upcase_len);
	if (m->nrec >= NEXT_OWNER) {
		free(m);
		return -EFBIG;
	}
	s.m = m;
	s.vol = vol;
	s.opt = opt;
	s.source = nl_volume_source(vol);
	s.rs = nl_volume_record_size(vol);
	s.deleted = opt->flags & NL_SCAN_DELETED;
	s.raw = nl_volume_is_raw_mft(vol) || (opt->flags & NL_SCAN_NO_REPARSE_READ);
	if (!s.rs || s.rs > CHUNK_BYTES) {
		free(m);
		return -EINVAL;
	}
	m->recs = calloc(m->nrec ? m->nrec : 1, sizeof(*m->recs));
	s.lc_tmp = calloc(m->nrec ? m->nrec : 1, sizeof(*s.lc_tmp));
	m->arena_cap = 1 << 16;
	m->arena = malloc(m->arena_cap);
	m->arena_len = 4;  /* id 0 means "none" */
	uint64_t per = CHUNK_BYTES / s.rs;

	buf = bufs[0] = malloc((size_t)per * s.rs);
	bufs[1] = malloc((size_t)per * s.rs);
	if (!m->recs || !s.lc_tmp || !m->arena || !bufs[0] || !bufs[1]) {
		rc = -ENOMEM;
		goto fail;
	}
	memset(m->arena, 0, 4);
	s.bad_from = UINT64_MAX;
	{
		/* an image file shorter than its file system: say so with the
		 * records that cannot be read */
		struct nl_volume_info vi;
		struct stat sb;

		nl_volume_get_info(vol, &vi);
		if (vi.kind == NL_VOLUME_NTFS && vi.path && stat(vi.path, &sb) == 0 &&
		    S_ISREG(sb.st_mode) && (uint64_t)sb.st_size < vi.offset + vi.size)
			snprintf(s.short_image, sizeof(s.short_image),
				 " (the image is truncated: %llu of %llu bytes)",
				 (unsigned long long)sb.st_size,
				 (unsigned long long)(vi.offset + vi.size));
	}
	/* chunk k in bufs[k % 2]; the next one is read meanwhile, unless this
	 * one came short and is read again record by record */
	pf_init(&pf, vol);
	if (m->nrec)
		pf_start(&pf, 0, m->nrec < per ? m->nrec : per, bufs[0]);
	for (uint64_t first = 0, k = 0; first < m->nrec; first += per, k ^= 1) {
		uint64_t count = m->nrec - first < per ? m->nrec - first : per;
		uint64_t next = first + per;
		uint64_t ncount = next < m->nrec ? (m->nrec - next < per ? m->nrec - next : per) : 0;
		int64_t n = pf_wait(&pf);
		bool ahead = ncount && n >= 0 && (uint64_t)n == count;

		if (ahead)
			pf_start(&pf, next, ncount, bufs[k ^ 1]);
		if ((rc = chunk(&s, first, count, bufs[k], n)) < 0)
			goto fail;
		if (ncount && !ahead)
			pf_start(&pf, next, ncount, bufs[k ^ 1]);
		if (opt->progress && opt->progress(opt->progress_ctx, first + count, m->nrec)) {
			rc = -ECANCELED;
			goto fail;
		}
	}
	pf_stop(&pf);
	free(bufs[1]);
	bufs[1] = NULL;
	flush_bad(&s);
	/* a raw $MFT that ends inside a record */
	{
		struct nl_volume_info vi;

		nl_volume_get_info(vol, &vi);
		if (vi.kind == NL_VOLUME_RAW_MFT && vi.size % s.rs) {
			char msg[128];

			snprintf(msg, sizeof(msg), "truncated record (%llu of %u bytes)",
				 (unsigned long long)(vi.size % s.rs), s.rs);
			problem(&s, m->nrec, msg);
		}
	}
	/* extension records that came before their base */
	for (size_t i = 0; i < s.ndeferred; i++) {
		uint64_t recno = s.deferred[i];

		if (nl_volume_read_record(vol, recno, buf) == 0)
			process(&s, recno, buf, true);
		if (s.err) {
			rc = s.err;
			goto fail;
		}
	}
	/* the tag of unreadable reparse data: from the record's own
	 * $FILE_NAMEs, else the first index copy that names this very file
	 * (sequence number too) */
	if (s.nrtags)
		qsort(s.rtags, s.nrtags, sizeof(*s.rtags), cmp_rtag);
	for (size_t i = 0; i < m->nrps; i++) {
		struct mreparse *rp = &m->rps[i];
		size_t lo = 0, hi = s.nrtags;

		if (rp->off != RP_UNREADABLE || rp->tag)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (s.rtags[mid].mft < rp->mft)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < s.nrtags && s.rtags[lo].mft == rp->mft; lo++)
			if (!s.rtags[lo].seq || s.rtags[lo].seq == m->recs[rp->mft].seq) {
				rp->tag = s.rtags[lo].tag;
				break;
			}
	}
	finish(&s);
	free(s.lc_tmp);
	s.lc_tmp = NULL;
	if (s.err) {
		rc = s.err;
		goto fail;
	}
	for (size_t i = 0; i < s.nrp_pending; i++) {
		uint32_t mft = s.rp_pending[i];

		if (m->recs[mft].flags & MR_KEPT)
			read_reparse(&s, mft);
		if (s.err) {
			rc = s.err;
			goto fail;
		}
	}
	free(buf);
	free(s.deferred);
	free(s.rp_pending);
	free(s.rtags);
	*out = m;
	return 0;
fail:
	pf_stop(&pf);
	free(buf);
	free(bufs[1]);
	free(s.deferred);
	free(s.rp_pending);
	free(s.lc_tmp);
	free(s.rtags);
	nl_model_free(&m);
	return rc;
}
