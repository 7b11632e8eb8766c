/* sim/litmus/lit_explore.c — every execution of one litmus test under one
 * memory model, through the det runtime itself.
 *
 * The participant (sim/runtime/det/det_litmus_main.c) makes every choice of
 * the model a logged decision of the runtime: which thread runs at each
 * scheduling point, which store buffer drains (tso, arm, riscv), which
 * buffered store commits first and which message a load reads (arm, riscv).
 * A prefix of decisions replays exactly (the runtime's replay), so the
 * search is a stateless DFS over the decision log: after each execution,
 * take the deepest decision with an option not tried yet, run the prefix up
 * to it with that option, defaults after.  That alone is exhaustive but
 * explores every interleaving of independent steps; SLEEP SETS (Godefroid
 * 1996) cut the equivalent ones: after the subtree of action a at a node is
 * done, a sleeps in the subtrees of its later siblings until a step that
 * depends on it runs; a path whose next default action is asleep is an
 * interleaving of one already explored, and is not counted.
 *
 * Dependence, from the trace of each execution (what each decision's step
 * read, wrote to memory, whose buffer it touched): two steps of one thread
 * or on one buffer depend; a memory write depends on reads and writes of
 * its location; under arm and riscv any two memory writes depend (a commit
 * takes the next timestamp, which later views compare).  Buffered stores
 * touch only their thread's buffer.  Over-approximating dependence only
 * explores more. */
#define _GNU_SOURCE
#include "litmus.h"
#include "engine/det/det.h"
#include "runtime/det/det_shm.h"
#include "runtime/det/det_wmm.h"
#include "runtime/common/futex.h"
#include "util/process.h"
#include "config/runcfg.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct eff {
    uint32_t rd, wr;  /* locations (bit 31: anything else) */
    uint32_t thr;     /* threads and buffers touched */
};

struct node {
    uint64_t opts, tried, sleep, done;
    uint8_t kind, chosen, valid;
    struct eff acc;         /* the chosen action, over its explored paths */
    struct eff zeff[64];    /* sleeping and done actions' effects */
};

struct ctx {
    const struct lit_test *t;
    int model;
    int fd;
    void *base;
    struct det_shm *S;
    struct proc ps;
    pid_t pgid;
    int alive;
    const struct det_slp *slp; /* --strategy dpor: asleep after the prefix */
    struct node *st;
    uint32_t n, cap;
};

static uint32_t loc_bit(uint32_t off)
{
    if (off >= LIT_LOC_OFF && off < LIT_LOC_OFF + LIT_MAXLOC * LIT_LOC_STRIDE)
        return 1u << ((off - LIT_LOC_OFF) / LIT_LOC_STRIDE);
    return 1u << 31;
}

static int loc_size(const struct lit_loc *l)
{
    if (strstr(l->ctype, "long") || strstr(l->ctype, "64") || strstr(l->ctype, "intptr"))
        return 8;
    if (strstr(l->ctype, "char"))
        return 1;
    if (strstr(l->ctype, "short"))
        return 2;
    return 4;
}

static int indep(const struct ctx *x, const struct eff *a, const struct eff *b)
{
    if (a->thr & b->thr)
        return 0;
    if ((a->wr & (b->rd | b->wr)) || (b->wr & a->rd))
        return 0;
    if (x->model >= DM_ARM && a->wr && b->wr)
        return 0;
    return 1;
}

static void eff_or(struct eff *a, const struct eff *b)
{
    a->rd |= b->rd;
    a->wr |= b->wr;
    a->thr |= b->thr;
}

/* ---- the participant process ------------------------------------------------ */
static void stop(struct ctx *x)
{
    if (!x->alive)
        return;
    __atomic_store_n(&x->S->quit, 1, __ATOMIC_SEQ_CST);
    futex_wake(&x->S->exec_seq, 64);
    proc_kill_group(x->pgid, &x->ps, 1);
    x->alive = 0;
}

