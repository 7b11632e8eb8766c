#!/bin/sh
# Bad usage gets a one-line error naming what is wrong, exit 2; --help exits 0.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
expect2() { # needle, args...
  needle=$1; shift
  "$HVSIM" "$@" >"$t/out" 2>"$t/err"; rc=$?
  [ $rc -eq 2 ] || fail "hvsim $*: exit $rc, want 2"
  [ "$(wc -l < "$t/err")" -le 3 ] || fail "hvsim $*: error longer than a few lines"
  grep -q -- "$needle" "$t/err" || fail "hvsim $*: error does not name '$needle': $(cat "$t/err")"
}
expect2 "--wait" run --wait sometimes
expect2 "bogus" run --relax bogus
expect2 "--opt" run --opt O9
expect2 "--frobnicate" run --frobnicate
expect2 "--runs" run --runs -3
expect2 "--hang-ms" run --hang-ms 0
expect2 "--runs" run --runs 0
expect2 "--seed" run --seed
expect2 "nope" nope
expect2 "no/such.hvs" run --scenario no/such.hvs
expect2 "pause" run --arch riscv64 --relax pause
expect2 "--shard" matrix --shard 3/2
expect2 "4096" matrix --shard 1/5000
expect2 "no/such.json: No such file" replay no/such.json
printf '{"verdict":' > "$t/bad.json"
expect2 "bad.json:1:11: " replay "$t/bad.json"
expect2 "--runs" matrix --runs many
expect2 "--jobs" matrix --jobs -1
"$HVSIM" --help >/dev/null || fail "hvsim --help"
"$HVSIM" run --help | grep -q -- "--wait" || fail "run --help lacks --wait"
"$HVSIM" matrix --help >/dev/null || fail "matrix --help"
pass "bad flags and values: exit 2 with a message naming them"
