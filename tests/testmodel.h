/* testmodel.h: helpers shared by the Check suites that scan an image into a model and classify
 * its links: open and scan, look a path up, check one link against what the fixture makes it
 * (header-only). */
#ifndef NL_TESTS_TESTMODEL_H
#define NL_TESTS_TESTMODEL_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include <ntfslinks/analysis.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/volume.h>

/* tu_open_model: open @image into @vol and scan it into @model with @threads workers (0: the
 * library's choice). */
static inline void tu_open_model(const char *image, unsigned threads, nl_volume **vol,
				 nl_model **model)
{
	struct nl_scan_options so = { 0 };
	char err[512];

	so.threads = threads;
	ck_assert_msg(nl_volume_open(image, NULL, vol, err, sizeof(err)) == 0, "open: %s", err);
	ck_assert_int_eq(nl_scan(*vol, &so, model), 0);
}

static inline void tu_close_model(nl_volume **vol, nl_model **model)
{
	nl_model_free(model);
	nl_volume_close(vol);
}

/* tu_lookup: the record of @path, which must be in @model. */
static inline uint64_t tu_lookup(nl_model *model, const char *path)
{
	uint64_t mft = 0;

	ck_assert_msg(nl_model_lookup_path(model, path, &mft) == 0, "lookup %s", path);
	return mft;
}

/* What one link must read as under two anchors. */
struct tu_link_want {
	const char *path;
	const char *type;               /* nl_reparse.name; NULL: not checked */
	enum nl_link_class cls;         /* with the root as anchor */
	enum nl_link_class cls2;        /* with the suite's second anchor */
	const char *target_path;        /* first hop on this volume, NULL if none */
	const char *reason;             /* NULL: none */
};

/* tu_check_link: the link at @w->path in @model reads in @a as @w says, with class @cls. */
static inline void tu_check_link(const nl_analysis *a, nl_model *model,
				 const struct tu_link_want *w, enum nl_link_class cls)
{
	struct nl_link_info li;
	uint64_t mft = tu_lookup(model, w->path);

	ck_assert_int_eq(nl_analysis_link(a, mft, &li), 0);
	ck_assert_uint_eq(li.mft, mft);
	if (w->type) {
		ck_assert_msg(li.rp != NULL, "%s: reparse data not read", w->path);
		ck_assert_msg(strcmp(li.rp->name, w->type) == 0, "%s: type %s", w->path, li.rp->name);
	}
	ck_assert_msg(li.cls == cls, "%s: class %s, expected %s (%s)", w->path,
		      nl_link_class_name(li.cls), nl_link_class_name(cls), li.reason ? li.reason : "");
	if (w->target_path)
		ck_assert_msg(li.target_path && strcmp(li.target_path, w->target_path) == 0,
			      "%s: target path %s", w->path, li.target_path ? li.target_path : "(null)");
	else
		ck_assert_msg(li.target_path == NULL, "%s: target path %s", w->path, li.target_path);
	if (w->reason)
		ck_assert_msg(li.reason && strcmp(li.reason, w->reason) == 0, "%s: reason %s",
			      w->path, li.reason ? li.reason : "(null)");
	else
		ck_assert_msg(li.reason == NULL, "%s: reason %s", w->path, li.reason);
}

#endif
