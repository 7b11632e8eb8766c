/* sim/matrix/matrix_default.c — the default matrix of `make run`.
 *
 * seed_hang: the seed bug over gcc/clang × every level × the three waits.
 * wakeup_race: the need_wakeup handshake with and without its fences, at -O2;
 * a missing fence only shows through a rare CPU store→load reordering, so
 * these cells get many seeded runs (the first finding stops the cell).
 * seed_hang relax sweep: relax none vs default (what Rust's spin_loop emits:
 * pause on x86_64, isb on aarch64, nothing on riscv64, so riscv64's default
 * cells share none's binary) on x86_64 and on each foreign arch whose cross
 * compiler and qemu-user are installed (under qemu-user), one run per cell:
 * an emulated run is slower, and the verdict here is a compiler fact, not a
 * timing one.  Its x86_64 relax=none cells are row 0's (kept once). */
#include "matrix.h"
#include "build/build.h"
#include "config/variants.h"
#include <string.h>

static void set(char (*dst)[16], unsigned *n, const char *const *vals)
{
    for (*n = 0; vals[*n]; (*n)++)
        strcpy(dst[*n], vals[*n]);
}

unsigned matrix_defaults(struct matrix_default *out, unsigned max)
{
    static const char *const *const ccs = variant_cc;
    static const char *const x86[] = { VARIANT_HOST_ARCH, 0 };
    if (max < 1)
        return 0;
    memset(out, 0, (max < 2 ? 1 : 2) * sizeof *out);

    struct matrix_dims *d = &out[0].dims;
    out[0].scenario = "scenarios/seed_hang.hvs";
    set(d->cc, &d->ncc, ccs);
    for (d->nopt = 0; variant_opt[d->nopt]; d->nopt++)
        strcpy(d->opt[d->nopt], variant_opt[d->nopt]);
    set(d->arch, &d->narch, x86);
    set(d->wait, &d->nwait, variant_wait);
    set(d->relax, &d->nrelax, (const char *const[]){ "none", 0 });
    set(d->wake, &d->nwake, (const char *const[]){ "fence", 0 });
    d->runs = 3;
    if (max < 2)
        return 1;

    d = &out[1].dims;
    out[1].scenario = "scenarios/wakeup_race.hvs";
    set(d->cc, &d->ncc, ccs);
    strcpy(d->opt[0], "O2");
    d->nopt = 1;
    set(d->arch, &d->narch, x86);
    set(d->wait, &d->nwait, (const char *const[]){ "acquire", 0 });
    set(d->relax, &d->nrelax, (const char *const[]){ "default", 0 });
    set(d->wake, &d->nwake, (const char *const[]){ "fence", "nofence", 0 });
    d->runs = 400;
    if (max < 3)
        return 2;

    /* the relax sweep, foreign architectures under qemu-user if installed */
    d = &out[2].dims;
    memset(&out[2], 0, sizeof out[2]);
    out[2].scenario = "scenarios/seed_hang.hvs";
    strcpy(d->arch[d->narch++], VARIANT_HOST_ARCH);
    static const char *const foreign[] = { "aarch64", "riscv64" };
    for (unsigned i = 0; i < 2; i++)
        if (build_compiler_available("gcc", foreign[i]) || build_compiler_available("clang", foreign[i]))
            strcpy(d->arch[d->narch++], foreign[i]);
    set(d->cc, &d->ncc, ccs);
    for (d->nopt = 0; variant_opt[d->nopt]; d->nopt++)
        strcpy(d->opt[d->nopt], variant_opt[d->nopt]);
    set(d->wait, &d->nwait, variant_wait);
    set(d->relax, &d->nrelax, (const char *const[]){ "none", "default", 0 });
    set(d->wake, &d->nwake, (const char *const[]){ "fence", 0 });
    d->runs = 1;
    return 3;
}
