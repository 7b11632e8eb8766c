/* sim/report/report_sarif.c — report.json as SARIF 2.1.0 (report.sarif),
 * so a CI's code-scanning view shows each finding at its file:line with the
 * evidence text.
 *
 * One run, tool "hvsim"; one rule per verdict kind (every kind hvsim knows,
 * plus any other verdict the report holds, so ruleIndex is stable for a
 * given report); one result per cell whose verdict is not PASS:
 *   level    "error" for an unexpected verdict (what makes the matrix exit
 *            1), "note" for an expected failure (a known bug, declared in
 *            the scenario) — a code-scanning view then shows known bugs
 *            without failing on them;
 *   message  the evidence summary, a blank line, the evidence text;
 *   location evidence.file/line: a path inside the hvsim tree is a relative
 *            URI against uriBaseId SRCROOT (the checkout), a user's file
 *            outside it an absolute file: URI; the second site of a data
 *            race is a relatedLocation.  A cell without a file:line (a
 *            build error, a crash nobody symbolised) has no location:
 *            SARIF allows that, and inventing one would point at the wrong
 *            code.
 * Per-cell detail (id, engine, status, command) goes into "properties". */
#include "report.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *id, *name, *text; } known_rules[] = {
    { "HANG_STALE_READ", "HangStaleRead",
      "The flag changed in memory, the waiter is still in the handler and still burning CPU: its load was "
      "hoisted out of the wait loop." },
    { "WRONG_VALUE", "WrongValue", "The guest got a value other than the register's." },
    { "LOST_WAKEUP", "LostWakeup", "The daemon sleeps, a request is pending, no wakeup is in flight." },
    { "CRASH", "Crash", "A participant died." },
    { "TIMEOUT", "Timeout", "No progress, and no evidence of a known cause." },
    { "DEADLOCK", "Deadlock", "Nothing can run and CPUs are not done (deterministic engine)." },
    { "LIVELOCK", "Livelock", "Every runnable participant re-reads an unchanged location (deterministic engine)." },
    { "DATA_RACE", "DataRace", "A race detector (ThreadSanitizer, Helgrind) reports a data race in the code under test." },
    { "BUILD_ERROR", "BuildError", "The variant did not build." },
};
#define NKNOWN (sizeof known_rules / sizeof known_rules[0])

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : 0;
}

/* Index of verdict v in rules, appending an unknown verdict as a new rule. */
static size_t rule_index(json_t *rules, const char *v)
{
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
        if (!strcmp(str(r, "id"), v))
            return i;
    json_array_append_new(rules, json_pack("{s:s,s:s,s:{s:s},s:{s:s}}", "id", v, "name", v, "shortDescription",
                                           "text", v, "defaultConfiguration", "level", "error"));
    return json_array_size(rules) - 1;
}

/* A path as a URI reference (RFC 3986): everything but unreserved
 * characters and '/' percent-encoded ("my handler.c" → "my%20handler.c"). */
static void uri_path(const char *p, char *o, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t l = 0;
    for (const unsigned char *c = (const unsigned char *)p; *c && l + 4 < n; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("-._~/", *c))
            o[l++] = (char)*c;
        else {
            o[l++] = '%';
            o[l++] = hex[*c >> 4];
            o[l++] = hex[*c & 15];
        }
    }
    o[l] = 0;
}

static json_t *location(const char *file, json_int_t line)
{
    json_t *art;
    char path[1100];
    uri_path(file, path, sizeof path);
    if (file[0] == '/') {
        char uri[1120];
        snprintf(uri, sizeof uri, "file://%s", path);
        art = json_pack("{s:s}", "uri", uri);
    } else {
        art = json_pack("{s:s,s:s}", "uri", path, "uriBaseId", "SRCROOT");
    }
    json_t *phys = json_pack("{s:o}", "artifactLocation", art);
    if (line > 0)
        json_object_set_new(phys, "region", json_pack("{s:I}", "startLine", line));
    return json_pack("{s:o}", "physicalLocation", phys);
}

