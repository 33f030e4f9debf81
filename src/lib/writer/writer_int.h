/* writer_int.h (internal): the writer handle, its inode cache and helpers shared by the writer_*.c files. */
#ifndef NL_WRITER_INT_H
#define NL_WRITER_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/volume.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/attrib.h>

#include <ntfslinks/writer.h>

#include "writer/writer_src_int.h"

/* One cached open inode. */
struct wnode {
	uint64_t no;            /* MFT record number */
	ntfs_inode *ni;
	ntfs_attr *na;          /* cached open $DATA stream, or NULL */
	ntfschar *na_name;      /* its name (malloc'ed, NULL: unnamed) */
	uint32_t na_len;
	struct wnode *hnext;    /* hash chain */
	struct wnode *prev, *next; /* LRU list, most recent first */
};

struct nl_writer {
	ntfs_volume *vol;
	struct wnode **tab;
	size_t tabsize;         /* power of two */
	struct wnode lru;       /* sentinel: lru.next most recent */
	size_t count;           /* nodes in the cache */
	size_t cap;             /* eviction starts above this */
	int busy;               /* > 0: an operation is running, no eviction */
	int err;                /* first deferred error (negative errno) */
	bool secure_open;       /* ntfs_open_secure() succeeded */
	struct nl_ixguard *ixg; /* the folders whose index was checked (mft/index_guard_int.h) */
	char msg[512];
};

/* Record MSG (printf-style) as the handle's message and return RC. */
int nl_w_fail(struct nl_writer *w, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 0 when libntfs-3g may walk the index of the open folder DIR (checked once per folder:
 * mft/index_guard_int.h); else -EUCLEAN or -ENOMEM, the message "record N: damaged folder
 * index: REASON" recorded. */
int nl_w_index_ok(struct nl_writer *w, ntfs_inode *dir);

/* Remember RC as a deferred error if it is the first one. */
void nl_w_defer(struct nl_writer *w, int rc);

/* -errno of the last libntfs-3g failure (-EIO if errno is 0). */
int nl_w_errno(void);

/* The next $FILE_NAME value of CTX's inode (pointing into the record; CTX
 * stays on its attribute), or NULL at the end (errno ENOENT) or on error. */
static inline FILE_NAME_ATTR *nl_w_next_fn(ntfs_attr_search_ctx *ctx)
{
	if (ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0,
			     NULL, 0, ctx))
		return NULL;
	return (FILE_NAME_ATTR *)((u8 *)ctx->attr +
				  le16_to_cpu(ctx->attr->value_offset));
}

/*
 * Cache of open inodes. Operations bracket their work with nl_w_begin() /
 * nl_w_end() so that nodes they hold are not evicted meanwhile.
 */
void nl_w_begin(struct nl_writer *w);
void nl_w_end(struct nl_writer *w);

/* Get (opening if needed) the inode of REF; checks the sequence number when
 * REF carries one. Returns 0, -ESTALE, -ENOENT or -errno. */
int nl_w_get(struct nl_writer *w, uint64_t ref, struct wnode **out);

/* Put a freshly created open inode into the cache. Returns 0 or -ENOMEM
 * (the inode is then closed). */
int nl_w_insert(struct nl_writer *w, ntfs_inode *ni, struct wnode **out);

/* Close one node (syncing its names into their directories). Returns 0 or
 * -errno, also remembered as deferred error. */
int nl_w_close_node(struct nl_writer *w, struct wnode *n);

/* Close every cached node (nl_w_close_node). Returns 0 or the first error. */
int nl_w_close_all(struct nl_writer *w);

/* Close the cached data stream of a node, if any. Returns 0 or -errno. */
int nl_w_release_stream(struct nl_writer *w, struct wnode *n);

/* nl_writer_open() flag of the library's own callers (the edit commands):
 * nothing reaches the image before nl_writer_flush() or nl_writer_close(),
 * and each of those writes every change as one commit: the blocks it will
 * change are first rewritten with what they hold (a device that is full or
 * failing says so while the image is as it was), then written; should a
 * write fail, they are all put back as they were (nl_w_torn() says whether
 * that failed too). A change larger than the cache (nl_w_dev_hold_cap)
 * fails with -EFBIG, nothing written. */
#define NL_W_HOLD 0x100

/* Mount the volume at byte OFFSET of IMAGE read-write (read-only with
 * NL_WRITER_RDONLY in FLAGS; held with NL_W_HOLD) through the writer's
 * device (writer_dev.c: device.c behind a write-back cache of small blocks;
 * everything reaches the image at the latest when ntfs_umount() syncs and
 * closes the device, which report any failure). Returns 0, -EBUSY (mounted
 * or in use, nl_w_image_busy) or -errno. */
