/* check_resolve.c: Check suite for the link resolver (links/resolve_int.h) over an in-memory tree. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/reparse.h>

#include "links/resolve_int.h"
#include "testutil.h"

/*
 * The tree (ids in brackets; names match case-insensitively, as on NTFS):
 *
 *   / [5]
 *     a [10]/  f.txt [11]  b [12]/  c.txt [13]
 *                          b/r1 [64] -> r2 (relative)   b/r2 [65] -> ..\f.txt (relative)
 *                          b/up [47] -> \??\C:\a (a folder holding it)
 *                          self [46] -> self (relative: itself)
 *                          bad [60] (unreadable)
 *                          far [42] -> ..\..\x (relative, above the root)
 *     out [20]/  g.txt [21]
 *     anchor [30]/  g2.txt [21] (another name of /out/g.txt)
 *                   to-out [70] -> \??\C:\out\g.txt
 *                   to-in [71] -> \??\C:\anchor\g2.txt
 *     abs [40] -> \??\C:\a\f.txt          missing [43] -> \??\C:\a\nope
 *     dlink [44] -> \??\D:\a\f.txt         unc [45] -> \??\UNC\srv\share\x
 *     j1 [50] -> \??\C:\j2                 j2 [51] -> \??\C:\j1
 *     via [52] -> \??\C:\j3\f.txt          j3 [53] -> \??\C:\a
 *     chain-dangling [54] -> \??\C:\missing
 *     through-d [55] -> \??\C:\dlink\x
 *     to-bad [61] -> \??\C:\a\bad          m1 [62] -> \??\C:\m2\x    m2 [63] -> \??\C:\m1\y
 *     caps [66] -> \??\C:\A\B\C.TXT        wslabs [67] -> /a/f.txt (POSIX)
 *     k0 [100] -> \??\C:\k1 ... k69 [169] -> \??\C:\a   (a chain of 70 links)
 *     to-bad-chain [68] -> \??\C:\to-bad
 */

struct fname {
	uint64_t parent;
	const char *name;
	uint64_t id;
};

struct fnode {
	uint64_t id;
	bool dir;
	bool unreadable;
	const char *target;     /* NULL: no link; "posix:..." a POSIX target; "rel:..." a relative one */
	struct nl_target t;
};

#define MAXN 200

static struct fname names[MAXN];
static size_t nnames;
static struct fnode nodes[MAXN];
static size_t nnodes;
static bool no_root;
static unsigned lookups;

static struct fnode *node(uint64_t id)
{
	for (size_t i = 0; i < nnodes; i++)
		if (nodes[i].id == id)
			return &nodes[i];
	return NULL;
}

static void add(uint64_t parent, const char *name, uint64_t id, bool dir, const char *target)
{
	ck_assert_uint_lt(nnames, MAXN);
	names[nnames++] = (struct fname){ parent, name, id };
	if (node(id))
		return;
	nodes[nnodes] = (struct fnode){ .id = id, .dir = dir, .target = target };
	if (target) {
		struct nl_target *t = &nodes[nnodes].t;

		if (strncmp(target, "posix:", 6) == 0)
			ck_assert_int_eq(nl_target_parse_posix(target + 6, t), 0);
		else if (strncmp(target, "rel:", 4) == 0)
			ck_assert_int_eq(nl_target_parse(target + 4, true, t), 0);
		else
			ck_assert_int_eq(nl_target_parse(target, false, t), 0);
	}
	nnodes++;
}

static void fill(const struct fnode *n, const char *name, struct nl_rnode *out)
{
	out->id = n->id;
	out->is_dir = n->dir;
	out->target = n->target ? &n->t : NULL;
	out->name = name;
	out->name_len = name ? strlen(name) : 0;
}

static int fake_root(void *ctx, struct nl_rnode *out)
{
	(void)ctx;
	if (no_root)
		return -ENOENT;
	fill(node(5), NULL, out);
	return 0;
}

