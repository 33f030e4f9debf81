/* copy_backend.c: what the copy backends share: entry clean-up, NTFS times, volume identity. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>

#include "copy/copy_backend_int.h"

void cp_stat_clear(struct cp_stat *st)
{
	free(st->dos_name);
	free(st->reparse);
	free(st->lnk);
	st->dos_name = NULL;
	st->reparse = NULL;
	st->lnk = NULL;
}

int64_t cp_unix_to_ntfs(int64_t sec, long nsec)
{
	return sec * 10000000LL + nsec / 100 + NL_NTFS_UNIX_DELTA;
}

void cp_ntfs_to_unix(int64_t t, struct timespec *ts)
{
	int64_t u = t - NL_NTFS_UNIX_DELTA;
	int64_t s = u / 10000000LL, r = u % 10000000LL;

	if (r < 0) {
		r += 10000000LL;
		s--;
	}
	ts->tv_sec = (time_t)s;
	ts->tv_nsec = (long)(r * 100);
}


/*
 * A loop device stands for its backing file: *@sb becomes the file's stat and
 * *@off grows by the loop's offset. Returns true when that was done.
 */
static bool loop_backing(struct stat *sb, uint64_t *off)
{
	char p[128], line[4096];
	unsigned long long loff = 0;
	struct stat fb;
	size_t n;
	FILE *f;

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/loop/backing_file", major(sb->st_rdev),
		 minor(sb->st_rdev));
	f = fopen(p, "re");
	if (!f)
		return false;
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = 0;
	line[strcspn(line, "\n")] = 0;
	if (!*line || stat(line, &fb) || !S_ISREG(fb.st_mode))
		return false;
	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/loop/offset", major(sb->st_rdev),
		 minor(sb->st_rdev));
	f = fopen(p, "re");
	if (f) {
		if (fscanf(f, "%llu", &loff) != 1)
			loff = 0;
		fclose(f);
	}
	*sb = fb;
	*off += loff;
	return true;
}

int cp_image_key(const char *file, uint64_t off, char **key)
{
	struct stat sb;
	int r;

	if (stat(file, &sb))
		r = asprintf(key, "path:%s@%llu", file, (unsigned long long)off);
	else if (S_ISBLK(sb.st_mode) && !loop_backing(&sb, &off))
		r = asprintf(key, "blk:%llx@%llu", (unsigned long long)sb.st_rdev,
			     (unsigned long long)off);
	else
		r = asprintf(key, "file:%llx:%llx@%llu", (unsigned long long)sb.st_dev,
			     (unsigned long long)sb.st_ino, (unsigned long long)off);
	if (r < 0) {
		*key = NULL;
		return -ENOMEM;
	}
	return 0;
}
