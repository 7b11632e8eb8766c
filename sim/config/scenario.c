/* sim/config/scenario.c — parser for scenario scripts (scenarios/NAME.hvs).
 *
 * The format is line-oriented; docs/scenarios.md is its reference.  Every
 * line is a list of words separated by blanks; '#' starts a comment; ':' is
 * a word of its own.  Each error names file:line:col, quotes the line and
 * puts a caret under the column.  Nothing is guessed: unknown keys, values
 * out of range and settings given twice are errors that say what was
 * expected.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario.h"
#include "build/usercode.h"

#define MAXTOK 64
#define MAX_FILE (1u << 20)
#define MAX_DELAY_NS (60ull * 1000000000ull)
#define MAX_REPEAT 65536u

/* ------------------------------------------------------------------ */
/* Devices and known values (shared with runcfg.c)                      */

void scenario_device_init(struct hvsim_device *d, unsigned idx, uint32_t device_id,
                          uint64_t base, uint32_t irq_id)
{
    memset(d, 0, sizeof *d);
    d->base = base;
    d->device_id = device_id;
    d->vendor_id = HVSIM_SCENARIO_VENDOR;
    d->queue_num_max = HVSIM_SCENARIO_QMAX;
    d->irq_id = irq_id;
    d->features = 1ull << 32; /* VIRTIO_F_VERSION_1 */
    for (unsigned i = 0; i < sizeof d->config; i++)
        d->config[i] = (uint8_t)(0x40u * (idx + 1) + i);
}

int scenario_device_at(const struct hvsim_runcfg *c, uint64_t addr)
{
    unsigned n = c->ndevices > HVSIM_DEVS ? HVSIM_DEVS : c->ndevices;
    for (unsigned i = 0; i < n; i++) {
        uint64_t b = c->devices[i].base;
        if (addr >= b && addr - b < VIRTIO_MMIO_WINDOW)
            return (int)i;
    }
    return -1;
}

int scenario_known_value(const struct hvsim_runcfg *c, uint64_t addr, uint32_t size,
                         uint64_t *val)
{
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return 0;
    int d = scenario_device_at(c, addr);
    if (d < 0) {
        /* no device owns the first byte; unknown if the access runs into one */
        if (scenario_device_at(c, addr + size - 1) >= 0 || addr + size - 1 < addr)
            return 0;
        *val = 0;
        return 1;
    }
    const struct hvsim_device *dev = &c->devices[d];
    uint64_t off = addr - dev->base;
    if (off + size > VIRTIO_MMIO_WINDOW)
        return 0;
    if (off >= VIRTIO_MMIO_CONFIG) {
        uint64_t co = off - VIRTIO_MMIO_CONFIG;
        if (co + size > sizeof dev->config)
            return 0;
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)dev->config[co + i] << (8 * i);
        *val = v;
        return 1;
    }
    if (size != 4)
        return 0;
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE: *val = VIRTIO_MMIO_MAGIC; return 1;
    case VIRTIO_MMIO_VERSION: *val = HVSIM_VIRTIO_VERSION; return 1;
    case VIRTIO_MMIO_DEVICE_ID: *val = dev->device_id; return 1;
    case VIRTIO_MMIO_VENDOR_ID: *val = dev->vendor_id; return 1;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: *val = dev->queue_num_max; return 1;
    default: return 0;
    }
}

/* ------------------------------------------------------------------ */
/* Parser state and errors                                             */

struct tok {
    const char *s;
    int len;
    int col; /* 1-based */
};

struct loc {
    const char *line;
    int len, lineno, col;
};

enum key {
    K_NAME, K_CPUS, K_ENGINE, K_STRATEGY, K_DEPTH, K_BOUND, K_MM, K_RUNS, K_SEED,
    K_CC, K_OPT, K_ARCH, K_WAIT, K_RELAX, K_WAKE, K_LAYOUT, K_LTO, K_POLL, K_HANG,
    K_TIMEOUT, K_DET_DEC, K_DET_PTS, K_DET_QUIET, K_BOOT, K_MASK, K_IRQCPU, K__N
};
static const char *const key_names[K__N + 1] = {
    "name", "cpus", "engine", "strategy", "depth", "bound", "memory-model", "runs",
    "seed", "cc", "opt", "arch", "wait", "relax", "wake", "layout", "lto",
    "poll-window", "hang", "timeout", "det-max-decisions", "det-max-points",
    "det-quiet-points", "boot", "mask-by-size", "irq-cpu", NULL,
};

struct ps {
    const char *fname;
    const char *line;
    int linelen, lineno;
    struct tok t[MAXTOK];
    int nt;
    struct hvsim_runcfg *c;
    char *err;
    size_t errlen;
    struct loc key_loc[K__N];   /* where each setting was given (lineno 0: not yet) */
    int devices_seen;           /* a device line replaced the default devices */
    int first_cpu_line;         /* line of the first cpu line, 0 if none */
    int delay_line[HVSIM_SITE__COUNT];
    int rv_line[HVSIM_SITE__COUNT];
    int restart_line, dropipi_line;
    int cflags_line;            /* line of the cflags statement, 0 if none */
};

static const char *const cc_vals[] = {"gcc", "clang", NULL};
static const char *const arch_vals[] = {"x86_64", "aarch64", "riscv64", "ppc64le", NULL};
static const char *const wait_vals[] = {"plain", "volatile", "acquire", NULL};
static const char *const relax_vals[] = {"none", "pause", "yield", "isb", "barrier", "asm",
                                         "default", NULL};
static const char *const wake_vals[] = {"fence", "nofence", NULL};
static const char *const engine_vals[] = {"native", "det", "tsan", "helgrind", NULL};
static const char *const strategy_vals[] = {"random", "pct", "dfs", NULL};
static const char *const mm_vals[] = {"sc", "tso", "arm", "riscv", NULL};
static const char *const layout_vals[] = {"new", "old", NULL};
static const char *const lto_vals[] = {"off", "on", NULL};
/* boot: who starts first (hvisor-tool's daemon sets need_wakeup and sleeps
 * before any guest runs); mask-by-size: keep only `size` bytes of a read's
 * value, as hvisor's instruction emulation does */
static const char *const boot_vals[] = {"together", "daemon-first", NULL};
/* bit i of hvsim_expect.opt_mask */
static const char *const opt_vals[] = {"O0", "O1", "O2", "O3", "Os", "Og", NULL};
/* rank of each level for opt>= / opt<=; -1: never part of a range (Og) */
static const int opt_rank[] = {0, 1, 2, 3, 2, -1};

static const char *const verdict_vals[V__COUNT + 1] = {
    "PASS", "HANG_STALE_READ", "WRONG_VALUE", "LOST_WAKEUP", "CRASH", "TIMEOUT",
    "DEADLOCK", "LIVELOCK", "DATA_RACE", "BUILD_ERROR", "LOST_COMPLETION", "MISSING_IRQ",
    "PROTOCOL_VIOLATION", "MISSED_ANSWER", "DAEMON_STALLED", "ASSERTION", NULL,
};
static const char *const site_vals[HVSIM_SITE__COUNT + 1] = {
    "hv_before_push", "hv_publish", "hv_before_ipi", "be_before_answer",
    "be_before_sleep", "be_after_wake", "be_before_complete", NULL,
};

/* A token, quoted in messages, shortened to 40 bytes. */
#define QL(t) ((t).len > 40 ? 40 : (t).len), (t).s

static void app(char *buf, size_t n, size_t *pos, char ch)
{
    if (*pos + 1 < n) {
        buf[*pos] = ch;
        buf[*pos + 1] = 0;
    }
    (*pos)++;
}

__attribute__((format(printf, 3, 4)))
static int perr(struct ps *p, int col, const char *fmt, ...)
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
        app(p->err, p->errlen, &pos, p->line[i]);
    app(p->err, p->errlen, &pos, '\n');
    for (int i = 0; i < col - 1 && pos + 1 < p->errlen; i++)
        app(p->err, p->errlen, &pos, i < p->linelen && p->line[i] == '\t' ? '\t' : ' ');
    app(p->err, p->errlen, &pos, '^');
    return -1;
}

static int eol_col(const struct ps *p)
{
    if (p->nt == 0)
        return 1;
    return p->t[p->nt - 1].col + p->t[p->nt - 1].len;
}

static int tok_is(const struct tok *t, const char *s)
{
    size_t n = strlen(s);
    return (size_t)t->len == n && memcmp(t->s, s, n) == 0;
}

