/* tests/unit/test_det_litmus.c — the det engine's memory models
 * (sim/runtime/det/det_model.h) checked against the classic litmus shapes by
 * exhaustive exploration: every interleaving of the threads' steps and of
 * every store-buffer drain, the outcome sets compared with x86-TSO
 * (Owens, Sarkar, Sewell, "A better x86 memory model: x86-TSO", TPHOLs
 * 2009) and SC.  Under tso: SB allowed; MP, LB, 2+2W, IRIW, CoRR, and SB
 * with mfence forbidden.  Under sc: only SC outcomes.  Private-memory
 * stores (a spin-lock release) share the thread's FIFO: MP through a
 * private word is forbidden as well (the det soundness bug of issue 15). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "runtime/det/det_model.h"

enum { ST, LD, MF, XCHG, PST, PLD }; /* PST/PLD: a private word, not the bridge */
struct op { int kind, loc, val, reg; };
struct prog { int nt; int n[4]; struct op ops[4][4]; };

#define MAXR 8
#define MAXOUT 64
static struct det_shm *S;
static uint8_t M[HVSIM_BRIDGE_PAGE];
static uint64_t priv[4];
static const struct prog *P;
static int pc[4], reg[MAXR], holder;
static int outs[MAXOUT][MAXR + 2], nouts;

static void hold(int t)
{
    if (holder == t)
        return;
    if (holder >= 0)
        det_overlay_remove(S, M, holder);
    det_overlay_apply(S, M, t);
    holder = t;
}

static void step(int t)
{
    const struct op *o = &P->ops[t][pc[t]++];
    hold(t);
    uint32_t off = (uint32_t)o->loc * 8;
    uint64_t v = (uint64_t)o->val;
    switch (o->kind) {
    case ST: memcpy(M + off, &v, 8); det_store(S, M, t, t, off, (uint8_t *)&v, 8); break;
    case LD: { uint64_t x; memcpy(&x, M + off, 8); reg[o->reg] = (int)x; break; }
    case MF: det_sb_drain_all(S, M, t, t); break;
    case XCHG: {
        det_sb_drain_all(S, M, t, t);
        uint64_t x;
        memcpy(&x, M + off, 8);
        reg[o->reg] = (int)x;
        det_store_global(S, M, t, off, (uint8_t *)&v, 8);
        break;
    }
    case PST:
        if (!S->tso)
            priv[o->loc] = v;
        else
            assert_int_equal(det_pstore(S, M, t, &priv[o->loc], (uint8_t *)&v, 8), 0);
        break;
    case PLD: reg[o->reg] = (int)priv[o->loc]; break;
    }
}

struct snap {
    uint8_t G[64], M[64];
    struct det_thread t[4];
    struct det_pcell pc[4];
    uint64_t priv[4];
    int pcs[4], reg[MAXR], holder;
};
static void save(struct snap *s)
{
    memcpy(s->G, S->G, 64);
    memcpy(s->M, M, 64);
    memcpy(s->t, S->t, sizeof s->t);
    memcpy(s->pc, S->pcell, sizeof s->pc);
    memcpy(s->priv, priv, sizeof priv);
    memcpy(s->pcs, pc, sizeof pc);
    memcpy(s->reg, reg, sizeof reg);
    s->holder = holder;
}
static void restore(const struct snap *s)
{
    memcpy(S->G, s->G, 64);
    memcpy(M, s->M, 64);
    memcpy(S->t, s->t, sizeof s->t);
    memcpy(S->pcell, s->pc, sizeof s->pc);
    memcpy(priv, s->priv, sizeof priv);
    memcpy(pc, s->pcs, sizeof pc);
    memcpy(reg, s->reg, sizeof reg);
    holder = s->holder;
}

