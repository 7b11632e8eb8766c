#!/bin/sh
# ppc64le under qemu-user (an opt-in architecture: `--arch ppc64le`, not in
# the default matrix).  Rust's spin_loop() emits nothing on powerpc64, so the
# seed's loop (plain, relax default) hangs at -O2 with gcc and clang: verdict
# HANG_STALE_READ naming hv/handler.c:LINE (PC through qemu-ppc64le's
# gdbstub, register 64), the listing marks the back edge with no load; the
# volatile fix passes; the loop oracle agrees; the qemu-user label is there.
. "$(dirname "$0")/lib.sh"
for tool in qemu-ppc64le powerpc64le-linux-gnu-gcc powerpc64le-linux-gnu-objdump; do
  command -v $tool >/dev/null 2>&1 || skip "foreign ppc64le: $tool not installed (tools/deps.sh test)"
done
want=$(wait_line)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
for cc in gcc clang; do
  "$HVSIM" run --arch ppc64le --cc $cc --opt O2 --wait plain --relax default --json > "$t/out" 2>"$t/err"
  expect_hang "ppc64le $cc" $? "$t/out" "$t/err"
  jget "$t/out" "L[-1]['evidence']['loop_disasm']" | grep "<== loop back: NO load inside" >/dev/null ||
    fail "ppc64le $cc: the listing does not mark the load-free back edge"
  case "$(jget "$t/out" "L[-1]['platform']")" in
    qemu-user:*"host's memory model"*) ;;
    *) fail "ppc64le $cc: no qemu-user platform label";;
  esac
  "$HVSIM" run --arch ppc64le --cc $cc --opt O2 --wait volatile --relax default --runs 5 > "$t/v" 2>&1 ||
    fail "ppc64le $cc: volatile flagged: $(tail -n 2 "$t/v")"
done
"$HVSIM" loops --arch ppc64le --cc gcc --opt O2 --wait plain --relax none --json > "$t/loops" 2>"$t/err"
[ $? -eq 1 ] || fail "ppc64le loops plain: want exit 1 (a register-only loop) $(cat "$t/err")"
[ "$(jget "$t/loops" "[o['has_shared_load'] for o in L if o['function'].startswith('wait_for_response')][0]")" = False ] ||
  fail "ppc64le loops: the oracle thinks the plain -O2 wait re-reads memory"
"$HVSIM" loops --arch ppc64le --cc gcc --opt O2 --wait volatile --relax none --json > "$t/loops" 2>"$t/err" ||
  fail "ppc64le loops: $(cat "$t/err")"
[ "$(jget "$t/loops" "[o['has_shared_load'] for o in L if o['function'].startswith('wait_for_response')][0]")" = True ] ||
  fail "ppc64le loops: the oracle thinks the volatile -O2 wait spins on registers"
pass "ppc64le (qemu-user) gcc+clang -O2 plain: HANG_STALE_READ at hv/handler.c:$want, back edge marked; volatile passes; oracle agrees"