static struct tok sub(const struct tok *t, int from, int to)
{
    struct tok r = {t->s + from, to - from, t->col + from};
    return r;
}

static int find_char(const struct tok *t, char ch)
{
    for (int i = 0; i < t->len; i++)
        if (t->s[i] == ch)
            return i;
    return -1;
}

static int find_dots(const struct tok *t)
{
    for (int i = 0; i + 1 < t->len; i++)
        if (t->s[i] == '.' && t->s[i + 1] == '.')
            return i;
    return -1;
}

static void list_vals(char *buf, size_t n, const char *const *vals)
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

static int lookup(const struct tok *t, const char *const *vals)
{
    for (int i = 0; vals[i]; i++)
        if (tok_is(t, vals[i]))
            return i;
    return -1;
}

static int parse_enum(struct ps *p, const struct tok *t, const char *const *vals,
                      const char *what, int *out)
{
    int i = lookup(t, vals);
    if (i < 0) {
        char l[256];
        list_vals(l, sizeof l, vals);
        return perr(p, t->col, "unknown %s '%.*s': expected %s", what, QL(*t), l);
    }
    *out = i;
    return 0;
}

static int parse_num(struct ps *p, const struct tok *t, uint64_t *out)
{
    uint64_t v = 0;
    int i = 0, hex = 0;
    if (t->len == 0)
        return perr(p, t->col, "expected a number");
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
            return perr(p, t->col, "number '%.*s' is too large (more than 64 bits)", QL(*t));
        v = v * base + d;
    }
    *out = v;
    return 0;
bad:
    return perr(p, t->col, "bad number '%.*s': expected a decimal or 0x-prefixed hex number",
                QL(*t));
}

static int parse_range_num(struct ps *p, const struct tok *t, uint64_t lo, uint64_t hi,
                           const char *what, uint64_t *out)
{
    if (parse_num(p, t, out))
        return -1;
    if (*out < lo || *out > hi)
        return perr(p, t->col, "%s %llu out of range: expected %llu..%llu", what,
                    (unsigned long long)*out, (unsigned long long)lo,
                    (unsigned long long)hi);
    return 0;
}

