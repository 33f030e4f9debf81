/* validate.c: checking what libntfs-3g will trust in a volume (boot sector, $MFT runlist, system records) before it mounts it. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/record.h>
#include "base/endian_int.h"
#include "image/bytesource_int.h"
#include "image/device_int.h"
#include "image/validate_int.h"
#include "mft/runlist_int.h"

#define SYSTEM_RECORDS 12       /* $MFT .. $Extend: what mounting opens */
#define MFT_RUNS_MAX 64         /* runs of $MFT's first extent kept for lookups */
#define CLUSTER_MAX (2u << 20)  /* the largest NTFS cluster (2 MiB) */

static const char *const system_names[SYSTEM_RECORDS] = {
	"$MFT", "$MFTMirr", "$LogFile", "$Volume", "$AttrDef", "root folder",
	"$Bitmap", "$Boot", "$BadClus", "$Secure", "$UpCase", "$Extend",
};

/* The attribute mounting reads from each system record (unnamed), 0 for none: libntfs-3g
 * fails the mount without it and leaks the inode it opened for it. */
static const uint32_t system_needs[SYSTEM_RECORDS] = {
	NL_AT_DATA, NL_AT_DATA, 0, NL_AT_VOLUME_INFORMATION, NL_AT_DATA, 0,
	NL_AT_DATA, 0, 0, 0, NL_AT_DATA, 0,
};

/* What the boot sector says. */
struct geometry {
	uint32_t sector, cluster, record, index;
	uint64_t clusters;          /* of the volume */
	uint64_t mft_lcn, mirr_lcn;
	struct nl_run mft[MFT_RUNS_MAX];  /* $MFT's runs (first extent) */
	size_t nmft;
};

/* A size code of the boot sector: clusters when positive, else 2^-v bytes. */
static uint32_t size_code(int8_t v, uint32_t cluster)
{
	if (v > 0)
		return (v & (v - 1)) || (uint64_t)v * cluster > 65536 ? 0 : (uint32_t)v * cluster;
	return v <= -9 && v >= -16 ? 1u << -v : 0;
}

static int check_boot(const uint8_t *bs, struct geometry *g, char *why, size_t whylen)
{
	const char *bad = nl_boot_sector_check(bs);
	uint32_t spc = bs[0x0D];

	if (bad) {
		nl_set_err(why, whylen, "%s", bad);
		return -EINVAL;
	}
	g->sector = nl_le16(bs + 0x0B);
	g->cluster = g->sector * (spc <= 0x80 ? spc : 1u << (256 - spc));
	g->record = size_code((int8_t)bs[0x40], g->cluster);
	g->index = size_code((int8_t)bs[0x44], g->cluster);
	g->clusters = nl_le64(bs + 0x28) / (g->cluster / g->sector);
	g->mft_lcn = nl_le64(bs + 0x30);
	g->mirr_lcn = nl_le64(bs + 0x38);
	if (g->cluster > CLUSTER_MAX)
		bad = "bad sectors per cluster";
	else if (g->record < 512 || g->record < g->sector)
		bad = "bad mft record size";
	else if (!g->index)
		bad = "bad index block size";
	else if (g->clusters == 0 || g->clusters > INT64_MAX / CLUSTER_MAX)
		bad = "bad total sector count";
	else if (g->mft_lcn >= g->clusters || g->mirr_lcn >= g->clusters)
		bad = "$MFT or $MFTMirr starts past the end of the volume";
	if (bad) {
		nl_set_err(why, whylen, "%s", bad);
		return -EINVAL;
	}
	return 0;
}

/* The runs of non-resident attribute @a: all inside the volume, as many
 * clusters as its VCN range; $MFT's (@keep) without holes and kept in @g. */
