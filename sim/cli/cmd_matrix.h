/* sim/cli/cmd_matrix.h — `hvsim matrix` in its steps: the command line
 * (cmd_matrix_args.c), the cells it asks for (cmd_matrix_plan.c), the
 * reports (cmd_matrix_out.c); cmd_matrix.c runs them in order.  The matrix
 * itself (sim/matrix) is called from here and never calls back. */
#ifndef HVSIM_CMD_MATRIX_H
#define HVSIM_CMD_MATRIX_H

#include <stdio.h>
#include "matrix/matrix.h"

/* What the command line says, beside the user's own code (which goes into
 * a runcfg laid over every scenario).  Owned by cmd_matrix; scen is sized
 * by the caller from argc (each --scenario takes two arguments). */
struct matrix_args {
    const char **scen;
    unsigned nscen;
    unsigned shard_k, shard_n;  /* --shard K/N; shard_n 0: every cell */
    unsigned jobs;              /* --jobs, default the number of CPUs */
    const char *out, *engine;
    int json;
    int compare;                /* --compare 1, --no-compare 0, else -1 */
    int user_cflags;            /* --cflags given: it replaces the scenario's */
    int help;
    struct matrix_dims over;    /* dimensions given on the command line (n* 0: not given) */
};

/* Parse argv into a (defaults first) and the user's own code into user
 * (cleared first).  0, or -1 after printing an error. */
int matrix_args_parse(struct matrix_args *a, struct hvsim_runcfg *user, int argc, char **argv);

/* Load each scenario (a's, or the default matrix's) into base, lay the
 * user's code and the command line's dimensions over it and add its cells
 * to m; then keep a's shard.  defs: room for a->nscen + 8 entries.  0, or
 * EXIT_USAGE after printing why. */
int matrix_plan_from(struct matrix *m, const struct matrix_args *a, const struct hvsim_runcfg *user,
                     struct hvsim_runcfg *base, struct matrix_default *defs);
/* The user's own code must build: its first cell is built now and a
 * failure is the compiler's output and EXIT_USAGE, not a matrix of
 * BUILD_ERROR cells.  0 otherwise (and when no cell has user code). */
int matrix_check_user_code(const struct matrix *m);

/* Judge the built and run matrix, write its reports to a->out (and stdout
 * with --json), print the one-line summary; the command's exit status. */
int matrix_write_out(const struct matrix *m, const struct matrix_args *a);

#endif