int nl_w_dev_mount(const char *image, uint64_t offset, unsigned flags, ntfs_volume **out);

/* Make every later flush of VOL's (held) device write nothing: the changes
 * not yet committed are dropped when the volume is unmounted. */
void nl_w_dev_discard(ntfs_volume *vol);

/* Did a commit of VOL's device fail and also fail to put the old blocks
 * back (the image may hold part of the change)? */
bool nl_w_dev_torn(ntfs_volume *vol);

/* Did a change on VOL's held device find no room in its cache (EFBIG,
 * which libntfs-3g may pass on as another error)? */
bool nl_w_dev_full(ntfs_volume *vol);

/* nl_w_commit - nl_writer_flush() of a writer opened with NL_W_HOLD: if an
 * inode cannot be closed (written into the cache), nothing is written and
 * the changes are dropped (nl_w_discard); else they are written as one
 * commit. Returns 0 or -errno. */
int nl_w_commit(struct nl_writer *w);

/* nl_w_discard - drop every change of @w (opened with NL_W_HOLD) not yet
 * written by nl_writer_flush(): the next nl_writer_close() writes nothing. */
void nl_w_discard(struct nl_writer *w);

/* nl_w_torn - did a flush of @w fail midway and the image could not be put
 * back as it was (see NL_W_HOLD)? */
bool nl_w_torn(const struct nl_writer *w);

/* nl_w_full - did a change of @w (NL_W_HOLD) find no room to be held? */
bool nl_w_full(const struct nl_writer *w);

/*
 * Fault injection for tests (never set by the library itself): from the
 * @nth write that reaches an image through the writer's device (1-based,
 * counted from this call, in this process), that write and every later one
 * fail with @err (ENOSPC, EIO ...), as a device that filled up or died
 * would; @nth 0 turns it off.  nl_w_fault_writes() is the number of writes
 * that reached (or would have reached) images since the last
 * nl_w_fault_inject() call, so that a test can first count the writes of a
 * job and then fail each of them in turn.
 */
void nl_w_fault_inject(unsigned long nth, int err);
unsigned long nl_w_fault_writes(void);
/* The number (as nl_w_fault_writes counts) of the @i-th write of $MFTMirr (from 0; the first
 * 16 are kept), 0 if none: a fault there leaves the mirror older than $MFT (writer_fault.c). */
unsigned long nl_w_fault_mirror_write(unsigned i);

/* When the first records of $MFT in the volume at byte OFFSET of IMAGE are sound and
 * $MFTMirr does not hold them (writer_mirror.c), copy them over the mirror, as ntfsfix does:
 * what a write-back cut short between the two leaves (writer_dev.c). Returns 1 when it did,
 * 0 when nothing was to do (or $MFT is damaged: libntfs-3g then refuses the volume), or
 * -errno. */
int nl_w_mirror_repair(const char *image, uint64_t offset);

/* How an injected fault behaves (after nl_w_fault_inject(), which sets
 * NL_W_FAULT_STICKY): */
enum nl_w_fault_kind {
	NL_W_FAULT_STICKY = 0,  /* the Nth write and every later one fail: a dead device */
	NL_W_FAULT_ONCE,        /* only the Nth write fails: a device that errs once */
	NL_W_FAULT_FULL,        /* from the Nth write on, a write fails unless it only
				   rewrites bytes written since the fault was set: a
				   full file system under a sparse image */
};
void nl_w_fault_set_kind(enum nl_w_fault_kind kind);
/* writer_dev.c's side (writer_fault.c): a write of @n bytes at @off is
 * counted, 0 or the errno it fails with; the write just counted went to
 * $MFTMirr. */
int nl_w_fault_write(uint64_t off, uint64_t n);
void nl_w_fault_mirror_note(void);

/* Refuse an image that is mounted (writer_busy.c): -EBUSY if
 * /proc/self/mountinfo or a regular /etc/mtab has IMAGE, or a loop device
 * (or loop partition) backed by it, as a mount source. A block device is
 * also opened exclusively (-EBUSY when another program has), that
 * descriptor in *excl_fd for the caller to close (else -1).
 * Returns 0 or -errno. */
int nl_w_image_busy(const char *image, int *excl_fd);

/* Lock the whole file open at FD (an open file description lock: a read
 * lock when RDONLY, else a write lock), as libntfs-3g locks the devices it
 * opens, so that an ntfs-3g mount and the writer exclude each other.
 * Returns 0, -EBUSY (another holds a conflicting lock) or -errno. */
