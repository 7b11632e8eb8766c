/* sim/engine/det/det_result.c — one det execution's verdict as a run_result:
 * summary, text, evidence, the reordering under arm/riscv, the timeline. */
#include "det_int.h"
#include "evidence/pc.h"
#include "evidence/srcloc.h"
#include "runtime/det/det_wmm.h"
#include <string.h>

static const char *field_name(uint32_t off, char *buf, size_t len)
{
    det_field_name(off, buf, len);
    return buf;
}

/* HANG_STALE_READ: where the spinner's last load was, in words. */
static void hang_words(struct det_run *R, const struct det_outcome *o, struct run_result *r)
{
    struct det_shm *S = det_ctx_shm(R->x);
    char tn[32], fl[64];
    r->cpu = o->vtid < (int)S->ncpus ? o->vtid : -1;
    r->flag_waited_on = o->vval[0];
    memcpy(&r->flag_in_memory, S->G + o->vval[1], 8);
    r->cpu_time_ms = o->hang_cpu_ms;
    r->window_ms = o->hang_window_ms;
    r->judge_latency_ms = (uint64_t)o->hang_window_ms;
    r->npcs = 1;
    r->pcs[0] = o->hang_pc;
    struct pc_sym s;
    const char *bin = o->hang_proc ? R->x->b.backend : R->x->b.hv;
    if (o->hang_pc && pc_symbolize_elf(bin, o->hang_pc - 1, &s) == 0) {
        snprintf(r->function, sizeof r->function, "%s", s.function);
        srcloc_show(s.file, r->file, sizeof r->file);
        r->line = s.line;
    }
    snprintf(r->summary, sizeof r->summary,
             "%s loaded %s (= %llu) and then ran %ld ms without another access to shared "
             "memory: the wait loop does not re-read it",
             det_thread_name(S, o->vtid, tn, sizeof tn), field_name((uint32_t)o->vval[1], fl, sizeof fl),
             (unsigned long long)o->vval[0], o->hang_window_ms);
    snprintf(r->text, sizeof r->text,
             "%s holds the token: under the deterministic scheduler every access to the bridge "
             "is a call into the runtime, and none came for %ld ms while the thread used %ld ms "
             "of CPU. Its last access was the load at %s:%d in %s(); the compiler hoisted that "
             "load out of the wait loop, so no store by the daemon can ever end it (the release "
             "build hangs the same way). Decisions before the hang: %u.",
             det_thread_name(S, o->vtid, tn, sizeof tn), o->hang_window_ms, o->hang_cpu_ms,
             r->file[0] ? r->file : "?", r->line, r->function[0] ? r->function : "?", o->steps);
}

/* The verdict's own words (summary, text, place). */
static void verdict_words(struct det_run *R, const struct det_outcome *o, const char *schedule,
                          struct run_result *r)
{
    struct det_shm *S = det_ctx_shm(R->x);
    const struct hvsim_runcfg *c = &R->eff;
    int model = det_model_of(c);
    switch (o->verdict) {
    case V_PASS:
        snprintf(r->summary, sizeof r->summary,
                 "all %u CPUs completed their accesses (%u decisions, %u switches, %u drains)",
                 c->ncpus, o->steps, o->switches, o->drains);
        snprintf(r->text, sizeof r->text, "%s under %s.", r->summary, det_model_long[model]);
        break;
    case V_HANG_STALE_READ:
        hang_words(R, o, r);
        break;
    case V_LOST_WAKEUP: {
        char cause[1400];
        det_explain_lost_wakeup(S, hvsim_region_ctl(det_ctx_base(R->x)), R->sy, cause, sizeof cause);
        snprintf(r->summary, sizeof r->summary, "%s", o->why);
        snprintf(r->function, sizeof r->function, "backend_run");
        snprintf(r->text, sizeof r->text, "%s; every CPU waits (memory model %s). %s Schedule: %s "
                 "(%u preemptions, %u drains chosen).", o->why, det_model_long[model], cause,
                 schedule ? schedule : "?", o->preemptions, o->drains);
        break;
    }
    case V_MISSED_ANSWER:
    case V_DAEMON_STALLED:
    case V_LIVELOCK: {
        char st[1200];
        det_explain_stuck(S, hvsim_region_ctl(det_ctx_base(R->x)), R->sy, o->vtid,
                          (uint32_t)o->vval[0], o->vval[1], o->verdict == V_MISSED_ANSWER, st,
                          sizeof st);
        r->cpu = o->vtid < (int)S->ncpus ? o->vtid : -1;
        snprintf(r->summary, sizeof r->summary, "%.*s", (int)sizeof r->summary - 1, st);
        snprintf(r->text, sizeof r->text, "%s (%s). Schedule: %s.", st, o->why,
                 schedule ? schedule : "?");
        break;
    }
    case V_WRONG_VALUE:
        r->cpu = o->vtid;
        snprintf(r->summary, sizeof r->summary, "%s", o->why);
        snprintf(r->function, sizeof r->function, "hv_mmio_access");
        snprintf(r->text, sizeof r->text,
                 "%s. The handler returned a value the daemon never answered (a stale or "
                 "reordered cfg_values read). Schedule: %s.",
                 o->why, schedule ? schedule : "?");
        break;
    default:
        snprintf(r->summary, sizeof r->summary, "%s", o->why[0] ? o->why : verdict_name(r->verdict));
        snprintf(r->text, sizeof r->text, "%s. Schedule: %s.", r->summary, schedule ? schedule : "?");
        break;
    }
}

