/* sim/runtime/common/hypercall.h — the hypervisor's end of the FINISH_REQ hypercall
 * (the daemon's end, hvsim_finish_req, is in platform_native.c). */
#ifndef HVSIM_RUNTIME_HYPERCALL_H
#define HVSIM_RUNTIME_HYPERCALL_H

/* Thread body: serve the daemon's FINISH_REQ hypercalls one at a time
 * (hv_finish_req), until hvsim_should_stop(). */
void *hypercall_serve(void *arg);

#endif
