/* sim/verdict/oracle_words.c — a snapshot's state numbers in words, for
 * TIMEOUT and every other text that must show the state it judged. */
#include "oracle.h"
#include "bridge_names.h"
#include <stdio.h>
#include <string.h>

void oracle_state_words(const struct oracle_snap *s, char *buf, size_t n)
{
    char req[96], res[96];
    ring_words("request", s->req_front, s->req_rear, req, sizeof req);
    ring_words("completion", s->res_front, s->res_rear, res, sizeof res);
    size_t l = (size_t)snprintf(buf, n,
        "The daemon is %s; the request ring %s; the result ring %s; need_wakeup is %u; IPIs to "
        "zone0 sent %u, consumed %u, dropped %u%s; FINISH_REQ hypercalls made %u, served %u.",
        daemon_state_words(s->daemon_state), req, res, s->need_wakeup, s->ipi_sent,
        s->ipi_consumed, s->ipi_dropped,
        s->ipi_sent != s->ipi_consumed ? " (a wakeup is in flight)" : "", s->hc_sent, s->hc_done);
    for (unsigned i = 0; i < s->ncpus && l < n; i++) {
        const struct oracle_cpu *c = &s->cpu[i];
        l += (size_t)snprintf(buf + l, n - l, " cpu%u is %s", i, cpu_state_words(c->state));
        if (l >= n)
            break;
        if (c->state == HVSIM_CPU_IN_HANDLER)
            l += (size_t)snprintf(buf + l, n - l, " on access #%llu (%s 0x%llx), cfg_flags[%u] %llu "
                                  "(%llu before the trap)",
                                  (unsigned long long)c->cur,
                                  !c->cur_write ? "read" : c->cur_sync ? "write" : "queue notify",
                                  (unsigned long long)c->cur_addr, i, (unsigned long long)c->flag_now,
                                  (unsigned long long)c->flag_before);
        if (l < n)
            l += (size_t)snprintf(buf + l, n - l, ", %llu of %llu accesses done.",
                                  (unsigned long long)c->done, (unsigned long long)c->total);
    }
}
