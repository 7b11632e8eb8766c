/* sim/bench/bench_hang.c — section 4: hang detection latency, flag
 * changed → verdict, over many runs of a build that hangs (gcc -O2
 * plain/none natively; aarch64 under qemu-user when installed).
 *
 * Two figures per run:
 *   reported     run_result.judge_latency_ms, as the native watchdog computes
 *                it (first observed change → its decision, sim/engine/native/native.c);
 *   independent  measured here: a thread of the bench maps the run's memfd
 *                region (found in /proc/self/fd) and polls cfg_flags[cpu0]
 *                every ~20 us; the time from the flag change of the access
 *                that hangs to native_run() returning the verdict.  It includes
 *                what "reported" leaves out: the lag of the watchdog's first
 *                observation (2 ms poll), PC sampling and the kill. */
#define _GNU_SOURCE
#include "bench.h"
#include "util/sbuf.h"
#include "engine/native/native.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAXRUNS 64

struct hwatch {
    volatile int run;
    void *base;
    uint64_t since, sdone;
};

static void *find_region(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 0;
    void *base = 0;
    struct dirent *e;
    while (!base && (e = readdir(d))) {
        char p[300], l[300];
        snprintf(p, sizeof p, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(p, l, sizeof l - 1);
        if (n <= 0)
            continue;
        l[n] = 0;
        if (!strstr(l, "memfd:hvsim-region"))
            continue;
        int fd = open(p, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        /* not yet ftruncate'd (or not ours): mapping it would SIGBUS */
        if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < HVSIM_REGION_SIZE) {
            close(fd);
            continue;
        }
        void *m = mmap(0, HVSIM_REGION_SIZE, PROT_READ, MAP_SHARED, fd, 0);
        close(fd);
        if (m == MAP_FAILED)
            continue;
        if (__atomic_load_n(&hvsim_region_ctl(m)->magic, __ATOMIC_ACQUIRE) == HVSIM_CTL_MAGIC &&
            hvsim_region_ctl(m)->ncpus >= 1)
            base = m;
        else
            munmap(m, HVSIM_REGION_SIZE);
    }
    closedir(d);
    return base;
}

static void *watch_main(void *arg)
{
    struct hwatch *w = arg;
    prctl(PR_SET_TIMERSLACK, 1UL);
    while (w->run) {
        if (!w->base) {
            w->base = find_region();
        } else {
            const struct hvsim_ctl *ctl = hvsim_region_ctl(w->base);
            const struct virtio_bridge *br = hvsim_region_bridge(w->base);
            uint32_t st = __atomic_load_n(&ctl->cpu[0].state, __ATOMIC_ACQUIRE);
            uint64_t fb = __atomic_load_n(&ctl->cpu[0].flag_before, __ATOMIC_RELAXED);
            uint64_t dn = __atomic_load_n(&ctl->cpu[0].done, __ATOMIC_RELAXED);
            uint64_t mem = __atomic_load_n(&br->cfg_flags[0], __ATOMIC_RELAXED);
            if (st == HVSIM_CPU_IN_HANDLER && mem != fb) {
                if (!w->since || w->sdone != dn) {
                    w->since = bench_now_ns();
                    w->sdone = dn;
                }
            } else {
                w->since = 0;
            }
        }
        struct timespec ts = { 0, 20000 };
        nanosleep(&ts, 0);
    }
    return 0;
}

struct hang_stats {
    double rep[MAXRUNS], ind[MAXRUNS];
    unsigned n, other, failed;
    char why[600];
};

static void hang_runs_with(struct hvsim_runcfg *c, struct bench *b, const char *cc, const char *arch,
                           unsigned hang_ms, unsigned runs, struct hang_stats *s)
{
    memset(s, 0, sizeof *s);
    runcfg_default_run(c);
    snprintf(c->v.cc, sizeof c->v.cc, "%s", cc);
    snprintf(c->v.arch, sizeof c->v.arch, "%s", arch);
    snprintf(c->v.opt, sizeof c->v.opt, "O2");
    snprintf(c->v.wait, sizeof c->v.wait, "plain");
    snprintf(c->v.relax, sizeof c->v.relax, "none");
    if (hang_ms)
        c->hang_ms = hang_ms;
    struct build_out bo;
    char err[1024];
    if (build_participants(c, BUILD_NATIVE, &bo, err, sizeof err) < 0) {
        fmt_cut(s->why, sizeof s->why, "not measured: %s", err);
        return;
    }
    (void)b;
    for (unsigned i = 0; i < runs && i < MAXRUNS; i++) {
        struct run_result *r = calloc(1, sizeof *r);
        struct hwatch w = { .run = 1 };
        pthread_t th;
        int have_th = pthread_create(&th, 0, watch_main, &w) == 0;
        int rc = native_run(c, &bo, 1000 + i, r, err, sizeof err);
        uint64_t t_ret = bench_now_ns();
        w.run = 0;
        if (have_th)
            pthread_join(th, 0);
        if (rc < 0) {
            s->failed++;
            fmt_cut(s->why, sizeof s->why, "not measured: %s", err);
        } else if (r->verdict != V_HANG_STALE_READ) {
            s->other++;
        } else if (w.since) {
            s->rep[s->n] = (double)r->judge_latency_ms;
            s->ind[s->n++] = (double)(t_ret - w.since) / 1e6;
        } else {
            s->failed++;
            snprintf(s->why, sizeof s->why, "not measured: the bench never saw the flag change");
        }
        if (w.base)
            munmap(w.base, HVSIM_REGION_SIZE);
        free(r);
    }
    if (!s->n && !s->why[0])
        snprintf(s->why, sizeof s->why, "not measured: no run hung (%u other verdicts)", s->other);
}

static void hang_runs(struct bench *b, const char *cc, const char *arch, unsigned hang_ms,
                      unsigned runs, struct hang_stats *s)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(s->why, sizeof s->why, "not measured: out of memory");
        return;
    }
    hang_runs_with(c, b, cc, arch, hang_ms, runs, s);
    runcfg_free(c);
}

