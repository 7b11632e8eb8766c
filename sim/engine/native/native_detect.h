/* sim/engine/native/native_detect.h — the native watchdog's detectors: pure
 * functions from what the watchdog observed (flags, counters, CPU times,
 * scheduler states, clock readings) to a finding.  No process, no I/O, no
 * text: native.c observes and keeps the windows, native_text.c words the
 * findings.  Each rule is unit-tested on its own (tests/unit/test_native_detect.c).
 *
 * Times are in ns unless the name says otherwise; CPU times in µs, -1 when
 * they could not be read. */
#ifndef HVSIM_NATIVE_DETECT_H
#define HVSIM_NATIVE_DETECT_H

#include <stdint.h>

/* The hang threshold: the configured one, raised to five times the worst
 * oversleep the watchdog measured (how late this machine runs threads). */
uint64_t nd_hang_ns(unsigned hang_ms, uint64_t max_late_ns);

/* How much CPU a waiter must have burnt in a window of window_ms to count
 * as spinning: 5 ms or 5% of the window, whichever is more.  A waiter that
 * re-reads memory leaves the loop within nanoseconds of running, so even a
 * loaded machine's small share is proof; a thread that does not run
 * (descheduled, SIGSTOPped) never qualifies. */
long nd_spin_evidence_us(long window_ms);
/* 1 when a thread's CPU time went cpu0_us -> cpu1_us in window_ms is proof
 * of spinning (both readings known and the rise enough). */
int nd_spinning(long cpu0_us, long cpu1_us, long window_ms);

/* A condition that must hold, unchanged (same key), for a while before it
 * is a finding: the lost-wakeup state (key: the daemon's sleep count), the
 * lost request (key: the CPU), quiescence (key: the state signature). */
struct nd_hold {
    uint64_t since; /* 0: not holding */
    uint64_t key;
    uint64_t last;  /* the poll that last saw the condition */
};
/* A hold counts only while the polls that see it are close: at most
 * max(need / 4, ND_HOLD_GAP_MIN_NS) apart, else it starts again. */
#define ND_HOLD_GAP_MIN_NS 10000000ull
enum nd_hold_step {
    ND_HOLD_OFF,     /* the condition is false: the window is closed */
    ND_HOLD_STARTED, /* true since now (new, or its key changed) */
    ND_HOLD_WAITING, /* true, for less than need_ns */
    ND_HOLD_HELD,    /* true with the same key for need_ns or more */
};
enum nd_hold_step nd_hold_step(struct nd_hold *h, int cond, uint64_t key, uint64_t now, uint64_t need_ns);

/* One waiting CPU's stale-read window: opened when its flag in memory first
 * differs from the value it waits on (for this access, idx = its done
 * count), closed when they agree again. */
struct nd_wait {
    uint64_t since;        /* start of the current evidence window, 0: none */
    uint64_t first_change; /* first poll that saw this answer (latency) */
    uint64_t idx;
};
enum nd_wait_step {
    ND_WAIT_NONE,    /* the flag still holds the awaited value: no answer yet */
    ND_WAIT_OPENED,  /* the answer was just seen: measure CPU time from now */
    ND_WAIT_WAITING, /* the answer is there, for less than hang_ns */
    ND_WAIT_JUDGE,   /* the answer has been there for hang_ns: is it spinning? */
};
enum nd_wait_step nd_wait_step(struct nd_wait *w, uint64_t flag_before, uint64_t flag_mem,
                               uint64_t done, uint64_t now, uint64_t hang_ns);

/* What a CPU spinning on a changed flag is, from the loop at its sampled PC
 * (reloads: 1 re-reads memory, 0 register-only, -1 unknown) and how many of
 * its requests are still in the ring. */
enum nd_waiter {
    ND_STALE_READ,    /* HANG_STALE_READ: it does not re-read (or no loop confirms it does) */
    ND_MISSED_ANSWER, /* it re-reads, and nothing of its own is left to answer */
    ND_REREADS,       /* it re-reads and still has requests queued: cause unknown (TIMEOUT) */
};
enum nd_waiter nd_classify_waiter(int reloads, unsigned queued_requests);

/* Why a stale read's loop cannot end (has_exit: 0 none, 1 yes, -1 unknown). */
enum nd_stale_cause {
    ND_NO_EXIT,     /* the loop has no exit branch: the comparison was folded away */
    ND_HOISTED,     /* a register-only loop: the load was hoisted */
    ND_UNCONFIRMED, /* no loop found at the PC: hoisting likely, not proven */
};
enum nd_stale_cause nd_stale_cause(int reloads, int has_exit);

/* A WRONG_VALUE whose low `size` bytes are right: only bytes beyond the
 * access differ (a handler returning a daemon's 8-byte load unmasked). */
int nd_only_high_bytes_wrong(uint64_t got, uint64_t want, uint32_t size);

/* DAEMON_STALLED: the window work must wait unchanged (hang_ns, or four
 * times the longest configured backend delay, whichever is longer) ... */
uint64_t nd_stall_window(uint64_t hang_ns, uint64_t backend_delay_max_ns);
/* ... and the verdict after held_ns of it, from the CPU time the thread
 * that should move things used (-1 unknown) and its scheduler state. */
enum nd_stall {
    ND_STALL_NONE,    /* not (yet) evidence */
    ND_STALL_RESTART, /* stopped or descheduled: no evidence of its own; restart the window */
    ND_STALL_BUSY,    /* it kept running and served nothing */
    ND_STALL_BLOCKED, /* it stayed blocked (S/D) for two windows */
};
enum nd_stall nd_stall_judge(uint64_t held_ns, uint64_t win_ns, long used_us, char sched_state);

/* TIMEOUT ("no progress, cause unknown") must not pre-empt a cause being
 * established: it waits at least three hang thresholds, and twice as long
 * while some waiter's stale-read window is open. */
uint64_t nd_timeout_ns(unsigned timeout_ms, uint64_t hang_ns, int window_open);
/* How long everything must stay settled before an all-done run is judged
 * (unless the daemon sleeps): the hang threshold, at least 20 ms. */
uint64_t nd_quiet_ns(uint64_t hang_ns);

#endif
