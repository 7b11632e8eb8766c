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
#include "native.h"
#include "evidence/srcloc.h"
#include "native_stall.h"
#include "verdict/bridge_names.h"
#include "verdict/oracle.h"
#include "evidence/pc.h"
#include "util/region.h"
#include "evidence/loops.h"
#include "util/process.h"
#include "runtime/common/futex.h"
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_NS 2000000ull

static int access_is_sync(const struct hvsim_access *a)
{
    return !(a->is_write && a->addr % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY);
}

/* Sample the spinning thread and put function/file:line in the result.
 * Native (x86_64): ptrace, symbolised in the live process.  Foreign: the
 * guest thread is sampled through qemu-user's gdbstub (the connection made
 * at spawn, *gdb; dropped here as soon as the samples are taken) and the
 * guest PCs are symbolised offline in the -no-pie static binary. */

static void sample_pc(struct run_result *r, const struct build_out *b, const struct hvsim_runcfg *c,
                      pid_t pid, pid_t tid, struct pc_gdb **gdb)
{
    uint64_t pcs[RESULT_MAX_PCS];
    int n = -1;
    if (!strcmp(c->v.arch, "x86_64"))
        n = pc_sample_native(pid, tid, 8, 1000, pcs);
    else if (*gdb) {
        /* qemu-user reports the host tids of guest threads as gdb thread
         * ids: the tid the participant published (gettid) names it. */
        int nt = pc_gdb_thread_count(*gdb);
        for (int i = 0; i < nt; i++)
            if (pc_gdb_thread_tid(*gdb, i) == (long)tid) {
                n = pc_gdb_sample(*gdb, i, 8, 2000, pcs);
                break;
            }
        pc_gdb_drop(*gdb);
        *gdb = 0;
    }
    if (n <= 0)
        return;
    r->npcs = n;
    memcpy(r->pcs, pcs, sizeof(uint64_t) * (size_t)n);
    int foreign = strcmp(c->v.arch, "x86_64") != 0;
#define SYM(pc, out) (foreign ? pc_symbolize_elf(b->hv, (pc), (out)) : pc_symbolize_pid(pid, (pc), (out)))
    struct pc_sym s;
    char shown[256];
    for (int k = 0; k < n; k++)
        if (SYM(pcs[k], &s) == 0) {
            snprintf(r->pc_where[k], sizeof r->pc_where[k], "%s\t%s\t%d", s.function,
                     srcloc_show(s.file, shown, sizeof shown), s.line);
        }
    int ok = SYM(pcs[n - 1], &s) == 0;
    /* A compiler may give the spin instruction itself line 0 (clang's
     * `jmp .`); the closest earlier instruction with a line tells the loop. */
    for (uint64_t back = 1; ok && s.line == 0 && back <= 16; back++) {
        struct pc_sym t;
        if (SYM(pcs[n - 1] - back, &t) == 0 && t.line && !strcmp(t.function, s.function))
            s = t;
    }
#undef SYM
    if (ok) {
        snprintf(r->function, sizeof r->function, "%s", s.function);
        srcloc_show(s.file, r->file, sizeof r->file);
        r->line = s.line;
    }
}

/* On-CPU time of a thread in µs: /proc/PID/task/TID/schedstat has it in ns
 * (clock-tick-free, unlike utime/stime); fall back to those when absent. */
static long thread_run_us(pid_t pid, pid_t tid)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
    FILE *f = fopen(path, "r");
    unsigned long long ns;
    if (f) {
        int ok = fscanf(f, "%llu", &ns) == 1;
        fclose(f);
        if (ok)
            return (long)(ns / 1000ull);
    }
    long ms = pc_thread_cpu_ms(pid, tid);
    return ms < 0 ? -1 : ms * 1000;
}

/* How much CPU a waiter must have burnt, after the flag changed, to count as
 * spinning on a stale value.  A waiter that re-reads memory leaves the loop
 * within nanoseconds of running, so even a loaded machine's small share is
 * proof: 5 ms, or 5% of the window, whichever is more.  A thread that does
 * not run (descheduled, SIGSTOPped) never qualifies. */
static long spin_evidence_us(long window_ms)
{
    long us = window_ms * 50;
    return us > 5000 ? us : 5000;
}

/* Scheduler state of a process ('R', 'S', 'T' stopped, ...; '?' unknown). */
static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return '?';
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* ELF virtual address of a runtime PC in the participant's main binary: the
 * mapping that holds it in /proc/PID/maps gives the load bias.  Foreign
 * participants are -no-pie: their guest PCs already are ELF addresses. */
static uint64_t pc_to_vaddr(pid_t pid, const char *bin, uint64_t pc, int foreign)
{
    if (foreign)
        return pc;
    char path[64], line[1200], *rp = realpath(bin, 0);
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    uint64_t v = 0;
    while (f && rp && fgets(line, sizeof line, f)) {
        unsigned long long lo, hi, off;
        char name[1024] = "";
        if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %1023s", &lo, &hi, &off, name) >= 3 &&
            pc >= lo && pc < hi && !strcmp(name, rp)) {
            v = pc - lo + off;
            break;
        }
    }
    if (f)
        fclose(f);
    free(rp);
    return v;
}

