/* sim/engine/native/native_probe.h — observing the live participants for
 * the native watchdog (native_probe.c, native_crash.c): the readings the
 * detectors (native_detect.h) decide on, and the evidence a verdict quotes. */
#ifndef HVSIM_NATIVE_PROBE_H
#define HVSIM_NATIVE_PROBE_H

#include <sys/types.h>
#include "build/build.h"
#include "util/process.h"
#include "verdict/result.h"

struct pc_gdb;

/* On-CPU time of a thread in µs (/proc/PID/task/TID/schedstat, else
 * utime+stime); -1 when unreadable. */
long native_thread_run_us(pid_t pid, pid_t tid);
/* Scheduler state of a process ('R', 'S', 'T' stopped, ...; '?' unknown). */
char native_proc_state(pid_t pid);
/* The threads of process pid other than its main one (a daemon's workers):
 * their summed on-CPU time in µs, and *runnable = 1 when one is running or
 * waiting for a CPU now ('R').  -1 when it has no other thread (or /proc
 * cannot tell). */
long native_workers_run_us(pid_t pid, int *runnable);
/* Sample the spinning thread and put function/file:line in the result.
 * Native (x86_64): ptrace, symbolised in the live process.  Foreign: through
 * qemu-user's gdbstub (*gdb, dropped here once sampled), symbolised offline
 * in the -no-pie static binary. */
void native_sample_pc(struct run_result *r, const struct build_out *b, const struct hvsim_runcfg *c,
                      pid_t pid, pid_t tid, struct pc_gdb **gdb);
/* Does the sampled PC sit in a loop that still loads from memory?  1
 * re-reads, 0 register-only or no loop found, -1 unknown; the loop's head
 * into lfile/lline, whether it has an exit branch into *has_exit. */
int native_loop_reloads(const struct build_out *b, const struct hvsim_runcfg *c, pid_t pid,
                        const struct run_result *r, char *lfile, size_t lflen, int *lline,
                        int *has_exit);
/* A participant p (who: "backend"/"hypervisor", binary bin) ended: CRASH
 * with its backtrace when it left one.  Returns 1. */
int native_judge_exit(struct run_result *r, struct proc *p, const char *who, uint64_t t_us,
                      const struct hvsim_ctl *ctl, const char *bin);

#endif
