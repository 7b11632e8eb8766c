/* sim/config/runcfg.h — one run's configuration as the supervisor holds it:
 * what is built (the variant), what the guests do, how the backend behaves,
 * which engine judges it, and what the user expects.  Filled from the CLI,
 * from a scenario file (sim/config/), or both (CLI overrides scenario).
 */
#ifndef HVSIM_RUNCFG_H
#define HVSIM_RUNCFG_H

#include <stddef.h>
#include <stdint.h>
#include "runtime/common/control.h"
#include "runtime/common/verdict.h" /* enum hvsim_verdict */

const char *verdict_name(enum hvsim_verdict v);
int verdict_parse(const char *s, enum hvsim_verdict *out); /* 0 ok, -1 unknown */

/* The variant: everything that changes the participant binaries. */
struct hvsim_variant {
    char cc[16];      /* gcc | clang */
    char opt[8];      /* O0 O1 O2 O3 Os Og */
    char arch[16];    /* x86_64 | aarch64 | riscv64 */
    char wait[16];    /* plain | volatile | acquire */
    char relax[16];   /* none | pause | yield | isb | barrier | asm | default */
    char wake[16];    /* fence | nofence */
    int layout_old;   /* u8 cfg_flags, 16 CPUs, 4 devs */
    int lto;
    char lib_opt[8];  /* the --hv-lib's own opt-level ("2", "s"; "" none/unknown), libinfo.h */
};

/* Expectation rule: when every set field matches the variant (empty string
 * = any; opt_mask bit i = level i in "O0 O1 O2 O3 Os Og"), the verdict must
 * be one of 'verdicts' (bit mask over enum hvsim_verdict). */
struct hvsim_expect {
    char cc[16], arch[16], wait[16], relax[16], wake[16], engine[16];
    unsigned opt_mask;  /* 0 = any */
    unsigned libopt_mask; /* lib-opt: bit i = "0 1 2 3 s z"[i]; 0 = any */
    /* model: bit i = variant_model[i] ("sc tso arm riscv"); 0 = any.  Only
     * det has a memory model: a rule with one matches det runs only (issue 17) */
    unsigned model_mask;
    unsigned verdicts;  /* bit mask of acceptable verdicts */
    int line;           /* source line in the scenario, for messages */
};

/* `delay at` points: the participants' table has HVSIM_FND_MAX entries
 * (sim/runtime/common/fn_delay.h, the contract; sim/build/fndelay.c asserts
 * the two are equal), so a scenario is refused beyond it with file:line:col */
#define HVSIM_MAX_FNDELAY 8
/* The decision log lives in the det region (det_shm.h DET_MAX_STEPS). */
#define DET_MAX_DECISIONS_CAP (1u << 17)

/* Who owns what: every pointer below is the config's own heap memory (NULL =
 * empty), freed by runcfg_free() and duplicated by runcfg_copy(); a plain
 * struct assignment or memcpy would share them, so none is made.  The lists
 * grow without a limit of their own; the one limit left is the shared
 * region's HVSIM_MAX_ACCESS accesses per CPU (control.h), which the scenario
 * parser reports as a file:line:col error. */
struct hvsim_runcfg {
    char name[64];          /* scenario name ("default" from the CLI) */
    char *path;             /* scenario file, NULL when none */
    struct hvsim_variant v;
    char engine[16];        /* native | det | tsan | helgrind */
    char strategy[16];      /* det: random | pct | dfs */
    unsigned pct_depth;
    unsigned dfs_bound;
    char memory_model[8];   /* det: sc | tso | arm | riscv */
    uint32_t det_max_decisions; /* det: logged choices per execution (0 = default) */
    uint64_t det_max_points;    /* det: scheduling points per execution (0 = default) */
    uint64_t det_quiet_points;  /* det: points with no write by anyone before judging */
    uint64_t seed;
    unsigned runs;
    unsigned ncpus;
    unsigned naccess[HVSIM_CPUS];
    struct hvsim_access *acc[HVSIM_CPUS]; /* naccess[i] each (runcfg_add_access) */
    unsigned ndevices;
    struct hvsim_device devices[HVSIM_DEVS];
    struct hvsim_delay_cfg delay[HVSIM_SITE__COUNT];
    uint64_t poll_window;
    uint32_t ipi_drop_every;
    unsigned restart_daemon_after; /* fault: restart the daemon after N requests (0 = never) */
    unsigned hang_ms;       /* judge a hang after the flag changed this long ago */
    unsigned timeout_ms;    /* give up with TIMEOUT after this long without progress */
    unsigned nexpect;
    struct hvsim_expect *expect; /* nexpect rules, in order (runcfg_add_expect) */
    /* user's own code (issue 10): extra sources, include dirs, flags
     * (absolute paths; runcfg_list_add / runcfg_list_clear) */
    char **hv_src;  unsigned n_hv_src;
    char **be_src;  unsigned n_be_src;
    char **incdir;  unsigned n_incdir;
    char *extra_cflags;     /* NULL: none */
    /* device names from the scenario ("blk", "net" by default), for messages
     * and reports; devname[i] names devices[i]  (added by sim/config) */
    char devname[HVSIM_DEVS][16];
    /* user's prebuilt static libraries (issue 10: --hv-lib / --backend-lib,
     * e.g. a Rust staticlib): linked after the side's objects, replace hv/
     * (backend/) like --hv (--backend) does; not recompiled per variant */
    char **hv_lib;  unsigned n_hv_lib;
    char **be_lib;  unsigned n_be_lib;
    /* issue 18: settings real hvisor/hvisor-tool code needs (docs/scenarios.md) */
    int boot_daemon_first;  /* guests trap only after the daemon's first sleep */
    int mask_by_size;       /* a read returns only its `size` low bytes */
    /* det: where to write the reported execution's text / Chrome trace
     * (--trace / --chrome-trace; NULL: none, unless the user's documented
     * HVSIM_DET_TRACE / HVSIM_DET_CHROME names one); det_trace_append keeps
     * every execution's text trace (the access audit reads them all) */
    const char *det_trace, *det_chrome;
    int det_trace_append;
    /* det dfs/dpor (`run --checkpoint FILE [--resume]`, det_checkpoint.c):
     * where the search's state is kept, and whether to continue from it
     * (NULL: none; argv's string, not owned) */
    const char *det_checkpoint;
    int det_resume;
    /* issue 18: delays at a function's entry or return, or at FILE:LINE (the
     * entry of the function whose body holds the line), with no edit of the
     * code: the files that name the function are compiled with
     * -finstrument-functions (sim/build/fndelay.c) */
    struct hvsim_fndelay {
        /* the three strings are heap copies, never NULL in a listed entry */
        char *sym;          /* function name; "" for FILE:LINE */
        char *file;         /* FILE:LINE: the file (absolute path); "" otherwise */
        unsigned line;
        int at_return;      /* 0 entry, 1 return */
        uint64_t min_ns, max_ns;
        unsigned every;
        char *where;        /* scenario "path:line:col", for errors after the build */
    } fndelay[HVSIM_MAX_FNDELAY];
    unsigned n_fndelay;
    unsigned irq_route;     /* scenario irq-cpu: 0 the requesting CPU, k+1 CPU k */
};

