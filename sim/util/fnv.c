/* sim/util/fnv.c — a file's FNV-1a hash (fnv.h). */
#include "fnv.h"
#include <stdio.h>

uint64_t fnv1a_file(uint64_t h, const char *path)
{
    h = fnv1a_str(h, path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fnv1a_str(h, "<missing>");
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv1a(h, buf, n);
    fclose(f);
    return h;
}
