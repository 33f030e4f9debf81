/* copydump.c: test helper: list a folder of an NTFS image through libntfs-3g alone, for comparing copies. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/security.h>
#include <ntfs-3g/volume.h>

#include <ntfslinks/reparse.h>
#include <ntfslinks/unistr.h>

/*
 * Usage: copydump [-t] [-a] [-S] IMAGE [PATH]
 * One line per entry below PATH (default /), sorted by path bytes:
 *   path type [#G/N] [attrs=0x..] [dos=NAME] [data=SIZE:HASH[:sparse]]
 *   [stream NAME=SIZE:HASH]... [junction|symlink|reparse ...] [times=c,m,x,a]
 * #G numbers hardlink groups by first appearance, N is the number of
 * non-DOS names of the file inside the listing; -t adds times, -a the
 * attributes, -S a hash of the security descriptor.  Independent of the
 * copy engine: only libntfs-3g (and the library's reparse decoder).
 */

struct ent {
	char *path;
	uint64_t mft;
	char *line;
};

static struct ent *ents;
static size_t nents, capents;
static int opt_times, opt_attrs, opt_sec;
static ntfs_volume *vol;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static void add(char *path, uint64_t mft, char *line)
{
	if (nents == capents) {
		capents = capents ? capents * 2 : 256;
		ents = realloc(ents, capents * sizeof(*ents));
		if (!ents)
			exit(99);
	}
	ents[nents].path = path;
	ents[nents].mft = mft;
	ents[nents].line = line;
	nents++;
}

struct buf {
	char *s;
	size_t n, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->s) {
		b->cap = 256;
		b->s = malloc(b->cap);
		if (!b->s)
			exit(99);
		b->s[0] = 0;
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->n) {
			b->n += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 64;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			exit(99);
	}
}

static void esc(struct buf *b, const char *s)
{
	char *e = NULL;

	nl_escape_dup(s, strlen(s), 0, &e);
	bprintf(b, "%s", e ? e : "?");
	free(e);
}

static void streams(struct buf *b, ntfs_inode *ni)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	char *buf = malloc(1 << 20);

	while (ctx && buf &&
	       !ntfs_attr_lookup(AT_DATA, NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		ATTR_RECORD *a = ctx->attr;
		ntfschar nm[256];
		char *name = NULL;
		ntfs_attr *na;
		uint64_t h = 1469598103934665603ULL;
		s64 off = 0, r;
		bool sparse;

		if (a->non_resident && a->lowest_vcn)
			continue;
		memcpy(nm, (u8 *)a + le16_to_cpu(a->name_offset), a->name_length * 2);
		if (a->name_length)
			nl_utf16le_to_wtf8(nm, a->name_length, &name, NULL);
		sparse = a->non_resident && (a->flags & ATTR_IS_SPARSE);
		na = ntfs_attr_open(ni, AT_DATA, a->name_length ? nm : AT_UNNAMED, a->name_length);
		if (!na) {
			bprintf(b, " stream-unreadable");
			free(name);
			continue;
		}
		while ((r = ntfs_attr_pread(na, off, 1 << 20, buf)) > 0) {
			h = fnv(h, buf, (size_t)r);
			off += r;
		}
		if (name) {
			bprintf(b, " stream ");
			esc(b, name);
			bprintf(b, "=%lld:%016llx", (long long)na->data_size, (unsigned long long)h);
		} else {
			bprintf(b, " data=%lld:%016llx", (long long)na->data_size, (unsigned long long)h);
		}
		if (sparse)
			bprintf(b, ":sparse");
		if (na->data_flags & ATTR_COMPRESSION_MASK)
			bprintf(b, ":compressed");
		ntfs_attr_close(na);
		free(name);
	}
	free(buf);
	if (ctx)
		ntfs_attr_put_search_ctx(ctx);
}

