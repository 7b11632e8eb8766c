/* sim/engine/native/native_text.c — the native watchdog's findings in words
 * (native_text.h). */
#include "native_text.h"
#include "evidence/srcloc.h"
#include "verdict/bridge_names.h"
#include <stdio.h>
#include <string.h>

void nt_finding(struct run_result *r, const struct oracle_finding *f)
{
    r->verdict = f->verdict;
    r->cpu = f->cpu;
    snprintf(r->invariant, sizeof r->invariant, "%s", f->invariant);
    snprintf(r->summary, sizeof r->summary, "%s", f->summary);
    snprintf(r->text, sizeof r->text, "%s%s%s%s", f->text, f->invariant[0] ? " Invariant: " : "",
             f->invariant, f->invariant[0] ? "." : "");
    if (f->func[0])
        snprintf(r->function, sizeof r->function, "%s", f->func);
    if (f->file[0]) {
        char shown[256];
        snprintf(r->file, sizeof r->file, "%s", srcloc_show(f->file, shown, sizeof shown));
        r->line = f->line;
    }
}

void nt_wrong_value(struct run_result *r, unsigned cpu, uint64_t addr, uint32_t size, uint64_t got,
                    uint64_t want)
{
    r->verdict = V_WRONG_VALUE;
    r->cpu = (int)cpu;
    snprintf(r->summary, sizeof r->summary, "cpu%u read 0x%llx and got 0x%llx; the device register holds 0x%llx",
             cpu, (unsigned long long)addr, (unsigned long long)got, (unsigned long long)want);
    if (nd_only_high_bytes_wrong(got, want, size))
        /* only bytes beyond the access size differ: a daemon that answers with an
         * 8-byte load (hvisor-tool) under a handler that returns it unmasked */
        snprintf(r->text, sizeof r->text,
                 "%s. The low %u byte(s) the guest asked for are right; the bytes above "
                 "them are not: the handler returned a wider value than the access size. "
                 "hvisor's instruction emulation keeps only `size` bytes: add "
                 "'mask-by-size on' to the scenario to do the same.",
                 r->summary, size);
    else
        snprintf(r->text, sizeof r->text,
                 "%s. The handler returned before the daemon answered: the compiler may have "
                 "deleted or short-circuited the wait (a side-effect-free loop may be assumed to "
                 "terminate, C11 6.8.5p6), so cfg_values[%u] was read stale.",
                 r->summary, cpu);
    snprintf(r->function, sizeof r->function, "hv_mmio_access");
}

void nt_stale_read(struct run_result *r, const struct nt_waiter *w, enum nd_stale_cause why,
                   uint64_t idx, const struct hvsim_access *a)
{
    unsigned i = w->cpu;
    r->verdict = V_HANG_STALE_READ;
    snprintf(r->summary, sizeof r->summary,
             "cfg_flags[%u] is %llu in memory, the CPU still spins on the value %llu it loaded "
             "before the loop (CPU time +%ld ms in %ld ms)%s",
             i, (unsigned long long)w->mem, (unsigned long long)w->before, w->used_ms, w->window_ms,
             why == ND_NO_EXIT ? "; the loop has no exit" : "");
    const char *because = why == ND_NO_EXIT
        ? "the wait loop at the sampled PC has no exit branch at all: the compiler folded the "
          "comparison away (the flag is read at most once, before the loop), so no value in "
          "memory can end it"
        : why == ND_HOISTED ? "the wait loop is not re-reading memory: the load was hoisted out of the loop"
                            : "the waiter is not re-reading memory (hvsim found no loop at the sampled "
                              "PC to confirm it from the code: a hoisted load is the likely cause, a "
                              "missed answer is not excluded)";
    snprintf(r->text, sizeof r->text,
             "cpu%u trapped on access #%llu (%s 0x%llx size %u) and waits for cfg_flags[%u] to "
             "change from %llu. The daemon answered %ld ms ago (first seen %.1f ms after the "
             "trap): memory holds %llu. The thread kept running (%ld ms of CPU time in that "
             "window) without leaving the handler, so %s. %d PC samples%s%s%s.",
             i, (unsigned long long)idx, a->is_write ? "write" : "read", (unsigned long long)a->addr,
             a->size, i, (unsigned long long)w->before, w->window_ms, w->seen_ms,
             (unsigned long long)w->mem, w->used_ms, because, r->npcs, r->function[0] ? " in " : "",
             r->function, r->function[0] ? "()" : "");
}

