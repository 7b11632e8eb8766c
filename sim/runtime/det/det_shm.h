/* sim/runtime/det/det_shm.h — the deterministic engine's part of the shared memfd
 * region, after the bridge page and hvsim's control area:
 *
 *   [0, 4096)                    struct virtio_bridge   (memory M, what code runs on)
 *   [4096, HVSIM_REGION_SIZE)    struct hvsim_ctl
 *   [HVSIM_REGION_SIZE, …)       struct det_shm         (this file)
 *
 * Fixed-width fields only, no pointers: a qemu-user participant and the
 * native supervisor must agree on the layout.  Included by the participant
 * runtime (sim/runtime/det) and by the supervisor (sim/engine/det).
 */
#ifndef HVSIM_DET_SHM_H
#define HVSIM_DET_SHM_H

#include <stdint.h>
#include "runtime/common/control.h"

#define DET_MAGIC      0x54454453564848ull /* "HHVSDET" */
/* CPU threads, hypercall thread, daemon, then the threads the code under test
 * creates (det_threads.c); 26 because schedule strings name threads a..z */
#define DET_MAXT       26
#define DET_SB_MAX     64                  /* store-buffer entries per participant */
#define DET_SB_BYTES   16                  /* bytes per entry (wider stores are split) */
#define DET_MAX_STEPS  (1u << 17)          /* decisions logged per execution */
#define DET_MAX_EV     (1u << 17)          /* trace events kept per execution */
#define DET_SPIN_R     2                   /* unchanged re-reads without a write of its own = spinner */
#define DET_RS_MAX     8                   /* locations remembered per spinner (then: any write wakes) */
#define DET_SPIN_TURN  4096                /* points a lone spinner runs before the next one's turn */
#define DET_QUIET_MAX  (1ull << 22)        /* default: points with no write by anyone = nothing can change */
#define DET_POINTS_MAX (1ull << 28)        /* default: scheduling points per execution */
#define DET_ACT_DRAIN  32                  /* action a: a < 32 run thread a; a >= 32 drain buffer a-32 */
#define DET_ACT_DEFAULT 0xff               /* in a soft prefix: take the default choice */
#define DET_ACT_CHOICE 64                  /* a value choice (det_wmm_rt.c): action 64+i = candidate i */
#define DET_CHOICE_MAX 52                  /* candidates a value choice can name (schedule letters) */

/* Memory models.  arm/riscv state lives in struct det_wmm (det_wmm.h). */
enum det_model { DM_SC = 0, DM_TSO, DM_ARM, DM_RISCV };

/* ---- weak memory (det_wmm.h): per-granule store histories, per-thread views */
#define WMM_GRAN   8                       /* a location: an 8-aligned granule of the bridge page */
#define WMM_NG     (HVSIM_BRIDGE_PAGE / WMM_GRAN)
#define WMM_MSGS   16384                   /* messages kept per execution (then: newest only) */
#define WMM_CANDS  8                       /* stale candidates offered to one load at most */
struct wmm_msg {
    uint32_t ts;         /* timestamp: position in the global order of committed writes (0: initial) */
    uint32_t prev;       /* index+1 of the previous (co-earlier) message of the granule, 0: none */
    uint32_t mark;       /* a buffered entry's commit: its barrier count + 1; 0 any other write */
    uint16_t g;          /* granule */
    uint8_t tid, pad;
    uint8_t val[WMM_GRAN]; /* the granule's bytes after this write */
};
struct wmm_view {
    uint32_t vrold;      /* max post-view of every read so far */
    uint32_t vwold;      /* max timestamp of every own committed write */
    uint32_t vrnew;      /* lower bound of every later read (raised by acquire and fences) */
    uint32_t vrel;       /* timestamp of the last committed release store (ARM: stlr -> ldar) */
    uint32_t wbar;       /* write-ordering barriers so far: entries with a lower bar commit first */
    uint32_t vrev;       /* vrnew at the thread's last traced event; bit 31: raised since
                          * by a step without an event of its own (wmm_sync) */
    uint32_t coh[WMM_NG]; /* per location: newest timestamp this thread is coherent with */
};
struct det_wmm {
    uint32_t clock;      /* timestamp of the newest committed write */
    uint32_t nmsg;
    uint32_t full;       /* history full: every load reads the newest value from now on */
    uint32_t cut;        /* loads this execution not offered every message their view allows
                          * (more than WMM_CANDS, or the history full): a search that met one
                          * is not complete (det_engine.c) */
    uint32_t strong;     /* riscv as gcc maps it: every C11 fence is fence iorw,iorw */
    uint32_t settled;    /* clock when M was last made G + holder's stores (det_wmm_settle) */
    uint32_t last[WMM_NG]; /* index+1 of the granule's newest message, 0: never written */
    struct wmm_view v[DET_MAXT];
    struct wmm_msg msg[WMM_MSGS];
};

