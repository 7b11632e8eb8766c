/* tests/unit/test_det_behaviour.c — det_behaviour.c: an execution's
 * behaviour hash and the set of distinct ones (tools/dpor_behaviours.sh
 * measures DPOR rules with them). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/det/det.h"

static struct det_event ev_(int tid, int kind, uint32_t off, uint64_t val)
{
    struct det_event e;
    memset(&e, 0, sizeof e);
    e.tid = (uint8_t)tid;
    e.kind = (uint8_t)kind;
    e.off = off;
    e.size = 4;
    e.val = val;
    return e;
}

/* Two interleavings that give each thread the same history are one
 * behaviour; a spin loop's repeated reads of one value count once. */
static void interleavings_and_spin_turns_are_one_behaviour(void **st)
{
    (void)st;
    struct det_event a[4] = { ev_(0, EV_WRITE, 16, 1), ev_(1, EV_READ, 32, 0), ev_(1, EV_READ, 16, 1),
                              ev_(0, EV_READ, 32, 0) };
    struct det_event b[6] = { ev_(1, EV_READ, 32, 0), ev_(1, EV_READ, 32, 0), ev_(0, EV_WRITE, 16, 1),
                              ev_(0, EV_READ, 32, 0), ev_(1, EV_READ, 16, 1), ev_(1, EV_DRAIN, 16, 1) };
    assert_int_equal(det_behaviour_hash(a, 4), det_behaviour_hash(b, 6));
    /* a poll loop reading two locations a turn: three turns are one */
    struct det_event p3[6] = { ev_(2, EV_READ, 64, 0), ev_(2, EV_READ, 72, 5), ev_(2, EV_READ, 64, 0),
                               ev_(2, EV_READ, 72, 5), ev_(2, EV_READ, 64, 0), ev_(2, EV_READ, 72, 5) };
    assert_int_equal(det_behaviour_hash(p3, 6), det_behaviour_hash(p3, 2));
}

/* Another value read, another write, a kick, or the same events by
 * another thread: another behaviour. */
static void what_a_thread_sees_or_does_counts(void **st)
{
    (void)st;
    struct det_event a[2] = { ev_(0, EV_WRITE, 16, 1), ev_(1, EV_READ, 16, 1) };
    uint64_t h = det_behaviour_hash(a, 2);
    struct det_event b[2] = { ev_(0, EV_WRITE, 16, 1), ev_(1, EV_READ, 16, 0) };
    assert_int_not_equal(h, det_behaviour_hash(b, 2));
    struct det_event c[2] = { ev_(0, EV_WRITE, 16, 2), ev_(1, EV_READ, 16, 1) };
    assert_int_not_equal(h, det_behaviour_hash(c, 2));
    struct det_event d[3] = { ev_(0, EV_WRITE, 16, 1), ev_(1, EV_READ, 16, 1), ev_(0, EV_IPI, 0, 0) };
    assert_int_not_equal(h, det_behaviour_hash(d, 3));
    struct det_event e[2] = { ev_(1, EV_WRITE, 16, 1), ev_(0, EV_READ, 16, 1) };
    assert_int_not_equal(h, det_behaviour_hash(e, 2));
    /* a read, a write and the same read again: the second read counts */
    struct det_event f[3] = { ev_(0, EV_READ, 16, 0), ev_(0, EV_WRITE, 64, 1), ev_(0, EV_READ, 16, 0) };
    struct det_event g[2] = { ev_(0, EV_READ, 16, 0), ev_(0, EV_WRITE, 64, 1) };
    assert_int_not_equal(det_behaviour_hash(f, 3), det_behaviour_hash(g, 2));
}

static void a_set_counts_distinct_hashes(void **st)
{
    (void)st;
    struct det_bset s = { 0 };
    for (uint64_t i = 0; i < 5000; i++)
        assert_int_equal(det_bset_add(&s, i * 0x9e3779b97f4a7c15ull), 1);
    for (uint64_t i = 0; i < 5000; i++)
        assert_int_equal(det_bset_add(&s, i * 0x9e3779b97f4a7c15ull), 0);
    assert_int_equal(s.n, 5000); /* 0 (i = 0) included */
    det_bset_free(&s);
    assert_int_equal(s.n, 0);
}

/* arm/riscv: a wait's turn that took the old value after the commit of
 * the new one (a stale read, then the new message) is no behaviour, as a
 * turn before the commit is not (the sc rule, det_await_turns): t1's
 * commit of x = 1 (timestamp 5), then t0 reads x = 0 (the initial bytes,
 * key 1) and then 1 (key 6).
 * Not when a message with a third value lies between (the wait skipped
 * it), nor when the turn and the end are different instructions. */
static struct det_event keyed(int tid, int kind, uint64_t val, uint32_t key)
{
    struct det_event e = ev_(tid, kind, 16, val);
    e.size = 8;
    e.pc = 0x400;
    if (kind == EV_DRAIN)
        e.view = key;
    else
        e.pkey = key;
    return e;
}

static void a_stale_turn_after_the_commit_is_no_behaviour(void **st)
{
    (void)st;
    struct det_event stale[3] = { keyed(1, EV_DRAIN, 1, 5), keyed(0, EV_ALOAD, 0, 1), keyed(0, EV_ALOAD, 1, 6) };
    struct det_event direct[2] = { keyed(1, EV_DRAIN, 1, 5), keyed(0, EV_ALOAD, 1, 6) };
    assert_int_equal(det_behaviour_hash(stale, 3), det_behaviour_hash(direct, 2));
    struct det_event skip[5] = { keyed(0, EV_ALOAD, 0, 1), keyed(1, EV_DRAIN, 2, 4), keyed(1, EV_DRAIN, 1, 5),
                                 keyed(0, EV_ALOAD, 0, 1), keyed(0, EV_ALOAD, 1, 6) };
    struct det_event skip_direct[3] = { keyed(1, EV_DRAIN, 2, 4), keyed(1, EV_DRAIN, 1, 5), keyed(0, EV_ALOAD, 1, 6) };
    assert_int_not_equal(det_behaviour_hash(skip, 5), det_behaviour_hash(skip_direct, 3));
    stale[2].pc = 0x500;
    direct[1].pc = 0x500;
    assert_int_not_equal(det_behaviour_hash(stale, 3), det_behaviour_hash(direct, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(interleavings_and_spin_turns_are_one_behaviour),
        cmocka_unit_test(what_a_thread_sees_or_does_counts),
        cmocka_unit_test(a_set_counts_distinct_hashes),
        cmocka_unit_test(a_stale_turn_after_the_commit_is_no_behaviour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
