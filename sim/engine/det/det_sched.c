/* sim/engine/det/det_sched.c — schedule strings and bounded-DFS bookkeeping.
 * Pure functions over the decision log: unit-tested in tests/unit/test_det_sched.c. */
#include "det.h"
#include <stdlib.h>
#include <string.h>

int det_default_action(const struct det_logent *l)
{
    if (l->kind) /* a value choice: the lowest option (the newest message, the oldest store) */
        return l->opts ? DET_ACT_CHOICE + __builtin_ctzll(l->opts) : -1;
    uint64_t cand = l->opts & ((1ull << DET_ACT_DRAIN) - 1);
    if (l->cur_cand)
        return l->cur;
    return cand ? __builtin_ctzll(cand) : -1;
}

uint32_t det_sched_significant(const struct det_logent *log, uint32_t n)
{
    while (n && log[n - 1].chosen == det_default_action(&log[n - 1]))
        n--;
    return n;
}

/* The schedule string of a logged execution, its default tail cut
 * (det_sched_encode's result: < 0 when it does not fit). */
int det_sched_of_log(const struct det_logent *log, uint32_t nlog, char *out, size_t len)
{
    static uint8_t acts[DET_MAX_STEPS]; /* the supervisor is single-threaded */
    uint32_t n = det_sched_significant(log, nlog);
    for (uint32_t k = 0; k < n; k++)
        acts[k] = log[k].chosen;
    return det_sched_encode(acts, n, out, len);
}

/* Letter of option i of a value choice (after a '.'): a..z, A..Z. */
static char choice_letter(int i) { return i < 26 ? (char)('a' + i) : (char)('A' + i - 26); }

int det_sched_encode(const uint8_t *acts, uint32_t n, char *out, size_t len)
{
    size_t o = 0;
    int v2 = 0;
    for (uint32_t i = 0; i < n; i++)
        if (acts[i] >= DET_ACT_CHOICE && acts[i] != DET_ACT_DEFAULT)
            v2 = 1;
    /* det1: runs and drains only (sc, tso); det3: value choices too (arm,
     * riscv; det2 numbered load candidates before equal ones merged) */
    int w = snprintf(out, len, v2 ? "det3:" : "det1:");
    if (w < 0 || (size_t)w >= len)
        return -1;
    o = (size_t)w;
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i;
        while (j < n && acts[j] == acts[i])
            j++;
        int a = acts[i];
        if (a >= DET_ACT_CHOICE && a - DET_ACT_CHOICE >= DET_CHOICE_MAX)
            return -1;
        char ch = a >= DET_ACT_CHOICE ? choice_letter(a - DET_ACT_CHOICE)
                  : a >= DET_ACT_DRAIN ? (char)('A' + a - DET_ACT_DRAIN) : (char)('a' + a);
        const char *dot = a >= DET_ACT_CHOICE ? "." : "";
        if (j - i > 1)
            w = snprintf(out + o, len - o, "%s%c%u", dot, ch, j - i);
        else
            w = snprintf(out + o, len - o, "%s%c", dot, ch);
        if (w < 0 || (size_t)w >= len - o)
            return -1;
        o += (size_t)w;
        i = j;
    }
    return (int)o;
}

int det_sched_decode(const char *s, uint8_t *acts, uint32_t max)
{
    if (!strncmp(s, "det2:", 5))
        return -2;
    int v2 = !strncmp(s, "det3:", 5);
    if (strncmp(s, "det1:", 5) && !v2)
        return -1;
    s += 5;
    uint32_t n = 0;
    while (*s) {
        int a;
        if (*s == '.' && v2) { /* a value choice: .a .. .z, .A .. .Z */
            s++;
            if (*s >= 'a' && *s <= 'z')
                a = DET_ACT_CHOICE + (*s - 'a');
            else if (*s >= 'A' && *s <= 'Z')
                a = DET_ACT_CHOICE + 26 + (*s - 'A');
            else
                return -1;
        } else if (*s >= 'a' && *s <= 'z')
            a = *s - 'a';
        else if (*s >= 'A' && *s <= 'Z')
            a = DET_ACT_DRAIN + (*s - 'A');
        else
            return -1;
        s++;
        unsigned long k = 1;
        if (*s >= '0' && *s <= '9') {
            char *e;
            k = strtoul(s, &e, 10);
            s = e;
            if (k == 0)
                return -1;
        }
        for (unsigned long r = 0; r < k; r++) {
            if (n >= max)
                return -1;
            acts[n++] = (uint8_t)a;
        }
    }
    return (int)n;
}

void det_dfs_init(struct det_dfs *d, unsigned bound)
{
    memset(d, 0, sizeof *d);
    d->bound = bound;
}

void det_dfs_free(struct det_dfs *d)
{
    for (uint32_t i = 0; i < d->cap; i++)
        det_foot_free(d->st[i].foot);
    free(d->st);
    memset(d, 0, sizeof *d);
}

/* Bit of action a in a node's opts: value choices number their options from 0. */
static int act_bit(const struct det_dfs_node *n, int a) { return n->kind ? a - DET_ACT_CHOICE : a; }