enum det_strategy { DET_RANDOM = 0, DET_PCT, DET_DFS, DET_REPLAY };
enum det_tstate { DT_IDLE = 0, DT_ENABLED, DT_BLOCKED, DT_DONE };
enum det_block { DB_NONE = 0, DB_SLEEP, DB_HC_WAIT, DB_HC_SERVE,
                 DB_SYNC, /* a pthread lock/condvar/join of the code under test: det_thread.wait_obj */
                 DB_BOOT /* a CPU held until the daemon's first sleep (scenario 'boot daemon-first') */ };
enum det_exec { DX_IDLE = 0, DX_RUNNING, DX_ENDED };

/* Trace event kinds (det_runtime.c records, the supervisor prints). */
enum det_ev {
    EV_READ = 0, EV_WRITE, EV_VREAD, EV_VWRITE, EV_ALOAD, EV_ASTORE, EV_RMW, EV_FENCE,
    EV_SLEEP, EV_WAKE, EV_IPI, EV_HCALL, EV_HCDONE, EV_DELAY, EV_BEGIN, EV_DONE,
    EV_DRAIN, EV_SWITCH, EV_ACCESS, EV_RESULT,
    EV_SYNC,             /* pthread call of the code under test: off = enum det_sync, val = object or thread */
    EV__COUNT
};

/* EV_SYNC operations (det_threads.c).  create/join/exit: val = thread index;
 * the others: val = the object's number in this execution (1, 2, … by first use). */
enum det_sync { SY_CREATE = 0, SY_JOIN, SY_EXIT, SY_LOCK, SY_BLOCK, SY_UNLOCK, SY_WAIT,
                SY_TIMEDWAIT, SY_SIGNAL, SY_BROADCAST, SY__COUNT };

/* A footprint: what a step or a transition of DPOR touches (det_fp.h says
 * when two of them do not commute).  Bytes of the bridge page read and
 * written (8-byte granules under arm/riscv), private words (det_pkey),
 * pthread objects; blk: the 64-byte blocks touched, a quick "certainly
 * independent" before the byte bitsets are compared. */
#define DET_FP_NGW ((int)(HVSIM_BRIDGE_PAGE / 64))   /* 64-bit words of a byte bitset */
#define DET_FP_PK 8
struct det_fp {
    uint64_t rd[DET_FP_NGW], wr[DET_FP_NGW];
    uint64_t rblk, wblk;
    uint32_t pk[DET_FP_PK];  /* private words (det_pkey) accessed; pkw: written */
    uint8_t pkw[DET_FP_PK], npk;
    uint64_t who, bufs;      /* threads whose events it holds; buffers it drains */
    uint64_t cbufs;          /* arm/riscv: buffers it commits entries of, all with barrier count cbar */
    uint32_t cbar;
    uint32_t rr_g1;          /* DF_RR: the granule + 1 its acquire re-reads are on */
    uint32_t ov;             /* arm/riscv: the highest view V a step raised its thread to (it
                              * observes the order of commits up to timestamp V) */
    uint32_t wts;            /* arm/riscv: the lowest timestamp of a write here (1: not known) */
    uint32_t rrv;            /* DF_RRB: the highest view its re-reads raised */
    uint32_t rx_off, rx_key; /* DF_RX: the bytes [rx_off, +rx_size) its exit re-read took, or
                              * (rx_off DET_FP_PRIV) the private word rx_key */
    uint32_t rx_size;
    uint64_t objs;           /* pthread objects (number mod 64) */
    uint32_t flags;          /* DF_* (det_fp.h) */
};

