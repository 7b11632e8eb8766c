#!/bin/sh
# tests/run.sh — run every test: CMocka unit tests ($BUILD/tests/test_*) and
# integration scripts (tests/integration/*.sh; exit 0 pass, 77 skip, else fail).
# Each runs alone too: build/tests/test_ring, sh tests/integration/test_x.sh.
#   tests/run.sh [PATTERN]   only tests whose name contains PATTERN
# Ends with the line "N passed, N failed, N skipped".
BUILD=${BUILD:-build}
export BUILD
export HVSIM=${HVSIM:-$BUILD/hvsim}
pat=${1:-}
pass=0; fail=0; skip=0; failed=""
log=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT INT TERM

one() { # name, command...
  name=$1; shift
  case "$name" in *"$pat"*) ;; *) return ;; esac
  start=$(date +%s)
  timeout -k 10 600 "$@" >"$log/out" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    pass=$((pass+1)); echo "PASS  $name (${secs}s)"
  elif [ $rc -eq 77 ]; then
    skip=$((skip+1)); echo "SKIP  $name: $(grep -m1 -i skip "$log/out" || tail -n1 "$log/out")"
  else
    fail=$((fail+1)); failed="$failed $name"
    echo "FAIL  $name (exit $rc, ${secs}s)"; sed 's/^/      | /' "$log/out" | tail -n 40
  fi
}

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  one "unit/$(basename "$t")" "$t"
done
for t in tests/integration/test_*.sh; do
  [ -f "$t" ] || continue
  one "integration/$(basename "$t" .sh)" sh "$t"
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
