/* sim/config/scenario_lex.c — the scenario parser's value tables and its
 * word-level helpers: error messages with a caret, numbers, durations,
 * enums, ranges (scenario_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"

const char *const sc_key_names[K__N + 1] = {
    "name", "cpus", "engine", "strategy", "depth", "bound", "memory-model", "runs",
    "seed", "cc", "opt", "arch", "wait", "relax", "wake", "layout", "lto",
    "poll-window", "hang", "timeout", "det-max-decisions", "det-max-points",
    "det-quiet-points", "boot", "mask-by-size", "irq-cpu", NULL,
};

const char *const sc_lto_vals[] = {"off", "on", NULL};
/* boot: who starts first (hvisor-tool's daemon sets need_wakeup and sleeps
 * before any guest runs); mask-by-size: keep only `size` bytes of a read's
 * value, as hvisor's instruction emulation does */
const char *const sc_boot_vals[] = {"together", "daemon-first", NULL};
/* rank of each level for opt>= / opt<=; -1: never part of a range (Og) */
const int sc_opt_rank[VARIANT_NOPT] = {0, 1, 2, 3, 2, -1};

const char *const sc_site_vals[HVSIM_SITE__COUNT + 1] = {
    "hv_before_push", "hv_publish", "hv_before_ipi", "be_before_answer",
    "be_before_sleep", "be_after_wake", "be_before_complete", NULL,
};

static void sc_app(char *buf, size_t n, size_t *pos, char ch)
{
    if (*pos + 1 < n) {
        buf[*pos] = ch;
        buf[*pos + 1] = 0;
    }
    (*pos)++;
}

int sc_perr(struct ps *p, int col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->err || p->errlen == 0)
        return -1;
    if (col < 1)
        col = 1;
    int n = snprintf(p->err, p->errlen, "%s:%d:%d: %s\n", p->fname, p->lineno, col, msg);
    size_t pos = n < 0 ? 0 : (size_t)n;
    for (int i = 0; i < p->linelen && pos + 1 < p->errlen; i++)
        sc_app(p->err, p->errlen, &pos, p->line[i]);
    sc_app(p->err, p->errlen, &pos, '\n');
    for (int i = 0; i < col - 1 && pos + 1 < p->errlen; i++)
        sc_app(p->err, p->errlen, &pos, i < p->linelen && p->line[i] == '\t' ? '\t' : ' ');
    sc_app(p->err, p->errlen, &pos, '^');
    return -1;
}

int sc_eol_col(const struct ps *p)
{
    if (p->nt == 0)
        return 1;
    return p->t[p->nt - 1].col + p->t[p->nt - 1].len;
}

int sc_tok_is(const struct tok *t, const char *s)
{
    size_t n = strlen(s);
    return (size_t)t->len == n && memcmp(t->s, s, n) == 0;
}

struct tok sc_sub(const struct tok *t, int from, int to)
{
    struct tok r = {t->s + from, to - from, t->col + from};
    return r;
}

int sc_find_char(const struct tok *t, char ch)
{
    for (int i = 0; i < t->len; i++)
        if (t->s[i] == ch)
            return i;
    return -1;
}

int sc_find_dots(const struct tok *t)
{
    for (int i = 0; i + 1 < t->len; i++)
        if (t->s[i] == '.' && t->s[i + 1] == '.')
            return i;
    return -1;
}

void sc_list_vals(char *buf, size_t n, const char *const *vals)
{
    size_t pos = 0;
    buf[0] = 0;
    for (int i = 0; vals[i]; i++) {
        int k = snprintf(buf + pos, n - pos, "%s%s", i ? (vals[i + 1] ? ", " : " or ") : "",
                         vals[i]);
        if (k < 0 || (size_t)k >= n - pos)
            return;
        pos += (size_t)k;
    }
}

int sc_lookup(const struct tok *t, const char *const *vals)
{
    for (int i = 0; vals[i]; i++)
        if (sc_tok_is(t, vals[i]))
            return i;
    return -1;
}

int sc_parse_enum(struct ps *p, const struct tok *t, const char *const *vals,
                      const char *what, int *out)
{
    int i = sc_lookup(t, vals);
    if (i < 0) {
        char l[256];
        sc_list_vals(l, sizeof l, vals);
        return sc_perr(p, t->col, "unknown %s '%.*s': expected %s", what, QL(*t), l);
    }
    *out = i;
    return 0;
}

