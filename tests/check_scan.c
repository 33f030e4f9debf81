/* check_scan.c: Check suite for nl_scan and the link model, on images built here through libntfs-3g and on the corpus. */
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
#include <ntfs-3g/reparse.h>
#include <ntfs-3g/runlist.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/analysis.h>
#include "image/device_int.h"
#include "testutil.h"

static char tmpdir[4096];
static char img[4200], img4k[4200];

/* record numbers of the fixture, filled in when it is built */
static struct fx {
	uint64_t d1, d2, sub, f, l, u, s, j, m, nr, g, od, of, nd, st, pk, few, far;
	uint8_t junction[64];
	size_t junction_len;
	uint8_t *longlink;
	size_t longlink_len;
	uint64_t mft_offset;  /* byte offset of $MFT record 0 in the image */
} fx, fx4k;

/* ---- building the fixture with libntfs-3g ------------------------------------ */

static void die(const char *what)
{
	fprintf(stderr, "check_scan: building the fixture: %s: %s\n", what, strerror(errno));
	tu_rmtree(tmpdir);
	exit(EXIT_FAILURE);
}

static ntfs_inode *mk(ntfs_inode *dir, const char *name, mode_t type)
{
	ntfschar *u = NULL;
	int len = ntfs_mbstoucs(name, &u);
	ntfs_inode *ni;

	if (len < 0)
		die(name);
	ni = ntfs_create(dir, const_cpu_to_le32(0), u, (u8)len, type);
	free(u);
	if (!ni)
		die(name);
	return ni;
}

static ntfs_inode *mk16(ntfs_inode *dir, const ntfschar *u, int len, mode_t type)
{
	ntfs_inode *ni = ntfs_create(dir, const_cpu_to_le32(0), (ntfschar *)u, (u8)len, type);

	if (!ni)
		die("utf-16 name");
	return ni;
}

static void ln(ntfs_inode *ni, ntfs_inode *dir, const char *name)
{
	ntfschar *u = NULL;
	int len = ntfs_mbstoucs(name, &u);

	if (len < 0 || ntfs_link(ni, dir, u, (u8)len))
		die(name);
	free(u);
}

static void cl(ntfs_inode *ni)
{
	char what[64];

	snprintf(what, sizeof(what), "closing inode %llu", (unsigned long long)ni->mft_no);
	if (ntfs_inode_close(ni))
		die(what);
}

static ntfs_inode *op(ntfs_volume *vol, const char *path)
{
	ntfs_inode *ni = ntfs_pathname_to_inode(vol, NULL, path);

	if (!ni)
		die(path);
	return ni;
}

static void del(ntfs_volume *vol, const char *dirpath, const char *name)
{
	char full[512];
	ntfschar *u = NULL;
	int len = ntfs_mbstoucs(name, &u);

	snprintf(full, sizeof(full), "%s/%s", strcmp(dirpath, "/") ? dirpath : "", name);
	/* the file first, then its directory (the lookup goes through it) */
	ntfs_inode *ni = op(vol, full);
	ntfs_inode *dir = op(vol, dirpath);

	if (ntfs_delete(vol, full, ni, dir, u, (u8)len))  /* closes ni and dir */
		die(full);
	free(u);
}

/* link_buf: a junction (tag 0xA0000003) or symlink (0xA000000C) reparse buffer
 * whose substitute and print names are @n copies of @ch (ASCII). */
static size_t link_buf(uint8_t *b, uint32_t tag, const char *prefix, size_t n, char ch)
{
	bool sym = tag == 0xA000000Cu;
	size_t plen = strlen(prefix), units = plen + n, hdr = sym ? 12 : 8;
	size_t dlen = hdr + 4 * units;

	tu_put32(b, tag);
	b[4] = (uint8_t)dlen;
	b[5] = (uint8_t)(dlen >> 8);
	b[6] = b[7] = 0;
	uint8_t *d = b + 8;

	memset(d, 0, hdr);
	d[2] = (uint8_t)(2 * units);
	d[3] = (uint8_t)((2 * units) >> 8);
	d[4] = d[2];
	d[5] = d[3];
	d[6] = d[2];
	d[7] = d[3];
	for (size_t i = 0; i < 2 * units; i++) {
		char c = i % units < plen ? prefix[i % units] : ch;

		d[hdr + 2 * i] = (uint8_t)c;
		d[hdr + 2 * i + 1] = 0;
	}
	return 8 + dlen;
}

/* Every step opens what it needs by path and closes it again, as the FUSE
 * driver does: libntfs-3g does not share open inodes between lookups. */
static uint64_t create(ntfs_volume *vol, const char *dirpath, const char *name, mode_t type)
{
	ntfs_inode *dir = op(vol, dirpath), *ni = mk(dir, name, type);
	uint64_t mft = ni->mft_no;

	cl(ni);
	cl(dir);
	return mft;
}

static void link_to(ntfs_volume *vol, const char *target, const char *dirpath, const char *name)
{
	ntfs_inode *ni = op(vol, target), *dir = op(vol, dirpath);

	ln(ni, dir, name);
	cl(ni);
	cl(dir);
}

static void set_reparse(ntfs_volume *vol, const char *path, const uint8_t *data, size_t len)
{
	ntfs_inode *ni = op(vol, path);

	if (ntfs_set_ntfs_reparse_data(ni, (const char *)data, len, 0))
		die(path);
	cl(ni);
}

/* add_stream: create stream @name (UTF-8; NULL = the unnamed one, which exists)
 * of @ni and write @len bytes of @data at @off. */
static void add_stream(ntfs_inode *ni, const char *name, const void *data, size_t len, s64 off)
{
	ntfschar *u = NULL;
	int ulen = 0;
	ntfs_attr *na;

	if (name) {
		ulen = ntfs_mbstoucs(name, &u);
		if (ulen < 0 || ntfs_attr_add(ni, AT_DATA, u, (u8)ulen, NULL, 0))
			die(name);
	}
	na = ntfs_attr_open(ni, AT_DATA, name ? u : AT_UNNAMED, (u32)ulen);
	if (!na || ntfs_attr_pwrite(na, off, (s64)len, data) != (s64)len)
		die(name ? name : "unnamed stream");
	ntfs_attr_close(na);
	free(u);
}

