/* sim/cli/options.c — parsing and validating the shared options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "options.h"
#include "util/outpath.h"
#include "config/usercode.h"
#include "config/variants.h"
#include "engine/engine.h"

int options_valid_value(const char *what, const char *v)
{
    if (!strcmp(what, "engine"))
        return engine_find(v) != NULL;
    int d = variant_dim_of(what);
    return d >= 0 && variant_valid((enum variant_dim)d, v);
}

static void list_values(const char *what, char *buf, size_t n)
{
    if (!strcmp(what, "engine"))
        engine_join("|", buf, n);
    else if (variant_dim_of(what) >= 0)
        variant_join((enum variant_dim)variant_dim_of(what), "|", buf, n);
    else if (n)
        buf[0] = 0;
}


static void duration(char *b, size_t n, uint64_t ns)
{
    if (ns == 0)
        snprintf(b, n, "0");
    else if (ns % 1000000000ull == 0)
        snprintf(b, n, "%llus", (unsigned long long)(ns / 1000000000ull));
    else if (ns % 1000000ull == 0)
        snprintf(b, n, "%llums", (unsigned long long)(ns / 1000000ull));
    else if (ns % 1000ull == 0)
        snprintf(b, n, "%lluus", (unsigned long long)(ns / 1000ull));
    else
        snprintf(b, n, "%lluns", (unsigned long long)ns);
}

/* Printed from runcfg_default_run()'s own result, in scenario syntax, so
 * `run --help` cannot drift from what a bare run does; docs/scenarios.md
 * quotes it and tests/integration/test_bare_run.sh checks that it does. */
static void options_describe_default_run_with(struct hvsim_runcfg *d, FILE *f)
{
    runcfg_default_run(d);
    fprintf(f, "  cpus %u\n  poll-window %llu\n", d->ncpus, (unsigned long long)d->poll_window);
    for (int s = 0; s < HVSIM_SITE__COUNT; s++) {
        const struct hvsim_delay_cfg *x = &d->delay[s];
        char lo[32], hi[32];
        if (x->max_ns) {
            duration(lo, sizeof lo, x->min_ns);
            duration(hi, sizeof hi, x->max_ns);
            fprintf(f, "  delay %s %s%s%s", site_name((enum hvsim_site)s), lo,
                    x->min_ns == x->max_ns ? "" : "..", x->min_ns == x->max_ns ? "" : hi);
            if (x->every > 1)
                fprintf(f, " every %u", x->every);
            fputc('\n', f);
        }
        if (x->rendezvous && (int)x->partner > s)
            fprintf(f, "  rendezvous %s %s jitter %u\n", site_name((enum hvsim_site)s),
                    site_name((enum hvsim_site)x->partner), x->jitter);
    }
    fprintf(f, "  and the default workload %u times over (%u accesses per CPU; a scenario\n"
               "  without cpu lines runs it once)\n", BARE_RUN_ROUNDS, d->naccess[0]);
}

void options_describe_default_run(FILE *f)
{
    struct hvsim_runcfg *d = calloc(1, sizeof *d);
    if (!d) {
        return;
    }
    options_describe_default_run_with(d, f);
    runcfg_free(d);
}

int options_parse_u64(const char *cmd, const char *opt, const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    if (!v || !*v) {
        fprintf(stderr, "hvsim %s: %s needs a number\n", cmd, opt);
        return -1;
    }
    unsigned long long x = strtoull(v, &end, 0);
    if (*end || v[0] == '-' || x > max) {
        fprintf(stderr, "hvsim %s: %s '%s' is not a number in 0..%llu\n", cmd, opt, v,
                (unsigned long long)max);
        return -1;
    }
    *out = x;
    return 0;
}

int options_parse_count(const char *cmd, const char *opt, const char *v, uint64_t max, uint64_t *out)
{
    if (options_parse_u64(cmd, opt, v, max, out))
        return -1;
    if (*out == 0) {
        fprintf(stderr, "hvsim %s: %s must be at least 1\n", cmd, opt);
        return -1;
    }
    return 0;
}

int options_check_outfile(const char *cmd, const char *opt, const char *path)
{
    char why[256];
    if (outpath_check_file(path, why, sizeof why) == 0)
        return 0;
    fprintf(stderr, "hvsim %s: %s %s: %s\n", cmd, opt, path, why);
    return -1;
}

