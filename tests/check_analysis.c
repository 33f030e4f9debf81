/* check_analysis.c: Check suite for link classification, drive inference, saturation and true size (analysis.h) on an image built here. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/reparse.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>
#include "testmodel.h"
#include "testutil.h"

/*
 * The test image (built once by main() with mkntfs and libntfs-3g, so this
 * suite depends on nothing but the library under test):
 *
 *   /Users/Public/doc.txt            100 bytes; also /rel/doc-link.txt,
 *                                    /rel/doc-link2.txt, /ProgramData/doc2.txt
 *   /Users/big.bin                   5000 bytes (non-resident)
 *   /Users/All Users                 junction \??\C:\ProgramData
 *   /ProgramData/Application Data    junction \??\C:\ProgramData   (its own parent)
 *   /ProgramData/Desktop             junction \??\C:\Users\Public
 *   /Documents and Settings          junction \??\C:\Users
 *   /rel/link.txt                    symlink ..\Users\Public\doc.txt (relative)
 *   /rel/up                          symlink ..\..\x (relative, above the root)
 *   /rel/self                        symlink self (relative, itself)
 *   /dangling                        junction \??\C:\nothing\here
 *   /otherdrive                      symlink \??\D:\data
 *   /unc                             symlink \??\UNC\srv\share\x
 *   /mnt                             mount point \??\Volume{...}\
 *   /chainA, /chainB                 junctions to each other
 *   /via                             symlink \??\C:\Documents and Settings\Public\doc.txt
 *   /tochain                         junction \??\C:\Documents and Settings
 *   /broken_chain                    symlink \??\C:\dangling
 *   /lower                           junction \??\c:\users
 *   /wsl                             WSL symlink Users/Public
 *   /wslabs                          WSL symlink /mnt/c/x
 *   /compressed.bin                  WOF reparse point (not a link)
 *   /odd                             tag 0xA0001234 (name surrogate, unknown)
 *   /rel/longsym                     symlink \??\C:\Users\Public\doc.txt with a
 *                                    600-character print name: its reparse
 *                                    data is non-resident
 *
 * Its $MFT is also saved as a bare file (mft_raw), and once more with record
 * 5 zeroed (mft_noroot): a carved $MFT without its root folder.
 */

static char image[4096], mft_raw[4200], mft_noroot[4200];

#define GUID "{6b29fc40-ca47-1067-b31d-00dd010662da}"

static void die(const char *what)
{
	fprintf(stderr, "check_analysis: building the test image: %s: %s\n", what, strerror(errno));
	exit(99);
}

static ntfs_inode *mk(ntfs_volume *vol, const char *parent, const char *name, mode_t type)
{
	ntfs_inode *dir = ntfs_pathname_to_inode(vol, NULL, parent), *ni;
	ntfschar *u = NULL;
	int n;

	if (!dir)
		die(parent);
	n = ntfs_mbstoucs(name, &u);
	if (n <= 0)
		die(name);
	ni = ntfs_create(dir, const_cpu_to_le32(0), u, (u8)n, type);
	if (!ni)
		die(name);
	free(u);
	if (ntfs_inode_close(dir))
		die("close dir");
	return ni;
}

static void link_to(ntfs_volume *vol, const char *target, const char *parent, const char *name)
{
	ntfs_inode *ni = ntfs_pathname_to_inode(vol, NULL, target);
	ntfs_inode *dir = ntfs_pathname_to_inode(vol, NULL, parent);
	ntfschar *u = NULL;
	int n = ntfs_mbstoucs(name, &u);

	if (!ni || !dir || n <= 0 || ntfs_link(ni, dir, u, (u8)n))
		die(name);
	free(u);
	if (ntfs_inode_close(ni) || ntfs_inode_close(dir))
		die("close");
}

static void put_data(ntfs_inode *ni, size_t size)
{
	ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);
	char *buf = malloc(size);

	if (!na || !buf)
		die("open data");
	memset(buf, 'x', size);
	if (ntfs_attr_pwrite(na, 0, (s64)size, buf) != (s64)size)
		die("write data");
	ntfs_attr_close(na);
	free(buf);
}

static void set_rp(ntfs_inode *ni, const uint8_t *b, size_t n, const char *what)
{
	if (ntfs_set_ntfs_reparse_data(ni, (const char *)b, n, 0))
		die(what);
	if (ntfs_inode_close(ni))
		die("close");
}

