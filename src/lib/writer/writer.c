/* writer.c: formatting images with mkntfs, mounting them read-write, and the writer's cache of open inodes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "writer/writer_int.h"
#include "mft/index_guard_int.h"

#include <ntfs-3g/dir.h>
#include <ntfs-3g/index.h>
#include <ntfs-3g/security.h>

#define DEFAULT_CACHE 1024

int nl_w_fail(struct nl_writer *w, int rc, const char *fmt, ...)
{
	va_list ap;

	if (w) {
		va_start(ap, fmt);
		vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

int nl_w_index_check(struct nl_writer *w, ntfs_inode *dir, char *why, size_t whylen)
{
	return nl_ixguard_check(&w->ixg, dir, why, whylen);
}

int nl_w_index_ok(struct nl_writer *w, ntfs_inode *dir)
{
	char why[256];
	int rc = nl_ixguard_check(&w->ixg, dir, why, sizeof(why));

	if (rc == -EUCLEAN)
		return nl_w_fail(w, rc, "%s", why);
	if (rc)
		return nl_w_fail(w, rc, "out of memory");
	return 0;
}

void nl_w_defer(struct nl_writer *w, int rc)
{
	if (rc < 0 && w->err == 0)
		w->err = rc;
}

int nl_w_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

const char *nl_writer_error(const struct nl_writer *w)
{
	return w ? w->msg : "";
}

/* ---- formatting ---------------------------------------------------- */

static void copy_msg(char *err, size_t errsize, const char *text)
{
	if (err && errsize) {
		snprintf(err, errsize, "%s", text);
	}
}

/* Last non-empty line of TEXT, without the newline, into OUT. */
static void last_line(const char *text, char *out, size_t outsize)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(out, outsize, "%.*s", (int)(end - start), start);
}

/* The sector size @opts ask for, or -EINVAL with a message. */
static int check_format_opts(const char *image, const struct nl_format_opts *opts,
			     uint32_t *sector_size, char *err, size_t errsize)
{
	uint32_t ss;

	if (!image || !opts || opts->size < 1024 * 1024) {
		copy_msg(err, errsize, "image size must be at least 1 MiB");
		return -EINVAL;
	}
	ss = opts->sector_size ? opts->sector_size : 512;
	if (ss != 512 && ss != 4096) {
		copy_msg(err, errsize, "sector size must be 512 or 4096");
		return -EINVAL;
	}
	if (opts->cluster_size &&
	    (opts->cluster_size & (opts->cluster_size - 1) ||
	     opts->cluster_size < ss || opts->cluster_size > 2u * 1024 * 1024)) {
		copy_msg(err, errsize, "cluster size must be a power of two between the sector size and 2 MiB");
		return -EINVAL;
	}
	if (opts->size % ss) {
		copy_msg(err, errsize, "image size must be a multiple of the sector size");
		return -EINVAL;
	}
	*sector_size = ss;
	return 0;
}

/* Create (or truncate) @image as a file of @size bytes. */
static int create_image_file(const char *image, uint64_t size, char *err, size_t errsize)
{
	char msg[512];
	int fd = open(image, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		int e = errno;
		snprintf(msg, sizeof(msg), "cannot create image: %s", strerror(e));
		copy_msg(err, errsize, msg);
		return -e;
	}
	if (ftruncate(fd, (off_t)size) < 0) {
		int e = errno;
		close(fd);
		snprintf(msg, sizeof(msg), "cannot size image: %s", strerror(e));
		copy_msg(err, errsize, msg);
		return -e;
	}
	if (close(fd) < 0) {
		int e = errno;
		copy_msg(err, errsize, "cannot create image");
		return -e;
	}
	return 0;
}

