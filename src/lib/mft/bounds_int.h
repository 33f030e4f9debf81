/* bounds_int.h (internal): the most the library takes of what an image says a file holds, shared by the scan and the copy engine's libntfs-3g source. */
#ifndef NL_MFT_BOUNDS_INT_H
#define NL_MFT_BOUNDS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/volume.h>

/* The longest $ATTRIBUTE_LIST taken (256 KiB, as libntfs-3g takes): a record's attributes
 * do not need more; the size is the image's word, checked before libntfs-3g sees the record */
#define NL_ATTR_LIST_MAX (256u << 10)

/* The most names a file takes: NTFS allows 1024 links, each a long name and a DOS name at
 * most; more come only from a damaged image (extension records credited to one base) */
#define NL_NAMES_MAX 2048u

/*
 * nl_attr_list_check - may libntfs-3g open record @mft of @vol?  The record is read from
 * $MFT (through libntfs-3g's $MFT attribute, so a writer's cache is seen) and parsed by the
 * record parser: an $ATTRIBUTE_LIST longer than NL_ATTR_LIST_MAX gives -EFBIG with
 * "record N: attribute list of B bytes, more than 262144" (the scan's words) in @why.  A
 * record that cannot be read or parsed here is left to libntfs-3g, which refuses it (0).
 * Returns 0, -EFBIG, -ENOMEM.
 */
int nl_attr_list_check(ntfs_volume *vol, uint64_t mft, char *why, size_t whylen);

#endif