/* A junction (directory) or symlink (file or directory) PARENT/NAME. */
static void mklink(ntfs_volume *vol, const char *parent, const char *name, uint32_t tag,
		   bool dir, const char *subst, const char *print, uint32_t flags)
{
	uint8_t *b = NULL;
	size_t n = 0;

	if (nl_reparse_build_link(tag, subst, print, flags, &b, &n))
		die("build reparse");
	set_rp(mk(vol, parent, name, dir ? S_IFDIR : S_IFREG), b, n, name);
	free(b);
}

static void mkraw(ntfs_volume *vol, const char *parent, const char *name, uint32_t tag,
		  const void *data, size_t len)
{
	uint8_t *b = NULL;
	size_t n = 0;

	if (nl_reparse_build_raw(tag, data, len, &b, &n))
		die("build raw");
	set_rp(mk(vol, parent, name, S_IFREG), b, n, name);
	free(b);
}

static void build_image(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char cmd[8192];
	ntfs_volume *vol;
	ntfs_inode *ni;
	int fd;
	static const uint8_t wof[16] = { 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };

	snprintf(image, sizeof(image), "%s/check_analysis.XXXXXX", tmp);
	fd = mkstemp(image);
	if (fd < 0 || ftruncate(fd, 16 << 20))
		die("image file");
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s' -F -f -q -T -c 4096 -L analysis '%s' >/dev/null 2>&1",
		 MKNTFS_PATH, image);
	if (system(cmd) != 0) {
		errno = EIO;
		die("mkntfs");
	}
	vol = ntfs_mount(image, 0);
	if (!vol)
		die("mount");
	ntfs_inode_close(mk(vol, "/", "Users", S_IFDIR));
	ntfs_inode_close(mk(vol, "/Users", "Public", S_IFDIR));
	ntfs_inode_close(mk(vol, "/", "ProgramData", S_IFDIR));
	ntfs_inode_close(mk(vol, "/", "rel", S_IFDIR));
	ni = mk(vol, "/Users/Public", "doc.txt", S_IFREG);
	put_data(ni, 100);
	ntfs_inode_close(ni);
	ni = mk(vol, "/Users", "big.bin", S_IFREG);
	put_data(ni, 5000);
	ntfs_inode_close(ni);
	link_to(vol, "/Users/Public/doc.txt", "/rel", "doc-link.txt");
	link_to(vol, "/Users/Public/doc.txt", "/rel", "doc-link2.txt");
	link_to(vol, "/Users/Public/doc.txt", "/ProgramData", "doc2.txt");

	mklink(vol, "/Users", "All Users", NL_TAG_MOUNT_POINT, true, "\\??\\C:\\ProgramData",
	       "C:\\ProgramData", 0);
	mklink(vol, "/ProgramData", "Application Data", NL_TAG_MOUNT_POINT, true,
	       "\\??\\C:\\ProgramData", "C:\\ProgramData", 0);
	mklink(vol, "/ProgramData", "Desktop", NL_TAG_MOUNT_POINT, true, "\\??\\C:\\Users\\Public",
	       "C:\\Users\\Public", 0);
	mklink(vol, "/", "Documents and Settings", NL_TAG_MOUNT_POINT, true, "\\??\\C:\\Users",
	       "C:\\Users", 0);
	mklink(vol, "/rel", "link.txt", NL_TAG_SYMLINK, false, "..\\Users\\Public\\doc.txt",
	       "..\\Users\\Public\\doc.txt", 1);
	mklink(vol, "/rel", "up", NL_TAG_SYMLINK, false, "..\\..\\x", "..\\..\\x", 1);
	mklink(vol, "/rel", "self", NL_TAG_SYMLINK, false, "self", "self", 1);
	mklink(vol, "/", "dangling", NL_TAG_MOUNT_POINT, true, "\\??\\C:\\nothing\\here",
	       "C:\\nothing\\here", 0);
	mklink(vol, "/", "otherdrive", NL_TAG_SYMLINK, true, "\\??\\D:\\data", "D:\\data", 0);
	mklink(vol, "/", "unc", NL_TAG_SYMLINK, true, "\\??\\UNC\\srv\\share\\x", "\\\\srv\\share\\x", 0);
	mklink(vol, "/", "mnt", NL_TAG_MOUNT_POINT, true, "\\??\\Volume" GUID "\\", "", 0);
	mklink(vol, "/", "chainA", NL_TAG_MOUNT_POINT, true, "\\??\\C:\\chainB", "C:\\chainB", 0);
	mklink(vol, "/", "chainB", NL_TAG_MOUNT_POINT, true, "\\??\\C:\\chainA", "C:\\chainA", 0);
	mklink(vol, "/", "via", NL_TAG_SYMLINK, false,
	       "\\??\\C:\\Documents and Settings\\Public\\doc.txt",
	       "C:\\Documents and Settings\\Public\\doc.txt", 0);
	mklink(vol, "/", "tochain", NL_TAG_MOUNT_POINT, true, "\\??\\C:\\Documents and Settings",
	       "C:\\Documents and Settings", 0);
	mklink(vol, "/", "broken_chain", NL_TAG_SYMLINK, true, "\\??\\C:\\dangling", "C:\\dangling", 0);
	mklink(vol, "/", "lower", NL_TAG_MOUNT_POINT, true, "\\??\\c:\\users", "c:\\users", 0);
	mkraw(vol, "/", "wsl", NL_TAG_LX_SYMLINK, "\x02\x00\x00\x00Users/Public", 16);
	mkraw(vol, "/", "wslabs", NL_TAG_LX_SYMLINK, "\x02\x00\x00\x00/mnt/c/x", 12);
	mkraw(vol, "/", "compressed.bin", NL_TAG_WOF, wof, sizeof(wof));
	mkraw(vol, "/", "odd", 0xA0001234, "\x01\x02", 2);
	{
		char print[601];

		memset(print, 'p', 600);
		print[600] = 0;
		mklink(vol, "/rel", "longsym", NL_TAG_SYMLINK, false,
		       "\\??\\C:\\Users\\Public\\doc.txt", print, 0);
	}
	if (ntfs_umount(vol, FALSE))
		die("umount");
}