static const char *check_runs(const struct nl_attr *a, struct geometry *g, bool keep)
{
	struct nl_runlist_iter it;
	struct nl_run run;
	const char *reason = NULL;
	int rc;

	if (a->lowest_vcn < 0 || a->highest_vcn < a->lowest_vcn - 1)
		return "bad vcn range";
	nl_runlist_start(&it, a->mapping_pairs, a->mapping_pairs_len, a->lowest_vcn);
	while ((rc = nl_runlist_next(&it, &run, &reason)) == 0) {
		if (run.lcn >= 0 && ((uint64_t)run.lcn >= g->clusters ||
				     run.len > g->clusters - (uint64_t)run.lcn))
			return "runlist runs past the end of the volume";
		if (keep && run.lcn < 0)
			return "$MFT has a hole in its runlist";
		if (keep && g->nmft < MFT_RUNS_MAX)
			g->mft[g->nmft++] = run;
	}
	if (rc < 0)
		return reason;
	if (it.vcn - 1 != a->highest_vcn)
		return "runlist length does not match the attribute";
	if (keep && a->data_size > g->clusters * g->cluster)
		return "$MFT is larger than the volume";
	if (a->lowest_vcn == 0 && !(a->flags & 0xC0FF) &&
	    (a->data_size > a->alloc_size || a->init_size > a->data_size))
		return "attribute sizes out of order";
	return NULL;
}

/* Record @num (fixups not yet applied): header and every attribute. */
static const char *check_record(uint8_t *rec, uint64_t num, struct geometry *g)
{
	struct nl_rec_header h;
	struct nl_attr a;
	const char *reason = NULL;
	size_t pos = 0;
	bool has_data = false, has_needed = false;
	uint32_t needs = num < SYSTEM_RECORDS ? system_needs[num] : 0;
	int rc;

	if (nl_record_fixup(rec, g->record, &reason) < 0 ||
	    nl_record_header(rec, g->record, &h, &reason) < 0)
		return reason;
	if (needs && (!(h.flags & NL_MFT_IN_USE) || h.base_ref != 0))
		return "not an in-use base record";
	while ((rc = nl_record_attr_next(rec, g->record, &h, &pos, &a, &reason)) == 0) {
		bool mft_data = num == 0 && a.type == NL_AT_DATA && a.name_len == 0;

		if (mft_data && (!a.non_resident || a.lowest_vcn != 0))
			return "$MFT's data is resident or does not start at its beginning";
		if (a.non_resident && (reason = check_runs(&a, g, mft_data)) != NULL)
			return reason;
		has_data |= mft_data;
		has_needed |= needs && a.type == needs && a.name_len == 0;
	}
	if (rc < 0)
		return reason;
	if ((num == 0 && !has_data) || (needs == NL_AT_DATA && !has_needed))
		return "no $DATA attribute";
	if (needs && !has_needed)
		return "no $VOLUME_INFORMATION attribute";
	if (num == 0 && g->nmft && (uint64_t)g->mft[0].lcn != g->mft_lcn)
		return "$MFT's runlist does not start where the boot sector says";
	return NULL;
}

/* Where record @num lies on the volume, through $MFT's runs; false if
 * they do not reach it (or it straddles two runs). */
static bool locate(const struct geometry *g, uint64_t num, uint64_t *off)
{
	uint64_t byte = num * g->record, vcn = byte / g->cluster;

	for (size_t i = 0; i < g->nmft; i++) {
		const struct nl_run *r = &g->mft[i];

		if (vcn >= (uint64_t)r->vcn && vcn - (uint64_t)r->vcn < r->len) {
			uint64_t end = ((uint64_t)r->vcn + r->len) * g->cluster;

			if (byte + g->record > end)
				return false;
			*off = (uint64_t)r->lcn * g->cluster + byte - (uint64_t)r->vcn * g->cluster;
			return true;
		}
	}
	return false;
}

int nl_validate_ntfs(nl_volume_read_fn read, void *ctx, const uint8_t *boot, char *why,
		     size_t whylen)
{
	struct geometry g = { 0 };
	uint8_t bs[512], *rec;
	const char *bad = NULL;
	ssize_t n = boot ? (ssize_t)sizeof(bs) : read(ctx, bs, sizeof(bs), 0);
	int rc = 0;

	if (n < 0)
		return (int)n;
	if (boot)
		memcpy(bs, boot, sizeof(bs));
	if (n < (ssize_t)sizeof(bs)) {
		nl_set_err(why, whylen, "no boot sector");
		return -EINVAL;
	}
	if ((rc = check_boot(bs, &g, why, whylen)) < 0)
		return rc;
	if (!(rec = malloc(g.record)))
		return -ENOMEM;
	for (uint64_t num = 0; num < SYSTEM_RECORDS && !bad; num++) {
		uint64_t off = g.mft_lcn * g.cluster;

		if (num > 0 && !locate(&g, num, &off)) {
			bad = "not inside $MFT's runs";
		} else if ((n = read(ctx, rec, g.record, off)) < 0) {
			rc = (int)n;
			break;
		} else if (n < (ssize_t)g.record) {
			break;  /* past the end of the image: reported as a truncated image */
		} else {
			bad = check_record(rec, num, &g);
		}
		if (bad) {
			nl_set_err(why, whylen, "record %llu (%s): %s", (unsigned long long)num,
				   system_names[num], bad);
			rc = -EINVAL;
		}
	}
	free(rec);
	return rc;
}

