/* linktarget.c: targets of new or changed links: parse what a user gives, check it can be encoded, build the reparse data as Windows writes it, and rewrite targets (prefix map, volume GUID, relative). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ntfslinks/reparse.h>
#include <ntfslinks/unistr.h>

const char *nl_link_kind_name(enum nl_link_kind kind)
{
	switch (kind) {
	case NL_LINK_JUNCTION:
		return "junction";
	case NL_LINK_SYMLINK:
		return "symlink";
	case NL_LINK_MOUNT_POINT:
		return "mountpoint";
	}
	return "unknown";
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool nl_guid_valid(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };

	if (*s++ != '{')
		return false;
	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++)
			if (!is_hex(*s++))
				return false;
		if (*s++ != (g == 4 ? '}' : '-'))
			return false;
	}
	return *s == '\0';
}

/* Lower-case the hex digits of a "{GUID}" in place (mount manager names are lower case). */
static void guid_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'F')
			*s = (char)(*s - 'A' + 'a');
}

/* Characters Windows does not allow in a path component (controls, "*:<>?| and the quote). */
static const char *bad_component(const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20)
			return "control character in the target";
		if (strchr("\"*:<>?|", *p))
			return "character not allowed in a windows path in the target";
	}
	return NULL;
}

int nl_link_target_check(enum nl_link_kind kind, const struct nl_target *t, const char **why)
{
	const char *w = NULL;

	switch (t->kind) {
	case NL_TGT_DRIVE:
		if (kind == NL_LINK_MOUNT_POINT)
			w = "a mount point's target is a volume (Volume{GUID}\\)";
		break;
	case NL_TGT_VOLUME:
		if (!nl_guid_valid(t->volume))
			w = "volume name is not Volume{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
		else if (kind == NL_LINK_MOUNT_POINT && strcmp(t->path, "/") != 0)
			w = "a mount point's target is the root of a volume";
		break;
	case NL_TGT_UNC:
		if (kind != NL_LINK_SYMLINK)
			w = "a network path can only be the target of a symbolic link";
		else if (!*t->server || !*t->share)
			w = "a network path needs \\\\server\\share";
		break;
	case NL_TGT_RELATIVE:
		if (kind != NL_LINK_SYMLINK)
			w = "a relative target can only be the target of a symbolic link";
		break;
	case NL_TGT_NONE:
		w = "empty target";
		break;
	default:
		w = "target is not a drive, volume, network or relative path";
		break;
	}
	if (!w && t->kind == NL_TGT_UNC)
		w = bad_component(t->server) ? bad_component(t->server) : bad_component(t->share);
	if (!w && t->path)
		w = bad_component(t->path);
	if (w) {
		if (why)
			*why = w;
		return -EINVAL;
	}
	return 0;
}

/* "Volume{...}" or "{...}" without a prefix: the NT form, for nl_target_parse. */
static char *volume_nt(const char *text)
{
	const char *g = strncasecmp(text, "Volume{", 7) == 0 ? text + 6 : text;
	size_t n = strlen(g);
	char *s = malloc(n + 12);

	if (s) {
		memcpy(s, "\\??\\Volume", 10);
		memcpy(s + 10, g, n + 1);
	}
	return s;
}

int nl_link_target_parse(enum nl_link_kind kind, const char *text, char drive,
			 struct nl_target *t, const char **why)
{
	char *nt = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!nl_wtf8_valid(text, strlen(text))) {
		if (why)
			*why = "target is not valid utf-8";
		return -EILSEQ;
	}
	if (strncasecmp(text, "Volume{", 7) == 0 || text[0] == '{') {
		nt = volume_nt(text);
		if (!nt)
			return -ENOMEM;
	}
	rc = nl_target_parse(nt ? nt : text, kind == NL_LINK_SYMLINK, t);
	free(nt);
	if (rc)
		return rc;
	if (t->kind == NL_TGT_ROOTED || (text[0] == '/' && t->kind != NL_TGT_UNC)) {
		/* a path on this volume */
		if (!drive) {
			nl_target_clear(t);
			if (why)
				*why = "no drive letter for a target on this volume (give --drive)";
			return -EINVAL;
		}
		t->kind = NL_TGT_DRIVE;
		t->drive = (char)(drive & ~0x20);
	}
	if (t->kind == NL_TGT_VOLUME)
		guid_lower(t->volume);
	rc = nl_link_target_check(kind, t, why);
	if (rc == 0) {
		uint8_t *b = NULL;
		size_t n;

		rc = nl_link_build(kind, t, &b, &n, why);
		free(b);
	}
	if (rc)
		nl_target_clear(t);
	return rc;
}

