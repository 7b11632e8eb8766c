/* sim/util/vstall.c — CPU stall probes (see vstall.h).
 *
 * Each probe owns one slot: the time it last woke and the end of the last
 * late wake (both CLOCK_MONOTONIC ns, written only by the probe, read by
 * the watchdogs with relaxed atomics: a stale read only delays a verdict by
 * one poll).  The probes block every signal: a SIGTERM for hvsim must reach
 * a thread that runs the handler's intent, not a sleeping probe. */
#define _GNU_SOURCE
#include "vstall.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define VSTALL_MAX 64

/* The probe runs at real-time priority: it must never wait on anything but
 * its timer.  In a sanitizer build of hvsim the instrumented atomics and the
 * sleep's interceptor take the runtime's internal locks, and a real-time
 * thread waiting on a lock a preempted thread of its CPU holds is a stall of
 * its own making — one way, not shown to be the way, that check-tsan once
 * judged a hang TIMEOUT (1 run in 12, not seen again in 60): so no
 * instrumentation here, and the sleep is the bare system call. */
#define PROBE_PLAIN __attribute__((no_sanitize("thread", "address", "undefined")))

struct probe {
    int cpu;
    uint64_t last_wake;  /* 0: not started yet */
    uint64_t late_from, late_to; /* the last stall: expected wake .. actual wake */
};

static struct probe probes[VSTALL_MAX];
static unsigned nprobes;
static int started, realtime;
static uint64_t nstalls;
static pthread_once_t once = PTHREAD_ONCE_INIT;

PROBE_PLAIN static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}


PROBE_PLAIN static void *probe_main(void *arg)
{
    struct probe *p = arg;
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
            __atomic_add_fetch(&nstalls, 1, __ATOMIC_RELAXED);
            next = now; /* no burst of catch-up wakes */
        }
        __atomic_store_n(&p->last_wake, now, __ATOMIC_RELEASE);
    }
    return 0;
}

static void start_all(void)
{
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed))
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* inherited by the probes */
    int rt = 1;
    for (int cpu = 0; cpu < CPU_SETSIZE && nprobes < VSTALL_MAX; cpu++) {
        if (!CPU_ISSET(cpu, &allowed))
            continue;
        struct probe *p = &probes[nprobes];
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
        nprobes++;
    }
    pthread_sigmask(SIG_SETMASK, &old, 0);
    realtime = rt && nprobes;
    started = nprobes > 0;
}

int vstall_start(void)
{
    pthread_once(&once, start_all);
    return started ? 0 : -1;
}

int vstall_overlaps(uint64_t since_ns, uint64_t now_ns)
{
    for (unsigned i = 0; i < nprobes; i++) {
        const struct probe *p = &probes[i];
        uint64_t wake = __atomic_load_n(&p->last_wake, __ATOMIC_ACQUIRE);
        if (!wake)
            continue; /* not running yet: no evidence either way */
        if (now_ns > wake && now_ns - wake >= VSTALL_LATE_NS && now_ns - wake < VSTALL_STUCK_NS)
            return 1; /* overdue: its CPU is stalled now (for so long: a probe gone wrong) */
        uint64_t to = __atomic_load_n(&p->late_to, __ATOMIC_ACQUIRE);
        if (to && to >= since_ns && __atomic_load_n(&p->late_from, __ATOMIC_RELAXED) <= now_ns)
            return 1;
    }
    return 0;
}

uint64_t vstall_count(void)
{
    return __atomic_load_n(&nstalls, __ATOMIC_RELAXED);
}

int vstall_realtime(void)
{
    return realtime;
}
