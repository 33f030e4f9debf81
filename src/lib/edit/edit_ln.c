/* edit_ln.c: hard links: one more name for a file, several files into a folder, and Explorer's "name - Hardlink.ext" when a name is taken. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit/edit_int.h"

/* One name to add. */
struct ln_item {
	const char *arg;        /* the source as given */
	struct nl_e_path src;   /* the file's name used */
	uint64_t ref;           /* the file */
	uint64_t dir;           /* the folder of the new name */
	char *dirpath;          /* its path */
	char *name;             /* the new name (WTF-8), after any auto-rename */
	uint16_t units[NL_NAME_MAX_UNITS];
	size_t len;
	enum nl_name_space ns;
	int names;              /* the file's names after this call */
};

static void items_free(struct ln_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		nl_e_path_free(&it[i].src);
		free(it[i].dirpath);
		free(it[i].name);
	}
	free(it);
}

/* The file SRC: it exists and is no folder. */
static int find_source(struct nl_edit *e, struct ln_item *it, const char *src)
{
	int rc = nl_e_path_split(e, src, &it->src);

	it->arg = src;
	if (!rc && !it->src.len)
		rc = nl_e_fail_at(e, -EISDIR, "/", "folders cannot be hard-linked");
	if (!rc)
		rc = nl_edit_lookup(e, it->src.norm, &it->ref);
	if (!rc) {
		rc = nl_writer_is_dir(e->w, it->ref);
		if (rc == 1)
			rc = nl_e_fail_at(e, -EISDIR, it->src.norm, "a folder cannot be hard-linked "
					  "(a junction can point to it)");
		else if (rc < 0)
			rc = nl_e_fail_writer(e, rc, "cannot read it");
	}
	return rc;
}

/* The folder DIR of the new names: it exists and is a folder. */
static int find_dir(struct nl_edit *e, const char *dir, uint64_t *ref)
{
	int rc = nl_edit_lookup(e, dir, ref);

	if (!rc) {
		rc = nl_writer_is_dir(e->w, *ref);
		if (rc == 0)
			rc = nl_e_fail_at(e, -ENOTDIR, dir, "not a folder");
		else if (rc == 1)
			rc = 0;
		else
			rc = nl_e_fail_writer(e, rc, "cannot read it");
	}
	return rc;
}

/* Is NAME taken in the folder of @it: on the volume, or by an earlier item
 * of this call going into the same folder? 1, 0 or -errno. */
static int name_taken(struct nl_edit *e, const struct ln_item *items, size_t k, const char *name)
{
	uint16_t u[NL_NAME_MAX_UNITS];
	ssize_t n = nl_wtf8_to_utf16le_buf(name, strlen(name), u, NL_NAME_MAX_UNITS);
	uint64_t ref;
	int rc;

	if (n < 0)
		return (int)n;
	for (size_t i = 0; i < k; i++)
		if (items[i].dir == items[k].dir && nl_wtf8_casecmp(items[i].name, name, NULL, 0) == 0)
			return 1;
	rc = nl_writer_lookup(e->w, items[k].dir, u, (size_t)n, &ref);
	return rc == 0 ? 1 : rc == -ENOENT ? 0 : rc;
}

/* Explorer's and Link Shell Extension's name for the COPY-th hard link of
 * BASE (1: "name - Hardlink.ext", then "name - Hardlink (2).ext", ...). */
static char *hardlink_name(const char *base, unsigned copy)
{
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	char num[24] = "";
	char *s;

	if (copy > 1)
		snprintf(num, sizeof(num), " (%u)", copy);
	if (asprintf(&s, "%.*s - Hardlink%s%s", (int)stem, base, num, base + stem) < 0)
		return NULL;
	return s;
}

/* The new name of item K: NAME, or with @flags NL_EDIT_AUTO_RENAME the first
 * free "name - Hardlink (N).ext"; checked as a name. */
static int choose_name(struct nl_edit *e, struct ln_item *items, size_t k, const char *name,
		       unsigned flags)
{
	struct ln_item *it = &items[k];
	char why[512];
	int rc;

	rc = nl_edit_check_name(name, e->o.flags, &it->ns, why, sizeof(why));
	if (rc) {
		char *p = nl_e_path_join(it->dirpath, name);

		rc = nl_e_fail_at(e, rc, p ? p : it->dirpath, "%s", why);
		free(p);
		return rc;
	}
	it->name = strdup(name);
	if (!it->name)
		return nl_e_fail(e, -ENOMEM, "out of memory");
	for (unsigned copy = 1;; copy++) {
		rc = name_taken(e, items, k, it->name);
		if (rc <= 0)
			break;
		if (!(flags & NL_EDIT_AUTO_RENAME)) {
			char *p = nl_e_path_join(it->dirpath, it->name);

			rc = nl_e_fail_at(e, -EEXIST, p ? p : it->dirpath,
					  "exists (--auto-rename picks a free name)");
			free(p);
			return rc;
		}
		free(it->name);
		it->name = hardlink_name(name, copy);
		if (!it->name)
			return nl_e_fail(e, -ENOMEM, "out of memory");
		rc = nl_edit_check_name(it->name, e->o.flags, &it->ns, why, sizeof(why));
		if (rc)
			return nl_e_fail_at(e, rc, it->dirpath, "%s", why);
	}
	if (rc < 0)
		return nl_e_fail_writer(e, rc, "cannot read the folder");
	it->len = (size_t)nl_wtf8_to_utf16le_buf(it->name, strlen(it->name), it->units,
						 NL_NAME_MAX_UNITS);
	return 0;
}

