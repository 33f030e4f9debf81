/* ewf_chunks.c: the plainly stored chunks of an EWF-E01 set, found from its section chains and table sections and read straight from its segment files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/adler32_int.h"
#include "base/endian_int.h"
#include "image/bytesource_int.h"
#include "image/ewf_chunks_int.h"

#define EWF_DESC 76u               /* a section descriptor */
#define EWF_FILE_HEAD 13u          /* a segment file's header */
#define EWF_TABLE_HEAD 24u         /* a table section's header, after its descriptor */
#define EWF_SUM 4u                 /* the Adler-32 after a chunk or a table's entries */
#define EWF_MAX_SECTIONS 65536u    /* sections walked in one segment file */
#define EWF_MAX_TABLES (1u << 20)  /* table sections in the whole set */
#define EWF_MAX_CHUNK (16u << 20)  /* the largest chunk read here */
#define EWF_KEEP_FDS 64            /* segment files kept open; others opened per read */
#define EWF_BATCH 256u             /* chunks in one preadv (two pieces each) */
#define EWF_BATCH_BYTES (8u << 20) /* and at most about this many bytes */
#define EWF_ENTRY_PIECE 4096u      /* table entries checked at a time */

static const uint8_t ewf_magic[8] = { 'E', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00 };

enum table_state { TABLE_UNCHECKED, TABLE_PLAIN, TABLE_OTHER };

/* A table section, and the sectors section just before it that holds its chunks. */
struct ewf_table {
	uint64_t first;          /* the media chunk of its first entry */
	uint64_t at;             /* file offset of its entries */
	uint64_t base;           /* what its entries count from */
	uint64_t data, end;      /* the sectors section's bytes after its descriptor */
	uint64_t start;          /* TABLE_PLAIN: file offset of its first chunk */
	uint32_t count;          /* entries (chunks) */
	int segment;             /* index into the names */
	enum table_state state;  /* under the map's lock */
};

struct nl_ewf_chunks {
	char *const *names;
	int count;
	int *fds;                /* -1: not kept open */
	int kept;
	uint32_t chunk;          /* bytes of media in a chunk */
	uint64_t media, chunks;  /* bytes and chunks of media */
	struct ewf_table *tables;
	size_t ntables, room;
	pthread_mutex_t mu;      /* table states, descriptors kept */
};

/* chunk_bytes: the media bytes chunk @k holds (the last may be short). */
static uint64_t chunk_bytes(const struct nl_ewf_chunks *c, uint64_t k)
{
	uint64_t from = k * c->chunk;

	return c->media - from < c->chunk ? c->media - from : c->chunk;
}

/* covered: the media chunks the tables so far give */
static uint64_t covered(const struct nl_ewf_chunks *c)
{
	return c->ntables ? c->tables[c->ntables - 1].first + c->tables[c->ntables - 1].count : 0;
}

/* read_at: exactly @len bytes at @off of @fd; false when fewer came. */
static bool read_at(int fd, void *buf, size_t len, uint64_t off)
{
	return nl_pread_full(fd, buf, len, off) == (ssize_t)len;
}

/* add_table: the table whose descriptor is at @at (its section ending at
 * @next) over the sectors section's bytes [@data, @end) of segment @seg
 * (@fd); -EINVAL when its header is damaged or its entries do not fit. */
static int add_table(struct nl_ewf_chunks *c, int seg, int fd, uint64_t at, uint64_t next,
		     uint64_t data, uint64_t end)
{
	uint8_t h[EWF_TABLE_HEAD];
	struct ewf_table *t;
	uint32_t count;

	if (next - at < EWF_DESC + EWF_TABLE_HEAD + EWF_SUM ||
	    !read_at(fd, h, sizeof(h), at + EWF_DESC) ||
	    nl_adler32(NL_ADLER32_INIT, h, 20) != nl_le32(h + 20))
		return -EINVAL;
	count = nl_le32(h);
	if (count == 0 || count > (next - at - EWF_DESC - EWF_TABLE_HEAD - EWF_SUM) / 4 ||
	    count > c->chunks - covered(c) || c->ntables == EWF_MAX_TABLES)
		return -EINVAL;
	if (c->ntables == c->room) {
		size_t room = c->room ? c->room * 2 : 16;

		if (!(t = realloc(c->tables, room * sizeof(*t))))
			return -ENOMEM;
		c->tables = t;
		c->room = room;
	}
	t = &c->tables[c->ntables];
	*t = (struct ewf_table){
		.first = covered(c),
		.at = at + EWF_DESC + EWF_TABLE_HEAD, .base = nl_le64(h + 8),
		.data = data, .end = end, .count = count, .segment = seg,
	};
	c->ntables++;
	return 0;
}

