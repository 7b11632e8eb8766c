#!/bin/sh
# Deterministic engine on code it was not tuned for (issue 15): correct code
# must PASS where det once gave false verdicts, waits for time must not
# block the token, a call det cannot model ends at the scenario's timeout
# naming the call, and a prebuilt library is refused up front.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
d=$(dirname "$0")/../det

# 8 CPUs, pct under tso: was 107 PASS, 9 WRONG_VALUE, 84 LIVELOCK in 200
"$HVSIM" run --scenario scenarios/many_cpus.hvs --engine det --strategy pct --memory-model tso \
  --runs 40 --keep-going > "$t/many" 2>&1
rc=$?; last=$(tail -n1 "$t/many")
[ $rc -eq 0 ] && case "$last" in *": 40 PASS") ;; *) false;; esac || fail "many_cpus tso pct: exit $rc: $last"

# a full request ring (4 CPUs x 130 notifies): was TIMEOUT at the decision cap
"$HVSIM" run --scenario scenarios/notify_storm.hvs --engine det --strategy pct --runs 3 --keep-going > "$t/ns" 2>&1
rc=$?; last=$(tail -n1 "$t/ns")
[ $rc -eq 0 ] && case "$last" in *": 3 PASS") ;; *) false;; esac || fail "notify_storm pct: exit $rc: $last"

# a daemon that polls with usleep(): simulated time, PASS
"$HVSIM" run --engine det --backend "$d/backend_sleepy.c" --backend backend/regs.c --runs 10 \
  --keep-going > "$t/sleepy" 2>&1
rc=$?; last=$(tail -n1 "$t/sleepy")
[ $rc -eq 0 ] && case "$last" in *": 10 PASS") ;; *) false;; esac || fail "usleep daemon: exit $rc: $last"

# a daemon blocked in read(2) on a pipe: TIMEOUT naming it, within the timeout
start=$(date +%s)
"$HVSIM" run --engine det --backend "$d/backend_blocks.c" --timeout-ms 1500 --json > "$t/blk" 2>"$t/blkerr"
rc=$?
secs=$(( $(date +%s) - start ))
[ $rc -eq 1 ] || fail "blocked daemon: exit $rc ($(tail -n1 "$t/blkerr"))"
v=$(jget "$t/blk" "L[-1]['verdict']")
[ "$v" = TIMEOUT ] || fail "blocked daemon: verdict $v, want TIMEOUT"
s=$(jget "$t/blk" "L[-1]['evidence']['summary']")
case "$s" in *daemon*"read(2)"*pipe*) ;; *) fail "blocked daemon: summary does not name read(2) on the pipe: $s";; esac
[ $secs -lt 60 ] || fail "blocked daemon: took $secs s"

# a prebuilt library: refused with exit 2 before anything is built
printf 'int hvsim_test_lib_dummy;\n' > "$t/x.c"
cc -c "$t/x.c" -o "$t/x.o" && ar rcs "$t/x.a" "$t/x.o" || fail "could not make a test library"
"$HVSIM" run --engine det --hv-lib "$t/x.a" > "$t/lib" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "det --hv-lib: exit $rc, want 2"
grep -q "not compiled by hvsim with the instrumentation" "$t/lib" || fail "det --hv-lib: no reason given: $(cat "$t/lib")"
"$HVSIM" audit --hv-lib "$t/x.a" > "$t/alib" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "audit --hv-lib: exit $rc, want 2"

# a failure whose schedule is too long to write out replays from its seed
sed 's/^runs 1  seed 3/runs 1  seed 3\ndet-max-points 60000/' scenarios/notify_storm.hvs > "$t/cap.hvs"
"$HVSIM" run --scenario "$t/cap.hvs" --engine det --strategy random --json > "$t/cap.json" 2>/dev/null
[ "$(jget "$t/cap.json" "L[-1]['verdict']")" = TIMEOUT ] || fail "det-max-points: no TIMEOUT"
sch=$(jget "$t/cap.json" "L[-1]['evidence']['schedule']")
case "$sch" in *"too long"*) fail "unreplayable schedule: $sch";; esac
"$HVSIM" replay "$t/cap.json" > "$t/rep" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q '^TIMEOUT.*60000 points' "$t/rep" || fail "replay of $sch: exit $rc: $(head -n1 "$t/rep")"

pass "det: many_cpus 40 PASS, notify_storm 3 PASS, usleep daemon 10 PASS, blocked read TIMEOUT in ${secs}s naming it, --hv-lib refused"