/* The spin-loop rule's window of one thread (det_fp_reread). */
#define DET_WIN_MAX 32
struct det_win {
    uint32_t off[DET_WIN_MAX], pkey[DET_WIN_MAX];
    uint64_t pc[DET_WIN_MAX], val[DET_WIN_MAX]; /* val: what the last turn read there */
    uint8_t size[DET_WIN_MAX], n, full;
};

/* dpor's sleep set at the end of the schedule prefix (supervisor → runtime):
 * actions explored there already, with the footprint of their step.  The
 * runtime's continuation steers clear of them until a step that does not
 * commute with one wakes it (det_sleep.c); the supervisor still checks
 * every execution afterwards (det_dpor.c), so this only saves executions. */
#define DET_SLP_MAX 8
struct det_slp {
    uint64_t mask;           /* actions asleep (bits as det_logent.opts) */
    uint32_t next_ev;        /* trace events before ev[next_ev] were checked */
    uint8_t n, act[DET_SLP_MAX];
    struct det_fp fp[DET_SLP_MAX];
    /* arm/riscv: the prefix's drain decision gstep1-1 commits the entry on
     * granule g, not the default one (det_wmm_drain); 0: none.  gmiss: no
     * committable entry was on g (runtime → supervisor). */
    uint32_t gstep1;
    uint16_t g, gmiss;
    /* runtime: the spin-loop windows of the threads, from the execution's
     * first event (a re-read wakes nothing: det_sleep.c) */
    struct det_win win[DET_MAXT];
};

/* In det_event.mo: the store joined its thread's tso buffer, so nobody
 * else sees it until the EV_DRAIN of those bytes (every drain is traced). */
#define DET_EV_BUFFERED 0x80u
/* In an EV_DRAIN's mo: tso, memory held those bytes already; arm/riscv,
 * the message holds the granule bytes of the granule's message before it
 * (det_dpor_fp.c: silent drains and commits). */
#define DET_EV_SILENT 0x40u

struct det_event {
    uint32_t step;       /* decision index when it happened */
    uint8_t tid, kind, size, mo;  /* size 255: 255 bytes or more */
    uint32_t off;        /* bridge offset, or site / access index */
    uint32_t pkey;       /* off == PRIV_OFF: the private 8-byte word (det_pkey()), 0 unknown;
                          * arm/riscv: a commit's barrier mark (wmm_land), a bridge load's
                          * message (det_wmm_read_key) */
    uint32_t view;       /* arm/riscv (det_wmm_ev_view): a commit's timestamp (0: not known);
                          * another event: DET_VIEW_* or the view V it raised its thread's
                          * vrnew to, as V + 2 (0: not recorded) */
    uint8_t rflags;      /* arm/riscv bridge load: DET_RF_* */
    uint8_t pad_[3];
    uint64_t val;
    uint64_t pc;
};
/* det_event.rflags: the load was offered every message it could read (no
 * spinner's newest-only read, no cut candidate list, no re-read filter): a
 * commit before it that it did not take commutes with it (det_dpor_fp.c) */
#define DET_RF_ALLC 1u
/* ... its thread's view rose since its last event, before it took its
 * message (a sync charged to it, a fence inside its step): that raise
 * may have observed the commit of the message it took (det_dpor_fp.c,
 * read_of_newer) */
#define DET_RF_PRE 2u
#define DET_VIEW_NONE 1u            /* it raised no view: it observes no commit order */
#define DET_VIEW_ALL  0xffffffffu   /* it raised its view to the clock: it observes every commit */
/* with V + 2: V came from commits its own hook made (det_wmm_ev_view) */
#define DET_VIEW_OWN  0x80000000u

