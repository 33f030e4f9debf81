/* fe_audit.c: option parsing, volume opening, paths and sorting shared by the audit commands. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/mman.h>

#include <ntfslinks/ntfslinks.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/record.h>
#include <ntfslinks/analysis.h>

#include "fe.h"
#include "fe_audit.h"

enum {
	OPT_JSON = 0x100, OPT_CSV, OPT_BODYFILE, OPT_WINPATHS, OPT_DRIVE, OPT_DELETED,
	OPT_PARTITION, OPT_OFFSET, OPT_UNDER, OPT_CLASS, OPT_TAG,
};

struct optdef {
	unsigned mask;
	struct option opt;
};

static const struct optdef optdefs[] = {
	{ FE_A_JSON, { "json", no_argument, NULL, OPT_JSON } },
	{ FE_A_CSV, { "csv", no_argument, NULL, OPT_CSV } },
	{ FE_A_BODYFILE, { "bodyfile", no_argument, NULL, OPT_BODYFILE } },
	{ FE_A_NUL, { "null", no_argument, NULL, '0' } },
	{ FE_A_PATHS, { "windows-paths", no_argument, NULL, OPT_WINPATHS } },
	{ FE_A_PATHS, { "drive", required_argument, NULL, OPT_DRIVE } },
	{ FE_A_DELETED, { "deleted", no_argument, NULL, OPT_DELETED } },
	{ FE_A_VOLUME, { "partition", required_argument, NULL, OPT_PARTITION } },
	{ FE_A_VOLUME, { "offset", required_argument, NULL, OPT_OFFSET } },
	{ FE_A_UNDER, { "under", required_argument, NULL, OPT_UNDER } },
	{ FE_A_CLASS, { "class", required_argument, NULL, OPT_CLASS } },
	{ FE_A_TAG, { "tag", required_argument, NULL, OPT_TAG } },
};

#define NOPTDEFS (sizeof(optdefs) / sizeof(optdefs[0]))

void fe_audit_nomem(void)
{
	fe_error(NULL, "out of memory");
	exit(FE_EXIT_USAGE);
}

static void set_format(struct fe_audit *a, enum fe_format f, const char *name)
{
	static const char *const names[] = {
		[FE_FMT_TEXT] = "", [FE_FMT_JSON] = "--json", [FE_FMT_CSV] = "--csv",
		[FE_FMT_BODYFILE] = "--bodyfile", [FE_FMT_NUL] = "-0",
	};

	if (a->format != FE_FMT_TEXT && a->format != f)
		fe_usage_error(a->cmd->name, "%s and %s cannot be used together",
			       names[a->format], name);
	a->format = f;
}

/* BYTES: decimal or 0x hex, optionally followed by 's' (512-byte sectors),
 * 'K', 'M' or 'G' (binary multiples). */
static int parse_offset(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 's': mul = 512; break;
		case 'K': case 'k': mul = 1024; break;
		case 'M': mul = 1024ULL * 1024; break;
		case 'G': mul = 1024ULL * 1024 * 1024; break;
		default: return -EINVAL;
		}
		if (end[1])
			return -EINVAL;
	}
	if (v > UINT64_MAX / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
}