/* walk_segment: the tables of segment @seg (open as @fd) along its chain of
 * sections, to its "next" section (its "done" for the last segment). */
static int walk_segment(struct nl_ewf_chunks *c, int seg, int fd)
{
	uint8_t d[EWF_DESC];
	uint64_t off = EWF_FILE_HEAD, data = 0, end = 0, size;
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -EINVAL;
	size = (uint64_t)st.st_size;
	if (!read_at(fd, d, EWF_FILE_HEAD, 0) || memcmp(d, ewf_magic, 8) != 0 || d[8] != 1 ||
	    nl_le16(d + 9) != seg + 1)
		return -EINVAL;
	for (unsigned i = 0; i < EWF_MAX_SECTIONS; i++) {
		uint64_t next;
		int rc;

		if (off > size || size - off < EWF_DESC || !read_at(fd, d, EWF_DESC, off) ||
		    nl_adler32(NL_ADLER32_INIT, d, 72) != nl_le32(d + 72) || d[15] != 0)
			return -EINVAL;
		next = nl_le64(d + 16);
		if (strcmp((char *)d, "next") == 0 || strcmp((char *)d, "done") == 0)
			return (strcmp((char *)d, "done") == 0) == (seg == c->count - 1) ? 0 : -EINVAL;
		if (next <= off || next > size)
			return -EINVAL;
		if (strcmp((char *)d, "sectors") == 0) {
			data = off + EWF_DESC;
			end = next;
			if (data > end)
				return -EINVAL;
		} else if (strcmp((char *)d, "table") == 0) {
			/* its chunks are in the sectors section just before it */
			if (end != off)
				return -EINVAL;
			rc = add_table(c, seg, fd, off, next, data, end);
			if (rc < 0)
				return rc;
			end = 0;
		}
		off = next;
	}
	return -EINVAL;
}

/* open_segment: segment @seg read-only; its descriptor kept while fewer
 * than EWF_KEEP_FDS are, else *@once is set and the caller closes it.
 * Returns the descriptor or -errno.  Under c->mu once the map is open. */
static int open_segment(struct nl_ewf_chunks *c, int seg, bool *once)
{
	int fd;

	*once = false;
	if (c->fds[seg] >= 0)
		return c->fds[seg];
	fd = open(c->names[seg], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (c->kept < EWF_KEEP_FDS) {
		c->fds[seg] = fd;
		c->kept++;
	} else {
		*once = true;
	}
	return fd;
}

void nl_ewf_chunks_close(struct nl_ewf_chunks **cp)
{
	struct nl_ewf_chunks *c = cp ? *cp : NULL;

	if (!c)
		return;
	for (int i = 0; c->fds && i < c->count; i++)
		if (c->fds[i] >= 0)
			close(c->fds[i]);
	free(c->fds);
	free(c->tables);
	pthread_mutex_destroy(&c->mu);
	free(c);
	*cp = NULL;
}

int nl_ewf_chunks_open(char *const *names, int count, uint32_t chunk_size, uint64_t media_size,
		       struct nl_ewf_chunks **out)
{
	struct nl_ewf_chunks *c;
	int rc = 0;

	*out = NULL;
	if (count < 1 || chunk_size == 0 || chunk_size > EWF_MAX_CHUNK || media_size == 0)
		return -EINVAL;
	if (!(c = calloc(1, sizeof(*c))))
		return -ENOMEM;
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return -ENOMEM;
	}
	c->names = names;
	c->count = count;
	c->chunk = chunk_size;
	c->media = media_size;
	c->chunks = (media_size + chunk_size - 1) / chunk_size;
	if (!(c->fds = malloc((size_t)count * sizeof(*c->fds))))
		rc = -ENOMEM;
	for (int i = 0; c->fds && i < count; i++)
		c->fds[i] = -1;
	for (int i = 0; rc == 0 && i < count; i++) {
		bool once;
		int fd = open_segment(c, i, &once);

		rc = fd < 0 ? fd : walk_segment(c, i, fd);
		if (fd >= 0 && once)
			close(fd);
	}
	if (rc == 0 && covered(c) != c->chunks)
		rc = -EINVAL;  /* the tables do not give every chunk of the media */
	if (rc < 0) {
		nl_ewf_chunks_close(&c);
		return rc;
	}
	*out = c;
	return 0;
}

/* check_entries: @t's entries, read in pieces, against their stored
 * checksum and against chunks laid one after the other from the first,
 * uncompressed; true when they are, with t->start set. */
