/* sim/core/engine.c — choose the engine; build and run natively. */
#include "engine.h"
#include "native.h"
#include <stdio.h>
#include <string.h>

int native_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud,
                       struct engine_info *info, char *err, size_t errlen)
{
    struct build_out b;
    if (build_participants(c, BUILD_NATIVE, &b, err, errlen) < 0) {
        snprintf(info->buildlog, sizeof info->buildlog, "%s", b.log);
        return -2;
    }
    info->hv_text_hash = b.hv_text_hash;
    info->be_text_hash = b.be_text_hash;
    snprintf(info->binary, sizeof info->binary, "%s", b.hv);
    for (unsigned i = 0; i < c->runs; i++) {
        struct run_result r;
        if (native_run(c, &b, c->seed + i, &r, err, errlen) < 0)
            return -1;
        if (cb(&r, ud))
            break;
    }
    return 0;
}

int engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    if (!strcmp(c->engine, "native"))
        return native_engine_runs(c, cb, ud, info, err, errlen);
    if (!strcmp(c->engine, "det") && det_engine_runs)
        return det_engine_runs(c, cb, ud, info, err, errlen);
    if ((!strcmp(c->engine, "tsan") || !strcmp(c->engine, "helgrind")) && threads_engine_runs)
        return threads_engine_runs(c, cb, ud, info, err, errlen);
    snprintf(err, errlen, "engine '%s' is not part of this build of hvsim", c->engine);
    return -1;
}
