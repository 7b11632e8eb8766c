/* sim/engine/native/native.h — the native engine: the exact optimised binaries,
 * uninstrumented, running truly concurrently, judged by a watchdog. */
#ifndef HVSIM_NATIVE_H
#define HVSIM_NATIVE_H

#include "build/build.h"
#include "verdict/result.h"

/* One run with seed 'seed' of the built participants.  Never leaves a
 * process behind.  Returns 0 (verdict in *r) or -1 (harness failure, err). */
int native_run(const struct hvsim_runcfg *c, const struct build_out *b, uint64_t seed,
               struct run_result *r, char *err, size_t errlen);

#endif
