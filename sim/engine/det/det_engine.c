/* sim/engine/det/det_engine.c — the deterministic engine (supervisor side).
 *
 * Builds the participants with TSan-ABI instrumentation (BUILD_DET), starts
 * them once, and runs executions by resetting the shared region between
 * them; the participants pass a token among themselves (see
 * sim/runtime/det/det_runtime.c).  The supervisor is the watchdog: a token holder
 * that reaches no scheduling point for the hang bound while burning CPU is
 * a spin whose load was hoisted out of the loop (HANG_STALE_READ).  All
 * other verdicts are reached by the runtime from the model state, so they
 * are functions of the schedule alone: the same seed or schedule string
 * gives the same trace, byte for byte.
 */
#define _GNU_SOURCE
#include "det.h"
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

struct det_ctx {
    struct hvsim_runcfg c;
    struct build_out b;
    int fd;
    void *base;
    struct det_shm *S;
    struct hvsim_ctl *ctl;
    struct proc ps[2];
    pid_t pgid;
    int alive;
    uint64_t hang_ns;
};

struct det_shm *det_ctx_shm(struct det_ctx *x) { return x->S; }
void *det_ctx_base(struct det_ctx *x) { return x->base; }

static uint64_t env_u64(const char *name, uint64_t def)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, 0, 0) : def;
}

/* --memory-model: sc, tso, arm (ARMv8), riscv (RVWMO); by default the
 * target's own: a riscv64 build is checked under RVWMO, an aarch64 build
 * under ARMv8, x86_64 under TSO (and ppc64le, which has no model here, too). */
static int model_of(const struct hvsim_runcfg *c)
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
static const char *const model_long[] = { "SC", "TSO", "ARMv8 (no promises)", "RVWMO (no promises)" };
static const char *const model_short[] = { "sc", "tso", "arm", "riscv" };

