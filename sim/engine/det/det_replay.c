/* sim/engine/det/det_replay.c — `hvsim replay FAILURE.json [--trace F] [--chrome-trace F]`:
 * rebuild the configuration a det run printed with --json and rerun its
 * schedule (evidence.schedule) exactly. */
#include "det.h"
#include "build/code_record.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "config/scenario.h"
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: hvsim replay FAILURE.json [--trace FILE] [--chrome-trace FILE] [--json]\n\n"
               "Rerun one execution of the deterministic engine from the JSON object that\n"
               "`hvsim run --engine det --json` printed for it (its evidence.schedule): the same\n"
               "schedule gives the same verdict and a byte-identical trace.\n"
               "  --trace FILE          write the trace as text\n"
               "  --chrome-trace FILE   write Chrome trace-event JSON (open in Perfetto)\n"
               "  --schedule STR        override the schedule string\n"
               "  --wait W --wake W --relax R --opt O --cc C   replay on another variant (e.g. the fix)\n"
               "  --emit-test FILE.c    write a CMocka test replaying this failure: it fails while\n"
               "                        the bug is there and passes once fixed (HVSIM_REGRESS_ARGS\n"
               "                        adds options such as --wake fence to its replay)\n"
               "  --allow-changed       replay on the recorded files as they are now even if their\n"
               "                        SHA-256 changed (the emitted test does: it is meant to pass\n"
               "                        once the code is fixed); a missing file still refuses\n"
               "\nThe failure JSON records the code it ran (evidence.code: the --hv/--backend\n"
               "sources, libraries and headers with their SHA-256, -I directories, --cflags);\n"
               "replay rebuilds exactly that code and refuses (exit 2, naming the file) when a\n"
               "file is missing or its content changed.\n"
               "\nexit status: 0 the replay passed, 1 it failed again, 2 bad input or other code\n");
}

static void set(char *dst, size_t n, json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    if (v)
        snprintf(dst, n, "%s", v);
}

struct rstate { int json; const struct hvsim_runcfg *c; int fail; };

