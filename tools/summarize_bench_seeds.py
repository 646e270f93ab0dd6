#!/usr/bin/env python3
"""Summarises results/general-seeds/<model>/<encoder>-<bits>/seed-<N>/bench.json (tools/bench-seeds.sh): per seed of the general fit,
kNN accuracy (k = 10) minus float32 on IMDB and the ten-set average, asymmetric and Hamming, and STS-B Spearman
minus float32; then mean, standard deviation and standard error over seeds, and how many seeds meet issue 3's
targets (standard library only). When every seed also has seed-<N>/scifact/bench.json (bench-seeds.sh --retrieval),
a column adds SciFact nDCG@10 with the top 100 re-ranked (asymmetric) minus float32.

Usage: python3 tools/summarize_bench_seeds.py results/general-seeds/all-minilm-l6-v2/witq-256 > .../SUMMARY.md
       [--paired BASE]: also the per-seed differences to the study in folder BASE (same seeds), mean and standard
       error, for a change whose fits share their seeds with BASE's (e.g. the same planes plus a correction factor).
"""
import json, math, os, statistics, sys

args = sys.argv[1:]
base = None
if "--paired" in args:
    i = args.index("--paired")
    base = args[i + 1]
    del args[i:i + 2]
root = args[0] if args else "results/general-seeds/all-minilm-l6-v2/witq-256"
# column: (title, target: the largest loss allowed, in points)
COLUMNS = [("IMDB asym", 0.5), ("IMDB Hamming", 1.5), ("avg 10 asym", 0.5), ("avg 10 Hamming", 1.5),
           ("STS-B asym", 1.5), ("STS-B Hamming", None)]


SCIFACT = ("SciFact re-ranked", 1.0)


def scifact(path):
    """nDCG@10 of the asymmetric scan with the top 100 re-ranked, minus float32, from a --tasks retrieval bench.json."""
    r = json.load(open(path))["scifact"]
    return next(x["ndcg10"] for x in r["results"] if x["method"] == "asymmetric + re-rank") - r["float32"]["ndcg10"]


def row(path):
    """(label, model, number of kNN sets, the COLUMNS' differences to float32) of one seed's bench.json."""
    r = json.load(open(path))
    cls = {c["dataset"]: c for c in r["classification"]}
    d = lambda c, key: c["results"][0][key] - c["float32"][key]
    avg = lambda key: statistics.mean(d(c, key) for c in cls.values())
    sts = r["stsb"]
    label = "%s %d bits" % (r["encoders"][0]["kind"], r["encoders"][0]["bits"])
    return label, r["model"], len(cls), [d(cls["imdb"], "asymAcc10"), d(cls["imdb"], "hammingAcc10"), avg("asymAcc10"),
                             avg("hammingAcc10"), sts["results"][0]["asymmetric"] - sts["float32"],
                             sts["results"][0]["hamming"] - sts["float32"]]


seeds = sorted((d for d in os.listdir(root) if d.startswith("seed-") and os.path.exists(os.path.join(root, d, "bench.json"))),
               key=lambda d: int(d[5:]) if d[5:].isdigit() else 0)


def seed_row(folder, s):
    """row() of folder/s, plus the SciFact difference when the seed has a scifact/bench.json."""
    label, model, nsets, values = row(os.path.join(folder, s, "bench.json"))
    sci = os.path.join(folder, s, "scifact", "bench.json")
    return label, model, nsets, values + [scifact(sci)] if os.path.exists(sci) else values


rows = {}
label, model, nsets = None, None, 0
for s in seeds:
    label, model, nsets, rows[s] = seed_row(root, s)
if seeds and all(len(v) > len(COLUMNS) for v in rows.values()):
    COLUMNS.append(SCIFACT)
rows = {s: v[:len(COLUMNS)] for s, v in rows.items()}  # the SciFact column only when every seed has it

print("Seed spread of the general encoder, %s (`bitsieve fit --general -e KIND --seed N`: the seed draws the" % label)
print("100,000-sentence sample and the fit), benchmarked with `bitsieve bench --encoders` on %d kNN sets and STS-B test%s."
      % (nsets, " (and SciFact test queries)" if SCIFACT in COLUMNS else ""))
print("Differences to float32 in points; every shipped general encoder was fitted with seed 42. Made by tools/bench-seeds.sh.\n")
print("| seed | " + " | ".join(t for t, _ in COLUMNS) + " |")
print("|---|" + "---:|" * len(COLUMNS))
for s in seeds:
    print("| %s | " % s[5:] + " | ".join("%+.2f" % x for x in rows[s]) + " |")
if len(seeds) > 1:
    cols = list(zip(*rows.values()))
    stats = [(statistics.mean(c), statistics.stdev(c)) for c in cols]
    print("| **mean** | " + " | ".join("**%+.2f**" % m for m, _ in stats) + " |")
    print("| standard deviation | " + " | ".join("%.2f" % sd for _, sd in stats) + " |")
    print("| standard error | " + " | ".join("%.2f" % (sd / math.sqrt(len(seeds))) for _, sd in stats) + " |")
    print("| range | " + " | ".join("%+.2f .. %+.2f" % (min(c), max(c)) for c in cols) + " |")
    # issue 3 sets its targets for all-MiniLM-L6-v2 only; for other models they are shown for reference
    target = "target (loss at most)" if model == "all-minilm-l6-v2" else "all-MiniLM's target, for reference"
    print("| %s | " % target + " | ".join("%.1f" % t if t else "–" for _, t in COLUMNS) + " |")
    print("| seeds meeting it | " + " | ".join("%d of %d" % (sum(1 for x in c if x >= -t), len(c)) if t else "–"
                                             for c, (_, t) in zip(cols, COLUMNS)) + " |")
if base:
    common = [s for s in seeds if os.path.exists(os.path.join(base, s, "bench.json"))]
    # zip stops at the shorter row: the SciFact column is compared only when both studies have it
    diffs = list(zip(*([a - b for a, b in zip(rows[s], seed_row(base, s)[3])] for s in common)))
    print("\nPaired with %s (%d common seeds): this minus that, per seed, mean (standard error); made by"
          " `python3 tools/summarize_bench_seeds.py %s --paired %s`\n" % (base, len(common), root, base))
    print("| | " + " | ".join(t for t, _ in COLUMNS[:len(diffs)]) + " |")
    print("|---|" + "---:|" * len(diffs))
    print("| difference | " + " | ".join("%+.2f (%.2f)" % (statistics.mean(c), statistics.stdev(c) / math.sqrt(len(c)))
                                       for c in diffs) + " |")
