/* sim/config/scenario.c — parser for scenario scripts (scenarios/NAME.hvs):
 * the driver (lines, the user's code, the public API); each kind of line is
 * parsed in its own file (scenario_int.h).
 *
 * The format is line-oriented; docs/scenarios.md is its reference.  Every
 * line is a list of words separated by blanks; '#' starts a comment; ':' is
 * a word of its own.  Each error names file:line:col, quotes the line and
 * puts a caret under the column.  Nothing is guessed: unknown keys, values
 * out of range and settings given twice are errors that say what was
 * expected.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario.h"
#include "scenario_int.h"
#include "usercode.h"

#define MAX_FILE (1u << 20)

/* ------------------------------------------------------------------ */
/* The user's own code:                                                 */
/*   hv FILE…   backend FILE…   hv-lib FILE…   backend-lib FILE…        */
/*   include DIR…   cflags "STRING"                                     */
/* Relative paths are relative to the scenario file's directory.        */

static int parse_paths(struct ps *p, const char *what, char ***dst, unsigned *n, int want_dir)
{
    if (p->nt < 2)
        return sc_perr(p, sc_eol_col(p), "'%s' needs at least one %s", what,
                    want_dir ? "directory" : "file");
    const char *sl = strrchr(p->fname, '/');
    int dirlen = sl ? (int)(sl - p->fname) : -1;
    for (int i = 1; i < p->nt; i++) {
        const struct tok *t = &p->t[i];
        if (sc_tok_is(t, ":"))
            return sc_perr(p, t->col, "a path here cannot contain ':'");
        char rel[1024];
        if (t->s[0] == '/' || dirlen < 0)
            snprintf(rel, sizeof rel, "%.*s", t->len, t->s);
        else
            snprintf(rel, sizeof rel, "%.*s/%.*s", dirlen ? dirlen : 1, dirlen ? p->fname : "/",
                     t->len, t->s);
        char *rp = realpath(rel, 0);
        if (!rp)
            return sc_perr(p, t->col, "%s '%.*s': %s (looked for %s)", what, QL(*t), strerror(errno),
                        rel);
        struct stat st;
        int isdir = stat(rp, &st) == 0 && S_ISDIR(st.st_mode);
        if (isdir != want_dir) {
            free(rp);
            return sc_perr(p, t->col, "%s '%.*s': %s", what, QL(*t),
                        want_dir ? "not a directory" : "is a directory, not a file");
        }
        const char *why = want_dir ? NULL : usercode_refuse(rp, strstr(what, "lib") != NULL);
        if (why) {
            free(rp);
            return sc_perr(p, t->col, "%s '%.*s': %s", what, QL(*t), why);
        }
        int oom = runcfg_list_add(dst, n, rp);
        free(rp);
        if (oom)
            return sc_perr(p, t->col, "out of memory");
    }
    return 0;
}

/* cflags "STRING" (or the rest of the line, unquoted); the raw line is
 * used so that a quoted string keeps its blanks, ':' and '#'. */
static int parse_cflags(struct ps *p)
{
    const struct tok *k = &p->t[0];
    if (p->cflags_line)
        return sc_perr(p, k->col, "cflags given twice (first on line %d)", p->cflags_line);
    int i = k->col - 1 + k->len;
    while (i < p->linelen && (p->line[i] == ' ' || p->line[i] == '\t'))
        i++;
    int from, to, after;
    if (i < p->linelen && p->line[i] == '"') {
        from = i + 1;
        to = from;
        while (to < p->linelen && p->line[to] != '"')
            to++;
        if (to >= p->linelen)
            return sc_perr(p, i + 1, "unterminated string: a '\"' is missing");
        after = to + 1;
        while (after < p->linelen && (p->line[after] == ' ' || p->line[after] == '\t'))
            after++;
        if (after < p->linelen && p->line[after] != '#')
            return sc_perr(p, after + 1, "unexpected text after the cflags string");
    } else {
        from = i;
        to = from;
        while (to < p->linelen && p->line[to] != '#')
            to++;
        while (to > from && (p->line[to - 1] == ' ' || p->line[to - 1] == '\t'))
            to--;
    }
    if (to == from)
        return sc_perr(p, sc_eol_col(p), "cflags needs a value, e.g. cflags \"-DMY_DEBUG=1\"");
    char *v = strndup(p->line + from, (size_t)(to - from));
    if (!v || runcfg_set_str(&p->c->extra_cflags, v) < 0) {
        free(v);
        return sc_perr(p, from + 1, "out of memory");
    }
    free(v);
    p->cflags_line = p->lineno;
    return 0;
}


/* ------------------------------------------------------------------ */
/* Driver                                                               */


static int tokenize(struct ps *p)
{
    p->nt = 0;
    int i = 0;
    while (i < p->linelen) {
        char ch = p->line[i];
        if (ch == '#')
            break;
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f') {
            i++;
            continue;
        }
        if (p->nt == MAXTOK)
            return sc_perr(p, i + 1, "too many words on one line (at most %d)", MAXTOK);
        struct tok *t = &p->t[p->nt++];
        t->s = p->line + i;
        t->col = i + 1;
        if (ch == ':') {
            t->len = 1;
            i++;
            continue;
        }
        int s = i;
        while (i < p->linelen) {
            ch = p->line[i];
            if (ch == '#' || ch == ':' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
                ch == '\f')
                break;
            i++;
        }
        t->len = i - s;
    }
    return 0;
}

