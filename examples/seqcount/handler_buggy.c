/* examples/seqcount/handler_buggy.c — seqcount waiter, BUGGY: the wait loop
 * reads the sequence through a plain pointer and calls nothing, so from -O1
 * (gcc) the compiler may load it once before the loop: the seed bug in
 * seqlock clothing.  Expected: HANG_STALE_READ at -O1 and up. */
#define SEQ_LOAD(p) (*(p))
#include "hv_common.h"
