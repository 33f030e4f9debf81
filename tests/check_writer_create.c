/* check_writer_create.c: Check suite for creating with the writer (writer.h): formatting, names in their namespaces, data and sparse streams, DOS names, attributes and times, security descriptors; read back through libntfs-3g. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#include <ntfslinks/writer.h>

#include "testutil.h"
#include "writer_util.h"

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

static Suite *suite(void)
{
	Suite *s = suite_create("writer_create");
	TCase *tc = writer_tcase();

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_create_namespaces);
	tcase_add_test(tc, test_data_streams);
	tcase_add_test(tc, test_sparse);
	tcase_add_test(tc, test_dos_names);
	tcase_add_test(tc, test_attributes_times);
	tcase_add_test(tc, test_security);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
