/* reparse_tags.c: the tags of reparse points whose data cannot be read (raw $MFT), from $FILE_NAMEs and resident index roots. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <ntfslinks/record.h>
#include "mft/model_int.h"
#include "mft/reparse_tags_int.h"
#include "base/endian_int.h"

int reparse_tags_add(struct reparse_tags *t, uint64_t ref, uint32_t tag, uint8_t from)
{
	if (grow_array((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) < 0)
		return -ENOMEM;
	t->v[t->n] = (struct reparse_tag){ (uint32_t)NL_MREF_RECORD(ref), tag, (uint32_t)t->n,
					   NL_MREF_SEQ(ref), from };
	t->n++;
	return 0;
}

/* Two kinds of index root hold tags:
 *  - $Extend/$Reparse:$R, whose keys are (tag, file reference);
 *  - a directory's $I30, whose keys are $FILE_NAMEs: the copies in the index
 *    carry the file attributes and the reparse tag (the $FILE_NAME in the
 *    file's own record usually does not).  Only tags with the Microsoft
 *    bit and no reserved bits are taken from there: for non-resident
 *    reparse data libntfs-3g writes 0xC0 (the attribute type) in that field.
 */
int reparse_tags_from_index(struct reparse_tags *t, const struct nl_attr *a, bool r_index,
			    uint64_t nrec)
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
		size_t elen = nl_le16(v + pos + 8), klen = nl_le16(v + pos + 10);
		uint16_t fl = nl_le16(v + pos + 12);
		const uint8_t *k = v + pos + 0x10;
		uint32_t tag = 0;
		uint64_t ref = 0;

		if (fl & 2 || elen < 0x10 || pos + elen > end || pos + 0x10 + klen > end)
			break;
		if (r_index && klen >= 12) {
			tag = (uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 |
			      (uint32_t)k[3] << 24;
			ref = nl_le64(k + 4);
		} else if (!r_index && klen >= 0x42) {
			uint32_t fa = (uint32_t)k[0x38] | (uint32_t)k[0x39] << 8 |
				      (uint32_t)k[0x3A] << 16 | (uint32_t)k[0x3B] << 24;

			if (fa & NL_FA_REPARSE_POINT)
				tag = (uint32_t)k[0x3C] | (uint32_t)k[0x3D] << 8 |
				      (uint32_t)k[0x3E] << 16 | (uint32_t)k[0x3F] << 24;
			if (!(tag & 0x80000000u) || (tag & 0x0FFF0000u))
				tag = 0;
			ref = nl_le64(v + pos);
		}
		if (tag && NL_MREF_RECORD(ref) < nrec &&
		    reparse_tags_add(t, ref, tag,
				     r_index ? TAG_FROM_REPARSE_INDEX : TAG_FROM_DIR_INDEX) < 0)
			return -ENOMEM;
		pos += elen;
	}
	return 0;
}

/* cmp_tag: by file, then best source first, then order of arrival. */
static int cmp_tag(const void *a, const void *b)
{
	const struct reparse_tag *x = a, *y = b;

	if (x->mft != y->mft)
		return x->mft < y->mft ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

void reparse_tags_apply(struct reparse_tags *t, struct nl_model *m)
{

	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_tag);
	for (size_t i = 0; i < m->nrps; i++) {
		struct mreparse *rp = &m->rps[i];
		size_t lo = 0, hi = t->n;

		if (rp->off != RP_UNREADABLE || rp->tag)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (t->v[mid].mft < rp->mft)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < t->n && t->v[lo].mft == rp->mft; lo++)
			if (!t->v[lo].seq || t->v[lo].seq == m->recs[rp->mft].seq) {
				rp->tag = t->v[lo].tag;
				break;
			}
	}
}

void reparse_tags_free(struct reparse_tags *t)
{
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}
