#!/bin/sh
# tools/check_layout.sh [ROOT [ALLOWLIST [OBJ]]] — the layout rules of issue 19,
# checked on the sources under ROOT/sim (default: this checkout; tests/ are
# not checked).  `make check-layout` runs it; so does
# tests/integration/test_layout_rules.sh.
#
# Rules, each an "offender" with a key:
#   KEY                          offence
#   sim/a/b.c                    a source file (.c or .h) over 600 lines
#   sim/a/b.c:fn                 a function over 80 lines (from the line that
#                                names it to its closing brace)
#   cycle:sim/a/x,sim/b/y        modules that include each other, directly or
#                                round a longer loop (a module is x.c + x.h;
#                                the key lists the whole strongly connected
#                                component, sorted)
#   dircycle:sim/a,sim/b         the same between folders
#   linkcycle:sim/a/x,sim/a/y    objects that use each other's symbols (with
#                                OBJ only: see below)
#   boundary:sim/runtime/x.c     participant code (sim/runtime, compiled into
#                                the participants) includes hvsim's own code
#                                (sim/ outside sim/runtime and sim/include)
#
# A reason in the file itself, one line `/* layout: <reason> */`, exempts:
# inside a function's body, that function; outside every function body, the
# file's length.  Cycles have no marker: break them.
#
# ALLOWLIST (default ROOT/tools/layout_allow.txt): lines "KEY reason", `#`
# comments.  It names offenders that others are still refactoring.  Every
# offender is printed (ALLOW or NEW); an allowlist line that no longer matches
# anything is printed as STALE so the list can shrink.  Exit 1 on any NEW
# offender, 2 on a usage error, else 0.
#
# Includes: `#include "x"` resolves against the including file's folder, then
# ROOT/sim, ROOT/sim/include, ROOT; what resolves to no file under ROOT/sim
# (system headers, generated files) is not an edge.
#
# Limits of the function scan (a brace counter, not a C parser): comments,
# string and character literals and preprocessor lines are blanked first; a
# `{` at file depth 0 opens a function when the text since the previous `;`,
# `}` or preprocessor line holds `(` and no `=` (so initialisers, struct,
# enum and union bodies are not functions).  Braces inside #if/#else branches
# are all counted, so a function whose braces are unbalanced per branch is
# misread; a macro that expands to a function header is seen by its
# invocation's name.  Neither occurs in sim/ today.
set -u
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
ALLOW=${2:-$ROOT/tools/layout_allow.txt}
MAX_FILE=${LAYOUT_MAX_FILE:-600}
MAX_FUNC=${LAYOUT_MAX_FUNC:-80}
[ -d "$ROOT/sim" ] || { echo "check-layout: no $ROOT/sim" >&2; exit 2; }
[ -r "$ALLOW" ] || ALLOW=/dev/null
OBJ=${3:-}

# The link graph: which object uses a symbol another object defines.  Two
# files can call each other through a header they share (report.c and its
# writers both include report_int.h) without including each other; nm on the
# objects sees it.  Only with OBJ (the build's obj/ folder, as the Makefile
# passes it); an object's module is its source path without the extension.
LINKS=/dev/null
if [ -n "$OBJ" ] && [ -d "$OBJ/sim" ]; then
    LINKS=$(mktemp "${TMPDIR:-/tmp}/hvsim-layout.XXXXXX") || exit 2
    trap 'rm -f "$LINKS"' EXIT INT TERM
    find "$OBJ/sim" -name '*.o' | LC_ALL=C sort | xargs nm -A 2>/dev/null | LC_ALL=C awk -v obj="$OBJ/" '
    { f = $1; sub(/:.*$/, "", f); if (index(f, obj) == 1) f = substr(f, length(obj) + 1)
      sub(/\.o$/, "", f); t = $(NF - 1); s = $NF
      if (t == "U") use[f, s] = 1; else if (t ~ /^[TDBRWVCG]$/) def[s] = f }
    END { for (k in use) { split(k, a, SUBSEP)
            if ((a[2] in def) && def[a[2]] != a[1]) print a[1], def[a[2]], a[2] } }' >"$LINKS"
fi

LIST=$(cd "$ROOT" && find sim -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ -n "$LIST" ] || { echo "check-layout: no sources under $ROOT/sim" >&2; exit 2; }

cd "$ROOT" && printf '%s\n' "$LIST" | LC_ALL=C awk -v allow="$ALLOW" -v links="$LINKS" \
    -v max_file="$MAX_FILE" -v max_func="$MAX_FUNC" '
