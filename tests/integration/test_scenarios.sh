#!/bin/sh
# Every bundled scenario's expectations hold (TAP from `hvsim test`), and a
# broken scenario is rejected with file:line:col, exit 2.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$HVSIM" test > "$t/tap" 2>"$t/err" || fail "hvsim test: $(grep '^not ok' "$t/tap" | head -3) $(cat "$t/err")"
n=$(grep -c '^ok ' "$t/tap")
printf 'name broken\ncpus 2\ncpu 0: read dev0.magic sise 4\n' > "$t/bad.hvs"
"$HVSIM" test "$t/bad.hvs" > "$t/out" 2>"$t/err"; rc=$?
[ $rc -eq 2 ] || fail "broken scenario: exit $rc"
grep -q "bad.hvs:3:[0-9]*:" "$t/err" || fail "broken scenario: no file:line:col in: $(cat "$t/err")"
pass "$n bundled scenarios as expected; a broken one is rejected at its line"