int options_check_outdir(const char *cmd, const char *opt, const char *dir)
{
    char why[256];
    if (outpath_check_dir(dir, why, sizeof why) == 0)
        return 0;
    fprintf(stderr, "hvsim %s: %s %s: %s\n", cmd, opt, dir, why);
    return -1;
}

/* Where a shared option's value goes. */
static const struct { int id; const char *what; size_t off, len; } strs[] = {
    { OPT_CC, "cc", offsetof(struct hvsim_runcfg, v.cc), 16 },
    { OPT_OPT, "opt", offsetof(struct hvsim_runcfg, v.opt), 8 },
    { OPT_ARCH, "arch", offsetof(struct hvsim_runcfg, v.arch), 16 },
    { OPT_WAIT, "wait", offsetof(struct hvsim_runcfg, v.wait), 16 },
    { OPT_RELAX, "relax", offsetof(struct hvsim_runcfg, v.relax), 16 },
    { OPT_WAKE, "wake", offsetof(struct hvsim_runcfg, v.wake), 16 },
    { OPT_ENGINE, "engine", offsetof(struct hvsim_runcfg, engine), 16 },
    { OPT_STRATEGY, "strategy", offsetof(struct hvsim_runcfg, strategy), 16 },
    { OPT_MODEL, "memory-model", offsetof(struct hvsim_runcfg, memory_model), 8 },
};
static const struct { int id; size_t arr, cnt; int dir, group; } paths[] = {
    { OPT_HV, offsetof(struct hvsim_runcfg, hv_src), offsetof(struct hvsim_runcfg, n_hv_src), 0, 0 },
    { OPT_BACKEND, offsetof(struct hvsim_runcfg, be_src), offsetof(struct hvsim_runcfg, n_be_src), 0, 1 },
    { OPT_INCLUDE, offsetof(struct hvsim_runcfg, incdir), offsetof(struct hvsim_runcfg, n_incdir), 1, 2 },
    { OPT_HV_LIB, offsetof(struct hvsim_runcfg, hv_lib), offsetof(struct hvsim_runcfg, n_hv_lib), 0, 0 },
    { OPT_BE_LIB, offsetof(struct hvsim_runcfg, be_lib), offsetof(struct hvsim_runcfg, n_be_lib), 0, 1 },
};

/* One pass over argv: which of the hv / backend / include lists the
 * command line has started to give. */
struct options_pass {
    int started[3];
};

static int parse_path(const char *cmd, const char *a, const char *v, size_t k, struct options_pass *ps,
                      struct hvsim_runcfg *c)
{
    if (!v) { fprintf(stderr, "hvsim %s: %s needs a path\n", cmd, a); return -1; }
    char ***dst = (char ***)((char *)c + paths[k].arr);
    unsigned *n = (unsigned *)((char *)c + paths[k].cnt);
    /* A scenario's `hv`/`backend`/`include` lists are replaced, not
     * extended, by the first such flag on the command line (CLI overrides
     * scenario); a pass over argv may be repeated on the same runcfg (hvsim
     * test, one scenario after another): each pass starts afresh. */
    int g = paths[k].group;
    if (!ps->started[g]) {
        ps->started[g] = 1;
        if (g == 0) {
            runcfg_list_clear(&c->hv_src, &c->n_hv_src);
            runcfg_list_clear(&c->hv_lib, &c->n_hv_lib);
        } else if (g == 1) {
            runcfg_list_clear(&c->be_src, &c->n_be_src);
            runcfg_list_clear(&c->be_lib, &c->n_be_lib);
        } else {
            runcfg_list_clear(&c->incdir, &c->n_incdir);
        }
    }
    char *rp = realpath(v, 0);
    if (!rp) { fprintf(stderr, "hvsim %s: %s %s: no such %s\n", cmd, a, v, paths[k].dir ? "directory" : "file"); return -1; }
    struct stat st;
    if (stat(rp, &st) == 0 && (S_ISDIR(st.st_mode) ? 1 : 0) != paths[k].dir) {
        fprintf(stderr, "hvsim %s: %s %s: %s\n", cmd, a, v, paths[k].dir ? "not a directory" : "is a directory, not a file");
        free(rp);
        return -1;
    }
    const char *why = paths[k].dir ? NULL : usercode_refuse(rp, k >= 3);
    if (why) {
        fprintf(stderr, "hvsim %s: %s %s: %s\n", cmd, a, v, why);
        free(rp);
        return -1;
    }
    int oom = runcfg_list_add(dst, n, rp);
    free(rp);
    if (oom) { fprintf(stderr, "hvsim %s: out of memory\n", cmd); return -1; }
    return 0;
}

