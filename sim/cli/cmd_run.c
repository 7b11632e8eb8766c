/* sim/cli/cmd_run.c — `hvsim run`: build one variant, run it, judge it. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "build/libinfo.h"
#include "options.h"
#include "config/variants.h"
#include "engine/engine.h"
#include "config/scenario.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: hvsim run [OPTIONS]\n\n"
               "Build the hypervisor handler and the backend daemon for one variant and run them\n"
               "as real processes over a shared memfd region; print one verdict per run:\n"
               "PASS, HANG_STALE_READ, MISSED_ANSWER, WRONG_VALUE, LOST_WAKEUP, DAEMON_STALLED,\n"
               "LOST_COMPLETION, MISSING_IRQ, PROTOCOL_VIOLATION, ASSERTION, CRASH, TIMEOUT (and,\n"
               "in other engines, DEADLOCK, LIVELOCK, DATA_RACE), with the evidence it rests on.\n\n");
    options_usage_common(f);
    fprintf(f, "a long det search (--strategy dfs|dpor):\n"
               "  --checkpoint FILE         keep the search's state in FILE (every 60 s, and when\n"
               "                            --runs stops it); refused when FILE exists\n"
               "  --resume                  continue the search FILE holds (the same command, the\n"
               "                            same code); FILE is removed when the search ends\n");
    fprintf(f, "\nwithout --scenario (a bare run): the defaults of a scenario file (docs/scenarios.md:\n"
               "gcc -O2, wait=volatile relax=default wake=fence, native, 1 run, seed 1, 2 devices),\n"
               "except these, which make both bugs show within a few runs:\n");
    options_describe_default_run(f);
    fprintf(f, "One CPU keeps the hypervisor and the daemon on this machine's two cores, the answer\n"
               "delay puts the waiter inside its loop when the flag changes, the rendezvous and\n"
               "poll-window 0 line up the need_wakeup store->load window.\n");
    fprintf(f, "\nexample:\n  hvsim run --cc gcc --opt O2 --wait plain --relax none\n"
               "\nexit status: 0 every run passed, 1 a finding, 2 bad usage or input, 3 harness failure\n");
}

struct run_state {
    const struct hvsim_runcfg *c;
    struct cli_opts *o;
    unsigned n, fail;
    unsigned count[V__COUNT];
    int progress;
};

/* Two listings in columns: the failing level on the left, -O0 on the right. */
static void side_by_side(const char *l, const char *r, const char *tl, const char *tr)
{
    const int w = 58;
    printf("  %-*s | %s\n  %.*s-+-%.*s\n", w, tl, tr, w,
           "------------------------------------------------------------------------",
           w, "------------------------------------------------------------------------");
    while (*l || *r) {
        int nl = (int)strcspn(l, "\n"), nr = (int)strcspn(r, "\n");
        /* too long for the column: cut the instruction, keep its "  <" mark */
        const char *mark = memmem(l, (size_t)nl, "  <", 3);
        int ml = mark ? nl - (int)(mark - l) : 0;
        if (nl > w && mark && ml < w - 8)
            printf("  %.*s%.*s | %.*s\n", w - ml, l, ml, mark, nr, r);
        else
            printf("  %-*.*s | %.*s\n", w, nl < w ? nl : w, l, nr, r);
        l += nl + (l[nl] == '\n');
        r += nr + (r[nr] == '\n');
    }
}

/* det's dfs and dpor explore: their one PASS is the search's result */
static int explores(const struct hvsim_runcfg *c)
{
    return !strcmp(c->engine, "det") && (!strcmp(c->strategy, "dfs") || !strcmp(c->strategy, "dpor"));
}

