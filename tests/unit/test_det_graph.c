/* tests/unit/test_det_graph.c — det_graph.c: an execution's rf/co graph
 * as one hash, naming messages by writer and place, never by timestamp
 * (HVSIM_DET_GRAPHS; tools/dpor_behaviours.sh GRAPHS=1). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <stdlib.h>

#include "engine/det/det.h"

static struct det_event ev_(int tid, int kind, uint32_t off, uint64_t val)
{
    struct det_event e;
    memset(&e, 0, sizeof e);
    e.tid = (uint8_t)tid;
    e.kind = (uint8_t)kind;
    e.off = off;
    e.size = 8;
    e.val = val;
    e.pc = 0x400;
    return e;
}

/* arm/riscv: a commit carries its timestamp (view), a load the message it
 * took (pkey = timestamp + 1; 1 the initial bytes). */
static struct det_event commit(int tid, uint32_t off, uint64_t val, uint32_t ts)
{
    struct det_event e = ev_(tid, EV_DRAIN, off, val);
    e.view = ts;
    return e;
}

static struct det_event load(int tid, uint32_t off, uint64_t val, uint32_t key)
{
    struct det_event e = ev_(tid, EV_ALOAD, off, val);
    e.pkey = key;
    return e;
}

/* Two commits to different granules in either order, read the same way:
 * one graph, though every timestamp differs. */
static void commits_to_two_granules_in_either_order_are_one_graph(void **st)
{
    (void)st;
    struct det_event a[6] = { ev_(1, EV_WRITE, 16, 1), ev_(1, EV_WRITE, 32, 2), commit(1, 16, 1, 1),
                              commit(1, 32, 2, 2),     load(0, 32, 2, 3),       load(0, 16, 1, 2) };
    struct det_event b[6] = { ev_(1, EV_WRITE, 16, 1), ev_(1, EV_WRITE, 32, 2), commit(1, 32, 2, 1),
                              commit(1, 16, 1, 2),     load(0, 32, 2, 2),       load(0, 16, 1, 3) };
    assert_int_equal(det_graph_hash(a, 6, DM_ARM), det_graph_hash(b, 6, DM_ARM));
    /* the load of 32 took the initial bytes instead: another graph */
    b[4] = load(0, 32, 0, 1);
    assert_int_not_equal(det_graph_hash(a, 6, DM_ARM), det_graph_hash(b, 6, DM_ARM));
}

/* The same value from another message is another graph (not another
 * behaviour): x = 1, x = 2, x = 1 again, read after the first or the last.
 * A commit of the bytes the granule holds (silent) is the message before
 * it again; another coherence order is another graph. */
