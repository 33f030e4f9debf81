/* writer_fault.c: injected write faults of the writer's device, for tests: every write to the image is counted, and the Nth (or every one from the Nth) fails as a full or failing device would. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "writer/writer_int.h"

static struct {
	unsigned long nth;	/* 0: off */
	unsigned long writes;
	unsigned long mirror[16];	/* the first writes of the mirror */
	unsigned nmirror;
	int err;
	enum nl_w_fault_kind kind;
	uint64_t (*done)[2];	/* NL_W_FAULT_FULL: byte ranges written, [start, end) */
	size_t ndone, capdone;
} fault;

void nl_w_fault_inject(unsigned long nth, int err)
{
	fault.nth = nth;
	fault.err = err;
	fault.writes = 0;
	fault.nmirror = 0;
	fault.kind = NL_W_FAULT_STICKY;
	fault.ndone = 0;
}

void nl_w_fault_set_kind(enum nl_w_fault_kind kind)
{
	fault.kind = kind;
}

/* NL_W_FAULT_FULL: were the N bytes at OFF all written before (since the fault was set)? */
static bool fault_rewrite(uint64_t off, uint64_t n)
{
	for (uint64_t end = off + n; off < end;) {
		size_t i;

		for (i = 0; i < fault.ndone; i++)
			if (fault.done[i][0] <= off && off < fault.done[i][1])
				break;
		if (i == fault.ndone)
			return false;
		off = fault.done[i][1];
	}
	return true;
}

/* NL_W_FAULT_FULL: remember N bytes at OFF as written. */
static void fault_note(uint64_t off, uint64_t n)
{
	if (fault.ndone == fault.capdone) {
		size_t cap = fault.capdone ? fault.capdone * 2 : 64;
		uint64_t (*v)[2] = realloc(fault.done, cap * sizeof(*v));

		if (!v)
			return;	/* a test's bookkeeping: the range counts as new */
		fault.done = v;
		fault.capdone = cap;
	}
	fault.done[fault.ndone][0] = off;
	fault.done[fault.ndone++][1] = off + n;
}

/* Does the write of N bytes at OFF, number fault.writes, fail? */
static bool fault_hits(uint64_t off, uint64_t n)
{
	bool hit = fault.nth && fault.writes >= fault.nth;

	switch (fault.kind) {
	case NL_W_FAULT_ONCE:
		return fault.nth && fault.writes == fault.nth;
	case NL_W_FAULT_FULL:
		if (hit && fault_rewrite(off, n))
			return false;
		if (!hit)
			fault_note(off, n);
		return hit;
	default:
		return hit;
	}
}

unsigned long nl_w_fault_writes(void)
{
	return fault.writes;
}

unsigned long nl_w_fault_mirror_write(unsigned i)
{
	return i < fault.nmirror ? fault.mirror[i] : 0;
}

/* The write of @n bytes at @off, counted: 0, or the errno it fails with. */
int nl_w_fault_write(uint64_t off, uint64_t n)
{
	fault.writes++;
	return fault_hits(off, n) ? fault.err : 0;
}

/* The write just counted went to $MFTMirr. */
void nl_w_fault_mirror_note(void)
{
	if (fault.nmirror < sizeof(fault.mirror) / sizeof(fault.mirror[0]))
		fault.mirror[fault.nmirror++] = fault.writes;
}
