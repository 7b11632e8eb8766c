/* sim/evidence/pc_gdb_wire.c — the gdb remote serial protocol, client side,
 * as far as PC sampling needs it: framed packets with checksums, acks, the
 * stop replies qemu-user sends (see the facts at the top of pc_gdb.c). */
#define _GNU_SOURCE
#include "pc_gdb_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long gw_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void gw_sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

int gw_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int gw_put_packet(struct pc_gdb *g, const char *payload)
{
    char buf[1024];
    unsigned sum = 0;
    for (const char *p = payload; *p; p++)
        sum += (unsigned char)*p;
    int n = snprintf(buf, sizeof buf, "$%s#%02x", payload, sum & 0xff);
    if (n < 0 || (size_t)n >= sizeof buf) { errno = EINVAL; return -1; }
    if (gw_write_all(g->fd, buf, (size_t)n) != 0) { g->dead = 1; return -1; }
    return 0;
}

/* Read one packet into g->pkt (NUL-terminated, decoded).  Acks ('+') and
 * junk between packets are skipped; every packet is acknowledged. */
/* Append what the stub sent to rx (0; an interrupted read appends nothing),
 * or -1 with the connection marked dead. */
static int recv_more(struct pc_gdb *g)
{
    ssize_t n = recv(g->fd, g->rx + g->rlen, sizeof g->rx - g->rlen, 0);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) return 0;
        g->dead = 1;
        return -1;
    }
    if (n == 0) { g->dead = 1; errno = ECONNRESET; return -1; }
    g->rlen += (size_t)n;
    return 0;
}

/* Wait until the stub has bytes for us or the deadline passes (ETIMEDOUT). */
static int wait_readable(struct pc_gdb *g, long deadline)
{
    for (;;) {
        long left = deadline - gw_now_ms();
        if (left <= 0) { errno = ETIMEDOUT; return -1; }
        struct pollfd pfd = { g->fd, POLLIN, 0 };
        int r = poll(&pfd, 1, (int)left);
        if (r > 0) return 0;
        if (r == 0) { errno = ETIMEDOUT; return -1; }
        if (errno != EINTR) return -1;
    }
}

int gw_get_packet(struct pc_gdb *g, int timeout_ms)
{
    long deadline = gw_now_ms() + timeout_ms;
    for (;;) {
        char *dollar = memchr(g->rx, '$', g->rlen);
        if (!dollar) {
            g->rlen = 0;
        } else {
            size_t start = (size_t)(dollar - g->rx);
            char *hash = memchr(dollar, '#', g->rlen - start);
            if (hash && (size_t)(hash - g->rx) + 3 <= g->rlen) {
                /* decode */
                size_t o = 0;
                unsigned sum = 0;
                for (char *p = dollar + 1; p < hash; p++) {
                    unsigned char c = (unsigned char)*p;
                    sum += c;
                    if (c == '}' && p + 1 < hash) {
                        p++;
                        sum += (unsigned char)*p;
                        c = (unsigned char)*p ^ 0x20;
                    } else if (c == '*' && o > 0 && p + 1 < hash) {
                        p++;
                        sum += (unsigned char)*p;
                        int rep = (unsigned char)*p - 29;
                        char prev = g->pkt[o - 1];
                        while (rep-- > 0 && o < sizeof g->pkt - 1)
                            g->pkt[o++] = prev;
                        continue;
                    }
                    if (o < sizeof g->pkt - 1)
                        g->pkt[o++] = (char)c;
                }
                g->pkt[o] = 0;
                char cks[3] = { hash[1], hash[2], 0 };
                unsigned want = (unsigned)strtoul(cks, NULL, 16);
                size_t used = (size_t)(hash - g->rx) + 3;
                memmove(g->rx, g->rx + used, g->rlen - used);
                g->rlen -= used;
                if ((sum & 0xff) != want) {
                    gw_write_all(g->fd, "-", 1);
                    continue;
                }
                if (gw_write_all(g->fd, "+", 1) != 0) { g->dead = 1; return -1; }
                return (int)o;
            }
            if (start > 0) {
                memmove(g->rx, dollar, g->rlen - start);
                g->rlen -= start;
            }
            if (g->rlen == sizeof g->rx) { /* oversized packet: drop */
                g->rlen = 0;
            }
        }
        if (wait_readable(g, deadline) < 0)
            return -1;
        if (recv_more(g) < 0)
            return -1;
    }
}

int gw_is_stop_reply(const char *p)
{
    return p[0] == 'T' || p[0] == 'S';
}

/* Parse a stop reply: signal and thread id (-1 if absent). */
void gw_parse_stop(const char *p, int *sig, long *tid)
{
    *sig = (int)strtol((char[]){ p[1], p[2], 0 }, NULL, 16);
    *tid = -1;
    const char *t = strstr(p, "thread:");
    if (t) {
        t += 7;
        if (*t == 'p') {
            const char *dot = strchr(t, '.');
            if (dot) t = dot + 1;
        }
        *tid = strtol(t, NULL, 16);
    }
}

/* Send a request that the stopped stub answers with one reply packet.
 * Unsolicited stop replies (stray 0x03 answers) and console output are
 * skipped.  Returns the reply length, -1 on error. */
int gw_request(struct pc_gdb *g, const char *payload)
{
    if (g->dead) { errno = ECONNRESET; return -1; }
    if (gw_put_packet(g, payload) != 0)
        return -1;
    for (;;) {
        int n = gw_get_packet(g, REPLY_TIMEOUT_MS);
        if (n < 0)
            return -1;
        if (g->pkt[0] == 'O' && g->pkt[1] != 'K')
            continue; /* console output */
        if (g->pkt[0] == 'W' || g->pkt[0] == 'X') {
            g->dead = 1;
            errno = ESRCH;
            return -1;
        }
        if (gw_is_stop_reply(g->pkt)) {
            if (g->stray_int > 0) g->stray_int--;
            continue;
        }
        return n;
    }
}

/* Wait for the stub's '+' acknowledging our last packet.  All earlier acks
 * were consumed with the replies they preceded, so the next '+' is ours. */
static int wait_ack(struct pc_gdb *g, int timeout_ms)
{
    long deadline = gw_now_ms() + timeout_ms;
    for (;;) {
        for (size_t i = 0; i < g->rlen; i++) {
            if (g->rx[i] == '+') {
                memmove(g->rx, g->rx + i + 1, g->rlen - i - 1);
                g->rlen -= i + 1;
                return 0;
            }
            if (g->rx[i] == '$')
                break; /* a packet first: leave it for get_packet */
        }
        if (wait_readable(g, deadline) < 0)
            return -1;
        if (g->rlen == sizeof g->rx) { errno = EPROTO; return -1; }
        if (recv_more(g) < 0)
            return -1;
    }
}

/* Resume the stopped thread and wait until the stub has read the packet:
 * in qemu-user the stopped thread reads the socket until it has consumed
 * the continue packet, and a second thread stopping meanwhile would read
 * from the same socket (bytes meant for the first one). */
int gw_send_cont(struct pc_gdb *g, const char *pkt)
{
    if (gw_put_packet(g, pkt) != 0)
        return -1;
    return wait_ack(g, REPLY_TIMEOUT_MS);
}

int gw_resume(struct pc_gdb *g)
{
    return gw_send_cont(g, g->has_vcont ? "vCont;c" : "c");
}
