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

struct ewf {
	libewf_handle_t *handle;
	pthread_mutex_t mu;       /* one read at a time through the handle */
};

static bool ewf_probe(const uint8_t *head, size_t n, const uint8_t *tail)
{
	(void)tail;
	return n >= 8 && (memcmp(head, "EVF\x09\x0d\x0a\xff\x00", 8) == 0 ||
			  memcmp(head, "EVF2\x0d\x0a\x81\x00", 8) == 0);
}

static ssize_t ewf_pread(struct nl_bytesource *bs, void *buf, size_t len, uint64_t off)
{
	struct ewf *e = bs->priv;
	libewf_error_t *error = NULL;
	ssize_t n;

	pthread_mutex_lock(&e->mu);
	n = libewf_handle_read_random(e->handle, buf, len, (off64_t)off, &error);
	pthread_mutex_unlock(&e->mu);
	if (n < 0) {
		libewf_error_free(&error);
		return -EIO;
	}
	return n;
}

static void ewf_close(struct nl_bytesource *bs)
{
	struct ewf *e = bs->priv;

	if (!e)
		return;
	if (e->handle) {
		libewf_handle_close(e->handle, NULL);
		libewf_handle_free(&e->handle, NULL);
	}
	pthread_mutex_destroy(&e->mu);
	free(e);
	bs->priv = NULL;
}

/* ewf_damage: the sector ranges whose chunk checksum failed in the reads so far
 * (libewf notes them and still returns the bytes as stored). */
static void ewf_damage(struct nl_bytesource *bs, struct nl_image_verify *v)
{
	struct ewf *e = bs->priv;
	uint32_t count = 0, sector = 0;

	pthread_mutex_lock(&e->mu);
	if (libewf_handle_get_bytes_per_sector(e->handle, &sector, NULL) == 1 && sector &&
	    libewf_handle_get_number_of_checksum_errors(e->handle, &count, NULL) == 1) {
		for (uint32_t i = 0; i < count; i++) {
			uint64_t first, n;

			if (libewf_handle_get_checksum_error(e->handle, i, &first, &n, NULL) != 1)
				continue;
			if (v->bad_ranges == 0 || first * sector < v->bad_first)
				v->bad_first = first * sector;
			v->bad_bytes += n * sector;
			v->bad_ranges++;
		}
	}
	pthread_mutex_unlock(&e->mu);
}

/* ewf_as_stored: a chunk whose checksum fails is read as stored, not zeroed
 * (libewf's default), as ewfverify hashes it. */
static void ewf_as_stored(struct nl_bytesource *bs)
{
	struct ewf *e = bs->priv;

	pthread_mutex_lock(&e->mu);
	libewf_handle_set_read_zero_chunk_on_error(e->handle, 0, NULL);
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

/* open_segments: every segment of the set @path starts, into @e->handle. */
static int open_segments(struct ewf *e, const char *path, char *err, size_t errlen)
{
	char **names = NULL;
	int count = 0, rc = 0;

	if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &names, &count, NULL) != 1) {
		nl_set_err(err, errlen, "cannot find the segments of the ewf container");
		return -ENOENT;
	}
	if (libewf_handle_initialize(&e->handle, NULL) != 1) {
		rc = -ENOMEM;
	} else if (libewf_handle_open(e->handle, names, count, LIBEWF_OPEN_READ, NULL) != 1) {
		nl_set_err(err, errlen,
			   "damaged or incomplete ewf container (%d segment%s found)", count,
			   count == 1 ? "" : "s");
		libewf_handle_free(&e->handle, NULL);
		rc = -EINVAL;
	}
	libewf_glob_free(names, count, NULL);
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
	bs->size = size;
	read_meta(e->handle, &bs->meta);
	return 0;
}

const struct nl_bytesource_backend nl_bs_ewf = {
	.format = NL_FORMAT_EWF,
	.probe = ewf_probe,
	.open = ewf_open,
};
#endif
