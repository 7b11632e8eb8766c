/* sim/engine/det/det_engine.c — the deterministic engine's runs: builds the
 * participants, runs the strategy's executions (det_exec.c), shrinks and
 * reports failures, and `hvsim replay`.  Strategies: random and pct run
 * seeded executions; dfs and dpor explore the schedules within a preemption
 * bound (det_sched.c), dpor with source-DPOR's reduction (det_dpor.c).
 */
#define _GNU_SOURCE
#include "det_int.h"
#include "runtime/common/futex.h"
#include "runtime/det/det_wmm.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- shrinking ----------------------------------------------------------------- */
static int run_soft(struct det_run *R, const uint8_t *pre, uint32_t n, int strict, uint64_t seed,
                    struct det_outcome *o, char *err, size_t errlen)
{
    struct det_plan p = { .strategy = DET_REPLAY, .seed = seed, .prefix = pre, .prefix_len = n,
                          .soft = !strict, .record_ev = 1 };
    int rc = det_exec(R->x, &p, o, err, errlen);
    R->executions++;
    R->points += o->points;
    return rc;
}

/* Minimise a failing schedule: shortest soft prefix that still fails the same
 * way (binary search), then drop preemptions and drains one at a time. */
static int shrink(struct det_run *R, uint64_t seed, int verdict, uint8_t *acts, uint32_t *nacts,
                  char *err, size_t errlen)
{
    struct det_shm *S = det_ctx_shm(R->x);
    uint32_t n = *nacts;
    struct det_outcome o;
    unsigned budget = (unsigned)det_env_u64("HVSIM_DET_SHRINK", 200);
    uint32_t lo = 0, hi = n;
    while (lo < hi && budget) {
        uint32_t mid = lo + (hi - lo) / 2;
        budget--;
        if (run_soft(R, acts, mid, 0, seed, &o, err, errlen) < 0)
            return -1;
        if (o.verdict == verdict)
            hi = mid;
        else
            lo = mid + 1;
    }
    n = hi;
    uint8_t *trial = malloc(n ? n : 1);
    for (int64_t i = (int64_t)n - 1; i >= 0 && budget; i--) {
        if (acts[i] == DET_ACT_DEFAULT)
            continue;
        memcpy(trial, acts, n);
        trial[i] = DET_ACT_DEFAULT;
        budget--;
        if (run_soft(R, trial, n, 0, seed, &o, err, errlen) < 0) {
            free(trial);
            return -1;
        }
        if (o.verdict == verdict)
            acts[i] = DET_ACT_DEFAULT;
    }
    free(trial);
    /* the shrunk schedule, as it really ran */
    if (run_soft(R, acts, n, 0, seed, &o, err, errlen) < 0)
        return -1;
    if (o.verdict != verdict)
        return 0; /* not reproducible this way: keep the original */
    uint32_t k = det_sched_significant(S->log, S->nlog);
    for (uint32_t i = 0; i < k; i++)
        acts[i] = S->log[i].chosen;
    *nacts = k;
    return 1;
}

/* ---- the engine ------------------------------------------------------------------ */
static int build(const struct hvsim_runcfg *c, struct build_out *b, struct engine_info *info,
                 char *err, size_t errlen)
{
    if (build_participants(c, BUILD_DET, b, err, errlen) < 0) {
        if (info)
            snprintf(info->buildlog, sizeof info->buildlog, "%s", b->log);
        return -2;
    }
    if (info) {
        info->hv_text_hash = b->hv_text_hash;
        info->be_text_hash = b->be_text_hash;
        snprintf(info->binary, sizeof info->binary, "%s", b->hv);
    }
    return 0;
}

/* The trace files the config names, else the user's documented knobs
 * (docs/det-engine.md); NULL for none. */
static const char *trace_path(const struct hvsim_runcfg *c)
{
    return c->det_trace ? c->det_trace : getenv("HVSIM_DET_TRACE");
}
static const char *chrome_path(const struct hvsim_runcfg *c)
{
    return c->det_chrome ? c->det_chrome : getenv("HVSIM_DET_CHROME");
}

