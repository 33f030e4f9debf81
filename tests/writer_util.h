/* writer_util.h: what the writer suites share: a fresh image for each test, the writer on it, and reading it back through libntfs-3g. */
#ifndef NL_TESTS_WRITER_UTIL_H
#define NL_TESTS_WRITER_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/writer.h>

/* the test's directory and its image, w.img (16 MiB, label CHECK) */
extern char tmpdir[256], image[300];

/* image formatted anew with sectors of @sector bytes */
void make_image(uint32_t sector);
/* the checked fixture: a fresh directory with an image of 512-byte sectors */
void setup(void);
void teardown(void);
/* the test case "core" of a writer suite, with the fixture above */
TCase *writer_tcase(void);

/* the writer on image, opened and closed with success asserted */
struct nl_writer *wopen(void);
void wclose(struct nl_writer **w);
/* ASCII to UTF-16 units; returns their number */
size_t asc16(const char *s, uint16_t *u);

/* ---- independent read-back through libntfs-3g ---- */
ntfs_volume *ro(void);
void ro_done(ntfs_volume *v);
ntfs_inode *lookup(ntfs_volume *v, const char *path);

/* the $FILE_NAME attributes of a file: namespace, parent, name (ASCII), creation time */
struct fninfo {
	int count, nondos;
	int ns[2048];
	uint64_t parent[2048];
	char name[2048][64];
	int64_t ctime[2048];
};

void file_names(ntfs_inode *ni, struct fninfo *fi);
/* the namespace of the name @name in @fi, or -1 */
int ns_of(const struct fninfo *fi, const char *name);
/* up to @n bytes of stream @stream (NULL: the unnamed one) into @buf; its size into *@size */
s64 read_stream(ntfs_inode *ni, const char *stream, void *buf, s64 n, s64 *size);

#endif
