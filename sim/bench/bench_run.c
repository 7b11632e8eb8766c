/* sim/bench/bench_run.c — running the measured programs: the raw baseline
 * pair (rt/bench_raw.c) and the real hv/backend participants of a variant,
 * each as two processes over a memfd region, plus helpers. */
#define _GNU_SOURCE
#include "bench.h"
#include "util/sbuf.h"
#include "util/region.h"
#include "util/process.h"
#include "runtime/common/futex.h"
#include "config/scenario.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(HVSIM_LAT_BUCKETS == BENCH_HIST_BUCKETS, "hv_main and bench_hist.h disagree on buckets");

uint64_t bench_now_ns(void) { return now_ns(); }

struct bench_row *bench_row_add(struct bench *b, const char *section, const char *name,
                                const char *unit)
{
    static struct bench_row spare;
    struct bench_row *r = b->nrows < BENCH_MAX_ROWS ? &b->rows[b->nrows++] : &spare;
    memset(r, 0, sizeof *r);
    snprintf(r->section, sizeof r->section, "%s", section);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "%s", unit);
    r->met = -1;
    return r;
}

void bench_row_nm(struct bench_row *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->nm, sizeof r->nm, fmt, ap);
    va_end(ap);
    r->ratio = 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double bench_pct(double *v, unsigned n, double q)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_d);
    /* nearest rank */
    unsigned k = (unsigned)(q * n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1];
}

double bench_median(double *v, unsigned n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

json_t *bench_json_list(const double *v, unsigned n)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(a, json_real(v[i]));
    return a;
}

static const char *bench_build_dir(void)
{
    static char d[600];
    const char *e = getenv("HVSIM_BUILD_DIR");
    if (e && *e)
        snprintf(d, sizeof d, "%s/bench", e);
    else
        snprintf(d, sizeof d, "%s/build/bench", hvsim_home());
    return d;
}

int bench_raw_build(struct bench *b)
{
    char src[700], hdr[700], out[sizeof b->raw_bin], tmp[sizeof out + 24];
    snprintf(src, sizeof src, "%s/sim/runtime/bench/bench_raw.c", hvsim_home());
    snprintf(hdr, sizeof hdr, "%s/sim/runtime/bench/bench_hist.h", hvsim_home());
    if (fmt_fit(out, sizeof out, "%s/bench_raw", bench_build_dir()) < 0) {
        fmt_cut(b->raw_err, sizeof b->raw_err, "the bench build directory's path is too long");
        return -1;
    }
    struct stat ss, hs, os;
    if (stat(src, &ss) < 0) {
        fmt_cut(b->raw_err, sizeof b->raw_err, "%s: %s", src, strerror(errno));
        return -1;
    }
    if (stat(out, &os) == 0 && os.st_mtime > ss.st_mtime &&
        (stat(hdr, &hs) < 0 || os.st_mtime > hs.st_mtime)) {
        snprintf(b->raw_bin, sizeof b->raw_bin, "%s", out);
        return 0;
    }
    dir_make_p(bench_build_dir(), 0777); /* a failure shows as the compiler's */
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", out, (int)getpid());
    char inc[720]; /* bench_raw.c includes "bench/bench_hist.h" from sim/ */
    snprintf(inc, sizeof inc, "-I%s/sim", hvsim_home());
    char *argv[] = { "gcc", "-std=gnu11", "-O2", "-g", inc, "-o", tmp, src, 0 };
    struct sbuf log = { 0 };
    if (proc_run(argv, &log, 0) != 0 || rename(tmp, out) < 0) {
        unlink(tmp);
        const char *l = sbuf_str(&log);
        fmt_cut(b->raw_err, sizeof b->raw_err, "compiling %s failed: %.*s", src, (int)strcspn(l, "\n"), l);
        sbuf_free(&log);
        return -1;
    }
    sbuf_free(&log);
    snprintf(b->raw_bin, sizeof b->raw_bin, "%s", out);
    return 0;
}

