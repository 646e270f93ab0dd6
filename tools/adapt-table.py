#!/usr/bin/env python3
"""Table of tools/adapt-measure.sh results: python3 tools/adapt-table.py OUT_DIR SET..."""
import re, sys
out = sys.argv[1]
print("| set | db / queries | float32 | shipped witq 256 | adapted (kind) | Δ before → after | R@10 asym before → after | R@10 Hamming before → after | refit s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for s in sys.argv[2:]:
    d = f"{out}/{s}"
    try:
        fl = float(open(f"{d}/float.txt").read())
        acc = lambda f: float(re.search(r"accuracy ([\d.]+)%", open(f"{d}/{f}").read()).group(1))
        b, a = acc("before.txt"), acc("after.txt")
        r = open(f"{d}/refit.txt").read()
    except (OSError, AttributeError):
        continue
    head = re.search(r"refit on ([\d,]+) documents \(([\d,]+) fitted, ([\d,]+) held out as queries\) in ([\d.]+)s", r)
    cur = re.search(r"current\s+\S+\s+recall@10 asym ([\d.]+)\s+Hamming ([\d.]+)", r)
    cands = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"candidate (\S+)\s+recall@10 asym ([\d.]+)\s+Hamming ([\d.]+)", r)}
    ch = re.search(r"changed: (\S+)", r)
    kind = ch.group(1) if ch else "unchanged"
    ra = cands[kind] if ch else (cur.group(1), cur.group(2))
    nq = re.search(r"\((\d+)/(\d+)\)", open(f"{d}/before.txt").read()).group(2)
    print(f"| {s} | {head.group(1)} / {nq} | {fl:.2f} | {b:.2f} | {a:.2f} ({kind}) | {b-fl:+.2f} → {a-fl:+.2f} | "
          f"{cur.group(1)} → {ra[0]} | {cur.group(2)} → {ra[1]} | {float(head.group(4)):.0f} |")
