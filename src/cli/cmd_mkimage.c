/* cmd_mkimage.c: 'ntfslinks mkimage': build an NTFS image from a spec, in bulk, empty, or from a Linux folder (through the copy engine). */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ntfslinks/build.h>
#include <ntfslinks/copy.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/writer.h>

#include "commands.h"
#include "fe.h"
#include "fe_clock.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks mkimage [--truth FILE] SPEC IMAGE\n"
		"       ntfslinks mkimage --describe SPEC\n"
		"       ntfslinks mkimage --bulk N [--seed S] [--avg-size BYTES] IMAGE\n"
		"       ntfslinks mkimage --empty SIZE [FORMAT OPTIONS] IMAGE\n"
		"       ntfslinks mkimage --from-dir DIR [--size SIZE] [FORMAT OPTIONS] IMAGE\n"
		"\n"
		"Build an NTFS image file without root, FUSE or a mount: from a spec (a\n"
		"small text language, see ntfslinks-mkimage(1)), as a large Windows-like\n"
		"volume, empty, or from a Linux folder keeping its hardlinks and symbolic\n"
		"links. The same spec always gives the same bytes. IMAGE is written as\n"
		"IMAGE.tmp and renamed at the end; nothing is left behind on failure.\n"
		"\n"
		"Options:\n"
		"      --truth FILE      also write the ground truth of the build to FILE\n"
		"      --describe        print the ground truth of SPEC, build nothing\n"
		"      --bulk N          a Windows-like volume of N files, with its ground\n"
		"                        truth in IMAGE.truth\n"
		"      --seed S          the seed of --bulk (default 1)\n"
		"      --avg-size BYTES  mean file size of --bulk (default 4096)\n"
		"      --empty SIZE      an empty volume of SIZE bytes (K, M, G suffixes)\n"
		"      --from-dir DIR    a volume holding a copy of the Linux folder DIR\n"
		"      --size SIZE       the size of the --from-dir volume (default: from\n"
		"                        the folder's contents, see ntfslinks-mkimage(1))\n"
		"Format options (--empty, --from-dir):\n"
		"      --label TEXT      the volume label\n"
		"      --cluster BYTES   the cluster size (default: mkntfs' choice)\n"
		"      --sector 512|4096 the sector size (4096 also gives 4096-byte MFT\n"
		"                        records; default 512)\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks-mkimage(1).\n");
}

enum { OPT_TRUTH = 256, OPT_DESCRIBE, OPT_BULK, OPT_SEED, OPT_AVG, OPT_EMPTY, OPT_FROM_DIR,
       OPT_SIZE, OPT_LABEL, OPT_CLUSTER, OPT_SECTOR };

static const struct option longopts[] = {
	{ "truth", required_argument, NULL, OPT_TRUTH },
	{ "describe", no_argument, NULL, OPT_DESCRIBE },
	{ "bulk", required_argument, NULL, OPT_BULK },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "avg-size", required_argument, NULL, OPT_AVG },
	{ "empty", required_argument, NULL, OPT_EMPTY },
	{ "from-dir", required_argument, NULL, OPT_FROM_DIR },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "cluster", required_argument, NULL, OPT_CLUSTER },
	{ "sector", required_argument, NULL, OPT_SECTOR },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },	/* the global option, after the command */
	{ NULL, 0, NULL, 0 }
};

struct mk_opts {
	const char *truth, *from_dir, *label;
	bool describe;
	long long bulk;                 /* -1: no --bulk */
	uint64_t seed, avg, empty, size;
	uint32_t cluster, sector;
};

/* number_arg: a number with an optional K, M or G suffix (powers of 1024),
 * between @min and @max, or a usage error naming @opt. */
static uint64_t number_arg(const char *opt, const char *a, uint64_t min, uint64_t max,
			   bool suffix)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(a, &end, 10);
	if (suffix && (*end == 'K' || *end == 'k'))
		shift = 10;
	else if (suffix && (*end == 'M' || *end == 'm'))
		shift = 20;
	else if (suffix && (*end == 'G' || *end == 'g'))
		shift = 30;
	if (shift)
		end++;
	if (errno || end == a || *end || a[0] == '-' || v > (UINT64_MAX >> shift) ||
	    (v << shift) < min || (v << shift) > max)
		fe_usage_error("mkimage", "bad value for %s: '%s'", opt, a);
	return (uint64_t)v << shift;
}

