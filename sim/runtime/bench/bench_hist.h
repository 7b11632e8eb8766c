/* sim/runtime/bench/bench_hist.h — the latency histogram shared by the hv
 * participant (sim/runtime/native/hv_main.c keeps its own copy of lat_bucket), the
 * raw baseline programs (rt/bench_raw.c) and the bench supervisor.
 *
 * Quarter-octave buckets: bucket = 4*floor(log2 ns) + the next two bits, so a
 * bucket is at most 25% wide; quantiles interpolate linearly inside it. */
#ifndef HVSIM_BENCH_HIST_H
#define HVSIM_BENCH_HIST_H

#include <stdint.h>

#define BENCH_HIST_BUCKETS 128u

static inline unsigned bench_hist_bucket(uint64_t ns)
{
    if (ns < 4)
        return (unsigned)ns;
    unsigned o = 63u - (unsigned)__builtin_clzll(ns);
    unsigned b = o * 4u + (unsigned)((ns >> (o - 2u)) & 3u);
    return b < BENCH_HIST_BUCKETS ? b : BENCH_HIST_BUCKETS - 1u;
}

static inline void bench_hist_bounds(unsigned b, double *lo, double *hi)
{
    if (b < 8) {
        *lo = b < 4 ? b : 4;
        *hi = *lo + 1;
        return;
    }
    unsigned o = b / 4u, sub = b % 4u;
    *lo = (double)((uint64_t)(4u + sub) << (o - 2u));
    *hi = *lo + (double)(1ull << (o - 2u));
}

/* q in [0,1]; 0 when the histogram is empty. */
static inline double bench_hist_quantile(const uint32_t *h, double q)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++)
        n += h[i];
    if (!n)
        return 0;
    double want = q * (double)n, cum = 0;
    for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++) {
        if (!h[i])
            continue;
        if (cum + h[i] >= want) {
            double lo, hi;
            bench_hist_bounds(i, &lo, &hi);
            double f = (want - cum) / h[i];
            return lo + f * (hi - lo);
        }
        cum += h[i];
    }
    double lo, hi;
    bench_hist_bounds(BENCH_HIST_BUCKETS - 1, &lo, &hi);
    return hi;
}

#endif
