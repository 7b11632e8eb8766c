#!/bin/sh
# hvsim-test: long
# test_fuzz_short.sh — a short libFuzzer run (~5 s each, FUZZ_SECS) of every
# fuzz target from its committed corpus (tests/fuzz/corpus_NAME): the scenario
# parser, the report.json readers, the run-result/replay reader.  New inputs go
# to a temp dir, never into the committed corpus; a crash leaves its input in
# build/fuzz/crash-NAME-* and fails the test.  Skips (77) only without clang's
# libFuzzer.  The seed is fixed (FUZZ_SEED, default 1) so a CI run explores
# the same inputs each time; long runs with other seeds: docs/reliability.md.
secs=${FUZZ_SECS:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-short.XXXXXX")
trap 'rm -rf "$W"' EXIT
# Skip only when the fuzzer toolchain itself is missing: no clang, or a clang
# that cannot link an empty libFuzzer target (libclang-rt-14-dev).  Once an
# empty target links, `make fuzz` failing is our bug (a compile error in a
# fuzz target or in the code it pulls in), and fails this test.
command -v clang >/dev/null 2>&1 || { echo "SKIP: clang not installed"; exit 77; }
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$W/empty.c"
clang -fsanitize=fuzzer "$W/empty.c" -o "$W/empty" >"$W/probe.log" 2>&1 ||
  { echo "SKIP: clang cannot link a libFuzzer target (libclang-rt-14-dev missing?): $(head -n1 "$W/probe.log")"; exit 77; }
${MAKE:-make} -s fuzz >"$W/make.log" 2>&1 || { echo "FAIL: make fuzz failed:"; tail -n 15 "$W/make.log"; exit 1; }
res=""
for t in scenario report replay; do
  bin=build/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "FAIL: $bin not built"; exit 1; }
  mkdir -p "$W/$t"
  "$bin" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="build/fuzz/crash-$t-" \
    "$W/$t" "tests/fuzz/corpus_$t" >"$W/$t.log" 2>&1
  rc=$?
  n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/$t.log")
  if [ $rc -ne 0 ]; then
    echo "FAIL: fuzz_$t exit $rc after ${n:-?} executions:"
    grep -m3 -E 'ERROR|SUMMARY|abort|Test unit written' "$W/$t.log"
    exit 1
  fi
  res="$res $t=${n:-?}"
done
echo "PASS: fuzz targets ran ${secs}s each without a finding (executions:$res)"
exit 0
