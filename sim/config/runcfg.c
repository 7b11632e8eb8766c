/* sim/config/runcfg.c — names and expectation matching for struct
 * hvsim_runcfg (see runcfg.h); the defaults are in runcfg_defaults.c. */
#include <string.h>
#include <stdio.h>

#include "runcfg.h"
#include "variants.h"


const char *verdict_name(enum hvsim_verdict v)
{
    if ((unsigned)v >= V__COUNT)
        return "?";
    return verdict_names[v];
}

int verdict_parse(const char *s, enum hvsim_verdict *out)
{
    if (!s)
        return -1;
    for (unsigned i = 0; i < V__COUNT; i++) {
        if (strcmp(s, verdict_names[i]) == 0) {
            if (out)
                *out = (enum hvsim_verdict)i;
            return 0;
        }
    }
    return -1;
}

static const char *const site_names[HVSIM_SITE__COUNT] = {
    [HVSIM_SITE_HV_BEFORE_PUSH] = "hv_before_push",
    [HVSIM_SITE_HV_PUBLISH] = "hv_publish",
    [HVSIM_SITE_HV_BEFORE_IPI] = "hv_before_ipi",
    [HVSIM_SITE_BE_BEFORE_ANSWER] = "be_before_answer",
    [HVSIM_SITE_BE_BEFORE_SLEEP] = "be_before_sleep",
    [HVSIM_SITE_BE_AFTER_WAKE] = "be_after_wake",
    [HVSIM_SITE_BE_BEFORE_COMPLETE] = "be_before_complete",
};

const char *site_name(enum hvsim_site s)
{
    if ((unsigned)s >= HVSIM_SITE__COUNT)
        return "?";
    return site_names[s];
}

int site_parse(const char *s, enum hvsim_site *out)
{
    if (!s)
        return -1;
    for (unsigned i = 0; i < HVSIM_SITE__COUNT; i++) {
        if (strcmp(s, site_names[i]) == 0) {
            if (out)
                *out = (enum hvsim_site)i;
            return 0;
        }
    }
    return -1;
}


static int field_matches(const char *rule, const char *have)
{
    return rule[0] == 0 || (have && strcmp(rule, have) == 0);
}

const char *runcfg_run_model(const struct hvsim_runcfg *c, const struct hvsim_variant *v,
                             const char *engine)
{
    if (!engine || strcmp(engine, "det"))
        return NULL;
    if (c->memory_model[0])
        return c->memory_model;
    return !strcmp(v->arch, "aarch64") ? "arm" : !strcmp(v->arch, "riscv64") ? "riscv" : "tso";
}

/* a value's bit in mask (bit i = vals[i]) is set; 0 = any value */
static int mask_matches(unsigned mask, const char *const *vals, const char *have)
{
    if (!mask)
        return 1;
    for (int k = 0; have && vals[k]; k++)
        if (strcmp(have, vals[k]) == 0)
            return (mask >> k) & 1u;
    return 0; /* unknown or none (a model rule and an engine without one) */
}

unsigned runcfg_expected(const struct hvsim_runcfg *c, const struct hvsim_variant *v,
                         const char *engine, const char *model)
{
    static const char *const lo[] = { "0", "1", "2", "3", "s", "z", NULL };
    for (unsigned i = 0; i < c->nexpect; i++) {
        const struct hvsim_expect *e = &c->expect[i];
        if (!field_matches(e->cc, v->cc) || !field_matches(e->arch, v->arch) ||
            !field_matches(e->wait, v->wait) || !field_matches(e->relax, v->relax) ||
            !field_matches(e->wake, v->wake) || !field_matches(e->engine, engine))
            continue;
        if (!mask_matches(e->opt_mask, variant_opt, v->opt) ||
            !mask_matches(e->libopt_mask, lo, v->lib_opt) ||
            !mask_matches(e->model_mask, variant_model, model))
            continue;
        return e->verdicts; /* the first matching rule decides */
    }
    return 0;
}