static void parse_args(int argc, char **argv, struct mk_opts *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_TRUTH: o->truth = optarg; break;
		case OPT_DESCRIBE: o->describe = true; break;
		case OPT_BULK: o->bulk = (long long)number_arg("--bulk", optarg, 0, 100000000, false); break;
		case OPT_SEED: o->seed = number_arg("--seed", optarg, 0, UINT64_MAX, false); break;
		case OPT_AVG: o->avg = number_arg("--avg-size", optarg, 0, 1ULL << 30, true); break;
		case OPT_EMPTY: o->empty = number_arg("--empty", optarg, 2ULL << 20, UINT64_MAX, true); break;
		case OPT_FROM_DIR: o->from_dir = optarg; break;
		case OPT_SIZE: o->size = number_arg("--size", optarg, 2ULL << 20, UINT64_MAX, true); break;
		case OPT_LABEL: o->label = optarg; break;
		case OPT_CLUSTER: o->cluster = (uint32_t)number_arg("--cluster", optarg, 512, 2u << 20, true); break;
		case OPT_SECTOR: o->sector = (uint32_t)number_arg("--sector", optarg, 512, 4096, false); break;
		case 'v': fe_more_verbose(); break;
		case 'h': usage(stdout); exit(FE_EXIT_OK);
		default: fe_bad_option("mkimage", argv);
		}
	}
}

/* check_modes: one way of building, and the operands and options it takes. */
static void check_modes(const struct mk_opts *o, int nargs)
{
	int modes = o->describe + (o->bulk >= 0) + (o->empty > 0) + (o->from_dir != NULL);
	bool spec = modes == 0;

	if (modes > 1)
		fe_usage_error("mkimage", "--describe, --bulk, --empty and --from-dir exclude each other");
	if (nargs != (spec ? 2 : 1))
		fe_usage_error("mkimage", nargs ? "wrong number of arguments" : "no image given");
	if (o->truth && !spec)
		fe_usage_error("mkimage", "--truth goes with a SPEC build");
	if ((o->seed != 1 || o->avg) && o->bulk < 0)
		fe_usage_error("mkimage", "--seed and --avg-size go with --bulk");
	if (o->size && !o->from_dir)
		fe_usage_error("mkimage", "--size goes with --from-dir");
	if ((o->label || o->cluster || o->sector) && !o->empty && !o->from_dir)
		fe_usage_error("mkimage", "--label, --cluster and --sector go with --empty and --from-dir");
}

/* check_target: IMAGE may be a new name or a regular file (replaced), never
 * a device or a folder, which the rename at the end would replace; exits
 * with status 2 after the message if it is one. */
