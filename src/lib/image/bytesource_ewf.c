/* bytesource_ewf.c: EnCase evidence files (E01 and its segments, Ex01 as far as libewf reads it) through libewf, with the acquisition facts they store. */
#include "config.h"

#ifdef HAVE_LIBEWF
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libewf.h>

#include "image/bytesource_int.h"
#include "image/device_int.h"
#include "image/ewf_chunks_int.h"

/*
 * The whole chunks of a read that the segments store plainly (an
 * uncompressed E01: see ewf_chunks_int.h) are read straight into the
 * caller's buffer and checked there, on the calling thread, without the
 * lock.  What is left (a partial chunk at either end, where libewf's cache
 * serves the next read; a chunk stored otherwise or failing its checksum,
 * and all after it in the read) goes through libewf as below, so that its
 * damage is noted, zeroed or read as stored by libewf alone.
 *
 * Reading through libewf costs mostly libewf's Adler-32 check of each
 * chunk and its copy into the caller's buffer, on the reading thread.  A read
 * of at least EWF_SHARE_MIN bytes is therefore shared: the caller's thread
 * (through the main handle) and a helper thread (through a second handle of
 * the same segments, opened on the first such read) each take the next
 * piece of about EWF_PIECE bytes, cut at chunk boundaries, until none is
 * left.  A helper that is late (a busy machine) takes fewer pieces or none,
 * and the caller waits only for a piece the helper is reading.  Smaller
 * reads, and every read when the helper cannot be had, go through the main
 * handle alone.
 */
#define EWF_SHARE_MIN (256u << 10)
#define EWF_PIECE (128u << 10)

/* The helper and the read it shares (under mu). */
struct ewf_helper {
	libewf_handle_t *handle;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool quit;
	bool active;              /* a read is being shared */
	uint8_t *buf;             /* its bytes [off, end) go to buf */
	uint64_t off, end;
	uint64_t next;            /* where the first piece not yet taken starts */
	uint32_t chunk;           /* bytes per chunk: pieces end on a multiple */
	unsigned busy;            /* pieces the helper is reading */
	uint64_t good;            /* bytes from off read whole, as far as known */
	int err;                  /* the error of a piece that failed at off + good */
};

enum helper_state { HELPER_NONE, HELPER_RUNNING, HELPER_FAILED };

static bool helper_only;  /* for tests: see nl_bs_ewf_helper_only() */
static bool no_direct;    /* for tests: see nl_bs_ewf_direct() */

void nl_bs_ewf_helper_only(bool on)
{
	helper_only = on;
}

void nl_bs_ewf_direct(bool on)
{
	no_direct = !on;
}

struct ewf {
	libewf_handle_t *handle;
	pthread_mutex_t mu;       /* one read at a time (the main handle, the helper's start) */
	char **names;             /* the segments, for the helper's handle */
	int count;
	uint64_t size;            /* bytes of media */
	bool as_stored;
	enum helper_state helper;
	struct ewf_helper h;
	struct nl_ewf_chunks *chunks; /* the plainly stored chunks; NULL: none */
	uint64_t direct;          /* bytes read through @chunks (atomic) */
};

static bool ewf_probe(const uint8_t *head, size_t n, const uint8_t *tail)
{
	(void)tail;
	return n >= 8 && (memcmp(head, "EVF\x09\x0d\x0a\xff\x00", 8) == 0 ||
			  memcmp(head, "EVF2\x0d\x0a\x81\x00", 8) == 0);
}

/* read_handle: up to @len bytes at @off through @h; the bytes read or -EIO. */
static ssize_t read_handle(libewf_handle_t *h, void *buf, size_t len, uint64_t off)
{
	libewf_error_t *error = NULL;
	ssize_t n = libewf_handle_read_random(h, buf, len, (off64_t)off, &error);

	if (n < 0) {
		libewf_error_free(&error);
		return -EIO;
	}
	return n;
}

/* take_piece: the next piece of the shared read into [*@p, *@q) (under
 * h->mu); false when none is left. */
static bool take_piece(struct ewf_helper *h, uint64_t *p, uint64_t *q)
{
	uint64_t end;

	if (!h->active || h->next >= h->end)
		return false;
	*p = h->next;
	end = (*p + EWF_PIECE) / h->chunk * h->chunk;
	if (end <= *p)
		end = *p + h->chunk;
	*q = end < h->end ? end : h->end;
	h->next = *q;
	return true;
}

/* piece_done: what reading [@p, @q) gave (@n: bytes or -errno), under h->mu:
 * the bytes read whole from the start of the shared read end before a piece
 * that failed or came short. */
