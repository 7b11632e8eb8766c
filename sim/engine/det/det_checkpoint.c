/* sim/engine/det/det_checkpoint.c — a dfs/dpor search's state in a file
 * (`hvsim run --checkpoint FILE [--resume]`).
 *
 * Why it can work: the search is stateless between executions except for
 * its decision stack (struct det_dfs: each decision on the path of the
 * next execution, with what it tried, what it must still try and what is
 * asleep there) and its counters; every execution is replayed from its
 * prefix.  So the stack and the next prefix, written after det_dfs_next,
 * are all a later process needs to run the same executions the first
 * one would have run: a search resumed any number of times ends at the
 * same count (tests/integration/test_det_checkpoint.sh).
 *
 * Why the key: the same stack means nothing to other code, another
 * configuration or another hvsim (other reductions, another node layout),
 * so the file names what it belongs to — the built participants' code,
 * every setting that changes an execution, the HVSIM_DPOR_* switches and
 * the hvsim executable itself — and a mismatch is refused, never guessed.
 *
 * Format (host byte order, not meant to travel): a text line, then the
 * key, the counters, the prefix, the n nodes (each followed by its
 * footprints when it has them) and an FNV-1a checksum of everything before
 * it.  Written to FILE.tmp and renamed: a kill at any moment leaves the
 * last complete state. */
#include "det_int.h"
#include "util/fnv.h"
#include "runtime/common/futex.h" /* now_ns */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CKPT_MAGIC "hvsim det search checkpoint, format 2\n"
/* format 1 (before 2026-12-05) had no subtree sizes in its nodes */
#define CKPT_MAGIC1 "hvsim det search checkpoint, format 1\n"

static uint64_t fnv_u64(uint64_t h, uint64_t v) { return fnv1a(h, &v, sizeof v); }

uint64_t det_ckpt_key(const struct hvsim_runcfg *c, uint64_t hv_text, uint64_t be_text)
{
    uint64_t h = fnv1a_str(FNV1A_BASIS, CKPT_MAGIC);
    h = fnv_u64(fnv_u64(h, hv_text), be_text);
    h = fnv1a_str(fnv1a_str(h, c->strategy), c->memory_model);
    h = fnv1a_str(fnv1a_str(fnv1a_str(h, c->v.cc), c->v.opt), c->v.arch);
    h = fnv1a_str(fnv1a_str(fnv1a_str(h, c->v.wait), c->v.relax), c->v.wake);
    uint64_t sc[] = { c->dfs_bound, c->det_max_decisions, c->det_max_points, c->det_quiet_points,
                      c->seed, c->ncpus, c->ndevices, c->poll_window, c->ipi_drop_every,
                      c->restart_daemon_after, (uint64_t)c->boot_daemon_first,
                      (uint64_t)c->mask_by_size, c->irq_route, (uint64_t)c->v.layout_old,
                      c->n_fndelay, c->nexpect };
    h = fnv1a(h, sc, sizeof sc);
    for (unsigned i = 0; i < c->ncpus && i < HVSIM_CPUS; i++) {
        h = fnv_u64(h, c->naccess[i]);
        if (c->naccess[i])
            h = fnv1a(h, c->acc[i], c->naccess[i] * sizeof *c->acc[i]);
    }
    for (unsigned i = 0; i < c->ndevices && i < HVSIM_DEVS; i++) /* not its tail padding */
        h = fnv1a(h, &c->devices[i], offsetof(struct hvsim_device, irq_cpu) + sizeof(uint32_t));
    h = fnv1a(h, c->delay, sizeof c->delay);
    for (unsigned i = 0; i < c->n_fndelay; i++) {
        const struct hvsim_fndelay *f = &c->fndelay[i];
        h = fnv1a_str(fnv1a_str(h, f->sym), f->file);
        uint64_t v[] = { f->line, (uint64_t)f->at_return, f->min_ns, f->max_ns, f->every };
        h = fnv1a(h, v, sizeof v);
    }
    for (unsigned i = 0; i < c->nexpect; i++) /* the verdict a finding gets */
        h = fnv_u64(h, c->expect[i].verdicts);
    /* the switches of the reductions (docs/hvsim.1, ENVIRONMENT) */
    static const char *const sw[] = { "HVSIM_DPOR_VSLEEP", "HVSIM_DPOR_NO_VIEWFREE",
                                      "HVSIM_DPOR_NO_STALE", "HVSIM_DPOR_NO_OBSERVE",
                                      "HVSIM_DPOR_NO_MP", "HVSIM_DPOR_NO_MOVE",
                                      "HVSIM_DPOR_NO_GTURN", "HVSIM_DPOR_NO_DOMINATE",
                                      "HVSIM_DPOR_NO_AWAIT", "HVSIM_DPOR_LAST", NULL };
    for (int i = 0; sw[i]; i++)
        h = fnv1a_str(h, getenv(sw[i]) ? "set" : "unset");
    return fnv1a_file(h, "/proc/self/exe"); /* the search's code, the node layout */
}

