/* partition.c: reading MBR (with extended/logical partitions) and GPT partition tables of disk images. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/unistr.h>
#include "image/bytesource_int.h"
#include "image/device_int.h"
#include "image/volume_int.h"
#include "base/endian_int.h"

#define MAX_PARTS 256

struct gpt_type {
	uint8_t guid[16];
	const char *name;
};

static const struct gpt_type gpt_types[] = {
	{ { 0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44, 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7 }, "basic-data" },
	{ { 0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11, 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B }, "efi" },
	{ { 0x16, 0xE3, 0xC9, 0xE3, 0x5C, 0x0B, 0xB8, 0x4D, 0x81, 0x7D, 0xF9, 0x2D, 0xF0, 0x02, 0x15, 0xAE }, "msr" },
	{ { 0xA4, 0xBB, 0x94, 0xDE, 0xD1, 0x06, 0x40, 0x4D, 0xA1, 0x6A, 0xBF, 0xD5, 0x01, 0x79, 0xD6, 0xAC }, "recovery" },
	{ { 0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47, 0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4 }, "linux" },
	{ { 0x6D, 0xFD, 0x57, 0x06, 0xAB, 0xA4, 0xC4, 0x43, 0x84, 0xE5, 0x09, 0x33, 0xC8, 0x4B, 0x4F, 0x4F }, "linux-swap" },
};

static void mbr_type_name(uint8_t t, char *out, size_t len)
{
	const char *n = NULL;

	switch (t) {
	case 0x07: n = "ntfs"; break;   /* also exFAT/HPFS; confirmed by the boot sector */
	case 0x05: case 0x0F: case 0x85: n = "extended"; break;
	case 0x0B: case 0x0C: n = "fat32"; break;
	case 0x01: case 0x04: case 0x06: case 0x0E: n = "fat"; break;
	case 0x27: n = "recovery"; break;
	case 0x82: n = "linux-swap"; break;
	case 0x83: n = "linux"; break;
	case 0x8E: n = "linux-lvm"; break;
	case 0xEE: n = "gpt-protective"; break;
	case 0xEF: n = "efi"; break;
	}
	if (n)
		snprintf(out, len, "%s", n);
	else
		snprintf(out, len, "0x%02x", t);
}

static bool is_extended(uint8_t t) { return t == 0x05 || t == 0x0F || t == 0x85; }

struct ptbuild {
	struct nl_partition_table *t;
	size_t cap;
};

static int pt_add(struct ptbuild *b, const struct nl_partition *p)
{
	if (b->t->count >= MAX_PARTS)
		return -E2BIG;
	if (b->t->count == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 8;
		struct nl_partition_table *nt = realloc(b->t, sizeof(*nt) + ncap * sizeof(nt->part[0]));

		if (!nt)
			return -ENOMEM;
		nt->part = (struct nl_partition *)(nt + 1);  /* the entries follow the table */
		b->t = nt;
		b->cap = ncap;
	}
	b->t->part[b->t->count++] = *p;
	return 0;
}

/* probe_ntfs: is there an NTFS boot sector at @off? */
static bool probe_ntfs(struct nl_bytesource *src, uint64_t off)
{
	uint8_t bs[512];

	if (nl_bytesource_pread(src, bs, sizeof(bs), off) != (ssize_t)sizeof(bs))
		return false;
	return nl_boot_sector_check(bs) == NULL;
}

/* mbr_entry_ok: plausibility of the four primary entries */
static bool mbr_plausible(const uint8_t *s)
{
	int used = 0;

	if (s[510] != 0x55 || s[511] != 0xAA)
		return false;
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s + 0x1BE + 16 * i;

		if (e[0] != 0x00 && e[0] != 0x80)
			return false;
		if (e[4] == 0)
			continue;
		if (nl_le32(e + 12) == 0)
			return false;
		used++;
	}
	return used > 0;
}