static void write_traces(struct det_run *R, const char *tpath, const char *cpath, const char *hdr)
{
    struct det_shm *S = det_ctx_shm(R->x);
    if (tpath && *tpath) {
        /* det_trace_append: keep every execution's trace (the audit) */
        FILE *f = fopen(tpath, R->c->det_trace_append ? "a" : "w");
        if (f) {
            det_trace_text(f, S, R->sy, hdr);
            fclose(f);
        }
    }
    if (cpath && *cpath) {
        FILE *f = fopen(cpath, "w");
        if (f) {
            det_trace_chrome(f, S, R->sy);
            fclose(f);
        }
    }
}

static int strategy_of(const char *s);

/* Report a failing execution: shrink, rerun the final schedule (so the trace
 * and the evidence are those of the reported schedule), fill r. */
static int report_failure(struct det_run *R, uint64_t seed, const struct det_outcome *o0,
                          struct run_result *r, char *err, size_t errlen)
{
    struct det_shm *S = det_ctx_shm(R->x);
    struct det_outcome o = *o0;
    static uint8_t acts[DET_MAX_STEPS];
    static char sched[8192];
    uint32_t n = S->nlog;
    for (uint32_t i = 0; i < n; i++)
        acts[i] = S->log[i].chosen;
    n = det_sched_significant(S->log, n);
    /* A LIVELOCK execution costs det-quiet-points points: shrinking it would
     * take hundreds of them; like a hang or a timeout it is reported as found. */
    if (o.verdict != V_HANG_STALE_READ && o.verdict != V_CRASH && o.verdict != V_TIMEOUT &&
        o.verdict != V_LIVELOCK && o.verdict != V_MISSED_ANSWER && o.verdict != V_DAEMON_STALLED &&
        o.points < (1u << 20)) {
        if (shrink(R, seed, o.verdict, acts, &n, err, errlen) < 0)
            return -1;
    }
    int seeded = 0;
    if (det_sched_encode(acts, n, sched, sizeof sched) < 0) {
        /* Too long to write out: a random/pct execution is a function of its
         * strategy and seed, so the seed itself is the replayable schedule
         * (the unshrunk execution, rerun below for its evidence). */
        int st = strategy_of(R->eff.strategy);
        if (st == DET_DFS) {
            snprintf(sched, sizeof sched, "%s:(too long)", wmm_on(S) ? "det3" : "det1");
        } else {
            snprintf(sched, sizeof sched, "detseed:%s:%u", R->eff.strategy,
                     st == DET_PCT ? (R->eff.pct_depth ? R->eff.pct_depth : 3) : 0);
            struct det_plan p = { .strategy = st, .seed = seed, .pct_depth = R->eff.pct_depth,
                                  .record_ev = 1 };
            struct det_outcome o2;
            if (det_exec(R->x, &p, &o2, err, errlen) < 0)
                return -1;
            R->executions++;
            if (o2.verdict == o.verdict)
                o = o2;
            seeded = 1;
        }
    }
    /* rerun strictly: evidence and trace of exactly this schedule */
    if (!seeded && o.verdict != V_HANG_STALE_READ && o.verdict != V_CRASH) {
        struct det_outcome o2;
        if (run_soft(R, acts, n, 1, seed, &o2, err, errlen) < 0)
            return -1;
        if (o2.verdict == o.verdict)
            o = o2;
        else /* say so: the code under test may keep state across executions */
            snprintf(o.why + strlen(o.why), sizeof o.why - strlen(o.why),
                     " [this schedule did not reproduce on a strict rerun (%s): replay may differ]",
                     verdict_name(o2.verdict));
    }
    det_fill_result(R, &o, seed, sched, r);
    char hdr[9000];
    snprintf(hdr, sizeof hdr, "# hvsim det trace: %s seed %llu schedule %s\n", verdict_name(r->verdict),
             (unsigned long long)seed, sched);
    write_traces(R, trace_path(R->c), chrome_path(R->c), hdr);
    return 0;
}

static int strategy_of(const char *s)
{
    if (!strcmp(s, "random")) return DET_RANDOM;
    if (!strcmp(s, "dfs") || !strcmp(s, "dpor")) return DET_DFS;
    return DET_PCT;
}

