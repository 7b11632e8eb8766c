/* sim/engine/det/det_exec.c — one execution of the deterministic engine.
 *
 * Builds nothing: det_engine.c hands it the participants built with TSan-ABI
 * instrumentation (BUILD_DET).  It starts them once and runs executions by
 * resetting the shared region between them; the participants pass a token
 * among themselves (see sim/runtime/det/det_runtime.c).  The supervisor is
 * the watchdog: a token holder that reaches no scheduling point for the hang
 * bound while burning CPU is a spin whose load was hoisted out of the loop
 * (HANG_STALE_READ).  All other verdicts are reached by the runtime from the
 * model state, so they are functions of the schedule alone: the same seed or
 * schedule string gives the same trace, byte for byte.
 */
#define _GNU_SOURCE
#include "det_int.h"
#include "util/vstall.h"
#include "evidence/srcloc.h"
#include "runtime/det/det_wmm.h"
#include "util/process.h"
#include "evidence/pc.h"
#include "runtime/common/futex.h"
#include "config/scenario.h"
#include "util/region.h"
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct det_shm *det_ctx_shm(struct det_ctx *x) { return x->S; }
void *det_ctx_base(struct det_ctx *x) { return x->base; }

uint64_t det_env_u64(const char *name, uint64_t def)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, 0, 0) : def;
}

/* --memory-model: sc, tso, arm (ARMv8), riscv (RVWMO); by default the
 * target's own: a riscv64 build is checked under RVWMO, an aarch64 build
 * under ARMv8, x86_64 under TSO (and ppc64le, which has no model here, too). */
int det_model_of(const struct hvsim_runcfg *c)
{
    if (!c->memory_model[0])
        return !strcmp(c->v.arch, "aarch64") ? DM_ARM : !strcmp(c->v.arch, "riscv64") ? DM_RISCV : DM_TSO;
    if (!strcmp(c->memory_model, "sc"))
        return DM_SC;
    if (!strcmp(c->memory_model, "arm"))
        return DM_ARM;
    if (!strcmp(c->memory_model, "riscv"))
        return DM_RISCV;
    return DM_TSO;
}
const char *const det_model_long[4] = { "SC", "TSO", "ARMv8 (no promises)", "RVWMO (no promises)" };
const char *const det_model_short[4] = { "sc", "tso", "arm", "riscv" };


void det_effective_cfg(const struct hvsim_runcfg *in, struct hvsim_runcfg *c)
{
    runcfg_copy(c, in); /* out of memory: c is left empty (no accesses) */
    if (c->ncpus > HVSIM_CPUS)
        c->ncpus = HVSIM_CPUS;
    if (!c->path) {
        /* No scenario: the default workload, one round (20 accesses per CPU);
         * dfs explores a small one (2 accesses) so that it can be exhaustive. */
        runcfg_default_workload(c, 1);
        if (!strcmp(c->strategy, "dfs") || !strcmp(c->strategy, "dpor"))
            for (unsigned i = 0; i < c->ncpus; i++)
                c->naccess[i] = c->naccess[i] > 2 ? 2 : c->naccess[i];
    }
    uint64_t n = det_env_u64("HVSIM_DET_ACCESSES", 0);
    if (n)
        for (unsigned i = 0; i < c->ncpus; i++)
            if (c->naccess[i] > n)
                c->naccess[i] = (unsigned)n;
}

static void kill_participants(struct det_ctx *x)
{
    if (!x->alive)
        return;
    __atomic_store_n(&x->S->quit, 1, __ATOMIC_SEQ_CST);
    proc_kill_group(x->pgid, x->ps, 2);
    x->alive = 0;
    x->pgid = 0;
}

