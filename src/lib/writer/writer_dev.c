/* writer_dev.c: the writer's device: a write-back cache of 4 KiB blocks in front of device.c, so that metadata libntfs-3g rewrites over and over reaches the image once, in large sorted writes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include <ntfs-3g/cache.h>

#include "image/device_int.h"
#include "image/validate_int.h"
#include "writer/writer_int.h"

/*
 * libntfs-3g has no block cache of its own: every index insert reads and
 * writes its index block, every cluster or record allocation reads and
 * writes a byte or a block of a bitmap, every new record rewrites $MFT's own
 * record and $MFTMirr, one pread/pwrite each. This layer keeps such small
 * I/O in memory and writes dirty blocks out at sync/close and when a dirty
 * block must be evicted: all of them, sorted, adjacent ones merged, so that
 * the evictions after it find clean blocks (a pass over the whole cache per
 * cacheful of changes, not per evicted block). I/O of WB_DIRECT bytes or
 * more (file contents) goes straight to the image; cached copies are kept
 * in step.
 *
 * Order (writer_order.c, enum nl_w_class): every write-back writes the
 * dirty blocks class by class, so that a device that fails midway leaves an
 * image libntfs-3g mounts: $Bitmap, $MFT's new records, $MFT's first
 * records (the head) and at once $MFTMirr, the other records, the rest, and
 * $MFT's $BITMAP last, that only at a sync or close (never on eviction:
 * writer_orphans.c). The one point
 * where a failure leaves the image refused is between the head and the
 * mirror (they lie apart): the mirror is then older than $MFT, which
 * ntfsfix, and the writer's next mount (nl_w_mirror_repair), mend by
 * copying $MFT's first records over it.
 *
 * Errors: a failed write-back is remembered; from then on every write fails
 * with that error, and so do sync and close, so ntfs_umount() reports it.
 * The device's d_private points to the cache (device.c does not use it).
 *
 * Held (NL_W_HOLD, the edit commands): nothing is written before a flush
 * (sync, close, nl_w_dev_writeback); dirty blocks are never evicted and large
 * writes go through the cache too. A flush is a commit: every run it will
 * write is first read and written back unchanged (a device that is full or
 * failing says so while the image is as it was), then the runs are written;
 * should one fail, every run is written back as it was (wb_commit).
 * nl_w_dev_discard() makes the flushes write nothing at all.
 */

#define WB_SHIFT 12
#define WB_SIZE (1u << WB_SHIFT)
#define WB_DIRECT (16u * 1024)    /* I/O at least this long bypasses the cache */
#define WB_RUN_MAX 256u           /* blocks per merged write (1 MiB) */
#define WB_CAP_DEFAULT 4096u      /* cached blocks (16 MiB) */

unsigned nl_w_dev_cap = WB_CAP_DEFAULT;
unsigned nl_w_dev_hold_cap = 1u << 17;  /* held: 512 MiB, touched on use */

struct wb_block {
	uint64_t no;                  /* block number: byte offset >> WB_SHIFT */
	struct wb_block *hnext;       /* hash chain */
	struct wb_block *prev, *next; /* LRU list, most recent first */
	bool dirty;
	uint8_t *data;
};

struct wb_cache {
	struct ntfs_device_operations *lower;
	size_t cap;                   /* blocks at most (nl_w_dev_cap, a power of two) */
	struct wb_block *blocks;      /* cap entries */
	uint8_t *mem;                 /* cap * WB_SIZE bytes, touched on use */
	uint8_t *run;                 /* WB_RUN_MAX * WB_SIZE bytes: merged writes */
	struct wb_block **tab;        /* hash table, cap * 2 slots */
	struct wb_block lru;          /* sentinel */
	size_t used;                  /* blocks handed out so far */
	uint64_t limit;               /* bytes that may be cached: the volume
					 size rounded down to a block */
	int err;                      /* first write-back error (errno), sticky */
	uint32_t meta1, meta2;        /* read caches: the only read sizes above
					 512 bytes cached (record, index block) */
	int excl_fd;                  /* block devices: held open O_EXCL */
	struct nl_w_order order;      /* what the blocks hold, once mounted */
	bool hold;                    /* NL_W_HOLD: nothing written before a flush */
	bool discard;                 /* nl_w_dev_discard(): flushes write nothing */
	bool torn;                    /* a commit failed and could not be undone */
	bool full;                    /* held: a change found no room (EFBIG) */
};

