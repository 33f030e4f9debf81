/* check_analysis_fixtures.c: link classes, saturation and true size on the fixture images winlike.spec and reparse.spec (built with $MKFIXTURE). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>
#include "testmodel.h"
#include "testutil.h"

/*
 * Expected values follow from the specs in fixtures/ (read them side by
 * side).  The drive letter is inferred: in winlike.spec 7 of the 8
 * drive-letter targets are on C:, and 5 of those exist; in reparse.spec 6 of 7
 * are on C: and 4 exist.
 */

static char tmpdir[4096], winlike[4200], reparse_img[4200];

/* build: the image of fixtures/@spec */
static int build(const char *spec, const char *image)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", getenv("FIXTURES_DIR"), spec);
	if (tu_mkfixture(path, image) != 0) {
		fprintf(stderr, "check_analysis_fixtures: mkfixture %s failed\n", path);
		return -1;
	}
	return 0;
}

static nl_volume *vol;
static nl_model *model;

static void open_model(const char *image)
{
	tu_open_model(image, 0, &vol, &model);
}

static void close_model(void)
{
	tu_close_model(&vol, &model);
}

static uint64_t rec(const char *path)
{
	return tu_lookup(model, path);
}

/* ---- winlike.spec ------------------------------------------------------------ */

static const struct tu_link_want win_wants[] = {
	{ "/Users/alice/My Documents", "junction", NL_CLASS_INNER, NL_CLASS_INNER,
	  "/Users/alice/Documents", NULL },
	{ "/Users/alice/Application Data", "junction", NL_CLASS_INNER, NL_CLASS_INNER,
	  "/Users/alice/AppData/Roaming", NULL },
	{ "/ProgramData/Application Data", "junction", NL_CLASS_LOOP, NL_CLASS_LOOP,
	  "/ProgramData", "points to a folder that contains it" },
	{ "/ProgramData/Desktop", "junction", NL_CLASS_DANGLING, NL_CLASS_DANGLING,
	  "/Users/Public/Desktop", "no such file" },
	{ "/Users/All Users", "symlink", NL_CLASS_INNER, NL_CLASS_OUTER, "/ProgramData", NULL },
	{ "/Users/Default User", "junction", NL_CLASS_DANGLING, NL_CLASS_DANGLING,
	  "/Users/Default", "no such file" },
	{ "/Documents and Settings", "junction", NL_CLASS_INNER, NL_CLASS_INNER, "/Users", NULL },
	{ "/Data", "junction", NL_CLASS_OTHER_VOLUME, NL_CLASS_OTHER_VOLUME, NULL, NULL },
	{ "/Mount/Backup", "mount_point", NL_CLASS_OTHER_VOLUME, NL_CLASS_OTHER_VOLUME, NULL, NULL },
	{ "/Users/alice/Documents/latest.txt", "symlink", NL_CLASS_INNER, NL_CLASS_INNER,
	  "/Users/alice/Documents/letter.txt", NULL },
};

#define N_WIN (sizeof(win_wants) / sizeof(win_wants[0]))

