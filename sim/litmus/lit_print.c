/* sim/litmus/lit_print.c — results as herd7 prints them (States, Ok/No,
 * Witnesses, Condition, Observation), plus what herd7 cannot say: the
 * compiler and -O level, the expected result and whether it agrees, where
 * this operational model differs from herd7's, and the -O levels at which
 * the same test gives different results. */
#include "litmus.h"
#include <string.h>

static const char *word(int allowed) { return allowed ? "Allowed" : "Forbidden"; }

int lit_agrees(const struct lit_test *t, const struct lit_result *r)
{
    if (t->expect[r->model] < 0)
        return -1;
    return t->expect[r->model] == lit_allowed(t, r->pos, r->neg);
}

static void state_text(const struct lit_test *t, const struct lit_state *s, char *buf, size_t len)
{
    buf[0] = 0;
    for (int i = 0; i < t->nobs; i++) {
        char nm[48];
        size_t l = strlen(buf);
        lit_obs_name(t, i, nm, sizeof nm);
        snprintf(buf + l, len - l, "%s=%lld; ", nm, (long long)s->v[i]);
    }
}

void lit_print_text(FILE *f, const struct lit_test *t, const char *cc, const char *opt,
                    const struct lit_result *r)
{
    static const char *const kind[] = { "Allowed", "Forbidden", "Required" };
    char buf[1024];
    fprintf(f, "Test %s %s\n", t->name, kind[t->quant]);
    fprintf(f, "Compiler %s -%s, model %s (%s%s)\n", cc, opt, lit_model_name[r->model],
            lit_model_long[r->model], r->model >= 2 ? ", no promises" : "");
    fprintf(f, "States %d\n", r->nstates);
    for (int s = 0; s < r->nstates; s++) {
        state_text(t, &r->st[s], buf, sizeof buf);
        fprintf(f, "%-6llu %s\n", (unsigned long long)r->st[s].count, buf);
    }
    fprintf(f, "%s\n", lit_ok(t, r->pos, r->neg) ? "Ok" : "No");
    fprintf(f, "Witnesses\nPositive: %llu Negative: %llu\n", (unsigned long long)r->pos,
            (unsigned long long)r->neg);
    lit_cond_text(t, buf, sizeof buf);
    fprintf(f, "Condition %s\n", buf);
    fprintf(f, "Observation %s %s %llu %llu\n", t->name,
            !r->pos ? "Never" : !r->neg ? "Always" : "Sometimes", (unsigned long long)r->pos,
            (unsigned long long)r->neg);
    int allowed = lit_allowed(t, r->pos, r->neg);
    fprintf(f, "Result %s", word(allowed));
    int ag = lit_agrees(t, r);
    if (ag == 1)
        fprintf(f, " (expected %s: agrees)", word(t->expect[r->model]));
    else if (ag == 0)
        fprintf(f, " -- DISAGREES: %s expects %s under %s", t->path, word(t->expect[r->model]),
                lit_model_name[r->model]);
    fprintf(f, "\n");
    if (t->herd[r->model] >= 0 && t->herd[r->model] != allowed)
        fprintf(f, "Note %s here; herd7 %s: %s%s%s\n", word(allowed), lit_model_long[r->model],
                word(t->herd[r->model]), t->herd_why[0] ? " -- " : "", t->herd_why);
    fprintf(f, "Explored %llu executions (%llu runs, %llu cut by sleep sets)%s, %.2f s\n\n",
            (unsigned long long)r->executions, (unsigned long long)r->runs,
            (unsigned long long)r->redundant,
            r->complete ? "" : r->cands_cut ? " -- INCOMPLETE (a load was offered only the newest 8 "
                                              "of the writes it may read)"
                                            : " -- INCOMPLETE (--max-runs reached)",
            r->secs);
}

