/* sim/config/variants.c — the value tables (see variants.h). */
#include <string.h>
#include "variants.h"

const char *const variant_cc[] = { "gcc", "clang", NULL };
const char *const variant_opt[VARIANT_NOPT + 1] = { "O0", "O1", "O2", "O3", "Os", "Og", NULL };
const char *const variant_arch[] = { VARIANT_HOST_ARCH, "aarch64", "riscv64", "ppc64le", NULL };
const char *const variant_wait[] = { "plain", "volatile", "acquire", NULL };
const char *const variant_relax[] = { "none", "pause", "yield", "isb", "barrier", "asm", "default", NULL };
const char *const variant_wake[] = { "fence", "nofence", NULL };
const char *const variant_strategy[] = { "random", "pct", "dfs", "dpor", NULL };
const char *const variant_model[] = { "sc", "tso", "arm", "riscv", NULL };
const char *const variant_layout[] = { "new", "old", NULL };
const char *const variant_engine[] = { "native", "det", "tsan", "helgrind", NULL };

const char *const verdict_names[V__COUNT + 1] = {
    [V_PASS] = "PASS",
    [V_HANG_STALE_READ] = "HANG_STALE_READ",
    [V_WRONG_VALUE] = "WRONG_VALUE",
    [V_LOST_WAKEUP] = "LOST_WAKEUP",
    [V_CRASH] = "CRASH",
    [V_TIMEOUT] = "TIMEOUT",
    [V_DEADLOCK] = "DEADLOCK",
    [V_LIVELOCK] = "LIVELOCK",
    [V_DATA_RACE] = "DATA_RACE",
    [V_BUILD_ERROR] = "BUILD_ERROR",
    [V_LOST_COMPLETION] = "LOST_COMPLETION",
    [V_MISSING_IRQ] = "MISSING_IRQ",
    [V_PROTOCOL_VIOLATION] = "PROTOCOL_VIOLATION",
    [V_MISSED_ANSWER] = "MISSED_ANSWER",
    [V_DAEMON_STALLED] = "DAEMON_STALLED",
    [V_ASSERTION] = "ASSERTION",
    [V__COUNT] = NULL,
};

static const struct {
    const char *option;
    const char *const *values;
} dims[VD__N] = {
    [VD_CC] = { "cc", variant_cc },
    [VD_OPT] = { "opt", variant_opt },
    [VD_ARCH] = { "arch", variant_arch },
    [VD_WAIT] = { "wait", variant_wait },
    [VD_RELAX] = { "relax", variant_relax },
    [VD_WAKE] = { "wake", variant_wake },
    [VD_STRATEGY] = { "strategy", variant_strategy },
    [VD_MODEL] = { "memory-model", variant_model },
    [VD_LAYOUT] = { "layout", variant_layout },
};

const char *const *variant_values(enum variant_dim d)
{
    return (unsigned)d < VD__N ? dims[d].values : NULL;
}

const char *variant_option(enum variant_dim d)
{
    return (unsigned)d < VD__N ? dims[d].option : "?";
}

int variant_dim_of(const char *option)
{
    for (int d = 0; option && d < VD__N; d++)
        if (!strcmp(dims[d].option, option))
            return d;
    return -1;
}

int variant_index(enum variant_dim d, const char *v)
{
    const char *const *vals = variant_values(d);
    for (int i = 0; vals && v && vals[i]; i++)
        if (!strcmp(vals[i], v))
            return i;
    return -1;
}

void variant_join(enum variant_dim d, const char *sep, char *buf, size_t n)
{
    const char *const *vals = variant_values(d);
    if (!n)
        return;
    buf[0] = 0;
    for (int i = 0; vals && vals[i]; i++) {
        strncat(buf, i ? sep : "", n - strlen(buf) - 1);
        strncat(buf, vals[i], n - strlen(buf) - 1);
    }
}

size_t variant_names_print(FILE *f, const char *const *names, const char *sep)
{
    size_t n = 0;
    for (size_t i = 0; names && names[i]; i++) {
        int k = fprintf(f, "%s%s", i ? sep : "", names[i]);
        n += k > 0 ? (size_t)k : 0; /* a write error is the stream's, seen by ferror */
    }
    return n;
}

int arch_is_host(const char *arch)
{
    return arch && !strcmp(arch, VARIANT_HOST_ARCH);
}

int relax_exists_on(const char *relax, const char *arch)
{
    if (!strcmp(relax, "pause"))
        return !strcmp(arch, "x86_64");
    if (!strcmp(relax, "yield") || !strcmp(relax, "isb"))
        return !strcmp(arch, "aarch64");
    return variant_valid(VD_RELAX, relax);
}