static void piece_done(struct ewf_helper *h, uint64_t p, uint64_t q, ssize_t n)
{
	uint64_t good = p - h->off + (n > 0 ? (uint64_t)n : 0);

	if ((n < 0 || (uint64_t)n < q - p) && good <= h->good) {
		h->good = good;
		h->err = n < 0 ? (int)n : 0;
	}
}

static void *helper_main(void *arg)
{
	struct ewf_helper *h = arg;
	uint64_t p, q;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->quit && !take_piece(h, &p, &q))
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->quit)
			break;
		h->busy++;
		uint8_t *dst = h->buf + (p - h->off);

		pthread_mutex_unlock(&h->mu);
		ssize_t n = read_handle(h->handle, dst, (size_t)(q - p), p);

		pthread_mutex_lock(&h->mu);
		piece_done(h, p, q, n);
		if (--h->busy == 0)
			pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* open_handle: a handle on the segments @names into *@out; 0 or -errno. */
static int open_handle(char **names, int count, libewf_handle_t **out)
{
	*out = NULL;
	if (libewf_handle_initialize(out, NULL) != 1)
		return -ENOMEM;
	if (libewf_handle_open(*out, names, count, LIBEWF_OPEN_READ, NULL) != 1) {
		libewf_handle_free(out, NULL);
		return -EINVAL;
	}
	return 0;
}

/* helper_start: the second handle and its thread (called under e->mu, once);
 * true when they run. */
static bool helper_start(struct ewf *e)
{
	struct ewf_helper *h = &e->h;

	e->helper = HELPER_FAILED;
	if (open_handle(e->names, e->count, &h->handle) < 0)
		return false;
	if (e->as_stored)
		libewf_handle_set_read_zero_chunk_on_error(h->handle, 0, NULL);
	if (pthread_mutex_init(&h->mu, NULL) != 0)
		goto no_mutex;
	if (pthread_cond_init(&h->cv, NULL) != 0)
		goto no_cond;
	if (pthread_create(&h->th, NULL, helper_main, h) != 0)
		goto no_thread;
	e->helper = HELPER_RUNNING;
	return true;
no_thread:
	pthread_cond_destroy(&h->cv);
no_cond:
	pthread_mutex_destroy(&h->mu);
no_mutex:
	libewf_handle_close(h->handle, NULL);
	libewf_handle_free(&h->handle, NULL);
	return false;
}

/* helper_stop: end the helper's thread and close its handle. */
static void helper_stop(struct ewf *e)
{
	struct ewf_helper *h = &e->h;

	if (e->helper != HELPER_RUNNING)
		return;
	pthread_mutex_lock(&h->mu);
	h->quit = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->th, NULL);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	libewf_handle_close(h->handle, NULL);
	libewf_handle_free(&h->handle, NULL);
	e->helper = HELPER_NONE;
}

/* shared_read: @len bytes at @off (inside the media), piece by piece by this
 * thread and the helper.  Short before a piece that failed or came short
 * (the caller reads on from there and meets its error). */
static ssize_t shared_read(struct ewf *e, uint8_t *buf, size_t len, uint64_t off)
{
	struct ewf_helper *h = &e->h;
	uint64_t p, q;
	ssize_t rc;

	pthread_mutex_lock(&h->mu);
	h->buf = buf;
	h->off = h->next = off;
	h->end = off + len;
	h->good = len;
	h->err = 0;
	h->active = true;
	pthread_cond_broadcast(&h->cv);
	while (!helper_only && take_piece(h, &p, &q)) {
		pthread_mutex_unlock(&h->mu);
		ssize_t n = read_handle(e->handle, buf + (p - off), (size_t)(q - p), p);

		pthread_mutex_lock(&h->mu);
		piece_done(h, p, q, n);
	}
	while (h->busy || h->next < h->end)
		pthread_cond_wait(&h->cv, &h->mu);
	h->active = false;
	rc = h->good == 0 && h->err ? h->err : (ssize_t)h->good;
	pthread_mutex_unlock(&h->mu);
	return rc;
}

/* libewf_pread: @len bytes at @off (inside the media) through libewf. */
static ssize_t libewf_pread(struct ewf *e, uint8_t *buf, size_t len, uint64_t off)
{
	ssize_t n;

	pthread_mutex_lock(&e->mu);
	if (len >= EWF_SHARE_MIN &&
	    (e->helper == HELPER_RUNNING || (e->helper == HELPER_NONE && helper_start(e))))
		n = shared_read(e, buf, len, off);
	else
		n = read_handle(e->handle, buf, len, off);
	pthread_mutex_unlock(&e->mu);
	return n;
}

/* direct_pread: @len bytes at @off (inside the media), the whole chunks
 * read directly as far as they can be, the rest through libewf.  Short
 * before what libewf failed to read (as libewf_pread). */
