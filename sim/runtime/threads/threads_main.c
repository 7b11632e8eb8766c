/* sim/runtime/threads/threads_main.c — the single process of the threads engine:
 * one thread per hypervisor CPU (the guest's access sequence trapping into
 * hv_mmio_access), the FINISH_REQ hypercall thread (hv_finish_req), and the
 * backend daemon thread (backend_run), all over one mapping of the region.
 *
 * Usage (started by hvsim): threads --fd N --hang-ms M [--quiesce-ms Q]
 *                                   [--stalls PATH]
 *   The memfd at fd N holds the bridge page and the control area the
 *   supervisor filled (sim/runtime/common/control.h).  It is mapped twice: the code
 *   under test uses the first mapping; the harness reads the bridge only
 *   through the second, so a detector never sees the harness touch it.
 *   The main thread watches progress; with none for M ms it leaves the run
 *   as it is (spinning threads and all) and exits with RT_EXIT_HANG — the
 *   reports the detector printed before that are kept.
 *   Quiescence is judged here, while every participant is still alive
 *   (threads_quiesce.c): a daemon asleep with requests in the ring, no IPI
 *   and no FINISH_REQ in flight, every CPU done or waiting for an answer,
 *   unchanged for Q ms — then it exits RT_EXIT_QUIESCENT at once, without
 *   stopping anyone, so the control area and the bridge still show that
 *   state to the supervisor (stopping first woke the daemon, and the
 *   supervisor read "exited" instead of "asleep").  PATH is hvsim's table
 *   of CPU stall probes (runtime/common/stall_table.h): a window in which a
 *   virtual CPU stopped starts again.
 */
#define _GNU_SOURCE
#include "rt.h"
#include "quiesce.h"
#include "runtime/common/futex.h"
#include "runtime/common/guest.h"
#include "runtime/common/hypercall.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct virtio_bridge *g_bridge;
struct virtio_bridge *g_alias_bridge;
struct hvsim_ctl *g_ctl;
__thread int g_cpu = -1;
__thread uint64_t g_rng;

static int thr_rt_tid(void) { return (int)syscall(SYS_gettid); }

/* Scenario 'boot daemon-first' (the native engine's gate, hv_main.c): the CPU
 * threads hold until the daemon's first hvsim_daemon_sleep(), its exit, or
 * stop.  The wait reads only the control area (never checked by the
 * detectors) from uninstrumented code: it orders the start, it adds no
 * happens-before edge between the daemon's and the guests' code. */
static void thr_rt_wait_daemon_asleep(void)
{
    struct timespec ts = { 0, 50000 };
    while (!__atomic_load_n(&g_ctl->daemon_sleeps, __ATOMIC_ACQUIRE) &&
           __atomic_load_n(&g_ctl->daemon_state, __ATOMIC_ACQUIRE) != HVSIM_DAEMON_EXITED &&
           !__atomic_load_n(&g_ctl->stop, __ATOMIC_ACQUIRE))
        nanosleep(&ts, 0);
}

static void *thr_rt_cpu_thread(void *arg)
{
    unsigned cpu = (unsigned)(uintptr_t)arg;
    struct hvsim_cpu_ctl *c = &g_ctl->cpu[cpu];
    g_cpu = (int)cpu;
    g_rng = g_ctl->seed * 0x100000001b3ull + cpu + 1;
    __atomic_store_n(&c->tid, thr_rt_tid(), __ATOMIC_RELEASE);
    if (g_ctl->boot_daemon_first)
        thr_rt_wait_daemon_asleep();
    guest_run(cpu, g_alias_bridge); /* cfg_flags read through the alias: invisible to the detectors */
    return 0;
}

static void *thr_rt_daemon_thread(void *arg)
{
    (void)arg;
    g_rng = g_ctl->seed ^ 0xbacce11dull;
    __atomic_store_n(&g_ctl->be_tid, thr_rt_tid(), __ATOMIC_RELEASE);
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_RUNNING, __ATOMIC_RELEASE);
    backend_run();
    __atomic_store_n(&g_ctl->daemon_state, HVSIM_DAEMON_EXITED, __ATOMIC_RELEASE);
    return 0;
}

static uint64_t thr_rt_progress(void)
{
    uint64_t p = __atomic_load_n(&g_ctl->hc_done, __ATOMIC_RELAXED) +
                 __atomic_load_n(&g_ctl->daemon_wakes, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < g_ctl->ncpus && i < HVSIM_CPUS; i++)
        p += __atomic_load_n(&g_ctl->cpu[i].done, __ATOMIC_RELAXED);
    return p;
}

static void thr_rt_stop_all(void)
{
    __atomic_store_n(&g_ctl->stop, 1, __ATOMIC_RELEASE);
    futex_wake(&g_ctl->stop, 1 << 20);
    futex_wake(&g_ctl->ipi_sent, 1 << 20);
    futex_wake(&g_ctl->hc_sent, 1 << 20);
    futex_wake(&g_ctl->hc_done, 1 << 20);
}

/* Map the region at fd twice (the code under test's view and the harness's
 * alias) and check its control area; 0, or the exit status. */
