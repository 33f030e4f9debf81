/* build.c: the public entry points of the image builder: parsing a spec, building an image from it, describing it, and bulk builds. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ntfslinks/build.h>
#include <ntfslinks/writer.h>

#include "build/build_int.h"
#include "build/mem_int.h"
#include "build/spec_int.h"

/* 2010-01-01T00:00:00Z */
#define DEFAULT_TIME 129067776000000000LL

int nl_spec_parse(const char *file, struct nl_spec **out, char *err, size_t errsize)
{
	struct nl_spec *sp;
	jmp_buf jb, *prev;
	int rc;

	*out = NULL;
	if (errsize)
		err[0] = '\0';
	sp = calloc(1, sizeof(*sp));
	if (!sp) {
		build_msg(err, errsize, "'%s': %s", file, strerror(ENOMEM));
		return -ENOMEM;
	}
	sp->err = err;
	sp->errsize = errsize;
	BUILD_ENTER(jb, prev);
	if (setjmp(jb)) {
		BUILD_LEAVE(prev);
		build_msg(err, errsize, "'%s': %s", file, strerror(ENOMEM));
		spec_free(sp);
		free(sp);
		return -ENOMEM;
	}
	rc = spec_parse(file, sp);
	BUILD_LEAVE(prev);
	sp->err = NULL;
	sp->errsize = 0;
	if (rc) {
		spec_free(sp);
		free(sp);
		return -EINVAL;
	}
	*out = sp;
	return 0;
}

void nl_spec_free(struct nl_spec **sp)
{
	if (!sp || !*sp)
		return;
	spec_free(*sp);
	free(*sp);
	*sp = NULL;
}

/* start_build: an empty build: the root directory and nothing else. */
static void start_build(struct ctx *c, struct nl_spec *sp)
{
	c->sp = sp;
	c->deftime = DEFAULT_TIME;
	c->patbuf = build_malloc(1 << 20);
	name_grow(c);
	c->root = new_obj(c, true);
	c->root->ref = NL_WRITER_ROOT;
	c->root->nlinks = 1;
	name_put(c, "/", c->root);
	c->root->nnames = 0; /* the root's own name is not a link */
}

/* image_statement: the leading 'image' and 'default-time' statements, read
 * from *@i on (left past them); @defimg when there is no 'image'.  NULL,
 * after the message, when 'image' is given twice. */
static struct op *image_statement(struct ctx *c, struct nl_spec *sp, size_t *i, struct op *defimg)
{
	struct op *img = NULL;

	memset(defimg, 0, sizeof(*defimg));
	defimg->img_size = 64ull << 20;
	defimg->sector = 512;
	for (; *i < sp->nops && (sp->ops[*i].kind == OP_DEFAULT_TIME || sp->ops[*i].kind == OP_IMAGE);
	     (*i)++) {
		if (sp->ops[*i].kind != OP_IMAGE) {
			c->deftime = sp->ops[*i].times.t[0];
			continue;
		}
		if (img) {
			spec_error(sp, sp->ops[*i].line, "'image' given twice");
			return NULL;
		}
		img = &sp->ops[*i];
		if (!img->img_size)
			img->img_size = 64ull << 20;
		if (!img->sector)
			img->sector = 512;
	}
	return img ? img : defimg;
}

/* open_image: format @tmp as @img says (@line: its spec line) and open it
 * for writing.  Returns 0 or -errno after the message. */
static int open_image(struct ctx *c, const struct op *img, int line, const char *tmp)
{
	struct nl_format_opts fo;
	char err[512];
	int r;

	memset(&fo, 0, sizeof(fo));
	fo.size = img->img_size;
	fo.cluster_size = img->cluster;
	fo.sector_size = img->sector;
	fo.label = img->label;
	r = nl_writer_format(tmp, &fo, err, sizeof(err));
	if (r) {
		spec_error(c->sp, line, "cannot format: %s", err);
		return r;
	}
	r = nl_writer_open(tmp, 0, 0, &c->w);
	if (r) {
		build_msg(c->sp->err, c->sp->errsize, "'%s': cannot open the new image: %s", tmp,
			  strerror(-r));
		return r;
	}
	nl_writer_geometry(c->w, &c->cluster, &c->mftrec, NULL);
	return 0;
}

/* run_statements: the statements from @i on, then the times of every live
 * object, last and directories after their contents.  Returns 0 or -EINVAL
 * after the message. */