void nt_missed_answer(struct run_result *r, const struct nt_waiter *w)
{
    unsigned i = w->cpu;
    r->verdict = V_MISSED_ANSWER;
    snprintf(r->summary, sizeof r->summary,
             "cpu%u waits in a loop that re-reads memory (%s) for cfg_flags[%u] to change, "
             "but it already changed: %llu before the trap, %llu since (first seen %.1f ms "
             "after the trap); the flag changed before the waiter sampled its old value",
             i, w->loop_at, i, (unsigned long long)w->before, (unsigned long long)w->mem, w->seen_ms);
    snprintf(r->text, sizeof r->text,
             "%s. The daemon's answer arrived (cfg_flags[%u] %llu -> %llu) and no request of "
             "cpu%u is left in the ring, so no further change is coming; the loop at the "
             "sampled PC loads from memory, so this is not a hoisted load. The handler must "
             "be comparing against the value %llu it read after the answer arrived: it "
             "sampled the \"old\" flag too late (after pushing its request) and missed the "
             "answer. Read the old flag before pushing. %ld ms of CPU time in %ld ms. %s "
             "Invariant: every guest access gets exactly one answer, and sees it.",
             r->summary, i, (unsigned long long)w->before, (unsigned long long)w->mem, i,
             (unsigned long long)w->mem, w->used_ms, w->window_ms, w->state_words);
    snprintf(r->invariant, sizeof r->invariant, "every guest access gets exactly one answer, and sees it");
}

void nt_rereads_timeout(struct run_result *r, const struct nt_waiter *w)
{
    unsigned i = w->cpu;
    r->verdict = V_TIMEOUT;
    snprintf(r->summary, sizeof r->summary,
             "cpu%u spins in a loop that re-reads memory (%s) but never leaves the handler; "
             "cfg_flags[%u] went %llu -> %llu and %u request(s) of cpu%u are still in the "
             "ring, so it waits for something else", i, w->loop_at, i, (unsigned long long)w->before,
             (unsigned long long)w->mem, w->queued, i);
    snprintf(r->text, sizeof r->text,
             "%s. The loop at the sampled PC contains a load from memory, so this is not a "
             "hoisted load; the cause is unknown. %ld ms of CPU time in %ld ms. %s",
             r->summary, w->used_ms, w->window_ms, w->state_words);
}

void nt_daemon_stalled(struct run_result *r, const struct oracle_snap *snap, int wcpu, int on_hc,
                       enum nd_stall how, const char *where, long used_us, long window, char st)
{
    char req[96], words[1400];
    ring_words("request", snap->req_front, snap->req_rear, req, sizeof req);
    oracle_state_words(snap, words, sizeof words);
    int busy = how == ND_STALL_BUSY;
    r->verdict = V_DAEMON_STALLED;
    r->cpu = wcpu;
    const char *hw = busy ? "busy" : "blocked";
    if (on_hc)
        snprintf(r->summary, sizeof r->summary,
                 "the daemon waits in FINISH_REQ #%u, which the hypervisor has not finished for %ld ms: "
                 "its FINISH_REQ thread is %s %s; the request ring %s", snap->hc_sent, window, hw,
                 where, req);
    else
        snprintf(r->summary, sizeof r->summary,
                 "the daemon is running but served nothing for %ld ms while work waits: it is %s %s; "
                 "the request ring %s%s", window, hw, where, req,
                 hvsim_ring_full(snap->req_front, snap->req_rear) ? " and the CPUs cannot push" : "");
    char cpuw[160] = "";
    if (wcpu >= 0)
        snprintf(cpuw, sizeof cpuw, " cpu%d waits for its answer: cfg_flags[%d] is still %llu.", wcpu,
                 wcpu, (unsigned long long)snap->cpu[wcpu].flag_now);
    snprintf(r->text, sizeof r->text,
             "%s.%s In that window nothing the daemon side changes moved (req_front, the flags, the "
             "result ring, hypercalls, sleeps) while the %s thread %s (%ld ms of CPU time in %ld ms, "
             "scheduler state '%c'). %s Invariant: the daemon makes progress while requests wait.",
             r->summary, cpuw, on_hc ? "hypervisor's FINISH_REQ" : "daemon",
             busy ? "kept running" : "stayed blocked", used_us < 0 ? 0 : used_us / 1000, window, st, words);
    snprintf(r->invariant, sizeof r->invariant, "the daemon makes progress while requests wait");
}

void nt_timeout(struct run_result *r, unsigned timeout_ms, int hs, int bs, const char *words)
{
    r->verdict = V_TIMEOUT;
    /* A participant stopped by SIGSTOP (or a debugger) burns no CPU, so
     * it is never called a hang; say so, since it is the likely cause. */
    char stopped[96] = "";
    if (hs || bs)
        snprintf(stopped, sizeof stopped, "; %s stopped (SIGSTOP?)",
                 hs && bs ? "both participants are"
                          : hs ? "the hypervisor process is" : "the backend process is");
    snprintf(r->summary, sizeof r->summary,
             "no progress for %u ms and no evidence of a stale read, a missed answer, a lost "
             "wakeup or a stalled daemon: cause unknown%s", timeout_ms, stopped);
    snprintf(r->text, sizeof r->text, "%s. %s", r->summary, words);
}
