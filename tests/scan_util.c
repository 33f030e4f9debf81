/* scan_util.c: what the scan suites share: the fixture image built through libntfs-3g with the record numbers of what it holds, and scanning an image into a model. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/reparse.h>
#include <ntfs-3g/unistr.h>

#include "image/device_int.h"
#include "testutil.h"
#include "scan_util.h"

char tmpdir[4096], img[4200], img4k[4200];
struct fx fx, fx4k;

/* ---- building the fixture with libntfs-3g ------------------------------------ */

void die(const char *what)
{
	fprintf(stderr, "building the fixture: %s: %s\n", what, strerror(errno));
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

void cl(ntfs_inode *ni)
{
	char what[64];

	snprintf(what, sizeof(what), "closing inode %llu", (unsigned long long)ni->mft_no);
	if (ntfs_inode_close(ni))
		die(what);
}

ntfs_inode *op(ntfs_volume *vol, const char *path)
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

void scan_fixture_setup(const char *tag, unsigned which)
{
	if (!tu_mkdtemp(tmpdir, sizeof(tmpdir), tag)) {
		perror("mkdtemp");
		exit(EXIT_FAILURE);
	}
	snprintf(img, sizeof(img), "%s/fx.img", tmpdir);
	snprintf(img4k, sizeof(img4k), "%s/fx4k.img", tmpdir);
	if (which & SCAN_FX_512)
		build(img, 16ULL << 20, NULL, &fx);
	if (which & SCAN_FX_4K)
		build(img4k, 32ULL << 20, "-s 4096", &fx4k);
}

void scan_fixture_cleanup(const char *tag)
{
	if (getenv("CHECK_SCAN_KEEP"))
		fprintf(stderr, "%s: kept %s\n", tag, tmpdir);
	else
		tu_rmtree(tmpdir);
	free(fx.longlink);
	free(fx4k.longlink);
}

/* ---- scanning ----------------------------------------------------------------- */

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

nl_model *scan(const char *spec, unsigned flags, nl_volume **vp, struct probs *pr)
{
	char err[NL_ERRMSG_SIZE];
	struct nl_scan_options o = { .flags = flags, .problem = on_problem, .problem_ctx = pr };
	nl_model *m = NULL;

	memset(pr, 0, sizeof(*pr));
	ck_assert_msg(nl_volume_open(spec, NULL, vp, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_int_eq(nl_scan(*vp, &o, &m), 0);
	return m;
}

void names_of(const nl_model *m, uint64_t mft, char *out, size_t len)
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

void path_of(const nl_model *m, uint64_t mft, char *out, size_t len, unsigned *pf)
{
	size_t l;

	ck_assert_int_eq(nl_model_record_path(m, mft, out, len, &l, pf), 0);
}
