/* tests/unit/test_scenario.c — the scenario parser (sim/config/) and the
 * run-configuration helpers it relies on (sim/config/runcfg.c).
 *
 * Every bundled scenario must parse; fields must land where docs/scenarios.md
 * says; every broken scenario in tests/scenario_bad/ must be rejected at the
 * line and column its first line names:  "# error: LINE:COL text".
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/scenario.h"

#ifndef HVSIM_HOME_DEFAULT
#define HVSIM_HOME_DEFAULT "."
#endif
#define HOME HVSIM_HOME_DEFAULT

static struct hvsim_runcfg *cfg_new(void)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c); /* zeroed: an empty config */
    assert_non_null(c);
    return c;
}

static struct hvsim_runcfg *parse_ok(const char *text)
{
    struct hvsim_runcfg *c = cfg_new();
    char err[1024];
    int rc = scenario_parse_string("t.hvs", text, c, err, sizeof err);
    if (rc != 0)
        print_error("unexpected parse error:\n%s\n", err);
    assert_int_equal(rc, 0);
    return c;
}

/* Parse text that must fail; checks "t.hvs:LINE:COL: " and a fragment. */
static void parse_bad(const char *text, int line, int col, const char *fragment)
{
    struct hvsim_runcfg *c = cfg_new();
    char err[1024], prefix[64];
    memset(c, 0x5a, sizeof *c);
    assert_int_equal(scenario_parse_string("t.hvs", text, c, err, sizeof err), -1);
    snprintf(prefix, sizeof prefix, "t.hvs:%d:%d: ", line, col);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, fragment))
        print_error("want %s...%s\ngot: %s\n", prefix, fragment, err);
    assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
    assert_non_null(strstr(err, fragment));
    /* the output is untouched on error */
    assert_int_equal(((unsigned char *)c)[0], 0x5a);
    assert_int_equal(((unsigned char *)c)[sizeof *c - 1], 0x5a);
    free(c);
}

static unsigned vmask(enum hvsim_verdict a, int b)
{
    return (1u << a) | (b >= 0 ? 1u << b : 0);
}

static unsigned expected(const struct hvsim_runcfg *c, const char *cc, const char *opt,
                         const char *arch, const char *wait, const char *relax,
                         const char *wake, const char *engine)
{
    struct hvsim_variant v;
    memset(&v, 0, sizeof v);
    snprintf(v.cc, sizeof v.cc, "%s", cc);
    snprintf(v.opt, sizeof v.opt, "%s", opt);
    snprintf(v.arch, sizeof v.arch, "%s", arch);
    snprintf(v.wait, sizeof v.wait, "%s", wait);
    snprintf(v.relax, sizeof v.relax, "%s", relax);
    snprintf(v.wake, sizeof v.wake, "%s", wake);
    return runcfg_expected(c, &v, engine, NULL);
}

/* ------------------------------------------------------------------ */

static void test_names(void **state)
{
    (void)state;
    for (int v = 0; v < V__COUNT; v++) {
        enum hvsim_verdict back;
        assert_int_equal(verdict_parse(verdict_name((enum hvsim_verdict)v), &back), 0);
        assert_int_equal(back, v);
    }
    assert_string_equal(verdict_name(V_HANG_STALE_READ), "HANG_STALE_READ");
    assert_string_equal(verdict_name(V_BUILD_ERROR), "BUILD_ERROR");
    assert_int_equal(verdict_parse("HANG", NULL), -1);
    assert_int_equal(verdict_parse("pass", NULL), -1);
    for (int s = 0; s < HVSIM_SITE__COUNT; s++) {
        enum hvsim_site back;
        assert_int_equal(site_parse(site_name((enum hvsim_site)s), &back), 0);
        assert_int_equal(back, s);
    }
    assert_string_equal(site_name(HVSIM_SITE_BE_BEFORE_SLEEP), "be_before_sleep");
    assert_int_equal(site_parse("be_before_nap", NULL), -1);
}

static void test_defaults(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = cfg_new();
    runcfg_defaults(c);
    assert_int_equal(c->ncpus, 2);
    assert_string_equal(c->v.cc, "gcc");
    assert_string_equal(c->v.opt, "O2");
    assert_string_equal(c->v.wait, "volatile");
    assert_string_equal(c->v.wake, "fence");
    assert_string_equal(c->engine, "native");
    assert_string_equal(c->strategy, "pct");
    assert_int_equal(c->pct_depth, 3);
    assert_string_equal(c->memory_model, ""); /* det: the architecture's own model */
    assert_int_equal(c->ndevices, 2);
    assert_int_equal(c->devices[0].device_id, 2);
    assert_int_equal(c->devices[0].base, 0xa003e00);
    assert_int_equal(c->devices[0].irq_id, 78);
    assert_int_equal(c->devices[1].device_id, 1);
    assert_int_equal(c->devices[1].base, 0xa003c00);
    assert_int_equal(c->devices[1].vendor_id, 0x48565349);
    assert_int_equal(c->devices[1].queue_num_max, 256);
    assert_int_equal(c->devices[0].config[5], 0x45);
    assert_int_equal(c->devices[1].config[5], 0x85);
    assert_int_equal(c->naccess[0], 0);

    runcfg_default_workload(c, 2);
    assert_int_equal(c->naccess[0], 40);
    assert_int_equal(c->naccess[1], 40);
    unsigned notifies = 0;
    for (unsigned i = 0; i < c->naccess[1]; i++) {
        const struct hvsim_access *a = &c->acc[1][i];
        if (a->is_write) {
            assert_int_equal(a->addr & 0x1ff, VIRTIO_MMIO_QUEUE_NOTIFY);
            notifies++;
        } else {
            assert_int_equal(a->check, 1);
            assert_int_equal(a->size, 4);
        }
    }
    assert_int_equal(notifies, 4);
    assert_int_equal(c->acc[0][0].addr, 0xa003e00);
    assert_int_equal(c->acc[0][0].expect, VIRTIO_MMIO_MAGIC);
    assert_int_equal(c->acc[0][2].expect, 2);            /* blk DEVICE_ID */
    assert_int_equal(c->acc[0][12].expect, 1);           /* net DEVICE_ID */
    assert_int_equal(c->acc[0][5].expect, 0x43424140);   /* blk config+0 */
    /* rounds are clamped to what fits */
    runcfg_default_workload(c, 1000);
    assert_true(c->naccess[0] <= HVSIM_MAX_ACCESS);
    runcfg_free(c);
}

