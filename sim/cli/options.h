/* sim/cli/options.h — the options `run`, `matrix` and `test` share: the
 * variant, the engine, seeds, the user's own code.  Every value is checked;
 * a bad one is a one-line error naming it (exit 2), never a guess. */
#ifndef HVSIM_OPTIONS_H
#define HVSIM_OPTIONS_H

#include <stdio.h>
#include "config/runcfg.h"

struct cli_opts {
    int json;
    int keep_going;
    int quiet;
    int help;
    const char *scenario;
};

/* The default run when no scenario is given: the default workload with a
 * seeded answer delay (so the waiter is in its loop when the flag changes)
 * and the hv_publish/be_before_sleep rendezvous (so a store→load reordering
 * in the need_wakeup handshake can be observed). */
void options_default_run(struct hvsim_runcfg *c);
#define BARE_RUN_ROUNDS 6
/* What options_default_run() sets beyond a scenario's defaults, as scenario
 * lines (for `run --help`). */
void options_describe_default_run(FILE *f);
/* Parse argv[i]; returns how many arguments it consumed (1 or 2), 0 when it
 * is not a shared option, -1 after printing an error. */
int options_parse_one(const char *cmd, int argc, char **argv, int i, struct hvsim_runcfg *c,
                      struct cli_opts *o);
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

#endif
