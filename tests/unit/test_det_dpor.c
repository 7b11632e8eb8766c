/* tests/unit/test_det_dpor.c — source-DPOR bookkeeping (det_dpor.c and
 * det_dfs_dpor in det_sched.c) on hand-made logs and traces, no processes:
 * which events are dependent, which decisions race, what each race adds to
 * the backtrack set (the initials of source-DPOR, the fallback to every
 * option), and how the dfs stack explores it within a bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/det/det.h"

#define PRIV 0xffffffffu

static struct det_event ev_(uint32_t step, int tid, int kind, uint32_t off, uint32_t size, int mo,
                            uint64_t val)
{
    struct det_event e;
    memset(&e, 0, sizeof e);
    e.step = step;
    e.tid = (uint8_t)tid;
    e.kind = (uint8_t)kind;
    e.off = off;
    e.size = (uint8_t)size;
    e.mo = (uint8_t)mo;
    e.val = val;
    e.pc = 0x400; /* one instruction: a read again is a loop's turn (det_fp_reread) */
    return e;
}
#define EV(tid, kind, off) ev_(0, tid, kind, off, 4, 0, 0)

/* The races of an arm trace, with the rule that env var names turned off
 * when off (each rule's test measures it against the search without it). */
static void arm_races_with_rule_off(const char *env, int off, const struct det_logent *log, uint32_t nlog,
                                    const struct det_event *ev, uint32_t nev, uint64_t *bt)
{
    if (off)
        setenv(env, "1", 1);
    det_dpor_races(log, nlog, ev, nev, DM_ARM, bt);
    unsetenv(env);
}

static struct det_logent run(uint64_t opts, int chosen, int cur)
{
    struct det_logent l = { .opts = opts, .chosen = (uint8_t)chosen, .cur = (uint8_t)cur,
                            .cur_cand = (uint8_t)(opts >> cur & 1), .kind = 0 };
    return l;
}

static void dependence(void **st)
{
    (void)st;
    struct det_event w0 = EV(0, EV_WRITE, 16), r1 = EV(1, EV_READ, 16), r0 = EV(0, EV_READ, 16);
    assert_true(det_dpor_dependent(&w0, &r1, 0));    /* same location, one writes */
    struct det_event r1b = EV(1, EV_READ, 16);
    struct det_event r2 = EV(2, EV_VREAD, 16);
    assert_false(det_dpor_dependent(&r1b, &r2, 0));  /* two reads commute */
    struct det_event w1y = EV(1, EV_WRITE, 64);
    assert_false(det_dpor_dependent(&w0, &w1y, 0));  /* other locations */
    struct det_event w1n = EV(1, EV_WRITE, 20);      /* same 8-byte granule, other bytes */
    assert_false(det_dpor_dependent(&w0, &w1n, 0));  /* sc/tso: bytes are locations */
    assert_true(det_dpor_dependent(&w0, &w1n, 1));   /* arm/riscv: the granule is one location */
    struct det_event d0 = EV(0, EV_DRAIN, 64);
    /* a thread and its own buffer: a load elsewhere commutes with the drain
     * (det_fp_orders_own_buffer), a store joining the buffer or a fence does not */
    assert_false(det_dpor_dependent(&r0, &d0, 0));
    struct det_event s0 = ev_(0, 0, EV_WRITE, 32, 4, DET_EV_BUFFERED, 0), f0 = EV(0, EV_FENCE, 0);
    assert_true(det_dpor_dependent(&s0, &d0, 0));
    assert_true(det_dpor_dependent(&f0, &d0, 0));
    struct det_event d1 = EV(1, EV_DRAIN, 16);
    assert_true(det_dpor_dependent(&r0, &d1, 0));    /* a drain is a write */
    /* platform calls among themselves; bookkeeping events with nothing */
    struct det_event ipi = EV(0, EV_IPI, 0), slp = EV(1, EV_SLEEP, 0), acc = EV(2, EV_ACCESS, 0);
    assert_true(det_dpor_dependent(&ipi, &slp, 0));
    assert_false(det_dpor_dependent(&ipi, &acc, 0));
    struct det_event dly = EV(1, EV_DELAY, 3);       /* a delay point only schedules */
    assert_false(det_dpor_dependent(&ipi, &dly, 0));
    assert_false(det_dpor_dependent(&w1y, &acc, 0));
    /* private memory (address not traced): a write meets every private access */
    struct det_event pw = EV(0, EV_ASTORE, PRIV), pr = EV(1, EV_ALOAD, PRIV), pr2 = EV(2, EV_ALOAD, PRIV);
    assert_true(det_dpor_dependent(&pw, &pr, 0));
    assert_false(det_dpor_dependent(&pr, &pr2, 0));
    /* arm/riscv: an acquire load or a fence sees the commit order of any write */
    struct det_event acq = ev_(0, 1, EV_ALOAD, 200, 4, 2, 0), f = EV(1, EV_FENCE, 0);
    assert_false(det_dpor_dependent(&acq, &w0, 0));
    assert_true(det_dpor_dependent(&acq, &w0, 1));
    assert_true(det_dpor_dependent(&f, &d0, 1));
    assert_false(det_dpor_dependent(&f, &d0, 0));
    /* pthread objects: the same one, or thread creation/join with anything */
    struct det_event l1 = ev_(0, 0, EV_SYNC, SY_LOCK, 0, 0, 1), u1 = ev_(0, 1, EV_SYNC, SY_UNLOCK, 0, 0, 1);
    struct det_event l2 = ev_(0, 1, EV_SYNC, SY_LOCK, 0, 0, 2), cr = ev_(0, 1, EV_SYNC, SY_CREATE, 0, 0, 5);
    assert_true(det_dpor_dependent(&l1, &u1, 0));
    assert_false(det_dpor_dependent(&l1, &l2, 0));
    assert_true(det_dpor_dependent(&cr, &acc, 0));
    /* what cannot be classified is dependent */
    struct det_event unk = EV(1, 200, 0), unk2 = EV(1, EV_READ, 0xfffffff0u);
    assert_true(det_dpor_dependent(&unk, &acc, 0));
    assert_true(det_dpor_dependent(&unk2, &r2, 0));
}

/* t0 writes x, then t1 accesses x (or y): decision 0 chose t0 with t1 able to run. */
static int two_writers(uint32_t off1, int kind1, uint64_t *bt)
{
    struct det_logent log[2] = { run(3, 0, 0), run(2, 1, 0) };
    struct det_event ev[2] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, kind1, off1, 4, 0, 0) };
    bt[0] = 1;
    bt[1] = 2;
    return det_dpor_races(log, 2, ev, 2, 0, bt);
}

static void race_adds_the_other_thread(void **st)
{
    (void)st;
    uint64_t bt[2];
    assert_int_equal(two_writers(16, EV_WRITE, bt), 1);
    assert_int_equal(bt[0], 3); /* t1 first must be tried */
    assert_int_equal(bt[1], 2);
    assert_int_equal(two_writers(16, EV_READ, bt), 1);
    assert_int_equal(bt[0], 3);
    /* independent: nothing to reverse */
    assert_int_equal(two_writers(64, EV_WRITE, bt), 0);
    assert_int_equal(bt[0], 1);
    assert_int_equal(two_writers(24, EV_READ, bt), 0);
    assert_int_equal(bt[0], 1);
}

static void race_already_covered_adds_nothing(void **st)
{
    (void)st;
    uint64_t bt[2];
    struct det_logent log[2] = { run(3, 0, 0), run(2, 1, 0) };
    struct det_event ev[2] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, EV_WRITE, 16, 4, 0, 0) };
    bt[0] = 3; /* t1 already scheduled there */
    bt[1] = 2;
    assert_int_equal(det_dpor_races(log, 2, ev, 2, 0, bt), 1);
    assert_int_equal(bt[0], 3);
}

/* The racing thread could not run at the earlier decision (blocked, or a
 * spinner): every option there is explored, as classic DPOR does. */
static void race_with_a_thread_not_runnable_adds_all(void **st)
{
    (void)st;
    struct det_logent log[2] = { run(1 | 4 | (1ull << (DET_ACT_DRAIN + 0)), 0, 0), run(2 | 4, 1, 0) };
    struct det_event ev[2] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, EV_READ, 16, 4, 0, 0) };
    uint64_t bt[2] = { 1, 2 };
    assert_int_equal(det_dpor_races(log, 2, ev, 2, 0, bt), 1);
    assert_int_equal(bt[0], log[0].opts);
}

/* A chain t0 -> t1 -> t1: the second t1 transition is ordered after t0 by
 * the first, so only one race. */
static void happens_before_hides_later_races(void **st)
{
    (void)st;
    struct det_logent log[3] = { run(3, 0, 0), run(2, 1, 0), run(2, 1, 1) };
    struct det_event ev[3] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, EV_READ, 16, 4, 0, 0),
                               ev_(3, 1, EV_READ, 16, 4, 0, 0) };
    uint64_t bt[3] = { 1, 2, 2 };
    assert_int_equal(det_dpor_races(log, 3, ev, 3, 0, bt), 1);
    assert_int_equal(bt[0], 3);
}

/* Source-DPOR's initials: t0 writes x, t1 writes y, t2 reads y then x.
 * To reverse t0/t2 on x, t2's read of y must still follow t1's write: the
 * sequence to run first starts with t1, so t1 (not t2) joins decision 0. */
static void initials_not_the_racing_thread(void **st)
{
    (void)st;
    struct det_logent log[3] = { run(7, 0, 0), run(6, 1, 0), run(4, 2, 1) };
    struct det_event ev[4] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, EV_WRITE, 64, 4, 0, 0),
                               ev_(3, 2, EV_READ, 64, 4, 0, 0), ev_(3, 2, EV_READ, 16, 4, 0, 0) };
    uint64_t bt[3] = { 1, 2, 4 };
    assert_int_equal(det_dpor_races(log, 3, ev, 4, 0, bt), 2);
    assert_int_equal(bt[0], 1 | 2);  /* t1 */
    assert_int_equal(bt[1], 2 | 4);  /* t2 before t1's write of y */
    assert_int_equal(bt[2], 4);
}

/* Of the initials, one the racing step needs comes first: t0 writes x, t1
 * writes z (a bystander: it meets nothing), t2 reads x.  Both t1 and t2
 * begin the sequence that reverses t0/t2; t1 taken first only starts a
 * subtree that shows again what this execution shows (arm verify_2x1 at
 * bound 8: 12,866 executions with it, 4,326 without).  t2 joins decision 0. */
static void initials_the_race_needs_come_first(void **st)
{
    (void)st;
    struct det_logent log[3] = { run(7, 0, 0), run(6, 1, 0), run(4, 2, 1) };
    struct det_event ev[3] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, EV_WRITE, 64, 4, 0, 0),
                               ev_(3, 2, EV_READ, 16, 4, 0, 0) };
    uint64_t bt[3] = { 1, 2, 4 };
    assert_int_equal(det_dpor_races(log, 3, ev, 3, 0, bt), 1);
    assert_int_equal(bt[0], 1 | 4); /* t2, not the bystander t1 */
    assert_int_equal(bt[1], 2);
}

/* Value choices (arm/riscv) are not transitions: the events after one
 * belong to the run decision before it, and its backtrack set is untouched. */
static void value_choices_stay_out(void **st)
{
    (void)st;
    struct det_logent vc = { .opts = 3, .chosen = DET_ACT_CHOICE, .kind = 1 };
    struct det_logent log[3] = { run(3, 0, 0), vc, run(2, 1, 0) };
    struct det_event ev[2] = { ev_(2, 0, EV_WRITE, 16, 4, 0, 0), ev_(3, 1, EV_READ, 16, 4, 0, 0) };
    uint64_t bt[3] = { 1, 3, 2 };
    assert_int_equal(det_dpor_races(log, 3, ev, 2, DM_ARM, bt), 1);
    assert_int_equal(bt[0], 3);
    assert_int_equal(bt[1], 3);
}

/* The dfs stack with dpor: an execution without races is the only one;
 * plain dfs runs the other order too. */
static void dfs_with_and_without_reduction(void **st)
{
    (void)st;
    struct det_logent log[2] = { run(3, 0, 0), run(2, 1, 0) };
    struct det_event indep[2] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, EV_WRITE, 64, 4, 0, 0) };
    uint8_t pre[8];
    for (int dpor = 0; dpor <= 1; dpor++) {
        struct det_dfs d;
        det_dfs_init(&d, 5);
        d.dpor = dpor;
        det_dfs_record(&d, log, 2);
        assert_int_equal(det_dfs_dpor(&d, log, 2, indep, 2), 0);
        int n = det_dfs_next(&d, pre, 8);
        if (dpor) {
            assert_int_equal(n, -1);
            assert_true(d.reduced >= 1);
        } else {
            assert_int_equal(n, 1);
            assert_int_equal(pre[0], 1);
        }
        det_dfs_free(&d);
    }
    /* dependent: dpor runs t1 first as well */
    struct det_event dep[2] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 0), ev_(2, 1, EV_READ, 16, 4, 0, 0) };
    struct det_dfs d;
    det_dfs_init(&d, 5);
    d.dpor = 1;
    det_dfs_record(&d, log, 2);
    assert_int_equal(det_dfs_dpor(&d, log, 2, dep, 2), 1);
    assert_int_equal(det_dfs_next(&d, pre, 8), 1);
    assert_int_equal(pre[0], 1);
    assert_int_equal(d.cut, 0);
    det_dfs_free(&d);
}

/* Bound 0: reversing a race by preempting t0 costs 1; the reversal is also
 * tried where t0's run began (a switch happened there anyway). */
