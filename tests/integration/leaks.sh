# tests/integration/leaks.sh — sourced by test_kill_*.sh and test_leak_*.sh.
# Sets up hvsim with a private build dir (name prefix $1 for $W) and defines
# leftovers(): what an hvsim run in session $SID left behind once it exited —
# live processes of that session, participants of the private build dir,
# memfd:hvsim-region held, new /dev/shm entries, cache tmp dirs, and (when
# LEAK_TMPDIR is set) anything left in that TMPDIR.
HVSIM=${HVSIM:-${BUILD:-build}/hvsim}
[ -x "$HVSIM" ] || { echo "SKIP: $HVSIM not built"; exit 77; }
command -v setsid >/dev/null || { echo "SKIP: setsid missing"; exit 77; }
HVSIM=$(realpath "$HVSIM")
W=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
# the private build dir: $W/bld, or the one tests/run.sh gives the kill/leak
# tests to share (they run alone, one after another, so no other hvsim uses
# it; each would otherwise compile the same variants again)
export HVSIM_BUILD_DIR="${LEAKS_BUILD_DIR:-$W/bld}"
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
# settled WHAT: once hvsim has exited, what it left must be gone within 2 s
# (participants are reaped, the session empties): poll, do not sleep and hope
settled() {
  i=0
  while [ -n "$(leftovers)" ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
  l=$(leftovers); [ -z "$l" ] || fail "$1: left behind:$l"
}
# own_session PID: setsid has made PID the leader of its own session (within
# 5 s: a slow setsid on a loaded machine is waited for, not a skip)
own_session() {
  i=0
  while [ "$(sed 's/^.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f4)" != "$1" ] && [ $i -lt 100 ]; do
    kill -0 "$1" 2>/dev/null || fail "hvsim (pid $1) exited before it had its own session: $(cat "$W/out" "$W/err" 2>/dev/null | tail -n 3)"
    sleep 0.05; i=$((i + 1))
  done
  [ $i -lt 100 ] || fail "setsid did not make hvsim (pid $1) a session leader within 5 s"
}
# cpu_ticks PID: user + system CPU time of PID, in clock ticks
cpu_ticks() { sed 's/^.*) //' /proc/$1/stat 2>/dev/null | awk '{ print $12 + $13 }'; }
# busy PID TICKS: PID has used TICKS clock ticks of CPU more than now (it is
# running its workload, not still starting), within 10 s
busy() {
  b0=$(cpu_ticks "$1"); [ -n "$b0" ] || fail "process $1 is gone"
  i=0
  while :; do
    n=$(cpu_ticks "$1")
    [ -n "$n" ] || fail "process $1 exited while we waited for it to run"
    [ "$n" -lt $((b0 + $2)) ] && [ $i -lt 500 ] || break
    sleep 0.02; i=$((i + 1))
  done
  [ $i -lt 500 ] || fail "process $1 used < $2 ticks of CPU in 10 s"
}
# stopped PID: every thread of PID is in state T (SIGSTOP took effect), within 5 s
stopped() {
  i=0
  while sed 's/^.*) //' /proc/$1/task/*/stat 2>/dev/null | cut -c1 | grep -qv T; do
    [ $i -lt 100 ] || fail "process $1 did not stop within 5 s"
    sleep 0.05; i=$((i + 1))
  done
  # not "no thread left that is not stopped" because the process is gone
  [ "$(sed 's/^.*) //' /proc/$1/stat 2>/dev/null | cut -c1)" = T ] || fail "process $1 exited instead of stopping"
}
# stopped_at PID: "function file:line" of where each thread of the stopped PID
# is (its user-space PC from /proc/PID/task/T/syscall, which reads
# "-1 SP PC" for a thread stopped outside a system call), via addr2line
stopped_at() {
  python3 - "$1" <<'PY'
import glob, subprocess, sys
pid = sys.argv[1]
exe = __import__('os').readlink('/proc/%s/exe' % pid)
maps = []
for l in open('/proc/%s/maps' % pid):
    f = l.split()
    if len(f) >= 6 and f[5] == exe:
        lo, hi = (int(x, 16) for x in f[0].split('-'))
        maps.append((lo, hi, int(f[2], 16)))
for t in sorted(glob.glob('/proc/%s/task/*/syscall' % pid)):
    s = open(t).read().split()
    if not s or s[0] != '-1' or len(s) < 3:
        continue  # in a system call (or running): not stopped in user code
    pc = int(s[2], 16)
    for lo, hi, off in maps:
        if lo <= pc < hi:
            out = subprocess.run(['addr2line', '-f', '-e', exe, hex(pc - lo + off)],
                                 capture_output=True, text=True).stdout.split('\n')
            fl = out[1].split(' ')[0]
            print(out[0], fl.split('/')[-2] + '/' + fl.split('/')[-1] if '/' in fl else fl)
PY
}
SHM0=$(ls /dev/shm 2>/dev/null | grep -ci hvsim)
