/* sim/litmus/lit_body.h — one thread of a litmus file (lit_body.c). */
#ifndef HVSIM_LIT_BODY_H
#define HVSIM_LIT_BODY_H

#include "lit_ps.h"

/* "Pn(type *loc, ...) { body }" at token pk: thread n into p->t, its body's
 * C code in p->t->thr[n].code.  0, or -1 with the error in p->err. */
int lit_parse_thread(struct ps *p, struct lit_tok *pk);

#endif
