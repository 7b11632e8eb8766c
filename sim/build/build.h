/* sim/build/build.h — building the participants of one variant.
 *
 * The code under test (hv/, backend/, or the user's files) is compiled at the
 * variant's level with the variant's compiler; hvsim's own participant
 * runtime is compiled at a fixed -O2, so two variants whose handler code is
 * identical produce identical .text and the matrix can run it once.
 * Results are cached under build/cache/<key>/, key = hash of everything that
 * changes the binary (compiler identity, flags, every source byte). */
#ifndef HVSIM_BUILD_H
#define HVSIM_BUILD_H

#include "util/home.h"
#include "config/runcfg.h"

enum build_profile {
    BUILD_NATIVE,   /* uninstrumented release build, platform_native */
    BUILD_DET,      /* -fsanitize=thread instrumentation + hvsim's TSan-ABI runtime */
    BUILD_THREADS,  /* one process, pthreads (tsan engine: real libtsan; helgrind: plain) */
    BUILD_TSAN,     /* BUILD_THREADS with -fsanitize=thread and libtsan */
};

struct build_out {
    char dir[512];
    char hv[600];        /* hypervisor participant (or the single threads binary) */
    char backend[600];
    uint64_t hv_text_hash, be_text_hash;
    int cached;          /* 1: taken from the cache */
    char log[4096];      /* compiler output on failure */
};

/* hvsim's own tree: hvsim_home(), util/home.h; where the build cache lives: */
const char *build_root(void);
/* The compiler command for cc × arch, e.g. "aarch64-linux-gnu-gcc" or
 * "clang --target=riscv64-linux-gnu"; NULL for an unknown pair. */
const char *build_compiler(const char *cc, const char *arch);
int build_compiler_available(const char *cc, const char *arch);
/* 0 ok; -1 with a one-line reason in err (and compiler output in out->log). */
int build_participants(const struct hvsim_runcfg *c, enum build_profile prof,
                       struct build_out *out, char *err, size_t errlen);
/* The cache key of c's participants under profile prof: the profile, the
 * compiler (its --version line and its command), the variant, the user's
 * flags, include dirs, sources and libraries, and every source of hvsim's
 * own under home that is compiled in. */
uint64_t build_key(const struct hvsim_runcfg *c, enum build_profile prof, const char *cc_version,
                   const char *compiler, const char *home);
/* The key of one of hvsim's runtime objects compiled for c: what build_key
 * hashes but the -O level, --cflags, LTO and the code under test, which its
 * compile does not use (build_rt_base, the same for every object of a
 * build: it reads hvsim's headers once), then the source itself. */
uint64_t build_rt_base(const struct hvsim_runcfg *c, enum build_profile prof, const char *cc_version,
                       const char *compiler, const char *home);
uint64_t build_rt_key(uint64_t base, const char *src);
/* FNV-1a of a binary's .text section; 0 on error. */
uint64_t build_text_hash(const char *elf_path);
/* .text and where every allocated section lies, not .rodata's bytes (they
 * hold `delay at`'s table): build.c checks a relink moved no code */
uint64_t build_layout_hash(const char *elf_path);

#endif
