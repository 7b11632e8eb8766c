/* sim/engine/engine.c — the engine table and the dispatch through it. */
#include "engine.h"
#include "config/variants.h"
#include <stdio.h>
#include <string.h>

#define ALL_ARCHES ((1u << 4) - 1) /* every entry of variant_arch[] */
#define ALL_MODELS ((1u << 4) - 1) /* every entry of variant_model[] */

/* Adding an engine: a row here, its entry point declared in engine.h, its
 * code in its own folder.  Parsers, the matrix and the help list take their
 * engine names from this table. */
static const struct engine engines[] = {
    { .name = "native", .build_profile = BUILD_NATIVE, .arches = ALL_ARCHES,
      .accepts_libs = 1, .run = native_engine_runs },
    /* foreign builds run their instrumented code under qemu-user; its
     * memory models are the det runtime's (docs/det-engine.md) */
    { .name = "det", .build_profile = BUILD_DET, .arches = ALL_ARCHES, .models = ALL_MODELS,
      .accepts_libs = 0, .run = det_engine_runs },
    { .name = "tsan", .build_profile = BUILD_NATIVE, .arches = 1u << 0,
      .arch_why = "ThreadSanitizer and Valgrind run natively, not under qemu-user",
      .accepts_libs = 1, .run = threads_engine_runs },
    { .name = "helgrind", .build_profile = BUILD_NATIVE, .arches = 1u << 0,
      .arch_why = "ThreadSanitizer and Valgrind run natively, not under qemu-user",
      .accepts_libs = 1, .run = threads_engine_runs },
};
#define NENGINES (sizeof engines / sizeof engines[0])

const struct engine *engine_find(const char *name)
{
    for (size_t i = 0; name && i < NENGINES; i++)
        if (!strcmp(engines[i].name, name))
            return &engines[i];
    return NULL;
}

const struct engine *engine_at(size_t i)
{
    return i < NENGINES ? &engines[i] : NULL;
}

const char *const *engine_names(void)
{
    /* filled from the table once; the table is constant */
    static const char *names[NENGINES + 1];
    if (!names[0])
        for (size_t i = 0; i < NENGINES; i++)
            names[i] = engines[i].name;
    return names;
}

void engine_join(const char *sep, char *buf, size_t n)
{
    if (!n)
        return;
    buf[0] = 0;
    for (size_t i = 0; i < NENGINES; i++) {
        strncat(buf, i ? sep : "", n - strlen(buf) - 1);
        strncat(buf, engines[i].name, n - strlen(buf) - 1);
    }
}

int engine_runs_arch(const struct engine *e, const char *arch)
{
    int i = variant_index(VD_ARCH, arch);
    return e && i >= 0 && (e->arches >> i & 1u);
}

int engine_refuses_libs(const struct hvsim_runcfg *c, const char *what, char *err, size_t errlen)
{
    /* The det engine and the access audit see the code under test only
     * through the instrumentation hvsim compiles into it; a prebuilt library
     * has none, so its bridge accesses would be invisible (a wait inside it
     * would look like a hang of hvsim's own runtime).  Refuse up front. */
    if (!c->n_hv_lib && !c->n_be_lib)
        return 0;
    snprintf(err, errlen,
             "%s cannot use the prebuilt library %s (%s): it was not compiled by hvsim with the "
             "instrumentation that makes every bridge access visible to the scheduler; give its "
             "sources with --hv/--backend, or use --engine native or helgrind, which run libraries "
             "as they are", what, c->n_hv_lib ? c->hv_lib[0] : c->be_lib[0],
             c->n_hv_lib ? "--hv-lib" : "--backend-lib");
    return -1;
}

int engine_runs(const struct hvsim_runcfg *c, engine_cb cb, void *ud, struct engine_info *info,
                char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    const struct engine *e = engine_find(c->engine);
    if (!e) { /* the parsers take names from the table: a caller's bug */
        snprintf(err, errlen, "engine '%s' is not part of this build of hvsim", c->engine);
        return -1;
    }
    if (!engine_runs_arch(e, c->v.arch)) {
        char list[64] = "";
        for (int i = 0; variant_arch[i]; i++)
            if (e->arches >> i & 1u)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         list[0] ? ", " : "", variant_arch[i]);
        snprintf(err, errlen, "the %s engine runs %s builds only%s%s%s", e->name, list,
                 e->arch_why ? " (" : "", e->arch_why ? e->arch_why : "", e->arch_why ? ")" : "");
        return -1;
    }
    if (!e->accepts_libs) {
        char what[48];
        snprintf(what, sizeof what, "the %s engine", e->name);
        if (engine_refuses_libs(c, what, err, errlen) < 0)
            return -2; /* bad usage (exit 2), nothing built */
    }
    return e->run(c, cb, ud, info, err, errlen);
}
