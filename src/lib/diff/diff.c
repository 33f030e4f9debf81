/* diff.c: comparing two trees (nl_diff_*): the two trees walked side by side in path order, entry against entry. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ntfslinks/copy.h>
#include <ntfslinks/diff.h>

#include "diff/diff_int.h"

static const char *const what_names[NL_DIFF__COUNT] = {
	[NL_DIFF_ONLY_A] = "only-a",
	[NL_DIFF_ONLY_B] = "only-b",
	[NL_DIFF_TYPE] = "type",
	[NL_DIFF_HARDLINKS] = "hardlinks",
	[NL_DIFF_TARGET] = "target",
	[NL_DIFF_REPARSE] = "reparse",
	[NL_DIFF_STREAMS] = "streams",
	[NL_DIFF_DATA] = "data",
	[NL_DIFF_TIMES] = "times",
	[NL_DIFF_ATTRIBUTES] = "attributes",
	[NL_DIFF_DOS_NAME] = "dos-name",
	[NL_DIFF_SECURITY] = "security",
	[NL_DIFF_ERROR] = "error",
};

const char *nl_diff_what_name(enum nl_diff_what w)
{
	return (unsigned)w < NL_DIFF__COUNT ? what_names[w] : "unknown";
}

void nl_diff_options_init(struct nl_diff_options *o)
{
	memset(o, 0, sizeof(*o));
}

int nl_diff_new(const struct nl_diff_options *o, nl_diff **out)
{
	struct nl_copy_options co;
	struct nl_diff *d;
	int rc;

	*out = NULL;
	if (!o)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->o = *o;
	nl_copy_options_init(&co);
	co.src_drive = o->drive;
	co.dry_run = true;
	rc = nl_copy_new(&co, &d->job);
	if (rc) {
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int nl_diff_add_tree(nl_diff *d, const char *spec)
{
	int rc;

	if (d->job->nsrc >= 2) {
		snprintf(d->err, sizeof(d->err), "only two trees are compared");
		return -EINVAL;
	}
	rc = nl_copy_add_source(d->job, spec);
	if (rc) {
		snprintf(d->err, sizeof(d->err), "%s", nl_copy_error(d->job));
		return rc;
	}
	d->t[d->job->nsrc - 1].s = d->job->src[d->job->nsrc - 1];
	return 0;
}

/* The index past entry @i of @t and everything inside it. */
static size_t past_contents(const struct df_tree *t, size_t i)
{
	size_t k = i + 1;

	if (!*t->e[i].rel)
		return t->n;
	while (k < t->n && path_under(t->e[k].rel, t->e[i].rel))
		k++;
	return k;
}

static bool same_bytes(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	return la == lb && (!la || !memcmp(a, b, la));
}

/* The DOS name of @e, NULL when none or when it is the name itself in
 * capitals (a name in both namespaces, which an ntfs-3g mount reports as
 * its DOS name). */
static const char *dos_name(const struct df_entry *e)
{
	const char *leaf = strrchr(e->rel, '/');

	if (!e->st.dos_name || (leaf && !strcasecmp(leaf + 1, e->st.dos_name)))
		return NULL;
	return e->st.dos_name;
}

/* Compare entries @ea and @eb at the same path. Returns whether their
 * contents (for folders) are to be compared too, or -ENOMEM. */