/* Run mkntfs with @argv, its standard error into @msg (the tail when long). */
static int run_mkntfs(const char *const *argv, char *msg, size_t msgsize, int *status)
{
	int pfd[2];
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return -e;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		dup2(pfd[1], 2);
		execv(MKNTFS_PATH, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		r = read(pfd[0], msg + got, msgsize - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == msgsize - 1) {
			/* keep the tail: shift out the first half */
			memmove(msg, msg + got / 2, got - got / 2);
			got -= got / 2;
		}
	}
	msg[got] = '\0';
	close(pfd[0]);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int nl_writer_format(const char *image, const struct nl_format_opts *opts,
		     char *err, size_t errsize)
{
	char sector[16], cluster[16], msg[4096], line[512];
	const char *argv[16];
	int argc = 0, status, rc;
	uint32_t ss;

	rc = check_format_opts(image, opts, &ss, err, errsize);
	if (!rc)
		rc = create_image_file(image, opts->size, err, errsize);
	if (rc)
		return rc;
	snprintf(sector, sizeof(sector), "%u", ss);
	argv[argc++] = MKNTFS_PATH;
	argv[argc++] = "-F";
	argv[argc++] = "-f";
	argv[argc++] = "-q";
	argv[argc++] = "-T";
	argv[argc++] = "-s";
	argv[argc++] = sector;
	if (opts->cluster_size) {
		snprintf(cluster, sizeof(cluster), "%u", opts->cluster_size);
		argv[argc++] = "-c";
		argv[argc++] = cluster;
	}
	if (opts->label) {
		argv[argc++] = "-L";
		argv[argc++] = opts->label;
	}
	argv[argc++] = image;
	argv[argc] = NULL;
	rc = run_mkntfs(argv, msg, sizeof(msg), &status);
	if (rc)
		return rc;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		last_line(msg, line, sizeof(line));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			snprintf(msg, sizeof(msg), "cannot run %s", MKNTFS_PATH);
		else
			snprintf(msg, sizeof(msg), "mkntfs failed: %s",
				 line[0] ? line : "no message");
		copy_msg(err, errsize, msg);
		return -EIO;
	}
	return 0;
}

/* ---- the inode cache ----------------------------------------------- */

static size_t hash_no(const struct nl_writer *w, uint64_t no)
{
	return (size_t)((no * 0x9E3779B97F4A7C15ULL) >> 20) & (w->tabsize - 1);
}

static struct wnode *cache_find(struct nl_writer *w, uint64_t no)
{
	struct wnode *n;

	for (n = w->tab[hash_no(w, no)]; n; n = n->hnext)
		if (n->no == no)
			return n;
	return NULL;
}