int det_dfs_cost(const struct det_dfs_node *n, int a)
{
    if (n->kind) /* reading a stale message, committing a younger store first */
        return act_bit(n, a) != __builtin_ctzll(n->opts);
    if (a >= DET_ACT_DRAIN)
        return 1;
    return n->cur_cand && a != n->cur ? 1 : 0;
}

/* Is node i the entry choice of its parent's arm/riscv drain, which dpor
 * explores at the parent (det_gw) unless that one explores them all? */
static int commit_choice(const struct det_dfs *d, uint32_t i)
{
    const struct det_dfs_node *p = i ? &d->st[i - 1] : NULL;
    return d->model >= DM_ARM && p && !p->kind && p->chosen >= DET_ACT_DRAIN &&
           p->chosen < DET_ACT_CHOICE && !p->gw_all;
}

void det_dfs_gmiss(struct det_dfs *d)
{
    if (!d->plen || d->plen > d->n)
        return;
    det_gw_all(&d->st[d->plen - 1]);
    if (d->plen < d->n && d->st[d->plen].kind)
        d->st[d->plen].bt = d->st[d->plen].opts;
}

void det_dfs_record(struct det_dfs *d, const struct det_logent *log, uint32_t nlog)
{
    d->schedules++;
    if (nlog > d->cap) {
        uint32_t cap = d->cap ? d->cap : 256;
        while (cap < nlog)
            cap *= 2;
        d->st = realloc(d->st, cap * sizeof *d->st);
        memset(d->st + d->cap, 0, (cap - d->cap) * sizeof *d->st);
        d->cap = cap;
    }
    for (uint32_t i = d->n; i < nlog; i++) {
        struct det_dfs_node *x = &d->st[i];
        det_foot_free(x->foot); /* a slot of an earlier, deeper execution */
        x->foot = NULL;
        x->sleep = 0;
        x->opts = log[i].opts;
        x->cur = log[i].cur;
        x->cur_cand = log[i].cur_cand;
        x->chosen = log[i].chosen;
        x->kind = log[i].kind;
        x->tried = 1ull << act_bit(x, x->chosen);
        x->ngw = x->gw_all = 0;
        /* dpor: a run/drain decision explores what races ask for, and so
         * does the entry a drain commits (its parent names it by granule);
         * the other value choices (arm/riscv reads-from) every option */
        x->bt = d->dpor && (!x->kind || commit_choice(d, i)) ? x->tried : x->opts;
        x->began = d->schedules - 1; /* this execution is its current option's first */
        x->done_sum = 0;
        x->done_n = 0;
        x->cost_before = 0;
        if (i) {
            const struct det_dfs_node *p = &d->st[i - 1];
            x->cost_before = (uint16_t)(p->cost_before + det_dfs_cost(p, p->chosen));
        }
    }
    if (nlog > d->n)
        d->n = nlog;
    else
        d->n = nlog; /* the execution ended earlier than the stack: cut it */
}

/* dpor, arm/riscv: a (buffer, granule) commit asked for at x and not
 * explored yet, for drain action a (any drain: a < 0); -1 none. */
static int gw_next(struct det_dfs_node *x, int a)
{
    for (int i = 0; i < x->ngw; i++)
        if (!x->gw[i].done && (a < 0 || x->gw[i].t == a - DET_ACT_DRAIN)) {
            x->gw[i].done = 1;
            return i;
        }
    return -1;
}

/* Branch at node i with action a (k: its granule in x->gw, or -1). */
static int branch(struct det_dfs *d, int64_t i, int a, int k, uint8_t *prefix, uint32_t max)
{
    struct det_dfs_node *x = &d->st[i];
    if (x->cost_before + det_dfs_cost(x, a) > (int)d->bound) {
        d->cut++;
        return 0;
    }
    if ((uint32_t)i + 1 > max)
        return -1;
    x->done_sum += d->schedules - x->began; /* the option before is finished */
    x->done_n++;
    x->began = d->schedules;
    x->chosen = (uint8_t)a;
    d->n = (uint32_t)i + 1;
    d->plen = d->n;
    d->gstep1 = k >= 0 ? (uint32_t)i + 1 : 0;
    d->g = k >= 0 ? x->gw[k].g : 0;
    for (int64_t k2 = 0; k2 <= i; k2++)
        prefix[k2] = d->st[k2].chosen;
    return (int)(i + 1);
}

/* What node x has yet to branch at: dpor, its backtrack set less the asleep;
 * dfs, every option. */
static uint64_t node_avail(const struct det_dfs *d, const struct det_dfs_node *x)
{
    return (d->dpor ? x->bt & ~x->sleep : x->opts) & ~x->tried;
}