/* What every verdict gets: the oracle's words, blocked threads, the
 * reordering (arm/riscv), a diverged replay, the schedule. */
static void add_notes(struct det_run *R, const struct det_outcome *o, const char *schedule,
                      struct run_result *r)
{
    struct det_shm *S = det_ctx_shm(R->x);
    if (o->has_finding) {
        /* the protocol oracle's words (sim/verdict) */
        const struct oracle_finding *f = &o->fin;
        r->cpu = f->cpu;
        snprintf(r->invariant, sizeof r->invariant, "%s", f->invariant);
        snprintf(r->summary, sizeof r->summary, "%s", f->summary);
        snprintf(r->text, sizeof r->text, "%s Invariant: %s. Schedule: %s.", f->text, f->invariant,
                 schedule ? schedule : "?");
        if (f->func[0])
            snprintf(r->function, sizeof r->function, "%s", f->func);
        if (f->file[0]) {
            snprintf(r->file, sizeof r->file, "%s", f->file);
            r->line = f->line;
        }
    }
    if (o->verdict != V_PASS) { /* a thread of the code under test stuck in a lock, wait or join */
        char note[400];
        det_blocked_note(S, R->sy, note, sizeof note);
        if (note[0]) {
            size_t l = strlen(r->summary);
            snprintf(r->summary + l, sizeof r->summary - l, "; %s", note);
            l = strlen(r->text);
            snprintf(r->text + l, sizeof r->text - l, " At the end: %s.", note);
        }
    }
    if (o->verdict != V_PASS && o->verdict != V_HANG_STALE_READ && wmm_on(S)) {
        static char why[1536];
        if (det_wmm_explain(S, R->sy, why, sizeof why)) {
            strncat(r->text, " ", sizeof r->text - strlen(r->text) - 1);
            strncat(r->text, why, sizeof r->text - strlen(r->text) - 1);
        }
    }
    if (o->diverged)
        strncat(r->text, " WARNING: the replayed schedule diverged (the code or the build changed).",
                sizeof r->text - strlen(r->text) - 1);
    if (o->verdict != V_PASS && schedule) {
        size_t l = strlen(r->summary);
        snprintf(r->summary + l, sizeof r->summary - l, " [schedule %s]", schedule);
    }
}

/* The timeline: the last trace events. */
static void add_timeline(struct det_run *R, struct run_result *r)
{
    struct det_shm *S = det_ctx_shm(R->x);
    char tn[32], fl[64];
    uint32_t from = S->nev > 40 ? S->nev - 40 : 0;
    for (uint32_t i = from; i < S->nev; i++) {
        const struct det_event *e = &S->ev[i];
        char line[64] = "";
        if (e->pc && R->sy)
            det_syms_line(R->sy, S->t[e->tid].proc == 1, e->pc, line, sizeof line);
        static const char *const kn[EV__COUNT] = {
            "read", "write", "vread", "vwrite", "aload", "astore", "rmw", "fence", "sleep",
            "wake", "ipi", "hypercall", "hcdone", "delay", "begin", "done", "drain", "switch",
            "access", "result", "sync" };
        if (e->kind == EV_SYNC) {
            char d[96];
            det_sync_describe(S, e, d, sizeof d);
            result_event(r, e->step, det_thread_name(S, e->tid, tn, sizeof tn), "%s %s", d, line);
            continue;
        }
        result_event(r, e->step, det_thread_name(S, e->tid, tn, sizeof tn), "%s %s=%llu %s",
                     kn[e->kind], e->off == UINT32_MAX ? "private" : field_name(e->off, fl, sizeof fl),
                     (unsigned long long)e->val, line);
    }
}

void det_fill_result(struct det_run *R, const struct det_outcome *o, uint64_t seed,
                        const char *schedule, struct run_result *r)
{
    const struct hvsim_runcfg *c = &R->eff;
    memset(r, 0, sizeof *r);
    r->verdict = (enum hvsim_verdict)o->verdict;
    r->seed = seed;
    r->cpu = -1;
    r->wall_ms = o->wall_ns / 1000000ull;
    int model = det_model_of(c);
    snprintf(r->det_schedule, sizeof r->det_schedule, "%s", schedule ? schedule : "");
    snprintf(r->det_strategy, sizeof r->det_strategy, "%s", c->strategy);
    snprintf(r->det_memory_model, sizeof r->det_memory_model, "%s", det_model_short[model]);
    r->det_points = o->points;
    r->det_steps = o->steps;
    r->det_preemptions = o->preemptions;
    r->det_executions = R->executions;
    r->det_schedules = R->schedules;
    verdict_words(R, o, schedule, r);
    add_notes(R, o, schedule, r);
    add_timeline(R, r);
}