/* save_mft: the $MFT of the image as stored (update sequences in place) into
 * @out; record @zero (if not UINT64_MAX) is zeroed: never used */
static void save_mft(const char *out, uint64_t zero)
{
	ntfs_volume *vol = ntfs_mount(image, NTFS_MNT_RDONLY);
	s64 size;
	char *buf;
	FILE *f;

	if (!vol)
		die("mount for $MFT");
	size = vol->mft_na->data_size;
	buf = malloc((size_t)size);
	if (!buf || ntfs_attr_pread(vol->mft_na, 0, size, buf) != size)
		die("read $MFT");
	if (zero != UINT64_MAX)
		memset(buf + zero * vol->mft_record_size, 0, vol->mft_record_size);
	f = fopen(out, "wb");
	if (!f || fwrite(buf, 1, (size_t)size, f) != (size_t)size || fclose(f))
		die(out);
	free(buf);
	if (ntfs_umount(vol, FALSE))
		die("umount");
}

/* ---- per-test state: the scanned image ------------------------------------------- */

static nl_volume *vol;
static nl_model *model;

static void open_model(void)
{
	tu_open_model(image, 1, &vol, &model);
}

static void close_model(void)
{
	tu_close_model(&vol, &model);
}

static uint64_t rec(const char *path)
{
	return tu_lookup(model, path);
}

/* cls2: with /Users as anchor */
static const struct tu_link_want wants[] = {
	{ "/Users/All Users", NULL, NL_CLASS_INNER, NL_CLASS_OUTER, "/ProgramData", NULL },
	{ "/ProgramData/Application Data", NULL, NL_CLASS_LOOP, NL_CLASS_LOOP, "/ProgramData",
	  "points to a folder that contains it" },
	{ "/ProgramData/Desktop", NULL, NL_CLASS_INNER, NL_CLASS_INNER, "/Users/Public", NULL },
	{ "/Documents and Settings", NULL, NL_CLASS_INNER, NL_CLASS_INNER, "/Users", NULL },
	{ "/rel/link.txt", NULL, NL_CLASS_INNER, NL_CLASS_INNER, "/Users/Public/doc.txt", NULL },
	{ "/rel/up", NULL, NL_CLASS_DANGLING, NL_CLASS_DANGLING, NULL, "relative target goes above the root" },
	{ "/rel/self", NULL, NL_CLASS_LOOP, NL_CLASS_LOOP, "/rel/self", "points to itself" },
	{ "/dangling", NULL, NL_CLASS_DANGLING, NL_CLASS_DANGLING, "/nothing/here", "no such file" },
	{ "/otherdrive", NULL, NL_CLASS_OTHER_VOLUME, NL_CLASS_OTHER_VOLUME, NULL, NULL },
	{ "/unc", NULL, NL_CLASS_OTHER_VOLUME, NL_CLASS_OTHER_VOLUME, NULL, NULL },
	{ "/mnt", NULL, NL_CLASS_OTHER_VOLUME, NL_CLASS_OTHER_VOLUME, NULL, NULL },
	{ "/chainA", NULL, NL_CLASS_LOOP, NL_CLASS_LOOP, "/chainB",
	  "link chain comes back to the link or a folder containing it" },
	{ "/chainB", NULL, NL_CLASS_LOOP, NL_CLASS_LOOP, "/chainA",
	  "link chain comes back to the link or a folder containing it" },
	{ "/via", NULL, NL_CLASS_INNER, NL_CLASS_INNER, "/Documents and Settings/Public/doc.txt", NULL },
	{ "/tochain", NULL, NL_CLASS_INNER, NL_CLASS_OUTER, "/Documents and Settings", NULL },
	{ "/broken_chain", NULL, NL_CLASS_DANGLING, NL_CLASS_DANGLING, "/dangling",
	  "link chain ends at a missing target" },
	{ "/lower", NULL, NL_CLASS_INNER, NL_CLASS_INNER, "/users", NULL },
	{ "/wsl", NULL, NL_CLASS_INNER, NL_CLASS_INNER, "/Users/Public", NULL },
	{ "/wslabs", NULL, NL_CLASS_OTHER_VOLUME, NL_CLASS_OTHER_VOLUME, NULL, NULL },
	{ "/compressed.bin", NULL, NL_CLASS_NONE, NL_CLASS_NONE, NULL, NULL },
	{ "/odd", NULL, NL_CLASS_UNKNOWN, NL_CLASS_UNKNOWN, NULL, "target not decoded for this tag" },
	{ "/rel/longsym", NULL, NL_CLASS_INNER, NL_CLASS_INNER, "/Users/Public/doc.txt", NULL },
};