/* Fills c from scratch; c must be zeroed (calloc) or a valid config, whose
 * lists are freed first (every struct hvsim_runcfg is one or the other). */
void runcfg_defaults(struct hvsim_runcfg *c);

/* runcfg_mem.c: the heap parts.  runcfg_clear frees what c owns and leaves
 * it all-zero (empty lists); runcfg_free does that and frees c (NULL: no-op).
 * runcfg_copy makes dst a deep copy of src, freeing what dst owned (dst must
 * be zeroed or a valid config); -1 out of memory (dst then cleared).  The
 * adders return 0, or -1 out of memory. */
void runcfg_clear(struct hvsim_runcfg *c);
void runcfg_free(struct hvsim_runcfg *c);
int runcfg_copy(struct hvsim_runcfg *dst, const struct hvsim_runcfg *src);
struct hvsim_runcfg *runcfg_dup(const struct hvsim_runcfg *src); /* NULL: out of memory */
int runcfg_list_add(char ***v, unsigned *n, const char *s);
void runcfg_list_clear(char ***v, unsigned *n);
/* *dst (dn entries) becomes a copy of src (n entries) */
int runcfg_list_copy(char ***dst, unsigned *dn, char *const *src, unsigned n);
int runcfg_set_str(char **dst, const char *s); /* NULL or "" stores NULL */
static inline const char *runcfg_str(const char *s) { return s ? s : ""; }
int runcfg_add_access(struct hvsim_runcfg *c, unsigned cpu, const struct hvsim_access *a);
int runcfg_add_expect(struct hvsim_runcfg *c, const struct hvsim_expect *e);
/* f's strings are copied (NULL counts as ""); the caller keeps its own */
int runcfg_add_fndelay(struct hvsim_runcfg *c, const struct hvsim_fndelay *f);
/* The default guest workload: every CPU reads the identification registers
 * and config space of every device and sends QUEUE_NOTIFYs, 'rounds' times. */
void runcfg_default_workload(struct hvsim_runcfg *c, unsigned rounds);
/* `hvsim run`'s starting point: runcfg_defaults() plus BARE_RUN_ROUNDS
 * rounds of the default workload on one CPU, a delay and a rendezvous */
#define BARE_RUN_ROUNDS 6
void runcfg_default_run(struct hvsim_runcfg *c);
const char *site_name(enum hvsim_site s);
int site_parse(const char *s, enum hvsim_site *out);
/* Which verdicts are acceptable for this variant under c's rules; returns 0
 * when no rule matches (no expectation stated).  model: the run's memory
 * model ("sc|tso|arm|riscv", runcfg_run_model), NULL for an engine without
 * one; a rule with a model condition never matches a NULL model. */
unsigned runcfg_expected(const struct hvsim_runcfg *c, const struct hvsim_variant *v,
                         const char *engine, const char *model);
/* The memory model a run of c on engine runs under: det's --memory-model, or
 * when none is given the architecture's own (aarch64 arm, riscv64 riscv,
 * otherwise tso; the det engine's det_model_of, checked equal by
 * test_expect_model); NULL for the other engines, which have none. */
const char *runcfg_run_model(const struct hvsim_runcfg *c, const struct hvsim_variant *v,
                             const char *engine);

#endif
