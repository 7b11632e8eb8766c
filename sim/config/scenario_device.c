/* sim/config/scenario_device.c — device lines:
 *   device NAME id N at ADDR irq N [vendor V] [qmax N] [features V] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"

/* NAME: a letter or '_', then letters, digits or '_'; not devN (which
 * always means the N-th device); not given before. */
static int check_device_name(struct ps *p, const struct tok *nm)
{
    struct hvsim_runcfg *c = p->c;
    if (nm->len >= (int)sizeof c->devname[0])
        return sc_perr(p, nm->col, "device name too long: at most %zu characters",
                    sizeof c->devname[0] - 1);
    for (int j = 0; j < nm->len; j++) {
        char ch = nm->s[j];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
                 (j > 0 && ch >= '0' && ch <= '9');
        if (!ok)
            return sc_perr(p, nm->col + j, "bad device name '%.*s': expected a letter or '_' "
                        "followed by letters, digits or '_'", QL(*nm));
    }
    if (nm->len > 3 && memcmp(nm->s, "dev", 3) == 0) {
        int digits = 1;
        for (int j = 3; j < nm->len; j++)
            if (nm->s[j] < '0' || nm->s[j] > '9')
                digits = 0;
        if (digits)
            return sc_perr(p, nm->col, "device name '%.*s' is reserved: devN always means the "
                        "N-th device", QL(*nm));
    }
    for (unsigned d = 0; d < c->ndevices; d++)
        if (sc_tok_is(nm, c->devname[d]))
            return sc_perr(p, nm->col, "device '%.*s' is already defined", QL(*nm));
    return 0;
}

static const char *const attrs[] = {"id", "at", "irq", "vendor", "qmax", "features", NULL};

/* The value of attribute a (an index into attrs). */
static int parse_attr(struct ps *p, int a, const struct tok *v, uint64_t *val)
{
    const struct hvsim_runcfg *c = p->c;
    switch (a) {
    case 0:
        return sc_parse_range_num(p, v, 1, 0xffffffffu, "device id", val);
    case 1:
        if (sc_parse_num(p, v, val))
            return -1;
        if (*val % VIRTIO_MMIO_WINDOW)
            return sc_perr(p, v->col, "device base 0x%llx is not 0x%x-aligned",
                        (unsigned long long)*val, VIRTIO_MMIO_WINDOW);
        if (*val > UINT64_MAX - VIRTIO_MMIO_WINDOW)
            return sc_perr(p, v->col, "device base 0x%llx: the window runs past the end "
                        "of the address space", (unsigned long long)*val);
        for (unsigned d = 0; d < c->ndevices; d++)
            if (c->devices[d].base == *val)
                return sc_perr(p, v->col, "device base 0x%llx overlaps device '%s'",
                            (unsigned long long)*val, c->devname[d]);
        return 0;
    case 2:
    case 3:
        return sc_parse_range_num(p, v, 0, 0xffffffffu, attrs[a], val);
    case 4:
        return sc_parse_range_num(p, v, 1, 32768, "qmax", val);
    default:
        return sc_parse_num(p, v, val);
    }
}

/* ATTR VALUE pairs from word 2 on; id, at and irq are required. */
static int parse_attrs(struct ps *p, uint64_t val[6], int seen[6])
{
    for (int i = 2; i < p->nt; i += 2) {
        int a = sc_lookup(&p->t[i], attrs);
        if (a < 0) {
            char l[128];
            sc_list_vals(l, sizeof l, attrs);
            return sc_perr(p, p->t[i].col, "unknown device attribute '%.*s': expected %s",
                        QL(p->t[i]), l);
        }
        if (seen[a])
            return sc_perr(p, p->t[i].col, "'%s' given twice", attrs[a]);
        if (sc_need_value(p, i) || parse_attr(p, a, &p->t[i + 1], &val[a]))
            return -1;
        seen[a] = 1;
    }
    for (int a = 0; a < 3; a++)
        if (!seen[a])
            return sc_perr(p, sc_eol_col(p), "device line needs '%s %s'", attrs[a],
                        a == 1 ? "ADDRESS" : "N");
    return 0;
}

int sc_parse_device(struct ps *p)
{
    struct hvsim_runcfg *c = p->c;
    if (p->first_cpu_line)
        return sc_perr(p, p->t[0].col, "device lines must come before the first cpu line "
                    "(line %d)", p->first_cpu_line);
    if (p->nt < 2)
        return sc_perr(p, sc_eol_col(p), "expected a device name after 'device' "
                    "(e.g. device blk id 2 at 0xa003e00 irq 78)");
    if (!p->devices_seen) { /* the first device line replaces the default devices */
        c->ndevices = 0;
        memset(c->devices, 0, sizeof c->devices);
        memset(c->devname, 0, sizeof c->devname);
        p->devices_seen = 1;
    }
    const struct tok *nm = &p->t[1];
    if (c->ndevices >= HVSIM_DEVS)
        return sc_perr(p, p->t[0].col, "too many devices: hvsim runs at most %u", HVSIM_DEVS);
    uint64_t val[6] = {0};
    int seen[6] = {0};
    if (check_device_name(p, nm) || parse_attrs(p, val, seen))
        return -1;
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
