/* sim/report/report_cmd.c — the `hvsim report` and `hvsim merge` commands:
 * options, output checks, then report.c / report_merge.c do the work. */
#include "report.h"
#include "report_int.h"
#include "util/outpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

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

struct merge_args {
    const char *outjson, *outdir;
    const char **ins;
    size_t nin;
};

/* Returns -1 when the options are fine, else the exit status (0 for --help). */
static int merge_parse(int argc, char **argv, struct merge_args *m)
{
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
            return 0;
        } else if (id == 'o') {
            m->outjson = optarg;
        } else if (id == 'D') {
            m->outdir = optarg;
        } else if (id == ':') {
            if (optopt == 'D')
                fprintf(stderr, "merge: --out needs a directory\n");
            else
                fprintf(stderr, "merge: %s needs a file name\n", a);
            return 2;
        } else if (id == '?') {
            fprintf(stderr, "merge: unknown option '%s' (see hvsim merge --help)\n", a);
            return 2;
        } else {
            m->ins[m->nin++] = optarg;
        }
    }
    if (!m->outjson) {
        fprintf(stderr, "merge: missing -o OUT.json (see hvsim merge --help)\n");
        return 2;
    }
    if (m->nin == 0) {
        fprintf(stderr, "merge: no input reports (see hvsim merge --help)\n");
        return 2;
    }
    return -1;
}

/* The file to name for a merge error: for "duplicate cell id", the second
 * input that has the id; otherwise "merge". */
static const char *merge_blame(const char *err, const struct merge_args *m, json_t **sh)
{
    const char *q = strstr(err, "duplicate cell id \"");
    const char *who = "merge";
    if (!q)
        return who;
    char id[512];
    q += strlen("duplicate cell id \"");
    size_t k = strcspn(q, "\"");
    if (k >= sizeof id)
        k = sizeof id - 1;
    memcpy(id, q, k);
    id[k] = 0;
    int hits = 0;
    for (size_t i = 0; i < m->nin && hits < 2; i++) {
        size_t j;
        json_t *c;
        json_array_foreach(json_object_get(sh[i], "cells"), j, c) {
            if (!strcmp(rj_str(c, "id", ""), id)) {
                who = m->ins[i]; /* the second file that has it */
                hits++;
                break;
            }
        }
    }
    return who;
}

/* Write the merged report (OUT.json by rename, then --out's formats). */
static int merge_write(json_t *merged, const struct merge_args *m)
{
    char tmp[4096], err[1024];
    snprintf(tmp, sizeof tmp, "%s.tmp", m->outjson);
    if (json_dump_file(merged, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) || rename(tmp, m->outjson)) {
        fprintf(stderr, "%s: cannot write: %s\n", m->outjson, strerror(errno));
        unlink(tmp);
        return 1;
    }
    if (m->outdir && report_write_all(merged, m->outdir, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    return 0;
}

int cmd_merge(int argc, char **argv)
{
    struct merge_args ma = {0};
    ma.ins = calloc((size_t)(argc > 0 ? argc : 1), sizeof *ma.ins);
    int rc = 2;
    json_t **sh = NULL, *m = NULL;
    char err[1024];
    if (!ma.ins) {
        fprintf(stderr, "merge: out of memory\n");
        return 1;
    }
    rc = merge_parse(argc, argv, &ma);
    if (rc >= 0)
        goto done;
    rc = 2;
    /* both outputs before reading any input: a merge that cannot be written
     * is bad usage, found now */
    if (outpath_check_file(ma.outjson, err, sizeof err)) {
        fprintf(stderr, "merge: -o %s: %s\n", ma.outjson, err);
        goto done;
    }
    if (ma.outdir && outpath_check_dir(ma.outdir, err, sizeof err)) {
        fprintf(stderr, "merge: --out %s: %s\n", ma.outdir, err);
        goto done;
    }
    sh = calloc(ma.nin, sizeof *sh);
    if (!sh) {
        rc = 1;
        goto done;
    }
    for (size_t i = 0; i < ma.nin; i++) {
        sh[i] = report_load(ma.ins[i], err, sizeof err);
        if (!sh[i]) {
            fprintf(stderr, "%s\n", err);
            goto done;
        }
    }
    m = report_merge(sh, ma.nin, err, sizeof err);
    if (!m) {
        fprintf(stderr, "%s: %s\n", merge_blame(err, &ma, sh), err);
        goto done;
    }
    rc = merge_write(m, &ma);
done:
    if (sh)
        for (size_t i = 0; i < ma.nin; i++)
            json_decref(sh[i]);
    free(sh);
    json_decref(m);
    free(ma.ins);
    return rc;
}
