/* sim/verdict/oracle.h — the protocol oracle: the handshake's invariants,
 * judged on a snapshot of counters and the bridge page.  Pure: no processes,
 * no I/O, no clocks (times come in the snapshot), so every engine can call it
 * and the unit tests feed it hand-made snapshots.
 *
 * Invariants (each finding names one, with the CPU and the entry):
 *   - every guest access gets exactly one answer (no flag change while the
 *     CPU has no access in the handler) with the right value (WRONG_VALUE is
 *     judged where the value is seen, sim/runtime/common/guest.c);
 *   - every QUEUE_NOTIFY to a device gets exactly one completion, and the
 *     FINISH_REQ call that consumes it injects its (cpu, irq) at least once
 *     (coalescing allowed);
 *   - no result entry is lost or overwritten before it is consumed (counted:
 *     completions consumed vs notifies issued, per CPU) and none is consumed
 *     that was never pushed;
 *   - at quiescence nobody sleeps with work pending (lost wakeup, judged
 *     before "all CPUs done");
 *   - the daemon makes progress while requests wait (the engines judge that
 *     over time; oracle_state_words() puts their evidence into words).
 * The counters are kept by harness code (sim/runtime/common/oracle_count.h).
 */
#ifndef HVSIM_ORACLE_H
#define HVSIM_ORACLE_H

#include <stddef.h>
#include <stdint.h>
#include "config/runcfg.h"
#include "hvsim/bridge.h"
#include "runtime/common/control.h"

struct oracle_cpu {
    uint32_t state;           /* enum hvsim_cpu_state */
    uint64_t done, total;     /* accesses completed / in the workload (repeats counted) */
    uint64_t cur;             /* index of the access in progress */
    int cur_sync;             /* it waits for an answer */
    int cur_write;
    uint64_t cur_addr;
    uint64_t flag_before;     /* cfg_flags[cpu] before the trap */
    uint64_t flag_now;        /* cfg_flags[cpu] in memory */
    uint64_t notifies, syncs, completions, irq_missing, irqs;
    uint64_t stray_answers, stray_from, stray_to, stray_access;
    uint64_t enter_ns, ret_ns;
    uint32_t last_ipi;        /* 0 none, 1 sent, 2 sent and dropped by fault injection */
};

struct oracle_snap {
    unsigned ncpus;
    uint64_t now_ns;
    struct oracle_cpu cpu[HVSIM_CPUS];
    uint32_t req_front, req_rear, res_front, res_rear;
    uint32_t need_wakeup;
    struct device_req req[HVSIM_MAX_REQ];
    struct device_res res[HVSIM_MAX_REQ];
    uint32_t daemon_state;
    uint64_t daemon_sleeps, daemon_wakes;
    unsigned ndevices;
    struct hvsim_device dev[HVSIM_DEVS];  /* which QUEUE_NOTIFY entries owe a completion */
    uint32_t ipi_sent, ipi_consumed, ipi_dropped, ipi_drop_every;
    uint32_t hc_sent, hc_done;
    uint64_t fin_calls, fin_consumed, fin_foreign, fin_overread, fin_missing;
    uint64_t miss_call;
    uint32_t miss_slot, miss_zone, miss_irq, miss_ninj;
    uint32_t miss_to;       /* the CPU that irq had to reach (scenario irq-cpu) */
    uint64_t sleep_ns;        /* 0: the daemon never slept */
    uint32_t sleep_front, sleep_rear, sleep_need_wakeup;
    int assert_set;
    int assert_line, assert_who, assert_cpu;
    char assert_file[160], assert_func[64], assert_msg[200];
};

struct oracle_finding {
    enum hvsim_verdict verdict;  /* V_PASS: no violation */
    int cpu;                     /* CPU concerned, -1 none */
    char invariant[96];          /* the invariant, in words */
    char summary[600];           /* one line */
    char text[2048];             /* the evidence in words */
    char file[160], func[64];    /* where (assertions) */
    int line;
};

/* Copy what the oracle judges out of the control area and the bridge
 * (atomic loads; no I/O).  now_ns: the caller's CLOCK_MONOTONIC. */
void oracle_snap_take(struct oracle_snap *s, const struct hvsim_ctl *ctl,
                      const struct virtio_bridge *b, uint64_t now_ns);

/* Invariants that can be judged at any instant: a failed HVSIM_ASSERT, an
 * answer nobody waited for, a completion consumed without its interrupt, a
 * result entry consumed that was never pushed.  Returns f->verdict. */
enum hvsim_verdict oracle_check_step(const struct oracle_snap *s, struct oracle_finding *f);

/* Everything settled: every CPU done, request ring empty, no FINISH_REQ in
 * flight.  Then oracle_check_final() may judge the whole run. */
int oracle_quiescent(const struct oracle_snap *s);

/* The end of a run: the step invariants, then a lost wakeup, then every
 * notify's completion and interrupt.  Returns f->verdict (V_PASS when all
 * hold; f->summary/text then describe the run). */
enum hvsim_verdict oracle_check_final(const struct oracle_snap *s, struct oracle_finding *f);

/* A CPU waits for an answer the daemon can never give: its flag has not
 * moved, the request ring is empty, the daemon sleeps with no IPI or
 * FINISH_REQ in flight.  Its request never reached the daemon.  Returns the
 * CPU, or -1.  (An engine holds this for its hang window before judging.) */
int oracle_request_lost(const struct oracle_snap *s);
/* PROTOCOL_VIOLATION for that CPU, in words. */
void oracle_explain_request_lost(const struct oracle_snap *s, int cpu, struct oracle_finding *f);

/* May the daemon hold a request it took from the ring and has not finished
 * (a worker thread serving it while the main thread sleeps)?  Judged on a
 * snapshot taken while the daemon is stopped, so what it holds cannot
 * change: a CPU waits for an answer (its flag has not moved) and none of
 * its config requests is in the ring, or a CPU's device notifies outnumber
 * its completions consumed, pending in res_list and still in the ring.
 * Conservative: a request counted but not yet pushed looks held too.
 * Returns such a CPU, or -1 (nothing held: killing the daemon loses
 * nothing). */
int oracle_daemon_holds(const struct oracle_snap *s);

/* The daemon sleeps with requests in the ring and no IPI in flight. */
int oracle_sleeps_with_work(const struct oracle_snap *s);
/* LOST_WAKEUP in words from what was observed: the IPI counters, need_wakeup
 * now and when the daemon committed to sleep, the ring then and now, the CPU
 * whose request waits and whether its access sent an IPI, and which causes
 * that evidence leaves open (injected fault, a wakeup never sent, store→load
 * reordering or a program-order race — "cannot tell apart" when it cannot). */
void oracle_explain_lost_wakeup(const struct oracle_snap *s, struct oracle_finding *f);

/* Every state number in words: daemon state, both rings, IPIs, FINISH_REQ
 * calls, each CPU's state and flag. */
void oracle_state_words(const struct oracle_snap *s, char *buf, size_t n);

#endif
