/* writer_order.c: in which order the writer's device cache writes its blocks back, so that an image whose device fails midway is still one libntfs-3g mounts: what each block of the volume holds. */
#include "config.h"

#include <string.h>

#include <ntfs-3g/attrib.h>
#include <ntfs-3g/volume.h>

#include "writer/writer_int.h"

/* The clusters of @na's data up to @bytes (as blocks of 1 << @shift bytes) into @set; false
 * when they do not fit in it (the set is then empty: nothing is ordered by it). */
static bool take_runs(struct nl_w_runs *set, const ntfs_attr *na, s64 bytes, unsigned cbits,
		      unsigned shift)
{
	set->n = 0;
	if (!na || !na->rl)
		return true;
	for (const runlist_element *rl = na->rl; rl->length && bytes > 0; rl++) {
		uint64_t off, len;

		if (rl->lcn < 0)
			continue;
		if (set->n == NL_W_RUNS_MAX) {
			set->n = 0;
			return false;
		}
		off = (uint64_t)rl->lcn << cbits;
		len = (uint64_t)rl->length << cbits;
		if ((s64)len > bytes)
			len = (uint64_t)bytes;
		bytes -= (s64)((uint64_t)rl->length << cbits);
		set->first[set->n] = off >> shift;
		set->last[set->n] = (off + len - 1) >> shift;
		set->n++;
	}
	return true;
}

static bool in_runs(const struct nl_w_runs *set, uint64_t no)
{
	for (unsigned i = 0; i < set->n; i++)
		if (no >= set->first[i] && no <= set->last[i])
			return true;
	return false;
}

void nl_w_order_init(struct nl_w_order *o, ntfs_volume *vol, unsigned shift)
{
	memset(o, 0, sizeof(*o));
	o->vol = vol;
	o->shift = shift;
	for (int i = 0; i < 2; i++) {
		uint64_t off = (uint64_t)(i ? vol->mftmirr_lcn : vol->mft_lcn) << vol->cluster_size_bits;
		uint64_t len = (uint64_t)vol->mftmirr_size << vol->mft_record_size_bits;

		o->pair[i].first[0] = off >> shift;
		o->pair[i].last[0] = (off + len - 1) >> shift;
		o->pair[i].n = 1;
	}
	take_runs(&o->mft_old, vol->mft_na, vol->mft_na ? vol->mft_na->initialized_size : 0,
		  vol->cluster_size_bits, shift);
	nl_w_order_refresh(o);
}

void nl_w_order_refresh(struct nl_w_order *o)
{
	ntfs_volume *vol = o->vol;

	/* at unmount libntfs-3g closes these before the last write-back: what was seen
	 * last stays */
	if (!vol || !vol->mft_na || !vol->lcnbmp_na)
		return;
	take_runs(&o->mft_now, vol->mft_na, vol->mft_na->initialized_size, vol->cluster_size_bits,
		  o->shift);
	take_runs(&o->bitmap, vol->lcnbmp_na, vol->lcnbmp_na->initialized_size,
		  vol->cluster_size_bits, o->shift);
	if (vol->mftbmp_na)
		take_runs(&o->mftbmp, vol->mftbmp_na, vol->mftbmp_na->initialized_size,
			  vol->cluster_size_bits, o->shift);
}

void nl_w_order_head_written(struct nl_w_order *o)
{
	o->mft_old = o->mft_now;
}

enum nl_w_class nl_w_order_class(const struct nl_w_order *o, uint64_t no)
{
	if (!o->vol)
		return NL_W_REST;
	if (in_runs(&o->pair[0], no))
		return NL_W_HEAD;
	if (in_runs(&o->pair[1], no))
		return NL_W_MIRR;
	if (in_runs(&o->bitmap, no))
		return NL_W_ALLOC;
	if (in_runs(&o->mftbmp, no))
		return NL_W_MFTBMP;
	if (in_runs(&o->mft_now, no))
		return in_runs(&o->mft_old, no) ? NL_W_MFT : NL_W_MFT_NEW;
	return NL_W_REST;
}
