/* sim/engine/threads/threads_engine.c — `hvsim run --engine tsan|helgrind`.
 *
 * Build: both sides and sim/runtime/threads into ONE binary (build profiles
 *   BUILD_TSAN: the code under test with -fsanitize=thread, linked against
 *               the real libtsan (gcc) / clang_rt.tsan (clang);
 *   BUILD_THREADS: plain, run under `valgrind --tool=helgrind`),
 * with a force-included header that explains the code under test's atomics
 * to the tool (sim/runtime/threads/{tsan,hg}_atomics.h, see docs/race-detectors.md).
 * Run: one process, its threads over one mapping of the region; the binary
 * stops itself after hang_ms without progress (a hoisted load spins forever,
 * instrumented or not) and the supervisor kills it after a hard limit.
 * Judge: the tool's reports, parsed (threads_parse.c), name the racing
 * bridge field and both sites; a race in hvsim's own runtime is counted as a
 * harness finding, never blamed on the code under test.
 */
#define _GNU_SOURCE
#include "threads.h"
#include "evidence/srcloc.h"
#include "threads_end.h"
#include "threads_judge.h"
#include "build/build.h"
#include "engine/engine.h"
#include "util/region.h"
#include "util/process.h"
#include "util/sbuf.h"
#include "util/vstall.h"
#include "runtime/common/futex.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


static int is_helgrind(const struct hvsim_runcfg *c) { return !strcmp(c->engine, "helgrind"); }

static unsigned hang_window_ms(const struct hvsim_runcfg *c)
{
    unsigned h = c->hang_ms * 4;
    unsigned floor = is_helgrind(c) ? 4000 : 1500;
    return h < floor ? floor : h;
}

/* How long "nobody can move, work pending" must hold, unchanged, before the
 * binary calls it: longer than any configured delay (a CPU delayed before
 * its push looks blocked meanwhile), and longer under valgrind, which runs
 * one thread at a time. */
static unsigned quiesce_ms(const struct hvsim_runcfg *c)
{
    uint64_t dmax = 0;
    for (unsigned i = 0; i < HVSIM_SITE__COUNT; i++)
        if (c->delay[i].max_ns > dmax)
            dmax = c->delay[i].max_ns;
    return (is_helgrind(c) ? 1000u : 300u) + (unsigned)(4 * dmax / 1000000ull);
}

static const char *supp_path(const struct hvsim_runcfg *c)
{
    static char p[700];
    snprintf(p, sizeof p, "%s/sim/runtime/threads/%s", hvsim_home(), is_helgrind(c) ? "helgrind.supp" : "tsan.supp");
    return p;
}

/* The exact command (for evidence and the comparison table). */
static void command_line(const struct hvsim_runcfg *c, const char *bin, const char *logdir,
                         char *out, size_t n)
{
    unsigned hang = hang_window_ms(c);
    if (is_helgrind(c))
        snprintf(out, n,
                 "valgrind --tool=helgrind --fair-sched=yes --fullpath-after= --history-level=full --num-callers=24 "
                 "--error-exitcode=0 --suppressions=%s --log-file=%s/helgrind.log %s --fd 3 --hang-ms %u "
                 "--quiesce-ms %u",
                 supp_path(c), logdir, bin, hang, quiesce_ms(c));
    else
        snprintf(out, n, "TSAN_OPTIONS='halt_on_error=0 exitcode=0 report_thread_leaks=0 "
                         "print_suppressions=1 history_size=4 suppressions=%s' %s --fd 3 --hang-ms %u "
                         "--quiesce-ms %u",
                 supp_path(c), bin, hang, quiesce_ms(c));
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (len < 0)
        len = 0;
    char *b = malloc((size_t)len + 1);
    size_t got = fread(b, 1, (size_t)len, f);
    b[got] = 0;
    fclose(f);
    return b;
}

static void rm_rf(const char *dir)
{
    if (dir_remove_tree(dir) < 0) { /* best effort: a log dir under $TMPDIR */ }
}

/* Start the binary (directly, or under valgrind) with the region at fd 3,
 * stdout+stderr into out.log; wait for it (hard limit); status in *st. */
