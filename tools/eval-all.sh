#!/usr/bin/env bash
# Reproduces every table in the README: IMDB plus the seven sentence sets, all encoders, 128 and 256 bits.
# Usage: tools/eval-all.sh [extra eval options]
set -euo pipefail
cd "$(dirname "$0")/.."
for ds in imdb mr sst2 trec banking77 emotion subj cr; do
  ./bitsieve eval --dataset "$ds" -q -o "results/$ds" "$@"   # the tracked reports, on purpose
done
python3 tools/summarize.py results > results/SUMMARY.md
cat results/SUMMARY.md
