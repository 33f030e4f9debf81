/* fe_clock.c: a clock the image builder can freeze: the program's own clock_gettime and time, which libntfs-3g calls instead of the C library's. */
#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fe_clock.h"

/*
 * libntfs-3g stamps what it creates with the current time, also in slack
 * space that the builder's own times do not cover (see build.h). These
 * definitions take the place of the C library's for the whole process, so
 * while a build runs the realtime clock answers the build's time, and the
 * same spec gives the same bytes. Other clocks, and the realtime clock
 * outside a build, go to the C library's clock_gettime (the kernel if it
 * cannot be found).
 */
static bool clock_frozen;
static time_t frozen_sec;

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static clock_gettime_fn next;

	if (clock_frozen && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
		ts->tv_sec = frozen_sec;
		ts->tv_nsec = 0;
		return 0;
	}
	if (!next)
		*(void **)&next = dlsym(RTLD_NEXT, "clock_gettime");
	if (next && next != clock_gettime)
		return next(id, ts);
	return (int)syscall(SYS_clock_gettime, id, ts);
}

time_t time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

void fe_freeze_clock(bool frozen, int64_t ntfs_time, void *arg)
{
	(void)arg;
	frozen_sec = (time_t)(ntfs_time / 10000000LL - 11644473600LL);
	clock_frozen = frozen;
}
