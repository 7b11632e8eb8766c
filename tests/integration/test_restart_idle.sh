#!/bin/sh
# test_restart_idle.sh — the restart-daemon fault kills only a daemon that is
# asleep when it dies, not one that was asleep when the watchdog looked.
# Found in check-asan under load: a daemon woken between the look and the
# SIGKILL took a request from the ring and died with it, and correct code
# got PROTOCOL_VIOLATION ("the request never reached the daemon").  The
# watchdog now stops the daemon and looks again (native.c restart_daemon).
# HVSIM_TEST_RESTART_GAP_MS=20 widens the window between the two looks, and
# be_before_answer keeps the daemon awake most of the time with a request
# taken: with the kill right after the first look, 15 of 40 such runs were
# flagged (seeds 1..40, measured 2026-12-04), 0 of 40 with the second look.
# The restart fires in fewer runs now (the daemon is found awake and the
# watchdog waits for a real sleep); at least one must have it.
# Second part: asleep is the main thread's state.  A daemon whose worker
# threads serve requests (tests/data/user_threads/worker_daemon.c) sleeps
# while a worker holds one; killed then, the request was lost and correct
# code was flagged (18 of 20 seeds, measured 2026-12-04).  The watchdog now
# also requires that the daemon holds nothing (oracle_daemon_holds): 0 of
# 20, the restart fired in 19.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cat >"$t/answer.hvs" <<'EOS'
name daemon_restart_mid_answer
cpus 2
poll-window 1000
restart-daemon after 3
delay be_before_answer 2ms..4ms
delay hv_before_push 0..1ms
cpu all: read dev0.magic repeat 30
EOS
# twenty_pass TAG GAP_MS [ARGS...]: seeds 1..20 of answer.hvs with ARGS
# (GAP_MS: the watchdog's gap between its two looks, empty: none) must all
# PASS; sets $fired to the runs where the restart happened (at least one)
twenty_pass() {
  tag=$1; gap=$2; shift 2; fired=0
  for s in $(seq 1 20); do
    HVSIM_TEST_RESTART_GAP_MS=$gap "$HVSIM" run --scenario "$t/answer.hvs" "$@" --seed $s --json >"$t/out" 2>"$t/err"
    rc=$?
    [ $rc -eq 0 ] && grep -q '"verdict":"PASS"' "$t/out" ||
      fail "$tag, seed $s: exit $rc, $(grep -o '"summary":"[^"]*' "$t/out" | cut -c12-220)"
    grep -q 'killed and restarted once' "$t/out" && fired=$((fired + 1))
  done
  [ $fired -ge 1 ] || fail "$tag: the restart fired in none of 20 runs: the window was not exercised"
}
twenty_pass "woken between the looks" 20
fired_gap=$fired
twenty_pass "worker daemon" "" --backend "$(dirname "$0")/../data/user_threads/worker_daemon.c"
pass "a daemon whose worker holds a request is not killed: 20 runs PASS, the restart fired in $fired; \
a daemon woken between the watchdog's two looks is not killed: 20 runs PASS, the restart fired in $fired_gap"