static ssize_t direct_pread(struct ewf *e, uint8_t *buf, size_t len, uint64_t off)
{
	uint64_t chunk = e->h.chunk, end = off + len, pos;
	uint64_t first = (off + chunk - 1) / chunk;  /* the whole chunks: [first, last) */
	uint64_t last = end == e->size ? (end + chunk - 1) / chunk : end / chunk, got;
	ssize_t n;

	if (first >= last)
		return libewf_pread(e, buf, len, off);
	pos = first * chunk;
	if (pos > off) {
		n = libewf_pread(e, buf, (size_t)(pos - off), off);
		if (n < (ssize_t)(pos - off))
			return n;
	}
	got = nl_ewf_chunks_read(e->chunks, buf + (pos - off), first, last - first);
	pos = got == last - first ? (last * chunk < end ? last * chunk : end) : (first + got) * chunk;
	__atomic_add_fetch(&e->direct, pos - first * chunk, __ATOMIC_RELAXED);
	if (pos == end)
		return (ssize_t)len;
	n = libewf_pread(e, buf + (pos - off), (size_t)(end - pos), pos);
	return n < 0 ? (pos > off ? (ssize_t)(pos - off) : n) : (ssize_t)(pos - off) + n;
}

static ssize_t ewf_pread(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off)
{
	struct ewf *e = bs->priv;

	if (off >= e->size)
		return 0;
	if (len > e->size - off)
		len = (size_t)(e->size - off);
	if (e->chunks && !no_direct)
		return direct_pread(e, buf, len, off);
	return libewf_pread(e, buf, len, off);
}

uint64_t nl_bs_ewf_direct_bytes(struct nl_bytesource *bs)
{
	struct ewf *e = bs->priv;

	return __atomic_load_n(&e->direct, __ATOMIC_RELAXED);
}

static void ewf_close(struct nl_bytesource *bs)
{
	struct ewf *e = bs->priv;

	if (!e)
		return;
	helper_stop(e);
	nl_ewf_chunks_close(&e->chunks);
	if (e->handle) {
		libewf_handle_close(e->handle, NULL);
		libewf_handle_free(&e->handle, NULL);
	}
	if (e->names)
		libewf_glob_free(e->names, e->count, NULL);
	pthread_mutex_destroy(&e->mu);
	free(e);
	bs->priv = NULL;
}

/* A run of sectors whose chunk checksum failed. */
struct bad_run {
	uint64_t first, count;
};

static int bad_run_cmp(const void *a, const void *b)
{
	const struct bad_run *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* add_errors: the checksum errors @h noted, appended to @runs (room for them
 * checked by the caller). */
static size_t add_errors(libewf_handle_t *h, struct bad_run *runs, size_t n, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		uint64_t first, len;

		if (libewf_handle_get_checksum_error(h, i, &first, &len, NULL) == 1 && len)
			runs[n++] = (struct bad_run){ first, len };
	}
	return n;
}

/* error_count: how many checksum error runs @h noted (0 when it cannot say). */
static uint32_t error_count(libewf_handle_t *h)
{
	uint32_t count = 0;

	if (libewf_handle_get_number_of_checksum_errors(h, &count, NULL) != 1)
		count = 0;
	return count;
}

/* ewf_damage: the sector ranges whose chunk checksum failed in the reads so far
 * (libewf notes them per handle, runs that touch joined, and still returns
 * the bytes as stored); those of both handles, joined the same way. */
static void ewf_damage(struct nl_bytesource *bs, struct nl_image_verify *v)
{
	struct ewf *e = bs->priv;
	uint32_t sector = 0, c1, c2 = 0;
	struct bad_run *runs;
	size_t n;

	pthread_mutex_lock(&e->mu);
	if (libewf_handle_get_bytes_per_sector(e->handle, &sector, NULL) != 1 || !sector)
		goto out;
	c1 = error_count(e->handle);
	if (e->helper == HELPER_RUNNING)
		c2 = error_count(e->h.handle);
	if (c1 + (uint64_t)c2 == 0 || !(runs = calloc((size_t)c1 + c2, sizeof(*runs))))
		goto out;
	n = add_errors(e->handle, runs, 0, c1);
	if (e->helper == HELPER_RUNNING)
		n = add_errors(e->h.handle, runs, n, c2);
	qsort(runs, n, sizeof(*runs), bad_run_cmp);
	for (size_t i = 0; i < n;) {
		uint64_t first = runs[i].first, end = first + runs[i].count;

		for (i++; i < n && runs[i].first <= end; i++)
			if (runs[i].first + runs[i].count > end)
				end = runs[i].first + runs[i].count;
		if (v->bad_ranges == 0 || first * sector < v->bad_first)
			v->bad_first = first * sector;
		v->bad_bytes += (end - first) * sector;
		v->bad_ranges++;
	}
	free(runs);
out:
	pthread_mutex_unlock(&e->mu);
}

