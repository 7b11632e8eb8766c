/* sim/cli/main.c — `hvsim COMMAND …`: dispatch to the subcommands. */
#include "commands.h"
#include "util/process.h"
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *what;
} cmds[] = {
    { "run", cmd_run, "build one variant and run it, with a verdict and its evidence" },
    { "matrix", cmd_matrix, "run scenarios × compilers × levels × variants, write reports/" },
    { "test", cmd_test, "run scenario files against their expectations (TAP)" },
    { "audit", cmd_audit, "every access site to the shared bridge, flagging unmarked ones" },
    { "loops", cmd_loops, "find wait loops whose body cannot see shared memory" },
    { "replay", cmd_replay, "rerun a det-engine failure from its JSON (schedule), write its trace" },
    { "report", cmd_report, "render summary.md, junit.xml, index.html from report.json" },
    { "merge", cmd_merge, "merge shard report.json files into one" },
    { "port", cmd_port, "run hvisor's trampoline / hvisor-tool's daemon, unchanged, in one command" },
    { "litmus", cmd_litmus, "herd7 C litmus tests, compiled for real, explored under sc/tso/arm/riscv" },
    { "bench", cmd_bench, "benchmarks, each as a ratio to a baseline measured in the same run" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hvsim COMMAND [OPTIONS]\n\n"
               "hvsim reproduces release-build hangs and lost wakeups in a hypervisor <-> backend\n"
               "shared-memory handshake, on the real compiled code.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].what);
    fprintf(f, "\n`hvsim COMMAND --help` describes each. Exit status: 0 all passed, 1 a finding or an\n"
               "unexpected verdict, 2 bad usage or input, 3 harness failure.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hvsim 0.1.0\n");
        return 0;
    }
    proc_install_signal_handlers();
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name)) {
            return cmds[i].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "hvsim: unknown command '%s' (try hvsim --help)\n", argv[1]);
    return EXIT_USAGE;
}
