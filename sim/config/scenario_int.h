/* sim/config/scenario_int.h — the scenario parser's insides, shared by its
 * files (private to sim/config/scenario*.c):
 *   scenario_lex.c       value tables, error messages, words and numbers
 *   scenario_settings.c  KEY VALUE lines
 *   scenario_device.c    device lines
 *   scenario_cpu.c       cpu lines (targets, access options)
 *   scenario_backend.c   delay, rendezvous, slow-device, faults
 *   scenario_expect.c    expect lines
 *   scenario.c           the driver: lines, the user's code, the public API
 */
#ifndef HVSIM_SCENARIO_INT_H
#define HVSIM_SCENARIO_INT_H

#include <stddef.h>
#include <stdint.h>
#include "runcfg.h"
#include "device_model.h"
#include "variants.h"

#define MAXTOK 64
#define MAX_DELAY_NS (60ull * 1000000000ull)
#define MAX_REPEAT 65536u

struct tok {
    const char *s;
    int len;
    int col; /* 1-based */
};

struct loc {
    const char *line;
    int len, lineno, col;
};

enum key {
    K_NAME, K_CPUS, K_ENGINE, K_STRATEGY, K_DEPTH, K_BOUND, K_MM, K_RUNS, K_SEED,
    K_CC, K_OPT, K_ARCH, K_WAIT, K_RELAX, K_WAKE, K_LAYOUT, K_LTO, K_POLL, K_HANG,
    K_TIMEOUT, K_DET_DEC, K_DET_PTS, K_DET_QUIET, K_BOOT, K_MASK, K_IRQCPU, K__N
};

struct ps {
    const char *fname;
    const char *line;
    int linelen, lineno;
    struct tok t[MAXTOK];
    int nt;
    struct hvsim_runcfg *c;
    char *err;
    size_t errlen;
    struct loc key_loc[K__N];   /* where each setting was given (lineno 0: not yet) */
    int devices_seen;           /* a device line replaced the default devices */
    int first_cpu_line;         /* line of the first cpu line, 0 if none */
    int delay_line[HVSIM_SITE__COUNT];
    int rv_line[HVSIM_SITE__COUNT];
    int restart_line, dropipi_line;
    int cflags_line;            /* line of the cflags statement, 0 if none */
};

/* The values each setting takes (NULL-terminated); sc_opt_rank: rank of
 * each level for opt>= / opt<= (-1: never part of a range, Og). */
extern const char *const sc_key_names[K__N + 1];
extern const char *const sc_lto_vals[], *const sc_boot_vals[], *const sc_site_vals[];
/* the variant values come from their one table (variants.c), the engines'
 * names from the engine table (engine_names(), made at run time) */
#define sc_cc_vals variant_cc
#define sc_arch_vals variant_arch
#define sc_wait_vals variant_wait
#define sc_relax_vals variant_relax
#define sc_wake_vals variant_wake
#define sc_strategy_vals variant_strategy
#define sc_mm_vals variant_model
#define sc_layout_vals variant_layout
#define sc_opt_vals variant_opt
#define sc_verdict_vals verdict_names
extern const int sc_opt_rank[];

/* A token, quoted in messages, shortened to 40 bytes. */
#define QL(t) ((t).len > 40 ? 40 : (t).len), (t).s

/* The error at column col of the current line (path:LINE:COL, the line, a
 * caret) into p->err; returns -1. */
int sc_perr(struct ps *p, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The column just past the last word (for "expected X" at the line's end). */
int sc_eol_col(const struct ps *p);
int sc_tok_is(const struct tok *t, const char *s);
/* Bytes from..to of a token, as a token (its column follows). */
struct tok sc_sub(const struct tok *t, int from, int to);
int sc_find_char(const struct tok *t, char ch);
int sc_find_dots(const struct tok *t);
/* "a, b or c" from a NULL-terminated list. */
void sc_list_vals(char *buf, size_t n, const char *const *vals);
/* Index of the token in vals, -1 if absent. */
int sc_lookup(const struct tok *t, const char *const *vals);
/* The parsers below return 0, or -1 with the error in p (sc_perr). */
int sc_parse_enum(struct ps *p, const struct tok *t, const char *const *vals, const char *what,
                  int *out);
int sc_parse_num(struct ps *p, const struct tok *t, uint64_t *out);
int sc_parse_range_num(struct ps *p, const struct tok *t, uint64_t lo, uint64_t hi,
                       const char *what, uint64_t *out);
/* Duration: 0, or a decimal number with a unit ns, us, ms, s. */
int sc_parse_dur(struct ps *p, const struct tok *t, uint64_t *ns);
/* "A..B" or "A": splits into two tokens; *b = *a when no range. */
int sc_split_range(struct ps *p, const struct tok *t, struct tok *a, struct tok *b);
void sc_setstr(char *dst, size_t n, const char *src);
/* Word i needs a value after it. */
int sc_need_value(struct ps *p, int i);
/* Parse an enum value and store its name into dst. */
int sc_set_enum(struct ps *p, const struct tok *v, const char *const *vals, const char *what,
                char *dst, size_t n);
int sc_is_ident_char(char ch);
/* Nothing may follow word from-1 of a `what` line. */
int sc_extra_words(struct ps *p, int from, const char *what);

/* One line each (p->t holds its words). */
int sc_parse_settings(struct ps *p);
int sc_parse_device(struct ps *p);
int sc_parse_cpu(struct ps *p);
int sc_parse_delay(struct ps *p);
int sc_parse_rendezvous(struct ps *p);
int sc_parse_slow_device(struct ps *p);
int sc_parse_fault(struct ps *p, const char *word, int *line, unsigned *dst);
int sc_parse_expect(struct ps *p);

#endif
