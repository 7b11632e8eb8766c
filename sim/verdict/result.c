/* sim/verdict/result.c — a run's result as JSON and as a line for people. */
#include "result.h"
#include "config/variants.h"
#include "build/code_record.h"
#include "evidence/demangle_rust.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void result_event(struct run_result *r, uint64_t t_us, const char *who, const char *fmt, ...)
{
    if (r->nevents >= RESULT_MAX_EVENTS)
        return;
    struct run_event *e = &r->ev[r->nevents++];
    e->t_us = t_us;
    snprintf(e->who, sizeof e->who, "%s", who);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->what, sizeof e->what, fmt, ap);
    va_end(ap);
}

const char *result_platform(const char *arch)
{
    return !arch_is_host(arch)
        ? "qemu-user: the foreign compiler's code, run on the host's memory model — not weak-memory hardware"
        : "host";
}

/* One entry per distinct PC, with how many samples hit it. */
static json_t *pcs_json(const struct run_result *r)
{
    json_t *pcs = json_array();
    for (int i = 0; i < r->npcs; i++) {
        int seen = 0, count = 0;
        for (int k = 0; k < r->npcs; k++) {
            seen |= k < i && r->pcs[k] == r->pcs[i];
            count += r->pcs[k] == r->pcs[i];
        }
        if (seen)
            continue;
        char b[32], fn[160] = "", file[160] = "";
        int line = 0;
        snprintf(b, sizeof b, "0x%llx", (unsigned long long)r->pcs[i]);
        sscanf(r->pc_where[i], "%159[^\t]\t%159[^\t]\t%d", fn, file, &line);
        json_t *o = json_pack("{s:s,s:i}", "pc", b, "count", count);
        if (fn[0])
            json_object_set_new(o, "function", json_string(fn));
        if (file[0]) {
            json_object_set_new(o, "file", json_string(file));
            json_object_set_new(o, "line", json_integer(line));
        }
        json_array_append_new(pcs, o);
    }
    return pcs;
}

/* A det run: its schedule and what it needs to be replayed. */
static void det_json(json_t *ev, const struct run_result *r, const struct hvsim_runcfg *c)
{
    json_object_set_new(ev, "schedule", json_string(r->det_schedule));
    json_object_set_new(ev, "strategy", json_string(r->det_strategy));
    json_object_set_new(ev, "memory_model", json_string(r->det_memory_model));
    json_object_set_new(ev, "scheduling_points", json_integer((json_int_t)r->det_points));
    json_object_set_new(ev, "decisions", json_integer((json_int_t)r->det_steps));
    json_object_set_new(ev, "preemptions", json_integer((json_int_t)r->det_preemptions));
    json_object_set_new(ev, "executions", json_integer((json_int_t)r->det_executions));
    json_object_set_new(ev, "schedules_covered", json_integer((json_int_t)r->det_schedules));
    if (c->path)
        json_object_set_new(ev, "scenario_path", json_string(c->path));
    json_object_set_new(ev, "ncpus", json_integer(c->ncpus));
    json_object_set_new(ev, "layout", json_string(c->v.layout_old ? "old" : "new"));
    json_object_set_new(ev, "pct_depth", json_integer(c->pct_depth));
    json_object_set_new(ev, "dfs_bound", json_integer(c->dfs_bound));
    /* the code this schedule ran on: replay rebuilds exactly it or refuses */
    json_object_set_new(ev, "code", code_record_json(c));
}

/* A tsan/helgrind run: the race and the tool's counts. */
static json_t *race_json(const struct run_result *r)
{
    const struct run_race *x = &r->race;
    json_t *rj = json_object();
    json_object_set_new(rj, "tool", json_string(x->tool));
    if (r->verdict == V_DATA_RACE) {
        json_object_set_new(rj, "field", json_string(x->field));
        json_object_set_new(rj, "in_bridge", json_boolean(x->in_bridge));
        if (x->in_bridge)
            json_object_set_new(rj, "offset", json_integer((json_int_t)x->offset));
        json_t *sites = json_array();
        for (int i = 0; i < 2; i++)
            if (x->site[i].kind[0])
                json_array_append_new(sites, json_pack("{s:s,s:s,s:i,s:s,s:s}", "function",
                    x->site[i].function, "file", x->site[i].file, "line", x->site[i].line,
                    "kind", x->site[i].kind, "thread", x->site[i].thread));
        json_object_set_new(rj, "sites", sites);
        json_object_set_new(rj, "all", json_string(x->others));
    }
    json_object_set_new(rj, "races", json_integer(x->nraces));
    json_object_set_new(rj, "harness_findings", json_integer(x->nharness));
    json_object_set_new(rj, "other_reports", json_integer(x->nother));
    json_object_set_new(rj, "atomic_pairs_set_aside", json_integer(x->natomic_pairs));
    json_object_set_new(rj, "suppressed", json_integer(x->suppressed));
    json_object_set_new(rj, "hang", json_boolean(x->hang));
    json_object_set_new(rj, "run_end", json_string(x->run_end));
    json_object_set_new(rj, "command", json_string(x->command));
    if (x->logdir[0])
        json_object_set_new(rj, "logdir", json_string(x->logdir));
    json_object_set_new(rj, "tool_text", json_string(x->tool_text));
    return rj;
}