static int start_participants(struct det_ctx *x, char *err, size_t errlen)
{
    struct det_shm *S = x->S;
    memset(S, 0, offsetof(struct det_shm, prefix));
    memset(S->pcell, 0, sizeof S->pcell); /* new processes: no private words buffered */
    S->magic = DET_MAGIC;
    S->ncpus = x->c.ncpus;
    S->nthreads = x->c.ncpus + 2;
    S->hc_tid = x->c.ncpus;
    S->be_tid = x->c.ncpus + 1;
    region_init_ctl(x->ctl, &x->c, 0);
    memset(x->ps, 0, sizeof x->ps);
    x->pgid = 0;
    const char *arch = x->c.v.arch;
    int qemu = strcmp(arch, "x86_64") != 0;
    char qbin[48], fdarg[] = "3";
    snprintf(qbin, sizeof qbin, "/usr/bin/qemu-%s", arch);
    char *be_argv[] = { qemu ? qbin : x->b.backend, x->b.backend, "--fd", fdarg, 0 };
    char *hv_argv[] = { qemu ? qbin : x->b.hv, x->b.hv, "--fd", fdarg, 0 };
    char **bea = be_argv, **hva = hv_argv;
    if (!qemu) {
        bea = be_argv + 1;
        hva = hv_argv + 1;
    }
    if (proc_start_participant(bea, x->fd, &x->pgid, &x->ps[1], err, errlen) < 0)
        return -1;
    proc_set_current_group(x->pgid);
    if (proc_start_participant(hva, x->fd, &x->pgid, &x->ps[0], err, errlen) < 0) {
        proc_kill_group(x->pgid, x->ps, 2);
        return -1;
    }
    x->alive = 1;
    uint64_t deadline = now_ns() + 20000000000ull;
    while (!(__atomic_load_n(&S->ready[0], __ATOMIC_ACQUIRE) &&
             __atomic_load_n(&S->ready[1], __ATOMIC_ACQUIRE))) {
        if (proc_poll(&x->ps[0]) || proc_poll(&x->ps[1]) || now_ns() > deadline) {
            snprintf(err, errlen, "a det participant failed to start (status %d/%d)",
                     x->ps[0].status, x->ps[1].status);
            kill_participants(x);
            return -1;
        }
        usleep(100);
    }
    return 0;
}

int det_ctx_open(struct det_ctx **out, const struct hvsim_runcfg *c, const struct build_out *b,
                 char *err, size_t errlen)
{
    struct det_ctx *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    det_effective_cfg(c, &x->c);
    x->b = *b;
    x->fd = memfd_create("hvsim-det", MFD_CLOEXEC);
    if (x->fd < 0 || ftruncate(x->fd, (off_t)DET_REGION_SIZE) < 0) {
        snprintf(err, errlen, "memfd: %s", strerror(errno));
        runcfg_clear(&x->c);
        free(x);
        return -1;
    }
    x->base = mmap(0, DET_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, x->fd, 0);
    if (x->base == MAP_FAILED) {
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        close(x->fd);
        runcfg_clear(&x->c);
        free(x);
        return -1;
    }
    x->S = det_region_shm(x->base);
    x->ctl = hvsim_region_ctl(x->base);
    /* det: the spinner holds the token, nobody else can end its wait, so a
     * fixed bound (plus CPU-time evidence) serves; the native engine's lower
     * hang floor is not meant for it */
    uint64_t hang_ms = 300;
    x->hang_ns = det_env_u64("HVSIM_DET_HANG_MS", hang_ms) * 1000000ull;
    x->fake_hang = det_env_u64("HVSIM_TEST_DET_FAKE_HANG", 0); /* read once: not per execution */
    *out = x;
    return 0;
}

void det_ctx_close(struct det_ctx *x)
{
    if (!x)
        return;
    kill_participants(x);
    munmap(x->base, DET_REGION_SIZE);
    close(x->fd);
    runcfg_clear(&x->c);
    free(x);
}

static uint32_t pct_k(const struct hvsim_runcfg *c)
{
    /* PCT's k (steps per execution), estimated from the workload so that a
     * seed means the same schedule in any run of the same configuration. */
    unsigned n = 0;
    for (unsigned i = 0; i < c->ncpus; i++)
        n += c->naccess[i];
    return 40u * (n ? n : 1);
}

/* PCT (Burckhardt et al., ASPLOS'10): d-1 change points in 1..k and a random
 * permutation of the priorities d .. d+n-1, all drawn from r. */
static void reset_pct(struct det_shm *S, const struct hvsim_runcfg *c, const struct det_plan *p,
                      uint64_t *r)
{
    uint32_t n = S->nthreads;
    unsigned d = p->pct_depth ? p->pct_depth : 3;
    if (d > 16)
        d = 16;
    S->pct_ncp = d - 1;
    uint32_t k = pct_k(c);
    for (uint32_t i = 0; i < S->pct_ncp; i++)
        S->pct_cp[i] = 1 + splitmix64(r) % k;
    /* random permutation of priorities d .. d+n-1 */
    uint32_t perm[DET_MAXT];
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)(splitmix64(r) % i);
        uint32_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    for (uint32_t i = 0; i < n; i++)
        S->t[i].prio = d + perm[i];
}

