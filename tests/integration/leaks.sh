# tests/integration/leaks.sh — sourced by test_kill_*.sh and test_leak_*.sh.
# Sets up hvsim with a private build dir in $W (name prefix $1) and defines
# leftovers(): what an hvsim run in session $SID left behind once it exited —
# live processes of that session, participants of the private build dir,
# memfd:hvsim-region held, new /dev/shm entries, cache tmp dirs, and (when
# LEAK_TMPDIR is set) anything left in that TMPDIR.
HVSIM=${HVSIM:-${BUILD:-build}/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM not built"; exit 77; }
command -v setsid >/dev/null || { echo "SKIP: setsid missing"; exit 77; }
HVSIM=$(realpath "$HVSIM")
W=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
export HVSIM_BUILD_DIR="$W/bld"
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

in_session() { # pids of live (non-zombie) processes in session $SID
  ps -e -o sid=,pid=,stat= | awk -v s="$SID" '$1 == s && $3 !~ /^Z/ { print $2 }'
}
leftovers() {
  out=""
  p=$(in_session | tr '\n' ' ')
  [ -n "$p" ] && out="$out processes in its session: $p;"
  m=0
  for d in /proc/[0-9]*; do
    case "$(readlink "$d/exe" 2>/dev/null)" in "$HVSIM_BUILD_DIR"/*) ;; *) continue ;; esac
    m=$((m + $(ls -l "$d/fd" 2>/dev/null | grep -c 'memfd:hvsim-region')))
    out="$out participant ${d#/proc/} alive;"
  done
  [ $m -gt 0 ] && out="$out $m memfd(s) held;"
  [ "$(ls /dev/shm 2>/dev/null | grep -ci hvsim)" -gt "$SHM0" ] && out="$out new /dev/shm entry;"
  ls -d "$HVSIM_BUILD_DIR"/cache/*.tmp.* >/dev/null 2>&1 && out="$out cache tmp dir left;"
  if [ -n "${LEAK_TMPDIR:-}" ] && [ -n "$(ls -A "$LEAK_TMPDIR")" ]; then
    out="$out left in TMPDIR: $(ls -A "$LEAK_TMPDIR" | tr '\n' ' ');"
  fi
  echo "$out"
}
SHM0=$(ls /dev/shm 2>/dev/null | grep -ci hvsim)