static int fake_child(void *ctx, uint64_t dir, const char *dir_path, const char *name, size_t len,
		      struct nl_rnode *out)
{
	(void)ctx;
	(void)dir_path;
	lookups++;
	for (size_t i = 0; i < nnames; i++) {
		struct fnode *n;

		if (names[i].parent != dir || strlen(names[i].name) != len ||
		    strncasecmp(names[i].name, name, len) != 0)
			continue;
		n = node(names[i].id);
		fill(n, names[i].name, out);
		return n->unreadable ? -EIO : 0;
	}
	return -ENOENT;
}

/* The folder holding @id by its first name. */
static int fake_parent(void *ctx, uint64_t id, uint64_t *parent)
{
	(void)ctx;
	for (size_t i = 0; i < nnames; i++)
		if (names[i].id == id) {
			*parent = names[i].parent;
			return 0;
		}
	return -ENOENT;
}

static const struct nl_resolve_lookup fake = { .root = fake_root, .child = fake_child };
static const struct nl_resolve_lookup fake_with_parent = {
	.root = fake_root, .child = fake_child, .parent = fake_parent,
};

static void build(void)
{
	static char knames[70][8], ktargets[70][24];

	nnames = nnodes = 0;
	no_root = false;
	add(0, "", 5, true, NULL);
	nnames = 0;
	add(5, "a", 10, true, NULL);
	add(10, "f.txt", 11, false, NULL);
	add(10, "b", 12, true, NULL);
	add(12, "c.txt", 13, false, NULL);
	add(12, "r1", 64, false, "rel:r2");
	add(12, "r2", 65, false, "rel:..\\f.txt");
	add(12, "up", 47, true, "\\??\\C:\\a");
	add(10, "self", 46, false, "rel:self");
	add(10, "bad", 60, false, NULL);
	node(60)->unreadable = true;
	add(10, "far", 42, false, "rel:..\\..\\x");
	add(5, "out", 20, true, NULL);
	add(20, "g.txt", 21, false, NULL);
	add(5, "anchor", 30, true, NULL);
	add(30, "g2.txt", 21, false, NULL);
	add(30, "to-out", 70, false, "\\??\\C:\\out\\g.txt");
	add(30, "to-in", 71, false, "\\??\\C:\\anchor\\g2.txt");
	add(5, "abs", 40, false, "\\??\\C:\\a\\f.txt");
	add(5, "missing", 43, false, "\\??\\C:\\a\\nope");
	add(5, "dlink", 44, true, "\\??\\D:\\a\\f.txt");
	add(5, "unc", 45, false, "\\??\\UNC\\srv\\share\\x");
	add(5, "j1", 50, true, "\\??\\C:\\j2");
	add(5, "j2", 51, true, "\\??\\C:\\j1");
	add(5, "via", 52, false, "\\??\\C:\\j3\\f.txt");
	add(5, "j3", 53, true, "\\??\\C:\\a");
	add(5, "chain-dangling", 54, false, "\\??\\C:\\missing");
	add(5, "through-d", 55, false, "\\??\\C:\\dlink\\x");
	add(5, "to-bad", 61, false, "\\??\\C:\\a\\bad");
	add(5, "to-bad-chain", 68, false, "\\??\\C:\\to-bad");
	add(5, "m1", 62, true, "\\??\\C:\\m2\\x");
	add(5, "m2", 63, true, "\\??\\C:\\m1\\y");
	add(5, "caps", 66, false, "\\??\\C:\\A\\B\\C.TXT");
	add(5, "wslabs", 67, false, "posix:/a/f.txt");
	for (int k = 0; k < 70; k++) {
		snprintf(knames[k], sizeof(knames[k]), "k%d", k);
		if (k < 69)
			snprintf(ktargets[k], sizeof(ktargets[k]), "\\??\\C:\\k%d", k + 1);
		else
			snprintf(ktargets[k], sizeof(ktargets[k]), "\\??\\C:\\a");
		add(5, knames[k], 100 + (uint64_t)k, true, ktargets[k]);
	}
}

static void teardown(void)
{
	for (size_t i = 0; i < nnodes; i++)
		nl_target_clear(&nodes[i].t);
}