/* Every participant runnable, with no spin, store buffer or PCT priority
 * left from the previous execution (PCT's are set by reset_pct). */
static void reset_threads(struct det_shm *S, const struct det_plan *p)
{
    for (uint32_t i = 0; i < S->nthreads; i++) {
        struct det_thread *t = &S->t[i];
        t->state = DT_ENABLED;
        t->block = DB_NONE;
        t->repeats = t->spinning = t->rs_n = t->rs_all = 0;
        t->spin_key = t->spin_size = 0;
        t->spin_val = 0;
        t->last_pc = 0;
        t->last_off = t->last_kind = 0;
        t->last_val = 0;
        t->points = 0;
        t->sb_head = t->sb_n = 0;
        if (p->strategy != DET_PCT)
            t->prio = 0;
    }
}

/* The bounds of one execution: the configuration's, capped by the region's. */
static void reset_limits(struct det_shm *S, const struct hvsim_runcfg *c)
{
    S->max_steps = c->det_max_decisions ? c->det_max_decisions : DET_MAX_STEPS;
    if (S->max_steps > DET_MAX_STEPS)
        S->max_steps = DET_MAX_STEPS;
    S->max_points = c->det_max_points ? c->det_max_points : DET_POINTS_MAX;
    S->quiet_max = c->det_quiet_points ? c->det_quiet_points : DET_QUIET_MAX;
}

static void reset_exec(struct det_ctx *x, const struct det_plan *p)
{
    struct det_shm *S = x->S;
    const struct hvsim_runcfg *c = &x->c;
    memset(x->base, 0, HVSIM_BRIDGE_PAGE);
    memset(S->G, 0, sizeof S->G);
    region_init_ctl(x->ctl, c, p->seed);
    S->exec_state = DX_RUNNING;
    S->idle = 0;
    S->stop = 0;
    S->model = (uint32_t)det_model_of(c);
    S->tso = S->model != DM_SC;
    if (wmm_on(S)) {
        wmm_reset(S);
        /* gcc 12 maps every C11 fence on riscv64 to fence iorw,iorw; clang follows Table A.6 */
        S->wmm.strong = S->model == DM_RISCV && !strcmp(c->v.cc, "gcc");
    }
    S->strategy = (uint32_t)p->strategy;
    uint64_t r = p->seed * 0x9e3779b97f4a7c15ull + 0x1234567ull;
    S->rng = splitmix64(&r);
    reset_limits(S, c);
    S->quiet_points = 0;
    S->progress_points = 0;
    S->sim_ns = 0;
    S->spin_only = S->spin_turn = 0;
    S->record_ev = (uint32_t)p->record_ev;
    S->prefix_len = p->prefix_len > DET_MAX_STEPS ? DET_MAX_STEPS : p->prefix_len;
    if (p->prefix_len)
        memcpy(S->prefix, p->prefix, S->prefix_len);
    S->prefix_soft = (uint32_t)p->soft;
    if (p->slp)
        memcpy(&S->slp, p->slp, sizeof S->slp);
    else
        S->slp.mask = S->slp.gstep1 = 0;
    S->slp.next_ev = 0;
    S->slp.gmiss = 0;
    /* threads the code under test created went with the processes det_exec replaced */
    S->nthreads = c->ncpus + 2;
    S->holder = 0;
    S->step = 0;
    S->points = 0;
    S->ipi_sent = S->ipi_consumed = S->hc_sent = S->hc_done = 0;
    S->switches = S->preemptions = S->drains = S->diverged = 0;
    S->verdict = 0;
    S->vtid = -1;
    memset(S->vval, 0, sizeof S->vval);
    S->vwhy[0] = 0;
    S->nlog = S->nev = 0;
    /* drain chance per decision (random, pct): 1/2, 1/4 or 1/8 by seed */
    static const uint32_t drain_pm[] = { 500, 250, 125 };
    S->drain_permille = drain_pm[splitmix64(&r) % 3];
    static const uint32_t switch_pm[] = { 1000, 500, 250, 125, 62 };
    S->switch_permille = switch_pm[splitmix64(&r) % 5];
    S->pct_ncp = 0;
    if (p->strategy == DET_PCT)
        reset_pct(S, c, p, &r);
    reset_threads(S, p);
}

/* The holder h reached no scheduling point for the hang bound: 1 and o
 * filled when it is a verdict (a spin, or a call det does not model that
 * outlasted the scenario's timeout), 0 to keep watching. */
