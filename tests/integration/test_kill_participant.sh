#!/bin/sh
# hvsim-test: alone
# test_kill_participant.sh — a participant dies or stops in the middle of a run.
#  1. SIGKILL the hypervisor child: verdict CRASH naming SIGKILL, exit 1.
#  2. SIGKILL the backend child: the same, for the backend.
#  3. SIGSTOP the hypervisor of a build whose wait loop is hoisted (wait plain,
#     relax none) while it waits for an answer: a stopped thread burns no CPU,
#     so the watchdog has no evidence of a spin and must NOT call
#     HANG_STALE_READ; it ends with TIMEOUT (and says the process is stopped).
#     That it stopped inside the wait loop is checked: its PC, read from
#     /proc/PID/task/T/syscall, resolves to the loop's line in hv/handler.c.
#  4. SIGSTOP the backend: TIMEOUT, not a hang or a lost wakeup.
#  5. SIGSTOP hvsim itself for 2 s, then SIGCONT: still PASS.
# After each: no process left in hvsim's session, no memfd:hvsim-region held,
# no new /dev/shm entry, no build/cache/*.tmp.* dir.  hvsim runs in its own
# session (setsid) with a private build dir, so other hvsim runs on the
# machine do not disturb the counts.
. "$(dirname "$0")/leaks.sh" kill-part

cat >"$W/long.hvs" <<'EOF'
name long_run
cpus 1
runs 1 seed 1
delay be_before_answer 20ms
cpu 0: read dev0.magic repeat 400
EOF
# the first access waits 30 s for its answer: the hv is inside its wait loop
cat >"$W/waiting.hvs" <<'EOF'
name waiting
cpus 1
runs 1 seed 1
delay be_before_answer 30s
cpu 0: read dev0.magic
EOF

# Build once (not timed against the kill).  long.hvs's variant is built with
# one access, not run for its 8 s (--timeout-ms does not cut a run that makes
# progress).
sed 's/repeat 400$/repeat 1/' "$W/long.hvs" >"$W/build.hvs"
"$HVSIM" run --scenario "$W/build.hvs" --wait volatile >/dev/null 2>&1
"$HVSIM" run --scenario "$W/waiting.hvs" --wait plain --relax none --timeout-ms 100 >/dev/null 2>&1

start() { # args...: start hvsim in its own session; sets PID SID
  setsid "$HVSIM" run "$@" --json >"$W/out" 2>"$W/err" &
  PID=$!; SID=$PID
  own_session "$PID"
}
child() { # NAME (hv|backend): pid of that participant of hvsim, once it runs
  i=0
  while [ $i -lt 200 ]; do
    for c in $(pgrep -P "$PID"); do
      case "$(readlink /proc/$c/exe 2>/dev/null)" in "$HVSIM_BUILD_DIR"/cache/*/"$1") echo "$c"; return ;; esac
    done
    sleep 0.02; i=$((i + 1))
  done
}
finish() { # wait for hvsim (at most 20 s); sets RC
  i=0
  while kill -0 "$PID" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$PID" 2>/dev/null && { kill -KILL -"$SID"; fail "hvsim still running 20 s after the fault ($1)"; }
  wait "$PID"; RC=$?
  settled "$1"
}
verdict() { sed -n 's/^{"verdict":"\([A-Z_]*\)".*/\1/p' "$W/out" | head -n1; }

# 1 + 2: SIGKILL a participant
for who in hv backend; do
  start --scenario "$W/long.hvs" --wait volatile
  c=$(child $who); [ -n "$c" ] || fail "no $who child of hvsim found"
  busy "$(child hv)" 3 # mid-run: the hypervisor is working through its accesses
  kill -KILL "$c"
  finish "SIGKILL $who"
  v=$(verdict)
  [ "$v" = CRASH ] || fail "SIGKILL $who: verdict '$v', want CRASH ($(head -c 300 "$W/out"))"
  [ $RC -eq 1 ] || fail "SIGKILL $who: exit $RC, want 1"
  grep -q 'died of SIGKILL' "$W/out" || fail "SIGKILL $who: the signal is not named: $(head -c 300 "$W/out")"
  name=$([ $who = hv ] && echo hypervisor || echo backend)
  grep -q "the $name process died" "$W/out" || fail "SIGKILL $who: wrong participant blamed"
done

# 3: SIGSTOP the hv of a hoisted build while it waits (it would be a HANG
#    if it ran; stopped, there is no evidence of spinning)
# --timeout-ms 5000: the TIMEOUT must come after we have stopped the hv and
# looked where it stopped (on a loaded machine that can take a second or two)
start --scenario "$W/waiting.hvs" --wait plain --relax none --hang-ms 100 --timeout-ms 5000
c=$(child hv); [ -n "$c" ] || fail "no hv child of hvsim found"
busy "$c" 3 # spinning: the only place it can burn CPU is the wait for the 30 s answer
kill -STOP "$c"
stopped "$c"
# where it stopped: a thread must be in the wait loop of hv/handler.c (the
# line every plain-wait hang names), else this case tests nothing
at=$(stopped_at "$c")
wl=$(grep -n 'while (HV_LOAD_FLAG(&b->cfg_flags\[cpu\]) == old)' "$(dirname "$0")/../../hv/handler.c" | cut -d: -f1)
printf '%s\n' "$at" | grep -q "^wait_for_response hv/handler.c:$wl\$" ||
  fail "SIGSTOP hv: no thread stopped in the wait loop (hv/handler.c:$wl); threads are at: $(printf '%s' "$at" | tr '\n' ';')"
finish "SIGSTOP hv"
v=$(verdict)
[ "$v" = TIMEOUT ] || fail "SIGSTOP hv: verdict '$v', want TIMEOUT ($(head -c 400 "$W/out"))"
[ $RC -eq 1 ] || fail "SIGSTOP hv: exit $RC, want 1"
grep -q 'stopped' "$W/out" || fail "SIGSTOP hv: the TIMEOUT does not say the hypervisor is stopped"

# 4: SIGSTOP the backend mid-run (correct build)
start --scenario "$W/long.hvs" --wait volatile --timeout-ms 1500
c=$(child backend); [ -n "$c" ] || fail "no backend child of hvsim found"
busy "$(child hv)" 3
kill -STOP "$c"
finish "SIGSTOP backend"
v=$(verdict)
[ "$v" = TIMEOUT ] || fail "SIGSTOP backend: verdict '$v', want TIMEOUT ($(head -c 400 "$W/out"))"
[ $RC -eq 1 ] || fail "SIGSTOP backend: exit $RC, want 1"

# 5: SIGSTOP hvsim itself for 2 s, then SIGCONT (a correct build): its own
#    oversleep raises the watchdog's thresholds, so no false verdict follows
start --scenario "$W/long.hvs" --wait volatile
c=$(child hv); [ -n "$c" ] || fail "no hv child of hvsim found"
busy "$c" 3
kill -STOP "$PID"; stopped "$PID"; sleep 2; kill -CONT "$PID" # stopped for 2 s: the fault itself
finish "SIGSTOP/SIGCONT of hvsim"
v=$(verdict)
[ "$v" = PASS ] || fail "SIGSTOP/SIGCONT of hvsim: verdict '$v', want PASS ($(head -c 400 "$W/out"))"

echo "PASS: SIGKILL of hv/backend -> CRASH (SIGKILL named, exit 1); SIGSTOP of hv/backend -> TIMEOUT, never a hang; hvsim stopped 2 s -> still PASS; nothing left behind"
exit 0