/* The folder path of (the first name of) @id, into @buf; NULL when it has none. */
static const char *dir_of(uint64_t id, char *buf, size_t size)
{
	const char *parts[16];
	size_t n = 0;
	uint64_t cur = id;

	while (cur != 5) {
		size_t i;

		for (i = 0; i < nnames && names[i].id != cur; i++)
			;
		if (i == nnames)
			return NULL;
		if (cur != id)
			parts[n++] = names[i].name;
		cur = names[i].parent;
	}
	buf[0] = '\0';
	while (n--) {
		strncat(buf, "/", size - strlen(buf) - 1);
		strncat(buf, parts[n], size - strlen(buf) - 1);
	}
	if (!buf[0])
		strcpy(buf, "/");
	return buf;
}

static void classify(struct nl_resolver *r, uint64_t id, struct nl_resolution *res)
{
	char buf[256];
	struct nl_rlink l = { .id = id, .target = &node(id)->t };

	l.dir_path = dir_of(id, buf, sizeof(buf));
	ck_assert_int_eq(nl_resolver_classify(r, &l, res), 0);
}

static const struct nl_resolve_lookup *lookup = &fake;

static struct nl_resolver *open_resolver(const struct nl_resolve_options *o)
{
	struct nl_resolver *r = NULL;