static void test_bundled_parse(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(HOME "/scenarios/*.hvs", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 7);
    struct hvsim_runcfg *c = cfg_new();
    char err[1024];
    for (size_t i = 0; i < g.gl_pathc; i++) {
        int rc = scenario_load(g.gl_pathv[i], c, err, sizeof err);
        if (rc)
            print_error("%s\n", err);
        assert_int_equal(rc, 0);
        assert_string_equal(c->path, g.gl_pathv[i]);
        assert_true(c->nexpect > 0);      /* every scenario states its expectations */
        assert_true(c->runs >= 1 && c->runs <= 10); /* kept small for the test suite */
        /* name line == file name */
        const char *b = strrchr(g.gl_pathv[i], '/') + 1;
        assert_int_equal(strncmp(c->name, b, strlen(c->name)), 0);
        assert_string_equal(b + strlen(c->name), ".hvs");
        unsigned total = 0;
        for (unsigned cpu = 0; cpu < c->ncpus; cpu++)
            total += c->naccess[cpu];
        assert_true(total > 0);
        /* the scenario's own default variant has an expectation */
        assert_true(runcfg_expected(c, &c->v, c->engine, runcfg_run_model(c, &c->v, c->engine)) != 0);
    }
    globfree(&g);
    runcfg_free(c);
}

static void test_seed_hang(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = cfg_new();
    char err[1024];
    assert_int_equal(scenario_load(HOME "/scenarios/seed_hang.hvs", c, err, sizeof err), 0);
    assert_string_equal(c->name, "seed_hang");
    assert_int_equal(c->ncpus, 1);
    assert_string_equal(c->v.wait, "plain");
    assert_string_equal(c->v.relax, "none");
    assert_int_equal(c->delay[HVSIM_SITE_BE_BEFORE_ANSWER].min_ns, 20000000);
    assert_int_equal(c->delay[HVSIM_SITE_BE_BEFORE_ANSWER].max_ns, 20000000);
    assert_int_equal(c->hang_ms, 50);
    assert_int_equal(c->timeout_ms, 5000);
    assert_int_equal(c->naccess[0], 4);
    assert_int_equal(c->naccess[1], 0);
    assert_int_equal(c->acc[0][0].addr, 0xa003f00);
    assert_int_equal(c->acc[0][0].expect, 0x43424140);
    assert_int_equal(c->acc[0][0].check, 1);
    assert_int_equal(c->acc[0][1].size, 8);
    assert_int_equal(c->acc[0][1].expect, 0x4f4e4d4c4b4a4948ull);
    assert_int_equal(c->acc[0][2].repeat, 2);
    assert_int_equal(c->acc[0][3].expect, VIRTIO_MMIO_MAGIC);

    unsigned hang = vmask(V_HANG_STALE_READ, V_WRONG_VALUE), pass = vmask(V_PASS, -1);
    for (int cc = 0; cc < 2; cc++) {
        const char *ccs = cc ? "clang" : "gcc";
        static const char *const hot[] = {"O1", "O2", "O3", "Os"};
        for (int o = 0; o < 4; o++)
            assert_int_equal(expected(c, ccs, hot[o], "x86_64", "plain", "none", "fence",
                                      "native"), hang);
        assert_int_equal(expected(c, ccs, "O0", "x86_64", "plain", "none", "fence", "native"),
                         pass);
        assert_int_equal(expected(c, ccs, "O2", "x86_64", "volatile", "none", "fence", "det"),
                         pass);
        assert_int_equal(expected(c, ccs, "O3", "x86_64", "acquire", "none", "fence",
                                  "native"), pass);
    }
    assert_int_equal(expected(c, "gcc", "Og", "x86_64", "plain", "none", "fence", "native"),
                     pass);
    assert_int_equal(expected(c, "clang", "Og", "x86_64", "plain", "none", "fence", "native"),
                     hang);
    assert_int_equal(expected(c, "gcc", "O2", "x86_64", "plain", "asm", "fence", "native"),
                     hang);
    assert_int_equal(expected(c, "clang", "O2", "x86_64", "plain", "asm", "fence", "native"),
                     pass);
    assert_int_equal(expected(c, "gcc", "O2", "riscv64", "plain", "default", "fence",
                              "native"), hang);
    assert_int_equal(expected(c, "gcc", "O2", "aarch64", "plain", "default", "fence",
                              "native"), pass);
    assert_true(expected(c, "gcc", "O2", "x86_64", "plain", "none", "fence", "tsan") &
                (1u << V_DATA_RACE));
    runcfg_free(c);
}