static bool check_entries(struct nl_ewf_chunks *c, struct ewf_table *t, int fd)
{
	uint8_t piece[EWF_ENTRY_PIECE * 4], sum[EWF_SUM];
	uint32_t adler = NL_ADLER32_INIT, first = 0;
	uint64_t stride = (uint64_t)c->chunk + EWF_SUM;

	for (uint32_t i = 0; i < t->count;) {
		uint32_t n = t->count - i < EWF_ENTRY_PIECE ? t->count - i : EWF_ENTRY_PIECE;

		if (!read_at(fd, piece, (size_t)n * 4, t->at + (uint64_t)i * 4))
			return false;
		adler = nl_adler32(adler, piece, (size_t)n * 4);
		if (i == 0)
			first = nl_le32(piece);
		/* the last entry below 2^31: none has the top bit (compressed) */
		if (i == 0 && first + (t->count - 1) * stride >= 1u << 31)
			return false;
		for (uint32_t k = 0; k < n; k++)
			if (nl_le32(piece + 4 * k) != first + (i + k) * stride)
				return false;  /* not one after the other */
		i += n;
	}
	if (!read_at(fd, sum, sizeof(sum), t->at + (uint64_t)t->count * 4) || adler != nl_le32(sum))
		return false;
	t->start = t->base + first;
	/* the chunks fill the sectors section: the last ends where it ends */
	return t->start >= t->data && t->start <= t->end &&
	       (t->end - t->start) == (t->count - 1) * stride +
					      chunk_bytes(c, t->first + t->count - 1) + EWF_SUM;
}

/* plain_table: the table holding media chunk @k, when its chunks are stored
 * plainly (its entries checked once); NULL otherwise. */
static struct ewf_table *plain_table(struct nl_ewf_chunks *c, uint64_t k)
{
	size_t lo = 0, hi = c->ntables;
	struct ewf_table *t;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->tables[mid].first <= k)
			lo = mid;
		else
			hi = mid;
	}
	t = &c->tables[lo];
	if (k < t->first || k - t->first >= t->count)
		return NULL;
	pthread_mutex_lock(&c->mu);
	if (t->state == TABLE_UNCHECKED) {
		bool once;
		int fd = open_segment(c, t->segment, &once);

		t->state = fd >= 0 && check_entries(c, t, fd) ? TABLE_PLAIN : TABLE_OTHER;
		if (fd >= 0 && once)
			close(fd);
	}
	pthread_mutex_unlock(&c->mu);
	return t->state == TABLE_PLAIN ? t : NULL;
}

/* read_run: @n chunks from media chunk @k, all in the plain table @t, into
 * @buf with one preadv; how many from @k came whole with a good checksum. */
static uint64_t read_run(struct nl_ewf_chunks *c, struct ewf_table *t, uint8_t *buf, uint64_t k,
			 uint64_t n)
{
	struct iovec iov[2 * EWF_BATCH];
	uint8_t sums[EWF_BATCH][EWF_SUM];
	uint64_t stride = (uint64_t)c->chunk + EWF_SUM, good = 0, need = 0;
	ssize_t got;
	bool once;
	int fd;

	for (uint64_t i = 0; i < n; i++) {
		iov[2 * i] = (struct iovec){ buf + i * c->chunk, (size_t)chunk_bytes(c, k + i) };
		iov[2 * i + 1] = (struct iovec){ sums[i], EWF_SUM };
	}
	pthread_mutex_lock(&c->mu);
	fd = open_segment(c, t->segment, &once);
	pthread_mutex_unlock(&c->mu);
	if (fd < 0)
		return 0;
	do
		got = preadv(fd, iov, (int)(2 * n), (off_t)(t->start + (k - t->first) * stride));
	while (got < 0 && errno == EINTR);
	if (once)
		close(fd);
	/* a short read (the file cut since it was opened) ends the good ones */
	for (; good < n; good++) {
		size_t len = iov[2 * good].iov_len;

		need += len + EWF_SUM;
		if (got < 0 || (uint64_t)got < need ||
		    nl_adler32(NL_ADLER32_INIT, iov[2 * good].iov_base, len) != nl_le32(sums[good]))
			break;
	}
	return good;
}

uint64_t nl_ewf_chunks_read(struct nl_ewf_chunks *c, uint8_t *buf, uint64_t first, uint64_t n)
{
	uint64_t done = 0, batch = EWF_BATCH_BYTES / c->chunk;

	if (batch == 0)
		batch = 1;
	if (batch > EWF_BATCH)
		batch = EWF_BATCH;
	while (done < n && first + done < c->chunks) {
		uint64_t k = first + done, run, got;
		struct ewf_table *t = plain_table(c, k);

		if (!t)
			break;
		run = n - done;
		if (run > t->first + t->count - k)
			run = t->first + t->count - k;
		if (run > batch)
			run = batch;
		got = read_run(c, t, buf + done * c->chunk, k, run);
		done += got;
		if (got < run)
			break;
	}
	return done;
}
