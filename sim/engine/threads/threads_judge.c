/* sim/engine/threads/threads_judge.c — a tsan/helgrind run's verdict from
 * the tool's parsed reports and how the process ended (threads_judge.h):
 * races counted once per field and pair of sites, hvsim's own runtime set
 * apart, and the finding put into words. */
#include "threads_judge.h"
#include "threads_end.h"
#include "evidence/srcloc.h"
#include "util/sbuf.h"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* the one way locations are shown (sim/evidence/srcloc.h); two buffers, as a
 * site string names two */
static const char *base_name(const char *p)
{
    static char buf[2][256];
    static int k;
    k ^= 1;
    return srcloc_show(p, buf[k], sizeof buf[k]);
}

static void site_str(const struct thr_access *a, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s%s of %u byte(s) in %s() %s:%d [%s thread %s]",
             a->atomic ? "atomic" : "plain", a->is_write ? "write" : "read", "", a->size,
             a->function[0] ? a->function : "?", a->file[0] ? base_name(a->file) : "?", a->line,
             a->role[0] ? a->role : "?", a->thread[0] ? a->thread : "?");
}

static void fill_site(struct run_race_site *s, const struct thr_access *a)
{
    snprintf(s->function, sizeof s->function, "%s", a->function);
    snprintf(s->file, sizeof s->file, "%s", base_name(a->file));
    s->line = a->line;
    snprintf(s->kind, sizeof s->kind, "%s %s", a->atomic ? "atomic" : "plain", a->is_write ? "write" : "read");
    snprintf(s->thread, sizeof s->thread, "%s %s", a->role[0] ? a->role : "?", a->thread);
}

/* Name the location of a report: a bridge field when the address is in the
 * bridge, else the tool's own description. */
static void name_location(const struct thr_report *R, uint64_t base, int layout_old, char *buf, size_t n,
                          uint64_t *off, int *in_bridge)
{
    *in_bridge = 0;
    if (R->have_addr && base && R->addr >= base &&
        thr_bridge_field(R->addr - base, R->cur.size, layout_old, buf, n) == 0) {
        *off = R->addr - base;
        *in_bridge = 1;
        return;
    }
    if (R->location[0])
        snprintf(buf, n, "%s", R->location);
    else if (R->have_addr)
        snprintf(buf, n, "address 0x%llx", (unsigned long long)R->addr);
    else
        snprintf(buf, n, "?");
}

static void race_key(const struct thr_report *x, const char *field, char *k, size_t n)
{
    /* one race = one field and one unordered pair of sites */
    char key[2][400];
    snprintf(key[0], sizeof key[0], "%s:%d", x->cur.file, x->cur.line);
    snprintf(key[1], sizeof key[1], "%s:%d", x->have_prev ? x->prev.file : "?", x->have_prev ? x->prev.line : 0);
    int lo = strcmp(key[0], key[1]) <= 0;
    snprintf(k, n, "%s|%s|%s", field, key[lo ? 0 : 1], key[lo ? 1 : 0]);
}

int thr_count_races(const struct thr_judge *j, struct run_result *r)
{
    struct run_race *rc = &r->race;
    static char keys[THR_MAX_REPORTS][900];
    int nkeys = 0, first = -1, first_bridge = -1;
    size_t ol = 0;
    for (int i = 0; i < j->nrep; i++) {
        const struct thr_report *x = &j->R[i];
        if (x->cur.harness || (x->have_prev && x->prev.harness)) {
            rc->nharness++;
            continue;
        }
        if (!x->is_race) {
            rc->nother++;
            continue;
        }
        if (j->hg && x->cur.atomic && x->have_prev && x->prev.atomic) {
            rc->natomic_pairs++; /* two atomic accesses: not a data race in C11 */
            continue;
        }
        char field[96], k[900];
        uint64_t off = 0;
        int inb, dup = 0;
        name_location(x, j->base, j->layout_old, field, sizeof field, &off, &inb);
        race_key(x, field, k, sizeof k);
        for (int q = 0; q < nkeys; q++)
            if (!strcmp(keys[q], k))
                dup = 1;
        if (dup)
            continue;
        if (nkeys < THR_MAX_REPORTS)
            snprintf(keys[nkeys++], sizeof keys[0], "%s", k);
        rc->nraces++;
        if (first < 0)
            first = i;
        if (inb && first_bridge < 0)
            first_bridge = i;
        char s1[400], s2[400];
        site_str(&x->cur, s1, sizeof s1);
        if (x->have_prev)
            site_str(&x->prev, s2, sizeof s2);
        else
            snprintf(s2, sizeof s2, "(the tool kept no earlier access)");
        if (ol + 2 < sizeof rc->others)
            ol += (size_t)snprintf(rc->others + ol, sizeof rc->others - ol, "%s: %s | %s\n", field, s1, s2);
        result_event(r, j->t_end, j->hg ? "helgrind" : "tsan", "data race on %s", field);
    }
    return first_bridge >= 0 ? first_bridge : first;
}

