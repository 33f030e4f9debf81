/* killdelorean.c: test driver: 'ntfslinks delorean' through the library, the process killed (SIGKILL) as one named step begins, as a run cut short by a crash or a power cut at that point. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ntfslinks/delorean.h>

/* SIGKILL as the step named @ctx begins. */
static int on_step(void *ctx, const struct nl_delorean_event *ev)
{
	if (!strcmp(nl_delorean_step_name(ev->step), ctx)) {
		fflush(stdout);
		raise(SIGKILL);
	}
	return 0;
}

/*
 * Usage: killdelorean STEP SECONDS SOURCE BACKUPDIR
 * Runs 'ntfslinks delorean SOURCE BACKUPDIR' with the time SECONDS (since
 * 1970, UTC) and kills itself as STEP ("copy", "clone", "mirror", "rename")
 * begins. Exit 0 when the run ended without reaching STEP, 1 when it
 * failed, 2 on misuse.
 */
int main(int argc, char **argv)
{
	struct nl_delorean_options o;
	nl_delorean *d = NULL;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: killdelorean STEP SECONDS SOURCE BACKUPDIR\n");
		return 2;
	}
	nl_delorean_options_init(&o);
	o.when = strtoll(argv[2], NULL, 10);
	o.on_step = on_step;
	o.step_ctx = argv[1];
	rc = nl_delorean_new(&o, argv[3], argv[4], &d);
	if (!rc)
		rc = nl_delorean_run(d);
	if (rc)
		fprintf(stderr, "killdelorean: %s\n", d ? nl_delorean_error(d) : "out of memory");
	nl_delorean_free(&d);
	return rc ? 1 : 0;
}
