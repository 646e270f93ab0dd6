#!/usr/bin/env python3
"""Summarises results/<dataset>/eval.json into one Markdown table (standard library only).

Usage: python3 tools/summarize.py results > results/SUMMARY.md
"""
import json, os, sys

root = sys.argv[1] if len(sys.argv) > 1 else "results"
SEVEN = ["mr", "sst2", "trec", "banking77", "emotion", "subj", "cr"]
runs = {}
for ds in sorted(os.listdir(root)):
    p = os.path.join(root, ds, "eval.json")
    if os.path.exists(p):
        runs[ds] = json.load(open(p))

def key(r):
    return (r["encoder"], r["bits"])

rows = {}
for ds, run in runs.items():
    base = [r for r in run["results"] if r["encoder"] == "float32"][0]
    for r in run["results"]:
        if r["encoder"] == "float32":
            continue
        rows.setdefault(key(r), {})[ds] = (r["hammingAcc10"] - base["hammingAcc10"], r["asymAcc10"] - base["asymAcc10"], r["asymRecall10"])

print("kNN accuracy (k = 10) minus float32, in points: Hamming / asymmetric. 'avg 7' = mean over " + ", ".join(SEVEN) + ".\n")
dss = [d for d in ["imdb"] + SEVEN if d in runs]
print("| encoder | bits | " + " | ".join(dss) + " | avg 7 (Hamming / asym) |")
print("|---|---:|" + "---:|" * len(dss) + "---:|")
for (enc, bits), per in sorted(rows.items(), key=lambda kv: (kv[0][0] != "pcaq", kv[0][0], kv[0][1])):
    cells = []
    for d in dss:
        cells.append("%+.2f / %+.2f" % per[d][:2] if d in per else "")
    seven = [per[d] for d in SEVEN if d in per]
    avg = ""
    if len(seven) == len(SEVEN):
        avg = "%+.2f / %+.2f" % (sum(s[0] for s in seven) / 7, sum(s[1] for s in seven) / 7)
    print("| %s | %d | %s | %s |" % (enc, bits, " | ".join(cells), avg))
print()
print("float32 kNN accuracy (k = 10): " + ", ".join("%s %.2f" % (d, [r for r in runs[d]["results"] if r["encoder"] == "float32"][0]["asymAcc10"]) for d in dss))
