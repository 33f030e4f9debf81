/* reparse.c: decode and build reparse buffers; parse, format and resolve link targets. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ntfslinks/reparse.h>
#include <ntfslinks/unistr.h>
#include "base/endian_int.h"

/* ------------------------------------------------------------------ tags */

static const struct {
	uint32_t tag;
	enum nl_rp_type type;
} tag_table[] = {
	{ NL_TAG_MOUNT_POINT, NL_RP_JUNCTION },
	{ NL_TAG_SYMLINK, NL_RP_SYMLINK },
	{ NL_TAG_LX_SYMLINK, NL_RP_WSL_SYMLINK },
	{ NL_TAG_WOF, NL_RP_WOF },
	{ NL_TAG_DEDUP, NL_RP_DEDUP },
	{ NL_TAG_APPEXECLINK, NL_RP_APPEXECLINK },
	{ NL_TAG_AF_UNIX, NL_RP_AF_UNIX },
	{ NL_TAG_LX_FIFO, NL_RP_WSL_FIFO },
	{ NL_TAG_LX_CHR, NL_RP_WSL_CHR },
	{ NL_TAG_LX_BLK, NL_RP_WSL_BLK },
	{ NL_TAG_NFS, NL_RP_NFS },
	{ NL_TAG_HSM, NL_RP_HSM },
	{ NL_TAG_HSM2, NL_RP_HSM2 },
	{ NL_TAG_SIS, NL_RP_SIS },
	{ NL_TAG_DFS, NL_RP_DFS },
	{ NL_TAG_DFSR, NL_RP_DFSR },
	{ NL_TAG_PROJFS, NL_RP_PROJFS },
};

static const char *const type_names[] = {
	[NL_RP_UNKNOWN] = "unknown",
	[NL_RP_JUNCTION] = "junction",
	[NL_RP_MOUNT_POINT] = "mount_point",
	[NL_RP_SYMLINK] = "symlink",
	[NL_RP_WSL_SYMLINK] = "wsl_symlink",
	[NL_RP_WOF] = "wof",
	[NL_RP_DEDUP] = "dedup",
	[NL_RP_CLOUD] = "cloud",
	[NL_RP_APPEXECLINK] = "appexeclink",
	[NL_RP_AF_UNIX] = "af_unix",
	[NL_RP_WSL_FIFO] = "wsl_fifo",
	[NL_RP_WSL_CHR] = "wsl_chr",
	[NL_RP_WSL_BLK] = "wsl_blk",
	[NL_RP_NFS] = "nfs",
	[NL_RP_HSM] = "hsm",
	[NL_RP_HSM2] = "hsm2",
	[NL_RP_SIS] = "sis",
	[NL_RP_DFS] = "dfs",
	[NL_RP_DFSR] = "dfsr",
	[NL_RP_PROJFS] = "projfs",
};

static enum nl_rp_type tag_type(uint32_t tag)
{
	if (NL_TAG_IS_CLOUD(tag))
		return NL_RP_CLOUD;
	for (size_t i = 0; i < sizeof(tag_table) / sizeof(tag_table[0]); i++)
		if (tag_table[i].tag == tag)
			return tag_table[i].type;
	return NL_RP_UNKNOWN;
}

const char *nl_reparse_type_name(enum nl_rp_type type)
{
	if ((unsigned)type >= sizeof(type_names) / sizeof(type_names[0]))
		return "unknown";
	return type_names[type];
}

const char *nl_reparse_tag_name(uint32_t tag)
{
	return nl_reparse_type_name(tag_type(tag));
}

int nl_reparse_type_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i] && strcmp(type_names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

/* --------------------------------------------------------------- decoding */

int nl_hex(const void *p, size_t n, char **out)
{
	static const char hx[] = "0123456789abcdef";
	const uint8_t *b = p;
	char *s = malloc(2 * n + 1);

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = hx[b[i] >> 4];
		s[2 * i + 1] = hx[b[i] & 15];
	}
	s[2 * n] = '\0';
	*out = s;
	return 0;
}

