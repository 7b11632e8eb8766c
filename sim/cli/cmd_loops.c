/* sim/cli/cmd_loops.c — `hvsim loops`: the hoisted-load oracle on a built
 * binary.  Either builds the variant given by the usual flags (the same
 * build `run` uses) or takes --binary PATH. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "options.h"
#include "usage.h"
#include "config/variants.h"
#include "evidence/demangle_rust.h"
#include "build/build.h"
#include "evidence/srcloc.h"
#include "evidence/loops.h"

void loops_usage(FILE *f)
{
    fprintf(f, "usage: hvsim loops [--binary ELF [--arch A]] [BUILD OPTIONS] [--json] [--disasm] [--all]\n\n"
               "Find the loops (backward branches) in the hypervisor handler's functions and tell,\n"
               "for each, whether its body still holds a load that can observe shared memory.  A\n"
               "wait loop whose load the compiler hoisted spins on registers: `shared load: NO`.\n"
               "With build options (--cc --opt --arch --wait --relax --wake --hv …) the variant is\n"
               "built exactly as `hvsim run` builds it; --binary analyses any ELF instead.\n\n"
               "  --binary ELF   analyse this file (");
    variant_names_print(f, variant_arch, ", ");
    fprintf(f, ")\n"
               "  --filter STR   only functions whose DWARF file path contains STR (default /hv/,\n"
               "                 or your --hv file's name; --all for every function)\n"
               "  --disasm       print each loop's instructions with source lines\n"
               "  --json         one JSON object per loop\n\n");
    options_usage_common(f);
    fprintf(f, "\nexit status: 0 no register-only loop, 1 at least one (a likely hang), 2 bad usage\n");
}

enum { L_BINARY = OPT_OWN, L_FILTER, L_DISASM, L_ALL };
struct loops_opts {
    const char *binary, *filter;
    int disasm, all, arch_given;
};

static int own_option(void *ud, int id, const char *name, const char *v)
{
    struct loops_opts *l = ud;
    switch (id) {
    case L_BINARY: case L_FILTER:
        if (!v) {
            fprintf(stderr, "hvsim loops: unknown option '%s' (try hvsim loops --help)\n", name);
            return -1;
        }
        *(id == L_BINARY ? &l->binary : &l->filter) = v;
        return 0;
    case L_DISASM: l->disasm = 1; return 0;
    case L_ALL: l->all = 1; return 0;
    case OPT_ARCH: l->arch_given = 1; return 1; /* and the shared option sets it */
    }
    return 1;
}

static int cmd_loops_with(struct hvsim_runcfg *c, int argc, char **argv)
{
    static const struct option longopts[] = {
        OPTIONS_SHARED,
        { "binary", required_argument, 0, L_BINARY }, { "filter", required_argument, 0, L_FILTER },
        { "disasm", no_argument, 0, L_DISASM }, { "all", no_argument, 0, L_ALL }, { 0 },
    };
    struct cli_opts o = { 0 };
    struct loops_opts l = { 0 };
    runcfg_defaults(c);
    if (options_parse("loops", argc, argv, OPTIONS_SHARED_SHORT, longopts, own_option, &l, c, &o) < 0)
        return EXIT_USAGE;
    const char *binary = l.binary, *filter = l.filter;
    int disasm = l.disasm, all = l.all, arch_given = l.arch_given;
    if (o.help) {
        loops_usage(stdout);
        return 0;
    }
    char err[1024];
    struct build_out b;
    if (!binary) {
        if (build_participants(c, BUILD_NATIVE, &b, err, sizeof err) < 0) {
            fprintf(stderr, "hvsim loops: %s\n%s", err, b.log);
            return EXIT_USAGE;
        }
        binary = b.hv;
    }
    if (!filter && !all) {
        if (c->n_hv_src) {
            const char *s = strrchr(c->hv_src[0], '/');
            filter = s ? s + 1 : c->hv_src[0];
        } else if (!strcmp(binary, b.hv)) {
            filter = "/hv/";
        }
    }
    struct loop_info *v = 0;
    size_t n = 0;
    if (loops_analyze(binary, arch_given || !strcmp(binary, b.hv) ? c->v.arch : 0, 0, all ? 0 : filter,
                      &v, &n, err, sizeof err) < 0) {
        fprintf(stderr, "hvsim loops: %s\n", err);
        return EXIT_USAGE;
    }
    int hoisted = 0;
    for (size_t i = 0; i < n; i++) {
        char shown[sizeof v[i].file];
        srcloc_show(v[i].file, shown, sizeof shown);
        snprintf(v[i].file, sizeof v[i].file, "%s", shown);
        int reg_only = v[i].nloads == 0 && !v[i].has_call;
        hoisted |= reg_only;
        if (o.json) {
            json_t *j = loops_to_json(&v[i]);
            json_object_set_new(j, "register_only", json_boolean(reg_only));
            if (!disasm)
                json_object_del(j, "disasm");
            json_dumpf(j, stdout, JSON_COMPACT);
            fputc('\n', stdout);
            json_decref(j);
            continue;
        }
        char dm[sizeof v[i].function];
        rust_demangle(v[i].function, dm, sizeof dm);
        printf("%-24s %s:%d  [0x%llx-0x%llx]  shared load: %s%s%s  (%d load%s%s)\n", dm,
               v[i].file[0] ? v[i].file : "?", v[i].line, (unsigned long long)v[i].start,
               (unsigned long long)v[i].end, v[i].has_shared_load ? "yes" : "NO",
               reg_only ? " — spins on registers: a flag it waits on is never re-read" : "",
               !v[i].has_exit ? "  NO EXIT: nothing after the loop is reachable" : "",
               v[i].nloads, v[i].nloads == 1 ? "" : "s", v[i].has_call ? ", calls" : "");
        if (disasm && v[i].disasm)
            printf("%s\n", v[i].disasm);
    }
    if (!o.json && n == 0)
        printf("no loops found in %s%s%s\n", binary, filter ? " under " : "", filter ? filter : "");
    loops_free(v, n);
    return hoisted ? EXIT_FINDING : 0;
}

int cmd_loops(int argc, char **argv)
{
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "hvsim loops: out of memory\n");
        return EXIT_HARNESS;
    }
    int rc = cmd_loops_with(c, argc, argv);
    runcfg_free(c);
    return rc;
}