int nl_link_names(enum nl_link_kind kind, const struct nl_target *t,
		  char **substitute, char **print, uint32_t *flags)
{
	int rc;

	*substitute = *print = NULL;
	*flags = kind == NL_LINK_SYMLINK && t->kind == NL_TGT_RELATIVE ? 1 : 0;
	rc = nl_target_format(t, NL_TSTYLE_NT, substitute);
	if (rc)
		return rc;
	/* mountvol leaves the print name of a volume mount point empty */
	if (t->kind == NL_TGT_VOLUME && kind != NL_LINK_SYMLINK && strcmp(t->path, "/") == 0)
		*print = strdup("");
	else
		rc = nl_target_format(t, NL_TSTYLE_WIN32, print);
	if (rc == 0 && !*print)
		rc = -ENOMEM;
	if (rc) {
		free(*substitute);
		*substitute = NULL;
	}
	return rc;
}

int nl_link_build(enum nl_link_kind kind, const struct nl_target *t,
		  uint8_t **buf, size_t *len, const char **why)
{
	char *subst = NULL, *print = NULL;
	uint32_t flags;
	int rc;

	rc = nl_link_target_check(kind, t, why);
	if (rc)
		return rc;
	rc = nl_link_names(kind, t, &subst, &print, &flags);
	if (rc)
		return rc;
	rc = nl_reparse_build_link(kind == NL_LINK_SYMLINK ? NL_TAG_SYMLINK : NL_TAG_MOUNT_POINT,
				   subst, print, flags, buf, len);
	if (rc == -EINVAL) {
		rc = -ENAMETOOLONG;
		if (why)
			*why = "target too long for a reparse point (16 KiB)";
	} else if (rc == -EILSEQ && why) {
		*why = "target is not valid utf-8";
	}
	free(subst);
	free(print);
	return rc;
}

/* ------------------------------------------------------------ rewriting */