void fe_audit_parse(struct fe_audit *a, const struct fe_command *cmd, unsigned accept,
		    int argc, char **argv, int min_pos, int max_pos)
{
	struct option longopts[NOPTDEFS + 2];
	char shortopts[8];
	size_t n = 0;
	int ch;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	for (size_t i = 0; i < NOPTDEFS; i++)
		if (optdefs[i].mask & accept)
			longopts[n++] = optdefs[i].opt;
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	strcpy(shortopts, (accept & FE_A_NUL) ? "h0" : "h");

	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			cmd->usage(stdout);
			exit(FE_EXIT_OK);
		case OPT_JSON:
			set_format(a, FE_FMT_JSON, "--json");
			break;
		case OPT_CSV:
			set_format(a, FE_FMT_CSV, "--csv");
			break;
		case OPT_BODYFILE:
			set_format(a, FE_FMT_BODYFILE, "--bodyfile");
			break;
		case '0':
			set_format(a, FE_FMT_NUL, "-0");
			break;
		case OPT_WINPATHS:
			a->windows_paths = true;
			break;
		case OPT_DRIVE:
			if (!isalpha((unsigned char)optarg[0]) ||
			    (optarg[1] && (optarg[1] != ':' || optarg[2])))
				fe_usage_error(cmd->name, "invalid drive '%s' (expected a letter like C:)",
					       optarg);
			a->drive = (char)toupper((unsigned char)optarg[0]);
			break;
		case OPT_DELETED:
			a->deleted = true;
			break;
		case OPT_PARTITION: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v == 0 || v > 4096 ||
			    !isdigit((unsigned char)optarg[0]))
				fe_usage_error(cmd->name, "invalid partition number '%s'", optarg);
			a->open.partition = (unsigned)v;
			break;
		}
		case OPT_OFFSET:
			if (parse_offset(optarg, &a->open.offset) < 0)
				fe_usage_error(cmd->name, "invalid offset '%s'", optarg);
			a->open.has_offset = true;
			break;
		case OPT_UNDER:
			a->under = optarg;
			break;
		case OPT_CLASS: {
			int c = nl_link_class_from_name(optarg);

			if (c < 0 || c == NL_CLASS_NONE)
				fe_usage_error(cmd->name,
					       "invalid class '%s' (expected inner, outer, other-volume, dangling, loop or unknown)",
					       optarg);
			a->class_name = optarg;
			break;
		}
		case OPT_TAG:
			a->tag = optarg;
			break;
		default:
			fe_bad_option(cmd->name, argv);
		}
	}
	if (a->open.has_offset && a->open.partition)
		fe_usage_error(cmd->name, "--offset and --partition cannot be used together");
	a->npos = argc - optind;
	a->pos = argv + optind;
	if (a->npos < min_pos) {
		if (a->npos == 0)
			fe_usage_error(cmd->name, "no image given");
		fe_usage_error(cmd->name, "missing argument");
	}
	if (a->npos > max_pos)
		fe_usage_error(cmd->name, "unexpected argument '%s'", a->pos[max_pos]);
	a->image = a->npos ? a->pos[0] : NULL;
}

void fe_audit_open(struct fe_audit *a)
{
	char err[NL_ERRMSG_SIZE];
	int rc;

	if (a->vol)
		return;
	err[0] = '\0';
	rc = nl_volume_open(&a->vol, a->image, &a->open, err, sizeof(err));
	if (rc < 0) {
		fe_error(a->image, "%s", err[0] ? err : strerror(-rc));
		exit(FE_EXIT_USAGE);
	}
}

void fe_audit_scan(struct fe_audit *a)
{
	struct nl_scan_options so;
	struct fe_progress prog;
	int rc;

	fe_audit_open(a);
	memset(&so, 0, sizeof(so));
	so.flags = a->deleted ? NL_SCAN_DELETED : 0;
	so.problem = fe_audit_problem;
	so.problem_ctx = a;
	fe_progress_init(&prog, "scanning", "records");
	so.progress = fe_progress_cb;
	so.progress_ctx = &prog;
	rc = nl_scan(a->vol, &so, &a->model);
	fe_progress_end(&prog);
	if (rc < 0) {
		fe_error(a->image, "cannot scan $MFT: %s", strerror(-rc));
		fe_audit_close(a);
		exit(FE_EXIT_USAGE);
	}
	nl_model_stats(a->model, &a->stats);
}

static void dirs_free(struct fe_dirs **dp);

void fe_audit_problem(void *ctx, const char *source, uint64_t mft, const char *path,
		      const char *reason)
{
	struct fe_audit *a = ctx;

	if (a)
		a->problems++;
	fe_problem(NULL, source, mft, path, reason);
}

void fe_audit_close(struct fe_audit *a)
{
	dirs_free(&a->dirs);
	nl_analysis_close(&a->an);
	nl_model_free(&a->model);
	nl_volume_close(&a->vol);
	free(a->pathbuf);
	a->pathbuf = NULL;
	a->pathcap = 0;
	free(a->winbuf);
	a->winbuf = NULL;
	a->wincap = 0;
}

static const char *build_path(struct fe_audit *a, bool is_name, uint64_t key,
			      size_t *lenp, unsigned *pflags)
{
	size_t len = 0;
	unsigned fl = 0;
	int rc;

	if (!a->pathbuf) {
		a->pathcap = 4096;
		a->pathbuf = malloc(a->pathcap);
		if (!a->pathbuf)
			fe_audit_nomem();
	}
	for (;;) {
		if (is_name)
			rc = nl_model_name_path(a->model, (uint32_t)key, a->pathbuf, a->pathcap,
						&len, &fl);
		else
			rc = nl_model_record_path(a->model, key, a->pathbuf, a->pathcap, &len, &fl);
		if (rc != -ERANGE)
			break;
		free(a->pathbuf);
		a->pathcap = len + 1 > a->pathcap * 2 ? len + 1 : a->pathcap * 2;
		a->pathbuf = malloc(a->pathcap);
		if (!a->pathbuf)
			fe_audit_nomem();
	}
	if (rc < 0)
		return NULL;
	if (lenp)
		*lenp = len;
	if (pflags)
		*pflags = fl;
	return a->pathbuf;
}

