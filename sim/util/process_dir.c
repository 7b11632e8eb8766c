/* sim/util/process_dir.c — mkdir -p, temp dirs and their removal in C, so
 * that no `mkdir -p '…'` or `rm -rf` goes through a shell or a process
 * (declared in process.h). */
#define _GNU_SOURCE
#include "process.h"
#include "sbuf.h"
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int dir_make_p(const char *path, mode_t mode)
{
    if (!path || !*path) {
        errno = ENOENT;
        return -1;
    }
    char *buf = strdup(path);
    if (!buf)
        return -1;
    int rc = 0;
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p)
            continue;
        char c = *p;
        *p = 0;
        struct stat st;
        if (mkdir(buf, mode) < 0 && (errno != EEXIST || stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))) {
            if (errno == EEXIST)
                errno = ENOTDIR;
            rc = -1;
            break;
        }
        *p = c;
        if (!c)
            break;
        while (p[1] == '/') /* "a//b" */
            p++;
    }
    int e = errno;
    free(buf);
    errno = e;
    return rc;
}

char *dir_make_temp(const char *parent, const char *prefix)
{
    if (!parent) {
        parent = getenv("TMPDIR");
        if (!parent || !*parent)
            parent = "/tmp";
    }
    struct sbuf b = { 0 };
    if (sbuf_printf(&b, "%s/%s.XXXXXX", parent, prefix) < 0) {
        sbuf_free(&b);
        errno = ENOMEM;
        return 0;
    }
    if (!mkdtemp(b.s)) {
        int e = errno;
        sbuf_free(&b);
        errno = e;
        return 0;
    }
    return b.s;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)st;
    (void)f;
    int rc = type == FTW_DP ? rmdir(path) : unlink(path);
    return rc < 0 && errno != ENOENT ? -1 : 0;
}

int dir_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    /* depth-first (children before their directory), not following
     * symlinks (a link to elsewhere is removed, not its target); 16 fds */
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
