/* sim/build/build_log.h — compiler and linker output for build.c (private to
 * sim/build): a failed link's output in one line, without the cache's paths. */
#ifndef HVSIM_BUILD_LOG_H
#define HVSIM_BUILD_LOG_H

#include <stddef.h>

/* err from the linker's output LOG: a missing entry point of
 * <hvsim/platform.h> (LOG emptied: the linker's noise is not shown), another
 * undefined symbol, or just "failed". */
void build_link_error(char *log, int hv, char *err, size_t errlen);

/* The build cache's temporary directory TMP in compiler and linker output:
 * TMP/hvN.o (beN.o) becomes srcs[N], any other TMP/ path loses the prefix. */
void scrub_tmp_paths(char *log, size_t cap, const char *tmp, const char *const *srcs, int nsrc);


#endif
