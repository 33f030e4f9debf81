/* scandump.c: test/bench driver: scan a volume and print the model (stats, records, names, paths, reparse tags). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/volume.h>
#include <ntfslinks/scan.h>

static void on_problem(void *ctx, const char *source, uint64_t mft, const char *path,
		       const char *reason)
{
	(void)ctx;
	(void)path;
	fprintf(stderr, "scandump: '%s': record %" PRIu64 ": %s\n", source, mft, reason);
}

/* Usage: scandump [-d] [-q] [-s] [-l] IMAGE
 *   -d  keep deleted records   -q  only statistics   -s  only hardlinks and reparse points
 *   -l  also resolve every printed path with nl_model_lookup_path() and count
 *       those that do not lead back to their record (exit 1 if any) */
int main(int argc, char **argv)
{
	struct nl_scan_options o = { .problem = on_problem };
	char err[NL_ERRMSG_SIZE];
	static char path[NL_PATH_BUF];
	nl_volume *v = NULL;
	nl_model *m = NULL;
	int i, rc, quiet = 0, links_only = 0, lookups = 0;
	uint64_t mismatches = 0, resolved = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-d"))
			o.flags |= NL_SCAN_DELETED;
		else if (!strcmp(argv[i], "-q"))
			quiet = 1;
		else if (!strcmp(argv[i], "-s"))
			links_only = 1;
		else if (!strcmp(argv[i], "-l"))
			lookups = 1;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: scandump [-d] [-q] [-s] [-l] IMAGE\n");
		return 2;
	}
	if ((rc = nl_volume_open(argv[i], NULL, &v, err, sizeof(err))) < 0) {
		fprintf(stderr, "scandump: '%s': %s\n", argv[i], err);
		return 2;
	}
	if ((rc = nl_scan(v, &o, &m)) < 0) {
		fprintf(stderr, "scandump: '%s': scan failed: %s\n", argv[i], strerror(-rc));
		nl_volume_close(&v);
		return 2;
	}
	struct nl_scan_stats st;

	nl_model_stats(m, &st);
	printf("records %" PRIu64 " in_use %" PRIu64 " extension %" PRIu64 " files %" PRIu64
	       " dirs %" PRIu64 " deleted %" PRIu64 " names %" PRIu64 " dos %" PRIu64
	       " groups %" PRIu64 " group_names %" PRIu64 " reparse %" PRIu64
	       " unreadable %" PRIu64 " problems %" PRIu64 "\n",
	       st.mft_records, st.in_use, st.extension, st.files, st.directories, st.deleted,
	       st.names, st.dos_names, st.hardlink_groups, st.hardlink_names, st.reparse_points,
	       st.reparse_unreadable, st.problems);
	if (!quiet) {
		uint64_t cur = 0, mft;
		unsigned filter = (o.flags & NL_SCAN_DELETED) ? NL_ITER_DELETED : 0;

		if (links_only)
			filter |= NL_ITER_HARDLINKS | NL_ITER_REPARSE;
		while (nl_model_next(m, filter, &cur, &mft) == 0) {
			struct nl_record_info ri;
			uint64_t nc = 0;
			struct nl_name n;

			nl_model_record(m, mft, &ri);
			printf("%" PRIu64 " seq %u%s%s names %u dos %u", mft, ri.seq,
			       (ri.flags & NL_REC_DIRECTORY) ? " dir" : "",
			       (ri.flags & NL_REC_DELETED) ? " deleted" : "", ri.names, ri.dos_names);
			if (ri.flags & NL_REC_REPARSE)
				printf(" reparse 0x%08x%s", ri.reparse_tag,
				       (ri.flags & NL_REC_REPARSE_UNREADABLE) ? " unreadable" : "");
			printf("\n");
			while (nl_model_name_next(m, mft, 0, &nc, &n) == 0) {
				size_t len;
				unsigned pf;

				rc = nl_model_name_path(m, n.id, path, sizeof(path), &len, &pf);
				if (lookups && rc == 0 && !(pf & NL_PATH_ORPHAN)) {
					uint64_t found = 0;

					resolved++;
					if (nl_model_lookup_path(m, path, &found) < 0 || found != mft) {
						mismatches++;
						fprintf(stderr, "scandump: lookup of '%s' gave %" PRIu64
							" instead of %" PRIu64 "\n", path, found, mft);
					}
				}
				printf("  %s%s%s%s%s\n", rc == 0 ? path : "?", n.dos_alias ? " [" : "",
				       n.dos_alias ? n.dos_alias : "", n.dos_alias ? "]" : "",
				       (pf & NL_PATH_ORPHAN) ? " (orphan)" : "");
			}
		}
	}
	if (lookups)
		printf("lookups %" PRIu64 " mismatches %" PRIu64 "\n", resolved, mismatches);
	nl_model_free(&m);
	nl_volume_close(&v);
	return st.problems || mismatches ? 1 : 0;
}
