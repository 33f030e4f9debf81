/* check_writer.c: Check suite for the writer module (writer.h), verified by reading back through libntfs-3g. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/index.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/mft.h>
#include <ntfs-3g/security.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/reparse.h>
#include <ntfslinks/writer.h>

#include "image/device_int.h"
#include "writer/writer_int.h"
#include "testutil.h"

/* ---- per-test image ------------------------------------------------------ */

static char tmpdir[256], image[300];

static void make_image(uint32_t sector)
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

static void setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_writer.XXXXXX", t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(image, sizeof(image), "%s/w.img", tmpdir);
	make_image(512);
}

static void teardown(void)
{
	unlink(image);
	rmdir(tmpdir);
}

static struct nl_writer *wopen(void)
{
	struct nl_writer *w = NULL;
	int rc = nl_writer_open(image, 0, 0, &w);
	ck_assert_msg(rc == 0, "open: %d", rc);
	return w;
}

static void wclose(struct nl_writer **w)
{
	int rc = nl_writer_close(w);
	ck_assert_msg(rc == 0, "close: %d", rc);
	ck_assert_ptr_null(*w);
}

/* ASCII to UTF-16 units */
static size_t asc16(const char *s, uint16_t *u)
{
	size_t i;
	for (i = 0; s[i]; i++)
		u[i] = (uint8_t)s[i];
	return i;
}

/* ---- independent read-back through libntfs-3g ----------------------------- */

static ntfs_volume *ro(void)
{
	ntfs_volume *v = ntfs_mount(image, NTFS_MNT_RDONLY);
	ck_assert_msg(v != NULL, "read-only mount failed: %s", strerror(errno));
	return v;
}

static void ro_done(ntfs_volume *v)
{
	ck_assert_int_eq(ntfs_umount(v, FALSE), 0);
}

static ntfs_inode *lookup(ntfs_volume *v, const char *path)
{
	ntfs_inode *ni = ntfs_pathname_to_inode(v, NULL, path);
	ck_assert_msg(ni != NULL, "no %s: %s", path, strerror(errno));
	return ni;
}

struct fninfo {
	int count, nondos;
	int ns[2048];
	uint64_t parent[2048];
	char name[2048][64];
	int64_t ctime[2048];
};

static void file_names(ntfs_inode *ni, struct fninfo *fi)
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

static int ns_of(const struct fninfo *fi, const char *name)
{
	int k;
	for (k = 0; k < fi->count; k++)
		if (!strcmp(fi->name[k], name))
			return fi->ns[k];
	return -1;
}

/* raw units of every entry of a directory */
struct dirlist {
	int n;
	uint16_t names[64][256];
	int lens[64];
	int types[64];
};

static int filldir(void *dirent, const ntfschar *name, const int len, const int type,
		   const s64 pos, const MFT_REF mref, const unsigned dt)
{
	struct dirlist *dl = dirent;
	(void)pos;
	(void)mref;
	(void)dt;
	if (dl->n < 64 && len <= 256) {
		memcpy(dl->names[dl->n], name, (size_t)len * 2);
		dl->lens[dl->n] = len;
		dl->types[dl->n] = type;
		dl->n++;
	}
	return 0;
}

static void list_dir(ntfs_inode *dir, struct dirlist *dl)
{
	s64 pos = 0;
	memset(dl, 0, sizeof(*dl));
	ck_assert_int_eq(ntfs_readdir(dir, &pos, dl, filldir), 0);
}

static int dir_has(const struct dirlist *dl, const uint16_t *u, size_t n)
{
	int i;
	for (i = 0; i < dl->n; i++)
		if ((size_t)dl->lens[i] == n && !memcmp(dl->names[i], u, n * 2))
			return dl->types[i];
	return -1;
}

static s64 read_stream(ntfs_inode *ni, const char *stream, void *buf, s64 n, s64 *size)
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

/* ---- tests ----------------------------------------------------------------- */

START_TEST(test_format)
{
	struct nl_format_opts o;
	char other[320], err[256];
	ntfs_volume *v;
	FILE *a, *b;
	int ca, cb, same = 1;

	/* identical inputs, identical bytes */
	snprintf(other, sizeof(other), "%s/w2.img", tmpdir);
	memset(&o, 0, sizeof(o));
	o.size = 16u << 20;
	o.label = "CHECK";
	ck_assert_int_eq(nl_writer_format(other, &o, err, sizeof(err)), 0);
	a = fopen(image, "rb");
	b = fopen(other, "rb");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	do {
		ca = getc(a);
		cb = getc(b);
		if (ca != cb)
			same = 0;
	} while (ca != EOF && cb != EOF && same);
	fclose(a);
	fclose(b);
	ck_assert_msg(same, "two formats differ");
	/* 4096-byte sectors give 4096-byte records */
	make_image(4096);
	v = ro();
	ck_assert_uint_eq(v->mft_record_size, 4096);
	ck_assert_uint_eq(v->sector_size, 4096);
	ro_done(v);
	/* bad options */
	o.sector_size = 1024;
	ck_assert_int_eq(nl_writer_format(other, &o, err, sizeof(err)), -EINVAL);
	o.sector_size = 512;
	o.size = 1000;
	ck_assert_int_eq(nl_writer_format(other, &o, err, sizeof(err)), -EINVAL);
	o.size = 16u << 20;
	o.cluster_size = 3000;
	ck_assert_int_eq(nl_writer_format(other, &o, err, sizeof(err)), -EINVAL);
	unlink(other);
}
END_TEST

