/* readahead.c: the $MFT read-ahead thread of the scan (the kernel's copy is about a third of the pass). */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <ntfslinks/volume.h>
#include "mft/readahead_int.h"

/* readahead_main: the thread: one read per request until told to quit. */
static void *readahead_main(void *arg)
{
	struct mft_readahead *ra = arg;

	pthread_mutex_lock(&ra->mu);
	for (;;) {
		while (!ra->want && !ra->quit)
			pthread_cond_wait(&ra->cv, &ra->mu);
		if (ra->quit)
			break;
		ra->want = false;
		uint64_t first = ra->first, count = ra->count;
		uint8_t *buf = ra->buf;

		pthread_mutex_unlock(&ra->mu);
		int64_t n = nl_volume_read_mft(ra->vol, first, count, buf);

		pthread_mutex_lock(&ra->mu);
		ra->n = n;
		ra->done = true;
		pthread_cond_broadcast(&ra->cv);
	}
	pthread_mutex_unlock(&ra->mu);
	return NULL;
}

void mft_readahead_init(struct mft_readahead *ra, nl_volume *vol)
{
	memset(ra, 0, sizeof(*ra));
	ra->vol = vol;
	if (pthread_mutex_init(&ra->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&ra->cv, NULL) != 0) {
		pthread_mutex_destroy(&ra->mu);
		return;
	}
	ra->threaded = pthread_create(&ra->th, NULL, readahead_main, ra) == 0;
	if (!ra->threaded) {
		pthread_cond_destroy(&ra->cv);
		pthread_mutex_destroy(&ra->mu);
	}
}

void mft_readahead_start(struct mft_readahead *ra, uint64_t first, uint64_t count, uint8_t *buf)
{
	if (ra->threaded)
		pthread_mutex_lock(&ra->mu);
	ra->first = first;
	ra->count = count;
	ra->buf = buf;
	ra->want = true;
	ra->done = false;
	if (ra->threaded) {
		pthread_cond_broadcast(&ra->cv);
		pthread_mutex_unlock(&ra->mu);
	}
}

int64_t mft_readahead_wait(struct mft_readahead *ra)
{
	int64_t n;

	if (!ra->threaded) {
		ra->want = false;
		return nl_volume_read_mft(ra->vol, ra->first, ra->count, ra->buf);
	}
	pthread_mutex_lock(&ra->mu);
	while (!ra->done)
		pthread_cond_wait(&ra->cv, &ra->mu);
	ra->done = false;
	n = ra->n;
	pthread_mutex_unlock(&ra->mu);
	return n;
}

void mft_readahead_stop(struct mft_readahead *ra)
{
	if (!ra->threaded)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->quit = true;
	pthread_cond_broadcast(&ra->cv);
	pthread_mutex_unlock(&ra->mu);
	pthread_join(ra->th, NULL);
	pthread_cond_destroy(&ra->cv);
	pthread_mutex_destroy(&ra->mu);
	ra->threaded = false;
}

