/* sim/runtime/common/stall_table.h — the CPU stall probes' table
 * (sim/util/vstall.c) and the one question asked of it, header-only so the
 * threads binary can ask it too: its in-binary watchdog judges quiescence on
 * CPU time like hvsim's own watchdogs, and reads the table hvsim's probes
 * fill through a read-only mapping of the same memfd (threads_main.c).
 *
 * Each probe owns one slot and is its only writer: the time it last woke and
 * the last late wake (expected .. actual), CLOCK_MONOTONIC ns, which every
 * process of the machine shares.  Readers use acquire loads; a stale slot
 * only delays a verdict by one poll. */
#ifndef HVSIM_STALL_TABLE_H
#define HVSIM_STALL_TABLE_H

#include <stdint.h>

#define VSTALL_MAX 64
#define VSTALL_TICK_NS 2000000ull  /* the probes' sleep */
#define VSTALL_LATE_NS 10000000ull /* this late is a stall */
/* Overdue this long, a probe is taken as broken, not its CPU as stalled:
 * a stall that never ends would hold every verdict back until TIMEOUT.  Its
 * late wake, if it comes, still counts. */
#define VSTALL_STUCK_NS 1000000000ull
#define VSTALL_MAGIC 0x6c6c617473766863ull /* "hcvstall" */

struct vstall_probe {
    int32_t cpu;
    uint32_t pad;
    uint64_t last_wake;          /* 0: not started yet */
    uint64_t late_from, late_to; /* the last stall: expected wake .. actual wake */
};

struct vstall_table {
    uint64_t magic;
    uint32_t n, realtime;        /* probes running; at real-time priority */
    uint64_t nstalls;            /* late wakes since the start */
    struct vstall_probe p[VSTALL_MAX];
};

/* 1 when some CPU stalled at any time in [since_ns, now_ns], or is stalled
 * now (its probe is overdue). */
static inline int vstall_table_overlaps(const struct vstall_table *t, uint64_t since_ns, uint64_t now_ns)
{
    uint32_t n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < n && i < VSTALL_MAX; i++) {
        const struct vstall_probe *p = &t->p[i];
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

#endif