static json_t *result_of(json_t *cell, json_t *rules)
{
    const char *verdict = str(cell, "verdict");
    if (!verdict || !strcmp(verdict, "PASS"))
        return 0;
    const char *status = report_cell_status(cell);
    json_t *ev = json_object_get(cell, "evidence");
    const char *summary = ev ? str(ev, "summary") : 0, *text = ev ? str(ev, "text") : 0;
    const char *id = str(cell, "id");
    char *msg;
    /* the summary, then the evidence — or at least what the cell is */
    size_t n = (summary ? strlen(summary) : 0) + (text ? strlen(text) : 0) + strlen(verdict) + strlen(id) + 16;
    msg = malloc(n);
    if (!msg)
        return 0;
    snprintf(msg, n, "%s%s%s", summary && *summary ? summary : verdict, text && *text ? "\n\n" : "",
             text && *text ? text : "");
    json_t *res = json_pack("{s:s,s:I,s:s,s:{s:s}}", "ruleId", verdict, "ruleIndex",
                            (json_int_t)rule_index(rules, verdict), "level",
                            !strcmp(status, "unexpected") ? "error" : "note", "message", "text", msg);
    free(msg);
    const char *file = ev ? str(ev, "file") : 0;
    json_t *jl = ev ? json_object_get(ev, "line") : 0;
    if (file && *file)
        json_object_set_new(res, "locations",
                            json_pack("[o]", location(file, json_is_integer(jl) ? json_integer_value(jl) : 0)));
    /* a data race's second site */
    json_t *race = ev ? json_object_get(ev, "race") : 0, *sites = race ? json_object_get(race, "sites") : 0;
    if (json_is_array(sites) && json_array_size(sites) == 2) {
        json_t *rel = json_array();
        size_t i;
        json_t *s;
        json_array_foreach(sites, i, s) {
            const char *sf = str(s, "file");
            json_t *sl = json_object_get(s, "line");
            if (!sf || !*sf || !json_is_integer(sl))
                continue;
            if (file && !strcmp(sf, file) && json_is_integer(jl) && json_integer_value(sl) == json_integer_value(jl))
                continue; /* that is the primary location */
            json_t *loc = location(sf, json_integer_value(sl));
            json_object_set_new(loc, "message", json_pack("{s:s}", "text", str(s, "kind") ? str(s, "kind") : "other access"));
            json_array_append_new(rel, loc);
        }
        if (json_array_size(rel))
            json_object_set_new(res, "relatedLocations", rel);
        else
            json_decref(rel);
    }
    json_t *props = json_pack("{s:s,s:s}", "cell", id, "status", status);
    static const char *const axes[] = { "scenario", "engine", "arch", "cc", "opt", "wait", "relax", "wake",
                                        "command" };
    for (size_t i = 0; i < sizeof axes / sizeof axes[0]; i++)
        if (str(cell, axes[i]))
            json_object_set_new(props, axes[i], json_string(str(cell, axes[i])));
    json_object_set_new(res, "properties", props);
    return res;
}

json_t *report_to_sarif(json_t *report)
{
    json_t *rules = json_array();
    for (size_t i = 0; i < NKNOWN; i++)
        json_array_append_new(rules, json_pack("{s:s,s:s,s:{s:s},s:{s:s}}", "id", known_rules[i].id, "name",
                                               known_rules[i].name, "shortDescription", "text",
                                               known_rules[i].text, "defaultConfiguration", "level", "error"));
    json_t *results = json_array();
    size_t i;
    json_t *cell;
    json_array_foreach(json_object_get(report, "cells"), i, cell) {
        json_t *r = result_of(cell, rules);
        if (r)
            json_array_append_new(results, r);
    }
    const char *ver = str(report, "hvsim_version");
    json_t *driver = json_pack("{s:s,s:o}", "name", "hvsim", "rules", rules);
    if (ver)
        json_object_set_new(driver, "version", json_string(ver));
    /* SRCROOT is left for the consumer to resolve (a code-scanning upload
     * takes the checkout): the report may be rendered on another machine. */
    json_t *base = json_pack("{s:{s:{s:s}}}", "SRCROOT", "description", "text",
                             "the root of the source tree the report was made from");
    json_t *run = json_pack("{s:{s:o},s:o,s:o}", "tool", "driver", driver, "originalUriBaseIds", base, "results",
                            results);
    return json_pack("{s:s,s:s,s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version",
                     "2.1.0", "runs", run);
}

int report_write_sarif(json_t *report, FILE *f)
{
    json_t *s = report_to_sarif(report);
    if (!s)
        return -1;
    int rc = json_dumpf(s, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (rc == 0 && fputc('\n', f) == EOF)
        rc = -1;
    json_decref(s);
    return rc;
}
