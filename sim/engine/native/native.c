/* sim/engine/native/native.c — one native run: region, participants, watchdog, verdict.
 *
 * The watchdog polls the control area and the bridge every couple of
 * milliseconds.  It calls a hang only on evidence, never on a wall clock
 * alone:
 *   HANG_STALE_READ  the CPU is still inside the handler, cfg_flags[cpu] in
 *                    memory differs from the value it waits on, this has held
 *                    for the hang threshold, and the thread's CPU time rose
 *                    for at least half that window (it spins, it is not
 *                    descheduled);
 *   LOST_WAKEUP      the daemon sleeps, the request ring is not empty, every
 *                    IPI sent was consumed (no wakeup in flight), for the
 *                    threshold, with no new sleep in between;
 *   MISSED_ANSWER    as a stale read, but the loop at the sampled PC re-reads
 *                    memory and no request of that CPU is left: it waits
 *                    for a change that happened before it sampled the flag;
 *   DAEMON_STALLED   work waits (ring not empty, or a CPU's answer missing),
 *                    the daemon is not asleep, and nothing it changes moved
 *                    for the window while it burnt CPU or sat blocked: its
 *                    sampled PC says where;
 *   PROTOCOL_VIOLATION (request lost) a CPU spins for an answer while the
 *                    ring is empty and the daemon sleeps with nothing in
 *                    flight, for the threshold;
 *   protocol oracle  (sim/verdict/oracle.h) at every poll (assertion, stray
 *                    answer, missing IRQ) and once everything is quiet
 *                    (lost completion, pending completions, lost wakeup):
 *                    "all CPUs done" is a PASS only after that;
 *   TIMEOUT          no progress at all for timeout_ms and none of the
 *                    above; the state is given in words.
 * The thresholds adapt to measured scheduling delay: the watchdog's own
 * oversleep is a direct reading of how late this machine runs threads.
 */
#define _GNU_SOURCE
#include "config/variants.h"
#include "native.h"
#include "native_detect.h"
#include "native_probe.h"
#include "native_restart.h"
#include "native_stall.h"
#include "native_text.h"
#include "verdict/oracle.h"
#include "runtime/common/oracle_count.h"
#include "evidence/pc.h"
#include "util/region.h"
#include "util/process.h"
#include "util/vstall.h"
#include "runtime/common/futex.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_NS 2000000ull

/* The watchdog's memory between polls: the evidence windows the detectors
 * (native_detect.h) decide on, and the CPU time at each window's start. */
struct watch {
    uint64_t t0;
    struct nd_wait wait[HVSIM_CPUS];   /* stale-read windows */
    long cpu0[HVSIM_CPUS];
    struct nd_hold lw;                 /* lost wakeup; key: the daemon's sleeps */
    struct nd_hold rl;                 /* a request lost; key: the CPU */
    long rl_cpu0, rl_be0;              /* and the daemon's workers' CPU time (-1: none) */
    uint64_t last_progress_val, last_progress_t;
    uint64_t max_late_ns;
    uint32_t last_state[HVSIM_CPUS];
    struct nd_hold quiet;              /* everything settled; key: the state signature */
    struct nd_hold stall;              /* daemon side unchanged with work waiting; key: signature */
    long stall_cpu0;
    int stall_on_hc;
};

/* What one poll works with. */
struct poll {
    const struct hvsim_runcfg *c;
    const struct build_out *b;
    struct region *rg;
    struct proc *ps;
    struct pc_gdb **gdb;
    uint64_t now, hang_ns, t_us;
    struct oracle_snap snap;
};

static uint64_t progress(const struct hvsim_ctl *ctl)
{
    uint64_t p = __atomic_load_n(&ctl->hc_done, __ATOMIC_RELAXED) +
                 __atomic_load_n(&ctl->daemon_wakes, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < ctl->ncpus; i++)
        p += __atomic_load_n(&ctl->cpu[i].done, __ATOMIC_RELAXED);
    return p;
}

/* A finding of the protocol oracle as the run's result. */
static int from_finding(struct run_result *r, const struct oracle_finding *f, uint64_t t_us)
{
    nt_finding(r, f);
    result_event(r, t_us, "watchdog", "%s: %s", verdict_name(f->verdict), f->invariant);
    return 1;
}

