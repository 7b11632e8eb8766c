/* sim/evidence/loops_json.c — one loop as a JSON object. */
#include "loops.h"

json_t *loops_to_json(const struct loop_info *l)
{
    if (!l)
        return NULL;
    return json_pack("{s:s, s:s, s:i, s:I, s:I, s:b, s:b, s:b, s:i, s:s}", "function", l->function,
                     "file", l->file, "line", l->line, "start", (json_int_t)l->start, "end",
                     (json_int_t)l->end, "has_shared_load", l->has_shared_load, "has_call",
                     l->has_call, "has_exit", l->has_exit, "nloads", l->nloads, "disasm", l->disasm ? l->disasm : "");
}
