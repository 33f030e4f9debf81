/* runlist_int.h (internal): decoding the mapping pairs (runlist) of a non-resident attribute, with bounds. */
#ifndef NL_RUNLIST_INT_H
#define NL_RUNLIST_INT_H

#include <stddef.h>
#include <stdint.h>

/* One run: clusters @vcn .. @vcn + @len - 1 of the attribute lie at @lcn
 * (-1: sparse, nothing on disk). */
struct nl_run {
	int64_t vcn, lcn;
	uint64_t len;
};

/* Decoding state: set it up with nl_runlist_start(). */
struct nl_runlist_iter {
	const uint8_t *mp;
	size_t len, pos;
	int64_t vcn, lcn;
};

/* nl_runlist_start - iterate over the mapping pairs @mp[0..@len) of an
 * attribute extent whose first cluster is @lowest_vcn. */
void nl_runlist_start(struct nl_runlist_iter *it, const uint8_t *mp, size_t len, int64_t lowest_vcn);

/**
 * nl_runlist_next - the next run into @run.
 * Checks that each pair lies inside the array, has a length of 1..8 bytes
 * and an offset of 0..8 bytes, a positive length, and that neither the VCN
 * nor the LCN overflows or becomes negative.  Every step consumes at least
 * two bytes: a walk ends within @len / 2 steps.
 * Returns 0 (a run), 1 at the terminating zero byte, -EINVAL with @reason
 * ("runlist runs past the attribute", "bad runlist pair header", "runlist
 * length out of range", "runlist cluster out of range").
 */
int nl_runlist_next(struct nl_runlist_iter *it, struct nl_run *run, const char **reason);

#endif