static struct ntfs_device_operations wb_ops;

/* The write-back cache behind @dev. */
static inline struct wb_cache *cache_of(struct ntfs_device *dev)
{
	return dev->d_private;
}

static size_t wb_hash(const struct wb_cache *c, uint64_t no)
{
	return (size_t)((no * 0x9E3779B97F4A7C15ULL) >> 40) & (2 * c->cap - 1);
}

static struct wb_block *wb_find(struct wb_cache *c, uint64_t no)
{
	struct wb_block *b;

	for (b = c->tab[wb_hash(c, no)]; b; b = b->hnext)
		if (b->no == no)
			return b;
	return NULL;
}

static enum nl_w_class wb_class_of(const struct wb_cache *c, uint64_t no)
{
	return nl_w_order_class(&c->order, no);
}

/* Whether block NO holds the head or the mirror. */
static bool pinned(const struct wb_cache *c, uint64_t no)
{
	enum nl_w_class k = wb_class_of(c, no);

	return k == NL_W_HEAD || k == NL_W_MIRR;
}

/* Whether N bytes at OFF touch the head or the mirror. */
static bool touches_pair(const struct wb_cache *c, uint64_t off, uint64_t n)
{
	for (uint64_t no = off >> WB_SHIFT; c->order.vol && n && no <= (off + n - 1) >> WB_SHIFT;
	     no++)
		if (pinned(c, no))
			return true;
	return false;
}