	ck_assert_int_eq(nl_resolver_new(lookup, NULL, o, &r), 0);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* One link: its class, reason, first hop and target. */
struct want {
	uint64_t id;
	enum nl_link_class cls;
	const char *reason;
	const char *hop;        /* NULL: off this volume */
	uint64_t target;        /* 0: not found */
};

static const struct want wants[] = {
	{ 40, NL_CLASS_INNER, NULL, "/a/f.txt", 11 },
	{ 64, NL_CLASS_INNER, NULL, "/a/b/r2", 65 },
	{ 65, NL_CLASS_INNER, NULL, "/a/f.txt", 11 },
	{ 47, NL_CLASS_LOOP, "points to a folder that contains it", "/a", 10 },
	{ 46, NL_CLASS_LOOP, "points to itself", "/a/self", 46 },
	{ 42, NL_CLASS_DANGLING, "relative target goes above the root", NULL, 0 },
	{ 43, NL_CLASS_DANGLING, "no such file", "/a/nope", 0 },
	{ 44, NL_CLASS_OTHER_VOLUME, NULL, NULL, 0 },
	{ 45, NL_CLASS_OTHER_VOLUME, NULL, NULL, 0 },
	{ 50, NL_CLASS_LOOP, "link chain comes back to the link or a folder containing it", "/j2", 51 },
	{ 52, NL_CLASS_INNER, NULL, "/j3/f.txt", 11 },
	{ 54, NL_CLASS_DANGLING, "link chain ends at a missing target", "/missing", 43 },
	{ 55, NL_CLASS_OTHER_VOLUME, NULL, "/dlink/x", 0 },
	{ 61, NL_CLASS_UNKNOWN, "record 60 unreadable", "/a/bad", 0 },
	{ 68, NL_CLASS_UNKNOWN, "record 60 unreadable", "/to-bad", 61 },
	{ 62, NL_CLASS_LOOP, "path runs through a link already followed", "/m2/x", 0 },
	{ 66, NL_CLASS_INNER, NULL, "/A/B/C.TXT", 13 },
	{ 67, NL_CLASS_OTHER_VOLUME, NULL, NULL, 0 },
	{ 100, NL_CLASS_LOOP, "too many links to follow", "/k1", 101 },
	{ 168, NL_CLASS_INNER, NULL, "/k69", 169 },
};

/* Classify wants[@i] and check every fact of it. */
static void check_want(size_t i)
{
	const struct want *w = &wants[i];
	struct nl_resolve_options o = { .drive = 'C' };
	struct nl_resolver *r;
	struct nl_resolution res;

	build();
	r = open_resolver(&o);
	classify(r, w->id, &res);
	ck_assert_msg(res.cls == w->cls, "link %llu: %s (%s), want %s", (unsigned long long)w->id,
		      nl_link_class_name(res.cls), res.reason ? res.reason : "",
		      nl_link_class_name(w->cls));
	if (w->reason)
		ck_assert_str_eq(res.reason, w->reason);
	else
		ck_assert_ptr_null(res.reason);
	if (w->hop)
		ck_assert_str_eq(res.hop_path, w->hop);
	else
		ck_assert_ptr_null(res.hop_path);
	ck_assert_int_eq(res.found, w->target != 0);
	if (w->target)
		ck_assert_uint_eq(res.target_id, w->target);
	ck_assert_int_eq(res.unreadable, w->reason && strncmp(w->reason, "record ", 7) == 0);
	if (res.unreadable)
		ck_assert_uint_eq(res.unreadable_id, 60);
	nl_resolver_free(&r);
	ck_assert_ptr_null(r);
	teardown();
}

START_TEST(test_classes)
{
	check_want((size_t)_i);
}
END_TEST

/* The same classes when the folders holding a link come from the lookup's parents. */
START_TEST(test_classes_by_parent)
{
	lookup = &fake_with_parent;
	check_want((size_t)_i);
	lookup = &fake;
}
END_TEST

START_TEST(test_anchor_follows_the_path)
{
	struct nl_resolve_options o = { .drive = 'C', .anchor = 30 };
	struct nl_resolver *r;
	struct nl_resolution res;

	build();
	r = open_resolver(&o);
	/* the same file, by a name outside the anchor and by one under it */
	classify(r, 70, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_OUTER);
	ck_assert_uint_eq(res.target_id, 21);
	classify(r, 71, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_INNER);
	ck_assert_uint_eq(res.target_id, 21);
	/* through a junction that leads out of the anchor: outer */
	classify(r, 52, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_OUTER);
	nl_resolver_free(&r);
	teardown();
}
END_TEST

START_TEST(test_paths)
{
	struct nl_resolve_options o = { .drive = 'C', .paths = true };
	struct nl_resolver *r;
	struct nl_resolution res;

	build();
	r = open_resolver(&o);
	/* names as stored, after the links on the way */
	classify(r, 66, &res);
	ck_assert_str_eq(res.hop_path, "/A/B/C.TXT");
	ck_assert_str_eq(res.target_path, "/a/b/c.txt");
	classify(r, 52, &res);
	ck_assert_str_eq(res.target_path, "/a/f.txt");
	classify(r, 64, &res);
	ck_assert_str_eq(res.target_path, "/a/b/r2");
	/* a dangling link has no found path */
	classify(r, 43, &res);
	ck_assert_ptr_null(res.target_path);
	nl_resolver_free(&r);

	o.paths = false;
	r = open_resolver(&o);
	classify(r, 66, &res);
	ck_assert_ptr_null(res.target_path);
	nl_resolver_free(&r);
	teardown();
}
END_TEST

START_TEST(test_hop_limit)
{
	struct nl_resolve_options o = { .drive = 'C', .max_hops = 3 };
	struct nl_resolver *r;
	struct nl_resolution res;

	build();
	r = open_resolver(&o);
	/* k66 -> k67 -> k68 -> k69 -> /a: three links after the first */
	classify(r, 166, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_INNER);
	classify(r, 165, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_LOOP);
	ck_assert_str_eq(res.reason, "too many links to follow");
	nl_resolver_free(&r);
	teardown();
}
END_TEST

START_TEST(test_drive_letters)
{
	struct nl_resolve_options o = { 0 };
	struct nl_resolver *r;
	struct nl_drive_guess g;
	struct nl_resolution res;
	size_t i;

	build();
	r = open_resolver(&o);
	/* every drive target, once each: C: paths that exist win over D: */
	for (i = 0; i < nnodes; i++)
		if (nodes[i].target)
			ck_assert_int_eq(nl_resolver_drive_vote(r, &nodes[i].t), 0);
	nl_resolver_drive_settle(r);
	nl_resolver_drive(r, &g);
	ck_assert_int_eq(g.drive, 'C');
	ck_assert(!g.given);
	/* 70 k-links, 16 other C: targets, one D: */
	ck_assert_uint_eq(g.drive_targets, 87);
	/* not found name by name: \a\nope, \j3\f.txt, \dlink\x, \m2\x,
	 * \m1\y (links are not followed) and \a\bad (unreadable) */
	ck_assert_uint_eq(g.support, 80);
	classify(r, 40, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_INNER);
	nl_resolver_free(&r);

	/* a volume whose links say D: (the D: target exists): D: is inferred */
	r = open_resolver(&o);
	ck_assert_int_eq(nl_resolver_drive_vote(r, &node(44)->t), 0);
	ck_assert_int_eq(nl_resolver_drive_vote(r, &node(43)->t), 0);
	nl_resolver_drive_settle(r);
	nl_resolver_drive(r, &g);
	ck_assert_int_eq(g.drive, 'D');
	ck_assert_uint_eq(g.support, 1);
	ck_assert_uint_eq(g.drive_targets, 2);
	classify(r, 44, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_INNER);
	ck_assert_uint_eq(res.target_id, 11);
	classify(r, 40, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_OTHER_VOLUME);
	nl_resolver_free(&r);

	/* nothing resolves: the most frequent letter, support 0 */
	r = open_resolver(&o);
	ck_assert_int_eq(nl_resolver_drive_vote(r, &node(43)->t), 0);
	nl_resolver_drive_settle(r);
	nl_resolver_drive(r, &g);
	ck_assert_int_eq(g.drive, 'C');
	ck_assert_uint_eq(g.support, 0);
	nl_resolver_free(&r);

	/* no drive targets: no letter; a given one is kept */
	r = open_resolver(&o);
	nl_resolver_drive_settle(r);
	nl_resolver_drive(r, &g);
	ck_assert_int_eq(g.drive, 0);
	nl_resolver_free(&r);
	o.drive = 'd';
	r = open_resolver(&o);
	ck_assert_int_eq(nl_resolver_drive_vote(r, &node(40)->t), 0);
	nl_resolver_drive_settle(r);
	nl_resolver_drive(r, &g);
	ck_assert_int_eq(g.drive, 'D');
	ck_assert(g.given);
	ck_assert_uint_eq(g.support, 0);
	nl_resolver_free(&r);
	teardown();
}
END_TEST

START_TEST(test_options_and_edges)
{
	struct nl_resolve_options o = { .drive = '1' };
	struct nl_resolver *r = NULL;
	struct nl_resolution res;
	struct nl_rlink l;

	build();
	ck_assert_int_eq(nl_resolver_new(&fake, NULL, &o, &r), -EINVAL);
	ck_assert_ptr_null(r);
	o.drive = 'C';
	o.volume_guid = "no-guid";
	ck_assert_int_eq(nl_resolver_new(&fake, NULL, &o, &r), -EINVAL);
	o.volume_guid = NULL;

	/* absolute POSIX targets: on this volume only when told so */
	o.posix_here = true;
	r = open_resolver(&o);
	classify(r, 67, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_INNER);
	ck_assert_uint_eq(res.target_id, 11);

	/* a relative target of a link with no path from the root */
	l = (struct nl_rlink){ .id = 64, .target = &node(64)->t, .dir_path = NULL };
	ck_assert_int_eq(nl_resolver_classify(r, &l, &res), 0);
	ck_assert_int_eq(res.cls, NL_CLASS_UNKNOWN);
	ck_assert_str_eq(res.reason,
			 "the link is not connected to the root: its relative target cannot be placed");

	/* no root: targets on this volume cannot be resolved, others still can */
	no_root = true;
	classify(r, 40, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_UNKNOWN);
	ck_assert_str_eq(res.reason,
			 "the root folder is not in the model: targets on this volume cannot be resolved");
	ck_assert_str_eq(res.hop_path, "/a/f.txt");
	classify(r, 45, &res);
	ck_assert_int_eq(res.cls, NL_CLASS_OTHER_VOLUME);
	nl_resolver_free(&r);
	nl_resolver_free(&r);
	teardown();
}
END_TEST

START_TEST(test_buffers_reused)
{
	struct nl_resolve_options o = { .drive = 'C', .paths = true };
	struct nl_resolver *r;
	struct nl_resolution res;
	unsigned before;

	build();
	r = open_resolver(&o);
	/* the same link twice costs the same lookups: nothing is cached that
	 * could go stale, and no state leaks from one link to the next */
	lookups = 0;
	classify(r, 52, &res);
	before = lookups;
	classify(r, 50, &res);
	lookups = 0;
	classify(r, 52, &res);
	ck_assert_uint_eq(lookups, before);
	ck_assert_int_eq(res.cls, NL_CLASS_INNER);
	ck_assert_str_eq(res.target_path, "/a/f.txt");
	nl_resolver_free(&r);
	teardown();
}
END_TEST

/*
 * Cycles through several links, by folder ids (root 5):
 *   0 A in /fa [10]  -> /fb [20]        1 B in /fb  -> /fa    (A and B loop)
 *   2 C in /c  [30]  -> /fb             (leads into the A-B loop)
 *   3 D in /d  [40]  -> /d (its folder: classed loop already)
 *   4 E in /e  [50]  -> /d              (leads to D)
 *   5 F in /f  [60]  -> nowhere         6 G in /g [70] -> /f   (F is no loop)
 *   7 H in /fa/h [80] -> /fa/h/x [81]   (nothing under it)
 */
START_TEST(test_cycles)
{
	static const uint64_t pool[] = { 5, 10, 5, 20, 5, 30, 5, 40, 5, 50, 5, 60, 5, 70,
					 5, 10, 80 };
	struct nl_rcycle v[] = {
		{ .end = 20, .folders = 0, .nfolders = 2 },
		{ .end = 10, .folders = 2, .nfolders = 2 },
		{ .end = 20, .folders = 4, .nfolders = 2 },
		{ .end = 40, .folders = 6, .nfolders = 2, .loop = true },
		{ .end = 40, .folders = 8, .nfolders = 2 },
		{ .end = 0, .folders = 10, .nfolders = 2 },
		{ .end = 60, .folders = 12, .nfolders = 2 },
		{ .end = 81, .folders = 14, .nfolders = 3 },
	};
	static const bool loop[] = { true, true, false, true, false, false, false, false };
	static const bool reaches[] = { false, false, true, false, true, false, false, false };

	ck_assert_int_eq(nl_resolve_cycles(v, sizeof(v) / sizeof(v[0]), pool), 0);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_msg(v[i].loop == loop[i], "link %zu: loop %d", i, v[i].loop);
		ck_assert_msg(v[i].reaches_loop == reaches[i], "link %zu: reaches_loop %d", i,
			      v[i].reaches_loop);
	}
	/* F now points at the root, which holds every link: F loops, and so
	 * does every link that leads to F's folder (G); the rest reach it */
	v[5].end = 5;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		v[i].loop = v[i].reaches_loop = false;
	v[3].loop = true;
	ck_assert_int_eq(nl_resolve_cycles(v, sizeof(v) / sizeof(v[0]), pool), 0);
	ck_assert(v[5].loop);           /* the root holds it */
	ck_assert(v[6].loop);           /* G -> /f holds F -> root holds G */
	ck_assert(v[0].loop && v[1].loop && v[3].loop);
	ck_assert(!v[7].loop && !v[7].reaches_loop);   /* leads into /fa/h/x: nothing there */
	ck_assert(!v[2].loop && v[2].reaches_loop);
	ck_assert(!v[4].loop && v[4].reaches_loop);
	ck_assert_int_eq(nl_resolve_cycles(v, 0, pool), 0);
}
END_TEST

static Suite *resolve_suite(void)
{
	Suite *s = suite_create("resolve");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_classes, 0, (int)(sizeof(wants) / sizeof(wants[0])));
	tcase_add_loop_test(tc, test_classes_by_parent, 0, (int)(sizeof(wants) / sizeof(wants[0])));
	tcase_add_test(tc, test_anchor_follows_the_path);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_hop_limit);
	tcase_add_test(tc, test_drive_letters);
	tcase_add_test(tc, test_options_and_edges);
	tcase_add_test(tc, test_buffers_reused);
	tcase_add_test(tc, test_cycles);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(resolve_suite());
}
