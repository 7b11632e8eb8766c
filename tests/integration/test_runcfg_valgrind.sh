#!/bin/sh
# The config's heap parts (sim/config/runcfg_mem.c, issue 19) under valgrind:
# the unit tests that fill, copy, clear and free configurations (every list
# filled, 20 files, 100 rules, the region limit) have no invalid access and
# leak nothing (definite or indirect).  ASan runs them too (make check-asan).
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null 2>&1 || skip "valgrind is not installed"
B=${BUILD:-build}/tests
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
for u in test_runcfg_mem test_scenario test_code_record; do
  [ -x "$B/$u" ] || skip "$B/$u not built (make unit)"
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect "$B/$u" >"$t/out" 2>&1
  rc=$?
  [ $rc -eq 0 ] || fail "$u under valgrind: exit $rc: $(grep -m3 -E '==[0-9]+== [A-Z]|FAILED' "$t/out")"
done
pass "runcfg copy/clear/free, scenario and code-record tests: valgrind clean (no error, no leak)"
