#!/bin/sh
# aarch64 under qemu-user: wait=plain relax=none at -O2 hangs with the
# aarch64 gcc (and clang --target=aarch64, when installed): HANG_STALE_READ,
# judged within 5 s of the flag changing, the gdbstub-sampled PC symbolised
# offline to the hv/ wait loop.  relax=default (isb, Rust's spin_loop there)
# passes.  The --json platform field carries the qemu-user label.
. "$(dirname "$0")/lib.sh"
for tool in qemu-aarch64 aarch64-linux-gnu-gcc; do
  command -v $tool >/dev/null 2>&1 || skip "foreign aarch64: $tool not installed (tools/deps.sh)"
done
want=$(wait_line)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
ccs=gcc; command -v clang >/dev/null 2>&1 && ccs="gcc clang"
maxlat=0
for cc in $ccs; do
  "$HVSIM" run --arch aarch64 --cc $cc --opt O2 --wait plain --relax none --json > "$t/out" 2>"$t/err"
  expect_hang "foreign aarch64 $cc" $? "$t/out" "$t/err"
  [ "$lat" -gt "$maxlat" ] && maxlat=$lat
  case "$(jget "$t/out" "L[-1]['platform']")" in
    qemu-user:*) ;;
    *) fail "foreign aarch64 $cc: no qemu-user platform label in --json";;
  esac
done
"$HVSIM" run --arch aarch64 --cc gcc --opt O2 --wait plain --relax default --runs 2 > "$t/isb" 2>&1 ||
  fail "foreign aarch64 relax=default (isb) should pass: $(tail -n 2 "$t/isb")"
pass "foreign aarch64 -O2 plain/none ($ccs): HANG_STALE_READ at hv/handler.c:$want within $maxlat ms; relax default (isb) passes"
