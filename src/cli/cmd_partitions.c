/* cmd_partitions.c: 'ntfslinks partitions': the partitions of a disk image or device, which hold NTFS, and with --verify the stored hashes of a container checked. */
#include "config.h"

#include <string.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/emit.h>

#include "commands.h"
#include "fe.h"
#include "fe_audit.h"
#include "progress.h"

#define HIDE (NL_COL_NO_TEXT | NL_COL_NO_JSON | NL_COL_NO_CSV)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks partitions [OPTIONS] IMAGE\n"
		"\n"
		"List the partitions of a disk image or device (MBR, with logical\n"
		"partitions, or GPT): number (as used by IMAGE@N and --partition N),\n"
		"type, start offset and size in bytes, whether it holds an NTFS volume,\n"
		"and the GPT partition name.\n"
		"\n"
		"Options:\n"
		"      --json            JSON Lines: one object per partition, then the disk\n"
		"      --csv             CSV (RFC 4180) with a header row\n"
		FE_AUDIT_IMGFMT_HELP
		"      --verify          read the whole media once and check it against the\n"
		"                        MD5 and SHA-1 the container stores (E01); exit\n"
		"                        status 1 when one differs or none is stored\n"
		FE_AUDIT_TABLE_HELP
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-audit(1).\n");
}

enum { P_NUMBER, P_TYPE, P_START, P_SIZE, P_NTFS, P_TYPE_ID, P_NAME, P_NCOLS };

static const struct nl_column pcols[P_NCOLS] = {
	[P_NUMBER] = { "number", "#", NL_COL_RIGHT, 0 },
	[P_TYPE] = { "partition_type", "TYPE", 0, 0 },
	[P_START] = { "start", "START", NL_COL_RIGHT, 0 },
	[P_SIZE] = { "size", "SIZE", NL_COL_RIGHT | NL_COL_BYTES, 0 },
	[P_NTFS] = { "ntfs", "NTFS", 0, 0 },
	[P_TYPE_ID] = { "type_id", "TYPE-ID", 0, 0 },
	[P_NAME] = { "name", "NAME", NL_COL_TRUNC, 0 },
};

enum { K_IMAGE, K_SCHEME, K_SECTOR, K_SIZE, K_COUNT, K_NCOLS };

static const struct nl_column kcols[K_NCOLS] = {
	[K_IMAGE] = { "image", "Image", 0, 0 },
	[K_SCHEME] = { "scheme", "Partition table", 0, 0 },
	[K_SECTOR] = { "sector_size", "Sector size", 0, 0 },
	[K_SIZE] = { "size", "Size", NL_COL_BYTES, 0 },
	[K_COUNT] = { "partitions", "Partitions", 0, 0 },
};

enum { C_IMAGE, C_FORMAT, C_CASE, C_EVIDENCE, C_EXAMINER, C_DESCRIPTION, C_NOTES, C_ACQUIRED,
       C_MD5, C_SHA1, C_NCOLS };

static const struct nl_column ccols[C_NCOLS] = {
	[C_IMAGE] = { "image", "Image", 0, 0 },
	[C_FORMAT] = { "format", "Container", 0, 0 },
	[C_CASE] = { "case_number", "Case number", 0, 0 },
	[C_EVIDENCE] = { "evidence_number", "Evidence number", 0, 0 },
	[C_EXAMINER] = { "examiner", "Examiner", 0, 0 },
	[C_DESCRIPTION] = { "description", "Description", 0, 0 },
	[C_NOTES] = { "notes", "Notes", 0, 0 },
	[C_ACQUIRED] = { "acquired", "Acquired", 0, 0 },
	[C_MD5] = { "md5", "Stored MD5", 0, 0 },
	[C_SHA1] = { "sha1", "Stored SHA1", 0, 0 },
};

enum { H_HASH, H_STORED, H_COMPUTED, H_MATCH, H_NCOLS };

static const struct nl_column hcols[H_NCOLS] = {
	[H_HASH] = { "hash", "HASH", 0, 0 },
	[H_STORED] = { "stored", "STORED", 0, 0 },
	[H_COMPUTED] = { "computed", "COMPUTED", 0, 0 },
	[H_MATCH] = { "match", "MATCH", 0, 0 },
};

enum { V_IMAGE, V_BYTES, V_BAD, V_RESULT, V_NCOLS };

