/* sim/runtime/threads/platform_threads.c — <hvsim/platform.h> for the threads
 * engine (tsan, helgrind): the native engine's platform, word for word (same
 * IPI counter, daemon sleep and hypercall handoff), with its two real
 * synchronisations annotated for the race detectors (rt.h).  Every party is a
 * thread of this one process. */
#define _GNU_SOURCE
#include "rt.h"

#define PLATFORM_HB_SEND(a) RT_HB_SEND(a)
#define PLATFORM_HB_RECV(a) RT_HB_RECV(a)
#include "runtime/native/platform_native.c"
#include "runtime/common/hypercall.c"
