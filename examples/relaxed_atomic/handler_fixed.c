/* examples/relaxed_atomic/handler_fixed.c — FIXED: the seq_cst fence that is
 * the hypervisor's half of the need_wakeup Dekker pair (hvisor: fence(SeqCst)
 * before `if need_wakeup`). */
#define KICK_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#include "hv_common.h"
