/* delorean_int.h: DeLorean Copy's sets in a folder on the host (delorean_host.c). */
#ifndef NTFSLINKS_DELOREAN_INT_H
#define NTFSLINKS_DELOREAN_INT_H

/* Call @fn with each name in folder @dir (none when it is missing); a
 * nonzero return stops. 0, @fn's result, or -errno. */
int dl_host_list(const char *dir, int (*fn)(void *ctx, const char *name), void *ctx);
/* Remove folder @path and everything below it (links removed, not followed;
 * nothing on another file system). 0 (also when missing) or -errno. */
int dl_host_remove(const char *path);
/* Rename @from to @to, which must not exist. 0 or -errno. */
int dl_host_rename(const char *from, const char *to);
/* On an ntfs-3g mount: every junction and absolute symbolic link in folder
 * @set and below it whose target is on drive @drive and in the volume path
 * @from_vol ('\\'-separated) or below it is set to point into @to_vol
 * instead. 0 or -errno. */
int dl_host_retarget(const char *set, char drive, const char *from_vol, const char *to_vol);

#endif
