/* sim/engine/det/det_behaviour.c — what an execution showed, as one hash,
 * and the set of distinct ones a search reached.  A soundness check of the
 * DPOR rules (docs/det-engine.md): a reduction may skip an execution only
 * when an equivalent one is explored, so two searches of one workload (a
 * rule on and off, two builds) must reach the same set; one that reaches
 * less lost something.  HVSIM_DET_BEHAVIOURS=FILE (det_bfile_*, used by
 * det_engine.c's dfs/dpor search) writes the set, each with the schedule
 * that first showed it; tools/dpor_behaviours.sh compares two.
 *
 * Per thread, in its own order: the bridge values it read (a read of a
 * location and value it already read since its last write, kick or sleep
 * counts once: a poll loop's turns are not behaviour, nor the turns of a
 * wait that failed before it saw its value: det_await_turns), what it wrote
 * there, and its kicks, IPIs, sleeps and wakes (a sleep without the IPIs
 * pending when it was reached: that is scheduling, not behaviour).  The
 * threads' hashes are combined by thread number, so interleavings that
 * give every thread the same history are one behaviour. */
#include "det.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_read(int k) { return k == EV_READ || k == EV_VREAD || k == EV_ALOAD; }

static int is_shown(int k)
{
    return k == EV_WRITE || k == EV_VWRITE || k == EV_ASTORE || k == EV_RMW || k == EV_WAKE || k == EV_IPI ||
           k == EV_SLEEP;
}

uint64_t det_behaviour_hash(const struct det_event *ev, uint32_t nev)
{
    uint64_t h[DET_MAXT] = { 0 };
    static struct det_bwin win[DET_MAXT]; /* 12 KiB: the supervisor is single-threaded */
    static uint8_t skip[DET_MAX_EV]; /* the turns of a wait that found its value later */
    memset(win, 0, sizeof win);
    det_await_turns(ev, nev < DET_MAX_EV ? nev : DET_MAX_EV, skip);
    for (uint32_t k = 0; k < nev && k < DET_MAX_EV; k++) {
        const struct det_event *e = &ev[k];
        if (skip[k])
            continue;
        int t = (e->tid & 63) % DET_MAXT, rd = is_read(e->kind);
        if ((!rd && !is_shown(e->kind)) || (e->off >= HVSIM_BRIDGE_PAGE && e->kind != EV_WAKE &&
                                            e->kind != EV_IPI && e->kind != EV_SLEEP))
            continue;
        if (rd && det_bwin_seen(&win[t], e->off, e->val))
            continue; /* the same read again, this turn */
        if (!rd)
            win[t].n = 0; /* it did something: a new turn */
        /* a sleep's value is the IPIs pending when the daemon reached the
         * point, not when it slept (det_platform.c): whether it blocked is
         * its wake's count (the IPIs consumed) */
        uint64_t x = (uint64_t)e->kind << 56 ^ (uint64_t)e->off << 24 ^ (e->kind == EV_SLEEP ? 0 : e->val);
        h[t] = (h[t] ^ x) * 0x100000001b3ull; /* FNV-1a's prime, per event */
    }
    uint64_t all = 0xcbf29ce484222325ull;
    for (int t = 0; t < DET_MAXT; t++)
        all = (all ^ h[t]) * 0x100000001b3ull + (uint64_t)t;
    return all;
}

/* An open-addressing set of hashes (0 stands for itself in zero). */
int det_bset_add(struct det_bset *s, uint64_t h)
{
    if (!h) {
        int isnew = !s->zero;
        s->zero = 1;
        s->n += isnew;
        return isnew;
    }
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        uint64_t *v = calloc(cap, sizeof *v);
        if (!v)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            for (size_t j = s->v[i] % cap; s->v[i]; j = (j + 1) % cap)
                if (!v[j]) {
                    v[j] = s->v[i];
                    break;
                }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    for (size_t j = h % s->cap;; j = (j + 1) % s->cap) {
        if (s->v[j] == h)
            return 0;
        if (!s->v[j]) {
            s->v[j] = h;
            s->n++;
            return 1;
        }
    }
}

void det_bset_free(struct det_bset *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* add: a resumed search (--resume) adds to the file its earlier runs
 * wrote, and counts what is in it already as known. */
static FILE *open_set(const char *env, const char **path, int add, struct det_bset *s)
{
    *path = getenv(env);
    if (!*path || !**path)
        return NULL;
    FILE *f = fopen(*path, add ? "a+" : "w");
    if (!f) {
        fprintf(stderr, "hvsim det: %s: cannot write %s\n", env, *path);
        return NULL;
    }
    if (add) {
        char line[16384];
        rewind(f);
        while (fgets(line, sizeof line, f)) {
            char *end;
            unsigned long long h = strtoull(line, &end, 16);
            if (end == line + 16 && *end == ' ')
                det_bset_add(s, h);
        }
        fseek(f, 0, SEEK_END);
    }
    /* a line at a time: a search stopped by a time limit keeps what it found */
    setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

void det_bfile_open(struct det_bfile *b, int model, int add)
{
    memset(b, 0, sizeof *b);
    b->model = model;
    b->f = open_set("HVSIM_DET_BEHAVIOURS", &b->path, add, &b->s);
    b->gf = open_set("HVSIM_DET_GRAPHS", &b->gpath, add, &b->g);
}

/* A line for h when it is new in s: the hash and the schedule of the
 * first execution that showed it (hvsim replay --schedule shows its trace). */
static void note(FILE *f, struct det_bset *s, uint64_t h, const struct det_logent *log, uint32_t nlog)
{
    if (det_bset_add(s, h) != 1)
        return;
    static char sched[8192];
    if (det_sched_of_log(log, nlog, sched, sizeof sched) < 0)
        snprintf(sched, sizeof sched, "(too long)");
    fprintf(f, "%016llx %s\n", (unsigned long long)h, sched);
}

void det_bfile_note_graph(struct det_bfile *b, const struct det_event *ev, uint32_t nev,
                          const struct det_logent *log, uint32_t nlog, uint64_t graph)
{
    if (b->f)
        note(b->f, &b->s, det_behaviour_hash(ev, nev), log, nlog);
    if (b->gf)
        note(b->gf, &b->g, graph, log, nlog);
}

void det_bfile_note(struct det_bfile *b, const struct det_event *ev, uint32_t nev, const struct det_logent *log,
                    uint32_t nlog)
{
    det_bfile_note_graph(b, ev, nev, log, nlog, b->gf ? det_graph_hash(ev, nev, b->model) : 0);
}

static void close_set(FILE **f, struct det_bset *s, const char *what, const char *path, uint64_t executions)
{
    if (!*f)
        return;
    fprintf(stderr, "hvsim det: %zu distinct %s in %llu executions (%s)\n", s->n, what,
            (unsigned long long)executions, path);
    fclose(*f);
    *f = NULL;
    det_bset_free(s);
}

void det_bfile_close(struct det_bfile *b, uint64_t executions)
{
    close_set(&b->f, &b->s, "behaviours", b->path, executions);
    close_set(&b->gf, &b->g, "execution graphs", b->gpath, executions);
}