static void bounded_reversal_moves_to_the_last_switch(void **st)
{
    (void)st;
    /* decision 0: t1 (cur) chooses t0 — a switch, free since t1 could not go on;
     * decision 1: t0 runs on (t2 could run); decision 2: t0 blocks, t2 runs */
    struct det_logent log[3] = { run(1 | 4, 0, 1), run(1 | 4, 0, 0), run(4, 2, 0) };
    log[0].cur_cand = 0;
    struct det_event ev[3] = { ev_(1, 0, EV_READ, 8, 4, 0, 0), ev_(2, 0, EV_WRITE, 16, 4, 0, 0),
                               ev_(3, 2, EV_WRITE, 16, 4, 0, 0) };
    struct det_dfs d;
    det_dfs_init(&d, 0);
    d.dpor = 1;
    det_dfs_record(&d, log, 3);
    assert_true(det_dfs_dpor(&d, log, 3, ev, 3) >= 1);
    assert_true(d.st[1].bt & 4); /* the race itself, beyond the bound */
    assert_true(d.st[0].bt & 4); /* and at the switch before it */
    uint8_t pre[8];
    assert_int_equal(det_dfs_next(&d, pre, 8), 1);
    assert_int_equal(pre[0], 2);
    assert_true(d.cut >= 1);
    det_dfs_free(&d);
}

/* An event with its pkey: a private access's word (det_pkey, 0 unknown),
 * an arm/riscv commit's mark (barrier count + 1, 0 an RMW's landing). */
static struct det_event keyed(int tid, int kind, uint32_t off, uint32_t size, uint32_t key)
{
    struct det_event e = ev_(0, tid, kind, off, size, 0, 1);
    e.pkey = key;
    return e;
}
#define priv_(tid, kind, key) keyed(tid, kind, PRIV, 4, key)

static void private_words(void **st)
{
    (void)st;
    struct det_event a = priv_(0, EV_RMW, 7), b = priv_(1, EV_ASTORE, 7), c = priv_(1, EV_ASTORE, 9);
    struct det_event u = priv_(1, EV_ALOAD, 0);
    assert_true(det_dpor_dependent(&a, &b, 0));   /* one word, both write */
    assert_false(det_dpor_dependent(&a, &c, 0));  /* other words */
    assert_true(det_dpor_dependent(&a, &u, 0));   /* an unknown word is every word */
    struct det_event r = priv_(1, EV_ALOAD, 9);
    assert_false(det_dpor_dependent(&r, &a, 0));
    assert_true(det_dpor_dependent(&r, &c, 0));
    assert_true(det_pkey(0x1000, 4, 0) == det_pkey(0x1004, 4, 0));
    assert_true(det_pkey(0x1000, 4, 0) != det_pkey(0x1000, 4, 1)); /* the other process */
    assert_int_equal(det_pkey(0x1006, 4, 0), 0);                    /* spans two words */
}

/* t1 reads x at decision 0 and re-reads it at decision 1 (a spin loop,
 * nothing else in between: mid = 0), or writes y between the reads (mid =
 * 1); t0 then writes x.  Returns det_dpor_races, bt[0..2]. */
static int spin(int mid, uint64_t *bt)
{
    struct det_logent log[3] = { run(3, 1, 1), run(3, 1, 1), run(3, 0, 1) };
    struct det_event ev[4];
    uint32_t n = 0;
    ev[n++] = ev_(1, 1, EV_ALOAD, 16, 4, 0, 0);
    if (mid == 1)
        ev[n++] = ev_(2, 1, EV_ASTORE, 64, 4, 0, 1);
    ev[n++] = ev_(2, 1, EV_ALOAD, 16, 4, 0, 0);
    if (mid == 2) /* the second read by another instruction */
        ev[n - 1].pc += 4;
    ev[n++] = ev_(3, 0, EV_ASTORE, 16, 4, 0, 1);
    bt[0] = 2;
    bt[1] = 2;
    bt[2] = 1;
    return det_dpor_races(log, 3, ev, n, DM_TSO, bt);
}

/* Only a spin loop's first read of a location races (the FMCAD'21 spinloop
 * reduction): the write is tried before the first read, never between
 * further turns of the loop. */
static void rereads_start_no_race(void **st)
{
    (void)st;
    uint64_t bt[3];
    assert_int_equal(spin(0, bt), 1);
    assert_int_equal(bt[0], 3); /* t0 before the first read */
    assert_int_equal(bt[1], 2); /* not between the turns */
    /* a write of its own in between: the second read starts a new turn */
    assert_int_equal(spin(1, bt), 1);
    assert_int_equal(bt[1], 3);
    assert_int_equal(bt[0], 2);
    /* another instruction reading it again is no loop (CoRR: r0 = x;
     * r1 = x): the write races with the second read too (with the first
     * through it: the reversal's execution finds that one) */
    assert_int_equal(spin(2, bt), 1);
    assert_int_equal(bt[1], 3); /* the write between the two reads */
}

/* t1 reads x = 0, t0 stores 0 to x: under sc that store changes nothing
 * the read can see (no race); under arm/riscv a load reads a message, so
 * it stays a race. */
static void silent_store_commutes_with_reads_under_sc(void **st)
{
    (void)st;
    struct det_logent log[2] = { run(3, 1, 1), run(3, 0, 1) };
    struct det_event ev[2] = { ev_(1, 1, EV_ALOAD, 16, 4, 0, 0), ev_(2, 0, EV_ASTORE, 16, 4, 0, 0) };
    uint64_t bt[2] = { 2, 1 };
    assert_int_equal(det_dpor_races(log, 2, ev, 2, DM_SC, bt), 0);
    assert_int_equal(bt[0], 2);
    assert_int_equal(det_dpor_races(log, 2, ev, 2, DM_ARM, bt), 1);
    assert_int_equal(bt[0], 3);
    /* a store of another value is a race under sc too */
    bt[0] = 2;
    ev[1].val = 1;
    assert_int_equal(det_dpor_races(log, 2, ev, 2, DM_SC, bt), 1);
    assert_int_equal(bt[0], 3);
}

/* Under tso the write is the drain: t1 reads x = 0 with its buffer empty,
 * then t0's buffered store of v to x drains.  A drain of 0 is silent (no
 * race); a drain of 1 races; and a read while t1's own buffer holds a
 * store (of y) may have been forwarded, so it says nothing of memory. */
static int tso_drain_race(uint64_t v, int t1_buffered)
{
    struct det_logent log[3] = { run(3, 1, 1), run(3, 0, 1), run(1ull << DET_ACT_DRAIN | 3, DET_ACT_DRAIN, 0) };
    struct det_event ev[4] = { ev_(1, 1, EV_ASTORE, 64, 4, DET_EV_BUFFERED, 5),
                               ev_(1, 1, EV_ALOAD, 16, 4, 0, 0),
                               ev_(2, 0, EV_ASTORE, 16, 4, DET_EV_BUFFERED, v),
                               ev_(3, 0, EV_DRAIN, 16, 4, 0, v) };
    uint64_t bt[3] = { 2, 1, 1ull << DET_ACT_DRAIN };
    int skip = t1_buffered ? 0 : 1;
    return det_dpor_races(log, 3, ev + skip, 4 - (uint32_t)skip, DM_TSO, bt);
}

static void silent_drain_commutes_with_reads_under_tso(void **st)
{
    (void)st;
    assert_int_equal(tso_drain_race(0, 0), 0);
    assert_int_equal(tso_drain_race(1, 0), 1);
    assert_int_equal(tso_drain_race(0, 1), 1);
}

/* Decision 1 chose t1, whose step is followed by a forced step of t2 in
 * the same transition; t2's read races with t0's write at decision 0: an
 * initial of [t1's step, t2's read] is tried there — t1 or t2, both
 * independent of t0's write (t2, the racing step itself, is taken:
 * initials_the_race_needs_come_first). */
static void forced_step_races_as_its_own_thread(void **st)
{
    (void)st;
    struct det_logent log[2] = { run(7, 0, 0), run(6, 1, 0) };
    struct det_event ev[3] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 1), ev_(2, 1, EV_WRITE, 64, 4, 0, 1),
                               ev_(2, 2, EV_READ, 16, 4, 0, 1) };
    uint64_t bt[2] = { 1, 2 };
    assert_int_equal(det_dpor_races(log, 2, ev, 3, DM_SC, bt), 1);
    assert_int_equal(bt[0], 1 | 4);
    assert_int_equal(bt[1], 2);
}

/* SB under sc, as the litmus crosscheck ran it: t0 writes x, then reads y
 * and ends; t1, the only thread left, runs forced in that transition:
 * writes y, reads x.  The forced write of y races with t0's read of y in
 * the SAME transition: t1 is tried at decision 1.  Before segments no race
 * was looked for inside a transition, and the outcome r0 = r1 = 1 was
 * never explored. */
static void forced_steps_are_their_own_segment(void **st)
{
    (void)st;
    struct det_logent log[2] = { run(3, 0, 0), run(3, 0, 0) };
    struct det_event ev[5] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 1), ev_(2, 0, EV_READ, 64, 4, 0, 0),
                               ev_(2, 0, EV_DONE, 0, 0, 0, 0), ev_(2, 1, EV_WRITE, 64, 4, 0, 1),
                               ev_(2, 1, EV_READ, 16, 4, 0, 1) };
    uint64_t bt[2] = { 1, 1 };
    assert_int_equal(det_dpor_races(log, 2, ev, 5, DM_SC, bt), 1);
    assert_int_equal(bt[1], 3);
    assert_int_equal(bt[0], 1); /* t0's write x, read y; t1's write y, read x: ordered */
}

/* t0 writes x (decision 0), then z (decision 1), after which t1 runs
 * forced in the same transition: it writes w.  At decision 2 t1 reads x.
 * t1's read is ordered after its forced write (program order), not after
 * t0's steps: it races with t0's write of x, and t1 is tried at decision
 * 0.  Happens-before per transition put decision 1 (t0's write of z with
 * t1's write of w) between them and hid the race. */
static void a_forced_step_is_not_ordered_by_the_chosen_one(void **st)
{
    (void)st;
    struct det_logent log[3] = { run(3, 0, 0), run(3, 0, 0), run(3, 1, 0) };
    struct det_event ev[4] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 1), ev_(2, 0, EV_WRITE, 96, 4, 0, 1),
                               ev_(2, 1, EV_WRITE, 128, 4, 0, 1), ev_(3, 1, EV_READ, 16, 4, 0, 1) };
    uint64_t bt[3] = { 1, 1, 2 };
    assert_int_equal(det_dpor_races(log, 3, ev, 4, DM_SC, bt), 1);
    assert_int_equal(bt[0], 3);
}

/* Sleep sets: t0 then t1 ran; node 0 is made to backtrack to t1 (as a race
 * elsewhere would).  If t1's first step commutes with t0's (other
 * locations), taking t0 next is an execution already explored: it is
 * counted as blocked, its races are not analysed and node 1 is redirected
 * to t1.  If t1 writes what t0 wrote, t0 wakes: a normal execution. */
static int second_execution(uint32_t t1_off, struct det_dfs *d)
{
    struct det_logent l1[2] = { run(3, 0, 0), run(3, 1, 0) };
    struct det_event e1[2] = { ev_(1, 0, EV_WRITE, 16, 4, 0, 1), ev_(2, 1, EV_WRITE, 64, 4, 0, 1) };
    uint8_t pre[8];
    det_dfs_init(d, 5);
    d->dpor = 1;
    det_dfs_record(d, l1, 2);
    det_dfs_dpor(d, l1, 2, e1, 2);
    d->st[0].bt |= 2;
    assert_int_equal(det_dfs_next(d, pre, 8), 1);
    assert_int_equal(pre[0], 1);
    struct det_logent l2[2] = { run(3, 1, 0), run(3, 0, 1) };
    struct det_event e2[2] = { ev_(1, 1, EV_WRITE, t1_off, 4, 0, 1), ev_(2, 0, EV_WRITE, 16, 4, 0, 1) };
    det_dfs_record(d, l2, 2);
    return det_dfs_dpor(d, l2, 2, e2, 2);
}

/* tso: a store that joined its thread's buffer (DET_EV_BUFFERED) is seen
 * by nobody else until its drain, which the trace holds: only the drain
 * races with another thread's read of those bytes. */
static void buffered_store_is_local(void **st)
{
    (void)st;
    struct det_event w = ev_(0, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1), r = EV(1, EV_READ, 16);
    struct det_event a = ev_(0, 0, EV_ASTORE, 16, 4, 3 | DET_EV_BUFFERED, 1), d = EV(0, EV_DRAIN, 16);
    assert_false(det_dpor_dependent(&w, &r, 0));
    assert_false(det_dpor_dependent(&a, &r, 0));
    assert_true(det_dpor_dependent(&d, &r, 0));
    struct det_event wg = EV(0, EV_WRITE, 16); /* not buffered (sc): a write */
    assert_true(det_dpor_dependent(&wg, &r, 0));
    struct det_event w0b = ev_(0, 0, EV_WRITE, 64, 4, DET_EV_BUFFERED, 1), r0 = EV(0, EV_READ, 16);
    assert_true(det_dpor_dependent(&w0b, &r0, 0)); /* its own thread: program order */
    /* a size of 255 means "255 or more": it reaches the page's end */
    struct det_event big = ev_(0, 0, EV_READ, 0, 255, 0, 0), far = EV(1, EV_WRITE, 1000);
    assert_true(det_dpor_dependent(&big, &far, 0));
}

