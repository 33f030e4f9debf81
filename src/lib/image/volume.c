/* volume.c: resolving a volume spec (image, IMAGE@N, offset, raw $MFT, in any byte source) and opening it read-only. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/record.h>
#include "image/bytesource_int.h"
#include "image/device_int.h"
#include "image/volume_int.h"
#include "image/validate_int.h"
#include "base/endian_int.h"

/* split_spec: "PATH@N" -> PATH and N when PATH exists and the whole does not;
 * an N out of range is refused then. */
static int split_spec(const char *spec, char **path, unsigned *part, char *err, size_t errlen)
{
	struct stat st;

	*part = 0;
	if (stat(spec, &st) == 0) {
		*path = strdup(spec);
		return *path ? 0 : -ENOMEM;
	}
	int e = errno;
	const char *at = strrchr(spec, '@');

	if (at && at[1]) {
		char *end;
		unsigned long n;

		errno = 0;
		n = strtoul(at + 1, &end, 10);
		if (!*end && at[1] >= '0' && at[1] <= '9') {
			char *p = strndup(spec, (size_t)(at - spec));

			if (!p)
				return -ENOMEM;
			if (stat(p, &st) == 0) {
				if (errno || n == 0 || n > NL_PARTITION_MAX) {
					nl_set_err(err, errlen,
						   "invalid partition number '%s' (partitions are numbered from 1)",
						   at + 1);
					free(p);
					return -EINVAL;
				}
				*path = p;
				*part = (unsigned)n;
				return 0;
			}
			e = errno;
			free(p);
		}
	}
	return -e;
}

/* looks_like_mft: a raw $MFT starts with a FILE record of a sane size. */
static bool looks_like_mft(const uint8_t *b, size_t n, uint32_t *rsize)
{
	if (n < 1024 || memcmp(b, "FILE", 4) != 0)
		return false;
	uint32_t sz = nl_le32(b + 0x1C);

	if (sz < 512 || sz > 65536 || (sz & (sz - 1)))
		return false;
	if (nl_le16(b + 6) != sz / 512 + 1)
		return false;
	*rsize = sz;
	return true;
}

/* Where a spec leads: what nl_volume_locate() returns besides the path. */
struct located {
	uint64_t offset, size;
	unsigned partition;
	enum nl_volume_kind kind;
	bool use_backup;          /* @boot stands in for a damaged primary boot sector */
	uint8_t boot[512];
	char repaired[160];       /* says so */
};

/* find_backup: the backup boot sector in the last sector (512 or 4096 bytes)
 * of [@start, @start + @len) of @src, for a primary that failed with @why. */
static bool find_backup(struct nl_bytesource *src, uint64_t start, uint64_t len,
			const char *why, struct located *at)
{
	static const unsigned sizes[] = { 512, 4096 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t ss = sizes[i], sectors = len / ss, off = start + (sectors - 1) * ss;
		uint8_t b[512];

		/* the backup must be where its own volume, starting at @start, keeps it */
		if (sectors < 2 || nl_bytesource_pread(src, b, sizeof(b), off) != (ssize_t)sizeof(b) ||
		    nl_boot_sector_check(b) != NULL || nl_le16(b + 0x0B) != ss ||
		    nl_le64(b + 0x28) != sectors - 1)
			continue;
		memcpy(at->boot, b, sizeof(b));
		at->use_backup = true;
		snprintf(at->repaired, sizeof(at->repaired),
			 "primary boot sector damaged (%s); the backup boot sector at byte %llu was used",
			 why, (unsigned long long)off);
		return true;
	}
	return false;
}

/* locate_at_offset: the caller gave the offset; an NTFS boot sector must be
 * there (or its backup at the end of the source). */
static int locate_at_offset(struct nl_bytesource *src, uint64_t offset, struct located *at,
			    char *err, size_t errlen)
{
	uint8_t s0[512];
	ssize_t n = nl_bytesource_pread(src, s0, sizeof(s0), offset);
	const char *why;

	if (n < 512) {
		nl_set_err(err, errlen, "nothing to read at offset %llu", (unsigned long long)offset);
		return n < 0 ? (int)n : -EINVAL;
	}
	if ((why = nl_boot_sector_check(s0)) != NULL &&
	    !find_backup(src, offset, src->size - offset, why, at)) {
		nl_set_err(err, errlen, "no ntfs boot sector at offset %llu: %s",
			   (unsigned long long)offset, why);
		return -EINVAL;
	}
	at->offset = offset;
	return 0;
}

