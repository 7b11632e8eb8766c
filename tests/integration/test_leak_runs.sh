#!/bin/sh
# hvsim-test: alone
# test_leak_runs.sh — many runs in one hvsim process leak nothing.
#  1. 60 PASS runs (wait volatile): hvsim's open fds and memfds, sampled while
#     it runs, do not grow from run to run; no zombie children pile up.
#  2. 12 HANG runs (wait plain, relax none: the watchdog kills a spinning hv
#     every time): the same.
#  3. Faults from scenarios: daemon restart (scenarios/daemon_restart.hvs and
#     a heavier one: the daemon is SIGKILLed and restarted mid-run: PASS, the
#     restart is reported or the PASS says it did not fire, the dead daemon is
#     reaped) and dropped_ipi (LOST_WAKEUP, the dropped IPI is reported);
#     neither hangs (each must end within 30 s).
# After each: no process left in hvsim's session (it runs under setsid, with a
# private build dir), no memfd:hvsim-region held, no new /dev/shm entry, no
# build/cache/*.tmp.* dir, nothing left in its TMPDIR (a private one).
. "$(dirname "$0")/leaks.sh" leak-runs
HOME_DIR=$(cd "$(dirname "$0")/../.." && pwd)
mkdir "$W/tmp"
LEAK_TMPDIR="$W/tmp"

start() {
  TMPDIR="$W/tmp" setsid "$HVSIM" run "$@" --json >"$W/out" 2>"$W/err" &
  PID=$!; SID=$PID
}
# sample fds / memfds / zombie children of hvsim until it exits (max 30 s)
watch_run() { # WHAT [MIN_SAMPLES]: with MIN_SAMPLES (>= 3) the growth checks must run
  : >"$W/samples"
  i=0
  while kill -0 "$PID" 2>/dev/null && [ $i -lt 600 ]; do
    if [ "$(sed 's/^.*) //' /proc/$PID/stat 2>/dev/null | cut -c1)" != Z ]; then
      nfd=$(ls /proc/$PID/fd 2>/dev/null | wc -l)
      nmem=$(ls -l /proc/$PID/fd 2>/dev/null | grep -c 'memfd:hvsim-region')
      nz=$(ps -o stat= --ppid "$PID" 2>/dev/null | grep -c '^Z')
      [ "$nfd" -gt 0 ] && echo "$nfd $nmem $nz" >>"$W/samples"
    fi
    sleep 0.05; i=$((i + 1))
  done
  kill -0 "$PID" 2>/dev/null && { kill -KILL -"$SID"; fail "$1: hvsim still running after 30 s"; }
  wait "$PID"; RC=$?
  settled "$1"
  n=$(wc -l <"$W/samples")
  # a growth check needs a first and a last handful of samples: a multi-run
  # case (MIN_SAMPLES given) that yields fewer has measured nothing, which
  # fails; a single run (no MIN_SAMPLES) has no growth to check, only what
  # it leaves behind (settled, above)
  if [ -z "${2:-}" ]; then
    return 0
  fi
  [ "$n" -ge "$2" ] || fail "$1: only $n fd samples of hvsim (want >= $2): nothing measured"
  # fds: the last samples may not exceed the first ones by more than the fds
  # a run opens transiently (memfd, spawn pipe, /proc files being read)
  first=$(head -n 3 "$W/samples" | awk 'NR==1||$1<m{m=$1} END{print m}')
  last=$(tail -n 3 "$W/samples" | awk 'NR==1||$1<m{m=$1} END{print m}')
  [ $((last - first)) -le 3 ] || fail "$1: hvsim fds grew from $first to $last over $n samples"
  maxmem=$(awk '$2>m{m=$2} END{print m+0}' "$W/samples")
  [ "$maxmem" -le 1 ] || fail "$1: hvsim held $maxmem memfd regions at once"
  maxz=$(awk '$3>m{m=$3} END{print m+0}' "$W/samples")
  [ "$maxz" -le 2 ] || fail "$1: $maxz unreaped participants (zombies) at once"
}
verdicts() { sed -n 's/^{"verdict":"\([A-Z_]*\)".*/\1/p' "$W/out" | sort | uniq -c | tr -s ' \n' ' '; }

# build both variants first (not part of the sampled runs)
"$HVSIM" run --wait volatile --runs 1 >/dev/null 2>&1
"$HVSIM" run --wait plain --relax none --runs 1 --hang-ms 50 >/dev/null 2>&1

start --wait volatile --runs 60 --keep-going
watch_run "60 PASS runs" 6
[ $RC -eq 0 ] || fail "60 PASS runs: exit $RC ($(verdicts))"
[ "$(grep -c '"verdict":"PASS"' "$W/out")" -eq 60 ] || fail "60 PASS runs: $(verdicts)"
n1=$(wc -l <"$W/samples")

start --wait plain --relax none --runs 12 --keep-going --hang-ms 100
watch_run "12 HANG runs" 6
[ $RC -eq 1 ] || fail "12 HANG runs: exit $RC"
[ "$(grep -c '"verdict":"HANG_STALE_READ"' "$W/out")" -eq 12 ] || fail "12 HANG runs: $(verdicts)"

# The fault fires once the daemon is idle after N accesses; a run may end
# first, and must then say the fault did not fire.  The bundled scenario once,
# then a heavier one (the hv pauses before pushes, so the daemon is often
# idle) with three seeds: the restart must fire at least once.
cat >"$W/restart.hvs" <<'EOF2'
name daemon_restart_heavy
cpus 2
poll-window 1000
restart-daemon after 3
delay be_after_wake 0..100us
delay hv_before_push 0..1ms
cpu all: read dev0.magic repeat 40
cpu all: notify dev0 repeat 20
cpu all: read dev1.config+0 size 4 repeat 20
EOF2
fired=0
for sc in "$HOME_DIR/scenarios/daemon_restart.hvs:5" "$W/restart.hvs:1" "$W/restart.hvs:2" "$W/restart.hvs:3"; do
  start --scenario "${sc%:*}" --seed "${sc##*:}"
  watch_run "daemon restart (${sc##*/})"
  [ "$(verdicts)" = " 1 PASS " ] || fail "daemon restart (${sc##*/}): $(verdicts) (exit $RC): $(head -c 300 "$W/out")"
  if grep -q 'killed and restarted once' "$W/out"; then fired=$((fired + 1))
  else grep -q 'fault (after [0-9]* accesses) did not fire' "$W/out" ||
         fail "daemon restart (${sc##*/}): PASS says neither that the restart happened nor that it did not"
  fi
done
[ $fired -gt 0 ] || fail "daemon restart: the fault never fired in 4 runs"

start --scenario "$HOME_DIR/scenarios/dropped_ipi.hvs"
watch_run "dropped_ipi"
[ "$(verdicts)" = " 1 LOST_WAKEUP " ] || fail "dropped_ipi: $(verdicts) (exit $RC)"
[ $RC -eq 1 ] || fail "dropped_ipi: exit $RC, want 1"
grep -q 'IPIs dropped by fault injection: [1-9]' "$W/out" || fail "dropped_ipi: the dropped IPI is not reported"

echo "PASS: 60 PASS runs ($n1 fd samples) and 12 HANG runs keep fds/memfds flat; daemon restart (fired $fired of 4) and dropped IPI are reported, never hang; nothing left behind"
exit 0