/* The longest delay the backend may sit in at one site: a stall must last
 * well beyond it before it is evidence. */
static uint64_t backend_delay_max_ns(const struct hvsim_runcfg *c)
{
    uint64_t m = 0;
    for (int s = HVSIM_SITE_BE_BEFORE_ANSWER; s < HVSIM_SITE__COUNT; s++)
        if (c->delay[s].max_ns > m)
            m = c->delay[s].max_ns;
    return m;
}

/* DAEMON_STALLED: work waits, the daemon is not asleep, and nothing it
 * changes moved for the window while the thread that should move it burnt
 * CPU or sat blocked.  That thread is the daemon, or — while the daemon
 * waits in FINISH_REQ — the hypervisor's hypercall thread. */
static int judge_stall(struct watch *w, struct run_result *r, const struct poll *x)
{
    const struct oracle_snap *snap = &x->snap;
    const struct hvsim_ctl *ctl = x->rg->ctl;
    int wcpu;
    int waiting = snap->daemon_state == HVSIM_DAEMON_RUNNING && stall_work_waiting(snap, &wcpu);
    int on_hc = snap->hc_sent != snap->hc_done;
    pid_t pid = on_hc ? x->ps[1].pid : x->ps[0].pid;
    pid_t tid = on_hc ? __atomic_load_n(&ctl->hc_tid, __ATOMIC_ACQUIRE)
                      : __atomic_load_n(&ctl->be_tid, __ATOMIC_ACQUIRE);
    if (waiting && on_hc != w->stall_on_hc)
        w->stall.since = 0; /* another thread is now the one to move things */
    enum nd_hold_step hs = nd_hold_step(&w->stall, waiting, waiting ? stall_signature(snap) : 0, x->now, 0);
    if (hs == ND_HOLD_OFF)
        return 0;
    if (hs == ND_HOLD_STARTED) {
        w->stall_on_hc = on_hc;
        w->stall_cpu0 = native_thread_run_us(pid, tid);
        return 0;
    }
    uint64_t win = nd_stall_window(x->hang_ns, backend_delay_max_ns(x->c));
    uint64_t held = x->now - w->stall.since;
    if (held < win)
        return 0;
    long cpu1 = native_thread_run_us(pid, tid);
    long used_us = w->stall_cpu0 >= 0 && cpu1 >= 0 ? cpu1 - w->stall_cpu0 : -1;
    char st = thread_sched_state(pid, tid);
    enum nd_stall how = nd_stall_judge(held, win, used_us, st);
    if (how == ND_STALL_RESTART) {
        w->stall.since = x->now;
        w->stall_cpu0 = cpu1;
    }
    if (how != ND_STALL_BUSY && how != ND_STALL_BLOCKED)
        return 0;
    char where[400] = "not sampled (foreign architecture: only the hypervisor has a gdbstub)";
    if (arch_is_host(x->c->v.arch))
        stall_sample_where(pid, tid, r, where, sizeof where);
    nt_daemon_stalled(r, snap, wcpu, on_hc, how, where, used_us, (long)(held / 1000000ull), st);
    result_event(r, x->t_us, "watchdog", "DAEMON_STALLED %s", where);
    return 1;
}

/* A CPU spinning on a flag that changed, with CPU-time proof: sample where
 * it spins, look at that loop, and say which finding it is. */