static void lru_unlink(struct wb_block *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

static void lru_front(struct wb_cache *c, struct wb_block *b)
{
	b->next = c->lru.next;
	b->prev = &c->lru;
	c->lru.next->prev = b;
	c->lru.next = b;
}

static void wb_touch(struct wb_cache *c, struct wb_block *b)
{
	lru_unlink(b);
	lru_front(c, b);
}

/* The lower device's pwrite, or the injected fault. */
static s64 lower_pwrite(struct ntfs_device *dev, struct wb_cache *c, const void *buf, s64 n,
			s64 off)
{
	int err = nl_w_fault_write((uint64_t)off, (uint64_t)n);

	if (err) {
		errno = err;
		return -1;
	}
	return c->lower->pwrite(dev, buf, n, off);
}

/* Write N bytes of BUF at byte OFF through the lower device, all of them.
 * Returns 0 or -1 with errno set. */
static int lower_write_all(struct ntfs_device *dev, struct wb_cache *c,
			   const uint8_t *buf, size_t n, uint64_t off)
{
	while (n > 0) {
		s64 r = lower_pwrite(dev, c, buf, (s64)n, (s64)off);

		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		buf += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Write the dirty blocks FIRST..FIRST+N-1 (all cached and dirty) as one
 * write and mark them clean. A failure is remembered in c->err. */
static int wb_write_run(struct ntfs_device *dev, struct wb_cache *c,
			uint64_t first, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		struct wb_block *b = wb_find(c, first + i);

		memcpy(c->run + i * WB_SIZE, b->data, WB_SIZE);
		b->dirty = false;
	}
	rc = lower_write_all(dev, c, c->run, n * WB_SIZE, first << WB_SHIFT);
	if (wb_class_of(c, first) == NL_W_MIRR)
		nl_w_fault_mirror_note();
	if (!rc && wb_class_of(c, first) == NL_W_HEAD)
		nl_w_order_head_written(&c->order);
	if (rc && !c->err)
		c->err = errno ? errno : EIO;
	return rc;
}

static int wb_flush(struct ntfs_device *dev, struct wb_cache *c, enum nl_w_class upto);

static void wb_unhash(struct wb_cache *c, struct wb_block *b)
{
	struct wb_block **pp = &c->tab[wb_hash(c, b->no)];

	while (*pp && *pp != b)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = b->hnext;
}

/* A block for NO, not yet filled: a new one while there are, else the least
 * recently used one (when dirty, every dirty block is written back first).
 * NULL if a write-back failed. */
static struct wb_block *wb_alloc(struct ntfs_device *dev, struct wb_cache *c,
				 uint64_t no)
{
	struct wb_block *b;

	if (c->used < c->cap) {
		b = &c->blocks[c->used];
		b->data = c->mem + c->used * WB_SIZE;
		c->used++;
	} else if (c->hold) {
		/* the least recently used clean block: dirty ones wait for the
		 * commit (passed over to the front) */
		for (size_t seen = 0; (b = c->lru.prev)->dirty && seen < c->cap; seen++)
			wb_touch(c, b);
		if (b->dirty) {
			c->full = true;
			errno = EFBIG;	/* more changes than the cache holds */
			return NULL;
		}
		lru_unlink(b);
		wb_unhash(c, b);
	} else {
		/* the least recently used block; when dirty, every dirty block written back
		 * but $MFT's $BITMAP's, which wait for a sync (passed over) */
		for (size_t seen = 0; (b = c->lru.prev)->dirty &&
		     wb_class_of(c, b->no) == NL_W_MFTBMP && seen < c->cap; seen++)
			wb_touch(c, b);
		if (b->dirty && wb_class_of(c, b->no) == NL_W_MFTBMP) {
			errno = ENOMEM;	/* a cache of nothing but those */
			return NULL;
		}
		if (b->dirty && wb_flush(dev, c, NL_W_REST))
			return NULL;
		lru_unlink(b);
		wb_unhash(c, b);
	}
	b->no = no;
	b->dirty = false;
	b->hnext = c->tab[wb_hash(c, no)];
	c->tab[wb_hash(c, no)] = b;
	lru_front(c, b);
	return b;
}

/* Drop block B (just allocated, could not be filled). */
static void wb_drop(struct wb_cache *c, struct wb_block *b)
{
	wb_unhash(c, b);
	lru_unlink(b);
	/* put it at the LRU end, under a number nothing uses, to be reused */
	b->no = UINT64_MAX;
	b->dirty = false;
	b->hnext = c->tab[wb_hash(c, b->no)];
	c->tab[wb_hash(c, b->no)] = b;
	b->next = &c->lru;
	b->prev = c->lru.prev;
	c->lru.prev->next = b;
	c->lru.prev = b;
}

/* Block NO, read from the image if not cached. NULL with errno set. */
static struct wb_block *wb_get(struct ntfs_device *dev, struct wb_cache *c,
			       uint64_t no, bool whole)
{
	struct wb_block *b = wb_find(c, no);
	size_t got = 0;

	if (b) {
		wb_touch(c, b);
		return b;
	}
	b = wb_alloc(dev, c, no);
	if (!b) {
		if (c->err)
			errno = c->err;
		return NULL;
	}
	if (whole)	/* about to be overwritten completely */
		return b;
	while (got < WB_SIZE) {
		s64 r = c->lower->pread(dev, b->data + got, (s64)(WB_SIZE - got),
					(s64)((no << WB_SHIFT) + got));

		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			wb_drop(c, b);
			return NULL;
		}
		got += (size_t)r;
	}
	return b;
}

static bool cacheable(const struct wb_cache *c, s64 count, s64 offset)
{
	return count < (s64)WB_DIRECT && (uint64_t)offset + (uint64_t)count <= c->limit;
}

/* A read cache keeps what is read again (records, index blocks, bitmap
 * bytes), not file contents, which are read once and would only push
 * those out. */
static bool read_cacheable(const struct wb_cache *c, s64 count, s64 offset)
{
	if (c->meta1 && count > 512 && count != c->meta1 && count != c->meta2)
		return false;
	return cacheable(c, count, offset);
}

/*
 * After @n bytes at @offset went past the cache, make the cached blocks they overlap agree with
 * them: after a read (@rbuf), blocks cached dirty are newer than the image and are copied into
 * @rbuf; after a write (@wbuf), @wbuf is copied into every cached block it overlaps, and a block
 * it covers whole is clean again.
 */
static void sync_bypassed(struct wb_cache *c, uint8_t *rbuf, const uint8_t *wbuf, uint64_t offset,
			  uint64_t n)
{
	uint64_t end = offset + n;

	for (uint64_t no = offset >> WB_SHIFT; no << WB_SHIFT < end; no++) {
		struct wb_block *b = wb_find(c, no);
		uint64_t bs = no << WB_SHIFT;
		uint64_t lo = bs > offset ? bs : offset, hi = bs + WB_SIZE < end ? bs + WB_SIZE : end;

		if (!b)
			continue;
		if (rbuf) {
			if (b->dirty)
				memcpy(rbuf + (lo - offset), b->data + (lo - bs), hi - lo);
		} else {
			memcpy(b->data + (lo - bs), wbuf + (lo - offset), hi - lo);
			if (lo == bs && hi == bs + WB_SIZE)
				b->dirty = false;
		}
	}
}

/*
 * Copy @count bytes at @offset between the cached blocks and @rbuf (a read) or @wbuf (a write: the
 * blocks become dirty, and one written whole is not read from the image first).  Returns the
 * bytes copied: @count, fewer when a block could not be had, -1 when none could.
 */
static s64 through_cache(struct ntfs_device *dev, struct wb_cache *c, uint8_t *rbuf,
			 const uint8_t *wbuf, uint64_t count, uint64_t offset)
{
	for (uint64_t done = 0; done < count;) {
		uint64_t off = offset + done, bs = off & ~(uint64_t)(WB_SIZE - 1);
		size_t in = (size_t)(off - bs);
		size_t n = WB_SIZE - in < count - done ? WB_SIZE - in : (size_t)(count - done);
		struct wb_block *b = wb_get(dev, c, bs >> WB_SHIFT, wbuf && n == WB_SIZE);

		if (!b)
			return done ? (s64)done : -1;
		if (wbuf) {
			memcpy(b->data + in, wbuf + done, n);
			b->dirty = true;
		} else {
			memcpy(rbuf + done, b->data + in, n);
		}
		done += n;
	}
	return (s64)count;
}

static s64 wb_pread(struct ntfs_device *dev, void *buf, s64 count, s64 offset)
{
	struct wb_cache *c = cache_of(dev);
	uint8_t *p = buf;

	if (count < 0 || offset < 0) {
		errno = EINVAL;
		return -1;
	}
	if (!read_cacheable(c, count, offset)) {
		s64 r = c->lower->pread(dev, buf, count, offset);

		if (r > 0)
			sync_bypassed(c, p, NULL, (uint64_t)offset, (uint64_t)r);
		return r;
	}
	return through_cache(dev, c, p, NULL, (uint64_t)count, (uint64_t)offset);
}

static s64 wb_pwrite(struct ntfs_device *dev, const void *buf, s64 count, s64 offset)
{
	struct wb_cache *c = cache_of(dev);
	const uint8_t *p = buf;

	if (c->err) {
		errno = c->err;
		return -1;
	}
	if (count < 0 || offset < 0) {
		errno = EINVAL;
		return -1;
	}
	if (NDevReadOnly(dev)) {
		errno = EROFS;
		return -1;
	}
	if (touches_pair(c, (uint64_t)offset, (uint64_t)count)) {
		/* record 0 changes when $MFT grows; the head and mirror are always cached */
		nl_w_order_refresh(&c->order);
	} else if (!cacheable(c, count, offset) &&
		   !(c->hold && (uint64_t)offset + (uint64_t)count <= c->limit)) {
		s64 r = lower_pwrite(dev, c, buf, count, offset);

		if (r > 0)
			sync_bypassed(c, NULL, p, (uint64_t)offset, (uint64_t)r);
		return r;
	}
	return through_cache(dev, c, NULL, p, (uint64_t)count, (uint64_t)offset);
}

/* A dirty block and its class, as a write-back sorts them. */
struct wb_item {
	enum nl_w_class k;
	uint64_t no;
};

/* By class (enum nl_w_class), by number in each. */
static int cmp_item(const void *a, const void *b)
{
	const struct wb_item *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->no < y->no ? -1 : x->no > y->no;
}

static int wb_commit(struct ntfs_device *dev, struct wb_cache *c, struct wb_block **v, size_t n);

/* wb_flush of a held or discarded cache: every dirty block committed (wb_commit), or dropped. */
static int wb_flush_held(struct ntfs_device *dev, struct wb_cache *c)
{
	struct wb_block **v;
	size_t n = 0;
	int rc = 0;

	if (c->err) {
		errno = c->err;
		return -1;
	}
	v = malloc((c->used ? c->used : 1) * sizeof(*v));
	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < c->used; i++)
		if (c->blocks[i].dirty)
			v[n++] = &c->blocks[i];
	if (c->discard) {
		for (size_t i = 0; i < n; i++)
			v[i]->dirty = false;
	} else {
		/* in a write-back's order (cmp_item), so that a device that dies
		 * midway leaves what an unheld write-back would */
		struct wb_item *it = malloc((n ? n : 1) * sizeof(*it));

		if (!it) {
			free(v);
			errno = ENOMEM;
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			it[i] = (struct wb_item){ .k = wb_class_of(c, v[i]->no), .no = v[i]->no };
		qsort(it, n, sizeof(*it), cmp_item);
		for (size_t i = 0; i < n; i++)
			v[i] = wb_find(c, it[i].no);
		free(it);
		rc = wb_commit(dev, c, v, n);
	}
	free(v);
	return rc;
}

/* The end of the run of adjacent blocks of one class that starts at V[I] (of N), at most
 * WB_RUN_MAX long. */
static size_t run_end(const struct wb_cache *c, struct wb_block *const *v, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && j - i < WB_RUN_MAX && v[j]->no == v[j - 1]->no + 1 &&
	       wb_class_of(c, v[j]->no) == wb_class_of(c, v[i]->no))
		j++;
	return j;
}

