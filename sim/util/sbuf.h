/* sim/util/sbuf.h — strings that cannot be truncated, and a checked formatter
 * for the fixed buffers that remain.
 *
 * struct sbuf grows on the heap; an allocation failure is sticky (b->oom) and
 * later appends do nothing, so a caller checks once at the end.  A zeroed
 * struct is an empty buffer: struct sbuf b = {0}; ... sbuf_free(&b). */
#ifndef HVSIM_SBUF_H
#define HVSIM_SBUF_H

#include <stddef.h>

struct sbuf {
    char *s;      /* NUL-terminated once anything was added; NULL before */
    size_t len;   /* bytes in s, without the NUL */
    size_t cap;
    int oom;      /* an append failed for lack of memory */
};

int sbuf_add(struct sbuf *b, const char *p, size_t n);
int sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* the text so far: never NULL ("" when empty) */
const char *sbuf_str(const struct sbuf *b);
void sbuf_free(struct sbuf *b);

/* snprintf into a fixed buffer that says whether everything fitted: 0 if it
 * did, -1 if the output was truncated (dst is then still NUL-terminated) or
 * the format failed.  For buffers whose size is a real limit (a path in a
 * struct, a kernel name): the caller turns -1 into an error. */
int fmt_fit(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* snprintf into a fixed display field (a one-line summary, a "why"): when
 * the text does not fit, its end becomes "..." so the cut is visible; -1
 * then, else 0.  Not for paths or keys (fmt_fit: a cut one is wrong). */
int fmt_cut(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
