/* sim/evidence/loopexit.c — can a loop be left at all?
 *
 * rustc folds the two reads of `cfg_flags[cpu_id]` through one `&[u64]` in
 * hvisor's pre-fix trampoline: the comparison disappears and the compiled
 * loop only counts and logs (DESIGN.md §5).  That is not a hoisted load (the
 * loop may even load, e.g. the log level): it is a loop with no exit.  The
 * test: from the loop's head, following fall-through and direct branches
 * inside the function (calls return), is any instruction that leaves the
 * function reachable — a return or indirect jump, a branch outside it, or its
 * last instruction falling off?  No: the loop has no exit.  Conservative: an
 * instruction we cannot follow counts as an exit, so "no exit" is only said
 * when the binary proves it.  loopfind's has_exit looks at edges leaving the
 * loop's body; this looks at where they lead. */
#include <stdlib.h>

#include "loops.h"
#include "loops_int.h"


int loop_has_exit(const struct lfunc *f, const struct insn *v, size_t n, uint64_t head)
{
    size_t h = insn_index(v, n, head);
    if (h == n)
        return -1;
    unsigned char *seen = calloc(n, 1);
    size_t *stack = malloc(n * sizeof *stack);
    if (!seen || !stack) {
        free(seen);
        free(stack);
        return -1;
    }
    int exits = 0;
    size_t sp = 0;
    stack[sp++] = h;
    seen[h] = 1;
    while (sp && !exits) {
        size_t k = stack[--sp];
        const struct insn *in = &v[k];
        size_t next[2];
        int nn = 0;
        if (in->flags & IN_BRANCH) {
            if (in->target < f->addr || in->target >= f->addr + f->size)
                exits = 1; /* a tail jump out of the function */
            else if ((next[nn] = insn_index(v, n, in->target)) == n)
                exits = 1; /* into the middle of an instruction: do not guess */
            else
                nn++;
        } else if ((in->flags & IN_NOFALL) && !(in->flags & IN_CALL)) {
            exits = 1;     /* return, indirect jump */
        }
        if (!(in->flags & IN_NOFALL)) {
            if (k + 1 >= n)
                exits = 1; /* falls off the end of the function */
            else
                next[nn++] = k + 1;
        }
        for (int i = 0; i < nn && !exits; i++)
            if (!seen[next[i]]) {
                seen[next[i]] = 1;
                stack[sp++] = next[i];
            }
    }
    free(seen);
    free(stack);
    return exits;
}