static void test_wakeup_race(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = cfg_new();
    char err[1024];
    assert_int_equal(scenario_load(HOME "/scenarios/wakeup_race.hvs", c, err, sizeof err), 0);
    assert_int_equal(c->poll_window, 0);
    const struct hvsim_delay_cfg *a = &c->delay[HVSIM_SITE_HV_PUBLISH];
    const struct hvsim_delay_cfg *b = &c->delay[HVSIM_SITE_BE_BEFORE_SLEEP];
    assert_int_equal(a->rendezvous, 1);
    assert_int_equal(a->partner, HVSIM_SITE_BE_BEFORE_SLEEP);
    assert_int_equal(b->rendezvous, 1);
    assert_int_equal(b->partner, HVSIM_SITE_HV_PUBLISH);
    assert_int_equal(a->jitter, 64);
    assert_int_equal(b->jitter, 64);
    assert_int_equal(expected(c, "gcc", "O2", "x86_64", "volatile", "default", "nofence",
                              "native"), vmask(V_LOST_WAKEUP, -1));
    assert_int_equal(expected(c, "clang", "O2", "x86_64", "volatile", "default", "fence",
                              "native"), vmask(V_PASS, -1));
    runcfg_free(c);
}

static void test_other_bundled(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = cfg_new();
    char err[1024];
    assert_int_equal(scenario_load(HOME "/scenarios/daemon_restart.hvs", c, err, sizeof err),
                     0);
    assert_int_equal(c->restart_daemon_after, 10);
    assert_int_equal(scenario_load(HOME "/scenarios/dropped_ipi.hvs", c, err, sizeof err), 0);
    assert_int_equal(c->ipi_drop_every, 3);
    assert_int_equal(c->poll_window, 0);
    assert_int_equal(scenario_load(HOME "/scenarios/no_device.hvs", c, err, sizeof err), 0);
    assert_int_equal(c->acc[0][1].addr, 0x9000000);
    assert_int_equal(c->acc[0][1].check, 1);
    assert_int_equal(c->acc[0][1].expect, 0);
    assert_int_equal(c->acc[0][1].repeat, 3);
    assert_int_equal(scenario_load(HOME "/scenarios/notify_storm.hvs", c, err, sizeof err), 0);
    assert_int_equal(c->ncpus, 4);
    for (unsigned cpu = 0; cpu < 4; cpu++) {
        assert_int_equal(c->acc[cpu][0].is_write, 1);
        assert_int_equal(c->acc[cpu][0].addr, 0xa003e50);
        assert_int_equal(c->acc[cpu][0].repeat, 63);
        assert_int_equal(c->acc[cpu][1].value, 1);
    }
    assert_int_equal(scenario_load(HOME "/scenarios/many_cpus.hvs", c, err, sizeof err), 0);
    assert_int_equal(c->ncpus, 8);
    assert_int_equal(c->delay[HVSIM_SITE_BE_BEFORE_ANSWER].min_ns, 20000);
    assert_int_equal(c->delay[HVSIM_SITE_BE_BEFORE_COMPLETE].max_ns, 200000);
    runcfg_free(c);
}