/* A thread's step and a drain of its own buffer (decisions 0 and 1, either
 * order, on the same bytes).  Under tso either order leaves the same state:
 * no race.  Under arm a commit raises its thread's views, so a commit
 * before the thread's load is reversed (the load first may read an older
 * message), and so is a load before the commit (committed first, another
 * thread's newer message may come before the load: CoWR). */
static int own_buffer(int model, int drain_first, uint64_t *bt)
{
    uint64_t opts = 1 | 2 | (1ull << DET_ACT_DRAIN);
    int a0 = drain_first ? DET_ACT_DRAIN : 0, a1 = drain_first ? 0 : DET_ACT_DRAIN;
    struct det_logent log[2] = { run(opts, a0, 0), run(opts, a1, 0) };
    struct det_event rd = ev_(0, 0, EV_READ, 16, 4, 0, 1), dr = ev_(0, 0, EV_DRAIN, 16, 4, 0, 1);
    rd.step = drain_first ? 2 : 1;
    dr.step = drain_first ? 1 : 2;
    struct det_event ev[2] = { drain_first ? dr : rd, drain_first ? rd : dr };
    bt[0] = 1ull << a0;
    bt[1] = 1ull << a1;
    return det_dpor_races(log, 2, ev, 2, model, bt);
}

static void own_buffer_races(void **st)
{
    (void)st;
    uint64_t bt[2];
    assert_int_equal(own_buffer(DM_TSO, 0, bt), 0);
    assert_int_equal(own_buffer(DM_TSO, 1, bt), 0);
    assert_int_equal(own_buffer(DM_ARM, 0, bt), 1);
    assert_int_equal(bt[0], 1 | (1ull << DET_ACT_DRAIN)); /* the commit first */
    assert_int_equal(own_buffer(DM_ARM, 1, bt), 1);
    assert_int_equal(bt[0], 1 | (1ull << DET_ACT_DRAIN)); /* the load first */
    assert_int_equal(own_buffer(DM_RISCV, 1, bt), 1);
}

static void sleep_sets(void **st)
{
    (void)st;
    struct det_dfs d;
    assert_int_equal(second_execution(64, &d), 0);
    assert_int_equal(d.blocked, 1);
    assert_int_equal(d.st[1].sleep, 1); /* t0 asleep at node 1 */
    assert_int_equal(d.st[1].bt & 2, 2); /* redirected to t1 */
    det_dfs_free(&d);
    assert_int_equal(second_execution(16, &d), 1); /* the write race, analysed */
    assert_int_equal(d.blocked, 0);
    assert_int_equal(d.st[1].sleep, 0);
    det_dfs_free(&d);
}

/* arm/riscv: commits of one buffer's entries (mark: barrier count + 1 in
 * pkey) are ordered only when their barrier counts differ or they share a
 * granule; an RMW's landing (no mark) is ordered with every commit. */
#define commit(t, off, mark) keyed(t, EV_DRAIN, off, 8, mark)

static void commits_of_one_buffer(void **st)
{
    (void)st;
    struct det_event a = commit(0, 16, 1), b = commit(0, 64, 1), c = commit(0, 64, 2), d = commit(0, 20, 1);
    assert_false(det_dpor_dependent(&a, &b, 1)); /* same barrier count, other granules */
    assert_true(det_dpor_dependent(&a, &c, 1));  /* a barrier between them */
    assert_true(det_dpor_dependent(&a, &d, 1));  /* one granule: FIFO */
    struct det_event rmw = commit(0, 64, 0);
    assert_true(det_dpor_dependent(&a, &rmw, 1));
    assert_true(det_dpor_dependent(&a, &b, 0));  /* tso: one FIFO */
    /* its own thread: a plain load of another granule commutes (its bound
     * does not move), an acquire load or a store does not */
    struct det_event r0 = EV(0, EV_READ, 200), q0 = ev_(0, 0, EV_ALOAD, 200, 4, 2, 0);
    struct det_event s0 = ev_(0, 0, EV_WRITE, 200, 4, DET_EV_BUFFERED, 0);
    assert_false(det_dpor_dependent(&a, &r0, 1));
    assert_true(det_dpor_dependent(&a, &q0, 1));
    assert_true(det_dpor_dependent(&a, &s0, 1));
}

/* Decision 0 commits thread 0's entry on granule 2 (bytes 16..23), decision
 * 1 its entry on granule 8 (independent of the first), then thread 1 reads
 * granule 2: the race of decisions 0 and 2 may be reversed by committing
 * granule 8 first, so decision 0 — where thread 1, the initial the race
 * needs, could not run — is asked to drain again, naming granule 8 (the
 * runtime finds that entry, struct det_slp). */
static void drain_again_for_another_granule(void **st)
{
    (void)st;
    uint64_t opts = 1 | 2 | (1ull << DET_ACT_DRAIN);
    struct det_logent log[3] = { run(1 | (1ull << DET_ACT_DRAIN), DET_ACT_DRAIN, 0), run(opts, DET_ACT_DRAIN, 0),
                                 run(opts, 1, 0) };
    struct det_event ev[3] = { commit(0, 16, 1), commit(0, 64, 1), ev_(3, 1, EV_READ, 16, 4, 0, 0) };
    ev[0].step = 1;
    ev[1].step = 2;
    struct det_dfs d;
    det_dfs_init(&d, 64);
    d.dpor = 1;
    d.model = DM_ARM;
    det_dfs_record(&d, log, 3);
    assert_true(det_dfs_dpor(&d, log, 3, ev, 3) >= 1);
    assert_true(det_gw_has(&d.st[0], 0, 2));
    assert_true(det_gw_has(&d.st[0], 0, 8));
    assert_int_equal(d.st[0].bt & 2, 0); /* committing granule 8 first is the initial taken */
    uint8_t prefix[8];
    assert_int_equal(det_dfs_next(&d, prefix, 8), 1);
    assert_int_equal(prefix[0], DET_ACT_DRAIN);
    assert_int_equal(d.gstep1, 1);
    assert_int_equal(d.g, 8);
    det_dfs_free(&d);
}

/* Thread 1 reads granule 2, then thread 0 stores there and a fence commits
 * it inside thread 0's own transition: what can come first is thread 0's
 * step (its buffer was empty at decision 0), not a drain. */
static void commit_in_own_step_races_as_the_thread(void **st)
{
    (void)st;
    struct det_logent log[2] = { run(1 | 2 | 4, 1, 1), run(1 | 4, 0, 1) };
    struct det_event ev[4] = { ev_(1, 1, EV_READ, 16, 4, 0, 0), ev_(2, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1),
                               ev_(2, 0, EV_FENCE, 0, 0, 5, 0), commit(0, 16, 1) };
    ev[3].step = 2;
    uint64_t bt[2] = { 2, 1 };
    assert_int_equal(det_dpor_races(log, 2, ev, 4, DM_ARM, bt), 1);
    assert_int_equal(bt[0], 1 | 2); /* not every option (thread 2) */
}

/* tso, SB (the litmus crosscheck): t0 stores x, t1 stores y (both
 * buffered); t1 loads x (0) and ends, draining y; t0 loads y (1) and ends,
 * draining x.  t0's exit drain of x races with t1's load of x, and t0's
 * load of y before it commutes with it: the drain alone is the reversal
 * (a drain decision at decision 2), not t0's step, which would only load y
 * first again.  r0 = r1 = 1 needs both drains before both loads. */
static void exit_drain_races_alone(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN, D1 = 1ull << (DET_ACT_DRAIN + 1);
    struct det_logent log[4] = { run(3, 0, 0), run(3 | D0, 1, 0), run(3 | D0 | D1, 1, 1), run(1 | D0, 0, 1) };
    struct det_event ev[8] = { ev_(1, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1),
                               ev_(2, 1, EV_WRITE, 64, 4, DET_EV_BUFFERED, 1),
                               ev_(3, 1, EV_READ, 16, 4, 0, 0), ev_(3, 1, EV_DRAIN, 64, 4, 0, 1),
                               ev_(3, 1, EV_DONE, 0, 0, 0, 0), ev_(4, 0, EV_READ, 64, 4, 0, 1),
                               ev_(4, 0, EV_DRAIN, 16, 4, 0, 1), ev_(4, 0, EV_DONE, 0, 0, 0, 0) };
    uint64_t bt[4] = { 1, 2, 2, 1 };
    assert_int_equal(det_dpor_races(log, 4, ev, 8, DM_TSO, bt), 2);
    /* a drain first (t0's drain of x: of the reversal's initials, t1's
     * and t0's drains, the one that races), and t0's step for the race of
     * t1's drain of y with t0's load of y */
    assert_int_equal(bt[2], 1 | 2 | D0);
}

/* tso: t0 stores x, then one step fences (its buffer drains) and loads y;
 * t1 then loads x.  The drain races with t1's load; t0's load of y comes
 * after the fence, so after the drain, though the two commute as steps:
 * t1 first is the reversal.  Without that order t0's load looked like a
 * first step of the reversal, t0 was taken for it (explored already) and
 * the race was lost (verify_2x1 "verified" in 5 executions). */
static void drains_of_a_fence_come_before_the_threads_next_steps(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[3] = { run(3, 0, 0), run(3 | D0, 0, 0), run(3, 1, 0) };
    struct det_event ev[5] = { ev_(1, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1), ev_(2, 0, EV_FENCE, 0, 0, 5, 1),
                               ev_(2, 0, EV_DRAIN, 16, 4, 0, 1), ev_(2, 0, EV_READ, 64, 4, 0, 0),
                               ev_(3, 1, EV_READ, 16, 4, 0, 1) };
    uint64_t bt[3] = { 1, 1, 2 };
    assert_int_equal(det_dpor_races(log, 3, ev, 5, DM_TSO, bt), 1);
    assert_int_equal(bt[1], 1 | 2);
}

/* tso, CoWR: t0 stores x = 1, t1 stores x = 2 and ends (drains); t0 loads
 * x (its own entry, forwarded: 1) and ends (drains x = 1).  The two drains
 * race; t0's load before its own drain commutes with it (it forwards what
 * the drain writes), so the drain of x = 1 alone is the reversal, at t1's
 * end: then t0's load reads 2 (r0 = 2, x = 2).  Ordered after the load
 * (same bytes), the drain's race was hidden. */
static void a_load_commutes_with_its_own_drain(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN, D1 = 1ull << (DET_ACT_DRAIN + 1);
    struct det_logent log[5] = { run(3, 0, 0), run(3 | D0, 1, 0), run(3 | D0 | D1, 1, 1), run(1 | D0, 0, 1),
                                 run(1 | D0, 0, 0) };
    struct det_event ev[7] = { ev_(1, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1),
                               ev_(2, 1, EV_WRITE, 16, 4, DET_EV_BUFFERED, 2), ev_(3, 1, EV_DRAIN, 16, 4, 0, 2),
                               ev_(3, 1, EV_DONE, 0, 0, 0, 0), ev_(4, 0, EV_READ, 16, 4, 0, 1),
                               ev_(5, 0, EV_DRAIN, 16, 4, 0, 1), ev_(5, 0, EV_DONE, 0, 0, 0, 0) };
    uint64_t bt[5] = { 1, 2, 2, 1, 1 };
    assert_int_equal(det_dpor_races(log, 5, ev, 7, DM_TSO, bt), 2);
    assert_int_equal(bt[2], 1 | 2 | D0); /* t0's drain of x = 1 at t1's end */
}

/* arm, CoWR: t0 stores x and loads x (its own entry, forwarded), then its
 * entry commits; t1's store of x commits after.  t0's load before its own
 * commit is reversed: committed first, t1's message can come between and
 * the load may read it (r0 = 2, x = 2).  A store before its own commit
 * is not reversed. */
static void a_load_before_its_own_commit_races(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[3] = { run(3, 0, 0), run(3 | D0, 0, 0), run(2, 1, 1) };
    struct det_event ev[5] = { ev_(1, 0, EV_WRITE, 16, 8, DET_EV_BUFFERED, 1), ev_(2, 0, EV_READ, 16, 8, 0, 1),
                               commit(0, 16, 1), ev_(3, 1, EV_WRITE, 16, 8, DET_EV_BUFFERED, 2), commit(1, 16, 1) };
    ev[2].step = 2;
    ev[4].step = 3;
    uint64_t bt[3] = { 1, 1, 2 };
    assert_int_equal(det_dpor_races(log, 3, ev, 5, DM_ARM, bt), 2);
    assert_int_equal(bt[1], 1 | 2 | D0); /* the commit before the load, and t1 */
}

/* arm: thread 1 reads granule 2 with acquire, thread 0's buffer commits a
 * store (on granule 2, or on granule 8), thread 1 re-reads granule 2 and
 * (later) reads granule 8.  The first read races with the commit either
 * way (an acquire sees the commit order); the re-read races only with the
 * commit on another granule: on its own granule either order is one turn
 * more or less of a loop that only reads.  With no later read of granule 8
 * by thread 1, nothing observes where its view rose relative to that
 * commit (det_dpor_observe.c): no race. */
static int reread_races(uint32_t commit_off, int later)
{
    uint64_t opts = 2 | (1ull << DET_ACT_DRAIN);
    struct det_logent log[4] = { run(opts, 1, 1), run(opts, DET_ACT_DRAIN, 1), run(opts, 1, 1), run(2, 1, 1) };
    struct det_event ev[4] = { ev_(1, 1, EV_ALOAD, 16, 8, 2, 0), commit(0, commit_off, 1),
                               ev_(3, 1, EV_ALOAD, 16, 8, 2, 0), ev_(4, 1, EV_READ, 64, 8, 0, 0) };
    ev[1].step = 2;
    ev[3].view = DET_VIEW_NONE;
    ev[3].pkey = 4; /* an older message, every one offered: no race of its own */
    ev[3].rflags = DET_RF_ALLC;
    uint64_t bt[4] = { 2, 1ull << DET_ACT_DRAIN, 2, 2 };
    return det_dpor_races(log, 3 + (later != 0), ev, 3 + (later != 0), DM_ARM, bt);
}