/* The region layout of rt/bench_raw.c (first page of the memfd). */
struct raw_shm {
    uint32_t ready_b, go, done, pad;
    char pad0[48];
    uint32_t ping;
    char pad1[60];
    uint32_t pong;
    char pad2[60];
    uint32_t word;
    char pad3[60];
    uint64_t count, sum_ns, min_ns, max_ns, total_ns, clock_ns;
    uint64_t b_slept, b_rounds;
    uint32_t hist[BENCH_HIST_BUCKETS];
};

static int wait_exit(struct proc *p, uint64_t deadline)
{
    while (!proc_poll(p)) {
        if (now_ns() > deadline)
            return -1;
        usleep(1000);
    }
    return 0;
}

/* Start `other`, then `measured` in the same process group — under
 * callgrind when vg_out is set (stable instruction counts) — as both
 * measurements do. */
static int spawn_pair(char *const other[], char *const measured[], const char *vg_out, int fd,
                      pid_t *pgid, struct proc *po, struct proc *pm, char *err, size_t errlen)
{
    if (proc_start_participant(other, fd, pgid, po, err, errlen) < 0)
        return -1;
    proc_set_current_group(*pgid);
    if (!vg_out)
        return proc_start_participant(measured, fd, pgid, pm, err, errlen);
    char out[700];
    snprintf(out, sizeof out, "--callgrind-out-file=%s", vg_out);
    char *v[16] = { "/usr/bin/valgrind", "-q", "--tool=callgrind", out };
    size_t n = 4;
    for (size_t i = 0; measured[i] && n + 1 < sizeof v / sizeof v[0]; i++)
        v[n++] = measured[i];
    v[n] = 0;
    return proc_start_participant(v, fd, pgid, pm, err, errlen);
}

int bench_raw_run(struct bench *b, const char *mode, unsigned n, uint64_t gap_ns,
                  struct raw_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (!b->raw_bin[0]) {
        snprintf(err, errlen, "%s", b->raw_err);
        return -1;
    }
    struct region rg;
    if (region_create(&rg, err, errlen) < 0)
        return -1;
    struct raw_shm *s = rg.base;
    memset(s, 0, sizeof *s);
    int efd = -1;
    if (!strcmp(mode, "eventfd")) {
        efd = eventfd(0, 0); /* inherited by both roles (no CLOEXEC) */
        if (efd < 0) {
            snprintf(err, errlen, "eventfd: %s", strerror(errno));
            region_destroy(&rg);
            return -1;
        }
    }
    char ns[24], gs[24], es[16];
    snprintf(ns, sizeof ns, "%u", n);
    snprintf(gs, sizeof gs, "%llu", (unsigned long long)gap_ns);
    snprintf(es, sizeof es, "%d", efd);
    char *av[] = { b->raw_bin, (char *)mode, "a", ns, gs, es, "--fd", "3", 0 };
    char *bv[] = { b->raw_bin, (char *)mode, "b", ns, gs, es, "--fd", "3", 0 };
    struct proc ps[2];
    memset(ps, 0, sizeof ps);
    pid_t pgid = 0;
    int rc = -1;
    if (spawn_pair(bv, av, b->raw_vg, rg.fd, &pgid, &ps[1], &ps[0], err, errlen) < 0)
        goto out;
    uint64_t deadline = now_ns() + 30000000000ull + (uint64_t)n * (gap_ns + 200000ull);
    if (wait_exit(&ps[0], deadline) < 0 || wait_exit(&ps[1], now_ns() + 5000000000ull) < 0) {
        snprintf(err, errlen, "raw %s baseline did not finish", mode);
        goto out;
    }
    if (ps[0].status || ps[1].status || !s->count) {
        snprintf(err, errlen, "raw %s baseline failed (status %d/%d)", mode, ps[0].status,
                 ps[1].status);
        goto out;
    }
    r->median_ns = bench_hist_quantile(s->hist, 0.5);
    r->p99_ns = bench_hist_quantile(s->hist, 0.99);
    r->min_ns = (double)s->min_ns;
    r->mean_ns = (double)s->sum_ns / (double)s->count;
    r->count = s->count;
    r->total_ns = s->total_ns;
    r->clock_ns = s->clock_ns;
    r->b_slept_share = s->b_rounds ? (double)s->b_slept / (double)s->b_rounds : 0;
    if (s->clock_ns && (!b->clock_ns || (double)s->clock_ns < b->clock_ns))
        b->clock_ns = (double)s->clock_ns;
    rc = 0;
out:
    proc_kill_group(pgid, ps, 2);
    if (efd >= 0)
        close(efd);
    region_destroy(&rg);
    return rc;
}