static void check_target(const char *image)
{
	struct stat sb;

	if (lstat(image, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		fe_error(image, "not a regular file: mkimage writes image files only");
		exit(FE_EXIT_USAGE);
	}
}

/* remove_image: IMAGE and IMAGE.tmp. */
static void remove_image(const char *image)
{
	char *tmp;

	if (asprintf(&tmp, "%s.tmp", image) >= 0) {
		unlink(tmp);
		free(tmp);
	}
	unlink(image);
}

static int build_spec(const char *spec, const char *image, const struct mk_opts *o)
{
	struct nl_build_opts bo = { .truth = o->truth, .freeze_clock = fe_freeze_clock };
	struct nl_spec *sp;
	char err[1024];
	int rc;

	rc = nl_spec_parse(spec, &sp, err, sizeof(err));
	if (rc && image) {
		remove_image(image);	/* as a failed build leaves nothing */
	} else if (rc == 0) {
		if (o->describe)
			rc = nl_spec_describe(sp, stdout, err, sizeof(err));
		else
			rc = nl_spec_build(sp, image, &bo, err, sizeof(err));
		nl_spec_free(&sp);
	}
	if (rc) {
		fe_error(NULL, "%s", err[0] ? err : strerror(-rc));
		return FE_EXIT_PARTIAL;
	}
	return FE_EXIT_OK;
}

static int build_bulk(const char *image, const struct mk_opts *o)
{
	struct nl_bulk_opts bo = { .files = (uint64_t)o->bulk, .seed = o->seed,
				   .avg_size = o->avg, .freeze_clock = fe_freeze_clock };
	struct nl_bulk_result res;
	char err[1024];
	int rc;

	rc = nl_build_bulk(image, &bo, &res, err, sizeof(err));
	if (rc) {
		fe_error(NULL, "%s", err[0] ? err : strerror(-rc));
		return FE_EXIT_PARTIAL;
	}
	fprintf(stderr, "%s: '%s': %" PRIu64 " files, %u folders, %" PRIu64
		" extra hard links, %u junctions/symlinks, %" PRIu64 " deleted\n", fe_progname,
		image, res.files, res.folders, res.extra_links, res.reparse_points, res.deleted);
	return FE_EXIT_OK;
}

/* format: @tmp (a new file, any old one replaced) as @o says, @size bytes. */
static int format(const char *tmp, uint64_t size, const struct mk_opts *o)
{
	struct nl_format_opts fo = { .size = size, .cluster_size = o->cluster,
				     .sector_size = o->sector, .label = o->label };
	char err[1024];
	int rc;

	unlink(tmp);
	err[0] = '\0';
	rc = nl_writer_format(tmp, &fo, err, sizeof(err));
	if (rc) {
		fe_error(tmp, "cannot format: %s", err[0] ? err : strerror(-rc));
		return FE_EXIT_PARTIAL;
	}
	return FE_EXIT_OK;
}

/* The folder's needs, counted by tree_size(). */
static uint64_t tree_bytes, tree_entries;
static dev_t *seen_dev;
static ino_t *seen_ino;
static size_t nseen, capseen;

/* seen_before: has the inode of @sb (a file with several names) been
 * counted?  Remembers it if not. */
static bool seen_before(const struct stat *sb)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen_ino[i] == sb->st_ino && seen_dev[i] == sb->st_dev)
			return true;
	if (nseen == capseen) {
		size_t cap = capseen ? capseen * 2 : 64;
		dev_t *d = realloc(seen_dev, cap * sizeof(*d));
		ino_t *n = d ? realloc(seen_ino, cap * sizeof(*n)) : NULL;

		if (d)
			seen_dev = d;
		if (!n)
			return false;	/* counted twice: a larger image, no harm */
		seen_ino = n;
		capseen = cap;
	}
	seen_dev[nseen] = sb->st_dev;
	seen_ino[nseen++] = sb->st_ino;
	return false;
}

static int count_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	tree_entries++;
	if (type == FTW_F && S_ISREG(sb->st_mode) && !(sb->st_nlink > 1 && seen_before(sb)))
		tree_bytes += ((uint64_t)sb->st_size + 4095) & ~(uint64_t)4095;
	return 0;
}

/* tree_size: the image size for the folder @dir: its file data in 4 KiB
 * clusters (a hardlinked file once) and 4 KiB per entry, a quarter more,
 * plus 8 MiB for the volume's own files, rounded up to a MiB (documented in
 * ntfslinks-mkimage(1)).  Returns 0 or -errno. */
static int tree_size(const char *dir, uint64_t *size)
{
	int rc;

	tree_bytes = tree_entries = 0;
	rc = nftw(dir, count_entry, 64, FTW_PHYS);
	free(seen_dev);
	free(seen_ino);
	seen_dev = NULL;
	seen_ino = NULL;
	nseen = capseen = 0;
	if (rc)
		return errno ? -errno : -EIO;
	*size = (tree_bytes + tree_entries * 4096) / 4 * 5 + (8ULL << 20);
	*size = (*size + (1 << 20) - 1) & ~(uint64_t)((1 << 20) - 1);
	return 0;
}

static void copy_problem(void *ctx, const char *source, uint64_t mft, const char *path,
			 const char *reason)
{
	(void)ctx;
	(void)mft;
	fe_warn_entry(path ? path : source, "%s", reason);
}

/* copy_warning: what the copy left out (a device file, a fifo) or lost, on
 * stderr; errors come through copy_problem. */