START_TEST(test_winlike_classes)
{
	nl_analysis *a = NULL;
	struct nl_analysis_options o = { 0 };
	struct nl_drive_guess g;
	uint64_t counts[NL_CLASS_COUNT];
	struct nl_link_info li;

	open_model(winlike);
	ck_assert_int_eq(nl_analysis_open(model, NULL, &a), 0);
	nl_analysis_drive(a, &g);
	ck_assert_int_eq(g.drive, 'C');
	ck_assert(!g.given);
	ck_assert_uint_eq(g.drive_targets, 8);
	ck_assert_uint_eq(g.support, 5);
	for (size_t i = 0; i < N_WIN; i++)
		tu_check_link(a, model, &win_wants[i], win_wants[i].cls);
	nl_analysis_counts(a, counts);
	ck_assert_uint_eq(counts[NL_CLASS_INNER], 5);
	ck_assert_uint_eq(counts[NL_CLASS_OUTER], 0);
	ck_assert_uint_eq(counts[NL_CLASS_OTHER_VOLUME], 2);
	ck_assert_uint_eq(counts[NL_CLASS_DANGLING], 2);
	ck_assert_uint_eq(counts[NL_CLASS_LOOP], 1);
	ck_assert_uint_eq(counts[NL_CLASS_UNKNOWN], 0);
	ck_assert_uint_eq(counts[NL_CLASS_NONE], 0);
	ck_assert_int_eq(nl_analysis_link(a, rec("/Mount/Backup"), &li), 0);
	ck_assert_str_eq(li.target->volume, "{26a21bda-a627-11d7-9931-806e6f6e6963}");
	ck_assert_str_eq(li.rp->print_name, "");
	nl_analysis_close(&a);

	o.anchor = rec("/Users");
	ck_assert_int_eq(nl_analysis_open(model, &o, &a), 0);
	for (size_t i = 0; i < N_WIN; i++)
		tu_check_link(a, model, &win_wants[i], win_wants[i].cls2);
	nl_analysis_counts(a, counts);
	ck_assert_uint_eq(counts[NL_CLASS_INNER], 4);
	ck_assert_uint_eq(counts[NL_CLASS_OUTER], 1);
	nl_analysis_close(&a);
	close_model();
}
END_TEST

START_TEST(test_winlike_saturation_truesize)
{
	struct nl_saturation s;
	struct nl_truesize t;
	uint64_t notepad, disk;

	open_model(winlike);
	notepad = rec("/Windows/System32/notepad.exe");
	disk = rec("/Windows/System32/drivers/disk.sys");
	ck_assert_int_eq(nl_hardlink_saturation(model, notepad, rec("/Windows/System32"), &s), 0);
	ck_assert_uint_eq(s.total, 3);
	ck_assert_uint_eq(s.inside, 1);
	ck_assert(!s.saturated);
	ck_assert_int_eq(nl_hardlink_saturation(model, notepad, rec("/Windows"), &s), 0);
	ck_assert_uint_eq(s.inside, 3);
	ck_assert(s.saturated);
	ck_assert_int_eq(nl_hardlink_saturation(model, disk, rec("/Windows/System32/DriverStore"), &s), 0);
	ck_assert_uint_eq(s.total, 26);
	ck_assert_uint_eq(s.inside, 25);
	ck_assert(!s.saturated);
	ck_assert_int_eq(nl_hardlink_saturation(model, disk, rec("/Windows/System32"), &s), 0);
	ck_assert_uint_eq(s.inside, 26);
	ck_assert(s.saturated);

	/* DriverStore: FileRepository, disk.inf_..., backup, and disk.sys under 25 names */
	ck_assert_int_eq(nl_truesize(model, rec("/Windows/System32/DriverStore"), &t), 0);
	ck_assert_uint_eq(t.dirs, 3);
	ck_assert_uint_eq(t.files, 1);
	ck_assert_uint_eq(t.names, 28);
	ck_assert_uint_eq(t.hardlinked, 1);
	ck_assert_uint_eq(t.true_bytes, 73280);
	ck_assert_uint_eq(t.naive_bytes, 25 * 73280);
	ck_assert_uint_eq(t.true_alloc, 73728); /* 18 clusters of 4 KiB */
	ck_assert_uint_eq(t.naive_alloc, 25 * 73728);

	/* alice's documents: letter.txt (11 bytes), the report (24576 + a 26-byte
	 * stream), latest.txt (a symlink, no data) */
	ck_assert_int_eq(nl_truesize(model, rec("/Users/alice/Documents"), &t), 0);
	ck_assert_uint_eq(t.files, 3);
	ck_assert_uint_eq(t.names, 3);
	ck_assert_uint_eq(t.true_bytes, 11 + 24576 + 26);
	ck_assert_uint_eq(t.naive_bytes, t.true_bytes);
	close_model();
}
END_TEST