const char *fe_audit_name_path(struct fe_audit *a, uint32_t id, size_t *len, unsigned *pflags)
{
	return build_path(a, true, id, len, pflags);
}

const char *fe_audit_record_path(struct fe_audit *a, uint64_t mft, size_t *len, unsigned *pflags)
{
	return build_path(a, false, mft, len, pflags);
}

const char *fe_audit_display(struct fe_audit *a, const char *path, char drive)
{
	size_t len, need, o = 0;

	if (!a->windows_paths)
		return path;
	len = strlen(path);
	need = len + 4;
	if (need > a->wincap) {
		free(a->winbuf);
		a->wincap = need * 2;
		a->winbuf = malloc(a->wincap);
		if (!a->winbuf)
			fe_audit_nomem();
	}
	if (drive) {
		a->winbuf[o++] = drive;
		a->winbuf[o++] = ':';
	}
	for (size_t i = 0; i < len; i++)
		a->winbuf[o++] = path[i] == '/' ? '\\' : path[i];
	if (o == 0 || (drive && o == 2))
		a->winbuf[o++] = '\\';
	a->winbuf[o] = '\0';
	return a->winbuf;
}

int fe_audit_resolve(struct fe_audit *a, const char *arg, uint64_t *mft)
{
	struct nl_record_info ri;
	int rc;

	if (arg[0] == '#') {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(arg + 1, &end, 10);
		if (errno || end == arg + 1 || *end || !isdigit((unsigned char)arg[1])) {
			fe_error(a->image, "'%s': not a record number", arg);
			return -EINVAL;
		}
		rc = nl_model_record(a->model, v, &ri);
		if (rc < 0) {
			fe_error(a->image, "'%s': no such record with names%s", arg,
				 a->deleted ? "" : " in use");
			return rc;
		}
		*mft = v;
		return 0;
	}
	rc = nl_model_lookup_path(a->model, arg, mft);
	if (rc < 0) {
		fe_error(a->image, "'%s': %s", arg,
			 rc == -ENOENT ? "no such file or directory" : strerror(-rc));
		return rc;
	}
	return 0;
}

const char *fe_namespace_name(unsigned ns)
{
	switch (ns) {
	case NL_NS_POSIX: return "posix";
	case NL_NS_WIN32: return "win32";
	case NL_NS_DOS: return "dos";
	case NL_NS_WIN32_AND_DOS: return "win32_dos";
	default: return "unknown";
	}
}

/* ---- rows ------------------------------------------------------------------ */

#define ARENA_BLOCK (1u << 20)

/* A directory record and the index of its path among the sorted ones. */
struct dir_rank {
	uint64_t mft;
	uint32_t idx;
};

/* The sorted paths of every directory of the model (and of the orphan
 * prefixes), in an arena. */
struct fe_dirs {
	const char **p;
	uint32_t *len;
	uint64_t *mft;		/* the record of each path (UINT64_MAX: a prefix) */
	uint32_t *end;		/* after sorting: end of each path's subtree */
	uint16_t *slashes;	/* after sorting: '/' in each path */
	struct dir_rank *rank;	/* by record number: usable for the fast path */
	size_t nrank;
	size_t n, cap;
	char **blocks;
	size_t nblocks, used;
};

static void dirs_add(struct fe_dirs *d, const char *path, size_t len, uint64_t mft)
{
	char *dst;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		const char **p = realloc(d->p, cap * sizeof(*p));
		uint32_t *l = p ? realloc(d->len, cap * sizeof(*l)) : NULL;
		uint64_t *m = l ? realloc(d->mft, cap * sizeof(*m)) : NULL;

		if (p)
			d->p = p;
		if (l)
			d->len = l;
		if (!p || !l || !m)
			fe_audit_nomem();
		d->mft = m;
		d->cap = cap;
	}
	if (!d->nblocks || d->used + len + 1 > ARENA_BLOCK) {
		size_t sz = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
		char **b = realloc(d->blocks, (d->nblocks + 1) * sizeof(*b));

		if (!b)
			fe_audit_nomem();
		d->blocks = b;
		b[d->nblocks] = malloc(sz);
		if (!b[d->nblocks])
			fe_audit_nomem();
		d->nblocks++;
		d->used = len + 1 > ARENA_BLOCK ? sz : len + 1;
		dst = b[d->nblocks - 1];
	} else {
		dst = d->blocks[d->nblocks - 1] + d->used;
		d->used += len + 1;
	}
	memcpy(dst, path, len);
	dst[len] = '\0';
	d->p[d->n] = dst;
	d->len[d->n] = (uint32_t)len;
	d->mft[d->n] = mft;
	d->n++;
}

