#!/bin/sh
# Regression tests for the fixed-size tables behind the command line (issue
# 20): every one of these was silently cut, overflowed or refused before.
#   matrix --jobs 17             was exit 3 "could not start build workers" (pids[16])
#   matrix, 9 and 40 --scenario  overflowed defs[8] / dropped scenarios past 32
#   matrix, 8 long -I paths      underflowed the reproduce command's size
#   run --cflags, 61 words       words past the 31st were dropped
#   run, 20 --hv files           overflowed the build's table of 16 (issue 19)
#   run/matrix --cflags > 255 B  was cut, then refused; now kept whole (issue 19)
#   test DIR                     was "read error" / not ok; now every *.hvs in it
#   HVSIM_BUILD_DIR > 512 B      the cache path was cut; now exit 2 naming it
# Cheap: no_device and seed_hang at -O0 with volatile waits run in well under
# a second each, and builds are cached.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
small="--cc gcc --opt O0 --wait volatile --runs 1 --no-compare"
ncells() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['cells']))" "$1"; }

# --jobs beyond the old table of 16 workers
"$HVSIM" matrix --scenario scenarios/seed_hang.hvs $small --jobs 17 --out "$t/j" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || fail "matrix --jobs 17: exit $rc ($(tail -n1 "$t/err"))"
"$HVSIM" matrix --scenario scenarios/seed_hang.hvs $small --jobs 100 --out "$t/j" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || fail "matrix --jobs 100: exit $rc ($(tail -n1 "$t/err"))"

# 40 distinct scenarios (distinct names, so no cell is a duplicate of another)
args=""
for i in $(seq 1 40); do
  sed "s/^name .*/name limit_$i/" scenarios/no_device.hvs >"$t/s$i.hvs"
  args="$args --scenario $t/s$i.hvs"
  [ $i -eq 9 ] && nine=$args
done
"$HVSIM" matrix $nine $small --out "$t/m9" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || fail "matrix with 9 --scenario: exit $rc ($(tail -n1 "$t/err"))"
[ "$(ncells "$t/m9/report.json")" = 9 ] || fail "9 scenarios gave $(ncells "$t/m9/report.json") cells"
"$HVSIM" matrix $args $small --out "$t/m40" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || fail "matrix with 40 --scenario: exit $rc ($(tail -n1 "$t/err"))"
[ "$(ncells "$t/m40/report.json")" = 40 ] || fail "40 scenarios gave $(ncells "$t/m40/report.json") cells"
# the 40th is read too: a broken one must stop the matrix (it used to be dropped)
echo "bogus line" >"$t/s40.hvs"
"$HVSIM" matrix $args $small --out "$t/bad" 2>"$t/err"; rc=$?
[ $rc -eq 2 ] || fail "a broken 40th scenario: exit $rc, want 2"
grep -q "s40.hvs:1:" "$t/err" || fail "a broken 40th scenario is not named: $(cat "$t/err")"

# eight -I directories of ~210 characters each: the reproduce command holds all
long=$t/$(printf '%0200d' 0 | tr 0 d)
inc=""
for i in 1 2 3 4 5 6 7 8; do mkdir -p "$long$i"; inc="$inc -I $long$i"; done
"$HVSIM" matrix --scenario scenarios/no_device.hvs $small $inc --cflags -DHVSIM_LIMITS=1 \
  --out "$t/li" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || fail "matrix with 8 long -I: exit $rc ($(tail -n1 "$t/err"))"
python3 - "$t/li/report.json" "$long" <<'PY' || fail "reproduce command with long -I paths"
import json, sys
cmd = json.load(open(sys.argv[1]))['cells'][0]['command']
want = ''.join(' -I %s%d' % (sys.argv[2], i) for i in range(1, 9)) + " --cflags '-DHVSIM_LIMITS=1'"
if want not in cmd: sys.exit("command lacks the -I list and --cflags: ..." + cmd[-120:])
PY