START_TEST(test_create_namespaces)
{
	struct nl_writer *w = wopen();
	uint16_t u[300], surr[] = { 'x', 0xD800, 'y' }, pair[] = { 0xD83D, 0xDE00 };
	uint64_t dir, f, g;
	struct dirlist dl;
	ntfs_volume *v;
	ntfs_inode *ni;
	size_t n;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "Dir", NL_NS_WIN32_AND_DOS,
					     NL_NODE_DIR, &dir), 0);
	ck_assert_uint_eq(NL_MREF_RECORD(dir) >= 16, 1);
	n = asc16("posix:name*?", u);
	ck_assert_int_eq(nl_writer_create(w, dir, u, n, NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	/* Win32 forbids those characters */
	ck_assert_int_eq(nl_writer_create(w, dir, u, n, NL_NS_WIN32, NL_NODE_FILE, &g), -EINVAL);
	n = asc16("Long Name.txt", u);
	ck_assert_int_eq(nl_writer_create(w, dir, u, n, NL_NS_WIN32, NL_NODE_FILE, &g), 0);
	ck_assert_int_eq(nl_writer_create(w, dir, u, n, NL_NS_WIN32, NL_NODE_FILE, NULL), -EEXIST);
	/* names differing only in case are distinct (POSIX) */
	n = asc16("long name.txt", u);
	ck_assert_int_eq(nl_writer_create(w, dir, u, n, NL_NS_POSIX, NL_NODE_FILE, NULL), 0);
	ck_assert_int_eq(nl_writer_create(w, dir, surr, 3, NL_NS_POSIX, NL_NODE_FILE, NULL), 0);
	ck_assert_int_eq(nl_writer_create(w, dir, pair, 2, NL_NS_POSIX, NL_NODE_FILE, NULL), 0);
	ck_assert_int_eq(nl_writer_create(w, dir, u, 0, NL_NS_POSIX, NL_NODE_FILE, NULL), -EINVAL);
	for (n = 0; n < 256; n++)
		u[n] = 'a';
	ck_assert_int_eq(nl_writer_create(w, dir, u, 256, NL_NS_POSIX, NL_NODE_FILE, NULL),
			 -ENAMETOOLONG);
	ck_assert_int_eq(nl_writer_create(w, dir, u, 255, NL_NS_POSIX, NL_NODE_FILE, NULL), 0);
	ck_assert_int_eq(nl_writer_create(w, f, u, 3, NL_NS_POSIX, NL_NODE_FILE, NULL), -ENOTDIR);
	/* lookups */
	ck_assert_int_eq(nl_writer_lookup_path(w, "/Dir/Long Name.txt", &f), 0);
	ck_assert_uint_eq(f, g);
	ck_assert_int_eq(nl_writer_lookup_path(w, "\\Dir\\missing", &f), -ENOENT);
	ck_assert_int_eq(nl_writer_lookup_path(w, "/Dir/x\xED\xA0\x80y", &f), 0);
	wclose(&w);

	v = ro();
	ni = lookup(v, "/Dir");
	list_dir(ni, &dl);
	ck_assert_int_eq(dir_has(&dl, surr, 3), FILE_NAME_POSIX);
	ck_assert_int_eq(dir_has(&dl, pair, 2), FILE_NAME_POSIX);
	n = asc16("Long Name.txt", u);
	ck_assert_int_eq(dir_has(&dl, u, n), FILE_NAME_WIN32);
	n = asc16("long name.txt", u);
	ck_assert_int_eq(dir_has(&dl, u, n), FILE_NAME_POSIX);
	n = asc16("posix:name*?", u);
	ck_assert_int_eq(dir_has(&dl, u, n), FILE_NAME_POSIX);
	ck_assert_int_eq(dl.n, 6 + 2); /* and ".", ".." */
	ntfs_inode_close(ni);
	{
		struct fninfo *fi = malloc(sizeof(*fi));
		ni = lookup(v, "/Dir");
		file_names(ni, fi);
		ck_assert_int_eq(fi->count, 1);
		ck_assert_int_eq(fi->ns[0], FILE_NAME_WIN32_AND_DOS);
		ck_assert(ni->mrec->flags & MFT_RECORD_IS_DIRECTORY);
		ntfs_inode_close(ni);
		free(fi);
	}
	ro_done(v);
}
END_TEST

START_TEST(test_data_streams)
{
	struct nl_writer *w = wopen();
	uint16_t sname[16], d[32];
	char big[300000], back[300008];
	uint64_t f, dir;
	ntfs_volume *v;
	ntfs_inode *ni;
	s64 size;
	size_t i, sl;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 1000);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "f.bin", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	/* in chunks, out of order */
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 100000, big + 100000, 200000), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, big, 100000), 0);
	sl = asc16("Zone.Identifier", sname);
	ck_assert_int_eq(nl_writer_write(w, f, sname, sl, 0, "[ZoneTransfer]", 14), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 300000, "tail", 4), 0);
	ck_assert_int_eq(nl_writer_set_size(w, f, NULL, 0, 300002), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "d", NL_NS_POSIX, NL_NODE_DIR, &dir), 0);
	ck_assert_int_eq(nl_writer_write(w, dir, NULL, 0, 0, "x", 1), -EISDIR);
	ck_assert_int_eq(nl_writer_write(w, dir, d, asc16("on dir", d), 0, "dirdata", 7), 0);
	ck_assert_int_eq(nl_writer_add_stream(w, f, d, asc16("empty", d)), 0);
	wclose(&w);

	v = ro();
	ni = lookup(v, "/f.bin");
	ck_assert_int_eq(read_stream(ni, NULL, back, 300002, &size), 300002);
	ck_assert_int_eq(size, 300002);
	ck_assert(!memcmp(back, big, 300000));
	ck_assert(!memcmp(back + 300000, "ta", 2));
	ck_assert_int_eq(read_stream(ni, "Zone.Identifier", back, 14, &size), 14);
	ck_assert(!memcmp(back, "[ZoneTransfer]", 14));
	ck_assert_int_eq(read_stream(ni, "empty", back, 0, &size), 0);
	ck_assert_int_eq(size, 0);
	ntfs_inode_close(ni);
	ni = lookup(v, "/d");
	ck_assert_int_eq(read_stream(ni, "on dir", back, 7, &size), 7);
	ck_assert(!memcmp(back, "dirdata", 7));
	ntfs_inode_close(ni);
	ro_done(v);
}
END_TEST