static void dirs_free(struct fe_dirs **dp)
{
	struct fe_dirs *d = *dp;

	if (!d)
		return;
	for (size_t i = 0; i < d->nblocks; i++)
		free(d->blocks[i]);
	free(d->blocks);
	free(d->p);
	free(d->len);
	free(d->mft);
	free(d->end);
	free(d->slashes);
	free(d->rank);
	free(d);
	*dp = NULL;
}

static const struct fe_dirs *sort_dirs_ctx;

static int dir_idx_cmp(const void *pa, const void *pb)
{
	const struct fe_dirs *d = sort_dirs_ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return fe_path_cmp(d->p[a], d->len[a], d->p[b], d->len[b]);
}

static int rank_cmp(const void *pa, const void *pb)
{
	const struct dir_rank *a = pa, *b = pb;

	return a->mft < b->mft ? -1 : a->mft > b->mft;
}

/* Is @path (length @len) below @dir (length @dlen) — inside its subtree? */
static bool path_below(const char *dir, size_t dlen, const char *path, size_t len)
{
	if (dlen == 1) /* the root "/" */
		return len > 1 && path[0] == '/';
	return len > dlen && path[dlen] == '/' && memcmp(dir, path, dlen) == 0;
}

static bool is_orphan_path(const char *p, size_t len)
{
	size_t n = strlen(NL_ORPHAN_PREFIX);

	return len >= n && memcmp(p, NL_ORPHAN_PREFIX, n) == 0 && (len == n || p[n] == '/');
}

/* One thread's share of build_dirs(): the folders among records lo .. hi-1. */
struct dpart {
	struct fe_audit *a;	/* the thread's own (its path buffer) */
	struct fe_dirs *d;
	uint64_t lo, hi;
};

static void dirs_range(struct dpart *p)
{
	struct fe_audit *a = p->a;
	unsigned filter = NL_ITER_DIRS | (a->deleted ? NL_ITER_DELETED : NL_ITER_ALL);
	uint64_t cursor = p->lo, mft;

	while (nl_model_next(a->model, filter, &cursor, &mft) == 0) {
		const char *path;
		size_t len;

		if (mft >= p->hi)
			break;
		path = fe_audit_record_path(a, mft, &len, NULL);
		if (path)
			dirs_add(p->d, path, len, mft);
	}
}

static void *dirs_worker(void *arg)
{
	dirs_range(arg);
	return NULL;
}

/* Move the paths of @src (and its arena blocks) to the end of @dst; free @src. */
static void dirs_adopt(struct fe_dirs *dst, struct fe_dirs *src)
{
	char **b = realloc(dst->blocks, (dst->nblocks + src->nblocks) * sizeof(*b));

	if (!b && dst->nblocks + src->nblocks)
		fe_audit_nomem();
	dst->blocks = b;
	for (size_t i = 0; i < src->nblocks; i++)
		dst->blocks[dst->nblocks++] = src->blocks[i];
	dst->used = ARENA_BLOCK; /* a later dirs_add() starts a block of its own */
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n == dst->cap) {
			size_t cap = dst->cap ? dst->cap * 2 : 1024;
			const char **p = realloc(dst->p, cap * sizeof(*p));
			uint32_t *l = p ? realloc(dst->len, cap * sizeof(*l)) : NULL;
			uint64_t *m = l ? realloc(dst->mft, cap * sizeof(*m)) : NULL;

			if (p)
				dst->p = p;
			if (l)
				dst->len = l;
			if (!p || !l || !m)
				fe_audit_nomem();
			dst->mft = m;
			dst->cap = cap;
		}
		dst->p[dst->n] = src->p[i];
		dst->len[dst->n] = src->len[i];
		dst->mft[dst->n] = src->mft[i];
		dst->n++;
	}
	free(src->blocks);
	free(src->p);
	free(src->len);
	free(src->mft);
	free(src);
}

