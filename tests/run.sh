#!/bin/bash
# tests/run.sh — run every test: CMocka unit tests ($BUILD/tests/test_*) and
# integration scripts (tests/integration/*.sh; exit 0 pass, 77 skip, else fail).
# Each runs alone too: build/tests/test_ring, sh tests/integration/test_x.sh.
#   tests/run.sh [PATTERN]   only tests whose name contains PATTERN
#   JOBS=N tests/run.sh      N tests at a time (default: the number of CPUs)
# Ends with the line "N passed, N failed, N skipped".  CI=true: a skip fails.
#
# Why in parallel: most of the suite's wall time is spent waiting (a hang is
# judged after a stall, a killed process is given time to go), not computing,
# so two at a time on two cores finish much sooner.  The tests are written to
# hold under load (test_load_no_false_verdicts loads the machine on purpose).
# A script with the line "# hvsim-test: alone" runs by itself after the
# others: it loads the machine itself, measures speed, or counts system-wide
# resources (/dev/shm entries) that another test could create meanwhile.
# A script with "# hvsim-test: long" (40 s or more on two cores) starts
# before the others, so that no long test starts last and runs on while the
# other slot has nothing left to do.
BUILD=${BUILD:-build}
export BUILD
export HVSIM=${HVSIM:-$BUILD/hvsim}
pat=${1:-}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
pass=0; fail=0; skip=0; failed=""
log=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-tests.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$log"' EXIT
trap 'exit 130' INT TERM
# the kill/leak tests' private build dir (tests/integration/leaks.sh), shared
# by them for this run only
export LEAKS_BUILD_DIR="$log/leaks-build"

# In CI (CI=true), where tools/deps.sh has installed everything, a skip means
# something that should be there is not: it counts as a failure.  The one
# exception is a skip whose reason is something tools/deps.sh does not
# install; such a test says so with "SKIP (not in tools/deps.sh): ...".
ci=0; case "${CI:-}" in true|1|yes) ci=1 ;; esac
skipped() { # name, reason
  if [ $ci -eq 1 ] && ! printf '%s' "$2" | grep -q 'not in tools/deps.sh'; then
    fail=$((fail+1)); failed="$failed $1"
    echo "FAIL  $1 (skipped in CI, where nothing may be missing: $2)"
  else
    skip=$((skip+1)); echo "SKIP  $1: $2"
  fi
}

# launch ID NAME COMMAND...: run one test in the background; its output, exit
# status and seconds go to $log/ID.{out,rc,secs}
launch() {
  local id=$1; shift; shift
  ( start=$(date +%s)
    timeout -k 10 600 "$@" >"$log/$id.out" 2>&1
    echo $? >"$log/$id.rc.tmp"
    echo $(( $(date +%s) - start )) >"$log/$id.secs"
    mv "$log/$id.rc.tmp" "$log/$id.rc" ) &
}
# report ID NAME: print one finished test's result and count it
report() {
  local id=$1 name=$2 rc secs
  rc=$(cat "$log/$id.rc"); secs=$(cat "$log/$id.secs")
  # a CMocka binary exits 0 when its only non-passes are skip()s: it says
  # "[  SKIPPED ]"; that is a skip, not a pass
  if [ "$rc" -eq 0 ] && grep -q '^\[  SKIPPED \]' "$log/$id.out"; then
    rc=77
  fi
  if [ "$rc" -eq 0 ]; then
    pass=$((pass+1)); echo "PASS  $name (${secs}s)"
  elif [ "$rc" -eq 77 ]; then
    skipped "$name" "$(grep -m1 'SKIP' "$log/$id.out" || tail -n1 "$log/$id.out")"
  else
    fail=$((fail+1)); failed="$failed $name"
    echo "FAIL  $name (exit $rc, ${secs}s)"; sed 's/^/      | /' "$log/$id.out" | tail -n 40
  fi
}

names=(); cmds=(); alone=(); long=()
add() { # name alone long command...
  case "$1" in *"$pat"*) ;; *) return ;; esac
  names+=("$1"); alone+=("$2"); long+=("$3"); shift 3; cmds+=("$*")
}
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  add "unit/$(basename "$t")" 0 0 "$t"
done
for t in tests/integration/test_*.sh; do
  [ -f "$t" ] || continue
  a=0; grep -q '^# hvsim-test: alone' "$t" && a=1
  l=0; grep -q '^# hvsim-test: long' "$t" && l=1
  add "integration/$(basename "$t" .sh)" $a $l sh "$t"
done
# launch order of the shared phase: the long tests first, then the rest
order=()
for i in "${!names[@]}"; do [ "${long[$i]}" = 1 ] && order+=("$i"); done
for i in "${!names[@]}"; do [ "${long[$i]}" = 1 ] || order+=("$i"); done

# the pool: start tests while fewer than $jobs run; report each as it ends
running=()
reap() { # wait for one running test to end, report it
  local k id
  while :; do
    for k in "${!running[@]}"; do
      id=${running[$k]}
      if [ -f "$log/$id.rc" ]; then
        report "$id" "${names[$id]}"; unset 'running[k]'; running=("${running[@]}"); return
      fi
    done
    sleep 0.2
  done
}
for i in "${order[@]}"; do
  [ "${alone[$i]}" = 1 ] && continue
  while [ ${#running[@]} -ge "$jobs" ]; do reap; done
  # shellcheck disable=SC2086
  launch "$i" "${names[$i]}" ${cmds[$i]}; running+=("$i")
done
while [ ${#running[@]} -gt 0 ]; do reap; done
for i in "${!names[@]}"; do
  [ "${alone[$i]}" = 1 ] || continue
  # shellcheck disable=SC2086
  launch "$i" "${names[$i]}" ${cmds[$i]}; running=("$i"); reap
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