static int judge_waiter(struct watch *w, struct run_result *r, const struct poll *x, unsigned i,
                        struct nt_waiter *wt)
{
    struct hvsim_cpu_ctl *cc = &x->rg->ctl->cpu[i];
    uint64_t idx = __atomic_load_n(&cc->cur, __ATOMIC_RELAXED);
    r->cpu = (int)i;
    r->flag_in_memory = wt->mem;
    r->flag_waited_on = wt->before;
    r->cpu_time_ms = wt->used_ms;
    r->window_ms = wt->window_ms;
    native_sample_pc(r, x->b, x->c, x->ps[1].pid, cc->tid, x->gdb);
    /* latency: the first poll that saw the answer → the verdict, evidence
     * (PC samples) included, across any restarted windows */
    r->judge_latency_ms = (now_ns() - w->wait[i].first_change) / 1000000ull;
    char lf[256] = "", lw[300] = "";
    int ll = 0, has_exit = -1;
    int reloads = native_loop_reloads(x->b, x->c, x->ps[1].pid, r, lf, sizeof lf, &ll, &has_exit);
    if (lf[0] && ll > 0) {
        snprintf(lw, sizeof lw, "%s:%d", lf, ll);
        snprintf(r->file, sizeof r->file, "%s", lf);
        r->line = ll;
    }
    uint64_t enter = __atomic_load_n(&cc->enter_ns, __ATOMIC_RELAXED);
    wt->seen_ms = w->wait[i].first_change > enter ? (double)(w->wait[i].first_change - enter) / 1e6 : 0.0;
    wt->loop_at = lw;
    /* A loop that re-reads memory is not a stale read.  If no request of
     * this CPU is left for the daemon, the answer it waits for came and
     * went: it compares against a flag sampled after it. */
    const struct oracle_snap *snap = &x->snap;
    for (uint32_t k = snap->req_front % HVSIM_MAX_REQ; k != snap->req_rear % HVSIM_MAX_REQ;
         k = hvsim_ring_next(k))
        wt->queued += snap->req[k].src_cpu == i;
    char words[1400];
    oracle_state_words(snap, words, sizeof words);
    wt->state_words = words;
    switch (nd_classify_waiter(reloads, wt->queued)) {
    case ND_MISSED_ANSWER:
        nt_missed_answer(r, wt);
        result_event(r, x->t_us, "watchdog", "MISSED_ANSWER on cpu%u", i);
        return 1;
    case ND_REREADS:
        nt_rereads_timeout(r, wt);
        result_event(r, x->t_us, "watchdog", "TIMEOUT: cpu%u spins in a loop that re-reads memory", i);
        return 1;
    case ND_STALE_READ:
        break;
    }
    nt_stale_read(r, wt, nd_stale_cause(reloads, has_exit), idx, &cc->acc[idx]);
    result_event(r, x->t_us, "watchdog", "HANG_STALE_READ on cpu%u", i);
    return 1;
}

static int judge_wrong_value(struct run_result *r, const struct poll *x, unsigned i)
{
    struct hvsim_cpu_ctl *cc = &x->rg->ctl->cpu[i];
    uint32_t sz = cc->acc[cc->cur < HVSIM_MAX_ACCESS ? cc->cur : 0].size;
    nt_wrong_value(r, i, cc->wrong_addr, sz, cc->got, cc->want);
    r->flag_in_memory = __atomic_load_n(&x->rg->bridge->cfg_flags[i], __ATOMIC_RELAXED);
    r->flag_waited_on = cc->flag_before;
    result_event(r, x->t_us, "cpu", "wrong value 0x%llx", (unsigned long long)cc->got);
    return 1;
}

/* One CPU at this poll: 1 when a verdict was reached; *done counts the
 * CPUs that finished. */
static int watch_cpu(struct watch *w, struct run_result *r, const struct poll *x, unsigned i,
                     unsigned *done)
{
    struct hvsim_cpu_ctl *cc = &x->rg->ctl->cpu[i];
    uint32_t st = __atomic_load_n(&cc->state, __ATOMIC_ACQUIRE);
    if (st != w->last_state[i] && st == HVSIM_CPU_DONE)
        result_event(r, x->t_us, "watchdog", "cpu%u finished its %u accesses", i, cc->naccess);
    w->last_state[i] = st;
    if (st == HVSIM_CPU_WRONG)
        return judge_wrong_value(r, x, i);
    if (st == HVSIM_CPU_DONE) {
        (*done)++;
        return 0;
    }
    if (st != HVSIM_CPU_IN_HANDLER) {
        w->wait[i].since = 0;
        return 0;
    }
    uint64_t idx = __atomic_load_n(&cc->cur, __ATOMIC_RELAXED);
    if (idx >= cc->naccess || !oracle_is_sync(&cc->acc[idx]))
        return 0;
    uint64_t before = __atomic_load_n(&cc->flag_before, __ATOMIC_RELAXED);
    uint64_t mem = __atomic_load_n(&x->rg->bridge->cfg_flags[i], __ATOMIC_RELAXED);
    uint64_t dn = __atomic_load_n(&cc->done, __ATOMIC_RELAXED);
    switch (nd_wait_step(&w->wait[i], before, mem, dn, x->now, x->hang_ns)) {
    case ND_WAIT_NONE:
    case ND_WAIT_WAITING:
        return 0;
    case ND_WAIT_OPENED:
        w->cpu0[i] = native_thread_run_us(x->ps[1].pid, cc->tid);
        result_event(r, x->t_us, "daemon", "answered cpu%u: cfg_flags[%u] %llu -> %llu", i, i,
                     (unsigned long long)before, (unsigned long long)mem);
        return 0;
    case ND_WAIT_JUDGE:
        break;
    }
    long cpu1 = native_thread_run_us(x->ps[1].pid, cc->tid);
    long window = (long)((x->now - w->wait[i].since) / 1000000ull);
    if (!nd_spinning(w->cpu0[i], cpu1, window)) {
        /* Not spinning (descheduled, stopped): no evidence of a stale
         * read yet.  Restart the window; TIMEOUT catches a dead end. */
        w->wait[i].since = x->now;
        w->cpu0[i] = cpu1;
        return 0;
    }
    struct nt_waiter wt = {.cpu = i, .before = before, .mem = mem,
                           .used_ms = (cpu1 - w->cpu0[i]) / 1000, .window_ms = window};
    return judge_waiter(w, r, x, i, &wt);
}

