/* sim/build/build_where.c — where hvsim's own sources and the build cache
 * are, and which compilers build which architecture (build.h). */
#define _GNU_SOURCE
#include "build.h"
#include "config/variants.h"
#include "util/process.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* HVSIM_BUILD_DIR, else HOME/build in a source tree, else (installed, where
 * PREFIX/share may not be writable) $XDG_CACHE_HOME/hvsim or ~/.cache/hvsim. */
const char *build_root(void)
{
    const char *b = getenv("HVSIM_BUILD_DIR");
    static char def[600];
    if (b && *b)
        return b;
    const char *home = hvsim_home();
    if (strcmp(home, HVSIM_HOME_DEFAULT) && !getenv("HVSIM_HOME")) {
        const char *x = getenv("XDG_CACHE_HOME"), *u = getenv("HOME");
        if (x && *x)
            snprintf(def, sizeof def, "%s/hvsim", x);
        else if (u && *u)
            snprintf(def, sizeof def, "%s/.cache/hvsim", u);
        else
            snprintf(def, sizeof def, "/tmp/hvsim-%d", (int)getuid());
        char up[600];
        snprintf(up, sizeof up, "%s", def);
        char *sl = strrchr(up, '/');
        if (sl && sl != up) {
            *sl = 0;
            mkdir(up, 0777); /* ~/.cache may not exist yet */
        }
        return def;
    }
    snprintf(def, sizeof def, "%s/build", home);
    return def;
}

const char *build_compiler(const char *cc, const char *arch)
{
    static const struct { const char *cc, *arch, *cmd; } t[] = {
        { "gcc", "x86_64", "gcc" },
        { "clang", "x86_64", "clang" },
        { "gcc", "aarch64", "aarch64-linux-gnu-gcc" },
        { "clang", "aarch64", "clang --target=aarch64-linux-gnu" },
        { "gcc", "riscv64", "riscv64-linux-gnu-gcc" },
        { "clang", "riscv64", "clang --target=riscv64-linux-gnu" },
        { "gcc", "ppc64le", "powerpc64le-linux-gnu-gcc" },
        { "clang", "ppc64le", "clang --target=powerpc64le-linux-gnu" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].cc, cc) && !strcmp(t[i].arch, arch))
            return t[i].cmd;
    return 0;
}

static int foreign(const char *arch) { return !arch_is_host(arch); }

int build_compiler_available(const char *cc, const char *arch)
{
    const char *c = build_compiler(cc, arch);
    if (!c)
        return 0;
    char tool[64];
    /* clang --target needs the cross gcc toolchain for headers and libs */
    if (!strncmp(c, "clang ", 6))
        snprintf(tool, sizeof tool, "%s-linux-gnu-gcc",
                 !strcmp(arch, "ppc64le") ? "powerpc64le" : arch); /* Debian's triple */
    else
        snprintf(tool, sizeof tool, "%s", c);
    /* `command -v` in C: the compiler driver, the cross gcc clang needs, and
     * for a foreign arch its qemu-user */
    char qemu[64];
    snprintf(qemu, sizeof qemu, "qemu-%s", arch);
    return proc_in_path(tool) && proc_in_path(!strncmp(c, "clang", 5) ? "clang" : tool) &&
           (!foreign(arch) || proc_in_path(qemu));
}