static void reparse(struct buf *b, ntfs_inode *ni)
{
	s64 len = 0;
	void *rp = ntfs_attr_readall(ni, AT_REPARSE_POINT, AT_UNNAMED, 0, &len);
	struct nl_reparse *r = NULL;

	if (!rp) {
		bprintf(b, " reparse-unreadable");
		return;
	}
	if (nl_reparse_decode(rp, (size_t)len, &r) == 0 &&
	    (r->type == NL_RP_JUNCTION || r->type == NL_RP_SYMLINK || r->type == NL_RP_MOUNT_POINT)) {
		bprintf(b, " %s ", r->type == NL_RP_SYMLINK ? "symlink" : "junction");
		esc(b, r->substitute_name);
		bprintf(b, " print=");
		esc(b, r->print_name ? r->print_name : "");
		if (r->type == NL_RP_SYMLINK)
			bprintf(b, " flags=%u", r->symlink_flags);
	} else {
		char *hex = NULL;

		nl_hex(rp, (size_t)len, &hex);
		bprintf(b, " reparse %s", hex ? hex : "?");
		free(hex);
	}
	nl_reparse_free(&r);
	free(rp);
}

static char *dos_name(ntfs_inode *ni, MFT_REF parent)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	char *out = NULL;

	while (ctx && !out &&
	       !ntfs_attr_lookup(AT_FILE_NAME, NULL, 0, CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		FILE_NAME_ATTR *fn = (FILE_NAME_ATTR *)((u8 *)ctx->attr +
							le16_to_cpu(ctx->attr->value_offset));
		ntfschar nm[256];

		if (MREF_LE(fn->parent_directory) != MREF(parent))
			continue;
		memcpy(nm, (u8 *)fn + offsetof(FILE_NAME_ATTR, file_name), fn->file_name_length * 2);
		if (fn->file_name_type == FILE_NAME_DOS)
			nl_utf16le_to_wtf8(nm, fn->file_name_length, &out, NULL);
		else if (fn->file_name_type == FILE_NAME_WIN32_AND_DOS)
			out = strdup("=");
	}
	if (ctx)
		ntfs_attr_put_search_ctx(ctx);
	return out;
}

struct dent {
	char *name;
	MFT_REF mref;
};

struct dlist {
	struct dent *e;
	size_t n, cap;
};

static int filldir(void *d, const ntfschar *name, const int len, const int type,
		   const s64 pos, const MFT_REF mref, const unsigned dt)
{
	struct dlist *l = d;
	ntfschar nm[256];

	(void)pos;
	(void)dt;
	if (type == FILE_NAME_DOS || MREF(mref) < FILE_first_user)
		return 0;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->e = realloc(l->e, l->cap * sizeof(*l->e));
		if (!l->e)
			exit(99);
	}
	memcpy(nm, name, (size_t)len * 2);
	l->e[l->n].name = NULL;
	nl_utf16le_to_wtf8(nm, (size_t)len, &l->e[l->n].name, NULL);
	l->e[l->n].mref = mref;
	l->n++;
	return 0;
}

