/* version.c: the library's version string, filled in by configure. */
#include "config.h"

#include <ntfslinks/common.h>

const char *nl_version(void)
{
	return PACKAGE_VERSION;
}