static int start(struct ctx *x, const char *bin, char *err, size_t errlen)
{
    struct det_shm *S = x->S;
    memset(S, 0, offsetof(struct det_shm, prefix));
    struct hvsim_ctl *ctl = hvsim_region_ctl(x->base);
    memset(ctl, 0, sizeof *ctl);
    ctl->magic = HVSIM_CTL_MAGIC;
    ctl->version = HVSIM_CTL_VERSION;
    ctl->ncpus = (uint32_t)x->t->nthr;
    S->magic = DET_MAGIC;
    S->ncpus = S->nthreads = (uint32_t)x->t->nthr;
    S->hc_tid = S->be_tid = 0; /* no hypercall thread, no daemon: never asleep */
    char fdarg[] = "3";
    char *argv[] = { (char *)bin, "--fd", fdarg, 0 };
    x->pgid = 0;
    if (proc_start_participant(argv, x->fd, &x->pgid, &x->ps, err, errlen) < 0)
        return -1;
    x->alive = 1;
    uint64_t dl = now_ns() + 20000000000ull;
    while (!__atomic_load_n(&S->ready[0], __ATOMIC_ACQUIRE)) {
        if (proc_poll(&x->ps) || now_ns() > dl) {
            snprintf(err, errlen, "the litmus participant %s failed to start (status %d)", bin, x->ps.status);
            stop(x);
            return -1;
        }
        usleep(100);
    }
    return 0;
}

static void put_val(uint8_t *p, int64_t v, int size)
{
    memcpy(p, &v, (size_t)size); /* little-endian */
}

static int64_t get_val(const uint8_t *p, int size)
{
    switch (size) {
    case 1: return (int8_t)p[0];
    case 2: { int16_t v; memcpy(&v, p, 2); return v; }
    case 4: { int32_t v; memcpy(&v, p, 4); return v; }
    default: { int64_t v; memcpy(&v, p, 8); return v; }
    }
}

static void reset(struct ctx *x, const uint8_t *prefix, uint32_t plen, const char *cc)
{
    struct det_shm *S = x->S;
    const struct lit_test *t = x->t;
    memset(x->base, 0, HVSIM_BRIDGE_PAGE);
    memset(S->G, 0, sizeof S->G);
    for (int i = 0; i < t->nloc; i++) {
        uint32_t off = LIT_LOC_OFF + (uint32_t)i * LIT_LOC_STRIDE;
        put_val((uint8_t *)x->base + off, t->loc[i].init, loc_size(&t->loc[i]));
        put_val(S->G + off, t->loc[i].init, loc_size(&t->loc[i]));
    }
    S->exec_state = DX_RUNNING;
    S->idle = 0;
    S->stop = 0;
    S->model = (uint32_t)x->model;
    S->tso = x->model != DM_SC;
    if (wmm_on(S)) {
        wmm_reset(S);
        /* as det_engine.c: gcc maps every C11 fence on riscv to fence iorw,iorw */
        S->wmm.strong = x->model == DM_RISCV && !strcmp(cc, "gcc");
    }
    S->strategy = DET_DFS; /* past the prefix: the default choice */
    S->rng = 1;
    S->max_steps = DET_MAX_STEPS;
    S->max_points = 1u << 20;
    S->quiet_max = DET_QUIET_MAX;
    S->quiet_points = S->progress_points = 0;
    S->sim_ns = 0;
    S->spin_only = S->spin_turn = 0;
    S->record_ev = 1;
    S->prefix_len = plen;
    memcpy(S->prefix, prefix, plen);
    S->prefix_soft = 0;
    if (x->slp) /* dpor: the engine's sleep sets, steered by the runtime */
        memcpy(&S->slp, x->slp, sizeof S->slp);
    else /* dfs: this explorer keeps its own */
        S->slp.mask = S->slp.gstep1 = 0;
    S->slp.next_ev = 0;
    S->slp.gmiss = 0;
    S->nthreads = (uint32_t)t->nthr;
    S->holder = 0;
    S->step = 0;
    S->points = 0;
    S->ipi_sent = S->ipi_consumed = S->hc_sent = S->hc_done = 0;
    S->switches = S->preemptions = S->drains = S->diverged = 0;
    S->verdict = 0;
    S->vtid = -1;
    S->vwhy[0] = 0;
    /* no clearing of S->log: every logged decision sets its kind (the
     * runtime once left a thread decision's kind stale; the corpus under
     * arm/riscv is the regression test for that) */
    S->nlog = S->nev = 0;
    S->pct_ncp = 0;
    for (int i = 0; i < t->nthr; i++) {
        struct det_thread *th = &S->t[i];
        th->state = DT_ENABLED;
        th->block = DB_NONE;
        th->repeats = th->spinning = th->rs_n = th->rs_all = 0;
        th->points = 0;
        th->sb_head = th->sb_n = 0;
        th->prio = 0;
    }
}

