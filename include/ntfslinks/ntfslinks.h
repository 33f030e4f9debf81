/* ntfslinks.h: umbrella header of the ntfslinks library. */
#ifndef NTFSLINKS_NTFSLINKS_H
#define NTFSLINKS_NTFSLINKS_H

#include <ntfslinks/common.h>

#endif