void bench_variant_cfg(struct hvsim_runcfg *c, const char *cc, const char *opt, const char *wait,
                       const char *relax)
{
    runcfg_defaults(c);
    snprintf(c->v.cc, sizeof c->v.cc, "%s", cc);
    snprintf(c->v.opt, sizeof c->v.opt, "%s", opt);
    snprintf(c->v.wait, sizeof c->v.wait, "%s", wait);
    snprintf(c->v.relax, sizeof c->v.relax, "%s", relax);
    c->ncpus = 1;
}

/* The control block of one bench run: one guest CPU reading the first
 * device's magic register n times (one access repeated n - 1 times). */
static void hv_ctl_init(struct hvsim_ctl *ctl, const struct hvsim_runcfg *c, unsigned n,
                        uint64_t poll_window, uint64_t gap_ns)
{
    ctl->magic = HVSIM_CTL_MAGIC;
    ctl->version = HVSIM_CTL_VERSION;
    ctl->ncpus = 1;
    ctl->seed = 1;
    ctl->poll_window = poll_window;
    ctl->ndevices = c->ndevices;
    memcpy(ctl->devices, c->devices, sizeof ctl->devices);
    ctl->bench_gap_ns = gap_ns;
    struct hvsim_access *a = &ctl->cpu[0].acc[0];
    a->addr = c->devices[0].base + VIRTIO_MMIO_MAGIC_VALUE;
    a->size = 4;
    a->check = (uint8_t)scenario_known_value(c, a->addr, 4, &a->expect);
    a->repeat = (uint16_t)(n - 1);
    ctl->cpu[0].naccess = 1;
}

/* Both participants up (ps[0] backend, ps[1] hv); -1 when one died first or
 * a minute passed. */
static int hv_wait_ready(struct hvsim_ctl *ctl, struct proc ps[2], char *err, size_t errlen)
{
    uint64_t deadline = now_ns() + 60000000000ull;
    while (!(__atomic_load_n(&ctl->hv_ready, __ATOMIC_ACQUIRE) &&
             __atomic_load_n(&ctl->be_ready, __ATOMIC_ACQUIRE))) {
        if (proc_poll(&ps[0]) || proc_poll(&ps[1]) || now_ns() > deadline) {
            snprintf(err, errlen, "a participant failed to start (status %d/%d)", ps[0].status,
                     ps[1].status);
            return -1;
        }
        usleep(500);
    }
    return 0;
}

/* cpu0 done (or wrong) before the deadline; its final state into r->state. */
static int hv_wait_done(struct hvsim_ctl *ctl, struct proc ps[2], unsigned n, uint64_t deadline,
                        struct hv_result *r, char *err, size_t errlen)
{
    for (;;) {
        uint32_t st = __atomic_load_n(&ctl->cpu[0].state, __ATOMIC_ACQUIRE);
        if (st == HVSIM_CPU_DONE || st == HVSIM_CPU_WRONG) {
            r->state = (int)st;
            break;
        }
        if (proc_poll(&ps[0]) || proc_poll(&ps[1]) || now_ns() > deadline) {
            snprintf(err, errlen, "the handshake did not complete %u accesses (done %llu, status %d/%d)",
                     n, (unsigned long long)ctl->cpu[0].done, ps[0].status, ps[1].status);
            return -1;
        }
        usleep(2000);
    }
    if (r->state == HVSIM_CPU_WRONG) {
        snprintf(err, errlen, "a read returned a wrong value (0x%llx)", (unsigned long long)ctl->cpu[0].got);
        return -1;
    }
    return 0;
}