static void the_message_read_and_coherence_count(void **st)
{
    (void)st;
    struct det_event a[7] = { ev_(1, EV_WRITE, 16, 1), ev_(2, EV_WRITE, 16, 2), ev_(1, EV_WRITE, 16, 1),
                              commit(1, 16, 1, 1),     commit(2, 16, 2, 2),     commit(1, 16, 1, 3),
                              load(0, 16, 1, 2) };
    struct det_event b[7];
    memcpy(b, a, sizeof a);
    b[6] = load(0, 16, 1, 4); /* the third message */
    assert_int_equal(det_behaviour_hash(a, 7), det_behaviour_hash(b, 7));
    assert_int_not_equal(det_graph_hash(a, 7, DM_ARM), det_graph_hash(b, 7, DM_ARM));
    struct det_event w1[5] = { ev_(1, EV_WRITE, 16, 1), ev_(2, EV_WRITE, 16, 1), commit(1, 16, 1, 1),
                               commit(2, 16, 1, 2), load(0, 16, 1, 2) };
    struct det_event w2[5];
    memcpy(w2, w1, sizeof w1);
    w2[4] = load(0, 16, 1, 3); /* thread 2's silent message */
    assert_int_equal(det_graph_hash(w1, 5, DM_ARM), det_graph_hash(w2, 5, DM_ARM));
    struct det_event c1[5] = { ev_(1, EV_WRITE, 16, 1), ev_(2, EV_WRITE, 16, 2), commit(1, 16, 1, 1),
                               commit(2, 16, 2, 2), load(0, 40, 0, 1) };
    struct det_event c2[5] = { ev_(1, EV_WRITE, 16, 1), ev_(2, EV_WRITE, 16, 2), commit(2, 16, 2, 1),
                               commit(1, 16, 1, 2), load(0, 40, 0, 1) };
    assert_int_not_equal(det_graph_hash(c1, 5, DM_ARM), det_graph_hash(c2, 5, DM_ARM));
    /* under sc a write is its own commit: the first x = 1 or the second */
    struct det_event s1[4] = { ev_(1, EV_WRITE, 16, 1), ev_(0, EV_READ, 16, 1), ev_(2, EV_WRITE, 16, 2),
                               ev_(1, EV_WRITE, 16, 1) };
    struct det_event s2[4] = { ev_(1, EV_WRITE, 16, 1), ev_(2, EV_WRITE, 16, 2), ev_(1, EV_WRITE, 16, 1),
                               ev_(0, EV_READ, 16, 1) };
    assert_int_equal(det_behaviour_hash(s1, 4), det_behaviour_hash(s2, 4));
    assert_int_not_equal(det_graph_hash(s1, 4, DM_SC), det_graph_hash(s2, 4, DM_SC));
    /* a store of what memory holds changes nothing a read can tell */
    struct det_event q1[3] = { ev_(1, EV_WRITE, 16, 1), ev_(0, EV_READ, 16, 1), ev_(2, EV_WRITE, 16, 1) };
    struct det_event q2[3] = { ev_(1, EV_WRITE, 16, 1), ev_(2, EV_WRITE, 16, 1), ev_(0, EV_READ, 16, 1) };
    assert_int_equal(det_graph_hash(q1, 3, DM_TSO), det_graph_hash(q2, 3, DM_TSO));
}

/* A wait's turns that took the old message before the new one are left
 * out, as the search's spin-loop equivalence leaves them out. */
/* ABA: t1 commits x = 1, x = 0, x = 1 (timestamps 1, 2, 3); t0 reads 1
 * from the first or from the third.  Two graphs; by value
 * (HVSIM_DET_GRAPHS_BY=value) one, as the model's offer (det_wmm_rt.c)
 * gives a load only the oldest of the candidates holding the same bytes. */
static void an_aba_read_is_two_graphs_and_one_by_value(void **st)
{
    (void)st;
    struct det_event a[4] = { commit(1, 16, 1, 1), commit(1, 16, 0, 2), commit(1, 16, 1, 3), load(0, 16, 1, 2) };
    struct det_event b[4] = { commit(1, 16, 1, 1), commit(1, 16, 0, 2), commit(1, 16, 1, 3), load(0, 16, 1, 4) };
    assert_int_not_equal(det_graph_hash(a, 4, DM_ARM), det_graph_hash(b, 4, DM_ARM));
    setenv("HVSIM_DET_GRAPHS_BY", "value", 1);
    assert_int_equal(det_graph_hash(a, 4, DM_ARM), det_graph_hash(b, 4, DM_ARM));
    unsetenv("HVSIM_DET_GRAPHS_BY");
}

static void a_waits_failed_turns_are_no_part_of_the_graph(void **st)
{
    (void)st;
    struct det_event turns[4] = { load(0, 16, 0, 1), commit(1, 16, 1, 5), load(0, 16, 0, 1), load(0, 16, 1, 6) };
    struct det_event direct[2] = { commit(1, 16, 1, 5), load(0, 16, 1, 6) };
    assert_int_equal(det_graph_hash(turns, 4, DM_ARM), det_graph_hash(direct, 2, DM_ARM));
    /* the same reads by another thread: another graph */
    direct[1].tid = 2;
    assert_int_not_equal(det_graph_hash(turns, 4, DM_ARM), det_graph_hash(direct, 2, DM_ARM));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commits_to_two_granules_in_either_order_are_one_graph),
        cmocka_unit_test(the_message_read_and_coherence_count),
        cmocka_unit_test(a_waits_failed_turns_are_no_part_of_the_graph),
        cmocka_unit_test(an_aba_read_is_two_graphs_and_one_by_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
