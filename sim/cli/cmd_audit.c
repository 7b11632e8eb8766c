/* sim/cli/cmd_audit.c — `hvsim audit [BUILD OPTIONS] [--json]`: the options
 * and the table; the det engine finds and judges the access sites
 * (sim/engine/det/det_audit.c). */
#include "commands.h"
#include "options.h"
#include "engine/det/det.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: hvsim audit [BUILD OPTIONS] [--json]\n\n"
               "List every access site to the shared bridge in the instrumented build of a variant\n"
               "(one deterministic execution), with its kind — plain, volatile, atomic and its order\n"
               "— and the field it touches.  A plain access to a field that is accessed with marked\n"
               "(volatile/atomic) accesses elsewhere and written by the other side is UNMARKED: the\n"
               "Linux kernel's READ_ONCE/WRITE_ONCE rule, which KCSAN checks.\n\n");
    options_usage_common(f);
    fprintf(f, "\nexit status: 0 nothing unmarked, 1 an unmarked access, 2 bad usage, 3 harness failure\n");
}

static int cmd_audit_with(struct hvsim_runcfg *c, int argc, char **argv)
{
    struct cli_opts o = { 0 };
    static const struct option longopts[] = { OPTIONS_SHARED, { 0 } };
    runcfg_default_run(c);
    if (options_parse("audit", argc, argv, OPTIONS_SHARED_SHORT, longopts, NULL, NULL, c, &o) < 0)
        return EXIT_USAGE;
    if (o.help) {
        usage(stdout);
        return 0;
    }
    json_t *a = 0;
    char err[1024] = "";
    if (engine_refuses_libs(c, "the access audit", err, sizeof err) < 0) {
        fprintf(stderr, "hvsim audit: %s\n", err);
        return EXIT_USAGE;
    }
    if (det_audit(c, &a, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim audit: %s\n", err);
        return EXIT_HARNESS;
    }
    size_t i;
    json_t *x;
    int unmarked = 0;
    if (!o.json)
        printf("%-14s %-10s %-22s %-6s %s\n", "field", "side", "kind", "count", "site");
    json_array_foreach(a, i, x) {
        int u = json_is_true(json_object_get(x, "unmarked"));
        unmarked += u;
        if (o.json) {
            json_dumpf(x, stdout, JSON_COMPACT);
            fputc('\n', stdout);
            continue;
        }
        printf("%-14s %-10s %-22s %-6lld %s%s\n", json_string_value(json_object_get(x, "field")),
               json_string_value(json_object_get(x, "side")), json_string_value(json_object_get(x, "kind")),
               (long long)json_integer_value(json_object_get(x, "count")),
               json_string_value(json_object_get(x, "site")),
               u ? "   <-- UNMARKED: the other side writes this field" : "");
    }
    if (!o.json)
        printf("%d unmarked access site%s (%s %s -%s wait=%s)\n", unmarked, unmarked == 1 ? "" : "s",
               c->v.arch, c->v.cc, c->v.opt, c->v.wait);
    json_decref(a);
    return unmarked ? EXIT_FINDING : 0;
}

int cmd_audit(int argc, char **argv)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "hvsim audit: out of memory\n");
        return EXIT_HARNESS;
    }
    int rc = cmd_audit_with(c, argc, argv);
    runcfg_free(c);
    return rc;
}