/* Every line form the issue text uses. */
static void test_issue_examples(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok(
        "# a comment\n"
        "cpus 4\n"
        "device blk id 2 at 0xa003e00 irq 78\n"
        "device net id 1 at 0xa003c00 irq 79 vendor 0x1af4 qmax 128 features 0x3\n"
        "delay be_before_answer 1ms..5ms\n"
        "delay hv_before_ipi 250us every 3\n"
        "rendezvous hv_publish be_before_sleep jitter 64\n"
        "poll-window 0\n"
        "restart-daemon after 10\n"
        "drop-ipi every 3\n"
        "engine det strategy pct depth 3\n"
        "runs 200\n"
        "seed 7\n"
        "cc clang  opt O3  arch aarch64  wait plain  relax none  wake nofence\n"
        "layout old  lto on  memory-model sc  bound 4  hang 100ms  timeout 2s\n"
        "cpu 0..3: read dev0+0x000 size 4 expect 0x74726976 repeat 10\n"
        "cpu 1,3: read dev1.device_id\n"
        "cpu all: notify blk queue 2 repeat 100   # ring-full pressure\n"
        "cpu 2: write net+0x070 size 4 value 0xf\n"
        "cpu 2: read net.status nocheck\n"
        "expect HANG_STALE_READ|WRONG_VALUE when wait=plain relax=none opt>=O1\n"
        "expect PASS when wait=volatile\n");
    assert_int_equal(c->ncpus, 4);
    assert_int_equal(c->ndevices, 2);
    assert_string_equal(c->devname[0], "blk");
    assert_string_equal(c->devname[1], "net");
    assert_int_equal(c->devices[1].vendor_id, 0x1af4);
    assert_int_equal(c->devices[1].queue_num_max, 128);
    assert_int_equal(c->devices[1].features, 3);
    assert_int_equal(c->delay[HVSIM_SITE_BE_BEFORE_ANSWER].min_ns, 1000000);
    assert_int_equal(c->delay[HVSIM_SITE_BE_BEFORE_ANSWER].max_ns, 5000000);
    assert_int_equal(c->delay[HVSIM_SITE_HV_BEFORE_IPI].min_ns, 250000);
    assert_int_equal(c->delay[HVSIM_SITE_HV_BEFORE_IPI].every, 3);
    assert_int_equal(c->delay[HVSIM_SITE_HV_PUBLISH].partner, HVSIM_SITE_BE_BEFORE_SLEEP);
    assert_int_equal(c->poll_window, 0);
    assert_int_equal(c->restart_daemon_after, 10);
    assert_int_equal(c->ipi_drop_every, 3);
    assert_string_equal(c->engine, "det");
    assert_string_equal(c->strategy, "pct");
    assert_int_equal(c->pct_depth, 3);
    assert_int_equal(c->dfs_bound, 4);
    assert_int_equal(c->runs, 200);
    assert_int_equal(c->seed, 7);
    assert_string_equal(c->v.cc, "clang");
    assert_string_equal(c->v.opt, "O3");
    assert_string_equal(c->v.arch, "aarch64");
    assert_string_equal(c->v.wait, "plain");
    assert_string_equal(c->v.relax, "none");
    assert_string_equal(c->v.wake, "nofence");
    assert_int_equal(c->v.layout_old, 1);
    assert_int_equal(c->v.lto, 1);
    assert_string_equal(c->memory_model, "sc");
    assert_int_equal(c->hang_ms, 100);
    assert_int_equal(c->timeout_ms, 2000);

    assert_int_equal(c->naccess[0], 2);
    assert_int_equal(c->naccess[1], 3);
    assert_int_equal(c->naccess[2], 4);
    assert_int_equal(c->naccess[3], 3);
    const struct hvsim_access *a = &c->acc[3][0];
    assert_int_equal(a->addr, 0xa003e00);
    assert_int_equal(a->size, 4);
    assert_int_equal(a->expect, 0x74726976);
    assert_int_equal(a->check, 1);
    assert_int_equal(a->repeat, 9);
    assert_int_equal(a->is_write, 0);
    a = &c->acc[1][1];
    assert_int_equal(a->addr, 0xa003c08);
    assert_int_equal(a->expect, 1);
    assert_int_equal(a->check, 1);
    a = &c->acc[0][1];
    assert_int_equal(a->addr, 0xa003e50);
    assert_int_equal(a->is_write, 1);
    assert_int_equal(a->value, 2);
    assert_int_equal(a->repeat, 99);
    a = &c->acc[2][2];
    assert_int_equal(a->addr, 0xa003c70);
    assert_int_equal(a->is_write, 1);
    assert_int_equal(a->value, 0xf);
    a = &c->acc[2][3];
    assert_int_equal(a->check, 0);

    assert_int_equal(c->nexpect, 2);
    assert_string_equal(c->expect[0].wait, "plain");
    assert_string_equal(c->expect[0].relax, "none");
    assert_string_equal(c->expect[0].cc, "");
    assert_int_equal(c->expect[0].opt_mask, 0x1e);
    assert_int_equal(c->expect[0].verdicts, vmask(V_HANG_STALE_READ, V_WRONG_VALUE));
    assert_int_equal(c->expect[0].line, 21);
    assert_int_equal(c->expect[1].opt_mask, 0);
    assert_int_equal(c->expect[1].verdicts, vmask(V_PASS, -1));
    /* first matching rule wins; no rule -> 0 */
    assert_int_equal(expected(c, "gcc", "Os", "x86_64", "plain", "none", "fence", "det"),
                     vmask(V_HANG_STALE_READ, V_WRONG_VALUE));
    assert_int_equal(expected(c, "gcc", "Og", "x86_64", "plain", "none", "fence", "det"), 0);
    assert_int_equal(expected(c, "gcc", "Og", "x86_64", "volatile", "none", "fence", "det"),
                     vmask(V_PASS, -1));
    runcfg_free(c);
}

