/* sim/config/scenario_backend.c — backend behaviour lines: delay,
 * rendezvous, slow-device, restart-daemon, drop-ipi. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"

static int parse_site(struct ps *p, const struct tok *t, enum hvsim_site *s)
{
    int i;
    if (sc_parse_enum(p, t, sc_site_vals, "site", &i))
        return -1;
    *s = (enum hvsim_site)i;
    return 0;
}

static int parse_delay_range(struct ps *p, const struct tok *t, uint64_t *lo, uint64_t *hi)
{
    struct tok a, b;
    if (sc_split_range(p, t, &a, &b) || sc_parse_dur(p, &a, lo) || sc_parse_dur(p, &b, hi))
        return -1;
    if (*lo > *hi)
        return sc_perr(p, t->col, "empty range '%.*s': the minimum is larger than the maximum",
                    QL(*t));
    return 0;
}

static int set_delay(struct ps *p, enum hvsim_site s, const struct tok *at, uint64_t lo,
                     uint64_t hi, unsigned every)
{
    if (p->delay_line[s])
        return sc_perr(p, at->col, "a delay at %s is already set at line %d", sc_site_vals[s],
                    p->delay_line[s]);
    p->delay_line[s] = p->lineno;
    p->c->delay[s].min_ns = lo;
    p->c->delay[s].max_ns = hi;
    p->c->delay[s].every = every;
    return 0;
}


/* delay SITE DURATION[..DURATION] [every N] */
int sc_parse_delay(struct ps *p)
{
    enum hvsim_site s;
    uint64_t lo, hi, every = 0;
    if (p->nt < 2)
        return sc_perr(p, sc_eol_col(p), "expected a site after 'delay' (e.g. delay "
                    "be_before_answer 1ms..5ms)");
    if (parse_site(p, &p->t[1], &s))
        return -1;
    if (p->nt < 3)
        return sc_perr(p, sc_eol_col(p), "expected a duration or a range (e.g. 20ms or "
                    "1ms..5ms) after the site");
    if (parse_delay_range(p, &p->t[2], &lo, &hi))
        return -1;
    if (p->nt > 3) {
        if (!sc_tok_is(&p->t[3], "every"))
            return sc_perr(p, p->t[3].col, "unexpected '%.*s': expected 'every N' or the end "
                        "of the line", QL(p->t[3]));
        if (sc_need_value(p, 3) || sc_parse_range_num(p, &p->t[4], 1, 0xffffffffu, "every", &every))
            return -1;
        if (sc_extra_words(p, 5, "the delay"))
            return -1;
    }
    return set_delay(p, s, &p->t[1], lo, hi, (unsigned)every);
}

/* rendezvous SITE SITE [jitter N] */
int sc_parse_rendezvous(struct ps *p)
{
    enum hvsim_site a, b;
    uint64_t jitter = 0;
    if (p->nt < 3)
        return sc_perr(p, sc_eol_col(p), "expected two sites after 'rendezvous' (e.g. rendezvous "
                    "hv_publish be_before_sleep jitter 64)");
    if (parse_site(p, &p->t[1], &a) || parse_site(p, &p->t[2], &b))
        return -1;
    if (a == b)
        return sc_perr(p, p->t[2].col, "a rendezvous needs two different sites");
    for (int i = 1; i <= 2; i++) {
        enum hvsim_site s = i == 1 ? a : b;
        if (p->rv_line[s])
            return sc_perr(p, p->t[i].col, "%s is already in a rendezvous at line %d",
                        sc_site_vals[s], p->rv_line[s]);
    }
    if (p->nt > 3) {
        if (!sc_tok_is(&p->t[3], "jitter"))
            return sc_perr(p, p->t[3].col, "unexpected '%.*s': expected 'jitter N' or the end "
                        "of the line", QL(p->t[3]));
        if (sc_need_value(p, 3) ||
            sc_parse_range_num(p, &p->t[4], 0, 1000000, "jitter", &jitter))
            return -1;
        if (sc_extra_words(p, 5, "the rendezvous"))
            return -1;
    }
    struct hvsim_delay_cfg *da = &p->c->delay[a], *db = &p->c->delay[b];
    da->rendezvous = db->rendezvous = 1;
    da->partner = b;
    db->partner = a;
    da->jitter = db->jitter = (uint32_t)jitter;
    p->rv_line[a] = p->rv_line[b] = p->lineno;
    return 0;
}

/* slow-device DURATION[..DURATION]: every answer and every completion is late */
int sc_parse_slow_device(struct ps *p)
{
    uint64_t lo, hi;
    if (p->nt < 2)
        return sc_perr(p, sc_eol_col(p), "expected a duration or a range after 'slow-device' "
                    "(e.g. slow-device 1ms..3ms)");
    if (parse_delay_range(p, &p->t[1], &lo, &hi) || sc_extra_words(p, 2, "the duration"))
        return -1;
    if (set_delay(p, HVSIM_SITE_BE_BEFORE_ANSWER, &p->t[0], lo, hi, 0) ||
        set_delay(p, HVSIM_SITE_BE_BEFORE_COMPLETE, &p->t[0], lo, hi, 0))
        return -1;
    return 0;
}

/* restart-daemon after N | drop-ipi every N */
int sc_parse_fault(struct ps *p, const char *word, int *line, unsigned *dst)
{
    uint64_t n;
    if (*line)
        return sc_perr(p, p->t[0].col, "'%.*s' is already set at line %d", QL(p->t[0]), *line);
    if (p->nt < 2 || !sc_tok_is(&p->t[1], word))
        return sc_perr(p, p->nt < 2 ? sc_eol_col(p) : p->t[1].col, "expected '%.*s %s N'",
                    QL(p->t[0]), word);
    if (sc_need_value(p, 1) || sc_parse_range_num(p, &p->t[2], 1, 0xffffffffu, word, &n) ||
        sc_extra_words(p, 3, "the number"))
        return -1;
    *dst = (unsigned)n;
    *line = p->lineno;
    return 0;
}