/* Lost wakeup: asleep with work pending and no wakeup in flight — judged
 * before "all CPUs done", since queue notifies return at once and can be
 * left in the ring of a daemon that sleeps. */
static int watch_lost_wakeup(struct watch *w, struct run_result *r, const struct poll *x)
{
    struct oracle_finding of;
    switch (nd_hold_step(&w->lw, oracle_sleeps_with_work(&x->snap), x->snap.daemon_sleeps, x->now,
                         x->hang_ns)) {
    case ND_HOLD_STARTED:
        result_event(r, x->t_us, "daemon", "asleep with %u request(s) pending, no IPI in flight",
                     hvsim_ring_count(x->snap.req_front, x->snap.req_rear));
        return 0;
    case ND_HOLD_HELD:
        oracle_explain_lost_wakeup(&x->snap, &of);
        from_finding(r, &of, x->t_us);
        snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
                 " The state held for %llu ms.", (unsigned long long)((x->now - w->lw.since) / 1000000ull));
        return 1;
    default:
        return 0;
    }
}

/* A request lost: a CPU waits (and spins, so it is past its push) for an
 * answer while the ring is empty and the daemon sleeps.  "Sleeps" is the
 * daemon's main thread: a worker thread may hold the request (taken from
 * the ring, being served), so a window in which one ran, or could run, is
 * no evidence (tests/data/user_threads/worker_daemon.c under load: a false
 * PROTOCOL_VIOLATION, 2026-12-05). */
static int watch_request_lost(struct watch *w, struct run_result *r, const struct poll *x)
{
    struct oracle_finding of;
    int lost = oracle_request_lost(&x->snap);
    /* keyed by the CPU and its access (the other CPUs may move on meanwhile) */
    uint64_t key = lost >= 0 ? x->snap.cpu[lost].done << 8 | (uint64_t)lost : 0;
    enum nd_hold_step hs = nd_hold_step(&w->rl, lost >= 0, key, x->now, x->hang_ns);
    int runnable;
    if (hs == ND_HOLD_STARTED) {
        w->rl_cpu0 = native_thread_run_us(x->ps[1].pid, x->rg->ctl->cpu[lost].tid);
        w->rl_be0 = native_workers_run_us(x->ps[0].pid, &runnable);
    }
    if (hs != ND_HOLD_HELD)
        return 0;
    long cpu1 = native_thread_run_us(x->ps[1].pid, x->rg->ctl->cpu[lost].tid);
    long be1 = native_workers_run_us(x->ps[0].pid, &runnable);
    long window = (long)((x->now - w->rl.since) / 1000000ull);
    if (!nd_spinning(w->rl_cpu0, cpu1, window) || (be1 >= 0 && (be1 != w->rl_be0 || runnable))) {
        w->rl.since = x->now; /* not running: maybe not even past its push; or a worker ran */
        w->rl_cpu0 = cpu1;
        w->rl_be0 = be1;
        return 0;
    }
    oracle_explain_request_lost(&x->snap, lost, &of);
    from_finding(r, &of, x->t_us);
    snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
             " The state held for %ld ms while cpu%d spun (%ld ms of CPU time)%s.", window, lost,
             (cpu1 - w->rl_cpu0) / 1000,
             be1 >= 0 ? "; the daemon's other threads did not run in that time: if one of them "
                        "holds the request, it is blocked for good" : "");
    return 1;
}