START_TEST(test_classes_root)
{
	nl_analysis *a = NULL;
	struct nl_drive_guess g;
	uint64_t counts[NL_CLASS_COUNT];
	struct nl_link_info li;
	size_t cursor = 0, n = 0;

	open_model();
	ck_assert_int_eq(nl_analysis_open(model, NULL, &a), 0);
	ck_assert_int_eq(nl_analysis_drive(a, &g), 0);
	ck_assert_int_eq(g.drive, 'C');
	ck_assert(!g.given);
	/* 12 targets on C:, 10 of which exist as named (the two that do not:
	 * \nothing\here, and the path through the junction "Documents and Settings"),
	 * and one on D: */
	ck_assert_uint_eq(g.drive_targets, 13);
	ck_assert_uint_eq(g.support, 10);
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		tu_check_link(a, model, &wants[i], wants[i].cls);
	ck_assert_int_eq(nl_analysis_counts(a, counts), 0);
	ck_assert_uint_eq(counts[NL_CLASS_INNER], 9);
	ck_assert_uint_eq(counts[NL_CLASS_OUTER], 0);
	ck_assert_uint_eq(counts[NL_CLASS_OTHER_VOLUME], 4);
	ck_assert_uint_eq(counts[NL_CLASS_DANGLING], 3);
	ck_assert_uint_eq(counts[NL_CLASS_LOOP], 4);
	ck_assert_uint_eq(counts[NL_CLASS_UNKNOWN], 1);
	ck_assert_uint_eq(counts[NL_CLASS_NONE], 1);
	while (nl_analysis_next(a, &cursor, &li) == 0)
		n++;
	ck_assert_uint_eq(n, sizeof(wants) / sizeof(wants[0]));
	ck_assert_int_eq(nl_analysis_link(a, rec("/Users"), &li), -ENOENT);

	/* found targets carry their record */
	ck_assert_int_eq(nl_analysis_link(a, rec("/via"), &li), 0);
	ck_assert(li.target_found);
	ck_assert_uint_eq(li.target_mft, rec("/Users/Public/doc.txt"));
	ck_assert_str_eq(li.rp->name, "symlink");
	ck_assert_int_eq(li.target->kind, NL_TGT_DRIVE);
	ck_assert_int_eq(nl_analysis_link(a, rec("/mnt"), &li), 0);
	ck_assert_str_eq(li.rp->name, "mount_point");
	ck_assert_int_eq(li.target->kind, NL_TGT_VOLUME);
	nl_analysis_close(&a);
	ck_assert_ptr_null(a);
	close_model();
}
END_TEST

