/* writer_util.c: what the writer suites share: a fresh image for each test, the writer on it, and reading it back through libntfs-3g. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/layout.h>

#include "writer_util.h"

/* ---- per-test image ------------------------------------------------------ */

char tmpdir[256], image[300];

void make_image(uint32_t sector)
{
	struct nl_format_opts o;
	char err[256];
	int rc;

	memset(&o, 0, sizeof(o));
	o.size = 16u << 20;
	o.sector_size = sector;
	o.label = "CHECK";
	rc = nl_writer_format(image, &o, err, sizeof(err));
	ck_assert_msg(rc == 0, "format: %d %s", rc, err);
}

void setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_writer.XXXXXX", t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(image, sizeof(image), "%s/w.img", tmpdir);
	make_image(512);
}

void teardown(void)
{
	unlink(image);
	rmdir(tmpdir);
}

TCase *writer_tcase(void)
{
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	return tc;
}

struct nl_writer *wopen(void)
{
	struct nl_writer *w = NULL;
	int rc = nl_writer_open(image, 0, 0, &w);
	ck_assert_msg(rc == 0, "open: %d", rc);
	return w;
}

void wclose(struct nl_writer **w)
{
	int rc = nl_writer_close(w);
	ck_assert_msg(rc == 0, "close: %d", rc);
	ck_assert_ptr_null(*w);
}

size_t asc16(const char *s, uint16_t *u)
{
	size_t i;
	for (i = 0; s[i]; i++)
		u[i] = (uint8_t)s[i];
	return i;
}

/* ---- independent read-back through libntfs-3g ----------------------------- */

ntfs_volume *ro(void)
{
	ntfs_volume *v = ntfs_mount(image, NTFS_MNT_RDONLY);
	ck_assert_msg(v != NULL, "read-only mount failed: %s", strerror(errno));
	return v;
}

void ro_done(ntfs_volume *v)
{
	ck_assert_int_eq(ntfs_umount(v, FALSE), 0);
}

ntfs_inode *lookup(ntfs_volume *v, const char *path)
{
	ntfs_inode *ni = ntfs_pathname_to_inode(v, NULL, path);
	ck_assert_msg(ni != NULL, "no %s: %s", path, strerror(errno));
	return ni;
}

void file_names(ntfs_inode *ni, struct fninfo *fi)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	FILE_NAME_ATTR *fn;

	memset(fi, 0, sizeof(*fi));
	ck_assert_ptr_nonnull(ctx);
	while (!ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		int k = fi->count++, j;
		fn = (FILE_NAME_ATTR *)((u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
		fi->ns[k] = fn->file_name_type;
		fi->parent[k] = MREF_LE(fn->parent_directory);
		fi->ctime[k] = sle64_to_cpu(fn->creation_time);
		for (j = 0; j < fn->file_name_length && j < 63; j++)
			fi->name[k][j] = (char)le16_to_cpu(fn->file_name[j]);
		if (fn->file_name_type != FILE_NAME_DOS)
			fi->nondos++;
	}
	ntfs_attr_put_search_ctx(ctx);
}

int ns_of(const struct fninfo *fi, const char *name)
{
	int k;
	for (k = 0; k < fi->count; k++)
		if (!strcmp(fi->name[k], name))
			return fi->ns[k];
	return -1;
}

s64 read_stream(ntfs_inode *ni, const char *stream, void *buf, s64 n, s64 *size)
{
	ntfschar sname[64];
	size_t len = stream ? asc16(stream, sname) : 0;
	ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, len ? sname : AT_UNNAMED, (u32)len);
	s64 r;

	ck_assert_msg(na != NULL, "no stream %s", stream ? stream : "(unnamed)");
	if (size)
		*size = na->data_size;
	r = n ? ntfs_attr_pread(na, 0, n, buf) : 0;
	ntfs_attr_close(na);
	return r;
}
