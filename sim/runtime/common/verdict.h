/* sim/runtime/common/verdict.h — the verdict codes, shared by hvsim and the
 * participants: the det runtime ends an execution with one (det_end), the
 * supervisor judges, names and reports them (sim/config/runcfg.h declares
 * verdict_name/verdict_parse).  Only the enum lives here, so participant code
 * needs nothing of hvsim's configuration.  The numbers are part of the
 * det region's contract: append, never reorder. */
#ifndef HVSIM_RUNTIME_VERDICT_H
#define HVSIM_RUNTIME_VERDICT_H

enum hvsim_verdict {
    V_PASS = 0,
    V_HANG_STALE_READ,
    V_WRONG_VALUE,
    V_LOST_WAKEUP,
    V_CRASH,
    V_TIMEOUT,
    V_DEADLOCK,
    V_LIVELOCK,
    V_DATA_RACE,
    V_BUILD_ERROR,
    /* protocol oracle (sim/verdict): appended, so the numbers above stay */
    V_LOST_COMPLETION,   /* a queue notify never got its completion (lost or overwritten) */
    V_MISSING_IRQ,       /* a completion was consumed (or left pending) without its guest IRQ */
    V_PROTOCOL_VIOLATION,/* another handshake invariant broke (a stray answer, a bad entry) */
    V_MISSED_ANSWER,     /* a waiter waits for a change that happened before it sampled the flag */
    V_DAEMON_STALLED,    /* requests wait, the daemon runs but does not serve them */
    V_ASSERTION,         /* the user's HVSIM_ASSERT failed (file:line) */
    V__COUNT
};

#endif