static void record(void)
{
    int o[MAXR + 2];
    memcpy(o, reg, sizeof reg);
    uint64_t x, y;
    memcpy(&x, S->G + 0, 8);
    memcpy(&y, S->G + 8, 8);
    o[MAXR] = (int)x;
    o[MAXR + 1] = (int)y;
    for (int i = 0; i < nouts; i++)
        if (!memcmp(outs[i], o, sizeof o))
            return;
    assert_true(nouts < MAXOUT);
    memcpy(outs[nouts++], o, sizeof o);
}

/* Every interleaving of steps and drains; at the end all buffers drained. */
static void explore(void)
{
    int any = 0;
    for (int t = 0; t < P->nt; t++) {
        if (pc[t] < P->n[t]) {
            struct snap s;
            save(&s);
            step(t);
            explore();
            restore(&s);
            any = 1;
        }
        if (S->t[t].sb_n) {
            struct snap s;
            save(&s);
            det_sb_drain_head(S, M, t, holder);
            explore();
            restore(&s);
            any = 1;
        }
    }
    if (!any)
        record();
}

static void run(const struct prog *p, int tso)
{
    memset(S, 0, sizeof *S);
    memset(M, 0, sizeof M);
    memset(priv, 0, sizeof priv);
    memset(pc, 0, sizeof pc);
    memset(reg, 0, sizeof reg);
    S->tso = (uint32_t)tso;
    S->nthreads = (uint32_t)p->nt;
    holder = -1;
    nouts = 0;
    P = p;
    explore();
}

/* Is an outcome with these register values (-1 = any) reachable? */
static int seen(int r0, int r1, int r2, int r3)
{
    for (int i = 0; i < nouts; i++)
        if ((r0 < 0 || outs[i][0] == r0) && (r1 < 0 || outs[i][1] == r1) &&
            (r2 < 0 || outs[i][2] == r2) && (r3 < 0 || outs[i][3] == r3))
            return 1;
    return 0;
}
static int seen_final(int x, int y)
{
    for (int i = 0; i < nouts; i++)
        if (outs[i][MAXR] == x && outs[i][MAXR + 1] == y)
            return 1;
    return 0;
}

#define X 0
#define Y 1
static const struct prog SB = { 2, { 2, 2 }, { { { ST, X, 1, 0 }, { LD, Y, 0, 0 } },
                                              { { ST, Y, 1, 0 }, { LD, X, 0, 1 } } } };
static const struct prog SB_MF = { 2, { 3, 3 },
    { { { ST, X, 1, 0 }, { MF, 0, 0, 0 }, { LD, Y, 0, 0 } },
      { { ST, Y, 1, 0 }, { MF, 0, 0, 0 }, { LD, X, 0, 1 } } } };
static const struct prog SB_XCHG = { 2, { 2, 2 }, { { { XCHG, X, 1, 2 }, { LD, Y, 0, 0 } },
                                                   { { XCHG, Y, 1, 3 }, { LD, X, 0, 1 } } } };
static const struct prog MP = { 2, { 2, 2 }, { { { ST, X, 1, 0 }, { ST, Y, 1, 0 } },
                                              { { LD, Y, 0, 0 }, { LD, X, 0, 1 } } } };
static const struct prog LB = { 2, { 2, 2 }, { { { LD, X, 0, 0 }, { ST, Y, 1, 0 } },
                                              { { LD, Y, 0, 1 }, { ST, X, 1, 0 } } } };
static const struct prog W22 = { 2, { 2, 2 }, { { { ST, X, 1, 0 }, { ST, Y, 2, 0 } },
                                               { { ST, Y, 1, 0 }, { ST, X, 2, 0 } } } };
static const struct prog IRIW = { 4, { 1, 1, 2, 2 },
    { { { ST, X, 1, 0 } }, { { ST, Y, 1, 0 } },
      { { LD, X, 0, 0 }, { LD, Y, 0, 1 } }, { { LD, Y, 0, 2 }, { LD, X, 0, 3 } } } };
