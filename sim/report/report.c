/* sim/report/report.c — loading, validation, merge, write_all and the
 * `hvsim report` / `hvsim merge` commands. */
#include "report.h"
#include "report_int.h"
#include "util/outpath.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------- small helpers ---------- */

const char *rj_str(json_t *o, const char *key, const char *def)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : def;
}

long long rj_int(json_t *o, const char *key, long long def)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    if (json_is_integer(v))
        return (long long)json_integer_value(v);
    if (json_is_real(v))
        return (long long)json_real_value(v);
    return def;
}

int rj_is_int(json_t *o, const char *key)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    return json_is_integer(v) || json_is_real(v);
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *const OPT_ORDER[] = {"O0", "O1", "O2", "O3", "Os", "Og", "Oz", "Ofast", NULL};
static const char *const CC_ORDER[] = {"gcc", "clang", NULL};
static const char *const ARCH_ORDER[] = {"x86_64", "aarch64", "riscv64", "ppc64le", "loongarch64", NULL};
static const char *const ENGINE_ORDER[] = {"native", "det", "deterministic", "threads", "tsan", NULL};
static const char *const WAIT_ORDER[] = {"plain", "volatile", "acquire", "seq_cst", NULL};
static const char *const RELAX_ORDER[] = {"none", "asm", "pause", "isb", "yield", "asm-memory", NULL};
static const char *const WAKE_ORDER[] = {"fence", "seq_cst", "nofence", NULL};

int rp_axis_rank(const char *axis, const char *value)
{
    const char *const *list = NULL;
    if (!strcmp(axis, "opt"))
        list = OPT_ORDER;
    else if (!strcmp(axis, "cc"))
        list = CC_ORDER;
    else if (!strcmp(axis, "arch"))
        list = ARCH_ORDER;
    else if (!strcmp(axis, "engine"))
        list = ENGINE_ORDER;
    else if (!strcmp(axis, "wait"))
        list = WAIT_ORDER;
    else if (!strcmp(axis, "relax"))
        list = RELAX_ORDER;
    else if (!strcmp(axis, "wake"))
        list = WAKE_ORDER;
    if (!list || !value)
        return 1000;
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], value))
            return i;
    return 1000;
}

const char *rp_id_rest(const char *id)
{
    const char *s = strchr(id, '/');
    return s && s[1] ? s + 1 : id;
}

int rp_is_qemu(json_t *cell)
{
    const char *p = rj_str(cell, "platform", "");
    return strncmp(p, "qemu", 4) == 0;
}

const char *rp_cell_scenario(json_t *cell)
{
    return rj_str(cell, "scenario", "(no scenario)");
}

const char **rp_scenarios(json_t *report, size_t *n)
{
    json_t *cells = json_object_get(report, "cells");
    size_t cap = json_array_size(cells) + 1, cnt = 0, i;
    const char **out = calloc(cap, sizeof *out);
    json_t *c;
    if (!out) {
        *n = 0;
        return NULL;
    }
    json_array_foreach(cells, i, c) {
        const char *s = rp_cell_scenario(c);
        size_t j;
        int seen = 0;
        for (j = 0; j < cnt; j++) {
            if (!strcmp(out[j], s)) {
                seen = 1;
                break;
            }
        }
        if (!seen)
            out[cnt++] = s;
    }
    *n = cnt;
    return out;
}

const char *report_verdict_short(const char *v)
{
    static const struct { const char *l, *s; } T[] = {
        {"PASS", "PASS"}, {"HANG_STALE_READ", "HANG"}, {"WRONG_VALUE", "WRONG"},
        {"LOST_WAKEUP", "LOST"}, {"CRASH", "CRASH"}, {"TIMEOUT", "TIMEOUT"},
        {"DEADLOCK", "DEADLOCK"}, {"LIVELOCK", "LIVELOCK"}, {"DATA_RACE", "RACE"},
        {"BUILD_ERROR", "BUILD"}, {"LOST_COMPLETION", "LOSTCOMP"}, {"MISSING_IRQ", "NOIRQ"},
        {"PROTOCOL_VIOLATION", "PROTO"}, {"MISSED_ANSWER", "MISSED"}, {"DAEMON_STALLED", "STALL"},
        {"ASSERTION", "ASSERT"},
    };
    if (!v)
        return "?";
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++)
        if (!strcmp(T[i].l, v))
            return T[i].s;
    return v;
}