START_TEST(test_classes_under_users)
{
	nl_analysis *a = NULL;
	struct nl_analysis_options o = { 0 };
	uint64_t counts[NL_CLASS_COUNT];

	open_model();
	o.anchor = rec("/Users");
	ck_assert_int_eq(nl_analysis_open(model, &o, &a), 0);
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		tu_check_link(a, model, &wants[i], wants[i].cls2);
	nl_analysis_counts(a, counts);
	ck_assert_uint_eq(counts[NL_CLASS_INNER], 7);
	ck_assert_uint_eq(counts[NL_CLASS_OUTER], 2);
	nl_analysis_close(&a);

	/* an anchor that is not a directory is refused */
	o.anchor = rec("/Users/big.bin");
	ck_assert_int_eq(nl_analysis_open(model, &o, &a), -EINVAL);
	ck_assert_ptr_null(a);
	close_model();
}
END_TEST

START_TEST(test_drive_given_and_guid)
{
	nl_analysis *a = NULL;
	struct nl_analysis_options o = { 0 };
	struct nl_drive_guess g;
	struct nl_link_info li;

	open_model();
	o.drive = 'd';
	o.volume_guid = "\\\\?\\Volume" GUID "\\";
	ck_assert_int_eq(nl_analysis_open(model, &o, &a), 0);
	nl_analysis_drive(a, &g);
	ck_assert_int_eq(g.drive, 'D');
	ck_assert(g.given);
	ck_assert_uint_eq(g.support, 0);
	ck_assert_uint_eq(g.drive_targets, 13);
	/* C: is now another volume; D:\data is here and missing */
	nl_analysis_link(a, rec("/Users/All Users"), &li);
	ck_assert_int_eq(li.cls, NL_CLASS_OTHER_VOLUME);
	nl_analysis_link(a, rec("/otherdrive"), &li);
	ck_assert_int_eq(li.cls, NL_CLASS_DANGLING);
	ck_assert_str_eq(li.target_path, "/data");
	/* relative links do not care about the letter */
	nl_analysis_link(a, rec("/rel/link.txt"), &li);
	ck_assert_int_eq(li.cls, NL_CLASS_INNER);
	/* the mount point names this volume's GUID: it points to the root, which holds it */
	nl_analysis_link(a, rec("/mnt"), &li);
	ck_assert_int_eq(li.cls, NL_CLASS_LOOP);
	ck_assert_str_eq(li.reason, "points to a folder that contains it");
	nl_analysis_close(&a);

	o.drive = '1';
	ck_assert_int_eq(nl_analysis_open(model, &o, &a), -EINVAL);
	o.drive = 0;
	o.volume_guid = "no-guid";
	ck_assert_int_eq(nl_analysis_open(model, &o, &a), -EINVAL);
	/* a chain bound of 1 turns the two-step chain into a loop */
	o.volume_guid = NULL;
	o.max_depth = 1;
	ck_assert_int_eq(nl_analysis_open(model, &o, &a), 0);
	nl_analysis_link(a, rec("/via"), &li);
	ck_assert_int_eq(li.cls, NL_CLASS_INNER); /* one link on the way: fine */
	nl_analysis_close(&a);
	close_model();
}
END_TEST

START_TEST(test_class_names)
{
	ck_assert_str_eq(nl_link_class_name(NL_CLASS_OTHER_VOLUME), "other-volume");
	ck_assert_str_eq(nl_link_class_name(NL_CLASS_INNER), "inner");
	ck_assert_str_eq(nl_link_class_name((enum nl_link_class)77), "unknown");
	ck_assert_int_eq(nl_link_class_from_name("loop"), NL_CLASS_LOOP);
	ck_assert_int_eq(nl_link_class_from_name("dangling"), NL_CLASS_DANGLING);
	ck_assert_int_eq(nl_link_class_from_name("nope"), -EINVAL);
}
END_TEST

START_TEST(test_saturation)
{
	struct nl_saturation s;
	uint64_t doc;

	open_model();
	doc = rec("/Users/Public/doc.txt");
	ck_assert_int_eq(nl_hardlink_saturation(model, doc, NL_ROOT_MFT, &s), 0);
	ck_assert_uint_eq(s.total, 4);
	ck_assert_uint_eq(s.inside, 4);
	ck_assert(s.saturated);
	ck_assert_int_eq(nl_hardlink_saturation(model, doc, rec("/Users"), &s), 0);
	ck_assert_uint_eq(s.total, 4);
	ck_assert_uint_eq(s.inside, 1);
	ck_assert(!s.saturated);
	ck_assert_int_eq(nl_hardlink_saturation(model, doc, rec("/rel"), &s), 0);
	ck_assert_uint_eq(s.inside, 2);
	ck_assert_int_eq(nl_hardlink_saturation(model, rec("/Users/big.bin"), rec("/Users"), &s), 0);
	ck_assert_uint_eq(s.total, 1);
	ck_assert(s.saturated);
	ck_assert_int_eq(nl_hardlink_saturation(model, rec("/Users/big.bin"), rec("/rel"), &s), 0);
	ck_assert_uint_eq(s.inside, 0);
	ck_assert(!s.saturated);
	close_model();
}
END_TEST

