#!/bin/sh
# riscv64 under qemu-user: Rust's spin_loop() emits nothing there, so the
# seed's loop (wait=plain, relax none and relax default) built by riscv64 gcc
# at -O2 hangs.  The verdict is HANG_STALE_READ judged within 5 s of the flag
# changing, and the PC sampled through qemu's gdbstub names the hv/ wait loop
# (hv/handler.c:LINE) exactly as a native run does.  Also checks the
# qemu-user label in --json and in the human output.
. "$(dirname "$0")/lib.sh"
for tool in qemu-riscv64 riscv64-linux-gnu-gcc; do
  command -v $tool >/dev/null 2>&1 || skip "foreign riscv64: $tool not installed (tools/deps.sh)"
done
want=$(wait_line)
[ -n "$want" ] || fail "foreign riscv64: wait loop not found in hv/handler.c"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
for relax in none default; do
  "$HVSIM" run --arch riscv64 --cc gcc --opt O2 --wait plain --relax $relax --json > "$t/out" 2>"$t/err"
  expect_hang "foreign riscv64 relax=$relax" $? "$t/out" "$t/err"
  case "$(jget "$t/out" "L[-1]['platform']")" in
    qemu-user:*"host's memory model"*) ;;
    *) fail "foreign riscv64: no qemu-user platform label in --json";;
  esac
done
"$HVSIM" run --arch riscv64 --cc gcc --opt O2 --wait plain --relax none > "$t/human" 2>&1
[ "$(grep -c '^platform: qemu-user' "$t/human")" = 1 ] || fail "foreign riscv64: human output lacks the platform line once"
# the side-by-side listing: riscv64's branch line is longer than its column,
# and the back-edge mark must survive the cut
grep -q '<== loop back: NO load inside *|' "$t/human" || fail "foreign riscv64: the side-by-side listing lost the back-edge mark"
pass "foreign riscv64 gcc -O2 plain relax none/default: HANG_STALE_READ at hv/handler.c:$want, judged in $lat ms, labelled qemu-user"