/* Which private word an access touches, for DPOR's dependences: the word's
 * address >> 3 (31 bits) and the process (bit 31; the hv and the daemon
 * never share private memory).  0 when the access spans two words. */
static inline uint32_t det_pkey(uint64_t addr, uint32_t size, uint32_t proc)
{
    if (!size || (addr >> 3) != ((addr + size - 1) >> 3))
        return 0;
    uint32_t k = (uint32_t)((addr >> 3) & 0x7fffffffu) | (proc ? 0x80000000u : 0);
    return k ? k : 1u << 30;
}

struct det_sbent {
    uint32_t off;        /* bridge offset; for a private entry: byte within the cell's word */
    uint32_t size;       /* 1..DET_SB_BYTES */
    uint32_t cell;       /* 0: bridge entry; i+1: private entry on pcell[i] */
    uint32_t pad;
    uint8_t val[DET_SB_BYTES];
};

/* A private word (hv-process memory such as the request lock) that some
 * thread has a buffered atomic store to.  g holds the word's global value
 * for the bytes in mask; the process's memory shows g overlaid with the
 * token holder's own entries, like the bridge.  A drain by a thread of the
 * other process cannot write this memory: it updates g and marks the cell
 * dirty, and the next thread of the owning process to take the token
 * writes it back. */
#define DET_PCELLS 64
struct det_pcell {
    uint64_t word;       /* 8-aligned address in the owning process */
    uint32_t proc, refs; /* owning process; buffered entries on it */
    uint32_t used, dirty;
    uint8_t mask, pad[7];
    uint8_t g[8];
};

struct det_thread {
    uint32_t state;      /* enum det_tstate */
    uint32_t block;      /* enum det_block */
    uint32_t wake;       /* futex word: bumped on every handoff to this thread */
    uint32_t sleeping;   /* 1 while in futex_wait on wake */
    int32_t tid;         /* host thread id (watchdog) */
    uint32_t proc;       /* 0 hv process, 1 backend process */
    uint32_t prio;       /* pct priority (higher runs first) */
    /* progress (fair scheduling): a thread that re-reads, DET_SPIN_R times,
     * a location it already read, finding the same value, with no bridge
     * write or platform call of its own in between, is a SPINNER: until
     * someone writes a location it read (its read set), running it changes
     * nothing.  Spinners run only when nobody else can. */
    uint32_t repeats;    /* unchanged re-reads since its last write */
    uint32_t spin_key, spin_size;  /* the last unchanged re-read (evidence) */
    uint64_t spin_val;
    uint32_t spinning;   /* 1: deprioritised until a write hits its read set */
    uint32_t rs_n, rs_all;        /* read set size; 1 = overflowed (any write wakes) */
    uint32_t rs_off[DET_RS_MAX];  /* bridge offset, or a private key above the page */
    uint32_t rs_size[DET_RS_MAX];
    uint64_t rs_val[DET_RS_MAX];  /* last value read there (evidence) */
    uint64_t last_pc;    /* return address of the last hook (access site) */
    uint32_t last_off;
    uint32_t last_kind;
    uint64_t last_val;
    uint64_t points;     /* scheduling points reached */
    uint32_t sb_head, sb_n;
    struct det_sbent sb[DET_SB_MAX];
    uint64_t wait_obj;   /* DB_SYNC: address (in its process) of the lock, condvar or join it waits on */
};

#define DET_KIND_COMMIT 1 /* det_logent.kind: which entry a drain commits */
#define DET_KIND_LOAD 2   /* which message a load reads */
struct det_logent {
    uint64_t opts;       /* bit a: action a possible (threads 0..31, drains 32..63) */
    uint8_t chosen;      /* action taken */
    uint8_t cur;         /* thread that held the token at this decision */
    uint8_t cur_cand;    /* 1: cur was itself a candidate (switching away = preemption) */
    uint8_t kind;        /* 0: who runs / which buffer drains; else a value choice (opts: candidates):
                          * DET_KIND_COMMIT or DET_KIND_LOAD */
};

