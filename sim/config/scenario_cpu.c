/* sim/config/scenario_cpu.c — cpu lines:
 *   cpu LIST: read|write|notify TARGET [options] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"

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
            struct tok num = sc_sub(t, 3, t->len);
            if (sc_parse_num(p, &num, &n))
                return -1;
            if (n >= c->ndevices)
                return sc_perr(p, t->col, "no device %.*s: this scenario has %u device%s "
                            "(dev0..dev%u)", QL(*t), c->ndevices,
                            c->ndevices == 1 ? "" : "s", c->ndevices ? c->ndevices - 1 : 0);
            *out = (unsigned)n;
            return 0;
        }
    }
    for (unsigned d = 0; d < c->ndevices; d++)
        if (sc_tok_is(t, c->devname[d])) {
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
    return sc_perr(p, t->col, "unknown device '%.*s': expected %s", QL(*t),
                c->ndevices ? l : "a device (none is defined)");
}

enum tkind { T_ABS, T_DEVOFF, T_REG32, T_CONFIG, T_DEV };

/* DEV.REGISTER or DEV.config+OFFSET: t's bytes from k (the '.') on. */
static int parse_register(struct ps *p, const struct tok *t, int k, uint64_t base, uint64_t *addr,
                          enum tkind *kind)
{
    int e = k + 1;
    while (e < t->len && t->s[e] != '+')
        e++;
    struct tok rn = sc_sub(t, k + 1, e);
    int r = -1;
    for (int i = 0; regs[i].name; i++)
        if (sc_tok_is(&rn, regs[i].name))
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
        return sc_perr(p, rn.col, "unknown register '%.*s': expected %s", QL(rn), l);
    }
    if (regs[r].off == VIRTIO_MMIO_CONFIG) {
        uint64_t off = 0;
        if (e < t->len) {
            struct tok o = sc_sub(t, e + 1, t->len);
            if (o.len == 0)
                return sc_perr(p, o.col, "expected an offset after '+'");
            if (sc_parse_num(p, &o, &off))
                return -1;
            if (off >= VIRTIO_MMIO_WINDOW - VIRTIO_MMIO_CONFIG)
                return sc_perr(p, o.col, "config offset 0x%llx is outside the config space "
                            "(0x%x bytes)", (unsigned long long)off,
                            VIRTIO_MMIO_WINDOW - VIRTIO_MMIO_CONFIG);
        }
        *kind = T_CONFIG;
        *addr = base + VIRTIO_MMIO_CONFIG + off;
        return 0;
    }
    if (e < t->len)
        return sc_perr(p, t->col + e, "only 'config' takes an offset (DEV.config+N); "
                    "for other registers use DEV+OFFSET");
    *kind = T_REG32;
    *addr = base + regs[r].off;
    return 0;
}


/* TARGET: ADDRESS | DEV | DEV+OFFSET | DEV.REGISTER | DEV.config+OFFSET */
static int parse_target(struct ps *p, const struct tok *t, uint64_t *addr, enum tkind *kind,
                        unsigned *devp)
{
    const struct hvsim_runcfg *c = p->c;
    if (t->len > 0 && t->s[0] >= '0' && t->s[0] <= '9') {
        *kind = T_ABS;
        return sc_parse_num(p, t, addr);
    }
    int k = 0;
    while (k < t->len && t->s[k] != '+' && t->s[k] != '.')
        k++;
    struct tok dn = sc_sub(t, 0, k);
    if (dn.len == 0)
        return sc_perr(p, t->col, "expected an address, DEV+OFFSET or DEV.REGISTER, got '%.*s'",
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
        struct tok o = sc_sub(t, k + 1, t->len);
        uint64_t off;
        if (o.len == 0)
            return sc_perr(p, o.col, "expected an offset after '+'");
        if (sc_parse_num(p, &o, &off))
            return -1;
        if (off >= VIRTIO_MMIO_WINDOW)
            return sc_perr(p, o.col, "offset 0x%llx is outside the device window (0x%x bytes)",
                        (unsigned long long)off, VIRTIO_MMIO_WINDOW);
        *kind = T_DEVOFF;
        *addr = base + off;
        return 0;
    }
    return parse_register(p, t, k, base, addr, kind);
}