const char *rp_verdict_words(const char *v)
{
    if (!v)
        return "no verdict";
    if (!strcmp(v, "PASS"))
        return "the run completed and every access returned the right value";
    if (!strcmp(v, "HANG_STALE_READ"))
        return "the waiting CPU kept spinning on a value it had loaded once: the compiler hoisted the flag load out of the wait loop, so the CPU never saw the flag change in memory";
    if (!strcmp(v, "WRONG_VALUE"))
        return "the guest got a wrong value back (for example a loop the compiler removed returned the stale value at once)";
    if (!strcmp(v, "LOST_WAKEUP"))
        return "a wake-up was lost: the hypervisor pushed a request but saw need_wakeup clear while the daemon saw an empty ring and went to sleep, so nobody served the request";
    if (!strcmp(v, "CRASH"))
        return "a participant crashed";
    if (!strcmp(v, "TIMEOUT"))
        return "the run did not finish in time and the cause could not be pinned down";
    if (!strcmp(v, "DEADLOCK"))
        return "all participants were blocked waiting for each other";
    if (!strcmp(v, "LIVELOCK"))
        return "participants kept running without making progress";
    if (!strcmp(v, "DATA_RACE"))
        return "two unsynchronised accesses to the same location, at least one a write, were observed";
    if (!strcmp(v, "BUILD_ERROR"))
        return "the variant failed to build";
    if (!strcmp(v, "LOST_COMPLETION"))
        return "a queue notification never got its completion: fewer result entries were consumed than notifies were issued (lost or overwritten in res_list)";
    if (!strcmp(v, "MISSING_IRQ"))
        return "a queue completion was consumed by FINISH_REQ without injecting its guest interrupt, or was left in res_list with nobody draining it";
    if (!strcmp(v, "PROTOCOL_VIOLATION"))
        return "a handshake invariant broke: an answer nobody waited for, or a result entry consumed that was never pushed";
    if (!strcmp(v, "MISSED_ANSWER"))
        return "a CPU waits for a flag change that already happened: it sampled the flag after the daemon's answer arrived";
    if (!strcmp(v, "DAEMON_STALLED"))
        return "requests were waiting and the daemon was running, but it served none of them: it is stuck (sampled where)";
    if (!strcmp(v, "ASSERTION"))
        return "an HVSIM_ASSERT in the code under test failed (file:line and message)";
    return "unknown verdict";
}

void rp_fmt_ms(long long ms, char *buf, size_t len)
{
    if (ms < 0)
        snprintf(buf, len, "unknown");
    else if (ms < 1000)
        snprintf(buf, len, "%lld ms", ms);
    else if (ms < 60000)
        snprintf(buf, len, "%.1f s", ms / 1000.0);
    else if (ms < 3600000)
        snprintf(buf, len, "%lld min %.0f s", ms / 60000, (ms % 60000) / 1000.0);
    else
        snprintf(buf, len, "%lld h %lld min", ms / 3600000, (ms % 3600000) / 60000);
}

const char *report_cell_status(json_t *cell)
{
    const char *st = rj_str(cell, "status", NULL);
    if (st && (!strcmp(st, "ok") || !strcmp(st, "expected-failure") || !strcmp(st, "unexpected")))
        return st;
    const char *v = rj_str(cell, "verdict", "");
    json_t *exp = json_object_get(cell, "expected");
    size_t i;
    json_t *e;
    int allowed = 0;
    if (json_array_size(exp) == 0)
        allowed = !strcmp(v, "PASS");
    else
        json_array_foreach(exp, i, e) if (json_is_string(e) && !strcmp(json_string_value(e), v)) allowed = 1;
    if (!allowed)
        return "unexpected";
    return strcmp(v, "PASS") ? "expected-failure" : "ok";
}

/* ---------- validation / loading ---------- */

static int cmp_id(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(rj_str(x, "id", ""), rj_str(y, "id", ""));
}