/* One execution of the prefix; 0 or -1 with err. */
static int exec1(struct ctx *x, const uint8_t *prefix, uint32_t plen, const char *cc, char *err,
                 size_t errlen)
{
    struct det_shm *S = x->S;
    reset(x, prefix, plen, cc);
    uint32_t done0 = __atomic_load_n(&S->exec_done, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&S->exec_seq, 1, __ATOMIC_SEQ_CST);
    futex_wake(&S->exec_seq, 64);
    uint64_t dl = now_ns() + 30000000000ull;
    for (;;) {
        uint32_t d = __atomic_load_n(&S->exec_done, __ATOMIC_SEQ_CST);
        if (d != done0 && __atomic_load_n(&S->exec_state, __ATOMIC_SEQ_CST) == DX_ENDED)
            break;
        futex_wait(&S->exec_done, d, 2000000L);
        if (proc_poll(&x->ps)) {
            snprintf(err, errlen, "the litmus participant died (status %d)", x->ps.status);
            x->alive = 0;
            return -1;
        }
        if (now_ns() > dl) {
            snprintf(err, errlen, "an execution did not end within 30 s");
            stop(x);
            return -1;
        }
    }
    if (S->verdict != V_PASS) {
        snprintf(err, errlen, "an execution ended with verdict %u: %s", S->verdict, S->vwhy);
        stop(x);
        return -1;
    }
    if (S->diverged) {
        if (getenv("HVSIM_LITMUS_DEBUG")) {
            fprintf(stderr, "prefix:");
            for (uint32_t i = 0; i < plen; i++)
                fprintf(stderr, " %u", prefix[i]);
            fprintf(stderr, "\nlog:");
            for (uint32_t i = 0; i < S->nlog; i++)
                fprintf(stderr, " %u/%u/%llx", S->log[i].kind, S->log[i].chosen, (unsigned long long)S->log[i].opts);
            fprintf(stderr, "\n");
        }
        snprintf(err, errlen, "a replayed prefix diverged (nondeterministic test?)");
        stop(x);
        return -1;
    }
    unsigned spins = 0;
    while (__atomic_load_n(&S->idle, __ATOMIC_SEQ_CST) < S->nthreads) {
        if (now_ns() > dl) {
            snprintf(err, errlen, "the litmus threads did not return to idle");
            stop(x);
            return -1;
        }
        if (++spins > 200)
            usleep(20);
        else
            sched_yield();
    }
    return 0;
}

/* ---- the search --------------------------------------------------------------- */
static int push(struct ctx *x)
{
    if (x->n == x->cap) {
        uint32_t c = x->cap ? x->cap * 2 : 64;
        struct node *v = realloc(x->st, c * sizeof *v);
        if (!v)
            return -1;
        x->st = v;
        x->cap = c;
    }
    memset(&x->st[x->n], 0, sizeof x->st[0]);
    x->n++;
    return 0;
}

/* What each kind-0 decision's step did, from the trace: own[i] the chosen
 * action's own events (its thread's, or its buffer's drains) — the action's
 * identity while it sleeps; path[i] everything up to the next logged
 * decision, forced steps of other threads included — what a sleeping
 * action must be independent of to stay asleep. */