static void acquire_reread_of_its_granule_is_no_race(void **st)
{
    (void)st;
    assert_int_equal(reread_races(16, 1), 1);
    assert_int_equal(reread_races(64, 1), 2);
    assert_int_equal(reread_races(64, 0), 1); /* until 2026-12-03: 2 */
}

/* arm: thread 0's buffer commits a store on granule 8 with timestamp 5;
 * thread 1's acquire load of granule 2 comes before (first) or after it,
 * with the view it recorded (det_event.view), and thread 1 then reads
 * granule 8.  A load that raised no view observes no commit order; one
 * that raised its view to V observes the commits up to V only, also when
 * V came from commits its own hook made (DET_VIEW_OWN: a later commit
 * moved before it only narrows what the thread reads next); one raised to
 * the clock, or not recorded, every commit. */
static int observer_races_(uint32_t view, int load_first, int later)
{
    uint64_t opts = 2 | (1ull << DET_ACT_DRAIN);
    struct det_event c = commit(0, 64, 1), r = ev_(0, 1, EV_ALOAD, 16, 8, 2, 0);
    c.view = 5;
    r.view = view;
    struct det_logent log[3] = { run(opts, load_first ? 1 : DET_ACT_DRAIN, 1),
                                 run(opts, load_first ? DET_ACT_DRAIN : 1, 1), run(2, 1, 1) };
    struct det_event ev[3] = { load_first ? r : c, load_first ? c : r, ev_(3, 1, EV_READ, 64, 8, 0, 0) };
    ev[0].step = 1;
    ev[1].step = 2;
    ev[2].view = DET_VIEW_NONE;
    ev[2].pkey = 4; /* an older message, every one offered: no race of its own */
    ev[2].rflags = DET_RF_ALLC;
    uint64_t bt[3] = { 1ull << log[0].chosen, 1ull << log[1].chosen, 2 };
    return det_dpor_races(log, 2 + (later != 0), ev, 2 + (later != 0), DM_ARM, bt);
}

static int observer_races(uint32_t view, int load_first) { return observer_races_(view, load_first, 1); }

static void a_view_observes_the_commits_up_to_it(void **st)
{
    (void)st;
    assert_int_equal(observer_races(DET_VIEW_NONE, 0), 0);
    assert_int_equal(observer_races(5 + 2, 0), 1);    /* V = 5: the commit is in it */
    assert_int_equal(observer_races(4 + 2, 0), 0);    /* V = 4: it is not */
    assert_int_equal(observer_races(DET_VIEW_ALL, 0), 1);
    assert_int_equal(observer_races(0, 0), 1);        /* not recorded: by kind */
    assert_int_equal(observer_races(4 + 2, 1), 0);    /* a later commit: above any view */
    assert_int_equal(observer_races(DET_VIEW_ALL, 1), 1);
    assert_int_equal(observer_races((5 + 2) | DET_VIEW_OWN, 0), 1);
    assert_int_equal(observer_races((4 + 2) | DET_VIEW_OWN, 0), 0);
    assert_int_equal(observer_races((4 + 2) | DET_VIEW_OWN, 1), 0); /* until 2026-12-03: 1 */
}

/* The same with no later read of granule 8 by thread 1: nothing observes
 * where the view rose against the commit (det_dpor_observe.c), so a raise
 * that observed it is no race; a load before the commit whose view is not
 * recorded still races (the later step is the commit, no raise). */
static void a_view_nobody_reads_under_is_no_race(void **st)
{
    (void)st;
    assert_int_equal(observer_races_(5 + 2, 0, 0), 0);
    assert_int_equal(observer_races_(DET_VIEW_ALL, 0, 0), 0);
    assert_int_equal(observer_races_((5 + 2) | DET_VIEW_OWN, 0, 0), 0);
    assert_int_equal(observer_races_(DET_VIEW_ALL, 1, 0), 1);
    setenv("HVSIM_DPOR_NO_OBSERVE", "1", 1);
    assert_int_equal(observer_races_(5 + 2, 0, 0), 1);
    unsetenv("HVSIM_DPOR_NO_OBSERVE");
}

/* arm: thread 0's buffer commits granule 2 (barrier mark 1, timestamp 3)
 * and granule 4 (mark 2, timestamp 4) in one step; thread 1's fence
 * raises its view to 4, observing both; thread 0's buffer commits granule
 * 8 (mark m8, timestamp 5); thread 1 loads granule 8 with acquire (that
 * message) and reads granules 2 and 4 (their messages).  Reads after an
 * acquire that took a message behind a commit with a later mark than
 * theirs (m8 = 3: it lands after both in every execution) cannot tell
 * where the fence came: no race.  A read before that acquire, or of a
 * granule whose mark is not below (m8 = 2: granule 4's), can. */
static int covered_races(int read_first, uint32_t m8)
{
    uint64_t opts = 2 | (1ull << DET_ACT_DRAIN);
    struct det_logent log[6] = { run(opts, DET_ACT_DRAIN, 1), run(opts, 1, 1), run(opts, DET_ACT_DRAIN, 1),
                                 run(2, 1, 1), run(2, 1, 1), run(2, 1, 1) };
    struct det_event c2 = commit(0, 16, 1), c4 = commit(0, 32, 2), c8 = commit(0, 64, m8);
    struct det_event f = ev_(2, 1, EV_FENCE, 0, 0, 5, 0), a8 = ev_(4, 1, EV_ALOAD, 64, 8, 2, 0);
    struct det_event r2 = ev_(5, 1, EV_READ, 16, 8, 0, 0), r4 = ev_(6, 1, EV_READ, 32, 8, 0, 0);
    c2.step = c4.step = 1;
    c8.step = 3;
    c2.view = 3;
    c4.view = 4;
    c8.view = 5;
    f.view = 4 + 2;
    a8.pkey = 5 + 1;
    r2.pkey = 3 + 1;
    r4.pkey = 4 + 1;
    a8.view = r2.view = r4.view = DET_VIEW_NONE;
    a8.rflags = r2.rflags = r4.rflags = DET_RF_ALLC;
    if (read_first) { /* r2 before the acquire */
        r2.step = 4;
        a8.step = 5;
    }
    struct det_event ev[7] = { c2, c4, f, c8, read_first ? r2 : a8, read_first ? a8 : r2, r4 };
    uint64_t bt[6] = { 1ull << DET_ACT_DRAIN, 2, 1ull << DET_ACT_DRAIN, 2, 2, 2 };
    return det_dpor_races(log, 6, ev, 7, DM_ARM, bt);
}

static void a_read_under_a_later_barriers_message_does_not_observe_a_view(void **st)
{
    (void)st;
    assert_int_equal(covered_races(0, 3), 0);
    assert_int_equal(covered_races(1, 3), 1);
    assert_int_equal(covered_races(0, 2), 1);
    setenv("HVSIM_DPOR_NO_OBSERVE", "1", 1);
    assert_int_equal(covered_races(0, 3), 1);
    unsetenv("HVSIM_DPOR_NO_OBSERVE");
}

/* arm: thread 1 reads granule 2 (its view unchanged), thread 0's buffer
 * commits granule 8 (timestamp 12), thread 1 re-reads granule 2 raising
 * its view, then reads granule 8: to 10 it does not observe that commit,
 * to 12 or to the clock it does (and, a write elsewhere, races). */
static int reread_view_races(uint32_t view)
{
    uint64_t opts = 2 | (1ull << DET_ACT_DRAIN);
    struct det_logent log[4] = { run(opts, 1, 1), run(opts, DET_ACT_DRAIN, 1), run(opts, 1, 1), run(2, 1, 1) };
    struct det_event ev[4] = { ev_(1, 1, EV_ALOAD, 16, 8, 2, 0), commit(0, 64, 1), ev_(3, 1, EV_ALOAD, 16, 8, 2, 0),
                               ev_(4, 1, EV_READ, 64, 8, 0, 0) };
    ev[0].view = DET_VIEW_NONE;
    ev[1].step = 2;
    ev[1].view = 12;
    ev[2].view = view;
    ev[3].view = DET_VIEW_NONE;
    ev[3].pkey = 4; /* an older message, every one offered: no race of its own */
    ev[3].rflags = DET_RF_ALLC;
    uint64_t bt[4] = { 2, 1ull << DET_ACT_DRAIN, 2, 2 };
    return det_dpor_races(log, 4, ev, 4, DM_ARM, bt);
}

static void a_reread_observes_the_commits_up_to_its_view(void **st)
{
    (void)st;
    assert_int_equal(reread_view_races(10 + 2), 0);
    assert_int_equal(reread_view_races(12 + 2), 1);
    assert_int_equal(reread_view_races(DET_VIEW_ALL), 1);
    assert_int_equal(reread_view_races(DET_VIEW_NONE), 0);
}

/* arm: thread 0's buffer commits granule 8 with the bytes its message
 * before held (DET_EV_SILENT, timestamp 12), then thread 1 reads granule
 * 8: a read that did not take that message (it took the one at 5) cannot
 * tell whether the commit came first; one that took it (13 = 12 + 1), or
 * whose message is not known (0), can. */
static int silent_commit_races(uint32_t read_key, int silent)
{
    uint64_t opts = 2 | (1ull << DET_ACT_DRAIN);
    struct det_logent log[2] = { run(opts, DET_ACT_DRAIN, 1), run(2, 1, 1) };
    struct det_event ev[2] = { commit(0, 64, 1), ev_(2, 1, EV_READ, 64, 8, 0, 0) };
    ev[0].step = 1;
    ev[0].view = 12;
    ev[0].mo = silent ? DET_EV_SILENT : 0;
    ev[1].view = DET_VIEW_NONE;
    ev[1].pkey = read_key;
    uint64_t bt[2] = { 1ull << DET_ACT_DRAIN, 2 };
    return det_dpor_races(log, 2, ev, 2, DM_ARM, bt);
}

static void silent_commit_commutes_with_reads_that_did_not_take_it(void **st)
{
    (void)st;
    assert_int_equal(silent_commit_races(5 + 1, 1), 0);
    assert_int_equal(silent_commit_races(12 + 1, 1), 1);
    assert_int_equal(silent_commit_races(0, 1), 1);
    assert_int_equal(silent_commit_races(5 + 1, 0), 1); /* not silent: a write */
}

/* arm, within one trace: a load whose view rose to the clock observes
 * every commit, but a private write (the request lock) is no commit. */
static void a_view_does_not_observe_private_writes(void **st)
{
    (void)st;
    struct det_logent log[2] = { run(3, 0, 0), run(3, 1, 0) };
    struct det_event ev[2] = { priv_(0, EV_ASTORE, 7), ev_(2, 1, EV_ALOAD, 16, 8, 2, 0) };
    ev[0].step = 1;
    ev[0].view = DET_VIEW_NONE;
    ev[1].view = DET_VIEW_ALL;
    uint64_t bt[2] = { 1, 2 };
    assert_int_equal(det_dpor_races(log, 2, ev, 2, DM_ARM, bt), 0);
    assert_true(det_dpor_dependent(&ev[0], &ev[1], 1)); /* across executions it still is */
}

/* arm: as above, thread 2's fence commits granule 2 (timestamp 10) and
 * granule 8 (11); thread 1, spinning on granule 8 (it read it before the
 * first decision), re-reads it with acquire and takes the second message
 * (read key 12: timestamp + 1), its view raised to 11, which holds granule
 * 2's commit.  The re-read is no race with granule 8's commit (a further
 * turn of the loop).  With a barrier between the two commits the model
 * commits granule 2 first, so the re-read placed before it cannot take
 * that message either: no race (0).  Without one (the message may commit
 * first), or when the message read is not known, the view races (1).  A
 * view its own hook raised (DET_VIEW_OWN) did not come from the message
 * read: the rule does not apply (1). */
static int view_races_own(uint32_t m2, uint32_t m8, uint32_t read_key, uint32_t own)
{
    uint64_t drain2 = 1ull << (DET_ACT_DRAIN + 2), opts = 2 | 4 | drain2;
    struct det_logent log[2] = { run(opts, 2, 2), run(opts & ~drain2, 1, 2) };
    struct det_event ev[5] = { ev_(0, 1, EV_ALOAD, 64, 8, 2, 0), ev_(1, 2, EV_FENCE, 0, 0, 5, 2),
                               commit(2, 16, m2), commit(2, 64, m8), ev_(2, 1, EV_ALOAD, 64, 8, 2, 0) };
    ev[1].view = DET_VIEW_ALL;
    ev[2].step = ev[3].step = 1;
    ev[2].view = 10;
    ev[3].view = 11;
    ev[4].view = (11 + 2) | own;
    ev[4].pkey = read_key;
    uint64_t bt[2] = { 4, 2 };
    return det_dpor_races(log, 2, ev, 5, DM_ARM, bt);
}

static int view_races(uint32_t m2, uint32_t m8, uint32_t read_key) { return view_races_own(m2, m8, read_key, 0); }

static void a_view_from_a_later_barrier_is_no_race(void **st)
{
    (void)st;
    assert_int_equal(view_races(1, 2, 12), 0);
    assert_int_equal(view_races_own(1, 2, 12, DET_VIEW_OWN), 1);
    assert_int_equal(view_races(1, 1, 12), 1);
    assert_int_equal(view_races(1, 2, 0), 1);
    assert_int_equal(view_races(1, 2, 11), 1); /* it read another message */
}