int report_validate(json_t *r, char *err, size_t errlen)
{
    if (!json_is_object(r)) {
        seterr(err, errlen, "top level is not an object");
        return -1;
    }
    const char *schema = rj_str(r, "schema", NULL);
    if (!schema || strcmp(schema, REPORT_SCHEMA_NAME)) {
        seterr(err, errlen, "\"schema\" is %s%s%s, expected \"" REPORT_SCHEMA_NAME "\"",
               schema ? "\"" : "", schema ? schema : "missing", schema ? "\"" : "");
        return -1;
    }
    json_t *ver = json_object_get(r, "version");
    if (!json_is_integer(ver)) {
        seterr(err, errlen, "\"version\" is missing or not an integer");
        return -1;
    }
    if (json_integer_value(ver) != REPORT_SCHEMA_VERSION) {
        seterr(err, errlen, "unsupported \"version\" %lld (this hvsim reads version %d)",
               (long long)json_integer_value(ver), REPORT_SCHEMA_VERSION);
        return -1;
    }
    json_t *cells = json_object_get(r, "cells");
    if (!json_is_array(cells)) {
        seterr(err, errlen, "\"cells\" is missing or not an array");
        return -1;
    }
    size_t i, n = json_array_size(cells);
    json_t *c;
    json_array_foreach(cells, i, c) {
        if (!json_is_object(c)) {
            seterr(err, errlen, "cells[%zu] is not an object", i);
            return -1;
        }
        if (!json_is_string(json_object_get(c, "id")) || !*rj_str(c, "id", "")) {
            seterr(err, errlen, "cells[%zu]: \"id\" is missing or not a non-empty string", i);
            return -1;
        }
        if (!json_is_string(json_object_get(c, "verdict"))) {
            seterr(err, errlen, "cells[%zu] (%s): \"verdict\" is missing or not a string", i,
                   rj_str(c, "id", ""));
            return -1;
        }
        json_t *exp = json_object_get(c, "expected");
        if (exp && !json_is_array(exp)) {
            seterr(err, errlen, "cells[%zu] (%s): \"expected\" is not an array", i, rj_str(c, "id", ""));
            return -1;
        }
        json_t *ev = json_object_get(c, "evidence");
        if (ev && !json_is_object(ev) && !json_is_null(ev)) {
            seterr(err, errlen, "cells[%zu] (%s): \"evidence\" is not an object", i, rj_str(c, "id", ""));
            return -1;
        }
    }
    json_t *cmp = json_object_get(r, "comparison");
    if (cmp && !json_is_array(cmp) && !json_is_null(cmp)) {
        seterr(err, errlen, "\"comparison\" is not an array");
        return -1;
    }
    /* unique ids */
    if (n > 1) {
        json_t **v = malloc(n * sizeof *v);
        if (!v) {
            seterr(err, errlen, "out of memory");
            return -1;
        }
        for (i = 0; i < n; i++)
            v[i] = json_array_get(cells, i);
        qsort(v, n, sizeof *v, cmp_id);
        for (i = 1; i < n; i++) {
            if (!strcmp(rj_str(v[i], "id", ""), rj_str(v[i - 1], "id", ""))) {
                seterr(err, errlen, "duplicate cell id \"%s\"", rj_str(v[i], "id", ""));
                free(v);
                return -1;
            }
        }
        free(v);
    }
    return 0;
}

json_t *report_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *r = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!r) {
        if (je.line < 0)
            seterr(err, errlen, "%s: %s", path, je.text);
        else
            seterr(err, errlen, "%s:%d:%d: %s", path, je.line, je.column > 0 ? je.column : 1, je.text);
        return NULL;
    }
    char e2[512];
    if (report_validate(r, e2, sizeof e2)) {
        seterr(err, errlen, "%s: %s", path, e2);
        json_decref(r);
        return NULL;
    }
    return r;
}

/* ---------- write_all ---------- */