START_TEST(test_sparse)
{
	struct nl_writer *w = wopen();
	char buf[8192], back[8192];
	uint64_t f;
	ntfs_volume *v;
	ntfs_inode *ni;
	ntfs_attr *na;

	memset(buf, 'S', sizeof(buf));
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "sparse", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_set_sparse(w, f, NULL, 0), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 1 << 20, buf, sizeof(buf)), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 10 << 20, buf, 100), 0);
	ck_assert_int_eq(nl_writer_set_size(w, f, NULL, 0, 12 << 20), 0);
	/* too late to make it sparse now */
	ck_assert_int_eq(nl_writer_set_sparse(w, f, NULL, 0), -EBUSY);
	wclose(&w);

	v = ro();
	ni = lookup(v, "/sparse");
	ck_assert(ni->flags & FILE_ATTR_SPARSE_FILE);
	na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);
	ck_assert_ptr_nonnull(na);
	ck_assert_int_eq(na->data_size, 12 << 20);
	ck_assert(na->data_flags & ATTR_IS_SPARSE);
	/* only what was written is allocated */
	ck_assert_int_le(na->compressed_size, 16384);
	ck_assert_int_eq(ntfs_attr_pread(na, (1 << 20) - 100, 8192, back), 8192);
	ck_assert(!memcmp(back + 100, buf, 8092));
	ck_assert_int_eq(back[0], 0);
	ntfs_attr_close(na);
	ntfs_inode_close(ni);
	ro_done(v);
}
END_TEST

START_TEST(test_hardlinks_limit)
{
	struct nl_writer *w = wopen();
	struct fninfo *fi = malloc(sizeof(*fi));
	uint64_t f, d1, d2, other;
	char name[32];
	ntfs_volume *v;
	ntfs_inode *ni, *nj;
	int i;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "d1", NL_NS_POSIX, NL_NODE_DIR, &d1), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "d2", NL_NS_POSIX, NL_NODE_DIR, &d2), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, d1, "f0", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "linked", 6), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, d1, "f0", NL_NS_POSIX), -EEXIST);
	for (i = 1; i < NL_MAX_LINKS; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		ck_assert_int_eq(nl_writer_link_u8(w, f, i % 2 ? d2 : d1, name, NL_NS_POSIX), 0);
	}
	ck_assert_int_eq(nl_writer_link_count(w, f), NL_MAX_LINKS);
	ck_assert_int_eq(nl_writer_link_u8(w, f, d1, "one-too-many", NL_NS_POSIX), -EMLINK);
	ck_assert_int_eq(nl_writer_link_u8(w, d2, d1, "dirlink", NL_NS_POSIX), -EPERM);
	ck_assert_int_eq(nl_writer_create_u8(w, d1, "other", NL_NS_POSIX, NL_NODE_FILE, &other), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, other, d2, "other win32", NL_NS_WIN32), 0);
	wclose(&w);

	v = ro();
	ni = lookup(v, "/d2/f1021");
	nj = lookup(v, "/d1/f0");
	ck_assert_uint_eq(ni->mft_no, nj->mft_no);
	file_names(ni, fi);
	ck_assert_int_eq(fi->nondos, NL_MAX_LINKS);
	ck_assert_int_eq(le16_to_cpu(ni->mrec->link_count), NL_MAX_LINKS);
	ck_assert(NInoAttrList(ni)); /* names spilled into extension records */
	ntfs_inode_close(nj);
	ntfs_inode_close(ni);
	ni = lookup(v, "/d2/other win32");
	file_names(ni, fi);
	ck_assert_int_eq(ns_of(fi, "other win32"), FILE_NAME_WIN32);
	ck_assert_int_eq(ns_of(fi, "other"), FILE_NAME_POSIX);
	ntfs_inode_close(ni);
	errno = 0;
	ck_assert_ptr_null(ntfs_pathname_to_inode(v, NULL, "/d1/one-too-many"));
	ro_done(v);
	free(fi);
}
END_TEST

/* The Windows 10 symbolic link of ../shared/corpus/win10-symlink-record.bin:
 * link.txt -> target.txt, relative. */
static const unsigned char win10_symlink[] = {
	0x0c, 0x00, 0x00, 0xa0, 0x34, 0x00, 0x00, 0x00, 0x14, 0x00, 0x14, 0x00,
	0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00,
	't', 0, 'a', 0, 'r', 0, 'g', 0, 'e', 0, 't', 0, '.', 0, 't', 0, 'x', 0, 't', 0,
	't', 0, 'a', 0, 'r', 0, 'g', 0, 'e', 0, 't', 0, '.', 0, 't', 0, 'x', 0, 't', 0,
};

START_TEST(test_build_link_reparse)
{
	const char *s = "\\??\\C:\\x", *p = "C:\\x";
	uint8_t *buf = NULL;
	size_t len = 0, sl = strlen(s), pl = strlen(p);

	ck_assert_int_eq(nl_reparse_build_link(0xA000000C, "target.txt", "target.txt", 1, &buf,
					       &len), 0);
	ck_assert_uint_eq(len, sizeof(win10_symlink));
	ck_assert(!memcmp(buf, win10_symlink, len));
	free(buf);
	/* junction: substitute, NUL, print, NUL */
	ck_assert_int_eq(nl_reparse_build_link(0xA0000003, s, p, 0, &buf, &len), 0);
	ck_assert_uint_eq(len, 8 + 8 + (sl + 1 + pl + 1) * 2);
	ck_assert_uint_eq(buf[4] | buf[5] << 8, len - 8);
	ck_assert_uint_eq(buf[8] | buf[9] << 8, 0);                 /* subst offset */
	ck_assert_uint_eq(buf[10] | buf[11] << 8, sl * 2);          /* subst length */
	ck_assert_uint_eq(buf[12] | buf[13] << 8, (sl + 1) * 2);    /* print offset */
	ck_assert_uint_eq(buf[14] | buf[15] << 8, pl * 2);          /* print length */
	ck_assert_uint_eq(buf[16 + sl * 2] | buf[17 + sl * 2], 0);
	ck_assert_uint_eq(buf[16] , '\\');
	free(buf);
	/* empty print name */
	ck_assert_int_eq(nl_reparse_build_link(0xA0000003, s, NULL, 0, &buf, &len), 0);
	ck_assert_uint_eq(len, 8 + 8 + (sl + 2) * 2);
	free(buf);
	ck_assert_int_eq(nl_reparse_build_link(0x80000017, s, NULL, 0, &buf, &len), -EINVAL);
}
END_TEST

