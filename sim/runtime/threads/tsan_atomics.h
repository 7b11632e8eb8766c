/* sim/runtime/threads/tsan_atomics.h — force-included into the code under test in
 * the ThreadSanitizer build only: teaches TSan the standalone fences it
 * ignores (see atomics_model.h). */
#define HVSIM_AM_TSAN 1
#include "atomics_model.h"
