/* sim/build/build_log.h — a failed link's output in one line, for
 * build.c (private to sim/build). */
#ifndef HVSIM_BUILD_LOG_H
#define HVSIM_BUILD_LOG_H

#include <stddef.h>

/* err from the linker's output LOG: a missing entry point of
 * <hvsim/platform.h> (LOG emptied: the linker's noise is not shown), another
 * undefined symbol, or just "failed". */
void build_link_error(char *log, int hv, char *err, size_t errlen);

#endif