static void test_opt_ranges(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok(
        "expect PASS when opt>=O1\n"   /* O1 O2 O3 Os */
        "expect PASS when opt<=O2\n"   /* O0 O1 O2 Os */
        "expect PASS when opt>O2\n"    /* O3 */
        "expect PASS when opt<O1\n"    /* O0 */
        "expect PASS when opt>=Os\n"   /* O2 O3 Os */
        "expect PASS when opt!=Og\n"   /* all but Og */
        "expect PASS when opt=O1,Og\n"
        "expect PASS when opt=O0,O1,O2,O3,Os,Og\n");
    static const unsigned want[] = {0x1e, 0x17, 0x08, 0x01, 0x1c, 0x1f, 0x22, 0x3f};
    assert_int_equal(c->nexpect, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(c->expect[i].opt_mask, want[i]);
    runcfg_free(c);
}

static void test_expect_lists(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok(
        "expect LOST_WAKEUP when cc=gcc,clang wait!=plain engine=native\n"
        "expect PASS\n");
    assert_int_equal(c->nexpect, 5);
    int seen[2][2] = {{0}};
    for (int i = 0; i < 4; i++) {
        const struct hvsim_expect *e = &c->expect[i];
        assert_string_equal(e->engine, "native");
        assert_int_equal(e->line, 1);
        int cc = strcmp(e->cc, "clang") == 0, w = strcmp(e->wait, "acquire") == 0;
        assert_true(cc || strcmp(e->cc, "gcc") == 0);
        assert_true(w || strcmp(e->wait, "volatile") == 0);
        seen[cc][w]++;
    }
    assert_int_equal(seen[0][0] + seen[0][1] + seen[1][0] + seen[1][1], 4);
    assert_int_equal(seen[0][0] * seen[0][1] * seen[1][0] * seen[1][1], 1);
    assert_int_equal(c->expect[4].verdicts, vmask(V_PASS, -1));
    assert_int_equal(expected(c, "gcc", "O2", "x86_64", "plain", "none", "fence", "native"),
                     vmask(V_PASS, -1));
    assert_int_equal(expected(c, "clang", "O2", "x86_64", "acquire", "none", "fence",
                              "native"), vmask(V_LOST_WAKEUP, -1));
    runcfg_free(c);
    /* 3 relax x 3 wait x 4 engine = 36 rules: more than the old limit of 32 */
    c = parse_ok("expect PASS when relax=none,asm,pause wait=plain,volatile,acquire "
                 "engine=native,det,tsan,helgrind\n");
    assert_int_equal(c->nexpect, 36);
    assert_string_equal(c->expect[35].engine, "helgrind");
    runcfg_free(c);
}

static void test_known_values(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok(
        "device disk id 2 at 0x10000000 irq 40 qmax 64\n"
        "device con id 3 at 0x10000200 irq 41 vendor 0x554d4551\n"
        "device rng id 4 at 0x10000400 irq 42\n"
        "cpus 3\n"
        "cpu 0: read con.device_id\n"
        "cpu 0: read dev0.queue_num_max\n"
        "cpu 0: read con.vendor_id\n"
        "cpu 0: read dev2.config+3 size 1\n"
        "cpu 0: read disk.config+62 size 2\n"
        "cpu 0: read 0x10000604 size 4\n"       /* nobody's */
        "cpu 0: read 0x10000204 size 4\n"       /* con VERSION, by address */
        "cpu 0: read dev1+0x100 size 8\n"
        "cpu 0: read disk.config+64 size 4 nocheck\n"
        "cpu 0: read con.magic expect 0x12345678\n");
    assert_int_equal(c->ndevices, 3);
    assert_string_equal(c->devname[2], "rng");
    const struct hvsim_access *a = c->acc[0];
    assert_int_equal(c->naccess[0], 10);
    assert_int_equal(a[0].expect, 3);
    assert_int_equal(a[1].expect, 64);
    assert_int_equal(a[2].expect, 0x554d4551);
    assert_int_equal(a[3].expect, (0x40 * 3 + 3) & 0xff);
    assert_int_equal(a[4].expect, 0x7f7e);
    assert_int_equal(a[5].addr, 0x10000604);
    assert_int_equal(a[5].expect, 0);
    assert_int_equal(a[5].check, 1);
    assert_int_equal(a[6].expect, 2);
    assert_int_equal(a[7].expect, 0x8786858483828180ull);
    assert_int_equal(a[8].check, 0);
    assert_int_equal(a[9].expect, 0x12345678);
    for (int i = 0; i < 8; i++)
        assert_int_equal(a[i].check, 1);
    uint64_t v;
    assert_int_equal(scenario_known_value(c, 0x10000070, 4, &v), 0); /* STATUS: state */
    assert_int_equal(scenario_known_value(c, 0x10000000, 2, &v), 0); /* half a register */
    assert_int_equal(scenario_known_value(c, 0x0ffffffc, 8, &v), 0); /* runs into disk */
    assert_int_equal(scenario_device_at(c, 0x100005ff), 2);
    assert_int_equal(scenario_device_at(c, 0x10000600), -1);
    runcfg_free(c);
}

static void test_no_workload_gets_default(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok("cpus 3\nseed 0x10\n");
    assert_int_equal(c->seed, 16);
    assert_string_equal(c->name, "t");
    for (unsigned cpu = 0; cpu < 3; cpu++)
        assert_int_equal(c->naccess[cpu], 20);
    assert_int_equal(c->naccess[3], 0);
    runcfg_free(c);
    c = parse_ok("");
    assert_int_equal(c->ncpus, 2);
    assert_int_equal(c->naccess[0], 20);
    runcfg_free(c);
    c = parse_ok("name my-test.v2\r\ncpu 0: read dev0.magic\r\n");
    assert_string_equal(c->name, "my-test.v2");
    assert_int_equal(c->naccess[0], 1);
    assert_int_equal(c->naccess[1], 0);
    runcfg_free(c);
}

static void test_inline_errors(void **state)
{
    (void)state;
    parse_bad("cpus 17\n", 1, 6, "cpus 17 out of range: expected 1..16");
    parse_bad("cpus\n", 1, 5, "expected a value after 'cpus'");
    parse_bad("seed 0x\n", 1, 6, "bad number '0x'");
    parse_bad("seed 99999999999999999999\n", 1, 6, "too large");
    parse_bad("runs 0\n", 1, 6, "runs 0 out of range");
    parse_bad("cc tcc\n", 1, 4, "expected gcc or clang");
    parse_bad("opt -O2\n", 1, 5, "expected O0, O1, O2, O3, Os or Og");
    parse_bad("cpu 0: read dev0.magic\ncpus 4\n", 2, 1, "before the first cpu line (line 1)");
    parse_bad("cpu 3..1: read dev0.magic\n", 1, 5, "empty CPU range");
    parse_bad("cpu 0,,1: read dev0.magic\n", 1, 7, "expected a CPU number");
    parse_bad("cpu 0: read foo.magic\n", 1, 13, "unknown device 'foo': expected blk (dev0), "
              "net (dev1)");
    parse_bad("cpu 0: read dev0.magik\n", 1, 18, "unknown register 'magik'");
    parse_bad("cpu 0: read dev0+0x200\n", 1, 18, "outside the device window");
    parse_bad("cpu 0: read dev0+0x1fe size 4 nocheck\n", 1, 13, "crosses the edge");
    parse_bad("cpu 0: read dev0\n", 1, 17, "expected '+OFFSET' or '.REGISTER'");
    parse_bad("cpu 0: notify dev0.magic\n", 1, 15, "notify takes a device name");
    parse_bad("cpu 0: write dev0+0x70 size 4\n", 1, 30, "write needs 'value V'");
    parse_bad("cpu 0: write dev0+0x70 value 1 expect 1\n", 1, 32, "'expect' does not apply "
              "to write");
    parse_bad("cpu 0: read dev0.magic value 1\n", 1, 24, "reads take 'expect'");
    parse_bad("cpu 0: read dev0.magic repeat 0\n", 1, 31, "repeat count 0 out of range");
    parse_bad("cpu 0: read dev0.magic repeat 65537\n", 1, 31, "expected 1..65536");
    parse_bad("cpu 0: read dev0.magic size 4 size 4\n", 1, 31, "'size' given twice");
    parse_bad("cpu 0: read dev0.magic expect 1 nocheck\n", 1, 33, "contradicts");
    parse_bad("cpu 0: read dev0.config+4 size 1 expect 0x100\n", 1, 41, "does not fit in 1 "
              "byte");
    parse_bad("device blk id 2 at 0xa003e01 irq 1\n", 1, 20, "not 0x200-aligned");
    parse_bad("device a id 2 at 0x1000 irq 1\ndevice b id 1 at 0x1000 irq 2\n", 2, 18,
              "overlaps device 'a'");
    parse_bad("device a id 2 at 0x1000\n", 1, 24, "device line needs 'irq N'");
    parse_bad("device dev1 id 2 at 0x1000 irq 1\n", 1, 8, "reserved");
    parse_bad("device a id 0 at 0x1000 irq 1\n", 1, 13, "device id 0 out of range");
    parse_bad("device a id 1 at 0x1000 irq 1 colour red\n", 1, 31, "unknown device attribute");
    parse_bad("device a id 1 at 0x0 irq 1\ndevice b id 1 at 0x200 irq 1\n"
              "device c id 1 at 0x400 irq 1\ndevice d id 1 at 0x600 irq 1\n"
              "device e id 1 at 0x800 irq 1\n", 5, 1, "too many devices");
    parse_bad("delay be_before_answer 5ms..1ms\n", 1, 24, "empty range");
    parse_bad("delay be_before_answer ..1ms\n", 1, 24, "expected a value before '..'");
    parse_bad("delay be_before_answer 5ks\n", 1, 25, "bad unit 'ks'");
    parse_bad("delay be_before_answer 61s\n", 1, 24, "at most 60s");
    parse_bad("delay be_before_answer 1ms\ndelay be_before_answer 2ms\n", 2, 7,
              "already set at line 1");
    parse_bad("delay be_before_answer 1ms\nslow-device 2ms\n", 2, 1, "already set at line 1");
    parse_bad("delay be_before_answer 1ms every\n", 1, 33, "expected a value after 'every'");
    parse_bad("delay be_before_answer 1ms sometimes\n", 1, 28, "expected 'every N'");
    parse_bad("rendezvous hv_publish hv_publish\n", 1, 23, "two different sites");
    parse_bad("rendezvous hv_publish be_before_sleep\nrendezvous be_after_wake hv_publish\n",
              2, 26, "already in a rendezvous at line 1");
    parse_bad("restart-daemon 10\n", 1, 16, "expected 'restart-daemon after N'");
    parse_bad("drop-ipi every 0\n", 1, 16, "every 0 out of range");
    parse_bad("drop-ipi every 2 3\n", 1, 18, "unexpected '3'");
    parse_bad("expect\n", 1, 7, "expected a verdict");
    parse_bad("expect PASS|\n", 1, 13, "expected a verdict after '|'");
    parse_bad("expect PASS | WRONG_VALUE\n", 1, 13, "expected 'when'");
    parse_bad("expect PASS when\n", 1, 17, "expected a condition after 'when'");
    parse_bad("expect PASS when wait\n", 1, 18, "expected a condition KEY=VALUE");
    parse_bad("expect PASS when colour=red\n", 1, 18, "unknown condition key 'colour'");
    parse_bad("expect PASS when wait=\n", 1, 23, "expected a value after '='");
    parse_bad("expect PASS when wait=plain,\n", 1, 29, "expected a value");
    parse_bad("expect PASS when wait>=plain\n", 1, 22, "only applies to opt");
    parse_bad("expect PASS when opt>=O1,O2\n", 1, 25, "takes one level");
    parse_bad("expect PASS when opt>O3\n", 1, 18, "matches no value");
    parse_bad("expect PASS when wait=plain wait=volatile\n", 1, 29, "given twice");
    parse_bad("expect PASS when wake=nofence,sometimes\n", 1, 31, "unknown wake 'sometimes'");
    parse_bad("expect PASS when wait!plain\n", 1, 22, "expected '!='");
    parse_bad("hang 5s\n", 1, 1, "must be shorter than timeout");
    parse_bad("timeout 40ms\n", 1, 1, "must be shorter than timeout");
    parse_bad("name a/b\n", 1, 7, "bad character in name");
    parse_bad("engine det bogus 3\n", 1, 12, "unknown key 'bogus': expected a setting");
    parse_bad("cpu 0: read dev0.magic : x\n", 1, 24, "unknown option ':'");
}

static void test_error_format(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = cfg_new();
    char err[512];
    assert_int_equal(scenario_parse_string("dir/x.hvs", "cpus 2\n\tcpu 0: read dev9.magic\n",
                                           c, err, sizeof err), -1);
    assert_string_equal(err, "dir/x.hvs:2:14: no device dev9: this scenario has 2 devices "
                        "(dev0..dev1)\n\tcpu 0: read dev9.magic\n\t            ^");
    /* a short buffer is truncated, still NUL-terminated */
    char tiny[12];
    memset(tiny, 'x', sizeof tiny);
    assert_int_equal(scenario_parse_string("dir/x.hvs", "bogus\n", c, tiny, sizeof tiny), -1);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
    assert_int_equal(scenario_parse_string("x", "bogus\n", c, NULL, 0), -1);
    /* missing file */
    assert_int_equal(scenario_load(HOME "/scenarios/does_not_exist.hvs", c, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "cannot open"));
    runcfg_free(c);
}

/* Each tests/scenario_bad/NAME.hvs starts with "# error: LINE:COL fragment". */
static void test_bad_scenarios(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(HOME "/tests/scenario_bad/*.hvs", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 6);
    struct hvsim_runcfg *c = cfg_new();
    char err[2048], head[256], prefix[300];
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        assert_non_null(fgets(head, sizeof head, f));
        fclose(f);
        head[strcspn(head, "\n")] = 0;
        int line = 0, col = 0, off = 0;
        if (sscanf(head, "# error: %d:%d %n", &line, &col, &off) != 2 || off == 0)
            fail_msg("%s: first line must be '# error: LINE:COL fragment'", path);
        const char *fragment = head + off;
        memset(c, 0x5a, sizeof *c);
        assert_int_equal(scenario_load(path, c, err, sizeof err), -1);
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", path, line, col);
        if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, fragment))
            fail_msg("%s: want '%s...%s', got:\n%s", path, prefix, fragment, err);
        /* the offending line follows, then a caret under the column */
        const char *l1 = strchr(err, '\n');
        assert_non_null(l1);
        const char *l2 = strchr(l1 + 1, '\n');
        assert_non_null(l2);
        assert_int_equal((int)strlen(l2 + 1), col);
        assert_int_equal(l2[col], '^');
        assert_int_equal(((unsigned char *)c)[0], 0x5a);
    }
    globfree(&g);
    free(c);
}

