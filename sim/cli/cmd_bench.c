/* sim/cli/cmd_bench.c — `hvsim bench`: its options into struct bench, then
 * sim/bench measures, writes bench.json and bench.svg and prints the table.
 * Every figure is measured against a baseline measured in the same run and
 * shown as a ratio (docs/bench.md). */
#define _GNU_SOURCE
#include "bench/bench.h"
#include "commands.h"
#include "options.h"
#include "util/process.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: hvsim bench [OPTIONS]\n\n"
        "Benchmarks of hvsim itself, each against a baseline measured in the same run and\n"
        "printed as a ratio (medians over repeats: the machine is shared and noisy):\n"
        "  handshake  guest read -> response seen, spin path, gcc -O2 volatile|acquire x\n"
        "             none|pause|barrier (plain at -O0), vs a raw two-process ping-pong\n"
        "  sleeping   need_wakeup -> IPI -> daemon awake -> answer, vs raw futex and eventfd wakes\n"
        "  det        deterministic engine points/s and executions/s vs a raw futex handoff\n"
        "  hang       hang detection latency (flag change -> verdict), native and qemu-user\n"
        "  matrix     the default matrix: wall time, cells/s, share saved by binary dedup\n\n"
        "  --out DIR        write DIR/bench.json and DIR/bench.svg (default reports)\n"
        "  --quick          few repeats and short runs (for tests; figures are rougher)\n"
        "  --repeats N      repeats per measurement (default 7, --quick 2)\n"
        "  --only LIST      comma-separated sections to run (the others say \"not measured\")\n"
        "  --json           print bench.json on stdout (the table goes to stderr)\n\n"
        "exit status: 0 measured (targets missed are reported, not failures), 2 bad usage\n"
        "(an --out that cannot be written included), "
        "3 harness failure (nothing could be written)\n");
}

/* --repeats N: 1..32 (the sections keep up to 32 samples per figure). */
static int parse_repeats(const char *v, unsigned *out)
{
    char *e;
    unsigned long x = strtoul(v, &e, 10);
    if (*e || x < 1 || x > 32) {
        fprintf(stderr, "hvsim bench: --repeats wants 1..32, not '%s'\n", v);
        return -1;
    }
    *out = (unsigned)x;
    return 0;
}

/* The options into b and *only; 0 go on, 1 done (--help), -1 bad usage. */
static int parse_args(int argc, char **argv, struct bench *b, const char **only)
{
    unsigned repeats = 0;
    static const struct option longopts[] = {
        { "quick", no_argument, 0, 'k' }, { "json", no_argument, 0, 'j' },
        { "out", required_argument, 0, 'o' }, { "only", required_argument, 0, 'n' },
        { "repeats", required_argument, 0, 'r' }, { "help", no_argument, 0, 'h' }, { 0 },
    };
    int id;
    opterr = 0;
    optind = 0; /* '-': arguments in order (none is taken); ':': a missing value */
    while ((id = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1) {
        const char *v = optarg;
        if (id == 'h') { usage(stdout); return 1; }
        else if (id == 'k') b->quick = 1;
        else if (id == 'j') b->json = 1;
        else if (id == 'o') b->out = v;
        else if (id == 'n') *only = v;
        else if (id == 'r') {
            if (parse_repeats(v, &repeats) < 0)
                return -1;
        } else {
            fprintf(stderr, "hvsim bench: unknown option or missing value '%s' (try hvsim bench --help)\n",
                    id == 1 ? v : argv[optind - 1]);
            return -1;
        }
    }
    b->repeats = repeats ? repeats : b->quick ? 2 : 7;
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    struct bench *b = calloc(1, sizeof *b);
    if (!b) {
        fprintf(stderr, "hvsim bench: out of memory\n");
        return EXIT_HARNESS;
    }
    b->out = "reports";
    const char *only = 0;
    int rc = parse_args(argc, argv, b, &only);
    if (rc == 0 && options_check_outdir("bench", "--out", b->out))
        rc = -1;
    /* before minutes of measuring, not after: only the matrix section's
     * child run used to create it */
    if (rc == 0 && dir_make_p(b->out, 0755) < 0) {
        fprintf(stderr, "hvsim bench: --out %s: cannot create it: %s\n", b->out, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        rc = bench_suite_run(b, only) < 0 ? EXIT_HARNESS : 0;
    else
        rc = rc > 0 ? 0 : EXIT_USAGE;
    free(b);
    return rc;
}
