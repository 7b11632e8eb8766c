#!/bin/sh
# tests/integration/test_byo_errors.sh — issue 10 acceptance: the user's
# handler (outside the tree, installed hvsim) broken two ways — a syntax
# error, a missing entry point — gives a clear message (the compiler's own
# file:line; one line naming the entry point), exit 2, in `run` and in
# `matrix`, and leaves nothing behind (no cache/*.tmp* dir, no process).
. "$(dirname "$0")/test_byo_lib.inc"
P=$T/prefix; W=$T/work; C=$T/cache
mkdir -p "$W" "$C"
install_to "$P"
cd "$W"
H="env -u HVSIM_HOME HVSIM_BUILD_DIR=$C $P/bin/hvsim"
write_handler good.c

# 1. syntax error at a known line
sed 's/return READ_ONCE(b->cfg_values\[cpu\]);/return READ_ONCE(b->cfg_values[cpu])/' good.c >syntax.c
line=$(grep -n 'return READ_ONCE(b->cfg_values\[cpu\])$' syntax.c | cut -d: -f1)
[ -n "$line" ] || fail "could not break the file"
for cmd in "run --hv syntax.c" "matrix --hv syntax.c --cc gcc --opt O0,O2 --out $T/rep1"; do
  out=$($H $cmd 2>&1); rc=$?
  [ $rc -eq 2 ] || fail "$cmd: exit $rc, want 2: $out"
  echo "$out" | grep -q "syntax.c:$((line + 1)):\|syntax.c:$line:" ||
    fail "$cmd: the compiler's syntax.c:$line is not shown: $out"
  echo "$out" | grep -q "error" || fail "$cmd: no compiler error text: $out"
  no_leftovers "$C"
done

# 2. missing entry point: hv_finish_req removed
sed '/^void hv_finish_req(void)/,$d' good.c >noentry.c
for cmd in "run --hv noentry.c" "matrix --hv noentry.c --cc gcc --opt O0,O2 --out $T/rep2"; do
  out=$($H $cmd 2>&1); rc=$?
  [ $rc -eq 2 ] || fail "$cmd: exit $rc, want 2: $out"
  [ "$(echo "$out" | grep -c .)" -eq 1 ] || fail "$cmd: want ONE line, got: $out"
  echo "$out" | grep -q "does not define hv_finish_req (see <hvsim/platform.h>)" ||
    fail "$cmd: the message does not name hv_finish_req: $out"
  no_leftovers "$C"
done

# 3. a daemon without backend_run, and a scenario naming a missing file
echo 'int not_a_daemon;' >nodaemon.c
out=$($H run --backend nodaemon.c 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "does not define backend_run" ||
  fail "run --backend without backend_run: exit $rc: $out"
printf 'hv missing.c\n' >bad.hvs
out=$($H run --scenario bad.hvs 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "bad.hvs:1:4: hv 'missing.c'" ||
  fail "scenario naming a missing file: exit $rc: $out"
no_leftovers "$C"
[ -d "$T/rep1" ] || [ -d "$T/rep2" ] && fail "matrix wrote reports although the code did not build"
pass "syntax error -> compiler's syntax.c:$line, missing hv_finish_req/backend_run -> one line; exit 2 in run and matrix; nothing left behind"