static void build_dirs(struct fe_audit *a)
{
	struct fe_dirs *d = calloc(1, sizeof(*d)), *d2 = calloc(1, sizeof(*d2));
	struct dpart p1 = { a, d, 0, UINT64_MAX }, p2;
	struct fe_audit a2;
	const char **p;
	uint32_t *l, *idx, *stack;
	uint64_t *m;
	size_t top = 0;
	pthread_t th;
	bool threaded = false;

	if (!d || !d2)
		fe_audit_nomem();
	dirs_add(d, NL_ORPHAN_PREFIX, strlen(NL_ORPHAN_PREFIX), UINT64_MAX);
	dirs_add(d, NL_ORPHAN_PREFIX "/$Loop", strlen(NL_ORPHAN_PREFIX "/$Loop"), UINT64_MAX);
	/* two threads: this one the first half of the records, a worker the rest */
	if (a->stats.mft_records > 1) {
		a2 = *a;
		a2.pathbuf = a2.winbuf = NULL;
		a2.pathcap = a2.wincap = 0;
		a2.dirs = NULL;
		p2.a = &a2;
		p2.d = d2;
		p2.lo = a->stats.mft_records / 2;
		p2.hi = UINT64_MAX;
		if (pthread_create(&th, NULL, dirs_worker, &p2) == 0) {
			threaded = true;
			p1.hi = p2.lo;
		}
	}
	dirs_range(&p1);
	if (threaded) {
		pthread_join(th, NULL);
		free(a2.pathbuf);
		free(a2.winbuf);
	}
	dirs_adopt(d, d2);
	/* sort through an index so that paths and lengths move together */
	idx = malloc(d->n * sizeof(*idx));
	p = malloc(d->n * sizeof(*p));
	l = malloc(d->n * sizeof(*l));
	m = malloc(d->n * sizeof(*m));
	d->end = malloc(d->n * sizeof(*d->end));
	d->slashes = malloc(d->n * sizeof(*d->slashes));
	d->rank = malloc(d->n * sizeof(*d->rank));
	stack = malloc(d->n * sizeof(*stack));
	if (!idx || !p || !l || !m || !d->end || !d->slashes || !d->rank || !stack)
		fe_audit_nomem();
	for (size_t i = 0; i < d->n; i++)
		idx[i] = (uint32_t)i;
	sort_dirs_ctx = d;
	qsort(idx, d->n, sizeof(*idx), dir_idx_cmp);
	for (size_t i = 0; i < d->n; i++) {
		p[i] = d->p[idx[i]];
		l[i] = d->len[idx[i]];
		m[i] = d->mft[idx[i]];
	}
	free(idx);
	free(d->p);
	free(d->len);
	free(d->mft);
	d->p = p;
	d->len = l;
	d->mft = m;
	d->cap = d->n;
	/* subtree ends (a stack of the open ancestors), depths, and the
	 * record -> index table of the paths a name's path can be built on:
	 * not the orphan ones (their names' paths are built differently) and
	 * not two folders with the same path */
	for (size_t i = 0; i < d->n; i++) {
		unsigned sl = 0;

		while (top && !path_below(p[stack[top - 1]], l[stack[top - 1]], p[i], l[i]))
			d->end[stack[--top]] = (uint32_t)i;
		stack[top++] = (uint32_t)i;
		for (size_t k = 0; k < l[i]; k++)
			sl += p[i][k] == '/';
		d->slashes[i] = sl > 0xFFFF ? 0xFFFF : (uint16_t)sl;
		if (m[i] == UINT64_MAX || is_orphan_path(p[i], l[i]) ||
		    (i > 0 && l[i] == l[i - 1] && memcmp(p[i], p[i - 1], l[i]) == 0) ||
		    (i + 1 < d->n && l[i] == l[i + 1] && memcmp(p[i], p[i + 1], l[i]) == 0))
			continue;
		d->rank[d->nrank].mft = m[i];
		d->rank[d->nrank].idx = (uint32_t)i;
		d->nrank++;
	}
	while (top)
		d->end[stack[--top]] = (uint32_t)d->n;
	free(stack);
	qsort(d->rank, d->nrank, sizeof(*d->rank), rank_cmp);
	a->dirs = d;
}

/* The index of directory record @mft's path for the fast path, or FE_NO_DIR. */
static uint32_t dir_index(const struct fe_dirs *d, uint64_t mft)
{
	size_t lo = 0, hi = d->nrank;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->rank[mid].mft < mft)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->nrank && d->rank[lo].mft == mft ? d->rank[lo].idx : FE_NO_DIR;
}

