/* sim/evidence/pc_gdb_int.h — the gdb remote serial protocol as pc_gdb.c
 * speaks it to qemu-user's gdbstub (pc_gdb_wire.c): packets, acks, stop
 * replies.  Private to sim/evidence/pc_gdb*.c. */
#ifndef HVSIM_PC_GDB_INT_H
#define HVSIM_PC_GDB_INT_H

#include <stddef.h>
#include <stdint.h>

#define GDB_SIG_PWR 32 /* gdb's number for SIGPWR */
#define STOP_TIMEOUT_MS 3000
#define REPLY_TIMEOUT_MS 3000
#define MAX_THREADS 512

struct pc_gdb {
    int fd;
    int dead;            /* connection lost or process exited */
    int pcreg;           /* gdb register number of the PC */
    int has_vcont;
    int stray_int;       /* unanswered 0x03 bytes sent */
    int sig_pending;     /* our SIGPWR sent, its stop not seen yet */
    long main_tid;       /* == qemu's pid */
    long stop_tid;       /* thread of the last stop reply */
    long tids[MAX_THREADS];
    int ntids;
    size_t rlen;
    char rx[16384];
    char pkt[16384];
};

/* Monotonic milliseconds; a sleep that survives EINTR. */
long gw_now_ms(void);
void gw_sleep_us(long us);
/* All of buf, or -1. */
int gw_write_all(int fd, const void *buf, size_t len);
/* Send $payload#cs (no ack awaited). */
int gw_put_packet(struct pc_gdb *g, const char *payload);
/* The next packet into g->pkt (acked); its length, or -1 (timeout, lost). */
int gw_get_packet(struct pc_gdb *g, int timeout_ms);
/* A stop reply ("T..", "S.."), and its signal and thread. */
int gw_is_stop_reply(const char *p);
void gw_parse_stop(const char *p, int *sig, long *tid);
/* Send a request the stopped stub answers with one packet (into g->pkt),
 * skipping stray stop replies and console output; its length or -1. */
int gw_request(struct pc_gdb *g, const char *payload);
/* Resume all threads (vCont;c or c); no reply is expected. */
int gw_send_cont(struct pc_gdb *g, const char *pkt);
int gw_resume(struct pc_gdb *g);

#endif
