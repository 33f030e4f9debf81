/* validate.c: checking what libntfs-3g will trust in a volume (boot sector, $MFT runlist, system records) before it mounts it. */
#include "config.h"

#include <errno.h>
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
	bool has_data = false;
	int rc;

	if (nl_record_fixup(rec, g->record, &reason) < 0 ||
	    nl_record_header(rec, g->record, &h, &reason) < 0)
		return reason;
	if (num == 0 && (!(h.flags & NL_MFT_IN_USE) || h.base_ref != 0))
		return "not an in-use base record";
	while ((rc = nl_record_attr_next(rec, g->record, &h, &pos, &a, &reason)) == 0) {
		bool mft_data = num == 0 && a.type == NL_AT_DATA && a.name_len == 0;

		if (mft_data && (!a.non_resident || a.lowest_vcn != 0))
			return "$MFT's data is resident or does not start at its beginning";
		if (a.non_resident && (reason = check_runs(&a, g, mft_data)) != NULL)
			return reason;
		has_data |= mft_data;
	}
	if (rc < 0)
		return reason;
	if (num == 0 && !has_data)
		return "no $DATA attribute";
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

int nl_validate_file(const char *path, uint64_t offset, char *why, size_t whylen)
{
	struct file_source f = { .fd = open(path, O_RDONLY | O_CLOEXEC), .offset = offset };
	int rc;

	if (f.fd < 0)
		return -errno;
	rc = nl_validate_ntfs(file_read, &f, NULL, why, whylen);
	close(f.fd);
	return rc;
}
