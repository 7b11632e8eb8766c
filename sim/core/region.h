/* sim/core/region.h — the shared memfd region (bridge page + control area). */
#ifndef HVSIM_REGION_H
#define HVSIM_REGION_H

#include "runtime/control.h"

struct region {
    int fd;          /* memfd, close-on-exec; children get a dup at fd 3 */
    void *base;
    size_t size;
    struct virtio_bridge *bridge;
    struct hvsim_ctl *ctl;
};

int region_create(struct region *r, char *err, size_t errlen);
void region_destroy(struct region *r);

#endif
