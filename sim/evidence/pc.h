/* sim/evidence/pc.h — program-counter sampling and symbolisation of spinning threads.
 *
 * Native participants are sampled with ptrace; participants running under
 * qemu-user (qemu-<arch> -g <port>) are sampled through qemu's gdbstub.
 * See pc_gdb.c for the qemu-user 7.2 gdbstub facts this relies on.
 */
#ifndef HVSIM_PC_H
#define HVSIM_PC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pc_sym {
    uint64_t pc;
    char function[128];   /* "" if unknown */
    char file[256];       /* absolute source path (DWARF's name joined to its comp_dir), "" if unknown */
    int line;             /* 0 if unknown */
    uint64_t func_offset; /* pc - function start */
};

/* Native: sample the PC of thread tid of process pid, n samples spaced
 * interval_us apart (PTRACE_SEIZE once, then PTRACE_INTERRUPT / waitpid(__WALL)
 * / PTRACE_GETREGSET / PTRACE_CONT per sample, PTRACE_DETACH at the end).
 * Works when the caller is the parent or root.  Returns the number of samples
 * taken (may be < n if the thread exits part way), -1 with errno on failure.
 * Never leaves the thread stopped or traced, even on error. */
int pc_sample_native(pid_t pid, pid_t tid, int n, int interval_us, uint64_t *pcs);

/* Symbolise a PC in a live native process via libdwfl.  Returns 0 when at
 * least the function name was found, -1 otherwise (out is still filled with
 * whatever was found; out->pc is always set). */
int pc_symbolize_pid(pid_t pid, uint64_t pc, struct pc_sym *out);

/* Symbolise an address of an ELF file offline (vaddr as in the file; any load
 * bias already removed by the caller).  Any architecture libdw can read. */
int pc_symbolize_elf(const char *elf_path, uint64_t vaddr, struct pc_sym *out);

/* CPU time (utime+stime) of a thread from /proc/pid/task/tid/stat, in ms;
 * -1 on error. */
long pc_thread_cpu_ms(pid_t pid, pid_t tid);

/* qemu-user participants started as `qemu-<arch> -g <port> prog ...`.
 * arch: "aarch64" or "riscv64" (also "x86_64").
 * pc_gdb_connect connects to 127.0.0.1:port (retrying until timeout_ms),
 * checks the target architecture and resumes the program.
 * pc_gdb_sample stops the guest thread with the given index (0 = main, in
 * creation order; -1 = whichever thread the stub reports), reads its PC and
 * resumes it, n times interval_us apart.  Returns the number of samples or -1
 * with errno.  Returned PCs are guest virtual addresses (for -no-pie binaries
 * equal to ELF vaddrs: symbolise with pc_symbolize_elf).
 * pc_gdb_thread_count returns the number of guest threads (-1 on error).
 * pc_gdb_close detaches so the program continues, and frees g. */
struct pc_gdb;
struct pc_gdb *pc_gdb_connect(int port, const char *arch, int timeout_ms, char *err, size_t errlen);
int pc_gdb_sample(struct pc_gdb *g, int thread_index, int n, int interval_us, uint64_t *pcs);
int pc_gdb_thread_count(struct pc_gdb *g);
void pc_gdb_close(struct pc_gdb *g);

/* The same over a unix socket: `qemu-<arch> -g /path prog ...` (qemu 7.2
 * listens on a unix socket when the -g argument is not a number). */
struct pc_gdb *pc_gdb_connect_unix(const char *path, const char *arch, int timeout_ms,
                                   char *err, size_t errlen);
/* Non-blocking: 1 if the guest stopped on its own since the last call (a
 * stop reply nobody asked for: a guest signal such as SIGSEGV, which qemu
 * holds while a debugger is attached).  Then pc_gdb_drop lets it go on. */
int pc_gdb_guest_stopped(struct pc_gdb *g);
/* Close the connection without stopping the guest (cheaper than
 * pc_gdb_close, and safe when the guest is stopped by its own signal: qemu
 * 7.2 then delivers that signal and runs on without a debugger).  Frees g. */
void pc_gdb_drop(struct pc_gdb *g);

/* Host tid of the guest thread with the given index (qemu-user reports host
 * tids as gdb thread ids), or -1.  Useful with pc_thread_cpu_ms. */
long pc_gdb_thread_tid(struct pc_gdb *g, int thread_index);

#endif
