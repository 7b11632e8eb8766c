/* sim/util/fnv.h — FNV-1a (64-bit), the harness's content hashes: build
 * cache keys (sim/build/build_key.c), checkpoint keys
 * (sim/engine/det/det_checkpoint.c).  Keys that tell inputs apart, not a
 * cryptographic hash (the recorded code uses SHA-256, code_record.c). */
#ifndef HVSIM_FNV_H
#define HVSIM_FNV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FNV1A_BASIS 0xcbf29ce484222325ull

static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

/* s with its terminating NUL, so "ab","c" and "a","bc" differ; NULL as "" */
static inline uint64_t fnv1a_str(uint64_t h, const char *s)
{
    return s ? fnv1a(h, s, strlen(s) + 1) : fnv1a(h, "", 1);
}

/* path, then the file's bytes ("<missing>" when it cannot be read) */
uint64_t fnv1a_file(uint64_t h, const char *path);

#endif
