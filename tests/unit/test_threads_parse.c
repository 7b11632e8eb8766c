/* tests/unit/test_threads_parse.c — the threads engine's report parsers on
 * real ThreadSanitizer / Helgrind output captured from hvsim runs
 * (tests/data/threads_*.txt, gcc -O2, relax none, bridge at 0x4a4b000 for
 * the Helgrind logs), and the bridge field names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/threads/threads.h"

#ifndef HVSIM_HOME_DEFAULT
#define HVSIM_HOME_DEFAULT "."
#endif

static char *load(const char *name)
{
    char p[1024];
    const char *home = getenv("HVSIM_HOME");
    snprintf(p, sizeof p, "%s/tests/data/%s", home && *home ? home : HVSIM_HOME_DEFAULT, name);
    FILE *f = fopen(p, "rb");
    if (!f) {
        snprintf(p, sizeof p, "tests/data/%s", name);
        f = fopen(p, "rb");
    }
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    return b;
}

static int ends_with(const char *s, const char *t)
{
    size_t a = strlen(s), b = strlen(t);
    return a >= b && !strcmp(s + a - b, t);
}

static void test_field_names(void **st)
{
    (void)st;
    char b[96];
    assert_int_equal(thr_bridge_field(1552, 8, 0, b, sizeof b), 0);
    assert_string_equal(b, "cfg_flags[0]");
    thr_bridge_field(1560, 8, 0, b, sizeof b);
    assert_string_equal(b, "cfg_flags[1]");
    thr_bridge_field(1553, 1, 1, b, sizeof b); /* old layout: u8 flags */
    assert_string_equal(b, "cfg_flags[1]");
    thr_bridge_field(1568, 8, 1, b, sizeof b);
    assert_string_equal(b, "cfg_values[0]");
    thr_bridge_field(1808, 8, 0, b, sizeof b);
    assert_string_equal(b, "cfg_values[0]");
    thr_bridge_field(4, 4, 0, b, sizeof b);
    assert_string_equal(b, "req_rear");
    thr_bridge_field(16 + 3 * 40 + 24, 8, 0, b, sizeof b);
    assert_string_equal(b, "req_list[3].value");
    thr_bridge_field(1296 + 2 * 8 + 4, 4, 0, b, sizeof b);
    assert_string_equal(b, "res_list[2].irq_id");
    thr_bridge_field(2129, 1, 0, b, sizeof b);
    assert_string_equal(b, "need_wakeup");
    thr_bridge_field(1729, 1, 1, b, sizeof b);
    assert_string_equal(b, "need_wakeup");
    assert_int_equal(thr_bridge_field(2136, 1, 0, b, sizeof b), -1);
    assert_int_equal(thr_bridge_field(1736, 1, 1, b, sizeof b), -1);
}

/* TSan, plain wait: one race, then the run hung (no second report). */
static void test_tsan_plain(void **st)
{
    (void)st;
    char *log = load("threads_tsan_plain.txt");
    struct thr_report R[8];
    int supp = -1;
    int n = thr_parse_tsan(log, R, 8, &supp);
    assert_int_equal(n, 1);
    assert_int_equal(supp, 0);
    assert_true(R[0].is_race);
    assert_string_equal(R[0].kind, "data race");
    assert_true(R[0].have_addr && R[0].have_prev);
    assert_true(R[0].cur.atomic && R[0].cur.is_write);
    assert_int_equal(R[0].cur.size, 8);
    assert_string_equal(R[0].cur.function, "answer");
    assert_true(ends_with(R[0].cur.file, "backend/daemon.c"));
    assert_string_equal(R[0].cur.role, "daemon");
    assert_false(R[0].cur.harness);
    assert_false(R[0].prev.atomic || R[0].prev.is_write);
    assert_string_equal(R[0].prev.function, "wait_for_response");
    assert_true(ends_with(R[0].prev.file, "hv/handler.c"));
    assert_string_equal(R[0].prev.role, "hypervisor");
    assert_false(R[0].prev.harness);
    uint64_t base = thr_bridge_base(log);
    assert_true(base != 0 && R[0].addr >= base);
    char f[96];
    assert_int_equal(thr_bridge_field(R[0].addr - base, 8, 0, f, sizeof f), 0);
    assert_string_equal(f, "cfg_flags[0]");
    assert_non_null(strstr(R[0].text, "WARNING: ThreadSanitizer: data race"));
    assert_non_null(strstr(R[0].text, "SUMMARY: ThreadSanitizer"));
    free(log);
}