static void walk(MFT_REF dir, const char *path)
{
	ntfs_inode *dni = ntfs_inode_open(vol, dir);
	struct dlist l = { 0 };
	s64 pos = 0;

	if (!dni) {
		fprintf(stderr, "copydump: cannot open folder %s\n", path);
		exit(1);
	}
	ntfs_readdir(dni, &pos, &l, filldir);
	ntfs_inode_close(dni);
	for (size_t i = 0; i < l.n; i++) {
		ntfs_inode *ni = ntfs_inode_open(vol, l.e[i].mref);
		struct buf b = { 0 };
		char *p = malloc(strlen(path) + strlen(l.e[i].name) + 2);
		char *dn;
		bool isdir;

		sprintf(p, "%s%s%s", path, *path ? "/" : "", l.e[i].name);
		if (!ni) {
			fprintf(stderr, "copydump: cannot open %s\n", p);
			exit(1);
		}
		isdir = ni->mrec->flags & MFT_RECORD_IS_DIRECTORY;
		esc(&b, p);
		bprintf(&b, " %s", ni->flags & FILE_ATTR_REPARSE_POINT ? (isdir ? "rdir" : "rfile")
				: isdir ? "dir" : "file");
		if (opt_attrs)
			bprintf(&b, " attrs=0x%x", le32_to_cpu(ni->flags) & 0x3fb7);
		dn = dos_name(ni, dir);
		if (dn) {
			bprintf(&b, " dos=");
			esc(&b, dn);
			free(dn);
		}
		streams(&b, ni);
		if (ni->flags & FILE_ATTR_REPARSE_POINT)
			reparse(&b, ni);
		if (opt_times)
			bprintf(&b, " times=%lld,%lld,%lld,%lld",
				(long long)sle64_to_cpu(ni->creation_time),
				(long long)sle64_to_cpu(ni->last_data_change_time),
				(long long)sle64_to_cpu(ni->last_mft_change_time),
				(long long)sle64_to_cpu(ni->last_access_time));
		if (opt_sec) {
			struct SECURITY_CONTEXT scx;
			char sd[65536];
			int n;

			memset(&scx, 0, sizeof(scx));
			scx.vol = vol;
			n = ntfs_get_ntfs_acl(&scx, ni, sd, sizeof(sd));
			bprintf(&b, " sd=%016llx", n > 0 ? (unsigned long long)fnv(1469598103934665603ULL, sd, (size_t)n) : 0ULL);
		}
		ntfs_inode_close(ni);
		add(p, MREF(l.e[i].mref), b.s);
		if (isdir && !(le32_to_cpu(ni->flags) & FILE_ATTR_REPARSE_POINT))
			walk(l.e[i].mref, p);
		free(l.e[i].name);
	}
	free(l.e);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->path, ((const struct ent *)b)->path);
}

int main(int argc, char **argv)
{
	ntfs_inode *root;
	const char *path;
	int ch;
	uint64_t *gm = NULL;
	size_t ng = 0;

	while ((ch = getopt(argc, argv, "taS")) != -1) {
		if (ch == 't')
			opt_times = 1;
		else if (ch == 'a')
			opt_attrs = 1;
		else if (ch == 'S')
			opt_sec = 1;
		else
			return 2;
	}
	if (argc - optind < 1) {
		fprintf(stderr, "usage: copydump [-t] [-a] [-S] IMAGE [PATH]\n");
		return 2;
	}
	ntfs_log_set_handler(ntfs_log_handler_null);
	vol = ntfs_mount(argv[optind], NTFS_MNT_RDONLY | NTFS_MNT_FORENSIC);
	if (!vol) {
		fprintf(stderr, "copydump: cannot open %s\n", argv[optind]);
		return 1;
	}
	path = argc - optind > 1 ? argv[optind + 1] : "/";
	root = ntfs_pathname_to_inode(vol, NULL, path);
	if (!root) {
		fprintf(stderr, "copydump: no %s\n", path);
		return 1;
	}
	{
		MFT_REF r = root->mft_no;

		ntfs_inode_close(root);
		walk(r, "");
	}
	qsort(ents, nents, sizeof(*ents), cmp);
	/* hardlink groups: numbered by first appearance; count names per record */
	gm = calloc(nents + 1, sizeof(*gm));
	for (size_t i = 0; i < nents; i++) {
		size_t g, cnt = 0;

		for (size_t j = 0; j < nents; j++)
			cnt += ents[j].mft == ents[i].mft;
		if (cnt > 1) {
			for (g = 0; g < ng && gm[g] != ents[i].mft; g++)
				;
			if (g == ng)
				gm[ng++] = ents[i].mft;

			char *sp = strchr(ents[i].line, ' ');

			printf("%.*s #%zu/%zu%s\n", (int)(sp - ents[i].line), ents[i].line, g + 1, cnt, sp);
		} else {
			printf("%s\n", ents[i].line);
		}
	}
	for (size_t i = 0; i < nents; i++) {
		free(ents[i].path);
		free(ents[i].line);
	}
	free(ents);
	free(gm);
	ntfs_umount(vol, FALSE);
	return 0;
}
