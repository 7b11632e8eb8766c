/* sim/util/region.c — create and map the memfd region.  memfd is anonymous:
 * nothing in /dev/shm or the file system can outlive the processes that hold
 * it, which is how hvsim leaks no shared-memory segment when it is killed. */
#define _GNU_SOURCE
#include "region.h"
#include "config/runcfg.h"
#include "runtime/common/futex.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int region_create(struct region *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->fd = memfd_create("hvsim-region", MFD_CLOEXEC);
    if (r->fd < 0) {
        snprintf(err, errlen, "memfd_create: %s", strerror(errno));
        return -1;
    }
    r->size = HVSIM_REGION_SIZE;
    if (ftruncate(r->fd, (off_t)r->size) < 0) {
        snprintf(err, errlen, "ftruncate: %s", strerror(errno));
        close(r->fd);
        return -1;
    }
    r->base = mmap(0, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
    if (r->base == MAP_FAILED) {
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        close(r->fd);
        return -1;
    }
    r->bridge = hvsim_region_bridge(r->base);
    r->ctl = hvsim_region_ctl(r->base);
    return 0;
}

void region_destroy(struct region *r)
{
    if (r->base && r->base != MAP_FAILED)
        munmap(r->base, r->size);
    if (r->fd >= 0)
        close(r->fd);
    r->base = 0;
    r->fd = -1;
}

void region_init_ctl(struct hvsim_ctl *ctl, const struct hvsim_runcfg *c, uint64_t seed)
{
    memset(ctl, 0, sizeof *ctl);
    ctl->magic = HVSIM_CTL_MAGIC;
    ctl->version = HVSIM_CTL_VERSION;
    ctl->ncpus = c->ncpus;
    ctl->seed = seed;
    ctl->poll_window = c->poll_window;
    ctl->ndevices = c->ndevices;
    ctl->ipi_drop_every = c->ipi_drop_every;
    memcpy(ctl->devices, c->devices, sizeof ctl->devices);
    for (unsigned d = 0; d < HVSIM_DEVS; d++) /* scenario irq-cpu: 0 requester, k+1 cpu k */
        ctl->devices[d].irq_cpu = c->irq_route ? c->irq_route - 1 : HVSIM_IRQ_TO_REQUESTER;
    memcpy(ctl->delay, c->delay, sizeof ctl->delay);
    ctl->boot_daemon_first = c->boot_daemon_first ? 1u : 0u;
    ctl->mask_by_size = c->mask_by_size ? 1u : 0u;
    for (unsigned i = 0; i < c->ncpus && i < HVSIM_CPUS; i++) {
        /* the region holds HVSIM_MAX_ACCESS per CPU: the scenario parser
         * refuses more with file:line:col, so the cut never happens */
        unsigned n = c->naccess[i] < HVSIM_MAX_ACCESS ? c->naccess[i] : HVSIM_MAX_ACCESS;
        ctl->cpu[i].naccess = n;
        if (n)
            memcpy(ctl->cpu[i].acc, c->acc[i], n * sizeof *c->acc[i]);
    }
}

void region_go(struct hvsim_ctl *ctl)
{
    __atomic_store_n(&ctl->go, 1, __ATOMIC_RELEASE);
    futex_wake(&ctl->go, 1 << 20);
}

void region_stop(struct hvsim_ctl *ctl)
{
    __atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
    futex_wake(&ctl->stop, 1 << 20);
    futex_wake(&ctl->ipi_sent, 1 << 20);
    futex_wake(&ctl->hc_sent, 1 << 20);
    futex_wake(&ctl->hc_done, 1 << 20);
}