static void copy_warning(void *ctx, const struct nl_copy_event *ev)
{
	char *path = NULL;

	(void)ctx;
	if (ev->action != NL_COPY_ACT_WARNING)
		return;
	if (nl_escape_dup(ev->source, strlen(ev->source), 0, &path))
		path = NULL;
	fe_error(path ? path : ev->source, "warning: %s", ev->reason ? ev->reason : "");
	free(path);
}

/* copy_tree: the contents of @dir into the root of the formatted @tmp.
 * Returns the exit status. */
static int copy_tree(const char *dir, const char *tmp)
{
	struct nl_copy_options co;
	nl_copy *c = NULL;
	char *dest;
	int rc;

	nl_copy_options_init(&co);
	co.into = true;
	co.outer = NL_COPY_SPLICE;
	co.problem = copy_problem;
	co.on_action = copy_warning;
	if (asprintf(&dest, "%s:/", tmp) < 0) {
		fe_error(tmp, "%s", strerror(ENOMEM));
		return FE_EXIT_PARTIAL;
	}
	rc = nl_copy_new(&co, &c);
	if (rc == 0 && (rc = nl_copy_add_source(c, dir)) < 0)
		fe_error(dir, "%s", nl_copy_error(c));
	else if (rc == 0 && (rc = nl_copy_set_dest(c, dest)) < 0)
		fe_error(tmp, "%s", nl_copy_error(c));
	else if (rc == 0 && (rc = nl_copy_run(c)) < 0)
		fe_error(dir, "%s", nl_copy_error(c));
	else if (rc < 0)
		fe_error(NULL, "%s", strerror(-rc));
	nl_copy_free(&c);
	free(dest);
	return rc == 0 && !fe_had_errors ? FE_EXIT_OK : FE_EXIT_PARTIAL;
}

/* build_formatted: --empty (@dir NULL) or --from-dir: format IMAGE.tmp
 * with @size bytes, copy @dir into it, rename it to @image.  Returns the
 * exit status. */
static int build_formatted(const char *image, uint64_t size, const char *dir,
			   const struct mk_opts *o)
{
	char *tmp;
	int status;

	if (asprintf(&tmp, "%s.tmp", image) < 0) {
		fe_error(image, "%s", strerror(ENOMEM));
		return FE_EXIT_PARTIAL;
	}
	status = format(tmp, size, o);
	if (status == FE_EXIT_OK && dir)
		status = copy_tree(dir, tmp);
	if (status == FE_EXIT_OK && rename(tmp, image)) {
		fe_error(image, "%s", strerror(errno));
		status = FE_EXIT_PARTIAL;
	}
	if (status != FE_EXIT_OK) {
		unlink(tmp);
		unlink(image);
	}
	free(tmp);
	return status;
}

static int build_from_dir(const char *image, const struct mk_opts *o)
{
	struct stat sb;
	uint64_t size = o->size;
	int rc;

	if (stat(o->from_dir, &sb)) {
		fe_error(o->from_dir, "%s", strerror(errno));
		return FE_EXIT_USAGE;
	}
	if (!S_ISDIR(sb.st_mode)) {
		fe_error(o->from_dir, "not a folder");
		return FE_EXIT_USAGE;
	}
	if (!size && (rc = tree_size(o->from_dir, &size)) < 0) {
		fe_error(o->from_dir, "%s", strerror(-rc));
		return FE_EXIT_PARTIAL;
	}
	return build_formatted(image, size, o->from_dir, o);
}

static int run(int argc, char **argv)
{
	struct mk_opts o = { .bulk = -1, .seed = 1 };
	char **args;
	int nargs;

	parse_args(argc, argv, &o);
	args = argv + optind;
	nargs = argc - optind;
	check_modes(&o, nargs);
	if (!o.describe)
		check_target(args[nargs - 1]);
	if (o.bulk >= 0)
		return build_bulk(args[0], &o);
	if (o.empty)
		return build_formatted(args[0], o.empty, NULL, &o);
	if (o.from_dir)
		return build_from_dir(args[0], &o);
	return build_spec(args[0], o.describe ? NULL : args[1], &o);
}

const struct fe_command fe_cmd_mkimage = {
	.name = "mkimage",
	.summary = "build an NTFS image from a spec, a Linux folder, or empty",
	.run = run,
	.usage = usage,
};
