/* ntfslinks.h: umbrella header of the ntfslinks library: includes every public header (see ntfslinks(3)). */
#ifndef NTFSLINKS_NTFSLINKS_H
#define NTFSLINKS_NTFSLINKS_H

#include <ntfslinks/common.h>
#include <ntfslinks/ondisk.h>
#include <ntfslinks/unistr.h>
#include <ntfslinks/volume.h>
#include <ntfslinks/record.h>
#include <ntfslinks/scan.h>
#include <ntfslinks/reparse.h>
#include <ntfslinks/analysis.h>
#include <ntfslinks/emit.h>
#include <ntfslinks/writer.h>
#include <ntfslinks/copy.h>
#include <ntfslinks/build.h>
#include <ntfslinks/edit.h>
#include <ntfslinks/diff.h>
#include <ntfslinks/delorean.h>

#endif