/* read_geometry: the boot sector (@boot, or the volume's first sector) and
 * $MFT's runs from record 0 into @g; -EINVAL when either is unusable. */
static int read_geometry(nl_volume_read_fn read, void *ctx, const uint8_t *boot,
			 struct geometry *g)
{
	uint8_t bs[512], *rec;
	ssize_t n = boot ? (ssize_t)sizeof(bs) : read(ctx, bs, sizeof(bs), 0);
	int rc;

	if (n < 0)
		return (int)n;
	if (boot)
		memcpy(bs, boot, sizeof(bs));
	if (n < (ssize_t)sizeof(bs) || check_boot(bs, g, NULL, 0) < 0)
		return -EINVAL;
	if (!(rec = malloc(g->record)))
		return -ENOMEM;
	n = read(ctx, rec, g->record, g->mft_lcn * g->cluster);
	rc = n < 0 ? (int)n : n < (ssize_t)g->record || check_record(rec, 0, g) ? -EINVAL : 0;
	free(rec);
	return rc;
}

int nl_validate_mirror(nl_volume_read_fn read, void *ctx, const uint8_t *boot,
		       struct nl_mirror *m)
{
	struct geometry g = { 0 };
	uint8_t *a, *b;
	uint64_t count;
	int rc = read_geometry(read, ctx, boot, &g);

	memset(m, 0, offsetof(struct nl_mirror, mft));
	if (rc < 0)
		return rc;
	/* what libntfs-3g reads of the mirror: 4 records, or a cluster of
	 * them, at most the first 16 */
	count = g.cluster <= 4 * g.record ? 4 : g.cluster / g.record;
	if (count > 16)
		count = 16;
	if (count * g.record > NL_MIRROR_MAX)
		return -EINVAL;
	m->off = g.mirr_lcn * g.cluster;
	m->len = (uint32_t)(count * g.record);
	if (!(a = malloc(2 * (size_t)g.record)))
		return -ENOMEM;
	b = a + g.record;
	for (uint64_t r = 0; r < count && rc == 0; r++) {
		uint8_t *keep = m->mft + r * g.record;
		uint64_t off = 0, used;

		ssize_t n;

		if (!locate(&g, r, &off) || read(ctx, keep, g.record, off) != (ssize_t)g.record) {
			rc = -EINVAL;  /* $MFT's record is not there: libntfs-3g decides */
			break;
		}
		memcpy(a, keep, g.record);
		if (memcmp(a, "FILE", 4) != 0 || nl_record_fixup(a, g.record, NULL) < 0) {
			rc = -EINVAL;  /* $MFT's own record is damaged: nothing to stand in */
			break;
		}
		if (m->state != NL_MIRROR_SAME)
			continue;
		m->record = r;
		if ((n = read(ctx, b, g.record, m->off + r * g.record)) < 0) {
			rc = (int)n;
			break;
		}
		used = nl_le32(a + 0x18) < g.record ? nl_le32(a + 0x18) : g.record;
		if (n < (ssize_t)g.record)
			m->state = NL_MIRROR_MISSING;
		else if (memcmp(b, "FILE", 4) != 0 || nl_record_fixup(b, g.record, NULL) < 0)
			m->state = NL_MIRROR_UNREADABLE;
		else if (memcmp(a, b, (size_t)used) != 0)
			m->state = NL_MIRROR_DIFFERS;
	}
	free(a);
	if (rc == 0 && m->state == NL_MIRROR_SAME)
		m->record = 0;
	return rc;
}

