/* sim/util/outpath.c — output paths are tried for real (open/mkdir), not
 * judged with access(): root passes every access() test, yet cannot create
 * a file under /proc. */
#define _GNU_SOURCE
#include "outpath.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int outpath_check_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!path || !*path) {
        snprintf(err, errlen, "empty path");
        return -1;
    }
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s", strerror(EISDIR));
            return -1;
        }
        /* no O_TRUNC: the check must not destroy what is there */
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            return -1;
        }
        close(fd);
        return 0;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    close(fd);
    unlink(path); /* the run writes it; a failed run must not leave an empty file */
    return 0;
}

/* Create DIR and its missing parents; the lengths of the prefixes it created
 * go to made[] (at most 64), so the check can leave the tree as it was. */
static int mkdir_p(char *buf, size_t *made, int *nmade)
{
    size_t len = strlen(buf);
    *nmade = 0;
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != 0)
            continue;
        char c = buf[i];
        buf[i] = 0;
        int rc = mkdir(buf, 0777);
        int e = errno;
        buf[i] = c;
        if (rc == 0 && *nmade < 64)
            made[(*nmade)++] = i;
        else if (rc && e != EEXIST) {
            errno = e;
            return -1;
        }
    }
    return 0;
}

static void unmake(char *buf, const size_t *made, int nmade)
{
    while (nmade-- > 0) {
        char c = buf[made[nmade]];
        buf[made[nmade]] = 0;
        rmdir(buf);
        buf[made[nmade]] = c;
    }
}

int outpath_check_dir(const char *dir, char *err, size_t errlen)
{
    char buf[4096], probe[4200];
    size_t made[64];
    int nmade = 0;
    struct stat st;
    if (!dir || !*dir) {
        snprintf(err, errlen, "empty path");
        return -1;
    }
    if (strlen(dir) >= sizeof buf) {
        snprintf(err, errlen, "%s", strerror(ENAMETOOLONG));
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", dir);
    if (mkdir_p(buf, made, &nmade) < 0) {
        int e = errno;
        unmake(buf, made, nmade);
        snprintf(err, errlen, "cannot create the directory: %s", strerror(e));
        return -1;
    }
    int rc = 0;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s", strerror(ENOTDIR));
        rc = -1;
    } else {
        snprintf(probe, sizeof probe, "%s/.hvsim-probe.XXXXXX", dir);
        int fd = mkstemp(probe);
        if (fd < 0) {
            snprintf(err, errlen, "cannot write in it: %s", strerror(errno));
            rc = -1;
        } else {
            close(fd);
            unlink(probe);
        }
    }
    /* the writer creates it again at the end; a run that fails before that
     * (a build error) must leave no empty report directory behind */
    unmake(buf, made, nmade);
    return rc;
}