START_TEST(test_truesize)
{
	struct nl_truesize t;

	open_model();
	/* /rel: link.txt, up, self, longsym (empty symlink files), doc-link.txt +
	 * doc-link2.txt (one 100-byte file) */
	ck_assert_int_eq(nl_truesize(model, rec("/rel"), &t), 0);
	ck_assert_uint_eq(t.names, 6);
	ck_assert_uint_eq(t.files, 5);
	ck_assert_uint_eq(t.dirs, 0);
	ck_assert_uint_eq(t.hardlinked, 1);
	ck_assert_uint_eq(t.naive_bytes, 200);
	ck_assert_uint_eq(t.true_bytes, 100);
	ck_assert_uint_eq(t.true_alloc, 0); /* resident */

	/* /Users: Public, Public/doc.txt, big.bin, All Users */
	ck_assert_int_eq(nl_truesize(model, rec("/Users"), &t), 0);
	ck_assert_uint_eq(t.names, 4);
	ck_assert_uint_eq(t.dirs, 2);
	ck_assert_uint_eq(t.files, 2);
	ck_assert_uint_eq(t.hardlinked, 0);
	ck_assert_uint_eq(t.naive_bytes, 5100);
	ck_assert_uint_eq(t.true_bytes, 5100);
	ck_assert_uint_eq(t.true_alloc, 8192); /* two 4 KiB clusters for big.bin */
	ck_assert_uint_eq(t.naive_alloc, 8192);

	/* the root: doc.txt (100 bytes, 4 names) and big.bin (5000); the
	 * reparse-point files hold no data; the NTFS metadata files ($MFT,
	 * $LogFile, $BadClus:$Bad as large as the volume, $Extend...) are not
	 * user data and are not counted */
	ck_assert_int_eq(nl_truesize(model, 5, &t), 0);
	ck_assert_uint_eq(t.hardlinked, 1);
	ck_assert_uint_eq(t.true_bytes, 5100);
	ck_assert_uint_eq(t.naive_bytes, 5400);
	ck_assert_uint_eq(t.true_alloc, 8192);

	ck_assert_int_eq(nl_truesize(model, rec("/Users/big.bin"), &t), -ENOTDIR);
	ck_assert_int_eq(nl_truesize(model, 999999, &t), -ENOENT);
	close_model();
}
END_TEST

/* ---- bare $MFT files ------------------------------------------------------------- */

static void on_problem(void *ctx, const char *source, uint64_t mft, const char *path,
		       const char *reason)
{
	(void)source;
	(void)path;
	(void)mft;
	(void)reason;
	(*(int *)ctx)++;
}

static nl_model *scan_file(const char *path, nl_volume **v, int *problems)
{
	struct nl_scan_options so = { .problem = on_problem, .problem_ctx = problems };
	char err[512];
	nl_model *m = NULL;

	*problems = 0;
	ck_assert_msg(nl_volume_open(path, NULL, v, err, sizeof(err)) == 0, "open: %s", err);
	ck_assert(nl_volume_is_raw_mft(*v));
	ck_assert_int_eq(nl_scan(*v, &so, &m), 0);
	return m;
}

/* From the bare $MFT every link reads as from the image, except the one whose
 * data is non-resident: unknown, with the tag if a copy in the $MFT has it */
