#!/bin/sh
# `make check-dpor` (opt-in; some 17 minutes): a random sample must lie
# within a complete dpor search.  10,000 random seeds (no reduction at
# all) against the exhaustive search under riscv on verify_2p1 (2 CPUs,
# 2 and 1 reads): verified, 366,491 executions, sc's 204 behaviours; the
# seeds show 161, all among them.  Regression: under arm the search used
# to end ("verified", 105,017 executions) with 90 behaviours where the
# seeds showed 151 — a fence's commit of an old entry took the
# happens-before of the newer entries beside it (det_dpor.c, segments();
# tests/integration/test_det_wmm_old_commit.sh).  The arm search on this
# workload does not end in 40 minutes yet, so it is not checked here
# (docs/det-engine.md, *an arm search that ends is not yet a proof*).
# Runs alone: sh tests/long/test_wmm_random_sample.sh (BUILD=dir for another build).
. "$(dirname "$0")/../integration/lib.sh"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
D=$(dirname "$0")/../det

. "$(dirname "$0")/../integration/behaviours.inc"

set_of riscv_2p1 dpor 64 riscv "$D/verify_2p1.hvs"
grep -q '"summary": *"verified: ' "$t/riscv_2p1.json" || fail "verify_2p1 under riscv: not verified"
set_of sc_2p1 dpor 64 sc "$D/verify_2p1.hvs"
within sc_2p1 riscv_2p1 "verify_2p1 under riscv (sc's behaviours within riscv's)"
set_of rnd_riscv_2p1 random 64 riscv "$D/verify_2p1.hvs" --runs 10000
within rnd_riscv_2p1 riscv_2p1 "verify_2p1 under riscv (10,000 random seeds within dpor)"
pass "verify_2p1 under riscv: sc's $(wc -l < "$t/sc_2p1.s") behaviours and the random sample's $(wc -l < "$t/rnd_riscv_2p1.s") all among dpor's $(wc -l < "$t/riscv_2p1.s")"
