/* sim/engine/det/det_graph.c — an execution's *graph* as one hash: what an
 * rf/co-based search (GenMC's, one execution per consistent execution graph)
 * would tell apart.  HVSIM_DET_GRAPHS=FILE makes a dfs/dpor search write
 * each new graph's hash with the schedule that first showed it, and say how
 * many it saw (det_behaviour.c's det_bfile).  Two uses: "N executions, G
 * graphs" says how far the search is from one execution per graph (what an
 * optimal graph-based search would run), and two complete searches of one
 * workload must reach the same graphs — a finer check of a reduction rule
 * than the behaviour sets (tools/dpor_behaviours.sh GRAPHS=1).
 *
 * The graph, with writes named the same way in every execution (writer
 * thread and place), never by timestamp:
 *  - per thread, in program order: each event's kind, location, order and
 *    value, and for a read the writes that last changed the bytes it read
 *    (value-centric, as DPOR's silent-store and domination rules are); a
 *    re-read of a location and value already read since the thread's last
 *    non-read counts once, and the turns of a wait that failed before it
 *    saw its value are left out (det_await_turns), as the behaviour hash
 *    does — the spin-loop equivalence the search itself assumes;
 *  - per location, the order of the writes that changed it (co);
 *  - per private word, the order of the threads' accesses to it, and the
 *    order of the platform and pthread events (both totally ordered in
 *    the model).
 * Under arm/riscv a location is the model's 8-byte granule (commit); under
 * sc and tso a byte (byte_write), where a write is its own commit (sc) or
 * its drain is (tso).  A read whose message is not known (its own buffered
 * bytes, two granules) is named by its value. */
#include "det.h"
#include "runtime/det/det_fp.h"
#include <string.h>
#include <stdlib.h>

#define FNV(h, x) ((h) = ((h) ^ (uint64_t)(x)) * 0x100000001b3ull)
#define NGRAN ((int)(HVSIM_BRIDGE_PAGE / WMM_GRAN))
#define NTS 16384u /* wmm: the messages an execution remembers */
#define NPK 64

static int is_store(int k) { return k == EV_WRITE || k == EV_VWRITE || k == EV_ASTORE || k == EV_RMW; }
static int is_platform(int k)
{
    return k == EV_SLEEP || k == EV_WAKE || k == EV_IPI || k == EV_HCALL || k == EV_HCDONE || k == EV_SYNC;
}

static uint64_t msg_id(int t, uint32_t g, uint32_t k)
{
    return ((uint64_t)(t + 1) << 48) ^ ((uint64_t)g << 24) ^ (uint64_t)(k + 1);
}

/* One execution's scratch, cleared at once (the supervisor is
 * single-threaded). */
static struct {
    uint32_t nth[DET_MAXT][NGRAN];            /* commits so far per (thread, granule) */
    uint64_t co[NGRAN], th[DET_MAXT];          /* per granule co, per thread its history */
    struct det_bwin win[DET_MAXT];             /* each thread's re-read window */
    uint32_t pk[NPK];                          /* private words and their access order */
    uint64_t pkh[NPK];
    uint8_t mem[HVSIM_BRIDGE_PAGE];            /* sc/tso: the bytes, and who wrote each */
    uint64_t wid[HVSIM_BRIDGE_PAGE], cob[HVSIM_BRIDGE_PAGE];
    uint32_t nw[DET_MAXT];
    uint64_t gval[NGRAN], gwid[NGRAN][WMM_GRAN]; /* arm/riscv: each granule's newest message */
} z;
static uint8_t skip[DET_MAX_EV];

/* sc/tso: memory is bytes.  A write names each byte it changes (a store
 * of what memory holds already, the daemon re-storing need_wakeup = 0,
 * changes nothing a read can tell, as DPOR's silent drains say); a read's
 * message is the writers of its bytes; co is per byte. */

static uint32_t span(const struct det_event *e)
{
    uint32_t n = e->size == 255 ? HVSIM_BRIDGE_PAGE - e->off : e->size ? e->size : 1;
    return n > HVSIM_BRIDGE_PAGE - e->off ? HVSIM_BRIDGE_PAGE - e->off : n;
}

static void byte_write(int t, const struct det_event *e)
{
    uint64_t id = ((uint64_t)(t + 1) << 48) ^ (uint64_t)(++z.nw[t]);
    for (uint32_t i = 0, n = span(e); i < n; i++) {
        uint32_t b = e->off + i;
        uint8_t v = (uint8_t)(i < 8 ? e->val >> (8 * i) : 0);
        if (i < 8 && v == z.mem[b])
            continue; /* the byte holds it already (the page starts zeroed: det_exec.c) */
        z.mem[b] = v; /* beyond the traced 8 bytes: taken as changed */
        z.wid[b] = id;
        FNV(z.cob[b], id);
    }
}

static uint64_t byte_rf(const struct det_event *e)
{
    uint64_t h = 0;
    for (uint32_t i = 0, n = span(e); i < n; i++)
        FNV(h, z.wid[e->off + i]);
    return h;
}

/* arm/riscv: a message is committed.  Its name is kept per byte: each
 * byte names the message that last changed it (in co, which is commit
 * order), so a read is named by the writers of the bytes it read — the
 * value-centric view DPOR takes: a silent commit (the daemon re-storing
 * need_wakeup = 0) changes no name, and neither does a commit of the
 * other half of the granule (req_front beside req_rear) for a read of
 * this half, which DPOR lets commute with it (det_dpor_dominate.c).  co
 * is the order of the changes, per granule. */