static int thr_rt_map(int fd)
{
    void *base = mmap(0, HVSIM_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void *alias = mmap(0, HVSIM_BRIDGE_PAGE, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED || alias == MAP_FAILED) {
        perror("hvsim threads: mmap");
        return RT_EXIT_USAGE;
    }
    close(fd);
    g_bridge = hvsim_region_bridge(base);
    g_alias_bridge = hvsim_region_bridge(alias);
    g_ctl = hvsim_region_ctl(base);
    if (g_ctl->magic != HVSIM_CTL_MAGIC || g_ctl->version != HVSIM_CTL_VERSION) {
        fprintf(stderr, "hvsim threads: control area magic/version mismatch\n");
        return RT_EXIT_USAGE;
    }
    /* The control area is the harness's own: never a finding, never HB. */
    VALGRIND_HG_DISABLE_CHECKING(g_ctl, sizeof *g_ctl);
    return 0;
}

/* The daemon, the hypercall thread and n CPU threads; -1 when one cannot start. */
static int thr_rt_start(unsigned n, pthread_t *be, pthread_t *hc, pthread_t *t)
{
    if (pthread_create(be, 0, thr_rt_daemon_thread, 0) || pthread_create(hc, 0, hypercall_serve, 0))
        return -1;
    pthread_setname_np(*be, "daemon");
    pthread_setname_np(*hc, "hypercall");
    for (unsigned i = 0; i < n; i++) {
        if (pthread_create(&t[i], 0, thr_rt_cpu_thread, (void *)(uintptr_t)i))
            return -1;
        char nm[16];
        snprintf(nm, sizeof nm, "hv-cpu%u", i);
        pthread_setname_np(t[i], nm);
    }
    __atomic_store_n(&g_ctl->hv_ready, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&g_ctl->be_ready, 1, __ATOMIC_RELEASE);
    return 0;
}

/* Watch the n CPUs until all are done (returns 1 when one read a wrong
 * value); a quiescent or hung run exits from here, leaving every thread as
 * it is. */
static int thr_rt_watch(unsigned n, long hang_ms, long quiesce_ms, const struct vstall_table *stalls)
{
    uint64_t last = thr_rt_progress(), last_t = now_ns(), hang_restarts = 0;
    int wrong = 0;
    struct thr_quiesce q;
    thr_quiesce_init(&q, (uint64_t)quiesce_ms * 1000000ull);
    q.stalls = stalls;
    for (;;) {
        struct timespec ts = { 0, 20000000L };
        nanosleep(&ts, 0);
        unsigned fin = 0;
        for (unsigned i = 0; i < n; i++) {
            uint32_t st = __atomic_load_n(&g_ctl->cpu[i].state, __ATOMIC_ACQUIRE);
            fin += st == HVSIM_CPU_DONE || st == HVSIM_CPU_WRONG;
            wrong |= st == HVSIM_CPU_WRONG;
        }
        if (fin == n)
            return wrong;
        uint64_t p = thr_rt_progress(), now = now_ns();
        if (thr_quiesce_poll(&q, g_ctl, g_alias_bridge, n, now)) {
            /* Everyone is left exactly as they are: the supervisor reads
             * this state from the region after the exit. */
            thr_quiesce_print(&q, stdout);
            fflush(stdout);
            _exit(RT_EXIT_QUIESCENT);
        }
        if (p != last) {
            last = p;
            last_t = now;
        } else if (now - last_t > (uint64_t)hang_ms * 1000000ull && stalls &&
                   vstall_table_overlaps(stalls, last_t, now)) {
            /* a vCPU stopped in the window: start it again, as the
             * quiescence window does, so a lost wakeup is still judged
             * quiescent first (its window is the shorter) */
            last_t = now;
            hang_restarts++;
        } else if (now - last_t > (uint64_t)hang_ms * 1000000ull) {
            /* Leave the threads as they are: a hoisted load spins forever. */
            /* No stop first: it would wake the daemon and change the state
             * the supervisor judges the hang from. */
            printf("hvsim-threads: no progress for %ld ms (windows restarted by a host CPU stall: "
                   "quiescence %llu, progress %llu)\n", hang_ms, (unsigned long long)q.stall_restarts,
                   (unsigned long long)hang_restarts);
            fflush(stdout);
            _exit(RT_EXIT_HANG);
        }
    }
}

/* hvsim's stall probes (--stalls PATH: its memfd, read-only), or NULL: a
 * table that cannot be mapped only loses the stall check. */
static const struct vstall_table *map_stalls(const char *path)
{
    if (!path)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    void *m = mmap(0, sizeof(struct vstall_table), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return 0;
    const struct vstall_table *t = m;
    if (t->magic != VSTALL_MAGIC) {
        munmap(m, sizeof *t);
        return 0;
    }
    return t;
}

int main(int argc, char **argv)
{
    int fd = -1;
    const char *stalls = 0;
    long hang_ms = 2000, quiesce_ms = 300;
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--fd"))
            fd = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--hang-ms"))
            hang_ms = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--quiesce-ms"))
            quiesce_ms = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--stalls"))
            stalls = argv[i + 1];
    }
    if (fd < 0) {
        fprintf(stderr, "hvsim threads: this program is started by hvsim (missing --fd)\n");
        return RT_EXIT_USAGE;
    }
    int mrc = thr_rt_map(fd);
    if (mrc)
        return mrc;
    /* The supervisor maps the bridge at its own address; this line tells it
     * where the code under test saw it, to name racing fields. */
    printf("hvsim-threads: bridge %p size %zu\n", (void *)g_bridge, sizeof *g_bridge);
    fflush(stdout);

    unsigned n = g_ctl->ncpus > HVSIM_CPUS ? HVSIM_CPUS : g_ctl->ncpus;
    pthread_t be, hc, t[HVSIM_CPUS];
    if (thr_rt_start(n, &be, &hc, t) < 0)
        return RT_EXIT_USAGE;
    int wrong = thr_rt_watch(n, hang_ms, quiesce_ms, map_stalls(stalls));
    thr_rt_stop_all();
    pthread_join(be, 0);
    pthread_join(hc, 0);
    for (unsigned i = 0; i < n; i++)
        pthread_join(t[i], 0);
    printf("hvsim-threads: %s\n", wrong ? "wrong value" : "done");
    fflush(stdout);
    return wrong ? RT_EXIT_WRONG : RT_EXIT_DONE;
}