/* streams.bin: unnamed non-resident data, a resident named stream, a named
 * stream with a non-BMP name, a sparse one; packed.txt: compressed; m00 (40
 * names, base record full) gets a named stream that has to go to an extension
 * record. */
static void build_streams(ntfs_volume *vol, struct fx *x)
{
	static char data[65536];
	ntfs_inode *ni;
	ntfs_attr *na = NULL;
	ntfschar *u = NULL;
	int ulen;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = "streams of ntfslinks "[i % 21];
	x->st = create(vol, "/dir2", "streams.bin", S_IFREG);
	ni = op(vol, "/dir2/streams.bin");
	add_stream(ni, NULL, data, 6000, 0);
	add_stream(ni, "ads", "0123456789", 10, 0);
	add_stream(ni, "zon\xc3\xa9\xf0\x9f\x98\x80", data, 5000, 0);
	/* a hole, 100 bytes at 512 KiB, a hole up to 1 MiB */
	ulen = ntfs_mbstoucs("holes", &u);
	if (ulen < 0 || ntfs_attr_add(ni, AT_DATA, u, (u8)ulen, NULL, 0) ||
	    !(na = ntfs_attr_open(ni, AT_DATA, u, (u32)ulen)) || ntfs_attr_force_non_resident(na) ||
	    ntfs_attr_pwrite(na, 512 * 1024, 100, data) != 100 || ntfs_attr_truncate(na, 1 << 20))
		die("sparse stream");
	if (!(na->data_flags & ATTR_IS_SPARSE)) {
		errno = EINVAL;
		die("the stream did not become sparse");
	}
	ntfs_attr_close(na);
	free(u);
	cl(ni);

	x->pk = create(vol, "/dir2", "packed.txt", S_IFREG);
	ni = op(vol, "/dir2/packed.txt");
	ni->flags |= FILE_ATTR_COMPRESSED;
	NInoFileNameSetDirty(ni);
	ntfs_inode_mark_dirty(ni);
	na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);
	if (!na || !(na->data_flags & ATTR_COMPRESSION_MASK) ||
	    ntfs_attr_pwrite(na, 0, sizeof(data), data) != (s64)sizeof(data) || ntfs_attr_pclose(na))
		die("compressed stream");
	ntfs_attr_close(na);
	cl(ni);

	ni = op(vol, "/dir2/m00");
	add_stream(ni, "ext", "in an extension record", 22, 0);
	cl(ni);
}

static void build(const char *path, uint64_t size, const char *mkopts, struct fx *x)
{
	ntfs_volume *vol;
	ntfs_inode *dir, *ni;
	static const ntfschar sname[] = { const_cpu_to_le16('b'), const_cpu_to_le16('a'),
					  const_cpu_to_le16('d'), const_cpu_to_le16(0xD800) };

	if (tu_mkntfs(path, size, mkopts))
		die("mkntfs");
	if (nl_device_mount(path, 0, 0, true, 0, &vol) < 0)
		die("mount");
	x->d1 = create(vol, "/", "dir1", S_IFDIR);
	x->d2 = create(vol, "/", "dir2", S_IFDIR);
	x->sub = create(vol, "/dir1", "sub", S_IFDIR);
	/* a file with three names in three directories */
	x->f = create(vol, "/dir1", "file.txt", S_IFREG);
	link_to(vol, "/dir1/file.txt", "/dir2", "link1.txt");
	link_to(vol, "/dir1/file.txt", "/dir1/sub", "link2.txt");
	/* a Win32 name with a separate DOS name */
	x->l = create(vol, "/dir1", "Long File Name.txt", S_IFREG);
	ni = op(vol, "/dir1/Long File Name.txt");
	dir = op(vol, "/dir1");
	if (ntfs_set_ntfs_dos_name(ni, dir, "LONGFI~1.TXT", 12, 0))  /* closes both */
		die("dos name");
	/* Unicode and an unpaired surrogate */
	x->u = create(vol, "/dir1", "na\xc3\xafve-\xc3\xbc.txt", S_IFREG);
	dir = op(vol, "/dir1");
	ni = mk16(dir, sname, 4, S_IFREG);
	x->s = ni->mft_no;
	cl(ni);
	cl(dir);
	/* a junction (resident reparse data) */
	x->j = create(vol, "/dir1", "junction", S_IFDIR);
	x->junction_len = link_buf(x->junction, 0xA0000003u, "\\??\\C:\\dir2", 0, 'x');
	set_reparse(vol, "/dir1/junction", x->junction, x->junction_len);
	/* 40 names: the $FILE_NAMEs spill into extension records */
	x->m = create(vol, "/dir2", "m00", S_IFREG);
	for (int i = 1; i < 40; i++) {
		char n[8];

		snprintf(n, sizeof(n), "m%02d", i);
		link_to(vol, "/dir2/m00", "/dir2", n);
	}
	/* a symbolic link whose reparse data is too big to stay resident */
	x->nr = create(vol, "/dir2", "longlink", S_IFREG);
	x->longlink = malloc(4096);
	x->longlink_len = link_buf(x->longlink, 0xA000000Cu, "\\??\\C:\\", 700, 'y');
	set_reparse(vol, "/dir2/longlink", x->longlink, x->longlink_len);
	build_streams(vol, x);
	/* the same non-resident symlink alone in a folder: its index stays resident */
	x->few = create(vol, "/", "few", S_IFDIR);
	x->far = create(vol, "/few", "far", S_IFREG);
	set_reparse(vol, "/few/far", x->longlink, x->longlink_len);
	/* a deleted file whose directory is still there */
	x->g = create(vol, "/dir2", "gone.txt", S_IFREG);
	/* olddir/f.txt, both deleted, then newdir takes olddir's record: f.txt is orphaned */
	x->od = create(vol, "/", "olddir", S_IFDIR);
	x->of = create(vol, "/olddir", "f.txt", S_IFREG);
	del(vol, "/dir2", "gone.txt");
	del(vol, "/olddir", "f.txt");
	del(vol, "/", "olddir");
	x->nd = create(vol, "/", "newdir", S_IFDIR);
	x->mft_offset = (uint64_t)vol->mft_lcn * vol->cluster_size;
	if (nl_device_umount(&vol) < 0)
		die("umount");
}


/* a volume filled with small files until it is full: $MFT has to grow outside
 * its zone, between the files' clusters, and ends up in many runs */