void det_effective_cfg(const struct hvsim_runcfg *in, struct hvsim_runcfg *c)
{
    memcpy(c, in, sizeof *c);
    if (c->ncpus > HVSIM_CPUS)
        c->ncpus = HVSIM_CPUS;
    if (!c->path[0]) {
        /* No scenario: the default workload, one round (20 accesses per CPU);
         * dfs explores a small one (2 accesses) so that it can be exhaustive. */
        runcfg_default_workload(c, 1);
        if (!strcmp(c->strategy, "dfs"))
            for (unsigned i = 0; i < c->ncpus; i++)
                c->naccess[i] = c->naccess[i] > 2 ? 2 : c->naccess[i];
    }
    uint64_t n = env_u64("HVSIM_DET_ACCESSES", 0);
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
        free(x);
        return -1;
    }
    x->base = mmap(0, DET_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, x->fd, 0);
    if (x->base == MAP_FAILED) {
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        close(x->fd);
        free(x);
        return -1;
    }
    x->S = det_region_shm(x->base);
    x->ctl = hvsim_region_ctl(x->base);
    /* det: the spinner holds the token, nobody else can end its wait, so a
     * fixed bound (plus CPU-time evidence) serves; the native engine's lower
     * hang floor is not meant for it */
    uint64_t hang_ms = 300;
    x->hang_ns = env_u64("HVSIM_DET_HANG_MS", hang_ms) * 1000000ull;
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
    S->model = (uint32_t)model_of(c);
    S->tso = S->model != DM_SC;
    if (wmm_on(S)) {
        wmm_reset(S);
        /* gcc 12 maps every C11 fence on riscv64 to fence iorw,iorw; clang follows Table A.6 */
        S->wmm.strong = S->model == DM_RISCV && !strcmp(c->v.cc, "gcc");
    }
    S->strategy = (uint32_t)p->strategy;
    uint64_t r = p->seed * 0x9e3779b97f4a7c15ull + 0x1234567ull;
    S->rng = splitmix64(&r);
    S->max_steps = c->det_max_decisions ? c->det_max_decisions : DET_MAX_STEPS;
    if (S->max_steps > DET_MAX_STEPS)
        S->max_steps = DET_MAX_STEPS;
    S->max_points = c->det_max_points ? c->det_max_points : DET_POINTS_MAX;
    S->quiet_max = c->det_quiet_points ? c->det_quiet_points : DET_QUIET_MAX;
    S->quiet_points = 0;
    S->progress_points = 0;
    S->sim_ns = 0;
    S->spin_only = S->spin_turn = 0;
    S->record_ev = (uint32_t)p->record_ev;
    S->prefix_len = p->prefix_len > DET_MAX_STEPS ? DET_MAX_STEPS : p->prefix_len;
    if (p->prefix_len)
        memcpy(S->prefix, p->prefix, S->prefix_len);
    S->prefix_soft = (uint32_t)p->soft;
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
    uint32_t n = S->nthreads;
    if (p->strategy == DET_PCT) {
        unsigned d = p->pct_depth ? p->pct_depth : 3;
        if (d > 16)
            d = 16;
        S->pct_ncp = d - 1;
        uint32_t k = pct_k(c);
        for (uint32_t i = 0; i < S->pct_ncp; i++)
            S->pct_cp[i] = 1 + splitmix64(&r) % k;
        /* random permutation of priorities d .. d+n-1 */
        uint32_t perm[DET_MAXT];
        for (uint32_t i = 0; i < n; i++)
            perm[i] = i;
        for (uint32_t i = n; i > 1; i--) {
            uint32_t j = (uint32_t)(splitmix64(&r) % i);
            uint32_t t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
        for (uint32_t i = 0; i < n; i++)
            S->t[i].prio = d + perm[i];
    }
    for (uint32_t i = 0; i < n; i++) {
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

/* The protocol oracle (sim/verdict) on the end state the runtime judged:
 * a PASS with a notify left without its completion or interrupt is a
 * finding; a CPU left re-reading its flag is a lost request (its request
 * never reached the daemon) or a missed answer (the answer came before it
 * sampled the value it waits to see change).  Buffers are drained when the
 * runtime judges, so the bridge page is global memory. */
static void oracle_judge(struct det_ctx *x, struct det_outcome *o)
{
    if (o->verdict != V_PASS && o->verdict != V_LIVELOCK && o->verdict != V_DEADLOCK)
        return;
    static struct oracle_snap snap;
    oracle_snap_take(&snap, x->ctl, (const struct virtio_bridge *)x->base, x->S->points);
    struct oracle_finding *f = &o->fin;
    memset(f, 0, sizeof *f);
    if (o->verdict == V_PASS) {
        if (oracle_check_final(&snap, f) == V_PASS)
            return;
    } else {
        int cpu = oracle_request_lost(&snap);
        const struct det_thread *be = &x->S->t[x->S->be_tid];
        if (cpu >= 0) {
            oracle_explain_request_lost(&snap, cpu, f);
        } else if (o->verdict == V_LIVELOCK && be->state == DT_BLOCKED &&
                   be->block == DB_HC_SERVE && x->S->t[x->S->hc_tid].spinning) {
            /* the daemon waits in FINISH_REQ and the hypervisor's handler of
             * it never returns: it re-reads memory there */
            const struct det_thread *hc = &x->S->t[x->S->hc_tid];
            o->verdict = V_DAEMON_STALLED;
            o->vtid = (int)x->S->hc_tid;
            o->vval[0] = hc->spin_key;
            o->vval[1] = hc->spin_val;
            return;
        } else if (o->verdict == V_LIVELOCK && snap.req_front != snap.req_rear &&
                   be->state == DT_ENABLED && be->spinning) {
            /* requests wait and the daemon only re-reads memory somewhere
             * else: it stopped serving (words: det_explain_stuck on it) */
            o->verdict = V_DAEMON_STALLED;
            o->vtid = (int)x->S->be_tid;
            o->vval[0] = be->spin_key;
            o->vval[1] = be->spin_val;
            return;
        } else if (o->verdict == V_LIVELOCK && o->vtid >= 0 && (uint32_t)o->vtid < x->S->ncpus &&
                   o->vval[0] == 1552u + 8u * (uint32_t)o->vtid) {
            /* missed answer: the CPU's first load of its flag in this access
             * (the value it waits to see change) already saw the answer */
            struct det_shm *S = x->S;
            uint64_t now = 0, before = x->ctl->cpu[o->vtid].flag_before;
            memcpy(&now, S->G + o->vval[0], 8);
            if (now == before || now != o->vval[1])
                return;
            if (det_first_load_in_access(S, o->vtid, (uint32_t)o->vval[0], &now))
                o->verdict = V_MISSED_ANSWER; /* words: det_explain_stuck() */
            return;
        } else {
            return;
        }
    }
    o->verdict = f->verdict;
    o->has_finding = 1;
    if (f->cpu >= 0)
        o->vtid = f->cpu;
    snprintf(o->why, sizeof o->why, "%s", f->summary);
}

int det_exec(struct det_ctx *x, const struct det_plan *p, struct det_outcome *o, char *err,
             size_t errlen)
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

    /* still_since: the holder's last scheduling point; [win_t, now]: the
     * window over which its CPU time is measured (restarted when it was not
     * burning CPU, so a late spin is still judged on its own window). */
    uint64_t last_points = 0, still_since = t0, win_t = t0;
    long cpu0 = -1;
    int hang = 0;
    for (;;) {
        uint32_t d = __atomic_load_n(&S->exec_done, __ATOMIC_SEQ_CST);
        if (d != done0 && __atomic_load_n(&S->exec_state, __ATOMIC_SEQ_CST) == DX_ENDED)
            break;
        futex_wait(&S->exec_done, d, 2000000L);
        if (__atomic_load_n(&S->exec_state, __ATOMIC_SEQ_CST) == DX_ENDED)
            break;
        if (proc_poll(&x->ps[0]) || proc_poll(&x->ps[1])) {
            int who = x->ps[0].exited ? 0 : 1;
            int st = x->ps[who].status;
            o->verdict = V_CRASH;
            snprintf(o->why, sizeof o->why, "the %s process %s %d",
                     who ? "backend" : "hypervisor",
                     WIFSIGNALED(st) ? "died of signal" : "exited with status",
                     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
            kill_participants(x);
            goto out;
        }
        uint64_t now = now_ns();
        uint64_t pts = __atomic_load_n(&S->points, __ATOMIC_RELAXED);
        int h = __atomic_load_n(&S->holder, __ATOMIC_RELAXED);
        if (pts != last_points || h < 0) {
            last_points = pts;
            still_since = win_t = now;
            cpu0 = -1;
            continue;
        }
        pid_t hpid = x->ps[S->t[h].proc == 1 ? 1 : 0].pid;
        if (cpu0 < 0)
            cpu0 = pc_thread_cpu_ms(hpid, S->t[h].tid);
        if (now - win_t >= x->hang_ns) {
            long cpu1 = pc_thread_cpu_ms(hpid, S->t[h].tid);
            long win = (long)((now - win_t) / 1000000ull);
            long stalled = (long)((now - still_since) / 1000000ull);
            /* Spinning: CPU time grew by half the window — or, on a loaded
             * machine where a runnable spinner gets a small share, by a
             * tenth of it while the thread is not waiting in the kernel. */
            int sleeping = det_thread_sleeping(hpid, S->t[h].tid);
            long grew = cpu1 - cpu0;
            int burning = cpu0 >= 0 && cpu1 >= 0 && grew > 0 &&
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
                    char call[96];
                    det_blocked_call(hpid, S->t[h].tid, call, sizeof call);
                    char tn[32];
                    snprintf(o->why, sizeof o->why,
                             "%s is blocked in the kernel in %s for %ld ms (the scenario's "
                             "timeout), a call the det engine does not model; every other "
                             "participant waits for it", det_thread_name(S, h, tn, sizeof tn),
                             call, stalled);
                    hang = 1;
                    break;
                }
                win_t = now;
                cpu0 = cpu1;
                continue;
            }
            hang = 1;
            o->verdict = V_HANG_STALE_READ;
            o->vtid = h;
            o->hang_pc = S->t[h].last_pc;
            o->hang_proc = S->t[h].proc == 1;
            o->hang_cpu_ms = cpu1 - cpu0;
            o->hang_window_ms = win;
            o->vval[0] = S->t[h].last_val;
            o->vval[1] = S->t[h].last_off;
            snprintf(o->why, sizeof o->why,
                     "the token holder reached no scheduling point for %ld ms (CPU time +%ld ms)",
                     win, cpu1 - cpu0);
            break;
        }
    }
    if (!hang) {
        o->verdict = (int)S->verdict;
        o->vtid = S->vtid;
        memcpy(o->vval, S->vval, sizeof o->vval);
        snprintf(o->why, sizeof o->why, "%s", S->vwhy);
        oracle_judge(x, o);
    }
out:
    o->steps = S->step;
    o->points = S->points;
    o->preemptions = S->preemptions;
    o->switches = S->switches;
    o->drains = S->drains;
    o->diverged = S->diverged;
    /* Threads the code under test created (det_threads.c) cannot be reused:
     * their indices belong to this execution's schedule.  Fresh processes. */
    int user_threads = S->nthreads > S->ncpus + 2;
    if (o->verdict == V_PASS && x->alive && !user_threads) {
        /* wait until every participant is back in its idle loop */
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
    } else {
        kill_participants(x); /* threads are stuck mid-handler: start fresh processes */
    }
    o->wall_ns = now_ns() - t0;
    return 0;
}