int nl_w_lock_fd(int fd, bool rdonly);

/* Write the dirty blocks of VOL's device cache (a writer's volume) to the
 * image, without fsync. Returns 0 or -errno (also for an earlier failed
 * write-back). */
int nl_w_dev_writeback(ntfs_volume *vol);

/*
 * The order of the device cache's write-back (writer_order.c): libntfs-3g refuses a volume
 * whose $MFTMirr does not hold what the first records of $MFT (the head) hold, and a record
 * that an index names must lie inside $MFT and be written before the entry.  Blocks are
 * written by class, in this order: $Bitmap (clusters marked in use that nothing uses yet
 * harm nothing); $MFT's blocks past its size as the head on the image says (records nothing
 * on the image names yet); the head, then the mirror (the one point where a device that
 * fails leaves them apart: nl_w_mirror_repair); the other blocks of $MFT; everything else
 * (indexes, small data); $MFT's $BITMAP last, and only when the whole cache is written (never
 * on eviction): a record in use on the image whose bit is clear there was made after the
 * last complete write-back, and if no index names it, an interrupted write-back left it
 * (writer_orphans.c). A bit set past $MFT's end on the image would also mislead the next
 * allocation of a record.
 */
enum nl_w_class { NL_W_ALLOC, NL_W_MFT_NEW, NL_W_HEAD, NL_W_MIRR, NL_W_MFT, NL_W_REST,
		  NL_W_MFTBMP };

#define NL_W_RUNS_MAX 64
struct nl_w_runs {                  /* blocks first[i]..last[i] */
	unsigned n;
	uint64_t first[NL_W_RUNS_MAX], last[NL_W_RUNS_MAX];
};

struct nl_w_order {
	ntfs_volume *vol;           /* NULL: not known yet, every block NL_W_REST */
	unsigned shift;             /* a block is 1 << shift bytes */
	struct nl_w_runs pair[2];   /* the head, the mirror */
	struct nl_w_runs mft_old;   /* $MFT's data as the image's head says */
	struct nl_w_runs mft_now;   /* and when last seen */
	struct nl_w_runs bitmap;    /* $Bitmap's data */
	struct nl_w_runs mftbmp;    /* $MFT's $BITMAP */
};

/* What @vol holds where, once it is mounted. */
void nl_w_order_init(struct nl_w_order *o, ntfs_volume *vol, unsigned shift);
/* $MFT and the bitmaps seen again (after $MFT grew); kept as they were once libntfs-3g has
 * closed them. */
void nl_w_order_refresh(struct nl_w_order *o);
enum nl_w_class nl_w_order_class(const struct nl_w_order *o, uint64_t block);
/* The head reached the image: $MFT is as large there as it is now. */
void nl_w_order_head_written(struct nl_w_order *o);

/* nl_w_orphans_clear - free the records an interrupted write-back left in use with no index
 * entry naming them, and give the $MFT bit to the others it left without (writer_orphans.c;
 * nl_writer_open does it when writing), then write that out. *@freed: records freed.
 * Returns 0 or -errno. */
int nl_w_orphans_clear(struct nl_writer *w, unsigned long *freed);

/* Blocks of 4 KiB the device cache of later mounts holds (default 4096,
 * rounded up to a power of two, at least 16); tests make it small. */
extern unsigned nl_w_dev_cap;
/* The same for held mounts (NL_W_HOLD; default 131072: 512 MiB of address
 * space, touched only as used). */
extern unsigned nl_w_dev_hold_cap;

/* The four times of an inode, kept across a libntfs-3g call that sets
 * them from the clock (nl_w_times_keep before, nl_w_times_put after). */
struct nl_w_times {
	sle64 crtime, mtime, ctime, atime;
};

static inline void nl_w_times_keep(const ntfs_inode *ni, struct nl_w_times *t)
{
	t->crtime = ni->creation_time;
	t->mtime = ni->last_data_change_time;
	t->ctime = ni->last_mft_change_time;
	t->atime = ni->last_access_time;
}

/* Put back the times @t kept and mark the inode dirty. */
static inline void nl_w_times_put(ntfs_inode *ni, const struct nl_w_times *t)
{
	ni->creation_time = t->crtime;
	ni->last_data_change_time = t->mtime;
	ni->last_mft_change_time = t->ctime;
	ni->last_access_time = t->atime;
	NInoSetDirty(ni);
}

/* MFT reference of an open inode. */
static inline uint64_t nl_w_ref(const ntfs_inode *ni)
{
	return NL_MREF_MAKE(ni->mft_no, le16_to_cpu(ni->mrec->sequence_number));
}

#endif
