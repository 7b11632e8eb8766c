#!/bin/sh
# tests/integration/test_real_code_settings.sh — issue 18, scenario settings
# real code needs, with a daemon that starts like hvisor-tool's (need_wakeup
# = 1 and sleep before looking at the ring; 8-byte answers to 4-byte reads):
#   boot together      -> LOST_WAKEUP of hvsim's making (the guests trap first)
#   boot daemon-first  -> no LOST_WAKEUP; the 8-byte answer is a WRONG_VALUE
#                         that names the access size
#   + mask-by-size on  -> PASS, with the device's vendor id 0x48564953
. "$(dirname "$0")/test_byo_lib.inc"
cp "$ROOT"/tests/data/real_settings/* "$T/"
S=$T/settings.hvs
H="env HVSIM_BUILD_DIR=$T/cache $HV"
run() { cp "$ROOT/tests/data/real_settings/settings.hvs" "$S"; printf '%s\n' "$@" >>"$S"
        out=$($H run --scenario "$S" --runs 3 2>&1); rc=$?; }
run ""
[ $rc -eq 1 ] && echo "$out" | grep -q "^LOST_WAKEUP" ||
  fail "boot together: want LOST_WAKEUP (exit 1), got exit $rc: $(echo "$out" | head -2)"
run "boot daemon-first"
[ $rc -eq 1 ] && echo "$out" | grep -q "^WRONG_VALUE.*got 0xdead000048564953" &&
  echo "$out" | grep -q "mask-by-size on" ||
  fail "daemon-first, unmasked: want WRONG_VALUE naming mask-by-size, got exit $rc: $(echo "$out" | head -3)"
run "boot daemon-first" "mask-by-size on"
[ $rc -eq 0 ] && echo "$out" | grep -q "3 PASS" ||
  fail "daemon-first + mask-by-size: want 3 PASS, got exit $rc: $(echo "$out" | head -3)"
no_leftovers "$T/cache"
pass "boot together LOST_WAKEUP; daemon-first + 8-byte answers WRONG_VALUE naming mask-by-size; + mask-by-size on PASS"
