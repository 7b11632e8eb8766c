/* examples/seqcount/handler.c — seqcount waiter, FIXED: every read of the
 * sequence in the wait loop is an acquire load, so it is re-done each
 * iteration at every -O level. */
#define SEQ_LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#include "hv_common.h"