/* Duration: 0, or a decimal number with a unit ns, us, ms, s. */
static int parse_dur(struct ps *p, const struct tok *t, uint64_t *ns)
{
    int i = 0;
    uint64_t v = 0;
    while (i < t->len && t->s[i] >= '0' && t->s[i] <= '9') {
        unsigned d = (unsigned)(t->s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return perr(p, t->col, "duration '%.*s' is too large", QL(*t));
        v = v * 10 + d;
        i++;
    }
    if (i == 0)
        return perr(p, t->col, "bad duration '%.*s': expected a number with a unit "
                    "(ns, us, ms or s), e.g. 5ms", QL(*t));
    struct tok u = sub(t, i, t->len);
    uint64_t mul;
    if (u.len == 0 && v == 0)
        mul = 1;
    else if (tok_is(&u, "ns"))
        mul = 1;
    else if (tok_is(&u, "us"))
        mul = 1000;
    else if (tok_is(&u, "ms"))
        mul = 1000000;
    else if (tok_is(&u, "s"))
        mul = 1000000000;
    else if (u.len == 0)
        return perr(p, t->col, "duration '%.*s' needs a unit: ns, us, ms or s", QL(*t));
    else
        return perr(p, u.col, "bad unit '%.*s' in duration: expected ns, us, ms or s", QL(u));
    if (v > MAX_DELAY_NS / mul)
        return perr(p, t->col, "duration '%.*s' is too long: at most 60s", QL(*t));
    *ns = v * mul;
    return 0;
}

/* "A..B" or "A": splits into two tokens; *b = *a when no range. */
static int split_range(struct ps *p, const struct tok *t, struct tok *a, struct tok *b)
{
    int k = find_dots(t);
    if (k < 0) {
        *a = *b = *t;
        return 0;
    }
    *a = sub(t, 0, k);
    *b = sub(t, k + 2, t->len);
    if (a->len == 0)
        return perr(p, t->col, "expected a value before '..' in '%.*s'", QL(*t));
    if (b->len == 0)
        return perr(p, b->col, "unterminated range '%.*s': expected a value after '..'",
                    QL(*t));
    return 0;
}

/* ------------------------------------------------------------------ */
/* Settings lines: KEY VALUE [KEY VALUE ...]                            */

static void setstr(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

static int need_value(struct ps *p, int i)
{
    if (i + 1 >= p->nt)
        return perr(p, eol_col(p), "expected a value after '%.*s'", QL(p->t[i]));
    return 0;
}

static int set_enum(struct ps *p, const struct tok *v, const char *const *vals,
                    const char *what, char *dst, size_t n)
{
    int idx;
    if (parse_enum(p, v, vals, what, &idx))
        return -1;
    setstr(dst, n, vals[idx]);
    return 0;
}

static int is_ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.';
}

static int parse_setting(struct ps *p, int i, enum key k)
{
    struct hvsim_runcfg *c = p->c;
    const struct tok *kt = &p->t[i];
    const struct tok *v = &p->t[i + 1];
    uint64_t n;
    int idx;

    if (p->key_loc[k].lineno)
        return perr(p, kt->col, "'%s' is already set at line %d", key_names[k],
                    p->key_loc[k].lineno);
    switch (k) {
    case K_NAME:
        if (v->len >= (int)sizeof c->name)
            return perr(p, v->col, "name too long: at most %zu characters",
                        sizeof c->name - 1);
        for (int j = 0; j < v->len; j++)
            if (!is_ident_char(v->s[j]))
                return perr(p, v->col + j, "bad character in name: expected letters, digits, "
                            "'_', '-' or '.'");
        memcpy(c->name, v->s, (size_t)v->len);
        c->name[v->len] = 0;
        break;
    case K_CPUS:
        if (p->first_cpu_line)
            return perr(p, kt->col, "'cpus' must come before the first cpu line (line %d)",
                        p->first_cpu_line);
        if (parse_range_num(p, v, 1, HVSIM_CPUS, "cpus", &n))
            return -1;
        c->ncpus = (unsigned)n;
        break;
    case K_ENGINE:
        if (set_enum(p, v, engine_vals, "engine", c->engine, sizeof c->engine))
            return -1;
        break;
    case K_STRATEGY:
        if (set_enum(p, v, strategy_vals, "strategy", c->strategy, sizeof c->strategy))
            return -1;
        break;
    case K_DEPTH:
        if (parse_range_num(p, v, 1, 64, "PCT depth", &n))
            return -1;
        c->pct_depth = (unsigned)n;
        break;
    case K_BOUND:
        if (parse_range_num(p, v, 0, 64, "DFS preemption bound", &n))
            return -1;
        c->dfs_bound = (unsigned)n;
        break;
    case K_MM:
        if (set_enum(p, v, mm_vals, "memory model", c->memory_model, sizeof c->memory_model))
            return -1;
        break;
    case K_RUNS:
        if (parse_range_num(p, v, 1, 100000000, "runs", &n))
            return -1;
        c->runs = (unsigned)n;
        break;
    case K_SEED:
        if (parse_num(p, v, &c->seed))
            return -1;
        break;
    case K_CC:
        if (set_enum(p, v, cc_vals, "compiler", c->v.cc, sizeof c->v.cc))
            return -1;
        break;
    case K_OPT:
        if (set_enum(p, v, opt_vals, "optimisation level", c->v.opt, sizeof c->v.opt))
            return -1;
        break;
    case K_ARCH:
        if (set_enum(p, v, arch_vals, "architecture", c->v.arch, sizeof c->v.arch))
            return -1;
        break;
    case K_WAIT:
        if (set_enum(p, v, wait_vals, "wait variant", c->v.wait, sizeof c->v.wait))
            return -1;
        break;
    case K_RELAX:
        if (set_enum(p, v, relax_vals, "relax variant", c->v.relax, sizeof c->v.relax))
            return -1;
        break;
    case K_WAKE:
        if (set_enum(p, v, wake_vals, "wake variant", c->v.wake, sizeof c->v.wake))
            return -1;
        break;
    case K_LAYOUT:
        if (parse_enum(p, v, layout_vals, "layout", &idx))
            return -1;
        c->v.layout_old = idx;
        break;
    case K_LTO:
        if (parse_enum(p, v, lto_vals, "lto value", &idx))
            return -1;
        c->v.lto = idx;
        break;
    case K_BOOT:
        if (parse_enum(p, v, boot_vals, "boot order", &idx))
            return -1;
        c->boot_daemon_first = idx;
        break;
    case K_MASK:
        if (parse_enum(p, v, lto_vals, "mask-by-size value", &idx))
            return -1;
        c->mask_by_size = idx;
        break;
    case K_IRQCPU: { /* requester | K: where completion IRQs go (a GIC SPI's target) */
        uint64_t k;
        if (tok_is(v, "requester")) {
            c->irq_route = 0;
            break;
        }
        if (parse_range_num(p, v, 0, c->ncpus - 1, "irq-cpu (requester or a CPU below cpus; "
                            "give cpus first)", &k))
            return -1;
        c->irq_route = (unsigned)k + 1;
        break;
    }
    case K_POLL:
        if (parse_num(p, v, &c->poll_window))
            return -1;
        break;
    case K_DET_DEC:
    case K_DET_PTS:
    case K_DET_QUIET: {
        /* det engine bounds (docs/det-engine.md, "Progress and bounds") */
        uint64_t n;
        if (parse_num(p, v, &n))
            return -1;
        if (n < 1 || (k == K_DET_DEC && n > DET_MAX_DECISIONS_CAP))
            return perr(p, v->col, "'%s' must be between 1 and %llu", key_names[k],
                        k == K_DET_DEC ? (unsigned long long)DET_MAX_DECISIONS_CAP
                                       : (unsigned long long)UINT64_MAX);
        if (k == K_DET_DEC)
            c->det_max_decisions = (uint32_t)n;
        else if (k == K_DET_PTS)
            c->det_max_points = n;
        else
            c->det_quiet_points = n;
        break;
    }
    case K_HANG:
    case K_TIMEOUT: {
        uint64_t ns;
        if (parse_dur(p, v, &ns))
            return -1;
        if (ns < 1000000)
            return perr(p, v->col, "'%s' must be at least 1ms", key_names[k]);
        unsigned ms = (unsigned)((ns + 999999) / 1000000);
        if (k == K_HANG)
            c->hang_ms = ms;
        else
            c->timeout_ms = ms;
        break;
    }
    case K__N:
        break;
    }
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
    list_vals(a, sizeof a, key_names);
    list_vals(b, sizeof b, line_keywords);
    if (!first)
        return perr(p, t->col, "unknown key '%.*s': expected a setting (%s)", QL(*t), a);
    return perr(p, t->col, "unknown key '%.*s': expected a setting (%s) or a line "
                "keyword (%s)", QL(*t), a, b);
}

static int parse_settings(struct ps *p)
{
    for (int i = 0; i < p->nt; i += 2) {
        int k = -1;
        for (int j = 0; j < K__N; j++)
            if (tok_is(&p->t[i], key_names[j]))
                k = j;
        if (k < 0)
            return unknown_key(p, &p->t[i], i == 0);
        if (need_value(p, i) || parse_setting(p, i, (enum key)k))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* device NAME id N at ADDR irq N [vendor V] [qmax N] [features V]       */

static int parse_device(struct ps *p)
{
    struct hvsim_runcfg *c = p->c;
    if (p->first_cpu_line)
        return perr(p, p->t[0].col, "device lines must come before the first cpu line "
                    "(line %d)", p->first_cpu_line);
    if (p->nt < 2)
        return perr(p, eol_col(p), "expected a device name after 'device' "
                    "(e.g. device blk id 2 at 0xa003e00 irq 78)");
    if (!p->devices_seen) { /* the first device line replaces the default devices */
        c->ndevices = 0;
        memset(c->devices, 0, sizeof c->devices);
        memset(c->devname, 0, sizeof c->devname);
        p->devices_seen = 1;
    }
    const struct tok *nm = &p->t[1];
    if (c->ndevices >= HVSIM_DEVS)
        return perr(p, p->t[0].col, "too many devices: hvsim runs at most %u", HVSIM_DEVS);
    if (nm->len >= (int)sizeof c->devname[0])
        return perr(p, nm->col, "device name too long: at most %zu characters",
                    sizeof c->devname[0] - 1);
    for (int j = 0; j < nm->len; j++) {
        char ch = nm->s[j];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
                 (j > 0 && ch >= '0' && ch <= '9');
        if (!ok)
            return perr(p, nm->col + j, "bad device name '%.*s': expected a letter or '_' "
                        "followed by letters, digits or '_'", QL(*nm));
    }
    if (nm->len > 3 && memcmp(nm->s, "dev", 3) == 0) {
        int digits = 1;
        for (int j = 3; j < nm->len; j++)
            if (nm->s[j] < '0' || nm->s[j] > '9')
                digits = 0;
        if (digits)
            return perr(p, nm->col, "device name '%.*s' is reserved: devN always means the "
                        "N-th device", QL(*nm));
    }
    for (unsigned d = 0; d < c->ndevices; d++)
        if (tok_is(nm, c->devname[d]))
            return perr(p, nm->col, "device '%.*s' is already defined", QL(*nm));

    static const char *const attrs[] = {"id", "at", "irq", "vendor", "qmax", "features", NULL};
    uint64_t val[6] = {0};
    int seen[6] = {0};
    for (int i = 2; i < p->nt; i += 2) {
        int a = lookup(&p->t[i], attrs);
        if (a < 0) {
            char l[128];
            list_vals(l, sizeof l, attrs);
            return perr(p, p->t[i].col, "unknown device attribute '%.*s': expected %s",
                        QL(p->t[i]), l);
        }
        if (seen[a])
            return perr(p, p->t[i].col, "'%s' given twice", attrs[a]);
        if (need_value(p, i))
            return -1;
        const struct tok *v = &p->t[i + 1];
        switch (a) {
        case 0:
            if (parse_range_num(p, v, 1, 0xffffffffu, "device id", &val[a]))
                return -1;
            break;
        case 1:
            if (parse_num(p, v, &val[a]))
                return -1;
            if (val[a] % VIRTIO_MMIO_WINDOW)
                return perr(p, v->col, "device base 0x%llx is not 0x%x-aligned",
                            (unsigned long long)val[a], VIRTIO_MMIO_WINDOW);
            if (val[a] > UINT64_MAX - VIRTIO_MMIO_WINDOW)
                return perr(p, v->col, "device base 0x%llx: the window runs past the end "
                            "of the address space", (unsigned long long)val[a]);
            for (unsigned d = 0; d < c->ndevices; d++)
                if (c->devices[d].base == val[a])
                    return perr(p, v->col, "device base 0x%llx overlaps device '%s'",
                                (unsigned long long)val[a], c->devname[d]);
            break;
        case 2:
        case 3:
            if (parse_range_num(p, v, 0, 0xffffffffu, attrs[a], &val[a]))
                return -1;
            break;
        case 4:
            if (parse_range_num(p, v, 1, 32768, "qmax", &val[a]))
                return -1;
            break;
        case 5:
            if (parse_num(p, v, &val[a]))
                return -1;
            break;
        }
        seen[a] = 1;
    }
    for (int a = 0; a < 3; a++)
        if (!seen[a])
            return perr(p, eol_col(p), "device line needs '%s %s'", attrs[a],
                        a == 1 ? "ADDRESS" : "N");
    unsigned idx = c->ndevices;
    struct hvsim_device *dev = &c->devices[idx];
    scenario_device_init(dev, idx, (uint32_t)val[0], val[1], (uint32_t)val[2]);
    if (seen[3])
        dev->vendor_id = (uint32_t)val[3];
    if (seen[4])
        dev->queue_num_max = (uint32_t)val[4];
    if (seen[5])
        dev->features = val[5];
    memcpy(c->devname[idx], nm->s, (size_t)nm->len);
    c->devname[idx][nm->len] = 0;
    c->ndevices++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* cpu LIST: read|write|notify TARGET [options]                          */

struct reg {
    const char *name;
    uint32_t off;
};
static const struct reg regs[] = {
    {"magic", VIRTIO_MMIO_MAGIC_VALUE},
    {"version", VIRTIO_MMIO_VERSION},
    {"device_id", VIRTIO_MMIO_DEVICE_ID},
    {"vendor_id", VIRTIO_MMIO_VENDOR_ID},
    {"device_features", VIRTIO_MMIO_DEVICE_FEATURES},
    {"device_features_sel", VIRTIO_MMIO_DEVICE_FEATURES_SEL},
    {"driver_features", VIRTIO_MMIO_DRIVER_FEATURES},
    {"driver_features_sel", VIRTIO_MMIO_DRIVER_FEATURES_SEL},
    {"queue_sel", VIRTIO_MMIO_QUEUE_SEL},
    {"queue_num_max", VIRTIO_MMIO_QUEUE_NUM_MAX},
    {"queue_num", VIRTIO_MMIO_QUEUE_NUM},
    {"queue_ready", VIRTIO_MMIO_QUEUE_READY},
    {"queue_notify", VIRTIO_MMIO_QUEUE_NOTIFY},
    {"interrupt_status", VIRTIO_MMIO_INTERRUPT_STATUS},
    {"interrupt_ack", VIRTIO_MMIO_INTERRUPT_ACK},
    {"status", VIRTIO_MMIO_STATUS},
    {"config_generation", VIRTIO_MMIO_CONFIG_GENERATION},
    {"config", VIRTIO_MMIO_CONFIG},
    {NULL, 0},
};

static int find_device(struct ps *p, const struct tok *t, unsigned *out)
{
    const struct hvsim_runcfg *c = p->c;
    if (t->len > 3 && memcmp(t->s, "dev", 3) == 0) {
        int digits = 1;
        for (int j = 3; j < t->len; j++)
            if (t->s[j] < '0' || t->s[j] > '9')
                digits = 0;
        if (digits) {
            uint64_t n;
            struct tok num = sub(t, 3, t->len);
            if (parse_num(p, &num, &n))
                return -1;
            if (n >= c->ndevices)
                return perr(p, t->col, "no device %.*s: this scenario has %u device%s "
                            "(dev0..dev%u)", QL(*t), c->ndevices,
                            c->ndevices == 1 ? "" : "s", c->ndevices ? c->ndevices - 1 : 0);
            *out = (unsigned)n;
            return 0;
        }
    }
    for (unsigned d = 0; d < c->ndevices; d++)
        if (tok_is(t, c->devname[d])) {
            *out = d;
            return 0;
        }
    char l[128] = "";
    size_t pos = 0;
    for (unsigned d = 0; d < c->ndevices && pos < sizeof l; d++) {
        int k = snprintf(l + pos, sizeof l - pos, "%s%s (dev%u)", d ? ", " : "",
                         c->devname[d], d);
        if (k < 0)
            break;
        pos += (size_t)k;
    }
    return perr(p, t->col, "unknown device '%.*s': expected %s", QL(*t),
                c->ndevices ? l : "a device (none is defined)");
}

enum tkind { T_ABS, T_DEVOFF, T_REG32, T_CONFIG, T_DEV };

/* TARGET: ADDRESS | DEV | DEV+OFFSET | DEV.REGISTER | DEV.config+OFFSET */
static int parse_target(struct ps *p, const struct tok *t, uint64_t *addr, enum tkind *kind,
                        unsigned *devp)
{
    const struct hvsim_runcfg *c = p->c;
    if (t->len > 0 && t->s[0] >= '0' && t->s[0] <= '9') {
        *kind = T_ABS;
        return parse_num(p, t, addr);
    }
    int k = 0;
    while (k < t->len && t->s[k] != '+' && t->s[k] != '.')
        k++;
    struct tok dn = sub(t, 0, k);
    if (dn.len == 0)
        return perr(p, t->col, "expected an address, DEV+OFFSET or DEV.REGISTER, got '%.*s'",
                    QL(*t));
    unsigned d = 0;
    if (find_device(p, &dn, &d))
        return -1;
    *devp = d;
    uint64_t base = c->devices[d].base;
    if (k == t->len) {
        *kind = T_DEV;
        *addr = base;
        return 0;
    }
    if (t->s[k] == '+') {
        struct tok o = sub(t, k + 1, t->len);
        uint64_t off;
        if (o.len == 0)
            return perr(p, o.col, "expected an offset after '+'");
        if (parse_num(p, &o, &off))
            return -1;
        if (off >= VIRTIO_MMIO_WINDOW)
            return perr(p, o.col, "offset 0x%llx is outside the device window (0x%x bytes)",
                        (unsigned long long)off, VIRTIO_MMIO_WINDOW);
        *kind = T_DEVOFF;
        *addr = base + off;
        return 0;
    }
    /* '.' REGISTER */
    int e = k + 1;
    while (e < t->len && t->s[e] != '+')
        e++;
    struct tok rn = sub(t, k + 1, e);
    int r = -1;
    for (int i = 0; regs[i].name; i++)
        if (tok_is(&rn, regs[i].name))
            r = i;
    if (r < 0) {
        char l[400];
        size_t pos = 0;
        l[0] = 0;
        for (int i = 0; regs[i].name && pos < sizeof l; i++) {
            int n = snprintf(l + pos, sizeof l - pos, "%s%s", i ? ", " : "", regs[i].name);
            if (n < 0)
                break;
            pos += (size_t)n;
        }
        return perr(p, rn.col, "unknown register '%.*s': expected %s", QL(rn), l);
    }
    if (regs[r].off == VIRTIO_MMIO_CONFIG) {
        uint64_t off = 0;
        if (e < t->len) {
            struct tok o = sub(t, e + 1, t->len);
            if (o.len == 0)
                return perr(p, o.col, "expected an offset after '+'");
            if (parse_num(p, &o, &off))
                return -1;
            if (off >= VIRTIO_MMIO_WINDOW - VIRTIO_MMIO_CONFIG)
                return perr(p, o.col, "config offset 0x%llx is outside the config space "
                            "(0x%x bytes)", (unsigned long long)off,
                            VIRTIO_MMIO_WINDOW - VIRTIO_MMIO_CONFIG);
        }
        *kind = T_CONFIG;
        *addr = base + VIRTIO_MMIO_CONFIG + off;
        return 0;
    }
    if (e < t->len)
        return perr(p, t->col + e, "only 'config' takes an offset (DEV.config+N); "
                    "for other registers use DEV+OFFSET");
    *kind = T_REG32;
    *addr = base + regs[r].off;
    return 0;
}

static int fits(uint64_t v, uint32_t size)
{
    return size >= 8 || (v >> (8 * size)) == 0;
}

static int parse_cpu_list(struct ps *p, const struct tok *t, uint32_t *mask)
{
    unsigned ncpus = p->c->ncpus;
    *mask = 0;
    if (tok_is(t, "all")) {
        *mask = ncpus >= 32 ? 0xffffffffu : (1u << ncpus) - 1;
        return 0;
    }
    int start = 0;
    for (int i = 0; i <= t->len; i++) {
        if (i < t->len && t->s[i] != ',')
            continue;
        struct tok piece = sub(t, start, i), a, b;
        if (piece.len == 0)
            return perr(p, piece.col, "expected a CPU number (a list is 0,2,5..7 or all)");
        if (split_range(p, &piece, &a, &b))
            return -1;
        uint64_t lo, hi;
        if (parse_num(p, &a, &lo) || parse_num(p, &b, &hi))
            return -1;
        if (hi >= HVSIM_CPUS) {
            const struct tok *bad = lo >= HVSIM_CPUS ? &a : &b;
            return perr(p, bad->col, "cpu %llu out of range: hvsim runs at most %u CPUs "
                        "(0..%u)", (unsigned long long)(lo >= HVSIM_CPUS ? lo : hi),
                        HVSIM_CPUS, HVSIM_CPUS - 1);
        }
        if (lo > hi)
            return perr(p, piece.col, "empty CPU range '%.*s': the first CPU is larger than "
                        "the last", QL(piece));
        if (hi >= ncpus) {
            const struct tok *bad = lo >= ncpus ? &a : &b;
            return perr(p, bad->col, "cpu %llu out of range: this scenario has %u CPU%s "
                        "(0..%u); set 'cpus N' before the cpu lines",
                        (unsigned long long)(lo >= ncpus ? lo : hi), ncpus,
                        ncpus == 1 ? "" : "s", ncpus - 1);
        }
        for (uint64_t c = lo; c <= hi; c++)
            *mask |= 1u << c;
        start = i + 1;
    }
    return 0;
}

static int parse_cpu(struct ps *p)
{
    struct hvsim_runcfg *c = p->c;
    uint32_t mask;
    if (!p->first_cpu_line)
        p->first_cpu_line = p->lineno;
    if (p->nt < 2 || tok_is(&p->t[1], ":"))
        return perr(p, p->nt < 2 ? eol_col(p) : p->t[1].col,
                    "expected a CPU list after 'cpu' (e.g. cpu 0..3: read dev0.magic)");
    if (parse_cpu_list(p, &p->t[1], &mask))
        return -1;
    if (p->nt < 3 || !tok_is(&p->t[2], ":"))
        return perr(p, p->nt < 3 ? eol_col(p) : p->t[2].col,
                    "expected ':' after the CPU list");
    if (p->nt < 4)
        return perr(p, eol_col(p), "expected read, write or notify after ':'");
    static const char *const ops[] = {"read", "write", "notify", NULL};
    int op;
    if (parse_enum(p, &p->t[3], ops, "access", &op))
        return -1;
    if (p->nt < 5)
        return perr(p, eol_col(p), op == 2 ? "expected a device after 'notify'"
                    : "expected an address, DEV+OFFSET or DEV.REGISTER after '%s'", ops[op]);
    const struct tok *tt = &p->t[4];
    uint64_t addr = 0;
    enum tkind kind = T_ABS;
    unsigned dev = 0;
    if (parse_target(p, tt, &addr, &kind, &dev))
        return -1;
    if (op == 2 && kind != T_DEV)
        return perr(p, tt->col, "notify takes a device name (dev0, blk, ...): it writes "
                    "QUEUE_NOTIFY (offset 0x%x); for another address use write",
                    VIRTIO_MMIO_QUEUE_NOTIFY);
    if (op != 2 && kind == T_DEV)
        return perr(p, tt->col + tt->len, "expected '+OFFSET' or '.REGISTER' after the "
                    "device name (e.g. %.*s.magic or %.*s+0x100)", QL(*tt), QL(*tt));

    static const char *const opts[] = {"size", "expect", "nocheck", "value", "repeat", "queue",
                                       NULL};
    enum { O_SIZE, O_EXPECT, O_NOCHECK, O_VALUE, O_REPEAT, O_QUEUE };
    uint64_t ov[6] = {4, 0, 0, 0, 1, 0};
    int ocol[6] = {0};
    for (int i = 5; i < p->nt;) {
        const struct tok *ot = &p->t[i];
        int o = lookup(ot, opts);
        if (o < 0) {
            const char *want = op == 0 ? "size, expect, nocheck or repeat"
                               : op == 1 ? "size, value or repeat" : "queue or repeat";
            return perr(p, ot->col, "unknown option '%.*s': %s takes %s", QL(*ot), ops[op],
                        want);
        }
        if (ocol[o])
            return perr(p, ot->col, "'%s' given twice", opts[o]);
        int ok = op == 0 ? (o == O_SIZE || o == O_EXPECT || o == O_NOCHECK || o == O_REPEAT)
                 : op == 1 ? (o == O_SIZE || o == O_VALUE || o == O_REPEAT)
                 : (o == O_QUEUE || o == O_REPEAT);
        if (!ok)
            return perr(p, ot->col, "'%s' does not apply to %s%s", opts[o], ops[op],
                        o == O_VALUE ? " (reads take 'expect')"
                        : (o == O_EXPECT || o == O_NOCHECK) && op == 1
                            ? " (writes take 'value')"
                            : op == 2 ? " (notify writes 4 bytes: the queue index)" : "");
        ocol[o] = ot->col;
        if (o == O_NOCHECK) {
            i++;
            continue;
        }
        if (need_value(p, i))
            return -1;
        const struct tok *v = &p->t[i + 1];
        switch (o) {
        case O_SIZE:
            if (parse_num(p, v, &ov[o]))
                return -1;
            if (ov[o] != 1 && ov[o] != 2 && ov[o] != 4 && ov[o] != 8)
                return perr(p, v->col, "bad size %llu: expected 1, 2, 4 or 8",
                            (unsigned long long)ov[o]);
            break;
        case O_REPEAT:
            if (parse_range_num(p, v, 1, MAX_REPEAT, "repeat count", &ov[o]))
                return -1;
            break;
        case O_QUEUE:
            if (parse_range_num(p, v, 0, 0xffff, "queue index", &ov[o]))
                return -1;
            break;
        default:
            if (parse_num(p, v, &ov[o]))
                return -1;
        }
        ocol[o] = v->col; /* later messages point at the value */
        i += 2;
    }
    if (ocol[O_EXPECT] && ocol[O_NOCHECK])
        return perr(p, ocol[O_NOCHECK], "'nocheck' contradicts 'expect'");

    struct hvsim_access a;
    memset(&a, 0, sizeof a);
    a.size = (uint32_t)ov[O_SIZE];
    a.repeat = (uint16_t)(ov[O_REPEAT] - 1);
    if (op == 2) {
        a.addr = addr + VIRTIO_MMIO_QUEUE_NOTIFY;
        a.size = 4;
        a.is_write = 1;
        a.value = ov[O_QUEUE];
    } else {
        a.addr = addr;
        if (kind == T_REG32 && a.size != 4)
            return perr(p, ocol[O_SIZE], "register '%.*s' is 32-bit: size must be 4", QL(*tt));
        if (kind == T_ABS && addr + a.size - 1 < addr)
            return perr(p, tt->col, "access of %u bytes at 0x%llx runs past the end of the "
                        "address space", a.size, (unsigned long long)addr);
        int d0 = scenario_device_at(c, addr), d1 = scenario_device_at(c, addr + a.size - 1);
        if (d0 != d1)
            return perr(p, tt->col, "access of %u bytes at 0x%llx crosses the edge of "
                        "device '%s' (window 0x%llx..0x%llx)", a.size,
                        (unsigned long long)addr, c->devname[d0 >= 0 ? d0 : d1],
                        (unsigned long long)c->devices[d0 >= 0 ? d0 : d1].base,
                        (unsigned long long)c->devices[d0 >= 0 ? d0 : d1].base +
                            VIRTIO_MMIO_WINDOW - 1);
        if (op == 1) {
            if (!ocol[O_VALUE])
                return perr(p, eol_col(p), "write needs 'value V'");
            if (!fits(ov[O_VALUE], a.size))
                return perr(p, ocol[O_VALUE], "value 0x%llx does not fit in %u byte%s",
                            (unsigned long long)ov[O_VALUE], a.size, a.size == 1 ? "" : "s");
            a.is_write = 1;
            a.value = ov[O_VALUE];
        } else if (ocol[O_EXPECT]) {
            if (!fits(ov[O_EXPECT], a.size))
                return perr(p, ocol[O_EXPECT], "expected value 0x%llx does not fit in %u "
                            "byte%s", (unsigned long long)ov[O_EXPECT], a.size,
                            a.size == 1 ? "" : "s");
            a.check = 1;
            a.expect = ov[O_EXPECT];
        } else if (!ocol[O_NOCHECK]) {
            if (!scenario_known_value(c, addr, a.size, &a.expect))
                return perr(p, tt->col, "the value of '%.*s' (%u bytes) depends on device "
                            "state: write 'expect V' or 'nocheck'", QL(*tt), a.size);
            a.check = 1;
        }
    }
    for (unsigned cpu = 0; cpu < HVSIM_CPUS; cpu++) {
        if (!(mask & (1u << cpu)))
            continue;
        if (c->naccess[cpu] >= HVSIM_MAX_ACCESS)
            return perr(p, p->t[1].col, "too many accesses on cpu %u: at most %u access "
                        "lines per CPU (use 'repeat N')", cpu, HVSIM_MAX_ACCESS);
        c->acc[cpu][c->naccess[cpu]++] = a;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Backend behaviour                                                    */

static int parse_site(struct ps *p, const struct tok *t, enum hvsim_site *s)
{
    int i;
    if (parse_enum(p, t, site_vals, "site", &i))
        return -1;
    *s = (enum hvsim_site)i;
    return 0;
}

static int parse_delay_range(struct ps *p, const struct tok *t, uint64_t *lo, uint64_t *hi)
{
    struct tok a, b;
    if (split_range(p, t, &a, &b) || parse_dur(p, &a, lo) || parse_dur(p, &b, hi))
        return -1;
    if (*lo > *hi)
        return perr(p, t->col, "empty range '%.*s': the minimum is larger than the maximum",
                    QL(*t));
    return 0;
}

static int set_delay(struct ps *p, enum hvsim_site s, const struct tok *at, uint64_t lo,
                     uint64_t hi, unsigned every)
{
    if (p->delay_line[s])
        return perr(p, at->col, "a delay at %s is already set at line %d", site_vals[s],
                    p->delay_line[s]);
    p->delay_line[s] = p->lineno;
    p->c->delay[s].min_ns = lo;
    p->c->delay[s].max_ns = hi;
    p->c->delay[s].every = every;
    return 0;
}

static int extra_words(struct ps *p, int from, const char *what)
{
    if (p->nt > from)
        return perr(p, p->t[from].col, "unexpected '%.*s' after %s", QL(p->t[from]), what);
    return 0;
}

/* delay at entry|return of FUNCTION DURATION[..DURATION] [every N]
 * delay at FILE:LINE DURATION[..DURATION] [every N]
 * (issue 18: delay points in real code without editing it; the function is
 * looked up in the built binaries, so an unknown one is reported after the
 * build with this line's file:line:col, sim/build/fndelay.c) */
static int parse_delay_at(struct ps *p)
{
    struct hvsim_runcfg *c = p->c;
    if (c->n_fndelay >= HVSIM_MAX_FNDELAY)
        return perr(p, p->t[0].col, "at most %d 'delay at' lines in a scenario", HVSIM_MAX_FNDELAY);
    struct hvsim_fndelay f;
    memset(&f, 0, sizeof f);
    int i, namecol;
    if (p->nt >= 4 && (tok_is(&p->t[2], "entry") || tok_is(&p->t[2], "return")) &&
        tok_is(&p->t[3], "of")) {
        if (p->nt < 5)
            return perr(p, eol_col(p), "expected a function name after 'of'");
        const struct tok *t = &p->t[4];
        int ok = t->len < (int)sizeof f.sym && (isalpha((unsigned char)t->s[0]) || t->s[0] == '_');
        for (int k = 0; ok && k < t->len; k++)
            ok = isalnum((unsigned char)t->s[k]) || t->s[k] == '_' || t->s[k] == '.' || t->s[k] == '$';
        if (!ok)
            return perr(p, t->col, "bad function name '%.*s': expected a symbol of the code "
                        "under test (letters, digits, '_', at most %d chars)", QL(*t),
                        (int)sizeof f.sym - 1);
        snprintf(f.sym, sizeof f.sym, "%.*s", t->len, t->s);
        f.at_return = tok_is(&p->t[2], "return");
        namecol = t->col;
        i = 5;
    } else if (p->nt >= 4 && tok_is(&p->t[3], ":")) {
        const struct tok *t = &p->t[2];
        uint64_t line;
        if (p->nt < 5 || parse_range_num(p, &p->t[4], 1, 1000000, "line", &line))
            return p->nt < 5 ? perr(p, eol_col(p), "expected a line number after ':'") : -1;
        const char *sl = strrchr(p->fname, '/');
        char rel[1024];
        if (t->s[0] == '/' || !sl)
            snprintf(rel, sizeof rel, "%.*s", t->len, t->s);
        else
            snprintf(rel, sizeof rel, "%.*s/%.*s", (int)(sl - p->fname), p->fname, t->len, t->s);
        char *rp = realpath(rel, 0);
        if (!rp)
            return perr(p, t->col, "'%.*s': %s (looked for %s)", QL(*t), strerror(errno), rel);
        int fits = strlen(rp) < sizeof f.file;
        snprintf(f.file, sizeof f.file, "%s", rp);
        free(rp);
        if (!fits)
            return perr(p, t->col, "'%.*s': path too long", QL(*t));
        f.line = (unsigned)line;
        namecol = t->col;
        i = 5;
    } else {
        return perr(p, p->nt > 2 ? p->t[2].col : eol_col(p),
                    "expected 'entry of FUNCTION', 'return of FUNCTION' or FILE:LINE after "
                    "'delay at' (e.g. delay at entry of virtio_handle_req 200us)");
    }
    if (p->nt <= i)
        return perr(p, eol_col(p), "expected a duration or a range (e.g. 200us or 1ms..5ms)");
    if (parse_delay_range(p, &p->t[i], &f.min_ns, &f.max_ns))
        return -1;
    if (p->nt > i + 1) {
        uint64_t every;
        if (!tok_is(&p->t[i + 1], "every"))
            return perr(p, p->t[i + 1].col, "unexpected '%.*s': expected 'every N' or the end "
                        "of the line", QL(p->t[i + 1]));
        if (need_value(p, i + 1) || parse_range_num(p, &p->t[i + 2], 1, 0xffffffffu, "every", &every))
            return -1;
        if (extra_words(p, i + 3, "the delay"))
            return -1;
        f.every = (unsigned)every;
    }
    for (unsigned k = 0; k < c->n_fndelay; k++) {
        const struct hvsim_fndelay *o = &c->fndelay[k];
        if (!strcmp(o->sym, f.sym) && !strcmp(o->file, f.file) && o->line == f.line &&
            o->at_return == f.at_return)
            return perr(p, namecol, "this delay point is already set at %s", o->where);
    }
    snprintf(f.where, sizeof f.where, "%s:%d:%d", p->fname, p->lineno, namecol);
    c->fndelay[c->n_fndelay++] = f;
    return 0;
}

/* delay SITE DURATION[..DURATION] [every N] */
static int parse_delay(struct ps *p)
{
    if (p->nt >= 2 && tok_is(&p->t[1], "at"))
        return parse_delay_at(p);
    enum hvsim_site s;
    uint64_t lo, hi, every = 0;
    if (p->nt < 2)
        return perr(p, eol_col(p), "expected a site after 'delay' (e.g. delay "
                    "be_before_answer 1ms..5ms)");
    if (parse_site(p, &p->t[1], &s))
        return -1;
    if (p->nt < 3)
        return perr(p, eol_col(p), "expected a duration or a range (e.g. 20ms or "
                    "1ms..5ms) after the site");
    if (parse_delay_range(p, &p->t[2], &lo, &hi))
        return -1;
    if (p->nt > 3) {
        if (!tok_is(&p->t[3], "every"))
            return perr(p, p->t[3].col, "unexpected '%.*s': expected 'every N' or the end "
                        "of the line", QL(p->t[3]));
        if (need_value(p, 3) || parse_range_num(p, &p->t[4], 1, 0xffffffffu, "every", &every))
            return -1;
        if (extra_words(p, 5, "the delay"))
            return -1;
    }
    return set_delay(p, s, &p->t[1], lo, hi, (unsigned)every);
}

/* rendezvous SITE SITE [jitter N] */
static int parse_rendezvous(struct ps *p)
{
    enum hvsim_site a, b;
    uint64_t jitter = 0;
    if (p->nt < 3)
        return perr(p, eol_col(p), "expected two sites after 'rendezvous' (e.g. rendezvous "
                    "hv_publish be_before_sleep jitter 64)");
    if (parse_site(p, &p->t[1], &a) || parse_site(p, &p->t[2], &b))
        return -1;
    if (a == b)
        return perr(p, p->t[2].col, "a rendezvous needs two different sites");
    for (int i = 1; i <= 2; i++) {
        enum hvsim_site s = i == 1 ? a : b;
        if (p->rv_line[s])
            return perr(p, p->t[i].col, "%s is already in a rendezvous at line %d",
                        site_vals[s], p->rv_line[s]);
    }
    if (p->nt > 3) {
        if (!tok_is(&p->t[3], "jitter"))
            return perr(p, p->t[3].col, "unexpected '%.*s': expected 'jitter N' or the end "
                        "of the line", QL(p->t[3]));
        if (need_value(p, 3) ||
            parse_range_num(p, &p->t[4], 0, 1000000, "jitter", &jitter))
            return -1;
        if (extra_words(p, 5, "the rendezvous"))
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
static int parse_slow_device(struct ps *p)
{
    uint64_t lo, hi;
    if (p->nt < 2)
        return perr(p, eol_col(p), "expected a duration or a range after 'slow-device' "
                    "(e.g. slow-device 1ms..3ms)");
    if (parse_delay_range(p, &p->t[1], &lo, &hi) || extra_words(p, 2, "the duration"))
        return -1;
    if (set_delay(p, HVSIM_SITE_BE_BEFORE_ANSWER, &p->t[0], lo, hi, 0) ||
        set_delay(p, HVSIM_SITE_BE_BEFORE_COMPLETE, &p->t[0], lo, hi, 0))
        return -1;
    return 0;
}

/* restart-daemon after N | drop-ipi every N */
static int parse_fault(struct ps *p, const char *word, int *line, unsigned *dst)
{
    uint64_t n;
    if (*line)
        return perr(p, p->t[0].col, "'%.*s' is already set at line %d", QL(p->t[0]), *line);
    if (p->nt < 2 || !tok_is(&p->t[1], word))
        return perr(p, p->nt < 2 ? eol_col(p) : p->t[1].col, "expected '%.*s %s N'",
                    QL(p->t[0]), word);
    if (need_value(p, 1) || parse_range_num(p, &p->t[2], 1, 0xffffffffu, word, &n) ||
        extra_words(p, 3, "the number"))
        return -1;
    *dst = (unsigned)n;
    *line = p->lineno;
    return 0;
}

/* ------------------------------------------------------------------ */
/* expect VERDICT[|VERDICT...] [when COND...]                           */

enum { F_CC, F_ARCH, F_WAIT, F_RELAX, F_WAKE, F_ENGINE, F__N };
/* after the string fields: "opt" (masks[F__N]) and "lib-opt" (masks[F__N + 1],
 * the opt-level a --hv-lib was built at, libinfo.h; issue 18) */
static const char *const cond_keys[] = {"cc", "arch", "wait", "relax", "wake", "engine", "opt",
                                        "lib-opt", NULL};
static const char *const libopt_vals[] = {"0", "1", "2", "3", "s", "z", NULL};
static const char *const *const cond_vals[F__N] = {
    cc_vals, arch_vals, wait_vals, relax_vals, wake_vals, engine_vals,
};

static unsigned all_mask(const char *const *vals)
{
    unsigned m = 0;
    for (int i = 0; vals[i]; i++)
        m |= 1u << i;
    return m;
}

static int parse_cond(struct ps *p, const struct tok *t, unsigned masks[F__N + 2])
{
    int k = 0;
    while (k < t->len && t->s[k] != '=' && t->s[k] != '!' && t->s[k] != '<' && t->s[k] != '>')
        k++;
    if (k == t->len)
        return perr(p, t->col, "expected a condition KEY=VALUE (e.g. wait=plain or opt>=O1), "
                    "got '%.*s'", QL(*t));
    struct tok key = sub(t, 0, k);
    int f;
    if (key.len == 0)
        return perr(p, t->col, "expected a key before '%c'", t->s[k]);
    if (parse_enum(p, &key, cond_keys, "condition key", &f))
        return -1;
    char op0 = t->s[k], op1 = k + 1 < t->len ? t->s[k + 1] : 0;
    int oplen = 1;
    char op[3] = {op0, 0, 0};
    if (op1 == '=' && op0 != '=') {
        op[1] = '=';
        oplen = 2;
    } else if (op0 == '!') {
        return perr(p, t->col + k, "expected '!=' ('!' alone is not an operator)");
    }
    struct tok vals = sub(t, k + oplen, t->len);
    if (vals.len == 0)
        return perr(p, vals.col, "expected a value after '%s'", op);
    if (masks[f])
        return perr(p, t->col, "condition on '%s' given twice in one rule", cond_keys[f]);
    const char *const *set = f == F__N ? opt_vals : f == F__N + 1 ? libopt_vals : cond_vals[f];
    const char *what = f == F__N ? "optimisation level" : f == F__N + 1 ? "library opt-level" : cond_keys[f];
    unsigned m = 0;
    if (op0 == '<' || op0 == '>') {
        if (f != F__N)
            return perr(p, t->col + k, "'%s' only applies to opt (its levels are ordered); "
                        "list the values instead: %s=a,b", op, cond_keys[f]);
        int lv;
        if (find_char(&vals, ',') >= 0)
            return perr(p, vals.col + find_char(&vals, ','), "'%s' takes one level; for a "
                        "list write opt=O1,O2", op);
        if (parse_enum(p, &vals, opt_vals, what, &lv))
            return -1;
        if (opt_rank[lv] < 0)
            return perr(p, vals.col, "-Og is never part of a range: name it explicitly "
                        "(opt=Og, or opt=O1,Og)");
        int r = opt_rank[lv];
        for (int i = 0; opt_vals[i]; i++) {
            int ri = opt_rank[i];
            if (ri < 0)
                continue;
            int in = op[0] == '>' ? (oplen == 2 ? ri >= r : ri > r)
                                  : (oplen == 2 ? ri <= r : ri < r);
            if (in)
                m |= 1u << i;
        }
    } else {
        int start = 0;
        for (int i = 0; i <= vals.len; i++) {
            if (i < vals.len && vals.s[i] != ',')
                continue;
            struct tok one = sub(&vals, start, i);
            int idx;
            if (one.len == 0)
                return perr(p, one.col, "expected a value (lists are a,b,c)");
            if (parse_enum(p, &one, set, what, &idx))
                return -1;
            m |= 1u << idx;
            start = i + 1;
        }
        if (op0 == '!')
            m = all_mask(set) & ~m;
    }
    if (m == 0)
        return perr(p, t->col, "condition '%.*s' matches no value", QL(*t));
    masks[f] = m;
    return 0;
}

static int popcount(unsigned m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

static int nth_bit(unsigned m, int n)
{
    for (int i = 0; i < 32; i++)
        if (m & (1u << i)) {
            if (n == 0)
                return i;
            n--;
        }
    return -1;
}

static int parse_expect(struct ps *p)
{
    struct hvsim_runcfg *c = p->c;
    if (p->nt < 2)
        return perr(p, eol_col(p), "expected a verdict after 'expect' (e.g. expect "
                    "HANG_STALE_READ|WRONG_VALUE when wait=plain)");
    const struct tok *vt = &p->t[1];
    unsigned verdicts = 0;
    int start = 0;
    for (int i = 0; i <= vt->len; i++) {
        if (i < vt->len && vt->s[i] != '|')
            continue;
        struct tok one = sub(vt, start, i);
        int idx;
        if (one.len == 0)
            return perr(p, one.col, "expected a verdict%s", start ? " after '|'" : "");
        if (parse_enum(p, &one, verdict_vals, "verdict", &idx))
            return -1;
        verdicts |= 1u << idx;
        start = i + 1;
    }
    unsigned masks[F__N + 2] = {0};
    if (p->nt > 2) {
        if (!tok_is(&p->t[2], "when"))
            return perr(p, p->t[2].col, "expected 'when' after the verdicts, got '%.*s' "
                        "(write several verdicts as A|B, without blanks)", QL(p->t[2]));
        if (p->nt == 3)
            return perr(p, eol_col(p), "expected a condition after 'when' (e.g. wait=plain)");
        for (int i = 3; i < p->nt; i++)
            if (parse_cond(p, &p->t[i], masks))
                return -1;
    }
    unsigned total = 1;
    for (int f = 0; f < F__N; f++)
        if (masks[f])
            total *= (unsigned)popcount(masks[f]);
    if (c->nexpect + total > HVSIM_MAX_EXPECT)
        return perr(p, p->t[0].col, "too many expect rules: this line needs %u (one per "
                    "combination of listed cc/arch/wait/relax/wake/engine values), %u "
                    "already exist, the limit is %u", total, c->nexpect, HVSIM_MAX_EXPECT);
    for (unsigned n = 0; n < total; n++) {
        struct hvsim_expect *e = &c->expect[c->nexpect++];
        memset(e, 0, sizeof *e);
        char *dst[F__N] = {e->cc, e->arch, e->wait, e->relax, e->wake, e->engine};
        unsigned rest = n;
        for (int f = 0; f < F__N; f++) {
            if (!masks[f])
                continue;
            unsigned cnt = (unsigned)popcount(masks[f]);
            int bit = nth_bit(masks[f], (int)(rest % cnt));
            rest /= cnt;
            setstr(dst[f], sizeof e->cc, cond_vals[f][bit]);
        }
        e->opt_mask = masks[F__N];
        e->libopt_mask = masks[F__N + 1];
        e->verdicts = verdicts;
        e->line = p->lineno;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The user's own code:                                                 */
/*   hv FILE…   backend FILE…   hv-lib FILE…   backend-lib FILE…        */
/*   include DIR…   cflags "STRING"                                     */
/* Relative paths are relative to the scenario file's directory.        */

static int parse_paths(struct ps *p, const char *what, char (*dst)[256], unsigned *n,
                       unsigned max, int want_dir)
{
    if (p->nt < 2)
        return perr(p, eol_col(p), "'%s' needs at least one %s", what,
                    want_dir ? "directory" : "file");
    const char *sl = strrchr(p->fname, '/');
    int dirlen = sl ? (int)(sl - p->fname) : -1;
    for (int i = 1; i < p->nt; i++) {
        const struct tok *t = &p->t[i];
        if (tok_is(t, ":"))
            return perr(p, t->col, "a path here cannot contain ':'");
        if (*n >= max)
            return perr(p, t->col, "at most %u '%s' %s in a scenario", max, what,
                        want_dir ? "directories" : "files");
        char rel[1024];
        if (t->s[0] == '/' || dirlen < 0)
            snprintf(rel, sizeof rel, "%.*s", t->len, t->s);
        else
            snprintf(rel, sizeof rel, "%.*s/%.*s", dirlen ? dirlen : 1, dirlen ? p->fname : "/",
                     t->len, t->s);
        char *rp = realpath(rel, 0);
        if (!rp)
            return perr(p, t->col, "%s '%.*s': %s (looked for %s)", what, QL(*t), strerror(errno),
                        rel);
        struct stat st;
        int isdir = stat(rp, &st) == 0 && S_ISDIR(st.st_mode);
        if (isdir != want_dir || strlen(rp) >= 256) {
            free(rp);
            return perr(p, t->col, "%s '%.*s': %s", what, QL(*t),
                        isdir != want_dir ? (want_dir ? "not a directory" : "is a directory, not a file")
                                          : "path too long (at most 255 bytes)");
        }
        const char *why = want_dir ? NULL : usercode_refuse(rp, strstr(what, "lib") != NULL);
        if (why) {
            free(rp);
            return perr(p, t->col, "%s '%.*s': %s", what, QL(*t), why);
        }
        snprintf(dst[(*n)++], 256, "%s", rp);
        free(rp);
    }
    return 0;
}

/* cflags "STRING" (or the rest of the line, unquoted); the raw line is
 * used so that a quoted string keeps its blanks, ':' and '#'. */
static int parse_cflags(struct ps *p)
{
    const struct tok *k = &p->t[0];
    if (p->cflags_line)
        return perr(p, k->col, "cflags given twice (first on line %d)", p->cflags_line);
    int i = k->col - 1 + k->len;
    while (i < p->linelen && (p->line[i] == ' ' || p->line[i] == '\t'))
        i++;
    int from, to, after;
    if (i < p->linelen && p->line[i] == '"') {
        from = i + 1;
        to = from;
        while (to < p->linelen && p->line[to] != '"')
            to++;
        if (to >= p->linelen)
            return perr(p, i + 1, "unterminated string: a '\"' is missing");
        after = to + 1;
        while (after < p->linelen && (p->line[after] == ' ' || p->line[after] == '\t'))
            after++;
        if (after < p->linelen && p->line[after] != '#')
            return perr(p, after + 1, "unexpected text after the cflags string");
    } else {
        from = i;
        to = from;
        while (to < p->linelen && p->line[to] != '#')
            to++;
        while (to > from && (p->line[to - 1] == ' ' || p->line[to - 1] == '\t'))
            to--;
    }
    if (to == from)
        return perr(p, eol_col(p), "cflags needs a value, e.g. cflags \"-DMY_DEBUG=1\"");
    if (to - from >= (int)sizeof p->c->extra_cflags)
        return perr(p, from + 1, "cflags is too long (at most %d bytes)",
                    (int)sizeof p->c->extra_cflags - 1);
    snprintf(p->c->extra_cflags, sizeof p->c->extra_cflags, "%.*s", to - from, p->line + from);
    p->cflags_line = p->lineno;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Driver                                                               */

static int tokenize(struct ps *p)
{
    p->nt = 0;
    int i = 0;
    while (i < p->linelen) {
        char ch = p->line[i];
        if (ch == '#')
            break;
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f') {
            i++;
            continue;
        }
        if (p->nt == MAXTOK)
            return perr(p, i + 1, "too many words on one line (at most %d)", MAXTOK);
        struct tok *t = &p->t[p->nt++];
        t->s = p->line + i;
        t->col = i + 1;
        if (ch == ':') {
            t->len = 1;
            i++;
            continue;
        }
        int s = i;
        while (i < p->linelen) {
            ch = p->line[i];
            if (ch == '#' || ch == ':' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
                ch == '\f')
                break;
            i++;
        }
        t->len = i - s;
    }
    return 0;
}

static int parse_line(struct ps *p)
{
    if (tokenize(p))
        return -1;
    if (p->nt == 0)
        return 0;
    const struct tok *k = &p->t[0];
    if (tok_is(k, "cpu"))
        return parse_cpu(p);
    if (tok_is(k, "device"))
        return parse_device(p);
    if (tok_is(k, "delay"))
        return parse_delay(p);
    if (tok_is(k, "rendezvous"))
        return parse_rendezvous(p);
    if (tok_is(k, "slow-device"))
        return parse_slow_device(p);
    if (tok_is(k, "restart-daemon"))
        return parse_fault(p, "after", &p->restart_line, &p->c->restart_daemon_after);
    if (tok_is(k, "drop-ipi"))
        return parse_fault(p, "every", &p->dropipi_line, &p->c->ipi_drop_every);
    if (tok_is(k, "expect"))
        return parse_expect(p);
    struct hvsim_runcfg *c = p->c;
    if (tok_is(k, "hv"))
        return parse_paths(p, "hv", c->hv_src, &c->n_hv_src, 8, 0);
    if (tok_is(k, "backend"))
        return parse_paths(p, "backend", c->be_src, &c->n_be_src, 8, 0);
    if (tok_is(k, "hv-lib"))
        return parse_paths(p, "hv-lib", c->hv_lib, &c->n_hv_lib, 4, 0);
    if (tok_is(k, "backend-lib"))
        return parse_paths(p, "backend-lib", c->be_lib, &c->n_be_lib, 4, 0);
    if (tok_is(k, "include"))
        return parse_paths(p, "include", c->incdir, &c->n_incdir, 8, 1);
    if (tok_is(k, "cflags"))
        return parse_cflags(p);
    return parse_settings(p);
}

static void default_name(char *dst, size_t n, const char *fname)
{
    const char *b = strrchr(fname, '/');
    b = b ? b + 1 : fname;
    size_t len = strlen(b);
    if (len > 4 && strcmp(b + len - 4, ".hvs") == 0)
        len -= 4;
    if (len >= n)
        len = n - 1;
    memcpy(dst, b, len);
    dst[len] = 0;
}

static int parse_text(struct ps *p, const char *text)
{
    const char *s = text;
    p->lineno = 0;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len > 0x7fffffff)
            len = 0x7fffffff;
        p->line = s;
        p->linelen = (int)len;
        p->lineno++;
        while (p->linelen > 0 && p->line[p->linelen - 1] == '\r')
            p->linelen--;
        if (parse_line(p))
            return -1;
        if (!e)
            break;
        s = e + 1;
    }
    /* whole-file checks */
    struct hvsim_runcfg *c = p->c;
    if (c->hang_ms >= c->timeout_ms) {
        int k = p->key_loc[K_TIMEOUT].lineno >= p->key_loc[K_HANG].lineno ? K_TIMEOUT : K_HANG;
        if (p->key_loc[k].lineno) {
            p->line = p->key_loc[k].line;
            p->linelen = p->key_loc[k].len;
            p->lineno = p->key_loc[k].lineno;
        }
        return perr(p, p->key_loc[k].col, "hang (%ums) must be shorter than timeout (%ums)",
                    c->hang_ms, c->timeout_ms);
    }
    if (!p->first_cpu_line)
        runcfg_default_workload(c, 1);
    return 0;
}

int scenario_parse_string(const char *name, const char *text, struct hvsim_runcfg *out,
                          char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!name)
        name = "<string>";
    struct hvsim_runcfg *c = malloc(sizeof *c);
    struct ps *p = calloc(1, sizeof *p);
    if (!c || !p) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", name);
        free(c);
        free(p);
        return -1;
    }
    runcfg_defaults(c);
    default_name(c->name, sizeof c->name, name);
    p->fname = name;
    p->c = c;
    p->err = err;
    p->errlen = errlen;
    int rc = parse_text(p, text ? text : "");
    if (rc == 0)
        memcpy(out, c, sizeof *c);
    free(c);
    free(p);
    return rc;
}

int scenario_load(const char *path, struct hvsim_runcfg *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr || n > MAX_FILE) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path,
                     rerr ? "read error" : "file too large (more than 1 MiB)");
        free(buf);
        return -1;
    }
    buf[n] = 0;
    if (memchr(buf, 0, n)) {
        if (err && errlen)
            snprintf(err, errlen, "%s: not a text file (contains a NUL byte)", path);
        free(buf);
        return -1;
    }
    int rc = scenario_parse_string(path, buf, out, err, errlen);
    free(buf);
    if (rc == 0)
        snprintf(out->path, sizeof out->path, "%s", path);
    return rc;
}