/* arm: t1's buffer commits granule 2 (timestamp 5), then t0 reads granule
 * 2 (view: what its event recorded, 1 none).  Offered every message it
 * could read (DET_RF_ALLC): taking the older one of timestamp 3 (read key
 * 4), before the commit it is offered the same but the new one, so the two
 * commute — no race; taking the new one, the value choices after the
 * commit hold everything the reversal would read — no race either, also
 * when its acquire view rose from exactly that message.  Not offered every
 * message (a spinner reads the newest only), the message not known, or a
 * view raised from elsewhere: a race. */
static int commit_then_read(uint32_t read_key, uint8_t rflags, uint32_t view)
{
    uint64_t opts = 1 | 1ull << (DET_ACT_DRAIN + 1);
    struct det_event c = commit(1, 16, 1), r = ev_(2, 0, EV_ALOAD, 16, 8, 2, 0);
    c.step = 1;
    c.view = 5;
    r.pkey = read_key;
    r.rflags = rflags;
    r.view = view;
    struct det_logent log[2] = { run(opts, DET_ACT_DRAIN + 1, 0), run(1, 0, 0) };
    struct det_event ev[2] = { c, r };
    uint64_t bt[2] = { 1ull << (DET_ACT_DRAIN + 1), 1 };
    return det_dpor_races(log, 2, ev, 2, DM_ARM, bt);
}

/* arm: t1 takes the lock (a private RMW) at node 0; t2's buffer then
 * commits granule 2 (timestamp 5) at node 1; t0's RMW of the lock at node
 * 2 is a sync whose view rose to 5, observing that commit.  The two RMWs
 * race.  The reversal's initials: t2's commit (t0's RMW comes after it
 * only because its view observed it) and, counting that edge for the
 * order of the reversal only (view_only in det_dpor.c), t0 itself, the
 * racing thread, tried first.  With HVSIM_DPOR_NO_VIEWFREE the commit is
 * the only initial: the daemon's commits ran first in every reversal of
 * the two CPUs' lock race (verify_2x1 under arm).  t0 then reads granule 2
 * (the commit's message): the raise is observed (det_dpor_observe.c). */
static uint64_t lock_after_a_view(int off)
{
    uint64_t D2 = 1ull << (DET_ACT_DRAIN + 2), opts = 1 | 2 | D2;
    struct det_logent log[4] = { run(opts, 1, 1), run(opts, DET_ACT_DRAIN + 2, 1), run(opts, 0, 2), run(1, 0, 0) };
    struct det_event ev[4] = { priv_(1, EV_RMW, 7), commit(2, 16, 1), priv_(0, EV_RMW, 7),
                               ev_(4, 0, EV_READ, 16, 8, 0, 0) };
    ev[0].step = 1;
    ev[0].view = DET_VIEW_NONE;
    ev[1].step = 2;
    ev[1].view = 5;
    ev[2].step = 3;
    ev[2].view = 5 + 2;
    ev[3].view = DET_VIEW_NONE;
    ev[3].pkey = 5 + 1;
    ev[3].rflags = DET_RF_ALLC;
    uint64_t bt[4] = { 2, D2, 1, 1 };
    arm_races_with_rule_off("HVSIM_DPOR_NO_VIEWFREE", off, log, 4, ev, 4, bt);
    return bt[0];
}

static void a_view_only_edge_does_not_order_a_reversal(void **st)
{
    (void)st;
    assert_int_equal(lock_after_a_view(0), 2 | 1);
    assert_int_equal(lock_after_a_view(1), 2 | (1ull << (DET_ACT_DRAIN + 2)));
}

static void a_read_offered_every_message_is_no_race_with_a_commit(void **st)
{
    (void)st;
    assert_int_equal(commit_then_read(4, DET_RF_ALLC, DET_VIEW_NONE), 0);
    assert_int_equal(commit_then_read(6, DET_RF_ALLC, DET_VIEW_NONE), 0);
    assert_int_equal(commit_then_read(6, DET_RF_ALLC, 5 + 2), 0);  /* view from the commit's message */
    assert_int_equal(commit_then_read(6, DET_RF_ALLC, 7 + 2), 1);  /* from elsewhere */
    assert_int_equal(commit_then_read(6, DET_RF_ALLC, DET_VIEW_ALL), 1);
    assert_int_equal(commit_then_read(4, 0, DET_VIEW_NONE), 1);
    assert_int_equal(commit_then_read(6, 0, DET_VIEW_NONE), 1);
    assert_int_equal(commit_then_read(0, DET_RF_ALLC, DET_VIEW_NONE), 1); /* the message not known */
}

/* Value-refined sleep sets (det_dpor_vsleep.c), arm: t0 reads granule 2
 * (the message of timestamp 3, read key 4), then t1's buffer commits a new
 * message there (timestamp 5).  The commit first is tried next: t0 falls
 * asleep at node 0 and the commit, a newer message on what it read, keeps
 * it asleep for the older readings.  When t0 then takes the new message
 * (option 0 of its value choice at node 2), option 1, the old message, is
 * asleep there: t0 reading it after the commit commutes with the commit and
 * was explored first.  Taking the old one is an execution explored already
 * (blocked).  A read not offered every message (a spinner's newest only)
 * keeps plain sleep sets: nothing asleep at the value choice.  Experimental
 * and off by default (det_dfs.vsleep, HVSIM_DPOR_VSLEEP). */
static int vsleep(uint32_t second_key, uint8_t rflags, int vs, struct det_dfs *d)
{
    static uint32_t vc[3 * WMM_CANDS];
    uint64_t opts = 1 | 1ull << (DET_ACT_DRAIN + 1);
    struct det_event r1 = ev_(1, 0, EV_ALOAD, 16, 8, 0, 0), c1 = commit(1, 16, 1);
    r1.pkey = 4;
    r1.rflags = rflags;
    r1.view = DET_VIEW_NONE;
    c1.step = 2;
    c1.view = 5;
    struct det_logent l1[2] = { run(opts, 0, 0), run(1ull << (DET_ACT_DRAIN + 1), DET_ACT_DRAIN + 1, 0) };
    struct det_event e1[2] = { r1, c1 };
    uint8_t pre[8];
    det_dfs_init(d, 64);
    d->dpor = 1;
    d->model = DM_ARM;
    d->vsleep = vs;
    d->vcts = vc;
    det_dfs_record(d, l1, 2);
    det_dfs_dpor(d, l1, 2, e1, 2);
    d->st[0].bt |= 1ull << (DET_ACT_DRAIN + 1);
    assert_int_equal(det_dfs_next(d, pre, 8), 1);
    assert_int_equal(pre[0], DET_ACT_DRAIN + 1);
    struct det_logent l2[3] = { run(opts, DET_ACT_DRAIN + 1, 0), run(1, 0, 0), run(3, DET_ACT_CHOICE, 0) };
    l2[2].kind = DET_KIND_LOAD;
    l2[2].chosen = (uint8_t)(DET_ACT_CHOICE + (second_key == 4));
    struct det_event c2 = c1, r2 = r1;
    c2.step = 1;
    r2.step = 3;
    r2.pkey = second_key;
    vc[2 * WMM_CANDS + 0] = 5; /* the options' messages, newest first */
    vc[2 * WMM_CANDS + 1] = 3;
    struct det_event e2[2] = { c2, r2 };
    det_dfs_record(d, l2, 3);
    return det_dfs_dpor(d, l2, 3, e2, 2);
}

static void an_old_reading_stays_asleep_after_a_newer_commit(void **st)
{
    (void)st;
    struct det_dfs d;
    vsleep(6, DET_RF_ALLC, 1, &d);
    assert_int_equal(d.blocked, 0);
    assert_int_equal(d.st[2].sleep, 2); /* option 1, the old message */
    det_dfs_free(&d);
    assert_int_equal(vsleep(4, DET_RF_ALLC, 1, &d), 0); /* took the old one: explored */
    assert_int_equal(d.blocked, 1);
    det_dfs_free(&d);
    vsleep(6, 0, 1, &d);
    assert_int_equal(d.blocked, 0);
    assert_int_equal(d.st[2].sleep, 0);
    det_dfs_free(&d);
    vsleep(6, DET_RF_ALLC, 0, &d); /* off (the default): plain sleep sets */
    assert_int_equal(d.blocked, 0);
    assert_int_equal(d.st[2].sleep, 0);
    det_dfs_free(&d);
}

/* The daemon (t1) sleeps, t0's IPI wakes it and it writes x; t2 is
 * runnable at the IPI's decision.  The IPI causes the wake: no race there
 * (t1 could not run at the IPI's decision; classic DPOR's fallback put
 * every option, t2 too, there).  The sleep and the IPI still race: the
 * IPI first is tried where t1 slept. */
static void an_ipi_causes_the_wake(void **st)
{
    (void)st;
    struct det_logent log[3] = { run(3 | 4, 1, 1), run(1 | 4, 0, 1), run(2 | 4, 1, 0) };
    struct det_event ev[4] = { ev_(1, 1, EV_SLEEP, 0, 0, 0, 0), ev_(2, 0, EV_IPI, 0, 0, 0, 0),
                               ev_(3, 1, EV_WAKE, 0, 0, 0, 1), ev_(3, 1, EV_WRITE, 16, 4, 0, 1) };
    uint64_t bt[3] = { 2, 1, 2 };
    assert_int_equal(det_dpor_races(log, 3, ev, 4, DM_SC, bt), 1);
    assert_int_equal(bt[0], 2 | 1); /* the IPI before the sleep */
    assert_int_equal(bt[1], 1);     /* nothing more at the IPI */
    /* a dropped IPI (its second event, off 1) wakes nobody: the wake is
     * not ordered after it, and the race falls back to every option */
    struct det_event dr[5] = { ev[0], ev[1], ev_(2, 0, EV_IPI, 1, 0, 0, 1), ev[2], ev[3] };
    uint64_t bt2[3] = { 2, 1, 2 };
    det_dpor_races(log, 3, dr, 5, DM_SC, bt2);
    assert_int_equal(bt2[1], 1 | 4);
}

/* t1 spins on x (a first read, a turn), t0 writes x = 1 and y in one step
 * (t1, a spinner, is no option there), t1's next turn sees x = 1 (the
 * loop's exit) and reads y.  The exit re-read starts no race but orders
 * t1's read of y after t0's step: only the first read's race is left.
 * Without that order, y's race fell back to every option at t0's step. */
static void a_loops_exit_read_orders_what_follows(void **st)
{
    (void)st;
    struct det_logent log[4] = { run(3 | 4, 1, 1), run(3 | 4, 1, 1), run(1 | 4, 0, 1), run(2 | 4, 1, 0) };
    struct det_event ev[5] = { ev_(1, 1, EV_READ, 16, 4, 0, 0), ev_(2, 1, EV_READ, 16, 4, 0, 0),
                               ev_(3, 0, EV_WRITE, 16, 4, 0, 1), ev_(3, 0, EV_WRITE, 64, 4, 0, 5),
                               ev_(4, 1, EV_READ, 16, 4, 0, 1) };
    struct det_event ev2[6];
    memcpy(ev2, ev, sizeof ev);
    ev2[5] = ev_(4, 1, EV_READ, 64, 4, 0, 5);
    ev2[5].pc = 0x500; /* another instruction */
    uint64_t bt[4] = { 2, 2, 1, 2 };
    setenv("HVSIM_DPOR_NO_AWAIT", "1", 1); /* the await rule would drop the first read's race too */
    assert_int_equal(det_dpor_races(log, 4, ev2, 6, DM_SC, bt), 1);
    unsetenv("HVSIM_DPOR_NO_AWAIT");
    assert_int_equal(bt[0], 2 | 1); /* t0's write before the loop's first read */
    assert_int_equal(bt[2], 1);     /* no fallback at t0's step */
    /* with it, the first read is an await loop's failed turn, ended by
     * t0's write (an_await_turn_is_no_race): no race at all */
    uint64_t bs[4] = { 2, 2, 1, 2 };
    assert_int_equal(det_dpor_races(log, 4, ev2, 6, DM_SC, bs), 0);
    assert_int_equal(bs[0], 2);
    assert_int_equal(bs[2], 1);
}

/* tso: t0 stores x (buffered), then reads r, then fences (x drains, traced
 * after the fence); t1 reads x = 1 and writes r.  The drain of x commutes
 * with t0's steps after its store (a load, the fence that forced it): it
 * could have drained before t0 read r, and t1's write of r can then come
 * first.  Ordered after the fence, the drain put t1's step after t0's read
 * of r and that race was never seen (verify_1x2: behaviours sc shows). */
static void a_drain_commutes_with_its_threads_later_steps(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[4] = { run(3, 0, 0), run(3 | D0, 0, 0), run(3 | D0, 0, 0), run(2 | 1, 1, 0) };
    struct det_event ev[6] = { ev_(1, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1), ev_(2, 0, EV_READ, 64, 4, 0, 0),
                               ev_(3, 0, EV_FENCE, 0, 0, 5, 1), ev_(3, 0, EV_DRAIN, 16, 4, 0, 1),
                               ev_(4, 1, EV_READ, 16, 4, 0, 1), ev_(4, 1, EV_WRITE, 64, 4, 0, 1) };
    uint64_t bt[4] = { 1, 1, 1, 2 };
    det_dpor_races(log, 4, ev, 6, DM_TSO, bt);
    assert_true(bt[1] & D0); /* x drains alone before t0 reads r */
}

