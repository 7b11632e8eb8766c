/* sim/config/scenario_settings.c — settings lines: KEY VALUE [KEY VALUE ...]
 * (docs/scenarios.md). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"

#define RC_FIELD(f) offsetof(struct hvsim_runcfg, f), sizeof(((struct hvsim_runcfg *)0)->f)

/* Settings whose value is one of a list, stored as its name. */
static const struct {
    enum key k;
    const char *const *vals;
    const char *what;
    size_t off, size;
} name_settings[] = {
    {K_ENGINE, variant_engine, "engine", RC_FIELD(engine)},
    {K_STRATEGY, sc_strategy_vals, "strategy", RC_FIELD(strategy)},
    {K_MM, sc_mm_vals, "memory model", RC_FIELD(memory_model)},
    {K_CC, sc_cc_vals, "compiler", RC_FIELD(v.cc)},
    {K_OPT, sc_opt_vals, "optimisation level", RC_FIELD(v.opt)},
    {K_ARCH, sc_arch_vals, "architecture", RC_FIELD(v.arch)},
    {K_WAIT, sc_wait_vals, "wait variant", RC_FIELD(v.wait)},
    {K_RELAX, sc_relax_vals, "relax variant", RC_FIELD(v.relax)},
    {K_WAKE, sc_wake_vals, "wake variant", RC_FIELD(v.wake)},
};

/* Settings whose value is one of a list, stored as its index (an int). */
static const struct {
    enum key k;
    const char *const *vals;
    const char *what;
    size_t off;
} index_settings[] = {
    {K_LAYOUT, sc_layout_vals, "layout", offsetof(struct hvsim_runcfg, v.layout_old)},
    {K_LTO, sc_lto_vals, "lto value", offsetof(struct hvsim_runcfg, v.lto)},
    {K_BOOT, sc_boot_vals, "boot order", offsetof(struct hvsim_runcfg, boot_daemon_first)},
    {K_MASK, sc_lto_vals, "mask-by-size value", offsetof(struct hvsim_runcfg, mask_by_size)},
};

/* Settings whose value is a number in a range (an unsigned). */
static const struct {
    enum key k;
    uint64_t lo, hi;
    const char *what;
    size_t off;
} range_settings[] = {
    {K_DEPTH, 1, 64, "PCT depth", offsetof(struct hvsim_runcfg, pct_depth)},
    {K_BOUND, 0, 64, "DFS preemption bound", offsetof(struct hvsim_runcfg, dfs_bound)},
    {K_RUNS, 1, 100000000, "runs", offsetof(struct hvsim_runcfg, runs)},
};

#define RC_SIZE(f) sizeof(((struct hvsim_runcfg *)0)->f)
_Static_assert(RC_SIZE(v.layout_old) == sizeof(int) && RC_SIZE(v.lto) == sizeof(int) &&
                   RC_SIZE(boot_daemon_first) == sizeof(int) && RC_SIZE(mask_by_size) == sizeof(int),
               "index_settings store ints");
_Static_assert(RC_SIZE(pct_depth) == sizeof(unsigned) && RC_SIZE(dfs_bound) == sizeof(unsigned) &&
                   RC_SIZE(runs) == sizeof(unsigned),
               "range_settings store unsigneds");

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A setting of the three tables; 1 when k is none of theirs. */
static int parse_table_setting(struct ps *p, const struct tok *v, enum key k)
{
    char *base = (char *)p->c;
    for (size_t j = 0; j < NELEM(name_settings); j++)
        if (name_settings[j].k == k)
            return sc_set_enum(p, v, name_settings[j].vals,
                               name_settings[j].what,
                               base + name_settings[j].off, name_settings[j].size);
    for (size_t j = 0; j < NELEM(index_settings); j++)
        if (index_settings[j].k == k) {
            int idx;
            if (sc_parse_enum(p, v, index_settings[j].vals, index_settings[j].what, &idx))
                return -1;
            memcpy(base + index_settings[j].off, &idx, sizeof idx);
            return 0;
        }
    for (size_t j = 0; j < NELEM(range_settings); j++)
        if (range_settings[j].k == k) {
            uint64_t n;
            if (sc_parse_range_num(p, v, range_settings[j].lo, range_settings[j].hi,
                                   range_settings[j].what, &n))
                return -1;
            unsigned u = (unsigned)n;
            memcpy(base + range_settings[j].off, &u, sizeof u);
            return 0;
        }
    return 1;
}

static int parse_name(struct ps *p, const struct tok *v)
{
    struct hvsim_runcfg *c = p->c;
    if (v->len >= (int)sizeof c->name)
        return sc_perr(p, v->col, "name too long: at most %zu characters",
                    sizeof c->name - 1);
    for (int j = 0; j < v->len; j++)
        if (!sc_is_ident_char(v->s[j]))
            return sc_perr(p, v->col + j, "bad character in name: expected letters, digits, "
                        "'_', '-' or '.'");
    memcpy(c->name, v->s, (size_t)v->len);
    c->name[v->len] = 0;
    return 0;
}