/* ---- results ------------------------------------------------------------------ */
struct det_run {
    const struct hvsim_runcfg *c;      /* as given */
    struct hvsim_runcfg eff;           /* as run */
    struct det_ctx *x;
    struct det_syms *sy;
    uint64_t executions, points, schedules;
    uint64_t t_start;
};

const char *det_thread_name(const struct det_shm *S, int t, char *buf, size_t len)
{
    if (t < 0)
        snprintf(buf, len, "-");
    else if ((uint32_t)t < S->ncpus)
        snprintf(buf, len, "cpu%d", t);
    else if ((uint32_t)t == S->hc_tid)
        snprintf(buf, len, "hypercall");
    else if ((uint32_t)t == S->be_tid)
        snprintf(buf, len, "daemon");
    else { /* created by the code under test: numbered per process in creation order */
        unsigned k = 0;
        for (int i = (int)S->be_tid + 1; i <= t; i++)
            k += S->t[i].proc == S->t[t].proc;
        snprintf(buf, len, "%s-thread%u", S->t[t].proc == 1 ? "be" : "hv", k);
    }
    return buf;
}

static const char *field_name(uint32_t off, char *buf, size_t len)
{
    det_field_name(off, buf, len);
    return buf;
}

static void fill_result(struct det_run *R, const struct det_outcome *o, uint64_t seed,
                        const char *schedule, struct run_result *r)
{
    struct det_shm *S = det_ctx_shm(R->x);
    const struct hvsim_runcfg *c = &R->eff;
    memset(r, 0, sizeof *r);
    r->verdict = (enum hvsim_verdict)o->verdict;
    r->seed = seed;
    r->cpu = -1;
    r->wall_ms = o->wall_ns / 1000000ull;
    char tn[32], fl[64];
    int model = model_of(c);
    snprintf(r->det_schedule, sizeof r->det_schedule, "%s", schedule ? schedule : "");
    snprintf(r->det_strategy, sizeof r->det_strategy, "%s", c->strategy);
    snprintf(r->det_memory_model, sizeof r->det_memory_model, "%s", model_short[model]);
    r->det_points = o->points;
    r->det_steps = o->steps;
    r->det_preemptions = o->preemptions;
    r->det_executions = R->executions;
    r->det_schedules = R->schedules;
    switch (o->verdict) {
    case V_PASS:
        snprintf(r->summary, sizeof r->summary,
                 "all %u CPUs completed their accesses (%u decisions, %u switches, %u drains)",
                 c->ncpus, o->steps, o->switches, o->drains);
        snprintf(r->text, sizeof r->text, "%s under %s.", r->summary, model_long[model]);
        break;
    case V_HANG_STALE_READ: {
        r->cpu = o->vtid < (int)S->ncpus ? o->vtid : -1;
        r->flag_waited_on = o->vval[0];
        memcpy(&r->flag_in_memory, S->G + o->vval[1], 8);
        r->cpu_time_ms = o->hang_cpu_ms;
        r->window_ms = o->hang_window_ms;
        r->judge_latency_ms = (uint64_t)o->hang_window_ms;
        r->npcs = 1;
        r->pcs[0] = o->hang_pc;
        struct pc_sym s;
        const char *bin = o->hang_proc ? R->x->b.backend : R->x->b.hv;
        if (o->hang_pc && pc_symbolize_elf(bin, o->hang_pc - 1, &s) == 0) {
            snprintf(r->function, sizeof r->function, "%s", s.function);
            srcloc_show(s.file, r->file, sizeof r->file);
            r->line = s.line;
        }
        snprintf(r->summary, sizeof r->summary,
                 "%s loaded %s (= %llu) and then ran %ld ms without another access to shared "
                 "memory: the wait loop does not re-read it",
                 det_thread_name(S, o->vtid, tn, sizeof tn), field_name((uint32_t)o->vval[1], fl, sizeof fl),
                 (unsigned long long)o->vval[0], o->hang_window_ms);
        snprintf(r->text, sizeof r->text,
                 "%s holds the token: under the deterministic scheduler every access to the bridge "
                 "is a call into the runtime, and none came for %ld ms while the thread used %ld ms "
                 "of CPU. Its last access was the load at %s:%d in %s(); the compiler hoisted that "
                 "load out of the wait loop, so no store by the daemon can ever end it (the release "
                 "build hangs the same way). Decisions before the hang: %u.",
                 det_thread_name(S, o->vtid, tn, sizeof tn), o->hang_window_ms, o->hang_cpu_ms,
                 r->file[0] ? r->file : "?", r->line, r->function[0] ? r->function : "?", o->steps);
        break;
    }
    case V_LOST_WAKEUP: {
        char cause[1400];
        det_explain_lost_wakeup(S, hvsim_region_ctl(det_ctx_base(R->x)), R->sy, cause, sizeof cause);
        snprintf(r->summary, sizeof r->summary, "%s", o->why);
        snprintf(r->function, sizeof r->function, "backend_run");
        snprintf(r->text, sizeof r->text, "%s; every CPU waits (memory model %s). %s Schedule: %s "
                 "(%u preemptions, %u drains chosen).", o->why, model_long[model], cause,
                 schedule ? schedule : "?", o->preemptions, o->drains);
        break;
    }
    case V_MISSED_ANSWER:
    case V_DAEMON_STALLED:
    case V_LIVELOCK: {
        char st[1200];
        det_explain_stuck(S, hvsim_region_ctl(det_ctx_base(R->x)), R->sy, o->vtid,
                          (uint32_t)o->vval[0], o->vval[1], o->verdict == V_MISSED_ANSWER, st,
                          sizeof st);
        r->cpu = o->vtid < (int)S->ncpus ? o->vtid : -1;
        snprintf(r->summary, sizeof r->summary, "%.*s", (int)sizeof r->summary - 1, st);
        snprintf(r->text, sizeof r->text, "%s (%s). Schedule: %s.", st, o->why,
                 schedule ? schedule : "?");
        break;
    }
    case V_WRONG_VALUE:
        r->cpu = o->vtid;
        snprintf(r->summary, sizeof r->summary, "%s", o->why);
        snprintf(r->function, sizeof r->function, "hv_mmio_access");
        snprintf(r->text, sizeof r->text,
                 "%s. The handler returned a value the daemon never answered (a stale or "
                 "reordered cfg_values read). Schedule: %s.",
                 o->why, schedule ? schedule : "?");
        break;
    default:
        snprintf(r->summary, sizeof r->summary, "%s", o->why[0] ? o->why : verdict_name(r->verdict));
        snprintf(r->text, sizeof r->text, "%s. Schedule: %s.", r->summary, schedule ? schedule : "?");
        break;
    }
    if (o->has_finding) {
        /* the protocol oracle's words (sim/verdict) */
        const struct oracle_finding *f = &o->fin;
        r->cpu = f->cpu;
        snprintf(r->invariant, sizeof r->invariant, "%s", f->invariant);
        snprintf(r->summary, sizeof r->summary, "%s", f->summary);
        snprintf(r->text, sizeof r->text, "%s Invariant: %s. Schedule: %s.", f->text, f->invariant,
                 schedule ? schedule : "?");
        if (f->func[0])
            snprintf(r->function, sizeof r->function, "%s", f->func);
        if (f->file[0]) {
            snprintf(r->file, sizeof r->file, "%s", f->file);
            r->line = f->line;
        }
    }
    if (o->verdict != V_PASS) { /* a thread of the code under test stuck in a lock, wait or join */
        char note[400];
        det_blocked_note(S, R->sy, note, sizeof note);
        if (note[0]) {
            size_t l = strlen(r->summary);
            snprintf(r->summary + l, sizeof r->summary - l, "; %s", note);
            l = strlen(r->text);
            snprintf(r->text + l, sizeof r->text - l, " At the end: %s.", note);
        }
    }
    if (o->verdict != V_PASS && o->verdict != V_HANG_STALE_READ && wmm_on(S)) {
        static char why[1536];
        if (det_wmm_explain(S, R->sy, why, sizeof why)) {
            strncat(r->text, " ", sizeof r->text - strlen(r->text) - 1);
            strncat(r->text, why, sizeof r->text - strlen(r->text) - 1);
        }
    }
    if (o->diverged)
        strncat(r->text, " WARNING: the replayed schedule diverged (the code or the build changed).",
                sizeof r->text - strlen(r->text) - 1);
    if (o->verdict != V_PASS && schedule) {
        size_t l = strlen(r->summary);
        snprintf(r->summary + l, sizeof r->summary - l, " [schedule %s]", schedule);
    }
    /* timeline: the last trace events */
    uint32_t from = S->nev > 40 ? S->nev - 40 : 0;
    for (uint32_t i = from; i < S->nev; i++) {
        const struct det_event *e = &S->ev[i];
        char line[64] = "";
        if (e->pc && R->sy)
            det_syms_line(R->sy, S->t[e->tid].proc == 1, e->pc, line, sizeof line);
        static const char *const kn[EV__COUNT] = {
            "read", "write", "vread", "vwrite", "aload", "astore", "rmw", "fence", "sleep",
            "wake", "ipi", "hypercall", "hcdone", "delay", "begin", "done", "drain", "switch",
            "access", "result", "sync" };
        if (e->kind == EV_SYNC) {
            char d[96];
            det_sync_describe(S, e, d, sizeof d);
            result_event(r, e->step, det_thread_name(S, e->tid, tn, sizeof tn), "%s %s", d, line);
            continue;
        }
        result_event(r, e->step, det_thread_name(S, e->tid, tn, sizeof tn), "%s %s=%llu %s",
                     kn[e->kind], e->off == UINT32_MAX ? "private" : field_name(e->off, fl, sizeof fl),
                     (unsigned long long)e->val, line);
    }
}

