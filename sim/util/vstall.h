/* sim/util/vstall.h — stalls of this machine's CPUs that no thread on them
 * can see: a virtual CPU the host does not run (a CPU quota, an overloaded
 * host).  The guest kernel still charges the wall time to the thread that
 * was on that CPU, so a thread that did not execute one instruction for
 * 100 ms shows 100 ms of CPU time — and CPU time is what the native and det
 * watchdogs take as proof that a waiter spins.  Measured here (2 vCPUs,
 * Firecracker, no steal time in /proc/stat): ~100 ms stalls several times a
 * second under full load; a CPU thread that read its flag, then sat on a
 * stalled vCPU while the answer came, was called MISSED_ANSWER on correct
 * code.
 *
 * One probe thread per CPU the process may use, pinned to it, SCHED_FIFO
 * priority 1 when allowed (then only the host can make it late: it
 * preempts every normal thread on its CPU), else the highest nice it may
 * have; it sleeps VSTALL_TICK_NS at a time and notes when it woke and
 * when it woke late.  The watchdogs ask whether a window overlaps a stall
 * and start the window again if so: a stall delays a verdict, never makes
 * one. */
#ifndef HVSIM_VSTALL_H
#define HVSIM_VSTALL_H

#include <stdint.h>
#include "runtime/common/stall_table.h"

/* Start the probes once per process (later calls do nothing).  0, or -1
 * when no probe could start (then vstall_overlaps() says 0: no evidence). */
int vstall_start(void);
/* 1 when some CPU stalled at any time in [since_ns, now_ns] (CLOCK_MONOTONIC),
 * or is stalled now (its probe is overdue). */
int vstall_overlaps(uint64_t since_ns, uint64_t now_ns);
/* Stalls seen since vstall_start (for reports and tests). */
uint64_t vstall_count(void);
/* A path another process of this machine can open read-only and map to see
 * the same table (struct vstall_table), while this process lives; NULL when
 * the table is not shared (no probes, or no memfd). */
const char *vstall_path(void);
/* Whether the probes run at real-time priority (host stalls only) or not
 * (load on this machine makes them late too: verdicts wait longer). */
int vstall_realtime(void);

#endif
