/* sim/engine/det/det_replay.c — the engine side of `hvsim replay` (the
 * command is sim/cli/cmd_replay.c): rebuild the configuration a det run
 * printed with --json and rerun its schedule (evidence.schedule) exactly. */
#include "det.h"
#include "build/code_record.h"
#include "config/scenario.h"
#include <stdlib.h>
#include <string.h>

static void set(char *dst, size_t n, json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    if (v)
        snprintf(dst, n, "%s", v);
}

int det_replay_emit(json_t *failure, const char *path, char *err, size_t errlen)
{
    /* A test emitted from a failure must be about the code that failed:
     * refuse when it is gone or no longer the same. */
    json_t *code = json_object_get(json_object_get(failure, "evidence"), "code");
    struct hvsim_runcfg *scratch = calloc(1, sizeof *scratch);
    char e[1200] = "out of memory";
    int crc = !scratch ? -1 : code ? code_record_apply(code, scratch, 0, e, sizeof e) : 0;
    runcfg_free(scratch);
    if (crc < 0) {
        snprintf(err, errlen, "%s%s",
                 crc == -2 ? "will not emit a test of other code than the failure ran: " : "", e);
        return -2;
    }
    return det_emit_test(failure, path, err, errlen) < 0 ? -1 : 0;
}

/* The schedule to replay (rc's or the failure's), or NULL with why not in err. */
static const char *replay_schedule(json_t *ev, const struct det_replay_cfg *rc, char *err, size_t errlen)
{
    const char *sched = rc->schedule;
    if (!sched)
        sched = json_string_value(json_object_get(ev, "schedule"));
    if (sched && !strncmp(sched, "det", 3) && sched[3] >= '4' && sched[3] <= '9' && sched[4] == ':') {
        snprintf(err, errlen, "%s: schedule format '%.5s' is from a newer hvsim (this one "
                              "reads det1:, det3: and detseed:)", rc->path, sched);
        return NULL;
    }
    if (sched && !strncmp(sched, "det2:", 5)) {
        snprintf(err, errlen, "%s: %s", rc->path, DET_SCHED_OLD_DET2);
        return NULL;
    }
    if (!sched || (strncmp(sched, "det1:", 5) && strncmp(sched, "det3:", 5) && strncmp(sched, "detseed:", 8))) {
        snprintf(err, errlen, "%s has no det schedule (evidence.schedule); it must come "
                              "from `hvsim run --engine det --json`", rc->path);
        return NULL;
    }
    return sched;
}

/* The variant, scenario and workload the failure ran, with rc's overrides. */
static int cfg_from_failure(json_t *o, const struct det_replay_cfg *rc, struct hvsim_runcfg *c,
                            char *err, size_t errlen)
{
    json_t *ev = json_object_get(o, "evidence");
    runcfg_default_run(c);
    const char *sp = json_string_value(json_object_get(ev, "scenario_path"));
    if (sp && scenario_load(sp, c, err, errlen) < 0)
        return -2;
    set(c->v.cc, sizeof c->v.cc, o, "cc");
    set(c->v.opt, sizeof c->v.opt, o, "opt");
    set(c->v.arch, sizeof c->v.arch, o, "arch");
    set(c->v.wait, sizeof c->v.wait, o, "wait");
    set(c->v.relax, sizeof c->v.relax, o, "relax");
    set(c->v.wake, sizeof c->v.wake, o, "wake");
    set(c->strategy, sizeof c->strategy, ev, "strategy");
    set(c->memory_model, sizeof c->memory_model, ev, "memory_model");
    snprintf(c->engine, sizeof c->engine, "det");
    json_t *n = json_object_get(ev, "ncpus");
    if (json_is_integer(n) && !sp) {
        c->ncpus = (unsigned)json_integer_value(n);
        runcfg_default_workload(c, 6);
    }
    char *const ovdst[DET_REPLAY_NOV] = { c->v.wait, c->v.wake, c->v.relax, c->v.opt, c->v.cc };
    const size_t ovlen[DET_REPLAY_NOV] = { sizeof c->v.wait, sizeof c->v.wake, sizeof c->v.relax,
                                           sizeof c->v.opt, sizeof c->v.cc };
    for (int k = 0; k < DET_REPLAY_NOV; k++)
        if (rc->override[k])
            snprintf(ovdst[k], ovlen[k], "%s", rc->override[k]);
    const char *lay = json_string_value(json_object_get(ev, "layout"));
    c->v.layout_old = lay && !strcmp(lay, "old");
    return 0;
}

/* The code the failure ran (evidence.code), checked against the files as
 * they are now; older failures record none. */
static int code_from_failure(json_t *o, const struct det_replay_cfg *rc, struct hvsim_runcfg *c,
                             char *err, size_t errlen)
{
    json_t *code = json_object_get(json_object_get(o, "evidence"), "code");
    char e[2200];
    if (!code) {
        snprintf(e, sizeof e, "%s records no code (evidence.code; written by an older hvsim): "
                 "building %s", rc->path, c->n_hv_src || c->n_be_src ? "the scenario's code" : "hvsim's reference code");
        if (rc->note)
            rc->note(rc->note_ud, e);
        return 0;
    }
    int crc = code_record_apply(code, c, rc->allow_changed, e, sizeof e);
    if (crc < 0) {
        snprintf(err, errlen, "%s%s%s",
                 crc == -2 ? "refusing to replay other code than the failure ran: " : "", e,
                 crc == -2 && !strstr(e, ": missing") ?
                 "\n  (--allow-changed replays the schedule on the file as it is now)" : "");
        return -2;
    }
    if (e[0] && rc->note) {
        char m[2300];
        snprintf(m, sizeof m, "replaying on changed code (--allow-changed): %s", e);
        rc->note(rc->note_ud, m);
    }
    return 0;
}

int det_replay_failure(json_t *failure, const struct det_replay_cfg *rc, struct hvsim_runcfg *c,
                       engine_cb cb, void *ud, char *err, size_t errlen)
{
    json_t *ev = json_object_get(failure, "evidence");
    const char *sched = replay_schedule(ev, rc, err, errlen);
    if (!sched)
        return -2;
    if (cfg_from_failure(failure, rc, c, err, errlen) < 0 || code_from_failure(failure, rc, c, err, errlen) < 0)
        return -2;
    uint64_t seed = (uint64_t)json_integer_value(json_object_get(failure, "seed"));
    c->seed = seed;
    struct det_replay_opts ro = rc->ro;
    ro.schedule = sched;
    return det_engine_replay(c, seed, &ro, cb, ud, err, errlen);
}
