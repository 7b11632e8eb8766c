/* sim/build/build_rtcache.c — hvsim's own runtime objects (sim/runtime),
 * compiled once per compiler and flags and kept under the build cache.
 *
 * Why: every variant links the same runtime, compiled at -O2 whatever the
 * variant's -O level or code; a det variant is about 30 objects, all but
 * two or three per side hvsim's own.  A slot is named by a hash of all
 * that goes into the object: the compiler (command and --version line),
 * the profile, the variant's defines and include dirs, the source and
 * every header hvsim compiles in (build_key's dirs).  Objects are shared
 * by hard link: link(2) either makes the whole file visible or fails, so
 * two builds racing for a slot never see half an object. */
#include "build_rtcache.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int build_rt_fetch(const char *root, const char *arch, const char *cc, uint64_t key, const char *obj,
                   char *slot, size_t n)
{
    char dir[700];
    if (snprintf(dir, sizeof dir, "%s/cache/rt", root) >= (int)sizeof dir ||
        snprintf(slot, n, "%s/%s-%s-%016llx.o", dir, arch, cc, (unsigned long long)key) >= (int)n) {
        slot[0] = 0; /* no room for the name: compile, keep nothing */
        return 0;
    }
    mkdir(dir, 0777);
    return link(slot, obj) == 0;
}

void build_rt_keep(const char *obj, const char *slot)
{
    if (link(obj, slot) != 0 && access(slot, R_OK) != 0)
        unlink(slot); /* nothing there to keep: leave no name behind */
}