static void effects(const struct ctx *x, struct eff *own, struct eff *path)
{
    const struct det_shm *S = x->S;
    uint32_t nlog = S->nlog;
    memset(own, 0, nlog * sizeof *own);
    memset(path, 0, nlog * sizeof *path);
    for (uint32_t i = 0; i < nlog; i++)
        if (!S->log[i].kind) {
            int a = S->log[i].chosen;
            own[i].thr = path[i].thr = 1u << (a >= DET_ACT_DRAIN ? a - DET_ACT_DRAIN : a);
        }
    for (uint32_t k = 0; k < S->nev; k++) {
        const struct det_event *ev = &S->ev[k];
        if (!ev->step)
            continue;
        int j = (int)ev->step - 1;
        if ((uint32_t)j >= nlog)
            j = (int)nlog - 1;
        while (j >= 0 && S->log[j].kind)
            j--;
        if (j < 0)
            continue;
        struct eff f = { .thr = 1u << ev->tid };
        uint32_t b = loc_bit(ev->off);
        switch (ev->kind) {
        case EV_READ: case EV_VREAD: case EV_ALOAD: f.rd = b; break;
        case EV_WRITE: case EV_VWRITE: case EV_ASTORE:
            if (x->model == DM_SC)
                f.wr = b;
            break;
        case EV_RMW: f.rd = f.wr = b; break;
        case EV_DRAIN: f.wr = b; break;
        default: break;
        }
        eff_or(&path[j], &f);
        if (f.thr & own[j].thr)
            eff_or(&own[j], &f);
    }
}

static void record_state(const struct ctx *x, struct lit_result *r)
{
    const struct lit_test *t = x->t;
    const struct det_shm *S = x->S;
    int64_t v[LIT_MAXLOC + LIT_MAXT * LIT_MAXREG];
    for (int i = 0; i < t->nobs; i++) {
        const struct lit_obs *o = &t->obs[i];
        if (o->tid >= 0)
            v[i] = get_val(S->G + LIT_RES_OFF + (o->tid * LIT_MAXREG + o->idx) * 8, 8);
        else
            v[i] = get_val(S->G + LIT_LOC_OFF + o->idx * LIT_LOC_STRIDE, loc_size(&t->loc[o->idx]));
    }
    if (lit_prop_eval(t, t->root, v))
        r->pos++;
    else
        r->neg++;
    r->executions++;
    for (int s = 0; s < r->nstates; s++)
        if (!memcmp(r->st[s].v, v, (size_t)t->nobs * sizeof v[0])) {
            r->st[s].count++;
            return;
        }
    if (r->nstates < LIT_MAXSTATES) {
        memcpy(r->st[r->nstates].v, v, (size_t)t->nobs * sizeof v[0]);
        r->st[r->nstates++].count = 1;
    }
}

