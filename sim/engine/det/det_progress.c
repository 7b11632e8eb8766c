/* sim/engine/det/det_progress.c — what a long dfs or dpor search says
 * while it runs (the progress line) and when it is interrupted (the stop
 * note); run_explore in det_engine.c calls them.
 */
#define _GNU_SOURCE
#include "det_int.h"
#include "runtime/common/futex.h" /* now_ns */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void det_progress_open(struct det_progress *pg, uint64_t cap, uint64_t resumed)
{
    const char *pe = getenv("HVSIM_PROGRESS");
    /* last_exec: the first line's rate counts this run's executions only */
    *pg = (struct det_progress){ .on = pe ? atoi(pe) > 0 : isatty(2), .last_ns = now_ns(), .cap = cap,
                                 .last_exec = resumed, .min_plen = -1 };
}

/* What an interrupted search says before hvsim dies of the signal
 * (proc_set_stop_note): so far, and that nothing is verified. */
void det_stop_note(const struct det_run *R, const struct det_dfs *d, const struct det_ckpt_run *k)
{
    char line[256], more[4300] = "";
    snprintf(line, sizeof line,
             "hvsim det: interrupted: %s (bound %u) had run %llu executions, %llu ended asleep; "
             "the search had not ended: nothing is verified",
             R->c->strategy, d->bound, (unsigned long long)R->executions, (unsigned long long)d->blocked);
    if (k->path && k->saved)
        snprintf(more, sizeof more, "; %s holds it as of %llu executions (--resume continues it)",
                 k->path, (unsigned long long)k->saved);
    char all[4600];
    snprintf(all, sizeof all, "%s%s\n", line, more);
    proc_set_stop_note(all);
}

void det_progress_tick(struct det_progress *pg, const struct det_run *R,
                       const struct det_dfs *d, int plen)
{
    if (!pg->on)
        return;
    if (plen >= 0 && (pg->min_plen < 0 || plen < pg->min_plen))
        pg->min_plen = plen;
    uint64_t t = now_ns();
    if (t - pg->last_ns < 2000000000ull)
        return;
    double secs = (double)(t - pg->last_ns) / 1e9;
    int top, left = det_dfs_left(d, &top);
    if (d->vcut && !pg->cut_said) /* said once, at once: such a search can no longer end verified */
        fprintf(stderr, "hvsim det: %llu executions so far had a load offered only the newest %d "
                        "messages of those its view allows: this search cannot end verified\n",
                (unsigned long long)d->vcut, WMM_CANDS);
    pg->cut_said |= d->vcut != 0;
    fprintf(stderr, "hvsim det: %s: %llu executions (%.0f/s; stops unfinished at %llu, --runs), %llu "
                    "ended asleep; backtracked to decision %d and deeper; %d options left on the "
                    "path, the shallowest at decision %d; roughly %.3g in all (an estimate from "
                    "the subtrees finished so far)\n",
            R->c->strategy, (unsigned long long)R->executions,
            (double)(R->executions - pg->last_exec) / secs, (unsigned long long)pg->cap,
            (unsigned long long)d->blocked, pg->min_plen, left, top, det_dfs_estimate(d));
    pg->last_ns = t;
    pg->last_exec = R->executions;
    pg->min_plen = -1;
}
