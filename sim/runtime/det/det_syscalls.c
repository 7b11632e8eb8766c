/* sim/runtime/det/det_syscalls.c — calls that wait for time, for the det engine.
 *
 * Under the deterministic scheduler only the token holder runs, so a
 * participant that sleeps or polls in the kernel would stop every other
 * participant with it (and det would never return).  Time does not exist in
 * a serialised schedule: any interleaving is some timing.  So a sleep is a
 * scheduling point that returns at once, after "simulated time" advanced by
 * the requested amount; repeated sleeps with nothing else changing make
 * the caller a spinner (it re-reads the clock), deprioritised like any
 * other waiting loop.  poll() with a timeout checks its fds without
 * blocking and, when none is ready, waits the same way.
 *
 * These definitions override libc's for the code under test (they are
 * linked into the participant).  Outside an execution, or for a thread det
 * does not schedule, they call the real system call.
 */
#define _GNU_SOURCE
#include "det_rt.h"
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int real_nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)syscall(SYS_nanosleep, req, rem);
}

/* The simulated clock: a wait of ns; 0 = the thread may run on. */
static int sim_sleep(uint64_t ns)
{
    return det_wait_time(ns, (uint64_t)(uintptr_t)__builtin_return_address(0));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L) {
        errno = EINVAL;
        return -1;
    }
    if (sim_sleep((uint64_t)req->tv_sec * 1000000000ull + (uint64_t)req->tv_nsec) == 0) {
        if (rem)
            rem->tv_sec = rem->tv_nsec = 0;
        return 0;
    }
    return real_nanosleep(req, rem);
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
    if (!req)
        return EINVAL;
    /* TIMER_ABSTIME: a deadline we cannot relate to simulated time; one
     * scheduling point is what any deadline amounts to here. */
    uint64_t ns = flags & TIMER_ABSTIME ? 0
                                        : (uint64_t)req->tv_sec * 1000000000ull + (uint64_t)req->tv_nsec;
    if (sim_sleep(ns) == 0)
        return 0;
    return (int)syscall(SYS_clock_nanosleep, clk, flags, req, rem) < 0 ? errno : 0;
}

int usleep(useconds_t us)
{
    if (sim_sleep((uint64_t)us * 1000ull) == 0)
        return 0;
    struct timespec ts = { (time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L };
    return real_nanosleep(&ts, 0);
}

unsigned int sleep(unsigned int s)
{
    if (sim_sleep((uint64_t)s * 1000000000ull) == 0)
        return 0;
    struct timespec ts = { (time_t)s, 0 };
    return real_nanosleep(&ts, 0) ? s : 0;
}

int sched_yield(void)
{
    if (sim_sleep(0) == 0)
        return 0;
    return (int)syscall(SYS_sched_yield);
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    for (;;) {
        long r = syscall(SYS_ppoll, fds, n, &(struct timespec){ 0, 0 }, 0, 8);
        if (r != 0 || timeout_ms == 0)
            return (int)r;
        /* nothing ready: wait a simulated millisecond (or until something
         * else happens), then look again; a finite timeout runs out */
        if (sim_sleep(1000000ull) < 0) {
            struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
            return (int)syscall(SYS_ppoll, fds, n, timeout_ms < 0 ? 0 : &ts, 0, 8);
        }
        if (timeout_ms > 0 && --timeout_ms == 0)
            return 0;
    }
}