static char imgfrag[4200];
static int frag_files, frag_runs;
static bool frag_exists[5000];
static uint64_t frag_mft[5000];             /* record of /fNNNNN */
static struct { int64_t vcn, lcn, len; } frag_rl[64];  /* $MFT runs (first 64) */
static uint32_t frag_cluster;

static void build_fragmented(const char *path)
{
	ntfs_volume *vol;
	char data[4096];

	memset(data, 7, sizeof(data));
	if (tu_mkntfs(path, 32ULL << 20, NULL) || nl_device_mount(path, 0, 0, true, 0, &vol) < 0)
		die("fragmented image");
	for (int i = 0; i < 5000; i++) {
		ntfs_inode *root = op(vol, "/"), *ni;
		char name[16];
		ntfschar *u = NULL;
		int len;

		snprintf(name, sizeof(name), "f%05d", i);
		len = ntfs_mbstoucs(name, &u);
		ni = ntfs_create(root, const_cpu_to_le32(0), u, (u8)len, S_IFREG);
		free(u);
		if (!ni) {
			cl(root);
			break;  /* the volume is full */
		}
		ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);

		/* near the end the data no longer fits: that is the point */
		if (na) {
			(void)ntfs_attr_pwrite(na, 0, sizeof(data), data);
			ntfs_attr_close(na);
		}
		(void)ntfs_inode_close(ni);
		cl(root);
	}
	if (ntfs_attr_map_whole_runlist(vol->mft_na) == 0)
		for (runlist_element *r = vol->mft_na->rl; r && r->length; r++) {
			if (frag_runs < 64) {
				frag_rl[frag_runs].vcn = r->vcn;
				frag_rl[frag_runs].lcn = r->lcn;
				frag_rl[frag_runs].len = r->length;
			}
			frag_runs++;
		}
	frag_cluster = vol->cluster_size;
	(void)nl_device_umount(&vol);
	/* which names exist: asked of libntfs-3g, through the directory index */
	if (nl_device_mount(path, 0, 0, false, 0, &vol) < 0)
		die("remount");
	for (int i = 0; i < 5000; i++) {
		char name[16];
		ntfs_inode *ni;

		snprintf(name, sizeof(name), "/f%05d", i);
		frag_exists[i] = (ni = ntfs_pathname_to_inode(vol, NULL, name)) != NULL;
		if (ni) {
			frag_mft[i] = ni->mft_no;
			frag_files++;
			cl(ni);
		}
	}
	(void)nl_device_umount(&vol);
}

static void global_setup(void)
{
	if (!tu_mkdtemp(tmpdir, sizeof(tmpdir), "check_scan")) {
		perror("mkdtemp");
		exit(EXIT_FAILURE);
	}
	snprintf(img, sizeof(img), "%s/fx.img", tmpdir);
	snprintf(img4k, sizeof(img4k), "%s/fx4k.img", tmpdir);
	build(img, 16ULL << 20, NULL, &fx);
	build(img4k, 32ULL << 20, "-s 4096", &fx4k);
	snprintf(imgfrag, sizeof(imgfrag), "%s/frag.img", tmpdir);
	/* libntfs-3g does not free inodes whose close failed on a full volume */
	tu_lsan_off();
	build_fragmented(imgfrag);
	tu_lsan_on();
}

/* ---- helpers ------------------------------------------------------------------ */

struct probs {
	int n;
	uint64_t mft[16];
	char reason[16][160];
};

static void on_problem(void *ctx, const char *source, uint64_t mft, const char *path,
		       const char *reason)
{
	struct probs *p = ctx;

	(void)source;
	(void)path;
	if (p->n < 16) {
		p->mft[p->n] = mft;
		snprintf(p->reason[p->n], sizeof(p->reason[0]), "%s", reason);
	}
	p->n++;
}