/* ---- reparse.spec --------------------------------------------------------------- */

static char long_path[64 * 48];

static const struct tu_link_want rp_wants[] = {
	{ "/junction", "junction", NL_CLASS_INNER, 0, "/target", NULL },
	{ "/junction-noprint", "junction", NL_CLASS_INNER, 0, "/target", NULL },
	{ "/junction-other-drive", "junction", NL_CLASS_OTHER_VOLUME, 0, NULL, NULL },
	{ "/mount", "mount_point", NL_CLASS_OTHER_VOLUME, 0, NULL, NULL },
	{ "/link-rel.txt", "symlink", NL_CLASS_INNER, 0, "/target/file.txt", NULL },
	{ "/link-up.txt", "symlink", NL_CLASS_DANGLING, 0, NULL, "relative target goes above the root" },
	{ "/link-abs.txt", "symlink", NL_CLASS_INNER, 0, "/target/file.txt", NULL },
	{ "/link-dir", "symlink", NL_CLASS_INNER, 0, "/target", NULL },
	{ "/link-dir-rel", "symlink", NL_CLASS_INNER, 0, "/target", NULL },
	{ "/link-unc", "symlink", NL_CLASS_OTHER_VOLUME, 0, NULL, NULL },
	{ "/link-dangling.txt", "symlink", NL_CLASS_DANGLING, 0, "/nowhere/missing.txt", "no such file" },
	{ "/link-long", "symlink", NL_CLASS_DANGLING, 0, long_path, "no such file" },
	{ "/wof.dll", "wof", NL_CLASS_NONE, 0, NULL, NULL },
	{ "/dedup.dat", "dedup", NL_CLASS_NONE, 0, NULL, NULL },
	{ "/cloud", "cloud", NL_CLASS_NONE, 0, NULL, NULL },
	{ "/cloud-file.docx", "cloud", NL_CLASS_NONE, 0, NULL, NULL },
	{ "/wt.exe", "appexeclink", NL_CLASS_NONE, 0, NULL, NULL },
	{ "/wsl-link", "wsl_symlink", NL_CLASS_OTHER_VOLUME, 0, NULL, NULL },
	{ "/unknown-ms.bin", "unknown", NL_CLASS_NONE, 0, NULL, NULL },
	{ "/unknown-3rd-party.bin", "unknown", NL_CLASS_NONE, 0, NULL, NULL },
};

#define N_RP (sizeof(rp_wants) / sizeof(rp_wants[0]))

