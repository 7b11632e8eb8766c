/* sim/engine/native/native_restart.h — the restart-daemon fault of the
 * native engine (scenario `restart-daemon after N`). */
#ifndef HVSIM_NATIVE_RESTART_H
#define HVSIM_NATIVE_RESTART_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "config/runcfg.h"
#include "util/process.h"
#include "util/region.h"
#include "verdict/result.h"

/* ps[0] is the daemon, argv its command line, pgid the run's process group.
 * Returns 1 when the daemon was restarted (or its restart failed: said in
 * r's timeline), 0 not yet. */
int native_restart_daemon(const struct hvsim_runcfg *c, struct region *rg, struct proc *ps,
                          char **argv, pid_t pgid, struct run_result *r, uint64_t t_us,
                          unsigned *gap_ms, char *err, size_t errlen);

#endif
