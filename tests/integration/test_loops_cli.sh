#!/bin/sh
# `hvsim loops`: the plain wait at -O2 is a register-only loop in
# wait_for_response (exit 1); the volatile wait keeps its load (exit 0 for
# that loop), for gcc and clang.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
for cc in gcc clang; do
  "$HVSIM" loops --cc $cc --opt O2 --wait plain --relax none --json > "$t/p"; rc=$?
  [ $rc -eq 1 ] || fail "$cc plain: exit $rc"
  r=$(jget "$t/p" "[o['register_only'] for o in L if o['function'].startswith('wait_for_response')]")
  [ "$r" = "[True]" ] || fail "$cc plain: wait_for_response loops: $r"
  f=$(jget "$t/p" "[o['file'] for o in L if o['register_only']][0]")
  [ "$f" = hv/handler.c ] || fail "$cc plain: file $f"
  "$HVSIM" loops --cc $cc --opt O2 --wait volatile --relax none --json > "$t/v"
  r=$(jget "$t/v" "[o['has_shared_load'] for o in L if o['function'].startswith('wait_for_response')]")
  [ "$r" = "[True]" ] || fail "$cc volatile: wait_for_response loops: $r"
done
"$HVSIM" loops --binary /nonexistent 2>"$t/e"; [ $? -eq 2 ] || fail "missing binary: not exit 2"
pass "loops: plain -O2 register-only in wait_for_response (gcc, clang); volatile keeps its load"
