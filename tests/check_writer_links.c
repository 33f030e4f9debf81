/* check_writer_links.c: Check suite for the links the writer makes (writer.h, reparse.h): hard links up to the limit, reparse points and their tags, unlinking; read back through libntfs-3g. */
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

#include <ntfslinks/reparse.h>
#include <ntfslinks/writer.h>

#include "testutil.h"
#include "writer_util.h"

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

static Suite *suite(void)
{
	Suite *s = suite_create("writer_links");
	TCase *tc = writer_tcase();

	tcase_add_test(tc, test_hardlinks_limit);
	tcase_add_test(tc, test_build_link_reparse);
	tcase_add_test(tc, test_reparse);
	tcase_add_test(tc, test_unlink);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