/* ---- shrinking ----------------------------------------------------------------- */
static int run_soft(struct det_run *R, const uint8_t *pre, uint32_t n, int strict, uint64_t seed,
                    struct det_outcome *o, char *err, size_t errlen)
{
    struct det_plan p = { .strategy = DET_REPLAY, .seed = seed, .prefix = pre, .prefix_len = n,
                          .soft = !strict, .record_ev = 1 };
    int rc = det_exec(R->x, &p, o, err, errlen);
    R->executions++;
    R->points += o->points;
    return rc;
}

/* Minimise a failing schedule: shortest soft prefix that still fails the same
 * way (binary search), then drop preemptions and drains one at a time. */
static int shrink(struct det_run *R, uint64_t seed, int verdict, uint8_t *acts, uint32_t *nacts,
                  char *err, size_t errlen)
{
    struct det_shm *S = det_ctx_shm(R->x);
    uint32_t n = *nacts;
    struct det_outcome o;
    unsigned budget = (unsigned)env_u64("HVSIM_DET_SHRINK", 200);
    uint32_t lo = 0, hi = n;
    while (lo < hi && budget) {
        uint32_t mid = lo + (hi - lo) / 2;
        budget--;
        if (run_soft(R, acts, mid, 0, seed, &o, err, errlen) < 0)
            return -1;
        if (o.verdict == verdict)
            hi = mid;
        else
            lo = mid + 1;
    }
    n = hi;
    uint8_t *trial = malloc(n ? n : 1);
    for (int64_t i = (int64_t)n - 1; i >= 0 && budget; i--) {
        if (acts[i] == DET_ACT_DEFAULT)
            continue;
        memcpy(trial, acts, n);
        trial[i] = DET_ACT_DEFAULT;
        budget--;
        if (run_soft(R, trial, n, 0, seed, &o, err, errlen) < 0) {
            free(trial);
            return -1;
        }
        if (o.verdict == verdict)
            acts[i] = DET_ACT_DEFAULT;
    }
    free(trial);
    /* the shrunk schedule, as it really ran */
    if (run_soft(R, acts, n, 0, seed, &o, err, errlen) < 0)
        return -1;
    if (o.verdict != verdict)
        return 0; /* not reproducible this way: keep the original */
    uint32_t k = det_sched_significant(S->log, S->nlog);
    for (uint32_t i = 0; i < k; i++)
        acts[i] = S->log[i].chosen;
    *nacts = k;
    return 1;
}

