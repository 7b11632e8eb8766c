/* sim/runtime/bench/bench_raw.c — the raw baselines of `hvsim bench`.
 *
 * Two processes of this program (roles a and b), started by the bench
 * exactly like the hvsim participants: a memfd region at fd 3, mapped
 * MAP_SHARED, nothing else shared.  Compiled by `hvsim bench` at run time
 * (gcc -O2) into build/bench/.
 *
 *   bench_raw MODE ROLE N GAP_NS EVENTFD --fd 3
 *
 * MODE
 *   pingpong  a stores ping=i, spins until pong==i; b spins on ping, answers.
 *             The floor of any spin handshake: two cache-line transfers.
 *   futex     a spins GAP_NS (b falls asleep), stores ping=i, FUTEX_WAKE,
 *             spins until pong==i; b sleeps in FUTEX_WAIT, answers.
 *   eventfd   as futex, but b sleeps in read(eventfd) and a write()s it.
 *   handoff   a token passed back and forth, both sides sleeping in
 *             FUTEX_WAIT when they do not hold it (2 handoffs per round).
 * Role a times every round trip with clock_gettime exactly as hv_main times
 * a trap, into the same quarter-octave histogram, and writes the result at
 * the start of the region.  Exit 0 ok, 2 usage, 3 setup failure.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "bench_hist.h" /* beside it: compiled with no -I (bench_run.c) */

struct raw_shm {
    uint32_t ready_b, go, done, pad;
    char pad0[48];
    uint32_t ping;          /* own cache line; futex word in futex mode */
    char pad1[60];
    uint32_t pong;
    char pad2[60];
    uint32_t word;          /* handoff token */
    char pad3[60];
    /* results (role a) */
    uint64_t count, sum_ns, min_ns, max_ns, total_ns, clock_ns;
    uint64_t b_slept, b_rounds;   /* role b: waits that really slept */
    uint32_t hist[BENCH_HIST_BUCKETS];
};

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long futex(uint32_t *w, int op, uint32_t v)
{
    return syscall(SYS_futex, w, op, v, 0, 0, 0);
}

static void record(struct raw_shm *s, uint64_t ns)
{
    s->hist[bench_hist_bucket(ns)]++;
    s->sum_ns += ns;
    if (!s->count || ns < s->min_ns)
        s->min_ns = ns;
    if (ns > s->max_ns)
        s->max_ns = ns;
    s->count++;
}

static void spin_ns(uint64_t ns)
{
    if (!ns)
        return;
    for (uint64_t end = now_ns() + ns; now_ns() < end;)
        ;
}

/* The round trip itself, noinline so callgrind can count it apart from the
 * spin on the answer (wait_pong). */
__attribute__((noinline)) static void wait_pong(struct raw_shm *s, uint32_t i)
{
    while (__atomic_load_n(&s->pong, __ATOMIC_ACQUIRE) != i)
        ;
}

__attribute__((noinline)) static void round_trip(struct raw_shm *s, uint32_t i)
{
    __atomic_store_n(&s->ping, i, __ATOMIC_RELEASE);
    wait_pong(s, i);
}

enum raw_mode { M_PINGPONG, M_FUTEX, M_EVENTFD, M_HANDOFF };

static int parse_mode(const char *m, enum raw_mode *out)
{
    static const char *const names[] = { "pingpong", "futex", "eventfd", "handoff" };
    for (int i = 0; i < 4; i++)
        if (!strcmp(m, names[i])) {
            *out = (enum raw_mode)i;
            return 0;
        }
    return -1;
}

/* Role b, one round: wait for a's ping i (or the token) and answer.  Returns
 * how many of its waits really slept, -1 when the eventfd read failed. */
static int b_round(struct raw_shm *s, enum raw_mode mode, uint32_t i, int efd)
{
    int slept = 0;
    if (mode == M_PINGPONG) {
        while (__atomic_load_n(&s->ping, __ATOMIC_ACQUIRE) != i)
            ;
        __atomic_store_n(&s->pong, i, __ATOMIC_RELEASE);
    } else if (mode == M_FUTEX) {
        uint32_t v;
        while ((v = __atomic_load_n(&s->ping, __ATOMIC_ACQUIRE)) != i)
            slept += futex(&s->ping, FUTEX_WAIT, v) == 0;
        __atomic_store_n(&s->pong, i, __ATOMIC_RELEASE);
    } else if (mode == M_EVENTFD) {
        uint64_t v;
        uint64_t t = now_ns();
        if (read(efd, &v, sizeof v) != (ssize_t)sizeof v)
            return -1;
        slept += now_ns() - t > 1000; /* blocked, not a ready read */
        __atomic_store_n(&s->pong, i, __ATOMIC_RELEASE);
    } else { /* handoff */
        while (__atomic_load_n(&s->word, __ATOMIC_ACQUIRE) == 0)
            slept += futex(&s->word, FUTEX_WAIT, 0) == 0;
        __atomic_store_n(&s->word, 0, __ATOMIC_RELEASE);
        futex(&s->word, FUTEX_WAKE, 1);
    }
    return slept;
}