static int fits(uint64_t v, uint32_t size)
{
    return size >= 8 || (v >> (8 * size)) == 0;
}

static int parse_cpu_list(struct ps *p, const struct tok *t, uint32_t *mask)
{
    unsigned ncpus = p->c->ncpus;
    *mask = 0;
    if (sc_tok_is(t, "all")) {
        *mask = ncpus >= 32 ? 0xffffffffu : (1u << ncpus) - 1;
        return 0;
    }
    int start = 0;
    for (int i = 0; i <= t->len; i++) {
        if (i < t->len && t->s[i] != ',')
            continue;
        struct tok piece = sc_sub(t, start, i), a, b;
        if (piece.len == 0)
            return sc_perr(p, piece.col, "expected a CPU number (a list is 0,2,5..7 or all)");
        if (sc_split_range(p, &piece, &a, &b))
            return -1;
        uint64_t lo, hi;
        if (sc_parse_num(p, &a, &lo) || sc_parse_num(p, &b, &hi))
            return -1;
        if (hi >= HVSIM_CPUS) {
            const struct tok *bad = lo >= HVSIM_CPUS ? &a : &b;
            return sc_perr(p, bad->col, "cpu %llu out of range: hvsim runs at most %u CPUs "
                        "(0..%u)", (unsigned long long)(lo >= HVSIM_CPUS ? lo : hi),
                        HVSIM_CPUS, HVSIM_CPUS - 1);
        }
        if (lo > hi)
            return sc_perr(p, piece.col, "empty CPU range '%.*s': the first CPU is larger than "
                        "the last", QL(piece));
        if (hi >= ncpus) {
            const struct tok *bad = lo >= ncpus ? &a : &b;
            return sc_perr(p, bad->col, "cpu %llu out of range: this scenario has %u CPU%s "
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

static const char *const ops[] = {"read", "write", "notify", NULL};
static const char *const opts[] = {"size", "expect", "nocheck", "value", "repeat", "queue", NULL};
enum { O_SIZE, O_EXPECT, O_NOCHECK, O_VALUE, O_REPEAT, O_QUEUE };

/* The options of an access (op: 0 read, 1 write, 2 notify) from word 5 on:
 * their values into ov, the column of each given one into ocol (the
 * value's column, for messages). */
static int parse_access_opts(struct ps *p, int op, uint64_t ov[6], int ocol[6])
{
    for (int i = 5; i < p->nt;) {
        const struct tok *ot = &p->t[i];
        int o = sc_lookup(ot, opts);
        if (o < 0) {
            const char *want = op == 0 ? "size, expect, nocheck or repeat"
                               : op == 1 ? "size, value or repeat" : "queue or repeat";
            return sc_perr(p, ot->col, "unknown option '%.*s': %s takes %s", QL(*ot), ops[op],
                        want);
        }
        if (ocol[o])
            return sc_perr(p, ot->col, "'%s' given twice", opts[o]);
        int ok = op == 0 ? (o == O_SIZE || o == O_EXPECT || o == O_NOCHECK || o == O_REPEAT)
                 : op == 1 ? (o == O_SIZE || o == O_VALUE || o == O_REPEAT)
                 : (o == O_QUEUE || o == O_REPEAT);
        if (!ok)
            return sc_perr(p, ot->col, "'%s' does not apply to %s%s", opts[o], ops[op],
                        o == O_VALUE ? " (reads take 'expect')"
                        : (o == O_EXPECT || o == O_NOCHECK) && op == 1
                            ? " (writes take 'value')"
                            : op == 2 ? " (notify writes 4 bytes: the queue index)" : "");
        ocol[o] = ot->col;
        if (o == O_NOCHECK) {
            i++;
            continue;
        }
        if (sc_need_value(p, i))
            return -1;
        const struct tok *v = &p->t[i + 1];
        switch (o) {
        case O_SIZE:
            if (sc_parse_num(p, v, &ov[o]))
                return -1;
            if (ov[o] != 1 && ov[o] != 2 && ov[o] != 4 && ov[o] != 8)
                return sc_perr(p, v->col, "bad size %llu: expected 1, 2, 4 or 8",
                            (unsigned long long)ov[o]);
            break;
        case O_REPEAT:
            if (sc_parse_range_num(p, v, 1, MAX_REPEAT, "repeat count", &ov[o]))
                return -1;
            break;
        case O_QUEUE:
            if (sc_parse_range_num(p, v, 0, 0xffff, "queue index", &ov[o]))
                return -1;
            break;
        default:
            if (sc_parse_num(p, v, &ov[o]))
                return -1;
        }
        ocol[o] = v->col; /* later messages point at the value */
        i += 2;
    }
    if (ocol[O_EXPECT] && ocol[O_NOCHECK])
        return sc_perr(p, ocol[O_NOCHECK], "'nocheck' contradicts 'expect'");
    return 0;
}

/* A read or write of a->size bytes at addr (target tt of kind kind): it
 * stays inside one device window, and a read's expected value is given,
 * known from the device model, or waived with nocheck. */
static int fill_read_write(struct ps *p, struct hvsim_access *a, int op, uint64_t addr,
                           enum tkind kind, const struct tok *tt, const uint64_t ov[6],
                           const int ocol[6])
{
    const struct hvsim_runcfg *c = p->c;
    a->addr = addr;
    if (kind == T_REG32 && a->size != 4)
        return sc_perr(p, ocol[O_SIZE], "register '%.*s' is 32-bit: size must be 4", QL(*tt));
    if (kind == T_ABS && addr + a->size - 1 < addr)
        return sc_perr(p, tt->col, "access of %u bytes at 0x%llx runs past the end of the "
                    "address space", a->size, (unsigned long long)addr);
    int d0 = scenario_device_at(c, addr), d1 = scenario_device_at(c, addr + a->size - 1);
    if (d0 != d1)
        return sc_perr(p, tt->col, "access of %u bytes at 0x%llx crosses the edge of "
                    "device '%s' (window 0x%llx..0x%llx)", a->size,
                    (unsigned long long)addr, c->devname[d0 >= 0 ? d0 : d1],
                    (unsigned long long)c->devices[d0 >= 0 ? d0 : d1].base,
                    (unsigned long long)c->devices[d0 >= 0 ? d0 : d1].base +
                        VIRTIO_MMIO_WINDOW - 1);
    if (op == 1) {
        if (!ocol[O_VALUE])
            return sc_perr(p, sc_eol_col(p), "write needs 'value V'");
        if (!fits(ov[O_VALUE], a->size))
            return sc_perr(p, ocol[O_VALUE], "value 0x%llx does not fit in %u byte%s",
                        (unsigned long long)ov[O_VALUE], a->size, a->size == 1 ? "" : "s");
        a->is_write = 1;
        a->value = ov[O_VALUE];
    } else if (ocol[O_EXPECT]) {
        if (!fits(ov[O_EXPECT], a->size))
            return sc_perr(p, ocol[O_EXPECT], "expected value 0x%llx does not fit in %u "
                        "byte%s", (unsigned long long)ov[O_EXPECT], a->size,
                        a->size == 1 ? "" : "s");
        a->check = 1;
        a->expect = ov[O_EXPECT];
    } else if (!ocol[O_NOCHECK]) {
        if (!scenario_known_value(c, addr, a->size, &a->expect))
            return sc_perr(p, tt->col, "the value of '%.*s' (%u bytes) depends on device "
                        "state: write 'expect V' or 'nocheck'", QL(*tt), a->size);
        a->check = 1;
    }
    return 0;
}

/* "cpu LIST: OP" (words 0..3): the CPU mask and the operation. */
static int parse_cpu_head(struct ps *p, uint32_t *mask, int *op)
{
    if (!p->first_cpu_line)
        p->first_cpu_line = p->lineno;
    if (p->nt < 2 || sc_tok_is(&p->t[1], ":"))
        return sc_perr(p, p->nt < 2 ? sc_eol_col(p) : p->t[1].col,
                    "expected a CPU list after 'cpu' (e.g. cpu 0..3: read dev0.magic)");
    if (parse_cpu_list(p, &p->t[1], mask))
        return -1;
    if (p->nt < 3 || !sc_tok_is(&p->t[2], ":"))
        return sc_perr(p, p->nt < 3 ? sc_eol_col(p) : p->t[2].col,
                    "expected ':' after the CPU list");
    if (p->nt < 4)
        return sc_perr(p, sc_eol_col(p), "expected read, write or notify after ':'");
    if (sc_parse_enum(p, &p->t[3], ops, "access", op))
        return -1;
    if (p->nt < 5)
        return sc_perr(p, sc_eol_col(p), *op == 2 ? "expected a device after 'notify'"
                    : "expected an address, DEV+OFFSET or DEV.REGISTER after '%s'", ops[*op]);
    return 0;
}

int sc_parse_cpu(struct ps *p)
{
    struct hvsim_runcfg *c = p->c;
    uint32_t mask = 0;
    int op = 0;
    if (parse_cpu_head(p, &mask, &op))
        return -1;
    const struct tok *tt = &p->t[4];
    uint64_t addr = 0;
    enum tkind kind = T_ABS;
    unsigned dev = 0;
    if (parse_target(p, tt, &addr, &kind, &dev))
        return -1;
    if (op == 2 && kind != T_DEV)
        return sc_perr(p, tt->col, "notify takes a device name (dev0, blk, ...): it writes "
                    "QUEUE_NOTIFY (offset 0x%x); for another address use write",
                    VIRTIO_MMIO_QUEUE_NOTIFY);
    if (op != 2 && kind == T_DEV)
        return sc_perr(p, tt->col + tt->len, "expected '+OFFSET' or '.REGISTER' after the "
                    "device name (e.g. %.*s.magic or %.*s+0x100)", QL(*tt), QL(*tt));
    uint64_t ov[6] = {4, 0, 0, 0, 1, 0};
    int ocol[6] = {0};
    if (parse_access_opts(p, op, ov, ocol))
        return -1;
    struct hvsim_access a;
    memset(&a, 0, sizeof a);
    a.size = (uint32_t)ov[O_SIZE];
    a.repeat = (uint16_t)(ov[O_REPEAT] - 1);
    if (op == 2) {
        a.addr = addr + VIRTIO_MMIO_QUEUE_NOTIFY;
        a.size = 4;
        a.is_write = 1;
        a.value = ov[O_QUEUE];
    } else if (fill_read_write(p, &a, op, addr, kind, tt, ov, ocol)) {
        return -1;
    }
    for (unsigned cpu = 0; cpu < HVSIM_CPUS; cpu++) {
        if (!(mask & (1u << cpu)))
            continue;
        /* the limit of the shared region's per-CPU list (control.h) */
        if (c->naccess[cpu] >= HVSIM_MAX_ACCESS)
            return sc_perr(p, p->t[1].col, "too many accesses on cpu %u: at most %u access "
                        "lines per CPU (use 'repeat N')", cpu, HVSIM_MAX_ACCESS);
        if (runcfg_add_access(c, cpu, &a) < 0)
            return sc_perr(p, p->t[1].col, "out of memory");
    }
    return 0;
}
