#!/bin/sh
# A participant that crashes is judged CRASH with the signal named and a
# symbolised backtrace that points into the user's handler at file:line.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cat > "$t/hv.c" <<'C'
#include <hvsim/platform.h>
static int *volatile nowhere;
uint64_t hv_mmio_access(uint64_t addr, uint32_t size, int is_write, uint64_t value)
{
    (void)addr; (void)size; (void)is_write; (void)value;
    return (uint64_t)*nowhere;   /* line 6: a NULL dereference */
}
void hv_finish_req(void) {}
C
"$HVSIM" run --hv "$t/hv.c" --opt O1 --json > "$t/out" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "exit $rc: $(cat "$t/err")"
v=$(jget "$t/out" "L[-1]['verdict']"); [ "$v" = CRASH ] || fail "verdict $v"
s=$(jget "$t/out" "L[-1]['evidence']['summary']"); case "$s" in *SIGSEGV*) ;; *) fail "summary: $s";; esac
w=$(jget "$t/out" "'%s:%s %s' % (L[-1]['evidence'].get('file'), L[-1]['evidence'].get('line'), L[-1]['evidence'].get('function'))")
[ "$w" = "$t/hv.c:6 hv_mmio_access" ] || fail "crash site: $w (a file outside the tree and the cwd: its full path)"
pass "CRASH: SIGSEGV at $w, from the participant's own backtrace"