static int judge_stall(struct det_ctx *x, struct det_watch *w, int h, uint64_t now, struct det_outcome *o)
{
    struct det_shm *S = x->S;
    pid_t hpid = x->ps[S->t[h].proc == 1 ? 1 : 0].pid;
    long cpu1 = pc_thread_cpu_ms(hpid, S->t[h].tid);
    long win = (long)((now - w->win_t) / 1000000ull);
    long stalled = (long)((now - w->still_since) / 1000000ull);
    /* Spinning: CPU time grew by half the window — or, on a loaded
     * machine where a runnable spinner gets a small share, by a
     * tenth of it while the thread is not waiting in the kernel. */
    int sleeping = det_thread_sleeping(hpid, S->t[h].tid);
    long grew = cpu1 - w->cpu0;
    int burning = w->cpu0 >= 0 && cpu1 >= 0 && grew > 0 &&
                  (grew * 2 >= win || (!sleeping && grew * 10 >= win));
    if (!burning || !S->t[h].points) {
        /* not spinning: blocked in the kernel, in a call det does not
         * model.  Give it the scenario's timeout, then name the call. */
        if (stalled >= (long)x->c.timeout_ms && S->t[h].points && sleeping &&
            grew * 50 < win) { /* a blocked thread uses no CPU; a starved spinner some */
            o->verdict = V_TIMEOUT;
            o->vtid = h;
            o->hang_pc = S->t[h].last_pc;
            o->hang_proc = S->t[h].proc == 1;
            char call[96], tn[32];
            det_blocked_call(hpid, S->t[h].tid, call, sizeof call);
            snprintf(o->why, sizeof o->why,
                     "%s is blocked in the kernel in %s for %ld ms (the scenario's "
                     "timeout), a call the det engine does not model; every other "
                     "participant waits for it", det_thread_name(S, h, tn, sizeof tn),
                     call, stalled);
            return 1;
        }
        w->win_t = now;
        w->cpu0 = cpu1;
        return 0;
    }
    o->verdict = V_HANG_STALE_READ;
    o->vtid = h;
    o->hang_pc = S->t[h].last_pc;
    o->hang_proc = S->t[h].proc == 1;
    o->hang_cpu_ms = cpu1 - w->cpu0;
    o->hang_window_ms = win;
    o->vval[0] = S->t[h].last_val;
    o->vval[1] = S->t[h].last_off;
    snprintf(o->why, sizeof o->why,
             "the token holder reached no scheduling point for %ld ms (CPU time +%ld ms)",
             win, cpu1 - w->cpu0);
    return 1;
}

