/* sim/build/build_rtcache.h — hvsim's own runtime objects, compiled once per
 * compiler and flags and kept (private to sim/build; build_rtcache.c). */
#ifndef HVSIM_BUILD_RTCACHE_H
#define HVSIM_BUILD_RTCACHE_H

#include <stddef.h>

#include <stdint.h>

/* The cache slot (into slot) of the runtime object with key (build_rt_key)
 * for arch and cc under root; 1 when the slot holds it and it is now
 * linked to obj, 0 to compile it. */
int build_rt_fetch(const char *root, const char *arch, const char *cc, uint64_t key, const char *obj,
                   char *slot, size_t n);
/* Keep a freshly compiled obj in its slot (a hard link; failing is harmless). */
void build_rt_keep(const char *obj, const char *slot);

#endif
