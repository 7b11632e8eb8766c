#!/bin/sh
# tests/integration/test_byo_install.sh — issue 10 acceptance: a handler
# written in a temporary directory outside the tree, against the INSTALLED
# header (make install PREFIX=tmp), runs with the installed hvsim (HVSIM_HOME
# unset) in `run` (native, and det/tsan/helgrind when this hvsim has them) and
# in `matrix --hv … --cc gcc --opt O0,O2 --wait …`, with no change to hvsim.
. "$(dirname "$0")/test_byo_lib.inc"
P=$T/prefix; W=$T/work; C=$T/cache
mkdir -p "$W"
install_to "$P"
for f in bin/hvsim include/hvsim/platform.h include/hvsim/bridge.h include/hvsim/virtio_mmio.h \
         lib/pkgconfig/hvsim.pc share/man/man1/hvsim.1 share/hvsim/sim/runtime/native/hv_main.c \
         share/hvsim/hv/handler.c share/hvsim/backend/daemon.c share/hvsim/scenarios/seed_hang.hvs \
         share/hvsim/sim/include/hvsim/platform.h; do
  [ -e "$P/$f" ] || fail "make install did not install $f"
done
if command -v pkg-config >/dev/null 2>&1; then
  v=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --variable=platform_version hvsim)
  [ "$v" = 3 ] || fail "hvsim.pc: platform_version is '$v', not 3"
fi
write_handler "$W/my_handler.c"
# it compiles on its own against the installed header (what the user's editor sees)
cc -std=gnu11 -Wall -Wextra -Werror -I"$P/include" -c "$W/my_handler.c" -o "$W/my_handler.o" ||
  fail "the handler does not compile against the installed header"
cat >"$W/mine.hvs" <<'EOS'
name mine
hv my_handler.c
cpus 1
runs 2  seed 1
hang 300ms  timeout 5s
delay be_before_answer 0..2ms every 2
cpu 0: read dev0.config+0 size 4 repeat 10
cpu 0: read dev1.magic repeat 3
cpu 0: notify dev0 queue 0 repeat 2
expect PASS|DATA_RACE when engine=tsan,helgrind
expect PASS
EOS
sums() { (cd "$P" && find bin include share -type f -exec md5sum {} + | sort | md5sum); }
before=$(sums)
cd "$W"
H="env -u HVSIM_HOME HVSIM_BUILD_DIR=$C $P/bin/hvsim"
out=$($H run --hv my_handler.c 2>&1) || fail "installed run --hv (native): $out"
[ "$(echo "$out" | head -n1 | cut -d' ' -f1)" = PASS ] || fail "no PASS from run --hv: $out"
out=$($H run --scenario mine.hvs 2>&1) || fail "installed run --scenario (hv statement): $out"
ls "$C"/cache/ | grep -q . || fail "nothing built under HVSIM_BUILD_DIR=$C"
engines=native
# What each engine must say about this handler, measured (gcc 12, x86_64):
# det explores 100 schedules and finds nothing: PASS, exit 0.  ThreadSanitizer
# and Helgrind report the one real C11 data race in it: the READ_ONCE
# (volatile, not atomic) read of need_wakeup against the daemon's atomic
# write: DATA_RACE naming need_wakeup and that line, exit 1.
race_line=$(grep -n 'READ_ONCE(b->need_wakeup)' my_handler.c | cut -d: -f1)
for e in det tsan helgrind; do
  out=$($H run --scenario mine.hvs --engine $e --runs 1 2>&1); rc=$?
  v=$(echo "$out" | head -n1 | cut -d' ' -f1)
  case $e in
    det) [ $rc -eq 0 ] && [ "$v" = PASS ] ||
           fail "run --engine det on a correct handler: exit $rc, '$v', want PASS and 0: $(echo "$out" | head -3)" ;;
    *) [ $rc -eq 1 ] && [ "$v" = DATA_RACE ] ||
         fail "run --engine $e: exit $rc, '$v', want DATA_RACE and 1: $(echo "$out" | head -3)"
       echo "$out" | head -n1 | grep -q "data race on need_wakeup: [^ ]*my_handler.c:$race_line " ||
         fail "run --engine $e: the race is not need_wakeup at my_handler.c:$race_line: $(echo "$out" | head -1)" ;;
  esac
  engines="$engines $e:$v"
done
out=$($H matrix --hv my_handler.c --scenario mine.hvs --cc gcc --opt O0,O2 --wait plain,volatile \
      --out "$T/rep" 2>&1) || fail "installed matrix --hv: $(echo "$out" | tail -5)"
[ -f "$T/rep/report.json" ] || fail "matrix wrote no report.json"
# 4 cells (the user's handler ignores --wait, so all four are PASS)
n=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['cells']; print('%d/%d' % (sum(x['verdict']=='PASS' for x in c), len(c)))" "$T/rep/report.json")
[ "$n" = 4/4 ] || fail "matrix: want 4 cells, all PASS; PASS/cells = $n"
no_leftovers "$C"
[ "$before" = "$(sums)" ] || fail "the installed hvsim changed while running user code"
pass "installed hvsim ran a handler from $W (engines: $engines; matrix gcc O0,O2 × plain,volatile: $n cells PASS)"
