#!/bin/sh
# tests/integration/test_threads_tsan.sh — issue 8 acceptance, engine tsan:
# the plain wait (the seed bug) is a DATA_RACE on cfg_flags; the C11 acquire
# wait is clean; hvsim's own runtime contributes no finding.
# Exit 0 pass, 77 skip (tool missing), 1 fail.
HVSIM=${HVSIM:-build/hvsim}
ENGINE=tsan
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM is not built"; exit 77; }
probe=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-tsanprobe.XXXXXX"); trap 'rm -rf "$probe"' EXIT
echo 'int main(void){return 0;}' > "$probe/p.c"
gcc -fsanitize=thread "$probe/p.c" -o "$probe/p" 2>/dev/null && "$probe/p" || {
  echo "SKIP: gcc -fsanitize=thread does not build/run here (libtsan2 missing?)"; exit 77; }
. "$(dirname "$0")/threads_check.sh"
