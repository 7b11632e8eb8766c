/* sim/evidence/listing.c — render instructions as text, one per line
 * "  addr: mnemonic ops", loads marked "  <-- load", with the DWARF source
 * line interleaved ("  ; file:line: text") whenever it changes and the source
 * file is readable; notes[i], when given and non-NULL, is appended to line i
 * (the loop back edges of a whole-function listing). */
#include <string.h>

#include "loops_int.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

char *listing_render(const struct insn *v, size_t n, struct dwline *d, struct srccache *sc,
                     char *const *notes)
{
    struct sbuf b = { 0 };
    const char *pfile = NULL;
    int pline = -1;
    for (size_t i = 0; i < n; i++) {
        const struct insn *in = &v[i];
        const char *file;
        int line;
        if (dwline_lookup(d, in->addr, &file, &line) == 0 && line > 0 &&
            (line != pline || !pfile || strcmp(file, pfile))) {
            const char *src = srccache_line(sc, file, line);
            if (src) {
                while (*src == ' ' || *src == '\t')
                    src++;
                sb_printf(&b, "  ; %s:%d: %s\n", base_name(file), line, src);
            }
            pfile = file;
            pline = line;
        }
        sb_printf(&b, "  %llx: %s%s%s\n", (unsigned long long)in->addr, in->text,
                  !(in->flags & IN_LOAD)     ? ""
                  : (in->flags & IN_SHARED) ? "  <-- load"
                                            : "  <-- load (stack)",
                  notes && notes[i] ? notes[i] : "");
    }
    return sb_take(&b);
}
