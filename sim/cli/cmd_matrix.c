/* sim/cli/cmd_matrix.c — `hvsim matrix`: parse, plan, build, run, report
 * (the steps are cmd_matrix_{args,plan,out}.c and sim/matrix). */
#include "cmd_matrix.h"
#include "commands.h"
#include "options.h"
#include "usage.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (uint64_t)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static int run_matrix(struct matrix_args *a, struct matrix *m, struct hvsim_runcfg *user,
                      struct hvsim_runcfg *base, struct matrix_default *defs, int argc, char **argv)
{
    if (matrix_args_parse(a, user, argc, argv) < 0)
        return EXIT_USAGE;
    if (a->help) {
        matrix_usage(stdout);
        return 0;
    }
    /* before any scenario is built or run: minutes of work must not end in
     * "cannot write" */
    if (options_check_outdir("matrix", "--out", a->out))
        return EXIT_USAGE;
    m->jobs = a->jobs < 1 ? 1 : a->jobs;
    m->progress = isatty(2);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = matrix_plan_from(m, a, user, base, defs);
    if (!rc)
        rc = matrix_check_user_code(m);
    if (rc)
        return rc;
    char err[1024];
    if (matrix_build_all(m, err, sizeof err) < 0 || matrix_run_all(m, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim matrix: %s\n", err);
        return EXIT_HARNESS;
    }
    matrix_oracle_all(m);
    m->wall_ms = elapsed_ms(&t0);
    return matrix_write_out(m, a);
}

/* Everything large is on the heap and owned here: the matrix (its cells),
 * the user's code and each scenario's config (struct hvsim_runcfg), and
 * the --scenario list, sized from argv so any number of scenarios fits. */
int cmd_matrix(int argc, char **argv)
{
    size_t max = (size_t)argc / 2 + 8; /* + 8: the default matrix's entries */
    struct matrix_args a = { 0 };
    a.scen = calloc(max, sizeof *a.scen);
    struct matrix_default *defs = calloc(max, sizeof *defs);
    struct hvsim_runcfg *user = calloc(1, sizeof *user), *base = calloc(1, sizeof *base);
    struct matrix *m = calloc(1, sizeof *m);
    int rc = EXIT_HARNESS;
    if (a.scen && defs && user && base && m)
        rc = run_matrix(&a, m, user, base, defs, argc, argv);
    else
        fprintf(stderr, "hvsim matrix: out of memory\n");
    if (m)
        matrix_free(m);
    free(m);
    runcfg_free(user);
    runcfg_free(base);
    free(defs);
    free(a.scen);
    return rc;
}