static int run_setup(struct det_run *R, const struct hvsim_runcfg *c, struct engine_info *info,
                     char *err, size_t errlen)
{
    memset(R, 0, sizeof *R);
    R->c = c;
    det_effective_cfg(c, &R->eff);
    struct build_out b;
    int rc = build(c, &b, info, err, errlen);
    if (rc < 0 || det_ctx_open(&R->x, c, &b, err, errlen) < 0) {
        runcfg_clear(&R->eff);
        return rc < 0 ? rc : -1;
    }
    R->sy = det_syms_new(b.hv, b.backend);
    R->t_start = now_ns();
    R->r = calloc(1, sizeof *R->r);
    if (!R->r) {
        snprintf(err, errlen, "out of memory");
        det_ctx_close(R->x);
        det_syms_free(R->sy);
        runcfg_clear(&R->eff);
        return -1;
    }
    return 0;
}

static void run_teardown(struct det_run *R)
{
    det_ctx_close(R->x);
    det_syms_free(R->sy);
    free(R->r);
    runcfg_clear(&R->eff);
}

/* The end of an exploration that found nothing, in words: "verified" only
 * when every option of every decision was run or shown equivalent (dpor)
 * — nothing cut by the bound, no --runs cap, and (arm/riscv) every load
 * offered every message its view allows — and always with what the fair
 * scheduler leaves out (docs/det-engine.md, "what verified covers": a
 * kick-before-publish handler is verified on verify_2x1.hvs's 1000-turn
 * poll window, found at once with poll-window 0). */
static void explored_words(struct det_run *R, const struct det_dfs *d, int exhausted,
                           struct run_result *r)
{
    const struct hvsim_runcfg *c = R->c;
    const char *ml = det_model_long[det_model_of(c)];
    unsigned long long n = (unsigned long long)d->schedules;
    if (exhausted && !d->cut && !d->vcut)
        snprintf(r->summary, sizeof r->summary, "verified: %llu executions, all PASS (%s, every fair "
                 "schedule%s, under %s; fair: a loop re-reading unchanged values runs only when no "
                 "other thread can, so a bounded one is seen running out only then)", n, c->strategy,
                 d->dpor ? " up to the order of independent steps" : "", ml);
    else if (exhausted && !d->cut)
        snprintf(r->summary, sizeof r->summary,
                 "NOT verified: %llu executions, all PASS (%s) under %s, but in %llu of them a load was "
                 "offered only the newest %d of the messages its view allows (or the execution's "
                 "history of %d writes was full): the older ones were never tried",
                 n, c->strategy, ml, (unsigned long long)d->vcut, WMM_CANDS, WMM_MSGS);
    else if (exhausted && d->dpor) /* explored_extent: "bounded" */
        snprintf(r->summary, sizeof r->summary,
                 "bounded: %llu schedules (dpor within %u preemptions/early drains: not every schedule "
                 "within the bound, only a complete search verifies) under %s, all PASS",
                 n, c->dfs_bound, ml);
    else
        snprintf(r->summary, sizeof r->summary,
                 "%s: %llu schedules with at most %u preemptions/early drains under %s, all PASS",
                 exhausted ? "exhaustive" : "NOT exhaustive (--runs cap reached)", n, c->dfs_bound, ml);
    char res[96] = "";
    if (R->resumed) /* the seconds are this process's */
        snprintf(res, sizeof res, "; resumed from a checkpoint at %llu executions",
                 (unsigned long long)R->resumed);
    snprintf(r->text, sizeof r->text, "%s (%llu scheduling points, %.1f s%s).", r->summary,
             (unsigned long long)R->points, (double)(now_ns() - R->t_start) / 1e9, res);
}

/* How much of the space a search that found nothing covered: a dpor
 * search the bound cut is not every schedule within the bound (sc
 * verify_2p1 at bound 1: 16 of dfs's 39 behaviours). */
static const char *explored_extent(const struct det_dfs *d, int exhausted)
{
    if (!exhausted)
        return "stopped early";
    if (!d->cut && d->vcut)
        return "incomplete: loads not offered every message";
    if (!d->cut)
        return "complete";
    return d->dpor ? "bounded" : "exhaustive within the bound";
}

/* dfs/dpor statistics on stderr: the counts with and without reduction are
 * compared by running both (`make bench` prints the ratio). */
