/* sim/runtime/common/fn_delay.h — delay points at a function's entry or
 * return (scenario `delay at entry of F …`, `delay at FILE:LINE …`; issue 18),
 * placed without editing the code under test.
 *
 * hvsim compiles the files that name F with -finstrument-functions, so the
 * compiler calls __cyg_profile_func_enter/exit(fn, call_site) at every
 * function entry and return in them (inlined copies included).  The hooks
 * (sim/runtime/native/delay.c, sim/runtime/det/det_platform.c) compare fn with
 * the table below, which hvsim resolved from this very binary's symbol table
 * after linking it (sim/build/fndelay.c) and linked in as one data object; the
 * addresses are link-time ones, so the hooks add the load bias, measured on
 * main().  Without a `delay at` line nothing is instrumented, no table is
 * linked (the weak symbols stay 0) and the hooks are never called. */
#ifndef HVSIM_FN_DELAY_H
#define HVSIM_FN_DELAY_H

#include <stdint.h>

#define HVSIM_FND_MAX 8u
#define HVSIM_FND_SITE0 0x100u /* det trace: a delay event of table entry k has site 0x100 + k */

struct hvsim_fnd {
    uint64_t addr;            /* link-time address; 0: the function is not in this binary */
    uint64_t min_ns, max_ns;  /* seeded uniform delay (det: a scheduling point) */
    uint32_t every;           /* only every Nth arrival (0/1: always) */
    uint32_t at_return;       /* 0 entry, 1 return */
};

/* The generated object (build/cache/…/fnd_{hv,be}.c).  Weak: only a run with
 * `delay at` links one, and only then can the hooks be called. */
extern const struct hvsim_fnd hvsim_fnd_tab[HVSIM_FND_MAX] __attribute__((weak));
extern const uint64_t hvsim_fnd_main __attribute__((weak)); /* link-time address of main */
extern int main(int, char **);

void __cyg_profile_func_enter(void *fn, void *call_site) __attribute__((no_instrument_function));
void __cyg_profile_func_exit(void *fn, void *call_site) __attribute__((no_instrument_function));

/* The table entry for (fn, entry|return), or -1. */
static inline __attribute__((no_instrument_function)) int hvsim_fnd_find(void *fn, uint32_t at_return)
{
    if (!hvsim_fnd_tab || !&hvsim_fnd_main)
        return -1;
    uint64_t link = (uint64_t)(uintptr_t)fn - ((uint64_t)(uintptr_t)&main - hvsim_fnd_main);
    for (unsigned k = 0; k < HVSIM_FND_MAX; k++)
        if (hvsim_fnd_tab[k].addr == link && hvsim_fnd_tab[k].at_return == at_return)
            return (int)k;
    return -1;
}

/* Count an arrival at entry k; nonzero when this one is delayed ('every'). */
static inline __attribute__((no_instrument_function)) int hvsim_fnd_arrive(unsigned k)
{
    static uint64_t hits[HVSIM_FND_MAX];
    uint64_t h = __atomic_add_fetch(&hits[k], 1, __ATOMIC_RELAXED);
    uint32_t every = hvsim_fnd_tab[k].every;
    return every <= 1 || h % every == 0;
}

#endif