static int run_statements(struct ctx *c, size_t i)
{
	struct nl_spec *sp = c->sp;
	int rc = 0;

	for (; i < sp->nops && rc == 0; i++)
		rc = apply_op(c, &sp->ops[i]);
	for (i = c->nobjs; rc == 0 && i-- > 0;) {
		struct obj *o = c->objs[i];
		if (o->deleted)
			continue;
		if (set_times(c, o)) {
			build_msg(sp->err, sp->errsize, "'%s': cannot set times: %s", sp->file, werr(c));
			rc = -1;
		}
	}
	return rc ? -EINVAL : 0;
}

/* write_truth: the ground truth into the file @truth.  Returns 0 or -errno
 * after the message. */
static int write_truth(struct ctx *c, const char *truth, const struct op *img)
{
	FILE *f = fopen(truth, "w");
	int rc;

	if (!f) {
		rc = -errno;
		build_msg(c->sp->err, c->sp->errsize, "'%s': %s", truth, strerror(-rc));
		return rc;
	}
	describe(c, f, true, img);
	rc = ferror(f) ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc)
		build_msg(c->sp->err, c->sp->errsize, "'%s': %s", truth, strerror(-rc));
	return rc;
}

/* run_build: the work of nl_spec_build and (@image NULL) nl_spec_describe
 * into @out, on @c (zeroed, owned by the caller, freed by it even after an
 * unwinding).  @tmp: IMAGE.tmp.  Returns 0 or -errno after the message. */
static int run_build(struct ctx *c, struct nl_spec *sp, const char *image, const char *tmp,
		     const struct nl_build_opts *o, FILE *out)
{
	struct op defimg, *img;
	size_t i = 0;
	int rc = 0, r;

	start_build(c, sp);
	img = image_statement(c, sp, &i, &defimg);
	if (!img)
		return -EINVAL;
	if (image) {
		if (o && o->freeze_clock)
			o->freeze_clock(true, c->deftime, o->clock_arg);
		rc = open_image(c, img, img == &defimg ? 1 : img->line, tmp);
	}
	if (rc == 0)
		rc = run_statements(c, i);
	if (c->w) {
		r = nl_writer_close(&c->w);
		if (r && rc == 0) {
			build_msg(sp->err, sp->errsize, "'%s': writing the image failed: %s", tmp,
				  strerror(-r));
			rc = r;
		}
	}
	if (rc == 0 && image && rename(tmp, image)) {
		rc = -errno;
		build_msg(sp->err, sp->errsize, "'%s': %s", image, strerror(-rc));
	}
	if (rc == 0 && image && o && o->truth)
		rc = write_truth(c, o->truth, img);
	if (rc == 0 && !image) {
		describe(c, out, false, img);
		if (fflush(out) || ferror(out))
			rc = -EIO;
	}
	return rc;
}

/* spec_run: nl_spec_build (@image set) or nl_spec_describe (@out set). */
static int spec_run(struct nl_spec *sp, const char *image, const struct nl_build_opts *o,
		    FILE *out, char *err, size_t errsize)
{
	struct ctx *c;
	char *volatile tmp = NULL;      /* volatile: read after an unwinding */
	jmp_buf jb, *prev;
	int rc;

	if (errsize)
		err[0] = '\0';
	sp->err = err;
	sp->errsize = errsize;
	c = calloc(1, sizeof(*c));
	if (image && c)
		tmp = malloc(strlen(image) + 5);
	if (!c || (image && !tmp)) {
		rc = -ENOMEM;
		goto out;
	}
	if (image)
		sprintf(tmp, "%s.tmp", image);
	BUILD_ENTER(jb, prev);
	if (setjmp(jb)) {
		rc = -ENOMEM;
		if (c->w)
			nl_writer_close(&c->w);
	} else {
		rc = run_build(c, sp, image, tmp, o, out);
	}
	BUILD_LEAVE(prev);
	if (image && o && o->freeze_clock)
		o->freeze_clock(false, 0, o->clock_arg);
	ctx_free(c);
out:
	if (rc == -ENOMEM)
		build_msg(err, errsize, "'%s': %s", image ? image : sp->file, strerror(ENOMEM));
	if (rc && image) {
		if (tmp)
			unlink(tmp);
		unlink(image);
		if (o && o->truth)
			unlink(o->truth);
	}
	sp->err = NULL;
	sp->errsize = 0;
	free(tmp);
	free(c);
	return rc;
}

int nl_spec_build(struct nl_spec *sp, const char *image, const struct nl_build_opts *opts,
		  char *err, size_t errsize)
{
	return spec_run(sp, image, opts, NULL, err, errsize);
}

int nl_spec_describe(struct nl_spec *sp, FILE *out, char *err, size_t errsize)
{
	return spec_run(sp, NULL, NULL, out, err, errsize);
}