/* The latencies hv_main recorded: histogram quantiles, counts, sleeps. */
static void hv_collect(const struct hvsim_ctl *ctl, struct hv_result *r)
{
    const struct hvsim_cpu_ctl *cc = &ctl->cpu[0];
    r->median_ns = bench_hist_quantile(cc->lat_hist[0], 0.5);
    r->p99_ns = bench_hist_quantile(cc->lat_hist[0], 0.99);
    r->min_ns = (double)cc->lat_min_ns;
    r->ipi_median_ns = bench_hist_quantile(cc->lat_hist[1], 0.5);
    r->count = cc->lat_count;
    r->ipi_count = cc->lat_ipi_count;
    r->daemon_sleeps = ctl->daemon_sleeps;
}

int bench_hv_run(const struct hvsim_runcfg *c, const struct build_out *bo, unsigned n,
                 uint64_t poll_window, uint64_t gap_ns, const char *valgrind_out,
                 struct hv_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (n < 1 || n > 65536) {
        snprintf(err, errlen, "bench_hv_run: n %u out of 1..65536", n);
        return -1;
    }
    struct region rg;
    if (region_create(&rg, err, errlen) < 0)
        return -1;
    struct hvsim_ctl *ctl = rg.ctl;
    memset(rg.base, 0, rg.size);
    hv_ctl_init(ctl, c, n, poll_window, gap_ns);
    char *be[] = { (char *)bo->backend, "--fd", "3", 0 };
    char *hv[] = { (char *)bo->hv, "--fd", "3", 0 };
    struct proc ps[2];
    memset(ps, 0, sizeof ps);
    pid_t pgid = 0;
    int rc = -1;
    if (spawn_pair(be, hv, valgrind_out, rg.fd, &pgid, &ps[0], &ps[1], err, errlen) < 0 ||
        hv_wait_ready(ctl, ps, err, errlen) < 0)
        goto out;
    region_go(ctl);
    uint64_t deadline = now_ns() + 30000000000ull + (uint64_t)n * (gap_ns + (valgrind_out ? 200000ull : 20000ull));
    if (hv_wait_done(ctl, ps, n, deadline, r, err, errlen) < 0)
        goto out;
    hv_collect(ctl, r);
    rc = 0;
out:
    region_stop(ctl);
    if (valgrind_out) /* let callgrind write its profile at exit */
        wait_exit(&ps[1], now_ns() + 20000000000ull);
    proc_kill_group(pgid, ps, 2);
    region_destroy(&rg);
    return rc;
}

/* Inclusive Ir of function fn from callgrind_annotate --inclusive=yes. */
double bench_callgrind_incl(const char *file, const char *fn)
{
    char *argv[] = { "callgrind_annotate", "--inclusive=yes", "--threshold=100", (char *)file, 0 };
    struct sbuf ob = { 0 };
    if (proc_run(argv, &ob, 0) != 0 || ob.oom || !ob.s) {
        sbuf_free(&ob);
        return -1;
    }
    char *out = ob.s;
    char pat[160];
    snprintf(pat, sizeof pat, ":%s ", fn);
    for (char *line = strtok(out, "\n"); line; line = strtok(0, "\n")) {
        char *p = strstr(line, pat);
        if (!p) {
            size_t l = strlen(line), k = strlen(pat) - 1;
            if (l < k || strncmp(line + l - k, pat, k))
                continue;
        }
        double v = 0;
        int any = 0;
        for (char *q = line; *q == ' ' || *q == ',' || (*q >= '0' && *q <= '9'); q++)
            if (*q >= '0' && *q <= '9') {
                v = v * 10 + (*q - '0');
                any = 1;
            }
        if (any) {
            sbuf_free(&ob);
            return v;
        }
    }
    sbuf_free(&ob);
    return -1;
}
