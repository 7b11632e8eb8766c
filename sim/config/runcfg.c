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

unsigned runcfg_expected(const struct hvsim_runcfg *c, const struct hvsim_variant *v,
                         const char *engine)
{
    for (unsigned i = 0; i < c->nexpect; i++) {
        const struct hvsim_expect *e = &c->expect[i];
        if (!field_matches(e->cc, v->cc) || !field_matches(e->arch, v->arch) ||
            !field_matches(e->wait, v->wait) || !field_matches(e->relax, v->relax) ||
            !field_matches(e->wake, v->wake) || !field_matches(e->engine, engine))
            continue;
        if (e->opt_mask) {
            int bit = -1;
            for (int k = 0; variant_opt[k]; k++)
                if (strcmp(v->opt, variant_opt[k]) == 0)
                    bit = k;
            if (bit < 0 || !(e->opt_mask & (1u << bit)))
                continue;
        }
        if (e->libopt_mask) {
            static const char *const lo[] = { "0", "1", "2", "3", "s", "z" };
            int bit = -1;
            for (int k = 0; k < 6; k++)
                if (strcmp(v->lib_opt, lo[k]) == 0)
                    bit = k;
            if (bit < 0 || !(e->libopt_mask & (1u << bit)))
                continue;
        }
        return e->verdicts; /* the first matching rule decides */
    }
    return 0;
}