/* Number of directory paths that sort before @path. */
static uint32_t dirs_lower_bound(const struct fe_dirs *d, const char *path, size_t len)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fe_path_cmp(d->p[mid], d->len[mid], path, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/*
 * Number of directory paths that sort before DIR/NAME, DIR being path @k:
 * every path up to DIR itself, then those of DIR's subtree (the paths right
 * after it) whose part after "DIR/" sorts before NAME.
 */
static uint32_t dirs_lower_bound_in(const struct fe_dirs *d, uint32_t k, const char *name,
				    size_t nlen)
{
	size_t off = d->len[k] == 1 ? 1 : d->len[k] + 1;
	size_t lo = k + 1, hi = d->end[k];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fe_path_cmp(d->p[mid] + off, d->len[mid] - off, name, nlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/* The index of @nm's parent's sorted path when @nm's path is that path plus
 * its name, else FE_NO_DIR. */
static uint32_t name_dir(struct fe_audit *a, const struct nl_name *nm)
{
	if (!a->dirs || nm->orphan || nm->mft == NL_ROOT_MFT || nm->parent == nm->mft ||
	    nm->len > 2047 || memchr(nm->name, '/', nm->len) != NULL)
		return FE_NO_DIR;
	return dir_index(a->dirs, nm->parent);
}

void fe_rows_add(struct fe_audit *a, struct fe_rows *r, const struct nl_name *nm)
{
	struct fe_row *row;
	uint32_t depth = 0, pos, k;

	if (!a->dirs)
		build_dirs(a);
	k = name_dir(a, nm);
	if (k != FE_NO_DIR) {
		depth = a->dirs->len[k] == 1 ? 1 : a->dirs->slashes[k] + 1u;
		pos = dirs_lower_bound_in(a->dirs, k, nm->name, nm->len);
	} else {
		size_t len;
		const char *path = fe_audit_name_path(a, nm->id, &len, NULL);

		if (!path)
			return;
		for (size_t i = 0; i < len; i++)
			depth += path[i] == '/';
		pos = dirs_lower_bound(a->dirs, path, len);
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct fe_row *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			fe_audit_nomem();
		r->v = v;
		r->cap = cap;
	}
	row = &r->v[r->n++];
	row->mft = nm->mft;
	row->name_id = nm->id;
	row->pos = pos;
	row->depth = depth > 0x1FFF ? 0x1FFF : depth;
	row->name = nm->name;
	row->nlen = nm->len > 2047 ? 2047 : nm->len; /* cannot be: 255 units at most */
	row->by_dir = 0;
	row->dos = NULL;
	if (r->by_dir && k != FE_NO_DIR &&
	    (!nm->dos_alias || strnlen(nm->dos_alias, nm->dos_len + 1) == nm->dos_len)) {
		row->by_dir = 1;
		row->dir = k;
		row->dos = nm->dos_alias;
	}
}

const char *fe_row_dos(struct fe_audit *a, const struct fe_row *r, size_t *len)
{
	struct nl_name nm;

	if (r->by_dir) {
		if (r->dos)
			*len = strlen(r->dos);
		return r->dos;
	}
	if (nl_model_name_get(a->model, r->name_id, &nm) < 0 || !nm.dos_alias)
		return NULL;
	*len = nm.dos_len;
	return nm.dos_alias;
}

void fe_rows_prepare(struct fe_audit *a)
{
	if (!a->dirs)
		build_dirs(a);
}

void fe_rows_reserve(struct fe_rows *r, size_t n)
{
	struct fe_row *v;

	if (r->n + n <= r->cap)
		return;
	v = realloc(r->v, (r->n + n) * sizeof(*v));
	if (!v)
		fe_audit_nomem();
	r->v = v;
	r->cap = r->n + n;
}

const char *fe_row_path(struct fe_audit *a, const struct fe_row *r)
{
	const struct fe_dirs *d = a->dirs;
	uint32_t dir = r->dir;
	size_t plen, need;
	char *o;

	if (!r->by_dir || !d || dir >= d->n)
		return fe_audit_name_path(a, r->name_id, NULL, NULL);
	plen = d->len[dir];
	need = plen + 1 + r->nlen + 1;
	if (need > a->pathcap) {
		free(a->pathbuf);
		a->pathcap = need * 2 > 4096 ? need * 2 : 4096;
		a->pathbuf = malloc(a->pathcap);
		if (!a->pathbuf)
			fe_audit_nomem();
	}
	o = a->pathbuf;
	memcpy(o, d->p[dir], plen);
	if (plen != 1)
		o[plen++] = '/';
	memcpy(o + plen, r->name, r->nlen);
	o[plen + r->nlen] = '\0';
	return o;
}

/* Component-wise order is byte order with '/' below every other byte. */
int fe_path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen, i = 0;

	/* skip the common prefix a word at a time */
	while (i + 8 <= n) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
		i += 8;
	}
	for (; i < n; i++) {
		unsigned ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (ca == cb)
			continue;
		if (ca == '/')
			return -1;
		if (cb == '/')
			return 1;
		return ca < cb ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct fe_row *a = pa, *b = pb;
	int c;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	if (a->depth != b->depth)
		return a->depth > b->depth ? -1 : 1;	/* deeper first */
	/* same folder: compare the names themselves */
	c = memcmp(a->name, b->name, a->nlen < b->nlen ? a->nlen : b->nlen);
	if (c)
		return c;
	if (a->nlen != b->nlen)
		return a->nlen < b->nlen ? -1 : 1;
	if (a->mft != b->mft)
		return a->mft < b->mft ? -1 : 1;
	/* the same name twice in one folder (corrupt): where the model keeps it */
	return (uintptr_t)a->name < (uintptr_t)b->name ? -1 : (uintptr_t)a->name > (uintptr_t)b->name;
}

/* Sort @n rows: insertion sort for the small groups most records have. */
static void sort_rows(struct fe_row *v, size_t n)
{
	if (n > 16) {
		qsort(v, n, sizeof(*v), row_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct fe_row x = v[i];
		size_t j = i;

		while (j > 0 && row_cmp(&v[j - 1], &x) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

void fe_rows_sort(struct fe_audit *a, struct fe_rows *r)
{
	(void)a;
	if (r->n < 2)
		return;
	qsort(r->v, r->n, sizeof(*r->v), row_cmp);
}

/* Groups by their first rows (gstart values: indexes of those rows in @ctx). */
static int group_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct fe_row *v = ctx;

	return row_cmp(&v[*(const uint32_t *)pa], &v[*(const uint32_t *)pb]);
}

void fe_rows_sort_grouped(struct fe_audit *a, struct fe_rows *r)
{
	size_t i, j, g = 0;

	(void)a;
	free(r->gstart);
	free(r->glen);
	r->ngroups = 0;
	for (i = 0; i < r->n; i = j) {
		for (j = i; j < r->n && r->v[j].mft == r->v[i].mft; j++)
			;
		r->ngroups++;
	}
	r->gstart = malloc((r->ngroups + 1) * sizeof(*r->gstart));
	r->glen = malloc((r->ngroups + 1) * sizeof(*r->glen));
	if (!r->gstart || !r->glen)
		fe_audit_nomem();
	for (i = 0; i < r->n; i = j) {
		for (j = i; j < r->n && r->v[j].mft == r->v[i].mft; j++)
			;
		if (j - i > 1)
			sort_rows(r->v + i, j - i);
		r->gstart[g++] = (uint32_t)i;
	}
	qsort_r(r->gstart, r->ngroups, sizeof(*r->gstart), group_cmp, r->v);
	for (g = 0; g < r->ngroups; g++) {
		uint32_t s = r->gstart[g];

		for (j = s + 1; j < r->n && r->v[j].mft == r->v[s].mft; j++)
			;
		r->glen[g] = (uint32_t)(j - s);
	}
}

void fe_rows_append_grouped(struct fe_rows *dst, struct fe_rows *src)
{
	const size_t step = (size_t)1 << 20;
	long pg = sysconf(_SC_PAGESIZE);
	char *from = (char *)src->v;
	size_t bytes = src->n * sizeof(*src->v), base = dst->n, i = 0, j = 0, k = 0;
	uint32_t *gs, *gl;

	/* the rows, giving back the pages of @src as they are copied */
	fe_rows_reserve(dst, src->n);
	for (size_t off = 0; off < bytes; off += step) {
		size_t n = bytes - off < step ? bytes - off : step;
		uintptr_t b, e;

		memcpy((char *)(dst->v + base) + off, from + off, n);
		if (pg <= 0)
			continue;
		b = ((uintptr_t)from + off + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
		e = ((uintptr_t)from + off + n) & ~((uintptr_t)pg - 1);
		if (e > b)
			madvise((void *)b, e - b, MADV_DONTNEED);
	}
	dst->n += src->n;
	/* the two group orders, merged */
	gs = malloc((dst->ngroups + src->ngroups + 1) * sizeof(*gs));
	gl = malloc((dst->ngroups + src->ngroups + 1) * sizeof(*gl));
	if (!gs || !gl)
		fe_audit_nomem();
	while (i < dst->ngroups || j < src->ngroups) {
		uint32_t sj = j < src->ngroups ? (uint32_t)(src->gstart[j] + base) : 0;

		if (j >= src->ngroups ||
		    (i < dst->ngroups && row_cmp(&dst->v[dst->gstart[i]], &dst->v[sj]) <= 0)) {
			gs[k] = dst->gstart[i];
			gl[k++] = dst->glen[i++];
		} else {
			gs[k] = sj;
			gl[k++] = src->glen[j++];
		}
	}
	free(dst->gstart);
	free(dst->glen);
	dst->gstart = gs;
	dst->glen = gl;
	dst->ngroups = k;
	fe_rows_free(src);
}

void fe_rows_free(struct fe_rows *r)
{
	free(r->v);
	free(r->gstart);
	free(r->glen);
	memset(r, 0, sizeof(*r));
}

/* ---- anchor, analysis, output ------------------------------------------------ */

void fe_audit_anchor(struct fe_audit *a)
{
	struct nl_record_info ri;

	a->anchor = NL_ROOT_MFT;
	if (!a->under)
		return;
	if (fe_audit_resolve(a, a->under, &a->anchor) < 0) {
		fe_audit_close(a);
		exit(FE_EXIT_USAGE);
	}
	if (nl_model_record(a->model, a->anchor, &ri) < 0 || !(ri.flags & NL_REC_DIRECTORY)) {
		fe_error(a->image, "'%s': not a directory", a->under);
		fe_audit_close(a);
		exit(FE_EXIT_USAGE);
	}
}

void fe_audit_analyse(struct fe_audit *a)
{
	struct nl_analysis_options ao;
	int rc;

	if (a->an)
		return;
	if (!a->anchor)
		fe_audit_anchor(a);
	memset(&ao, 0, sizeof(ao));
	ao.anchor = a->anchor;
	ao.drive = a->drive;
	ao.problem = fe_audit_problem;
	ao.problem_ctx = a;
	ao.source = a->image;
	rc = nl_analysis_open(a->model, &ao, &a->an);
	if (rc < 0) {
		fe_error(a->image, "cannot analyse the reparse points: %s", strerror(-rc));
		fe_audit_close(a);
		exit(FE_EXIT_USAGE);
	}
	nl_analysis_drive(a->an, &a->guess);
}

char fe_audit_drive(struct fe_audit *a)
{
	if (a->drive)
		return a->drive;
	if (!a->model)
		return 0;
	fe_audit_analyse(a);
	return a->guess.drive;
}

void fe_audit_emit_open(struct fe_audit *a)
{
	static const enum nl_emit_format map[] = {
		[FE_FMT_TEXT] = NL_EMIT_TEXT, [FE_FMT_JSON] = NL_EMIT_JSON,
		[FE_FMT_CSV] = NL_EMIT_CSV, [FE_FMT_BODYFILE] = NL_EMIT_BODYFILE,
		[FE_FMT_NUL] = NL_EMIT_NUL,
	};
	int rc = nl_emit_open(map[a->format], stdout, NULL, &a->emit);

	if (rc < 0)
		fe_audit_nomem();
}

static void write_failed(struct fe_audit *a, int rc)
{
	if (rc == -EPIPE) {
		fe_audit_close(a);
		exit(fe_exit_status());
	}
	fe_error(NULL, "write error on standard output: %s", strerror(-rc));
	fe_had_errors = true;
	nl_emit_close(&a->emit);
	fe_audit_close(a);
	exit(FE_EXIT_PARTIAL);
}

void fe_audit_emit_close(struct fe_audit *a)
{
	int rc;

	if (!a->emit)
		return;
	rc = nl_emit_close(&a->emit);
	if (rc == -ENOMEM)
		fe_audit_nomem();
	if (rc < 0)
		write_failed(a, rc);
}

nl_table *fe_audit_table(struct fe_audit *a, const char *type, const struct nl_column *cols,
			 size_t ncols, unsigned flags)
{
	nl_table *t = NULL;

	if (nl_emit_table(a->emit, type, cols, ncols, flags, &t) < 0)
		fe_audit_nomem();
	return t;
}

void fe_audit_row_end(struct fe_audit *a, nl_table *t)
{
	int rc = nl_row_end(t);

	if (rc < 0)
		fe_audit_fail(a, rc);
}

void fe_audit_fail(struct fe_audit *a, int rc)
{
	if (rc == -ENOMEM)
		fe_audit_nomem();
	write_failed(a, rc < 0 ? rc : -EIO);
	exit(FE_EXIT_PARTIAL); /* not reached */
}

void fe_audit_times(struct fe_audit *a, nl_table *t, size_t col_crtime, uint64_t mft)
{
	struct nl_times tm;

	if (nl_model_times(a->model, mft, &tm) < 0)
		return;
	nl_cell_time(t, col_crtime, tm.crtime);
	nl_cell_time(t, col_crtime + 1, tm.mtime);
	nl_cell_time(t, col_crtime + 2, tm.ctime);
	nl_cell_time(t, col_crtime + 3, tm.atime);
}

int fe_audit_exit(struct fe_audit *a)
{
	fe_audit_emit_close(a);
	nl_analysis_close(&a->an);
	fe_audit_close(a);
	return fe_exit_status();
}
