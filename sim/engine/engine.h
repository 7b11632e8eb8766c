/* sim/engine/engine.h — the engines behind `run`, `matrix` and `test`, in one
 * table.  Everything a caller decides by engine (what to build, which
 * architectures and options it takes, how to run it) is a field here, so an
 * engine is added in engine.c's table and its own folder, nowhere else.
 *
 * Each engine's run entry runs c->runs seeded runs (seeds c->seed,
 * c->seed+1, …) of the variant c->v and calls cb once per run with its
 * result; cb returns nonzero to stop early.  Return: 0 done, -1 harness
 * failure, -2 the code under test did not build or cannot be used (err says
 * why, compiler output in info->buildlog). */
#ifndef HVSIM_ENGINE_H
#define HVSIM_ENGINE_H

#include <stddef.h>
#include "build/build.h"
#include "verdict/result.h"

typedef int (*engine_cb)(const struct run_result *r, void *ud);

struct engine_info {
    uint64_t hv_text_hash, be_text_hash; /* identity of the built code (dedup) */
    char buildlog[4096];
    char binary[600];                    /* the hypervisor participant */
};

typedef int (*engine_run_fn)(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                             struct engine_info *info, char *err, size_t errlen);

struct engine {
    const char *name;             /* --engine NAME, `engine NAME` in a scenario */
    /* The build that identifies a cell's code for this engine: `matrix`
     * builds it ahead (in parallel) and runs once per distinct .text.  The
     * threads engines build their one-binary variant inside their run. */
    enum build_profile build_profile;
    unsigned arches;              /* bit i: runs variant_arch[i] builds */
    const char *arch_why;         /* why the other architectures are refused */
    unsigned models;              /* bit i: honours --memory-model variant_model[i] */
    int accepts_libs;             /* runs --hv-lib/--backend-lib code as built */
    engine_run_fn run;
};

/* The engine called name; NULL for an unknown name. */
const struct engine *engine_find(const char *name);
/* The i-th engine in table order (NULL past the end). */
const struct engine *engine_at(size_t i);
/* Every engine's name in table order, NULL-terminated (for parsers). */
const char *const *engine_names(void);
/* The names joined with sep ("native|det|tsan|helgrind"). */
void engine_join(const char *sep, char *buf, size_t n);
/* 1 when e runs builds for arch. */
int engine_runs_arch(const struct engine *e, const char *arch);

/* Run c->runs runs of c under the engine c->engine names. */
int engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                char *err, size_t errlen);

/* The engines' own entry points (their folders). */
int native_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                       struct engine_info *info, char *err, size_t errlen);
int det_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                    struct engine_info *info, char *err, size_t errlen);
int threads_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                        struct engine_info *info, char *err, size_t errlen);

/* -1 (err set) when c names a prebuilt library: 'what' (the det engine,
 * the audit) needs hvsim's instrumentation in the code under test. */
int engine_refuses_libs(const struct hvsim_runcfg *c, const char *what, char *err, size_t errlen);

#endif
