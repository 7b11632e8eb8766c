#!/bin/sh
# MISSED_ANSWER and LIVELOCK from the deterministic engine, on handlers with
# real bugs.  First: a handler
# (tests/det/late_snapshot.c: it snapshots cfg_flags[cpu] after publishing
# its request, so an answer that lands in between is never seen as a change;
# every load is an acquire, so the CPU spins through scheduling points —
# a livelock, not a hoisted-load hang).  Measured: pct finds it in the first
# execution.  Checked: exit 1, LIVELOCK, the last event of the trace is CPU 0
# re-reading cfg_flags[0], holding the answered value 1, at the wait loop's
# line, and a det1: schedule;
# the control (-DSNAPSHOT_FIRST, the order of hv/handler.c) passes 100
# executions, so the bug, not the harness, is what is judged.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
src=tests/det/late_snapshot.c
"$HVSIM" run --engine det --strategy pct --hv $src --hv hv/result.c --runs 100 --json >"$t/bug" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "late snapshot: exit $rc, want 1 ($(tail -n 2 "$t/err"))"
v=$(jget "$t/bug" "L[-1]['verdict']")
[ "$v" = MISSED_ANSWER ] || fail "late snapshot: verdict $v, want MISSED_ANSWER: $(head -c 300 "$t/bug")"
x=$(jget "$t/bug" "L[-1]['evidence']['text']")
case "$x" in *"answer had already arrived"*"flag was 0"*) ;; *) fail "late snapshot: text does not say the answer came first: $x";; esac
# the spinner: CPU 0 re-reading cfg_flags[0], already answered (1), in the wait loop
wl=$(grep -n 'while (__atomic_load_n(&b->cfg_flags\[cpu\], __ATOMIC_ACQUIRE) == old)' $src | cut -d: -f1)
last=$(jget "$t/bug" "'%s %s' % (L[-1]['evidence']['timeline'][-1]['who'], L[-1]['evidence']['timeline'][-1]['what'])")
[ "$last" = "cpu0 aload cfg_flags[0]=1 late_snapshot.c:$wl hv_mmio_access()" ] ||
  fail "late snapshot: the livelock is not CPU 0 re-reading cfg_flags[0] = 1 at late_snapshot.c:$wl: last event '$last'"
case "$(jget "$t/bug" "L[-1]['evidence']['schedule']")" in det1:*) ;; *) fail "no det1: schedule in the evidence" ;; esac
n=$(jget "$t/bug" "L[-1]['evidence']['executions']")
"$HVSIM" run --engine det --strategy pct --hv $src --hv hv/result.c --cflags -DSNAPSHOT_FIRST --runs 100 \
  >"$t/fix" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "snapshot first (the fix): exit $rc: $(head -n 2 "$t/fix")"
grep -q "seeds 1..100: 100 PASS$" "$t/fix" || fail "snapshot first: not 100 executions PASS: $(tail -n 1 "$t/fix")"
# a loop that waits for two answers where the protocol gives one: the CPU saw
# the answer, nothing can change any more — LIVELOCK, in words
"$HVSIM" run --engine det --strategy pct --hv $src --hv hv/result.c --cflags "-DSNAPSHOT_FIRST -DWAIT_FOR_TWO" \
  --runs 100 --json >"$t/two" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "wait for two: exit $rc, want 1"
v=$(jget "$t/two" "L[-1]['verdict']")
[ "$v" = LIVELOCK ] || fail "wait for two: verdict $v, want LIVELOCK"
x=$(jget "$t/two" "L[-1]['evidence']['summary']")
case "$x" in "cpu0 keeps re-reading cfg_flags[0] (= 1)"*"daemon asleep"*) ;; *) fail "wait for two: summary $x";; esac
pass "late flag snapshot: MISSED_ANSWER on cfg_flags[0] after $n pct execution(s); wait-for-two: LIVELOCK in words; snapshot first: 100 executions PASS"
