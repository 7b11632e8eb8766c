/* sim/cli/usage.h — the `--help` texts of the commands whose value lists
 * are printed from the tables (config/variants.h, the engine table); public
 * so tests/unit/test_help_lists.c can check them against the tables. */
#ifndef HVSIM_USAGE_H
#define HVSIM_USAGE_H

#include <stdio.h>

void matrix_usage(FILE *f);  /* cmd_matrix_args.c */
void litmus_usage(FILE *f);  /* cmd_litmus.c */
void loops_usage(FILE *f);   /* cmd_loops.c */

#endif
