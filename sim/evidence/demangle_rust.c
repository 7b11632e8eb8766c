/* sim/evidence/demangle_rust.c — see demangle_rust.h. */
#include "demangle_rust.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
    char *s;
    size_t n, len;
};
static void put(struct out *o, const char *s, size_t k)
{
    for (size_t i = 0; i < k && o->len + 1 < o->n; i++)
        o->s[o->len++] = s[i];
    o->s[o->len] = 0;
}

static const struct { const char *esc, *ch; } escapes[] = {
    {"$SP$", "@"}, {"$BP$", "*"}, {"$RF$", "&"}, {"$LT$", "<"}, {"$GT$", ">"},
    {"$LP$", "("}, {"$RP$", ")"}, {"$C$", ","},
};

/* one identifier with its escapes; 0 on a malformed escape */
static int ident(struct out *o, const char *s, size_t k)
{
    if (k >= 2 && s[0] == '_' && s[1] == '$') { /* a leading '$' is written "_$" */
        s++;
        k--;
    }
    for (size_t i = 0; i < k;) {
        if (s[i] == '.' && i + 1 < k && s[i + 1] == '.') {
            put(o, "::", 2);
            i += 2;
            continue;
        }
        if (s[i] != '$') {
            put(o, s + i, 1);
            i++;
            continue;
        }
        const char *end = memchr(s + i + 1, '$', k - i - 1);
        if (!end)
            return 0;
        size_t el = (size_t)(end - (s + i)) + 1;
        int done = 0;
        for (size_t e = 0; e < sizeof escapes / sizeof escapes[0] && !done; e++)
            if (strlen(escapes[e].esc) == el && !memcmp(s + i, escapes[e].esc, el)) {
                put(o, escapes[e].ch, 1);
                done = 1;
            }
        if (!done && el >= 4 && s[i + 1] == 'u') { /* $uXX$: a code point in hex */
            char hex[9] = "";
            if (el - 3 > 8)
                return 0;
            memcpy(hex, s + i + 2, el - 3);
            char *ep;
            unsigned long cp = strtoul(hex, &ep, 16);
            if (*ep || cp == 0 || cp > 0x7f)
                return 0;
            char c = (char)cp;
            put(o, &c, 1);
            done = 1;
        }
        if (!done)
            return 0;
        i += el;
    }
    return 1;
}

static int is_hash(const char *s, size_t k)
{
    if (k != 17 || s[0] != 'h')
        return 0;
    for (size_t i = 1; i < k; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int rust_demangle(const char *in, char *out, size_t outlen)
{
    if (!outlen)
        return 0;
    struct out o = { out, outlen, 0 };
    out[0] = 0;
    const char *p = in;
    if (!strncmp(p, "_ZN", 3))
        p += 3;
    else if (!strncmp(p, "__ZN", 4)) /* macOS-style extra underscore */
        p += 4;
    else
        goto copy;
    int first = 1;
    while (*p != 'E') {
        if (!isdigit((unsigned char)*p))
            goto copy;
        char *ep;
        unsigned long k = strtoul(p, &ep, 10);
        if (k == 0 || strlen(ep) < k)
            goto copy;
        if (ep[k] == 'E' && is_hash(ep, k)) { /* the trailing hash: drop it */
            p = ep + k;
            break;
        }
        if (!first)
            put(&o, "::", 2);
        if (!ident(&o, ep, k))
            goto copy;
        first = 0;
        p = ep + k;
    }
    if (first || (p[1] != 0 && p[1] != '.'))
        goto copy;
    return 1;
copy:
    snprintf(out, outlen, "%s", in);
    return 0;
}