static void *read_reparse(ntfs_inode *ni, s64 *size)
{
	return ntfs_attr_readall(ni, AT_REPARSE_POINT, AT_UNNAMED, 0, size);
}

/*
 * Every $FILE_NAME of NI (record and extension records) and its copy in the
 * parent's index must carry the reparse bit and TAG (tag 0: neither, as for
 * an ordinary file). Returns the number of names checked.
 */
static int check_fn_tags(ntfs_volume *v, ntfs_inode *ni, uint32_t tag)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	FILE_NAME_ATTR *fn, *fnx;
	int count = 0;

	ck_assert_ptr_nonnull(ctx);
	while (!ntfs_attr_lookup(AT_FILE_NAME, AT_UNNAMED, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		ntfs_index_context *ictx;
		ntfs_inode *dir;

		fn = (FILE_NAME_ATTR *)((u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
		ck_assert_msg(!!(fn->file_attributes & FILE_ATTR_REPARSE_POINT) == !!tag,
			      "record %llu name %d: attributes 0x%x", (unsigned long long)ni->mft_no,
			      count, le32_to_cpu(fn->file_attributes));
		ck_assert_msg(le32_to_cpu(fn->reparse_point_tag) == tag,
			      "record %llu name %d (ns %d): tag 0x%x, want 0x%x",
			      (unsigned long long)ni->mft_no, count, fn->file_name_type,
			      le32_to_cpu(fn->reparse_point_tag), tag);
		/* the copy of this $FILE_NAME in the parent's index */
		dir = ntfs_inode_open(v, MREF_LE(fn->parent_directory));
		ck_assert_ptr_nonnull(dir);
		ictx = ntfs_index_ctx_get(dir, NTFS_INDEX_I30, 4);
		ck_assert_ptr_nonnull(ictx);
		ck_assert_int_eq(ntfs_index_lookup(fn, (int)(sizeof(FILE_NAME_ATTR) +
							  fn->file_name_length * 2), ictx), 0);
		fnx = (FILE_NAME_ATTR *)ictx->data;
		ck_assert_int_eq(fnx->file_name_type, fn->file_name_type);
		ck_assert_int_eq(le64_to_cpu(ictx->entry->indexed_file) & 0xffffffffffffULL,
				 ni->mft_no);
		ck_assert_msg(!!(fnx->file_attributes & FILE_ATTR_REPARSE_POINT) == !!tag,
			      "index entry of record %llu: attributes 0x%x",
			      (unsigned long long)ni->mft_no, le32_to_cpu(fnx->file_attributes));
		ck_assert_uint_eq(le32_to_cpu(fnx->reparse_point_tag), tag);
		ntfs_index_ctx_put(ictx);
		ck_assert_int_eq(ntfs_inode_close(dir), 0);
		count++;
	}
	ntfs_attr_put_search_ctx(ctx);
	/* and $STANDARD_INFORMATION (the inode's flags come from it) */
	ck_assert(!!(ni->flags & FILE_ATTR_REPARSE_POINT) == !!tag);
	return count;
}

START_TEST(test_reparse)
{
	struct nl_writer *w = wopen();
	static char s[6000];
	uint8_t *jbuf = NULL, *lbuf = NULL;
	unsigned char raw[] = { 0x99, 0, 0, 0x80, 4, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef };
	size_t sl, jlen, llen, i;
	uint64_t j, l, r, dir, pre;
	uint16_t ln[32], dn[16];
	size_t lnl, dnl;
	ntfs_volume *v;
	ntfs_inode *ni;
	s64 size;
	void *got;

	ck_assert_int_eq(nl_reparse_build_link(0xA0000003, "\\??\\C:\\Users", "C:\\Users", 0,
					       &jbuf, &jlen), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "Documents and Settings",
					     NL_NS_WIN32, NL_NODE_DIR, &j), 0);
	ck_assert_int_eq(nl_writer_set_reparse(w, j, jbuf, jlen), 0);
	ck_assert_int_eq(nl_writer_set_reparse(w, j, jbuf, jlen), -EEXIST);
	/* a long target: non-resident reparse data */
	strcpy(s, "\\??\\C:");
	sl = strlen(s);
	for (i = 0; i < 1200; i++)
		s[sl++] = (char)(i % 5 ? 'a' + i % 26 : '\\');
	s[sl] = 0;
	ck_assert_int_eq(nl_reparse_build_link(0xA000000C, s, s + 4, 0, &lbuf, &llen), 0);
	ck_assert_int_gt(llen, 4000);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "long", NL_NS_POSIX, NL_NODE_DIR, &l), 0);
	ck_assert_int_eq(nl_writer_set_reparse(w, l, lbuf, llen), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "raw.bin", NL_NS_POSIX, NL_NODE_FILE, &r), 0);
	raw[4] = 5; /* wrong length field */
	ck_assert_int_eq(nl_writer_set_reparse(w, r, raw, sizeof(raw)), -EINVAL);
	raw[4] = 4;
	ck_assert_int_eq(nl_writer_set_reparse(w, r, raw, sizeof(raw)), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "dir", NL_NS_POSIX, NL_NODE_DIR, &dir), 0);
	/* names added after the reparse data: a hard link and a DOS name */
	ck_assert_int_eq(nl_writer_link_u8(w, r, dir, "raw link", NL_NS_POSIX), 0);
	lnl = asc16("Documents and Settings", ln);
	dnl = asc16("DOCUME~1", dn);
	ck_assert_int_eq(nl_writer_set_dos_name(w, j, NL_WRITER_ROOT, ln, lnl, dn, dnl), 0);
	/* names made before the reparse data: a link in another folder */
	ck_assert_int_eq(nl_writer_create_u8(w, dir, "pre.bin", NL_NS_POSIX, NL_NODE_FILE, &pre), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, pre, NL_WRITER_ROOT, "pre link", NL_NS_POSIX), 0);
	raw[0] = 0x98;
	ck_assert_int_eq(nl_writer_set_reparse(w, pre, raw, sizeof(raw)), 0);
	raw[0] = 0x99;
	wclose(&w);

	v = ro();
	ni = lookup(v, "/Documents and Settings");
	ck_assert(ni->flags & FILE_ATTR_REPARSE_POINT);
	got = read_reparse(ni, &size);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(size, (s64)jlen);
	ck_assert(!memcmp(got, jbuf, jlen));
	free(got);
	ntfs_inode_close(ni);
	ni = lookup(v, "/long");
	{
		ntfs_attr *na = ntfs_attr_open(ni, AT_REPARSE_POINT, AT_UNNAMED, 0);
		ck_assert_ptr_nonnull(na);
		ck_assert(NAttrNonResident(na));
		ntfs_attr_close(na);
	}
	got = read_reparse(ni, &size);
	ck_assert_int_eq(size, (s64)llen);
	ck_assert(!memcmp(got, lbuf, llen));
	free(got);
	ntfs_inode_close(ni);
	ni = lookup(v, "/raw.bin");
	got = read_reparse(ni, &size);
	ck_assert_int_eq(size, (s64)sizeof(raw));
	ck_assert(!memcmp(got, raw, sizeof(raw)));
	free(got);
	ntfs_inode_close(ni);
	ni = lookup(v, "/dir");
	ck_assert(!(ni->flags & FILE_ATTR_REPARSE_POINT));
	ck_assert_int_eq(check_fn_tags(v, ni, 0), 1);
	ntfs_inode_close(ni);
	/* the tag in every $FILE_NAME and index entry, as Windows writes it */
	ni = lookup(v, "/Documents and Settings");
	ck_assert_int_eq(check_fn_tags(v, ni, 0xA0000003), 2);	/* Win32 + DOS */
	ntfs_inode_close(ni);
	ni = lookup(v, "/DOCUME~1");
	ck_assert_int_eq(ni->mft_no, NL_MREF_RECORD(j));
	ntfs_inode_close(ni);
	ni = lookup(v, "/long");
	ck_assert_int_eq(check_fn_tags(v, ni, 0xA000000C), 1);	/* non-resident data */
	ntfs_inode_close(ni);
	ni = lookup(v, "/dir/raw link");
	ck_assert_int_eq(check_fn_tags(v, ni, 0x80000099), 2);
	ntfs_inode_close(ni);
	ni = lookup(v, "/pre link");
	ck_assert_int_eq(check_fn_tags(v, ni, 0x80000098), 2);
	ntfs_inode_close(ni);
	ro_done(v);
	free(jbuf);
	free(lbuf);
}
END_TEST