static void fill_mbr(struct nl_partition *p, unsigned number, uint8_t type, uint64_t off,
		     uint64_t size, struct nl_bytesource *src)
{
	memset(p, 0, sizeof(*p));
	p->number = number;
	p->mbr_type = type;
	p->offset = off;
	p->size = size;
	p->is_ntfs = !is_extended(type) && probe_ntfs(src, off);
	if (p->is_ntfs)
		snprintf(p->type, sizeof(p->type), "ntfs");
	else
		mbr_type_name(type, p->type, sizeof(p->type));
}

static int read_mbr(struct nl_bytesource *src, const uint8_t *s, struct ptbuild *b)
{
	uint32_t ss = 512;
	int rc;
	/* 4Kn disks keep LBAs in 4096-byte units: prefer the unit under which an
	 * NTFS partition is found */
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s + 0x1BE + 16 * i;

		if (e[4] && !is_extended(e[4]) && !probe_ntfs(src, (uint64_t)nl_le32(e + 8) * 512) &&
		    probe_ntfs(src, (uint64_t)nl_le32(e + 8) * 4096)) {
			ss = 4096;
			break;
		}
	}
	b->t->sector_size = ss;
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s + 0x1BE + 16 * i;
		uint8_t type = e[4];
		uint64_t start = nl_le32(e + 8), count = nl_le32(e + 12);
		struct nl_partition p;

		if (!type)
			continue;
		fill_mbr(&p, (unsigned)i + 1, type, start * ss, count * ss, src);
		if ((rc = pt_add(b, &p)) < 0)
			return rc;
		if (!is_extended(type))
			continue;
		/* the chain of extended boot records */
		uint64_t ext = start, ebr = start;
		unsigned number = 5;

		for (int guard = 0; guard < MAX_PARTS; guard++) {
			uint8_t eb[512];

			if (nl_bytesource_pread(src, eb, sizeof(eb), ebr * ss) != (ssize_t)sizeof(eb) ||
			    eb[510] != 0x55 || eb[511] != 0xAA)
				break;
			const uint8_t *l = eb + 0x1BE, *n = eb + 0x1BE + 16;

			if (l[4] && nl_le32(l + 12)) {
				fill_mbr(&p, number++, l[4], (ebr + nl_le32(l + 8)) * ss,
					 (uint64_t)nl_le32(l + 12) * ss, src);
				if ((rc = pt_add(b, &p)) < 0)
					return rc;
			}
			if (!is_extended(n[4]) || nl_le32(n + 8) == 0)
				break;
			uint64_t next = ext + nl_le32(n + 8);

			if (next <= ebr)  /* must move forward: no loops */
				break;
			ebr = next;
		}
	}
	b->t->scheme = NL_PT_MBR;
	return 0;
}

static int read_gpt(struct nl_bytesource *src, uint32_t ss, struct ptbuild *b)
{
	uint8_t hdr[512];
	int rc;

	if (nl_bytesource_pread(src, hdr, sizeof(hdr), ss) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, "EFI PART", 8) != 0)
		return -ENOENT;
	uint64_t lba = nl_le64(hdr + 0x48);
	uint32_t n = nl_le32(hdr + 0x50), esize = nl_le32(hdr + 0x54);

	if (esize < 128 || esize > 4096 || esize % 8 || n > 4096 || lba < 2)
		return -EINVAL;
	b->t->scheme = NL_PT_GPT;
	b->t->sector_size = ss;
	uint8_t *ents = malloc((size_t)n * esize + 1);

	if (!ents)
		return -ENOMEM;
	if (nl_bytesource_pread(src, ents, (size_t)n * esize, lba * ss) < 0) {
		free(ents);
		return -EIO;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = ents + (size_t)i * esize;
		static const uint8_t zero[16];
		struct nl_partition p;
		uint64_t first = nl_le64(e + 32), last = nl_le64(e + 40);

		if (memcmp(e, zero, 16) == 0 || last < first)
			continue;
		memset(&p, 0, sizeof(p));
		p.number = i + 1;
		memcpy(p.gpt_type, e, 16);
		p.offset = first * ss;
		p.size = (last - first + 1) * ss;
		p.is_ntfs = probe_ntfs(src, p.offset);
		const char *tn = NULL;

		for (size_t k = 0; k < sizeof(gpt_types) / sizeof(gpt_types[0]); k++)
			if (memcmp(e, gpt_types[k].guid, 16) == 0)
				tn = gpt_types[k].name;
		if (p.is_ntfs)
			tn = "ntfs";
		snprintf(p.type, sizeof(p.type), "%s", tn ? tn : "other");
		/* name: 36 UTF-16 units, up to the first NUL */
		size_t units = 0;

		while (units < 36 && (e[56 + 2 * units] || e[57 + 2 * units]))
			units++;
		if (nl_utf16le_to_wtf8_buf(e + 56, units, p.name, sizeof(p.name)) < 0)
			p.name[0] = 0;
		if ((rc = pt_add(b, &p)) < 0) {
			free(ents);
			return rc;
		}
	}
	free(ents);
	return 0;
}