static int mkdir_p(const char *dir)
{
    char buf[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, dir, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(buf, 0777) && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(buf, &st) || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

typedef int (*writer_fn)(json_t *, FILE *);

/* Write to DIR/.NAME.tmp then rename, so a reader never sees half a file. */
static int write_one(json_t *r, const char *dir, const char *name, writer_fn fn, char *err, size_t errlen)
{
    char path[4096], tmp[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
        snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name) >= (int)sizeof tmp) {
        seterr(err, errlen, "%s: path too long", dir);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        seterr(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    int rc = fn(r, f);
    int werr = ferror(f);
    if (fclose(f) || werr || rc) {
        seterr(err, errlen, "%s: write failed%s%s", path, errno ? ": " : "", errno ? strerror(errno) : "");
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path)) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int report_write_all(json_t *report, const char *outdir, char *err, size_t errlen)
{
    char e2[512];
    if (report_validate(report, e2, sizeof e2)) {
        seterr(err, errlen, "invalid report: %s", e2);
        return -1;
    }
    if (!outdir || !*outdir)
        outdir = ".";
    if (mkdir_p(outdir)) {
        seterr(err, errlen, "%s: %s", outdir, strerror(errno));
        return -1;
    }
    if (write_one(report, outdir, "summary.md", report_write_summary_md, err, errlen) ||
        write_one(report, outdir, "junit.xml", report_write_junit, err, errlen) ||
        write_one(report, outdir, "index.html", report_write_html, err, errlen) ||
        write_one(report, outdir, "report.sarif", report_write_sarif, err, errlen))
        return -1;
    return 0;
}

/* ---------- merge ---------- */

static int parse_shard(const char *s, long *k, long *n)
{
    char *end;
    if (!s)
        return -1;
    *k = strtol(s, &end, 10);
    if (*end != '/' || end == s)
        return -1;
    const char *q = end + 1;
    *n = strtol(q, &end, 10);
    if (*end || end == q || *k < 1 || *n < 1 || *k > *n || *n > REPORT_SHARD_MAX)
        return -1;
    return 0;
}

json_t *report_merge(json_t *const *shards, size_t n, char *err, size_t errlen)
{
    char e2[512];
    if (n == 0) {
        seterr(err, errlen, "nothing to merge");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (report_validate(shards[i], e2, sizeof e2)) {
            seterr(err, errlen, "shard %zu: %s", i + 1, e2);
            return NULL;
        }
    }
    json_t *out = json_deep_copy(shards[0]);
    if (!out) {
        seterr(err, errlen, "out of memory");
        return NULL;
    }
    json_t *cells = json_array();
    json_t *cmp = json_array();
    long long wall = -1;
    const char *gen = NULL;
    long shard_n = -1;
    int shard_ok = 1;
    unsigned char *seen = NULL;

    for (size_t i = 0; i < n; i++) {
        json_t *s = shards[i], *c, *x;
        size_t j;
        json_array_foreach(json_object_get(s, "cells"), j, c) json_array_append(cells, c);
        json_array_foreach(json_object_get(s, "comparison"), j, c) {
            int dup = 0;
            size_t k;
            json_array_foreach(cmp, k, x) if (json_equal(x, c)) dup = 1;
            if (!dup)
                json_array_append(cmp, c);
        }
        if (rj_is_int(s, "wall_ms") && rj_int(s, "wall_ms", 0) > wall)
            wall = rj_int(s, "wall_ms", 0);
        const char *g = rj_str(s, "generated", NULL);
        if (g && (!gen || strcmp(g, gen) > 0))
            gen = g;
        long k, sn;
        if (shard_ok && parse_shard(rj_str(s, "shard", NULL), &k, &sn) == 0) {
            if (shard_n < 0) {
                shard_n = sn;
                seen = calloc((size_t)sn + 1, 1);
                if (!seen)
                    shard_ok = 0;
            }
            if (shard_ok && sn == shard_n)
                seen[k] = 1;
            else
                shard_ok = 0;
        } else {
            shard_ok = 0;
        }
    }
    /* sort by id, reject duplicates */
    size_t nc = json_array_size(cells);
    json_t **v = malloc((nc ? nc : 1) * sizeof *v);
    if (!v) {
        seterr(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nc; i++)
        v[i] = json_array_get(cells, i);
    qsort(v, nc, sizeof *v, cmp_id);
    for (size_t i = 1; i < nc; i++) {
        if (!strcmp(rj_str(v[i], "id", ""), rj_str(v[i - 1], "id", ""))) {
            seterr(err, errlen, "duplicate cell id \"%s\" across shards", rj_str(v[i], "id", ""));
            free(v);
            goto fail;
        }
    }
    json_t *sorted = json_array();
    for (size_t i = 0; i < nc; i++)
        json_array_append(sorted, v[i]);
    free(v);
    json_object_set_new(out, "cells", sorted);

    if (json_array_size(cmp))
        json_object_set(out, "comparison", cmp);
    else
        json_object_del(out, "comparison");
    if (wall >= 0)
        json_object_set_new(out, "wall_ms", json_integer(wall));
    if (gen)
        json_object_set_new(out, "generated", json_string(gen));

    /* shard label: "1/1" when the shards cover 1..N of the same N; otherwise
     * the covered indices, e.g. "1+3/4"; dropped when shards are unlabelled. */
    if (shard_ok && shard_n > 0) {
        int all = 1;
        char buf[256] = "";
        size_t len = 0;
        for (long k = 1; k <= shard_n; k++) {
            if (!seen[k]) {
                all = 0;
                continue;
            }
            if (len < sizeof buf - 24)
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%ld", len ? "+" : "", k);
        }
        if (all)
            json_object_set_new(out, "shard", json_string("1/1"));
        else {
            snprintf(buf + len, sizeof buf - len, "/%ld", shard_n);
            json_object_set_new(out, "shard", json_string(buf));
        }
    } else {
        json_object_del(out, "shard");
    }
    free(seen);
    json_decref(cells);
    json_decref(cmp);
    return out;
fail:
    free(seen);
    json_decref(cells);
    json_decref(cmp);
    json_decref(out);
    return NULL;
}

/* ---------- CLI ---------- */

static void report_usage(FILE *f)
{
    fputs("usage: hvsim report REPORT.json [--out DIR]\n"
          "\n"
          "Write summary.md, junit.xml, index.html and report.sarif from a report.json\n"
          "(schema hvsim-report v1, docs/report-schema.md).\n"
          "\n"
          "  --out DIR   where to write (default: the directory of REPORT.json)\n"
          "  -h, --help  this text\n"
          "\n"
          "Exit status: 0 ok, 1 output could not be written, 2 bad usage or input (an\n"
          "output path that cannot be written is found before anything is read).\n",
          f);
}

static void merge_usage(FILE *f)
{
    fputs("usage: hvsim merge -o OUT.json SHARD.json... [--out DIR]\n"
          "\n"
          "Merge report.json shards (same schema) into one: cells are concatenated and\n"
          "sorted by id; a cell id present in two shards is an error.\n"
          "\n"
          "  -o, --output OUT.json  the merged report (required)\n"
          "  --out DIR              also write summary.md, junit.xml, index.html, report.sarif there\n"
          "  -h, --help             this text\n"
          "\n"
          "Exit status: 0 ok, 1 output could not be written, 2 bad usage or input (an\n"
          "output path that cannot be written is found before anything is read).\n",
          f);
}

static const char *dir_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    size_t k = (size_t)(slash - path);
    if (k == 0)
        return "/";
    if (k >= len)
        k = len - 1;
    memcpy(buf, path, k);
    buf[k] = 0;
    return buf;
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, 0, 'O' }, { "help", no_argument, 0, 'h' }, { 0 },
    };
    const char *in = NULL, *out = NULL;
    int id;
    opterr = 0;
    optind = 0; /* '-': arguments in order; ':': a missing value reported here */
    while ((id = getopt_long(argc, argv, "-:hO:", longopts, NULL)) != -1) {
        const char *a = argv[optind - 1]; /* the option as spelt */
        if (id == 'h') {
            report_usage(stdout);
            return 0;
        } else if (id == 'O') {
            out = optarg;
        } else if (id == ':') {
            fprintf(stderr, "report: %s needs a directory\n", a);
            return 2;
        } else if (id == '?') {
            fprintf(stderr, "report: unknown option '%s' (see hvsim report --help)\n", a);
            return 2;
        } else if (!in) {
            in = optarg;
        } else {
            fprintf(stderr, "report: unexpected argument '%s' (one REPORT.json only)\n", optarg);
            return 2;
        }
    }
    if (!in) {
        fprintf(stderr, "report: missing REPORT.json (see hvsim report --help)\n");
        return 2;
    }
    char err[1024], dbuf[4096];
    int out_given = out != NULL;
    if (!out)
        out = dir_of(in, dbuf, sizeof dbuf);
    if (outpath_check_dir(out, err, sizeof err)) {
        fprintf(stderr, "report: %s%s: %s\n", out_given ? "--out " : "", out, err);
        return 2;
    }
    json_t *r = report_load(in, err, sizeof err);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    int rc = report_write_all(r, out, err, sizeof err);
    json_decref(r);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    return 0;
}

int cmd_merge(int argc, char **argv)
{
    const char *outjson = NULL, *outdir = NULL;
    const char **ins = calloc((size_t)(argc > 0 ? argc : 1), sizeof *ins);
    size_t nin = 0;
    int rc = 2;
    json_t **sh = NULL, *m = NULL;
    if (!ins) {
        fprintf(stderr, "merge: out of memory\n");
        return 1;
    }
    static const struct option longopts[] = {
        { "output", required_argument, 0, 'o' }, { "out", required_argument, 0, 'D' },
        { "help", no_argument, 0, 'h' }, { 0 },
    };
    int id;
    opterr = 0;
    optind = 0; /* '-': arguments in order; ':': a missing value reported here */
    while ((id = getopt_long(argc, argv, "-:ho:", longopts, NULL)) != -1) {
        const char *a = argv[optind - 1]; /* the option as spelt */
        if (id == 'h') {
            merge_usage(stdout);
            rc = 0;
            goto done;
        } else if (id == 'o') {
            outjson = optarg;
        } else if (id == 'D') {
            outdir = optarg;
        } else if (id == ':') {
            if (optopt == 'D')
                fprintf(stderr, "merge: --out needs a directory\n");
            else
                fprintf(stderr, "merge: %s needs a file name\n", a);
            goto done;
        } else if (id == '?') {
            fprintf(stderr, "merge: unknown option '%s' (see hvsim merge --help)\n", a);
            goto done;
        } else {
            ins[nin++] = optarg;
        }
    }
    if (!outjson) {
        fprintf(stderr, "merge: missing -o OUT.json (see hvsim merge --help)\n");
        goto done;
    }
    if (nin == 0) {
        fprintf(stderr, "merge: no input reports (see hvsim merge --help)\n");
        goto done;
    }
    char err[1024];
    /* both outputs before reading any input: a merge that cannot be written
     * is bad usage, found now */
    if (outpath_check_file(outjson, err, sizeof err)) {
        fprintf(stderr, "merge: -o %s: %s\n", outjson, err);
        goto done;
    }
    if (outdir && outpath_check_dir(outdir, err, sizeof err)) {
        fprintf(stderr, "merge: --out %s: %s\n", outdir, err);
        goto done;
    }
    sh = calloc(nin, sizeof *sh);
    if (!sh) {
        rc = 1;
        goto done;
    }
    for (size_t i = 0; i < nin; i++) {
        sh[i] = report_load(ins[i], err, sizeof err);
        if (!sh[i]) {
            fprintf(stderr, "%s\n", err);
            goto done;
        }
    }
    m = report_merge(sh, nin, err, sizeof err);
    if (!m) {
        /* name the file: "duplicate cell id" names the id; find who has it */
        const char *q = strstr(err, "duplicate cell id \"");
        const char *who = "merge";
        if (q) {
            char id[512];
            q += strlen("duplicate cell id \"");
            size_t k = strcspn(q, "\"");
            if (k >= sizeof id)
                k = sizeof id - 1;
            memcpy(id, q, k);
            id[k] = 0;
            int hits = 0;
            for (size_t i = 0; i < nin && hits < 2; i++) {
                size_t j;
                json_t *c;
                json_array_foreach(json_object_get(sh[i], "cells"), j, c) {
                    if (!strcmp(rj_str(c, "id", ""), id)) {
                        who = ins[i]; /* the second file that has it */
                        hits++;
                        break;
                    }
                }
            }
        }
        fprintf(stderr, "%s: %s\n", who, err);
        goto done;
    }
    {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", outjson);
        if (json_dump_file(m, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) || rename(tmp, outjson)) {
            fprintf(stderr, "%s: cannot write: %s\n", outjson, strerror(errno));
            unlink(tmp);
            rc = 1;
            goto done;
        }
    }
    if (outdir && report_write_all(m, outdir, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        rc = 1;
        goto done;
    }
    rc = 0;
done:
    if (sh)
        for (size_t i = 0; i < nin; i++)
            json_decref(sh[i]);
    free(sh);
    json_decref(m);
    free(ins);
    return rc;
}