json_t *lit_result_json(const struct lit_test *t, const char *cc, const char *opt, const struct lit_result *r)
{
    char buf[1024];
    json_t *o = json_object();
    json_object_set_new(o, "test", json_string(t->name));
    json_object_set_new(o, "file", json_string(t->path));
    json_object_set_new(o, "cc", json_string(cc));
    json_object_set_new(o, "opt", json_string(opt));
    json_object_set_new(o, "model", json_string(lit_model_name[r->model]));
    json_t *st = json_array();
    for (int s = 0; s < r->nstates; s++) {
        json_t *v = json_object();
        for (int i = 0; i < t->nobs; i++) {
            lit_obs_name(t, i, buf, sizeof buf);
            json_object_set_new(v, buf, json_integer(r->st[s].v[i]));
        }
        json_t *e = json_object();
        json_object_set_new(e, "values", v);
        json_object_set_new(e, "count", json_integer((json_int_t)r->st[s].count));
        json_array_append_new(st, e);
    }
    json_object_set_new(o, "states", st);
    json_object_set_new(o, "ok", json_boolean(lit_ok(t, r->pos, r->neg)));
    json_object_set_new(o, "positive", json_integer((json_int_t)r->pos));
    json_object_set_new(o, "negative", json_integer((json_int_t)r->neg));
    lit_cond_text(t, buf, sizeof buf);
    json_object_set_new(o, "condition", json_string(buf));
    int allowed = lit_allowed(t, r->pos, r->neg);
    json_object_set_new(o, "result", json_string(word(allowed)));
    if (t->expect[r->model] >= 0) {
        json_object_set_new(o, "expected", json_string(word(t->expect[r->model])));
        json_object_set_new(o, "agrees", json_boolean(lit_agrees(t, r) == 1));
    }
    if (t->herd[r->model] >= 0 && t->herd[r->model] != allowed) {
        json_object_set_new(o, "herd7", json_string(word(t->herd[r->model])));
        json_object_set_new(o, "herd7_note", json_string(t->herd_why));
    }
    json_object_set_new(o, "executions", json_integer((json_int_t)r->executions));
    json_object_set_new(o, "runs", json_integer((json_int_t)r->runs));
    json_object_set_new(o, "redundant", json_integer((json_int_t)r->redundant));
    json_object_set_new(o, "complete", json_boolean(r->complete));
    json_object_set_new(o, "loads_cut", json_boolean(r->cands_cut));
    json_object_set_new(o, "seconds", json_real(r->secs));
    return o;
}

static int has_state(const struct lit_test *t, const struct lit_result *r, const struct lit_state *s)
{
    for (int i = 0; i < r->nstates; i++)
        if (!memcmp(r->st[i].v, s->v, (size_t)t->nobs * sizeof s->v[0]))
            return 1;
    return 0;
}

int lit_compare_levels(FILE *f, const struct lit_test *t, const char *cc, int model, const char *const *opts,
                       const struct lit_result *const *res, int n, json_t *diffs)
{
    int differ = 0;
    for (int i = 1; i < n && !differ; i++) {
        if (res[i]->nstates != res[0]->nstates)
            differ = 1;
        for (int s = 0; s < res[i]->nstates && !differ; s++)
            if (!has_state(t, res[0], &res[i]->st[s]))
                differ = 1;
    }
    if (!differ)
        return 0;
    char buf[1024];
    if (f) {
        fprintf(f, "Levels differ: %s under %s with %s:", t->name, lit_model_name[model], cc);
        for (int i = 0; i < n; i++)
            fprintf(f, " -%s %s (%d states)", opts[i], word(lit_allowed(t, res[i]->pos, res[i]->neg)),
                    res[i]->nstates);
        fprintf(f, "\n");
    }
    json_t *d = json_object(), *only = json_array();
    for (int i = 0; i < n; i++)
        for (int s = 0; s < res[i]->nstates; s++) {
            int everywhere = 1;
            for (int j = 0; j < n; j++)
                if (!has_state(t, res[j], &res[i]->st[s]))
                    everywhere = 0;
            if (everywhere)
                continue;
            state_text(t, &res[i]->st[s], buf, sizeof buf);
            if (f)
                fprintf(f, "  reached at -%s, not at every level: %s\n", opts[i], buf);
            json_t *e = json_object();
            json_object_set_new(e, "opt", json_string(opts[i]));
            json_object_set_new(e, "state", json_string(buf));
            json_array_append_new(only, e);
        }
    if (f)
        fprintf(f, "\n");
    json_object_set_new(d, "test", json_string(t->name));
    json_object_set_new(d, "cc", json_string(cc));
    json_object_set_new(d, "model", json_string(lit_model_name[model]));
    json_t *rs = json_object();
    for (int i = 0; i < n; i++)
        json_object_set_new(rs, opts[i], json_string(word(lit_allowed(t, res[i]->pos, res[i]->neg))));
    json_object_set_new(d, "results", rs);
    json_object_set_new(d, "states_not_everywhere", only);
    if (diffs)
        json_array_append_new(diffs, d);
    else
        json_decref(d);
    return 1;
}
