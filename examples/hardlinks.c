/* hardlinks.c: list the hardlink groups of an NTFS image with the public ntfslinks API.
 * Build: cc -o hardlinks hardlinks.c $(pkg-config --cflags --libs ntfslinks) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ntfslinks/ntfslinks.h>

static int fail(const char *what, const char *reason)
{
	fprintf(stderr, "hardlinks: '%s': %s\n", what, reason);
	return 1;
}

int main(int argc, char **argv)
{
	char err[NL_ERRMSG_SIZE], path[NL_PATH_BUF];
	nl_volume *vol = NULL;
	nl_model *model = NULL;
	uint64_t cursor = 0, mft, groups = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "Usage: hardlinks IMAGE\n");
		return 2;
	}
	if ((rc = nl_volume_open(argv[1], NULL, &vol, err, sizeof err)) < 0)
		return fail(argv[1], *err ? err : strerror(-rc));
	if ((rc = nl_scan(vol, NULL, &model)) < 0) {
		nl_volume_close(&vol);
		return fail(argv[1], strerror(-rc));
	}
	while (nl_model_next(model, NL_ITER_HARDLINKS, &cursor, &mft) == 0) {
		struct nl_record_info info;
		struct nl_name name;
		uint64_t names = 0;
		size_t len;
		char *shown;

		nl_model_record(model, mft, &info);
		printf("record %llu: %u names\n", (unsigned long long)mft, info.names);
		while (nl_model_name_next(model, mft, 0, &names, &name) == 0)
			if (nl_model_name_path(model, name.id, path, sizeof path, &len, NULL) == 0 &&
			    nl_escape_dup(path, len, 0, &shown) == 0) {
				printf("  %s\n", shown);
				free(shown);
			}
		groups++;
	}
	printf("%llu hardlink groups\n", (unsigned long long)groups);
	nl_model_free(&model);
	nl_volume_close(&vol);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : fail("stdout", "write error");
}