START_TEST(test_dos_names)
{
	struct nl_writer *w = wopen();
	struct fninfo *fi = malloc(sizeof(*fi));
	uint16_t l[64], d[16];
	size_t ll, dl;
	uint64_t f, g, dir;
	ntfs_volume *v;
	ntfs_inode *ni;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "d", NL_NS_POSIX, NL_NODE_DIR, &dir), 0);
	ll = asc16("Long File Name.txt", l);
	ck_assert_int_eq(nl_writer_create(w, dir, l, ll, NL_NS_WIN32, NL_NODE_FILE, &f), 0);
	dl = asc16("LONGFI~1.TXT", d);
	ck_assert_int_eq(nl_writer_set_dos_name(w, f, dir, l, ll, d, dl), 0);
	ck_assert_int_eq(nl_writer_set_dos_name(w, f, dir, l, ll, d, dl), -EEXIST);
	ll = asc16("README.TXT", l);
	ck_assert_int_eq(nl_writer_create(w, dir, l, ll, NL_NS_POSIX, NL_NODE_FILE, &g), 0);
	ck_assert_int_eq(nl_writer_set_dos_name(w, g, dir, l, ll, l, ll), 0);
	dl = asc16("bad~1.txt", d);
	ck_assert_int_eq(nl_writer_set_dos_name(w, g, dir, l, ll, d, dl), -EINVAL);
	dl = asc16("TOOLONGNAME.TXT", d);
	ck_assert_int_eq(nl_writer_set_dos_name(w, g, dir, l, ll, d, dl), -EINVAL);
	ck_assert_int_eq(nl_writer_link_count(w, f), 1);
	wclose(&w);

	v = ro();
	ni = lookup(v, "/d/Long File Name.txt");
	file_names(ni, fi);
	ck_assert_int_eq(fi->count, 2);
	ck_assert_int_eq(fi->nondos, 1);
	ck_assert_int_eq(ns_of(fi, "Long File Name.txt"), FILE_NAME_WIN32);
	ck_assert_int_eq(ns_of(fi, "LONGFI~1.TXT"), FILE_NAME_DOS);
	/* as on Windows, the header's link count counts the DOS name too */
	ck_assert_int_eq(le16_to_cpu(ni->mrec->link_count), 2);
	ntfs_inode_close(ni);
	/* the DOS name is in the directory index too */
	ni = lookup(v, "/d/LONGFI~1.TXT");
	ntfs_inode_close(ni);
	ni = lookup(v, "/d/README.TXT");
	file_names(ni, fi);
	ck_assert_int_eq(fi->count, 1);
	ck_assert_int_eq(fi->ns[0], FILE_NAME_WIN32_AND_DOS);
	ntfs_inode_close(ni);
	ro_done(v);
	free(fi);
}
END_TEST

