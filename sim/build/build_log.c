/* sim/build/build_log.c — compiler and linker output (build_log.h): a failed
 * link's in one line, the cache's temporary paths scrubbed. */
#include "build_log.h"
#include <stdio.h>
#include <string.h>

/* The entry points <hvsim/platform.h> says the user's code provides that a
 * failed link reports as undefined, as "a, b" (one side only: the first
 * missing one decides which); 0 when none is missing. */
static int missing_entry_points(const char *log, char *out, size_t n)
{
    static const char *const eps[] = { "hv_mmio_access", "hv_finish_req", "backend_run" };
    int found = 0, hv_side = -1;
    out[0] = 0;
    for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "undefined reference to `%s'", eps[i]);
        if (!strstr(log, pat))
            continue;
        int is_hv = !strncmp(eps[i], "hv_", 3);
        if (hv_side >= 0 && is_hv != hv_side)
            continue;
        hv_side = is_hv;
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", found ? " or " : "", eps[i]);
        found++;
    }
    return found;
}

/* A failed link in one line: a missing entry point of <hvsim/platform.h>
 * (the linker's noise dropped), another undefined symbol, or just "failed". */
void build_link_error(char *log, int hv, char *err, size_t errlen)
{
    const char *miss = strstr(log, "undefined reference to `");
    char ep[160];
    if (missing_entry_points(log, ep, sizeof ep)) {
        /* one line that says what to write; the linker's noise is not shown */
        int hv_ep = !strncmp(ep, "hv_", 3);
        snprintf(err, errlen, "your %s code does not define %s (see <hvsim/platform.h>)",
                 hv_ep ? "hypervisor" : "backend", ep);
        log[0] = 0;
    } else if (miss) {
        char sym[128];
        sscanf(miss + 24, "%127[^']", sym);
        snprintf(err, errlen, "linking the %s side failed: '%s' is not defined (the linker's output follows)",
                 hv ? "hypervisor" : "backend", sym);
    } else {
        snprintf(err, errlen, "linking the %s side failed", hv ? "hypervisor" : "backend");
    }
}

/* The build cache's temporary directory is nobody's business: in compiler
 * and linker output, TMP/hvN.o (beN.o) becomes the source it was compiled
 * from, and any other TMP/ path loses that prefix. */
void scrub_tmp_paths(char *log, size_t cap, const char *tmp, const char *const *srcs, int nsrc)
{
    static char outb[4096]; /* struct build_out's log */
    size_t tl = strlen(tmp), o = 0;
    if (cap > sizeof outb)
        cap = sizeof outb;
    for (const char *p = log; *p && o + 1 < cap;) {
        if (strncmp(p, tmp, tl) || p[tl] != '/') {
            outb[o++] = *p++;
            continue;
        }
        p += tl + 1;
        int k;
        char side[3];
        int used = 0;
        if (sscanf(p, "%2[hvbe]%d.o%n", side, &k, &used) == 2 && used && k >= 0 && k < nsrc &&
            (!strcmp(side, "hv") || !strcmp(side, "be"))) {
            o += (size_t)snprintf(outb + o, cap - o, "%s", srcs[k]);
            p += used;
        }
        if (o >= cap)
            o = cap - 1;
    }
    outb[o] = 0;
    memcpy(log, outb, o + 1);
}
