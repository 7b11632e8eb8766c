/* sim/engine/threads/threads_parse.c — ThreadSanitizer and Helgrind reports →
 * struct thr_report, and bridge offsets → field names.  Pure text
 * processing (unit-tested on captured logs in tests/data/threads_*.txt). */
#define _GNU_SOURCE
#include "threads.h"
#include "verdict/bridge_names.h"
#include "util/sbuf.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the bridge's layout: one field-name function for every engine ---- */
int thr_bridge_field(uint64_t off, unsigned size, int layout_old, char *buf, size_t n)
{
    (void)size;
    return bridge_field_name(off, layout_old, buf, n);
}

uint64_t thr_bridge_base(const char *log)
{
    const char *p = log ? strstr(log, "hvsim-threads: bridge ") : 0;
    if (!p)
        return 0;
    return strtoull(p + strlen("hvsim-threads: bridge "), 0, 16);
}

/* ---- lines ---------------------------------------------------------------- */
struct lines { char **v; int n; };

static void lines_split(const char *log, struct lines *L, int strip_vg)
{
    L->n = 0;
    int cap = 64;
    L->v = malloc(sizeof(char *) * (size_t)cap);
    const char *p = log;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *s = p;
        if (strip_vg && len > 2 && s[0] == '=' && s[1] == '=') {
            /* "==1234== " */
            const char *q = s + 2;
            while (q < s + len && isdigit((unsigned char)*q))
                q++;
            if (q + 1 < s + len + 1 && q[0] == '=' && q[1] == '=') {
                q += 2;
                if (q < s + len && *q == ' ')
                    q++;
                len -= (size_t)(q - s);
                s = q;
            }
        }
        if (L->n == cap) {
            cap *= 2;
            L->v = realloc(L->v, sizeof(char *) * (size_t)cap);
        }
        L->v[L->n++] = strndup(s, len);
        p = e ? e + 1 : 0;
    }
}

static void lines_free(struct lines *L)
{
    for (int i = 0; i < L->n; i++)
        free(L->v[i]);
    free(L->v);
}

static int blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return !*s;
}

