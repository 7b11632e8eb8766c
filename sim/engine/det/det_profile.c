/* sim/engine/det/det_profile.c — where a dfs/dpor search branches.
 * HVSIM_DPOR_PROFILE=FILE: every execution but the first differs from the
 * one before at one decision, the deepest with an option left (the prefix
 * det_dfs_next returned ends there); this counts executions by that
 * decision — its kind (a run, a drain, the entry a drain commits, the
 * message an arm/riscv load reads), the thread, and for a load the bridge
 * field and source line, whether it took a stale message (not the newest
 * offered) and whether the read was a failed turn of a wait
 * (det_await_turns); and how many of them showed an execution graph
 * (det_graph.c) no execution before had — the decisions that lead
 * somewhere new, against those that only repeat what an optimal
 * graph-based search would run once.  The table, largest first, is
 * rewritten every 4,096 executions and when the search ends (an
 * interrupted search kills itself: process.c).  A measuring tool for the
 * reduction rules (docs/det-engine.md, *where the searches branch*): it
 * changes nothing the search does. */
#include "det.h"
#include "runtime/det/det_fp.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_name(int kind, int act)
{
    if (kind == DET_KIND_LOAD)
        return "load";
    if (kind == DET_KIND_COMMIT)
        return "commit";
    return act >= DET_ACT_DRAIN ? "drain" : "run";
}

void det_prof_open(struct det_prof *p)
{
    memset(p, 0, sizeof *p);
    p->path = getenv("HVSIM_DPOR_PROFILE");
    if (p->path && !*p->path)
        p->path = NULL;
}

/* The first event after the decision: what it ran or committed (a
 * load's: det_choice_read). */
static int32_t step_event(const struct det_event *ev, uint32_t nev, uint32_t v)
{
    for (uint32_t k = 0; k < nev; k++)
        if (ev[k].step > v && ev[k].kind != EV_SWITCH && ev[k].kind != EV_DELAY)
            return (int32_t)k;
    return -1;
}

static void write_table(struct det_prof *p, const struct det_shm *S, struct det_syms *sy);

void det_prof_note(struct det_prof *p, const struct det_dfs *d, const struct det_shm *S, struct det_syms *sy,
                   uint64_t graph)
{
    if (p->path && p->total && p->total % 4096 == 0)
        write_table(p, S, sy);
    if (!p->path)
        return;
    uint32_t nev = S->nev < DET_MAX_EV ? S->nev : DET_MAX_EV;
    /* the graph is new: this decision led somewhere an optimal
     * graph-based search would go too (det_graph.c); the first
     * execution's graph is the first known */
    int fresh = det_bset_add(&p->graphs, graph) == 1;
    if (!d->plen || d->plen > S->nlog)
        return;
    uint32_t v = d->plen - 1;
    const struct det_logent *l = &S->log[v];
    /* a value choice's action names an option, not a thread or buffer */
    struct det_prof_row x = { .kind = l->kind, .act = l->kind ? 0 : l->chosen, .tid = 0xff };
    int32_t k = l->kind == DET_KIND_LOAD ? det_choice_read(S->ev, nev, S->log, v) : step_event(S->ev, nev, v);
    if (k >= 0) {
        const struct det_event *e = &S->ev[k];
        x.tid = (uint8_t)(e->tid & 63);
        x.off = e->off;
        x.pc = e->pc;
        x.ekind = e->kind;
    }
    if (l->kind == DET_KIND_LOAD) {
        x.stale = l->chosen - DET_ACT_CHOICE != __builtin_ctzll(l->opts);
        static uint8_t skip[DET_MAX_EV]; /* 1 MiB: the supervisor is single-threaded */
        if (k >= 0) {
            det_await_turns(S->ev, nev, skip);
            x.turn = skip[k];
        }
    }
    p->total++;
    p->fresh += (uint64_t)fresh;
    for (uint32_t i = 0; i < p->n; i++) {
        struct det_prof_row *r = &p->row[i];
        if (r->kind == x.kind && r->act == x.act && r->tid == x.tid && r->off == x.off && r->pc == x.pc &&
            r->ekind == x.ekind && r->stale == x.stale && r->turn == x.turn) {
            r->count++;
            r->fresh += (uint64_t)fresh;
            return;
        }
    }
    if (p->n == DET_PROF_ROWS) {
        p->other++;
        return;
    }
    x.count = 1;
    x.fresh = (uint64_t)fresh;
    p->row[p->n++] = x;
}

static int by_count(const void *a, const void *b)
{
    const struct det_prof_row *x = a, *y = b;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void write_table(struct det_prof *p, const struct det_shm *S, struct det_syms *sy)
{
    FILE *f = fopen(p->path, "w");
    if (!f) {
        fprintf(stderr, "hvsim: HVSIM_DPOR_PROFILE: cannot write %s\n", p->path);
        p->path = NULL;
        return;
    }
    qsort(p->row, p->n, sizeof *p->row, by_count);
    fprintf(f, "# executions by the decision where they left the one before (%llu of them, %llu with a new graph)\n"
                  "# count  share  new-graphs  decision  thread  event  field  source  [stale: an older message than the newest "
                  "offered] [turn: a failed turn of a wait]\n",
            (unsigned long long)p->total, (unsigned long long)p->fresh);
    for (uint32_t i = 0; i < p->n; i++) {
        const struct det_prof_row *r = &p->row[i];
        char th[32] = "-", fld[48] = "-", line[160] = "-";
        if (r->tid != 0xff) {
            det_thread_name(S, r->tid, th, sizeof th);
            if (r->off < HVSIM_BRIDGE_PAGE && (r->ekind <= EV_RMW || r->ekind == EV_DRAIN) && r->ekind != EV_FENCE)
                det_field_name(r->off, fld, sizeof fld);
            if (r->pc && sy)
                det_syms_line(sy, S->t[r->tid].proc == 1, r->pc, line, sizeof line);
        }
        fprintf(f, "%8llu %5.1f%%  %6llu  %-6s  %-9s  %-6s  %-16s  %s%s%s\n", (unsigned long long)r->count,
                100.0 * (double)r->count / (double)(p->total ? p->total : 1), (unsigned long long)r->fresh, kind_name(r->kind, r->act), th,
                det_event_kind_name(r->ekind), fld, line, r->stale ? "  stale" : "", r->turn ? "  turn" : "");
    }
    if (p->other)
        fprintf(f, "%8llu  (other decisions: more than %d kinds)\n", (unsigned long long)p->other,
                DET_PROF_ROWS);
    fclose(f);
}

void det_prof_close(struct det_prof *p, const struct det_shm *S, struct det_syms *sy)
{
    if (p->path)
        write_table(p, S, sy);
    p->path = NULL;
    det_bset_free(&p->graphs);
}
