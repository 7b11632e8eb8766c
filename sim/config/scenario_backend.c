/* sim/config/scenario_backend.c — backend behaviour lines: delay (and
 * delay at), rendezvous, slow-device, restart-daemon, drop-ipi. */
#define _GNU_SOURCE /* asprintf */
#include <ctype.h>
#include <errno.h>
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


/* delay at entry|return of FUNCTION: the function's name into f (i: the
 * word after it) */
static int parse_at_function(struct ps *p, struct hvsim_fndelay *f, int *namecol)
{
    if (p->nt < 5)
        return sc_perr(p, sc_eol_col(p), "expected a function name after 'of'");
    const struct tok *t = &p->t[4];
    int ok = isalpha((unsigned char)t->s[0]) || t->s[0] == '_';
    for (int k = 0; ok && k < t->len; k++)
        ok = isalnum((unsigned char)t->s[k]) || t->s[k] == '_' || t->s[k] == '.' || t->s[k] == '$';
    if (!ok)
        return sc_perr(p, t->col, "bad function name '%.*s': expected a symbol of the code "
                       "under test (letters, digits, '_')", QL(*t));
    if (!(f->sym = strndup(t->s, (size_t)t->len)))
        return sc_perr(p, t->col, "out of memory");
    f->at_return = sc_tok_is(&p->t[2], "return");
    *namecol = t->col;
    return 0;
}

/* delay at FILE:LINE: the file (relative to the scenario) and line into f */
static int parse_at_line(struct ps *p, struct hvsim_fndelay *f, int *namecol)
{
    const struct tok *t = &p->t[2];
    uint64_t line;
    if (p->nt < 5)
        return sc_perr(p, sc_eol_col(p), "expected a line number after ':'");
    if (sc_parse_range_num(p, &p->t[4], 1, 1000000, "line", &line))
        return -1;
    const char *sl = strrchr(p->fname, '/');
    char rel[1024];
    if (t->s[0] == '/' || !sl)
        snprintf(rel, sizeof rel, "%.*s", t->len, t->s);
    else
        snprintf(rel, sizeof rel, "%.*s/%.*s", (int)(sl - p->fname), p->fname, t->len, t->s);
    char *rp = realpath(rel, 0);
    if (!rp)
        return sc_perr(p, t->col, "'%.*s': %s (looked for %s)", QL(*t), strerror(errno), rel);
    f->file = rp; /* the caller frees it */
    f->line = (unsigned)line;
    *namecol = t->col;
    return 0;
}

/* delay at entry|return of FUNCTION DURATION[..DURATION] [every N]
 * delay at FILE:LINE DURATION[..DURATION] [every N]
 * (issue 18: delay points in real code without editing it; the function is
 * looked up in the built binaries, so an unknown one is reported after the
 * build with this line's file:line:col, sim/build/fndelay.c) */
static int parse_delay_at_into(struct ps *p, struct hvsim_fndelay *fp)
{
    struct hvsim_runcfg *c = p->c;
    if (c->n_fndelay >= HVSIM_MAX_FNDELAY)
        return sc_perr(p, p->t[0].col, "at most %d 'delay at' lines in a scenario (the size of "
                       "the participants' delay-point table, HVSIM_FND_MAX)", HVSIM_MAX_FNDELAY);
    int i = 5, namecol = 0;
    if (p->nt >= 4 && (sc_tok_is(&p->t[2], "entry") || sc_tok_is(&p->t[2], "return")) &&
        sc_tok_is(&p->t[3], "of")) {
        if (parse_at_function(p, fp, &namecol))
            return -1;
    } else if (p->nt >= 4 && sc_tok_is(&p->t[3], ":")) {
        if (parse_at_line(p, fp, &namecol))
            return -1;
    } else {
        return sc_perr(p, p->nt > 2 ? p->t[2].col : sc_eol_col(p),
                       "expected 'entry of FUNCTION', 'return of FUNCTION' or FILE:LINE after "
                       "'delay at' (e.g. delay at entry of virtio_handle_req 200us)");
    }
    if (p->nt <= i)
        return sc_perr(p, sc_eol_col(p), "expected a duration or a range (e.g. 200us or 1ms..5ms)");
    if (parse_delay_range(p, &p->t[i], &fp->min_ns, &fp->max_ns))
        return -1;
    if (p->nt > i + 1) {
        uint64_t every;
        if (!sc_tok_is(&p->t[i + 1], "every"))
            return sc_perr(p, p->t[i + 1].col, "unexpected '%.*s': expected 'every N' or the end "
                           "of the line", QL(p->t[i + 1]));
        if (sc_need_value(p, i + 1) ||
            sc_parse_range_num(p, &p->t[i + 2], 1, 0xffffffffu, "every", &every))
            return -1;
        if (sc_extra_words(p, i + 3, "the delay"))
            return -1;
        fp->every = (unsigned)every;
    }
    for (unsigned k = 0; k < c->n_fndelay; k++) {
        const struct hvsim_fndelay *o = &c->fndelay[k];
        if (!strcmp(o->sym, runcfg_str(fp->sym)) && !strcmp(o->file, runcfg_str(fp->file)) &&
            o->line == fp->line && o->at_return == fp->at_return)
            return sc_perr(p, namecol, "this delay point is already set at %s", o->where);
    }
    if (asprintf(&fp->where, "%s:%d:%d", p->fname, p->lineno, namecol) < 0)
        fp->where = NULL;
    if (!fp->where || runcfg_add_fndelay(c, fp) < 0)
        return sc_perr(p, namecol, "out of memory");
    return 0;
}

static int parse_delay_at(struct ps *p)
{
    struct hvsim_fndelay f;
    memset(&f, 0, sizeof f);
    int rc = parse_delay_at_into(p, &f);
    free(f.sym);
    free(f.file);
    free(f.where);
    return rc;
}

/* delay SITE DURATION[..DURATION] [every N] */
int sc_parse_delay(struct ps *p)
{
    enum hvsim_site s;
    uint64_t lo, hi, every = 0;
    if (p->nt >= 2 && sc_tok_is(&p->t[1], "at"))
        return parse_delay_at(p);
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
