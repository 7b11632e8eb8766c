#!/bin/sh
# tests/integration/test_fn_delay.sh — issue 18: delay points with no edit of
# the code (`delay at entry|return of F`, `delay at FILE:LINE`).
# tests/data/fn_delay/daemon.c has a check-then-sleep race a few instructions
# wide.  A delay at go_to_sleep's entry (or ring_empty's return, or at a line
# inside go_to_sleep) opens it: LOST_WAKEUP in the first run; the fixed daemon
# (-DRECHECK) passes with the same delay (the delay makes no verdict of its
# own), also under det (a scheduling point there: det explores the orders
# anyway, so the buggy daemon is not run there) and with clang.  An unknown
# function is an error at the scenario's file:line:col, exit 2.
. "$(dirname "$0")/test_byo_lib.inc"
cp "$ROOT"/tests/data/fn_delay/* "$T/"
S=$T/s.hvs
H="env HVSIM_BUILD_DIR=$T/cache $HV"
run() { # DELAY-LINE [hvsim options…]
  cp "$T/race.hvs" "$S"; echo "$1" >>"$S"; shift
  out=$($H run --scenario "$S" "$@" 2>&1); rc=$?; }
lw3() { [ $rc -eq 1 ] && echo "$out" | grep -q "seeds 1..1: 1 LOST_WAKEUP"; } # the first run (run stops at a finding)
p3() { [ $rc -eq 0 ] && echo "$out" | grep -q "3 PASS"; }

run "delay at entry of go_to_sleep 2ms"
lw3 || fail "entry delay: want LOST_WAKEUP in the first run, got exit $rc: $(echo "$out" | tail -2)"
run "delay at return of ring_empty 2ms"
lw3 || fail "return delay: want LOST_WAKEUP in the first run, got exit $rc: $(echo "$out" | tail -2)"
L=$(grep -n "__atomic_store_n(&b->need_wakeup, 1" "$T/daemon.c" | cut -d: -f1)
run "delay at daemon.c:$L 2ms"
lw3 || fail "FILE:LINE delay (line $L, in go_to_sleep): want LOST_WAKEUP in the first run, got exit $rc: $(echo "$out" | tail -2)"
run "delay at entry of go_to_sleep 2ms" --cc clang
lw3 || fail "entry delay, clang: want LOST_WAKEUP in the first run, got exit $rc: $(echo "$out" | tail -2)"
# the same delay with the fix: the delay itself is no finding
run "delay at entry of go_to_sleep 2ms" --cflags -DRECHECK
p3 || fail "fixed daemon + entry delay: want 3 PASS, got exit $rc: $(echo "$out" | tail -2)"
run "delay at return of ring_empty 1ms" --cflags -DRECHECK --cc clang
p3 || fail "fixed daemon + return delay, clang: want 3 PASS, got exit $rc: $(echo "$out" | tail -2)"
run "delay at entry of go_to_sleep 2ms" --cflags -DRECHECK --engine det
p3 || fail "fixed daemon + entry delay, det: want 3 PASS, got exit $rc: $(echo "$out" | tail -2)"

# bad input: the scenario's file:line:col, exit 2, nothing left behind
run "delay at entry of go_to_slep 2ms"
[ $rc -eq 2 ] && echo "$out" | grep -q "s.hvs:7:19: no function 'go_to_slep'" ||
  fail "unknown function: want s.hvs:7:19 and exit 2, got exit $rc: $out"
run "delay at daemon.c:2 2ms"
[ $rc -eq 2 ] && echo "$out" | grep -q "s.hvs:7:10: .*daemon.c:2 is in no function" ||
  fail "line outside any function: want s.hvs:7:10 and exit 2, got exit $rc: $out"
run "delay at entry go_to_sleep 2ms"
[ $rc -eq 2 ] && echo "$out" | grep -q "s.hvs:7:10: expected 'entry of FUNCTION'" ||
  fail "syntax: want s.hvs:7:10 and exit 2, got exit $rc: $out"
no_leftovers "$T/cache"
pass "entry/return/FILE:LINE delays open the race (LOST_WAKEUP in the first run, gcc and clang); the fix passes with them (native, det); unknown function/line: file:line:col, exit 2"