/* All CPUs done is a PASS only once everything is settled (the daemon
 * asleep, or nothing moving) and the oracle finds every invariant held. */
static int watch_all_done(struct watch *w, struct run_result *r, const struct poll *x)
{
    struct oracle_finding of;
    enum nd_hold_step hs = nd_hold_step(&w->quiet, oracle_quiescent(&x->snap), stall_signature(&x->snap),
                                        x->now, nd_quiet_ns(x->hang_ns));
    if (hs == ND_HOLD_OFF || (x->snap.daemon_state != HVSIM_DAEMON_SLEEPING && hs != ND_HOLD_HELD))
        return 0;
    if (oracle_check_final(&x->snap, &of) != V_PASS)
        return from_finding(r, &of, x->t_us);
    const struct hvsim_ctl *ctl = x->rg->ctl;
    r->verdict = V_PASS;
    snprintf(r->summary, sizeof r->summary, "%s", of.summary);
    snprintf(r->text, sizeof r->text, "%s Rendezvous met %llu, timed out %llu.", of.text,
             (unsigned long long)ctl->rv_met, (unsigned long long)ctl->rv_timeout);
    return 1;
}

/* No progress at all for the timeout and none of the above: TIMEOUT. */
static int watch_timeout(struct watch *w, struct run_result *r, const struct poll *x)
{
    uint64_t p = progress(x->rg->ctl);
    if (p != w->last_progress_val) {
        w->last_progress_val = p;
        w->last_progress_t = x->now;
        return 0;
    }
    int open = 0;
    for (unsigned i = 0; i < x->c->ncpus && i < HVSIM_CPUS; i++)
        open |= w->wait[i].since != 0;
    if (x->now - w->last_progress_t <= nd_timeout_ns(x->c->timeout_ms, x->hang_ns, open))
        return 0;
    char words[1400];
    oracle_state_words(&x->snap, words, sizeof words);
    nt_timeout(r, x->c->timeout_ms, native_proc_state(x->ps[1].pid) == 'T',
               native_proc_state(x->ps[0].pid) == 'T', words);
    result_event(r, x->t_us, "watchdog", "TIMEOUT");
    return 1;
}

/* One watchdog step; returns 1 when a verdict was reached. */
static int watch_step(struct watch *w, struct run_result *r, const struct hvsim_runcfg *c,
                      const struct build_out *b, struct region *rg, struct proc *ps, uint64_t now,
                      struct pc_gdb **gdb)
{
    struct poll x = {.c = c, .b = b, .rg = rg, .ps = ps, .gdb = gdb, .now = now,
                     .hang_ns = nd_hang_ns(c->hang_ms, w->max_late_ns), .t_us = (now - w->t0) / 1000};
    if (*gdb && pc_gdb_guest_stopped(*gdb)) {
        /* With a debugger attached, qemu stops the guest on a fatal signal
         * and waits; let go so it delivers the signal (judged as a crash). */
        pc_gdb_drop(*gdb);
        *gdb = 0;
        result_event(r, x.t_us, "watchdog", "hypervisor guest stopped by a signal; gdbstub released");
    }
    if (proc_poll(&ps[0]))
        return native_judge_exit(r, &ps[0], "backend", x.t_us, rg->ctl, b->backend);
    if (proc_poll(&ps[1]))
        return native_judge_exit(r, &ps[1], "hypervisor", x.t_us, rg->ctl, b->hv);

    /* The protocol oracle's invariants that hold at every instant. */
    struct oracle_finding of;
    oracle_snap_take(&x.snap, rg->ctl, rg->bridge, now);
    if (oracle_check_step(&x.snap, &of) != V_PASS)
        return from_finding(r, &of, x.t_us);
    unsigned done = 0;
    for (unsigned i = 0; i < c->ncpus; i++)
        if (watch_cpu(w, r, &x, i, &done))
            return 1;
    if (watch_lost_wakeup(w, r, &x) || watch_request_lost(w, r, &x))
        return 1;
    if (done == c->ncpus && watch_all_done(w, r, &x))
        return 1;
    return judge_stall(w, r, &x) || watch_timeout(w, r, &x);
}

