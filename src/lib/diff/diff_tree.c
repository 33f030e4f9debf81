/* diff_tree.c: one tree of a comparison, loaded through a copy source backend: its entries in path order, hardlink groups, and where its links lead. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/reparse.h>

#include "diff/diff_int.h"

int df_path_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	for (; *p && *p == *q; p++, q++)
		;
	if (*p == *q)
		return 0;
	/* '/' ranks below every byte, the end of a string below '/' */
	return (*p == '/' ? 1 : *p ? *p + 1u : 0u) < (*q == '/' ? 1 : *q ? *q + 1u : 0u) ? -1 : 1;
}

const char *df_display(const char *rel)
{
	return *rel ? rel + 1 : ".";
}

void df_report(struct nl_diff *d, enum nl_diff_what w, const char *rel, const char *a,
	       const char *b, const char *detail)
{
	struct nl_diff_event ev = {
		.what = w, .path = df_display(rel), .a = a, .b = b, .detail = detail,
	};

	d->st.counts[w]++;
	if (d->o.on_diff)
		d->o.on_diff(d->o.ctx, &ev);
}

const char *df_kind(const struct cp_stat *st, char *buf, size_t len)
{
	uint32_t tag;
	const char *name;

	switch (st->type) {
	case CP_T_DIR: return "folder";
	case CP_T_FILE: return "file";
	case CP_T_LSYMLINK: return st->is_dir ? "symlink (folder)" : "symlink";
	case CP_T_OTHER: return "other";
	case CP_T_REPARSE: break;
	}
	tag = rp_tag(st);
	if (tag == NL_TAG_MOUNT_POINT)
		return "junction";
	if (tag == NL_TAG_SYMLINK)
		return st->is_dir ? "symlink (folder)" : "symlink";
	name = nl_reparse_tag_name(tag);
	if (name)
		snprintf(buf, len, "reparse:%s%s", name, st->is_dir ? " (folder)" : "");
	else
		snprintf(buf, len, "reparse:0x%08x%s", (unsigned)tag, st->is_dir ? " (folder)" : "");
	return buf;
}

/* The path of entry @rel in the source: its volume path (images) or host path. */
char *df_src_path(const struct df_tree *t, const char *rel)
{
	const char *root = t->s->root;

	if (!*rel)
		return strdup(root);
	if (!strcmp(root, "/"))
		return strdup(rel);
	return xasprintf("%s%s", root, rel);
}

/* Append entry @rel with @st (its pointers taken, @st's cleared). */
static int entry_add(struct df_tree *t, char *rel, struct cp_stat *st)
{
	struct df_entry *e;

	if (!rel)
		return -ENOMEM;
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 256;
		struct df_entry *ne = realloc(t->e, nc * sizeof(*ne));

		if (!ne) {
			free(rel);
			return -ENOMEM;
		}
		t->e = ne;
		t->cap = nc;
	}
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	e->rel = rel;
	e->st = *st;
	e->file = SIZE_MAX;
	st->dos_name = NULL;
	st->reparse = NULL;
	st->lnk = NULL;
	return 0;
}

struct walk_ctx {
	struct nl_diff *d;
	struct df_tree *t;
	size_t parent;
	int rc;
};

static int walk_cb(void *ctx, const char *name, struct cp_stat *st)
{
	struct walk_ctx *w = ctx;

	w->rc = entry_add(w->t, xasprintf("%s/%s", w->t->e[w->parent].rel, name), st);
	if (!w->rc && !(w->t->n & 1023) && w->d->o.progress &&
	    w->d->o.progress(w->d->o.progress_ctx, w->d->t[0].n + w->d->t[1].n, 0))
		w->rc = -ECANCELED;	/* while listing: entries so far, no total */
	return w->rc;
}

