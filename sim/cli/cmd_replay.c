/* sim/cli/cmd_replay.c — `hvsim replay FAILURE.json [--trace F] [--chrome-trace F]`:
 * the command's options, the failure file and the printing; the det engine
 * rebuilds the configuration and reruns the schedule
 * (sim/engine/det/det_replay.c). */
#include "commands.h"
#include "options.h"
#include "engine/det/det.h"
#include "verdict/result.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
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

static void on_note(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "hvsim replay: note: %s\n", msg);
}

enum { R_SCHEDULE = OPT_OWN, R_ALLOW_CHANGED, R_EMIT_TEST };

struct rargs {
    const char *emit;
    struct det_replay_cfg rc;
    int json, help;
};

static int own_option(void *ud, int id, const char *name, const char *v)
{
    static const int ovid[DET_REPLAY_NOV] = { OPT_WAIT, OPT_WAKE, OPT_RELAX, OPT_OPT, OPT_CC };
    static const char *const what[DET_REPLAY_NOV] = { "wait", "wake", "relax", "opt", "cc" };
    struct rargs *r = ud;
    switch (id) {
    case OPT_HELP: r->help = 1; return 0;
    case OPT_JSON: r->json = 1; return 0;
    case R_ALLOW_CHANGED: r->rc.allow_changed = 1; return 0;
    case OPT_ARG:
        if (r->rc.path)
            break;
        r->rc.path = v;
        return 0;
    default:
        if (!v)
            break;
        if (id == OPT_TRACE) r->rc.ro.trace_path = v;
        else if (id == OPT_CHROME) r->rc.ro.chrome_path = v;
        else if (id == R_SCHEDULE) r->rc.schedule = v;
        else if (id == R_EMIT_TEST) r->emit = v;
        for (int k = 0; k < DET_REPLAY_NOV; k++)
            if (id == ovid[k]) {
                if (!options_valid_value(what[k], v)) {
                    fprintf(stderr, "hvsim replay: unknown %s '%s'\n", name, v);
                    return -1;
                }
                r->rc.override[k] = v;
            }
        return 0;
    }
    fprintf(stderr, "hvsim replay: unknown argument '%s' (try hvsim replay --help)\n", id == OPT_ARG ? v : name);
    return -1;
}

/* argv into ra; 1: done (help printed), 0: go on, -1: bad usage (printed). */
static int parse_args(int argc, char **argv, struct rargs *ra)
{
    static const struct option longopts[] = {
        { "trace", required_argument, 0, OPT_TRACE }, { "chrome-trace", required_argument, 0, OPT_CHROME },
        { "schedule", required_argument, 0, R_SCHEDULE }, { "json", no_argument, 0, OPT_JSON },
        { "allow-changed", no_argument, 0, R_ALLOW_CHANGED }, { "emit-test", required_argument, 0, R_EMIT_TEST },
        { "wait", required_argument, 0, OPT_WAIT }, { "wake", required_argument, 0, OPT_WAKE },
        { "relax", required_argument, 0, OPT_RELAX }, { "opt", required_argument, 0, OPT_OPT },
        { "cc", required_argument, 0, OPT_CC }, { "help", no_argument, 0, OPT_HELP }, { 0 },
    };
    if (options_parse("replay", argc, argv, "h", longopts, own_option, ra, NULL, NULL) < 0)
        return -1;
    if (ra->help) {
        usage(stdout);
        return 1;
    }
    const struct det_replay_opts *ro = &ra->rc.ro;
    if (!ra->rc.path) {
        usage(stderr);
        return -1;
    }
    if ((ro->trace_path && options_check_outfile("replay", "--trace", ro->trace_path)) ||
        (ro->chrome_path && options_check_outfile("replay", "--chrome-trace", ro->chrome_path)) ||
        (ra->emit && options_check_outfile("replay", "--emit-test", ra->emit)))
        return -1;
    return 0;
}

static int passed(json_t *o)
{
    const char *v = json_string_value(json_object_get(o, "verdict"));
    return v && !strcmp(v, "PASS");
}

/* `hvsim run --json` prints one object per run and stops at the first
 * failure: in its whole output that failure is the first line that did not
 * pass.  Returns it (and its line), or NULL. */
static json_t *first_failure_line(const char *path, unsigned *line)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0;
    json_t *found = NULL;
    for (unsigned n = 1; f && !found && getline(&buf, &cap, f) > 0; n++) {
        json_t *o = json_loads(buf, 0, NULL);
        if (o && json_is_object(o) && !passed(o) && json_object_get(o, "verdict")) {
            found = o;
            *line = n;
        } else {
            json_decref(o);
        }
    }
    free(buf);
    if (f)
        fclose(f);
    return found;
}

/* The failure: one JSON object, as `hvsim run --json` prints it (of a whole
 * output, the first that did not pass); NULL after printing why not. */
static json_t *load_failure(const char *path)
{
    json_error_t je;
    json_t *o = json_load_file(path, JSON_DISABLE_EOF_CHECK, &je);
    if (o && json_is_object(o) && passed(o)) {
        unsigned line = 0;
        json_t *f = first_failure_line(path, &line);
        if (f) {
            fprintf(stderr, "hvsim replay: %s:%u: replaying this failure (the runs before it passed)\n",
                    path, line);
            json_decref(o);
            return f;
        }
    }
    if (o && json_is_object(o))
        return o;
    if (!o && access(path, R_OK) != 0)
        fprintf(stderr, "hvsim replay: %s: %s\n", path, strerror(errno));
    else if (!o)
        fprintf(stderr, "%s:%d:%d: %s\n", path, je.line, je.column > 0 ? je.column : 1, je.text);
    else
        fprintf(stderr, "%s:1:1: expected a JSON object (a line of `hvsim run --json`)\n", path);
    json_decref(o);
    return NULL;
}

static int emit_test(json_t *o, const char *emit)
{
    char err[1400];
    int rc = det_replay_emit(o, emit, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "hvsim replay: %s\n", err);
        return rc == -2 ? EXIT_USAGE : EXIT_HARNESS;
    }
    printf("wrote %s: a CMocka test that fails while this %s replays and passes once fixed\n",
           emit, json_string_value(json_object_get(o, "verdict")));
    return 0;
}

static int cmd_replay_with(struct hvsim_runcfg *c, int argc, char **argv)
{
    struct rargs ra = { 0 };
    int prc = parse_args(argc, argv, &ra);
    if (prc)
        return prc > 0 ? 0 : EXIT_USAGE;
    json_t *o = load_failure(ra.rc.path);
    if (!o)
        return EXIT_USAGE;
    if (ra.emit) {
        int erc = emit_test(o, ra.emit);
        json_decref(o);
        return erc;
    }
    struct rstate st = { .json = ra.json, .c = c };
    ra.rc.note = on_note;
    char err[2400] = "";
    int rc = det_replay_failure(o, &ra.rc, c, on_result, &st, err, sizeof err);
    json_decref(o);
    if (rc < 0) {
        fprintf(stderr, "hvsim replay: %s\n", err);
        return rc == -2 ? EXIT_USAGE : EXIT_HARNESS;
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
