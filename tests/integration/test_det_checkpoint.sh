#!/bin/sh
# test_det_checkpoint.sh — a dpor search kept in a file (--checkpoint) and
# continued (--resume) runs the executions the uninterrupted search runs:
# stopped by --runs, then killed with SIGKILL at a moment it does not
# choose (the file is written atomically, every second here), the resumed
# search ends "verified" at the same count with the same races and
# behaviours.  And
# what cannot be continued is refused with exit 2: no file, a file that
# exists (a new search never overwrites a kept one), another search's
# file, a damaged or a foreign one, a strategy that keeps no state.
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
D=$(dirname "$0")/../det
# tso verify_1x2: some 12,000 executions, several seconds — long enough to
# be killed in the middle
run() { "$HVSIM" run --engine det --strategy dpor --bound 64 --memory-model tso \
          --scenario "$D/verify_1x2.hvs" "$@"; }
stats() { grep '^hvsim det: dpor covered' "$1" | sed 's/; resumed from.*//'; }

HVSIM_DET_BEHAVIOURS="$t/full.b" run --runs 5000000 >"$t/full.out" 2>"$t/full.err" ||
  fail "the uninterrupted search: exit $? ($(tail -n1 "$t/full.err"))"
n=$(sed -n 's/.*verified: \([0-9]*\) executions.*/\1/p' "$t/full.out")
[ -n "$n" ] || fail "the uninterrupted search did not say verified: $(cat "$t/full.out")"

# 1. stopped by --runs, then resumed
HVSIM_DET_BEHAVIOURS="$t/a.b" run --runs 500 --checkpoint "$t/ck" >"$t/a1.out" 2>"$t/a1.err" ||
  fail "capped: exit $? ($(tail -n1 "$t/a1.err"))"
[ -s "$t/ck" ] || fail "capped: no checkpoint written"
grep -q "state is in $t/ck (500 executions): --resume continues it" "$t/a1.err" ||
  fail "capped: no line naming the checkpoint: $(head -n1 "$t/a1.err")"
grep -q "verified" "$t/a1.out" && fail "capped: said verified after 500 of $n executions"
# --runs caps each run, not the total
HVSIM_DET_BEHAVIOURS="$t/a.b" run --runs 500 --checkpoint "$t/ck" --resume >"$t/a1.out" 2>"$t/a1.err" ||
  fail "capped again: exit $? ($(tail -n1 "$t/a1.err"))"
grep -q "state is in $t/ck (1000 executions)" "$t/a1.err" ||
  fail "resumed with --runs 500: $(head -n2 "$t/a1.err"), want 1000 executions in all"
# 2. then killed (SIGKILL, no chance to write anything) in the middle: the
# file holds what was written at most a second before
cp "$t/ck" "$t/ck.1000"
HVSIM_CHECKPOINT_SECS=1 HVSIM_DET_BEHAVIOURS="$t/a.b" setsid "$HVSIM" run --engine det --strategy dpor \
  --bound 64 --memory-model tso --scenario "$D/verify_1x2.hvs" --runs 5000000 --checkpoint "$t/ck" --resume \
  >"$t/k1.out" 2>"$t/k1.err" &
pid=$!
i=0
until ! cmp -s "$t/ck" "$t/ck.1000" || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
kill -0 "$pid" 2>/dev/null || fail "killed: the search ended before the kill ($(tail -n1 "$t/k1.err"))"
kill -9 -"$pid"
wait "$pid" 2>/dev/null
[ -s "$t/ck" ] || fail "killed: no checkpoint"
# 3. resumed to its end
HVSIM_DET_BEHAVIOURS="$t/a.b" run --runs 5000000 --checkpoint "$t/ck" --resume >"$t/a2.out" 2>"$t/a2.err" ||
  fail "resumed after SIGKILL: exit $? ($(tail -n1 "$t/a2.err"))"
at=$(sed -n 's/.*resumed from .*: \([0-9]*\) executions were run before; [0-9]* options left on the path after the next one, the shallowest at decision -\{0,1\}[0-9]*; roughly [0-9.e+]* in all (an estimate from the subtrees finished so far)$/\1/p' "$t/a2.err")
[ "$at" -gt 1000 ] || fail "killed: the checkpoint was not written while the search ran (resumed at $at)"
grep -q "verified: $n executions" "$t/a2.out" ||
  fail "resumed after SIGKILL at $at: $(cat "$t/a2.out"), want verified: $n executions"
[ "$(stats "$t/a2.err")" = "$(stats "$t/full.err")" ] ||
  fail "resumed after SIGKILL at $at: other counts than the uninterrupted search: $(stats "$t/a2.err") / $(stats "$t/full.err")"