/* pick_partition: partition @part of @t, which must be NTFS (or have a good
 * backup boot sector), or with @part 0 the one NTFS partition of @t.  @list
 * describes @t for the messages. */
static int pick_partition(struct nl_bytesource *src, const struct nl_partition_table *t,
			  unsigned part, const char *list, struct located *at, char *err,
			  size_t errlen)
{
	size_t nntfs = 0, which = 0;

	for (size_t i = 0; i < t->count; i++) {
		if (part ? t->part[i].number != part : !t->part[i].is_ntfs)
			continue;
		if (part && !t->part[i].is_ntfs) {
			uint8_t b[512];
			const char *why = "unreadable";

			if (nl_bytesource_pread(src, b, sizeof(b), t->part[i].offset) == (ssize_t)sizeof(b))
				why = nl_boot_sector_check(b);
			if (!why || !find_backup(src, t->part[i].offset, t->part[i].size, why, at)) {
				nl_set_err(err, errlen, "partition %u is not ntfs; partitions: %s", part, list);
				return -EINVAL;
			}
		}
		if (nntfs++ == 0)
			which = i;
		if (part)
			break;
	}
	if (nntfs == 1) {
		at->offset = t->part[which].offset;
		at->size = t->part[which].size;
		at->partition = t->part[which].number;
		return 0;
	}
	if (part)
		nl_set_err(err, errlen, "no partition %u; partitions: %s", part, list);
	else if (nntfs == 0)
		nl_set_err(err, errlen, "no ntfs partition; partitions: %s", list);
	else
		nl_set_err(err, errlen, "%zu ntfs partitions, pick one with IMAGE@N; partitions: %s",
			   nntfs, list);
	return -EINVAL;
}

/* locate_in_file: the start of the source decides: an NTFS boot sector
 * (unless a partition was asked for), a raw $MFT, or a partition table to
 * pick from; failing all, a backup boot sector at its end. */
static int locate_in_file(struct nl_bytesource *src, unsigned part, bool no_raw_mft,
			  struct located *at, char *err, size_t errlen)
{
	uint8_t s0[4096];
	ssize_t n = nl_bytesource_pread(src, s0, sizeof(s0), 0);
	struct nl_partition_table *t = NULL;
	uint32_t rsize;
	const char *why;
	int rc;

	if (n < 0) {
		nl_set_err(err, errlen, "cannot read: %s", strerror((int)-n));
		return (int)n;
	}
	if (n < 512) {
		nl_set_err(err, errlen, "too small to hold an ntfs volume (%zd bytes)", n);
		return -EINVAL;
	}
	why = nl_boot_sector_check(s0);
	if (!part && !why)
		return 0;
	if (!part && looks_like_mft(s0, (size_t)n, &rsize)) {
		if (no_raw_mft) {
			nl_set_err(err, errlen, "a raw $MFT file, not a volume");
			return -EINVAL;
		}
		at->kind = NL_VOLUME_RAW_MFT;
		return 0;
	}
	if ((rc = nl_partitions_read_source(src, &t)) < 0) {
		nl_set_err(err, errlen, "cannot read the partition table: %s%s%s%s", strerror(-rc),
			   src->format != NL_FORMAT_RAW ? "; a damaged or incomplete " : "",
			   src->format != NL_FORMAT_RAW ? nl_image_format_name(src->format) : "",
			   src->format != NL_FORMAT_RAW ? " container" : "");
		return rc;
	}
	if (t->scheme == NL_PT_NONE) {
		rc = -EINVAL;
		if (part)
			nl_set_err(err, errlen, "no partition table, so no partition %u", part);
		else if (find_backup(src, 0, src->size, why, at))
			rc = 0;
		else
			nl_set_err(err, errlen, "not an ntfs volume (%s), no partition table, not a raw $MFT",
				   why);
	} else {
		char list[NL_ERRMSG_SIZE - 128];

		nl_partitions_describe(t, list, sizeof(list));
		rc = pick_partition(src, t, part, list, at, err, errlen);
	}
	nl_partitions_free(&t);
	return rc;
}

