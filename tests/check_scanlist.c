/* check_scanlist.c: Check suite for an image's folders listed from one scan of its volume: every entry, in the same order and with the same facts, as listed folder by folder through libntfs-3g. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy/copy_backend_int.h"
#include "testutil.h"

static char tmp[256];

/* One listed entry: its path below the root and what list() gave. */
struct item {
	char *path;
	struct cp_stat st;
};

struct listing {
	struct item *v;
	size_t n, cap;
	const char *dir;	/* the folder being listed */
};

static int collect(void *ctx, const char *name, struct cp_stat *st)
{
	struct listing *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		ck_assert_ptr_nonnull(l->v);
	}
	ck_assert_int_ne(asprintf(&l->v[l->n].path, "%s/%s", l->dir, name), -1);
	l->v[l->n].st = *st;	/* handed over */
	memset(st, 0, sizeof(*st));
	l->n++;
	return 0;
}

/* Every entry below the root of @s, each folder's entries in the order list() gives them,
 * through libntfs-3g (@sc NULL) or the scan @sc. */
static void list_all(struct cp_src *s, struct cp_scan *sc, struct listing *l)
{
	struct cp_loc root = { .mref = s->root_loc.mref };

	l->dir = "";
	ck_assert_int_eq(sc ? cp_scan_list(sc, s, &root, collect, l) :
			 s->ops->list(s, &root, collect, l), 0);
	for (size_t i = 0; i < l->n; i++) {
		struct cp_loc loc = { .mref = l->v[i].st.mref };
		char *dir;

		if (l->v[i].st.type != CP_T_DIR)
			continue;
		dir = strdup(l->v[i].path);
		l->dir = dir;
		ck_assert_int_eq(sc ? cp_scan_list(sc, s, &loc, collect, l) :
				 s->ops->list(s, &loc, collect, l), 0);
		free(dir);
	}
}

static void listing_free(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		cp_stat_clear(&l->v[i].st);
	}
	free(l->v);
}

static const struct item *find(const struct listing *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	ck_abort_msg("%s not listed", path);
	return NULL;
}

static void same_entry(const struct item *a, const struct item *b)
{
	const struct cp_stat *x = &a->st, *y = &b->st;

	ck_assert_str_eq(a->path, b->path);
	ck_assert_int_eq(x->type, y->type);
	ck_assert_int_eq(x->is_dir, y->is_dir);
	ck_assert_int_eq(x->has_times, y->has_times);
	ck_assert_int_eq(x->name_space, y->name_space);
	ck_assert_uint_eq(x->attrs, y->attrs);
	ck_assert_uint_eq(x->nlink, y->nlink);
	ck_assert_uint_eq(x->ino, y->ino);
	ck_assert_uint_eq(x->dev, y->dev);
	ck_assert_uint_eq(x->mref, y->mref);
	ck_assert_uint_eq(x->size, y->size);
	ck_assert_uint_eq(x->named_size, y->named_size);
	ck_assert_uint_eq(x->alloc, y->alloc);
	ck_assert_mem_eq(&x->t, &y->t, sizeof(x->t));
	ck_assert_pstr_eq(x->dos_name, y->dos_name);
	ck_assert_uint_eq(x->reparse_len, y->reparse_len);
	if (x->reparse_len)
		ck_assert_mem_eq(x->reparse, y->reparse, x->reparse_len);
	ck_assert_ptr_null(x->lnk);
	ck_assert_ptr_null(y->lnk);
	ck_assert_int_eq(x->err, y->err);
	ck_assert_uint_eq(x->sd_hash, y->sd_hash);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->path, ((const struct item *)b)->path);
}

/* The image of fixture @spec listed both ways into @walk and @scan (security descriptors
 * hashed); every entry the same, none of the scan's read through libntfs-3g. The scan lists
 * a folder in its index's order; libntfs-3g does so only while the index fits in the folder's
 * record, then goes by index block: with @same_order the two orders agree, else the two
 * listings are compared sorted by path. */