START_TEST(test_attributes_times)
{
	struct nl_writer *w = wopen();
	struct fninfo *fi = malloc(sizeof(*fi));
	struct nl_times t = { 126000000000000000LL, 127000000000000001LL,
			      128000000000000002LL, 129000000000000003LL };
	uint64_t f, dir, c;
	uint32_t a = 0;
	char data[65536];
	ntfs_volume *v;
	ntfs_inode *ni;
	ntfs_attr_search_ctx *ctx;
	STANDARD_INFORMATION *si;

	memset(data, 'c', sizeof(data));
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "dir", NL_NS_POSIX, NL_NODE_DIR, &dir), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, dir, "f", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, NL_WRITER_ROOT, "f2", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_set_attributes(w, f, NL_FA_READONLY | NL_FA_HIDDEN |
						  NL_FA_SYSTEM), 0);
	ck_assert_int_eq(nl_writer_get_attributes(w, f, &a), 0);
	ck_assert_uint_eq(a, NL_FA_READONLY | NL_FA_HIDDEN | NL_FA_SYSTEM);
	ck_assert_int_eq(nl_writer_get_attributes(w, dir, &a), 0);
	ck_assert(a & NL_FA_DIRECTORY);
	ck_assert_int_eq(nl_writer_set_times(w, f, &t), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "c", NL_NS_POSIX, NL_NODE_FILE, &c), 0);
	ck_assert_int_eq(nl_writer_set_attributes(w, c, NL_FA_ARCHIVE | NL_FA_COMPRESSED), 0);
	ck_assert_int_eq(nl_writer_write(w, c, NULL, 0, 0, data, sizeof(data)), 0);
	ck_assert_int_eq(nl_writer_set_attributes(w, c, NL_FA_ARCHIVE), -EBUSY);
	ck_assert_int_eq(nl_writer_set_times(w, dir, &t), 0);
	wclose(&w);

	v = ro();
	ni = lookup(v, "/dir/f");
	ck_assert_uint_eq(le32_to_cpu(ni->flags) & 0x7, 0x7);
	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	ck_assert_int_eq(ntfs_attr_lookup(AT_STANDARD_INFORMATION, AT_UNNAMED, 0, CASE_SENSITIVE,
					  0, NULL, 0, ctx), 0);
	si = (STANDARD_INFORMATION *)((u8 *)ctx->attr + le16_to_cpu(ctx->attr->value_offset));
	ck_assert_int_eq(sle64_to_cpu(si->creation_time), t.crtime);
	ck_assert_int_eq(sle64_to_cpu(si->last_data_change_time), t.mtime);
	ck_assert_int_eq(sle64_to_cpu(si->last_mft_change_time), t.ctime);
	ck_assert_int_eq(sle64_to_cpu(si->last_access_time), t.atime);
	ntfs_attr_put_search_ctx(ctx);
	file_names(ni, fi);
	ck_assert_int_eq(fi->count, 2);
	ck_assert_int_eq(fi->ctime[0], t.crtime);
	ck_assert_int_eq(fi->ctime[1], t.crtime);
	ntfs_inode_close(ni);
	ni = lookup(v, "/c");
	{
		ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);
		ck_assert(ni->flags & FILE_ATTR_COMPRESSED);
		ck_assert(na->data_flags & ATTR_IS_COMPRESSED);
		ck_assert_int_lt(na->compressed_size, 65536);
		ntfs_attr_close(na);
	}
	ntfs_inode_close(ni);
	ro_done(v);
	free(fi);
}
END_TEST

START_TEST(test_unlink)
{
	struct nl_writer *w = wopen();
	uint64_t f, g, d, e;
	ntfs_volume *v;
	MFT_RECORD *m = NULL;
	ATTR_RECORD *a;
	uint16_t u[32];
	int found = 0;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "d", NL_NS_POSIX, NL_NODE_DIR, &d), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, d, "gone.txt", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "bye", 3), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, d, "kept.txt", NL_NS_POSIX, NL_NODE_FILE, &g), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, g, NL_WRITER_ROOT, "kept2.txt", NL_NS_POSIX), 0);
	ck_assert_int_eq(nl_writer_unlink(w, d, NL_WRITER_ROOT, u, asc16("d", u)), -ENOTEMPTY);
	ck_assert_int_eq(nl_writer_unlink(w, f, d, u, asc16("nope", u)), -ENOENT);
	ck_assert_int_eq(nl_writer_unlink(w, f, d, u, asc16("gone.txt", u)), 0);
	ck_assert_int_eq(nl_writer_unlink(w, g, NL_WRITER_ROOT, u, asc16("kept2.txt", u)), 0);
	ck_assert_int_eq(nl_writer_link_count(w, g), 1);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "e", NL_NS_POSIX, NL_NODE_DIR, &e), 0);
	ck_assert_int_eq(nl_writer_unlink(w, e, NL_WRITER_ROOT, u, asc16("e", u)), 0);
	/* the freed record's sequence number moved on */
	ck_assert_int_eq(nl_writer_link_u8(w, f, d, "again", NL_NS_POSIX), -ESTALE);
	wclose(&w);

	v = ro();
	errno = 0;
	ck_assert_ptr_null(ntfs_pathname_to_inode(v, NULL, "/d/gone.txt"));
	ck_assert_ptr_null(ntfs_pathname_to_inode(v, NULL, "/kept2.txt"));
	ck_assert_ptr_null(ntfs_pathname_to_inode(v, NULL, "/e"));
	ntfs_inode_close(lookup(v, "/d/kept.txt"));
	/* the deleted record: not in use, still holding its name */
	ck_assert_int_eq(ntfs_file_record_read(v, NL_MREF_RECORD(f), &m, NULL), 0);
	ck_assert(!(m->flags & MFT_RECORD_IN_USE));
	a = (ATTR_RECORD *)((u8 *)m + le16_to_cpu(m->attrs_offset));
	while (a->type != AT_END && le32_to_cpu(a->length) > 0) {
		if (a->type == AT_FILE_NAME) {
			FILE_NAME_ATTR *fn = (FILE_NAME_ATTR *)((u8 *)a + le16_to_cpu(a->value_offset));
			if (fn->file_name_length == 8 && le16_to_cpu(fn->file_name[0]) == 'g')
				found = 1;
		}
		a = (ATTR_RECORD *)((u8 *)a + le32_to_cpu(a->length));
	}
	ck_assert_msg(found, "the deleted record lost its name");
	free(m);
	ro_done(v);
}
END_TEST

/* A self-relative descriptor: owner and group Administrators, a DACL
 * allowing Everyone full access (facts from the SDDL "O:BAG:BAD:(A;;FA;;;WD)"). */