json_t *result_to_json(const struct run_result *r, const struct hvsim_runcfg *c)
{
    json_t *ev = json_object();
    json_object_set_new(ev, "summary", json_string(r->summary));
    json_object_set_new(ev, "text", json_string(r->text));
    if (r->invariant[0])
        json_object_set_new(ev, "invariant", json_string(r->invariant));
    if (r->function[0])
        json_object_set_new(ev, "function", json_string(r->function));
    if (r->file[0]) {
        json_object_set_new(ev, "file", json_string(r->file));
        json_object_set_new(ev, "line", json_integer(r->line));
    }
    if (r->cpu >= 0) {
        json_object_set_new(ev, "cpu", json_integer(r->cpu));
        json_object_set_new(ev, "flag_in_memory", json_integer((json_int_t)r->flag_in_memory));
        json_object_set_new(ev, "flag_waited_on", json_integer((json_int_t)r->flag_waited_on));
    }
    if (r->verdict == V_HANG_STALE_READ) {
        json_object_set_new(ev, "cpu_time_ms", json_integer(r->cpu_time_ms));
        json_object_set_new(ev, "window_ms", json_integer(r->window_ms));
        json_object_set_new(ev, "judge_latency_ms", json_integer((json_int_t)r->judge_latency_ms));
    }
    if (r->signal)
        json_object_set_new(ev, "signal", json_integer(r->signal));
    if (r->loop_disasm[0])
        json_object_set_new(ev, "loop_disasm", json_string(r->loop_disasm));
    if (r->loop_disasm_o0[0])
        json_object_set_new(ev, "loop_disasm_O0", json_string(r->loop_disasm_o0));
    json_object_set_new(ev, "pc_samples", pcs_json(r));
    json_t *tl = json_array();
    for (unsigned i = 0; i < r->nevents; i++)
        json_array_append_new(tl, json_pack("{s:I,s:s,s:s}", "t_us", (json_int_t)r->ev[i].t_us,
                                            "who", r->ev[i].who, "what", r->ev[i].what));
    json_object_set_new(ev, "timeline", tl);
    if (r->det_strategy[0])
        det_json(ev, r, c);
    if (r->race.tool[0])
        json_object_set_new(ev, "race", race_json(r));

    json_t *o = json_object();
    json_object_set_new(o, "verdict", json_string(verdict_name(r->verdict)));
    json_object_set_new(o, "engine", json_string(c->engine));
    json_object_set_new(o, "scenario", json_string(c->name));
    json_object_set_new(o, "cc", json_string(c->v.cc));
    json_object_set_new(o, "opt", json_string(c->v.opt));
    json_object_set_new(o, "arch", json_string(c->v.arch));
    json_object_set_new(o, "wait", json_string(c->v.wait));
    json_object_set_new(o, "relax", json_string(c->v.relax));
    json_object_set_new(o, "wake", json_string(c->v.wake));
    json_object_set_new(o, "seed", json_integer((json_int_t)r->seed));
    json_object_set_new(o, "wall_ms", json_integer((json_int_t)r->wall_ms));
    json_object_set_new(o, "platform", json_string(result_platform(c->v.arch)));
    json_object_set_new(o, "evidence", ev);
    return o;
}

void result_print(FILE *f, const struct run_result *r)
{
    fprintf(f, "%-16s", verdict_name(r->verdict));
    if (r->file[0])
        fprintf(f, " %s:%d", r->file, r->line);
    if (r->function[0]) {
        char dm[sizeof r->function];
        rust_demangle(r->function, dm, sizeof dm); /* Rust symbols as paths */
        fprintf(f, "  in %s()", dm);
    }
    fprintf(f, ": %s  [seed %llu]\n", r->summary, (unsigned long long)r->seed);
}