/* The limit of NL_MAX_LINKS names per file, counting what this call adds
 * to the same file (a Win32 name and its DOS alias count once). */
static int check_limit(struct nl_edit *e, struct ln_item *items, size_t k)
{
	struct ln_item *it = &items[k];
	int have = nl_writer_link_count(e->w, it->ref), adding = 1;

	if (have < 0)
		return nl_e_fail_writer(e, have, "cannot count its names");
	for (size_t i = 0; i < k; i++)
		if (NL_MREF_RECORD(items[i].ref) == NL_MREF_RECORD(it->ref))
			adding++;
	if (have + adding > NL_MAX_LINKS)
		return nl_e_fail_at(e, -EMLINK, it->src.norm, "has %d names: %d more would pass "
				    "the limit of %d names of a file", have, adding, NL_MAX_LINKS);
	it->names = have + adding;
	return 0;
}

/* Add every name of ITEMS (all checked), then log. A failure midway drops
 * the names added so far with every other change (nl_e_end). */
static int write_all(struct nl_edit *e, struct ln_item *items, size_t n)
{
	char *newpath, detail[48];
	int rc;

	nl_e_writing(e);
	for (size_t i = 0; i < n && !nl_e_dry(e); i++) {
		rc = nl_writer_link(e->w, items[i].ref, items[i].dir, items[i].units, items[i].len,
				    items[i].ns);
		if (rc)
			return nl_e_fail_writer(e, rc, "cannot add the name");
	}
	for (size_t i = 0; i < n; i++) {
		newpath = nl_e_path_join(items[i].dirpath, items[i].name);
		if (!newpath)
			return nl_e_fail(e, -ENOMEM, "out of memory");
		snprintf(detail, sizeof(detail), "%d names", items[i].names);
		nl_e_log(e, NL_EDIT_ACT_LINK, newpath, items[i].src.norm, detail,
			 NL_MREF_RECORD(items[i].ref));
		free(newpath);
	}
	return 0;
}

/* Link the N sources into folder DIR (INTO), or the one source as NEWPATH. */
static int link_run(struct nl_edit *e, const char *const *sources, size_t n, const char *dest,
		    bool into, unsigned flags)
{
	struct ln_item *items = calloc(n ? n : 1, sizeof(*items));
	struct nl_e_path dp = { 0 };
	uint64_t dir = 0;
	int rc;

	if (!items)
		return nl_e_fail(e, -ENOMEM, "out of memory");
	rc = nl_e_path_split(e, dest, &dp);
	if (!rc)
		rc = find_dir(e, into ? dp.norm : dp.dir, &dir);
	for (size_t i = 0; i < n && !rc; i++) {
		struct ln_item *it = &items[i];

		rc = find_source(e, it, sources[i]);
		it->dir = dir;
		it->dirpath = strdup(into ? dp.norm : dp.dir);
		if (!rc && !it->dirpath)
			rc = nl_e_fail(e, -ENOMEM, "out of memory");
		if (!rc)
			rc = choose_name(e, items, i, into ? it->src.name : dp.name, flags);
		if (!rc)
			rc = check_limit(e, items, i);
	}
	if (!rc)
		rc = write_all(e, items, n);
	nl_e_path_free(&dp);
	items_free(items, n);
	return rc;
}

int nl_edit_link(struct nl_edit *e, const char *existing, const char *newpath, unsigned flags)
{
	uint64_t ref;
	bool into;

	if (!e || !existing || !newpath)
		return -EINVAL;
	/* an existing folder: the name goes inside it */
	into = nl_writer_lookup_path(e->w, newpath, &ref) == 0 && nl_writer_is_dir(e->w, ref) == 1;
	if (nl_e_begin(e))
		return -ECANCELED;
	return nl_e_end(e, link_run(e, &existing, 1, newpath, into, flags));
}

int nl_edit_link_into(struct nl_edit *e, const char *const *sources, size_t n, const char *dir,
		      unsigned flags)
{
	if (!e || !sources || !dir)
		return -EINVAL;
	if (nl_e_begin(e))
		return -ECANCELED;
	return nl_e_end(e, link_run(e, sources, n, dir, true, flags));
}
