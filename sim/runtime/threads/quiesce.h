/* sim/runtime/threads/quiesce.h — quiescence, judged inside the threads binary
 * while every participant is alive: nobody can move and work is pending.
 *
 * The threads engine's main thread calls thr_quiesce_poll() on every watch
 * tick.  It answers 1 once this has held, unchanged, for the window:
 *   - the daemon is asleep in the kernel-module shim (hvsim_daemon_sleep);
 *   - the request ring is not empty (req_front != req_rear);
 *   - no wakeup is in flight: every IPI sent was consumed;
 *   - no FINISH_REQ hypercall is in flight (hc_sent == hc_done);
 *   - every CPU has finished, or sits in the handler on an access that waits
 *     for an answer (not a queue notify, which returns at once).
 * "Unchanged" covers every counter that moves when anyone makes progress,
 * so a CPU still on its way to the push (a delay before it) resets the
 * window rather than being taken for blocked.  And every waiting CPU must
 * have run during the window (its thread's CPU time grew by at least 5 ms):
 * a thread the machine did not schedule — a loaded host, valgrind's one
 * thread at a time — may be just before its IPI, and is no evidence; its
 * window starts again.  A CPU that spins in its wait loop runs.  CPU time
 * is no proof on a machine whose virtual CPUs the host stops: the thread on
 * a stopped vCPU is charged the time it did not run (util/vstall.h).  So a
 * window any of hvsim's stall probes saw a stall in starts again too (the
 * table hvsim passes with --stalls; without it, no such check).
 * The bridge is read through the harness's own read-only mapping, so a race
 * detector sees no access of the harness (rt.h).
 */
#ifndef HVSIM_THREADS_QUIESCE_H
#define HVSIM_THREADS_QUIESCE_H

#include "runtime/common/control.h"
#include "runtime/common/stall_table.h"
#include <stdio.h>

struct thr_quiesce_state {
    uint32_t daemon_state, req_front, req_rear, need_wakeup;
    uint32_t ipi_sent, ipi_consumed, ipi_dropped, hc_sent, hc_done;
    uint64_t daemon_sleeps, daemon_wakes;
    uint32_t cpu_state[HVSIM_CPUS];
    uint64_t cpu_cur[HVSIM_CPUS], cpu_done[HVSIM_CPUS];
};

/* CPU time of thread tid in ns, -1 unknown (a test replaces it). */
typedef int64_t (*thr_cpu_time_fn)(int tid);

struct thr_quiesce {
    uint64_t window_ns;
    uint64_t since_ns;            /* 0: the condition does not hold */
    struct thr_quiesce_state s;   /* the state that has held since since_ns */
    int64_t cpu_ns0[HVSIM_CPUS];  /* each waiting CPU's CPU time at since_ns */
    thr_cpu_time_fn cpu_time;
    const struct vstall_table *stalls; /* hvsim's stall probes, or NULL */
    uint64_t stall_restarts;      /* windows a host stall made start again */
};

#define THR_QUIESCE_RAN_NS 5000000ll /* CPU time a waiter must use in the window */

void thr_quiesce_init(struct thr_quiesce *q, uint64_t window_ns);
/* The default CPU-time reader: /proc/self/task/TID/schedstat. */
int64_t thr_thread_cpu_ns(int tid);
/* 1 when quiescent for the window, 0 otherwise. */
int thr_quiesce_poll(struct thr_quiesce *q, const struct hvsim_ctl *ctl, const struct virtio_bridge *view,
                     unsigned ncpus, uint64_t now_ns);
/* One line for the log: what was seen, in field names. */
void thr_quiesce_print(const struct thr_quiesce *q, FILE *f);

#endif