/* The root entry: a copy of the source's own stat. */
static int add_root(struct df_tree *t)
{
	struct cp_stat st = t->s->root_st;
	char *rel = strdup("");

	st.dos_name = xstrdup(st.dos_name);
	st.lnk = xstrdup(st.lnk);
	st.reparse = NULL;
	if (t->s->root_st.reparse && (st.reparse = malloc(st.reparse_len)))
		memcpy(st.reparse, t->s->root_st.reparse, st.reparse_len);
	if ((t->s->root_st.dos_name && !st.dos_name) || (t->s->root_st.lnk && !st.lnk) ||
	    (t->s->root_st.reparse && !st.reparse)) {
		cp_stat_clear(&st);
		free(rel);
		return -ENOMEM;
	}
	if (entry_add(t, rel, &st)) {
		cp_stat_clear(&st);
		return -ENOMEM;
	}
	return 0;
}

/* Every entry below the root, folder by folder (the array grows as it is read). */
static int walk(struct nl_diff *d, int side)
{
	struct df_tree *t = &d->t[side];
	const char *sname = side ? "b" : "a";

	for (size_t i = 0; i < t->n; i++) {
		struct walk_ctx w = { .d = d, .t = t, .parent = i };
		struct cp_loc loc = { .mref = t->e[i].st.mref };
		char *path;
		int rc;

		if (t->e[i].st.err) {
			df_report(d, NL_DIFF_ERROR, t->e[i].rel, side ? NULL : sname,
				  side ? sname : NULL, strerror(-t->e[i].st.err));
			continue;
		}
		if (t->e[i].st.type != CP_T_DIR)
			continue;
		path = df_src_path(t, t->e[i].rel);
		if (!path)
			return -ENOMEM;
		loc.path = path;
		rc = t->s->ops->list(t->s, &loc, walk_cb, &w);
		free(path);
		if (w.rc)
			return w.rc;
		if (rc == -ENOMEM)
			return rc;
		if (rc) {
			t->e[i].st.err = rc;
			df_report(d, NL_DIFF_ERROR, t->e[i].rel, side ? NULL : sname,
				  side ? sname : NULL, "cannot list folder");
		}
	}
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return df_path_cmp(((const struct df_entry *)a)->rel, ((const struct df_entry *)b)->rel);
}

/* Does entry @st have a file of its own that other names may share? */
static bool is_file(const struct cp_stat *st)
{
	return !st->err && !st->is_dir && st->type != CP_T_DIR;
}