static const char *skipws(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

static void text_append(char *t, size_t n, const char *line)
{
    size_t l = strlen(t);
    if (l + 2 >= n)
        return;
    snprintf(t + l, n - l, "%s\n", line);
}

/* ---- frames --------------------------------------------------------------- */
struct frame { char func[128]; char file[256]; int line; };

static int frame_is_tool(const struct frame *f)
{
    return !strncmp(f->func, "__tsan_", 7) || !strncmp(f->func, "hvsim_am_", 9) ||
           strstr(f->file, "sanitizer") || strstr(f->file, "atomics_model.h") ||
           strstr(f->file, "vg_replace") || strstr(f->file, "hg_intercepts");
}

static int file_is_harness(const char *file)
{
    return strstr(file, "sim/runtime/") != NULL;
}

static const char *role_of(const char *func)
{
    static const struct { const char *f, *r; } t[] = {
        { "hv_finish_req", "hypercall" }, { "thr_rt_hypercall_thread", "hypercall" },
        { "hv_mmio_access", "hypervisor" }, { "thr_rt_cpu_thread", "hypervisor" },
        { "backend_run", "daemon" }, { "thr_rt_daemon_thread", "daemon" }, { "main", "main" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(func, t[i].f))
            return t[i].r;
    return 0;
}

/* Fold one frame into the access: the first frame with a source file that is
 * not the tool's own (or hvsim's atomics wrappers) is the site. */
static void access_frame(struct thr_access *a, const struct frame *f, int *have_site)
{
    if (!strncmp(f->func, "hvsim_am_", 9) && !*have_site)
        a->atomic = 1;
    if (!a->role[0]) {
        const char *r = role_of(f->func);
        if (r)
            snprintf(a->role, sizeof a->role, "%s", r);
    }
    if (*have_site || frame_is_tool(f) || !f->file[0])
        return;
    *have_site = 1;
    snprintf(a->function, sizeof a->function, "%s", f->func);
    snprintf(a->file, sizeof a->file, "%s", f->file);
    a->line = f->line;
    a->harness = file_is_harness(f->file) != 0;
}

/* "file:line" or "file:line:col" at s (up to a space or ')'). */
static void parse_fileline(const char *s, struct frame *f)
{
    char tmp[300];
    size_t k = 0;
    while (s[k] && s[k] != ' ' && s[k] != ')' && k < sizeof tmp - 1) {
        tmp[k] = s[k];
        k++;
    }
    tmp[k] = 0;
    if (s[k] && s[k] != ' ' && s[k] != ')') /* longer than tmp: no file, not a wrong one */
        return;
    /* strip ":col" then ":line" */
    char *c1 = strrchr(tmp, ':');
    if (!c1)
        return;
    char *c0 = 0;
    *c1 = 0;
    c0 = strrchr(tmp, ':');
    if (c0 && isdigit((unsigned char)c0[1]) && isdigit((unsigned char)c1[1])) {
        *c0 = 0;
        f->line = atoi(c0 + 1);
    } else {
        f->line = atoi(c1 + 1);
    }
    /* a path cut short would name another file: too long is unknown */
    if (fmt_fit(f->file, sizeof f->file, "%s", tmp) < 0)
        f->file[0] = 0;
}

/* TSan: "    #0 func file:line[:col] (module+0x…)" */
static int tsan_frame(const char *l, struct frame *f)
{
    const char *s = skipws(l);
    if (s[0] != '#' || !isdigit((unsigned char)s[1]))
        return 0;
    memset(f, 0, sizeof *f);
    while (*s && !isspace((unsigned char)*s))
        s++;
    s = skipws(s);
    size_t k = 0;
    while (s[k] && !isspace((unsigned char)s[k]) && k < sizeof f->func - 1) {
        f->func[k] = s[k];
        k++;
    }
    f->func[k] = 0;
    s = skipws(s + k);
    if (*s && *s != '(' && *s != '<')
        parse_fileline(s, f);
    return 1;
}

/* Helgrind: "   at 0x4011A6: func (/path/file.c:72)" / "by 0x…: func (in /lib/…)" */
static int vg_frame(const char *l, struct frame *f)
{
    const char *s = skipws(l);
    if (strncmp(s, "at 0x", 5) && strncmp(s, "by 0x", 5))
        return 0;
    memset(f, 0, sizeof *f);
    const char *c = strstr(s, ": ");
    if (!c)
        return 1;
    c += 2;
    const char *par = strstr(c, " (");
    size_t k = par ? (size_t)(par - c) : strlen(c);
    if (k >= sizeof f->func)
        k = sizeof f->func - 1;
    memcpy(f->func, c, k);
    f->func[k] = 0;
    if (par && strncmp(par + 2, "in ", 3))
        parse_fileline(par + 2, f);
    return 1;
}

/* ---- ThreadSanitizer ------------------------------------------------------ */
/* "  [Previous ][atomic |Atomic ]read|write of size N at 0xADDR by thread T1[ …]:" */
static int tsan_access_header(const char *l, struct thr_access *a, uint64_t *addr, int *prev)
{
    const char *s = skipws(l);
    *prev = 0;
    if (!strncmp(s, "Previous ", 9)) {
        *prev = 1;
        s += 9;
    }
    memset(a, 0, sizeof *a);
    if (!strncasecmp(s, "atomic ", 7)) {
        a->atomic = 1;
        s += 7;
    }
    if (!strncasecmp(s, "read of size ", 13))
        s += 13;
    else if (!strncasecmp(s, "write of size ", 14)) {
        a->is_write = 1;
        s += 14;
    } else
        return 0;
    a->size = (unsigned)strtoul(s, (char **)&s, 10);
    const char *at = strstr(s, " at 0x");
    if (!at)
        return 0;
    *addr = strtoull(at + 4, 0, 16);
    const char *by = strstr(s, " by ");
    if (by) {
        by += 4;
        if (!strncmp(by, "thread ", 7))
            by += 7;
        size_t k = 0;
        while (by[k] && by[k] != ':' && by[k] != ' ' && by[k] != '(' && k < sizeof a->thread - 1) {
            a->thread[k] = by[k];
            k++;
        }
        a->thread[k] = 0;
        if (!strcmp(a->thread, "main"))
            snprintf(a->thread, sizeof a->thread, "main thread");
    }
    return 1;
}

int thr_parse_tsan(const char *log, struct thr_report *out, int max, int *suppressed)
{
    struct lines L;
    lines_split(log, &L, 0);
    int n = 0;
    if (suppressed)
        *suppressed = 0;
    for (int i = 0; i < L.n; i++) {
        if (suppressed && !strcmp(skipws(L.v[i]), "Suppressions used:"))
            for (int j = i + 2; j < L.n && !blank(L.v[j]); j++)
                *suppressed += atoi(skipws(L.v[j]));
        const char *w = strstr(L.v[i], "WARNING: ThreadSanitizer: ");
        if (!w)
            continue;
        struct thr_report R;
        memset(&R, 0, sizeof R);
        const char *k = w + strlen("WARNING: ThreadSanitizer: ");
        size_t kl = strcspn(k, "(");
        while (kl && k[kl - 1] == ' ')
            kl--;
        snprintf(R.kind, sizeof R.kind, "%.*s", (int)kl, k);
        R.is_race = !strncmp(R.kind, "data race", 9);
        int which = -1, site[2] = { 0, 0 };
        if (i > 0 && strstr(L.v[i - 1], "=================="))
            text_append(R.text, sizeof R.text, L.v[i - 1]);
        int j;
        for (j = i; j < L.n; j++) {
            const char *l = L.v[j];
            if (j > i && (strstr(l, "WARNING: ThreadSanitizer: ") || !strncmp(l, "==================", 18))) {
                if (!strncmp(l, "==================", 18))
                    text_append(R.text, sizeof R.text, l);
                break;
            }
            text_append(R.text, sizeof R.text, l);
            struct thr_access a;
            uint64_t addr;
            int prev;
            struct frame f;
            if (which < 1 && tsan_access_header(l, &a, &addr, &prev)) {
                which = which < 0 ? 0 : 1;
                if (which == 0) {
                    R.cur = a;
                    R.addr = addr;
                    R.have_addr = 1;
                } else {
                    R.prev = a;
                    R.have_prev = 1;
                }
            } else if (which >= 0 && which <= 1 && tsan_frame(l, &f)) {
                access_frame(which ? &R.prev : &R.cur, &f, &site[which]);
            } else if (blank(l) && which == 1 && site[1]) {
                which = 2; /* past the two stacks */
            } else if (!strncmp(skipws(l), "Location is ", 12)) {
                const char *s = skipws(l) + 12;
                size_t m = strcspn(s, "\n");
                const char *at = strstr(s, " at 0x");
                if (at)
                    m = (size_t)(at - s);
                snprintf(R.location, sizeof R.location, "%.*s", (int)m, s);
                which = 2;
            } else if (!strncmp(skipws(l), "Thread T", 8) || !strncmp(skipws(l), "Mutex ", 6)) {
                which = 2;
            }
        }
        if (n < max)
            out[n] = R;
        n++;
        i = j - 1;
    }
    lines_free(&L);
    return n;
}

/* ---- Helgrind ------------------------------------------------------------- */
/* "Possible data race during write of size 8 at 0x5A3B610 by thread #3" */
static int hg_race_header(const char *l, struct thr_report *R)
{
    const char *s = skipws(l);
    if (strncmp(s, "Possible data race during ", 26))
        return 0;
    s += 26;
    R->is_race = 1;
    snprintf(R->kind, sizeof R->kind, "data race");
    R->cur.is_write = !strncmp(s, "write", 5);
    const char *sz = strstr(s, "of size ");
    if (sz)
        R->cur.size = (unsigned)atoi(sz + 8);
    const char *at = strstr(s, " at 0x");
    if (at) {
        R->addr = strtoull(at + 4, 0, 16);
        R->have_addr = 1;
    }
    const char *by = strstr(s, "by thread ");
    if (by)
        snprintf(R->cur.thread, sizeof R->cur.thread, "%s", by + 10);
    return 1;
}

/* "This conflicts with a previous read of size 8 by thread #2" */
static int hg_prev_header(const char *l, struct thr_report *R)
{
    const char *s = skipws(l);
    if (strncmp(s, "This conflicts with a previous ", 31))
        return 0;
    s += 31;
    R->have_prev = 1;
    R->prev.is_write = !strncmp(s, "write", 5);
    const char *sz = strstr(s, "of size ");
    if (sz)
        R->prev.size = (unsigned)atoi(sz + 8);
    const char *by = strstr(s, "by thread ");
    if (by)
        snprintf(R->prev.thread, sizeof R->prev.thread, "%s", by + 10);
    return 1;
}

static int hg_block_end(const char *l)
{
    return !strncmp(l, "---", 3) || !strncmp(l, "For lists of detected", 21) ||
           !strncmp(l, "For counts of detected", 22) || !strncmp(l, "ERROR SUMMARY:", 14) ||
           !strncmp(l, "Use --history-level", 19);
}

int thr_parse_helgrind(const char *log, struct thr_report *out, int max, int *suppressed)
{
    struct lines L;
    lines_split(log, &L, 1);
    int n = 0;
    if (suppressed)
        *suppressed = 0;
    int seen_sep = 0;
    for (int i = 0; i < L.n; i++) {
        const char *l = L.v[i];
        const char *es = strstr(l, "ERROR SUMMARY:");
        if (es && suppressed) {
            const char *sp = strstr(es, "(suppressed: ");
            if (sp)
                *suppressed = atoi(sp + 13);
        }
        if (!strncmp(l, "---", 3)) {
            seen_sep = 1;
            continue;
        }
        if (!seen_sep || blank(l))
            continue;
        /* a block starts at its first non-blank line after a separator */
        if (!strncmp(skipws(l), "Thread #", 8) && strstr(l, "was created")) {
            while (i + 1 < L.n && !hg_block_end(L.v[i + 1]))
                i++;
            continue;
        }
        if (hg_block_end(l))
            continue;
        struct thr_report R;
        memset(&R, 0, sizeof R);
        if (!hg_race_header(l, &R))
            snprintf(R.kind, sizeof R.kind, "%.95s", skipws(l));
        int which = 0, site[2] = { 0, 0 }, frames = 0;
        int j;
        for (j = i; j < L.n && !hg_block_end(L.v[j]); j++) {
            const char *x = L.v[j];
            text_append(R.text, sizeof R.text, x);
            struct frame f;
            if (j > i && hg_prev_header(x, &R))
                which = 1;
            else if (vg_frame(x, &f)) {
                frames++;
                if (which <= 1)
                    access_frame(which ? &R.prev : &R.cur, &f, &site[which]);
            } else if (!strncmp(skipws(x), "Address 0x", 10)) {
                const char *is = strstr(x, " is ");
                snprintf(R.location, sizeof R.location, "%s", is ? is + 4 : skipws(x));
                which = 2;
            } else if (blank(x) && which == 1 && site[1]) {
                which = 2;
            }
        }
        i = j - 1;
        if (!frames)
            continue; /* trailing words of the tool, not a report */
        if (n < max)
            out[n] = R;
        n++;
    }
    lines_free(&L);
    return n;
}