static const unsigned char sd_bytes[] = {
	0x01, 0x00, 0x04, 0x80, 0x30, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
	/* DACL: revision 2, size 28, 1 ACE */
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00,
	/* ACE: allow, flags 0, size 20, mask FILE_ALL_ACCESS, S-1-1-0 */
	0x00, 0x00, 0x14, 0x00, 0xff, 0x01, 0x1f, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	/* owner S-1-5-32-544 */
	0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00,
	0x20, 0x02, 0x00, 0x00,
	/* group S-1-5-32-544 */
	0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x20, 0x00, 0x00, 0x00,
	0x20, 0x02, 0x00, 0x00,
};

START_TEST(test_security)
{
	struct nl_writer *w = wopen();
	struct SECURITY_CONTEXT scx;
	struct PERMISSIONS_CACHE *cache = NULL;
	unsigned char back[512];
	uint64_t f;
	ntfs_volume *v;
	ntfs_inode *ni;
	int n;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "secured", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_set_security(w, f, sd_bytes, sizeof(sd_bytes)), 0);
	ck_assert_int_eq(nl_writer_set_security(w, f, sd_bytes, 10), -EINVAL);
	wclose(&w);

	v = ro();
	ni = lookup(v, "/secured");
	memset(&scx, 0, sizeof(scx));
	scx.vol = v;
	scx.pseccache = &cache;
	n = ntfs_get_ntfs_acl(&scx, ni, (char *)back, sizeof(back));
	ck_assert_int_eq(n, (int)sizeof(sd_bytes));
	ck_assert(!memcmp(back, sd_bytes, sizeof(sd_bytes)));
	ntfs_inode_close(ni);
	ro_done(v);
}
END_TEST

/* Data that cannot reach the image makes nl_writer_close fail. */
START_TEST(test_close_error)
{
	struct nl_writer *w = wopen();
	struct rlimit rl = { 4096, 4096 }, old;
	uint64_t f;
	int rc;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "doomed", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "data", 4), 0);
	/* from now on no write past 4 KiB succeeds: the records, at 16 KiB and
	 * beyond, are written when inodes are closed */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	rc = nl_writer_close(&w);
	setrlimit(RLIMIT_FSIZE, &old);
	ck_assert_msg(rc < 0, "close reported success although nothing could be written");
	ck_assert_ptr_null(w);
	ck_assert_int_eq(nl_writer_close(&w), 0);
}
END_TEST

START_TEST(test_many_files_cache)
{
	/* more files than the inode cache holds, each in its own directory and
	 * all linked into one: exercises eviction while names are synced */
	struct nl_writer *w = wopen();
	uint64_t hub, d, f;
	char name[32];
	ntfs_volume *v;
	ntfs_inode *ni;
	int i;

	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "hub", NL_NS_POSIX, NL_NODE_DIR, &hub), 0);
	for (i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "dir%04d", i);
		ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, name, NL_NS_POSIX, NL_NODE_DIR, &d), 0);
		ck_assert_int_eq(nl_writer_create_u8(w, d, "file", NL_NS_POSIX, NL_NODE_FILE, &f), 0);
		ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, name, strlen(name)), 0);
		ck_assert_int_eq(nl_writer_link_u8(w, f, hub, name, NL_NS_POSIX), 0);
	}
	ck_assert_int_eq(nl_writer_flush(w), 0);
	/* after a flush the image file holds everything, the writer still open
	 * (read through the library's device: libntfs-3g's own would find the
	 * file locked by the writer) */
	ck_assert_int_eq(ntfs_mount(image, NTFS_MNT_RDONLY) == NULL && errno == EAGAIN, 1);
	ck_assert_int_eq(nl_device_mount(image, 0, 0, false, 0, &v), 0);
	ntfs_inode_close(lookup(v, "/dir1499/file"));
	ntfs_inode_close(lookup(v, "/hub/dir1499"));
	ck_assert_int_eq(nl_device_umount(&v), 0);
	ck_assert_int_eq(nl_writer_link_u8(w, f, hub, "after flush", NL_NS_POSIX), 0);
	wclose(&w);

	v = ro();
	ntfs_inode_close(lookup(v, "/hub/after flush"));
	ni = lookup(v, "/hub/dir1234");
	{
		char back[16] = {0};
		s64 size;
		ck_assert_int_eq(read_stream(ni, NULL, back, 7, &size), 7);
		ck_assert_int_eq(size, 7);
		ck_assert_str_eq(back, "dir1234");
	}
	ntfs_inode_close(ni);
	ntfs_inode_close(lookup(v, "/dir0000/file"));
	ro_done(v);
}
END_TEST

/* A volume inside a disk image, 1 MiB in: written at its offset only. */
/* deterministic pseudo-random numbers for the cache test */
static uint32_t rnd_state;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/*
 * The writer's device cache (writer_dev.c) against a plain model: random
 * reads and writes of every size class (1-byte bitmap updates, records,
 * blocks, I/O large enough to bypass the cache) over free clusters of the
 * volume, with a cache of only 16 blocks so that dirty blocks are evicted
 * and merged all the time. Every read must see the latest writes; after
 * the unmount the image file must hold exactly the model.
 */
