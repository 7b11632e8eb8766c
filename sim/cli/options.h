/* sim/cli/options.h — the options `run`, `matrix` and `test` share: the
 * variant, the engine, seeds, the user's own code.  Every value is checked;
 * a bad one is a one-line error naming it (exit 2), never a guess. */
#ifndef HVSIM_OPTIONS_H
#define HVSIM_OPTIONS_H

#include <getopt.h>
#include <stdio.h>
#include "config/runcfg.h"

struct cli_opts {
    int json;
    int keep_going;
    int quiet;
    int help;
    const char *scenario;
};

/* What runcfg_default_run() sets beyond a scenario's defaults, as scenario
 * lines (for `run --help`). */
void options_describe_default_run(FILE *f);
/* The options' ids (getopt_long's val): the short ones are their letter. */
enum options_id {
    OPT_ARG = 1,            /* not an option: an argument (e.g. test's files) */
    OPT_HELP = 'h', OPT_QUIET = 'q', OPT_INCLUDE = 'I',
    OPT_CC = 256, OPT_OPT, OPT_ARCH, OPT_WAIT, OPT_RELAX, OPT_WAKE, OPT_LAYOUT, OPT_LTO,
    OPT_HV, OPT_BACKEND, OPT_HV_LIB, OPT_BE_LIB, OPT_CFLAGS,
    OPT_ENGINE, OPT_STRATEGY, OPT_DEPTH, OPT_BOUND, OPT_MODEL, OPT_SEED, OPT_RUNS,
    OPT_SCENARIO, OPT_TRACE, OPT_CHROME, OPT_HANG, OPT_TIMEOUT, OPT_JSON, OPT_KEEP_GOING,
    OPT_OWN = 512           /* a command's own options start here */
};

/* Rows of a command's getopt_long table (options_usage_common() describes
 * them); -I, -h, -q are short options ("hqI:"). */
#define OPTIONS_USERCODE \
    { "hv", required_argument, 0, OPT_HV }, { "backend", required_argument, 0, OPT_BACKEND }, \
    { "hv-lib", required_argument, 0, OPT_HV_LIB }, \
    { "backend-lib", required_argument, 0, OPT_BE_LIB }, { "cflags", required_argument, 0, OPT_CFLAGS }
#define OPTIONS_SHARED \
    OPTIONS_USERCODE, \
    { "cc", required_argument, 0, OPT_CC }, { "opt", required_argument, 0, OPT_OPT }, \
    { "arch", required_argument, 0, OPT_ARCH }, { "wait", required_argument, 0, OPT_WAIT }, \
    { "relax", required_argument, 0, OPT_RELAX }, { "wake", required_argument, 0, OPT_WAKE }, \
    { "layout", required_argument, 0, OPT_LAYOUT }, { "lto", no_argument, 0, OPT_LTO }, \
    { "engine", required_argument, 0, OPT_ENGINE }, { "strategy", required_argument, 0, OPT_STRATEGY }, \
    { "depth", required_argument, 0, OPT_DEPTH }, { "bound", required_argument, 0, OPT_BOUND }, \
    { "memory-model", required_argument, 0, OPT_MODEL }, { "seed", required_argument, 0, OPT_SEED }, \
    { "runs", required_argument, 0, OPT_RUNS }, { "scenario", required_argument, 0, OPT_SCENARIO }, \
    { "trace", required_argument, 0, OPT_TRACE }, { "chrome-trace", required_argument, 0, OPT_CHROME }, \
    { "hang-ms", required_argument, 0, OPT_HANG }, { "timeout-ms", required_argument, 0, OPT_TIMEOUT }, \
    { "json", no_argument, 0, OPT_JSON }, { "keep-going", no_argument, 0, OPT_KEEP_GOING }, \
    { "quiet", no_argument, 0, OPT_QUIET }, { "help", no_argument, 0, OPT_HELP }
#define OPTIONS_SHARED_SHORT "hqI:"

/* A command's own options: called first for every option (name: as
 * messages spell it, "--out"; v: its value, NULL when it needs one and has
 * none); returns 0 taken, -1 after printing an error, 1 not its own. */
typedef int (*options_own_fn)(void *ud, int id, const char *name, const char *v);
/* Parse all of argv with getopt_long over longopts (a {0}-terminated table)
 * and shortopts; the shared options go into c and o (NULL: the command
 * takes no shared option, own handles every row).  0, or -1 after
 * printing an error ("hvsim CMD: …").  May be called again on the same argv
 * (a fresh scan). */
int options_parse(const char *cmd, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, options_own_fn own, void *ud,
                  struct hvsim_runcfg *c, struct cli_opts *o);
int options_valid_value(const char *what, const char *v);
/* A decimal/hex number in 0..max for OPT; prints "hvsim CMD: ..." and returns
 * -1 otherwise. */
int options_parse_u64(const char *cmd, const char *opt, const char *v, uint64_t max, uint64_t *out);
/* the same, for a count: 0 is refused too */
int options_parse_count(const char *cmd, const char *opt, const char *v, uint64_t max, uint64_t *out);
/* An output file / directory named by option OPT, checked before any build
 * or run (sim/util/outpath.h): prints "hvsim CMD: OPT PATH: reason" and
 * returns -1 when it cannot be written. */
int options_check_outfile(const char *cmd, const char *opt, const char *path);
int options_check_outdir(const char *cmd, const char *opt, const char *dir);
void options_usage_common(FILE *f);
/* One help line "  --OPT a|b|c   text": the values from their table (a
 * NULL-terminated list such as variant_cc or engine_names()), the text in
 * the help column. */
void options_usage_values(FILE *f, const char *opt, const char *const *names, const char *text);

#endif
