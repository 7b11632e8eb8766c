#!/bin/sh
# tests/run.sh — run every test: CMocka unit tests ($BUILD/tests/test_*) and
# integration scripts (tests/integration/*.sh; exit 0 pass, 77 skip, else fail).
# Each runs alone too: build/tests/test_ring, sh tests/integration/test_x.sh.
#   tests/run.sh [PATTERN]   only tests whose name contains PATTERN
# Ends with the line "N passed, N failed, N skipped".  CI=true: a skip fails.
BUILD=${BUILD:-build}
export BUILD
export HVSIM=${HVSIM:-$BUILD/hvsim}
pat=${1:-}
pass=0; fail=0; skip=0; failed=""
log=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT INT TERM

# In CI (CI=true), where tools/deps.sh has installed everything, a skip means
# something that should be there is not: it counts as a failure.  The one
# exception is a skip whose reason is something tools/deps.sh does not
# install; such a test says so with "SKIP (not in tools/deps.sh): ...".
ci=0; case "${CI:-}" in true|1|yes) ci=1 ;; esac
skipped() { # name, secs, reason
  if [ $ci -eq 1 ] && ! printf '%s' "$3" | grep -q 'not in tools/deps.sh'; then
    fail=$((fail+1)); failed="$failed $1"
    echo "FAIL  $1 (skipped in CI, where nothing may be missing: $3)"
  else
    skip=$((skip+1)); echo "SKIP  $1: $3"
  fi
}

one() { # name, command...
  name=$1; shift
  case "$name" in *"$pat"*) ;; *) return ;; esac
  start=$(date +%s)
  timeout -k 10 600 "$@" >"$log/out" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  # a CMocka binary exits 0 when its only non-passes are skip()s: it says
  # "[  SKIPPED ]"; that is a skip, not a pass
  if [ $rc -eq 0 ] && grep -q '^\[  SKIPPED \]' "$log/out"; then
    rc=77
  fi
  if [ $rc -eq 0 ]; then
    pass=$((pass+1)); echo "PASS  $name (${secs}s)"
  elif [ $rc -eq 77 ]; then
    skipped "$name" "$secs" "$(grep -m1 'SKIP' "$log/out" || tail -n1 "$log/out")"
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
