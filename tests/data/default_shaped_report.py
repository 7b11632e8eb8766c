#!/usr/bin/env python3
"""tests/data/default_shaped_report.py SAMPLE OUT — a report.json shaped like
`hvsim matrix`'s default grid (what `make run` writes), built from the small
sample: seed_hang over gcc/clang x O0..Og x wait x relax none/default on
x86_64, aarch64 and riscv64 (144 qemu-user cells), plus wakeup_race at -O2.
The widest row labels and a TIMEOUT in the last column (clang -Og) are what
a real default report has; the layout and summary tests check against it."""
import copy, json, sys

r = json.load(open(sys.argv[1], encoding="utf-8"))
tpl = {}
for c in r["cells"]:
    tpl.setdefault((c["cc"], c["opt"], c["wait"]), c)
base = next(iter(tpl.values()))
QEMU = next(c["platform"] for c in r["cells"] if c["platform"].startswith("qemu"))
cells = []

def cell(scen, arch, cc, opt, wait, relax, wake, verdict=None, status=None):
    c = copy.deepcopy(tpl.get((cc, opt, wait), base))
    c.update(scenario=scen, arch=arch, cc=cc, opt=opt, wait=wait, relax=relax, wake=wake,
             platform="host" if arch == "x86_64" else QEMU, shares_binary_with=[])
    c["id"] = "/".join([scen, "native", arch, cc, opt, wait, relax, wake])
    if verdict:
        c["verdict"], c["status"] = verdict, status
    cells.append(c)

for arch in ("x86_64", "aarch64", "riscv64"):
    for wait in ("plain", "volatile", "acquire"):
        for relax in ("none", "default"):
            for cc in ("gcc", "clang"):
                for opt in ("O0", "O1", "O2", "O3", "Os", "Og"):
                    last = arch == "riscv64" and wait == "volatile" and relax == "default" and cc == "clang" and opt == "Og"
                    cell("seed_hang", arch, cc, opt, wait, relax, "fence",
                         *(("TIMEOUT", "unexpected") if last else ()))
for cc in ("gcc", "clang"):
    for wake in ("fence", "nofence"):
        cell("wakeup_race", "x86_64", cc, "O2", "acquire", "default", wake)
r["cells"] = cells
json.dump(r, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
