/* sim/report/report_merge.c — merging report.json shards into one
 * (report_merge, `hvsim merge`). */
#include "report.h"
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

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

/* What the shards say beyond their cells: the comparison rows (each once),
 * the longest wall time, the newest "generated" and which of 1..N of one
 * sharding they are (ok = 0 when they are not all labelled alike). */
struct merge_acc {
    json_t *cells, *cmp;
    long long wall;
    const char *gen;
    long shard_n;
    int shard_ok;
    unsigned char *seen; /* seen[k]: shard k of shard_n is among the inputs */
};

static void merge_shard_label(struct merge_acc *m, json_t *s)
{
    long k, sn;
    if (!m->shard_ok || parse_shard(rj_str(s, "shard", NULL), &k, &sn) != 0) {
        m->shard_ok = 0;
        return;
    }
    if (m->shard_n < 0) {
        m->shard_n = sn;
        m->seen = calloc((size_t)sn + 1, 1);
        if (!m->seen)
            m->shard_ok = 0;
    }
    if (m->shard_ok && sn == m->shard_n)
        m->seen[k] = 1;
    else
        m->shard_ok = 0;
}

static void merge_gather(struct merge_acc *m, json_t *s)
{
    json_t *c, *x;
    size_t j;
    json_array_foreach(json_object_get(s, "cells"), j, c) json_array_append(m->cells, c);
    json_array_foreach(json_object_get(s, "comparison"), j, c) {
        int dup = 0;
        size_t k;
        json_array_foreach(m->cmp, k, x) if (json_equal(x, c)) dup = 1;
        if (!dup)
            json_array_append(m->cmp, c);
    }
    if (rj_is_int(s, "wall_ms") && rj_int(s, "wall_ms", 0) > m->wall)
        m->wall = rj_int(s, "wall_ms", 0);
    const char *g = rj_str(s, "generated", NULL);
    if (g && (!m->gen || strcmp(g, m->gen) > 0))
        m->gen = g;
    merge_shard_label(m, s);
}

/* The cells sorted by id into out; -1 (err set) on a duplicate id. */
static int merge_sorted_cells(json_t *out, json_t *cells, char *err, size_t errlen)
{
    size_t nc = json_array_size(cells);
    json_t **v = malloc((nc ? nc : 1) * sizeof *v);
    if (!v) {
        rp_seterr(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < nc; i++)
        v[i] = json_array_get(cells, i);
    qsort(v, nc, sizeof *v, rp_cmp_id);
    for (size_t i = 1; i < nc; i++) {
        if (!strcmp(rj_str(v[i], "id", ""), rj_str(v[i - 1], "id", ""))) {
            rp_seterr(err, errlen, "duplicate cell id \"%s\" across shards", rj_str(v[i], "id", ""));
            free(v);
            return -1;
        }
    }
    json_t *sorted = json_array();
    for (size_t i = 0; i < nc; i++)
        json_array_append(sorted, v[i]);
    free(v);
    json_object_set_new(out, "cells", sorted);
    return 0;
}

/* shard label: "1/1" when the shards cover 1..N of the same N; otherwise
 * the covered indices, e.g. "1+3/4"; dropped when shards are unlabelled. */
static void merge_set_shard(json_t *out, const struct merge_acc *m)
{
    if (!m->shard_ok || m->shard_n <= 0) {
        json_object_del(out, "shard");
        return;
    }
    int all = 1;
    char buf[256] = "";
    size_t len = 0;
    for (long k = 1; k <= m->shard_n; k++) {
        if (!m->seen[k]) {
            all = 0;
            continue;
        }
        if (len < sizeof buf - 24)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%ld", len ? "+" : "", k);
    }
    if (all)
        json_object_set_new(out, "shard", json_string("1/1"));
    else {
        snprintf(buf + len, sizeof buf - len, "/%ld", m->shard_n);
        json_object_set_new(out, "shard", json_string(buf));
    }
}

json_t *report_merge(json_t *const *shards, size_t n, char *err, size_t errlen)
{
    char e2[512];
    if (n == 0) {
        rp_seterr(err, errlen, "nothing to merge");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (report_validate(shards[i], e2, sizeof e2)) {
            rp_seterr(err, errlen, "shard %zu: %s", i + 1, e2);
            return NULL;
        }
    }
    json_t *out = json_deep_copy(shards[0]);
    if (!out) {
        rp_seterr(err, errlen, "out of memory");
        return NULL;
    }
    struct merge_acc m = {.cells = json_array(), .cmp = json_array(), .wall = -1,
                          .shard_n = -1, .shard_ok = 1};
    for (size_t i = 0; i < n; i++)
        merge_gather(&m, shards[i]);
    if (merge_sorted_cells(out, m.cells, err, errlen)) {
        json_decref(out);
        out = NULL;
        goto done;
    }
    if (json_array_size(m.cmp))
        json_object_set(out, "comparison", m.cmp);
    else
        json_object_del(out, "comparison");
    if (m.wall >= 0)
        json_object_set_new(out, "wall_ms", json_integer(m.wall));
    if (m.gen)
        json_object_set_new(out, "generated", json_string(m.gen));
    merge_set_shard(out, &m);
done:
    free(m.seen);
    json_decref(m.cells);
    json_decref(m.cmp);
    return out;
}
