/* sim/runtime/det/det_rt.h — what det_runtime.c (and its parts, see
 * det_rt_int.h) offers the participant mains and det_platform.c (all
 * compiled uninstrumented, linked into the participants). */
#ifndef HVSIM_DET_RT_H
#define HVSIM_DET_RT_H

#include "det_shm.h"
#include "runtime/common/verdict.h"

extern struct det_shm *det_S;
extern uint8_t *det_M;
extern __thread int det_self;

/* Map the region (argv: --fd N), fill g_region/g_bridge/g_ctl. Exits 3 on failure. */
void det_attach(int argc, char **argv, const char *who);
/* This OS thread is participant idx (in process proc: 0 hv, 1 backend). */
void det_register(int idx, int proc);
/* Idle loop: wait for the next execution; -1 when the participants must exit. */
int det_begin(void);
/* Wait for the token at the start of an execution; -1 if it ended meanwhile. */
int det_first(void);
/* A scheduling point (platform call): capture, decide, maybe switch.
 * Returns -1 when the execution has ended (the caller unwinds). */
int det_point(int kind, uint32_t arg, uint64_t val);
/* Block (sleep / hypercall wait) until det_enable'd and chosen; -1 on stop. */
int det_block(int why);
void det_enable(int t);
/* Drain the caller's store buffer (a kernel entry serialises). */
void det_drain_self(void);
/* The thread's body returned. */
void det_thread_done(void);
/* End the execution with a verdict found by the participant itself. */
void det_end(int verdict, int tid, uint64_t a, uint64_t b, const char *why);
/* Record a free-form event (no scheduling). */
void det_event(int kind, uint32_t arg, uint64_t val);
/* A wait for time (nanosleep, poll with a timeout): a scheduling point that
 * advances the simulated clock by ns; repeated with nothing else changing,
 * the caller becomes a spinner.  -1 when det does not schedule the caller
 * (then the caller makes the real system call). */
int det_wait_time(uint64_t ns, uint64_t pc);
/* Read bridge bytes as the caller sees them (M). */
uint64_t det_peek(uint32_t off, uint32_t size);


/* ---- threads of the code under test (det_threads.c) ---- */
/* det_point with the access site given (a wrapper passes its caller's);
 * kind < 0: no event, no progress. */
int det_point_pc(int kind, uint32_t arg, uint64_t val, uint64_t pc);
/* det_event with the access site given. */
void det_event_pc(int kind, uint32_t arg, uint64_t val, uint64_t pc);
/* A wait on / a change of a pthread object, for the spinner rule. */
void det_sync_read(const void *obj, uint64_t val);
void det_sync_write(const void *obj);
/* det_enable every thread blocked for 'why' (the daemon or a thread of its own
 * sleeping on the shim, or waiting for FINISH_REQ). */
void det_enable_blocked(int why);

#endif
