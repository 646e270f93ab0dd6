#!/usr/bin/env python3
"""Table of the validation candidates of tools/validation-grid.sh (issue 25's selection protocol).

Usage: python3 tools/summarize_validation.py results/validation/<model> [--top N]
--top N: print only the N best eligible candidates by V (sign-plane kinds: witq, itq, sign) that meet the STS-B dev
constraint (asymmetric at most 0.5 below the best eligible candidate's), one per line: the protocol's stage 2 list.
Reads every */bench.json below (bench --validation runs); each encoder in them is a candidate
(<kind>-<bits><tags>/share-<S>) and a seed, taken from its folder (the shipped file: witq-256/share-0, seed 42).
Prints the decision metric V (mean over the sets of (d_asym + d_Hamming) / 2, IMDB weighted 2), the ten-set
asymmetric and Hamming losses, IMDB's, STS-B dev; one row per candidate, the mean over the seeds it has.
"""
import json
import pathlib
import re
import statistics
import sys


def rows(path):
    r = json.loads(path.read_text())
    assert r.get("validation"), f"{path} is not a validation report"
    cls = r["classification"]
    sts = r.get("stsb", {})
    for i, e in enumerate(r["encoders"]):
        m = re.search(r"@ .*?/validation/[^/]+/(.+)/seed-(\d+)$", e["label"])
        if m:
            cand, seed = m.group(1), m.group(2)
        elif e["shipped"] and r["generalEncoders"] == "shipped":
            cand, seed = f"{e['kind']}-{e['bits']}/share-0", "42"  # the shipped file: fit --general reproduces it byte for byte
        else:
            continue
        da = [c["results"][i]["asymAcc10"] - c["float32"]["asymAcc10"] for c in cls]
        dh = [c["results"][i]["hammingAcc10"] - c["float32"]["asymAcc10"] for c in cls]
        names = [c["dataset"] for c in cls]
        res = sts["results"][i] if sts else {}
        yield cand, seed, {
            "V": r["validationScores"][i], "asym": statistics.mean(da), "ham": statistics.mean(dh),
            "imdb_a": da[names.index("imdb")], "imdb_h": dh[names.index("imdb")],
            "sts_a": res.get("asymmetric", float("nan")), "sts_h": res.get("hamming", float("nan")),
            "sts_f": sts.get("float32", float("nan")),
        }


def main():
    root = pathlib.Path(sys.argv[1])
    runs = {}
    for p in sorted(root.glob("*/bench.json")):
        for cand, seed, v in rows(p):
            runs.setdefault(cand, {})[seed] = v
    mean = lambda c, k: statistics.mean(v[k] for v in runs[c].values())
    if "--top" in sys.argv:
        n = int(sys.argv[sys.argv.index("--top") + 1])
        eligible = [c for c in runs if c.split("-")[0] in ("witq", "itq", "sign")]
        best_sts = max(mean(c, "sts_a") for c in eligible)
        ok = [c for c in eligible if mean(c, "sts_a") >= best_sts - 0.5]
        for c in sorted(ok, key=lambda c: -mean(c, "V"))[:n]:
            print(c)
        return
    print("| candidate | seeds | V | ten-set asym | ten-set Hamming | IMDB asym | IMDB Hamming | STS-B dev asym | STS-B dev Hamming |")
    print("|---|---|" + "---:|" * 7)
    for cand in sorted(runs, key=lambda c: -mean(c, "V")):
        seeds = runs[cand]
        sd = f" (s.d. {statistics.stdev(v['V'] for v in seeds.values()):.2f})" if len(seeds) > 1 else ""
        print(f"| {cand} | {','.join(sorted(seeds, key=int))} | {mean(cand, 'V'):+.3f}{sd} | {mean(cand, 'asym'):+.2f} | "
              f"{mean(cand, 'ham'):+.2f} | {mean(cand, 'imdb_a'):+.2f} | {mean(cand, 'imdb_h'):+.2f} | "
              f"{mean(cand, 'sts_a'):.2f} | {mean(cand, 'sts_h'):.2f} |")
    if runs:
        f = next(iter(next(iter(runs.values())).values()))["sts_f"]
        print(f"\nSTS-B dev float32: {f:.2f}. V and the kNN columns: accuracy minus float32, points; STS-B: Spearman x 100.")


if __name__ == "__main__":
    main()
