#!/bin/sh
# tests/integration/test_port_hvisor.sh — issue 18: `hvsim port` with
# hand-written files of the real code's shape (tests/data/port_hvisor: a
# trampoline with hvisor's module paths and its wait loop — counter, a log
# every MAX_WAIT_TIMES, no spin hint, cfg_flags[cpu_id] read twice through one
# &[u64] — and a daemon with hvisor-tool's kernel-module calls), unchanged:
#   pre-fix trampoline + hvisor-tool daemon: opt-level 0 PASS; 1, 2, 3, s
#     HANG_STALE_READ at virtio_trampoline.rs in the wait loop, "the loop has
#     no exit", each labelled "rustc VERSION opt-level=N"
#   the same file with read_volatile (the upstream fix): PASS at every level
#   the daemon alone against hvsim's handler: PASS
#   a library for another machine (--arch riscv64 --hv-lib x86.a): one line, exit 2
# Skips only when rustc is not installed.
. "$(dirname "$0")/test_byo_lib.inc"
command -v rustc >/dev/null 2>&1 || skip "rustc is not installed (hvisor's trampoline is Rust)"
ver=$(rustc --version | cut -d' ' -f2)
D=$ROOT/tests/data/port_hvisor
export HVSIM_BUILD_DIR=$T/cache
mkdir -p "$T/plain/src/device" "$T/fixed/src/device"
cp "$D/hvisor/src/device/virtio_trampoline.rs" "$T/plain/src/device/"
# the upstream fix: two lines, the wait and the value, become volatile reads
sed -e 's/while cfg_flags\[cpu_id\] == old_cfg_flag {/while unsafe { core::ptr::read_volatile(\&cfg_flags[cpu_id]) } == old_cfg_flag {/' \
    -e 's/mmio.value = cfg_values\[cpu_id\] as usize;/mmio.value = unsafe { core::ptr::read_volatile(\&cfg_values[cpu_id]) } as usize;/' \
    "$D/hvisor/src/device/virtio_trampoline.rs" >"$T/fixed/src/device/virtio_trampoline.rs"
[ "$(grep -c read_volatile "$T/fixed/src/device/virtio_trampoline.rs")" -eq 2 ] || fail "the fix did not apply to the test trampoline"
loop_first=$(grep -n 'while cfg_flags\[cpu_id\] == old_cfg_flag' "$D/hvisor/src/device/virtio_trampoline.rs" | cut -d: -f1)

out=$($HV port hvisor "$T/plain" --tool "$D/hvisor-tool" --runs 1 --keep "$T/libs" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "pre-fix trampoline: exit $rc, want 1: $(echo "$out" | tail -8)"
row() { echo "$out" | grep "^| rustc $ver opt-level=$1 |"; }
row 0 | grep -q "| PASS |" || fail "opt-level 0 is not PASS: $(row 0) $(echo "$out" | tail -8)"
for o in 1 2 3 s; do
  r=$(row $o)
  echo "$r" | grep -q "| HANG_STALE_READ | .*virtio_trampoline.rs:[0-9]* | the loop has no exit |" ||
    fail "opt-level $o: want HANG_STALE_READ at virtio_trampoline.rs with 'the loop has no exit', got: ${r:-no row}
$(echo "$out" | tail -8)"
  line=$(echo "$r" | sed 's/.*virtio_trampoline.rs:\([0-9]*\).*/\1/')
  [ "$line" -ge "$loop_first" ] && [ "$line" -le $((loop_first + 10)) ] ||
    fail "opt-level $o: the hang is at line $line, not in the wait loop (lines $loop_first..$((loop_first + 10)))"
done
echo "$out" | grep -q "gcc -O" && fail "a Rust library is labelled with gcc: $(echo "$out" | grep 'gcc -O')"
echo "$out" | grep -q "_ZN" && fail "a mangled Rust name in the evidence: $(echo "$out" | grep -m1 _ZN)"
echo "$out" | grep -q "The library as built: rustc $ver opt-level=2; the loop at .*virtio_trampoline.rs:[0-9]* has no exit" ||
  fail "the evidence does not name the library's build and its no-exit loop: $(echo "$out" | grep -m1 'library as built')"

out=$($HV port hvisor "$T/fixed" --tool "$D/hvisor-tool" --runs 1 2>&1); rc=$?
[ $rc -eq 0 ] || fail "fixed trampoline: exit $rc, want 0 (PASS at every level): $(echo "$out" | tail -8)"
[ "$(echo "$out" | grep -c "^| rustc $ver opt-level=[0123s] | PASS |")" -eq 5 ] ||
  fail "fixed trampoline: want 5 PASS rows: $(echo "$out" | tail -7)"

out=$($HV port hvisor-tool "$D/hvisor-tool" --runs 3 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "3 PASS" || fail "hvisor-tool daemon alone: exit $rc: $(echo "$out" | tail -3)"

out=$($HV run --arch riscv64 --hv-lib "$T/libs/O2/libhvisor_port.a" 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(echo "$out" | grep -c .)" -eq 1 ] && echo "$out" | grep -q "built for x86_64, this run is for riscv64" ||
  fail "--arch riscv64 with an x86_64 library: exit $rc, want one line and exit 2: $(echo "$out" | head -3)"
no_leftovers "$T/cache"
pass "rustc $ver: pre-fix opt-level 0 PASS, 1/2/3/s HANG (no exit) at virtio_trampoline.rs:$line; fixed PASS at 0/1/2/3/s; hvisor-tool daemon PASS; foreign library one line"
