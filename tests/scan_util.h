/* scan_util.h: what the scan suites share: the fixture image built through libntfs-3g with the record numbers of what it holds, and scanning an image into a model. */
#ifndef NL_TESTS_SCAN_UTIL_H
#define NL_TESTS_SCAN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>

/* record numbers of the fixture, filled in when it is built */
struct fx {
	uint64_t d1, d2, sub, f, l, u, s, j, m, nr, g, od, of, nd, st, pk, few, far;
	uint8_t junction[64];
	size_t junction_len;
	uint8_t *longlink;
	size_t longlink_len;
	uint64_t mft_offset;  /* byte offset of $MFT record 0 in the image */
};

/* the suite's temporary directory; the fixture with 512-byte sectors (img,
 * fx) and with 4096-byte sectors (img4k, fx4k) in it */
extern char tmpdir[4096], img[4200], img4k[4200];
extern struct fx fx, fx4k;

enum { SCAN_FX_512 = 1, SCAN_FX_4K = 2 };

/* scan_fixture_setup - a fresh temporary directory named after @tag and the
 * fixtures of @which (SCAN_FX_*, 0: none) in it; exits when that fails. */
void scan_fixture_setup(const char *tag, unsigned which);
/* scan_fixture_cleanup - removes the directory (kept if $CHECK_SCAN_KEEP). */
void scan_fixture_cleanup(const char *tag);

/* building more with libntfs-3g: exit (removing tmpdir) saying what failed;
 * open by path, close, each dying on failure */
void die(const char *what);
ntfs_inode *op(ntfs_volume *vol, const char *path);
void cl(ntfs_inode *ni);

/* the problems a scan reported: the first 16 records and reasons, and their number */
struct probs {
	int n;
	uint64_t mft[16];
	char reason[16][160];
};

/* scan - the model of image @spec scanned with @flags (NL_SCAN_*); the volume
 * into *@vp, the problems into @pr. */
nl_model *scan(const char *spec, unsigned flags, nl_volume **vp, struct probs *pr);
/* names_of - the sorted paths of record @mft joined by '|' */
void names_of(const nl_model *m, uint64_t mft, char *out, size_t len);
/* path_of - the path of record @mft, its NL_PATH_* flags into *@pf (may be NULL) */
void path_of(const nl_model *m, uint64_t mft, char *out, size_t len, unsigned *pf);

#endif
