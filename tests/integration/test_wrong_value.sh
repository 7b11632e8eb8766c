#!/bin/sh
# WRONG_VALUE is detected on a real binary: a handler that returns
# cfg_values[cpu] without waiting for the daemon (what clang makes of a wait
# loop it may delete, C11 6.8.5p6 — DESIGN.md §2) gives the guest a stale
# value; the same handler with its wait passes.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
home=$(cd "$(dirname "$0")/../.." && pwd)
sed 's|    return wait_for_response(b, cpu, old);|    (void)old; (void)wait_for_response;\n    return __atomic_load_n(\&b->cfg_values[cpu], __ATOMIC_RELAXED); /* no wait */|' \
    "$home/hv/handler.c" > "$t/nowait.c"
grep -q "no wait" "$t/nowait.c" || fail "could not derive the no-wait handler"
"$HVSIM" run --hv "$t/nowait.c" --hv "$home/hv/result.c" -I "$home/hv" --wait volatile --json > "$t/out" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "no-wait handler: exit $rc ($(cat "$t/err"))"
v=$(jget "$t/out" "L[-1]['verdict']"); [ "$v" = WRONG_VALUE ] || fail "no-wait handler: $v"
s=$(jget "$t/out" "L[-1]['evidence']['summary']")
"$HVSIM" run --hv "$home/hv/handler.c" --hv "$home/hv/result.c" -I "$home/hv" --wait volatile --runs 3 > "$t/ok" 2>&1 || fail "with the wait: $(cat "$t/ok")"
pass "WRONG_VALUE: $s; with the wait: PASS"
