/* faultcopy.c: test driver: 'ntfslinks copy' of SOURCE into DEST (an image) through the copy API with a write fault injected at the device under libntfs-3g (writer_int.h: nl_w_fault_inject). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntfslinks/copy.h>

#include "writer/writer_int.h"

/*
 * Usage: faultcopy N ERR SOURCE DEST
 * Copies SOURCE into DEST (as 'ntfslinks copy SOURCE DEST' does, --crop)
 * with the Nth write that reaches an image, and every later one, failing
 * with ERR (ENOSPC or EIO; N 0: no fault).  Prints one line
 *   result RC writes W mirror M1,M2,...
 * (RC: what nl_copy_run returned, or the -errno of the step that failed
 * before it; W: the writes that reached or would have reached the image;
 * Mi: the numbers of those that wrote $MFTMirr, 0 if none)
 * and on a failure the job's message on stderr.  Exit 0 when the copy
 * finished (RC 0), 1 when it did not, 2 on misuse.
 */
int main(int argc, char **argv)
{
	struct nl_copy_options o;
	nl_copy *c = NULL;
	unsigned long nth;
	int err, rc;

	if (argc != 5) {
		fprintf(stderr, "usage: faultcopy N ENOSPC|EIO SOURCE DEST\n");
		return 2;
	}
	nth = strtoul(argv[1], NULL, 10);
	if (!strcmp(argv[2], "ENOSPC"))
		err = ENOSPC;
	else if (!strcmp(argv[2], "EIO"))
		err = EIO;
	else
		return 2;
	nl_copy_options_init(&o);
	rc = nl_copy_new(&o, &c);
	if (rc == 0)
		rc = nl_copy_add_source(c, argv[3]);
	nl_w_fault_inject(nth, err);
	if (rc == 0)
		rc = nl_copy_set_dest(c, argv[4]);
	if (rc == 0)
		rc = nl_copy_run(c);
	printf("result %d writes %lu mirror %lu", rc, nl_w_fault_writes(), nl_w_fault_mirror_write(0));
	for (unsigned i = 1; nl_w_fault_mirror_write(i); i++)
		printf(",%lu", nl_w_fault_mirror_write(i));
	printf("\n");
	if (rc)
		fprintf(stderr, "faultcopy: %s\n", c ? nl_copy_error(c) : strerror(-rc));
	nl_copy_free(&c);
	return rc ? 1 : 0;
}
