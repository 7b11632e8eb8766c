#!/bin/sh
# tests/integration/test_threads_helgrind.sh — issue 8 acceptance, engine helgrind:
# the plain wait (the seed bug) is a DATA_RACE on cfg_flags; the C11 acquire
# wait is clean; hvsim's own runtime contributes no finding.
# Exit 0 pass, 77 skip (tool missing), 1 fail.
HVSIM=${HVSIM:-build/hvsim}
ENGINE=helgrind
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM is not built"; exit 77; }
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
[ -f /usr/include/valgrind/helgrind.h ] || { echo "SKIP: valgrind/helgrind.h is missing"; exit 77; }
. "$(dirname "$0")/threads_check.sh"
