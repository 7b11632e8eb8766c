/* sim/runtime/common/participant.c — attaching a participant process to the region. */
#define _GNU_SOURCE
#include "participant.h"
#include "futex.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <execinfo.h>
#include <signal.h>
#include <sys/mman.h>

void *g_region;
struct virtio_bridge *g_bridge;
struct hvsim_ctl *g_ctl;
__thread int g_cpu = -1;
__thread uint64_t g_rng;

extern int main(int, char **);
static uint32_t crash_who;

/* A participant that crashes leaves its backtrace in the control area (only
 * the first crash is kept), then dies of the same signal so the supervisor
 * sees the real cause.  backtrace() is not async-signal-safe in general; it
 * is the best a dying process can do, and glibc preloads it below. */
static void on_crash(int sig)
{
    uint32_t zero = 0;
    if (g_ctl && __atomic_compare_exchange_n(&g_ctl->crash.sig, &zero, (uint32_t)sig, 0,
                                             __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        void *pcs[16];
        int n = backtrace(pcs, 16);
        for (int i = 0; i < n; i++)
            g_ctl->crash.pcs[i] = (uint64_t)(uintptr_t)pcs[i];
        g_ctl->crash.main_addr = (uint64_t)(uintptr_t)&main;
        g_ctl->crash.tid = participant_tid();
        g_ctl->crash.who = crash_who;
        __atomic_store_n(&g_ctl->crash.npcs, (uint32_t)n, __ATOMIC_RELEASE);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_crash_handlers(void)
{
    void *warm[1];
    backtrace(warm, 1); /* load libgcc's unwinder now, not inside the handler */
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], on_crash);
}

int participant_region_fd(int argc, char **argv, const char *who)
{
    int fd = -1;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--fd") == 0)
            fd = atoi(argv[i + 1]);
    if (fd < 0) {
        fprintf(stderr, "hvsim %s: this program is started by hvsim (missing --fd)\n", who);
        exit(3);
    }
    return fd;
}

void participant_attach(int argc, char **argv, const char *who)
{
    int fd = participant_region_fd(argc, argv, who);
    g_region = mmap(0, HVSIM_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (g_region == MAP_FAILED) {
        perror("hvsim participant: mmap");
        exit(3);
    }
    close(fd);
    g_bridge = hvsim_region_bridge(g_region);
    g_ctl = hvsim_region_ctl(g_region);
    crash_who = who[0] == 'h' ? 1u : 2u;
    install_crash_handlers();
    if (g_ctl->magic != HVSIM_CTL_MAGIC || g_ctl->version != HVSIM_CTL_VERSION) {
        fprintf(stderr, "hvsim %s: control area magic/version mismatch\n", who);
        exit(3);
    }
}

void participant_wait_go(void)
{
    while (!__atomic_load_n(&g_ctl->go, __ATOMIC_ACQUIRE))
        futex_wait(&g_ctl->go, 0, 100000000L);
}

int participant_tid(void)
{
    return (int)syscall(SYS_gettid);
}