/* Read N bytes at byte OFF of the image into BUF, all of them. 0 or -1/errno. */
static int lower_read_all(struct ntfs_device *dev, struct wb_cache *c, uint8_t *buf, size_t n,
			  uint64_t off)
{
	while (n > 0) {
		s64 r = c->lower->pread(dev, buf, (s64)n, (s64)off);

		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		buf += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Write the runs of V[0..N) up to V[UPTO] from OLD (their blocks one after another). A failure
 * leaves the image torn: remembered in c->torn. */
static void put_back(struct ntfs_device *dev, struct wb_cache *c, struct wb_block *const *v,
		     size_t n, size_t upto, const uint8_t *old)
{
	for (size_t i = 0, j; i < upto; i = j) {
		j = run_end(c, v, n, i);
		if (lower_write_all(dev, c, old + i * WB_SIZE, (j - i) * WB_SIZE,
				    v[i]->no << WB_SHIFT))
			c->torn = true;
	}
}

/*
 * The flush of a held cache (see the top of this file): the dirty blocks V[0..N), sorted, are
 * written as one commit. A failure leaves the image as it was (unless the device also fails
 * to take the old blocks back: c->torn), is remembered in c->err, and makes later flushes
 * write nothing. 0 or -1/errno.
 */
static int wb_commit(struct ntfs_device *dev, struct wb_cache *c, struct wb_block **v, size_t n)
{
	uint8_t *old = n ? malloc(n * WB_SIZE) : NULL;
	size_t i, j, wrote = 0;
	int rc = 0, e;

	if (n && !old) {
		errno = ENOMEM;
		return -1;
	}
	/* what the image holds there, read and written back unchanged */
	for (i = 0; i < n && !rc; i = j) {
		j = run_end(c, v, n, i);
		rc = lower_read_all(dev, c, old + i * WB_SIZE, (j - i) * WB_SIZE, v[i]->no << WB_SHIFT);
		if (!rc)
			rc = lower_write_all(dev, c, old + i * WB_SIZE, (j - i) * WB_SIZE,
					     v[i]->no << WB_SHIFT);
	}
	/* then the changes */
	for (i = 0; i < n && !rc; i = j) {
		j = run_end(c, v, n, i);
		for (size_t k = i; k < j; k++)
			memcpy(c->run + (k - i) * WB_SIZE, v[k]->data, WB_SIZE);
		wrote = j;
		rc = lower_write_all(dev, c, c->run, (j - i) * WB_SIZE, v[i]->no << WB_SHIFT);
	}
	if (rc) {
		e = errno ? errno : EIO;
		put_back(dev, c, v, n, wrote, old);
		c->err = e;
		c->discard = true;
		errno = e;
	} else {
		for (i = 0; i < n; i++)
			v[i]->dirty = false;
	}
	free(old);
	return rc;
}

/* Write every dirty block of the classes up to UPTO, in cmp_item's order, adjacent ones of a
 * class merged; nothing more once a write failed (a later class must not reach the image
 * without an earlier one). 0 or -1/errno. */
static int wb_flush(struct ntfs_device *dev, struct wb_cache *c, enum nl_w_class upto)
{
	struct wb_item *v;
	size_t n = 0, i, j;

	if (c->hold || c->discard)
		return wb_flush_held(dev, c);
	if (c->err) {
		errno = c->err;
		return -1;
	}
	v = malloc((c->used ? c->used : 1) * sizeof(*v));
	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < c->used; i++) {
		enum nl_w_class k = wb_class_of(c, c->blocks[i].no);

		if (c->blocks[i].dirty && k <= upto)
			v[n++] = (struct wb_item){ k, c->blocks[i].no };
	}
	qsort(v, n, sizeof(*v), cmp_item);
	for (i = 0; i < n && !c->err; i = j) {
		for (j = i + 1; j < n && j - i < WB_RUN_MAX && v[j].no == v[j - 1].no + 1 &&
		     v[j].k == v[i].k; j++)
			;
		wb_write_run(dev, c, v[i].no, j - i);
	}
	free(v);
	if (c->err) {
		errno = c->err;
		return -1;
	}
	return 0;
}

static void wb_free(struct wb_cache *c)
{
	if (c->excl_fd >= 0)
		close(c->excl_fd);
	free(c->blocks);
	free(c->mem);
	free(c->run);
	free(c->tab);
	free(c);
}

static int wb_open(struct ntfs_device *dev, int flags)
{
	struct wb_cache *c = cache_of(dev);
	uint64_t size = 0;
	int err;

	if (c->lower->open(dev, flags))
		return -1;
	/* the file locked as libntfs-3g locks it: a mount elsewhere and this
	 * one exclude each other */
	err = nl_w_lock_fd(nl_device_fd(dev), (flags & O_ACCMODE) == O_RDONLY);
	if (err) {
		c->lower->close(dev);
		errno = -err;
		return -1;
	}
	if (c->lower->ioctl(dev, BLKGETSIZE64, &size))
		size = 0;	/* nothing is cached */
	c->limit = size & ~(uint64_t)(WB_SIZE - 1);
	return 0;
}

/* Flush @c (if @flush), then run the lower device's @op: 0, or -1 with the first failure's errno. */
static int flush_then(struct ntfs_device *dev, struct wb_cache *c, bool flush,
		      int (*op)(struct ntfs_device *dev))
{
	int rc = 0, e = 0;

	if (flush && wb_flush(dev, c, NL_W_MFTBMP)) {
		rc = -1;
		e = errno;
	}
	if (op(dev)) {
		if (!rc)
			e = errno;
		rc = -1;
	}
	if (rc)
		errno = e;
	return rc;
}

static int wb_close(struct ntfs_device *dev)
{
	struct wb_cache *c = cache_of(dev);
	int rc = flush_then(dev, c, NDevOpen(dev) && !NDevReadOnly(dev), c->lower->close);
	int e = errno;

	/* the device goes back to device.c's operations (it is freed by
	 * ntfs_device_free, which calls none) */
	dev->d_ops = c->lower;
	dev->d_private = NULL;
	wb_free(c);
	if (rc)
		errno = e;
	return rc;
}

static int wb_sync(struct ntfs_device *dev)
{
	struct wb_cache *c = cache_of(dev);

	return flush_then(dev, c, !NDevReadOnly(dev), c->lower->sync);
}

static s64 wb_seek(struct ntfs_device *dev, s64 offset, int whence)
{
	return cache_of(dev)->lower->seek(dev, offset, whence);
}

static s64 wb_read(struct ntfs_device *dev, void *buf, s64 count)
{
	s64 pos = wb_seek(dev, 0, SEEK_CUR), n;

	if (pos < 0)
		return -1;
	n = wb_pread(dev, buf, count, pos);
	if (n > 0)
		wb_seek(dev, pos + n, SEEK_SET);
	return n;
}

static s64 wb_write(struct ntfs_device *dev, const void *buf, s64 count)
{
	s64 pos = wb_seek(dev, 0, SEEK_CUR), n;

	if (pos < 0)
		return -1;
	n = wb_pwrite(dev, buf, count, pos);
	if (n > 0)
		wb_seek(dev, pos + n, SEEK_SET);
	return n;
}

static int wb_stat(struct ntfs_device *dev, struct stat *st)
{
	return cache_of(dev)->lower->stat(dev, st);
}

static int wb_ioctl(struct ntfs_device *dev, unsigned long request, void *argp)
{
	return cache_of(dev)->lower->ioctl(dev, request, argp);
}

static struct ntfs_device_operations wb_ops = {
	.open = wb_open,
	.close = wb_close,
	.seek = wb_seek,
	.read = wb_read,
	.write = wb_write,
	.pread = wb_pread,
	.pwrite = wb_pwrite,
	.sync = wb_sync,
	.stat = wb_stat,
	.ioctl = wb_ioctl,
};

void nl_w_dev_discard(ntfs_volume *vol)
{
	if (vol->dev->d_ops == &wb_ops)
		cache_of(vol->dev)->discard = true;
}

bool nl_w_dev_torn(ntfs_volume *vol)
{
	return vol->dev->d_ops == &wb_ops && cache_of(vol->dev)->torn;
}

bool nl_w_dev_full(ntfs_volume *vol)
{
	return vol->dev->d_ops == &wb_ops && cache_of(vol->dev)->full;
}

int nl_w_dev_writeback(ntfs_volume *vol)
{
	struct ntfs_device *dev = vol->dev;

	if (dev->d_ops != &wb_ops || NDevReadOnly(dev))
		return 0;
	nl_w_order_refresh(&cache_of(dev)->order);
	if (wb_flush(dev, cache_of(dev), NL_W_MFTBMP))
		return errno > 0 ? -errno : -EIO;
	return 0;
}

/* A new, empty cache of (at least 16, a power of two) CAP blocks, or NULL. */
static struct wb_cache *wb_new(unsigned cap)
{
	struct wb_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->excl_fd = -1;
	for (c->cap = 16; c->cap < cap && c->cap < (1u << 20); c->cap *= 2)
		;
	c->blocks = calloc(c->cap, sizeof(*c->blocks));
	c->tab = calloc(2 * c->cap, sizeof(*c->tab));
	c->mem = malloc(c->cap * WB_SIZE);
	c->run = malloc((size_t)WB_RUN_MAX * WB_SIZE);
	c->lru.next = c->lru.prev = &c->lru;
	if (!c->blocks || !c->tab || !c->mem || !c->run) {
		wb_free(c);
		return NULL;
	}
	return c;
}

int nl_w_dev_read_cache(ntfs_volume *vol, unsigned cap)
{
	struct ntfs_device *dev = vol->dev;
	struct wb_cache *c;
	uint64_t size = 0;

	if (!NDevReadOnly(dev) || dev->d_ops == &wb_ops)
		return -EINVAL;
	c = wb_new(cap);
	if (!c)
		return -ENOMEM;
	c->lower = dev->d_ops;
	if (c->lower->ioctl(dev, BLKGETSIZE64, &size))
		size = 0;	/* nothing is cached */
	c->limit = size & ~(uint64_t)(WB_SIZE - 1);
	c->meta1 = vol->mft_record_size;
	c->meta2 = vol->indx_record_size;
	dev->d_private = c;
	dev->d_ops = &wb_ops;
	return 0;
}

int nl_w_dev_mount(const char *image, uint64_t offset, unsigned flags, ntfs_volume **out)
{
	bool rdonly = flags & NL_WRITER_RDONLY, hold = !rdonly && (flags & NL_W_HOLD);
	struct ntfs_device *dev;
	struct wb_cache *c;
	ntfs_volume *vol;
	int err, excl_fd;

	*out = NULL;
	/* as ntfs_mount() does: refuse a volume the system has mounted (and,
	 * in wb_open, one another program holds locked) */
	err = nl_w_image_busy(image, &excl_fd);
	if (err)
		return err;
	/* a damaged volume is refused before libntfs-3g sees it (validate_int.h) */
	if (nl_validate_file(image, offset, NULL, 0) == -EINVAL) {
		if (excl_fd >= 0)
			close(excl_fd);
		return -EUCLEAN;
	}
	err = rdonly ? 0 : nl_w_mirror_repair(image, offset);
	c = err < 0 ? NULL : wb_new(hold ? nl_w_dev_hold_cap : nl_w_dev_cap);
	if (!c) {
		if (excl_fd >= 0)
			close(excl_fd);
		return err < 0 ? err : -ENOMEM;
	}
	c->excl_fd = excl_fd;
	c->hold = hold;
	dev = nl_device_new(image, offset, 0, !rdonly);
	if (!dev) {
		err = errno;
		wb_free(c);
		return -err;
	}
	c->lower = dev->d_ops;
	dev->d_private = c;
	dev->d_ops = &wb_ops;
	vol = ntfs_device_mount(dev, rdonly ? NTFS_MNT_RDONLY : NTFS_MNT_NONE);
	if (!vol) {
		err = errno ? errno : EIO;
		if (NDevOpen(dev))
			dev->d_ops->close(dev);	/* frees the cache */
		else if (dev->d_ops == &wb_ops) {
			dev->d_ops = c->lower;
			dev->d_private = NULL;
			wb_free(c);
		}
		ntfs_device_free(dev);
		return -err;
	}
	/* what the blocks hold: the order of write-backs */
	nl_w_order_init(&c->order, vol, WB_SHIFT);
	/* what ntfs_mount() does after ntfs_device_mount() */
	ntfs_create_lru_caches(vol);
	*out = vol;
	return 0;
}
