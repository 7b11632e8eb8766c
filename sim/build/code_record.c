/* sim/build/code_record.c — see code_record.h.  SHA-256 from nettle (Debian
 * nettle-dev: a small, well-kept library; the build already needs a C
 * toolchain and nothing heavier). */
#define _GNU_SOURCE
#include "code_record.h"
#include <dirent.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int code_sha256_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&ctx, n, buf);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        errno = EIO;
        return -1;
    }
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 0;
}

static void add_file(json_t *arr, const char *path)
{
    char hex[65];
    json_t *o = json_pack("{s:s}", "path", path);
    if (code_sha256_file(path, hex) == 0)
        json_object_set_new(o, "sha256", json_string(hex));
    else
        json_object_set_new(o, "missing", json_true()); /* gone before the result was written */
    json_array_append_new(arr, o);
}

/* The .h files of a directory, sorted (the build key covers them). */
static void add_headers(json_t *arr, const char *dir)
{
    struct dirent **e;
    int n = scandir(dir, &e, 0, alphasort);
    for (int i = 0; i < n; i++) {
        size_t l = strlen(e[i]->d_name);
        if (l > 2 && !strcmp(e[i]->d_name + l - 2, ".h")) {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", dir, e[i]->d_name);
            size_t k;
            json_t *x;
            int dup = 0;
            json_array_foreach(arr, k, x)
                dup |= !strcmp(json_string_value(json_object_get(x, "path")), p);
            if (!dup)
                add_file(arr, p);
        }
        free(e[i]);
    }
    if (n >= 0)
        free(e);
}

static json_t *files(char *const *p, unsigned n)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < n; i++)
        add_file(a, p[i]);
    return a;
}

json_t *code_record_json(const struct hvsim_runcfg *c)
{
    int user = c->n_hv_src || c->n_be_src || c->n_hv_lib || c->n_be_lib;
    json_t *o = json_pack("{s:b,s:s}", "reference", !user, "cflags", runcfg_str(c->extra_cflags));
    if (!user && !c->n_incdir)
        return o;
    json_object_set_new(o, "hv", files(c->hv_src, c->n_hv_src));
    json_object_set_new(o, "backend", files(c->be_src, c->n_be_src));
    json_object_set_new(o, "hv_lib", files(c->hv_lib, c->n_hv_lib));
    json_object_set_new(o, "backend_lib", files(c->be_lib, c->n_be_lib));
    json_t *inc = json_array(), *hdr = json_array();
    for (unsigned i = 0; i < c->n_incdir; i++) {
        json_array_append_new(inc, json_string(c->incdir[i]));
        add_headers(hdr, c->incdir[i]);
    }
    for (unsigned i = 0; i < c->n_hv_src + c->n_be_src; i++) {
        char *d = strdup(i < c->n_hv_src ? c->hv_src[i] : c->be_src[i - c->n_hv_src]);
        char *sl = d ? strrchr(d, '/') : NULL;
        if (sl && sl != d) {
            *sl = 0;
            add_headers(hdr, d);
        }
        free(d);
    }
    json_object_set_new(o, "include_dirs", inc);
    json_object_set_new(o, "headers", hdr);
    return o;
}

struct changed { int allow; char *list; size_t len; };

/* Check one recorded file; add its path to the list dst (n entries) when
 * dst != 0. */
static int check_file(json_t *f, char ***dst, unsigned *n, struct changed *ch, char *err, size_t errlen)
{
    const char *path = json_string_value(json_object_get(f, "path"));
    const char *want = json_string_value(json_object_get(f, "sha256"));
    if (!path || !path[0]) {
        snprintf(err, errlen, "evidence.code: a file entry without a usable \"path\"");
        return -1;
    }
    if (!want) {
        snprintf(err, errlen, "%s: no sha256 was recorded (the file was missing when the failure was written)", path);
        return -2;
    }
    char got[65];
    if (code_sha256_file(path, got) < 0) {
        snprintf(err, errlen, "%s: missing (%s)", path, strerror(errno));
        return -2;
    }
    if (strcmp(got, want)) {
        if (!ch->allow) {
            snprintf(err, errlen, "%s: changed since the failure was recorded (sha256 %.12s…, now %.12s…)", path,
                     want, got);
            return -2;
        }
        size_t l = strlen(ch->list);
        snprintf(ch->list + l, ch->len - l, "%s%s", l ? ", " : "", path);
    }
    if (dst && runcfg_list_add(dst, n, path) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* The list key of rec into dst (replacing it; dst 0: only check the files) */
static int apply_list(json_t *rec, const char *key, char ***dst, unsigned *n,
                      struct changed *ch, char *err, size_t errlen)
{
    json_t *a = json_object_get(rec, key);
    if (dst)
        runcfg_list_clear(dst, n);
    if (!a)
        return 0;
    if (!json_is_array(a)) {
        snprintf(err, errlen, "evidence.code.%s: not an array of files", key);
        return -1;
    }
    size_t i;
    json_t *f;
    json_array_foreach(a, i, f) {
        int rc = check_file(f, dst, n, ch, err, errlen);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int code_record_apply(json_t *rec, struct hvsim_runcfg *c, int allow_changed, char *err, size_t errlen)
{
    static char list[2048];
    list[0] = 0;
    struct changed ch = { allow_changed, list, sizeof list };
    if (!json_is_object(rec)) {
        snprintf(err, errlen, "evidence.code: not an object");
        return -1;
    }
    const char *fl = json_string_value(json_object_get(rec, "cflags"));
    if (runcfg_set_str(&c->extra_cflags, fl) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (json_is_true(json_object_get(rec, "reference"))) {
        runcfg_list_clear(&c->hv_src, &c->n_hv_src);
        runcfg_list_clear(&c->be_src, &c->n_be_src);
        runcfg_list_clear(&c->hv_lib, &c->n_hv_lib);
        runcfg_list_clear(&c->be_lib, &c->n_be_lib);
        if (!json_object_get(rec, "include_dirs"))
            runcfg_list_clear(&c->incdir, &c->n_incdir);
    }
    int rc;
    unsigned nh = 0;
    if ((rc = apply_list(rec, "hv", &c->hv_src, &c->n_hv_src, &ch, err, errlen)) ||
        (rc = apply_list(rec, "backend", &c->be_src, &c->n_be_src, &ch, err, errlen)) ||
        (rc = apply_list(rec, "hv_lib", &c->hv_lib, &c->n_hv_lib, &ch, err, errlen)) ||
        (rc = apply_list(rec, "backend_lib", &c->be_lib, &c->n_be_lib, &ch, err, errlen)) ||
        (rc = apply_list(rec, "headers", 0, &nh, &ch, err, errlen)))
        return rc;
    json_t *inc = json_object_get(rec, "include_dirs");
    if (inc) {
        if (!json_is_array(inc)) {
            snprintf(err, errlen, "evidence.code.include_dirs: not an array of directories");
            return -1;
        }
        runcfg_list_clear(&c->incdir, &c->n_incdir);
        size_t i;
        json_t *d;
        json_array_foreach(inc, i, d) {
            const char *s = json_string_value(d);
            if (!s || !s[0]) {
                snprintf(err, errlen, "evidence.code.include_dirs: entry %zu is not a usable path", i);
                return -1;
            }
            DIR *dd = opendir(s);
            if (!dd) {
                snprintf(err, errlen, "%s: include directory missing (%s)", s, strerror(errno));
                return -2;
            }
            closedir(dd);
            if (runcfg_list_add(&c->incdir, &c->n_incdir, s) < 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
    }
    snprintf(err, errlen, "%s", list);
    return 0;
}
