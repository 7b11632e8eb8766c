/* sim/engine/engine.h — the engines behind `run`, `matrix` and `test`.
 *
 * Each engine runs c->runs seeded runs (seeds c->seed, c->seed+1, …) of the
 * variant c->v and calls cb once per run with its result; cb returns nonzero
 * to stop early.  Return: 0 done, -1 harness failure, -2 the code under test
 * did not build (err says why, compiler output in *buildlog if given). */
#ifndef HVSIM_ENGINE_H
#define HVSIM_ENGINE_H

#include "verdict/result.h"

typedef int (*engine_cb)(const struct run_result *r, void *ud);

struct engine_info {
    uint64_t hv_text_hash, be_text_hash; /* identity of the built code (dedup) */
    char buildlog[4096];
    char binary[600];                    /* the hypervisor participant */
};

int engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                char *err, size_t errlen);

/* Provided by the engines' own modules. */
int native_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                       struct engine_info *info, char *err, size_t errlen);
int det_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                    struct engine_info *info, char *err, size_t errlen) __attribute__((weak));
int threads_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                        struct engine_info *info, char *err, size_t errlen) __attribute__((weak));

/* -1 (err set) when c names a prebuilt library: 'what' (the det engine,
 * the audit) needs hvsim's instrumentation in the code under test. */
int engine_refuses_libs(const struct hvsim_runcfg *c, const char *what, char *err, size_t errlen);

#endif