static int role_b(struct raw_shm *s, enum raw_mode mode, uint32_t n, int efd)
{
    __atomic_store_n(&s->ready_b, 1, __ATOMIC_RELEASE);
    uint64_t slept = 0;
    for (uint32_t i = 1; i <= n; i++) {
        int k = b_round(s, mode, i, efd);
        if (k < 0)
            return 3;
        slept += (uint64_t)k;
    }
    s->b_slept = slept;
    s->b_rounds = n;
    return 0;
}

/* Role a, one timed round: ping i (after the guest's think time in the wake
 * modes) and wait for the answer.  Returns -1 when the eventfd write failed. */
static int a_round(struct raw_shm *s, enum raw_mode mode, uint32_t i, uint64_t gap, int efd)
{
    if (mode == M_PINGPONG) {
        uint64_t t0 = now_ns();
        round_trip(s, i);
        record(s, now_ns() - t0);
    } else if (mode == M_FUTEX || mode == M_EVENTFD) {
        spin_ns(gap);
        uint64_t t0 = now_ns();
        __atomic_store_n(&s->ping, i, __ATOMIC_RELEASE);
        if (mode == M_FUTEX) {
            futex(&s->ping, FUTEX_WAKE, 1);
        } else {
            uint64_t one = 1;
            if (write(efd, &one, sizeof one) != (ssize_t)sizeof one)
                return -1;
        }
        wait_pong(s, i);
        record(s, now_ns() - t0);
    } else { /* handoff: a holds the token when word == 0 */
        uint64_t t0 = now_ns();
        __atomic_store_n(&s->word, 1, __ATOMIC_RELEASE);
        futex(&s->word, FUTEX_WAKE, 1);
        while (__atomic_load_n(&s->word, __ATOMIC_ACQUIRE) == 1)
            futex(&s->word, FUTEX_WAIT, 1);
        record(s, now_ns() - t0);
    }
    return 0;
}

/* The cheapest of 1000 back-to-back clock_gettime pairs: what every timed
 * round includes on top of the round trip. */
static uint64_t clock_pair_ns(void)
{
    uint64_t c0 = ~0ull;
    for (int k = 0; k < 1000; k++) {
        uint64_t t0 = now_ns(), t1 = now_ns();
        if (t1 - t0 < c0)
            c0 = t1 - t0;
    }
    return c0;
}

static int role_a(struct raw_shm *s, enum raw_mode mode, uint32_t n, uint64_t gap, int efd)
{
    while (!__atomic_load_n(&s->ready_b, __ATOMIC_ACQUIRE))
        usleep(100);
    s->clock_ns = clock_pair_ns();
    uint64_t start = now_ns();
    for (uint32_t i = 1; i <= n; i++)
        if (a_round(s, mode, i, gap, efd) < 0)
            return 3;
    s->total_ns = now_ns() - start;
    __atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
    return 0;
}

int main(int argc, char **argv)
{
    enum raw_mode mode = M_HANDOFF;
    if (argc < 6 || parse_mode(argv[1], &mode) < 0) {
        fprintf(stderr, "usage: bench_raw pingpong|futex|eventfd|handoff a|b N GAP_NS EVENTFD --fd 3\n");
        return 2;
    }
    int a = argv[2][0] == 'a';
    uint32_t n = (uint32_t)strtoul(argv[3], 0, 0);
    uint64_t gap = strtoull(argv[4], 0, 0);
    int efd = atoi(argv[5]);
    struct raw_shm *s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 3, 0);
    if (s == MAP_FAILED) {
        perror("bench_raw: mmap");
        return 3;
    }
    return a ? role_a(s, mode, n, gap, efd) : role_b(s, mode, n, efd);
}