/* Apply shared option id (as the user spelt it: a) with value v (NULL when
 * it was missing); 0 done, -1 after printing an error, 1 not a shared one. */
static int apply_shared(const char *cmd, int id, const char *a, const char *v, struct options_pass *ps,
                        struct hvsim_runcfg *c, struct cli_opts *o)
{
    uint64_t x;
    switch (id) {
    case OPT_HELP: o->help = 1; return 0;
    case OPT_JSON: o->json = 1; return 0;
    case OPT_KEEP_GOING: o->keep_going = 1; return 0;
    case OPT_QUIET: o->quiet = 1; return 0;
    case OPT_LTO: c->v.lto = 1; return 0;
    case OPT_LAYOUT:
        if (!v || !options_valid_value("layout", v)) {
            fprintf(stderr, "hvsim %s: unknown --layout '%s' (expected ", cmd, v ? v : "");
            variant_names_print(stderr, variant_layout, "|");
            fprintf(stderr, ")\n");
            return -1;
        }
        c->v.layout_old = !strcmp(v, "old");
        return 0;
    case OPT_SEED:
        if (options_parse_u64(cmd, a, v, UINT64_MAX, &x)) return -1;
        c->seed = x;
        return 0;
    case OPT_RUNS:
        if (options_parse_count(cmd, a, v, 100000000, &x)) return -1;
        c->runs = (unsigned)x;
        return 0;
    case OPT_HANG: case OPT_TIMEOUT:
        if (options_parse_count(cmd, a, v, 3600000, &x)) return -1;
        *(id == OPT_HANG ? &c->hang_ms : &c->timeout_ms) = (unsigned)x;
        return 0;
    case OPT_DEPTH: case OPT_BOUND:
        if (options_parse_u64(cmd, a, v, 64, &x)) return -1;
        *(id == OPT_DEPTH ? &c->pct_depth : &c->dfs_bound) = (unsigned)x;
        return 0;
    case OPT_SCENARIO:
        if (!v) { fprintf(stderr, "hvsim %s: --scenario needs a file\n", cmd); return -1; }
        o->scenario = v;
        return 0;
    case OPT_TRACE: case OPT_CHROME:
        /* det engine: the traces of the reported execution (docs/det-engine.md) */
        if (!v) { fprintf(stderr, "hvsim %s: %s needs a file\n", cmd, a); return -1; }
        if (options_check_outfile(cmd, a, v)) return -1;
        *(id == OPT_TRACE ? &c->det_trace : &c->det_chrome) = v;
        return 0;
    case OPT_CFLAGS:
        if (!v) { fprintf(stderr, "hvsim %s: --cflags needs a value\n", cmd); return -1; }
        if (runcfg_set_str(&c->extra_cflags, v) < 0) {
            fprintf(stderr, "hvsim %s: out of memory\n", cmd);
            return -1;
        }
        return 0;
    }
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
        if (strs[k].id != id)
            continue;
        if (!v || !options_valid_value(strs[k].what, v)) {
            char vals[160];
            list_values(strs[k].what, vals, sizeof vals);
            if (v)
                fprintf(stderr, "hvsim %s: unknown %s '%s' (expected %s)\n", cmd, a, v, vals);
            else
                fprintf(stderr, "hvsim %s: %s needs a value (%s)\n", cmd, a, vals);
            return -1;
        }
        snprintf((char *)c + strs[k].off, strs[k].len, "%s", v);
        return 0;
    }
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
        if (paths[k].id == id)
            return parse_path(cmd, a, v, k, ps, c);
    return 1;
}

/* The option as messages name it: "--cc", "-I". */
static void option_name(const struct option *lo, int id, char *buf, size_t n)
{
    for (; lo->name; lo++)
        if (lo->val == id && !lo->flag) {
            snprintf(buf, n, "--%s", lo->name);
            return;
        }
    snprintf(buf, n, "-%c", id > 32 && id < 127 ? id : '?');
}

