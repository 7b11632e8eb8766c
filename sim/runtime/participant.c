/* sim/runtime/participant.c — attaching a participant process to the region. */
#define _GNU_SOURCE
#include "participant.h"
#include "futex.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *g_region;
struct virtio_bridge *g_bridge;
struct hvsim_ctl *g_ctl;
__thread int g_cpu = -1;
__thread uint64_t g_rng;

void participant_attach(int argc, char **argv, const char *who)
{
    int fd = -1;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--fd") == 0)
            fd = atoi(argv[i + 1]);
    if (fd < 0) {
        fprintf(stderr, "hvsim %s: this program is started by hvsim (missing --fd)\n", who);
        exit(3);
    }
    g_region = mmap(0, HVSIM_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (g_region == MAP_FAILED) {
        perror("hvsim participant: mmap");
        exit(3);
    }
    close(fd);
    g_bridge = hvsim_region_bridge(g_region);
    g_ctl = hvsim_region_ctl(g_region);
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
