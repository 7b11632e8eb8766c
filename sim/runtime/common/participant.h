/* sim/runtime/common/participant.h — what the participant processes (hv, backend)
 * share: the mapped region and the per-thread identity, set up by
 * participant_attach() from the command line the supervisor passes. */
#ifndef HVSIM_PARTICIPANT_H
#define HVSIM_PARTICIPANT_H

#include "control.h"

extern void *g_region;
extern struct virtio_bridge *g_bridge;
extern struct hvsim_ctl *g_ctl;
extern __thread int g_cpu;          /* hv CPU of this thread, -1 elsewhere */
extern __thread uint64_t g_rng;     /* this thread's delay generator */

/* argv: prog --fd N ; maps the region, checks the control magic. Exits 3 on failure. */
void participant_attach(int argc, char **argv, const char *who);
/* The region's fd from `--fd N` (what the supervisor passes); a program
 * started by hand gets a one-line message and exit status 3. */
int participant_region_fd(int argc, char **argv, const char *who);
/* Block until the supervisor says go. */
void participant_wait_go(void);
int participant_tid(void);

#endif
