/* sim/cli/cmd_port.c — `hvsim port hvisor|hvisor-tool PATH …`: the real
 * hvisor trampoline / hvisor-tool daemon under hvsim in one command.  The
 * work (rustc per opt-level, the compat flags, one `hvsim run` per build, the
 * summary table) is tools/port/port.sh; this passes it the running hvsim and
 * its home so the same installation builds and runs everything. */
#define _GNU_SOURCE
#include "commands.h"
#include "build/build.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_port(int argc, char **argv)
{
    char self[4096], script[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "hvsim port: cannot find the hvsim binary: %s\n", strerror(errno));
        return EXIT_HARNESS;
    }
    self[n] = 0;
    snprintf(script, sizeof script, "%s/tools/port/port.sh", hvsim_home());
    if (access(script, R_OK) != 0) {
        fprintf(stderr, "hvsim port: %s: %s\n", script, strerror(errno));
        return EXIT_HARNESS;
    }
    setenv("HVSIM", self, 1);
    setenv("HVSIM_HOME", hvsim_home(), 1);
    char **av = calloc((size_t)argc + 3, sizeof *av);
    if (!av)
        return EXIT_HARNESS;
    av[0] = "sh";
    av[1] = script;
    for (int i = 1; i < argc; i++)
        av[i + 1] = argv[i];
    /* exec, not spawn: hvsim becomes the script (its exit status is the
     * command's); argv is passed verbatim, sh only interprets port.sh */
    execv("/bin/sh", av);
    fprintf(stderr, "hvsim port: /bin/sh: %s\n", strerror(errno));
    return EXIT_HARNESS;
}
