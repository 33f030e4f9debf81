/* imgsource.c: an image fuzzer's input as a volume spec the library can open, held in memory. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

#include "imgmut.h"
#include "imgsource.h"

int fz_source_open(struct fz_source *s, const uint8_t *data, size_t size)
{
	uint8_t *img;
	size_t n, done = 0;

	if (fz_decode(data, size, &img, &n, &s->opts) < 0)
		return -1;
	s->size = n;
	s->fd = n >= 512 ? memfd_create("fuzz-image", MFD_CLOEXEC) : -1;
	while (s->fd >= 0 && done < n) {
		ssize_t w = write(s->fd, img + done, n - done);

		if (w <= 0) {
			close(s->fd);
			s->fd = -1;
			break;
		}
		done += (size_t)w;
	}
	free(img);
	if (s->fd < 0)
		return -1;
	snprintf(s->spec, sizeof(s->spec), "/proc/self/fd/%d", s->fd);
	return 0;
}

void fz_source_close(struct fz_source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
