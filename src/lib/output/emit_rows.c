/* emit_rows.c: a listing's rows formatted by two threads and written in order by the emitter. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "output/emit_int.h"

#define DEFAULT_CHUNK 1024

/*
 * The items are cut into chunks of opt->chunk items; this thread fills the
 * even chunks straight into the table, a worker the odd ones into a table of
 * its own (same columns, same format) whose emitter writes into one of two
 * memory buffers; this thread writes each buffer out in turn, so the output
 * is in item order and the same bytes as one thread gives.
 */

struct buf {
	struct obuf b;
	long chunk;		/* chunk held, -1 if free */
};

struct share {
	nl_table *t;		/* this thread's table */
	size_t n, chunk, nchunks;
	nl_row_fill_fn fill;
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf buf[2];
	struct buf *cur;	/* the worker's buffer being filled */
	bool stop;		/* this thread gave up, or the worker ended */
	int err;		/* the worker's error */
};

static int buf_write(void *ctx, const void *p, size_t n)
{
	struct share *sh = ctx;
	struct obuf *b = &sh->cur->b;

	ob_add(b, p, n);
	if (b->oom) {
		b->oom = false;
		return -ENOMEM;
	}
	return 0;
}

static void chunk_range(const struct share *sh, size_t c, size_t *i0, size_t *i1)
{
	*i0 = c * sh->chunk;
	*i1 = *i0 + sh->chunk < sh->n ? *i0 + sh->chunk : sh->n;
}

static int fill_range(const struct share *sh, unsigned worker, nl_table *t, size_t c)
{
	size_t i0, i1;
	int rc = 0;

	chunk_range(sh, c, &i0, &i1);
	for (size_t i = i0; i < i1 && rc == 0; i++)
		rc = sh->fill(sh->ctx, worker, t, i);
	return rc;
}

/* The worker's table: the columns of sh->t, rendered into sh->cur. */
static int worker_table(struct share *sh, nl_emit **e, nl_table **t)
{
	const nl_table *src = sh->t;
	struct nl_emit_options eo = { src->e->flags, 0, src->e->text_width };
	int rc = nl_emit_open_cb(src->e->fmt, buf_write, sh, &eo, e);

	if (rc == 0)
		rc = nl_emit_table(*e, src->type, src->cols, src->ncols, src->flags, t);
	if (rc == 0 && src->picked) {
		memcpy((*t)->order, src->order, src->norder * sizeof(*src->order));
		(*t)->norder = src->norder;
		(*t)->picked = true;
	}
	return rc;
}

static void *worker(void *arg)
{
	struct share *sh = arg;
	nl_emit *e = NULL;
	nl_table *t = NULL;
	int rc = worker_table(sh, &e, &t);

	for (size_t c = 1; rc == 0 && c < sh->nchunks; c += 2) {
		struct buf *b = &sh->buf[(c / 2) % 2];

		pthread_mutex_lock(&sh->mu);
		while (b->chunk >= 0 && !sh->stop)
			pthread_cond_wait(&sh->cv, &sh->mu);
		pthread_mutex_unlock(&sh->mu);
		if (sh->stop)
			break;
		sh->cur = b;
		b->b.n = 0;
		rc = fill_range(sh, 1, t, c);
		if (rc)
			break;	/* the chunk is not handed over: its error is */
		pthread_mutex_lock(&sh->mu);
		b->chunk = (long)c;
		pthread_cond_broadcast(&sh->cv);
		pthread_mutex_unlock(&sh->mu);
	}
	if (rc == 0)
		rc = nl_emit_close(&e);
	else
		nl_emit_close(&e);
	pthread_mutex_lock(&sh->mu);
	sh->err = rc;
	sh->stop = true;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
	return NULL;
}

/* Wait for the worker's chunk @c, write it, hand its buffer back.  Returns
 * 0, the write error, or 1 if the worker stopped before it (its error is
 * then sh->err). */
static int write_chunk(struct share *sh, size_t c)
{
	struct buf *b = &sh->buf[(c / 2) % 2];
	int rc;

	pthread_mutex_lock(&sh->mu);
	while (b->chunk != (long)c && !(sh->stop && sh->err))
		pthread_cond_wait(&sh->cv, &sh->mu);
	pthread_mutex_unlock(&sh->mu);
	if (b->chunk != (long)c)
		return 1;
	rc = emit_out(sh->t->e, &b->b);
	pthread_mutex_lock(&sh->mu);
	b->chunk = -1;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
	return rc;
}

/* Rows of a format whose rendering depends on no earlier row. */
static bool rows_independent(const nl_table *t)
{
	return t->e->fmt == NL_EMIT_JSON || t->e->fmt == NL_EMIT_BODYFILE ||
	       t->e->fmt == NL_EMIT_NUL;
}

static int run_threads(struct share *sh)
{
	pthread_t th;
	int rc = 0;

	pthread_mutex_init(&sh->mu, NULL);
	pthread_cond_init(&sh->cv, NULL);
	sh->buf[0].chunk = sh->buf[1].chunk = -1;
	if (pthread_create(&th, NULL, worker, sh) != 0) {
		for (size_t c = 0; c < sh->nchunks && rc == 0; c++)
			rc = fill_range(sh, 0, sh->t, c);
	} else {
		for (size_t c = 0; c < sh->nchunks && rc == 0; c++)
			rc = c % 2 == 0 ? fill_range(sh, 0, sh->t, c) : write_chunk(sh, c);
		pthread_mutex_lock(&sh->mu);
		sh->stop = true;
		pthread_cond_broadcast(&sh->cv);
		pthread_mutex_unlock(&sh->mu);
		pthread_join(th, NULL);
		if (rc >= 0 && sh->err < 0)
			rc = sh->err;
	}
	free(sh->buf[0].b.p);
	free(sh->buf[1].b.p);
	pthread_mutex_destroy(&sh->mu);
	pthread_cond_destroy(&sh->cv);
	return rc < 0 ? rc : 0;
}

int nl_emit_rows(nl_table *t, size_t n, nl_row_fill_fn fill, void *ctx,
		 const struct nl_emit_rows_options *opt)
{
	struct share sh;

	memset(&sh, 0, sizeof(sh));
	sh.t = t;
	sh.n = n;
	sh.fill = fill;
	sh.ctx = ctx;
	sh.chunk = opt && opt->chunk ? opt->chunk : DEFAULT_CHUNK;
	sh.nchunks = (n + sh.chunk - 1) / sh.chunk;
	if ((opt && opt->threads == 1) || sh.nchunks < 2 || !rows_independent(t)) {
		int rc = 0;

		for (size_t i = 0; i < n && rc == 0; i++)
			rc = fill(ctx, 0, t, i);
		return rc;
	}
	return run_threads(&sh);
}
