/* sim/util/home.c — where hvsim's own tree is (home.h).  In util, not
 * build: sim/evidence reads it too, and sim/build reads sim/evidence's ELF
 * helpers (fndelay.c), so the folders must not include each other. */
#define _GNU_SOURCE
#include "home.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HVSIM_HOME_DEFAULT
#define HVSIM_HOME_DEFAULT "."
#endif

/* HVSIM_HOME, else an installed layout (PREFIX/bin/hvsim finds
 * PREFIX/share/hvsim, recognised by its sim/include/hvsim/platform.h), else
 * the source tree the binary was built from. */
const char *hvsim_home(void)
{
    const char *h = getenv("HVSIM_HOME");
    if (h && *h)
        return h;
    static char inst[600];
    static int looked;
    if (!looked) {
        looked = 1;
        char exe[512];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = 0;
            char *sl = strrchr(exe, '/');
            if (sl) {
                *sl = 0;
                char probe[700];
                snprintf(inst, sizeof inst, "%s/../share/hvsim", exe);
                snprintf(probe, sizeof probe, "%s/sim/include/hvsim/platform.h", inst);
                char *rp = access(probe, R_OK) == 0 ? realpath(inst, 0) : 0;
                if (rp) {
                    snprintf(inst, sizeof inst, "%s", rp);
                    free(rp);
                } else {
                    inst[0] = 0;
                }
            }
        }
    }
    return inst[0] ? inst : HVSIM_HOME_DEFAULT;
}