/* Does the sampled PC sit in a loop that still loads from memory?  Then the
 * waiter is not spinning on a stale register: it re-reads, and the condition
 * it waits for never becomes true (a protocol mismatch, not a hoisted load).
 * Returns 1 re-reads, 0 register-only or no loop found, -1 unknown.  The
 * deciding loop's head goes to lfile and lline: a loop has one location (the
 * loop checker's), a PC sample lands on any of its lines. */
static int pc_loop_reloads(const struct build_out *b, const struct hvsim_runcfg *c, pid_t pid,
                           const struct run_result *r, char *lfile, size_t lflen, int *lline,
                           int *has_exit)
{
    *has_exit = -1;
    if (!r->npcs || !r->function[0])
        return -1;
    uint64_t v = pc_to_vaddr(pid, b->hv, r->pcs[r->npcs - 1], strcmp(c->v.arch, "x86_64") != 0);
    if (!v)
        return -1;
    const char *fn[] = { r->function, 0 };
    struct loop_info *l = 0;
    size_t n = 0;
    char err[256];
    if (loops_analyze(b->hv, c->v.arch, fn, 0, &l, &n, err, sizeof err) < 0)
        return -1;
    int res = -1;
    for (size_t i = 0; i < n; i++)
        if (v >= l[i].start && v <= l[i].end) {
            res = l[i].nloads > 0 || l[i].has_call;
            *has_exit = l[i].has_exit;
            srcloc_show(l[i].file, lfile, lflen);
            *lline = l[i].line;
            if (res == 0)
                break; /* innermost register-only loop decides */
        }
    loops_free(l, n);
    return res;
}

struct watch {
    uint64_t t0;
    uint64_t changed_since[HVSIM_CPUS];  /* start of the current evidence window */
    uint64_t first_change[HVSIM_CPUS];   /* first poll that saw this answer (latency) */
    uint64_t changed_idx[HVSIM_CPUS];
    long cpu0[HVSIM_CPUS];
    uint64_t lw_since, lw_sleeps;
    uint64_t rl_since; int rl_cpu; long rl_cpu0; /* a request lost: since, CPU, its CPU time */
    uint64_t last_progress_val, last_progress_t;
    uint64_t max_late_ns;
    uint32_t last_state[HVSIM_CPUS];
    uint64_t quiet_since, quiet_sig;     /* everything settled since, with this signature */
    uint64_t stall_since, stall_sig;     /* daemon side unchanged since, with work waiting */
    long stall_cpu0;
    int stall_on_hc;
};

static uint64_t progress(const struct hvsim_ctl *ctl)
{
    uint64_t p = __atomic_load_n(&ctl->hc_done, __ATOMIC_RELAXED) +
                 __atomic_load_n(&ctl->daemon_wakes, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < ctl->ncpus; i++)
        p += __atomic_load_n(&ctl->cpu[i].done, __ATOMIC_RELAXED);
    return p;
}

static const char *sig_name(int s)
{
    const char *n = sigabbrev_np(s);
    return n ? n : "?";
}