static void test_tsan_acquire_clean(void **st)
{
    (void)st;
    char *log = load("threads_tsan_acquire.txt");
    struct thr_report R[4];
    assert_int_equal(thr_parse_tsan(log, R, 4, 0), 0);
    assert_true(thr_bridge_base(log) != 0);
    free(log);
}

/* A hand-written variant: llvm-symbolizer columns, the main thread, a
 * global, and a suppression count. */
static void test_tsan_synthetic(void **st)
{
    (void)st;
    const char *log =
        "==================\n"
        "WARNING: ThreadSanitizer: data race (pid=42)\n"
        "  Write of size 4 at 0x0000004c6f20 by main thread:\n"
        "    #0 push /src/my_hv.c:17:9 (a.out+0x4b1234)\n"
        "    #1 main /src/main.c:5:3 (a.out+0x4b1300)\n"
        "\n"
        "  Previous read of size 4 at 0x0000004c6f20 by thread T1 (mutexes: write M7):\n"
        "    #0 pop /src/my_be.c:40:12 (a.out+0x4b2000)\n"
        "\n"
        "  Location is global 'counter' of size 4 at 0x0000004c6f20 (a.out+0x4c6f20)\n"
        "\n"
        "SUMMARY: ThreadSanitizer: data race /src/my_hv.c:17:9 in push\n"
        "==================\n"
        "==================\n"
        "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=42)\n"
        "  Cycle in lock order graph: M1 => M2 => M1\n"
        "==================\n"
        "ThreadSanitizer: reported 2 warnings\n"
        "Suppressions used:\n"
        "  count      name\n"
        "      3      hvsim_delay\n"
        "\n";
    struct thr_report R[4];
    int supp = 0;
    assert_int_equal(thr_parse_tsan(log, R, 4, &supp), 2);
    assert_int_equal(supp, 3);
    assert_true(R[0].is_race);
    assert_string_equal(R[0].cur.thread, "main thread");
    assert_string_equal(R[0].cur.function, "push");
    assert_string_equal(R[0].cur.file, "/src/my_hv.c");
    assert_int_equal(R[0].cur.line, 17);
    assert_string_equal(R[0].prev.thread, "T1");
    assert_int_equal(R[0].prev.line, 40);
    assert_string_equal(R[0].location, "global 'counter' of size 4");
    assert_false(R[1].is_race);
    assert_string_equal(R[1].kind, "lock-order-inversion");
    assert_int_equal(thr_bridge_base(log), 0);
}

/* A frame whose path is longer than a site's file field has no file (a cut
 * path would name another file): the site is the next frame with one. */
static void test_tsan_long_path(void **st)
{
    (void)st;
    char longp[290]; /* over a file field (256), under the parser's token buffer */
    memset(longp, 'd', sizeof longp);
    longp[0] = '/';
    memcpy(longp + sizeof longp - 12, "/my_hv.c:17", 12);
    char log[2048];
    snprintf(log, sizeof log,
             "==================\n"
             "WARNING: ThreadSanitizer: data race (pid=42)\n"
             "  Write of size 4 at 0x0000004c6f20 by main thread:\n"
             "    #0 push %s (a.out+0x4b1234)\n"
             "    #1 main /src/main.c:5:3 (a.out+0x4b1300)\n"
             "\n"
             "  Previous read of size 4 at 0x0000004c6f20 by thread T1:\n"
             "    #0 pop /src/my_be.c:40:12 (a.out+0x4b2000)\n"
             "\n"
             "==================\n", longp);
    struct thr_report R[2];
    assert_int_equal(thr_parse_tsan(log, R, 2, 0), 1);
    assert_string_equal(R[0].cur.file, "/src/main.c");
    assert_int_equal(R[0].cur.line, 5);
}

/* Helgrind, plain wait: the plain read in wait_for_response races with the
 * daemon's atomic store to cfg_flags[0]; nothing is the harness's. */