START_TEST(test_raw_mft)
{
	nl_volume *rv = NULL;
	nl_model *rm;
	nl_analysis *a = NULL, *ra = NULL;
	struct nl_link_info li, rli;
	struct nl_drive_guess g;
	uint64_t counts[NL_CLASS_COUNT], longsym;
	int problems;
	uint32_t tag = 1;

	open_model();
	longsym = rec("/rel/longsym");
	ck_assert_int_eq(nl_analysis_open(model, NULL, &a), 0);
	rm = scan_file(mft_raw, &rv, &problems);
	ck_assert_int_eq(problems, 0);
	ck_assert_int_eq(nl_analysis_open(rm, NULL, &ra), 0);
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		uint64_t mft = rec(wants[i].path);

		ck_assert_int_eq(nl_analysis_link(a, mft, &li), 0);
		ck_assert_int_eq(nl_analysis_link(ra, mft, &rli), 0);
		if (mft == longsym)
			continue;
		ck_assert_msg(li.cls == rli.cls, "%s: %s from the $MFT", wants[i].path,
			      nl_link_class_name(rli.cls));
		ck_assert_uint_eq(li.tag, rli.tag);
		if (li.target_path)
			ck_assert_str_eq(li.target_path, rli.target_path);
		else
			ck_assert_ptr_null(rli.target_path);
	}
	/* the tag of longsym is in no copy in this $MFT (libntfs-3g writes none
	 * into $FILE_NAMEs, 0xC0 into $I30 entries, and $R has grown out of its
	 * record): unknown */
	ck_assert_int_eq(nl_model_reparse(rm, longsym, &tag, NULL, NULL), -EIO);
	ck_assert_uint_eq(tag, 0);
	ck_assert_int_eq(nl_analysis_link(ra, longsym, &rli), 0);
	ck_assert_int_eq(rli.cls, NL_CLASS_UNKNOWN);
	ck_assert_uint_eq(rli.tag, 0);
	ck_assert_ptr_null(rli.rp);
	ck_assert_ptr_null(rli.target_path);
	ck_assert_str_eq(rli.reason, "reparse data unreadable and its tag unknown");
	nl_analysis_counts(ra, counts);
	ck_assert_uint_eq(counts[NL_CLASS_INNER], 8);
	ck_assert_uint_eq(counts[NL_CLASS_UNKNOWN], 2);
	ck_assert_uint_eq(counts[NL_CLASS_NONE], 1);
	nl_analysis_drive(ra, &g);
	ck_assert_int_eq(g.drive, 'C');
	ck_assert_uint_eq(g.drive_targets, 12);
	ck_assert_uint_eq(g.support, 9);
	nl_analysis_close(&ra);
	nl_analysis_close(&a);
	nl_model_free(&rm);
	nl_volume_close(&rv);
	close_model();
}
END_TEST

#define NO_ROOT "the root folder is not in the model: targets on this volume cannot be resolved"
#define NOT_CONNECTED "the link is not connected to the root: its relative target cannot be placed"