/* tso: t0 stores x, then in one step reads r, stores w and fences: x and w
 * drain in one run after the fence.  The run splits where the drained
 * entries' stores change: x's drain, stored before the step, may come
 * before it (t1 reads x = 1 and writes r before t0 reads r); w's may not. */
static void a_run_of_drains_splits_by_their_stores(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[3] = { run(3, 0, 0), run(3 | D0, 0, 0), run(2 | 1, 1, 0) };
    struct det_event ev[8] = { ev_(1, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1), ev_(2, 0, EV_READ, 64, 4, 0, 0),
                               ev_(2, 0, EV_WRITE, 32, 4, DET_EV_BUFFERED, 7), ev_(2, 0, EV_FENCE, 0, 0, 5, 1),
                               ev_(2, 0, EV_DRAIN, 16, 4, 0, 1), ev_(2, 0, EV_DRAIN, 32, 4, 0, 7),
                               ev_(3, 1, EV_READ, 16, 4, 0, 1), ev_(3, 1, EV_WRITE, 64, 4, 0, 1) };
    uint64_t bt[3] = { 1, 1, 2 };
    det_dpor_races(log, 3, ev, 8, DM_TSO, bt);
    assert_true(bt[1] & D0); /* x's drain alone before t0's step */
}

/* tso: t0 stores a, then b (two steps), then fences: a and b drain in
 * the fence's step.  t1 reads a (1), then b (1).  Reversing b's drain with
 * t1's read of b needs a's drain first (t1's read of a comes after it),
 * but a branch at the fence's decision puts t1 before both drains: the
 * buffer's head drained alone there is the step toward it. */
static void a_drain_alone_before_its_fence(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[5] = { run(3, 0, 0), run(3 | D0, 0, 0), run(3 | D0, 0, 0), run(3, 1, 0), run(2, 1, 1) };
    struct det_event ev[7] = { ev_(1, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1),
                               ev_(2, 0, EV_WRITE, 64, 4, DET_EV_BUFFERED, 1), ev_(3, 0, EV_FENCE, 0, 0, 5, 2),
                               ev_(3, 0, EV_DRAIN, 16, 4, 0, 1), ev_(3, 0, EV_DRAIN, 64, 4, 0, 1),
                               ev_(4, 1, EV_READ, 16, 4, 0, 1), ev_(5, 1, EV_READ, 64, 4, 0, 1) };
    ev[6].pc = 0x500;
    uint64_t bt[5] = { 1, 1, 1, 2, 2 };
    det_dpor_races(log, 5, ev, 7, DM_TSO, bt);
    assert_true(bt[2] & D0);
}

/* tso: t0 stores x = 0, then x = 1 (two steps), then fences: both drain
 * in the fence's step, and t1 then reads x = 1.  Between the two drains
 * t1 would read 0: the reversal of the second drain with the read needs
 * the first before it, and the buffer's head drained alone at the fence's
 * decision is the step toward it.  The read meets both drains in one
 * event; that once counted as meeting the later one first (verify_1x2:
 * the CPU's read of need_wakeup = 0 between the daemon's two drains of
 * it, a behaviour sc shows that tso did not reach). */
static void a_read_between_two_drains_of_its_bytes(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[4] = { run(3, 0, 0), run(3 | D0, 0, 0), run(3 | D0, 0, 0), run(2, 1, 0) };
    struct det_event ev[6] = { ev_(1, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 0),
                               ev_(2, 0, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1), ev_(3, 0, EV_FENCE, 0, 0, 5, 2),
                               ev_(3, 0, EV_DRAIN, 16, 4, 0, 0), ev_(3, 0, EV_DRAIN, 16, 4, 0, 1),
                               ev_(4, 1, EV_READ, 16, 4, 0, 1) };
    uint64_t bt[4] = { 1, 1, 1, 2 };
    det_dpor_races(log, 4, ev, 6, DM_TSO, bt);
    assert_true(bt[2] & D0);
}

/* arm: t0 stores x, reads r, then fences (x commits inside the fence's
 * step); t1 reads x = 1 and stores r, committed at its end.  x's commit
 * commutes with t0's steps after its store that do not touch x's granule
 * (the read of r, the fence that forced it): it could have landed before
 * t0 read r, and t1's store of r can then come first.  Ordered after the
 * fence, the commit put t1's steps after t0's read of r and that race was
 * never seen (verify_1x2: 26 of sc's behaviours missing under arm and
 * riscv, the daemon's answer committed by its sleep fence). */
static void a_commit_commutes_with_its_threads_later_steps(void **st)
{
    (void)st;
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[4] = { run(3, 0, 0), run(3 | D0, 0, 0), run(3 | D0, 0, 0), run(2, 1, 1) };
    struct det_event ev[7] = { ev_(1, 0, EV_WRITE, 16, 8, DET_EV_BUFFERED, 1), ev_(2, 0, EV_READ, 64, 8, 0, 0),
                               ev_(3, 0, EV_FENCE, 0, 0, 5, 1), commit(0, 16, 1),
                               ev_(4, 1, EV_READ, 16, 8, 0, 1), ev_(4, 1, EV_WRITE, 64, 8, DET_EV_BUFFERED, 1),
                               commit(1, 64, 1) };
    ev[3].step = 3;
    ev[6].step = 4;
    ev[2].view = DET_VIEW_NONE; /* the fence raised no view: it observes no other commit */
    uint64_t bt[4] = { 1, 1, 1, 2 };
    det_dpor_races(log, 4, ev, 7, DM_ARM, bt);
    assert_true(bt[1] & D0); /* x commits before t0 reads r */
}

/* arm and riscv: thread 0 stores to granule 8, its buffer commits the
 * entry (a decision of its own), then thread 0 takes a step: an acquire
 * load of granule 2 whose view (V = 7) holds the commit's timestamp 5, a
 * fence, a store to granule 2, or a load of granule 8.  A step that does
 * not touch granule 8 commutes with the commit, or commits the entry
 * itself (ldar a stlr entry, a full fence every entry): reversed, the
 * daemon's poll loop, its fences and its sleep went first at every
 * decision where an earlier commit of its own was chosen.  A load of the
 * same granule still races. */
static int commit_then_own_step(int kind, uint32_t off, int model)
{
    uint64_t D0 = 1ull << DET_ACT_DRAIN;
    struct det_logent log[3] = { run(1, 0, 0), run(1 | D0, DET_ACT_DRAIN, 0), run(1 | D0, 0, 0) };
    int mo = kind == EV_WRITE ? DET_EV_BUFFERED : 2;
    struct det_event ev[3] = { ev_(1, 0, EV_WRITE, 64, 8, DET_EV_BUFFERED, 1), commit(0, 64, 1),
                               ev_(3, 0, kind, off, kind == EV_FENCE ? 0 : 8, mo, 0) };
    ev[1].step = 2;
    ev[1].view = 5;
    ev[2].view = kind == EV_FENCE ? DET_VIEW_ALL : 7 + 2;
    uint64_t bt[3] = { 1, D0, 1 };
    return det_dpor_races(log, 3, ev, 3, model, bt);
}

static void a_commit_commutes_with_its_threads_later_steps_elsewhere(void **st)
{
    (void)st;
    assert_int_equal(commit_then_own_step(EV_ALOAD, 16, DM_ARM), 0);
    assert_int_equal(commit_then_own_step(EV_ALOAD, 16, DM_RISCV), 0);
    assert_int_equal(commit_then_own_step(EV_FENCE, 0, DM_ARM), 0);
    assert_int_equal(commit_then_own_step(EV_WRITE, 16, DM_RISCV), 0);
    assert_int_equal(commit_then_own_step(EV_ALOAD, 64, DM_ARM), 1);
    assert_int_equal(commit_then_own_step(EV_READ, 64, DM_ARM), 1);
    /* a store joining the buffer behind the entry, on its granule: FIFO, the same state either way */
    assert_int_equal(commit_then_own_step(EV_WRITE, 64, DM_ARM), 0);
}

/* arm: thread 1 stores a value (granule 8), a barrier, then a flag
 * (granule 2); its full fence commits both, the value (mark 1, timestamp
 * 5) and the flag (mark 2, timestamp 6): one segment of commits.  Thread
 * 0 then reads the flag with acquire (its view rises to 6, from the
 * flag's message) and the value (it takes timestamp 5), or the value
 * first.  Flag first: thread 0's read of the value comes after its read
 * of a message that lands after the value's commit in every execution,
 * so nothing reverses them.  Value first: that read can come before the
 * commit, a race. */
static int value_behind_a_flag(int flag_first)
{
    struct det_logent log[3] = { run(3, 1, 1), run(3, 1, 1), run(3, 0, 1) };
    struct det_event fl = ev_(3, 0, EV_ALOAD, 16, 8, 2, 1), va = ev_(3, 0, EV_READ, 64, 8, 0, 7);
    fl.pkey = 6 + 1;
    fl.view = 6 + 2;
    fl.rflags = DET_RF_ALLC;
    va.pkey = 5 + 1;
    va.view = DET_VIEW_NONE;
    va.rflags = DET_RF_ALLC;
    va.pc = 0x500;
    struct det_event ev[7] = { ev_(1, 1, EV_WRITE, 64, 8, DET_EV_BUFFERED, 7), ev_(1, 1, EV_WRITE, 16, 8, DET_EV_BUFFERED, 1),
                               ev_(2, 1, EV_FENCE, 0, 0, 5, 0), commit(1, 64, 1), commit(1, 16, 2),
                               flag_first ? fl : va, flag_first ? va : fl };
    ev[2].view = DET_VIEW_ALL;
    ev[3].step = ev[4].step = 2;
    ev[3].view = 5;
    ev[4].view = 6;
    uint64_t bt[3] = { 2, 2, 1 };
    return det_dpor_races(log, 3, ev, 7, DM_ARM, bt);
}

static void a_read_behind_a_later_barriers_message_is_no_race(void **st)
{
    (void)st;
    assert_int_equal(value_behind_a_flag(1), 0);
    assert_int_equal(value_behind_a_flag(0), 1); /* the value's commit and the read of it */
}

/* sc: t1 writes y, then waits for x (its first read sees 0); t0 writes
 * x = 1 and reads y; t1's loop sees x = 1 by the same instruction.  The
 * wait's failed turn and the write that ends it are no race (t1 not
 * looking until x = 1 is this execution less the turn), and they order
 * nothing: t0's read of y still races with t1's write of y.  Ordered
 * through the turn, that race was hidden (verify_1x1 lost a behaviour). */
static int await_turn(int exit_pc_off, uint64_t *bt)
{
    struct det_logent log[5] = { run(3, 1, 1), run(3, 1, 1), run(3, 0, 1), run(3, 0, 0), run(3, 1, 0) };
    struct det_event ev[5] = { ev_(1, 1, EV_ASTORE, 64, 4, 0, 1), ev_(2, 1, EV_ALOAD, 16, 4, 0, 0),
                               ev_(3, 0, EV_ASTORE, 16, 4, 0, 1), ev_(4, 0, EV_ALOAD, 64, 4, 0, 1),
                               ev_(5, 1, EV_ALOAD, 16, 4, 0, 1) };
    ev[3].pc = 0x600;
    ev[4].pc += (uint64_t)exit_pc_off;
    for (int k = 0; k < 5; k++)
        bt[k] = 1ull << log[k].chosen;
    return det_dpor_races(log, 5, ev, 5, DM_SC, bt);
}

static void an_await_turn_is_no_race(void **st)
{
    (void)st;
    uint64_t bt[5];
    await_turn(0, bt);
    assert_false(bt[1] & 1); /* x = 1 not tried before the wait's first read */
    assert_true(bt[0] & 1);  /* t0 (its read of y) before t1's write of y */
    /* another instruction sees x = 1: no loop's turn, the race stays */
    await_turn(4, bt);
    assert_true(bt[1] & 1);
}

/* arm: t0 waits for x with acquire loads by one instruction; its first
 * read takes the initial bytes (timestamp 0), t1 stores x = 1, its buffer
 * commits it (timestamp 5) and t0's next turn takes that message.  The
 * turn and the commit are no race: t1's commit before t0's first read,
 * that read taking its message, is this execution less the turn (the
 * read's post-view and coh(x) are the newest timestamp taken).  The race
 * stays when the exit took another message than the commit's (how) = 1,
 * or is a plain load, another order than the turn's (how = 2). */
static uint64_t wmm_await_turn(int how)
{
    uint64_t D1 = 1ull << (DET_ACT_DRAIN + 1);
    struct det_logent log[4] = { run(3, 0, 0), run(3, 1, 0), run(3 | D1, DET_ACT_DRAIN + 1, 1), run(3, 0, 1) };
    struct det_event ev[4] = { ev_(1, 0, EV_ALOAD, 16, 8, 2, 0), ev_(2, 1, EV_WRITE, 16, 8, DET_EV_BUFFERED, 1),
                               commit(1, 16, 1), ev_(4, 0, how == 2 ? EV_READ : EV_ALOAD, 16, 8, how == 2 ? 0 : 2, 1) };
    ev[0].pkey = 0 + 1;
    ev[0].view = DET_VIEW_NONE;
    ev[2].step = 3;
    ev[2].view = 5;
    ev[3].pkey = (how == 1 ? 4 : 5) + 1;
    ev[3].view = how == 2 ? DET_VIEW_NONE : 5 + 2;
    ev[0].rflags = ev[3].rflags = DET_RF_ALLC;
    uint64_t bt[4] = { 1, 2, D1, 1 };
    det_dpor_races(log, 4, ev, 4, DM_ARM, bt);
    return bt[0];
}