/* ELF address of a function symbol, 0 if absent. */
static uint64_t elf_func_addr(const char *path, const char *name)
{
    elf_version(EV_CURRENT);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint64_t a = 0;
    Elf *e = elf_begin(fd, ELF_C_READ, 0);
    for (Elf_Scn *scn = 0; e && !a && (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
            continue;
        Elf_Data *d = elf_getdata(scn, 0);
        for (size_t i = 0; d && i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); i++) {
            GElf_Sym sym;
            if (gelf_getsym(d, (int)i, &sym) && GELF_ST_TYPE(sym.st_info) == STT_FUNC) {
                const char *nm = elf_strptr(e, sh.sh_link, sym.st_name);
                if (nm && !strcmp(nm, name)) {
                    a = sym.st_value;
                    break;
                }
            }
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return a;
}

/* The crashing participant's backtrace (left in the control area by its
 * signal handler), symbolised offline with the load bias from main(). */
static void crash_backtrace(struct run_result *r, const struct hvsim_ctl *ctl, const char *bin)
{
    uint32_t n = __atomic_load_n(&ctl->crash.npcs, __ATOMIC_ACQUIRE);
    if (!n || n > 16)
        return;
    uint64_t mv = elf_func_addr(bin, "main");
    uint64_t bias = mv ? ctl->crash.main_addr - mv : 0;
    size_t len = strlen(r->text);
    len += (size_t)snprintf(r->text + len, sizeof r->text - len, " Backtrace (thread %d):",
                            ctl->crash.tid);
    for (uint32_t i = 0; i < n && len < sizeof r->text; i++) {
        struct pc_sym s;
        uint64_t pc = ctl->crash.pcs[i];
        if (i < (uint32_t)RESULT_MAX_PCS)
            r->pcs[r->npcs++] = pc;
        if (mv && pc_symbolize_elf(bin, pc - bias - (i ? 1 : 0), &s) == 0) {
            char f[256];
            srcloc_show(s.file, f, sizeof f);
            len += (size_t)snprintf(r->text + len, sizeof r->text - len, "\n  #%u %s() %s:%d", i,
                                    s.function, f, s.line);
            if (!r->function[0] && strcmp(s.function, "on_crash") && strncmp(s.function, "__", 2) &&
                strcmp(s.function, "raise") && strcmp(s.function, "backtrace")) {
                snprintf(r->function, sizeof r->function, "%s", s.function);
                snprintf(r->file, sizeof r->file, "%s", f);
                r->line = s.line;
            }
        } else {
            len += (size_t)snprintf(r->text + len, sizeof r->text - len, "\n  #%u 0x%llx", i,
                                    (unsigned long long)pc);
        }
    }
}

static int judge_exit(struct run_result *r, struct proc *p, const char *who, uint64_t t_us,
                      const struct hvsim_ctl *ctl, const char *bin)
{
    int st = p->status;
    if (WIFSIGNALED(st)) {
        r->verdict = V_CRASH;
        r->signal = WTERMSIG(st);
        snprintf(r->summary, sizeof r->summary, "the %s process died of SIG%s", who, sig_name(r->signal));
    } else {
        r->verdict = V_CRASH;
        snprintf(r->summary, sizeof r->summary, "the %s process exited with status %d before the run ended",
                 who, WEXITSTATUS(st));
    }
    snprintf(r->text, sizeof r->text, "%s.", r->summary);
    if (ctl->crash.who == (who[0] == 'h' ? 1u : 2u))
        crash_backtrace(r, ctl, bin);
    result_event(r, t_us, "watchdog", "%s", r->summary);
    return 1;
}

/* TIMEOUT ("no progress, cause unknown") must not pre-empt a cause being
 * established: it waits at least three hang thresholds (which grow with
 * measured scheduling delay), and while some waiter's stale-read window is
 * open it waits twice as long before giving up. */
static uint64_t timeout_ns(const struct watch *w, const struct hvsim_runcfg *c, uint64_t hang_ns)
{
    uint64_t t = (uint64_t)c->timeout_ms * 1000000ull;
    if (t < 3 * hang_ns)
        t = 3 * hang_ns;
    for (unsigned i = 0; i < c->ncpus && i < HVSIM_CPUS; i++)
        if (w->changed_since[i])
            return 2 * t;
    return t;
}

/* A finding of the protocol oracle as the run's result. */
static int from_finding(struct run_result *r, const struct oracle_finding *f, uint64_t t_us)
{
    r->verdict = f->verdict;
    r->cpu = f->cpu;
    snprintf(r->invariant, sizeof r->invariant, "%s", f->invariant);
    snprintf(r->summary, sizeof r->summary, "%s", f->summary);
    snprintf(r->text, sizeof r->text, "%s%s%s%s", f->text, f->invariant[0] ? " Invariant: " : "",
             f->invariant, f->invariant[0] ? "." : "");
    if (f->func[0])
        snprintf(r->function, sizeof r->function, "%s", f->func);
    if (f->file[0]) {
        char shown[256];
        snprintf(r->file, sizeof r->file, "%s", srcloc_show(f->file, shown, sizeof shown));
        r->line = f->line;
    }
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
static int judge_stall(struct watch *w, struct run_result *r, const struct hvsim_runcfg *c,
                       const struct oracle_snap *snap, const struct hvsim_ctl *ctl,
                       struct proc *ps, uint64_t now, uint64_t hang_ns, uint64_t t_us)
{
    int wcpu;
    if (snap->daemon_state != HVSIM_DAEMON_RUNNING || !stall_work_waiting(snap, &wcpu)) {
        w->stall_since = 0;
        return 0;
    }
    int on_hc = snap->hc_sent != snap->hc_done;
    pid_t pid = on_hc ? ps[1].pid : ps[0].pid;
    pid_t tid = on_hc ? __atomic_load_n(&ctl->hc_tid, __ATOMIC_ACQUIRE)
                      : __atomic_load_n(&ctl->be_tid, __ATOMIC_ACQUIRE);
    uint64_t sig = stall_signature(snap);
    if (!w->stall_since || sig != w->stall_sig || on_hc != w->stall_on_hc) {
        w->stall_since = now;
        w->stall_sig = sig;
        w->stall_on_hc = on_hc;
        w->stall_cpu0 = thread_run_us(pid, tid);
        return 0;
    }
    uint64_t win = hang_ns, dmax = 4 * backend_delay_max_ns(c);
    if (win < dmax)
        win = dmax;
    uint64_t held = now - w->stall_since;
    if (held < win)
        return 0;
    long cpu1 = thread_run_us(pid, tid);
    long used_us = w->stall_cpu0 >= 0 && cpu1 >= 0 ? cpu1 - w->stall_cpu0 : -1;
    long window = (long)(held / 1000000ull);
    char st = thread_sched_state(pid, tid);
    int busy = used_us >= spin_evidence_us(window);
    int blocked = (st == 'S' || st == 'D') && held >= 2 * win;
    if (!busy && !blocked) {
        if (st == 'T' || st == 't' || (st == 'R' && used_us < spin_evidence_us(window))) {
            /* stopped or descheduled: no evidence of a stall of its own */
            w->stall_since = now;
            w->stall_cpu0 = cpu1;
        }
        return 0;
    }
    char where[400] = "not sampled (foreign architecture: only the hypervisor has a gdbstub)";
    if (!strcmp(c->v.arch, "x86_64"))
        stall_sample_where(pid, tid, r, where, sizeof where);
    char req[96], words[1400];
    ring_words("request", snap->req_front, snap->req_rear, req, sizeof req);
    oracle_state_words(snap, words, sizeof words);
    r->verdict = V_DAEMON_STALLED;
    r->cpu = wcpu;
    const char *how = busy ? "busy" : "blocked";
    if (on_hc)
        snprintf(r->summary, sizeof r->summary,
                 "the daemon waits in FINISH_REQ #%u, which the hypervisor has not finished for %ld ms: "
                 "its FINISH_REQ thread is %s %s; the request ring %s", snap->hc_sent, window, how,
                 where, req);
    else
        snprintf(r->summary, sizeof r->summary,
                 "the daemon is running but served nothing for %ld ms while work waits: it is %s %s; "
                 "the request ring %s%s", window, how, where, req,
                 hvsim_ring_full(snap->req_front, snap->req_rear) ? " and the CPUs cannot push" : "");
    char cpuw[160] = "";
    if (wcpu >= 0)
        snprintf(cpuw, sizeof cpuw, " cpu%d waits for its answer: cfg_flags[%d] is still %llu.", wcpu,
                 wcpu, (unsigned long long)snap->cpu[wcpu].flag_now);
    snprintf(r->text, sizeof r->text,
             "%s.%s In that window nothing the daemon side changes moved (req_front, the flags, the "
             "result ring, hypercalls, sleeps) while the %s thread %s (%ld ms of CPU time in %ld ms, "
             "scheduler state '%c'). %s Invariant: the daemon makes progress while requests wait.",
             r->summary, cpuw, on_hc ? "hypervisor's FINISH_REQ" : "daemon",
             busy ? "kept running" : "stayed blocked", used_us < 0 ? 0 : used_us / 1000, window, st, words);
    snprintf(r->invariant, sizeof r->invariant, "the daemon makes progress while requests wait");
    result_event(r, t_us, "watchdog", "DAEMON_STALLED %s", where);
    return 1;
}

/* One watchdog step; returns 1 when a verdict was reached. */
static int watch_step(struct watch *w, struct run_result *r, const struct hvsim_runcfg *c,
                      const struct build_out *b, struct region *rg, struct proc *ps, uint64_t now,
                      struct pc_gdb **gdb)
{
    struct hvsim_ctl *ctl = rg->ctl;
    struct virtio_bridge *br = rg->bridge;
    uint64_t t_us = (now - w->t0) / 1000;
    uint64_t hang_ns = (uint64_t)c->hang_ms * 1000000ull;
    /* Adapt to scheduling delay: the watchdog's own worst oversleep is how
     * late this machine currently runs a thread.  The CPU-time evidence is
     * what proves a spin; this only keeps the window longer than a stall. */
    if (hang_ns < 5 * w->max_late_ns)
        hang_ns = 5 * w->max_late_ns;

    if (*gdb && pc_gdb_guest_stopped(*gdb)) {
        /* With a debugger attached, qemu stops the guest on a fatal signal
         * and waits; let go so it delivers the signal (judged as a crash). */
        pc_gdb_drop(*gdb);
        *gdb = 0;
        result_event(r, t_us, "watchdog", "hypervisor guest stopped by a signal; gdbstub released");
    }
    if (proc_poll(&ps[0]))
        return judge_exit(r, &ps[0], "backend", t_us, ctl, b->backend);
    if (proc_poll(&ps[1]))
        return judge_exit(r, &ps[1], "hypervisor", t_us, ctl, b->hv);

    /* The protocol oracle's invariants that hold at every instant. */
    struct oracle_snap snap;
    struct oracle_finding of;
    oracle_snap_take(&snap, ctl, br, now);
    if (oracle_check_step(&snap, &of) != V_PASS)
        return from_finding(r, &of, t_us);

    unsigned done = 0;
    for (unsigned i = 0; i < c->ncpus; i++) {
        struct hvsim_cpu_ctl *cc = &ctl->cpu[i];
        uint32_t st = __atomic_load_n(&cc->state, __ATOMIC_ACQUIRE);
        if (st != w->last_state[i] && st == HVSIM_CPU_DONE)
            result_event(r, t_us, "watchdog", "cpu%u finished its %u accesses", i, cc->naccess);
        w->last_state[i] = st;
        if (st == HVSIM_CPU_WRONG) {
            r->verdict = V_WRONG_VALUE;
            r->cpu = (int)i;
            snprintf(r->summary, sizeof r->summary,
                     "cpu%u read 0x%llx and got 0x%llx; the device register holds 0x%llx", i,
                     (unsigned long long)cc->wrong_addr, (unsigned long long)cc->got,
                     (unsigned long long)cc->want);
            uint32_t sz = cc->acc[cc->cur < HVSIM_MAX_ACCESS ? cc->cur : 0].size;
            if (sz < 8 && cc->got != cc->want &&
                hvsim_mask_to_size(cc->got, sz) == hvsim_mask_to_size(cc->want, sz))
                /* only bytes beyond the access size differ: a daemon that answers with an
                 * 8-byte load (hvisor-tool) under a handler that returns it unmasked */
                snprintf(r->text, sizeof r->text,
                         "%s. The low %u byte(s) the guest asked for are right; the bytes above "
                         "them are not: the handler returned a wider value than the access size. "
                         "hvisor's instruction emulation keeps only `size` bytes: add "
                         "'mask-by-size on' to the scenario to do the same.",
                         r->summary, sz);
            else
            snprintf(r->text, sizeof r->text,
                     "%s. The handler returned before the daemon answered: the compiler may have "
                     "deleted or short-circuited the wait (a side-effect-free loop may be assumed to "
                     "terminate, C11 6.8.5p6), so cfg_values[%u] was read stale.",
                     r->summary, i);
            r->flag_in_memory = __atomic_load_n(&br->cfg_flags[i], __ATOMIC_RELAXED);
            r->flag_waited_on = cc->flag_before;
            result_event(r, t_us, "cpu", "wrong value 0x%llx", (unsigned long long)cc->got);
            snprintf(r->function, sizeof r->function, "hv_mmio_access");
            return 1;
        }
        if (st == HVSIM_CPU_DONE) {
            done++;
            continue;
        }
        if (st != HVSIM_CPU_IN_HANDLER) {
            w->changed_since[i] = 0;
            continue;
        }
        uint64_t idx = __atomic_load_n(&cc->cur, __ATOMIC_RELAXED);
        if (idx >= cc->naccess || !access_is_sync(&cc->acc[idx]))
            continue;
        uint64_t before = __atomic_load_n(&cc->flag_before, __ATOMIC_RELAXED);
        uint64_t mem = __atomic_load_n(&br->cfg_flags[i], __ATOMIC_RELAXED);
        uint64_t dn = __atomic_load_n(&cc->done, __ATOMIC_RELAXED);
        if (mem == before) {
            w->changed_since[i] = 0;
            w->first_change[i] = 0;
            continue;
        }
        if (!w->changed_since[i] || w->changed_idx[i] != dn) {
            w->changed_since[i] = now;
            w->first_change[i] = now;
            w->changed_idx[i] = dn;
            w->cpu0[i] = thread_run_us(ps[1].pid, cc->tid);
            result_event(r, t_us, "daemon", "answered cpu%u: cfg_flags[%u] %llu -> %llu", i, i,
                         (unsigned long long)before, (unsigned long long)mem);
            continue;
        }
        uint64_t waited = now - w->changed_since[i];
        if (waited < hang_ns)
            continue;
        long cpu1 = thread_run_us(ps[1].pid, cc->tid);
        long used_us = cpu1 - w->cpu0[i], used = used_us / 1000;
        long window = (long)(waited / 1000000ull);
        if (w->cpu0[i] < 0 || cpu1 < 0 || used_us < spin_evidence_us(window)) {
            /* Not spinning (descheduled, stopped): no evidence of a stale
             * read yet.  Restart the window; TIMEOUT catches a dead end. */
            w->changed_since[i] = now;
            w->cpu0[i] = cpu1;
            continue;
        }
        r->verdict = V_HANG_STALE_READ;
        r->cpu = (int)i;
        r->flag_in_memory = mem;
        r->flag_waited_on = before;
        r->cpu_time_ms = used;
        r->window_ms = window;
        sample_pc(r, b, c, ps[1].pid, cc->tid, gdb);
        /* latency: the first poll that saw the answer → the verdict, evidence
         * (PC samples) included, across any restarted windows */
        r->judge_latency_ms = (now_ns() - w->first_change[i]) / 1000000ull;
        char lf[256] = "", lw[300] = "";
        int ll = 0, has_exit = -1;
        int reloads = pc_loop_reloads(b, c, ps[1].pid, r, lf, sizeof lf, &ll, &has_exit);
        if (lf[0] && ll > 0) {
            snprintf(lw, sizeof lw, "%s:%d", lf, ll);
            snprintf(r->file, sizeof r->file, "%s", lf);
            r->line = ll;
        }
        uint64_t enter = __atomic_load_n(&cc->enter_ns, __ATOMIC_RELAXED);
        double seen_ms = w->first_change[i] > enter ? (double)(w->first_change[i] - enter) / 1e6 : 0.0;
        if (reloads == 1) {
            /* The loop re-reads memory: not a stale read.  If no request of
             * this CPU is left for the daemon, the answer it waits for came
             * and went: it compares against a flag sampled after it. */
            unsigned mine = 0;
            for (uint32_t k = snap.req_front % HVSIM_MAX_REQ; k != snap.req_rear % HVSIM_MAX_REQ;
                 k = hvsim_ring_next(k))
                mine += snap.req[k].src_cpu == i;
            char words[1400];
            oracle_state_words(&snap, words, sizeof words);
            if (!mine) {
                r->verdict = V_MISSED_ANSWER;
                snprintf(r->summary, sizeof r->summary,
                         "cpu%u waits in a loop that re-reads memory (%s) for cfg_flags[%u] to change, "
                         "but it already changed: %llu before the trap, %llu since (first seen %.1f ms "
                         "after the trap); the flag changed before the waiter sampled its old value",
                         i, lw, i, (unsigned long long)before, (unsigned long long)mem, seen_ms);
                snprintf(r->text, sizeof r->text,
                         "%s. The daemon's answer arrived (cfg_flags[%u] %llu -> %llu) and no request of "
                         "cpu%u is left in the ring, so no further change is coming; the loop at the "
                         "sampled PC loads from memory, so this is not a hoisted load. The handler must "
                         "be comparing against the value %llu it read after the answer arrived: it "
                         "sampled the \"old\" flag too late (after pushing its request) and missed the "
                         "answer. Read the old flag before pushing. %ld ms of CPU time in %ld ms. %s "
                         "Invariant: every guest access gets exactly one answer, and sees it.",
                         r->summary, i, (unsigned long long)before, (unsigned long long)mem, i,
                         (unsigned long long)mem, used, window, words);
                snprintf(r->invariant, sizeof r->invariant, "every guest access gets exactly one answer, and sees it");
                result_event(r, t_us, "watchdog", "MISSED_ANSWER on cpu%u", i);
                return 1;
            }
            r->verdict = V_TIMEOUT;
            snprintf(r->summary, sizeof r->summary,
                     "cpu%u spins in a loop that re-reads memory (%s) but never leaves the handler; "
                     "cfg_flags[%u] went %llu -> %llu and %u request(s) of cpu%u are still in the "
                     "ring, so it waits for something else", i, lw, i, (unsigned long long)before,
                     (unsigned long long)mem, mine, i);
            snprintf(r->text, sizeof r->text,
                     "%s. The loop at the sampled PC contains a load from memory, so this is not a "
                     "hoisted load; the cause is unknown. %ld ms of CPU time in %ld ms. %s",
                     r->summary, used, window, words);
            result_event(r, t_us, "watchdog", "TIMEOUT: cpu%u spins in a loop that re-reads memory", i);
            return 1;
        }
        snprintf(r->summary, sizeof r->summary,
                 "cfg_flags[%u] is %llu in memory, the CPU still spins on the value %llu it loaded "
                 "before the loop (CPU time +%ld ms in %ld ms)%s",
                 i, (unsigned long long)mem, (unsigned long long)before, used, window,
                 has_exit == 0 ? "; the loop has no exit" : "");
        const char *why = has_exit == 0
            ? "the wait loop at the sampled PC has no exit branch at all: the compiler folded the "
              "comparison away (the flag is read at most once, before the loop), so no value in "
              "memory can end it"
            : reloads == 0 ? "the wait loop is not re-reading memory: the load was hoisted out of the loop"
                           : "the waiter is not re-reading memory (hvsim found no loop at the sampled "
                             "PC to confirm it from the code: a hoisted load is the likely cause, a "
                             "missed answer is not excluded)";
        snprintf(r->text, sizeof r->text,
                 "cpu%u trapped on access #%llu (%s 0x%llx size %u) and waits for cfg_flags[%u] to "
                 "change from %llu. The daemon answered %ld ms ago (first seen %.1f ms after the "
                 "trap): memory holds %llu. The thread kept running (%ld ms of CPU time in that "
                 "window) without leaving the handler, so %s. %d PC samples%s%s%s.",
                 i, (unsigned long long)idx, cc->acc[idx].is_write ? "write" : "read",
                 (unsigned long long)cc->acc[idx].addr, cc->acc[idx].size, i,
                 (unsigned long long)before, window, seen_ms, (unsigned long long)mem, used, why,
                 r->npcs, r->function[0] ? " in " : "", r->function, r->function[0] ? "()" : "");
        result_event(r, t_us, "watchdog", "HANG_STALE_READ on cpu%u", i);
        return 1;
    }
    /* Lost wakeup: asleep with work pending and no wakeup in flight —
     * judged before "all CPUs done", since queue notifies return at once and
     * can be left in the ring of a daemon that sleeps. */
    if (oracle_sleeps_with_work(&snap)) {
        if (!w->lw_since || w->lw_sleeps != snap.daemon_sleeps) {
            w->lw_since = now;
            w->lw_sleeps = snap.daemon_sleeps;
            result_event(r, t_us, "daemon", "asleep with %u request(s) pending, no IPI in flight",
                         hvsim_ring_count(snap.req_front, snap.req_rear));
        } else if (now - w->lw_since >= hang_ns) {
            oracle_explain_lost_wakeup(&snap, &of);
            from_finding(r, &of, t_us);
            snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
                     " The state held for %llu ms.", (unsigned long long)((now - w->lw_since) / 1000000ull));
            return 1;
        }
    } else {
        w->lw_since = 0;
    }

    /* A request lost: a CPU waits (and spins, so it is past its push) for
     * an answer while the ring is empty and the daemon sleeps. */
    int lost = oracle_request_lost(&snap);
    if (lost < 0) {
        w->rl_since = 0;
    } else if (!w->rl_since || w->rl_cpu != lost) {
        w->rl_since = now;
        w->rl_cpu = lost;
        w->rl_cpu0 = thread_run_us(ps[1].pid, ctl->cpu[lost].tid);
    } else if (now - w->rl_since >= hang_ns) {
        long cpu1 = thread_run_us(ps[1].pid, ctl->cpu[lost].tid);
        long window = (long)((now - w->rl_since) / 1000000ull);
        if (w->rl_cpu0 < 0 || cpu1 < 0 || cpu1 - w->rl_cpu0 < spin_evidence_us(window)) {
            w->rl_since = now; /* not running: maybe not even past its push */
            w->rl_cpu0 = cpu1;
        } else {
            oracle_explain_request_lost(&snap, lost, &of);
            from_finding(r, &of, t_us);
            snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text),
                     " The state held for %ld ms while cpu%d spun (%ld ms of CPU time).", window,
                     lost, (cpu1 - w->rl_cpu0) / 1000);
            return 1;
        }
    }

    /* All CPUs done is a PASS only once everything is settled (the daemon
     * asleep, or nothing moving) and the oracle finds every invariant held. */
    if (done == c->ncpus) {
        uint64_t sig = stall_signature(&snap), quiet = hang_ns > 20000000ull ? hang_ns : 20000000ull;
        if (!oracle_quiescent(&snap)) {
            w->quiet_since = 0;
        } else if (snap.daemon_state != HVSIM_DAEMON_SLEEPING &&
                   (!w->quiet_since || w->quiet_sig != sig || now - w->quiet_since < quiet)) {
            if (!w->quiet_since || w->quiet_sig != sig) {
                w->quiet_since = now;
                w->quiet_sig = sig;
            }
        } else if (oracle_check_final(&snap, &of) != V_PASS) {
            return from_finding(r, &of, t_us);
        } else {
            r->verdict = V_PASS;
            snprintf(r->summary, sizeof r->summary, "%s", of.summary);
            snprintf(r->text, sizeof r->text, "%s Rendezvous met %llu, timed out %llu.", of.text,
                     (unsigned long long)ctl->rv_met, (unsigned long long)ctl->rv_timeout);
            return 1;
        }
    }

    if (judge_stall(w, r, c, &snap, ctl, ps, now, hang_ns, t_us))
        return 1;

    uint64_t p = progress(ctl);
    if (p != w->last_progress_val) {
        w->last_progress_val = p;
        w->last_progress_t = now;
    } else if (now - w->last_progress_t > timeout_ns(w, c, hang_ns)) {
        r->verdict = V_TIMEOUT;
        /* A participant stopped by SIGSTOP (or a debugger) burns no CPU, so
         * it is never called a hang; say so, since it is the likely cause. */
        char stopped[96] = "";
        int hs = proc_state(ps[1].pid) == 'T', bs = proc_state(ps[0].pid) == 'T';
        if (hs || bs)
            snprintf(stopped, sizeof stopped, "; %s stopped (SIGSTOP?)",
                     hs && bs ? "both participants are"
                              : hs ? "the hypervisor process is" : "the backend process is");
        char words[1400];
        oracle_state_words(&snap, words, sizeof words);
        snprintf(r->summary, sizeof r->summary,
                 "no progress for %u ms and no evidence of a stale read, a missed answer, a lost "
                 "wakeup or a stalled daemon: cause unknown%s", c->timeout_ms, stopped);
        snprintf(r->text, sizeof r->text, "%s. %s", r->summary, words);
        result_event(r, t_us, "watchdog", "TIMEOUT");
        return 1;
    }
    return 0;
}

