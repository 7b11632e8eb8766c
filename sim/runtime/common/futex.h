/* sim/runtime/common/futex.h — shared (non-private) futexes: the words live in the
 * memfd region mapped by several processes, so FUTEX_PRIVATE_FLAG must not
 * be used.  qemu-user forwards these to the host kernel, so a native and an
 * emulated process can wait on the same word. */
#ifndef HVSIM_FUTEX_H
#define HVSIM_FUTEX_H

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline int futex_wait(uint32_t *w, uint32_t val, long timeout_ns)
{
    struct timespec ts = { timeout_ns / 1000000000L, timeout_ns % 1000000000L };
    return (int)syscall(SYS_futex, w, FUTEX_WAIT, val, timeout_ns > 0 ? &ts : 0, 0, 0);
}

static inline int futex_wake(uint32_t *w, int n)
{
    return (int)syscall(SYS_futex, w, FUTEX_WAKE, n, 0, 0, 0);
}

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64: the seeded generator of every delay and jitter. */
static inline uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
