/* sim/engine/native/native_detect.c — the native watchdog's detectors (see
 * native_detect.h): decisions only, from numbers the watchdog observed. */
#include "native_detect.h"

uint64_t nd_hang_ns(unsigned hang_ms, uint64_t max_late_ns)
{
    uint64_t h = (uint64_t)hang_ms * 1000000ull;
    /* The CPU-time evidence is what proves a spin; this only keeps the
     * window longer than a scheduling stall. */
    return h < 5 * max_late_ns ? 5 * max_late_ns : h;
}

long nd_spin_evidence_us(long window_ms)
{
    long us = window_ms * 50;
    return us > 5000 ? us : 5000;
}

int nd_spinning(long cpu0_us, long cpu1_us, long window_ms)
{
    return cpu0_us >= 0 && cpu1_us >= 0 && cpu1_us - cpu0_us >= nd_spin_evidence_us(window_ms);
}

enum nd_hold_step nd_hold_step(struct nd_hold *h, int cond, uint64_t key, uint64_t now, uint64_t need_ns)
{
    if (!cond) {
        h->since = 0;
        return ND_HOLD_OFF;
    }
    /* Seen at two polls far apart, a state was not seen in between: it may
     * have come and gone.  A supervisor stalled 50 ms (load; a test hook)
     * chained two moments of a CPU between its access and its push into a
     * 60 ms "lost request" on correct code (test_restart_idle). */
    uint64_t gap = need_ns / 4 > ND_HOLD_GAP_MIN_NS ? need_ns / 4 : ND_HOLD_GAP_MIN_NS;
    if (!h->since || h->key != key || now - h->last > gap) {
        h->since = h->last = now;
        h->key = key;
        return ND_HOLD_STARTED;
    }
    h->last = now;
    return now - h->since >= need_ns ? ND_HOLD_HELD : ND_HOLD_WAITING;
}

enum nd_wait_step nd_wait_step(struct nd_wait *w, uint64_t flag_before, uint64_t flag_mem,
                               uint64_t done, uint64_t now, uint64_t hang_ns)
{
    if (flag_mem == flag_before) {
        w->since = 0;
        w->first_change = 0;
        return ND_WAIT_NONE;
    }
    if (!w->since || w->idx != done) {
        w->since = now;
        w->first_change = now;
        w->idx = done;
        return ND_WAIT_OPENED;
    }
    return now - w->since < hang_ns ? ND_WAIT_WAITING : ND_WAIT_JUDGE;
}

enum nd_waiter nd_classify_waiter(int reloads, unsigned queued_requests)
{
    if (reloads != 1)
        return ND_STALE_READ;
    return queued_requests ? ND_REREADS : ND_MISSED_ANSWER;
}

enum nd_stale_cause nd_stale_cause(int reloads, int has_exit)
{
    if (has_exit == 0)
        return ND_NO_EXIT;
    return reloads == 0 ? ND_HOISTED : ND_UNCONFIRMED;
}

int nd_only_high_bytes_wrong(uint64_t got, uint64_t want, uint32_t size)
{
    if (size >= 8 || got == want)
        return 0;
    uint64_t m = size ? (1ull << (8 * size)) - 1 : 0;
    return (got & m) == (want & m);
}

uint64_t nd_stall_window(uint64_t hang_ns, uint64_t backend_delay_max_ns)
{
    uint64_t d = 4 * backend_delay_max_ns;
    return hang_ns < d ? d : hang_ns;
}

enum nd_stall nd_stall_judge(uint64_t held_ns, uint64_t win_ns, long used_us, char st)
{
    if (held_ns < win_ns)
        return ND_STALL_NONE;
    long window_ms = (long)(held_ns / 1000000ull);
    if (used_us >= nd_spin_evidence_us(window_ms))
        return ND_STALL_BUSY;
    if ((st == 'S' || st == 'D') && held_ns >= 2 * win_ns)
        return ND_STALL_BLOCKED;
    if (st == 'T' || st == 't' || st == 'R')
        return ND_STALL_RESTART;
    return ND_STALL_NONE;
}

uint64_t nd_timeout_ns(unsigned timeout_ms, uint64_t hang_ns, int window_open)
{
    uint64_t t = (uint64_t)timeout_ms * 1000000ull;
    if (t < 3 * hang_ns)
        t = 3 * hang_ns;
    return window_open ? 2 * t : t;
}

uint64_t nd_quiet_ns(uint64_t hang_ns)
{
    return hang_ns > 20000000ull ? hang_ns : 20000000ull;
}
