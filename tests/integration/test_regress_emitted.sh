#!/bin/sh
# Every emitted regression test in tests/regress/ (from `hvsim replay
# FAILURE.json --emit-test`) fails on the buggy variant it was emitted from
# and passes on the fix named in its .fix file (HVSIM_REGRESS_ARGS).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
n=0
for src in tests/regress/*.c; do
  [ -f "$src" ] || continue
  fix=$(sed -n 's/^# *fix: *//p' "${src%.c}.fix" 2>/dev/null)
  [ -n "$fix" ] || fail "$src: no ${src%.c}.fix with a '# fix: ARGS' line"
  gcc -o "$t/t" "$src" -lcmocka || fail "$src does not compile"
  HVSIM="$HVSIM" "$t/t" >"$t/out" 2>&1 && fail "$src passed on the buggy variant"
  HVSIM="$HVSIM" HVSIM_REGRESS_ARGS="$fix" "$t/t" >"$t/out" 2>&1 || fail "$src failed with the fix ($fix): $(tail -3 "$t/out")"
  n=$((n+1))
done
[ $n -gt 0 ] || skip "no emitted regression tests"
pass "$n emitted regression test(s): fail on the bug, pass on the fix"