/* A participant process died: CRASH. */
static int crashed(struct det_ctx *x, struct det_outcome *o)
{
    if (!proc_poll(&x->ps[0]) && !proc_poll(&x->ps[1]))
        return 0;
    int who = x->ps[0].exited ? 0 : 1;
    int st = x->ps[who].status;
    o->verdict = V_CRASH;
    snprintf(o->why, sizeof o->why, "the %s process %s %d", who ? "backend" : "hypervisor",
             WIFSIGNALED(st) ? "died of signal" : "exited with status",
             WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    kill_participants(x);
    return 1;
}

/* Wait for the execution to end; 0: the runtime judged it, 1: the
 * supervisor did (o filled: a hang, a timeout, a crash). */
static int watch_exec(struct det_ctx *x, uint32_t done0, uint64_t t0, struct det_outcome *o)
{
    struct det_shm *S = x->S;
    struct det_watch w = { 0, t0, t0, -1, -1 };
    uint64_t prev = t0;
    vstall_start();
    for (;;) {
        uint32_t d = __atomic_load_n(&S->exec_done, __ATOMIC_SEQ_CST);
        if (d != done0 && __atomic_load_n(&S->exec_state, __ATOMIC_SEQ_CST) == DX_ENDED)
            return 0;
        futex_wait(&S->exec_done, d, 2000000L);
        if (__atomic_load_n(&S->exec_state, __ATOMIC_SEQ_CST) == DX_ENDED)
            return 0;
        if (crashed(x, o))
            return 1;
        uint64_t now = now_ns();
        uint64_t pts = __atomic_load_n(&S->points, __ATOMIC_RELAXED);
        int h = __atomic_load_n(&S->holder, __ATOMIC_RELAXED);
        int host_stall = vstall_overlaps(prev, now);
        prev = now;
        if (det_watch_poll(&w, pts, h, now, host_stall))
            continue;
        if (w.cpu0 < 0)
            w.cpu0 = pc_thread_cpu_ms(x->ps[S->t[h].proc == 1 ? 1 : 0].pid, S->t[h].tid);
        if (now - w.win_t >= x->hang_ns && judge_stall(x, &w, h, now, o))
            return 1;
    }
}

/* After the verdict: the counters, and the participants back in their idle
 * loop for the next execution (or fresh processes when they cannot be). */
static void finish_exec(struct det_ctx *x, struct det_outcome *o)
{
    struct det_shm *S = x->S;
    o->steps = S->step;
    o->points = S->points;
    o->preemptions = S->preemptions;
    o->switches = S->switches;
    o->drains = S->drains;
    o->diverged = S->diverged;
    /* Threads the code under test created (det_threads.c) cannot be reused:
     * their indices belong to this execution's schedule.  Fresh processes. */
    int user_threads = S->nthreads > S->ncpus + 2;
    if (o->verdict != V_PASS || !x->alive || user_threads) {
        kill_participants(x); /* threads are stuck mid-handler: start fresh processes */
        return;
    }
    uint64_t dl = now_ns() + 2000000000ull;
    unsigned spins = 0;
    while (__atomic_load_n(&S->idle, __ATOMIC_SEQ_CST) < S->nthreads) {
        if (now_ns() > dl) {
            kill_participants(x);
            break;
        }
        if (++spins > 200)
            usleep(50);
        else
            sched_yield();
    }
}

/* *by_clock: the supervisor judged it by the clock (a hang, a blocked call),
 * not the runtime from the execution's steps. */
static int exec_once(struct det_ctx *x, const struct det_plan *p, struct det_outcome *o, int *by_clock,
                     char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    if (!x->alive && start_participants(x, err, errlen) < 0)
        return -1;
    struct det_shm *S = x->S;
    reset_exec(x, p);
    uint64_t t0 = now_ns();
    uint32_t done0 = __atomic_load_n(&S->exec_done, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&S->exec_seq, 1, __ATOMIC_SEQ_CST);
    futex_wake(&S->exec_seq, 64);
    *by_clock = 0;
    if (watch_exec(x, done0, t0, o)) {
        *by_clock = o->verdict == V_HANG_STALE_READ || o->verdict == V_TIMEOUT;
    } else {
        o->verdict = (int)S->verdict;
        o->vtid = S->vtid;
        memcpy(o->vval, S->vval, sizeof o->vval);
        snprintf(o->why, sizeof o->why, "%s", S->vwhy);
        det_judge_oracle(x, o);
    }
    finish_exec(x, o);
    o->wall_ns = now_ns() - t0;
    return 0;
}

/* One execution.  An execution is deterministic — the same plan runs the
 * same steps — so a hang the code has repeats when it runs again, and one
 * that does not repeat was the machine's timing (a starved holder, a vCPU
 * the host did not run: CPU time charged while nothing ran).  A time-judged
 * verdict is reported only when a second run of the plan judges it too; a
 * long search is not stopped by a false one.  The outcome and the trace
 * are the second run's.  HVSIM_TEST_DET_FAKE_HANG=N: the Nth execution's
 * first run is judged HANG_STALE_READ whatever happened (test_det_retime). */
int det_exec(struct det_ctx *x, const struct det_plan *p, struct det_outcome *o, char *err,
             size_t errlen)
{
    int by_clock;
    if (exec_once(x, p, o, &by_clock, err, errlen) < 0)
        return -1;
    uint64_t n = ++x->nexec;
    if (x->fake_hang && n == x->fake_hang && o->verdict == V_PASS) {
        o->verdict = V_HANG_STALE_READ;
        snprintf(o->why, sizeof o->why, "a hang made up by HVSIM_TEST_DET_FAKE_HANG");
        by_clock = 1;
    }
    if (!by_clock || getenv("HVSIM_DET_NO_RERUN"))
        return 0;
    int first = o->verdict;
    char why[sizeof o->why];
    snprintf(why, sizeof why, "%s", o->why);
    if (exec_once(x, p, o, &by_clock, err, errlen) < 0)
        return -1;
    if (o->verdict != first)
        fprintf(stderr, "hvsim det: execution %llu was judged %s (%s); run again it was %s: the "
                        "first judgement was this machine's timing, not the code's\n",
                (unsigned long long)n, verdict_name((enum hvsim_verdict)first), why,
                verdict_name((enum hvsim_verdict)o->verdict));
    return 0;
}