static void explored_stats(const struct det_run *R, const struct det_dfs *d, int exhausted)
{
    fprintf(stderr, "hvsim det: %s covered %llu schedules (bound %u, %s), %llu executions, "
                    "%llu scheduling points", R->c->strategy, (unsigned long long)d->schedules,
            R->c->dfs_bound,
            explored_extent(d, exhausted),
            (unsigned long long)R->executions, (unsigned long long)R->points);
    if (d->dpor)
        fprintf(stderr, "; dpor: %llu races, %llu options skipped as equivalent, %llu executions "
                        "ended asleep (sleep sets), %llu left the one before by a stale failed turn of a loop",
                (unsigned long long)d->races, (unsigned long long)d->reduced,
                (unsigned long long)d->blocked, (unsigned long long)d->stale);
    fprintf(stderr, "; %llu options beyond the bound", (unsigned long long)d->cut);
    if (d->model >= DM_ARM)
        fprintf(stderr, "; %llu executions with a load not offered every message its view allows",
                (unsigned long long)d->vcut);
    if (R->resumed)
        fprintf(stderr, "; resumed from a checkpoint at %llu executions", (unsigned long long)R->resumed);
    fputc('\n', stderr);
}

/* The empty stack of a dfs or dpor search of c; returns its model. */
static int explore_init(struct det_dfs *d, const struct hvsim_runcfg *c)
{
    det_dfs_init(d, c->dfs_bound);
    d->vsleep = getenv("HVSIM_DPOR_VSLEEP") != NULL; /* experimental: det_dpor_vsleep.c */
    d->dpor = !strcmp(c->strategy, "dpor");
    return d->model = det_model_of(c);
}

/* A search that found nothing: its one PASS, "verified" when it ended. */
static void explore_passed(struct det_run *R, const struct det_dfs *d, struct det_outcome *o, int exhausted,
                           engine_cb cb, void *ud)
{
    struct run_result *r = R->r;
    o->verdict = V_PASS;
    det_fill_result(R, o, R->c->seed, "", r);
    r->det_schedules = d->schedules;
    r->det_executions = R->executions;
    r->det_points = R->points;
    explored_words(R, d, exhausted, r);
    cb(r, ud);
}

/* --strategy dfs|dpor: every schedule within the bound (dpor: one per class
 * of equivalent ones), until the space is exhausted or cb says stop. */
static int run_explore(struct det_run *R, engine_cb cb, void *ud, unsigned *found, char *err,
                       size_t errlen)
{
    const struct hvsim_runcfg *c = R->c;
    struct run_result *r = R->r;
    static uint8_t prefix[DET_MAX_STEPS];
    struct det_outcome o;
    struct det_dfs d;
    int model = explore_init(&d, c);
    uint64_t cap = c->runs > 1 ? c->runs : 1000000;
    int plen = 0, exhausted = 0, rc = 0;
    static struct det_slp slp; /* 9 KiB: not on the stack */
    struct det_ckpt_run ck;
    if (det_ckpt_begin(&ck, R, &d, prefix, &plen, err, errlen) < 0) {
        det_dfs_free(&d);
        return -2; /* a checkpoint refused: bad input, exit 2 */
    }
    cap += R->resumed; /* --runs caps this run's executions */
    struct det_progress pg;
    det_progress_open(&pg, cap, R->resumed);
    struct det_bfile bf;
    /* HVSIM_DET_BEHAVIOURS, _GRAPHS (det_behaviour.c); resumed: added to */
    det_bfile_open(&bf, model, R->resumed > 0);
    static struct det_prof prof; /* 20 KiB: not on the stack */
    det_prof_open(&prof); /* HVSIM_DPOR_PROFILE (det_profile.c) */
    for (;;) {
        det_dfs_slp(&d, &slp);
        struct det_plan p = { .strategy = DET_DFS, .seed = c->seed, .prefix = prefix,
                              .prefix_len = (uint32_t)plen, .record_ev = 1, .slp = &slp };
        if (det_exec(R->x, &p, &o, err, errlen) < 0) {
            rc = -1;
            break;
        }
        R->executions++;
        R->points += o.points;
        det_stop_note(R, &d, &ck);
        struct det_shm *S = det_ctx_shm(R->x);
        d.vcut += S->wmm.cut != 0;
        det_dfs_record(&d, S->log, S->nlog);
        /* once for the profile and HVSIM_DET_GRAPHS: it walks the trace */
        uint64_t graph = prof.path || bf.gf ? det_graph_hash(S->ev, S->nev, model) : 0;
        det_prof_note(&prof, &d, S, R->sy, graph);
        d.vcts = &S->vcts[0][0];
        det_dfs_dpor(&d, S->log, S->nlog, S->ev, S->nev);
        if (S->slp.gmiss)
            det_dfs_gmiss(&d);
        R->schedules = d.schedules;
        det_bfile_note_graph(&bf, S->ev, S->nev, S->log, S->nlog, graph);
        if (o.verdict != V_PASS) {
            *found = 1;
            ck.off = 1;
            if (report_failure(R, c->seed, &o, r, err, errlen) < 0) {
                rc = -1;
                break;
            }
            r->det_schedules = d.schedules;
            if (cb(r, ud))
                break;
        }
        /* the next prefix first: a search that ends at the cap is complete */
        plen = det_dfs_next(&d, prefix, DET_MAX_STEPS);
        if (plen < 0) {
            exhausted = 1;
            break;
        }
        det_ckpt_tick(&ck, R, &d, prefix, R->executions >= cap);
        if (R->executions >= cap)
            break;
        det_progress_tick(&pg, R, &d, plen);
    }
    det_ckpt_end(&ck, exhausted, rc);
    proc_set_stop_note(NULL);
    det_bfile_close(&bf, R->executions);
    det_prof_close(&prof, det_ctx_shm(R->x), R->sy);
    if (rc == 0 && !*found)
        explore_passed(R, &d, &o, exhausted, cb, ud);
    explored_stats(R, &d, exhausted);
    det_dfs_free(&d);
    return rc;
}

