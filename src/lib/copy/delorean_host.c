/* delorean_host.c: DeLorean sets in a folder on the host (a Linux folder or an ntfs-3g mount): the names in BACKUPDIR, an incomplete set removed, a set renamed complete (on an ntfs-3g mount with its links into it retargeted). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <ntfslinks/reparse.h>

#include "copy/copy_engine_int.h"
#include "copy/delorean_int.h"

int dl_host_list(const char *dir, int (*fn)(void *ctx, const char *name), void *ctx)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	errno = 0;
	while (!rc && (de = readdir(dp)))
		rc = fn(ctx, de->d_name);
	if (!rc && errno)
		rc = -errno;
	closedir(dp);
	return rc;
}

/* Remove @name in folder @dfd and all below it, never following a link
 * (a junction on an ntfs-3g mount reads as one) nor leaving the file
 * system. 0 or -errno. */
static int remove_at(int dfd, const char *name, dev_t dev, unsigned depth)
{
	struct stat sb;
	struct dirent *de;
	DIR *dp;
	int fd, rc = 0;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(sb.st_mode))
		return unlinkat(dfd, name, 0) ? -errno : 0;
	if (sb.st_dev != dev || depth > 4096)
		return -EXDEV;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -errno;
	}
	while (!rc && (errno = 0, de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			rc = remove_at(fd, de->d_name, dev, depth + 1);
	if (!rc && errno)
		rc = -errno;
	closedir(dp);
	if (!rc && unlinkat(dfd, name, AT_REMOVEDIR))
		rc = -errno;
	return rc;
}

int dl_host_remove(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb))
		return errno == ENOENT ? 0 : -errno;
	return remove_at(AT_FDCWD, path, sb.st_dev, 0);
}

int dl_host_rename(const char *from, const char *to)
{
	struct stat sb;

	if (!renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL)
		return -errno;
	/* no RENAME_NOREPLACE (ntfs-3g): the name checked free first */
	if (!lstat(to, &sb))
		return -EEXIST;
	if (errno != ENOENT)
		return -errno;
	return rename(from, to) ? -errno : 0;
}

/* ---- links retargeted after the rename (ntfs-3g) ---------------------------------- */

struct retarget {
	const char *from, *to;	/* "\\sets\\NAME STAMP.incomplete", "\\sets\\NAME STAMP" */
	char drive;
};

/* @name with "@head@from" at its start (case aside, then '\' or its end)
 * becomes "@head@to..." (malloc'ed); NULL when it does not start so. */
static char *swap_prefix(const char *name, const char *head, const struct retarget *r)
{
	size_t hl = strlen(head), fl = strlen(r->from);

	if (!name || strncasecmp(name, head, hl) || strncasecmp(name + hl, r->from, fl) ||
	    (name[hl + fl] && name[hl + fl] != '\\'))
		return NULL;
	return xasprintf("%s%s%s", head, r->to, name + hl + fl);
}

/* The link @fd (opened O_PATH) points into the set by its old name: set
 * its reparse data anew. 0 or -errno. */
static int retarget_one(int fd, const struct retarget *r)
{
	char proc[64], head[8], *sub = NULL, *print = NULL;
	uint8_t buf[NL_REPARSE_MAX], *rp = NULL;
	struct nl_reparse *dec = NULL;
	size_t len = 0;
	ssize_t got;
	int rc;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	got = getxattr(proc, XA_REPARSE, buf, sizeof(buf));
	if (got < 0)
		return errno == ENODATA || errno == ENOTSUP ? 0 : -errno;
	rc = nl_reparse_decode(buf, (size_t)got, &dec);
	if (rc || (dec->tag != NL_TAG_MOUNT_POINT && dec->tag != NL_TAG_SYMLINK) || dec->relative) {
		nl_reparse_free(&dec);
		return rc == -ENOMEM ? rc : 0;
	}
	snprintf(head, sizeof(head), "\\??\\%c:", r->drive);
	sub = swap_prefix(dec->substitute_name, head, r);
	if (sub) {
		print = swap_prefix(dec->print_name, head + 4, r);
		rc = nl_reparse_build_link(dec->tag, sub, print ? print : dec->print_name,
					   dec->symlink_flags, &rp, &len);
		if (!rc && setxattr(proc, XA_REPARSE, rp, len, 0))
			rc = -errno;
	}
	free(sub);
	free(print);
	free(rp);
	nl_reparse_free(&dec);
	return rc;
}

/* Every link in folder @dfd and below it. */
static int retarget_at(int dfd, const struct retarget *r, unsigned depth)
{
	struct dirent *de;
	DIR *dp = fdopendir(dfd);
	int rc = 0;

	if (!dp) {
		close(dfd);
		return -errno;
	}
	while (!rc && (errno = 0, de = readdir(dp))) {
		unsigned char type = de->d_type;
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (type == DT_UNKNOWN) {
			struct stat sb;

			if (fstatat(dirfd(dp), de->d_name, &sb, AT_SYMLINK_NOFOLLOW))
				continue;
			type = S_ISDIR(sb.st_mode) ? DT_DIR : S_ISLNK(sb.st_mode) ? DT_LNK : DT_REG;
		}
		if (type == DT_LNK) {
			fd = openat(dirfd(dp), de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			rc = fd < 0 ? -errno : retarget_one(fd, r);
			if (fd >= 0)
				close(fd);
		} else if (type == DT_DIR && depth < 4096) {
			fd = openat(dirfd(dp), de->d_name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			rc = fd < 0 ? -errno : retarget_at(fd, r, depth + 1);
		}
	}
	if (!rc && errno)
		rc = -errno;
	closedir(dp);
	return rc;
}

int dl_host_retarget(const char *set, char drive, const char *from_vol, const char *to_vol)
{
	struct retarget r = { from_vol, to_vol, drive };
	int fd = open(set, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : retarget_at(fd, &r, 0);
}
