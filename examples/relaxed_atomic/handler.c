/* examples/relaxed_atomic/handler.c — BUGGY: relaxed atomics only, no fence
 * between publishing req_rear and reading need_wakeup.  Expected: an
 * occasional LOST_WAKEUP (a real store→load reordering on x86). */
#define KICK_FENCE() do { } while (0)
#include "hv_common.h"