int nl_partitions_read_source(struct nl_bytesource *src, struct nl_partition_table **out)
{
	struct ptbuild b = { 0 };
	uint8_t s0[512];
	ssize_t n;
	int rc = 0;

	*out = NULL;
	b.t = calloc(1, sizeof(*b.t));
	if (!b.t)
		return -ENOMEM;
	b.t->disk_size = src->size;
	b.t->format = src->format;
	b.t->meta = src->meta;
	n = nl_bytesource_pread(src, s0, sizeof(s0), 0);
	if (n < 0) {
		rc = (int)n;
		goto fail;
	}
	b.t->sector_size = 512;
	if (n < (ssize_t)sizeof(s0) || nl_boot_sector_check(s0) == NULL || !mbr_plausible(s0)) {
		*out = b.t;  /* a bare volume (or too small): no table */
		return 0;
	}
	bool protective = false;

	for (int i = 0; i < 4; i++)
		if (s0[0x1BE + 16 * i + 4] == 0xEE)
			protective = true;
	if (protective) {
		rc = read_gpt(src, 512, &b);
		if (rc == -ENOENT)
			rc = read_gpt(src, 4096, &b);
		if (rc == 0) {
			*out = b.t;
			return 0;
		}
		if (rc == -ENOMEM)
			goto fail;
		b.t->count = 0;
	}
	if ((rc = read_mbr(src, s0, &b)) < 0)
		goto fail;
	*out = b.t;
	return 0;
fail:
	free(b.t);
	return rc;
}

int nl_partitions_read_as(const char *path, enum nl_image_format fmt,
			  struct nl_partition_table **out, char *err, size_t errlen)
{
	struct nl_bytesource *bs = NULL;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	rc = nl_bytesource_open(path, fmt, &bs, err, errlen);
	if (rc < 0)
		return rc;
	rc = nl_partitions_read_source(bs, out);
	nl_bytesource_close(&bs);
	if (rc < 0)
		nl_set_err(err, errlen, "cannot read the partition table: %s", strerror(-rc));
	return rc;
}

int nl_partitions_read(const char *path, struct nl_partition_table **out,
		       char *err, size_t errlen)
{
	return nl_partitions_read_as(path, NL_FORMAT_AUTO, out, err, errlen);
}

void nl_partitions_free(struct nl_partition_table **t)
{
	if (!t)
		return;
	free(*t);
	*t = NULL;
}

/* nl_partitions_describe: "1 ntfs at 1048576 (10485760 bytes), 2 linux at ..." */
void nl_partitions_describe(const struct nl_partition_table *t, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = 0;
	if (!t || t->count == 0) {
		snprintf(buf, len, "none");
		return;
	}
	for (size_t i = 0; i < t->count && used < len; i++) {
		const struct nl_partition *p = &t->part[i];
		int w = snprintf(buf + used, len - used, "%s%u %s at %llu (%llu bytes)",
				 i ? ", " : "", p->number, p->type,
				 (unsigned long long)p->offset, (unsigned long long)p->size);

		if (w < 0)
			break;
		used += (size_t)w;
	}
}