static nl_model *scan(const char *spec, unsigned flags, nl_volume **vp, struct probs *pr)
{
	char err[NL_ERRMSG_SIZE];
	struct nl_scan_options o = { .flags = flags, .problem = on_problem, .problem_ctx = pr };
	nl_model *m = NULL;

	memset(pr, 0, sizeof(*pr));
	ck_assert_msg(nl_volume_open(spec, NULL, vp, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_int_eq(nl_scan(*vp, &o, &m), 0);
	return m;
}

/* names_of: the sorted paths of record @mft joined by '|' */
static void names_of(const nl_model *m, uint64_t mft, char *out, size_t len)
{
	char paths[64][512];
	int n = 0;
	uint64_t cur = 0;
	struct nl_name nm;

	while (nl_model_name_next(m, mft, 0, &cur, &nm) == 0 && n < 64) {
		size_t l;

		ck_assert_int_eq(nl_model_name_path(m, nm.id, paths[n], sizeof(paths[n]), &l, NULL), 0);
		ck_assert_uint_eq(l, strlen(paths[n]));
		n++;
	}
	qsort(paths, (size_t)n, sizeof(paths[0]), (int (*)(const void *, const void *))strcmp);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			strncat(out, "|", len - strlen(out) - 1);
		strncat(out, paths[i], len - strlen(out) - 1);
	}
}

static void path_of(const nl_model *m, uint64_t mft, char *out, size_t len, unsigned *pf)
{
	size_t l;

	ck_assert_int_eq(nl_model_record_path(m, mft, out, len, &l, pf), 0);
}

/* ---- tests ---------------------------------------------------------------------- */

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
		ck_assert_uint_eq(tag, 0xA000000Cu);  /* from an index copy (test_raw_tag_sources) */
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

START_TEST(test_no_reparse_read)
{
	nl_volume *v = NULL;
	struct probs pr;
	uint32_t tag = 0;
	const uint8_t *data = (const uint8_t *)1;
	size_t len = 1;
	struct nl_scan_stats st;
	nl_model *m = scan(img, NL_SCAN_NO_REPARSE_READ, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.reparse_points, 3);
	ck_assert_uint_eq(st.reparse_unreadable, 2);
	ck_assert_uint_eq(st.problems, 0);
	ck_assert_int_eq(nl_model_reparse(m, fx.nr, &tag, &data, &len), -EIO);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(nl_model_reparse(m, fx.j, &tag, &data, &len), 0);
	ck_assert_uint_eq(tag, 0xA0000003u);
	nl_model_free(&m);
	nl_volume_close(&v);
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

/* corrupt one copy of the image: a torn record and an absurd attribute length */
START_TEST(test_corrupt_records)
{
	char p[4300];
	nl_volume *v = NULL;
	struct probs pr;
	int fd;
	uint8_t rec[1024];

	snprintf(p, sizeof(p), "%s/corrupt.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(img, p, 0), 0);
	fd = open(p, O_RDWR);
	ck_assert_int_ge(fd, 0);
	/* file.txt: flip a byte of the update sequence at the end of sector 1 */
	uint64_t at = fx.mft_offset + fx.f * 1024;

	ck_assert_int_eq(pread(fd, rec, 1024, (off_t)at), 1024);
	rec[510] ^= 0xFF;
	ck_assert_int_eq(pwrite(fd, rec, 1024, (off_t)at), 1024);
	/* Long File Name.txt: first attribute gets an absurd length */
	at = fx.mft_offset + fx.l * 1024;
	ck_assert_int_eq(pread(fd, rec, 1024, (off_t)at), 1024);
	uint16_t ao = (uint16_t)(rec[0x14] | rec[0x15] << 8);

	tu_put32(rec + ao + 4, 0xFFFFFF00u);
	ck_assert_int_eq(pwrite(fd, rec, 1024, (off_t)at), 1024);
	close(fd);

	nl_model *m = scan(p, 0, &v, &pr);
	struct nl_scan_stats st;
	struct nl_record_info ri;
	char buf[1024];

	ck_assert_int_eq(pr.n, 2);
	ck_assert_uint_eq(pr.mft[0], fx.f < fx.l ? fx.f : fx.l);
	ck_assert_uint_eq(pr.mft[1], fx.f < fx.l ? fx.l : fx.f);
	ck_assert_str_eq(pr.reason[fx.f < fx.l ? 0 : 1], "update sequence mismatch");
	ck_assert_str_eq(pr.reason[fx.f < fx.l ? 1 : 0], "attribute runs past the record");
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.problems, 2);
	/* the torn record is gone, the rest is there */
	ck_assert_int_eq(nl_model_record(m, fx.f, &ri), -ENOENT);
	ck_assert_uint_eq(st.hardlink_groups, 1);
	names_of(m, fx.m, buf, sizeof(buf));
	ck_assert(strncmp(buf, "/dir2/m00|", 10) == 0);
	path_of(m, fx.u, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/dir1/na\xc3\xafve-\xc3\xbc.txt");
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

START_TEST(test_truncated)
{
	char p[4300], err[NL_ERRMSG_SIZE], cmd[9000];
	nl_volume *v = NULL;
	struct probs pr;

	/* an image cut inside its $MFT cannot be opened, with a reason */
	snprintf(p, sizeof(p), "%s/trunc.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(img, p, 0), 0);
	ck_assert_int_eq(truncate(p, (off_t)(fx.mft_offset + 20 * 1024)), 0);
	ck_assert_int_lt(nl_volume_open(p, NULL, &v, err, sizeof(err)), 0);
	ck_assert_ptr_null(v);
	ck_assert_msg(strncmp(err, "cannot open the ntfs volume at offset 0: ", 41) == 0, "%s", err);

	/* a raw $MFT cut in the middle of a record: the whole records are scanned */
	snprintf(p, sizeof(p), "%s/trunc.mft", tmpdir);
	snprintf(cmd, sizeof(cmd), "ntfscat '%s' '$MFT' | head -c %llu > '%s'", img,
		 (unsigned long long)(fx.f * 1024 + 1024 + 300), p);
	ck_assert_int_eq(system(cmd), 0);
	nl_model *m = scan(p, 0, &v, &pr);

	ck_assert_uint_eq(nl_volume_record_count(v), fx.f + 1);
	ck_assert_int_eq(pr.n, 1);
	ck_assert_uint_eq(pr.mft[0], fx.f + 1);
	ck_assert_str_eq(pr.reason[0], "truncated record (300 of 1024 bytes)");
	struct nl_record_info ri;

	ck_assert_int_eq(nl_model_record(m, fx.f, &ri), 0);
	ck_assert_uint_eq(ri.names, 3);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* ---- where the tag of unreadable reparse data comes from (raw $MFT) ------------ */

static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) | (uint32_t)g16(p + 2) << 16; }

/* patch_raw: let @fn change record @mft of the raw $MFT file @path: fixups
 * are applied before and the update sequence protection is redone after */
static void patch_raw(const char *path, uint64_t mft, void (*fn)(uint8_t *rec, const void *arg),
		      const void *arg)
{
	uint8_t rec[1024];
	int fd = open(path, O_RDWR);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, rec, sizeof(rec), (off_t)(mft * 1024)), 1024);
	ck_assert_int_ge(nl_record_fixup(rec, sizeof(rec), NULL), 0);
	fn(rec, arg);
	uint16_t uo = g16(rec + 4), uc = g16(rec + 6);

	for (unsigned i = 1; i < uc; i++) {
		memcpy(rec + uo + 2 * i, rec + i * 512 - 2, 2);
		memcpy(rec + i * 512 - 2, rec + uo, 2);
	}
	ck_assert_int_eq(pwrite(fd, rec, sizeof(rec), (off_t)(mft * 1024)), 1024);
	close(fd);
}

/* the attributes of a fixed-up record: calls @fn for each of type @type */
static void each_attr(uint8_t *rec, uint32_t type, void (*fn)(uint8_t *a, const void *arg),
		      const void *arg)
{
	for (size_t pos = g16(rec + 0x14); pos + 8 <= 1024 && g32(rec + pos) != 0xFFFFFFFFu;
	     pos += g32(rec + pos + 4)) {
		ck_assert_uint_ge(g32(rec + pos + 4), 24);
		if (g32(rec + pos) == type)
			fn(rec + pos, arg);
	}
}

/* every $FILE_NAME: reparse-point attribute set and the tag *@arg, as Windows writes them */
static void fn_tag_one(uint8_t *a, const void *arg)
{
	uint8_t *v = a + g16(a + 0x14);

	tu_put32(v + 0x38, g32(v + 0x38) | NL_FA_REPARSE_POINT);
	tu_put32(v + 0x3C, *(const uint32_t *)arg);
}

static void fn_tag(uint8_t *rec, const void *arg)
{
	each_attr(rec, 0x30, fn_tag_one, arg);
}

/* index root entries naming record arg->mft: $R keys (tag, ref) or $I30
 * keys ($FILE_NAME): tag set to arg->tag (0: no tag), the reference's
 * sequence number to arg->seq unless 0 */
struct ix_patch {
	uint64_t mft;
	uint32_t tag;
	uint16_t seq;
	int done;
};

static void ix_one(uint8_t *a, const void *arg)
{
	struct ix_patch *ip = (struct ix_patch *)arg;
	uint8_t nlen = a[9];
	const uint8_t *name = a + g16(a + 10);
	bool r = nlen == 2 && !memcmp(name, "$\0R\0", 4);
	bool i30 = nlen == 4 && !memcmp(name, "$\0I\0" "3\0" "0\0", 8);
	uint8_t *v = a + g16(a + 0x14), *hdr = v + 0x10;

	if (!r && !i30)
		return;
	for (uint8_t *e = hdr + g32(hdr); e < hdr + g32(hdr + 4) && !(g16(e + 12) & 2);
	     e += g16(e + 8)) {
		uint8_t *k = e + 0x10, *ref = r ? k + 4 : e;

		if (NL_MREF_RECORD(g32(ref) | (uint64_t)g16(ref + 4) << 32) != ip->mft)
			continue;
		if (r) {
			tu_put32(k, ip->tag);
		} else {
			tu_put32(k + 0x38, ip->tag ? g32(k + 0x38) | NL_FA_REPARSE_POINT
						  : g32(k + 0x38) & ~(uint32_t)NL_FA_REPARSE_POINT);
			tu_put32(k + 0x3C, ip->tag);
		}
		if (ip->seq) {
			ref[6] = (uint8_t)ip->seq;
			ref[7] = (uint8_t)(ip->seq >> 8);
		}
		ip->done++;
	}
}

static void ix_tag(uint8_t *rec, const void *arg)
{
	each_attr(rec, 0x90, ix_one, arg);
}

/* the class and reason the analysis gives the link of record @mft */
static void link_class(nl_model *m, uint64_t mft, uint32_t tag, enum nl_link_class cls,
		       const char *reason)
{
	nl_analysis *a = NULL;
	struct nl_link_info li;

	ck_assert_int_eq(nl_analysis_open(m, NULL, &a), 0);
	ck_assert_int_eq(nl_analysis_link(a, mft, &li), 0);
	ck_assert_uint_eq(li.tag, tag);
	ck_assert_ptr_null(li.rp);
	ck_assert_ptr_null(li.target);
	ck_assert_str_eq(nl_link_class_name(li.cls), nl_link_class_name(cls));
	if (reason)
		ck_assert_str_eq(li.reason, reason);
	else
		ck_assert_ptr_null(li.reason);
	nl_analysis_close(&a);
}

/* the tag nl_model_reparse() gives for @mft (which must be unreadable) */
static uint32_t raw_tag(const nl_model *m, uint64_t mft)
{
	uint32_t tag = 1;
	const uint8_t *data = (const uint8_t *)1;
	struct nl_record_info ri;

	ck_assert_int_eq(nl_model_reparse(m, mft, &tag, &data, NULL), -EIO);
	ck_assert_ptr_null(data);
	ck_assert_int_eq(nl_model_record(m, mft, &ri), 0);
	ck_assert(ri.flags & NL_REC_REPARSE_UNREADABLE);
	ck_assert_uint_eq(ri.reparse_tag, tag);
	return tag;
}

START_TEST(test_raw_tag_sources)
{
	char p[4300], cmd[9000];
	nl_volume *v = NULL;
	struct probs pr;
	uint64_t rmft = 0;
	const uint32_t sym = 0xA000000Cu, junc = 0xA0000003u;
	struct nl_record_info ri;
	struct ix_patch ip;
	nl_model *m;

	snprintf(p, sizeof(p), "%s/tags.mft", tmpdir);
	snprintf(cmd, sizeof(cmd), "ntfscat '%s' '$MFT' > '%s'", img, p);
	ck_assert_int_eq(system(cmd), 0);
	m = scan(p, 0, &v, &pr);
	ck_assert_int_eq(nl_model_lookup_path(m, "/$Extend/$Reparse", &rmft), 0);
	ck_assert_int_eq(nl_model_record(m, fx.far, &ri), 0);
	/* as libntfs-3g wrote it: no tag in the files' own $FILE_NAMEs, both
	 * in the resident root of $Reparse:$R */
	ck_assert_uint_eq(raw_tag(m, fx.nr), sym);
	ck_assert_uint_eq(raw_tag(m, fx.far), sym);
	ck_assert_int_eq(pr.n, 0);  /* unreadable reparse data is no problem of the scan */
	nl_model_free(&m);
	nl_volume_close(&v);

	/* without $R: longlink's folder /dir2 has a non-resident index, so its
	 * tag is not in this $MFT at all; /few's resident $I30 has an entry for
	 * "far" with the reparse attribute but 0xC0 as the tag (libntfs-3g puts
	 * the attribute type there for non-resident data): not a tag */
	ip = (struct ix_patch){ fx.nr, 0, 0, 0 };
	patch_raw(p, rmft, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
	ip = (struct ix_patch){ fx.far, 0, 0, 0 };
	patch_raw(p, rmft, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.nr), 0);
	ck_assert_uint_eq(raw_tag(m, fx.far), 0);
	ck_assert_int_eq(pr.n, 0);
	/* no tag, no data: it may be a link, so the analysis cannot say "none" */
	link_class(m, fx.nr, 0, NL_CLASS_UNKNOWN, "reparse data unreadable and its tag unknown");
	nl_model_free(&m);
	nl_volume_close(&v);

	/* the $I30 copy with the tag, as Windows writes it */
	ip = (struct ix_patch){ fx.far, sym, 0, 0 };
	patch_raw(p, fx.few, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.far), sym);
	link_class(m, fx.far, sym, NL_CLASS_UNKNOWN, "reparse data unreadable");
	nl_model_free(&m);
	nl_volume_close(&v);
	/* $R comes before $I30 */
	ip = (struct ix_patch){ fx.far, junc, 0, 0 };
	patch_raw(p, rmft, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.far), junc);
	nl_model_free(&m);
	nl_volume_close(&v);
	/* copies that name another sequence number (a reused record) do not count */
	ip = (struct ix_patch){ fx.far, junc, (uint16_t)(ri.seq + 1), 0 };
	patch_raw(p, rmft, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
	ip = (struct ix_patch){ fx.far, sym, (uint16_t)(ri.seq + 1), 0 };
	patch_raw(p, fx.few, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.far), 0);
	nl_model_free(&m);
	nl_volume_close(&v);

	/* the tag in the record's own $FILE_NAMEs, as Windows writes it ... */
	patch_raw(p, fx.nr, fn_tag, &sym);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.nr), sym);
	nl_model_free(&m);
	nl_volume_close(&v);
	/* ... comes before any index copy */
	ip = (struct ix_patch){ fx.nr, junc, 0, 0 };
	patch_raw(p, rmft, ix_tag, &ip);
	ck_assert_int_eq(ip.done, 1);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.nr), sym);
	ck_assert_int_eq(pr.n, 0);
	nl_model_free(&m);
	nl_volume_close(&v);
	/* a tag that is no name surrogate (WOF): unreadable, but no link */
	const uint32_t wof = 0x80000017u;

	patch_raw(p, fx.nr, fn_tag, &wof);
	m = scan(p, 0, &v, &pr);
	ck_assert_uint_eq(raw_tag(m, fx.nr), wof);
	link_class(m, fx.nr, wof, NL_CLASS_NONE, NULL);
	nl_model_free(&m);
	nl_volume_close(&v);
	unlink(p);
}
END_TEST