static void lru_unlink(struct wnode *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

static void lru_front(struct nl_writer *w, struct wnode *n)
{
	n->next = w->lru.next;
	n->prev = &w->lru;
	w->lru.next->prev = n;
	w->lru.next = n;
}

static void cache_remove(struct nl_writer *w, struct wnode *n)
{
	struct wnode **pp = &w->tab[hash_no(w, n->no)];

	while (*pp && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = n->hnext;
	lru_unlink(n);
	w->count--;
}

static void trim(struct nl_writer *w)
{
	if (w->busy)
		return;
	w->busy++;
	while (w->count > w->cap && w->lru.prev != &w->lru)
		nl_w_close_node(w, w->lru.prev);
	w->busy--;
}

void nl_w_begin(struct nl_writer *w)
{
	w->busy++;
}

void nl_w_end(struct nl_writer *w)
{
	w->busy--;
	trim(w);
}

int nl_w_insert(struct nl_writer *w, ntfs_inode *ni, struct wnode **out)
{
	struct wnode *n = calloc(1, sizeof(*n));
	size_t h;

	if (!n) {
		ntfs_inode_close(ni);
		return nl_w_fail(w, -ENOMEM, "out of memory");
	}
	n->no = ni->mft_no;
	n->ni = ni;
	h = hash_no(w, n->no);
	n->hnext = w->tab[h];
	w->tab[h] = n;
	lru_front(w, n);
	w->count++;
	if (out)
		*out = n;
	return 0;
}

int nl_w_get(struct nl_writer *w, uint64_t ref, struct wnode **out)
{
	uint64_t no = NL_MREF_RECORD(ref);
	uint16_t seq = NL_MREF_SEQ(ref);
	struct wnode *n = cache_find(w, no);
	ntfs_inode *ni;

	if (n) {
		if (seq && seq != le16_to_cpu(n->ni->mrec->sequence_number))
			return nl_w_fail(w, -ESTALE, "record %llu: sequence number %u does not match %u",
					 (unsigned long long)no, seq,
					 le16_to_cpu(n->ni->mrec->sequence_number));
		lru_unlink(n);
		lru_front(w, n);
		*out = n;
		return 0;
	}
	ni = ntfs_inode_open(w->vol, (MFT_REF)ref);
	if (!ni) {
		int rc = nl_w_errno();
		if (rc == -EIO && seq)
			rc = -ESTALE;
		return nl_w_fail(w, rc, "cannot open record %llu: %s",
				 (unsigned long long)no, strerror(-rc));
	}
	return nl_w_insert(w, ni, out);
}

int nl_w_inode_pin(struct nl_writer *w, uint64_t ref, ntfs_inode **ni)
{
	struct wnode *n;
	int rc;

	nl_w_begin(w);
	rc = nl_w_get(w, ref, &n);
	if (rc) {
		nl_w_end(w);
		return rc;
	}
	*ni = n->ni;
	return 0;
}

void nl_w_inode_unpin(struct nl_writer *w)
{
	nl_w_end(w);
}

int nl_w_release_stream(struct nl_writer *w, struct wnode *n)
{
	int rc = 0;

	if (!n->na)
		return 0;
	if (n->na->data_flags & ATTR_COMPRESSION_MASK) {
		if (ntfs_attr_pclose(n->na))
			rc = nl_w_fail(w, nl_w_errno(), "record %llu: cannot complete compressed stream",
				       (unsigned long long)n->no);
	}
	ntfs_attr_close(n->na);
	n->na = NULL;
	free(n->na_name);
	n->na_name = NULL;
	n->na_len = 0;
	return rc;
}

/* Reparse tag of NI (0 when none), for the directory index entries. */
static le32 reparse_tag_of(ntfs_inode *ni)
{
	le32 tag = const_cpu_to_le32(0);
	ntfs_attr *na;

	if (!(ni->flags & FILE_ATTR_REPARSE_POINT))
		return tag;
	na = ntfs_attr_open(ni, AT_REPARSE_POINT, AT_UNNAMED, 0);
	if (na) {
		if (ntfs_attr_pread(na, 0, 4, &tag) != 4)
			tag = const_cpu_to_le32(0);
		ntfs_attr_close(na);
	}
	return tag;
}

/*
 * Make the reparse fields of the $FILE_NAME FN (in a record or in an index
 * entry) agree with the file attributes FLAGS and TAG, as Windows keeps them:
 * a reparse point has FILE_ATTR_REPARSE_POINT and its tag in the EA-size
 * field; otherwise a stale bit and tag are cleared (an extended-attribute
 * size, the field's other use, is left alone). Returns true if FN changed.
 */
static bool fn_set_reparse(FILE_NAME_ATTR *fn, le32 flags, le32 tag)
{
	if (flags & FILE_ATTR_REPARSE_POINT) {
		if ((fn->file_attributes & FILE_ATTR_REPARSE_POINT) &&
		    fn->reparse_point_tag == tag)
			return false;
		fn->file_attributes |= FILE_ATTR_REPARSE_POINT;
		fn->reparse_point_tag = tag;
		return true;
	}
	if (!(fn->file_attributes & FILE_ATTR_REPARSE_POINT))
		return false;
	fn->file_attributes &= ~FILE_ATTR_REPARSE_POINT;
	fn->reparse_point_tag = const_cpu_to_le32(0);
	return true;
}

/*
 * Bring the index entry @fnx of the $FILE_NAME @fn (in the record @ctx is
 * on) of inode @ni up to date: reparse tag @tag, attributes, sizes, and the
 * times (those of @fn when @times_set, else the inode's).
 */
static void update_index_entry(ntfs_inode *ni, ntfs_attr_search_ctx *ctx, FILE_NAME_ATTR *fn,
			       FILE_NAME_ATTR *fnx, le32 tag, bool times_set)
{
	/* Windows repeats the reparse tag in every $FILE_NAME, in the
	 * record (DOS names too) as well as in the index entry */
	if (fn_set_reparse(fn, ni->flags, tag))
		ntfs_inode_mark_dirty(ctx->ntfs_ino);
	fn_set_reparse(fnx, ni->flags, tag);
	fnx->file_attributes = (fnx->file_attributes & ~FILE_ATTR_VALID_FLAGS) |
			       (ni->flags & FILE_ATTR_VALID_FLAGS);
	if (ni->mrec->flags & MFT_RECORD_IS_DIRECTORY) {
		fnx->data_size = fnx->allocated_size = const_cpu_to_sle64(0);
	} else {
		fnx->allocated_size = cpu_to_sle64(ni->allocated_size);
		fnx->data_size = cpu_to_sle64(ni->data_size);
		if (fn->allocated_size != fnx->allocated_size) {
			fn->allocated_size = fnx->allocated_size;
			ntfs_inode_mark_dirty(ctx->ntfs_ino);
		}
	}
	if (times_set) {
		fnx->creation_time = fn->creation_time;
		fnx->last_data_change_time = fn->last_data_change_time;
		fnx->last_mft_change_time = fn->last_mft_change_time;
		fnx->last_access_time = fn->last_access_time;
	} else {
		fnx->creation_time = ni->creation_time;
		fnx->last_data_change_time = ni->last_data_change_time;
		fnx->last_mft_change_time = ni->last_mft_change_time;
		fnx->last_access_time = ni->last_access_time;
	}
}

/* Update the index entry of the $FILE_NAME @fn of @ni in its directory. */
static int sync_name(struct nl_writer *w, ntfs_inode *ni, ntfs_attr_search_ctx *ctx,
		     FILE_NAME_ATTR *fn, le32 tag, bool times_set)
{
	ntfs_inode *index_ni = ni;
	ntfs_index_context *ictx;
	struct wnode *pn;
	int rc;

	if (MREF_LE(fn->parent_directory) != ni->mft_no) {
		rc = nl_w_get(w, le64_to_cpu(fn->parent_directory), &pn);
		if (rc)
			return rc;
		index_ni = pn->ni;
	}
	rc = nl_w_index_ok(w, index_ni);
	if (rc)
		return rc;
	ictx = ntfs_index_ctx_get(index_ni, NTFS_INDEX_I30, 4);
	if (!ictx)
		return nl_w_errno();
	if (ntfs_index_lookup(fn, sizeof(FILE_NAME_ATTR), ictx)) {
		rc = errno == ENOENT ? -EIO : nl_w_errno();
		ntfs_index_ctx_put(ictx);
		return rc;
	}
	update_index_entry(ni, ctx, fn, (FILE_NAME_ATTR *)ictx->data, tag, times_set);
	ntfs_index_entry_mark_dirty(ictx);
	ntfs_index_ctx_put(ictx);
	return 0;
}

/*
 * Update the index entries of every $FILE_NAME of N in their directories,
 * taking the directories from the cache (libntfs-3g would open them a
 * second time, which corrupts directories the cache holds open).
 */
static int sync_names(struct nl_writer *w, struct wnode *n)
{
	ntfs_inode *ni = n->ni;
	ntfs_attr_search_ctx *ctx;
	FILE_NAME_ATTR *fn;
	le32 tag;
	int rc = 0, r;
	bool times_set;

	if (!NInoFileNameDirty(ni))
		return 0;
	if (!(ni->mrec->flags & MFT_RECORD_IN_USE) || ni->nr_extents == -1) {
		NInoFileNameClearDirty(ni);
		return 0;
	}
	times_set = test_nino_flag(ni, TimesSet);
	tag = reparse_tag_of(ni);
	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	if (!ctx)
		return nl_w_errno();
	while ((fn = nl_w_next_fn(ctx))) {
		r = sync_name(w, ni, ctx, fn, tag, times_set);
		if (r && !rc)
			rc = r;
	}
	if (errno != ENOENT && !rc)
		rc = nl_w_errno();
	ntfs_attr_put_search_ctx(ctx);
	if (!rc)
		NInoFileNameClearDirty(ni);
	return rc;
}

/* Free an inode whose changes could not be written, without writing. */
static void discard(ntfs_inode *ni)
{
	s32 i;

	NInoClearDirty(ni);
	NInoAttrListClearDirty(ni);
	NInoFileNameClearDirty(ni);
	for (i = 0; i < ni->nr_extents; i++)
		NInoClearDirty(ni->extent_nis[i]);
	ntfs_inode_close(ni);
}

int nl_w_close_node(struct nl_writer *w, struct wnode *n)
{
	int rc, r;

	w->busy++;
	rc = nl_w_release_stream(w, n);
	r = sync_names(w, n);
	if (r && !rc)
		rc = nl_w_fail(w, r, "record %llu: cannot update its directory entries: %s",
			       (unsigned long long)n->no, strerror(-r));
	/* Whatever happened, libntfs-3g must not try to sync the names
	 * itself: it would open the directories a second time. */
	NInoFileNameClearDirty(n->ni);
	cache_remove(w, n);
	if (ntfs_inode_close(n->ni)) {
		r = nl_w_errno();
		if (!rc)
			rc = nl_w_fail(w, r, "record %llu: cannot write it: %s",
				       (unsigned long long)n->no, strerror(-r));
		/* libntfs-3g keeps an inode it could not write; the error is
		 * reported, so drop the unwritable changes and free it */
		discard(n->ni);
	}
	free(n);
	w->busy--;
	nl_w_defer(w, rc);
	return rc;
}

/* ---- open / close -------------------------------------------------- */

int nl_writer_open(const char *image, uint64_t offset, unsigned flags,
		   struct nl_writer **wp)
{
	struct nl_writer *w;
	int rc;

	if (!wp || !image || (flags & ~(unsigned)(NL_WRITER_RDONLY | NL_W_HOLD)))
		return -EINVAL;
	*wp = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->tabsize = 4096;
	w->tab = calloc(w->tabsize, sizeof(*w->tab));
	if (!w->tab) {
		free(w);
		return -ENOMEM;
	}
	w->lru.next = w->lru.prev = &w->lru;
	w->cap = DEFAULT_CACHE;
	/* device.c's operations (which add OFFSET, e.g. for a partition
	 * inside a disk image) behind the writer's block cache */
	rc = nl_w_dev_mount(image, offset, flags, &w->vol);
	if (!rc && !(flags & NL_WRITER_RDONLY)) {
		unsigned long freed;

		rc = nl_w_orphans_clear(w, &freed);
		if (rc) {
			nl_w_close_all(w);
			ntfs_umount(w->vol, FALSE);
			nl_ixguard_free(&w->ixg);
		}
	}
	if (rc) {
		free(w->tab);
		free(w);
		return rc;
	}
	*wp = w;
	return 0;
}

int nl_w_close_all(struct nl_writer *w)
{
	int rc = 0, r;

	w->busy++;
	while (w->lru.prev != &w->lru) {
		r = nl_w_close_node(w, w->lru.prev);
		if (r && !rc)
			rc = r;
	}
	w->busy--;
	return rc;
}

int nl_writer_flush(struct nl_writer *w)
{
	int rc, r;

	if (!w)
		return -EINVAL;
	rc = nl_w_close_all(w);
	/* and what the device cache holds, so that the image file has it */
	r = nl_w_dev_writeback(w->vol);
	if (r && !rc)
		rc = nl_w_fail(w, r, "cannot write to the image: %s", strerror(-r));
	nl_w_defer(w, rc);
	return rc;
}

int nl_w_commit(struct nl_writer *w)
{
	int rc = nl_w_close_all(w);

	if (rc) {
		nl_w_discard(w);
		return rc;
	}
	return nl_writer_flush(w);
}

void nl_w_discard(struct nl_writer *w)
{
	nl_w_dev_discard(w->vol);
}

bool nl_w_torn(const struct nl_writer *w)
{
	return nl_w_dev_torn(w->vol);
}

bool nl_w_full(const struct nl_writer *w)
{
	return nl_w_dev_full(w->vol);
}

int nl_writer_close(struct nl_writer **wp)
{
	struct nl_writer *w;
	int rc;

	if (!wp || !*wp)
		return 0;
	w = *wp;
	*wp = NULL;
	nl_w_close_all(w);	/* the unmount writes the device cache */
	rc = w->err;
	if (w->secure_open && ntfs_close_secure(w->vol) && !rc)
		rc = nl_w_errno();
	if (ntfs_umount(w->vol, FALSE) && !rc)
		rc = nl_w_errno();
	nl_ixguard_free(&w->ixg);
	free(w->tab);
	free(w);
	return rc;
}

int nl_writer_geometry(const struct nl_writer *w, uint32_t *cluster_size,
		       uint32_t *mft_record_size, uint32_t *sector_size)
{
	if (cluster_size)
		*cluster_size = w->vol->cluster_size;
	if (mft_record_size)
		*mft_record_size = w->vol->mft_record_size;
	if (sector_size)
		*sector_size = w->vol->sector_size;
	return 0;
}

ntfs_volume *nl_writer_ntfs_volume(const struct nl_writer *w)
{
	return w ? w->vol : NULL;
}