/* A $MFT without record 5: links still decoded and classified */
START_TEST(test_no_root)
{
	static const struct {
		const char *path;
		enum nl_link_class cls;
		const char *target_path, *reason;
	} nr[] = {
		{ "/Users/All Users", NL_CLASS_UNKNOWN, "/ProgramData", NO_ROOT },
		{ "/ProgramData/Application Data", NL_CLASS_UNKNOWN, "/ProgramData", NO_ROOT },
		{ "/ProgramData/Desktop", NL_CLASS_UNKNOWN, "/Users/Public", NO_ROOT },
		{ "/Documents and Settings", NL_CLASS_UNKNOWN, "/Users", NO_ROOT },
		{ "/rel/link.txt", NL_CLASS_UNKNOWN, NULL, NOT_CONNECTED },
		{ "/rel/up", NL_CLASS_UNKNOWN, NULL, NOT_CONNECTED },
		{ "/rel/self", NL_CLASS_UNKNOWN, NULL, NOT_CONNECTED },
		{ "/dangling", NL_CLASS_UNKNOWN, "/nothing/here", NO_ROOT },
		{ "/otherdrive", NL_CLASS_OTHER_VOLUME, NULL, NULL },
		{ "/unc", NL_CLASS_OTHER_VOLUME, NULL, NULL },
		{ "/mnt", NL_CLASS_OTHER_VOLUME, NULL, NULL },
		{ "/chainA", NL_CLASS_UNKNOWN, "/chainB", NO_ROOT },
		{ "/chainB", NL_CLASS_UNKNOWN, "/chainA", NO_ROOT },
		{ "/via", NL_CLASS_UNKNOWN, "/Documents and Settings/Public/doc.txt", NO_ROOT },
		{ "/tochain", NL_CLASS_UNKNOWN, "/Documents and Settings", NO_ROOT },
		{ "/broken_chain", NL_CLASS_UNKNOWN, "/dangling", NO_ROOT },
		{ "/lower", NL_CLASS_UNKNOWN, "/users", NO_ROOT },
		{ "/wsl", NL_CLASS_UNKNOWN, NULL, NOT_CONNECTED },
		{ "/wslabs", NL_CLASS_OTHER_VOLUME, NULL, NULL },
		{ "/compressed.bin", NL_CLASS_NONE, NULL, NULL },
		{ "/odd", NL_CLASS_UNKNOWN, NULL, "target not decoded for this tag" },
		{ "/rel/longsym", NL_CLASS_UNKNOWN, NULL, "reparse data unreadable and its tag unknown" },
	};
	uint64_t mft[sizeof(nr) / sizeof(nr[0])], users, big, counts[NL_CLASS_COUNT];
	nl_volume *rv = NULL;
	nl_model *rm;
	nl_analysis *a = NULL;
	struct nl_analysis_options o = { 0 };
	struct nl_link_info li;
	struct nl_record_info ri;
	struct nl_drive_guess g;
	size_t cursor = 0, n = 0;
	int problems;

	ck_assert_uint_eq(sizeof(nr) / sizeof(nr[0]), sizeof(wants) / sizeof(wants[0]));
	open_model();
	for (size_t i = 0; i < sizeof(nr) / sizeof(nr[0]); i++)
		mft[i] = rec(nr[i].path);
	users = rec("/Users");
	big = rec("/Users/big.bin");
	close_model();

	rm = scan_file(mft_noroot, &rv, &problems);
	ck_assert_int_eq(problems, 0);
	ck_assert_int_eq(nl_model_record(rm, NL_ROOT_MFT, &ri), -ENOENT);
	for (int pass = 0; pass < 2; pass++) {
		/* the default anchor, then an explicit one that is there */
		o.anchor = pass ? users : 0;
		ck_assert_int_eq(nl_analysis_open(rm, pass ? &o : NULL, &a), 0);
		for (size_t i = 0; i < sizeof(nr) / sizeof(nr[0]); i++) {
			ck_assert_int_eq(nl_analysis_link(a, mft[i], &li), 0);
			ck_assert_msg(li.cls == nr[i].cls, "%s: %s (%s)", nr[i].path,
				      nl_link_class_name(li.cls), li.reason ? li.reason : "");
			if (nr[i].target_path)
				ck_assert_str_eq(li.target_path, nr[i].target_path);
			else
				ck_assert_ptr_null(li.target_path);
			if (nr[i].reason)
				ck_assert_str_eq(li.reason, nr[i].reason);
			else
				ck_assert_ptr_null(li.reason);
			ck_assert(!li.target_found);
		}
		nl_analysis_counts(a, counts);
		ck_assert_uint_eq(counts[NL_CLASS_INNER] + counts[NL_CLASS_OUTER] +
				  counts[NL_CLASS_DANGLING] + counts[NL_CLASS_LOOP], 0);
		ck_assert_uint_eq(counts[NL_CLASS_OTHER_VOLUME], 4);
		ck_assert_uint_eq(counts[NL_CLASS_UNKNOWN], 17);
		ck_assert_uint_eq(counts[NL_CLASS_NONE], 1);
		cursor = n = 0;
		while (nl_analysis_next(a, &cursor, &li) == 0)
			n++;
		ck_assert_uint_eq(n, sizeof(nr) / sizeof(nr[0]));
		/* no drive target resolves: the most frequent letter, unsupported */
		nl_analysis_drive(a, &g);
		ck_assert_int_eq(g.drive, 'C');
		ck_assert(!g.given);
		ck_assert_uint_eq(g.support, 0);
		ck_assert_uint_eq(g.drive_targets, 12);
		nl_analysis_close(&a);
	}
	/* explicit anchors that are no directory of the model are still refused */
	o.anchor = NL_ROOT_MFT;
	ck_assert_int_eq(nl_analysis_open(rm, &o, &a), -EINVAL);
	ck_assert_ptr_null(a);
	o.anchor = big;
	ck_assert_int_eq(nl_analysis_open(rm, &o, &a), -EINVAL);
	ck_assert_ptr_null(a);
	nl_model_free(&rm);
	nl_volume_close(&rv);
}
END_TEST

static Suite *analysis_suite(void)
{
	Suite *s = suite_create("analysis");
	TCase *tc = tcase_create("image");

	tcase_add_test(tc, test_classes_root);
	tcase_add_test(tc, test_classes_under_users);
	tcase_add_test(tc, test_drive_given_and_guid);
	tcase_add_test(tc, test_class_names);
	tcase_add_test(tc, test_saturation);
	tcase_add_test(tc, test_truesize);
	tcase_add_test(tc, test_raw_mft);
	tcase_add_test(tc, test_no_root);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int rc;

	build_image();
	snprintf(mft_raw, sizeof(mft_raw), "%s.mft", image);
	snprintf(mft_noroot, sizeof(mft_noroot), "%s.noroot.mft", image);
	save_mft(mft_raw, UINT64_MAX);
	save_mft(mft_noroot, NL_ROOT_MFT);
	rc = tu_run_suite(analysis_suite());
	unlink(image);
	unlink(mft_raw);
	unlink(mft_noroot);
	return rc;
}
