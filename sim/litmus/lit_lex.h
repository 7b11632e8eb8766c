/* sim/litmus/lit_lex.h — tokens of a litmus file (lit_lex.c), for the parser. */
#ifndef HVSIM_LIT_LEX_H
#define HVSIM_LIT_LEX_H

#include <stddef.h>
#include <stdint.h>
#include "litmus.h"

enum { TK_EOF, TK_ID, TK_NUM, TK_STR, TK_PUNCT, TK_NAME /* the rest of the "C name" line */ };

struct lit_tok {
    int kind;
    int line, col;
    int64_t num;
    char s[96];
};

struct lit_toks {
    struct lit_tok *v;
    int n, cap;
};

/* Tokenise text; herd7 comments (* … *) outside code are skipped, and the
 * hvsim-expect / hvsim-herd7 lines in them go into t.  0, or -1 with
 * "path:line:col: what is wrong" in err. */
int lit_lex(const char *path, const char *text, struct lit_toks *out, struct lit_test *t, char *err,
            size_t errlen);

#endif
