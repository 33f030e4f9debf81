/* fe_clock.h: the frozen clock that makes image builds reproducible (fe_clock.c). */
#ifndef NTFSLINKS_FE_CLOCK_H
#define NTFSLINKS_FE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* fe_freeze_clock: an nl_build_clock_fn (build.h): while @frozen, the
 * program's clock_gettime(CLOCK_REALTIME) and time() answer @ntfs_time. */
void fe_freeze_clock(bool frozen, int64_t ntfs_time, void *arg);

#endif
