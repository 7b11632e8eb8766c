#!/bin/sh
# tests/integration/test_bare_run.sh — what a bare `hvsim run` does is what
# `run --help` and docs/scenarios.md say (issue 21: it quietly used 1 CPU,
# poll-window 0, a rendezvous and an answer delay while the docs listed the
# scenario defaults), and --runs 1 is one execution in every engine (det
# used to explore 100 seeds).
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT

# 1. the help's lines are scenario syntax, and docs/scenarios.md quotes them
"$HVSIM" run --help > "$t/help" || fail "run --help: exit $?"
sed -n '/^except these/,/^  and the default workload/p' "$t/help" | sed '1d;$d' > "$t/bare.hvs"
[ "$(cat "$t/bare.hvs")" = "  cpus 1
  poll-window 0
  rendezvous hv_publish be_before_sleep jitter 64
  delay be_before_answer 0..1ms every 8" ] || fail "run --help describes a bare run as: $(cat "$t/bare.hvs")"
grep -q '^  and the default workload 6 times over (120 accesses per CPU' "$t/help" || fail "run --help: no workload line"
while IFS= read -r l; do
  grep -qxF -- "$l" "$root/docs/scenarios.md" || fail "docs/scenarios.md lacks the bare-run line '$l'"
done < "$t/bare.hvs"
"$HVSIM" run --scenario "$t/bare.hvs" --runs 1 > "$t/o" 2>&1 || fail "the help's lines as a scenario: exit $? ($(head -n 3 "$t/o"))"

# 2. a bare run does what the help says: 1 CPU, the rendezvous, 6 rounds
#    (12 notifications over the 2 devices)
"$HVSIM" run --json > "$t/j" 2>"$t/err" || fail "bare run: exit $? ($(tail -n 2 "$t/err"))"
txt=$(jget "$t/j" "L[0]['evidence']['text']")
case "$txt" in "all 1 CPUs completed their accesses; "*) ;; *) fail "bare run evidence: $txt";; esac
case "$txt" in *[Rr]"endezvous met "*) ;; *) fail "bare run evidence, no rendezvous: $txt";; esac
case "$txt" in *"12 queue notifications completed"*) ;; *) fail "bare run evidence, not 12 notifications: $txt";; esac

# 3. --runs 1 is one execution: native and det (a PASS variant, seed 5)
for e in native det; do
  "$HVSIM" run --engine $e --wake fence --seed 5 --runs 1 --json > "$t/$e" 2>"$t/err" ||
    fail "$e --runs 1: exit $? ($(tail -n 2 "$t/err"))"
  [ "$(grep -c . "$t/$e")" = 1 ] || fail "$e --runs 1: $(grep -c . "$t/$e") results"
  [ "$(jget "$t/$e" "L[0]['seed']")" = 5 ] || fail "$e --runs 1: seed $(jget "$t/$e" "L[0]['seed']")"
done
n=$(jget "$t/det" "L[0]['evidence'].get('executions')")
[ "$n" = 1 ] || fail "det --runs 1 ran $n executions"
"$HVSIM" run --engine det --wake fence --seed 5 --runs 3 --json > "$t/det3" 2>"$t/err" || fail "det --runs 3: exit $?"
[ "$(jget "$t/det3" "','.join(str(o['seed']) for o in L)")" = 5,6,7 ] || fail "det --runs 3: seeds $(jget "$t/det3" "[o['seed'] for o in L]")"
pass "bare run = run --help = docs/scenarios.md (cpus 1, poll-window 0, rendezvous, answer delay, 6 rounds); --runs 1 is one execution (native, det)"
