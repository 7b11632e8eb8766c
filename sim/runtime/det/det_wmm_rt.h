/* sim/runtime/det/det_wmm_rt.h — the arm/riscv models (det_wmm.h) in the
 * participant runtime: its access paths (det_access.c, det_atomics.c,
 * det_storebuf.c) call these when S->model is DM_ARM or DM_RISCV, always
 * holding the token. */
#ifndef HVSIM_DET_WMM_RT_H
#define HVSIM_DET_WMM_RT_H

#include <stdint.h>

/* A value choice (which message a load reads, which buffered store commits):
 * logged and replayed like the other decisions; opts bit i = option i;
 * returns the option taken (default: the lowest). */
int det_wmm_choose(uint64_t opts);
/* Before a plain (mo -1) or atomic load of [off, off+n) executes: M gets the
 * chosen message for every granule it touches. */
void det_wmm_load(uint32_t off, uint32_t n, int mo);
/* After the load's event: its acquire (a strong mapping's fence commits). */
void det_wmm_load_done(int mo);
/* A store of order mo (-1 plain) that executed: into the buffer. */
void det_wmm_store(uint32_t off, const uint8_t *v, uint32_t n, int mo);
void det_wmm_fence(int mo);
/* An RMW: before it (commits, M = the newest value), its write, or its failure (CAS). */
void det_wmm_rmw_pre(uint32_t off, uint32_t n, int mo);
void det_wmm_rmw_write(uint32_t off, const uint8_t *v, uint32_t n, int mo);
void det_wmm_rmw_fail(int mo);
/* Commit one entry of t's buffer: the oldest, or (choose) any that may commit now. */
void det_wmm_drain(int t, int choose);
/* Put back the bytes of M a stale load set (M = G + own stores again). */
void det_wmm_settle(void);
/* A kernel entry, a private atomic, a wakeup: drain, then see everything committed. */
void det_wmm_sync(void);

/* The message the last load read (det_event.pkey of a bridge load under
 * arm/riscv): its timestamp + 1, or 0 when not known. */
uint32_t det_wmm_read_key(void);
/* DET_RF_* of the last load. */
uint8_t det_wmm_read_flags(void);

/* The view an event of thread t records (det_event.view): what it raised
 * t's vrnew to since t's last event.  Called when the event is traced. */
uint32_t det_wmm_ev_view(int t);

/* det_storebuf.c: a write of thread t landed in global memory (spinners
 * reading it wake, the drain is counted and traced); ts: its timestamp. */
void det_rt_landed(int t, uint32_t off, uint32_t n, uint64_t val, uint32_t mark, uint32_t ts, int silent);

#endif