static int compare_entry(struct nl_diff *d, const struct df_entry *ea, const struct df_entry *eb)
{
	char bufa[64], bufb[64];
	const char *ka = df_kind(&ea->st, bufa, sizeof(bufa));
	const char *kb = df_kind(&eb->st, bufb, sizeof(bufb));
	struct df_file *fa = ea->file != SIZE_MAX ? &d->t[0].files[ea->file] : NULL;
	struct df_file *fb = eb->file != SIZE_MAX ? &d->t[1].files[eb->file] : NULL;
	bool once = true;

	d->st.compared++;
	if (strcmp(ka, kb)) {
		df_report(d, NL_DIFF_TYPE, ea->rel, ka, kb, NULL);
		return 0;
	}
	if (fa && fb && strcmp(fa->names, fb->names))
		df_report(d, NL_DIFF_HARDLINKS, ea->rel, fa->names, fb->names, NULL);
	if (ea->target && eb->target && strcmp(ea->target, eb->target))
		df_report(d, NL_DIFF_TARGET, ea->rel, ea->target, eb->target, NULL);
	else if (ea->st.type == CP_T_REPARSE && !ea->target &&
		 !same_bytes(ea->st.reparse, ea->st.reparse_len, eb->st.reparse, eb->st.reparse_len))
		df_report(d, NL_DIFF_REPARSE, ea->rel, ka, kb, "the reparse data differs");
	if (!d->o.content)
		return ea->st.type == CP_T_DIR;
	if ((dos_name(ea) || dos_name(eb)) &&
	    (!dos_name(ea) || !dos_name(eb) || strcmp(dos_name(ea), dos_name(eb))))
		df_report(d, NL_DIFF_DOS_NAME, ea->rel, dos_name(ea), dos_name(eb), NULL);
	if (fa && fb) {
		/* a file's own differences once, at its first name with this pair */
		once = fa->peer != (size_t)(fb - d->t[1].files);
		fa->peer = (size_t)(fb - d->t[1].files);
	}
	if (once) {
		int rc = df_compare_content(d, ea, eb);

		if (rc)
			return rc;
	}
	return ea->st.type == CP_T_DIR;
}

/* Walk both sorted trees side by side. */
static int merge(struct nl_diff *d)
{
	struct df_tree *a = &d->t[0], *b = &d->t[1];
	size_t i = 0, j = 0;
	char buf[64];
	int rc = 0, c;

	while (i < a->n || j < b->n) {
		if (d->o.progress && !(i & 1023) && d->o.progress(d->o.progress_ctx, i, a->n))
			return -ECANCELED;
		c = i < a->n && j < b->n ? df_path_cmp(a->e[i].rel, b->e[j].rel) : i < a->n ? -1 : 1;
		if (c < 0) {
			if (!a->e[i].st.err)
				df_report(d, NL_DIFF_ONLY_A, a->e[i].rel,
					  df_kind(&a->e[i].st, buf, sizeof(buf)), NULL, NULL);
			i = past_contents(a, i);
			continue;
		}
		if (c > 0) {
			if (!b->e[j].st.err)
				df_report(d, NL_DIFF_ONLY_B, b->e[j].rel, NULL,
					  df_kind(&b->e[j].st, buf, sizeof(buf)), NULL);
			j = past_contents(b, j);
			continue;
		}
		/* unreadable on either side: reported already, left out with its contents */
		rc = a->e[i].st.err || b->e[j].st.err ? 0 : compare_entry(d, &a->e[i], &b->e[j]);
		if (rc < 0)
			return rc;
		if (rc) {
			i++;
			j++;
		} else {
			i = past_contents(a, i);
			j = past_contents(b, j);
		}
	}
	if (d->o.progress)
		d->o.progress(d->o.progress_ctx, a->n, a->n);
	return 0;
}

int nl_diff_run(nl_diff *d)
{
	int rc;

	if (d->job->nsrc != 2) {
		snprintf(d->err, sizeof(d->err), "two trees are needed");
		return -EINVAL;
	}
	d->bufsz = 1u << 20;
	d->buf[0] = malloc(d->bufsz);
	d->buf[1] = malloc(d->bufsz);
	rc = d->buf[0] && d->buf[1] ? 0 : -ENOMEM;
	for (int side = 0; side < 2 && !rc; side++)
		rc = df_tree_load(d, side);
	if (!rc)
		rc = merge(d);
	if (rc) {
		snprintf(d->err, sizeof(d->err), "%s", strerror(-rc));
		return rc;
	}
	for (int w = 0; w < NL_DIFF__COUNT; w++)
		if (d->st.counts[w])
			return 1;
	return 0;
}

void nl_diff_get_stats(const nl_diff *d, struct nl_diff_stats *st)
{
	*st = d->st;
}

const char *nl_diff_error(const nl_diff *d)
{
	return d ? d->err : "";
}

void nl_diff_free(nl_diff **dp)
{
	struct nl_diff *d = dp ? *dp : NULL;

	if (!d)
		return;
	df_tree_free(&d->t[0]);
	df_tree_free(&d->t[1]);
	nl_copy_free(&d->job);
	free(d->buf[0]);
	free(d->buf[1]);
	free(d);
	*dp = NULL;
}
