#!/bin/sh
# tests/integration/test_irq_route.sh — issue 18: an interrupt delivered to
# another CPU (scenario `irq-cpu K`, as a GIC SPI can be routed).  cpu0's
# completions must raise their IRQ on cpu1:
#   reference code (hv/result.c, hvsim_irq_target)    -> PASS (native and det)
#   hv_finish_ignores_route.c, irq-cpu requester      -> PASS
#   hv_finish_ignores_route.c, irq-cpu 1               -> MISSING_IRQ naming the route
. "$(dirname "$0")/test_byo_lib.inc"
V=$ROOT/tests/variants
H="env HVSIM_BUILD_DIR=$T/cache $HV"
cp "$V/irq_route.hvs" "$T/r.hvs"
sed 's/^irq-cpu 1$/irq-cpu requester/' "$V/irq_route.hvs" >"$T/req.hvs"
grep -q "^irq-cpu requester" "$T/req.hvs" || fail "could not derive the requester scenario"
run() { out=$($H run "$@" 2>&1); rc=$?; }
run --scenario "$T/r.hvs"
[ $rc -eq 0 ] && echo "$out" | grep -q "2 PASS" || fail "reference, irq-cpu 1: want 2 PASS, got exit $rc: $(echo "$out" | tail -2)"
run --scenario "$T/r.hvs" --engine det --runs 20
[ $rc -eq 0 ] && echo "$out" | grep -q "20 PASS" || fail "reference, irq-cpu 1, det: want 20 PASS, got exit $rc: $(echo "$out" | tail -2)"
BUG="--hv $ROOT/hv/handler.c --hv $V/hv_finish_ignores_route.c"
run --scenario "$T/req.hvs" $BUG
[ $rc -eq 0 ] && echo "$out" | grep -q "2 PASS" || fail "variant, irq-cpu requester: want 2 PASS, got exit $rc: $(echo "$out" | tail -2)"
run --scenario "$T/r.hvs" $BUG
[ $rc -eq 1 ] && echo "$out" | grep -q "^MISSING_IRQ" &&
  echo "$out" | grep -q "irq 78, an interrupt the guest routed to cpu1 (irq-cpu 1)) but injected no irq 78 on cpu1" ||
  fail "variant, irq-cpu 1: want MISSING_IRQ naming the route, got exit $rc: $(echo "$out" | head -3)"
run --scenario "$T/r.hvs" $BUG --engine det --runs 5
[ $rc -eq 1 ] && echo "$out" | grep -q "MISSING_IRQ" ||
  fail "variant, irq-cpu 1, det: want MISSING_IRQ, got exit $rc: $(echo "$out" | tail -3)"
no_leftovers "$T/cache"
pass "irq-cpu 1: reference PASS (native, det 20/20); IRQ-on-requester variant PASS when IRQs go to the requester, MISSING_IRQ naming the route when they go to cpu1 (native, det)"
