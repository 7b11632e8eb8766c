/* sim/engine/native/native_text.h — the native watchdog's findings in words:
 * each function fills a run_result's verdict, summary, text (and invariant)
 * from facts the watchdog established (native_detect.h decided, native.c
 * observed).  No decisions here beyond which sentence fits. */
#ifndef HVSIM_NATIVE_TEXT_H
#define HVSIM_NATIVE_TEXT_H

#include "native_detect.h"
#include "verdict/oracle.h"
#include "verdict/result.h"

/* A CPU that waits on a flag which changed. */
struct nt_waiter {
    unsigned cpu;
    uint64_t before, mem;    /* the value it waits to see change; the flag in memory */
    long used_ms, window_ms; /* CPU time it burnt in the window, and the window */
    double seen_ms;          /* the answer first seen, this long after the trap */
    const char *loop_at;     /* "file:line" of the loop at its PC, "" unknown */
    unsigned queued;         /* its requests still in the ring */
    const char *state_words; /* oracle_state_words() */
};

/* A finding of the protocol oracle as the run's result (verdict included). */
void nt_finding(struct run_result *r, const struct oracle_finding *f);
/* WRONG_VALUE: cpu read addr (size bytes) and got got instead of want. */
void nt_wrong_value(struct run_result *r, unsigned cpu, uint64_t addr, uint32_t size, uint64_t got,
                    uint64_t want);
/* HANG_STALE_READ on access #idx (a) of w->cpu; npcs PC samples are in r. */
void nt_stale_read(struct run_result *r, const struct nt_waiter *w, enum nd_stale_cause why,
                   uint64_t idx, const struct hvsim_access *a);
/* MISSED_ANSWER: the loop re-reads and nothing of the CPU is left to answer. */
void nt_missed_answer(struct run_result *r, const struct nt_waiter *w);
/* TIMEOUT: the loop re-reads and the CPU still has requests queued. */
void nt_rereads_timeout(struct run_result *r, const struct nt_waiter *w);
/* DAEMON_STALLED: how (busy or blocked) the thread that should move things
 * was (the hypervisor's FINISH_REQ thread when on_hc, else the daemon),
 * where it was sampled, its CPU time (-1 unknown) and scheduler state; wcpu
 * a CPU waiting for its answer or -1. */
void nt_daemon_stalled(struct run_result *r, const struct oracle_snap *snap, int wcpu, int on_hc,
                       enum nd_stall how, const char *where, long used_us, long window_ms, char st);
/* TIMEOUT with no cause; which participants are stopped (SIGSTOP). */
void nt_timeout(struct run_result *r, unsigned timeout_ms, int hv_stopped, int be_stopped,
                const char *state_words);

#endif