static void test_helgrind_plain(void **st)
{
    (void)st;
    char *log = load("threads_helgrind_plain.txt");
    struct thr_report R[32];
    int supp = -1;
    int n = thr_parse_helgrind(log, R, 32, &supp);
    assert_true(n >= 2 && n <= 32);
    assert_int_equal(supp, 0);
    const uint64_t base = 0x4a4b000;
    int mixed_flag = 0;
    for (int i = 0; i < n; i++) {
        assert_true(R[i].is_race);
        assert_false(R[i].cur.harness);
        assert_false(R[i].prev.harness);
        assert_true(R[i].have_prev);
        assert_non_null(strstr(R[i].location, "memfd:hvsim-region"));
        char f[96];
        assert_int_equal(thr_bridge_field(R[i].addr - base, R[i].cur.size, 0, f, sizeof f), 0);
        const struct thr_access *pl = !R[i].cur.atomic ? &R[i].cur : &R[i].prev;
        const struct thr_access *at = !R[i].cur.atomic ? &R[i].prev : &R[i].cur;
        if (!strcmp(f, "cfg_flags[0]") && !pl->atomic && at->atomic) {
            mixed_flag = 1;
            assert_string_equal(pl->function, "wait_for_response");
            assert_true(ends_with(pl->file, "hv/handler.c"));
            assert_string_equal(pl->role, "hypervisor");
            assert_string_equal(at->function, "answer");
            assert_true(at->is_write);
            assert_string_equal(at->role, "daemon");
        }
    }
    assert_true(mixed_flag);
    free(log);
}

/* Helgrind, acquire wait: every report is a pair of atomic accesses (set
 * aside by the engine: not a race in C11). */
static void test_helgrind_acquire(void **st)
{
    (void)st;
    char *log = load("threads_helgrind_acquire.txt");
    struct thr_report R[32];
    int n = thr_parse_helgrind(log, R, 32, 0);
    assert_true(n >= 1 && n <= 32);
    for (int i = 0; i < n; i++) {
        assert_true(R[i].is_race);
        assert_true(R[i].have_prev);
        assert_true(R[i].cur.atomic);
        assert_true(R[i].prev.atomic);
        assert_false(R[i].cur.harness || R[i].prev.harness);
        assert_non_null(strstr(R[i].text, "Possible data race"));
        assert_null(strstr(R[i].text, "ERROR SUMMARY"));
    }
    free(log);
}

static void test_helgrind_other_kinds(void **st)
{
    (void)st;
    const char *log =
        "==9== Helgrind, a thread error detector\n"
        "==9== Command: ./t\n"
        "==9== \n"
        "==9== ----------------------------------------------------------------\n"
        "==9== \n"
        "==9== Thread #1 unlocked a not-locked lock at 0x4C4B040\n"
        "==9==    at 0x483C9A6: pthread_mutex_unlock (hg_intercepts.c:1091)\n"
        "==9==    by 0x40116A: daemon_step (/src/my_be.c:22)\n"
        "==9== \n"
        "==9== ----------------------------------------------------------------\n"
        "==9== \n"
        "==9== Possible data race during write of size 1 at 0x4C4B060 by thread #3\n"
        "==9== Locks held: none\n"
        "==9==    at 0x401200: thr_rt_spin (/work/sim/runtime/threads/platform_threads.c:95)\n"
        "==9== \n"
        "==9==  Address 0x4c4b060 is 0 bytes inside data symbol \"x\"\n"
        "==9== \n"
        "==9== Use --history-level=approx or =none to gain increased speed, at\n"
        "==9== the cost of reduced accuracy of conflicting-access information\n"
        "==9== ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 5 from 1)\n";
    struct thr_report R[4];
    int supp = 0;
    assert_int_equal(thr_parse_helgrind(log, R, 4, &supp), 2);
    assert_int_equal(supp, 5);
    assert_false(R[0].is_race);
    assert_string_equal(R[0].kind, "Thread #1 unlocked a not-locked lock at 0x4C4B040");
    assert_string_equal(R[0].cur.function, "daemon_step"); /* the interceptor frame is skipped */
    assert_true(R[1].is_race);
    assert_false(R[1].have_prev);
    assert_true(R[1].cur.harness);
    assert_string_equal(R[1].location, "0 bytes inside data symbol \"x\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_tsan_plain),
        cmocka_unit_test(test_tsan_acquire_clean),
        cmocka_unit_test(test_tsan_synthetic),
        cmocka_unit_test(test_tsan_long_path),
        cmocka_unit_test(test_helgrind_plain),
        cmocka_unit_test(test_helgrind_acquire),
        cmocka_unit_test(test_helgrind_other_kinds),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