static void a_weak_await_turn_is_no_race(void **st)
{
    (void)st;
    assert_false(wmm_await_turn(0) & 2); /* t1 not tried before the wait's first read */
    assert_true(wmm_await_turn(1) & 2);
    assert_true(wmm_await_turn(2) & 2);
    setenv("HVSIM_DPOR_NO_AWAIT", "1", 1); /* the rule off: the race is there */
    assert_true(wmm_await_turn(0) & 2);
    unsetenv("HVSIM_DPOR_NO_AWAIT");
}

/* arm: a wait on a granule that holds two fields (ring_pending reads
 * req_rear by an acquire and req_front relaxed, one granule of the
 * model): t0's turn reads both, taking the initial message; t1 commits
 * the granule (timestamp 5); t0's read by the turn's first instruction
 * takes that message and sees another value.  No race (granule_turns in
 * det_dpor_await.c): t1's commit first, t0's first read taking it, is
 * this execution less the turn.  It stays when the end took another
 * message (how = 1) and with the rule off (how = 2). */
static uint64_t granule_turn(int how)
{
    uint64_t D1 = 1ull << (DET_ACT_DRAIN + 1);
    struct det_logent log[4] = { run(3, 0, 0), run(3, 1, 0), run(3 | D1, DET_ACT_DRAIN + 1, 1), run(3, 0, 1) };
    struct det_event ev[5] = { ev_(1, 0, EV_ALOAD, 20, 4, 2, 0), ev_(1, 0, EV_READ, 16, 4, 0, 0),
                               ev_(2, 1, EV_WRITE, 20, 4, DET_EV_BUFFERED, 1), commit(1, 16, 1),
                               ev_(4, 0, EV_ALOAD, 20, 4, 2, 1) };
    ev[1].pc = 0x500; /* another instruction: the field beside */
    ev[0].pkey = ev[1].pkey = 0 + 1;
    ev[0].view = ev[1].view = DET_VIEW_NONE;
    ev[3].step = 3;
    ev[3].view = 5;
    ev[4].pkey = (how == 1 ? 4 : 5) + 1;
    ev[4].view = 5 + 2;
    ev[0].rflags = ev[1].rflags = ev[4].rflags = DET_RF_ALLC;
    uint64_t bt[4] = { 1, 2, D1, 1 };
    arm_races_with_rule_off("HVSIM_DPOR_NO_GTURN", how == 2, log, 4, ev, 5, bt);
    return bt[0];
}

static void a_wait_on_a_granule_of_two_fields_is_no_race(void **st)
{
    (void)st;
    assert_false(granule_turn(0) & 2); /* t1 not tried before the wait's first read */
    assert_true(granule_turn(1) & 2);
    assert_true(granule_turn(2) & 2);
}

/* arm: t0's wait on granule 16..23 reads the initial message; t1
 * commits req_rear = 1 (timestamp 5), then req_rear = 2 (timestamp 6);
 * t0's read by the same instruction, a spinner's (offered the newest
 * only), takes the second.  t0 reading the first commit's message is
 * not lost: the race of the wait's first read with that commit moves to
 * the end and the commit it took (moved_races in det_dpor.c): t0 is
 * tried before the second commit, where it reads the first, and not
 * before its first read.  With the move off (move = 0) the first read
 * races with the first commit. */
static void moved_wait(int move, uint64_t *bt)
{
    uint64_t D1 = 1ull << (DET_ACT_DRAIN + 1);
    struct det_logent log[6] = { run(3, 0, 0), run(3, 1, 0), run(3 | D1, DET_ACT_DRAIN + 1, 1),
                                 run(3 | D1, 1, 1), run(3 | D1, DET_ACT_DRAIN + 1, 1), run(3, 0, 1) };
    struct det_event ev[6] = { ev_(1, 0, EV_ALOAD, 20, 4, 2, 0), ev_(2, 1, EV_WRITE, 20, 4, DET_EV_BUFFERED, 1),
                               commit(1, 16, 1), ev_(4, 1, EV_WRITE, 20, 4, DET_EV_BUFFERED, 2),
                               commit(1, 16, 1), ev_(6, 0, EV_ALOAD, 20, 4, 2, 2) };
    ev[0].pkey = 0 + 1;
    ev[0].view = DET_VIEW_NONE;
    ev[0].rflags = DET_RF_ALLC;
    ev[2].step = 3;
    ev[2].view = 5;
    ev[2].val = 1ull << 32;
    ev[4].step = 5;
    ev[4].view = 6;
    ev[4].val = 2ull << 32;
    ev[5].pkey = 6 + 1;
    ev[5].view = 6 + 2; /* a spinner's read: not offered every message */
    for (int k = 0; k < 6; k++)
        bt[k] = 1ull << log[k].chosen;
    if (!move)
        setenv("HVSIM_DPOR_NO_MOVE", "1", 1);
    det_dpor_races(log, 6, ev, 6, DM_ARM, bt);
    unsetenv("HVSIM_DPOR_NO_MOVE");
}

static void a_waits_race_moves_to_its_end(void **st)
{
    (void)st;
    uint64_t bt[6];
    moved_wait(1, bt);
    assert_false(bt[0] & 2); /* t1 not tried before the wait's first read */
    assert_true(bt[4] & 1);  /* t0 tried before the second commit */
    moved_wait(0, bt);
    assert_true(bt[0] & 2);
    assert_false(bt[4] & 1);
}

/* arm, a lock on a private word (private atomics stay SC, each a sync
 * that raises its thread's view to the clock): t0 takes the lock, t1's
 * exchange fails (it writes the 1 the word holds), t0 releases it, and
 * t1's exchange by the same instruction takes it.  The failed turn and
 * the release are no race, as under sc: t1 not trying until the release
 * is this execution less the turn, and the end's raise is above the
 * turn's.  The race stays (own = 1) when t1's turn committed a store of
 * its own buffer first: without the turn that commit lands later. */
static uint64_t wmm_lock_turn(int own)
{
    struct det_logent log[4] = { run(3, 0, 0), run(3, 1, 0), run(3, 0, 1), run(3, 1, 0) };
    struct det_event ev[5];
    uint32_t n = 0;
    ev[n++] = priv_(0, EV_RMW, 7);
    if (own)
        ev[n++] = commit(1, 64, 1);
    ev[n++] = priv_(1, EV_RMW, 7);
    ev[n++] = priv_(0, EV_ASTORE, 7);
    ev[n++] = priv_(1, EV_RMW, 7);
    static const uint32_t step[2][5] = { { 1, 2, 3, 4 }, { 1, 2, 2, 3, 4 } }; /* decision + 1 */
    for (uint32_t k = 0; k < n; k++) {
        ev[k].step = step[own][k];
        if (ev[k].kind != EV_DRAIN)
            ev[k].view = 2; /* raised to the clock, 0 */
    }
    ev[n - 2].val = 0; /* the release */
    uint64_t bt[4] = { 1, 2, 1, 2 };
    det_dpor_races(log, 4, ev, n, DM_ARM, bt);
    return bt[1];
}

static void a_lock_turn_is_no_race_under_arm(void **st)
{
    (void)st;
    assert_false(wmm_lock_turn(0) & 1); /* t0's release not tried before t1's failed turn */
    assert_true(wmm_lock_turn(1) & 1);
    setenv("HVSIM_DPOR_NO_AWAIT", "1", 1); /* the rule off: the race is there */
    assert_true(wmm_lock_turn(0) & 1);
    unsetenv("HVSIM_DPOR_NO_AWAIT");
}

/* arm: t0 reads req_front (bytes 0-3 of the granule at 16) = 0, the
 * initial bytes; t1 stores req_rear (bytes 4-7) = 1 and its buffer commits
 * the granule (0 in bytes 0-3, timestamp 5).  Reversed, t0 could take that
 * message, whose bytes 0-3 are the 0 it read, with higher bounds: dominated
 * by this execution, so no race (det_dpor_dominate.c).  The race stays
 * when the commit changes t0's bytes (how 1: t1 stores req_front = 1) and
 * with the rule off (how 2). */
static uint64_t dominated_read(int how)
{
    uint64_t D1 = 1ull << (DET_ACT_DRAIN + 1);
    uint32_t off = how == 1 ? 16 : 20;
    struct det_logent log[3] = { run(3, 0, 0), run(3, 1, 0), run(2 | D1, DET_ACT_DRAIN + 1, 1) };
    struct det_event ev[3] = { ev_(1, 0, EV_ALOAD, 16, 4, 0, 0), ev_(2, 1, EV_WRITE, off, 4, DET_EV_BUFFERED, 1),
                               commit(1, 16, 1) };
    ev[0].pkey = 0 + 1;
    ev[0].view = DET_VIEW_NONE;
    ev[0].rflags = DET_RF_ALLC;
    ev[2].step = 3;
    ev[2].view = 5;
    ev[2].val = how == 1 ? 1 : 1ull << 32;
    uint64_t bt[3] = { 1, 2, D1 };
    arm_races_with_rule_off("HVSIM_DPOR_NO_DOMINATE", how == 2, log, 3, ev, 3, bt);
    return bt[0];
}

static void a_read_left_its_value_by_a_later_commit_is_no_race(void **st)
{
    (void)st;
    assert_false(dominated_read(0) & (2 | (1ull << (DET_ACT_DRAIN + 1))));
    assert_true(dominated_read(1) & (2 | (1ull << (DET_ACT_DRAIN + 1))));
    assert_true(dominated_read(2) & (2 | (1ull << (DET_ACT_DRAIN + 1))));
}

/* t1 stores x (buffered) and commits it (timestamp 5); t0 then reads x,
 * taking that message, its view raised to 5 — by a sync before the read
 * (a kernel entry charged to it: DET_RF_PRE), or by nothing before it.
 * Raised before the read, the view observed the commit, and the read
 * before the commit would see the old x: a race, t0 tried first at the
 * commit's decision (clang's verify_1x1 under arm: the CPU's kick
 * observing the daemon's flag commit).  Read with no raise before it,
 * the read after the commit is offered all it would be before it: no
 * race (read_of_newer). */
static uint64_t read_after_a_raise(int pre)
{
    uint64_t D1 = 1ull << (DET_ACT_DRAIN + 1);
    struct det_logent log[3] = { run(3, 1, 0), run(1 | D1, DET_ACT_DRAIN + 1, 1), run(1 | D1, 0, 0) };
    struct det_event ev[3] = { ev_(1, 1, EV_WRITE, 16, 4, DET_EV_BUFFERED, 1), commit(1, 16, 1),
                               ev_(3, 0, EV_READ, 16, 4, 0, 1) };
    ev[1].step = 2;
    ev[1].view = 5;
    ev[1].val = 1;
    ev[2].pkey = 5 + 1; /* the message of timestamp 5 */
    ev[2].rflags = DET_RF_ALLC | (pre ? DET_RF_PRE : 0);
    ev[2].view = pre ? 5 + 2 : DET_VIEW_NONE;
    uint64_t bt[3] = { 2, D1, 1 };
    det_dpor_races(log, 3, ev, 3, DM_ARM, bt);
    return bt[1];
}

static void a_read_after_a_view_raise_races_with_the_commit_it_took(void **st)
{
    (void)st;
    assert_true(read_after_a_raise(1) & 1);
    assert_false(read_after_a_raise(0) & 1);
}

/* arm: t1 stores x then y (no barrier between them) and a fence commits
 * both, x first (timestamps 5, 6); later t0 reads y, taking its message,
 * and then, in a transition of its own, x.  With no barrier y may commit
 * alone before the fence, and t0 then sees y without x: no reversal of two
 * transitions is that order, so the drain of y's granule is tried at the
 * fence's decision (det_dpor_mp.c).  When t0 reads x first, or a barrier
 * lies between the stores (y's mark 2), nothing to try. */
static uint64_t flag_then_value(int rule, int y_first, uint32_t y_mark)
{
    uint64_t D1 = 1ull << (DET_ACT_DRAIN + 1), o = 1 | 2 | D1;
    struct det_logent log[5] = { run(3, 1, 1), run(3 | D1, 1, 1), run(o, 1, 1), run(o, 0, 1), run(o, 0, 0) };
    struct det_event ry = ev_(4, 0, EV_READ, 64, 8, 0, 1), rx = ev_(5, 0, EV_READ, 16, 8, 0, 1);
    ry.pkey = 6 + 1;
    rx.pkey = 5 + 1;
    ry.view = rx.view = DET_VIEW_NONE;
    ry.rflags = rx.rflags = DET_RF_ALLC;
    rx.pc = 0x500;
    if (!y_first) {
        ry.step = 5;
        rx.step = 4;
    }
    /* both stores in one step: a fence's run of commits is split by the
     * stores' segments (det_dpor.c), and across segments the race of
     * x's commit with the read of x is what tries y's commit first */
    struct det_event ev[7] = { ev_(1, 1, EV_WRITE, 16, 8, DET_EV_BUFFERED, 1), ev_(1, 1, EV_WRITE, 64, 8, DET_EV_BUFFERED, 1),
                               ev_(3, 1, EV_FENCE, 0, 0, 5, 0), commit(1, 16, 1), commit(1, 64, y_mark),
                               y_first ? ry : rx, y_first ? rx : ry };
    ev[2].view = DET_VIEW_ALL;
    ev[3].step = ev[4].step = 3;
    ev[3].view = 5;
    ev[4].view = 6;
    ev[3].val = ev[4].val = 1;
    uint64_t bt[5] = { 2, 2, 2, 1, 1 };
    arm_races_with_rule_off("HVSIM_DPOR_NO_MP", !rule, log, 5, ev, 7, bt);
    return bt[2] & D1;
}