int det_dfs_next(struct det_dfs *d, uint8_t *prefix, uint32_t max)
{
    for (int64_t i = (int64_t)d->n - 1; i >= 0; i--) {
        struct det_dfs_node *x = &d->st[i];
        uint64_t avail = node_avail(d, x);
        int r = 0;
        while (avail && !r) {
            int b = __builtin_ctzll(avail), a = x->kind ? DET_ACT_CHOICE + b : b;
            avail &= avail - 1;
            x->tried |= 1ull << b;
            int k = d->dpor && !x->kind && a >= DET_ACT_DRAIN ? gw_next(x, a) : -1;
            r = branch(d, i, a, k, prefix, max);
        }
        /* a drain already taken here, now committing another granule */
        for (int k; !r && d->dpor && !x->kind && (k = gw_next(x, -1)) >= 0;)
            r = branch(d, i, DET_ACT_DRAIN + x->gw[k].t, k, prefix, max);
        if (r)
            return r;
        if (d->dpor) /* done with this decision: what it never had to try */
            d->reduced += (uint64_t)__builtin_popcountll(x->opts & ~x->tried);
    }
    d->n = 0;
    return -1;
}

/* Branches node x has yet to take (det_dfs_next's loop, counted). */
static int node_left(const struct det_dfs *d, const struct det_dfs_node *x)
{
    int n = __builtin_popcountll(node_avail(d, x));
    for (int k = 0; d->dpor && !x->kind && k < x->ngw; k++)
        n += !x->gw[k].done;
    return n;
}

double det_dfs_estimate(const struct det_dfs *d)
{
    double below = 0; /* estimated executions still to run under node i's current option */
    for (int64_t i = (int64_t)d->n - 1; i >= 0; i--) {
        const struct det_dfs_node *x = &d->st[i];
        double ran = (double)(d->schedules - x->began), cur = ran + below;
        if (x->done_n && !ran)
            cur = (double)x->done_sum / x->done_n; /* not begun: as large as those finished */
        below = cur - ran + node_left(d, x) * ((double)x->done_sum + cur) / (double)(x->done_n + 1);
    }
    return (double)d->schedules + below;
}

int det_dfs_left(const struct det_dfs *d, int *shallowest)
{
    int left = 0;
    *shallowest = -1;
    for (uint32_t i = 0; i < d->n; i++) {
        int n = node_left(d, &d->st[i]);
        if (n && *shallowest < 0)
            *shallowest = (int)i;
        left += n;
    }
    return left;
}

/* Coons et al.: the reversal of a race at i is beyond the bound; try the
 * same action where the run before i began (a switch happened there
 * anyway, so taking another thread costs no more). */
static void bounded_move(struct det_dfs *d, uint32_t i, uint64_t bits)
{
    for (int64_t k = (int64_t)i - 1; k >= 0; k--) {
        struct det_dfs_node *x = &d->st[k];
        if (x->kind || x->chosen == x->cur)
            continue;
        x->bt |= bits & x->opts;
        return;
    }
}

/* Nodes [i, nlog) explore nothing more (det_dpor_stale.c). */
static void prune_from(struct det_dfs *d, uint32_t i, uint32_t nlog)
{
    for (; i < nlog; i++) {
        struct det_dfs_node *x = &d->st[i];
        x->bt = x->tried;
        x->gw_all = 0;
        for (int k = 0; k < x->ngw; k++)
            x->gw[k].done = 1;
    }
}

int det_dfs_dpor(struct det_dfs *d, const struct det_logent *log, uint32_t nlog,
                 const struct det_event *ev, uint32_t nev)
{
    if (!d->dpor || nlog > d->n)
        return 0;
    uint32_t from = 0;
    int stale = dpor_stale_turn(d, log, nlog, ev, nev, &from);
    if (stale == 1) { /* explored already: nothing under it either */
        d->stale++;
        prune_from(d, d->plen, nlog);
        return 0;
    }
    uint64_t *bt = malloc((nlog ? nlog : 1) * sizeof *bt);
    if (!bt)
        return -1;
    for (uint32_t i = 0; i < nlog; i++)
        bt[i] = d->st[i].bt | d->st[i].tried;
    int r = det_dpor_analyse(d, log, nlog, ev, nev, bt);
    if (r == -2) { /* equivalent to an explored execution: only the redirect */
        d->blocked++;
        for (uint32_t i = 0; i < nlog; i++)
            d->st[i].bt |= bt[i];
        free(bt);
        return 0;
    }
    /* a stale failed turn of several reads: the decisions after it are explored already */
    uint32_t cut = stale == 2 ? (from > d->plen ? from : d->plen) : nlog;
    if (cut > nlog)
        cut = nlog;
    for (uint32_t i = 0; i < cut; i++) {
        struct det_dfs_node *x = &d->st[i];
        if (r < 0) { /* not analysable: plain dfs below this execution's decisions */
            det_gw_all(x);
            continue;
        }
        uint64_t add = bt[i] & ~(x->bt | x->tried);
        x->bt |= bt[i];
        for (uint64_t m = add; m; m &= m - 1) {
            int b = __builtin_ctzll(m);
            if (x->cost_before + det_dfs_cost(x, b) > (int)d->bound)
                bounded_move(d, i, 1ull << b);
        }
    }
    free(bt);
    if (stale == 2) { /* and the value choices after it explore no other message */
        d->stale++;
        prune_from(d, cut, nlog);
    }
    if (r > 0)
        d->races += (uint64_t)r;
    return r;
}
