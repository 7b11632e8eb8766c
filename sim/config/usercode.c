/* sim/config/usercode.c — see usercode.h. */
#include "usercode.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *usercode_refuse(const char *path, int lib)
{
    if (!lib) {
        /* the suffix is what makes gcc and clang compile it as C */
        size_t n = strlen(path);
        return n > 2 && !strcmp(path + n - 2, ".c") ? NULL
                                                   : "not a C source file (a FILE.c is expected)";
    }
    /* a library is recognised by its content: ar archive (also thin) or ELF */
    static char why[128];
    unsigned char m[8] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, sizeof why, "%s", strerror(errno));
        return why;
    }
    size_t got = fread(m, 1, sizeof m, f);
    fclose(f);
    if ((got == 8 && (!memcmp(m, "!<arch>\n", 8) || !memcmp(m, "!<thin>\n", 8))) ||
        (got >= 4 && !memcmp(m, "\177ELF", 4)))
        return NULL;
    return "not a static library or object file (an ar archive FILE.a is expected)";
}