/* ewf_as_stored: a chunk whose checksum fails is read as stored, not zeroed
 * (libewf's default), as ewfverify hashes it. */
static void ewf_as_stored(struct nl_bytesource *bs)
{
	struct ewf *e = bs->priv;

	pthread_mutex_lock(&e->mu);
	e->as_stored = true;
	libewf_handle_set_read_zero_chunk_on_error(e->handle, 0, NULL);
	if (e->helper == HELPER_RUNNING)
		libewf_handle_set_read_zero_chunk_on_error(e->h.handle, 0, NULL);
	pthread_mutex_unlock(&e->mu);
}

static const struct nl_bytesource_ops ewf_ops = {
	.pread = ewf_pread, .close = ewf_close, .damage = ewf_damage, .as_stored = ewf_as_stored,
};

/* header_value: the header value @id into @out ("" when absent). */
static void header_value(libewf_handle_t *h, const char *id, char *out, size_t size)
{
	out[0] = 0;
	if (libewf_handle_get_utf8_header_value(h, (const uint8_t *)id, strlen(id), (uint8_t *)out,
						size, NULL) != 1)
		out[0] = 0;
}

/* hex: @n bytes of @b as lowercase hex into @out (2n + 1 bytes). */
static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* read_meta: what the evidence file says about its acquisition. */
static void read_meta(libewf_handle_t *h, struct nl_image_meta *m)
{
	uint8_t md5[16], sha1[20];

	header_value(h, "case_number", m->case_number, sizeof(m->case_number));
	header_value(h, "evidence_number", m->evidence_number, sizeof(m->evidence_number));
	header_value(h, "examiner_name", m->examiner, sizeof(m->examiner));
	header_value(h, "description", m->description, sizeof(m->description));
	header_value(h, "notes", m->notes, sizeof(m->notes));
	header_value(h, "acquiry_date", m->acquired, sizeof(m->acquired));
	if (libewf_handle_get_md5_hash(h, md5, sizeof(md5), NULL) == 1)
		hex(md5, sizeof(md5), m->md5);
	if (libewf_handle_get_sha1_hash(h, sha1, sizeof(sha1), NULL) == 1)
		hex(sha1, sizeof(sha1), m->sha1);
}

/* open_segments: every segment of the set @path starts, into @e->handle;
 * their names kept in @e for the helper's handle. */
static int open_segments(struct ewf *e, const char *path, char *err, size_t errlen)
{
	int rc;

	if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &e->names, &e->count, NULL) != 1) {
		e->names = NULL;
		nl_set_err(err, errlen, "cannot find the segments of the ewf container");
		return -ENOENT;
	}
	rc = open_handle(e->names, e->count, &e->handle);
	if (rc == -EINVAL)
		nl_set_err(err, errlen,
			   "damaged or incomplete ewf container (%d segment%s found)", e->count,
			   e->count == 1 ? "" : "s");
	return rc;
}

static int ewf_open(struct nl_bytesource *bs, const char *path, char *err, size_t errlen)
{
	struct ewf *e = calloc(1, sizeof(*e));
	size64_t size = 0;
	int rc;

	if (!e)
		return -ENOMEM;
	if (pthread_mutex_init(&e->mu, NULL) != 0) {
		free(e);
		return -ENOMEM;
	}
	bs->priv = e;
	rc = open_segments(e, path, err, errlen);
	if (rc == 0 && libewf_handle_get_media_size(e->handle, &size, NULL) != 1) {
		nl_set_err(err, errlen, "damaged ewf container: no media size");
		rc = -EINVAL;
	}
	if (rc < 0) {
		ewf_close(bs);
		return rc;
	}
	bs->ops = &ewf_ops;
	bs->size = e->size = size;
	if (libewf_handle_get_chunk_size(e->handle, &e->h.chunk, NULL) != 1 || !e->h.chunk)
		e->helper = HELPER_FAILED;  /* reads are then never shared, nor direct */
	else if (nl_ewf_chunks_open(e->names, e->count, e->h.chunk, size, &e->chunks) < 0)
		e->chunks = NULL;  /* read through libewf alone */
	read_meta(e->handle, &bs->meta);
	return 0;
}

const struct nl_bytesource_backend nl_bs_ewf = {
	.format = NL_FORMAT_EWF,
	.probe = ewf_probe,
	.open = ewf_open,
};
#endif