/* Fault: after N completed accesses, once the daemon is idle (asleep in the
 * shim, so no request is half-served), SIGKILL it and start a new one.  The
 * new daemon re-initialises its devices and drains whatever is pending; the
 * IPI counters live in the control area, so no wakeup is lost by the
 * restart itself.  Returns 1 when restarted, 0 not yet. */
static int restart_daemon(const struct hvsim_runcfg *c, struct region *rg, struct proc *ps,
                          char **argv, pid_t pgid, struct run_result *r, uint64_t t_us,
                          char *err, size_t errlen)
{
    struct hvsim_ctl *ctl = rg->ctl;
    uint64_t done = 0;
    for (unsigned i = 0; i < c->ncpus; i++)
        done += __atomic_load_n(&ctl->cpu[i].done, __ATOMIC_RELAXED);
    if (done < c->restart_daemon_after ||
        __atomic_load_n(&ctl->daemon_state, __ATOMIC_ACQUIRE) != HVSIM_DAEMON_SLEEPING)
        return 0;
    kill(ps[0].pid, SIGKILL);
    int st;
    waitpid(ps[0].pid, &st, 0);
    __atomic_store_n(&ctl->be_ready, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&ctl->daemon_state, HVSIM_DAEMON_STARTING, __ATOMIC_RELEASE);
    pid_t g = pgid;
    if (proc_start_participant(argv, rg->fd, &g, &ps[0], err, errlen) < 0) {
        result_event(r, t_us, "watchdog", "daemon restart failed: %s", err);
        return 1;
    }
    result_event(r, t_us, "watchdog", "fault: daemon killed after %llu accesses and restarted",
                 (unsigned long long)done);
    return 1;
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

    struct proc ps[2];
    memset(ps, 0, sizeof ps);
    pid_t pgid = 0;
    char fdarg[] = "3";
    const char *qemu = strcmp(c->v.arch, "x86_64") ? c->v.arch : 0;
    char qemu_bin[32];
    snprintf(qemu_bin, sizeof qemu_bin, "/usr/bin/qemu-%s", qemu ? qemu : "");
    /* A foreign hypervisor participant starts under qemu's gdbstub on a unix
     * socket in a private directory (`-g /path`, qemu 7.2: no port to pick,
     * nothing listening on the network).  qemu waits for the debugger before
     * the first guest instruction; we connect at once and resume it, keep the
     * connection only for PC sampling on a HANG_STALE_READ and drop it right
     * after sampling or at the end of the run (see pc_gdb.c). */
    char gdbdir[128] = "", gdbsock[160] = "";
    struct pc_gdb *gdb = 0;
    if (qemu) {
        const char *tmp = getenv("TMPDIR");
        snprintf(gdbdir, sizeof gdbdir, "%s/hvsim-gdb.XXXXXX", tmp && *tmp && strlen(tmp) < 80 ? tmp : "/tmp");
        if (!mkdtemp(gdbdir)) {
            snprintf(err, errlen, "mkdtemp %s: %s", gdbdir, strerror(errno));
            region_destroy(&rg);
            return -1;
        }
        snprintf(gdbsock, sizeof gdbsock, "%s/gdb", gdbdir);
    }
    char *be_argv[] = { qemu ? qemu_bin : (char *)b->backend, (char *)b->backend, "--fd", fdarg, 0 };
    char *hv_argv[] = { qemu_bin, "-g", gdbsock, (char *)b->hv, "--fd", fdarg, 0 };
    char **bea = qemu ? be_argv : be_argv + 1, **hva = qemu ? hv_argv : hv_argv + 3;
    int rc = -1;
    uint64_t t_start = now_ns();
    if (proc_start_participant(bea, rg.fd, &pgid, &ps[0], err, errlen) < 0)
        goto out;
    proc_set_current_group(pgid);
    if (proc_start_participant(hva, rg.fd, &pgid, &ps[1], err, errlen) < 0)
        goto out;
    if (qemu) {
        char gerr[256];
        gdb = pc_gdb_connect_unix(gdbsock, qemu, 10000, gerr, sizeof gerr);
        unlink(gdbsock);
        rmdir(gdbdir);
        gdbdir[0] = 0;
        if (!gdb) {
            snprintf(err, errlen, "qemu-%s gdbstub: %s", qemu, gerr);
            goto out;
        }
    }

    /* Wait until both are attached (a qemu-user start takes a while). */
    uint64_t deadline = now_ns() + 10000000000ull;
    while (!(__atomic_load_n(&rg.ctl->hv_ready, __ATOMIC_ACQUIRE) &&
             __atomic_load_n(&rg.ctl->be_ready, __ATOMIC_ACQUIRE))) {
        if (proc_poll(&ps[0]) || proc_poll(&ps[1]) || now_ns() > deadline) {
            snprintf(err, errlen, "a participant failed to start (status %d/%d)",
                     ps[0].status, ps[1].status);
            goto out;
        }
        usleep(200);
    }
    struct watch w;
    int restarted = 0;
    memset(&w, 0, sizeof w);
    w.t0 = now_ns();
    w.last_progress_t = w.t0;
    region_go(rg.ctl);
    result_event(r, 0, "watchdog", "go: %u CPUs, seed %llu", c->ncpus, (unsigned long long)seed);
    for (;;) {
        uint64_t before = now_ns();
        struct timespec ts = { 0, (long)POLL_NS };
        nanosleep(&ts, 0);
        uint64_t now = now_ns();
        uint64_t late = now - before > POLL_NS ? now - before - POLL_NS : 0;
        if (late > w.max_late_ns)
            w.max_late_ns = late;
        if (watch_step(&w, r, c, b, &rg, ps, now, &gdb))
            break;
        if (c->restart_daemon_after && !restarted &&
            restart_daemon(c, &rg, ps, bea, pgid, r, (now - w.t0) / 1000, err, errlen) > 0)
            restarted = 1;
    }
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
    rc = 0;
out:
    pc_gdb_drop(gdb);
    if (gdbdir[0]) {
        unlink(gdbsock);
        rmdir(gdbdir);
    }
    region_stop(rg.ctl);
    proc_kill_group(pgid, ps, 2);
    region_destroy(&rg);
    r->wall_ms = (now_ns() - t_start) / 1000000ull;
    return rc;
}
