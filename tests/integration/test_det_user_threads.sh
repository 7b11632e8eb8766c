#!/bin/sh
# hvsim-test: long
# Issue 15: threads the code under test creates (pthread_create in the backend
# or the hypervisor) are scheduled, named, traced and replayed by the det
# engine like its own participants (sim/runtime/det/det_threads.c).
#  1. a backend whose two worker pthreads serve the ring (mutex + condvars)
#     passes 200 executions of pct and random under tso and sc; so does a
#     handler whose FINISH_REQ starts and joins a thread; --backend alone too;
#  2. a lost condvar signal (BUG_LOST_SIGNAL, one worker) is PROTOCOL_VIOLATION (lost request) under pct and its
#     JSON replays to LIVELOCK with byte-identical traces; the worker that
#     takes a request after dropping the mutex (BUG_NO_LOCK) is a finding
#     under random whose replay gives the same verdict;
#  3. the trace names the user threads (be-thread1, hv-thread1) and the
#     verdict names the one blocked in cond_wait, at its source line.
# RUNS (default 100; 200 for a longer check) sets the executions per PASS
# configuration.
. "$(dirname "$0")/lib.sh"
D=$(cd "$(dirname "$0")/../data/user_threads" && pwd)
S=$D/worker.hvs
N=${RUNS:-100}
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT

# 1. correct code: no false verdict
for strat in pct random; do
  for mm in tso sc; do
    out=$("$HVSIM" run --scenario "$S" --strategy $strat --memory-model $mm --runs "$N" -q 2>&1); rc=$?
    [ $rc -eq 0 ] || fail "worker backend, $strat/$mm: exit $rc: $(echo "$out" | tail -n 2)"
    echo "$out" | grep -q "seeds 1\.\.$N: $N PASS\$" || fail "worker backend, $strat/$mm: $(echo "$out" | tail -n 1)"
  done
done
out=$("$HVSIM" run --scenario "$S" --hv "$D/pthread_handler.c" --strategy pct --runs "$N" -q 2>&1) ||
  fail "pthread handler + worker backend: $(echo "$out" | tail -n 2)"
echo "$out" | grep -q ": $N PASS\$" || fail "pthread handler: $(echo "$out" | tail -n 1)"
# the command line alone (default workload)
out=$("$HVSIM" run --engine det --backend "$D/worker_daemon.c" --runs 100 -q 2>&1) ||
  fail "--backend worker_daemon.c: $(echo "$out" | tail -n 2)"
echo "$out" | grep -q "seeds 1\.\.100: 100 PASS\$" || fail "--backend worker_daemon.c: $(echo "$out" | tail -n 1)"

# 2a. the lost signal: found, named, replayed
"$HVSIM" run --scenario "$S" --cflags -DBUG_LOST_SIGNAL --strategy pct --runs "$N" --json \
  > "$t/lost.json" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "BUG_LOST_SIGNAL: exit $rc, want 1 ($(tail -n 1 "$t/err"))"
grep -v '"verdict":"PASS"' "$t/lost.json" | head -n 1 > "$t/lost1.json"
[ -s "$t/lost1.json" ] || fail "BUG_LOST_SIGNAL: exit 1 but no failing line"
v=$(jget "$t/lost1.json" "L[0]['verdict']")
# the stranded request: a CPU waits for an answer no one will give, the ring is
# empty and the daemon asleep — the protocol oracle's lost request
[ "$v" = PROTOCOL_VIOLATION ] || fail "BUG_LOST_SIGNAL: verdict $v, want PROTOCOL_VIOLATION (a lost request)"
line=$(grep -n 'if (empty)' "$D/worker_daemon.c" | head -n 1 | cut -d: -f1)
jget "$t/lost1.json" "L[0]['evidence']['summary']" |
  grep -q "be-thread1 blocked in cond_wait #[0-9]* (worker_daemon.c:$((line + 1)) worker())" ||
  fail "BUG_LOST_SIGNAL: the summary does not name the waiting thread: $(jget "$t/lost1.json" "L[0]['evidence']['summary']" | cut -c1-200)"
for i in 1 2; do
  "$HVSIM" replay "$t/lost1.json" --trace "$t/lost$i.txt" > "$t/rep$i" 2>&1; rc=$?
  [ $rc -eq 1 ] || fail "replay $i of the lost signal: exit $rc, want 1 ($(head -n 1 "$t/rep$i"))"
  grep -q "^PROTOCOL_VIOLATION" "$t/rep$i" || fail "replay $i of the lost signal: $(head -n 1 "$t/rep$i" | cut -c1-160)"
done
cmp -s "$t/lost1.txt" "$t/lost2.txt" || fail "lost signal: two replays gave different traces"

# 3. the trace names the threads the daemon created
grep -q "^# participants: 2 CPU thread(s), hypercall thread, daemon, 1 thread(s) created by the code under test" \
  "$t/lost1.txt" || fail "trace header: $(sed -n 2p "$t/lost1.txt")"
grep -q "daemon     create be-thread1  @ worker_daemon.c:[0-9]* backend_run()" "$t/lost1.txt" ||
  fail "the trace has no 'create be-thread1' line"
grep -q "be-thread1  cond_wait" "$t/lost1.txt" || fail "the trace shows no worker in cond_wait"
grep -q "be-thread1  astore cfg_flags" "$t/lost1.txt" || fail "the trace shows no worker answering"

# 2b. taking a request after dropping the mutex
"$HVSIM" run --scenario "$S" --cflags -DBUG_NO_LOCK --strategy random --runs "$N" --json \
  > "$t/nolock.json" 2>"$t/err"; rc=$?
[ $rc -eq 1 ] || fail "BUG_NO_LOCK: exit $rc, want 1 ($(tail -n 1 "$t/err"))"
grep -v '"verdict":"PASS"' "$t/nolock.json" | head -n 1 > "$t/nolock1.json"
v2=$(jget "$t/nolock1.json" "L[0]['verdict']")
# the schedule is a function of the seed: the first failure is the same every
# run (measured: seed 2, the worker read a request slot another had taken)
s2=$(jget "$t/nolock1.json" "L[0]['seed']")
[ "$v2" = WRONG_VALUE ] && [ "$s2" = 2 ] || fail "BUG_NO_LOCK: first failure $v2 at seed $s2, want WRONG_VALUE at seed 2"
"$HVSIM" replay "$t/nolock1.json" > "$t/rep3" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "^$v2" "$t/rep3" || fail "replay of BUG_NO_LOCK ($v2): exit $rc, $(head -n 1 "$t/rep3" | cut -c1-160)"

# 3'. a thread created on the hypervisor side is named too
seed2=$(jget "$t/nolock1.json" "L[0]['seed']")
"$HVSIM" run --scenario "$S" --hv "$D/pthread_handler.c" --strategy pct --trace "$t/hv.txt" > /dev/null 2>&1 ||
  fail "pthread handler with --trace"
grep -q "hypercall  create hv-thread1  @ pthread_handler.c:[0-9]* hv_finish_req()" "$t/hv.txt" ||
  fail "the trace has no 'hypercall create hv-thread1' line"
grep -q "hv-thread1  exit" "$t/hv.txt" && grep -q "hypercall  join   hv-thread1" "$t/hv.txt" ||
  fail "the trace shows no exit/join of hv-thread1"
pass "user threads: 4 x $N executions PASS (pct/random x tso/sc) + pthread handler; lost signal PROTOCOL_VIOLATION replayed byte-identically; BUG_NO_LOCK $v2 (seed $seed2) replayed; be-thread1/hv-thread1 named in traces"
