/* runlist.c: decoding the mapping pairs (runlist) of a non-resident attribute, with bounds. */
#include "config.h"

#include <errno.h>

#include "mft/runlist_int.h"

void nl_runlist_start(struct nl_runlist_iter *it, const uint8_t *mp, size_t len, int64_t lowest_vcn)
{
	it->mp = mp;
	it->len = len;
	it->pos = 0;
	it->vcn = lowest_vcn;
	it->lcn = 0;
}

static int fail(const char **reason, const char *why)
{
	if (reason)
		*reason = why;
	return -EINVAL;
}

/* The @n-byte little-endian number at @p, sign-extended when @sign. */
static int64_t field(const uint8_t *p, unsigned n, int sign)
{
	uint64_t v = 0;

	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	if (sign && n && n < 8 && (p[n - 1] & 0x80))
		v |= ~0ull << (8 * n);
	return (int64_t)v;
}

int nl_runlist_next(struct nl_runlist_iter *it, struct nl_run *run, const char **reason)
{
	if (it->pos >= it->len)
		return fail(reason, "runlist runs past the attribute");
	uint8_t h = it->mp[it->pos];
	unsigned lb = h & 15, ob = h >> 4;

	if (h == 0)
		return 1;
	if (lb == 0 || lb > 8 || ob > 8)
		return fail(reason, "bad runlist pair header");
	if (it->len - it->pos < 1 + (size_t)lb + ob)
		return fail(reason, "runlist runs past the attribute");
	const uint8_t *p = it->mp + it->pos + 1;
	int64_t len = field(p, lb, 1);

	if (len <= 0 || it->vcn > INT64_MAX - len)
		return fail(reason, "runlist length out of range");
	run->vcn = it->vcn;
	run->len = (uint64_t)len;
	if (ob == 0) {
		run->lcn = -1;
	} else {
		int64_t delta = field(p + lb, ob, 1);

		if ((delta > 0 && it->lcn > INT64_MAX - delta) || it->lcn + delta < 0)
			return fail(reason, "runlist cluster out of range");
		it->lcn += delta;
		run->lcn = it->lcn;
	}
	it->vcn += len;
	it->pos += 1 + lb + ob;
	return 0;
}