/* resolve_spec: the file and partition @spec names, checked against @opt. */
static int resolve_spec(const char *spec, const struct nl_open_options *opt, char **path,
			unsigned *part, char *err, size_t errlen)
{
	int rc = split_spec(spec, path, part, err, errlen);

	if (rc < 0) {
		if (rc != -EINVAL)  /* -EINVAL: split_spec() said why */
			nl_set_err(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	if (opt->partition && *part && *part != opt->partition) {
		nl_set_err(err, errlen, "partition %u given twice, as @%u and %u", *part, *part,
			   opt->partition);
		rc = -EINVAL;
	} else if (opt->partition) {
		*part = opt->partition;
	}
	if (!rc && *part && opt->has_offset) {
		nl_set_err(err, errlen, "give either a partition or an offset, not both");
		rc = -EINVAL;
	}
	if (rc < 0) {
		free(*path);
		*path = NULL;
	}
	return rc;
}

/* open_source: the bytes of @path as @opt says; a container is refused when
 * the caller will write. */
static int open_source(const char *path, const struct nl_open_options *opt,
		       struct nl_bytesource **src, char *err, size_t errlen)
{
	int rc = nl_bytesource_open(path, opt->format, src, err, errlen);

	if (rc == 0 && opt->writable && (*src)->format != NL_FORMAT_RAW) {
		nl_set_err(err, errlen,
			   "a container is read-only (%s): convert it to a raw image to write to it",
			   nl_image_format_name((*src)->format));
		nl_bytesource_close(src);
		return -EROFS;
	}
	return rc;
}

/* locate_in_source: where in @src the volume is. */
static int locate_in_source(struct nl_bytesource *src, unsigned part,
			    const struct nl_open_options *opt, struct located *at, char *err,
			    size_t errlen)
{
	at->kind = NL_VOLUME_NTFS;
	if (opt->has_offset)
		return locate_at_offset(src, opt->offset, at, err, errlen);
	return locate_in_file(src, part, opt->no_raw_mft, at, err, errlen);
}

int nl_volume_locate(const char *spec, const struct nl_open_options *opt,
		     char **pathp, uint64_t *offset, uint64_t *size, unsigned *partition,
		     enum nl_volume_kind *kind, char *err, size_t errlen)
{
	static const struct nl_open_options none;
	struct located at = { .kind = NL_VOLUME_NTFS };
	struct nl_bytesource *src = NULL;
	char *path = NULL;
	unsigned part = 0;
	int rc;

	if (!opt)
		opt = &none;
	if (!spec || !pathp) {
		nl_set_err(err, errlen, "no volume given");
		return -EINVAL;
	}
	*pathp = NULL;
	*offset = 0;
	*size = 0;
	*partition = 0;
	*kind = NL_VOLUME_NTFS;
	if ((rc = resolve_spec(spec, opt, &path, &part, err, errlen)) < 0)
		return rc;
	rc = open_source(path, opt, &src, err, errlen);
	if (rc == 0)
		rc = locate_in_source(src, part, opt, &at, err, errlen);
	nl_bytesource_close(&src);
	if (rc < 0) {
		free(path);
		return rc;
	}
	*pathp = path;
	*offset = at.offset;
	*size = at.size;
	*partition = at.partition;
	*kind = at.kind;
	return 0;
}

static int open_raw_mft(nl_volume *v, char *err, size_t errlen)
{
	uint8_t b[4096];
	uint64_t fsize = v->src->size;
	ssize_t n;

	n = nl_bytesource_pread(v->src, b, sizeof(b), 0);
	if (n < 0 || !looks_like_mft(b, (size_t)n, &v->record_size)) {
		nl_set_err(err, errlen, "not a raw $MFT file");
		return -EINVAL;
	}
	v->size = fsize;
	v->record_count = fsize / v->record_size;
	v->upcase_len = 65536;
	v->upcase = malloc(v->upcase_len * sizeof(uint16_t));
	if (!v->upcase) {
		nl_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ntfs_upcase_table_build((ntfschar *)v->upcase, (u32)(v->upcase_len * sizeof(uint16_t)));
	/* NTFS version from $Volume's $VOLUME_INFORMATION (record 3) */
	uint8_t *rec = malloc(v->record_size);

	if (rec && v->record_count > 3 &&
	    nl_bytesource_pread(v->src, rec, v->record_size, 3ULL * v->record_size) == (ssize_t)v->record_size &&
	    nl_record_fixup(rec, v->record_size, NULL) >= 0) {
		struct nl_rec_header h;
		struct nl_attr a;
		size_t pos = 0;

		if (nl_record_header(rec, v->record_size, &h, NULL) == 0)
			while (nl_record_attr_next(rec, v->record_size, &h, &pos, &a, NULL) == 0)
				if (a.type == NL_AT_VOLUME_INFORMATION && a.value && a.value_len >= 12) {
					v->major_ver = a.value[8];
					v->minor_ver = a.value[9];
					v->dirty = nl_le16(a.value + 10) & 1;
				}
	}
	free(rec);
	return 0;
}

/* measure: how much of the volume described by boot sector @bs the image
 * holds (@limit: the partition's size, 0 if none). */
static void measure(nl_volume *v, const uint8_t *bs, uint64_t limit)
{
	uint64_t fsize = v->src->size, avail;

	if (fsize == 0)
		return;  /* a device that does not say its size: nothing to compare */
	avail = fsize > v->offset ? fsize - v->offset : 0;
	if (limit && avail > limit)
		avail = limit;
	/* the sectors of the file system and the backup boot sector after them */
	v->volume_bytes = (nl_le64(bs + 0x28) + 1) * nl_le16(bs + 0x0B);
	v->image_bytes = avail < v->volume_bytes ? avail : v->volume_bytes;
}

/* mft_past_end: whether some of $MFT's clusters lie past the image's end. */
static bool mft_past_end(const nl_volume *v)
{
	const ntfs_volume *nv = v->vol;

	if (v->image_bytes >= v->volume_bytes)
		return false;
	for (runlist_element *rl = nv->mft_na ? nv->mft_na->rl : NULL; rl && rl->length; rl++)
		if (rl->lcn >= 0 && (uint64_t)(rl->lcn + rl->length) * nv->cluster_size > v->image_bytes)
			return true;
	return false;
}

_Static_assert(NL_MIRROR_MAX <= NL_DEV_PATCH_MAX, "$MFT's records stand in as one device patch");

/* mount_repaired: mount @v's volume, reading around a damaged boot sector
 * (@at's backup) or a $MFTMirr that libntfs-3g would refuse (ignored: the
 * first records of $MFT are read in its place, never written to the
 * image); what was done goes into @v->repaired. */
static int mount_repaired(nl_volume *v, const struct located *at)
{
	struct nl_dev_patch p[2];
	struct nl_mirror *m = malloc(sizeof(*m));
	char mirr[96] = "";
	size_t n = 0;
	int rc;

	if (!m)
		return -ENOMEM;
	if (at->use_backup)
		p[n++] = (struct nl_dev_patch){ 0, sizeof(at->boot), at->boot };
	if (nl_validate_mirror_source(v->src, v->offset, at->use_backup ? at->boot : NULL, m) == 0 &&
	    m->state != NL_MIRROR_SAME) {
		p[n++] = (struct nl_dev_patch){ m->off, m->len, m->mft };
		nl_mirror_describe(m, mirr, sizeof(mirr));
	}
	snprintf(v->repaired, sizeof(v->repaired), "%s%s%s%s", at->repaired,
		 at->repaired[0] && mirr[0] ? "; " : "", mirr, mirr[0] ? "; the mirror is ignored" : "");
	rc = nl_device_mount_source(v->src, v->offset, v->size, p, n, &v->vol);
	free(m);  /* the device keeps its own copy of the patches */
	return rc;
}

static int open_ntfs(nl_volume *v, const struct located *at, char *err, size_t errlen)
{
	char why[NL_ERRMSG_SIZE / 2];
	int rc = nl_validate_source(v->src, v->offset, at->use_backup ? at->boot : NULL,
				    why, sizeof(why));
	uint8_t bs[512];

	if (rc == -EINVAL) {  /* refused before libntfs-3g sees it (validate_int.h) */
		nl_set_err(err, errlen, "damaged ntfs volume at offset %llu: %s",
			   (unsigned long long)v->offset, why);
		return rc;
	}
	if (at->use_backup)
		memcpy(bs, at->boot, sizeof(bs));
	else if (nl_bytesource_pread(v->src, bs, sizeof(bs), v->offset) != (ssize_t)sizeof(bs))
		memset(bs, 0, sizeof(bs));
	measure(v, bs, v->size);  /* v->size: the partition's, before it becomes the volume's */
	rc = mount_repaired(v, at);
	if (rc < 0) {
		char cut[96] = "";

		if (v->image_bytes < v->volume_bytes)
			snprintf(cut, sizeof(cut), " (the image is truncated: %llu of %llu bytes)",
				 (unsigned long long)v->image_bytes, (unsigned long long)v->volume_bytes);
		nl_set_err(err, errlen, "cannot open the ntfs volume at offset %llu: %s%s",
			   (unsigned long long)v->offset, strerror(-rc), cut);
		return rc;
	}
	ntfs_volume *nv = v->vol;

	v->record_size = nv->mft_record_size;
	v->record_count = nv->mft_na ? (uint64_t)nv->mft_na->data_size / v->record_size : 0;
	v->size = (uint64_t)nv->nr_clusters * nv->cluster_size;
	v->major_ver = nv->major_ver;
	v->minor_ver = nv->minor_ver;
	v->dirty = (le16_to_cpu(nv->flags) & le16_to_cpu(VOLUME_IS_DIRTY)) != 0;
	v->serial = (uint64_t)nl_le32(bs + 0x48) | (uint64_t)nl_le32(bs + 0x4C) << 32;
	if (nv->vol_name)
		snprintf(v->label, sizeof(v->label), "%s", nv->vol_name);
	v->mft_truncated = mft_past_end(v);
	/* no more records than an image of its size could hold: the cost of a
	 * hostile $MFT size stays in proportion to the image */
	if (v->image_bytes && v->record_count > v->image_bytes / v->record_size)
		v->record_count = v->image_bytes / v->record_size;
	return 0;
}

/* new_volume: an empty handle for @spec, or NULL (out of memory). */
static nl_volume *new_volume(const char *spec)
{
	nl_volume *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->source = strdup(spec);
	if (!v->source) {
		free(v);
		return NULL;
	}
	return v;
}

/* open_located: find the volume in @v->src (whose bytes are open) and open
 * it; the handle goes to *@out, or is closed on failure. */
static int open_located(nl_volume *v, unsigned part, const struct nl_open_options *opt,
			nl_volume **out, char *err, size_t errlen)
{
	struct located at = { .kind = NL_VOLUME_NTFS };
	int rc = locate_in_source(v->src, part, opt, &at, err, errlen);

	if (rc == 0) {
		v->offset = at.offset;
		v->size = at.size;
		v->partition = at.partition;
		v->kind = at.kind;
		rc = v->kind == NL_VOLUME_RAW_MFT ? open_raw_mft(v, err, errlen)
						  : open_ntfs(v, &at, err, errlen);
	}
	if (rc < 0) {
		nl_volume_close(&v);
		return rc;
	}
	*out = v;
	return 0;
}

/* begin_open: what both opens do first: *@out and @err emptied, a new
 * handle named @name (NULL: out of memory, said in @err). */
static nl_volume *begin_open(const char *name, nl_volume **out, char *err, size_t errlen)
{
	nl_volume *v;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	v = new_volume(name);
	if (!v)
		nl_set_err(err, errlen, "out of memory");
	return v;
}

int nl_volume_open(const char *spec, const struct nl_open_options *opt, nl_volume **out,
		   char *err, size_t errlen)
{
	static const struct nl_open_options none;
	nl_volume *v;
	unsigned part = 0;
	int rc;

	if (!out)
		return -EINVAL;
	if (!spec) {
		*out = NULL;
		nl_set_err(err, errlen, "no volume given");
		return -EINVAL;
	}
	if (!opt)
		opt = &none;
	if (!(v = begin_open(spec, out, err, errlen)))
		return -ENOMEM;
	rc = resolve_spec(spec, opt, &v->path, &part, err, errlen);
	if (rc == 0)
		rc = open_source(v->path, opt, &v->src, err, errlen);
	if (rc < 0) {
		nl_volume_close(&v);
		return rc;
	}
	return open_located(v, part, opt, out, err, errlen);
}

int nl_volume_open_memory(const void *buf, size_t len, const char *name,
			  const struct nl_open_options *opt, nl_volume **out,
			  char *err, size_t errlen)
{
	static const struct nl_open_options none;
	nl_volume *v;

	if (!out)
		return -EINVAL;
	if (!opt)
		opt = &none;
	if (!(v = begin_open(name ? name : "memory", out, err, errlen)))
		return -ENOMEM;
	if (!(v->path = strdup(v->source)) ||
	    nl_bytesource_memory(buf, len, v->source, &v->src) < 0) {
		nl_volume_close(&v);
		nl_set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return open_located(v, opt->partition, opt, out, err, errlen);
}

void nl_volume_close(nl_volume **vp)
{
	nl_volume *v;

	if (!vp || !*vp)
		return;
	v = *vp;
	if (v->vol)
		nl_device_umount(&v->vol);  /* read-only: nothing to sync */
	nl_bytesource_close(&v->src);  /* after the device that reads it */
	free(v->upcase);
	free(v->path);
	free(v->source);
	free(v);
	*vp = NULL;
}

int nl_volume_get_info(const nl_volume *v, struct nl_volume_info *info)
{
	memset(info, 0, sizeof(*info));
	info->kind = v->kind;
	info->path = v->path;
	info->offset = v->offset;
	info->size = v->size;
	info->partition = v->partition;
	info->record_size = v->record_size;
	info->mft_records = v->record_count;
	info->serial = v->serial;
	info->major_ver = v->major_ver;
	info->minor_ver = v->minor_ver;
	info->dirty = v->dirty;
	info->image_bytes = v->image_bytes;
	info->volume_bytes = v->volume_bytes;
	info->mft_truncated = v->mft_truncated;
	info->format = v->src ? v->src->format : NL_FORMAT_RAW;
	info->meta = v->src ? &v->src->meta : NULL;
	snprintf(info->repaired, sizeof(info->repaired), "%s", v->repaired);
	if (v->vol) {
		info->cluster_size = v->vol->cluster_size;
		info->sector_size = v->vol->sector_size;
	}
	memcpy(info->label, v->label, sizeof(info->label));
	return 0;
}

const char *nl_volume_source(const nl_volume *v) { return v->source; }
bool nl_volume_is_raw_mft(const nl_volume *v) { return v->kind == NL_VOLUME_RAW_MFT; }
uint32_t nl_volume_record_size(const nl_volume *v) { return v->record_size; }
uint64_t nl_volume_record_count(const nl_volume *v) { return v->record_count; }
ntfs_volume *nl_volume_ntfs(const nl_volume *v) { return v->vol; }

const uint16_t *nl_volume_upcase(const nl_volume *v, size_t *len)
{
	if (v->vol && v->vol->upcase && v->vol->upcase_len) {
		if (len)
			*len = v->vol->upcase_len;
		return (const uint16_t *)v->vol->upcase;
	}
	if (len)
		*len = v->upcase_len;
	return v->upcase;
}

int64_t nl_volume_read_mft(nl_volume *v, uint64_t first, uint64_t count, void *buf)
{
	uint64_t rs = v->record_size;

	if (first >= v->record_count)
		return 0;
	if (count > v->record_count - first)
		count = v->record_count - first;
	if (count == 0)
		return 0;
	if (count > (uint64_t)SSIZE_MAX / rs)
		return -EINVAL;
	if (v->kind == NL_VOLUME_RAW_MFT) {
		ssize_t n = nl_bytesource_pread(v->src, buf, (size_t)(count * rs), first * rs);

		if (n < 0)
			return n;
		return (int64_t)((uint64_t)n / rs);
	}
	s64 n = ntfs_attr_pread(v->vol->mft_na, (s64)(first * rs), (s64)(count * rs), buf);

	if (n < 0)
		return -(errno ? errno : EIO);
	return (int64_t)((uint64_t)n / rs);
}

int nl_volume_read_record(nl_volume *v, uint64_t mft, void *buf)
{
	int64_t n;

	if (mft >= v->record_count)
		return -ENOENT;
	n = nl_volume_read_mft(v, mft, 1, buf);
	if (n < 0)
		return (int)n;
	return n == 1 ? 0 : -EIO;
}
