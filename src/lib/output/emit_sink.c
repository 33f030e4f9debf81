/* emit_sink.c: where rendered rows go: the emitter's write callback and its sticky error. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "output/emit_int.h"

int emit_file_write(void *ctx, const void *buf, size_t len)
{
	FILE *fp = ctx;

	if (len && fwrite(buf, 1, len, fp) != len)
		return errno ? -errno : -EIO;
	if (ferror(fp))
		return -EIO;
	return 0;
}

int emit_out(nl_emit *e, struct obuf *b)
{
	int rc;

	if (b->oom) {
		b->n = 0;
		b->oom = false;
		if (!e->err)
			e->err = -ENOMEM;
		return e->err;
	}
	if (e->err) {
		b->n = 0;
		return e->err;
	}
	rc = b->n ? e->fn(e->ctx, b->p, b->n) : 0;
	b->n = 0;
	if (rc)
		e->err = rc < 0 ? rc : -EIO;
	return e->err;
}
