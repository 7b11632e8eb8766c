/* sim/engine/native/native_stall.h — evidence that the daemon side stopped serving:
 * what counts as its progress, whether work waits for it, and where its
 * thread is (sampled PC → function, file:line).  Used by the native
 * watchdog (native.c) for DAEMON_STALLED. */
#ifndef HVSIM_NATIVE_STALL_H
#define HVSIM_NATIVE_STALL_H

#include <sys/types.h>
#include "verdict/result.h"
#include "verdict/oracle.h"

/* Everything the daemon changes when it serves: req_front, the flags, the
 * result ring, hypercalls, sleeps.  Equal signatures = no daemon progress. */
uint64_t stall_signature(const struct oracle_snap *s);
/* Work waits for the daemon: the request ring is not empty, or a CPU waits
 * for an answer its flag does not show yet.  *cpu: such a CPU or -1. */
int stall_work_waiting(const struct oracle_snap *s, int *cpu);
/* Scheduler state of one thread ('R', 'S', 'D', 'T', ...; '?' unknown). */
char thread_sched_state(pid_t pid, pid_t tid);
/* SIGSTOP pid and wait (up to ms) until every thread of it has stopped:
 * 1 stopped, 0 not within ms (still SIGSTOP'ed: SIGCONT it), -1 gone. */
int native_stop_and_wait(pid_t pid, unsigned ms);
/* Sample a live native thread's PC a few times; the last sample, symbolised,
 * as "function() at file:line" in where (tree-relative paths), the samples
 * into r->pcs/pc_where and r->function/file/line.  Returns 0 when symbolised. */
int stall_sample_where(pid_t pid, pid_t tid, struct run_result *r, char *where, size_t n);

#endif