/* ---- writing ------------------------------------------------------------- */
struct wr {
    FILE *f;
    uint64_t sum;
    int bad;
};

static void put(struct wr *w, const void *p, size_t n)
{
    if (fwrite(p, 1, n, w->f) != n)
        w->bad = 1;
    w->sum = fnv1a(w->sum, p, n);
}

int det_ckpt_save(const char *path, const struct det_ckpt *k, const struct det_dfs *d,
                  const uint8_t *prefix, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    struct wr w = { .f = fopen(tmp, "wb"), .sum = FNV1A_BASIS };
    if (!w.f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    put(&w, CKPT_MAGIC, sizeof CKPT_MAGIC - 1);
    put(&w, k, sizeof *k);
    uint64_t dc[] = { d->schedules, d->cut, d->reduced, d->races, d->blocked, d->stale,
                      d->n, d->plen, d->gstep1, d->g, d->vcut };
    put(&w, dc, sizeof dc);
    put(&w, prefix, d->plen);
    for (uint32_t i = 0; i < d->n; i++) {
        struct det_dfs_node x = d->st[i];
        uint8_t has = x.foot != NULL;
        x.foot = NULL;
        put(&w, &x, sizeof x);
        put(&w, &has, 1);
        if (has)
            put(&w, d->st[i].foot, det_foot_size());
    }
    uint64_t sum = w.sum;
    put(&w, &sum, sizeof sum);
    if (fflush(w.f) || fsync(fileno(w.f)) || w.bad) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno ? errno : EIO));
        fclose(w.f);
        unlink(tmp);
        return -1;
    }
    fclose(w.f);
    if (rename(tmp, path)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------- */
struct rd {
    FILE *f;
    uint64_t sum;
};

static int get(struct rd *r, void *p, size_t n)
{
    if (fread(p, 1, n, r->f) != n)
        return -1;
    r->sum = fnv1a(r->sum, p, n);
    return 0;
}

/* A load that failed: d's nodes and their footprints freed. */
static void free_nodes(struct det_dfs *d)
{
    for (uint32_t i = 0; i < d->cap; i++)
        det_foot_free(d->st[i].foot);
    free(d->st);
    d->st = NULL;
    d->n = d->cap = 0;
}

int det_ckpt_load(const char *path, uint64_t key, struct det_ckpt *k, struct det_dfs *d,
                  uint8_t *prefix, uint32_t max, char *err, size_t errlen)
{
    struct rd r = { .f = fopen(path, "rb"), .sum = FNV1A_BASIS };
    if (!r.f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char magic[sizeof CKPT_MAGIC - 1];
    uint64_t dc[11];
    const char *why = NULL;
    int got = get(&r, magic, sizeof magic);
    if (!got && sizeof CKPT_MAGIC1 == sizeof CKPT_MAGIC && !memcmp(magic, CKPT_MAGIC1, sizeof magic))
        why = "the checkpoint of an older hvsim (format 1): this one cannot continue it; run that "
              "hvsim, or remove the file to start again";
    else if (got || memcmp(magic, CKPT_MAGIC, sizeof magic))
        why = "not an hvsim search checkpoint (written by --checkpoint)";
    else if (get(&r, k, sizeof *k) || get(&r, dc, sizeof dc))
        why = "truncated: it ends inside its header";
    else if (k->key != key)
        why = "the checkpoint of another search (other code, configuration, HVSIM_DPOR_* switches "
              "or hvsim build): it cannot continue this one; run that search's command, or remove "
              "the file to start again";
    else if (dc[6] > DET_MAX_STEPS || dc[7] > dc[6] || dc[7] > max || dc[8] > dc[6])
        why = "damaged: its decision stack is out of range";
    if (why) {
        snprintf(err, errlen, "%s: %s", path, why);
        fclose(r.f);
        return -1;
    }
    d->schedules = dc[0], d->cut = dc[1], d->reduced = dc[2], d->races = dc[3];
    d->blocked = dc[4], d->stale = dc[5], d->plen = (uint32_t)dc[7];
    d->gstep1 = (uint32_t)dc[8], d->g = (uint16_t)dc[9], d->vcut = dc[10];
    uint32_t n = (uint32_t)dc[6];
    d->st = calloc(n ? n : 1, sizeof *d->st);
    d->cap = n ? n : 1;
    if (!d->st) {
        snprintf(err, errlen, "%s: out of memory", path);
        fclose(r.f);
        return -1;
    }
    if (get(&r, prefix, d->plen))
        why = "truncated: it ends inside its prefix";
    for (uint32_t i = 0; i < n && !why; i++) {
        uint8_t has;
        if (get(&r, &d->st[i], sizeof d->st[i]) || get(&r, &has, 1)) {
            why = "truncated: it ends inside its decision stack";
            break;
        }
        d->st[i].foot = NULL;
        if (has) {
            if (!(d->st[i].foot = malloc(det_foot_size()))) {
                why = "out of memory";
                break;
            }
            if (get(&r, d->st[i].foot, det_foot_size()))
                why = "truncated: it ends inside its decision stack";
        }
    }
    uint64_t want = r.sum, sum;
    if (!why && (fread(&sum, 1, sizeof sum, r.f) != sizeof sum || sum != want || fgetc(r.f) != EOF))
        why = "damaged: its checksum does not match";
    fclose(r.f);
    if (why) {
        free_nodes(d);
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    d->n = n;
    return 0;
}

int det_ckpt_remove(const char *path)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp); /* a write a kill cut short */
    return unlink(path);
}

/* ---- the search's side (det_engine.c's run_explore) ----------------------- */
int det_ckpt_begin(struct det_ckpt_run *k, struct det_run *R, struct det_dfs *d, uint8_t *prefix, int *plen,
                   char *err, size_t errlen)
{
    const struct hvsim_runcfg *c = R->c;
    *k = (struct det_ckpt_run){ .path = c->det_checkpoint, .last_ns = now_ns(),
                                .every_ns = det_env_u64("HVSIM_CHECKPOINT_SECS", 60) * 1000000000ull };
    if (!k->path)
        return 0;
    k->k.key = det_ckpt_key(c, R->x->b.hv_text_hash, R->x->b.be_text_hash);
    if (!c->det_resume)
        return 0;
    struct det_ckpt was;
    if (det_ckpt_load(k->path, k->k.key, &was, d, prefix, DET_MAX_STEPS, err, errlen) < 0)
        return -1;
    R->executions = R->resumed = k->saved = was.executions;
    R->points = was.points;
    *plen = (int)d->plen;
    int top, left = det_dfs_left(d, &top); /* where the search stands, at a glance */
    fprintf(stderr, "hvsim det: resumed from %s: %llu executions were run before; %d options left on "
                    "the path after the next one, the shallowest at decision %d; roughly %.3g in all "
                    "(an estimate from the subtrees finished so far)\n",
            k->path, (unsigned long long)was.executions, left, top, det_dfs_estimate(d));
    return 0;
}

void det_ckpt_tick(struct det_ckpt_run *k, const struct det_run *R, const struct det_dfs *d,
                   const uint8_t *prefix, int force)
{
    uint64_t t = now_ns();
    if (!k->path || k->off || (!force && t - k->last_ns < k->every_ns))
        return;
    k->k.executions = R->executions;
    k->k.points = R->points;
    char err[4400];
    if (det_ckpt_save(k->path, &k->k, d, prefix, err, sizeof err) < 0)
        fprintf(stderr, "hvsim det: cannot write the checkpoint: %s\n", err);
    else
        k->saved = R->executions;
    k->last_ns = t;
}

void det_ckpt_end(struct det_ckpt_run *k, int exhausted, int rc)
{
    if (exhausted && k->path && !k->off && !det_ckpt_remove(k->path))
        fprintf(stderr, "hvsim det: the search ended; %s, its state, is removed\n", k->path);
    else if (k->path && k->saved && rc == 0)
        fprintf(stderr, "hvsim det: the search's state is in %s (%llu executions): --resume continues it\n",
                k->path, (unsigned long long)k->saved);
}