/* The user's own code (issue 10): hv/backend/hv-lib/backend-lib/include/
 * cflags, paths relative to the scenario file's directory. */
static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("/* test */\n", f);
    fclose(f);
}

/* issue 18: boot order, access-size masking, and vendor/device ids as real
 * hvisor-tool devices have them (VIRT_VENDOR 0x48564953). */
static void test_real_code_settings(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok("cpus 1\n");
    assert_int_equal(c->boot_daemon_first, 0);  /* default: together */
    assert_int_equal(c->mask_by_size, 0);       /* default: the handler's value as is */
    runcfg_free(c);
    c = parse_ok("boot daemon-first\nmask-by-size on\n"
                 "device blk id 2 at 0xa003e00 irq 78 vendor 0x48564953\n"
                 "cpu 0: read blk.vendor_id\n");
    assert_int_equal(c->boot_daemon_first, 1);
    assert_int_equal(c->mask_by_size, 1);
    assert_int_equal(c->devices[0].device_id, 2);
    assert_int_equal(c->devices[0].vendor_id, 0x48564953);
    assert_int_equal(c->acc[0][0].expect, 0x48564953); /* the guest's right answer follows */
    runcfg_free(c);
    c = parse_ok("boot together\nmask-by-size off\n");
    assert_int_equal(c->boot_daemon_first, 0);
    assert_int_equal(c->mask_by_size, 0);
    assert_int_equal(hvsim_mask_to_size(0x1122334455667788ull, 1), 0x88);
    assert_int_equal(hvsim_mask_to_size(0x1122334455667788ull, 2), 0x7788);
    assert_int_equal(hvsim_mask_to_size(0x1122334455667788ull, 4), 0x55667788);
    assert_true(hvsim_mask_to_size(0x1122334455667788ull, 8) == 0x1122334455667788ull);
    runcfg_free(c);
}

