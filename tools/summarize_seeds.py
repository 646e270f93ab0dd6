#!/usr/bin/env python3
"""Summarises results/seeds/seed-<N>/<dataset>/eval.json: kNN accuracy (k = 10) minus float32 per seed and set,
the seven-set average per seed, and mean, standard deviation and standard error over seeds (standard library only).

Usage: python3 tools/summarize_seeds.py results/seeds > results/seeds/SUMMARY.md
"""
import json, math, os, statistics, sys

root = sys.argv[1] if len(sys.argv) > 1 else "results/seeds"
SEVEN = ["mr", "sst2", "trec", "banking77", "emotion", "subj", "cr"]
SETS = ["imdb"] + SEVEN

def deltas(path):
    run = json.load(open(path))
    base = [r for r in run["results"] if r["encoder"] == "float32"][0]
    (enc,) = [r for r in run["results"] if r["encoder"] != "float32"]
    return enc["encoder"], enc["bits"], enc["hammingAcc10"] - base["hammingAcc10"], enc["asymAcc10"] - base["asymAcc10"]

seeds = sorted((d for d in os.listdir(root) if d.startswith("seed-")), key=lambda d: int(d[5:]) if d[5:].isdigit() else 0)
table = {}
label = None
for s in seeds:
    for ds in SETS:
        p = os.path.join(root, s, ds, "eval.json")
        if os.path.exists(p):
            enc, bits, h, a = deltas(p)
            label = label or "%s %d bits" % (enc, bits)
            table.setdefault(s, {})[ds] = (h, a)

def stats(xs):
    m = statistics.mean(xs)
    sd = statistics.stdev(xs) if len(xs) > 1 else float("nan")
    return m, sd, sd / math.sqrt(len(xs))

print("Seed spread, %s: kNN accuracy (k = 10) minus float32, in points, Hamming / asymmetric. Each seed drives the" % label)
print("fit and the database shuffle. 'avg 7' = mean over " + ", ".join(SEVEN) + ".\n")
print("| seed | " + " | ".join(SETS) + " | avg 7 |")
print("|---|" + "---:|" * (len(SETS) + 1))
avgs = []
for s in seeds:
    per = table.get(s, {})
    cells = ["%+.2f / %+.2f" % per[d] if d in per else "" for d in SETS]
    avg = ""
    if all(d in per for d in SEVEN):
        h = sum(per[d][0] for d in SEVEN) / 7
        a = sum(per[d][1] for d in SEVEN) / 7
        avgs.append((h, a))
        avg = "%+.2f / %+.2f" % (h, a)
    print("| %s | %s | %s |" % (s[5:], " | ".join(cells), avg))
cells = []
for d in SETS:
    hs = [table[s][d][0] for s in seeds if d in table.get(s, {})]
    as_ = [table[s][d][1] for s in seeds if d in table.get(s, {})]
    cells.append("%+.2f / %+.2f" % (statistics.mean(hs), statistics.mean(as_)) if hs else "")
avg = ""
if avgs:
    avg = "%+.2f / %+.2f" % (statistics.mean(x[0] for x in avgs), statistics.mean(x[1] for x in avgs))
print("| **mean** | %s | **%s** |" % (" | ".join(cells), avg))
print()
if len(avgs) > 1:
    for name, i in (("Hamming", 0), ("asymmetric", 1)):
        m, sd, se = stats([x[i] for x in avgs])
        lo, hi = min(x[i] for x in avgs), max(x[i] for x in avgs)
        print("- seven-set average, %s: mean %+.2f over %d seeds, standard deviation %.2f, standard error %.2f, range %+.2f .. %+.2f"
              % (name, m, len(avgs), sd, se, lo, hi))
    imdb = [table[s]["imdb"] for s in seeds if "imdb" in table.get(s, {})]
    if len(imdb) > 1:
        for name, i in (("Hamming", 0), ("asymmetric", 1)):
            m, sd, se = stats([x[i] for x in imdb])
            print("- IMDB, %s: mean %+.2f over %d seeds, standard deviation %.2f, standard error %.2f, range %+.2f .. %+.2f"
                  % (name, m, len(imdb), sd, se, min(x[i] for x in imdb), max(x[i] for x in imdb)))
    spread = []
    for d in SETS:
        hs = [table[s][d][0] for s in seeds if d in table.get(s, {})]
        if len(hs) > 1:
            spread.append("%s %.2f (%+.2f .. %+.2f)" % (d, stats(hs)[1], min(hs), max(hs)))
    print("- per set, Hamming standard deviation over seeds (range): " + ", ".join(spread))
print("\nCommand: `tools/eval-seeds.sh` (then `python3 tools/summarize_seeds.py results/seeds`).")
