/* craftimg.c: test helper: put names no sane tool writes ("..", ".", "a/b", "../x") into an NTFS image through libntfs-3g. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/volume.h>

/*
 * Usage: craftimg IMAGE DIR NAME[=TEXT]... 
 * In the existing folder DIR (a path libntfs-3g can look up) create, for
 * each argument, a file NAME holding TEXT (libntfs-3g fails to close a file
 * with data under a name holding '/': give those no TEXT), or with a
 * trailing "/" on NAME
 * ("name//" for a folder whose name ends in "/") a folder. NAME is taken
 * byte for byte as ASCII: nothing is split at '/' or checked. Exit 0 on
 * success, 1 when anything failed (every close and the unmount checked).
 */

static int make(ntfs_inode *dir, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	bool isdir = !eq && n > 1 && arg[n - 1] == '/';
	ntfschar u[255];
	ntfs_inode *ni;
	int rc = 0;

	if (isdir)
		n--;
	if (n == 0 || n > 255)
		return -1;
	for (size_t i = 0; i < n; i++)
		u[i] = cpu_to_le16((unsigned char)arg[i]);
	ni = ntfs_create(dir, const_cpu_to_le32(0), u, (u8)n, isdir ? S_IFDIR : S_IFREG);
	if (!ni) {
		perror("craftimg: ntfs_create");
		return -1;
	}
	if (eq && eq[1]) {
		ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);
		s64 len = (s64)strlen(eq + 1);

		if (!na || ntfs_attr_pwrite(na, 0, len, eq + 1) != len) {
			perror("craftimg: write");
			rc = -1;
		}
		if (na)
			ntfs_attr_close(na);
	}
	if (ntfs_inode_close(ni)) {
		perror("craftimg: close");
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	ntfs_volume *vol;
	ntfs_inode *dir;
	int rc = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: craftimg IMAGE DIR NAME[=TEXT]...\n");
		return 2;
	}
	ntfs_log_set_handler(ntfs_log_handler_null);
	vol = ntfs_mount(argv[1], 0);
	if (!vol) {
		perror("craftimg: ntfs_mount");
		return 1;
	}
	dir = ntfs_pathname_to_inode(vol, NULL, argv[2]);
	if (!dir) {
		fprintf(stderr, "craftimg: no folder %s\n", argv[2]);
		ntfs_umount(vol, FALSE);
		return 1;
	}
	for (int i = 3; i < argc; i++)
		if (make(dir, argv[i]))
			rc = 1;
	if (ntfs_inode_close(dir)) {
		perror("craftimg: close folder");
		rc = 1;
	}
	if (ntfs_umount(vol, FALSE)) {
		perror("craftimg: unmount");
		rc = 1;
	}
	return rc;
}
