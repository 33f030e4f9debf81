/* cmd_ls.c: 'ntfslinks ls': the names in one folder of an image, one per line (also what the shell completion of IMAGE:/path reads). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ntfslinks/ondisk.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>

#include "commands.h"
#include "fe.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ntfslinks ls [OPTIONS] IMAGE[:/PATH]\n"
		"\n"
		"List the names in the folder PATH (default: the root) of the NTFS image\n"
		"IMAGE (IMAGE@N for partition N of a disk image), one per line, sorted by\n"
		"their bytes, with a '/' after the names of folders. Hardlinks are names\n"
		"like any other; links are not followed.\n"
		"\n"
		"Options:\n"
		"  -a, --all             also the NTFS metadata files of the root ($MFT ...)\n"
		"  -h, --help            display this help and exit\n"
		"\n"
		"See ntfslinks(1).\n");
}

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },	/* the global option, after the command */
	{ NULL, 0, NULL, 0 }
};

/* The records of NTFS's own files ($MFT ... $Extend and the reserved ones). */
#define FIRST_USER_RECORD 16

/* is_image: can @path be an image (an existing regular file or block
 * device, once a trailing "@N" is taken off)? */
static bool is_image(const char *path)
{
	char *p = strdup(path), *at;
	struct stat sb;
	bool r;

	if (!p)
		return false;
	at = strrchr(p, '@');
	if (at && at[1] && strspn(at + 1, "0123456789") == strlen(at + 1))
		*at = '\0';
	r = stat(p, &sb) == 0 && (S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode));
	free(p);
	return r;
}

/* split_arg: IMAGE[:/PATH] into *@image (malloc'ed) and *@path (in @arg):
 * at the first ':' before which an image exists; the whole of @arg with
 * path "/" when there is none. */
static char *split_arg(const char *arg, const char **path)
{
	for (const char *q = strchr(arg, ':'); q; q = strchr(q + 1, ':')) {
		char *img = strndup(arg, (size_t)(q - arg));

		if (img && *img && is_image(img)) {
			*path = q[1] ? q + 1 : "/";
			return img;
		}
		free(img);
	}
	*path = "/";
	return strdup(arg);
}

struct entry {
	char *name;
	bool dir;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* collect: the names whose parent is @dir (in use, not orphaned) into
 * *@out.  Returns their number, or -ENOMEM. */
static long collect(const nl_model *m, uint64_t dir, bool all, struct entry **out)
{
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t cursor = 0, mft;

	while (nl_model_next(m, NL_ITER_ALL, &cursor, &mft) == 0) {
		struct nl_record_info ri;
		struct nl_name nm;
		uint64_t nc = 0;

		if (mft == dir || (!all && mft < FIRST_USER_RECORD) || nl_model_record(m, mft, &ri))
			continue;
		while (nl_model_name_next(m, mft, 0, &nc, &nm) == 0) {
			if (nm.parent != dir || nm.orphan)
				continue;
			if (n == cap) {
				struct entry *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));
				if (!nv)
					goto nomem;
				v = nv;
			}
			if (nl_escape_dup(nm.name, nm.len, 0, &v[n].name))
				goto nomem;
			v[n++].dir = (ri.flags & NL_REC_DIRECTORY) != 0;
		}
	}
	if (n)	/* an empty folder: no array */
		qsort(v, n, sizeof(*v), cmp_entry);
	*out = v;
	return (long)n;
nomem:
	while (n > 0)
		free(v[--n].name);
	free(v);
	return -ENOMEM;
}

/* list: the folder @path of the open volume @vol (@image; @arg as given)
 * to stdout.  Returns the exit status. */
static int list(nl_volume *vol, const char *arg, const char *image, const char *path, bool all)
{
	struct nl_record_info ri;
	struct entry *v = NULL;
	nl_model *m = NULL;
	uint64_t dir;
	long n;
	int rc;

	rc = nl_scan(vol, NULL, &m);
	if (rc < 0) {
		fe_error(image, "cannot read $MFT: %s", strerror(-rc));
		return FE_EXIT_USAGE;
	}
	rc = nl_model_lookup_path(m, path, &dir);
	if (rc == 0 && (nl_model_record(m, dir, &ri) || !(ri.flags & NL_REC_DIRECTORY)))
		rc = -ENOTDIR;
	if (rc < 0) {
		fe_error(arg, "%s", strerror(-rc));
		nl_model_free(&m);
		return FE_EXIT_PARTIAL;
	}
	n = collect(m, dir, all, &v);
	if (n < 0) {
		fe_error(image, "%s", strerror((int)-n));
		nl_model_free(&m);
		return FE_EXIT_PARTIAL;
	}
	for (long i = 0; i < n; i++) {
		printf("%s%s\n", v[i].name, v[i].dir ? "/" : "");
		free(v[i].name);
	}
	free(v);
	nl_model_free(&m);
	return FE_EXIT_OK;
}

static int run(int argc, char **argv)
{
	struct nl_open_options oo = { 0 };
	char err[NL_ERRMSG_SIZE] = "";
	const char *path;
	nl_volume *vol = NULL;
	bool all = false;
	char *image;
	int ch, rc, status;

	while ((ch = getopt_long(argc, argv, "ahv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': all = true; break;
		case 'v': fe_more_verbose(); break;
		case 'h': usage(stdout); exit(FE_EXIT_OK);
		default: fe_bad_option("ls", argv);
		}
	}
	if (argc - optind != 1)
		fe_usage_error("ls", argc - optind ? "unexpected argument '%s'" : "no image given",
			       argv[argc - 1]);
	image = split_arg(argv[optind], &path);
	if (!image) {
		fe_error(NULL, "%s", strerror(ENOMEM));
		return FE_EXIT_USAGE;
	}
	rc = nl_volume_open(image, &oo, &vol, err, sizeof(err));
	if (rc < 0) {
		fe_error(image, "%s", err[0] ? err : strerror(-rc));
		free(image);
		return FE_EXIT_USAGE;
	}
	status = list(vol, argv[optind], image, path, all);
	nl_volume_close(&vol);
	free(image);
	return status;
}

const struct fe_command fe_cmd_ls = {
	.name = "ls",
	.summary = "list the names in a folder of an image",
	.run = run,
	.usage = usage,
};