/* A passing seeded execution: its schedule, and its trace when asked. */
static void passed_words(struct det_run *R, const struct det_outcome *o, uint64_t seed,
                         struct run_result *r)
{
    const struct hvsim_runcfg *c = R->c;
    struct det_shm *S = det_ctx_shm(R->x);
    char sched[8192];
    if (det_sched_of_log(S->log, S->nlog, sched, sizeof sched) < 0)
        snprintf(sched, sizeof sched, "detseed:%s:%u", c->strategy,
                 strategy_of(c->strategy) == DET_PCT ? (c->pct_depth ? c->pct_depth : 3) : 0);
    det_fill_result(R, o, seed, sched, r);
    if (c->runs == 1 || c->det_trace_append) {
        char hdr[9000];
        snprintf(hdr, sizeof hdr, "# hvsim det trace: PASS seed %llu schedule %s\n",
                 (unsigned long long)seed, sched);
        write_traces(R, trace_path(R->c), chrome_path(R->c), hdr);
    }
}

/* --strategy random|pct: --runs N is N seeded executions, as in every
 * engine (--runs 1 used to explore 100 here, which no other engine did:
 * issue 21). */
static int run_seeded(struct det_run *R, engine_cb cb, void *ud, unsigned *found, char *err,
                      size_t errlen)
{
    const struct hvsim_runcfg *c = R->c;
    struct run_result *r = R->r;
    struct det_outcome o;
    int strat = strategy_of(c->strategy);
    /* HVSIM_DET_BEHAVIOURS, _GRAPHS: what the seeds showed, a sample no
     * reduction touched, for checking dpor's sets (tools/dpor_behaviours.sh) */
    struct det_bfile bf;
    det_bfile_open(&bf, det_model_of(c), 0);
    int rc = 0;
    for (unsigned i = 0; i < c->runs; i++) {
        uint64_t seed = c->seed + i;
        struct det_plan p = { .strategy = strat, .seed = seed, .pct_depth = c->pct_depth,
                              .record_ev = 1 };
        if (det_exec(R->x, &p, &o, err, errlen) < 0) {
            rc = -1;
            break;
        }
        struct det_shm *S = det_ctx_shm(R->x);
        det_bfile_note(&bf, S->ev, S->nev, S->log, S->nlog);
        R->executions++;
        R->points += o.points;
        R->schedules++;
        if (o.verdict != V_PASS) {
            (*found)++;
            uint64_t ex = R->executions;
            if (report_failure(R, seed, &o, r, err, errlen) < 0) {
                rc = -1;
                break;
            }
            r->det_executions = ex;
        } else {
            passed_words(R, &o, seed, r);
        }
        if (cb(r, ud))
            break;
    }
    det_bfile_close(&bf, R->executions);
    if (rc < 0)
        return -1;
    double secs = (double)(now_ns() - R->t_start) / 1e9;
    if (isatty(2)) /* statistics for a person; reports and CI logs stay quiet */
        fprintf(stderr, "hvsim det: %s, %s, %llu executions, %llu scheduling points in %.2f s "
                        "(%.0f points/s)\n",
                c->strategy, det_model_short[det_model_of(c)], (unsigned long long)R->executions,
                (unsigned long long)R->points, secs, secs > 0 ? (double)R->points / secs : 0.0);
    return 0;
}

