/* fuzz_reparse.c: libFuzzer harness for the reparse decoder and target parser (reparse.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/reparse.h>
#include <ntfslinks/unistr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walk a decoded name through everything that consumes names downstream. */
static void exercise_name(const char *name, size_t len, bool relative)
{
	struct nl_target t;
	char *s = NULL;
	size_t n;

	if (!name)
		return;
	n = nl_escape(name, len, 0, NULL, 0);
	s = malloc(n + 1);
	if (s) {
		nl_escape(name, len, 0, s, n + 1);
		free(s);
	}
	if (nl_target_parse(name, relative, &t) == 0) {
		for (int st = NL_TSTYLE_NT; st <= NL_TSTYLE_SLASH; st++) {
			if (nl_target_format(&t, (enum nl_target_style)st, &s) == 0)
				free(s);
		}
		if (t.kind == NL_TGT_RELATIVE && nl_path_resolve("/a/b", t.path, &s, NULL) == 0)
			free(s);
		nl_target_clear(&t);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_reparse *r = NULL;
	uint8_t *b = NULL;
	size_t n = 0;
	char *hex = NULL;

	/* the decoder must cope with exactly @size bytes: copy so ASan sees overreads */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (nl_reparse_decode(copy, size, &r) != -ENOMEM && r) {
		exercise_name(r->substitute_name, r->substitute_len, r->relative);
		exercise_name(r->print_name, r->print_len, r->relative);
		for (size_t i = 0; i < r->nstrings; i++)
			exercise_name(r->strings[i], strlen(r->strings[i]), false);
		if (nl_hex(r->data, r->data_size, &hex) == 0)
			free(hex);
		/* what decodes cleanly must rebuild to a buffer that decodes the same */
		if (!r->problem && (r->type == NL_RP_JUNCTION || r->type == NL_RP_MOUNT_POINT ||
				    r->type == NL_RP_SYMLINK) &&
		    nl_wtf8_valid(r->substitute_name, r->substitute_len) &&
		    strlen(r->substitute_name) == r->substitute_len &&
		    strlen(r->print_name) == r->print_len &&
		    nl_reparse_build_link(r->tag, r->substitute_name, r->print_name,
					  r->symlink_flags, &b, &n) == 0) {
			struct nl_reparse *r2 = NULL;

			if (nl_reparse_decode(b, n, &r2) != 0 ||
			    strcmp(r2->substitute_name, r->substitute_name) != 0 ||
			    strcmp(r2->print_name, r->print_name) != 0 ||
			    r2->symlink_flags != r->symlink_flags)
				abort();
			nl_reparse_free(&r2);
			free(b);
		}
	}
	nl_reparse_free(&r);
	free(copy);
	return 0;
}
