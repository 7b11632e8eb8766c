/* sim/runtime/native/delay.c — hvsim_delay(): the named delay points of the native
 * and threads engines (the deterministic engine has its own: there a delay
 * is a scheduling point).  Reads the run's delay table from the control area
 * and the calling thread's seeded generator. */
#define _GNU_SOURCE
#include "runtime/common/control.h"
#include "runtime/common/futex.h"
#include "runtime/common/fn_delay.h"

extern struct hvsim_ctl *g_ctl;
extern __thread uint64_t g_rng;

/* ---- delay points ---------------------------------------------------------
 * A seeded delay (sleep or spin), and/or a rendezvous with a partner site in
 * the other process.  The rendezvous is litmus7's trick: both sides arrive,
 * the second flips the word to GO and both run their next few instructions
 * within nanoseconds of each other, so a store→load reordering between them
 * becomes observable.  A side that waits longer than RV_TIMEOUT_NS leaves
 * alone (the other side may never come).  Seeded jitter after the meeting
 * scans the relative alignment of the two sides. */
#define RV_TIMEOUT_NS 100000ull
#define RV_GO 3u

static void spin_iters(uint64_t n)
{
    for (volatile uint64_t i = 0; i < n; i++)
        ;
}

static void delay_ns(uint64_t ns)
{
    if (ns >= 100000) {
        struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
        nanosleep(&ts, 0);
        return;
    }
    uint64_t end = now_ns() + ns;
    while (now_ns() < end)
        ;
}

static int site_is_backend(unsigned site)
{
    return site >= HVSIM_SITE_BE_BEFORE_ANSWER;
}

static void rendezvous(enum hvsim_site site, const struct hvsim_delay_cfg *d)
{
    unsigned pair = site < d->partner ? site : d->partner;
    uint32_t *w = &g_ctl->rv_arrive[pair];
    uint32_t me = site < d->partner ? 1u : 2u, other = 3u - me;
    uint64_t start = now_ns();
    /* A partner asleep in the kernel-module shim cannot come: don't wait. */
    if (site_is_backend(d->partner) &&
        __atomic_load_n(&g_ctl->daemon_state, __ATOMIC_ACQUIRE) == HVSIM_DAEMON_SLEEPING) {
        __atomic_add_fetch(&g_ctl->rv_timeout, 1, __ATOMIC_RELAXED);
        return;
    }
    for (;;) {
        uint32_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
        if (cur == 0) {
            if (!__atomic_compare_exchange_n(w, &cur, me, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                continue;
            /* first to arrive: wait for GO */
            for (unsigned n = 0;; n++) {
                if (__atomic_load_n(w, __ATOMIC_ACQUIRE) == RV_GO) {
                    __atomic_store_n(w, 0, __ATOMIC_RELEASE);
                    __atomic_add_fetch(&g_ctl->rv_met, 1, __ATOMIC_RELAXED);
                    return; /* the first side runs on at once */
                }
                if ((n & 255) == 0 && now_ns() - start > RV_TIMEOUT_NS) {
                    uint32_t exp = me;
                    if (__atomic_compare_exchange_n(w, &exp, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                        __atomic_add_fetch(&g_ctl->rv_timeout, 1, __ATOMIC_RELAXED);
                        return;
                    }
                }
            }
        } else if (cur == other) {
            if (__atomic_compare_exchange_n(w, &cur, RV_GO, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                break;
        } else if (now_ns() - start > RV_TIMEOUT_NS) {
            return; /* a stale GO the partner has not cleared yet */
        }
    }
    /* Second to arrive: the first side only sees GO a cache-line transfer
     * later (~100 ns), so this side waits a seeded while; over many runs the
     * delay sweeps the skew and lines the two critical windows up. */
    if (d->jitter)
        spin_iters(splitmix64(&g_rng) % (d->jitter + 1u));
}

void hvsim_delay(enum hvsim_site site)
{
    if ((unsigned)site >= HVSIM_SITE__COUNT)
        return;
    const struct hvsim_delay_cfg *d = &g_ctl->delay[site];
    uint64_t hit = __atomic_add_fetch(&g_ctl->site_hits[site], 1, __ATOMIC_RELAXED);
    if (d->every > 1 && hit % d->every)
        return;
    if (d->max_ns) {
        uint64_t span = d->max_ns - d->min_ns;
        delay_ns(d->min_ns + (span ? splitmix64(&g_rng) % (span + 1) : 0));
    }
    if (d->rendezvous && d->partner < HVSIM_SITE__COUNT)
        rendezvous(site, d);
}

/* ---- delay points at a function's entry or return (fn_delay.h) --------- */
static void fnd_hook(void *fn, uint32_t at_return)
{
    int k = hvsim_fnd_find(fn, at_return);
    if (k < 0 || !hvsim_fnd_arrive((unsigned)k))
        return;
    const struct hvsim_fnd *d = &hvsim_fnd_tab[k];
    uint64_t span = d->max_ns - d->min_ns;
    delay_ns(d->min_ns + (span ? splitmix64(&g_rng) % (span + 1) : 0));
}

void __cyg_profile_func_enter(void *fn, void *call_site)
{
    (void)call_site;
    fnd_hook(fn, 0);
}

void __cyg_profile_func_exit(void *fn, void *call_site)
{
    (void)call_site;
    fnd_hook(fn, 1);
}
