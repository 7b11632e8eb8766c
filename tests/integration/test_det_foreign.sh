#!/bin/sh
# hvsim-test: long
# The deterministic engine on foreign builds: the instrumented aarch64,
# riscv64 and ppc64le participants run under qemu-user and pass the token
# with the native supervisor over the same memfd and futexes.  For each
# installed arch: plain -O2 is HANG_STALE_READ at the wait loop, -O0 passes;
# wake=nofence is LOST_WAKEUP under pct/tso within 100 executions and never
# under sc; the failure replays to a byte-identical trace; results carry the
# qemu-user label; det's default memory model is the arch's own (arm, riscv).  An arch whose tools are missing is left out (all missing: skip).
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
triple() { case $1 in ppc64le) echo powerpc64le;; *) echo "$1";; esac; }
done_archs=""
for a in aarch64 riscv64 ppc64le; do
  command -v "qemu-$a" >/dev/null 2>&1 && command -v "$(triple $a)-linux-gnu-gcc" >/dev/null 2>&1 || continue
  "$HVSIM" run --engine det --arch $a --opt O2 --wait plain --relax none --runs 100 --memory-model tso --json > "$t/h" 2>"$t/err"
  expect_hang "det $a plain -O2" $? "$t/h" "$t/err" nolat
  case "$(jget "$t/h" "L[-1]['platform']")" in
    qemu-user:*) ;;
    *) fail "det $a: no qemu-user platform label";;
  esac
  # by default a foreign build runs under its own architecture's model; the
  # reference (acquire wait) passes there
  want=tso; case $a in aarch64) want=arm;; riscv64) want=riscv;; esac
  "$HVSIM" run --engine det --arch $a --opt O2 --wait acquire --relax none --runs 3 --json > "$t/m" 2>"$t/err" ||
    fail "det $a acquire under its own model flagged: $(tail -n 2 "$t/err")"
  [ "$(jget "$t/m" "L[-1]['evidence'].get('memory_model')")" = $want ] || fail "det $a: default model is not $want"
  "$HVSIM" run --engine det --arch $a --opt O0 --wait plain --relax none --runs 30 --memory-model tso > "$t/o0" 2>&1 ||
    fail "det $a plain -O0 flagged: $(tail -n 2 "$t/o0")"
  "$HVSIM" run --engine det --arch $a --strategy pct --wake nofence --memory-model tso --runs 100 --json > "$t/f" 2>"$t/err"
  [ $? -eq 1 ] || fail "det $a nofence: no finding in 100 pct/tso executions"
  [ "$(jget "$t/f" "L[-1]['verdict']")" = LOST_WAKEUP ] || fail "det $a nofence: $(jget "$t/f" "L[-1]['verdict']")"
  "$HVSIM" run --engine det --arch $a --strategy pct --wake nofence --memory-model sc --runs 100 > "$t/sc" 2>&1 ||
    fail "det $a nofence under sc flagged: $(tail -n 2 "$t/sc")"
  tail -n 1 "$t/f" > "$t/one.json"
  for i in 0 1 2; do
    "$HVSIM" replay "$t/one.json" --trace "$t/tr$i.txt" > "$t/r$i" 2>&1
    grep -q "^LOST_WAKEUP" "$t/r$i" || fail "det $a replay $i: $(head -n 1 "$t/r$i")"
    cmp -s "$t/tr0.txt" "$t/tr$i.txt" || fail "det $a replay $i: trace differs"
  done
  done_archs="$done_archs $a"
done
[ -n "$done_archs" ] || skip "det foreign: no cross compiler + qemu-user installed (tools/deps.sh)"
pass "det engine under qemu-user ($done_archs ): plain -O2 hangs at hv/handler.c:$(wait_line), -O0 passes, nofence LOST_WAKEUP under tso only, replays identical"
