/* sim/report/report.c — loading and validating a report.json, and writing
 * every report format from it (report_write_all).  The writers are
 * report_md.c, report_junit.c, report_html.c, report_sarif.c; merging is
 * report_merge.c; the commands are report_cmd.c. */
#include "report.h"
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int report_validate(json_t *r, char *err, size_t errlen)
{
    if (!json_is_object(r)) {
        rp_seterr(err, errlen, "top level is not an object");
        return -1;
    }
    const char *schema = rj_str(r, "schema", NULL);
    if (!schema || strcmp(schema, REPORT_SCHEMA_NAME)) {
        rp_seterr(err, errlen, "\"schema\" is %s%s%s, expected \"" REPORT_SCHEMA_NAME "\"",
               schema ? "\"" : "", schema ? schema : "missing", schema ? "\"" : "");
        return -1;
    }
    json_t *ver = json_object_get(r, "version");
    if (!json_is_integer(ver)) {
        rp_seterr(err, errlen, "\"version\" is missing or not an integer");
        return -1;
    }
    if (json_integer_value(ver) != REPORT_SCHEMA_VERSION) {
        rp_seterr(err, errlen, "unsupported \"version\" %lld (this hvsim reads version %d)",
               (long long)json_integer_value(ver), REPORT_SCHEMA_VERSION);
        return -1;
    }
    json_t *cells = json_object_get(r, "cells");
    if (!json_is_array(cells)) {
        rp_seterr(err, errlen, "\"cells\" is missing or not an array");
        return -1;
    }
    size_t i, n = json_array_size(cells);
    json_t *c;
    json_array_foreach(cells, i, c) {
        if (!json_is_object(c)) {
            rp_seterr(err, errlen, "cells[%zu] is not an object", i);
            return -1;
        }
        if (!json_is_string(json_object_get(c, "id")) || !*rj_str(c, "id", "")) {
            rp_seterr(err, errlen, "cells[%zu]: \"id\" is missing or not a non-empty string", i);
            return -1;
        }
        if (!json_is_string(json_object_get(c, "verdict"))) {
            rp_seterr(err, errlen, "cells[%zu] (%s): \"verdict\" is missing or not a string", i,
                   rj_str(c, "id", ""));
            return -1;
        }
        json_t *exp = json_object_get(c, "expected");
        if (exp && !json_is_array(exp)) {
            rp_seterr(err, errlen, "cells[%zu] (%s): \"expected\" is not an array", i, rj_str(c, "id", ""));
            return -1;
        }
        json_t *ev = json_object_get(c, "evidence");
        if (ev && !json_is_object(ev) && !json_is_null(ev)) {
            rp_seterr(err, errlen, "cells[%zu] (%s): \"evidence\" is not an object", i, rj_str(c, "id", ""));
            return -1;
        }
    }
    json_t *cmp = json_object_get(r, "comparison");
    if (cmp && !json_is_array(cmp) && !json_is_null(cmp)) {
        rp_seterr(err, errlen, "\"comparison\" is not an array");
        return -1;
    }
    /* unique ids */
    if (n > 1) {
        json_t **v = malloc(n * sizeof *v);
        if (!v) {
            rp_seterr(err, errlen, "out of memory");
            return -1;
        }
        for (i = 0; i < n; i++)
            v[i] = json_array_get(cells, i);
        qsort(v, n, sizeof *v, rp_cmp_id);
        for (i = 1; i < n; i++) {
            if (!strcmp(rj_str(v[i], "id", ""), rj_str(v[i - 1], "id", ""))) {
                rp_seterr(err, errlen, "duplicate cell id \"%s\"", rj_str(v[i], "id", ""));
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
            rp_seterr(err, errlen, "%s: %s", path, je.text);
        else
            rp_seterr(err, errlen, "%s:%d:%d: %s", path, je.line, je.column > 0 ? je.column : 1, je.text);
        return NULL;
    }
    char e2[512];
    if (report_validate(r, e2, sizeof e2)) {
        rp_seterr(err, errlen, "%s: %s", path, e2);
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
        rp_seterr(err, errlen, "%s: path too long", dir);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        rp_seterr(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    int rc = fn(r, f);
    int werr = ferror(f);
    if (fclose(f) || werr || rc) {
        rp_seterr(err, errlen, "%s: write failed%s%s", path, errno ? ": " : "", errno ? strerror(errno) : "");
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path)) {
        rp_seterr(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int report_write_all(json_t *report, const char *outdir, char *err, size_t errlen)
{
    char e2[512];
    if (report_validate(report, e2, sizeof e2)) {
        rp_seterr(err, errlen, "invalid report: %s", e2);
        return -1;
    }
    if (!outdir || !*outdir)
        outdir = ".";
    if (mkdir_p(outdir)) {
        rp_seterr(err, errlen, "%s: %s", outdir, strerror(errno));
        return -1;
    }
    if (write_one(report, outdir, "summary.md", report_write_summary_md, err, errlen) ||
        write_one(report, outdir, "junit.xml", report_write_junit, err, errlen) ||
        write_one(report, outdir, "index.html", report_write_html, err, errlen) ||
        write_one(report, outdir, "report.sarif", report_write_sarif, err, errlen))
        return -1;
    return 0;
}