int sc_parse_num(struct ps *p, const struct tok *t, uint64_t *out)
{
    uint64_t v = 0;
    int i = 0, hex = 0;
    if (t->len == 0)
        return sc_perr(p, t->col, "expected a number");
    if (t->len > 2 && t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X')) {
        hex = 1;
        i = 2;
    }
    if (i == t->len)
        goto bad;
    for (; i < t->len; i++) {
        char ch = t->s[i];
        unsigned d;
        if (ch >= '0' && ch <= '9')
            d = (unsigned)(ch - '0');
        else if (hex && ch >= 'a' && ch <= 'f')
            d = (unsigned)(ch - 'a' + 10);
        else if (hex && ch >= 'A' && ch <= 'F')
            d = (unsigned)(ch - 'A' + 10);
        else
            goto bad;
        unsigned base = hex ? 16 : 10;
        if (v > (UINT64_MAX - d) / base)
            return sc_perr(p, t->col, "number '%.*s' is too large (more than 64 bits)", QL(*t));
        v = v * base + d;
    }
    *out = v;
    return 0;
bad:
    return sc_perr(p, t->col, "bad number '%.*s': expected a decimal or 0x-prefixed hex number",
                QL(*t));
}

int sc_parse_range_num(struct ps *p, const struct tok *t, uint64_t lo, uint64_t hi,
                           const char *what, uint64_t *out)
{
    if (sc_parse_num(p, t, out))
        return -1;
    if (*out < lo || *out > hi)
        return sc_perr(p, t->col, "%s %llu out of range: expected %llu..%llu", what,
                    (unsigned long long)*out, (unsigned long long)lo,
                    (unsigned long long)hi);
    return 0;
}

/* Duration: 0, or a decimal number with a unit ns, us, ms, s. */
int sc_parse_dur(struct ps *p, const struct tok *t, uint64_t *ns)
{
    int i = 0;
    uint64_t v = 0;
    while (i < t->len && t->s[i] >= '0' && t->s[i] <= '9') {
        unsigned d = (unsigned)(t->s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return sc_perr(p, t->col, "duration '%.*s' is too large", QL(*t));
        v = v * 10 + d;
        i++;
    }
    if (i == 0)
        return sc_perr(p, t->col, "bad duration '%.*s': expected a number with a unit "
                    "(ns, us, ms or s), e.g. 5ms", QL(*t));
    struct tok u = sc_sub(t, i, t->len);
    uint64_t mul;
    if (u.len == 0 && v == 0)
        mul = 1;
    else if (sc_tok_is(&u, "ns"))
        mul = 1;
    else if (sc_tok_is(&u, "us"))
        mul = 1000;
    else if (sc_tok_is(&u, "ms"))
        mul = 1000000;
    else if (sc_tok_is(&u, "s"))
        mul = 1000000000;
    else if (u.len == 0)
        return sc_perr(p, t->col, "duration '%.*s' needs a unit: ns, us, ms or s", QL(*t));
    else
        return sc_perr(p, u.col, "bad unit '%.*s' in duration: expected ns, us, ms or s", QL(u));
    if (v > MAX_DELAY_NS / mul)
        return sc_perr(p, t->col, "duration '%.*s' is too long: at most 60s", QL(*t));
    *ns = v * mul;
    return 0;
}

/* "A..B" or "A": splits into two tokens; *b = *a when no range. */
int sc_split_range(struct ps *p, const struct tok *t, struct tok *a, struct tok *b)
{
    int k = sc_find_dots(t);
    if (k < 0) {
        *a = *b = *t;
        return 0;
    }
    *a = sc_sub(t, 0, k);
    *b = sc_sub(t, k + 2, t->len);
    if (a->len == 0)
        return sc_perr(p, t->col, "expected a value before '..' in '%.*s'", QL(*t));
    if (b->len == 0)
        return sc_perr(p, b->col, "unterminated range '%.*s': expected a value after '..'",
                    QL(*t));
    return 0;
}


void sc_setstr(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

int sc_need_value(struct ps *p, int i)
{
    if (i + 1 >= p->nt)
        return sc_perr(p, sc_eol_col(p), "expected a value after '%.*s'", QL(p->t[i]));
    return 0;
}

int sc_set_enum(struct ps *p, const struct tok *v, const char *const *vals,
                    const char *what, char *dst, size_t n)
{
    int idx;
    if (sc_parse_enum(p, v, vals, what, &idx))
        return -1;
    sc_setstr(dst, n, vals[idx]);
    return 0;
}

int sc_is_ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.';
}


int sc_extra_words(struct ps *p, int from, const char *what)
{
    if (p->nt > from)
        return sc_perr(p, p->t[from].col, "unexpected '%.*s' after %s", QL(p->t[from]), what);
    return 0;
}