/* delay at entry|return of F / at FILE:LINE (issue 18) */
static void test_delay_at(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok("delay at entry of virtio_handle_req 200us\n"
                                      "delay at return of f 1ms..2ms every 3\n"
                                      "delay at " HOME "/tests/data/fn_delay/daemon.c:20 5us\n");
    assert_int_equal(c->n_fndelay, 3);
    assert_string_equal(c->fndelay[0].sym, "virtio_handle_req");
    assert_int_equal(c->fndelay[0].at_return, 0);
    assert_true(c->fndelay[0].min_ns == 200000 && c->fndelay[0].max_ns == 200000);
    assert_int_equal(c->fndelay[1].at_return, 1);
    assert_true(c->fndelay[1].min_ns == 1000000 && c->fndelay[1].max_ns == 2000000);
    assert_int_equal(c->fndelay[1].every, 3);
    assert_string_equal(c->fndelay[2].sym, "");
    assert_non_null(strstr(c->fndelay[2].file, "/tests/data/fn_delay/daemon.c"));
    assert_int_equal(c->fndelay[2].line, 20);
    assert_non_null(strstr(c->fndelay[0].where, ":1:19")); /* where a build-time error points */
    runcfg_free(c);
    c = parse_ok("cpus 1\n");
    assert_int_equal(c->n_fndelay, 0);
    runcfg_free(c);
}

/* expect … when lib-opt=… (a --hv-lib's own opt-level, issue 18) */
static void test_expect_lib_opt(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok("expect PASS when lib-opt=0\n"
                                      "expect HANG_STALE_READ when lib-opt!=0,z\n"
                                      "expect WRONG_VALUE\n");
    struct hvsim_variant v = c->v;
    snprintf(v.lib_opt, sizeof v.lib_opt, "0");
    assert_int_equal(runcfg_expected(c, &v, "native", NULL), 1u << V_PASS);
    snprintf(v.lib_opt, sizeof v.lib_opt, "s");
    assert_int_equal(runcfg_expected(c, &v, "native", NULL), 1u << V_HANG_STALE_READ);
    snprintf(v.lib_opt, sizeof v.lib_opt, "z");
    assert_int_equal(runcfg_expected(c, &v, "native", NULL), 1u << V_WRONG_VALUE);
    v.lib_opt[0] = 0; /* no library, or its opt-level unknown: no lib-opt rule matches */
    assert_int_equal(runcfg_expected(c, &v, "native", NULL), 1u << V_WRONG_VALUE);
    runcfg_free(c);
}