static int parse_line(struct ps *p)
{
    if (tokenize(p))
        return -1;
    if (p->nt == 0)
        return 0;
    const struct tok *k = &p->t[0];
    if (sc_tok_is(k, "cpu"))
        return sc_parse_cpu(p);
    if (sc_tok_is(k, "device"))
        return sc_parse_device(p);
    if (sc_tok_is(k, "delay"))
        return sc_parse_delay(p);
    if (sc_tok_is(k, "rendezvous"))
        return sc_parse_rendezvous(p);
    if (sc_tok_is(k, "slow-device"))
        return sc_parse_slow_device(p);
    if (sc_tok_is(k, "restart-daemon"))
        return sc_parse_fault(p, "after", &p->restart_line, &p->c->restart_daemon_after);
    if (sc_tok_is(k, "drop-ipi"))
        return sc_parse_fault(p, "every", &p->dropipi_line, &p->c->ipi_drop_every);
    if (sc_tok_is(k, "expect"))
        return sc_parse_expect(p);
    struct hvsim_runcfg *c = p->c;
    if (sc_tok_is(k, "hv"))
        return parse_paths(p, "hv", &c->hv_src, &c->n_hv_src, 0);
    if (sc_tok_is(k, "backend"))
        return parse_paths(p, "backend", &c->be_src, &c->n_be_src, 0);
    if (sc_tok_is(k, "hv-lib"))
        return parse_paths(p, "hv-lib", &c->hv_lib, &c->n_hv_lib, 0);
    if (sc_tok_is(k, "backend-lib"))
        return parse_paths(p, "backend-lib", &c->be_lib, &c->n_be_lib, 0);
    if (sc_tok_is(k, "include"))
        return parse_paths(p, "include", &c->incdir, &c->n_incdir, 1);
    if (sc_tok_is(k, "cflags"))
        return parse_cflags(p);
    return sc_parse_settings(p);
}

static void default_name(char *dst, size_t n, const char *fname)
{
    const char *b = strrchr(fname, '/');
    b = b ? b + 1 : fname;
    size_t len = strlen(b);
    if (len > 4 && strcmp(b + len - 4, ".hvs") == 0)
        len -= 4;
    if (len >= n)
        len = n - 1;
    memcpy(dst, b, len);
    dst[len] = 0;
}

static int parse_text(struct ps *p, const char *text)
{
    const char *s = text;
    p->lineno = 0;
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len > 0x7fffffff)
            len = 0x7fffffff;
        p->line = s;
        p->linelen = (int)len;
        p->lineno++;
        while (p->linelen > 0 && p->line[p->linelen - 1] == '\r')
            p->linelen--;
        if (parse_line(p))
            return -1;
        if (!e)
            break;
        s = e + 1;
    }
    /* whole-file checks */
    struct hvsim_runcfg *c = p->c;
    if (c->hang_ms >= c->timeout_ms) {
        int k = p->key_loc[K_TIMEOUT].lineno >= p->key_loc[K_HANG].lineno ? K_TIMEOUT : K_HANG;
        if (p->key_loc[k].lineno) {
            p->line = p->key_loc[k].line;
            p->linelen = p->key_loc[k].len;
            p->lineno = p->key_loc[k].lineno;
        }
        return sc_perr(p, p->key_loc[k].col, "hang (%ums) must be shorter than timeout (%ums)",
                    c->hang_ms, c->timeout_ms);
    }
    if (!p->first_cpu_line)
        runcfg_default_workload(c, 1);
    return 0;
}

int scenario_parse_string(const char *name, const char *text, struct hvsim_runcfg *out,
                          char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!name)
        name = "<string>";
    struct hvsim_runcfg *c = calloc(1, sizeof *c);
    struct ps *p = calloc(1, sizeof *p);
    if (!c || !p) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", name);
        free(c);
        free(p);
        return -1;
    }
    runcfg_defaults(c);
    default_name(c->name, sizeof c->name, name);
    p->fname = name;
    p->c = c;
    p->err = err;
    p->errlen = errlen;
    int rc = parse_text(p, text ? text : "");
    if (rc == 0) { /* out's old lists go, c's move in */
        runcfg_clear(out);
        *out = *c;
        free(c);
    } else {
        runcfg_free(c);
    }
    free(p);
    return rc;
}

int scenario_load(const char *path, struct hvsim_runcfg *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr || n > MAX_FILE) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path,
                     rerr ? "read error" : "file too large (more than 1 MiB)");
        free(buf);
        return -1;
    }
    buf[n] = 0;
    if (memchr(buf, 0, n)) {
        if (err && errlen)
            snprintf(err, errlen, "%s: not a text file (contains a NUL byte)", path);
        free(buf);
        return -1;
    }
    int rc = scenario_parse_string(path, buf, out, err, errlen);
    free(buf);
    if (rc == 0 && runcfg_set_str(&out->path, path) < 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    return rc;
}