static int on_result(const struct run_result *r, void *ud)
{
    struct rstate *s = ud;
    if (s->json) {
        json_t *j = result_to_json(r, s->c);
        json_dumpf(j, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(j);
    } else {
        result_print(stdout, r);
        if (r->verdict != V_PASS)
            printf("  %s\n", r->text);
    }
    s->fail = r->verdict != V_PASS;
    return 0;
}

enum { R_SCHEDULE = OPT_OWN, R_ALLOW_CHANGED, R_EMIT_TEST };

struct rargs {
    const char *path, *sched, *emit;
    const char *ov[5]; /* wait wake relax opt cc overrides */
    struct det_replay_opts ro;
    int json, allow_changed, help;
};

static int own_option(void *ud, int id, const char *name, const char *v)
{
    static const int ovid[5] = { OPT_WAIT, OPT_WAKE, OPT_RELAX, OPT_OPT, OPT_CC };
    static const char *const what[5] = { "wait", "wake", "relax", "opt", "cc" };
    struct rargs *r = ud;
    switch (id) {
    case OPT_HELP: r->help = 1; return 0;
    case OPT_JSON: r->json = 1; return 0;
    case R_ALLOW_CHANGED: r->allow_changed = 1; return 0;
    case OPT_ARG:
        if (r->path)
            break;
        r->path = v;
        return 0;
    default:
        if (!v)
            break;
        if (id == OPT_TRACE) r->ro.trace_path = v;
        else if (id == OPT_CHROME) r->ro.chrome_path = v;
        else if (id == R_SCHEDULE) r->sched = v;
        else if (id == R_EMIT_TEST) r->emit = v;
        for (int k = 0; k < 5; k++)
            if (id == ovid[k]) {
                if (!options_valid_value(what[k], v)) {
                    fprintf(stderr, "hvsim replay: unknown %s '%s'\n", name, v);
                    return -1;
                }
                r->ov[k] = v;
            }
        return 0;
    }
    fprintf(stderr, "hvsim replay: unknown argument '%s' (try hvsim replay --help)\n", id == OPT_ARG ? v : name);
    return -1;
}

static int cmd_replay_with(struct hvsim_runcfg *c, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "trace", required_argument, 0, OPT_TRACE }, { "chrome-trace", required_argument, 0, OPT_CHROME },
        { "schedule", required_argument, 0, R_SCHEDULE }, { "json", no_argument, 0, OPT_JSON },
        { "allow-changed", no_argument, 0, R_ALLOW_CHANGED }, { "emit-test", required_argument, 0, R_EMIT_TEST },
        { "wait", required_argument, 0, OPT_WAIT }, { "wake", required_argument, 0, OPT_WAKE },
        { "relax", required_argument, 0, OPT_RELAX }, { "opt", required_argument, 0, OPT_OPT },
        { "cc", required_argument, 0, OPT_CC }, { "help", no_argument, 0, OPT_HELP }, { 0 },
    };
    struct rargs ra = { 0 };
    if (options_parse("replay", argc, argv, "h", longopts, own_option, &ra, NULL, NULL) < 0)
        return EXIT_USAGE;
    if (ra.help) {
        usage(stdout);
        return 0;
    }
    const char *path = ra.path, *sched = ra.sched, *emit = ra.emit;
    const char *const *ov = ra.ov;
    struct det_replay_opts ro = ra.ro;
    int json = ra.json, allow_changed = ra.allow_changed;
    if (!path) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((ro.trace_path && options_check_outfile("replay", "--trace", ro.trace_path)) ||
        (ro.chrome_path && options_check_outfile("replay", "--chrome-trace", ro.chrome_path)) ||
        (emit && options_check_outfile("replay", "--emit-test", emit)))
        return EXIT_USAGE;
    json_error_t je;
    json_t *o = json_load_file(path, JSON_DISABLE_EOF_CHECK, &je);
    if (!o || !json_is_object(o)) {
        if (!o && access(path, R_OK) != 0)
            fprintf(stderr, "hvsim replay: %s: %s\n", path, strerror(errno));
        else if (!o)
            fprintf(stderr, "%s:%d:%d: %s\n", path, je.line, je.column > 0 ? je.column : 1, je.text);
        else
            fprintf(stderr, "%s:1:1: expected a JSON object (a line of `hvsim run --json`)\n", path);
        json_decref(o);
        return EXIT_USAGE;
    }
    json_t *ev = json_object_get(o, "evidence");
    json_t *code = json_object_get(ev, "code");
    if (emit) {
        /* A test emitted from a failure must be about the code that failed:
         * refuse when it is gone or no longer the same. */
        struct hvsim_runcfg *scratch = calloc(1, sizeof *scratch);
        char e[1200] = "out of memory";
        int crc = !scratch ? -1 : code ? code_record_apply(code, scratch, 0, e, sizeof e) : 0;
        runcfg_free(scratch);
        if (crc < 0) {
            fprintf(stderr, "hvsim replay: %s%s\n",
                    crc == -2 ? "will not emit a test of other code than the failure ran: " : "", e);
            json_decref(o);
            return EXIT_USAGE;
        }
        int erc = det_emit_test(o, emit, e, sizeof e);
        if (erc < 0)
            fprintf(stderr, "hvsim replay: %s\n", e);
        else
            printf("wrote %s: a CMocka test that fails while this %s replays and passes once fixed\n",
                   emit, json_string_value(json_object_get(o, "verdict")));
        json_decref(o);
        return erc < 0 ? EXIT_HARNESS : 0;
    }
    if (!sched)
        sched = json_string_value(json_object_get(ev, "schedule"));
    if (sched && !strncmp(sched, "det", 3) && sched[3] >= '3' && sched[3] <= '9' && sched[4] == ':') {
        fprintf(stderr, "hvsim replay: %s: schedule format '%.5s' is from a newer hvsim (this one "
                        "reads det1:, det2: and detseed:)\n", path, sched);
        json_decref(o);
        return EXIT_USAGE;
    }
    if (!sched || (strncmp(sched, "det1:", 5) && strncmp(sched, "det2:", 5) && strncmp(sched, "detseed:", 8))) {
        fprintf(stderr, "hvsim replay: %s has no det schedule (evidence.schedule); it must come "
                        "from `hvsim run --engine det --json`\n", path);
        json_decref(o);
        return EXIT_USAGE;
    }
    runcfg_default_run(c);
    const char *sp = json_string_value(json_object_get(ev, "scenario_path"));
    if (sp) {
        char err[1024];
        if (scenario_load(sp, c, err, sizeof err) < 0) {
            fprintf(stderr, "hvsim replay: %s\n", err);
            json_decref(o);
            return EXIT_USAGE;
        }
    }
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
    char *const ovdst[5] = { c->v.wait, c->v.wake, c->v.relax, c->v.opt, c->v.cc };
    const size_t ovlen[5] = { sizeof c->v.wait, sizeof c->v.wake, sizeof c->v.relax, sizeof c->v.opt, sizeof c->v.cc };
    for (int k = 0; k < 5; k++)
        if (ov[k])
            snprintf(ovdst[k], ovlen[k], "%s", ov[k]);
    const char *lay = json_string_value(json_object_get(ev, "layout"));
    c->v.layout_old = lay && !strcmp(lay, "old");
    if (code) {
        char e[2200];
        int crc = code_record_apply(code, c, allow_changed, e, sizeof e);
        if (crc < 0) {
            fprintf(stderr, "hvsim replay: %s%s\n",
                    crc == -2 ? "refusing to replay other code than the failure ran: " : "", e);
            if (crc == -2 && !strstr(e, ": missing"))
                fprintf(stderr, "  (--allow-changed replays the schedule on the file as it is now)\n");
            json_decref(o);
            return EXIT_USAGE;
        }
        if (e[0])
            fprintf(stderr, "hvsim replay: note: replaying on changed code (--allow-changed): %s\n", e);
    } else {
        fprintf(stderr, "hvsim replay: note: %s records no code (evidence.code; written by an older hvsim): "
                        "building %s\n", path, c->n_hv_src || c->n_be_src ? "the scenario's code" : "hvsim's reference code");
    }
    uint64_t seed = (uint64_t)json_integer_value(json_object_get(o, "seed"));
    c->seed = seed;
    ro.schedule = sched;
    struct rstate st = { .json = json, .c = c };
    char err[1024] = "";
    int rc = det_engine_replay(c, seed, &ro, on_result, &st, err, sizeof err);
    json_decref(o);
    if (rc == -2) {
        fprintf(stderr, "hvsim replay: %s\n", err);
        return EXIT_USAGE;
    }
    if (rc < 0) {
        fprintf(stderr, "hvsim replay: %s\n", err);
        return EXIT_HARNESS;
    }
    return st.fail ? EXIT_FINDING : 0;
}

int cmd_replay(int argc, char **argv)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "hvsim replay: out of memory\n");
        return EXIT_HARNESS;
    }
    int rc = cmd_replay_with(c, argc, argv);
    runcfg_free(c);
    return rc;
}