START_TEST(test_device_cache)
{
	const uint64_t base = 12u << 20, len = 2u << 20;	/* free: 12-14 MiB */
	static uint8_t model[2u << 20], got[64 * 1024], data[64 * 1024];
	unsigned old_cap = nl_w_dev_cap;
	ntfs_volume *vol;
	int fd, i;
	size_t k;

	fd = open(image, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, model, len, (off_t)base), (ssize_t)len);
	close(fd);
	nl_w_dev_cap = 16;
	ck_assert_int_eq(nl_w_dev_mount(image, 0, false, &vol), 0);
	nl_w_dev_cap = old_cap;
	rnd_state = 42;
	for (i = 0; i < 4000; i++) {
		uint32_t kind = rnd() % 8, n;
		uint64_t off;

		switch (rnd() % 4) {
		case 0: n = 1 + rnd() % 8; break;		/* bitmap bytes */
		case 1: n = 1024 * (1 + rnd() % 4); break;	/* records, blocks */
		case 2: n = 1 + rnd() % 12000; break;		/* anything cached */
		default: n = 16 * 1024 + rnd() % (48 * 1024); break; /* direct */
		}
		off = rnd() % (len - n);
		if (rnd() % 2)
			off &= ~(uint64_t)1023;
		if (kind < 4) {
			for (k = 0; k < n; k++)
				data[k] = (uint8_t)rnd();
			ck_assert_int_eq(ntfs_pwrite(vol->dev, (s64)(base + off), n, data), n);
			memcpy(model + off, data, n);
		} else {
			ck_assert_int_eq(ntfs_pread(vol->dev, (s64)(base + off), n, got), n);
			ck_assert_msg(!memcmp(got, model + off, n),
				      "op %d: read of %u bytes at %llu differs", i, n,
				      (unsigned long long)off);
		}
	}
	ck_assert_int_eq(ntfs_umount(vol, FALSE), 0);
	fd = open(image, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	for (k = 0; k < len; k += sizeof(got)) {
		ck_assert_int_eq(pread(fd, got, sizeof(got), (off_t)(base + k)), (ssize_t)sizeof(got));
		ck_assert_msg(!memcmp(got, model + k, sizeof(got)), "image differs at %zu", k);
	}
	close(fd);
}
END_TEST

/* The read cache (nl_w_dev_read_cache) on a read-only mount: random reads
 * of record, index-block, byte and file-content sizes all over the image,
 * with 16 cached blocks, must return what the image file holds. */
START_TEST(test_read_cache)
{
	static uint8_t img[16u << 20], got[64 * 1024];
	const uint32_t sizes[] = { 1, 3, 80, 1024, 4096, 5000, 20000 };
	ntfs_volume *vol;
	int fd, i;

	fd = open(image, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, img, sizeof(img), 0), (ssize_t)sizeof(img));
	close(fd);
	ck_assert_int_eq(nl_device_mount(image, 0, 0, false, 0, &vol), 0);
	ck_assert_int_eq(nl_w_dev_read_cache(vol, 16), 0);
	ck_assert_int_eq(nl_w_dev_read_cache(vol, 16), -EINVAL);	/* once */
	rnd_state = 7;
	for (i = 0; i < 3000; i++) {
		uint32_t n = sizes[rnd() % 7];
		uint64_t off = rnd() % (sizeof(img) - n);

		if (rnd() % 2)
			off &= ~(uint64_t)1023;
		ck_assert_int_eq(ntfs_pread(vol->dev, (s64)off, n, got), n);
		ck_assert_msg(!memcmp(got, img + off, n), "read %d: %u bytes at %llu differ",
			      i, n, (unsigned long long)off);
	}
	ck_assert_int_eq(ntfs_pwrite(vol->dev, 0, 1, got), -1);	/* read-only */
	ck_assert_int_eq(nl_device_umount(&vol), 0);
}
END_TEST

START_TEST(test_offset)
{
	char disk[320], part[320], cmd[1024];
	unsigned char head[4096];
	struct nl_writer *w = NULL;
	uint64_t f;
	ntfs_volume *v;
	ntfs_inode *ni;
	FILE *fp;
	size_t i;

	snprintf(disk, sizeof(disk), "%s/disk.img", tmpdir);
	snprintf(part, sizeof(part), "%s/part.img", tmpdir);
	/* 1 MiB of 0xAB, then the formatted volume */
	snprintf(cmd, sizeof(cmd), "head -c 1048576 /dev/zero | tr '\\000' '\\253' >'%s' && cat '%s' >>'%s'",
		 disk, image, disk);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(nl_writer_open(disk, 1 << 20, 0, &w), 0);
	ck_assert_int_eq(nl_writer_create_u8(w, NL_WRITER_ROOT, "in-partition.txt", NL_NS_POSIX,
					     NL_NODE_FILE, &f), 0);
	ck_assert_int_eq(nl_writer_write(w, f, NULL, 0, 0, "offset", 6), 0);
	wclose(&w);
	/* the bytes before the partition are untouched */
	fp = fopen(disk, "rb");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < 256; i++) {
		ck_assert_uint_eq(fread(head, 1, sizeof(head), fp), sizeof(head));
		for (size_t k = 0; k < sizeof(head); k++)
			ck_assert_uint_eq(head[k], 0xAB);
	}
	fclose(fp);
	/* the partition, cut out, is a volume holding the file */
	snprintf(cmd, sizeof(cmd), "tail -c +1048577 '%s' >'%s'", disk, part);
	ck_assert_int_eq(system(cmd), 0);
	v = ntfs_mount(part, NTFS_MNT_RDONLY);
	ck_assert_ptr_nonnull(v);
	ni = ntfs_pathname_to_inode(v, NULL, "/in-partition.txt");
	ck_assert_ptr_nonnull(ni);
	{
		char back[8] = {0};
		s64 size;
		ck_assert_int_eq(read_stream(ni, NULL, back, 6, &size), 6);
		ck_assert_str_eq(back, "offset");
	}
	ntfs_inode_close(ni);
	ck_assert_int_eq(ntfs_umount(v, FALSE), 0);
	/* no NTFS at the wrong offset */
	ck_assert_int_ne(nl_writer_open(disk, 4096, 0, &w), 0);
	ck_assert_ptr_null(w);
	unlink(disk);
	unlink(part);
}
END_TEST

static Suite *writer_suite(void)
{
	Suite *s = suite_create("writer");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_create_namespaces);
	tcase_add_test(tc, test_data_streams);
	tcase_add_test(tc, test_sparse);
	tcase_add_test(tc, test_hardlinks_limit);
	tcase_add_test(tc, test_build_link_reparse);
	tcase_add_test(tc, test_reparse);
	tcase_add_test(tc, test_dos_names);
	tcase_add_test(tc, test_attributes_times);
	tcase_add_test(tc, test_unlink);
	tcase_add_test(tc, test_security);
	tcase_add_test(tc, test_close_error);
	tcase_add_test(tc, test_many_files_cache);
	tcase_add_test(tc, test_offset);
	tcase_add_test(tc, test_device_cache);
	tcase_add_test(tc, test_read_cache);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(writer_suite());
}