/* det engine bounds (docs/det-engine.md, "Progress and bounds") */
static int parse_det_bound(struct ps *p, const struct tok *v, enum key k)
{
    struct hvsim_runcfg *c = p->c;
    uint64_t n;
    if (sc_parse_num(p, v, &n))
        return -1;
    if (n < 1 || (k == K_DET_DEC && n > DET_MAX_DECISIONS_CAP))
        return sc_perr(p, v->col, "'%s' must be between 1 and %llu", sc_key_names[k],
                    k == K_DET_DEC ? (unsigned long long)DET_MAX_DECISIONS_CAP
                                   : (unsigned long long)UINT64_MAX);
    if (k == K_DET_DEC)
        c->det_max_decisions = (uint32_t)n;
    else if (k == K_DET_PTS)
        c->det_max_points = n;
    else
        c->det_quiet_points = n;
    return 0;
}

/* hang and timeout: durations of at least 1 ms, kept in whole ms */
static int parse_ms(struct ps *p, const struct tok *v, enum key k)
{
    uint64_t ns;
    if (sc_parse_dur(p, v, &ns))
        return -1;
    if (ns < 1000000)
        return sc_perr(p, v->col, "'%s' must be at least 1ms", sc_key_names[k]);
    unsigned ms = (unsigned)((ns + 999999) / 1000000);
    if (k == K_HANG)
        p->c->hang_ms = ms;
    else
        p->c->timeout_ms = ms;
    return 0;
}

static int parse_value(struct ps *p, const struct tok *kt, const struct tok *v, enum key k)
{
    struct hvsim_runcfg *c = p->c;
    uint64_t n;
    int rc = parse_table_setting(p, v, k);
    if (rc <= 0)
        return rc;
    switch (k) {
    case K_NAME:
        return parse_name(p, v);
    case K_CPUS:
        if (p->first_cpu_line)
            return sc_perr(p, kt->col, "'cpus' must come before the first cpu line (line %d)",
                        p->first_cpu_line);
        if (sc_parse_range_num(p, v, 1, HVSIM_CPUS, "cpus", &n))
            return -1;
        c->ncpus = (unsigned)n;
        return 0;
    case K_SEED:
        return sc_parse_num(p, v, &c->seed);
    case K_POLL:
        return sc_parse_num(p, v, &c->poll_window);
    case K_IRQCPU: /* requester | K: where completion IRQs go (a GIC SPI's target) */
        if (sc_tok_is(v, "requester")) {
            c->irq_route = 0;
            return 0;
        }
        if (sc_parse_range_num(p, v, 0, c->ncpus - 1, "irq-cpu (requester or a CPU below cpus; "
                               "give cpus first)", &n))
            return -1;
        c->irq_route = (unsigned)n + 1;
        return 0;
    case K_DET_DEC:
    case K_DET_PTS:
    case K_DET_QUIET:
        return parse_det_bound(p, v, k);
    case K_HANG:
    case K_TIMEOUT:
        return parse_ms(p, v, k);
    default:
        return 0;
    }
}

static int parse_setting(struct ps *p, int i, enum key k)
{
    const struct tok *kt = &p->t[i];
    if (p->key_loc[k].lineno)
        return sc_perr(p, kt->col, "'%s' is already set at line %d", sc_key_names[k],
                    p->key_loc[k].lineno);
    if (parse_value(p, kt, &p->t[i + 1], k))
        return -1;
    struct loc l = {p->line, p->linelen, p->lineno, kt->col};
    p->key_loc[k] = l;
    return 0;
}

static const char *const line_keywords[] = {
    "cpu", "device", "delay", "rendezvous", "slow-device", "restart-daemon", "drop-ipi",
    "expect", "hv", "backend", "hv-lib", "backend-lib", "include", "cflags", NULL,
};

static int unknown_key(struct ps *p, const struct tok *t, int first)
{
    char a[512], b[256];
    sc_list_vals(a, sizeof a, sc_key_names);
    sc_list_vals(b, sizeof b, line_keywords);
    if (!first)
        return sc_perr(p, t->col, "unknown key '%.*s': expected a setting (%s)", QL(*t), a);
    return sc_perr(p, t->col, "unknown key '%.*s': expected a setting (%s) or a line "
                "keyword (%s)", QL(*t), a, b);
}

int sc_parse_settings(struct ps *p)
{
    for (int i = 0; i < p->nt; i += 2) {
        int k = -1;
        for (int j = 0; j < K__N; j++)
            if (sc_tok_is(&p->t[i], sc_key_names[j]))
                k = j;
        if (k < 0)
            return unknown_key(p, &p->t[i], i == 0);
        if (sc_need_value(p, i) || parse_setting(p, i, (enum key)k))
            return -1;
    }
    return 0;
}
