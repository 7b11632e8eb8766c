/* tests/fuzz/fuzz_engine_stubs.c — the engines' entry points for fuzz
 * targets that link the engine table (sim/engine/engine.c: the scenario
 * parser takes its engine names from it) but never run an engine. */
#include "engine/engine.h"

static int never(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                 char *err, size_t errlen)
{
    (void)c; (void)cb; (void)ud; (void)info; (void)err; (void)errlen;
    return -1;
}

int native_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                       struct engine_info *info, char *err, size_t errlen)
{
    return never(c, cb, ud, info, err, errlen);
}

int det_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                    struct engine_info *info, char *err, size_t errlen)
{
    return never(c, cb, ud, info, err, errlen);
}

int threads_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                        struct engine_info *info, char *err, size_t errlen)
{
    return never(c, cb, ud, info, err, errlen);
}