int det_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                    char *err, size_t errlen)
{
    struct det_run R;
    int rc = run_setup(&R, c, info, err, errlen);
    if (rc < 0)
        return rc;
    unsigned found = 0;
    if (strategy_of(c->strategy) == DET_DFS) {
        rc = run_explore(&R, cb, ud, &found, err, errlen);
        if (rc == -2 && info) /* a checkpoint refused: bad input, no build log */
            info->buildlog[0] = 0;
    }
    else
        rc = run_seeded(&R, cb, ud, &found, err, errlen);
    if (rc == 0 && !found && det_model_of(c) == DM_SC && !strcmp(c->v.wake, "nofence"))
        fprintf(stderr, "hvsim det: no LOST_WAKEUP under sc, as expected: sequential consistency "
                        "forbids the store->load reordering (SB) that breaks the need_wakeup "
                        "handshake without fences; try --memory-model tso\n");
    run_teardown(&R);
    return rc;
}

int det_engine_replay(const struct hvsim_runcfg *c, uint64_t seed, const struct det_replay_opts *ro,
                      engine_cb cb, void *ud, char *err, size_t errlen)
{
    struct det_run R;
    struct engine_info info;
    int rc = run_setup(&R, c, &info, err, errlen);
    if (rc < 0) {
        if (rc == -2)
            fprintf(stderr, "%s", info.buildlog);
        return rc;
    }
    static uint8_t acts[DET_MAX_STEPS];
    struct det_plan p = { .strategy = DET_REPLAY, .seed = seed, .prefix = acts, .record_ev = 1 };
    char sname[16];
    unsigned depth = 0;
    if (sscanf(ro->schedule, "detseed:%15[a-z]:%u", sname, &depth) == 2) {
        /* the execution of strategy sname with this seed, rerun */
        p.strategy = strategy_of(sname);
        p.pct_depth = depth;
        p.prefix = 0;
    } else {
        int n = det_sched_decode(ro->schedule, acts, DET_MAX_STEPS);
        if (n < 0) {
            if (n == -2)
                snprintf(err, errlen, "%s", DET_SCHED_OLD_DET2);
            else
                snprintf(err, errlen, "malformed schedule string '%.60s'", ro->schedule);
            run_teardown(&R);
            return -1;
        }
        p.prefix_len = (uint32_t)n;
    }
    struct det_outcome o;
    if (det_exec(R.x, &p, &o, err, errlen) < 0) {
        run_teardown(&R);
        return -1;
    }
    R.executions = 1;
    R.schedules = 1;
    struct det_bfile bf; /* HVSIM_DET_BEHAVIOURS: this execution's behaviour too */
    det_bfile_open(&bf, det_model_of(c), 0);
    struct det_shm *S = det_ctx_shm(R.x);
    det_bfile_note(&bf, S->ev, S->nev, S->log, S->nlog);
    det_bfile_close(&bf, 1);
    struct run_result *r = R.r;
    det_fill_result(&R, &o, seed, ro->schedule, r);
    char hdr[9000];
    snprintf(hdr, sizeof hdr, "# hvsim det trace: %s seed %llu schedule %s\n", verdict_name(r->verdict),
             (unsigned long long)seed, ro->schedule);
    write_traces(&R, ro->trace_path, ro->chrome_path, hdr);
    cb(r, ud);
    run_teardown(&R);
    return 0;
}

