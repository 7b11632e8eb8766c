/* sim/engine/det/det_audit.c — the engine side of `hvsim audit` (the command
 * is sim/cli/cmd_audit.c): every access site to the shared
 * bridge, from the instrumented build, with its kind (plain, volatile, atomic
 * with its order) and the field it touches.
 *
 * One deterministic execution is run with its trace on; each bridge event of
 * the trace names the field, the kind, the order and the source site.  The
 * rule checked is the Linux kernel's for shared data (READ_ONCE/WRITE_ONCE,
 * what KCSAN watches): a field that is accessed with marked accesses
 * (volatile or atomic) somewhere is a synchronisation variable, and a plain
 * access to it where the *other* side writes it is flagged as unmarked.
 * Fields only ever accessed plainly on both sides (the request slots, whose
 * publication is ordered by req_rear) are listed as data, not flagged. */
#define _GNU_SOURCE
#include "det.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUDIT_MAX 256

struct site {
    char field[40];   /* cfg_flags[] */
    char kind[24];    /* plain read, volatile write, atomic load acquire, rmw seq_cst */
    char where[160];  /* handler.c:73 wait_for_response() */
    int hv;           /* 1 hypervisor side, 0 backend */
    int write, marked;
    unsigned count;
    int flagged;
};

static int side_of(const char *who) { return strncmp(who, "daemon", 6) != 0; }

/* "cfg_flags[3]/8" -> "cfg_flags[]" */
static void norm_field(const char *in, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = in; *p && *p != '/' && k + 2 < n; p++) {
        if (*p == '[') {
            out[k++] = '[';
            out[k++] = ']';
            while (*p && *p != ']')
                p++;
            if (!*p)
                break;
            continue;
        }
        out[k++] = *p;
    }
    out[k] = 0;
}

static int parse_trace(const char *path, struct site *s, unsigned *ns)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char who[32], ev[16], fld[80], rest[900] = "";
        unsigned long dec;
        if (line[0] == '#' || sscanf(line, "%lu %31s %15s %79s %899[^\n]", &dec, who, ev, fld, rest) < 4)
            continue;
        int w;
        const char *kind;
        if (!strcmp(ev, "read")) { kind = "plain read"; w = 0; }
        else if (!strcmp(ev, "write")) { kind = "plain write"; w = 1; }
        else if (!strcmp(ev, "vread")) { kind = "volatile read"; w = 0; }
        else if (!strcmp(ev, "vwrite")) { kind = "volatile write"; w = 1; }
        else if (!strcmp(ev, "aload")) { kind = "atomic load"; w = 0; }
        else if (!strcmp(ev, "astore")) { kind = "atomic store"; w = 1; }
        else if (!strcmp(ev, "rmw")) { kind = "atomic rmw"; w = 1; }
        else continue;
        if (!strncmp(fld, "(private)", 9))
            continue;
        char k[24], fieldn[40], where[160] = "?";
        snprintf(k, sizeof k, "%s", kind);
        if (ev[0] == 'a' || ev[0] == 'r') { /* atomic: the order follows "= value" */
            static const char *const mos[] = { "relaxed", "consume", "acquire", "release", "acq_rel", "seq_cst" };
            for (size_t i = 0; i < 6; i++)
                if (strstr(rest, mos[i])) {
                    snprintf(k, sizeof k, "%s %s", kind, mos[i]);
                    break;
                }
        }
        char *at = strstr(rest, "@ ");
        if (at)
            snprintf(where, sizeof where, "%s", at + 2);
        norm_field(fld, fieldn, sizeof fieldn);
        int hv = side_of(who);
        unsigned i;
        for (i = 0; i < *ns; i++)
            if (s[i].hv == hv && !strcmp(s[i].field, fieldn) && !strcmp(s[i].kind, k) &&
                !strcmp(s[i].where, where))
                break;
        if (i == *ns) {
            if (*ns >= AUDIT_MAX)
                continue;
            memset(&s[i], 0, sizeof s[i]);
            snprintf(s[i].field, sizeof s[i].field, "%s", fieldn);
            snprintf(s[i].kind, sizeof s[i].kind, "%s", k);
            snprintf(s[i].where, sizeof s[i].where, "%s", where);
            s[i].hv = hv;
            s[i].write = w;
            s[i].marked = strncmp(k, "plain", 5) != 0;
            (*ns)++;
        }
        s[i].count++;
    }
    fclose(f);
    return 0;
}

static void judge(struct site *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (s[i].marked)
            continue;
        int sync = 0, other_writes = 0;
        for (unsigned j = 0; j < n; j++) {
            if (strcmp(s[j].field, s[i].field))
                continue;
            sync |= s[j].marked;
            other_writes |= s[j].hv != s[i].hv && s[j].write;
        }
        s[i].flagged = sync && other_writes;
    }
}

static int cmp_site(const void *a, const void *b)
{
    const struct site *x = a, *y = b;
    int c = strcmp(x->field, y->field);
    return c ? c : (x->hv != y->hv ? y->hv - x->hv : strcmp(x->where, y->where));
}

static int audit_cb(const struct run_result *r, void *ud)
{
    (void)r;
    (void)ud;
    return 0;
}

static int det_audit_with(struct hvsim_runcfg *c,
                          const struct hvsim_runcfg *c0, json_t **out, char *err, size_t errlen)
{
    if (runcfg_copy(c, c0) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(c->engine, sizeof c->engine, "det");
    /* Several single executions, every trace kept: a hanging execution
     * stops early and misses sites a complete one reaches. */
    c->runs = 6;
    char dir[] = "/tmp/hvsim-audit-XXXXXX";
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "mkdtemp failed");
        return -1;
    }
    char tpath[64];
    snprintf(tpath, sizeof tpath, "%s/trace.txt", dir);
    c->det_trace = tpath;
    c->det_trace_append = 1;
    c->det_chrome = ""; /* the audit reads the text trace only */
    struct engine_info info;
    if (det_engine_runs(c, audit_cb, 0, &info, err, errlen) < 0) {
        unlink(tpath);
        rmdir(dir);
        return -1;
    }
    static struct site s[AUDIT_MAX];
    unsigned n = 0;
    int prc = parse_trace(tpath, s, &n);
    unlink(tpath);
    rmdir(dir);
    if (prc < 0) {
        if (!err[0])
            snprintf(err, errlen, "the deterministic run wrote no trace");
        return -1;
    }
    judge(s, n);
    qsort(s, n, sizeof s[0], cmp_site);
    json_t *arr = json_array();
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:b,s:I}", "field", s[i].field,
            "side", s[i].hv ? "hypervisor" : "backend", "kind", s[i].kind, "site", s[i].where,
            "unmarked", s[i].flagged, "count", (json_int_t)s[i].count));
    *out = arr;
    return 0;
}

int det_audit(const struct hvsim_runcfg *c0, json_t **out, char *err, size_t errlen)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = det_audit_with(c, c0, out, err, errlen);
    runcfg_free(c);
    return rc;
}
