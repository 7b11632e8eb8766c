/* sim/util/vstall.c — CPU stall probes (see vstall.h).
 *
 * Each probe owns one slot of the table (runtime/common/stall_table.h),
 * which lives in a memfd so that the threads binary's watchdog can map it
 * too (vstall_path).  The probes block every signal: a SIGTERM for hvsim must reach
 * a thread that runs the handler's intent, not a sleeping probe. */
#define _GNU_SOURCE
#include "vstall.h"
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The probe runs at real-time priority: it must never wait on anything but
 * its timer.  In a sanitizer build of hvsim the instrumented atomics and the
 * sleep's interceptor take the runtime's internal locks, and a real-time
 * thread waiting on a lock a preempted thread of its CPU holds is a stall of
 * its own making — one way, not shown to be the way, that check-tsan once
 * judged a hang TIMEOUT (1 run in 12, not seen again in 60): so no
 * instrumentation here, and the sleep is the bare system call. */
#define PROBE_PLAIN __attribute__((no_sanitize("thread", "address", "undefined")))

static struct vstall_table local, *tab = &local;
static char shared_path[64];
static int started;
static pthread_once_t once = PTHREAD_ONCE_INIT;

PROBE_PLAIN static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}


PROBE_PLAIN static void *probe_main(void *arg)
{
    struct vstall_probe *p = arg;
    uint64_t next = mono_ns();
    __atomic_store_n(&p->last_wake, next, __ATOMIC_RELAXED);
    for (;;) {
        next += VSTALL_TICK_NS;
        struct timespec ts = { (time_t)(next / 1000000000ull), (long)(next % 1000000000ull) };
        while (syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
            ;
        uint64_t now = mono_ns();
        if (now - next >= VSTALL_LATE_NS) {
            __atomic_store_n(&p->late_from, next, __ATOMIC_RELAXED);
            __atomic_store_n(&p->late_to, now, __ATOMIC_RELEASE);
            __atomic_add_fetch(&tab->nstalls, 1, __ATOMIC_RELAXED);
            next = now; /* no burst of catch-up wakes */
        }
        __atomic_store_n(&p->last_wake, now, __ATOMIC_RELEASE);
    }
    return 0;
}

/* The table in a memfd when there is one (else this process's own). */
static void share_table(void)
{
    int fd = (int)syscall(SYS_memfd_create, "hvsim-vstall", 1u /* MFD_CLOEXEC */);
    if (fd < 0)
        return;
    void *m = MAP_FAILED;
    if (ftruncate(fd, sizeof *tab) == 0)
        m = mmap(0, sizeof *tab, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        close(fd);
        return;
    }
    tab = m;
    /* the fd stays open for the process's life: others open it by path */
    snprintf(shared_path, sizeof shared_path, "/proc/%d/fd/%d", (int)getpid(), fd);
}

static void start_all(void)
{
    share_table();
    tab->magic = VSTALL_MAGIC;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed))
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* inherited by the probes */
    int rt = 1;
    uint32_t n = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && n < VSTALL_MAX; cpu++) {
        if (!CPU_ISSET(cpu, &allowed))
            continue;
        struct vstall_probe *p = &tab->p[n];
        p->cpu = cpu;
        pthread_attr_t a;
        pthread_attr_init(&a);
        pthread_attr_setstacksize(&a, 64 * 1024);
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        pthread_attr_setaffinity_np(&a, sizeof one, &one);
        struct sched_param sp = { .sched_priority = 1 };
        pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
        pthread_attr_setschedpolicy(&a, SCHED_FIFO);
        pthread_attr_setschedparam(&a, &sp);
        pthread_t t;
        int rc = pthread_create(&t, &a, probe_main, p);
        if (rc) { /* no real-time priority here: an ordinary thread */
            rt = 0;
            pthread_attr_setinheritsched(&a, PTHREAD_INHERIT_SCHED);
            rc = pthread_create(&t, &a, probe_main, p);
        }
        pthread_attr_destroy(&a);
        if (rc)
            continue;
        pthread_detach(t);
        __atomic_store_n(&tab->n, ++n, __ATOMIC_RELEASE);
    }
    pthread_sigmask(SIG_SETMASK, &old, 0);
    tab->realtime = rt && n;
    started = n > 0;
}

int vstall_start(void)
{
    pthread_once(&once, start_all);
    return started ? 0 : -1;
}

int vstall_overlaps(uint64_t since_ns, uint64_t now_ns)
{
    return vstall_table_overlaps(tab, since_ns, now_ns);
}

uint64_t vstall_count(void)
{
    return __atomic_load_n(&tab->nstalls, __ATOMIC_RELAXED);
}

int vstall_realtime(void)
{
    return (int)tab->realtime;
}

const char *vstall_path(void)
{
    return started && shared_path[0] ? shared_path : 0;
}
