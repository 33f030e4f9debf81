/* imgsource.h: an image fuzzer's input as a volume spec the library can open, held in memory. */
#ifndef FZ_IMGSOURCE_H
#define FZ_IMGSOURCE_H

#include <stddef.h>
#include <stdint.h>

struct fz_source {
	char spec[64];      /* what nl_volume_open() takes */
	uint32_t opts;      /* the input's option bits (imgmut.h) */
	size_t size;        /* bytes of the image */
	int fd;
};

/* fz_source_open - decode input @data[0..@size) (imgmut.h) into an image in
 * memory (an anonymous memory file, never on disk) named by @s->spec.
 * Returns 0, or -1 (nothing to close) when the input is too small to be a
 * volume or memory runs out. */
int fz_source_open(struct fz_source *s, const uint8_t *data, size_t size);
void fz_source_close(struct fz_source *s);

#endif
