/* sim/evidence/srcloc.c — see srcloc.h. */
#include "srcloc.h"
#include "util/home.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void srcloc_resolve(const char *file, const char *comp_dir, char *out, size_t n)
{
    char tmp[PATH_MAX * 2];
    if (file[0] != '/' && comp_dir && *comp_dir)
        snprintf(tmp, sizeof tmp, "%s/%s", comp_dir, file);
    else
        snprintf(tmp, sizeof tmp, "%s", file);
    /* lexical: the file may no longer exist (a cached binary's source) */
    const char *seg[256];
    size_t len[256], ns = 0;
    int abs = tmp[0] == '/';
    for (char *p = tmp; *p;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char *e = p + strcspn(p, "/");
        size_t l = (size_t)(e - p);
        if (l == 1 && p[0] == '.')
            ;
        else if (l == 2 && p[0] == '.' && p[1] == '.' && ns && !(len[ns - 1] == 2 && !strncmp(seg[ns - 1], "..", 2)))
            ns--;
        else if (ns < 256) {
            seg[ns] = p;
            len[ns++] = l;
        }
        p = e;
    }
    size_t o = 0;
    if (n == 0)
        return;
    out[0] = 0;
    if (abs && o + 1 < n)
        out[o++] = '/';
    for (size_t i = 0; i < ns && o < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%s%.*s", i ? "/" : "", (int)len[i], seg[i]);
    if (o >= n)
        o = n - 1;
    out[o] = 0;
}

/* DIR's prefix of PATH ("DIR/..."): the rest, else NULL */
static const char *under(const char *path, const char *dir)
{
    size_t l = strlen(dir);
    while (l > 1 && dir[l - 1] == '/')
        l--;
    return l && !strncmp(path, dir, l) && path[l] == '/' ? path + l + 1 : NULL;
}

const char *srcloc_show(const char *path, char *out, size_t n)
{
    static char home[PATH_MAX], home_real[PATH_MAX];
    char cwd[PATH_MAX];
    const char *rest = NULL;
    if (!path[0] || path[0] != '/') {
        snprintf(out, n, "%s", path);
        return out;
    }
    if (strcmp(home, hvsim_home())) { /* HVSIM_HOME may change between calls (tests) */
        snprintf(home, sizeof home, "%s", hvsim_home());
        char *rp = realpath(home, NULL);
        snprintf(home_real, sizeof home_real, "%s", rp ? rp : home);
        free(rp);
    }
    if (!rest)
        rest = under(path, home);
    if (!rest)
        rest = under(path, home_real);
    if (!rest && getcwd(cwd, sizeof cwd))
        rest = under(path, cwd);
    snprintf(out, n, "%s", rest ? rest : path);
    return out;
}