enum hvsim_verdict thr_run_end(const struct hvsim_runcfg *c, const char *bin, const struct region *rg,
                               int st, int killed, struct run_result *r, char *why, size_t wn,
                               char *detail, size_t dn)
{
    if (killed) {
        enum hvsim_verdict end = thr_judge_end(c, bin, rg, THR_END_KILLED, r, why, wn, detail, dn);
        snprintf(why + strlen(why), wn - strlen(why), "; killed after the hard time limit");
        return end;
    }
    if (WIFSIGNALED(st)) {
        r->signal = WTERMSIG(st);
        snprintf(why, wn, "the threads process died of signal %d", r->signal);
        return V_CRASH;
    }
    switch (WEXITSTATUS(st)) {
    case THR_EXIT_HANG:
        return thr_judge_end(c, bin, rg, THR_END_HANG, r, why, wn, detail, dn);
    case THR_EXIT_QUIESCENT:
        return thr_judge_end(c, bin, rg, THR_END_QUIESCENT, r, why, wn, detail, dn);
    case THR_EXIT_WRONG:
        for (unsigned i = 0; i < c->ncpus && i < HVSIM_CPUS; i++)
            if (rg->ctl->cpu[i].state == HVSIM_CPU_WRONG) {
                r->cpu = (int)i;
                snprintf(why, wn, "cpu%u read 0x%llx and got 0x%llx; the device register holds 0x%llx",
                         i, (unsigned long long)rg->ctl->cpu[i].wrong_addr,
                         (unsigned long long)rg->ctl->cpu[i].got, (unsigned long long)rg->ctl->cpu[i].want);
            }
        return V_WRONG_VALUE;
    case THR_EXIT_DONE:
        snprintf(why, wn, "all %u CPUs completed their accesses", c->ncpus);
        return V_PASS;
    default:
        snprintf(why, wn, "the threads process exited with status %d", WEXITSTATUS(st));
        return V_CRASH;
    }
}

void thr_describe_race(const struct thr_judge *j, const struct thr_report *x, struct run_result *r)
{
    struct run_race *rc = &r->race;
    r->verdict = V_DATA_RACE;
    uint64_t off = 0;
    int inb;
    name_location(x, j->base, j->layout_old, rc->field, sizeof rc->field, &off, &inb);
    rc->in_bridge = inb;
    rc->offset = off;
    fill_site(&rc->site[0], &x->cur);
    if (x->have_prev)
        fill_site(&rc->site[1], &x->prev);
    snprintf(rc->tool_text, sizeof rc->tool_text, "%s", x->text);
    /* the hypervisor-side site is the one a person fixes first */
    const struct thr_access *h = !strcmp(x->cur.role, "hypervisor") || !x->have_prev ? &x->cur : &x->prev;
    snprintf(r->function, sizeof r->function, "%s", h->function);
    snprintf(r->file, sizeof r->file, "%s", base_name(h->file));
    r->line = h->line;
    char s1[400], s2[400];
    site_str(&x->cur, s1, sizeof s1);
    if (x->have_prev)
        site_str(&x->prev, s2, sizeof s2);
    else
        snprintf(s2, sizeof s2, "an earlier access the tool did not keep");
    fmt_cut(r->summary, sizeof r->summary, "%s: data race on %s%s: %s:%d %s vs %s:%d %s%s",
            rc->tool, inb ? "" : "", rc->field, rc->site[0].file, rc->site[0].line, rc->site[0].kind,
            x->have_prev ? rc->site[1].file : "?", x->have_prev ? rc->site[1].line : 0,
            x->have_prev ? rc->site[1].kind : "", rc->hang ? "; then the run hung" : "");
    snprintf(r->text, sizeof r->text,
             "%s reports a data race on %s%s between\n  %s\nand\n  %s\n"
             "%u distinct race(s) in the code under test, %u in hvsim's runtime, %u report(s) of "
             "another kind%s; run end: %s.\n%s",
             rc->tool, rc->field, inb ? " (struct virtio_bridge)" : "", s1, s2, rc->nraces,
             rc->nharness, rc->nother,
             j->hg ? (rc->natomic_pairs ? ", atomic-vs-atomic pairs set aside (not races in C11)" : "") : "",
             rc->run_end, rc->nraces > 1 ? "All races:\n" : "");
    if (rc->nraces > 1)
        snprintf(r->text + strlen(r->text), sizeof r->text - strlen(r->text), "%s", rc->others);
}

void thr_describe_no_race(const struct thr_judge *j, enum hvsim_verdict end, const char *why,
                          const char *detail, struct run_result *r)
{
    struct run_race *rc = &r->race;
    r->verdict = end;
    snprintf(r->summary, sizeof r->summary, "%s: no data race reported; %s", rc->tool, why);
    snprintf(r->text, sizeof r->text,
             "%s reported no data race in the code under test (%u report(s) of another kind, %u in "
             "hvsim's runtime, %u suppressed%s). Run end: %s: %s",
             rc->tool, rc->nother, rc->nharness, rc->suppressed,
             j->hg && rc->natomic_pairs ? ", atomic-vs-atomic pairs set aside" : "", verdict_name(end),
             detail[0] ? detail : why);
    if (rc->nother + rc->nharness > 0)
        for (int i = 0; i < j->nrep; i++)
            if (!j->R[i].is_race || j->R[i].cur.harness || j->R[i].prev.harness) {
                snprintf(rc->tool_text, sizeof rc->tool_text, "%s", j->R[i].text);
                break;
            }
}