static int on_result(const struct run_result *r, void *ud)
{
    struct run_state *s = ud;
    s->n++;
    if (s->progress) { /* a terminal and many runs: one progress line, redrawn */
        fprintf(stderr, "\r\033[K[%u/%u] seed %llu: %s", s->n, s->c->runs,
                (unsigned long long)r->seed, verdict_name(r->verdict));
        if (s->n == s->c->runs || r->verdict != V_PASS)
            fprintf(stderr, "\r\033[K"); /* a result line follows on stdout */
        fflush(stderr);
    }
    s->count[r->verdict]++;
    if (r->verdict != V_PASS)
        s->fail++;
    if (s->n == 1 && !s->o->json && !arch_is_host(s->c->v.arch))
        printf("platform: %s\n", result_platform(s->c->v.arch));
    if (s->o->json) {
        json_t *j = result_to_json(r, s->c);
        json_dumpf(j, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        fflush(stdout);
        json_decref(j);
    } else if (r->verdict != V_PASS || s->c->runs == 1 || explores(s->c)) {
        /* a dfs/dpor search has one result ("verified: …"), whatever
         * --runs capped it at */
        result_print(stdout, r);
        if (r->verdict != V_PASS && !s->o->quiet)
            printf("  %s\n", r->text);
        if (r->loop_disasm[0] && !s->o->quiet && s->c->n_hv_lib && !s->c->n_hv_src) {
            /* a prebuilt library: its own compiler and level, no -O0 twin */
            char lib[96];
            libinfo_label(s->c->hv_lib[0], lib, sizeof lib);
            printf("\n  the loop at the sampled PC, %s (the library as built):\n%s\n", lib,
                   r->loop_disasm);
        } else if (r->loop_disasm[0] && !s->o->quiet) {
            char tl[64];
            snprintf(tl, sizeof tl, "%s -%s (this build)", s->c->v.cc, s->c->v.opt);
            printf("\n");
            side_by_side(r->loop_disasm, r->loop_disasm_o0, tl, "-O0 (same source)");
        }
    }
    return r->verdict != V_PASS && !s->o->keep_going;
}

enum { R_CHECKPOINT = OPT_OWN, R_RESUME };

/* run's own options: --checkpoint FILE, --resume (det_checkpoint.c) */
static int own_option(void *ud, int id, const char *name, const char *v)
{
    struct hvsim_runcfg *c = ud;
    if (id == R_RESUME) {
        c->det_resume = 1;
        return 0;
    }
    if (id != R_CHECKPOINT)
        return 1;
    if (!v || !*v) {
        fprintf(stderr, "hvsim run: %s needs a file\n", name);
        return -1;
    }
    c->det_checkpoint = v;
    return 0;
}

/* A checkpoint is a dfs/dpor search's: refused elsewhere, and an existing
 * file is only ever continued (--resume), never overwritten by a new search. */
static int checkpoint_usage(const struct hvsim_runcfg *c)
{
    const char *f = c->det_checkpoint;
    if (c->det_resume && !f) {
        fprintf(stderr, "hvsim run: --resume needs --checkpoint FILE (the search to continue)\n");
        return -1;
    }
    if (!f)
        return 0;
    if (strcmp(c->engine, "det") || (strcmp(c->strategy, "dfs") && strcmp(c->strategy, "dpor"))) {
        fprintf(stderr, "hvsim run: --checkpoint keeps a det dfs/dpor search's state; this run is "
                        "--engine %s --strategy %s\n", c->engine, c->strategy);
        return -1;
    }
    if (c->det_resume && access(f, F_OK)) {
        fprintf(stderr, "hvsim run: --resume: %s: no such file (nothing to continue)\n", f);
        return -1;
    }
    if (!c->det_resume && !access(f, F_OK)) {
        fprintf(stderr, "hvsim run: --checkpoint %s: the file exists (a search's state: --resume "
                        "continues it; remove it to start again)\n", f);
        return -1;
    }
    return options_check_outfile("run", "--checkpoint", f) ? -1 : 0;
}

static int cmd_run_with(struct hvsim_runcfg *c, int argc, char **argv)
{
    struct cli_opts o = { 0 };
    static const struct option longopts[] = {
        OPTIONS_SHARED, { "checkpoint", required_argument, 0, R_CHECKPOINT },
        { "resume", no_argument, 0, R_RESUME }, { 0 }
    };
    runcfg_default_run(c);
    if (options_parse("run", argc, argv, OPTIONS_SHARED_SHORT, longopts, own_option, c, c, &o) < 0)
        return EXIT_USAGE;
    /* A scenario sets the base; the flags override it: parsed again on it. */
    if (o.scenario && !o.help) {
        char err[1024];
        if (scenario_load(o.scenario, c, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            return EXIT_USAGE;
        }
        if (options_parse("run", argc, argv, OPTIONS_SHARED_SHORT, longopts, own_option, c, c, &o) < 0)
            return EXIT_USAGE;
    }
    if (o.help) {
        usage(stdout);
        return 0;
    }
    if (checkpoint_usage(c) < 0)
        return EXIT_USAGE;
    struct run_state s = { .c = c, .o = &o, .progress = c->runs > 1 && isatty(2) && !o.json };
    struct engine_info info;
    char err[1024] = "";
    int rc = engine_runs(c, on_result, &s, &info, err, sizeof err);
    if (rc == -2) {
        fprintf(stderr, "hvsim run: %s\n%s", err, info.buildlog);
        return EXIT_USAGE;
    }
    if (rc < 0) {
        fprintf(stderr, "hvsim run: %s\n", err);
        return EXIT_HARNESS;
    }
    if (!o.json && c->runs > 1) {
        if (c->n_hv_lib && !c->n_hv_src) { /* the library's own build, not --cc/--opt */
            char lib[96];
            libinfo_label(c->hv_lib[0], lib, sizeof lib);
            printf("%u run(s) of %s/%s (hypervisor library), seeds %llu..%llu:", s.n, c->v.arch,
                   lib, (unsigned long long)c->seed, (unsigned long long)(c->seed + s.n - 1));
        } else {
            printf("%u run(s) of %s/%s/%s wait=%s relax=%s wake=%s, seeds %llu..%llu:", s.n,
                   c->v.arch, c->v.cc, c->v.opt, c->v.wait, c->v.relax, c->v.wake,
                   (unsigned long long)c->seed, (unsigned long long)(c->seed + s.n - 1));
        }
        for (int v = 0; v < V__COUNT; v++)
            if (s.count[v])
                printf(" %u %s", s.count[v], verdict_name((enum hvsim_verdict)v));
        printf("\n");
    }
    return s.fail ? EXIT_FINDING : 0;
}

int cmd_run(int argc, char **argv)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "hvsim run: out of memory\n");
        return EXIT_HARNESS;
    }
    int rc = cmd_run_with(c, argc, argv);
    runcfg_free(c);
    return rc;
}
