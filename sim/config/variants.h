/* sim/config/variants.h — the values each variant dimension (and the det
 * engine's settings) may take, written once.  The CLI, the scenario parser,
 * the matrix and the reports read them from here; a value added to a table
 * is accepted everywhere at once.
 *
 * Each table is NULL-terminated and in its canonical order (the order help
 * texts list and matrices enumerate).  Engines are not here: they are the
 * engine table's (sim/engine/engine.h). */
#ifndef HVSIM_VARIANTS_H
#define HVSIM_VARIANTS_H

#include <stddef.h>
#include <stdio.h>
#include "runtime/common/verdict.h"

enum variant_dim {
    VD_CC,       /* --cc */
    VD_OPT,      /* --opt; index i is bit i of hvsim_expect.opt_mask */
    VD_ARCH,     /* --arch */
    VD_WAIT,     /* --wait */
    VD_RELAX,    /* --relax */
    VD_WAKE,     /* --wake */
    VD_STRATEGY, /* --strategy (det) */
    VD_MODEL,    /* --memory-model (det) */
    VD_LAYOUT,   /* --layout */
    VD__N
};

extern const char *const variant_cc[];
extern const char *const variant_opt[];
extern const char *const variant_arch[];
extern const char *const variant_wait[];
extern const char *const variant_relax[];
extern const char *const variant_wake[];
extern const char *const variant_strategy[];
extern const char *const variant_model[];
extern const char *const variant_layout[];
/* the engines' names, for the parsers (config may not depend on sim/engine);
 * the engine table (sim/engine/engine.c) has one row per name, in this
 * order: tests/unit/test_engine_table.c checks it */
extern const char *const variant_engine[];
/* indexed by enum hvsim_verdict, NULL at V__COUNT */
extern const char *const verdict_names[V__COUNT + 1];

#define VARIANT_NOPT 6 /* entries of variant_opt */

/* The values of d, NULL-terminated. */
const char *const *variant_values(enum variant_dim d);
/* The dimension an option name ("cc", "memory-model", …) sets; -1 if none. */
int variant_dim_of(const char *option);
/* The option name of d ("cc", "memory-model", …). */
const char *variant_option(enum variant_dim d);
/* Index of v in d's table, -1 when v is not one of its values (or NULL). */
int variant_index(enum variant_dim d, const char *v);
static inline int variant_valid(enum variant_dim d, const char *v) { return variant_index(d, v) >= 0; }
/* d's values joined with sep ("gcc|clang"); cut at n - 1 bytes. */
void variant_join(enum variant_dim d, const char *sep, char *buf, size_t n);
/* Write the names of a NULL-terminated table (variant_values(d), the
 * engines' names, …) to f joined with sep ("gcc|clang"): help texts print
 * their value lists from the tables this way, uncut.  Returns the bytes
 * written (for a caller that aligns a column after the list). */
size_t variant_names_print(FILE *f, const char *const *names, const char *sep);

/* The architecture hvsim's participants run on without an emulator (hvsim
 * runs on x86_64 hosts); every other arch is cross-built and run under
 * qemu-user. */
#define VARIANT_HOST_ARCH "x86_64"
int arch_is_host(const char *arch);
/* Whether the spin hint 'relax' exists on 'arch' (pause is x86's, isb and
 * yield are AArch64's; the others exist everywhere).  A variant that names
 * a missing one is not a variant: the build refuses it, the matrix skips it. */
int relax_exists_on(const char *relax, const char *arch);

#endif
