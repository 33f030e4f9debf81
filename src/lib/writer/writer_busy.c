/* writer_busy.c: is an image mounted or in use? The system's mount tables (the image itself, or a loop device backed by it), and a lock on the whole file as libntfs-3g takes one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "writer/writer_int.h"

/* Undo the octal escapes (\040 for a blank) of a mount table field, in place. */
static void unescape_field(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = 0;
}

/* The file backing the loop device (or loop partition) DEV into BUF, or false. */
static bool loop_backing_file(dev_t dev, char *buf, size_t size)
{
	char path[96];
	FILE *fp;
	size_t n;

	for (int up = 0; up < 2; up++) {
		/* a partition (loop0p1) has the loop attributes at its parent */
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%sloop/backing_file",
			 major(dev), minor(dev), up ? "../" : "");
		fp = fopen(path, "re");
		if (!fp)
			continue;
		n = fread(buf, 1, size - 1, fp);
		fclose(fp);
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			n--;
		buf[n] = 0;
		return n > 0;
	}
	return false;
}

/* Does the mount source SRC stand for the image IMG: the same file or
 * device, or a loop device (or one of its partitions) backed by it? */
static bool source_is_image(const char *src, const struct stat *img)
{
	char backing[PATH_MAX];
	struct stat st;

	if (src[0] != '/' || stat(src, &st))
		return false;
	if (S_ISBLK(img->st_mode))
		return S_ISBLK(st.st_mode) && st.st_rdev == img->st_rdev;
	if (S_ISREG(st.st_mode))
		return st.st_dev == img->st_dev && st.st_ino == img->st_ino;
	if (!S_ISBLK(st.st_mode) || !loop_backing_file(st.st_rdev, backing, sizeof(backing)))
		return false;
	return stat(backing, &st) == 0 && st.st_dev == img->st_dev && st.st_ino == img->st_ino;
}

/* Is IMG a mount source in the table TABLE? FIELD is the 0-based field of
 * the source on a line, counted after a " - " separator when DASH (the
 * format of /proc/self/mountinfo) or from the start (mtab). */
static bool mounted_in(const char *table, const struct stat *img, int field, bool dash)
{
	char *line = NULL, *save, *tok, *p;
	size_t cap = 0;
	bool found = false;
	FILE *fp = fopen(table, "re");

	if (!fp)
		return false;
	while (!found && getline(&line, &cap, fp) > 0) {
		p = line;
		if (dash) {
			p = strstr(line, " - ");
			if (!p)
				continue;
			p += 3;
		}
		tok = strtok_r(p, " \t\n", &save);
		for (int i = 0; tok && i < field; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			continue;
		unescape_field(tok);
		found = source_is_image(tok, img);
	}
	free(line);
	fclose(fp);
	return found;
}

int nl_w_image_busy(const char *image, int *excl_fd)
{
	struct stat st, lst;

	*excl_fd = -1;
	if (stat(image, &st))
		return -errno;
	if (mounted_in("/proc/self/mountinfo", &st, 1, true) ||
	    (lstat("/etc/mtab", &lst) == 0 && S_ISREG(lst.st_mode) &&
	     mounted_in("/etc/mtab", &st, 0, false)))
		return -EBUSY;
	/* a block device: nobody else may open it exclusively meanwhile
	 * (what ntfs_mount's NTFS_MNT_EXCLUSIVE does) */
	if (S_ISBLK(st.st_mode)) {
		*excl_fd = open(image, O_RDONLY | O_EXCL | O_CLOEXEC);
		if (*excl_fd < 0)
			return -errno;
	}
	return 0;
}

int nl_w_lock_fd(int fd, bool rdonly)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = rdonly ? F_RDLCK : F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0)
		return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
	return 0;
}
