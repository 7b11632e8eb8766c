#!/bin/sh
# hvsim-test: alone
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
# the same variant with one access per CPU: it builds what long.hvs runs
# without running long.hvs's 16 s to its end (--timeout-ms does not cut a
# run that makes progress)
sed 's/repeat 400$/repeat 1/' "$W/long.hvs" >"$W/build.hvs"
"$HVSIM" run --scenario "$W/build.hvs" >/dev/null 2>&1 # build once

start() {
  setsid "$HVSIM" run "$@" >"$W/out" 2>&1 &
  PID=$!; SID=$PID
  own_session "$PID"
}
nchildren() { pgrep -P "$PID" | wc -l; }
participant() { # hvsim's hypervisor participant (of the private build dir): it spins, so it burns CPU
  for c in $(pgrep -P "$PID"); do
    case "$(readlink /proc/$c/exe 2>/dev/null)" in "$HVSIM_BUILD_DIR"/cache/*/hv) echo "$c"; return ;; esac
  done
}
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
  i=0; while { [ "$(nchildren)" -lt 2 ] || [ -z "$(participant)" ]; } && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
  [ "$(nchildren)" -ge 2 ] && [ -n "$(participant)" ] || fail "SIG$sig: hvsim did not start its participants within 5 s"
  busy "$(participant)" 2 # mid-run: a participant is at work
  kill -$sig "$PID"
  gone_within 2 "SIG$sig of hvsim"
  wait "$PID" 2>/dev/null; rc=$?
  [ $rc -gt 128 ] || fail "SIG$sig: hvsim exit status $rc, want death by the signal"
done

# 4: SIGKILL during a build (a variant not yet in the cache)
start --scenario "$W/long.hvs" --opt O1
# its own tmp dir (named by its pid): the build dir may be shared (leaks.sh)
i=0
while ! ls -d "$HVSIM_BUILD_DIR"/cache/*.tmp."$PID" >/dev/null 2>&1 && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
ls -d "$HVSIM_BUILD_DIR"/cache/*.tmp."$PID" >/dev/null 2>&1 || fail "hvsim did not start building within 10 s"
kill -KILL "$PID"; wait "$PID" 2>/dev/null
# its compilers finish on their own: wait until its session is empty (10 s)
i=0; while [ -n "$(in_session)" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -z "$(in_session)" ] || fail "the killed build's compilers still run after 10 s: $(in_session | tr '\n' ' ')"
"$HVSIM" run --scenario "$W/build.hvs" --opt O1 >/dev/null 2>&1
[ -x "$(ls -d "$HVSIM_BUILD_DIR"/cache/x86_64-gcc-O1-* 2>/dev/null | grep -v '\.tmp\.' | head -n1)/hv" ] ||
  fail "the build after a killed build did not produce the variant"
SID=none
l=$(leftovers); [ -z "$l" ] || fail "after a build killed by SIGKILL and a new build:$l"

echo "PASS: hvsim killed by SIGKILL/SIGTERM/SIGINT mid-run leaves no process, memfd, shm or tmp dir within 2 s; a killed build's tmp dir is swept by the next build"
exit 0
