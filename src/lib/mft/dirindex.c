/* dirindex.c: names that only a folder's $I30 index still holds, for records the scan could not read. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/dir.h>

#include <ntfslinks/scan.h>
#include <ntfslinks/unistr.h>
#include "image/volume_int.h"
#include "mft/index_guard_int.h"
#include "mft/model_int.h"

/* libntfs-3g keeps no locks of its own; the scan model may be queried from several threads */
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

int nl_model_unreadable_child(const nl_model *m, uint64_t dir, const char *name, size_t len,
			      uint64_t *mft)
{
	ntfs_volume *nv = nl_volume_ntfs(m->vol);
	uint16_t *u = NULL;
	size_t ulen = 0;
	ntfs_inode *ni;
	u64 mref = (u64)-1;
	char why[256];
	int rc;

	if (!nv || dir >= m->nrec || !(m->recs[dir].flags & MR_KEPT) ||
	    !(m->recs[dir].flags & NL_REC_IN_USE) || !(m->recs[dir].flags & NL_REC_DIRECTORY))
		return -ENOENT;
	rc = nl_wtf8_to_utf16le(name, len, NL_NAME_MAX_UNITS, &u, &ulen);
	if (rc)
		return rc == -ENOMEM ? rc : -ENOENT;
	pthread_mutex_lock(&index_lock);
	ni = ntfs_inode_open(nv, MK_MREF(dir, m->recs[dir].seq));
	/* a damaged index is not walked (the name is not found); the verdicts are a cache
	 * kept with the model, written under the lock */
	if (ni && nl_ixguard_check(&((struct nl_model *)m)->ixg, ni, why, sizeof(why)) == 0)
		mref = ntfs_inode_lookup_by_name(ni, (const ntfschar *)u, (int)ulen);
	if (ni)
		ntfs_inode_close(ni);
	pthread_mutex_unlock(&index_lock);
	free(u);
	if (mref == (u64)-1 || MREF(mref) >= m->nrec ||
	    !(m->recs[MREF(mref)].flags & NL_REC_PROBLEM))
		return -ENOENT;  /* no such name, or a record that was read */
	*mft = MREF(mref);
	return 0;
}
