/* sim/runtime/det/det_litmus.h — the layout of a litmus test in the bridge
 * page, shared by the participant (det_litmus_main.c), the generated test
 * and the runner (sim/litmus/).  Offsets 0..7 stay zero: the runtime's end
 * judgement reads them as the ring indices (equal: nothing pending). */
#ifndef HVSIM_DET_LITMUS_H
#define HVSIM_DET_LITMUS_H

#define LIT_MAXT     8      /* threads per test */
#define LIT_MAXLOC   16     /* shared locations per test */
#define LIT_MAXREG   16     /* registers per thread */
#define LIT_LOC_OFF  64     /* location i at LIT_LOC_OFF + i * LIT_LOC_STRIDE */
#define LIT_LOC_STRIDE 16   /* one 8-byte granule each (the models' location) */
#define LIT_RES_OFF  2048   /* thread t's registers: int64 [LIT_MAXREG] at + t * LIT_MAXREG * 8 */

#endif