static const struct prog CORR = { 2, { 1, 2 }, { { { ST, X, 1, 0 } },
                                                { { LD, X, 0, 0 }, { LD, X, 0, 1 } } } };
/* MP where the flag is a private word (a lock release) after a bridge store */
static const struct prog MP_PRIV = { 2, { 2, 2 }, { { { ST, X, 1, 0 }, { PST, 0, 1, 0 } },
                                                   { { PLD, 0, 0, 0 }, { LD, X, 0, 1 } } } };
/* SB through a private word: the private store may still be buffered */
static const struct prog SB_PRIV = { 2, { 2, 2 }, { { { PST, 0, 1, 0 }, { LD, Y, 0, 0 } },
                                                   { { ST, Y, 1, 0 }, { PLD, 0, 0, 1 } } } };

static void sb(void **st)
{
    (void)st;
    run(&SB, 1);
    assert_true(seen(0, 0, -1, -1));  /* allowed under TSO: both stores buffered */
    assert_true(seen(1, 1, -1, -1));
    run(&SB, 0);
    assert_false(seen(0, 0, -1, -1)); /* forbidden under SC */
    run(&SB_MF, 1);
    assert_false(seen(0, 0, -1, -1)); /* mfence restores SC */
    run(&SB_XCHG, 1);
    assert_false(seen(0, 0, -1, -1)); /* locked RMW drains */
}

static void mp(void **st)
{
    (void)st;
    for (int tso = 0; tso <= 1; tso++) {
        run(&MP, tso);
        assert_false(seen(1, 0, -1, -1));
        assert_true(seen(1, 1, -1, -1));
        assert_true(seen(0, 0, -1, -1));
    }
}

static void lb(void **st)
{
    (void)st;
    for (int tso = 0; tso <= 1; tso++) {
        run(&LB, tso);
        assert_false(seen(1, 1, -1, -1));
    }
}

static void two_plus_two_w(void **st)
{
    (void)st;
    for (int tso = 0; tso <= 1; tso++) {
        run(&W22, tso);
        assert_false(seen_final(1, 1)); /* x=1 ∧ y=1 would need a store order cycle */
        assert_true(seen_final(2, 2) || seen_final(1, 2) || seen_final(2, 1));
    }
}

static void iriw(void **st)
{
    (void)st;
    for (int tso = 0; tso <= 1; tso++) {
        run(&IRIW, tso);
        assert_false(seen(1, 0, 1, 0)); /* TSO is multi-copy atomic */
        assert_true(seen(1, 1, 1, 1));
    }
}

static void corr(void **st)
{
    (void)st;
    for (int tso = 0; tso <= 1; tso++) {
        run(&CORR, tso);
        assert_false(seen(1, 0, -1, -1));
        assert_true(seen(0, 1, -1, -1));
    }
}

static void private_words_share_the_fifo(void **st)
{
    (void)st;
    run(&MP_PRIV, 1);
    assert_false(seen(1, 0, -1, -1)); /* the lock release never passes the bridge store */
    assert_true(seen(1, 1, -1, -1));
    run(&SB_PRIV, 1);
    assert_true(seen(0, 0, -1, -1));  /* and it is buffered like any store: SB allowed */
    run(&SB_PRIV, 0);
    assert_false(seen(0, 0, -1, -1));
    /* every cell released once the buffers drained */
    run(&MP_PRIV, 1);
    for (int i = 0; i < DET_PCELLS; i++)
        assert_int_equal(S->pcell[i].refs, 0);
}

static int setup(void **st)
{
    (void)st;
    S = calloc(1, sizeof *S);
    return S ? 0 : -1;
}
static int teardown(void **st)
{
    (void)st;
    free(S);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sb),
        cmocka_unit_test(mp),
        cmocka_unit_test(lb),
        cmocka_unit_test(two_plus_two_w),
        cmocka_unit_test(iriw),
        cmocka_unit_test(corr),
        cmocka_unit_test(private_words_share_the_fifo),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