static uint64_t twid[NTS][WMM_GRAN]; /* each message's byte names, by timestamp */
static void commit(int t, const struct det_event *e)
{
    uint32_t g = e->off / WMM_GRAN % NGRAN, ts = e->view % NTS;
    uint64_t id = msg_id(t, g, z.nth[t][g]++), changed = 0;
    for (int b = 0; b < WMM_GRAN; b++)
        if ((uint8_t)(e->val >> (8 * b)) != (uint8_t)(z.gval[g] >> (8 * b))) {
            z.gwid[g][b] = id;
            changed |= 1u << b;
        }
    z.gval[g] = e->val;
    if (changed)
        FNV(z.co[g], id ^ changed << 40);
    if (e->view)
        memcpy(twid[ts], z.gwid[g], sizeof twid[ts]);
}

/* The writers of the bytes a read took from the message with timestamp
 * key - 1 (key 1: the initial bytes, named 0). */
static uint64_t wmm_rf(const struct det_event *e)
{
    uint64_t h = 0;
    uint32_t b0 = e->off % WMM_GRAN, n = e->size ? e->size : 1;
    for (uint32_t b = b0; b < b0 + n && b < WMM_GRAN; b++)
        FNV(h, e->pkey > 1 ? twid[(e->pkey - 1) % NTS][b] : 0);
    return h;
}

static void priv_order(int t, const struct det_event *e)
{
    for (int i = 0; i < NPK; i++)
        if (z.pk[i] == e->pkey || !z.pk[i]) {
            z.pk[i] = e->pkey;
            FNV(z.pkh[i], (uint64_t)t << 8 | e->kind);
            return;
        }
}

uint64_t det_graph_hash(const struct det_event *ev, uint32_t nev, int model)
{
    if (nev > DET_MAX_EV)
        nev = DET_MAX_EV;
    memset(&z, 0, sizeof z);
    det_await_turns(ev, nev, skip);
    int wmm = model == DM_ARM || model == DM_RISCV;
    /* HVSIM_DET_GRAPHS_BY=value: an arm/riscv read named by its value only */
    const char *by = getenv("HVSIM_DET_GRAPHS_BY");
    int by_value = by && !strcmp(by, "value");
    uint64_t plat = 0;
    for (uint32_t k = 0; k < nev; k++) {
        const struct det_event *e = &ev[k];
        int t = (e->tid & 63) % DET_MAXT;
        int bridge = e->off < HVSIM_BRIDGE_PAGE && !is_platform(e->kind);
        if (e->kind == EV_DRAIN) { /* a commit (tso, arm, riscv) */
            if (bridge && wmm)
                commit(t, e);
            else if (bridge)
                byte_write(t, e);
            else
                priv_order(t, e);
            continue;
        }
        if (e->kind == EV_SWITCH || e->kind == EV_DELAY)
            continue;
        /* under sc every store is a commit; under tso an unbuffered one
         * (an RMW) is; under arm/riscv an RMW's landing is traced as a drain */
        if (bridge && is_store(e->kind) && !wmm && !(e->mo & DET_EV_BUFFERED))
            byte_write(t, e);
        if (skip[k])
            continue;
        uint64_t x = (uint64_t)e->kind << 56 ^ (uint64_t)e->off << 24 ^ (uint64_t)(e->mo & 0x3f) << 16 ^ e->size;
        if (det_fp_is_read(e) && bridge) {
            if (det_bwin_seen(&z.win[t], e->off, e->val))
                continue;
            uint64_t rf = 0;
            if (wmm && e->pkey && !by_value)
                rf = wmm_rf(e) + 1;
            else if (!wmm)
                rf = byte_rf(e);
            FNV(z.th[t], x);
            FNV(z.th[t], e->val); /* tso: its own buffered bytes may be what it read */
            FNV(z.th[t], rf);
            continue;
        }
        z.win[t].n = 0; /* it did something else: a new turn */
        FNV(z.th[t], x);
        /* a sleep's value is the IPIs pending when it was reached, a
         * fence's the stores still buffered: timing, not the graph */
        FNV(z.th[t], e->kind == EV_SLEEP || e->kind == EV_FENCE ? 0 : e->val);
        if (!bridge && !is_platform(e->kind) && e->pkey) /* a private word */
            priv_order(t, e);
        if (is_platform(e->kind))
            FNV(plat, (uint64_t)t << 8 | e->kind);
    }
    uint64_t h = 0xcbf29ce484222325ull;
    for (int t = 0; t < DET_MAXT; t++)
        FNV(h, z.th[t] + (uint64_t)t);
    for (int g = 0; g < NGRAN; g++)
        if (z.co[g])
            FNV(h, z.co[g] + (uint64_t)g);
    for (uint32_t b = 0; b < HVSIM_BRIDGE_PAGE; b++)
        if (z.cob[b])
            FNV(h, z.cob[b] + b);
    for (int i = 0; i < NPK && z.pk[i]; i++)
        FNV(h, z.pkh[i] ^ z.pk[i]);
    FNV(h, plat);
    return h;
}