static const struct nl_column vcols[V_NCOLS] = {
	[V_IMAGE] = { "image", "Verified", 0, 0 },
	[V_BYTES] = { "bytes", "Media read", NL_COL_BYTES, 0 },
	[V_BAD] = { "bad_checksum_bytes", "Bad chunk checksums", NL_COL_BYTES, 0 },
	[V_RESULT] = { "result", "Result", 0, 0 },
};

/* container_summary: what a container (not a raw image) says about itself;
 * an empty value is null in JSON. */
static void container_summary(struct fe_audit *a, const struct nl_partition_table *pt)
{
	const struct nl_image_meta *m = &pt->meta;
	const char *const vals[C_NCOLS] = {
		[C_CASE] = m->case_number, [C_EVIDENCE] = m->evidence_number,
		[C_EXAMINER] = m->examiner, [C_DESCRIPTION] = m->description, [C_NOTES] = m->notes,
		[C_ACQUIRED] = m->acquired, [C_MD5] = m->md5, [C_SHA1] = m->sha1,
	};
	nl_table *t;

	if (pt->format == NL_FORMAT_RAW)
		return;
	t = fe_audit_table(a, "container", ccols, C_NCOLS, NL_TABLE_SUMMARY);
	nl_cell_str(t, C_IMAGE, a->image);
	nl_cell_str(t, C_FORMAT, nl_image_format_name(pt->format));
	for (int c = C_CASE; c < C_NCOLS; c++)
		if (vals[c][0])
			nl_cell_str(t, c, vals[c]);
	fe_audit_row_end(a, t);
}

static void disk_summary(struct fe_audit *a, const struct nl_partition_table *pt)
{
	static const char *const schemes[] = { "none", "mbr", "gpt" };
	nl_table *t = fe_audit_table(a, "disk", kcols, K_NCOLS, NL_TABLE_SUMMARY);

	nl_cell_str(t, K_IMAGE, a->image);
	nl_cell_str(t, K_SCHEME, pt->scheme <= NL_PT_GPT ? schemes[pt->scheme] : "unknown");
	nl_cell_uint(t, K_SECTOR, pt->sector_size);
	nl_cell_uint(t, K_SIZE, pt->disk_size);
	nl_cell_uint(t, K_COUNT, pt->count);
	fe_audit_row_end(a, t);
}

