#!/bin/sh
# The fix holds under qemu-user: wait=volatile and wait=acquire with relax
# none pass on aarch64 and riscv64 (gcc, -O2 and -O3), a few seeds each:
# region sharing, futex wakeups across the emulator boundary and the seeded
# delays all work, and the watchdog gives no false verdict.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
n=0; archs=""
for a in aarch64 riscv64; do
  command -v qemu-$a >/dev/null 2>&1 && command -v $a-linux-gnu-gcc >/dev/null 2>&1 || continue
  archs="$archs $a"
  for w in volatile acquire; do
    for o in O2 O3; do
      "$HVSIM" run --arch $a --cc gcc --opt $o --wait $w --relax none --runs 4 --seed 11 --keep-going > "$t/out" 2>&1 ||
        fail "foreign $a $w -$o: $(grep -v '^platform' "$t/out" | head -n 3)"
      grep -q ' 4 PASS$' "$t/out" || fail "foreign $a $w -$o: $(tail -n 1 "$t/out")"
      n=$((n+4))
    done
  done
done
[ -n "$archs" ] || skip "foreign: no qemu-user + cross gcc installed (tools/deps.sh)"
pass "foreign volatile/acquire pass:$archs, $n runs, 0 false verdicts"