/* ---- the engine ------------------------------------------------------------------ */
static int build(const struct hvsim_runcfg *c, struct build_out *b, struct engine_info *info,
                 char *err, size_t errlen)
{
    if (build_participants(c, BUILD_DET, b, err, errlen) < 0) {
        if (info)
            snprintf(info->buildlog, sizeof info->buildlog, "%s", b->log);
        return -2;
    }
    if (info) {
        info->hv_text_hash = b->hv_text_hash;
        info->be_text_hash = b->be_text_hash;
        snprintf(info->binary, sizeof info->binary, "%s", b->hv);
    }
    return 0;
}

static void write_traces(struct det_run *R, const char *tpath, const char *cpath, const char *hdr)
{
    struct det_shm *S = det_ctx_shm(R->x);
    if (tpath && *tpath) {
        /* HVSIM_DET_TRACE_APPEND: keep every execution's trace (the audit) */
        FILE *f = fopen(tpath, getenv("HVSIM_DET_TRACE_APPEND") ? "a" : "w");
        if (f) {
            det_trace_text(f, S, R->sy, hdr);
            fclose(f);
        }
    }
    if (cpath && *cpath) {
        FILE *f = fopen(cpath, "w");
        if (f) {
            det_trace_chrome(f, S, R->sy);
            fclose(f);
        }
    }
}

