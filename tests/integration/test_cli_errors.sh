#!/bin/sh
# Bad usage gets a one-line error naming what is wrong, exit 2; --help exits 0.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
expect2() { # needle, args...
  needle=$1; shift
  "$HVSIM" "$@" >"$t/out" 2>"$t/err"; rc=$?
  [ $rc -eq 2 ] || fail "hvsim $*: exit $rc, want 2"
  [ "$(wc -l < "$t/err")" -le 3 ] || fail "hvsim $*: error longer than a few lines"
  grep -q -- "$needle" "$t/err" || fail "hvsim $*: error does not name '$needle': $(cat "$t/err")"
}
expect2 "--wait" run --wait sometimes
expect2 "bogus" run --relax bogus
expect2 "--opt" run --opt O9
expect2 "--frobnicate" run --frobnicate
expect2 "--runs" run --runs -3
expect2 "--hang-ms" run --hang-ms 0
expect2 "--runs" run --runs 0
expect2 "--seed" run --seed
expect2 "nope" nope
expect2 "no/such.hvs" run --scenario no/such.hvs
expect2 "pause" run --arch riscv64 --relax pause
expect2 "--shard" matrix --shard 3/2
expect2 "4096" matrix --shard 1/5000
expect2 "no/such.json: No such file" replay no/such.json
printf '{"verdict":' > "$t/bad.json"
expect2 "bad.json:1:11: " replay "$t/bad.json"
expect2 "--runs" matrix --runs many
expect2 "--jobs" matrix --jobs -1
# expect2x MESSAGE MAXSECS args...: exit 2, stderr exactly MESSAGE, within
# MAXSECS (an output path or a user file is checked before any build or run)
expect2x() {
  want=$1; max=$2; shift 2
  t0=$(date +%s)
  "$HVSIM" "$@" >"$t/out" 2>"$t/err"; rc=$?
  secs=$(( $(date +%s) - t0 ))
  [ $rc -eq 2 ] || fail "hvsim $*: exit $rc, want 2 ($(head -n 3 "$t/err"))"
  [ "$(cat "$t/err")" = "$want" ] || fail "hvsim $*: stderr is '$(cat "$t/err")', want '$want'"
  [ $secs -le "$max" ] || fail "hvsim $*: took ${secs}s before refusing (max $max)"
}
# output paths that cannot be written: refused first, with the path and strerror
nodir="No such file or directory"
expect2x "hvsim matrix: --out /proc/forbidden: cannot create the directory: $nodir" 5 matrix --out /proc/forbidden
expect2x "hvsim matrix: --out /etc/passwd/x: cannot create the directory: Not a directory" 5 matrix --out /etc/passwd/x
expect2x "hvsim bench: --out /proc/forbidden: cannot create the directory: $nodir" 5 bench --quick --out /proc/forbidden
expect2x "hvsim run: --trace /proc/forbidden/t.txt: $nodir" 5 run --engine det --trace /proc/forbidden/t.txt
expect2x "hvsim run: --chrome-trace $t: Is a directory" 5 run --engine det --chrome-trace "$t"
expect2x "hvsim test: --trace /proc/forbidden/t.txt: $nodir" 5 test --trace /proc/forbidden/t.txt
printf '{"verdict":"LOST_WAKEUP","evidence":{"schedule":"det1:"}}\n' > "$t/f.json"
expect2x "hvsim replay: --emit-test /proc/forbidden/t.c: $nodir" 5 replay "$t/f.json" --emit-test /proc/forbidden/t.c
expect2x "hvsim replay: --trace /proc/forbidden/t.txt: $nodir" 5 replay "$t/f.json" --trace /proc/forbidden/t.txt
expect2x "report: --out /proc/forbidden: cannot create the directory: $nodir" 5 report "$(dirname "$0")/../data/report_sample.json" --out /proc/forbidden
expect2x "merge: -o /proc/forbidden/m.json: $nodir" 5 merge -o /proc/forbidden/m.json "$(dirname "$0")/../data/report_sample.json"
expect2x "merge: --out /etc/passwd: Not a directory" 5 merge -o "$t/m.json" --out /etc/passwd "$(dirname "$0")/../data/report_sample.json"
[ -e "$t/m.json" ] && fail "merge -o: the check left $t/m.json behind"
# the check leaves no directory behind (a matrix whose code does not build writes no reports)
expect2x "hvsim matrix: --hv /etc/passwd: not a C source file (a FILE.c is expected)" 5 matrix --out "$t/new/rep" --hv /etc/passwd
[ -e "$t/new" ] && fail "matrix --out: the check left $t/new behind"
# the user's code: what is not a C source / library is named with its option;
# the build cache's paths never show
expect2x "hvsim run: --hv /etc/passwd: not a C source file (a FILE.c is expected)" 5 run --hv /etc/passwd
expect2x "hvsim run: --backend /etc/passwd: not a C source file (a FILE.c is expected)" 5 run --backend /etc/passwd
expect2x "hvsim run: --hv-lib /etc/passwd: not a static library or object file (an ar archive FILE.a is expected)" 5 run --hv-lib /etc/passwd
expect2x "hvsim matrix: --backend-lib /etc/passwd: not a static library or object file (an ar archive FILE.a is expected)" 5 matrix --backend-lib /etc/passwd
expect2x "hvsim loops: --hv /etc/passwd: not a C source file (a FILE.c is expected)" 5 loops --hv /etc/passwd
printf 'name badsrc\nbackend-lib /etc/passwd\n' > "$t/bad.hvs"
expect2x "$t/bad.hvs:2:13: backend-lib '/etc/passwd': not a static library or object file (an ar archive FILE.a is expected)
backend-lib /etc/passwd
            ^" 5 run --scenario "$t/bad.hvs"
# a link failure in the user's code names their file, not an object in the cache
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$t/dup"; cp "$root"/hv/handler.c "$root"/hv/result.c "$root"/hv/variants.h "$t/dup/"
echo 'int main(void) { return 0; }' >> "$t/dup/result.c"
"$HVSIM" run --hv "$t/dup/handler.c" --hv "$t/dup/result.c" >"$t/out" 2>"$t/err"; rc=$?
[ $rc -eq 2 ] || fail "run --hv with a second main(): exit $rc, want 2"
grep -q "multiple definition of .main'; $t/dup/result.c:" "$t/err" || fail "link error does not name result.c: $(cat "$t/err")"
grep -q 'cache\|\.tmp\.\|hv[0-9]*\.o' "$t/err" && fail "link error shows the build cache: $(cat "$t/err")"
"$HVSIM" --help >/dev/null || fail "hvsim --help"
"$HVSIM" run --help | grep -q -- "--wait" || fail "run --help lacks --wait"
"$HVSIM" matrix --help >/dev/null || fail "matrix --help"
pass "bad flags, values, output paths and user files: exit 2 with a message naming them, before any build"