void nl_mirror_describe(const struct nl_mirror *m, char *buf, size_t len)
{
	if (m->state == NL_MIRROR_DIFFERS)
		nl_set_err(buf, len, "$MFTMirr differs from $MFT at record %llu",
			   (unsigned long long)m->record);
	else if (m->state == NL_MIRROR_UNREADABLE)
		nl_set_err(buf, len, "$MFTMirr record %llu is unreadable",
			   (unsigned long long)m->record);
	else if (m->state == NL_MIRROR_MISSING)
		nl_set_err(buf, len, "$MFTMirr record %llu lies past the end of the image",
			   (unsigned long long)m->record);
	else
		nl_set_err(buf, len, "$MFTMirr matches $MFT");
}

/* Reads of a volume at @offset of a file or a byte source. */
struct file_source {
	int fd;
	struct nl_bytesource *src;
	uint64_t offset;
};

static ssize_t file_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct file_source *f = ctx;

	if (f->src)
		return nl_bytesource_pread(f->src, buf, len, f->offset + off);
	return nl_pread_full(f->fd, buf, len, f->offset + off);
}

int nl_validate_source(struct nl_bytesource *src, uint64_t offset, const uint8_t *boot,
		       char *why, size_t whylen)
{
	struct file_source f = { .fd = -1, .src = src, .offset = offset };

	return nl_validate_ntfs(file_read, &f, boot, why, whylen);
}

/* check_whole: a volume that is written must be all in the image: the
 * sizes are those the audit commands warn with. */
static int check_whole(struct file_source *f, char *why, size_t whylen)
{
	uint8_t bs[512];
	uint64_t size = 0, avail, whole;
	ssize_t n = file_read(f, bs, sizeof(bs), 0);
	int rc;

	if (n < 0)
		return (int)n;
	if (n < (ssize_t)sizeof(bs))
		return -EINVAL;
	if ((rc = nl_fd_size(f->fd, &size)) < 0)
		return rc;
	/* the sectors of the file system and the backup boot sector after them
	 * (nl_validate_ntfs() bounded the count) */
	whole = (nl_le64(bs + 0x28) + 1) * nl_le16(bs + 0x0B);
	avail = size > f->offset ? size - f->offset : 0;
	if (avail >= whole)
		return 0;
	nl_set_err(why, whylen, "image is truncated: %llu of %llu bytes", (unsigned long long)avail,
		   (unsigned long long)whole);
	return -EINVAL;
}

/* check_mirror_for_writing: a writer refuses a $MFTMirr with a record that
 * is unreadable (or past the end): it is damage that ntfsfix does not mend
 * either.  One that is readable but older than $MFT (a write-back stopped
 * between the two) is brought in line by the writer's mount
 * (nl_w_mirror_repair), as ntfsfix does. */
static int check_mirror_for_writing(struct file_source *f, char *why, size_t whylen)
{
	struct nl_mirror *m = malloc(sizeof(*m));
	int rc;

	if (!m)
		return -ENOMEM;
	rc = nl_validate_mirror(file_read, f, NULL, m);
	if (rc == 0 && (m->state == NL_MIRROR_UNREADABLE || m->state == NL_MIRROR_MISSING)) {
		char what[96];

		nl_mirror_describe(m, what, sizeof(what));
		nl_set_err(why, whylen, "%s; repair the volume (chkdsk) before writing to it", what);
		rc = -EINVAL;
	} else if (rc == -EINVAL) {
		rc = 0;  /* nothing to compare: libntfs-3g decides */
	}
	free(m);
	return rc;
}

int nl_validate_mirror_source(struct nl_bytesource *src, uint64_t offset, const uint8_t *boot,
			      struct nl_mirror *m)
{
	struct file_source f = { .fd = -1, .src = src, .offset = offset };

	return nl_validate_mirror(file_read, &f, boot, m);
}

int nl_validate_file(const char *path, uint64_t offset, char *why, size_t whylen)
{
	struct file_source f = { .fd = open(path, O_RDONLY | O_CLOEXEC), .offset = offset };
	int rc;

	char what[NL_ERRMSG_SIZE / 2];

	if (f.fd < 0)
		return -errno;
	rc = nl_validate_ntfs(file_read, &f, NULL, what, sizeof(what));
	if (rc == -EINVAL)
		nl_set_err(why, whylen, "damaged ntfs volume: %s", what);
	if (rc == 0)
		rc = check_whole(&f, why, whylen);
	if (rc == 0)
		rc = check_mirror_for_writing(&f, why, whylen);
	close(f.fd);
	return rc;
}