struct det_shm {
    uint64_t magic;
    uint32_t nthreads, ncpus;
    uint32_t hc_tid, be_tid;      /* thread indices of the hypercall thread and the daemon */

    /* execution control */
    uint32_t exec_seq;            /* futex: bumped by the supervisor to start an execution */
    uint32_t exec_state;          /* enum det_exec */
    uint32_t exec_done;           /* futex: bumped when an execution ends */
    uint32_t idle;                /* threads back in their idle loop */
    uint32_t stop;                /* the execution is over: platform calls return "stop" */
    uint32_t quit;                /* participants exit */
    uint32_t ready[2];            /* processes attached */

    /* configuration of this execution (supervisor → runtime) */
    uint32_t strategy;            /* enum det_strategy */
    uint32_t tso;                 /* 1: stores are buffered (tso, arm, riscv), 0 sc */
    uint32_t model;               /* enum det_model */
    uint64_t rng;                 /* random / pct generator state */
    uint32_t drain_permille;      /* random/pct: chance per decision to drain a buffer */
    uint32_t switch_permille;     /* random: chance per decision to pick anew among candidates */
    uint32_t pct_ncp;             /* pct: change points */
    uint64_t pct_cp[16];          /* pct: steps at which the running thread is demoted */
    uint32_t max_steps;
    uint32_t prefix_len;          /* forced (or soft) choices */
    uint32_t prefix_soft;         /* 1: a prefix choice that is not possible falls back to default */
    uint32_t record_ev;           /* keep trace events */
    uint8_t prefix[DET_MAX_STEPS];
    struct det_slp slp;           /* dpor: asleep after the prefix */

    /* state of the running execution */
    int32_t holder;               /* thread with the token, -1 none */
    uint32_t step;                /* decisions made */
    uint64_t points;              /* scheduling points */
    uint32_t ipi_sent, ipi_consumed;
    uint32_t hc_sent, hc_done;
    uint32_t switches, preemptions, drains;
    uint32_t diverged;            /* replay: a forced choice was not possible */
    uint64_t quiet_points;        /* points since anyone wrote, drained or woke anyone */
    uint64_t quiet_max;           /* that many: nothing can change any more (judge) */
    uint64_t progress_points;     /* points since a bridge write or platform call by anyone */
    uint64_t max_points;          /* scheduling points per execution (TIMEOUT) */
    uint32_t spin_only;           /* every candidate is a spinner (cleared by any write) */
    uint32_t spin_turn;           /* points the current spinner has run in its turn */
    uint64_t sim_ns;              /* simulated time slept (nanosleep, poll timeouts) */

    /* result (runtime → supervisor) */
    uint32_t verdict;             /* enum hvsim_verdict, valid when exec_state == DX_ENDED */
    int32_t vtid;                 /* thread concerned */
    uint64_t vval[4];
    char vwhy[256];

    uint8_t G[HVSIM_BRIDGE_PAGE]; /* global memory (what every store buffer drains into) */
    struct det_pcell pcell[DET_PCELLS]; /* private words with buffered stores (det_model.h) */
    struct det_thread t[DET_MAXT];
    struct det_wmm wmm;           /* arm / riscv only */
    uint32_t nlog, nev;
    struct det_logent log[DET_MAX_STEPS];
    /* arm/riscv: at a load's value choice (log[i].kind DET_KIND_LOAD), the timestamp of
     * each option's message (0: the granule's base bytes), newest first —
     * for dpor's value-refined sleep sets (det_dpor_vsleep.c) */
    uint32_t vcts[DET_MAX_STEPS][WMM_CANDS];
    struct det_event ev[DET_MAX_EV];
};

#define DET_SHM_OFFSET ((uint64_t)HVSIM_REGION_SIZE)
#define DET_REGION_SIZE \
    (DET_SHM_OFFSET + ((sizeof(struct det_shm) + 4095u) & ~(uint64_t)4095u))

static inline struct det_shm *det_region_shm(void *base)
{
    return (struct det_shm *)((char *)base + DET_SHM_OFFSET);
}

#endif
