/* tests/unit/test_det_stale.c — arm/riscv: a wait loop's turn that read a
 * stale message and turned again (det_dpor_stale.c).
 *
 * The daemon (thread 1) commits cfg_flags = 1; the CPU (thread 0) waits
 * for it: its first read is offered both messages and takes the old one
 * (0, not the default option), its next turn takes 1.  That execution is
 * the other option's less one turn: the search cuts it there.  Not when
 * the read took the newest, when the value it waited for came after it,
 * when the CPU did anything but read in between, or when the read was not
 * offered every message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "engine/det/det.h"

enum { FLAG = 16, TS_OLD = 3, TS_NEW = 7 };

/* A bridge event on the flag: the CPU's load of the message with
 * timestamp ts (det_wmm_read_key: ts + 1), or the daemon's commit of it
 * (det_wmm_ev_view: its timestamp). */
static struct det_event event(uint32_t step, int kind, uint64_t val, uint32_t ts)
{
    struct det_event e;
    memset(&e, 0, sizeof e);
    e.step = step;
    e.kind = (uint8_t)kind;
    e.off = FLAG;
    e.size = 8;
    e.val = val;
    if (kind == EV_DRAIN) {
        e.tid = 1;
        e.view = ts;
    } else {
        e.pkey = ts + 1;
        e.rflags = DET_RF_ALLC;
        e.pc = 0x400;
    }
    return e;
}

static struct det_event load(uint32_t step, uint64_t val, uint32_t ts) { return event(step, EV_ALOAD, val, ts); }
static struct det_event commit(uint32_t step, uint64_t val, uint32_t ts) { return event(step, EV_DRAIN, val, ts); }

/* log: 0 a run of the daemon, 1 a run of the CPU, 2 the first read's
 * value choice (chosen: option c of two), 3 the CPU again, 4 the second
 * read's (one option) */
static void scene(struct det_logent *log, struct det_event *ev, int c)
{
    memset(log, 0, 5 * sizeof *log);
    for (int i = 0; i < 5; i++)
        log[i] = (struct det_logent){ .opts = 3, .chosen = (uint8_t)(i == 0), .cur = 0 };
    log[2] = (struct det_logent){ .opts = 3, .chosen = (uint8_t)(DET_ACT_CHOICE + c), .kind = 1 };
    log[4] = (struct det_logent){ .opts = 1, .chosen = DET_ACT_CHOICE, .kind = 1 };
    ev[0] = commit(1, 1, TS_NEW);
    ev[1] = load(3, c ? 0 : 1, c ? TS_OLD : TS_NEW);
    ev[2] = load(5, 1, TS_NEW);
}

static void a_stale_turn_is_cut_at_its_choice(void **st)
{
    (void)st;
    struct det_logent log[5];
    struct det_event ev[3];
    scene(log, ev, 1);
    assert_int_equal(dpor_stale_turn(log, 5, ev, 3), 2);
    assert_true(det_stale_turn(ev, 3, 1));
    setenv("HVSIM_DPOR_NO_STALE", "1", 1); /* the rule off, to measure it */
    assert_int_equal(dpor_stale_turn(log, 5, ev, 3), -1);
    unsetenv("HVSIM_DPOR_NO_STALE");
}

static void not_when_it_took_the_newest(void **st)
{
    (void)st;
    struct det_logent log[5];
    struct det_event ev[3];
    scene(log, ev, 0);
    ev[1].val = 0; /* the newest was still 0: the wait's own turn */
    ev[0].view = 9;
    assert_int_equal(dpor_stale_turn(log, 5, ev, 3), -1);
}

static void not_when_the_value_came_after_it(void **st)
{
    (void)st;
    struct det_logent log[5];
    struct det_event ev[3];
    scene(log, ev, 1);
    struct det_event c = ev[0];
    ev[0] = ev[1];
    ev[1] = c; /* the commit of 1 after the first read */
    assert_int_equal(dpor_stale_turn(log, 5, ev, 3), -1);
    assert_false(det_stale_turn(ev, 3, 0));
}

static void not_when_the_thread_did_more_than_read(void **st)
{
    (void)st;
    struct det_logent log[5];
    struct det_event ev[4];
    scene(log, ev, 1);
    ev[3] = ev[2];
    ev[2] = load(4, 5, 0);
    ev[2].kind = EV_ASTORE; /* a store between the turns: no loop that only reads */
    ev[2].off = 64;
    assert_int_equal(dpor_stale_turn(log, 5, ev, 4), -1);
    /* a read of another location between them is the loop's body */
    ev[2].kind = EV_ALOAD;
    assert_int_equal(dpor_stale_turn(log, 5, ev, 4), 2);
}

static void not_when_the_commit_is_not_known(void **st)
{
    (void)st;
    struct det_logent log[5];
    struct det_event ev[3];
    scene(log, ev, 1);
    ev[0].view = 0; /* a commit whose timestamp is not known */
    ev[2].pkey = 1; /* the message with timestamp 0 */
    assert_int_equal(dpor_stale_turn(log, 5, ev, 3), -1);
    scene(log, ev, 1);
    ev[0].off = FLAG + WMM_GRAN; /* that timestamp, but another granule's commit */
    assert_int_equal(dpor_stale_turn(log, 5, ev, 3), -1);
}

static void not_when_not_offered_everything(void **st)
{
    (void)st;
    struct det_logent log[5];
    struct det_event ev[3];
    scene(log, ev, 1);
    ev[1].rflags = 0;
    assert_int_equal(dpor_stale_turn(log, 5, ev, 3), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_stale_turn_is_cut_at_its_choice),
        cmocka_unit_test(not_when_it_took_the_newest),
        cmocka_unit_test(not_when_the_value_came_after_it),
        cmocka_unit_test(not_when_the_thread_did_more_than_read),
        cmocka_unit_test(not_when_the_commit_is_not_known),
        cmocka_unit_test(not_when_not_offered_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