/* Merge the log of the execution that just ran with prefix length k. */
static int merge(struct ctx *x, uint32_t k, struct eff *e, struct eff *pe, int *redundant, char *err, size_t errlen)
{
    const struct det_shm *S = x->S;
    uint32_t nlog = S->nlog;
    if (nlog < k) {
        snprintf(err, errlen, "the replayed prefix ended early (%u of %u decisions)", nlog, k);
        return -1;
    }
    effects(x, e, pe);
    if (getenv("HVSIM_LITMUS_DEBUG")) {
        fprintf(stderr, "run k=%u:", k);
        for (uint32_t i = 0; i < nlog; i++)
            fprintf(stderr, " [%u %s%u r%x w%x t%x/%x]", i, S->log[i].kind ? "v" : "", S->log[i].chosen,
                    e[i].rd, e[i].wr, e[i].thr, pe[i].thr);
        fprintf(stderr, "\n");
    }
    int prev0 = -1; /* the last kind-0 node on the path */
    for (uint32_t i = 0; i < k; i++) {
        struct node *n = &x->st[i];
        const struct det_logent *l = &S->log[i];
        uint8_t want = n->kind ? (uint8_t)(DET_ACT_CHOICE + n->chosen) : n->chosen;
        if (l->kind != n->kind || l->opts != n->opts || l->chosen != want) {
            snprintf(err, errlen, "decision %u replayed differently (nondeterministic test?)", i);
            return -1;
        }
        if (!n->kind) {
            eff_or(&n->acc, &e[i]);
            prev0 = (int)i;
        }
    }
    *redundant = 0;
    for (uint32_t i = k; i < nlog; i++) {
        const struct det_logent *l = &S->log[i];
        if (push(x) < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        struct node *n = &x->st[x->n - 1];
        n->kind = l->kind;
        n->opts = l->opts;
        n->chosen = l->kind ? (uint8_t)(l->chosen - DET_ACT_CHOICE) : l->chosen;
        n->valid = 1;
        n->tried = 1ull << n->chosen;
        if (l->kind)
            continue;
        if (prev0 >= 0) {
            /* Z(n) = { b in Z(p) ∪ Done(p) : b independent of p's step on this path } */
            const struct node *p = &x->st[prev0];
            uint64_t cand = (p->sleep | p->done) & n->opts;
            for (int b = 0; b < 64; b++)
                if ((cand >> b & 1) && indep(x, &p->zeff[b], &pe[prev0])) {
                    n->sleep |= 1ull << b;
                    n->zeff[b] = p->zeff[b];
                }
        }
        n->acc = e[i];
        prev0 = (int)i;
        if (n->sleep >> n->chosen & 1) {
            /* the default action is asleep: the rest is equivalent to an
             * execution already explored */
            n->valid = 0;
            n->tried = 0;
            memset(&n->acc, 0, sizeof n->acc);
            *redundant = 1;
            return 0;
        }
    }
    return 0;
}

/* The next prefix; its length, or -1 when the space is exhausted. */
static int next(struct ctx *x, uint8_t *prefix)
{
    while (x->n) {
        struct node *n = &x->st[x->n - 1];
        uint64_t avail;
        if (!n->kind) {
            if (n->valid) {
                n->done |= 1ull << n->chosen;
                n->zeff[n->chosen] = n->acc;
            }
            avail = n->opts & ~n->tried & ~n->sleep & ~n->done;
        } else {
            avail = n->opts & ~n->tried;
        }
        if (avail) {
            n->chosen = (uint8_t)__builtin_ctzll(avail);
            n->tried |= 1ull << n->chosen;
            n->valid = 1;
            memset(&n->acc, 0, sizeof n->acc);
            for (uint32_t i = 0; i < x->n; i++)
                prefix[i] = x->st[i].kind ? (uint8_t)(DET_ACT_CHOICE + x->st[i].chosen) : x->st[i].chosen;
            return (int)x->n;
        }
        x->n--;
    }
    return -1;
}

/* --strategy dpor: the det engine's source-DPOR (sim/engine/det/det_dpor.c)
 * over the same participant and runtime, in place of this file's sleep-set
 * DFS.  Every rule that lets it skip an execution is then checked against
 * the outcomes the plain search reaches (tests/integration/
 * test_litmus_dpor.sh): a state only DFS reaches is a rule that is wrong.
 * An execution that took an asleep step is equivalent to one already run
 * and is not counted, as in the DFS. */
static int search_dpor(struct ctx *x, const char *cc, uint64_t max_runs, struct lit_result *r,
                       uint8_t *prefix, char *err, size_t errlen)
{
    static struct det_slp slp; /* 9 KiB: not on the stack */
    struct det_dfs d;
    det_dfs_init(&d, DET_MAX_STEPS);
    d.vsleep = getenv("HVSIM_DPOR_VSLEEP") != NULL;
    d.dpor = 1;
    d.model = x->model;
    x->slp = &slp;
    int plen = 0, rc = 0, debug = getenv("HVSIM_LITMUS_DEBUG") != NULL;
    for (;;) {
        if (max_runs && r->runs >= max_runs)
            break;
        det_dfs_slp(&d, &slp);
        if (exec1(x, prefix, (uint32_t)plen, cc, err, errlen) < 0) {
            rc = -1;
            break;
        }
        r->runs++;
        const struct det_shm *S = x->S;
        uint64_t blocked = d.blocked;
        if (debug) { /* the decisions and the trace DPOR analyses */
            for (uint32_t i = 0; i < S->nlog; i++)
                fprintf(stderr, "L %u k%u c%u o%llx\n", i, S->log[i].kind, S->log[i].chosen,
                        (unsigned long long)S->log[i].opts);
            for (uint32_t i = 0; i < S->nev; i++)
                fprintf(stderr, "E s%u t%u k%u o%x v%llx\n", S->ev[i].step, S->ev[i].tid, S->ev[i].kind,
                        S->ev[i].off, (unsigned long long)S->ev[i].val);
        }
        d.vcut += S->wmm.cut != 0; /* a load not offered every message: not complete */
        r->cands_cut |= S->wmm.cut != 0;
        det_dfs_record(&d, S->log, S->nlog);
        d.vcts = &S->vcts[0][0];
        det_dfs_dpor(&d, S->log, S->nlog, S->ev, S->nev);
        if (S->slp.gmiss)
            det_dfs_gmiss(&d);
        if (d.blocked != blocked)
            r->redundant++;
        else
            record_state(x, r);
        plen = det_dfs_next(&d, prefix, DET_MAX_STEPS);
        if (plen < 0) {
            r->complete = !d.cut && !d.vcut;
            break;
        }
    }
    x->slp = 0;
    det_dfs_free(&d);
    return rc;
}

int lit_explore(const struct lit_test *t, const char *bin, int model, const char *cc, int dpor,
                uint64_t max_runs, struct lit_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->model = model;
    struct ctx x = { .t = t, .model = model, .fd = -1 };
    uint64_t t0 = now_ns();
    int rc = -1;
    uint8_t *prefix = malloc(DET_MAX_STEPS);
    struct eff *e = malloc(DET_MAX_STEPS * sizeof *e), *pe = malloc(DET_MAX_STEPS * sizeof *pe);
    x.fd = memfd_create("hvsim-litmus", MFD_CLOEXEC);
    if (!prefix || !e || !pe || x.fd < 0 || ftruncate(x.fd, (off_t)DET_REGION_SIZE) < 0) {
        snprintf(err, errlen, "memfd/out of memory: %s", strerror(errno));
        goto out;
    }
    x.base = mmap(0, DET_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, x.fd, 0);
    if (x.base == MAP_FAILED) {
        x.base = 0;
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        goto out;
    }
    x.S = det_region_shm(x.base);
    if (start(&x, bin, err, errlen) < 0)
        goto out;
    if (dpor) {
        rc = search_dpor(&x, cc, max_runs, r, prefix, err, errlen);
        goto out;
    }
    int plen = 0;
    for (;;) {
        if (max_runs && r->runs >= max_runs) {
            r->complete = 0;
            rc = 0;
            break;
        }
        if (exec1(&x, prefix, (uint32_t)plen, cc, err, errlen) < 0)
            goto out;
        r->runs++;
        r->cands_cut |= x.S->wmm.cut != 0; /* a load not offered every message: not complete */
        int red;
        if (merge(&x, (uint32_t)plen, e, pe, &red, err, errlen) < 0)
            goto out;
        if (red)
            r->redundant++;
        else
            record_state(&x, r);
        plen = next(&x, prefix);
        if (plen < 0) {
            r->complete = !r->cands_cut;
            rc = 0;
            break;
        }
    }
out:
    stop(&x);
    r->secs = (double)(now_ns() - t0) / 1e9;
    if (x.base)
        munmap(x.base, DET_REGION_SIZE);
    if (x.fd >= 0)
        close(x.fd);
    free(x.st);
    free(prefix);
    free(e);
    free(pe);
    return rc;
}