function exists(p,   r, l) {
    if (p in known) return 1
    return 0
}
function norm(p,   n, i, parts, out, k, o) {
    # collapse "a/./b" and "a/x/../b"
    n = split(p, parts, "/"); k = 0
    for (i = 1; i <= n; i++) {
        if (parts[i] == "." || parts[i] == "") continue
        if (parts[i] == ".." && k > 0) { k--; continue }
        out[++k] = parts[i]
    }
    o = ""
    for (i = 1; i <= k; i++) o = o (i > 1 ? "/" : "") out[i]
    return o
}
function dirname(p) { if (p !~ /\//) return "."; sub(/\/[^\/]*$/, "", p); return p }
function module(p) { sub(/\.[ch]$/, "", p); return p }
function resolve(from, inc,   c) {
    c = norm(dirname(from) "/" inc); if (exists(c)) return c
    c = norm("sim/" inc);            if (exists(c)) return c
    c = norm("sim/include/" inc);    if (exists(c)) return c
    c = norm(inc);                   if (exists(c)) return c
    return ""
}
function offend(key, what) {
    if (key in seen) return
    seen[key] = 1
    if (key in allowed) { used[key] = 1; nallow++; printf "ALLOW  %-52s %s\n", key, what }
    else { nnew++; printf "NEW    %-52s %s\n", key, what }
}
# Tarjan: strongly connected components of graph g (edges in E_g[a SUBSEP b])
function scc_all(g,   k, tmp) {
    idx = 0; sp = 0
    for (k in NODES) {
        split(k, tmp, SUBSEP)
        if (tmp[1] == g && !((g, tmp[2]) in IX)) strong(g, tmp[2])
    }
}
function strong(g, v,   w, k, comp, n, i, tmp, j, t) {
    IX[g, v] = idx; LOW[g, v] = idx; idx++
    STK[++sp] = v; ON[g, v] = 1
    for (k in E) {
        split(k, tmp, SUBSEP)
        if (tmp[1] != g || tmp[2] != v) continue
        w = tmp[3]
        if (!((g, w) in IX)) { strong(g, w); if (LOW[g, w] < LOW[g, v]) LOW[g, v] = LOW[g, w] }
        else if (ON[g, w] && IX[g, w] < LOW[g, v]) LOW[g, v] = IX[g, w]
    }
    if (LOW[g, v] == IX[g, v]) {
        n = 0
        do { w = STK[sp--]; ON[g, w] = 0; comp[++n] = w } while (w != v)
        if (n > 1) {
            for (i = 2; i <= n; i++) {             # insertion sort
                t = comp[i]; j = i - 1
                while (j >= 1 && comp[j] > t) { comp[j + 1] = comp[j]; j-- }
                comp[j + 1] = t
            }
            key = (g == "m" ? "cycle:" : g == "d" ? "dircycle:" : "linkcycle:") comp[1]
            for (i = 2; i <= n; i++) key = key "," comp[i]
            offend(key, (g == "m" ? "modules include" : g == "d" ? "folders include" : "objects call") " each other")
            for (i = 1; i <= n; i++) INC[comp[i]] = 1
            for (k in E) {
                split(k, tmp, SUBSEP)
                if (tmp[1] == g && (tmp[2] in INC) && (tmp[3] in INC))
                    printf "         %s -> %s  (%s)\n", tmp[2], tmp[3], WHY[k]
            }
            for (i = 1; i <= n; i++) delete INC[comp[i]]
        }
    }
}
# blank comments, literals and preprocessor lines of one line of C; the
# state (in a block comment, in a continued #-line) carries across lines
function clean(s,   out, i, c, n, q) {
    waspp = 0
    if (pp) { pp = (s ~ /\\$/); waspp = 1; return "" }
    if (!incom && s ~ /^[ \t]*#/) { pp = (s ~ /\\$/); waspp = 1; return "" }
    out = ""; n = length(s); i = 1
    while (i <= n) {
        c = substr(s, i, 1)
        if (incom) {
            if (c == "*" && substr(s, i + 1, 1) == "/") { incom = 0; i += 2; out = out " " } else i++
            continue
        }
        if (c == "/" && substr(s, i + 1, 1) == "*") { incom = 1; i += 2; continue }
        if (c == "/" && substr(s, i + 1, 1) == "/") break
        if (c == "\"" || c == "\047") {
            q = c; i++
            while (i <= n && substr(s, i, 1) != q) { if (substr(s, i, 1) == "\\") i++; i++ }
            i++; out = out q q; continue
        }
        out = out c; i++
    }
    return out
}
function scan(f,   line, ln, s, i, n, c, head, name, t, hl) {
    depth = 0; incom = 0; pp = 0; ln = 0; head = ""; hl = 0; fexempt = 0; infn = 0
    while ((getline line < f) > 0) {
        ln++
        if (line ~ /\/\*[ \t]*layout:[ \t]*[^ \t*]/) {
            if (depth > 0 && infn) fnexempt = 1; else fexempt = 1
        }
        s = clean(line)
        if (waspp && depth == 0) head = ""
        n = length(s)
        for (i = 1; i <= n; i++) {
            c = substr(s, i, 1)
            if (c == "{") {
                if (depth == 0) {
                    infn = 0
                    if (head ~ /\(/ && head !~ /=/) {
                        t = head; gsub(/__attribute__[ \t]*\(\([^)]*\)\)/, "", t)
                        sub(/\(.*/, "", t); sub(/[ \t]+$/, "", t)
                        name = t; sub(/.*[^A-Za-z0-9_]/, "", name)
                        if (name != "") { infn = 1; fnname = name; fnstart = hl; fnexempt = 0 }
                    }
                    head = ""
                }
                depth++
            } else if (c == "}") {
                depth--
                if (depth == 0) {
                    if (infn && ln - fnstart + 1 > max_func && !fnexempt)
                        offend(f ":" fnname, "function of " (ln - fnstart + 1) " lines")
                    infn = 0; head = ""
                }
                if (depth < 0) depth = 0
            } else if (depth == 0) {
                if (c == ";") head = ""
                else {
                    if (c ~ /[A-Za-z_(]/ && head !~ /\(/) hl = ln
                    head = head c
                }
            }
        }
        if (depth == 0 && head != "") head = head " "
    }
    close(f)
    if (ln > max_file && !fexempt) offend(f, "file of " ln " lines")
}
BEGIN {
    while ((getline l < allow) > 0) {
        if (l ~ /^[ \t]*(#|$)/) continue
        split(l, af, /[ \t]+/); allowed[af[1]] = 1; order[++nall] = af[1]
    }
}
{ files[++nf] = $0; known[$0] = 1 }
END {
    for (fi = 1; fi <= nf; fi++) {
        f = files[fi]
        NODES["m", module(f)] = 1; NODES["d", dirname(f)] = 1
        while ((getline line < f) > 0) {
            if (line !~ /^[ \t]*#[ \t]*include[ \t]*"/) continue
            inc = line; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
            to = resolve(f, inc)
            if (to == "" || to !~ /^sim\//) continue
            # the line between hvsim and the participants: code compiled
            # into the participants includes only participant code and the
            # contract (sim/include)
            if (f ~ /^sim\/runtime\// && to !~ /^sim\/(runtime|include)\//)
                offend("boundary:" f, "participant code includes hvsim'"'"'s " to)
            a = module(f); b = module(to)
            if (a != b && !(("m", a, b) in E)) { E["m", a, b] = 1; WHY["m", a, b] = f " includes " to }
            a = dirname(f); b = dirname(to)
            if (a != b && !(("d", a, b) in E)) { E["d", a, b] = 1; WHY["d", a, b] = f " includes " to }
        }
        close(f)
    }
    while ((getline line < links) > 0) {
        split(line, lk, " ")
        # an object whose source is gone (moved or deleted) is stale, not code
        if (!((lk[1] ".c") in known) || !((lk[2] ".c") in known)) continue
        if (!(("l", lk[1], lk[2]) in E)) { E["l", lk[1], lk[2]] = 1; WHY["l", lk[1], lk[2]] = "uses " lk[3] }
        NODES["l", lk[1]] = 1; NODES["l", lk[2]] = 1
    }
    for (fi = 1; fi <= nf; fi++) scan(files[fi])
    scc_all("m")
    scc_all("d")
    scc_all("l")
    for (i = 1; i <= nall; i++) if (!(order[i] in used))
        printf "STALE  %-52s no longer offends: drop it from the allowlist\n", order[i]
    printf "check-layout: %d files; %d new offender(s), %d allowed\n", nf, nnew, nallow
    exit(nnew > 0 ? 1 : 0)
}'