static int run_binary(const struct hvsim_runcfg *c, const char *bin, const char *logdir, int region_fd,
                      int *st, int *killed, char *err, size_t errlen)
{
    char outlog[700], hang[16], quiesce[16], vglog[720], supp[720];
    snprintf(outlog, sizeof outlog, "%s/out.log", logdir);
    snprintf(hang, sizeof hang, "%u", hang_window_ms(c));
    snprintf(quiesce, sizeof quiesce, "%u", quiesce_ms(c));
    snprintf(vglog, sizeof vglog, "--log-file=%s/helgrind.log", logdir);
    snprintf(supp, sizeof supp, "--suppressions=%s", supp_path(c));
    char tsan_opts[900];
    snprintf(tsan_opts, sizeof tsan_opts,
             "halt_on_error=0 exitcode=0 report_thread_leaks=0 print_suppressions=1 history_size=4 "
             "suppressions=%s", supp_path(c));
    /* --fair-sched=yes: Valgrind runs one thread at a time under a lock that
     * is unfair by default; a CPU thread spinning in its wait loop re-takes
     * it at once and starves the daemon it waits for (seen on an idle
     * machine: a 90 s time-out instead of a 5 s run). */
    /* The binary judges quiescence on its threads' CPU time; hvsim's stall
     * probes (util/vstall.h) tell it when that time was charged while the
     * host ran nothing (left out of the evidence's command line: the path
     * names this hvsim process's memfd). */
    vstall_start();
    char *stalls = (char *)vstall_path();
    char *hg_argv[] = { "valgrind", "--tool=helgrind", "--fair-sched=yes", "--fullpath-after=", "--history-level=full",
                        "--num-callers=24", "--error-exitcode=0", supp, vglog, (char *)bin,
                        "--fd", "3", "--hang-ms", hang, "--quiesce-ms", quiesce,
                        stalls ? "--stalls" : 0, stalls, 0 };
    char *ts_argv[] = { (char *)bin, "--fd", "3", "--hang-ms", hang, "--quiesce-ms", quiesce,
                        stalls ? "--stalls" : 0, stalls, 0 };
    int logfd = open(outlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (logfd < 0) {
        snprintf(err, errlen, "%s: %s", outlog, strerror(errno));
        return -1;
    }
    /* in a group of its own (valgrind's tool process, tsan's threads), dying
     * with hvsim; TSAN_OPTIONS as the binary's environment only */
    char tsan_env[920];
    snprintf(tsan_env, sizeof tsan_env, "TSAN_OPTIONS=%s", tsan_opts);
    pid_t pgid = 0;
    struct proc p;
    struct proc_spec spec = { .argv = is_helgrind(c) ? hg_argv : ts_argv, .fd3 = region_fd, .out_fd = logfd,
                              .pgid = &pgid, .die_with_parent = 1, .env = tsan_env };
    int rc = proc_start(&spec, &p, err, errlen);
    close(logfd);
    if (rc < 0)
        return -1;
    proc_set_current_group(pgid);
    /* hard limit: the binary's own hang window plus a generous start-up;
     * anything the binary left behind in its group is killed */
    *killed = proc_wait(&p, pgid, hang_window_ms(c) + (is_helgrind(c) ? 90000u : 30000u), 1);
    *st = p.status;
    proc_set_current_group(0);
    return 0;
}

static int one_run(const struct hvsim_runcfg *c, const struct build_out *b, uint64_t seed,
                   struct run_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->seed = seed;
    r->cpu = -1;
    uint64_t t0 = now_ns();
    const int hg = is_helgrind(c);
    char logdir[] = "/tmp/hvsim-threads-XXXXXX";
    if (!mkdtemp(logdir)) {
        snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
        return -1;
    }
    struct region rg;
    if (region_create(&rg, err, errlen) < 0) {
        rm_rf(logdir);
        return -1;
    }
    region_init_ctl(rg.ctl, c, seed);
    memset(rg.bridge, 0, sizeof *rg.bridge);
    int st = 0, killed = 0;
    char cmd[2048];
    command_line(c, b->hv, logdir, cmd, sizeof cmd);
    result_event(r, 0, "threads", "%s", hg ? "valgrind --tool=helgrind" : "ThreadSanitizer");
    if (run_binary(c, b->hv, logdir, rg.fd, &st, &killed, err, errlen) < 0) {
        region_destroy(&rg);
        rm_rf(logdir);
        return -1;
    }
    uint64_t t_end = (now_ns() - t0) / 1000;
    char p[760];
    snprintf(p, sizeof p, "%s/out.log", logdir);
    char *outlog = slurp(p);
    char *toollog = outlog;
    if (hg) {
        snprintf(p, sizeof p, "%s/helgrind.log", logdir);
        toollog = slurp(p);
    }
    struct thr_judge j = {.hg = hg, .layout_old = c->v.layout_old, .t_end = t_end,
                          .base = thr_bridge_base(outlog)};
    j.R = calloc(THR_MAX_REPORTS, sizeof *j.R);
    int supp = 0;
    int total = hg ? thr_parse_helgrind(toollog, j.R, THR_MAX_REPORTS, &supp)
                   : thr_parse_tsan(toollog, j.R, THR_MAX_REPORTS, &supp);
    j.nrep = total < THR_MAX_REPORTS ? total : THR_MAX_REPORTS;
    struct run_race *rc = &r->race;
    snprintf(rc->tool, sizeof rc->tool, "%s", hg ? "Helgrind" : "ThreadSanitizer");
    snprintf(rc->command, sizeof rc->command, "%s", cmd);
    rc->suppressed = (unsigned)supp;
    int pick = thr_count_races(&j, r);

    /* how the run itself ended */
    char why[600] = "", detail[3000] = "";
    enum hvsim_verdict end = thr_run_end(c, b->hv, &rg, st, killed, r, why, sizeof why, detail, sizeof detail);
    rc->hang = end == V_HANG_STALE_READ || end == V_TIMEOUT || end == V_LOST_WAKEUP;
    snprintf(rc->run_end, sizeof rc->run_end, "%s: %s", verdict_name(end), why);
    if (end != V_PASS)
        result_event(r, j.t_end, "threads", "%s: %s", verdict_name(end), why);
    if (pick >= 0)
        thr_describe_race(&j, &j.R[pick], r);
    else
        thr_describe_no_race(&j, end, why, detail, r);
    if (getenv("HVSIM_THREADS_KEEP")) {
        snprintf(rc->logdir, sizeof rc->logdir, "%s", logdir);
    } else {
        rm_rf(logdir);
    }
    free(j.R);
    if (toollog != outlog)
        free(toollog);
    free(outlog);
    region_destroy(&rg);
    r->wall_ms = (now_ns() - t0) / 1000000ull;
    return 0;
}

/* Prepare the runcfg copy the threads build uses: the force-included
 * atomics header goes with the code under test's own flags. */
static int threads_cfg(const struct hvsim_runcfg *c, struct hvsim_runcfg *t, char *err, size_t errlen)
{
    if (runcfg_copy(t, c) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (getenv("HVSIM_THREADS_NO_MODEL") && *getenv("HVSIM_THREADS_NO_MODEL") == '1') {
        /* the raw tool, without hvsim's atomics/fence model (for comparison) */
        return 0;
    }
    char inc[600];
    snprintf(inc, sizeof inc, "-include %s/sim/runtime/threads/%s", hvsim_home(),
             is_helgrind(c) ? "hg_atomics.h" : "tsan_atomics.h");
    char *fl;
    if (asprintf(&fl, "%s%s%s", inc, c->extra_cflags ? " " : "", runcfg_str(c->extra_cflags)) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    free(t->extra_cflags);
    t->extra_cflags = fl;
    return 0; /* its architectures: sim/engine/engine.c's table */
}

int threads_engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                        char *err, size_t errlen)
{
    struct hvsim_runcfg *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (threads_cfg(c, t, err, errlen) < 0) {
        runcfg_free(t);
        return -1;
    }
    if (is_helgrind(c)) {
        if (!proc_in_path("valgrind")) {
            snprintf(err, errlen, "valgrind is not installed (apt-get install valgrind)");
            runcfg_free(t);
            return -1;
        }
    }
    struct build_out b;
    if (build_participants(t, is_helgrind(c) ? BUILD_THREADS : BUILD_TSAN, &b, err, errlen) < 0) {
        snprintf(info->buildlog, sizeof info->buildlog, "%s", b.log);
        runcfg_free(t);
        return -2;
    }
    info->hv_text_hash = b.hv_text_hash;
    info->be_text_hash = b.be_text_hash;
    snprintf(info->binary, sizeof info->binary, "%s", b.hv);
    struct run_result *r = calloc(1, sizeof *r);
    int rc = 0;
    if (!r) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    for (unsigned i = 0; r && i < c->runs; i++) {
        if (one_run(t, &b, c->seed + i, r, err, errlen) < 0) {
            rc = -1;
            break;
        }
        if (cb(r, ud))
            break;
    }
    free(r);
    runcfg_free(t);
    return rc;
}

/* ---- the comparison (issue 8) --------------------------------------------- */
struct cmp_capture { struct run_result r; int got; };

static int cmp_cb(const struct run_result *r, void *ud)
{
    struct cmp_capture *k = ud;
    memcpy(&k->r, r, sizeof *r);
    k->got = 1;
    return 1;
}

int threads_compare_table(json_t **out)
{
    static const struct { const char *wait, *wake; } var[] = {
        { "plain", "fence" }, { "volatile", "fence" }, { "acquire", "fence" }, { "acquire", "nofence" },
    };
    static const char *const eng[] = { "tsan", "helgrind" };
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    struct cmp_capture *k = malloc(sizeof *k);
    if (!c || !k) {
        runcfg_free(c);
        free(k);
        return -1;
    }
    json_t *rows = json_array();
    int rc = 0;
    for (size_t v = 0; v < sizeof var / sizeof var[0]; v++)
        for (size_t e = 0; e < sizeof eng / sizeof eng[0]; e++) {
            runcfg_default_run(c); /* exactly what `hvsim run` starts from */
            snprintf(c->engine, sizeof c->engine, "%s", eng[e]);
            snprintf(c->v.cc, sizeof c->v.cc, "gcc");
            snprintf(c->v.opt, sizeof c->v.opt, "O2");
            snprintf(c->v.relax, sizeof c->v.relax, "none");
            snprintf(c->v.wait, sizeof c->v.wait, "%s", var[v].wait);
            snprintf(c->v.wake, sizeof c->v.wake, "%s", var[v].wake);
            c->runs = 1;
            char cli[300], err[1024] = "";
            snprintf(cli, sizeof cli, "hvsim run --engine %s --cc gcc --opt O2 --relax none --wait %s --wake %s",
                     eng[e], var[v].wait, var[v].wake);
            struct engine_info info;
            memset(&info, 0, sizeof info);
            memset(k, 0, sizeof *k);
            int r = threads_engine_runs(c, cmp_cb, k, &info, err, sizeof err);
            char variant[64];
            snprintf(variant, sizeof variant, "wait=%s wake=%s", var[v].wait, var[v].wake);
            json_t *row = json_object();
            json_object_set_new(row, "variant", json_string(variant));
            json_object_set_new(row, "engine", json_string(e ? "helgrind (gcc)" : "tsan (gcc)"));
            json_object_set_new(row, "command", json_string(cli));
            if (r < 0 || !k->got) {
                json_object_set_new(row, "finding", json_string(r == -2 ? "BUILD_ERROR" : "HARNESS_ERROR"));
                json_object_set_new(row, "summary", json_string(err));
                rc = -1;
            } else {
                char f[200];
                if (k->r.verdict == V_DATA_RACE)
                    snprintf(f, sizeof f, "DATA_RACE on %s%s", k->r.race.field, k->r.race.hang ? " + hang" : "");
                else
                    snprintf(f, sizeof f, "%s", verdict_name(k->r.verdict));
                json_object_set_new(row, "finding", json_string(f));
                json_object_set_new(row, "verdict", json_string(verdict_name(k->r.verdict)));
                json_object_set_new(row, "summary", json_string(k->r.summary));
                json_object_set_new(row, "races", json_string(k->r.race.others));
                json_object_set_new(row, "harness_findings", json_integer(k->r.race.nharness));
                json_object_set_new(row, "run_end", json_string(k->r.race.run_end));
                json_object_set_new(row, "tool_command", json_string(k->r.race.command));
            }
            json_array_append_new(rows, row);
        }
    runcfg_free(c);
    free(k);
    *out = rows;
    return rc;
}
