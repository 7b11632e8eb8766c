/* sim/engine/threads/threads_loops.c — the static loop checker (sim/evidence) on
 * the threads binary, as the evidence for or against a hoisted load.
 * Without it a hang with the flag changed in memory was called a hoisted
 * load whatever the loop held; an acquire loop that waits on a value it
 * sampled too late re-reads memory and is something else.  The same rule as
 * the matrix's oracle: a loop of the handler's code with no memory read and
 * no call spins on registers (under TSan every kept load is a call). */
#include "threads_end.h"
#include "evidence/srcloc.h"
#include "evidence/loops.h"
#include <stdio.h>
#include <string.h>

int thr_loop_evidence(const struct hvsim_runcfg *c, const char *bin, char *where, size_t n)
{
    /* the handler's sources: ours under hv/, or the user's --hv file */
    char filter[256] = "/hv/";
    if (c->n_hv_src) {
        const char *b = strrchr(c->hv_src[0], '/');
        snprintf(filter, sizeof filter, "%s", b ? b + 1 : c->hv_src[0]);
    } else if (c->n_hv_lib) {
        snprintf(where, n, "the handler is a prebuilt library (--hv-lib): its loops were not analysed");
        return -1;
    }
    struct loop_info *l = 0;
    size_t nl = 0;
    char err[300];
    if (loops_analyze(bin, c->v.arch, 0, filter, &l, &nl, err, sizeof err) < 0) {
        snprintf(where, n, "the loop checker could not read the binary: %s", err);
        return -1;
    }
    if (!nl) {
        loops_free(l, nl);
        snprintf(where, n, "the loop checker found no loop in the handler's code (%s)", filter);
        return -1;
    }
    int res = 1;
    for (size_t i = 0; i < nl; i++)
        if (l[i].nloads == 0 && !l[i].has_call) {
            /* shown the one way every location is (sim/evidence/srcloc.h) */
            char f[300];
            srcloc_show(l[i].file, f, sizeof f);
            snprintf(where, n, "%s() %s:%d", l[i].function, f, l[i].line);
            res = 0;
            break;
        }
    if (res == 1)
        snprintf(where, n, "%zu loop(s) in the handler's code, each with a load or a call", nl);
    loops_free(l, nl);
    return res;
}
