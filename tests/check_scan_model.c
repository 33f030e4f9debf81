/* check_scan_model.c: Check suite for nl_scan and the link model on the fixture built here through libntfs-3g: names, hardlink groups, reparse data, streams, times, lookups, deleted and orphaned records, on 512- and 4096-byte sectors and from the bare $MFT. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/runlist.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/analysis.h>
#include "image/device_int.h"
#include "testutil.h"
#include "scan_util.h"

/* ---- the fixture as the model must see it -------------------------------------- */

static void check_links(const nl_model *m, const struct fx *x, bool raw)
{
	char buf[8192];
	struct nl_record_info ri;
	struct nl_scan_stats st;

	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.hardlink_groups, 2);
	ck_assert_uint_eq(st.hardlink_names, 43);
	ck_assert_uint_ge(st.extension, 1);
	ck_assert_uint_eq(st.reparse_points, 3 + 0 /* $Extend files carry none */);
	ck_assert_uint_eq(st.dos_names, 1);
	ck_assert_uint_eq(st.problems, 0);

	names_of(m, x->f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/dir1/file.txt|/dir1/sub/link2.txt|/dir2/link1.txt");
	ck_assert_int_eq(nl_model_record(m, x->f, &ri), 0);
	ck_assert_uint_eq(ri.names, 3);
	ck_assert_uint_eq(ri.dos_names, 0);
	ck_assert_uint_eq(ri.link_count, 3);
	ck_assert(ri.flags & NL_REC_IN_USE);
	ck_assert(!(ri.flags & NL_REC_DIRECTORY));

	/* 40 names across extension records */
	ck_assert_int_eq(nl_model_record(m, x->m, &ri), 0);
	ck_assert_uint_eq(ri.names, 40);
	ck_assert(ri.flags & NL_REC_ATTR_LIST);
	names_of(m, x->m, buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), 40 * strlen("/dir2/m00") + 39);
	ck_assert(strncmp(buf, "/dir2/m00|/dir2/m01|", 20) == 0);
	ck_assert(strstr(buf, "|/dir2/m39") != NULL);

	/* DOS alias, never a sibling */
	uint64_t cur = 0;
	struct nl_name nm;

	ck_assert_int_eq(nl_model_record(m, x->l, &ri), 0);
	ck_assert_uint_eq(ri.names, 1);
	ck_assert_uint_eq(ri.dos_names, 1);
	ck_assert_uint_eq(ri.link_count, 2); /* the header counts the DOS name too */
	ck_assert_int_eq(nl_model_name_next(m, x->l, 0, &cur, &nm), 0);
	ck_assert_str_eq(nm.name, "Long File Name.txt");
	ck_assert_uint_eq(nm.name_space, NL_NS_WIN32);
	ck_assert_ptr_nonnull(nm.dos_alias);
	ck_assert_str_eq(nm.dos_alias, "LONGFI~1.TXT");
	ck_assert_uint_eq(nm.dos_len, 12);
	ck_assert_uint_eq(nm.parent, x->d1);
	ck_assert(!nm.orphan);
	ck_assert_int_eq(nl_model_name_next(m, x->l, 0, &cur, &nm), 1);
	cur = 0;
	ck_assert_int_eq(nl_model_name_next(m, x->l, NL_NAMES_WITH_DOS, &cur, &nm), 0);
	ck_assert_int_eq(nl_model_name_next(m, x->l, NL_NAMES_WITH_DOS, &cur, &nm), 0);
	ck_assert_int_eq(nl_model_name_next(m, x->l, NL_NAMES_WITH_DOS, &cur, &nm), 1);

	path_of(m, x->u, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/dir1/na\xc3\xafve-\xc3\xbc.txt");
	path_of(m, x->s, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/dir1/bad\xed\xa0\x80");
	path_of(m, NL_ROOT_MFT, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/");
	path_of(m, x->sub, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/dir1/sub");

	/* reparse points */
	uint32_t tag = 0;
	const uint8_t *data;
	size_t len;

	ck_assert_int_eq(nl_model_reparse(m, x->j, &tag, &data, &len), 0);
	ck_assert_uint_eq(tag, 0xA0000003u);
	ck_assert_uint_eq(len, x->junction_len);
	ck_assert_mem_eq(data, x->junction, len);
	ck_assert_int_eq(nl_model_record(m, x->j, &ri), 0);
	ck_assert(ri.flags & NL_REC_DIRECTORY);
	ck_assert(ri.flags & NL_REC_REPARSE);
	ck_assert_uint_eq(ri.reparse_tag, 0xA0000003u);
	ck_assert(ri.file_attributes & NL_FA_REPARSE_POINT);
	if (raw) {
		ck_assert_int_eq(nl_model_reparse(m, x->nr, &tag, &data, &len), -EIO);
		ck_assert_ptr_null(data);
		ck_assert_uint_eq(tag, 0xA000000Cu);  /* from an index copy (check_scan_reparse.c) */
		ck_assert_uint_eq(st.reparse_unreadable, 2);
		ck_assert_int_eq(nl_model_record(m, x->nr, &ri), 0);
		ck_assert(ri.flags & NL_REC_REPARSE_UNREADABLE);
		ck_assert_uint_eq(ri.reparse_tag, 0xA000000Cu);
		ck_assert_int_eq(nl_model_reparse(m, x->far, &tag, &data, &len), -EIO);
		ck_assert_uint_eq(tag, 0xA000000Cu);
	} else {
		ck_assert_int_eq(nl_model_reparse(m, x->nr, &tag, &data, &len), 0);
		ck_assert_uint_eq(tag, 0xA000000Cu);
		ck_assert_uint_eq(len, x->longlink_len);
		ck_assert_mem_eq(data, x->longlink, len);
		ck_assert_uint_eq(st.reparse_unreadable, 0);
		ck_assert_int_eq(nl_model_record(m, x->nr, &ri), 0);
		ck_assert(!(ri.flags & NL_REC_REPARSE_UNREADABLE));
		ck_assert_uint_eq(ri.reparse_tag, 0xA000000Cu);
		ck_assert_int_eq(nl_model_reparse(m, x->far, &tag, &data, &len), 0);
		ck_assert_uint_eq(len, x->longlink_len);
		ck_assert_mem_eq(data, x->longlink, len);
	}
	ck_assert_int_eq(nl_model_reparse(m, x->f, &tag, &data, &len), -ENOENT);

	/* iteration: exactly the two groups, exactly the three reparse points */
	uint64_t c = 0, mft, got[8];
	int n = 0;

	while (nl_model_next(m, NL_ITER_HARDLINKS, &c, &mft) == 0 && n < 8)
		got[n++] = mft;
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(got[0], x->f < x->m ? x->f : x->m);
	ck_assert_uint_eq(got[1], x->f < x->m ? x->m : x->f);
	c = 0;
	n = 0;
	while (nl_model_next(m, NL_ITER_REPARSE, &c, &mft) == 0 && n < 8)
		got[n++] = mft;
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(got[0], x->j);
	ck_assert_uint_eq(got[1], x->nr);
	ck_assert_uint_eq(got[2], x->far);
	ck_assert_int_eq(nl_model_next(m, NL_ITER_REPARSE, &c, &mft), 1);

	/* deleted records are not there without NL_SCAN_DELETED */
	ck_assert_int_eq(nl_model_record(m, x->g, &ri), -ENOENT);
	ck_assert_int_eq(nl_model_record(m, x->of, &ri), -ENOENT);
	ck_assert_uint_eq(st.deleted, 0);
}

/* ---- streams ------------------------------------------------------------------- */

struct strm {
	char name[64];
	uint64_t size, alloc, rec;
	bool resident, sparse, compressed;
};

struct strms {
	int n, stop_at;
	struct strm v[16];
};

static int on_stream(void *ctx, const struct nl_stream *s)
{
	struct strms *c = ctx;

	ck_assert_int_lt(c->n, 16);
	ck_assert_uint_eq(strlen(s->name), s->name_len);
	ck_assert_uint_lt(s->name_len, sizeof(c->v[0].name));
	struct strm *v = &c->v[c->n++];

	memcpy(v->name, s->name, s->name_len + 1);
	v->size = s->size;
	v->alloc = s->alloc_size;
	v->rec = s->in_record;
	v->resident = s->resident;
	v->sparse = s->sparse;
	v->compressed = s->compressed;
	ck_assert(!s->encrypted);
	return c->n == c->stop_at ? 42 : 0;
}

static int cmp_strm(const void *a, const void *b)
{
	return strcmp(((const struct strm *)a)->name, ((const struct strm *)b)->name);
}

/* the $DATA attributes of record @mft as libntfs-3g sees them, sorted by name */
static void ntfs3g_streams(const char *path, uint64_t mft, struct strms *c)
{
	ntfs_volume *vol;
	ntfs_inode *ni;
	ntfs_attr_search_ctx *ctx;

	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(nl_device_mount(path, 0, 0, false, 0, &vol), 0);
	ni = ntfs_inode_open(vol, (MFT_REF)mft);
	ck_assert_ptr_nonnull(ni);
	ctx = ntfs_attr_get_search_ctx(ni, NULL);
	ck_assert_ptr_nonnull(ctx);
	while (!ntfs_attr_lookup(AT_DATA, NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		ATTR_RECORD *a = ctx->attr;
		char *name = NULL;
		struct strm *v;

		if (a->non_resident && sle64_to_cpu(a->lowest_vcn) != 0)
			continue;
		ck_assert_int_lt(c->n, 16);
		v = &c->v[c->n++];
		if (a->name_length) {
			ck_assert_int_gt(ntfs_ucstombs((ntfschar *)((u8 *)a + le16_to_cpu(a->name_offset)),
						       a->name_length, &name, 0), 0);
			snprintf(v->name, sizeof(v->name), "%s", name);
			free(name);
		}
		v->resident = !a->non_resident;
		v->sparse = a->flags & ATTR_IS_SPARSE;
		v->compressed = a->flags & ATTR_COMPRESSION_MASK;
		v->rec = ctx->ntfs_ino->mft_no;
		if (a->non_resident) {
			v->size = (uint64_t)sle64_to_cpu(a->data_size);
			v->alloc = (uint64_t)sle64_to_cpu((v->sparse || v->compressed) ? a->compressed_size
											 : a->allocated_size);
		} else {
			v->size = le32_to_cpu(a->value_length);
		}
	}
	ntfs_attr_put_search_ctx(ctx);
	ck_assert_int_eq(ntfs_inode_close(ni), 0);
	ck_assert_int_eq(nl_device_umount(&vol), 0);
	qsort(c->v, (size_t)c->n, sizeof(c->v[0]), cmp_strm);
}

static void streams_of(const nl_model *m, uint64_t mft, struct strms *c)
{
	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(nl_model_streams(m, mft, on_stream, c), 0);
}

/* check_streams: the streams of the fixture from @m, against how they were
 * built and against libntfs-3g reading image @path */
static void check_streams(const nl_model *m, const struct fx *x, const char *path, uint32_t rs)
{
	struct strms got, want;
	uint64_t records[] = { x->st, x->pk, x->m, x->f, x->nr, x->j };

	/* streams.bin, in disk order: unnamed first, then by name (NTFS keeps
	 * the attributes of a record sorted by type, then name) */
	streams_of(m, x->st, &got);
	ck_assert_int_eq(got.n, 4);
	ck_assert_str_eq(got.v[0].name, "");
	ck_assert_uint_eq(got.v[0].size, 6000);
	ck_assert(!got.v[0].resident);
	ck_assert_uint_eq(got.v[0].alloc, 8192);  /* two 4 KiB clusters */
	ck_assert_str_eq(got.v[1].name, "ads");
	ck_assert_uint_eq(got.v[1].size, 10);
	ck_assert(got.v[1].resident);
	ck_assert_uint_eq(got.v[1].alloc, 0);
	ck_assert_str_eq(got.v[2].name, "holes");
	ck_assert_uint_eq(got.v[2].size, 1 << 20);
	ck_assert(got.v[2].sparse && !got.v[2].compressed && !got.v[2].resident);
	ck_assert_uint_gt(got.v[2].alloc, 0);
	ck_assert_uint_le(got.v[2].alloc, 65536);  /* at most one compression unit is allocated */
	ck_assert_str_eq(got.v[3].name, "zon\xc3\xa9\xf0\x9f\x98\x80");
	ck_assert_uint_eq(got.v[3].size, 5000);
	ck_assert_uint_eq(got.v[3].alloc, 8192);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(got.v[i].rec, x->st);
	/* packed.txt: 64 KiB of a 21-byte pattern, compressed into fewer clusters */
	streams_of(m, x->pk, &got);
	ck_assert_int_eq(got.n, 1);
	ck_assert_str_eq(got.v[0].name, "");
	ck_assert_uint_eq(got.v[0].size, 65536);
	ck_assert(got.v[0].compressed && !got.v[0].resident);
	ck_assert_uint_lt(got.v[0].alloc, 65536);
	ck_assert_uint_gt(got.v[0].alloc, 0);
	/* m00: the empty unnamed stream and "ext"; with 1 KiB records the base
	 * is full of names and "ext" sits in an extension record */
	streams_of(m, x->m, &got);
	ck_assert_int_eq(got.n, 2);
	qsort(got.v, (size_t)got.n, sizeof(got.v[0]), cmp_strm);
	ck_assert_str_eq(got.v[0].name, "");
	ck_assert_uint_eq(got.v[0].size, 0);
	ck_assert_str_eq(got.v[1].name, "ext");
	ck_assert_uint_eq(got.v[1].size, 22);
	ck_assert(got.v[1].resident);
	if (rs == 1024)
		ck_assert_uint_ne(got.v[1].rec, x->m);
	/* the model's totals agree */
	struct nl_record_info ri;

	ck_assert_int_eq(nl_model_record(m, x->st, &ri), 0);
	ck_assert_uint_eq(ri.stream_count, 3);
	ck_assert_uint_eq(ri.streams_size, 10 + 5000 + (1 << 20));
	ck_assert_uint_eq(ri.data_size, 6000);
	/* every record against libntfs-3g */
	for (size_t k = 0; k < sizeof(records) / sizeof(records[0]); k++) {
		streams_of(m, records[k], &got);
		ntfs3g_streams(path, records[k], &want);
		qsort(got.v, (size_t)got.n, sizeof(got.v[0]), cmp_strm);
		ck_assert_int_eq(got.n, want.n);
		for (int i = 0; i < got.n; i++) {
			ck_assert_str_eq(got.v[i].name, want.v[i].name);
			ck_assert_uint_eq(got.v[i].size, want.v[i].size);
			ck_assert_uint_eq(got.v[i].alloc, want.v[i].alloc);
			ck_assert_uint_eq(got.v[i].rec, want.v[i].rec);
			ck_assert_int_eq(got.v[i].resident, want.v[i].resident);
			ck_assert_int_eq(got.v[i].sparse, want.v[i].sparse);
			ck_assert_int_eq(got.v[i].compressed, want.v[i].compressed);
		}
	}
	/* a directory has none; the callback stops the walk; unknown records */
	streams_of(m, x->d1, &got);
	ck_assert_int_eq(got.n, 0);
	memset(&got, 0, sizeof(got));
	got.stop_at = 2;
	ck_assert_int_eq(nl_model_streams(m, x->st, on_stream, &got), 42);
	ck_assert_int_eq(got.n, 2);
	ck_assert_int_eq(nl_model_streams(m, x->g, on_stream, &got), -ENOENT);
	ck_assert_int_eq(nl_model_streams(m, UINT64_MAX, on_stream, &got), -ENOENT);
}

START_TEST(test_scan_fixture)
{
	nl_volume *v = NULL;
	struct probs pr;
	char h1[65], h2[65];

	ck_assert_int_eq(tu_sha256_file(img, h1), 0);
	nl_model *m = scan(img, 0, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	check_links(m, &fx, false);
	check_streams(m, &fx, img, 1024);
	ck_assert_ptr_eq(nl_model_volume(m), v);
	struct nl_times t;

	ck_assert_int_eq(nl_model_times(m, fx.f, &t), 0);
	ck_assert_int_gt(t.crtime, 0);
	ck_assert_int_ge(t.mtime, t.crtime);
	nl_model_free(&m);
	ck_assert_ptr_null(m);
	nl_volume_close(&v);
	ck_assert_int_eq(tu_sha256_file(img, h2), 0);
	ck_assert_str_eq(h1, h2);
}
END_TEST

START_TEST(test_scan_4k)
{
	nl_volume *v = NULL;
	struct probs pr;
	nl_model *m = scan(img4k, 0, &v, &pr);

	ck_assert_uint_eq(nl_volume_record_size(v), 4096);
	ck_assert_int_eq(pr.n, 0);
	check_links(m, &fx4k, false);
	check_streams(m, &fx4k, img4k, 4096);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

START_TEST(test_scan_raw_mft)
{
	char p[4300], cmd[9000];
	nl_volume *v = NULL;
	struct probs pr;

	snprintf(p, sizeof(p), "%s/fx.mft", tmpdir);
	snprintf(cmd, sizeof(cmd), "ntfscat '%s' '$MFT' > '%s'", img, p);
	ck_assert_int_eq(system(cmd), 0);
	nl_model *m = scan(p, 0, &v, &pr);

	ck_assert(nl_volume_is_raw_mft(v));
	ck_assert_int_eq(pr.n, 0);
	check_links(m, &fx, true);
	check_streams(m, &fx, img, 1024);  /* the same from the bare $MFT */
	/* times come from the raw file too */
	struct nl_times t;

	ck_assert_int_eq(nl_model_times(m, fx.f, &t), 0);
	ck_assert_int_gt(t.crtime, 0);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST
START_TEST(test_deleted_and_orphans)
{
	nl_volume *v = NULL;
	struct probs pr;
	char buf[1024];
	unsigned pf = 0;
	struct nl_record_info ri;
	struct nl_scan_stats st;
	nl_model *m = scan(img, NL_SCAN_DELETED, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.deleted, 3);
	ck_assert_uint_eq(st.hardlink_groups, 2);
	ck_assert_int_eq(nl_model_record(m, fx.g, &ri), 0);
	ck_assert(ri.flags & NL_REC_DELETED);
	ck_assert(!(ri.flags & NL_REC_IN_USE));
	path_of(m, fx.g, buf, sizeof(buf), &pf);
	ck_assert_str_eq(buf, "/dir2/gone.txt");
	ck_assert_uint_eq(pf, NL_PATH_DELETED);
	/* a deleted directory keeps its deleted child: the child's parent
	 * reference has the sequence number from before the directory was freed */
	path_of(m, fx.od, buf, sizeof(buf), &pf);
	ck_assert_str_eq(buf, "/olddir");
	ck_assert_uint_eq(pf, NL_PATH_DELETED);
	path_of(m, fx.of, buf, sizeof(buf), &pf);
	ck_assert_str_eq(buf, "/olddir/f.txt");
	ck_assert_uint_eq(pf, NL_PATH_DELETED);
	ck_assert_int_eq(nl_model_is_under(m, fx.of, fx.od), 1);
	path_of(m, fx.nd, buf, sizeof(buf), &pf);
	ck_assert_str_eq(buf, "/newdir");
	ck_assert_uint_eq(pf, 0);
	/* iteration of deleted records only */
	uint64_t c = 0, mft;
	int n = 0;

	while (nl_model_next(m, NL_ITER_ONLY_DELETED, &c, &mft) == 0)
		n++;
	ck_assert_int_eq(n, 3);
	/* default iteration leaves them out */
	c = 0;
	while (nl_model_next(m, NL_ITER_ALL, &c, &mft) == 0)
		ck_assert(mft != fx.g && mft != fx.of);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

START_TEST(test_lookup_and_ancestry)
{
	nl_volume *v = NULL;
	struct probs pr;
	uint64_t mft = 0;
	uint32_t id = 0;
	nl_model *m = scan(img, 0, &v, &pr);

	ck_assert_int_eq(nl_model_index_children(m), 0);
	ck_assert_int_eq(nl_model_lookup_path(m, "/DIR1/long file name.TXT", &mft), 0);
	ck_assert_uint_eq(mft, fx.l);
	ck_assert_int_eq(nl_model_lookup_path(m, "C:\\dir1\\LONGFI~1.TXT", &mft), 0);
	ck_assert_uint_eq(mft, fx.l);
	ck_assert_int_eq(nl_model_lookup_path(m, "/dir1/sub/../FILE.txt", &mft), 0);
	ck_assert_uint_eq(mft, fx.f);
	ck_assert_int_eq(nl_model_lookup_path(m, "dir2\\M39", &mft), 0);
	ck_assert_uint_eq(mft, fx.m);
	ck_assert_int_eq(nl_model_lookup_path(m, "/NA\xc3\x8fVE-\xc3\x9c.TXT", &mft), -ENOENT);
	ck_assert_int_eq(nl_model_lookup_path(m, "/dir1/NA\xc3\x8fVE-\xc3\x9c.TXT", &mft), 0);
	ck_assert_uint_eq(mft, fx.u);
	ck_assert_int_eq(nl_model_lookup_path(m, "/dir1/bad\xed\xa0\x80", &mft), 0);
	ck_assert_uint_eq(mft, fx.s);
	ck_assert_int_eq(nl_model_lookup_path(m, "/", &mft), 0);
	ck_assert_uint_eq(mft, NL_ROOT_MFT);
	ck_assert_int_eq(nl_model_lookup_path(m, "/dir1/file.txt/x", &mft), -ENOTDIR);
	ck_assert_int_eq(nl_model_lookup_path(m, "/nope", &mft), -ENOENT);
	ck_assert_int_eq(nl_model_lookup_path(m, "/dir2/gone.txt", &mft), -ENOENT);
	ck_assert_int_eq(nl_model_lookup_child(m, fx.d2, "LINK1.TXT", 9, &mft, &id), 0);
	ck_assert_uint_eq(mft, fx.f);
	struct nl_name nm;

	ck_assert_int_eq(nl_model_name_get(m, id, &nm), 0);
	ck_assert_str_eq(nm.name, "link1.txt");
	ck_assert_uint_eq(nm.parent, fx.d2);
	ck_assert_int_eq(nl_model_name_is_under(m, id, fx.d2), 1);
	ck_assert_int_eq(nl_model_name_is_under(m, id, fx.d1), 0);
	/* any name counts for the record */
	ck_assert_int_eq(nl_model_is_under(m, fx.f, fx.sub), 1);
	ck_assert_int_eq(nl_model_is_under(m, fx.f, fx.d2), 1);
	ck_assert_int_eq(nl_model_is_under(m, fx.f, fx.j), 0);
	ck_assert_int_eq(nl_model_is_under(m, fx.l, fx.d2), 0);
	ck_assert_int_eq(nl_model_is_under(m, fx.sub, fx.d1), 1);
	ck_assert_int_eq(nl_model_is_under(m, fx.d1, fx.d1), 1);
	ck_assert_int_eq(nl_model_is_under(m, fx.m, NL_ROOT_MFT), 1);
	ck_assert_int_eq(nl_model_is_under(m, fx.d1, fx.sub), 0);
	/* a path buffer too small */
	char small[8];
	size_t len = 0;

	ck_assert_int_eq(nl_model_record_path(m, fx.sub, small, sizeof(small), &len, NULL), -ERANGE);
	ck_assert_uint_eq(len, strlen("/dir1/sub"));
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

static int cancel_cb(void *ctx, uint64_t done, uint64_t total)
{
	(*(int *)ctx)++;
	return done <= total;  /* always true: stop at the first call */
}

START_TEST(test_progress_cancel)
{
	char err[NL_ERRMSG_SIZE];
	nl_volume *v = NULL;
	nl_model *m = (nl_model *)1;
	int calls = 0;
	struct nl_scan_options o = { .progress = cancel_cb, .progress_ctx = &calls };

	ck_assert_int_eq(nl_volume_open(img, NULL, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(nl_scan(v, &o, &m), -ECANCELED);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(calls, 1);
	nl_volume_close(&v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("scan_model");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_scan_fixture);
	tcase_add_test(tc, test_scan_4k);
	tcase_add_test(tc, test_scan_raw_mft);
	tcase_add_test(tc, test_deleted_and_orphans);
	tcase_add_test(tc, test_lookup_and_ancestry);
	tcase_add_test(tc, test_progress_cancel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	scan_fixture_setup("check_scan_model", SCAN_FX_512 | SCAN_FX_4K);
	rc = tu_run_suite(suite());
	scan_fixture_cleanup("check_scan_model");
	return rc;
}