START_TEST(test_reparse_spec)
{
	nl_analysis *a = NULL;
	struct nl_drive_guess g;
	uint64_t counts[NL_CLASS_COUNT];
	struct nl_link_info li;
	char *hex = NULL;

	long_path[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(long_path, "/a-rather-long-folder-name-for-a-long-target");
	open_model(reparse_img);
	ck_assert_int_eq(nl_analysis_open(model, NULL, &a), 0);
	nl_analysis_drive(a, &g);
	ck_assert_int_eq(g.drive, 'C');
	ck_assert_uint_eq(g.drive_targets, 7);
	ck_assert_uint_eq(g.support, 4);
	for (size_t i = 0; i < N_RP; i++)
		tu_check_link(a, model, &rp_wants[i], rp_wants[i].cls);
	nl_analysis_counts(a, counts);
	ck_assert_uint_eq(counts[NL_CLASS_INNER], 6);
	ck_assert_uint_eq(counts[NL_CLASS_OTHER_VOLUME], 4);
	ck_assert_uint_eq(counts[NL_CLASS_DANGLING], 3);
	ck_assert_uint_eq(counts[NL_CLASS_NONE], 7);

	/* decoded details */
	nl_analysis_link(a, rec("/junction-noprint"), &li);
	ck_assert_str_eq(li.rp->print_name, "");
	ck_assert_str_eq(li.rp->substitute_name, "\\??\\C:\\target");
	nl_analysis_link(a, rec("/link-rel.txt"), &li);
	ck_assert(li.rp->relative);
	ck_assert_str_eq(li.rp->substitute_name, "target\\file.txt");
	nl_analysis_link(a, rec("/link-unc"), &li);
	ck_assert_int_eq(li.target->kind, NL_TGT_UNC);
	ck_assert_str_eq(li.target->server, "server");
	ck_assert_str_eq(li.target->share, "share");
	ck_assert_str_eq(li.target->path, "/folder");
	nl_analysis_link(a, rec("/link-long"), &li);
	ck_assert_uint_eq(li.rp->substitute_len, 6 + 40 * 44);
	nl_analysis_link(a, rec("/wof.dll"), &li);
	ck_assert_uint_eq(li.rp->wof_provider, 2);
	ck_assert_uint_eq(li.rp->wof_algorithm, 1);
	nl_analysis_link(a, rec("/wt.exe"), &li);
	ck_assert_uint_eq(li.rp->version, 3);
	ck_assert_uint_eq(li.rp->nstrings, 4);
	ck_assert_str_eq(li.rp->strings[1], "Microsoft.WindowsTerminal_8wekyb3d8bbwe!App");
	ck_assert_str_eq(li.rp->strings[2], "C:\\Program Files\\WindowsApps\\"
			 "Microsoft.WindowsTerminal_1.6.10571.0_x64__8wekyb3d8bbwe\\wt.exe");
	nl_analysis_link(a, rec("/wsl-link"), &li);
	ck_assert_str_eq(li.rp->substitute_name, "/mnt/c/Users/alice");
	ck_assert_uint_eq(li.rp->version, 2);
	nl_analysis_link(a, rec("/cloud"), &li);
	ck_assert(li.rp->directory);
	ck_assert_uint_eq(li.tag, 0x9000001A);
	nl_analysis_link(a, rec("/unknown-3rd-party.bin"), &li);
	ck_assert(li.rp->has_guid);
	ck_assert_str_eq(li.rp->guid_text, "{33221100-5544-7766-8899-aabbccddeeff}");
	ck_assert_int_eq(nl_hex(li.rp->data, li.rp->data_size, &hex), 0);
	ck_assert_str_eq(hex, "cafe");
	free(hex);
	nl_analysis_link(a, rec("/unknown-ms.bin"), &li);
	ck_assert_int_eq(nl_hex(li.rp->data, li.rp->data_size, &hex), 0);
	ck_assert_str_eq(hex, "deadbeef");
	free(hex);
	nl_analysis_close(&a);
	close_model();
}
END_TEST

static Suite *fixtures_suite(void)
{
	Suite *s = suite_create("analysis-fixtures");
	TCase *tc = tcase_create("specs");

	tcase_add_test(tc, test_winlike_classes);
	tcase_add_test(tc, test_winlike_saturation_truesize);
	tcase_add_test(tc, test_reparse_spec);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *mk = getenv("MKFIXTURE"), *dir = getenv("FIXTURES_DIR");
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int rc;

	if (!mk || !dir || access(mk, X_OK) != 0) {
		printf("SKIP: check_analysis_fixtures: the fixture builder $MKFIXTURE is not available\n");
		return 77;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/check_analysis_fixtures.XXXXXX", tmp);
	if (!mkdtemp(tmpdir)) {
		perror("check_analysis_fixtures: mkdtemp");
		return 99;
	}
	snprintf(winlike, sizeof(winlike), "%s/winlike.img", tmpdir);
	snprintf(reparse_img, sizeof(reparse_img), "%s/reparse.img", tmpdir);
	if (build("winlike.spec", winlike) || build("reparse.spec", reparse_img)) {
		unlink(winlike);
		unlink(reparse_img);
		rmdir(tmpdir);
		return 99;
	}
	rc = tu_run_suite(fixtures_suite());
	unlink(winlike);
	unlink(reparse_img);
	rmdir(tmpdir);
	return rc;
}