int options_parse(const char *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, options_own_fn own, void *ud,
                  struct hvsim_runcfg *c, struct cli_opts *o)
{
    struct options_pass ps = { { 0 } };
    char so[32];
    /* '-': arguments that are not options come back in order (id
     * OPT_ARG); ':': a missing value comes back as ':' and is reported
     * here, in each option's own words */
    snprintf(so, sizeof so, "-:%s", shortopts);
    opterr = 0;
    optind = 0; /* a fresh scan (GNU: also resets its internal state) */
    int id;
    while ((id = getopt_long(argc, argv, so, longopts, NULL)) != -1) {
        const char *v = optarg;
        if (id == '?') {
            fprintf(stderr, "hvsim %s: unknown option '%s' (try hvsim %s --help)\n", cmd,
                    optind > 0 && optind <= argc ? argv[optind - 1] : "?", cmd);
            return -1;
        }
        if (id == ':') { /* the option, without its value */
            id = optopt;
            v = NULL;
        }
        char a[48];
        option_name(longopts, id, a, sizeof a);
        int r = own ? own(ud, id, a, v) : 1;
        if (r == 1 && id != OPT_ARG && c && o)
            r = apply_shared(cmd, id, a, v, &ps, c, o);
        if (r == 1) {
            fprintf(stderr, "hvsim %s: unknown option '%s' (try hvsim %s --help)\n", cmd,
                    id == OPT_ARG ? v : a, cmd);
            return -1;
        }
        if (r < 0)
            return -1;
    }
    return 0;
}

/* The help column: descriptions start at column 28, or 3 spaces after a
 * longer option (the layout every command's help had when its lists were
 * written by hand). */
#define USAGE_COL 28

void options_usage_values(FILE *f, const char *opt, const char *const *names, const char *text)
{
    int n = fprintf(f, "  --%s ", opt);
    size_t col = (n > 0 ? (size_t)n : 0) + variant_names_print(f, names, "|");
    fprintf(f, "%*s%s\n", col + 3 <= USAGE_COL ? (int)(USAGE_COL - col) : 3, "", text);
}

void options_usage_common(FILE *f)
{
    fprintf(f, "variant (what is built):\n");
    options_usage_values(f, "cc", variant_cc, "compiler (default gcc)");
    options_usage_values(f, "opt", variant_opt, "optimisation level (default O2)");
    options_usage_values(f, "arch", variant_arch, "target; foreign ones run under qemu-user");
    options_usage_values(f, "wait", variant_wait, "how the handler reads cfg_flags in its wait loop");
    options_usage_values(f, "relax", variant_relax, "spin hint in the loop;");
    fprintf(f, "                            default = what Rust's spin_loop emits on the target\n");
    options_usage_values(f, "wake", variant_wake, "seq_cst fences of the need_wakeup handshake");
    options_usage_values(f, "layout", variant_layout, "bridge layout (old: u8 cfg_flags, 16 CPUs, 4 devices)");
    fprintf(f,
        "  --lto                     build the code under test with -flto\n"
        "your own code:\n"
        "  --hv FILE.c               hypervisor handler source (repeatable); replaces hv/\n"
        "  --backend FILE.c          backend daemon source (repeatable); replaces backend/\n"
        "  --hv-lib FILE.a  --backend-lib FILE.a   prebuilt static library (e.g. Rust\n"
        "                            staticlib) with that side's entry points; not rebuilt\n"
        "                            per variant\n"
        "  -I DIR  --cflags STR      include directory, extra compiler flags (your code only)\n"
        "engine and runs:\n");
    /* the engine table's names, in its order */
    options_usage_values(f, "engine", engine_names(), "(default native)");
    fprintf(f, "  --strategy ");
    variant_names_print(f, variant_strategy, "|");
    fprintf(f, "  --depth D  --bound B  --memory-model ");
    variant_names_print(f, variant_model, "|");
    fprintf(f, "   (det)\n");
    fprintf(f,
        "  --seed N  --runs N        first seed and number of seeded runs\n"
        "  --scenario FILE.hvs       workload, delays, faults and expectations from a file\n"
        "  --trace FILE  --chrome-trace FILE   det: write the schedule's trace (text / Perfetto)\n"
        "  --hang-ms MS  --timeout-ms MS   watchdog thresholds (hang adapts upward to load)\n"
        "output:\n"
        "  --json                    one JSON object per run on stdout\n"
        "  --keep-going              do not stop at the first finding\n");
}