static void test_user_code(void **state)
{
    (void)state;
    char dir[] = "/tmp/hvsim-test-scenario-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[4][512], name[512], inc[512];
    const char *files[4] = { "h1.c", "h2.c", "d.c", "lib.a" };
    for (int i = 0; i < 4; i++) {
        snprintf(p[i], sizeof p[i], "%s/%s", dir, files[i]);
        touch(p[i]);
    }
    /* a library is recognised by its content (an ar archive), not its name */
    FILE *lf = fopen(p[3], "w");
    assert_non_null(lf);
    fputs("!<arch>\n", lf);
    fclose(lf);
    snprintf(inc, sizeof inc, "%s/inc", dir);
    assert_int_equal(mkdir(inc, 0777), 0);
    snprintf(name, sizeof name, "%s/mine.hvs", dir);

    struct hvsim_runcfg *c = cfg_new();
    char err[1024];
    const char *text =
        "hv h1.c   h2.c   # two files\n"
        "backend ./d.c\n"
        "hv-lib lib.a\n"
        "include inc\n"
        "cflags \"-DX=1 -DMSG=a:b#c\"  # quoted: blanks, ':' and '#' kept\n";
    int rc = scenario_parse_string(name, text, c, err, sizeof err);
    if (rc)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(c->n_hv_src, 2);
    assert_string_equal(c->hv_src[0], p[0]);
    assert_string_equal(c->hv_src[1], p[1]);
    assert_int_equal(c->n_be_src, 1);
    assert_string_equal(c->be_src[0], p[2]);
    assert_int_equal(c->n_hv_lib, 1);
    assert_string_equal(c->hv_lib[0], p[3]);
    assert_int_equal(c->n_be_lib, 0);
    assert_int_equal(c->n_incdir, 1);
    assert_string_equal(c->incdir[0], inc);
    assert_string_equal(c->extra_cflags, "-DX=1 -DMSG=a:b#c");

    /* unquoted cflags: the rest of the line, less a comment */
    assert_int_equal(scenario_parse_string(name, "cflags -DA -DB   # c\n", c, err, sizeof err), 0);
    assert_string_equal(c->extra_cflags, "-DA -DB");
    /* absolute paths are taken as they are */
    char abs[700];
    snprintf(abs, sizeof abs, "backend %s\n", p[2]);
    assert_int_equal(scenario_parse_string("elsewhere/x.hvs", abs, c, err, sizeof err), 0);
    assert_string_equal(c->be_src[0], p[2]);
    /* without the statements: nothing of the user's */
    assert_int_equal(scenario_parse_string(name, "cpus 1\n", c, err, sizeof err), 0);
    assert_int_equal(c->n_hv_src + c->n_be_src + c->n_hv_lib + c->n_incdir, 0);
    assert_null(c->extra_cflags);

    /* errors: file:line:col at the offending word */
    struct { const char *text; int line, col; const char *frag; } bad[] = {
        { "hv\n", 1, 3, "'hv' needs at least one file" },
        { "hv h1.c nothere.c\n", 1, 9, "hv 'nothere.c': No such file" },
        { "backend inc\n", 1, 9, "is a directory, not a file" },
        { "include h1.c\n", 1, 9, "not a directory" },
        { "cflags \"-DX\n", 1, 8, "unterminated string" },
        { "cflags\n", 1, 7, "cflags needs a value" },
        { "cflags \"-DX\" y\n", 1, 14, "unexpected text after the cflags string" },
        { "cflags -DX\ncflags -DY\n", 2, 1, "cflags given twice (first on line 1)" },
        { "hvv h1.c\n", 1, 1, "line keyword" },
    };
    runcfg_clear(c); /* then garbage: an error must leave it untouched */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(c, 0x5a, sizeof *c);
        char prefix[700];
        assert_int_equal(scenario_parse_string(name, bad[i].text, c, err, sizeof err), -1);
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", name, bad[i].line, bad[i].col);
        if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, bad[i].frag))
            print_error("case %zu: want %s...%s\ngot: %s\n", i, prefix, bad[i].frag, err);
        assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
        assert_non_null(strstr(err, bad[i].frag));
        assert_int_equal(((unsigned char *)c)[0], 0x5a);
    }
    free(c);
    for (int i = 0; i < 4; i++)
        unlink(p[i]);
    rmdir(inc);
    rmdir(dir);
}

/* det engine bounds (issue 15): settings, ranges, defaults of 0 = engine default */
static void test_det_bounds(void **state)
{
    (void)state;
    struct hvsim_runcfg *c = parse_ok("det-max-decisions 5000\ndet-max-points 1000000\n"
                                      "det-quiet-points 65536\n");
    assert_int_equal(c->det_max_decisions, 5000);
    assert_true(c->det_max_points == 1000000);
    assert_true(c->det_quiet_points == 65536);
    runcfg_free(c);
    c = parse_ok("cpus 2\n");
    assert_int_equal(c->det_max_decisions, 0);
    assert_true(c->det_max_points == 0 && c->det_quiet_points == 0);
    runcfg_free(c);
    parse_bad("det-max-decisions 0\n", 1, 19, "between 1 and 131072");
    parse_bad("det-max-decisions 131073\n", 1, 19, "between 1 and 131072");
    parse_bad("det-quiet-points many\n", 1, 18, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_det_bounds),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bundled_parse),
        cmocka_unit_test(test_seed_hang),
        cmocka_unit_test(test_wakeup_race),
        cmocka_unit_test(test_other_bundled),
        cmocka_unit_test(test_issue_examples),
        cmocka_unit_test(test_opt_ranges),
        cmocka_unit_test(test_expect_lists),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_no_workload_gets_default),
        cmocka_unit_test(test_inline_errors),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_bad_scenarios),
        cmocka_unit_test(test_user_code),
        cmocka_unit_test(test_real_code_settings),
        cmocka_unit_test(test_delay_at),
        cmocka_unit_test(test_expect_lib_opt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