[ -e "$t/ck" ] && fail "the ended search left its checkpoint"
ls "$t"/ck.tmp 2>/dev/null && fail "a temporary checkpoint was left"
cut -d' ' -f1 "$t/full.b" | sort -u > "$t/full.s"
cut -d' ' -f1 "$t/a.b" | sort -u > "$t/a.s"
cmp -s "$t/full.s" "$t/a.s" || fail "resumed: other behaviours ($(wc -l < "$t/a.s") against $(wc -l < "$t/full.s"))"
[ "$(wc -l < "$t/a.b")" -eq "$(wc -l < "$t/a.s")" ] || fail "resumed: a behaviour written twice to HVSIM_DET_BEHAVIOURS"

# 4. under arm, whose stack holds value choices and the granules a drain
# commits (det_dfs_node.gw): verify_2x1, stopped at 50, resumed
arm() { "$HVSIM" run --engine det --strategy dpor --bound 64 --memory-model arm \
          --scenario "$D/verify_2x1.hvs" "$@"; }
arm --runs 5000000 >"$t/w.out" 2>"$t/w.err" || fail "arm: exit $? ($(tail -n1 "$t/w.err"))"
arm --runs 50 --checkpoint "$t/w" >/dev/null 2>&1 || fail "arm, capped: exit $?"
arm --runs 5000000 --checkpoint "$t/w" --resume >"$t/w2.out" 2>"$t/w2.err" ||
  fail "arm, resumed: exit $? ($(tail -n1 "$t/w2.err"))"
[ "$(stats "$t/w2.err")" = "$(stats "$t/w.err")" ] ||
  fail "arm, resumed at 50: other counts than the uninterrupted search: $(stats "$t/w2.err") / $(stats "$t/w.err")"
grep -q "verified: " "$t/w2.out" || fail "arm, resumed: $(cat "$t/w2.out")"

# 5. refused: exit 2 and a line that says why
refuse() { # WHAT WANT-TEXT ARGS...
  _w=$1 _x=$2; shift 2
  "$@" >"$t/r.out" 2>"$t/r.err"; rc=$?
  [ "$rc" -eq 2 ] || fail "$_w: exit $rc, want 2 ($(tail -n1 "$t/r.err"))"
  grep -q "$_x" "$t/r.err" || fail "$_w: '$(tail -n1 "$t/r.err")' does not say '$_x'"
}
run --runs 50 --checkpoint "$t/c" >/dev/null 2>&1 || fail "a 50-execution checkpoint: exit $?"
refuse "an existing file without --resume" "the file exists" run --runs 10 --checkpoint "$t/c"
refuse "--resume without a file" "no such file" run --checkpoint "$t/none" --resume
refuse "--resume alone" "needs --checkpoint" run --resume
refuse "another model's checkpoint" "another search" \
  "$HVSIM" run --engine det --strategy dpor --bound 64 --memory-model sc --scenario "$D/verify_1x2.hvs" \
  --checkpoint "$t/c" --resume
refuse "another bound's checkpoint" "another search" \
  "$HVSIM" run --engine det --strategy dpor --bound 3 --memory-model tso --scenario "$D/verify_1x2.hvs" \
  --checkpoint "$t/c" --resume
head -c 3000 "$t/c" > "$t/trunc"
refuse "a truncated checkpoint" "truncated" run --checkpoint "$t/trunc" --resume
cp "$t/c" "$t/flip"
printf 'X' | dd of="$t/flip" bs=1 seek=2500 conv=notrunc 2>/dev/null
refuse "a damaged checkpoint" "damaged" run --checkpoint "$t/flip" --resume
sed '1s/format 2/format 1/' "$t/c" > "$t/old" # the text line only: the rest is no matter
refuse "an older hvsim's checkpoint" "an older hvsim (format 1)" run --checkpoint "$t/old" --resume
echo "# not a checkpoint" > "$t/text"
refuse "a text file" "not an hvsim search checkpoint" run --checkpoint "$t/text" --resume
refuse "a seeded strategy" "keeps a det dfs/dpor search" \
  "$HVSIM" run --engine det --strategy random --runs 3 --checkpoint "$t/r"
[ -e "$t/r" ] && fail "a refused run wrote a checkpoint"
pass "a dpor search stopped by --runs at 500 and 1,000, then killed with SIGKILL (resumed at $at), resumes to the uninterrupted search's $n executions with its counts and $(wc -l < "$t/full.s") behaviours, and under arm (verify_2x1, stopped at 50) to its $(sed -n 's/.*verified: \([0-9]*\) executions.*/\1/p' "$t/w.out"); an existing, missing, foreign, older, truncated, damaged or non-dpor checkpoint is refused with exit 2"