/* The participants of one run: their processes, and for a foreign
 * hypervisor the gdbstub it starts under. */
struct launch {
    struct proc ps[2];     /* [0] backend, [1] hypervisor */
    pid_t pgid;
    char fdarg[2];
    char qemu_bin[32];
    char gdbdir[128], gdbsock[160];
    struct pc_gdb *gdb;
    char *be_argv[5], *hv_argv[7];
    char **bea, **hva;     /* the argv actually run */
};

/* Start both participants on region rg and wait until both are attached.
 * A foreign hypervisor participant starts under qemu's gdbstub on a unix
 * socket in a private directory (`-g /path`, qemu 7.2: no port to pick,
 * nothing listening on the network).  qemu waits for the debugger before
 * the first guest instruction; we connect at once and resume it, keep the
 * connection only for PC sampling on a HANG_STALE_READ and drop it right
 * after sampling or at the end of the run (see pc_gdb.c).  Returns 0, or -1
 * with err (what was started is in *l for launch_end). */
static int launch_start(struct launch *l, const struct hvsim_runcfg *c, const struct build_out *b,
                        struct region *rg, char *err, size_t errlen)
{
    const char *qemu = strcmp(c->v.arch, "x86_64") ? c->v.arch : 0;
    snprintf(l->fdarg, sizeof l->fdarg, "3");
    snprintf(l->qemu_bin, sizeof l->qemu_bin, "/usr/bin/qemu-%s", qemu ? qemu : "");
    if (qemu) {
        const char *tmp = getenv("TMPDIR");
        snprintf(l->gdbdir, sizeof l->gdbdir, "%s/hvsim-gdb.XXXXXX",
                 tmp && *tmp && strlen(tmp) < 80 ? tmp : "/tmp");
        if (!mkdtemp(l->gdbdir)) {
            snprintf(err, errlen, "mkdtemp %s: %s", l->gdbdir, strerror(errno));
            l->gdbdir[0] = 0;
            return -1;
        }
        snprintf(l->gdbsock, sizeof l->gdbsock, "%s/gdb", l->gdbdir);
    }
    char *be[] = { qemu ? l->qemu_bin : (char *)b->backend, (char *)b->backend, "--fd", l->fdarg, 0 };
    char *hv[] = { l->qemu_bin, "-g", l->gdbsock, (char *)b->hv, "--fd", l->fdarg, 0 };
    memcpy(l->be_argv, be, sizeof be);
    memcpy(l->hv_argv, hv, sizeof hv);
    l->bea = qemu ? l->be_argv : l->be_argv + 1;
    l->hva = qemu ? l->hv_argv : l->hv_argv + 3;
    if (proc_start_participant(l->bea, rg->fd, &l->pgid, &l->ps[0], err, errlen) < 0)
        return -1;
    proc_set_current_group(l->pgid);
    if (proc_start_participant(l->hva, rg->fd, &l->pgid, &l->ps[1], err, errlen) < 0)
        return -1;
    if (qemu) {
        char gerr[256];
        l->gdb = pc_gdb_connect_unix(l->gdbsock, qemu, 10000, gerr, sizeof gerr);
        unlink(l->gdbsock);
        rmdir(l->gdbdir);
        l->gdbdir[0] = 0;
        if (!l->gdb) {
            snprintf(err, errlen, "qemu-%s gdbstub: %s", qemu, gerr);
            return -1;
        }
    }
    /* Wait until both are attached (a qemu-user start takes a while). */
    uint64_t deadline = now_ns() + 10000000000ull;
    while (!(__atomic_load_n(&rg->ctl->hv_ready, __ATOMIC_ACQUIRE) &&
             __atomic_load_n(&rg->ctl->be_ready, __ATOMIC_ACQUIRE))) {
        if (proc_poll(&l->ps[0]) || proc_poll(&l->ps[1]) || now_ns() > deadline) {
            snprintf(err, errlen, "a participant failed to start (status %d/%d)",
                     l->ps[0].status, l->ps[1].status);
            return -1;
        }
        usleep(200);
    }
    return 0;
}

static void launch_end(struct launch *l, struct region *rg)
{
    pc_gdb_drop(l->gdb);
    if (l->gdbdir[0]) {
        unlink(l->gdbsock);
        rmdir(l->gdbdir);
    }
    region_stop(rg->ctl);
    proc_kill_group(l->pgid, l->ps, 2);
}