/* an in-use file whose parent reference has a stale sequence number */
START_TEST(test_orphan)
{
	char p[4300], buf[1024];
	nl_volume *v = NULL;
	struct probs pr;
	int fd;
	uint8_t rec[1024];
	unsigned pf = 0;
	uint64_t at = fx.mft_offset + fx.u * 1024, mft;

	snprintf(p, sizeof(p), "%s/orphan.img", tmpdir);
	ck_assert_int_eq(tu_copy_file(img, p, 0), 0);
	fd = open(p, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, rec, 1024, (off_t)at), 1024);
	/* find the $FILE_NAME and bump the sequence number of its parent reference */
	size_t pos = (size_t)(rec[0x14] | rec[0x15] << 8);

	while (rec[pos] != 0x30)
		pos += (size_t)(rec[pos + 4] | rec[pos + 5] << 8);
	size_t val = pos + (size_t)(rec[pos + 0x14] | rec[pos + 0x15] << 8);

	ck_assert_uint_eq(rec[val] | rec[val + 1] << 8, fx.d1);
	rec[val + 6] ^= 0x40;
	ck_assert_int_eq(pwrite(fd, rec, 1024, (off_t)at), 1024);
	close(fd);

	nl_model *m = scan(p, 0, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	path_of(m, fx.u, buf, sizeof(buf), &pf);
	ck_assert_str_eq(buf, NL_ORPHAN_PREFIX "/na\xc3\xafve-\xc3\xbc.txt");
	ck_assert_uint_eq(pf, NL_PATH_ORPHAN);
	ck_assert_int_eq(nl_model_is_under(m, fx.u, NL_ROOT_MFT), 0);
	ck_assert_int_eq(nl_model_is_under(m, fx.u, fx.d1), 0);
	ck_assert_int_eq(nl_model_lookup_path(m, "/dir1/naïve-ü.txt", &mft), -ENOENT);
	uint64_t cur = 0;
	struct nl_name nm;

	ck_assert_int_eq(nl_model_name_next(m, fx.u, 0, &cur, &nm), 0);
	ck_assert(nm.orphan);
	ck_assert_uint_eq(nm.parent, fx.d1);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

START_TEST(test_fragmented_mft)
{
	nl_volume *v = NULL;
	struct probs pr;
	int found = 0;
	char want[16];
	uint64_t cur = 0, mft;

	ck_assert_int_ge(frag_runs, 3);
	ck_assert_int_ge(frag_files, 1000);
	nl_model *m = scan(imgfrag, 0, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	/* exactly the files created, each once, under the root */
	/* every name libntfs-3g finds through the directory index is there (a
	 * few more may be: records written before the volume filled up whose
	 * index entries were not) */
	for (int i = 0; i < 5000; i++) {
		snprintf(want, sizeof(want), "/f%05d", i);
		if (frag_exists[i])
			ck_assert_int_eq(nl_model_lookup_path(m, want, &mft), 0);
	}
	while (nl_model_next(m, NL_ITER_ALL, &cur, &mft) == 0) {
		struct nl_name n;
		uint64_t nc = 0;

		while (nl_model_name_next(m, mft, 0, &nc, &n) == 0)
			if (n.parent == NL_ROOT_MFT && n.len == 6 && n.name[0] == 'f')
				found++;
	}
	ck_assert_int_ge(found, frag_files);
	ck_assert_int_le(found, frag_files + 16);
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* an image cut inside its (fragmented) $MFT, after everything needed to open
 * it: the records that are gone are reported as ranges, the rest is scanned */
START_TEST(test_truncated_image_mft)
{
	char p[4300], err[NL_ERRMSG_SIZE], want[16][160];
	int nwant = 0;
	nl_volume *v = NULL;
	struct probs pr;
	int64_t cut = -1;
	uint64_t nrec = 0, fsize = 0, per = frag_cluster / 1024;
	struct stat sb;

	ck_assert_int_ge(frag_runs, 3);
	ck_assert_int_le(frag_runs, 64);
	ck_assert_int_eq(stat(imgfrag, &sb), 0);
	fsize = (uint64_t)sb.st_size;
	snprintf(p, sizeof(p), "%s/fragcut.img", tmpdir);
	/* the lowest cluster, among the starts of $MFT runs other than the
	 * first, at which the image can be cut and still be opened */
	for (;;) {
		int64_t best = -1;

		for (int i = 1; i < frag_runs; i++)
			if (frag_rl[i].lcn > cut && (best < 0 || frag_rl[i].lcn < best))
				best = frag_rl[i].lcn;
		ck_assert_msg(best >= 0, "no cut of the image can be opened");
		cut = best;
		ck_assert_int_eq(tu_copy_file(imgfrag, p, 0), 0);
		ck_assert_int_eq(truncate(p, (off_t)(cut * frag_cluster)), 0);
		if (nl_volume_open(p, NULL, &v, err, sizeof(err)) == 0)
			break;
	}
	nrec = nl_volume_record_count(v);
	struct nl_volume_info vi;

	nl_volume_get_info(v, &vi);
	/* mkntfs: whole clusters, less the last sector (backup boot sector) */
	ck_assert_uint_eq(vi.size, (uint64_t)sb.st_size - frag_cluster);
	/* the volume with its backup boot sector: the whole image as built */
	fsize = vi.volume_bytes;
	ck_assert_uint_eq(fsize, (uint64_t)sb.st_size);
	ck_assert_uint_eq(vi.image_bytes, (uint64_t)(cut * frag_cluster));
	nl_volume_close(&v);
	/* expected: the records of every run at or past the cut, adjacent runs
	 * (by VCN) merged into one range, in record order */
	uint64_t from = UINT64_MAX, to = 0;

	for (int i = 0; i < frag_runs; i++) {
		uint64_t r0 = (uint64_t)frag_rl[i].vcn * per, r1 = r0 + (uint64_t)frag_rl[i].len * per;

		if (r1 > nrec)
			r1 = nrec;
		if (frag_rl[i].lcn >= cut && r0 < r1) {
			if (from == UINT64_MAX)
				from = r0;
			to = r1 - 1;
			continue;
		}
		if (from != UINT64_MAX) {
			snprintf(want[nwant++], sizeof(want[0]),
				 "%llu cannot read records %llu-%llu: Input/output error (the image is truncated: %llu of %llu bytes)",
				 (unsigned long long)from, (unsigned long long)from,
				 (unsigned long long)to, (unsigned long long)(cut * frag_cluster),
				 (unsigned long long)fsize);
			from = UINT64_MAX;
		}
	}
	if (from != UINT64_MAX)
		snprintf(want[nwant++], sizeof(want[0]),
			 "%llu cannot read records %llu-%llu: Input/output error (the image is truncated: %llu of %llu bytes)",
			 (unsigned long long)from, (unsigned long long)from, (unsigned long long)to,
			 (unsigned long long)(cut * frag_cluster), (unsigned long long)fsize);
	ck_assert_int_ge(nwant, 1);

	nl_model *m = scan(p, 0, &v, &pr);
	struct nl_scan_stats st;
	int found = 0, lost = 0;

	ck_assert_int_eq(pr.n, nwant);
	for (int i = 0; i < nwant && i < 16; i++) {
		char got[200];

		snprintf(got, sizeof(got), "%llu %s", (unsigned long long)pr.mft[i], pr.reason[i]);
		ck_assert_str_eq(got, want[i]);
	}
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.problems, (uint64_t)nwant);
	/* every file whose record was read is there, the others are not */
	for (int i = 0; i < 5000; i++) {
		char name[16];
		uint64_t mft = 0;
		bool gone = false;

		if (!frag_exists[i])
			continue;
		for (int k = 0; k < frag_runs; k++)
			if (frag_rl[k].lcn >= cut && frag_mft[i] >= (uint64_t)frag_rl[k].vcn * per &&
			    frag_mft[i] < (uint64_t)(frag_rl[k].vcn + frag_rl[k].len) * per)
				gone = true;
		snprintf(name, sizeof(name), "/f%05d", i);
		if (gone) {
			ck_assert_int_eq(nl_model_lookup_path(m, name, &mft), -ENOENT);
			lost++;
		} else {
			ck_assert_int_eq(nl_model_lookup_path(m, name, &mft), 0);
			ck_assert_uint_eq(mft, frag_mft[i]);
			found++;
		}
	}
	ck_assert_int_gt(lost, 0);
	ck_assert_int_gt(found, 1000);
	nl_model_free(&m);
	nl_volume_close(&v);
	unlink(p);
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

/* ---- a bulk image from the project's builder, against its ground truth ----------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		ck_assert_ptr_nonnull(l->v);
	}
	l->v[l->n] = strdup(s);
	ck_assert_ptr_nonnull(l->v[l->n]);
	l->n++;
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

START_TEST(test_bulk_ground_truth)
{
	const char *mk = getenv("MKFIXTURE");
	char p[4300], cmd[9000], line[16384], path[NL_PATH_BUF];
	struct lines want_hl = { 0 }, got_hl = { 0 }, want_rp = { 0 }, got_rp = { 0 };
	struct lines want_dos = { 0 }, got_dos = { 0 };
	nl_volume *v = NULL;
	struct probs pr;
	FILE *f;

	snprintf(p, sizeof(p), "%s/bulk.img", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' --bulk 3000 --seed 7 '%s' >/dev/null", mk, p);
	ck_assert_int_eq(system(cmd), 0);
	/* truth lines: hardlink PATH0 PATH N MFT / reparse PATH TAG ... MFT / dosname PATH ALIAS KIND MFT */
	snprintf(cmd, sizeof(cmd), "%s.truth", p);
	f = fopen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *fld[10];
		int n = 0;

		line[strcspn(line, "\n")] = 0;
		for (char *t = line, *e; n < 10; t = e + 1) {
			fld[n++] = t;
			if (!(e = strchr(t, '\t')))
				break;
			*e = 0;
		}
		char buf[16500];

		if (!strcmp(fld[0], "hardlink") && n == 5) {
			snprintf(buf, sizeof(buf), "%s %s", fld[4], fld[2]);
			lines_add(&want_hl, buf);
		} else if (!strcmp(fld[0], "reparse") && n >= 4) {
			snprintf(buf, sizeof(buf), "%s %s %s", fld[n - 1], fld[1], fld[2]);
			lines_add(&want_rp, buf);
		} else if (!strcmp(fld[0], "dosname") && n == 5) {
			snprintf(buf, sizeof(buf), "%s %s [%s]", fld[4], fld[1], fld[2]);
			lines_add(&want_dos, buf);
		}
	}
	fclose(f);
	ck_assert_uint_gt(want_hl.n, 100);
	ck_assert_uint_gt(want_rp.n, 0);
	ck_assert_uint_gt(want_dos.n, 100);

	nl_model *m = scan(p, 0, &v, &pr);
	uint64_t cur = 0, mft;

	ck_assert_int_eq(pr.n, 0);
	while (nl_model_next(m, NL_ITER_ALL, &cur, &mft) == 0) {
		struct nl_record_info ri;
		struct nl_name n;
		uint64_t nc = 0;
		char buf[NL_PATH_BUF + 64];

		nl_model_record(m, mft, &ri);
		while (nl_model_name_next(m, mft, 0, &nc, &n) == 0) {
			size_t len;

			ck_assert_int_eq(nl_model_name_path(m, n.id, path, sizeof(path), &len, NULL), 0);
			if (ri.names >= 2) {
				snprintf(buf, sizeof(buf), "%llu %s", (unsigned long long)mft, path);
				lines_add(&got_hl, buf);
			}
			if (n.dos_alias) {
				snprintf(buf, sizeof(buf), "%llu %s [%s]", (unsigned long long)mft, path,
					 n.dos_alias);
				lines_add(&got_dos, buf);
			}
			/* every path leads back to its record */
			uint64_t back = 0;

			ck_assert_int_eq(nl_model_lookup_path(m, path, &back), 0);
			ck_assert_uint_eq(back, mft);
		}
		if (ri.flags & NL_REC_REPARSE) {
			size_t len;

			ck_assert_int_eq(nl_model_record_path(m, mft, path, sizeof(path), &len, NULL), 0);
			snprintf(buf, sizeof(buf), "%llu %s 0x%08x", (unsigned long long)mft, path,
				 ri.reparse_tag);
			lines_add(&got_rp, buf);
		}
	}
	struct lines *pairs[3][2] = { { &want_hl, &got_hl }, { &want_rp, &got_rp },
				      { &want_dos, &got_dos } };

	for (int k = 0; k < 3; k++) {
		struct lines *w = pairs[k][0], *g = pairs[k][1];

		qsort(w->v, w->n, sizeof(char *), cmp_str);
		qsort(g->v, g->n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < w->n && i < g->n; i++)
			ck_assert_str_eq(g->v[i], w->v[i]);
		ck_assert_uint_eq(g->n, w->n);
		lines_free(w);
		lines_free(g);
	}
	nl_model_free(&m);
	nl_volume_close(&v);
}
END_TEST

/* ---- corpus -------------------------------------------------------------------- */


START_TEST(test_corpus_xp)
{
	char p[4300], buf[1024];
	nl_volume *v = NULL;
	struct probs pr;
	struct nl_scan_stats st;
	uint64_t mft;

	snprintf(p, sizeof(p), "%s/xp.mft", tmpdir);
	ck_assert_int_eq(tu_corpus_unpack("winxp-system.mft.xz", p), 0);
	/* counts established independently (tests/corpus-mftstat.py, a separate
	 * Python reader): 20528 records, 17429 files, 17429 names, 3306 DOS names;
	 * with deleted records 20482 names and 4202 DOS names */
	nl_model *m = scan(p, 0, &v, &pr);

	ck_assert_int_eq(pr.n, 0);
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.mft_records, 20528);
	ck_assert_uint_eq(st.files, 17429);
	ck_assert_uint_eq(st.names, 17429);
	ck_assert_uint_eq(st.dos_names, 3306);
	ck_assert_uint_eq(st.hardlink_groups, 0);
	ck_assert_uint_eq(st.reparse_points, 0);
	ck_assert_int_eq(nl_model_lookup_path(m, "/WINDOWS/Driver Cache", &mft), 0);
	path_of(m, mft, buf, sizeof(buf), NULL);
	ck_assert_str_eq(buf, "/WINDOWS/Driver Cache");
	uint64_t cur = 0;
	struct nl_name nm;

	ck_assert_int_eq(nl_model_name_next(m, mft, 0, &cur, &nm), 0);
	ck_assert_str_eq(nm.dos_alias, "DRIVER~1");
	uint64_t m2;

	ck_assert_int_eq(nl_model_lookup_path(m, "C:\\windows\\DRIVER~1", &m2), 0);
	ck_assert_uint_eq(m2, mft);
	nl_model_free(&m);
	nl_volume_close(&v);

	m = scan(p, NL_SCAN_DELETED, &v, &pr);
	ck_assert_int_eq(pr.n, 0);
	nl_model_stats(m, &st);
	ck_assert_uint_eq(st.files + st.deleted, 20482);
	ck_assert_uint_eq(st.names, 20482);
	ck_assert_uint_eq(st.dos_names, 4202);
	nl_model_free(&m);
	nl_volume_close(&v);
	unlink(p);
}
END_TEST

static Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_scan_fixture);
	tcase_add_test(tc, test_scan_4k);
	tcase_add_test(tc, test_no_reparse_read);
	tcase_add_test(tc, test_scan_raw_mft);
	tcase_add_test(tc, test_raw_tag_sources);
	tcase_add_test(tc, test_deleted_and_orphans);
	tcase_add_test(tc, test_lookup_and_ancestry);
	tcase_add_test(tc, test_corrupt_records);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_orphan);
	tcase_add_test(tc, test_fragmented_mft);
	tcase_add_test(tc, test_truncated_image_mft);
	tcase_add_test(tc, test_progress_cancel);
	suite_add_tcase(s, tc);
	const char *mk = getenv("MKFIXTURE");

	if (mk && access(mk, X_OK) == 0) {
		TCase *bc = tcase_create("bulk");

		tcase_set_timeout(bc, 120);
		tcase_add_test(bc, test_bulk_ground_truth);
		suite_add_tcase(s, bc);
	} else {
		fprintf(stderr, "check_scan: bulk ground-truth test skipped: no $MKFIXTURE\n");
	}
	TCase *cc = tcase_create("corpus");

	tcase_set_timeout(cc, 120);
	tu_add_corpus_test(cc, test_corpus_xp, "winxp-system.mft.xz", "check_scan");
	suite_add_tcase(s, cc);
	return s;
}

int main(void)
{
	int rc;

	global_setup();
	rc = tu_run_suite(scan_suite());
	if (getenv("CHECK_SCAN_KEEP"))
		fprintf(stderr, "check_scan: kept %s\n", tmpdir);
	else
		tu_rmtree(tmpdir);
	free(fx.longlink);
	free(fx4k.longlink);
	return rc;
}