static void a_later_commit_alone_for_a_reader_of_both(void **st)
{
    (void)st;
    assert_true(flag_then_value(1, 1, 1));
    assert_false(flag_then_value(0, 1, 1));
    assert_false(flag_then_value(1, 0, 1));
    assert_false(flag_then_value(1, 1, 2));
}

/* t2 polls x (a first read, a turn), t0 writes x = 1, t1 writes x = 2,
 * and t2's next turn sees 2.  That exit re-read saw the second change
 * since its last turn: before t1's write it would see 1, which no turn
 * saw, so it races with t1's write like any read (the daemon's poll loop
 * seeing req_rear = 2 between two CPUs' pushes).  After one change only,
 * it is a further turn and no race. */
static int poll_exit(int writes, uint64_t *bt)
{
    struct det_logent log[5] = { run(7, 2, 2), run(7, 2, 2), run(7, 0, 2), run(7, 1, 0), run(7, 2, 1) };
    struct det_event ev[5] = { ev_(1, 2, EV_ALOAD, 16, 4, 0, 0), ev_(2, 2, EV_ALOAD, 16, 4, 0, 0),
                               ev_(3, 0, EV_ASTORE, 16, 4, 0, 1), ev_(4, 1, EV_ASTORE, 64, 4, 0, 9),
                               ev_(5, 2, EV_ALOAD, 16, 4, 0, 1) };
    if (writes == 2) { /* t1 writes x = 2 instead of y */
        ev[3].off = 16;
        ev[3].val = 2;
        ev[4].val = 2;
    }
    for (int k = 0; k < 5; k++)
        bt[k] = 1ull << log[k].chosen;
    return det_dpor_races(log, 5, ev, 5, DM_TSO, bt);
}

static void an_exit_read_after_two_changes_races(void **st)
{
    (void)st;
    uint64_t bt[5];
    poll_exit(2, bt);
    assert_true(bt[3] & 4); /* t2's turn before t1's write: it sees 1 */
    poll_exit(1, bt);
    assert_false(bt[3] & 4);
    assert_false(bt[2] & 4); /* the exit re-read of the one change: no race either */
}

/* t2 polls x (a turn that sees 0), t0 writes x = 1, t2's exit re-read
 * sees 1, then t1 writes x = 2.  The exit re-read is no race with the
 * write it saw (one more turn would see it), but before t1's write it
 * stands for every turn the loop might make: with t1's write first it
 * sees 2, having never seen 1 (the daemon's poll loop skipping
 * req_rear = 2 between two CPUs' pushes).  Taken for no race, 12 of sc's
 * 822 behaviours were missing under tso on 3 CPUs with one read each. */
static int exit_then_write(int model, uint64_t *bt)
{
    struct det_logent log[5] = { run(7, 2, 2), run(7, 2, 2), run(7, 0, 2), run(7, 2, 0), run(7, 1, 2) };
    struct det_event ev[5] = { ev_(1, 2, EV_ALOAD, 16, 4, 0, 0), ev_(2, 2, EV_ALOAD, 16, 4, 0, 0),
                               ev_(3, 0, EV_ASTORE, 16, 4, 0, 1), ev_(4, 2, EV_ALOAD, 16, 4, 0, 1),
                               ev_(5, 1, EV_ASTORE, 16, 4, 0, 2) };
    for (int k = 0; k < 5; k++)
        bt[k] = 1ull << log[k].chosen;
    return det_dpor_races(log, 5, ev, 5, model, bt);
}

static void an_exit_read_races_with_a_later_write(void **st)
{
    (void)st;
    uint64_t bt[5];
    for (int model = DM_SC; model <= DM_TSO; model++) {
        exit_then_write(model, bt);
        assert_true(bt[3] & 2);  /* t1's write before the exit re-read */
        assert_false(bt[2] & 4); /* the write it saw: no race */
    }
}

/* An arm dpor search whose first execution (nodes 0-1, event e[0]) took
 * the newest message at value choice 1: the next prefix takes the other. */
static void to_the_stale_message(struct det_dfs *d, const struct det_logent *l, const struct det_event *e)
{
    uint8_t pre[8];
    det_dfs_init(d, 64);
    d->dpor = 1;
    d->model = DM_ARM;
    det_dfs_record(d, l, 2);
    det_dfs_dpor(d, l, 2, e, 1);
    assert_int_equal(det_dfs_next(d, pre, 8), 2); /* node 1's other message */
    assert_int_equal(pre[1], DET_ACT_CHOICE + 1);
}

/* arm: t0 waits for x by one instruction; its read (a value choice: the
 * newest message, option 0, or a stale one, option 1) came first; t1
 * stores x = 1 and t0's next turn sees it.  The second execution takes the
 * stale message at the value choice: a failed turn of the wait, explored
 * already (det_dpor_stale.c) — counted, its races not analysed, and the
 * value choice under it (node 4) not explored.  When the loop's next read
 * is another instruction (end_pc_off), the read is no turn: analysed,
 * and node 4's options stay. */
static uint64_t stale_turn(int end_pc_off, int newest, struct det_dfs *d)
{
    struct det_logent l[5] = { run(3, 0, 0), run(3, 0, 0), run(3, 1, 0), run(3, 0, 1), run(3, 0, 0) };
    l[1].kind = l[4].kind = DET_KIND_LOAD;
    l[1].chosen = l[4].chosen = DET_ACT_CHOICE;
    struct det_event e[3] = { ev_(2, 0, EV_ALOAD, 16, 4, 0, 0), ev_(3, 1, EV_ASTORE, 16, 4, 0, 1),
                              ev_(4, 0, EV_ALOAD, 16, 4, 0, 1) };
    e[2].pc += (uint64_t)end_pc_off;
    to_the_stale_message(d, l, e);
    if (!newest)
        l[1].chosen = DET_ACT_CHOICE + 1;
    else
        d->plen = 1; /* as if it had left the one before at node 0 */
    det_dfs_record(d, l, 5);
    det_dfs_dpor(d, l, 5, e, 3);
    uint64_t bt4 = d->st[4].bt;
    return bt4;
}

static void a_waits_stale_failed_turn_is_explored_already(void **st)
{
    (void)st;
    struct det_dfs d;
    assert_int_equal(stale_turn(0, 0, &d), 1); /* node 4: its first option only */
    assert_int_equal(d.stale, 1);
    det_dfs_free(&d);
    assert_int_equal(stale_turn(4, 0, &d), 3); /* no turn: every option */
    assert_int_equal(d.stale, 0);
    det_dfs_free(&d);
    assert_int_equal(stale_turn(0, 1, &d), 3); /* the newest message: not stale */
    assert_int_equal(d.stale, 0);
    det_dfs_free(&d);
    setenv("HVSIM_DPOR_NO_STALE", "1", 1);
    assert_int_equal(stale_turn(0, 0, &d), 3);
    unsetenv("HVSIM_DPOR_NO_STALE");
    det_dfs_free(&d);
}

/* arm: a poll loop's turn reads two fields of one granule (x at 16 by one
 * instruction, y at 20 by another) and comes back to x's instruction.
 * The second execution takes a stale message for the first read: the
 * decisions after the turn's end (node 7, a later value choice) are
 * explored already, those inside it (node 3, y's value choice; node 5,
 * the end's own) are not.  When the second read is of another granule
 * (y_off 64) the turn is no turn: every option stays. */
static void stale_reads_turn(uint32_t y_off, uint64_t *bt3, uint64_t *bt5, uint64_t *bt7, struct det_dfs *d)
{
    struct det_logent l[8] = { run(3, 0, 0), run(3, 0, 0), run(3, 0, 0), run(3, 0, 0),
                               run(3, 0, 0), run(3, 0, 0), run(3, 0, 0), run(3, 0, 0) };
    for (int k = 1; k < 8; k += 2) {
        l[k].kind = DET_KIND_LOAD;
        l[k].chosen = DET_ACT_CHOICE;
    }
    struct det_event e[4] = { ev_(2, 0, EV_ALOAD, 16, 4, 2, 1), ev_(4, 0, EV_READ, y_off, 4, 0, 1),
                              ev_(6, 0, EV_ALOAD, 16, 4, 2, 2), ev_(8, 0, EV_READ, 128, 4, 0, 0) };
    e[1].pc = 0x500;
    e[3].pc = 0x600;
    to_the_stale_message(d, l, e);
    l[1].chosen = DET_ACT_CHOICE + 1; /* the stale message */
    det_dfs_record(d, l, 8);
    det_dfs_dpor(d, l, 8, e, 4);
    *bt3 = d->st[3].bt;
    *bt5 = d->st[5].bt;
    *bt7 = d->st[7].bt;
}

static void a_stale_turn_of_reads_of_one_granule_prunes_after_its_end(void **st)
{
    (void)st;
    struct det_dfs d;
    uint64_t b3, b5, b7;
    stale_reads_turn(20, &b3, &b5, &b7, &d);
    assert_int_equal(d.stale, 1);
    assert_int_equal(b3, 3);
    assert_int_equal(b5, 3);
    assert_int_equal(b7, 1);
    det_dfs_free(&d);
    stale_reads_turn(64, &b3, &b5, &b7, &d);
    assert_int_equal(d.stale, 0);
    assert_int_equal(b7, 3);
    det_dfs_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dependence),
        cmocka_unit_test(race_adds_the_other_thread),
        cmocka_unit_test(race_already_covered_adds_nothing),
        cmocka_unit_test(race_with_a_thread_not_runnable_adds_all),
        cmocka_unit_test(happens_before_hides_later_races),
        cmocka_unit_test(initials_not_the_racing_thread),
        cmocka_unit_test(initials_the_race_needs_come_first),
        cmocka_unit_test(value_choices_stay_out),
        cmocka_unit_test(dfs_with_and_without_reduction),
        cmocka_unit_test(bounded_reversal_moves_to_the_last_switch),
        cmocka_unit_test(private_words),
        cmocka_unit_test(rereads_start_no_race),
        cmocka_unit_test(silent_store_commutes_with_reads_under_sc),
        cmocka_unit_test(silent_drain_commutes_with_reads_under_tso),
        cmocka_unit_test(forced_step_races_as_its_own_thread),
        cmocka_unit_test(forced_steps_are_their_own_segment),
        cmocka_unit_test(a_forced_step_is_not_ordered_by_the_chosen_one),
        cmocka_unit_test(sleep_sets),
        cmocka_unit_test(buffered_store_is_local),
        cmocka_unit_test(own_buffer_races),
        cmocka_unit_test(commits_of_one_buffer),
        cmocka_unit_test(drain_again_for_another_granule),
        cmocka_unit_test(commit_in_own_step_races_as_the_thread),
        cmocka_unit_test(exit_drain_races_alone),
        cmocka_unit_test(drains_of_a_fence_come_before_the_threads_next_steps),
        cmocka_unit_test(a_load_commutes_with_its_own_drain),
        cmocka_unit_test(a_load_before_its_own_commit_races),
        cmocka_unit_test(acquire_reread_of_its_granule_is_no_race),
        cmocka_unit_test(a_view_observes_the_commits_up_to_it),
        cmocka_unit_test(a_reread_observes_the_commits_up_to_its_view),
        cmocka_unit_test(silent_commit_commutes_with_reads_that_did_not_take_it),
        cmocka_unit_test(a_view_does_not_observe_private_writes),
        cmocka_unit_test(a_view_from_a_later_barrier_is_no_race),
        cmocka_unit_test(a_read_offered_every_message_is_no_race_with_a_commit),
        cmocka_unit_test(a_view_only_edge_does_not_order_a_reversal),
        cmocka_unit_test(a_view_nobody_reads_under_is_no_race),
        cmocka_unit_test(a_read_under_a_later_barriers_message_does_not_observe_a_view),
        cmocka_unit_test(an_ipi_causes_the_wake),
        cmocka_unit_test(a_loops_exit_read_orders_what_follows),
        cmocka_unit_test(a_drain_commutes_with_its_threads_later_steps),
        cmocka_unit_test(a_run_of_drains_splits_by_their_stores),
        cmocka_unit_test(a_drain_alone_before_its_fence),
        cmocka_unit_test(a_read_between_two_drains_of_its_bytes),
        cmocka_unit_test(a_commit_commutes_with_its_threads_later_steps),
        cmocka_unit_test(a_commit_commutes_with_its_threads_later_steps_elsewhere),
        cmocka_unit_test(a_read_behind_a_later_barriers_message_is_no_race),
        cmocka_unit_test(an_await_turn_is_no_race),
        cmocka_unit_test(a_weak_await_turn_is_no_race),
        cmocka_unit_test(a_wait_on_a_granule_of_two_fields_is_no_race),
        cmocka_unit_test(a_waits_race_moves_to_its_end),
        cmocka_unit_test(a_lock_turn_is_no_race_under_arm),
        cmocka_unit_test(a_read_left_its_value_by_a_later_commit_is_no_race),
        cmocka_unit_test(a_read_after_a_view_raise_races_with_the_commit_it_took),
        cmocka_unit_test(a_later_commit_alone_for_a_reader_of_both),
        cmocka_unit_test(an_exit_read_after_two_changes_races),
        cmocka_unit_test(an_exit_read_races_with_a_later_write),
        cmocka_unit_test(an_old_reading_stays_asleep_after_a_newer_commit),
        cmocka_unit_test(a_waits_stale_failed_turn_is_explored_already),
        cmocka_unit_test(a_stale_turn_of_reads_of_one_granule_prunes_after_its_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