/* A CPU stalled in the host since the last poll (util/vstall.h): its
 * threads' CPU time grew while they ran nothing, so no open window may take
 * that time as evidence.  Each starts again now; a stale read or a lost
 * request is still there after the stall and is judged then. */
static void watch_discount(struct watch *w, const struct hvsim_ctl *ctl, pid_t hv, uint64_t now)
{
    for (unsigned i = 0; i < ctl->ncpus && i < HVSIM_CPUS; i++)
        if (w->wait[i].since) {
            w->wait[i].since = now;
            w->cpu0[i] = native_thread_run_us(hv, ctl->cpu[i].tid);
        }
    w->lw.since = w->rl.since = w->quiet.since = w->stall.since = 0;
}

/* Poll until the watchdog reaches a verdict, injecting the restart fault. */
static void watch_run(struct launch *l, const struct hvsim_runcfg *c, const struct build_out *b,
                      struct region *rg, uint64_t seed, struct run_result *r, char *err, size_t errlen)
{
    struct watch w;
    int restarted = 0;
    const char *gap = getenv("HVSIM_TEST_RESTART_GAP_MS"); /* test_restart_idle */
    unsigned gap_ms = gap ? (unsigned)atoi(gap) : 0;
    memset(&w, 0, sizeof w);
    w.t0 = now_ns();
    w.last_progress_t = w.t0;
    vstall_start();
    uint64_t prev = w.t0, stalls = vstall_count(), discounted = 0;
    region_go(rg->ctl);
    result_event(r, 0, "watchdog", "go: %u CPUs, seed %llu", c->ncpus, (unsigned long long)seed);
    for (;;) {
        uint64_t before = now_ns();
        struct timespec ts = { 0, (long)POLL_NS };
        nanosleep(&ts, 0);
        uint64_t now = now_ns();
        uint64_t late = now - before > POLL_NS ? now - before - POLL_NS : 0;
        if (late > w.max_late_ns)
            w.max_late_ns = late;
        if (vstall_overlaps(prev, now)) {
            watch_discount(&w, rg->ctl, l->ps[1].pid, now);
            discounted++;
        }
        prev = now;
        if (watch_step(&w, r, c, b, rg, l->ps, now, &l->gdb))
            break;
        if (c->restart_daemon_after && !restarted &&
            native_restart_daemon(c, rg, l->ps, l->bea, l->pgid, r, (now - w.t0) / 1000, &gap_ms, err, errlen) > 0)
            restarted = 1;
    }
    if (discounted)
        result_event(r, (now_ns() - w.t0) / 1000, "watchdog",
                     "%llu CPU stall(s) of this machine (a vCPU the host did not run) during the run: "
                     "%llu poll(s) restarted their evidence windows",
                     (unsigned long long)(vstall_count() - stalls), (unsigned long long)discounted);
    if (restarted && r->verdict == V_PASS)
        snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
                 " The daemon was killed and restarted once (fault injection).");
    else if (c->restart_daemon_after && !restarted)
        /* The fault only fires once the daemon is idle after N accesses; a
         * run can end first.  Say so: a PASS must not look like a survived
         * restart when none happened. */
        snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
                 " The restart-daemon fault (after %u accesses) did not fire in this run: the "
                 "daemon was never idle after that many accesses before the run ended.",
                 c->restart_daemon_after);
}

int native_run(const struct hvsim_runcfg *c, const struct build_out *b, uint64_t seed,
               struct run_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->seed = seed;
    r->cpu = -1;
    struct region rg;
    if (region_create(&rg, err, errlen) < 0)
        return -1;
    region_init_ctl(rg.ctl, c, seed);
    memset(rg.bridge, 0, sizeof *rg.bridge);

    struct launch l;
    memset(&l, 0, sizeof l);
    int rc = -1;
    uint64_t t_start = now_ns();
    if (launch_start(&l, c, b, &rg, err, errlen) == 0) {
        watch_run(&l, c, b, &rg, seed, r, err, errlen);
        rc = 0;
    }
    launch_end(&l, &rg);
    region_destroy(&rg);
    r->wall_ms = (now_ns() - t_start) / 1000000ull;
    return rc;
}