static int strategy_of(const char *s);

/* Report a failing execution: shrink, rerun the final schedule (so the trace
 * and the evidence are those of the reported schedule), fill r. */
static int report_failure(struct det_run *R, uint64_t seed, const struct det_outcome *o0,
                          struct run_result *r, char *err, size_t errlen)
{
    struct det_shm *S = det_ctx_shm(R->x);
    struct det_outcome o = *o0;
    static uint8_t acts[DET_MAX_STEPS];
    static char sched[8192];
    uint32_t n = S->nlog;
    for (uint32_t i = 0; i < n; i++)
        acts[i] = S->log[i].chosen;
    n = det_sched_significant(S->log, n);
    /* A LIVELOCK execution costs det-quiet-points points: shrinking it would
     * take hundreds of them; like a hang or a timeout it is reported as found. */
    if (o.verdict != V_HANG_STALE_READ && o.verdict != V_CRASH && o.verdict != V_TIMEOUT &&
        o.verdict != V_LIVELOCK && o.verdict != V_MISSED_ANSWER && o.verdict != V_DAEMON_STALLED &&
        o.points < (1u << 20)) {
        if (shrink(R, seed, o.verdict, acts, &n, err, errlen) < 0)
            return -1;
    }
    int seeded = 0;
    if (det_sched_encode(acts, n, sched, sizeof sched) < 0) {
        /* Too long to write out: a random/pct execution is a function of its
         * strategy and seed, so the seed itself is the replayable schedule
         * (the unshrunk execution, rerun below for its evidence). */
        int st = strategy_of(R->eff.strategy);
        if (st == DET_DFS) {
            snprintf(sched, sizeof sched, "%s:(too long)", wmm_on(S) ? "det2" : "det1");
        } else {
            snprintf(sched, sizeof sched, "detseed:%s:%u", R->eff.strategy,
                     st == DET_PCT ? (R->eff.pct_depth ? R->eff.pct_depth : 3) : 0);
            struct det_plan p = { .strategy = st, .seed = seed, .pct_depth = R->eff.pct_depth,
                                  .record_ev = 1 };
            struct det_outcome o2;
            if (det_exec(R->x, &p, &o2, err, errlen) < 0)
                return -1;
            R->executions++;
            if (o2.verdict == o.verdict)
                o = o2;
            seeded = 1;
        }
    }
    /* rerun strictly: evidence and trace of exactly this schedule */
    if (!seeded && o.verdict != V_HANG_STALE_READ && o.verdict != V_CRASH) {
        struct det_outcome o2;
        if (run_soft(R, acts, n, 1, seed, &o2, err, errlen) < 0)
            return -1;
        if (o2.verdict == o.verdict)
            o = o2;
    }
    fill_result(R, &o, seed, sched, r);
    char hdr[9000];
    snprintf(hdr, sizeof hdr, "# hvsim det trace: %s seed %llu schedule %s\n", verdict_name(r->verdict),
             (unsigned long long)seed, sched);
    write_traces(R, getenv("HVSIM_DET_TRACE"), getenv("HVSIM_DET_CHROME"), hdr);
    return 0;
}