# every --cflags word reaches the compiler: the 62nd makes the build fail
words=$(printf ' -w%.0s' $(seq 1 60))
"$HVSIM" run --opt O0 --wait volatile --cflags "$words -include /nonexistent/hvsim_last_word.h" \
  >"$t/out" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--cflags with 62 words: exit $rc, want 2 (build failure on the last word)"
grep -q "hvsim_last_word.h" "$t/out" || fail "the last --cflags word did not reach the compiler: $(tail -n2 "$t/out")"

# --cflags longer than the old 255-byte field: kept whole (a heap string since
# issue 19), so its last word reaches the compiler
big=$(printf -- '-DX%.0s ' $(seq 1 80))
"$HVSIM" run --opt O0 --wait volatile --cflags "$big -include /nonexistent/hvsim_long_last.h" \
  >"$t/out" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--cflags of ${#big}+ bytes: exit $rc, want 2 (build failure on the last word)"
grep -q "hvsim_long_last.h" "$t/out" || fail "the end of a long --cflags was lost: $(tail -n2 "$t/out")"

# 20 --hv files (the build's table held 16; issue 19): all compiled and linked
hvargs="--hv $PWD/hv/handler.c --hv $PWD/hv/result.c"
for i in $(seq 1 18); do
  echo "int hvsim_limit_extra_$i(void) { return $i; }" >"$t/x$i.c"; hvargs="$hvargs --hv $t/x$i.c"
done
"$HVSIM" run $hvargs --opt O0 --wait volatile --runs 1 >"$t/out" 2>&1; rc=$?
[ $rc -eq 0 ] || fail "run with 20 --hv files: exit $rc ($(tail -n2 "$t/out"))"
grep -q "^PASS" "$t/out" || fail "run with 20 --hv files: $(tail -n2 "$t/out")"

# hvsim test DIR: every *.hvs in it, sorted; a directory without any is exit 2
mkdir "$t/dir" "$t/empty"
cp scenarios/seed_hang.hvs "$t/dir/b.hvs"; cp scenarios/no_device.hvs "$t/dir/a.hvs"
echo "not a scenario" >"$t/dir/notes.txt"
"$HVSIM" test "$t/dir" --opt O0 >"$t/tap" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || fail "hvsim test DIR: exit $rc ($(cat "$t/tap" "$t/err" | tail -n3))"
got=$(grep -v '^TAP' "$t/tap" | sed 's/: .*//' | tr '\n' ' ')
[ "$got" = "1..2 ok 1 - no_device ok 2 - seed_hang " ] || fail "hvsim test DIR printed: $got"
"$HVSIM" test "$t/empty" >"$t/tap" 2>"$t/err"; rc=$?
[ $rc -eq 2 ] || fail "hvsim test EMPTYDIR: exit $rc, want 2"
grep -q "no \*.hvs scenario files" "$t/err" || fail "hvsim test EMPTYDIR: $(cat "$t/err")"
# a build dir whose cache entry path cannot fit: an error, not a cut path
long="$t/$(printf 'a%.0s' $(seq 1 200))/$(printf 'b%.0s' $(seq 1 200))/$(printf 'c%.0s' $(seq 1 100))"
HVSIM_BUILD_DIR="$long" "$HVSIM" run --scenario scenarios/no_device.hvs --cc gcc --opt O0 --runs 1 \
  >/dev/null 2>"$t/err"; rc=$?
[ $rc -eq 2 ] || fail "HVSIM_BUILD_DIR of 520 bytes: exit $rc, want 2 ($(tail -n1 "$t/err"))"
grep -q "build directory path too long" "$t/err" || fail "HVSIM_BUILD_DIR of 520 bytes: $(cat "$t/err")"
pass "--jobs 17/100, 9 and 40 scenarios, 8 long -I paths, 62 --cflags words, long --cflags kept whole, 20 --hv files, test DIR, long build dir refused"