static void both(const char *spec, bool same_order, struct listing *walk, struct listing *scan)
{
	char path[512], image[300], err[256] = "";
	struct cp_src a = { 0 }, b = { 0 };
	struct cp_scan *sc = NULL;

	ck_assert(tu_mkdtemp(tmp, sizeof(tmp), "check_scanlist"));
	snprintf(path, sizeof(path), "%s/%s", getenv("FIXTURES_DIR"), spec);
	snprintf(image, sizeof(image), "%s/t.img", tmp);
	ck_assert_int_eq(tu_mkfixture(path, image), 0);
	ck_assert_msg(cp_src_ntfs_open(&a, image, "/", err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(cp_src_ntfs_open(&b, image, "/", err, sizeof(err)) == 0, "%s", err);
	a.want_sd = b.want_sd = true;
	ck_assert_int_eq(cp_scan_open(NULL, image, &sc), 0);
	memset(walk, 0, sizeof(*walk));
	memset(scan, 0, sizeof(*scan));
	list_all(&a, NULL, walk);
	list_all(&b, sc, scan);
	ck_assert_uint_eq(cp_scan_fallbacks(sc), 0);
	ck_assert_uint_eq(walk->n, scan->n);
	if (!same_order) {
		qsort(walk->v, walk->n, sizeof(*walk->v), by_path);
		qsort(scan->v, scan->n, sizeof(*scan->v), by_path);
	}
	for (size_t i = 0; i < walk->n; i++)
		same_entry(&walk->v[i], &scan->v[i]);
	cp_scan_free(&sc);
	a.ops->free(&a);
	b.ops->free(&b);
	cp_stat_clear(&a.root_st);
	cp_stat_clear(&b.root_st);
	free(a.root);
	free(b.root);
	free(a.vol_key);
	free(b.vol_key);
	tu_rmtree(tmp);
}

/* Hardlink groups (one of 1,023 names), DOS names, a named stream, junctions, symbolic links
 * and another reparse point, a security descriptor of its own, a path past 260 characters. */
START_TEST(test_diff_fixture)
{
	struct listing w, s;
	const struct item *it;

	both("diff.spec", false, &w, &s);
	it = find(&s, "/a/sat/f0500");
	ck_assert_uint_eq(it->st.nlink, 1023);
	ck_assert_uint_eq(it->st.ino, find(&s, "/a/sat/f0001")->st.ino);
	ck_assert_uint_eq(find(&s, "/a/sub/h2.txt")->st.nlink, 2);
	ck_assert_pstr_eq(find(&s, "/a/LongName.txt")->st.dos_name, "LONGNA~1.TXT");
	ck_assert_pstr_eq(find(&s, "/b/LongName.txt")->st.dos_name, "LONGNA~2.TXT");
	it = find(&s, "/a/st.txt");
	ck_assert_uint_eq(it->st.size, 5);	/* "st\n" and "m\n" */
	ck_assert_uint_eq(it->st.named_size, 2);
	it = find(&s, "/a/j-in");
	ck_assert_int_eq(it->st.type, CP_T_REPARSE);
	ck_assert(it->st.is_dir);
	it = find(&s, "/a/raw");
	ck_assert_int_eq(it->st.type, CP_T_REPARSE);
	ck_assert_uint_eq(it->st.reparse_len, 10);	/* 8-byte header, data 0102 */
	ck_assert_uint_eq(it->st.reparse[8], 1);
	ck_assert_uint_eq(it->st.reparse[9], 2);
	ck_assert_uint_ne(find(&s, "/a/sec.txt")->st.sd_hash, 0);
	ck_assert_uint_ne(find(&s, "/a/sec.txt")->st.sd_hash, find(&s, "/b/sec.txt")->st.sd_hash);
	ck_assert_uint_eq(find(&s, "/a/same.txt")->st.sd_hash, find(&s, "/b/same.txt")->st.sd_hash);
	it = find(&s, "/b/time.txt");
	ck_assert_int_eq(it->st.t.mtime, 132223104000000000LL);	/* 2020-01-01T00:00:00Z */
	ck_assert_uint_eq(find(&s, "/b/attr.txt")->st.attrs & (NL_FA_ARCHIVE | NL_FA_HIDDEN),
			  NL_FA_ARCHIVE | NL_FA_HIDDEN);
	listing_free(&w);
	listing_free(&s);
}
END_TEST

/* Names the index orders by their UTF-16 units upper-cased (surrogates, two names apart only
 * by case), Win32+DOS names, a folder 12 levels below with long names and a link to it. */
START_TEST(test_names_fixture)
{
	struct listing w, s;
	size_t in_n = 0;

	both("copy-names.spec", true, &w, &s);
	for (size_t i = 0; i < s.n; i++)
		if (!strncmp(s.v[i].path, "/n/", 3) && !strchr(s.v[i].path + 3, '/'))
			in_n++;
	ck_assert_uint_eq(in_n, 12);
	ck_assert_int_eq(find(&s, "/n/LONGNAME.TXT")->st.name_space, NL_NS_WIN32_AND_DOS);
	ck_assert_pstr_eq(find(&s, "/n/Long File Name.txt")->st.dos_name, "LONGFI~1.TXT");
	ck_assert_uint_ne(find(&s, "/n/Case")->st.ino, find(&s, "/n/case")->st.ino);
	listing_free(&w);
	listing_free(&s);
}
END_TEST

static Suite *scanlist_suite(void)
{
	Suite *s = suite_create("scanlist");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_diff_fixture);
	tcase_add_test(tc, test_names_fixture);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(scanlist_suite());
}