static int strategy_of(const char *s)
{
    if (!strcmp(s, "random")) return DET_RANDOM;
    if (!strcmp(s, "dfs")) return DET_DFS;
    return DET_PCT;
}

static int run_setup(struct det_run *R, const struct hvsim_runcfg *c, struct engine_info *info,
                     char *err, size_t errlen)
{
    memset(R, 0, sizeof *R);
    R->c = c;
    det_effective_cfg(c, &R->eff);
    struct build_out b;
    int rc = build(c, &b, info, err, errlen);
    if (rc < 0)
        return rc;
    if (det_ctx_open(&R->x, c, &b, err, errlen) < 0)
        return -1;
    R->sy = det_syms_new(b.hv, b.backend);
    R->t_start = now_ns();
    return 0;
}

static void run_teardown(struct det_run *R)
{
    det_ctx_close(R->x);
    det_syms_free(R->sy);
}

/* r: the result each execution fills in turn (the caller's, on the heap) */
static int det_engine_runs_with(struct run_result *r, const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                                struct engine_info *info, char *err, size_t errlen)
{
    struct det_run R;
    int rc = run_setup(&R, c, info, err, errlen);
    if (rc < 0)
        return rc;
    int strat = strategy_of(c->strategy);
    struct det_outcome o;
    int model = model_of(c);
    unsigned found = 0;
    rc = 0;
    if (strat == DET_DFS) {
        struct det_dfs d;
        det_dfs_init(&d, c->dfs_bound);
        static uint8_t prefix[DET_MAX_STEPS];
        int plen = 0;
        uint64_t cap = c->runs > 1 ? c->runs : 1000000;
        int exhausted = 0;
        for (;;) {
            struct det_plan p = { .strategy = DET_DFS, .seed = c->seed, .prefix = prefix,
                                  .prefix_len = (uint32_t)plen, .record_ev = 1 };
            if (det_exec(R.x, &p, &o, err, errlen) < 0) {
                rc = -1;
                break;
            }
            R.executions++;
            R.points += o.points;
            struct det_shm *S = det_ctx_shm(R.x);
            det_dfs_record(&d, S->log, S->nlog);
            R.schedules = d.schedules;
            if (o.verdict != V_PASS) {
                found = 1;
                if (report_failure(&R, c->seed, &o, r, err, errlen) < 0) {
                    rc = -1;
                    break;
                }
                r->det_schedules = d.schedules;
                if (cb(r, ud))
                    break;
            }
            if (R.executions >= cap)
                break;
            plen = det_dfs_next(&d, prefix, DET_MAX_STEPS);
            if (plen < 0) {
                exhausted = 1;
                break;
            }
        }
        if (rc == 0 && !found) {
            o.verdict = V_PASS;
            fill_result(&R, &o, c->seed, "", r);
            r->det_schedules = d.schedules;
            r->det_executions = R.executions;
            r->det_points = R.points;
            snprintf(r->summary, sizeof r->summary,
                     "%s: %llu schedules with at most %u preemptions/early drains under %s, all PASS",
                     exhausted ? "exhaustive" : "NOT exhaustive (--runs cap reached)",
                     (unsigned long long)d.schedules, c->dfs_bound, model_long[model]);
            snprintf(r->text, sizeof r->text,
                     "%s (%llu scheduling points, %.1f s).", r->summary,
                     (unsigned long long)R.points, (double)(now_ns() - R.t_start) / 1e9);
            cb(r, ud);
        }
        fprintf(stderr, "hvsim det: dfs covered %llu schedules (bound %u, %s), %llu executions, "
                        "%llu scheduling points\n",
                (unsigned long long)d.schedules, c->dfs_bound,
                exhausted ? "exhaustive within the bound" : "stopped early",
                (unsigned long long)R.executions, (unsigned long long)R.points);
        det_dfs_free(&d);
    } else {
        /* --runs N is N seeded executions, as in every engine (--runs 1 used
         * to explore 100 here, which no other engine did: issue 21). */
        unsigned nexec = c->runs;
        unsigned i;
        for (i = 0; i < nexec; i++) {
            uint64_t seed = c->seed + i;
            struct det_plan p = { .strategy = strat, .seed = seed, .pct_depth = c->pct_depth,
                                  .record_ev = 1 };
            if (det_exec(R.x, &p, &o, err, errlen) < 0) {
                rc = -1;
                break;
            }
            R.executions++;
            R.points += o.points;
            R.schedules++;
            if (o.verdict != V_PASS) {
                found++;
                uint64_t ex = R.executions;
                if (report_failure(&R, seed, &o, r, err, errlen) < 0) {
                    rc = -1;
                    break;
                }
                r->det_executions = ex;
            } else {
                struct det_shm *S = det_ctx_shm(R.x);
                char sched[8192];
                static uint8_t acts[DET_MAX_STEPS];
                uint32_t n = det_sched_significant(S->log, S->nlog);
                for (uint32_t k = 0; k < n; k++)
                    acts[k] = S->log[k].chosen;
                if (det_sched_encode(acts, n, sched, sizeof sched) < 0)
                    snprintf(sched, sizeof sched, "detseed:%s:%u", c->strategy, strat == DET_PCT ? (c->pct_depth ? c->pct_depth : 3) : 0);
                fill_result(&R, &o, seed, sched, r);
                if (c->runs == 1 || getenv("HVSIM_DET_TRACE_APPEND")) {
                    char hdr[9000];
                    snprintf(hdr, sizeof hdr, "# hvsim det trace: PASS seed %llu schedule %s\n",
                             (unsigned long long)seed, sched);
                    write_traces(&R, getenv("HVSIM_DET_TRACE"), getenv("HVSIM_DET_CHROME"), hdr);
                }
            }
            if (cb(r, ud))
                break;
        }
        double secs = (double)(now_ns() - R.t_start) / 1e9;
        if (isatty(2)) /* statistics for a person; reports and CI logs stay quiet */
            fprintf(stderr, "hvsim det: %s, %s, %llu executions, %llu scheduling points in %.2f s "
                        "(%.0f points/s)\n",
                c->strategy, model_short[model], (unsigned long long)R.executions,
                (unsigned long long)R.points, secs, secs > 0 ? (double)R.points / secs : 0.0);
    }
    if (rc == 0 && !found && model == DM_SC && !strcmp(c->v.wake, "nofence"))
        fprintf(stderr, "hvsim det: no LOST_WAKEUP under sc, as expected: sequential consistency "
                        "forbids the store->load reordering (SB) that breaks the need_wakeup "
                        "handshake without fences; try --memory-model tso\n");
    run_teardown(&R);
    return rc;
}