static int target_copy(const struct nl_target *src, struct nl_target *dst)
{
	memset(dst, 0, sizeof(*dst));
	dst->kind = src->kind;
	dst->drive = src->drive;
	if ((src->volume && !(dst->volume = strdup(src->volume))) ||
	    (src->server && !(dst->server = strdup(src->server))) ||
	    (src->share && !(dst->share = strdup(src->share))) ||
	    (src->path && !(dst->path = strdup(src->path)))) {
		nl_target_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

/* Case-insensitive (NTFS upcase) equality of @a[0..an) and @b[0..bn). */
static bool same_name(const char *a, size_t an, const char *b, size_t bn)
{
	char *x = strndup(a, an), *y = strndup(b, bn);
	bool eq = x && y && nl_wtf8_casecmp(x, y, NULL, 0) == 0;

	free(x);
	free(y);
	return eq;
}

static bool same_opt(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return same_name(a, strlen(a), b, strlen(b));
}

/* The next '/'-separated component of *@p; returns its length, 0 at the end. */
static size_t comp(const char **p, const char **c)
{
	const char *q = *p;

	while (*q == '/')
		q++;
	*c = q;
	while (*q && *q != '/')
		q++;
	*p = q;
	return (size_t)(q - *c);
}

/*
 * If @prefix is @path or a leading run of its components (compared
 * case-insensitively), return what follows it ("" or "/rest"), else NULL.
 */
static const char *path_after(const char *path, const char *prefix)
{
	const char *p = path, *q = prefix, *pc, *qc;
	size_t pn, qn;

	for (;;) {
		const char *before = p;

		qn = comp(&q, &qc);
		if (!qn)
			return before;
		pn = comp(&p, &pc);
		if (!pn || !same_name(pc, pn, qc, qn))
			return NULL;
	}
}

static bool same_base(const struct nl_target *a, const struct nl_target *b)
{
	return a->kind == b->kind && a->drive == b->drive && same_opt(a->volume, b->volume) &&
	       same_opt(a->server, b->server) && same_opt(a->share, b->share);
}

/* @base's path with @rest ("" or "/x/y") appended, into @out (a copy of @base). */
static int join(const struct nl_target *base, const char *rest, struct nl_target *out)
{
	const char *bp = base->path ? base->path : "";
	size_t bn = strlen(bp), rn = strlen(rest);
	char *p;

	if (strcmp(bp, "/") == 0 && rn)
		bn = 0;
	if (base->kind == NL_TGT_RELATIVE && strcmp(bp, ".") == 0 && rn) {
		bn = 0;
		rest++;
		rn--;
	}
	p = malloc(bn + rn + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p, bp, bn);
	memcpy(p + bn, rest, rn + 1);
	if (target_copy(base, out)) {
		free(p);
		return -ENOMEM;
	}
	free(out->path);
	out->path = p;
	return 0;
}

int nl_target_map_prefix(const struct nl_target *t, const struct nl_target *from,
			 const struct nl_target *to, struct nl_target *out)
{
	const char *rest;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!t->path || !from->path || !same_base(t, from))
		return 0;
	rest = path_after(t->path, from->path);
	if (!rest)
		return 0;
	rc = join(to, rest, out);
	return rc ? rc : 1;
}

int nl_target_to_volume(const struct nl_target *t, char drive, const char *guid,
			struct nl_target *out)
{
	memset(out, 0, sizeof(*out));
	if (t->kind != NL_TGT_DRIVE || !drive || t->drive != (char)(drive & ~0x20))
		return 0;
	if (target_copy(t, out))
		return -ENOMEM;
	out->kind = NL_TGT_VOLUME;
	out->drive = 0;
	out->volume = strdup(guid);
	if (!out->volume) {
		nl_target_clear(out);
		return -ENOMEM;
	}
	guid_lower(out->volume);
	return 1;
}

/* Append "../" once per component of @p. */
static size_t ups(const char *p, char *dst)
{
	const char *c;
	size_t n = 0;

	while (comp(&p, &c)) {
		if (dst)
			memcpy(dst + n, "../", 3);
		n += 3;
	}
	return n;
}

int nl_path_relative(const char *dir, const char *target, char **out)
{
	const char *d = dir, *t = target, *dc, *tc, *drest = dir, *trest = target;
	size_t dn, tn, n, rn;
	char *s;

	for (;;) {
		const char *dsave = d, *tsave = t;

		dn = comp(&d, &dc);
		tn = comp(&t, &tc);
		if (!dn || !tn || !same_name(dc, dn, tc, tn)) {
			drest = dsave;
			trest = tsave;
			break;
		}
	}
	while (*trest == '/')
		trest++;
	n = ups(drest, NULL);
	rn = strlen(trest);
	s = malloc(n + rn + 2);
	if (!s)
		return -ENOMEM;
	ups(drest, s);
	memcpy(s + n, trest, rn + 1);
	if (n + rn == 0)
		strcpy(s, ".");
	else if (rn == 0)
		s[n - 1] = '\0'; /* "../../" -> "../.." */
	*out = s;
	return 0;
}

int nl_target_to_relative(const struct nl_target *t, char drive, const char *guid,
			  const char *link_dir, struct nl_target *out)
{
	bool here;
	char *rel = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	here = (t->kind == NL_TGT_DRIVE && drive && t->drive == (char)(drive & ~0x20)) ||
	       (t->kind == NL_TGT_VOLUME && guid && strcasecmp(t->volume, guid) == 0);
	if (!here)
		return 0;
	rc = nl_path_relative(link_dir, t->path, &rel);
	if (rc)
		return rc;
	out->kind = NL_TGT_RELATIVE;
	out->path = rel;
	return 1;
}

/* Is @t an absolute target on this volume (drive letter @drive or volume @guid)? */
static bool on_this_volume(const struct nl_target *t, char drive, const char *guid)
{
	return (t->kind == NL_TGT_DRIVE && drive && t->drive == (char)(drive & ~0x20)) ||
	       (t->kind == NL_TGT_VOLUME && guid && strcasecmp(t->volume, guid) == 0);
}

/* @p with a leading @from replaced by @to (malloc'ed), or NULL (*@oom false) when @p is not in @from. */
static char *moved_path(const char *p, const char *from, const char *to, bool *oom)
{
	const char *rest = path_after(p, from);
	size_t tn = strlen(to), rn;
	char *s;

	*oom = false;
	if (!rest)
		return NULL;
	if (strcmp(to, "/") == 0 && *rest)
		tn = 0;
	rn = strlen(rest);
	s = malloc(tn + rn + 1);
	if (!s) {
		*oom = true;
		return NULL;
	}
	memcpy(s, to, tn);
	memcpy(s + tn, rest, rn + 1);
	return s;
}

int nl_target_relocate(const struct nl_target *t, char drive, const char *guid,
		       const char *old_dir, const char *new_dir,
		       const char *from, const char *to, struct nl_target *out)
{
	char *abs = NULL, *moved, *rel = NULL;
	bool above = false, oom;
	int rc;

	memset(out, 0, sizeof(*out));
	if (on_this_volume(t, drive, guid)) {
		moved = moved_path(t->path, from, to, &oom);
		if (!moved)
			return oom ? -ENOMEM : 0;
		if (target_copy(t, out)) {
			free(moved);
			return -ENOMEM;
		}
		free(out->path);
		out->path = moved;
		return 1;
	}
	if (t->kind != NL_TGT_RELATIVE)
		return 0;
	/* where it leads now, where that is after the move, and the way there from the link's new folder */
	rc = nl_path_resolve(old_dir, t->path, &abs, &above);
	if (rc)
		return rc;
	if (above) {
		free(abs);
		return 0;       /* leads nowhere on this volume: left as it is */
	}
	moved = moved_path(abs, from, to, &oom);
	if (oom) {
		free(abs);
		return -ENOMEM;
	}
	rc = nl_path_relative(new_dir, moved ? moved : abs, &rel);
	free(abs);
	free(moved);
	if (rc)
		return rc;
	if (strcmp(rel, t->path) == 0) {
		free(rel);
		return 0;
	}
	out->kind = NL_TGT_RELATIVE;
	out->path = rel;
	return 1;
}
