/* readahead_int.h (internal): a second thread that reads the next chunk of $MFT while the scan parses the current one. */
#ifndef NL_READAHEAD_INT_H
#define NL_READAHEAD_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include <ntfslinks/volume.h>

/*
 * The thread only ever calls nl_volume_read_mft(), and only between
 * mft_readahead_start() and the matching mft_readahead_wait(); the caller
 * must not touch the volume meanwhile.  When the thread cannot be created,
 * mft_readahead_wait() does the read itself, so the caller never needs to
 * know which happened.
 */
struct mft_readahead {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool threaded, want, done, quit;
	nl_volume *vol;
	uint64_t first, count;        /* the request */
	uint8_t *buf;
	int64_t n;                    /* its result */
};

/* mft_readahead_init: start the thread for @vol (or not: see above). */
void mft_readahead_init(struct mft_readahead *ra, nl_volume *vol);

/* mft_readahead_start: ask for @count records from @first into @buf. */
void mft_readahead_start(struct mft_readahead *ra, uint64_t first, uint64_t count, uint8_t *buf);

/* mft_readahead_wait: the result of the last start: records read or -errno
 * (what nl_volume_read_mft() returned). */
int64_t mft_readahead_wait(struct mft_readahead *ra);

/* mft_readahead_stop: end the thread, after it finishes a read under way. */
void mft_readahead_stop(struct mft_readahead *ra);

#endif
