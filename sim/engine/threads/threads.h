/* sim/engine/threads/threads.h — the threads engine's supervisor side
 * (`hvsim run --engine tsan|helgrind`): build both sides of the handshake
 * into ONE binary (sim/runtime/threads), run it under ThreadSanitizer or Valgrind
 * Helgrind, and turn the tool's reports into hvsim findings. */
#ifndef HVSIM_TOOLS_THREADS_H
#define HVSIM_TOOLS_THREADS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum thr_tool { THR_TSAN, THR_HELGRIND };

struct thr_access {
    int is_write;
    int atomic;          /* an atomic access (TSan says so; Helgrind: an hvsim_am_* frame) */
    int harness;         /* the site is hvsim's own runtime (sim/runtime/threads, sim/runtime) */
    unsigned size;
    char thread[48];     /* "T2" / "#3" */
    char role[24];       /* hypervisor | daemon | hypercall | main | ? (from the stack) */
    char function[128];  /* first frame in the code under test */
    char file[256];
    int line;
};

struct thr_report {
    int is_race;         /* a data race (else another kind of tool report) */
    char kind[96];       /* "data race", or the tool's headline for other kinds */
    uint64_t addr;
    int have_addr;
    struct thr_access cur, prev;
    int have_prev;
    char location[160];  /* the tool's description of the address ("global 'x'", "mapped file …") */
    char text[4096];     /* the tool's own text, verbatim (prefixes stripped for Helgrind) */
};

/* Parse a whole log; fills at most max reports, returns how many were found
 * in total (may exceed max).  *suppressed (may be NULL) gets the tool's
 * count of suppressed reports when it states one. */
int thr_parse_tsan(const char *log, struct thr_report *out, int max, int *suppressed);
int thr_parse_helgrind(const char *log, struct thr_report *out, int max, int *suppressed);

/* Name the field of struct virtio_bridge at byte offset 'off' ("cfg_flags[0]",
 * "req_list[3].value"); layout_old selects the old layout (u8 flags, 16 CPUs,
 * 4 devices).  Returns 0, or -1 when off is outside the structure. */
int thr_bridge_field(uint64_t off, unsigned size, int layout_old, char *buf, size_t n);

/* The bridge address the threads binary printed ("hvsim-threads: bridge 0x…"),
 * 0 when absent. */
uint64_t thr_bridge_base(const char *log);

/* Runs the comparison of issue 8: per variant (wait plain/volatile/acquire
 * with the wake fence; wake fence/nofence with the acquire wait) and per
 * engine (tsan with gcc, helgrind), one run each, gcc -O2 x86_64.  *out gets
 * a JSON array of rows {variant, engine, finding, summary, command}.
 * Returns 0, or -1 when a run could not be carried out at all. */
int threads_compare_table(json_t **out);

#endif
