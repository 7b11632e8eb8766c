/* pc_fixture.c — spinning-thread fixture for tests/unit/test_pc.c.
 *
 * Built at test time with -g -O2 (native, and cross for qemu-user).  A worker
 * thread waits on a plain (non-volatile) load that the optimiser hoists out
 * of the loop, so it spins forever on a register copy of the flag.  The
 * fixture prints "tid <tid>\n" (the spinner's kernel tid) and then just waits
 * to be killed.  Lines PC_LOOP_BEGIN..PC_LOOP_END bracket the loop; the test
 * greps for these markers to learn the acceptable line range.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct shared { int flag; int pad[15]; };

static struct shared g_shared;

/* Opaque to the optimiser: the spinner cannot see who else holds p. */
__attribute__((noinline)) struct shared *pc_fixture_get(void)
{
    struct shared *p = &g_shared;
    __asm__ volatile("" : "+r"(p) : : "memory");
    return p;
}

__attribute__((noinline)) int pc_fixture_spin(struct shared *p)
{
    int n = 0;
    /* PC_LOOP_BEGIN */
    while (p->flag == 0) {
        n++;
    }
    /* PC_LOOP_END */
    return n;
}

static void *worker(void *arg)
{
    (void)arg;
    printf("tid %ld\n", (long)syscall(SYS_gettid));
    fflush(stdout);
    return (void *)(long)pc_fixture_spin(pc_fixture_get());
}

int main(void)
{
    pthread_t t;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 2;
    for (;;)
        pause();
    return 0;
}