static size_t hash_id(uint64_t dev, uint64_t ino)
{
	uint64_t h = (ino ^ (dev * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;

	return (size_t)(h ^ (h >> 31));
}

/* The file of @st in @t, made when new: its index, or SIZE_MAX when out of memory. */
static size_t file_of(struct df_tree *t, const struct cp_stat *st, size_t entry)
{
	size_t h, idx;
	struct df_file *f;

	if (t->nfiles * 2 >= t->htcap) {
		size_t nc = t->htcap ? t->htcap * 2 : 1024;
		size_t *nh = calloc(nc, sizeof(*nh));

		if (!nh)
			return SIZE_MAX;
		for (size_t i = 0; i < t->nfiles; i++) {
			h = hash_id(t->files[i].dev, t->files[i].ino) & (nc - 1);
			while (nh[h])
				h = (h + 1) & (nc - 1);
			nh[h] = i + 1;
		}
		free(t->ht);
		t->ht = nh;
		t->htcap = nc;
	}
	h = hash_id(st->dev, st->ino) & (t->htcap - 1);
	for (; t->ht[h]; h = (h + 1) & (t->htcap - 1)) {
		f = &t->files[t->ht[h] - 1];
		if (f->dev == st->dev && f->ino == st->ino)
			return t->ht[h] - 1;
	}
	if (t->nfiles == t->capfiles) {
		size_t nc = t->capfiles ? t->capfiles * 2 : 256;
		struct df_file *nf = realloc(t->files, nc * sizeof(*nf));

		if (!nf)
			return SIZE_MAX;
		t->files = nf;
		t->capfiles = nc;
	}
	idx = t->nfiles++;
	f = &t->files[idx];
	memset(f, 0, sizeof(*f));
	f->dev = st->dev;
	f->ino = st->ino;
	f->first = entry;
	f->peer = SIZE_MAX;
	t->ht[h] = idx + 1;
	return idx;
}

/* Group the names of each file (entries in path order), then spell each group. */
static int group_files(struct df_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		size_t f;

		if (!is_file(&t->e[i].st))
			continue;
		f = file_of(t, &t->e[i].st, i);
		if (f == SIZE_MAX)
			return -ENOMEM;
		t->e[i].file = f;
		t->files[f].nnames++;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct df_file *f;
		char *s;

		if (t->e[i].file == SIZE_MAX)
			continue;
		f = &t->files[t->e[i].file];
		s = f->names ? xasprintf("%s, %s", f->names, df_display(t->e[i].rel))
			     : strdup(df_display(t->e[i].rel));
		if (!s)
			return -ENOMEM;
		free(f->names);
		f->names = s;
	}
	return 0;
}

/* The target of link entry @st as stored (malloc'ed): Linux symlink text or substitute name. */
static char *stored_target(const struct cp_stat *st)
{
	struct nl_reparse *rp = NULL;
	char *s;

	if (st->type == CP_T_LSYMLINK)
		return strdup(st->lnk);
	if (nl_reparse_decode(st->reparse, st->reparse_len, &rp) == -ENOMEM)
		return NULL;
	s = strdup(rp && rp->substitute_name ? rp->substitute_name : "");
	nl_reparse_free(&rp);
	return s;
}

/* @p (a resolved source path) as "inner /rel" below the root of @t, or as
 * "outer /path" on the volume (malloc'ed). */
static char *place(const struct df_tree *t, const char *p)
{
	const char *root = t->s->root;
	size_t rl = strlen(root), ml = t->s->mnt ? strlen(t->s->mnt) : 0;

	if (path_under(p, root)) {
		const char *in = rl == 1 ? p : p + rl;

		return xasprintf("inner %s", *in ? in : "/");
	}
	if (ml > 1 && path_under(p, t->s->mnt))
		p = p[ml] ? p + ml : "/";
	return xasprintf("outer %s", p);
}

/* Where the link of entry @e leads, relative to the root of @t (see diff.h). */
static int describe_target(struct nl_diff *d, struct df_tree *t, struct df_entry *e)
{
	struct cp_target tg;
	char *dir, *where;
	int rc;

	memset(&tg, 0, sizeof(tg));
	dir = df_src_path(t, e->rel);
	if (!dir)
		return -ENOMEM;
	*strrchr(dir, '/') = 0;
	if (!*dir)
		strcpy(dir, "/");
	rc = cp_link_resolve(d->job, t->s, &e->st, dir, &tg);
	free(dir);
	if (rc) {
		cp_target_clear(&tg);
		return rc;
	}
	where = tg.canon ? place(t, tg.canon) : stored_target(&e->st);
	if (tg.rc == 0 && tg.canon)
		e->target = where ? strdup(where) : NULL;	/* found: inner or outer */
	else if (where)
		e->target = xasprintf("%s %s", nl_link_class_name(tg.cls == NL_CLASS_NONE ?
				      NL_CLASS_UNKNOWN : tg.cls), where);
	free(where);
	cp_target_clear(&tg);
	return e->target ? 0 : -ENOMEM;
}

int df_tree_load(struct nl_diff *d, int side)
{
	struct df_tree *t = &d->t[side];
	int rc;

	rc = add_root(t);
	/* an image's folders from one sequential scan of its volume, not one by one */
	t->s->list_scan = t->s->kind == CP_EP_IMAGE;
	if (!rc)
		rc = walk(d, side);
	t->s->list_scan = false;
	if (rc)
		return rc;
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
	rc = group_files(t);
	for (size_t i = 0; i < t->n && !rc && !t->no_targets; i++)
		if (!t->e[i].st.err && is_link_stat(&t->e[i].st))
			rc = describe_target(d, t, &t->e[i]);
	d->st.entries_a += side ? 0 : t->n;
	d->st.entries_b += side ? t->n : 0;
	return rc;
}

void df_tree_free(struct df_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].rel);
		free(t->e[i].target);
		cp_stat_clear(&t->e[i].st);
	}
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i].names);
	free(t->e);
	free(t->files);
	free(t->ht);
	memset(t, 0, sizeof(*t));
}
