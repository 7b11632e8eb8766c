#!/bin/sh
# test_kill_hvsim.sh — hvsim itself is killed in the middle of a run.
#  1. SIGKILL: hvsim cannot clean up; its participants must die through
#     PR_SET_PDEATHSIG within 2 s, and the memfd goes with them.
#  2. SIGTERM and 3. SIGINT: hvsim kills its process group and exits (by the
#     same signal) within 2 s.
#  4. SIGKILL while it compiles a variant: the build/cache/*.tmp.PID dir it
#     leaves is swept by the next build (its owner is dead), and that build
#     succeeds.
# Afterwards nothing may be left: no process in hvsim's session (it runs under
# setsid), no participant binary of its private build dir running, no
# memfd:hvsim-region held, no new /dev/shm entry, no cache tmp dir.
. "$(dirname "$0")/leaks.sh" kill-hvsim

cat >"$W/long.hvs" <<'EOF'
name long_run
cpus 2
runs 1 seed 1
delay be_before_answer 20ms
cpu all: read dev0.magic repeat 400
EOF
"$HVSIM" run --scenario "$W/long.hvs" --timeout-ms 100 >/dev/null 2>&1 # build once

start() {
  setsid "$HVSIM" run "$@" >"$W/out" 2>&1 &
  PID=$!; SID=$PID
  sleep 0.05
  [ "$(sed "s/^.*) //" /proc/$PID/stat 2>/dev/null | cut -d" " -f4)" = "$PID" ] || ! kill -0 $PID 2>/dev/null ||
    { echo "SKIP: could not give hvsim its own session"; exit 77; }
}
nchildren() { pgrep -P "$PID" | wc -l; }
gone_within() { # SECONDS WHAT: hvsim's session must be empty within SECONDS
  i=0; n=$(($1 * 10))
  while [ $i -lt $n ]; do
    [ -z "$(in_session)" ] && break
    sleep 0.1; i=$((i + 1))
  done
  l=$(leftovers); [ -z "$l" ] || fail "$2: after $1 s:$l"
}

for sig in KILL TERM INT; do
  start --scenario "$W/long.hvs"
  i=0; while [ "$(nchildren)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
  [ "$(nchildren)" -ge 2 ] || fail "SIG$sig: hvsim did not start its participants"
  sleep 0.3
  kill -$sig "$PID"
  gone_within 2 "SIG$sig of hvsim"
  wait "$PID" 2>/dev/null; rc=$?
  [ $rc -gt 128 ] || fail "SIG$sig: hvsim exit status $rc, want death by the signal"
done

# 4: SIGKILL during a build (a variant not yet in the cache)
start --scenario "$W/long.hvs" --opt O1
i=0
while ! ls -d "$HVSIM_BUILD_DIR"/cache/*.tmp.* >/dev/null 2>&1 && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
kill -KILL "$PID"; wait "$PID" 2>/dev/null
sleep 1 # its compilers finish on their own
"$HVSIM" run --scenario "$W/long.hvs" --opt O1 --timeout-ms 100 >/dev/null 2>&1
[ -x "$(ls -d "$HVSIM_BUILD_DIR"/cache/x86_64-gcc-O1-* 2>/dev/null | grep -v '\.tmp\.' | head -n1)/hv" ] ||
  fail "the build after a killed build did not produce the variant"
SID=none
l=$(leftovers); [ -z "$l" ] || fail "after a build killed by SIGKILL and a new build:$l"

echo "PASS: hvsim killed by SIGKILL/SIGTERM/SIGINT mid-run leaves no process, memfd, shm or tmp dir within 2 s; a killed build's tmp dir is swept by the next build"
exit 0
