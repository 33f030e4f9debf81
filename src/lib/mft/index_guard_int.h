/* index_guard_int.h (internal): a folder's $I30 index checked (nl_index_check) before libntfs-3g looks a name up in it or lists it, the verdict kept per folder record of one open volume. */
#ifndef NL_MFT_INDEX_GUARD_INT_H
#define NL_MFT_INDEX_GUARD_INT_H

#include <stddef.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/inode.h>

/* The verdicts of one open volume (NULL: none yet; made on first use). */
struct nl_ixguard;

/*
 * nl_ixguard_check - may libntfs-3g walk the index of the open folder @dir?  The first
 * time for a record (and sequence number) its $INDEX_ROOT, $INDEX_ALLOCATION and $BITMAP
 * are read through libntfs-3g (sizes bounded by the volume first) and the tree walked by
 * nl_index_check(); the verdict is kept in *@g and given again from there.  @dir that is
 * not a folder is not checked (0).
 * Returns 0 (sound), -EUCLEAN with "record N: damaged folder index: REASON" in @why,
 * -ENOMEM.
 */
int nl_ixguard_check(struct nl_ixguard **g, ntfs_inode *dir, char *why, size_t whylen);

/* Free the verdicts of *@g and set it to NULL. */
void nl_ixguard_free(struct nl_ixguard **g);

#endif