void nl_reparse_free(struct nl_reparse **rp)
{
	struct nl_reparse *r;

	if (!rp || !*rp)
		return;
	r = *rp;
	free(r->substitute_name);
	free(r->print_name);
	for (size_t i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	free(r->data);
	free(r);
	*rp = NULL;
}

static void set_problem(struct nl_reparse *r, const char *why)
{
	if (!r->problem)
		r->problem = why;
}

/* Decode a name at @off/@len (bytes) inside @pb[0..pbsize). Returns 0, -EINVAL (problem set), -ENOMEM. */
static int get_name(struct nl_reparse *r, const uint8_t *pb, size_t pbsize,
		    uint16_t off, uint16_t len, const char *which_past, const char *which_odd,
		    char **out, size_t *outlen)
{
	if ((size_t)off + len > pbsize) {
		set_problem(r, which_past);
		return -EINVAL;
	}
	if (len & 1) {
		set_problem(r, which_odd);
		return -EINVAL;
	}
	return nl_utf16le_to_wtf8(pb + off, len / 2, out, outlen);
}

static int decode_link(struct nl_reparse *r, const uint8_t *d, size_t n)
{
	size_t hdr = r->tag == NL_TAG_SYMLINK ? 12 : 8;
	uint16_t so, sl, po, pl;
	int rc;

	if (n < hdr) {
		set_problem(r, r->tag == NL_TAG_SYMLINK ? "symlink data shorter than its 12-byte header"
			    : "junction data shorter than its 8-byte header");
		return -EINVAL;
	}
	so = nl_le16(d);
	sl = nl_le16(d + 2);
	po = nl_le16(d + 4);
	pl = nl_le16(d + 6);
	if (r->tag == NL_TAG_SYMLINK) {
		r->symlink_flags = nl_le32(d + 8);
		r->relative = (r->symlink_flags & 1) != 0;
	}
	rc = get_name(r, d + hdr, n - hdr, so, sl, "substitute name runs past the buffer",
		      "odd substitute name length", &r->substitute_name, &r->substitute_len);
	if (rc == -ENOMEM)
		return rc;
	{
		int rc2 = get_name(r, d + hdr, n - hdr, po, pl, "print name runs past the buffer",
				   "odd print name length", &r->print_name, &r->print_len);

		if (rc2 == -ENOMEM)
			return rc2;
		if (rc == 0)
			rc = rc2;
	}
	if (r->substitute_name && r->substitute_len == 0)
		set_problem(r, "empty substitute name");
	if (r->tag == NL_TAG_MOUNT_POINT && r->substitute_name &&
	    strncasecmp(r->substitute_name, "\\??\\Volume{", 11) == 0)
		r->type = NL_RP_MOUNT_POINT;
	return rc ? rc : (r->problem ? -EINVAL : 0);
}

static int decode_wsl(struct nl_reparse *r, const uint8_t *d, size_t n)
{
	if (n < 4) {
		set_problem(r, "wsl symlink data shorter than its version field");
		return -EINVAL;
	}
	r->version = nl_le32(d);
	r->substitute_len = n - 4;
	r->substitute_name = malloc(n - 4 + 1);
	if (!r->substitute_name)
		return -ENOMEM;
	memcpy(r->substitute_name, d + 4, n - 4);
	r->substitute_name[n - 4] = '\0';
	r->relative = n == 4 || d[4] != '/';
	if (n == 4)
		set_problem(r, "empty wsl symlink target");
	else if (memchr(d + 4, 0, n - 4))
		set_problem(r, "nul byte in wsl symlink target");
	return r->problem ? -EINVAL : 0;
}

static int decode_appexec(struct nl_reparse *r, const uint8_t *d, size_t n)
{
	size_t pos = 4, count = 0;

	if (n < 4) {
		set_problem(r, "appexeclink data shorter than its version field");
		return -EINVAL;
	}
	r->version = nl_le32(d);
	if ((n - 4) & 1) {
		set_problem(r, "odd appexeclink string area length");
		return -EINVAL;
	}
	/* count strings: each ends at a NUL unit; a last one without NUL counts too */
	for (size_t i = 4; i + 1 < n; i += 2)
		if (nl_le16(d + i) == 0)
			count++;
	if (n > 4 && nl_le16(d + n - 2) != 0)
		count++;
	if (count == 0)
		return 0;
	r->strings = calloc(count, sizeof(*r->strings));
	if (!r->strings)
		return -ENOMEM;
	while (pos + 1 < n && r->nstrings < count) {
		size_t end = pos;

		while (end + 1 < n && nl_le16(d + end) != 0)
			end += 2;
		if (nl_utf16le_to_wtf8(d + pos, (end - pos) / 2, &r->strings[r->nstrings], NULL))
			return -ENOMEM;
		r->nstrings++;
		pos = end + 2;
	}
	return 0;
}

static int decode_wof(struct nl_reparse *r, const uint8_t *d, size_t n)
{
	if (n < 8) {
		set_problem(r, "wof data shorter than its 8-byte header");
		return -EINVAL;
	}
	r->version = nl_le32(d);
	r->wof_provider = nl_le32(d + 4);
	if (r->wof_provider == 2 && n >= 16)
		r->wof_algorithm = nl_le32(d + 12);
	return 0;
}

/* "{d1-d2-d3-d4a-d4b}" with the first three fields little-endian. */
static void format_guid(const uint8_t *g, char out[39])
{
	snprintf(out, 39, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
		 (unsigned)nl_le32(g), (unsigned)nl_le16(g + 4), (unsigned)nl_le16(g + 6), g[8], g[9],
		 g[10], g[11], g[12], g[13], g[14], g[15]);
}

#define CLOUD_COMPRESSED 0x8000u
#define CLOUD_FILE_SIG 0x70526546u   /* "FeRp" */
#define CLOUD_BITMAP_SIG 0x70527442u /* "BtRp" */

/* Cloud files placeholder data (layout in reparse.h). */
static int decode_cloud(struct nl_reparse *r, const uint8_t *d, size_t n)
{
	uint32_t sig;

	if (n < 4) {
		set_problem(r, "cloud data shorter than its 4-byte header");
		return -EINVAL;
	}
	r->cloud_flags = nl_le16(d);
	r->cloud_compressed = (r->cloud_flags & CLOUD_COMPRESSED) != 0;
	if (nl_le16(d + 2) > n)
		set_problem(r, "cloud data length runs past the buffer");
	if (r->cloud_compressed)
		return 0;
	if (n < 4 + 16) {
		set_problem(r, "cloud data shorter than its hsm header");
		return -EINVAL;
	}
	sig = nl_le32(d + 4);
	if (sig != CLOUD_FILE_SIG && sig != CLOUD_BITMAP_SIG) {
		set_problem(r, "cloud data without its FeRp or BtRp signature");
		return -EINVAL;
	}
	r->cloud_elements = nl_le16(d + 4 + 14);
	if (4 + 16 + (size_t)r->cloud_elements * 8 > n)
		set_problem(r, "cloud data elements run past the buffer");
	return 0;
}

/* CRC-32 (IEEE, reflected, as zlib computes it) of @p[0..n). */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

#define DEDUP_LONG 0x0102u
#define DEDUP_SHORT 0x0201u

/* Data deduplication data (layout in reparse.h). */
static int decode_dedup(struct nl_reparse *r, const uint8_t *d, size_t n)
{
	size_t store;

	if (n < 8) {
		set_problem(r, "dedup data shorter than its header and checksum");
		return -EINVAL;
	}
	r->dedup_format = nl_le16(d);
	if (nl_le16(d + 2) != n)
		set_problem(r, "dedup length field differs from the data length");
	if (crc32_ieee(d, n - 4) != nl_le32(d + n - 4))
		set_problem(r, "dedup data checksum mismatch");
	if (r->dedup_format != DEDUP_LONG && r->dedup_format != DEDUP_SHORT) {
		set_problem(r, "unknown dedup format");
		return -EINVAL;
	}
	store = r->dedup_format == DEDUP_LONG ? 0x74 : 0x18;
	if (store + 16 > n) {
		set_problem(r, "dedup data shorter than its chunk store guid");
		return -EINVAL;
	}
	format_guid(d + store, r->dedup_store);
	if (r->dedup_format == DEDUP_SHORT)
		r->dedup_size = nl_le64(d + 8);
	return r->problem ? -EINVAL : 0;
}

/* decode_header: the tag and flags, data length and (third party) GUID of
 * the @len-byte buffer @b into @r; *@hdr: where the data starts, *@avail:
 * its bytes in the buffer.  -EINVAL when not even the 8-byte header is there. */
static int decode_header(struct nl_reparse *r, const uint8_t *b, size_t len, size_t *hdr,
			 size_t *avail)
{
	r->tag = nl_le32(b);
	r->type = tag_type(r->tag);
	r->microsoft = (r->tag & NL_TAG_BIT_MICROSOFT) != 0;
	r->name_surrogate = (r->tag & NL_TAG_BIT_NAME_SURROGATE) != 0;
	r->directory = (r->tag & NL_TAG_BIT_DIRECTORY) != 0;
	if (len < 8) {
		set_problem(r, "reparse buffer shorter than its 8-byte header");
		return -EINVAL;
	}
	r->data_len = nl_le16(b + 4);
	r->reserved = nl_le16(b + 6);
	*hdr = 8;
	if (!r->microsoft) {
		if (len < 24) {
			set_problem(r, "third-party reparse point shorter than its guid");
			*hdr = len;
		} else {
			r->has_guid = true;
			memcpy(r->guid, b + 8, 16);
			format_guid(r->guid, r->guid_text);
			*hdr = 24;
		}
	}
	*avail = len - *hdr;
	if (r->data_len > *avail)
		set_problem(r, "data length runs past the buffer");
	else
		*avail = r->data_len;
	if (len > NL_REPARSE_MAX)
		set_problem(r, "reparse buffer longer than 16 KiB");
	return 0;
}

/* decode_data: the @n bytes of data @d of a tag this library knows, into @r. */
static int decode_data(struct nl_reparse *r, const uint8_t *d, size_t n)
{
	switch (r->type) {
	case NL_RP_JUNCTION:
	case NL_RP_SYMLINK:
		return decode_link(r, d, n);
	case NL_RP_WSL_SYMLINK:
		return decode_wsl(r, d, n);
	case NL_RP_APPEXECLINK:
		return decode_appexec(r, d, n);
	case NL_RP_WOF:
		return decode_wof(r, d, n);
	case NL_RP_CLOUD:
		return decode_cloud(r, d, n);
	case NL_RP_DEDUP:
		return decode_dedup(r, d, n);
	default:
		return 0;
	}
}

int nl_reparse_decode(const void *buf, size_t len, struct nl_reparse **out)
{
	const uint8_t *b = buf;
	struct nl_reparse *r;
	size_t avail = 0, hdr = 0;
	int rc;

	*out = NULL;
	if (len < 4)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	rc = decode_header(r, b, len, &hdr, &avail);
	if (rc == 0) {
		r->data_size = avail;
		r->data = malloc(avail ? avail : 1);
		if (!r->data) {
			nl_reparse_free(&r);
			return -ENOMEM;
		}
		memcpy(r->data, b + hdr, avail);
		rc = decode_data(r, b + hdr, avail);
		if (rc == -ENOMEM) {
			nl_reparse_free(&r);
			return -ENOMEM;
		}
		if (r->problem)
			rc = -EINVAL;
	}
	r->name = nl_reparse_type_name(r->type);
	*out = r;
	return rc;
}

/* --------------------------------------------------------------- building */

int nl_reparse_build_raw(uint32_t tag, const void *data, size_t n,
			 uint8_t **out, size_t *outlen)
{
	size_t guid = (tag & NL_TAG_BIT_MICROSOFT) ? 0 : 16;
	uint8_t *b;

	if (n + 8 > NL_REPARSE_MAX || n < guid)
		return -EINVAL;
	b = malloc(n + 8);
	if (!b)
		return -ENOMEM;
	nl_put_le32(b, tag);
	nl_put_le16(b + 4, (uint16_t)(n - guid));
	nl_put_le16(b + 6, 0);
	if (n)
		memcpy(b + 8, data, n);
	*out = b;
	*outlen = n + 8;
	return 0;
}

int nl_reparse_build_link(uint32_t tag, const char *substitute, const char *print,
			  uint32_t flags, uint8_t **out, size_t *outlen)
{
	uint16_t *su = NULL, *pu = NULL;
	size_t sn = 0, pn = 0, data, hdr, total;
	uint8_t *b, *pb;
	int rc;

	if (tag != NL_TAG_MOUNT_POINT && tag != NL_TAG_SYMLINK)
		return -EINVAL;
	if (!print)
		print = "";
	rc = nl_wtf8_to_utf16le(substitute, strlen(substitute), NL_REPARSE_MAX, &su, &sn);
	if (rc == 0)
		rc = nl_wtf8_to_utf16le(print, strlen(print), NL_REPARSE_MAX, &pu, &pn);
	if (rc) {
		free(su);
		return rc == -ENAMETOOLONG ? -EINVAL : rc;
	}
	hdr = tag == NL_TAG_SYMLINK ? 12 : 8;
	data = hdr + 2 * (sn + pn) + (tag == NL_TAG_MOUNT_POINT ? 4 : 0);
	total = 8 + data;
	if (total > NL_REPARSE_MAX) {
		rc = -EINVAL;
		goto out;
	}
	b = calloc(1, total);
	if (!b) {
		rc = -ENOMEM;
		goto out;
	}
	nl_put_le32(b, tag);
	nl_put_le16(b + 4, (uint16_t)data);
	pb = b + 8 + hdr;
	if (tag == NL_TAG_MOUNT_POINT) {
		nl_put_le16(b + 8, 0);
		nl_put_le16(b + 10, (uint16_t)(2 * sn));
		nl_put_le16(b + 12, (uint16_t)(2 * sn + 2));
		nl_put_le16(b + 14, (uint16_t)(2 * pn));
		memcpy(pb, su, 2 * sn);
		memcpy(pb + 2 * sn + 2, pu, 2 * pn); /* NUL units already zero */
	} else {
		nl_put_le16(b + 8, (uint16_t)(2 * pn));
		nl_put_le16(b + 10, (uint16_t)(2 * sn));
		nl_put_le16(b + 12, 0);
		nl_put_le16(b + 14, (uint16_t)(2 * pn));
		nl_put_le32(b + 16, flags);
		memcpy(pb, pu, 2 * pn);
		memcpy(pb + 2 * pn, su, 2 * sn);
	}
	*out = b;
	*outlen = total;
out:
	free(su);
	free(pu);
	return rc;
}

/* ---------------------------------------------------------------- targets */

void nl_target_clear(struct nl_target *t)
{
	free(t->volume);
	free(t->server);
	free(t->share);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

static bool is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* A growing string. */
struct sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		char *ns;

		while (nc < b->n + n + 1)
			nc *= 2;
		ns = realloc(b->s, nc);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Take the result: a malloc'ed string ("" if nothing was added), NULL on OOM. */
static char *sb_take(struct sbuf *b)
{
	if (!b->oom && !b->s)
		sb_add(b, "", 0);
	if (b->oom) {
		free(b->s);
		b->s = NULL;
		return NULL;
	}
	return b->s;
}

/* The next component of the '\' or '/' separated path *@p: *@c gets its
 * start, *@p moves past it. Returns its length, 0 at the end. */
static size_t next_comp(const char **p, const char **c)
{
	const char *q = *p;

	while (is_sep(*q))
		q++;
	*c = q;
	while (*q && !is_sep(*q))
		q++;
	*p = q;
	return (size_t)(q - *c);
}

/*
 * Normalise the absolute path @p ('\' or '/' separated, leading separator
 * optional) lexically onto @b (which already holds a prefix, typically
 * nothing): "/a/b", root "/".  Returns true if ".." went above the root.
 */
static bool norm_abs(struct sbuf *b, size_t base, const char *p)
{
	bool above = false;
	const char *c;
	size_t n;

	while ((n = next_comp(&p, &c))) {
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (b->n > base) {
				while (b->n > base && b->s[b->n - 1] != '/')
					b->n--;
				if (b->n > base)
					b->n--; /* the '/' */
				b->s[b->n] = '\0';
			} else {
				above = true;
			}
			continue;
		}
		sb_add(b, "/", 1);
		sb_add(b, c, n);
	}
	if (b->n == base)
		sb_add(b, "/", 1);
	return above;
}

/* Normalise a relative path: separators to '/', empty and "." components dropped. */
static void norm_rel(struct sbuf *b, const char *p)
{
	bool first = true;
	const char *c;
	size_t n;

	while ((n = next_comp(&p, &c))) {
		if (n == 1 && c[0] == '.')
			continue;
		if (!first)
			sb_add(b, "/", 1);
		sb_add(b, c, n);
		first = false;
	}
	if (first)
		sb_add(b, ".", 1);
}

static char *norm_abs_dup(const char *p)
{
	struct sbuf b = { 0 };

	norm_abs(&b, 0, p);
	return sb_take(&b);
}

static bool is_drive(const char *s)
{
	return ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && s[1] == ':';
}

/* Parse "server\share\rest" into @t (kind UNC). */
static int parse_unc(const char *p, struct nl_target *t)
{
	const char *s = p, *e;

	t->kind = NL_TGT_UNC;
	while (is_sep(*s))
		s++;
	e = s;
	while (*e && !is_sep(*e))
		e++;
	t->server = strndup(s, (size_t)(e - s));
	s = e;
	while (is_sep(*s))
		s++;
	e = s;
	while (*e && !is_sep(*e))
		e++;
	t->share = strndup(s, (size_t)(e - s));
	t->path = norm_abs_dup(e);
	if (!t->server || !t->share || !t->path) {
		nl_target_clear(t);
		return -ENOMEM;
	}
	return 0;
}

int nl_target_parse(const char *name, bool relative, struct nl_target *t)
{
	const char *rest = NULL;

	(void)relative;
	memset(t, 0, sizeof(*t));
	if (!name || !*name)
		return 0;
	/* NT and Win32 long-path prefixes: \??\ \\?\ \\.\ */
	if (name[0] == '\\' && (name[1] == '?' || name[1] == '\\') &&
	    (name[2] == '?' || name[2] == '.') && name[3] == '\\' &&
	    !(name[1] == '?' && name[2] == '.'))
		rest = name + 4;

	if (rest) {
		if (is_drive(rest) && (rest[2] == '\0' || is_sep(rest[2]))) {
			t->kind = NL_TGT_DRIVE;
			t->drive = (char)(rest[0] & ~0x20);
			t->path = norm_abs_dup(rest + 2);
			return t->path ? 0 : (nl_target_clear(t), -ENOMEM);
		}
		if (strncasecmp(rest, "UNC", 3) == 0 && is_sep(rest[3]))
			return parse_unc(rest + 4, t);
		if (strncasecmp(rest, "Volume{", 7) == 0) {
			const char *close = strchr(rest + 7, '}');

			if (close && (close[1] == '\0' || is_sep(close[1]))) {
				t->kind = NL_TGT_VOLUME;
				t->volume = strndup(rest + 6, (size_t)(close + 1 - (rest + 6)));
				t->path = norm_abs_dup(close + 1);
				if (!t->volume || !t->path) {
					nl_target_clear(t);
					return -ENOMEM;
				}
				return 0;
			}
		}
		t->kind = NL_TGT_NT_OTHER;
		t->path = norm_abs_dup(name);
		return t->path ? 0 : (nl_target_clear(t), -ENOMEM);
	}
	if (name[0] == '\\' && name[1] == '\\')
		return parse_unc(name + 2, t);
	if (is_drive(name)) {
		t->kind = NL_TGT_DRIVE;
		t->drive = (char)(name[0] & ~0x20);
		t->path = norm_abs_dup(name + 2);
		return t->path ? 0 : (nl_target_clear(t), -ENOMEM);
	}
	if (is_sep(name[0])) {
		t->kind = (strncasecmp(name + 1, "Device", 6) == 0 && (is_sep(name[7]) || !name[7])) ||
			  (strncasecmp(name + 1, "GLOBAL??", 8) == 0 && (is_sep(name[9]) || !name[9]))
			  ? NL_TGT_NT_OTHER : NL_TGT_ROOTED;
		t->path = norm_abs_dup(name);
		return t->path ? 0 : (nl_target_clear(t), -ENOMEM);
	}
	{
		struct sbuf b = { 0 };

		t->kind = NL_TGT_RELATIVE;
		norm_rel(&b, name);
		t->path = sb_take(&b);
		return t->path ? 0 : (nl_target_clear(t), -ENOMEM);
	}
}

int nl_target_parse_posix(const char *name, struct nl_target *t)
{
	memset(t, 0, sizeof(*t));
	if (!name || !*name)
		return 0;
	t->kind = NL_TGT_POSIX;
	t->path = strdup(name);
	return t->path ? 0 : -ENOMEM;
}

/* Append @path ("/a/b" or "a/b") with '/' replaced by @sep; root "/" adds just @sep when @root_sep. */
static void add_path(struct sbuf *b, const char *path, char sep, bool root_sep)
{
	if (!path)
		return;
	if (strcmp(path, "/") == 0) {
		if (root_sep)
			sb_add(b, &sep, 1);
		return;
	}
	for (const char *p = path; *p; p++)
		sb_add(b, *p == '/' ? &sep : p, 1);
}

int nl_target_format(const struct nl_target *t, enum nl_target_style style, char **out)
{
	struct sbuf b = { 0 };
	char sep = style == NL_TSTYLE_SLASH ? '/' : '\\';
	char d[3] = { t->drive, ':', 0 };

	switch (t->kind) {
	case NL_TGT_NONE:
		break;
	case NL_TGT_DRIVE:
		if (style == NL_TSTYLE_NT)
			sb_adds(&b, "\\??\\");
		sb_adds(&b, d);
		add_path(&b, t->path, sep, true);
		break;
	case NL_TGT_VOLUME:
		if (style == NL_TSTYLE_NT)
			sb_adds(&b, "\\??\\");
		else if (style == NL_TSTYLE_WIN32)
			sb_adds(&b, "\\\\?\\");
		sb_adds(&b, "Volume");
		sb_adds(&b, t->volume);
		add_path(&b, t->path, sep, true);
		break;
	case NL_TGT_UNC:
		if (style == NL_TSTYLE_NT)
			sb_adds(&b, "\\??\\UNC\\");
		else
			sb_add(&b, style == NL_TSTYLE_SLASH ? "//" : "\\\\", 2);
		sb_adds(&b, t->server);
		sb_add(&b, &sep, 1);
		sb_adds(&b, t->share);
		add_path(&b, t->path, sep, false);
		break;
	case NL_TGT_RELATIVE:
	case NL_TGT_ROOTED:
	case NL_TGT_NT_OTHER:
		add_path(&b, t->path, sep, true);
		break;
	case NL_TGT_POSIX:
		sb_adds(&b, t->path);
		break;
	default:
		return -EINVAL;
	}
	*out = sb_take(&b);
	return *out ? 0 : -ENOMEM;
}

int nl_path_resolve(const char *dir, const char *rel, char **out, bool *above_root)
{
	struct sbuf b = { 0 };
	bool above;

	if (is_sep(rel[0])) {
		above = norm_abs(&b, 0, rel);
	} else {
		norm_abs(&b, 0, dir);
		if (b.n == 1 && !b.oom)
			b.n = 0; /* root: start from nothing so "/x" is built */
		above = norm_abs(&b, 0, rel);
	}
	if (above_root)
		*above_root = above;
	*out = sb_take(&b);
	return *out ? 0 : -ENOMEM;
}