static void add_rows(struct bench *b, json_t *arr, const char *label, unsigned thr,
                     struct hang_stats *s, int target)
{
    json_t *j = json_pack("{s:s,s:i,s:i,s:i}", "name", label, "hang_threshold_ms", (int)thr,
                          "hung_runs", (int)s->n, "other_verdicts", (int)s->other);
    json_array_append_new(arr, j);
    char name[112];
    snprintf(name, sizeof name, "%s: flag change -> verdict returned", label);
    struct bench_row *ri = bench_row_add(b, "hang", name, "ms");
    snprintf(name, sizeof name, "%s: judge_latency_ms as reported", label);
    struct bench_row *rr = bench_row_add(b, "hang", name, "ms");
    /* absolute: the hang threshold is a setting, not a measurement, so no
     * ratio against it; it is shown as context in the baseline column.  The
     * figure starts at the bench's own 20 us poller seeing the flag change:
     * the raw flag-change observation of the same run. */
    snprintf(ri->base_name, sizeof ri->base_name, "hang threshold setting (context)");
    snprintf(rr->base_name, sizeof rr->base_name, "hang threshold setting (context)");
    ri->base = rr->base = thr;
    ri->absolute = rr->absolute = 1;
    if (target)
        snprintf(ri->target, sizeof ri->target, "median <= 50 ms");
    if (!s->n) {
        bench_row_nm(ri, "%s", s->why);
        bench_row_nm(rr, "%s", s->why);
        json_object_set_new(j, "not_measured", json_string(s->why));
        return;
    }
    json_object_set_new(j, "independent_ms", bench_json_list(s->ind, s->n));
    json_object_set_new(j, "reported_ms", bench_json_list(s->rep, s->n));
    double a[MAXRUNS];
    memcpy(a, s->ind, sizeof(double) * s->n);
    ri->value = bench_median(a, s->n);
    ri->p99 = bench_pct(a, s->n, 0.99);
    memcpy(a, s->rep, sizeof(double) * s->n);
    rr->value = bench_median(a, s->n);
    rr->p99 = bench_pct(a, s->n, 0.99);
    if (rr->value <= 0)
        bench_row_nm(rr, "not measured: judge_latency_ms was 0 in every run");
    if (target)
        ri->met = ri->value <= 50.0;
    double d[MAXRUNS];
    for (unsigned i = 0; i < s->n; i++)
        d[i] = s->ind[i] - s->rep[i];
    json_object_set_new(j, "median_ms", json_real(ri->value));
    json_object_set_new(j, "p99_ms", json_real(ri->p99));
    json_object_set_new(j, "reported_median_ms", json_real(rr->value));
    json_object_set_new(j, "reported_p99_ms", json_real(rr->p99));
    json_object_set_new(j, "unreported_median_ms", json_real(bench_median(d, s->n)));
}

static void bench_hang_with(struct hvsim_runcfg *def, struct bench *b)
{
    json_t *sec = json_object();
    json_object_set_new(b->sections, "hang", sec);
    json_t *arr = json_array();
    json_object_set_new(sec, "configs", arr);
    runcfg_default_run(def);
    unsigned runs = b->quick ? 3 : 50;
    struct hang_stats s;
    hang_runs(b, "gcc", "x86_64", 0, runs, &s);
    add_rows(b, arr, "native gcc -O2 plain/none", def->hang_ms, &s, 1);
    hang_runs(b, "gcc", "x86_64", 50, b->quick ? 2 : 20, &s);
    add_rows(b, arr, "native, --hang-ms 50", 50, &s, 0);
    if (build_compiler_available("gcc", "aarch64")) {
        hang_runs(b, "gcc", "aarch64", 0, b->quick ? 2 : 50, &s);
    } else {
        memset(&s, 0, sizeof s);
        snprintf(s.why, sizeof s.why, "not measured: aarch64-linux-gnu-gcc or qemu-aarch64 not installed");
    }
    add_rows(b, arr, "aarch64 gcc -O2 plain/none (qemu-user)", def->hang_ms, &s, 0);
    json_object_set_new(sec, "note",
        json_string("independent = the bench's own 20 us poller saw cfg_flags[cpu] change for the "
                    "access that hangs -> native_run() returned the verdict; reported = "
                    "run_result.judge_latency_ms (first watchdog observation -> decision, before PC "
                    "sampling). qemu-user runs foreign code on the host's memory model."));
}

void bench_hang(struct bench *b)
{
    struct hvsim_runcfg *def = calloc(1, sizeof *def);
    if (!def) {
        return;
    }
    bench_hang_with(def, b);
    runcfg_free(def);
}
