/* sim/runtime/common/guest.h — run one guest CPU's access sequence (guest.c). */
#ifndef HVSIM_GUEST_H
#define HVSIM_GUEST_H

#include "control.h"

/* Run CPU cpu's accesses from the control area; 'view' is the mapping the
 * harness reads cfg_flags through (the threads engine passes a private
 * alias the race detectors do not watch).  Returns when done, on a wrong
 * value, or when the run stops. */
void guest_run(unsigned cpu, const struct virtio_bridge *view);

#endif
