/* ntfstime.c: NTFS times (100 ns since 1601) as Unix seconds and as ISO 8601 text. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include <ntfslinks/ondisk.h>

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t nl_ntfs_time_to_unix(int64_t t)
{
	/* split to avoid overflow near INT64_MIN */
	return floor_div(t, 10000000) - NL_NTFS_UNIX_DELTA / 10000000;
}

size_t nl_format_ntfs_time(int64_t t, char *buf, size_t size)
{
	int64_t secs = nl_ntfs_time_to_unix(t);
	int64_t frac = t - floor_div(t, 10000000) * 10000000;
	time_t tt = (time_t)secs;
	struct tm tm;
	int n;

	if (!gmtime_r(&tt, &tm)) {
		n = snprintf(buf, size, "%" PRId64, t);
		return n < 0 ? 0 : (size_t)n;
	}
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%07" PRId64 "Z",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, frac);
	return n < 0 ? 0 : (size_t)n;
}
