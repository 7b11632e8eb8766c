/* tests/unit/test_vstall.c — the CPU stall probes (sim/util/vstall.c) see a
 * CPU taken away from them.  A host stall cannot be made here, so a
 * real-time thread of higher priority than the probes spins on one CPU for
 * 40 ms: to the probe pinned there that CPU is gone, as a vCPU the host does
 * not run is.  The probes must call it overdue while it lasts (seen from
 * another CPU) and count it late after.  (That no stall is seen when none
 * happens cannot be asserted: on a shared machine the host may stall a
 * vCPU at any time.)  And the table is the one vstall_path() shares with
 * the threads binary.  Skipped without
 * real-time priority (not root): then the probes run at normal priority. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include "util/vstall.h"

static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int overdue_seen;

static void *hog(void *arg)
{
    uint64_t t0 = *(uint64_t *)arg;
    while (mono_ns() - t0 < 40000000ull)
        ;
    return 0;
}

static void test_a_taken_cpu_is_seen(void **st)
{
    (void)st;
    assert_int_equal(vstall_start(), 0);
    if (!vstall_realtime()) {
        printf("SKIP (not in tools/deps.sh): no real-time priority here (not root, or "
               "SCHED_FIFO forbidden): the probes run at normal priority\n");
        skip();
    }
    struct timespec ms20 = { 0, 20000000L };
    nanosleep(&ms20, 0); /* the probes are up and have woken */
    cpu_set_t allowed;
    assert_int_equal(sched_getaffinity(0, sizeof allowed, &allowed), 0);
    int cpu = 0, other = -1;
    while (!CPU_ISSET(cpu, &allowed))
        cpu++;
    for (int c = cpu + 1; c < CPU_SETSIZE && other < 0; c++)
        if (CPU_ISSET(c, &allowed))
            other = c;
    if (other >= 0) { /* watch from another CPU while the hog runs */
        cpu_set_t me;
        CPU_ZERO(&me);
        CPU_SET(other, &me);
        assert_int_equal(sched_setaffinity(0, sizeof me, &me), 0);
    }
    uint64_t n0 = vstall_count(), t0 = mono_ns();
    pthread_attr_t a;
    pthread_attr_init(&a);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pthread_attr_setaffinity_np(&a, sizeof one, &one);
    struct sched_param sp = { .sched_priority = 2 };
    pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&a, SCHED_FIFO);
    pthread_attr_setschedparam(&a, &sp);
    pthread_t t;
    assert_int_equal(pthread_create(&t, &a, hog, &t0), 0);
    pthread_attr_destroy(&a);
    /* while the hog runs, poll (from the other CPU; with one CPU this loop
     * only runs after the hog) */
    while (mono_ns() - t0 < 45000000ull)
        if (vstall_overlaps(t0, mono_ns()))
            overdue_seen = 1;
    pthread_join(t, 0);
    nanosleep(&ms20, 0); /* the probe wakes, late, and says so */
    uint64_t t1 = mono_ns();
    assert_true(vstall_count() > n0);
    assert_true(vstall_overlaps(t0, t1));
    if (other >= 0)
        assert_true(overdue_seen);

    /* Another process sees the same table through vstall_path() (the
     * threads binary's watchdog maps it so): opened and mapped read-only as
     * threads_main.c does, it tells the same stall. */
    const char *path = vstall_path();
    assert_non_null(path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    const struct vstall_table *tab = mmap(0, sizeof *tab, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    assert_true(tab != MAP_FAILED);
    assert_true(tab->magic == VSTALL_MAGIC);
    assert_true(tab->n >= 1);
    assert_true(tab->nstalls == vstall_count() || tab->nstalls > n0);
    assert_true(vstall_table_overlaps(tab, t0, t1));
    munmap((void *)tab, sizeof *tab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_taken_cpu_is_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