/* The GPT type GUID in its usual spelling (first three fields little-endian). */
static void guid_str(const uint8_t g[16], char out[37])
{
	snprintf(out, 37,
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6],
		 g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* The nl_progress_fn of the verification: bytes shown as MiB on the one progress line. */
static int verify_progress(void *ctx, uint64_t done, uint64_t total)
{
	return fe_progress_cb(ctx, (done + (1u << 20) - 1) >> 20, (total + (1u << 20) - 1) >> 20);
}

/* verify_media: the whole media of a->image read and hashed into @v; a
 * failure is said and gives exit status 2. */
static int verify_media(struct fe_audit *a, struct nl_image_verify *v)
{
	struct fe_progress p;
	char err[NL_ERRMSG_SIZE] = "";
	int rc;

	fe_progress_init(&p, "verifying", "MiB");
	rc = nl_image_verify(a->image, a->open.format, verify_progress, &p, v, err, sizeof(err));
	fe_progress_end(&p);
	if (rc < 0) {
		fe_error(a->image, "%s", err[0] ? err : strerror(-rc));
		return FE_EXIT_USAGE;
	}
	return FE_EXIT_OK;
}

/* hash_row: one hash, stored (null when not) against computed; returns 1
 * when it was stored and differs. */
static int hash_row(struct fe_audit *a, nl_table *t, const char *name, const char *stored,
		    const char *computed)
{
	nl_cell_str(t, H_HASH, name);
	nl_cell_str(t, H_COMPUTED, computed);
	if (stored[0]) {
		nl_cell_str(t, H_STORED, stored);
		nl_cell_bool(t, H_MATCH, strcmp(stored, computed) == 0);
	}
	fe_audit_row_end(a, t);
	return stored[0] && strcmp(stored, computed) != 0;
}

/* verify_report: the hashes and the verdict; what is wrong said on stderr.
 * Returns the exit status: 0 when every stored hash matches and the
 * container's checksums found nothing, else 1. */
static int verify_report(struct fe_audit *a, const struct nl_image_verify *v)
{
	nl_table *t = fe_audit_table(a, "hash", hcols, H_NCOLS, 0);
	int md5_bad = hash_row(a, t, "md5", v->stored_md5, v->md5);
	int sha1_bad = hash_row(a, t, "sha1", v->stored_sha1, v->sha1);
	bool none = !v->stored_md5[0] && !v->stored_sha1[0];
	const char *result = md5_bad || sha1_bad ? "mismatch"
			     : none		 ? "no stored hash"
			     : v->bad_bytes	 ? "checksum errors"
						 : "match";

	t = fe_audit_table(a, "verify", vcols, V_NCOLS, NL_TABLE_SUMMARY);
	nl_cell_str(t, V_IMAGE, a->image);
	nl_cell_uint(t, V_BYTES, v->size);
	if (v->format == NL_FORMAT_EWF)   /* the one format with checksums per chunk */
		nl_cell_uint(t, V_BAD, v->bad_bytes);
	nl_cell_str(t, V_RESULT, result);
	fe_audit_row_end(a, t);
	fe_audit_emit_close(a);
	if (md5_bad || sha1_bad)
		fe_error(a->image, "the media does not match the %s stored in the container",
			 md5_bad && sha1_bad ? "md5 and sha1" : md5_bad ? "md5" : "sha1");
	if (none)
		fe_error(a->image, "no hash is stored in the image to verify against");
	if (v->bad_bytes)
		fe_error(a->image,
			 "%llu bytes in %llu range%s fail their stored chunk checksum, the first at byte %llu",
			 (unsigned long long)v->bad_bytes, (unsigned long long)v->bad_ranges,
			 v->bad_ranges == 1 ? "" : "s", (unsigned long long)v->bad_first);
	return strcmp(result, "match") == 0 ? FE_EXIT_OK : FE_EXIT_PARTIAL;
}

static int run(int argc, char **argv)
{
	struct nl_partition_table *pt = NULL;
	char err[NL_ERRMSG_SIZE], buf[40];
	struct fe_audit a;
	struct nl_image_verify v;
	nl_table *t;
	int rc, vrc = FE_EXIT_OK;

	fe_audit_parse(&a, &fe_cmd_partitions, FE_A_JSON | FE_A_CSV | FE_A_IMGFMT | FE_A_VERIFY,
		       argc, argv, 1, 1);
	if (a.verify && a.format == FE_FMT_CSV)
		fe_usage_error(a.cmd->name, "--verify and --csv cannot be used together");
	err[0] = '\0';
	rc = nl_partitions_read_as(a.image, a.open.format, &pt, err, sizeof(err));
	if (rc < 0) {
		fe_error(a.image, "%s", err[0] ? err : strerror(-rc));
		return FE_EXIT_USAGE;
	}
	if (a.verify && verify_media(&a, &v) != FE_EXIT_OK) {
		nl_partitions_free(&pt);
		return FE_EXIT_USAGE;
	}
	fe_audit_emit_open(&a);
	if (a.format == FE_FMT_TEXT) {
		container_summary(&a, pt);
		disk_summary(&a, pt);
	}
	t = fe_audit_table(&a, "partition", pcols, P_NCOLS, NL_TABLE_CSV_HEADER);
	for (size_t i = 0; i < pt->count; i++) {
		const struct nl_partition *p = &pt->part[i];

		nl_cell_uint(t, P_NUMBER, p->number);
		nl_cell_str(t, P_TYPE, p->type);
		nl_cell_uint(t, P_START, p->offset);
		nl_cell_uint(t, P_SIZE, p->size);
		nl_cell_bool(t, P_NTFS, p->is_ntfs);
		if (pt->scheme == NL_PT_GPT) {
			guid_str(p->gpt_type, buf);
			nl_cell_str(t, P_TYPE_ID, buf);
			nl_cell_str(t, P_NAME, p->name);
		} else {
			snprintf(buf, sizeof(buf), "0x%02x", p->mbr_type);
			nl_cell_str(t, P_TYPE_ID, buf);
		}
		fe_audit_row_end(&a, t);
	}
	if (a.format != FE_FMT_TEXT) {
		disk_summary(&a, pt);
		container_summary(&a, pt);
	}
	nl_partitions_free(&pt);
	if (a.verify)
		vrc = verify_report(&a, &v);
	rc = fe_audit_exit(&a);
	return rc > vrc ? rc : vrc;
}

static const struct fe_listing listing_partition = { "partition", pcols, P_NCOLS };
static const struct fe_listing *const listings[] = { &listing_partition, NULL };

const struct fe_command fe_cmd_partitions = {
	.name = "partitions",
	.summary = "list the partitions of a disk image and which hold NTFS",
	.run = run,
	.usage = usage,
	.listings = listings,
};
