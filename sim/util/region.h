/* sim/util/region.h — the shared memfd region (bridge page + control area). */
#ifndef HVSIM_REGION_H
#define HVSIM_REGION_H

#include "runtime/common/control.h"

struct region {
    int fd;          /* memfd, close-on-exec; children get a dup at fd 3 */
    void *base;
    size_t size;
    struct virtio_bridge *bridge;
    struct hvsim_ctl *ctl;
};

struct hvsim_runcfg;

int region_create(struct region *r, char *err, size_t errlen);
/* Write the run configuration of c (seed: this run's) into a control area:
 * the one layout every engine's participants read. */
/* Release every participant waiting for go / tell every one to stop, waking
 * all the futex words they may sleep on. */
void region_go(struct hvsim_ctl *ctl);
void region_stop(struct hvsim_ctl *ctl);
void region_init_ctl(struct hvsim_ctl *ctl, const struct hvsim_runcfg *c, uint64_t seed);
void region_destroy(struct region *r);

#endif