int det_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                    char *err, size_t errlen)
{
    struct run_result *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = det_engine_runs_with(r, c, cb, ud, info, err, errlen);
    free(r);
    return rc;
}

static int det_engine_replay_with(struct run_result *r, const struct hvsim_runcfg *c, uint64_t seed,
                                  const struct det_replay_opts *ro, engine_cb cb, void *ud, char *err,
                                  size_t errlen)
{
    struct det_run R;
    struct engine_info info;
    int rc = run_setup(&R, c, &info, err, errlen);
    if (rc < 0) {
        if (rc == -2)
            fprintf(stderr, "%s", info.buildlog);
        return rc;
    }
    static uint8_t acts[DET_MAX_STEPS];
    struct det_plan p = { .strategy = DET_REPLAY, .seed = seed, .prefix = acts, .record_ev = 1 };
    char sname[16];
    unsigned depth = 0;
    if (sscanf(ro->schedule, "detseed:%15[a-z]:%u", sname, &depth) == 2) {
        /* the execution of strategy sname with this seed, rerun */
        p.strategy = strategy_of(sname);
        p.pct_depth = depth;
        p.prefix = 0;
    } else {
        int n = det_sched_decode(ro->schedule, acts, DET_MAX_STEPS);
        if (n < 0) {
            snprintf(err, errlen, "malformed schedule string '%.60s'", ro->schedule);
            run_teardown(&R);
            return -1;
        }
        p.prefix_len = (uint32_t)n;
    }
    struct det_outcome o;
    if (det_exec(R.x, &p, &o, err, errlen) < 0) {
        run_teardown(&R);
        return -1;
    }
    R.executions = 1;
    R.schedules = 1;
    fill_result(&R, &o, seed, ro->schedule, r);
    char hdr[9000];
    snprintf(hdr, sizeof hdr, "# hvsim det trace: %s seed %llu schedule %s\n", verdict_name(r->verdict),
             (unsigned long long)seed, ro->schedule);
    write_traces(&R, ro->trace_path, ro->chrome_path, hdr);
    cb(r, ud);
    run_teardown(&R);
    return 0;
}

int det_engine_replay(const struct hvsim_runcfg *c, uint64_t seed, const struct det_replay_opts *ro,
                      engine_cb cb, void *ud, char *err, size_t errlen)
{
    struct run_result *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = det_engine_replay_with(r, c, seed, ro, cb, ud, err, errlen);
    free(r);
    return rc;
}
